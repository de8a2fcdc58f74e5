//! SNMPv3 USM against real peers: net-snmp's snmpget and snmpbulkwalk talk to osprey-agent
//! and to snmpd given the same createUser/rouser lines, for every auth x priv combination
//! net-snmp 5.9 supports (Cisco's AES-192-C/AES-256-C key extension included), and must
//! print the same; the refusals (wrong passwords, unknown
//! user, wrong engine ID, a level below the user's access, a replay outside the time
//! window) must look the same to the client; the engine survives restarts.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::borrow::Cow;
use std::net::UdpSocket;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use snmp::usm::wire::{EngineStamp, Envelope, discovery_probe, seal};
use snmp::usm::{AuthProtocol, Incoming, KeyExtension, LocalizedUser, PrivProtocol, SaltCounter, UsmReport};
use snmp::{
    Message, Oid, Pdu, PduType, Pdus, ScopedPdu, ScopedPduData, SecurityLevel, V3Header, V3Message, Value, VarBind,
};
use testkit::agent::OspreyAgent;
use testkit::tools::{Output, assert_same, run};
use testkit::{Snmpd, require_netsnmp};

const AUTHS: [&str; 6] = ["MD5", "SHA", "SHA-224", "SHA-256", "SHA-384", "SHA-512"];
const PRIVS: [Option<&str>; 7] =
    [None, Some("DES"), Some("AES"), Some("AES-192"), Some("AES-256"), Some("AES-192-C"), Some("AES-256-C")];
/// Quoted in the config (it has a space), as net-snmp allows.
const AUTH_PASS: &str = "auth pass 8";
const PRIV_PASS: &str = "privpass99";
/// The system group values Snmpd::start fixes, given to osprey-agent too.
const SYSTEM: &str =
    "rocommunity public 127.0.0.1\nsysLocation Test Lab\nsysContact ops@example.com\nsysName osprey-test\n";
const SYS_DESCR: &str = ".1.3.6.1.2.1.1.1.0";
const SYS_OBJECT_ID: &str = ".1.3.6.1.2.1.1.2.0";

fn user_name(auth: &str, privacy: Option<&str>) -> String {
    format!("u-{}-{}", auth, privacy.unwrap_or("none")).to_lowercase()
}

/// One createUser and one rouser line per combination.
fn user_lines() -> String {
    let mut lines = String::new();
    for auth in AUTHS {
        for privacy in PRIVS {
            let name = user_name(auth, privacy);
            match privacy {
                Some(p) => {
                    lines +=
                        &format!("createUser {name} {auth} \"{AUTH_PASS}\" {p} \"{PRIV_PASS}\"\nrouser {name} priv\n")
                }
                None => lines += &format!("createUser {name} {auth} \"{AUTH_PASS}\"\nrouser {name} auth\n"),
            }
        }
    }
    lines
}

fn start_pair(extra: &str) -> (Snmpd, OspreyAgent) {
    let users = format!("{}{extra}", user_lines());
    let snmpd = Snmpd::start(&users);
    let ours = OspreyAgent::start_with(&format!("{SYSTEM}{users}"), env!("CARGO_BIN_EXE_osprey-agent").as_ref());
    (snmpd, ours)
}

fn v3_args(auth: &str, privacy: Option<&str>) -> Vec<String> {
    let mut args: Vec<String> =
        ["-v3", "-u", &user_name(auth, privacy), "-a", auth, "-A", AUTH_PASS].iter().map(|s| s.to_string()).collect();
    match privacy {
        Some(p) => args.extend(["-l", "authPriv", "-x", p, "-X", PRIV_PASS].map(String::from)),
        None => args.extend(["-l", "authNoPriv"].map(String::from)),
    }
    args
}

/// Runs a tool against `port` with `args` then `oids`; the agent's address in the output
/// is replaced so two agents' outputs compare.
fn tool(program: &str, args: &[String], port: u16, oids: &[&str]) -> Output {
    let addr = format!("127.0.0.1:{port}");
    let mut all: Vec<&str> = args.iter().map(String::as_str).collect();
    all.push(&addr);
    all.extend_from_slice(oids);
    let mut out = run(program, &all);
    out.stdout = out.stdout.replace(&addr, "AGENT");
    out.stderr = out.stderr.replace(&addr, "AGENT");
    out
}

/// The system group's stable objects (not sysUpTime or sysORTable) from a walk's output.
fn stable_system_lines(walk: &Output) -> Output {
    let keep = [
        "iso.3.6.1.2.1.1.1.0 ",
        "iso.3.6.1.2.1.1.2.0 ",
        "iso.3.6.1.2.1.1.4.0 ",
        "iso.3.6.1.2.1.1.5.0 ",
        "iso.3.6.1.2.1.1.6.0 ",
        "iso.3.6.1.2.1.1.7.0 ",
    ];
    let stdout =
        walk.stdout.lines().filter(|l| keep.iter().any(|k| l.starts_with(k))).map(|l| format!("{l}\n")).collect();
    Output { stdout, ..walk.clone() }
}

#[test]
fn every_auth_and_privacy_combination_answers_as_snmpd() {
    require_netsnmp!();
    let (snmpd, ours) = start_pair("");
    for auth in AUTHS {
        for privacy in PRIVS {
            let what = user_name(auth, privacy);
            let mut args = v3_args(auth, privacy);
            args.extend(["-r2", "-t3"].map(String::from));
            let theirs = tool("snmpget", &args, snmpd.port, &[SYS_DESCR, SYS_OBJECT_ID]);
            assert_eq!(theirs.code, 0, "{what}: snmpd refused: {}", theirs.stderr);
            assert_same(
                &format!("{what} snmpget"),
                &theirs,
                &tool("snmpget", &args, ours.port, &[SYS_DESCR, SYS_OBJECT_ID]),
            );
            let theirs = stable_system_lines(&tool("snmpbulkwalk", &args, snmpd.port, &[".1.3.6.1.2.1.1"]));
            let mine = stable_system_lines(&tool("snmpbulkwalk", &args, ours.port, &[".1.3.6.1.2.1.1"]));
            assert!(theirs.stdout.lines().count() >= 5, "{what}: {}", theirs.stdout);
            assert_same(&format!("{what} snmpbulkwalk"), &theirs, &mine);
        }
    }
    // usmUserTable names the same protocols for the same users (values in index order;
    // the index carries each agent's own engine ID).
    let args = ["-v2c", "-c", "public", "-Oqv"].map(String::from);
    // (usmUserStatus, column 13, is the end of our MIB: snmpwalk says so after it.)
    for column in ["3", "5", "8", "12"] {
        let oid = format!("1.3.6.1.6.3.15.1.2.2.1.{column}");
        let theirs = tool("snmpwalk", &args, snmpd.port, &[&oid]);
        assert_eq!(theirs.stdout.lines().count(), AUTHS.len() * PRIVS.len(), "{oid}");
        assert_same(&oid, &theirs, &tool("snmpwalk", &args, ours.port, &[&oid]));
    }
}

#[test]
fn refusals_look_the_same_to_snmpget() {
    require_netsnmp!();
    let (snmpd, ours) = start_pair("");
    let good = v3_args("SHA-256", Some("AES"));
    let with = |from: &str, to: &str| -> Vec<String> {
        let mut args = good.clone();
        let at = args.iter().position(|a| a == from).unwrap();
        args[at + 1] = to.to_string();
        args
    };
    let mut cases: Vec<(&str, Vec<String>)> = vec![
        ("wrong auth password", with("-A", "not the password")),
        ("wrong priv password", with("-X", "not the password")),
        ("unknown user", with("-u", "nobody")),
        ("wrong engine ID", [good.clone(), vec!["-e".into(), "0x80001f8880aabbccdd".into()]].concat()),
        (
            "noAuthNoPriv for a priv user",
            ["-v3", "-l", "noAuthNoPriv", "-u", "u-sha-256-aes"].map(String::from).to_vec(),
        ),
        ("authNoPriv for a priv user", with("-l", "authNoPriv")),
        ("unknown context", [good.clone(), vec!["-n".into(), "ctx".into()]].concat()),
        (
            "authPriv for an auth-only user",
            [v3_args("MD5", None), ["-l", "authPriv", "-x", "DES", "-X", PRIV_PASS].map(String::from).to_vec()]
                .concat(),
        ),
    ];
    for (_, args) in &mut cases {
        args.extend(["-r0", "-t1"].map(String::from));
    }
    for (what, args) in cases {
        let theirs = tool("snmpget", &args, snmpd.port, &[SYS_DESCR]);
        let mine = tool("snmpget", &args, ours.port, &[SYS_DESCR]);
        assert_ne!(theirs.code, 0, "{what}: snmpd accepted");
        assert_same(what, &theirs, &mine);
    }
    // Every refusal was counted alike: usmStats, snmpUnknownContexts, snmpInASNParseErrs.
    let counters = ["1.3.6.1.6.3.15.1.1", "1.3.6.1.6.3.12.1.5", "1.3.6.1.2.1.11.6"];
    for root in counters {
        let args = ["-v2c", "-c", "public"].map(String::from);
        assert_same(root, &tool("snmpwalk", &args, snmpd.port, &[root]), &tool("snmpwalk", &args, ours.port, &[root]));
    }
}

/// What an agent's engine says in its discovery Report: (engine ID, boots, time).
fn discover(port: u16) -> (Vec<u8>, u32, u32) {
    let anonymous = LocalizedUser::unauthenticated("");
    let reply =
        exchange_v3(port, &anonymous, SecurityLevel::NoAuthNoPriv, EngineStamp { engine_id: b"", boots: 0, time: 0 });
    let Message::V3(message) = Message::decode(&reply).unwrap() else { panic!("not v3") };
    let incoming = Incoming::parse(&message).unwrap();
    let s = incoming.security;
    (s.engine_id.to_vec(), s.engine_boots, s.engine_time)
}

/// Discovers the agent on `port` and localizes the authPriv user of `auth` x `privacy` (as
/// [`user_lines`] names it) to its engine: the user, engine ID, boots and time.
fn discover_user(
    port: u16,
    (auth_name, auth): (&str, AuthProtocol),
    (priv_name, privacy): (&str, PrivProtocol),
) -> (LocalizedUser, Vec<u8>, u32, u32) {
    let (engine_id, boots, time) = discover(port);
    let user = LocalizedUser::from_passwords(
        user_name(auth_name, Some(priv_name)),
        &engine_id,
        Some((auth, AUTH_PASS.as_bytes())),
        Some((privacy, PRIV_PASS.as_bytes(), KeyExtension::Blumenthal)),
    )
    .unwrap();
    (user, engine_id, boots, time)
}

/// Seals a GET of sysDescr.0 for `user` stamped with `engine`, sends it and returns the reply.
fn exchange_v3(port: u16, user: &LocalizedUser, level: SecurityLevel, engine: EngineStamp<'_>) -> Vec<u8> {
    let get = Pdu::new(PduType::GetRequest, 4242, vec![VarBind::null(SYS_DESCR.parse::<Oid>().unwrap())]);
    exchange_pdu(port, user, level, engine, get, 65507)
}

/// Seals `pdu` with msgMaxSize `max_size`, sends it and returns the reply.
fn exchange_pdu(
    port: u16,
    user: &LocalizedUser,
    level: SecurityLevel,
    engine: EngineStamp<'_>,
    pdu: Pdu<'static>,
    max_size: i32,
) -> Vec<u8> {
    let scoped = ScopedPdu {
        context_engine_id: Cow::Owned(engine.engine_id.to_vec()),
        context_name: Cow::Borrowed(b""),
        pdu: Pdus::Pdu(pdu),
    };
    let envelope = Envelope { msg_id: 777, max_size, reportable: true, level, engine, user };
    let mut request = Vec::new();
    seal(&mut request, &envelope, &scoped, &SaltCounter::starting_at(1)).unwrap();
    let socket = UdpSocket::bind("127.0.0.1:0").unwrap();
    socket.set_read_timeout(Some(Duration::from_secs(2))).unwrap();
    let mut buf = vec![0u8; 65536];
    for _ in 0..3 {
        socket.send_to(&request, ("127.0.0.1", port)).unwrap();
        if let Ok(n) = socket.recv(&mut buf) {
            buf.truncate(n);
            return buf;
        }
    }
    panic!("no answer from port {port}");
}

/// A replayed (or badly clocked) request: the Report says notInTimeWindow, is authenticated
/// with the user's key, and carries the engine's real boots and time so the manager can
/// resynchronize. The same for snmpd and osprey-agent.
#[test]
fn a_request_outside_the_time_window_gets_an_authenticated_report_with_our_clock() {
    require_netsnmp!();
    let (snmpd, ours) = start_pair("");
    let mut seen = Vec::new();
    for port in [snmpd.port, ours.port] {
        let (user, engine_id, boots, time) =
            discover_user(port, ("SHA-256", AuthProtocol::Sha256), ("AES", PrivProtocol::Aes128));
        let stale = EngineStamp { engine_id: &engine_id, boots, time: time + 1000 };
        let reply = exchange_v3(port, &user, SecurityLevel::AuthPriv, stale);
        let Message::V3(message) = Message::decode(&reply).unwrap() else { panic!("not v3") };
        let incoming = Incoming::parse(&message).unwrap();
        assert_eq!(incoming.level, SecurityLevel::AuthNoPriv, "port {port}");
        assert_eq!(message.header.msg_id, 777);
        assert!(!incoming.reportable());
        let s = &incoming.security;
        assert_eq!((s.engine_id, s.engine_boots), (engine_id.as_slice(), boots));
        assert!(s.engine_time >= time && s.engine_time < time + 30, "the engine's own time, not the request's");
        incoming.authenticate(&user, &reply).expect("the Report is signed with the user's key");
        let ScopedPduData::Plaintext(scoped) = &message.data else { panic!("encrypted report") };
        let Pdus::Pdu(pdu) = &scoped.pdu else { panic!("not a PDU") };
        assert_eq!(pdu.pdu_type, PduType::Report);
        assert_eq!(UsmReport::from_oid(&pdu.varbinds[0].oid), Some(UsmReport::NotInTimeWindows));
        assert!(matches!(pdu.varbinds[0].value, Value::Counter32(1)));
        assert_eq!(scoped.context_engine_id.as_ref(), engine_id.as_slice());
        seen.push((pdu.request_id, pdu.error_status, scoped.context_name.to_vec(), s.user_name.to_vec()));
        // A request stamped with the clock the Report gave is answered.
        let fresh = EngineStamp { engine_id: &engine_id, boots: s.engine_boots, time: s.engine_time };
        let reply = exchange_v3(port, &user, SecurityLevel::AuthPriv, fresh);
        let Message::V3(message) = Message::decode(&reply).unwrap() else { panic!("not v3") };
        let incoming = Incoming::parse(&message).unwrap();
        assert_eq!(incoming.level, SecurityLevel::AuthPriv);
        let plain = incoming.open(&user, &reply).unwrap().unwrap();
        let scoped = snmp::usm::wire::decode_scoped(&plain).unwrap();
        let Pdus::Pdu(pdu) = &scoped.pdu else { panic!("not a PDU") };
        assert_eq!((pdu.pdu_type, pdu.request_id), (PduType::Response, 4242));
    }
    assert_eq!(seen[0], seen[1], "snmpd's report vs ours (request-id, error, context, user)");
}

/// Unreportable and malformed v3 messages are counted and dropped, never answered.
#[test]
fn discovery_matches_snmpd_and_flags_are_checked() {
    require_netsnmp!();
    let (snmpd, ours) = start_pair("");
    for port in [snmpd.port, ours.port] {
        let (engine_id, boots, _) = discover(port);
        assert_eq!(&engine_id[..5], &[0x80, 0x00, 0x1f, 0x88, 0x80], "net-snmp's format, port {port}");
        assert_eq!(engine_id.len(), 17);
        assert_eq!(boots, 1);
    }
    // Privacy without authentication: snmpInvalidMsgs, no answer.
    let bytes = discovery_probe(1, 65507);
    let Message::V3(mut message) = Message::decode(&bytes).unwrap() else { panic!("v3") };
    message.header.flags = V3Header::FLAG_PRIV | V3Header::FLAG_REPORTABLE;
    let bad_flags = Message::V3(V3Message { ..message }).to_vec();
    for port in [snmpd.port, ours.port] {
        let socket = UdpSocket::bind("127.0.0.1:0").unwrap();
        socket.set_read_timeout(Some(Duration::from_millis(500))).unwrap();
        socket.send_to(&bad_flags, ("127.0.0.1", port)).unwrap();
        assert!(socket.recv(&mut [0u8; 2048]).is_err(), "port {port} answered bad flags");
        let invalid = testkit::udp::get(port, "public", &["1.3.6.1.6.3.11.2.1.2.0".parse().unwrap()]).unwrap();
        assert!(matches!(invalid[0].value, Value::Counter32(1)), "port {port}: {invalid:?}");
    }
}

/// osprey-agent run by hand in `dir`, for restarts in the same state directory.
struct Running(Child, u16);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn start_in(dir: &Path, conf: &str) -> Running {
    let conf_path = dir.join("snmpd.conf");
    std::fs::write(&conf_path, conf).unwrap();
    for _ in 0..5 {
        let port = testkit::free_udp_port();
        let child = Command::new(env!("CARGO_BIN_EXE_osprey-agent"))
            .args(["-f", "-C", "-c"])
            .arg(&conf_path)
            .arg("-Lf")
            .arg(dir.join("agent.log"))
            .arg(format!("udp:127.0.0.1:{port}"))
            .env("SNMP_PERSISTENT_DIR", dir)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut running = Running(child, port);
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline && running.0.try_wait().unwrap().is_none() {
            if testkit::udp::answers(port, "public") {
                return running;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
    panic!("osprey-agent did not start");
}

#[test]
fn the_engine_survives_restarts_and_secrets_stay_out_of_logs() {
    let dir = tempfile::tempdir().unwrap();
    let conf = format!(
        "{SYSTEM}createUser alice SHA \"{AUTH_PASS}\" AES \"{PRIV_PASS}\"\ncreateUser shorty MD5 \"tiny7\"\nrouser alice priv\n"
    );
    let engine = |port| {
        let oids = ["1.3.6.1.6.3.10.2.1.1.0".parse().unwrap(), "1.3.6.1.6.3.10.2.1.2.0".parse().unwrap()];
        testkit::udp::get(port, "public", &oids).unwrap()
    };
    let first = {
        let agent = start_in(dir.path(), &conf);
        engine(agent.1)
    };
    let second = {
        let agent = start_in(dir.path(), &conf);
        let (id, boots, _) = discover(agent.1);
        let values = engine(agent.1);
        assert_eq!(values[0].value, Value::string(id));
        assert_eq!(values[1].value, Value::Integer(i32::try_from(boots).unwrap()));
        values
    };
    assert_eq!(first[0].value, second[0].value, "same engine ID after a restart");
    assert_eq!((&first[1].value, &second[1].value), (&Value::Integer(1), &Value::Integer(2)));
    let state = dir.path().join(agent::usm::engine::ENGINE_FILE);
    assert_eq!(std::fs::metadata(&state).unwrap().permissions().mode() & 0o777, 0o600);
    let log = std::fs::read_to_string(dir.path().join("agent.log")).unwrap();
    assert!(log.contains("line 6: Warning: createUser shorty"), "{log}");
    let files = [log, std::fs::read_to_string(&state).unwrap()];
    for text in files {
        for secret in [AUTH_PASS, PRIV_PASS, "tiny7"] {
            assert!(!text.contains(secret), "a password in {text}");
        }
    }
    // A text engineID from the configuration replaces the generated one.
    let agent = start_in(dir.path(), &format!("{conf}engineID edge-7\n"));
    assert_eq!(engine(agent.1)[0].value, Value::string(b"\x80\x00\x1f\x88\x04edge-7".to_vec()));
}

/// The request's msgMaxSize bounds the response. snmpd 5.9 does not trim: a GETBULK that
/// does not fit is genErr, a GET tooBig, both echoing the request's varbinds.
#[test]
fn a_small_msg_max_size_bounds_the_response_as_snmpd() {
    require_netsnmp!();
    let (snmpd, ours) = start_pair("");
    let mut seen = Vec::new();
    for port in [snmpd.port, ours.port] {
        let (user, engine_id, boots, time) =
            discover_user(port, ("SHA", AuthProtocol::Sha1), ("DES", PrivProtocol::Des));
        let engine = EngineStamp { engine_id: &engine_id, boots, time };
        let root = || VarBind::null("1.3.6.1.2.1.1".parse::<Oid>().unwrap());
        let descr = || VarBind::null(SYS_DESCR.parse::<Oid>().unwrap());
        let mut answers = Vec::new();
        for (pdu, max_size) in [
            (Pdu::get_bulk(1, 0, 60, vec![root()]), 484),
            (Pdu::get_bulk(2, 0, 60, vec![root()]), 1000),
            (Pdu::get_bulk(4, 0, 60, vec![root()]), 3000),
            (Pdu::get_bulk(5, 0, 10, vec![root()]), 600),
            (Pdu::new(PduType::GetRequest, 3, vec![descr(); 8]), 484),
        ] {
            let reply = exchange_pdu(port, &user, SecurityLevel::AuthPriv, engine, pdu, max_size);
            assert!(reply.len() <= max_size as usize, "port {port}: {} > {max_size}", reply.len());
            let Message::V3(message) = Message::decode(&reply).unwrap() else { panic!("not v3") };
            let incoming = Incoming::parse(&message).unwrap();
            let plain = incoming.open(&user, &reply).unwrap().unwrap();
            let scoped = snmp::usm::wire::decode_scoped(&plain).unwrap();
            let Pdus::Pdu(pdu) = &scoped.pdu else { panic!("not a PDU") };
            answers.push((pdu.error_status, pdu.varbinds.len()));
        }
        seen.push(answers);
    }
    assert_eq!(seen[0], seen[1], "snmpd's (error-status, varbinds) vs ours");
}

/// A reload (SIGHUP) takes new users without a new engine boot.
#[test]
fn a_reload_adds_users_and_keeps_the_boot() {
    require_netsnmp!();
    let conf = format!("{SYSTEM}createUser alice SHA \"{AUTH_PASS}\" AES \"{PRIV_PASS}\"\nrouser alice priv\n");
    let agent = OspreyAgent::start_with(&conf, env!("CARGO_BIN_EXE_osprey-agent").as_ref());
    let (id, boots, _) = discover(agent.port);
    let bob = v3_args("SHA-512", Some("AES-256"))
        .into_iter()
        .map(|a| if a.starts_with("u-") { "bob".to_string() } else { a })
        .chain(["-r0", "-t1"].map(String::from))
        .collect::<Vec<_>>();
    assert_eq!(tool("snmpget", &bob, agent.port, &[SYS_DESCR]).stderr, "snmpget: Unknown user name\n");
    let more = format!("{conf}createUser bob SHA-512 \"{AUTH_PASS}\" AES-256 \"{PRIV_PASS}\"\nrouser bob priv\n");
    std::fs::write(agent.dir.path().join("snmpd.conf"), more).unwrap();
    agent.reload();
    let answer = tool("snmpget", &bob, agent.port, &[SYS_DESCR]);
    assert_eq!(answer.code, 0, "{}", answer.stderr);
    let (id_after, boots_after, _) = discover(agent.port);
    assert_eq!((id_after, boots_after), (id, boots), "same engine and boots");
}
