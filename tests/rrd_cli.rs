//! `osprey rrd create|info|dump|fetch` and `osprey rrd -` (pipe mode) against the `rrdtool` command line: the same files (up to
//! the random initial row pointers), the same output byte for byte, the same errors and
//! exit codes.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;
use std::process::Command;

use testkit::Output;

fn have_rrdtool() -> bool {
    if Path::new("/usr/bin/rrdtool").exists() {
        return true;
    }
    assert!(std::env::var_os("CI").is_none(), "rrdtool missing in CI");
    eprintln!("skipped: rrdtool not installed; run scripts/test.sh");
    false
}

fn run(program: &str, args: &[&str]) -> Output {
    let out = Command::new(program).args(args).env("TZ", "UTC").output().unwrap();
    Output {
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        code: out.status.code().unwrap_or(-1),
    }
}

fn both(args: &[&str]) -> (Output, Output) {
    let mut ours = vec!["rrd"];
    ours.extend_from_slice(args);
    (run("rrdtool", args), run(env!("CARGO_BIN_EXE_osprey"), &ours))
}

/// `rrdtool info` without the lines that show the random initial row pointers.
fn info_without_cur_row(file: &str) -> String {
    let out = run("rrdtool", &["info", file]);
    assert_eq!(out.code, 0, "{out:?}");
    out.stdout.lines().filter(|l| !l.contains(".cur_row = ")).map(|l| l.replace(file, "FILE") + "\n").collect()
}

const MRTG: &[&str] = &[
    "--start",
    "1000000000",
    "--step",
    "300",
    "DS:ds0:COUNTER:600:0:12500000",
    "DS:ds1:COUNTER:600:0:12500000",
    "RRA:AVERAGE:0.5:1:600",
    "RRA:AVERAGE:0.5:6:700",
    "RRA:AVERAGE:0.5:24:775",
    "RRA:AVERAGE:0.5:288:797",
    "RRA:MAX:0.5:1:600",
    "RRA:MAX:0.5:6:700",
    "RRA:MAX:0.5:24:775",
    "RRA:MAX:0.5:288:797",
];

#[test]
fn create_makes_the_file_rrdtool_makes() {
    if !have_rrdtool() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let theirs = dir.path().join("theirs.rrd").display().to_string();
    let ours = dir.path().join("ours.rrd").display().to_string();
    let mut args = vec!["create", theirs.as_str()];
    args.extend_from_slice(MRTG);
    assert_eq!(run("rrdtool", &args).code, 0);
    let mut args = vec!["rrd", "create", ours.as_str()];
    args.extend_from_slice(MRTG);
    let out = run(env!("CARGO_BIN_EXE_osprey"), &args);
    assert_eq!((out.code, out.stdout.as_str(), out.stderr.as_str()), (0, "", ""));
    assert_eq!(info_without_cur_row(&ours), info_without_cur_row(&theirs));
    // rrdtool accepts our file for updates.
    assert_eq!(run("rrdtool", &["update", &ours, "1000000300:100:200"]).code, 0);
}

#[test]
fn info_dump_and_fetch_print_what_rrdtool_prints() {
    if !have_rrdtool() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("data.rrd").display().to_string();
    let mut args = vec!["create", file.as_str()];
    args.extend_from_slice(MRTG);
    assert_eq!(run("rrdtool", &args).code, 0);
    let updates: Vec<String> =
        (1..=40).map(|i| format!("{}:{}:{}", 1_000_000_000 + i * 300, i * i * 1000, i * 777)).collect();
    let mut update = vec!["update", file.as_str()];
    update.extend(updates.iter().map(String::as_str));
    assert_eq!(run("rrdtool", &update).code, 0);
    let xml = dir.path().join("out.xml").display().to_string();
    for args in [
        vec!["info", file.as_str()],
        vec!["dump", file.as_str()],
        vec!["dump", "--no-header", file.as_str()],
        vec!["dump", "-h", "none", file.as_str()],
    ] {
        let (theirs, ours) = both(&args);
        testkit::assert_same(&format!("{args:?}"), &theirs, &ours);
    }
    for args in [
        vec!["fetch", file.as_str(), "AVERAGE", "-s", "1000000000", "-e", "1000012000"],
        vec!["fetch", file.as_str(), "MAX", "-r", "1800", "-s", "1000000000", "-e", "start+4h"],
        vec!["fetch", file.as_str(), "AVERAGE", "-s", "end-1h", "-e", "1000009000"],
        vec!["fetch", file.as_str(), "LAST", "-s", "1000000000"],
        vec!["fetch", file.as_str(), "AVERAGE", "-s", "1000012000", "-e", "1000000000"],
    ] {
        let (theirs, ours) = both(&args);
        testkit::assert_same(&format!("{args:?}"), &theirs, &ours);
    }
    let (theirs, ours) = both(&["dump", file.as_str(), xml.as_str()]);
    testkit::assert_same("dump to a file", &theirs, &ours);
    assert_eq!(std::fs::read_to_string(&xml).unwrap(), run("rrdtool", &["dump", &file]).stdout);
}

#[test]
fn errors_are_rrdtools() {
    if !have_rrdtool() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("e.rrd").display().to_string();
    let garbage = dir.path().join("garbage.rrd").display().to_string();
    std::fs::write(&garbage, b"not an rrd file at all, certainly not").unwrap();
    let cases: Vec<Vec<&str>> = vec![
        vec!["create", &file, "--step", "300", "DS:a:GAUGE:600:U:U"],
        vec!["create", &file, "DS:a:GAUGE:600:U:U", "DS:a:GAUGE:600:U:U", "RRA:AVERAGE:0.5:1:10"],
        vec!["create", &file, "DS:a:NOPE:600:U:U", "RRA:AVERAGE:0.5:1:10"],
        vec!["create", &file, "DS:a:GAUGE:600:U:U", "RRA:AVERAGE:1.5:1:10"],
        vec!["info", "/nonexistent/x.rrd"],
        vec!["dump", "/nonexistent/x.rrd"],
        vec!["info", &garbage],
    ];
    for args in cases {
        let (theirs, ours) = both(&args);
        testkit::assert_same(&format!("{args:?}"), &theirs, &ours);
    }
    // --no-overwrite keeps an existing file.
    let ok = ["create", file.as_str(), "DS:a:GAUGE:600:U:U", "RRA:AVERAGE:0.5:1:10"];
    assert_eq!(run("rrdtool", &ok).code, 0);
    let before = std::fs::read(&file).unwrap();
    let (theirs, ours) = both(&["create", &file, "-O", "DS:a:GAUGE:600:U:U", "RRA:AVERAGE:0.5:1:10"]);
    testkit::assert_same("no overwrite", &theirs, &ours);
    assert_eq!(std::fs::read(&file).unwrap(), before);
}

/// Pipe mode: the same answers as `rrdtool -` for the same command stream, with the CPU and
/// real times of the `OK` lines masked.
#[test]
fn pipe_mode_answers_as_rrdtool() {
    if !have_rrdtool() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("p.rrd").display().to_string();
    let made = dir.path().join("made.rrd").display().to_string();
    let mut args = vec!["create", file.as_str()];
    args.extend_from_slice(MRTG);
    assert_eq!(run("rrdtool", &args).code, 0);
    assert_eq!(run("rrdtool", &["update", &file, "1000000300:100:200", "1000000600:700:900"]).code, 0);
    let script = format!(
        "info {file}\nfetch {file} AVERAGE -s 1000000000 -e 1000001200\ninfo /nonexistent/x.rrd\n\
         create {made} -O --start 1000000000 DS:a:GAUGE:600:U:U RRA:AVERAGE:0.5:1:10\n\
         create {made} -O --start 1000000000 DS:a:GAUGE:600:U:U RRA:AVERAGE:0.5:1:10\n\
         dump --no-header {file}\nquit\ninfo {file}\n"
    );
    let feed = |program: &str, args: &[&str]| {
        use std::io::Write;
        let mut child = Command::new(program)
            .args(args)
            .env("TZ", "UTC")
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        child.stdin.take().unwrap().write_all(script.as_bytes()).unwrap();
        let out = child.wait_with_output().unwrap();
        let text = String::from_utf8_lossy(&out.stdout).into_owned();
        let masked: String = text
            .lines()
            .map(|l| if l.starts_with("OK u:") { "OK u:- s:- r:-\n".to_string() } else { format!("{l}\n") })
            .collect();
        (masked, out.status.code())
    };
    let theirs = feed("rrdtool", &["-"]);
    let _ = std::fs::remove_file(&made);
    let ours = feed(env!("CARGO_BIN_EXE_osprey"), &["rrd", "-"]);
    assert_eq!(ours, theirs);
    assert_eq!(theirs.0.matches("OK u:").count(), 4, "{}", theirs.0);
}
