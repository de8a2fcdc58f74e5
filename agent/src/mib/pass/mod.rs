//! snmpd.conf's `pass [-p PRIORITY] MIBOID PROG` and `pass_persist [-p PRIORITY] MIBOID PROG`:
//! a subtree answered by a program, with snmpd's protocol. `pass` runs `PROG -g OID` for a
//! GET, `PROG -n OID` for a GETNEXT and `PROG -s OID TYPE VALUE` for a SET; `pass_persist`
//! starts PROG once and speaks the same over its stdin and stdout ([`persist`]). An answer
//! is three lines, OID, TYPE and VALUE (TYPE one of string, integer, unsigned, counter64,
//! counter, octet, opaque, gauge, objectid, timeticks, ipaddress); an empty answer or `NONE`
//! means no object, and a SET answers nothing or an error word (`not-writable`, ...).
//!
//! Like NET-SNMP-EXTEND-MIB's handler, this one waits for the program (each run bounded by
//! [`run::TIME_LIMIT`](super::extend::run::TIME_LIMIT)), as snmpd does.

pub mod persist;

use std::net::Ipv4Addr;

use snmp::{ErrorStatus, Oid, Value, VarBind};

use super::extend::run::{TIME_LIMIT, run_argv};
use crate::config::{next_word, words};
use crate::handler::MibHandler;

/// One `pass` or `pass_persist` line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PassSpec {
    pub root: Oid,
    /// The program and its own arguments.
    pub argv: Vec<String>,
    pub persist: bool,
}

/// The words after `pass` (`persist` false) or `pass_persist`.
pub fn parse(rest: &str, persist: bool) -> Result<PassSpec, String> {
    let directive = if persist { "pass_persist" } else { "pass" };
    let usage = || format!("{directive} takes [-p PRIORITY] MIBOID PROG");
    let (mut word, mut after) = next_word(rest)?.ok_or_else(usage)?;
    if word == "-p" {
        // The priority orders overlapping registrations in snmpd; subtrees here never overlap.
        let (priority, rest) = next_word(after)?.ok_or_else(usage)?;
        priority.parse::<u32>().map_err(|_| format!("{directive}: -p needs a number, not {priority:?}"))?;
        (word, after) = next_word(rest)?.ok_or_else(usage)?;
    }
    let root: Oid = word.parse().map_err(|e| format!("{directive}: bad MIBOID {word:?}: {e}"))?;
    let argv = words(after)?;
    if argv.is_empty() {
        return Err(format!("{directive} .{root}: no program"));
    }
    Ok(PassSpec { root, argv, persist })
}

/// A value as the program wrote it, or None for a type snmpd does not know.
fn value(kind: &str, text: &str) -> Option<Value<'static>> {
    let kind = kind.trim().to_ascii_lowercase();
    let text = text.trim_end_matches(['\r', '\n']);
    let number = |t: &str| t.trim().parse::<i64>().unwrap_or(0);
    let hex = |t: &str| -> Vec<u8> { t.split_whitespace().filter_map(|b| u8::from_str_radix(b, 16).ok()).collect() };
    // snmpd compares prefixes, in this order (counter64 before counter).
    let value = if kind.starts_with("string") {
        Value::string(text.as_bytes().to_vec())
    } else if kind.starts_with("integer") {
        Value::Integer(number(text) as i32)
    } else if kind.starts_with("unsigned") || kind.starts_with("gauge") {
        Value::Gauge32(number(text) as u32)
    } else if kind.starts_with("counter64") {
        Value::Counter64(text.trim().parse().unwrap_or(0))
    } else if kind.starts_with("counter") {
        Value::Counter32(number(text) as u32)
    } else if kind.starts_with("octet") {
        Value::string(hex(text))
    } else if kind.starts_with("opaque") {
        Value::Opaque(hex(text).into())
    } else if kind.starts_with("objectid") {
        Value::oid(text.trim().parse().ok()?)
    } else if kind.starts_with("timetick") {
        Value::TimeTicks(number(text) as u32)
    } else if kind.starts_with("ipaddress") {
        Value::IpAddress(text.trim().parse::<Ipv4Addr>().ok()?.octets())
    } else {
        return None;
    };
    Some(value)
}

/// An answer's three lines as a varbind; None for no object or a malformed answer.
fn answer(lines: &[String]) -> Option<VarBind<'static>> {
    let [oid, kind, text, ..] = lines else { return None };
    let oid: Oid = oid.trim().parse().ok()?;
    Some(VarBind::new(oid, value(kind, text)?))
}

/// TYPE and VALUE of a SET as snmpd hands them to the program.
fn set_words(value: &Value<'_>) -> Option<[String; 2]> {
    let (kind, text) = match value {
        Value::Integer(v) => ("integer", v.to_string()),
        Value::Gauge32(v) => ("gauge", v.to_string()),
        Value::Counter32(v) => ("counter", v.to_string()),
        Value::TimeTicks(v) => ("timeticks", v.to_string()),
        Value::IpAddress(a) => ("ipaddress", Ipv4Addr::from(*a).to_string()),
        Value::ObjectIdentifier(o) => ("objectid", format!(".{o}")),
        Value::OctetString(s) if s.iter().all(|b| b.is_ascii_graphic() || *b == b' ') => {
            ("string", String::from_utf8_lossy(s).into_owned())
        }
        Value::OctetString(s) => ("octet", s.iter().map(|b| format!("{b:02x}")).collect::<Vec<_>>().join(" ")),
        _ => return None,
    };
    Some([kind.to_string(), text])
}

/// What a SET's answer means: nothing (or anything else) is success.
fn set_outcome(first_line: Option<&str>) -> Result<(), ErrorStatus> {
    match first_line.map(str::trim) {
        Some("not-writable") => Err(ErrorStatus::NotWritable),
        Some("wrong-type") => Err(ErrorStatus::WrongType),
        Some("wrong-length") => Err(ErrorStatus::WrongLength),
        Some("wrong-value") => Err(ErrorStatus::WrongValue),
        Some("inconsistent-value") => Err(ErrorStatus::InconsistentValue),
        _ => Ok(()),
    }
}

/// The subtree of one line.
pub struct PassHandler {
    spec: PassSpec,
    persistent: Option<persist::Persistent>,
}

impl std::fmt::Debug for PassHandler {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PassHandler").field("spec", &self.spec).finish()
    }
}

impl PassHandler {
    pub fn new(spec: PassSpec) -> PassHandler {
        let persistent = spec.persist.then(|| persist::Persistent::new(spec.argv.clone()));
        PassHandler { spec, persistent }
    }

    /// Asks the program; the answer's lines.
    fn ask(&self, request: &Request) -> Vec<String> {
        let oid = format!(".{}", request.oid());
        if let Some(program) = &self.persistent {
            return match request {
                Request::Get(_) => program.ask(&["get", &oid], 3),
                Request::GetNext(_) => program.ask(&["getnext", &oid], 3),
                Request::Set(_, [kind, text]) => program.ask(&["set", &oid, &format!("{kind} {text}")], 1),
            };
        }
        let mut argv = self.spec.argv.clone();
        match request {
            Request::Get(_) => argv.extend(["-g".to_string(), oid]),
            Request::GetNext(_) => argv.extend(["-n".to_string(), oid]),
            Request::Set(_, [kind, text]) => argv.extend(["-s".to_string(), oid, kind.clone(), text.clone()]),
        }
        let outcome = run_argv(&argv, TIME_LIMIT);
        String::from_utf8_lossy(&outcome.output).lines().map(str::to_string).collect()
    }
}

/// What the program is asked.
enum Request<'a> {
    Get(&'a Oid),
    GetNext(&'a Oid),
    /// The OID, and TYPE and VALUE as [`set_words`] spells them.
    Set(&'a Oid, [String; 2]),
}

impl Request<'_> {
    fn oid(&self) -> &Oid {
        match self {
            Request::Get(oid) | Request::GetNext(oid) | Request::Set(oid, _) => oid,
        }
    }
}

impl MibHandler for PassHandler {
    fn root(&self) -> &Oid {
        &self.spec.root
    }

    fn get(&self, oid: &Oid) -> Value<'static> {
        match answer(&self.ask(&Request::Get(oid))) {
            Some(vb) => vb.value,
            None => Value::NoSuchInstance,
        }
    }

    fn get_next(&self, oid: &Oid) -> Option<VarBind<'static>> {
        let from = if oid.starts_with(&self.spec.root) { oid } else { &self.spec.root };
        let next = answer(&self.ask(&Request::GetNext(from)))?;
        // Only forward, and only inside the subtree: a program cannot make a walk loop.
        (next.oid > *oid && next.oid.starts_with(&self.spec.root)).then_some(next)
    }

    fn test_set(&self, _oid: &Oid, value: &Value<'_>) -> Result<(), ErrorStatus> {
        set_words(value).map(|_| ()).ok_or(ErrorStatus::WrongType)
    }

    fn commit_set(&self, oid: &Oid, value: &Value<'_>) -> Result<(), ErrorStatus> {
        let words = set_words(value).ok_or(ErrorStatus::WrongType)?;
        let lines = self.ask(&Request::Set(oid, words));
        set_outcome(lines.first().map(String::as_str))
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn lines_as_snmpd_reads_them() {
        let p = parse("-p 10 .1.3.6.1.4.1.99990 /usr/bin/perl '/opt/my script.pl'", false).unwrap();
        assert_eq!(
            (p.root.to_string().as_str(), p.argv.as_slice()),
            ("1.3.6.1.4.1.99990", ["/usr/bin/perl".to_string(), "/opt/my script.pl".to_string()].as_slice())
        );
        for (line, why) in [
            ("", "takes"),
            (".1.3.6 ", "no program"),
            ("-p x .1.3 /bin/true", "needs a number"),
            ("x /bin/true", "bad MIBOID"),
        ] {
            let err = parse(line, true).unwrap_err();
            assert!(err.contains(why), "{line}: {err}");
        }
    }

    #[test]
    fn answers_of_every_type() {
        let vb = |lines: &[&str]| answer(&lines.iter().map(|l| l.to_string()).collect::<Vec<_>>());
        let v = |kind: &str, text: &str| vb(&[".1.3.6.1.4.1.9.1.0", kind, text]).map(|vb| vb.value);
        assert_eq!(v("integer", "-42"), Some(Value::Integer(-42)));
        assert_eq!(v("STRING", "hello \"world\"  x"), Some(Value::string(b"hello \"world\"  x".to_vec())));
        assert_eq!(v("counter64", "12345678901234"), Some(Value::Counter64(12_345_678_901_234)));
        assert_eq!(v("counter", "77"), Some(Value::Counter32(77)));
        assert_eq!(v("octet", "00 11 aa FF"), Some(Value::string(vec![0, 0x11, 0xaa, 0xff])));
        assert_eq!(v("objectid", ".1.3.6.1.2.1.1"), Some(Value::oid(Oid::from([1, 3, 6, 1, 2, 1, 1]))));
        assert_eq!(v("ipaddress", "10.1.2.3"), Some(Value::IpAddress([10, 1, 2, 3])));
        assert_eq!(v("timeticks", "12345"), Some(Value::TimeTicks(12345)));
        assert_eq!(v("unsigned", "88"), Some(Value::Gauge32(88)));
        assert_eq!(v("bogus", "1"), None);
        assert_eq!(vb(&["NONE"]), None);
        assert_eq!(vb(&[]), None);
    }

    #[test]
    fn set_words_and_outcomes() {
        assert_eq!(set_words(&Value::Integer(5)), Some(["integer".into(), "5".into()]));
        assert_eq!(set_words(&Value::string(b"a b".to_vec())), Some(["string".into(), "a b".into()]));
        assert_eq!(set_words(&Value::string(vec![0, 255])), Some(["octet".into(), "00 ff".into()]));
        assert_eq!(set_outcome(Some("not-writable")), Err(ErrorStatus::NotWritable));
        assert_eq!(set_outcome(None), Ok(()));
    }
}
