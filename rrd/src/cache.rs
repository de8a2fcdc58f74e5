//! The poller's fast path: a bounded cache of open RRD files for many files updated once per
//! step each, and [`update_many`], a batch of updates across files.
//!
//! What rrdtool does per update (open, parse the whole header, lock, write, close) is cut to:
//! one `stat` of the path, the `fcntl` write lock, one read of the header, positioned writes
//! of only the bytes that change (rows, then live head / PDP prep / CDP prep / row pointers,
//! see [`crate::update::write_dirty`] for why in that order) and the unlock. Per cached file
//! it keeps the open handle, the parsed model without data ([`Rrd::parse_header`]) and the
//! raw bytes of its definitions (static head, DS and RRA definitions).
//!
//! Validation, every update, because rrdtool, Cacti or `rrdtool tune` may change or replace
//! the file between two of ours:
//! - the path's device, inode and size must still be those of the open handle (a file replaced
//!   by a rename, deleted or truncated is dropped from the cache and opened afresh, so its
//!   errors are exactly those of [`crate::update::update_file`]);
//! - under the lock the header is read again (one `pread`, ~3 KB for an MRTG file): if the
//!   definitions' bytes are unchanged only the live part (last update, PDP and CDP prep, row
//!   pointers) is decoded into the cached model, otherwise the header is parsed anew.
//!
//! Timestamps are not used to skip the re-read: Linux file times are coarse (one clock tick),
//! so a write by another process in the same tick as ours would go unseen. The re-read is one
//! system call of a few KB, already in the page cache.
//!
//! The lock is held only during the update, as rrdtool does. Eviction is least recently used
//! at a fixed capacity (each entry holds one file descriptor).

use std::collections::{BTreeMap, HashMap};
use std::fs::File;
use std::os::unix::fs::{FileExt as _, MetadataExt as _};
use std::path::{Path, PathBuf};

use crate::error::{Error, os_message};
use crate::format::Rrd;
use crate::update::{Dirty, UpdateOptions, lock_whole_file, read_header_bytes, write_dirty};

/// Default number of files kept open: the poller pattern of a few thousand files per step.
pub const DEFAULT_CAPACITY: usize = 4096;

/// One open file with its parsed header.
#[derive(Debug)]
struct Entry {
    file: File,
    dev: u64,
    ino: u64,
    len: u64,
    rrd: Rrd,
    /// The file's bytes before the live head: static head, DS and RRA definitions.
    defs: Vec<u8>,
    /// Last use, the key of this entry in [`FileCache::lru`].
    tick: u64,
}

/// A bounded cache of open RRD files, least recently used out first.
#[derive(Debug)]
pub struct FileCache {
    capacity: usize,
    entries: HashMap<PathBuf, Entry>,
    lru: BTreeMap<u64, PathBuf>,
    tick: u64,
    buf: Vec<u8>,
    stats: CacheStats,
}

/// Counters of a cache's work, for tests and tuning.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct CacheStats {
    /// Updates served from an open, still valid entry.
    pub hits: u64,
    /// Files opened and parsed (first use, after eviction, or after a change under us).
    pub opens: u64,
    /// Entries dropped because the path no longer named the same file of the same size.
    pub invalidated: u64,
    /// Entries closed to stay within the capacity.
    pub evicted: u64,
    /// Cached headers whose definitions changed under us (parsed anew).
    pub reparsed: u64,
}

impl Default for FileCache {
    fn default() -> Self {
        Self::new(DEFAULT_CAPACITY)
    }
}

impl FileCache {
    /// An empty cache keeping at most `capacity` files open (0: open and close per update).
    pub fn new(capacity: usize) -> Self {
        Self {
            capacity,
            entries: HashMap::new(),
            lru: BTreeMap::new(),
            tick: 0,
            buf: Vec::new(),
            stats: CacheStats::default(),
        }
    }

    /// Files open now.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// True when no file is open.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The work done so far.
    pub fn stats(&self) -> CacheStats {
        self.stats
    }

    /// Closes every file.
    pub fn clear(&mut self) {
        self.entries.clear();
        self.lru.clear();
    }

    fn remove(&mut self, path: &Path) -> Option<Entry> {
        let entry = self.entries.remove(path)?;
        self.lru.remove(&entry.tick);
        Some(entry)
    }

    /// The entry for `path` if the path still names the same file of the same size.
    fn take_valid(&mut self, path: &Path) -> Option<Entry> {
        let entry = self.remove(path)?;
        match std::fs::metadata(path) {
            Ok(meta) if meta.dev() == entry.dev && meta.ino() == entry.ino && meta.len() == entry.len => {
                self.stats.hits += 1;
                Some(entry)
            }
            _ => {
                self.stats.invalidated += 1;
                None
            }
        }
    }

    /// Opens and parses the file as [`crate::update::update_file`] does, with its errors.
    fn open(&mut self, path: &Path) -> Result<Entry, Error> {
        self.stats.opens += 1;
        let name = path.display().to_string();
        let file = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .open(path)
            .map_err(|e| Error::Open { path: name.clone(), message: os_message(&e) })?;
        let io_err = |source| Error::Io { context: "reading", path: path.to_path_buf(), source };
        let meta = file.metadata().map_err(io_err)?;
        let buf = read_header_bytes(&file, meta.len()).map_err(io_err)?;
        let rrd = Rrd::parse_header(&buf, meta.len()).map_err(|source| Error::Format { path: name, source })?;
        let defs = buf.get(..rrd.live_head_offset()).unwrap_or_default().to_vec();
        Ok(Entry { file, dev: meta.dev(), ino: meta.ino(), len: meta.len(), rrd, defs, tick: 0 })
    }

    fn insert(&mut self, path: &Path, mut entry: Entry) {
        if self.capacity == 0 {
            return;
        }
        while self.entries.len() >= self.capacity {
            let Some((_, oldest)) = self.lru.pop_first() else { break };
            self.entries.remove(&oldest);
            self.stats.evicted += 1;
        }
        self.tick += 1;
        entry.tick = self.tick;
        self.lru.insert(self.tick, path.to_path_buf());
        self.entries.insert(path.to_path_buf(), entry);
    }

    /// `rrdtool update FILE [options] READING...` through the cache: the same result, file
    /// bytes and errors as [`crate::update::update_file`] (readings before a refused one stay
    /// written).
    pub fn update<S: AsRef<str>>(
        &mut self,
        path: &Path,
        options: UpdateOptions<'_>,
        readings: &[S],
    ) -> Result<(), Error> {
        let mut entry = match self.take_valid(path) {
            Some(entry) => entry,
            None => self.open(path)?,
        };
        let result = self.update_entry(path, &mut entry, options, readings);
        // A file we could not read or write is not kept; a refused reading leaves it valid.
        if matches!(result, Ok(()) | Err(Error::Update { .. })) {
            self.insert(path, entry);
        }
        result
    }

    fn update_entry<S: AsRef<str>>(
        &mut self,
        path: &Path,
        entry: &mut Entry,
        options: UpdateOptions<'_>,
        readings: &[S],
    ) -> Result<(), Error> {
        let name = || path.display().to_string();
        lock_whole_file(&entry.file).map_err(|source| Error::Update { path: name(), source })?;
        let result = self.update_locked(path, entry, options, readings);
        unlock(&entry.file);
        result
    }

    /// Re-reads the header under the lock, applies the readings and writes the changes.
    fn update_locked<S: AsRef<str>>(
        &mut self,
        path: &Path,
        entry: &mut Entry,
        options: UpdateOptions<'_>,
        readings: &[S],
    ) -> Result<(), Error> {
        let name = || path.display().to_string();
        let size = entry.rrd.header_size();
        self.buf.resize(size, 0);
        entry.file.read_exact_at(&mut self.buf, 0).map_err(|source| Error::Io {
            context: "reading",
            path: path.to_path_buf(),
            source,
        })?;
        let live_at = entry.defs.len();
        let (defs, live) = self.buf.split_at(live_at.min(size));
        if defs == entry.defs.as_slice() {
            entry.rrd.reload_live(live).map_err(|source| Error::Format { path: name(), source })?;
        } else {
            self.stats.reparsed += 1;
            let buf = read_header_bytes(&entry.file, entry.len).map_err(|source| Error::Io {
                context: "reading",
                path: path.to_path_buf(),
                source,
            })?;
            entry.rrd = Rrd::parse_header(&buf, entry.len).map_err(|source| Error::Format { path: name(), source })?;
            entry.defs = buf.get(..entry.rrd.live_head_offset()).unwrap_or_default().to_vec();
        }
        let mut dirty = Dirty::default();
        let result = entry.rrd.update(options, readings, &mut dirty);
        write_dirty(&entry.file, &entry.rrd, &dirty).map_err(|source| Error::Io {
            context: "writing",
            path: path.to_path_buf(),
            source,
        })?;
        result.map_err(|source| Error::Update { path: name(), source })
    }
}

/// Releases the write lock taken by [`lock_whole_file`].
fn unlock(file: &File) {
    use nix::fcntl::{FcntlArg, fcntl};
    let lock = nix::libc::flock {
        l_type: nix::libc::F_UNLCK as i16,
        l_whence: nix::libc::SEEK_SET as i16,
        l_start: 0,
        l_len: 0,
        l_pid: 0,
    };
    // Closing the file would release it too; a failure here leaves nothing to undo.
    let _ = fcntl(file, FcntlArg::F_SETLK(&lock));
}

/// A batch of updates across files, in order, through `cache`: per file its readings (as
/// `rrdtool update FILE READING...`), and per file the result. One bad file never stops the
/// others.
pub fn update_many<P: AsRef<Path>, S: AsRef<str>>(
    cache: &mut FileCache,
    batch: &[(P, Vec<S>)],
) -> Vec<Result<(), Error>> {
    batch.iter().map(|(path, readings)| cache.update(path.as_ref(), UpdateOptions::default(), readings)).collect()
}
