//! snmpsim's `.snmprec` format: one `OID|TAG|VALUE` line per object, read as snmpsim reads
//! it (the line stripped of surrounding whitespace, split at the first two `|`).
//!
//! TAG is the BER tag in decimal: 2 INTEGER, 4 OCTET STRING, 5 NULL, 6 OBJECT IDENTIFIER,
//! 64 IpAddress, 65 Counter32, 66 Gauge32, 67 TimeTicks, 68 Opaque, 70 Counter64. A trailing
//! `x` (`4x`) means VALUE is hex. Plain OCTET STRING values are the line's raw bytes (snmpsim
//! decodes lines as Latin-1, i.e. byte for byte). `#` lines are comments.
//!
//! `TAG:MODULE|ARGS` routes the object to an snmpsim variation module; ARGS is a
//! comma-separated `key=value` list (a doubled `,,` is a literal comma). The simulator runs no
//! modules; it serves the value the line gives, as documented by snmpsim:
//! - `writecache`: `value=` / `hexvalue=` is served exactly (SETs are refused, as for every
//!   object), no warning;
//! - `delay`, `error`, `notification`, `volatilecache`: `value=` / `hexvalue=` is served, with
//!   a warning that the module's behaviour is not simulated;
//! - `numeric`: `initial=` (else `min=`, else 0) is served, with a warning that its change
//!   over time is not simulated (`--counter-rate` moves counters instead);
//! - any other module, a subtree route (`|:sql|...`, no TAG) or a line without a value:
//!   skipped with a warning.
//!
//! Tags 128-130 (noSuchObject, noSuchInstance, endOfMibView) record the absence of an
//! object: skipped with a warning.
//!
//! A line snmpsim would load but fail on when asked (a value that does not fit its tag:
//! `4x|Juniper`, an INTEGER out of range) is skipped with a warning; the rest loads. Lines
//! without three fields, with a bad OID or an unknown tag are errors. Values are read as
//! pysnmp reads them where real recordings rely on it: an odd last hex digit is a high nibble
//! (warned), a 4-character IpAddress is its 4 bytes.

use std::net::Ipv4Addr;

use snmp::{Oid, Value, VarBind};

use super::record::{Entry, LoadError, Parsed, Warning};

/// True when `line` starts like an snmprec record: a dotted OID, then `|`.
pub fn looks_like_snmprec(line: &[u8]) -> bool {
    match line.iter().position(|b| *b == b'|') {
        Some(bar) => {
            line.get(..bar).is_some_and(|oid| !oid.is_empty() && oid.iter().all(|b| b.is_ascii_digit() || *b == b'.'))
        }
        None => false,
    }
}

/// Parses a whole `.snmprec` file.
pub fn parse(file: &str, bytes: &[u8]) -> Result<Parsed, LoadError> {
    let mut parsed = Parsed::default();
    for (index, raw) in bytes.split(|b| *b == b'\n').enumerate() {
        let line_no = index + 1;
        let line = raw.trim_ascii();
        if line.is_empty() || line.starts_with(b"#") {
            continue;
        }
        match parse_line(line) {
            Ok(Line::Object(object)) => parsed.entries.push(Entry { line: line_no, object }),
            Ok(Line::WithWarning(object, reason)) => {
                parsed.warnings.push(Warning { file: file.to_string(), line: line_no, reason });
                if let Some(object) = object {
                    parsed.entries.push(Entry { line: line_no, object });
                }
            }
            Err(reason) => return Err(LoadError::Line { file: file.to_string(), line: line_no, reason }),
        }
    }
    Ok(parsed)
}

/// What one line gives.
#[derive(Debug, Clone, PartialEq)]
pub enum Line {
    Object(VarBind<'static>),
    /// The object (if any is served) and why the line is not served exactly as snmpsim would.
    WithWarning(Option<VarBind<'static>>, String),
}

/// Parses one stripped, non-comment line.
pub fn parse_line(line: &[u8]) -> Result<Line, String> {
    let mut fields = line.splitn(3, |b| *b == b'|');
    let (Some(oid_text), Some(tag_text), Some(value)) = (fields.next(), fields.next(), fields.next()) else {
        return Err("expected OID|TAG|VALUE".into());
    };
    let oid = parse_oid(oid_text)?;
    let tag_text = std::str::from_utf8(tag_text).map_err(|_| "the tag is not text".to_string())?;
    let (type_part, module) = match tag_text.split_once(':') {
        Some((t, m)) => (t, Some(m)),
        None => (tag_text, None),
    };
    let (tag_digits, hex) = match type_part.strip_suffix('x') {
        Some(t) => (t, true),
        None => (type_part, false),
    };
    if let Some(module) = module {
        return variation(oid, tag_digits, module, value).or_else(|reason| Ok(skipped(&reason)));
    }
    let tag: u32 = tag_digits.parse().map_err(|_| format!("tag {tag_text:?} is not a number"))?;
    if (128..=130).contains(&tag) {
        return Ok(Line::WithWarning(None, format!("tag {tag} records that {oid} did not exist; line skipped")));
    }
    if !matches!(tag, 2 | 4 | 5 | 6 | 64..=68 | 70) {
        return Err(format!("unknown tag {tag}"));
    }
    let value = if hex { hex_value(tag, value) } else { plain_value(tag, value) };
    match value {
        Ok(value) if hex && !value_digits_even(line) => Ok(Line::WithWarning(
            Some(VarBind::new(oid, value)),
            "odd number of hex digits: the last one is read as a high nibble, as snmpsim reads it".into(),
        )),
        Ok(value) => Ok(Line::Object(VarBind::new(oid, value))),
        Err(reason) => Ok(skipped(&reason)),
    }
}

/// A value snmpsim could not serve either (it fails on the object when asked): the rest of
/// the recording loads, this line is reported.
fn skipped(reason: &str) -> Line {
    Line::WithWarning(None, format!("{reason}; line skipped"))
}

fn value_digits_even(line: &[u8]) -> bool {
    let value = line.splitn(3, |b| *b == b'|').nth(2).unwrap_or_default();
    value.trim_ascii().len().is_multiple_of(2)
}

fn parse_oid(text: &[u8]) -> Result<Oid, String> {
    let s = std::str::from_utf8(text).map_err(|_| "the OID is not text".to_string())?;
    let oid: Oid = s.parse().map_err(|e| format!("bad OID {s:?}: {e}"))?;
    if oid.len() < 2 {
        return Err(format!("bad OID {s:?}: fewer than two sub-identifiers"));
    }
    Ok(oid)
}

fn text(value: &[u8]) -> Result<&str, String> {
    std::str::from_utf8(value).map(str::trim).map_err(|_| "the value is not text".to_string())
}

fn number<T: TryFrom<i128>>(tag: u32, value: &[u8]) -> Result<T, String> {
    let s = text(value)?;
    let n: i128 =
        s.strip_prefix('+').unwrap_or(s).parse().map_err(|_| format!("tag {tag}: {s:?} is not an integer"))?;
    T::try_from(n).map_err(|_| format!("tag {tag}: {s} is out of range"))
}

/// A value written as text (no `x` on the tag).
pub fn plain_value(tag: u32, value: &[u8]) -> Result<Value<'static>, String> {
    Ok(match tag {
        2 => Value::Integer(number(tag, value)?),
        4 => Value::string(value.to_vec()),
        5 => Value::Null,
        6 => {
            let s = text(value)?;
            Value::oid(s.parse().map_err(|e| format!("tag 6: bad OID {s:?}: {e}"))?)
        }
        64 => match text(value).ok().and_then(|s| s.parse::<Ipv4Addr>().ok()) {
            Some(ip) => Value::IpAddress(ip.octets()),
            // pysnmp takes a 4-character value as the address's 4 bytes: recorders wrote
            // printable addresses that way (`64|hSh1` is 104.83.104.49).
            None => Value::IpAddress(
                <[u8; 4]>::try_from(value)
                    .map_err(|_| format!("tag 64: {:?} is not an IPv4 address", String::from_utf8_lossy(value)))?,
            ),
        },
        65 => Value::Counter32(number(tag, value)?),
        66 => Value::Gauge32(number(tag, value)?),
        67 => Value::TimeTicks(number(tag, value)?),
        68 => Value::Opaque(value.to_vec().into()),
        70 => Value::Counter64(number(tag, value)?),
        other => return Err(format!("unknown tag {other}")),
    })
}

/// Decodes hex digits (no separators; upper or lower case). An odd last digit is a high
/// nibble (`abc` is ab c0), as pyasn1 (snmpsim) reads it.
pub fn decode_hex(value: &[u8]) -> Result<Vec<u8>, String> {
    let mut digits = value.trim_ascii().to_vec();
    if !digits.len().is_multiple_of(2) {
        digits.push(b'0');
    }
    let nibble = |c: u8| match c {
        b'0'..=b'9' => Ok(c - b'0'),
        b'a'..=b'f' => Ok(c - b'a' + 10),
        b'A'..=b'F' => Ok(c - b'A' + 10),
        _ => Err(format!("{:?} is not a hex digit", char::from(c))),
    };
    digits
        .chunks_exact(2)
        .map(|pair| Ok((nibble(pair.first().copied().unwrap_or(0))? << 4) | nibble(pair.get(1).copied().unwrap_or(0))?))
        .collect()
}

/// A value written in hex (`x` on the tag): the content bytes, or a big-endian number.
pub fn hex_value(tag: u32, value: &[u8]) -> Result<Value<'static>, String> {
    let bytes = decode_hex(value).map_err(|e| format!("tag {tag}x: {e}"))?;
    let unsigned = || -> Result<u64, String> {
        if bytes.len() > 8 && bytes.iter().take(bytes.len() - 8).any(|b| *b != 0) {
            return Err(format!("tag {tag}x: number too large"));
        }
        Ok(bytes.iter().fold(0u64, |acc, b| (acc << 8) | u64::from(*b)))
    };
    let narrow = |v: u64| u32::try_from(v).map_err(|_| format!("tag {tag}x: {v} is out of range"));
    Ok(match tag {
        4 => Value::string(bytes),
        68 => Value::Opaque(bytes.into()),
        64 => Value::IpAddress(
            <[u8; 4]>::try_from(bytes.as_slice()).map_err(|_| format!("tag 64x: {} bytes, not 4", bytes.len()))?,
        ),
        2 => Value::Integer(i32::try_from(unsigned()?).map_err(|_| "tag 2x: out of range".to_string())?),
        65 => Value::Counter32(narrow(unsigned()?)?),
        66 => Value::Gauge32(narrow(unsigned()?)?),
        67 => Value::TimeTicks(narrow(unsigned()?)?),
        70 => Value::Counter64(unsigned()?),
        other => return Err(format!("tag {other}x: hex form not supported for this tag")),
    })
}

/// Splits variation-module arguments: `key=value` pairs separated by `,`, where `,,` stands
/// for a literal comma.
pub fn module_args(args: &[u8]) -> Vec<(String, Vec<u8>)> {
    let mut pairs = Vec::new();
    let mut current = Vec::new();
    let mut i = 0;
    let mut flush = |current: &mut Vec<u8>| {
        if current.is_empty() {
            return;
        }
        let (key, value) = match current.iter().position(|b| *b == b'=') {
            Some(eq) => (current.get(..eq).unwrap_or_default(), current.get(eq + 1..).unwrap_or_default()),
            None => (current.as_slice(), &[][..]),
        };
        pairs.push((String::from_utf8_lossy(key).trim().to_string(), value.to_vec()));
        current.clear();
    };
    while let Some(&b) = args.get(i) {
        if b == b',' {
            if args.get(i + 1) == Some(&b',') {
                current.push(b',');
                i += 2;
                continue;
            }
            flush(&mut current);
        } else {
            current.push(b);
        }
        i += 1;
    }
    flush(&mut current);
    pairs
}

fn variation(oid: Oid, tag_digits: &str, module: &str, args: &[u8]) -> Result<Line, String> {
    let skip = |why: String| Ok(Line::WithWarning(None, why));
    if tag_digits.is_empty() {
        return skip(format!("variation module '{module}' routes the subtree {oid}: not supported, line skipped"));
    }
    let tag: u32 = tag_digits.parse().map_err(|_| format!("tag {tag_digits:?} is not a number"))?;
    let args = module_args(args);
    let arg = |key: &str| args.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_slice());
    match module {
        "numeric" => {
            let (key, base) = match (arg("initial"), arg("min")) {
                (Some(v), _) => ("initial", v),
                (None, Some(v)) => ("min", v),
                (None, None) => ("default", &b"0"[..]),
            };
            let base = numeric_base(base).map_err(|e| format!("numeric variation: {key}: {e}"))?;
            let value = plain_value(tag, base.as_bytes())?;
            let reason = format!(
                "numeric variation: serving its {key} value {base}; its change over time is not simulated \
                 (--counter-rate moves counters instead)"
            );
            Ok(Line::WithWarning(Some(VarBind::new(oid, value)), reason))
        }
        "writecache" | "delay" | "error" | "notification" | "volatilecache" => {
            let value = match (arg("hexvalue"), arg("value")) {
                (Some(hex), _) => {
                    let bytes = decode_hex(hex).map_err(|e| format!("{module} variation: hexvalue: {e}"))?;
                    // snmpsim turns hexvalue into the text (or bytes) the tag then reads.
                    plain_value(tag, &bytes)?
                }
                (None, Some(text)) => plain_value(tag, text)?,
                (None, None) => return skip(format!("{module} variation without value= or hexvalue=: line skipped")),
            };
            let object = VarBind::new(oid, value);
            if module == "writecache" {
                Ok(Line::Object(object))
            } else {
                Ok(Line::WithWarning(
                    Some(object),
                    format!("{module} variation: serving its value; the module's behaviour is not simulated"),
                ))
            }
        }
        other => skip(format!("variation module '{other}' is not supported: line skipped")),
    }
}

/// numeric's parameters may be written as floats (`initial=2.5`): the integer part is served.
fn numeric_base(text: &[u8]) -> Result<String, String> {
    let s = std::str::from_utf8(text).map_err(|_| "not text".to_string())?.trim();
    if s.parse::<i128>().is_ok() {
        return Ok(s.to_string());
    }
    let f: f64 = s.parse().map_err(|_| format!("{s:?} is not a number"))?;
    if !f.is_finite() {
        return Err(format!("{s:?} is not a finite number"));
    }
    Ok(format!("{}", f.trunc() as i128))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;

    fn object(line: &str) -> VarBind<'static> {
        match parse_line(line.as_bytes()).unwrap() {
            Line::Object(o) => o,
            other => panic!("{line}: {other:?}"),
        }
    }

    fn value(line: &str) -> Value<'static> {
        object(line).value
    }

    #[test]
    fn every_tag() {
        assert_eq!(value("1.3.6.1.2.1.2.2.1.1.1|2|-5"), Value::Integer(-5));
        assert_eq!(value("1.3.6.1.2.1.1.1.0|4|Linux box 5.10"), Value::string(b"Linux box 5.10".to_vec()));
        assert_eq!(value("1.3.6.1.2.1.1.1.0|4|"), Value::string(Vec::new()));
        assert_eq!(value("1.3.6.1.2.1.1.1.0|4|a|b"), Value::string(b"a|b".to_vec()));
        assert_eq!(value("1.3.6.1.4.1.1.0|5|"), Value::Null);
        assert_eq!(
            value("1.3.6.1.2.1.1.2.0|6|1.3.6.1.4.1.8072.3.2.10"),
            Value::oid("1.3.6.1.4.1.8072.3.2.10".parse().unwrap())
        );
        assert_eq!(value("1.3.6.1.2.1.4.20.1.1.10.0.0.1|64|10.0.0.1"), Value::IpAddress([10, 0, 0, 1]));
        assert_eq!(value("1.3.6.1.2.1.4.20.1.1.10.0.0.1|64x|0a000001"), Value::IpAddress([10, 0, 0, 1]));
        assert_eq!(value("1.3.6.1.2.1.2.2.1.10.1|65|4294967295"), Value::Counter32(u32::MAX));
        assert_eq!(value("1.3.6.1.2.1.2.2.1.5.1|66|1000000000"), Value::Gauge32(1_000_000_000));
        assert_eq!(value("1.3.6.1.2.1.1.3.0|67|21658542"), Value::TimeTicks(21_658_542));
        assert_eq!(
            value("1.3.6.1.4.1.2021.10.1.6.1|68x|9f780441200000"),
            Value::Opaque(vec![0x9f, 0x78, 4, 0x41, 0x20, 0, 0].into())
        );
        assert_eq!(value("1.3.6.1.2.1.31.1.1.1.6.1|70|18446744073709551615"), Value::Counter64(u64::MAX));
        assert_eq!(
            value("1.3.6.1.2.1.2.2.1.6.1|4x|00127962F940"),
            Value::string(vec![0, 0x12, 0x79, 0x62, 0xf9, 0x40])
        );
        assert_eq!(value("1.3.6.1.2.1.1.1.0|4x|"), Value::string(Vec::new()));
        assert_eq!(object(".1.3.6.1.2.1.1.5.0|4|x").oid, "1.3.6.1.2.1.1.5.0".parse().unwrap());
    }

    #[test]
    fn raw_bytes_are_kept() {
        let mut line = b"1.3.6.1.2.1.1.1.0|4|".to_vec();
        line.extend_from_slice(&[0x80, 0xe4, b'x']);
        assert_eq!(
            parse_line(&line).unwrap(),
            Line::Object(VarBind::new("1.3.6.1.2.1.1.1.0".parse().unwrap(), Value::string(vec![0x80, 0xe4, b'x'])))
        );
    }

    #[test]
    fn bad_lines_name_file_line_and_reason() {
        let text = b"# comment\n1.3.6.1.2.1.1.1.0|4|ok\r\n\n1.3.6.1.2.1.1.2.0|twelve|12\n";
        let err = parse("dev.snmprec", text).unwrap_err().to_string();
        assert_eq!(err, "dev.snmprec:4: tag \"twelve\" is not a number");
        for (line, reason) in [
            ("1.3.6.1.2.1.1.1.0|4", "expected OID|TAG|VALUE"),
            ("1.3.x.1|4|a", "bad OID \"1.3.x.1\""),
            ("1.3.6.1|99|1", "unknown tag 99"),
        ] {
            let e = parse_line(line.as_bytes()).unwrap_err();
            assert!(e.contains(reason), "{line}: {e}");
        }
    }

    /// Values snmpsim could not serve either: warned about (file, line, reason) and skipped.
    #[test]
    fn bad_values_are_skipped_with_a_warning() {
        let parsed = parse("dev.snmprec", b"1.3.6.1.2.1.1.1.0|4x|Juniper\n1.3.6.1.2.1.1.5.0|4|ok\n").unwrap();
        assert_eq!(parsed.entries.len(), 1);
        assert_eq!(
            parsed.warnings[0].to_string(),
            "dev.snmprec:1: warning: tag 4x: 'J' is not a hex digit; line skipped"
        );
        for (line, reason) in [
            ("1.3.6.1|2|99999999999", "out of range"),
            ("1.3.6.1|65|-1", "out of range"),
            ("1.3.6.1|4x|zz", "not a hex digit"),
            ("1.3.6.1|64|10.0.0", "not an IPv4 address"),
            ("1.3.6.1|6|1..3", "bad OID"),
            ("1.3.6.1|2:writecache|value=x", "not an integer"),
        ] {
            match parse_line(line.as_bytes()).unwrap() {
                Line::WithWarning(None, why) => {
                    assert!(why.contains(reason) && why.ends_with("line skipped"), "{line}: {why}")
                }
                other => panic!("{line}: {other:?}"),
            }
        }
        // Odd hex: the last digit is a high nibble, with a warning.
        match parse_line(b"1.3.6.1|4x|abc").unwrap() {
            Line::WithWarning(Some(o), why) => {
                assert_eq!(o.value, Value::string(vec![0xab, 0xc0]));
                assert!(why.contains("odd number of hex digits"));
            }
            other => panic!("{other:?}"),
        }
        // A 4-character IpAddress is its 4 bytes, as pysnmp reads it.
        assert_eq!(value("1.3.6.1.2.1.4.21.1.1.104.83.104.49|64|hSh1"), Value::IpAddress([104, 83, 104, 49]));
    }

    #[test]
    fn crlf_lines_and_comments() {
        let parsed = parse("f", b"#Device\r\n1.3.6.1.2.1.1.1.0|4|My UPS\r\n1.3.6.1.2.1.1.3.0|67|5\r\n").unwrap();
        assert_eq!(parsed.entries.len(), 2);
        assert_eq!(parsed.entries[0].object.value, Value::string(b"My UPS".to_vec()));
        assert_eq!(parsed.entries[1].line, 3);
    }

    #[test]
    fn variation_modules() {
        assert_eq!(
            value("1.3.6.1.4.1.318.1|4:writecache|value=ESX Server 1 PS 2"),
            Value::string(b"ESX Server 1 PS 2".to_vec())
        );
        assert_eq!(value("1.3.6.1.4.1.318.1|4:writecache|hexvalue=00ff"), Value::string(vec![0, 0xff]));
        assert_eq!(
            value("1.3.6.1.4.1.318.1|4:writecache|value=a,,b,vlist=eq:1:wrongvalue"),
            Value::string(b"a,b".to_vec())
        );
        assert_eq!(value("1.3.6.1.4.1.850.1|2:writecache|value=3"), Value::Integer(3));
        let warned = |line: &str| match parse_line(line.as_bytes()).unwrap() {
            Line::WithWarning(o, why) => (o.map(|o| o.value), why),
            other => panic!("{other:?}"),
        };
        let (v, why) = warned("1.3.6.1.4.1.318.1|2:numeric|min=1,max=2,wrap=1,initial=2");
        assert_eq!(v, Some(Value::Integer(2)));
        assert!(why.contains("numeric variation: serving its initial value 2"), "{why}");
        assert_eq!(warned("1.3.6.1.2.1.1.3.0|67:numeric|rate=100").0, Some(Value::TimeTicks(0)));
        assert_eq!(
            warned("1.3.6.1.4.1.1|66:numeric|min=0,scale=95,function=cos,rate=0.001").0,
            Some(Value::Gauge32(0))
        );
        assert_eq!(warned("1.3.6.1.4.1.1|2:numeric|min=3.7").0, Some(Value::Integer(3)));
        assert_eq!(warned("1.3.6.1.4.1.1|2:delay|value=6,wait=100").0, Some(Value::Integer(6)));
        assert_eq!(warned("1.3.6.1.4.1.1|2:error|op=set,status=noaccess").0, None);
        let (v, why) = warned("1.3.6.1.2.1.1|:sql|snmprec");
        assert_eq!(v, None);
        assert!(why.contains("routes the subtree"), "{why}");
        assert!(warned("1.3.6.1.4.1.1|4:redis|key=1").1.contains("'redis' is not supported"));
        assert!(warned("1.3.6.1.4.1.1|128|").1.contains("did not exist"));
        assert!(warned("1.3.6.1.4.1.1|2:numeric|initial=abc").1.contains("numeric variation: initial"));
    }

    #[test]
    fn module_arguments() {
        assert_eq!(
            module_args(b"min=1,max=2,,3,flag"),
            vec![("min".into(), b"1".to_vec()), ("max".into(), b"2,3".to_vec()), ("flag".into(), Vec::new())]
        );
    }

    #[test]
    fn detection() {
        assert!(looks_like_snmprec(b"1.3.6.1.2.1.1.1.0|4|x"));
        assert!(!looks_like_snmprec(b".1.3.6.1.2.1.1.1.0 = STRING: \"a|b\""));
    }
}
