//! `set`, as snmpset: `OID TYPE VALUE` triples with net-snmp's type letters, the agent's
//! answer printed (not with `-Cq`), an error response reported with exit code 2.

use std::io::Write;

use snmp::{ClientError, VarBind};

use super::errors::write_packet_error;
use super::{Failure, Session, Syntax, UsageError};

pub async fn run(argv: &[String]) -> Result<i32, Failure> {
    let s = Session::open(argv, Syntax { app_options: "q", set_triples: true, ..Syntax::default() }).await?;
    if s.operands.is_empty() {
        return Err(UsageError("Missing object name".into()).into());
    }
    let mut varbinds = Vec::new();
    for triple in s.operands.chunks(3) {
        let (name, kind, text) = match triple {
            [name, kind, text] => (name, kind, text),
            [name, _] => return Err(Failure::Message(format!("{name}: Needs value"))),
            [name, ..] => return Err(Failure::Message(format!("{name}: Needs type and value"))),
            [] => continue,
        };
        let oid = s.parse_oid(name)?;
        let type_char =
            single_char(kind).ok_or_else(|| Failure::Message(format!("{name}: Bad object type: {kind}")))?;
        let value = s.mib.value_for_set(&oid, type_char, text).map_err(|e| Failure::Message(format!("{name}: {e}")))?;
        varbinds.push(VarBind::new(oid, value));
    }
    let response = match s.client.set(varbinds).await {
        Ok(r) => r,
        Err(ClientError::Timeout(_)) => {
            eprintln!("{}", s.timeout_message(false));
            return Ok(1);
        }
        Err(e) => return Err(e.into()),
    };
    if response.is_error() {
        let _ = write_packet_error(&mut std::io::stderr().lock(), "Error in packet.", &response, &s.mib, s.output());
        return Ok(2);
    }
    if s.args.has_app_option('q') {
        return Ok(0);
    }
    let mut out = std::io::stdout().lock();
    for vb in &response.varbinds {
        let _ = writeln!(out, "{}", s.mib.format_varbind(vb, s.output()));
    }
    Ok(0)
}

fn single_char(s: &str) -> Option<char> {
    let mut chars = s.chars();
    let c = chars.next()?;
    chars.next().is_none().then_some(c)
}
