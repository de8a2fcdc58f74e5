//! What the mibs tests share beyond `testkit`: where the module files are, and a tool's
//! output as one string (stderr appended when it complained).
#![allow(dead_code, unused_imports, clippy::unwrap_used)]

pub use testkit::{FrozenAgent, Snmpd, require_netsnmp};

pub fn modules_dir() -> String {
    format!("{}/modules", env!("CARGO_MANIFEST_DIR"))
}

/// Runs a net-snmp client tool and returns stdout, with stderr appended if it failed.
pub fn run(tool: &str, args: &[&str]) -> String {
    let out = testkit::run(tool, args);
    let mut s = out.stdout;
    if out.code != 0 || !out.stderr.is_empty() {
        s.push_str(&out.stderr);
    }
    s
}
