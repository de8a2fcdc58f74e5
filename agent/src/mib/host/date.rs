//! SNMPv2-TC DateAndTime as snmpd encodes it: 11 octets (year high, year low, month, day,
//! hour, minutes, seconds, deci-seconds, '+'/'-', hours and minutes from UTC). The agent
//! reports UTC (offset +0:0); snmpd uses the host's local zone, which is UTC on servers.

use std::time::{SystemTime, UNIX_EPOCH};

/// The 8-octet "no date" snmpd serves for unknown dates (year 0, January 1st).
pub const UNKNOWN: [u8; 8] = [0, 0, 1, 1, 0, 0, 0, 0];

/// Days since 1970-01-01 to (year, month, day), proleptic Gregorian.
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// DateAndTime (UTC, deci-seconds 0) of `secs` seconds since the epoch.
pub fn date_and_time(secs: i64) -> Vec<u8> {
    let (year, month, day) = civil_from_days(secs.div_euclid(86_400));
    let rem = secs.rem_euclid(86_400);
    let year = year.clamp(0, 65_535) as u16;
    let [hi, lo] = year.to_be_bytes();
    vec![hi, lo, month as u8, day as u8, (rem / 3600) as u8, (rem / 60 % 60) as u8, (rem % 60) as u8, 0, b'+', 0, 0]
}

/// DateAndTime of a file time or of now.
pub fn of_system_time(t: SystemTime) -> Vec<u8> {
    let secs = match t.duration_since(UNIX_EPOCH) {
        Ok(d) => d.as_secs() as i64,
        Err(e) => -(e.duration().as_secs() as i64),
    };
    date_and_time(secs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_dates() {
        assert_eq!(date_and_time(0), [0x07, 0xb2, 1, 1, 0, 0, 0, 0, b'+', 0, 0]);
        // 2025-05-20 00:00:00 and 2026-09-22 04:47:27, as snmpd printed them.
        assert_eq!(date_and_time(1_747_699_200), [0x07, 0xe9, 5, 20, 0, 0, 0, 0, b'+', 0, 0]);
        assert_eq!(date_and_time(1_790_052_447), [0x07, 0xea, 9, 22, 4, 47, 27, 0, b'+', 0, 0]);
        // Leap day.
        assert_eq!(date_and_time(951_782_400).get(..4), Some(&[0x07, 0xd0, 2, 29][..]));
    }
}
