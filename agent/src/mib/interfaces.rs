//! IF-MIB as snmpd serves it on Linux: the interfaces group (1.3.6.1.2.1.2: ifNumber,
//! ifTable's 22 columns) and ifMIBObjects (1.3.6.1.2.1.31.1: ifXTable's columns but
//! ifLinkUpDownTrapEnable, which snmpd does not serve, and ifTableLastChange), built from
//! the [`netdev`](super::netdev) collector. Also [`oper_status_by_index`] for the
//! linkUp/linkDown notifications.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use snmp::{Oid, Value, VarBind};

use super::netdev::{self, IFTYPE_LOOPBACK, NetDev};
use crate::view::{CachedView, View};

pub const INTERFACES: [u32; 7] = [1, 3, 6, 1, 2, 1, 2];
pub const IF_MIB_OBJECTS: [u32; 8] = [1, 3, 6, 1, 2, 1, 31, 1];
/// How long the counters may be served from one snapshot (snmpd's ifTable cache is a few
/// seconds too).
const TTL: Duration = Duration::from_secs(3);
/// Both handlers' refreshes within this window share one read of /proc and /sys.
const SHARE: Duration = Duration::from_millis(500);

/// One collection, with the change times snmpd keeps across reloads.
#[derive(Debug, Default)]
struct Snapshot {
    devs: Vec<NetDev>,
    /// ifLastChange per row of `devs` (sysUpTime ticks of the last oper status change).
    last_change: Vec<u32>,
    /// ifTableLastChange: when a row last appeared or disappeared.
    table_last_change: u32,
}

#[derive(Debug, Default)]
struct State {
    latest: Option<(Instant, Arc<Snapshot>)>,
    /// ifIndex -> (ifOperStatus, ifLastChange) as last seen.
    seen: HashMap<u32, (i32, u32)>,
    table_last_change: u32,
}

/// The collector shared by both IF-MIB handlers.
#[derive(Debug)]
struct Collector {
    started: Instant,
    state: Mutex<State>,
}

impl Collector {
    fn uptime(&self) -> u32 {
        (self.started.elapsed().as_millis() / 10) as u32
    }

    fn snapshot(&self) -> Arc<Snapshot> {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((at, snap)) = &state.latest
            && at.elapsed() < SHARE
        {
            return snap.clone();
        }
        let devs = netdev::collect();
        let first = state.latest.is_none();
        let now = self.uptime();
        let mut seen = HashMap::with_capacity(devs.len());
        let mut last_change = Vec::with_capacity(devs.len());
        for d in &devs {
            let oper = d.oper_status();
            let changed = match state.seen.get(&d.index) {
                Some(&(prev, at)) if prev == oper => at,
                Some(_) => now,
                None if first => 0,
                None => now,
            };
            seen.insert(d.index, (oper, changed));
            last_change.push(changed);
        }
        if !first && (seen.len() != state.seen.len() || seen.keys().any(|k| !state.seen.contains_key(k))) {
            state.table_last_change = now;
        }
        state.seen = seen;
        let snap = Arc::new(Snapshot { devs, last_change, table_last_change: state.table_last_change });
        state.latest = Some((Instant::now(), snap.clone()));
        snap
    }
}

/// The two cached handlers (interfaces group, ifMIBObjects); `started` is the agent's
/// start, the origin of sysUpTime.
pub fn handlers(started: Instant) -> [CachedView; 2] {
    let collector = Arc::new(Collector { started, state: Mutex::default() });
    let c = collector.clone();
    [
        CachedView::new(Oid::from(INTERFACES), TTL, Box::new(move || interfaces_view(&c.snapshot()))),
        CachedView::new(Oid::from(IF_MIB_OBJECTS), TTL, Box::new(move || if_mib_view(&collector.snapshot()))),
    ]
}

fn c32(v: u64) -> Value<'static> {
    Value::Counter32(v as u32)
}

/// ifNumber and ifTable.
fn interfaces_view(s: &Snapshot) -> View {
    let root = Oid::from(INTERFACES);
    let entry = root.child(&[2, 1]);
    let mut values = vec![VarBind::new(root.child(&[1, 0]), Value::Integer(s.devs.len() as i32))];
    for (d, &last_change) in s.devs.iter().zip(&s.last_change) {
        let st = &d.stats;
        let speed = d.speed_bps();
        let cols: [(u32, Value<'static>); 22] = [
            (1, Value::Integer(d.index as i32)),
            (2, Value::string(d.name.as_bytes())),
            (3, Value::Integer(d.if_type())),
            (4, Value::Integer(d.mtu as i32)),
            (5, Value::Gauge32(u32::try_from(speed).unwrap_or(u32::MAX))),
            (6, Value::string(d.phys_address())),
            (7, Value::Integer(d.admin_status())),
            (8, Value::Integer(d.oper_status())),
            (9, Value::TimeTicks(last_change)),
            (10, c32(st.rx_bytes)),
            (11, c32(st.rx_packets.saturating_sub(st.rx_multicast))),
            (12, c32(st.rx_multicast)),
            (13, c32(st.rx_drop)),
            (14, c32(st.rx_errs)),
            (15, Value::Counter32(0)),
            (16, c32(st.tx_bytes)),
            (17, c32(st.tx_packets)),
            (18, Value::Counter32(0)),
            (19, c32(st.tx_drop)),
            (20, c32(st.tx_errs)),
            (21, Value::Gauge32(0)),
            (22, Value::oid(Oid::from([0, 0]))),
        ];
        values.extend(cols.into_iter().map(|(c, v)| VarBind::new(entry.child(&[c, d.index]), v)));
    }
    let mut objects = vec![root.child(&[1])];
    objects.extend((1..=22).map(|c| entry.child(&[c])));
    View::new(values, objects)
}

/// The ifXTable columns snmpd serves (all but 14, ifLinkUpDownTrapEnable).
const IFX_COLUMNS: [u32; 18] = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 15, 16, 17, 18, 19];

/// ifXTable and ifTableLastChange.
fn if_mib_view(s: &Snapshot) -> View {
    let root = Oid::from(IF_MIB_OBJECTS);
    let entry = root.child(&[1, 1]);
    let mut values = vec![VarBind::new(root.child(&[5, 0]), Value::TimeTicks(s.table_last_change))];
    let truth = |b: bool| Value::Integer(if b { 1 } else { 2 });
    for d in &s.devs {
        let st = &d.stats;
        let cols: [(u32, Value<'static>); 18] = [
            (1, Value::string(d.name.as_bytes())),
            (2, c32(st.rx_multicast)),
            (3, Value::Counter32(0)),
            (4, Value::Counter32(0)),
            (5, Value::Counter32(0)),
            (6, Value::Counter64(st.rx_bytes)),
            (7, Value::Counter64(st.rx_packets.saturating_sub(st.rx_multicast))),
            (8, Value::Counter64(st.rx_multicast)),
            (9, Value::Counter64(0)),
            (10, Value::Counter64(st.tx_bytes)),
            (11, Value::Counter64(st.tx_packets)),
            (12, Value::Counter64(0)),
            (13, Value::Counter64(0)),
            (15, Value::Gauge32(u32::try_from(d.speed_bps() / 1_000_000).unwrap_or(u32::MAX))),
            (16, truth(d.promiscuous())),
            (17, truth(d.if_type() != IFTYPE_LOOPBACK)),
            (18, Value::string(d.alias.as_bytes())),
            (19, Value::TimeTicks(0)),
        ];
        values.extend(cols.into_iter().map(|(c, v)| VarBind::new(entry.child(&[c, d.index]), v)));
    }
    // Column 14 is a known object without instances: a GET of it is noSuchInstance.
    let mut objects = vec![root.child(&[5]), entry.child(&[14])];
    objects.extend(IFX_COLUMNS.iter().map(|c| entry.child(&[*c])));
    View::new(values, objects)
}

/// The current (ifIndex, ifOperStatus, ifAdminStatus) of every interface, read straight
/// from /sys (a few small files per interface), for detecting linkUp/linkDown.
pub fn oper_status_by_index() -> Vec<(u32, i32, i32)> {
    let mut out: Vec<(u32, i32, i32)> = netdev::index_by_name()
        .into_iter()
        .filter_map(|(name, _)| netdev::read_sys(std::path::Path::new("/sys/class/net"), &name, Default::default()))
        .map(|d| (d.index, d.oper_status(), d.admin_status()))
        .collect();
    out.sort_unstable();
    out
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;
    use crate::mib::netdev::DevStats;

    fn snapshot() -> Snapshot {
        let lo = NetDev {
            name: "lo".into(),
            index: 1,
            arphrd: Some(772),
            mtu: 65536,
            flags: 0x9,
            operstate: "unknown".into(),
            address: vec![0; 6],
            stats: DevStats { rx_bytes: 10, rx_packets: 5, tx_bytes: 10, tx_packets: 5, ..DevStats::default() },
            ..NetDev::default()
        };
        let eth = NetDev {
            name: "eth0".into(),
            index: 4,
            arphrd: Some(1),
            mtu: 1500,
            flags: 0x1003,
            operstate: "up".into(),
            address: vec![2, 0xfc, 0, 0, 0, 1],
            speed_mbps: Some(1000),
            stats: DevStats { rx_bytes: 1 << 33, rx_packets: 100, rx_multicast: 7, ..DevStats::default() },
            ..NetDev::default()
        };
        Snapshot { devs: vec![lo, eth], last_change: vec![0, 0], table_last_change: 0 }
    }

    #[test]
    fn if_table_rows() {
        let v = interfaces_view(&snapshot());
        let col = |c: u32, i: u32| Oid::from(INTERFACES).child(&[2, 1, c, i]);
        assert_eq!(v.get(&Oid::from(INTERFACES).child(&[1, 0])), Value::Integer(2));
        assert_eq!(v.get(&col(3, 1)), Value::Integer(24));
        assert_eq!(v.get(&col(5, 1)), Value::Gauge32(10_000_000));
        assert_eq!(v.get(&col(5, 4)), Value::Gauge32(1_000_000_000));
        assert_eq!(v.get(&col(6, 1)), Value::string(Vec::new()));
        assert_eq!(v.get(&col(10, 4)), Value::Counter32(0)); // 2^33 wraps
        assert_eq!(v.get(&col(11, 4)), Value::Counter32(93));
        assert_eq!(v.get(&col(22, 4)), Value::oid(Oid::from([0, 0])));
        assert_eq!(v.get(&col(22, 9)), Value::NoSuchInstance);
        assert_eq!(v.get(&col(23, 1)), Value::NoSuchObject);
        assert_eq!(v.len(), 1 + 2 * 22);
    }

    #[test]
    fn if_x_table_rows() {
        let v = if_mib_view(&snapshot());
        let col = |c: u32, i: u32| Oid::from(IF_MIB_OBJECTS).child(&[1, 1, c, i]);
        assert_eq!(v.get(&col(6, 4)), Value::Counter64(1 << 33));
        assert_eq!(v.get(&col(15, 4)), Value::Gauge32(1000));
        assert_eq!(v.get(&col(17, 1)), Value::Integer(2));
        assert_eq!(v.get(&col(17, 4)), Value::Integer(1));
        assert_eq!(v.get(&col(14, 4)), Value::NoSuchInstance);
        assert_eq!(v.get(&col(20, 4)), Value::NoSuchObject);
        assert_eq!(v.len(), 1 + 2 * 18);
    }

    #[test]
    fn live_status_list() {
        let list = oper_status_by_index();
        assert!(list.windows(2).all(|w| w[0].0 < w[1].0));
        assert!(list.iter().all(|&(_, oper, admin)| (1..=2).contains(&oper) && (1..=2).contains(&admin)));
    }
}
