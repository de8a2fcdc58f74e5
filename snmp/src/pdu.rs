//! PDUs (RFC 1157, RFC 3416): [`Pdu`] for every request/response/notification type that
//! shares the request-id/error-status/error-index layout, [`TrapV1Pdu`] for the v1 trap,
//! [`VarBind`], and the [`PduType`] and [`ErrorStatus`] enums.

use crate::ber::{self, Reader, tag};
use crate::error::DecodeError;
use crate::oid::Oid;
use crate::value::Value;

/// PDU context tags.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum PduType {
    GetRequest = 0xa0,
    GetNextRequest = 0xa1,
    Response = 0xa2,
    SetRequest = 0xa3,
    TrapV1 = 0xa4,
    GetBulkRequest = 0xa5,
    InformRequest = 0xa6,
    SnmpV2Trap = 0xa7,
    Report = 0xa8,
}

impl PduType {
    pub fn from_tag(t: u8) -> Result<PduType, DecodeError> {
        Ok(match t {
            0xa0 => PduType::GetRequest,
            0xa1 => PduType::GetNextRequest,
            0xa2 => PduType::Response,
            0xa3 => PduType::SetRequest,
            0xa4 => PduType::TrapV1,
            0xa5 => PduType::GetBulkRequest,
            0xa6 => PduType::InformRequest,
            0xa7 => PduType::SnmpV2Trap,
            0xa8 => PduType::Report,
            other => return Err(DecodeError::UnknownPduType(other)),
        })
    }
}

/// RFC 3416 error-status values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorStatus {
    NoError = 0,
    TooBig = 1,
    NoSuchName = 2,
    BadValue = 3,
    ReadOnly = 4,
    GenErr = 5,
    NoAccess = 6,
    WrongType = 7,
    WrongLength = 8,
    WrongEncoding = 9,
    WrongValue = 10,
    NoCreation = 11,
    InconsistentValue = 12,
    ResourceUnavailable = 13,
    CommitFailed = 14,
    UndoFailed = 15,
    AuthorizationError = 16,
    NotWritable = 17,
    InconsistentName = 18,
}

impl ErrorStatus {
    const ALL: [ErrorStatus; 19] = [
        ErrorStatus::NoError,
        ErrorStatus::TooBig,
        ErrorStatus::NoSuchName,
        ErrorStatus::BadValue,
        ErrorStatus::ReadOnly,
        ErrorStatus::GenErr,
        ErrorStatus::NoAccess,
        ErrorStatus::WrongType,
        ErrorStatus::WrongLength,
        ErrorStatus::WrongEncoding,
        ErrorStatus::WrongValue,
        ErrorStatus::NoCreation,
        ErrorStatus::InconsistentValue,
        ErrorStatus::ResourceUnavailable,
        ErrorStatus::CommitFailed,
        ErrorStatus::UndoFailed,
        ErrorStatus::AuthorizationError,
        ErrorStatus::NotWritable,
        ErrorStatus::InconsistentName,
    ];

    pub fn from_i32(v: i32) -> Option<ErrorStatus> {
        usize::try_from(v).ok().and_then(|i| Self::ALL.get(i).copied())
    }

    /// The RFC's name, as net-snmp's `snmp_errstring` prints it.
    pub fn name(self) -> &'static str {
        match self {
            ErrorStatus::NoError => "noError",
            ErrorStatus::TooBig => "tooBig",
            ErrorStatus::NoSuchName => "noSuchName",
            ErrorStatus::BadValue => "badValue",
            ErrorStatus::ReadOnly => "readOnly",
            ErrorStatus::GenErr => "genErr",
            ErrorStatus::NoAccess => "noAccess",
            ErrorStatus::WrongType => "wrongType",
            ErrorStatus::WrongLength => "wrongLength",
            ErrorStatus::WrongEncoding => "wrongEncoding",
            ErrorStatus::WrongValue => "wrongValue",
            ErrorStatus::NoCreation => "noCreation",
            ErrorStatus::InconsistentValue => "inconsistentValue",
            ErrorStatus::ResourceUnavailable => "resourceUnavailable",
            ErrorStatus::CommitFailed => "commitFailed",
            ErrorStatus::UndoFailed => "undoFailed",
            ErrorStatus::AuthorizationError => "authorizationError",
            ErrorStatus::NotWritable => "notWritable",
            ErrorStatus::InconsistentName => "inconsistentName",
        }
    }
}

/// An OID and its value.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct VarBind<'a> {
    pub oid: Oid,
    pub value: Value<'a>,
}

impl<'a> VarBind<'a> {
    pub fn new(oid: Oid, value: Value<'a>) -> Self {
        VarBind { oid, value }
    }

    /// A request varbind: the OID with a NULL value.
    pub fn null(oid: Oid) -> VarBind<'static> {
        VarBind { oid, value: Value::Null }
    }

    fn content_len(&self) -> usize {
        ber::tlv_len(self.oid.ber_content_len()) + self.value.encoded_len()
    }

    pub fn encoded_len(&self) -> usize {
        ber::tlv_len(self.content_len())
    }

    pub fn encode(&self, buf: &mut Vec<u8>) {
        ber::write_tlv_with(buf, tag::SEQUENCE, |b| {
            ber::write_tlv_with(b, tag::OBJECT_IDENTIFIER, |b| self.oid.encode_ber_content(b));
            self.value.encode(b);
        });
    }

    pub fn into_owned(self) -> VarBind<'static> {
        VarBind { oid: self.oid, value: self.value.into_owned() }
    }
}

/// Decodes the content of a VarBindList SEQUENCE.
pub fn decode_varbinds(content: &[u8]) -> Result<Vec<VarBind<'_>>, DecodeError> {
    let mut list = Reader::new(content);
    // Each varbind takes at least 6 bytes (30 04 06 00 05 00), which bounds the allocation.
    let mut out = Vec::with_capacity((content.len() / 6).min(64));
    while !list.is_empty() {
        let mut vb = Reader::new(list.expect(tag::SEQUENCE)?);
        let oid_content = vb.expect(tag::OBJECT_IDENTIFIER)?;
        let (t, c) = vb.read_tlv()?;
        vb.finish("varbind")?;
        let value = Value::decode(t, c)?;
        // The OID is decoded in place: moving OIDs through return values was a measurable
        // share of decoding time (memmove in profiles).
        out.push(VarBind { oid: Oid::new(), value });
        if let Some(slot) = out.last_mut() {
            slot.oid.decode_ber_into(oid_content)?;
        }
    }
    Ok(out)
}

fn varbinds_content_len(varbinds: &[VarBind<'_>]) -> usize {
    varbinds.iter().map(VarBind::encoded_len).sum()
}

fn encode_varbinds(buf: &mut Vec<u8>, varbinds: &[VarBind<'_>]) {
    ber::write_tlv_with(buf, tag::SEQUENCE, |b| {
        for vb in varbinds {
            vb.encode(b);
        }
    });
}

/// Every PDU but the v1 trap. For GetBulkRequest, `error_status` is non-repeaters and
/// `error_index` is max-repetitions (see the accessors).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pdu<'a> {
    pub pdu_type: PduType,
    /// Kept as decoded, 64-bit: agents echo out-of-range request-ids (2^31) as they came.
    pub request_id: i64,
    pub error_status: i32,
    pub error_index: i32,
    pub varbinds: Vec<VarBind<'a>>,
}

impl<'a> Pdu<'a> {
    pub fn new(pdu_type: PduType, request_id: i64, varbinds: Vec<VarBind<'a>>) -> Self {
        Pdu { pdu_type, request_id, error_status: 0, error_index: 0, varbinds }
    }

    pub fn get_bulk(request_id: i64, non_repeaters: i32, max_repetitions: i32, varbinds: Vec<VarBind<'a>>) -> Self {
        Pdu {
            pdu_type: PduType::GetBulkRequest,
            request_id,
            error_status: non_repeaters,
            error_index: max_repetitions,
            varbinds,
        }
    }

    pub fn non_repeaters(&self) -> i32 {
        self.error_status
    }

    pub fn max_repetitions(&self) -> i32 {
        self.error_index
    }

    /// Decodes the content of a PDU whose tag was `pdu_type`.
    pub fn decode_content(pdu_type: PduType, content: &'a [u8]) -> Result<Pdu<'a>, DecodeError> {
        let mut r = Reader::new(content);
        let request_id = r.read_integer()?;
        let error_status = r.read_i32()?;
        let error_index = r.read_i32()?;
        let varbinds = decode_varbinds(r.expect(tag::SEQUENCE)?)?;
        r.finish("PDU")?;
        Ok(Pdu { pdu_type, request_id, error_status, error_index, varbinds })
    }

    fn content_len(&self) -> usize {
        ber::tlv_len(ber::signed_len(self.request_id))
            + ber::tlv_len(ber::signed_len(i64::from(self.error_status)))
            + ber::tlv_len(ber::signed_len(i64::from(self.error_index)))
            + ber::tlv_len(varbinds_content_len(&self.varbinds))
    }

    pub fn encoded_len(&self) -> usize {
        ber::tlv_len(self.content_len())
    }

    pub fn encode(&self, buf: &mut Vec<u8>) {
        ber::write_tlv_with(buf, self.pdu_type as u8, |b| {
            ber::write_signed(b, tag::INTEGER, self.request_id);
            ber::write_signed(b, tag::INTEGER, i64::from(self.error_status));
            ber::write_signed(b, tag::INTEGER, i64::from(self.error_index));
            encode_varbinds(b, &self.varbinds);
        });
    }

    pub fn into_owned(self) -> Pdu<'static> {
        Pdu {
            pdu_type: self.pdu_type,
            request_id: self.request_id,
            error_status: self.error_status,
            error_index: self.error_index,
            varbinds: self.varbinds.into_iter().map(VarBind::into_owned).collect(),
        }
    }
}

/// The SNMPv1 Trap-PDU (RFC 1157 §4.1.6).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrapV1Pdu<'a> {
    pub enterprise: Oid,
    pub agent_addr: [u8; 4],
    pub generic_trap: i32,
    pub specific_trap: i32,
    pub time_stamp: u32,
    pub varbinds: Vec<VarBind<'a>>,
}

impl<'a> TrapV1Pdu<'a> {
    pub fn decode_content(content: &'a [u8]) -> Result<TrapV1Pdu<'a>, DecodeError> {
        let mut r = Reader::new(content);
        let enterprise = Oid::decode_ber(r.expect(tag::OBJECT_IDENTIFIER)?)?;
        let addr = r.expect(tag::IP_ADDRESS)?;
        let agent_addr = addr.try_into().map_err(|_| DecodeError::BadLength { what: "agent-addr", len: addr.len() })?;
        let generic_trap = r.read_i32()?;
        let specific_trap = r.read_i32()?;
        let time_stamp = ber::decode_unsigned(r.expect(tag::TIMETICKS)?, 32)? as u32;
        let varbinds = decode_varbinds(r.expect(tag::SEQUENCE)?)?;
        r.finish("Trap-PDU")?;
        Ok(TrapV1Pdu { enterprise, agent_addr, generic_trap, specific_trap, time_stamp, varbinds })
    }

    fn content_len(&self) -> usize {
        ber::tlv_len(self.enterprise.ber_content_len())
            + ber::tlv_len(4)
            + ber::tlv_len(ber::signed_len(i64::from(self.generic_trap)))
            + ber::tlv_len(ber::signed_len(i64::from(self.specific_trap)))
            + ber::tlv_len(ber::unsigned_len(u64::from(self.time_stamp)))
            + ber::tlv_len(varbinds_content_len(&self.varbinds))
    }

    pub fn encoded_len(&self) -> usize {
        ber::tlv_len(self.content_len())
    }

    pub fn encode(&self, buf: &mut Vec<u8>) {
        ber::write_tlv_with(buf, PduType::TrapV1 as u8, |b| {
            ber::write_tlv_with(b, tag::OBJECT_IDENTIFIER, |b| self.enterprise.encode_ber_content(b));
            ber::write_octets(b, tag::IP_ADDRESS, &self.agent_addr);
            ber::write_signed(b, tag::INTEGER, i64::from(self.generic_trap));
            ber::write_signed(b, tag::INTEGER, i64::from(self.specific_trap));
            ber::write_unsigned(b, tag::TIMETICKS, u64::from(self.time_stamp));
            encode_varbinds(b, &self.varbinds);
        });
    }

    pub fn into_owned(self) -> TrapV1Pdu<'static> {
        TrapV1Pdu {
            enterprise: self.enterprise,
            agent_addr: self.agent_addr,
            generic_trap: self.generic_trap,
            specific_trap: self.specific_trap,
            time_stamp: self.time_stamp,
            varbinds: self.varbinds.into_iter().map(VarBind::into_owned).collect(),
        }
    }
}

/// Any PDU a message can carry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Pdus<'a> {
    Pdu(Pdu<'a>),
    TrapV1(TrapV1Pdu<'a>),
}

impl<'a> Pdus<'a> {
    /// Decodes one PDU TLV from `r`.
    pub fn decode(r: &mut Reader<'a>) -> Result<Pdus<'a>, DecodeError> {
        let (t, content) = r.read_tlv()?;
        match PduType::from_tag(t)? {
            PduType::TrapV1 => Ok(Pdus::TrapV1(TrapV1Pdu::decode_content(content)?)),
            other => Ok(Pdus::Pdu(Pdu::decode_content(other, content)?)),
        }
    }

    pub fn pdu_type(&self) -> PduType {
        match self {
            Pdus::Pdu(p) => p.pdu_type,
            Pdus::TrapV1(_) => PduType::TrapV1,
        }
    }

    pub fn varbinds(&self) -> &[VarBind<'a>] {
        match self {
            Pdus::Pdu(p) => &p.varbinds,
            Pdus::TrapV1(t) => &t.varbinds,
        }
    }

    pub fn encoded_len(&self) -> usize {
        match self {
            Pdus::Pdu(p) => p.encoded_len(),
            Pdus::TrapV1(t) => t.encoded_len(),
        }
    }

    pub fn encode(&self, buf: &mut Vec<u8>) {
        match self {
            Pdus::Pdu(p) => p.encode(buf),
            Pdus::TrapV1(t) => t.encode(buf),
        }
    }

    pub fn into_owned(self) -> Pdus<'static> {
        match self {
            Pdus::Pdu(p) => Pdus::Pdu(p.into_owned()),
            Pdus::TrapV1(t) => Pdus::TrapV1(t.into_owned()),
        }
    }
}
