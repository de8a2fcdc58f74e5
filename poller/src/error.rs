//! The poller's errors.

use thiserror::Error;

/// What can go wrong in the poller's library.
#[derive(Debug, Error)]
pub enum Error {
    /// A device setting refused (message for the user).
    #[error("{0}")]
    Invalid(String),
    /// No device of that name.
    #[error("no device named '{0}'")]
    NoSuchDevice(String),
    /// The inventory database.
    #[error("inventory {path}: {source}")]
    Inventory {
        /// The database file.
        path: String,
        /// What SQLite said.
        source: rusqlite::Error,
    },
    /// Files under the data directory.
    #[error("{path}: {source}")]
    Io {
        /// The file or directory.
        path: String,
        /// What the system said.
        source: std::io::Error,
    },
    /// An RRD file.
    #[error("{0}")]
    Rrd(#[from] rrd::error::Error),
    /// SNMP: no answer, or an answer that makes no sense.
    #[error("{0}")]
    Snmp(String),
}
