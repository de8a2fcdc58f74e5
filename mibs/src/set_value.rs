//! `snmpset` values from net-snmp's type letters (`i u t a o s x d n b`, `=` for the MIB
//! syntax), with net-snmp's parsing quirks (unsigned values wrap like `strtoul`,
//! `inet_addr` short forms) and its error texts.

use std::borrow::Cow;

use snmp::{Oid, Value};

use crate::tree::{BaseType, Node};
use crate::{Mib, MibError};

fn bad(text: &str) -> MibError {
    MibError::BadValue(text.to_string())
}

/// `strtoul`-like: optional sign, decimal digits, wraps modulo 2^32.
fn parse_wrapping_u32(text: &str) -> Result<u32, MibError> {
    let t = text.trim();
    let (neg, digits) = match t.strip_prefix('-') {
        Some(d) => (true, d),
        None => (false, t.strip_prefix('+').unwrap_or(t)),
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad(text));
    }
    let v = digits.parse::<u128>().unwrap_or(u128::MAX);
    let v = (v & 0xffff_ffff) as u32;
    Ok(if neg { v.wrapping_neg() } else { v })
}

/// `inet_addr`: `a.b.c.d`, `a.b.c` (c is 16 bits), `a.b` (b is 24 bits), `a` (32 bits).
fn parse_inet_addr(text: &str) -> Option<[u8; 4]> {
    let parts: Vec<u32> = text.split('.').map(|p| p.parse::<u32>().ok()).collect::<Option<Vec<_>>>()?;
    let v: u32 = match parts.as_slice() {
        [a] => *a,
        [a, b] if *a < 256 && *b < (1 << 24) => (a << 24) | b,
        [a, b, c] if *a < 256 && *b < 256 && *c < (1 << 16) => (a << 24) | (b << 16) | c,
        [a, b, c, d] if [a, b, c, d].iter().all(|x| **x < 256) => (a << 24) | (b << 16) | (c << 8) | d,
        _ => return None,
    };
    Some(v.to_be_bytes())
}

fn parse_hex(text: &str) -> Option<Vec<u8>> {
    let digits: Vec<u8> = text.bytes().filter(|b| !b.is_ascii_whitespace()).collect();
    if !digits.len().is_multiple_of(2) {
        return None;
    }
    digits.chunks(2).map(|c| u8::from_str_radix(std::str::from_utf8(c).ok()?, 16).ok()).collect()
}

fn parse_decimal_bytes(text: &str) -> Option<Vec<u8>> {
    text.split(|c: char| c == '.' || c.is_ascii_whitespace())
        .filter(|p| !p.is_empty())
        .map(|p| p.parse::<u8>().ok())
        .collect()
}

fn base_name(base: BaseType) -> &'static str {
    match base {
        BaseType::Integer => "INTEGER",
        BaseType::OctetString => "OCTET STRING",
        BaseType::ObjectIdentifier => "OBJECT IDENTIFIER",
        BaseType::Bits => "BITS",
        BaseType::IpAddress => "IpAddress",
        BaseType::Counter32 => "Counter32",
        BaseType::Gauge32 => "Gauge32",
        BaseType::Unsigned32 => "Unsigned32",
        BaseType::TimeTicks => "Timeticks",
        BaseType::Opaque => "Opaque",
        BaseType::Counter64 => "Counter64",
        BaseType::Other => "",
    }
}

/// net-snmp refuses a type letter that does not fit the MIB syntax of a known object.
fn check_type(node: Option<&Node>, letter: char) -> Result<(), MibError> {
    let Some(base) = node.and_then(|n| n.syntax.as_ref()).map(|s| s.base) else {
        return Ok(());
    };
    let (given, fits) = match letter {
        'i' => ("INTEGER", base == BaseType::Integer),
        'u' => ("Unsigned32", matches!(base, BaseType::Gauge32 | BaseType::Unsigned32)),
        't' => ("Timeticks", base == BaseType::TimeTicks),
        'a' => ("IpAddress", base == BaseType::IpAddress),
        'o' => ("OBJECT IDENTIFIER", base == BaseType::ObjectIdentifier),
        's' | 'x' | 'd' => ("OCTET STRING", matches!(base, BaseType::OctetString | BaseType::Bits | BaseType::Opaque)),
        'b' => ("BITS", base == BaseType::Bits),
        _ => return Ok(()),
    };
    if fits || base == BaseType::Other {
        Ok(())
    } else {
        Err(MibError::BadVariableType(format!("Type of attribute is {}, not {given}", base_name(base))))
    }
}

impl Mib {
    pub(crate) fn set_value(&self, oid: &Oid, type_char: char, text: &str) -> Result<Value<'static>, MibError> {
        let node = self
            .tree
            .exact(oid.as_slice())
            .or_else(|| self.tree.longest_prefix(oid.as_slice()).filter(|n| n.syntax.is_some()));
        let letter = if type_char == '=' {
            let Some(base) = node.and_then(|n| n.syntax.as_ref()).map(|s| s.base) else {
                return Err(MibError::BadVariableType("\"=\"".into()));
            };
            match base {
                BaseType::Integer => 'i',
                BaseType::Gauge32 | BaseType::Unsigned32 => 'u',
                BaseType::TimeTicks => 't',
                BaseType::IpAddress => 'a',
                BaseType::ObjectIdentifier => 'o',
                BaseType::Bits => 'b',
                BaseType::Counter32 => 'c',
                BaseType::Counter64 => 'C',
                BaseType::Opaque | BaseType::OctetString | BaseType::Other => 's',
            }
        } else {
            type_char
        };
        check_type(node, letter)?;
        match letter {
            'i' => self.integer_value(node, text),
            'u' => Ok(Value::Gauge32(parse_wrapping_u32(text)?)),
            't' => Ok(Value::TimeTicks(parse_wrapping_u32(text)?)),
            'a' => parse_inet_addr(text).map(Value::IpAddress).ok_or_else(|| bad(text)),
            'o' => Ok(Value::oid(self.parse_oid(text)?)),
            's' => Ok(Value::OctetString(Cow::Owned(text.as_bytes().to_vec()))),
            'x' => parse_hex(text).map(|b| Value::OctetString(Cow::Owned(b))).ok_or_else(|| bad(text)),
            'd' => parse_decimal_bytes(text).map(|b| Value::OctetString(Cow::Owned(b))).ok_or_else(|| bad(text)),
            'n' => Ok(Value::Null),
            'b' => self.bits_value(node, text),
            other => Err(MibError::BadType(other)),
        }
    }

    fn integer_value(&self, node: Option<&Node>, text: &str) -> Result<Value<'static>, MibError> {
        let syntax = node.and_then(|n| n.syntax.as_ref());
        if let Some(v) = syntax.and_then(|s| s.enum_value(text)) {
            return i32::try_from(v).map(Value::Integer).map_err(|_| MibError::OutOfRange(text.to_string()));
        }
        // `label(n)` as printed by snmpget is accepted too.
        let t = text.split_once('(').and_then(|(_, r)| r.strip_suffix(')')).unwrap_or(text);
        t.trim().parse::<i32>().map(Value::Integer).map_err(|_| MibError::OutOfRange(text.to_string()))
    }

    fn bits_value(&self, node: Option<&Node>, text: &str) -> Result<Value<'static>, MibError> {
        let syntax = node.and_then(|n| n.syntax.as_ref());
        let mut bytes: Vec<u8> = Vec::new();
        for p in text.split(|c: char| c == ',' || c.is_ascii_whitespace()).filter(|p| !p.is_empty()) {
            let bit = match p.parse::<u32>() {
                Ok(b) => b,
                Err(_) => {
                    syntax.and_then(|s| s.enum_value(p)).and_then(|v| u32::try_from(v).ok()).ok_or_else(|| bad(p))?
                }
            };
            let byte = usize::try_from(bit / 8).map_err(|_| bad(p))?;
            if byte >= 4096 {
                return Err(bad(p));
            }
            if bytes.len() <= byte {
                bytes.resize(byte + 1, 0);
            }
            if let Some(b) = bytes.get_mut(byte) {
                *b |= 0x80 >> (bit % 8);
            }
        }
        Ok(Value::OctetString(Cow::Owned(bytes)))
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]
mod tests {
    use super::*;

    #[test]
    fn type_letters_checked_against_mib() {
        let m = Mib::builtin();
        let oid = |s: &str| m.parse_oid(s).unwrap();
        let e =
            |o: &str, t: char, v: &str| m.value_for_set(&oid(o), t, v).err().map(|e| e.to_string()).unwrap_or_default();
        assert_eq!(e("sysContact.0", 'i', "5"), "Bad variable type (Type of attribute is OCTET STRING, not INTEGER)");
        assert_eq!(e("ifSpeed.1", 't', "5"), "Bad variable type (Type of attribute is Gauge32, not Timeticks)");
        assert_eq!(e("ifInOctets.1", 'u', "5"), "Bad variable type (Type of attribute is Counter32, not Unsigned32)");
        assert_eq!(e("ifAdminStatus.1", '=', "bogus"), "Value out of range (bogus)");
        assert_eq!(m.value_for_set(&oid("ifAdminStatus.1"), '=', "up"), Ok(Value::Integer(1)));
        assert_eq!(m.value_for_set(&oid("sysName.0"), '=', "abc"), Ok(Value::OctetString(Cow::Borrowed(b"abc"))));
        assert_eq!(e("1.3.6.1.9.9.0", '=', "5"), "Bad variable type (\"=\")");
        assert_eq!(e("sysLocation.0", 'x', "0g"), "Bad value notation (0g)");
        assert_eq!(e("sysLocation.0", 'c', "5"), "Bad object type: c");
    }

    #[test]
    fn unsigned_wraps_like_strtoul() {
        assert_eq!(parse_wrapping_u32("-1").ok(), Some(u32::MAX));
        assert_eq!(parse_wrapping_u32("4294967296").ok(), Some(0));
        assert!(parse_wrapping_u32("x").is_err());
        assert!(parse_wrapping_u32("0x10").is_err());
    }

    #[test]
    fn inet_addr_short_forms() {
        assert_eq!(parse_inet_addr("1.2.3"), Some([1, 2, 0, 3]));
        assert_eq!(parse_inet_addr("127.0.0.1"), Some([127, 0, 0, 1]));
        assert_eq!(parse_inet_addr("300.1.1.1"), None);
        assert_eq!(parse_inet_addr("1.2.3.4.5"), None);
    }

    #[test]
    fn hex_and_decimal() {
        assert_eq!(parse_hex("00 11"), Some(vec![0, 0x11]));
        assert_eq!(parse_hex("1"), None);
        assert_eq!(parse_hex("0g"), None);
        assert_eq!(parse_decimal_bytes("1.2.3"), Some(vec![1, 2, 3]));
        assert_eq!(parse_decimal_bytes("256"), None);
    }
}
