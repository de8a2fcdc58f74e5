//! The MIB-II-era extras of osprey-agent compared with net-snmp's snmpd on the same host:
//! RFC 1213 atTable (`1.3.6.1.2.1.3`), EtherLike-MIB dot3StatsTable (`1.3.6.1.2.1.10.7`)
//! and IPV6-MIB (`1.3.6.1.2.1.55`): the same OIDs, the same value types, equal values for
//! everything but the dot3 error counters (ours, read later, >= snmpd's); over v2c and v1,
//! and GETs of missing instances and objects answered with the same exception.
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
        if !t[0].value.is_exception() {
            assert_eq!(t[0].value, o[0].value, "GET {oid}");
        }
    }
}
