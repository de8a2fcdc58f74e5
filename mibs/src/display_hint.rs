//! RFC 2579 DISPLAY-HINT rendering for octet strings (`255a`, `1x:`, DateAndTime's
//! `2d-1d-1d,1d:1d:1d.1d,1a1d:1d`) and integers (`d-2`, `x`, `o`, `b`), printed the way
//! net-snmp prints them (hex digits lowercase and unpadded).

use std::fmt::Write;

struct OctetSpec {
    star: bool,
    len: usize,
    fmt: char,
    sep: Option<char>,
    term: Option<char>,
}

fn parse_octet_hint(hint: &str) -> Option<Vec<OctetSpec>> {
    let chars: Vec<char> = hint.chars().collect();
    let mut specs = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let star = chars.get(i) == Some(&'*');
        if star {
            i += 1;
        }
        let mut len = 0usize;
        let mut saw_digit = false;
        while let Some(d) = chars.get(i).and_then(|c| c.to_digit(10)) {
            len = len.checked_mul(10)?.checked_add(d as usize)?;
            saw_digit = true;
            i += 1;
        }
        if !saw_digit {
            return None;
        }
        let fmt = *chars.get(i)?;
        if !matches!(fmt, 'x' | 'd' | 'o' | 'a' | 't') {
            return None;
        }
        i += 1;
        let is_sep = |c: Option<&char>| c.is_some_and(|c| !c.is_ascii_digit() && *c != '*');
        let sep = if is_sep(chars.get(i)) {
            i += 1;
            chars.get(i - 1).copied()
        } else {
            None
        };
        let term = if star && is_sep(chars.get(i)) {
            i += 1;
            chars.get(i - 1).copied()
        } else {
            None
        };
        specs.push(OctetSpec { star, len, fmt, sep, term });
    }
    if specs.is_empty() { None } else { Some(specs) }
}

/// Renders `data` with an octet-string display hint; `None` if the hint is malformed.
pub fn format_octets(hint: &str, data: &[u8]) -> Option<String> {
    let specs = parse_octet_hint(hint)?;
    let mut out = String::new();
    let mut pos = 0usize;
    let mut si = 0usize;
    while pos < data.len() {
        let spec = specs.get(si).or_else(|| specs.last())?;
        if si < specs.len() {
            si += 1;
        }
        let repeat = if spec.star {
            let r = usize::from(*data.get(pos)?);
            pos += 1;
            r
        } else {
            1
        };
        for k in 0..repeat {
            let end = (pos + spec.len).min(data.len());
            let chunk = data.get(pos..end)?;
            pos = end;
            match spec.fmt {
                'a' | 't' => out.extend(chunk.iter().map(|b| char::from(*b))),
                f => {
                    let v = chunk.iter().fold(0u128, |a, b| (a << 8) | u128::from(*b));
                    let _ = match f {
                        'x' => write!(out, "{v:x}"),
                        'o' => write!(out, "{v:o}"),
                        _ => write!(out, "{v}"),
                    };
                }
            }
            let last_in_repeat = k + 1 == repeat;
            if pos < data.len() {
                match (last_in_repeat, spec.term, spec.sep) {
                    (true, Some(t), _) => out.push(t),
                    (_, _, Some(s)) => out.push(s),
                    _ => {}
                }
            }
            if pos >= data.len() {
                break;
            }
        }
    }
    Some(out)
}

/// Renders an integer with a DISPLAY-HINT (`d`, `d-N`, `x`, `o`, `b`).
pub fn format_integer(hint: &str, v: i64) -> Option<String> {
    let mut chars = hint.chars();
    match chars.next()? {
        'd' => {
            let rest: String = chars.collect();
            if rest.is_empty() {
                return Some(v.to_string());
            }
            let places: usize = rest.strip_prefix('-')?.parse().ok()?;
            if places == 0 {
                return Some(v.to_string());
            }
            let neg = v < 0;
            let digits = v.unsigned_abs().to_string();
            let padded = if digits.len() <= places {
                format!("{}{digits}", "0".repeat(places + 1 - digits.len()))
            } else {
                digits
            };
            let (int, frac) = padded.split_at(padded.len() - places);
            Some(format!("{}{int}.{frac}", if neg { "-" } else { "" }))
        }
        'x' => Some(format!("{v:x}")),
        'o' => Some(format!("{v:o}")),
        'b' => Some(format!("{v:b}")),
        _ => None,
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]
mod tests {
    use super::*;

    #[test]
    fn mac_address() {
        assert_eq!(format_octets("1x:", &[0x52, 0x54, 0, 0x12, 0x34, 0x56]).as_deref(), Some("52:54:0:12:34:56"));
    }

    #[test]
    fn date_and_time() {
        let d = [0x07, 0xea, 0x0b, 0x1a, 0x05, 0x27, 0x08, 0x00, b'+', 0, 0];
        assert_eq!(format_octets("2d-1d-1d,1d:1d:1d.1d,1a1d:1d", &d).as_deref(), Some("2026-11-26,5:39:8.0,+0:0"));
        assert_eq!(format_octets("2d-1d-1d,1d:1d:1d.1d,1a1d:1d", &d[..8]).as_deref(), Some("2026-11-26,5:39:8.0"));
    }

    #[test]
    fn text_and_dotted() {
        assert_eq!(format_octets("255a", b"Linux").as_deref(), Some("Linux"));
        assert_eq!(format_octets("1d.1d.1d.1d", &[10, 0, 0, 1]).as_deref(), Some("10.0.0.1"));
        assert_eq!(format_octets("*1x:", &[2, 0xab, 0xcd]).as_deref(), Some("ab:cd"));
    }

    #[test]
    fn integers() {
        assert_eq!(format_integer("d-2", 1234).as_deref(), Some("12.34"));
        assert_eq!(format_integer("d-2", 5).as_deref(), Some("0.05"));
        assert_eq!(format_integer("d-2", -5).as_deref(), Some("-0.05"));
        assert_eq!(format_integer("x", 255).as_deref(), Some("ff"));
    }
}
