//! `osprey get/getnext/bulkget/walk/bulkwalk/set` against Net-SNMP's own tools, byte for
//! byte: the same agent, the same arguments, the same stdout, stderr and exit code.
//!
//! Whole-tree walks go to a frozen copy of a real snmpd's tree (recorded at the start of the
//! test), so both tools see identical values; requests whose answers are stable (errors,
//! exceptions, sets, system group strings) go to the live snmpd.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::path::Path;

use snmp::Value;
use testkit::{FrozenAgent, Output, Snmpd, assert_same, compare_with_osprey, require_netsnmp, run};

fn osprey(args: &[&str]) -> Output {
    run(env!("CARGO_BIN_EXE_osprey"), args)
}

/// A frozen copy of a fresh snmpd's whole tree.
fn frozen_snmpd_tree() -> FrozenAgent {
    let snmpd = Snmpd::start("");
    let tree = testkit::udp::walk_tree(snmpd.port, "public");
    assert!(tree.len() > 500, "recorded only {} objects", tree.len());
    assert!(tree.iter().any(|vb| matches!(vb.value, Value::Counter64(_))), "no Counter64 in the tree");
    FrozenAgent::start(tree, "public")
}

/// Runs net-snmp's `tool` and `osprey cmd` with the same arguments and compares them.
fn compare(tool: &str, cmd: &str, args: &[&str]) {
    compare_with_osprey(env!("CARGO_BIN_EXE_osprey"), tool, cmd, args);
}

#[test]
fn whole_tree_walks_match_without_mibs() {
    require_netsnmp!();
    let agent = frozen_snmpd_tree();
    let addr = agent.addr();
    // Every -O flag is compared value by value in the mibs crate's tests; here a few
    // combinations prove the command line carries them through.
    for flags in ["-Of", "-Oqv", "-Onqt", "-Ox"] {
        compare("snmpbulkwalk", "bulkwalk", &["-v2c", "-c", "public", "-m", "", "-Cr50", flags, &addr, ".1"]);
    }
    compare("snmpbulkwalk", "bulkwalk", &["-v2c", "-c", "public", "-m", "", &addr, ".1"]);
    compare("snmpwalk", "walk", &["-v2c", "-c", "public", "-m", "", &addr, ".1"]);
    compare("snmpwalk", "walk", &["-v1", "-c", "public", "-m", "", &addr, ".1"]);
    compare("snmpwalk", "walk", &["-v2c", "-c", "public", "-m", "", "-Cp", &addr]);
}

/// Osprey's default (every built-in module) against net-snmp given the same modules as files.
#[test]
fn whole_tree_walks_match_with_builtin_mibs() {
    require_netsnmp!();
    let agent = frozen_snmpd_tree();
    let addr = agent.addr();
    let mib_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("mibs/modules");
    let dir = mib_dir.to_str().unwrap();
    for flags in [&[][..], &["-Os"][..], &["-OqUe"][..]] {
        let mut theirs_args = vec!["-v2c", "-c", "public", "-Cr50", "-M", dir, "-m", "ALL"];
        theirs_args.extend_from_slice(flags);
        theirs_args.extend_from_slice(&[&addr, ".1"]);
        let theirs = run("snmpbulkwalk", &theirs_args);
        let mut ours_args = vec!["bulkwalk", "-v2c", "-c", "public", "-Cr50"];
        ours_args.extend_from_slice(flags);
        ours_args.extend_from_slice(&[&addr, ".1"]);
        let ours = osprey(&ours_args);
        assert!(theirs.stdout.lines().count() > 500);
        assert_same(&format!("bulkwalk with MIBs {flags:?}"), &theirs, &ours);
    }
    // Names on the command line resolve through the same modules.
    let theirs = run(
        "snmpget",
        &["-v2c", "-c", "public", "-M", dir, "-m", "ALL", &addr, "SNMPv2-MIB::sysContact.0", "ifNumber.0"],
    );
    let ours = osprey(&["get", "-v2c", "-c", "public", &addr, "SNMPv2-MIB::sysContact.0", "ifNumber.0"]);
    assert_same("get by name", &theirs, &ours);
    let theirs = run("snmpwalk", &["-v2c", "-c", "public", "-M", dir, "-m", "ALL", &addr, "system"]);
    let ours = osprey(&["walk", "-v2c", "-c", "public", &addr, "system"]);
    assert_same("walk system", &theirs, &ours);
}

#[test]
fn get_family_matches_live_snmpd() {
    require_netsnmp!();
    let snmpd = Snmpd::start("");
    let a = snmpd.addr();
    let a = a.as_str();
    let no_mibs = ["-m", ""];
    let cases: &[(&str, &str, &[&str])] = &[
        (
            "snmpget",
            "get",
            &["-v2c", "-c", "public", a, ".1.3.6.1.2.1.1.4.0", ".1.3.6.1.2.1.1.5.0", ".1.3.6.1.2.1.1.6.0"],
        ),
        (
            "snmpget",
            "get",
            &["-v2c", "-c", "public", a, ".1.3.6.1.2.1.1.99.0", ".1.3.6.1.2.1.1.1.1", ".1.3.6.1.2.1.1.2.0"],
        ),
        ("snmpget", "get", &["-v1", "-c", "public", a, ".1.3.6.1.2.1.1.99.0", ".1.3.6.1.2.1.1.5.0"]),
        ("snmpget", "get", &["-v1", "-c", "public", a, ".1.3.6.1.2.1.1.99.0"]),
        ("snmpget", "get", &["-v1", "-c", "public", "-Cf", a, ".1.3.6.1.2.1.1.99.0", ".1.3.6.1.2.1.1.5.0"]),
        ("snmpget", "get", &["-v2c", "-c", "public", "-On", a, "1.3.6.1.2.1.1.9.1.3.1"]),
        ("snmpgetnext", "getnext", &["-v2c", "-c", "public", a, ".1.3.6.1.2.1.1.4.0", ".1.3.6.1.2.1.1.9.1.2"]),
        (
            "snmpgetnext",
            "getnext",
            &["-v2c", "-c", "public", a, ".1.3.6.1.6.3.16.1.5.2.1.6.6.95.110.111.110.101.95.1.2"],
        ),
        (
            "snmpgetnext",
            "getnext",
            &["-v1", "-c", "public", a, ".1.3.6.1.6.3.16.1.5.2.1.6.6.95.110.111.110.101.95.1.2", ".1.3.6.1.2.1.1.4.0"],
        ),
        (
            "snmpbulkget",
            "bulkget",
            &["-v2c", "-c", "public", "-Cn1", "-Cr3", a, ".1.3.6.1.2.1.1.3.0", ".1.3.6.1.2.1.1.4"],
        ),
        (
            "snmpbulkget",
            "bulkget",
            &["-v2c", "-c", "public", "-Cr5", a, ".1.3.6.1.6.3.16.1.5.2.1.6.6.95.110.111.110.101.95.1.1"],
        ),
        ("snmpbulkget", "bulkget", &["-v1", "-c", "public", a, ".1.3.6.1.2.1.1.3.0"]),
        ("snmpwalk", "walk", &["-v2c", "-c", "public", a, ".1.3.6.1.2.1.1.9.1.3"]),
        ("snmpwalk", "walk", &["-v2c", "-c", "public", a, ".1.3.6.1.2.1.1.4.0"]),
        ("snmpwalk", "walk", &["-v2c", "-c", "public", a, ".1.3.6.1.2.1.1.99"]),
        ("snmpwalk", "walk", &["-v1", "-c", "public", a, ".1.3.6.1.2.1.1.99"]),
        ("snmpwalk", "walk", &["-v1", "-c", "public", a, ".1.3.6.1.6.3.16.1.5.2.1.6.6.95.110.111.110.101.95.1"]),
        ("snmpwalk", "walk", &["-v2c", "-c", "public", a, ".1.3.6.1.6.3.16.1.5.2.1.6.6.95.110.111.110.101.95.1"]),
        ("snmpwalk", "walk", &["-v2c", "-c", "public", "-Cp", "-Ci", a, ".1.3.6.1.2.1.1.9.1.2"]),
        ("snmpbulkwalk", "bulkwalk", &["-v2c", "-c", "public", "-Cr3", a, ".1.3.6.1.2.1.1.9"]),
        ("snmpwalk", "walk", &["-v2c", "-c", "public", "-CE", ".1.3.6.1.2.1.1.9.1.3.5", a, ".1.3.6.1.2.1.1.9.1.3"]),
        ("snmpwalk", "walk", &["-v2c", "-c", "public", "-Cz", a]),
        ("snmpbulkwalk", "bulkwalk", &["-v2c", "-c", "public", "-CE", ".1.3.6.1.2.1.1.9.1.3.5", a]),
        ("snmpget", "get", &["-v2c", "-c", "public", "-Cr5", a, ".1.3.6.1.2.1.1.4.0"]),
        ("snmpbulkwalk", "bulkwalk", &["-v2c", "-c", "public", a, ".1.3.6.1.2.1.1.1.0"]),
        (
            "snmpbulkwalk",
            "bulkwalk",
            &["-v2c", "-c", "public", a, ".1.3.6.1.6.3.16.1.5.2.1.6.6.95.110.111.110.101.95.1"],
        ),
    ];
    for (tool, cmd, args) in cases {
        let mut full: Vec<&str> = no_mibs.to_vec();
        full.extend_from_slice(args);
        compare(tool, cmd, &full);
    }
}

#[test]
fn set_matches_live_snmpd() {
    require_netsnmp!();
    let snmpd = Snmpd::start("");
    let a = snmpd.addr();
    let a = a.as_str();
    let cases: &[&[&str]] = &[
        &["-v2c", "-c", "public", a, ".1.3.6.1.2.1.1.5.0", "s", "nope"],
        &["-v1", "-c", "public", a, ".1.3.6.1.2.1.1.5.0", "s", "nope"],
        &["-v2c", "-c", "private", a, ".1.3.6.1.2.1.1.3.0", "t", "5"],
        &["-v1", "-c", "private", a, ".1.3.6.1.2.1.1.3.0", "t", "5"],
        &["-v2c", "-c", "private", a, ".1.3.6.1.2.1.1.5.0", "s", "renamed", ".1.3.6.1.2.1.1.3.0", "t", "5"],
        &["-v2c", "-c", "private", a, ".1.3.6.1.2.1.1.5.0", "s", "renamed by osprey"],
        &["-v2c", "-c", "private", "-Cq", a, ".1.3.6.1.2.1.1.5.0", "s", "quietly renamed"],
        &["-v2c", "-c", "private", a, ".1.3.6.1.2.1.1.5.0", "x", "41 42 43"],
        &["-v2c", "-c", "private", a, ".1.3.6.1.2.1.1.5.0", "i", "5"],
        // Every type letter (wrong types for sysName: the agent's error is compared too),
        // values that look like options, and the client-side errors.
        &["-v2c", "-c", "private", a, ".1.3.6.1.2.1.1.5.0", "u", "-1"],
        &["-v2c", "-c", "private", a, ".1.3.6.1.2.1.1.5.0", "s", "-v1"],
        &["-v2c", "-c", "private", a, ".1.3.6.1.2.1.1.5.0", "a", "10.0.0.1"],
        &["-v2c", "-c", "private", a, ".1.3.6.1.2.1.1.5.0", "o", ".1.3.6.1"],
        &["-v2c", "-c", "private", a, ".1.3.6.1.2.1.1.5.0", "d", "1.2.3"],
        &["-v2c", "-c", "private", a, ".1.3.6.1.2.1.1.5.0", "n", "x"],
        &["-v2c", "-c", "private", a, ".1.3.6.1.2.1.1.5.0", "x", "4"],
        &["-v2c", "-c", "private", a, ".1.3.6.1.2.1.1.5.0", "i", "abc"],
        &["-v2c", "-c", "private", a, ".1.3.6.1.2.1.1.5.0", "z", "abc"],
        &["-v2c", "-c", "private", a, ".1.3.6.1.2.1.1.5.0", "c", "5"],
        &["-v2c", "-c", "private", a, ".1.3.6.1.2.1.1.5.0", "t", "abc"],
        &["-v2c", "-c", "private", a, ".1.3.6.1.2.1.1.5.0", "d", "300"],
        &["-v2c", "-c", "private", a, ".1.3.6.1.2.1.1.5.0", "s"],
        &["-v2c", "-c", "private", a, ".1.3.6.1.2.1.1.5.0", "s", "x", ".1.3.6.1.2.1.1.6.0"],
    ];
    for args in cases {
        let mut full = vec!["-m", ""];
        full.extend_from_slice(args);
        compare("snmpset", "set", &full);
    }
}

#[test]
fn dead_agent_and_usage_errors_match() {
    require_netsnmp!();
    let port = testkit::free_udp_port();
    let a = format!("127.0.0.1:{port}");
    for (tool, cmd) in
        [("snmpget", "get"), ("snmpgetnext", "getnext"), ("snmpwalk", "walk"), ("snmpbulkwalk", "bulkwalk")]
    {
        compare(tool, cmd, &["-v2c", "-c", "public", "-m", "", "-t", "0.2", "-r", "1", &a, ".1.3.6.1.2.1.1.3.0"]);
    }
    compare(
        "snmpget",
        "get",
        &["-v2c", "-c", "public", "-m", "", "-t", "0.2", "-r", "0", &format!("udp6:[::1]:{port}"), ".1.3"],
    );
    // Unknown names with no MIBs loaded: same message, same exit code.
    compare("snmpget", "get", &["-v2c", "-c", "public", "-m", "", &a, "sysDescr.0"]);
    // Usage errors: same first line and exit code (the usage text itself names our tool).
    for args in [&["-v2c", "-c", "public", &a][..], &["-v2c", &a, ".1.3"][..], &["-v2c", "-c", "public"][..]] {
        let theirs = run("snmpget", args);
        let mut ours_args = vec!["get"];
        ours_args.extend_from_slice(args);
        let ours = osprey(&ours_args);
        assert_eq!(theirs.stderr.lines().next(), ours.stderr.lines().next(), "{args:?}");
        assert_eq!(theirs.code, ours.code, "{args:?}");
    }
}

/// `osprey translate` against `snmptranslate`, both given the built-in modules' MIB files:
/// every output style, several OIDs at once, a failure part-way.
#[test]
fn translate_matches_snmptranslate() {
    require_netsnmp!();
    let modules = Path::new(env!("CARGO_MANIFEST_DIR")).join("mibs/modules");
    let dir = modules.to_str().unwrap();
    let inputs = [
        ".1.3.6.1.2.1.2.2.1.10.3",
        "IF-MIB::ifInOctets.3",
        "HOST-RESOURCES-MIB::hrStorageSize.31",
        ".1.3.6.1.4.1.2021.10.1.3.1",
        ".1.3.6.1.4.1.99999.1",
        "SNMPv2-MIB::sysDescr.0",
    ];
    for flags in ["-On", "-Of", "-Os", "-OS", "-Ofn"] {
        let mut args = vec!["-M", dir, "-m", "ALL", flags];
        args.extend(inputs);
        compare("snmptranslate", "translate", &args);
    }
    compare(
        "snmptranslate",
        "translate",
        &["-M", dir, "-m", "ALL", "IF-MIB::ifDescr.2", "IF-MIB::bogusName", "SNMPv2-MIB::sysName.0"],
    );
}

/// LibreNMS's question, `NET-SNMP-EXTEND-MIB::nsExtendOutputFull."distro"`, and a named walk
/// of the extend tables, with the built-in modules' MIB files on both sides.
#[test]
fn extend_objects_by_name_as_snmpget_and_snmpwalk_print_them() {
    require_netsnmp!();
    let snmpd = Snmpd::start("extend distro /bin/echo Debian GNU/Linux 13\nextend-sh two echo a; echo b");
    let modules = Path::new(env!("CARGO_MANIFEST_DIR")).join("mibs/modules");
    let dir = modules.to_str().unwrap();
    let addr = snmpd.addr();
    let base = ["-v2c", "-c", "public", "-M", dir, "-m", "ALL"];
    compare("snmpget", "get", &[&base[..], &[&addr, "NET-SNMP-EXTEND-MIB::nsExtendOutputFull.\"distro\""]].concat());
    compare("snmpwalk", "walk", &[&base[..], &[&addr, "NET-SNMP-EXTEND-MIB::nsExtendObjects"]].concat());
    let output2 = [&base[..], &["-Os", &addr, "NET-SNMP-EXTEND-MIB::nsExtendOutput2Table"]].concat();
    compare("snmpbulkwalk", "bulkwalk", &output2);
}
