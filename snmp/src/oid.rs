//! [`Oid`]: an OBJECT IDENTIFIER as its sub-identifiers, ordered by value (so `1.3.6.1.2`
//! sorts before `1.3.6.1.10`, unlike a comparison of BER bytes), with its BER content coding.

use std::fmt;
use std::str::FromStr;

use smallvec::SmallVec;
use thiserror::Error;

use crate::error::DecodeError;

/// RFC 2578 §3.5: at most 128 sub-identifiers.
pub const MAX_SUB_IDS: usize = 128;

/// An object identifier. Up to 16 sub-identifiers live inline, so the OIDs of nearly every
/// MIB object and table row cost no allocation.
#[derive(Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Oid(SmallVec<[u32; INLINE_SUB_IDS]>);

/// Why a dotted OID string was refused.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum OidParseError {
    #[error("empty sub-identifier")]
    Empty,
    #[error("sub-identifier {0:?} is not a number in 0..=4294967295")]
    BadSubId(String),
    #[error("more than {MAX_SUB_IDS} sub-identifiers")]
    TooLong,
}

impl Oid {
    pub const fn new() -> Self {
        Oid(SmallVec::new_const())
    }

    pub fn from_slice(subids: &[u32]) -> Self {
        Oid(SmallVec::from_slice(subids))
    }

    pub fn as_slice(&self) -> &[u32] {
        &self.0
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn push(&mut self, subid: u32) {
        self.0.push(subid);
    }

    pub fn extend_from_slice(&mut self, subids: &[u32]) {
        self.0.extend_from_slice(subids);
    }

    pub fn truncate(&mut self, len: usize) {
        self.0.truncate(len);
    }

    /// This OID followed by `suffix`.
    pub fn child(&self, suffix: &[u32]) -> Oid {
        let mut o = self.clone();
        o.extend_from_slice(suffix);
        o
    }

    /// True when `prefix` is this OID or one of its ancestors.
    pub fn starts_with(&self, prefix: &Oid) -> bool {
        self.0.starts_with(&prefix.0)
    }

    /// Decodes the content octets of a BER OBJECT IDENTIFIER. Non-minimal sub-identifiers
    /// (leading `0x80` bytes) are accepted, as net-snmp does.
    ///
    /// Empty content (`06 00`, invalid in X.690) decodes as `0.0`, as net-snmp reads it
    /// (snmpd answers a GET of `06 00` for `06 01 00`), so that it re-encodes consistently.
    pub fn decode_ber(content: &[u8]) -> Result<Oid, DecodeError> {
        let mut oid = Oid::new();
        oid.decode_ber_into(content)?;
        Ok(oid)
    }

    /// [`Oid::decode_ber`] into an existing OID (replacing its sub-identifiers), so a
    /// decoder can fill a varbind in place instead of moving the OID through return values.
    pub fn decode_ber_into(&mut self, content: &[u8]) -> Result<(), DecodeError> {
        self.0.clear();
        let Some(&last) = content.last() else {
            self.0.extend_from_slice(&[0, 0]);
            return Ok(());
        };
        if last & 0x80 != 0 {
            return Err(DecodeError::OidTruncated);
        }
        // Fast path, the common shape: every sub-identifier is one byte.
        if let [first, rest @ ..] = content
            && content.iter().all(|&b| b < 0x80)
        {
            if rest.len() + 2 > MAX_SUB_IDS {
                return Err(DecodeError::OidTooLong);
            }
            let (x, y) = match *first {
                0..40 => (0, *first),
                40..80 => (1, *first - 40),
                _ => (2, *first - 80),
            };
            self.0.reserve(rest.len() + 2);
            self.0.push(x);
            self.0.push(u32::from(y));
            self.0.extend(rest.iter().map(|&b| u32::from(b)));
            return Ok(());
        }
        // Every byte without the continuation bit ends one encoded sub-identifier, and the
        // first encoded one holds two: the exact length is known before decoding.
        let len = content.iter().filter(|&&b| b < 0x80).count() + 1;
        if len > MAX_SUB_IDS {
            return Err(DecodeError::OidTooLong);
        }
        self.0.resize(len, 0);
        decode_subids(content, &mut self.0)
    }

    /// The first sub-identifier as BER encodes it (the first two folded into one) and the
    /// rest. A one-element OID is encoded as its single value and an empty one as `0`, which
    /// is what net-snmp sends for `.2` and `.` (they decode as `0.2` and `0.0`).
    fn ber_head_tail(&self) -> (u64, &[u32]) {
        match self.0.as_slice() {
            [] => (0, &[]),
            [x] => (u64::from(*x), &[]),
            [x, y, rest @ ..] => (u64::from(*x) * 40 + u64::from(*y), rest),
        }
    }

    /// Length of the BER content octets.
    pub fn ber_content_len(&self) -> usize {
        let (head, tail) = self.ber_head_tail();
        tail.iter().fold(base128_len(head), |n, &v| n + base128_len(u64::from(v)))
    }

    /// Appends the BER content octets (no tag or length).
    pub fn encode_ber_content(&self, buf: &mut Vec<u8>) {
        let (head, tail) = self.ber_head_tail();
        push_base128(buf, head);
        // Nearly every sub-identifier after the first is below 128: one byte each, written
        // in one go.
        if tail.iter().all(|&v| v < 0x80) {
            buf.extend(tail.iter().map(|&v| v as u8));
            return;
        }
        for &v in tail {
            if v < 0x80 {
                buf.push(v as u8);
            } else {
                push_base128(buf, u64::from(v));
            }
        }
    }
}

/// Sub-identifiers kept inline by [`Oid`].
const INLINE_SUB_IDS: usize = 16;

/// Decodes `content`, which ends with a complete sub-identifier and holds `out.len() - 1`
/// encoded ones, into `out`.
fn decode_subids(content: &[u8], out: &mut [u32]) -> Result<(), DecodeError> {
    // The first encoded sub-identifier holds 40*x + y, so it may reach 2^32 + 79.
    const FIRST_MAX: u64 = u32::MAX as u64 + 80;
    let first_end = content.iter().position(|&b| b < 0x80).unwrap_or(0);
    let (first, rest) = content.split_at_checked(first_end + 1).unwrap_or((content, &[]));
    let mut acc: u64 = 0;
    for &b in first {
        acc = (acc << 7) | u64::from(b & 0x7f);
        if acc > FIRST_MAX {
            return Err(DecodeError::SubIdentifierOverflow);
        }
    }
    let (x, y) = match acc {
        0..40 => (0, acc),
        40..80 => (1, acc - 40),
        _ => (2, acc - 80),
    };
    let y = u32::try_from(y).map_err(|_| DecodeError::SubIdentifierOverflow)?;
    let mut slots = out.iter_mut();
    for v in [x, y] {
        if let Some(slot) = slots.next() {
            *slot = v;
        }
    }
    // Invariant: `acc` < 2^25, so shifting in seven more bits cannot overflow a u32.
    let mut acc: u32 = 0;
    for &b in rest {
        let v = (acc << 7) | u32::from(b & 0x7f);
        if b < 0x80 {
            if let Some(slot) = slots.next() {
                *slot = v;
            }
            acc = 0;
        } else if v > u32::MAX >> 7 {
            return Err(DecodeError::SubIdentifierOverflow);
        } else {
            acc = v;
        }
    }
    Ok(())
}

const fn base128_len(v: u64) -> usize {
    if v < 0x80 {
        1
    } else if v < 0x4000 {
        2
    } else {
        let bits = 64 - v.leading_zeros() as usize;
        bits.div_ceil(7)
    }
}

/// Appends `v` in base 128, most significant group first, continuation bit on all but the
/// last byte.
fn push_base128(buf: &mut Vec<u8>, v: u64) {
    let n = base128_len(v);
    let mut bytes = [0u8; 10];
    for (i, slot) in bytes.iter_mut().take(n).enumerate() {
        let shift = 7 * (n - 1 - i);
        let group = ((v >> shift) & 0x7f) as u8;
        *slot = if i + 1 == n { group } else { group | 0x80 };
    }
    buf.extend_from_slice(bytes.get(..n).unwrap_or_default());
}

impl std::ops::Deref for Oid {
    type Target = [u32];
    fn deref(&self) -> &[u32] {
        &self.0
    }
}

impl From<&[u32]> for Oid {
    fn from(s: &[u32]) -> Self {
        Oid::from_slice(s)
    }
}

impl<const N: usize> From<[u32; N]> for Oid {
    fn from(s: [u32; N]) -> Self {
        Oid::from_slice(&s)
    }
}

/// Dotted numeric form without a leading dot: `1.3.6.1.2.1`.
impl fmt::Display for Oid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, v) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(".")?;
            }
            write!(f, "{v}")?;
        }
        Ok(())
    }
}

impl fmt::Debug for Oid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Oid({self})")
    }
}

/// Parses `1.3.6.1` or `.1.3.6.1`.
impl FromStr for Oid {
    type Err = OidParseError;
    fn from_str(s: &str) -> Result<Oid, OidParseError> {
        let s = s.strip_prefix('.').unwrap_or(s);
        let mut oid = Oid::new();
        if s.is_empty() {
            return Ok(oid);
        }
        for part in s.split('.') {
            if part.is_empty() {
                return Err(OidParseError::Empty);
            }
            let v = part.parse::<u32>().map_err(|_| OidParseError::BadSubId(part.to_string()))?;
            if oid.len() >= MAX_SUB_IDS {
                return Err(OidParseError::TooLong);
            }
            oid.push(v);
        }
        Ok(oid)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]
mod tests {
    use super::*;

    fn enc(o: &Oid) -> Vec<u8> {
        let mut b = Vec::new();
        o.encode_ber_content(&mut b);
        assert_eq!(b.len(), o.ber_content_len());
        b
    }

    #[test]
    fn sys_descr_round_trip() {
        let o: Oid = ".1.3.6.1.2.1.1.1.0".parse().unwrap();
        assert_eq!(enc(&o), [0x2b, 6, 1, 2, 1, 1, 1, 0]);
        assert_eq!(Oid::decode_ber(&enc(&o)).unwrap(), o);
    }

    #[test]
    fn large_and_first_arc_values() {
        for s in ["1.3.6.1.4.1.4294967295", "2.999.3", "0.39", "1.39.128.16383.16384", "2.4294967215"] {
            let o: Oid = s.parse().unwrap();
            assert_eq!(Oid::decode_ber(&enc(&o)).unwrap(), o, "{s}");
        }
    }

    #[test]
    fn net_snmp_single_subid_encoding() {
        let o: Oid = ".2".parse().unwrap();
        assert_eq!(enc(&o), [2]);
        assert_eq!(Oid::decode_ber(&[2]).unwrap().to_string(), "0.2");
    }

    #[test]
    fn empty_content_decodes_as_zero_zero_like_net_snmp() {
        // Found by fuzzing: `06 00` used to decode as the empty OID, which encodes as
        // `06 01 00` and so decoded again as 0.0, breaking decode(encode(x)) == x.
        let o = Oid::decode_ber(&[]).unwrap();
        assert_eq!(o.as_slice(), [0, 0]);
        assert_eq!(enc(&o), [0]);
        assert_eq!(Oid::decode_ber(&enc(&o)).unwrap(), o);
        assert_eq!(enc(&Oid::new()), [0]);
    }

    #[test]
    fn one_byte_fast_path_and_general_path_agree() {
        // 2 + 13, 2 + 14 (the inline limit) and 2 + 15 sub-identifiers, all one byte each,
        // and the same with one multi-byte sub-identifier (general path).
        for n in [13u32, 14, 15, 40] {
            let mut o: Oid = "1.3".parse().unwrap();
            o.extend_from_slice(&(0..n).collect::<Vec<_>>());
            assert_eq!(Oid::decode_ber(&enc(&o)).unwrap(), o, "{n}");
            o.push(300);
            assert_eq!(Oid::decode_ber(&enc(&o)).unwrap(), o, "{n} + 300");
        }
        assert_eq!(Oid::decode_ber(&[0x7f, 1]).unwrap().as_slice(), [2, 47, 1]);
    }

    #[test]
    fn ordering_is_by_value_and_prefix_first() {
        let a: Oid = "1.3.6.1.2".parse().unwrap();
        let b: Oid = "1.3.6.1.10".parse().unwrap();
        let c: Oid = "1.3.6.1.2.0".parse().unwrap();
        assert!(a < b && a < c && c < b);
    }

    #[test]
    fn malformed() {
        assert_eq!(Oid::decode_ber(&[0x2b, 0x86]), Err(DecodeError::OidTruncated));
        assert_eq!(Oid::decode_ber(&[0x2b, 0x90, 0x80, 0x80, 0x80, 0x00]), Err(DecodeError::SubIdentifierOverflow));
        // Non-minimal `80 05` is the same sub-identifier as `05`.
        assert_eq!(Oid::decode_ber(&[0x2b, 0x80, 0x05]).unwrap().to_string(), "1.3.5");
        let long: Vec<u8> = std::iter::once(0x2b).chain(std::iter::repeat_n(1, 127)).collect();
        assert_eq!(Oid::decode_ber(&long), Err(DecodeError::OidTooLong));
        assert!("1..3".parse::<Oid>().is_err());
        assert!("1.x".parse::<Oid>().is_err());
        assert!("1.4294967296".parse::<Oid>().is_err());
    }
}
