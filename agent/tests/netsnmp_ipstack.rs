//! The ip (minus the address tables), icmp, tcp and udp groups of osprey-agent against the
//! real snmpd on the same host: the same OIDs, the same types and, for everything that is
//! not a counter, the same values. Counters are compared as "ours >= theirs, read earlier".
//! The socket tables (tcpConnTable, tcpConnectionTable, tcpListenerTable, udpTable,
//! udpEndpointTable) change while the two walks run (other processes' and the walking
//! client's sockets come and go), so for them only the rows present in both walks are
//! compared, and the two agents' own sockets must be in both.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::collections::BTreeMap;
use std::process::Command;

use snmp::{Oid, Value, VarBind, Version};
use testkit::agent::OspreyAgent;
use testkit::compare::type_name;

const CONF: &str = "rocommunity public 127.0.0.1\n";
/// Owned by the interfaces/addresses module, not compared here.
const OTHER_IP_TABLES: [u32; 5] = [20, 22, 32, 34, 35];
/// Socket tables: rows come and go between walks.
const VOLATILE_TABLES: [&[u32]; 5] = [
    &[1, 3, 6, 1, 2, 1, 6, 13],
    &[1, 3, 6, 1, 2, 1, 6, 19],
    &[1, 3, 6, 1, 2, 1, 6, 20],
    &[1, 3, 6, 1, 2, 1, 7, 5],
    &[1, 3, 6, 1, 2, 1, 7, 7],
];
/// ipAddressSpinLock: a random start value in both agents.
const SPIN_LOCK: [u32; 9] = [1, 3, 6, 1, 2, 1, 4, 33, 0];

fn walk(port: u16, root: &Oid) -> Vec<VarBind<'static>> {
    testkit::udp::walk_subtree(port, "public", Version::V2c, root)
}

fn compared(oid: &Oid) -> bool {
    let s = oid.as_slice();
    !(s.len() > 7 && s[..7] == [1, 3, 6, 1, 2, 1, 4] && OTHER_IP_TABLES.contains(&s[7]))
}

fn volatile(oid: &Oid) -> bool {
    VOLATILE_TABLES.iter().any(|t| oid.starts_with(&Oid::from(*t)))
}

fn walk_groups(port: u16) -> BTreeMap<Oid, Value<'static>> {
    (4..=7)
        .flat_map(|g| walk(port, &Oid::from([1, 3, 6, 1, 2, 1, g])))
        .filter(|vb| compared(&vb.oid))
        .map(|vb| (vb.oid, vb.value))
        .collect()
}

/// The UDP socket of an agent on 127.0.0.1:port, as a udpTable index.
fn udp_row(port: u16) -> Oid {
    Oid::from([1, 3, 6, 1, 2, 1, 7, 5, 1, 2, 127, 0, 0, 1, u32::from(port)])
}

#[test]
fn ip_icmp_tcp_udp_match_snmpd() {
    testkit::require_netsnmp!();
    let snmpd = testkit::Snmpd::start("");
    let ours = OspreyAgent::start_with(CONF, std::path::Path::new(env!("CARGO_BIN_EXE_osprey-agent")));

    let theirs = walk_groups(snmpd.port);
    // Our first snapshot predates their walk: rebuild it so our counters are read after theirs.
    ours.reload();
    let mine = walk_groups(ours.port);

    assert!(theirs.len() > 100, "snmpd served only {} objects", theirs.len());
    let mut problems = Vec::new();
    for (oid, want) in &theirs {
        match mine.get(oid) {
            None if volatile(oid) => {}
            None => problems.push(format!("missing {oid} = {want:?}")),
            Some(got) if type_name(got) != type_name(want) => problems.push(format!("{oid}: {got:?} vs {want:?}")),
            Some(got) => match (got, want) {
                (Value::Counter32(g), Value::Counter32(w)) if g < w => problems.push(format!("{oid}: {g} < {w}")),
                (Value::Counter64(g), Value::Counter64(w)) if g < w => problems.push(format!("{oid}: {g} < {w}")),
                (Value::Counter32(_) | Value::Counter64(_), _) => {}
                // tcpCurrEstab counts connections, which come and go.
                _ if oid.as_slice() == SPIN_LOCK || oid.as_slice() == [1, 3, 6, 1, 2, 1, 6, 9, 0] => {}
                _ if got != want => problems.push(format!("{oid}: ours {got:?}, snmpd {want:?}")),
                _ => {}
            },
        }
    }
    for oid in mine.keys() {
        if !theirs.contains_key(oid) && !volatile(oid) {
            problems.push(format!("extra {oid}"));
        }
    }
    // Both agents' own sockets are in both udpTables.
    for port in [snmpd.port, ours.port] {
        assert!(theirs.contains_key(&udp_row(port)) && mine.contains_key(&udp_row(port)), "udp row for {port}");
    }
    assert!(problems.is_empty(), "{} differences:\n{}", problems.len(), problems.join("\n"));
}

fn v1_oids(port: u16, root: &str) -> Vec<String> {
    let out = Command::new("snmpwalk")
        .args(["-v1", "-c", "public", "-m", "", "-On", "-Oq", &format!("127.0.0.1:{port}"), root])
        .output()
        .expect("snmpwalk");
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| l.split_whitespace().next().map(str::to_string))
        .filter(|o| !o.starts_with(".1.3.6.1.2.1.6.13.") && !o.starts_with(".1.3.6.1.2.1.6.20."))
        .filter(|o| !o.starts_with(".1.3.6.1.2.1.7.5.") && !o.starts_with(".1.3.6.1.2.1.7.7."))
        .collect()
}

#[test]
fn v1_walks_match_snmpd_without_counter64() {
    testkit::require_netsnmp!();
    let snmpd = testkit::Snmpd::start("");
    let ours = OspreyAgent::start_with(CONF, std::path::Path::new(env!("CARGO_BIN_EXE_osprey-agent")));
    // The ip subtree's scalars, routes and traffic statistics (no address tables).
    for root in [
        ".1.3.6.1.2.1.4.1",
        ".1.3.6.1.2.1.4.19",
        ".1.3.6.1.2.1.4.21",
        ".1.3.6.1.2.1.4.24",
        ".1.3.6.1.2.1.4.31",
        ".1.3.6.1.2.1.4.36",
        ".1.3.6.1.2.1.4.37",
        ".1.3.6.1.2.1.5",
        ".1.3.6.1.2.1.6",
        ".1.3.6.1.2.1.7",
    ] {
        let theirs = v1_oids(snmpd.port, root);
        let mine = v1_oids(ours.port, root);
        assert_eq!(mine, theirs, "v1 walk of {root}");
    }
    // v1 skips the Counter64 columns: ipSystemStatsHCInReceives is not in the walk.
    let mine = v1_oids(ours.port, ".1.3.6.1.2.1.4.31.1.1.4");
    assert!(mine.iter().all(|o| !o.starts_with(".1.3.6.1.2.1.4.31.1.1.4.")), "{mine:?}");
}
