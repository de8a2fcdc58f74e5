//! Osprey's round-robin database engine, in RRDtool 1.7.2's own file format (x86-64 Linux).
//!
//! Glossary (rrdtool's words): DS data source; RRA round-robin archive; PDP primary data
//! point (one per step); CDP consolidated data point (one per RRA row); CF consolidation
//! function; xff x-files factor (share of unknown PDPs allowed in a CDP); heartbeat (longest
//! gap before a DS becomes unknown).
//!
//! Modules and what each owns:
//! - [`format`]: the in-memory model [`Rrd`] of a whole file, its parsing with full validation
//!   and its byte-identical serialization.
//! - [`create`]: `rrdtool create` argument parsing and validation, the initial state, and
//!   writing a new file through a temporary file and a rename.
//! - [`duration`]: rrdtool's suffixed durations (`300`, `5m`, `1d`).
//! - [`attime`]: the at-style times of `--start` (`now`, `N`, epoch, `now-1d`, `-1h`).
//! - [`fetch`]: `rrdtool fetch`: RRA selection, time alignment, ring reading, its CLI and output.
//! - [`info`]: `rrdtool info` output.
//! - `lock`: rrdtool's fcntl file locks (exclusive for writers, shared for readers), per open file.
//! - `mapping`: a shared writable mapping of a file for the cache (the crate's only unsafe code).
//! - [`dump`]: `rrdtool dump` XML output.
//! - [`numfmt`]: C's `%0.10e` number formatting and local-time formatting as rrdtool prints them.
//! - [`update`]: `rrdtool update`: the PDP/CDP update pipeline, bit for bit as rrdtool 1.7.2,
//!   and writing back only the changed bytes under rrdtool's `fcntl` lock.
//! - [`cache`]: the poller's fast path: a bounded cache of open files (headers parsed once,
//!   re-validated under the lock each update).
//! - [`batch`]: batches of updates across files, spread over worker threads by file.
//! - [`strnum`]: rrdtool's own number conversion (`rrd_strtod`) and counter differences (`rrd_diff`).
//! - [`lastupdate`]: `rrdtool lastupdate`, `first` and `last`.
//! - [`restore`]: `rrdtool restore`: dump XML back into a file (hand XML reader, rrdtool's tag order and errors).
//! - [`tune`]: `rrdtool tune`: heartbeat, min, max, DS type and DS name edits of the header in place.
//! - [`error`]: the error types, with rrdtool's message texts.

pub mod attime;
pub mod batch;
pub mod cache;
pub mod create;
pub mod dump;
pub mod duration;
pub mod error;
pub mod fetch;
pub mod format;
pub mod info;
pub mod lastupdate;
pub(crate) mod lock;
mod mapping;
pub mod numfmt;
pub mod restore;
pub mod strnum;
pub mod tune;
pub mod update;

pub use error::{CreateError, DurationError, Error, FormatError};
pub use format::ds::{DsDef, DsType};
pub use format::fixed::FixedStr;
pub use format::head::Version;
pub use format::live::LiveHead;
pub use format::prep::{CdpPrep, PdpPrep};
pub use format::rra::{Cf, RraDef};
pub use format::{Rrd, UNKNOWN};
