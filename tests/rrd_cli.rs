//! `osprey rrd create|update|info|dump|fetch|lastupdate|first|last` and `osprey rrd -` (pipe mode) against the `rrdtool` command line: the same files (up to
//! the random initial row pointers), the same output byte for byte, the same errors and
//! exit codes.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::process::Command;

use testkit::rrd_profiles::mrtg_from;
use testkit::{Output, have_rrdtool, run_utc as run};

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

/// Creates an MRTG-style file with the real rrdtool at `dir/name.rrd` and returns its path.
fn rrdtool_mrtg_file(dir: &tempfile::TempDir, name: &str) -> String {
    let file = dir.path().join(format!("{name}.rrd")).display().to_string();
    let mut args = vec!["create", file.as_str()];
    args.extend_from_slice(&mrtg_from("1000000000"));
    assert_eq!(run("rrdtool", &args).code, 0);
    file
}

#[test]
fn create_makes_the_file_rrdtool_makes() {
    if !have_rrdtool() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let ours = dir.path().join("ours.rrd").display().to_string();
    let theirs = rrdtool_mrtg_file(&dir, "theirs");
    let mut args = vec!["rrd", "create", ours.as_str()];
    args.extend_from_slice(&mrtg_from("1000000000"));
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
    let file = rrdtool_mrtg_file(&dir, "data");
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
    let base = rrdtool_mrtg_file(&dir, "base");
    assert_eq!(run("rrdtool", &["update", &base, "1000000300:100:200", "1000000600:700:900"]).code, 0);
    // Each tool works on its own copy; FILE and MADE stand for that tool's files.
    let script = "info FILE\nfetch FILE AVERAGE -s 1000000000 -e 1000001200\ninfo /nonexistent/x.rrd\n\
         update FILE 1000000900:1000:1200 1000001200:1300:1500\nupdate FILE 1000000100:1:1\nlastupdate FILE\n\
         create MADE -O --start 1000000000 DS:a:GAUGE:600:U:U RRA:AVERAGE:0.5:1:10\n\
         create MADE -O --start 1000000000 DS:a:GAUGE:600:U:U RRA:AVERAGE:0.5:1:10\n\
         dump --no-header FILE\nquit\ninfo FILE\n";
    let feed = |name: &str, program: &str, args: &[&str]| {
        use std::io::Write;
        let file = dir.path().join(format!("{name}.rrd")).display().to_string();
        let made = dir.path().join(format!("{name}-made.rrd")).display().to_string();
        std::fs::copy(&base, &file).unwrap();
        let mut child = Command::new(program)
            .args(args)
            .env("TZ", "UTC")
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let input = script.replace("FILE", &file).replace("MADE", &made);
        child.stdin.take().unwrap().write_all(input.as_bytes()).unwrap();
        let out = child.wait_with_output().unwrap();
        let text = String::from_utf8_lossy(&out.stdout).replace(&file, "FILE").replace(&made, "MADE");
        let masked: String = text
            .lines()
            .map(|l| if l.starts_with("OK u:") { "OK u:- s:- r:-\n".to_string() } else { format!("{l}\n") })
            .collect();
        (masked, out.status.code(), std::fs::read(&file).unwrap())
    };
    let theirs = feed("theirs", "rrdtool", &["-"]);
    let ours = feed("ours", env!("CARGO_BIN_EXE_osprey"), &["rrd", "-"]);
    assert!(ours.0 == theirs.0, "pipe output differs:\n{}", testkit::first_differences(&theirs.0, &ours.0));
    assert_eq!(ours.1, theirs.1);
    assert!(ours.2 == theirs.2, "the files differ after the same pipe-mode updates");
    assert_eq!(theirs.0.matches("OK u:").count(), 6, "{}", theirs.0);
}

/// Pipe mode with a stream long enough to run as parallel batches: the same answers, in
/// order, and byte-identical files, with errors and other commands among the updates.
#[test]
fn pipe_mode_batches_answer_as_rrdtool_in_order() {
    if !have_rrdtool() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let base = rrdtool_mrtg_file(&dir, "base");
    let names: Vec<String> = (0..80).map(|i| format!("f{i}.rrd")).collect();
    let mut script = String::new();
    for step in 1..=4 {
        for (i, name) in names.iter().enumerate() {
            let t = 1_000_000_000 + 300 * step;
            script += &format!("update {name} {t}:{}:{}\n", step * 1000 * (i + 1), step * 77 + i);
            if i == 7 {
                // Refused: not after the last update; a bad counter; no such file; no reading.
                script += &format!(
                    "update {name} {t}:1:1\nupdate f9.rrd {t}:x:1\nupdate nofile.rrd {t}:1:1\nupdate f3.rrd\n"
                );
            }
        }
        script += &format!("lastupdate f{step}.rrd\n");
    }
    script += "quit\n";
    let feed = |tool: &str, program: &str, args: &[&str]| {
        use std::io::Write;
        let work = dir.path().join(tool);
        std::fs::create_dir(&work).unwrap();
        for name in &names {
            std::fs::copy(&base, work.join(name)).unwrap();
        }
        let mut child = Command::new(program)
            .args(args)
            .current_dir(&work)
            .env("TZ", "UTC")
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let mut stdin = child.stdin.take().unwrap();
        let input = script.clone();
        let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()).unwrap());
        let out = child.wait_with_output().unwrap();
        writer.join().unwrap();
        let text = String::from_utf8_lossy(&out.stdout).to_string();
        let masked: String = text
            .lines()
            .map(|l| if l.starts_with("OK u:") { "OK u:- s:- r:-\n".to_string() } else { format!("{l}\n") })
            .collect();
        let files: Vec<Vec<u8>> = names.iter().map(|n| std::fs::read(work.join(n)).unwrap()).collect();
        (masked, out.status.code(), files)
    };
    let theirs = feed("theirs", "rrdtool", &["-"]);
    let ours = feed("ours", env!("CARGO_BIN_EXE_osprey"), &["rrd", "-"]);
    assert!(ours.0 == theirs.0, "pipe output differs:\n{}", testkit::first_differences(&theirs.0, &ours.0));
    assert_eq!(ours.1, theirs.1);
    for (name, (a, b)) in names.iter().zip(theirs.2.iter().zip(&ours.2)) {
        assert!(a == b, "{name} differs after the same pipe-mode updates");
    }
    assert_eq!(theirs.0.matches("OK u:").count(), 4 * 80 + 4, "{}", theirs.0);
}

/// update, lastupdate, first and last on two copies of one file: the same output, errors
/// and exit codes, and the files stay byte-identical.
#[test]
fn update_family_matches_rrdtool() {
    if !have_rrdtool() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let ours = dir.path().join("ours.rrd").display().to_string();
    let theirs = rrdtool_mrtg_file(&dir, "theirs");
    std::fs::copy(&theirs, &ours).unwrap();
    let cases: Vec<Vec<&str>> = vec![
        vec!["update", "FILE", "1000000300:100:5", "1000000600:4294967000:7", "1000000900:200:9"],
        vec!["update", "FILE", "-t", "ds1:ds0", "1000001200:900:700"],
        vec!["update", "FILE", "1000000100:1:1"],
        vec!["update", "FILE", "1000001500:abc:1"],
        vec!["update", "FILE", "--skip-past-updates", "1000000100:1:1", "1000003000.5:5000:U"],
        vec!["update", "FILE", "-t", "nope", "1000003600:1"],
        vec!["update", "FILE"],
        vec!["lastupdate", "FILE"],
        vec!["first", "FILE"],
        vec!["first", "FILE", "--rraindex", "3"],
        vec!["first", "FILE", "--rraindex", "9"],
        vec!["last", "FILE"],
    ];
    for case in cases {
        let with = |file: &str| {
            case.iter().map(|a| if *a == "FILE" { file.to_string() } else { a.to_string() }).collect::<Vec<_>>()
        };
        let t_args = with(&theirs);
        let o_args = with(&ours);
        let t = run("rrdtool", &t_args.iter().map(String::as_str).collect::<Vec<_>>());
        let mut o_cmd = vec!["rrd"];
        o_cmd.extend(o_args.iter().map(String::as_str));
        let mut o = run(env!("CARGO_BIN_EXE_osprey"), &o_cmd);
        o.stdout = o.stdout.replace(&ours, &theirs);
        o.stderr = o.stderr.replace(&ours, &theirs);
        testkit::assert_same(&format!("{case:?}"), &t, &o);
        assert!(std::fs::read(&theirs).unwrap() == std::fs::read(&ours).unwrap(), "files differ after {case:?}");
    }
}

/// A writer holding rrdtool's fcntl lock (as rrdtool or Cacti do during an update) makes
/// every command fail at once with rrdtool's message, exactly as rrdtool's own do.
#[test]
fn commands_respect_rrdtools_lock() {
    if !have_rrdtool() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let file = rrdtool_mrtg_file(&dir, "locked");
    // Read first: closing any descriptor of the file would drop this process's fcntl lock.
    let before = std::fs::read(&file).unwrap();
    let held = std::fs::OpenOptions::new().read(true).write(true).open(&file).unwrap();
    let lock = nix::libc::flock {
        l_type: nix::libc::F_WRLCK as i16,
        l_whence: nix::libc::SEEK_SET as i16,
        l_start: 0,
        l_len: 0,
        l_pid: 0,
    };
    nix::fcntl::fcntl(&held, nix::fcntl::FcntlArg::F_SETLK(&lock)).unwrap();
    let f = file.as_str();
    for args in [
        vec!["fetch", f, "AVERAGE", "-s", "1000000000", "-e", "1000000900"],
        vec!["info", f],
        vec!["dump", f],
        vec!["lastupdate", f],
        vec!["first", f],
        vec!["last", f],
        vec!["update", f, "1000000300:1:2"],
        vec!["tune", f, "-h", "ds0:700"],
    ] {
        let (theirs, ours) = both(&args);
        assert!(theirs.stderr.contains("could not lock RRD"), "{args:?}: {theirs:?}");
        testkit::assert_same(&format!("{args:?}"), &theirs, &ours);
    }
    drop(held);
    assert!(std::fs::read(&file).unwrap() == before, "a locked file was changed");
}
