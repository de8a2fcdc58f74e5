//! The async SNMP client: many requests in flight on one UDP socket, to one agent or (through
//! a shared [`Transport`]) to hundreds, replies matched to requests by request-id and source
//! address (late, duplicate or foreign replies are dropped), timeouts with retries, and walks
//! by GETNEXT or GETBULK that shrink the bulk size when an agent answers `tooBig`.
//! SNMPv3 requests (discovery, keys, sealing and opening) are [`usm`]'s: the transport only
//! matches their replies by msgID and source and hands the raw datagram over.

pub mod usm;
pub mod usm_options;

use std::borrow::Cow;
use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicI32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use thiserror::Error;
use tokio::net::UdpSocket;
use tokio::sync::{mpsc, oneshot};

use crate::error::DecodeError;
use crate::message::{CommunityMessage, Message, Version};
use crate::oid::Oid;
use crate::pdu::{ErrorStatus, Pdu, PduType, Pdus, VarBind};
use crate::usm::UsmError;
use usm::{ReportError, UsmConfig, UsmSession};

/// Largest datagram we accept: the IPv4 UDP payload limit.
const MAX_DATAGRAM: usize = 65535;

/// How to reach and authenticate to an agent.
#[derive(Debug, Clone)]
pub struct ClientConfig {
    pub version: Version,
    pub community: Vec<u8>,
    /// Time to wait for each attempt.
    pub timeout: Duration,
    /// Extra attempts after the first.
    pub retries: u32,
    /// The v3 security settings; required when `version` is v3.
    pub usm: Option<UsmConfig>,
}

impl Default for ClientConfig {
    /// net-snmp's defaults: v2c would need a community, so `public`; 1 s timeout; 5 retries.
    fn default() -> Self {
        ClientConfig {
            version: Version::V2c,
            community: b"public".to_vec(),
            timeout: Duration::from_secs(1),
            retries: 5,
            usm: None,
        }
    }
}

#[derive(Debug, Error)]
pub enum ClientError {
    #[error("Timeout: No Response from {0}")]
    Timeout(SocketAddr),
    #[error("{0}")]
    Io(#[from] std::io::Error),
    #[error("cannot encode request: {0}")]
    Encode(&'static str),
    /// A v3 client without [`ClientConfig::usm`].
    #[error("SNMPv3 needs a security name")]
    NoSecurityName,
    /// The v3 settings are unusable (a missing or short password) or sealing failed.
    #[error("{0}")]
    Usm(#[from] UsmError),
    /// The agent answered with a Report (wrong password, unknown user, ...): net-snmp's text.
    #[error("{0}")]
    Report(ReportError),
    /// Engine discovery got no answer (net-snmp prints a bare "Timeout" for it).
    #[error("Timeout")]
    DiscoveryTimeout(SocketAddr),
    #[error("reply could not be decoded: {0}")]
    Decode(#[from] DecodeError),
}

/// A decoded Response (or Report) PDU.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
    pub pdu_type: PduType,
    pub error_status: i32,
    pub error_index: i32,
    pub varbinds: Vec<VarBind<'static>>,
}

impl Response {
    pub fn status(&self) -> Option<ErrorStatus> {
        ErrorStatus::from_i32(self.error_status)
    }

    pub fn is_error(&self) -> bool {
        self.error_status != 0
    }
}

/// Where a reply goes: a v1/v2c request takes the decoded PDU once; a v3 request takes
/// every datagram with its msgID (only it has the keys to tell a forgery from the answer).
#[derive(Debug)]
enum Waiter {
    Community(oneshot::Sender<Response>),
    Usm(mpsc::Sender<Vec<u8>>),
}

/// Requests waiting for their reply: by request-id (v3: msgID), the agent it went to and
/// where to deliver.
type Pending = Mutex<HashMap<i64, (SocketAddr, Waiter)>>;

/// One UDP socket and the requests in flight on it, shared by any number of [`Client`]s (one
/// per agent): a poller reaches hundreds of agents from a few sockets.
#[derive(Debug)]
pub struct Transport {
    socket: UdpSocket,
    pending: Pending,
    next_request_id: AtomicI32,
}

impl Transport {
    /// Binds an ephemeral socket for agents of `family`'s address family (IPv4 or IPv6) and
    /// starts receiving; the receiver stops when the last handle to the transport is dropped.
    pub async fn bind(family: SocketAddr) -> Result<Arc<Transport>, ClientError> {
        let bind: SocketAddr = if family.is_ipv4() { ([0, 0, 0, 0], 0).into() } else { ([0u16; 8], 0).into() };
        let socket = UdpSocket::bind(bind).await?;
        // Start request-ids at a value derived from the clock so restarts do not reuse them.
        let seed =
            std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.subsec_nanos()).unwrap_or(1);
        let start = (seed & 0x3fff_ffff) as i32 + 1;
        let transport =
            Arc::new(Transport { socket, pending: Mutex::default(), next_request_id: AtomicI32::new(start) });
        tokio::spawn(receive_loop(Arc::downgrade(&transport)));
        Ok(transport)
    }

    fn next_id(&self) -> i64 {
        loop {
            let id = self.next_request_id.fetch_add(1, Ordering::Relaxed);
            if id > 0 {
                return i64::from(id);
            }
            // Wrapped: restart at 1, keeping ids positive as most agents expect.
            let _ = self.next_request_id.compare_exchange(id.wrapping_add(1), 1, Ordering::Relaxed, Ordering::Relaxed);
        }
    }

    /// Requests now waiting for a reply.
    pub fn in_flight(&self) -> usize {
        lock(&self.pending).len()
    }
}

/// A client of one agent.
#[derive(Debug)]
pub struct Client {
    transport: Arc<Transport>,
    peer: SocketAddr,
    config: ClientConfig,
    usm: Option<UsmSession>,
}

impl Client {
    /// A client with a socket of its own.
    pub async fn connect(peer: SocketAddr, config: ClientConfig) -> Result<Client, ClientError> {
        Client::with_transport(Transport::bind(peer).await?, peer, config)
    }

    /// A client sending through `transport`, which must be of the agent's address family.
    pub fn with_transport(
        transport: Arc<Transport>,
        peer: SocketAddr,
        config: ClientConfig,
    ) -> Result<Client, ClientError> {
        let usm = match (config.version, &config.usm) {
            (Version::V3, None) => return Err(ClientError::NoSecurityName),
            // Missing or short passwords are refused after discovery, as net-snmp does.
            (Version::V3, Some(usm)) => Some(UsmSession::new(usm.clone())?),
            _ => None,
        };
        Ok(Client { transport, peer, config, usm })
    }

    pub fn peer(&self) -> SocketAddr {
        self.peer
    }

    pub fn config(&self) -> &ClientConfig {
        &self.config
    }

    /// Sends one PDU (its request-id is assigned here) and waits for the matching reply,
    /// resending on each timeout up to the configured retries.
    pub async fn request(&self, mut pdu: Pdu<'_>) -> Result<Response, ClientError> {
        if let Some(usm) = &self.usm {
            return self.request_v3(usm, pdu).await;
        }
        let transport = &self.transport;
        let id = transport.next_id();
        pdu.request_id = id;
        let message = Message::Community(CommunityMessage {
            version: self.config.version,
            community: Cow::Borrowed(&self.config.community),
            pdu: Pdus::Pdu(pdu),
        });
        let bytes = message.to_vec();
        let (tx, mut rx) = oneshot::channel();
        lock(&transport.pending).insert(id, (self.peer, Waiter::Community(tx)));
        let _guard = PendingGuard { pending: &transport.pending, id };
        for _attempt in 0..=self.config.retries {
            transport.socket.send_to(&bytes, self.peer).await?;
            match tokio::time::timeout(self.config.timeout, &mut rx).await {
                Ok(Ok(response)) => return Ok(response),
                Ok(Err(_)) => break,
                Err(_) => continue,
            }
        }
        Err(ClientError::Timeout(self.peer))
    }

    fn request_pdu(pdu_type: PduType, oids: &[Oid]) -> Pdu<'static> {
        Pdu::new(pdu_type, 0, oids.iter().cloned().map(VarBind::null).collect())
    }

    pub async fn get(&self, oids: &[Oid]) -> Result<Response, ClientError> {
        self.request(Self::request_pdu(PduType::GetRequest, oids)).await
    }

    pub async fn get_next(&self, oids: &[Oid]) -> Result<Response, ClientError> {
        self.request(Self::request_pdu(PduType::GetNextRequest, oids)).await
    }

    pub async fn get_bulk(
        &self,
        non_repeaters: i32,
        max_repetitions: i32,
        oids: &[Oid],
    ) -> Result<Response, ClientError> {
        let varbinds = oids.iter().cloned().map(VarBind::null).collect();
        self.request(Pdu::get_bulk(0, non_repeaters, max_repetitions, varbinds)).await
    }

    pub async fn set(&self, varbinds: Vec<VarBind<'_>>) -> Result<Response, ClientError> {
        self.request(Pdu::new(PduType::SetRequest, 0, varbinds)).await
    }

    /// Starts a walk of the subtree under `root`.
    pub fn walk(&self, root: Oid, mode: WalkMode) -> Walk<'_> {
        Walk { client: self, current: root.clone(), root, mode, check_increasing: true, finished: false }
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    // A poisoned lock only means another request panicked; the map itself is still valid.
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// Removes a request's entry however the request ends (reply, timeout, cancellation).
struct PendingGuard<'a> {
    pending: &'a Pending,
    id: i64,
}

impl Drop for PendingGuard<'_> {
    fn drop(&mut self) {
        lock(self.pending).remove(&self.id);
    }
}

/// Delivers replies to their requests until the transport is gone.
async fn receive_loop(transport: std::sync::Weak<Transport>) {
    let mut buf = vec![0u8; MAX_DATAGRAM];
    loop {
        let Some(live) = transport.upgrade() else { return };
        // Wait without holding the transport, so dropping the last client ends this loop.
        let readable = {
            let socket = &live.socket;
            tokio::select! {
                r = socket.recv_from(&mut buf) => Some(r),
                () = tokio::time::sleep(Duration::from_secs(1)) => None,
            }
        };
        let (n, from) = match readable {
            Some(Ok(received)) => received,
            Some(Err(_)) => {
                tokio::time::sleep(Duration::from_millis(10)).await;
                continue;
            }
            None => {
                drop(live);
                continue;
            }
        };
        let Some(datagram) = buf.get(..n) else {
            continue;
        };
        let msg = match Message::decode(datagram) {
            Ok(Message::Community(msg)) => msg,
            Ok(Message::V3(v3)) => {
                let msg_id = i64::from(v3.header.msg_id);
                let pending = lock(&live.pending);
                if let Some((peer, Waiter::Usm(tx))) = pending.get(&msg_id)
                    && *peer == from
                {
                    // A full queue means the request is busy with earlier copies: drop.
                    let _ = tx.try_send(datagram.to_vec());
                }
                continue;
            }
            Err(_) => continue,
        };
        let Pdus::Pdu(pdu) = msg.pdu else { continue };
        if !matches!(pdu.pdu_type, PduType::Response | PduType::Report) {
            continue;
        }
        let tx = {
            let mut pending = lock(&live.pending);
            // Only the agent the request went to may answer it.
            match pending.get(&pdu.request_id) {
                Some((peer, Waiter::Community(_))) if *peer == from => match pending.remove(&pdu.request_id) {
                    Some((_, Waiter::Community(tx))) => Some(tx),
                    _ => None,
                },
                _ => None,
            }
        };
        let Some(tx) = tx else { continue };
        let _ = tx.send(Response {
            pdu_type: pdu.pdu_type,
            error_status: pdu.error_status,
            error_index: pdu.error_index,
            varbinds: pdu.varbinds.into_iter().map(VarBind::into_owned).collect(),
        });
    }
}

/// How a walk asks for the next objects.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WalkMode {
    GetNext,
    /// GETBULK with this many repetitions, halved on `tooBig` down to 1.
    GetBulk {
        max_repetitions: i32,
    },
}

/// What one step of a walk produced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WalkStep {
    /// Varbinds inside the subtree, in order. The walk goes on.
    Varbinds(Vec<VarBind<'static>>),
    /// The walk ended. `last` holds the final varbinds inside the subtree that came with
    /// the end (an exception value such as endOfMibView is included, as snmpwalk prints it).
    End { last: Vec<VarBind<'static>>, reason: WalkEnd },
}

/// Why a walk ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WalkEnd {
    /// The agent returned an OID past the subtree: the normal end.
    LeftSubtree,
    /// An exception value (endOfMibView, noSuchObject, noSuchInstance).
    Exception,
    /// The agent answered with an OID not after the one asked for.
    NotIncreasing { requested: Oid, returned: Oid },
    /// The agent answered with an error status (v1 agents end walks with noSuchName).
    Error(Response),
}

/// A walk in progress; call [`Walk::step`] until it returns `WalkStep::End`.
#[derive(Debug)]
pub struct Walk<'c> {
    client: &'c Client,
    root: Oid,
    current: Oid,
    mode: WalkMode,
    check_increasing: bool,
    finished: bool,
}

impl Walk<'_> {
    pub fn root(&self) -> &Oid {
        &self.root
    }

    /// Accepts OIDs that do not increase (snmpwalk `-Cc`). An agent that loops then makes
    /// the walk loop too, so callers must bound it themselves.
    pub fn without_increase_check(mut self) -> Self {
        self.check_increasing = false;
        self
    }

    /// Fetches the next batch. After `End` (or an error) the walk stays ended.
    pub async fn step(&mut self) -> Result<WalkStep, ClientError> {
        if self.finished {
            return Ok(WalkStep::End { last: Vec::new(), reason: WalkEnd::LeftSubtree });
        }
        let response = match self.fetch().await {
            Ok(r) => r,
            Err(e) => {
                self.finished = true;
                return Err(e);
            }
        };
        if response.is_error() {
            self.finished = true;
            return Ok(WalkStep::End { last: Vec::new(), reason: WalkEnd::Error(response) });
        }
        let mut out = Vec::with_capacity(response.varbinds.len());
        let mut end = None;
        if response.varbinds.is_empty() {
            end = Some(WalkEnd::LeftSubtree);
        }
        for vb in response.varbinds {
            if !vb.oid.starts_with(&self.root) {
                end = Some(WalkEnd::LeftSubtree);
                break;
            }
            if vb.value.is_exception() {
                out.push(vb);
                end = Some(WalkEnd::Exception);
                break;
            }
            if self.check_increasing && vb.oid <= self.current {
                let returned = vb.oid.clone();
                out.push(vb);
                end = Some(WalkEnd::NotIncreasing { requested: self.current.clone(), returned });
                break;
            }
            self.current = vb.oid.clone();
            out.push(vb);
        }
        match end {
            Some(reason) => {
                self.finished = true;
                Ok(WalkStep::End { last: out, reason })
            }
            None => Ok(WalkStep::Varbinds(out)),
        }
    }

    async fn fetch(&mut self) -> Result<Response, ClientError> {
        let oids = std::slice::from_ref(&self.current);
        match self.mode {
            WalkMode::GetNext => self.client.get_next(oids).await,
            WalkMode::GetBulk { max_repetitions } => {
                let mut reps = max_repetitions.max(1);
                loop {
                    let r = self.client.get_bulk(0, reps, oids).await?;
                    if r.status() == Some(ErrorStatus::TooBig) && reps > 1 {
                        reps /= 2;
                        self.mode = WalkMode::GetBulk { max_repetitions: reps };
                        continue;
                    }
                    return Ok(r);
                }
            }
        }
    }

    /// Runs the walk to its end and returns every varbind inside the subtree.
    pub async fn collect(mut self) -> Result<(Vec<VarBind<'static>>, WalkEnd), ClientError> {
        let mut all = Vec::new();
        loop {
            match self.step().await? {
                WalkStep::Varbinds(v) => all.extend(v),
                WalkStep::End { last, reason } => {
                    all.extend(last);
                    return Ok((all, reason));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;
    use crate::value::Value;

    /// A scripted agent on loopback: answers GETNEXT of `oids` in order, dropping the first
    /// copy of each request so retries are exercised, and sending a stale duplicate.
    async fn scripted_agent(objects: Vec<(Oid, Value<'static>)>, drop_first: bool) -> SocketAddr {
        let sock = UdpSocket::bind("127.0.0.1:0").await.unwrap();
        let addr = sock.local_addr().unwrap();
        tokio::spawn(async move {
            let mut buf = vec![0u8; 65535];
            let mut seen = std::collections::HashSet::new();
            loop {
                let (n, from) = sock.recv_from(&mut buf).await.unwrap();
                let Ok(Message::Community(m)) = Message::decode(&buf[..n]) else {
                    continue;
                };
                let Pdus::Pdu(p) = m.pdu else { continue };
                if drop_first && seen.insert(p.request_id) {
                    continue;
                }
                let asked = &p.varbinds[0].oid;
                let found = objects.iter().find(|(o, _)| match p.pdu_type {
                    PduType::GetRequest => o == asked,
                    _ => o > asked,
                });
                let vb = match found {
                    Some((o, v)) => VarBind::new(o.clone(), v.clone()),
                    None => VarBind::new(asked.clone(), Value::EndOfMibView),
                };
                let reply = Message::Community(CommunityMessage {
                    version: m.version,
                    community: m.community.clone(),
                    pdu: Pdus::Pdu(Pdu {
                        pdu_type: PduType::Response,
                        error_status: 0,
                        error_index: 0,
                        varbinds: vec![vb],
                        ..p
                    }),
                });
                let bytes = reply.to_vec();
                // A stale reply with another request-id first: it must be ignored.
                let mut stale = reply.clone();
                if let Message::Community(CommunityMessage { pdu: Pdus::Pdu(sp), .. }) = &mut stale {
                    sp.request_id += 1_000_000;
                    sp.varbinds[0].value = Value::Integer(-999);
                }
                sock.send_to(&stale.to_vec(), from).await.unwrap();
                sock.send_to(&bytes, from).await.unwrap();
            }
        });
        addr
    }

    fn objects() -> Vec<(Oid, Value<'static>)> {
        (1..=5).map(|i| (Oid::from([1, 3, 6, 1, 2, 1, 1, i, 0]), Value::Integer(i as i32))).collect()
    }

    fn config() -> ClientConfig {
        ClientConfig { timeout: Duration::from_millis(200), retries: 2, ..ClientConfig::default() }
    }

    #[tokio::test]
    async fn walk_with_retries_and_stale_replies() {
        let addr = scripted_agent(objects(), true).await;
        let client = Client::connect(addr, config()).await.unwrap();
        let (vbs, end) = client.walk(Oid::from([1, 3, 6, 1, 2, 1, 1]), WalkMode::GetNext).collect().await.unwrap();
        assert_eq!(vbs.len(), 6, "{vbs:?}");
        assert_eq!(vbs[4].value, Value::Integer(5));
        assert_eq!(vbs[5].value, Value::EndOfMibView);
        assert_eq!(end, WalkEnd::Exception);
    }

    #[tokio::test]
    async fn agents_share_one_transport() {
        let transport = Transport::bind("127.0.0.1:0".parse().unwrap()).await.unwrap();
        let mut tasks = Vec::new();
        for _ in 0..3 {
            let addr = scripted_agent(objects(), false).await;
            let client = Client::with_transport(transport.clone(), addr, config()).unwrap();
            tasks.push(tokio::spawn(async move { client.get(&[Oid::from([1, 3, 6, 1, 2, 1, 1, 3, 0])]).await }));
        }
        for task in tasks {
            assert_eq!(task.await.unwrap().unwrap().varbinds[0].value, Value::Integer(3));
        }
        assert_eq!(transport.in_flight(), 0);
    }

    #[tokio::test]
    async fn many_requests_in_flight_on_one_socket() {
        let addr = scripted_agent(objects(), false).await;
        let client = Arc::new(Client::connect(addr, config()).await.unwrap());
        let mut tasks = Vec::new();
        for i in 1..=5u32 {
            let c = client.clone();
            tasks.push(tokio::spawn(async move { c.get(&[Oid::from([1, 3, 6, 1, 2, 1, 1, i, 0])]).await.unwrap() }));
        }
        for (i, t) in tasks.into_iter().enumerate() {
            assert_eq!(t.await.unwrap().varbinds[0].value, Value::Integer(i as i32 + 1));
        }
    }

    /// An agent that answers GETBULK with tooBig unless max-repetitions is at most 3, and
    /// otherwise returns that many successors from `objects`.
    async fn too_big_agent(objects: Vec<(Oid, Value<'static>)>, bind: &str) -> SocketAddr {
        let sock = UdpSocket::bind(bind).await.unwrap();
        let addr = sock.local_addr().unwrap();
        tokio::spawn(async move {
            let mut buf = vec![0u8; 65535];
            loop {
                let (n, from) = sock.recv_from(&mut buf).await.unwrap();
                let Ok(Message::Community(m)) = Message::decode(&buf[..n]) else {
                    continue;
                };
                let Pdus::Pdu(p) = m.pdu else { continue };
                let asked = p.varbinds[0].oid.clone();
                let reps = p.max_repetitions();
                let (status, varbinds) = if reps > 3 {
                    (ErrorStatus::TooBig as i32, p.varbinds.clone())
                } else {
                    let mut after: Vec<_> = objects
                        .iter()
                        .filter(|(o, _)| *o > asked)
                        .take(reps as usize)
                        .map(|(o, v)| VarBind::new(o.clone(), v.clone()))
                        .collect();
                    if after.is_empty() {
                        after.push(VarBind::new(asked.clone(), Value::EndOfMibView));
                    }
                    (0, after)
                };
                let reply = Message::Community(CommunityMessage {
                    version: m.version,
                    community: m.community.clone(),
                    pdu: Pdus::Pdu(Pdu {
                        pdu_type: PduType::Response,
                        error_status: status,
                        error_index: 0,
                        varbinds,
                        ..p
                    }),
                });
                sock.send_to(&reply.to_vec(), from).await.unwrap();
            }
        });
        addr
    }

    #[tokio::test]
    async fn bulk_walk_shrinks_on_too_big_over_ipv6() {
        let objs: Vec<_> =
            (1..=20).map(|i| (Oid::from([1, 3, 6, 1, 2, 1, 2, 2, 1, 2, i]), Value::Counter32(i))).collect();
        let addr = too_big_agent(objs, "[::1]:0").await;
        let client = Client::connect(addr, config()).await.unwrap();
        let walk = client.walk(Oid::from([1, 3, 6, 1, 2, 1, 2]), WalkMode::GetBulk { max_repetitions: 50 });
        let (vbs, end) = walk.collect().await.unwrap();
        assert_eq!(vbs.len(), 21);
        assert_eq!(vbs[19].value, Value::Counter32(20));
        assert_eq!(end, WalkEnd::Exception);
    }

    #[tokio::test]
    async fn too_big_walk_falls_back_to_small_bulks() {
        let objs = vec![(Oid::from([1, 3, 6, 1, 2, 1, 1, 1, 0]), Value::Integer(1))];
        let addr = too_big_agent(objs, "127.0.0.1:0").await;
        let client = Client::connect(addr, config()).await.unwrap();
        // A plain GETBULK reports tooBig; a walk shrinks 99 -> 49 -> ... -> 3 and succeeds.
        let r = client.get_bulk(0, 99, &[Oid::from([1, 3])]).await.unwrap();
        assert_eq!(r.status(), Some(ErrorStatus::TooBig));
        let (vbs, _) =
            client.walk(Oid::from([1, 3]), WalkMode::GetBulk { max_repetitions: 99 }).collect().await.unwrap();
        assert_eq!(vbs[0].value, Value::Integer(1));
    }

    #[tokio::test]
    async fn dead_agent_times_out() {
        let sock = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
        let addr = sock.local_addr().unwrap();
        let client = Client::connect(addr, ClientConfig { timeout: Duration::from_millis(50), retries: 1, ..config() })
            .await
            .unwrap();
        let started = std::time::Instant::now();
        let err = client.get(&[Oid::from([1, 3])]).await.unwrap_err();
        assert!(matches!(err, ClientError::Timeout(a) if a == addr));
        assert!(started.elapsed() >= Duration::from_millis(100));
        assert!(client.transport.in_flight() == 0);
    }
}
