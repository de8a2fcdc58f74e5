//! A bounded SNMPv3 load generator for the agent benchmark (scripts/bench-agent-v3.sh): the
//! shared Python load generator speaks only v1/v2c, and USM needs the crypto this crate has.
//! Same method as that tool: closed loop with a window of requests in flight (32), a warm-up
//! that is not counted, the agent's CPU seconds read from /proc, loopback targets only.
//!
//! Every request is sealed afresh (new msgID and salt), as a real manager sends them. Replies
//! are counted when they come back at the request's level; every 256th is fully verified and
//! decrypted so a misconfigured run cannot count errors as answers.
//!
//! usage: v3_loadgen HOST:PORT USER AUTH AUTHPASS PRIV PRIVPASS OID SECONDS [--pid PID]
//!        [--json FILE] [--window N] [--warmup SECONDS]
//! (PRIV `none` for authNoPriv.)

use std::borrow::Cow;
use std::net::{SocketAddr, UdpSocket};
use std::time::{Duration, Instant};

use snmp::usm::wire::{EngineStamp, Envelope, Incoming, decode_scoped, discovery_probe, seal};
use snmp::usm::{AuthProtocol, KeyExtension, LocalizedUser, PrivProtocol, SaltCounter, SecurityParameters};
use snmp::{Message, Oid, Pdu, PduType, Pdus, ScopedPdu, ScopedPduData, VarBind};

type Error = Box<dyn std::error::Error>;

struct Options {
    target: SocketAddr,
    user: String,
    auth: AuthProtocol,
    auth_pass: String,
    privacy: Option<(PrivProtocol, KeyExtension)>,
    priv_pass: String,
    oid: Oid,
    seconds: f64,
    pid: Option<u32>,
    json: Option<String>,
    window: usize,
    warmup: f64,
}

fn parse_options() -> Result<Options, Error> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let positional: Vec<&String> = {
        let mut out = Vec::new();
        let mut i = 0;
        while let Some(a) = args.get(i) {
            if a.starts_with("--") {
                i += 2;
            } else {
                out.push(a);
                i += 1;
            }
        }
        out
    };
    let flag = |name: &str| args.iter().position(|a| a == name).and_then(|i| args.get(i + 1)).cloned();
    let [target, user, auth, auth_pass, privacy, priv_pass, oid, seconds] = positional.as_slice() else {
        return Err("usage: v3_loadgen HOST:PORT USER AUTH AUTHPASS PRIV|none PRIVPASS OID SECONDS [--pid PID] [--json FILE] [--window N] [--warmup S]".into());
    };
    let target: SocketAddr = target.parse()?;
    if !target.ip().is_loopback() {
        return Err("refusing: loopback targets only".into());
    }
    Ok(Options {
        target,
        user: user.to_string(),
        auth: auth.parse::<AuthProtocol>()?,
        auth_pass: auth_pass.to_string(),
        privacy: if privacy.as_str() == "none" { None } else { Some(PrivProtocol::parse_with_extension(privacy)?) },
        priv_pass: priv_pass.to_string(),
        oid: oid.trim_start_matches('.').parse()?,
        seconds: seconds.parse::<f64>()?.clamp(0.5, 60.0),
        pid: flag("--pid").map(|p| p.parse()).transpose()?,
        json: flag("--json"),
        window: flag("--window").map(|w| w.parse()).transpose()?.unwrap_or(32),
        warmup: flag("--warmup").map(|w| w.parse()).transpose()?.unwrap_or(1.0),
    })
}

/// utime + stime of a process in seconds.
fn cpu_seconds(pid: u32) -> Option<f64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let fields: Vec<&str> = stat.get(stat.rfind(')')? + 2..)?.split_whitespace().collect();
    let ticks: u64 = fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
    Some(ticks as f64 / 100.0)
}

/// The agent's engine ID, boots and time from the Report to an empty-engine probe.
fn discover(socket: &UdpSocket) -> Result<(Vec<u8>, u32, u32), Error> {
    socket.send(&discovery_probe(1, 65507))?;
    let mut buf = vec![0u8; 65535];
    let n = socket.recv(&mut buf)?;
    let Message::V3(reply) = Message::decode(buf.get(..n).unwrap_or_default())? else {
        return Err("discovery: not a v3 reply".into());
    };
    let params = SecurityParameters::decode(&reply.security_parameters)?;
    Ok((params.engine_id.to_vec(), params.engine_boots, params.engine_time))
}

fn main() -> Result<(), Error> {
    let o = parse_options()?;
    let socket = UdpSocket::bind(if o.target.is_ipv4() { "127.0.0.1:0" } else { "[::1]:0" })?;
    socket.connect(o.target)?;
    socket.set_read_timeout(Some(Duration::from_secs(2)))?;
    let (engine_id, boots, time) = discover(&socket)?;
    let user = LocalizedUser::from_passwords(
        o.user.as_bytes(),
        &engine_id,
        Some((o.auth, o.auth_pass.as_bytes())),
        o.privacy.map(|(p, extension)| (p, o.priv_pass.as_bytes(), extension)),
    )?;
    let level = user.level();
    let salt = SaltCounter::random()?;
    let synced = Instant::now();
    let mut msg_id: i32 = 1000;
    let mut out = Vec::with_capacity(512);
    let send_one = |msg_id: i32, out: &mut Vec<u8>| -> Result<(), Error> {
        let elapsed = u32::try_from(synced.elapsed().as_secs()).unwrap_or(u32::MAX);
        let scoped = ScopedPdu {
            context_engine_id: Cow::Borrowed(&engine_id),
            context_name: Cow::Borrowed(b""),
            pdu: Pdus::Pdu(Pdu::new(PduType::GetRequest, i64::from(msg_id), vec![VarBind::null(o.oid.clone())])),
        };
        let envelope = Envelope {
            msg_id,
            max_size: 65507,
            reportable: true,
            level,
            engine: EngineStamp { engine_id: &engine_id, boots, time: time.saturating_add(elapsed) },
            user: &user,
        };
        seal(out, &envelope, &scoped, &salt)?;
        socket.send(out)?;
        Ok(())
    };

    let mut buf = vec![0u8; 65535];
    let start = Instant::now();
    let measure_from = start + Duration::from_secs_f64(o.warmup);
    let end = measure_from + Duration::from_secs_f64(o.seconds);
    let (mut answered, mut refused, mut lost, mut verified) = (0u64, 0u64, 0u64, 0u64);
    let mut cpu_start = None;
    let mut measured_from = None;
    for _ in 0..o.window {
        msg_id += 1;
        send_one(msg_id, &mut out)?;
    }
    // Bounded: the clock ends the loop, and so does a hard cap on requests.
    let max_requests = 20_000_000u64;
    let mut sent = o.window as u64;
    while Instant::now() < end && sent < max_requests {
        if measured_from.is_none() && Instant::now() >= measure_from {
            measured_from = Some(Instant::now());
            cpu_start = o.pid.and_then(cpu_seconds);
            (answered, refused, lost) = (0, 0, 0);
        }
        let n = match socket.recv(&mut buf) {
            Ok(n) => n,
            Err(_) => {
                // A lost window: start a fresh one.
                lost += o.window as u64;
                for _ in 0..o.window {
                    msg_id = msg_id.wrapping_add(1).max(1);
                    send_one(msg_id, &mut out)?;
                }
                sent += o.window as u64;
                continue;
            }
        };
        let reply = buf.get(..n).unwrap_or_default();
        match Message::decode(reply) {
            Ok(Message::V3(m)) if m.header.flags & 0x03 == level.flags() => {
                answered += 1;
                if answered % 256 == 1 {
                    let incoming = Incoming::parse(&m)?;
                    let ok = match (incoming.open(&user, reply), &m.data) {
                        (Ok(Some(plain)), _) => {
                            matches!(decode_scoped(&plain).map(|s| s.pdu), Ok(Pdus::Pdu(p)) if p.pdu_type == PduType::Response)
                        }
                        (Ok(None), ScopedPduData::Plaintext(s)) => {
                            matches!(&s.pdu, Pdus::Pdu(p) if p.pdu_type == PduType::Response)
                        }
                        _ => false,
                    };
                    if !ok {
                        return Err("a reply did not verify/decrypt as a Response".into());
                    }
                    verified += 1;
                }
            }
            _ => refused += 1,
        }
        msg_id = msg_id.wrapping_add(1).max(1);
        send_one(msg_id, &mut out)?;
        sent += 1;
    }
    let elapsed = measured_from.map_or(0.0, |t| t.elapsed().as_secs_f64());
    let agent_cpu = match (o.pid.and_then(cpu_seconds), cpu_start) {
        (Some(now), Some(then)) => Some(now - then),
        _ => None,
    };
    let per_cpu = agent_cpu.filter(|c| *c > 0.0).map(|c| answered as f64 / c);
    let json = format!(
        "{{\"answered\": {answered}, \"refused\": {refused}, \"lost\": {lost}, \"verified\": {verified}, \"seconds\": {elapsed:.3}, \"req_per_s\": {:.1}, \"agent_cpu_s\": {}, \"req_per_agent_cpu_s\": {}}}",
        answered as f64 / elapsed.max(1e-9),
        agent_cpu.map_or("null".to_string(), |c| format!("{c:.3}")),
        per_cpu.map_or("null".to_string(), |r| format!("{r:.1}")),
    );
    println!("{json}");
    if let Some(path) = o.json {
        std::fs::write(path, json)?;
    }
    if refused > 0 && answered == 0 {
        return Err(format!("every reply was refused ({refused}): wrong user or passwords?").into());
    }
    Ok(())
}
