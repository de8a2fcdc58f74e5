//! The program of a `pass_persist` line: started on first use (as execv starts it, like
//! `pass` programs), greeted with `PING` (it must answer `PONG`), then asked one request at
//! a time over its stdin and stdout. A program that exits, stops answering within
//! [`ANSWER_LIMIT`] or answers out of protocol is killed and started again on the next
//! request, as snmpd does.

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStdin, Stdio};
use std::sync::Mutex;
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::{Duration, Instant};

use crate::mib::extend::run::exec_command;

/// How long one answer may take.
pub const ANSWER_LIMIT: Duration = Duration::from_secs(10);

/// A running program: its stdin, and its stdout's lines as a reader thread delivers them.
#[derive(Debug)]
struct Running {
    child: Child,
    stdin: ChildStdin,
    lines: Receiver<String>,
}

impl Running {
    fn start(argv: &[String]) -> Option<Running> {
        let mut child =
            exec_command(argv)?.stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::inherit()).spawn().ok()?;
        let stdin = child.stdin.take()?;
        let stdout = child.stdout.take()?;
        let (tx, lines) = channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let mut running = Running { child, stdin, lines };
        (running.exchange(&["PING"], 1)?.first().map(String::as_str) == Some("PONG")).then_some(running)
    }

    /// Writes `request` (one line each) and reads the answer: `NONE`, or `lines` lines.
    fn exchange(&mut self, request: &[&str], lines: usize) -> Option<Vec<String>> {
        let mut text = request.join("\n");
        text.push('\n');
        self.stdin.write_all(text.as_bytes()).ok()?;
        self.stdin.flush().ok()?;
        let deadline = Instant::now() + ANSWER_LIMIT;
        let mut answer = Vec::with_capacity(lines);
        while answer.len() < lines {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(line) if answer.is_empty() && line.trim() == "NONE" => return Some(vec![line]),
                Ok(line) => answer.push(line),
                Err(RecvTimeoutError::Timeout | RecvTimeoutError::Disconnected) => return None,
            }
        }
        Some(answer)
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One `pass_persist` program, shared by every request.
#[derive(Debug)]
pub struct Persistent {
    argv: Vec<String>,
    running: Mutex<Option<Running>>,
}

impl Persistent {
    pub fn new(argv: Vec<String>) -> Persistent {
        Persistent { argv, running: Mutex::new(None) }
    }

    /// Sends `request` and returns the answer's lines (none when the program failed).
    pub fn ask(&self, request: &[&str], lines: usize) -> Vec<String> {
        let mut slot = self.running.lock().unwrap_or_else(|e| e.into_inner());
        if slot.is_none() {
            *slot = Running::start(&self.argv);
        }
        let answer = slot.as_mut().and_then(|running| running.exchange(request, lines));
        if answer.is_none() {
            *slot = None; // killed; the next request starts it again
        }
        answer.unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn script(body: &str) -> (tempfile::TempDir, Vec<String>) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("p.sh");
        std::fs::write(&path, format!("#!/bin/sh\n{body}\n")).unwrap();
        std::fs::set_permissions(&path, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
        let argv = vec![path.display().to_string()];
        (dir, argv)
    }

    #[test]
    fn speaks_the_protocol_and_restarts_after_a_failure() {
        // Answers one get, then exits; each start is counted in the answer.
        let (dir, argv) = script(&format!(
            "n=$(cat {0}/starts 2>/dev/null || echo 0); n=$((n+1)); echo $n > {0}/starts\n\
             read ping; echo PONG\nread cmd; read oid; printf '%s\\ninteger\\n%s\\n' \"$oid\" \"$n\"",
            "$(dirname $0)"
        ));
        let p = Persistent::new(argv);
        assert_eq!(p.ask(&["get", ".1.3.6.1.4.1.9.1.0"], 3), [".1.3.6.1.4.1.9.1.0", "integer", "1"]);
        assert_eq!(p.ask(&["get", ".1.3.6.1.4.1.9.1.0"], 3), Vec::<String>::new(), "it exited");
        assert_eq!(p.ask(&["get", ".1.3.6.1.4.1.9.1.0"], 3), [".1.3.6.1.4.1.9.1.0", "integer", "2"]);
        drop(dir);
    }

    #[test]
    fn none_ends_an_answer_and_a_program_without_pong_is_not_used() {
        let (_dir, argv) = script("read ping; echo PONG; while read cmd; do read oid; echo NONE; done");
        assert_eq!(Persistent::new(argv).ask(&["getnext", ".1.3"], 3), ["NONE"]);
        let (_dir, argv) = script("read ping; echo HELLO; sleep 5");
        assert!(Persistent::new(argv).ask(&["get", ".1.3"], 3).is_empty());
    }
}
