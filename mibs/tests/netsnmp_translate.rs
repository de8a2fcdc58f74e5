//! Name <-> OID translation of every object of every built-in module against
//! `snmptranslate -M mibs/modules -m ALL` (`-On`, default, `-Of`, `-Td` clauses), plus
//! `parse_oid` forms and error texts against `snmpget`/`snmptranslate`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod common;

use common::*;
use mibs::{Mib, ObjectKind, OidStyle, OutputOptions};

fn translate(dir: &str, flags: &[&str], inputs: &[String]) -> Vec<String> {
    let mut out = Vec::new();
    for chunk in inputs.chunks(150) {
        let mut args = vec!["-M", dir, "-m", "ALL"];
        args.extend_from_slice(flags);
        args.extend(chunk.iter().map(String::as_str));
        let text = run("snmptranslate", &args);
        out.extend(text.lines().filter(|l| !l.is_empty()).map(str::to_string));
    }
    out
}

fn style(s: OidStyle) -> OutputOptions {
    OutputOptions { oid_style: s, ..OutputOptions::default() }
}

#[test]
fn every_object_translates_like_snmptranslate() {
    require_netsnmp!();
    let dir = modules_dir();
    let mib = Mib::builtin();
    let nodes: Vec<_> = mib.nodes().iter().filter(|n| !n.module.is_empty()).collect();
    assert!(nodes.len() > 900, "only {} nodes", nodes.len());
    let names: Vec<String> = nodes.iter().map(|n| format!("{}::{}", n.module, n.name)).collect();
    let numeric: Vec<String> = nodes.iter().map(|n| format!(".{}", n.oid)).collect();

    let mut bad = 0;
    let mut diff = |what: &str, a: &[String], b: &[String]| {
        assert_eq!(a.len(), b.len(), "{what}: line counts differ");
        for (x, y) in a.iter().zip(b) {
            if x != y {
                bad += 1;
                eprintln!("[{what}] net-snmp {x:?} ours {y:?}");
            }
        }
    };

    let ours_num: Vec<String> =
        names.iter().map(|n| mib.parse_oid(n).map(|o| format!(".{o}")).unwrap_or_default()).collect();
    diff("-On", &translate(&dir, &["-On"], &names), &ours_num);

    let ours_mod: Vec<String> = nodes.iter().map(|n| mib.format_oid(&n.oid, &style(OidStyle::Module))).collect();
    diff("default", &translate(&dir, &[], &numeric), &ours_mod);

    let ours_full: Vec<String> = nodes.iter().map(|n| mib.format_oid(&n.oid, &style(OidStyle::Full))).collect();
    diff("-Of", &translate(&dir, &["-Of"], &numeric), &ours_full);

    // -Td clauses of OBJECT-TYPEs: access, status, units, hint, index.
    let objects: Vec<_> =
        nodes.iter().filter(|n| matches!(n.kind, ObjectKind::Scalar | ObjectKind::Column | ObjectKind::Row)).collect();
    let obj_names: Vec<String> = objects.iter().map(|n| format!("{}::{}", n.module, n.name)).collect();
    let mut td = Vec::new();
    for chunk in obj_names.chunks(100) {
        let mut args = vec!["-M", dir.as_str(), "-m", "ALL", "-Td"];
        args.extend(chunk.iter().map(String::as_str));
        td.push(run("snmptranslate", &args));
    }
    let td = td.join("\n");
    let blocks: Vec<&str> = td.split("\n::= {").collect();
    let mut theirs = Vec::new();
    let mut ours = Vec::new();
    for (n, block) in objects.iter().zip(&blocks) {
        let field = |key: &str| {
            block
                .lines()
                .find_map(|l| l.trim_start().strip_prefix(key).map(|v| v.trim().to_string()))
                .unwrap_or_default()
        };
        theirs.push(format!(
            "{} {} {} {} {}",
            n.name,
            field("MAX-ACCESS"),
            field("STATUS"),
            field("UNITS"),
            field("INDEX")
        ));
        let syn_hint = n.syntax.as_ref().and_then(|s| s.hint.clone());
        let _ = syn_hint;
        let index = if n.kind == ObjectKind::Row && n.augments.is_none() {
            format!(
                "{{ {} }}",
                n.index
                    .iter()
                    .map(|(i, implied)| if *implied { format!("IMPLIED {i}") } else { i.clone() })
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        } else {
            String::new()
        };
        ours.push(format!(
            "{} {} {} {} {}",
            n.name,
            n.access.clone().unwrap_or_default(),
            n.status.clone().unwrap_or_default(),
            n.units.as_ref().map(|u| format!("\"{u}\"")).unwrap_or_default(),
            index
        ));
    }
    diff("-Td", &theirs, &ours);
    assert_eq!(bad, 0);
}

#[test]
fn parse_forms_and_errors() {
    let mib = Mib::builtin();
    let p = |s: &str| mib.parse_oid(s).map(|o| format!(".{o}")).map_err(|e| e.to_string());
    assert_eq!(p("sysDescr.0"), Ok(".1.3.6.1.2.1.1.1.0".into()));
    assert_eq!(p("SNMPv2-MIB::sysDescr.0"), Ok(".1.3.6.1.2.1.1.1.0".into()));
    assert_eq!(p(".1.3.6.1.2.1.1.1.0"), Ok(".1.3.6.1.2.1.1.1.0".into()));
    assert_eq!(p("1.3.6.1.2.1.1.1.0"), Ok(".1.3.6.1.2.1.1.1.0".into()));
    assert_eq!(p("iso.3.6.1"), Ok(".1.3.6.1".into()));
    assert_eq!(p(".iso.org.dod.internet.mgmt.mib-2.system"), Ok(".1.3.6.1.2.1.1".into()));
    assert_eq!(p("system"), Ok(".1.3.6.1.2.1.1".into()));
    assert_eq!(p("IF-MIB::ifDescr.1"), Ok(".1.3.6.1.2.1.2.2.1.2.1".into()));
    assert_eq!(p("vacmGroupName.2.\"ab\""), Ok(".1.3.6.1.6.3.16.1.2.1.3.2.2.97.98".into()));
    assert_eq!(p("ifDescr.\"eth0\""), Err("Unknown Object Identifier (Index out of range: \"eth0\" (ifIndex))".into()));
    assert_eq!(p("ifDescr.x"), Err("Unknown Object Identifier (Index out of range: x (ifIndex))".into()));
    assert_eq!(p("iso.3.6.x"), Err("Unknown Object Identifier (Sub-id not found: dod -> x)".into()));
    assert_eq!(p("IF-MIB::foo.1"), Err("Unknown Object Identifier".into()));
    assert_eq!(p("sysDescrx.0"), Err("Unknown Object Identifier (Sub-id not found: (top) -> sysDescrx)".into()));
    let none = Mib::load("", None).unwrap();
    assert_eq!(
        none.parse_oid("sysDescr.0").map_err(|e| e.to_string()),
        Err("Unknown Object Identifier (Sub-id not found: (top) -> sysDescr)".into())
    );
    assert_eq!(
        none.format_oid(&"1.3.6.1.2.1.1.1.0".parse().unwrap(), &OutputOptions::default()),
        "iso.3.6.1.2.1.1.1.0"
    );
}

#[test]
fn parse_matches_snmptranslate_numeric() {
    require_netsnmp!();
    let dir = modules_dir();
    let mib = Mib::load("ALL", Some(&dir)).unwrap();
    let inputs: Vec<String> = [
        "sysDescr.0",
        "SNMPv2-MIB::sysDescr.0",
        "iso.3.6.1.2.1.1",
        ".iso.org.dod.internet.mgmt.mib-2.interfaces.ifTable",
        "vacmGroupName.2.\"public\"",
        "IF-MIB::ifXTable",
        "hrStorageRam",
        "UCD-SNMP-MIB::memTotalReal.0",
        "tcpConnState.127.0.0.1.22.0.0.0.0.0",
        "NET-SNMP-TC::linux",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    let theirs = translate(&dir, &["-IR", "-On"], &inputs);
    let ours: Vec<String> = inputs.iter().map(|s| format!(".{}", mib.parse_oid(s).unwrap())).collect();
    assert_eq!(theirs, ours);
}

#[test]
fn builtin_load_is_fast_and_complete() {
    let mut best = std::time::Duration::MAX;
    let mut m = Mib::default();
    for _ in 0..5 {
        let t = std::time::Instant::now();
        m = Mib::load("ALL", None).unwrap();
        best = best.min(t.elapsed());
    }
    eprintln!("loading all built-in modules took {best:?} (best of 5)");
    assert!(m.modules().len() >= 20);
    assert!(m.node_by_name("IF-MIB::ifHCInOctets").is_some());
    assert_eq!(m.columns(&"1.3.6.1.2.1.2.2".parse().unwrap()).len(), 22, "ifTable columns");
}
