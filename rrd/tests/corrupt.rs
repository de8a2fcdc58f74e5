//! Corrupt, truncated and foreign files give errors (in rrdtool's words where it has them),
//! never panics; a bounded mutation test over real files.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod common;

use std::path::Path;

use common::{have_rrdtool, rrdtool, rrdtool_ok};
use rrd::{FormatError, Rrd};

/// Real files: made and updated by rrdtool when it is installed, else made by us.
fn sample_files(dir: &Path) -> Vec<Vec<u8>> {
    let specs: [&[&str]; 3] = [
        &["DS:in:COUNTER:600:0:U", "DS:g:GAUGE:600:U:100", "RRA:AVERAGE:0.5:1:4", "RRA:MAX:0.5:3:2"],
        &["DS:a:DCOUNTER:120:U:U", "RRA:LAST:0.9:2:3"],
        &[
            "DS:x:DERIVE:600:0:U",
            "DS:y:ABSOLUTE:600:U:U",
            "DS:z:GAUGE:600:U:U",
            "RRA:MIN:0.5:1:5",
            "RRA:AVERAGE:0.5:2:3",
        ],
    ];
    let mut out = Vec::new();
    for (n, spec) in specs.iter().enumerate() {
        let file = format!("s{n}.rrd");
        if have_rrdtool() {
            let mut args = vec!["create", file.as_str(), "--start", "1000000000", "--step", "300"];
            args.extend_from_slice(spec);
            rrdtool_ok(dir, &args);
            let values = |k: u32| {
                vec!["U".to_string(); spec.iter().filter(|s| s.starts_with("DS:")).count()]
                    .iter()
                    .enumerate()
                    .map(|(j, _)| (k * 100 + j as u32).to_string())
                    .collect::<Vec<_>>()
                    .join(":")
            };
            let ups: Vec<String> = (1..6).map(|k| format!("{}:{}", 1_000_000_000 + k * 290, values(k))).collect();
            let mut up = vec!["update", file.as_str()];
            up.extend(ups.iter().map(String::as_str));
            rrdtool_ok(dir, &up);
        } else {
            let mut args = vec![dir.join(&file).display().to_string(), "--start".into(), "1000000000".into()];
            args.extend(spec.iter().map(|s| s.to_string()));
            rrd::create::create(&args).unwrap();
        }
        out.push(std::fs::read(dir.join(&file)).unwrap());
    }
    out
}

/// Parsing must not panic; whatever parses must write back identically and print.
fn check(bytes: &[u8]) -> Result<(), FormatError> {
    let rrd = Rrd::parse(bytes)?;
    assert!(rrd.to_bytes().unwrap() == bytes, "a parsed file must write back byte for byte");
    let _ = rrd::info::info(&rrd, "x.rrd");
    let _ = rrd::dump::dump_in(&rrd, &jiff::tz::TimeZone::UTC);
    Ok(())
}

#[test]
fn every_truncation_is_an_error() {
    let tmp = tempfile::tempdir().unwrap();
    for bytes in sample_files(tmp.path()) {
        check(&bytes).unwrap();
        for len in 0..bytes.len() {
            assert!(check(&bytes[..len]).is_err(), "a file cut to {len} bytes parsed");
        }
    }
}

#[test]
fn errors_use_rrdtools_words() {
    if !have_rrdtool() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let base = sample_files(dir).remove(0);
    let header = 1184;
    let mut cases: Vec<(String, Vec<u8>)> = Vec::new();
    // (An empty file fails in rrdtool's mmap, with a different message.)
    for len in [6, 100, 127, 128, 300, 600, 700, 1000, header - 1, header, header + 8, base.len() - 1] {
        cases.push((format!("cut{len}.rrd"), base[..len].to_vec()));
    }
    let mut bad_cookie = base.clone();
    bad_cookie[0] = b'Q';
    cases.push(("cookie.rrd".into(), bad_cookie));
    let mut foreign = base.clone();
    foreign[16..24].reverse();
    cases.push(("foreign.rrd".into(), foreign));
    let mut big_endian = base.clone();
    for chunk in big_endian[16..].chunks_mut(8) {
        chunk.reverse();
    }
    cases.push(("bigendian.rrd".into(), big_endian));
    let mut v6 = base.clone();
    v6[4..8].copy_from_slice(b"0006");
    cases.push(("v6.rrd".into(), v6));
    let mut dst = base.clone();
    dst[0x94..0x94 + 8].copy_from_slice(b"FOO\0\0\0\0\0");
    cases.push(("dst.rrd".into(), dst));
    for (name, bytes) in cases {
        std::fs::write(dir.join(&name), &bytes).unwrap();
        let (ok, _, stderr) = rrdtool(dir, &["info", &name]);
        assert!(!ok, "rrdtool accepted {name}");
        let ours = Rrd::load(dir.join(&name)).expect_err("osprey accepted it");
        let expected = stderr
            .trim_end_matches('\n')
            .strip_prefix("ERROR: ")
            .unwrap()
            .replace(&format!("'{name}'"), &format!("'{}'", dir.join(&name).display()));
        assert_eq!(ours.to_string(), expected, "{name}");
    }
}

#[test]
fn unsupported_files_are_refused_clearly() {
    let tmp = tempfile::tempdir().unwrap();
    let base = sample_files(tmp.path()).remove(0);
    let mut hw = base.clone();
    hw[0x170..0x170 + 10].copy_from_slice(b"HWPREDICT\0");
    assert_eq!(Rrd::parse(&hw).unwrap_err(), FormatError::HoltWinters("HWPREDICT".into()));
    let mut compute = base.clone();
    compute[0x94..0x94 + 8].copy_from_slice(b"COMPUTE\0");
    assert_eq!(Rrd::parse(&compute).unwrap_err(), FormatError::UnsupportedDsType("COMPUTE".into()));
    let mut huge = base.clone();
    huge[0x18..0x20].copy_from_slice(&u64::MAX.to_le_bytes());
    assert!(Rrd::parse(&huge).is_err());
    let mut rows = base;
    rows[0x188..0x190].copy_from_slice(&(1u64 << 60).to_le_bytes());
    assert!(matches!(Rrd::parse(&rows).unwrap_err(), FormatError::TooSmall { .. }));
}

#[test]
fn mutations_never_panic() {
    let tmp = tempfile::tempdir().unwrap();
    let files = sample_files(tmp.path());
    let mut state: u64 = 0x2545_F491_4F6C_DD1D;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let interesting =
        [0u64, 1, 2, 3, 5, 0x7f, 0xff, 1 << 31, 1 << 32, 1 << 63, u64::MAX, u64::MAX - 1, 0xFFF8_0000_0000_0000];
    let mut parsed = 0;
    for i in 0..4000 {
        let mut bytes = files[i % files.len()].clone();
        for _ in 0..(1 + next() % 3) {
            let len = bytes.len();
            match next() % 4 {
                0 => {
                    let at = (next() as usize) % len;
                    bytes[at] = next() as u8;
                }
                1 | 2 => {
                    // An aligned u64 field in the header (counts, step, rows, cur_row, ...).
                    let at = ((next() as usize) % (len.min(1200) / 8)) * 8;
                    let v = if next() % 2 == 0 { interesting[(next() as usize) % interesting.len()] } else { next() };
                    bytes[at..at + 8].copy_from_slice(&v.to_le_bytes());
                }
                _ => {
                    let cut = (next() as usize) % len;
                    bytes.truncate(cut.max(1));
                }
            }
            if bytes.len() < 8 {
                break;
            }
        }
        if check(&bytes).is_ok() {
            parsed += 1;
        }
    }
    // Some mutations land in data or unused bytes and still parse; most do not.
    assert!(parsed > 0);
}
