//! [`LocalizedUser`]: one USM user's keys, derived from passwords once per engine.

use super::auth::AuthProtocol;
use super::error::UsmError;
use super::key::LocalizedKey;
use super::privacy::{KeyExtension, PrivProtocol};
use crate::security::SecurityLevel;

/// A USM user with keys localized to one authoritative snmpEngineID. Build it once (the
/// password hashing costs a megabyte of hashing per key) and keep it for every packet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocalizedUser {
    /// msgUserName.
    pub name: Vec<u8>,
    /// Authentication protocol and localized auth key; `None` for noAuthNoPriv.
    pub auth: Option<(AuthProtocol, LocalizedKey)>,
    /// Privacy protocol and localized privacy key; `None` unless authPriv.
    pub privacy: Option<(PrivProtocol, LocalizedKey)>,
}

impl LocalizedUser {
    /// A user without authentication or privacy (noAuthNoPriv).
    pub fn unauthenticated(name: impl Into<Vec<u8>>) -> LocalizedUser {
        LocalizedUser { name: name.into(), auth: None, privacy: None }
    }

    /// Derives and localizes the user's keys for `engine_id`. Privacy requires auth (RFC 3414
    /// 3.1.1: the privacy key is derived with the auth protocol's hash); `extension` matters
    /// only for AES-192/256 with MD5 or SHA-1 auth.
    pub fn from_passwords(
        name: impl Into<Vec<u8>>,
        engine_id: &[u8],
        auth: Option<(AuthProtocol, &[u8])>,
        privacy: Option<(PrivProtocol, &[u8], KeyExtension)>,
    ) -> Result<LocalizedUser, UsmError> {
        let name = name.into();
        let Some((auth_protocol, auth_password)) = auth else {
            return match privacy {
                None => Ok(LocalizedUser::unauthenticated(name)),
                Some(_) => Err(UsmError::PrivacyWithoutAuth),
            };
        };
        let auth_key = auth_protocol.localized_key(auth_password, engine_id)?;
        let privacy = match privacy {
            None => None,
            Some((priv_protocol, priv_password, extension)) => {
                let key = if priv_password == auth_password {
                    priv_protocol.extend_key(auth_protocol, &auth_key, engine_id, extension)?
                } else {
                    priv_protocol.localized_key(auth_protocol, priv_password, engine_id, extension)?
                };
                Some((priv_protocol, key))
            }
        };
        Ok(LocalizedUser { name, auth: Some((auth_protocol, auth_key)), privacy })
    }

    /// The security level this user's keys give.
    pub fn level(&self) -> SecurityLevel {
        match (&self.auth, &self.privacy) {
            (None, _) => SecurityLevel::NoAuthNoPriv,
            (Some(_), None) => SecurityLevel::AuthNoPriv,
            (Some(_), Some(_)) => SecurityLevel::AuthPriv,
        }
    }
}

#[cfg(test)]
#[allow(clippy::expect_used, clippy::indexing_slicing)]
mod tests {
    use super::*;

    const ENGINE: [u8; 12] = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2];

    #[test]
    fn levels_and_key_lengths() {
        let user = LocalizedUser::from_passwords(
            "alice",
            &ENGINE,
            Some((AuthProtocol::Sha1, b"maplesyrup".as_slice())),
            Some((PrivProtocol::Aes256, b"maplesyrup".as_slice(), KeyExtension::Blumenthal)),
        )
        .expect("user");
        assert_eq!(user.level(), SecurityLevel::AuthPriv);
        assert_eq!(user.auth.as_ref().map(|(_, k)| k.len()), Some(20));
        assert_eq!(user.privacy.as_ref().map(|(_, k)| k.len()), Some(32));

        let other = LocalizedUser::from_passwords(
            "alice",
            &ENGINE,
            Some((AuthProtocol::Sha1, b"maplesyrup".as_slice())),
            Some((PrivProtocol::Aes256, b"other password".as_slice(), KeyExtension::Blumenthal)),
        )
        .expect("user");
        assert_ne!(user.privacy, other.privacy);
        assert_eq!(user.auth, other.auth);
    }

    #[test]
    fn privacy_without_auth_is_refused() {
        let result = LocalizedUser::from_passwords(
            "bob",
            &ENGINE,
            None,
            Some((PrivProtocol::Des, b"maplesyrup".as_slice(), KeyExtension::Blumenthal)),
        );
        assert_eq!(result, Err(UsmError::PrivacyWithoutAuth));
        let user = LocalizedUser::from_passwords("bob", &ENGINE, None, None).expect("user");
        assert_eq!(user.level(), SecurityLevel::NoAuthNoPriv);
    }
}
