//! A graph's data as JSON or CSV: the same consolidated rows the image draws.
//!
//! JSON: `{"start":S,"end":E,"step":T,"series":[{"name":"in","unit":"bit/s","values":[..]}]}`
//! where value `i` is the average over `(S + i·T, S + (i+1)·T]` and unknown is `null`; a
//! series with a 95th percentile (traffic) also has `"percentile_95"`.
//! CSV: a `time,<series>...` header, then one row per time (the end of its interval) with
//! empty fields for unknown values.

use std::fmt::Write as _;

use super::data::Table;
use super::kind::KindDef;

/// Appends `v` as a JSON number, or `null` when unknown.
fn push_json_number(out: &mut String, v: f64) {
    if v.is_finite() {
        let _ = write!(out, "{v}");
    } else {
        out.push_str("null");
    }
}

/// The JSON text of `table` drawn as `def`, with each series' 95th percentile when given.
pub fn to_json(table: &Table, def: &KindDef, percentiles: &[Option<f64>]) -> String {
    let rows = table.rows();
    let mut out = String::with_capacity(64 + rows * 12 * table.series.len());
    let end = if rows == 0 { table.start } else { table.time(rows - 1) };
    let _ = write!(out, "{{\"start\":{},\"end\":{},\"step\":{},\"series\":[", table.start, end, table.step);
    for (i, (values, s)) in table.series.iter().zip(&def.series).enumerate() {
        if i > 0 {
            out.push(',');
        }
        let _ = write!(out, "{{\"name\":\"{}\",\"unit\":\"{}\",", s.name, def.unit);
        if let Some(Some(p)) = percentiles.get(i) {
            out.push_str("\"percentile_95\":");
            push_json_number(&mut out, *p);
            out.push(',');
        }
        out.push_str("\"values\":[");
        for (j, v) in values.iter().enumerate() {
            if j > 0 {
                out.push(',');
            }
            push_json_number(&mut out, *v);
        }
        out.push_str("]}");
    }
    out.push_str("]}");
    out
}

/// The CSV text of `table` drawn as `def`.
pub fn to_csv(table: &Table, def: &KindDef) -> String {
    let rows = table.rows();
    let mut out = String::with_capacity(32 + rows * (12 + 12 * table.series.len()));
    out.push_str("time");
    for s in &def.series {
        out.push(',');
        out.push_str(s.name);
    }
    out.push('\n');
    for i in 0..rows {
        let _ = write!(out, "{}", table.time(i));
        for values in &table.series {
            out.push(',');
            if let Some(v) = values.get(i).filter(|v| v.is_finite()) {
                let _ = write!(out, "{v}");
            }
        }
        out.push('\n');
    }
    out
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;
    use crate::graph::kind::kind_def;
    use poller::layout::Graph;

    fn table() -> Table {
        Table { start: 1000, step: 300, series: vec![vec![8.0, f64::NAN, 2.5], vec![f64::NAN, 1.0, 0.0]] }
    }

    #[test]
    fn json_shape() {
        let def = kind_def(&Graph::Traffic("eth0".into()));
        let json = to_json(&table(), &def, &[Some(8.0), None]);
        assert_eq!(
            json,
            "{\"start\":1000,\"end\":1900,\"step\":300,\"series\":[\
             {\"name\":\"in\",\"unit\":\"bit/s\",\"percentile_95\":8,\"values\":[8,null,2.5]},\
             {\"name\":\"out\",\"unit\":\"bit/s\",\"values\":[null,1,0]}]}"
        );
        let parsed: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(parsed["series"][0]["values"][1], serde_json::Value::Null);
        let empty = Table { start: 5, step: 60, series: vec![vec![], vec![]] };
        let parsed: serde_json::Value = serde_json::from_str(&to_json(&empty, &def, &[])).unwrap();
        assert_eq!(parsed["end"], 5);
    }

    #[test]
    fn csv_shape() {
        let def = kind_def(&Graph::Traffic("eth0".into()));
        assert_eq!(to_csv(&table(), &def), "time,in,out\n1300,8,\n1600,,1\n1900,2.5,0\n");
    }
}
