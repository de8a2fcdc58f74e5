//! UDP-MIB (1.3.6.1.2.1.7) as snmpd serves it on Linux: the four scalars, which like
//! snmpd's are the sums of the `Udp:` line of /proc/net/snmp and the `Udp6` counters of
//! /proc/net/snmp6, udpTable (7.5, IPv4 sockets of /proc/net/udp, by address and
//! port) and udpEndpointTable (7.7, IPv4 and IPv6 sockets, indexed by local and remote
//! endpoint plus the socket inode as udpEndpointInstance, valued with the owning PID).
//! snmpd does not serve the HC datagram counters (7.8/7.9), so neither do we.

use std::collections::HashSet;

use snmp::Value;

use super::netstat::{self, Counters, Socket, ViewBuilder};
use crate::view::View;

pub const UDP: [u32; 7] = [1, 3, 6, 1, 2, 1, 7];
const TABLE_ENTRY: [u32; 9] = [1, 3, 6, 1, 2, 1, 7, 5, 1];
const ENDPOINT_ENTRY: [u32; 9] = [1, 3, 6, 1, 2, 1, 7, 7, 1];

pub fn build_view(c: &Counters, c6: &Counters, v4: &[Socket], v6: &[Socket], pid: &dyn Fn(u64) -> u32) -> View {
    let mut b = ViewBuilder::default();
    if c.contains("Udp.InDatagrams") {
        for (sub, key) in [(1, "InDatagrams"), (2, "NoPorts"), (3, "InErrors"), (4, "OutDatagrams")] {
            let sum = c.c32(&format!("Udp.{key}")).wrapping_add(c6.c32(&format!("Udp6{key}")));
            b.scalar(&UDP, sub, Value::Counter32(sum));
        }
    }
    b.columns(&TABLE_ENTRY, [1, 2]);
    for s in v4 {
        let Some(local) = s.local.ipv4() else { continue };
        let mut index: Vec<u32> = local.iter().map(|&x| u32::from(x)).collect();
        index.push(u32::from(s.local_port));
        b.cell(&TABLE_ENTRY, 1, &index, Value::IpAddress(local));
        b.cell(&TABLE_ENTRY, 2, &index, Value::Integer(i32::from(s.local_port)));
    }
    b.columns(&ENDPOINT_ENTRY, [8]);
    for s in v4.iter().chain(v6) {
        let mut index = s.local.inet_index();
        index.push(u32::from(s.local_port));
        index.extend(s.remote.inet_index());
        index.push(u32::from(s.remote_port));
        index.push(s.inode as u32);
        b.cell(&ENDPOINT_ENTRY, 8, &index, Value::Gauge32(pid(s.inode)));
    }
    b.build()
}

/// The group's handler: a view rebuilt at most every 5 s (snmpd's stats caches are 5 s).
pub fn view() -> crate::view::CachedView {
    crate::view::CachedView::new(snmp::Oid::from(UDP), std::time::Duration::from_secs(5), Box::new(collect))
}

/// The collector: reads /proc (run by the refresher only).
pub fn collect() -> View {
    let c = netstat::parse_header_pairs(&netstat::read("/proc/net/snmp"));
    let (v4, v6) = netstat::sockets("udp");
    let wanted: HashSet<u64> = v4.iter().chain(&v6).map(|s| s.inode).filter(|&i| i != 0).collect();
    let pids = netstat::socket_pids(&wanted);
    build_view(&c, &netstat::ipv6_counters(), &v4, &v6, &|inode| pids.get(&inode).copied().unwrap_or(0))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use snmp::Oid;

    #[test]
    fn tables_and_indexes() {
        let c = netstat::parse_header_pairs("Udp: InDatagrams NoPorts InErrors OutDatagrams\nUdp: 10 2 0 12\n");
        let v4 = netstat::parse_sockets("h\n 8397: 0100007F:2B99 00000000:0000 07 0:0 0:0 0 0 0 7553 2\n");
        let v6 = netstat::parse_sockets(
            "h\n 1: 00000000000000000000000000000000:00A1 00000000000000000000000000000000:0000 07 0:0 0:0 0 0 0 99 2\nbad\n",
        );
        let c6 = netstat::parse_name_value("Udp6OutDatagrams 3\n");
        let v = build_view(&c, &c6, &v4, &v6, &|i| if i == 7553 { 7 } else { 0 });
        let get = |s: &str| v.get(&s.parse::<Oid>().unwrap());
        assert_eq!(get("1.3.6.1.2.1.7.4.0"), Value::Counter32(15));
        assert_eq!(get("1.3.6.1.2.1.7.5.1.1.127.0.0.1.11161"), Value::IpAddress([127, 0, 0, 1]));
        assert_eq!(get("1.3.6.1.2.1.7.5.1.2.127.0.0.1.11161"), Value::Integer(11161));
        assert_eq!(get("1.3.6.1.2.1.7.7.1.8.1.4.127.0.0.1.11161.1.4.0.0.0.0.0.7553"), Value::Gauge32(7));
        let v6oid = format!("1.3.6.1.2.1.7.7.1.8.2.16{}.161.2.16{}.0.99", ".0".repeat(16), ".0".repeat(16));
        assert_eq!(get(&v6oid), Value::Gauge32(0));
        assert!(build_view(&Counters::default(), &Counters::default(), &[], &[], &|_| 0).is_empty());
    }
}
