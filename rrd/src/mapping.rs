//! A shared, writable memory mapping of a whole RRD file, as rrdtool itself updates files:
//! the cache ([`crate::cache`]) reads the header and stores changed bytes with plain memory
//! accesses instead of a `pread` and several `pwrite`s per update. Measured on the poller
//! pattern (`scripts/bench-rrd.sh`), those system calls were half of a cached update's time.
//!
//! This is the crate's only unsafe code. Its contract: the bytes are touched only while the
//! caller holds rrdtool's `fcntl` write lock and has checked, under that lock, that the file
//! still has the mapped length (see [`crate::cache`]). Cooperating writers (rrdtool, Cacti,
//! Osprey) take that lock before changing a file, and rrdtool replaces files by `rename`,
//! which leaves the mapped inode intact. What remains is the risk rrdtool runs too: a
//! process that truncates the file in place without the lock, in the microseconds of an
//! update, makes the access fault (SIGBUS).
#![allow(unsafe_code)]

use std::fs::File;

use memmap2::{MmapMut, MmapOptions};

/// The mapped bytes of one file (none for an empty file, which cannot be mapped).
#[derive(Debug)]
pub(crate) struct Mapping {
    map: Option<MmapMut>,
}

impl Mapping {
    /// Maps the first `len` bytes of `file` (opened for reading and writing), shared with
    /// the page cache so other processes see every store at once.
    pub(crate) fn new(file: &File, len: u64) -> std::io::Result<Self> {
        let len = usize::try_from(len).map_err(|_| std::io::Error::other("file too large to map"))?;
        if len == 0 {
            return Ok(Mapping { map: None });
        }
        // SAFETY: the mapping is only read or written under the contract of the module doc:
        // with the file's write lock held and its length checked to be `len`, so no
        // cooperating process changes or shortens it while we access it.
        let map = unsafe { MmapOptions::new().len(len).map_mut(file)? };
        // An update touches a few pages; without this, each first access maps the 16 around
        // it, which costs time and shows as resident memory (rrdtool advises the same).
        map.advise(memmap2::Advice::Random)?;
        Ok(Mapping { map: Some(map) })
    }

    /// All mapped bytes.
    pub(crate) fn bytes(&self) -> &[u8] {
        self.map.as_deref().unwrap_or_default()
    }

    /// Stores `bytes` at `offset`; an error if that is beyond the mapping.
    pub(crate) fn write_at(&mut self, bytes: &[u8], offset: u64) -> std::io::Result<()> {
        let range = usize::try_from(offset).ok().and_then(|start| Some(start..start.checked_add(bytes.len())?));
        match range.and_then(|range| self.map.as_deref_mut()?.get_mut(range)) {
            Some(target) => {
                target.copy_from_slice(bytes);
                Ok(())
            }
            None => Err(std::io::Error::new(std::io::ErrorKind::UnexpectedEof, "write beyond the end of the file")),
        }
    }
}
