//! What the long-running commands (`poll`, `web`, `up`) share: a stop flag set by SIGINT and
//! SIGTERM, a future that completes once it is set, and the single-threaded async runtime they
//! run on; and how the subcommands report a failure (message on stderr, exit code 1).

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

/// Prints `osprey: MESSAGE` on stderr and gives the exit code of a failed command.
pub fn fail(message: impl std::fmt::Display) -> i32 {
    fail_as("osprey", message)
}

/// [`fail`] for a subcommand that names itself (`osprey up: MESSAGE`).
pub fn fail_as(program: &str, message: impl std::fmt::Display) -> i32 {
    eprintln!("{program}: {message}");
    1
}

/// A flag that SIGINT or SIGTERM sets.
pub fn stop_on_signals() -> Result<Arc<AtomicBool>, String> {
    let stop = Arc::new(AtomicBool::new(false));
    for signal in [signal_hook::consts::SIGTERM, signal_hook::consts::SIGINT] {
        signal_hook::flag::register(signal, stop.clone()).map_err(|e| format!("cannot handle signals: {e}"))?;
    }
    Ok(stop)
}

/// A current-thread tokio runtime with I/O and timers.
pub fn runtime() -> Result<tokio::runtime::Runtime, String> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the async runtime: {e}"))
}

/// Completes once `stop` is set (looked at every 100 ms): the web server's graceful shutdown.
pub async fn stopped(stop: Arc<AtomicBool>) {
    while !stop.load(Ordering::Relaxed) {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}
