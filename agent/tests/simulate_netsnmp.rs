//! The simulator against Net-SNMP: a real snmpd is recorded with `snmpwalk -On`, the
//! recording is served, and `snmpwalk`, `snmpbulkwalk` (v2c) and `snmpwalk -v1` of the
//! simulator print the recording again, byte for byte. The walk reader is checked against the
//! values on the wire, walks printed with MIBs loaded are read too, and SETs, wrong
//! communities and garbage are refused as snmpd refuses them.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod simulate_support;

use std::net::UdpSocket;
use std::time::{Duration, Instant};

use agent::stats::read;
use simulate_support::{options, read_walk, start_one, tool, walk_recording};
use snmp::{Oid, Pdu, PduType, Value, VarBind, Version};
use testkit::{FrozenAgent, Snmpd, assert_same, first_differences, require_netsnmp};

/// snmpd with `extend` scripts whose output is a multi-line string with quotes, backslashes,
/// a tab and (with `fake_record`) a line that looks like a walk record, a binary string and
/// an empty one.
fn snmpd_with_awkward_strings(fake_record: bool) -> (Snmpd, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let script = |name: &str, body: &str| {
        let path = dir.path().join(name);
        std::fs::write(&path, format!("#!/bin/sh\n{body}\n")).unwrap();
        std::fs::set_permissions(&path, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
        path.display().to_string()
    };
    let fake = if fake_record { r#"\n.1.3.6.1.2 = STRING: "fake""# } else { "" };
    let multi = script("multi.sh", &format!(r#"printf 'line one\nhe said "hi" \\ back\n\tTabbed{fake}'"#));
    let binary = script("binary.sh", r#"printf '\001\002abc\377'"#);
    let empty = script("empty.sh", "true");
    let long = script("long.sh", "i=0; while [ $i -lt 40 ]; do printf 'x\\001'; i=$((i+1)); done");
    let snmpd = Snmpd::start(&format!(
        "extend multi {multi}\nextend binary {binary}\nextend empty {empty}\nextend long {long}"
    ));
    (snmpd, dir)
}

#[test]
fn walks_of_the_simulator_reproduce_the_recording() {
    require_netsnmp!();
    let (snmpd, _scripts) = snmpd_with_awkward_strings(true);
    let recorded = tool("snmpwalk", &["-v2c", "-c", "public", "-On", &snmpd.addr(), ".1"]);
    drop(snmpd);
    assert!(recorded.contains("he said \\\"hi\\\" \\\\ back\n\tTabbed\n.1.3.6.1.2 = STRING: \\\"fake\\\"\""));
    assert!(recorded.contains("= Hex-STRING: 01 02 61 62 63 FF"));
    assert!(recorded.contains("= Counter64: ") && recorded.contains("= Opaque: Float: "));
    let sim = start_one(walk_recording(&recorded), &options(None));
    for program in ["snmpwalk", "snmpbulkwalk"] {
        let served = tool(program, &["-v2c", "-c", "public", "-On", &sim.addr(), ".1"]);
        assert!(served == recorded, "{program}: {}", first_differences(&recorded, &served));
    }
    let served = tool("snmpbulkwalk", &["-v2c", "-c", "public", "-On", "-Cr7", &sim.addr(), ".1.3.6.1.2.1.2"]);
    let interfaces: String =
        recorded.lines().filter(|l| l.starts_with(".1.3.6.1.2.1.2.")).map(|l| format!("{l}\n")).collect();
    assert!(served == interfaces, "{}", first_differences(&interfaces, &served));

    // v1 has no Counter64 (skipped, as snmpd skips it) and ends with noSuchName.
    let expected_v1: String = recorded
        .lines()
        .filter(|l| !l.contains(" = Counter64: ") && !l.contains(" = No more variables left"))
        .map(|l| format!("{l}\n"))
        .collect::<String>()
        + "End of MIB\n";
    let served = tool("snmpwalk", &["-v1", "-c", "public", "-On", &sim.addr(), ".1"]);
    assert!(served == expected_v1, "v1: {}", first_differences(&expected_v1, &served));
}

/// What the walk reader makes of `snmpwalk -On` output is what was on the wire: a frozen
/// agent serves snmpd's values as they were, Net-SNMP prints them, the reader reads them.
#[test]
fn the_walk_reader_gives_the_values_on_the_wire() {
    require_netsnmp!();
    let (snmpd, _scripts) = snmpd_with_awkward_strings(true);
    let wire = testkit::udp::walk_tree(snmpd.port, "public");
    drop(snmpd);
    let frozen = FrozenAgent::start(wire.clone(), "public");
    let printed = tool("snmpwalk", &["-v2c", "-c", "public", "-On", &frozen.addr(), ".1"]);
    let read = read_walk(&printed);
    assert_eq!(read.len(), wire.len());
    let mut floats = 0;
    for (r, w) in read.iter().zip(&wire) {
        assert_eq!(r.oid, w.oid);
        match (&r.value, &w.value) {
            // `Opaque: Float: %f` keeps six decimals: the same float to that precision.
            (Value::Opaque(a), Value::Opaque(b)) if b.starts_with(&[0x9f, 0x78, 4]) => {
                let f = |x: &[u8]| f32::from_be_bytes(x[3..7].try_into().unwrap());
                assert_eq!(format!("{:.6}", f(a)), format!("{:.6}", f(b)), "{}", r.oid);
                floats += 1;
            }
            (a, b) => assert_eq!(a, b, "{}", r.oid),
        }
    }
    assert!(floats > 0, "snmpd's laLoadFloat should be in the walk");
}

/// A walk printed with MIBs loaded (`-m ALL -On -Oe`, units, enums, unquoted DisplayStrings,
/// BITS) reads back to the same table, except the strings printed through a display hint
/// (PhysAddress and the like), which are served as the text that was printed.
#[test]
fn walks_printed_with_mibs_read_back() {
    require_netsnmp!();
    // With MIBs loaded, NET-SNMP-EXTEND-MIB's DisplayStrings print unquoted: a line inside
    // one that looks like a record cannot be told from a record (the quotes of the raw walk
    // are what keeps it apart), so this walk does without that line.
    let (snmpd, _scripts) = snmpd_with_awkward_strings(false);
    let raw = tool("snmpwalk", &["-v2c", "-c", "public", "-On", &snmpd.addr(), ".1"]);
    drop(snmpd);
    let sim = start_one(walk_recording(&raw), &options(None));
    let mibs = concat!(env!("CARGO_MANIFEST_DIR"), "/../mibs/modules");
    let exact = walk_recording(&raw);
    let addr = sim.addr();
    for flags in [&["-On"][..], &["-On", "-Oe"], &["-OnU"]] {
        let mut args = vec!["-v2c", "-c", "public", "-M", mibs, "-m", "ALL"];
        args.extend_from_slice(flags);
        args.extend_from_slice(&[&addr, ".1"]);
        // stderr holds Net-SNMP's complaints about MIBs it cannot resolve: not ours.
        let printed = testkit::run("snmpwalk", &args);
        assert_eq!(printed.code, 0, "{}", printed.stderr);
        assert!(printed.stdout.contains("INTEGER: up(1)") || flags.contains(&"-Oe"));
        let read = walk_recording(&printed.stdout);
        assert_eq!(read.len(), exact.len(), "{flags:?}");
        let mut hinted = 0;
        for (r, e) in read.objects().iter().zip(exact.objects()) {
            assert_eq!(r.oid, e.oid, "{flags:?}");
            if r.value != e.value {
                assert!(
                    matches!((&r.value, &e.value), (Value::OctetString(_), Value::OctetString(_))),
                    "{flags:?} {}: {:?} vs {:?}",
                    r.oid,
                    r.value,
                    e.value
                );
                hinted += 1;
            }
        }
        // ifPhysAddress (1x:), hrSWInstalledDate (DateAndTime) and the like: printed text.
        assert!(hinted > 0, "{flags:?}: display hints expected");
        // Unquoted DisplayStrings, multi-line ones included, read back exactly.
        for oid in ["1.3.6.1.2.1.1.1.0", "1.3.6.1.4.1.8072.1.3.2.3.1.2.5.109.117.108.116.105"] {
            let oid: Oid = oid.parse().unwrap();
            assert_eq!(read.get(&oid), exact.get(&oid), "{flags:?} {oid}");
        }
    }
}

#[test]
fn set_is_refused_as_snmpd_refuses_a_read_only_community() {
    require_netsnmp!();
    let snmpd = Snmpd::start("");
    let recorded = tool("snmpwalk", &["-v2c", "-c", "public", "-On", &snmpd.addr(), ".1.3.6.1.2.1.1"]);
    let sim = start_one(walk_recording(&recorded), &options(None));
    for version in ["-v1", "-v2c"] {
        for oid in [".1.3.6.1.2.1.1.5.0", ".1.3.6.1.2.1.99.1.0"] {
            let args = |addr: &str| {
                vec![
                    version.to_string(),
                    "-c".into(),
                    "public".into(),
                    addr.to_string(),
                    oid.into(),
                    "s".into(),
                    "x".into(),
                ]
            };
            let ours = testkit::run("snmpset", &args(&sim.addr()).iter().map(String::as_str).collect::<Vec<_>>());
            let theirs = testkit::run("snmpset", &args(&snmpd.addr()).iter().map(String::as_str).collect::<Vec<_>>());
            assert_same(&format!("snmpset {version} {oid}"), &theirs, &ours);
            assert_ne!(ours.code, 0);
        }
    }
    // GET of absent objects and instances, as snmpd answers them.
    for oid in [".1.3.6.1.2.1.1.5.1", ".1.3.6.1.2.1.1.99.0", ".1.3.6.1.2.1.1.3.0"] {
        let ours = testkit::run("snmpget", &["-v2c", "-c", "public", "-On", &sim.addr(), oid]);
        let theirs = testkit::run("snmpget", &["-v2c", "-c", "public", "-On", &snmpd.addr(), oid]);
        if oid.ends_with(".3.0") {
            assert!(ours.stdout.starts_with(".1.3.6.1.2.1.1.3.0 = Timeticks: "), "{}", ours.stdout);
        } else {
            assert_same(&format!("snmpget {oid}"), &theirs, &ours);
        }
    }
}

#[test]
fn wrong_communities_and_garbage_are_counted_and_dropped() {
    let recording = agent::simulate::Recording::from_objects(vec![VarBind::new(
        Oid::from([1, 3, 6, 1, 2, 1, 1, 5, 0]),
        Value::string(b"sim".to_vec()),
    )]);
    let sim = start_one(recording, &options(None));
    let get = || Pdu::new(PduType::GetRequest, 7, vec![VarBind::null(Oid::from([1, 3, 6, 1, 2, 1, 1, 5, 0]))]);
    let answer = testkit::udp::request_pdu(sim.port(), "public", Version::V1, get()).expect("an answer");
    assert_eq!(answer.varbinds[0].value, Value::string(b"sim".to_vec()));
    assert!(testkit::udp::request_pdu(sim.port(), "private", Version::V2c, get()).is_none());
    assert!(read(&sim.stats.in_bad_community_names) >= 1);
    let sock = UdpSocket::bind("127.0.0.1:0").unwrap();
    sock.send_to(b"\x30\x03\x02\x01", ("127.0.0.1", sim.port())).unwrap();
    sock.send_to(b"GET / HTTP/1.0\r\n\r\n", ("127.0.0.1", sim.port())).unwrap();
    let deadline = Instant::now() + Duration::from_secs(5);
    while read(&sim.stats.in_asn_parse_errs) < 2 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(10));
    }
    assert_eq!(read(&sim.stats.in_asn_parse_errs), 2);
    // Still serving.
    assert!(testkit::udp::request_pdu(sim.port(), "public", Version::V2c, get()).is_some());
}
