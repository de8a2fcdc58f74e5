//! The drop-in test: a whole-tree walk of osprey-agent and of snmpd with the same config
//! must serve the same MIB objects (every column and scalar, by OID) with the same types,
//! in every subtree Osprey implements. Row sets and values are compared per group in the
//! netsnmp_* tests; this one guards against whole objects or groups going missing.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::collections::{BTreeMap, BTreeSet};

use mibs::{Mib, ObjectKind};
use snmp::{Oid, Value, VarBind};
use testkit::agent::OspreyAgent;
use testkit::{Snmpd, require_netsnmp};

const CONF: &str =
    "disk / 10%\nload 12 10 5\nproc sshd\nincludeAllDisks 10%\ncreateUser walker SHA \"walkerpass1\" AES\n";

/// Subtrees snmpd serves that are not Osprey's (yet), each with the reason.
const ELSEWHERE: &[(&str, &str)] = &[
    ("1.3.6.1.2.1.28", "MTA-MIB (sendmail statistics)"),
    ("1.3.6.1.2.1.88", "DISMAN-EVENT-MIB"),
    ("1.3.6.1.2.1.92", "NOTIFICATION-LOG-MIB"),
    ("1.3.6.1.4.1.8072.1.2", "NET-SNMP-AGENT-MIB nsModuleTable: snmpd's own module registry"),
    ("1.3.6.1.4.1.8072.1.5", "NET-SNMP-AGENT-MIB nsCache: snmpd's own caches"),
    ("1.3.6.1.4.1.8072.1.7", "NET-SNMP-AGENT-MIB nsConfigDebug/nsConfigLogging: snmpd's debug settings"),
];

/// Objects served by one agent but not the other for documented reasons.
const KNOWN: &[(&str, &str)] = &[
    // snmpd serves hrProcessorLoad only after a minute of samples; Osprey from the start.
    ("1.3.6.1.2.1.25.3.3.1.2", "hrProcessorLoad"),
    // snmpd's cooked systemStats values also need a minute of samples.
    ("1.3.6.1.4.1.2021.11.3", "ssSwapIn"),
    ("1.3.6.1.4.1.2021.11.4", "ssSwapOut"),
    ("1.3.6.1.4.1.2021.11.5", "ssIOSent"),
    ("1.3.6.1.4.1.2021.11.6", "ssIOReceive"),
    ("1.3.6.1.4.1.2021.11.7", "ssSysInterrupts"),
    ("1.3.6.1.4.1.2021.11.8", "ssSysContext"),
    ("1.3.6.1.4.1.2021.11.9", "ssCpuUser"),
    ("1.3.6.1.4.1.2021.11.10", "ssCpuSystem"),
    ("1.3.6.1.4.1.2021.11.11", "ssCpuIdle"),
];

fn tag(v: &Value<'_>) -> u8 {
    v.tag()
}

/// Object OID (the MIB node an instance belongs to) -> value types seen.
fn objects(mib: &Mib, tree: &[VarBind<'static>]) -> BTreeMap<String, BTreeSet<u8>> {
    let elsewhere: Vec<Oid> = ELSEWHERE.iter().map(|(o, _)| o.parse().unwrap()).collect();
    let mut out: BTreeMap<String, BTreeSet<u8>> = BTreeMap::new();
    for vb in tree {
        if elsewhere.iter().any(|e| vb.oid.starts_with(e)) {
            continue;
        }
        // Instances of objects our MIB modules do not name are grouped four arcs below the
        // nearest named node (table.entry.column for the usual layout).
        let object = match mib.lookup(&vb.oid) {
            Some((node, _)) if matches!(node.kind, ObjectKind::Scalar | ObjectKind::Column) => node.oid.to_string(),
            Some((node, _)) => Oid::from(&vb.oid[..vb.oid.len().min(node.oid.len() + 4)]).to_string(),
            None => vb.oid.to_string(),
        };
        out.entry(object).or_default().insert(tag(&vb.value));
    }
    let known: BTreeSet<&str> = KNOWN.iter().map(|(o, _)| *o).collect();
    out.retain(|k, _| !known.contains(k.as_str()));
    out
}

#[test]
fn serves_every_object_snmpd_serves_with_the_same_type() {
    require_netsnmp!();
    let snmpd = Snmpd::start(CONF);
    let ours = OspreyAgent::start_with(
        &format!("rocommunity public 127.0.0.1\n{CONF}"),
        env!("CARGO_BIN_EXE_osprey-agent").as_ref(),
    );
    let mib = Mib::builtin();
    let theirs = objects(&mib, &testkit::udp::walk_tree(snmpd.port, "public"));
    let mine = objects(&mib, &testkit::udp::walk_tree(ours.port, "public"));
    assert!(theirs.len() > 300, "snmpd served only {} objects", theirs.len());
    let missing: Vec<_> = theirs.keys().filter(|k| !mine.contains_key(*k)).collect();
    let extra: Vec<_> = mine.keys().filter(|k| !theirs.contains_key(*k)).collect();
    assert!(missing.is_empty(), "objects snmpd serves and osprey-agent does not: {missing:?}");
    assert!(extra.is_empty(), "objects osprey-agent serves and snmpd does not: {extra:?}");
    let retyped: Vec<_> = theirs.iter().filter(|(k, t)| mine.get(*k) != Some(t)).collect();
    assert!(retyped.is_empty(), "objects served with other types: {retyped:?}");
}
