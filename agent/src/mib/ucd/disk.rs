//! dskTable (UCD-SNMP-MIB `.9`) as snmpd 5.9 builds it: the `disk PATH [MIN]` rules take
//! indexes 1.. in config order; with `includeAllDisks N%`, every other mount point of
//! /proc/self/mounts gets the next index in order of first appearance (kept for the agent's
//! life, as snmpd's filesystem list is). Rows of mount points whose type snmpd skips
//! (proc, sysfs, devpts, cgroup, ...) or that are not mounted keep their index but are not
//! shown. Sizes come from statvfs, in kilobytes.

use std::sync::Mutex;

use snmp::Value;

use super::{Builder, int, text, ucd};
use crate::config::{Config, MinSpace};
use crate::view::View;

/// One line of /proc/mounts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mount {
    pub device: String,
    pub path: String,
    pub fstype: String,
}

/// Undoes the kernel's octal escapes (`\040` for a space) in mount fields.
fn unescape(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&c) = bytes.get(i) {
        let digits = bytes.get(i + 1..i + 4).filter(|d| c == b'\\' && d.iter().all(|b| (b'0'..=b'7').contains(b)));
        match digits {
            Some(d) => {
                let v = d.iter().fold(0u32, |acc, b| acc * 8 + u32::from(b - b'0'));
                out.push(u8::try_from(v).unwrap_or(b'?'));
                i += 4;
            }
            None => {
                out.push(c);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

pub fn parse_mounts(text: &str) -> Vec<Mount> {
    text.lines()
        .filter_map(|line| {
            let mut w = line.split_whitespace();
            let (device, path, fstype) = (w.next()?, w.next()?, w.next()?);
            Some(Mount { device: unescape(device), path: unescape(path), fstype: fstype.to_string() })
        })
        .collect()
}

/// The mount types snmpd's filesystem module monitors; all others are skipped.
pub fn monitored_type(fstype: &str) -> bool {
    const TYPES: &[&str] = &[
        "ffs", "ufs", "sysv", "pc", "msdos", "hfs", "mfs", "ntfs", "iso9660", "cd9660", "cdfs", "hsfs", "nfs", "nfs3",
        "nfs4", "cifs", "smbfs", "ncpfs", "afs", "ext2", "ext3", "ext4", "ext2fs", "ext3fs", "ext4fs", "fat32", "vfat",
        "mvfs", "tmpfs", "gfs", "gfs2", "xfs", "jfs", "vxfs", "reiserfs", "ocfs2", "cvfs", "simfs", "btrfs", "zfs",
        "acfs", "lofs",
    ];
    TYPES.contains(&fstype)
}

/// snmpd's percentage: single-precision, rounded half up.
pub fn percent(value: u64, total: u64) -> i64 {
    if total == 0 {
        return 0;
    }
    ((value as f32 * 100.0) / total as f32 + 0.5) as i64
}

/// Blocks of `unit` bytes in kilobytes.
fn to_kb(blocks: u64, unit: u64) -> u64 {
    match unit {
        0 => 0,
        u if u >= 1024 => blocks.saturating_mul(u / 1024),
        u => blocks / (1024 / u),
    }
}

/// Filesystem figures of one mount point, in kilobytes and inodes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Usage {
    pub total_kb: u64,
    pub avail_kb: u64,
    pub used_kb: u64,
    pub percent: i64,
    pub percent_node: i64,
}

fn usage(path: &str) -> Option<Usage> {
    let s = nix::sys::statvfs::statvfs(path).ok()?;
    let unit = s.block_size();
    let (blocks, free, avail) = (s.blocks(), s.blocks_free(), s.blocks_available());
    let used = blocks.saturating_sub(free);
    let (files, ffree) = (s.files(), s.files_free());
    Some(Usage {
        total_kb: to_kb(blocks, unit),
        avail_kb: to_kb(avail, unit),
        used_kb: to_kb(used, unit),
        percent: percent(used, blocks),
        percent_node: percent(files.saturating_sub(ffree), files),
    })
}

/// dskErrorFlag and dskErrorMsg.
pub fn error(path: &str, min_space: i64, min_percent: i64, u: &Usage) -> (i32, String) {
    let avail = i64::try_from(u.avail_kb).unwrap_or(i64::MAX);
    let free_percent = if u.total_kb == 0 { 0 } else { percent(u.avail_kb, u.total_kb) };
    if min_space >= 0 && avail < min_space {
        (1, format!("{path}: less than {min_space} free (= {})", avail as i32))
    } else if min_percent >= 0 && free_percent < min_percent {
        (1, format!("{path}: less than {min_percent}% free (= {free_percent}%)"))
    } else {
        (0, String::new())
    }
}

#[derive(Debug, Clone)]
struct Row {
    path: String,
    min_space: i64,
    min_percent: i64,
}

#[derive(Debug, Default)]
struct State {
    /// Every path snmpd's filesystem list would hold, in order of first appearance.
    known: Vec<String>,
    rows: Vec<Row>,
}

/// The dskTable collector; remembers index assignments between runs.
#[derive(Debug)]
pub struct DiskTable {
    include_all: Option<i64>,
    state: Mutex<State>,
}

fn thresholds(min: MinSpace) -> (i64, i64) {
    match min {
        MinSpace::Kilobytes(k) => (i64::try_from(k).unwrap_or(i64::MAX), -1),
        MinSpace::Percent(p) => (-1, i64::from(p)),
    }
}

impl DiskTable {
    pub fn new(config: &Config) -> DiskTable {
        let mut state = State::default();
        for rule in &config.disks {
            if !state.known.contains(&rule.path) {
                state.known.push(rule.path.clone());
            }
            let (min_space, min_percent) = thresholds(rule.min);
            state.rows.push(Row { path: rule.path.clone(), min_space, min_percent });
        }
        let include_all = config.include_all_disks.map(|m| match m {
            MinSpace::Percent(p) => i64::from(p),
            MinSpace::Kilobytes(_) => -1,
        });
        DiskTable { include_all, state: Mutex::new(state) }
    }

    pub fn view(&self) -> View {
        let mounts = std::fs::read_to_string("/proc/self/mounts").map(|t| parse_mounts(&t)).unwrap_or_default();
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        for m in &mounts {
            if !state.known.contains(&m.path) {
                state.known.push(m.path.clone());
            }
        }
        if let Some(min_percent) = self.include_all {
            let new: Vec<Row> = state
                .known
                .iter()
                .filter(|p| !state.rows.iter().any(|r| &r.path == *p))
                .map(|p| Row { path: p.clone(), min_space: -1, min_percent })
                .collect();
            state.rows.extend(new);
        }
        let entry = ucd(&[9, 1]);
        let mut b = Builder::default();
        for col in (1..=16).chain([100, 101]) {
            b.object(entry.child(&[col]));
        }
        for (i, row) in state.rows.iter().enumerate() {
            // The last mount of a path gives its device and type, as in snmpd's list.
            let Some(mount) = mounts.iter().rev().find(|m| m.path == row.path) else { continue };
            if !mounts.iter().any(|m| m.path == row.path && monitored_type(&m.fstype)) {
                continue;
            }
            let Some(u) = usage(&row.path) else { continue };
            let index = i as u32 + 1;
            let clamp32 = |v: u64| int(i64::try_from(v).unwrap_or(i64::MAX));
            let (flag, message) = error(&row.path, row.min_space, row.min_percent, &u);
            b.cell(&entry, 1, index, Value::Integer(index as i32));
            b.cell(&entry, 2, index, text(row.path.clone()));
            b.cell(&entry, 3, index, text(mount.device.clone()));
            b.cell(&entry, 4, index, int(row.min_space));
            b.cell(&entry, 5, index, int(row.min_percent));
            b.cell(&entry, 6, index, clamp32(u.total_kb));
            b.cell(&entry, 7, index, clamp32(u.avail_kb));
            b.cell(&entry, 8, index, clamp32(u.used_kb));
            b.cell(&entry, 9, index, int(u.percent));
            b.cell(&entry, 10, index, int(u.percent_node));
            for (col, v) in [(11, u.total_kb), (13, u.avail_kb), (15, u.used_kb)] {
                b.cell(&entry, col, index, Value::Gauge32(v as u32));
                b.cell(&entry, col + 1, index, Value::Gauge32((v >> 32) as u32));
            }
            b.cell(&entry, 100, index, Value::Integer(flag));
            b.cell(&entry, 101, index, text(message));
        }
        b.build()
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::indexing_slicing)]
    use super::*;

    #[test]
    fn parses_mounts_with_escapes_and_junk() {
        let text = "/dev/vda / ext4 rw,relatime 0 0\nproc /proc proc rw 0 0\n\
            /dev/sdb1 /mnt/my\\040disk vfat rw 0 0\nbroken-line\n\n";
        let m = parse_mounts(text);
        assert_eq!(m.len(), 3);
        assert_eq!(m[2].path, "/mnt/my disk");
        assert_eq!(m[0], Mount { device: "/dev/vda".into(), path: "/".into(), fstype: "ext4".into() });
        assert_eq!(unescape("a\\04"), "a\\04");
        assert!(monitored_type("tmpfs") && monitored_type("ext4") && !monitored_type("cgroup2"));
    }

    #[test]
    fn percent_and_messages_as_snmpd() {
        assert_eq!(percent(18631380, 264212084), 7);
        assert_eq!(percent(1, 0), 0);
        assert_eq!(percent(1, 2), 50);
        let u = Usage { total_kb: 1000, avail_kb: 50, used_kb: 950, percent: 95, percent_node: 3 };
        assert_eq!(error("/", -1, 10, &u), (1, "/: less than 10% free (= 5%)".into()));
        assert_eq!(error("/", 100000, -1, &u), (1, "/: less than 100000 free (= 50)".into()));
        assert_eq!(error("/", 10, -1, &u), (0, String::new()));
        assert_eq!(to_kb(10, 4096), 40);
        assert_eq!(to_kb(10, 512), 5);
    }
}
