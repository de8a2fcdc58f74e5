//! IPV6-MIB (`1.3.6.1.2.1.55.1`) as snmpd's mibII/ipv6 serves it on Linux:
//! ipv6Forwarding (conf/all/forwarding), ipv6DefaultHopLimit (conf/default/hop_limit),
//! ipv6Interfaces and ipv6IfTable. The interfaces are those with an IPv6 address in
//! /proc/net/if_inet6 (each ifindex once, under the first name listed for it);
//! ipv6Interfaces counts them and is absent when there are none. Of ipv6IfTable snmpd
//! serves ipv6IfDescr, ipv6IfLowerLayer (0.0), ipv6IfEffectiveMtu, ipv6IfPhysicalAddress
//! and the two statuses, which it reads swapped: ipv6IfAdminStatus is IFF_RUNNING and
//! ipv6IfOperStatus IFF_UP. The other columns and ipv6IfTableLastChange are registered
//! objects without instances.

use std::path::Path;
use std::time::Duration;

use snmp::{Oid, Value, VarBind};

use super::netdev;
use crate::view::{CachedView, View};

const IPV6_MIB: [u32; 8] = [1, 3, 6, 1, 2, 1, 55, 1];
const TTL: Duration = Duration::from_secs(5);

/// The interfaces of /proc/net/if_inet6, `(ifindex, name)`, sorted by ifindex: each index
/// once with the first name seen; index 0, empty names and malformed lines are skipped.
pub fn parse_interfaces(text: &str) -> Vec<(u32, String)> {
    let mut out: Vec<(u32, String)> = Vec::new();
    for line in text.lines() {
        let f: Vec<&str> = line.split_whitespace().collect();
        let [_addr, index, _plen, _scope, _flags, name] = f.as_slice() else { continue };
        let Ok(index) = u32::from_str_radix(index, 16) else { continue };
        if index == 0 || out.iter().any(|(i, _)| *i == index) {
            continue;
        }
        out.push((index, (*name).to_string()));
    }
    out.sort_by_key(|(i, _)| *i);
    out
}

/// A /proc/sys integer as snmpd reads it (fscanf "%lu"): 0 when missing or malformed.
pub fn parse_sysctl(text: Option<String>) -> u64 {
    text.and_then(|t| t.split_whitespace().next().and_then(|v| v.parse().ok())).unwrap_or(0)
}

/// What the group is built from.
#[derive(Debug, Clone, Default)]
pub struct Snapshot {
    pub forwarding: u64,
    pub hop_limit: u64,
    /// One per interface: its index, name and, when /sys knows it, its state.
    pub interfaces: Vec<(u32, String, Option<netdev::NetDev>)>,
}

/// The view of a snapshot.
pub fn build(s: &Snapshot) -> View {
    let base = Oid::from(IPV6_MIB);
    let mut values = vec![
        VarBind::new(base.child(&[1, 0]), Value::Integer(if s.forwarding != 0 { 1 } else { 2 })),
        VarBind::new(base.child(&[2, 0]), Value::Integer(s.hop_limit as i32)),
    ];
    if !s.interfaces.is_empty() {
        values.push(VarBind::new(base.child(&[3, 0]), Value::Gauge32(s.interfaces.len() as u32)));
    }
    let entry = base.child(&[5, 1]);
    for (index, name, dev) in &s.interfaces {
        let mut cols = vec![(2, Value::string(name.as_bytes())), (3, Value::oid(Oid::from([0, 0])))];
        if let Some(d) = dev {
            cols.extend([
                (4, Value::Gauge32(d.mtu)),
                (8, Value::string(d.phys_address())),
                // IFF_RUNNING, then IFF_UP, as snmpd reads them.
                (9, Value::Integer(d.oper_status())),
                (10, Value::Integer(d.admin_status())),
            ]);
        }
        values.extend(cols.into_iter().map(|(c, v)| VarBind::new(entry.child(&[c, *index]), v)));
    }
    let mut objects: Vec<Oid> = (1..=4).map(|s| base.child(&[s])).collect();
    objects.extend((2..=11).map(|c| entry.child(&[c])));
    objects.extend((1..=20).map(|c| base.child(&[6, 1, c])));
    View::new(values, objects)
}

fn read(path: &str) -> Option<String> {
    std::fs::read_to_string(path).ok()
}

fn collect() -> View {
    let sys_net = Path::new("/sys/class/net");
    let interfaces = parse_interfaces(&read("/proc/net/if_inet6").unwrap_or_default())
        .into_iter()
        .map(|(index, name)| {
            let dev = netdev::read_sys(sys_net, &name, netdev::DevStats::default());
            (index, name, dev)
        })
        .collect();
    build(&Snapshot {
        forwarding: parse_sysctl(read("/proc/sys/net/ipv6/conf/all/forwarding")),
        hop_limit: parse_sysctl(read("/proc/sys/net/ipv6/conf/default/hop_limit")),
        interfaces,
    })
}

/// The cached handler of IPV6-MIB (`1.3.6.1.2.1.55`).
pub fn view() -> CachedView {
    CachedView::new(Oid::from([1, 3, 6, 1, 2, 1, 55]), TTL, Box::new(collect))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;

    const IF_INET6: &str = "\
fe8000000000000000fc00fffe000001 04 40 20 80     eth0
00000000000000000000000000000001 01 80 10 80       lo
fd000000000000000000000000000002 04 40 00 82     eth0
fd000000000000000000000000000003 00 40 00 82     zero
garbage
fd000000000000000000000000000004 zz 40 00 82     bad
";

    #[test]
    fn interfaces_of_if_inet6() {
        assert_eq!(parse_interfaces(IF_INET6), vec![(1, "lo".to_string()), (4, "eth0".to_string())]);
        assert!(parse_interfaces("").is_empty());
    }

    #[test]
    fn sysctls() {
        assert_eq!(parse_sysctl(Some("64\n".into())), 64);
        assert_eq!(parse_sysctl(Some("x\n".into())), 0);
        assert_eq!(parse_sysctl(None), 0);
    }

    #[test]
    fn view_as_snmpd() {
        let eth = netdev::NetDev {
            name: "eth0".into(),
            index: 4,
            mtu: 1400,
            flags: 0x1003,
            operstate: "down".into(),
            address: vec![2, 0xfc, 0, 0, 0, 1],
            ..Default::default()
        };
        let s = Snapshot {
            forwarding: 0,
            hop_limit: 64,
            interfaces: vec![(1, "lo".into(), None), (4, "eth0".into(), Some(eth))],
        };
        let v = build(&s);
        let b = Oid::from(IPV6_MIB);
        assert_eq!(v.get(&b.child(&[1, 0])), Value::Integer(2));
        assert_eq!(v.get(&b.child(&[2, 0])), Value::Integer(64));
        assert_eq!(v.get(&b.child(&[3, 0])), Value::Gauge32(2));
        assert_eq!(v.get(&b.child(&[4, 0])), Value::NoSuchInstance);
        assert_eq!(v.get(&b.child(&[5, 1, 2, 4])), Value::string(&b"eth0"[..]));
        assert_eq!(v.get(&b.child(&[5, 1, 3, 1])), Value::oid(Oid::from([0, 0])));
        assert_eq!(v.get(&b.child(&[5, 1, 4, 4])), Value::Gauge32(1400));
        assert_eq!(v.get(&b.child(&[5, 1, 4, 1])), Value::NoSuchInstance);
        // Up but not running: admin (IFF_RUNNING) down, oper (IFF_UP) up.
        assert_eq!(v.get(&b.child(&[5, 1, 9, 4])), Value::Integer(2));
        assert_eq!(v.get(&b.child(&[5, 1, 10, 4])), Value::Integer(1));
        assert_eq!(v.get(&b.child(&[5, 1, 1, 4])), Value::NoSuchObject);
        assert_eq!(v.get(&b.child(&[6, 1, 1, 4])), Value::NoSuchInstance);
        let none = build(&Snapshot::default());
        assert_eq!(none.get(&b.child(&[3, 0])), Value::NoSuchInstance);
    }
}
