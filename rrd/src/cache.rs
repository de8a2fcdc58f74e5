//! The poller's fast path: a bounded cache of open RRD files for many files updated once per
//! step each (batches across files and threads: [`crate::batch`]).
//!
//! What rrdtool does per update (open, map, parse the whole header, lock, write, unmap, close)
//! is cut to: the `fcntl` write lock, one `stat` of the path, a comparison and a decode of the
//! header in a mapping kept open ([`crate::mapping`]), memory stores of only the bytes that
//! change (rows, then live head / PDP prep / CDP prep / row pointers, see
//! [`crate::update::write_dirty_with`] for why in that order) and the unlock. Per cached file
//! it keeps the open handle, its mapping, the parsed model without data
//! ([`Rrd::parse_header`]) and the raw bytes of its definitions (static head, DS and RRA
//! definitions).
//!
//! Validation, every update, because rrdtool, Cacti or `rrdtool tune` may change or replace
//! the file between two of ours, all under the lock (so no cooperating writer can change the
//! file between the check and our writes):
//! - the path's device, inode and size must still be those of the open handle (a file replaced
//!   by a rename, deleted or truncated is dropped from the cache and opened afresh, so its
//!   errors are exactly those of [`crate::update::update_file`]); only then is the mapping
//!   touched;
//! - if the definitions' bytes are unchanged only the live part (last update, PDP and CDP
//!   prep, row pointers) is decoded into the cached model, otherwise the header is parsed anew.
//!
//! Timestamps are not used to skip the header decode: Linux file times are coarse (one clock
//! tick), so a write by another process in the same tick as ours would go unseen.
//!
//! As with any long-lived shared mapping, the file's mtime moves when the kernel next writes
//! the dirty pages back (at most `vm.dirty_expire_centisecs`, 30 s by default, late), not at
//! each update; the update times that matter are in the file itself.
//!
//! The lock is held only during the update, as rrdtool does.
//!
//! Capacity: each entry holds one file descriptor and one mapping, so the default follows the
//! open-file limit (and stays well below the kernel's 65,530 mappings per process). When the
//! cache is full, a new file takes the place of the least recently used one only if that one
//! has been idle for a while (10 minutes by default); otherwise the new file is updated the
//! plain way ([`crate::update::update_file`]) without being cached. Plain LRU would evict on
//! every update when a poller cycles through more files than fit (each file's update would
//! pay a map and an unmap); this way the files cached stay cached, and files that stop being
//! updated make room.

use std::collections::{BTreeMap, HashMap};
use std::ffi::OsString;
use std::fs::File;
use std::os::unix::fs::MetadataExt as _;
use std::path::Path;
use std::time::{Duration, Instant};

use crate::error::{Error, os_message};
use crate::format::Rrd;
use crate::mapping::Mapping;
use crate::update::{Dirty, UpdateOptions, lock_whole_file, write_dirty_with};

/// Files left for other uses of descriptors than cached files.
const RESERVED_FDS: u64 = 256;

/// Most files a default cache keeps open (each is one of the process's 65,530 mappings).
const MAX_DEFAULT_CAPACITY: u64 = 32_768;

/// How long the least recently used file must have been idle before a new file replaces it.
pub const DEFAULT_IDLE_EVICTION: Duration = Duration::from_secs(600);

/// The default capacity: what the open-file limit allows (see [`raise_open_file_limit`]),
/// at most 32,768 files.
pub fn default_capacity() -> usize {
    use nix::sys::resource::{Resource, getrlimit};
    let soft = getrlimit(Resource::RLIMIT_NOFILE).map_or(1024, |(soft, _)| soft);
    usize::try_from(soft.saturating_sub(RESERVED_FDS).clamp(64, MAX_DEFAULT_CAPACITY)).unwrap_or(64)
}

/// One open file with its parsed header.
#[derive(Debug)]
struct Entry {
    file: File,
    map: Mapping,
    dev: u64,
    ino: u64,
    len: u64,
    rrd: Rrd,
    /// The file's bytes before the live head: static head, DS and RRA definitions.
    defs: Vec<u8>,
    /// Last use, the key of this entry in [`FileCache::lru`].
    tick: u64,
    /// Last use, in time.
    used: Instant,
}

impl Entry {
    /// True when the file's `header` bytes still match the cached model: the same definitions,
    /// last update time and row pointers. Whatever another writer does moves one of them: an
    /// update must advance the last update time, `tune` edits a definition, and a file
    /// replaced or resized was already caught by [`FileCache::still_valid`].
    fn is_current(&self, header: &[u8]) -> bool {
        let rrd = &self.rrd;
        let word = |at: usize| header.get(at..at + 8).and_then(|b| b.try_into().ok()).map(i64::from_le_bytes);
        let live = self.defs.len();
        let rows = rrd.header_size() - 8 * rrd.cur_row.len();
        header.get(..live) == Some(self.defs.as_slice())
            && word(live) == Some(rrd.live.last_up)
            && (!rrd.version.has_usec() || word(live + 8) == Some(rrd.live.last_up_usec))
            && rrd.cur_row.iter().enumerate().all(|(i, row)| word(rows + 8 * i) == Some(*row as i64))
    }
}

/// What [`FileCache::lock_cached`] found for a path.
enum Lookup<'a> {
    /// An entry, locked and still valid, and the cache's counters.
    Hit(&'a mut Entry, &'a mut CacheStats),
    /// An entry the path no longer names (not locked); to be dropped.
    Stale,
    /// No entry.
    Miss,
}

/// A bounded cache of open RRD files.
#[derive(Debug)]
pub struct FileCache {
    capacity: usize,
    idle_eviction: Duration,
    /// By path, as bytes (hashing a `Path` walks its components: measurably slower).
    entries: HashMap<OsString, Entry>,
    lru: BTreeMap<u64, OsString>,
    tick: u64,
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
    /// Entries closed to make room (idle ones, or when out of file descriptors).
    pub evicted: u64,
    /// Updates done without the cache because it was full of files in use.
    pub uncached: u64,
    /// Cached headers whose definitions changed under us (parsed anew).
    pub reparsed: u64,
}

impl Default for FileCache {
    fn default() -> Self {
        Self::new(default_capacity())
    }
}

impl FileCache {
    /// An empty cache keeping at most `capacity` files open (0: open and close per update).
    pub fn new(capacity: usize) -> Self {
        Self {
            capacity,
            idle_eviction: DEFAULT_IDLE_EVICTION,
            entries: HashMap::new(),
            lru: BTreeMap::new(),
            tick: 0,
            stats: CacheStats::default(),
        }
    }

    /// How long the least recently used file must have been idle before a new file replaces
    /// it in a full cache (zero: always, plain LRU).
    pub fn with_idle_eviction(mut self, idle: Duration) -> Self {
        self.idle_eviction = idle;
        self
    }

    /// Most files kept open.
    pub fn capacity(&self) -> usize {
        self.capacity
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
        let entry = self.entries.remove(path.as_os_str())?;
        self.lru.remove(&entry.tick);
        Some(entry)
    }

    /// True when `path` still names the file `entry` holds, at the size it was mapped with.
    ///
    /// Asks for no file times: since Linux 6.13, reading a file's times makes its next change
    /// store a fine-grained time, which costs our own next write an inode update (multigrain
    /// timestamps).
    fn still_valid(path: &Path, entry: &Entry) -> bool {
        use rustix::fs::{AtFlags, CWD, StatxFlags, makedev, statx};
        matches!(statx(CWD, path, AtFlags::empty(), StatxFlags::INO | StatxFlags::SIZE),
            Ok(st) if makedev(st.stx_dev_major, st.stx_dev_minor) == entry.dev
                && st.stx_ino == entry.ino && st.stx_size == entry.len)
    }

    /// Opens, locks and parses the file as [`crate::update::update_file`] does, with its errors;
    /// None for a file with holes (a sparse copy), which is not mapped: on a full disk, a store
    /// into a hole kills the process (SIGBUS) where a `pwrite` reports "No space left".
    fn open_locked(&mut self, path: &Path) -> Result<Option<Entry>, Error> {
        let name = || path.display().to_string();
        self.stats.opens += 1;
        let file = loop {
            match open_no_atime(path) {
                // Out of descriptors (a low `ulimit -n`): close the oldest file and try again.
                Err(e) if is_out_of_descriptors(&e) && !self.entries.is_empty() => self.evict_oldest(),
                result => break result.map_err(|e| Error::Open { path: name(), message: os_message(&e) })?,
            }
        };
        lock_whole_file(&file).map_err(|source| Error::Update { path: name(), source })?;
        let io_err = |source| Error::Io { context: "reading", path: path.to_path_buf(), source };
        let meta = file.metadata().map_err(io_err)?;
        let len = meta.len();
        if meta.blocks().saturating_mul(512) < len {
            return Ok(None);
        }
        let map = Mapping::new(&file, len).map_err(io_err)?;
        let rrd = Rrd::parse_header(map.bytes(), len).map_err(|source| Error::Format { path: name(), source })?;
        let defs = map.bytes().get(..rrd.live_head_offset()).unwrap_or_default().to_vec();
        let used = Instant::now();
        Ok(Some(Entry { file, map, dev: meta.dev(), ino: meta.ino(), len, rrd, defs, tick: 0, used }))
    }

    fn evict_oldest(&mut self) {
        if let Some((_, oldest)) = self.lru.pop_first() {
            self.entries.remove(&oldest);
            self.stats.evicted += 1;
        }
    }

    /// True when a new file may be cached: there is room, or the least recently used file has
    /// been idle long enough to give its place.
    fn make_room(&mut self) -> bool {
        if self.entries.len() < self.capacity {
            return true;
        }
        let idle =
            self.lru.first_key_value().and_then(|(_, oldest)| self.entries.get(oldest)).map(|e| e.used.elapsed());
        if self.capacity > 0 && idle.is_some_and(|idle| idle >= self.idle_eviction) {
            self.evict_oldest();
            return true;
        }
        false
    }

    fn insert(&mut self, path: &Path, mut entry: Entry) {
        self.tick += 1;
        entry.tick = self.tick;
        self.lru.insert(self.tick, path.as_os_str().to_owned());
        self.entries.insert(path.as_os_str().to_owned(), entry);
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
        // A file we could not read or write is not kept; a refused reading leaves it valid.
        let keep = |result: &Result<(), Error>| matches!(result, Ok(()) | Err(Error::Update { .. }));
        match self.lock_cached(path)? {
            Lookup::Hit(entry, stats) => {
                let result = Self::update_locked(stats, path, entry, options, readings);
                crate::lock::unlock(&entry.file);
                if !keep(&result) {
                    self.remove(path);
                }
                return result;
            }
            Lookup::Stale => {
                self.remove(path);
                self.stats.invalidated += 1;
            }
            Lookup::Miss => {}
        }
        let fresh = if self.make_room() { self.open_locked(path)? } else { None };
        let Some(mut entry) = fresh else {
            self.stats.uncached += 1;
            return crate::update::update_file(path, options, readings).map(|_| ());
        };
        let result = Self::update_locked(&mut self.stats, path, &mut entry, options, readings);
        crate::lock::unlock(&entry.file);
        if keep(&result) {
            self.insert(path, entry);
        }
        result
    }

    /// Looks `path` up; a cached entry is locked, then checked, and marked as used last.
    fn lock_cached(&mut self, path: &Path) -> Result<Lookup<'_>, Error> {
        let FileCache { entries, lru, tick, stats, .. } = self;
        let Some(entry) = entries.get_mut(path.as_os_str()) else { return Ok(Lookup::Miss) };
        if let Err(source) = lock_whole_file(&entry.file) {
            // Another writer has it now: the entry stays as good as it was.
            return Err(Error::Update { path: path.display().to_string(), source });
        }
        if !Self::still_valid(path, entry) {
            crate::lock::unlock(&entry.file);
            return Ok(Lookup::Stale);
        }
        stats.hits += 1;
        *tick += 1;
        if let Some(key) = lru.remove(&entry.tick) {
            lru.insert(*tick, key);
        }
        entry.tick = *tick;
        entry.used = Instant::now();
        Ok(Lookup::Hit(entry, stats))
    }

    /// Brings the cached model up to date from the mapping, applies the readings and stores
    /// the changes. The caller holds the lock and has validated the entry.
    fn update_locked<S: AsRef<str>>(
        stats: &mut CacheStats,
        path: &Path,
        entry: &mut Entry,
        options: UpdateOptions<'_>,
        readings: &[S],
    ) -> Result<(), Error> {
        let name = || path.display().to_string();
        let bytes = entry.map.bytes();
        if !entry.is_current(bytes) {
            match bytes.get(entry.defs.len()..) {
                Some(live) if bytes.get(..entry.defs.len()) == Some(entry.defs.as_slice()) => {
                    entry.rrd.reload_live(live).map_err(|source| Error::Format { path: name(), source })?;
                }
                _ => {
                    stats.reparsed += 1;
                    entry.rrd =
                        Rrd::parse_header(bytes, entry.len).map_err(|source| Error::Format { path: name(), source })?;
                    entry.defs = bytes.get(..entry.rrd.live_head_offset()).unwrap_or_default().to_vec();
                }
            }
        }
        let mut dirty = Dirty::default();
        let result = entry.rrd.update(options, readings, &mut dirty);
        let map = &mut entry.map;
        write_dirty_with(&entry.rrd, &dirty, |bytes, offset| map.write_at(bytes, offset))
            .map_err(|source| Error::Io { context: "writing", path: path.to_path_buf(), source })?;
        result.map_err(|source| Error::Update { path: name(), source })
    }
}

/// Opens `path` for reading and writing without access time updates where allowed (the
/// file's owner): mapping a file otherwise stamps its access time, a journal write made while
/// the process's memory map is locked, which stalls every other thread's page faults and
/// mappings. Files of other owners open as usual.
fn open_no_atime(path: &Path) -> std::io::Result<File> {
    use std::os::unix::fs::OpenOptionsExt as _;
    let open = |flags| std::fs::OpenOptions::new().read(true).write(true).custom_flags(flags).open(path);
    match open(nix::libc::O_NOATIME) {
        Err(e) if e.raw_os_error() == Some(nix::libc::EPERM) => open(0),
        result => result,
    }
}

fn is_out_of_descriptors(e: &std::io::Error) -> bool {
    matches!(e.raw_os_error(), Some(nix::libc::EMFILE | nix::libc::ENFILE))
}

/// Raises this process's soft limit of open files to its hard limit, as long-running servers
/// do, so that a cache of thousands of files fits; returns the limit now in force. The usual
/// soft limit of 1024 would otherwise make the cache close and reopen files.
pub fn raise_open_file_limit() -> u64 {
    use nix::sys::resource::{Resource, getrlimit, setrlimit};
    match getrlimit(Resource::RLIMIT_NOFILE) {
        Ok((soft, hard)) if soft < hard => {
            if setrlimit(Resource::RLIMIT_NOFILE, hard, hard).is_ok() {
                hard
            } else {
                soft
            }
        }
        Ok((soft, _)) => soft,
        Err(_) => 0,
    }
}
