//! A 1-year fetch (`AVERAGE` over the 366 days before the last update, which rrdtool and we both
//! serve from the 1-day RRA: 367 rows x 2 DS) from a Cacti-profile file filled with a year of 5-minute data by the real
//! rrdtool. Compared in the same run with rrdtool's in-process `rrd_fetch_r` (a small C loop
//! linked against librrd, timed by itself, when `cc` and librrd are present) and, as a rough
//! reference, with the `rrdtool fetch` command line (a process per fetch).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use rrd::{Cf, Rrd, fetch};

const RRDTOOL: &str = "/usr/bin/rrdtool";
const START: i64 = 1_600_000_000;
const DAY: i64 = 86_400;

fn rrdtool(dir: &Path, args: &[&str]) {
    let out = Command::new(RRDTOOL).args(args).current_dir(dir).env("TZ", "UTC").output().expect("run rrdtool");
    assert!(out.status.success(), "rrdtool {:?}: {}", args.first(), String::from_utf8_lossy(&out.stderr));
}

/// The Cacti profile (AVERAGE/MIN/MAX/LAST at 1:600, 6:700, 24:775, 288:797), 2 DS, one year of data.
fn make_file(dir: &Path) -> PathBuf {
    let mut args: Vec<String> =
        ["create", "cacti.rrd", "--start", &START.to_string(), "--step", "300"].iter().map(|s| s.to_string()).collect();
    args.push("DS:load:GAUGE:600:0:U".into());
    args.push("DS:traffic_in:DERIVE:600:0:U".into());
    for cf in ["AVERAGE", "MIN", "MAX", "LAST"] {
        for (steps, rows) in [(1, 600), (6, 700), (24, 775), (288, 797)] {
            args.push(format!("RRA:{cf}:0.5:{steps}:{rows}"));
        }
    }
    rrdtool(dir, &args.iter().map(String::as_str).collect::<Vec<_>>());
    let mut counter = 0u64;
    let updates: Vec<String> = (1..=366 * 288)
        .map(|i| {
            let t = START + i * 300;
            counter += 1_000_000 + (i as u64 * 7919) % 2_000_000;
            format!("{t}:{}:{counter}", 1.0 + (i % 97) as f64 / 10.0)
        })
        .collect();
    for chunk in updates.chunks(2000) {
        let mut a = vec!["update", "cacti.rrd"];
        a.extend(chunk.iter().map(String::as_str));
        rrdtool(dir, &a);
    }
    dir.join("cacti.rrd")
}

const C_LOOP: &str = r#"
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
int rrd_fetch_r(const char *, const char *, time_t *, time_t *, unsigned long *, unsigned long *, char ***, double **);
int main(int argc, char **argv) {
    long n = atol(argv[2]);
    time_t s0 = atol(argv[3]), e0 = atol(argv[4]);
    struct timespec a, b;
    clock_gettime(CLOCK_MONOTONIC, &a);
    for (long i = 0; i < n; i++) {
        time_t s = s0, e = e0; unsigned long step = 1, ds_cnt = 0; char **names = 0; double *data = 0;
        if (rrd_fetch_r(argv[1], "AVERAGE", &s, &e, &step, &ds_cnt, &names, &data) != 0) return 2;
        for (unsigned long d = 0; d < ds_cnt; d++) free(names[d]);
        free(names); free(data);
    }
    clock_gettime(CLOCK_MONOTONIC, &b);
    printf("%lld\n", (long long)(b.tv_sec - a.tv_sec) * 1000000000LL + (b.tv_nsec - a.tv_nsec));
    return 0;
}
"#;

/// Builds the C loop over librrd's `rrd_fetch_r`; None when no compiler or library is found.
fn build_c_loop(dir: &Path) -> Option<PathBuf> {
    let lib = ["/usr/lib/x86_64-linux-gnu/librrd.so.8", "/usr/lib/librrd.so.8"]
        .into_iter()
        .find(|p| Path::new(p).exists())?;
    std::fs::write(dir.join("loop.c"), C_LOOP).ok()?;
    let exe = dir.join("fetchloop");
    let ok = Command::new("cc").args(["-O2", "-o"]).arg(&exe).arg(dir.join("loop.c")).arg(lib).status().ok()?.success();
    ok.then_some(exe)
}

fn bench(c: &mut Criterion) {
    if !Path::new(RRDTOOL).exists() {
        eprintln!("{RRDTOOL} missing: fetch benchmark skipped");
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let path = make_file(tmp.path());
    let rrd = Rrd::load(&path).unwrap();
    let end = rrd.live.last_up;
    let start = end - 366 * DAY;
    let check = fetch::fetch_file(&path, Cf::Average, 1, start, end).unwrap();
    assert_eq!(check.step, 86_400);
    assert!(check.row_count() >= 365);

    let mut g = c.benchmark_group("fetch_1y");
    g.bench_function("osprey fetch_file (open+read+parse+fetch)", |b| {
        b.iter(|| fetch::fetch_file(&path, Cf::Average, 1, start, end).unwrap())
    });
    g.bench_function("osprey fetch (parsed file)", |b| {
        b.iter(|| fetch::fetch(&rrd, Cf::Average, 1, start, end).unwrap())
    });
    g.bench_function("osprey fetch_file + text", |b| {
        b.iter(|| fetch::fetch_file(&path, Cf::Average, 1, start, end).unwrap().to_text())
    });
    if let Some(exe) = build_c_loop(tmp.path()) {
        let (s, e) = (start.to_string(), end.to_string());
        g.bench_function("rrdtool rrd_fetch_r (in-process, librrd)", |b| {
            b.iter_custom(|iters| {
                let out = Command::new(&exe)
                    .arg(&path)
                    .arg(iters.to_string())
                    .args([&s, &e])
                    .env("TZ", "UTC")
                    .output()
                    .expect("run fetch loop");
                assert!(out.status.success(), "fetch loop failed");
                let nanos: u64 = String::from_utf8_lossy(&out.stdout).trim().parse().expect("nanoseconds");
                Duration::from_nanos(nanos)
            })
        });
    } else {
        eprintln!("no cc or librrd: in-process rrdtool reference skipped");
    }
    let (s, e) = (start.to_string(), end.to_string());
    g.sample_size(10);
    g.bench_function("rrdtool fetch CLI (process per fetch)", |b| {
        b.iter(|| {
            let out = Command::new(RRDTOOL)
                .args(["fetch"])
                .arg(&path)
                .args(["AVERAGE", "-s", &s, "-e", &e])
                .env("TZ", "UTC")
                .output()
                .unwrap();
            assert!(out.status.success());
            out.stdout
        })
    });
    g.finish();
}

fn config() -> Criterion {
    Criterion::default()
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2))
        .sample_size(30)
}

criterion_group! {
    name = benches;
    config = config();
    targets = bench
}
criterion_main!(benches);
