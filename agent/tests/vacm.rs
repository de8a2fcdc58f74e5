//! VACM end to end: one snmpd.conf with com2sec/group/view/access (an excluded subtree, a
//! masked family), a `rocommunity -V` (one with a host name as its source), net-snmp's
//! authcommunity/authuser/authgroup, and a community mapped to no group, given to real
//! snmpd and to osprey-agent; net-snmp's tools must see the same objects and the same
//! outcomes from both (walks v1/v2c, GETs inside and outside the view, SETs, silence), and
//! the same for SNMPv3 users restricted by `access`, by `rouser OID` and by `rwuser -V`;
//! and SNMP-VIEW-BASED-ACM-MIB shows both agents' tables alike.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use testkit::agent::OspreyAgent;
use testkit::tools::{Output, first_differences, run};
use testkit::{Snmpd, require_netsnmp};

/// What testkit's snmpd adds before the extra lines; osprey-agent gets the same text.
const SNMPD_PRELUDE: &str = "rocommunity public 127.0.0.1\nrwcommunity private 127.0.0.1\nrocommunity6 public ::1\n\
    rwcommunity6 private ::1\nsysLocation Test Lab\nsysContact ops@example.com\nsysName osprey-test\n";

/// Numeric OIDs only: snmpd runs with `-m ""` and resolves no names.
const VACM_CONF: &str = "\
com2sec restricted 127.0.0.1 restricted
com2sec writer 127.0.0.1 writer
com2sec orphan 127.0.0.1 orphan
com2sec nowhere 127.0.0.1 nowhere
group gr v1 restricted
group gr v2c restricted
group gw v1 writer
group gw v2c writer
group gn v2c nowhere
view restricted included .1.3.6.1.2.1.1
view restricted excluded .1.3.6.1.2.1.1.9
view restricted included .1.3.6.1.2.1.2.2.1.1.1 ff.a0
view restricted included .1.3.6.1.2.1.11
view restricted excluded .1.3.6.1.2.1.11.30
view contact included .1.3.6.1.2.1.1.4
view snmpgroup included .1.3.6.1.2.1.11
access gr \"\" any noauth exact restricted none none
access gw \"\" any noauth exact restricted contact none
access gn \"\" usm auth exact restricted none none
rocommunity snmponly 127.0.0.1 -V snmpgroup
rocommunity byname localhost -V contact
authcommunity read,write authrw 127.0.0.1
authcommunity read,notify,log authlog 127.0.0.1 -V contact
authcommunity write authw default
authuser read,write -s usm alice priv
authuser read my-user.x
authgroup read gx auth -V restricted
com2sec -Cn ctx1 incontext 127.0.0.1 incontext
group gc v2c incontext
access gc \"\" any noauth exact restricted none none
access gc ctx1 any noauth exact restricted none none
createUser viewer SHA-256 \"viewer auth pass\" AES \"viewer priv pass\"
group gv usm viewer
access gv \"\" usm priv exact restricted contact none
createUser subtree SHA \"subtree auth pass\"
rouser subtree auth .1.3.6.1.2.1.11
createUser contactor MD5 \"contactor auth pass\" DES \"contactor priv pass\"
rwuser contactor priv -V contact
";

/// net-snmp's v3 options for the users in [`VACM_CONF`].
const VIEWER: &[&str] = &[
    "-v3",
    "-l",
    "authPriv",
    "-u",
    "viewer",
    "-a",
    "SHA-256",
    "-A",
    "viewer auth pass",
    "-x",
    "AES",
    "-X",
    "viewer priv pass",
];
const SUBTREE: &[&str] = &["-v3", "-l", "authNoPriv", "-u", "subtree", "-a", "SHA", "-A", "subtree auth pass"];
const CONTACTOR: &[&str] = &[
    "-v3",
    "-l",
    "authPriv",
    "-u",
    "contactor",
    "-a",
    "MD5",
    "-A",
    "contactor auth pass",
    "-x",
    "DES",
    "-X",
    "contactor priv pass",
];

struct Pair {
    snmpd: Snmpd,
    ours: OspreyAgent,
}

fn start() -> Pair {
    let snmpd = Snmpd::start(VACM_CONF);
    let ours =
        OspreyAgent::start_with(&format!("{SNMPD_PRELUDE}{VACM_CONF}"), env!("CARGO_BIN_EXE_osprey-agent").as_ref());
    let log = std::fs::read_to_string(ours.dir.path().join("agent.log")).unwrap_or_default();
    assert!(!log.contains("Warning"), "osprey-agent warned about the config:\n{log}");
    Pair { snmpd, ours }
}

/// Runs `tool OPTIONS AGENT OPERANDS` against both agents; the address (port) is masked
/// in what they print.
fn both(pair: &Pair, tool: &str, options: &[&str], operands: &[&str]) -> (Output, Output) {
    let call = |addr: &str| {
        let mut args: Vec<&str> = vec!["-r0", "-t1", "-On"];
        args.extend_from_slice(options);
        args.push(addr);
        args.extend_from_slice(operands);
        let mut out = run(tool, &args);
        out.stdout = out.stdout.replace(addr, "AGENT");
        out.stderr = out.stderr.replace(addr, "AGENT");
        out
    };
    (call(&pair.snmpd.addr()), call(&pair.ours.addr()))
}

/// The OIDs a walk printed.
fn oids(out: &Output) -> Vec<String> {
    out.stdout.lines().filter_map(|l| l.split_once(" = ").map(|(oid, _)| oid.to_string())).collect()
}

fn assert_same_oids(what: &str, theirs: &Output, ours: &Output) {
    let (t, o) = (oids(theirs), oids(ours));
    assert!(t.len() > 3, "{what}: snmpd showed too little:\n{}{}", theirs.stdout, theirs.stderr);
    assert!(t == o, "{what}: OIDs differ\n{}", first_differences(&t.join("\n"), &o.join("\n")));
    assert_eq!(theirs.code, ours.code, "{what}: exit codes");
}

/// Same printed result where values are stable (errors, exceptions, SET echoes).
fn assert_same_output(what: &str, theirs: &Output, ours: &Output) {
    assert!(
        theirs.stdout == ours.stdout && theirs.stderr == ours.stderr && theirs.code == ours.code,
        "{what}:\nsnmpd:  {theirs:?}\nosprey: {ours:?}"
    );
}

#[test]
fn walks_see_the_same_view() {
    require_netsnmp!();
    let pair = start();
    for version in ["-v1", "-v2c"] {
        let (t, o) = both(&pair, "snmpwalk", &[version, "-c", "restricted"], &[".1"]);
        assert_same_oids(&format!("snmpwalk {version} restricted"), &t, &o);
        // The excluded sysORTable and snmpEnableAuthenTraps, and every ifTable row but the
        // first (the masked family), stay out.
        assert!(!t.stdout.contains(".1.3.6.1.2.1.1.9.") && !t.stdout.contains(".1.3.6.1.2.1.11.30.0"));
        assert!(t.stdout.contains(".1.3.6.1.2.1.2.2.1.2.1 =") && !t.stdout.contains(".1.3.6.1.2.1.2.2.1.2.2 ="));
        let (t, o) = both(&pair, "snmpwalk", &[version, "-c", "snmponly"], &[".1"]);
        assert_same_oids(&format!("snmpwalk {version} snmponly (rocommunity -V)"), &t, &o);
    }
    let (t, o) = both(&pair, "snmpbulkwalk", &["-v2c", "-Cr7", "-c", "restricted"], &[".1"]);
    assert_same_oids("snmpbulkwalk restricted", &t, &o);
    let (t, o) = both(&pair, "snmpbulkwalk", &["-v2c", "-c", "restricted"], &[".1.3.6.1.2.1.2"]);
    assert_same_oids("snmpbulkwalk restricted interfaces", &t, &o);
}

/// SNMP-VIEW-BASED-ACM-MIB and NET-SNMP-VACM-MIB's nsVacmAccessTable: the same rows, names
/// and values as snmpd's for the same lines, shorthands (`rocommunity`, `rouser OID`,
/// `rwuser -V`) included.
#[test]
fn the_vacm_mib_serves_snmpds_tables() {
    require_netsnmp!();
    let pair = start();
    for (root, least) in [(".1.3.6.1.6.3.16", 100), (".1.3.6.1.4.1.8072.1.9", 50)] {
        let (t, o) = both(&pair, "snmpbulkwalk", &["-v2c", "-c", "public"], &[root]);
        assert!(t.stdout.lines().count() > least, "snmpd showed too little:\n{}", t.stdout);
        assert!(t == o, "{root} differs\n{}", first_differences(&t.stdout, &o.stdout));
    }
}

#[test]
fn gets_inside_and_outside_the_view() {
    require_netsnmp!();
    let pair = start();
    let outside = [".1.3.6.1.2.1.1.9.1.2.1", ".1.3.6.1.2.1.2.2.1.2.2", ".1.3.6.1.2.1.11.30.0", ".1.3.6.1.2.1.25.1.1.0"];
    for version in ["-v1", "-v2c"] {
        for oid in outside {
            let (t, o) = both(&pair, "snmpget", &[version, "-c", "restricted"], &[oid]);
            assert_same_output(&format!("snmpget {version} {oid}"), &t, &o);
        }
        let (t, o) = both(&pair, "snmpget", &[version, "-c", "restricted", "-Oqv"], &[".1.3.6.1.2.1.2.2.1.2.1"]);
        assert_same_output(&format!("snmpget {version} ifDescr.1"), &t, &o);
        let (t, o) = both(&pair, "snmpget", &[version, "-c", "snmponly"], &[".1.3.6.1.2.1.1.1.0"]);
        assert_same_output(&format!("snmpget {version} snmponly sysDescr"), &t, &o);
        // authcommunity: a read-write one, a -V one, and one that grants no reading.
        for community in ["authrw", "authlog", "authw"] {
            let (t, o) = both(&pair, "snmpget", &[version, "-c", community], &[".1.3.6.1.2.1.1.4.0"]);
            assert_same_output(&format!("snmpget {version} {community}"), &t, &o);
        }
        // A source given by host name, resolved when the line is read.
        let (t, o) = both(&pair, "snmpget", &[version, "-c", "byname"], &[".1.3.6.1.2.1.1.4.0", ".1.3.6.1.2.1.1.5.0"]);
        assert!(t.stdout.contains("ops@example.com"), "{t:?}");
        assert_same_output(&format!("snmpget {version} byname"), &t, &o);
    }
}

#[test]
fn refused_communities_are_silent() {
    require_netsnmp!();
    let pair = start();
    // orphan: com2sec without a group; nowhere: a group with only a usm access entry;
    // incontext: mapped to a context the agent does not serve.
    for community in ["orphan", "nowhere", "incontext", "wrong"] {
        for version in ["-v1", "-v2c"] {
            let (t, o) = both(&pair, "snmpget", &[version, "-c", community], &[".1.3.6.1.2.1.1.1.0"]);
            assert_same_output(&format!("snmpget {version} -c {community}"), &t, &o);
            assert!(t.stdout.contains("Timeout") || t.stderr.contains("Timeout"), "{t:?}");
        }
    }
}

#[test]
fn sets_through_the_write_view() {
    require_netsnmp!();
    let pair = start();
    let cases: [(&str, &str, &str); 5] = [
        ("writer", ".1.3.6.1.2.1.1.4.0", "in the write view"),
        ("writer", ".1.3.6.1.2.1.1.5.0", "readable, not in the write view"),
        ("writer", ".1.3.6.1.2.1.25.1.1.0", "in no view"),
        ("restricted", ".1.3.6.1.2.1.1.4.0", "no write view"),
        ("snmponly", ".1.3.6.1.2.1.1.4.0", "rocommunity -V: no write view"),
    ];
    for version in ["-v1", "-v2c"] {
        for (community, oid, what) in cases {
            let (t, o) = both(&pair, "snmpset", &[version, "-c", community], &[oid, "s", "changed-by-test"]);
            assert_same_output(&format!("snmpset {version} -c {community} {oid} ({what})"), &t, &o);
        }
        // The whole PDU is checked against the write view before any object is tried.
        let operands = [".1.3.6.1.2.1.1.4.0", "s", "x", ".1.3.6.1.2.1.1.5.0", "s", "y"];
        let (t, o) = both(&pair, "snmpset", &[version, "-c", "writer"], &operands);
        assert_same_output(&format!("snmpset {version} in and out of the write view"), &t, &o);
        let (t, o) = both(&pair, "snmpset", &[version, "-c", "writer"], &[".1.3.6.1.2.1.1.4.0", "i", "5"]);
        assert_same_output(&format!("snmpset {version} wrong type in the write view"), &t, &o);
    }
}

#[test]
fn v3_users_see_their_views() {
    require_netsnmp!();
    let pair = start();
    let (t, o) = both(&pair, "snmpwalk", VIEWER, &[".1"]);
    assert_same_oids("snmpwalk -v3 viewer (access view)", &t, &o);
    assert!(!t.stdout.contains(".1.3.6.1.2.1.1.9.") && !t.stdout.contains(".1.3.6.1.2.1.2.2.1.2.2 ="));
    let (t, o) = both(&pair, "snmpbulkwalk", VIEWER, &[".1"]);
    assert_same_oids("snmpbulkwalk -v3 viewer", &t, &o);
    let (t, o) = both(&pair, "snmpbulkwalk", SUBTREE, &[".1"]);
    assert_same_oids("snmpbulkwalk -v3 subtree (rouser OID)", &t, &o);
    assert!(t.stdout.lines().all(|l| l.starts_with(".1.3.6.1.2.1.11.")), "{}", t.stdout);
    let contact_only = both(&pair, "snmpwalk", CONTACTOR, &[".1"]);
    assert_same_output("snmpwalk -v3 contactor (rwuser -V)", &contact_only.0, &contact_only.1);
    assert!(contact_only.0.stdout.starts_with(".1.3.6.1.2.1.1.4.0 = STRING: "), "{:?}", contact_only.0);

    for (user, oid) in
        [(VIEWER, ".1.3.6.1.2.1.25.1.1.0"), (VIEWER, ".1.3.6.1.2.1.1.9.1.2.1"), (SUBTREE, ".1.3.6.1.2.1.1.5.0")]
    {
        let (t, o) = both(&pair, "snmpget", user, &[oid]);
        assert_same_output(&format!("snmpget -v3 {} {oid} (outside the view)", user[4]), &t, &o);
    }
    // The access entry asks for privacy: authNoPriv is refused (authorizationError).
    let mut auth_only = VIEWER[..9].to_vec();
    auth_only[2] = "authNoPriv";
    let (t, o) = both(&pair, "snmpget", &auth_only, &[".1.3.6.1.2.1.1.4.0"]);
    assert_same_output("snmpget -v3 viewer at authNoPriv", &t, &o);

    for (user, oid) in [
        (VIEWER, ".1.3.6.1.2.1.1.4.0"),
        (VIEWER, ".1.3.6.1.2.1.1.5.0"),
        (SUBTREE, ".1.3.6.1.2.1.11.30.0"),
        (CONTACTOR, ".1.3.6.1.2.1.1.4.0"),
        (CONTACTOR, ".1.3.6.1.2.1.1.6.0"),
    ] {
        let (t, o) = both(&pair, "snmpset", user, &[oid, "s", "set-by-v3"]);
        assert_same_output(&format!("snmpset -v3 {} {oid}", user[4]), &t, &o);
        // sysContact is fixed by the config: inside a write view it is notWritable, outside
        // one the view refuses first (noAccess).
        let in_write_view = oid == ".1.3.6.1.2.1.1.4.0" && user[4] != "subtree";
        let expected = if in_write_view { "notWritable" } else { "noAccess" };
        assert!(t.stderr.contains(expected), "{} {oid}: {t:?}", user[4]);
    }
}
