//! The cache of open files (`rrd::cache`) against the real rrdtool 1.7.2: the same update
//! streams through the cache and through rrdtool on copies of one file give byte-identical
//! files and the same errors, also when rrdtool updates or tunes the file between two of our
//! cached updates, when the file is replaced or truncated under us, and when the cache evicts.
//! Batches spread over worker threads give the same files and errors as rrdtool run in batch
//! order, also with two names for one file in a batch. And crash safety: a process updating through the cache, SIGKILLed at random moments, never
//! leaves a file that rrdtool rejects.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod common;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use common::{have_rrdtool, rrdtool, rrdtool_ok};
use rrd::batch::ParallelCache;
use rrd::cache::FileCache;
use rrd::update::UpdateOptions;
use testkit::rrd_profiles::mrtg_from;

const START: i64 = 1_000_000_200;

/// Small rings (so they wrap) with every CF and a GAUGE.
const SMALL: &[&str] = &[
    "--start",
    "1000000200",
    "--step",
    "60",
    "DS:a:GAUGE:120:U:U",
    "DS:b:DERIVE:120:0:U",
    "RRA:AVERAGE:0.5:1:7",
    "RRA:MIN:0.4:3:5",
    "RRA:MAX:0.6:2:4",
    "RRA:LAST:0.5:5:3",
];

/// Per file name, a copy updated by rrdtool (`theirs/NAME`) and one by the cache (`ours/NAME`).
struct Pairs {
    _tmp: tempfile::TempDir,
    theirs: PathBuf,
    ours: PathBuf,
}

impl Pairs {
    fn new() -> Self {
        let tmp = tempfile::tempdir().unwrap();
        let theirs = tmp.path().join("theirs");
        let ours = tmp.path().join("ours");
        std::fs::create_dir(&theirs).unwrap();
        std::fs::create_dir(&ours).unwrap();
        Pairs { _tmp: tmp, theirs, ours }
    }

    /// Creates `name` with rrdtool and copies it to ours.
    fn create(&self, name: &str, args: &[&str]) {
        let mut all = vec!["create", name];
        all.extend_from_slice(args);
        rrdtool_ok(&self.theirs, &all);
        std::fs::copy(self.theirs.join(name), self.ours.join(name)).unwrap();
    }

    fn ours(&self, name: &str) -> PathBuf {
        self.ours.join(name)
    }

    /// rrdtool's update of its copy: its error message, or "" on success.
    fn rrdtool_update(&self, dir: &Path, name: &str, readings: &[String]) -> String {
        let mut args = vec!["update", name];
        args.extend(readings.iter().map(String::as_str));
        let (_, _, stderr) = rrdtool(dir, &args);
        stderr.trim_end().strip_prefix("ERROR: ").unwrap_or(stderr.trim_end()).to_string()
    }

    /// The same readings through rrdtool (theirs) and the cache (ours): same error text.
    fn update_both(&self, cache: &mut FileCache, name: &str, readings: &[String]) -> String {
        let expected = self.rrdtool_update(&self.theirs, name, readings);
        // Our error names the file as given; rrdtool was given the bare name in its directory.
        let ours = cache.update(&self.ours(name), UpdateOptions::default(), readings);
        let ours = ours.err().map(|e| e.to_string()).unwrap_or_default();
        let ours = ours.replace(&format!("{}/", self.ours.display()), "");
        assert_eq!(ours, expected, "{name}: error for {readings:?}");
        expected
    }

    /// rrdtool updates both copies (another process between our cached updates).
    fn rrdtool_updates_both(&self, name: &str, readings: &[String]) {
        assert_eq!(self.rrdtool_update(&self.theirs, name, readings), "");
        assert_eq!(self.rrdtool_update(&self.ours, name, readings), "");
    }

    fn assert_same(&self, name: &str, what: &str) {
        let theirs = std::fs::read(self.theirs.join(name)).unwrap();
        let ours = std::fs::read(self.ours(name)).unwrap();
        assert_eq!(theirs.len(), ours.len(), "{what}: {name} sizes differ");
        if let Some(at) = theirs.iter().zip(&ours).position(|(a, b)| a != b) {
            panic!("{what}: {name} differs from rrdtool's first at byte {at}");
        }
    }
}

/// A deterministic pseudo-random sequence (xorshift).
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
}

/// Counter values growing by a random rate, sometimes unknown.
fn reading(rng: &mut Rng, t: i64, counters: &mut [u64; 2]) -> String {
    for c in counters.iter_mut() {
        *c += rng.below(400_000);
    }
    if rng.below(10) == 0 { format!("{t}:U:{}", counters[1]) } else { format!("{t}:{}:{}", counters[0], counters[1]) }
}

#[test]
fn poller_streams_with_eviction_give_rrdtools_bytes() {
    let mrtg = mrtg_from("1000000200");
    if !have_rrdtool() {
        return;
    }
    let pairs = Pairs::new();
    let names: Vec<String> = (0..6).map(|i| format!("f{i}.rrd")).collect();
    for (i, name) in names.iter().enumerate() {
        pairs.create(name, if i % 2 == 0 { &mrtg[..] } else { SMALL });
    }
    // Capacity 4 for 6 files in round robin, plain LRU: every update after the first round
    // evicts.
    let mut cache = FileCache::new(4).with_idle_eviction(Duration::ZERO);
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut counters = vec![[0u64; 2]; names.len()];
    let mut t = vec![START; names.len()];
    for _step in 0..25 {
        for (i, name) in names.iter().enumerate() {
            let step = if i % 2 == 0 { 300 } else { 60 };
            t[i] += step - 20 + rng.below(41) as i64;
            let r = reading(&mut rng, t[i], &mut counters[i]);
            assert_eq!(pairs.update_both(&mut cache, name, &[r]), "");
        }
    }
    for name in &names {
        pairs.assert_same(name, "round robin with eviction");
    }
    let stats = cache.stats();
    assert!(stats.evicted > 0 && cache.len() <= 4, "{stats:?}");

    // The default policy: the 4 files cached first stay, the other 2 are updated uncached.
    let mut cache = FileCache::new(4);
    for _step in 0..10 {
        for (i, name) in names.iter().enumerate() {
            t[i] += if i % 2 == 0 { 300 } else { 60 };
            let r = reading(&mut rng, t[i], &mut counters[i]);
            assert_eq!(pairs.update_both(&mut cache, name, &[r]), "");
        }
    }
    for name in &names {
        pairs.assert_same(name, "full cache, files in use");
    }
    let stats = cache.stats();
    assert_eq!((stats.opens, stats.hits, stats.uncached, stats.evicted), (4, 36, 20, 0), "{stats:?}");

    // A large capacity: after the first round every update is a hit.
    let mut cache = FileCache::new(100);
    for _step in 0..20 {
        for (i, name) in names.iter().enumerate() {
            t[i] += if i % 2 == 0 { 300 } else { 60 };
            let r = reading(&mut rng, t[i], &mut counters[i]);
            assert_eq!(pairs.update_both(&mut cache, name, &[r]), "");
        }
    }
    for name in &names {
        pairs.assert_same(name, "cached");
    }
    let stats = cache.stats();
    assert_eq!((stats.opens, stats.hits, stats.evicted), (6, 114, 0), "{stats:?}");
}

#[test]
fn rrdtool_between_our_cached_updates() {
    if !have_rrdtool() {
        return;
    }
    let pairs = Pairs::new();
    pairs.create("a.rrd", &mrtg_from("1000000200"));
    pairs.create("b.rrd", SMALL);
    let mut cache = FileCache::new(10);
    let mut rng = Rng(42);
    let (mut ca, mut cb) = ([0u64; 2], [0u64; 2]);
    let (mut ta, mut tb) = (START, START);
    for k in 0..60 {
        ta += 290 + rng.below(21) as i64;
        tb += 50 + rng.below(21) as i64;
        let (ra, rb) = (reading(&mut rng, ta, &mut ca), reading(&mut rng, tb, &mut cb));
        if k % 3 == 1 || k % 7 == 0 {
            // Another process (rrdtool) writes the file while we hold it open with its header.
            pairs.rrdtool_updates_both("a.rrd", &[ra]);
            pairs.rrdtool_updates_both("b.rrd", &[rb]);
        } else {
            pairs.update_both(&mut cache, "a.rrd", &[ra]);
            pairs.update_both(&mut cache, "b.rrd", &[rb]);
        }
        if k == 30 {
            // rrdtool tune changes the definitions in place (same size): parsed anew.
            for dir in [&pairs.theirs, &pairs.ours] {
                rrdtool_ok(dir, &["tune", "b.rrd", "--heartbeat", "a:50", "--maximum", "b:1000"]);
            }
        }
    }
    pairs.assert_same("a.rrd", "interleaved with rrdtool");
    pairs.assert_same("b.rrd", "interleaved with rrdtool and tune");
    let stats = cache.stats();
    assert!(stats.reparsed >= 1 && stats.opens == 2, "{stats:?}");
}

#[test]
fn a_file_replaced_truncated_or_removed_under_the_cache() {
    if !have_rrdtool() {
        return;
    }
    let pairs = Pairs::new();
    pairs.create("r.rrd", SMALL);
    let mut cache = FileCache::new(10);
    let mut rng = Rng(7);
    let mut c = [0u64; 2];
    let mut t = START;
    let mut step = |cache: &mut FileCache, t: &mut i64| {
        *t += 60;
        let r = reading(&mut rng, *t, &mut c);
        pairs.update_both(cache, "r.rrd", &[r])
    };
    for _ in 0..5 {
        assert_eq!(step(&mut cache, &mut t), "");
    }
    // Replaced by a rename (how create and restore install a file): a new file, new inode.
    rrdtool_ok(
        &pairs.theirs,
        &[
            "create",
            "new.rrd",
            "--start",
            &(t - 30).to_string(),
            "--step",
            "60",
            "DS:a:GAUGE:120:U:U",
            "DS:b:DERIVE:120:0:U",
            "RRA:AVERAGE:0.5:1:9",
            "RRA:MAX:0.5:2:9",
        ],
    );
    std::fs::copy(pairs.theirs.join("new.rrd"), pairs.ours("new.rrd")).unwrap();
    for dir in [&pairs.theirs, &pairs.ours] {
        std::fs::rename(dir.join("new.rrd"), dir.join("r.rrd")).unwrap();
    }
    for _ in 0..5 {
        assert_eq!(step(&mut cache, &mut t), "");
    }
    pairs.assert_same("r.rrd", "after a replacement by rename");
    assert_eq!(cache.stats().invalidated, 1);

    // Truncated: rrdtool's error, and the same bytes left.
    for dir in [&pairs.theirs, &pairs.ours] {
        std::fs::OpenOptions::new().write(true).open(dir.join("r.rrd")).unwrap().set_len(900).unwrap();
    }
    let err = step(&mut cache, &mut t);
    assert!(!err.is_empty());
    pairs.assert_same("r.rrd", "truncated");
    // Truncated to inside the header.
    for dir in [&pairs.theirs, &pairs.ours] {
        std::fs::OpenOptions::new().write(true).open(dir.join("r.rrd")).unwrap().set_len(200).unwrap();
    }
    assert!(!step(&mut cache, &mut t).is_empty());
    pairs.assert_same("r.rrd", "truncated into the header");
    // Removed.
    for dir in [&pairs.theirs, &pairs.ours] {
        std::fs::remove_file(dir.join("r.rrd")).unwrap();
    }
    assert!(step(&mut cache, &mut t).contains("No such file"));
    assert!(cache.is_empty());
}

#[test]
fn a_file_with_holes_is_updated_without_a_mapping() {
    if !have_rrdtool() {
        return;
    }
    let pairs = Pairs::new();
    pairs.create("sparse.rrd", &mrtg_from("1000000200"));
    // A hole in the data area of both copies (it reads as zeros, valid values for rrdtool).
    for dir in [&pairs.theirs, &pairs.ours] {
        let file = std::fs::OpenOptions::new().write(true).open(dir.join("sparse.rrd")).unwrap();
        let flags = nix::fcntl::FallocateFlags::FALLOC_FL_PUNCH_HOLE | nix::fcntl::FallocateFlags::FALLOC_FL_KEEP_SIZE;
        nix::fcntl::fallocate(&file, flags, 16384, 16384).unwrap();
    }
    let mut cache = FileCache::new(10);
    for step in 1..=3 {
        let r = format!("{}:{}:{}", START + 300 * step, step * 1000, step * 2000);
        assert_eq!(pairs.update_both(&mut cache, "sparse.rrd", &[r]), "");
    }
    pairs.assert_same("sparse.rrd", "with a hole");
    let stats = cache.stats();
    assert!(stats.uncached == 3 && cache.is_empty(), "{stats:?}");
}

#[test]
fn a_batch_reports_per_file_and_one_bad_file_stops_nothing() {
    if !have_rrdtool() {
        return;
    }
    let pairs = Pairs::new();
    pairs.create("good1.rrd", &mrtg_from("1000000200"));
    pairs.create("good2.rrd", SMALL);
    pairs.create("late.rrd", SMALL);
    std::fs::write(pairs.theirs.join("junk.rrd"), b"not an rrd at all, just some bytes........").unwrap();
    std::fs::write(pairs.ours("junk.rrd"), b"not an rrd at all, just some bytes........").unwrap();
    let batch: Vec<(&str, Vec<String>)> = vec![
        ("good1.rrd", vec![format!("{}:100:200", START + 300), format!("{}:400:500", START + 600)]),
        ("missing.rrd", vec![format!("{}:1:2", START + 60)]),
        ("junk.rrd", vec![format!("{}:1:2", START + 60)]),
        (
            "late.rrd",
            vec![format!("{}:1:2", START + 60), format!("{}:1:2", START + 30), format!("{}:3:4", START + 120)],
        ),
        ("good2.rrd", vec![format!("{}:1:x", START + 60)]),
        ("good2.rrd", vec![format!("{}:5:10", START + 60), format!("{}:6:20", START + 120)]),
    ];
    let ours_batch: Vec<(PathBuf, Vec<String>)> = batch.iter().map(|(n, r)| (pairs.ours(n), r.clone())).collect();
    let mut cache = ParallelCache::new(2, 100);
    let results = cache.update_many(&ours_batch);
    assert_eq!(results.len(), batch.len());
    for ((name, readings), result) in batch.iter().zip(&results) {
        let expected = pairs.rrdtool_update(&pairs.theirs, name, readings);
        let ours = result.as_ref().err().map(|e| e.to_string()).unwrap_or_default();
        assert_eq!(ours.replace(&format!("{}/", pairs.ours.display()), ""), expected, "{name}");
    }
    assert!(results[0].is_ok() && results[5].is_ok());
    assert!(results[1].is_err() && results[2].is_err() && results[3].is_err() && results[4].is_err());
    for name in ["good1.rrd", "good2.rrd", "late.rrd", "junk.rrd"] {
        pairs.assert_same(name, "batch");
    }
    // Only the files that could be read stay open.
    assert_eq!(cache.len(), 3);
}

#[test]
fn parallel_batches_give_rrdtools_bytes_in_batch_order() {
    let mrtg = mrtg_from("1000000200");
    if !have_rrdtool() {
        return;
    }
    let pairs = Pairs::new();
    let names: Vec<String> = (0..40).map(|i| format!("p{i}.rrd")).collect();
    for (i, name) in names.iter().enumerate() {
        pairs.create(name, if i % 3 == 0 { &mrtg[..] } else { SMALL });
    }
    let mut cache = ParallelCache::new(3, 12);
    let mut rng = Rng(0x2545_f491_4f6c_dd1d);
    let mut counters = vec![[0u64; 2]; names.len()];
    let mut t = vec![START; names.len()];
    for step in 0..8 {
        // Each file twice per batch (two readings in order), once under a second name, and a
        // batch large enough for the workers; capacity 12 for 40 files leaves most uncached.
        let mut batch: Vec<(String, Vec<String>)> = Vec::new();
        for round in 0..2 {
            for (i, name) in names.iter().enumerate() {
                t[i] += if i % 3 == 0 { 300 } else { 60 } - 10 + rng.below(21) as i64;
                let r = reading(&mut rng, t[i], &mut counters[i]);
                let alias = if (i + round + step) % 4 == 0 { format!("./{name}") } else { name.clone() };
                batch.push((alias, vec![r]));
            }
        }
        // Some refused readings too: not after the last update.
        batch.push((names[1].clone(), vec![format!("{}:1:2", START)]));
        let expected: Vec<String> = batch.iter().map(|(n, r)| pairs.rrdtool_update(&pairs.theirs, n, r)).collect();
        let ours_batch: Vec<(PathBuf, Vec<String>)> =
            batch.iter().map(|(n, r)| (pairs.ours.join(n), r.clone())).collect();
        let results = cache.update_many(&ours_batch);
        for (((name, _), want), got) in batch.iter().zip(&expected).zip(&results) {
            let got = got.as_ref().err().map(|e| e.to_string()).unwrap_or_default();
            let got = got.replace(&format!("{}/", pairs.ours.display()), "");
            assert_eq!(&got, want, "step {step}, {name}");
        }
    }
    for name in &names {
        pairs.assert_same(name, "parallel batches");
    }
    // A full cache updates the files it cannot hold uncached.
    let stats = cache.stats();
    assert!(stats.uncached > 0 && stats.hits > 0 && cache.len() <= 12, "{stats:?}");
}

/// With `RRD_CRASH_CHILD=DIR` this test is the victim of the crash test: it updates every
/// file in DIR through the cache, step after step, until killed (bounded to 60 s).
#[test]
fn crash_child() {
    let Some(dir) = std::env::var_os("RRD_CRASH_CHILD") else { return };
    let dir = PathBuf::from(dir);
    let mut names: Vec<PathBuf> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).collect();
    names.sort();
    // Batches of two updates per file: large enough for the two workers.
    let mut cache = ParallelCache::new(2, 4096);
    let started = Instant::now();
    let mut rng = Rng(std::process::id() as u64 | 1);
    // Each run goes on from the files' own last updates, where the killed one stopped.
    let mut last: Vec<i64> = names.iter().map(|p| rrd::Rrd::load(p).unwrap().live.last_up).collect();
    while started.elapsed() < Duration::from_secs(60) {
        let mut batch = Vec::new();
        for _ in 0..2 {
            for (path, last) in names.iter().zip(&mut last) {
                // Several steps at once now and then (more rows per update).
                let t = *last + 60 * (1 + rng.below(3) as i64);
                *last = t;
                let value = t / 7;
                batch.push((path.clone(), vec![format!("{t}:{value}:{}", value * 3)]));
            }
        }
        for result in cache.update_many(&batch) {
            assert!(result.is_ok(), "{result:?}");
        }
    }
}

#[test]
fn killed_during_updates_never_leaves_a_file_rrdtool_rejects() {
    let mrtg = mrtg_from("1000000200");
    if !have_rrdtool() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("files");
    std::fs::create_dir(&dir).unwrap();
    for i in 0..40 {
        let name = format!("c{i:02}.rrd");
        let mut args = vec!["create", name.as_str()];
        args.extend_from_slice(if i % 2 == 0 { SMALL } else { &mrtg[..] });
        rrdtool_ok(&dir, &args);
    }
    let check = tmp.path().join("check");
    let exe = std::env::current_exe().unwrap();
    let mut rng = Rng(0xdead_beef);
    let started = Instant::now();
    let mut kills = 0;
    while kills < 12 && started.elapsed() < Duration::from_secs(60) {
        let mut child = std::process::Command::new(&exe)
            .args(["--exact", "crash_child", "--nocapture", "--test-threads=1"])
            .env("RRD_CRASH_CHILD", &dir)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(30 + rng.below(200)));
        nix_kill(child.id());
        let status = child.wait().unwrap();
        assert!(!status.success(), "the child must have been killed, not have ended");
        kills += 1;
        // Every file: rrdtool info and dump accept it, and an update on a copy works.
        let _ = std::fs::remove_dir_all(&check);
        std::fs::create_dir(&check).unwrap();
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_str().unwrap().to_string();
            std::fs::copy(&path, check.join(&name)).unwrap();
            rrdtool_ok(&check, &["info", &name]);
            rrdtool_ok(&check, &["dump", &name]);
            let last: i64 = rrdtool_ok(&check, &["last", &name]).trim().parse().unwrap();
            rrdtool_ok(&check, &["update", &name, &format!("{}:1:2", last + 60)]);
            // And our own reader agrees that the file is whole.
            rrd::Rrd::load(check.join(&name)).unwrap();
        }
    }
    assert!(kills >= 3, "only {kills} kills in the time bound");
    // The children did update (each kill interrupted real work).
    let advanced = std::fs::read_dir(&dir)
        .unwrap()
        .filter(|e| rrd::Rrd::load(e.as_ref().unwrap().path()).unwrap().live.last_up > START + 600)
        .count();
    assert_eq!(advanced, 40, "files updated by the killed children");
}

fn nix_kill(pid: u32) {
    let status = std::process::Command::new("kill").args(["-KILL", &pid.to_string()]).status().unwrap();
    assert!(status.success());
}

/// With `RRD_FD_LIMIT_CHILD=DIR` this test runs with a soft limit of 40 open files and updates
/// the 100 files in DIR through a cache of 1,000 twice over: every update must succeed, the
/// cache closing its oldest files when the process runs out of descriptors.
#[test]
fn fd_limit_child() {
    let Some(dir) = std::env::var_os("RRD_FD_LIMIT_CHILD") else { return };
    use nix::sys::resource::{Resource, getrlimit, setrlimit};
    let (_, hard) = getrlimit(Resource::RLIMIT_NOFILE).unwrap();
    setrlimit(Resource::RLIMIT_NOFILE, 40, hard).unwrap();
    let mut names: Vec<PathBuf> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).collect();
    names.sort();
    let mut cache = FileCache::new(1000);
    for step in 1..=2 {
        for path in &names {
            let r = format!("{}:{}:{}", START + 60 * step, step * 10, step * 20);
            cache.update(path, UpdateOptions::default(), &[r]).unwrap();
        }
    }
    assert!(cache.stats().evicted > 0 && cache.len() < 40, "{:?}", cache.stats());
}

#[test]
fn a_low_open_file_limit_closes_files_instead_of_failing() {
    if !have_rrdtool() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let mut args = vec!["create", "a.rrd"];
    args.extend_from_slice(SMALL);
    rrdtool_ok(tmp.path(), &args);
    for i in 0..100 {
        std::fs::copy(tmp.path().join("a.rrd"), tmp.path().join(format!("f{i:03}.rrd"))).unwrap();
    }
    std::fs::remove_file(tmp.path().join("a.rrd")).unwrap();
    let status = std::process::Command::new(std::env::current_exe().unwrap())
        .args(["--exact", "fd_limit_child", "--nocapture", "--test-threads=1"])
        .env("RRD_FD_LIMIT_CHILD", tmp.path())
        .stdout(std::process::Stdio::null())
        .status()
        .unwrap();
    assert!(status.success());
    for i in 0..100 {
        let rrd = rrd::Rrd::load(tmp.path().join(format!("f{i:03}.rrd"))).unwrap();
        assert_eq!(rrd.live.last_up, START + 120);
    }
}
