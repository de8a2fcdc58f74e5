//! The request path as a pure function: datagram in, response datagram out (or nothing),
//! counters updated. No sockets here, so every protocol rule is tested directly.
//!
//! Rules follow snmpd 5.9 (see NET-SNMP-NOTES.md): undecodable input and unknown versions
//! are counted and dropped; a wrong community is dropped silently and counted; v1 turns
//! exceptions into noSuchName with an error-index and skips Counter64 in walks; GETBULK
//! is capped at 100 repeated varbinds and at the message size (never silently dropped:
//! fewer varbinds, or tooBig when even none fit).
//!
//! Access control is VACM's ([`crate::vacm`]): community -> com2sec -> group -> access ->
//! read/write view. [`Dispatcher::answer`] is the path after authentication, shared by the
//! community path here and the SNMPv3/USM message path.

use std::net::IpAddr;

use snmp::{
    CommunityMessage, DecodeError, ErrorStatus, Message, Oid, Pdu, PduType, Pdus, SecurityLevel, SecurityModel, Value,
    VarBind, Version,
};

use crate::registry::Registry;
use crate::stats::{Stats, add, bump};
use crate::vacm::{Denial, MibView, NextCandidate, Vacm, Views};

/// Largest SNMP message over UDP/IPv4 (65535 - 8 - 20).
pub const MAX_MESSAGE_SIZE: usize = 65507;

/// snmpd's default cap on the repeated varbinds of one GETBULK response.
pub const MAX_BULK_REPEATS: usize = 100;

/// How many objects one GETNEXT step may pass over inside a masked view before it gives
/// up (answering endOfMibView): bounds the work of a request whatever the view.
const MAX_VIEW_STEPS: usize = 50_000;

/// Everything a request needs.
#[derive(Debug)]
pub struct Dispatcher {
    pub registry: Registry,
    pub vacm: Vacm,
    pub stats: std::sync::Arc<Stats>,
    /// SNMPv3 (USM); `None` drops v3 messages as of an unknown security model.
    pub usm: Option<std::sync::Arc<crate::usm::Usm>>,
}

/// Who is asking, once the message's security model has authenticated them: a community
/// mapped by com2sec (v1/v2c, noAuthNoPriv), or a USM user.
#[derive(Debug, Clone, Copy)]
pub struct Principal<'a> {
    pub model: SecurityModel,
    pub name: &'a [u8],
    pub level: SecurityLevel,
    pub context: &'a [u8],
}

/// What to do with an authenticated request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    /// Send this Response PDU (v1 error mapping already applied). A USM principal that
    /// VACM refuses gets authorizationError(16), error-index 0, its varbinds echoed, as
    /// snmpd 5.9 answers; snmpd counts that reply in snmpOutPkts only (neither the request
    /// in snmpInGetRequests & co. nor the reply in snmpOutGetResponses).
    Response(Pdu<'static>),
    /// Send nothing: a community VACM refuses (no group, no access entry, unknown context;
    /// snmpd counts it only in snmpInPkts), or a PDU type that is not a request.
    Drop,
    /// USM only: the context is unknown; snmpd 5.9 counts snmpUnknownContexts and sends
    /// nothing (probed with `snmpget -v3 -n ctx`).
    UnknownContext,
}

/// The part of the MIB a request may see: the registry through a VACM view.
struct Scope<'a> {
    registry: &'a Registry,
    view: &'a MibView,
}

impl Scope<'_> {
    fn get(&self, oid: &Oid) -> Value<'static> {
        if self.view.contains(oid) { self.registry.get(oid) } else { Value::NoSuchObject }
    }

    /// The first object after `oid` in the view: excluded subtrees are jumped over
    /// (see [`MibView::next_candidate`]); masked views step, at most [`MAX_VIEW_STEPS`].
    fn get_next(&self, oid: &Oid) -> Option<VarBind<'static>> {
        let mut next = self.registry.get_next(oid)?;
        if self.view.is_everything() {
            return Some(next);
        }
        for _ in 0..MAX_VIEW_STEPS {
            if self.view.contains(&next.oid) {
                return Some(next);
            }
            next = match self.view.next_candidate(&next.oid) {
                NextCandidate::End => return None,
                NextCandidate::Step => self.registry.get_next(&next.oid)?,
                NextCandidate::From(start) => self.at_or_after(start)?,
            };
        }
        None
    }

    fn at_or_after(&self, start: Oid) -> Option<VarBind<'static>> {
        match self.registry.get(&start) {
            value if !value.is_exception() => Some(VarBind::new(start, value)),
            _ => self.registry.get_next(&start),
        }
    }
}

/// A response being built: error fields and varbinds.
struct Outcome {
    error_status: ErrorStatus,
    error_index: usize,
    varbinds: Vec<VarBind<'static>>,
}

impl Outcome {
    fn ok(varbinds: Vec<VarBind<'static>>) -> Outcome {
        Outcome { error_status: ErrorStatus::NoError, error_index: 0, varbinds }
    }

    /// An error response echoes the request's varbinds.
    fn error(status: ErrorStatus, index: usize, request: &[VarBind<'_>]) -> Outcome {
        Outcome {
            error_status: status,
            error_index: index,
            varbinds: request.iter().cloned().map(VarBind::into_owned).collect(),
        }
    }

    fn into_response(self, request_id: i64) -> Pdu<'static> {
        Pdu {
            pdu_type: PduType::Response,
            request_id,
            error_status: self.error_status as i32,
            error_index: i32::try_from(self.error_index).unwrap_or(i32::MAX),
            varbinds: self.varbinds,
        }
    }
}

/// RFC 2576 §4.4: v2 error statuses as a v1 manager understands them.
fn v1_status(status: ErrorStatus) -> ErrorStatus {
    match status {
        ErrorStatus::NoAccess
        | ErrorStatus::NotWritable
        | ErrorStatus::NoCreation
        | ErrorStatus::InconsistentName
        | ErrorStatus::AuthorizationError => ErrorStatus::NoSuchName,
        ErrorStatus::WrongType
        | ErrorStatus::WrongLength
        | ErrorStatus::WrongEncoding
        | ErrorStatus::WrongValue
        | ErrorStatus::InconsistentValue => ErrorStatus::BadValue,
        ErrorStatus::NoError | ErrorStatus::TooBig | ErrorStatus::NoSuchName | ErrorStatus::BadValue => status,
        _ => ErrorStatus::GenErr,
    }
}

impl Dispatcher {
    /// Handles one datagram from `from`. Writes the response into `out` (cleared first)
    /// and returns true when there is one to send.
    pub fn handle(&self, datagram: &[u8], from: IpAddr, out: &mut Vec<u8>) -> bool {
        let s = &*self.stats;
        bump(&s.in_pkts);
        let (msg, used) = match Message::decode_prefix(datagram) {
            Ok((msg, used_rest_ignored_as_snmpd_does)) => (msg, used_rest_ignored_as_snmpd_does),
            Err(DecodeError::UnsupportedVersion(_)) => {
                bump(&s.in_bad_versions);
                return false;
            }
            Err(_) => {
                bump(&s.in_asn_parse_errs);
                return false;
            }
        };
        let msg = match msg {
            Message::Community(msg) => msg,
            Message::V3(msg) => {
                let Some(usm) = &self.usm else {
                    bump(&s.unknown_security_models);
                    return false;
                };
                let whole_message = datagram.get(..used).unwrap_or(datagram);
                return crate::usm::request::handle(self, usm, whole_message, &msg, out);
            }
        };
        let Some(entry) = self.vacm.community(&msg.community, from) else {
            bump(&s.in_bad_community_names);
            return false;
        };
        let Some(pdu) = request_pdu(s, &msg.pdu) else {
            return false;
        };
        let principal = Principal {
            model: if msg.version == Version::V1 { SecurityModel::V1 } else { SecurityModel::V2c },
            name: &entry.sec_name,
            level: SecurityLevel::NoAuthNoPriv,
            context: &entry.context,
        };
        match self.answer(&principal, pdu) {
            Answer::Response(response) => self.encode_response(&msg, pdu, response, out),
            Answer::Drop | Answer::UnknownContext => false,
        }
    }

    /// Everything after authentication: VACM picks the principal's views, then the request
    /// is processed through them. The community path above and the USM path share it.
    pub fn answer(&self, principal: &Principal<'_>, pdu: &Pdu<'_>) -> Answer {
        if !matches!(
            pdu.pdu_type,
            PduType::GetRequest | PduType::GetNextRequest | PduType::GetBulkRequest | PduType::SetRequest
        ) {
            return Answer::Drop;
        }
        let usm = principal.model == SecurityModel::Usm;
        let views = match self.vacm.authorize(principal.model, principal.name, principal.level, principal.context) {
            Ok(views) => views,
            Err(Denial::UnknownContext) if usm => return Answer::UnknownContext,
            Err(_) if usm => {
                let outcome = Outcome::error(ErrorStatus::AuthorizationError, 0, &pdu.varbinds);
                return Answer::Response(outcome.into_response(pdu.request_id));
            }
            Err(_) => return Answer::Drop,
        };
        let v1 = principal.model == SecurityModel::V1;
        let mut outcome = self.process(v1, views, pdu);
        if v1 {
            outcome.error_status = v1_status(outcome.error_status);
        }
        Answer::Response(outcome.into_response(pdu.request_id))
    }

    fn process(&self, v1: bool, views: Views<'_>, pdu: &Pdu<'_>) -> Outcome {
        let s = &*self.stats;
        let scope = Scope { registry: &self.registry, view: views.read };
        match pdu.pdu_type {
            PduType::GetRequest => {
                bump(&s.in_get_requests);
                add(&s.in_total_req_vars, pdu.varbinds.len());
                get(&scope, v1, &pdu.varbinds)
            }
            PduType::GetNextRequest => {
                bump(&s.in_get_nexts);
                add(&s.in_total_req_vars, pdu.varbinds.len());
                get_next(&scope, v1, &pdu.varbinds)
            }
            PduType::GetBulkRequest => {
                add(&s.in_total_req_vars, pdu.varbinds.len());
                get_bulk(&scope, pdu)
            }
            _ => {
                bump(&s.in_set_requests);
                add(&s.in_total_set_vars, pdu.varbinds.len());
                self.set(views.write, &pdu.varbinds)
            }
        }
    }

    /// SET: every varbind must be in the write view (else noAccess at its index, as snmpd
    /// checks the whole PDU first), then test and commit each.
    fn set(&self, write_view: &MibView, request: &[VarBind<'_>]) -> Outcome {
        if let Some(i) = request.iter().position(|vb| !write_view.contains(&vb.oid)) {
            return Outcome::error(ErrorStatus::NoAccess, i + 1, request);
        }
        let mut targets = Vec::with_capacity(request.len());
        for (i, vb) in request.iter().enumerate() {
            let Some(handler) = self.registry.handler_for(&vb.oid) else {
                return Outcome::error(ErrorStatus::NotWritable, i + 1, request);
            };
            if let Err(status) = handler.test_set(&vb.oid, &vb.value) {
                return Outcome::error(status, i + 1, request);
            }
            targets.push(handler);
        }
        for (i, (vb, handler)) in request.iter().zip(targets).enumerate() {
            if let Err(status) = handler.commit_set(&vb.oid, &vb.value) {
                return Outcome::error(status, i + 1, request);
            }
        }
        Outcome::ok(request.iter().cloned().map(VarBind::into_owned).collect())
    }

    fn encode_response(
        &self,
        msg: &CommunityMessage<'_>,
        request: &Pdu<'_>,
        response: Pdu<'static>,
        out: &mut Vec<u8>,
    ) -> bool {
        let mut error_status = ErrorStatus::from_i32(response.error_status);
        let mut response = Message::Community(CommunityMessage {
            version: msg.version,
            community: msg.community.clone(),
            pdu: Pdus::Pdu(response),
        });
        if response.encoded_len() > MAX_MESSAGE_SIZE {
            // Too big even after GETBULK trimming: tooBig, with the request's varbinds for
            // v1 (RFC 1157) and none for v2c (RFC 3416 §4.2.1).
            if let Message::Community(CommunityMessage { pdu: Pdus::Pdu(p), .. }) = &mut response {
                p.error_status = ErrorStatus::TooBig as i32;
                p.error_index = 0;
                p.varbinds = if msg.version == Version::V1 {
                    request.varbinds.iter().cloned().map(VarBind::into_owned).collect()
                } else {
                    Vec::new()
                };
            }
            error_status = Some(ErrorStatus::TooBig);
        }
        out.clear();
        response.encode(out);
        self.stats.count_response(error_status);
        true
    }
}

/// The request PDU an agent answers, or `None` after counting what it does not answer:
/// traps and responses sent to the agent (snmpUnknownPDUHandlers, as snmpd counts them).
pub(crate) fn request_pdu<'p, 'a>(s: &Stats, pdus: &'p Pdus<'a>) -> Option<&'p Pdu<'a>> {
    let Pdus::Pdu(pdu) = pdus else {
        bump(&s.in_traps);
        bump(&s.unknown_pdu_handlers);
        return None;
    };
    match pdu.pdu_type {
        PduType::GetRequest | PduType::GetNextRequest | PduType::GetBulkRequest | PduType::SetRequest => Some(pdu),
        PduType::Response => {
            bump(&s.in_get_responses);
            bump(&s.unknown_pdu_handlers);
            None
        }
        _ => {
            bump(&s.unknown_pdu_handlers);
            None
        }
    }
}

/// v1 reports the last varbind that failed (snmpd's behaviour: each failure overwrites the
/// error index), with the request's varbinds echoed.
fn get(view: &Scope<'_>, v1: bool, request: &[VarBind<'_>]) -> Outcome {
    let mut varbinds = Vec::with_capacity(request.len());
    let mut failed = None;
    for (i, vb) in request.iter().enumerate() {
        let value = view.get(&vb.oid);
        if v1 && (value.is_exception() || matches!(value, Value::Counter64(_))) {
            failed = Some(i + 1);
        }
        varbinds.push(VarBind::new(vb.oid.clone(), value));
    }
    match failed {
        Some(index) => Outcome::error(ErrorStatus::NoSuchName, index, request),
        None => Outcome::ok(varbinds),
    }
}

/// The next object after `oid` that the version can carry (v1 has no Counter64).
fn next_visible(view: &Scope<'_>, v1: bool, oid: &Oid) -> Option<VarBind<'static>> {
    let mut next = view.get_next(oid)?;
    while v1 && matches!(next.value, Value::Counter64(_)) {
        next = view.get_next(&next.oid)?;
    }
    Some(next)
}

fn get_next(view: &Scope<'_>, v1: bool, request: &[VarBind<'_>]) -> Outcome {
    let mut varbinds = Vec::with_capacity(request.len());
    let mut failed = None;
    for (i, vb) in request.iter().enumerate() {
        match next_visible(view, v1, &vb.oid) {
            Some(next) => varbinds.push(next),
            None if v1 => failed = Some(i + 1),
            None => varbinds.push(VarBind::new(vb.oid.clone(), Value::EndOfMibView)),
        }
    }
    match failed {
        Some(index) => Outcome::error(ErrorStatus::NoSuchName, index, request),
        None => Outcome::ok(varbinds),
    }
}

/// GETBULK (RFC 3416 §4.2.3): non-repeaters once, then up to max-repetitions rounds of the
/// repeaters, capped at [`MAX_BULK_REPEATS`] repeated varbinds and at what fits in one
/// message. A v1 message carrying GetBulk is answered the same way, as snmpd does.
fn get_bulk(view: &Scope<'_>, pdu: &Pdu<'_>) -> Outcome {
    let n = usize::try_from(pdu.non_repeaters().max(0)).unwrap_or(0).min(pdu.varbinds.len());
    let (non_repeaters, repeaters) = pdu.varbinds.split_at(n);
    let max_reps = usize::try_from(pdu.max_repetitions().max(0)).unwrap_or(0);
    // The response overhead (header, community, ids) stays well under this.
    let budget = MAX_MESSAGE_SIZE - 512;
    let mut used = 0usize;
    let mut varbinds = Vec::new();
    for vb in non_repeaters {
        let next = view.get_next(&vb.oid).unwrap_or_else(|| VarBind::new(vb.oid.clone(), Value::EndOfMibView));
        used += next.encoded_len();
        varbinds.push(next);
    }
    if repeaters.is_empty() || max_reps == 0 {
        return Outcome::ok(varbinds);
    }
    let reps = max_reps.min((MAX_BULK_REPEATS / repeaters.len()).max(1));
    let mut cursors: Vec<Oid> = repeaters.iter().map(|vb| vb.oid.clone()).collect();
    let mut ended = vec![false; repeaters.len()];
    'rounds: for _ in 0..reps {
        for (cursor, done) in cursors.iter_mut().zip(ended.iter_mut()) {
            let next = if *done { None } else { view.get_next(cursor) };
            let vb = match next {
                Some(next) => {
                    cursor.clone_from(&next.oid);
                    next
                }
                None => {
                    *done = true;
                    VarBind::new(cursor.clone(), Value::EndOfMibView)
                }
            };
            let size = vb.encoded_len();
            if used + size > budget {
                break 'rounds;
            }
            used += size;
            varbinds.push(vb);
        }
        if ended.iter().all(|d| *d) {
            break;
        }
    }
    Outcome::ok(varbinds)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::expect_used)]
    use std::borrow::Cow;
    use std::sync::Arc;

    use super::*;
    use crate::config::Config;
    use crate::handler::MibHandler;
    use crate::stats::read;
    use crate::vacm::ViewFamily;
    use crate::view::{StaticView, View};

    const SYS: [u32; 7] = [1, 3, 6, 1, 2, 1, 1];
    const IFX: [u32; 9] = [1, 3, 6, 1, 2, 1, 31, 1, 1];

    fn dispatcher() -> Dispatcher {
        let sys = Oid::from(SYS);
        let system = View::new(
            vec![
                VarBind::new(sys.child(&[1, 0]), Value::string(b"test agent".to_vec())),
                VarBind::new(sys.child(&[3, 0]), Value::TimeTicks(42)),
                VarBind::new(sys.child(&[5, 0]), Value::string(vec![b'x'; 200])),
            ],
            vec![sys.child(&[1]), sys.child(&[3]), sys.child(&[5])],
        );
        let ifx = Oid::from(IFX);
        let hc = View::new(
            (1..=3).map(|i| VarBind::new(ifx.child(&[6, i]), Value::Counter64(u64::from(i) << 40))).collect(),
            vec![ifx.child(&[6])],
        );
        let handlers: Vec<Arc<dyn MibHandler>> =
            vec![Arc::new(StaticView::new(sys, system)), Arc::new(StaticView::new(ifx, hc))];
        let (config, warnings) = Config::parse(
            "rocommunity public 127.0.0.1\nrwcommunity private 127.0.0.1\nrocommunity ifonly 127.0.0.1 .1.3.6.1.2.1.31\n\
             com2sec nogroup 127.0.0.1 nogroup\ncom2sec noaccess 127.0.0.1 noaccess\ngroup g v2c noaccess\n\
             com2sec noview 127.0.0.1 noview\ngroup nv v1 noview\ngroup nv v2c noview\n\
             access nv \"\" any noauth exact none none none\n\
             view masked included .1.3.6.1.2.1.31.1.1.6.2 ff.a0\nview masked included .1.3.6.1.2.1.1.3\n\
             view masked excluded .1.3.6.1.2.1.1.3.0\nview masked included .1.3.6.1.2.1.1.5\n\
             group mg v2c masked\ngroup mg v1 masked\ngroup mg usm alice\ncom2sec masked 127.0.0.1 masked\n\
             access mg \"\" any noauth exact masked masked none\n",
            "test.conf",
        );
        assert!(warnings.is_empty(), "{warnings:?}");
        Dispatcher {
            registry: Registry::new(handlers).unwrap(),
            vacm: config.vacm,
            stats: Arc::new(Stats::default()),
            usm: None,
        }
    }

    fn request(version: Version, community: &str, pdu: Pdu<'static>) -> Vec<u8> {
        Message::Community(CommunityMessage {
            version,
            community: Cow::Owned(community.as_bytes().to_vec()),
            pdu: Pdus::Pdu(pdu),
        })
        .to_vec()
    }

    fn ask(d: &Dispatcher, bytes: &[u8]) -> Option<Pdu<'static>> {
        let mut out = Vec::new();
        if !d.handle(bytes, "127.0.0.1".parse().unwrap(), &mut out) {
            return None;
        }
        match Message::decode(&out).unwrap() {
            Message::Community(CommunityMessage { pdu: Pdus::Pdu(p), .. }) => Some(p.into_owned()),
            other => panic!("{other:?}"),
        }
    }

    fn oids(list: &[&[u32]]) -> Vec<VarBind<'static>> {
        list.iter().map(|o| VarBind::null(Oid::from(*o))).collect()
    }

    #[test]
    fn v1_and_v2c_get_errors_as_snmpd() {
        let d = dispatcher();
        let vbs = oids(&[&[1, 3, 6, 1, 2, 1, 1, 1, 0], &[1, 3, 6, 1, 2, 1, 1, 99, 0], &[1, 3, 6, 1, 2, 1, 1, 1, 1]]);
        let r = ask(&d, &request(Version::V2c, "public", Pdu::new(PduType::GetRequest, 7, vbs.clone()))).unwrap();
        assert_eq!((r.request_id, r.error_status, r.error_index), (7, 0, 0));
        assert_eq!(r.varbinds[1].value, Value::NoSuchObject);
        assert_eq!(r.varbinds[2].value, Value::NoSuchInstance);
        let r = ask(&d, &request(Version::V1, "public", Pdu::new(PduType::GetRequest, 8, vbs.clone()))).unwrap();
        assert_eq!((r.error_status, r.error_index), (ErrorStatus::NoSuchName as i32, 3), "the last failure, as snmpd");
        assert_eq!(r.varbinds, vbs, "v1 errors echo the request");
        // v1 cannot carry Counter64: a GET of one is noSuchName.
        let c64 = oids(&[&[1, 3, 6, 1, 2, 1, 31, 1, 1, 6, 1]]);
        let r = ask(&d, &request(Version::V1, "public", Pdu::new(PduType::GetRequest, 9, c64))).unwrap();
        assert_eq!((r.error_status, r.error_index), (2, 1));
    }

    #[test]
    fn getnext_end_and_v1_counter64_skipping() {
        let d = dispatcher();
        let last = oids(&[&[1, 3, 6, 1, 2, 1, 31, 1, 1, 6, 3]]);
        let r = ask(&d, &request(Version::V2c, "public", Pdu::new(PduType::GetNextRequest, 1, last.clone()))).unwrap();
        assert_eq!(r.varbinds[0], VarBind::new(last[0].oid.clone(), Value::EndOfMibView));
        let r = ask(&d, &request(Version::V1, "public", Pdu::new(PduType::GetNextRequest, 1, last))).unwrap();
        assert_eq!((r.error_status, r.error_index), (2, 1));
        // In v1 the walk skips the Counter64 column entirely and ends.
        let from = oids(&[&[1, 3, 6, 1, 2, 1, 1, 5, 0]]);
        let r = ask(&d, &request(Version::V1, "public", Pdu::new(PduType::GetNextRequest, 1, from.clone()))).unwrap();
        assert_eq!(r.error_status, 2);
        let r = ask(&d, &request(Version::V2c, "public", Pdu::new(PduType::GetNextRequest, 1, from))).unwrap();
        assert!(matches!(r.varbinds[0].value, Value::Counter64(_)));
    }

    #[test]
    fn getbulk_rules() {
        let d = dispatcher();
        let bulk = |n, r, list: &[&[u32]]| {
            ask(&d, &request(Version::V2c, "public", Pdu::get_bulk(3, n, r, oids(list)))).unwrap().varbinds
        };
        // Non-repeater then repetitions through the end of the view, then endOfMibView.
        let v = bulk(1, 10, &[&[1, 3, 6, 1, 2, 1, 1, 3], &[1, 3, 6, 1, 2, 1, 1]]);
        assert_eq!(v.len(), 1 + 7);
        assert_eq!(v[0].value, Value::TimeTicks(42));
        assert_eq!(v[7].value, Value::EndOfMibView);
        // Negative max-repetitions: only the non-repeaters.
        assert!(bulk(0, -5, &[&[1, 3]]).is_empty());
        // More non-repeaters than varbinds: all are non-repeaters.
        assert_eq!(bulk(5, 10, &[&[1, 3], &[1, 3, 6, 1, 2, 1, 1, 1, 0]]).len(), 2);
        // A v1 message carrying GetBulk is answered as GETBULK, as snmpd does.
        let r = ask(&d, &request(Version::V1, "public", Pdu::get_bulk(1, 0, 2, oids(&[&[1, 3]])))).unwrap();
        assert_eq!(r.varbinds.len(), 2);
    }

    #[test]
    fn getbulk_is_capped_at_100_repeats_and_the_message_size() {
        let d = dispatcher();
        // 60 repeaters: one repetition (100 / 60), as snmpd.
        let sixty: Vec<&[u32]> = vec![&[1, 3]; 60];
        let r = ask(&d, &request(Version::V2c, "public", Pdu::get_bulk(1, 0, 50, oids(&sixty)))).unwrap();
        assert_eq!(r.varbinds.len(), 60);
        // Big values: the response stays within one datagram.
        let big: Vec<&[u32]> = vec![&[1, 3, 6, 1, 2, 1, 1, 4]; 100];
        let mut out = Vec::new();
        let bytes = request(Version::V2c, "public", Pdu::get_bulk(1, 100, 1, oids(&big)));
        assert!(d.handle(&bytes, "127.0.0.1".parse().unwrap(), &mut out));
        assert!(out.len() <= MAX_MESSAGE_SIZE);
    }

    #[test]
    fn too_big_get_answers_too_big() {
        let d = dispatcher();
        let many: Vec<&[u32]> = vec![&[1, 3, 6, 1, 2, 1, 1, 5, 0]; 400];
        let r = ask(&d, &request(Version::V2c, "public", Pdu::new(PduType::GetRequest, 1, oids(&many)))).unwrap();
        assert_eq!(r.error_status, ErrorStatus::TooBig as i32);
        assert!(r.varbinds.is_empty());
        assert_eq!(read(&d.stats.out_too_bigs), 1);
    }

    #[test]
    fn sets_by_access() {
        let d = dispatcher();
        let set = vec![VarBind::new(Oid::from([1, 3, 6, 1, 2, 1, 1, 5, 0]), Value::string(b"x".to_vec()))];
        let r = ask(&d, &request(Version::V2c, "public", Pdu::new(PduType::SetRequest, 1, set.clone()))).unwrap();
        assert_eq!((r.error_status, r.error_index), (ErrorStatus::NoAccess as i32, 1));
        let r = ask(&d, &request(Version::V1, "public", Pdu::new(PduType::SetRequest, 1, set.clone()))).unwrap();
        assert_eq!((r.error_status, r.error_index), (ErrorStatus::NoSuchName as i32, 1));
        // A writable community reaching a read-only handler: notWritable (v1: noSuchName).
        let r = ask(&d, &request(Version::V2c, "private", Pdu::new(PduType::SetRequest, 1, set.clone()))).unwrap();
        assert_eq!(r.error_status, ErrorStatus::NotWritable as i32);
        let r = ask(&d, &request(Version::V1, "private", Pdu::new(PduType::SetRequest, 1, set))).unwrap();
        assert_eq!(r.error_status, ErrorStatus::NoSuchName as i32);
    }

    #[test]
    fn subtree_restricted_community() {
        let d = dispatcher();
        let r = ask(
            &d,
            &request(Version::V2c, "ifonly", Pdu::new(PduType::GetRequest, 1, oids(&[&[1, 3, 6, 1, 2, 1, 1, 1, 0]]))),
        )
        .unwrap();
        assert_eq!(r.varbinds[0].value, Value::NoSuchObject);
        let r = ask(&d, &request(Version::V2c, "ifonly", Pdu::new(PduType::GetNextRequest, 1, oids(&[&[1]])))).unwrap();
        assert_eq!(r.varbinds[0].oid, Oid::from([1, 3, 6, 1, 2, 1, 31, 1, 1, 6, 1]));
    }

    #[test]
    fn vacm_refusals_are_dropped_and_counted_only_as_packets() {
        let d = dispatcher();
        for (version, community) in [(Version::V1, "nogroup"), (Version::V2c, "nogroup"), (Version::V2c, "noaccess")] {
            let get = Pdu::new(PduType::GetRequest, 1, oids(&[&SYS]));
            assert!(ask(&d, &request(version, community, get)).is_none(), "{community}");
        }
        assert_eq!(read(&d.stats.in_pkts), 3);
        assert_eq!(read(&d.stats.in_bad_community_names), 0);
        assert_eq!(read(&d.stats.in_bad_community_uses), 0);
        assert_eq!(read(&d.stats.in_get_requests), 0);
    }

    #[test]
    fn a_view_of_nothing_answers_like_snmpd() {
        let d = dispatcher();
        let sys_descr = oids(&[&[1, 3, 6, 1, 2, 1, 1, 1, 0]]);
        let r = ask(&d, &request(Version::V2c, "noview", Pdu::new(PduType::GetRequest, 1, sys_descr.clone()))).unwrap();
        assert_eq!(r.varbinds[0].value, Value::NoSuchObject);
        let r = ask(&d, &request(Version::V1, "noview", Pdu::new(PduType::GetRequest, 1, sys_descr.clone()))).unwrap();
        assert_eq!((r.error_status, r.error_index), (ErrorStatus::NoSuchName as i32, 1));
        let r = ask(&d, &request(Version::V2c, "noview", Pdu::new(PduType::GetNextRequest, 1, oids(&[&[1]])))).unwrap();
        assert_eq!(r.varbinds[0].value, Value::EndOfMibView);
        let set = vec![VarBind::new(Oid::from([1, 3, 6, 1, 2, 1, 1, 5, 0]), Value::string(b"x".to_vec()))];
        let r = ask(&d, &request(Version::V2c, "noview", Pdu::new(PduType::SetRequest, 1, set.clone()))).unwrap();
        assert_eq!((r.error_status, r.error_index), (ErrorStatus::NoAccess as i32, 1));
        let r = ask(&d, &request(Version::V1, "noview", Pdu::new(PduType::SetRequest, 1, set))).unwrap();
        assert_eq!((r.error_status, r.error_index), (ErrorStatus::NoSuchName as i32, 1));
    }

    fn walk(d: &Dispatcher, version: Version, community: &str) -> Vec<String> {
        let mut at = VarBind::null(Oid::from([1]));
        let mut seen = Vec::new();
        for _ in 0..100 {
            let r =
                ask(d, &request(version, community, Pdu::new(PduType::GetNextRequest, 1, vec![at.clone()]))).unwrap();
            if r.error_status != 0 || r.varbinds[0].value == Value::EndOfMibView {
                break;
            }
            at = VarBind::null(r.varbinds[0].oid.clone());
            seen.push(at.oid.to_string());
        }
        seen
    }

    #[test]
    fn walks_see_only_the_view() {
        let d = dispatcher();
        // Included sysUpTime minus its instance, sysName, and one masked row of ifHCInOctets
        // (ff.a0: any column of row 2): the excluded instance is jumped over.
        assert_eq!(walk(&d, Version::V2c, "masked"), ["1.3.6.1.2.1.1.5.0", "1.3.6.1.2.1.31.1.1.6.2"]);
        assert_eq!(walk(&d, Version::V1, "masked"), ["1.3.6.1.2.1.1.5.0"], "v1 skips Counter64");
        let bulk = ask(&d, &request(Version::V2c, "masked", Pdu::get_bulk(1, 0, 5, oids(&[&[1]])))).unwrap();
        let got: Vec<_> = bulk.varbinds.iter().map(|vb| (vb.oid.to_string(), vb.value.is_exception())).collect();
        assert_eq!(got[..2], [("1.3.6.1.2.1.1.5.0".into(), false), ("1.3.6.1.2.1.31.1.1.6.2".into(), false)]);
        assert_eq!(bulk.varbinds[2].value, Value::EndOfMibView);
        let get = oids(&[&[1, 3, 6, 1, 2, 1, 1, 3, 0], &[1, 3, 6, 1, 2, 1, 31, 1, 1, 6, 2]]);
        let r = ask(&d, &request(Version::V2c, "masked", Pdu::new(PduType::GetRequest, 1, get))).unwrap();
        assert_eq!(r.varbinds[0].value, Value::NoSuchObject);
        assert!(matches!(r.varbinds[1].value, Value::Counter64(_)));
    }

    #[test]
    fn sets_check_the_write_view_first() {
        let d = dispatcher();
        let set = |oid: &[u32]| VarBind::new(Oid::from(oid), Value::string(b"x".to_vec()));
        // In the write view but read-only: notWritable; outside it: noAccess at its index.
        let both = vec![set(&[1, 3, 6, 1, 2, 1, 1, 5, 0]), set(&[1, 3, 6, 1, 2, 1, 1, 1, 0])];
        let r = ask(&d, &request(Version::V2c, "masked", Pdu::new(PduType::SetRequest, 1, both))).unwrap();
        assert_eq!((r.error_status, r.error_index), (ErrorStatus::NoAccess as i32, 2));
        let one = vec![set(&[1, 3, 6, 1, 2, 1, 1, 5, 0])];
        let r = ask(&d, &request(Version::V2c, "masked", Pdu::new(PduType::SetRequest, 1, one))).unwrap();
        assert_eq!((r.error_status, r.error_index), (ErrorStatus::NotWritable as i32, 1));
    }

    #[test]
    fn usm_principals_take_the_same_path() {
        let d = dispatcher();
        let principal = |name: &'static [u8], context: &'static [u8]| Principal {
            model: SecurityModel::Usm,
            name,
            level: SecurityLevel::AuthPriv,
            context,
        };
        let get = Pdu::new(PduType::GetRequest, 5, oids(&[&[1, 3, 6, 1, 2, 1, 1, 5, 0], &[1, 3, 6, 1, 2, 1, 1, 1, 0]]));
        let Answer::Response(r) = d.answer(&principal(b"alice", b""), &get) else { panic!("no response") };
        assert_eq!((r.pdu_type, r.request_id, r.error_status), (PduType::Response, 5, 0));
        assert_eq!(r.varbinds[0].value, Value::string(vec![b'x'; 200]));
        assert_eq!(r.varbinds[1].value, Value::NoSuchObject);
        // No group for the user: authorizationError, index 0, varbinds echoed (snmpd 5.9).
        let Answer::Response(r) = d.answer(&principal(b"mallory", b""), &get) else { panic!("no response") };
        assert_eq!((r.error_status, r.error_index), (ErrorStatus::AuthorizationError as i32, 0));
        assert_eq!(r.varbinds, get.varbinds);
        assert_eq!(d.answer(&principal(b"alice", b"other"), &get), Answer::UnknownContext);
        // The same user through v2c has no group: dropped.
        let v2c = Principal { model: SecurityModel::V2c, ..principal(b"alice", b"") };
        assert_eq!(d.answer(&v2c, &get), Answer::Drop);
        assert_eq!(d.answer(&principal(b"alice", b""), &Pdu::new(PduType::Response, 1, vec![])), Answer::Drop);
    }

    /// Jumping over excluded subtrees finds exactly what stepping object by object finds,
    /// for many generated views, with and without masks (bounded: 300 views).
    #[test]
    fn view_walks_jump_to_what_stepping_finds() {
        let root = Oid::from([1, 3, 6, 1, 2, 1]);
        let mut objects = Vec::new();
        for a in 1..=4u32 {
            for b in 1..=3u32 {
                for c in 0..=3u32 {
                    objects.push(VarBind::new(root.child(&[a, b, c]), Value::Integer(1)));
                }
            }
        }
        let handler: Arc<dyn MibHandler> = Arc::new(StaticView::new(root.clone(), View::new(objects.clone(), vec![])));
        let registry = Registry::new(vec![handler]).unwrap();
        let mut state = 0x9e37_79b9_7f4a_7c15u64;
        let mut rand = move |n: u64| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state % n) as u32
        };
        let mut starts: Vec<Oid> = objects.iter().map(|vb| vb.oid.clone()).collect();
        starts.extend([Oid::from([1]), root.child(&[2]), root.child(&[4, 3, 9]), root.child(&[0])]);
        for _ in 0..300 {
            let mut view = MibView::empty();
            for _ in 0..=rand(4) {
                let depth = 6 + rand(4) as usize;
                let arcs: Vec<u32> = (0..depth).map(|i| root.get(i).copied().unwrap_or_else(|| rand(5))).collect();
                let mask = if rand(3) == 0 { vec![!(0x80u8 >> (6 + rand(2)))] } else { Vec::new() };
                view.add(ViewFamily { subtree: Oid::from(arcs.as_slice()), mask, included: rand(3) != 0 });
            }
            let scope = Scope { registry: &registry, view: &view };
            for start in &starts {
                let stepped =
                    objects.iter().find(|vb| vb.oid > *start && view.contains(&vb.oid)).map(|vb| vb.oid.clone());
                assert_eq!(scope.get_next(start).map(|vb| vb.oid), stepped, "from {start} in {view:?}");
            }
        }
    }

    #[test]
    fn bad_input_is_counted_and_dropped() {
        let d = dispatcher();
        let good = request(Version::V2c, "public", Pdu::new(PduType::GetRequest, 1, oids(&[&[1, 3]])));
        assert!(ask(&d, b"GET / HTTP/1.0\r\n\r\n").is_none());
        assert!(ask(&d, &[]).is_none());
        assert!(ask(&d, &good[..good.len() - 3]).is_none());
        assert_eq!(read(&d.stats.in_asn_parse_errs), 3);
        let mut v7 = good.clone();
        v7[4] = 7;
        assert!(ask(&d, &v7).is_none());
        assert_eq!(read(&d.stats.in_bad_versions), 1);
        assert!(ask(&d, &request(Version::V2c, "wrong", Pdu::new(PduType::GetRequest, 1, oids(&[&[1, 3]])))).is_none());
        assert_eq!(read(&d.stats.in_bad_community_names), 1);
        assert!(ask(&d, &request(Version::V2c, "public", Pdu::new(PduType::Response, 1, vec![]))).is_none());
        assert_eq!(read(&d.stats.unknown_pdu_handlers), 1);
        // Trailing bytes after a message are ignored, as snmpd does.
        let mut trailing = good.clone();
        trailing.extend_from_slice(&[0, 0, 0]);
        assert!(ask(&d, &trailing).is_some());
        assert_eq!(read(&d.stats.in_pkts), 7);
    }

    /// Every mutation of real requests goes through decode -> dispatch -> encode without a
    /// panic, and whatever is answered decodes again (bounded: a few thousand inputs).
    #[test]
    fn mutated_requests_never_panic() {
        let d = dispatcher();
        let seeds = [
            request(Version::V2c, "public", Pdu::get_bulk(1, 1, 10, oids(&[&[1, 3], &[1, 3, 6, 1, 2, 1, 1]]))),
            request(Version::V1, "public", Pdu::new(PduType::GetNextRequest, 1, oids(&[&[1, 3, 6, 1, 2, 1, 1, 1, 0]]))),
            request(Version::V2c, "private", Pdu::new(PduType::SetRequest, 1, oids(&[&[1, 3, 6, 1, 2, 1, 1, 5, 0]]))),
        ];
        let mut out = Vec::new();
        for m in crate::mutate::mutations(&seeds, 6000, 4, 0x2545_f491_4f6c_dd1d) {
            if d.handle(&m, "127.0.0.1".parse().unwrap(), &mut out) {
                assert!(Message::decode(&out).is_ok(), "unparsable answer to {m:02x?}");
            }
        }
    }
}
