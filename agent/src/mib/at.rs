//! RFC 1213 atTable (`1.3.6.1.2.1.3.1`, the deprecated address translation table) as
//! snmpd's mibII/at serves it on Linux: one row per /proc/net/arp entry whose flags are not
//! 0 (invalidated entries), indexed by ifIndex.1.a.b.c.d, with atIfIndex, atPhysAddress
//! (every ':'-separated byte of the hardware address) and atNetAddress.

use std::time::Duration;

use snmp::{Oid, Value, VarBind};

use super::netdev;
use crate::view::{CachedView, View};

const AT_ENTRY: [u32; 9] = [1, 3, 6, 1, 2, 1, 3, 1, 1];
const TTL: Duration = Duration::from_secs(5);

/// One atTable row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AtEntry {
    /// 0 when the device is unknown, as snmpd's index lookup answers.
    pub if_index: u32,
    pub addr: [u8; 4],
    pub mac: Vec<u8>,
}

/// Parses /proc/net/arp as snmpd's at.c does: skips the header, lines that do not parse and
/// entries whose flags are 0; `index_of` maps device names to ifIndex.
pub fn parse_arp(text: &str, index_of: impl Fn(&str) -> Option<u32>) -> Vec<AtEntry> {
    text.lines()
        .skip(1)
        .filter_map(|line| {
            let f: Vec<&str> = line.split_whitespace().collect();
            let [ip, _hw_type, flags, mac, _mask, dev] = f.as_slice() else { return None };
            let addr: std::net::Ipv4Addr = ip.parse().ok()?;
            let flags = u32::from_str_radix(flags.strip_prefix("0x")?, 16).ok()?;
            if flags == 0 {
                return None;
            }
            Some(AtEntry { if_index: index_of(dev).unwrap_or(0), addr: addr.octets(), mac: netdev::parse_mac(mac)? })
        })
        .collect()
}

/// The atTable view of `entries`.
pub fn table(entries: &[AtEntry]) -> View {
    let entry = Oid::from(AT_ENTRY);
    let mut values = Vec::with_capacity(entries.len() * 3);
    for e in entries {
        let mut idx = vec![e.if_index, 1];
        idx.extend(e.addr.iter().map(|b| u32::from(*b)));
        let cols =
            [(1, Value::Integer(e.if_index as i32)), (2, Value::string(e.mac.clone())), (3, Value::IpAddress(e.addr))];
        values.extend(cols.into_iter().map(|(c, v)| VarBind::new(entry.child(&[c]).child(&idx), v)));
    }
    View::new(values, [1, 2, 3].iter().map(|c| entry.child(&[*c])).collect())
}

fn collect() -> View {
    let names = netdev::index_by_name();
    let index_of = |n: &str| names.iter().find(|(name, _)| name == n).map(|(_, i)| *i);
    table(&parse_arp(&std::fs::read_to_string("/proc/net/arp").unwrap_or_default(), index_of))
}

/// The cached handler of the at group (`1.3.6.1.2.1.3`).
pub fn view() -> CachedView {
    CachedView::new(Oid::from([1, 3, 6, 1, 2, 1, 3]), TTL, Box::new(collect))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;

    const ARP: &str = "IP address       HW type     Flags       HW address            Mask     Device
192.0.2.1        0x1         0x2         02:fc:00:00:00:05     *        eth0
192.0.2.9        0x1         0x0         00:00:00:00:00:00     *        eth0
192.0.2.7        0x1         0x6         02:fc:00:00:00:07     *        eth0
192.0.2.8        0x1         0x4         02:fc:00:00:00:08     *        gone0
10.0.0.1         0x20        0x2         80:00:00:48:fe:80:00:00:00:00:00:00:00:02:c9:03:00:0f:b4:31 * ib0
bad line
300.1.1.1        0x1         0x2         02:fc:00:00:00:05     *        eth0
192.0.2.3        0x1         zz          02:fc:00:00:00:05     *        eth0
192.0.2.4        0x1         0x2         02:fc:00:zz:00:05     *        eth0
";

    #[test]
    fn arp_as_at_c() {
        let e = parse_arp(ARP, |d| match d {
            "eth0" => Some(4),
            "ib0" => Some(5),
            _ => None,
        });
        assert_eq!(e.len(), 4);
        assert_eq!(e[0], AtEntry { if_index: 4, addr: [192, 0, 2, 1], mac: vec![2, 0xfc, 0, 0, 0, 5] });
        assert_eq!(e[1].addr, [192, 0, 2, 7]);
        // Unknown device: ifIndex 0; flags 0x4 without ATF_COM still listed.
        assert_eq!((e[2].if_index, e[2].addr), (0, [192, 0, 2, 8]));
        assert_eq!(e[3].mac.len(), 20);
        assert!(parse_arp("", |_| Some(1)).is_empty());
        assert!(parse_arp("header only\n", |_| Some(1)).is_empty());
    }

    #[test]
    fn table_rows() {
        let v = table(&[AtEntry { if_index: 4, addr: [192, 0, 2, 1], mac: vec![2, 0xfc, 0, 0, 0, 5] }]);
        assert_eq!(v.len(), 3);
        let e = Oid::from(AT_ENTRY);
        assert_eq!(v.get(&e.child(&[1, 4, 1, 192, 0, 2, 1])), Value::Integer(4));
        assert_eq!(v.get(&e.child(&[3, 4, 1, 192, 0, 2, 1])), Value::IpAddress([192, 0, 2, 1]));
        assert_eq!(v.get(&e.child(&[2, 4, 1, 192, 0, 2, 2])), Value::NoSuchInstance);
        assert_eq!(v.get(&e.child(&[4, 4, 1, 192, 0, 2, 1])), Value::NoSuchObject);
    }
}
