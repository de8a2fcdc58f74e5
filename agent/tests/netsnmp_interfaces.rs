//! IF-MIB (interfaces group, ifMIBObjects) and the IP-MIB address tables of osprey-agent
//! compared with net-snmp's snmpd on the same host: the same OIDs, the same value types,
//! equal values for everything but counters (ours, read later, >= snmpd's) and the few
//! volatile columns named below; over v2c and v1 (where Counter64 objects are skipped).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::borrow::Cow;
use std::net::UdpSocket;
use std::path::Path;
use std::time::Duration;

use snmp::{CommunityMessage, Message, Oid, Pdu, PduType, Pdus, Value, VarBind, Version};
use testkit::agent::OspreyAgent;

const CONF: &str = "rocommunity public 127.0.0.1\n";

fn osprey() -> OspreyAgent {
    OspreyAgent::start_with(CONF, Path::new(env!("CARGO_BIN_EXE_osprey-agent")))
}

fn request(port: u16, version: Version, pdu: Pdu<'static>) -> Pdu<'static> {
    let sock = UdpSocket::bind("127.0.0.1:0").unwrap();
    sock.set_read_timeout(Some(Duration::from_millis(1000))).unwrap();
    let msg = Message::Community(CommunityMessage {
        version,
        community: Cow::Owned(b"public".to_vec()),
        pdu: Pdus::Pdu(pdu),
    });
    let mut buf = vec![0u8; 65535];
    for _ in 0..3 {
        sock.send_to(&msg.to_vec(), ("127.0.0.1", port)).unwrap();
        if let Ok(n) = sock.recv(&mut buf) {
            match Message::decode(&buf[..n]).unwrap() {
                Message::Community(CommunityMessage { pdu: Pdus::Pdu(p), .. }) => {
                    return Pdu {
                        varbinds: p.varbinds.into_iter().map(VarBind::into_owned).collect(),
                        pdu_type: p.pdu_type,
                        request_id: p.request_id,
                        error_status: p.error_status,
                        error_index: p.error_index,
                    };
                }
                other => panic!("unexpected reply {other:?}"),
            }
        }
    }
    panic!("no answer from port {port}");
}

/// Every object under `root`, by GETNEXT, in `version`.
fn walk(port: u16, version: Version, root: &Oid) -> Vec<VarBind<'static>> {
    let mut out = Vec::new();
    let mut at = root.clone();
    for id in 1.. {
        let reply = request(port, version, Pdu::new(PduType::GetNextRequest, id, vec![VarBind::null(at.clone())]));
        if reply.error_status != 0 {
            break;
        }
        let Some(vb) = reply.varbinds.into_iter().next() else { break };
        if vb.value.is_exception() || !vb.oid.starts_with(root) {
            break;
        }
        at = vb.oid.clone();
        out.push(vb);
    }
    out
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Check {
    /// Equal values.
    Exact,
    /// Counters: ours (walked after snmpd) at least snmpd's.
    Counter,
    /// Same type only (neighbour states and update times, which move on their own).
    Volatile,
}

fn counter_ge(ours: &Value<'_>, theirs: &Value<'_>) -> bool {
    match (ours, theirs) {
        (Value::Counter32(o), Value::Counter32(t)) => o >= t,
        (Value::Counter64(o), Value::Counter64(t)) => o >= t,
        _ => false,
    }
}

/// Compares snmpd's walk (`theirs`, taken first) with ours.
fn compare(what: &str, theirs: &[VarBind<'_>], ours: &[VarBind<'_>], check: impl Fn(&Oid, &Value<'_>) -> Check) {
    let t_oids: Vec<String> = theirs.iter().map(|vb| vb.oid.to_string()).collect();
    let o_oids: Vec<String> = ours.iter().map(|vb| vb.oid.to_string()).collect();
    let missing: Vec<&String> = t_oids.iter().filter(|o| !o_oids.contains(o)).collect();
    let extra: Vec<&String> = o_oids.iter().filter(|o| !t_oids.contains(o)).collect();
    assert!(missing.is_empty() && extra.is_empty(), "{what}: OID sets differ: missing {missing:?}, extra {extra:?}");
    let mut bad = Vec::new();
    for (t, o) in theirs.iter().zip(ours) {
        let same_type = std::mem::discriminant(&t.value) == std::mem::discriminant(&o.value);
        let ok = same_type
            && match check(&t.oid, &t.value) {
                Check::Exact => t.value == o.value,
                Check::Counter => counter_ge(&o.value, &t.value),
                Check::Volatile => true,
            };
        if !ok {
            bad.push(format!("{}: snmpd {:?}, osprey {:?}", t.oid, t.value, o.value));
        }
    }
    assert!(bad.is_empty(), "{what}: {} differences:\n{}", bad.len(), bad.join("\n"));
    assert!(!theirs.is_empty(), "{what}: snmpd served nothing");
}

fn counters_else_exact(_: &Oid, v: &Value<'_>) -> Check {
    if matches!(v, Value::Counter32(_) | Value::Counter64(_)) { Check::Counter } else { Check::Exact }
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
        let get = |port| {
            request(port, Version::V2c, Pdu::new(PduType::GetRequest, 7, vec![VarBind::null(oid.clone())])).varbinds
        };
        let (t, o) = (get(snmpd.port), get(ours.port));
        assert_eq!(
            std::mem::discriminant(&t[0].value),
            std::mem::discriminant(&o[0].value),
            "GET {oid}: snmpd {:?}, osprey {:?}",
            t[0].value,
            o[0].value
        );
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
            let ours_walk = walk(ours.port, version, &root);
            // ipNetToMedia/ipNetToPhysical may be empty on a host with no neighbours.
            if theirs_walk.is_empty() && ours_walk.is_empty() && [22, 35].contains(&root.as_slice()[7]) {
                continue;
            }
            compare(&format!("{root} {version:?}"), &theirs_walk, &ours_walk, ip_check);
        }
    }
}
