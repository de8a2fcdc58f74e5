//! IP-MIB's address and neighbour tables as snmpd serves them on Linux, each its own
//! handler root beside the ip scalars: ipAddrTable (4.20), ipNetToMediaTable (4.22),
//! ipAddressPrefixTable (4.32), ipAddressTable (4.34), ipNetToPhysicalTable (4.35).
//! Sources: getifaddrs(3) for IPv4 addresses, /proc/net/if_inet6 for IPv6 addresses (with
//! their IFA_F_* flags), /proc/net/arp for ipNetToMediaTable, and the kernel's neighbour
//! table over rtnetlink ([`rtnetlink`](super::rtnetlink)) for ipNetToPhysicalTable (IPv4
//! and IPv6, with NUD states; /proc/net/arp's IPv4 entries when netlink is unavailable).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use snmp::{Oid, Value, VarBind};

use super::netdev;
use super::rtnetlink::{self, Neigh};
use crate::view::{CachedView, View};

const IP: [u32; 7] = [1, 3, 6, 1, 2, 1, 4];
const TTL: Duration = Duration::from_secs(5);
const SHARE: Duration = Duration::from_millis(500);

/// IFA_F_* flags of /proc/net/if_inet6.
const IFA_F_TEMPORARY: u32 = 0x01;
const IFA_F_DEPRECATED: u32 = 0x20;
const IFA_F_TENTATIVE: u32 = 0x40;
const IFA_F_PERMANENT: u32 = 0x80;
/// ATF_* flags of /proc/net/arp.
const ATF_COM: u32 = 0x02;
const ATF_PERM: u32 = 0x04;

/// An IPv4 interface address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Addr4 {
    pub if_index: u32,
    pub addr: [u8; 4],
    pub mask: [u8; 4],
    pub broadcast: Option<[u8; 4]>,
}

/// An IPv6 interface address from /proc/net/if_inet6.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Addr6 {
    pub if_index: u32,
    pub addr: [u8; 16],
    pub prefix_len: u8,
    pub flags: u32,
}

/// A resolved neighbour (ARP entry).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Neighbor {
    pub if_index: u32,
    pub addr: [u8; 4],
    pub mac: Vec<u8>,
    pub permanent: bool,
}

fn hex_bytes<const N: usize>(hex: &str) -> Option<[u8; N]> {
    let mut out = [0u8; N];
    if hex.len() != 2 * N || !hex.is_ascii() {
        return None;
    }
    for (i, b) in out.iter_mut().enumerate() {
        *b = u8::from_str_radix(hex.get(2 * i..2 * i + 2)?, 16).ok()?;
    }
    Some(out)
}

/// Parses /proc/net/if_inet6: "address ifindex prefixlen scope flags name", all hex.
pub fn parse_if_inet6(text: &str) -> Vec<Addr6> {
    text.lines()
        .filter_map(|line| {
            let mut f = line.split_whitespace();
            let addr = hex_bytes::<16>(f.next()?)?;
            let if_index = u32::from_str_radix(f.next()?, 16).ok()?;
            let prefix_len = u8::from_str_radix(f.next()?, 16).ok()?;
            let _scope = f.next()?;
            let flags = u32::from_str_radix(f.next()?, 16).ok()?;
            Some(Addr6 { if_index, addr, prefix_len, flags })
        })
        .collect()
}

/// Parses /proc/net/arp, keeping completed entries; `index_of` maps device names to ifIndex.
pub fn parse_proc_net_arp(text: &str, index_of: impl Fn(&str) -> Option<u32>) -> Vec<Neighbor> {
    text.lines()
        .skip(1)
        .filter_map(|line| {
            let f: Vec<&str> = line.split_whitespace().collect();
            let [ip, _hw_type, flags, mac, _mask, dev] = f.as_slice() else { return None };
            let addr: std::net::Ipv4Addr = ip.parse().ok()?;
            let flags = u32::from_str_radix(flags.trim_start_matches("0x"), 16).ok()?;
            if flags & ATF_COM == 0 {
                return None;
            }
            Some(Neighbor {
                if_index: index_of(dev)?,
                addr: addr.octets(),
                mac: netdev::parse_mac(mac)?,
                permanent: flags & ATF_PERM != 0,
            })
        })
        .collect()
}

/// The IPv4 addresses of every interface, from getifaddrs(3).
fn ipv4_addresses(index_of: &impl Fn(&str) -> Option<u32>) -> Vec<Addr4> {
    let Ok(addrs) = nix::ifaddrs::getifaddrs() else { return Vec::new() };
    let v4 = |s: &Option<nix::sys::socket::SockaddrStorage>| s.as_ref()?.as_sockaddr_in().map(|a| a.ip().octets());
    addrs
        .filter_map(|ia| {
            let addr = v4(&ia.address)?;
            let base = ia.interface_name.split(':').next().unwrap_or(&ia.interface_name);
            let broadcast =
                if ia.flags.contains(nix::net::if_::InterfaceFlags::IFF_BROADCAST) { v4(&ia.broadcast) } else { None };
            Some(Addr4 { if_index: index_of(base)?, addr, mask: v4(&ia.netmask).unwrap_or([255; 4]), broadcast })
        })
        .collect()
}

fn prefix_len_of(mask: &[u8]) -> u32 {
    mask.iter().map(|b| b.count_ones()).sum()
}

fn masked<const N: usize>(addr: &[u8; N], len: u32) -> [u8; N] {
    let mut out = *addr;
    for (i, b) in out.iter_mut().enumerate() {
        let bits = len.saturating_sub(8 * i as u32).min(8);
        *b &= if bits == 0 { 0 } else { 0xffu8 << (8 - bits) };
    }
    out
}

/// An InetAddress index: type (1 ipv4, 2 ipv6), length, bytes.
fn inet_index(bytes: &[u8]) -> Vec<u32> {
    let kind = if bytes.len() == 4 { 1 } else { 2 };
    let mut v = vec![kind, bytes.len() as u32];
    v.extend(bytes.iter().map(|b| u32::from(*b)));
    v
}

/// One row of ipAddressTable, before it becomes varbinds.
struct AddressRow {
    addr: Vec<u8>,
    if_index: u32,
    /// unicast(1), broadcast(3).
    kind: i32,
    prefix: Vec<u8>,
    prefix_len: u32,
    origin: i32,
    prefix_origin: i32,
    status: i32,
    storage: i32,
}

fn is_link_local(a: &[u8; 16]) -> bool {
    a[0] == 0xfe && a[1] & 0xc0 == 0x80
}

fn address_rows(v4: &[Addr4], v6: &[Addr6]) -> Vec<AddressRow> {
    let mut rows = Vec::new();
    for a in v4 {
        let plen = prefix_len_of(&a.mask);
        let row = |addr: [u8; 4], kind| AddressRow {
            addr: addr.to_vec(),
            if_index: a.if_index,
            kind,
            prefix: masked(&a.addr, plen).to_vec(),
            prefix_len: plen,
            origin: 2,
            prefix_origin: 2,
            status: 1,
            storage: 2,
        };
        rows.push(row(a.addr, 1));
        if let Some(b) = a.broadcast {
            rows.push(row(b, 3));
        }
    }
    for a in v6 {
        let f = a.flags;
        let (origin, prefix_origin) = if f == 0 {
            (5, 5)
        } else if f & IFA_F_TEMPORARY != 0 {
            (6, 5)
        } else if is_link_local(&a.addr) {
            (5, 3)
        } else {
            (2, 2)
        };
        let status = if f & (IFA_F_PERMANENT | IFA_F_TEMPORARY) != 0 || f == 0 {
            1
        } else if f & IFA_F_DEPRECATED != 0 {
            2
        } else if f & IFA_F_TENTATIVE != 0 {
            6
        } else {
            5
        };
        let plen = u32::from(a.prefix_len);
        rows.push(AddressRow {
            addr: a.addr.to_vec(),
            if_index: a.if_index,
            kind: 1,
            prefix: masked(&a.addr, plen).to_vec(),
            prefix_len: plen,
            origin,
            prefix_origin,
            status,
            storage: if origin == 5 { 4 } else { 2 },
        });
    }
    rows
}

#[derive(Debug, Default)]
struct Snapshot {
    v4: Vec<Addr4>,
    v6: Vec<Addr6>,
    /// /proc/net/arp, for ipNetToMediaTable.
    neighbors: Vec<Neighbor>,
    /// The neighbour table, with the sysUpTime of each entry's last change.
    phys: Vec<(Neigh, u32)>,
}

/// A neighbour entry's identity, and what counts as a change of it.
type NeighKey = (u32, Vec<u8>);

#[derive(Debug, Default)]
struct State {
    latest: Option<(Instant, Arc<Snapshot>)>,
    /// Neighbour -> (NUD state, link-layer address, sysUpTime of the last change).
    seen: HashMap<NeighKey, (u16, Vec<u8>, u32)>,
}

/// The neighbour table from netlink, else /proc/net/arp's entries with an unknown state.
fn neighbour_table(arp: &[Neighbor]) -> Vec<Neigh> {
    rtnetlink::neighbors().unwrap_or_else(|| {
        arp.iter()
            .map(|n| Neigh {
                if_index: n.if_index,
                addr: n.addr.to_vec(),
                lladdr: n.mac.clone(),
                state: if n.permanent { rtnetlink::NUD_PERMANENT } else { rtnetlink::STATE_NOT_SHOWN },
            })
            .collect()
    })
}

#[derive(Debug)]
struct Collector {
    started: Instant,
    state: Mutex<State>,
}

impl Collector {
    fn snapshot(&self) -> Arc<Snapshot> {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((at, snap)) = &state.latest
            && at.elapsed() < SHARE
        {
            return snap.clone();
        }
        let names = netdev::index_by_name();
        let index_of = |n: &str| names.iter().find(|(name, _)| name == n).map(|(_, i)| *i);
        let v4 = ipv4_addresses(&index_of);
        let v6 = parse_if_inet6(&std::fs::read_to_string("/proc/net/if_inet6").unwrap_or_default());
        let arp = parse_proc_net_arp(&std::fs::read_to_string("/proc/net/arp").unwrap_or_default(), index_of);
        let now = (self.started.elapsed().as_millis() / 10) as u32;
        let table = neighbour_table(&arp);
        let mut seen = HashMap::with_capacity(table.len());
        let phys = table
            .into_iter()
            .map(|n| {
                let key = (n.if_index, n.addr.clone());
                let at = match state.seen.get(&key) {
                    Some((st, ll, at)) if *st == n.state && *ll == n.lladdr => *at,
                    _ => now,
                };
                seen.insert(key, (n.state, n.lladdr.clone(), at));
                (n, at)
            })
            .collect();
        state.seen = seen;
        let snap = Arc::new(Snapshot { v4, v6, neighbors: arp, phys });
        state.latest = Some((Instant::now(), snap.clone()));
        snap
    }
}

/// Builds one table's view from a snapshot.
type TableBuilder = fn(&Snapshot) -> View;

/// The five cached handlers; `started` is the origin of sysUpTime.
pub fn handlers(started: Instant) -> Vec<CachedView> {
    let collector = Arc::new(Collector { started, state: Mutex::default() });
    let tables: [(u32, TableBuilder); 5] = [
        (20, addr_table),
        (22, net_to_media_table),
        (32, prefix_table),
        (34, address_table),
        (35, net_to_physical_table),
    ];
    tables
        .into_iter()
        .map(|(sub, build)| {
            let c = collector.clone();
            CachedView::new(Oid::from(IP).child(&[sub]), TTL, Box::new(move || build(&c.snapshot())))
        })
        .collect()
}

/// Column OIDs `entry.c` for the table's object list.
fn columns(entry: &Oid, cols: &[u32]) -> Vec<Oid> {
    cols.iter().map(|c| entry.child(&[*c])).collect()
}

/// ipAddrTable: address, ifIndex, netmask, broadcast bit (ipAdEntReasmMaxSize is not served).
fn addr_table(s: &Snapshot) -> View {
    let entry = Oid::from(IP).child(&[20, 1]);
    let mut values = Vec::new();
    for a in &s.v4 {
        let idx: Vec<u32> = a.addr.iter().map(|b| u32::from(*b)).collect();
        let bcast = a.broadcast.map_or(0, |b| i32::from(b[3] & 1));
        let cols = [
            (1, Value::IpAddress(a.addr)),
            (2, Value::Integer(a.if_index as i32)),
            (3, Value::IpAddress(a.mask)),
            (4, Value::Integer(bcast)),
        ];
        values.extend(cols.into_iter().map(|(c, v)| VarBind::new(entry.child(&[c]).child(&idx), v)));
    }
    View::new(values, columns(&entry, &[1, 2, 3, 4, 5]))
}

/// ipNetToMediaTable: ifIndex, physical address, network address, type (dynamic/static).
fn net_to_media_table(s: &Snapshot) -> View {
    let entry = Oid::from(IP).child(&[22, 1]);
    let mut values = Vec::new();
    for n in &s.neighbors {
        let mut idx = vec![n.if_index];
        idx.extend(n.addr.iter().map(|b| u32::from(*b)));
        let cols = [
            (1, Value::Integer(n.if_index as i32)),
            (2, Value::string(n.mac.clone())),
            (3, Value::IpAddress(n.addr)),
            (4, Value::Integer(if n.permanent { 4 } else { 3 })),
        ];
        values.extend(cols.into_iter().map(|(c, v)| VarBind::new(entry.child(&[c]).child(&idx), v)));
    }
    View::new(values, columns(&entry, &[1, 2, 3, 4]))
}

fn prefix_index(if_index: u32, prefix: &[u8], len: u32) -> Vec<u32> {
    let mut idx = vec![if_index];
    idx.extend(inet_index(prefix));
    idx.push(len);
    idx
}

/// ipAddressPrefixTable: one row per (ifIndex, prefix) of the unicast addresses.
fn prefix_table(s: &Snapshot) -> View {
    let entry = Oid::from(IP).child(&[32, 1]);
    let mut values = Vec::new();
    for r in address_rows(&s.v4, &s.v6).iter().filter(|r| r.kind == 1) {
        let idx = prefix_index(r.if_index, &r.prefix, r.prefix_len);
        let cols = [
            (5, Value::Integer(r.prefix_origin)),
            (6, Value::Integer(1)),
            (7, Value::Integer(2)),
            (8, Value::Gauge32(u32::MAX)),
            (9, Value::Gauge32(u32::MAX)),
        ];
        values.extend(cols.into_iter().map(|(c, v)| VarBind::new(entry.child(&[c]).child(&idx), v)));
    }
    View::new(values, columns(&entry, &[5, 6, 7, 8, 9]))
}

/// ipAddressTable: IPv4 unicast and broadcast addresses, IPv6 addresses.
fn address_table(s: &Snapshot) -> View {
    let entry = Oid::from(IP).child(&[34, 1]);
    let prefix_entry = Oid::from(IP).child(&[32, 1, 5]);
    let mut values = Vec::new();
    for r in address_rows(&s.v4, &s.v6) {
        let idx = inet_index(&r.addr);
        let cols = [
            (3, Value::Integer(r.if_index as i32)),
            (4, Value::Integer(r.kind)),
            (5, Value::oid(prefix_entry.child(&prefix_index(r.if_index, &r.prefix, r.prefix_len)))),
            (6, Value::Integer(r.origin)),
            (7, Value::Integer(r.status)),
            (8, Value::TimeTicks(0)),
            (9, Value::TimeTicks(0)),
            (10, Value::Integer(1)),
            (11, Value::Integer(r.storage)),
        ];
        values.extend(cols.into_iter().map(|(c, v)| VarBind::new(entry.child(&[c]).child(&idx), v)));
    }
    View::new(values, columns(&entry, &[3, 4, 5, 6, 7, 8, 9, 10, 11]))
}

/// ipNetToPhysicalTable: the IPv4 and IPv6 neighbours; ipNetToPhysicalLastUpdated is when
/// this agent saw the entry's state or address change (or first saw it).
fn net_to_physical_table(s: &Snapshot) -> View {
    let entry = Oid::from(IP).child(&[35, 1]);
    let mut values = Vec::new();
    for (n, changed) in &s.phys {
        let mut idx = vec![n.if_index];
        idx.extend(inet_index(&n.addr));
        let cols = [
            (4, Value::string(n.lladdr.clone())),
            (5, Value::TimeTicks(*changed)),
            (6, Value::Integer(n.mib_type())),
            (7, Value::Integer(n.mib_state())),
            (8, Value::Integer(1)),
        ];
        values.extend(cols.into_iter().map(|(c, v)| VarBind::new(entry.child(&[c]).child(&idx), v)));
    }
    View::new(values, columns(&entry, &[4, 5, 6, 7, 8]))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;

    const IF_INET6: &str = "\
00000000000000000000000000000001 01 80 10 80       lo
fe8000000000000000fc00fffe000001 04 40 20 80     eth0
fd000000000000000000000000000002 04 40 00 82     eth0
2001000000000000000000000000abcd 04 40 00 21     eth0
";

    #[test]
    fn if_inet6_lines() {
        let a = parse_if_inet6(IF_INET6);
        assert_eq!(a.len(), 4);
        assert_eq!(a[1].if_index, 4);
        assert_eq!(a[1].prefix_len, 64);
        assert_eq!(a[1].flags, 0x80);
        assert_eq!(a[1].addr[..2], [0xfe, 0x80]);
        assert!(parse_if_inet6("zz 01 80 10 80 lo\n0001 01\n\n").is_empty());
    }

    #[test]
    fn arp_lines() {
        let text = "IP address       HW type     Flags       HW address            Mask     Device
192.0.2.1        0x1         0x2         02:fc:00:00:00:05     *        eth0
192.0.2.9        0x1         0x0         00:00:00:00:00:00     *        eth0
192.0.2.7        0x1         0x6         02:fc:00:00:00:07     *        eth0
192.0.2.8        0x1         0x2         02:fc:00:00:00:08     *        gone0
bad line
";
        let n = parse_proc_net_arp(text, |d| (d == "eth0").then_some(4));
        assert_eq!(n.len(), 2);
        assert_eq!(
            n[0],
            Neighbor { if_index: 4, addr: [192, 0, 2, 1], mac: vec![2, 0xfc, 0, 0, 0, 5], permanent: false }
        );
        assert!(n[1].permanent);
        assert!(parse_proc_net_arp("", |_| Some(1)).is_empty());
    }

    fn snapshot() -> Snapshot {
        Snapshot {
            v4: vec![
                Addr4 { if_index: 1, addr: [127, 0, 0, 1], mask: [255, 0, 0, 0], broadcast: None },
                Addr4 {
                    if_index: 4,
                    addr: [192, 0, 2, 2],
                    mask: [255, 255, 255, 0],
                    broadcast: Some([192, 0, 2, 255]),
                },
            ],
            v6: parse_if_inet6(IF_INET6),
            neighbors: vec![],
            phys: vec![],
        }
    }

    #[test]
    fn tables_as_snmpd() {
        let s = snapshot();
        let ip = Oid::from(IP);
        let v = addr_table(&s);
        assert_eq!(v.get(&ip.child(&[20, 1, 4, 127, 0, 0, 1])), Value::Integer(0));
        assert_eq!(v.get(&ip.child(&[20, 1, 4, 192, 0, 2, 2])), Value::Integer(1));
        assert_eq!(v.get(&ip.child(&[20, 1, 5, 192, 0, 2, 2])), Value::NoSuchInstance);

        let v = address_table(&s);
        assert_eq!(v.get(&ip.child(&[34, 1, 4, 1, 4, 192, 0, 2, 255])), Value::Integer(3));
        assert_eq!(
            v.get(&ip.child(&[34, 1, 5, 1, 4, 192, 0, 2, 255])),
            Value::oid(ip.child(&[32, 1, 5, 4, 1, 4, 192, 0, 2, 0, 24]))
        );
        let fe80: Vec<u32> = [2, 16, 0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0xfc, 0, 0xff, 0xfe, 0, 0, 1].to_vec();
        assert_eq!(v.get(&ip.child(&[34, 1, 6]).child(&fe80)), Value::Integer(5));
        assert_eq!(v.get(&ip.child(&[34, 1, 11]).child(&fe80)), Value::Integer(4));
        let tmp: Vec<u32> = [2, 16, 0x20, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xab, 0xcd].to_vec();
        assert_eq!(v.get(&ip.child(&[34, 1, 6]).child(&tmp)), Value::Integer(6)); // temporary: random
        assert_eq!(v.get(&ip.child(&[34, 1, 7]).child(&tmp)), Value::Integer(1));

        let v = prefix_table(&s);
        // Four IPv4/IPv6 prefixes plus 2001::/64 and ::1/128; no row for the broadcast address.
        assert_eq!(v.len(), 6 * 5);
        assert_eq!(v.get(&ip.child(&[32, 1, 5, 1, 1, 4, 127, 0, 0, 0, 8])), Value::Integer(2));
        let mut fe80_prefix = vec![32, 1, 5, 4, 2, 16, 0xfe, 0x80];
        fe80_prefix.extend([0; 14]);
        fe80_prefix.push(64);
        assert_eq!(v.get(&ip.child(&fe80_prefix)), Value::Integer(3));
    }

    #[test]
    fn masks() {
        assert_eq!(prefix_len_of(&[255, 255, 240, 0]), 20);
        assert_eq!(masked(&[192, 0, 2, 200], 25), [192, 0, 2, 128]);
        assert_eq!(masked(&[10, 1, 2, 3], 0), [0, 0, 0, 0]);
        assert_eq!(masked(&[10, 1, 2, 3], 32), [10, 1, 2, 3]);
    }
}
