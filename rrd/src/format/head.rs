//! The static head (`stat_head`, 128 bytes): the `"RRD"` cookie, the version, the float cookie
//! that guards against files of another architecture, the DS and RRA counts and the PDP step.

use super::bytes::{Reader, put_f64, put_u64, put_u64s};
use crate::error::FormatError;

/// Size of `stat_head` on x86-64.
pub const STAT_HEAD_SIZE: usize = 128;
/// The four cookie bytes every RRD file starts with.
pub const COOKIE: [u8; 4] = *b"RRD\0";
/// The float cookie, 8.642135E130 (bytes `2f 25 c0 c7 43 2b 1f 5b` little-endian).
pub const FLOAT_COOKIE: f64 = 8.642135E130;

/// The `version[5]` field: `"0003"`, `"0004"` or `"0005"` (older files: `"0001"`/`"0002"`).
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Version([u8; 5]);

impl Version {
    /// `"0003"`, what rrdtool writes unless a newer feature needs more.
    pub const V3: Version = Version(*b"0003\0");
    /// `"0005"`, written when a DCOUNTER or DDERIVE DS exists.
    pub const V5: Version = Version(*b"0005\0");

    /// The version as rrdtool's `atoi` reads it (leading digits).
    pub fn number(&self) -> u32 {
        self.0
            .iter()
            .take_while(|b| b.is_ascii_digit())
            .fold(0u32, |n, b| n.saturating_mul(10).saturating_add(u32::from(b - b'0')))
    }

    /// The text before the NUL, e.g. `"0003"`.
    pub fn as_str(&self) -> String {
        let end = self.0.iter().position(|b| *b == 0).unwrap_or(5);
        String::from_utf8_lossy(self.0.get(..end).unwrap_or(&[])).into_owned()
    }

    /// Versions below 3 store the live head as a bare `time_t` (no microseconds).
    pub fn has_usec(&self) -> bool {
        self.number() >= 3
    }

    /// The raw five bytes.
    pub fn raw(&self) -> [u8; 5] {
        self.0
    }

    /// The version from its raw five bytes (restore and tune write what the XML or file holds).
    pub(crate) fn from_raw(raw: [u8; 5]) -> Self {
        Version(raw)
    }
}

impl std::fmt::Debug for Version {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:?}", self.as_str())
    }
}

/// The parsed static head.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct StatHead {
    pub(crate) version: Version,
    pub(crate) pad: [u8; 7],
    pub(crate) ds_cnt: u64,
    pub(crate) rra_cnt: u64,
    pub(crate) pdp_step: u64,
    pub(crate) par: [u64; 10],
}

impl StatHead {
    /// Reads and checks the head in rrdtool's order: cookie, float cookie, version. The caller
    /// has checked that the buffer holds all 128 bytes.
    pub(crate) fn read(r: &mut Reader<'_>) -> Result<Self, FormatError> {
        let cookie = r.array::<4>().map_err(|_| FormatError::NotRrd)?;
        if cookie != COOKIE {
            return Err(FormatError::NotRrd);
        }
        let version = r.array::<5>()?;
        let pad = r.array::<7>()?;
        let float_cookie = r.f64()?;
        if float_cookie.to_bits() != FLOAT_COOKIE.to_bits() {
            return Err(FormatError::ForeignArchitecture);
        }
        let version = Version(version);
        let digits = version.0.iter().take(4).all(u8::is_ascii_digit) && version.0.get(4) == Some(&0);
        if !digits || version.number() > 5 || version.number() == 0 {
            return Err(FormatError::UnsupportedVersion(version.as_str()));
        }
        let ds_cnt = r.u64()?;
        let rra_cnt = r.u64()?;
        let pdp_step = r.u64()?;
        let par = r.u64s::<10>()?;
        if pdp_step == 0 {
            return Err(FormatError::Corrupt("pdp_step is 0"));
        }
        Ok(Self { version, pad, ds_cnt, rra_cnt, pdp_step, par })
    }

    pub(crate) fn write(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&COOKIE);
        out.extend_from_slice(&self.version.0);
        out.extend_from_slice(&self.pad);
        put_f64(out, FLOAT_COOKIE);
        put_u64(out, self.ds_cnt);
        put_u64(out, self.rra_cnt);
        put_u64(out, self.pdp_step);
        put_u64s(out, &self.par);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn float_cookie_bytes() {
        assert_eq!(FLOAT_COOKIE.to_le_bytes(), [0x2f, 0x25, 0xc0, 0xc7, 0x43, 0x2b, 0x1f, 0x5b]);
    }
}
