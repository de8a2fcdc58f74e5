//! Error types: [`FormatError`] for bytes that are not a usable RRD file, [`CreateError`] for
//! `create` arguments rrdtool would refuse, and [`Error`] for operations on files.
//!
//! Messages use rrdtool 1.7.2's words where rrdtool has them.

use std::path::PathBuf;

/// Why a byte buffer is not an RRD file this crate can read.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum FormatError {
    /// The file ends inside the header section named (rrdtool: "reached EOF while loading header").
    #[error("reached EOF while loading header rrd->{section}")]
    HeaderEof {
        /// The section being read (`stat_head`, `ds_def`, ...).
        section: &'static str,
    },
    /// A read past the end of the buffer.
    #[error("file too small ({actual} bytes, at least {needed} needed)")]
    Truncated {
        /// Bytes needed.
        needed: u64,
        /// Bytes present.
        actual: u64,
    },
    /// The header is complete but the data area is cut short.
    #[error("is too small (should be {expected} bytes)")]
    TooSmall {
        /// The size the header implies.
        expected: u64,
    },
    /// The first bytes are not `"RRD\0"`.
    #[error("is not an RRD file")]
    NotRrd,
    /// The float cookie does not match: another ABI or byte order wrote the file.
    #[error("This RRD was created on another architecture")]
    ForeignArchitecture,
    /// A version above 0005 (or not a version at all).
    #[error("can't handle RRD file version {0}")]
    UnsupportedVersion(String),
    /// A DS type string rrdtool does not know.
    #[error("unknown data acquisition function '{0}'")]
    UnknownDsType(String),
    /// A DS type rrdtool knows but this crate does not handle (COMPUTE).
    #[error("data source type {0} is not supported")]
    UnsupportedDsType(String),
    /// A CF name rrdtool does not know.
    #[error("unknown consolidation function '{0}'")]
    UnknownCf(String),
    /// A Holt-Winters RRA (HWPREDICT, SEASONAL, ...), which this crate does not handle.
    #[error("Holt-Winters RRAs ({0}) are not supported")]
    HoltWinters(String),
    /// The counts or values in the header are impossible.
    #[error("corrupt RRD file: {0}")]
    Corrupt(&'static str),
    /// An in-memory [`crate::Rrd`] whose sections disagree in size (not a file problem).
    #[error("inconsistent RRD model: {0}")]
    Inconsistent(&'static str),
}

impl FormatError {
    /// The message rrdtool prints for this error on file `path`.
    pub fn message_for(&self, path: &str) -> String {
        match self {
            FormatError::NotRrd | FormatError::TooSmall { .. } => format!("'{path}' {self}"),
            other => other.to_string(),
        }
    }
}

/// Why `create` arguments were refused. The texts are rrdtool's.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum CreateError {
    /// No file name was given.
    #[error("need name of an rrd file to create")]
    MissingFilename,
    /// An option that is not one of create's (the name without dashes).
    #[error("invalid option -- '{0}'")]
    InvalidOption(String),
    /// An option without its value (the name without dashes).
    #[error("option requires argument -- '{0}'")]
    MissingOptionValue(String),
    /// An option rrdtool has but this crate does not implement (`--template`, `--source`, `--daemon`).
    #[error("option {0} is not supported")]
    UnsupportedOption(String),
    /// A bad `--step`.
    #[error("step size: {0}")]
    Step(DurationError),
    /// A bad `--start`.
    #[error("start time: {0}")]
    StartTime(String),
    /// A positional argument that is neither `DS:` nor `RRA:`.
    #[error("can't parse argument '{0}'")]
    BadArgument(String),
    /// A DS name or layout that does not match `DS:name:TYPE:...`.
    #[error("invalid DS format")]
    InvalidDsFormat,
    /// An unknown DS type.
    #[error("invalid DS type specified ({0})")]
    InvalidDsType(String),
    /// COMPUTE data sources are not supported.
    #[error("data source type {0} is not supported")]
    UnsupportedDsType(String),
    /// Two DS with the same name.
    #[error("Duplicate DS name: {0}")]
    DuplicateDsName(String),
    /// Bad heartbeat/min/max arguments.
    #[error("failed to parse data source {args}: {reason}")]
    DsArgs {
        /// The text after `DS:name:TYPE:`.
        args: String,
        /// What was wrong.
        reason: String,
    },
    /// A min or max that is not a number.
    #[error("parsing {which} val - {reason}")]
    MinMax {
        /// `"min"` or `"max"`.
        which: &'static str,
        /// rrdtool's conversion message.
        reason: String,
    },
    /// An RRA with too few fields.
    #[error("Expected at least 4 arguments for RRA but got {0}")]
    RraArgCount(usize),
    /// An unknown CF.
    #[error("Unrecognized consolidation function {0}")]
    UnknownCf(String),
    /// A Holt-Winters RRA, not supported.
    #[error("Holt-Winters RRAs ({0}) are not supported")]
    HoltWinters(String),
    /// Too many fields for a basic CF.
    #[error("Unexpected extra argument for consolidation function {0}")]
    ExtraRraArg(String),
    /// xff outside [0, 1).
    #[error("Invalid xff: must be between 0 and 1")]
    InvalidXff,
    /// Bad steps per row.
    #[error("Invalid step {0}: {1}")]
    RraSteps(String, DurationError),
    /// Bad row count.
    #[error("Invalid row count {0}: {1}")]
    RraRows(String, DurationError),
    /// No DS given.
    #[error("you must define at least one Data Source")]
    NoDs,
    /// No RRA given.
    #[error("you must define at least one Round Robin Archive")]
    NoRra,
}

/// Why a (suffixed) duration like `300`, `5m` or `1d` was refused (rrdtool's texts).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum DurationError {
    /// Does not start with a digit.
    #[error("value must be (suffixed) positive number")]
    NotANumber,
    /// Zero.
    #[error("value must be positive")]
    Zero,
    /// Text after the number and its suffix.
    #[error("value has trailing garbage")]
    TrailingGarbage,
    /// The scaled value is not a multiple of the divisor.
    #[error("value would truncate when scaled")]
    Truncates,
}

/// Errors of operations on RRD files.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The file's bytes are not a usable RRD.
    #[error("{}", source.message_for(path))]
    Format {
        /// The file as named by the caller.
        path: String,
        /// What is wrong.
        source: FormatError,
    },
    /// Bad `create` arguments.
    #[error(transparent)]
    Create(#[from] CreateError),
    /// The file could not be opened.
    #[error("opening '{path}': {message}")]
    Open {
        /// The file as named by the caller.
        path: String,
        /// The OS error text.
        message: String,
    },
    /// `--no-overwrite` and the file exists.
    #[error("creating '{0}': File exists")]
    Exists(String),
    /// The temporary file for create could not be made.
    #[error("Cannot create temporary file")]
    TempFile,
    /// An update refused (rrdtool's text; errors of one reading name the file first).
    #[error("{}", source.message_for(path))]
    Update {
        /// The file as named by the caller.
        path: String,
        /// What was refused.
        source: crate::update::UpdateError,
    },
    /// Another process holds a lock that excludes this command (rrdtool's text).
    #[error("could not lock RRD")]
    Locked,
    /// `first --rraindex` beyond the file's RRAs.
    #[error("invalid rraindex number")]
    InvalidRraIndex,
    /// `restore` refused the XML or could not write the file (rrdtool's text).
    #[error("{0}")]
    Restore(String),
    /// `tune` refused its arguments (rrdtool's text).
    #[error("{0}")]
    Tune(String),
    /// Another I/O failure.
    #[error("{context} '{}': {source}", path.display())]
    Io {
        /// What was being done.
        context: &'static str,
        /// The file.
        path: PathBuf,
        /// The OS error.
        source: std::io::Error,
    },
}

/// The OS error text without Rust's " (os error N)" suffix, as C's `strerror` prints it.
pub(crate) fn os_message(err: &std::io::Error) -> String {
    let text = err.to_string();
    match text.find(" (os error") {
        Some(at) => text.get(..at).unwrap_or(&text).to_string(),
        None => text,
    }
}
