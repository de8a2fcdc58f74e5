//! Users' MIB files through `-M DIR -m MODULE`: a good module loads (with its imports from
//! the built-ins) and formats; a broken one is an error naming file, line and reason.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use mibs::{Mib, MibError, OutputOptions};
use snmp::{Value, VarBind};

const GOOD: &str = r#"ACME-MIB DEFINITIONS ::= BEGIN
IMPORTS MODULE-IDENTITY, OBJECT-TYPE, Integer32, enterprises FROM SNMPv2-SMI
        DisplayString FROM SNMPv2-TC;
acme MODULE-IDENTITY LAST-UPDATED "202401010000Z" ORGANIZATION "acme"
    CONTACT-INFO "" DESCRIPTION "test" ::= { enterprises 99999 }
acmeTemp OBJECT-TYPE SYNTAX Integer32 UNITS "C" MAX-ACCESS read-only
    STATUS current DESCRIPTION "" ::= { acme 1 }
acmeMode OBJECT-TYPE SYNTAX INTEGER { off(0), on(1) } MAX-ACCESS read-write
    STATUS current DESCRIPTION "" ::= { acme 2 }
END
"#;

#[test]
fn user_module_loads_and_formats() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("ACME-MIB.txt"), GOOD).unwrap();
    let d = dir.path().to_str().unwrap();
    let mib = Mib::load("ACME-MIB", Some(d)).unwrap();
    let oid = mib.parse_oid("ACME-MIB::acmeTemp.0").unwrap();
    assert_eq!(oid.to_string(), "1.3.6.1.4.1.99999.1.0");
    let line = mib.format_varbind(&VarBind::new(oid, Value::Integer(21)), &OutputOptions::default());
    assert_eq!(line, "ACME-MIB::acmeTemp.0 = INTEGER: 21 C");
    let mode = mib.parse_oid("acmeMode.0").unwrap();
    assert_eq!(mib.value_for_set(&mode, '=', "on"), Ok(Value::Integer(1)));
    // Imports came along; other built-ins did not.
    assert!(mib.parse_oid("sysDescr.0").is_err());
    assert!(mib.parse_oid("enterprises").is_ok());
    // `+MODULE` adds to the built-ins.
    let plus = Mib::load("+ACME-MIB", Some(d)).unwrap();
    assert!(plus.parse_oid("sysDescr.0").is_ok() && plus.parse_oid("acmeTemp").is_ok());
}

#[test]
fn broken_module_names_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let bad = GOOD.replace("STATUS current DESCRIPTION \"\" ::= { acme 2 }", "STATUS current ::= acme 2 }");
    let path = dir.path().join("ACME-MIB.txt");
    std::fs::write(&path, bad).unwrap();
    let err = Mib::load("ACME-MIB", Some(dir.path().to_str().unwrap())).unwrap_err();
    match &err {
        MibError::BadMibFile { file, line, reason } => {
            assert_eq!(file, &path.display().to_string());
            assert_eq!(*line, 9);
            assert!(reason.contains("expected '{'"), "{reason}");
        }
        other => panic!("unexpected {other:?}"),
    }
    assert_eq!(Mib::load("NO-SUCH-MIB", None).unwrap_err().to_string(), "Cannot find module (NO-SUCH-MIB)");
}
