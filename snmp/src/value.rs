//! [`Value`]: the SMI value types of RFC 2578 and the v2 exception values of RFC 3416, with
//! their BER coding. Octet strings borrow from the datagram when decoded.

use std::borrow::Cow;

use crate::ber::{self, tag};
use crate::error::DecodeError;
use crate::oid::Oid;

/// One varbind value.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Value<'a> {
    Integer(i32),
    /// Binary-safe: any bytes, not only text.
    OctetString(Cow<'a, [u8]>),
    Null,
    /// Boxed: OID values are rare, and keeping them out of line makes every [`Value`] (and
    /// so every varbind) less than half the size, which measurably speeds up decoding.
    ObjectIdentifier(Box<Oid>),
    IpAddress([u8; 4]),
    Counter32(u32),
    /// Gauge32, also known as Unsigned32.
    Gauge32(u32),
    TimeTicks(u32),
    Opaque(Cow<'a, [u8]>),
    Counter64(u64),
    NoSuchObject,
    NoSuchInstance,
    EndOfMibView,
}

impl<'a> Value<'a> {
    /// Decodes a value from its tag and content octets.
    pub fn decode(tag: u8, content: &'a [u8]) -> Result<Value<'a>, DecodeError> {
        let empty = |v: Value<'a>, what| {
            if content.is_empty() { Ok(v) } else { Err(DecodeError::BadLength { what, len: content.len() }) }
        };
        let u32_of = |c| ber::decode_unsigned(c, 32).map(|v| v as u32);
        Ok(match tag {
            tag::INTEGER => {
                Value::Integer(i32::try_from(ber::decode_signed(content)?).map_err(|_| DecodeError::IntegerOverflow)?)
            }
            tag::OCTET_STRING => Value::OctetString(Cow::Borrowed(content)),
            tag::NULL => return empty(Value::Null, "NULL"),
            tag::OBJECT_IDENTIFIER => Value::ObjectIdentifier(Box::new(Oid::decode_ber(content)?)),
            tag::IP_ADDRESS => Value::IpAddress(
                content.try_into().map_err(|_| DecodeError::BadLength { what: "IpAddress", len: content.len() })?,
            ),
            tag::COUNTER32 => Value::Counter32(u32_of(content)?),
            tag::GAUGE32 => Value::Gauge32(u32_of(content)?),
            tag::TIMETICKS => Value::TimeTicks(u32_of(content)?),
            tag::OPAQUE => Value::Opaque(Cow::Borrowed(content)),
            tag::COUNTER64 => Value::Counter64(ber::decode_unsigned(content, 64)?),
            tag::NO_SUCH_OBJECT => return empty(Value::NoSuchObject, "noSuchObject"),
            tag::NO_SUCH_INSTANCE => return empty(Value::NoSuchInstance, "noSuchInstance"),
            tag::END_OF_MIB_VIEW => return empty(Value::EndOfMibView, "endOfMibView"),
            other => return Err(DecodeError::UnknownValueTag(other)),
        })
    }

    /// The BER tag this value is encoded with.
    pub fn tag(&self) -> u8 {
        match self {
            Value::Integer(_) => tag::INTEGER,
            Value::OctetString(_) => tag::OCTET_STRING,
            Value::Null => tag::NULL,
            Value::ObjectIdentifier(_) => tag::OBJECT_IDENTIFIER,
            Value::IpAddress(_) => tag::IP_ADDRESS,
            Value::Counter32(_) => tag::COUNTER32,
            Value::Gauge32(_) => tag::GAUGE32,
            Value::TimeTicks(_) => tag::TIMETICKS,
            Value::Opaque(_) => tag::OPAQUE,
            Value::Counter64(_) => tag::COUNTER64,
            Value::NoSuchObject => tag::NO_SUCH_OBJECT,
            Value::NoSuchInstance => tag::NO_SUCH_INSTANCE,
            Value::EndOfMibView => tag::END_OF_MIB_VIEW,
        }
    }

    /// True for noSuchObject, noSuchInstance and endOfMibView.
    pub fn is_exception(&self) -> bool {
        matches!(self, Value::NoSuchObject | Value::NoSuchInstance | Value::EndOfMibView)
    }

    fn content_len(&self) -> usize {
        match self {
            Value::Integer(v) => ber::signed_len(i64::from(*v)),
            Value::OctetString(b) | Value::Opaque(b) => b.len(),
            Value::Null | Value::NoSuchObject | Value::NoSuchInstance | Value::EndOfMibView => 0,
            Value::ObjectIdentifier(o) => o.ber_content_len(),
            Value::IpAddress(_) => 4,
            Value::Counter32(v) | Value::Gauge32(v) | Value::TimeTicks(v) => ber::unsigned_len(u64::from(*v)),
            Value::Counter64(v) => ber::unsigned_len(*v),
        }
    }

    /// Size of the whole TLV.
    pub fn encoded_len(&self) -> usize {
        ber::tlv_len(self.content_len())
    }

    /// Appends the TLV to `buf`.
    pub fn encode(&self, buf: &mut Vec<u8>) {
        let t = self.tag();
        match self {
            Value::Integer(v) => ber::write_signed(buf, t, i64::from(*v)),
            Value::OctetString(b) | Value::Opaque(b) => ber::write_octets(buf, t, b),
            Value::Null | Value::NoSuchObject | Value::NoSuchInstance | Value::EndOfMibView => {
                ber::write_header(buf, t, 0)
            }
            Value::ObjectIdentifier(o) => ber::write_tlv_with(buf, t, |b| o.encode_ber_content(b)),
            Value::IpAddress(a) => ber::write_octets(buf, t, a),
            Value::Counter32(v) | Value::Gauge32(v) | Value::TimeTicks(v) => ber::write_unsigned(buf, t, u64::from(*v)),
            Value::Counter64(v) => ber::write_unsigned(buf, t, *v),
        }
    }

    /// Detaches the value from the datagram it was decoded from.
    pub fn into_owned(self) -> Value<'static> {
        match self {
            Value::Integer(v) => Value::Integer(v),
            Value::OctetString(b) => Value::OctetString(Cow::Owned(b.into_owned())),
            Value::Null => Value::Null,
            Value::ObjectIdentifier(o) => Value::ObjectIdentifier(o),
            Value::IpAddress(a) => Value::IpAddress(a),
            Value::Counter32(v) => Value::Counter32(v),
            Value::Gauge32(v) => Value::Gauge32(v),
            Value::TimeTicks(v) => Value::TimeTicks(v),
            Value::Opaque(b) => Value::Opaque(Cow::Owned(b.into_owned())),
            Value::Counter64(v) => Value::Counter64(v),
            Value::NoSuchObject => Value::NoSuchObject,
            Value::NoSuchInstance => Value::NoSuchInstance,
            Value::EndOfMibView => Value::EndOfMibView,
        }
    }

    /// An OBJECT IDENTIFIER value.
    pub fn oid(oid: Oid) -> Value<'static> {
        Value::ObjectIdentifier(Box::new(oid))
    }

    /// A string value that owns its bytes.
    pub fn string(bytes: impl Into<Vec<u8>>) -> Value<'static> {
        Value::OctetString(Cow::Owned(bytes.into()))
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]
mod tests {
    use super::*;
    use crate::ber::Reader;

    fn round_trip(v: Value<'_>) {
        let mut b = Vec::new();
        v.encode(&mut b);
        assert_eq!(b.len(), v.encoded_len(), "{v:?}");
        let mut r = Reader::new(&b);
        let (t, c) = r.read_tlv().unwrap();
        assert_eq!(Value::decode(t, c).unwrap(), v);
    }

    #[test]
    fn every_type_round_trips() {
        for v in [
            Value::Integer(0),
            Value::Integer(-1),
            Value::Integer(i32::MIN),
            Value::Integer(i32::MAX),
            Value::string(b"".to_vec()),
            Value::string(vec![0u8, 0xff, 0x80, b'a']),
            Value::string(vec![b'x'; 300]),
            Value::Null,
            Value::oid("1.3.6.1.4.1.8072.3.2.10".parse().unwrap()),
            Value::IpAddress([127, 0, 0, 1]),
            Value::Counter32(u32::MAX),
            Value::Gauge32(0),
            Value::TimeTicks(4972),
            Value::Opaque(Cow::Owned(vec![0x9f, 0x78, 4, 0x3f, 0x80, 0, 0])),
            Value::Counter64(u64::MAX),
            Value::Counter64(0),
            Value::NoSuchObject,
            Value::NoSuchInstance,
            Value::EndOfMibView,
        ] {
            round_trip(v);
        }
    }

    #[test]
    fn bad_values() {
        assert_eq!(Value::decode(0x40, &[1, 2, 3]), Err(DecodeError::BadLength { what: "IpAddress", len: 3 }));
        assert_eq!(Value::decode(0x05, &[0]), Err(DecodeError::BadLength { what: "NULL", len: 1 }));
        assert_eq!(Value::decode(0x02, &[1, 0, 0, 0, 0]), Err(DecodeError::IntegerOverflow));
        assert_eq!(Value::decode(0x47, &[1]), Err(DecodeError::UnknownValueTag(0x47)));
        assert_eq!(Value::decode(0x41, &[]), Err(DecodeError::EmptyInteger));
    }
}
