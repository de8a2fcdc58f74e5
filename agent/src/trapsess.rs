//! snmpd.conf's `trapsess [SNMPCMD-ARGS] HOST[:PORT]`: one notification destination with the
//! net-snmp command-line options that say how to reach it (`-v 1|2c|3`, `-c`, `-Ci` for
//! informs, and for SNMPv3 `-u -l -a -A -x -X -e`). The `trapsink`, `trap2sink` and
//! `informsink` lines are shorthands for it and become the same [`TrapSession`].
//!
//! Passphrases are hashed to master keys (Ku) here, once, as the line is read; only the keys
//! are kept, and no error text ever carries a passphrase. The notification sender localizes
//! them to the authoritative engine: the agent's own for traps, the receiver's for informs.

use snmp::usm::auth::MIN_PASSWORD_LEN;
use snmp::usm::{AuthProtocol, Credential};
use snmp::{SecurityLevel, UsmConfig, UsmOptionError, UsmOptions, Version};

/// How a destination's notifications are secured.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NotifySecurity {
    /// SNMPv1 (Trap-PDUs) or SNMPv2c with this community.
    Community { version: Version, community: String },
    /// SNMPv3 under USM; credentials held as master keys.
    Usm(UsmConfig),
}

/// One notification destination.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrapSession {
    pub host: String,
    pub port: u16,
    /// `-Ci`: InformRequests, acknowledged and retried, instead of traps.
    pub inform: bool,
    pub security: NotifySecurity,
}

/// Parses the words after `trapsess`. Errors name the problem, never a passphrase.
pub fn parse_trapsess(rest: &str) -> Result<TrapSession, String> {
    let words = crate::config::words(rest).map_err(|e| format!("trapsess: {e}"))?;
    let mut version = Version::V3;
    let mut community: Option<String> = None;
    let mut inform = false;
    let mut usm = UsmOptions::default();
    let mut host: Option<&str> = None;
    let mut i = 0;
    while let Some(word) = words.get(i) {
        i += 1;
        let Some(option) = word.strip_prefix('-').filter(|o| !o.is_empty()) else {
            if host.replace(word).is_some() {
                return Err("trapsess: more than one host (options go before HOST)".into());
            }
            continue;
        };
        let (letter, attached) = option.split_at(1);
        // `-3m KEY` as well as `-3mKEY`: the second letter belongs to the option.
        let (attached, needs_value) = match (letter, attached.len()) {
            ("3", 1) => (attached, true),
            (_, 0) => ("", true),
            _ => (attached, false),
        };
        let value = if needs_value {
            let v = words.get(i).ok_or_else(|| format!("trapsess: -{letter}{attached} needs a value"))?;
            i += 1;
            format!("{attached}{v}")
        } else {
            attached.to_string()
        };
        match letter {
            "v" => {
                version = match value.as_str() {
                    "1" => Version::V1,
                    "2c" | "2" => Version::V2c,
                    "3" => Version::V3,
                    _ => return Err("trapsess: unknown SNMP version after -v (expected 1, 2c or 3)".into()),
                }
            }
            "c" => community = Some(value),
            "C" => {
                for flag in value.chars() {
                    match flag {
                        'i' => inform = true,
                        other => return Err(format!("trapsess: -C{other} is not supported")),
                    }
                }
            }
            _ => {
                let letter = letter.chars().next().unwrap_or('?');
                if !usm.set(letter, &value).map_err(|e| usm_option_message(e, &value))? {
                    return Err(format!("trapsess: option -{letter} is not supported"));
                }
            }
        }
    }
    let target = host.ok_or("trapsess needs a host")?;
    let (host, port) = crate::config::host_port(target)?;
    let with_community =
        |version| NotifySecurity::Community { version, community: community.unwrap_or_else(|| "public".into()) };
    let security = match version {
        Version::V1 if inform => return Err("trapsess: SNMPv1 has no informs (-Ci needs -v 2c or -v 3)".into()),
        Version::V1 | Version::V2c => with_community(version),
        Version::V3 => NotifySecurity::Usm(v3_config(&usm)?),
    };
    Ok(TrapSession { host: host.to_string(), port, inform, security })
}

/// The SNMPv3 settings, with the passphrases the level needs hashed to master keys.
fn v3_config(usm: &UsmOptions) -> Result<UsmConfig, String> {
    let user = usm.user.as_deref().ok_or("trapsess: SNMPv3 needs a user name (-u USER)")?;
    if user.is_empty() || user.len() > 32 {
        return Err("trapsess: the user name must be 1 to 32 characters".into());
    }
    let mut config = usm.config(user);
    let needed = [
        (config.level >= SecurityLevel::AuthNoPriv, "authentication", "-A"),
        (config.level == SecurityLevel::AuthPriv, "privacy", "-X"),
    ];
    let hash = config.auth.as_ref().map_or(AuthProtocol::Md5, |(protocol, _)| *protocol);
    let secrets = [config.auth.as_mut().map(|(_, s)| s), config.privacy.as_mut().map(|(_, s, _)| s)];
    for ((needed, what, option), secret) in needed.into_iter().zip(secrets) {
        match secret {
            Some(secret) => *secret = master_key(hash, secret, what)?,
            None if needed => return Err(format!("trapsess: no {what} passphrase ({option})")),
            None => {}
        }
    }
    Ok(config)
}

/// A passphrase hashed once to its master key (the priv key too is derived with the
/// authentication hash); a master key given with `-3m`/`-3M` stays as it is.
fn master_key(hash: AuthProtocol, secret: &Credential, what: &str) -> Result<Credential, String> {
    let Credential::Passphrase(pass) = secret else { return Ok(secret.clone()) };
    if pass.as_bytes().len() < MIN_PASSWORD_LEN {
        return Err(format!("trapsess: the {what} passphrase is shorter than {MIN_PASSWORD_LEN} characters"));
    }
    let key = hash.password_to_key(pass.as_bytes()).map_err(|e| format!("trapsess: {what} key: {e}"))?;
    Ok(Credential::MasterKey(Box::new(key)))
}

fn usm_option_message(error: UsmOptionError, value: &str) -> String {
    match error {
        UsmOptionError::Level => {
            "trapsess: unknown security level after -l (expected noAuthNoPriv, authNoPriv or authPriv)".into()
        }
        UsmOptionError::AuthProtocol => {
            "trapsess: unknown authentication protocol after -a (expected MD5, SHA or SHA-224/256/384/512)".into()
        }
        UsmOptionError::PrivProtocol => {
            "trapsess: unknown privacy protocol after -x (expected DES, AES or AES-128/192/256[-C])".into()
        }
        UsmOptionError::EngineIdNotHex(which) | UsmOptionError::EngineIdLength(which) => {
            format!("trapsess: bad engine ID after -{which} (5 to 32 octets in hex)")
        }
        UsmOptionError::KeyNotHex(which) => format!("trapsess: bad key after -3{which} (hex)"),
        UsmOptionError::UnknownKeyOption => format!("trapsess: option -3{value} is not supported"),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use snmp::usm::{KeyExtension, PrivProtocol};

    use super::*;

    #[test]
    fn v3_lines_as_snmpd_reads_them() {
        let s =
            parse_trapsess("-v 3 -u alice -l authPriv -a SHA -A 'auth pass' -x AES -X privpass1 -Ci 127.0.0.1:1162")
                .unwrap();
        assert_eq!((s.host.as_str(), s.port, s.inform), ("127.0.0.1", 1162, true));
        let NotifySecurity::Usm(c) = &s.security else { panic!("{s:?}") };
        assert_eq!((c.user.as_slice(), c.level), (b"alice".as_slice(), SecurityLevel::AuthPriv));
        let ku = AuthProtocol::Sha1.password_to_key(b"auth pass").unwrap();
        assert_eq!(c.auth, Some((AuthProtocol::Sha1, Credential::MasterKey(Box::new(ku)))));
        let (protocol, _, extension) = c.privacy.as_ref().unwrap();
        assert_eq!((*protocol, *extension), (PrivProtocol::Aes128, KeyExtension::Blumenthal));
        // Attached option values, -e, the default port.
        let s = parse_trapsess("-v3 -uops -lauthNoPriv -aMD5 -Aauthpass1 -e 0x8000000001020304 [::1]").unwrap();
        assert_eq!((s.host.as_str(), s.port, s.inform), ("::1", 162, false));
        let NotifySecurity::Usm(c) = &s.security else { panic!() };
        assert_eq!(c.security_engine_id, Some(vec![0x80, 0, 0, 0, 1, 2, 3, 4]));
        assert_eq!(c.privacy, None);
        let s = parse_trapsess("-v 2c -c traps -Ci localhost:9162").unwrap();
        assert_eq!(s.security, NotifySecurity::Community { version: Version::V2c, community: "traps".into() });
        assert!(s.inform);
        let s = parse_trapsess("-v 1 host").unwrap();
        assert_eq!(s.security, NotifySecurity::Community { version: Version::V1, community: "public".into() });
    }

    #[test]
    fn refusals_name_the_reason_never_the_passphrase() {
        for (line, reason) in [
            ("-v 1 -c public -Ci host", "SNMPv1 has no informs"),
            ("-v 3 -l authPriv -a SHA -A secretpass -x AES -X secretpass host", "needs a user name"),
            ("-v 3 -u a -l authNoPriv host", "no authentication passphrase (-A)"),
            ("-v 3 -u a -l authPriv -a SHA -A secretpass host", "no privacy passphrase (-X)"),
            ("-v 3 -u a -e 0102 host", "bad engine ID after -e"),
            ("-v 3 -u a -3mxyz host", "bad key after -3m"),
            ("-v 3 -u a -l authNoPriv -a SHA -A pw12 host", "shorter than 8"),
            ("-v 3 -u a -l authPriv -a SHA -A secretpass -x AES -X tiny host", "privacy passphrase is shorter"),
            ("-v 3 -u a -l authNoPriv -a secretpass -A secretpass host", "unknown authentication protocol"),
            ("-v 3 -u a -l secretpass host", "unknown security level"),
            ("-v 2c -c public", "needs a host"),
            ("-v 2c -c public -r 3 host", "-r is not supported"),
            ("-v 2c -c public host:notaport", "bad port"),
            ("-v 3 -u a -A", "-A needs a value"),
        ] {
            let err = parse_trapsess(line).unwrap_err();
            assert!(err.contains(reason), "{line}: {err}");
            assert!(!err.contains("secretpass") && !err.contains("tiny") && !err.contains("pw12"), "{err}");
        }
        let parsed = parse_trapsess("-v 3 -u a -l authPriv -a SHA -A secretpass -x AES -X secretpass host").unwrap();
        assert!(!format!("{parsed:?}").contains("secretpass"));
    }
}
