//! The memory scalars (UCD-SNMP-MIB `.4`) from /proc/meminfo, as snmpd 5.9 computes them:
//! kilobytes; memCached is Cached + SReclaimable; memTotalFree is MemFree + SwapFree;
//! memSwapError when free swap is not above the minimum (`swap MIN`, 16000 kB by default).

use snmp::Value;

use super::{Builder, field, int, text, ucd};
use crate::view::View;

/// snmpd's default `swap` minimum (kilobytes).
pub const MINIMUM_SWAP: u64 = 16000;

/// The /proc/meminfo figures the group uses, in kilobytes (missing lines read as 0).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct MemInfo {
    pub total: u64,
    pub free: u64,
    pub available: u64,
    pub shared: u64,
    pub buffers: u64,
    pub cached: u64,
    pub sreclaimable: u64,
    pub swap_total: u64,
    pub swap_free: u64,
}

pub fn parse_meminfo(text: &str) -> MemInfo {
    let kb = |key: &str| field(text, key).and_then(|v| v.parse::<u64>().ok()).unwrap_or(0);
    MemInfo {
        total: kb("MemTotal:"),
        free: kb("MemFree:"),
        available: kb("MemAvailable:"),
        shared: kb("Shmem:"),
        buffers: kb("Buffers:"),
        cached: kb("Cached:"),
        sreclaimable: kb("SReclaimable:"),
        swap_total: kb("SwapTotal:"),
        swap_free: kb("SwapFree:"),
    }
}

/// The group now; `minimum_swap` in kilobytes.
pub fn view(minimum_swap: u64) -> View {
    let m = std::fs::read_to_string("/proc/meminfo").map(|t| parse_meminfo(&t)).unwrap_or_default();
    build(&m, minimum_swap)
}

pub fn build(m: &MemInfo, minimum_swap: u64) -> View {
    let base = ucd(&[4]);
    let mut b = Builder::default();
    let total_free = m.free + m.swap_free;
    let cached = m.cached + m.sreclaimable;
    let i = |v: u64| int(i64::try_from(v).unwrap_or(i64::MAX));
    b.scalar(&base, 1, Value::Integer(0));
    b.scalar(&base, 2, text("swap"));
    b.scalar(&base, 3, i(m.swap_total));
    b.scalar(&base, 4, i(m.swap_free));
    b.scalar(&base, 5, i(m.total));
    b.scalar(&base, 6, i(m.free));
    b.scalar(&base, 11, i(total_free));
    b.scalar(&base, 12, i(MINIMUM_SWAP));
    b.scalar(&base, 13, i(m.shared));
    b.scalar(&base, 14, i(m.buffers));
    b.scalar(&base, 15, i(cached));
    for (sub, v) in [
        (18, m.swap_total),
        (19, m.swap_free),
        (20, m.total),
        (21, m.free),
        (22, total_free),
        (23, MINIMUM_SWAP),
        (24, m.shared),
        (25, m.buffers),
        (26, cached),
        (27, m.available),
    ] {
        b.scalar(&base, sub, Value::Counter64(v));
    }
    let error = m.swap_free <= minimum_swap;
    b.scalar(&base, 100, Value::Integer(i32::from(error)));
    let message = if error { format!("Running out of swap space ({})", m.swap_free) } else { String::new() };
    b.scalar(&base, 101, text(message));
    b.build()
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = "MemTotal:       24684096 kB\nMemFree:        22834176 kB\nMemAvailable:   24225680 kB\n\
        Buffers:            8116 kB\nCached:          1527780 kB\nSwapCached:            0 kB\nSwapTotal:       2097148 kB\n\
        SwapFree:        2097148 kB\nShmem:              8788 kB\nSReclaimable:     170256 kB\n";

    #[test]
    fn parses_meminfo() {
        let m = parse_meminfo(SAMPLE);
        assert_eq!(m.total, 24684096);
        assert_eq!(m.cached, 1527780);
        assert_eq!(m.sreclaimable, 170256);
        assert_eq!(m.swap_free, 2097148);
        let v = build(&m, MINIMUM_SWAP);
        assert_eq!(v.get(&ucd(&[4, 15, 0])), Value::Integer(1527780 + 170256));
        assert_eq!(v.get(&ucd(&[4, 11, 0])), Value::Integer(22834176 + 2097148));
        assert_eq!(v.get(&ucd(&[4, 100, 0])), Value::Integer(0));
        assert_eq!(v.get(&ucd(&[4, 27, 0])), Value::Counter64(24225680));
        // `swap 3000000`: 2097148 kB free is not enough.
        let v = build(&m, 3_000_000);
        assert_eq!(v.get(&ucd(&[4, 100, 0])), Value::Integer(1));
        assert_eq!(v.get(&ucd(&[4, 101, 0])), text("Running out of swap space (2097148)"));
    }

    #[test]
    fn malformed_or_missing_lines_read_as_zero() {
        let m = parse_meminfo("MemTotal: lots\nMemFree:\ngarbage\n\n");
        assert_eq!(m, MemInfo::default());
        let v = build(&m, MINIMUM_SWAP);
        assert_eq!(v.get(&ucd(&[4, 101, 0])), text("Running out of swap space (0)"));
    }
}
