//! `osprey device ...` and `osprey poll` against real agents on loopback (net-snmp's snmpd and
//! osprey-agent), with traffic generated on loopback and the files read back with the real
//! `rrdtool`; the device commands' validation; a dead device in a round with live ones; v1.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::net::UdpSocket;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use testkit::agent::OspreyAgent;
use testkit::{Output, Snmpd, have_rrdtool, run};

fn osprey(data: &Path, args: &[&str]) -> Output {
    let mut all = vec!["--data", data.to_str().unwrap()];
    all.extend_from_slice(args);
    run(env!("CARGO_BIN_EXE_osprey"), &all)
}

/// osprey-agent next to the test's binaries (built by `cargo build` of the workspace).
fn agent_binary() -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    let dir = exe.parent().and_then(Path::parent).unwrap();
    let binary = dir.join("osprey-agent");
    if !binary.exists() {
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
        let status =
            Command::new(cargo).args(["build", "-q", "-p", "osprey-agent", "--bin", "osprey-agent"]).status().unwrap();
        assert!(status.success() && binary.exists(), "cannot build osprey-agent");
    }
    binary
}

/// Sends about `rate` bytes per second of UDP over loopback until stopped (bounded to 60 s).
fn traffic(rate: usize, stop: Arc<AtomicBool>) -> std::thread::JoinHandle<usize> {
    std::thread::spawn(move || {
        let sink = UdpSocket::bind("127.0.0.1:0").unwrap();
        let source = UdpSocket::bind("127.0.0.1:0").unwrap();
        let payload = vec![0x55u8; 1000];
        let started = Instant::now();
        let mut sent = 0;
        let mut buf = [0u8; 2048];
        sink.set_nonblocking(true).unwrap();
        while !stop.load(Ordering::Relaxed) && started.elapsed() < Duration::from_secs(60) {
            let due = (started.elapsed().as_secs_f64() * rate as f64) as usize;
            while sent < due {
                sent += source.send_to(&payload, sink.local_addr().unwrap()).unwrap_or(0);
            }
            while sink.recv(&mut buf).is_ok() {}
            std::thread::sleep(Duration::from_millis(10));
        }
        sent
    })
}

fn rrdtool(args: &[&str]) -> String {
    let out = run("rrdtool", args);
    assert_eq!(out.code, 0, "rrdtool {args:?}: {out:?}");
    out.stdout
}

/// `rrdtool lastupdate` values: DS name -> value text.
fn lastupdate(file: &Path) -> Vec<(String, String)> {
    let text = rrdtool(&["lastupdate", file.to_str().unwrap()]);
    let mut lines = text.lines().filter(|l| !l.trim().is_empty());
    let names: Vec<String> = lines.next().unwrap().split_whitespace().map(str::to_string).collect();
    let values: Vec<String> =
        lines.next().unwrap().split_once(':').unwrap().1.split_whitespace().map(str::to_string).collect();
    names.into_iter().zip(values).collect()
}

fn snmpget(port: u16, oid: &str) -> String {
    let out = run("snmpget", &["-v2c", "-c", "public", "-Oqv", &format!("127.0.0.1:{port}"), oid]);
    assert_eq!(out.code, 0, "{out:?}");
    out.stdout.trim().to_string()
}

#[test]
fn device_commands_refuse_bad_input_and_write_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    let dead = testkit::free_udp_port().to_string();
    let cases: &[(&[&str], &str)] = &[
        (&["device", "add", "127.0.0.1:0"], "invalid port"),
        (&["device", "add", "127.0.0.1:99999"], "invalid port"),
        (&["device", "add", "no-such-host.invalid"], "cannot resolve host 'no-such-host.invalid'"),
        (&["device", "add", "127.0.0.1", "-c", ""], "empty community"),
        (&["device", "add", "127.0.0.1", "-v", "4"], "invalid SNMP version '4'"),
        (&["device", "add", "127.0.0.1", "-v", "3"], "SNMPv3 needs a user name (-u USER)"),
        (&["device", "add", "127.0.0.1", "-v", "3", "-u", "ops", "-l", "authPriv", "-A", "authpass1"], "(-X)"),
        (&["device", "add", "127.0.0.1", "-v", "3", "-u", "ops", "-l", "authNoPriv"], "(-A)"),
        (&["device", "add", "127.0.0.1", "-v", "3", "-u", "ops", "-A", "short"], "too short"),
        (&["device", "add", "127.0.0.1", "-v", "3", "-u", "ops", "-a", "SHA-3", "-A", "authpass1"], "protocol"),
        (&["device", "add", "127.0.0.1", "-u", "ops"], "add -v 3"),
        (&["device", "add", "127.0.0.1", "--interval", "0"], "invalid interval '0'"),
        (&["device", "add", "127.0.0.1", "--name", "../x"], "invalid device name"),
        (&["device", "add"], "usage:"),
        (&["device", "show", "nothere"], "no device named 'nothere'"),
        (&["device", "remove", "nothere"], "no device named 'nothere'"),
        (&["device", "frobnicate"], "usage:"),
    ];
    for (args, message) in cases {
        let out = osprey(data, args);
        assert_eq!(out.code, 1, "{args:?}: {out:?}");
        assert!(out.stderr.contains(message), "{args:?}: {}", out.stderr);
    }
    let list = osprey(data, &["device", "list"]);
    assert_eq!(list.stdout.lines().count(), 1, "only the header: {list:?}");

    // A device that does not answer yet: added, with a warning, shown as down.
    let out = osprey(data, &["device", "add", &format!("127.0.0.1:{dead}"), "--name", "later", "--interval", "60"]);
    assert_eq!(out.code, 0, "{out:?}");
    assert!(out.stderr.contains("does not answer yet"), "{}", out.stderr);
    let again = osprey(data, &["device", "add", "127.0.0.1", "--name", "later"]);
    assert!(again.code == 1 && again.stderr.contains("a device named 'later' already exists"), "{again:?}");
    let list = osprey(data, &["device", "list"]).stdout;
    assert!(list.lines().any(|l| l.starts_with("later ") && l.contains(" down ")), "{list}");
    let show = osprey(data, &["device", "show", "later"]).stdout;
    assert!(show.contains("status:      down") && show.contains("last error:  Timeout"), "{show}");
    assert_eq!(osprey(data, &["device", "remove", "later", "--purge"]).code, 0);
    assert_eq!(osprey(data, &["device", "list"]).stdout.lines().count(), 1);
}

/// Both agents polled every 2 s while loopback carries ~200 KB/s: the files hold what rrdtool
/// says they should, and SIGTERM ends the poller cleanly.
#[test]
fn polls_snmpd_and_osprey_agent_into_files_rrdtool_reads() {
    testkit::require_netsnmp!();
    if !have_rrdtool() {
        return;
    }
    let snmpd = Snmpd::start("");
    let ours = OspreyAgent::start_with("rocommunity public 127.0.0.1\n", &agent_binary());
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    for (name, port) in [("snmpd", snmpd.port), ("osprey", ours.port)] {
        let out = osprey(data, &["device", "add", &format!("127.0.0.1:{port}"), "--name", name, "--interval", "2"]);
        assert_eq!(out.code, 0, "{out:?}");
        assert!(out.stdout.contains("interfaces"), "{out:?}");
    }
    let stop = Arc::new(AtomicBool::new(false));
    let generator = traffic(200_000, stop.clone());
    let poller = Command::new(env!("CARGO_BIN_EXE_osprey"))
        .args(["--data", data.to_str().unwrap(), "poll"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_secs(11));
    nix::sys::signal::kill(nix::unistd::Pid::from_raw(poller.id() as i32), nix::sys::signal::Signal::SIGTERM).unwrap();
    let asked = Instant::now();
    let out = poller.wait_with_output().unwrap();
    stop.store(true, Ordering::Relaxed);
    let sent = generator.join().unwrap();
    assert!(out.status.success(), "{out:?}");
    assert!(asked.elapsed() < Duration::from_secs(5), "SIGTERM took {:?}", asked.elapsed());
    assert!(sent > 1_000_000, "the traffic generator sent only {sent} bytes");

    for (name, port) in [("snmpd", snmpd.port), ("osprey", ours.port)] {
        let files = data.join("rrd").join(name);
        let traffic_lo = files.join("traffic-lo.rrd");
        let info = rrdtool(&["info", traffic_lo.to_str().unwrap()]);
        for line in [
            "step = 2",
            "ds[in].type = \"COUNTER\"",
            "ds[in].minimal_heartbeat = 4",
            "ds[in].min = 0.0000000000e+00",
            "rra[0].cf = \"AVERAGE\"",
            "rra[0].rows = 600",
            "rra[7].pdp_per_row = 43200",
        ] {
            assert!(info.contains(line), "{name}: no '{line}' in\n{info}");
        }
        // Loopback is 10 Mbit/s to both agents: the maximum is 1.25 MB/s.
        assert!(info.contains("ds[in].max = 1.2500000000e+06"), "{name}: {info}");
        // ~200 packets/s of 1 kB each way on lo: some step of the last ones shows at least
        // 150 packets/s in (the agents refresh their counters every few seconds, so steps
        // alternate between low and high). Octet rates are checked against the link speed
        // only: the rest of the test suite shares loopback and may push it past 10 Mbit/s,
        // which rrdtool then rightly makes unknown.
        let known_rates = |file: &Path| -> Vec<f64> {
            let fetched = rrdtool(&["fetch", file.to_str().unwrap(), "AVERAGE", "-s", "end-10", "-e", "now"]);
            fetched
                .lines()
                .filter_map(|l| l.split_once(':'))
                .filter_map(|(_, v)| v.split_whitespace().next()?.parse::<f64>().ok())
                .filter(|v| v.is_finite())
                .collect()
        };
        let packets = known_rates(&files.join("packets-lo.rrd"));
        assert!(packets.iter().any(|&r| r >= 150.0), "{name}: lo packet rates {packets:?}");
        let octets = known_rates(&traffic_lo);
        assert!(octets.iter().all(|&r| r <= 1_250_000.0), "{name}: {octets:?}");
        // Gauges: the memory total is the agent's memTotalReal in bytes; the uptime is close
        // to the agent's.
        let memory = lastupdate(&files.join("memory.rrd"));
        let total_kb: u64 =
            snmpget(port, ".1.3.6.1.4.1.2021.4.5.0").split_whitespace().next().unwrap().parse().unwrap();
        assert_eq!(memory[0], ("total".to_string(), (total_kb * 1024).to_string()), "{name}");
        let uptime: f64 = lastupdate(&files.join("uptime.rrd"))[0].1.parse().unwrap();
        assert!(uptime > 1.0 && uptime < 3600.0, "{name}: uptime {uptime}");
        let load = lastupdate(&files.join("load.rrd"));
        assert!(load.iter().all(|(_, v)| v.parse::<f64>().is_ok()), "{name}: {load:?}");
        for file in ["errors-lo.rrd", "packets-lo.rrd", "cpu.rrd"] {
            assert!(files.join(file).exists(), "{name}: no {file}");
        }
        assert!(
            std::fs::read_dir(&files).unwrap().any(|e| e
                .unwrap()
                .file_name()
                .to_string_lossy()
                .starts_with("storage-"))
        );
    }
    let list = osprey(data, &["device", "list"]).stdout;
    for name in ["snmpd", "osprey"] {
        assert!(list.lines().any(|l| l.starts_with(&format!("{name} ")) && l.contains(" up ")), "{list}");
    }
}

/// One round with a live agent and two dead ones: the live one is polled and written, the
/// dead ones are marked down, and the round takes about one timeout, not three.
#[test]
fn a_dead_device_does_not_hold_up_the_others() {
    testkit::require_netsnmp!();
    let snmpd = Snmpd::start("");
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    assert_eq!(
        osprey(data, &["device", "add", &format!("127.0.0.1:{}", snmpd.port), "--name", "live", "--interval", "60"])
            .code,
        0
    );
    for name in ["dead1", "dead2"] {
        let port = testkit::free_udp_port();
        assert_eq!(osprey(data, &["device", "add", &format!("127.0.0.1:{port}"), "--name", name]).code, 0);
    }
    let started = Instant::now();
    let out = osprey(data, &["poll", "--once"]);
    let took = started.elapsed();
    assert_eq!(out.code, 0, "{out:?}");
    assert!(out.stdout.contains("polled 3 devices (2 failed)"), "{out:?}");
    // Timeout 2 s, one retry: a dead device costs 4 s, both together too.
    assert!(took < Duration::from_secs(7), "the round took {took:?}");
    assert!(data.join("rrd/live/uptime.rrd").exists());
    assert!(!data.join("rrd/dead1").exists());
    let list = osprey(data, &["device", "list"]).stdout;
    assert!(list.lines().any(|l| l.starts_with("live ") && l.contains(" up ")), "{list}");
    assert!(list.lines().any(|l| l.starts_with("dead2 ") && l.contains(" down ")), "{list}");
    assert!(out.stderr.contains("device dead1: Timeout"), "{}", out.stderr);
}

/// A v1 device: GETNEXT walks and 32-bit counters, and two rounds give rates.
#[test]
fn a_v1_device_is_walked_with_getnext_and_32_bit_counters() {
    testkit::require_netsnmp!();
    if !have_rrdtool() {
        return;
    }
    let snmpd = Snmpd::start("");
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    let out = osprey(
        data,
        &["device", "add", &format!("127.0.0.1:{}", snmpd.port), "-v", "1", "--name", "v1", "--interval", "1"],
    );
    assert_eq!(out.code, 0, "{out:?}");
    let show = osprey(data, &["device", "show", "v1"]).stdout;
    assert!(show.contains("(SNMP v1)"), "{show}");
    let lo = show.lines().find(|l| l.split_whitespace().nth(1) == Some("lo")).unwrap();
    assert!(lo.contains("false"), "lo must have no HC counters over v1: {lo}");
    for _ in 0..3 {
        let out = osprey(data, &["poll", "--once"]);
        assert!(out.stdout.contains("polled 1 devices (0 failed)"), "{out:?}");
        std::thread::sleep(Duration::from_millis(1100));
    }
    let traffic = lastupdate(&data.join("rrd/v1/traffic-lo.rrd"));
    assert!(traffic.iter().all(|(_, v)| v.parse::<u64>().is_ok()), "{traffic:?}");
    let info = rrdtool(&["info", data.join("rrd/v1/traffic-lo.rrd").to_str().unwrap()]);
    assert!(info.contains("ds[in].value") && !info.contains("last_ds = \"U\""), "{info}");
}

/// An authPriv SNMPv3 device on a real snmpd: added (discovery over v3), polled into RRD
/// files through the shared transport, and never a passphrase on screen or in the list.
#[test]
fn a_v3_auth_priv_device_is_discovered_and_polled() {
    testkit::require_netsnmp!();
    if !have_rrdtool() {
        return;
    }
    let snmpd = Snmpd::start(
        "createUser ops SHA-256 \"authpass-ops\" AES \"privpass-ops\"\nrouser ops priv\n\
         createUser wrong SHA \"authpass-ops\"\nrouser wrong auth\n",
    );
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    let address = format!("127.0.0.1:{}", snmpd.port);
    let out = osprey(
        data,
        &[
            "device",
            "add",
            "v3dev",
            &address,
            "-v",
            "3",
            "-l",
            "authPriv",
            "-u",
            "ops",
            "-a",
            "SHA-256",
            "-A",
            "authpass-ops",
            "-x",
            "AES",
            "-X",
            "privpass-ops",
            "--interval",
            "1",
        ],
    );
    assert_eq!(out.code, 0, "{out:?}");
    assert!(out.stdout.contains("v3 authPriv user=ops SHA-256/AES") && out.stdout.contains("interfaces"), "{out:?}");
    // A wrong passphrase: added, shown as down with net-snmp's words for it.
    let out = osprey(
        data,
        &["device", "add", "v3bad", &address, "-v", "3", "-u", "wrong", "-l", "authNoPriv", "-A", "not-the-pass"],
    );
    assert_eq!(out.code, 0, "{out:?}");
    assert!(out.stderr.contains("Authentication failure"), "{}", out.stderr);
    for _ in 0..2 {
        let out = osprey(data, &["poll", "--once"]);
        assert!(out.stdout.contains("polled 2 devices (1 failed)"), "{out:?}");
        std::thread::sleep(Duration::from_millis(1100));
    }
    assert!(data.join("rrd/v3dev/uptime.rrd").exists());
    let traffic = lastupdate(&data.join("rrd/v3dev/traffic-lo.rrd"));
    assert!(traffic.iter().all(|(_, v)| v.parse::<u64>().is_ok()), "{traffic:?}");
    let show = osprey(data, &["device", "show", "v3dev"]).stdout;
    assert!(show.contains("(SNMP v3 authPriv user=ops SHA-256/AES)") && show.contains("status:      up"), "{show}");
    let list = osprey(data, &["device", "list"]).stdout;
    for text in [&show, &list, &osprey(data, &["device", "show", "v3bad"]).stdout] {
        assert!(!text.contains("authpass-ops") && !text.contains("privpass-ops") && !text.contains("not-the-pass"));
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(data.join("osprey.db")).unwrap().permissions().mode();
        assert_eq!(mode & 0o077, 0, "the inventory holds passphrases: {mode:o}");
    }
}

/// A small 4-port switch in snmpsim's format.
fn switch_snmprec() -> String {
    let mut rows: Vec<(Vec<u32>, String)> = Vec::new();
    let mut add = |oid: &str, tag: u32, value: String| {
        rows.push((oid.split('.').map(|p| p.parse().unwrap()).collect(), format!("{oid}|{tag}|{value}")));
    };
    add("1.3.6.1.2.1.1.1.0", 4, "Simulated switch".into());
    add("1.3.6.1.2.1.1.3.0", 67, "100".into());
    add("1.3.6.1.2.1.1.5.0", 4, "sw".into());
    add("1.3.6.1.2.1.2.1.0", 2, "4".into());
    for i in 1..=4u64 {
        for (col, tag, value) in
            [(1, 2, i), (3, 2, 6), (5, 66, 100_000_000), (8, 2, 1), (13, 65, 0), (14, 65, 0), (19, 65, 0), (20, 65, 0)]
        {
            add(&format!("1.3.6.1.2.1.2.2.1.{col}.{i}"), tag, value.to_string());
        }
        add(&format!("1.3.6.1.2.1.2.2.1.2.{i}"), 4, format!("port{i}"));
        for (col, value) in [(6, i * 1000), (7, i), (10, i * 2000), (11, i)] {
            add(&format!("1.3.6.1.2.1.31.1.1.1.{col}.{i}"), 70, value.to_string());
        }
        add(&format!("1.3.6.1.2.1.31.1.1.1.1.{i}"), 4, format!("p{i}"));
    }
    rows.sort();
    rows.into_iter().map(|(_, line)| line + "\n").collect()
}

/// `osprey simulate` running, stopped when dropped.
struct Simulator(std::process::Child);

impl Drop for Simulator {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// The recording of [`switch_snmprec`] in `dir`.
fn switch_recording(dir: &Path) -> PathBuf {
    let path = dir.join("switch.snmprec");
    std::fs::write(&path, switch_snmprec()).unwrap();
    path
}

/// The simulator serving `count` devices from `first_port` on; None if it could not start
/// (a port taken).
fn spawn_simulator(recording: &Path, first_port: u16, count: u16) -> Option<Simulator> {
    let mut child = Command::new(env!("CARGO_BIN_EXE_osprey"))
        .args(["simulate", "--snmprec", recording.to_str().unwrap(), "--listen", &format!("127.0.0.1:{first_port}")])
        .args(["--devices", &count.to_string(), "--counter-rate", "1000"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(500));
    if child.try_wait().unwrap().is_none() { Some(Simulator(child)) } else { None }
}

/// The simulator serving `count` devices on consecutive ports; returns it and the first port.
fn simulate(recording: &Path, count: u16) -> (Simulator, u16) {
    for attempt in 0..10u16 {
        let base = 21_000 + (std::process::id() as u16 % 20_000) + attempt * 1_000;
        if let Some(simulator) = spawn_simulator(recording, base, count) {
            return (simulator, base);
        }
    }
    panic!("no free port range for the simulator");
}

/// A few hundred simulated devices in one round: every one discovered, polled and written.
#[test]
fn polls_hundreds_of_simulated_devices() {
    if !have_rrdtool() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let recording = switch_recording(dir.path());
    let count = 300;
    let (_simulator, base) = simulate(&recording, count);
    let data = dir.path().join("data");
    for d in 0..count {
        let out = osprey(
            &data,
            &["device", "add", &format!("127.0.0.1:{}", base + d), "--name", &format!("sw{d}"), "--interval", "1"],
        );
        assert!(out.code == 0 && out.stdout.contains("4 interfaces"), "{out:?}");
    }
    for round in 0..2 {
        let out = osprey(&data, &["poll", "--once"]);
        assert!(out.stdout.contains(&format!("polled {count} devices (0 failed)")), "round {round}: {out:?}");
        std::thread::sleep(Duration::from_millis(1100));
    }
    for d in (0..count).step_by(37) {
        let traffic = lastupdate(&data.join(format!("rrd/sw{d}/traffic-p2.rrd")));
        assert!(traffic.iter().all(|(_, v)| v.parse::<u64>().is_ok()), "sw{d}: {traffic:?}");
    }
}

/// A device added before its agent answers is discovered at its first successful poll.
#[test]
fn a_device_added_before_it_answers_is_discovered_when_it_does() {
    if !have_rrdtool() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let recording = switch_recording(dir.path());
    let data = dir.path().join("data");
    let port = testkit::free_udp_port();
    let out = osprey(&data, &["device", "add", &format!("127.0.0.1:{port}"), "--name", "late", "--interval", "60"]);
    assert!(out.code == 0 && out.stderr.contains("does not answer yet"), "{out:?}");
    let simulator = spawn_simulator(&recording, port, 1).expect("the simulator on the device's port");
    let out = osprey(&data, &["poll", "--once"]);
    drop(simulator);
    assert!(out.stdout.contains("polled 1 devices (0 failed), 1 discovered"), "{out:?}");
    assert!(data.join("rrd/late/traffic-p4.rrd").exists());
    let show = osprey(&data, &["device", "show", "late"]).stdout;
    assert!(show.contains("status:      up") && show.contains("Simulated switch"), "{show}");
}
