//! diskIOTable (UCD-DISKIO-MIB, `1.3.6.1.4.1.2021.13.15.1.1`): one row per /proc/diskstats
//! line in file order: bytes read/written (sectors × 512, as Counter32 and the 64-bit X
//! columns), read/write operations, busy time in microseconds, and the 1/5/15 minute busy
//! percentage averages (exponentially damped, like snmpd's 5-second sampler).

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Instant;

use snmp::Value;

use super::{Builder, text, ucd};
use crate::view::View;

/// The counters of one block device.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiskStat {
    pub name: String,
    pub reads: u64,
    pub read_sectors: u64,
    pub writes: u64,
    pub write_sectors: u64,
    /// Milliseconds spent doing I/O.
    pub io_ms: u64,
}

/// Parses /proc/diskstats; lines with fewer than the 14 classic fields are skipped.
pub fn parse_diskstats(text: &str) -> Vec<DiskStat> {
    text.lines()
        .filter_map(|line| {
            let w: Vec<&str> = line.split_whitespace().collect();
            let num = |i: usize| w.get(i).and_then(|s| s.parse::<u64>().ok());
            Some(DiskStat {
                name: w.get(2)?.to_string(),
                reads: num(3)?,
                read_sectors: num(5)?,
                writes: num(7)?,
                write_sectors: num(9)?,
                io_ms: num(12)?,
            })
        })
        .collect()
}

#[derive(Debug, Clone, Copy)]
struct Load {
    at: Instant,
    io_ms: u64,
    la: [f64; 3],
}

/// The diskIOTable collector; keeps each device's damped busy averages.
#[derive(Debug, Default)]
pub struct DiskIo {
    loads: Mutex<HashMap<String, Load>>,
}

impl DiskIo {
    pub fn view(&self) -> View {
        let stats = std::fs::read_to_string("/proc/diskstats").map(|t| parse_diskstats(&t)).unwrap_or_default();
        let now = Instant::now();
        let mut loads = self.loads.lock().unwrap_or_else(|e| e.into_inner());
        let mut la = Vec::with_capacity(stats.len());
        for d in &stats {
            let l = loads.entry(d.name.clone()).or_insert(Load { at: now, io_ms: d.io_ms, la: [0.0; 3] });
            let dt = now.duration_since(l.at).as_secs_f64();
            if dt >= 1.0 {
                let busy = (d.io_ms.saturating_sub(l.io_ms) as f64 / (dt * 1000.0) * 100.0).min(100.0);
                for (avg, period) in l.la.iter_mut().zip([60.0, 300.0, 900.0]) {
                    let e = (-dt / period).exp();
                    *avg = *avg * e + busy * (1.0 - e);
                }
                l.at = now;
                l.io_ms = d.io_ms;
            }
            la.push(l.la);
        }
        drop(loads);
        build(&stats, &la)
    }
}

pub fn build(stats: &[DiskStat], la: &[[f64; 3]]) -> View {
    let entry = ucd(&[13, 15, 1, 1]);
    let mut b = Builder::default();
    for col in [1, 2, 3, 4, 5, 6, 9, 10, 11, 12, 13, 14] {
        b.object(entry.child(&[col]));
    }
    for (i, d) in stats.iter().enumerate() {
        let index = i as u32 + 1;
        let read = d.read_sectors.wrapping_mul(512);
        let written = d.write_sectors.wrapping_mul(512);
        b.cell(&entry, 1, index, Value::Integer(index as i32));
        b.cell(&entry, 2, index, text(d.name.clone()));
        b.cell(&entry, 3, index, Value::Counter32(read as u32));
        b.cell(&entry, 4, index, Value::Counter32(written as u32));
        b.cell(&entry, 5, index, Value::Counter32(d.reads as u32));
        b.cell(&entry, 6, index, Value::Counter32(d.writes as u32));
        let avg = la.get(i).copied().unwrap_or_default();
        for (col, v) in [9, 10, 11].into_iter().zip(avg) {
            b.cell(&entry, col, index, Value::Integer(v as i32));
        }
        b.cell(&entry, 12, index, Value::Counter64(read));
        b.cell(&entry, 13, index, Value::Counter64(written));
        b.cell(&entry, 14, index, Value::Counter64(d.io_ms.wrapping_mul(1000)));
    }
    b.build()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::indexing_slicing)]
    use super::*;

    #[test]
    fn parses_diskstats() {
        let sample = " 254       0 vda 399187 16034 18144266 813582 31966 65091 25519472 109228 0 31256 926697 24596 68\n\
            7 0 loop0 0 0 0 0 0 0 0 0 0 0 0\nshort line 1 2\n 8 1 sda1 x 0 0 0 0 0 0 0 0 0 0\n";
        let d = parse_diskstats(sample);
        assert_eq!(d.len(), 2);
        assert_eq!(d[0].name, "vda");
        assert_eq!(
            (d[0].reads, d[0].read_sectors, d[0].writes, d[0].write_sectors),
            (399187, 18144266, 31966, 25519472)
        );
        assert_eq!(d[0].io_ms, 31256);
        let v = build(&d, &[]);
        assert_eq!(v.get(&ucd(&[13, 15, 1, 1, 12, 1])), Value::Counter64(18144266 * 512));
        assert_eq!(v.get(&ucd(&[13, 15, 1, 1, 3, 1])), Value::Counter32((18144266u64 * 512) as u32));
        assert_eq!(v.get(&ucd(&[13, 15, 1, 1, 14, 1])), Value::Counter64(31256000));
        assert_eq!(v.get(&ucd(&[13, 15, 1, 1, 2, 2])), text("loop0"));
    }
}
