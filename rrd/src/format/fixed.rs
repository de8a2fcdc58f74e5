//! Fixed-size, NUL-terminated C strings (`ds_nam[20]`, `dst[20]`, `cf_nam[20]`, `last_ds[30]`).
//!
//! The whole array is kept, bytes after the terminating NUL included, so that a file read and
//! written again is byte-identical even when an old writer left garbage after the string.

use std::borrow::Cow;

/// A `char[N]` field: the text up to the first NUL, the rest preserved as read.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct FixedStr<const N: usize>([u8; N]);

impl<const N: usize> FixedStr<N> {
    /// The field holding `text` followed by zero bytes; `None` when `text` holds a NUL or does
    /// not leave room for the terminating NUL (at most `N - 1` bytes).
    pub fn new(text: &str) -> Option<Self> {
        let bytes = text.as_bytes();
        if bytes.len() >= N || bytes.contains(&0) {
            return None;
        }
        let mut raw = [0u8; N];
        for (dst, src) in raw.iter_mut().zip(bytes) {
            *dst = *src;
        }
        Some(Self(raw))
    }

    /// `text` cut to `N - 1` bytes (and before any NUL), as rrdtool stores `last_ds`.
    pub fn truncated(text: &str) -> Self {
        let mut raw = [0u8; N];
        for (dst, src) in raw.iter_mut().take(N.saturating_sub(1)).zip(text.as_bytes().iter().take_while(|b| **b != 0))
        {
            *dst = *src;
        }
        Self(raw)
    }

    /// The raw field as stored in the file.
    pub fn from_raw(raw: [u8; N]) -> Self {
        Self(raw)
    }

    /// The whole `N`-byte field.
    pub fn raw(&self) -> &[u8; N] {
        &self.0
    }

    /// The bytes before the first NUL (all `N` if there is none).
    pub fn as_bytes(&self) -> &[u8] {
        let end = self.0.iter().position(|b| *b == 0).unwrap_or(N);
        self.0.get(..end).unwrap_or(&[])
    }

    /// The text before the first NUL, with invalid UTF-8 replaced.
    pub fn as_str(&self) -> Cow<'_, str> {
        String::from_utf8_lossy(self.as_bytes())
    }
}

impl<const N: usize> Default for FixedStr<N> {
    fn default() -> Self {
        Self([0u8; N])
    }
}

impl<const N: usize> std::fmt::Debug for FixedStr<N> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:?}", self.as_str())
    }
}

impl<const N: usize> std::fmt::Display for FixedStr<N> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.as_str())
    }
}
