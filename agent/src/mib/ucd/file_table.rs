//! fileTable (UCD-SNMP-MIB `.15`) from the `file FILE [MAXSIZE]` lines, as snmpd serves it:
//! each file's size in whole kilobytes (0 when it cannot be read), its maximum (-1 without
//! one), and fileErrorFlag/fileErrorMsg when the size exceeds the maximum.

use super::{Builder, int, text, ucd};
use crate::config::FileRule;
use crate::view::View;

pub fn view(rules: &[FileRule]) -> View {
    let sizes: Vec<u64> = rules.iter().map(|r| std::fs::metadata(&r.path).map_or(0, |m| m.len() / 1024)).collect();
    build(rules, &sizes)
}

/// The table for `rules` whose files measure `sizes` kilobytes.
pub fn build(rules: &[FileRule], sizes: &[u64]) -> View {
    let entry = ucd(&[15, 1]);
    let mut b = Builder::default();
    for column in [1, 2, 3, 4, 100, 101] {
        b.object(entry.child(&[column]));
    }
    for (i, (rule, size)) in rules.iter().zip(sizes).enumerate() {
        let index = i as u32 + 1;
        let exceeded = rule.max.is_some_and(|max| *size > max);
        b.cell(&entry, 1, index, int(i64::from(index)));
        b.cell(&entry, 2, index, text(rule.path.clone()));
        b.cell(&entry, 3, index, int(*size as i64));
        b.cell(&entry, 4, index, int(rule.max.map_or(-1, |max| max as i64)));
        b.cell(&entry, 100, index, int(i64::from(exceeded)));
        let message = match rule.max {
            Some(max) if exceeded => format!("{}: size exceeds {max}kb (= {size}kb)", rule.path),
            _ => String::new(),
        };
        b.cell(&entry, 101, index, text(message));
    }
    b.build()
}

#[cfg(test)]
mod tests {
    use snmp::Value;

    use super::*;

    #[test]
    fn sizes_maxima_and_errors_as_snmpd_shows_them() {
        let rules = [
            FileRule { path: "/var/log/big".into(), max: Some(3) },
            FileRule { path: "/var/log/missing".into(), max: None },
            FileRule { path: "/etc/hostname".into(), max: Some(100) },
        ];
        let v = build(&rules, &[4, 0, 0]);
        let at = |column: u32, index: u32| v.get(&ucd(&[15, 1, column, index]));
        assert_eq!(at(4, 2), Value::Integer(-1));
        assert_eq!((at(100, 1), at(100, 3)), (Value::Integer(1), Value::Integer(0)));
        assert_eq!(at(101, 1), text("/var/log/big: size exceeds 3kb (= 4kb)"));
        assert_eq!(at(101, 2), text(""));
        assert_eq!(at(2, 3), text("/etc/hostname"));
    }
}
