//! `osprey rrd restore` and `osprey rrd tune` against the `rrdtool` command line: dump -> restore
//! of rrdtool-made and osprey-made files (MRTG, Cacti profile, updated with data) gives the bytes
//! rrdtool's restore gives (with rrdtool's random `cur_row`s taken over), `rrdtool dump` of our
//! restored file is the XML again, tune edits are byte-identical to rrdtool's on a copy, and the
//! errors are rrdtool's.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::path::{Path, PathBuf};

use testkit::rrd_profiles::MRTG;
use testkit::{Output, have_rrdtool, run_utc as run};

fn rrdtool(args: &[&str]) -> Output {
    run("rrdtool", args)
}

fn osprey(args: &[&str]) -> Output {
    let mut all = vec!["rrd"];
    all.extend_from_slice(args);
    run(env!("CARGO_BIN_EXE_osprey"), &all)
}

fn ok(out: Output) -> String {
    assert_eq!(out.code, 0, "stderr: {}", out.stderr);
    out.stdout
}

fn path(dir: &Path, name: &str) -> String {
    dir.join(name).display().to_string()
}

fn cacti() -> Vec<String> {
    let mut args = vec!["DS:traffic_in:COUNTER:600:0:U".to_string(), "DS:load:GAUGE:600:U:100".to_string()];
    for cf in ["AVERAGE", "MIN", "MAX", "LAST"] {
        for (steps, rows) in [(1, 600), (6, 700), (24, 775), (288, 797)] {
            args.push(format!("RRA:{cf}:0.5:{steps}:{rows}"));
        }
    }
    args
}

/// Creates `file` with `tool` (`rrdtool` or osprey) and feeds it `n` readings every 5 minutes.
fn make(tool: fn(&[&str]) -> Output, file: &str, defs: &[&str], n: usize) {
    let mut args = vec!["create", file, "--start", "1000000000", "--step", "300"];
    args.extend_from_slice(defs);
    ok(tool(&args));
    let ds = defs.iter().filter(|d| d.starts_with("DS:")).count();
    let readings: Vec<String> = (1..=n)
        .map(|i| {
            let t = 1_000_000_000 + 300 * i as u64 + (i as u64 * 7) % 40;
            let values: Vec<String> = (0..ds).map(|d| ((i * i * 37 + d * 1000) % 99_991 * i).to_string()).collect();
            format!("{t}:{}", values.join(":"))
        })
        .collect();
    for chunk in readings.chunks(200) {
        let mut args = vec!["update", file];
        args.extend(chunk.iter().map(String::as_str));
        ok(rrdtool(&args));
    }
}

/// rrdtool restore and ours of the same XML: byte-identical once our `cur_row`s are rrdtool's.
fn check_restore(dir: &Path, xml: &str, tag: &str) {
    let theirs = path(dir, &format!("{tag}-theirs.rrd"));
    let ours = path(dir, &format!("{tag}-ours.rrd"));
    let cli = path(dir, &format!("{tag}-cli.rrd"));
    ok(rrdtool(&["restore", xml, &theirs]));
    let their_rows = rrd::Rrd::load(&theirs).unwrap().cur_row;
    rrd::restore::restore_with_rows(
        Path::new(xml),
        Path::new(&ours),
        rrd::restore::RestoreOptions::default(),
        |i, _| their_rows[i],
    )
    .unwrap();
    assert!(std::fs::read(&theirs).unwrap() == std::fs::read(&ours).unwrap(), "{tag}: bytes differ from rrdtool's");
    // The CLI (random cur_row) gives a file whose dump is rrdtool's dump of its restore.
    let out = osprey(&["restore", xml, &cli]);
    assert_eq!((out.code, out.stdout.as_str(), out.stderr.as_str()), (0, "", ""));
    assert_eq!(ok(rrdtool(&["dump", &cli])), ok(rrdtool(&["dump", &theirs])), "{tag}: dump of the CLI's file");
}

#[test]
fn restore_matches_rrdtool_for_mrtg_cacti_and_small_files() {
    if !have_rrdtool() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let cacti = cacti();
    let cacti: Vec<&str> = cacti.iter().map(String::as_str).collect();
    let small = ["DS:in:COUNTER:600:0:U", "DS:g:GAUGE:600:U:100", "RRA:AVERAGE:0.5:1:4", "RRA:MAX:0.5:3:2"];
    type Tool = fn(&[&str]) -> Output;
    let cases: [(&str, Tool, &[&str], usize); 6] = [
        ("mrtg-rrdtool", rrdtool, MRTG, 3000),
        ("mrtg-osprey", osprey, MRTG, 3000),
        ("cacti-rrdtool", rrdtool, &cacti, 1500),
        ("cacti-osprey", osprey, &cacti, 700),
        ("small", rrdtool, &small, 9),
        ("fresh", osprey, &small, 0),
    ];
    for (tag, tool, defs, n) in cases {
        let file = path(d, &format!("{tag}.rrd"));
        make(tool, &file, defs, n);
        let xml = path(d, &format!("{tag}.xml"));
        ok(rrdtool(&["dump", &file, &xml]));
        check_restore(d, &xml, tag);
        // rrdtool dump of our restore is the XML again.
        let again = path(d, &format!("{tag}-again.rrd"));
        ok(osprey(&["restore", &xml, &again]));
        assert_eq!(ok(rrdtool(&["dump", &again])), std::fs::read_to_string(&xml).unwrap(), "{tag}: dump again");
    }
    // The other header forms rrdtool writes and reads, and -r (range check).
    let file = path(d, "small.rrd");
    for (tag, header) in [("xsd", "xsd"), ("none", "none")] {
        let xml = path(d, &format!("h-{tag}.xml"));
        ok(rrdtool(&["dump", "--header", header, &file, &xml]));
        check_restore(d, &xml, &format!("h-{tag}"));
    }
    let xml = std::fs::read_to_string(path(d, "small.xml")).unwrap();
    let edited = xml.replacen("<v>NaN</v>", "<v> nan </v>", 1).replacen("<v>NaN</v>", "<v>-Inf</v>", 1).replacen(
        "<min>NaN</min>",
        "<!-- min --><min>NaN</min>",
        1,
    );
    let edited_path = path(d, "edited.xml");
    std::fs::write(&edited_path, edited).unwrap();
    check_restore(d, &edited_path, "edited");
}

#[test]
fn restore_range_check_and_overwrite_match_rrdtool() {
    if !have_rrdtool() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let file = path(d, "g.rrd");
    make(rrdtool, &file, &["DS:g:GAUGE:600:0:50", "RRA:LAST:0.5:1:20"], 15);
    let xml = path(d, "g.xml");
    ok(rrdtool(&["dump", &file, &xml]));
    let text = std::fs::read_to_string(&xml).unwrap().replace("<max>5.0000000000e+01</max>", "<max>2.0e+01</max>");
    std::fs::write(&xml, text).unwrap();
    let theirs = path(d, "theirs.rrd");
    ok(rrdtool(&["restore", "-r", &xml, &theirs]));
    let rows = rrd::Rrd::load(&theirs).unwrap().cur_row;
    let ours = path(d, "ours.rrd");
    let options = rrd::restore::RestoreOptions { range_check: true, force_overwrite: false };
    rrd::restore::restore_with_rows(Path::new(&xml), Path::new(&ours), options, |i, _| rows[i]).unwrap();
    assert!(std::fs::read(&theirs).unwrap() == std::fs::read(&ours).unwrap());
    // Existing file: refused without -f, replaced with -f.
    let (a, b) = (rrdtool(&["restore", &xml, &theirs]), osprey(&["restore", &xml, &ours]));
    assert_eq!((a.code, a.stderr.replace("theirs", "X")), (b.code, b.stderr.replace("ours", "X")));
    assert_eq!(osprey(&["restore", "--force-overwrite", &xml, &ours]).code, 0);
    assert_eq!(osprey(&["restore", "-rf", &xml, &ours]).code, 0);
}

#[test]
fn restore_errors_are_rrdtools() {
    if !have_rrdtool() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let head = "<rrd><version>0003</version><step>300</step><lastupdate>1000</lastupdate>";
    let ds = "<ds><name>a</name><type>GAUGE</type><minimal_heartbeat>600</minimal_heartbeat>";
    let docs = [
        format!("{head}{ds}<min>abc</min></ds></rrd>"),
        format!("{head}{ds}<min>1.5x</min></ds></rrd>"),
        format!("{head}<foo>1</foo></rrd>"),
        format!("{head}<ds><name>a</name><type>GAUGEX</type></ds></rrd>"),
        format!("{head}{ds}<bogus>1</bogus></ds></rrd>"),
        format!("{head}<rra><cf>AVG</cf></rra></rrd>"),
        format!("{head}<rra><cf>AVERAGE</cf><bogus/></rra></rrd>"),
        format!("{head}<rra><cf>AVERAGE</cf></rra>{ds}</ds></rrd>"),
        format!("{head}{ds}</ds><rra><cf>AVERAGE</cf><database><row><v>1</v><v>2</v></row></database></rra></rrd>"),
        format!("{head}{ds}</ds><rra><cf>AVERAGE</cf><cdp_prep><ds><what>1</what></ds></cdp_prep></rra></rrd>"),
        format!("{head}<step>text here<x/></step></rrd>"),
        "<rrx/>".into(),
        "<rrd>text</rrd>".into(),
        "garbage".into(),
        String::new(),
    ];
    for (i, doc) in docs.iter().enumerate() {
        let xml = path(d, &format!("e{i}.xml"));
        std::fs::write(&xml, doc).unwrap();
        let (theirs, ours) = (path(d, &format!("t{i}.rrd")), path(d, &format!("o{i}.rrd")));
        let (a, b) = (rrdtool(&["restore", &xml, &theirs]), osprey(&["restore", &xml, &ours]));
        // libxml2 also prints its own diagnostics before rrdtool's message: compare the ERROR line.
        let error = |s: &str| s.lines().find(|l| l.starts_with("ERROR:")).unwrap_or_default().to_string();
        assert_eq!((a.code, error(&a.stderr)), (b.code, error(&b.stderr)), "document {doc:?}");
    }
    let missing = path(d, "missing.xml");
    let (a, b) = (rrdtool(&["restore", &missing, "x.rrd"]), osprey(&["restore", &missing, "x.rrd"]));
    assert_eq!((a.code, a.stderr), (b.code, b.stderr));
    let (a, b) = (rrdtool(&["restore", "-q", "a", "b"]), osprey(&["restore", "-q", "a", "b"]));
    assert_eq!((a.code, a.stderr), (b.code, b.stderr));
}

#[test]
fn restore_never_panics_on_mutated_xml() {
    let dir = tempfile::tempdir().unwrap();
    let file = path(dir.path(), "m.rrd");
    let mut args = vec!["create", file.as_str(), "--start", "1000000000"];
    args.extend_from_slice(&["DS:a:COUNTER:600:0:U", "DS:b:GAUGE:600:U:U", "RRA:AVERAGE:0.5:1:5", "RRA:MAX:0.5:2:3"]);
    ok(osprey(&args));
    let xml = rrd::dump::dump(&rrd::Rrd::load(&file).unwrap()).into_bytes();
    let mut seed = 0x1234_5678_9abc_def1u64;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let specials = b"<>/&;!-?[]x0 \n";
    for _ in 0..3000 {
        let mut doc = xml.clone();
        for _ in 0..(next() % 4 + 1) {
            let at = (next() % doc.len().max(1) as u64) as usize;
            match next() % 4 {
                0 => doc.truncate(at),
                1 => {
                    doc.remove(at.min(doc.len().saturating_sub(1)));
                }
                2 => doc.insert(at, specials[(next() % specials.len() as u64) as usize]),
                _ => {
                    if let Some(b) = doc.get_mut(at) {
                        *b = specials[(next() % specials.len() as u64) as usize];
                    }
                }
            }
            if doc.is_empty() {
                break;
            }
        }
        let _ = rrd::restore::parse_xml(&doc, true, |_, n| n - 1);
    }
}

/// `rrdtool tune` and ours on copies of one file: same bytes, output, errors, exit codes.
#[test]
fn tune_matches_rrdtool() {
    if !have_rrdtool() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let base = path(d, "base.rrd");
    make(rrdtool, &base, &["DS:in:COUNTER:600:0:U", "DS:g:GAUGE:600:U:100", "RRA:AVERAGE:0.5:1:10"], 12);
    let cases: &[&[&str]] = &[
        &[],
        &["-h", "g:900"],
        &["--heartbeat", "in:1200", "--minimum=g:5", "-a", "g:U"],
        &["-hg:700"],
        &["-h", "g:-5"],
        &["-h", "g:5x"],
        &["-h", "g"],
        &["-h", "zz:5"],
        &["-i", "g:1e400"],
        &["-a", "g:-1.5e-3"],
        &["-i", "g:5x"],
        &["-i", "g:nan"],
        &["-i", "g"],
        &["-i", "g: 5"],
        &["-i", "g:abc:5"],
        &["-d", "in:GAUGE"],
        &["-d", "in:DERIVE"],
        &["-d", "in:ABSOLUTE"],
        &["-d", "g:COUNTER", "-d", "in:GAUGE"],
        &["-d", "in:DCOUNTER"],
        &["-d", "g:GAUGE"],
        &["-d", "g:FOO"],
        &["-d", "in:DERIVE:x"],
        &["-r", "in:traffic_in"],
        &["-r", "g:bad.name"],
        &["-r", "g:abcdefghijklmnopqrstuvwxyz"],
        &["-r", "g"],
        &["-h", "g:700", "extra"],
        &["-h", "g:700", "-h", "zz:5"],
        &["-q"],
        &["-x", "0.5"],
        &["-x", "2"],
        &["-p", "0.05"],
        &["-w", "5"],
    ];
    for (i, args) in cases.iter().enumerate() {
        let (theirs, ours) = (path(d, &format!("t{i}.rrd")), path(d, &format!("o{i}.rrd")));
        std::fs::copy(&base, &theirs).unwrap();
        std::fs::copy(&base, &ours).unwrap();
        let mut a = vec!["tune", theirs.as_str()];
        a.extend_from_slice(args);
        let mut b = vec!["tune", ours.as_str()];
        b.extend_from_slice(args);
        let (x, y) = (rrdtool(&a), osprey(&b));
        assert_eq!(
            (x.code, x.stdout.as_str(), x.stderr.as_str()),
            (y.code, y.stdout.as_str(), y.stderr.as_str()),
            "{args:?}"
        );
        assert!(std::fs::read(&theirs).unwrap() == std::fs::read(&ours).unwrap(), "{args:?}: bytes differ");
    }
    for file in ["missing.rrd", "base.xml"] {
        let p: PathBuf = d.join(file);
        if file.ends_with(".xml") {
            std::fs::write(&p, "<rrd/>").unwrap();
        }
        let p = p.display().to_string();
        let (x, y) = (rrdtool(&["tune", &p, "-h", "g:5"]), osprey(&["tune", &p, "-h", "g:5"]));
        assert_eq!((x.code, x.stderr), (y.code, y.stderr));
    }
}
