//! `osprey`: the command-line front end. This file only dispatches subcommands; each
//! family lives in its own module (`netsnmp` for the net-snmp compatible commands).

mod netsnmp;
mod rrd_cli;

use std::process::ExitCode;

const USAGE: &str = "\
usage: osprey COMMAND [ARGS]...

SNMP commands (net-snmp's options and output):
  get, getnext, bulkget, walk, bulkwalk, set, table

Round-robin databases (rrdtool's arguments and output):
  rrd create|info|dump ...

Run `osprey COMMAND -h` for a command's options.";

fn main() -> ExitCode {
    let argv: Vec<String> = std::env::args().skip(1).collect();
    let Some((command, rest)) = argv.split_first() else {
        eprintln!("{USAGE}");
        return ExitCode::from(1);
    };
    if matches!(command.as_str(), "-h" | "--help" | "help") {
        println!("{USAGE}");
        return ExitCode::SUCCESS;
    }
    if matches!(command.as_str(), "-V" | "--version") {
        println!("osprey {}", env!("CARGO_PKG_VERSION"));
        return ExitCode::SUCCESS;
    }
    if command == "rrd" {
        return ExitCode::from(u8::try_from(rrd_cli::run(rest)).unwrap_or(1));
    }
    if !netsnmp::COMMANDS.iter().any(|(c, _)| c == command) {
        eprintln!("osprey: unknown command '{command}'\n\n{USAGE}");
        return ExitCode::from(1);
    }
    let runtime = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("osprey: cannot start the async runtime: {e}");
            return ExitCode::from(1);
        }
    };
    let code = runtime.block_on(netsnmp::run(command, rest));
    ExitCode::from(u8::try_from(code).unwrap_or(1))
}
