//! IP-MIB's ip group (1.3.6.1.2.1.4) as snmpd serves it on Linux, except the address tables
//! (4.20, 4.22, 4.32, 4.34, 4.35), which belong to `ip_addresses`: the RFC 1213 scalars
//! (4.1-4.19, 4.23) from /proc/net/snmp, ipv6IpForwarding/ipv6IpDefaultHopLimit (4.25/4.26)
//! from /proc/sys/net/ipv6, the routing tables (4.21, 4.24, 4.37; see `ip_forward`),
//! ipTrafficStats (4.31: ipSystemStatsTable from /proc/net/snmp, /proc/net/netstat and
//! /proc/net/snmp6; ipIfStatsTable, IPv6 rows only as snmpd has them, from
//! /proc/net/dev_snmp6), ipAddressSpinLock (4.33, a random start value as snmpd's) and
//! ipv6ScopeZoneIndexTable (4.36, interfaces with a link-local address).
//!
//! Registration: the group is one [`CachedView`] (one collector, one snapshot), but since
//! the address tables interleave with our objects, it is registered as one [`Slice`]
//! handler per sub-root we own (4.1 ... 4.37). Each slice answers from the shared view and
//! never returns an object outside its own sub-root, so GETNEXT passes through the other
//! module's tables in order.

use std::sync::Arc;
use std::time::Duration;

use snmp::{Oid, Value, VarBind};

use super::ip_forward;
use super::netstat::{self, Counters, ViewBuilder};
use crate::handler::MibHandler;
use crate::view::{CachedView, View};

pub const IP: [u32; 7] = [1, 3, 6, 1, 2, 1, 4];
/// The sub-identifiers under `ip` this module serves.
pub const OWNED: [u32; 28] =
    [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 21, 23, 24, 25, 26, 31, 33, 36, 37];
const SYSTEM_STATS_ENTRY: [u32; 10] = [1, 3, 6, 1, 2, 1, 4, 31, 1, 1];
const IF_STATS_ENTRY: [u32; 10] = [1, 3, 6, 1, 2, 1, 4, 31, 3, 1];
const TRAFFIC_STATS: [u32; 8] = [1, 3, 6, 1, 2, 1, 4, 31];
const SCOPE_ZONE_ENTRY: [u32; 9] = [1, 3, 6, 1, 2, 1, 4, 36, 1];

/// One sub-root of the ip group, answered from the group's shared view.
#[derive(Debug)]
pub struct Slice {
    root: Oid,
    view: Arc<CachedView>,
}

impl MibHandler for Slice {
    fn root(&self) -> &Oid {
        &self.root
    }

    fn get(&self, oid: &Oid) -> Value<'static> {
        self.view.get(oid)
    }

    fn get_next(&self, oid: &Oid) -> Option<VarBind<'static>> {
        let from = if *oid < self.root { &self.root } else { oid };
        self.view.get_next(from).filter(|vb| vb.oid.starts_with(&self.root))
    }
}

/// Registers the ip group: one refreshed view, one slice per owned sub-root.
pub fn register(m: &mut super::Modules) {
    let view = Arc::new(CachedView::new(Oid::from(IP), Duration::from_secs(5), Box::new(collector())));
    m.cached.push(view.clone());
    for sub in OWNED {
        m.add(Slice { root: Oid::from(IP).child(&[sub]), view: view.clone() });
    }
}

/// Which counter feeds a statistics column.
#[derive(Clone, Copy)]
enum Kind {
    C32,
    C64,
}

/// ipSystemStatsEntry / ipIfStatsEntry columns 3-45: (column, kind, generic counter).
const STATS_COLUMNS: [(u32, Kind, &str); 43] = [
    (3, Kind::C32, "InReceives"),
    (4, Kind::C64, "InReceives"),
    (5, Kind::C32, "InOctets"),
    (6, Kind::C64, "InOctets"),
    (7, Kind::C32, "InHdrErrors"),
    (8, Kind::C32, "InNoRoutes"),
    (9, Kind::C32, "InAddrErrors"),
    (10, Kind::C32, "InUnknownProtos"),
    (11, Kind::C32, "InTruncatedPkts"),
    (12, Kind::C32, "InForwDatagrams"),
    (13, Kind::C64, "InForwDatagrams"),
    (14, Kind::C32, "ReasmReqds"),
    (15, Kind::C32, "ReasmOKs"),
    (16, Kind::C32, "ReasmFails"),
    (17, Kind::C32, "InDiscards"),
    (18, Kind::C32, "InDelivers"),
    (19, Kind::C64, "InDelivers"),
    (20, Kind::C32, "OutRequests"),
    (21, Kind::C64, "OutRequests"),
    (22, Kind::C32, "OutNoRoutes"),
    (23, Kind::C32, "OutForwDatagrams"),
    (24, Kind::C64, "OutForwDatagrams"),
    (25, Kind::C32, "OutDiscards"),
    (26, Kind::C32, "OutFragReqds"),
    (27, Kind::C32, "OutFragOKs"),
    (28, Kind::C32, "OutFragFails"),
    (29, Kind::C32, "OutFragCreates"),
    (30, Kind::C32, "OutTransmits"),
    (31, Kind::C64, "OutTransmits"),
    (32, Kind::C32, "OutOctets"),
    (33, Kind::C64, "OutOctets"),
    (34, Kind::C32, "InMcastPkts"),
    (35, Kind::C64, "InMcastPkts"),
    (36, Kind::C32, "InMcastOctets"),
    (37, Kind::C64, "InMcastOctets"),
    (38, Kind::C32, "OutMcastPkts"),
    (39, Kind::C64, "OutMcastPkts"),
    (40, Kind::C32, "OutMcastOctets"),
    (41, Kind::C64, "OutMcastOctets"),
    (42, Kind::C32, "InBcastPkts"),
    (43, Kind::C64, "InBcastPkts"),
    (44, Kind::C32, "OutBcastPkts"),
    (45, Kind::C64, "OutBcastPkts"),
];

/// A generic statistics counter for IPv4, from /proc/net/snmp (`Ip.`) and netstat (`IpExt.`).
fn v4_stat(c: &Counters, name: &str) -> Option<u64> {
    let g = |k: &str| c.get(k).map(|v| v as u64);
    match name {
        "InOctets" | "InNoRoutes" | "InTruncatedPkts" | "OutOctets" | "InMcastPkts" | "InMcastOctets"
        | "OutMcastPkts" | "OutMcastOctets" | "InBcastPkts" | "OutBcastPkts" => g(&format!("IpExt.{name}")),
        "InForwDatagrams" | "OutForwDatagrams" => g("Ip.ForwDatagrams"),
        "OutFragReqds" => Some(g("Ip.FragOKs")?.wrapping_add(g("Ip.FragFails")?)),
        "OutFragOKs" | "OutFragFails" | "OutFragCreates" => g(&format!("Ip.{}", name.trim_start_matches("Out"))),
        "OutTransmits" => Some(g("Ip.OutRequests")?.wrapping_add(g("Ip.ForwDatagrams")?)),
        _ => g(&format!("Ip.{name}")),
    }
}

/// A generic statistics counter for IPv6, from snmp6-style names (`Ip6...`).
fn v6_stat(c: &Counters, name: &str) -> Option<u64> {
    let g = |k: &str| c.get(k).map(|v| v as u64);
    match name {
        "InBcastPkts" | "OutBcastPkts" => None,
        "InForwDatagrams" | "OutForwDatagrams" => g("Ip6OutForwDatagrams"),
        "OutFragReqds" => Some(g("Ip6FragOKs")?.wrapping_add(g("Ip6FragFails")?)),
        "OutFragOKs" | "OutFragFails" | "OutFragCreates" => g(&format!("Ip6{}", name.trim_start_matches("Out"))),
        "OutTransmits" => Some(g("Ip6OutRequests")?.wrapping_add(g("Ip6OutForwDatagrams")?)),
        _ => g(&format!("Ip6{name}")),
    }
}

fn add_stats_row(b: &mut ViewBuilder, entry: &[u32], index: &[u32], per_if: bool, stat: &dyn Fn(&str) -> Option<u64>) {
    for (col, kind, name) in STATS_COLUMNS {
        if per_if && col == 22 {
            continue; // snmpd has no ipIfStatsOutNoRoutes
        }
        let Some(v) = stat(name) else { continue };
        b.cell(
            entry,
            col,
            index,
            match kind {
                Kind::C32 => Value::Counter32(v as u32),
                Kind::C64 => Value::Counter64(v),
            },
        );
    }
    b.cell(entry, 46, index, Value::TimeTicks(0));
    b.cell(entry, 47, index, Value::Gauge32(60_000));
}

/// What the ip group is built from (all read from /proc and /sys by [`collector`]).
#[derive(Debug, Default)]
pub struct Inputs {
    pub v4: Counters,
    pub v6: Counters,
    /// /proc/net/dev_snmp6/IFACE counters (each has its `ifIndex`).
    pub v6_if: Vec<Counters>,
    pub ipv6_forwarding: Option<i64>,
    pub ipv6_hop_limit: Option<i64>,
    pub routes_v4: Vec<ip_forward::Route>,
    pub routes_v6: Vec<ip_forward::Route>,
    pub if_index: std::collections::HashMap<String, u32>,
    /// ifIndexes with an IPv6 link-local address (/proc/net/if_inet6 scope 0x20).
    pub link_local: Vec<u32>,
    pub spin_lock: i32,
}

pub fn build_view(i: &Inputs) -> View {
    let mut b = ViewBuilder::default();
    let c = &i.v4;
    if c.contains("Ip.Forwarding") {
        b.scalar(&IP, 1, Value::Integer(c.get("Ip.Forwarding").unwrap_or(0) as i32));
        b.scalar(&IP, 2, Value::Integer(c.get("Ip.DefaultTTL").unwrap_or(0) as i32));
        let counters = [
            "InReceives",
            "InHdrErrors",
            "InAddrErrors",
            "ForwDatagrams",
            "InUnknownProtos",
            "InDiscards",
            "InDelivers",
            "OutRequests",
            "OutDiscards",
            "OutNoRoutes",
        ];
        for (sub, name) in (3..).zip(counters) {
            b.scalar(&IP, sub, Value::Counter32(c.c32(&format!("Ip.{name}"))));
        }
        b.scalar(&IP, 13, Value::Integer(c.get("Ip.ReasmTimeout").unwrap_or(0) as i32));
        for (sub, name) in (14..).zip(["ReasmReqds", "ReasmOKs", "ReasmFails", "FragOKs", "FragFails", "FragCreates"]) {
            b.scalar(&IP, sub, Value::Counter32(c.c32(&format!("Ip.{name}"))));
        }
        b.scalar(&IP, 23, Value::Counter32(0));
    }
    if let Some(f) = i.ipv6_forwarding {
        b.scalar(&IP, 25, Value::Integer(if f == 1 { 1 } else { 2 }));
    }
    if let Some(h) = i.ipv6_hop_limit {
        b.scalar(&IP, 26, Value::Integer(h as i32));
    }
    ip_forward::add_routes(&mut b, &i.routes_v4, &i.routes_v6, &i.if_index);

    b.columns(&SYSTEM_STATS_ENTRY, 3..=47);
    if c.contains("Ip.InReceives") {
        add_stats_row(&mut b, &SYSTEM_STATS_ENTRY, &[1], false, &|n| v4_stat(c, n));
    }
    if i.v6.contains("Ip6InReceives") {
        add_stats_row(&mut b, &SYSTEM_STATS_ENTRY, &[2], false, &|n| v6_stat(&i.v6, n));
    }
    b.scalar(&TRAFFIC_STATS, 2, Value::TimeTicks(0));
    b.columns(&IF_STATS_ENTRY, 3..=47);
    for ifc in &i.v6_if {
        let Some(ifx) = ifc.get("ifIndex").and_then(|x| u32::try_from(x).ok()) else { continue };
        add_stats_row(&mut b, &IF_STATS_ENTRY, &[2, ifx], true, &|n| v6_stat(ifc, n));
    }
    b.scalar(&IP, 33, Value::Integer(i.spin_lock));
    b.columns(&SCOPE_ZONE_ENTRY, 2..=13);
    for &ifx in &i.link_local {
        b.cell(&SCOPE_ZONE_ENTRY, 2, &[ifx], Value::Gauge32(ifx));
        for col in 3..=13 {
            b.cell(&SCOPE_ZONE_ENTRY, col, &[ifx], Value::Gauge32(0));
        }
    }
    b.build()
}

/// ifIndexes with a link-local (scope 0x20) address in /proc/net/if_inet6
/// (`address ifindex prefixlen scope flags name`).
pub fn parse_link_local(text: &str) -> Vec<u32> {
    let mut out: Vec<u32> = text
        .lines()
        .filter_map(|line| {
            let f: Vec<&str> = line.split_whitespace().collect();
            let ifx = u32::from_str_radix(f.get(1)?, 16).ok()?;
            let scope = u32::from_str_radix(f.get(3)?, 16).ok()?;
            (scope == 0x20).then_some(ifx)
        })
        .collect();
    out.sort_unstable();
    out.dedup();
    out
}

fn read_int(path: &str) -> Option<i64> {
    netstat::read(path).trim().parse().ok()
}

/// The collector: reads /proc and /sys (run by the refresher only). The spin lock's
/// start value is drawn once, like snmpd's.
pub fn collector() -> impl Fn() -> View + Send + Sync {
    let spin_lock = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(1, |d| (d.subsec_nanos() ^ d.as_secs() as u32) & 0x7fff_ffff) as i32;
    move || {
        let mut v6_if = Vec::new();
        if let Ok(dir) = std::fs::read_dir("/proc/net/dev_snmp6") {
            for e in dir.flatten() {
                v6_if.push(netstat::parse_name_value(&std::fs::read_to_string(e.path()).unwrap_or_default()));
            }
        }
        let inputs = Inputs {
            v4: netstat::ipv4_counters(),
            v6: netstat::ipv6_counters(),
            v6_if,
            ipv6_forwarding: read_int("/proc/sys/net/ipv6/conf/all/forwarding"),
            ipv6_hop_limit: read_int("/proc/sys/net/ipv6/conf/default/hop_limit"),
            routes_v4: ip_forward::parse_route_v4(&netstat::read("/proc/net/route")),
            routes_v6: ip_forward::parse_route_v6(&netstat::read("/proc/net/ipv6_route")),
            if_index: netstat::if_indexes(),
            link_local: parse_link_local(&netstat::read("/proc/net/if_inet6")),
            spin_lock,
        };
        build_view(&inputs)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn inputs() -> Inputs {
        let mut v4 = netstat::parse_header_pairs(
            "Ip: Forwarding DefaultTTL InReceives InHdrErrors InAddrErrors ForwDatagrams InUnknownProtos InDiscards InDelivers OutRequests OutDiscards OutNoRoutes ReasmTimeout ReasmReqds ReasmOKs ReasmFails FragOKs FragFails FragCreates\n\
             Ip: 2 64 1399171 0 0 0 0 0 1399171 1397277 0 0 0 0 0 0 1 2 0\n",
        );
        v4.merge(netstat::parse_header_pairs(
            "IpExt: InNoRoutes InTruncatedPkts InMcastPkts OutMcastPkts InBcastPkts OutBcastPkts InOctets OutOctets InMcastOctets OutMcastOctets\n\
             IpExt: 0 0 0 0 0 0 4294967297 298086835 0 0\n",
        ));
        let v6 = netstat::parse_name_value("Ip6InReceives 335\nIp6OutRequests 344\nIp6OutForwDatagrams 1\n");
        let lo = netstat::parse_name_value("ifIndex 1\nIp6InReceives 335\nIp6OutRequests 334\n");
        Inputs {
            v4,
            v6,
            v6_if: vec![lo, netstat::parse_name_value("garbage")],
            ipv6_forwarding: Some(0),
            ipv6_hop_limit: Some(64),
            link_local: parse_link_local(
                "fe8000000000000000fc00fffe000001 04 40 20 80     eth0\n00000000000000000000000000000001 01 80 10 80       lo\nbad\n",
            ),
            spin_lock: 7,
            ..Inputs::default()
        }
    }

    #[test]
    fn scalars_and_stats() {
        let v = build_view(&inputs());
        let get = |s: &str| v.get(&s.parse::<Oid>().unwrap());
        assert_eq!(get("1.3.6.1.2.1.4.1.0"), Value::Integer(2));
        assert_eq!(get("1.3.6.1.2.1.4.3.0"), Value::Counter32(1399171));
        assert_eq!(get("1.3.6.1.2.1.4.19.0"), Value::Counter32(0));
        assert_eq!(get("1.3.6.1.2.1.4.25.0"), Value::Integer(2));
        assert_eq!(get("1.3.6.1.2.1.4.31.1.1.5.1"), Value::Counter32(1));
        assert_eq!(get("1.3.6.1.2.1.4.31.1.1.6.1"), Value::Counter64(4294967297));
        assert_eq!(get("1.3.6.1.2.1.4.31.1.1.26.1"), Value::Counter32(3));
        assert_eq!(get("1.3.6.1.2.1.4.31.1.1.30.2"), Value::Counter32(345));
        assert_eq!(get("1.3.6.1.2.1.4.31.1.1.42.2"), Value::NoSuchInstance);
        assert_eq!(get("1.3.6.1.2.1.4.31.3.1.20.2.1"), Value::Counter32(334));
        assert_eq!(get("1.3.6.1.2.1.4.31.3.1.22.2.1"), Value::NoSuchInstance);
        assert_eq!(get("1.3.6.1.2.1.4.31.3.1.47.2.1"), Value::Gauge32(60000));
        assert_eq!(get("1.3.6.1.2.1.4.36.1.2.4"), Value::Gauge32(4));
        assert_eq!(get("1.3.6.1.2.1.4.36.1.2.1"), Value::NoSuchInstance);
        assert_eq!(get("1.3.6.1.2.1.4.33.0"), Value::Integer(7));
        // Nothing readable: only the constant objects, no panic.
        assert!(build_view(&Inputs::default()).get(&"1.3.6.1.2.1.4.1.0".parse().unwrap()) == Value::NoSuchObject);
    }

    #[test]
    fn slices_stay_inside_their_subtree() {
        let view =
            Arc::new(CachedView::new(Oid::from(IP), Duration::from_secs(60), Box::new(|| build_view(&inputs()))));
        let s19 = Slice { root: Oid::from(IP).child(&[19]), view: view.clone() };
        let s21 = Slice { root: Oid::from(IP).child(&[21]), view: view.clone() };
        let s25 = Slice { root: Oid::from(IP).child(&[25]), view };
        assert_eq!(s19.get_next(&"1.3.6.1.2.1.4.18.0".parse().unwrap()).unwrap().oid.to_string(), "1.3.6.1.2.1.4.19.0");
        assert!(s19.get_next(&"1.3.6.1.2.1.4.19.0".parse().unwrap()).is_none());
        // No routes in the inputs: 4.21 is empty, and never answers with 4.23.
        assert!(s21.get_next(&"1.3.6.1.2.1.4.20.9".parse().unwrap()).is_none());
        assert_eq!(s25.get_next(&"1.3.6.1.2.1.4.1.0".parse().unwrap()).unwrap().oid.to_string(), "1.3.6.1.2.1.4.25.0");
    }
}
