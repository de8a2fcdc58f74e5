//! What each kind of file is drawn as: its series (which data sources, turned into what
//! unit), how each is drawn (MRTG's filled green "in" area and blue "out" line for traffic),
//! the axis unit and its base (1000 or 1024), and whether the 95th percentile is shown.

use poller::layout::Graph;

/// How a series is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Look {
    /// A filled area from zero (MRTG's "in").
    Area,
    /// A line.
    Line,
}

/// How a series' value is computed from a row of the file's data sources.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Derive {
    /// One data source times a factor.
    Scaled(&'static str, f64),
    /// One data source minus another (used = total - available).
    Difference(&'static str, &'static str),
    /// One data source as a percentage of the sum of all of them (CPU ticks).
    ShareOfAll(&'static str),
}

/// One drawn series.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SeriesDef {
    /// Its name in JSON and CSV (`in`, `out`, `user`, ...).
    pub name: &'static str,
    /// Its legend text.
    pub label: &'static str,
    /// How it is drawn.
    pub look: Look,
    /// How it is computed.
    pub derive: Derive,
}

/// How a kind of file is drawn.
#[derive(Debug, Clone, PartialEq)]
pub struct KindDef {
    /// The unit of the values (`bit/s`, `%`, `B`, ...; empty for plain numbers).
    pub unit: &'static str,
    /// The vertical axis label.
    pub axis_label: &'static str,
    /// 1000 for SI prefixes, 1024 for bytes.
    pub base: f64,
    /// The series, drawn in order (areas first reads best).
    pub series: Vec<SeriesDef>,
    /// Whether the 95th percentile of each series is drawn (traffic).
    pub percentile: bool,
    /// A fixed top of the vertical axis (percentages), if any.
    pub fixed_max: Option<f64>,
}

const fn series(name: &'static str, label: &'static str, look: Look, derive: Derive) -> SeriesDef {
    SeriesDef { name, label, look, derive }
}

/// The drawing of a file of kind `graph`.
pub fn kind_def(graph: &Graph) -> KindDef {
    use Derive::{Difference, Scaled, ShareOfAll};
    use Look::{Area, Line};
    let def = |unit, axis_label, base, series: Vec<SeriesDef>| KindDef {
        unit,
        axis_label,
        base,
        series,
        percentile: false,
        fixed_max: None,
    };
    match graph {
        Graph::Traffic(_) => KindDef {
            percentile: true,
            ..def(
                "bit/s",
                "bits per second",
                1000.0,
                vec![series("in", "In", Area, Scaled("in", 8.0)), series("out", "Out", Line, Scaled("out", 8.0))],
            )
        },
        Graph::Errors(_) => def(
            "/s",
            "per second",
            1000.0,
            vec![
                series("in_errors", "In errors", Line, Scaled("in_errors", 1.0)),
                series("out_errors", "Out errors", Line, Scaled("out_errors", 1.0)),
                series("in_discards", "In discards", Line, Scaled("in_discards", 1.0)),
                series("out_discards", "Out discards", Line, Scaled("out_discards", 1.0)),
            ],
        ),
        Graph::Packets(_) => def(
            "pkt/s",
            "packets per second",
            1000.0,
            vec![
                series("in", "In unicast", Area, Scaled("in_ucast", 1.0)),
                series("out", "Out unicast", Line, Scaled("out_ucast", 1.0)),
            ],
        ),
        Graph::Load => def(
            "",
            "load average",
            1000.0,
            vec![
                series("load1", "1 min", Area, Scaled("load1", 1.0)),
                series("load5", "5 min", Line, Scaled("load5", 1.0)),
                series("load15", "15 min", Line, Scaled("load15", 1.0)),
            ],
        ),
        Graph::Cpu => KindDef {
            fixed_max: Some(100.0),
            ..def(
                "%",
                "percent of CPU time",
                1000.0,
                vec![
                    series("user", "User", Area, ShareOfAll("user")),
                    series("system", "System", Line, ShareOfAll("system")),
                    series("nice", "Nice", Line, ShareOfAll("nice")),
                    series("wait", "I/O wait", Line, ShareOfAll("wait")),
                    series("interrupt", "Interrupt", Line, ShareOfAll("interrupt")),
                    series("softirq", "Soft IRQ", Line, ShareOfAll("softirq")),
                ],
            )
        },
        Graph::Processor(_) => KindDef {
            fixed_max: Some(100.0),
            ..def("%", "percent busy", 1000.0, vec![series("load", "Load", Area, Scaled("load", 1.0))])
        },
        Graph::Memory => def(
            "B",
            "bytes",
            1024.0,
            vec![
                series("used", "Used", Area, Difference("total", "available")),
                series("total", "Total", Line, Scaled("total", 1.0)),
                series("buffers", "Buffers", Line, Scaled("buffers", 1.0)),
                series("cached", "Cached", Line, Scaled("cached", 1.0)),
                series("swap_used", "Swap used", Line, Difference("swap_total", "swap_available")),
            ],
        ),
        Graph::Storage(_) => def(
            "B",
            "bytes",
            1024.0,
            vec![series("used", "Used", Area, Scaled("used", 1.0)), series("size", "Size", Line, Scaled("size", 1.0))],
        ),
        Graph::Uptime => {
            def("days", "days", 1000.0, vec![series("uptime", "Uptime", Area, Scaled("uptime", 1.0 / 86_400.0))])
        }
    }
}

/// A series' computation bound to a file's data source positions.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Bound {
    /// Value at a position times a factor.
    Scaled(usize, f64),
    /// Value at one position minus another.
    Difference(usize, usize),
    /// Percentage of the row's sum.
    ShareOfAll(usize),
}

impl Bound {
    /// The value of this series for one row (NaN when unknown).
    pub fn value(self, row: &[f64]) -> f64 {
        let at = |i: usize| row.get(i).copied().unwrap_or(f64::NAN);
        match self {
            Bound::Scaled(i, factor) => at(i) * factor,
            Bound::Difference(a, b) => at(a) - at(b),
            Bound::ShareOfAll(i) => {
                let total: f64 = row.iter().sum();
                if total > 0.0 { at(i) * 100.0 / total } else { f64::NAN }
            }
        }
    }
}

/// Binds `def`'s series to the positions of `ds_names`; the error names a missing DS.
pub fn bind(def: &KindDef, ds_names: &[String]) -> Result<Vec<Bound>, String> {
    let find = |name: &str| {
        ds_names.iter().position(|n| n == name).ok_or_else(|| format!("the file has no data source '{name}'"))
    };
    def.series
        .iter()
        .map(|s| {
            Ok(match s.derive {
                Derive::Scaled(ds, factor) => Bound::Scaled(find(ds)?, factor),
                Derive::Difference(a, b) => Bound::Difference(find(a)?, find(b)?),
                Derive::ShareOfAll(ds) => Bound::ShareOfAll(find(ds)?),
            })
        })
        .collect()
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;

    fn names(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn traffic_is_bits() {
        let def = kind_def(&Graph::Traffic("eth0".into()));
        let bound = bind(&def, &names(&["in", "out"])).unwrap();
        assert_eq!(bound[1].value(&[1.0, 2.5]), 20.0);
        assert!(bound[0].value(&[f64::NAN, 2.5]).is_nan());
        assert!(def.percentile);
        assert_eq!(bind(&def, &names(&["rx", "out"])).unwrap_err(), "the file has no data source 'in'");
    }

    #[test]
    fn cpu_is_a_share_and_memory_a_difference() {
        let cpu = bind(&kind_def(&Graph::Cpu), &names(&["user", "nice", "system", "idle"])).unwrap_err();
        assert!(cpu.contains("wait"));
        let all = names(&["user", "nice", "system", "idle", "wait", "kernel", "interrupt", "softirq"]);
        let bound = bind(&kind_def(&Graph::Cpu), &all).unwrap();
        assert_eq!(bound[0].value(&[25.0, 0.0, 25.0, 50.0, 0.0, 0.0, 0.0, 0.0]), 25.0);
        assert!(bound[0].value(&[25.0, f64::NAN, 25.0, 50.0, 0.0, 0.0, 0.0, 0.0]).is_nan());
        let mem = names(&["total", "available", "buffers", "cached", "swap_total", "swap_available"]);
        let bound = bind(&kind_def(&Graph::Memory), &mem).unwrap();
        assert_eq!(bound[0].value(&[100.0, 40.0, 0.0, 0.0, 0.0, 0.0]), 60.0);
    }
}
