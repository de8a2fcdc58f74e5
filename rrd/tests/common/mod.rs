//! Helpers for the tests against the real rrdtool: finding it, running it with `TZ=UTC`.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::path::Path;
use std::process::Command;

pub const RRDTOOL: &str = "/usr/bin/rrdtool";

/// True when rrdtool is installed (a missing one fails under CI).
pub use testkit::have_rrdtool;

/// Runs `rrdtool ARGS` in `dir` with `TZ=UTC`; returns (success, stdout, stderr).
pub fn rrdtool(dir: &Path, args: &[&str]) -> (bool, String, String) {
    let out = Command::new(RRDTOOL).args(args).current_dir(dir).env("TZ", "UTC").output().expect("run rrdtool");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Runs rrdtool and requires success; returns stdout.
pub fn rrdtool_ok(dir: &Path, args: &[&str]) -> String {
    let (ok, stdout, stderr) = rrdtool(dir, args);
    assert!(ok, "rrdtool {args:?} failed: {stderr}");
    stdout
}

/// Shows the first differing line of two texts.
pub fn assert_same_text(what: &str, expected: &str, actual: &str) {
    if expected == actual {
        return;
    }
    for (i, (e, a)) in expected.lines().zip(actual.lines()).enumerate() {
        if e != a {
            panic!("{what}: line {} differs\nrrdtool: {e:?}\nosprey:  {a:?}", i + 1);
        }
    }
    panic!(
        "{what}: lengths differ ({} vs {} bytes)\nrrdtool tail: {:?}\nosprey tail: {:?}",
        expected.len(),
        actual.len(),
        expected.get(expected.len().saturating_sub(200)..),
        actual.get(actual.len().saturating_sub(200)..)
    );
}
