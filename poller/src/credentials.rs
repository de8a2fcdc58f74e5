//! SNMPv3 credentials of a device ([`UsmCredentials`]): user, level, protocols and
//! passphrases as `device add -u -l -a -A -x -X -n` give them, validated with messages that
//! say what is missing, kept as master keys (Ku: the passphrase hashed, as net-snmp's `-3m`
//! takes it; the passphrases themselves are dropped once validated), turned into the
//! client's [`snmp::UsmConfig`], and described for people ([`UsmCredentials::summary`])
//! without ever showing a secret (`Debug` redacts).

use std::fmt;

use snmp::usm::auth::MIN_PASSWORD_LEN;
use snmp::usm::{AuthProtocol, Credential, KeyExtension, LocalizedKey, PrivProtocol, hex};
use snmp::{SecurityLevel, UsmConfig};

use crate::error::Error;

/// A device's v3 security settings, validated: the level's protocols and keys are present.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UsmCredentials {
    pub user: String,
    pub level: SecurityLevel,
    /// Present from authNoPriv up, with the master key of the `-A` passphrase.
    pub auth: Option<(AuthProtocol, LocalizedKey)>,
    /// Present for authPriv, with the master key of the `-X` passphrase (hashed with the
    /// auth protocol, as RFC 3414 derives privacy keys).
    pub privacy: Option<(PrivProtocol, KeyExtension, LocalizedKey)>,
    /// contextName, usually empty.
    pub context: String,
}

/// The options as typed (by `device add` or the web form), before validation; net-snmp's
/// letters. Text on purpose, unlike [`snmp::UsmOptions`]: the poller has its own defaults
/// (SHA, AES, the strongest level the passphrases allow) and its own messages.
#[derive(Default, Clone)]
pub struct UsmInput {
    /// `-u`.
    pub user: Option<String>,
    /// `-l`.
    pub level: Option<String>,
    /// `-a`, `-A`.
    pub auth_protocol: Option<String>,
    pub auth_password: Option<String>,
    /// `-x`, `-X`.
    pub priv_protocol: Option<String>,
    pub priv_password: Option<String>,
    /// `-n`.
    pub context: Option<String>,
}

impl fmt::Debug for UsmInput {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let redacted = |p: &Option<String>| p.as_ref().map(|_| "<redacted>");
        f.debug_struct("UsmInput")
            .field("user", &self.user)
            .field("level", &self.level)
            .field("auth_protocol", &self.auth_protocol)
            .field("auth_password", &redacted(&self.auth_password))
            .field("priv_protocol", &self.priv_protocol)
            .field("priv_password", &redacted(&self.priv_password))
            .field("context", &self.context)
            .finish()
    }
}

/// The inventory's columns for a device's v3 credentials.
#[derive(Default, Clone, PartialEq, Eq)]
pub struct StoredUsm {
    pub user: Option<String>,
    pub level: Option<String>,
    pub auth_protocol: Option<String>,
    /// The master key, hex.
    pub auth_key: Option<String>,
    pub priv_protocol: Option<String>,
    /// The privacy master key, hex.
    pub priv_key: Option<String>,
    pub context: Option<String>,
}

impl fmt::Debug for StoredUsm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StoredUsm")
            .field("user", &self.user)
            .field("level", &self.level)
            .field("auth_protocol", &self.auth_protocol)
            .field("priv_protocol", &self.priv_protocol)
            .field("context", &self.context)
            .finish_non_exhaustive()
    }
}

impl UsmInput {
    /// True when any v3 option was given.
    pub fn any(&self) -> bool {
        self.user.is_some()
            || self.level.is_some()
            || self.auth_protocol.is_some()
            || self.auth_password.is_some()
            || self.priv_protocol.is_some()
            || self.priv_password.is_some()
            || self.context.is_some()
    }
}

/// The master key of a passphrase, which must have at least 8 characters.
fn master_key(auth: AuthProtocol, password: &str, option: &str) -> Result<LocalizedKey, Error> {
    if password.chars().count() < MIN_PASSWORD_LEN {
        return Err(Error::Invalid(format!(
            "the {option} passphrase is too short: SNMPv3 needs at least {MIN_PASSWORD_LEN} characters"
        )));
    }
    auth.password_to_key(password.as_bytes()).map_err(|e| Error::Invalid(format!("the {option} passphrase: {e}")))
}

/// A stored master key: hex of the auth protocol's digest length.
fn stored_key(auth: AuthProtocol, text: Option<&str>, what: &str) -> Result<LocalizedKey, Error> {
    hex::decode(text.unwrap_or_default())
        .filter(|k| k.len() == auth.digest_len())
        .map(LocalizedKey::from_bytes)
        .ok_or_else(|| Error::Invalid(format!("stored {what} key is not a {} master key", auth.name())))
}

impl UsmCredentials {
    /// Validates the options. The level defaults to the strongest the given passphrases
    /// allow; protocols default to SHA and AES (net-snmp's MD5 and DES are weak defaults).
    pub fn from_input(options: &UsmInput) -> Result<UsmCredentials, Error> {
        let user = options
            .user
            .clone()
            .filter(|u| !u.is_empty())
            .ok_or_else(|| Error::Invalid("SNMPv3 needs a user name (-u USER)".into()))?;
        if user.len() > 32 {
            return Err(Error::Invalid(format!("user name '{user}' is longer than 32 characters")));
        }
        let level = match &options.level {
            Some(text) => SecurityLevel::parse(text).ok_or_else(|| {
                Error::Invalid(format!("invalid security level '{text}': use noAuthNoPriv, authNoPriv or authPriv"))
            })?,
            None if options.priv_password.is_some() => SecurityLevel::AuthPriv,
            None if options.auth_password.is_some() => SecurityLevel::AuthNoPriv,
            None => SecurityLevel::NoAuthNoPriv,
        };
        let auth = if level >= SecurityLevel::AuthNoPriv {
            let protocol = match &options.auth_protocol {
                Some(name) => name.parse::<AuthProtocol>().map_err(|_| {
                    Error::Invalid(format!(
                        "invalid authentication protocol '{name}': use MD5, SHA, SHA-224, SHA-256, SHA-384 or SHA-512"
                    ))
                })?,
                None => AuthProtocol::Sha1,
            };
            let password = options.auth_password.as_deref().ok_or_else(|| {
                Error::Invalid(format!("security level {} needs an authentication passphrase (-A)", level.name()))
            })?;
            Some((protocol, master_key(protocol, password, "authentication (-A)")?))
        } else {
            None
        };
        let auth_protocol = auth.as_ref().map_or(AuthProtocol::Sha1, |(p, _)| *p);
        let privacy = if level == SecurityLevel::AuthPriv {
            let (protocol, extension) = match &options.priv_protocol {
                Some(name) => PrivProtocol::parse_with_extension(name).map_err(|_| {
                    Error::Invalid(format!(
                        "invalid privacy protocol '{name}': use DES, AES, AES-192, AES-256, AES-192-C or AES-256-C"
                    ))
                })?,
                None => (PrivProtocol::Aes128, KeyExtension::Blumenthal),
            };
            let password = options
                .priv_password
                .as_deref()
                .ok_or_else(|| Error::Invalid("security level authPriv needs a privacy passphrase (-X)".into()))?;
            Some((protocol, extension, master_key(auth_protocol, password, "privacy (-X)")?))
        } else {
            None
        };
        Ok(UsmCredentials { user, level, auth, privacy, context: options.context.clone().unwrap_or_default() })
    }

    /// Credentials as the inventory stored them (protocol names as `-a`/`-x` take them, keys
    /// in hex); an error when the row does not hold valid v3 credentials.
    pub fn from_stored(stored: &StoredUsm) -> Result<UsmCredentials, Error> {
        let bad = |what: &str| Error::Invalid(format!("stored SNMPv3 {what} is invalid"));
        let user = stored.user.clone().filter(|u| !u.is_empty()).ok_or_else(|| bad("user"))?;
        let level = stored.level.as_deref().and_then(SecurityLevel::parse).ok_or_else(|| bad("level"))?;
        let auth = match level {
            SecurityLevel::NoAuthNoPriv => None,
            _ => {
                let protocol: AuthProtocol =
                    stored.auth_protocol.as_deref().unwrap_or_default().parse().map_err(|_| bad("auth protocol"))?;
                Some((protocol, stored_key(protocol, stored.auth_key.as_deref(), "authentication")?))
            }
        };
        let privacy = match (level, &auth) {
            (SecurityLevel::AuthPriv, Some((auth_protocol, _))) => {
                let (protocol, extension) =
                    PrivProtocol::parse_with_extension(stored.priv_protocol.as_deref().unwrap_or_default())
                        .map_err(|_| bad("privacy protocol"))?;
                Some((protocol, extension, stored_key(*auth_protocol, stored.priv_key.as_deref(), "privacy")?))
            }
            _ => None,
        };
        Ok(UsmCredentials { user, level, auth, privacy, context: stored.context.clone().unwrap_or_default() })
    }

    /// What the inventory stores: protocol names and master keys in hex.
    pub fn to_stored(&self) -> StoredUsm {
        StoredUsm {
            user: Some(self.user.clone()),
            level: Some(self.level.name().to_string()),
            auth_protocol: self.auth.as_ref().map(|(p, _)| p.name().to_string()),
            auth_key: self.auth.as_ref().map(|(_, k)| hex::encode(k.as_bytes())),
            priv_protocol: self.priv_protocol_name(),
            priv_key: self.privacy.as_ref().map(|(_, _, k)| hex::encode(k.as_bytes())),
            context: Some(self.context.clone()),
        }
    }

    /// The client's settings for these credentials.
    pub fn client_config(&self) -> UsmConfig {
        UsmConfig {
            user: self.user.clone().into_bytes(),
            level: self.level,
            auth: self.auth.clone().map(|(p, key)| (p, Credential::MasterKey(Box::new(key)))),
            privacy: self.privacy.clone().map(|(p, e, key)| (p, Credential::MasterKey(Box::new(key)), e)),
            security_engine_id: None,
            context_engine_id: None,
            context_name: self.context.clone().into_bytes(),
        }
    }

    /// The privacy protocol's name as `-x` takes it (`AES-256-C` for the Cisco variant).
    pub fn priv_protocol_name(&self) -> Option<String> {
        self.privacy.as_ref().map(|(p, e, _)| match e {
            KeyExtension::Reeder => format!("{}-C", p.name()),
            KeyExtension::Blumenthal => p.name().to_string(),
        })
    }

    /// `v3 authPriv user=NAME SHA-256/AES`: what lists and pages show; no passphrase.
    pub fn summary(&self) -> String {
        let mut text = format!("v3 {} user={}", self.level.name(), self.user);
        if let Some((auth, _)) = &self.auth {
            text += &format!(" {}", auth.name());
            if let Some(privacy) = self.priv_protocol_name() {
                text += &format!("/{privacy}");
            }
        }
        if !self.context.is_empty() {
            text += &format!(" context={}", self.context);
        }
        text
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn options(words: &[(&str, &str)]) -> UsmInput {
        let mut o = UsmInput::default();
        for (k, v) in words {
            let v = Some(v.to_string());
            match *k {
                "u" => o.user = v,
                "l" => o.level = v,
                "a" => o.auth_protocol = v,
                "A" => o.auth_password = v,
                "x" => o.priv_protocol = v,
                "X" => o.priv_password = v,
                "n" => o.context = v,
                _ => unreachable!(),
            }
        }
        o
    }

    #[test]
    fn auth_priv_is_summarized_without_passphrases() {
        let o = options(&[
            ("u", "ops"),
            ("l", "authPriv"),
            ("a", "SHA-256"),
            ("A", "authpass1"),
            ("x", "AES"),
            ("X", "privpass1"),
        ]);
        let c = UsmCredentials::from_input(&o).unwrap();
        assert_eq!(c.summary(), "v3 authPriv user=ops SHA-256/AES");
        for text in [format!("{c:?}"), format!("{o:?}"), format!("{:?}", c.client_config())] {
            assert!(!text.contains("authpass1") && !text.contains("privpass1"), "{text}");
        }
    }

    #[test]
    fn stored_as_master_keys_and_read_back() {
        let o = options(&[("u", "ops"), ("a", "SHA-256"), ("A", "authpass1"), ("x", "AES-256-C"), ("X", "privpass1")]);
        let c = UsmCredentials::from_input(&o).unwrap();
        let stored = c.to_stored();
        let text = format!("{:?} {:?} {:?}", stored.auth_key, stored.priv_key, stored);
        assert!(!text.contains("authpass1") && !text.contains("privpass1"), "{text}");
        assert_eq!(stored.auth_key.as_ref().map(String::len), Some(64), "SHA-256 Ku in hex");
        assert!(!format!("{stored:?}").contains(stored.auth_key.as_deref().unwrap()), "keys are redacted");
        assert_eq!(UsmCredentials::from_stored(&stored).unwrap(), c);
        // The client gets the same keys the passphrases would give.
        let engine = [0x80, 0, 0x1f, 0x88, 0x80, 1, 2, 3, 4];
        let mut by_passphrase = c.client_config();
        by_passphrase.auth = Some((AuthProtocol::Sha256, Credential::passphrase("authpass1")));
        by_passphrase.privacy = Some((PrivProtocol::Aes256, Credential::passphrase("privpass1"), KeyExtension::Reeder));
        assert_eq!(c.client_config().localize(&engine).unwrap(), by_passphrase.localize(&engine).unwrap());
        let mut broken = stored.clone();
        broken.auth_key = Some("abcd".into());
        assert!(UsmCredentials::from_stored(&broken).is_err());
    }

    #[test]
    fn levels_need_their_pieces() {
        let err = |words: &[(&str, &str)]| UsmCredentials::from_input(&options(words)).unwrap_err().to_string();
        assert!(err(&[]).contains("-u USER"));
        assert!(err(&[("u", "ops"), ("l", "authNoPriv")]).contains("(-A)"));
        assert!(err(&[("u", "ops"), ("l", "authPriv"), ("A", "authpass1")]).contains("(-X)"));
        assert!(err(&[("u", "ops"), ("A", "short")]).contains("too short"));
        assert!(err(&[("u", "ops"), ("l", "bogus")]).contains("security level"));
        assert!(err(&[("u", "ops"), ("a", "SHA-3"), ("A", "authpass1")]).contains("authentication protocol"));
        assert!(
            err(&[("u", "ops"), ("x", "3DES"), ("A", "authpass1"), ("X", "privpass1")]).contains("privacy protocol")
        );
        let plain = UsmCredentials::from_input(&options(&[("u", "ops")])).unwrap();
        assert_eq!(plain.summary(), "v3 noAuthNoPriv user=ops");
        let cisco = UsmCredentials::from_input(&options(&[
            ("u", "ops"),
            ("x", "AES-256-C"),
            ("A", "authpass1"),
            ("X", "privpass1"),
        ]))
        .unwrap();
        assert_eq!(cisco.summary(), "v3 authPriv user=ops SHA/AES-256-C");
    }
}
