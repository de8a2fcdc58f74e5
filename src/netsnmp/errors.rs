//! The texts net-snmp's tools print for error-status values (`snmp_errstring`) and for
//! error responses ("Error in packet ... Failed object: ...").

use std::io::Write;

use mibs::{Mib, OutputOptions};
use snmp::Response;

/// net-snmp 5.9's description of an error-status value.
pub fn error_string(status: i32) -> &'static str {
    match status {
        0 => "(noError) No Error",
        1 => "(tooBig) Response message would have been too large.",
        2 => "(noSuchName) There is no such variable name in this MIB.",
        3 => "(badValue) The value given has the wrong type or length.",
        4 => "(readOnly) The two parties used do not have access to use the specified SNMP PDU.",
        5 => "(genError) A general failure occured",
        6 => "noAccess",
        7 => "wrongType (The set datatype does not match the data type the agent expects)",
        8 => "wrongLength (The set value has an illegal length from what the agent expects)",
        9 => "wrongEncoding",
        10 => "wrongValue (The set value is illegal or unsupported in some way)",
        11 => "noCreation (That table does not support row creation or that object can not ever be created)",
        12 => "inconsistentValue (The set value is illegal or unsupported in some way)",
        13 => "resourceUnavailable (This is likely a out-of-memory failure within the agent)",
        14 => "commitFailed",
        15 => "undoFailed",
        16 => "authorizationError (access denied to that object)",
        17 => "notWritable (That object does not support modification)",
        18 => "inconsistentName (That object can not currently be created)",
        _ => "Unknown Error",
    }
}

/// Writes net-snmp's report of an error response. `heading` is "Error in packet" (snmpget)
/// or "Error in packet." (the other tools).
pub fn write_packet_error(
    err: &mut impl Write,
    heading: &str,
    response: &Response,
    mib: &Mib,
    opts: &OutputOptions,
) -> std::io::Result<()> {
    writeln!(err, "{heading}\nReason: {}", error_string(response.error_status))?;
    if response.error_index != 0 {
        let failed = usize::try_from(response.error_index - 1).ok().and_then(|i| response.varbinds.get(i));
        write!(err, "Failed object: ")?;
        if let Some(vb) = failed {
            writeln!(err, "{}", mib.format_oid(&vb.oid, opts))?;
        }
        writeln!(err)?;
    }
    Ok(())
}
