//! systemStats (UCD-SNMP-MIB `.11`) as snmpd 5.9 serves it on Linux: raw Counter32s of
//! /proc/stat's cpu line, interrupts and context switches, /proc/vmstat's paging (in
//! 512-byte sectors, pgpgin/pgpgout × 2) and swapping, ssCpuNumCpus; and the "cooked"
//! per-second and percentage objects (`.3`–`.11`), which, like snmpd's, appear only once a
//! sample about a minute old exists to take the difference against.

use std::collections::VecDeque;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use snmp::Value;

use super::{Builder, field, int, text, ucd};
use crate::view::View;

/// The window of the cooked objects.
const WINDOW: Duration = Duration::from_secs(60);

/// The counters of one moment.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Sample {
    /// user nice system idle iowait irq softirq steal guest guest_nice (ticks).
    pub cpu: [u64; 10],
    pub interrupts: u64,
    pub contexts: u64,
    pub cpus: u32,
    pub page_in: u64,
    pub page_out: u64,
    pub swap_in: u64,
    pub swap_out: u64,
}

impl Sample {
    fn total(&self) -> u64 {
        self.cpu.iter().take(8).sum()
    }
}

/// Fills the /proc/stat part of a sample; missing or malformed fields read as 0.
pub fn parse_stat(text: &str, s: &mut Sample) {
    for line in text.lines() {
        let mut words = line.split_whitespace();
        match words.next() {
            Some("cpu") => {
                for (slot, w) in s.cpu.iter_mut().zip(words) {
                    *slot = w.parse().unwrap_or(0);
                }
            }
            Some(w) if w.starts_with("cpu") && w.get(3..).is_some_and(|n| n.parse::<u32>().is_ok()) => s.cpus += 1,
            Some("intr") => s.interrupts = words.next().and_then(|w| w.parse().ok()).unwrap_or(0),
            Some("ctxt") => s.contexts = words.next().and_then(|w| w.parse().ok()).unwrap_or(0),
            _ => {}
        }
    }
}

/// Fills the /proc/vmstat part of a sample (pages in/out as 512-byte sectors).
pub fn parse_vmstat(text: &str, s: &mut Sample) {
    let num = |key: &str| field(text, key).and_then(|v| v.parse::<u64>().ok()).unwrap_or(0);
    s.page_in = num("pgpgin").saturating_mul(2);
    s.page_out = num("pgpgout").saturating_mul(2);
    s.swap_in = num("pswpin");
    s.swap_out = num("pswpout");
}

fn sample() -> Sample {
    let mut s = Sample::default();
    if let Ok(t) = std::fs::read_to_string("/proc/stat") {
        parse_stat(&t, &mut s);
    }
    if let Ok(t) = std::fs::read_to_string("/proc/vmstat") {
        parse_vmstat(&t, &mut s);
    }
    s
}

/// The systemStats collector; keeps the last minute of samples for the cooked objects.
#[derive(Debug, Default)]
pub struct SystemStats {
    history: Mutex<VecDeque<(Instant, Sample)>>,
}

impl SystemStats {
    pub fn view(&self) -> View {
        let now = Instant::now();
        let current = sample();
        let mut history = self.history.lock().unwrap_or_else(|e| e.into_inner());
        // Keep the newest sample at least a minute old, and everything after it.
        while history.get(1).is_some_and(|(t, _)| now.duration_since(*t) >= WINDOW) {
            history.pop_front();
        }
        let old = history.front().filter(|(t, _)| now.duration_since(*t) >= WINDOW).copied();
        history.push_back((now, current));
        while history.len() > 256 {
            history.pop_front();
        }
        drop(history);
        build(&current, old.map(|(t, s)| (now.duration_since(t), s)))
    }
}

pub fn build(s: &Sample, old: Option<(Duration, Sample)>) -> View {
    let base = ucd(&[11]);
    let mut b = Builder::default();
    b.scalar(&base, 1, Value::Integer(1));
    b.scalar(&base, 2, text("systemStats"));
    for sub in 3..=11 {
        b.object(base.child(&[sub]));
    }
    if let Some((age, o)) = old {
        let secs = age.as_secs().max(1);
        let rate = |new: u64, old: u64| int(i64::try_from(new.saturating_sub(old) / secs).unwrap_or(i64::MAX));
        let total = s.total().saturating_sub(o.total());
        let pct = |i: usize| {
            let d = s.cpu.get(i).copied().unwrap_or(0).saturating_sub(o.cpu.get(i).copied().unwrap_or(0));
            int((d * 100).checked_div(total).and_then(|v| i64::try_from(v).ok()).unwrap_or(0))
        };
        b.scalar(&base, 3, rate(s.swap_in, o.swap_in));
        b.scalar(&base, 4, rate(s.swap_out, o.swap_out));
        b.scalar(&base, 5, rate(s.page_out, o.page_out));
        b.scalar(&base, 6, rate(s.page_in, o.page_in));
        b.scalar(&base, 7, rate(s.interrupts, o.interrupts));
        b.scalar(&base, 8, rate(s.contexts, o.contexts));
        b.scalar(&base, 9, pct(0));
        b.scalar(&base, 10, pct(2));
        b.scalar(&base, 11, pct(3));
    }
    let c = |i: usize| s.cpu.get(i).copied().unwrap_or(0);
    let raw = [
        (50, c(0)),
        (51, c(1)),
        (52, c(2)),
        (53, c(3)),
        (54, c(4)),
        (55, 0),
        (56, c(5)),
        (57, s.page_out),
        (58, s.page_in),
        (59, s.interrupts),
        (60, s.contexts),
        (61, c(6)),
        (62, s.swap_in),
        (63, s.swap_out),
        (64, c(7)),
        (65, c(8)),
        (66, c(9)),
    ];
    for (sub, v) in raw {
        b.scalar(&base, sub, Value::Counter32(v as u32));
    }
    b.scalar(&base, 67, Value::Integer(s.cpus as i32));
    b.build()
}

#[cfg(test)]
mod tests {
    use super::*;

    const STAT: &str = "cpu  253910 0 28232 266043 1511 0 1019 497 0 0\ncpu0 117128 0 13522 143781 387 0 427 268 0 0\n\
        cpu1 136781 0 14710 122261 1124 0 591 228 0 0\nintr 2111883 0 0 0\nctxt 3723846\nbtime 1700000000\n";

    #[test]
    fn parses_stat_and_vmstat() {
        let mut s = Sample::default();
        parse_stat(STAT, &mut s);
        parse_vmstat("pgpgin 9051241\npgpgout 12563160\npswpin 3\npswpout 4\n", &mut s);
        assert_eq!(s.cpu, [253910, 0, 28232, 266043, 1511, 0, 1019, 497, 0, 0]);
        assert_eq!((s.cpus, s.interrupts, s.contexts), (2, 2111883, 3723846));
        assert_eq!((s.page_in, s.page_out, s.swap_in, s.swap_out), (18102482, 25126320, 3, 4));
        let v = build(&s, None);
        assert_eq!(v.get(&ucd(&[11, 57, 0])), Value::Counter32(25126320));
        assert_eq!(v.get(&ucd(&[11, 64, 0])), Value::Counter32(497));
        assert_eq!(v.get(&ucd(&[11, 67, 0])), Value::Integer(2));
        assert_eq!(v.get(&ucd(&[11, 9, 0])), Value::NoSuchInstance);
    }

    #[test]
    fn malformed_stat_gives_zeros() {
        let mut s = Sample::default();
        parse_stat("cpu x y\nintr\nctxt z\ncpuX 1\n", &mut s);
        parse_vmstat("pgpgin\n", &mut s);
        assert_eq!(s, Sample::default());
    }

    #[test]
    fn cooked_values_over_a_minute() {
        let old = Sample { cpu: [100, 0, 50, 850, 0, 0, 0, 0, 0, 0], contexts: 0, ..Sample::default() };
        let new = Sample { cpu: [400, 0, 150, 1450, 0, 0, 0, 0, 0, 0], contexts: 6000, ..Sample::default() };
        let v = build(&new, Some((Duration::from_secs(60), old)));
        assert_eq!(v.get(&ucd(&[11, 9, 0])), Value::Integer(30));
        assert_eq!(v.get(&ucd(&[11, 10, 0])), Value::Integer(10));
        assert_eq!(v.get(&ucd(&[11, 11, 0])), Value::Integer(60));
        assert_eq!(v.get(&ucd(&[11, 8, 0])), Value::Integer(100));
    }
}
