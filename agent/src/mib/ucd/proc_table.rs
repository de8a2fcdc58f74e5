//! prTable (UCD-SNMP-MIB `.2`): one row per distinct `proc NAME [MAX [MIN]]` directive
//! (a repeated name is ignored, as snmpd does), counting the live (non-zombie) processes
//! whose /proc/PID/status `Name:` is exactly NAME.

use std::collections::HashMap;

use snmp::Value;

use super::{Builder, text, ucd};
use crate::config::ProcRule;
use crate::view::View;

/// The name and state of one process from its /proc/PID/status text: `Name:` must be the
/// first line (as snmpd assumes); the name ends at the first non-graphic character.
pub fn parse_status(status: &str) -> Option<(&str, bool)> {
    let mut lines = status.lines();
    let name = lines.next()?.strip_prefix("Name:")?.trim_start();
    let name = name.split(|c: char| !c.is_ascii_graphic()).next().unwrap_or("");
    let zombie = lines.next().is_some_and(|l| l.contains("zombie"));
    Some((name, zombie))
}

/// How many live processes carry each name.
fn process_counts() -> HashMap<String, i64> {
    let mut counts = HashMap::new();
    let Ok(dir) = std::fs::read_dir("/proc") else { return counts };
    for entry in dir.flatten() {
        let name = entry.file_name();
        if !name.to_str().is_some_and(|n| n.starts_with(|c: char| c.is_ascii_digit())) {
            continue;
        }
        let Ok(status) = std::fs::read_to_string(entry.path().join("status")) else { continue };
        if let Some((comm, false)) = parse_status(&status) {
            *counts.entry(comm.to_string()).or_insert(0) += 1;
        }
    }
    counts
}

/// snmpd 5.9's limits: `proc NAME` alone means "at least one" (min 1, max 0).
fn limits(rule: &ProcRule) -> (i64, i64) {
    match (rule.max, rule.min) {
        (0, 0) => (1, 0),
        (max, min) => (i64::from(min), i64::from(max)),
    }
}

/// prErrorFlag and prErrMessage for a count.
pub fn error(name: &str, min: i64, max: i64, count: i64) -> (i32, String) {
    if min > 0 && count < min {
        if count == 0 {
            (1, format!("No {name} process running"))
        } else {
            (1, format!("Too few {name} running (# = {count})"))
        }
    } else if max > 0 && count > max {
        (1, format!("Too many {name} running (# = {count})"))
    } else {
        (0, String::new())
    }
}

pub fn view(rules: &[ProcRule]) -> View {
    let mut seen: Vec<&str> = Vec::new();
    let unique: Vec<&ProcRule> = rules
        .iter()
        .filter(|r| {
            let new = !seen.contains(&r.name.as_str());
            seen.push(&r.name);
            new
        })
        .collect();
    let counts = if unique.is_empty() { HashMap::new() } else { process_counts() };
    let entry = ucd(&[2, 1]);
    let mut b = Builder::default();
    for col in [1, 2, 3, 4, 5, 100, 101, 102, 103] {
        b.object(entry.child(&[col]));
    }
    for (i, rule) in unique.into_iter().enumerate() {
        let index = i as u32 + 1;
        let (min, max) = limits(rule);
        let count = counts.get(&rule.name).copied().unwrap_or(0);
        let (flag, message) = error(&rule.name, min, max, count);
        b.cell(&entry, 1, index, Value::Integer(index as i32));
        b.cell(&entry, 2, index, text(rule.name.clone()));
        b.cell(&entry, 3, index, super::int(min));
        b.cell(&entry, 4, index, super::int(max));
        b.cell(&entry, 5, index, super::int(count));
        b.cell(&entry, 100, index, Value::Integer(flag));
        b.cell(&entry, 101, index, text(message));
        b.cell(&entry, 102, index, Value::Integer(0));
        b.cell(&entry, 103, index, text(""));
    }
    b.build()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_names_and_zombies() {
        assert_eq!(parse_status("Name:\tsshd\nState:\tS (sleeping)\n"), Some(("sshd", false)));
        assert_eq!(parse_status("Name:\tkworker/0:1\nState:\tZ (zombie)\n"), Some(("kworker/0:1", true)));
        assert_eq!(parse_status("Name:\tsh\n"), Some(("sh", false)));
        assert_eq!(parse_status("Umask:\t0022\nName:\tx\n"), None);
        assert_eq!(parse_status(""), None);
        assert_eq!(parse_status("Name:"), Some(("", false)));
    }

    #[test]
    fn messages_as_snmpd() {
        assert_eq!(error("sshd", 1, 0, 0), (1, "No sshd process running".into()));
        assert_eq!(error("x", 3, 5, 2), (1, "Too few x running (# = 2)".into()));
        assert_eq!(error("x", 0, 1, 2), (1, "Too many x running (# = 2)".into()));
        assert_eq!(error("x", 0, 3, 0), (0, String::new()));
        assert_eq!(limits(&ProcRule { name: "a".into(), max: 0, min: 0 }), (1, 0));
        assert_eq!(limits(&ProcRule { name: "a".into(), max: 4, min: 0 }), (0, 4));
    }

    #[test]
    fn repeated_names_keep_the_first() {
        let rules = [
            ProcRule { name: "nonesuch-a".into(), max: 2, min: 0 },
            ProcRule { name: "nonesuch-a".into(), max: 5, min: 1 },
        ];
        let v = view(&rules);
        assert_eq!(v.get(&ucd(&[2, 1, 4, 1])), Value::Integer(2));
        assert_eq!(v.get(&ucd(&[2, 1, 4, 2])), Value::NoSuchInstance);
    }
}
