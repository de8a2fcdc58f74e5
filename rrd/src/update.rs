//! `rrdtool update`: applying readings `TIME:v1:v2...` to an [`Rrd`] with rrdtool 1.7.2's
//! algorithm, bit for bit, and writing the result back to the file under rrdtool's whole-file
//! `fcntl` write lock, touching only the bytes an update changes.
//!
//! The pipeline per reading, named after rrdtool's glossary:
//! 1. [`parse_reading`]: split the reading along the template, find its time.
//! 2. [`pdp_new_per_ds`]: per DS the new rate × seconds (`pdp_new`) from the raw input,
//!    the previous `last_ds` and the DS type, with the heartbeat and min/max checks.
//! 3. [`elapsed_pdp_steps`]: how many PDP boundaries the reading crosses.
//! 4. no boundary: [`accumulate_pdp`]; otherwise [`close_pdps`] (the finished PDP's rate per
//!    DS), [`consolidate_cdps`] (CDP per RRA × DS with the CF and xff; primary and secondary
//!    values) and [`write_rows`] (advance `cur_row`, store the rows). As in 1.7.2, a reading
//!    that closes several PDPs while the oldest was still open first closes that PDP alone.
//!
//! Like rrdtool (which works on a shared mapping of the file), a reading refused for a bad
//! value leaves the `last_ds` of the data sources before it changed, and readings before a
//! refused one stay applied.

use std::collections::BTreeMap;
use std::fs::File;
use std::os::unix::fs::FileExt as _;
use std::path::Path;

use crate::attime;
use crate::error::{Error, os_message};
use crate::format::ds::DsType;
use crate::format::fixed::FixedStr;
use crate::format::head::STAT_HEAD_SIZE;
use crate::format::rra::Cf;
use crate::format::{Rrd, UNKNOWN};
use crate::format::{ds::DS_DEF_SIZE, rra::RRA_DEF_SIZE};
use crate::strnum::{rrd_diff, strtodbl};

/// Why an update was refused, in rrdtool's words.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum UpdateError {
    /// A template names a DS the file does not have.
    #[error("unknown DS name '{0}'")]
    UnknownDs(String),
    /// A template with more names than the file has data sources.
    #[error("tmplt contains more DS definitions than RRD")]
    TemplateTooLong,
    /// Another process holds a lock on the file.
    #[error("could not lock RRD")]
    Locked,
    /// Neither `:` nor `@` in a reading.
    #[error("expected timestamp not found in data source from {0}")]
    NoTimestamp(String),
    /// Too few values.
    #[error("expected {expected} data source readings (got {got}) from {time}")]
    ValueCount {
        /// Values the template (or the file) needs.
        expected: usize,
        /// Values found.
        got: usize,
        /// The reading's time text.
        time: String,
    },
    /// Text after the last expected value.
    #[error("found extra data on update argument: {0}")]
    ExtraData(String),
    /// The time is not a number.
    #[error("error while parsing time in get_time_from_reading - {0}")]
    BadTime(String),
    /// An at-style time (`TIME@...`) rrdtool cannot parse.
    #[error("ds time: {0}")]
    AtTime(String),
    /// An at-style time relative to `start` or `end`.
    #[error("specifying time relative to the 'start' or 'end' makes no sense here: {0}")]
    RelativeTime(String),
    /// The time is not after the last update.
    #[error("illegal attempt to update using time {time} when last update time is {last} (minimum one second step)")]
    NotAfterLast {
        /// The reading's time (seconds).
        time: i64,
        /// The file's last update (seconds).
        last: i64,
    },
    /// COUNTER/DERIVE input that is not an integer.
    #[error("not a simple {} integer: '{value}'", if *.signed { "signed" } else { "unsigned" })]
    NotInteger {
        /// DERIVE (signed) or COUNTER.
        signed: bool,
        /// The input.
        value: String,
    },
    /// GAUGE/ABSOLUTE/DCOUNTER/DDERIVE input that is not a number.
    #[error("Function update_pdp_prep, case DST_{kind} - {reason}")]
    NotNumber {
        /// The DS type name.
        kind: &'static str,
        /// rrdtool's conversion text.
        reason: String,
    },
}

impl UpdateError {
    /// Whether rrdtool puts the file name before the message (errors of one reading).
    pub fn names_file(&self) -> bool {
        !matches!(self, UpdateError::UnknownDs(_) | UpdateError::TemplateTooLong | UpdateError::Locked)
    }

    /// The message as rrdtool prints it for file `path`.
    pub fn message_for(&self, path: &str) -> String {
        if self.names_file() { format!("{path}: {self}") } else { self.to_string() }
    }
}

/// The current time, seconds and microseconds (for `N` and `now@`).
pub fn now_with_usec() -> (i64, i64) {
    match std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH) {
        Ok(d) => (i64::try_from(d.as_secs()).unwrap_or(i64::MAX), i64::from(d.subsec_micros())),
        Err(_) => (0, 0),
    }
}

/// Which DS each value of a reading feeds: the template's order, or all DS in file order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Template(Vec<usize>);

impl Template {
    /// The template `names` (`ds:ds:...`) resolved against `rrd`, or all DS without one.
    pub fn resolve(rrd: &Rrd, names: Option<&str>) -> Result<Self, UpdateError> {
        let Some(names) = names else {
            return Ok(Self((0..rrd.ds.len()).collect()));
        };
        let mut out = Vec::new();
        for name in names.split(':') {
            if out.len() >= rrd.ds.len() {
                return Err(UpdateError::TemplateTooLong);
            }
            let index = rrd
                .ds
                .iter()
                .position(|d| d.name.as_bytes() == name.as_bytes())
                .ok_or_else(|| UpdateError::UnknownDs(name.to_string()))?;
            out.push(index);
        }
        Ok(Self(out))
    }
}

/// The regions of the file an update changed.
#[derive(Debug, Default, Clone)]
pub struct Dirty {
    /// Live head, PDP/CDP prep or row pointers changed.
    pub header: bool,
    /// The rows written, by (RRA, row), with their final values (one per DS). Kept here so a
    /// file can be updated from its header alone, without reading the data area.
    pub rows: BTreeMap<(usize, u64), Vec<f64>>,
}

/// One reading split into its time text, its syntax (`:` or `@`) and a value per DS.
fn parse_reading<'a>(
    arg: &'a str,
    template: &Template,
    ds_cnt: usize,
) -> Result<(&'a str, bool, Vec<&'a str>), UpdateError> {
    let (sep_at, at_syntax) = match arg.find('@') {
        Some(i) => (i, true),
        None => match arg.find(':') {
            Some(i) => (i, false),
            None => return Err(UpdateError::NoTimestamp(arg.to_string())),
        },
    };
    let time = arg.get(..sep_at).unwrap_or("");
    let rest = arg.get(sep_at + 1..).unwrap_or("");
    let mut values = vec!["U"; ds_cnt];
    let want = template.0.len();
    let mut parts = rest.splitn(want + 1, ':');
    let mut got = 0;
    for &ds in &template.0 {
        match parts.next() {
            Some(v) => {
                if let Some(slot) = values.get_mut(ds) {
                    *slot = v;
                }
                got += 1;
            }
            None => break,
        }
    }
    if got < want {
        return Err(UpdateError::ValueCount { expected: want, got, time: time.to_string() });
    }
    if let Some(extra) = parts.next() {
        return Err(UpdateError::ExtraData(extra.to_string()));
    }
    Ok((time, at_syntax, values))
}

/// The reading's time as (seconds, microseconds).
fn reading_time(text: &str, at_syntax: bool, now: (i64, i64), has_usec: bool) -> Result<(i64, i64), UpdateError> {
    let (t, usec) = if at_syntax {
        let word = text.trim_start();
        if word.starts_with("start") || word.starts_with("end") {
            return Err(UpdateError::RelativeTime(text.to_string()));
        }
        let t = attime::parse(text, now.0).map_err(|e| UpdateError::AtTime(format!("{text}: {e}")))?;
        (t, 0)
    } else if text == "N" {
        now
    } else {
        let v = strtodbl(text).map_err(UpdateError::BadTime)?;
        let secs = v.floor();
        let usec = ((v - secs) * 1e6) as i64;
        (secs as i64, usec)
    };
    Ok((t, if has_usec { usec } else { 0 }))
}

/// Step 2 (rrdtool's `update_pdp_prep`): per DS the new `pdp_new` (rate × seconds, NaN when
/// unknown), and the raw input stored as the next `last_ds`.
fn pdp_new_per_ds(rrd: &mut Rrd, values: &[&str], interval: f64) -> Result<Vec<f64>, UpdateError> {
    let mut pdp_new = vec![UNKNOWN; rrd.ds.len()];
    for (i, (ds, prep)) in rrd.ds.iter().zip(rrd.pdp_prep.iter_mut()).enumerate() {
        let value = values.get(i).copied().unwrap_or("U");
        let within_heartbeat = (ds.heartbeat as f64) >= interval;
        if !within_heartbeat {
            prep.last_ds = FixedStr::truncated("U");
        }
        let mut new = UNKNOWN;
        if !value.starts_with('U') && within_heartbeat {
            let last_known = !prep.last_ds.as_bytes().starts_with(b"U");
            let last = prep.last_ds.as_str();
            let mut rate = f64::NAN;
            let number =
                |v: &str| strtodbl(v).map_err(|reason| UpdateError::NotNumber { kind: ds.kind.name(), reason });
            match ds.kind {
                DsType::Counter | DsType::Derive => {
                    let signed = ds.kind == DsType::Derive;
                    let ok =
                        value.bytes().enumerate().all(|(j, b)| b.is_ascii_digit() || (signed && j == 0 && b == b'-'));
                    if !ok {
                        return Err(UpdateError::NotInteger { signed, value: value.to_string() });
                    }
                    if last_known {
                        new = rrd_diff(value, &last);
                        if ds.kind == DsType::Counter {
                            if new < 0.0 {
                                new += 4_294_967_295.0;
                            }
                            if new < 0.0 {
                                new += 18_446_744_069_414_584_320.0;
                            }
                        }
                        rate = new / interval;
                    }
                }
                DsType::Dcounter | DsType::Dderive => {
                    if last_known {
                        let current = number(value)?;
                        let previous = number(&last)?;
                        let reset = ds.kind == DsType::Dcounter
                            && ((current > 0.0 && current < previous) || (current < 0.0 && current > previous));
                        if reset {
                            new = UNKNOWN;
                        } else {
                            new = current - previous;
                            rate = new / interval;
                        }
                    }
                }
                DsType::Absolute => {
                    new = number(value)?;
                    rate = new / interval;
                }
                DsType::Gauge => {
                    new = number(value)? * interval;
                    rate = new / interval;
                }
            }
            let too_big = !ds.max.is_nan() && rate > ds.max;
            let too_small = !ds.min.is_nan() && rate < ds.min;
            if !rate.is_nan() && (too_big || too_small) {
                new = UNKNOWN;
            }
        }
        if let Some(slot) = pdp_new.get_mut(i) {
            *slot = new;
        }
        prep.last_ds = FixedStr::truncated(value);
    }
    Ok(pdp_new)
}

/// Step 3: the number of PDP boundaries between the last update and `t`, with the seconds
/// before the last boundary (`pre_int`) and after it (`post_int`), and the PDP count at the
/// last update (`proc_pdp_cnt`).
fn elapsed_pdp_steps(rrd: &Rrd, t: i64, usec: i64, interval: f64) -> (u64, f64, f64, u64) {
    let step = rrd.pdp_step as i64;
    let last_up = rrd.live.last_up;
    let proc_pdp_st = last_up - last_up.rem_euclid(step);
    let occu_age = t.rem_euclid(step);
    let occu_pdp_st = t - occu_age;
    let (pre_int, post_int) = if occu_pdp_st > proc_pdp_st {
        let pre = (occu_pdp_st - last_up) as f64 - rrd.live.last_up_usec as f64 / 1e6;
        let post = occu_age as f64 + usec as f64 / 1e6;
        (pre, post)
    } else {
        (interval, 0.0)
    };
    let elapsed = ((occu_pdp_st - proc_pdp_st) / step).max(0) as u64;
    (elapsed, pre_int, post_int, (proc_pdp_st / step) as u64)
}

/// Step 4a (rrdtool's `simple_update`): the reading stays inside the open PDP.
fn accumulate_pdp(rrd: &mut Rrd, interval: f64, pdp_new: &[f64]) {
    for (prep, new) in rrd.pdp_prep.iter_mut().zip(pdp_new) {
        if new.is_nan() {
            prep.unkn_sec_cnt = (prep.unkn_sec_cnt as f64 + interval.floor()) as u64;
        } else if prep.val.is_nan() {
            prep.val = *new;
        } else {
            prep.val += new;
        }
    }
}

/// Step 4b (rrdtool's `process_all_pdp_st`): the rate of the PDP(s) just finished per DS
/// (`pdp_temp`), and the PDP prep reset for the next one.
fn close_pdps(rrd: &mut Rrd, interval: f64, pre_int: f64, post_int: f64, elapsed: u64, pdp_new: &[f64]) -> Vec<f64> {
    let step = rrd.pdp_step;
    let diff_pdp_st = elapsed.wrapping_mul(step);
    let mut pdp_temp = Vec::with_capacity(rrd.ds.len());
    for ((ds, prep), new) in rrd.ds.iter().zip(rrd.pdp_prep.iter_mut()).zip(pdp_new) {
        let mut pre_unknown = 0.0;
        if new.is_nan() {
            pre_unknown = pre_int;
        } else {
            if prep.val.is_nan() {
                prep.val = 0.0;
            }
            prep.val += new / interval * pre_int;
        }
        let rate = if interval > ds.heartbeat as f64 || (step as f64 / 2.0) < prep.unkn_sec_cnt as i64 as f64 {
            UNKNOWN
        } else {
            prep.val / (diff_pdp_st.wrapping_sub(prep.unkn_sec_cnt) as f64 - pre_unknown)
        };
        pdp_temp.push(rate);
        if new.is_nan() {
            prep.unkn_sec_cnt = post_int.floor() as u64;
            prep.val = UNKNOWN;
        } else {
            prep.unkn_sec_cnt = 0;
            prep.val = new / interval * post_int;
        }
    }
    pdp_temp
}

/// Step 4c (rrdtool's `update_all_cdp_prep`): per RRA the rows to write, and the CDP prep of
/// each RRA × DS consolidated with the finished PDPs.
fn consolidate_cdps(rrd: &mut Rrd, elapsed: u64, proc_pdp_cnt: u64, pdp_temp: &[f64]) -> Vec<u64> {
    let ds_cnt = rrd.ds.len();
    let mut step_cnt = Vec::with_capacity(rrd.rra.len());
    for (r, def) in rrd.rra.iter().enumerate() {
        let pdp_cnt = def.pdp_cnt;
        let start_pdp_offset = pdp_cnt - proc_pdp_cnt % pdp_cnt;
        let rows =
            if start_pdp_offset <= elapsed { ((elapsed - start_pdp_offset) / pdp_cnt + 1).min(def.row_cnt) } else { 0 };
        step_cnt.push(rows);
        for (d, pdp) in pdp_temp.iter().enumerate().take(ds_cnt) {
            let Some(cdp) = rrd.cdp_prep.get_mut(r * ds_cnt + d) else { continue };
            let pdp = *pdp;
            if pdp_cnt > 1 {
                if rows > 0 {
                    if pdp.is_nan() {
                        cdp.unkn_pdp_cnt = cdp.unkn_pdp_cnt.wrapping_add(start_pdp_offset);
                        cdp.secondary = UNKNOWN;
                    } else {
                        cdp.secondary = pdp;
                    }
                    if cdp.unkn_pdp_cnt as f64 > pdp_cnt as f64 * def.xff {
                        cdp.primary = UNKNOWN;
                    } else {
                        cdp.primary = match def.cf {
                            Cf::Average => {
                                let cum = if cdp.val.is_nan() { 0.0 } else { cdp.val };
                                let cur = if pdp.is_nan() { 0.0 } else { pdp };
                                (cum + cur * start_pdp_offset as f64) / pdp_cnt.wrapping_sub(cdp.unkn_pdp_cnt) as f64
                            }
                            Cf::Max => {
                                let cum = if cdp.val.is_nan() { f64::NEG_INFINITY } else { cdp.val };
                                let cur = if pdp.is_nan() { f64::NEG_INFINITY } else { pdp };
                                if cur > cum { cur } else { cum }
                            }
                            Cf::Min => {
                                let cum = if cdp.val.is_nan() { f64::INFINITY } else { cdp.val };
                                let cur = if pdp.is_nan() { f64::INFINITY } else { pdp };
                                if cur < cum { cur } else { cum }
                            }
                            Cf::Last => pdp,
                        };
                    }
                    let carry = (elapsed - start_pdp_offset) % pdp_cnt;
                    cdp.val = if carry == 0 || pdp.is_nan() {
                        match def.cf {
                            Cf::Max => f64::NEG_INFINITY,
                            Cf::Min => f64::INFINITY,
                            Cf::Average => 0.0,
                            Cf::Last => UNKNOWN,
                        }
                    } else {
                        match def.cf {
                            Cf::Average => pdp * carry as f64,
                            _ => pdp,
                        }
                    };
                    cdp.unkn_pdp_cnt = if pdp.is_nan() { carry } else { 0 };
                } else if pdp.is_nan() {
                    cdp.unkn_pdp_cnt = cdp.unkn_pdp_cnt.wrapping_add(elapsed);
                } else if cdp.val.is_nan() {
                    cdp.val = if def.cf == Cf::Average { pdp * elapsed as f64 } else { pdp };
                } else {
                    cdp.val = match def.cf {
                        Cf::Average => cdp.val + pdp * elapsed as f64,
                        Cf::Min => {
                            if pdp < cdp.val {
                                pdp
                            } else {
                                cdp.val
                            }
                        }
                        Cf::Max => {
                            if pdp > cdp.val {
                                pdp
                            } else {
                                cdp.val
                            }
                        }
                        Cf::Last => pdp,
                    };
                }
            } else {
                // One PDP per row: the PDP itself; the secondary value only when the update
                // wrote more than one row (rrdtool's aberrant-CDP pass and reset_cdp).
                cdp.primary = pdp;
                if elapsed > 1 {
                    cdp.secondary = pdp;
                }
            }
        }
    }
    step_cnt
}

/// Step 4d (rrdtool's `write_to_rras`): per RRA, `rows` times advance `cur_row` and store
/// the primary (first row) or secondary (further rows) values.
fn write_rows(rrd: &mut Rrd, step_cnt: &[u64], dirty: &mut Dirty) {
    let ds_cnt = rrd.ds.len();
    let mut start = 0usize;
    for (r, def) in rrd.rra.iter().enumerate() {
        let rows = step_cnt.get(r).copied().unwrap_or(0);
        for k in 0..rows {
            let Some(cur) = rrd.cur_row.get_mut(r) else { break };
            *cur += 1;
            if *cur >= def.row_cnt {
                *cur = 0;
            }
            let row = *cur;
            let values: Vec<f64> = (0..ds_cnt)
                .map(|d| match rrd.cdp_prep.get(r * ds_cnt + d) {
                    Some(cdp) if k == 0 => cdp.primary,
                    Some(cdp) => cdp.secondary,
                    None => UNKNOWN,
                })
                .collect();
            // A model parsed from the header alone has no data to keep in step.
            let at = start + row as usize * ds_cnt;
            if let Some(slots) = rrd.data.get_mut(at..at + ds_cnt) {
                slots.copy_from_slice(&values);
            }
            dirty.rows.insert((r, row), values);
        }
        start += def.row_cnt as usize * ds_cnt;
    }
}

/// Closes `elapsed` PDPs and consolidates and writes them (steps 4b to 4d).
#[allow(clippy::too_many_arguments)]
fn process_pdp_steps(
    rrd: &mut Rrd,
    interval: f64,
    pre_int: f64,
    post_int: f64,
    elapsed: u64,
    proc_pdp_cnt: u64,
    pdp_new: &[f64],
    dirty: &mut Dirty,
) {
    let pdp_temp = close_pdps(rrd, interval, pre_int, post_int, elapsed, pdp_new);
    let step_cnt = consolidate_cdps(rrd, elapsed, proc_pdp_cnt, &pdp_temp);
    write_rows(rrd, &step_cnt, dirty);
}

/// Options of an update call.
#[derive(Debug, Clone, Copy, Default)]
pub struct UpdateOptions<'a> {
    /// `-t/--template`: the DS names the values feed, in order.
    pub template: Option<&'a str>,
    /// `-s/--skip-past-updates`: readings not after the last update are ignored.
    pub skip_past: bool,
}

impl Rrd {
    /// Applies one reading (`TIME:v1:v2...`, `N:...`, `TIME@v1:...`) as rrdtool 1.7.2 does.
    /// `now` is the time for `N` (seconds, microseconds). On an error the model may still have
    /// changed the way rrdtool's file does (see the module doc); `dirty` tells what.
    pub fn update_reading(
        &mut self,
        template: &Template,
        arg: &str,
        now: (i64, i64),
        skip_past: bool,
        dirty: &mut Dirty,
    ) -> Result<(), UpdateError> {
        let (time, at_syntax, values) = parse_reading(arg, template, self.ds.len())?;
        let (t, usec) = reading_time(time, at_syntax, now, self.version.has_usec())?;
        let (last_up, last_usec) = (self.live.last_up, self.live.last_up_usec);
        if t < last_up || (t == last_up && usec <= last_usec) {
            if skip_past {
                return Ok(());
            }
            return Err(UpdateError::NotAfterLast { time: t, last: last_up });
        }
        let interval = (t - last_up) as f64 + (usec - last_usec) as f64 / 1e6;
        dirty.header = true;
        let pdp_new = pdp_new_per_ds(self, &values, interval)?;
        let (elapsed, pre_int, post_int, proc_pdp_cnt) = elapsed_pdp_steps(self, t, usec, interval);
        if elapsed == 0 {
            accumulate_pdp(self, interval, &pdp_new);
        } else {
            // The whole seconds of the oldest PDP still open, as C's `(long) pre_int % step`.
            let open = ((pre_int as i64).wrapping_rem(self.pdp_step as i64)) as f64;
            if elapsed > 1 && open != 0.0 {
                // 1.7.2: the open PDP is closed on its own first, over its whole seconds with
                // their share of the reading; the other PDPs follow with the rest.
                let first: Vec<f64> = pdp_new.iter().map(|n| n * open / interval).collect();
                process_pdp_steps(self, open, open, 0.0, 1, proc_pdp_cnt, &first, dirty);
                let rest: Vec<f64> = pdp_new.iter().zip(&first).map(|(n, f)| n - f).collect();
                let (interval, pre_int) = (interval - open, pre_int - open);
                process_pdp_steps(self, interval, pre_int, post_int, elapsed - 1, proc_pdp_cnt + 1, &rest, dirty);
            } else {
                process_pdp_steps(self, interval, pre_int, post_int, elapsed, proc_pdp_cnt, &pdp_new, dirty);
            }
        }
        self.live.last_up = t;
        self.live.last_up_usec = usec;
        Ok(())
    }

    /// Applies readings one after another, stopping at the first refused one (the ones
    /// before it stay applied, as with rrdtool).
    pub fn update<S: AsRef<str>>(
        &mut self,
        options: UpdateOptions<'_>,
        readings: &[S],
        dirty: &mut Dirty,
    ) -> Result<(), UpdateError> {
        let template = Template::resolve(self, options.template)?;
        let now = now_with_usec();
        for arg in readings {
            self.update_reading(&template, arg.as_ref(), now, options.skip_past, dirty)?;
        }
        Ok(())
    }

    /// Byte offset of the live head in the file.
    pub(crate) fn live_head_offset(&self) -> usize {
        STAT_HEAD_SIZE + DS_DEF_SIZE * self.ds.len() + RRA_DEF_SIZE * self.rra.len()
    }
}

/// Takes rrdtool's whole-file write lock, failing at once when another process holds a lock.
pub(crate) fn lock_whole_file(file: &File) -> Result<(), UpdateError> {
    if crate::lock::write(file) { Ok(()) } else { Err(UpdateError::Locked) }
}

/// `rrdtool update FILE [options] READING...` on the file at `path`: lock, read, apply,
/// and write back only the changed bytes (live head through row pointers, and the rows
/// written). Readings before a refused one stay written, as with rrdtool.
pub fn update_file<S: AsRef<str>>(path: &Path, options: UpdateOptions<'_>, readings: &[S]) -> Result<Rrd, Error> {
    let name = path.display().to_string();
    let file = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open(path)
        .map_err(|e| Error::Open { path: name.clone(), message: os_message(&e) })?;
    // Locked before reading, as rrdtool 1.7's rrd_open: a header read unlocked could be one
    // another writer is about to change.
    lock_whole_file(&file).map_err(|source| Error::Update { path: name.clone(), source })?;
    let io_err = |source| Error::Io { context: "reading", path: path.to_path_buf(), source };
    let len = file.metadata().map_err(io_err)?.len();
    let buf = crate::format::read_header_bytes(&file, len).map_err(io_err)?;
    let mut rrd = Rrd::parse_header(&buf, len).map_err(|source| Error::Format { path: name.clone(), source })?;
    let mut dirty = Dirty::default();
    let result = rrd.update(options, readings, &mut dirty);
    write_dirty(&file, &rrd, &dirty).map_err(|source| Error::Io {
        context: "writing",
        path: path.to_path_buf(),
        source,
    })?;
    result.map_err(|source| Error::Update { path: name, source })?;
    Ok(rrd)
}

/// Writes the regions `dirty` names from `rrd` to `file` with positioned writes, in the order
/// [`write_dirty_with`] explains.
pub fn write_dirty(file: &File, rrd: &Rrd, dirty: &Dirty) -> std::io::Result<()> {
    write_dirty_with(rrd, dirty, |bytes, offset| file.write_all_at(bytes, offset))
}

/// Writes the regions `dirty` names from `rrd` through `write_at(bytes, offset)`: first the
/// rows, then the live head through the row pointers in one write.
///
/// The order is what keeps a file valid when the process dies between two writes (each
/// `pwrite` to the page cache, or store to a shared mapping, survives the process): rows
/// written before the header only replace the oldest rows of each RRA's ring, beyond
/// `cur_row`, and the old header still describes a consistent file; once the header write
/// lands, `cur_row` points at rows already written. The other order could leave a `cur_row`
/// pointing at a stale row whose CDP prep was already consumed.
pub(crate) fn write_dirty_with(
    rrd: &Rrd,
    dirty: &Dirty,
    mut write_at: impl FnMut(&[u8], u64) -> std::io::Result<()>,
) -> std::io::Result<()> {
    let ds_cnt = rrd.ds.len();
    let header = rrd.header_size() as u64;
    let mut buf = Vec::with_capacity(ds_cnt * 8);
    for (&(r, row), values) in &dirty.rows {
        buf.clear();
        for v in values {
            buf.extend_from_slice(&v.to_le_bytes());
        }
        let offset = header + (rrd.rra_data_start(r) as u64 + row * ds_cnt as u64) * 8;
        write_at(&buf, offset)?;
    }
    // Stores to a mapping must not be reordered past the header's.
    std::sync::atomic::compiler_fence(std::sync::atomic::Ordering::SeqCst);
    if dirty.header {
        let mut bytes = Vec::with_capacity(rrd.header_size() - rrd.live_head_offset());
        rrd.live.write(&mut bytes, rrd.version.has_usec());
        for pdp in &rrd.pdp_prep {
            pdp.write(&mut bytes);
        }
        for cdp in &rrd.cdp_prep {
            cdp.write(&mut bytes);
        }
        for row in &rrd.cur_row {
            bytes.extend_from_slice(&row.to_le_bytes());
        }
        write_at(&bytes, rrd.live_head_offset() as u64)?;
    }
    Ok(())
}
