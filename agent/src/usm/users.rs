//! USM users from snmpd.conf: `createUser` lines (net-snmp's syntax), their keys localized
//! to the agent's engine once per configuration (a reload with unchanged lines reuses the
//! keys already derived), and the table requests look users up in.
//!
//! Passwords live only in [`UserSpec`] (whose `Debug` hides them) and in the in-memory key
//! cache; no error or warning text ever carries one. The localized keys are written to the
//! engine file (mode 0600) as `usmUser` lines, as snmpd writes its persistent usmUser lines.

use std::collections::{BTreeMap, HashMap};
use std::sync::Mutex;

use snmp::usm::auth::MIN_PASSWORD_LEN;
use snmp::usm::{AuthProtocol, KeyExtension, LocalizedUser, Password, PrivProtocol, hex};

use super::engine::Engine;

/// One `createUser [-e ENGINEID] NAME [AUTH AUTHPASS [PRIV [PRIVPASS]]]` line.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct UserSpec {
    pub name: String,
    /// `-e`: keys for another engine (notification targets), not for requests to this one.
    pub engine_id: Option<Vec<u8>>,
    pub auth: Option<(AuthProtocol, Password)>,
    pub privacy: Option<(PrivProtocol, KeyExtension, Password)>,
}

/// Parses the words after `createUser`. Errors name the problem, never a password.
pub fn parse_create_user(rest: &str) -> Result<UserSpec, String> {
    let words = crate::config::words(rest).map_err(|e| format!("createUser: {e}"))?;
    let mut args = words.iter().map(String::as_str);
    let mut engine_id = None;
    let mut name = args.next().ok_or("createUser needs a user name")?;
    if name == "-e" {
        let hex = args.next().ok_or("createUser: -e needs an engine ID")?;
        let id = hex::decode(hex).filter(|id| (5..=32).contains(&id.len()));
        engine_id = Some(id.ok_or_else(|| format!("createUser: bad engine ID {hex:?}"))?);
        name = args.next().ok_or("createUser needs a user name")?;
    }
    if name.starts_with('-') {
        return Err(format!("createUser: option {name} is not supported"));
    }
    if name.is_empty() || name.len() > 32 {
        return Err("createUser: the user name must be 1 to 32 characters".into());
    }
    let Some(auth_name) = args.next() else {
        return Ok(UserSpec { name: name.to_string(), engine_id, auth: None, privacy: None });
    };
    let auth: AuthProtocol = auth_name.parse().map_err(|_| {
        format!("createUser {name}: unknown authentication protocol (expected MD5, SHA or SHA-224/256/384/512)")
    })?;
    let auth_password = args.next().ok_or_else(|| format!("createUser {name}: no authentication passphrase"))?;
    if auth_password.len() < MIN_PASSWORD_LEN {
        return Err(format!(
            "createUser {name}: the authentication passphrase is shorter than {MIN_PASSWORD_LEN} characters; user skipped"
        ));
    }
    let privacy = match args.next() {
        None => None,
        Some(priv_name) => {
            let (protocol, extension) = PrivProtocol::parse_with_extension(priv_name).map_err(|_| {
                format!("createUser {name}: unknown privacy protocol (expected DES, AES or AES-128/192/256[-C])")
            })?;
            let password = args.next().unwrap_or(auth_password);
            if password.len() < MIN_PASSWORD_LEN {
                return Err(format!(
                    "createUser {name}: the privacy passphrase is shorter than {MIN_PASSWORD_LEN} characters; user skipped"
                ));
            }
            Some((protocol, extension, Password::new(password.as_bytes())))
        }
    };
    if args.next().is_some() {
        return Err(format!("createUser {name}: too many arguments"));
    }
    Ok(UserSpec {
        name: name.to_string(),
        engine_id,
        auth: Some((auth, Password::new(auth_password.as_bytes()))),
        privacy,
    })
}

/// Keys already derived, by engine and line: a reload with the same lines hashes nothing.
#[derive(Debug, Default)]
pub struct KeyCache(Mutex<HashMap<(Vec<u8>, UserSpec), LocalizedUser>>);

/// The users requests to this engine may name, by msgUserName.
#[derive(Debug, Default)]
pub struct UserTable {
    users: BTreeMap<Vec<u8>, (LocalizedUser, KeyExtension)>,
}

impl UserTable {
    /// Localizes every spec meant for `engine` (those without `-e`, or with its ID), using
    /// and filling `cache`; records the keys in the engine file. A later line for the same
    /// name replaces an earlier one, as in snmpd.
    pub fn build(specs: &[UserSpec], engine: &Engine, cache: &KeyCache) -> UserTable {
        let mut cached = cache.0.lock().unwrap_or_else(|e| e.into_inner());
        // Only this configuration's keys stay cached: a changed password's old key goes.
        let mut kept = HashMap::new();
        let mut users = BTreeMap::new();
        for spec in specs.iter().filter(|s| s.engine_id.as_deref().is_none_or(|id| id == engine.id())) {
            let key = (engine.id().to_vec(), spec.clone());
            let user = match cached.remove(&key).or_else(|| kept.get(&key).cloned()) {
                Some(user) => user,
                None => {
                    let auth = spec.auth.as_ref().map(|(p, s)| (*p, s.as_bytes()));
                    let privacy = spec.privacy.as_ref().map(|(p, e, s)| (*p, s.as_bytes(), *e));
                    // The passwords were checked when the line was read; nothing else fails.
                    let Ok(user) = LocalizedUser::from_passwords(spec.name.as_bytes(), engine.id(), auth, privacy)
                    else {
                        continue;
                    };
                    user
                }
            };
            kept.insert(key, user.clone());
            let extension = spec.privacy.as_ref().map_or(KeyExtension::Blumenthal, |(_, e, _)| *e);
            users.insert(spec.name.as_bytes().to_vec(), (user, extension));
        }
        *cached = kept;
        let table = UserTable { users };
        // The engine file is a record, like snmpd's usmUser lines; serving does not need it.
        let _ = engine.save(&table.stored_lines());
        table
    }

    pub fn get(&self, name: &[u8]) -> Option<&LocalizedUser> {
        self.users.get(name).map(|(user, _)| user)
    }

    /// Users in usmUserTable order (by name; one engine), with their key extension.
    pub fn iter_with_extension(&self) -> impl Iterator<Item = (&LocalizedUser, KeyExtension)> {
        self.users.values().map(|(user, extension)| (user, *extension))
    }

    fn stored_lines(&self) -> Vec<String> {
        self.users
            .values()
            .map(|(u, _)| {
                let auth =
                    u.auth.as_ref().map_or(("none", String::new()), |(p, k)| (p.name(), hex::encode(k.as_bytes())));
                let privacy =
                    u.privacy.as_ref().map_or(("none", String::new()), |(p, k)| (p.name(), hex::encode(k.as_bytes())));
                format!("usmUser {} {} 0x{} {} 0x{}", hex::encode(&u.name), auth.0, auth.1, privacy.0, privacy.1)
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use snmp::SecurityLevel;

    use super::*;

    #[test]
    fn create_user_lines_as_netsnmp_writes_them() {
        let u = parse_create_user(r#"alice SHA-256 "auth pass 1" AES "privpass2""#).unwrap();
        assert_eq!(u.name, "alice");
        assert_eq!(u.auth, Some((AuthProtocol::Sha256, Password::new("auth pass 1"))));
        assert_eq!(u.privacy, Some((PrivProtocol::Aes128, KeyExtension::Blumenthal, Password::new("privpass2"))));
        // PRIVPASS defaults to AUTHPASS; -C names select Reeder's key extension.
        let u = parse_create_user("bob MD5 authpass1 AES-256-C").unwrap();
        assert_eq!(u.privacy, Some((PrivProtocol::Aes256, KeyExtension::Reeder, Password::new("authpass1"))));
        let u = parse_create_user("-e 0x8000000001020304 carol SHA authpass1 DES").unwrap();
        assert_eq!(u.engine_id, Some(vec![0x80, 0, 0, 0, 1, 2, 3, 4]));
        assert_eq!(parse_create_user("dave").unwrap().auth, None);
        for name in ["AES-128", "AES-192", "AES", "DES", "AES-192-C"] {
            assert!(parse_create_user(&format!("x SHA-512 authpass1 {name} privpass1")).is_ok(), "{name}");
        }
    }

    #[test]
    fn refusals_never_show_the_password() {
        for (line, reason) in [
            ("alice SHA pw1234", "shorter than 8"),
            ("alice SHA authpass1 AES tiny", "privacy passphrase is shorter"),
            ("alice SHA-999 secretpass", "unknown authentication protocol"),
            // A forgotten protocol word puts the password where the protocol goes.
            ("alice secretpass", "unknown authentication protocol"),
            ("alice SHA authpass1 secretpass", "unknown privacy protocol"),
            ("alice SHA secretpass BLOWFISH", "unknown privacy protocol"),
            ("alice SHA \"secretpass", "unterminated quote"),
            ("-l alice", "not supported"),
        ] {
            let err = parse_create_user(line).unwrap_err();
            assert!(err.contains(reason), "{line}: {err}");
            for secret in ["pw1234", "tiny", "secretpass"] {
                assert!(!err.contains(secret), "{line}: {err}");
            }
        }
        let spec = parse_create_user("alice SHA secretpass AES secretpass").unwrap();
        assert!(!format!("{spec:?}").contains("secretpass"));
    }

    #[test]
    fn a_reload_reuses_derived_keys() {
        let engine = Engine::start(None, None).unwrap();
        let cache = KeyCache::default();
        let specs = vec![parse_create_user("alice SHA authpass1 AES privpass1").unwrap()];
        let first = UserTable::build(&specs, &engine, &cache);
        assert_eq!(first.get(b"alice").unwrap().level(), SecurityLevel::AuthPriv);
        assert_eq!(cache.0.lock().unwrap().len(), 1);
        let again = UserTable::build(&specs, &engine, &cache);
        assert_eq!(again.get(b"alice"), first.get(b"alice"));
        assert_eq!(cache.0.lock().unwrap().len(), 1);
        // Another engine's user is not served here.
        let other = vec![parse_create_user("-e 0x8000000001020304 bob SHA authpass1").unwrap()];
        assert!(UserTable::build(&other, &engine, &cache).get(b"bob").is_none());
        assert!(cache.0.lock().unwrap().is_empty(), "keys of lines gone from the configuration are dropped");
    }
}
