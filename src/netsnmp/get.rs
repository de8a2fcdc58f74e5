//! `get`, `getnext` and `bulkget`, as snmpget, snmpgetnext and snmpbulkget: print each
//! varbind; on an error response print the error, and for get/getnext retry without the
//! failed object (net-snmp's "fix PDU" behaviour) unless `-Cf` was given.

use std::io::Write;

use snmp::{ClientError, Oid, Response};

use super::errors::write_packet_error;
use super::{Failure, Session, Syntax, UsageError};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Get,
    GetNext,
    Bulk,
}

pub async fn run(argv: &[String], kind: Kind) -> Result<i32, Failure> {
    let s =
        Session::open(argv, Syntax { app_options: if kind == Kind::Bulk { "nr" } else { "f" }, ..Syntax::default() })
            .await?;
    if s.operands.is_empty() {
        return Err(UsageError("Missing object name".into()).into());
    }
    if kind == Kind::Bulk && s.client.config().version == snmp::Version::V1 {
        return Err(Failure::Message("osprey bulkget: Cannot send V2 PDU on V1 session".into()));
    }
    let mut oids = s.operands.iter().map(|o| s.parse_oid(o)).collect::<Result<Vec<Oid>, _>>()?;
    let non_repeaters = s.args.app_number('n', 0)?;
    let max_repetitions = s.args.app_number('r', 10)?;
    let fix_errors = !s.args.has_app_option('f') && kind != Kind::Bulk;
    let heading = if kind == Kind::Get { "Error in packet" } else { "Error in packet." };
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let mut exit = 0;
    loop {
        let reply = match kind {
            Kind::Get => s.client.get(&oids).await,
            Kind::GetNext => s.client.get_next(&oids).await,
            Kind::Bulk => s.client.get_bulk(non_repeaters, max_repetitions, &oids).await,
        };
        let response = match reply {
            Ok(r) => r,
            Err(ClientError::Timeout(_)) => {
                let _ = out.flush();
                eprintln!("{}", s.timeout_message(kind != Kind::Bulk));
                return Ok(1);
            }
            Err(e) => return Err(e.into()),
        };
        if !response.is_error() {
            for vb in &response.varbinds {
                let _ = writeln!(out, "{}", s.mib.format_varbind(vb, s.output()));
            }
            break;
        }
        let _ = out.flush();
        let _ = write_packet_error(&mut std::io::stderr().lock(), heading, &response, &s.mib, s.output());
        exit = 2;
        match fixed_request(&response) {
            Some(remaining) if fix_errors => oids = remaining,
            _ => break,
        }
    }
    let _ = out.flush();
    Ok(exit)
}

/// The request again without the varbind the agent flagged, or `None` when nothing would
/// remain or the error names no varbind (net-snmp's `snmp_fix_pdu`).
fn fixed_request(response: &Response) -> Option<Vec<Oid>> {
    let index = usize::try_from(response.error_index).ok().filter(|&i| i >= 1 && i <= response.varbinds.len())?;
    let remaining: Vec<Oid> =
        response.varbinds.iter().enumerate().filter(|(i, _)| i + 1 != index).map(|(_, vb)| vb.oid.clone()).collect();
    (!remaining.is_empty()).then_some(remaining)
}
