//! `osprey`: the command-line front end. This file only dispatches subcommands; each
//! family lives in its own module (`netsnmp` for the net-snmp compatible commands).

mod lifecycle;
mod netsnmp;
mod poller_cli;
mod rrd_cli;
mod simulate_cli;
mod up_cli;
mod user_cli;
mod web_cli;

use std::process::ExitCode;

const USAGE: &str = "\
usage: osprey COMMAND [ARGS]...

Everything on one box (agent, poller and web dashboard on embedded defaults):
  [--data DIR] up [--agent udp:127.0.0.1:1161] [--listen 127.0.0.1:8080] [--interval 60]

SNMP commands (net-snmp's options and output):
  get, getnext, bulkget, walk, bulkwalk, set, table, translate

Round-robin databases (rrdtool's arguments and output):
  rrd create|info|dump ...

Poller (data in --data DIR, $OSPREY_DATA or ./osprey-data):
  [--data DIR] device add|list|show|remove|rediscover ...
  [--data DIR] poll [--once]
  [--data DIR] web [--listen 127.0.0.1:8080]
  [--data DIR] user add NAME | user remove NAME | user list   (dashboard logins; password on stdin)

Device simulator (snmpsim-like, loopback only):
  simulate (--walk FILE | --snmprec FILE) --listen 127.0.0.1:PORT[-LAST] [--devices N] ...

Run `osprey COMMAND -h` for a command's options.";

fn main() -> ExitCode {
    let mut argv: Vec<String> = std::env::args().skip(1).collect();
    // The global option of the poller's commands: `--data DIR` before the command.
    let mut data = None;
    while let Some(first) = argv.first() {
        if let Some(dir) = first.strip_prefix("--data=") {
            data = Some(dir.to_string());
            argv.remove(0);
        } else if first == "--data" && argv.len() >= 2 {
            data = Some(argv.remove(1));
            argv.remove(0);
        } else {
            break;
        }
    }
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
    if command == "simulate" {
        return ExitCode::from(u8::try_from(simulate_cli::run(rest)).unwrap_or(1));
    }
    let data_dir = || poller_cli::data_dir(data.as_deref());
    match command.as_str() {
        "device" => return ExitCode::from(u8::try_from(poller_cli::device(&data_dir(), rest)).unwrap_or(1)),
        "poll" => return ExitCode::from(u8::try_from(poller_cli::poll(&data_dir(), rest)).unwrap_or(1)),
        "web" => return ExitCode::from(u8::try_from(web_cli::run(&data_dir(), rest)).unwrap_or(1)),
        "user" => return ExitCode::from(u8::try_from(user_cli::run(&data_dir(), rest)).unwrap_or(1)),
        "up" => return ExitCode::from(u8::try_from(up_cli::run(&data_dir(), rest)).unwrap_or(1)),
        _ => {}
    }
    if !netsnmp::COMMANDS.iter().any(|(c, _)| c == command) {
        eprintln!("osprey: unknown command '{command}'\n\n{USAGE}");
        return ExitCode::from(1);
    }
    let runtime = match lifecycle::runtime() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("osprey: {e}");
            return ExitCode::from(1);
        }
    };
    let code = runtime.block_on(netsnmp::run(command, rest));
    ExitCode::from(u8::try_from(code).unwrap_or(1))
}
