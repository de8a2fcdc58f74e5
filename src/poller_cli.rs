//! `osprey [--data DIR] device add|list|show|remove|rediscover` and `osprey [--data DIR] poll
//! [--once]`: the inventory and the poller on the command line. Errors are one line on
//! stderr and exit code 1; nothing is half-written (a refused device is not added).

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::lifecycle::fail;
use poller::credentials::{UsmCredentials, UsmInput};
use poller::inventory::{Device, Inventory, PollRecord};
use poller::target::{DEFAULT_INTERVAL, DeviceSpec, resolve};

const DEVICE_USAGE: &str = "\
usage: osprey [--data DIR] device add [NAME] HOST[:PORT] [-v 1|2c] [-c COMMUNITY] [--name NAME] [--interval SECONDS]
       osprey [--data DIR] device add [NAME] HOST[:PORT] -v 3 -u USER [-l noAuthNoPriv|authNoPriv|authPriv]
              [-a MD5|SHA|SHA-224|SHA-256|SHA-384|SHA-512] [-A PASSPHRASE] [-x DES|AES|AES-192|AES-256] [-X PASSPHRASE]
              [-n CONTEXT] [--name NAME] [--interval SECONDS]
       osprey [--data DIR] device list
       osprey [--data DIR] device show NAME
       osprey [--data DIR] device remove NAME [--purge]
       osprey [--data DIR] device rediscover NAME
DIR defaults to $OSPREY_DATA or ./osprey-data.";

const POLL_USAGE: &str = "usage: osprey [--data DIR] poll [--once]";

/// The data directory: `--data`, else `$OSPREY_DATA`, else `./osprey-data`.
pub fn data_dir(option: Option<&str>) -> PathBuf {
    option
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("OSPREY_DATA").filter(|v| !v.is_empty()).map(PathBuf::from))
        .unwrap_or_else(|| PathBuf::from("osprey-data"))
}

/// `osprey device ...`.
pub fn device(data: &Path, args: &[String]) -> i32 {
    let Some((sub, rest)) = args.split_first() else { return fail(DEVICE_USAGE) };
    let result = match sub.as_str() {
        "add" => add(data, rest),
        "list" if rest.is_empty() => list(data),
        "show" => match rest {
            [name] => show(data, name),
            _ => Err(DEVICE_USAGE.to_string()),
        },
        "remove" => match rest {
            [name] => remove(data, name, false),
            [name, purge] | [purge, name] if purge == "--purge" => remove(data, name, true),
            _ => Err(DEVICE_USAGE.to_string()),
        },
        "rediscover" => match rest {
            [name] => rediscover(data, name),
            _ => Err(DEVICE_USAGE.to_string()),
        },
        "-h" | "--help" => {
            println!("{DEVICE_USAGE}");
            return 0;
        }
        _ => Err(DEVICE_USAGE.to_string()),
    };
    match result {
        Ok(()) => 0,
        Err(message) => fail(message),
    }
}

fn add(data: &Path, args: &[String]) -> Result<(), String> {
    let (mut version, mut community, mut name, mut interval) =
        ("2c".to_string(), "public".to_string(), None, DEFAULT_INTERVAL.to_string());
    let mut positional: Vec<String> = Vec::new();
    let mut usm = UsmInput::default();
    let mut words = args.iter();
    while let Some(word) = words.next() {
        let mut value = |option: &str| words.next().cloned().ok_or(format!("option {option} needs a value"));
        match word.as_str() {
            "-v" => version = value("-v")?,
            "-c" => community = value("-c")?,
            "--name" => name = Some(value("--name")?),
            "--interval" => interval = value("--interval")?,
            "-u" => usm.user = Some(value("-u")?),
            "-l" => usm.level = Some(value("-l")?),
            "-a" => usm.auth_protocol = Some(value("-a")?),
            "-A" => usm.auth_password = Some(value("-A")?),
            "-x" => usm.priv_protocol = Some(value("-x")?),
            "-X" => usm.priv_password = Some(value("-X")?),
            "-n" => usm.context = Some(value("-n")?),
            w if w.starts_with('-') && w.len() > 1 && !positional.is_empty() => {
                return Err(format!("unknown option '{w}'\n{DEVICE_USAGE}"));
            }
            w if positional.len() < 2 => positional.push(w.to_string()),
            w => return Err(format!("unexpected argument '{w}'\n{DEVICE_USAGE}")),
        }
    }
    // `HOST` alone, or `NAME HOST` (as `--name NAME HOST`).
    let address = match positional.as_slice() {
        [address] => address.clone(),
        [given, address] if name.is_none() => {
            name = Some(given.clone());
            address.clone()
        }
        [_, extra] => return Err(format!("unexpected argument '{extra}'\n{DEVICE_USAGE}")),
        _ => return Err(DEVICE_USAGE.to_string()),
    };
    let spec = if version == "3" {
        let credentials = UsmCredentials::from_input(&usm).map_err(|e| e.to_string())?;
        DeviceSpec::new_v3(&address, credentials, name.as_deref(), &interval).map_err(|e| e.to_string())?
    } else {
        if usm.any() {
            return Err(format!("-u, -l, -a, -A, -x, -X and -n are SNMPv3 options: add -v 3 (not -v {version})"));
        }
        DeviceSpec::new(&address, &version, &community, name.as_deref(), &interval).map_err(|e| e.to_string())?
    };
    let addr = resolve(&spec.host, spec.port).map_err(|e| e.to_string())?;
    let mut inventory = Inventory::open(data).map_err(|e| e.to_string())?;
    let id = inventory.add_device(&spec, now()).map_err(|e| e.to_string())?;
    println!("added device {} ({}, {}, every {} s)", spec.name, spec.address(), spec.security_summary(), spec.interval);
    match probe(&spec, addr) {
        Ok(found) => {
            inventory.save_discovery(id, &found, now()).map_err(|e| e.to_string())?;
            println!("{}", summary(&found));
        }
        Err(e) => {
            eprintln!(
                "osprey: warning: {} does not answer yet ({e}); {} is shown as down and discovered when it first answers",
                spec.address(),
                spec.name
            );
            let record = PollRecord {
                at: now(),
                duration: Duration::ZERO,
                error: Some(e),
                uptime: None,
                discontinuities: Vec::new(),
            };
            inventory.record_poll(id, &record).map_err(|e| e.to_string())?;
        }
    }
    Ok(())
}

fn now() -> i64 {
    poller::poll::unix_now() as i64
}

/// Discovers a device now (short timeout: the user is waiting).
fn probe(spec: &DeviceSpec, addr: std::net::SocketAddr) -> Result<poller::inventory::Discovered, String> {
    let runtime = crate::lifecycle::runtime()?;
    runtime.block_on(poller::discovery::probe(spec, addr)).map_err(|e| e.to_string())
}

fn summary(found: &poller::inventory::Discovered) -> String {
    let mut parts = vec![format!("{} interfaces", found.interfaces.len())];
    if !found.storage.is_empty() {
        parts.push(format!("{} storage", found.storage.len()));
    }
    if !found.processors.is_empty() {
        parts.push(format!("{} processors", found.processors.len()));
    }
    let ucd: Vec<&str> = [(found.ucd.load, "load"), (found.ucd.memory, "memory"), (found.ucd.cpu, "cpu")]
        .iter()
        .filter_map(|(has, name)| has.then_some(*name))
        .collect();
    if !ucd.is_empty() {
        parts.push(ucd.join("/"));
    }
    format!("discovered {}: {}", found.system.name, parts.join(", "))
}

/// Prints a command's whole output; a reader that went away (`| head`) is not an error.
fn print_all(text: &str) {
    use std::io::Write as _;
    let _ = std::io::stdout().lock().write_all(text.as_bytes());
}

fn time_text(at: Option<i64>) -> String {
    at.and_then(|t| jiff::Timestamp::from_second(t).ok())
        .map(|t| t.to_zoned(jiff::tz::TimeZone::system()).strftime("%Y-%m-%d %H:%M:%S").to_string())
        .unwrap_or_else(|| "-".into())
}

fn first_line(text: &str, width: usize) -> String {
    let line = text.lines().next().unwrap_or_default();
    if line.chars().count() > width {
        format!("{}...", line.chars().take(width - 3).collect::<String>())
    } else {
        line.to_string()
    }
}

fn list(data: &Path) -> Result<(), String> {
    let mut out = String::new();
    let inventory = Inventory::open(data).map_err(|e| e.to_string())?;
    let devices = inventory.devices().map_err(|e| e.to_string())?;
    let _ = writeln!(
        out,
        "{:<20} {:<22} {:<12} {:<19} {:>8}  DESCRIPTION",
        "NAME", "ADDRESS", "STATUS", "LAST POLL", "TOOK"
    );
    for d in devices {
        let took = d.status.last_duration_ms.map_or_else(|| "-".into(), |ms| format!("{ms} ms"));
        let _ = writeln!(
            out,
            "{:<20} {:<22} {:<12} {:<19} {:>8}  {}",
            d.spec.name,
            d.spec.address(),
            d.status.state().as_str(),
            time_text(d.status.last_poll),
            took,
            first_line(&d.system.descr, 50)
        );
    }
    print_all(&out);
    Ok(())
}

fn find(inventory: &Inventory, name: &str) -> Result<Device, String> {
    inventory.device(name).map_err(|e| e.to_string())?.ok_or_else(|| format!("no device named '{name}'"))
}

fn show(data: &Path, name: &str) -> Result<(), String> {
    let mut out = String::new();
    let inventory = Inventory::open(data).map_err(|e| e.to_string())?;
    let d = find(&inventory, name)?;
    let found = inventory.discovered(&d).map_err(|e| e.to_string())?;
    let _ = writeln!(out, "name:        {}", d.spec.name);
    let _ = writeln!(out, "address:     {} (SNMP {})", d.spec.address(), d.spec.security_summary());
    let _ = writeln!(out, "interval:    {} s", d.spec.interval);
    let _ = writeln!(out, "status:      {}", d.status.state().as_str());
    let _ = writeln!(out, "last poll:   {}", time_text(d.status.last_poll));
    let _ = writeln!(out, "last ok:     {}", time_text(d.status.last_success));
    if let Some(error) = &d.status.last_error {
        let _ = writeln!(out, "last error:  {error}");
    }
    let _ = writeln!(out, "discovered:  {}", time_text(d.discovered_at));
    let _ = writeln!(out, "sysName:     {}", d.system.name);
    let _ = writeln!(out, "sysDescr:    {}", first_line(&d.system.descr, 100));
    let _ = writeln!(out, "sysObjectID: {}", d.system.object_id);
    let _ = writeln!(out, "location:    {}", d.system.location);
    let _ = writeln!(out, "contact:     {}", d.system.contact);
    if !found.interfaces.is_empty() {
        let _ = writeln!(
            out,
            "\ninterfaces:\n  {:>6}  {:<24} {:<6} {:>12}  {:<5} ALIAS",
            "INDEX", "NAME", "STATUS", "SPEED", "HC"
        );
        for i in &found.interfaces {
            let status = match i.oper_status {
                1 => "up",
                2 => "down",
                _ => "other",
            };
            let _ = writeln!(
                out,
                "  {:>6}  {:<24} {:<6} {:>12}  {:<5} {}",
                i.index,
                i.name,
                status,
                speed(i.speed_bps),
                i.hc,
                i.alias
            );
        }
    }
    if !found.storage.is_empty() {
        let _ = writeln!(out, "\nstorage:");
        for s in &found.storage {
            let _ = writeln!(
                out,
                "  {:>6}  {:<32} {:>14} bytes",
                s.index,
                s.descr,
                s.size.saturating_mul(u64::from(s.units))
            );
        }
    }
    if !found.processors.is_empty() {
        let _ = writeln!(
            out,
            "\nprocessors: {}",
            found.processors.iter().map(u32::to_string).collect::<Vec<_>>().join(", ")
        );
    }
    let dir = poller::layout::device_dir(data, &d.spec.name);
    let files = poller::layout::files(&found);
    if !files.is_empty() {
        let _ = writeln!(out, "\nfiles in {}:", dir.display());
        for f in files {
            let mark = if dir.join(&f.file_name).exists() { "" } else { " (created at the first poll)" };
            let _ = writeln!(out, "  {}{mark}", f.file_name);
        }
    }
    print_all(&out);
    Ok(())
}

fn speed(bps: u64) -> String {
    match bps {
        0 => "-".into(),
        b if b >= 1_000_000_000 && b % 1_000_000_000 == 0 => format!("{} Gbit/s", b / 1_000_000_000),
        b if b >= 1_000_000 => format!("{} Mbit/s", b / 1_000_000),
        b => format!("{b} bit/s"),
    }
}

fn remove(data: &Path, name: &str, purge: bool) -> Result<(), String> {
    let inventory = Inventory::open(data).map_err(|e| e.to_string())?;
    inventory.remove_device(name).map_err(|e| e.to_string())?;
    println!("removed device {name}");
    if purge {
        let dir = poller::layout::device_dir(data, name);
        match std::fs::remove_dir_all(&dir) {
            Ok(()) => println!("removed {}", dir.display()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(format!("{}: {e}", dir.display())),
        }
    }
    Ok(())
}

fn rediscover(data: &Path, name: &str) -> Result<(), String> {
    let mut inventory = Inventory::open(data).map_err(|e| e.to_string())?;
    let d = find(&inventory, name)?;
    let addr = resolve(&d.spec.host, d.spec.port).map_err(|e| e.to_string())?;
    let found = probe(&d.spec, addr).map_err(|e| format!("{}: {e}", d.spec.address()))?;
    inventory.save_discovery(d.id, &found, now()).map_err(|e| e.to_string())?;
    println!("{}", summary(&found));
    Ok(())
}

/// `osprey poll [--once]`.
pub fn poll(data: &Path, args: &[String]) -> i32 {
    let once = match args {
        [] => false,
        [flag] if flag == "--once" => true,
        [flag] if flag == "-h" || flag == "--help" => {
            println!("{POLL_USAGE}");
            return 0;
        }
        _ => return fail(POLL_USAGE),
    };
    let stop = match crate::lifecycle::stop_on_signals() {
        Ok(stop) => stop,
        Err(e) => return fail(e),
    };
    let config = poller::schedule::PollerConfig { once, ..poller::schedule::PollerConfig::new(data) };
    match poller::schedule::run(&config, &stop) {
        Ok(report) => {
            if once {
                println!(
                    "polled {} devices ({} failed), {} discovered, {} readings written ({} refused)",
                    report.polled + report.failed,
                    report.failed,
                    report.discovered,
                    report.written,
                    report.write_errors
                );
            }
            0
        }
        Err(e) => fail(e),
    }
}
