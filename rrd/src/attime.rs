//! At-style time specifications as rrdtool's `--start` accepts them, the subset Osprey
//! supports: `now`, `N`, seconds since the epoch (9 or more digits), and offsets like
//! `now-1d`, `-1h`, `now+2h`, `now-1h30min`, `now - 1 day`. Units: `s`/`sec`/`second(s)`,
//! `min`/`minute(s)`, `h`/`hour(s)`, `d`/`day(s)`, `w`/`week(s)`, `mon`/`month(s)`,
//! `y`/`year(s)`, and rrdtool's ambiguous `m` (months below 6, minutes from 6 on). Days,
//! weeks, months and years are calendar units in the local time zone.

/// Parses `spec` relative to `now` (seconds since the epoch). The error is rrdtool's text
/// after "start time: ".
pub fn parse(spec: &str, now: i64) -> Result<i64, String> {
    let unparsable = || format!("unparsable time: {spec}");
    let text = spec.trim();
    let (base, rest) = split_base(text).ok_or_else(unparsable)?;
    let base = match base {
        "" | "now" | "N" => now,
        digits if digits.len() > 8 && digits.bytes().all(|b| b.is_ascii_digit()) => {
            digits.parse::<i64>().map_err(|_| unparsable())?
        }
        _ => return Err(unparsable()),
    };
    let mut seconds: i64 = 0;
    let mut span = jiff::Span::new();
    let mut rest = rest.trim_start();
    let mut sign: Option<i64> = None;
    while !rest.is_empty() {
        if let Some(tail) = rest.strip_prefix('+') {
            sign = Some(1);
            rest = tail.trim_start();
            continue;
        }
        if let Some(tail) = rest.strip_prefix('-') {
            sign = Some(-1);
            rest = tail.trim_start();
            continue;
        }
        let sign = sign.ok_or_else(unparsable)?;
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        let number: i64 = rest.get(..digits).and_then(|d| d.parse().ok()).ok_or_else(unparsable)?;
        let after = rest.get(digits..).unwrap_or("").trim_start();
        let letters = after.bytes().take_while(u8::is_ascii_alphabetic).count();
        let unit = after.get(..letters).unwrap_or("");
        rest = after.get(letters..).unwrap_or("").trim_start();
        let n = number.checked_mul(sign).ok_or_else(unparsable)?;
        let add = |s: &mut i64, k: i64| -> Result<(), String> {
            *s = n.checked_mul(k).and_then(|v| s.checked_add(v)).ok_or_else(unparsable)?;
            Ok(())
        };
        match unit {
            "" | "s" | "sec" | "secs" | "second" | "seconds" => add(&mut seconds, 1)?,
            "min" | "mins" | "minute" | "minutes" => add(&mut seconds, 60)?,
            "m" if number >= 6 => add(&mut seconds, 60)?,
            "h" | "hour" | "hours" => add(&mut seconds, 3600)?,
            "d" | "day" | "days" => {
                span = span
                    .checked_add(jiff::Span::new().try_days(n).map_err(|_| unparsable())?)
                    .map_err(|_| unparsable())?
            }
            "w" | "week" | "weeks" => {
                span = span
                    .checked_add(jiff::Span::new().try_weeks(n).map_err(|_| unparsable())?)
                    .map_err(|_| unparsable())?
            }
            "m" | "mon" | "month" | "months" => {
                span = span
                    .checked_add(jiff::Span::new().try_months(n).map_err(|_| unparsable())?)
                    .map_err(|_| unparsable())?
            }
            "y" | "year" | "years" => {
                span = span
                    .checked_add(jiff::Span::new().try_years(n).map_err(|_| unparsable())?)
                    .map_err(|_| unparsable())?
            }
            _ => return Err(unparsable()),
        }
    }
    let mut t = base;
    if !span.is_zero() {
        let ts = jiff::Timestamp::from_second(base).map_err(|_| unparsable())?;
        let zoned = ts.to_zoned(jiff::tz::TimeZone::system());
        t = zoned.checked_add(span).map_err(|_| unparsable())?.timestamp().as_second();
    }
    t.checked_add(seconds).ok_or_else(unparsable)
}

/// Splits the base word (`now`, `N`, digits, or nothing before a sign) from the offsets.
fn split_base(text: &str) -> Option<(&str, &str)> {
    let end = text.find(['+', '-', ' ']).unwrap_or(text.len());
    Some((text.get(..end)?, text.get(end..)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_795_676_147;

    #[test]
    fn bases_and_offsets() {
        assert_eq!(parse("now", NOW), Ok(NOW));
        assert_eq!(parse("N", NOW), Ok(NOW));
        assert_eq!(parse("1000000000", NOW), Ok(1_000_000_000));
        assert_eq!(parse("-5", NOW), Ok(NOW - 5));
        assert_eq!(parse("-1h", NOW), Ok(NOW - 3600));
        assert_eq!(parse("now-90min", NOW), Ok(NOW - 5400));
        assert_eq!(parse("now-1h30min", NOW), Ok(NOW - 5400));
        assert_eq!(parse("now-10m", NOW), Ok(NOW - 600));
        assert_eq!(parse("now+2h", NOW), Ok(NOW + 7200));
        assert!(parse("x", NOW).is_err());
        assert!(parse("now-1q", NOW).is_err());
    }
}
