//! [`UsmReport`]: the six usmStats counters (RFC 3414 §5) whose OIDs a Report PDU carries to
//! say why a message was refused, and the text net-snmp's tools print for each.

use crate::oid::Oid;

/// usmStats: 1.3.6.1.6.3.15.1.1.
pub const USM_STATS: [u32; 9] = [1, 3, 6, 1, 6, 3, 15, 1, 1];

/// Why USM refused a message; each is one usmStats counter and one Report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum UsmReport {
    UnsupportedSecLevels = 1,
    NotInTimeWindows = 2,
    UnknownUserNames = 3,
    UnknownEngineIds = 4,
    WrongDigests = 5,
    DecryptionErrors = 6,
}

impl UsmReport {
    pub const ALL: [UsmReport; 6] = [
        UsmReport::UnsupportedSecLevels,
        UsmReport::NotInTimeWindows,
        UsmReport::UnknownUserNames,
        UsmReport::UnknownEngineIds,
        UsmReport::WrongDigests,
        UsmReport::DecryptionErrors,
    ];

    /// The counter's instance OID, `usmStats.N.0`, as the Report's varbind names it.
    pub fn oid(self) -> Oid {
        let mut arcs = USM_STATS.to_vec();
        arcs.extend([self as u32, 0]);
        Oid::from(arcs.as_slice())
    }

    /// The report a Report PDU's first varbind names, if it is a usmStats counter.
    pub fn from_oid(oid: &Oid) -> Option<UsmReport> {
        let arcs = oid.as_slice();
        let rest = arcs.strip_prefix(USM_STATS.as_slice())?;
        let index = match rest {
            [n] | [n, 0] => *n,
            _ => return None,
        };
        UsmReport::ALL.into_iter().find(|r| *r as u32 == index)
    }

    /// What net-snmp's tools print for this report (snmp_api.c's error strings).
    pub fn message(self) -> &'static str {
        match self {
            UsmReport::UnsupportedSecLevels => "Unsupported security level",
            UsmReport::NotInTimeWindows => "Not in time window",
            UsmReport::UnknownUserNames => "Unknown user name",
            UsmReport::UnknownEngineIds => "Unknown engine ID",
            UsmReport::WrongDigests => "Authentication failure (incorrect password, community or key)",
            UsmReport::DecryptionErrors => "Decryption error",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn oids_round_trip() {
        for report in UsmReport::ALL {
            assert_eq!(UsmReport::from_oid(&report.oid()), Some(report));
        }
        assert_eq!(UsmReport::UnknownEngineIds.oid().to_string(), "1.3.6.1.6.3.15.1.1.4.0");
        assert_eq!(UsmReport::from_oid(&Oid::from([1, 3, 6, 1, 6, 3, 15, 1, 1, 7, 0])), None);
        assert_eq!(UsmReport::from_oid(&Oid::from([1, 3, 6, 1, 6, 3, 15, 1, 1])), None);
    }
}
