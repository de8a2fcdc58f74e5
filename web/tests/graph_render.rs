//! Graphs of real RRD files (the poller's layout, written by the rrd crate): every kind
//! renders as SVG and PNG in both themes, JSON and CSV have their shapes, an outage is a gap,
//! and missing or corrupt files are told apart.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod graph_support;

use graph_support::{SPEED_BPS, STEP, device, png_size};
use poller::layout::Graph;
use web::graph::{Format, GraphError, Range, Theme, render};

const SIZE: (u32, u32) = (697, 300);

fn text(bytes: &[u8]) -> &str {
    std::str::from_utf8(bytes).unwrap()
}

#[test]
fn every_kind_renders_as_svg_and_png() {
    let dev = device();
    let now = dev.last;
    for f in &dev.files {
        let path = dev.dir.path().join(&f.file_name);
        for view in ["day", "week", "month", "year"] {
            let range = Range::view(view, now).unwrap();
            let title = format!("{} {view}", f.file_name);
            for theme in [Theme::Light, Theme::Dark] {
                let svg = render(&path, &f.graph, &title, Some(SPEED_BPS), range, SIZE, Format::Svg, theme).unwrap();
                assert_eq!(svg.content_type, "image/svg+xml");
                let doc = text(&svg.body);
                assert!(doc.trim_start().starts_with("<svg"), "{title}: {}", &doc[..80.min(doc.len())]);
                assert!(doc.trim_end().ends_with("</svg>"), "{title}");
                assert!(doc.contains(&title), "{title}: title missing");
                assert!(doc.contains("cur ") && doc.contains("avg ") && doc.contains("max "), "{title}: legend");
                let background = if theme == Theme::Dark { "#18181B" } else { "#FFFFFF" };
                assert!(doc.to_uppercase().contains(background), "{title} {theme:?}: background");
            }
            let png = render(&path, &f.graph, &title, None, range, SIZE, Format::Png, Theme::Light).unwrap();
            assert_eq!(png.content_type, "image/png");
            assert_eq!(png_size(&png.body), SIZE, "{title}");
        }
    }
}

#[test]
fn traffic_graph_has_mrtg_look_and_percentile() {
    let dev = device();
    let path = dev.path(&Graph::Traffic("eth0".into()));
    let range = Range::view("day", dev.last).unwrap();
    let svg =
        render(&path, &Graph::Traffic("eth0".into()), "eth0", Some(SPEED_BPS), range, SIZE, Format::Svg, Theme::Light)
            .unwrap();
    let doc = text(&svg.body);
    assert!(doc.contains("eth0 (100 Mbit/s)"), "speed in the title");
    assert!(doc.contains("95th "), "percentile in the legend");
    assert!(doc.contains("bit/s"), "unit");
    // MRTG's colours: a green area for in, a blue line for out.
    assert!(doc.contains("#00CC00"), "green in");
    assert!(doc.contains("#0000FF"), "blue out");
    // Time labels on round hours.
    assert!((0..24).step_by(3).filter(|h| doc.contains(&format!("\n{h:02}:00\n"))).count() >= 8, "hour labels");
}

#[test]
fn an_outage_is_a_gap() {
    let dev = device();
    let kind = Graph::Traffic("eth0".into());
    let path = dev.path(&kind);
    let range = Range { start: dev.gap.0 - 4 * 3600, end: dev.gap.1 + 4 * 3600 };
    let json = render(&path, &kind, "t", None, range, SIZE, Format::Json, Theme::Light).unwrap();
    let v: serde_json::Value = serde_json::from_slice(&json.body).unwrap();
    let (start, step) = (v["start"].as_i64().unwrap(), v["step"].as_i64().unwrap());
    assert_eq!(step, STEP);
    let values = v["series"][0]["values"].as_array().unwrap();
    for (i, value) in values.iter().enumerate() {
        let t = start + (i as i64 + 1) * step;
        // Rows wholly inside the outage are unknown; rows well away from it are known.
        if t > dev.gap.0 + STEP && t < dev.gap.1 {
            assert!(value.is_null(), "row at {t} in the outage: {value}");
        } else if t < dev.gap.0 - STEP || t > dev.gap.1 + STEP {
            assert!(value.is_number(), "row at {t} outside the outage: {value}");
        }
    }
    // Drawn: the in area is two polygons, the out line two polylines.
    let svg = render(&path, &kind, "t", None, range, SIZE, Format::Svg, Theme::Light).unwrap();
    let doc = text(&svg.body);
    assert_eq!(doc.matches("<polygon").count(), 2, "in area in two pieces");
    assert!(doc.matches("<polyline").count() >= 2, "out line in two pieces");
}

#[test]
fn json_and_csv_of_a_day() {
    let dev = device();
    let kind = Graph::Traffic("eth0".into());
    let path = dev.path(&kind);
    let range = Range::view("day", dev.last).unwrap();
    let json = render(&path, &kind, "t", None, range, SIZE, Format::Json, Theme::Light).unwrap();
    assert_eq!(json.content_type, "application/json");
    let v: serde_json::Value = serde_json::from_slice(&json.body).unwrap();
    assert_eq!(v["series"][0]["name"], "in");
    assert_eq!(v["series"][1]["name"], "out");
    assert_eq!(v["series"][0]["unit"], "bit/s");
    let n = v["series"][0]["values"].as_array().unwrap().len();
    assert!(n > 200 && n <= 700, "{n} values for a day at 697 pixels");
    assert!(v["series"][0]["percentile_95"].as_f64().unwrap() > 8_000_000.0);
    let csv = render(&path, &kind, "t", None, range, SIZE, Format::Csv, Theme::Light).unwrap();
    let body = text(&csv.body);
    let mut lines = body.lines();
    assert_eq!(lines.next(), Some("time,in,out"));
    let rows: Vec<&str> = lines.collect();
    assert_eq!(rows.len(), n);
    assert!(rows.iter().all(|r| r.split(',').count() == 3));
    assert!(rows.iter().any(|r| r.ends_with(",,")), "the outage as empty fields");
    // A year: the daily archive, consolidated no further.
    let year = Range::view("year", dev.last).unwrap();
    let json = render(&path, &kind, "t", None, year, SIZE, Format::Json, Theme::Light).unwrap();
    let v: serde_json::Value = serde_json::from_slice(&json.body).unwrap();
    assert_eq!(v["step"], 86_400);
}

#[test]
fn missing_corrupt_and_mismatched_files() {
    let dev = device();
    let range = Range::view("day", dev.last).unwrap();
    let kind = Graph::Traffic("eth0".into());
    let missing = dev.dir.path().join("traffic-nothere.rrd");
    let err = render(&missing, &kind, "t", None, range, SIZE, Format::Svg, Theme::Light).unwrap_err();
    assert!(matches!(err, GraphError::NotFound(_)), "{err}");
    assert_eq!(err.status(), 404);
    let err = web::graph::summary(&missing, None, range).unwrap_err();
    assert_eq!(err.status(), 404);
    let corrupt = dev.dir.path().join("corrupt.rrd");
    std::fs::write(&corrupt, b"this is not an rrd file at all").unwrap();
    let err = render(&corrupt, &kind, "t", None, range, SIZE, Format::Png, Theme::Light).unwrap_err();
    assert!(matches!(err, GraphError::BadFile(_)), "{err}");
    assert_eq!(err.status(), 500);
    // A load file drawn as traffic lacks the data sources.
    let err = render(&dev.path(&Graph::Load), &kind, "t", None, range, SIZE, Format::Svg, Theme::Light).unwrap_err();
    assert!(err.to_string().contains("no data source 'in'"), "{err}");
    // An image size out of bounds is the user's error.
    let err = render(&dev.path(&kind), &kind, "t", None, range, (10, 10), Format::Svg, Theme::Light).unwrap_err();
    assert_eq!(err.status(), 400);
}

#[test]
#[ignore = "writes sample images to $GRAPH_SAMPLES for a look"]
fn write_samples() {
    let out = std::path::PathBuf::from(std::env::var("GRAPH_SAMPLES").unwrap_or_else(|_| "/tmp/graph-samples".into()));
    std::fs::create_dir_all(&out).unwrap();
    let dev = device();
    for f in &dev.files {
        let path = dev.dir.path().join(&f.file_name);
        for (view, theme) in [("day", Theme::Light), ("week", Theme::Dark), ("year", Theme::Light)] {
            let range = Range::view(view, dev.last).unwrap();
            for format in [Format::Svg, Format::Png] {
                let r = render(&path, &f.graph, &f.file_name, Some(SPEED_BPS), range, SIZE, format, theme).unwrap();
                let ext = if format == Format::Svg { "svg" } else { "png" };
                std::fs::write(out.join(format!("{}-{view}.{ext}", f.file_name)), r.body).unwrap();
            }
        }
    }
}
