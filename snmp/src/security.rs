//! Security models and levels (RFC 3411 §5): the words the agent's access control (VACM)
//! and the User-based Security Model decide with, and their net-snmp spellings.

/// snmpSecurityModel values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum SecurityModel {
    V1 = 1,
    V2c = 2,
    Usm = 3,
}

impl SecurityModel {
    /// net-snmp's config spellings (`group` and `access` lines): `v1`, `v2c`, `usm`.
    pub fn parse(word: &str) -> Option<SecurityModel> {
        match word.to_ascii_lowercase().as_str() {
            "v1" => Some(SecurityModel::V1),
            "v2c" => Some(SecurityModel::V2c),
            "usm" => Some(SecurityModel::Usm),
            _ => None,
        }
    }

    pub fn from_wire(value: i32) -> Option<SecurityModel> {
        match value {
            1 => Some(SecurityModel::V1),
            2 => Some(SecurityModel::V2c),
            3 => Some(SecurityModel::Usm),
            _ => None,
        }
    }
}

/// snmpSecurityLevel, ordered from weakest to strongest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum SecurityLevel {
    NoAuthNoPriv = 1,
    AuthNoPriv = 2,
    AuthPriv = 3,
}

impl SecurityLevel {
    /// The level a v3 message's msgFlags claim; `None` for privacy without authentication,
    /// which RFC 3412 §7.2 (e) says to drop (snmpInvalidMsgs).
    pub fn from_flags(flags: u8) -> Option<SecurityLevel> {
        match flags & 0x03 {
            0 => Some(SecurityLevel::NoAuthNoPriv),
            1 => Some(SecurityLevel::AuthNoPriv),
            3 => Some(SecurityLevel::AuthPriv),
            _ => None,
        }
    }

    /// The msgFlags auth/priv bits for this level.
    pub fn flags(self) -> u8 {
        match self {
            SecurityLevel::NoAuthNoPriv => 0,
            SecurityLevel::AuthNoPriv => 0x01,
            SecurityLevel::AuthPriv => 0x03,
        }
    }

    /// net-snmp's spellings: `noauth`/`auth`/`priv` (snmpd.conf) and
    /// `noAuthNoPriv`/`authNoPriv`/`authPriv` (the tools' `-l`), any case.
    pub fn parse(word: &str) -> Option<SecurityLevel> {
        match word.to_ascii_lowercase().as_str() {
            "noauth" | "noauthnopriv" | "1" => Some(SecurityLevel::NoAuthNoPriv),
            "auth" | "authnopriv" | "2" => Some(SecurityLevel::AuthNoPriv),
            "priv" | "authpriv" | "3" => Some(SecurityLevel::AuthPriv),
            _ => None,
        }
    }

    /// The name net-snmp's tools use for `-l`.
    pub fn name(self) -> &'static str {
        match self {
            SecurityLevel::NoAuthNoPriv => "noAuthNoPriv",
            SecurityLevel::AuthNoPriv => "authNoPriv",
            SecurityLevel::AuthPriv => "authPriv",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_from_flags_and_words() {
        assert_eq!(SecurityLevel::from_flags(0x04), Some(SecurityLevel::NoAuthNoPriv));
        assert_eq!(SecurityLevel::from_flags(0x05), Some(SecurityLevel::AuthNoPriv));
        assert_eq!(SecurityLevel::from_flags(0x07), Some(SecurityLevel::AuthPriv));
        assert_eq!(SecurityLevel::from_flags(0x02), None, "privacy without authentication");
        for level in [SecurityLevel::NoAuthNoPriv, SecurityLevel::AuthNoPriv, SecurityLevel::AuthPriv] {
            assert_eq!(SecurityLevel::from_flags(level.flags()), Some(level));
            assert_eq!(SecurityLevel::parse(level.name()), Some(level));
        }
        assert_eq!(SecurityLevel::parse("PRIV"), Some(SecurityLevel::AuthPriv));
        assert!(SecurityLevel::NoAuthNoPriv < SecurityLevel::AuthNoPriv);
        assert_eq!(SecurityModel::parse("USM"), Some(SecurityModel::Usm));
        assert_eq!(SecurityModel::from_wire(2), Some(SecurityModel::V2c));
        assert_eq!(SecurityModel::parse("tsm"), None);
    }
}
