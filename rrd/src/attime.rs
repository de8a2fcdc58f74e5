//! At-style time specifications as rrdtool's `--start`/`--end` accept them, the subset Osprey
//! supports: `now`, `N`, seconds since the epoch (9 or more digits, after 1979-12-29), the
//! references `start`/`s` and `end`/`e` (fetch's `end-1d`, `start+2h`), and offsets like
//! `now-1d`, `-1h`, `now+2h`, `now-1h30min`, `now - 1 day`. Units: `s`/`sec`/`second(s)`,
//! `min`/`minute(s)`, `h`/`hour(s)`, `d`/`day(s)`, `w`/`week(s)`, `mon`/`month(s)`,
//! `y`/`year(s)`, and rrdtool's ambiguous `m` (months below 6, minutes from 6 on). Days,
//! weeks, months and years are calendar units in the local time zone.
//! [`start_end`] resolves a start/end pair that may refer to each other, as rrdtool's
//! `rrd_proc_start_end` does.

/// What a time specification counts from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Base {
    /// An absolute time (`now`, `N` or an epoch number), in seconds since the epoch.
    Absolute(i64),
    /// The other time of a start/end pair's start (`start`, `s`).
    Start,
    /// The other time of a start/end pair's end (`end`, `e`).
    End,
}

/// A parsed time specification: a base plus calendar and plain-second offsets.
#[derive(Debug, Clone, Copy)]
pub struct Spec {
    /// What the offsets apply to.
    pub base: Base,
    span: jiff::Span,
    seconds: i64,
}

impl Spec {
    /// The time `base_time` plus this spec's offsets (calendar units first, in the local zone).
    pub fn resolve(&self, base_time: i64, spec: &str) -> Result<i64, String> {
        let unparsable = || format!("unparsable time: {spec}");
        let mut t = base_time;
        if !self.span.is_zero() {
            let ts = jiff::Timestamp::from_second(base_time).map_err(|_| unparsable())?;
            let zoned = ts.to_zoned(jiff::tz::TimeZone::system());
            t = zoned.checked_add(self.span).map_err(|_| unparsable())?.timestamp().as_second();
        }
        t.checked_add(self.seconds).ok_or_else(unparsable)
    }
}

/// Resolves fetch's `--start` and `--end` (rrdtool's defaults are `end-24h` and `now`). Errors
/// are rrdtool's full texts (`start time: ...`, `the start time cannot be specified relative to
/// itself`, ...).
pub fn start_end(start: &str, end: &str, now: i64) -> Result<(i64, i64), String> {
    let s = parse_spec(start, now).map_err(|e| format!("start time: {e}"))?;
    let e = parse_spec(end, now).map_err(|e| format!("end time: {e}"))?;
    match (s.base, e.base) {
        (Base::End, Base::Start) => {
            Err("the start and end times cannot be specified relative to each other".to_string())
        }
        (Base::Start, _) => Err("the start time cannot be specified relative to itself".to_string()),
        (_, Base::End) => Err("the end time cannot be specified relative to itself".to_string()),
        (Base::End, Base::Absolute(e_base)) => {
            let end_t = e.resolve(e_base, end).map_err(|m| format!("end time: {m}"))?;
            let start_t = s.resolve(end_t, start).map_err(|m| format!("start time: {m}"))?;
            Ok((start_t, end_t))
        }
        (Base::Absolute(s_base), Base::Start) => {
            let start_t = s.resolve(s_base, start).map_err(|m| format!("start time: {m}"))?;
            let end_t = e.resolve(start_t, end).map_err(|m| format!("end time: {m}"))?;
            Ok((start_t, end_t))
        }
        (Base::Absolute(s_base), Base::Absolute(e_base)) => {
            let start_t = s.resolve(s_base, start).map_err(|m| format!("start time: {m}"))?;
            let end_t = e.resolve(e_base, end).map_err(|m| format!("end time: {m}"))?;
            Ok((start_t, end_t))
        }
    }
}

/// Parses `spec` relative to `now` (seconds since the epoch). The error is rrdtool's text
/// after "start time: ". References to `start`/`end` are refused here (see [`start_end`]).
pub fn parse(spec: &str, now: i64) -> Result<i64, String> {
    let parsed = parse_spec(spec, now)?;
    match parsed.base {
        Base::Absolute(base) => parsed.resolve(base, spec),
        Base::Start | Base::End => Err(format!("unparsable time: {spec}")),
    }
}

/// Parses `spec` into its base and offsets; `now` is the value of `now`, `N` and a bare offset.
pub fn parse_spec(spec: &str, now: i64) -> Result<Spec, String> {
    let unparsable = || format!("unparsable time: {spec}");
    let text = spec.trim();
    let (base, rest) = split_base(text).ok_or_else(unparsable)?;
    let base = match base {
        "" | "now" | "N" => Base::Absolute(now),
        "start" | "s" => Base::Start,
        "end" | "e" => Base::End,
        digits if digits.len() > 8 && digits.bytes().all(|b| b.is_ascii_digit()) => {
            let value = digits.parse::<i64>().map_err(|_| unparsable())?;
            // rrdtool reads a number as seconds since the epoch only above ten 365-day years.
            if value <= 315_360_000 {
                return Err(format!("did you really mean month {value}?"));
            }
            Base::Absolute(value)
        }
        _ => return Err(unparsable()),
    };
    let (mut seconds, mut days, mut months, mut years) = (0i64, 0i64, 0i64, 0i64);
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
            // Calendar units go to the broken-down local time (as rrdtool's tm_mday/tm_mon/tm_year).
            "d" | "day" | "days" => add(&mut days, 1)?,
            "w" | "week" | "weeks" => add(&mut days, 7)?,
            "m" | "mon" | "month" | "months" => add(&mut months, 1)?,
            "y" | "year" | "years" => add(&mut years, 1)?,
            _ => return Err(unparsable()),
        }
    }
    let span = jiff::Span::new()
        .try_years(years)
        .and_then(|s| s.try_months(months))
        .and_then(|s| s.try_days(days))
        .map_err(|_| unparsable())?;
    Ok(Spec { base, span, seconds })
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
        assert_eq!(parse("315360000", NOW), Err("did you really mean month 315360000?".to_string()));
        assert_eq!(parse("315360001", NOW), Ok(315_360_001));
        assert!(parse("end-1h", NOW).is_err());
    }

    #[test]
    fn start_end_references() {
        let utc = |s: &str, e: &str| start_end(s, e, NOW);
        assert_eq!(utc("end-24h", "now"), Ok((NOW - 86_400, NOW)));
        assert!(utc("end-1d", "now").is_ok());
        assert!(utc("end-1w2d", "now").is_ok());
        assert_eq!(utc("end-1h", "1000000000"), Ok((1_000_000_000 - 3600, 1_000_000_000)));
        assert_eq!(utc("1000000000", "start+10min"), Ok((1_000_000_000, 1_000_000_600)));
        assert_eq!(utc("s-1h", "now"), Err("the start time cannot be specified relative to itself".to_string()));
        assert_eq!(utc("now", "e+1h"), Err("the end time cannot be specified relative to itself".to_string()));
        assert_eq!(
            utc("end-1h", "start+1h"),
            Err("the start and end times cannot be specified relative to each other".to_string())
        );
        assert_eq!(utc("foo", "now"), Err("start time: unparsable time: foo".to_string()));
        assert_eq!(utc("now", "foo"), Err("end time: unparsable time: foo".to_string()));
    }
}
