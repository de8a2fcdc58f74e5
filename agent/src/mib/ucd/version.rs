//! The constant UCD groups: version (`.100`; Osprey's own version and build facts, with
//! snmpd's placeholders where it has them), snmperrs (`.101`, never in error), dlmod's
//! dlmodNextIndex (`.13.14.1`, no modules loaded) and logMatch's logMatchMaxEntries (`.16.1`).

use std::time::{SystemTime, UNIX_EPOCH};

use snmp::Value;

use super::{Builder, text, ucd};
use crate::view::View;

/// A Unix time in C's ctime format without the newline (UTC), e.g. `Thu Nov 26 06:24:44 2026`.
pub fn ctime(secs: u64) -> String {
    const DAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
    const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    let days = secs / 86400;
    let rem = secs % 86400;
    let weekday = DAYS.get((days % 7) as usize).copied().unwrap_or("?");
    // Civil date from days since 1970-01-01 (proleptic Gregorian calendar).
    let z = days as i64 + 719468;
    let era = z.div_euclid(146097);
    let doe = z - era * 146097;
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    let month_name = MONTHS.get((month - 1) as usize).copied().unwrap_or("?");
    format!("{weekday} {month_name} {day:2} {:02}:{:02}:{:02} {year}", rem / 3600, rem % 3600 / 60, rem % 60)
}

pub fn version_view() -> View {
    let base = ucd(&[100]);
    let now = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0);
    let mut b = Builder::default();
    b.scalar(&base, 1, Value::Integer(1));
    b.scalar(&base, 2, text(env!("CARGO_PKG_VERSION")));
    b.scalar(&base, 3, text("$Date$"));
    b.scalar(&base, 4, text(ctime(now)));
    b.scalar(&base, 5, text("$Id$"));
    b.scalar(&base, 6, text(""));
    for sub in [10, 11, 12, 13, 20] {
        b.scalar(&base, sub, Value::Integer(0));
    }
    b.build()
}

pub fn snmperrs_view() -> View {
    let base = ucd(&[101]);
    let mut b = Builder::default();
    b.scalar(&base, 1, Value::Integer(0));
    b.scalar(&base, 2, text("snmp"));
    b.scalar(&base, 100, Value::Integer(0));
    b.scalar(&base, 101, text(""));
    b.build()
}

pub fn dlmod_view() -> View {
    let mut b = Builder::default();
    b.scalar(&ucd(&[13, 14]), 1, Value::Integer(1));
    b.build()
}

pub fn logmatch_view() -> View {
    let mut b = Builder::default();
    b.scalar(&ucd(&[16]), 1, Value::Integer(250));
    b.build()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ctime_format() {
        assert_eq!(ctime(0), "Thu Jan  1 00:00:00 1970");
        assert_eq!(ctime(951782400), "Tue Feb 29 00:00:00 2000");
        assert_eq!(ctime(1795674284), "Thu Nov 26 06:24:44 2026");
    }
}
