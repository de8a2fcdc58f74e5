//! osprey-agent's snmpd-style command line: several listen addresses (IPv4 and IPv6),
//! `-Lf` logging with config warnings naming file and line, `-p` pid file, `-u` dropping
//! privileges after binding, SIGTERM stopping cleanly.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use testkit::{require_netsnmp, run};

/// Kills and reaps the agent however the test ends.
struct Running(std::process::Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn wait_for(mut ok: impl FnMut() -> bool) -> bool {
    let deadline = Instant::now() + Duration::from_secs(10);
    while Instant::now() < deadline {
        if ok() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    false
}

#[test]
fn listens_logs_writes_pid_and_drops_privileges() {
    require_netsnmp!();
    let dir = tempfile::tempdir().unwrap();
    let conf = dir.path().join("snmpd.conf");
    let am_root = std::fs::read_to_string("/proc/self/status").unwrap().lines().any(|l| l.starts_with("Uid:\t0\t"));
    // As root: agentgroup names the group to run as, as -g would (and -u below the user).
    let group = if am_root { "agentgroup nogroup\n" } else { "" };
    std::fs::write(
        &conf,
        format!("rocommunity public 127.0.0.1\nrocommunity6 public ::1\nbogus directive\nload x\n{group}"),
    )
    .unwrap();
    let (log, pid_file) = (dir.path().join("agent.log"), dir.path().join("agent.pid"));
    let (p4, p6) = (testkit::free_udp_port(), testkit::free_udp_port());
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_osprey-agent"));
    cmd.args(["-f", "-C", "-c"]).arg(&conf).arg("-Lf").arg(&log).arg("-p").arg(&pid_file);
    if am_root {
        cmd.args(["-u", "nobody"]);
    }
    cmd.arg(format!("udp:127.0.0.1:{p4},udp6:[::1]:{p6}"));
    let mut agent = Running(cmd.env("SNMP_PERSISTENT_DIR", dir.path()).stdin(Stdio::null()).spawn().unwrap());
    let v4 = format!("127.0.0.1:{p4}");
    let v6 = format!("udp6:[::1]:{p6}");
    let answers = |addr: &str| {
        run("snmpget", &["-v2c", "-c", "public", "-m", "", "-r0", "-t0.3", addr, ".1.3.6.1.2.1.1.3.0"]).code == 0
    };
    assert!(wait_for(|| answers(&v4)), "no answer on {v4}");
    assert!(answers(&v6), "no answer on {v6}");

    let log_text = std::fs::read_to_string(&log).unwrap();
    let conf_name = conf.display().to_string();
    assert!(log_text.contains(&format!("{conf_name}: line 3: Warning: Unknown token: bogus.")), "{log_text}");
    assert!(log_text.contains(&format!("{conf_name}: line 4: Warning: load: bad number")), "{log_text}");
    let pid: u32 = std::fs::read_to_string(&pid_file).unwrap().trim().parse().unwrap();
    assert_eq!(pid, agent.0.id());
    if am_root {
        let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
        assert!(status.lines().any(|l| l.starts_with("Uid:\t65534\t")), "{status}");
        assert!(status.lines().any(|l| l.starts_with("Gid:\t65534\t")), "agentgroup nogroup: {status}");
    }

    assert!(Command::new("kill").args(["-TERM", &pid.to_string()]).status().unwrap().success());
    let deadline = Instant::now() + Duration::from_secs(5);
    let mut exited = None;
    while exited.is_none() && Instant::now() < deadline {
        exited = agent.0.try_wait().unwrap();
        std::thread::sleep(Duration::from_millis(50));
    }
    let status = exited.expect("did not stop on SIGTERM");
    assert!(status.success());
    // As root the pid file sits in a directory nobody cannot write to; otherwise it is gone.
    if !am_root {
        assert!(!pid_file.exists());
    }
}

#[test]
fn bad_listen_address_and_busy_port_fail_with_a_message() {
    let out = Command::new(env!("CARGO_BIN_EXE_osprey-agent")).args(["-f", "-C", "tcp:127.0.0.1:1"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("only udp and udp6"), "{out:?}");
    let busy = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    let port = busy.local_addr().unwrap().port();
    let out = Command::new(env!("CARGO_BIN_EXE_osprey-agent"))
        .args(["-f", "-C", &format!("udp:127.0.0.1:{port}")])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot listen on udp"), "{out:?}");
}
