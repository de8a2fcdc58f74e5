//! What a graph request asks for, read from its query: the time range (MRTG's named views or
//! a start/end pair), the output format and the colour theme. Everything here is user input:
//! a bad value is an error message meant for a 400 answer, never a panic.

use rrd::fetch::EARLIEST_START;

/// MRTG's views: one day, one week, 31 days and 366 days ending now, in seconds.
const VIEWS: [(&str, i64); 4] = [("day", 86_400), ("week", 7 * 86_400), ("month", 31 * 86_400), ("year", 366 * 86_400)];

/// The shortest range drawn: a minute.
pub const MIN_SPAN: i64 = 60;
/// The longest range drawn: 20 years (more than any archive of the poller's files holds).
pub const MAX_SPAN: i64 = 20 * 366 * 86_400;
/// How far past now an end may lie (a graph of the future is empty, but a clock skew is not an
/// error): a year.
const MAX_FUTURE: i64 = 366 * 86_400;

/// A time range in seconds since the epoch, `start < end`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Range {
    /// The first second of the range.
    pub start: i64,
    /// The last second of the range.
    pub end: i64,
}

impl Range {
    /// MRTG's named view `name` (`day`, `week`, `month`, `year`) ending at `now`.
    pub fn view(name: &str, now: i64) -> Option<Range> {
        VIEWS.iter().find(|(n, _)| *n == name).map(|(_, span)| Range { start: now - span, end: now })
    }

    /// The range of a request: `start`/`end` when either is given (epoch seconds or rrdtool's
    /// at-style, e.g. `end-2d`, `now-6h`; the end defaults to `now`, the start to `end-1d`),
    /// otherwise the view `range` (default `day`). Giving both a view and a start/end is an
    /// error, as is a start not before the end, a start before 1980, an end more than a year
    /// ahead, or a span under a minute or over 20 years.
    pub fn parse(range: Option<&str>, start: Option<&str>, end: Option<&str>, now: i64) -> Result<Range, String> {
        let start = start.map(str::trim).filter(|s| !s.is_empty());
        let end = end.map(str::trim).filter(|s| !s.is_empty());
        let range = range.map(str::trim).filter(|s| !s.is_empty());
        if start.is_none() && end.is_none() {
            let name = range.unwrap_or("day");
            return Range::view(name, now)
                .ok_or_else(|| format!("unknown range '{name}': expected day, week, month or year"));
        }
        if range.is_some() {
            return Err("give either range or start/end, not both".to_string());
        }
        let (start, end) = rrd::attime::start_end(start.unwrap_or("end-1d"), end.unwrap_or("now"), now)?;
        Range { start, end }.validated(now)
    }

    /// This range if it is one we draw (see [`Range::parse`]).
    pub fn validated(self, now: i64) -> Result<Range, String> {
        let Range { start, end } = self;
        if start >= end {
            return Err(format!("start ({start}) should be before end ({end})"));
        }
        if start < EARLIEST_START {
            return Err(format!("start ({start}) is before 1980"));
        }
        if end > now.saturating_add(MAX_FUTURE) {
            return Err(format!("end ({end}) is more than a year from now"));
        }
        let span = end - start;
        if span < MIN_SPAN {
            return Err(format!("the range is {span} s long; the shortest graph is {MIN_SPAN} s"));
        }
        if span > MAX_SPAN {
            return Err("the range is over 20 years long".to_string());
        }
        Ok(self)
    }

    /// Its length in seconds.
    pub fn span(&self) -> i64 {
        self.end - self.start
    }
}

/// What a graph is answered as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Format {
    /// An SVG image (the default).
    #[default]
    Svg,
    /// A PNG image.
    Png,
    /// The drawn data as JSON.
    Json,
    /// The drawn data as CSV.
    Csv,
}

impl Format {
    /// `svg`, `png`, `json` or `csv` (none: SVG).
    pub fn parse(format: Option<&str>) -> Result<Format, String> {
        match format.map(str::trim).unwrap_or("") {
            "" | "svg" => Ok(Format::Svg),
            "png" => Ok(Format::Png),
            "json" => Ok(Format::Json),
            "csv" => Ok(Format::Csv),
            other => Err(format!("unknown format '{other}': expected svg, png, json or csv")),
        }
    }

    /// The `Content-Type` of an answer in this format.
    pub fn content_type(self) -> &'static str {
        match self {
            Format::Svg => "image/svg+xml",
            Format::Png => "image/png",
            Format::Json => "application/json",
            Format::Csv => "text/csv; charset=utf-8",
        }
    }
}

/// The colours of an image.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Theme {
    /// Dark lines on white (the default).
    #[default]
    Light,
    /// Light lines on a dark background, for pages in dark mode.
    Dark,
}

impl Theme {
    /// `light` or `dark` (none: light).
    pub fn parse(theme: Option<&str>) -> Result<Theme, String> {
        match theme.map(str::trim).unwrap_or("") {
            "" | "light" => Ok(Theme::Light),
            "dark" => Ok(Theme::Dark),
            other => Err(format!("unknown theme '{other}': expected light or dark")),
        }
    }
}

/// The image size of a request: `width`x`height` pixels, within what we draw (defaults
/// 697 x 300).
pub fn parse_size(width: Option<&str>, height: Option<&str>) -> Result<(u32, u32), String> {
    let read = |value: Option<&str>, name: &str, default: u32, min: u32, max: u32| -> Result<u32, String> {
        let Some(text) = value.map(str::trim).filter(|s| !s.is_empty()) else {
            return Ok(default);
        };
        match text.parse::<u32>() {
            Ok(v) if (min..=max).contains(&v) => Ok(v),
            _ => Err(format!("{name} '{text}' should be a number of pixels from {min} to {max}")),
        }
    };
    Ok((
        read(width, "width", DEFAULT_SIZE.0, MIN_SIZE.0, MAX_SIZE.0)?,
        read(height, "height", DEFAULT_SIZE.1, MIN_SIZE.1, MAX_SIZE.1)?,
    ))
}

/// The default image size.
pub const DEFAULT_SIZE: (u32, u32) = (697, 300);
/// The smallest image drawn.
pub const MIN_SIZE: (u32, u32) = (200, 120);
/// The largest image drawn.
pub const MAX_SIZE: (u32, u32) = (4000, 2000);

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    const NOW: i64 = 1_700_000_000;

    #[test]
    fn views() {
        assert_eq!(Range::parse(None, None, None, NOW).unwrap(), Range { start: NOW - 86_400, end: NOW });
        assert_eq!(Range::parse(Some("week"), None, None, NOW).unwrap().span(), 7 * 86_400);
        assert_eq!(Range::parse(Some("month"), Some(""), None, NOW).unwrap().span(), 31 * 86_400);
        assert_eq!(Range::parse(Some("year"), None, None, NOW).unwrap().span(), 366 * 86_400);
        assert!(Range::parse(Some("fortnight"), None, None, NOW).unwrap_err().contains("unknown range"));
    }

    #[test]
    fn start_end() {
        let r = Range::parse(None, Some("1699990000"), Some("1699999000"), NOW).unwrap();
        assert_eq!(r, Range { start: 1_699_990_000, end: 1_699_999_000 });
        assert_eq!(Range::parse(None, Some("now-6h"), None, NOW).unwrap(), Range { start: NOW - 21_600, end: NOW });
        assert_eq!(Range::parse(None, None, Some("now-1h"), NOW).unwrap().end, NOW - 3600);
        assert_eq!(Range::parse(None, Some("end-2h"), Some("1699999000"), NOW).unwrap().span(), 7200);
    }

    #[test]
    fn bad_ranges() {
        let err = |s: Option<&str>, e: Option<&str>| Range::parse(None, s, e, NOW).unwrap_err();
        assert!(err(Some("1699999000"), Some("1699990000")).contains("before end"));
        assert!(err(Some("1699999000"), Some("1699999000")).contains("before end"));
        assert!(err(Some("yesterday-ish"), None).contains("unparsable"));
        assert!(err(Some("1699999000"), Some("now+5y")).contains("more than a year"));
        assert!(err(Some("now-30s"), None).contains("shortest"));
        assert!(err(Some("now-30y"), None).contains("20 years"));
        assert!(!err(Some("300000000"), Some("400086400")).is_empty());
        assert!(Range { start: 300_000_000, end: 300_086_400 }.validated(NOW).unwrap_err().contains("1980"));
        assert!(err(Some("99999999999999999999999"), None).contains("unparsable"));
        assert!(Range::parse(Some("day"), Some("now-1h"), None, NOW).unwrap_err().contains("not both"));
    }

    #[test]
    fn formats_themes_sizes() {
        assert_eq!(Format::parse(None).unwrap(), Format::Svg);
        assert_eq!(Format::parse(Some("png")).unwrap(), Format::Png);
        assert_eq!(Format::parse(Some("csv")).unwrap().content_type(), "text/csv; charset=utf-8");
        assert!(Format::parse(Some("gif")).is_err());
        assert_eq!(Theme::parse(Some("dark")).unwrap(), Theme::Dark);
        assert!(Theme::parse(Some("blue")).is_err());
        assert_eq!(parse_size(None, None).unwrap(), (697, 300));
        assert_eq!(parse_size(Some("400"), Some("150")).unwrap(), (400, 150));
        assert!(parse_size(Some("-1"), None).is_err());
        assert!(parse_size(None, Some("99999")).is_err());
        assert!(parse_size(Some("abc"), None).is_err());
    }
}
