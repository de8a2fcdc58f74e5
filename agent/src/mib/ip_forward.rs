//! The routing tables of IP-MIB / IP-FORWARD-MIB as snmpd serves them on Linux: ipRouteTable
//! (4.21, RFC 1213), ipCidrRouteTable (4.24.4, IPv4), inetCidrRouteNumber (4.24.6) and
//! inetCidrRouteTable (4.24.7, IPv4 then IPv6), and ipDefaultRouterTable (4.37), built from
//! /proc/net/route and /proc/net/ipv6_route. Like snmpd, inetCidrRoutePolicy is `0.0.ifIndex`
//! for IPv4 routes without a next hop and `0.0` otherwise, and `0.0.N` for IPv6 routes, N
//! counting the routes (IPv4 first) in file order; IPv6 routes that are not up (reject
//! routes) are left out, as snmpd's netlink dump leaves them out.

use std::collections::HashMap;

use snmp::{Oid, Value};

use super::netstat::{Addr, ViewBuilder, parse_hex_bytes, parse_proc_addr};

const IP_ROUTE_ENTRY: [u32; 9] = [1, 3, 6, 1, 2, 1, 4, 21, 1];
const IP_FORWARD: [u32; 8] = [1, 3, 6, 1, 2, 1, 4, 24];
const CIDR_ENTRY: [u32; 10] = [1, 3, 6, 1, 2, 1, 4, 24, 4, 1];
const INET_CIDR_ENTRY: [u32; 10] = [1, 3, 6, 1, 2, 1, 4, 24, 7, 1];
const DEFAULT_ROUTER_ENTRY: [u32; 9] = [1, 3, 6, 1, 2, 1, 4, 37, 1];
const RTF_UP: u32 = 0x1;
const RTF_GATEWAY: u32 = 0x2;

/// One route of /proc/net/route (addresses in network order) or /proc/net/ipv6_route.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Route {
    pub iface: String,
    pub dest: Addr,
    pub prefix_len: u32,
    /// IPv4 only: the netmask.
    pub mask: [u8; 4],
    pub next_hop: Addr,
    pub flags: u32,
    pub metric: u32,
}

impl Route {
    fn gateway(&self) -> bool {
        self.flags & RTF_GATEWAY != 0
    }
}

/// /proc/net/route: `Iface Destination Gateway Flags RefCnt Use Metric Mask MTU Window IRTT`.
pub fn parse_route_v4(text: &str) -> Vec<Route> {
    text.lines()
        .skip(1)
        .filter_map(|line| {
            let f: Vec<&str> = line.split_whitespace().collect();
            let dest = parse_proc_addr(f.get(1)?)?;
            let next_hop = parse_proc_addr(f.get(2)?)?;
            let flags = u32::from_str_radix(f.get(3)?, 16).ok()?;
            let metric = f.get(6)?.parse().ok()?;
            let mask = parse_proc_addr(f.get(7)?)?.ipv4()?;
            let prefix_len = u32::from_be_bytes(mask).count_ones();
            Some(Route { iface: f.first()?.to_string(), dest, prefix_len, mask, next_hop, flags, metric })
        })
        .collect()
}

/// /proc/net/ipv6_route: `dest plen src splen nexthop metric refcnt use flags iface`.
pub fn parse_route_v6(text: &str) -> Vec<Route> {
    text.lines()
        .filter_map(|line| {
            let f: Vec<&str> = line.split_whitespace().collect();
            let dest = parse_hex_bytes(f.first()?).filter(|a| a.0.len() == 16)?;
            let prefix_len = u32::from_str_radix(f.get(1)?, 16).ok()?;
            let next_hop = parse_hex_bytes(f.get(4)?).filter(|a| a.0.len() == 16)?;
            let metric = u32::from_str_radix(f.get(5)?, 16).ok()?;
            let flags = u32::from_str_radix(f.get(8)?, 16).ok()?;
            Some(Route { iface: f.get(9)?.to_string(), dest, prefix_len, mask: [0; 4], next_hop, flags, metric })
        })
        .collect()
}

fn ip(a: &Addr) -> Value<'static> {
    Value::IpAddress(a.ipv4().unwrap_or([0; 4]))
}

fn bytes(a: &[u8]) -> impl Iterator<Item = u32> + '_ {
    a.iter().map(|&b| u32::from(b))
}

/// Adds the route tables to `b`.
pub fn add_routes(b: &mut ViewBuilder, v4: &[Route], v6: &[Route], if_index: &HashMap<String, u32>) {
    let idx = |r: &Route| if_index.get(&r.iface).copied();
    let zero_oid = || Value::oid(Oid::from([0, 0]));

    b.columns(&IP_ROUTE_ENTRY, [1, 2, 3, 7, 8, 9, 11, 13]);
    b.columns(&CIDR_ENTRY, [1, 2, 3, 4, 5, 6, 7, 9, 10, 11, 12, 13, 14, 15, 16]);
    b.columns(&INET_CIDR_ENTRY, 7..=17);
    b.columns(&DEFAULT_ROUTER_ENTRY, [4, 5]);
    let mut count = 0u32;
    for r in v4 {
        count += 1;
        let ifx = idx(r).unwrap_or(0);
        let remote = r.gateway();
        let route_type = if remote { 4 } else { 3 };
        let index: Vec<u32> = bytes(&r.dest.0).collect();
        b.cell(&IP_ROUTE_ENTRY, 1, &index, ip(&r.dest));
        b.cell(&IP_ROUTE_ENTRY, 2, &index, Value::Integer(ifx as i32));
        b.cell(&IP_ROUTE_ENTRY, 3, &index, Value::Integer(r.metric as i32 + i32::from(remote)));
        b.cell(&IP_ROUTE_ENTRY, 7, &index, ip(&r.next_hop));
        b.cell(&IP_ROUTE_ENTRY, 8, &index, Value::Integer(route_type));
        b.cell(&IP_ROUTE_ENTRY, 9, &index, Value::Integer(2));
        b.cell(&IP_ROUTE_ENTRY, 11, &index, Value::IpAddress(r.mask));
        b.cell(&IP_ROUTE_ENTRY, 13, &index, zero_oid());

        let mut index: Vec<u32> = bytes(&r.dest.0).chain(bytes(&r.mask)).collect();
        index.push(0);
        index.extend(bytes(&r.next_hop.0));
        b.cell(&CIDR_ENTRY, 1, &index, ip(&r.dest));
        b.cell(&CIDR_ENTRY, 2, &index, Value::IpAddress(r.mask));
        b.cell(&CIDR_ENTRY, 3, &index, Value::Integer(0));
        b.cell(&CIDR_ENTRY, 4, &index, ip(&r.next_hop));
        b.cell(&CIDR_ENTRY, 5, &index, Value::Integer(ifx as i32));
        b.cell(&CIDR_ENTRY, 6, &index, Value::Integer(route_type));
        b.cell(&CIDR_ENTRY, 7, &index, Value::Integer(2));
        b.cell(&CIDR_ENTRY, 9, &index, zero_oid());
        b.cell(&CIDR_ENTRY, 10, &index, Value::Integer(0));
        b.cell(&CIDR_ENTRY, 11, &index, Value::Integer(r.metric as i32));
        for col in 12..=15 {
            b.cell(&CIDR_ENTRY, col, &index, Value::Integer(-1));
        }
        b.cell(&CIDR_ENTRY, 16, &index, Value::Integer(1));

        let policy: Vec<u32> = if r.next_hop.is_unspecified() { vec![3, 0, 0, ifx] } else { vec![2, 0, 0] };
        add_inet_cidr(b, r, &policy, ifx);

        if r.dest.is_unspecified() && r.prefix_len == 0 && remote && r.flags & RTF_UP != 0 {
            let mut index = r.next_hop.inet_index();
            index.push(ifx);
            b.cell(&DEFAULT_ROUTER_ENTRY, 4, &index, Value::Gauge32(65535));
            b.cell(&DEFAULT_ROUTER_ENTRY, 5, &index, Value::Integer(0));
        }
    }
    for r in v6 {
        if r.flags & RTF_UP == 0 {
            continue;
        }
        let Some(ifx) = idx(r) else { continue };
        count += 1;
        add_inet_cidr(b, r, &[3, 0, 0, count], ifx);
    }
    b.scalar(&IP_FORWARD, 6, Value::Gauge32(count));
}

/// One inetCidrRouteEntry: index dest (type, length, bytes), prefix length, policy (length
/// first), next hop (type, length, bytes).
fn add_inet_cidr(b: &mut ViewBuilder, r: &Route, policy: &[u32], ifx: u32) {
    let mut index = r.dest.inet_index();
    index.push(r.prefix_len);
    index.extend_from_slice(policy);
    index.extend(r.next_hop.inet_index());
    b.cell(&INET_CIDR_ENTRY, 7, &index, Value::Integer(ifx as i32));
    b.cell(&INET_CIDR_ENTRY, 8, &index, Value::Integer(if r.gateway() { 4 } else { 3 }));
    b.cell(&INET_CIDR_ENTRY, 9, &index, Value::Integer(2));
    b.cell(&INET_CIDR_ENTRY, 10, &index, Value::Gauge32(0));
    b.cell(&INET_CIDR_ENTRY, 11, &index, Value::Gauge32(0));
    b.cell(&INET_CIDR_ENTRY, 12, &index, Value::Integer(r.metric as i32));
    for col in 13..=16 {
        b.cell(&INET_CIDR_ENTRY, col, &index, Value::Integer(-1));
    }
    b.cell(&INET_CIDR_ENTRY, 17, &index, Value::Integer(1));
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;

    const ROUTE: &str = "Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT\n\
        eth0\t00000000\t010200C0\t0003\t0\t0\t0\t00000000\t0\t0\t0\n\
        eth0\t000200C0\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0\n\
        broken line\n";
    const ROUTE6: &str = "fd000000000000000000000000000000 40 00000000000000000000000000000000 00 00000000000000000000000000000000 00000100 00000001 00000000 00000001     eth0\n\
        00000000000000000000000000000000 00 00000000000000000000000000000000 00 fd000000000000000000000000000001 00000400 00000002 00000000 00000003     eth0\n\
        00000000000000000000000000000000 00 00000000000000000000000000000000 00 00000000000000000000000000000000 ffffffff 00000001 00000000 00200200       lo\n\
        zz 40\n";

    #[test]
    fn parses_and_indexes_like_snmpd() {
        let v4 = parse_route_v4(ROUTE);
        assert_eq!(v4.len(), 2);
        assert_eq!(v4[0].next_hop.0, [192, 0, 2, 1]);
        assert_eq!((v4[1].prefix_len, v4[1].mask), (24, [255, 255, 255, 0]));
        let v6 = parse_route_v6(ROUTE6);
        assert_eq!(v6.len(), 3);
        assert_eq!((v6[0].prefix_len, v6[0].metric), (64, 256));
        let ifs = HashMap::from([("eth0".to_string(), 4), ("lo".to_string(), 1)]);
        let mut b = ViewBuilder::default();
        add_routes(&mut b, &v4, &v6, &ifs);
        let v = b.build();
        let get = |s: &str| v.get(&s.parse::<Oid>().unwrap());
        assert_eq!(get("1.3.6.1.2.1.4.21.1.7.0.0.0.0"), Value::IpAddress([192, 0, 2, 1]));
        assert_eq!(get("1.3.6.1.2.1.4.21.1.8.192.0.2.0"), Value::Integer(3));
        assert_eq!(
            get("1.3.6.1.2.1.4.24.4.1.2.192.0.2.0.255.255.255.0.0.0.0.0.0"),
            Value::IpAddress([255, 255, 255, 0])
        );
        assert_eq!(get("1.3.6.1.2.1.4.24.6.0"), Value::Gauge32(4));
        assert_eq!(get("1.3.6.1.2.1.4.24.7.1.7.1.4.0.0.0.0.0.2.0.0.1.4.192.0.2.1"), Value::Integer(4));
        assert_eq!(get("1.3.6.1.2.1.4.24.7.1.8.1.4.192.0.2.0.24.3.0.0.4.1.4.0.0.0.0"), Value::Integer(3));
        let v6oid = format!("1.3.6.1.2.1.4.24.7.1.12.2.16.253{}.64.3.0.0.3.2.16{}", ".0".repeat(15), ".0".repeat(16));
        assert_eq!(get(&v6oid), Value::Integer(256));
        assert_eq!(get("1.3.6.1.2.1.4.37.1.4.1.4.192.0.2.1.4"), Value::Gauge32(65535));
        assert!(parse_route_v4("").is_empty());
    }
}
