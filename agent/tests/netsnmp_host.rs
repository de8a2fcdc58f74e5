//! HOST-RESOURCES-MIB (1.3.6.1.2.1.25) of osprey-agent against net-snmp's snmpd on the same
//! host with the same config: the same OIDs and types everywhere, equal values for what does
//! not move (indexes, descriptions, types, sizes, mounts, devices, packages, process names
//! and arguments), tolerances for what does (memory use, uptime, counters, process states).
//!
//! Documented exceptions: hrProcessorLoad, which snmpd serves only a minute after start and
//! Osprey from the start; hrSWRun/hrSWRunPerf rows of processes that started or exited
//! between the two walks, and their CPU time and state, which move; kworker thread names (they change with the work queue they run).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::collections::BTreeMap;

use snmp::{Oid, Pdu, PduType, Value, VarBind, Version};
use testkit::Snmpd;
use testkit::agent::OspreyAgent;
use testkit::compare::type_name;

const EXTRA: &str = "disk / 10%\nload 12 10 5\nproc sshd\nincludeAllDisks 10%";
const HOST: [u32; 7] = [1, 3, 6, 1, 2, 1, 25];

fn host(sub: &[u32]) -> Oid {
    Oid::from(HOST).child(sub)
}

/// Walks `root` with GETBULK (v2c) or GETNEXT (v1), keyed by OID.
fn walk(port: u16, version: Version, root: &Oid) -> BTreeMap<Oid, Value<'static>> {
    testkit::udp::walk_subtree(port, "public", version, root).into_iter().map(|vb| (vb.oid, vb.value)).collect()
}

fn int(v: &Value<'_>) -> i64 {
    match v {
        Value::Integer(i) => i64::from(*i),
        Value::Counter32(c) | Value::Gauge32(c) | Value::TimeTicks(c) => i64::from(*c),
        other => panic!("not a number: {other:?}"),
    }
}

fn under(oid: &Oid, sub: &[u32]) -> bool {
    oid.starts_with(&host(sub))
}

/// The host's uptime in clock ticks (USER_HZ = 100), to compare with process start times.
fn uptime_ticks() -> u64 {
    let text = std::fs::read_to_string("/proc/uptime").unwrap();
    let secs: f64 = text.split_whitespace().next().unwrap().parse().unwrap();
    (secs * 100.0) as u64
}

/// True if the process is gone or started at or after `since` (ticks since boot).
fn came_or_went(pid: u32, since: u64) -> bool {
    let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else { return true };
    let rest = &stat[stat.rfind(')').unwrap() + 1..];
    let start: u64 = rest.split_whitespace().nth(19).unwrap().parse().unwrap();
    start >= since
}

/// Compares everything but hrSWRun/hrSWRunPerf.
fn compare_static(theirs: &BTreeMap<Oid, Value<'static>>, ours: &BTreeMap<Oid, Value<'static>>, v1: bool) {
    let load = host(&[3, 3, 1, 2]);
    for oid in theirs.keys().chain(ours.keys()) {
        if under(oid, &[4]) || under(oid, &[5]) {
            continue;
        }
        let (Some(t), Some(o)) = (theirs.get(oid), ours.get(oid)) else {
            // snmpd serves hrProcessorLoad only once it has a minute of samples.
            assert!(oid.starts_with(&load) && ours.contains_key(oid), "{oid} only in one agent (v1: {v1})");
            continue;
        };
        assert_eq!(type_name(t), type_name(o), "type of {oid}");
        let sub = &oid.as_slice()[HOST.len()..];
        match sub {
            [1, 1, 0] => assert!((int(t) - int(o)).abs() <= 300, "hrSystemUptime {t:?} vs {o:?}"),
            [1, 2, 0] => {
                let (Value::OctetString(t), Value::OctetString(o)) = (t, o) else { unreachable!() };
                assert_eq!(o.len(), 11);
                assert_eq!(t[..4], o[..4], "hrSystemDate day");
                assert_eq!(t[8..], o[8..], "hrSystemDate zone");
            }
            [1, 5 | 6, 0] => assert!((int(t) - int(o)).abs() <= 40, "{oid}: {t:?} vs {o:?}"),
            // Memory sizes and use of the volatile rows, filesystem use: within 5% of the total.
            [2, 3, 1, 5 | 6, _] | [2, 2, 0] => {
                let row = *sub.last().unwrap();
                let size_oid = host(&[2, 3, 1, 5, row]);
                let total = theirs.get(&size_oid).map_or(int(t), int).max(int(t));
                let slack = (total / 20).max(64);
                assert!((int(t) - int(o)).abs() <= slack, "{oid}: {t:?} vs {o:?}");
            }
            [3, 2, 1, 6, _] => assert!(int(o) >= int(t), "hrDeviceErrors {oid} went down"),
            [3, 3, 1, 2, _] => assert!((0..=100).contains(&int(o)), "hrProcessorLoad {o:?}"),
            _ => assert_eq!(t, o, "value of {oid}"),
        }
    }
}

/// Compares hrSWRun and hrSWRunPerf row by row.
fn compare_processes(theirs: &BTreeMap<Oid, Value<'static>>, ours: &BTreeMap<Oid, Value<'static>>, since: u64) {
    let mut compared = 0;
    for oid in theirs.keys().chain(ours.keys()) {
        if !(under(oid, &[4]) || under(oid, &[5])) {
            continue;
        }
        let sub = &oid.as_slice()[HOST.len()..];
        let pid = *sub.last().unwrap();
        let (Some(t), Some(o)) = (theirs.get(oid), ours.get(oid)) else {
            assert!(came_or_went(pid, since), "{oid}: process {pid} listed by one agent only");
            continue;
        };
        assert_eq!(type_name(t), type_name(o), "type of {oid}");
        compared += 1;
        match sub {
            [4, 2, 1, 2, _] if matches!(t, Value::OctetString(n) if n.starts_with(b"kworker/")) => {}
            [4, 2, 1, 7, _] => assert!((1..=4).contains(&int(o)), "hrSWRunStatus {o:?}"),
            // Our snapshot is from just before snmpd's walk: allow 2 s of CPU time between.
            [5, 1, 1, 1, _] => assert!(int(o) + 200 >= int(t), "hrSWRunPerfCPU of {pid}: {t:?} vs {o:?}"),
            [5, 1, 1, 2, _] => assert!(int(o) >= 0),
            _ => assert_eq!(t, o, "value of {oid}"),
        }
    }
    assert!(compared > 100, "too few process values compared: {compared}");
}

#[test]
fn host_resources_match_snmpd() {
    testkit::require_netsnmp!();
    // A process whose arguments hold a newline: snmpd reads cmdline with fgets, so its
    // hrSWRunParameters end at (and keep) the newline.
    let mut multiline = std::process::Command::new("sh").args(["-c", "sleep 30\ntrue"]).spawn().unwrap();
    let snmpd = Snmpd::start(EXTRA);
    let ours = OspreyAgent::start_with(
        &format!("rocommunity public 127.0.0.1\n{EXTRA}\n"),
        std::path::Path::new(env!("CARGO_BIN_EXE_osprey-agent")),
    );
    let root = Oid::from(HOST);
    // Rebuild the cached views now: the compared walks then see data of the same moment
    // as snmpd's.
    let since = uptime_ticks();
    ours.reload();

    let theirs_v2 = walk(snmpd.port, Version::V2c, &root);
    let ours_v2 = walk(ours.port, Version::V2c, &root);
    assert!(theirs_v2.len() > 100, "snmpd served only {} host values", theirs_v2.len());
    compare_static(&theirs_v2, &ours_v2, false);
    compare_processes(&theirs_v2, &ours_v2, since);
    let parameters = host(&[4, 2, 1, 5, multiline.id()]);
    assert_eq!(ours_v2.get(&parameters), Some(&Value::string("-c sleep 30\n")));
    assert_eq!(theirs_v2.get(&parameters), ours_v2.get(&parameters));
    multiline.kill().unwrap();
    multiline.wait().unwrap();

    // Exact values of the fixed parts.
    assert_eq!(ours_v2.get(&host(&[2, 3, 1, 3, 1])), Some(&Value::string("Physical memory")));
    assert_eq!(ours_v2.get(&host(&[1, 3, 0])), Some(&Value::Integer(393216)));
    let installed = ours_v2.keys().filter(|o| under(o, &[6, 3, 1, 1])).count();
    let theirs_installed = theirs_v2.keys().filter(|o| under(o, &[6, 3, 1, 1])).count();
    assert_eq!(installed, theirs_installed);

    // v1: the same objects (HOST-RESOURCES-MIB has no Counter64).
    let theirs_v1 = walk(snmpd.port, Version::V1, &host(&[3]));
    let ours_v1 = walk(ours.port, Version::V1, &host(&[3]));
    compare_static(&theirs_v1, &ours_v1, true);
    for group in [[2], [6]] {
        let t = walk(snmpd.port, Version::V1, &host(&group));
        let o = walk(ours.port, Version::V1, &host(&group));
        assert!(!o.is_empty());
        compare_static(&t, &o, true);
    }
}

#[test]
fn get_exceptions_match_snmpd() {
    testkit::require_netsnmp!();
    let snmpd = Snmpd::start(EXTRA);
    let ours = OspreyAgent::start_with(
        "rocommunity public 127.0.0.1\n",
        std::path::Path::new(env!("CARGO_BIN_EXE_osprey-agent")),
    );
    // Unserved objects (hrSWOSIndex, hrSWInstalledLastChange, hrStorageAllocationFailures),
    // missing instances of served columns, and served scalars.
    let probes = [
        host(&[4, 1, 0]),
        host(&[6, 1, 0]),
        host(&[6, 2, 0]),
        host(&[2, 3, 1, 7, 1]),
        host(&[2, 3, 1, 3, 2]),
        host(&[2, 3, 1, 3, 1]),
        host(&[1, 3, 0]),
        host(&[1, 3, 1]),
        host(&[3, 2, 1, 5, 786432]),
        host(&[4, 2, 1, 2, 1]),
    ];
    for oid in probes {
        let get = |port| {
            let pdu = Pdu::new(PduType::GetRequest, 7, vec![VarBind::null(oid.clone())]);
            let mut reply = testkit::udp::request_pdu(port, "public", Version::V2c, pdu).expect("agent answers");
            assert_eq!(reply.error_status, 0, "GET {oid}: error status from port {port}");
            reply.varbinds.remove(0).value
        };
        let (t, o) = (get(snmpd.port), get(ours.port));
        if t.is_exception() {
            assert_eq!(t, o, "GET {oid}");
        } else {
            assert_eq!(type_name(&t), type_name(&o), "GET {oid}");
        }
    }
}
