//! OID <-> text: net-snmp's `snmp_parse_oid` rules for input (numeric, `MODULE::name`,
//! random-access `name.index`, paths from the root like `iso.3.6.1` or `.iso.org.dod`,
//! quoted string indexes) and its `-O n/f/s` and default `MODULE::name.index` output.

use std::fmt::Write;

use snmp::Oid;

use crate::tree::{BaseType, Node, ObjectKind, Tree};
use crate::{MibError, OidStyle, OutputOptions, index};

const MAX_SUB_IDS: usize = 128;

/// Splits `a.b."x.y".c` at dots outside quotes.
fn components(s: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut quote: Option<char> = None;
    for (i, c) in s.char_indices() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') => quote = Some(c),
            (None, '.') => {
                out.push(s.get(start..i).unwrap_or(""));
                start = i + 1;
            }
            _ => {}
        }
    }
    out.push(s.get(start..).unwrap_or(""));
    out
}

/// The text from component `k` on (what net-snmp quotes in its error).
fn remainder(parts: &[&str], k: usize) -> String {
    parts.get(k..).unwrap_or_default().join(".")
}

fn push_checked(oid: &mut Oid, v: u32, parts: &[&str], k: usize) -> Result<(), MibError> {
    if oid.len() >= MAX_SUB_IDS {
        return Err(MibError::BadSubId(remainder(parts, k)));
    }
    oid.push(v);
    Ok(())
}

/// The INDEX objects of the row above a column node, with "is integer-like" flags.
fn index_kinds(tree: &Tree, col: &Node) -> Vec<(String, bool)> {
    if col.kind != ObjectKind::Column {
        return Vec::new();
    }
    let Some(row) = col.oid.as_slice().split_last().and_then(|(_, p)| tree.exact(p)) else {
        return Vec::new();
    };
    row.index
        .iter()
        .map(|(name, _)| {
            let int = tree
                .by_module_name(&row.module, name)
                .or_else(|| tree.by_name(name).next())
                .and_then(|n| n.syntax.as_ref())
                .is_some_and(|s| {
                    matches!(
                        s.base,
                        BaseType::Integer
                            | BaseType::Unsigned32
                            | BaseType::Gauge32
                            | BaseType::Counter32
                            | BaseType::TimeTicks
                    )
                });
            (name.clone(), int)
        })
        .collect()
}

/// Appends index components (numbers and quoted strings) to `oid`; `kinds` are the
/// column's INDEX objects, used for net-snmp's "Index out of range" refusal.
fn parse_index(oid: &mut Oid, parts: &[&str], from: usize, kinds: &[(String, bool)]) -> Result<(), MibError> {
    for (k, p) in parts.iter().enumerate().skip(from) {
        if let Some((name, true)) = kinds.get(k - from)
            && p.parse::<u32>().is_err()
        {
            return Err(MibError::IndexOutOfRange(format!("{p} ({name})")));
        }
        if let Ok(v) = p.parse::<u32>() {
            push_checked(oid, v, parts, k)?;
        } else if let Some(body) = p.strip_prefix('"').and_then(|b| b.strip_suffix('"')).filter(|_| p.len() >= 2) {
            let len = u32::try_from(body.len()).map_err(|_| MibError::BadSubId(remainder(parts, k)))?;
            push_checked(oid, len, parts, k)?;
            for b in body.bytes() {
                push_checked(oid, u32::from(b), parts, k)?;
            }
        } else if let Some(body) = p.strip_prefix('\'').and_then(|b| b.strip_suffix('\'')).filter(|_| p.len() >= 2) {
            for b in body.bytes() {
                push_checked(oid, u32::from(b), parts, k)?;
            }
        } else {
            return Err(MibError::BadSubId(remainder(parts, k)));
        }
    }
    Ok(())
}

pub(crate) fn parse(tree: &Tree, text: &str) -> Result<Oid, MibError> {
    if let Some((module, rest)) = text.split_once("::") {
        if !tree.has_module(module) {
            return Err(MibError::UnknownModule(module.to_string()));
        }
        let parts = components(rest);
        let name = parts.first().copied().unwrap_or("");
        let node = tree.by_module_name(module, name).ok_or_else(|| MibError::UnknownModule(module.to_string()))?;
        let mut oid = node.oid.clone();
        parse_index(&mut oid, &parts, 1, &index_kinds(tree, node))?;
        return Ok(oid);
    }
    let body = text.strip_prefix('.').unwrap_or(text);
    let parts = components(body);
    let first = parts.first().copied().unwrap_or("");
    let is_root = tree.exact(&[0]).into_iter().chain(tree.exact(&[1])).chain(tree.exact(&[2])).any(|n| n.name == first);
    if first.parse::<u32>().is_ok() || is_root {
        // A path from the root: numbers, or names of children of the node reached so far.
        let mut oid = Oid::new();
        for (k, p) in parts.iter().enumerate() {
            if let Ok(v) = p.parse::<u32>() {
                push_checked(&mut oid, v, &parts, k)?;
                continue;
            }
            let child = tree
                .nodes()
                .iter()
                .find(|n| n.name == *p && n.oid.len() == oid.len() + 1 && n.oid.as_slice().starts_with(oid.as_slice()));
            match child {
                Some(n) => oid = n.oid.clone(),
                None if p.starts_with('"') || p.starts_with('\'') => {
                    parse_index(&mut oid, &parts, k, &[])?;
                    return Ok(oid);
                }
                None => match tree.exact(oid.as_slice()) {
                    Some(parent) if k > 0 => {
                        return Err(MibError::NotAChild(format!("{} -> {p}", parent.name)));
                    }
                    _ => return Err(MibError::BadSubId(remainder(&parts, k))),
                },
            }
        }
        return Ok(oid);
    }
    let node = tree.by_name(first).next().ok_or_else(|| MibError::UnknownName(first.to_string()))?;
    let mut oid = node.oid.clone();
    parse_index(&mut oid, &parts, 1, &index_kinds(tree, node))?;
    Ok(oid)
}

fn numeric_tail(out: &mut String, subids: &[u32]) {
    for v in subids {
        let _ = write!(out, ".{v}");
    }
}

pub(crate) fn format(tree: &Tree, oid: &Oid, opts: &OutputOptions) -> String {
    let subids = oid.as_slice();
    let mut out = String::new();
    if opts.oid_style == OidStyle::Numeric {
        if subids.is_empty() {
            return ".".into();
        }
        numeric_tail(&mut out, subids);
        return out;
    }
    let Some(node) = tree.longest_prefix(subids) else {
        numeric_tail(&mut out, subids);
        return out;
    };
    let suffix = subids.get(node.oid.len()..).unwrap_or_default();
    match opts.oid_style {
        OidStyle::Full => {
            for k in 1..=node.oid.len() {
                out.push('.');
                match subids.get(..k).and_then(|p| tree.exact(p)) {
                    Some(n) => out.push_str(&n.name),
                    None => {
                        let _ = write!(out, "{}", subids.get(k - 1).copied().unwrap_or(0));
                    }
                }
            }
        }
        OidStyle::Module if !node.module.is_empty() => {
            out.push_str(&node.module);
            out.push_str("::");
            out.push_str(&node.name);
        }
        _ => out.push_str(&node.name),
    }
    let decoded =
        if node.kind == ObjectKind::Column && !suffix.is_empty() { index::decode(tree, node, suffix) } else { None };
    match decoded {
        Some(d) => out.push_str(&d),
        None => numeric_tail(&mut out, suffix),
    }
    out
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]
mod tests {
    use super::*;

    #[test]
    fn splits_outside_quotes() {
        assert_eq!(components("a.\"x.y\".1"), vec!["a", "\"x.y\"", "1"]);
        assert_eq!(components("1..3"), vec!["1", "", "3"]);
    }

    #[test]
    fn numeric_errors_quote_the_rest() {
        let t = Tree::default();
        let e = |s: &str| parse(&t, s).err().map(|e| e.to_string()).unwrap_or_default();
        assert_eq!(e("1.3.6.x.9"), "Unknown Object Identifier (x.9)");
        assert_eq!(e("1..3"), "Unknown Object Identifier (.3)");
        assert_eq!(e(".1.3.6.1.9.1."), "Unknown Object Identifier ()");
        assert_eq!(e("1.3.6.1.9.-1"), "Unknown Object Identifier (-1)");
        assert_eq!(e("sysDescrx.0"), "Unknown Object Identifier (Sub-id not found: (top) -> sysDescrx)");
        assert_eq!(e(""), "Unknown Object Identifier (Sub-id not found: (top) -> )");
    }
}
