//! NET-SNMP-EXTEND-MIB end to end: the same `extend`/`extend-sh` lines given to snmpd and to
//! osprey-agent (a multi-line script with an exit code, quoted and escaped arguments, an
//! empty output, a program that does not exist, a bare name that execv does not look up, a
//! shell line, a line with its own MIBOID, and the older `exec`/`sh` lines that UCD-SNMP-MIB's
//! extTable shows too); snmpbulkwalk and snmpget print the same from both.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use testkit::agent::OspreyAgent;
use testkit::tools::{first_differences, run};
use testkit::{Snmpd, require_netsnmp};

/// The same prelude as testkit's snmpd, so both agents read the same lines.
const PRELUDE: &str = "rocommunity public 127.0.0.1\nrwcommunity private 127.0.0.1\nrocommunity6 public ::1\n\
    rwcommunity6 private ::1\nsysLocation Test Lab\nsysContact ops@example.com\nsysName osprey-test\n";

fn extend_lines(dir: &std::path::Path) -> String {
    let script = dir.join("multi.sh");
    std::fs::write(&script, "#!/bin/sh\nprintf 'first line\\n  second \"quoted\"\\n\\nfourth'\nexit 3\n").unwrap();
    std::fs::set_permissions(&script, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    format!(
        "extend multi {}\n\
         extend quoted '/bin/echo x   y' \"z  w\" \\\\tab\n\
         extend empty /bin/true\n\
         extend missing /nonexistent/cmd arg\n\
         extend bare echo hi\n\
         extend-sh shy echo one; echo two; exit 2\n\
         extend .1.3.6.1.4.1.2021.7890.1 distro /bin/echo Debian 13\n\
         exec hello /bin/echo hello world\n\
         sh shelled echo one; echo two; exit 2\n",
        script.display()
    )
}

fn walk(addr: &str, root: &str) -> String {
    let out = run("snmpbulkwalk", &["-v2c", "-c", "public", "-On", "-r0", "-t2", addr, root]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    out.stdout
}

#[test]
fn extend_tables_match_snmpds() {
    require_netsnmp!();
    let scripts = tempfile::tempdir().unwrap();
    let lines = extend_lines(scripts.path());
    let snmpd = Snmpd::start(&lines);
    let ours = OspreyAgent::start_with(&format!("{PRELUDE}{lines}"), env!("CARGO_BIN_EXE_osprey-agent").as_ref());
    let log = std::fs::read_to_string(ours.dir.path().join("agent.log")).unwrap_or_default();
    assert!(!log.contains("Warning"), "osprey-agent warned:\n{log}");
    for root in [".1.3.6.1.4.1.8072.1.3", ".1.3.6.1.4.1.2021.7890.1", ".1.3.6.1.4.1.2021.8"] {
        let (theirs, mine) = (walk(&snmpd.addr(), root), walk(&ours.addr(), root));
        assert!(theirs.lines().count() > 10, "snmpd served too little under {root}:\n{theirs}");
        assert!(theirs == mine, "{root}:\n{}", first_differences(&theirs, &mine));
    }
    assert!(walk(&ours.addr(), ".1.3.6.1.4.1.8072.1.3").contains("= INTEGER: 512"), "extend-sh's wait status");
    // A GET of one output: nsExtendOutputFull."multi" and nsExtendOutLine."multi".4.
    let get = |addr: &str| {
        run(
            "snmpget",
            &[
                "-v2c",
                "-c",
                "public",
                "-On",
                addr,
                ".1.3.6.1.4.1.8072.1.3.2.3.1.2.5.109.117.108.116.105",
                ".1.3.6.1.4.1.8072.1.3.2.4.1.2.5.109.117.108.116.105.4",
                ".1.3.6.1.4.1.8072.1.3.2.4.1.2.5.109.117.108.116.105.5",
            ],
        )
        .stdout
    };
    let (theirs, mine) = (get(&snmpd.addr()), get(&ours.addr()));
    assert!(theirs.contains("fourth"), "{theirs}");
    assert_eq!(theirs, mine);
}
