//! EtherLike-MIB dot3StatsTable (`1.3.6.1.2.1.10.7.2`) as snmpd 5.9's etherlike-mib serves
//! it on Linux. A row per interface whose driver reports ethtool statistics (at least one
//! ETH_SS_STATS string) and link settings (the duplex); lo, ifb and most virtual devices
//! have none. The error counters are the kernel's link statistics, as snmpd reads them
//! over netlink (IFLA_STATS, the same numbers as /sys/class/net/<if>/statistics):
//! FCSErrors rx_crc_errors, DeferredTransmissions tx_dropped, InternalMacTransmitErrors
//! tx_fifo_errors, CarrierSenseErrors tx_carrier_errors, FrameTooLongs rx_frame_errors,
//! InternalMacReceiveErrors rx_fifo_errors. snmpd overrides some columns (and adds
//! alignment/collision columns) from driver statistics whose names match its list
//! (e.g. "rx_align_errors", "tx_single_coll_ok", "in_fcs_error", "deferred"); their values
//! come only from the SIOCETHTOOL ETHTOOL_GSTATS ioctl, which needs unsafe code, so for
//! such drivers those columns are left out here rather than served with other numbers.

use std::path::Path;
use std::time::Duration;

use snmp::{Oid, Value, VarBind};

use super::ethtool::{self, Ethtool};
use super::netdev;
use crate::view::{CachedView, View};

const DOT3_STATS_ENTRY: [u32; 10] = [1, 3, 6, 1, 2, 1, 10, 7, 2, 1];
const TTL: Duration = Duration::from_secs(5);

const ALIGNMENT: u32 = 2;
const FCS: u32 = 3;
const SINGLE_COLLISION: u32 = 4;
const MULTIPLE_COLLISION: u32 = 5;
const DEFERRED: u32 = 7;
const LATE_COLLISION: u32 = 8;
const EXCESSIVE_COLLISION: u32 = 9;
const MAC_TX: u32 = 10;
const CARRIER_SENSE: u32 = 11;
const FRAME_TOO_LONG: u32 = 13;
const MAC_RX: u32 = 16;
const DUPLEX_STATUS: u32 = 19;

/// The column a driver statistic's name feeds in snmpd, by its substring/exact-name list.
pub fn column_of_stat_name(name: &str) -> Option<u32> {
    let has = |s: &str| name.contains(s);
    if has("rx_align_errors") {
        Some(ALIGNMENT)
    } else if has("in_fcs_error") {
        Some(FCS)
    } else if has("tx_multi_coll_ok") || name == "multiple" || has("tx_multi_collisions") || has("tx_mult_collisions") {
        Some(MULTIPLE_COLLISION)
    } else if has("tx_abort_late_coll") || name == "late" || has("tx_late_collisions") {
        Some(LATE_COLLISION)
    } else if has("tx_single_coll_ok") || name == "single" || has("tx_single_collisions") {
        Some(SINGLE_COLLISION)
    } else if has("tx_excess_collisions") || has("tx_excessive_collisions") || name == "excessive" {
        Some(EXCESSIVE_COLLISION)
    } else if name == "deferred" {
        Some(DEFERRED)
    } else {
        None
    }
}

/// One interface's facts.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Row {
    pub if_index: u32,
    /// Driver statistic names (ETH_SS_STATS).
    pub stat_names: Vec<String>,
    /// DUPLEX_* from the link settings.
    pub duplex: u8,
    /// (column, /sys statistics value) of the kernel counters.
    pub kernel: Vec<(u32, u64)>,
}

/// The kernel statistics files behind the counter columns.
const KERNEL_COUNTERS: [(u32, &str); 6] = [
    (FCS, "rx_crc_errors"),
    (DEFERRED, "tx_dropped"),
    (MAC_TX, "tx_fifo_errors"),
    (CARRIER_SENSE, "tx_carrier_errors"),
    (FRAME_TOO_LONG, "rx_frame_errors"),
    (MAC_RX, "rx_fifo_errors"),
];

/// A /sys statistics file: a decimal number.
pub fn parse_counter(text: &str) -> Option<u64> {
    text.trim().parse().ok()
}

/// The table of `rows`.
pub fn table(rows: &[Row]) -> View {
    let entry = Oid::from(DOT3_STATS_ENTRY);
    let mut values = Vec::new();
    for r in rows {
        let from_driver: Vec<u32> = r.stat_names.iter().filter_map(|n| column_of_stat_name(n)).collect();
        let duplex = match r.duplex {
            ethtool::DUPLEX_HALF => 2,
            ethtool::DUPLEX_FULL => 3,
            _ => 1,
        };
        let mut cols = vec![(1, Value::Integer(r.if_index as i32)), (DUPLEX_STATUS, Value::Integer(duplex))];
        cols.extend(
            r.kernel.iter().filter(|(c, _)| !from_driver.contains(c)).map(|(c, v)| (*c, Value::Counter32(*v as u32))),
        );
        values.extend(cols.into_iter().map(|(c, v)| VarBind::new(entry.child(&[c, r.if_index]), v)));
    }
    View::new(values, (1..=21).map(|c| entry.child(&[c])).collect())
}

fn collect() -> View {
    let Some(mut et) = Ethtool::open() else { return table(&[]) };
    let sys_net = Path::new("/sys/class/net");
    let mut rows = Vec::new();
    for (name, if_index) in netdev::index_by_name() {
        let Some((count, stat_names)) = et.stat_names(if_index) else { continue };
        if count == 0 {
            continue;
        }
        let Some(duplex) = et.duplex(if_index) else { continue };
        let kernel = KERNEL_COUNTERS
            .iter()
            .filter_map(|(col, file)| {
                let text = std::fs::read_to_string(sys_net.join(&name).join("statistics").join(file)).ok()?;
                Some((*col, parse_counter(&text)?))
            })
            .collect();
        rows.push(Row { if_index, stat_names, duplex, kernel });
    }
    table(&rows)
}

/// The cached handler of dot3StatsTable.
pub fn view() -> CachedView {
    CachedView::new(Oid::from([1, 3, 6, 1, 2, 1, 10, 7, 2]), TTL, Box::new(collect))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;

    #[test]
    fn stat_names_as_snmpd() {
        assert_eq!(column_of_stat_name("rx_align_errors"), Some(ALIGNMENT));
        assert_eq!(column_of_stat_name("port0_in_fcs_error"), Some(FCS));
        assert_eq!(column_of_stat_name("deferred"), Some(DEFERRED));
        assert_eq!(column_of_stat_name("tx_deferred"), None);
        assert_eq!(column_of_stat_name("single"), Some(SINGLE_COLLISION));
        assert_eq!(column_of_stat_name("tx_excessive_collisions"), Some(EXCESSIVE_COLLISION));
        assert_eq!(column_of_stat_name("rx_queue_0_packets"), None);
    }

    #[test]
    fn counters() {
        assert_eq!(parse_counter("17\n"), Some(17));
        assert_eq!(parse_counter("x"), None);
        assert_eq!(parse_counter(""), None);
    }

    #[test]
    fn rows_as_snmpd() {
        let kernel: Vec<(u32, u64)> = KERNEL_COUNTERS.iter().map(|(c, _)| (*c, u64::from(*c))).collect();
        let virtio = Row {
            if_index: 4,
            stat_names: vec!["rx_queue_0_packets".into()],
            duplex: ethtool::DUPLEX_UNKNOWN,
            kernel: kernel.clone(),
        };
        let e1000 = Row {
            if_index: 5,
            stat_names: vec!["tx_single_coll_ok".into(), "deferred".into()],
            duplex: ethtool::DUPLEX_FULL,
            kernel: vec![(MAC_TX, (1 << 32) + 3), (DEFERRED, 9)],
        };
        let v = table(&[virtio, e1000]);
        let e = Oid::from(DOT3_STATS_ENTRY);
        assert_eq!(v.len(), 2 + 6 + 2 + 1);
        assert_eq!(v.get(&e.child(&[1, 4])), Value::Integer(4));
        assert_eq!(v.get(&e.child(&[3, 4])), Value::Counter32(3));
        assert_eq!(v.get(&e.child(&[19, 4])), Value::Integer(1));
        assert_eq!(v.get(&e.child(&[19, 5])), Value::Integer(3));
        // 32-bit truncation; a column fed by a driver statistic is left out.
        assert_eq!(v.get(&e.child(&[10, 5])), Value::Counter32(3));
        assert_eq!(v.get(&e.child(&[7, 5])), Value::NoSuchInstance);
        assert_eq!(v.get(&e.child(&[22, 5])), Value::NoSuchObject);
    }
}
