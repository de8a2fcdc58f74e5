//! A real Net-SNMP `snmpd` for tests, started as NET-SNMP-NOTES.md describes: foreground,
//! only the given config, no MIB parsing, its own persistent dir; stopped when dropped.

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub const SNMPD: &str = "/usr/sbin/snmpd";

#[derive(Debug)]
pub struct Snmpd {
    pub port: u16,
    pub dir: tempfile::TempDir,
    child: Child,
}

impl Snmpd {
    /// Starts snmpd on 127.0.0.1 and [::1] (same port) with `rocommunity public`,
    /// `rwcommunity private` (and their IPv6 forms), a fixed sysLocation/sysContact/sysName
    /// and the `extra` config lines.
    pub fn start(extra: &str) -> Snmpd {
        for _ in 0..5 {
            let dir = tempfile::tempdir().unwrap();
            let port = crate::free_udp_port();
            let conf = dir.path().join("snmpd.conf");
            std::fs::write(
                &conf,
                format!(
                    "rocommunity public 127.0.0.1\nrwcommunity private 127.0.0.1\nrocommunity6 public ::1\n\
                     rwcommunity6 private ::1\nsysLocation Test Lab\nsysContact ops@example.com\nsysName osprey-test\n\
                     {extra}\n"
                ),
            )
            .unwrap();
            let child = Command::new(SNMPD)
                .args(["-f", "-LOw", "-C", "-c"])
                .arg(&conf)
                .args(["-m", "", &format!("udp:127.0.0.1:{port},udp6:[::1]:{port}")])
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
        }
        panic!("snmpd did not start");
    }

    fn wait_ready(&mut self) -> bool {
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return false;
            }
            if crate::udp::answers(self.port, "public") {
                return true;
            }
        }
        false
    }

    pub fn addr(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }
}

impl Drop for Snmpd {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
