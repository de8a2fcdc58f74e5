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
        let Some((auth_protocol, auth_password)) = auth else {
            return match privacy {
                None => Ok(LocalizedUser::unauthenticated(name)),
                Some(_) => Err(UsmError::PrivacyWithoutAuth),
            };
        };
        let auth_ku = auth_protocol.password_to_key(auth_password)?;
        let priv_ku = match privacy {
            Some((_, priv_password, _)) if priv_password != auth_password => {
                Some(auth_protocol.password_to_key(priv_password)?)
            }
            _ => None,
        };
        let privacy =
            privacy.map(|(protocol, _, extension)| (protocol, priv_ku.as_ref().unwrap_or(&auth_ku), extension));
        LocalizedUser::from_master_keys(name, engine_id, Some((auth_protocol, &auth_ku)), privacy)
    }

    /// Localizes master keys (Ku, [`AuthProtocol::password_to_key`] of the passphrases, as
    /// net-snmp's `-3m`/`-3M` take them) for `engine_id`: what a manager keeps instead of the
    /// passphrases. The privacy master key is hashed with the auth protocol, as its passphrase.
    pub fn from_master_keys(
        name: impl Into<Vec<u8>>,
        engine_id: &[u8],
        auth: Option<(AuthProtocol, &LocalizedKey)>,
        privacy: Option<(PrivProtocol, &LocalizedKey, KeyExtension)>,
    ) -> Result<LocalizedUser, UsmError> {
        let name = name.into();
        let Some((auth_protocol, auth_ku)) = auth else {
            return match privacy {
                None => Ok(LocalizedUser::unauthenticated(name)),
                Some(_) => Err(UsmError::PrivacyWithoutAuth),
            };
        };
        let needed = auth_protocol.digest_len();
        for ku in std::iter::once(auth_ku).chain(privacy.map(|(_, ku, _)| ku)) {
            if ku.len() != needed {
                return Err(UsmError::BadMasterKey { len: ku.len(), expected: needed });
            }
        }
        let auth_key = auth_protocol.localize(auth_ku, engine_id);
        let privacy = match privacy {
            None => None,
            Some((priv_protocol, priv_ku, extension)) => {
                let localized =
                    if priv_ku == auth_ku { auth_key.clone() } else { auth_protocol.localize(priv_ku, engine_id) };
                Some((priv_protocol, priv_protocol.extend_key(auth_protocol, &localized, engine_id, extension)?))
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
    fn master_keys_give_the_passwords_keys() {
        for (auth, privacy, extension) in [
            (AuthProtocol::Sha1, PrivProtocol::Aes256, KeyExtension::Reeder),
            (AuthProtocol::Md5, PrivProtocol::Aes192, KeyExtension::Blumenthal),
            (AuthProtocol::Sha512, PrivProtocol::Des, KeyExtension::Blumenthal),
        ] {
            let from_passwords = LocalizedUser::from_passwords(
                "carol",
                &ENGINE,
                Some((auth, b"auth passphrase".as_slice())),
                Some((privacy, b"priv passphrase".as_slice(), extension)),
            )
            .expect("user");
            let auth_ku = auth.password_to_key(b"auth passphrase").expect("Ku");
            let priv_ku = auth.password_to_key(b"priv passphrase").expect("Ku");
            let from_keys = LocalizedUser::from_master_keys(
                "carol",
                &ENGINE,
                Some((auth, &auth_ku)),
                Some((privacy, &priv_ku, extension)),
            )
            .expect("user");
            assert_eq!(from_keys, from_passwords, "{auth:?} {privacy:?}");
        }
        let short = LocalizedKey::from_bytes(vec![0; 16]);
        let err = LocalizedUser::from_master_keys("carol", &ENGINE, Some((AuthProtocol::Sha256, &short)), None);
        assert_eq!(err, Err(UsmError::BadMasterKey { len: 16, expected: 32 }));
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
