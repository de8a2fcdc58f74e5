//! osprey-agent as a child process for end-to-end tests: its own config and state dir, a
//! free loopback port, started and ready before `start` returns, killed when dropped.

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

#[derive(Debug)]
pub struct OspreyAgent {
    pub port: u16,
    pub dir: tempfile::TempDir,
    child: Child,
}

/// Where cargo put the agent binary: beside the running test's own target directory.
fn agent_binary() -> std::path::PathBuf {
    if let Some(path) = std::env::var_os("CARGO_BIN_EXE_osprey-agent") {
        return path.into();
    }
    let exe = std::env::current_exe().unwrap();
    // target/<profile>/deps/<test> -> target/<profile>/osprey-agent
    let profile_dir = exe.parent().and_then(Path::parent).unwrap();
    profile_dir.join("osprey-agent")
}

impl OspreyAgent {
    /// Starts the agent on 127.0.0.1 with `conf_text` as its only configuration file.
    pub fn start(conf_text: &str) -> OspreyAgent {
        Self::start_with(conf_text, &agent_binary())
    }

    /// As [`OspreyAgent::start`], with an explicit binary (tests inside the agent crate pass
    /// `env!("CARGO_BIN_EXE_osprey-agent")`).
    pub fn start_with(conf_text: &str, binary: &Path) -> OspreyAgent {
        for _ in 0..5 {
            let dir = tempfile::tempdir().unwrap();
            let port = crate::free_udp_port();
            let conf = dir.path().join("snmpd.conf");
            std::fs::write(&conf, conf_text).unwrap();
            let child = Command::new(binary)
                .args(["-f", "-C", "-c"])
                .arg(&conf)
                .arg("-Lf")
                .arg(dir.path().join("agent.log"))
                .arg(format!("udp:127.0.0.1:{port}"))
                .env("SNMP_PERSISTENT_DIR", dir.path())
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .unwrap_or_else(|e| panic!("cannot start {}: {e}", binary.display()));
            let mut agent = OspreyAgent { port, dir, child };
            if agent.wait_ready(conf_text) {
                return agent;
            }
        }
        panic!("osprey-agent did not start");
    }

    fn wait_ready(&mut self, conf_text: &str) -> bool {
        let community = conf_text
            .lines()
            .find_map(|l| l.trim().strip_prefix("rocommunity ").or_else(|| l.trim().strip_prefix("rwcommunity ")))
            .and_then(|rest| rest.split_whitespace().next())
            .unwrap_or("public")
            .to_string();
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return false;
            }
            if crate::udp::answers(self.port, &community) {
                return true;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        false
    }

    /// Sends SIGHUP and waits until the agent logged the reload. A reload rebuilds every
    /// cached view, so values read afterwards are newer than anything read before: tests
    /// comparing counters with another agent's walk call this between the two walks.
    pub fn reload(&self) {
        let log = self.dir.path().join("agent.log");
        let reloads = || std::fs::read_to_string(&log).unwrap_or_default().matches("configuration reloaded").count();
        let before = reloads();
        let status = Command::new("kill").args(["-HUP", &self.child.id().to_string()]).status().unwrap();
        assert!(status.success(), "kill -HUP failed");
        // Generous: a reload rebuilds every view, slow on a machine busy with the whole suite.
        let deadline = Instant::now() + Duration::from_secs(30);
        while reloads() == before {
            assert!(Instant::now() < deadline, "osprey-agent did not reload");
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    pub fn addr(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }
}

impl Drop for OspreyAgent {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
