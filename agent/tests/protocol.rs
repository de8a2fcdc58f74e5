//! osprey-agent's protocol behaviour against snmpd's, through Net-SNMP's own tools: the same
//! answers (values, exceptions, error status and index) for GET/GETNEXT/GETBULK/SET in v1
//! and v2c, silence and counters for wrong communities and garbage, SETs kept across
//! restarts, and SIGHUP reloads.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::net::UdpSocket;
use std::time::Duration;

use testkit::agent::OspreyAgent;
use testkit::{Snmpd, require_netsnmp, run};

const CONF: &str = "rocommunity public 127.0.0.1\nrwcommunity private 127.0.0.1\nsysLocation Test Lab\n\
                    sysContact ops@example.com\n";

fn agent(conf: &str) -> OspreyAgent {
    OspreyAgent::start_with(conf, env!("CARGO_BIN_EXE_osprey-agent").as_ref())
}

/// Runs `tool args... ADDR oids...` against both agents; outputs must be equal once the
/// address is masked.
fn same(tool: &str, args: &[&str], theirs: &str, ours: &str, tail: &[&str]) {
    let call = |addr: &str| {
        let mut a: Vec<&str> = vec!["-m", ""];
        a.extend_from_slice(args);
        a.push(addr);
        a.extend_from_slice(tail);
        let out = run(tool, &a);
        (out.stdout.replace(addr, "AGENT"), out.stderr.replace(addr, "AGENT"), out.code)
    };
    assert_eq!(call(theirs), call(ours), "{tool} {args:?} {tail:?}");
}

#[test]
fn answers_match_snmpd() {
    require_netsnmp!();
    let snmpd = Snmpd::start("");
    let ours = agent(&format!("{CONF}sysName osprey-test\n"));
    let (t, o) = (snmpd.addr(), ours.addr());
    let sys = |s: &str| format!(".1.3.6.1.2.1.1.{s}");
    let (descr0, contact, name, location, oid) = (sys("1.0"), sys("4.0"), sys("5.0"), sys("6.0"), sys("2.0"));
    for version in ["-v1", "-v2c"] {
        same("snmpget", &[version, "-c", "public"], &t, &o, &[&oid, &contact, &name, &location]);
        same("snmpget", &[version, "-c", "public"], &t, &o, &[&sys("99.0"), &contact]);
        same("snmpget", &[version, "-c", "public"], &t, &o, &[&sys("1.1"), &sys("7.0"), ".1.3.6.1.4.1.99999.1.0"]);
        same("snmpgetnext", &[version, "-c", "public"], &t, &o, &[&sys("4"), &sys("5.0")]);
        same("snmpset", &[version, "-c", "public"], &t, &o, &[&name, "s", "nope"]);
        same("snmpset", &[version, "-c", "private"], &t, &o, &[&sys("3.0"), "t", "5"]);
        same("snmpset", &[version, "-c", "private"], &t, &o, &[&name, "i", "5"]);
        same("snmpset", &[version, "-c", "private"], &t, &o, &[&descr0, "s", "x"]);
    }
    same("snmpbulkget", &["-v2c", "-c", "public", "-Cn1", "-Cr2"], &t, &o, &[&sys("3.0"), &sys("4")]);
    same("snmpset", &["-v2c", "-c", "private"], &t, &o, &[&contact, "s", "noc@example.com"]);
    same("snmpget", &["-v2c", "-c", "public"], &t, &o, &[&contact]);
}

fn counter(addr: &str, sub: u32) -> u64 {
    let out = run("snmpget", &["-v2c", "-c", "public", "-m", "", "-Oqv", addr, &format!(".1.3.6.1.2.1.11.{sub}.0")]);
    out.stdout.trim().parse().unwrap_or_else(|_| panic!("counter {sub}: {out:?}"))
}

#[test]
fn bad_communities_and_garbage_are_counted_and_dropped() {
    require_netsnmp!();
    let ours = agent(CONF);
    let addr = ours.addr();
    let bad_names = counter(&addr, 4);
    let out = run("snmpget", &["-v2c", "-c", "wrong", "-m", "", "-r0", "-t0.3", &addr, ".1.3.6.1.2.1.1.1.0"]);
    assert!(out.stderr.starts_with("Timeout: No Response"), "{out:?}");
    assert_eq!(counter(&addr, 4), bad_names + 1);
    let parse_errs = counter(&addr, 6);
    let bad_versions = counter(&addr, 3);
    let sock = UdpSocket::bind("127.0.0.1:0").unwrap();
    sock.set_read_timeout(Some(Duration::from_millis(300))).unwrap();
    let get = [
        0x30, 0x26, 0x02, 0x01, 0x01, 0x04, 0x06, b'p', b'u', b'b', b'l', b'i', b'c', 0xa0, 0x19, 0x02, 0x01, 0x01,
        0x02, 0x01, 0x00, 0x02, 0x01, 0x00, 0x30, 0x0e, 0x30, 0x0c, 0x06, 0x08, 0x2b, 0x06, 0x01, 0x02, 0x01, 0x01,
        0x01, 0x00, 0x05, 0x00,
    ];
    let mut v7 = get;
    v7[4] = 7;
    for datagram in [&b"hello"[..], &[], &[0x30], &get[..20], &[0x30, 0x84, 0xff, 0xff, 0xff, 0xff], &v7] {
        sock.send_to(datagram, ("127.0.0.1", ours.port)).unwrap();
        let mut buf = [0u8; 1500];
        assert!(sock.recv(&mut buf).is_err(), "answered {datagram:02x?}");
    }
    assert_eq!(counter(&addr, 6), parse_errs + 5);
    assert_eq!(counter(&addr, 3), bad_versions + 1);
    // Still healthy.
    sock.send_to(&get, ("127.0.0.1", ours.port)).unwrap();
    let mut buf = [0u8; 1500];
    assert!(sock.recv(&mut buf).is_ok());
}

#[test]
fn sets_persist_and_sighup_reloads() {
    require_netsnmp!();
    let ours = agent(CONF);
    let addr = ours.addr();
    let get_name =
        |addr: &str| run("snmpget", &["-v2c", "-c", "public", "-m", "", "-Oqv", addr, ".1.3.6.1.2.1.1.5.0"]).stdout;
    let set = run("snmpset", &["-v2c", "-c", "private", "-m", "", addr.as_str(), ".1.3.6.1.2.1.1.5.0", "s", "edge-7"]);
    assert_eq!(set.code, 0, "{set:?}");
    assert_eq!(get_name(&addr).trim(), "\"edge-7\"");
    let state = std::fs::read_to_string(ours.dir.path().join("osprey-agent.state")).unwrap();
    assert!(state.contains("sysName edge-7"), "{state}");

    // SIGHUP: a changed sysLocation is served without a restart.
    std::fs::write(ours.dir.path().join("snmpd.conf"), CONF.replace("Test Lab", "Rack 9")).unwrap();
    let status = std::process::Command::new("kill").args(["-HUP", &ours.pid().to_string()]).status().unwrap();
    assert!(status.success());
    let mut location = String::new();
    for _ in 0..50 {
        location = run("snmpget", &["-v2c", "-c", "public", "-m", "", "-Oqv", &addr, ".1.3.6.1.2.1.1.6.0"]).stdout;
        if location.contains("Rack 9") {
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    assert_eq!(location.trim(), "\"Rack 9\"");
    // The name set over SNMP survived the reload too.
    assert_eq!(get_name(&addr).trim(), "\"edge-7\"");
}
