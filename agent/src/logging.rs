//! Where the agent's log lines go (`-Lo`, `-Le`, `-Lf FILE`, `-Ls FACILITY`). Lines are
//! written whole; a failing log target never stops the agent.

use std::io::Write;
use std::os::unix::net::UnixDatagram;
use std::sync::Mutex;

use crate::cli::LogTarget;

#[derive(Debug)]
pub struct Logger {
    target: LogTarget,
    file: Mutex<Option<std::fs::File>>,
}

impl Logger {
    pub fn new(target: LogTarget) -> Logger {
        let file = match &target {
            LogTarget::File(path) => std::fs::OpenOptions::new().create(true).append(true).open(path).ok(),
            _ => None,
        };
        Logger { target, file: Mutex::new(file) }
    }

    pub fn log(&self, line: &str) {
        match &self.target {
            LogTarget::Stdout => {
                let _ = writeln!(std::io::stdout().lock(), "{line}");
            }
            LogTarget::Stderr => {
                let _ = writeln!(std::io::stderr().lock(), "{line}");
            }
            LogTarget::File(_) => {
                if let Some(f) = self.file.lock().unwrap_or_else(|e| e.into_inner()).as_mut() {
                    let _ = writeln!(f, "{line}");
                }
            }
            LogTarget::Syslog(facility) => {
                // RFC 3164 over the local socket: <PRI>TAG: MSG, priority = facility*8 + notice.
                let code = match facility.as_str() {
                    "d" | "daemon" => 3,
                    "u" | "user" => 1,
                    f => f
                        .strip_prefix("local")
                        .or_else(|| f.strip_prefix('l'))
                        .and_then(|n| n.parse::<u8>().ok())
                        .map_or(3, |n| 16 + n.min(7)),
                };
                let msg = format!("<{}>osprey-agent[{}]: {line}", u32::from(code) * 8 + 5, std::process::id());
                if let Ok(sock) = UnixDatagram::unbound() {
                    let _ = sock.send_to(msg.as_bytes(), "/dev/log");
                }
            }
        }
    }
}
