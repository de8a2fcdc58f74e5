//! How the pages write times, durations, uptimes and speeds.

/// Unix seconds now.
pub fn now() -> i64 {
    poller::poll::unix_now() as i64
}

/// A moment as `2024-05-01 12:00:00 UTC`, `-` when there is none.
pub fn timestamp(at: Option<i64>) -> String {
    at.and_then(|t| jiff::Timestamp::from_second(t).ok())
        .map(|t| t.strftime("%Y-%m-%d %H:%M:%S UTC").to_string())
        .unwrap_or_else(|| "-".into())
}

/// How long ago `at` was, as a person says it: `42 s ago`, `5 min ago`, `3 h ago`, `2 d ago`;
/// `never` when there is none.
pub fn ago(at: Option<i64>, now: i64) -> String {
    let Some(at) = at else { return "never".into() };
    let seconds = now.saturating_sub(at).max(0);
    match seconds {
        0..60 => format!("{seconds} s ago"),
        60..3600 => format!("{} min ago", seconds / 60),
        3600..86_400 => format!("{} h ago", seconds / 3600),
        _ => format!("{} d ago", seconds / 86_400),
    }
}

/// A span of seconds as `3d 4h`, `4h 12m`, `12m 5s`.
pub fn span(seconds: u64) -> String {
    let (d, h, m, s) = (seconds / 86_400, seconds / 3600 % 24, seconds / 60 % 60, seconds % 60);
    match (d, h, m) {
        (0, 0, 0) => format!("{s}s"),
        (0, 0, _) => format!("{m}m {s}s"),
        (0, _, _) => format!("{h}h {m}m"),
        _ => format!("{d}d {h}h"),
    }
}

/// A device's uptime now: its sysUpTime at the last successful poll plus the time since
/// (only while it is up).
pub fn uptime(last_uptime_ticks: Option<u32>, last_success: Option<i64>, up: bool, now: i64) -> String {
    match (up, last_uptime_ticks, last_success) {
        (true, Some(ticks), Some(at)) => span(u64::from(ticks) / 100 + now.saturating_sub(at).max(0) as u64),
        _ => "-".into(),
    }
}

/// A poll's duration: `12 ms`, `1.4 s`, `-`.
pub fn duration_ms(ms: Option<u64>) -> String {
    match ms {
        None => "-".into(),
        Some(ms) if ms < 1000 => format!("{ms} ms"),
        Some(ms) => format!("{:.1} s", ms as f64 / 1000.0),
    }
}

/// An interface speed: `1 Gbit/s`, `100 Mbit/s`, `2.5 Gbit/s`, `-` when unknown.
pub fn speed(bps: u64) -> String {
    let scaled = |value: u64, unit: u64, name: &str| {
        if value.is_multiple_of(unit) {
            format!("{} {name}", value / unit)
        } else {
            format!("{:.1} {name}", value as f64 / unit as f64)
        }
    };
    match bps {
        0 => "-".into(),
        b if b >= 1_000_000_000 => scaled(b, 1_000_000_000, "Gbit/s"),
        b if b >= 1_000_000 => scaled(b, 1_000_000, "Mbit/s"),
        b if b >= 1_000 => scaled(b, 1_000, "kbit/s"),
        b => format!("{b} bit/s"),
    }
}

/// A rate in bits per second with an SI prefix: `12.3 Mbit/s`.
pub fn bits_per_second(bps: f64) -> String {
    if !bps.is_finite() {
        return "-".into();
    }
    let (value, unit) = match bps.abs() {
        v if v >= 1e9 => (bps / 1e9, "Gbit/s"),
        v if v >= 1e6 => (bps / 1e6, "Mbit/s"),
        v if v >= 1e3 => (bps / 1e3, "kbit/s"),
        _ => (bps, "bit/s"),
    };
    format!("{value:.1} {unit}")
}

/// The first line of `text`, cut to `width` characters with `…`.
pub fn first_line(text: &str, width: usize) -> String {
    let line = text.lines().next().unwrap_or_default().trim();
    if line.chars().count() > width {
        format!("{}…", line.chars().take(width.saturating_sub(1)).collect::<String>())
    } else {
        line.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_and_spans() {
        assert_eq!(timestamp(Some(0)), "1970-01-01 00:00:00 UTC");
        assert_eq!(timestamp(None), "-");
        assert_eq!(ago(Some(100), 142), "42 s ago");
        assert_eq!(ago(Some(100), 100 + 7200), "2 h ago");
        assert_eq!(ago(None, 0), "never");
        assert_eq!(span(59), "59s");
        assert_eq!(span(3 * 86_400 + 4 * 3600 + 5), "3d 4h");
        assert_eq!(uptime(Some(360_000), Some(1000), true, 1060), "1h 1m");
        assert_eq!(uptime(Some(360_000), Some(1000), false, 1060), "-");
        assert_eq!(duration_ms(Some(12)), "12 ms");
        assert_eq!(duration_ms(Some(1400)), "1.4 s");
    }

    #[test]
    fn speeds_and_lines() {
        assert_eq!(speed(1_000_000_000), "1 Gbit/s");
        assert_eq!(speed(2_500_000_000), "2.5 Gbit/s");
        assert_eq!(speed(100_000_000), "100 Mbit/s");
        assert_eq!(speed(0), "-");
        assert_eq!(bits_per_second(12_345_678.0), "12.3 Mbit/s");
        assert_eq!(bits_per_second(f64::NAN), "-");
        assert_eq!(first_line("Linux box 6.1\nsecond", 9), "Linux bo…");
    }
}
