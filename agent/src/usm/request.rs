//! One received SNMPv3 message, as snmpd 5.9 processes it (RFC 3412 §7.2, RFC 3414 §3.2):
//! the security parameters parsed, the engine ID, user, level, MAC, timeliness and
//! decryption checked in that order; a refused message is counted in usmStats and, when
//! its reportable flag is set, answered with a Report naming the counter. Accepted
//! requests are answered as v2c answers them, sealed at the request's level.
//!
//! What snmpd does and this follows: Reports for refused messages are noAuthNoPriv, except
//! notInTimeWindow, which is authenticated so the manager can trust the clock it carries;
//! a Report echoes the request-id only when the scoped PDU was readable (plaintext); a
//! scoped PDU that does not decode after decryption (a wrong privacy password) is an ASN.1
//! parse error, dropped without a Report; a context name the agent does not serve is
//! counted in snmpUnknownContexts and dropped. Who may see what is VACM's
//! ([`Dispatcher::answer`] with a USM [`Principal`]).

use std::borrow::Cow;

use snmp::usm::timeliness::authoritative_in_window;
use snmp::usm::wire::{decode_scoped, seal};
use snmp::usm::{EngineStamp, Envelope, Incoming, IncomingError, LocalizedUser, UsmReport};
use snmp::{
    ErrorStatus, Pdu, PduType, Pdus, ScopedPdu, ScopedPduData, SecurityLevel, SecurityModel, V3Message, Value, VarBind,
};

use super::Usm;
use crate::dispatch::{Answer, Dispatcher, MAX_MESSAGE_SIZE, Principal};
use crate::stats::{Stats, bump, read};

/// RFC 3412: msgMaxSize is at least 484.
const MIN_MAX_SIZE: i32 = 484;

/// Why a message is refused (its usmStats counter) and how its Report is made.
struct Refusal<'a> {
    report: UsmReport,
    /// The request-id when the scoped PDU was readable, else 0.
    request_id: i64,
    /// The user to authenticate the Report with (notInTimeWindow only).
    signer: Option<&'a LocalizedUser>,
}

/// Handles the v3 message `msg` decoded from `whole_message`; writes the Response or Report
/// into `out` and returns true when there is one to send.
pub fn handle(d: &Dispatcher, usm: &Usm, whole_message: &[u8], msg: &V3Message<'_>, out: &mut Vec<u8>) -> bool {
    let s = &*d.stats;
    let incoming = match Incoming::parse(msg) {
        Ok(incoming) => incoming,
        Err(IncomingError::UnknownSecurityModel(_)) => {
            bump(&s.unknown_security_models);
            return false;
        }
        Err(IncomingError::InvalidFlags(_)) => {
            bump(&s.invalid_msgs);
            return false;
        }
        Err(IncomingError::Parameters(_)) => {
            bump(&s.in_asn_parse_errs);
            return false;
        }
    };
    if msg.header.max_size < MIN_MAX_SIZE {
        bump(&s.in_asn_parse_errs);
        return false;
    }
    let plaintext_request_id = match incoming.data {
        ScopedPduData::Plaintext(ScopedPdu { pdu: Pdus::Pdu(pdu), .. }) => pdu.request_id,
        _ => 0,
    };
    let refuse = |refusal: Refusal<'_>, out: &mut Vec<u8>| {
        let counter = s.usm(refusal.report);
        bump(counter);
        incoming.reportable() && report(s, usm, &incoming, &refusal, read(counter), out)
    };
    let refusal = |report| Refusal { report, request_id: plaintext_request_id, signer: None };
    let engine = &usm.engine;
    let security = &incoming.security;
    if security.engine_id != engine.id() {
        return refuse(refusal(UsmReport::UnknownEngineIds), out);
    }
    let Some(user) = usm.users.get(security.user_name) else {
        return refuse(refusal(UsmReport::UnknownUserNames), out);
    };
    if let Err(report) = incoming.authenticate(user, whole_message) {
        return refuse(refusal(report), out);
    }
    if incoming.level >= SecurityLevel::AuthNoPriv
        && !authoritative_in_window(engine.boots(), engine.time(), security.engine_boots, security.engine_time)
    {
        let late =
            Refusal { report: UsmReport::NotInTimeWindows, request_id: plaintext_request_id, signer: Some(user) };
        return refuse(late, out);
    }
    let decrypted = match incoming.decrypt(user) {
        Ok(decrypted) => decrypted,
        Err(report) => return refuse(refusal(report), out),
    };
    let owned;
    let scoped = match (&decrypted, incoming.data) {
        (Some(plain), _) => match decode_scoped(plain) {
            Ok(scoped) => {
                owned = scoped;
                &owned
            }
            Err(_) => {
                bump(&s.in_asn_parse_errs);
                return false;
            }
        },
        (None, ScopedPduData::Plaintext(scoped)) => scoped,
        (None, ScopedPduData::Encrypted(_)) => return false,
    };
    let Some(pdu) = crate::dispatch::request_pdu(s, &scoped.pdu) else {
        return false;
    };
    let principal = Principal {
        model: SecurityModel::Usm,
        name: security.user_name,
        level: incoming.level,
        context: &scoped.context_name,
    };
    let response = match d.answer(&principal, pdu) {
        Answer::Response(response) => response,
        Answer::Drop => return false,
        // snmpd 5.9 counts an unknown context and sends nothing (probed with snmpget -n).
        Answer::UnknownContext => {
            bump(&s.unknown_contexts);
            return false;
        }
    };
    let max_size = usize::try_from(msg.header.max_size).unwrap_or(MAX_MESSAGE_SIZE).min(MAX_MESSAGE_SIZE);
    respond(s, usm, &incoming, user, scoped, pdu, response, max_size, out)
}

fn stamp(usm: &Usm) -> EngineStamp<'_> {
    let engine = &usm.engine;
    EngineStamp { engine_id: engine.id(), boots: engine.boots(), time: engine.time() }
}

/// Seals a Report naming `refusal`'s counter with its value.
fn report(s: &Stats, usm: &Usm, incoming: &Incoming<'_>, refusal: &Refusal<'_>, value: u32, out: &mut Vec<u8>) -> bool {
    let anonymous;
    let (user, level) = match refusal.signer {
        Some(user) => (user, SecurityLevel::AuthNoPriv),
        None => {
            anonymous = LocalizedUser::unauthenticated(incoming.security.user_name);
            (&anonymous, SecurityLevel::NoAuthNoPriv)
        }
    };
    let scoped = ScopedPdu {
        context_engine_id: Cow::Borrowed(usm.engine.id()),
        context_name: Cow::Borrowed(b""),
        pdu: Pdus::Pdu(Pdu::new(
            PduType::Report,
            refusal.request_id,
            vec![VarBind::new(refusal.report.oid(), Value::Counter32(value))],
        )),
    };
    let envelope = Envelope {
        msg_id: incoming.header.msg_id,
        max_size: MAX_MESSAGE_SIZE as i32,
        reportable: false,
        level,
        engine: stamp(usm),
        user,
    };
    if seal(out, &envelope, &scoped, usm.engine.salt()).is_err() {
        return false;
    }
    bump(&s.out_pkts);
    true
}

/// Seals the Response at the request's level. When it would exceed the request's
/// msgMaxSize, snmpd 5.9 neither trims nor empties it: a GET/GETNEXT/SET gets tooBig and a
/// GETBULK genErr, both with the request's varbinds echoed (none if even those do not fit).
#[allow(clippy::too_many_arguments)]
fn respond(
    s: &Stats,
    usm: &Usm,
    incoming: &Incoming<'_>,
    user: &LocalizedUser,
    request: &ScopedPdu<'_>,
    request_pdu: &Pdu<'_>,
    response: Pdu<'static>,
    max_size: usize,
    out: &mut Vec<u8>,
) -> bool {
    let mut error_status = ErrorStatus::from_i32(response.error_status);
    let envelope = Envelope {
        msg_id: incoming.header.msg_id,
        max_size: MAX_MESSAGE_SIZE as i32,
        reportable: false,
        level: incoming.level,
        engine: stamp(usm),
        user,
    };
    let mut scoped = ScopedPdu {
        context_engine_id: Cow::Borrowed(usm.engine.id()),
        context_name: Cow::Borrowed(&request.context_name),
        pdu: Pdus::Pdu(response),
    };
    if seal(out, &envelope, &scoped, usm.engine.salt()).is_err() {
        return false;
    }
    if out.len() > max_size {
        let status =
            if request_pdu.pdu_type == PduType::GetBulkRequest { ErrorStatus::GenErr } else { ErrorStatus::TooBig };
        error_status = Some(status);
        let echoes = [request_pdu.varbinds.iter().cloned().map(VarBind::into_owned).collect(), Vec::new()];
        for varbinds in echoes {
            if let Pdus::Pdu(p) = &mut scoped.pdu {
                p.error_status = status as i32;
                p.error_index = 0;
                p.varbinds = varbinds;
            }
            if seal(out, &envelope, &scoped, usm.engine.salt()).is_err() {
                return false;
            }
            if out.len() <= max_size {
                break;
            }
        }
    }
    s.count_response(error_status);
    true
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::expect_used)]
    use std::sync::Arc;

    use snmp::usm::{AuthProtocol, KeyExtension, PrivProtocol, SaltCounter};
    use snmp::{Message, Oid};

    use super::*;
    use crate::config::Config;
    use crate::handler::MibHandler;
    use crate::registry::Registry;
    use crate::stats::read;
    use crate::usm::{Engine, KeyCache};
    use crate::view::{StaticView, View};

    const SYS_DESCR: [u32; 9] = [1, 3, 6, 1, 2, 1, 1, 1, 0];

    fn dispatcher() -> Dispatcher {
        let sys = Oid::from([1, 3, 6, 1, 2, 1, 1]);
        let view =
            View::new(vec![VarBind::new(Oid::from(SYS_DESCR), Value::string(vec![b'd'; 100]))], vec![sys.child(&[1])]);
        let handlers: Vec<Arc<dyn MibHandler>> = vec![Arc::new(StaticView::new(sys, view))];
        let engine = Arc::new(Engine::start(None, None).unwrap());
        let (config, warnings) = Config::parse("createUser alice SHA-256 authpass1 AES privpass1\nrouser alice\n", "t");
        assert!(warnings.is_empty(), "{warnings:?}");
        let usm = Usm::new(engine, &config.users, &KeyCache::default());
        Dispatcher {
            registry: Registry::new(handlers).unwrap(),
            vacm: config.vacm,
            stats: Arc::new(Stats::default()),
            usm: Some(Arc::new(usm)),
        }
    }

    fn alice(engine_id: &[u8]) -> LocalizedUser {
        LocalizedUser::from_passwords(
            "alice",
            engine_id,
            Some((AuthProtocol::Sha256, b"authpass1".as_slice())),
            Some((PrivProtocol::Aes128, b"privpass1".as_slice(), KeyExtension::Blumenthal)),
        )
        .unwrap()
    }

    struct Request<'a> {
        user: &'a LocalizedUser,
        level: SecurityLevel,
        engine: EngineStamp<'a>,
        reportable: bool,
        max_size: i32,
        varbinds: usize,
    }

    fn sealed(r: &Request<'_>) -> Vec<u8> {
        let scoped = ScopedPdu {
            context_engine_id: Cow::Owned(r.engine.engine_id.to_vec()),
            context_name: Cow::Borrowed(b""),
            pdu: Pdus::Pdu(Pdu::new(PduType::GetRequest, 99, vec![VarBind::null(Oid::from(SYS_DESCR)); r.varbinds])),
        };
        let envelope = Envelope {
            msg_id: 5,
            max_size: r.max_size,
            reportable: r.reportable,
            level: r.level,
            engine: r.engine,
            user: r.user,
        };
        let mut out = Vec::new();
        seal(&mut out, &envelope, &scoped, &SaltCounter::starting_at(7)).unwrap();
        out
    }

    fn answer(d: &Dispatcher, bytes: &[u8]) -> Option<Vec<u8>> {
        let mut out = Vec::new();
        d.handle(bytes, "127.0.0.1".parse().unwrap(), &mut out).then_some(out)
    }

    /// The answer's level, msgID, PDU (decrypted with `user` when needed).
    fn open(bytes: &[u8], user: &LocalizedUser) -> (SecurityLevel, i32, Pdu<'static>) {
        let Message::V3(message) = Message::decode(bytes).unwrap() else { panic!("v3") };
        let incoming = Incoming::parse(&message).unwrap();
        assert!(!incoming.reportable());
        let scoped = match incoming.open(user, bytes).unwrap() {
            Some(plain) => decode_scoped(&plain).unwrap().into_owned(),
            None => match incoming.data {
                ScopedPduData::Plaintext(s) => s.clone().into_owned(),
                ScopedPduData::Encrypted(_) => panic!("encrypted"),
            },
        };
        let Pdus::Pdu(pdu) = scoped.pdu else { panic!("pdu") };
        (incoming.level, message.header.msg_id, pdu)
    }

    #[test]
    fn discovery_then_an_authpriv_get() {
        let d = dispatcher();
        let usm = d.usm.clone().unwrap();
        let anonymous = LocalizedUser::unauthenticated("");
        let discovery = Request {
            user: &anonymous,
            level: SecurityLevel::NoAuthNoPriv,
            engine: EngineStamp { engine_id: b"", boots: 0, time: 0 },
            reportable: true,
            max_size: 65507,
            varbinds: 0,
        };
        let report = answer(&d, &sealed(&discovery)).unwrap();
        let (level, msg_id, pdu) = open(&report, &anonymous);
        assert_eq!(
            (level, msg_id, pdu.pdu_type, pdu.request_id),
            (SecurityLevel::NoAuthNoPriv, 5, PduType::Report, 99)
        );
        assert_eq!(pdu.varbinds[0], VarBind::new(UsmReport::UnknownEngineIds.oid(), Value::Counter32(1)));
        // Not reportable: counted, not answered.
        assert!(answer(&d, &sealed(&Request { reportable: false, ..discovery })).is_none());
        assert_eq!(read(d.stats.usm(UsmReport::UnknownEngineIds)), 2);

        let user = alice(usm.engine.id());
        let engine = EngineStamp { engine_id: usm.engine.id(), boots: 1, time: 0 };
        let get = Request {
            user: &user,
            level: SecurityLevel::AuthPriv,
            engine,
            reportable: true,
            max_size: 65507,
            varbinds: 1,
        };
        let (level, _, pdu) = open(&answer(&d, &sealed(&get)).unwrap(), &user);
        assert_eq!((level, pdu.pdu_type, pdu.request_id), (SecurityLevel::AuthPriv, PduType::Response, 99));
        assert_eq!(pdu.varbinds[0].value, Value::string(vec![b'd'; 100]));

        // Outside the window: an authenticated Report with the engine's clock.
        let late = EngineStamp { time: 1000, ..engine };
        let (level, _, pdu) = open(&answer(&d, &sealed(&Request { engine: late, ..get })).unwrap(), &user);
        assert_eq!((level, pdu.request_id), (SecurityLevel::AuthNoPriv, 0));
        assert_eq!(UsmReport::from_oid(&pdu.varbinds[0].oid), Some(UsmReport::NotInTimeWindows));

        // A response larger than the request's msgMaxSize is tooBig.
        let big = Request { max_size: 484, varbinds: 10, ..get };
        let bytes = answer(&d, &sealed(&big)).unwrap();
        assert!(bytes.len() <= 484);
        let (_, _, pdu) = open(&bytes, &user);
        assert_eq!((pdu.error_status, pdu.varbinds.len()), (ErrorStatus::TooBig as i32, 10), "echoed, as snmpd");
        // noAuthNoPriv is below alice's default access: authorizationError.
        let plain = Request { level: SecurityLevel::NoAuthNoPriv, ..get };
        let (_, _, pdu) = open(&answer(&d, &sealed(&plain)).unwrap(), &user);
        assert_eq!(pdu.error_status, ErrorStatus::AuthorizationError as i32);
    }

    /// Mutations of sealed v3 requests never panic, and every answer decodes (bounded).
    #[test]
    fn mutated_v3_requests_never_panic() {
        let d = dispatcher();
        let usm = d.usm.clone().unwrap();
        let user = alice(usm.engine.id());
        let anonymous = LocalizedUser::unauthenticated("");
        let engine = EngineStamp { engine_id: usm.engine.id(), boots: 1, time: 0 };
        let base = Request {
            user: &user,
            level: SecurityLevel::AuthPriv,
            engine,
            reportable: true,
            max_size: 65507,
            varbinds: 2,
        };
        let seeds = [
            sealed(&base),
            sealed(&Request { level: SecurityLevel::AuthNoPriv, ..base }),
            sealed(&Request { user: &anonymous, level: SecurityLevel::NoAuthNoPriv, ..base }),
        ];
        for m in crate::mutate::mutations(&seeds, 3000, 3, 0x9e37_79b9_7f4a_7c15) {
            if let Some(out) = answer(&d, &m) {
                assert!(Message::decode(&out).is_ok(), "unparsable answer to {m:02x?}");
            }
        }
    }
}
