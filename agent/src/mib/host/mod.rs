//! HOST-RESOURCES-MIB (1.3.6.1.2.1.25), as net-snmp's snmpd serves it on Linux: one handler
//! per subgroup so each has its own cache lifetime.
//!
//! - [`system`]: hrSystem (25.1), uptime and date live, the rest from /proc and utmp.
//! - [`storage`]: hrMemorySize and hrStorageTable (25.2) from /proc/meminfo and statfs of
//!   the mounts in /proc/mounts ([`mounts`] numbers them as snmpd does).
//! - [`device`]: hrDevice (25.3): processors (with load sampled from /proc/stat), network
//!   interfaces, the co-processor row, and hrFSTable.
//! - [`swrun`]: hrSWRunTable (25.4) and hrSWRunPerfTable (25.5) from /proc/[pid].
//! - [`swinstalled`]: hrSWInstalledTable (25.6) from the dpkg database.
//! - [`date`]: DateAndTime encoding shared by the groups.

pub mod date;
pub mod device;
pub mod mounts;
pub mod storage;
pub mod swinstalled;
pub mod swrun;
pub mod system;

use std::sync::Arc;
use std::time::Duration;

use snmp::Oid;

use super::{Context, Modules};
use crate::view::CachedView;

/// HOST-RESOURCES-MIB::host.
pub const HOST: [u32; 7] = [1, 3, 6, 1, 2, 1, 25];

/// `host.sub`.
pub(crate) fn host_oid(sub: &[u32]) -> Oid {
    Oid::from(HOST).child(sub)
}

/// Registers the HOST-RESOURCES-MIB handlers.
pub(super) fn register(m: &mut Modules, ctx: &Context) {
    let disks: Vec<String> = ctx.config.disks.iter().map(|d| d.path.clone()).collect();
    let storage_disks = disks.clone();
    let sys = Arc::new(CachedView::new(host_oid(&[1]), Duration::from_secs(5), Box::new(system::collect)));
    m.cached.push(sys.clone());
    m.add(system::HrSystem::new(sys));
    m.add_cached(CachedView::new(
        host_oid(&[2]),
        Duration::from_secs(5),
        Box::new(move || storage::collect(&storage_disks)),
    ));
    m.add_cached(CachedView::new(host_oid(&[3]), Duration::from_secs(5), device::collector(disks)));
    m.add_cached(CachedView::new(host_oid(&[4]), Duration::from_secs(5), Box::new(swrun::collect_run)));
    m.add_cached(CachedView::new(host_oid(&[5]), Duration::from_secs(5), Box::new(swrun::collect_perf)));
    m.add_cached(CachedView::new(host_oid(&[6]), Duration::from_secs(60), Box::new(swinstalled::collect)));
}
