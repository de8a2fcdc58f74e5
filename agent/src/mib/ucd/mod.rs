//! UCD-SNMP-MIB (`1.3.6.1.4.1.2021`) and UCD-DISKIO-MIB as net-snmp 5.9's snmpd serves them
//! on Linux: one [`CachedView`] per subgroup, each built by a collector that reads /proc
//! (or statvfs, sysinfo) off the request path.
//!
//! - [`proc_table`]: prTable (`.2`) from the `proc` directives.
//! - [`memory`]: the memory scalars (`.4`) from /proc/meminfo.
//! - [`disk`]: dskTable (`.9`) from `disk` / `includeAllDisks`, /proc/mounts and statvfs.
//! - [`load`]: laTable (`.10`) from the load averages and the `load` directive.
//! - [`system_stats`]: systemStats (`.11`) from /proc/stat and /proc/vmstat.
//! - [`file_table`]: fileTable (`.15`) from the `file` directives.
//! - [`diskio`]: diskIOTable (`.13.15`) from /proc/diskstats.
//! - [`version`]: the constant groups: version (`.100`), snmperrs (`.101`), dlmod's
//!   `dlmodNextIndex` (`.13.14`) and logMatch's `logMatchMaxEntries` (`.16`).

pub mod disk;
pub mod diskio;
pub mod file_table;
pub mod load;
pub mod memory;
pub mod proc_table;
pub mod system_stats;
pub mod version;

use std::time::Duration;

use snmp::{Oid, Value, VarBind};

use crate::config::Config;
use crate::view::{CachedView, View};

/// `1.3.6.1.4.1.2021` followed by `sub`.
pub(crate) fn ucd(sub: &[u32]) -> Oid {
    Oid::from([1, 3, 6, 1, 4, 1, 2021]).child(sub)
}

/// Collects a view's instances and the objects they belong to.
#[derive(Debug, Default)]
pub(crate) struct Builder {
    values: Vec<VarBind<'static>>,
    objects: Vec<Oid>,
}

impl Builder {
    /// Declares an object (scalar without `.0`, or table column) with no instance yet.
    pub(crate) fn object(&mut self, object: Oid) {
        self.objects.push(object);
    }

    /// A scalar `base.sub.0`.
    pub(crate) fn scalar(&mut self, base: &Oid, sub: u32, value: Value<'static>) {
        let object = base.child(&[sub]);
        self.values.push(VarBind::new(object.child(&[0]), value));
        self.objects.push(object);
    }

    /// A table cell `entry.column.index`.
    pub(crate) fn cell(&mut self, entry: &Oid, column: u32, index: u32, value: Value<'static>) {
        let object = entry.child(&[column]);
        self.values.push(VarBind::new(object.child(&[index]), value));
        self.objects.push(object);
    }

    pub(crate) fn build(self) -> View {
        View::new(self.values, self.objects)
    }
}

/// A string value from text.
pub(crate) fn text(s: impl Into<String>) -> Value<'static> {
    Value::string(s.into().into_bytes())
}

/// An INTEGER clamped into Integer32, as snmpd's `long` values end up on 64-bit Linux for
/// the sizes seen in practice.
pub(crate) fn int(v: i64) -> Value<'static> {
    Value::Integer(v.clamp(i64::from(i32::MIN), i64::from(i32::MAX)) as i32)
}

/// The value of the first line `key value...` (whitespace separated) whose key is `key`.
pub(crate) fn field<'a>(text: &'a str, key: &str) -> Option<&'a str> {
    text.lines().find_map(|line| {
        let mut words = line.split_whitespace();
        (words.next() == Some(key)).then(|| words.next()).flatten()
    })
}

/// Every UCD handler, with cache lifetimes like snmpd's (counters a few seconds, tables of
/// processes and disks a little longer, constants a minute).
pub fn views(config: &Config) -> Vec<CachedView> {
    let procs = config.procs.clone();
    let disks = disk::DiskTable::new(config);
    let load_max = config.load.unwrap_or([load::DEFAULT_MAX; 3]);
    let minimum_swap = config.swap_min.unwrap_or(memory::MINIMUM_SWAP);
    let files = config.files.clone();
    let stats = system_stats::SystemStats::default();
    let diskio = diskio::DiskIo::default();
    vec![
        CachedView::new(ucd(&[2]), Duration::from_secs(5), Box::new(move || proc_table::view(&procs))),
        CachedView::new(ucd(&[4]), Duration::from_secs(5), Box::new(move || memory::view(minimum_swap))),
        CachedView::new(ucd(&[9]), Duration::from_secs(5), Box::new(move || disks.view())),
        CachedView::new(ucd(&[10]), Duration::from_secs(5), Box::new(move || load::view(load_max))),
        CachedView::new(ucd(&[11]), Duration::from_secs(5), Box::new(move || stats.view())),
        CachedView::new(ucd(&[13, 14]), Duration::from_secs(60), Box::new(version::dlmod_view)),
        CachedView::new(ucd(&[15]), Duration::from_secs(5), Box::new(move || file_table::view(&files))),
        CachedView::new(ucd(&[13, 15]), Duration::from_secs(5), Box::new(move || diskio.view())),
        CachedView::new(ucd(&[16]), Duration::from_secs(60), Box::new(version::logmatch_view)),
        CachedView::new(ucd(&[100]), Duration::from_secs(1), Box::new(version::version_view)),
        CachedView::new(ucd(&[101]), Duration::from_secs(60), Box::new(version::snmperrs_view)),
    ]
}
