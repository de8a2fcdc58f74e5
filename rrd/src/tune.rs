//! `rrdtool tune FILE [options]`: edits of the static part of the header in place, as rrdtool
//! 1.7.2 makes them: the minimal heartbeat (`-h ds:hb`), min and max (`-i ds:min`, `-a ds:max`,
//! `U` for none), the DS type (`-d ds:DST`, which also sets the PDP's `last_ds` to `UNKN` when
//! the type changes) and the DS name (`-r old:new`). The file is opened read-write under
//! rrdtool's whole-file `fcntl` write lock, and only the static head, DS and RRA definitions are
//! written back. The Holt-Winters options are refused with rrdtool's words (these files have no
//! such RRAs); the structural ones (`--step`, `DEL:`, `DS:`, `RRA:`) are not supported.

use std::os::unix::fs::FileExt;
use std::path::Path;

use crate::error::{Error, os_message};
use crate::format::Rrd;
use crate::format::fixed::FixedStr;
use crate::{DsType, UNKNOWN};

fn tune_err<T>(message: impl Into<String>) -> Result<T, Error> {
    Err(Error::Tune(message.into()))
}

/// The longest prefix of `[a-zA-Z0-9_-]`, at most 19 characters (rrdtool's `DS_NAM_FMT`),
/// and the rest; `None` when empty.
fn scan_name(text: &str) -> Option<(&str, &str)> {
    let len = text.bytes().take(19).take_while(|b| b.is_ascii_alphanumeric() || *b == b'_' || *b == b'-').count();
    if len == 0 {
        return None;
    }
    Some((text.get(..len)?, text.get(len..)?))
}

/// `name:rest`, the name scanned as rrdtool's `DS_NAM_FMT ":"`.
fn name_colon(text: &str) -> Option<(&str, &str)> {
    let (name, rest) = scan_name(text)?;
    Some((name, rest.strip_prefix(':')?))
}

/// `sscanf("%ld")`: optional white space and sign, then at least one digit.
fn scan_long(text: &str) -> Option<i64> {
    let s = text.trim_start_matches([' ', '\t', '\n', '\r', '\x0b', '\x0c']);
    let (negative, s) = match s.as_bytes().first() {
        Some(b'-') => (true, s.get(1..)?),
        Some(b'+') => (false, s.get(1..)?),
        _ => (false, s),
    };
    let digits = s.bytes().take_while(u8::is_ascii_digit).count();
    if digits == 0 {
        return None;
    }
    let magnitude = s.get(..digits)?.parse::<u64>().unwrap_or(u64::MAX);
    let value = if negative {
        0i64.checked_sub_unsigned(magnitude).unwrap_or(i64::MIN)
    } else {
        i64::try_from(magnitude).unwrap_or(i64::MAX)
    };
    Some(value)
}

/// A min/max value: `U` is UNKNOWN, otherwise the leading number (rrdtool's conversion; an
/// exponent beyond the double range gives an infinity).
fn scan_limit(text: &str) -> Option<f64> {
    if text == "U" {
        return Some(UNKNOWN);
    }
    let first = *text.as_bytes().first()?;
    if !(first.is_ascii_digit() || matches!(first, b'+' | b'-' | b'.')) {
        return None;
    }
    match crate::strnum::rrd_strtod(text) {
        Some((v, _)) => Some(v),
        None => {
            let mantissa = text.trim_start_matches(['+', '-']);
            let has_digit =
                mantissa.bytes().take_while(|b| b.is_ascii_digit() || *b == b'.').any(|b| b.is_ascii_digit());
            has_digit.then_some(if first == b'-' { f64::NEG_INFINITY } else { f64::INFINITY })
        }
    }
}

fn ds_index(rrd: &Rrd, name: &str) -> Result<usize, Error> {
    match rrd.ds.iter().position(|ds| ds.name.as_bytes() == name.as_bytes()) {
        Some(i) => Ok(i),
        None => tune_err(format!("unknown data source name '{name}'")),
    }
}

/// The long options and their short letters; all take an argument.
const LONG: [(&str, char); 16] = [
    ("heartbeat", 'h'),
    ("minimum", 'i'),
    ("maximum", 'a'),
    ("data-source-type", 'd'),
    ("data-source-rename", 'r'),
    ("deltapos", 'p'),
    ("deltaneg", 'n'),
    ("window-length", 'w'),
    ("failure-threshold", 'f'),
    ("alpha", 'x'),
    ("beta", 'y'),
    ("gamma", 'z'),
    ("gamma-deviation", 'v'),
    ("smoothing-window", 's'),
    ("smoothing-window-deviation", 'S'),
    ("aberrant-reset", 'b'),
];

/// Splits the arguments after FILE into (option letter, value) pairs and the other arguments,
/// as `getopt_long` does.
type Split = (Vec<(char, String)>, Vec<String>);

fn split_options<S: AsRef<str>>(args: &[S]) -> Result<Split, Error> {
    let mut options = Vec::new();
    let mut rest = Vec::new();
    let mut words = args.iter().map(AsRef::as_ref);
    while let Some(word) = words.next() {
        if word == "--" {
            rest.extend(words.by_ref().map(str::to_string));
            break;
        }
        if let Some(long) = word.strip_prefix("--") {
            let (name, value) = match long.split_once('=') {
                Some((n, v)) => (n, Some(v.to_string())),
                None => (long, None),
            };
            let matches: Vec<&(&str, char)> = LONG.iter().filter(|(n, _)| n.starts_with(name)).collect();
            let exact = LONG.iter().find(|(n, _)| *n == name);
            let Some((full, letter)) = exact.or(if matches.len() == 1 { matches.first().copied() } else { None })
            else {
                return if matches.len() > 1 {
                    tune_err(format!("option '{word}' is ambiguous"))
                } else {
                    tune_err(format!("unrecognized option '{word}'"))
                };
            };
            let value = match value {
                Some(v) => v,
                None => match words.next() {
                    Some(v) => v.to_string(),
                    None => return tune_err(format!("option '--{full}' requires an argument")),
                },
            };
            options.push((*letter, value));
        } else if word.len() > 1 && word.starts_with('-') {
            let mut chars = word.chars().skip(1);
            let Some(letter) = chars.next() else { continue };
            if !LONG.iter().any(|(_, l)| *l == letter) || letter == 'S' {
                return tune_err(format!("invalid option -- '{letter}'"));
            }
            let attached: String = chars.collect();
            let value = if attached.is_empty() {
                match words.next() {
                    Some(v) => v.to_string(),
                    None => return tune_err(format!("option requires an argument -- '{letter}'")),
                }
            } else {
                attached
            };
            options.push((letter, value));
        } else {
            rest.push(word.to_string());
        }
    }
    Ok((options, rest))
}

/// Applies one option to the header; rrdtool's errors.
fn apply(rrd: &mut Rrd, letter: char, value: &str) -> Result<(), Error> {
    match letter {
        'h' => {
            let parsed = name_colon(value).and_then(|(name, rest)| Some((name, scan_long(rest)?)));
            let Some((name, heartbeat)) = parsed else { return tune_err("invalid arguments for heartbeat") };
            let i = ds_index(rrd, name)?;
            if let Some(ds) = rrd.ds.get_mut(i) {
                ds.heartbeat = heartbeat as u64;
            }
        }
        'i' | 'a' => {
            let what = if letter == 'i' { "minimum" } else { "maximum" };
            let parsed = name_colon(value).and_then(|(name, rest)| Some((name, scan_limit(rest)?)));
            let Some((name, limit)) = parsed else { return tune_err(format!("invalid arguments for {what} ds value")) };
            let i = ds_index(rrd, name)?;
            if let Some(ds) = rrd.ds.get_mut(i) {
                if letter == 'i' {
                    ds.min = limit;
                } else {
                    ds.max = limit;
                }
            }
        }
        'd' => {
            let parsed = name_colon(value).and_then(|(name, rest)| {
                let len = rest.bytes().take(19).take_while(|b| !b.is_ascii_whitespace() && *b != b':').count();
                (len > 0).then(|| (name, rest.get(..len).unwrap_or("")))
            });
            let Some((name, dst)) = parsed else { return tune_err("invalid arguments for data source type") };
            let i = ds_index(rrd, name)?;
            let kind = match DsType::from_name(dst) {
                Some(kind) => kind,
                None if dst == "COMPUTE" => return tune_err("data source type COMPUTE is not supported"),
                None => return tune_err(format!("unknown data acquisition function '{dst}'")),
            };
            if let (Some(ds), Some(pdp)) = (rrd.ds.get_mut(i), rrd.pdp_prep.get_mut(i))
                && ds.dst_raw.as_bytes() != dst.as_bytes()
            {
                {
                    ds.kind = kind;
                    ds.dst_raw = FixedStr::truncated(dst);
                    // rrdtool writes "UNKN\0" over the start of last_ds and keeps the rest.
                    let mut raw = *pdp.last_ds.raw();
                    for (slot, b) in raw.iter_mut().zip(b"UNKN\0") {
                        *slot = *b;
                    }
                    pdp.last_ds = FixedStr::from_raw(raw);
                }
            }
        }
        'r' => {
            let parsed = name_colon(value).and_then(|(old, rest)| Some((old, scan_name(rest)?.0)));
            let Some((old, new)) = parsed else { return tune_err("invalid arguments for data source type") };
            let i = ds_index(rrd, old)?;
            if let Some(ds) = rrd.ds.get_mut(i) {
                ds.name = FixedStr::truncated(new);
            }
        }
        'x' | 'y' | 'z' | 'v' | 's' | 'S' => {
            let param = c_atof(value);
            if param <= 0.0 || param >= 1.0 {
                return tune_err("Holt-Winters parameter must be between 0 and 1");
            }
            return tune_err("Holt-Winters RRA does not exist in this RRD");
        }
        'p' | 'n' => {
            if c_atof(value) < 0.1 {
                return tune_err("Parameter specified is too small");
            }
            return tune_err("Failures RRA does not exist in this RRD");
        }
        'w' | 'f' => {
            let param = scan_long(value).unwrap_or(0);
            if !(1..=28).contains(&param) {
                return tune_err("Parameter must be between 1 and 28");
            }
            return tune_err("Failures RRA does not exist in this RRD");
        }
        'b' => {
            let Some((name, _)) = scan_name(value) else { return tune_err("invalid argument for aberrant-reset") };
            // Without Holt-Winters RRAs there is nothing to reset.
            ds_index(rrd, name)?;
        }
        other => return tune_err(format!("invalid option -- '{other}'")),
    }
    Ok(())
}

/// C's `atof`: the leading number, 0 without one.
fn c_atof(text: &str) -> f64 {
    crate::strnum::rrd_strtod(text).map_or(0.0, |(v, _)| v)
}

/// `rrdtool tune FILE ARGS...`: applies the options in order and writes the changed header.
/// Returns what rrdtool prints (nothing).
pub fn tune<S: AsRef<str>>(path: &Path, args: &[S]) -> Result<String, Error> {
    let name = path.display().to_string();
    let file = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open(path)
        .map_err(|e| Error::Open { path: name.clone(), message: os_message(&e) })?;
    // Locked before reading, as rrdtool's rrd_open (and update_file) do.
    crate::update::lock_whole_file(&file).map_err(|_| Error::Tune("could not lock RRD".into()))?;
    let io_err = |context, source| Error::Io { context, path: path.to_path_buf(), source };
    let len = file.metadata().map_err(|e| io_err("reading", e))?.len();
    let buf = crate::format::read_header_bytes(&file, len).map_err(|e| io_err("reading", e))?;
    let mut rrd = Rrd::parse_header(&buf, len).map_err(|source| Error::Format { path: name, source })?;
    let (options, rest) = split_options(args)?;
    // rrdtool edits its mapping of the file in place: the options before a refused one stay written.
    let mut refused = None;
    for (letter, value) in &options {
        if let Err(e) = apply(&mut rrd, *letter, value) {
            refused = Some(e);
            break;
        }
    }
    if !options.is_empty() {
        let mut head = Vec::new();
        rrd.write_definitions(&mut head);
        file.write_all_at(&head, 0).map_err(|e| io_err("writing", e))?;
        // A type change also resets `last_ds`, in the PDP prep after the live head.
        let mut pdp = Vec::with_capacity(112 * rrd.pdp_prep.len());
        for prep in &rrd.pdp_prep {
            prep.write(&mut pdp);
        }
        let at = head.len() + crate::format::live::LiveHead::size(rrd.version.has_usec());
        file.write_all_at(&pdp, at as u64).map_err(|e| io_err("writing", e))?;
    }
    if let Some(e) = refused {
        return Err(e);
    }
    if let Some(first) = rest.first() {
        let structural = ["DEL:", "DS:", "DELRRA:", "RRA:", "RRA#"].iter().any(|p| first.starts_with(p));
        if structural {
            return tune_err(format!("structural change '{first}' is not supported"));
        }
        return tune_err(format!("unparseable argument: {first}"));
    }
    Ok(String::new())
}
