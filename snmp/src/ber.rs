//! BER primitives used by SNMP: single-byte tags, definite lengths, two's-complement and
//! unsigned integers, and [`Reader`], a cursor that borrows the datagram it walks.
//!
//! The contract (as smoltcp's wire modules): once [`Reader::read_tlv`] has returned a
//! content slice its length has been checked against the input, so nothing after it can
//! read out of bounds. Nothing here panics on any input.

use crate::error::DecodeError;

/// The tags SNMP uses (X.690 universal, RFC 2578 application, RFC 3416 context).
pub mod tag {
    pub const INTEGER: u8 = 0x02;
    pub const OCTET_STRING: u8 = 0x04;
    pub const NULL: u8 = 0x05;
    pub const OBJECT_IDENTIFIER: u8 = 0x06;
    pub const SEQUENCE: u8 = 0x30;
    pub const IP_ADDRESS: u8 = 0x40;
    pub const COUNTER32: u8 = 0x41;
    pub const GAUGE32: u8 = 0x42;
    pub const TIMETICKS: u8 = 0x43;
    pub const OPAQUE: u8 = 0x44;
    pub const COUNTER64: u8 = 0x46;
    pub const NO_SUCH_OBJECT: u8 = 0x80;
    pub const NO_SUCH_INSTANCE: u8 = 0x81;
    pub const END_OF_MIB_VIEW: u8 = 0x82;
}

/// Longest length field we accept: four bytes covers anything a UDP datagram can hold.
const MAX_LENGTH_OCTETS: usize = 4;

/// A cursor over BER data that hands out borrowed content slices.
#[derive(Debug, Clone)]
pub struct Reader<'a> {
    rest: &'a [u8],
}

impl<'a> Reader<'a> {
    pub fn new(data: &'a [u8]) -> Self {
        Reader { rest: data }
    }

    pub fn is_empty(&self) -> bool {
        self.rest.is_empty()
    }

    /// Bytes not yet consumed.
    pub fn remaining(&self) -> &'a [u8] {
        self.rest
    }

    /// Reads one tag-length-value and returns the tag and the content.
    pub fn read_tlv(&mut self) -> Result<(u8, &'a [u8]), DecodeError> {
        let (&tag, after_tag) = self.rest.split_first().ok_or(DecodeError::Truncated { needed: 2 })?;
        if tag & 0x1f == 0x1f {
            return Err(DecodeError::HighTagNumber);
        }
        let (&first, mut after_len) = after_tag.split_first().ok_or(DecodeError::Truncated { needed: 1 })?;
        let len = if first < 0x80 {
            usize::from(first)
        } else if first == 0x80 {
            return Err(DecodeError::IndefiniteLength);
        } else {
            let octets = usize::from(first & 0x7f);
            if octets > MAX_LENGTH_OCTETS {
                return Err(DecodeError::LengthTooLong(octets));
            }
            let (len_bytes, rest) = after_len
                .split_at_checked(octets)
                .ok_or_else(|| DecodeError::Truncated { needed: octets - after_len.len() })?;
            after_len = rest;
            len_bytes.iter().fold(0usize, |acc, &b| (acc << 8) | usize::from(b))
        };
        let (content, rest) =
            after_len.split_at_checked(len).ok_or_else(|| DecodeError::Truncated { needed: len - after_len.len() })?;
        self.rest = rest;
        Ok((tag, content))
    }

    /// Reads a TLV that must carry `expected`.
    pub fn expect(&mut self, expected: u8) -> Result<&'a [u8], DecodeError> {
        let (found, content) = self.read_tlv()?;
        if found != expected {
            return Err(DecodeError::UnexpectedTag { expected, found });
        }
        Ok(content)
    }

    /// Reads an INTEGER of up to 64 bits.
    pub fn read_integer(&mut self) -> Result<i64, DecodeError> {
        decode_signed(self.expect(tag::INTEGER)?)
    }

    /// Reads an INTEGER that must fit in 32 bits (Integer32).
    pub fn read_i32(&mut self) -> Result<i32, DecodeError> {
        i32::try_from(self.read_integer()?).map_err(|_| DecodeError::IntegerOverflow)
    }

    /// Fails with [`DecodeError::TrailingData`] unless everything was consumed.
    pub fn finish(&self, what: &'static str) -> Result<(), DecodeError> {
        if self.rest.is_empty() { Ok(()) } else { Err(DecodeError::TrailingData(self.rest.len(), what)) }
    }
}

/// Two's-complement content to i64 (at most 8 bytes once redundant sign bytes are removed).
pub fn decode_signed(content: &[u8]) -> Result<i64, DecodeError> {
    let (&first, _) = content.split_first().ok_or(DecodeError::EmptyInteger)?;
    let significant = strip_sign_bytes(content);
    if significant.len() > 8 {
        return Err(DecodeError::IntegerOverflow);
    }
    let init: i64 = if first & 0x80 != 0 { -1 } else { 0 };
    Ok(significant.iter().fold(init, |acc, &b| (acc << 8) | i64::from(b)))
}

/// Unsigned content (Counter32, Gauge32, TimeTicks, Counter64) to u64, with `bits` the
/// width of the type. Like net-snmp, a value an agent wrongly encoded as negative is taken
/// modulo 2^bits rather than refused.
pub fn decode_unsigned(content: &[u8], bits: u32) -> Result<u64, DecodeError> {
    let (&first, _) = content.split_first().ok_or(DecodeError::EmptyInteger)?;
    let mask = if bits >= 64 { u64::MAX } else { (1u64 << bits) - 1 };
    if first & 0x80 != 0 {
        let significant = strip_sign_bytes(content);
        if significant.len() > 8 {
            return Err(DecodeError::IntegerOverflow);
        }
        let v = significant.iter().fold(u64::MAX, |acc, &b| (acc << 8) | u64::from(b));
        return Ok(v & mask);
    }
    let digits = strip_leading_zeros(content);
    if digits.len() > 8 {
        return Err(DecodeError::IntegerOverflow);
    }
    let v = digits.iter().fold(0u64, |acc, &b| (acc << 8) | u64::from(b));
    if v > mask {
        return Err(DecodeError::IntegerOverflow);
    }
    Ok(v)
}

fn strip_leading_zeros(content: &[u8]) -> &[u8] {
    let zeros = content.iter().take_while(|&&b| b == 0).count();
    content.get(zeros..).unwrap_or_default()
}

/// Drops leading 0x00/0xff bytes that only repeat the sign, keeping at least one byte.
fn strip_sign_bytes(content: &[u8]) -> &[u8] {
    let mut s = content;
    while let [a, b, ..] = s {
        let redundant = (*a == 0x00 && b & 0x80 == 0) || (*a == 0xff && b & 0x80 != 0);
        if !redundant {
            break;
        }
        s = s.get(1..).unwrap_or_default();
    }
    s
}

/// Bytes needed for the length field of `len`.
pub const fn length_len(len: usize) -> usize {
    if len < 0x80 {
        1
    } else if len <= 0xff {
        2
    } else if len <= 0xffff {
        3
    } else if len <= 0xff_ffff {
        4
    } else {
        5
    }
}

/// Total size of a TLV whose content is `content_len` bytes.
pub const fn tlv_len(content_len: usize) -> usize {
    1 + length_len(content_len) + content_len
}

/// Appends a tag and a minimal definite length.
pub fn write_header(buf: &mut Vec<u8>, tag: u8, len: usize) {
    if len < 0x80 {
        buf.extend_from_slice(&[tag, len as u8]);
    } else {
        let octets = length_len(len) - 1;
        buf.extend_from_slice(&[tag, 0x80 | octets as u8]);
        let be = (len as u64).to_be_bytes();
        buf.extend_from_slice(be.get(8 - octets..).unwrap_or_default());
    }
}

/// Appends a TLV whose content `write_content` appends, then fills in its minimal length.
/// Encoders use this instead of computing every nested length before writing: the content
/// is written once, and only a content of 128 bytes or more moves (by a few bytes) to make
/// room for a long-form length.
pub fn write_tlv_with(buf: &mut Vec<u8>, tag: u8, write_content: impl FnOnce(&mut Vec<u8>)) {
    let start = buf.len();
    buf.extend_from_slice(&[tag, 0]);
    write_content(buf);
    let content_start = start + 2;
    let len = buf.len() - content_start;
    if len < 0x80 {
        if let Some(b) = buf.get_mut(start + 1) {
            *b = len as u8;
        }
        return;
    }
    let octets = length_len(len) - 1;
    if let Some(b) = buf.get_mut(start + 1) {
        *b = 0x80 | octets as u8;
    }
    let end = buf.len();
    buf.resize(end + octets, 0);
    buf.copy_within(content_start..end, content_start + octets);
    let be = (len as u64).to_be_bytes();
    if let (Some(dst), Some(src)) = (buf.get_mut(content_start..content_start + octets), be.get(8 - octets..)) {
        dst.copy_from_slice(src);
    }
}

/// Content length of the minimal two's-complement encoding of `v`.
pub const fn signed_len(v: i64) -> usize {
    // A negative value needs as many bytes as its complement, a non-negative one as many
    // as it needs as an unsigned value with a clear top bit.
    let magnitude = if v < 0 { !v } else { v };
    unsigned_len(magnitude as u64)
}

pub fn write_signed(buf: &mut Vec<u8>, tag: u8, v: i64) {
    let len = signed_len(v);
    write_header(buf, tag, len);
    let be = v.to_be_bytes();
    buf.extend_from_slice(be.get(8 - len..).unwrap_or_default());
}

/// Content length of an unsigned value encoded as a non-negative INTEGER: one byte more
/// than its significant bytes when the top bit of the first would be set (up to 9).
pub const fn unsigned_len(v: u64) -> usize {
    (64 - v.leading_zeros() as usize) / 8 + 1
}

pub fn write_unsigned(buf: &mut Vec<u8>, tag: u8, v: u64) {
    let len = unsigned_len(v);
    write_header(buf, tag, len);
    if len > 8 {
        // The 0x00 sign pad in front of a value with bit 63 set.
        buf.push(0);
    }
    let be = v.to_be_bytes();
    buf.extend_from_slice(be.get(8usize.saturating_sub(len)..).unwrap_or_default());
}

pub fn write_octets(buf: &mut Vec<u8>, tag: u8, bytes: &[u8]) {
    write_header(buf, tag, bytes.len());
    buf.extend_from_slice(bytes);
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]
mod tests {
    use super::*;

    fn enc_signed(v: i64) -> Vec<u8> {
        let mut b = Vec::new();
        write_signed(&mut b, tag::INTEGER, v);
        b
    }

    #[test]
    fn signed_round_trip_and_minimal() {
        for v in
            [0, 1, -1, 127, 128, -128, -129, 255, 256, i32::MAX as i64, i32::MIN as i64, 1 << 31, i64::MAX, i64::MIN]
        {
            let b = enc_signed(v);
            assert_eq!(b.len(), 2 + signed_len(v));
            let mut r = Reader::new(&b);
            assert_eq!(r.read_integer(), Ok(v), "{v}");
        }
        assert_eq!(enc_signed(128), [2, 2, 0, 128]);
        assert_eq!(enc_signed(-129), [2, 2, 0xff, 0x7f]);
        assert_eq!(enc_signed(1 << 31), [2, 5, 0, 0x80, 0, 0, 0]);
    }

    #[test]
    fn unsigned_round_trip() {
        for v in [0u64, 0x7f, 0x80, 0xffff_ffff, u64::MAX] {
            let mut b = Vec::new();
            write_unsigned(&mut b, tag::COUNTER64, v);
            assert_eq!(b.len(), 2 + unsigned_len(v));
            let mut r = Reader::new(&b);
            assert_eq!(decode_unsigned(r.expect(tag::COUNTER64).unwrap(), 64), Ok(v));
        }
        assert_eq!(decode_unsigned(&[0x01, 0, 0, 0, 0], 32), Err(DecodeError::IntegerOverflow));
        assert_eq!(decode_unsigned(&[0xff], 32), Ok(0xffff_ffff));
        assert_eq!(decode_unsigned(&[0, 0, 0, 0, 0, 0, 0, 0, 0, 1], 64), Ok(1));
    }

    #[test]
    fn lengths() {
        for len in [0usize, 127, 128, 255, 256, 65535, 65536] {
            let mut b = Vec::new();
            write_header(&mut b, tag::OCTET_STRING, len);
            assert_eq!(b.len(), 1 + length_len(len));
            b.resize(b.len() + len, 0);
            let mut r = Reader::new(&b);
            assert_eq!(r.read_tlv().unwrap().1.len(), len);
        }
    }

    #[test]
    fn tlv_with_patches_short_and_long_lengths() {
        for len in [0usize, 1, 127, 128, 255, 256, 65535, 65536] {
            let mut b = vec![0xee];
            write_tlv_with(&mut b, tag::OCTET_STRING, |b| b.resize(b.len() + len, 0xab));
            let mut want = vec![0xee];
            write_octets(&mut want, tag::OCTET_STRING, &vec![0xab; len]);
            assert_eq!(b, want, "{len}");
        }
    }

    #[test]
    fn malformed_lengths_are_errors() {
        assert_eq!(Reader::new(&[0x30, 0x80]).read_tlv(), Err(DecodeError::IndefiniteLength));
        assert_eq!(Reader::new(&[0x30, 0x85, 1, 1, 1, 1, 1]).read_tlv(), Err(DecodeError::LengthTooLong(5)));
        assert_eq!(
            Reader::new(&[0x30, 0x84, 0xff, 0xff, 0xff, 0xff]).read_tlv(),
            Err(DecodeError::Truncated { needed: 0xffff_ffff })
        );
        assert_eq!(Reader::new(&[0x30]).read_tlv(), Err(DecodeError::Truncated { needed: 1 }));
        assert_eq!(Reader::new(&[]).read_tlv(), Err(DecodeError::Truncated { needed: 2 }));
        assert_eq!(Reader::new(&[0x1f, 0]).read_tlv(), Err(DecodeError::HighTagNumber));
        assert_eq!(Reader::new(&[0x04, 0x82, 0x01]).read_tlv(), Err(DecodeError::Truncated { needed: 1 }));
        // Non-minimal long-form lengths are accepted.
        assert_eq!(Reader::new(&[0x04, 0x81, 0x01, 0xaa]).read_tlv(), Ok((0x04, &[0xaa][..])));
    }

    #[test]
    fn empty_integer_is_error() {
        assert_eq!(Reader::new(&[2, 0]).read_integer(), Err(DecodeError::EmptyInteger));
        assert_eq!(Reader::new(&[2, 9, 1, 0, 0, 0, 0, 0, 0, 0, 0]).read_integer(), Err(DecodeError::IntegerOverflow));
    }
}
