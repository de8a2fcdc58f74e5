//! Update, lastupdate, first and last compared with the real rrdtool 1.7.2: identical starting
//! files (created by rrdtool), the same readings applied by `rrdtool update` to one copy and
//! by `rrd::update` to the other, then the whole files compared byte for byte (and their
//! `rrdtool dump` when they differ, to show where).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod common;

use std::path::{Path, PathBuf};

use common::{assert_same_text, have_rrdtool, rrdtool, rrdtool_ok};
use rrd::update::{UpdateOptions, update_file};
use testkit::rrd_profiles::{CACTI_RRAS, mrtg_from};

const START: i64 = 1_000_000_000;

struct Pair {
    _dir: tempfile::TempDir,
    dir: PathBuf,
}

impl Pair {
    /// Creates `theirs.rrd` with rrdtool and copies it to `ours.rrd`.
    fn new(create: &[&str]) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().to_path_buf();
        let mut args = vec!["create", "theirs.rrd"];
        args.extend_from_slice(create);
        rrdtool_ok(&path, &args);
        std::fs::copy(path.join("theirs.rrd"), path.join("ours.rrd")).unwrap();
        Self { _dir: dir, dir: path }
    }

    /// Applies `readings` to both copies; returns (rrdtool's stderr, our error text).
    fn update(&self, template: Option<&str>, readings: &[String]) -> (String, String) {
        let mut args = vec!["update".to_string(), "theirs.rrd".to_string()];
        if let Some(t) = template {
            args.push("-t".into());
            args.push(t.into());
        }
        args.extend(readings.iter().cloned());
        let refs: Vec<&str> = args.iter().map(String::as_str).collect();
        let (_, _, stderr) = rrdtool(&self.dir, &refs);
        let options = UpdateOptions { template, skip_past: false };
        let ours = match update_file(&self.dir.join("ours.rrd"), options, readings) {
            Ok(_) => String::new(),
            Err(e) => format!(
                "ERROR: {}\n",
                e.to_string().replace(&self.dir.join("ours.rrd").display().to_string(), "theirs.rrd")
            ),
        };
        (stderr, ours)
    }

    fn update_both_ok(&self, template: Option<&str>, readings: &[String]) {
        let (theirs, ours) = self.update(template, readings);
        assert!(theirs.is_empty(), "rrdtool refused: {theirs}");
        assert!(ours.is_empty(), "we refused: {ours}");
    }

    /// Requires identical files, showing the first differing dump line otherwise.
    fn assert_same(&self, what: &str) {
        let theirs = std::fs::read(self.dir.join("theirs.rrd")).unwrap();
        let ours = std::fs::read(self.dir.join("ours.rrd")).unwrap();
        if theirs != ours {
            let d1 = rrdtool_ok(&self.dir, &["dump", "theirs.rrd"]);
            let d2 = rrdtool_ok(&self.dir, &["dump", "ours.rrd"]);
            assert_same_text(what, &d1, &d2);
            let at = theirs.iter().zip(&ours).position(|(a, b)| a != b);
            panic!("{what}: files differ at byte {at:?} (lengths {} {}), dumps equal", theirs.len(), ours.len());
        }
    }
}

fn t(secs: f64) -> String {
    if secs.fract() == 0.0 { format!("{}", secs as i64) } else { format!("{secs:.6}") }
}

fn run(what: &str, create: &[&str], template: Option<&str>, readings: &[String]) {
    if !have_rrdtool() {
        return;
    }
    let pair = Pair::new(create);
    // The same readings applied to a whole in-memory model must give the same bytes too.
    let mut model = rrd::Rrd::load(pair.dir.join("ours.rrd")).unwrap();
    // In chunks, as pollers send them, and each chunk compared.
    for chunk in readings.chunks(7) {
        pair.update_both_ok(template, chunk);
        pair.assert_same(what);
        let options = UpdateOptions { template, skip_past: false };
        model.update(options, chunk, &mut rrd::update::Dirty::default()).unwrap();
        assert!(
            model.to_bytes().unwrap() == std::fs::read(pair.dir.join("theirs.rrd")).unwrap(),
            "{what}: in-memory model"
        );
    }
}

#[test]
fn worked_example_of_the_notes() {
    let create = [
        "--start",
        "1000000000",
        "--step",
        "300",
        "DS:in:COUNTER:600:0:U",
        "DS:g:GAUGE:600:U:100",
        "RRA:AVERAGE:0.5:1:4",
        "RRA:MAX:0.5:3:2",
    ];
    let r: Vec<String> =
        ["1000000050:1000:5", "1000000250.25:61000:7", "1000000500:4294967000:200", "1000000790:1200:9"]
            .iter()
            .map(|s| s.to_string())
            .collect();
    run("worked example", &create, None, &r);
}

#[test]
fn mrtg_counters_with_32_and_64_bit_wraps_and_reboots() {
    let mut r = Vec::new();
    let (mut a, mut b): (u64, u64) = (4_294_000_000, 18_446_744_073_700_000_000);
    let mut now = START as f64;
    for i in 0..400u64 {
        now += 300.0 + (i % 5) as f64 - 2.0;
        a = (a + 1_000_000 + i * 977) % 4_294_967_296;
        b = b.wrapping_add(2_000_000_000 + i * 13);
        if i == 150 {
            a = 17; // agent reboot: the counter starts again
        }
        r.push(format!("{}:{a}:{b}", t(now)));
    }
    run("mrtg wraps", &mrtg_from("1000000000"), None, &r);
}

#[test]
fn gaps_longer_than_the_heartbeat_and_several_steps_per_update() {
    let mut r = Vec::new();
    let mut now = START as f64 + 17.0;
    let mut c = 1000u64;
    for i in 0..120u64 {
        now += match i % 9 {
            0 => 301.0,
            3 => 2000.0,  // beyond the heartbeat
            5 => 1234.5,  // several steps, open PDP
            7 => 90000.0, // more steps than some RRAs have rows
            _ => 150.25,
        };
        c += 5000 + i;
        r.push(format!("{}:{c}:{}", t(now), c / 2));
    }
    run("gaps", &mrtg_from("1000000000"), None, &r);
    let small = [
        "--start",
        "1000000000",
        "--step",
        "60",
        "DS:g:GAUGE:120:U:U",
        "RRA:AVERAGE:0.5:1:4",
        "RRA:MIN:0.5:3:3",
        "RRA:LAST:0.9:2:5",
    ];
    let r2: Vec<String> = (0..40).map(|i| format!("{}:{}", START + 13 + i * i * 37, i)).collect();
    run("gaps small rings", &small, None, &r2);
}

#[test]
fn out_of_range_values_unknowns_and_templates() {
    let create = [
        "--start",
        "1000000000",
        "--step",
        "60",
        "DS:a:GAUGE:120:0:100",
        "DS:b:DERIVE:120:0:U",
        "DS:c:ABSOLUTE:120:U:50",
        "RRA:AVERAGE:0.5:1:50",
        "RRA:MIN:0.5:5:20",
        "RRA:MAX:0.2:5:20",
        "RRA:LAST:0.7:3:20",
    ];
    let mut r = Vec::new();
    for i in 0..150i64 {
        let time = START + 10 + i * 45 + (i % 4) * 7;
        let a = if i % 11 == 0 {
            "150".to_string()
        } else if i % 13 == 0 {
            "U".into()
        } else {
            format!("{}", i % 90)
        };
        let b = if i % 17 == 0 { format!("-{}", i) } else { format!("{}", i * i * 3 - (i % 7) * 100) };
        let c = if i % 5 == 0 { "U".to_string() } else { format!("{}", (i * 37) % 4000) };
        r.push(format!("{time}:{c}:{a}:{b}"));
    }
    run("range and template", &create, Some("c:a:b"), &r);
    let r2: Vec<String> = (0..60).map(|i| format!("{}:{}", START + 20 + i * 61, i * 3)).collect();
    run("partial template", &create, Some("b"), &r2);
}

#[test]
fn irregular_fractional_timestamps_dcounter_dderive() {
    let create = [
        "--start",
        "1000000000",
        "--step",
        "1",
        "DS:dc:DCOUNTER:5:U:U",
        "DS:dd:DDERIVE:5:-10:10",
        "RRA:AVERAGE:0:1:100",
        "RRA:AVERAGE:0.5:60:10",
        "RRA:MAX:0.5:7:10",
    ];
    let mut r = Vec::new();
    let mut now = START as f64;
    let mut v = 0.0f64;
    for i in 0..300 {
        now += [0.25, 0.5, 1.75, 0.001, 3.3, 7.0][i % 6];
        v += [1.5, -0.25, 2.0, 1e3, 0.1][i % 5];
        r.push(format!("{:.6}:{v}:{}", now, (i as f64 * 0.37).sin() * 5.0));
    }
    run("fractional", &create, None, &r);
}

#[test]
fn cacti_profile() {
    let mut create = vec![
        "--start",
        "1000000000",
        "--step",
        "300",
        "DS:traffic_in:COUNTER:600:0:U",
        "DS:traffic_out:COUNTER:600:0:U",
    ];
    create.extend_from_slice(CACTI_RRAS);
    let mut r = Vec::new();
    let (mut a, mut b) = (0u64, 0u64);
    for i in 0..700i64 {
        a = a.wrapping_add((i as u64 * 7919) % 100_000) % 4_294_967_296;
        b += 12345;
        let jitter = (i * 17) % 11;
        r.push(format!("{}:{a}:{b}", START + 300 * (i + 1) + jitter));
    }
    run("cacti", &create, Some("traffic_in:traffic_out"), &r);
}

/// A small deterministic generator (xorshift64*).
struct Prng(u64);

impl Prng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

#[test]
fn random_update_streams() {
    if !have_rrdtool() {
        return;
    }
    let mut rng = Prng(0x9E37_79B9_7F4A_7C15);
    for stream in 0..200 {
        let step = [1u64, 5, 60, 300][rng.below(4) as usize];
        let kinds = ["GAUGE", "COUNTER", "DERIVE", "ABSOLUTE", "DCOUNTER", "DDERIVE"];
        let ds_cnt = 1 + rng.below(3) as usize;
        let mut create: Vec<String> = vec!["--start".into(), START.to_string(), "--step".into(), step.to_string()];
        let mut types = Vec::new();
        for d in 0..ds_cnt {
            let kind = kinds[rng.below(6) as usize];
            types.push(kind);
            let hb = step * (1 + rng.below(4));
            let (min, max) = match rng.below(4) {
                0 => ("U".to_string(), "U".to_string()),
                1 => ("0".into(), "U".into()),
                2 => ("U".into(), format!("{}", 1 + rng.below(1000))),
                _ => ("-5".into(), "500".into()),
            };
            create.push(format!("DS:d{d}:{kind}:{hb}:{min}:{max}"));
        }
        for _ in 0..(1 + rng.below(4)) {
            let cf = ["AVERAGE", "MIN", "MAX", "LAST"][rng.below(4) as usize];
            let xff = ["0", "0.5", "0.3", "0.99"][rng.below(4) as usize];
            let steps = [1, 1, 2, 3, 5, 12][rng.below(6) as usize];
            let rows = 1 + rng.below(30);
            create.push(format!("RRA:{cf}:{xff}:{steps}:{rows}"));
        }
        let refs: Vec<&str> = create.iter().map(String::as_str).collect();
        let pair = Pair::new(&refs);
        let mut now = START as f64 + rng.below(step) as f64;
        let mut counters: Vec<i64> = (0..ds_cnt).map(|_| rng.below(1000) as i64).collect();
        let mut readings = Vec::new();
        for _ in 0..(5 + rng.below(60)) {
            let dt = match rng.below(10) {
                0 => rng.below(1_000_000) as f64 / 1e6 + 0.000001,
                1 => (step * (2 + rng.below(40))) as f64 + rng.below(1000) as f64 / 1000.0,
                2 => (step * rng.below(6)) as f64 + 1.0,
                _ => (rng.below(step * 2) + 1) as f64,
            };
            now += dt;
            let mut reading = t((now * 1e6).round() / 1e6);
            for (d, kind) in types.iter().enumerate() {
                let value = if rng.below(12) == 0 {
                    "U".to_string()
                } else {
                    match *kind {
                        "COUNTER" | "DERIVE" => {
                            counters[d] += rng.below(5000) as i64;
                            if rng.below(15) == 0 {
                                counters[d] =
                                    if *kind == "DERIVE" { -(rng.below(50) as i64) } else { rng.below(50) as i64 };
                            }
                            if *kind == "COUNTER" && rng.below(10) == 0 {
                                counters[d] = (4_294_967_295 - rng.below(3000)) as i64;
                            }
                            counters[d].to_string()
                        }
                        "DCOUNTER" | "DDERIVE" => {
                            counters[d] += rng.below(5000) as i64 - 500;
                            format!("{}.{}", counters[d], rng.below(100))
                        }
                        _ => format!("{}.{}", rng.below(700) as i64 - 50, rng.below(1000)),
                    }
                };
                reading.push(':');
                reading.push_str(&value);
            }
            readings.push(reading);
        }
        for chunk in readings.chunks(1 + rng.below(9) as usize) {
            pair.update_both_ok(None, chunk);
            pair.assert_same(&format!("stream {stream} {create:?} {readings:?}"));
        }
    }
}

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| s.to_string()).collect()
}

#[test]
fn errors_in_rrdtools_words_and_files_as_rrdtool_leaves_them() {
    if !have_rrdtool() {
        return;
    }
    let create = [
        "--start",
        "1000000000",
        "--step",
        "300",
        "DS:a:COUNTER:600:U:U",
        "DS:b:GAUGE:600:U:U",
        "DS:d:DERIVE:600:U:U",
        "RRA:AVERAGE:0.5:1:4",
        "RRA:MAX:0.5:3:2",
    ];
    let cases: &[(Option<&str>, &[&str])] = &[
        (None, &["1000000100:5:1:1", "1000000100:6:1:1"]),
        (None, &["1000000100:5:1:1", "999999999:6:1:1"]),
        (None, &["1000000200:5.5:1:1"]),
        (None, &["1000000200:-5:1:1"]),
        (None, &["1000000200:x5:1:1"]),
        (None, &["1000000200:5:abc:1"]),
        (None, &["1000000200:5:1x:1"]),
        (None, &["1000000200:5:1:1.5"]),
        (None, &["1000000200:5:1:--1"]),
        (None, &["1000000200:5:1:1:2"]),
        (None, &["1000000200:5:1"]),
        (None, &["1000000200"]),
        (None, &["abc:5:1:1"]),
        (None, &["1000000200:7:2:1", "1000000300:8:x:1"]),
        (None, &["1000000200:7:2:1", "1000000100:8:1:1", "1000000400:9:1:1"]),
        (Some("b:foo"), &["1000000200:1:1"]),
        (Some("b:a:d:a"), &["1000000200:1:1:1:1"]),
        (Some("d:b"), &["1000000200:1:1", "1000003000:U:2"]),
        (None, &["1000000200:U:U:-", "1000000300:5::7"]),
        (None, &["1000000200@5:1:1", "1000000300@6:2:2"]),
        (None, &["xyz@5:1:1"]),
        (None, &["end-1h@5:1:1"]),
    ];
    for (template, readings) in cases {
        let pair = Pair::new(&create);
        let (theirs, ours) = pair.update(*template, &strings(readings));
        assert_eq!(ours, theirs, "message for {template:?} {readings:?}");
        pair.assert_same(&format!("file after {template:?} {readings:?}"));
    }
}

#[test]
fn lastupdate_first_last_as_rrdtool_prints_them() {
    if !have_rrdtool() {
        return;
    }
    let create = [
        "--start",
        "1000000000",
        "--step",
        "300",
        "DS:in:COUNTER:600:U:U",
        "DS:g:GAUGE:600:U:100",
        "RRA:AVERAGE:0.5:1:4",
        "RRA:MAX:0.5:3:2",
    ];
    let pair = Pair::new(&create);
    for step in 0..3 {
        let path = pair.dir.join("theirs.rrd");
        let rrd = rrd::Rrd::load(&path).unwrap();
        assert_eq!(rrd::lastupdate::lastupdate(&rrd), rrdtool_ok(&pair.dir, &["lastupdate", "theirs.rrd"]));
        assert_eq!(format!("{}\n", rrd::lastupdate::last(&rrd)), rrdtool_ok(&pair.dir, &["last", "theirs.rrd"]));
        assert_eq!(
            format!("{}\n", rrd::lastupdate::first(&rrd, 0).unwrap()),
            rrdtool_ok(&pair.dir, &["first", "theirs.rrd"])
        );
        for i in 0..2usize {
            let idx = i.to_string();
            assert_eq!(
                format!("{}\n", rrd::lastupdate::first(&rrd, i).unwrap()),
                rrdtool_ok(&pair.dir, &["first", "--rraindex", &idx, "theirs.rrd"])
            );
        }
        let (ok, _, err) = rrdtool(&pair.dir, &["first", "--rraindex", "2", "theirs.rrd"]);
        assert!(!ok);
        assert_eq!(err, format!("ERROR: {}\n", rrd::lastupdate::first(&rrd, 2).unwrap_err()));
        let base = 1_000_000_100 + step * 10_000;
        let readings = [format!("{}:{}:{}", base, 5 + step * 1000, step), format!("{}:12:", base + 3000)];
        pair.update_both_ok(None, &readings[..1 + (step as usize % 2)]);
    }
    assert!(Path::new(&pair.dir).exists());
}

#[test]
fn skip_past_updates_and_now() {
    if !have_rrdtool() {
        return;
    }
    let create = ["--start", "1000000000", "--step", "300", "DS:g:GAUGE:600:U:U", "RRA:AVERAGE:0.5:1:10"];
    let pair = Pair::new(&create);
    pair.update_both_ok(None, &strings(&["1000000500:3"]));
    let readings = strings(&["1000000400:4", "1000000500:5", "1000000700:6"]);
    rrdtool_ok(&pair.dir, &["update", "--skip-past-updates", "theirs.rrd", &readings[0], &readings[1], &readings[2]]);
    update_file(&pair.dir.join("ours.rrd"), UpdateOptions { template: None, skip_past: true }, &readings).unwrap();
    pair.assert_same("skip past updates");
    // N is now, with microseconds.
    let before = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64;
    update_file(&pair.dir.join("ours.rrd"), UpdateOptions::default(), &["N:7"]).unwrap();
    let last = rrd::Rrd::load(pair.dir.join("ours.rrd")).unwrap().live.last_up;
    assert!((before..=before + 2).contains(&last), "N gave {last}");
}

/// rrdtool's lock is a whole-file fcntl write lock taken without waiting: while another
/// process holds an fcntl lock on the file, both rrdtool and we fail at once, in the same
/// words, and leave the file alone.
#[test]
fn a_locked_file_is_refused_like_rrdtool_does() {
    if !have_rrdtool() || !Path::new("/usr/bin/python3").exists() {
        return;
    }
    let create = ["--start", "1000000000", "--step", "300", "DS:g:GAUGE:600:U:U", "RRA:AVERAGE:0.5:1:10"];
    let pair = Pair::new(&create);
    let holder = |file: &str| {
        let script = format!(
            "import fcntl,sys,time\nf=open('{file}','r+')\nfcntl.lockf(f,fcntl.LOCK_EX)\nprint('locked',flush=True)\ntime.sleep(30)"
        );
        let mut child = std::process::Command::new("/usr/bin/python3")
            .args(["-c", &script])
            .current_dir(&pair.dir)
            .stdout(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let mut line = String::new();
        std::io::BufRead::read_line(&mut std::io::BufReader::new(child.stdout.take().unwrap()), &mut line).unwrap();
        assert_eq!(line, "locked\n");
        child
    };
    let before = std::fs::read(pair.dir.join("ours.rrd")).unwrap();
    let mut h1 = holder("theirs.rrd");
    let mut h2 = holder("ours.rrd");
    let (theirs, ours) = pair.update(None, &strings(&["1000000500:3"]));
    h1.kill().unwrap();
    h2.kill().unwrap();
    h1.wait().unwrap();
    h2.wait().unwrap();
    assert_eq!(theirs, "ERROR: could not lock RRD\n");
    assert_eq!(ours, theirs);
    assert_eq!(std::fs::read(pair.dir.join("ours.rrd")).unwrap(), before);
    pair.assert_same("locked");
    // Unlocked again, both update.
    pair.update_both_ok(None, &strings(&["1000000500:3"]));
    pair.assert_same("after the lock");
}
