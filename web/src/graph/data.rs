//! The numbers behind a graph: fetched from the archive that fits the range (rrdtool's
//! choice, [`rrd::fetch::fetch_file`]), turned into the kind's series, then consolidated to
//! the pixel width by averaging whole groups of rows (as rrdtool's graph does), unknown
//! values staying unknown so that they are drawn as gaps. Also the 95th percentile.

use std::path::Path;

use rrd::fetch::{FetchError, fetch_file};
use rrd::format::rra::Cf;

use super::kind::{Bound, KindDef, bind};
use super::range::Range;

/// Series on a common time grid: value `i` covers `(start + i·step, start + (i+1)·step]`.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    /// The start of the first row's interval.
    pub start: i64,
    /// Seconds per row.
    pub step: u64,
    /// One vector of values per series (NaN: unknown), all of one length.
    pub series: Vec<Vec<f64>>,
}

impl Table {
    /// The number of rows.
    pub fn rows(&self) -> usize {
        self.series.first().map_or(0, Vec::len)
    }

    /// The time of row `i` (the end of its interval, as rrdtool labels rows).
    pub fn time(&self, i: usize) -> i64 {
        let step = i64::try_from(self.step).unwrap_or(i64::MAX);
        self.start.saturating_add(step.saturating_mul(i as i64 + 1))
    }

    /// This table with groups of `factor` rows averaged into one (unknown values left out of
    /// the average; a group with none known is unknown). Groups are aligned on multiples of
    /// the new step, as rrdtool's graph aligns them.
    pub fn consolidated(&self, factor: usize) -> Table {
        if factor <= 1 {
            return self.clone();
        }
        let step = self.step.saturating_mul(factor as u64);
        let step_i = i64::try_from(step).unwrap_or(i64::MAX).max(1);
        let start = self.start - self.start.rem_euclid(step_i);
        // Rows of the first group that lie before our first row.
        let skip = usize::try_from((self.start - start) / i64::try_from(self.step).unwrap_or(1).max(1)).unwrap_or(0);
        let series = self
            .series
            .iter()
            .map(|values| {
                let mut out = Vec::with_capacity(values.len() / factor + 2);
                let (mut sum, mut known, mut seen) = (0.0, 0u32, skip);
                for &v in values {
                    if !v.is_nan() {
                        sum += v;
                        known += 1;
                    }
                    seen += 1;
                    if seen == factor {
                        out.push(if known > 0 { sum / f64::from(known) } else { f64::NAN });
                        (sum, known, seen) = (0.0, 0, 0);
                    }
                }
                if seen > 0 {
                    out.push(if known > 0 { sum / f64::from(known) } else { f64::NAN });
                }
                out
            })
            .collect();
        Table { start, step, series }
    }
}

/// Why the data could not be read.
#[derive(Debug, thiserror::Error)]
pub enum DataError {
    /// The file is not a readable RRD or lacks what the kind draws.
    #[error("{0}")]
    BadFile(String),
    /// The file is locked or could not be read.
    #[error(transparent)]
    Fetch(#[from] FetchError),
}

/// The kind's series of `file` over `range` at the file's resolution that fits `columns`
/// pixel columns (not yet consolidated), with the rows after `range.end` cut.
pub fn fetch_series(file: &Path, def: &KindDef, range: Range, columns: u32) -> Result<Table, DataError> {
    let resolution = u64::try_from(range.span() / i64::from(columns.max(1))).unwrap_or(1).max(1);
    fetch_at(file, def, range, resolution)
}

/// Like [`fetch_series`] at about `resolution` seconds per row.
pub fn fetch_at(file: &Path, def: &KindDef, range: Range, resolution: u64) -> Result<Table, DataError> {
    let fetched = fetch_file(file, Cf::Average, resolution, range.start, range.end)?;
    let bound: Vec<Bound> = bind(def, &fetched.ds_names).map_err(DataError::BadFile)?;
    let width = fetched.ds_names.len().max(1);
    let step = i64::try_from(fetched.step).unwrap_or(i64::MAX).max(1);
    // Rows whose interval starts at or after the range's end are outside it.
    let rows = usize::try_from((range.end - fetched.start + step - 1) / step).unwrap_or(0).min(fetched.row_count());
    let series =
        bound.iter().map(|b| fetched.data.chunks_exact(width).take(rows).map(|row| b.value(row)).collect()).collect();
    Ok(Table { start: fetched.start, step: fetched.step, series })
}

/// The group size that brings rows of `step` seconds down to at most one per pixel column.
pub fn factor_for(range: Range, columns: u32, step: u64) -> usize {
    let per_pixel = range.span() as f64 / f64::from(columns.max(1));
    let factor = (per_pixel / step.max(1) as f64).ceil();
    if factor.is_finite() && factor > 1.0 { factor as usize } else { 1 }
}

/// The 95th percentile of the known values as network operators bill it: the values sorted,
/// the top 5 % dropped, the highest left (nearest rank, `ceil(0.95·n)`). None without values.
pub fn percentile_95(values: &[f64]) -> Option<f64> {
    percentile(values, 95.0)
}

/// The `p`th percentile (nearest rank) of the known values.
pub fn percentile(values: &[f64], p: f64) -> Option<f64> {
    let mut known: Vec<f64> = values.iter().copied().filter(|v| v.is_finite()).collect();
    if known.is_empty() {
        return None;
    }
    known.sort_by(f64::total_cmp);
    let rank = (p / 100.0 * known.len() as f64).ceil() as usize;
    known.get(rank.clamp(1, known.len()) - 1).copied()
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;

    const NAN: f64 = f64::NAN;

    fn same(a: &[f64], b: &[f64]) -> bool {
        a.len() == b.len() && a.iter().zip(b).all(|(x, y)| (x.is_nan() && y.is_nan()) || x == y)
    }

    #[test]
    fn consolidation_averages_known_values_and_keeps_gaps() {
        let t = Table { start: 600, step: 300, series: vec![vec![1.0, 3.0, NAN, NAN, NAN, NAN, 5.0, NAN, 2.0]] };
        let c = t.consolidated(2);
        assert_eq!((c.start, c.step), (600, 600));
        assert!(same(&c.series[0], &[2.0, NAN, NAN, 5.0, 2.0]), "{:?}", c.series[0]);
        assert_eq!(c.time(0), 1200);
        // A start inside a group: the first group is short.
        let t = Table { start: 900, step: 300, series: vec![vec![4.0, 2.0, 6.0]] };
        let c = t.consolidated(2);
        assert_eq!(c.start, 600);
        assert!(same(&c.series[0], &[4.0, 4.0]), "{:?}", c.series[0]);
        assert_eq!(t.consolidated(1), t);
    }

    #[test]
    fn factor() {
        let day = Range { start: 0, end: 86_400 };
        assert_eq!(factor_for(day, 600, 300), 1);
        assert_eq!(factor_for(day, 600, 60), 3);
        assert_eq!(factor_for(day, 0, 60), 1440);
    }

    #[test]
    fn percentiles() {
        let values: Vec<f64> = (1..=100).map(f64::from).collect();
        assert_eq!(percentile_95(&values), Some(95.0));
        let mut with_gaps = values.clone();
        with_gaps.extend([NAN; 50]);
        assert_eq!(percentile_95(&with_gaps), Some(95.0));
        assert_eq!(percentile_95(&[7.0]), Some(7.0));
        assert_eq!(percentile_95(&[NAN, NAN]), None);
        assert_eq!(percentile_95(&(1..=20).map(f64::from).collect::<Vec<_>>()), Some(19.0));
    }
}
