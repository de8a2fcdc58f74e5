//! The simulator replaying snmpsim-data, the public corpus of `.snmprec` recordings of real
//! devices (switches, routers, firewalls, servers, UPSes, ...; BSD licence), fetched by
//! `scripts/lib/snmpsim-data.sh` into `target/` and found through `OSPREY_SNMPSIM_DATA`.
//!
//! Every recording is loaded (only the documented warnings allowed: snmpsim variation
//! modules, OIDs recorded twice), served, walked with Net-SNMP's `snmpbulkwalk -v2c -On`, and
//! the walk, read back, must give every recorded OID with its type and value. Recordings
//! larger than 3 MiB (28 of 116, up to 240 MB) are replayed through their first 3 MiB
//! of lines, which keeps the test under a minute on two cores in a debug build (the whole
//! corpus is 22 million objects); `osprey simulate --check` loads them whole.
//!
//! The corpus itself has one line snmpsim cannot serve either (`UPS/juniper-ac.snmprec`
//! line 2, `4x|Juniper`: not hex), skipped with its warning.
//!
//! Normalisation: none for types and values, except that Net-SNMP prints an Opaque float as
//! `Opaque: Float: %f`, so such values compare to six decimals.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod simulate_support;

use std::path::Path;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use agent::simulate::record::{self, Format};
use simulate_support::{options, start_one};
use snmp::Value;
use testkit::require_netsnmp;
use testkit::snmpsim_data::{VERSION, corpus_or_skip, read_prefix, recordings};

/// Recordings past this size are replayed through their first lines up to it.
const PREFIX_BYTES: usize = 3 << 20;
/// What one recording gave.
#[derive(Default)]
struct Replay {
    objects: usize,
    whole: bool,
    variation_warnings: usize,
    repeat_warnings: usize,
    broken_lines: usize,
    problems: Vec<String>,
}

fn same_value(recorded: &Value<'_>, walked: &Value<'_>) -> bool {
    match (recorded, walked) {
        (Value::Opaque(a), Value::Opaque(b)) if a.starts_with(&[0x9f, 0x78, 4]) && a.len() == 7 && b.len() == 7 => {
            let f = |x: &[u8]| f32::from_be_bytes(x[3..7].try_into().unwrap());
            format!("{:.6}", f(a)) == format!("{:.6}", f(b))
        }
        _ => recorded == walked,
    }
}

fn replay(dir: &Path, path: &Path) -> Replay {
    let name = path.strip_prefix(dir).unwrap_or(path).display().to_string();
    let (bytes, whole) = read_prefix(path, PREFIX_BYTES);
    let loaded = record::parse(&name, &bytes, Format::Snmprec).unwrap_or_else(|e| panic!("{e}"));
    let mut r = Replay { objects: loaded.recording.len(), whole, ..Replay::default() };
    for w in &loaded.warnings {
        if w.reason.contains("variation") {
            r.variation_warnings += 1;
        } else if w.reason.contains("is recorded again") {
            r.repeat_warnings += 1;
        } else if name == "UPS/juniper-ac.snmprec" && w.line == 2 && w.reason.contains("not a hex digit") {
            // `1.3.6.1.2.1.1.1.0|4x|Juniper`: not hex, which snmpsim fails on too.
            r.broken_lines += 1;
        } else {
            r.problems.push(format!("unexpected warning: {w}"));
        }
    }
    let expected = loaded.recording.objects().to_vec();
    let sim = start_one(loaded.recording, &options(None));
    let out = testkit::run("snmpbulkwalk", &["-v2c", "-c", "public", "-On", "-Cr50", "-t", "5", &sim.addr(), ".1"]);
    drop(sim);
    if out.code != 0 || !out.stderr.is_empty() {
        r.problems.push(format!("{name}: snmpbulkwalk exited {}: {}", out.code, out.stderr));
        return r;
    }
    let walked = match record::parse(&format!("walk of {name}"), out.stdout.as_bytes(), Format::Walk) {
        Ok(w) => w.recording,
        Err(e) => {
            r.problems.push(format!("{name}: the walk does not read back: {e}"));
            return r;
        }
    };
    if walked.len() != expected.len() {
        r.problems.push(format!("{name}: {} objects recorded, {} walked", expected.len(), walked.len()));
    }
    for (e, w) in expected.iter().zip(walked.objects()) {
        if e.oid != w.oid || !same_value(&e.value, &w.value) {
            r.problems.push(format!("{name}: recorded {} = {:?}, walked {} = {:?}", e.oid, e.value, w.oid, w.value));
            if r.problems.len() >= 5 {
                break;
            }
        }
    }
    r
}

#[test]
fn every_snmpsim_data_recording_replays_through_net_snmp() {
    require_netsnmp!();
    let Some(dir) = corpus_or_skip() else {
        return;
    };
    let files = recordings(&dir);
    assert!(files.len() >= 100, "{} recordings in {}", files.len(), dir.display());
    let next = AtomicUsize::new(0);
    let results = Mutex::new(Vec::new());
    std::thread::scope(|s| {
        for _ in 0..2 {
            s.spawn(|| {
                while let Some(path) = files.get(next.fetch_add(1, Ordering::Relaxed)) {
                    let r = replay(&dir, path);
                    results.lock().unwrap().push(r);
                }
            });
        }
    });
    let results = results.into_inner().unwrap();
    let problems: Vec<&String> = results.iter().flat_map(|r| &r.problems).collect();
    let sum = |f: fn(&Replay) -> usize| results.iter().map(f).sum::<usize>();
    eprintln!(
        "snmpsim-data {VERSION}: {} recordings replayed ({} whole, {} through their first 3 MiB), {} objects walked \
         and compared; warnings: {} variation-module lines, {} repeated OIDs, {} broken line(s) skipped",
        results.len(),
        results.iter().filter(|r| r.whole).count(),
        results.iter().filter(|r| !r.whole).count(),
        sum(|r| r.objects),
        sum(|r| r.variation_warnings),
        sum(|r| r.repeat_warnings),
        sum(|r| r.broken_lines),
    );
    assert_eq!(results.len(), files.len());
    assert!(
        problems.is_empty(),
        "{} problems:\n{}",
        problems.len(),
        problems.iter().take(30).map(|p| format!("  {p}\n")).collect::<String>()
    );
}
