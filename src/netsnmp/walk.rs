//! `walk` and `bulkwalk`, as snmpwalk and snmpbulkwalk: walk the subtree (default mib-2),
//! print each varbind, end as net-snmp does (an exception value printed, "End of MIB" for a
//! v1 noSuchName, "OID not increasing" as an error), and GET the root itself when the walk
//! printed nothing. `-C` options: `c` no increase check, `i` include the root first, `I` no
//! GET of the root, `p` print the count, `t` print the time taken, `E OID` stop before OID
//! (walk only; `T` is accepted and, as in net-snmp 5.9, prints nothing), and for bulkwalk
//! `n<N>` / `r<N>`.

use std::io::Write;

use snmp::{ClientError, Oid, Version, WalkEnd, WalkMode, WalkStep};

use super::errors::write_packet_error;
use super::{Failure, Session, Syntax, UsageError};

/// SNMPv2-SMI::mib-2, net-snmp's default walk root.
const MIB_2: [u32; 6] = [1, 3, 6, 1, 2, 1];

pub async fn run(argv: &[String], bulk: bool) -> Result<i32, Failure> {
    let s = Session::open(
        argv,
        Syntax {
            app_options: if bulk { "ciInpr" } else { "ciIptTE" },
            next_word_app_options: "E",
            ..Syntax::default()
        },
    )
    .await?;
    let root = match s.operands.as_slice() {
        [] => Oid::from(MIB_2),
        [one] => s.parse_oid(one)?,
        _ => return Err(UsageError("Too many object names: a walk takes one".into()).into()),
    };
    if bulk && s.client.config().version == Version::V1 {
        return Err(Failure::Message("osprey bulkwalk: Cannot send V2 PDU on V1 session".into()));
    }
    let mode =
        if bulk { WalkMode::GetBulk { max_repetitions: s.args.app_number('r', 10)? } } else { WalkMode::GetNext };
    let end = s.args.app_option('E').map(|e| s.parse_oid(e)).transpose()?;
    let started = std::time::Instant::now();
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::with_capacity(64 * 1024, stdout.lock());
    let mut printed = 0usize;
    let mut exit = 0;
    let mut timed_out = false;

    if s.args.has_app_option('i') {
        printed += get_and_print(&s, &root, &mut out).await;
    }
    let mut walk = s.client.walk(root.clone(), mode);
    if s.args.has_app_option('c') {
        walk = walk.without_increase_check();
    }
    loop {
        let (mut batch, mut finish) = match walk.step().await {
            Ok(WalkStep::Varbinds(v)) => (v, None),
            Ok(WalkStep::End { last, reason }) => (last, Some(reason)),
            Err(ClientError::Timeout(_)) => {
                let _ = out.flush();
                eprintln!("{}", s.timeout_message(false));
                timed_out = true;
                exit = 1;
                break;
            }
            Err(e) => return Err(e.into()),
        };
        if let Some(end) = &end
            && let Some(past) = batch.iter().position(|vb| vb.oid >= *end)
        {
            batch.truncate(past);
            finish = Some(WalkEnd::LeftSubtree);
        }
        for vb in &batch {
            let _ = writeln!(out, "{}", s.mib.format_varbind(vb, s.output()));
        }
        printed += batch.len();
        let Some(finish) = finish else { continue };
        match finish {
            WalkEnd::LeftSubtree | WalkEnd::Exception => {}
            WalkEnd::NotIncreasing { requested, returned } => {
                let _ = out.flush();
                eprintln!(
                    "Error: OID not increasing: {} >= {}",
                    s.mib.format_oid(&requested, s.output()),
                    s.mib.format_oid(&returned, s.output())
                );
                exit = 1;
            }
            WalkEnd::Error(response) => {
                if response.status() == Some(snmp::ErrorStatus::NoSuchName) {
                    let _ = writeln!(out, "End of MIB");
                } else {
                    let _ = out.flush();
                    let _ = write_packet_error(
                        &mut std::io::stderr().lock(),
                        "Error in packet.",
                        &response,
                        &s.mib,
                        s.output(),
                    );
                    exit = 2;
                }
            }
        }
        break;
    }
    if printed == 0 && !timed_out && !s.args.has_app_option('I') {
        printed += get_and_print(&s, &root, &mut out).await;
    }
    if s.args.has_app_option('p') {
        let _ = writeln!(out, "Variables found: {printed}");
    }
    let _ = out.flush();
    if s.args.has_app_option('t') {
        eprintln!("Total traversal time = {:.6} seconds", started.elapsed().as_secs_f64());
    }
    Ok(exit)
}

/// GETs `oid` and prints the result when the agent answers without error; returns how many
/// varbinds were printed (net-snmp's `snmp_get_and_print`).
async fn get_and_print(s: &Session, oid: &Oid, out: &mut impl Write) -> usize {
    match s.client.get(std::slice::from_ref(oid)).await {
        Ok(r) if !r.is_error() => {
            for vb in &r.varbinds {
                let _ = writeln!(out, "{}", s.mib.format_varbind(vb, s.output()));
            }
            r.varbinds.len()
        }
        _ => 0,
    }
}
