//! MRTG's traffic summary against rrdtool itself: Max, Average and Current of the same file
//! over the same range are `rrdtool graph`'s `VDEF` `MAXIMUM`, `AVERAGE` and `LAST` of the
//! bits per second. The 95th percentile is the billing one (nearest rank: the sorted known
//! values, the top 5 % dropped); rrdtool's `PERCENTNAN` ranks as `round(0.95·(n−1))` instead,
//! so the test checks both ranks over the values `rrdtool fetch` gives for the same range.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod graph_support;

use graph_support::{SPEED_BPS, STEP, device};
use poller::layout::Graph;
use web::graph::{Range, summary};

/// `rrdtool graph` PRINT values of `in` and `out` x 8 over `range`: max, average, last, 95th.
fn rrdtool_figures(path: &std::path::Path, range: Range) -> Vec<f64> {
    let file = path.display().to_string();
    let mut args: Vec<String> = ["graph", "/dev/null", "--step", &STEP.to_string()].map(String::from).to_vec();
    args.extend(["-s".into(), range.start.to_string(), "-e".into(), range.end.to_string()]);
    for ds in ["in", "out"] {
        args.push(format!("DEF:{ds}_b={file}:{ds}:AVERAGE"));
        args.push(format!("CDEF:{ds}={ds}_b,8,*"));
        for (name, f) in [("max", "MAXIMUM"), ("avg", "AVERAGE"), ("last", "LAST"), ("p95", "95,PERCENTNAN")] {
            args.push(format!("VDEF:{ds}_{name}={ds},{f}"));
            args.push(format!("PRINT:{ds}_{name}:%.6lf"));
        }
    }
    let out = std::process::Command::new("rrdtool").args(&args).output().unwrap();
    assert!(out.status.success(), "rrdtool graph: {}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8(out.stdout).unwrap();
    // The first line is the image size; then one PRINT per line.
    text.lines().skip(1).map(|l| l.trim().parse::<f64>().unwrap_or(f64::NAN)).collect()
}

/// The known `in` values x 8 of `rrdtool fetch` over `range` (rows ending after the start and
/// not after the end).
fn rrdtool_fetch_in_bits(path: &std::path::Path, range: Range) -> Vec<f64> {
    let out = std::process::Command::new("rrdtool")
        .args(["fetch", &path.display().to_string(), "AVERAGE", "-r", &STEP.to_string()])
        .args(["-s", &range.start.to_string(), "-e", &range.end.to_string()])
        .output()
        .unwrap();
    assert!(out.status.success(), "rrdtool fetch: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .filter_map(|l| {
            let (t, rest) = l.split_once(':')?;
            let t: i64 = t.trim().parse().ok()?;
            let v: f64 = rest.split_whitespace().next()?.parse().ok()?;
            (t > range.start && t <= range.end && v.is_finite()).then_some(v * 8.0)
        })
        .collect()
}

fn close(ours: f64, theirs: f64) -> bool {
    (ours - theirs).abs() <= 1e-6 * theirs.abs().max(1.0)
}

#[test]
fn summary_is_rrdtools() {
    if !testkit::have_rrdtool() {
        return;
    }
    let dev = device();
    let kind = Graph::Traffic("eth0".into());
    let path = dev.path(&kind);
    // A day ending at the last reading, and one ending inside the outage (current = the last
    // value before it), both on step boundaries.
    for end in [dev.last, dev.gap.0 + 3600] {
        let range = Range { start: end - 86_400, end };
        let ours = summary(&path, Some(SPEED_BPS), range).unwrap();
        let theirs = rrdtool_figures(&path, range);
        assert_eq!(theirs.len(), 8, "{theirs:?}");
        for (i, d) in [ours.inbound, ours.outbound].iter().enumerate() {
            let t = &theirs[i * 4..i * 4 + 4];
            assert!(close(d.max.unwrap(), t[0]), "max {d:?} vs {t:?}");
            assert!(close(d.average.unwrap(), t[1]), "average {d:?} vs {t:?}");
            assert!(close(d.current.unwrap(), t[2]), "current {d:?} vs {t:?}");
        }
        // The percent of the speed.
        let pct = ours.percent_of_speed(ours.inbound.max).unwrap();
        assert!(close(pct, theirs[0] * 100.0 / SPEED_BPS as f64));
        // The 95th percentile drawn for the same range (a day fits the pixel width unconsolidated).
        let json = web::graph::render(
            &path,
            &kind,
            "t",
            None,
            range,
            (697, 300),
            web::graph::Format::Json,
            web::graph::Theme::Light,
        )
        .unwrap();
        let v: serde_json::Value = serde_json::from_slice(&json.body).unwrap();
        let p95 = v["series"][0]["percentile_95"].as_f64().unwrap();
        let mut known = rrdtool_fetch_in_bits(&path, range);
        known.sort_by(f64::total_cmp);
        let n = known.len();
        assert!(n > 250, "{n} known rows");
        let nearest_rank = known[(0.95 * n as f64).ceil() as usize - 1];
        assert!(close(p95, nearest_rank), "95th {p95} vs nearest rank {nearest_rank}");
        let rrdtool_rank = known[(0.95 * (n - 1) as f64).round() as usize];
        assert!(close(theirs[3], rrdtool_rank), "rrdtool's 95th {} vs its rank {rrdtool_rank}", theirs[3]);
    }
}
