//! Create, info and dump compared with the real rrdtool 1.7.2, in both directions.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod common;

use std::path::Path;

use common::{assert_same_text, have_rrdtool, rrdtool, rrdtool_ok};
use rrd::{DsType, Rrd};
use testkit::rrd_profiles::{CACTI_RRAS, MRTG};

const START: i64 = 1_000_000_123;

struct Profile {
    name: &'static str,
    args: &'static [&'static str],
}

fn profiles() -> Vec<(String, Vec<String>)> {
    let fixed = [
        Profile {
            name: "gauge60",
            args: &["-s", "60", "DS:load:GAUGE:120:0:U", "RRA:AVERAGE:0.5:1:1440", "RRA:MAX:0.3:5:288"],
        },
        Profile {
            name: "derive_absolute",
            args: &[
                "--step=17",
                "DS:d:DERIVE:40:0:U",
                "DS:a:ABSOLUTE:40:U:1e9",
                "RRA:LAST:0.1:3:50",
                "RRA:MIN:0.99:7:13",
            ],
        },
        Profile {
            name: "dcounter_dderive",
            args: &[
                "--step",
                "1",
                "DS:dc:DCOUNTER:5:U:U",
                "DS:dd:DDERIVE:5:-10:10",
                "RRA:AVERAGE:0:1:100",
                "RRA:AVERAGE:0.5:60:10",
            ],
        },
        Profile {
            name: "odd_step",
            args: &[
                "--step",
                "7",
                "DS:g-1_x:GAUGE:13:-5.5:2.5e3",
                "DS:c:COUNTER:30:U:U",
                "RRA:MAX:0.25:3:11",
                "RRA:AVERAGE:0.9:1:5",
            ],
        },
        Profile {
            name: "durations",
            args: &["--step", "5m", "DS:x:GAUGE:10m:U:U", "RRA:AVERAGE:0.5:1h:1d", "RRA:LAST:0.5:1:1w"],
        },
    ];
    let mrtg = ["--step", "300"].iter().chain(MRTG).map(|s| s.to_string()).collect();
    let mut out: Vec<(String, Vec<String>)> = vec![("mrtg".into(), mrtg)];
    out.extend(fixed.iter().map(|p| (p.name.to_string(), p.args.iter().map(|s| s.to_string()).collect())));
    let mut cacti = vec!["DS:traffic_in:COUNTER:600:0:U".to_string(), "DS:traffic_out:COUNTER:600:0:U".to_string()];
    cacti.extend(CACTI_RRAS.iter().map(|s| s.to_string()));
    out.push(("cacti".into(), cacti));
    out
}

/// An update stream for the file's DS types: irregular times, a gap beyond the heartbeat,
/// an unknown value, fractional timestamps.
fn updates(rrd: &Rrd, count: usize) -> Vec<String> {
    let step = rrd.pdp_step as f64;
    let hb = rrd.ds.iter().map(|d| d.heartbeat).min().unwrap_or(600) as f64;
    let mut t = rrd.live.last_up as f64;
    let mut out = Vec::new();
    for k in 0..count {
        t += match k % 7 {
            3 => (step * 0.5).max(1.0) + 0.25,
            5 if k == 12 => hb * 2.0 + step,
            _ => (step * 0.9).max(1.0) + (k % 3) as f64,
        };
        let t_text = if k % 4 == 1 { format!("{t:.3}") } else { format!("{}", t.floor() as i64) };
        if k % 4 != 1 {
            t = t.floor();
        }
        let values: Vec<String> = rrd
            .ds
            .iter()
            .enumerate()
            .map(|(j, ds)| {
                if k == 9 && j == 0 {
                    return "U".to_string();
                }
                let k = k as u64;
                match ds.kind {
                    DsType::Counter | DsType::Derive => format!("{}", 1000 + k * k * 37 + j as u64 * 11),
                    DsType::Absolute => format!("{}", (k * 13) % 50),
                    DsType::Gauge => format!("{}", (k as f64 * 1.5) - 2.0),
                    DsType::Dcounter => format!("{}", 10.0 + k as f64 * 2.5),
                    DsType::Dderive => format!("{}", 3.0 - k as f64 * 0.75),
                }
            })
            .collect();
        out.push(format!("{t_text}:{}", values.join(":")));
    }
    out
}

fn our_create(dir: &Path, file: &str, args: &[String]) -> Rrd {
    let mut full = vec![dir.join(file).display().to_string()];
    full.extend(args.iter().cloned());
    full.push("--start".into());
    full.push(START.to_string());
    rrd::create::create(&full).expect("osprey create")
}

fn compare_info_dump(dir: &Path, file: &str, what: &str) {
    let bytes = std::fs::read(dir.join(file)).unwrap();
    let parsed = Rrd::parse(&bytes).unwrap_or_else(|e| panic!("{what}: parse {file}: {e}"));
    assert_eq!(parsed.to_bytes().unwrap(), bytes, "{what}: {file} round trip is not byte-identical");
    let expected_info = rrdtool_ok(dir, &["info", file]);
    assert_same_text(&format!("{what}: info {file}"), &expected_info, &rrd::info::info(&parsed, file));
    let expected_dump = rrdtool_ok(dir, &["dump", file]);
    let ours = rrd::dump::dump_in(&parsed, &jiff::tz::TimeZone::UTC);
    assert_same_text(&format!("{what}: dump {file}"), &expected_dump, &ours);
}

#[test]
fn create_info_dump_match_rrdtool() {
    if !have_rrdtool() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    for (name, args) in profiles() {
        let theirs = format!("{name}-rrdtool.rrd");
        let ours = format!("{name}-osprey.rrd");
        let mut rr_args: Vec<&str> = vec!["create", &theirs, "--start"];
        let start = START.to_string();
        rr_args.push(&start);
        rr_args.extend(args.iter().map(String::as_str));
        rrdtool_ok(dir, &rr_args);
        let made = our_create(dir, &ours, &args);

        // Bytes equal once cur_row (random in both) is masked.
        let their_bytes = std::fs::read(dir.join(&theirs)).unwrap();
        let mut their_model = Rrd::parse(&their_bytes).unwrap();
        assert_eq!(their_model.to_bytes().unwrap(), their_bytes, "{name}: round trip");
        let our_bytes = std::fs::read(dir.join(&ours)).unwrap();
        assert!(our_bytes == made.to_bytes().unwrap(), "{name}: our file is what we built");
        their_model.cur_row.clone_from(&made.cur_row);
        assert!(their_model.to_bytes().unwrap() == our_bytes, "{name}: create differs from rrdtool's beyond cur_row");

        for file in [&theirs, &ours] {
            compare_info_dump(dir, file, &format!("{name} fresh"));
        }
        let stream = updates(&made, 40);
        for file in [&theirs, &ours] {
            for chunk in stream.chunks(10) {
                let mut up: Vec<&str> = vec!["update", file];
                up.extend(chunk.iter().map(String::as_str));
                rrdtool_ok(dir, &up);
            }
            compare_info_dump(dir, file, &format!("{name} updated"));
        }
    }
}

#[test]
fn unusual_values_dump_like_rrdtool() {
    if !have_rrdtool() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let args: Vec<String> =
        ["DS:a:GAUGE:600:U:U", "DS:b:GAUGE:600:U:U", "RRA:MAX:0.5:2:6"].iter().map(|s| s.to_string()).collect();
    let mut rrd = our_create(dir, "odd.rrd", &args);
    let values = [
        -0.0,
        f64::INFINITY,
        f64::NEG_INFINITY,
        5e-324,
        f64::MAX,
        -1.234_567_890_55e-7,
        0.999_999_999_95,
        1e-310,
        12_345_678_912.5,
        -3e-320,
        0.1,
        2.5,
    ];
    rrd.data.copy_from_slice(&values);
    rrd.cdp_prep[0].val = f64::INFINITY;
    rrd.cdp_prep[1].val = f64::NEG_INFINITY;
    rrd.pdp_prep[0].val = -0.0;
    rrd.cdp_prep[0].primary = f64::NAN;
    rrd.cdp_prep[1].secondary = -0.0;
    rrd.rra[0].xff = f64::NAN;
    rrd::create::write_new(&dir.join("odd.rrd"), &rrd, false).unwrap();
    compare_info_dump(dir, "odd.rrd", "unusual values");
}

#[test]
fn create_errors_match_rrdtool() {
    if !have_rrdtool() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let cases: &[&[&str]] = &[
        &["e.rrd", "DS:a:GAUGE:600:U:U", "DS:a:GAUGE:600:U:U", "RRA:AVERAGE:0.5:1:10"],
        &["e.rrd", "DS:a.b:GAUGE:600:U:U", "RRA:AVERAGE:0.5:1:10"],
        &["e.rrd", "DS:abcdefghijabcdefghijk:GAUGE:600:U:U", "RRA:AVERAGE:0.5:1:10"],
        &["e.rrd", "DS::GAUGE:600:U:U", "RRA:AVERAGE:0.5:1:10"],
        &["e.rrd", "DS:a:FOO:600:U:U", "RRA:AVERAGE:0.5:1:10"],
        &["e.rrd", "DS:a:gauge:600:U:U", "RRA:AVERAGE:0.5:1:10"],
        &["e.rrd", "DS:a:GAUGE:600:U", "RRA:AVERAGE:0.5:1:10"],
        &["e.rrd", "DS:a:GAUGE:600::5", "RRA:AVERAGE:0.5:1:10"],
        &["e.rrd", "DS:a:GAUGE:x:U:U", "RRA:AVERAGE:0.5:1:10"],
        &["e.rrd", "DS:a:GAUGE:x:U", "RRA:AVERAGE:0.5:1:10"],
        &["e.rrd", "DS:a:GAUGE:0:U:U", "RRA:AVERAGE:0.5:1:10"],
        &["e.rrd", "DS:a:GAUGE:600:x:U", "RRA:AVERAGE:0.5:1:10"],
        &["e.rrd", "DS:a:GAUGE:600:2x:U", "RRA:AVERAGE:0.5:1:10"],
        &["e.rrd", "DS:a:GAUGE:600:U:x", "RRA:AVERAGE:0.5:1:10"],
        &["e.rrd", "DS:a:GAUGE:600:5:1", "RRA:AVERAGE:0.5:1:10"],
        &["e.rrd", "DS:a:GAUGE:600:3:3", "RRA:AVERAGE:0.5:1:10"],
        &["e.rrd", "DS:a:GAUGE:600:U:U", "RRA:AVERAGE:1:1:10"],
        &["e.rrd", "DS:a:GAUGE:600:U:U", "RRA:AVERAGE:-0.1:1:10"],
        &["e.rrd", "DS:a:GAUGE:600:U:U", "RRA:AVERAGE:x:1:10"],
        &["e.rrd", "DS:a:GAUGE:600:U:U", "RRA:AVERAGE:0.5x:1:10"],
        &["e.rrd", "DS:a:GAUGE:600:U:U", "RRA:AVERAGE:0.5:1:0"],
        &["e.rrd", "DS:a:GAUGE:600:U:U", "RRA:AVERAGE:0.5:0:10"],
        &["e.rrd", "DS:a:GAUGE:600:U:U", "RRA:AVERAGE:0.5:1"],
        &["e.rrd", "DS:a:GAUGE:600:U:U", "RRA:AVERAGE"],
        &["e.rrd", "DS:a:GAUGE:600:U:U", "RRA:"],
        &["e.rrd", "DS:a:GAUGE:600:U:U", "RRA"],
        &["e.rrd", "DS:a:GAUGE:600:U:U", "RRA:FOO:0.5:1:10"],
        &["e.rrd", "DS:a:GAUGE:600:U:U", "RRA:average:0.5:1:10"],
        &["e.rrd", "DS:a:GAUGE:600:U:U", "RRA:AVERAGE:0.5:1:10:3"],
        &["e.rrd", "DS:a:GAUGE:600:U:U", "RRA:AVERAGE:0.5:7m:10"],
        &["e.rrd", "DS:a:GAUGE:600:U:U", "RRA:AVERAGE:0.5:10m:7m"],
        &["e.rrd", "DS:a:GAUGE:600:U:U", "RRA:AVERAGE:0.5:2:1x"],
        &["e.rrd", "DS:a:GAUGE:600:U:U", "RRA:AVERAGE:0.5:-5:1"],
        &["e.rrd", "DS:a:GAUGE:600:U:U"],
        &["e.rrd", "RRA:AVERAGE:0.5:1:10"],
        &["e.rrd", "DS:a:GAUGE:600:U:U", "RRA:AVERAGE:0.5:1:10", "junk"],
        &["e.rrd", "--step", "0", "DS:a:GAUGE:600:U:U", "RRA:AVERAGE:0.5:1:10"],
        &["e.rrd", "--step", "x", "DS:a:GAUGE:600:U:U", "RRA:AVERAGE:0.5:1:10"],
        &["e.rrd", "--start", "x", "DS:a:GAUGE:600:U:U", "RRA:AVERAGE:0.5:1:10"],
        &["e.rrd", "-z", "DS:a:GAUGE:600:U:U", "RRA:AVERAGE:0.5:1:10"],
        &["--foo", "e.rrd"],
        &["e.rrd", "--step"],
        &["-s", "300"],
    ];
    for case in cases {
        let mut args = vec!["create"];
        args.extend_from_slice(case);
        let (ok, _, stderr) = rrdtool(dir, &args);
        assert!(!ok, "rrdtool accepted {case:?}");
        let expected = stderr.trim_end_matches('\n').strip_prefix("ERROR: ").unwrap_or(&stderr).to_string();
        let ours = rrd::create::parse_args(case, 1_795_676_147).expect_err("osprey accepted it");
        assert_eq!(ours.to_string(), expected, "create {case:?}");
    }
}

#[test]
fn accepted_variants_match_rrdtool() {
    if !have_rrdtool() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let cases: &[&[&str]] = &[
        &["DS:a:GAUGE:600:U:U:7", "RRA:AVERAGE:0.5:1:10"],
        &["DS:a:GAUGE:600:2:3:U", "RRA:AVERAGE:0.5:1:10"],
        &["DS:abcdefghijabcdefghi:GAUGE:600:nan:inf", "RRA:AVERAGE:nan:1:10"],
        &["-s", "1M", "DS:a:GAUGE:1y:U:U", "RRA:AVERAGE:0.5e0:1:10"],
        &["-b", "1000000000", "-s", "1w", "DS:a:GAUGE:1d:-1e3:+2.5E3", "RRA:MIN:0:1:10", "RRA:MAX:0.5:2:10w"],
        &["-O", "DS:a:COUNTER:600:-5:U", "RRA:AVERAGE:0.5:1:10", "DS:b:GAUGE:600:U:U", "RRA:AVERAGE:0.5:1:10"],
    ];
    for (n, case) in cases.iter().enumerate() {
        let theirs = format!("v{n}-rrdtool.rrd");
        let ours = format!("v{n}-osprey.rrd");
        let mut args = vec!["create", theirs.as_str(), "--start", "1000000000"];
        args.extend_from_slice(case);
        rrdtool_ok(dir, &args);
        let mut ours_args = vec![dir.join(&ours).display().to_string(), "--start".into(), "1000000000".into()];
        ours_args.extend(case.iter().map(|s| s.to_string()));
        let made = rrd::create::create(&ours_args).unwrap_or_else(|e| panic!("{case:?}: {e}"));
        let mut their_model = Rrd::load(dir.join(&theirs)).unwrap();
        their_model.cur_row.clone_from(&made.cur_row);
        assert!(their_model.to_bytes().unwrap() == made.to_bytes().unwrap(), "{case:?}: differs from rrdtool's");
        compare_info_dump(dir, &ours, &format!("variant {n}"));
    }
}

#[test]
fn no_overwrite_keeps_the_file() {
    if !have_rrdtool() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let args = ["e.rrd", "-O", "--start", "1000000000", "DS:a:GAUGE:600:U:U", "RRA:AVERAGE:0.5:1:10"];
    let mut rr = vec!["create"];
    rr.extend_from_slice(&args);
    rrdtool_ok(dir, &rr);
    let before = std::fs::read(dir.join("e.rrd")).unwrap();
    let (ok, _, stderr) = rrdtool(dir, &rr);
    assert!(!ok);
    let path = dir.join("e.rrd").display().to_string();
    let mut ours = args.map(str::to_string).to_vec();
    ours[0].clone_from(&path);
    let err = rrd::create::create(&ours).expect_err("must refuse");
    assert_eq!(err.to_string(), stderr.trim_end().replace("ERROR: ", "").replace("'e.rrd'", &format!("'{path}'")));
    assert_eq!(std::fs::read(dir.join("e.rrd")).unwrap(), before);
    let mut fresh = ours.clone();
    fresh[0] = dir.join("f.rrd").display().to_string();
    fresh.retain(|a| a != "-O");
    rrd::create::create(&fresh).unwrap();
    let (_, rr_ls, _) = rrdtool(dir, &["create", "g.rrd", "DS:a:GAUGE:600:U:U", "RRA:AVERAGE:0.5:1:10"]);
    assert!(rr_ls.is_empty());
    let mode =
        |f: &str| std::os::unix::fs::PermissionsExt::mode(&std::fs::metadata(dir.join(f)).unwrap().permissions());
    assert_eq!(mode("f.rrd"), mode("g.rrd"), "same permissions as rrdtool's files");
    std::fs::remove_file(dir.join("f.rrd")).unwrap();
    std::fs::remove_file(dir.join("g.rrd")).unwrap();
    let leftovers = std::fs::read_dir(dir).unwrap().count();
    assert_eq!(leftovers, 1, "no temporary file left behind");
}
