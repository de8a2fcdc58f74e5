//! `osprey get/bulkwalk/walk` with SNMPv3 (USM) against Net-SNMP's own tools, byte for byte:
//! a real snmpd with a user for every auth x priv combination net-snmp 5.9 offers, the same
//! flags to both tools, the same stdout, stderr and exit code; and every failure net-snmp
//! words in its own way (wrong passwords, unknown user, wrong engine ID, a level the user
//! may not use, missing and short passphrases, a dead agent, a context name).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use testkit::{Output, Snmpd, assert_same, compare_with_osprey, require_netsnmp, run};

const AUTHS: [&str; 6] = ["MD5", "SHA", "SHA-224", "SHA-256", "SHA-384", "SHA-512"];
const PRIVS: [&str; 5] = ["none", "DES", "AES", "AES-192", "AES-256"];
/// The system group's objects that do not move (sysUpTime does).
const STABLE_SCALARS: [&str; 6] = [
    ".1.3.6.1.2.1.1.1.0",
    ".1.3.6.1.2.1.1.2.0",
    ".1.3.6.1.2.1.1.4.0",
    ".1.3.6.1.2.1.1.5.0",
    ".1.3.6.1.2.1.1.6.0",
    ".1.3.6.1.2.1.1.7.0",
];
/// sysORTable: fixed once snmpd has started.
const SYS_OR_TABLE: &str = ".1.3.6.1.2.1.1.9";
const AUTH_PASS: &str = "authpass1";
const PRIV_PASS: &str = "privpass1";

fn osprey(args: &[&str]) -> Output {
    run(env!("CARGO_BIN_EXE_osprey"), args)
}

/// Runs net-snmp's `tool` and `osprey cmd` with the same arguments, compares them and
/// returns ours.
fn compare(tool: &str, cmd: &str, args: &[&str]) -> Output {
    compare_with_osprey(env!("CARGO_BIN_EXE_osprey"), tool, cmd, args)
}

fn user_name(auth: &str, privacy: &str) -> String {
    format!("u_{auth}_{privacy}").replace('-', "")
}

/// createUser/rouser lines for every combination, plus a user without auth.
fn users_config() -> String {
    let mut conf = String::from("createUser plain\nrouser plain noauth\n");
    for auth in AUTHS {
        for privacy in PRIVS {
            let name = user_name(auth, privacy);
            if privacy == "none" {
                conf += &format!("createUser {name} {auth} \"{AUTH_PASS}\"\nrouser {name} auth\n");
            } else {
                conf += &format!(
                    "createUser {name} {auth} \"{AUTH_PASS}\" {privacy} \"{PRIV_PASS}\"\nrouser {name} priv\n"
                );
            }
        }
    }
    conf
}

/// `-v3 -l ... -u ... -a ... -A ... [-x ... -X ...]` for one combination.
fn security_args(auth: &str, privacy: &str) -> Vec<String> {
    let mut args = vec!["-v3".to_string(), "-u".into(), user_name(auth, privacy), "-a".into(), auth.into()];
    args.extend(["-A".into(), AUTH_PASS.into()]);
    if privacy == "none" {
        args.extend(["-l".into(), "authNoPriv".into()]);
    } else {
        args.extend(["-l".into(), "authPriv".into(), "-x".into(), privacy.into(), "-X".into(), PRIV_PASS.into()]);
    }
    args
}

#[test]
fn every_auth_and_priv_combination_matches_net_snmp() {
    require_netsnmp!();
    let snmpd = Snmpd::start(&users_config());
    let addr = snmpd.addr();
    for auth in AUTHS {
        for privacy in PRIVS {
            let security = security_args(auth, privacy);
            let mut get: Vec<&str> = security.iter().map(String::as_str).collect();
            get.extend(["-m", "", &addr]);
            get.extend(STABLE_SCALARS);
            let ours = compare("snmpget", "get", &get);
            assert!(ours.code == 0 && ours.stdout.contains("\"osprey-test\""), "{auth}/{privacy}: {ours:?}");
            let mut walk: Vec<&str> = security.iter().map(String::as_str).collect();
            walk.extend(["-m", "", "-Cr5", &addr, SYS_OR_TABLE]);
            let ours = compare("snmpbulkwalk", "bulkwalk", &walk);
            assert!(ours.stdout.lines().count() > 5, "{auth}/{privacy}: {ours:?}");
        }
    }
    // noAuthNoPriv, and -u without -v (v3 is net-snmp's default then).
    compare("snmpget", "get", &["-v3", "-l", "noAuthNoPriv", "-u", "plain", "-m", "", &addr, STABLE_SCALARS[0]]);
    compare("snmpwalk", "walk", &["-u", "plain", "-m", "", &addr, SYS_OR_TABLE]);
}

#[test]
fn failures_match_net_snmp() {
    require_netsnmp!();
    let snmpd = Snmpd::start(
        "createUser privu SHA-256 \"authpass1\" AES \"privpass1\"\nrouser privu priv\n\
         createUser authu MD5 \"authpass1\"\nrouser authu auth\n",
    );
    let addr = snmpd.addr();
    let oid = ".1.3.6.1.2.1.1.5.0";
    let with = |extra: &[&'static str]| -> Vec<String> {
        let mut args: Vec<String> = ["-v3", "-m", "", "-r1", "-t0.3"].iter().map(|s| s.to_string()).collect();
        args.extend(extra.iter().map(|s| s.to_string()));
        args
    };
    let full = ["-l", "authPriv", "-u", "privu", "-a", "SHA-256", "-A", "authpass1", "-x", "AES", "-X", "privpass1"];
    let cases: Vec<Vec<&'static str>> = vec![
        // Wrong auth password: the agent's wrongDigests Report.
        vec!["-l", "authPriv", "-u", "privu", "-a", "SHA-256", "-A", "wrongpass1", "-x", "AES", "-X", "privpass1"],
        // Wrong priv password: snmpd cannot decrypt and stays silent.
        vec!["-l", "authPriv", "-u", "privu", "-a", "SHA-256", "-A", "authpass1", "-x", "AES", "-X", "wrongpass1"],
        // Unknown user.
        vec!["-l", "authPriv", "-u", "nobody", "-a", "SHA-256", "-A", "authpass1", "-x", "AES", "-X", "privpass1"],
        // A wrong -e: the agent's unknownEngineID Report does not answer the request.
        [&full[..], &["-e", "0x800000020109840301"]].concat(),
        // A malformed -e.
        [&full[..], &["-e", "0x8000"]].concat(),
        // noAuthNoPriv for a priv-only user: authorizationError.
        vec!["-l", "noAuthNoPriv", "-u", "privu"],
        // A level above the user's: unsupportedSecLevels.
        vec!["-l", "authPriv", "-u", "authu", "-a", "MD5", "-A", "authpass1", "-x", "DES", "-X", "privpass1"],
        // Wrong auth protocol.
        vec!["-l", "authNoPriv", "-u", "authu", "-a", "SHA", "-A", "authpass1"],
        // Missing -A, missing -X.
        vec!["-l", "authPriv", "-u", "privu", "-a", "SHA-256", "-x", "AES", "-X", "privpass1"],
        vec!["-l", "authPriv", "-u", "privu", "-a", "SHA-256", "-A", "authpass1", "-x", "AES"],
        // Passphrases under 8 characters.
        vec!["-l", "authPriv", "-u", "privu", "-a", "SHA-256", "-A", "short", "-x", "AES", "-X", "privpass1"],
        vec!["-l", "authPriv", "-u", "privu", "-a", "SHA-256", "-A", "authpass1", "-x", "AES", "-X", "short"],
        // No security name.
        vec![],
        // net-snmp's defaults: MD5 without -a, DES without -x, noAuthNoPriv without -l.
        vec!["-l", "authPriv", "-u", "privu", "-A", "authpass1", "-x", "AES", "-X", "privpass1"],
        vec!["-l", "authPriv", "-u", "privu", "-a", "SHA-256", "-A", "authpass1", "-X", "privpass1"],
        vec!["-u", "privu", "-a", "SHA-256", "-A", "authpass1", "-x", "AES", "-X", "privpass1"],
        // A context engine ID not snmpd's own (snmpd answers it all the same).
        [&full[..], &["-E", "800000020109840301"]].concat(),
        // A context snmpd does not serve: no answer.
        [&full[..], &["-n", "nosuchcontext"]].concat(),
    ];
    for case in &cases {
        let mut args = with(case);
        args.extend([addr.clone(), oid.to_string()]);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        if case.contains(&"0x8000") {
            // A usage error: net-snmp's usage text differs from ours; the message and code agree.
            let theirs = run("snmpget", &args);
            let ours = osprey(&[&["get"][..], &args].concat());
            assert_eq!(theirs.stderr.lines().next(), ours.stderr.lines().next());
            assert_eq!(theirs.code, ours.code);
            continue;
        }
        let ours = compare("snmpget", "get", &args);
        assert!(ours.code != 0 || case.contains(&"-E"), "{case:?} must fail");
        let mut walk = args.clone();
        walk.pop();
        walk.push(SYS_OR_TABLE);
        compare("snmpwalk", "walk", &walk);
        compare("snmpbulkwalk", "bulkwalk", &walk);
    }
    // A dead agent: discovery gets no answer.
    let dead = format!("127.0.0.1:{}", testkit::free_udp_port());
    let mut args = with(&full);
    args.extend([dead, oid.to_string()]);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    compare("snmpget", "get", &args);
    compare("snmpwalk", "walk", &args);
}

#[test]
fn context_name_reaches_a_proxied_context() {
    require_netsnmp!();
    let backend = Snmpd::start("");
    let snmpd = Snmpd::start(&format!(
        "createUser ctxu SHA \"authpass1\" AES \"privpass1\"\nrouser ctxu priv .1 sub\n\
         proxy -Cn sub -v 2c -c public {} .1.3.6.1.2.1.1\n",
        backend.addr()
    ));
    let addr = snmpd.addr();
    let security =
        ["-v3", "-l", "authPriv", "-u", "ctxu", "-a", "SHA", "-A", "authpass1", "-x", "AES", "-X", "privpass1"];
    let mut get = security.to_vec();
    get.extend(["-n", "sub", "-m", "", &addr]);
    get.extend(STABLE_SCALARS);
    let ours = compare("snmpget", "get", &get);
    assert!(ours.stdout.contains("osprey-test"), "the backend's sysName: {}", ours.stdout);
    let mut walk = security.to_vec();
    walk.extend(["-n", "sub", "-m", "", &addr, SYS_OR_TABLE]);
    compare("snmpbulkwalk", "bulkwalk", &walk);
}

/// getnext, bulkget, set (a read-write user and a read-only one) and table over v3.
#[test]
fn other_commands_over_v3_match_net_snmp() {
    require_netsnmp!();
    let snmpd = Snmpd::start(
        "createUser rwu SHA \"authpass1\" AES \"privpass1\"\nrwuser rwu priv\n\
         createUser rou SHA-512 \"authpass1\" DES \"privpass1\"\nrouser rou priv\n",
    );
    let addr = snmpd.addr();
    let rw = ["-v3", "-l", "authPriv", "-u", "rwu", "-a", "SHA", "-A", "authpass1", "-x", "AES", "-X", "privpass1"];
    let ro = ["-v3", "-l", "authPriv", "-u", "rou", "-a", "SHA-512", "-A", "authpass1", "-x", "DES", "-X", "privpass1"];
    let with = |security: &[&'static str], rest: &[&str]| -> Vec<String> {
        let mut args: Vec<String> = security.iter().map(|s| s.to_string()).collect();
        args.extend(["-m".to_string(), String::new(), addr.clone()]);
        args.extend(rest.iter().map(|s| s.to_string()));
        args
    };
    let cases: Vec<(&str, &str, Vec<String>)> = vec![
        ("snmpgetnext", "getnext", with(&ro, &[".1.3.6.1.2.1.1.4.0", ".1.3.6.1.2.1.1.9.1.2"])),
        ("snmpbulkget", "bulkget", with(&ro, &["-Cn1", "-Cr3", ".1.3.6.1.2.1.1.4.0", ".1.3.6.1.2.1.1.9.1.2"])),
        // UCD-SNMP-MIB::versionClearCache: writable (sysName is not: the config sets it).
        ("snmpset", "set", with(&rw, &[".1.3.6.1.4.1.2021.100.12.0", "i", "1"])),
        ("snmpset", "set", with(&rw, &[".1.3.6.1.2.1.1.5.0", "s", "renamed over v3"])),
        ("snmpset", "set", with(&ro, &[".1.3.6.1.2.1.1.5.0", "s", "refused"])),
        ("snmpget", "get", with(&ro, &[".1.3.6.1.2.1.1.5.0"])),
    ];
    for (tool, cmd, args) in &cases {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let ours = compare(tool, cmd, &args);
        if args.contains(&".1.3.6.1.4.1.2021.100.12.0") {
            assert!(ours.code == 0 && ours.stdout.contains("INTEGER: 1"), "{ours:?}");
        }
    }
    // snmptable with the modules osprey has built in, given to net-snmp as files.
    let mib_dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("mibs/modules");
    let mut theirs_args: Vec<&str> = ro.to_vec();
    theirs_args.extend(["-M", mib_dir.to_str().unwrap(), "-m", "ALL", "-Cf", ",", &addr, "sysORTable"]);
    let theirs = run("snmptable", &theirs_args);
    let mut ours_args: Vec<&str> = vec!["table"];
    ours_args.extend(ro);
    ours_args.extend(["-Cf", ",", &addr, "sysORTable"]);
    let ours = osprey(&ours_args);
    assert!(theirs.stdout.lines().count() > 5, "{theirs:?}");
    assert_same("snmptable over v3", &theirs, &ours);
}

/// `-3m`/`-3M`: master keys (Ku) in hex instead of passphrases, as net-snmp's tools take
/// them (the poller keeps credentials this way).
#[test]
fn master_keys_match_net_snmp() {
    use snmp::usm::{AuthProtocol, hex};
    require_netsnmp!();
    let snmpd = Snmpd::start(&users_config());
    let addr = snmpd.addr();
    for (auth, protocol, privacy) in [("SHA-256", AuthProtocol::Sha256, "AES"), ("MD5", AuthProtocol::Md5, "DES")] {
        let auth_key = format!("0x{}", hex::encode(protocol.password_to_key(AUTH_PASS.as_bytes()).unwrap().as_bytes()));
        let priv_key = hex::encode(protocol.password_to_key(PRIV_PASS.as_bytes()).unwrap().as_bytes());
        let user = user_name(auth, privacy);
        let mut args = vec!["-v3", "-l", "authPriv", "-u", &user, "-a", auth, "-3m", &auth_key, "-x", privacy];
        args.extend(["-3M", &priv_key, "-m", "", &addr]);
        args.extend(STABLE_SCALARS);
        let ours = compare("snmpget", "get", &args);
        assert!(ours.code == 0 && ours.stdout.contains("\"osprey-test\""), "{auth}/{privacy}: {ours:?}");
    }
    // Not hex: the same message and exit code (the usage text after it is ours).
    let args = ["-v3", "-l", "authNoPriv", "-u", "u_SHA_none", "-a", "SHA", "-3m", "0xzz", &addr, STABLE_SCALARS[0]];
    let theirs = run("snmpget", &args);
    let mut ours_args = vec!["get"];
    ours_args.extend(args);
    let ours = osprey(&ours_args);
    assert_eq!(theirs.stderr.lines().next(), Some("Bad key value after -3m flag."));
    assert_eq!((ours.stderr.lines().next(), ours.code), (theirs.stderr.lines().next(), theirs.code));
    // A key of the wrong length: net-snmp fails with an empty message, we say why.
    let args = ["-v3", "-l", "authNoPriv", "-u", "u_SHA_none", "-a", "SHA", "-3m", "abcd", &addr, STABLE_SCALARS[0]];
    let theirs = run("snmpget", &args);
    let mut ours_args = vec!["get"];
    ours_args.extend(args);
    let ours = osprey(&ours_args);
    assert_eq!(ours.code, theirs.code);
    assert!(ours.stderr.contains("master key of 2 octets, 20 expected"), "{ours:?}");
}
