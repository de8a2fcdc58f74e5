//! Table index decoding for OID printing: splits the instance part of a column's OID per
//! the row's INDEX clause (integers, enums, IpAddress, fixed/variable/IMPLIED strings,
//! InetAddress after InetAddressType, OIDs) and renders it as net-snmp does.

use std::fmt::Write;

use crate::tree::{BaseType, Node, Tree};

fn printable(b: u32) -> bool {
    (0x20..=0x7e).contains(&b)
}

/// Renders a string index as net-snmp does: always quoted, bytes outside the printable
/// ASCII range shown as `.`, quotes not escaped.
fn string_part(subids: &[u32]) -> String {
    let mut s = String::with_capacity(subids.len() + 2);
    s.push('"');
    for &b in subids {
        s.push(if printable(b) { char::from_u32(b).unwrap_or('.') } else { '.' });
    }
    s.push('"');
    s
}

/// An InetAddress index after an InetAddressType index.
fn inet_address(addr_type: Option<u32>, bytes: &[u32]) -> Option<String> {
    match (addr_type, bytes.len()) {
        (Some(1), 4) | (Some(3), 8) => {
            let (ip, zone) = bytes.split_at(4);
            let mut s = format!("\"{}\"", ip.iter().map(u32::to_string).collect::<Vec<_>>().join("."));
            if let [a, b, c, d] = zone {
                s.pop();
                let z = (a << 24) | (b << 16) | (c << 8) | d;
                let _ = write!(s, "%{z}\"");
            }
            Some(s)
        }
        (Some(2), 16) | (Some(4), 20) => {
            let (ip, zone) = bytes.split_at(16);
            let hex: Vec<String> = ip.iter().map(|b| format!("{b:02x}")).collect();
            let mut s = format!("\"{}", hex.join(":"));
            if let [a, b, c, d] = zone {
                let z = (a << 24) | (b << 16) | (c << 8) | d;
                let _ = write!(s, "%{z}");
            }
            s.push('"');
            Some(s)
        }
        _ => None,
    }
}

/// Decodes `suffix` as the instance of column `col`; returns the text to append after the
/// column name (each part prefixed by `.`), or `None` when the suffix does not fit.
pub(crate) fn decode(tree: &Tree, col: &Node, suffix: &[u32]) -> Option<String> {
    let parent = col.oid.as_slice().split_last().map(|(_, p)| p)?;
    let row = tree.exact(parent)?;
    if row.index.is_empty() {
        return None;
    }
    let mut out = String::new();
    let mut rest = suffix;
    let mut prev_inet_type: Option<u32> = None;
    for (i, (name, implied)) in row.index.iter().enumerate() {
        let last = i + 1 == row.index.len();
        let idx = tree.by_module_name(&row.module, name).or_else(|| tree.by_name(name).next())?;
        let syn = idx.syntax.as_ref()?;
        out.push('.');
        let mut this_inet_type = None;
        match syn.base {
            BaseType::Integer
            | BaseType::Unsigned32
            | BaseType::Gauge32
            | BaseType::Counter32
            | BaseType::TimeTicks => {
                let (&v, r) = rest.split_first()?;
                rest = r;
                if syn.type_name == "InetAddressType" {
                    this_inet_type = Some(v);
                }
                // Index enums print as labels even under -Oe.
                match syn.enum_label(i64::from(v)) {
                    Some(l) => out.push_str(l),
                    None => {
                        let _ = write!(out, "{v}");
                    }
                }
            }
            BaseType::IpAddress => {
                let ip = rest.get(..4)?;
                rest = rest.get(4..)?;
                out.push_str(&ip.iter().map(u32::to_string).collect::<Vec<_>>().join("."));
            }
            BaseType::OctetString | BaseType::Bits | BaseType::Opaque => {
                let (bytes, r) = if *implied && last {
                    (rest, &[] as &[u32])
                } else if let Some(n) = syn.fixed_size() {
                    (rest.get(..n)?, rest.get(n..)?)
                } else {
                    let (&n, r) = rest.split_first()?;
                    let n = usize::try_from(n).ok()?;
                    (r.get(..n)?, r.get(n..)?)
                };
                rest = r;
                if bytes.iter().any(|b| *b > 255) {
                    return None;
                }
                let inet = if syn.type_name == "InetAddress" { inet_address(prev_inet_type, bytes) } else { None };
                out.push_str(&inet.unwrap_or_else(|| string_part(bytes)));
            }
            BaseType::ObjectIdentifier => {
                // net-snmp prints an OID index raw, length sub-identifier included.
                let (oid, r) = if *implied && last {
                    (rest, &[] as &[u32])
                } else {
                    let (&n, r) = rest.split_first()?;
                    let n = usize::try_from(n).ok()?;
                    let _ = r.get(..n)?;
                    rest.split_at_checked(n + 1)?
                };
                rest = r;
                out.push_str(&oid.iter().map(u32::to_string).collect::<Vec<_>>().join("."));
            }
            BaseType::Counter64 | BaseType::Other => return None,
        }
        prev_inet_type = this_inet_type;
    }
    for v in rest {
        let _ = write!(out, ".{v}");
    }
    Some(out)
}
