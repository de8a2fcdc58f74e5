//! `osprey simulate`: serves a recorded device (an `snmpwalk -On` capture or an snmpsim
//! `.snmprec` file) on one or many loopback ports, like snmpsim, until SIGINT or SIGTERM.
//! Arguments are checked before anything is read; a bad one prints the usage on stderr and
//! exits 1. The recording's warnings go to stderr as `FILE:LINE: warning: ...`.

use std::io::Write;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::Ordering;

use agent::simulate::listen::Listen;
use agent::simulate::record::{self, Format};
use agent::simulate::serve::{self, DeviceOptions, Simulator};
use agent::stats::Stats;

const USAGE: &str = "\
usage: osprey simulate (--walk FILE | --snmprec FILE) --listen ADDRESS:PORT[-LAST]
                       [--devices N] [--community NAME] [--counter-rate PER_SECOND]
       osprey simulate (--walk FILE | --snmprec FILE) --check

Answers SNMP v1/v2c GET, GETNEXT and GETBULK from a recorded device, read-only.
  --walk FILE         a recording made with `snmpwalk -v2c -On AGENT .1` (MIBS= for exact bytes)
  --snmprec FILE      a recording in snmpsim's OID|TAG|VALUE format
  --listen A:P        one device on loopback address A, port P
  --listen A:P-LAST   one device on each port from P to LAST
  --devices N         N devices on N consecutive ports from P
  --community NAME    the read-only community (default: public)
  --counter-rate R    Counter32/Counter64 values grow by about R per second (device k at
                      R x (1 + (k mod 4)/4), starting k x 1000003 ahead) and wrap; sysUpTime.0
                      and hrSystemUptime.0 advance. Default: every value exactly as recorded.
  --check             load the recording, print what it holds and its warnings, and exit
Only loopback addresses (127.0.0.0/8, ::1) are served. Stop with SIGINT or SIGTERM.";

/// Warnings printed before the rest are only counted.
const SHOWN_WARNINGS: usize = 20;

#[derive(Debug, Default, PartialEq)]
struct Args {
    recording: Option<(Format, PathBuf)>,
    listen: Option<Listen>,
    devices: Option<usize>,
    community: Option<String>,
    counter_rate: Option<f64>,
    check: bool,
}

fn parse(argv: &[String]) -> Result<Args, String> {
    let mut args = Args::default();
    let mut rest = argv.iter();
    while let Some(arg) = rest.next() {
        let (name, attached) = match arg.split_once('=') {
            Some((n, v)) if n.starts_with("--") => (n, Some(v.to_string())),
            _ => (arg.as_str(), None),
        };
        let mut value = || attached.clone().or_else(|| rest.next().cloned()).ok_or(format!("{name} needs a value"));
        match name {
            "--walk" | "--snmprec" => {
                let format = if name == "--walk" { Format::Walk } else { Format::Snmprec };
                if args.recording.is_some() {
                    return Err("give one recording: --walk FILE or --snmprec FILE".into());
                }
                args.recording = Some((format, PathBuf::from(value()?)));
            }
            "--listen" => args.listen = Some(Listen::parse(&value()?)?),
            "--devices" => {
                let v = value()?;
                let n = v.parse().map_err(|_| format!("--devices {v:?} is not a count"))?;
                args.devices = Some(n);
            }
            "--community" => args.community = Some(value()?),
            "--counter-rate" => {
                let v = value()?;
                let rate: f64 = v.parse().map_err(|_| format!("--counter-rate {v:?} is not a number"))?;
                if !rate.is_finite() || rate < 0.0 {
                    return Err(format!("--counter-rate {v:?} must be a number of at least 0"));
                }
                args.counter_rate = Some(rate);
            }
            "--check" => args.check = true,
            other => return Err(format!("unknown option {other:?}")),
        }
    }
    if args.recording.is_none() {
        return Err("a recording is needed: --walk FILE or --snmprec FILE".into());
    }
    if !args.check && args.listen.is_none() {
        return Err("--listen ADDRESS:PORT is needed".into());
    }
    Ok(args)
}

/// Runs `osprey simulate ARGS` and returns the exit code.
pub fn run(argv: &[String]) -> i32 {
    if argv.iter().any(|a| a == "-h" || a == "--help") {
        println!("{USAGE}");
        return 0;
    }
    let args = match parse(argv) {
        Ok(a) => a,
        Err(e) => {
            eprintln!("osprey simulate: {e}\n\n{USAGE}");
            return 1;
        }
    };
    let Some((format, path)) = &args.recording else { return 1 };
    // Addresses are checked before the (possibly large) recording is read.
    let addrs = match args.listen.map(|l| l.addresses(args.devices)).transpose() {
        Ok(a) => a.unwrap_or_default(),
        Err(e) => {
            eprintln!("osprey simulate: {e}\n\n{USAGE}");
            return 1;
        }
    };
    let loaded = match record::load_as(path, Some(*format)) {
        Ok(l) => l,
        Err(e) => {
            eprintln!("osprey simulate: {e}");
            return 1;
        }
    };
    for w in loaded.warnings.iter().take(SHOWN_WARNINGS) {
        eprintln!("{w}");
    }
    if loaded.warnings.len() > SHOWN_WARNINGS {
        eprintln!("{}: {} more warnings", path.display(), loaded.warnings.len() - SHOWN_WARNINGS);
    }
    let objects = loaded.recording.len();
    if args.check {
        println!("{}: {objects} objects, {} warnings", path.display(), loaded.warnings.len());
        return 0;
    }
    let recording = Arc::new(loaded.recording);
    let options = DeviceOptions {
        community: args.community.clone().unwrap_or_else(|| "public".into()),
        counter_rate: args.counter_rate,
    };
    let stats = Arc::new(Stats::default());
    let simulator = match serve::dispatchers(&recording, addrs.len(), &options, &stats)
        .and_then(|d| Simulator::start(addrs.iter().copied().zip(d).collect()))
    {
        Ok(s) => s,
        Err(e) => {
            eprintln!("osprey simulate: {e}");
            return 1;
        }
    };
    println!("osprey simulate: {}", describe(path, objects, &simulator, &options));
    let _ = std::io::stdout().flush();
    let waited = serve::wait_for_termination();
    simulator.stop();
    if let Err(e) = waited {
        eprintln!("osprey simulate: {e}");
        return 1;
    }
    let read = |c: &std::sync::atomic::AtomicU32| c.load(Ordering::Relaxed);
    eprintln!(
        "osprey simulate: stopped; {} requests answered, dropped: {} wrong community, {} undecodable, {} bad version",
        read(&stats.out_get_responses),
        read(&stats.in_bad_community_names),
        read(&stats.in_asn_parse_errs),
        read(&stats.in_bad_versions),
    );
    0
}

/// `FILE (N objects) as D devices on 127.0.0.1:P1-P2, community "public", ...`.
fn describe(path: &std::path::Path, objects: usize, simulator: &Simulator, options: &DeviceOptions) -> String {
    let addrs = &simulator.local_addrs;
    let ports = match (addrs.first(), addrs.last()) {
        (Some(first), Some(last)) if addrs.len() > 1 => format!("{}:{}-{}", fmt_ip(first), first.port(), last.port()),
        (Some(only), _) => format!("{}:{}", fmt_ip(only), only.port()),
        _ => String::new(),
    };
    let devices = if addrs.len() == 1 { "1 device".to_string() } else { format!("{} devices", addrs.len()) };
    let values = match options.counter_rate {
        Some(rate) => format!("counters +{rate}/s"),
        None => "values as recorded".into(),
    };
    format!(
        "serving {} ({objects} objects) as {devices} on {ports}, community {:?}, {values}",
        path.display(),
        options.community
    )
}

fn fmt_ip(addr: &std::net::SocketAddr) -> String {
    match addr {
        std::net::SocketAddr::V6(v6) => format!("[{}]", v6.ip()),
        std::net::SocketAddr::V4(v4) => v4.ip().to_string(),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn args(s: &str) -> Result<Args, String> {
        parse(&s.split_whitespace().map(String::from).collect::<Vec<_>>())
    }

    #[test]
    fn arguments() {
        let a = args("--snmprec dev.snmprec --listen 127.0.0.1:20000 --devices 3 --counter-rate=1e6").unwrap();
        assert_eq!(a.recording, Some((Format::Snmprec, PathBuf::from("dev.snmprec"))));
        assert_eq!(a.devices, Some(3));
        assert_eq!(a.counter_rate, Some(1e6));
        assert!(args("--walk w.txt --check").unwrap().check);
        for (bad, why) in [
            ("--listen 127.0.0.1:1161", "a recording is needed"),
            ("--walk w.txt", "--listen ADDRESS:PORT is needed"),
            ("--walk w.txt --snmprec s --listen 127.0.0.1:1", "give one recording"),
            ("--walk w.txt --listen 10.1.2.3:161", "not a loopback address"),
            ("--walk w.txt --listen 127.0.0.1:1 --devices x", "not a count"),
            ("--walk w.txt --listen 127.0.0.1:1 --counter-rate -5", "at least 0"),
            ("--walk w.txt --listen 127.0.0.1:1 --frobnicate", "unknown option"),
            ("--walk", "--walk needs a value"),
        ] {
            let e = args(bad).unwrap_err();
            assert!(e.contains(why), "{bad}: {e}");
        }
    }
}
