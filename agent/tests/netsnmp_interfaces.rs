//! IF-MIB (interfaces group, ifMIBObjects) and the IP-MIB address tables of osprey-agent
//! compared with net-snmp's snmpd on the same host: the same OIDs, the same value types,
//! equal values for everything but counters (ours, read later, >= snmpd's) and the few
//! volatile columns named below; over v2c and v1 (where Counter64 objects are skipped).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::path::Path;

use snmp::{Oid, Value, VarBind, Version};
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

fn if_mib_roots() -> [Oid; 2] {
    [Oid::from([1, 3, 6, 1, 2, 1, 2]), Oid::from([1, 3, 6, 1, 2, 1, 31])]
}

#[test]
fn if_mib_matches_snmpd_v2c_and_v1() {
    testkit::require_netsnmp!();
    let snmpd = testkit::Snmpd::start("");
    let ours = osprey();
    for version in [Version::V2c, Version::V1] {
        for root in if_mib_roots() {
            let theirs_walk = walk(snmpd.port, version, &root);
            // Rebuild our cached views so that our counters are read after snmpd's.
            ours.reload();
            let ours_walk = walk(ours.port, version, &root);
            compare(&format!("{root} {version:?}"), &theirs_walk, &ours_walk, counters_else_exact);
            if version == Version::V1 {
                assert!(ours_walk.iter().all(|vb| !matches!(vb.value, Value::Counter64(_))));
            }
        }
    }
}

#[test]
fn if_mib_gets_answer_as_snmpd() {
    testkit::require_netsnmp!();
    let snmpd = testkit::Snmpd::start("");
    let ours = osprey();
    let probes = [
        Oid::from([1, 3, 6, 1, 2, 1, 2, 1, 0]),              // ifNumber.0
        Oid::from([1, 3, 6, 1, 2, 1, 2, 2, 1, 2, 1]),        // ifDescr.1
        Oid::from([1, 3, 6, 1, 2, 1, 2, 2, 1, 2, 999]),      // no such row
        Oid::from([1, 3, 6, 1, 2, 1, 2, 2, 1, 23, 1]),       // no such column
        Oid::from([1, 3, 6, 1, 2, 1, 31, 1, 1, 1, 14, 1]),   // ifLinkUpDownTrapEnable: not served
        Oid::from([1, 3, 6, 1, 2, 1, 31, 1, 5, 0]),          // ifTableLastChange.0
        Oid::from([1, 3, 6, 1, 2, 1, 31, 1, 1, 1, 1, 1, 0]), // ifName.1.0
    ];
    for oid in probes {
        compare_get(snmpd.port, ours.port, &oid, Check::Volatile);
    }
}

/// ipAddrTable, ipNetToMediaTable, ipAddressPrefixTable, ipAddressTable, ipNetToPhysicalTable.
fn ip_address_roots() -> Vec<Oid> {
    [20, 22, 32, 34, 35].iter().map(|t| Oid::from([1, 3, 6, 1, 2, 1, 4, *t])).collect()
}

/// ipNetToPhysicalLastUpdated (5) and ipNetToPhysicalState (7) change with the kernel's
/// neighbour state machine between the two walks, and the time is each agent's own
/// sysUpTime: types only.
fn ip_check(oid: &Oid, _: &Value<'_>) -> Check {
    let s = oid.as_slice();
    if s.starts_with(&[1, 3, 6, 1, 2, 1, 4, 35, 1, 5]) || s.starts_with(&[1, 3, 6, 1, 2, 1, 4, 35, 1, 7]) {
        Check::Volatile
    } else {
        Check::Exact
    }
}

#[test]
fn ip_address_tables_match_snmpd_v2c_and_v1() {
    testkit::require_netsnmp!();
    let snmpd = testkit::Snmpd::start("");
    let ours = osprey();
    for version in [Version::V2c, Version::V1] {
        for root in ip_address_roots() {
            let theirs_walk = walk(snmpd.port, version, &root);
            // Rebuild our cached views so that our counters are read after snmpd's.
            ours.reload();
            let ours_walk = walk(ours.port, version, &root);
            // ipNetToMedia/ipNetToPhysical may be empty on a host with no neighbours.
            if theirs_walk.is_empty() && ours_walk.is_empty() && [22, 35].contains(&root.as_slice()[7]) {
                continue;
            }
            compare(&format!("{root} {version:?}"), &theirs_walk, &ours_walk, ip_check);
        }
    }
}
