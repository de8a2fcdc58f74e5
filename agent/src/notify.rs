//! Notifications: SNMPv1 Trap-PDUs ([`v1`]) to every `trapsink`, SNMPv2-Traps to every
//! `trap2sink`, InformRequests to every `informsink` (resent until acknowledged, a bounded
//! number of times), and any of these, SNMPv3 ones too ([`usm`]), to every `trapsess`; sent
//! from one background thread so the request path never waits on them. Also the standard traps
//! the agent raises: coldStart at start, linkUp/linkDown when an interface's operational
//! status changes (watched by polling, as snmpd's linkUpDownNotifications does).

use std::borrow::Cow;
use std::collections::HashMap;
use std::net::{SocketAddr, ToSocketAddrs, UdpSocket};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::time::{Duration, Instant};

use std::sync::{Arc, Condvar, Mutex};

use snmp::{CommunityMessage, Message, Oid, Pdu, PduType, Pdus, Value, VarBind, Version};

use crate::config::Config;
use crate::stats::{Stats, read};
use crate::trapsess::NotifySecurity;
use crate::usm::Engine;

mod usm;
mod v1;

/// snmpTrapOID.0
const SNMP_TRAP_OID: [u32; 11] = [1, 3, 6, 1, 6, 3, 1, 1, 4, 1, 0];
/// snmpTrapEnterprise.0
const SNMP_TRAP_ENTERPRISE: [u32; 11] = [1, 3, 6, 1, 6, 3, 1, 1, 4, 3, 0];
/// sysUpTime.0
const SYS_UPTIME: [u32; 9] = [1, 3, 6, 1, 2, 1, 1, 3, 0];
pub const COLD_START: [u32; 10] = [1, 3, 6, 1, 6, 3, 1, 1, 5, 1];
pub const LINK_DOWN: [u32; 10] = [1, 3, 6, 1, 6, 3, 1, 1, 5, 3];
pub const LINK_UP: [u32; 10] = [1, 3, 6, 1, 6, 3, 1, 1, 5, 4];
pub const AUTHENTICATION_FAILURE: [u32; 10] = [1, 3, 6, 1, 6, 3, 1, 1, 5, 5];
/// NET-SNMP-AGENT-MIB::nsNotifyShutdown, and its enterprise netSnmpNotificationPrefix.
const NS_NOTIFY_SHUTDOWN: [u32; 10] = [1, 3, 6, 1, 4, 1, 8072, 4, 0, 2];
const NET_SNMP_NOTIFICATIONS: [u32; 8] = [1, 3, 6, 1, 4, 1, 8072, 4];
/// At most this many authenticationFailure notifications per check, so a flood of bad
/// communities does not become a flood at the receivers.
const AUTH_FAILURES_PER_CHECK: u32 = 5;
const AUTH_FAILURE_CHECK: Duration = Duration::from_millis(200);
/// NET-SNMP-MIB::netSnmpAgentOIDs.10, the enterprise snmpd names in its coldStart.
const AGENT_OID: [u32; 10] = [1, 3, 6, 1, 4, 1, 8072, 3, 2, 10];

/// An inform is sent this many times at most.
const INFORM_ATTEMPTS: u32 = 6;
const INFORM_TIMEOUT: Duration = Duration::from_secs(1);

/// One notification: its snmpTrapOID and the varbinds after sysUpTime and snmpTrapOID.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notification {
    pub trap_oid: Oid,
    pub varbinds: Vec<VarBind<'static>>,
}

impl Notification {
    /// A notification carrying only snmpTrapEnterprise.0, as snmpd's own ones do.
    fn with_enterprise(trap_oid: &[u32], enterprise: &[u32]) -> Notification {
        Notification {
            trap_oid: Oid::from_slice(trap_oid),
            varbinds: vec![VarBind::new(Oid::from(SNMP_TRAP_ENTERPRISE), Value::oid(Oid::from_slice(enterprise)))],
        }
    }

    pub fn cold_start() -> Notification {
        Notification::with_enterprise(&COLD_START, &AGENT_OID)
    }

    /// A request with a community no com2sec line accepts (`authtrapenable 1`).
    pub fn authentication_failure() -> Notification {
        Notification::with_enterprise(&AUTHENTICATION_FAILURE, &AGENT_OID)
    }

    /// The agent is stopping (nsNotifyShutdown, as snmpd sends it).
    pub fn shutdown() -> Notification {
        Notification::with_enterprise(&NS_NOTIFY_SHUTDOWN, &NET_SNMP_NOTIFICATIONS)
    }

    /// linkUp or linkDown for one interface, with ifIndex, ifAdminStatus, ifOperStatus.
    pub fn link(up: bool, if_index: u32, admin: i32, oper: i32) -> Notification {
        let column = |c: u32| Oid::from([1, 3, 6, 1, 2, 1, 2, 2, 1, c, if_index]);
        Notification {
            trap_oid: Oid::from(if up { LINK_UP } else { LINK_DOWN }),
            varbinds: vec![
                VarBind::new(column(1), Value::Integer(i32::try_from(if_index).unwrap_or(i32::MAX))),
                VarBind::new(column(7), Value::Integer(admin)),
                VarBind::new(column(8), Value::Integer(oper)),
            ],
        }
    }
}

/// One interface's (ifIndex, ifAdminStatus, ifOperStatus).
pub type LinkState = (u32, i32, i32);

/// The handle other parts send notifications through. Dropping it stops its watcher
/// threads and, once what was queued is sent, its sender thread.
#[derive(Debug)]
pub struct Notifier {
    tx: Sender<Notification>,
    stop: Arc<Stop>,
    /// Disconnected when the sender thread has ended.
    sender_done: Option<Receiver<()>>,
}

/// Set when the notifier goes: wakes the watchers, which end.
#[derive(Debug, Default)]
struct Stop {
    stopped: Mutex<bool>,
    wake: Condvar,
}

impl Stop {
    fn set(&self) {
        *self.stopped.lock().unwrap_or_else(|e| e.into_inner()) = true;
        self.wake.notify_all();
    }

    /// Sleeps for `period` unless stopped first; false once stopped.
    fn sleep(&self, period: Duration) -> bool {
        let guard = self.stopped.lock().unwrap_or_else(|e| e.into_inner());
        let (guard, _) =
            self.wake.wait_timeout_while(guard, period, |stopped| !*stopped).unwrap_or_else(|e| e.into_inner());
        !*guard
    }
}

impl Drop for Notifier {
    fn drop(&mut self) {
        self.stop.set();
    }
}

/// How one destination's notifications are secured and sent.
#[derive(Debug)]
enum Security {
    /// SNMPv1 Trap-PDUs carrying this agent-addr.
    V1 {
        community: String,
        agent_addr: [u8; 4],
    },
    V2c(String),
    Usm(Box<usm::UsmTarget>),
}

/// Where one sink's notifications go, resolved once.
#[derive(Debug)]
struct Target {
    addr: SocketAddr,
    inform: bool,
    security: Security,
}

fn resolve_addr(host: &str, port: u16, log: &dyn Fn(&str)) -> Option<SocketAddr> {
    let addr = (host, port).to_socket_addrs().ok().and_then(|mut a| a.next());
    if addr.is_none() {
        log(&format!("notification sink {host}:{port} does not resolve; skipped"));
    }
    addr
}

/// The destinations of `trapsess` lines and sink lines. SNMPv3 keys are localized here: to
/// the agent's engine for traps, to `-e`'s engine when given.
fn resolve(config: &Config, engine: &Arc<Engine>, log: &dyn Fn(&str)) -> Vec<Target> {
    let mut v1_agent_addr = None;
    let mut targets = Vec::new();
    for session in &config.trap_destinations {
        let Some(addr) = resolve_addr(&session.host, session.port, log) else { continue };
        let security = match &session.security {
            NotifySecurity::Community { version: Version::V1, community } => {
                let agent_addr = *v1_agent_addr
                    .get_or_insert_with(|| config.v1_trap_address.map_or_else(v1::host_address, |a| a.octets()));
                Security::V1 { community: community.clone(), agent_addr }
            }
            NotifySecurity::Community { community, .. } => Security::V2c(community.clone()),
            NotifySecurity::Usm(usm_config) => {
                match usm::UsmTarget::new(usm_config.clone(), engine.clone(), session.inform) {
                    Ok(target) => Security::Usm(Box::new(target)),
                    Err(e) => {
                        log(&format!("trapsess {}:{}: {e}; skipped", session.host, session.port));
                        continue;
                    }
                }
            }
        };
        targets.push(Target { addr, inform: session.inform, security });
    }
    targets
}

impl Notifier {
    /// Starts the sender thread for the config's sinks. With no sinks, notifications are
    /// dropped without a thread or a socket.
    /// SNMPv3 traps are sent as `engine`, the agent's.
    pub fn start(
        config: &Config,
        started: Instant,
        engine: &Arc<Engine>,
        log: impl Fn(&str) + Send + 'static,
    ) -> Notifier {
        let (tx, rx) = mpsc::channel();
        let mut sender_done = None;
        if !config.trap_destinations.is_empty() {
            let config = config.clone();
            let engine = engine.clone();
            let (done_tx, done_rx) = mpsc::channel::<()>();
            sender_done = Some(done_rx);
            // Resolving and localizing happen on the sender thread: never on the request path.
            std::thread::spawn(move || {
                let _done = done_tx;
                let targets = resolve(&config, &engine, &log);
                if !targets.is_empty() {
                    send_loop(&rx, targets, started, &log);
                }
            });
        }
        Notifier { tx, stop: Arc::default(), sender_done }
    }

    pub fn send(&self, n: Notification) {
        let _ = self.tx.send(n);
    }

    /// Sends `last` and waits, at most `limit`, until everything queued has been sent (and
    /// informs acknowledged or given up).
    pub fn finish(mut self, last: Notification, limit: Duration) {
        self.send(last);
        let done = self.sender_done.take();
        drop(self);
        if let Some(done) = done {
            let _ = done.recv_timeout(limit);
        }
    }

    /// Runs `check` every `period` on a thread of its own until the notifier goes; what it
    /// returns is sent.
    fn watch(&self, period: Duration, mut check: impl FnMut() -> Vec<Notification> + Send + 'static) {
        let (tx, stop) = (self.tx.clone(), self.stop.clone());
        std::thread::spawn(move || {
            while stop.sleep(period) {
                for n in check() {
                    if tx.send(n).is_err() {
                        return;
                    }
                }
            }
        });
    }

    /// Polls `links` every `period` and sends linkUp/linkDown for each operational status
    /// change, for as long as the notifier lives.
    pub fn watch_links(&self, period: Duration, links: impl Fn() -> Vec<LinkState> + Send + 'static) {
        let mut last: HashMap<u32, i32> = links().into_iter().map(|(i, _, oper)| (i, oper)).collect();
        self.watch(period, move || {
            let mut changes = Vec::new();
            for (index, admin, oper) in links() {
                let before = last.insert(index, oper);
                if before.is_some_and(|b| b != oper) && (oper == 1 || oper == 2) {
                    changes.push(Notification::link(oper == 1, index, admin, oper));
                }
            }
            changes
        });
    }

    /// Sends an authenticationFailure for each request refused for its community
    /// (snmpInBadCommunityNames going up), a few per check at most.
    pub fn watch_auth_failures(&self, stats: Arc<Stats>) {
        let mut seen = read(&stats.in_bad_community_names);
        self.watch(AUTH_FAILURE_CHECK, move || {
            let now = read(&stats.in_bad_community_names);
            let new = now.wrapping_sub(seen).min(AUTH_FAILURES_PER_CHECK);
            seen = now;
            (0..new).map(|_| Notification::authentication_failure()).collect()
        });
    }
}

/// An inform waiting for its acknowledgement.
struct PendingInform {
    target: usize,
    pdu: Pdu<'static>,
    /// What was last sent, and the id its answer carries.
    bytes: Vec<u8>,
    awaiting: Awaiting,
    attempts: u32,
    next: Instant,
}

/// The id that ties an answer to what was sent.
#[derive(Debug, Clone, Copy)]
enum Awaiting {
    /// A v2c Response with this request-id.
    Community(i64),
    /// A v3 answer to this message.
    Usm(usm::Stage),
}

/// Message and request ids: positive, distinct for a long while.
struct Ids(i32);

impl Ids {
    fn next(&mut self) -> i32 {
        self.0 = if self.0 >= i32::MAX - 1 { 1 } else { self.0 + 1 };
        self.0
    }
}

/// The datagram for `pdu` to `target` (the next step of a v3 inform exchange), and for
/// informs what its answer will carry.
fn datagram(target: &Target, pdu: &Pdu<'static>, ids: &mut Ids) -> Result<(Vec<u8>, Option<Awaiting>), String> {
    let community_message = |version, community: &str, pdu| {
        Message::Community(CommunityMessage { version, community: Cow::Owned(community.as_bytes().to_vec()), pdu })
            .to_vec()
    };
    match &target.security {
        Security::V1 { community, agent_addr } => {
            let trap = v1::trap_pdu(&pdu.varbinds, *agent_addr);
            Ok((community_message(Version::V1, community, Pdus::TrapV1(trap)), None))
        }
        Security::V2c(community) => {
            let bytes = community_message(Version::V2c, community, Pdus::Pdu(pdu.clone()));
            Ok((bytes, target.inform.then_some(Awaiting::Community(pdu.request_id))))
        }
        Security::Usm(usm) if target.inform => {
            let (bytes, stage) = usm.next_inform_datagram(ids.next(), pdu)?;
            Ok((bytes, Some(Awaiting::Usm(stage))))
        }
        Security::Usm(usm) => Ok((usm.seal_trap(ids.next(), pdu.clone())?, None)),
    }
}

/// What `datagram` from the inform's receiver means for it.
fn judge(target: &mut Target, awaiting: Awaiting, datagram: &[u8]) -> usm::Outcome {
    match (awaiting, &mut target.security) {
        (Awaiting::Community(request_id), Security::V2c(_)) => {
            let Ok(Message::Community(m)) = Message::decode(datagram) else { return usm::Outcome::Ignore };
            match m.pdu {
                Pdus::Pdu(p) if p.pdu_type == PduType::Response && p.request_id == request_id => {
                    usm::Outcome::Acknowledged
                }
                _ => usm::Outcome::Ignore,
            }
        }
        (Awaiting::Usm(stage), Security::Usm(usm)) => usm.judge_reply(datagram, stage),
        _ => usm::Outcome::Ignore,
    }
}

fn send_loop(rx: &Receiver<Notification>, mut targets: Vec<Target>, started: Instant, log: &dyn Fn(&str)) {
    let bind: SocketAddr =
        if targets.iter().all(|t| t.addr.is_ipv4()) { ([0, 0, 0, 0], 0).into() } else { ([0u16; 8], 0).into() };
    let socket = match UdpSocket::bind(bind) {
        Ok(s) => s,
        Err(e) => {
            log(&format!("cannot open the notification socket: {e}"));
            return;
        }
    };
    let _ = socket.set_nonblocking(true);
    let mut ids = Ids(0);
    let mut pending: Vec<PendingInform> = Vec::new();
    let mut buf = vec![0u8; 65535];
    loop {
        match rx.recv_timeout(Duration::from_millis(100)) {
            Ok(n) => {
                let uptime = Value::TimeTicks((started.elapsed().as_millis() / 10) as u32);
                let mut varbinds = vec![
                    VarBind::new(Oid::from(SYS_UPTIME), uptime),
                    VarBind::new(Oid::from(SNMP_TRAP_OID), Value::oid(n.trap_oid.clone())),
                ];
                varbinds.extend(n.varbinds.iter().cloned());
                for (index, t) in targets.iter().enumerate() {
                    let pdu_type = if t.inform { PduType::InformRequest } else { PduType::SnmpV2Trap };
                    let pdu = Pdu::new(pdu_type, i64::from(ids.next()), varbinds.clone());
                    let (bytes, awaiting) = match datagram(t, &pdu, &mut ids) {
                        Ok(d) => d,
                        Err(e) => {
                            log(&format!("notification to {} not sent: {e}", t.addr));
                            continue;
                        }
                    };
                    let _ = socket.send_to(&bytes, t.addr);
                    if let Some(awaiting) = awaiting {
                        let next = Instant::now() + INFORM_TIMEOUT;
                        pending.push(PendingInform { target: index, pdu, bytes, awaiting, attempts: 1, next });
                    }
                }
            }
            Err(RecvTimeoutError::Timeout) => {}
            Err(RecvTimeoutError::Disconnected) if pending.is_empty() => return,
            Err(RecvTimeoutError::Disconnected) => std::thread::sleep(Duration::from_millis(100)),
        }
        // Answers: acknowledgements, and for v3 the Reports that teach the engine and clock.
        let mut resend_now = Vec::new();
        while let Ok((n, from)) = socket.recv_from(&mut buf) {
            let Some(datagram) = buf.get(..n) else { continue };
            let mut done = None;
            for (i, inform) in pending.iter().enumerate() {
                let Some(target) = targets.get_mut(inform.target).filter(|t| t.addr == from) else { continue };
                match judge(target, inform.awaiting, datagram) {
                    usm::Outcome::Ignore => continue,
                    usm::Outcome::Acknowledged => done = Some(i),
                    usm::Outcome::SendAgain => resend_now.push(inform.pdu.request_id),
                    usm::Outcome::Refused(why) => {
                        log(&format!("inform {} to {} refused: {why}; dropped", inform.pdu.request_id, from));
                        done = Some(i);
                    }
                }
                break;
            }
            if let Some(i) = done {
                pending.swap_remove(i);
            }
        }
        let now = Instant::now();
        pending.retain_mut(|inform| {
            let again = resend_now.contains(&inform.pdu.request_id);
            if inform.next > now && !again {
                return true;
            }
            if inform.attempts >= INFORM_ATTEMPTS {
                log(&format!(
                    "inform {} to {} not acknowledged after {} attempts; dropped",
                    inform.pdu.request_id,
                    targets.get(inform.target).map_or_else(String::new, |t| t.addr.to_string()),
                    inform.attempts
                ));
                return false;
            }
            let Some(target) = targets.get(inform.target) else { return false };
            // v2c resends the same datagram; v3 reseals (a fresh clock, maybe a new engine).
            if again || matches!(inform.awaiting, Awaiting::Usm(_)) {
                match datagram(target, &inform.pdu, &mut ids) {
                    Ok((bytes, Some(awaiting))) => {
                        inform.bytes = bytes;
                        inform.awaiting = awaiting;
                    }
                    Ok((_, None)) => return false,
                    Err(e) => {
                        log(&format!("inform {} to {} not sent: {e}; dropped", inform.pdu.request_id, target.addr));
                        return false;
                    }
                }
            }
            let _ = socket.send_to(&inform.bytes, target.addr);
            inform.attempts += 1;
            inform.next = now + INFORM_TIMEOUT;
            true
        });
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use std::sync::{Arc, Mutex};

    use super::*;
    use crate::trapsess::TrapSession;

    fn receive(sock: &UdpSocket) -> Pdu<'static> {
        let mut buf = vec![0u8; 65535];
        let n = sock.recv(&mut buf).unwrap();
        match Message::decode(&buf[..n]).unwrap() {
            Message::Community(CommunityMessage { pdu: Pdus::Pdu(p), .. }) => p.into_owned(),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn link_changes_become_link_up_and_down_traps() {
        let sink = UdpSocket::bind("127.0.0.1:0").unwrap();
        sink.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
        let port = sink.local_addr().unwrap().port();
        let config = Config {
            trap_destinations: vec![TrapSession {
                host: "127.0.0.1".into(),
                port,
                inform: false,
                security: NotifySecurity::Community { version: Version::V2c, community: "traps".into() },
            }],
            ..Config::default()
        };
        let engine = Arc::new(Engine::start(None, None).unwrap());
        let notifier = Notifier::start(&config, Instant::now(), &engine, |_| {});
        // eth0 (index 2) goes down, then up again; lo (1) stays up.
        let states = Arc::new(Mutex::new(vec![
            vec![(1, 1, 1), (2, 1, 1)],
            vec![(1, 1, 1), (2, 1, 2)],
            vec![(1, 1, 1), (2, 1, 1)],
        ]));
        let source = states.clone();
        notifier.watch_links(Duration::from_millis(20), move || {
            let mut s = source.lock().unwrap();
            if s.len() > 1 { s.remove(0) } else { s[0].clone() }
        });
        let down = receive(&sink);
        assert_eq!(down.pdu_type, PduType::SnmpV2Trap);
        assert_eq!(down.varbinds[1].value, Value::oid(Oid::from(LINK_DOWN)));
        assert_eq!(down.varbinds[2], VarBind::new(Oid::from([1, 3, 6, 1, 2, 1, 2, 2, 1, 1, 2]), Value::Integer(2)));
        assert_eq!(down.varbinds[4].value, Value::Integer(2), "ifOperStatus down");
        let up = receive(&sink);
        assert_eq!(up.varbinds[1].value, Value::oid(Oid::from(LINK_UP)));
        assert_eq!(up.varbinds[4].value, Value::Integer(1));
    }
}
