//! Bounds-checked little-endian reading and writing of the native x86-64 struct fields.
//!
//! Every read checks the remaining length and returns [`FormatError::Truncated`] instead of
//! panicking; writes append to a `Vec<u8>`.

use crate::error::FormatError;

/// A cursor over the file's bytes.
#[derive(Debug)]
pub(crate) struct Reader<'a> {
    buf: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    pub(crate) fn new(buf: &'a [u8]) -> Self {
        Self { buf, pos: 0 }
    }

    pub(crate) fn pos(&self) -> usize {
        self.pos
    }

    pub(crate) fn array<const N: usize>(&mut self) -> Result<[u8; N], FormatError> {
        let end = self.pos.checked_add(N).ok_or(FormatError::Truncated { needed: u64::MAX, actual: self.len() })?;
        let slice =
            self.buf.get(self.pos..end).ok_or(FormatError::Truncated { needed: end as u64, actual: self.len() })?;
        let mut out = [0u8; N];
        out.copy_from_slice(slice);
        self.pos = end;
        Ok(out)
    }

    pub(crate) fn u64(&mut self) -> Result<u64, FormatError> {
        Ok(u64::from_le_bytes(self.array::<8>()?))
    }

    pub(crate) fn i64(&mut self) -> Result<i64, FormatError> {
        Ok(i64::from_le_bytes(self.array::<8>()?))
    }

    pub(crate) fn f64(&mut self) -> Result<f64, FormatError> {
        Ok(f64::from_bits(self.u64()?))
    }

    pub(crate) fn u64s<const N: usize>(&mut self) -> Result<[u64; N], FormatError> {
        let mut out = [0u64; N];
        for slot in &mut out {
            *slot = self.u64()?;
        }
        Ok(out)
    }

    pub(crate) fn rest(&self) -> &'a [u8] {
        self.buf.get(self.pos..).unwrap_or(&[])
    }

    fn len(&self) -> u64 {
        self.buf.len() as u64
    }
}

pub(crate) fn put_u64(out: &mut Vec<u8>, v: u64) {
    out.extend_from_slice(&v.to_le_bytes());
}

pub(crate) fn put_i64(out: &mut Vec<u8>, v: i64) {
    out.extend_from_slice(&v.to_le_bytes());
}

pub(crate) fn put_f64(out: &mut Vec<u8>, v: f64) {
    put_u64(out, v.to_bits());
}

pub(crate) fn put_u64s(out: &mut Vec<u8>, vs: &[u64]) {
    for v in vs {
        put_u64(out, *v);
    }
}
