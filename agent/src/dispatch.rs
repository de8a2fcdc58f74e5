//! The request path as a pure function: datagram in, response datagram out (or nothing),
//! counters updated. No sockets here, so every protocol rule is tested directly.
//!
//! Rules follow snmpd 5.9 (see NET-SNMP-NOTES.md): undecodable input and unknown versions
//! are counted and dropped; a wrong community is dropped silently and counted; v1 turns
//! exceptions into noSuchName with an error-index and skips Counter64 in walks; GETBULK
//! is capped at 100 repeated varbinds and at the message size (never silently dropped:
//! fewer varbinds, or tooBig when even none fit).

use std::net::IpAddr;

use snmp::{CommunityMessage, DecodeError, ErrorStatus, Message, Oid, Pdu, PduType, Pdus, Value, VarBind, Version};

use crate::access::{self, Access, CommunityRule};
use crate::registry::Registry;
use crate::stats::{Stats, add, bump};

/// Largest SNMP message over UDP/IPv4 (65535 - 8 - 20).
pub const MAX_MESSAGE_SIZE: usize = 65507;

/// snmpd's default cap on the repeated varbinds of one GETBULK response.
pub const MAX_BULK_REPEATS: usize = 100;

/// Everything a request needs.
#[derive(Debug)]
pub struct Dispatcher {
    pub registry: Registry,
    pub communities: Vec<CommunityRule>,
    pub stats: std::sync::Arc<Stats>,
    /// SNMPv3 (USM); `None` drops v3 messages as of an unknown security model.
    pub usm: Option<std::sync::Arc<crate::usm::Usm>>,
}

/// The part of the MIB a request may see.
struct ScopedView<'a> {
    registry: &'a Registry,
    subtree: Option<&'a Oid>,
}

impl ScopedView<'_> {
    fn get(&self, oid: &Oid) -> Value<'static> {
        match self.subtree {
            Some(root) if !oid.starts_with(root) => Value::NoSuchObject,
            _ => self.registry.get(oid),
        }
    }

    fn get_next(&self, oid: &Oid) -> Option<VarBind<'static>> {
        match self.subtree {
            None => self.registry.get_next(oid),
            Some(root) => {
                let from = if oid < root { root } else { oid };
                self.registry.get_next(from).filter(|vb| vb.oid.starts_with(root))
            }
        }
    }
}

/// A response being built: error fields and varbinds.
pub(crate) struct Outcome {
    pub(crate) error_status: ErrorStatus,
    pub(crate) error_index: usize,
    pub(crate) varbinds: Vec<VarBind<'static>>,
}

impl Outcome {
    fn ok(varbinds: Vec<VarBind<'static>>) -> Outcome {
        Outcome { error_status: ErrorStatus::NoError, error_index: 0, varbinds }
    }

    /// An error response echoes the request's varbinds.
    pub(crate) fn error(status: ErrorStatus, index: usize, request: &[VarBind<'_>]) -> Outcome {
        Outcome {
            error_status: status,
            error_index: index,
            varbinds: request.iter().cloned().map(VarBind::into_owned).collect(),
        }
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
        let Some(access) = access::check(&self.communities, &msg.community, from) else {
            bump(&s.in_bad_community_names);
            return false;
        };
        let Pdus::Pdu(pdu) = &msg.pdu else {
            bump(&s.in_traps);
            bump(&s.unknown_pdu_handlers);
            return false;
        };
        let outcome = match pdu.pdu_type {
            PduType::GetRequest | PduType::GetNextRequest | PduType::GetBulkRequest | PduType::SetRequest => {
                self.process(msg.version, &access, pdu, MAX_MESSAGE_SIZE)
            }
            PduType::Response => {
                bump(&s.in_get_responses);
                bump(&s.unknown_pdu_handlers);
                return false;
            }
            _ => {
                bump(&s.unknown_pdu_handlers);
                return false;
            }
        };
        self.encode_response(&msg, pdu, outcome, out)
    }

    /// Answers a GET/GETNEXT/GETBULK/SET PDU; GETBULK stops filling at `max_size`.
    pub(crate) fn process(&self, version: Version, access: &Access, pdu: &Pdu<'_>, max_size: usize) -> Outcome {
        let s = &*self.stats;
        let view = ScopedView { registry: &self.registry, subtree: access.subtree.as_ref() };
        let v1 = version == Version::V1;
        match pdu.pdu_type {
            PduType::GetRequest => {
                bump(&s.in_get_requests);
                add(&s.in_total_req_vars, pdu.varbinds.len());
                get(&view, v1, &pdu.varbinds)
            }
            PduType::GetNextRequest => {
                bump(&s.in_get_nexts);
                add(&s.in_total_req_vars, pdu.varbinds.len());
                get_next(&view, v1, &pdu.varbinds)
            }
            PduType::GetBulkRequest => {
                add(&s.in_total_req_vars, pdu.varbinds.len());
                get_bulk(&view, pdu, max_size)
            }
            _ => {
                bump(&s.in_set_requests);
                add(&s.in_total_set_vars, pdu.varbinds.len());
                self.set(v1, access, &pdu.varbinds)
            }
        }
    }

    fn set(&self, v1: bool, access: &Access, request: &[VarBind<'_>]) -> Outcome {
        let v1_status = |status: ErrorStatus| match status {
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
        };
        let fail = |status: ErrorStatus, index: usize| {
            Outcome::error(if v1 { v1_status(status) } else { status }, index, request)
        };
        if !access.write {
            return fail(ErrorStatus::NoAccess, 1);
        }
        let mut targets = Vec::with_capacity(request.len());
        for (i, vb) in request.iter().enumerate() {
            let in_view = access.subtree.as_ref().is_none_or(|root| vb.oid.starts_with(root));
            let Some(handler) = self.registry.handler_for(&vb.oid).filter(|_| in_view) else {
                return fail(ErrorStatus::NotWritable, i + 1);
            };
            if let Err(status) = handler.test_set(&vb.oid, &vb.value) {
                return fail(status, i + 1);
            }
            targets.push(handler);
        }
        for (i, (vb, handler)) in request.iter().zip(targets).enumerate() {
            if let Err(status) = handler.commit_set(&vb.oid, &vb.value) {
                return fail(status, i + 1);
            }
        }
        Outcome::ok(request.iter().cloned().map(VarBind::into_owned).collect())
    }

    fn encode_response(
        &self,
        msg: &CommunityMessage<'_>,
        request: &Pdu<'_>,
        mut outcome: Outcome,
        out: &mut Vec<u8>,
    ) -> bool {
        let s = &*self.stats;
        let mut response = Message::Community(CommunityMessage {
            version: msg.version,
            community: msg.community.clone(),
            pdu: Pdus::Pdu(Pdu {
                pdu_type: PduType::Response,
                request_id: request.request_id,
                error_status: outcome.error_status as i32,
                error_index: i32::try_from(outcome.error_index).unwrap_or(i32::MAX),
                varbinds: std::mem::take(&mut outcome.varbinds),
            }),
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
            bump(&s.out_too_bigs);
        }
        match outcome.error_status {
            ErrorStatus::NoSuchName => bump(&s.out_no_such_names),
            ErrorStatus::BadValue => bump(&s.out_bad_values),
            ErrorStatus::GenErr => bump(&s.out_gen_errs),
            _ => {}
        }
        out.clear();
        response.encode(out);
        bump(&s.out_pkts);
        bump(&s.out_get_responses);
        true
    }
}

/// v1 reports the last varbind that failed (snmpd's behaviour: each failure overwrites the
/// error index), with the request's varbinds echoed.
fn get(view: &ScopedView<'_>, v1: bool, request: &[VarBind<'_>]) -> Outcome {
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
fn next_visible(view: &ScopedView<'_>, v1: bool, oid: &Oid) -> Option<VarBind<'static>> {
    let mut next = view.get_next(oid)?;
    while v1 && matches!(next.value, Value::Counter64(_)) {
        next = view.get_next(&next.oid)?;
    }
    Some(next)
}

fn get_next(view: &ScopedView<'_>, v1: bool, request: &[VarBind<'_>]) -> Outcome {
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
fn get_bulk(view: &ScopedView<'_>, pdu: &Pdu<'_>, max_size: usize) -> Outcome {
    let n = usize::try_from(pdu.non_repeaters().max(0)).unwrap_or(0).min(pdu.varbinds.len());
    let (non_repeaters, repeaters) = pdu.varbinds.split_at(n);
    let max_reps = usize::try_from(pdu.max_repetitions().max(0)).unwrap_or(0);
    // The response overhead (header, community or USM parameters, ids) stays under this.
    let budget = max_size.saturating_sub(512);
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
    use crate::access::Source;
    use crate::handler::MibHandler;
    use crate::stats::read;
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
        let rule = |c: &str, write, subtree| CommunityRule {
            community: c.as_bytes().to_vec(),
            source: Source::Net { addr: "127.0.0.1".parse().unwrap(), prefix_len: 32 },
            subtree,
            write,
        };
        Dispatcher {
            registry: Registry::new(handlers).unwrap(),
            communities: vec![
                rule("public", false, None),
                rule("private", true, None),
                rule("ifonly", false, Some(Oid::from([1, 3, 6, 1, 2, 1, 31]))),
            ],
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
        let mut state = 0x2545_f491_4f6c_dd1du64;
        let mut rand = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let mut out = Vec::new();
        for i in 0..6000 {
            let mut m = seeds[i % seeds.len()].clone();
            for _ in 0..(rand() % 4 + 1) {
                let pos = (rand() as usize) % m.len();
                match rand() % 3 {
                    0 => m[pos] ^= 1 << (rand() % 8),
                    1 => m[pos] = rand() as u8,
                    _ => m.truncate(pos.max(1)),
                }
            }
            if d.handle(&m, "127.0.0.1".parse().unwrap(), &mut out) {
                assert!(Message::decode(&out).is_ok(), "unparsable answer to {m:02x?}");
            }
        }
    }
}
