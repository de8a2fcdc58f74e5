//! UCD-SNMP-MIB and UCD-DISKIO-MIB (`1.3.6.1.4.1.2021`) of osprey-agent against the real
//! snmpd 5.9, both started with the same `disk`/`load`/`proc`/`includeAllDisks`/`file` lines on
//! this host: the same OIDs (v2c and v1), the same types, equal non-volatile values, and
//! counters of ours (walked second) at least snmpd's.
//!
//! Documented exceptions: versionTag (`.100.2`) and versionConfigureOptions (`.100.6`) are
//! Osprey's own, versionCDate (`.100.4`) is the current time; the cooked systemStats objects
//! (`.11.3`–`.11.11`) exist only once an agent has a minute of samples, so they are compared
//! only when both serve them.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use snmp::{Oid, Value, Version};
use testkit::agent::OspreyAgent;
use testkit::compare::{Check, compare_get, type_name};

const UCD: [u32; 7] = [1, 3, 6, 1, 4, 1, 2021];

/// Processes under unique names for prTable, killed when dropped (the directory holding
/// their binaries goes with them).
struct Procs(Vec<Child>, #[allow(dead_code)] tempfile::TempDir);

impl Procs {
    fn start(names: &[(&str, usize)]) -> Procs {
        let dir = tempfile::tempdir().unwrap();
        let mut children = Vec::new();
        for (name, count) in names {
            let path: PathBuf = dir.path().join(name);
            std::fs::copy("/bin/sleep", &path).unwrap();
            for _ in 0..*count {
                // A fork elsewhere in the test binary may briefly hold the new file open
                // for writing (ETXTBSY): retry.
                let child = (0..50)
                    .find_map(|_| {
                        Command::new(&path).arg("600").stdin(Stdio::null()).spawn().ok().or_else(|| {
                            std::thread::sleep(std::time::Duration::from_millis(20));
                            None
                        })
                    })
                    .expect("start a test process");
                children.push(child);
            }
        }
        Procs(children, dir)
    }
}

impl Drop for Procs {
    fn drop(&mut self) {
        for c in &mut self.0 {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

const CONF: &str = "disk / 10%\nload 12 10 5\nproc ospreyucdslp 1\nproc nonesuchproc\nproc ospreyucdslq 5 2\n\
    proc ospreyucdslp 5 3\nincludeAllDisks 10%\nfile /bin/sh 10\nfile /nonexistent/osprey.log\nfile /bin/ls 100000\n";

/// Every varbind under `1.3.6.1.4.1.2021` (v2c GETBULK), keyed by OID.
fn walk_ucd(port: u16) -> BTreeMap<Oid, Value<'static>> {
    let root = Oid::from(UCD);
    testkit::udp::walk_subtree(port, "public", Version::V2c, &root).into_iter().map(|vb| (vb.oid, vb.value)).collect()
}

/// OID and type word of every line of an `snmpwalk -v1 -On` of the UCD subtree.
fn walk_v1(addr: &str) -> Vec<(String, String)> {
    let out = testkit::run("snmpwalk", &["-v1", "-c", "public", "-m", "", "-On", "-t", "2", addr, ".1.3.6.1.4.1.2021"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    out.stdout
        .lines()
        .filter_map(|l| {
            let (oid, rest) = l.split_once(" = ")?;
            let ty = rest.split_once(':').map_or("STRING", |(t, _)| t);
            Some((oid.to_string(), ty.to_string()))
        })
        .collect()
}

fn ucd(sub: &[u32]) -> Oid {
    Oid::from(UCD).child(sub)
}

/// The object (group or column) an instance belongs to, as `group.sub...` under 2021.
fn rel(oid: &Oid) -> Vec<u32> {
    oid.as_slice()[UCD.len()..].to_vec()
}

fn cooked_stat(oid: &Oid) -> bool {
    matches!(rel(oid).as_slice(), [11, 3..=11, 0])
}

/// True when the value may legitimately differ between two walks moments apart.
fn volatile(oid: &Oid) -> bool {
    match rel(oid).as_slice() {
        [2, ..] => false,
        [4, 1 | 2 | 3 | 5 | 12 | 18 | 20 | 23, 0] => false,
        [4, ..] => true,
        [9, 1, 1..=6 | 11 | 12 | 100, _] => false,
        [9, ..] => true,
        [10, 1, 1 | 2 | 4, _] => false,
        [10, ..] => true,
        [11, 1 | 2 | 55 | 67, 0] => false,
        [11, ..] => true,
        [13, 15, 1, 1, 1 | 2, _] => false,
        [13, 15, ..] => true,
        [100, 2 | 4 | 6, 0] => true,
        _ => false,
    }
}

#[test]
fn ucd_matches_snmpd() {
    testkit::require_netsnmp!();
    let _procs = Procs::start(&[("ospreyucdslp", 2), ("ospreyucdslq", 1)]);
    let snmpd = testkit::Snmpd::start(CONF);
    let ours = OspreyAgent::start_with(
        &format!("rocommunity public 127.0.0.1\n{CONF}"),
        Path::new(env!("CARGO_BIN_EXE_osprey-agent")),
    );

    let theirs = walk_ucd(snmpd.port);
    // Rebuild our cached views so that our counters are read after snmpd's.
    ours.reload();
    let mine = walk_ucd(ours.port);
    assert!(theirs.len() > 100, "snmpd served only {} UCD objects", theirs.len());

    let keys = |m: &BTreeMap<Oid, Value<'static>>| -> Vec<String> {
        m.keys().filter(|o| !cooked_stat(o)).map(|o| o.to_string()).collect()
    };
    assert_eq!(keys(&mine), keys(&theirs), "UCD OIDs differ");

    for (oid, t) in &theirs {
        let Some(m) = mine.get(oid) else { continue };
        assert_eq!(type_name(m), type_name(t), "type of {oid}: ours {m:?}, snmpd {t:?}");
        if !volatile(oid) {
            assert_eq!(m, t, "value of {oid}");
        }
        // Counters and sizes that only grow: ours were read after snmpd's.
        let grows = matches!(rel(oid).as_slice(), [11, 50..=54 | 56 | 59..=66, 0] | [13, 15, 1, 1, 5 | 6 | 12..=14, _]);
        match (m, t) {
            (Value::Counter32(a), Value::Counter32(b)) if grows => assert!(a >= b, "{oid}: ours {a} < snmpd {b}"),
            (Value::Counter64(a), Value::Counter64(b)) if grows => assert!(a >= b, "{oid}: ours {a} < snmpd {b}"),
            _ => {}
        }
    }

    // The prTable rows say what the directives mean (not only that both agree).
    assert_eq!(mine[&ucd(&[2, 1, 5, 1])], Value::Integer(2));
    assert_eq!(mine[&ucd(&[2, 1, 101, 1])], Value::string(b"Too many ospreyucdslp running (# = 2)".to_vec()));
    assert_eq!(mine[&ucd(&[2, 1, 101, 2])], Value::string(b"No nonesuchproc process running".to_vec()));
    assert_eq!(mine[&ucd(&[2, 1, 101, 3])], Value::string(b"Too few ospreyucdslq running (# = 1)".to_vec()));
    assert!(!mine.contains_key(&ucd(&[2, 1, 1, 4])), "a repeated proc name is ignored");

    // Memory and disk sizes within a small tolerance of snmpd's.
    for sub in [[4, 6, 0], [4, 11, 0]] {
        let (Value::Integer(a), Value::Integer(b)) = (&mine[&ucd(&sub)], &theirs[&ucd(&sub)]) else { panic!() };
        assert!((i64::from(*a) - i64::from(*b)).abs() < 512 * 1024, "{sub:?}: ours {a}, snmpd {b}");
    }

    // v1: the same OIDs and types (no Counter64 in either).
    let (t1, m1) = (walk_v1(&snmpd.addr()), walk_v1(&ours.addr()));
    let strip = |w: Vec<(String, String)>| -> Vec<(String, String)> {
        w.into_iter()
            .filter(|(o, _)| {
                !o.starts_with(".1.3.6.1.4.1.2021.11.")
                    || o.split('.').nth(9).is_some_and(|s| s.parse::<u32>().is_ok_and(|n| n > 11))
            })
            .collect()
    };
    let (t1, m1) = (strip(t1), strip(m1));
    assert!(t1.iter().all(|(_, ty)| ty != "Counter64"));
    assert_eq!(m1, t1, "v1 walks differ");
}

#[test]
fn ucd_gets_answer_like_snmpd() {
    testkit::require_netsnmp!();
    let snmpd = testkit::Snmpd::start("load 12 10 5\n");
    let ours = OspreyAgent::start_with(
        "rocommunity public 127.0.0.1\nload 12 10 5\n",
        Path::new(env!("CARGO_BIN_EXE_osprey-agent")),
    );
    // A known column with a missing row, an unknown column, a scalar's bad instance.
    let probes = [ucd(&[10, 1, 2, 9]), ucd(&[10, 1, 7, 1]), ucd(&[4, 5, 1]), ucd(&[4, 5, 0]), ucd(&[101, 2, 0])];
    for oid in probes {
        compare_get(snmpd.port, ours.port, &oid, Check::Volatile);
    }
}
