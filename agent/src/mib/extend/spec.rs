//! snmpd.conf's `extend [MIBOID] NAME PROG ARGS` and `extend-sh [MIBOID] NAME COMMAND`, read
//! as snmpd reads them: NAME and PROG are words (quotes and backslashes as everywhere in
//! snmpd.conf), ARGS is the rest of the line as written.

use snmp::Oid;

use crate::config::{next_word, words};

/// NET-SNMP-EXTEND-MIB's nsExtendObjects, where extensions go without a MIBOID.
pub const NS_EXTEND_OBJECTS: [u32; 10] = [1, 3, 6, 1, 4, 1, 8072, 1, 3, 2];

/// One extension.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExtendSpec {
    /// Where its tables go: nsExtendObjects, or the line's MIBOID.
    pub root: Oid,
    /// nsExtendToken, the row index.
    pub name: String,
    /// nsExtendCommand: the program (for `extend-sh`, the command's first word).
    pub command: String,
    /// nsExtendArgs: the rest of the line as written.
    pub args: String,
    /// `extend-sh` (and `sh`): run by /bin/sh instead of executed directly.
    pub shell: bool,
    /// An `exec` or `sh` line: also a row of UCD-SNMP-MIB's extTable.
    pub ucd: bool,
}

impl ExtendSpec {
    /// The program and its arguments: the command line split again, as snmpd splits it
    /// before exec (so a quoted `'/bin/cat /etc/issue'` becomes two words).
    pub fn argv(&self) -> Vec<String> {
        words(&self.command_line()).unwrap_or_default()
    }

    /// What /bin/sh runs for `extend-sh`, and what `argv` splits.
    pub fn command_line(&self) -> String {
        if self.args.is_empty() { self.command.clone() } else { format!("{} {}", self.command, self.args) }
    }
}

/// The words after `exec` or `sh` (`shell`): an extension also shown in UCD-SNMP-MIB's
/// extTable. snmpd refuses their old MIBOID form.
pub fn parse_ucd(rest: &str, shell: bool) -> Result<ExtendSpec, String> {
    let directive = if shell { "sh" } else { "exec" };
    if rest.trim_start().starts_with('.') {
        return Err(format!("{directive}: the MIBOID form is deprecated, as in snmpd; use extend"));
    }
    let spec = parse(rest, shell).map_err(|e| e.replacen(if shell { "extend-sh" } else { "extend" }, directive, 1))?;
    Ok(ExtendSpec { ucd: true, ..spec })
}

/// The words after `extend` (`shell` false) or `extend-sh`.
pub fn parse(rest: &str, shell: bool) -> Result<ExtendSpec, String> {
    let directive = if shell { "extend-sh" } else { "extend" };
    let usage = || format!("{directive} takes [MIBOID] NAME COMMAND");
    let (first, after) = next_word(rest)?.ok_or_else(usage)?;
    let (root, name, after) = if first.starts_with('.') {
        let root: Oid = first.parse().map_err(|e| format!("{directive}: bad MIBOID {first:?}: {e}"))?;
        let (name, after) = next_word(after)?.ok_or_else(usage)?;
        (root, name, after)
    } else {
        (Oid::from(NS_EXTEND_OBJECTS), first, after)
    };
    if name.is_empty() || name.len() > 255 {
        return Err(format!("{directive}: NAME must be 1 to 255 characters"));
    }
    let (command, args) = next_word(after)?.ok_or_else(|| format!("{directive} {name}: no command"))?;
    let spec = ExtendSpec { root, name, command, args: args.trim_end().to_string(), shell, ucd: false };
    if !shell {
        words(&spec.command_line()).map_err(|e| format!("{directive} {}: {e}", spec.name))?;
    }
    Ok(spec)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn lines_as_snmpd_reads_them() {
        let e = parse(r#"q '/bin/echo x   y' "z  w" \tab"#, false).unwrap();
        assert_eq!((e.name.as_str(), e.command.as_str(), e.args.as_str()), ("q", "/bin/echo x   y", r#""z  w" \tab"#));
        assert_eq!(e.argv(), ["/bin/echo", "x", "y", "z  w", "tab"]);
        assert_eq!(e.root, Oid::from(NS_EXTEND_OBJECTS));
        let e = parse(".1.3.6.1.4.1.2021.7890.1 distro /usr/bin/distro", false).unwrap();
        assert_eq!(
            (e.root.to_string().as_str(), e.name.as_str(), e.args.as_str()),
            ("1.3.6.1.4.1.2021.7890.1", "distro", "")
        );
        let e = parse("shy echo one; echo two >&2; exit 2", true).unwrap();
        assert_eq!((e.command.as_str(), e.command_line().as_str()), ("echo", "echo one; echo two >&2; exit 2"));
    }

    #[test]
    fn exec_and_sh_lines() {
        let e = parse_ucd("hello /bin/echo hi", false).unwrap();
        assert!(e.ucd && !e.shell && e.root == Oid::from(NS_EXTEND_OBJECTS));
        assert!(parse_ucd("s echo hi; exit 2", true).unwrap().shell);
        assert!(parse_ucd(".1.3.6.1.4.1.2021.7891 m /bin/true", false).unwrap_err().contains("deprecated"));
        assert_eq!(parse_ucd("lonely", true).unwrap_err(), "sh lonely: no command");
    }

    #[test]
    fn bad_lines_say_why() {
        for (line, why) in [
            ("", "takes [MIBOID] NAME COMMAND"),
            ("lonely", "lonely: no command"),
            (".1.3.x name /bin/true", "bad MIBOID"),
            ("q /bin/echo \"open", "unterminated quote"),
        ] {
            let err = parse(line, false).unwrap_err();
            assert!(err.contains(why), "{line}: {err}");
        }
    }
}
