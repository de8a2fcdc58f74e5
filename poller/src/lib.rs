//! Osprey's poller: the part that replaces MRTG's and Cacti's pollers.
//!
//! Modules and what each owns:
//! - [`target`]: `HOST[:PORT]` parsing and resolution, device settings validated as the CLI
//!   and the web form take them.
//! - [`credentials`]: a device's SNMPv3 user, level and protocols, validated, with its
//!   passphrases kept as master keys.
//! - [`inventory`]: the SQLite inventory in `DIR/osprey.db` (devices, what discovery found,
//!   poll status and counter state), with versioned schema migrations.
//! - [`querier`]: the SNMP seam: a trait for GET and column walks, and its implementation on
//!   the `snmp` client (GETBULK sized to fit one datagram, GETNEXT for v1).
//! - [`discovery`]: what a device can be graphed by (system group, interfaces, storage,
//!   processors, UCD load/memory/CPU).
//! - [`layout`]: the RRD files of a device: names, data sources and archives per graph.
//! - [`sample`]: one poll's answers turned into RRD updates (64-bit counters preferred, agent
//!   reboots and counter discontinuities written as unknown).
//! - [`poll`]: polling one device: requests, samples, status.
//! - [`schedule`]: polling every device on its own interval with bounded concurrency, and the
//!   RRD writer they feed.
//! - [`error`]: the error types.

pub mod credentials;
pub mod discovery;
pub mod error;
pub mod inventory;
pub mod layout;
pub mod poll;
pub mod querier;
pub mod sample;
pub mod schedule;
pub mod target;

pub use error::Error;
