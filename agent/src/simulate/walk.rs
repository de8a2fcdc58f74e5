//! `snmpwalk -On` output as a recording: `.OID = TYPE: VALUE` lines, as Net-SNMP 5.9 prints
//! them.
//!
//! Every value printout is read back to the value it came from: `STRING: "..."` (quotes and
//! backslashes escaped with `\`; a string holding newlines goes on over the following
//! lines), `Hex-STRING:` (16 bytes a line), `""` (an empty string), `INTEGER:`, `Counter32:`,
//! `Counter64:`, `Gauge32:`, `Timeticks: (N) ...`, `IpAddress:`, `Network Address:`,
//! `OID:`, `Opaque: Float:` / `Opaque: Double:`, `OPAQUE:` (hex), `NULL`, and
//! `Wrong Type (should be ...):` in front of any of them. `No Such Object/Instance...` and
//! `No more variables...` lines record no object and are skipped.
//!
//! Walks printed with MIBs loaded (`-m ALL -On`, `-OnU`, `-Oen`) are read too: enums
//! `name(3)`, units after numbers (`INTEGER: 5 seconds`), unquoted DisplayStrings
//! (`STRING: text`, over the following lines up to the next line that starts a record:
//! a line inside such a string that looks like a record is taken for one) and
//! `BITS: A0 name(0) name(2)`. Other display hints (a PhysAddress
//! printed `STRING: 0:c:29:...`, DateAndTime) print text that no longer says what the bytes
//! were: that text is what is served. For byte-exact recordings walk without MIBs
//! (`MIBS= snmpwalk -v2c -On ...`), the form the tests use. OIDs must be numeric (`-On`),
//! and every value needs its type (not `-Oq`, `-OQ` or `-Ot`).

use std::borrow::Cow;
use std::net::Ipv4Addr;

use snmp::{Oid, Value, VarBind};

use super::record::{Entry, LoadError, Parsed};

/// Parses a whole walk.
pub fn parse(file: &str, bytes: &[u8]) -> Result<Parsed, LoadError> {
    // A walk saved with CRLF line ends has them on every line; a value holding "\r\n" (a
    // sysDescr, say) puts one on some lines only, and keeps it.
    let crlf = bytes.split(|b| *b == b'\n').filter(|l| !l.is_empty()).all(|l| l.ends_with(b"\r"));
    let lines: Vec<&[u8]> =
        bytes.split(|b| *b == b'\n').map(|l| if crlf { l.strip_suffix(b"\r").unwrap_or(l) } else { l }).collect();
    let error = |line: usize, reason: String| LoadError::Line { file: file.to_string(), line, reason };
    let mut parsed = Parsed::default();
    let mut i = 0;
    while let Some(&line) = lines.get(i) {
        let line_no = i + 1;
        i += 1;
        if line.trim_ascii().is_empty() {
            continue;
        }
        let (oid, rest) = record_start(line).map_err(|reason| error(line_no, reason))?;
        let following = lines.get(i..).unwrap_or_default();
        let (text, consumed) = gather(rest, following).map_err(|reason| error(line_no, reason))?;
        i += consumed;
        let value = match text {
            ValueText::Quoted(content) => Some(Value::string(content)),
            ValueText::Printed(printed) => parse_value(&printed).map_err(|reason| error(line_no, reason))?,
        };
        if let Some(value) = value {
            parsed.entries.push(Entry { line: line_no, object: VarBind::new(oid, value) });
        }
    }
    Ok(parsed)
}

/// Splits `.1.3.6... = REST` into the OID and REST.
fn record_start(line: &[u8]) -> Result<(Oid, &[u8]), String> {
    let Some(eq) = find(line, b" = ") else {
        return Err(format!("expected `.OID = TYPE: VALUE`, found {:?}", shorten(line)));
    };
    let (left, rest) = (line.get(..eq).unwrap_or_default(), line.get(eq + 3..).unwrap_or_default());
    if !is_numeric_oid(left) {
        return Err(format!(
            "OID {:?} is not numeric: record with `snmpwalk -On` (or -Onf...)",
            String::from_utf8_lossy(left)
        ));
    }
    let text = std::str::from_utf8(left).map_err(|_| "the OID is not text".to_string())?;
    let oid = text.parse().map_err(|e| format!("bad OID {text:?}: {e}"))?;
    Ok((oid, rest))
}

fn is_numeric_oid(text: &[u8]) -> bool {
    let body = text.strip_prefix(b".").unwrap_or(text);
    !body.is_empty() && body.iter().all(|b| b.is_ascii_digit() || *b == b'.')
}

fn is_record_start(line: &[u8]) -> bool {
    find(line, b" = ").and_then(|eq| line.get(..eq)).is_some_and(is_numeric_oid)
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

fn shorten(line: &[u8]) -> String {
    let s = String::from_utf8_lossy(line);
    if s.chars().count() > 60 { format!("{}...", s.chars().take(60).collect::<String>()) } else { s.into_owned() }
}

/// The `Wrong Type (should be X): ` that Net-SNMP puts before a value whose type is not the
/// one its MIB says.
fn strip_wrong_type(rest: &[u8]) -> &[u8] {
    if rest.starts_with(b"Wrong Type (should be ")
        && let Some(end) = find(rest, b"): ")
    {
        return rest.get(end + 3..).unwrap_or_default();
    }
    rest
}

/// A record's value as [`gather`] found it.
enum ValueText<'a> {
    /// A `STRING: "..."`, unescaped: the string's bytes.
    Quoted(Vec<u8>),
    /// Any other printout, continuation lines joined.
    Printed(Cow<'a, [u8]>),
}

/// The whole value text of a record: a quoted string runs to its closing quote, over as many
/// lines as it takes; hex, BITS and unquoted strings go on over the following lines that do
/// not start a record. Returns the text and how many following lines it took.
fn gather<'a>(rest: &'a [u8], following: &[&[u8]]) -> Result<(ValueText<'a>, usize), String> {
    let value = strip_wrong_type(rest);
    if let Some(quoted) = value.strip_prefix(b"STRING: \"") {
        return gather_quoted(quoted, following);
    }
    let separator: &[u8] = if value.starts_with(b"STRING:") {
        b"\n"
    } else if [&b"Hex-STRING:"[..], b"BITS:", b"OPAQUE:", b"Network Address:"].iter().any(|p| value.starts_with(p)) {
        b" "
    } else {
        return Ok((ValueText::Printed(Cow::Borrowed(value)), 0));
    };
    let more = following.iter().take_while(|l| !l.trim_ascii().is_empty() && !is_record_start(l)).count();
    if more == 0 {
        return Ok((ValueText::Printed(Cow::Borrowed(value)), 0));
    }
    let mut text = value.to_vec();
    for line in following.iter().take(more) {
        text.extend_from_slice(separator);
        text.extend_from_slice(line);
    }
    Ok((ValueText::Printed(Cow::Owned(text)), more))
}

/// A `STRING: "` value: unescapes `\"` and `\\` up to the closing quote, which must end a line.
fn gather_quoted<'a>(first: &[u8], following: &[&[u8]]) -> Result<(ValueText<'a>, usize), String> {
    let mut content = Vec::with_capacity(first.len());
    let mut line = first;
    let mut consumed = 0;
    loop {
        let mut bytes = line.iter();
        while let Some(&b) = bytes.next() {
            match b {
                b'\\' => content.push(*bytes.next().unwrap_or(&b'\\')),
                b'"' => {
                    let after = bytes.as_slice();
                    if !after.trim_ascii().is_empty() {
                        return Err(format!("text after the closing quote: {:?}", shorten(after)));
                    }
                    return Ok((ValueText::Quoted(content), consumed));
                }
                other => content.push(other),
            }
        }
        let Some(next) = following.get(consumed) else {
            return Err("the string's closing quote is missing".into());
        };
        content.push(b'\n');
        line = next;
        consumed += 1;
    }
}

/// Reads one value printout; `None` for the exception lines that record no object.
fn parse_value(text: &[u8]) -> Result<Option<Value<'static>>, String> {
    let text = strip_wrong_type(text);
    if text == b"\"\"" {
        return Ok(Some(Value::string(Vec::new())));
    }
    if text == b"NULL" {
        return Ok(Some(Value::Null));
    }
    if text.starts_with(b"No Such Object available")
        || text.starts_with(b"No Such Instance currently exists")
        || text.starts_with(b"No more variables left in this MIB View")
    {
        return Ok(None);
    }
    let Some(colon) = text.iter().position(|b| *b == b':') else {
        return Err(format!(
            "value {:?} has no type (recorded with -Oq, -OQ or -Ot? record with `snmpwalk -On`)",
            shorten(text)
        ));
    };
    let kind = String::from_utf8_lossy(text.get(..colon).unwrap_or_default()).into_owned();
    let after = text.get(colon + 1..).unwrap_or_default();
    let body = after.strip_prefix(b" ").unwrap_or(after);
    let body_text = || std::str::from_utf8(body).map(str::trim).map_err(|_| format!("{kind}: the value is not text"));
    let value = match kind.as_str() {
        "STRING" => Value::string(body.to_vec()),
        "Hex-STRING" => Value::string(hex_bytes(body_text()?)?),
        "INTEGER" => Value::Integer(integer(body_text()?, &kind)?),
        "Counter32" => Value::Counter32(integer(body_text()?, &kind)?),
        "Gauge32" | "Unsigned32" => Value::Gauge32(integer(body_text()?, &kind)?),
        "Counter64" => Value::Counter64(integer(body_text()?, &kind)?),
        "Timeticks" => Value::TimeTicks(timeticks(body_text()?)?),
        "IpAddress" => {
            let s = body_text()?;
            let ip: Ipv4Addr = s.parse().map_err(|_| format!("IpAddress: {s:?} is not an IPv4 address"))?;
            Value::IpAddress(ip.octets())
        }
        "Network Address" => {
            let s = body_text()?;
            let bytes = hex_bytes(&s.replace(':', " "))?;
            Value::IpAddress(
                <[u8; 4]>::try_from(bytes.as_slice()).map_err(|_| format!("Network Address: {s:?} is not 4 bytes"))?,
            )
        }
        "OID" => {
            let s = body_text()?;
            if !is_numeric_oid(s.as_bytes()) {
                return Err(format!("OID value {s:?} is not numeric: record with `snmpwalk -On`"));
            }
            Value::oid(s.parse().map_err(|e| format!("bad OID value {s:?}: {e}"))?)
        }
        "Opaque" => Value::Opaque(opaque(body_text()?)?.into()),
        "OPAQUE" => Value::Opaque(hex_bytes(body_text()?)?.into()),
        "BITS" => Value::string(bits(body_text()?)?),
        other => return Err(format!("unknown value type {other:?}")),
    };
    Ok(Some(value))
}

/// Space-separated hex bytes (`00 1A FF`).
fn hex_bytes(s: &str) -> Result<Vec<u8>, String> {
    s.split_ascii_whitespace()
        .map(|t| {
            if t.len() != 2 {
                return Err(format!("{t:?} is not a hex byte"));
            }
            u8::from_str_radix(t, 16).map_err(|_| format!("{t:?} is not a hex byte"))
        })
        .collect()
}

/// A number, an enum `name(N)` (N is the number), or a number followed by units.
fn integer<T: TryFrom<i128>>(s: &str, kind: &str) -> Result<T, String> {
    let digits = match s.strip_suffix(')').and_then(|t| t.rsplit_once('(')) {
        Some((name, n)) if !name.is_empty() && !name.contains(' ') => n,
        _ => s.split_once(' ').map_or(s, |(n, _units)| n),
    };
    let n: i128 = digits.parse().map_err(|_| {
        format!("{kind}: {s:?} is not a number (a value printed through a MIB display hint? record without MIBs)")
    })?;
    T::try_from(n).map_err(|_| format!("{kind}: {n} is out of range"))
}

/// `(12345) 0:02:03.45`, or a bare `12345`.
fn timeticks(s: &str) -> Result<u32, String> {
    let raw = match s.strip_prefix('(').and_then(|t| t.split_once(')')) {
        Some((n, _)) => n,
        None => s,
    };
    raw.parse().map_err(|_| format!("Timeticks: {s:?} is not (N) ..."))
}

/// Net-SNMP prints an Opaque holding a float or double (RFC 2579's opaque-wrapped types) as
/// `Float: 1.500000`; these rebuild that wrapping: tag 9f78 (float) or 9f79 (double). The
/// printout has six decimals, so the served float is the nearest one to the printed text.
fn opaque(s: &str) -> Result<Vec<u8>, String> {
    if let Some(f) = s.strip_prefix("Float: ") {
        let v: f32 = f.trim().parse().map_err(|_| format!("Opaque: {f:?} is not a float"))?;
        let mut out = vec![0x9f, 0x78, 4];
        out.extend_from_slice(&v.to_be_bytes());
        return Ok(out);
    }
    if let Some(d) = s.strip_prefix("Double: ") {
        let v: f64 = d.trim().parse().map_err(|_| format!("Opaque: {d:?} is not a double"))?;
        let mut out = vec![0x9f, 0x79, 8];
        out.extend_from_slice(&v.to_be_bytes());
        return Ok(out);
    }
    hex_bytes(s).map_err(|_| format!("Opaque: {s:?} is not a printout this reader knows"))
}

/// `BITS: A0 0 2` (or `A0 name(0) name(2)`): the leading hex bytes are the value; the set
/// bits listed after them tell where the bytes end, as bit numbers may look like hex bytes.
fn bits(s: &str) -> Result<Vec<u8>, String> {
    let tokens: Vec<&str> = s.split_ascii_whitespace().collect();
    let bit_of = |t: &str| -> Option<usize> {
        let n = match t.strip_suffix(')').and_then(|x| x.rsplit_once('(')) {
            Some((_, n)) => n,
            None => t,
        };
        n.parse().ok()
    };
    for split in (0..=tokens.len()).rev() {
        let (hex, names) = tokens.split_at(split);
        let Ok(bytes) = hex_bytes(&hex.join(" ")) else { continue };
        let Some(listed) = names.iter().map(|t| bit_of(t)).collect::<Option<Vec<usize>>>() else { continue };
        let set: Vec<usize> =
            (0..bytes.len() * 8).filter(|i| bytes.get(i / 8).is_some_and(|b| b & (0x80 >> (i % 8)) != 0)).collect();
        if set == listed {
            return Ok(bytes);
        }
    }
    Err(format!("BITS: {s:?} is not hex bytes followed by the bits they set"))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;

    fn values(text: &str) -> Vec<(String, Value<'static>)> {
        parse("walk.txt", text.as_bytes())
            .unwrap()
            .entries
            .into_iter()
            .map(|e| (e.object.oid.to_string(), e.object.value))
            .collect()
    }

    fn one(line: &str) -> Value<'static> {
        let v = values(line);
        assert_eq!(v.len(), 1, "{line}");
        v[0].1.clone()
    }

    #[test]
    fn every_printout() {
        assert_eq!(one(".1.3.6.1.2.1.1.1.0 = STRING: \"Linux vm 6.1\""), Value::string(b"Linux vm 6.1".to_vec()));
        assert_eq!(
            one(".1.3.6.1.2.1.1.1.0 = STRING: \"he said \\\"hi\\\" \\\\ ok\""),
            Value::string(b"he said \"hi\" \\ ok".to_vec())
        );
        assert_eq!(one(".1.3.6.1.2.1.2.2.1.6.1 = \"\""), Value::string(Vec::new()));
        assert_eq!(
            one(".1.3.6.1.2.1.2.2.1.6.2 = Hex-STRING: AA D0 DB E8 B8 4E "),
            Value::string(vec![0xaa, 0xd0, 0xdb, 0xe8, 0xb8, 0x4e])
        );
        assert_eq!(one(".1.3.6.1.2.1.2.2.1.1.1 = INTEGER: -7"), Value::Integer(-7));
        assert_eq!(one(".1.3.6.1.2.1.2.2.1.7.1 = INTEGER: up(1)"), Value::Integer(1));
        assert_eq!(one(".1.3.6.1.2.1.4.13.0 = INTEGER: 0 seconds"), Value::Integer(0));
        assert_eq!(one(".1.3.6.1.2.1.2.2.1.10.1 = Counter32: 4294967295"), Value::Counter32(u32::MAX));
        assert_eq!(one(".1.3.6.1.2.1.31.1.1.1.6.1 = Counter64: 18446744073709551615"), Value::Counter64(u64::MAX));
        assert_eq!(one(".1.3.6.1.2.1.4.31.1.1.47.1 = Gauge32: 60000 milli-seconds"), Value::Gauge32(60000));
        assert_eq!(one(".1.3.6.1.2.1.1.3.0 = Timeticks: (1790) 0:00:17.90"), Value::TimeTicks(1790));
        assert_eq!(one(".1.3.6.1.2.1.4.20.1.1.127.0.0.1 = IpAddress: 127.0.0.1"), Value::IpAddress([127, 0, 0, 1]));
        assert_eq!(one(".1.3.6.1.2.1.3.1.1.3.1 = Network Address: 0A:00:00:01"), Value::IpAddress([10, 0, 0, 1]));
        assert_eq!(
            one(".1.3.6.1.2.1.1.2.0 = OID: .1.3.6.1.4.1.8072.3.2.10"),
            Value::oid("1.3.6.1.4.1.8072.3.2.10".parse().unwrap())
        );
        assert_eq!(
            one(".1.3.6.1.4.1.2021.10.1.6.1 = Opaque: Float: 1.500000"),
            Value::Opaque(vec![0x9f, 0x78, 4, 0x3f, 0xc0, 0, 0].into())
        );
        assert_eq!(one(".1.3.6.1.4.1.1.1 = OPAQUE: 01 02"), Value::Opaque(vec![1, 2].into()));
        assert_eq!(one(".1.3.6.1.4.1.1.1 = NULL"), Value::Null);
        assert_eq!(one(".1.3.6.1.4.1.1.1 = Wrong Type (should be Gauge32): INTEGER: 5"), Value::Integer(5));
        assert_eq!(
            one(".1.3.6.1.4.1.8072.1.2.1.1.5.0.1.0.0 = BITS: A0 getAndGetNext(0) getBulk(2) "),
            Value::string(vec![0xa0])
        );
        assert_eq!(one(".1.3.6.1.4.1.8072.1.2.1.1.5.0.1.0.0 = BITS: A0 0 2 "), Value::string(vec![0xa0]));
        // Bit numbers that look like hex bytes: 0x12 0x00 sets bits 3 and 6.
        assert_eq!(one(".1.3.6.1.4.1.1.1 = BITS: 12 00 3 6 "), Value::string(vec![0x12, 0]));
        assert_eq!(
            one(".1.3.6.1.2.1.1.1.0 = STRING: Linux vm 6.1 #1 SMP"),
            Value::string(b"Linux vm 6.1 #1 SMP".to_vec())
        );
        assert_eq!(one(".1.3.6.1.2.1.2.2.1.6.1 = STRING: "), Value::string(Vec::new()));
        assert_eq!(
            one("1.3.6.1.2.1.1.5.0 = STRING: \"no leading dot\"").clone(),
            Value::string(b"no leading dot".to_vec())
        );
    }

    #[test]
    fn multi_line_values() {
        let text = ".1.3.6.1.4.1.8072.1.3.2.3.1.2.1.97 = STRING: \"line one\nhe said \\\"hi\\\"\n\tTabbed\n.1.3.6.1.2 = STRING: \\\"fake\\\"\"\n\
                    .1.3.6.1.4.1.8072.1.3.2.3.1.2.1.98 = Hex-STRING: 90 0C 24 3D A0 D1 D8 34 7E D6 EC 0F B4 D5 A8 C5 \n\
                    BE 62 \n\
                    .1.3.6.1.4.1.8072.1.3.2.3.1.2.1.99 = \"\"\n";
        let v = values(text);
        assert_eq!(v.len(), 3);
        assert_eq!(
            v[0].1,
            Value::string(b"line one\nhe said \"hi\"\n\tTabbed\n.1.3.6.1.2 = STRING: \"fake\"".to_vec())
        );
        assert_eq!(
            v[1].1,
            Value::string(vec![
                0x90, 0x0c, 0x24, 0x3d, 0xa0, 0xd1, 0xd8, 0x34, 0x7e, 0xd6, 0xec, 0x0f, 0xb4, 0xd5, 0xa8, 0xc5, 0xbe,
                0x62
            ])
        );
        assert_eq!(v[2].0, "1.3.6.1.4.1.8072.1.3.2.3.1.2.1.99");
    }

    #[test]
    fn exception_lines_are_skipped() {
        let v = values(
            ".1.3.6.1.2.1.1.1.0 = STRING: \"a\"\n.1.3.6.1.2.1.99.0 = No Such Object available on this agent at this OID\n\
             .1.3.6.1.2.1.1.9.0 = No Such Instance currently exists at this OID\n\
             .1.3.6.1.2.1.1.1.0 = No more variables left in this MIB View (It is past the end of the MIB tree)\n",
        );
        assert_eq!(v.len(), 1);
    }

    #[test]
    fn bad_lines_name_file_line_and_reason() {
        let err = |text: &str| parse("w.txt", text.as_bytes()).unwrap_err().to_string();
        assert_eq!(
            err(".1.3.6.1.2.1.1.1.0 = STRING: \"a\"\n\ngarbage here\n"),
            "w.txt:3: expected `.OID = TYPE: VALUE`, found \"garbage here\""
        );
        assert!(
            err("SNMPv2-MIB::sysDescr.0 = STRING: x")
                .starts_with("w.txt:1: OID \"SNMPv2-MIB::sysDescr.0\" is not numeric")
        );
        assert!(err(".1.3.6.1.2.1.1.3.0 = 1862").contains("has no type"));
        assert!(err(".1.3.6.1.2.1.1.3.0 = Timeticks: 0:00:18.62").contains("Timeticks"));
        assert!(
            err(".1.3.6.1.2.1.1.1.0 = STRING: \"open\nstill open")
                .starts_with("w.txt:1: the string's closing quote is missing")
        );
        assert!(err(".1.3.6.1.2.1.1.1.0 = STRING: \"a\" b").contains("after the closing quote"));
        assert!(err(".1.3.6.1.2.1.1.1.0 = Hex-STRING: 0G").contains("not a hex byte"));
        assert!(err(".1.3.6.1.2.1.1.1.0 = INTEGER: 12.5").contains("display hint"));
        assert!(err(".1.3.6.1.2.1.1.1.0 = Counter32: 4294967296").contains("out of range"));
        assert!(err(".1.3.6.1.2.1.1.1.0 = Frobnicator: 1").contains("unknown value type"));
        assert!(err(".1.3.6.1.2.1.1.2.0 = OID: SNMPv2-SMI::enterprises").contains("not numeric"));
        assert!(err(".1.3.6.1.2.1.1.1.0 = BITS: 80 5").contains("BITS"));
    }

    #[test]
    fn carriage_returns_inside_strings_are_kept() {
        let v = values(
            ".1.3.6.1.2.1.1.1.0 = STRING: \"S5720\r\nHuawei\r\n\"\n.1.3.6.1.2.1.1.3.0 = Timeticks: (5) 0:00:00.05\n",
        );
        assert_eq!(v[0].1, Value::string(b"S5720\r\nHuawei\r\n".to_vec()));
    }

    #[test]
    fn crlf_walks() {
        let v = values(".1.3.6.1.2.1.1.5.0 = STRING: \"a\"\r\n.1.3.6.1.2.1.1.3.0 = Timeticks: (5) 0:00:00.05\r\n");
        assert_eq!(v[0].1, Value::string(b"a".to_vec()));
        assert_eq!(v[1].1, Value::TimeTicks(5));
    }
}
