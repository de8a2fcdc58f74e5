//! `osprey rrd ...`: rrdtool's command line for the `rrd` crate, with rrdtool's arguments,
//! output and errors (`ERROR: ...` on stderr, exit code 1), so scripts can switch from
//! `rrdtool` to `osprey rrd` unchanged. Today: `create`, `info`, `dump`, `fetch`.

use std::io::Write;

const USAGE: &str = "\
Usage: osprey rrd COMMAND ARGUMENTS
Commands (rrdtool's arguments and output):
  create FILE [--start|-b T] [--step|-s S] [--no-overwrite|-O] DS:... RRA:...
  info FILE
  dump [--header|-h {none,xsd,dtd}] [--no-header|-n] FILE [OUT.xml]
  fetch FILE CF [-r|--resolution RES] [-s|--start START] [-e|--end END] [-a|--align-start]";

/// Runs one rrd command and returns the exit code.
pub fn run(argv: &[String]) -> i32 {
    let Some((command, args)) = argv.split_first() else {
        eprintln!("{USAGE}");
        return 1;
    };
    let result = match command.as_str() {
        "create" => create(args),
        "info" => info(args),
        "dump" => dump(args),
        "fetch" => fetch(args),
        "-h" | "--help" | "help" => {
            println!("{USAGE}");
            return 0;
        }
        other => Err(format!("unknown command '{other}'\n{USAGE}")),
    };
    match result {
        Ok(()) => 0,
        Err(message) => {
            eprintln!("ERROR: {message}");
            1
        }
    }
}

fn create(args: &[String]) -> Result<(), String> {
    let spec = rrd::create::parse_args(args, rrd::create::now()).map_err(|e| e.to_string())?;
    rrd::create::write_new(std::path::Path::new(&spec.path), &spec.build(), spec.no_overwrite)
        .map_err(|e| e.to_string())
}

fn load(file: &str) -> Result<rrd::Rrd, String> {
    rrd::Rrd::load(file).map_err(|e| e.to_string())
}

fn info(args: &[String]) -> Result<(), String> {
    let [file] = args else { return Err("Usage: osprey rrd info FILE".into()) };
    let text = rrd::info::info(&load(file)?, file);
    std::io::stdout().lock().write_all(text.as_bytes()).map_err(|e| e.to_string())
}

fn dump(args: &[String]) -> Result<(), String> {
    let mut header = "dtd";
    let mut files = Vec::new();
    let mut words = args.iter();
    while let Some(word) = words.next() {
        match word.as_str() {
            "--no-header" | "-n" => header = "none",
            "--header" | "-h" => header = words.next().map(String::as_str).unwrap_or_default(),
            w if w.starts_with('-') && w.len() > 1 => return Err(format!("unknown option '{w}'")),
            w => files.push(w),
        }
    }
    let (file, out) = match files.as_slice() {
        [file] => (*file, None),
        [file, out] => (*file, Some(*out)),
        _ => return Err("Usage: osprey rrd dump [--header|-h {none,xsd,dtd}] [--no-header|-n] FILE [OUT.xml]".into()),
    };
    let xml = rrd::dump::dump(&load(file)?);
    let xml = match header {
        "dtd" => xml,
        // Without a header rrdtool leaves out the XML declaration and the DOCTYPE.
        "none" => xml.splitn(3, '\n').nth(2).unwrap_or_default().to_string(),
        other => return Err(format!("header type '{other}' is not supported (use dtd or none)")),
    };
    match out {
        None => std::io::stdout().lock().write_all(xml.as_bytes()).map_err(|e| e.to_string()),
        Some(path) => std::fs::write(path, xml).map_err(|e| format!("opening '{path}': {e}")),
    }
}

fn fetch(args: &[String]) -> Result<(), String> {
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let text = rrd::fetch::run(&args, rrd::create::now()).map_err(|e| e.to_string())?;
    std::io::stdout().lock().write_all(text.as_bytes()).map_err(|e| e.to_string())
}
