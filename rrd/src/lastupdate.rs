//! `rrdtool lastupdate`, `first` and `last`: the time of the last update with the raw inputs
//! kept in `last_ds`, the time of an RRA's oldest row, and the time of the last update, printed
//! as rrdtool 1.7.2 prints them.

use crate::error::Error;
use crate::format::Rrd;

/// The text `rrdtool lastupdate FILE` prints: the DS names, a blank line, and
/// `TIME: v1 v2 ...` with each DS's `last_ds`.
pub fn lastupdate(rrd: &Rrd) -> String {
    let mut out = String::new();
    for ds in &rrd.ds {
        out.push(' ');
        out.push_str(&ds.name.as_str());
    }
    out.push_str("\n\n");
    out.push_str(&format!("{:10}:", rrd.live.last_up));
    for prep in &rrd.pdp_prep {
        out.push(' ');
        out.push_str(&prep.last_ds.as_str());
    }
    out.push('\n');
    out
}

/// The end time of the oldest row of RRA `rra_index` (`rrdtool first --rraindex N`).
pub fn first(rrd: &Rrd, rra_index: usize) -> Result<i64, Error> {
    let def = rrd.rra.get(rra_index).ok_or(Error::InvalidRraIndex)?;
    let span = i64::try_from(def.pdp_cnt.saturating_mul(rrd.pdp_step)).unwrap_or(i64::MAX).max(1);
    let rows = i64::try_from(def.row_cnt).unwrap_or(i64::MAX);
    let last = rrd.live.last_up;
    Ok(last - last.rem_euclid(span) - (rows - 1).saturating_mul(span))
}

/// The time of the last update (`rrdtool last`).
pub fn last(rrd: &Rrd) -> i64 {
    rrd.live.last_up
}

/// `first`'s `--rraindex` value as rrdtool reads it (C's `atoi`: leading digits, else 0);
/// negative values are refused like an index beyond the RRAs.
pub fn parse_rra_index(text: &str) -> Result<usize, Error> {
    let t = text.trim_start();
    let (neg, digits) = match t.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, t.strip_prefix('+').unwrap_or(t)),
    };
    let n: String = digits.chars().take_while(char::is_ascii_digit).collect();
    let value: usize = if n.is_empty() { 0 } else { n.parse().map_err(|_| Error::InvalidRraIndex)? };
    if neg && value > 0 {
        return Err(Error::InvalidRraIndex);
    }
    Ok(value)
}
