//! The client's SNMPv3 (USM) side: the security settings a manager sends with
//! ([`UsmConfig`]), engine discovery (RFC 3414 §4: an empty-engine noAuthNoPriv probe whose
//! usmStatsUnknownEngineIDs Report names the agent's engine and clock), keys localized once
//! per discovered engine, sealing requests, and opening replies (verify, decrypt, timeliness)
//! that the shared transport hands over as raw datagrams. Reports become [`ReportError`]s.

use std::borrow::Cow;
use std::fmt;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use crate::message::{Message, ScopedPdu, ScopedPduData};
use crate::oid::Oid;
use crate::pdu::{Pdu, PduType, Pdus, VarBind};
use crate::security::SecurityLevel;
use crate::usm::timeliness::RemoteClock;
use crate::usm::wire::{self, EngineStamp, Envelope, Incoming};
use crate::usm::{
    AuthProtocol, Credential, KeyExtension, LocalizedUser, PrivProtocol, SaltCounter, UsmError, UsmReport,
};

/// msgMaxSize we advertise: the largest UDP payload over IPv4, as net-snmp does.
pub const MAX_MESSAGE_SIZE: i32 = 65507;

/// The v3 security settings of a client (net-snmp's `-u -l -a -A -x -X -e -E -n`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UsmConfig {
    /// msgUserName / securityName.
    pub user: Vec<u8>,
    pub level: SecurityLevel,
    /// Needed from authNoPriv up.
    pub auth: Option<(AuthProtocol, Credential)>,
    /// Needed for authPriv.
    pub privacy: Option<(PrivProtocol, Credential, KeyExtension)>,
    /// The authoritative engine's ID when known (`-e`): no discovery of the ID is made, the
    /// clock is learnt from the first notInTimeWindow Report.
    pub security_engine_id: Option<Vec<u8>>,
    /// contextEngineID (`-E`); the authoritative engine's ID when absent.
    pub context_engine_id: Option<Vec<u8>>,
    /// contextName (`-n`).
    pub context_name: Vec<u8>,
}

impl UsmConfig {
    /// A noAuthNoPriv user with no engine or context given.
    pub fn new(user: impl Into<Vec<u8>>) -> UsmConfig {
        UsmConfig {
            user: user.into(),
            level: SecurityLevel::NoAuthNoPriv,
            auth: None,
            privacy: None,
            security_engine_id: None,
            context_engine_id: None,
            context_name: Vec::new(),
        }
    }

    /// The user's keys localized to `engine_id`, as much of them as the level needs.
    pub fn localize(&self, engine_id: &[u8]) -> Result<LocalizedUser, UsmError> {
        let auth = self.auth.as_ref().filter(|_| self.level >= SecurityLevel::AuthNoPriv);
        let Some((auth_protocol, auth_credential)) = auth else {
            return Ok(LocalizedUser::unauthenticated(self.user.clone()));
        };
        let auth_ku = auth_credential.master_key(*auth_protocol)?;
        let privacy = match self.privacy.as_ref().filter(|_| self.level == SecurityLevel::AuthPriv) {
            None => None,
            Some((protocol, credential, extension)) => {
                let ku = if credential == auth_credential {
                    auth_ku.clone()
                } else {
                    credential.master_key(*auth_protocol)?
                };
                Some((*protocol, ku, *extension))
            }
        };
        LocalizedUser::from_master_keys(
            self.user.clone(),
            engine_id,
            Some((*auth_protocol, &auth_ku)),
            privacy.as_ref().map(|(protocol, ku, extension)| (*protocol, ku, *extension)),
        )
    }

    /// Why these settings cannot be used, if they cannot: a level without its protocol and
    /// credential, or a passphrase shorter than 8 octets.
    pub fn check(&self) -> Result<(), UsmError> {
        let short = |credential: &Credential| match credential {
            Credential::Passphrase(p) if p.as_bytes().len() < crate::usm::auth::MIN_PASSWORD_LEN => {
                Err(UsmError::PasswordTooShort { len: p.as_bytes().len() })
            }
            _ => Ok(()),
        };
        if self.level >= SecurityLevel::AuthNoPriv {
            let (_, credential) = self.auth.as_ref().ok_or(UsmError::MissingAuth)?;
            short(credential)?;
        }
        if self.level == SecurityLevel::AuthPriv {
            let (_, credential, _) = self.privacy.as_ref().ok_or(UsmError::MissingPrivacy)?;
            short(credential)?;
        }
        Ok(())
    }
}

/// A Report the agent answered with instead of a Response: why it refused the request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReportError {
    /// One of the usmStats counters.
    Usm(UsmReport),
    /// snmpUnknownContexts: the context name is not served.
    UnknownContext,
    /// snmpUnavailableContexts.
    UnavailableContext,
    /// snmpUnknownSecurityModels.
    UnknownSecurityModel,
    /// snmpInvalidMsgs.
    InvalidMessage,
    /// snmpUnknownPDUHandlers.
    UnknownPduHandler,
    /// A Report naming some other object.
    Other(Oid),
}

/// snmpUnknownSecurityModels, snmpInvalidMsgs, snmpUnknownPDUHandlers (RFC 3412 §5).
const MPD_STATS: [u32; 9] = [1, 3, 6, 1, 6, 3, 11, 2, 1];
/// snmpTargetObjects' snmpUnavailableContexts (4) and snmpUnknownContexts (5) (RFC 3413).
const TARGET_OBJECTS: [u32; 8] = [1, 3, 6, 1, 6, 3, 12, 1];

impl ReportError {
    /// The report a Report PDU's first varbind names.
    pub fn from_oid(oid: &Oid) -> ReportError {
        if let Some(usm) = UsmReport::from_oid(oid) {
            return ReportError::Usm(usm);
        }
        let arcs = oid.as_slice();
        let counter = |prefix: &[u32]| match arcs.strip_prefix(prefix) {
            Some([n]) | Some([n, 0]) => Some(*n),
            _ => None,
        };
        match (counter(&MPD_STATS), counter(&TARGET_OBJECTS)) {
            (Some(1), _) => ReportError::UnknownSecurityModel,
            (Some(2), _) => ReportError::InvalidMessage,
            (Some(3), _) => ReportError::UnknownPduHandler,
            (_, Some(4)) => ReportError::UnavailableContext,
            (_, Some(5)) => ReportError::UnknownContext,
            _ => ReportError::Other(oid.clone()),
        }
    }
}

impl fmt::Display for ReportError {
    /// net-snmp's texts (its snmp_api error strings) for the report.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReportError::Usm(report) => f.write_str(report.message()),
            ReportError::UnknownContext => f.write_str("Unknown context"),
            ReportError::UnavailableContext => f.write_str("Unavailable context"),
            ReportError::UnknownSecurityModel => f.write_str("Unknown security model in message"),
            ReportError::InvalidMessage => f.write_str("Invalid message (e.g. msgFlags)"),
            ReportError::UnknownPduHandler => f.write_str("Unknown PDU type"),
            ReportError::Other(oid) => write!(f, "Report {oid}"),
        }
    }
}

/// One authoritative engine as this client knows it: its ID, the user's keys localized to it
/// and an estimate of its clock.
#[derive(Debug)]
pub struct Engine {
    pub id: Vec<u8>,
    user: LocalizedUser,
    clock: Mutex<Option<RemoteClock>>,
}

impl Engine {
    /// Localizes `config`'s keys for `id` (the costly step, done once per engine).
    pub fn new(config: &UsmConfig, id: Vec<u8>, clock: Option<(u32, u32)>) -> Result<Engine, UsmError> {
        config.check()?;
        let user = config.localize(&id)?;
        let clock = clock.map(|(boots, time)| RemoteClock::new(boots, time, Instant::now()));
        Ok(Engine { id, user, clock: Mutex::new(clock) })
    }

    /// The engine's boots and time now, by our estimate (0/0 before anything was learnt).
    pub fn stamp(&self) -> (u32, u32) {
        lock(&self.clock).map(|c| c.estimate(Instant::now())).unwrap_or((0, 0))
    }

    /// Adopts the boots/time a notInTimeWindow Report or a discovery reply carried.
    pub fn resynchronize(&self, boots: u32, time: u32) {
        *lock(&self.clock) = Some(RemoteClock::new(boots, time, Instant::now()));
    }

    /// Judges an authentic reply's stamp and learns from it; false when it is too old.
    fn accept(&self, boots: u32, time: u32) -> bool {
        let now = Instant::now();
        let mut clock = lock(&self.clock);
        match clock.as_mut() {
            Some(c) => c.accept(boots, time, now),
            None => {
                *clock = Some(RemoteClock::new(boots, time, now));
                true
            }
        }
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// The v3 state of one client: its settings, the salt source and the engine once known.
#[derive(Debug)]
pub struct UsmSession {
    pub config: UsmConfig,
    pub salt: SaltCounter,
    /// Discovered (or configured) engine; discovery runs under this lock so concurrent
    /// first requests share one probe.
    pub engine: tokio::sync::Mutex<Option<Arc<Engine>>>,
}

impl UsmSession {
    pub fn new(config: UsmConfig) -> Result<UsmSession, UsmError> {
        Ok(UsmSession { config, salt: SaltCounter::random()?, engine: tokio::sync::Mutex::new(None) })
    }

    /// Drops `stale` (when it is still the known engine) so the next request rediscovers.
    pub async fn forget(&self, stale: &Arc<Engine>) {
        let mut slot = self.engine.lock().await;
        if slot.as_ref().is_some_and(|known| Arc::ptr_eq(known, stale)) {
            *slot = None;
        }
    }

    /// The discovery probe (RFC 3414 §4).
    pub fn probe(&self, msg_id: i32) -> Vec<u8> {
        wire::discovery_probe(msg_id, MAX_MESSAGE_SIZE)
    }

    /// Seals `pdu` for `engine` with message id `msg_id`.
    pub fn seal(&self, engine: &Engine, msg_id: i32, pdu: Pdu<'_>) -> Result<Vec<u8>, UsmError> {
        let (boots, time) = engine.stamp();
        let envelope = Envelope {
            msg_id,
            max_size: MAX_MESSAGE_SIZE,
            reportable: true,
            level: self.config.level,
            engine: EngineStamp { engine_id: &engine.id, boots, time },
            user: &engine.user,
        };
        let context_engine_id = self.config.context_engine_id.as_deref().unwrap_or(&engine.id);
        let scoped = ScopedPdu {
            context_engine_id: Cow::Borrowed(context_engine_id),
            context_name: Cow::Borrowed(&self.config.context_name),
            pdu: Pdus::Pdu(pdu),
        };
        let mut out = Vec::new();
        wire::seal(&mut out, &envelope, &scoped, &self.salt).map_err(|e| match e {
            wire::SealError::Usm(u) => u,
            wire::SealError::LevelAboveUser { .. } => UsmError::MissingAuth,
        })?;
        Ok(out)
    }
}

/// What a received datagram turned out to be for a waiting v3 request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum V3Reply {
    /// An authentic (or, at noAuthNoPriv, plain) Response.
    Response(Pdu<'static>),
    /// A Report, with the authoritative engine's ID and clock it carried.
    Report { report: ReportError, engine_id: Vec<u8>, boots: u32, time: u32, level: SecurityLevel },
    /// An unknownEngineID Report from another engine than the request was sealed for.
    EngineChanged { engine_id: Vec<u8> },
}

/// Opens a datagram answering a request sealed at `level` for `engine` (`None` for the
/// discovery probe): `None` when it must be ignored (undecodable, not authentic, out of the
/// time window, another message id, a Response below the request's level).
pub fn open_reply(datagram: &[u8], msg_id: i32, engine: Option<&Engine>, level: SecurityLevel) -> Option<V3Reply> {
    let Ok(Message::V3(message)) = Message::decode(datagram) else { return None };
    let incoming = Incoming::parse(&message).ok()?;
    if incoming.header.msg_id != msg_id {
        return None;
    }
    let security = &incoming.security;
    let stamp = (security.engine_id.to_vec(), security.engine_boots, security.engine_time);
    // A reply speaks for the engine the request went to. The one exception is the agent's
    // unauthenticated unknownEngineID Report naming another engine: the agent restarted
    // with a new engine ID (or `-e` was wrong).
    if let Some(engine) = engine
        && security.engine_id != engine.id.as_slice()
    {
        let ScopedPduData::Plaintext(scoped) = incoming.data else { return None };
        let Pdus::Pdu(pdu) = &scoped.pdu else { return None };
        let names_unknown_engine =
            pdu.varbinds.first().and_then(|vb| UsmReport::from_oid(&vb.oid)) == Some(UsmReport::UnknownEngineIds);
        return (incoming.level == SecurityLevel::NoAuthNoPriv
            && pdu.pdu_type == PduType::Report
            && names_unknown_engine
            && !security.engine_id.is_empty())
        .then(|| V3Reply::EngineChanged { engine_id: security.engine_id.to_vec() });
    }
    let scoped = match (incoming.level, engine) {
        (SecurityLevel::NoAuthNoPriv, _) => match incoming.data {
            ScopedPduData::Plaintext(s) => s.clone().into_owned(),
            ScopedPduData::Encrypted(_) => return None,
        },
        (_, None) => return None,
        (_, Some(engine)) => {
            if security.user_name != engine.user.name.as_slice() {
                return None;
            }
            let plain = incoming.open(&engine.user, datagram).ok()?;
            if !engine.accept(security.engine_boots, security.engine_time) {
                return None;
            }
            match plain {
                Some(bytes) => wire::decode_scoped(&bytes).ok()?.into_owned(),
                None => match incoming.data {
                    ScopedPduData::Plaintext(s) => s.clone().into_owned(),
                    ScopedPduData::Encrypted(_) => return None,
                },
            }
        }
    };
    let Pdus::Pdu(pdu) = scoped.pdu else { return None };
    match pdu.pdu_type {
        // Only Reports may come at a lower level (RFC 3412 §7.2 step 12): an unauthenticated
        // Response to an authenticated request could be anyone's.
        PduType::Response if incoming.level == level => Some(V3Reply::Response(pdu)),
        PduType::Report => {
            let report = pdu
                .varbinds
                .first()
                .map(|vb: &VarBind<'_>| ReportError::from_oid(&vb.oid))
                .unwrap_or(ReportError::Other(Oid::from([0, 0])));
            let (engine_id, boots, time) = stamp;
            Some(V3Reply::Report { report, engine_id, boots, time, level: incoming.level })
        }
        _ => None,
    }
}

impl super::Client {
    /// Learns the agent's engine (discovery, once per client; nothing to do when `-e` gave
    /// it) and localizes the keys for it. Requests call this themselves; calling it first
    /// separates "agent unreachable" from a timeout of the request itself.
    pub async fn discover(&self) -> Result<Arc<Engine>, super::ClientError> {
        let usm = self.usm.as_ref().ok_or(super::ClientError::NoSecurityName)?;
        self.engine(usm).await
    }

    async fn engine(&self, usm: &UsmSession) -> Result<Arc<Engine>, super::ClientError> {
        let mut slot = usm.engine.lock().await;
        if let Some(engine) = slot.as_ref() {
            return Ok(engine.clone());
        }
        let engine = match &usm.config.security_engine_id {
            Some(id) => Engine::new(&usm.config, id.clone(), None)?,
            None => match self.exchange(usm, None, None).await? {
                Some(V3Reply::Report { engine_id, boots, time, .. }) if !engine_id.is_empty() => {
                    Engine::new(&usm.config, engine_id, Some((boots, time)))?
                }
                // An answer without an engine ID cannot be used; keep asking would not help.
                Some(V3Reply::Report { report, .. }) => return Err(super::ClientError::Report(report)),
                Some(V3Reply::Response(_) | V3Reply::EngineChanged { .. }) | None => {
                    return Err(super::ClientError::DiscoveryTimeout(self.peer));
                }
            },
        };
        let engine = Arc::new(engine);
        *slot = Some(engine.clone());
        Ok(engine)
    }

    /// One v3 request: sealed for the engine, resent once after a notInTimeWindow Report
    /// has given the engine's clock (as net-snmp does), and once after rediscovery when the
    /// agent's engine ID changed (a restarted agent); other Reports are errors.
    pub(super) async fn request_v3(
        &self,
        usm: &UsmSession,
        pdu: Pdu<'_>,
    ) -> Result<super::Response, super::ClientError> {
        let mut engine = self.engine(usm).await?;
        let mut resynchronized = false;
        let mut rediscovered = false;
        loop {
            match self.exchange(usm, Some(&engine), Some(&pdu)).await? {
                Some(V3Reply::Response(reply)) => {
                    return Ok(super::Response {
                        pdu_type: reply.pdu_type,
                        error_status: reply.error_status,
                        error_index: reply.error_index,
                        varbinds: reply.varbinds,
                    });
                }
                Some(V3Reply::Report {
                    report: ReportError::Usm(UsmReport::NotInTimeWindows),
                    boots,
                    time,
                    level,
                    ..
                }) if !resynchronized && level >= SecurityLevel::AuthNoPriv => {
                    engine.resynchronize(boots, time);
                    resynchronized = true;
                }
                Some(V3Reply::Report { report, .. }) => return Err(super::ClientError::Report(report)),
                Some(V3Reply::EngineChanged { .. }) if !rediscovered => {
                    rediscovered = true;
                    usm.forget(&engine).await;
                    engine = self.engine(usm).await?;
                }
                Some(V3Reply::EngineChanged { .. }) => {
                    return Err(super::ClientError::Report(ReportError::Usm(UsmReport::UnknownEngineIds)));
                }
                None => return Err(super::ClientError::Timeout(self.peer)),
            }
        }
    }

    /// Sends the probe (`engine` None) or `pdu` sealed for `engine`, with retries, and
    /// returns the first reply that opens; `None` after the last timeout.
    async fn exchange(
        &self,
        usm: &UsmSession,
        engine: Option<&Engine>,
        pdu: Option<&Pdu<'_>>,
    ) -> Result<Option<V3Reply>, super::ClientError> {
        let transport = &self.transport;
        let id = transport.next_id();
        let msg_id = i32::try_from(id).unwrap_or(i32::MAX);
        let level = if engine.is_some() { usm.config.level } else { SecurityLevel::NoAuthNoPriv };
        let bytes = match (engine, pdu) {
            (Some(engine), Some(pdu)) => {
                let mut pdu = pdu.clone();
                pdu.request_id = id;
                usm.seal(engine, msg_id, pdu)?
            }
            _ => usm.probe(msg_id),
        };
        let (tx, mut rx) = tokio::sync::mpsc::channel(8);
        super::lock(&transport.pending).insert(id, (self.peer, super::Waiter::Usm(tx)));
        let _guard = super::PendingGuard { pending: &transport.pending, id };
        for _attempt in 0..=self.config.retries {
            transport.socket.send_to(&bytes, self.peer).await?;
            let deadline = tokio::time::Instant::now() + self.config.timeout;
            loop {
                match tokio::time::timeout_at(deadline, rx.recv()).await {
                    Ok(Some(datagram)) => match open_reply(&datagram, msg_id, engine, level) {
                        Some(V3Reply::Response(reply)) if engine.is_some() && reply.request_id != id => {}
                        // With `-e` the engine is the user's word: net-snmp waits on (and times
                        // out) rather than follow the agent's report.
                        Some(V3Reply::EngineChanged { .. }) if usm.config.security_engine_id.is_some() => {}
                        Some(reply) => return Ok(Some(reply)),
                        None => {}
                    },
                    Ok(None) => return Ok(None),
                    Err(_) => break,
                }
            }
        }
        Ok(None)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)]
mod tests {
    use std::net::SocketAddr;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::Duration;

    use tokio::net::UdpSocket;

    use super::*;
    use crate::client::{Client, ClientConfig, ClientError, Transport};
    use crate::message::Version;
    use crate::value::Value;

    const ENGINE: [u8; 9] = [0x80, 0, 0x1f, 0x88, 0x80, 9, 8, 7, 6];
    const SYS_NAME: [u32; 9] = [1, 3, 6, 1, 2, 1, 1, 5, 0];

    fn usm_config(level: SecurityLevel) -> UsmConfig {
        UsmConfig {
            level,
            auth: Some((AuthProtocol::Sha256, Credential::passphrase("authpass1"))),
            privacy: Some((PrivProtocol::Aes128, Credential::passphrase("privpass1"), KeyExtension::Blumenthal)),
            ..UsmConfig::new("alice")
        }
    }

    /// What the scripted agent saw, and its engine ID (a test may change it, as a restart
    /// of snmpd -C does).
    struct Seen {
        probes: AtomicUsize,
        time_reports: AtomicUsize,
        requests: AtomicUsize,
        engine_id: Mutex<Vec<u8>>,
    }

    impl Default for Seen {
        fn default() -> Seen {
            Seen {
                probes: AtomicUsize::new(0),
                time_reports: AtomicUsize::new(0),
                requests: AtomicUsize::new(0),
                engine_id: Mutex::new(ENGINE.to_vec()),
            }
        }
    }

    /// A scripted USM agent: answers discovery with `discovery_clock` (which may be wrong),
    /// refuses messages outside its real clock (boots 3, time 5000) with an authenticated
    /// notInTimeWindow Report, answers users other than alice with usmStatsUnknownUserNames,
    /// and GETs with sysName = "scripted".
    async fn scripted_agent(discovery_clock: (u32, u32), seen: Arc<Seen>) -> SocketAddr {
        let sock = UdpSocket::bind("127.0.0.1:0").await.unwrap();
        let addr = sock.local_addr().unwrap();
        let salt = SaltCounter::starting_at(77);
        let (boots, time) = (3u32, 5000u32);
        tokio::spawn(async move {
            let mut buf = vec![0u8; 65535];
            let mut keys: std::collections::HashMap<Vec<u8>, LocalizedUser> = std::collections::HashMap::new();
            loop {
                let (n, from) = sock.recv_from(&mut buf).await.unwrap();
                let datagram = &buf[..n];
                let Ok(Message::V3(message)) = Message::decode(datagram) else { continue };
                let incoming = Incoming::parse(&message).unwrap();
                let msg_id = incoming.header.msg_id;
                let engine_id = lock(&seen.engine_id).clone();
                // Localized once per engine ID, so the agent answers well within the timeout.
                let alice = keys
                    .entry(engine_id.clone())
                    .or_insert_with(|| usm_config(SecurityLevel::AuthPriv).localize(&engine_id).unwrap())
                    .clone();
                let reply = |pdu_type: PduType, level: SecurityLevel, clock: (u32, u32), user: &LocalizedUser, vbs| {
                    let envelope = Envelope {
                        msg_id,
                        max_size: MAX_MESSAGE_SIZE,
                        reportable: false,
                        level,
                        engine: EngineStamp { engine_id: &engine_id, boots: clock.0, time: clock.1 },
                        user,
                    };
                    let scoped = ScopedPdu {
                        context_engine_id: Cow::Borrowed(&engine_id),
                        context_name: Cow::Borrowed(b""),
                        pdu: Pdus::Pdu(Pdu::new(pdu_type, 0, vbs)),
                    };
                    let mut out = Vec::new();
                    wire::seal(&mut out, &envelope, &scoped, &salt).unwrap();
                    out
                };
                let report = |r: UsmReport| VarBind::new(r.oid(), Value::Counter32(1));
                let nobody = LocalizedUser::unauthenticated(Vec::new());
                let out = if incoming.security.engine_id.is_empty() {
                    seen.probes.fetch_add(1, Ordering::SeqCst);
                    let anon = LocalizedUser::unauthenticated(incoming.security.user_name.to_vec());
                    reply(
                        PduType::Report,
                        SecurityLevel::NoAuthNoPriv,
                        discovery_clock,
                        &anon,
                        vec![report(UsmReport::UnknownEngineIds)],
                    )
                } else if incoming.security.engine_id != engine_id.as_slice() {
                    let anon = LocalizedUser::unauthenticated(incoming.security.user_name.to_vec());
                    reply(
                        PduType::Report,
                        SecurityLevel::NoAuthNoPriv,
                        (boots, time),
                        &anon,
                        vec![report(UsmReport::UnknownEngineIds)],
                    )
                } else if incoming.security.user_name != b"alice" {
                    reply(
                        PduType::Report,
                        SecurityLevel::NoAuthNoPriv,
                        (boots, time),
                        &nobody,
                        vec![report(UsmReport::UnknownUserNames)],
                    )
                } else {
                    let plain = incoming.open(&alice, datagram).unwrap();
                    let s = &incoming.security;
                    if !crate::usm::timeliness::authoritative_in_window(boots, time, s.engine_boots, s.engine_time) {
                        seen.time_reports.fetch_add(1, Ordering::SeqCst);
                        reply(
                            PduType::Report,
                            SecurityLevel::AuthNoPriv,
                            (boots, time),
                            &alice,
                            vec![report(UsmReport::NotInTimeWindows)],
                        )
                    } else {
                        seen.requests.fetch_add(1, Ordering::SeqCst);
                        let request = match (&plain, incoming.data) {
                            (Some(bytes), _) => wire::decode_scoped(bytes).unwrap().into_owned().pdu,
                            (None, ScopedPduData::Plaintext(scoped)) => scoped.clone().into_owned().pdu,
                            (None, ScopedPduData::Encrypted(_)) => panic!("encrypted without privacy"),
                        };
                        let Pdus::Pdu(request) = request else { panic!("pdu") };
                        let mut out = Vec::new();
                        let envelope = Envelope {
                            msg_id,
                            max_size: MAX_MESSAGE_SIZE,
                            reportable: false,
                            level: incoming.level,
                            engine: EngineStamp { engine_id: &engine_id, boots, time },
                            user: &alice,
                        };
                        let scoped = ScopedPdu {
                            context_engine_id: Cow::Borrowed(&engine_id),
                            context_name: Cow::Borrowed(b""),
                            pdu: Pdus::Pdu(Pdu::new(
                                PduType::Response,
                                request.request_id,
                                vec![VarBind::new(Oid::from(SYS_NAME), Value::OctetString(Cow::Borrowed(b"scripted")))],
                            )),
                        };
                        wire::seal(&mut out, &envelope, &scoped, &salt).unwrap();
                        // A forged copy first (wrong MAC), and an unauthenticated Response
                        // claiming to answer: the client must ignore both.
                        let mut forged = out.clone();
                        let last = forged.len() - 1;
                        forged[last] ^= 0xff;
                        sock.send_to(&forged, from).await.unwrap();
                        let spoofed = reply(
                            PduType::Response,
                            SecurityLevel::NoAuthNoPriv,
                            (boots, time),
                            &LocalizedUser::unauthenticated(b"alice".to_vec()),
                            vec![VarBind::new(Oid::from(SYS_NAME), Value::OctetString(Cow::Borrowed(b"spoofed")))],
                        );
                        sock.send_to(&spoofed, from).await.unwrap();
                        out
                    }
                };
                sock.send_to(&out, from).await.unwrap();
            }
        });
        addr
    }

    fn config(usm: UsmConfig) -> ClientConfig {
        ClientConfig {
            version: Version::V3,
            // Generous: debug builds hash a megabyte per key, and the machine is shared.
            timeout: Duration::from_secs(1),
            retries: 1,
            usm: Some(usm),
            ..ClientConfig::default()
        }
    }

    #[tokio::test]
    async fn discovery_once_then_many_requests_in_flight() {
        let seen = Arc::new(Seen::default());
        let addr = scripted_agent((3, 5000), seen.clone()).await;
        let client = Arc::new(Client::connect(addr, config(usm_config(SecurityLevel::AuthPriv))).await.unwrap());
        let mut tasks = Vec::new();
        for _ in 0..8 {
            let client = client.clone();
            tasks.push(tokio::spawn(async move { client.get(&[Oid::from(SYS_NAME)]).await }));
        }
        for task in tasks {
            let response = task.await.unwrap().unwrap();
            assert_eq!(response.varbinds[0].value, Value::OctetString(Cow::Borrowed(b"scripted")));
        }
        assert_eq!(seen.probes.load(Ordering::SeqCst), 1, "one discovery for all requests");
        assert_eq!(seen.time_reports.load(Ordering::SeqCst), 0);
        assert_eq!(client.discover().await.unwrap().id, ENGINE);
    }

    #[tokio::test]
    async fn not_in_time_window_resynchronizes_and_resends_once() {
        let seen = Arc::new(Seen::default());
        // Discovery tells a stale clock: the first request is refused, the second goes through.
        let addr = scripted_agent((3, 100), seen.clone()).await;
        let client = Client::connect(addr, config(usm_config(SecurityLevel::AuthNoPriv))).await.unwrap();
        let response = client.get(&[Oid::from(SYS_NAME)]).await.unwrap();
        assert_eq!(response.varbinds.len(), 1);
        assert_eq!(seen.time_reports.load(Ordering::SeqCst), 1);
        // The learnt clock holds for the next request.
        client.get(&[Oid::from(SYS_NAME)]).await.unwrap();
        assert_eq!(seen.time_reports.load(Ordering::SeqCst), 1);
        assert_eq!(seen.requests.load(Ordering::SeqCst), 2);
    }

    #[tokio::test]
    async fn configured_engine_id_learns_the_clock_from_the_report() {
        let seen = Arc::new(Seen::default());
        let addr = scripted_agent((3, 5000), seen.clone()).await;
        let usm = UsmConfig { security_engine_id: Some(ENGINE.to_vec()), ..usm_config(SecurityLevel::AuthPriv) };
        let client = Client::connect(addr, config(usm)).await.unwrap();
        client.get(&[Oid::from(SYS_NAME)]).await.unwrap();
        assert_eq!(seen.probes.load(Ordering::SeqCst), 0, "-e skips discovery");
        assert_eq!(seen.time_reports.load(Ordering::SeqCst), 1);
    }

    #[tokio::test]
    async fn a_new_engine_id_is_rediscovered_but_a_wrong_dash_e_is_not_followed() {
        let seen = Arc::new(Seen::default());
        let addr = scripted_agent((3, 5000), seen.clone()).await;
        let client = Client::connect(addr, config(usm_config(SecurityLevel::AuthPriv))).await.unwrap();
        client.get(&[Oid::from(SYS_NAME)]).await.unwrap();
        // The agent restarts with another engine ID: one request rediscovers and goes through.
        let restarted = vec![0x80, 0, 0x1f, 0x88, 0x80, 1, 1, 1, 1];
        *lock(&seen.engine_id) = restarted.clone();
        client.get(&[Oid::from(SYS_NAME)]).await.unwrap();
        assert_eq!(seen.probes.load(Ordering::SeqCst), 2);
        assert_eq!(client.discover().await.unwrap().id, restarted);
        // With -e naming the old engine, the agent's report is not followed: a timeout.
        let usm = UsmConfig { security_engine_id: Some(ENGINE.to_vec()), ..usm_config(SecurityLevel::AuthPriv) };
        let pinned = Client::connect(addr, config(usm)).await.unwrap();
        let err = pinned.get(&[Oid::from(SYS_NAME)]).await.unwrap_err();
        assert!(matches!(err, ClientError::Timeout(_)), "{err:?}");
    }

    #[tokio::test]
    async fn reports_become_typed_errors_with_net_snmp_texts() {
        let seen = Arc::new(Seen::default());
        let addr = scripted_agent((3, 5000), seen).await;
        let usm = UsmConfig { user: b"mallory".to_vec(), ..usm_config(SecurityLevel::AuthPriv) };
        let client = Client::connect(addr, config(usm)).await.unwrap();
        let err = client.get(&[Oid::from(SYS_NAME)]).await.unwrap_err();
        assert!(matches!(err, ClientError::Report(ReportError::Usm(UsmReport::UnknownUserNames))), "{err:?}");
        assert_eq!(err.to_string(), "Unknown user name");
    }

    #[tokio::test]
    async fn missing_passwords_are_refused_after_discovery() {
        let seen = Arc::new(Seen::default());
        let addr = scripted_agent((3, 5000), seen.clone()).await;
        let usm = UsmConfig { privacy: None, ..usm_config(SecurityLevel::AuthPriv) };
        let client = Client::connect(addr, config(usm)).await.unwrap();
        let err = client.get(&[Oid::from(SYS_NAME)]).await.unwrap_err();
        assert!(matches!(err, ClientError::Usm(UsmError::MissingPrivacy)), "{err:?}");
        assert_eq!(seen.probes.load(Ordering::SeqCst), 1);
    }

    #[tokio::test]
    async fn silent_agent_is_a_discovery_timeout() {
        let sock = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
        let addr = sock.local_addr().unwrap();
        let transport = Transport::bind(addr).await.unwrap();
        let client =
            Client::with_transport(transport.clone(), addr, config(usm_config(SecurityLevel::AuthPriv))).unwrap();
        let err = client.get(&[Oid::from(SYS_NAME)]).await.unwrap_err();
        assert!(matches!(err, ClientError::DiscoveryTimeout(a) if a == addr), "{err:?}");
        assert_eq!(err.to_string(), "Timeout");
        assert_eq!(transport.in_flight(), 0);
    }

    #[test]
    fn passwords_never_show_in_debug() {
        let text = format!("{:?}", config(usm_config(SecurityLevel::AuthPriv)));
        assert!(!text.contains("authpass1") && !text.contains("privpass1"), "{text}");
        assert!(text.contains("<redacted>"));
    }

    #[test]
    fn report_oids_name_their_errors() {
        let unknown_contexts = Oid::from([1, 3, 6, 1, 6, 3, 12, 1, 5, 0]);
        assert_eq!(ReportError::from_oid(&unknown_contexts), ReportError::UnknownContext);
        assert_eq!(
            ReportError::from_oid(&UsmReport::WrongDigests.oid()).to_string(),
            "Authentication failure (incorrect password, community or key)"
        );
        assert_eq!(
            ReportError::from_oid(&Oid::from([1, 3, 6, 1, 6, 3, 11, 2, 1, 3, 0])),
            ReportError::UnknownPduHandler
        );
    }
}
