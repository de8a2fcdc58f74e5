//! Message framing: the community-based v1/v2c message (RFC 1157, RFC 1901) and the v3
//! message (RFC 3412 §6) with its header, opaque security parameters and scoped PDU.
//! USM processing of the security parameters lives elsewhere; here they are bytes.

use std::borrow::Cow;

use crate::ber::{self, Reader, tag};
use crate::error::DecodeError;
use crate::pdu::Pdus;

/// msgVersion values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Version {
    V1 = 0,
    V2c = 1,
    V3 = 3,
}

impl Version {
    pub fn from_wire(v: i64) -> Result<Version, DecodeError> {
        match v {
            0 => Ok(Version::V1),
            1 => Ok(Version::V2c),
            3 => Ok(Version::V3),
            other => Err(DecodeError::UnsupportedVersion(other)),
        }
    }
}

/// A v1 or v2c message: version, community, PDU.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommunityMessage<'a> {
    pub version: Version,
    pub community: Cow<'a, [u8]>,
    pub pdu: Pdus<'a>,
}

impl<'a> CommunityMessage<'a> {
    fn content_len(&self) -> usize {
        ber::tlv_len(1) + ber::tlv_len(self.community.len()) + self.pdu.encoded_len()
    }
}

/// msgGlobalData.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct V3Header {
    pub msg_id: i32,
    pub max_size: i32,
    pub flags: u8,
    pub security_model: i32,
}

impl V3Header {
    pub const FLAG_AUTH: u8 = 0x01;
    pub const FLAG_PRIV: u8 = 0x02;
    pub const FLAG_REPORTABLE: u8 = 0x04;

    fn content_len(&self) -> usize {
        ber::tlv_len(ber::signed_len(i64::from(self.msg_id)))
            + ber::tlv_len(ber::signed_len(i64::from(self.max_size)))
            + ber::tlv_len(1)
            + ber::tlv_len(ber::signed_len(i64::from(self.security_model)))
    }
}

/// A plaintext scoped PDU.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScopedPdu<'a> {
    pub context_engine_id: Cow<'a, [u8]>,
    pub context_name: Cow<'a, [u8]>,
    pub pdu: Pdus<'a>,
}

impl<'a> ScopedPdu<'a> {
    pub fn decode(content: &'a [u8]) -> Result<ScopedPdu<'a>, DecodeError> {
        let mut r = Reader::new(content);
        let context_engine_id = Cow::Borrowed(r.expect(tag::OCTET_STRING)?);
        let context_name = Cow::Borrowed(r.expect(tag::OCTET_STRING)?);
        let pdu = Pdus::decode(&mut r)?;
        r.finish("scopedPDU")?;
        Ok(ScopedPdu { context_engine_id, context_name, pdu })
    }

    pub fn into_owned(self) -> ScopedPdu<'static> {
        ScopedPdu {
            context_engine_id: Cow::Owned(self.context_engine_id.into_owned()),
            context_name: Cow::Owned(self.context_name.into_owned()),
            pdu: self.pdu.into_owned(),
        }
    }

    fn content_len(&self) -> usize {
        ber::tlv_len(self.context_engine_id.len()) + ber::tlv_len(self.context_name.len()) + self.pdu.encoded_len()
    }

    pub fn encoded_len(&self) -> usize {
        ber::tlv_len(self.content_len())
    }

    pub fn encode(&self, buf: &mut Vec<u8>) {
        ber::write_tlv_with(buf, tag::SEQUENCE, |b| {
            ber::write_octets(b, tag::OCTET_STRING, &self.context_engine_id);
            ber::write_octets(b, tag::OCTET_STRING, &self.context_name);
            self.pdu.encode(b);
        });
    }
}

/// msgData: plaintext, or the encrypted bytes of a scoped PDU.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ScopedPduData<'a> {
    Plaintext(ScopedPdu<'a>),
    Encrypted(Cow<'a, [u8]>),
}

impl ScopedPduData<'_> {
    fn encoded_len(&self) -> usize {
        match self {
            ScopedPduData::Plaintext(s) => s.encoded_len(),
            ScopedPduData::Encrypted(b) => ber::tlv_len(b.len()),
        }
    }
}

/// An SNMPv3 message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct V3Message<'a> {
    pub header: V3Header,
    pub security_parameters: Cow<'a, [u8]>,
    pub data: ScopedPduData<'a>,
}

impl V3Message<'_> {
    fn content_len(&self) -> usize {
        ber::tlv_len(1)
            + ber::tlv_len(self.header.content_len())
            + ber::tlv_len(self.security_parameters.len())
            + self.data.encoded_len()
    }
}

/// Any SNMP message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Message<'a> {
    Community(CommunityMessage<'a>),
    V3(V3Message<'a>),
}

impl<'a> Message<'a> {
    /// Decodes a whole datagram; bytes after the message are an error.
    pub fn decode(data: &'a [u8]) -> Result<Message<'a>, DecodeError> {
        let (msg, used) = Self::decode_prefix(data)?;
        match data.len() - used {
            0 => Ok(msg),
            extra => Err(DecodeError::TrailingData(extra, "message")),
        }
    }

    /// Decodes the message at the start of `data` and says how many bytes it took. Agents
    /// use this to ignore trailing bytes, as net-snmp's snmpd does.
    pub fn decode_prefix(data: &'a [u8]) -> Result<(Message<'a>, usize), DecodeError> {
        let mut outer = Reader::new(data);
        let content = outer.expect(tag::SEQUENCE)?;
        let used = data.len() - outer.remaining().len();
        let mut r = Reader::new(content);
        let version = Version::from_wire(r.read_integer()?)?;
        let msg = if version == Version::V3 {
            let mut h = Reader::new(r.expect(tag::SEQUENCE)?);
            let msg_id = h.read_i32()?;
            let max_size = h.read_i32()?;
            let flags_bytes = h.expect(tag::OCTET_STRING)?;
            let &[flags] = flags_bytes else {
                return Err(DecodeError::BadLength { what: "msgFlags", len: flags_bytes.len() });
            };
            let security_model = h.read_i32()?;
            h.finish("msgGlobalData")?;
            let security_parameters = Cow::Borrowed(r.expect(tag::OCTET_STRING)?);
            let (t, c) = r.read_tlv()?;
            let data = match t {
                tag::SEQUENCE => ScopedPduData::Plaintext(ScopedPdu::decode(c)?),
                tag::OCTET_STRING => ScopedPduData::Encrypted(Cow::Borrowed(c)),
                found => {
                    return Err(DecodeError::UnexpectedTag { expected: tag::SEQUENCE, found });
                }
            };
            Message::V3(V3Message {
                header: V3Header { msg_id, max_size, flags, security_model },
                security_parameters,
                data,
            })
        } else {
            let community = Cow::Borrowed(r.expect(tag::OCTET_STRING)?);
            let pdu = Pdus::decode(&mut r)?;
            Message::Community(CommunityMessage { version, community, pdu })
        };
        r.finish("message")?;
        Ok((msg, used))
    }

    pub fn version(&self) -> Version {
        match self {
            Message::Community(m) => m.version,
            Message::V3(_) => Version::V3,
        }
    }

    fn content_len(&self) -> usize {
        match self {
            Message::Community(m) => m.content_len(),
            Message::V3(m) => m.content_len(),
        }
    }

    /// Size of the encoded message, known before writing (so an agent can answer tooBig).
    pub fn encoded_len(&self) -> usize {
        ber::tlv_len(self.content_len())
    }

    /// Appends the encoded message to `buf`.
    pub fn encode(&self, buf: &mut Vec<u8>) {
        ber::write_tlv_with(buf, tag::SEQUENCE, |buf| {
            ber::write_signed(buf, tag::INTEGER, self.version() as i64);
            match self {
                Message::Community(m) => {
                    ber::write_octets(buf, tag::OCTET_STRING, &m.community);
                    m.pdu.encode(buf);
                }
                Message::V3(m) => {
                    let h = &m.header;
                    ber::write_tlv_with(buf, tag::SEQUENCE, |b| {
                        ber::write_signed(b, tag::INTEGER, i64::from(h.msg_id));
                        ber::write_signed(b, tag::INTEGER, i64::from(h.max_size));
                        ber::write_octets(b, tag::OCTET_STRING, &[h.flags]);
                        ber::write_signed(b, tag::INTEGER, i64::from(h.security_model));
                    });
                    ber::write_octets(buf, tag::OCTET_STRING, &m.security_parameters);
                    match &m.data {
                        ScopedPduData::Plaintext(s) => s.encode(buf),
                        ScopedPduData::Encrypted(b) => ber::write_octets(buf, tag::OCTET_STRING, b),
                    }
                }
            }
        });
    }

    pub fn to_vec(&self) -> Vec<u8> {
        let mut v = Vec::with_capacity(self.encoded_len());
        self.encode(&mut v);
        v
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]
mod tests {
    use super::*;
    use crate::pdu::{Pdu, PduType, TrapV1Pdu, VarBind};
    use crate::value::Value;

    /// snmpget -v2c -c public 127.0.0.1 .1.3.6.1.2.1.1.1.0, as net-snmp 5.9 sends it.
    const GET_SYSDESCR: &[u8] = &[
        0x30, 0x29, 0x02, 0x01, 0x01, 0x04, 0x06, b'p', b'u', b'b', b'l', b'i', b'c', 0xa0, 0x1c, 0x02, 0x04, 0x12,
        0x34, 0x56, 0x78, 0x02, 0x01, 0x00, 0x02, 0x01, 0x00, 0x30, 0x0e, 0x30, 0x0c, 0x06, 0x08, 0x2b, 0x06, 0x01,
        0x02, 0x01, 0x01, 0x01, 0x00, 0x05, 0x00,
    ];

    #[test]
    fn decodes_and_re_encodes_a_get() {
        let m = Message::decode(GET_SYSDESCR).unwrap();
        let Message::Community(c) = &m else { panic!() };
        assert_eq!(c.version, Version::V2c);
        assert_eq!(&*c.community, b"public");
        let Pdus::Pdu(p) = &c.pdu else { panic!() };
        assert_eq!(p.pdu_type, PduType::GetRequest);
        assert_eq!(p.request_id, 0x12345678);
        assert_eq!(p.varbinds[0].oid.to_string(), "1.3.6.1.2.1.1.1.0");
        assert_eq!(m.encoded_len(), GET_SYSDESCR.len());
        assert_eq!(m.to_vec(), GET_SYSDESCR);
    }

    #[test]
    fn trailing_bytes() {
        let mut d = GET_SYSDESCR.to_vec();
        d.extend_from_slice(&[0, 0]);
        assert_eq!(Message::decode(&d), Err(DecodeError::TrailingData(2, "message")));
        assert_eq!(Message::decode_prefix(&d).unwrap().1, GET_SYSDESCR.len());
    }

    #[test]
    fn every_truncation_is_an_error() {
        for n in 0..GET_SYSDESCR.len() {
            assert!(Message::decode(&GET_SYSDESCR[..n]).is_err(), "{n}");
        }
    }

    #[test]
    fn bad_version_and_pdu_type() {
        let mut d = GET_SYSDESCR.to_vec();
        d[4] = 7;
        assert_eq!(Message::decode(&d), Err(DecodeError::UnsupportedVersion(7)));
        let mut d = GET_SYSDESCR.to_vec();
        d[13] = 0xa9;
        assert_eq!(Message::decode(&d), Err(DecodeError::UnknownPduType(0xa9)));
    }

    #[test]
    fn v1_trap_and_v3_round_trip() {
        let trap = Message::Community(CommunityMessage {
            version: Version::V1,
            community: Cow::Borrowed(b"public"),
            pdu: Pdus::TrapV1(TrapV1Pdu {
                enterprise: "1.3.6.1.4.1.8072.3.2.10".parse().unwrap(),
                agent_addr: [127, 0, 0, 1],
                generic_trap: 0,
                specific_trap: 0,
                time_stamp: 12,
                varbinds: vec![VarBind::new("1.3.6.1.2.1.1.3.0".parse().unwrap(), Value::TimeTicks(12))],
            }),
        });
        let bytes = trap.to_vec();
        assert_eq!(bytes.len(), trap.encoded_len());
        assert_eq!(Message::decode(&bytes).unwrap(), trap);

        for data in [
            ScopedPduData::Plaintext(ScopedPdu {
                context_engine_id: Cow::Borrowed(&[0x80, 0, 0x1f, 0x88]),
                context_name: Cow::Borrowed(b""),
                pdu: Pdus::Pdu(Pdu::get_bulk(7, 0, 10, vec![VarBind::null("1.3.6.1".parse().unwrap())])),
            }),
            ScopedPduData::Encrypted(Cow::Borrowed(&[1, 2, 3, 4])),
        ] {
            let v3 = Message::V3(V3Message {
                header: V3Header { msg_id: 1, max_size: 65507, flags: 7, security_model: 3 },
                security_parameters: Cow::Borrowed(&[0x30, 0]),
                data,
            });
            let bytes = v3.to_vec();
            assert_eq!(bytes.len(), v3.encoded_len());
            assert_eq!(Message::decode(&bytes).unwrap(), v3);
        }
    }
}
