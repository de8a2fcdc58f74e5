//! Shared harness for the end-to-end tests: free loopback ports, temporary directories,
//! a real Net-SNMP `snmpd` started per test, a frozen agent that replays a recorded tree
//! deterministically, and running command-line tools with captured output.
#![allow(
    dead_code,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing
)]

pub mod frozen_agent;

use std::net::UdpSocket;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A UDP port on 127.0.0.1 that was free a moment ago.
pub fn free_udp_port() -> u16 {
    UdpSocket::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// True when the Net-SNMP tools are installed (`scripts/test.sh` installs them).
pub fn have_netsnmp() -> bool {
    Path::new("/usr/sbin/snmpd").exists() && Path::new("/usr/bin/snmpget").exists()
}

/// Skips a test (with a note) when net-snmp is missing, unless running in CI where the
/// test script guarantees it: there a missing tool is a failure.
#[macro_export]
macro_rules! require_netsnmp {
    () => {
        if !common::have_netsnmp() {
            assert!(
                std::env::var_os("CI").is_none(),
                "net-snmp tools missing in CI"
            );
            eprintln!("skipped: net-snmp (snmpd, snmp) not installed; run scripts/test.sh");
            return;
        }
    };
}

/// What a command printed and how it exited.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Output {
    pub stdout: String,
    pub stderr: String,
    pub code: i32,
}

pub fn run(program: &str, args: &[&str]) -> Output {
    let out = Command::new(program)
        .args(args)
        .env("MIBS", "")
        .stdin(Stdio::null())
        .output()
        .unwrap_or_else(|e| panic!("cannot run {program}: {e}"));
    Output {
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        code: out.status.code().unwrap_or(-1),
    }
}

/// Runs `osprey` with the given arguments.
pub fn osprey(args: &[&str]) -> Output {
    run(env!("CARGO_BIN_EXE_osprey"), args)
}

/// The built-in MIB modules as files, for net-snmp's `-M`.
pub fn mib_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("mibs/modules")
}

/// A real snmpd on loopback, stopped when dropped.
pub struct Snmpd {
    pub port: u16,
    pub dir: tempfile::TempDir,
    child: Child,
}

impl Snmpd {
    /// Starts snmpd with `rocommunity public`, `rwcommunity private` and `extra` config lines.
    pub fn start(extra: &str) -> Snmpd {
        for _ in 0..5 {
            let dir = tempfile::tempdir().unwrap();
            let port = free_udp_port();
            let conf = dir.path().join("snmpd.conf");
            std::fs::write(
                &conf,
                format!(
                    "rocommunity public 127.0.0.1\nrwcommunity private 127.0.0.1\nsysLocation Test Lab\n\
                     sysContact ops@example.com\nsysName osprey-test\n{extra}\n"
                ),
            )
            .unwrap();
            let child = Command::new("/usr/sbin/snmpd")
                .args(["-f", "-LOw", "-C", "-c"])
                .arg(&conf)
                .args(["-m", "", &format!("udp:127.0.0.1:{port}")])
                .env("SNMP_PERSISTENT_DIR", dir.path())
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .expect("start snmpd");
            let mut d = Snmpd { port, dir, child };
            if d.wait_ready() {
                return d;
            }
            let _ = d.child.kill();
        }
        panic!("snmpd did not start");
    }

    fn wait_ready(&mut self) -> bool {
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return false;
            }
            let out = run(
                "snmpget",
                &[
                    "-v2c",
                    "-c",
                    "public",
                    "-r0",
                    "-t0.3",
                    &self.addr(),
                    ".1.3.6.1.2.1.1.3.0",
                ],
            );
            if out.code == 0 {
                return true;
            }
        }
        false
    }

    pub fn addr(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }
}

impl Drop for Snmpd {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A line-by-line diff summary for assertion messages (first differing lines).
pub fn first_differences(a: &str, b: &str) -> String {
    let (al, bl): (Vec<_>, Vec<_>) = (a.lines().collect(), b.lines().collect());
    let mut out = format!("{} vs {} lines\n", al.len(), bl.len());
    let mut shown = 0;
    for i in 0..al.len().max(bl.len()) {
        let (x, y) = (al.get(i), bl.get(i));
        if x != y {
            out += &format!(
                "line {}:\n  net-snmp: {:?}\n  osprey:   {:?}\n",
                i + 1,
                x,
                y
            );
            shown += 1;
            if shown == 8 {
                break;
            }
        }
    }
    out
}

/// Asserts both tools printed the same, byte for byte, and exited alike.
pub fn assert_same(what: &str, netsnmp: &Output, ours: &Output) {
    assert!(
        netsnmp.stdout == ours.stdout,
        "{what}: stdout differs\n{}",
        first_differences(&netsnmp.stdout, &ours.stdout)
    );
    assert_eq!(netsnmp.stderr, ours.stderr, "{what}: stderr differs");
    assert_eq!(netsnmp.code, ours.code, "{what}: exit code differs");
}
