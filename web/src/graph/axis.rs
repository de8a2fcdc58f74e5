//! Axis ticks and labels: time ticks on round local hours, days, weeks or months (whichever
//! fits the width), and values with SI prefixes (`12.5 Mbit/s`, `1.2 GiB` for bytes).

use jiff::tz::TimeZone;
use jiff::{Timestamp, ToSpan, Zoned};

/// How far apart time ticks are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TickStep {
    /// A number of seconds dividing a day (1 min to 12 h), on round local times.
    Seconds(i64),
    /// A number of days, at local midnight.
    Days(i64),
    /// Weeks, at local midnight on Mondays.
    Weeks,
    /// Months, at local midnight on the 1st.
    Months,
}

const STEPS: [TickStep; 16] = [
    TickStep::Seconds(60),
    TickStep::Seconds(300),
    TickStep::Seconds(600),
    TickStep::Seconds(900),
    TickStep::Seconds(1800),
    TickStep::Seconds(3600),
    TickStep::Seconds(7200),
    TickStep::Seconds(3 * 3600),
    TickStep::Seconds(4 * 3600),
    TickStep::Seconds(6 * 3600),
    TickStep::Seconds(12 * 3600),
    TickStep::Days(1),
    TickStep::Days(2),
    TickStep::Weeks,
    TickStep::Months,
    TickStep::Months,
];

impl TickStep {
    /// About how many seconds apart.
    fn seconds(self) -> i64 {
        match self {
            TickStep::Seconds(s) => s,
            TickStep::Days(d) => d * 86_400,
            TickStep::Weeks => 7 * 86_400,
            TickStep::Months => 31 * 86_400,
        }
    }

    /// The `strftime` format of a tick's label.
    pub fn label_format(self) -> &'static str {
        match self {
            TickStep::Seconds(_) => "%H:%M",
            TickStep::Days(_) => "%a %d",
            TickStep::Weeks => "%b %d",
            TickStep::Months => "%b",
        }
    }
}

/// The finest tick step giving at most `max_ticks` ticks over `start..end`.
pub fn tick_step(start: i64, end: i64, max_ticks: u32) -> TickStep {
    let span = (end - start).max(1);
    let max_ticks = i64::from(max_ticks.max(1));
    STEPS.iter().copied().find(|s| span / s.seconds() <= max_ticks).unwrap_or(TickStep::Months)
}

/// The tick times in `start..=end` at `step` in time zone `tz`.
pub fn ticks(start: i64, end: i64, step: TickStep, tz: &TimeZone) -> Vec<i64> {
    let mut out = Vec::new();
    let Ok(first) = Timestamp::from_second(start) else {
        return out;
    };
    let zoned = first.to_zoned(tz.clone());
    match step {
        TickStep::Seconds(s) => {
            let offset = i64::from(zoned.offset().seconds());
            let s = s.max(1);
            let mut t = start + (s - (start + offset).rem_euclid(s)) % s;
            while t <= end {
                out.push(t);
                t += s;
            }
        }
        TickStep::Days(_) | TickStep::Weeks | TickStep::Months => {
            let Ok(mut day) = zoned.start_of_day() else {
                return out;
            };
            let advance = |z: &Zoned| -> Option<Zoned> {
                match step {
                    TickStep::Days(d) => z.checked_add(d.days()).ok(),
                    TickStep::Weeks => z.checked_add(1.week()).ok(),
                    _ => z.checked_add(1.month()).ok(),
                }
            };
            // Snap to the first Monday or first of a month.
            match step {
                TickStep::Weeks => {
                    let back = i64::from(day.weekday().to_monday_zero_offset());
                    day = day.checked_sub(back.days()).unwrap_or(day);
                }
                TickStep::Months => day = day.first_of_month().unwrap_or(day),
                TickStep::Days(d) if d > 1 => {
                    let back = i64::from(day.day_of_year()).rem_euclid(d);
                    day = day.checked_sub(back.days()).unwrap_or(day);
                }
                _ => {}
            }
            for _ in 0..1000 {
                let t = day.timestamp().as_second();
                if t > end {
                    break;
                }
                if t >= start {
                    out.push(t);
                }
                match advance(&day).and_then(|z| z.start_of_day().ok()) {
                    Some(next) => day = next,
                    None => break,
                }
            }
        }
    }
    out
}

/// The label of tick time `t`.
pub fn tick_label(t: i64, step: TickStep, tz: &TimeZone) -> String {
    Timestamp::from_second(t)
        .map(|ts| ts.to_zoned(tz.clone()).strftime(step.label_format()).to_string())
        .unwrap_or_default()
}

const PREFIXES: [&str; 7] = ["", "k", "M", "G", "T", "P", "E"];

/// The divisor and prefix for values up to `max` in `base` (1000: k, M, G; 1024: Ki, Mi, Gi).
pub fn scale(max: f64, base: f64) -> (f64, String) {
    let mut divisor = 1.0;
    let mut index = 0;
    while max.abs() >= divisor * base && index + 1 < PREFIXES.len() {
        divisor *= base;
        index += 1;
    }
    let prefix = PREFIXES.get(index).copied().unwrap_or("");
    let prefix = if base == 1024.0 && index > 0 { format!("{}i", prefix.to_uppercase()) } else { prefix.to_string() };
    (divisor, prefix)
}

/// `v` with the prefix that fits it and three significant digits: `12.5 Mbit/s`, `950 bit/s`.
pub fn format_value(v: f64, base: f64, unit: &str) -> String {
    if !v.is_finite() {
        return "-".to_string();
    }
    let (divisor, prefix) = scale(v, base);
    let x = v / divisor;
    let digits = if x.abs() >= 100.0 || x == 0.0 {
        0
    } else if x.abs() >= 10.0 {
        1
    } else {
        2
    };
    let space = if unit.is_empty() && prefix.is_empty() { "" } else { " " };
    format!("{x:.digits$}{space}{prefix}{unit}")
}

/// An axis label of `v` scaled by `divisor`, with as few decimals as the step needs.
/// Trailing zeros are left out (`10 M`, `2.5 M`).
pub fn axis_label(v: f64, divisor: f64, prefix: &str, decimals: usize) -> String {
    let mut number = format!("{:.decimals$}", v / divisor);
    if number.contains('.') {
        number.truncate(number.trim_end_matches('0').trim_end_matches('.').len());
    }
    if number == "-0" {
        number = "0".to_string();
    }
    if prefix.is_empty() { number } else { format!("{number} {prefix}") }
}

#[cfg(test)]
#[allow(clippy::indexing_slicing)]
mod tests {
    use super::*;

    #[test]
    fn values() {
        assert_eq!(format_value(12_500_000.0, 1000.0, "bit/s"), "12.5 Mbit/s");
        assert_eq!(format_value(950.0, 1000.0, "bit/s"), "950 bit/s");
        assert_eq!(format_value(0.0, 1000.0, "bit/s"), "0 bit/s");
        assert_eq!(format_value(1.5 * 1024.0 * 1024.0 * 1024.0, 1024.0, "B"), "1.50 GiB");
        assert_eq!(format_value(0.25, 1000.0, ""), "0.25");
        assert_eq!(format_value(f64::NAN, 1000.0, "%"), "-");
        assert_eq!(scale(2.0e9, 1000.0), (1.0e9, "G".to_string()));
        assert_eq!(axis_label(2.5e6, 1e6, "M", 1), "2.5 M");
        assert_eq!(axis_label(1.0e7, 1e6, "M", 2), "10 M");
        assert_eq!(axis_label(0.0, 1.0, "", 2), "0");
        assert_eq!(axis_label(50.0, 1.0, "", 0), "50");
    }

    #[test]
    fn ticks_on_round_times() {
        let utc = TimeZone::UTC;
        // 2023-11-14 22:13:20 UTC over a day: every 2 hours on even hours.
        let (start, end) = (1_700_000_000, 1_700_086_400);
        let step = tick_step(start, end, 12);
        assert_eq!(step, TickStep::Seconds(7200));
        let t = ticks(start, end, step, &utc);
        assert_eq!(t.len(), 12);
        assert!(t.iter().all(|t| t % 7200 == 0));
        assert_eq!(tick_label(t[0], step, &utc), "00:00");
        // A week: local midnights.
        let step = tick_step(start, start + 7 * 86_400, 10);
        assert_eq!(step, TickStep::Days(1));
        let t = ticks(start, start + 7 * 86_400, step, &utc);
        assert_eq!(t.len(), 7);
        assert!(t.iter().all(|t| t % 86_400 == 0));
        assert_eq!(tick_label(t[0], step, &utc), "Wed 15");
        // A year: firsts of months.
        let step = tick_step(start, start + 366 * 86_400, 12);
        assert_eq!(step, TickStep::Months);
        let t = ticks(start, start + 366 * 86_400, step, &utc);
        assert_eq!(t.len(), 12);
        assert_eq!(tick_label(t[0], step, &utc), "Dec");
        // A month: Mondays.
        let step = tick_step(start, start + 31 * 86_400, 8);
        assert_eq!(step, TickStep::Weeks);
        let t = ticks(start, start + 31 * 86_400, step, &utc);
        assert!(t.len() >= 4);
        assert_eq!(tick_label(t[0], step, &utc), "Nov 20");
    }
}
