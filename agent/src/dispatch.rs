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
}

impl Dispatcher {
    /// Handles one datagram from `from`. Writes the response into `out` (cleared first)
    /// and returns true when there is one to send.
    pub fn handle(&self, datagram: &[u8], from: IpAddr, out: &mut Vec<u8>) -> bool {
        let s = &*self.stats;
        bump(&s.in_pkts);
        let msg = match Message::decode_prefix(datagram) {
            Ok((msg, _trailing_ignored_as_snmpd_does)) => msg,
            Err(DecodeError::UnsupportedVersion(_)) => {
                bump(&s.in_bad_versions);
                return false;
            }
            Err(_) => {
                bump(&s.in_asn_parse_errs);
                return false;
            }
        };
        let Message::Community(msg) = msg else {
            // SNMPv3 arrives with the USM work; until then it is an unsupported model.
            bump(&s.in_bad_versions);
            return false;
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
                self.process(msg.version, &access, pdu)
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

    fn process(&self, version: Version, access: &Access, pdu: &Pdu<'_>) -> Outcome {
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
                get_bulk(&view, pdu)
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

fn get(view: &ScopedView<'_>, v1: bool, request: &[VarBind<'_>]) -> Outcome {
    let mut varbinds = Vec::with_capacity(request.len());
    for (i, vb) in request.iter().enumerate() {
        let value = view.get(&vb.oid);
        if v1 && (value.is_exception() || matches!(value, Value::Counter64(_))) {
            return Outcome::error(ErrorStatus::NoSuchName, i + 1, request);
        }
        varbinds.push(VarBind::new(vb.oid.clone(), value));
    }
    Outcome::ok(varbinds)
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
    for (i, vb) in request.iter().enumerate() {
        match next_visible(view, v1, &vb.oid) {
            Some(next) => varbinds.push(next),
            None if v1 => return Outcome::error(ErrorStatus::NoSuchName, i + 1, request),
            None => varbinds.push(VarBind::new(vb.oid.clone(), Value::EndOfMibView)),
        }
    }
    Outcome::ok(varbinds)
}

/// GETBULK (RFC 3416 §4.2.3): non-repeaters once, then up to max-repetitions rounds of the
/// repeaters, capped at [`MAX_BULK_REPEATS`] repeated varbinds and at what fits in one
/// message. A v1 message carrying GetBulk is answered the same way, as snmpd does.
fn get_bulk(view: &ScopedView<'_>, pdu: &Pdu<'_>) -> Outcome {
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
