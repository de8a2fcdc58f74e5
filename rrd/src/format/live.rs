//! The live head: the time of the last update, in seconds and microseconds (16 bytes; files
//! of version < 3 store only the seconds, 8 bytes).

use super::bytes::{Reader, put_i64};
use crate::error::FormatError;

/// The time of the last update.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct LiveHead {
    /// `last_up`, seconds since the epoch.
    pub last_up: i64,
    /// `last_up_usec`, 0..=999999 (always 0 in version < 3 files).
    pub last_up_usec: i64,
}

impl LiveHead {
    /// Size in the file for a version with (`true`) or without microseconds.
    pub fn size(has_usec: bool) -> usize {
        if has_usec { 16 } else { 8 }
    }

    pub(crate) fn read(r: &mut Reader<'_>, has_usec: bool) -> Result<Self, FormatError> {
        let last_up = r.i64()?;
        let last_up_usec = if has_usec { r.i64()? } else { 0 };
        Ok(Self { last_up, last_up_usec })
    }

    pub(crate) fn write(&self, out: &mut Vec<u8>, has_usec: bool) {
        put_i64(out, self.last_up);
        if has_usec {
            put_i64(out, self.last_up_usec);
        }
    }
}
