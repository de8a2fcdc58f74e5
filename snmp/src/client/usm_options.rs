//! net-snmp's SNMPv3 options, `-u -l -a -A -x -X -e -E -n` and `-3m`/`-3M` (master keys in
//! hex instead of `-A`/`-X` passphrases), read into a [`UsmConfig`]. The `osprey` commands
//! and snmpd.conf's `trapsess` lines both take them; each words a [`UsmOptionError`] its
//! own way (net-snmp's messages on the command line, a config warning in the agent).

use super::usm::UsmConfig;
use crate::SecurityLevel;
use crate::usm::{AuthProtocol, Credential, KeyExtension, LocalizedKey, PrivProtocol, hex};

/// The v3 options given so far.
#[derive(Debug, Clone, Default)]
pub struct UsmOptions {
    /// `-u`.
    pub user: Option<String>,
    /// `-l`.
    pub level: Option<SecurityLevel>,
    /// `-a`, and `-A` or `-3m`.
    pub auth_protocol: Option<AuthProtocol>,
    pub auth_secret: Option<Credential>,
    /// `-x` (with the key extension its name selects), and `-X` or `-3M`.
    pub privacy: Option<(PrivProtocol, KeyExtension)>,
    pub priv_secret: Option<Credential>,
    /// `-e`, `-E`, `-n`.
    pub security_engine_id: Option<Vec<u8>>,
    pub context_engine_id: Option<Vec<u8>>,
    pub context_name: Option<String>,
}

/// Why an option's value was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UsmOptionError {
    /// `-l` is not noAuthNoPriv, authNoPriv or authPriv (or net-snmp's short forms).
    Level,
    /// `-a` names no authentication protocol.
    AuthProtocol,
    /// `-x` names no privacy protocol.
    PrivProtocol,
    /// `-e` or `-E` (the letter) is not hex.
    EngineIdNotHex(char),
    /// `-e` or `-E` (the letter) is not 5 to 32 octets (RFC 3411 SnmpEngineID).
    EngineIdLength(char),
    /// `-3m` or `-3M` (`m` or `M`) is not hex.
    KeyNotHex(char),
    /// `-3` followed by neither `m` nor `M`.
    UnknownKeyOption,
}

impl UsmOptions {
    /// Applies `-LETTER VALUE` when LETTER is a v3 option (`3` with its second letter
    /// starting VALUE); `Ok(false)` when it is not one, for the caller to handle.
    pub fn set(&mut self, letter: char, value: &str) -> Result<bool, UsmOptionError> {
        match letter {
            'u' => self.user = Some(value.to_string()),
            'l' => self.level = Some(SecurityLevel::parse(value).ok_or(UsmOptionError::Level)?),
            'a' => self.auth_protocol = Some(value.parse().map_err(|_| UsmOptionError::AuthProtocol)?),
            'A' => self.auth_secret = Some(Credential::passphrase(value)),
            'x' => {
                self.privacy =
                    Some(PrivProtocol::parse_with_extension(value).map_err(|_| UsmOptionError::PrivProtocol)?)
            }
            'X' => self.priv_secret = Some(Credential::passphrase(value)),
            '3' => {
                let (which, key) = match value.split_at_checked(1) {
                    Some(("m", key)) => ('m', key),
                    Some(("M", key)) => ('M', key),
                    _ => return Err(UsmOptionError::UnknownKeyOption),
                };
                let key = hex::decode(key).filter(|k| !k.is_empty()).ok_or(UsmOptionError::KeyNotHex(which))?;
                let key = Some(Credential::MasterKey(Box::new(LocalizedKey::from_bytes(key))));
                if which == 'm' {
                    self.auth_secret = key;
                } else {
                    self.priv_secret = key;
                }
            }
            'e' | 'E' => {
                let id = hex::decode(value).filter(|b| !b.is_empty()).ok_or(UsmOptionError::EngineIdNotHex(letter))?;
                if !(5..=32).contains(&id.len()) {
                    return Err(UsmOptionError::EngineIdLength(letter));
                }
                if letter == 'e' {
                    self.security_engine_id = Some(id);
                } else {
                    self.context_engine_id = Some(id);
                }
            }
            'n' => self.context_name = Some(value.to_string()),
            _ => return Ok(false),
        }
        Ok(true)
    }

    /// The configuration for `user`, with net-snmp's defaults: noAuthNoPriv, and MD5 and
    /// DES when `-a` and `-x` are left out. Secrets are taken as given.
    pub fn config(&self, user: &str) -> UsmConfig {
        let auth_protocol = self.auth_protocol.unwrap_or(AuthProtocol::Md5);
        let (priv_protocol, extension) = self.privacy.unwrap_or((PrivProtocol::Des, KeyExtension::Blumenthal));
        let mut config = UsmConfig::new(user.as_bytes());
        config.level = self.level.unwrap_or(SecurityLevel::NoAuthNoPriv);
        config.auth = self.auth_secret.clone().map(|secret| (auth_protocol, secret));
        config.privacy = self.priv_secret.clone().map(|secret| (priv_protocol, secret, extension));
        config.security_engine_id = self.security_engine_id.clone();
        config.context_engine_id = self.context_engine_id.clone();
        config.context_name = self.context_name.clone().unwrap_or_default().into_bytes();
        config
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn options_into_a_config() {
        let mut o = UsmOptions::default();
        for (letter, value) in [
            ('u', "bob"),
            ('l', "authPriv"),
            ('a', "SHA-256"),
            ('A', "authpass1"),
            ('x', "AES-256-C"),
            ('3', "M0102"),
            ('e', "0x800000020109840301"),
            ('n', "ctx"),
        ] {
            assert_eq!(o.set(letter, value), Ok(true), "-{letter} {value}");
        }
        assert_eq!(o.set('c', "public"), Ok(false));
        let c = o.config("bob");
        assert_eq!((c.user.as_slice(), c.level), (b"bob".as_slice(), SecurityLevel::AuthPriv));
        assert_eq!(c.auth, Some((AuthProtocol::Sha256, Credential::passphrase("authpass1"))));
        let privacy = c.privacy.unwrap();
        assert_eq!((privacy.0, privacy.2), (PrivProtocol::Aes256, KeyExtension::Reeder));
        assert_eq!(privacy.1, Credential::MasterKey(Box::new(LocalizedKey::from_bytes(vec![1, 2]))));
        assert_eq!((c.security_engine_id.map(|e| e.len()), c.context_name.as_slice()), (Some(9), b"ctx".as_slice()));
        // net-snmp's defaults.
        let mut o = UsmOptions::default();
        o.set('A', "authpass1").unwrap();
        o.set('X', "privpass1").unwrap();
        let c = o.config("u");
        assert_eq!(
            (c.level, c.auth.unwrap().0, c.privacy.unwrap().0),
            (SecurityLevel::NoAuthNoPriv, AuthProtocol::Md5, PrivProtocol::Des)
        );
    }

    #[test]
    fn refusals() {
        let err = |letter, value| UsmOptions::default().set(letter, value).unwrap_err();
        assert_eq!(err('l', "secret"), UsmOptionError::Level);
        assert_eq!(err('a', "SHA-999"), UsmOptionError::AuthProtocol);
        assert_eq!(err('x', "ROT13"), UsmOptionError::PrivProtocol);
        assert_eq!(err('e', "xyz"), UsmOptionError::EngineIdNotHex('e'));
        assert_eq!(err('E', "0x0102"), UsmOptionError::EngineIdLength('E'));
        assert_eq!(err('3', "mzz"), UsmOptionError::KeyNotHex('m'));
        assert_eq!(err('3', "q01"), UsmOptionError::UnknownKeyOption);
    }
}
