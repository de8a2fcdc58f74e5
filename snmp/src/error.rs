//! The typed reasons a datagram could not be decoded.

use thiserror::Error;

/// Why decoding failed. Every malformed input maps to one of these; decoders never panic.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum DecodeError {
    #[error("truncated: needed {needed} more bytes")]
    Truncated { needed: usize },
    #[error("indefinite length is not allowed in SNMP")]
    IndefiniteLength,
    #[error("length field of {0} bytes is too long")]
    LengthTooLong(usize),
    #[error("multi-byte tags are not used in SNMP")]
    HighTagNumber,
    #[error("expected tag 0x{expected:02x}, found 0x{found:02x}")]
    UnexpectedTag { expected: u8, found: u8 },
    #[error("unknown value tag 0x{0:02x}")]
    UnknownValueTag(u8),
    #[error("unknown PDU type 0x{0:02x}")]
    UnknownPduType(u8),
    #[error("unsupported SNMP version {0}")]
    UnsupportedVersion(i64),
    #[error("empty INTEGER")]
    EmptyInteger,
    #[error("INTEGER does not fit its type")]
    IntegerOverflow,
    #[error("OBJECT IDENTIFIER sub-identifier exceeds 2^32-1")]
    SubIdentifierOverflow,
    #[error("OBJECT IDENTIFIER has more than {max} sub-identifiers", max = crate::oid::MAX_SUB_IDS)]
    OidTooLong,
    #[error("OBJECT IDENTIFIER ends inside a sub-identifier")]
    OidTruncated,
    #[error("{what} has wrong length {len}")]
    BadLength { what: &'static str, len: usize },
    #[error("{0} trailing bytes after the end of the {1}")]
    TrailingData(usize, &'static str),
}
