//! The network-interface collector behind IF-MIB: one [`NetDev`] per line of
//! /proc/net/dev (as snmpd lists them), completed from /sys/class/net/<name>/ (ifindex,
//! ARPHRD type, flags, operstate, MTU, address, speed, alias). Parsers are pure functions
//! of the file text; missing or malformed files give partial rows, never a panic.

use std::path::Path;

/// IFF_UP and IFF_PROMISC from <linux/if.h>.
const IFF_UP: u32 = 0x1;
const IFF_PROMISC: u32 = 0x100;

/// IANAifType values snmpd assigns on Linux.
pub const IFTYPE_OTHER: i32 = 1;
pub const IFTYPE_ETHERNET: i32 = 6;
pub const IFTYPE_TOKENRING: i32 = 9;
pub const IFTYPE_LOOPBACK: i32 = 24;

/// One interface's counters from /proc/net/dev (the kernel's rtnl_link_stats64).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DevStats {
    pub rx_bytes: u64,
    pub rx_packets: u64,
    pub rx_errs: u64,
    /// rx_dropped + rx_missed_errors, as the kernel prints them together.
    pub rx_drop: u64,
    pub rx_multicast: u64,
    pub tx_bytes: u64,
    pub tx_packets: u64,
    pub tx_errs: u64,
    pub tx_drop: u64,
    pub colls: u64,
}

/// One interface as IF-MIB needs it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NetDev {
    pub name: String,
    /// The kernel's ifindex (snmpd's ifIndex).
    pub index: u32,
    /// /sys/class/net/<name>/type (ARPHRD_*), when readable.
    pub arphrd: Option<u32>,
    pub mtu: u32,
    /// dev->flags (IFF_*), without IFF_RUNNING (which /sys does not show).
    pub flags: u32,
    /// /sys operstate: "up", "down", "unknown", "dormant", ...
    pub operstate: String,
    pub address: Vec<u8>,
    /// /sys speed in Mb/s; `None` when unreadable (EINVAL on virtual devices).
    pub speed_mbps: Option<i64>,
    pub alias: String,
    pub stats: DevStats,
}

/// Parses /proc/net/dev: (name, counters) per interface line, in file order. A line whose
/// counters do not parse keeps its name with zero counters (snmpd lists it all the same).
pub fn parse_proc_net_dev(text: &str) -> Vec<(String, DevStats)> {
    let mut out = Vec::new();
    for line in text.lines().skip(2) {
        // The name ends at the last ':' (names may themselves contain ':' for aliases).
        let Some((name, rest)) = line.rsplit_once(':') else { continue };
        let name = name.trim();
        if name.is_empty() {
            continue;
        }
        let fields: Vec<u64> = rest.split_whitespace().map_while(|f| f.parse().ok()).collect();
        let f = |i: usize| fields.get(i).copied().unwrap_or(0);
        let mut stats = DevStats::default();
        if fields.len() >= 16 {
            stats = DevStats {
                rx_bytes: f(0),
                rx_packets: f(1),
                rx_errs: f(2),
                rx_drop: f(3),
                rx_multicast: f(7),
                tx_bytes: f(8),
                tx_packets: f(9),
                tx_errs: f(10),
                tx_drop: f(11),
                colls: f(13),
            };
            // As snmpd: old kernels missed transmitted loopback packets.
            if name == "lo" && stats.rx_packets > 0 && stats.tx_packets == 0 {
                stats.tx_packets = stats.rx_packets;
            }
        }
        out.push((name.to_string(), stats));
    }
    out
}

/// A "0x1003" flags file.
pub fn parse_hex_u32(text: &str) -> Option<u32> {
    let t = text.trim();
    u32::from_str_radix(t.strip_prefix("0x").unwrap_or(t), 16).ok()
}

/// A "02:fc:00:00:00:01" address file; `None` unless every part is a hex byte.
pub fn parse_mac(text: &str) -> Option<Vec<u8>> {
    let t = text.trim();
    if t.is_empty() {
        return Some(Vec::new());
    }
    t.split(':').map(|b| u8::from_str_radix(b, 16).ok()).collect()
}

/// IANAifType of an interface as snmpd derives it: from the ARPHRD hardware type, else
/// from the name's prefix.
pub fn if_type(arphrd: Option<u32>, name: &str) -> i32 {
    let by_hw = match arphrd {
        Some(1) => Some(IFTYPE_ETHERNET),
        Some(768 | 769 | 776 | 778) => Some(131), // tunnel, tunnel6, sit, ipgre: tunnel
        Some(256..=259) => Some(28),              // (c)slip(6): slip
        Some(512) => Some(23),                    // ppp
        Some(772) => Some(IFTYPE_LOOPBACK),
        Some(774) => Some(15), // fddi
        Some(7) => Some(35),   // arcnet
        Some(773) => Some(42), // localtalk
        Some(780) => Some(47), // hippi
        Some(19) => Some(37),  // atm
        _ => None,
    };
    by_hw.unwrap_or_else(|| {
        const BY_NAME: [(&str, i32); 13] = [
            ("lo", IFTYPE_LOOPBACK),
            ("eth", IFTYPE_ETHERNET),
            ("vmnet", IFTYPE_ETHERNET),
            ("tr", IFTYPE_TOKENRING),
            ("feth", 62),
            ("gig", 117),
            ("ib", 199),
            ("ppp", 23),
            ("sl", 28),
            ("sit", 131),
            ("ippp", 20),
            ("bond", 53),
            ("vad", 53),
        ];
        BY_NAME.iter().find(|(p, _)| name.starts_with(p)).map_or(IFTYPE_OTHER, |(_, t)| *t)
    })
}

impl NetDev {
    pub fn if_type(&self) -> i32 {
        if_type(self.arphrd, &self.name)
    }

    /// ifAdminStatus: up(1) when IFF_UP, else down(2).
    pub fn admin_status(&self) -> i32 {
        if self.flags & IFF_UP != 0 { 1 } else { 2 }
    }

    /// ifOperStatus as snmpd reads it from IFF_RUNNING, which the kernel reports for an
    /// up device whose operstate is "up" or "unknown".
    pub fn oper_status(&self) -> i32 {
        let running = matches!(self.operstate.as_str(), "up" | "unknown");
        if self.flags & IFF_UP != 0 && running { 1 } else { 2 }
    }

    pub fn promiscuous(&self) -> bool {
        self.flags & IFF_PROMISC != 0
    }

    /// Speed in bit/s as snmpd computes it: ethernet from ethtool (0 when unknown, as
    /// snmpd 5.9 decides the default before it has read the flags), loopback a nominal
    /// 10 Mb/s, token ring 4 Mb/s, anything else 0.
    pub fn speed_bps(&self) -> u64 {
        match self.if_type() {
            IFTYPE_ETHERNET => match self.speed_mbps {
                Some(s) if s > 0 && s != 0xffff && s != 0xffff_ffff => (s as u64).saturating_mul(1_000_000),
                _ => 0,
            },
            IFTYPE_LOOPBACK => 10_000_000,
            IFTYPE_TOKENRING => 4_000_000,
            _ => 0,
        }
    }

    /// ifPhysAddress: the first 6 bytes of the hardware address (SIOCGIFHWADDR), empty
    /// when they are all zero.
    pub fn phys_address(&self) -> Vec<u8> {
        let mut a: Vec<u8> = self.address.iter().copied().take(6).collect();
        a.resize(6, 0);
        if a.iter().all(|b| *b == 0) { Vec::new() } else { a }
    }
}

fn read_trimmed(path: &Path) -> Option<String> {
    std::fs::read_to_string(path).ok().map(|s| s.trim_end_matches('\n').to_string())
}

/// Reads one interface's /sys/class/net/<name>/ attributes under `sys_net`.
pub fn read_sys(sys_net: &Path, name: &str, stats: DevStats) -> Option<NetDev> {
    // Alias labels ("eth0:1") share the base device.
    let dir = sys_net.join(name.split(':').next().unwrap_or(name));
    let index = read_trimmed(&dir.join("ifindex"))?.trim().parse().ok()?;
    let num = |f: &str| read_trimmed(&dir.join(f)).and_then(|s| s.trim().parse::<i64>().ok());
    Some(NetDev {
        name: name.to_string(),
        index,
        arphrd: num("type").and_then(|t| u32::try_from(t).ok()),
        mtu: num("mtu").and_then(|m| u32::try_from(m).ok()).unwrap_or(0),
        flags: read_trimmed(&dir.join("flags")).and_then(|f| parse_hex_u32(&f)).unwrap_or(0),
        operstate: read_trimmed(&dir.join("operstate")).unwrap_or_default(),
        address: read_trimmed(&dir.join("address")).and_then(|a| parse_mac(&a)).unwrap_or_default(),
        speed_mbps: num("speed"),
        alias: read_trimmed(&dir.join("ifalias")).unwrap_or_default(),
        stats,
    })
}

/// Every interface of /proc/net/dev, completed from /sys, sorted by ifindex.
pub fn collect() -> Vec<NetDev> {
    let text = std::fs::read_to_string("/proc/net/dev").unwrap_or_default();
    let sys_net = Path::new("/sys/class/net");
    let mut devs: Vec<NetDev> =
        parse_proc_net_dev(&text).into_iter().filter_map(|(name, stats)| read_sys(sys_net, &name, stats)).collect();
    devs.sort_by_key(|d| d.index);
    devs.dedup_by_key(|d| d.index);
    devs
}

/// The ifindex of every interface in /sys/class/net, by name (for the address tables).
pub fn index_by_name() -> Vec<(String, u32)> {
    let Ok(dir) = std::fs::read_dir("/sys/class/net") else { return Vec::new() };
    dir.filter_map(Result::ok)
        .filter_map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            let index = read_trimmed(&e.path().join("ifindex"))?.trim().parse().ok()?;
            Some((name, index))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;

    const NET_DEV: &str = "\
Inter-|   Receive                                                |  Transmit
 face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed
    lo: 297537509 1392072    0    0    0     0          0         0 297537509 1392072    0    0    0     0       0          0
  eth0: 108775150    6272    1    2    0     0          0        17 414258    4386    3    4    0     5       0          0
";

    #[test]
    fn proc_net_dev_columns() {
        let devs = parse_proc_net_dev(NET_DEV);
        assert_eq!(devs.len(), 2);
        assert_eq!(devs[0].0, "lo");
        let eth = devs[1].1;
        assert_eq!(eth.rx_bytes, 108775150);
        assert_eq!(eth.rx_packets, 6272);
        assert_eq!(eth.rx_errs, 1);
        assert_eq!(eth.rx_drop, 2);
        assert_eq!(eth.rx_multicast, 17);
        assert_eq!(eth.tx_bytes, 414258);
        assert_eq!(eth.tx_packets, 4386);
        assert_eq!(eth.tx_errs, 3);
        assert_eq!(eth.tx_drop, 4);
        assert_eq!(eth.colls, 5);
    }

    #[test]
    fn proc_net_dev_malformed() {
        assert!(parse_proc_net_dev("").is_empty());
        assert!(parse_proc_net_dev("only one line").is_empty());
        let text = "h1\nh2\n  eth1: 1 2 x\nno colon here\n   : 1 2 3\n  lo: 0 5 0 0 0 0 0 0 0 0 0 0 0 0 0 0\n";
        let devs = parse_proc_net_dev(text);
        assert_eq!(devs.len(), 2);
        assert_eq!(devs[0], ("eth1".to_string(), DevStats::default()));
        // lo's missing transmit count is taken from its receive count, as snmpd does.
        assert_eq!(devs[1].1.tx_packets, 5);
    }

    #[test]
    fn small_files() {
        assert_eq!(parse_hex_u32("0x1003\n"), Some(0x1003));
        assert_eq!(parse_hex_u32("zz"), None);
        assert_eq!(parse_mac("02:fc:00:00:00:01\n"), Some(vec![2, 0xfc, 0, 0, 0, 1]));
        assert_eq!(parse_mac(""), Some(vec![]));
        assert_eq!(parse_mac("02:zz"), None);
    }

    #[test]
    fn types_statuses_and_speeds_as_snmpd() {
        assert_eq!(if_type(Some(772), "lo"), 24);
        assert_eq!(if_type(Some(1), "ifb0"), 6);
        assert_eq!(if_type(Some(65534), "wg0"), 1);
        assert_eq!(if_type(Some(65534), "ppp0"), 23);
        assert_eq!(if_type(None, "bond0"), 53);
        let mut d =
            NetDev { name: "eth0".into(), arphrd: Some(1), flags: 0x1003, operstate: "up".into(), ..NetDev::default() };
        assert_eq!((d.admin_status(), d.oper_status()), (1, 1));
        assert_eq!(d.speed_bps(), 0);
        d.speed_mbps = Some(-1);
        assert_eq!(d.speed_bps(), 0);
        d.speed_mbps = Some(10000);
        assert_eq!(d.speed_bps(), 10_000_000_000);
        d.operstate = "down".into();
        assert_eq!(d.oper_status(), 2);
        d.flags = 0x1002;
        assert_eq!((d.admin_status(), d.oper_status()), (2, 2));
        let lo = NetDev {
            name: "lo".into(),
            arphrd: Some(772),
            flags: 0x9,
            operstate: "unknown".into(),
            address: vec![0; 6],
            ..NetDev::default()
        };
        assert_eq!(lo.oper_status(), 1);
        assert_eq!(lo.speed_bps(), 10_000_000);
        assert!(lo.phys_address().is_empty());
    }

    #[test]
    fn reads_a_sys_tree() {
        let dir = tempfile::tempdir().unwrap();
        let eth = dir.path().join("eth0");
        std::fs::create_dir(&eth).unwrap();
        for (f, v) in [
            ("ifindex", "4\n"),
            ("type", "1\n"),
            ("mtu", "1400\n"),
            ("flags", "0x1003\n"),
            ("operstate", "up\n"),
            ("address", "02:fc:00:00:00:01\n"),
        ] {
            std::fs::write(eth.join(f), v).unwrap();
        }
        let d = read_sys(dir.path(), "eth0", DevStats::default()).unwrap();
        assert_eq!((d.index, d.mtu, d.if_type(), d.speed_mbps), (4, 1400, 6, None));
        assert_eq!(d.phys_address(), vec![2, 0xfc, 0, 0, 0, 1]);
        // No ifindex: no row.
        assert!(read_sys(dir.path(), "gone0", DevStats::default()).is_none());
    }
}
