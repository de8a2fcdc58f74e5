//! Value formatting as net-snmp 5.9's `snmpget`/`snmpwalk` print it: type prefixes,
//! quoting and hex fallback of octet strings, TimeTicks, enums, display hints, UNITS,
//! Opaque floats and the v2 exception texts, under the `-O` options.

use std::fmt::Write;

use snmp::Value;

use crate::display_hint;
use crate::tree::{BaseType, Node, Syntax};
use crate::{Mib, OutputOptions};

/// Bytes net-snmp's `isprint || isspace` accepts in the C locale.
fn is_text_byte(b: u8) -> bool {
    (0x20..=0x7e).contains(&b) || (0x09..=0x0d).contains(&b)
}

/// `XX XX ` with a line break after every 16 bytes that are followed by more.
pub(crate) fn hex_bytes(data: &[u8]) -> String {
    let mut s = String::with_capacity(data.len() * 3 + data.len() / 16);
    for (i, b) in data.iter().enumerate() {
        let _ = write!(s, "{b:02X} ");
        if (i + 1) % 16 == 0 && i + 1 < data.len() {
            s.push('\n');
        }
    }
    s
}

fn quoted_text(data: &[u8]) -> String {
    let mut s = String::with_capacity(data.len() + 2);
    s.push('"');
    for &b in data {
        if b == b'"' || b == b'\\' {
            s.push('\\');
        }
        s.push(char::from(b));
    }
    s.push('"');
    s
}

/// TimeTicks as `D days, H:MM:SS.cc` (`-Oq`: `D:H:MM:SS.cc`).
pub(crate) fn timeticks(t: u32, quick: bool) -> String {
    let cs = t % 100;
    let secs = t / 100;
    let (d, h, m, s) = (secs / 86400, (secs / 3600) % 24, (secs / 60) % 60, secs % 60);
    if quick {
        return format!("{d}:{h}:{m:02}:{s:02}.{cs:02}");
    }
    match d {
        0 => format!("{h}:{m:02}:{s:02}.{cs:02}"),
        1 => format!("1 day, {h}:{m:02}:{s:02}.{cs:02}"),
        _ => format!("{d} days, {h}:{m:02}:{s:02}.{cs:02}"),
    }
}

/// Decodes net-snmp's Opaque-wrapped float/double/counter64 etc.
fn opaque(data: &[u8]) -> Option<(&'static str, String)> {
    let (&t1, rest) = data.split_first()?;
    let (&t2, rest) = rest.split_first()?;
    let (&len, body) = rest.split_first()?;
    if t1 != 0x9f || body.len() != usize::from(len) {
        return None;
    }
    let uint = || body.iter().fold(0u64, |a, b| (a << 8) | u64::from(*b));
    match t2 {
        0x78 => {
            let b: [u8; 4] = body.try_into().ok()?;
            Some(("Float", format!("{:.6}", f32::from_be_bytes(b))))
        }
        0x79 => {
            let b: [u8; 8] = body.try_into().ok()?;
            Some(("Float", format!("{:.6}", f64::from_be_bytes(b))))
        }
        0x76 if body.len() <= 9 => Some(("Counter64", uint().to_string())),
        0x7b if body.len() <= 9 => Some(("UInt64", uint().to_string())),
        0x7a if body.len() <= 8 => {
            let v = body.iter().fold(if body.first().is_some_and(|b| b & 0x80 != 0) { -1i64 } else { 0 }, |a, b| {
                (a << 8) | i64::from(*b)
            });
            Some(("Int64", v.to_string()))
        }
        _ => None,
    }
}

fn type_label(v: &Value<'_>) -> &'static str {
    match v {
        Value::Integer(_) => "INTEGER",
        Value::OctetString(_) => "STRING",
        Value::Null => "NULL",
        Value::ObjectIdentifier(_) => "OID",
        Value::IpAddress(_) => "IpAddress",
        Value::Counter32(_) => "Counter32",
        Value::Gauge32(_) => "Gauge32",
        Value::TimeTicks(_) => "Timeticks",
        Value::Opaque(_) => "Opaque",
        Value::Counter64(_) => "Counter64",
        _ => "",
    }
}

/// The text net-snmp puts in `Wrong Type (should be ...)` when the value's type does not
/// fit the MIB syntax; `None` when it fits.
fn mismatch(base: BaseType, v: &Value<'_>) -> Option<&'static str> {
    let ok = matches!(
        (base, v),
        (BaseType::Integer, Value::Integer(_))
            | (BaseType::OctetString, Value::OctetString(_))
            | (BaseType::Bits, Value::OctetString(_))
            | (BaseType::ObjectIdentifier, Value::ObjectIdentifier(_))
            | (BaseType::IpAddress, Value::IpAddress(_))
            | (BaseType::Counter32, Value::Counter32(_))
            | (BaseType::Gauge32 | BaseType::Unsigned32, Value::Gauge32(_))
            | (BaseType::TimeTicks, Value::TimeTicks(_))
            | (BaseType::Opaque, Value::Opaque(_))
            | (BaseType::Counter64, Value::Counter64(_))
            | (BaseType::Other, _)
            | (_, Value::Null)
    );
    if ok {
        return None;
    }
    Some(match base {
        BaseType::Integer => "INTEGER",
        BaseType::OctetString => "OCTET STRING",
        BaseType::Bits => "BITS",
        BaseType::ObjectIdentifier => "OBJECT IDENTIFIER",
        BaseType::IpAddress => "IpAddress",
        BaseType::Counter32 => "Counter32",
        BaseType::Gauge32 | BaseType::Unsigned32 => "Gauge32 or Unsigned32",
        BaseType::TimeTicks => "Timeticks",
        BaseType::Opaque => "Opaque",
        BaseType::Counter64 => "Counter64",
        BaseType::Other => "",
    })
}

impl Mib {
    pub(crate) fn value_text(&self, node: Option<&Node>, value: &Value<'_>, opts: &OutputOptions) -> String {
        match value {
            Value::NoSuchObject => {
                return "No Such Object available on this agent at this OID".into();
            }
            Value::NoSuchInstance => {
                return "No Such Instance currently exists at this OID".into();
            }
            Value::EndOfMibView => {
                return "No more variables left in this MIB View (It is past the end of the MIB tree)".into();
            }
            _ => {}
        }
        let syntax = node.and_then(|n| n.syntax.as_ref());
        if let Some(s) = syntax
            && let Some(should) = mismatch(s.base, value)
        {
            return format!("Wrong Type (should be {should}): {}", self.value_text(None, value, opts));
        }
        let units = node.and_then(|n| n.units.as_deref()).filter(|_| !opts.no_units);
        let mut out = self.value_body(syntax, value, opts);
        if let Some(u) = units {
            match value {
                Value::Integer(_)
                | Value::Counter32(_)
                | Value::Gauge32(_)
                | Value::Counter64(_)
                | Value::OctetString(_)
                | Value::TimeTicks(_) => {
                    out.push(' ');
                    out.push_str(u);
                }
                _ => {}
            }
        }
        out
    }

    fn value_body(&self, syntax: Option<&Syntax>, value: &Value<'_>, opts: &OutputOptions) -> String {
        let prefix = |label: &str, body: String| {
            if opts.quick { body } else { format!("{label}: {body}") }
        };
        match value {
            Value::Integer(i) => {
                let v = i64::from(*i);
                if let Some(s) = syntax {
                    if !s.enums.is_empty() {
                        if let Some(label) = s.enum_label(v).filter(|_| !opts.numeric_enums) {
                            return if opts.quick { label.to_string() } else { format!("INTEGER: {label}({v})") };
                        }
                        return prefix("INTEGER", v.to_string());
                    }
                    if let Some(h) = s.hint.as_deref()
                        && let Some(t) = display_hint::format_integer(h, v)
                    {
                        return prefix("INTEGER", t);
                    }
                }
                prefix("INTEGER", v.to_string())
            }
            Value::OctetString(data) => self.octets(syntax, data, opts),
            Value::Null => "NULL".into(),
            Value::ObjectIdentifier(oid) => prefix("OID", self.format_oid(oid, opts)),
            Value::IpAddress(a) => prefix("IpAddress", format!("{}.{}.{}.{}", a[0], a[1], a[2], a[3])),
            Value::Counter32(v) => prefix("Counter32", v.to_string()),
            Value::Gauge32(v) => {
                let hinted =
                    syntax.and_then(|s| s.hint.as_deref()).and_then(|h| display_hint::format_integer(h, i64::from(*v)));
                prefix("Gauge32", hinted.unwrap_or_else(|| v.to_string()))
            }
            Value::TimeTicks(t) => {
                if opts.raw_timeticks {
                    t.to_string()
                } else if opts.quick {
                    timeticks(*t, true)
                } else {
                    format!("Timeticks: ({t}) {}", timeticks(*t, false))
                }
            }
            Value::Opaque(data) => match opaque(data) {
                Some((label, body)) => {
                    if opts.quick {
                        body
                    } else {
                        format!("Opaque: {label}: {body}")
                    }
                }
                None => {
                    if opts.quick {
                        hex_bytes(data)
                    } else {
                        format!("OPAQUE: {}", hex_bytes(data))
                    }
                }
            },
            Value::Counter64(v) => prefix("Counter64", v.to_string()),
            other => prefix(type_label(other), String::new()),
        }
    }

    fn octets(&self, syntax: Option<&Syntax>, data: &[u8], opts: &OutputOptions) -> String {
        if let Some(s) = syntax {
            if s.base == BaseType::Bits && !opts.hex_strings {
                return self.bits(s, data, opts);
            }
            if let Some(h) = s.hint.as_deref()
                && let Some(t) = display_hint::format_octets(h, data)
            {
                return if opts.quick { t } else { format!("STRING: {t}") };
            }
        }
        if data.is_empty() {
            return "\"\"".into();
        }
        let text = !opts.hex_strings && data.iter().all(|b| is_text_byte(*b));
        match (text, opts.quick) {
            (true, true) => quoted_text(data),
            (true, false) => format!("STRING: {}", quoted_text(data)),
            (false, true) => format!("\"{}\"", hex_bytes(data)),
            (false, false) => format!("Hex-STRING: {}", hex_bytes(data)),
        }
    }

    fn bits(&self, s: &Syntax, data: &[u8], opts: &OutputOptions) -> String {
        let mut out = String::new();
        if !opts.quick {
            out.push_str("BITS: ");
        }
        out.push_str(&hex_bytes(data));
        for (i, byte) in data.iter().enumerate() {
            for bit in 0..8 {
                if byte & (0x80 >> bit) != 0 {
                    let n = i64::try_from(i * 8 + bit).unwrap_or(i64::MAX);
                    match s.enum_label(n).filter(|_| !opts.numeric_enums) {
                        Some(l) => {
                            let _ = write!(out, "{l}({n}) ");
                        }
                        None => {
                            let _ = write!(out, "{n} ");
                        }
                    }
                }
            }
        }
        out
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]
mod tests {
    use super::*;

    #[test]
    fn hex_wraps_after_sixteen() {
        assert_eq!(hex_bytes(&[0xab]), "AB ");
        let d: Vec<u8> = (0..16).collect();
        assert!(!hex_bytes(&d).contains('\n'));
        let d: Vec<u8> = (0..17).collect();
        assert!(hex_bytes(&d).ends_with("0F \n10 "));
    }

    #[test]
    fn timeticks_forms() {
        assert_eq!(timeticks(4972, false), "0:00:49.72");
        assert_eq!(timeticks(123_456_789, false), "14 days, 6:56:07.89");
        assert_eq!(timeticks(8_640_000, false), "1 day, 0:00:00.00");
        assert_eq!(timeticks(160, true), "0:0:00:01.60");
    }

    #[test]
    fn text_detection() {
        assert!(is_text_byte(b'\t'));
        assert!(is_text_byte(b'~'));
        assert!(!is_text_byte(0));
        assert!(!is_text_byte(0x7f));
        assert_eq!(quoted_text(b"a\"b\\"), "\"a\\\"b\\\\\"");
    }

    #[test]
    fn opaque_float() {
        assert_eq!(opaque(&[0x9f, 0x78, 4, 0x41, 0x20, 0, 0]), Some(("Float", "10.000000".to_string())));
        assert_eq!(opaque(&[1, 2]), None);
    }
}
