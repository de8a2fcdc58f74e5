//! hrStorage (HOST-RESOURCES-MIB 25.2): hrMemorySize and hrStorageTable with snmpd's rows:
//! 1 physical memory, 3 virtual memory, 6 memory buffers, 7 cached memory, 8 shared memory,
//! 10 swap space, 11 available memory (from /proc/meminfo, in 1024-byte units), then one
//! row per reported filesystem at 30 + its fsys index (statfs, units scaled to fit 32 bits).
//! hrStorageAllocationFailures is not served, as snmpd does not.

use snmp::{Oid, Value, VarBind};

use super::host_oid;
use super::mounts::{self, Fs};
use crate::view::View;

/// Rows up to this index are memory; filesystems follow (snmpd's NETSNMP_MEM_TYPE_MAX).
pub const MEM_TYPE_MAX: u32 = 30;

/// `hrStorageTypes.N`.
fn storage_type(n: u32) -> Value<'static> {
    Value::oid(host_oid(&[2, 1, n]))
}

/// The kB values of /proc/meminfo by name; malformed lines are skipped.
pub fn parse_meminfo(text: &str) -> Vec<(String, u64)> {
    text.lines()
        .filter_map(|line| {
            let (key, rest) = line.split_once(':')?;
            let value = rest.split_whitespace().next()?.parse().ok()?;
            Some((key.trim().to_string(), value))
        })
        .collect()
}

/// A memory row: (index, type, description, size, used), in kB.
pub type MemRow = (u32, u32, &'static str, u64, u64);

/// The memory rows snmpd derives from /proc/meminfo (none without MemTotal).
pub fn memory_rows(meminfo: &[(String, u64)]) -> Vec<MemRow> {
    let get = |k: &str| meminfo.iter().find(|(key, _)| key == k).map(|(_, v)| *v);
    let Some(total) = get("MemTotal") else { return Vec::new() };
    let v = |k: &str| get(k).unwrap_or(0);
    let (free, swap_total, swap_free) = (v("MemFree"), v("SwapTotal"), v("SwapFree"));
    let cached = v("Cached") + v("SReclaimable");
    let mut rows = vec![
        (1, 2, "Physical memory", total, total.saturating_sub(free)),
        (3, 3, "Virtual memory", total + swap_total, (total + swap_total).saturating_sub(free + swap_free)),
        (6, 1, "Memory buffers", total, v("Buffers")),
        (7, 1, "Cached memory", cached, cached),
        (8, 1, "Shared memory", v("Shmem"), v("Shmem")),
        (10, 3, "Swap space", swap_total, swap_total.saturating_sub(swap_free)),
    ];
    if let Some(avail) = get("MemAvailable") {
        rows.push((11, 1, "Available memory", avail, 0));
    }
    rows
}

/// snmpd masks memory values to 31 bits.
fn int31(v: u64) -> i32 {
    (v & 0x7fff_ffff) as i32
}

/// The hrStorage view from meminfo text and the filesystems.
pub fn build(meminfo: &str, filesystems: &[Fs]) -> View {
    let entry = |col: u32, index: u32| host_oid(&[2, 3, 1, col, index]);
    let meminfo = parse_meminfo(meminfo);
    let mut values = Vec::new();
    if let Some((_, total)) = meminfo.iter().find(|(k, _)| k == "MemTotal") {
        values.push(VarBind::new(host_oid(&[2, 2, 0]), Value::Integer(int31(*total))));
    }
    let mut row = |index: u32, ty: Value<'static>, descr: Vec<u8>, units: i32, size: i32, used: i32| {
        values.push(VarBind::new(entry(1, index), Value::Integer(index as i32)));
        values.push(VarBind::new(entry(2, index), ty));
        values.push(VarBind::new(entry(3, index), Value::string(descr)));
        values.push(VarBind::new(entry(4, index), Value::Integer(units)));
        values.push(VarBind::new(entry(5, index), Value::Integer(size)));
        values.push(VarBind::new(entry(6, index), Value::Integer(used)));
    };
    for (index, ty, descr, size, used) in memory_rows(&meminfo) {
        row(index, storage_type(ty), descr.as_bytes().to_vec(), 1024, int31(size), int31(used));
    }
    for fs in filesystems {
        let (units, size, used) = fs.scaled32();
        let ty = storage_type(if fs.remote() { 10 } else { 4 });
        row(MEM_TYPE_MAX + fs.index, ty, fs.mount.path.as_bytes().to_vec(), units, size, used);
    }
    let objects: Vec<Oid> =
        std::iter::once(host_oid(&[2, 2])).chain((1..=7).map(|c| host_oid(&[2, 3, 1, c]))).collect();
    View::new(values, objects)
}

/// The collector; `disks` are the paths of the config's `disk` directives.
pub fn collect(disks: &[String]) -> View {
    let meminfo = std::fs::read_to_string("/proc/meminfo").unwrap_or_default();
    build(&meminfo, &mounts::filesystems(disks))
}

#[cfg(test)]
mod tests {
    use super::*;

    const MEMINFO: &str = "MemTotal:       24684096 kB\nMemFree:        22563156 kB\n\
        MemAvailable:   24048812 kB\nBuffers:            8532 kB\nCached:          1620436 kB\n\
        SwapCached:            0 kB\nSwapTotal:       1000 kB\nSwapFree:     400 kB\nShmem:  8788 kB\n\
        SReclaimable:     170152 kB\nbroken line\nHugePages_Total:       0\n";

    #[test]
    fn memory_rows_as_snmpd() {
        let rows = memory_rows(&parse_meminfo(MEMINFO));
        assert_eq!(
            rows,
            [
                (1, 2, "Physical memory", 24684096, 2120940),
                (3, 3, "Virtual memory", 24685096, 2121540),
                (6, 1, "Memory buffers", 24684096, 8532),
                (7, 1, "Cached memory", 1790588, 1790588),
                (8, 1, "Shared memory", 8788, 8788),
                (10, 3, "Swap space", 1000, 600),
                (11, 1, "Available memory", 24048812, 0),
            ]
        );
    }

    #[test]
    fn malformed_meminfo() {
        assert!(memory_rows(&parse_meminfo("")).is_empty());
        assert!(memory_rows(&parse_meminfo("MemTotal: lots\n")).is_empty());
        let rows = memory_rows(&parse_meminfo("MemTotal: 100 kB\n"));
        assert_eq!(rows.len(), 6);
        let view = build("garbage", &[]);
        assert!(view.is_empty());
    }
}
