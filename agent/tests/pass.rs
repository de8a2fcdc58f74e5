//! `pass` and `pass_persist` end to end: one script, run by snmpd and by osprey-agent as a
//! `pass` program and as a `pass_persist` one, with every value type, an unknown type, a
//! missing object and two SETs (one accepted, one refused); net-snmp's tools print the same
//! from both agents.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use testkit::agent::OspreyAgent;
use testkit::tools::{Output, first_differences, run};
use testkit::{Snmpd, require_netsnmp};

const PRELUDE: &str = "rocommunity public 127.0.0.1\nrwcommunity private 127.0.0.1\nrocommunity6 public ::1\n\
    rwcommunity6 private ::1\nsysLocation Test Lab\nsysContact ops@example.com\nsysName osprey-test\n";

/// Answers under its first argument's subtree: `-g/-n/-s` as a pass program, else the
/// pass_persist protocol on stdin.
const SCRIPT: &str = r#"#!/bin/sh
B=$1; shift
get() {
  case "$1" in
    $B.1.0) printf '%s\ninteger\n-42\n' "$1";;
    $B.2.0) printf '%s\nstring\nhello "world"  x\n' "$1";;
    $B.3.0) printf '%s\ncounter64\n12345678901234\n' "$1";;
    $B.4.0) printf '%s\noctet\n00 11 aa FF\n' "$1";;
    $B.5.0) printf '%s\nobjectid\n.1.3.6.1.2.1.1\n' "$1";;
    $B.6.0) printf '%s\nipaddress\n10.1.2.3\n' "$1";;
    $B.7.0) printf '%s\ntimeticks\n12345\n' "$1";;
    $B.8.0) printf '%s\ngauge\n4000000000\n' "$1";;
    $B.9.0) printf '%s\ncounter\n77\n' "$1";;
    $B.10.0) printf '%s\nunsigned\n88\n' "$1";;
    $B.11.0) printf '%s\nbogus\n1\n' "$1";;
  esac
}
next() {
  case "$1" in
    $B|$B.1) echo $B.1.0;; $B.1.0) echo $B.2.0;; $B.2.0) echo $B.3.0;; $B.3.0) echo $B.4.0;;
    $B.4.0) echo $B.5.0;; $B.5.0) echo $B.6.0;; $B.6.0) echo $B.7.0;; $B.7.0) echo $B.8.0;;
    $B.8.0) echo $B.9.0;; $B.9.0) echo $B.10.0;; $B.10.0) echo $B.11.0;;
  esac
}
answer() { if [ -n "$1" ]; then echo "$1"; else echo NONE; fi; }
case "$1" in
  -g) get "$2"; exit;;
  -n) n=$(next "$2"); [ -n "$n" ] && get "$n"; exit;;
  -s) [ "$2" = "$B.1.0" ] || echo not-writable; exit;;
esac
while read cmd; do
  case "$cmd" in
    PING) echo PONG;;
    get) read oid; answer "$(get "$oid")";;
    getnext) read oid; n=$(next "$oid"); answer "$([ -n "$n" ] && get "$n")";;
    set) read oid; read value; if [ "$oid" = "$B.1.0" ]; then echo DONE; else echo not-writable; fi;;
  esac
done
"#;

fn same(what: &str, theirs: &Output, ours: &Output, addrs: (&str, &str)) {
    let mask = |o: &Output, addr: &str| (o.stdout.replace(addr, "AGENT"), o.stderr.replace(addr, "AGENT"), o.code);
    let (t, o) = (mask(theirs, addrs.0), mask(ours, addrs.1));
    assert!(t == o, "{what}:\n{}\n{}", first_differences(&t.0, &o.0), first_differences(&t.1, &o.1));
}

#[test]
fn pass_and_pass_persist_answer_as_in_snmpd() {
    require_netsnmp!();
    let dir = tempfile::tempdir().unwrap();
    let script = dir.path().join("answer.sh");
    std::fs::write(&script, SCRIPT).unwrap();
    std::fs::set_permissions(&script, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    let script = script.display();
    let lines = format!(
        "pass .1.3.6.1.4.1.99990 /bin/sh {script} .1.3.6.1.4.1.99990\n\
         pass_persist -p 10 .1.3.6.1.4.1.99991 /bin/sh {script} .1.3.6.1.4.1.99991\n"
    );
    let snmpd = Snmpd::start(&lines);
    let ours = OspreyAgent::start_with(&format!("{PRELUDE}{lines}"), env!("CARGO_BIN_EXE_osprey-agent").as_ref());
    let (theirs_addr, ours_addr) = (snmpd.addr(), ours.addr());
    let both = |tool: &str, args: &[&str]| {
        let call = |addr: &str| {
            let mut all = vec!["-On", "-r0", "-t5"];
            all.extend(args.iter().map(|a| if *a == "AGENT" { addr } else { a }));
            run(tool, &all)
        };
        (call(&theirs_addr), call(&ours_addr))
    };
    for root in [".1.3.6.1.4.1.99990", ".1.3.6.1.4.1.99991"] {
        let (t, o) = both("snmpwalk", &["-v2c", "-c", "public", "AGENT", root]);
        assert!(t.stdout.contains("Counter64: 12345678901234") && t.stdout.lines().count() == 10, "{}", t.stdout);
        same(&format!("snmpwalk {root}"), &t, &o, (&theirs_addr, &ours_addr));
        let (t, o) = both("snmpbulkwalk", &["-v2c", "-c", "public", "AGENT", root]);
        same(&format!("snmpbulkwalk {root}"), &t, &o, (&theirs_addr, &ours_addr));
        let (missing, bogus) = (format!("{root}.12.0"), format!("{root}.11.0"));
        for version in ["-v1", "-v2c"] {
            let (t, o) = both("snmpget", &[version, "-c", "public", "AGENT", &missing, &bogus, root]);
            same(&format!("snmpget {version} {root}"), &t, &o, (&theirs_addr, &ours_addr));
        }
        let (accepted, refused) = (format!("{root}.1.0"), format!("{root}.2.0"));
        let (t, o) = both("snmpset", &["-v2c", "-c", "private", "AGENT", &accepted, "i", "5"]);
        assert!(t.stdout.contains("INTEGER: 5"), "{t:?}");
        same(&format!("snmpset {root} accepted"), &t, &o, (&theirs_addr, &ours_addr));
        let (t, o) = both("snmpset", &["-v2c", "-c", "private", "AGENT", &refused, "s", "a b"]);
        assert!(t.stderr.contains("notWritable"), "{t:?}");
        same(&format!("snmpset {root} refused"), &t, &o, (&theirs_addr, &ours_addr));
    }
}
