//! MRTG's summary under a traffic graph: Max, Average and Current for In and Out in bits per
//! second, each also as a share of the interface speed. Computed from the file's finest
//! archive that covers the range, over its known values (as rrdtool's `VDEF` `MAXIMUM`,
//! `AVERAGE` and `LAST`).

use std::path::Path;

use poller::layout::Graph;

use super::GraphError;
use super::data::fetch_at;
use super::kind::kind_def;
use super::range::Range;

/// Max, Average and Current of one direction, in bits per second (None: no known value).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct DirectionSummary {
    /// The highest value.
    pub max: Option<f64>,
    /// The mean of the known values.
    pub average: Option<f64>,
    /// The last known value.
    pub current: Option<f64>,
}

/// MRTG's summary of a traffic file.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct TrafficSummary {
    /// Received traffic.
    pub inbound: DirectionSummary,
    /// Sent traffic.
    pub outbound: DirectionSummary,
    /// The interface speed in bits per second, when known.
    pub speed_bps: Option<u64>,
}

impl TrafficSummary {
    /// `value` as a percentage of the interface speed (None without a speed or a value).
    pub fn percent_of_speed(&self, value: Option<f64>) -> Option<f64> {
        let speed = self.speed_bps.filter(|s| *s > 0)? as f64;
        value.map(|v| v * 100.0 / speed)
    }
}

impl DirectionSummary {
    /// The summary of `values` (NaN: unknown) in time order.
    pub fn of(values: &[f64]) -> DirectionSummary {
        let known = || values.iter().copied().filter(|v| !v.is_nan());
        let count = known().count();
        DirectionSummary {
            max: known().reduce(f64::max),
            average: (count > 0).then(|| known().sum::<f64>() / count as f64),
            current: known().next_back(),
        }
    }
}

/// MRTG's summary of the traffic file `file` over `range`.
pub fn summary(file: &Path, speed_bps: Option<u64>, range: Range) -> Result<TrafficSummary, GraphError> {
    super::check_exists(file)?;
    let def = kind_def(&Graph::Traffic(String::new()));
    let table = fetch_at(file, &def, range, 1).map_err(GraphError::from)?;
    let direction = |i: usize| table.series.get(i).map_or_else(DirectionSummary::default, |v| DirectionSummary::of(v));
    Ok(TrafficSummary { inbound: direction(0), outbound: direction(1), speed_bps })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn direction() {
        let s = DirectionSummary::of(&[f64::NAN, 2.0, 6.0, f64::NAN, 4.0, f64::NAN]);
        assert_eq!(s, DirectionSummary { max: Some(6.0), average: Some(4.0), current: Some(4.0) });
        assert_eq!(DirectionSummary::of(&[f64::NAN]), DirectionSummary::default());
        let t = TrafficSummary { inbound: s, outbound: s, speed_bps: Some(100) };
        assert_eq!(t.percent_of_speed(s.max), Some(6.0));
        assert_eq!(TrafficSummary { speed_bps: Some(0), ..t }.percent_of_speed(s.max), None);
    }
}
