//! `fetch` compared with the real rrdtool 1.7.2 byte for byte: files made and filled by
//! `rrdtool create` + `rrdtool update` (MRTG and Cacti profiles, weeks to a year of 5-minute
//! data, wraps, reboots, gaps, unknowns), read by `rrdtool fetch` and by `rrd::fetch::run` for
//! every CF, many resolutions and ranges, and the error cases.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod common;

use std::path::Path;

use common::{assert_same_text, have_rrdtool, rrdtool, rrdtool_ok};
use rrd::Rrd;
use rrd::fetch;
use testkit::rrd_profiles::{CACTI_RRAS, MRTG};

const DAY: i64 = 86_400;

/// A small deterministic generator (64-bit LCG) for update streams.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// Feeds `updates` to `rrdtool update` in batches.
fn rrdtool_update(dir: &Path, file: &str, updates: &[String]) {
    for chunk in updates.chunks(1000) {
        let mut args = vec!["update", file];
        args.extend(chunk.iter().map(String::as_str));
        rrdtool_ok(dir, &args);
    }
}

/// 5-minute samples from `start` for `days` days with up to two values each, from `value`.
fn stream(start: i64, days: i64, step: i64, seed: u64, mut value: impl FnMut(&mut Lcg, i64) -> String) -> Vec<String> {
    let mut rng = Lcg(seed);
    let mut out = Vec::new();
    let mut t = start;
    let end = start + days * DAY;
    while t < end {
        // Mostly regular, sometimes jittered, sometimes a gap longer than the heartbeat.
        t += match rng.below(1000) {
            0..=3 => step * (3 + rng.below(20) as i64),
            4..=60 => step + rng.below(40) as i64 - 20,
            _ => step,
        };
        let v = value(&mut rng, t);
        out.push(format!("{t}:{v}"));
    }
    out
}

fn mrtg_file(dir: &Path, name: &str, start: i64, days: i64, seed: u64) {
    let start_text = start.to_string();
    let mut args = vec!["create", name, "--start", &start_text, "--step", "300"];
    args.extend_from_slice(MRTG);
    rrdtool_ok(dir, &args);
    let (mut c0, mut c1) = (4_294_000_000u64, 1_000u64);
    let updates = stream(start, days, 300, seed, |rng, _| {
        match rng.below(500) {
            0 => c0 = rng.below(1000),                         // agent reboot
            1 => return "U:U".to_string(),                     // no answer
            _ => c0 = (c0 + rng.below(3_000_000)) % (1 << 32), // 32-bit wrap
        }
        c1 += rng.below(50_000_000); // 64-bit counter, rate sometimes above max
        format!("{c0}:{c1}")
    });
    rrdtool_update(dir, name, &updates);
}

/// A Cacti-profile file (GAUGE + DERIVE, AVERAGE/MIN/MAX/LAST at 1:600, 6:700, 24:775, 288:797).
pub fn cacti_file(dir: &Path, name: &str, start: i64, days: i64, seed: u64) {
    let mut args = vec![
        "create".to_string(),
        name.to_string(),
        "--start".to_string(),
        start.to_string(),
        "--step".to_string(),
        "300".to_string(),
        "DS:load:GAUGE:600:0:U".to_string(),
        "DS:traffic_in:DERIVE:600:0:U".to_string(),
    ];
    args.extend(CACTI_RRAS.iter().map(|s| s.to_string()));
    let refs: Vec<&str> = args.iter().map(String::as_str).collect();
    rrdtool_ok(dir, &refs);
    let mut counter = 0i64;
    let updates = stream(start, days, 300, seed, |rng, t| {
        let daily = ((t % DAY) as f64 / DAY as f64 * std::f64::consts::TAU).sin();
        let load = if rng.below(200) == 0 {
            "U".to_string()
        } else {
            format!("{:.3}", 2.0 + daily + rng.below(100) as f64 / 50.0)
        };
        if rng.below(700) == 0 {
            counter = 0; // reset: DERIVE gives a negative rate, rejected by min 0
        } else {
            counter += 1_000_000 + rng.below(2_000_000) as i64;
        }
        format!("{load}:{counter}")
    });
    rrdtool_update(dir, name, &updates);
}

fn gauge60_file(dir: &Path, name: &str, start: i64) {
    rrdtool_ok(
        dir,
        &[
            "create",
            name,
            "--start",
            &start.to_string(),
            "--step",
            "60",
            "DS:load:GAUGE:120:0:U",
            "RRA:AVERAGE:0.5:1:1440",
            "RRA:MAX:0.3:5:288",
            "RRA:LAST:0:15:100",
        ],
    );
    let mut rng = Lcg(7);
    let mut updates = Vec::new();
    let mut t = start as f64;
    for _ in 0..5000 {
        t += 30.0 + rng.below(60_000) as f64 / 1000.0;
        let v = if rng.below(50) == 0 { "U".to_string() } else { format!("{}", rng.below(1000) as f64 / 7.0) };
        updates.push(format!("{t:.3}:{v}"));
    }
    rrdtool_update(dir, name, &updates);
}

/// rrdtool's output (stdout, or `ERROR: ...` on stderr) for `fetch ARGS`.
fn rrdtool_fetch(dir: &Path, args: &[&str]) -> String {
    let mut full = vec!["fetch"];
    full.extend_from_slice(args);
    let (ok, stdout, stderr) = rrdtool(dir, &full);
    if ok { stdout } else { stderr }
}

/// Ours, in the same form. File names (`*.rrd`) resolve against `dir`.
fn osprey_fetch(dir: &Path, args: &[&str], now: i64) -> String {
    let owned: Vec<String> = args
        .iter()
        .map(|a| if a.ends_with(".rrd") { dir.join(a).display().to_string() } else { a.to_string() })
        .collect();
    let refs: Vec<&str> = owned.iter().map(String::as_str).collect();
    match fetch::run(&refs, now) {
        Ok(text) => text,
        Err(e) => format!("ERROR: {}\n", e.to_string().replace(&format!("{}/", dir.display()), "")),
    }
}

fn compare(dir: &Path, args: &[&str]) {
    let now = jiff::Timestamp::now().as_second();
    let expected = rrdtool_fetch(dir, args);
    let actual = osprey_fetch(dir, args, now);
    assert_same_text(&format!("fetch {args:?}"), &expected, &actual);
}

const CFS: [&str; 4] = ["AVERAGE", "MIN", "MAX", "LAST"];
const RESOLUTIONS: [&str; 12] =
    ["1", "60", "300", "301", "1000", "1800", "1h", "7200", "86400", "100000", "1w", "10000000"];

/// (start, end) pairs around the file's last update `l`.
fn ranges(l: i64) -> Vec<(i64, i64)> {
    vec![
        (l - DAY, l),
        (l - 3600 + 17, l - 5),
        (l - 7 * DAY, l - 3 * DAY),
        (l - 30 * DAY, l),
        (l - 60 * DAY + 123, l - 50 * DAY - 77),
        (l - 200 * DAY, l - 190 * DAY),
        (l - 800 * DAY, l - 790 * DAY),
        (l - 3 * 365 * DAY, l + DAY),
        (l + DAY, l + 2 * DAY),
        (l - 2 * DAY, l - 2 * DAY),
        (l - 300, l + 299),
    ]
}

fn compare_matrix(dir: &Path, name: &str) {
    let rrd = Rrd::load(dir.join(name)).unwrap();
    let l = rrd.live.last_up;
    for cf in CFS {
        for res in RESOLUTIONS {
            for (s, e) in ranges(l) {
                // The in-memory and the file-reading paths agree.
                let resolution = rrd::duration::scaled_duration(res, 1).unwrap();
                let cf_value = rrd::Cf::from_name(cf).unwrap();
                let from_file = fetch::fetch_file(dir.join(name), cf_value, resolution, s, e).unwrap();
                assert_eq!(fetch::fetch(&rrd, cf_value, resolution, s, e).unwrap().to_text(), from_file.to_text());
                let (s, e) = (s.to_string(), e.to_string());
                compare(dir, &[name, cf, "-r", res, "-s", &s, "-e", &e]);
            }
        }
    }
}

#[test]
fn mrtg_file_every_cf_resolution_and_range() {
    if !have_rrdtool() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    mrtg_file(dir, "mrtg.rrd", 1_100_000_000, 75, 1);
    compare_matrix(dir, "mrtg.rrd");
}

#[test]
fn cacti_year_every_cf_resolution_and_range() {
    if !have_rrdtool() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    cacti_file(dir, "cacti.rrd", 1_600_000_000, 366, 2);
    compare_matrix(dir, "cacti.rrd");
}

#[test]
fn cur_row_positions_and_short_streams() {
    if !have_rrdtool() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    // Several fill levels: ring not yet full, just wrapped, wrapped many times.
    for (i, days) in [1i64, 2, 3, 9, 26].into_iter().enumerate() {
        let name = format!("m{i}.rrd");
        mrtg_file(dir, &name, 1_200_000_000 + i as i64 * 7777, days, 10 + i as u64);
        let l = Rrd::load(dir.join(&name)).unwrap().live.last_up;
        for cf in ["AVERAGE", "MAX", "LAST"] {
            for res in ["300", "1800", "7200", "86400"] {
                for (s, e) in ranges(l).into_iter().take(6) {
                    compare(dir, &[&name, cf, "-r", res, "-s", &s.to_string(), "-e", &e.to_string()]);
                }
            }
        }
    }
    gauge60_file(dir, "g60.rrd", 1_300_000_000);
    let l = Rrd::load(dir.join("g60.rrd")).unwrap().live.last_up;
    for cf in CFS {
        for res in ["1", "60", "299", "300", "900", "3000", "86400"] {
            for (s, e) in ranges(l) {
                compare(dir, &["g60.rrd", cf, "-r", res, "-s", &s.to_string(), "-e", &e.to_string()]);
            }
        }
    }
}

#[test]
fn time_specs_options_and_errors() {
    if !have_rrdtool() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    mrtg_file(dir, "m.rrd", 1_100_000_000, 4, 3);
    rrdtool_ok(dir, &["create", "maxonly.rrd", "--start", "1100000000", "DS:x:GAUGE:600:U:U", "RRA:MAX:0.5:3:5"]);
    let l = Rrd::load(dir.join("m.rrd")).unwrap().live.last_up.to_string();
    let l = l.as_str();
    let bytes = std::fs::read(dir.join("m.rrd")).unwrap();
    std::fs::write(dir.join("short.rrd"), &bytes[..bytes.len() - 8]).unwrap();
    std::fs::write(dir.join("head.rrd"), &bytes[..2000]).unwrap();
    std::fs::write(dir.join("tiny.rrd"), &bytes[..100]).unwrap();
    std::fs::write(dir.join("text.rrd"), "not an rrd file at all, just some text that is long enough to be read")
        .unwrap();
    let cases: &[&[&str]] = &[
        &["m.rrd", "AVERAGE", "-e", l],
        &["m.rrd", "AVERAGE", "-s", "end-1d", "-e", l],
        &["m.rrd", "AVERAGE", "-s", "end-36h", "-e", l, "-r", "1800"],
        &["m.rrd", "MAX", "-s", "e-2d", "-e", l, "-r", "7200"],
        &["m.rrd", "AVERAGE", "-s", "1100100000", "-e", "start+3h"],
        &["m.rrd", "AVERAGE", "-s", "1100100000", "-e", "s+1d"],
        &["m.rrd", "AVERAGE", "--start", "1100100000", "--end=start+2h", "--resolution=1800"],
        &["m.rrd", "AVERAGE", "-s1100100000", "-estart+2h", "-r1800"],
        &["-s", "1100100000", "m.rrd", "-e", "start+1h", "AVERAGE", "extra"],
        &["m.rrd", "AVERAGE", "-s", "1100100017", "-e", "start+3h", "-r", "3600", "-a"],
        &["m.rrd", "AVERAGE", "-a", "-s", "1100100017", "-e", "start+3h"],
        &["m.rrd", "AVERAGE", "-ar", "3600", "-s", "1100100017", "-e", "start+3h"],
        &["m.rrd", "AVERAGE", "--align-start", "-s", "1100100017", "-e", "start+3h", "-r", "5m"],
        &["m.rrd", "AVERAGE", "-s", "1100100000", "-e", "1100100000"],
        &["m.rrd", "AVERAGE", "-s", "1100100000 - 1h", "-e", "1100100000 + 30min"],
        // Errors.
        &["m.rrd", "AVERAGE", "-s", l, "-e", "1100000000"],
        &["m.rrd", "AVERAGE", "-s", "end-1h", "-e", "start+1h"],
        &["m.rrd", "AVERAGE", "-s", "start-1h"],
        &["m.rrd", "AVERAGE", "-e", "end-1h"],
        &["m.rrd", "AVERAGE", "-s", "foo"],
        &["m.rrd", "AVERAGE", "-e", "bar"],
        &["m.rrd", "AVERAGE", "-s", "315360000", "-e", "1100000000"],
        &["m.rrd", "AVERAGE", "-r", "0"],
        &["m.rrd", "AVERAGE", "-r", "7x"],
        &["m.rrd", "AVERAGE", "-r", "-5"],
        &["m.rrd", "AVERAGE", "-r"],
        &["m.rrd", "AVERAGE", "--resolution"],
        &["m.rrd", "AVERAGE", "-x"],
        &["m.rrd", "AVERAGE", "--foo"],
        &["m.rrd", "AVERAGE", "--res", "300"],
        &["m.rrd"],
        &["m.rrd", "FOO", "-e", l],
        &["m.rrd", "average", "-e", l],
        &["m.rrd", "HWPREDICT", "-e", l],
        &["missing.rrd", "AVERAGE", "-e", l],
        &["missing.rrd", "FOO", "-e", l],
        &["short.rrd", "AVERAGE", "-e", l],
        &["head.rrd", "AVERAGE", "-e", l],
        &["tiny.rrd", "AVERAGE", "-e", l],
        &["text.rrd", "AVERAGE", "-e", l],
        &["maxonly.rrd", "AVERAGE", "-e", "1100000000"],
        &["maxonly.rrd", "MAX", "-s", "1099990000", "-e", "1100000000"],
    ];
    for args in cases {
        compare(dir, args);
    }
}

#[test]
fn library_view_matches_the_text() {
    if !have_rrdtool() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    mrtg_file(dir, "m.rrd", 1_100_000_000, 3, 4);
    let rrd = Rrd::load(dir.join("m.rrd")).unwrap();
    let l = rrd.live.last_up;
    let got = fetch::fetch(&rrd, rrd::Cf::Average, 300, l - DAY, l).unwrap();
    assert_eq!(got.step, 300);
    assert_eq!(got.rra, 0);
    assert_eq!(got.row_count() as i64, (got.end - got.start) / 300);
    let text = rrdtool_fetch(dir, &["m.rrd", "AVERAGE", "-s", &(l - DAY).to_string(), "-e", &l.to_string()]);
    assert_eq!(text, got.to_text());
    let (first_t, _) = got.rows().next().unwrap();
    assert_eq!(first_t, got.start + 300);
}
