//! SNMPv3 credentials of a device ([`UsmCredentials`]): user, level, protocols and
//! passphrases as `device add -u -l -a -A -x -X -n` give them, validated with messages that
//! say what is missing, turned into the client's [`snmp::UsmConfig`], and described for
//! people ([`UsmCredentials::summary`]) without ever showing a passphrase (`Debug` redacts).

use std::fmt;

use snmp::usm::auth::MIN_PASSWORD_LEN;
use snmp::usm::{AuthProtocol, KeyExtension, PrivProtocol};
use snmp::{Password, SecurityLevel, UsmConfig};

use crate::error::Error;

/// A device's v3 security settings, validated: the level's protocols and passphrases are
/// present and every passphrase has at least 8 characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UsmCredentials {
    pub user: String,
    pub level: SecurityLevel,
    /// Present from authNoPriv up.
    pub auth: Option<(AuthProtocol, Password)>,
    /// Present for authPriv.
    pub privacy: Option<(PrivProtocol, KeyExtension, Password)>,
    /// contextName, usually empty.
    pub context: String,
}

/// The options as given, before validation (net-snmp's letters).
#[derive(Default, Clone)]
pub struct UsmOptions {
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

impl fmt::Debug for UsmOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let redacted = |p: &Option<String>| p.as_ref().map(|_| "<redacted>");
        f.debug_struct("UsmOptions")
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

impl UsmOptions {
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

fn check_password(password: &str, option: &str) -> Result<Password, Error> {
    if password.chars().count() < MIN_PASSWORD_LEN {
        return Err(Error::Invalid(format!(
            "the {option} passphrase is too short: SNMPv3 needs at least {MIN_PASSWORD_LEN} characters"
        )));
    }
    Ok(Password::new(password))
}

impl UsmCredentials {
    /// Validates the options. The level defaults to the strongest the given passphrases
    /// allow; protocols default to SHA and AES (net-snmp's MD5 and DES are weak defaults).
    pub fn from_options(options: &UsmOptions) -> Result<UsmCredentials, Error> {
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
            Some((protocol, check_password(password, "authentication (-A)")?))
        } else {
            None
        };
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
            Some((protocol, extension, check_password(password, "privacy (-X)")?))
        } else {
            None
        };
        Ok(UsmCredentials { user, level, auth, privacy, context: options.context.clone().unwrap_or_default() })
    }

    /// The client's settings for these credentials.
    pub fn client_config(&self) -> UsmConfig {
        UsmConfig {
            user: self.user.clone().into_bytes(),
            level: self.level,
            auth: self.auth.clone(),
            privacy: self.privacy.clone().map(|(p, e, pw)| (p, pw, e)),
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

    fn options(words: &[(&str, &str)]) -> UsmOptions {
        let mut o = UsmOptions::default();
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
        let c = UsmCredentials::from_options(&o).unwrap();
        assert_eq!(c.summary(), "v3 authPriv user=ops SHA-256/AES");
        for text in [format!("{c:?}"), format!("{o:?}"), format!("{:?}", c.client_config())] {
            assert!(!text.contains("authpass1") && !text.contains("privpass1"), "{text}");
        }
    }

    #[test]
    fn levels_need_their_pieces() {
        let err = |words: &[(&str, &str)]| UsmCredentials::from_options(&options(words)).unwrap_err().to_string();
        assert!(err(&[]).contains("-u USER"));
        assert!(err(&[("u", "ops"), ("l", "authNoPriv")]).contains("(-A)"));
        assert!(err(&[("u", "ops"), ("l", "authPriv"), ("A", "authpass1")]).contains("(-X)"));
        assert!(err(&[("u", "ops"), ("A", "short")]).contains("too short"));
        assert!(err(&[("u", "ops"), ("l", "bogus")]).contains("security level"));
        assert!(err(&[("u", "ops"), ("a", "SHA-3"), ("A", "authpass1")]).contains("authentication protocol"));
        assert!(
            err(&[("u", "ops"), ("x", "3DES"), ("A", "authpass1"), ("X", "privpass1")]).contains("privacy protocol")
        );
        let plain = UsmCredentials::from_options(&options(&[("u", "ops")])).unwrap();
        assert_eq!(plain.summary(), "v3 noAuthNoPriv user=ops");
        let cisco = UsmCredentials::from_options(&options(&[
            ("u", "ops"),
            ("x", "AES-256-C"),
            ("A", "authpass1"),
            ("X", "privpass1"),
        ]))
        .unwrap();
        assert_eq!(cisco.summary(), "v3 authPriv user=ops SHA/AES-256-C");
    }
}
