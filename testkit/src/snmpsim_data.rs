//! The snmpsim-data corpus of recorded devices (fetched by `scripts/lib/snmpsim-data.sh`, not
//! committed): where it is, its recordings, and a recording's first part for tests that
//! replay large ones only in part. The script keeps only each recording's first 4 MiB (up to
//! a whole line), so a prefix longer than [`KEPT_BYTES`] reads no more than that.

use std::path::{Path, PathBuf};

/// The pinned corpus version (the script's `SNMPSIM_DATA_VERSION`).
pub const VERSION: &str = "1.0.1";

/// How much of each recording the script keeps.
pub const KEPT_BYTES: usize = 4 << 20;

/// The corpus directory (`$OSPREY_SNMPSIM_DATA`, else `target/snmpsim-data-VERSION` of the
/// workspace) if the download completed.
pub fn corpus_dir() -> Option<PathBuf> {
    let dir = std::env::var_os("OSPREY_SNMPSIM_DATA").map(PathBuf::from).unwrap_or_else(|| {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join("target").join(format!("snmpsim-data-{VERSION}"))
    });
    dir.join(".complete").exists().then_some(dir)
}

/// The corpus directory for a test that replays it; None (the test skips, saying why) when
/// it was not fetched, except in CI, where scripts/test.sh always fetches it.
pub fn corpus_or_skip() -> Option<PathBuf> {
    let dir = corpus_dir();
    if dir.is_none() {
        assert!(std::env::var_os("CI").is_none(), "the snmpsim-data corpus is missing in CI");
        eprintln!("skipped: the snmpsim-data corpus is not here; scripts/lib/snmpsim-data.sh fetches it");
    }
    dir
}

/// Every `.snmprec` file under `dir`, sorted.
pub fn recordings(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            out.extend(recordings(&path));
        } else if path.extension().is_some_and(|e| e == "snmprec") {
            out.push(path);
        }
    }
    out
}

/// The recording's bytes, cut after the last whole line within `max` bytes; true when whole.
pub fn read_prefix(path: &Path, max: usize) -> (Vec<u8>, bool) {
    let mut bytes = std::fs::read(path).unwrap();
    if bytes.len() <= max {
        return (bytes, true);
    }
    let end = bytes[..max].iter().rposition(|b| *b == b'\n').map_or(0, |i| i + 1);
    bytes.truncate(end);
    (bytes, false)
}
