//! Crafted values (odd strings, wrong types, Opaque floats, unknown enums, display hints,
//! string/InetAddress/OID table indexes) served by the replay agent: `snmpget`'s output
//! must equal ours for every flag set, with and without our modules loaded.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod common;

use std::borrow::Cow;

use common::*;
use mibs::{Mib, OutputOptions};
use snmp::{Oid, Value, VarBind};

const FLAG_SETS: &[&str] = &["", "n", "f", "s", "q", "v", "qv", "e", "t", "x", "U", "nq", "sqe", "fx", "tq", "Uq"];

fn opts(flags: &str) -> OutputOptions {
    let mut o = OutputOptions::default();
    o.apply_flags(flags).unwrap();
    o
}

fn s(b: &[u8]) -> Value<'static> {
    Value::OctetString(Cow::Owned(b.to_vec()))
}

fn vb(oid: &str, v: Value<'static>) -> VarBind<'static> {
    VarBind::new(oid.parse::<Oid>().unwrap(), v)
}

fn crafted() -> Vec<VarBind<'static>> {
    let mut long: Vec<u8> = (0..40).collect();
    long.push(0xff);
    let mut v = vec![
        vb("1.3.6.1.9.1", s(b"ABCD")),
        vb("1.3.6.1.9.2", s(&long)),
        vb("1.3.6.1.9.3", s(&(0..16).collect::<Vec<u8>>())),
        vb("1.3.6.1.9.4", s(b"")),
        vb("1.3.6.1.9.5", s(b"a\"b\\c\n\td")),
        vb("1.3.6.1.9.6", s(b"ABC\0")),
        vb("1.3.6.1.9.7", Value::TimeTicks(8_640_000)),
        vb("1.3.6.1.9.8", Value::TimeTicks(u32::MAX)),
        vb("1.3.6.1.9.9", Value::Null),
        vb("1.3.6.1.9.10", Value::Integer(i32::MIN)),
        vb("1.3.6.1.9.11", Value::Counter64(u64::MAX)),
        vb("1.3.6.1.9.12", Value::Opaque(Cow::Owned(vec![0x9f, 0x78, 4, 0x3f, 0x40, 0, 0]))),
        vb("1.3.6.1.9.13", Value::Opaque(Cow::Owned(vec![0x9f, 0x79, 8, 0x40, 9, 0x21, 0xfb, 0x54, 0x44, 0x2d, 0x18]))),
        vb("1.3.6.1.9.14", Value::Opaque(Cow::Owned(vec![1, 2, 3]))),
        vb("1.3.6.1.9.15", Value::oid("1.3.6.1.2.1.2.2.1.2.7".parse().unwrap())),
        vb("1.3.6.1.9.16", Value::IpAddress([10, 0, 0, 255])),
        vb("1.3.6.1.9.17", Value::Gauge32(0)),
        vb("1.3.6.1.9.18", Value::Counter32(7)),
        vb("1.3.6.1.9.19", Value::NoSuchObject),
        vb("1.3.6.1.9.20", Value::NoSuchInstance),
        vb("1.3.6.1.9.21", Value::oid("0.0".parse().unwrap())),
        vb("1.3.6.1.9.22", Value::oid("1.3.6.1.4.1.8072.3.2.10".parse().unwrap())),
        // With MIBs: hints, enums, units, wrong types.
        vb("1.3.6.1.2.1.1.1.0", s(b"Linux box 6.1 \"q\"")),
        vb("1.3.6.1.2.1.1.2.0", Value::oid("1.3.6.1.4.1.8072.3.2.10".parse().unwrap())),
        vb("1.3.6.1.2.1.1.3.0", Value::Counter32(5)),
        vb("1.3.6.1.2.1.1.4.0", Value::Integer(5)),
        vb("1.3.6.1.2.1.1.5.0", s(b"")),
        vb("1.3.6.1.2.1.1.7.0", Value::Integer(72)),
        vb("1.3.6.1.2.1.1.1.0.1", s(b"extra")),
        vb("1.3.6.1.2.1.2.2.1.1.3", Value::Integer(3)),
        vb("1.3.6.1.2.1.2.2.1.3.1", Value::Integer(24)),
        vb("1.3.6.1.2.1.2.2.1.3.2", Value::Integer(9999)),
        vb("1.3.6.1.2.1.2.2.1.5.2", Value::Integer(10)),
        vb("1.3.6.1.2.1.2.2.1.6.2", s(&[0x52, 0x54, 0, 0x12, 0x34, 0x56])),
        vb("1.3.6.1.2.1.2.2.1.6.3", s(b"")),
        vb("1.3.6.1.2.1.2.2.1.7.2", Value::Gauge32(1)),
        vb("1.3.6.1.2.1.2.2.1.8.2", Value::Integer(7)),
        vb("1.3.6.1.2.1.31.1.1.1.6.2", Value::Counter64(1 << 40)),
        vb("1.3.6.1.2.1.31.1.1.1.16.2", Value::Integer(2)),
        vb("1.3.6.1.2.1.25.1.2.0", s(&[0x07, 0xea, 0x0b, 0x1a, 0x05, 0x27, 0x08, 0x00, b'+', 0, 0])),
        vb("1.3.6.1.2.1.25.1.2.1", s(&[0x07, 0xea, 0x0b, 0x1a, 0x05, 0x27, 0x08, 0x00])),
        vb("1.3.6.1.2.1.25.2.2.0", Value::Integer(2048)),
        vb("1.3.6.1.2.1.25.2.3.1.2.1", Value::oid("1.3.6.1.2.1.25.2.1.2".parse().unwrap())),
        vb("1.3.6.1.2.1.25.2.3.1.4.1", Value::Integer(4096)),
        vb("1.3.6.1.2.1.25.4.2.1.7.1", Value::Integer(1)),
        vb("1.3.6.1.2.1.25.5.1.1.2.1", Value::Integer(1234)),
        vb("1.3.6.1.4.1.2021.10.1.6.1", Value::Opaque(Cow::Owned(vec![0x9f, 0x78, 4, 0x3e, 0x99, 0x99, 0x9a]))),
        vb("1.3.6.1.4.1.2021.4.5.0", Value::Integer(1024)),
        vb("1.3.6.1.4.1.2021.2.1.100.1", Value::Integer(1)),
        vb("1.3.6.1.6.3.10.2.1.1.0", s(&[0x80, 0, 0x1f, 0x88, 0x80, 1, 2, 3, 4])),
        vb("1.3.6.1.6.3.10.2.1.3.0", Value::Integer(77)),
        vb("1.3.6.1.2.1.6.13.1.1.127.0.0.1.22.0.0.0.0.0", Value::Integer(2)),
        vb("1.3.6.1.2.1.6.13.1.1.127.0.0.1", Value::Integer(2)),
        vb("1.3.6.1.2.1.6.19.1.7.1.4.127.0.0.1.22.1.4.10.0.0.2.5555", Value::Integer(5)),
        vb("1.3.6.1.2.1.6.20.1.4.2.16.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.1.22", Value::Gauge32(0)),
        vb("1.3.6.1.2.1.6.20.1.4.16.3.97.98.99.22", Value::Gauge32(0)),
        vb("1.3.6.1.2.1.4.34.1.3.1.4.192.0.2.1", Value::Integer(1)),
        vb("1.3.6.1.2.1.4.34.1.3.3.8.192.0.2.1.0.0.0.3", Value::Integer(1)),
        vb("1.3.6.1.2.1.4.35.1.4.2.1.4.192.0.2.1", s(&[2, 0xfc, 0, 0, 0, 5])),
        vb("1.3.6.1.6.3.15.1.2.2.1.3.9.128.0.31.136.128.1.2.3.4.4.117.115.101.114", s(b"user")),
        vb("1.3.6.1.6.3.16.1.2.1.3.2.4.99.1.2.3", s(b"grp")),
        vb("1.3.6.1.6.3.16.1.2.1.3.2.3.97.34.98", s(b"grp")),
        vb("1.3.6.1.6.3.16.1.5.2.1.4.3.97.108.108.3.1.3.6", Value::Integer(1)),
        vb("1.3.6.1.2.1.2.2.1", Value::Integer(1)),
        vb("1.3.6.1.2.1.2.2.1.2", s(b"col")),
        vb("1.3.6.1.2.1.4.20.1.1.10.0.0.1", Value::IpAddress([10, 0, 0, 1])),
        vb("1.3.6.1.2.1.4.20.1.1.10.0", Value::IpAddress([10, 0, 0, 1])),
        vb("1.3.6.1.2.1.1.9.1.2.1", Value::oid("1.3.6.1.6.3.1".parse().unwrap())),
        vb("1.3.6.1.2.1.4.31.1.1.3.2", Value::Counter32(3)),
        vb("1.3.6.1.2.1.4.31.1.1.3.9", Value::Counter32(3)),
    ];
    v.dedup_by(|a, b| a.oid == b.oid);
    v
}

fn check(mib: &Mib, mib_args: &[&str], tag: &str) -> usize {
    let vbs = crafted();
    let replay = FrozenAgent::start(vbs.clone(), "public");
    let target = format!("127.0.0.1:{}", replay.port);
    let oids: Vec<String> = vbs.iter().map(|v| format!(".{}", v.oid)).collect();
    let mut bad = 0;
    for flags in FLAG_SETS {
        let oflag = format!("-O{flags}");
        let mut args = vec!["-v2c", "-c", "public", "-t", "5"];
        args.extend_from_slice(mib_args);
        if !flags.is_empty() {
            args.push(&oflag);
        }
        args.push(&target);
        args.extend(oids.iter().map(String::as_str));
        let expected = run("snmpget", &args);
        let o = opts(flags);
        let mut ours = String::new();
        for v in &vbs {
            ours.push_str(&mib.format_varbind(v, &o));
            ours.push('\n');
        }
        let e: Vec<&str> = expected.lines().collect();
        let g: Vec<&str> = ours.lines().collect();
        for i in 0..e.len().max(g.len()) {
            if e.get(i) != g.get(i) {
                bad += 1;
                eprintln!("[{tag} -O{flags}] line {i}\n  net-snmp: {:?}\n  ours:     {:?}", e.get(i), g.get(i));
            }
        }
    }
    bad
}

#[test]
fn crafted_values_match_snmpget() {
    require_netsnmp!();
    let none = Mib::load("", None).unwrap();
    let bad_none = check(&none, &["-m", ""], "no MIB");
    let dir = modules_dir();
    let all = Mib::load("ALL", Some(&dir)).unwrap();
    let bad_all = check(&all, &["-M", &dir, "-m", "ALL"], "ALL");
    assert_eq!((bad_none, bad_all), (0, 0));
}
