//! `osprey simulate` end to end: argument errors as the other commands give them, and 300
//! simulated devices (50 interfaces each) on a range of loopback ports, each answering a GET,
//! a sample walked with Net-SNMP's `snmpbulkwalk`, counters that advance per device, and a
//! clean stop on SIGTERM. Bounded: 300 GETs, 10 walks, a few seconds.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use snmp::{Oid, Value};
use testkit::require_netsnmp;

const OSPREY: &str = env!("CARGO_BIN_EXE_osprey");
const DEVICES: usize = 300;
const INTERFACES: usize = 50;

fn osprey(args: &[&str]) -> testkit::Output {
    testkit::run(OSPREY, args)
}

#[test]
fn bad_arguments_print_the_usage_and_exit_1() {
    for (args, why) in [
        (&[][..], "a recording is needed"),
        (&["--walk", "w.txt"], "--listen ADDRESS:PORT is needed"),
        (&["--walk", "w.txt", "--listen", "192.0.2.1:161"], "is not a loopback address"),
        (&["--walk", "w.txt", "--listen", "0.0.0.0:161"], "is not a loopback address"),
        (&["--snmprec", "x", "--listen", "127.0.0.1:1000", "--devices", "0"], "--devices must be at least 1"),
        (&["--walk", "w.txt", "--listen", "127.0.0.1:1", "--bogus"], "unknown option"),
    ] {
        let mut argv = vec!["simulate"];
        argv.extend_from_slice(args);
        let out = osprey(&argv);
        assert_eq!(out.code, 1, "{args:?}");
        assert!(out.stderr.contains(why), "{args:?}: {}", out.stderr);
        assert!(out.stderr.contains("usage: osprey simulate"), "{args:?}: {}", out.stderr);
        assert!(out.stdout.is_empty());
    }
    let help = osprey(&["simulate", "--help"]);
    assert_eq!(help.code, 0);
    assert!(help.stdout.contains("--counter-rate"));
    let missing = osprey(&["simulate", "--walk", "/nonexistent/walk.txt", "--listen", "127.0.0.1:0"]);
    assert_eq!(missing.code, 1);
    assert!(missing.stderr.starts_with("osprey simulate: /nonexistent/walk.txt: "), "{}", missing.stderr);
    assert!(osprey(&["--help"]).stdout.contains("simulate (--walk FILE | --snmprec FILE)"));
}

#[test]
fn a_bad_recording_line_names_file_line_and_reason() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad.walk");
    std::fs::write(&path, ".1.3.6.1.2.1.1.1.0 = STRING: \"ok\"\n.1.3.6.1.2.1.1.3.0 = Timeticks: soon\n").unwrap();
    let out = osprey(&["simulate", "--walk", path.to_str().unwrap(), "--check"]);
    assert_eq!(out.code, 1);
    assert_eq!(out.stderr, format!("osprey simulate: {}:2: Timeticks: \"soon\" is not (N) ...\n", path.display()));
}

/// A switch with 50 interfaces, as snmpsim records it.
fn switch_snmprec() -> String {
    let mut s = String::from(
        "1.3.6.1.2.1.1.1.0|4|Simulated switch\n1.3.6.1.2.1.1.2.0|6|1.3.6.1.4.1.8072.3.2.10\n\
         1.3.6.1.2.1.1.3.0|67|123456\n1.3.6.1.2.1.1.5.0|4|sim-switch\n",
    );
    s += &format!("1.3.6.1.2.1.2.1.0|2|{INTERFACES}\n");
    for (column, tag, value) in [
        (1, "2", None),
        (2, "4", Some("GigabitEthernet0/")),
        (3, "2", Some("6")),
        (5, "66", Some("1000000000")),
        (6, "4x", Some("0011223344")),
        (8, "2", Some("1")),
        (10, "65", Some("4294900000")),
        (16, "65", Some("1000")),
    ] {
        for i in 1..=INTERFACES {
            let value = match (column, value) {
                (1, _) => i.to_string(),
                (2, Some(v)) => format!("{v}{i}"),
                (6, Some(v)) => format!("{v}{i:02x}"),
                (_, Some(v)) => v.to_string(),
                _ => unreachable!(),
            };
            s += &format!("1.3.6.1.2.1.2.2.1.{column}.{i}|{tag}|{value}\n");
        }
    }
    for i in 1..=INTERFACES {
        s += &format!("1.3.6.1.2.1.31.1.1.1.6.{i}|70|{}\n", 1_000_000 * i);
    }
    s
}

/// The simulator as a child process, killed when dropped.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts `osprey simulate ... --listen 127.0.0.1:BASE --devices N` on a range that is free,
/// trying other ranges when a port is taken; returns the child and the first port.
fn start_devices(recording: &str, extra: &[&str]) -> (Running, u16) {
    let seed =
        SystemTime::now().duration_since(UNIX_EPOCH).unwrap().subsec_nanos() as usize ^ std::process::id() as usize;
    for attempt in 0..10 {
        let base = 20000 + (seed.wrapping_mul(31).wrapping_add(attempt * 7877)) % (40000 - DEVICES);
        let listen = format!("127.0.0.1:{base}");
        let devices = DEVICES.to_string();
        let mut args = vec!["simulate", "--snmprec", recording, "--listen", &listen, "--devices", &devices];
        args.extend_from_slice(extra);
        let mut child = Command::new(OSPREY)
            .args(&args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
        if line.is_empty() {
            let out = child.wait_with_output().unwrap();
            let err = String::from_utf8_lossy(&out.stderr);
            assert!(err.contains("cannot listen"), "{err}");
            continue;
        }
        let last = base as usize + DEVICES - 1;
        assert_eq!(
            line,
            format!(
                "osprey simulate: serving {recording} ({} objects) as {DEVICES} devices on 127.0.0.1:{base}-{last}, \
                 community \"public\", counters +1000/s\n",
                5 + 9 * INTERFACES
            )
        );
        return (Running(child), base as u16);
    }
    panic!("no free range of {DEVICES} ports");
}

fn counter(v: &Value<'_>) -> u64 {
    match v {
        Value::Counter32(c) => u64::from(*c),
        Value::Counter64(c) => *c,
        Value::TimeTicks(t) => u64::from(*t),
        other => panic!("not a counter: {other:?}"),
    }
}

#[test]
fn three_hundred_devices_on_a_port_range() {
    require_netsnmp!();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("switch.snmprec");
    std::fs::write(&path, switch_snmprec()).unwrap();
    let (mut running, base) = start_devices(path.to_str().unwrap(), &["--counter-rate", "1000"]);
    let oids: Vec<Oid> = ["1.3.6.1.2.1.1.3.0", "1.3.6.1.2.1.2.2.1.10.1", "1.3.6.1.2.1.31.1.1.1.6.1"]
        .iter()
        .map(|s| s.parse().unwrap())
        .collect();
    let read_all = |port: u16| -> Vec<u64> {
        let vbs = testkit::udp::get(port, "public", &oids).unwrap_or_else(|| panic!("port {port} did not answer"));
        vbs.iter().map(|vb| counter(&vb.value)).collect()
    };
    let started = Instant::now();
    // One GET for every device.
    let first: Vec<Vec<u64>> = (0..DEVICES).map(|i| read_all(base + i as u16)).collect();
    let mut hc: Vec<u64> = first.iter().map(|v| v[2]).collect();
    hc.sort_unstable();
    hc.dedup();
    assert_eq!(hc.len(), DEVICES, "every device's counters differ");
    // Net-SNMP walks a sample of devices: every interface, as recorded.
    for i in (0..DEVICES).step_by(DEVICES / 10) {
        let addr = format!("127.0.0.1:{}", base + i as u16);
        let out = testkit::run("snmpbulkwalk", &["-v2c", "-c", "public", "-On", &addr, ".1.3.6.1.2.1.2.2.1.2"]);
        assert_eq!(out.code, 0, "{}", out.stderr);
        assert_eq!(out.stdout.lines().count(), INTERFACES);
        assert!(out.stdout.starts_with(".1.3.6.1.2.1.2.2.1.2.1 = STRING: \"GigabitEthernet0/1\"\n"));
        let out = testkit::run("snmpget", &["-v2c", "-c", "public", "-On", &addr, ".1.3.6.1.2.1.2.2.1.6.50"]);
        assert_eq!(out.stdout, ".1.3.6.1.2.1.2.2.1.6.50 = Hex-STRING: 00 11 22 33 44 32 \n");
    }
    // A second later the counters moved by about 1000/s x the device's factor, and the
    // 32-bit ifInOctets (recorded 66,000 short of 2^32) keeps counting across its wrap.
    std::thread::sleep(Duration::from_millis(1200));
    for i in [0usize, 1, 2, 3, 150, 299] {
        let now = read_all(base + i as u16);
        let seconds = started.elapsed().as_secs_f64();
        let factor = 1.0 + (i % 4) as f64 / 4.0;
        let c32 = (now[1] + (1 << 32) - first[i][1]) % (1 << 32);
        let c64 = now[2] - first[i][2];
        for (name, delta) in [("ifInOctets", c32), ("ifHCInOctets", c64)] {
            assert!(delta >= (1000.0 * factor * 1.0) as u64, "device {i} {name}: +{delta}");
            assert!(delta <= (1000.0 * factor * (seconds + 0.5)) as u64, "device {i} {name}: +{delta}");
        }
        assert!(now[0] - first[i][0] >= 100, "device {i} sysUpTime");
    }
    // SIGTERM stops it cleanly, with a summary.
    let status = Command::new("kill").args(["-TERM", &running.0.id().to_string()]).status().unwrap();
    assert!(status.success());
    let deadline = Instant::now() + Duration::from_secs(5);
    let code = loop {
        if let Some(status) = running.0.try_wait().unwrap() {
            break status.code();
        }
        assert!(Instant::now() < deadline, "the simulator did not stop on SIGTERM");
        std::thread::sleep(Duration::from_millis(20));
    };
    assert_eq!(code, Some(0));
    let mut err = String::new();
    std::io::Read::read_to_string(&mut running.0.stderr.take().unwrap(), &mut err).unwrap();
    assert!(err.contains("osprey simulate: stopped; "), "{err}");
}
