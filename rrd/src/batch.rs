//! Batches of updates across many files, spread over worker threads: the poller's write path
//! and `rrd -` pipe mode.
//!
//! A [`ParallelCache`] holds one [`FileCache`] per worker. A file always belongs to the same
//! worker, so each file's updates run in batch order on one thread and every file stays open
//! in one cache only; different files are independent, as they are for rrdtool. The result of
//! each update is exactly what [`FileCache::update`] gives alone.
//!
//! The worker is chosen by the file, not its name: when a path is first seen, by its device
//! and inode, so two names of one file (`a.rrd`, `./a.rrd`, a link) share a worker and their
//! updates stay in order. The choice sticks to the path. Should a path later name a file that
//! another path's worker owns (a file replaced by a hard link to another), the two workers'
//! locks exclude each other (they are per open file) and one update fails with "could not lock
//! RRD" rather than both writing at once.
//!
//! Most of an update's time is the kernel's (the lock, the `statx`, dirtying page-cache pages),
//! and it scales with cores when the files differ. Small batches run on the calling thread:
//! starting a worker costs tens of microseconds.

use std::collections::HashMap;
use std::ffi::OsString;
use std::hash::{BuildHasher, BuildHasherDefault, DefaultHasher};
use std::os::unix::fs::MetadataExt as _;
use std::path::Path;

use crate::cache::{CacheStats, FileCache, default_capacity};
use crate::error::Error;
use crate::update::UpdateOptions;

/// Batches smaller than this run on the calling thread.
const PARALLEL_MIN: usize = 64;

/// Most worker threads used by [`ParallelCache::with_available_parallelism`].
const MAX_WORKERS: usize = 8;

/// Paths whose worker is remembered; past this the memory starts afresh (a path then may move
/// to another worker, whose cache opens it anew).
const MAX_REMEMBERED_PATHS: usize = 1 << 20;

/// One `rrdtool update FILE [options] READING...`.
#[derive(Debug, Clone)]
pub struct Update<'a> {
    /// The file.
    pub path: &'a Path,
    /// `--template` and `--skip-past-updates`.
    pub options: UpdateOptions<'a>,
    /// The readings, in order.
    pub readings: Vec<&'a str>,
}

/// Open files partitioned over worker threads by path.
#[derive(Debug)]
pub struct ParallelCache {
    shards: Vec<FileCache>,
    /// The worker of each path seen.
    owners: HashMap<OsString, usize>,
    /// File descriptor numbers the process's table has room for, as far as we made it so.
    reserved_fds: usize,
}

impl ParallelCache {
    /// `workers` caches (at least one) of `capacity` files in all.
    pub fn new(workers: usize, capacity: usize) -> Self {
        let workers = workers.max(1);
        let shards = (0..workers).map(|_| FileCache::new(capacity.div_ceil(workers))).collect();
        ParallelCache { shards, owners: HashMap::new(), reserved_fds: 0 }
    }

    /// One worker per available core (at most 8), [`default_capacity`] files in all.
    pub fn with_available_parallelism() -> Self {
        let cores = std::thread::available_parallelism().map_or(1, usize::from);
        Self::new(cores.min(MAX_WORKERS), default_capacity())
    }

    /// Worker threads a large batch uses.
    pub fn workers(&self) -> usize {
        self.shards.len()
    }

    /// Files open now.
    pub fn len(&self) -> usize {
        self.shards.iter().map(FileCache::len).sum()
    }

    /// True when no file is open.
    pub fn is_empty(&self) -> bool {
        self.shards.iter().all(FileCache::is_empty)
    }

    /// The work of all workers so far.
    pub fn stats(&self) -> CacheStats {
        self.shards.iter().map(FileCache::stats).fold(CacheStats::default(), |sum, s| CacheStats {
            hits: sum.hits + s.hits,
            opens: sum.opens + s.opens,
            invalidated: sum.invalidated + s.invalidated,
            evicted: sum.evicted + s.evicted,
            uncached: sum.uncached + s.uncached,
            reparsed: sum.reparsed + s.reparsed,
        })
    }

    /// The worker of `path`: the one it had, or the one of the file it names now.
    fn owner_of(&mut self, path: &Path) -> usize {
        if let Some(owner) = self.owners.get(path.as_os_str()) {
            return *owner;
        }
        let hasher = BuildHasherDefault::<DefaultHasher>::default();
        let hash = match std::fs::metadata(path) {
            Ok(meta) => hasher.hash_one((meta.dev(), meta.ino())),
            // No file (yet): its update fails alike on any worker.
            Err(_) => hasher.hash_one(path.as_os_str()),
        };
        let owner = (hash % self.shards.len() as u64) as usize;
        if self.owners.len() >= MAX_REMEMBERED_PATHS {
            self.owners.clear();
        }
        self.owners.insert(path.as_os_str().to_owned(), owner);
        owner
    }

    /// Applies `batch` and returns each update's result, in batch order.
    pub fn update_batch(&mut self, batch: &[Update<'_>]) -> Vec<Result<(), Error>> {
        let owners: Vec<usize> = batch.iter().map(|u| self.owner_of(u.path)).collect();
        // One worker's share of the batch, in batch order.
        let work = |number: usize, shard: &mut FileCache| -> Vec<(usize, Result<(), Error>)> {
            batch
                .iter()
                .zip(&owners)
                .enumerate()
                .filter(|(_, (_, owner))| **owner == number)
                .map(|(index, (u, _))| (index, shard.update(u.path, u.options, &u.readings)))
                .collect()
        };
        let done: Vec<Vec<(usize, Result<(), Error>)>> = if batch.len() < PARALLEL_MIN || self.shards.len() == 1 {
            self.shards.iter_mut().enumerate().map(|(number, shard)| work(number, shard)).collect()
        } else {
            self.reserve_fds(self.len() + batch.len());
            std::thread::scope(|scope| {
                let (first, rest) = self.shards.split_at_mut(1);
                let workers: Vec<_> =
                    rest.iter_mut().enumerate().map(|(i, shard)| scope.spawn(move || work(i + 1, shard))).collect();
                let mut done: Vec<_> = first.iter_mut().map(|shard| work(0, shard)).collect();
                // A worker that panicked has no results: its updates report that below.
                done.extend(workers.into_iter().filter_map(|worker| worker.join().ok()));
                done
            })
        };
        let mut results: Vec<Option<Result<(), Error>>> = batch.iter().map(|_| None).collect();
        for (index, result) in done.into_iter().flatten() {
            if let Some(slot) = results.get_mut(index) {
                *slot = Some(result);
            }
        }
        results
            .into_iter()
            .zip(batch)
            .map(|(result, update)| {
                result.unwrap_or_else(|| {
                    Err(Error::Io {
                        context: "updating",
                        path: update.path.to_path_buf(),
                        source: std::io::Error::other("worker thread failed"),
                    })
                })
            })
            .collect()
    }

    /// Grows the process's file descriptor table to hold `count` more descriptors now, while
    /// this thread runs alone: growing it while the workers run makes the kernel wait for an
    /// RCU grace period at each doubling (measured: 2,000 new files on 2 workers took longer
    /// than on one). Best effort: a failure only leaves the growth to the kernel.
    fn reserve_fds(&mut self, count: usize) {
        let capacity: usize = self.shards.iter().map(FileCache::capacity).sum();
        let wanted = count.min(capacity).saturating_add(64);
        if wanted <= self.reserved_fds {
            return;
        }
        self.reserved_fds = wanted;
        // The table grows to hold the lowest free number at or above `wanted`; closed at once.
        if let Ok(number) = i32::try_from(wanted) {
            drop(rustix::io::fcntl_dupfd_cloexec(std::io::stderr(), number));
        }
    }

    /// A batch of plain updates (no options) across files: per file its readings, as
    /// `rrdtool update FILE READING...`, and per file the result. One bad file stops nothing.
    pub fn update_many<P: AsRef<Path>, S: AsRef<str>>(&mut self, batch: &[(P, Vec<S>)]) -> Vec<Result<(), Error>> {
        let updates: Vec<Update<'_>> = batch
            .iter()
            .map(|(path, readings)| Update {
                path: path.as_ref(),
                options: UpdateOptions::default(),
                readings: readings.iter().map(AsRef::as_ref).collect(),
            })
            .collect();
        self.update_batch(&updates)
    }
}
