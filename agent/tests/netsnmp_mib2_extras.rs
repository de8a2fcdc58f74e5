//! The MIB-II-era extras of osprey-agent compared with net-snmp's snmpd on the same host:
//! RFC 1213 atTable (`1.3.6.1.2.1.3`), EtherLike-MIB dot3StatsTable (`1.3.6.1.2.1.10.7`)
//! and IPV6-MIB (`1.3.6.1.2.1.55`): the same OIDs, the same value types, equal values for
//! everything but the dot3 error counters (ours, read later, >= snmpd's); over v2c and v1,
//! and GETs of missing instances and objects answered with the same exception.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::path::Path;

use snmp::{Oid, VarBind, Version};
use testkit::agent::OspreyAgent;
use testkit::compare::{Check, compare, compare_get, counters_else_exact};
use testkit::udp::{Step, walk_with};

const CONF: &str = "rocommunity public 127.0.0.1\n";

fn osprey() -> OspreyAgent {
    OspreyAgent::start_with(CONF, Path::new(env!("CARGO_BIN_EXE_osprey-agent")))
}

/// Every object under `root`, by GETNEXT (in v2c too, not GETBULK), in `version`.
fn walk(port: u16, version: Version, root: &Oid) -> Vec<VarBind<'static>> {
    walk_with(port, "public", version, root, Step::GetNext)
}

fn roots() -> [Oid; 3] {
    [Oid::from([1, 3, 6, 1, 2, 1, 3]), Oid::from([1, 3, 6, 1, 2, 1, 10, 7]), Oid::from([1, 3, 6, 1, 2, 1, 55])]
}

#[test]
fn mib2_extras_match_snmpd_v2c_and_v1() {
    testkit::require_netsnmp!();
    let snmpd = testkit::Snmpd::start("");
    let ours = osprey();
    for version in [Version::V2c, Version::V1] {
        for root in roots() {
            let theirs_walk = walk(snmpd.port, version, &root);
            // Rebuild our cached views so that our counters are read after snmpd's.
            ours.reload();
            let ours_walk = walk(ours.port, version, &root);
            // atTable is empty on a host without ARP neighbours, dot3StatsTable on one
            // without an ethtool-capable device (lo, ifb, ... have none).
            if theirs_walk.is_empty() && ours_walk.is_empty() && root.as_slice()[6] != 55 {
                continue;
            }
            compare(&format!("{root} {version:?}"), &theirs_walk, &ours_walk, counters_else_exact);
        }
    }
}

#[test]
fn mib2_extras_gets_answer_as_snmpd() {
    testkit::require_netsnmp!();
    let snmpd = testkit::Snmpd::start("");
    let ours = osprey();
    let probes: [&[u32]; 12] = [
        &[1, 3, 6, 1, 2, 1, 55, 1, 1, 0],                      // ipv6Forwarding.0
        &[1, 3, 6, 1, 2, 1, 55, 1, 1, 1],                      // bad instance
        &[1, 3, 6, 1, 2, 1, 55, 1, 4, 0],                      // ipv6IfTableLastChange: no instance
        &[1, 3, 6, 1, 2, 1, 55, 1, 5, 1, 2, 1],                // ipv6IfDescr.1
        &[1, 3, 6, 1, 2, 1, 55, 1, 5, 1, 5, 1],                // ipv6IfReasmMaxSize: no instance
        &[1, 3, 6, 1, 2, 1, 55, 1, 5, 1, 1, 1],                // ipv6IfIndex: not accessible
        &[1, 3, 6, 1, 2, 1, 55, 1, 6, 1, 1, 1],                // ipv6IfStatsInReceives: no instance
        &[1, 3, 6, 1, 2, 1, 55, 1, 7, 1, 3, 1],                // unregistered
        &[1, 3, 6, 1, 2, 1, 3, 1, 1, 4, 1, 1, 127, 0, 0, 1],   // no such atTable column
        &[1, 3, 6, 1, 2, 1, 3, 1, 1, 1, 999, 1, 192, 0, 2, 9], // no such atTable row
        &[1, 3, 6, 1, 2, 1, 10, 7, 2, 1, 18, 999],             // dot3StatsSymbolErrors: no row
        &[1, 3, 6, 1, 2, 1, 10, 7, 2, 1, 22, 1],               // past dot3StatsEntry
    ];
    for oid in probes.map(Oid::from) {
        compare_get(snmpd.port, ours.port, &oid, Check::Exact);
    }
}
