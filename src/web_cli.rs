//! `osprey [--data DIR] web [--listen ADDR]`: serves the dashboard of the data directory
//! (127.0.0.1:8080 by default) until SIGINT or SIGTERM, then finishes the requests under way.

use crate::lifecycle::fail;
use std::net::SocketAddr;
use std::path::Path;

const USAGE: &str = "usage: osprey [--data DIR] web [--listen ADDR]   (ADDR defaults to 127.0.0.1:8080)";

/// The default listening address: loopback only.
pub const DEFAULT_LISTEN: &str = "127.0.0.1:8080";

/// `ADDR` of `--listen`: `HOST:PORT` with an IP address (`127.0.0.1:8080`, `[::1]:8080`).
pub fn parse_listen(text: &str) -> Result<SocketAddr, String> {
    text.parse::<SocketAddr>()
        .map_err(|_| format!("invalid listen address '{text}': use IP:PORT, e.g. 127.0.0.1:8080 or [::1]:8080"))
}

fn parse_args(args: &[String]) -> Result<Option<SocketAddr>, String> {
    let mut listen = DEFAULT_LISTEN.to_string();
    let mut words = args.iter();
    while let Some(word) = words.next() {
        match word.as_str() {
            "-h" | "--help" => return Ok(None),
            "--listen" | "-l" => listen = words.next().cloned().ok_or("option --listen needs a value")?,
            w if w.starts_with("--listen=") => listen = w.trim_start_matches("--listen=").to_string(),
            w => return Err(format!("unexpected argument '{w}'\n{USAGE}")),
        }
    }
    parse_listen(&listen).map(Some)
}

/// `osprey web ...`.
pub fn run(data: &Path, args: &[String]) -> i32 {
    let addr = match parse_args(args) {
        Ok(Some(addr)) => addr,
        Ok(None) => {
            println!("{USAGE}");
            return 0;
        }
        Err(message) => return fail(message),
    };
    let stop = match crate::lifecycle::stop_on_signals() {
        Ok(stop) => stop,
        Err(e) => return fail(e),
    };
    let runtime = match crate::lifecycle::runtime() {
        Ok(rt) => rt,
        Err(e) => return fail(e),
    };
    let state = web::app::AppState::listening_on(data, addr.ip().is_loopback());
    let result = runtime.block_on(async move {
        let listener =
            tokio::net::TcpListener::bind(addr).await.map_err(|e| format!("cannot listen on {addr}: {e}"))?;
        let local = listener.local_addr().map_err(|e| e.to_string())?;
        eprintln!("osprey: serving {} on http://{local}/", data.display());
        web::app::serve(listener, state, crate::lifecycle::stopped(stop)).await.map_err(|e| e.to_string())
    });
    match result {
        Ok(()) => 0,
        Err(message) => fail(message),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn listen_addresses() {
        let words = |w: &[&str]| w.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(parse_args(&[]), Ok(Some(SocketAddr::from(([127, 0, 0, 1], 8080)))));
        assert_eq!(
            parse_args(&words(&["--listen", "[::1]:9000"])),
            Ok(Some(SocketAddr::from(([0u16, 0, 0, 0, 0, 0, 0, 1], 9000))))
        );
        assert_eq!(parse_args(&words(&["--listen=127.0.0.1:0"])), Ok(Some(SocketAddr::from(([127, 0, 0, 1], 0)))));
        assert_eq!(parse_args(&words(&["-h"])), Ok(None));
        assert!(parse_args(&words(&["--listen", "localhost"])).unwrap_err().contains("invalid listen address"));
        assert!(parse_args(&words(&["--listen"])).is_err());
        assert!(parse_args(&words(&["extra"])).is_err());
    }
}
