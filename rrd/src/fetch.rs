//! Fetch: reading consolidated data back out of an RRD, as `rrdtool fetch` (rrdtool 1.7.2's
//! `rrd_fetch.c`) does, and its command-line form.
//!
//! The pipeline, in rrdtool's words:
//! 1. [`select_rra`]: among the RRAs whose CF matches (with one PDP per row, any of
//!    AVERAGE/MIN/MAX/LAST serves a request for any of them), prefer one whose ring covers the
//!    requested start; among those the one whose step (PDPs per row × `pdp_step`) is closest to
//!    the requested resolution. If none covers the start, take the one covering the most of the
//!    range (ties: the closest step, then the first in the file).
//! 2. [`align`]: the start is rounded down to the chosen RRA's step and the end up to the next
//!    multiple (an aligned end still moves one step on). Each output row is labelled with the
//!    end of its consolidation interval, `start + step` to `end`.
//! 3. [`plan_rows`], [`read_rows`], [`fetch_file`]: the rows come from the ring buffer, oldest at `cur_row + 1`; rows outside the
//!    ring's coverage are UNKNOWN.
//!
//! [`run`] is `rrdtool fetch FILE CF [-r RES] [-s START] [-e END] [-a]` with its argument rules,
//! error texts and output format ([`Fetched::to_text`]).

use std::fmt::Write as _;
use std::fs::File;
use std::os::unix::fs::FileExt;
use std::path::Path;

use crate::attime;
use crate::duration::scaled_duration;
use crate::error::{Error, os_message};
use crate::format::rra::{Cf, HOLT_WINTERS_CFS};
use crate::format::{Rrd, UNKNOWN};

/// The earliest start `rrdtool fetch` accepts: ten 365-day years after the epoch.
pub const EARLIEST_START: i64 = 3600 * 24 * 365 * 10;

/// Why a fetch was refused, with rrdtool's texts.
#[derive(Debug, thiserror::Error)]
pub enum FetchError {
    /// Neither an RRA of the CF nor a one-PDP-per-row RRA of a basic CF exists.
    #[error("the RRD does not contain an RRA matching the chosen CF")]
    NoMatchingRra,
    /// The CF name is not one rrdtool knows.
    #[error("unknown consolidation function '{0}'")]
    UnknownCf(String),
    /// Start after end.
    #[error("start ({0}) should be less than end ({1})")]
    StartAfterEnd(i64, i64),
    /// Start before 1980 (rrdtool's rough check).
    #[error("the first entry to fetch should be after 1980")]
    TooEarly,
    /// Command-line problems (texts already rrdtool's).
    #[error("{0}")]
    Usage(String),
    /// The rows could not be read from the file.
    #[error("fetching cdp from rra")]
    ReadRows,
    /// The file could not be read or is not a usable RRD.
    #[error(transparent)]
    File(#[from] Error),
}

/// The result of a fetch: rows `start + step ..= end` of one value per DS.
#[derive(Debug, Clone, PartialEq)]
pub struct Fetched {
    /// The aligned start (exclusive: the first row ends at `start + step`).
    pub start: i64,
    /// The aligned end: the last row's time.
    pub end: i64,
    /// Seconds per row (the chosen RRA's step).
    pub step: u64,
    /// The index of the RRA the rows come from.
    pub rra: usize,
    /// DS names in file order.
    pub ds_names: Vec<String>,
    /// `rows × ds_names.len()` values, row-major.
    pub data: Vec<f64>,
}

impl Fetched {
    /// Number of rows.
    pub fn row_count(&self) -> usize {
        self.data.len().checked_div(self.ds_names.len()).unwrap_or(0)
    }

    /// The rows with their times (the end of each row's interval).
    pub fn rows(&self) -> impl Iterator<Item = (i64, &[f64])> {
        let step = i64::try_from(self.step).unwrap_or(i64::MAX);
        let width = self.ds_names.len().max(1);
        self.data
            .chunks(width)
            .enumerate()
            .map(move |(i, row)| (self.start.saturating_add(step.saturating_mul(i as i64 + 1)), row))
    }

    /// `rrdtool fetch`'s output: 11 spaces, each DS name right-aligned in 20 columns, a blank
    /// line, then `%10lu:` and ` %0.10e` per value (glibc's `nan`/`-nan` for unknown).
    pub fn to_text(&self) -> String {
        let mut out =
            String::with_capacity(16 + 20 * self.ds_names.len() + self.data.len() * 18 + self.row_count() * 12);
        self.write_text(&mut out);
        out
    }

    /// Appends [`Fetched::to_text`]'s text to `out`.
    pub fn write_text(&self, out: &mut String) {
        out.push_str("           ");
        for name in &self.ds_names {
            let _ = write!(out, "{name:>20}");
        }
        out.push_str("\n\n");
        for (t, row) in self.rows() {
            let _ = write!(out, "{t:>10}:");
            for v in row {
                out.push(' ');
                push_printf_e10(out, *v);
            }
            out.push('\n');
        }
    }
}

/// glibc's `%0.10e`: `-nan` for a NaN with the sign bit (rrdtool's UNKNOWN), `nan` otherwise.
fn push_printf_e10(out: &mut String, v: f64) {
    if v.is_nan() {
        out.push_str(if v.is_sign_negative() { "-nan" } else { "nan" });
    } else {
        crate::numfmt::push_sci10(out, v);
    }
}

/// The chosen RRA for a fetch of `cf` at `resolution` seconds over `[start, end]`.
pub fn select_rra(rrd: &Rrd, cf: Cf, resolution: u64, start: i64, end: i64) -> Result<usize, FetchError> {
    let last_up = i128::from(rrd.live.last_up);
    let (start, end) = (i128::from(start), i128::from(end));
    let mut best_full: Option<(usize, u64)> = None;
    let mut best_part: Option<(usize, i128, u64)> = None;
    for (i, def) in rrd.rra.iter().enumerate() {
        let cf_matches = def.cf == cf || def.pdp_cnt == 1;
        if !cf_matches {
            continue;
        }
        let step = def.pdp_cnt.saturating_mul(rrd.pdp_step);
        let span = i128::from(step).max(1);
        let cal_end = last_up - last_up.rem_euclid(span);
        let cal_start = cal_end - i128::from(step) * i128::from(def.row_cnt);
        let step_diff = resolution.abs_diff(step);
        if cal_start <= start {
            if best_full.is_none_or(|(_, diff)| step_diff < diff) {
                best_full = Some((i, step_diff));
            }
        } else {
            // Coverage of the range: what lies after the ring's first interval starts.
            let covered = end - cal_start;
            let better = match best_part {
                None => true,
                Some((_, best, diff)) => best < covered || (best == covered && step_diff < diff),
            };
            if better {
                best_part = Some((i, covered, step_diff));
            }
        }
    }
    best_full.map(|(i, _)| i).or(best_part.map(|(i, _, _)| i)).ok_or(FetchError::NoMatchingRra)
}

/// `start` rounded down and `end` rounded up past itself to multiples of `step`, as rrdtool
/// sets them (`end + step - end % step`: an aligned end moves one step on).
pub fn align(start: i64, end: i64, step: u64) -> (i64, i64) {
    let step = i128::from(step.max(1));
    let (s, e) = (i128::from(start), i128::from(end));
    let s = s - s.rem_euclid(step);
    let e = e + (step - e.rem_euclid(step));
    (clamp_i64(s), clamp_i64(e))
}

fn clamp_i64(v: i128) -> i64 {
    i64::try_from(v).unwrap_or(if v < 0 { i64::MIN } else { i64::MAX })
}

/// Which rows of RRA `rra` a fetch of `start + step ..= end` needs: UNKNOWN rows before the
/// ring's coverage, up to two contiguous runs of ring rows `(first row, count)` (the ring may
/// wrap once), and UNKNOWN rows after it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct RowPlan {
    /// UNKNOWN rows before the oldest row of the ring.
    pub before: u64,
    /// Ring row runs, in time order; a count of 0 means no run.
    pub runs: [(u64, u64); 2],
    /// UNKNOWN rows after the newest row.
    pub after: u64,
}

/// Plans the rows `start + step ..= end` (aligned to RRA `rra`'s step) as rrdtool walks them:
/// the oldest row is `cur_row + 1`; rows outside the ring's coverage are UNKNOWN.
pub fn plan_rows(rrd: &Rrd, rra: usize, start: i64, end: i64) -> RowPlan {
    let (Some(def), Some(&cur_row)) = (rrd.rra.get(rra), rrd.cur_row.get(rra)) else {
        return RowPlan::default();
    };
    let step = i128::from(def.pdp_cnt.saturating_mul(rrd.pdp_step).max(1));
    let row_cnt = i128::from(def.row_cnt);
    let last_up = i128::from(rrd.live.last_up);
    let rra_end = last_up - last_up.rem_euclid(step);
    let rra_start = rra_end - step * (row_cnt - 1);
    // Index (0 = oldest row in the ring) of the first and one past the last requested row.
    let first = (i128::from(start) + step - rra_start) / step;
    let past_last = row_cnt - (rra_end - i128::from(end)) / step;
    if past_last <= first {
        return RowPlan::default();
    }
    let count = |n: i128| u64::try_from(n.max(0)).unwrap_or(0);
    let mut plan = RowPlan {
        before: count(past_last.min(0) - first.min(0)),
        after: count(past_last.max(row_cnt) - first.max(row_cnt)),
        ..RowPlan::default()
    };
    let (lo, hi) = (first.max(0), past_last.min(row_cnt));
    if lo < hi {
        let pos = (i128::from(cur_row) + 1 + lo) % row_cnt;
        let n = hi - lo;
        let run = n.min(row_cnt - pos);
        plan.runs = [(count(pos), count(run)), (0, count(n - run))];
    }
    plan
}

/// Appends `rows` UNKNOWN rows of `ds_cnt` values.
fn push_unknown(out: &mut Vec<f64>, rows: u64, ds_cnt: usize) {
    let n = usize::try_from(rows).unwrap_or(0).saturating_mul(ds_cnt);
    out.resize(out.len() + n, UNKNOWN);
}

/// The rows `start + step ..= end` (aligned to `step`, RRA `rra`'s step) of a loaded file,
/// appended to `out`.
pub fn read_rows(rrd: &Rrd, rra: usize, start: i64, end: i64, out: &mut Vec<f64>) {
    let ds_cnt = rrd.ds.len();
    let plan = plan_rows(rrd, rra, start, end);
    let base = rrd.rra_data_start(rra);
    push_unknown(out, plan.before, ds_cnt);
    for (row, n) in plan.runs {
        let from = usize::try_from(row).unwrap_or(usize::MAX).saturating_mul(ds_cnt).saturating_add(base);
        let len = usize::try_from(n).unwrap_or(0).saturating_mul(ds_cnt);
        match rrd.data.get(from..from.saturating_add(len)) {
            Some(values) => out.extend_from_slice(values),
            None => push_unknown(out, n, ds_cnt),
        }
    }
    push_unknown(out, plan.after, ds_cnt);
}

/// Fetches `cf` data at about `resolution` seconds per row for `[start, end]` from a loaded file.
pub fn fetch(rrd: &Rrd, cf: Cf, resolution: u64, start: i64, end: i64) -> Result<Fetched, FetchError> {
    let rra = select_rra(rrd, cf, resolution, start, end)?;
    let step = rrd.rra.get(rra).map_or(1, |def| def.pdp_cnt.saturating_mul(rrd.pdp_step).max(1));
    let (start, end) = align(start, end, step);
    let mut data = Vec::new();
    read_rows(rrd, rra, start, end, &mut data);
    let ds_names = rrd.ds.iter().map(|d| d.name.as_str().into_owned()).collect();
    Ok(Fetched { start, end, step, rra, ds_names, data })
}

/// Fetches from the file at `path` (see [`fetch`]) reading only the header and the rows needed,
/// as rrdtool does.
pub fn fetch_file(
    path: impl AsRef<Path>,
    cf: Cf,
    resolution: u64,
    start: i64,
    end: i64,
) -> Result<Fetched, FetchError> {
    let path = path.as_ref();
    let name = || path.display().to_string();
    let open_err = |e: std::io::Error| Error::Open { path: name(), message: os_message(&e) };
    let file = File::open(path).map_err(open_err)?;
    if !crate::lock::read(&file) {
        return Err(Error::Locked.into());
    }
    let file_len = file.metadata().map_err(open_err)?.len();
    let header = crate::format::read_header_bytes(&file, file_len).map_err(open_err)?;
    let rrd = Rrd::parse_header(&header, file_len).map_err(|source| Error::Format { path: name(), source })?;
    let rra = select_rra(&rrd, cf, resolution, start, end)?;
    let step = rrd.rra.get(rra).map_or(1, |def| def.pdp_cnt.saturating_mul(rrd.pdp_step).max(1));
    let (start, end) = align(start, end, step);
    let ds_cnt = rrd.ds.len();
    let plan = plan_rows(&rrd, rra, start, end);
    let rows = plan.before + plan.runs[0].1 + plan.runs[1].1 + plan.after;
    let mut data = Vec::with_capacity(usize::try_from(rows).unwrap_or(0).saturating_mul(ds_cnt));
    push_unknown(&mut data, plan.before, ds_cnt);
    let rra_offset = rrd.header_size() as u64 + 8 * rrd.rra_data_start(rra) as u64;
    let mut bytes = Vec::new();
    for (row, n) in plan.runs {
        if n == 0 {
            continue;
        }
        let len = usize::try_from(n * ds_cnt as u64 * 8).map_err(|_| FetchError::ReadRows)?;
        bytes.resize(len, 0);
        file.read_exact_at(&mut bytes, rra_offset + row * ds_cnt as u64 * 8).map_err(|_| FetchError::ReadRows)?;
        data.extend(bytes.chunks_exact(8).map(|b| f64::from_le_bytes(b.try_into().unwrap_or([0; 8]))));
    }
    push_unknown(&mut data, plan.after, ds_cnt);
    let ds_names = rrd.ds.iter().map(|d| d.name.as_str().into_owned()).collect();
    Ok(Fetched { start, end, step, rra, ds_names, data })
}

/// The options of `rrdtool fetch` after parsing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FetchArgs {
    /// The file.
    pub file: String,
    /// The CF name as given.
    pub cf: String,
    /// `-r`, seconds (rrdtool's default is 1).
    pub resolution: u64,
    /// `-s` (default `end-24h`).
    pub start: String,
    /// `-e` (default `now`).
    pub end: String,
    /// `-a`: align the start to the resolution.
    pub align_start: bool,
}

/// Parses `rrdtool fetch`'s arguments (after the word `fetch`): options may come anywhere, `--`
/// ends them, extra positional arguments are ignored. The resolution is checked as it is read.
pub fn parse_args(args: &[&str]) -> Result<FetchArgs, FetchError> {
    let mut parsed = FetchArgs {
        file: String::new(),
        cf: String::new(),
        resolution: 1,
        start: "end-24h".to_string(),
        end: "now".to_string(),
        align_start: false,
    };
    let mut positional: Vec<&str> = Vec::new();
    let mut iter = args.iter().copied();
    while let Some(arg) = iter.next() {
        if arg == "--" {
            positional.extend(iter.by_ref());
            break;
        }
        if let Some(long) = arg.strip_prefix("--") {
            let (name, inline) = match long.split_once('=') {
                Some((n, v)) => (n, Some(v)),
                None => (long, None),
            };
            let letter = match name {
                "resolution" => 'r',
                "start" => 's',
                "end" => 'e',
                "align-start" => 'a',
                "daemon" => 'd',
                _ => return Err(usage(format!("invalid option -- '{name}'"))),
            };
            if letter == 'a' {
                parsed.align_start = true;
                continue;
            }
            let value =
                inline.or_else(|| iter.next()).ok_or_else(|| usage(format!("option requires argument -- '{name}'")))?;
            apply_option(&mut parsed, letter, value)?;
        } else if let Some(short) = arg.strip_prefix('-').filter(|s| !s.is_empty()) {
            // A bundle of flags (`-a`) possibly ending in one option with its value (`-r600`).
            let mut rest = short;
            while let Some(letter) = rest.chars().next() {
                rest = rest.get(letter.len_utf8()..).unwrap_or("");
                match letter {
                    'a' => parsed.align_start = true,
                    'r' | 's' | 'e' | 'd' => {
                        let value = if rest.is_empty() { iter.next() } else { Some(rest) };
                        let value = value.ok_or_else(|| usage(format!("option requires an argument -- '{letter}'")))?;
                        apply_option(&mut parsed, letter, value)?;
                        break;
                    }
                    other => return Err(usage(format!("invalid option -- '{other}'"))),
                }
            }
        } else {
            positional.push(arg);
        }
    }
    let mut positional = positional.into_iter();
    match (positional.next(), positional.next()) {
        (Some(file), Some(cf)) => {
            parsed.file = file.to_string();
            parsed.cf = cf.to_string();
            Ok(parsed)
        }
        _ => Err(usage("Usage: rrdtool fetch <file> <CF> [options]".to_string())),
    }
}

fn usage(message: String) -> FetchError {
    FetchError::Usage(message)
}

fn apply_option(parsed: &mut FetchArgs, letter: char, value: &str) -> Result<(), FetchError> {
    match letter {
        'r' => {
            parsed.resolution = scaled_duration(value, 1).map_err(|e| usage(format!("resolution: {e}")))?;
        }
        's' => parsed.start = value.to_string(),
        'e' => parsed.end = value.to_string(),
        _ => return Err(usage("option --daemon is not supported".to_string())),
    }
    Ok(())
}

/// Resolves the times and checks them as `rrdtool fetch` does before opening the file; returns
/// `(start, end)`.
pub fn resolve_times(args: &FetchArgs, now: i64) -> Result<(i64, i64), FetchError> {
    let (mut start, end) = attime::start_end(&args.start, &args.end, now).map_err(FetchError::Usage)?;
    if args.align_start {
        start -= start.rem_euclid(i64::try_from(args.resolution).unwrap_or(i64::MAX).max(1));
    }
    if start < EARLIEST_START {
        return Err(FetchError::TooEarly);
    }
    if end < start {
        return Err(FetchError::StartAfterEnd(start, end));
    }
    Ok((start, end))
}

/// `rrdtool fetch ARGS` (the arguments after `fetch`) at time `now`: the text rrdtool prints on
/// success, or the error (rrdtool prints `ERROR: ` and the message).
pub fn run(args: &[&str], now: i64) -> Result<String, FetchError> {
    let parsed = parse_args(args)?;
    let (start, end) = resolve_times(&parsed, now)?;
    let Some(cf) = Cf::from_name(&parsed.cf) else {
        if HOLT_WINTERS_CFS.contains(&parsed.cf.as_str()) {
            // rrdtool knows these CFs; this crate's files never hold such RRAs.
            Rrd::load(&parsed.file)?;
            return Err(FetchError::NoMatchingRra);
        }
        return Err(FetchError::UnknownCf(parsed.cf));
    };
    let fetched = fetch_file(&parsed.file, cf, parsed.resolution, start, end)?;
    Ok(fetched.to_text())
}
