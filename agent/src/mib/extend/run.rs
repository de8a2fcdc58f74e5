//! Runs one extension's command as snmpd does: `extend` executes the program directly (a
//! name without a slash is not looked up in PATH, and a program that cannot start gives
//! "PROG: REASON" as its output and 1 as its result), `extend-sh` runs the line with
//! /bin/sh -c and reports the raw wait status. Stdin is empty, stderr stays the agent's,
//! stdout is the output (the first [`MAX_OUTPUT`] bytes kept). Unlike snmpd, a command still
//! running after [`TIME_LIMIT`] is killed with what it started (result -1), so one hung
//! script cannot stall the agent for good.

use std::io::Read;
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use super::spec::ExtendSpec;

pub const TIME_LIMIT: Duration = Duration::from_secs(10);
pub const MAX_OUTPUT: usize = 1 << 20;
/// How long to wait for the output pipe to close once the command exited (a background
/// grandchild may hold it open).
const DRAIN: Duration = Duration::from_millis(200);

/// What one run gave.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    /// Stdout with one trailing newline removed.
    pub output: Vec<u8>,
    /// nsExtendResult.
    pub result: i32,
}

pub fn run(spec: &ExtendSpec) -> Outcome {
    run_within(spec, TIME_LIMIT)
}

fn run_within(spec: &ExtendSpec, limit: Duration) -> Outcome {
    if spec.shell {
        let mut command = Command::new("/bin/sh");
        command.arg("-c").arg(spec.command_line());
        execute(command, "/bin/sh", true, limit)
    } else {
        run_argv(&spec.argv(), limit)
    }
}

/// Executes `argv` (execv semantics: a bare name is a file in the working directory);
/// the result is the exit code.
pub fn run_argv(argv: &[String], limit: Duration) -> Outcome {
    let Some(command) = exec_command(argv) else {
        return Outcome { output: b"no command".to_vec(), result: 1 };
    };
    let program = argv.first().map_or("", String::as_str);
    execute(command, program, false, limit)
}

/// `argv` as execv runs it, the way snmpd starts its programs: a name without a slash is a
/// file in the working directory, not looked up in PATH.
pub fn exec_command(argv: &[String]) -> Option<Command> {
    let (program, args) = argv.split_first()?;
    let path = if program.contains('/') { program.clone() } else { format!("./{program}") };
    let mut command = Command::new(path);
    command.arg0(program).args(args);
    Some(command)
}

/// Runs `command`; `raw_status` reports the wait status instead of the exit code.
fn execute(mut command: Command, program: &str, raw_status: bool, limit: Duration) -> Outcome {
    // Its own process group, so that a kill reaches what the command started too.
    command.stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::inherit()).process_group(0);
    let mut child = match command.spawn() {
        Ok(child) => child,
        Err(e) => {
            let reason =
                e.raw_os_error().map_or_else(|| e.to_string(), |n| nix::errno::Errno::from_raw(n).desc().into());
            return Outcome { output: format!("{program}: {reason}").into_bytes(), result: 1 };
        }
    };
    let collected = Arc::new(Mutex::new(Vec::new()));
    let (done_tx, done_rx) = std::sync::mpsc::channel();
    if let Some(mut stdout) = child.stdout.take() {
        let collected = collected.clone();
        std::thread::spawn(move || {
            let mut chunk = [0u8; 8192];
            while let Ok(n @ 1..) = stdout.read(&mut chunk) {
                let mut out = collected.lock().unwrap_or_else(|e| e.into_inner());
                let room = MAX_OUTPUT.saturating_sub(out.len());
                out.extend_from_slice(chunk.get(..n.min(room)).unwrap_or_default());
            }
            let _ = done_tx.send(());
        });
    }
    let deadline = Instant::now() + limit;
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break Some(status),
            Ok(None) if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(2)),
            _ => {
                if let Ok(pid) = i32::try_from(child.id()) {
                    let _ = nix::sys::signal::killpg(nix::unistd::Pid::from_raw(pid), nix::sys::signal::SIGKILL);
                }
                let _ = child.kill();
                let _ = child.wait();
                break None;
            }
        }
    };
    let _ = done_rx.recv_timeout(DRAIN);
    let mut output = std::mem::take(&mut *collected.lock().unwrap_or_else(|e| e.into_inner()));
    if output.last() == Some(&b'\n') {
        output.pop();
    }
    let result = match status {
        None => -1,
        Some(status) if raw_status => status.into_raw(),
        Some(status) => status.code().unwrap_or(-1),
    };
    Outcome { output, result }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::super::spec::parse;
    use super::*;

    fn outcome(line: &str, shell: bool) -> Outcome {
        run(&parse(line, shell).unwrap())
    }

    #[test]
    fn exec_and_shell_results_as_snmpd_reports_them() {
        assert_eq!(outcome("e /bin/echo hello world", false), Outcome { output: b"hello world".to_vec(), result: 0 });
        let multi = outcome(r#"m /bin/sh -c "printf \"a\\nb\\n\"; exit 3""#, false);
        assert_eq!(multi, Outcome { output: b"a\nb".to_vec(), result: 3 });
        // The shell form reports the wait status: exit 2 is 512.
        assert_eq!(outcome("s echo one; exit 2", true), Outcome { output: b"one".to_vec(), result: 512 });
    }

    #[test]
    fn programs_that_cannot_start_explain_themselves() {
        let missing = outcome("x /nonexistent/cmd arg", false);
        assert_eq!(missing, Outcome { output: b"/nonexistent/cmd: No such file or directory".to_vec(), result: 1 });
        // No PATH lookup, as execv.
        assert_eq!(outcome("r echo hi", false).output, b"echo: No such file or directory");
    }

    #[test]
    fn a_command_past_the_time_limit_is_killed() {
        let started = Instant::now();
        let spec = parse("slow /bin/sh -c 'echo partial; sleep 5'", false).unwrap();
        assert_eq!(run_within(&spec, Duration::from_millis(300)), Outcome { output: b"partial".to_vec(), result: -1 });
        assert!(started.elapsed() < Duration::from_secs(2));
    }
}
