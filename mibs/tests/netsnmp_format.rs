//! Byte-for-byte comparison of our formatting with net-snmp's `snmpbulkwalk` for a whole
//! walk of a real snmpd, replayed so both see identical values, under many `-O` options,
//! with no MIBs (`-m ""`) and with our module files loaded (`-M mibs/modules -m ALL`).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod common;

use common::*;
use mibs::{Mib, OutputOptions};
use snmp::VarBind;

const FLAG_SETS: &[&str] =
    &["", "n", "f", "s", "q", "v", "qv", "e", "t", "x", "U", "nq", "ne", "sqe", "fx", "tq", "nv"];

fn opts(flags: &str) -> OutputOptions {
    let mut o = OutputOptions::default();
    o.apply_flags(flags).unwrap();
    o
}

fn ours(mib: &Mib, vbs: &[VarBind<'_>], flags: &str) -> String {
    let o = opts(flags);
    let mut s = String::new();
    // snmpbulkwalk prints the agent's final endOfMibView for the last OID.
    let end = vbs.last().map(|v| VarBind::new(v.oid.clone(), snmp::Value::EndOfMibView));
    for vb in vbs.iter().chain(end.as_ref()) {
        s.push_str(&mib.format_varbind(vb, &o));
        s.push('\n');
    }
    s
}

fn compare(label: &str, expected: &str, got: &str) -> usize {
    let e: Vec<&str> = expected.lines().collect();
    let g: Vec<&str> = got.lines().collect();
    let mut bad = 0;
    for i in 0..e.len().max(g.len()) {
        let (a, b) = (e.get(i).copied(), g.get(i).copied());
        if a != b {
            bad += 1;
            if bad <= 15 {
                eprintln!("[{label}] line {i}\n  net-snmp: {a:?}\n  ours:     {b:?}");
            }
        }
    }
    if bad > 0 {
        eprintln!("[{label}] {bad} differing lines of {}", e.len());
    }
    bad
}

fn run_matrix(mib: &Mib, mib_args: &[&str], vbs: &[VarBind<'static>], tag: &str) -> usize {
    let replay = FrozenAgent::start(vbs.to_vec(), "public");
    let target = format!("127.0.0.1:{}", replay.port);
    let mut total = 0;
    for flags in FLAG_SETS {
        let oflag = format!("-O{flags}");
        let mut args = vec!["-v2c", "-c", "public", "-Cr25", "-t", "5"];
        args.extend_from_slice(mib_args);
        if !flags.is_empty() {
            args.push(&oflag);
        }
        args.push(&target);
        args.push(".1");
        let expected = run("snmpbulkwalk", &args);
        total += compare(&format!("{tag} -O{flags}"), &expected, &ours(mib, vbs, flags));
    }
    total
}

#[test]
fn whole_walk_matches_net_snmp() {
    require_netsnmp!();
    let agent = Snmpd::start("disk / 10000\nload 12 10 5\nproc sshd");
    let vbs = testkit::udp::walk_tree(agent.port, "public");
    assert!(vbs.len() > 1000, "walk too short: {}", vbs.len());
    drop(agent);

    let none = Mib::load("", None).unwrap();
    let bad_none = run_matrix(&none, &["-m", ""], &vbs, "no MIB");

    let dir = modules_dir();
    let all = Mib::load("ALL", Some(&dir)).unwrap();
    let bad_all = run_matrix(&all, &["-M", &dir, "-m", "ALL"], &vbs, "ALL");
    assert_eq!((bad_none, bad_all), (0, 0), "formatting differs from net-snmp");
}
