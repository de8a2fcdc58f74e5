//! Notifications: SNMPv2-Trap to every `trap2sink` and InformRequest to every
//! `informsink` (resent until acknowledged, a bounded number of times), sent from one
//! background thread so the request path never waits on them. Also the standard traps
//! the agent raises: coldStart at start, linkUp/linkDown when an interface's operational
//! status changes (watched by polling, as snmpd's linkUpDownNotifications does).

use std::borrow::Cow;
use std::collections::HashMap;
use std::net::{SocketAddr, ToSocketAddrs, UdpSocket};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::time::{Duration, Instant};

use snmp::{CommunityMessage, Message, Oid, Pdu, PduType, Pdus, Value, VarBind, Version};

use crate::config::{Config, Sink};

/// snmpTrapOID.0
const SNMP_TRAP_OID: [u32; 11] = [1, 3, 6, 1, 6, 3, 1, 1, 4, 1, 0];
/// snmpTrapEnterprise.0
const SNMP_TRAP_ENTERPRISE: [u32; 11] = [1, 3, 6, 1, 6, 3, 1, 1, 4, 3, 0];
/// sysUpTime.0
const SYS_UPTIME: [u32; 9] = [1, 3, 6, 1, 2, 1, 1, 3, 0];
pub const COLD_START: [u32; 10] = [1, 3, 6, 1, 6, 3, 1, 1, 5, 1];
pub const LINK_DOWN: [u32; 10] = [1, 3, 6, 1, 6, 3, 1, 1, 5, 3];
pub const LINK_UP: [u32; 10] = [1, 3, 6, 1, 6, 3, 1, 1, 5, 4];
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
    pub fn cold_start() -> Notification {
        Notification {
            trap_oid: Oid::from(COLD_START),
            varbinds: vec![VarBind::new(Oid::from(SNMP_TRAP_ENTERPRISE), Value::oid(Oid::from(AGENT_OID)))],
        }
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

/// The handle other parts send notifications through.
#[derive(Debug, Clone)]
pub struct Notifier {
    tx: Sender<Notification>,
}

/// Where one sink's notifications go, resolved once.
#[derive(Debug, Clone)]
struct Target {
    addr: SocketAddr,
    community: String,
    inform: bool,
}

fn resolve(sinks: &[Sink], inform: bool, log: &dyn Fn(&str)) -> Vec<Target> {
    sinks
        .iter()
        .filter_map(|s| match (s.host.as_str(), s.port).to_socket_addrs().ok().and_then(|mut a| a.next()) {
            Some(addr) => Some(Target { addr, community: s.community.clone(), inform }),
            None => {
                log(&format!("notification sink {}:{} does not resolve; skipped", s.host, s.port));
                None
            }
        })
        .collect()
}

impl Notifier {
    /// Starts the sender thread for the config's sinks. With no sinks, notifications are
    /// dropped without a thread or a socket.
    pub fn start(config: &Config, started: Instant, log: impl Fn(&str) + Send + 'static) -> Notifier {
        let (tx, rx) = mpsc::channel();
        let mut targets = resolve(&config.trap_sinks, false, &log);
        targets.extend(resolve(&config.inform_sinks, true, &log));
        if !targets.is_empty() {
            std::thread::spawn(move || send_loop(&rx, &targets, started, &log));
        }
        Notifier { tx }
    }

    pub fn send(&self, n: Notification) {
        let _ = self.tx.send(n);
    }

    /// Polls `links` every `period` and sends linkUp/linkDown for each operational status
    /// change, for as long as the notifier lives.
    pub fn watch_links(&self, period: Duration, links: impl Fn() -> Vec<LinkState> + Send + 'static) {
        let notifier = self.clone();
        std::thread::spawn(move || {
            let mut last: HashMap<u32, i32> = links().into_iter().map(|(i, _, oper)| (i, oper)).collect();
            loop {
                std::thread::sleep(period);
                for (index, admin, oper) in links() {
                    let before = last.insert(index, oper);
                    let changed = before.is_some_and(|b| b != oper) && (oper == 1 || oper == 2);
                    if changed && notifier.tx.send(Notification::link(oper == 1, index, admin, oper)).is_err() {
                        return;
                    }
                }
            }
        });
    }
}

/// An inform waiting for its acknowledgement.
struct PendingInform {
    bytes: Vec<u8>,
    addr: SocketAddr,
    attempts: u32,
    next: Instant,
}

fn send_loop(rx: &Receiver<Notification>, targets: &[Target], started: Instant, log: &dyn Fn(&str)) {
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
    let mut request_id: i64 = 1;
    let mut pending: HashMap<i64, PendingInform> = HashMap::new();
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
                for t in targets {
                    request_id += 1;
                    let pdu_type = if t.inform { PduType::InformRequest } else { PduType::SnmpV2Trap };
                    let msg = Message::Community(CommunityMessage {
                        version: Version::V2c,
                        community: Cow::Owned(t.community.as_bytes().to_vec()),
                        pdu: Pdus::Pdu(Pdu::new(pdu_type, request_id, varbinds.clone())),
                    });
                    let bytes = msg.to_vec();
                    let _ = socket.send_to(&bytes, t.addr);
                    if t.inform {
                        let next = Instant::now() + INFORM_TIMEOUT;
                        pending.insert(request_id, PendingInform { bytes, addr: t.addr, attempts: 1, next });
                    }
                }
            }
            Err(RecvTimeoutError::Timeout) => {}
            Err(RecvTimeoutError::Disconnected) if pending.is_empty() => return,
            Err(RecvTimeoutError::Disconnected) => std::thread::sleep(Duration::from_millis(100)),
        }
        // Acknowledgements: a Response carrying an inform's request-id.
        while let Ok((n, from)) = socket.recv_from(&mut buf) {
            let Some(Ok(Message::Community(m))) = buf.get(..n).map(Message::decode) else { continue };
            if let Pdus::Pdu(p) = m.pdu
                && p.pdu_type == PduType::Response
                && pending.get(&p.request_id).is_some_and(|i| i.addr == from)
            {
                pending.remove(&p.request_id);
            }
        }
        let now = Instant::now();
        pending.retain(|id, inform| {
            if inform.next > now {
                return true;
            }
            if inform.attempts >= INFORM_ATTEMPTS {
                log(&format!(
                    "inform {id} to {} not acknowledged after {} attempts; dropped",
                    inform.addr, inform.attempts
                ));
                return false;
            }
            let _ = socket.send_to(&inform.bytes, inform.addr);
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
            trap_sinks: vec![Sink { host: "127.0.0.1".into(), port, community: "traps".into() }],
            ..Config::default()
        };
        let notifier = Notifier::start(&config, Instant::now(), |_| {});
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
