//! `translate`, as snmptranslate: each OID given by name or number printed in the `-O` style
//! asked for (`MODULE::name.index` by default, `-On` numeric, `-Of` full, `-Os` the last
//! name). Names are looked up anywhere in the MIB, as with `-IR`. The first OID that does
//! not translate ends the command with snmptranslate's message and exit code 2. The `-T`
//! reports (tree, details) are not built.

use std::io::Write;

use mibs::Mib;

use super::args::{SnmpArgs, Syntax};
use super::{Failure, UsageError};

pub fn run(argv: &[String]) -> Result<i32, Failure> {
    if argv.iter().any(|a| a.starts_with("-T")) {
        return Err(Failure::Message("osprey translate: the -T reports are not supported".into()));
    }
    let args = SnmpArgs::parse(argv, Syntax::default())?;
    if args.positional.is_empty() {
        return Err(UsageError(String::new()).into());
    }
    let mib = match &args.mibs {
        None if args.mib_dirs.is_none() => Mib::builtin(),
        modules => Mib::load(modules.as_deref().unwrap_or("ALL"), args.mib_dirs.as_deref())
            .map_err(|e| Failure::Message(e.to_string()))?,
    };
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    for (i, text) in args.positional.iter().enumerate() {
        // snmptranslate puts an empty line between the OIDs.
        if i > 0 {
            let _ = writeln!(out);
        }
        match mib.parse_oid(text) {
            Ok(oid) => {
                let _ = writeln!(out, "{}", mib.format_oid(&oid, &args.output));
            }
            Err(e) => {
                let _ = out.flush();
                eprintln!("{text}: {e}");
                return Ok(2);
            }
        }
    }
    Ok(0)
}
