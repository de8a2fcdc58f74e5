//! Test peers shared by every crate's end-to-end tests (a dev-dependency only).
//!
//! - [`agent`]: osprey-agent as a child process.
//! - [`compare`]: comparing two agents' walks of a subtree (same OIDs and types; exact
//!   values, counters that did not go down, or volatile columns by type only).
//! - [`snmpd`]: a real Net-SNMP `snmpd` on a free loopback port with its own temp dir.
//! - [`rrd_profiles`]: MRTG's and Cacti's RRD definitions as `rrdtool create` arguments.
//! - [`snmpsim_data`]: the snmpsim-data corpus of recorded devices (location, files).
//! - [`frozen_agent`]: a deterministic agent replaying a recorded tree, so two clients
//!   walking it see identical values.
//! - [`udp`]: blocking v1/v2c requests (resent on silence), subtree and whole-tree walks
//!   over std UDP.
//! - [`tools`]: running command-line tools and comparing their output byte for byte.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

pub mod agent;
pub mod compare;
pub mod frozen_agent;
pub mod rrd_profiles;
pub mod snmpd;
pub mod snmpsim_data;
pub mod tools;
pub mod udp;

pub use frozen_agent::FrozenAgent;
pub use snmpd::Snmpd;
pub use tools::{Output, assert_same, compare_with_osprey, first_differences, run, run_utc};

/// A UDP port on 127.0.0.1 that was free a moment ago.
pub fn free_udp_port() -> u16 {
    std::net::UdpSocket::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// True when the Net-SNMP daemon and client tools are installed (`scripts/test.sh`
/// installs them).
pub fn have_netsnmp() -> bool {
    std::path::Path::new(snmpd::SNMPD).exists() && std::path::Path::new("/usr/bin/snmpget").exists()
}

/// True when rrdtool is installed; false (with a note) otherwise, except under CI, where the
/// test script guarantees it and its absence is a failure.
pub fn have_rrdtool() -> bool {
    if std::path::Path::new("/usr/bin/rrdtool").exists() {
        return true;
    }
    assert!(std::env::var_os("CI").is_none(), "rrdtool missing in CI");
    eprintln!("skipped: rrdtool not installed; run scripts/test.sh");
    false
}

/// Skips a test (with a note) when Net-SNMP is missing, except under CI, where the test
/// script guarantees it and a missing tool is a failure.
#[macro_export]
macro_rules! require_netsnmp {
    () => {
        if !$crate::have_netsnmp() {
            assert!(std::env::var_os("CI").is_none(), "net-snmp tools missing in CI");
            eprintln!("skipped: net-snmp (snmpd, snmp) not installed; run scripts/test.sh");
            return;
        }
    };
}
