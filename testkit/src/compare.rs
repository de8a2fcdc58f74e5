//! Comparing two agents' walks of the same subtree, as the agent's end-to-end tests do with
//! net-snmp's snmpd (walked first) and osprey-agent (walked second): the same OIDs in the
//! same order, the same value types, and per object either equal values, counters that did
//! not go down, or (for columns that move on their own) the type only; and the same for
//! one GET of a single object.

use snmp::{Oid, Value, VarBind};

/// How the values of one object must relate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Check {
    /// Equal values.
    Exact,
    /// Counters: ours (walked after snmpd) at least snmpd's.
    Counter,
    /// Same type only (neighbour states and update times, which move on their own).
    Volatile,
}

/// True when both are counters of the same width and `ours` is at least `theirs`.
pub fn counter_ge(ours: &Value<'_>, theirs: &Value<'_>) -> bool {
    match (ours, theirs) {
        (Value::Counter32(o), Value::Counter32(t)) => o >= t,
        (Value::Counter64(o), Value::Counter64(t)) => o >= t,
        _ => false,
    }
}

/// [`Check::Counter`] for Counter32/Counter64 values, [`Check::Exact`] for all others.
pub fn counters_else_exact(_: &Oid, v: &Value<'_>) -> Check {
    if matches!(v, Value::Counter32(_) | Value::Counter64(_)) { Check::Counter } else { Check::Exact }
}

/// Compares snmpd's walk (`theirs`, taken first) with ours: asserts the same OID set, then
/// for every pair the same value type and the relation `check` picks from snmpd's object,
/// and finally that snmpd served something. `what` names the walk in the failure messages.
pub fn compare(what: &str, theirs: &[VarBind<'_>], ours: &[VarBind<'_>], check: impl Fn(&Oid, &Value<'_>) -> Check) {
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

/// GETs `oid` (v2c, community `public`) from snmpd on `theirs_port` first, then from
/// osprey-agent on `ours_port`, and asserts the same answer type (exception or value type)
/// and the relation `check` (for exceptions, [`Check::Exact`] is the same as the type).
pub fn compare_get(theirs_port: u16, ours_port: u16, oid: &Oid, check: Check) {
    let get = |port| {
        let mut vbs = crate::udp::get(port, "public", std::slice::from_ref(oid))
            .unwrap_or_else(|| panic!("GET {oid}: no answer from port {port}"));
        assert!(!vbs.is_empty(), "GET {oid}: no varbind from port {port}");
        vbs.swap_remove(0).value
    };
    let (t, o) = (get(theirs_port), get(ours_port));
    assert_eq!(std::mem::discriminant(&t), std::mem::discriminant(&o), "GET {oid}: snmpd {t:?}, osprey {o:?}");
    match check {
        Check::Exact => assert_eq!(t, o, "GET {oid}"),
        Check::Counter => assert!(counter_ge(&o, &t), "GET {oid}: snmpd {t:?}, osprey {o:?}"),
        Check::Volatile => {}
    }
}

/// The SMI type of a value as net-snmp names it, one distinct name per [`Value`] variant (so
/// equal names mean the same type), for type assertions with readable messages.
pub fn type_name(v: &Value<'_>) -> &'static str {
    match v {
        Value::Integer(_) => "INTEGER",
        Value::OctetString(_) => "STRING",
        Value::Null => "NULL",
        Value::ObjectIdentifier(_) => "OID",
        Value::IpAddress(_) => "IpAddress",
        Value::Counter32(_) => "Counter32",
        Value::Gauge32(_) => "Gauge32",
        Value::TimeTicks(_) => "Timeticks",
        Value::Opaque(_) => "Opaque",
        Value::Counter64(_) => "Counter64",
        Value::NoSuchObject => "noSuchObject",
        Value::NoSuchInstance => "noSuchInstance",
        Value::EndOfMibView => "endOfMibView",
    }
}
