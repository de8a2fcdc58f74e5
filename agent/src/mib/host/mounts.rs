//! The mounted filesystems as snmpd's hardware/fsys layer sees them: one entry per distinct
//! path numbered from 1 in order of first appearance, first the paths of the config's `disk`
//! directives (snmpd creates their entries while reading the config), then /proc/mounts in
//! order (ignored types such as proc or cgroup take a number too); mounted ones are
//! classified into hrFSTypes, with statfs sizes for the reported ones. hrStorageTable and
//! hrFSTable are built from this.

use nix::sys::statfs::statfs;

/// An hrFSTypes value (the last sub-identifier of `hrFSTypes.N`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FsType {
    Other = 1,
    Berkeley = 3,
    SysV = 4,
    Fat = 5,
    Hfs = 7,
    Mfs = 8,
    Ntfs = 9,
    Iso9660 = 12,
    RockRidge = 13,
    Nfs = 14,
    Netware = 15,
    Afs = 16,
    Fat32 = 22,
    LinuxExt2 = 23,
}

/// Filesystems snmpd reports that have no hrFSTypes value of their own.
const OTHER_FS: &[&str] = &[
    "acfs",
    "btrfs",
    "cvfs",
    "f2fs",
    "fuse.glusterfs",
    "gfs",
    "gfs2",
    "glusterfs",
    "jfs",
    "jffs2",
    "lofs",
    "mvfs",
    "nsspool",
    "nssvol",
    "nvmfs",
    "ocfs2",
    "reiserfs",
    "simfs",
    "tmpfs",
    "vxfs",
    "xfs",
    "zfs",
];

/// snmpd's classification of a mount type; `None` for the types it skips (proc, sysfs,
/// cgroup, devtmpfs, autofs, ...).
pub fn classify(fstype: &str) -> Option<FsType> {
    Some(match fstype {
        "ffs" | "ufs" => FsType::Berkeley,
        "sysv" => FsType::SysV,
        "pcfs" | "msdos" => FsType::Fat,
        "hfs" => FsType::Hfs,
        "mfs" => FsType::Mfs,
        "ntfs" => FsType::Ntfs,
        "iso9660" | "cd9660" | "cdfs" => FsType::Iso9660,
        "hsfs" => FsType::RockRidge,
        "nfs" | "nfs3" | "nfs4" | "cifs" | "smbfs" => FsType::Nfs,
        "ncpfs" => FsType::Netware,
        "afs" => FsType::Afs,
        "ext2" | "ext3" | "ext4" | "ext2fs" | "ext3fs" | "ext4fs" => FsType::LinuxExt2,
        "fat32" | "vfat" => FsType::Fat32,
        t if OTHER_FS.contains(&t) => FsType::Other,
        _ => return None,
    })
}

/// One line of /proc/mounts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MountLine {
    pub device: String,
    pub path: String,
    pub fstype: String,
    pub read_only: bool,
}

/// A reported filesystem, with its snmpd index and sizes in `units`-byte blocks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fs {
    pub index: u32,
    pub mount: MountLine,
    pub fstype: FsType,
    pub units: u64,
    pub size: u64,
    pub used: u64,
}

impl Fs {
    pub fn remote(&self) -> bool {
        matches!(self.fstype, FsType::Nfs | FsType::Afs)
    }

    /// (allocation units, size, used) scaled as snmpd does so the size fits an Integer32:
    /// halve the size (and used) and double the units until it does.
    pub fn scaled32(&self) -> (i32, i32, i32) {
        let mut shift = 0;
        while self.size >> shift > i32::MAX as u64 {
            shift += 1;
        }
        let clamp = |v: u64| v.min(i32::MAX as u64) as i32;
        (clamp(self.units << shift), clamp(self.size >> shift), clamp(self.used >> shift))
    }
}

/// getmntent's unescaping of `\ooo` octal sequences (spaces, tabs, backslashes in paths).
fn unescape(field: &str) -> String {
    let bytes = field.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        let octal = bytes.get(i + 1..i + 4).filter(|d| b == b'\\' && d.iter().all(|c| (b'0'..=b'7').contains(c)));
        match octal {
            Some(d) => {
                let v = d.iter().fold(0u32, |acc, c| acc * 8 + u32::from(c - b'0'));
                out.push(v as u8);
                i += 4;
            }
            None => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Parses /proc/mounts; lines with fewer than four fields are skipped.
pub fn parse_mounts(text: &str) -> Vec<MountLine> {
    text.lines()
        .filter_map(|line| {
            let mut f = line.split_whitespace();
            let (device, path, fstype, opts) = (f.next()?, f.next()?, f.next()?, f.next()?);
            Some(MountLine {
                device: unescape(device),
                path: unescape(path),
                fstype: fstype.to_string(),
                read_only: opts.split(',').any(|o| o == "ro"),
            })
        })
        .collect()
}

/// Numbers the mount points (first appearance wins; a later line for the same path updates
/// the entry, as snmpd's find-or-create by path does) and keeps the reported ones, in
/// index order.
pub fn number(disks: &[String], lines: Vec<MountLine>) -> Vec<(u32, MountLine, FsType)> {
    let mut entries: Vec<(String, Option<MountLine>)> = Vec::new();
    for path in disks {
        if !entries.iter().any(|(p, _)| p == path) {
            entries.push((path.clone(), None));
        }
    }
    for line in lines {
        match entries.iter_mut().find(|(p, _)| *p == line.path) {
            Some((_, m)) => *m = Some(line),
            None => entries.push((line.path.clone(), Some(line))),
        }
    }
    entries
        .into_iter()
        .zip(1u32..)
        .filter_map(|((_, m), i)| m.and_then(|m| classify(&m.fstype).map(|t| (i, m, t))))
        .collect()
}

/// The reported filesystems of this host with their current sizes; `disks` are the paths
/// of the config's `disk` directives.
pub fn filesystems(disks: &[String]) -> Vec<Fs> {
    let text = std::fs::read_to_string("/proc/mounts").unwrap_or_default();
    number(disks, parse_mounts(&text))
        .into_iter()
        .map(|(index, mount, fstype)| {
            let (units, size, used) = match statfs(mount.path.as_str()) {
                Ok(s) => {
                    let blocks = s.blocks();
                    (s.block_size() as u64, blocks, blocks.saturating_sub(s.blocks_free()))
                }
                Err(_) => (0, 0, 0),
            };
            Fs { index, mount, fstype, units, size, used }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::indexing_slicing)]
    use super::*;

    const SAMPLE: &str = "proc /proc proc rw,relatime 0 0\n\
        sysfs /sys sysfs rw,relatime 0 0\n\
        devtmpfs /dev devtmpfs rw,relatime,size=12334524k 0 0\n\
        tmpfs /dev/shm tmpfs rw,relatime,size=24684096k 0 0\n\
        devpts /dev/pts devpts rw,relatime,mode=600 0 0\n\
        /dev/vda / ext4 rw,relatime,discard 0 0\n\
        tools /mnt/my\\040tools tmpfs ro,nosuid,nodev 0 0\n\
        devpts /dev/pts devpts rw,relatime,mode=600 0 0\n\
        tmpfs /dev/shm tmpfs rw,relatime,size=24684096k 0 0\n\
        garbage line\n\
        \n\
        tmpfs /sys/fs/cgroup tmpfs rw,relatime,mode=755 0 0\n\
        cgroup /sys/fs/cgroup/cpu cgroup rw,relatime,cpu 0 0\n\
        server:/x /nfs nfs4 rw 0 0\n";

    #[test]
    fn numbering_and_selection_as_snmpd() {
        let fs = number(&[], parse_mounts(SAMPLE));
        let got: Vec<(u32, &str, FsType, bool)> =
            fs.iter().map(|(i, m, t)| (*i, m.path.as_str(), *t, m.read_only)).collect();
        assert_eq!(
            got,
            [
                (4, "/dev/shm", FsType::Other, false),
                (6, "/", FsType::LinuxExt2, false),
                (7, "/mnt/my tools", FsType::Other, true),
                (8, "/sys/fs/cgroup", FsType::Other, false),
                (10, "/nfs", FsType::Nfs, false),
            ]
        );
    }

    #[test]
    fn disk_directives_are_numbered_first() {
        let disks = ["/".to_string(), "/not/mounted".to_string(), "/".to_string()];
        let fs = number(&disks, parse_mounts(SAMPLE));
        let got: Vec<(u32, &str)> = fs.iter().map(|(i, m, _)| (*i, m.path.as_str())).collect();
        assert_eq!(got, [(1, "/"), (6, "/dev/shm"), (8, "/mnt/my tools"), (9, "/sys/fs/cgroup"), (11, "/nfs")]);
    }

    #[test]
    fn malformed_input() {
        assert!(parse_mounts("").is_empty());
        assert!(parse_mounts("a b c\n\u{0}\n").is_empty());
        assert_eq!(unescape("a\\0401\\\\x\\7"), "a 1\\\\x\\7");
    }

    #[test]
    fn scaling_to_32_bits() {
        let m = MountLine { device: String::new(), path: "/".into(), fstype: "ext4".into(), read_only: false };
        let fs =
            Fs { index: 1, mount: m, fstype: FsType::LinuxExt2, units: 4096, size: 5_000_000_000, used: 3_000_000_000 };
        assert_eq!(fs.scaled32(), (16384, 1_250_000_000, 750_000_000));
        let small = Fs { size: 10, used: 3, ..fs };
        assert_eq!(small.scaled32(), (4096, 10, 3));
    }
}
