//! `rrdtool create`: argument parsing and validation with rrdtool's error texts, the initial
//! state rrdtool gives a new file, and writing it (a temporary file in the same directory,
//! then a rename).
//!
//! Syntax: `FILE [--start|-b T] [--step|-s S] [--no-overwrite|-O]
//! DS:name:GAUGE|COUNTER|DERIVE|ABSOLUTE|DCOUNTER|DDERIVE:heartbeat:min:max ...
//! RRA:AVERAGE|MIN|MAX|LAST:xff:steps:rows ...`. Heartbeat, step, steps and rows accept
//! rrdtool's suffixed durations ([`crate::duration`]); `--start` takes an at-style time
//! ([`crate::attime`]), default `now - 10 s`.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use crate::attime;
use crate::duration::scaled_duration;
use crate::error::{CreateError, Error};
use crate::format::ds::{DsDef, DsType};
use crate::format::fixed::FixedStr;
use crate::format::rra::{Cf, HOLT_WINTERS_CFS, RraDef};
use crate::format::{Rrd, UNKNOWN};

/// A parsed and validated `create` command line.
#[derive(Debug, Clone, PartialEq)]
pub struct CreateSpec {
    /// The file to create.
    pub path: String,
    /// `last_up` of the new file.
    pub start: i64,
    /// Seconds per PDP.
    pub step: u64,
    /// `-O`: refuse to replace an existing file.
    pub no_overwrite: bool,
    /// The data sources.
    pub ds: Vec<DsDef>,
    /// The archives.
    pub rra: Vec<RraDef>,
}

impl CreateSpec {
    /// The new file's contents with the given `cur_row` per RRA.
    pub fn build_with_rows(&self, cur_row: Vec<u64>) -> Rrd {
        Rrd::new_initial(self.step, self.start, self.ds.clone(), self.rra.clone(), cur_row)
    }

    /// The new file's contents, each RRA's `cur_row` chosen at random as rrdtool does.
    pub fn build(&self) -> Rrd {
        let mut rng = Rng::seeded();
        let rows = self.rra.iter().map(|def| rng.next() % def.row_cnt.max(1)).collect();
        self.build_with_rows(rows)
    }
}

/// Seconds since the epoch, now.
pub fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

/// Parses `create`'s arguments (after the word `create`), with `now` for at-style times.
pub fn parse_args<S: AsRef<str>>(args: &[S], now: i64) -> Result<CreateSpec, CreateError> {
    let mut start = now - 10;
    let mut step: u64 = 300;
    let mut no_overwrite = false;
    let mut positional: Vec<&str> = Vec::new();
    let mut iter = args.iter().map(AsRef::as_ref);
    let mut only_positional = false;
    while let Some(arg) = iter.next() {
        if only_positional || !arg.starts_with('-') || arg == "-" {
            positional.push(arg);
            continue;
        }
        if arg == "--" {
            only_positional = true;
            continue;
        }
        // (option name, inline value)
        let mut pending: Vec<(String, Option<String>)> = Vec::new();
        if let Some(long) = arg.strip_prefix("--") {
            let (name, value) = match long.split_once('=') {
                Some((n, v)) => (n, Some(v.to_string())),
                None => (long, None),
            };
            let short = match name {
                "start" => "b",
                "step" => "s",
                "no-overwrite" => "O",
                "template" => "t",
                "source" => "r",
                "daemon" => "d",
                other => return Err(CreateError::InvalidOption(other.to_string())),
            };
            pending.push((format!("{short}|{name}"), value));
        } else {
            let chars: Vec<char> = arg.chars().skip(1).collect();
            let mut i = 0;
            while let Some(c) = chars.get(i) {
                let takes_value = matches!(c, 'b' | 's' | 't' | 'r' | 'd');
                if takes_value {
                    let rest: String = chars.iter().skip(i + 1).collect();
                    pending.push((format!("{c}|{c}"), (!rest.is_empty()).then_some(rest)));
                    break;
                }
                pending.push((format!("{c}|{c}"), None));
                i += 1;
            }
        }
        for (key, value) in pending {
            let (short, shown) = key.split_once('|').unwrap_or((&key, &key));
            let mut value_or_next = || -> Result<String, CreateError> {
                match &value {
                    Some(v) => Ok(v.clone()),
                    None => iter.next().map(str::to_string).ok_or(CreateError::MissingOptionValue(shown.to_string())),
                }
            };
            match short {
                "b" => {
                    let spec = value_or_next()?;
                    start = attime::parse(&spec, now).map_err(CreateError::StartTime)?;
                }
                "s" => {
                    let spec = value_or_next()?;
                    step = scaled_duration(&spec, 1).map_err(CreateError::Step)?;
                }
                "O" => no_overwrite = true,
                "t" | "r" | "d" => {
                    return Err(CreateError::UnsupportedOption(format!("--{}", long_name(short))));
                }
                other => return Err(CreateError::InvalidOption(other.to_string())),
            }
        }
    }
    let (path, defs) = positional.split_first().ok_or(CreateError::MissingFilename)?;
    let mut ds: Vec<DsDef> = Vec::new();
    let mut rra: Vec<RraDef> = Vec::new();
    for def in defs {
        if let Some(rest) = def.strip_prefix("DS:") {
            let parsed = parse_ds(rest)?;
            if ds.iter().any(|d| d.name == parsed.name) {
                return Err(CreateError::DuplicateDsName(parsed.name.to_string()));
            }
            ds.push(parsed);
        } else if let Some(rest) = def.strip_prefix("RRA:") {
            rra.push(parse_rra(rest, step)?);
        } else {
            return Err(CreateError::BadArgument(def.to_string()));
        }
    }
    if ds.is_empty() {
        return Err(CreateError::NoDs);
    }
    if rra.is_empty() {
        return Err(CreateError::NoRra);
    }
    Ok(CreateSpec { path: path.to_string(), start, step, no_overwrite, ds, rra })
}

fn long_name(short: &str) -> &'static str {
    match short {
        "t" => "template",
        "r" => "source",
        _ => "daemon",
    }
}

fn is_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_' || c == '-'
}

/// `name:TYPE:heartbeat:min:max` (after `DS:`).
fn parse_ds(text: &str) -> Result<DsDef, CreateError> {
    let name_len = text.chars().take_while(|c| is_name_char(*c)).count().min(19);
    let (name, rest) = text.split_at(name_len);
    let rest = rest.strip_prefix(':').ok_or(CreateError::InvalidDsFormat)?;
    if name.is_empty() {
        return Err(CreateError::InvalidDsFormat);
    }
    let type_len = rest.chars().take_while(char::is_ascii_uppercase).count().min(19);
    let (dst, args) = rest.split_at(type_len);
    let args = args.strip_prefix(':').ok_or(CreateError::InvalidDsFormat)?;
    if dst.is_empty() {
        return Err(CreateError::InvalidDsFormat);
    }
    let kind = match DsType::from_name(dst) {
        Some(kind) => kind,
        None if dst == "COMPUTE" => return Err(CreateError::UnsupportedDsType(dst.to_string())),
        None => return Err(CreateError::InvalidDsType(dst.to_string())),
    };
    let ds_err = |reason: String| CreateError::DsArgs { args: args.to_string(), reason };
    let mut fields = args.split(':');
    let heartbeat = fields.next().unwrap_or("");
    let heartbeat = scaled_duration(heartbeat, 1).map_err(|e| ds_err(e.to_string()))?;
    let (min, max) = match (fields.next(), fields.next()) {
        (Some(min), Some(max)) if !min.is_empty() && !max.is_empty() => (min, max),
        _ => return Err(ds_err("failed to extract min:max".into())),
    };
    let min = parse_limit(min).map_err(|reason| CreateError::MinMax { which: "min", reason })?;
    let max = parse_limit(max).map_err(|reason| CreateError::MinMax { which: "max", reason })?;
    if !min.is_nan() && !max.is_nan() && min >= max {
        return Err(ds_err("min must be less than max in DS definition".into()));
    }
    let name = FixedStr::new(name).ok_or(CreateError::InvalidDsFormat)?;
    Ok(DsDef::new(name, kind, heartbeat, min, max))
}

/// A DS min or max: `U` for none, else a number as C's `strtod` reads it in full.
fn parse_limit(text: &str) -> Result<f64, String> {
    if text == "U" {
        return Ok(UNKNOWN);
    }
    let (value, used) = strtod_prefix(text);
    match (value, text.get(used..)) {
        (Some(v), Some("")) => Ok(v),
        (Some(v), Some(rest)) => Err(format!("Converted '{text}' to {v:.6}, but cannot convert '{rest}'")),
        _ => Err(format!("Cannot convert '{text}' to float")),
    }
}

/// The longest prefix of `text` that is a number, and its length (C's `strtod`, roughly).
fn strtod_prefix(text: &str) -> (Option<f64>, usize) {
    let limit = text.len().min(64);
    for end in (1..=limit).rev() {
        if let Some(Ok(v)) = text.get(..end).map(str::parse::<f64>) {
            return (Some(v), end);
        }
    }
    (None, 0)
}

/// `CF:xff:steps:rows` (after `RRA:`).
fn parse_rra(text: &str, step: u64) -> Result<RraDef, CreateError> {
    let fields: Vec<&str> = text.split(':').filter(|f| !f.is_empty()).collect();
    if fields.len() < 4 {
        return Err(CreateError::RraArgCount(fields.len()));
    }
    let (&[cf_name, xff, steps, rows], extra) = fields.split_at(4) else {
        return Err(CreateError::RraArgCount(fields.len()));
    };
    let cf = match Cf::from_name(cf_name) {
        Some(cf) => cf,
        None if HOLT_WINTERS_CFS.contains(&cf_name) => return Err(CreateError::HoltWinters(cf_name.to_string())),
        None => {
            let shown: String = cf_name.chars().take_while(char::is_ascii_uppercase).take(19).collect();
            return Err(CreateError::UnknownCf(shown));
        }
    };
    let xff = match strtod_prefix(xff) {
        // rrdtool refuses xff < 0 or >= 1, so a NaN passes.
        (Some(v), used) if used == xff.len() && ((0.0..1.0).contains(&v) || v.is_nan()) => v,
        _ => return Err(CreateError::InvalidXff),
    };
    let pdp_cnt = scaled_duration(steps, step).map_err(|e| CreateError::RraSteps(steps.to_string(), e))?;
    let row_cnt =
        scaled_duration(rows, step.saturating_mul(pdp_cnt)).map_err(|e| CreateError::RraRows(rows.to_string(), e))?;
    if !extra.is_empty() {
        return Err(CreateError::ExtraRraArg(cf.name().to_string()));
    }
    Ok(RraDef::new(cf, row_cnt, pdp_cnt, xff))
}

/// rrdtool's `create` from its arguments: parse, build, write. Returns the file's contents.
pub fn create<S: AsRef<str>>(args: &[S]) -> Result<Rrd, Error> {
    let spec = parse_args(args, now())?;
    let rrd = spec.build();
    write_new(Path::new(&spec.path), &rrd, spec.no_overwrite)?;
    Ok(rrd)
}

/// Writes `rrd` as a new file at `path`: to a temporary file in the same directory, then
/// renamed into place (with `no_overwrite`, an existing file is an error and is kept).
pub fn write_new(path: &Path, rrd: &Rrd, no_overwrite: bool) -> Result<(), Error> {
    let shown = path.display().to_string();
    if no_overwrite && path.exists() {
        return Err(Error::Exists(shown));
    }
    let bytes = rrd.to_bytes().map_err(|source| Error::Format { path: shown.clone(), source })?;
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let prefix = path.file_name().map(|n| n.to_os_string()).unwrap_or_default();
    // Mode 0666 filtered by the umask, as rrdtool's files get (not tempfile's 0600).
    let mut tmp = tempfile::Builder::new()
        .prefix(&prefix)
        .permissions(std::os::unix::fs::PermissionsExt::from_mode(0o666))
        .tempfile_in(&dir)
        .map_err(|_| Error::TempFile)?;
    let io_err = |source| Error::Io { context: "writing", path: path.to_path_buf(), source };
    tmp.write_all(&bytes).map_err(io_err)?;
    tmp.flush().map_err(io_err)?;
    let persisted = if no_overwrite { tmp.persist_noclobber(path) } else { tmp.persist(path) };
    match persisted {
        Ok(_) => Ok(()),
        Err(e) if e.error.kind() == std::io::ErrorKind::AlreadyExists => Err(Error::Exists(shown)),
        Err(e) => Err(Error::Io { context: "renaming to", path: path.to_path_buf(), source: e.error }),
    }
}

/// A small xorshift generator seeded from the time and the process id, like rrdtool's
/// `srandom(time + pid)` for the initial `cur_row`.
#[derive(Debug)]
struct Rng(u64);

impl Rng {
    fn seeded() -> Self {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos() as u64)
            .unwrap_or(0);
        let seed = nanos ^ (u64::from(std::process::id()) << 32) ^ 0x9E37_79B9_7F4A_7C15;
        Self(seed | 1)
    }

    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }
}
