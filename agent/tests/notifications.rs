//! coldStart notifications reach Net-SNMP's snmptrapd: one SNMPv2-Trap to the trap2sink
//! and one inform to the informsink, acknowledged by snmptrapd (so sent exactly once); and
//! through `trapsess`, SNMPv3 authPriv traps (the agent's engine authoritative) and informs
//! (snmptrapd's engine, discovered), while wrong passphrases get nothing through; and the
//! SNMPv1 coldStart of a `trapsink`, logged by snmptrapd just as snmpd's is; and with
//! `authtrapenable 1`, authenticationFailure for bad communities and nsNotifyShutdown at
//! SIGTERM, the same from both agents.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use testkit::agent::OspreyAgent;

struct Trapd {
    child: std::process::Child,
    log: std::path::PathBuf,
    _dir: tempfile::TempDir,
}

impl Trapd {
    /// What snmptrapd logged so far.
    fn text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}

impl Drop for Trapd {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start_trapd(port: u16) -> Trapd {
    start_trapd_with(port, "")
}

/// snmptrapd with `extra` (createUser lines) after `disableAuthorization yes`.
fn start_trapd_with(port: u16, extra: &str) -> Trapd {
    let dir = tempfile::tempdir().unwrap();
    let conf = dir.path().join("snmptrapd.conf");
    std::fs::write(&conf, format!("disableAuthorization yes\n{extra}")).unwrap();
    let log = dir.path().join("traps.log");
    let child = Command::new("/usr/sbin/snmptrapd")
        .args(["-f", "-C", "-c"])
        .arg(&conf)
        .args(["-m", "", "-On", "-Lf"])
        .arg(&log)
        .arg(format!("udp:127.0.0.1:{port}"))
        .env("SNMP_PERSISTENT_DIR", dir.path())
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start snmptrapd");
    // snmptrapd logs its start line once it listens.
    let deadline = Instant::now() + Duration::from_secs(10);
    while Instant::now() < deadline {
        if std::fs::read_to_string(&log).is_ok_and(|t| t.contains("NET-SNMP version")) {
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    Trapd { child, log, _dir: dir }
}

fn snmptrapd_installed() -> bool {
    if std::path::Path::new("/usr/sbin/snmptrapd").exists() {
        return true;
    }
    assert!(std::env::var_os("CI").is_none(), "snmptrapd missing in CI");
    eprintln!("skipped: snmptrapd not installed");
    false
}

const COLD_START: &str = ".1.3.6.1.6.3.1.1.4.1.0 = OID: .1.3.6.1.6.3.1.1.5.1";

fn cold_starts(t: &Trapd) -> usize {
    t.text().matches(COLD_START).count()
}

/// Waits (10 s at most) until each snmptrapd has logged a coldStart.
fn await_cold_starts(trapds: &[&Trapd]) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while Instant::now() < deadline && trapds.iter().any(|t| cold_starts(t) == 0) {
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn agent_log(agent: &OspreyAgent) -> String {
    std::fs::read_to_string(agent.dir.path().join("agent.log")).unwrap_or_default()
}

#[test]
fn cold_start_trap_and_acknowledged_inform() {
    testkit::require_netsnmp!();
    if !snmptrapd_installed() {
        return;
    }
    let trap_port = testkit::free_udp_port();
    let inform_port = testkit::free_udp_port();
    let traps = start_trapd(trap_port);
    let informs = start_trapd(inform_port);
    let conf = format!(
        "rocommunity public 127.0.0.1\ntrap2sink 127.0.0.1:{trap_port} public\ninformsink 127.0.0.1:{inform_port} public\n"
    );
    let _agent = OspreyAgent::start_with(&conf, env!("CARGO_BIN_EXE_osprey-agent").as_ref());
    await_cold_starts(&[&traps, &informs]);
    assert_eq!(cold_starts(&traps), 1, "{}", traps.text());
    assert_eq!(cold_starts(&informs), 1);
    // An unacknowledged inform would be sent again after 1 s.
    std::thread::sleep(Duration::from_millis(2500));
    assert_eq!(cold_starts(&informs), 1, "inform resent: snmptrapd's acknowledgement was not matched");
    assert_eq!(cold_starts(&traps), 1, "a trap is sent once, never retried");
    let log = traps.text();
    assert!(log.contains(".1.3.6.1.2.1.1.3.0 = Timeticks:"), "{log}");
    assert!(log.contains(".1.3.6.1.6.3.1.1.4.3.0 = OID: .1.3.6.1.4.1.8072.3.2.10"), "{log}");
}

/// The agent's `engineID ospreytest`.
const AGENT_ENGINE_TEXT: &str = "ospreytest";

/// The engine ID `engineID TEXT` gives (net-snmp's enterprise 8072, format 4 = text), in hex
/// as `createUser -e` and `trapsess -e` take it; spelt out here, not taken from the agent.
fn text_engine_hex(text: &str) -> String {
    format!("0x80001f8804{}", snmp::usm::hex::encode(text.as_bytes()))
}

fn agent_engine_hex() -> String {
    text_engine_hex(AGENT_ENGINE_TEXT)
}

#[test]
fn v3_auth_priv_trap_and_inform_reach_snmptrapd_once() {
    testkit::require_netsnmp!();
    if !snmptrapd_installed() {
        return;
    }
    let trap_port = testkit::free_udp_port();
    let inform_port = testkit::free_udp_port();
    // Traps: the agent is authoritative, so snmptrapd knows the user by the agent's engine.
    let traps = start_trapd_with(
        trap_port,
        &format!("createUser -e {} trapper SHA-256 trapauthpass AES trapprivpass\n", agent_engine_hex()),
    );
    // Informs: snmptrapd is authoritative; its user is localized to its own engine.
    let informs = start_trapd_with(inform_port, "createUser informer SHA informauthpass AES informprivpass\n");
    let conf = format!(
        "rocommunity public 127.0.0.1\nengineID {AGENT_ENGINE_TEXT}\n\
         trapsess -v 3 -u trapper -l authPriv -a SHA-256 -A trapauthpass -x AES -X trapprivpass 127.0.0.1:{trap_port}\n\
         trapsess -v3 -Ci -u informer -l authPriv -a SHA -A informauthpass -x AES -X informprivpass 127.0.0.1:{inform_port}\n"
    );
    let agent = OspreyAgent::start_with(&conf, env!("CARGO_BIN_EXE_osprey-agent").as_ref());
    await_cold_starts(&[&traps, &informs]);
    let early_log = agent_log(&agent);
    assert_eq!(cold_starts(&traps), 1, "{}\n{early_log}", traps.text());
    assert_eq!(cold_starts(&informs), 1, "{}\n{early_log}", informs.text());
    // An unacknowledged inform would be sent again after 1 s.
    std::thread::sleep(Duration::from_millis(2500));
    assert_eq!(cold_starts(&informs), 1, "inform resent: snmptrapd's authenticated Response was not matched");
    assert_eq!(cold_starts(&traps), 1);
    let log = traps.text();
    assert!(log.contains(".1.3.6.1.6.3.1.1.4.3.0 = OID: .1.3.6.1.4.1.8072.3.2.10"), "{log}");
    let log = agent_log(&agent);
    assert!(!log.contains("refused") && !log.contains("dropped"), "{log}");
}

#[test]
fn wrong_passphrases_get_nothing_through_and_the_inform_gives_up() {
    testkit::require_netsnmp!();
    if !snmptrapd_installed() {
        return;
    }
    let trap_port = testkit::free_udp_port();
    let inform_port = testkit::free_udp_port();
    let traps = start_trapd_with(
        trap_port,
        &format!("createUser -e {} trapper SHA trapauthpass AES trapprivpass\n", agent_engine_hex()),
    );
    let informs = start_trapd_with(inform_port, "createUser informer SHA informauthpass AES informprivpass\n");
    let conf = format!(
        "rocommunity public 127.0.0.1\nengineID {AGENT_ENGINE_TEXT}\n\
         trapsess -v 3 -u trapper -l authPriv -a SHA -A wrongauthpass -x AES -X trapprivpass 127.0.0.1:{trap_port}\n\
         trapsess -v 3 -Ci -u informer -l authPriv -a SHA -A wrongauthpass -x AES -X informprivpass 127.0.0.1:{inform_port}\n"
    );
    let agent = OspreyAgent::start_with(&conf, env!("CARGO_BIN_EXE_osprey-agent").as_ref());
    // The inform gives up: snmptrapd's wrongDigests Report, or the bounded retries (6 s).
    let deadline = Instant::now() + Duration::from_secs(15);
    while Instant::now() < deadline && !agent_log(&agent).contains("inform") {
        std::thread::sleep(Duration::from_millis(100));
    }
    let log = agent_log(&agent);
    assert!(log.contains("refused") || log.contains("not acknowledged"), "{log}");
    assert!(!log.contains("wrongauthpass"), "a passphrase in the log: {log}");
    assert_eq!(cold_starts(&traps), 0, "{}", traps.text());
    assert_eq!(cold_starts(&informs), 0, "{}", informs.text());
    // The agent still answers.
    let out = testkit::tools::run("snmpget", &["-v2c", "-c", "public", "-r", "1", &agent.addr(), "1.3.6.1.2.1.1.3.0"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
}

#[test]
fn v3_informs_to_a_given_engine_learn_its_clock_or_rediscover_it() {
    testkit::require_netsnmp!();
    if !snmptrapd_installed() {
        return;
    }
    let user = "createUser informer SHA informauthpass AES informprivpass\n";
    let (right_port, wrong_port) = (testkit::free_udp_port(), testkit::free_udp_port());
    let right = start_trapd_with(right_port, &format!("engineID trapdright\n{user}"));
    let wrong = start_trapd_with(wrong_port, &format!("engineID trapdwrong\n{user}"));
    // `-e` names the engine, so no discovery: the first inform carries a clock of 0/0 and
    // snmptrapd's notInTimeWindow Report gives the real one. Given the wrong engine,
    // snmptrapd's unknownEngineID Report sends the agent back to discovery.
    let line = |engine: &str, port: u16| {
        format!(
            "trapsess -v 3 -Ci -e {engine} -u informer -l authPriv -a SHA -A informauthpass \
             -x AES -X informprivpass 127.0.0.1:{port}\n"
        )
    };
    let conf = format!(
        "rocommunity public 127.0.0.1\n{}{}",
        line(&text_engine_hex("trapdright"), right_port),
        line(&text_engine_hex("notthisone"), wrong_port)
    );
    let agent = OspreyAgent::start_with(&conf, env!("CARGO_BIN_EXE_osprey-agent").as_ref());
    await_cold_starts(&[&right, &wrong]);
    std::thread::sleep(Duration::from_millis(2500));
    let agent_log = agent_log(&agent);
    for trapd in [&right, &wrong] {
        let log = trapd.text();
        assert_eq!(cold_starts(trapd), 1, "{log}\n{agent_log}");
    }
    assert!(!agent_log.contains("dropped"), "{agent_log}");
}

#[test]
fn v2c_trapsess_lines_send_as_trap2sink_and_informsink_do() {
    testkit::require_netsnmp!();
    if !snmptrapd_installed() {
        return;
    }
    let (trap_port, inform_port) = (testkit::free_udp_port(), testkit::free_udp_port());
    let (traps, informs) = (start_trapd(trap_port), start_trapd(inform_port));
    let conf = format!(
        "rocommunity public 127.0.0.1\ntrapsess -v 2c -c public 127.0.0.1:{trap_port}\n\
         trapsess -v 2c -c public -Ci 127.0.0.1:{inform_port}\n"
    );
    let _agent = OspreyAgent::start_with(&conf, env!("CARGO_BIN_EXE_osprey-agent").as_ref());
    await_cold_starts(&[&traps, &informs]);
    std::thread::sleep(Duration::from_millis(2500));
    assert_eq!(cold_starts(&traps), 1, "{}", traps.text());
    assert_eq!(cold_starts(&informs), 1, "inform missing or resent");
}

/// snmpd and osprey-agent side by side, each sending to its own snmptrapd, with the lines
/// `lines(TRAPD_PORT)` (osprey-agent also gets the `rocommunity` testkit's snmpd has).
struct SidePair {
    snmpd: testkit::snmpd::Snmpd,
    ours: OspreyAgent,
    theirs_trapd: Trapd,
    ours_trapd: Trapd,
}

impl SidePair {
    fn start(lines: impl Fn(u16) -> String) -> SidePair {
        let (theirs_port, ours_port) = (testkit::free_udp_port(), testkit::free_udp_port());
        let (theirs_trapd, ours_trapd) = (start_trapd(theirs_port), start_trapd(ours_port));
        let snmpd = testkit::snmpd::Snmpd::start(&lines(theirs_port));
        let ours = OspreyAgent::start_with(
            &format!("rocommunity public 127.0.0.1\n{}", lines(ours_port)),
            env!("CARGO_BIN_EXE_osprey-agent").as_ref(),
        );
        SidePair { snmpd, ours, theirs_trapd, ours_trapd }
    }
}

/// The SNMPv1 coldStart record snmptrapd logged, with what changes from run to run (time,
/// ports, uptime) cut out: the agent-addr, the community, the enterprise and the trap.
fn v1_cold_start(t: &Trapd) -> Option<String> {
    let log = t.text();
    let mut lines = log.lines();
    while let Some(line) = lines.next() {
        let Some((_, header)) = line.split_once(" TRAP, SNMP v1") else { continue };
        let body = lines.next()?;
        if !body.contains("Cold Start Trap") {
            continue;
        }
        // "2026-11-26 13:27:28 192.0.2.77 [192.0.2.77] (via UDP: ...) TRAP, SNMP v1, community c"
        let agent_addr = line.split_whitespace().nth(2)?;
        let body = body.split(" Uptime:").next()?.trim();
        return Some(format!("{agent_addr} TRAP, SNMP v1{header} / {body}"));
    }
    None
}

fn wait_for(what: impl Fn() -> Option<String>) -> Option<String> {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let found = what();
        if found.is_some() || Instant::now() > deadline {
            return found;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn v1_trapsink_cold_start_matches_snmpds() {
    testkit::require_netsnmp!();
    if !snmptrapd_installed() {
        return;
    }
    // trapcommunity applies to the trapsink line after it; the port comes as its own word.
    let lines =
        |port: u16| format!("trapcommunity v1traps\nv1trapaddress 192.0.2.77\ntrapsink 127.0.0.1 v1traps {port}\n");
    let pair = SidePair::start(lines);
    let (theirs_trapd, ours_trapd) = (&pair.theirs_trapd, &pair.ours_trapd);
    let theirs = wait_for(|| v1_cold_start(theirs_trapd)).expect("snmpd's v1 coldStart");
    let ours = wait_for(|| v1_cold_start(ours_trapd));
    assert_eq!(theirs, "192.0.2.77 TRAP, SNMP v1, community v1traps / .1.3.6.1.4.1.8072.3.2.10 Cold Start Trap (0)");
    assert_eq!(ours.as_deref(), Some(theirs.as_str()), "{}", ours_trapd.text());
}

/// snmptrapd's records as (snmpTrapOID, the varbinds after it), sysUpTime left out.
fn records(t: &Trapd) -> Vec<String> {
    let log = t.text();
    log.lines()
        .filter(|l| l.starts_with(".1.3.6.1.2.1.1.3.0 = "))
        .map(|l| l.split('\t').skip(1).collect::<Vec<_>>().join("\t"))
        .collect()
}

fn terminate(pid: u32) {
    let status = Command::new("kill").args(["-TERM", &pid.to_string()]).status().unwrap();
    assert!(status.success());
}

#[test]
fn auth_failures_and_shutdown_as_snmpd_sends_them() {
    testkit::require_netsnmp!();
    if !snmptrapd_installed() {
        return;
    }
    let lines = |port: u16| format!("trap2sink 127.0.0.1:{port} public\nauthtrapenable 1\n");
    let pair = SidePair::start(lines);
    let (snmpd, ours, theirs_trapd, ours_trapd) = (&pair.snmpd, &pair.ours, &pair.theirs_trapd, &pair.ours_trapd);
    let enabled = |addr: &str| {
        testkit::tools::run("snmpget", &["-v2c", "-c", "public", "-On", addr, ".1.3.6.1.2.1.11.30.0"]).stdout
    };
    assert_eq!(enabled(&snmpd.addr()), ".1.3.6.1.2.1.11.30.0 = INTEGER: 1\n");
    assert_eq!(enabled(&ours.addr()), enabled(&snmpd.addr()));
    for addr in [snmpd.addr(), ours.addr()] {
        for version in ["-v1", "-v2c"] {
            testkit::tools::run("snmpget", &[version, "-c", "wrong", "-r0", "-t0.3", &addr, ".1.3.6.1.2.1.1.3.0"]);
        }
    }
    terminate(snmpd.pid());
    terminate(ours.pid());
    let shutdown = ".1.3.6.1.6.3.1.1.4.1.0 = OID: .1.3.6.1.4.1.8072.4.0.2";
    let logged =
        |t: &Trapd| wait_for(|| records(t).iter().any(|r| r.starts_with(shutdown)).then(|| records(t).join("\n")));
    let theirs = logged(theirs_trapd).expect("snmpd's shutdown notification");
    let mine = logged(ours_trapd).unwrap_or_else(|| records(ours_trapd).join("\n"));
    assert_eq!(theirs.matches(".1.3.6.1.6.3.1.1.5.5\t").count(), 2, "{theirs}");
    assert_eq!(mine, theirs);
}
