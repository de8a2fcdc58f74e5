//! coldStart notifications reach Net-SNMP's snmptrapd: one SNMPv2-Trap to the trap2sink
//! and one inform to the informsink, acknowledged by snmptrapd (so sent exactly once).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use testkit::agent::OspreyAgent;

struct Trapd {
    child: std::process::Child,
    log: std::path::PathBuf,
    _dir: tempfile::TempDir,
}

impl Drop for Trapd {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start_trapd(port: u16) -> Trapd {
    let dir = tempfile::tempdir().unwrap();
    let conf = dir.path().join("snmptrapd.conf");
    std::fs::write(&conf, "disableAuthorization yes\n").unwrap();
    let log = dir.path().join("traps.log");
    let child = Command::new("/usr/sbin/snmptrapd")
        .args(["-f", "-C", "-c"])
        .arg(&conf)
        .args(["-m", "", "-On", "-Lf"])
        .arg(&log)
        .arg(format!("udp:127.0.0.1:{port}"))
        .env("SNMP_PERSISTENT_DIR", dir.path())
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start snmptrapd");
    // snmptrapd logs its start line once it listens.
    let deadline = Instant::now() + Duration::from_secs(10);
    while Instant::now() < deadline {
        if std::fs::read_to_string(&log).is_ok_and(|t| t.contains("NET-SNMP version")) {
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    Trapd { child, log, _dir: dir }
}

#[test]
fn cold_start_trap_and_acknowledged_inform() {
    testkit::require_netsnmp!();
    if !std::path::Path::new("/usr/sbin/snmptrapd").exists() {
        assert!(std::env::var_os("CI").is_none(), "snmptrapd missing in CI");
        eprintln!("skipped: snmptrapd not installed");
        return;
    }
    let trap_port = testkit::free_udp_port();
    let inform_port = testkit::free_udp_port();
    let traps = start_trapd(trap_port);
    let informs = start_trapd(inform_port);
    let conf = format!(
        "rocommunity public 127.0.0.1\ntrap2sink 127.0.0.1:{trap_port} public\ninformsink 127.0.0.1:{inform_port} public\n"
    );
    let _agent = OspreyAgent::start_with(&conf, env!("CARGO_BIN_EXE_osprey-agent").as_ref());
    let cold_start = ".1.3.6.1.6.3.1.1.4.1.0 = OID: .1.3.6.1.6.3.1.1.5.1";
    let count = |t: &Trapd| std::fs::read_to_string(&t.log).unwrap_or_default().matches(cold_start).count();
    let deadline = Instant::now() + Duration::from_secs(10);
    while Instant::now() < deadline && (count(&traps) == 0 || count(&informs) == 0) {
        std::thread::sleep(Duration::from_millis(100));
    }
    assert_eq!(count(&traps), 1, "{}", std::fs::read_to_string(&traps.log).unwrap_or_default());
    assert_eq!(count(&informs), 1);
    // An unacknowledged inform would be sent again after 1 s.
    std::thread::sleep(Duration::from_millis(2500));
    assert_eq!(count(&informs), 1, "inform resent: snmptrapd's acknowledgement was not matched");
    let log = std::fs::read_to_string(&traps.log).unwrap();
    assert!(log.contains(".1.3.6.1.2.1.1.3.0 = Timeticks:"), "{log}");
    assert!(log.contains(".1.3.6.1.6.3.1.1.4.3.0 = OID: .1.3.6.1.4.1.8072.3.2.10"), "{log}");
}
