//! Differential tests against the independent `rasn-snmp` codec: for the captured net-snmp
//! datagrams and for a few thousand generated messages, bytes written by one codec are read
//! by the other and both must agree on the meaning (version, community, v3 header, request-id,
//! error fields, every varbind OID and value of every SMI type).
//!
//! Where rasn legitimately differs (checked or documented below):
//! - rasn's v2 `Pdu` holds request-id as `i32` and error-status/index (non-repeaters,
//!   max-repetitions) as `u32`; ours keeps request-id as `i64` (snmpd echoes a 5-byte 2^31)
//!   and the others as `i32`. Generated values stay inside both ranges.
//! - rasn's v1 module has no Counter64, exception values or GetBulk/Inform/Trap2/Report;
//!   ours decodes those inside a v1 message too (net-snmp answers a GetBulk sent as v1), so
//!   generated v1 messages only use v1 PDUs and types.
//! - rasn keeps msgFlags as an OCTET STRING of any length; ours requires exactly one byte
//!   (RFC 3412 §6.4), and refuses anything else with `BadLength`.
//! - rasn cannot hold an OID with fewer than two arcs, or a second arc >= 40 under arcs 0/1;
//!   ours decodes the one-byte OID net-snmp sends for `.2` as `0.2`. The generator only makes
//!   OIDs both can represent.
//! - rasn's BER decoder is the more lenient one on framing: it accepts indefinite lengths,
//!   which SNMP never uses and ours rejects (`IndefiniteLength`); see
//!   `indefinite_length_is_only_accepted_by_rasn`.
//!
//! Apart from these, both encoders write the same minimal encoding, which the tests assert
//! byte for byte.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::borrow::Cow;

use rasn::types::{FixedOctetString, Integer, ObjectIdentifier, OctetString};
use rasn_snmp::{v1, v2, v2c, v3};
use snmp::{
    CommunityMessage, Message, Oid, Pdu, PduType, Pdus, ScopedPdu, ScopedPduData, TrapV1Pdu, V3Header, V3Message,
    Value, VarBind, Version,
};

// ---------------------------------------------------------------------------------------------
// The meaning both sides are reduced to.

#[derive(Debug, Clone, PartialEq, Eq)]
enum CVal {
    Int(i64),
    Str(Vec<u8>),
    Null,
    Oid(Vec<u32>),
    Ip([u8; 4]),
    Counter32(u32),
    Gauge32(u32),
    Ticks(u32),
    Opaque(Vec<u8>),
    Counter64(u64),
    NoSuchObject,
    NoSuchInstance,
    EndOfMibView,
}

type CVarBinds = Vec<(Vec<u32>, CVal)>;

#[derive(Debug, Clone, PartialEq, Eq)]
enum CPdu {
    /// Tag, request-id, error-status (non-repeaters), error-index (max-repetitions).
    Pdu(u8, i64, i64, i64, CVarBinds),
    /// Enterprise, agent-addr, generic, specific, time-stamp.
    Trap(Vec<u32>, [u8; 4], i64, i64, u32, CVarBinds),
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum CMsg {
    Community(i64, Vec<u8>, CPdu),
    V3 {
        msg_id: i64,
        max_size: i64,
        flags: Vec<u8>,
        model: i64,
        sec: Vec<u8>,
        /// Plaintext (context engine ID, context name, PDU) or the encrypted bytes.
        data: Result<(Vec<u8>, Vec<u8>, CPdu), Vec<u8>>,
    },
}

// ---------------------------------------------------------------------------------------------
// Ours -> meaning.

fn c_value(v: &Value<'_>) -> CVal {
    match v {
        Value::Integer(i) => CVal::Int(i64::from(*i)),
        Value::OctetString(b) => CVal::Str(b.to_vec()),
        Value::Null => CVal::Null,
        Value::ObjectIdentifier(o) => CVal::Oid(o.to_vec()),
        Value::IpAddress(a) => CVal::Ip(*a),
        Value::Counter32(v) => CVal::Counter32(*v),
        Value::Gauge32(v) => CVal::Gauge32(*v),
        Value::TimeTicks(v) => CVal::Ticks(*v),
        Value::Opaque(b) => CVal::Opaque(b.to_vec()),
        Value::Counter64(v) => CVal::Counter64(*v),
        Value::NoSuchObject => CVal::NoSuchObject,
        Value::NoSuchInstance => CVal::NoSuchInstance,
        Value::EndOfMibView => CVal::EndOfMibView,
    }
}

fn c_varbinds(vbs: &[VarBind<'_>]) -> CVarBinds {
    vbs.iter().map(|vb| (vb.oid.to_vec(), c_value(&vb.value))).collect()
}

fn c_pdus(p: &Pdus<'_>) -> CPdu {
    match p {
        Pdus::Pdu(p) => CPdu::Pdu(
            p.pdu_type as u8,
            p.request_id,
            i64::from(p.error_status),
            i64::from(p.error_index),
            c_varbinds(&p.varbinds),
        ),
        Pdus::TrapV1(t) => CPdu::Trap(
            t.enterprise.to_vec(),
            t.agent_addr,
            i64::from(t.generic_trap),
            i64::from(t.specific_trap),
            t.time_stamp,
            c_varbinds(&t.varbinds),
        ),
    }
}

fn c_ours(m: &Message<'_>) -> CMsg {
    match m {
        Message::Community(c) => CMsg::Community(c.version as i64, c.community.to_vec(), c_pdus(&c.pdu)),
        Message::V3(v) => CMsg::V3 {
            msg_id: i64::from(v.header.msg_id),
            max_size: i64::from(v.header.max_size),
            flags: vec![v.header.flags],
            model: i64::from(v.header.security_model),
            sec: v.security_parameters.to_vec(),
            data: match &v.data {
                ScopedPduData::Plaintext(s) => {
                    Ok((s.context_engine_id.to_vec(), s.context_name.to_vec(), c_pdus(&s.pdu)))
                }
                ScopedPduData::Encrypted(b) => Err(b.to_vec()),
            },
        },
    }
}

// ---------------------------------------------------------------------------------------------
// rasn -> meaning.

fn int(i: &Integer) -> i64 {
    i64::try_from(i).expect("fits i64")
}

fn r_v1_value(v: &rasn_smi::v1::ObjectSyntax) -> CVal {
    use rasn_smi::v1::{ApplicationSyntax as A, NetworkAddress, ObjectSyntax as O, SimpleSyntax as S};
    match v {
        O::Simple(S::Number(i)) => CVal::Int(int(i)),
        O::Simple(S::String(s)) => CVal::Str(s.to_vec()),
        O::Simple(S::Object(o)) => CVal::Oid(o.to_vec()),
        O::Simple(S::Empty) => CVal::Null,
        O::ApplicationWide(A::Address(NetworkAddress::Internet(ip))) => CVal::Ip(*ip.0),
        O::ApplicationWide(A::Counter(c)) => CVal::Counter32(c.0),
        O::ApplicationWide(A::Gauge(g)) => CVal::Gauge32(g.0),
        O::ApplicationWide(A::Ticks(t)) => CVal::Ticks(t.0),
        O::ApplicationWide(A::Arbitrary(o)) => CVal::Opaque(o.as_ref().to_vec()),
    }
}

fn r_v2_value(v: &v2::VarBindValue) -> CVal {
    use rasn_smi::v2::{ApplicationSyntax as A, ObjectSyntax as O, SimpleSyntax as S};
    match v {
        v2::VarBindValue::Value(O::Simple(S::Integer(i))) => CVal::Int(int(i)),
        v2::VarBindValue::Value(O::Simple(S::String(s))) => CVal::Str(s.to_vec()),
        v2::VarBindValue::Value(O::Simple(S::ObjectId(o))) => CVal::Oid(o.to_vec()),
        v2::VarBindValue::Value(O::ApplicationWide(a)) => match a {
            A::Address(ip) => CVal::Ip(*ip.0),
            A::Counter(c) => CVal::Counter32(c.0),
            A::Ticks(t) => CVal::Ticks(t.0),
            A::Arbitrary(o) => CVal::Opaque(o.as_ref().to_vec()),
            A::BigCounter(c) => CVal::Counter64(c.0),
            A::Unsigned(g) => CVal::Gauge32(g.0),
        },
        v2::VarBindValue::Unspecified => CVal::Null,
        v2::VarBindValue::NoSuchObject => CVal::NoSuchObject,
        v2::VarBindValue::NoSuchInstance => CVal::NoSuchInstance,
        v2::VarBindValue::EndOfMibView => CVal::EndOfMibView,
    }
}

fn r_v1_pdus(p: &v1::Pdus) -> CPdu {
    let plain = |tag: u8, p: &v1::Pdu| {
        CPdu::Pdu(
            tag,
            int(&p.request_id),
            int(&p.error_status),
            int(&p.error_index),
            p.variable_bindings.iter().map(|vb| (vb.name.to_vec(), r_v1_value(&vb.value))).collect(),
        )
    };
    match p {
        v1::Pdus::GetRequest(v1::GetRequest(p)) => plain(0xa0, p),
        v1::Pdus::GetNextRequest(v1::GetNextRequest(p)) => plain(0xa1, p),
        v1::Pdus::GetResponse(v1::GetResponse(p)) => plain(0xa2, p),
        v1::Pdus::SetRequest(v1::SetRequest(p)) => plain(0xa3, p),
        v1::Pdus::Trap(t) => {
            let rasn_smi::v1::NetworkAddress::Internet(ip) = &t.agent_addr;
            CPdu::Trap(
                t.enterprise.to_vec(),
                *ip.0,
                int(&t.generic_trap),
                int(&t.specific_trap),
                t.time_stamp.0,
                t.variable_bindings.iter().map(|vb| (vb.name.to_vec(), r_v1_value(&vb.value))).collect(),
            )
        }
    }
}

fn r_v2_varbinds(vbs: &[v2::VarBind]) -> CVarBinds {
    vbs.iter().map(|vb| (vb.name.to_vec(), r_v2_value(&vb.value))).collect()
}

fn r_v2_pdus(p: &v2::Pdus) -> CPdu {
    let plain = |tag: u8, p: &v2::Pdu| {
        CPdu::Pdu(
            tag,
            i64::from(p.request_id),
            i64::from(p.error_status),
            i64::from(p.error_index),
            r_v2_varbinds(&p.variable_bindings),
        )
    };
    match p {
        v2::Pdus::GetRequest(v2::GetRequest(p)) => plain(0xa0, p),
        v2::Pdus::GetNextRequest(v2::GetNextRequest(p)) => plain(0xa1, p),
        v2::Pdus::Response(v2::Response(p)) => plain(0xa2, p),
        v2::Pdus::SetRequest(v2::SetRequest(p)) => plain(0xa3, p),
        v2::Pdus::GetBulkRequest(v2::GetBulkRequest(b)) => CPdu::Pdu(
            0xa5,
            i64::from(b.request_id),
            i64::from(b.non_repeaters),
            i64::from(b.max_repetitions),
            r_v2_varbinds(&b.variable_bindings),
        ),
        v2::Pdus::InformRequest(v2::InformRequest(p)) => plain(0xa6, p),
        v2::Pdus::Trap(v2::Trap(p)) => plain(0xa7, p),
        v2::Pdus::Report(v2::Report(p)) => plain(0xa8, p),
    }
}

/// Decodes `bytes` with rasn, choosing the module from our reading of the version.
fn rasn_decode(bytes: &[u8], version: Version) -> Result<CMsg, rasn::error::DecodeError> {
    Ok(match version {
        Version::V1 => {
            let m: v1::Message<v1::Pdus> = rasn::ber::decode(bytes)?;
            CMsg::Community(int(&m.version), m.community.to_vec(), r_v1_pdus(&m.data))
        }
        Version::V2c => {
            let m: v2c::Message<v2::Pdus> = rasn::ber::decode(bytes)?;
            CMsg::Community(int(&m.version), m.community.to_vec(), r_v2_pdus(&m.data))
        }
        Version::V3 => {
            let m: v3::Message = rasn::ber::decode(bytes)?;
            let h = &m.global_data;
            CMsg::V3 {
                msg_id: int(&h.message_id),
                max_size: int(&h.max_size),
                flags: h.flags.to_vec(),
                model: int(&h.security_model),
                sec: m.security_parameters.to_vec(),
                data: match &m.scoped_data {
                    v3::ScopedPduData::CleartextPdu(s) => {
                        Ok((s.engine_id.to_vec(), s.name.to_vec(), r_v2_pdus(&s.data)))
                    }
                    v3::ScopedPduData::EncryptedPdu(b) => Err(b.to_vec()),
                },
            }
        }
    })
}

// ---------------------------------------------------------------------------------------------
// Ours -> rasn values, so rasn can do the encoding.

fn r_oid(o: &Oid) -> ObjectIdentifier {
    ObjectIdentifier::new(o.to_vec()).unwrap_or_else(|| panic!("rasn refuses OID {o}"))
}

fn os(b: &[u8]) -> OctetString {
    OctetString::from(b.to_vec())
}

fn opaque(b: &[u8]) -> rasn_smi::v1::Opaque {
    // rasn's Opaque has no public constructor from raw bytes; decode its own TLV.
    let mut tlv = Vec::new();
    Value::Opaque(Cow::Borrowed(b)).encode(&mut tlv);
    rasn::ber::decode(&tlv).unwrap()
}

fn to_r_v1_value(v: &Value<'_>) -> rasn_smi::v1::ObjectSyntax {
    use rasn_smi::v1::{
        ApplicationSyntax as A, Counter, Gauge, IpAddress, NetworkAddress, ObjectSyntax as O, SimpleSyntax as S,
        TimeTicks,
    };
    match v {
        Value::Integer(i) => O::Simple(S::Number(Integer::from(*i))),
        Value::OctetString(b) => O::Simple(S::String(os(b))),
        Value::Null => O::Simple(S::Empty),
        Value::ObjectIdentifier(o) => O::Simple(S::Object(r_oid(o))),
        Value::IpAddress(a) => {
            O::ApplicationWide(A::Address(NetworkAddress::Internet(IpAddress(FixedOctetString::from(*a)))))
        }
        Value::Counter32(c) => O::ApplicationWide(A::Counter(Counter(*c))),
        Value::Gauge32(g) => O::ApplicationWide(A::Gauge(Gauge(*g))),
        Value::TimeTicks(t) => O::ApplicationWide(A::Ticks(TimeTicks(*t))),
        Value::Opaque(b) => O::ApplicationWide(A::Arbitrary(opaque(b))),
        other => panic!("{other:?} has no SNMPv1 form in rasn"),
    }
}

fn to_r_v2_value(v: &Value<'_>) -> v2::VarBindValue {
    use rasn_smi::v1::{Counter, Gauge, IpAddress, TimeTicks};
    use rasn_smi::v2::{ApplicationSyntax as A, Counter64, ObjectSyntax as O, SimpleSyntax as S};
    let app = |a| v2::VarBindValue::Value(O::ApplicationWide(a));
    match v {
        Value::Integer(i) => v2::VarBindValue::Value(O::Simple(S::Integer(Integer::from(*i)))),
        Value::OctetString(b) => v2::VarBindValue::Value(O::Simple(S::String(os(b)))),
        Value::Null => v2::VarBindValue::Unspecified,
        Value::ObjectIdentifier(o) => v2::VarBindValue::Value(O::Simple(S::ObjectId(r_oid(o)))),
        Value::IpAddress(a) => app(A::Address(IpAddress(FixedOctetString::from(*a)))),
        Value::Counter32(c) => app(A::Counter(Counter(*c))),
        Value::Gauge32(g) => app(A::Unsigned(Gauge(*g))),
        Value::TimeTicks(t) => app(A::Ticks(TimeTicks(*t))),
        Value::Opaque(b) => app(A::Arbitrary(opaque(b))),
        Value::Counter64(c) => app(A::BigCounter(Counter64(*c))),
        Value::NoSuchObject => v2::VarBindValue::NoSuchObject,
        Value::NoSuchInstance => v2::VarBindValue::NoSuchInstance,
        Value::EndOfMibView => v2::VarBindValue::EndOfMibView,
    }
}

fn to_r_v1_pdus(p: &Pdus<'_>) -> v1::Pdus {
    let vbs = |vbs: &[VarBind<'_>]| {
        vbs.iter().map(|vb| v1::VarBind { name: r_oid(&vb.oid), value: to_r_v1_value(&vb.value) }).collect::<Vec<_>>()
    };
    match p {
        Pdus::Pdu(p) => {
            let pdu = v1::Pdu {
                request_id: Integer::from(p.request_id),
                error_status: Integer::from(p.error_status),
                error_index: Integer::from(p.error_index),
                variable_bindings: vbs(&p.varbinds),
            };
            match p.pdu_type {
                PduType::GetRequest => v1::Pdus::GetRequest(v1::GetRequest(pdu)),
                PduType::GetNextRequest => v1::Pdus::GetNextRequest(v1::GetNextRequest(pdu)),
                PduType::Response => v1::Pdus::GetResponse(v1::GetResponse(pdu)),
                PduType::SetRequest => v1::Pdus::SetRequest(v1::SetRequest(pdu)),
                other => panic!("{other:?} is not an SNMPv1 PDU in rasn"),
            }
        }
        Pdus::TrapV1(t) => v1::Pdus::Trap(v1::Trap {
            enterprise: r_oid(&t.enterprise),
            agent_addr: rasn_smi::v1::NetworkAddress::Internet(rasn_smi::v1::IpAddress(FixedOctetString::from(
                t.agent_addr,
            ))),
            generic_trap: Integer::from(t.generic_trap),
            specific_trap: Integer::from(t.specific_trap),
            time_stamp: rasn_smi::v1::TimeTicks(t.time_stamp),
            variable_bindings: vbs(&t.varbinds),
        }),
    }
}

fn to_r_v2_pdus(p: &Pdus<'_>) -> v2::Pdus {
    let Pdus::Pdu(p) = p else { panic!("a v1 trap has no v2 form") };
    let variable_bindings: Vec<v2::VarBind> =
        p.varbinds.iter().map(|vb| v2::VarBind { name: r_oid(&vb.oid), value: to_r_v2_value(&vb.value) }).collect();
    let request_id = i32::try_from(p.request_id).expect("rasn request-id is i32");
    let u = |v: i32| u32::try_from(v).expect("rasn error fields are u32");
    if p.pdu_type == PduType::GetBulkRequest {
        return v2::Pdus::GetBulkRequest(v2::GetBulkRequest(v2::BulkPdu {
            request_id,
            non_repeaters: u(p.non_repeaters()),
            max_repetitions: u(p.max_repetitions()),
            variable_bindings,
        }));
    }
    let pdu = v2::Pdu { request_id, error_status: u(p.error_status), error_index: u(p.error_index), variable_bindings };
    match p.pdu_type {
        PduType::GetRequest => v2::Pdus::GetRequest(v2::GetRequest(pdu)),
        PduType::GetNextRequest => v2::Pdus::GetNextRequest(v2::GetNextRequest(pdu)),
        PduType::Response => v2::Pdus::Response(v2::Response(pdu)),
        PduType::SetRequest => v2::Pdus::SetRequest(v2::SetRequest(pdu)),
        PduType::InformRequest => v2::Pdus::InformRequest(v2::InformRequest(pdu)),
        PduType::SnmpV2Trap => v2::Pdus::Trap(v2::Trap(pdu)),
        PduType::Report => v2::Pdus::Report(v2::Report(pdu)),
        PduType::GetBulkRequest | PduType::TrapV1 => unreachable!(),
    }
}

/// Encodes our message with rasn.
fn rasn_encode(m: &Message<'_>) -> Vec<u8> {
    match m {
        Message::Community(c) => match c.version {
            Version::V1 => rasn::ber::encode(&v1::Message {
                version: Integer::from(0),
                community: os(&c.community),
                data: to_r_v1_pdus(&c.pdu),
            }),
            Version::V2c => rasn::ber::encode(&v2c::Message {
                version: Integer::from(1),
                community: os(&c.community),
                data: to_r_v2_pdus(&c.pdu),
            }),
            Version::V3 => panic!("community message with version 3"),
        },
        Message::V3(v) => rasn::ber::encode(&v3::Message {
            version: Integer::from(3),
            global_data: v3::HeaderData {
                message_id: Integer::from(v.header.msg_id),
                max_size: Integer::from(v.header.max_size),
                flags: os(&[v.header.flags]),
                security_model: Integer::from(v.header.security_model),
            },
            security_parameters: os(&v.security_parameters),
            scoped_data: match &v.data {
                ScopedPduData::Plaintext(s) => v3::ScopedPduData::CleartextPdu(v3::ScopedPdu {
                    engine_id: os(&s.context_engine_id),
                    name: os(&s.context_name),
                    data: to_r_v2_pdus(&s.pdu),
                }),
                ScopedPduData::Encrypted(b) => v3::ScopedPduData::EncryptedPdu(os(b)),
            },
        }),
    }
    .expect("rasn encodes")
}

/// The two-way check: ours -> rasn and rasn -> ours agree on the meaning, and both encoders
/// produce the same bytes.
fn check_both_ways(m: &Message<'_>) {
    let meaning = c_ours(m);
    let ours = m.to_vec();
    assert_eq!(ours.len(), m.encoded_len());
    let theirs_read =
        rasn_decode(&ours, m.version()).unwrap_or_else(|e| panic!("rasn cannot decode our {m:?}: {e}\n{ours:02x?}"));
    assert_eq!(theirs_read, meaning, "rasn reads our bytes differently");

    let theirs = rasn_encode(m);
    let ours_read =
        Message::decode(&theirs).unwrap_or_else(|e| panic!("we cannot decode rasn's encoding of {m:?}: {e}"));
    assert_eq!(c_ours(&ours_read), meaning, "we read rasn's bytes differently");
    assert_eq!(theirs, ours, "the two encoders disagree on the bytes");
}

// ---------------------------------------------------------------------------------------------
// The captured packets.

#[test]
fn captured_packets_agree() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/packets");
    let mut n = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "bin") {
            continue;
        }
        let bytes = std::fs::read(&path).unwrap();
        let m = Message::decode(&bytes).unwrap();
        // rasn reads net-snmp's own bytes the same way we do ...
        let theirs = rasn_decode(&bytes, m.version()).unwrap_or_else(|e| panic!("{}: rasn: {e}", path.display()));
        assert_eq!(theirs, c_ours(&m), "{}", path.display());
        // ... and re-encoding through either codec gives net-snmp's bytes back.
        check_both_ways(&m);
        assert_eq!(rasn_encode(&m), bytes, "{}", path.display());
        n += 1;
    }
    assert_eq!(n, 26);
}

// ---------------------------------------------------------------------------------------------
// Generated messages.

/// splitmix64: small, deterministic, good enough to spread values over every field.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn pick<'t, T>(&mut self, items: &'t [T]) -> &'t T {
        &items[self.below(items.len() as u64) as usize]
    }
    /// Values that stress the length of the encoding: small, byte boundaries, extremes.
    fn u64_edgy(&mut self) -> u64 {
        match self.below(4) {
            0 => self.below(300),
            1 => {
                let bits = self.below(64) as u32 + 1;
                let v = 1u64 << (bits - 1);
                match self.below(3) {
                    0 => v,
                    1 => v - 1,
                    _ => v.wrapping_add(1),
                }
            }
            2 => u64::MAX - self.below(3),
            _ => self.next(),
        }
    }
    fn u32_edgy(&mut self) -> u32 {
        self.u64_edgy() as u32
    }
    fn i32_edgy(&mut self) -> i32 {
        self.u64_edgy() as i32
    }
    fn non_negative_i32(&mut self) -> i32 {
        self.i32_edgy() & i32::MAX
    }
    fn bytes(&mut self, max: u64) -> Vec<u8> {
        let len = if self.below(20) == 0 { self.below(max + 1) } else { self.below(max.min(40) + 1) };
        (0..len).map(|_| self.next() as u8).collect()
    }
    fn oid(&mut self) -> Oid {
        let first = self.below(3) as u32;
        let second = if first < 2 { self.below(40) as u32 } else { self.u32_edgy() % (u32::MAX - 80) };
        let mut o = Oid::from_slice(&[first, second]);
        let extra = if self.below(10) == 0 { self.below(127) } else { self.below(14) };
        for _ in 0..extra {
            o.push(if self.below(2) == 0 { self.below(200) as u32 } else { self.u32_edgy() });
        }
        o
    }
    fn value(&mut self, v1_only: bool) -> Value<'static> {
        let kinds = if v1_only { 9 } else { 13 };
        match self.below(kinds) {
            0 => Value::Integer(self.i32_edgy()),
            1 => Value::OctetString(Cow::Owned(self.bytes(400))),
            2 => Value::Null,
            3 => Value::oid(self.oid()),
            4 => Value::IpAddress((self.next() as u32).to_be_bytes()),
            5 => Value::Counter32(self.u32_edgy()),
            6 => Value::Gauge32(self.u32_edgy()),
            7 => Value::TimeTicks(self.u32_edgy()),
            8 => Value::Opaque(Cow::Owned(self.bytes(20))),
            9 => Value::Counter64(self.u64_edgy()),
            10 => Value::NoSuchObject,
            11 => Value::NoSuchInstance,
            _ => Value::EndOfMibView,
        }
    }
    fn varbinds(&mut self, v1_only: bool) -> Vec<VarBind<'static>> {
        let n = if self.below(8) == 0 { self.below(60) } else { self.below(8) };
        (0..n).map(|_| VarBind::new(self.oid(), self.value(v1_only))).collect()
    }
    fn pdu(&mut self, types: &[PduType], v1_only: bool) -> Pdus<'static> {
        let pdu_type = *self.pick(types);
        if pdu_type == PduType::TrapV1 {
            return Pdus::TrapV1(TrapV1Pdu {
                enterprise: self.oid(),
                agent_addr: (self.next() as u32).to_be_bytes(),
                generic_trap: self.i32_edgy(),
                specific_trap: self.i32_edgy(),
                time_stamp: self.u32_edgy(),
                varbinds: self.varbinds(true),
            });
        }
        Pdus::Pdu(Pdu {
            pdu_type,
            request_id: i64::from(self.i32_edgy()),
            error_status: self.non_negative_i32(),
            error_index: self.non_negative_i32(),
            varbinds: self.varbinds(v1_only),
        })
    }
    fn message(&mut self) -> Message<'static> {
        use PduType::*;
        const V1: &[PduType] = &[GetRequest, GetNextRequest, Response, SetRequest, TrapV1];
        const V2: &[PduType] =
            &[GetRequest, GetNextRequest, Response, SetRequest, GetBulkRequest, InformRequest, SnmpV2Trap, Report];
        match self.below(4) {
            0 => Message::Community(CommunityMessage {
                version: Version::V1,
                community: Cow::Owned(self.bytes(300)),
                pdu: self.pdu(V1, true),
            }),
            1 => Message::Community(CommunityMessage {
                version: Version::V2c,
                community: Cow::Owned(self.bytes(300)),
                pdu: self.pdu(V2, false),
            }),
            _ => Message::V3(V3Message {
                header: V3Header {
                    msg_id: self.non_negative_i32(),
                    max_size: self.non_negative_i32(),
                    flags: self.next() as u8,
                    security_model: self.non_negative_i32(),
                },
                security_parameters: Cow::Owned(self.bytes(200)),
                data: if self.below(3) == 0 {
                    ScopedPduData::Encrypted(Cow::Owned(self.bytes(600)))
                } else {
                    ScopedPduData::Plaintext(ScopedPdu {
                        context_engine_id: Cow::Owned(self.bytes(32)),
                        context_name: Cow::Owned(self.bytes(32)),
                        pdu: self.pdu(V2, false),
                    })
                },
            }),
        }
    }
}

#[test]
fn generated_messages_agree() {
    let mut rng = Rng(0x05b7_e7c0_dec0_0001);
    for i in 0..3000 {
        let m = rng.message();
        let r = std::panic::catch_unwind(|| check_both_ways(&m));
        if r.is_err() {
            panic!("generated message #{i} failed: {m:?}");
        }
    }
}

#[test]
fn every_value_type_is_generated() {
    let mut rng = Rng(1);
    let mut seen = std::collections::HashSet::new();
    for _ in 0..500 {
        seen.insert(rng.value(false).tag());
    }
    assert_eq!(seen.len(), 13);
}

#[test]
fn indefinite_length_is_only_accepted_by_rasn() {
    // A v2c GET of sysUpTime.0 whose outer SEQUENCE uses the indefinite form (0x80 ... 00 00).
    let definite =
        std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/packets/v2c-get-exceptions-request.bin")).unwrap();
    let mut indefinite = vec![0x30, 0x80];
    indefinite.extend_from_slice(&definite[2..]);
    indefinite.extend_from_slice(&[0, 0]);
    assert_eq!(Message::decode(&indefinite), Err(snmp::DecodeError::IndefiniteLength));
    let ours = c_ours(&Message::decode(&definite).unwrap());
    let theirs = rasn_decode(&indefinite, Version::V2c).expect("rasn 0.30 accepts indefinite lengths");
    assert_eq!(theirs, ours);
}
