//! IP-MIB's icmp group (1.3.6.1.2.1.5) as snmpd serves it on Linux: the RFC 1213 scalars
//! (5.1-5.26) from the `Icmp:` lines of /proc/net/snmp, icmpStatsTable (5.29, rows 1 = IPv4
//! and 2 = IPv6 from /proc/net/snmp6; like snmpd, IPv6 icmpStatsOutErrors is the sum of the
//! out-error message types) and icmpMsgStatsTable (5.30: IPv4 rows for the eleven RFC 792
//! types counted on the `Icmp:` line, IPv6 rows for each Icmp6InTypeN / Icmp6OutTypeN line).

use std::collections::BTreeMap;

use snmp::Value;

use super::netstat::{self, Counters, ViewBuilder};
use crate::view::View;

pub const ICMP: [u32; 7] = [1, 3, 6, 1, 2, 1, 5];
const STATS_ENTRY: [u32; 9] = [1, 3, 6, 1, 2, 1, 5, 29, 1];
const MSG_ENTRY: [u32; 9] = [1, 3, 6, 1, 2, 1, 5, 30, 1];

/// The scalars' /proc/net/snmp names, icmpInMsgs (5.1) .. icmpOutAddrMaskReps (5.26).
const SCALARS: [&str; 26] = [
    "InMsgs",
    "InErrors",
    "InDestUnreachs",
    "InTimeExcds",
    "InParmProbs",
    "InSrcQuenchs",
    "InRedirects",
    "InEchos",
    "InEchoReps",
    "InTimestamps",
    "InTimestampReps",
    "InAddrMasks",
    "InAddrMaskReps",
    "OutMsgs",
    "OutErrors",
    "OutDestUnreachs",
    "OutTimeExcds",
    "OutParmProbs",
    "OutSrcQuenchs",
    "OutRedirects",
    "OutEchos",
    "OutEchoReps",
    "OutTimestamps",
    "OutTimestampReps",
    "OutAddrMasks",
    "OutAddrMaskReps",
];

/// ICMPv4 message type -> the counter name suffix on the `Icmp:` line.
const V4_TYPES: [(u32, &str); 11] = [
    (0, "EchoReps"),
    (3, "DestUnreachs"),
    (4, "SrcQuenchs"),
    (5, "Redirects"),
    (8, "Echos"),
    (11, "TimeExcds"),
    (12, "ParmProbs"),
    (13, "Timestamps"),
    (14, "TimestampReps"),
    (17, "AddrMasks"),
    (18, "AddrMaskReps"),
];

pub fn build_view(v4: &Counters, v6: &Counters) -> View {
    let mut b = ViewBuilder::default();
    let has_v4 = v4.contains("Icmp.InMsgs");
    let has_v6 = v6.contains("Icmp6InMsgs");
    if has_v4 {
        for (sub, name) in (1..).zip(SCALARS) {
            b.scalar(&ICMP, sub, Value::Counter32(v4.c32(&format!("Icmp.{name}"))));
        }
    }

    b.columns(&STATS_ENTRY, 2..=5);
    if has_v4 {
        for (col, key) in [(2, "InMsgs"), (3, "InErrors"), (4, "OutMsgs"), (5, "OutErrors")] {
            b.cell(&STATS_ENTRY, col, &[1], Value::Counter32(v4.c32(&format!("Icmp.{key}"))));
        }
    }
    if has_v6 {
        for (col, key) in [(2, "Icmp6InMsgs"), (3, "Icmp6InErrors"), (4, "Icmp6OutMsgs")] {
            b.cell(&STATS_ENTRY, col, &[2], Value::Counter32(v6.c32(key)));
        }
        let out_errors = ["Icmp6OutDestUnreachs", "Icmp6OutPktTooBigs", "Icmp6OutTimeExcds", "Icmp6OutParmProblems"]
            .iter()
            .fold(0u32, |sum, k| sum.wrapping_add(v6.c32(k)));
        b.cell(&STATS_ENTRY, 5, &[2], Value::Counter32(out_errors));
    }

    b.columns(&MSG_ENTRY, [3, 4]);
    if has_v4 {
        for (t, name) in V4_TYPES {
            b.cell(&MSG_ENTRY, 3, &[1, t], Value::Counter32(v4.c32(&format!("Icmp.In{name}"))));
            b.cell(&MSG_ENTRY, 4, &[1, t], Value::Counter32(v4.c32(&format!("Icmp.Out{name}"))));
        }
    }
    let mut v6_types: BTreeMap<(u32, u32), u32> = BTreeMap::new();
    for key in v6.keys() {
        let (col, rest) = if let Some(r) = key.strip_prefix("Icmp6InType") {
            (3, r)
        } else if let Some(r) = key.strip_prefix("Icmp6OutType") {
            (4, r)
        } else {
            continue;
        };
        if let Ok(t) = rest.parse::<u32>() {
            v6_types.insert((col, t), v6.c32(key));
        }
    }
    for ((col, t), value) in v6_types {
        b.cell(&MSG_ENTRY, col, &[2, t], Value::Counter32(value));
    }
    b.build()
}

/// The group's handler: a view rebuilt at most every 5 s (snmpd's stats caches are 5 s).
pub fn view() -> crate::view::CachedView {
    crate::view::CachedView::new(snmp::Oid::from(ICMP), std::time::Duration::from_secs(5), Box::new(collect))
}

/// The collector: reads /proc (run by the refresher only).
pub fn collect() -> View {
    build_view(&netstat::parse_header_pairs(&netstat::read("/proc/net/snmp")), &netstat::ipv6_counters())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use snmp::Oid;

    #[test]
    fn scalars_and_tables() {
        let v4 = netstat::parse_header_pairs(
            "Icmp: InMsgs InErrors InDestUnreachs OutMsgs OutErrors OutDestUnreachs InEchoReps\nIcmp: 279 0 279 278 1 278 5\n",
        );
        let v6 = netstat::parse_name_value(
            "Icmp6InMsgs 24\nIcmp6InErrors 1\nIcmp6OutMsgs 32\nIcmp6OutDestUnreachs 24\nIcmp6OutTimeExcds 2\n\
             Icmp6InType1 24\nIcmp6OutType1 24\nIcmp6OutType135 4\nIcmp6OutTypeX 9\n",
        );
        let v = build_view(&v4, &v6);
        let get = |s: &str| v.get(&s.parse::<Oid>().unwrap());
        assert_eq!(get("1.3.6.1.2.1.5.1.0"), Value::Counter32(279));
        assert_eq!(get("1.3.6.1.2.1.5.26.0"), Value::Counter32(0));
        assert_eq!(get("1.3.6.1.2.1.5.27.0"), Value::NoSuchObject);
        assert_eq!(get("1.3.6.1.2.1.5.29.1.5.1"), Value::Counter32(1));
        assert_eq!(get("1.3.6.1.2.1.5.29.1.5.2"), Value::Counter32(26));
        assert_eq!(get("1.3.6.1.2.1.5.30.1.3.1.0"), Value::Counter32(5));
        assert_eq!(get("1.3.6.1.2.1.5.30.1.4.1.3"), Value::Counter32(278));
        assert_eq!(get("1.3.6.1.2.1.5.30.1.4.2.135"), Value::Counter32(4));
        assert_eq!(get("1.3.6.1.2.1.5.30.1.3.2.135"), Value::NoSuchInstance);
        assert!(build_view(&Counters::default(), &Counters::default()).is_empty());
    }
}
