//! `osprey rrd ...`: rrdtool's command line for the `rrd` crate, with rrdtool's arguments,
//! output and errors (`ERROR: ...` on stderr, exit code 1), so scripts can switch from
//! `rrdtool` to `osprey rrd` unchanged; and `osprey rrd -`, rrdtool's pipe mode (one command
//! per line on stdin, each answered by its output and `OK u:... s:... r:...`, or by
//! `ERROR: ...`), which MRTG and Cacti drive. Commands today: `create`, `update`, `info`,
//! `dump`, `fetch`, `lastupdate`, `first`, `last`, `restore`, `tune`.

use std::io::{BufRead, Write};
use std::time::{Duration, Instant};

const USAGE: &str = "\
Usage: osprey rrd COMMAND ARGUMENTS
       osprey rrd -          (commands from stdin, one per line, as rrdtool -)
Commands (rrdtool's arguments and output):
  create FILE [--start|-b T] [--step|-s S] [--no-overwrite|-O] DS:... RRA:...
  update FILE [--template|-t DS:DS...] [--skip-past-updates|-s] TIME|N:VALUE[:VALUE...]...
  info FILE
  lastupdate FILE
  first FILE [--rraindex N]
  last FILE
  dump [--header|-h {none,xsd,dtd}] [--no-header|-n] FILE [OUT.xml]
  fetch FILE CF [-r|--resolution RES] [-s|--start START] [-e|--end END] [-a|--align-start]
  restore [--range-check|-r] [--force-overwrite|-f] FILE.xml FILE.rrd
  tune FILE [-h|--heartbeat DS:HB] [-i|--minimum DS:MIN] [-a|--maximum DS:MAX]
       [-d|--data-source-type DS:DST] [-r|--data-source-rename OLD:NEW]";

/// Runs `osprey rrd ARGS` and returns the exit code.
pub fn run(argv: &[String]) -> i32 {
    let Some((command, args)) = argv.split_first() else {
        eprintln!("{USAGE}");
        return 1;
    };
    match command.as_str() {
        "-" => {
            rrd::cache::raise_open_file_limit();
            let mut cache = rrd::batch::ParallelCache::with_available_parallelism();
            // Large reads make large batches out of a stream of commands.
            let input = std::io::BufReader::with_capacity(1 << 16, std::io::stdin().lock());
            let code = pipe(input, &mut std::io::BufWriter::new(std::io::stdout().lock()), &mut cache);
            // The process ends now: its exit unmaps and closes the cached files far faster
            // than one munmap and close each (measured: 2,000 files, 20 ms of 60).
            std::mem::forget(cache);
            return code;
        }
        "-h" | "--help" | "help" => {
            println!("{USAGE}");
            return 0;
        }
        _ => {}
    }
    match execute(command, args) {
        Ok(output) => {
            let _ = std::io::stdout().lock().write_all(output.as_bytes());
            0
        }
        Err(Failed { output, message }) => {
            let _ = std::io::stdout().lock().write_all(output.as_bytes());
            eprintln!("ERROR: {message}");
            1
        }
    }
}

/// A failed command: what it printed before failing (rrdtool's `first` and `last` print `-1`) and
/// the error message.
struct Failed {
    output: String,
    message: String,
}

impl From<String> for Failed {
    fn from(message: String) -> Self {
        Failed { output: String::new(), message }
    }
}

/// One command: its standard output, or what it printed and the error message.
fn execute(command: &str, args: &[String]) -> Result<String, Failed> {
    let result = match command {
        "create" => create(args).map(|()| String::new()),
        "update" => update(args).map(|()| String::new()),
        "info" => info(args),
        "lastupdate" => lastupdate(args),
        "first" => first(args),
        "last" => last(args),
        "dump" => dump(args),
        "fetch" => fetch(args),
        "restore" => restore(args),
        "tune" => tune(args),
        other => Err(format!("unknown command '{other}'")),
    };
    result.map_err(|message| Failed {
        output: if matches!(command, "first" | "last") { "-1\n".into() } else { String::new() },
        message,
    })
}

/// rrdtool's pipe mode. `quit` or the end of input ends it; the exit code is 0.
///
/// Input is taken as it comes: every complete line available is run, then the answers are
/// flushed before reading more, so a driver that waits for each answer gets it at once, and a
/// stream of commands is answered in large writes. A run of consecutive `update` lines is one
/// batch for `cache` (files kept open, several files updated at once on several cores), with
/// the same results and files as one line after another (see [`rrd::batch`]).
pub fn pipe(mut input: impl BufRead, out: &mut impl Write, cache: &mut rrd::batch::ParallelCache) -> i32 {
    let mut pending: Vec<u8> = Vec::new();
    let mut cpu = CpuClock::new();
    loop {
        let eof = match input.fill_buf() {
            Ok(chunk) => {
                let read = chunk.len();
                pending.extend_from_slice(chunk);
                input.consume(read);
                read == 0
            }
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(_) => true,
        };
        // Complete lines only, but at the end whatever is left, newline or not.
        let complete = if eof { pending.len() } else { pending.iter().rposition(|b| *b == b'\n').map_or(0, |i| i + 1) };
        let lines = pending.get(..complete).unwrap_or_default();
        match run_lines(lines, out, cache, &mut cpu) {
            Ok(true) if !eof => {}
            Ok(_) => break,
            Err(_) => return 1,
        }
        pending.drain(..complete);
        // Answer what was asked before waiting for more.
        if out.flush().is_err() {
            return 1;
        }
    }
    if out.flush().is_err() { 1 } else { 0 }
}

/// Runs pipe-mode lines and writes their answers. Ok(false) when a line ends the session
/// (`quit`, or text that is not UTF-8, where rrdtool stops reading too).
fn run_lines(
    lines: &[u8],
    out: &mut impl Write,
    cache: &mut rrd::batch::ParallelCache,
    cpu: &mut CpuClock,
) -> std::io::Result<bool> {
    // Consecutive updates wait here to run as one batch: their line's parse error, or the update.
    let mut updates: Vec<Result<rrd::batch::Update<'_>, String>> = Vec::new();
    for line in lines.split(|b| *b == b'\n') {
        let Ok(line) = std::str::from_utf8(line) else {
            run_updates(&updates, out, cache, cpu)?;
            return Ok(false);
        };
        let words: Vec<&str> = line.split_whitespace().collect();
        let Some((command, args)) = words.split_first() else { continue };
        if *command == "update" {
            updates.push(update_args(args).map(|(file, readings, options)| rrd::batch::Update {
                path: std::path::Path::new(file),
                options,
                readings,
            }));
            continue;
        }
        run_updates(&updates, out, cache, cpu)?;
        updates.clear();
        if *command == "quit" {
            return Ok(false);
        }
        let started = Instant::now();
        let args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
        match execute(command, &args) {
            Ok(output) => {
                out.write_all(output.as_bytes())?;
                write_ok(out, cpu.since_last(), started.elapsed())?;
            }
            Err(Failed { output, message }) => writeln!(out, "{output}ERROR: {message}")?,
        }
    }
    run_updates(&updates, out, cache, cpu)?;
    Ok(true)
}

/// Runs a batch of pipe-mode updates and writes an answer per line, in order. The batch's CPU
/// time shows on its last `OK` line and each line's real time is the batch's average: the
/// lines ran together, and the sums are what rrdtool's would be.
fn run_updates(
    updates: &[Result<rrd::batch::Update<'_>, String>],
    out: &mut impl Write,
    cache: &mut rrd::batch::ParallelCache,
    cpu: &mut CpuClock,
) -> std::io::Result<()> {
    let started = Instant::now();
    let batch: Vec<rrd::batch::Update<'_>> = updates.iter().filter_map(|u| u.as_ref().ok()).cloned().collect();
    let mut results = cache.update_batch(&batch).into_iter();
    let real = started.elapsed() / u32::try_from(updates.len().max(1)).unwrap_or(u32::MAX);
    let parallel = batch.len() > 1 && cache.workers() > 1;
    let last_ok = updates.iter().rposition(|u| u.is_ok());
    for (index, update) in updates.iter().enumerate() {
        let result = match update {
            Ok(_) => results.next().unwrap_or(Ok(())).map_err(|e| e.to_string()),
            Err(message) => Err(message.clone()),
        };
        match result {
            Ok(()) if parallel && Some(index) != last_ok => write_ok(out, (0.0, 0.0), real)?,
            Ok(()) if parallel => write_ok(out, cpu.measure(), real)?,
            Ok(()) => write_ok(out, cpu.since_last(), real)?,
            Err(message) => writeln!(out, "ERROR: {message}")?,
        }
    }
    Ok(())
}

/// rrdtool's answer to a command that worked: `OK u:USER s:SYSTEM r:REAL`.
fn write_ok(out: &mut impl Write, (user, system): (f64, f64), real: Duration) -> std::io::Result<()> {
    let real = real.as_secs_f64();
    if user == 0.0 && system == 0.0 && real < 0.005 {
        // The usual answer of a fast update, without formatting three numbers.
        out.write_all(b"OK u:0.00 s:0.00 r:0.00\n")
    } else {
        writeln!(out, "OK u:{user:.2} s:{system:.2} r:{real:.2}")
    }
}

/// rrdtool's `u:` and `s:`: the user and system CPU seconds since the previous `OK` line.
///
/// rrdtool calls `getrusage` for every line. Here that system call was a tenth of a cached
/// update's time, so it is skipped while it cannot change the output: this process is
/// single-threaded outside update batches (which measure when they end), so neither of its
/// CPU times grows faster than the wall clock (Linux keeps both monotonic and their sum exact),
/// and while less than 5 ms of wall time has passed since the last `getrusage`, both
/// differences print as `0.00`. They are not lost: the next `getrusage` measures from the
/// last one, as rrdtool does.
struct CpuClock {
    measured_at: Instant,
    user: f64,
    system: f64,
}

impl CpuClock {
    /// Below this much wall time, CPU time differences print as `0.00`.
    const UNSEEN: Duration = Duration::from_micros(4_999);

    /// The wall clock is read before `getrusage`, so it never undercounts.
    fn new() -> Self {
        let measured_at = Instant::now();
        let (user, system) = cpu_seconds();
        CpuClock { measured_at, user, system }
    }

    /// The CPU time since the last `OK` line, or zeros while it cannot show. Valid only while
    /// this thread alone ran since the last measurement.
    fn since_last(&mut self) -> (f64, f64) {
        if self.measured_at.elapsed() < Self::UNSEEN {
            return (0.0, 0.0);
        }
        self.measure()
    }

    /// The CPU time since the last measurement, measured now.
    fn measure(&mut self) -> (f64, f64) {
        let now = CpuClock::new();
        let since = (now.user - self.user, now.system - self.system);
        *self = now;
        since
    }
}

/// This process's user and system CPU seconds (`getrusage`, as rrdtool; zero on failure).
fn cpu_seconds() -> (f64, f64) {
    use nix::sys::resource::{UsageWho, getrusage};
    let seconds = |t: nix::sys::time::TimeVal| t.tv_sec() as f64 + t.tv_usec() as f64 / 1e6;
    match getrusage(UsageWho::RUSAGE_SELF) {
        Ok(usage) => (seconds(usage.user_time()), seconds(usage.system_time())),
        Err(_) => (0.0, 0.0),
    }
}

fn create(args: &[String]) -> Result<(), String> {
    let spec = rrd::create::parse_args(args, rrd::create::now()).map_err(|e| e.to_string())?;
    rrd::create::write_new(std::path::Path::new(&spec.path), &spec.build(), spec.no_overwrite)
        .map_err(|e| e.to_string())
}

fn update(args: &[String]) -> Result<(), String> {
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let (file, readings, options) = update_args(&args)?;
    rrd::update::update_file(std::path::Path::new(file), options, &readings).map(|_| ()).map_err(|e| e.to_string())
}

/// `update`'s arguments: the file, the readings and the options.
fn update_args<'a>(args: &[&'a str]) -> Result<(&'a str, Vec<&'a str>, rrd::update::UpdateOptions<'a>), String> {
    let mut template = None;
    let mut skip_past = false;
    let mut positional = Vec::new();
    let mut words = args.iter().copied();
    while let Some(word) = words.next() {
        match word {
            "--template" | "-t" => template = Some(words.next().ok_or("option requires an argument -- 't'")?),
            w if w.starts_with("--template=") => template = w.strip_prefix("--template="),
            "--skip-past-updates" | "-s" => skip_past = true,
            // A reading may start with '-' only as a negative time, which rrdtool refuses too.
            w if w.starts_with('-') && w.len() > 1 && !w.starts_with("-1") => {
                return Err(format!("unknown option '{w}'"));
            }
            w => positional.push(w),
        }
    }
    let Some((file, readings)) = positional.split_first() else {
        return Err("Usage: osprey rrd update FILE [--template|-t DS:DS...] TIME|N:VALUE...".into());
    };
    if readings.is_empty() {
        return Err("Not enough arguments".into());
    }
    Ok((file, readings.to_vec(), rrd::update::UpdateOptions { template, skip_past }))
}

fn one_file<'a>(args: &'a [String], usage: &str) -> Result<&'a str, String> {
    match args {
        [file] => Ok(file),
        _ => Err(format!("Usage: osprey rrd {usage}")),
    }
}

fn lastupdate(args: &[String]) -> Result<String, String> {
    Ok(rrd::lastupdate::lastupdate(&load(one_file(args, "lastupdate FILE")?)?))
}

fn last(args: &[String]) -> Result<String, String> {
    Ok(format!("{}\n", rrd::lastupdate::last(&load(one_file(args, "last FILE")?)?)))
}

fn first(args: &[String]) -> Result<String, String> {
    let mut index = 0;
    let mut files = Vec::new();
    let mut words = args.iter();
    while let Some(word) = words.next() {
        match word.as_str() {
            "--rraindex" => {
                let value = words.next().ok_or("option '--rraindex' requires an argument")?;
                index = rrd::lastupdate::parse_rra_index(value).map_err(|e| e.to_string())?;
            }
            w => files.push(w),
        }
    }
    let [file] = files.as_slice() else { return Err("Usage: osprey rrd first FILE [--rraindex N]".into()) };
    let first = rrd::lastupdate::first(&load(file)?, index).map_err(|e| e.to_string())?;
    Ok(format!("{first}\n"))
}

fn load(file: &str) -> Result<rrd::Rrd, String> {
    rrd::Rrd::load(file).map_err(|e| e.to_string())
}

fn info(args: &[String]) -> Result<String, String> {
    let [file] = args else { return Err("Usage: osprey rrd info FILE".into()) };
    Ok(rrd::info::info(&load(file)?, file))
}

fn dump(args: &[String]) -> Result<String, String> {
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
        None => Ok(xml),
        Some(path) => std::fs::write(path, xml).map(|()| String::new()).map_err(|e| format!("opening '{path}': {e}")),
    }
}

fn fetch(args: &[String]) -> Result<String, String> {
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    rrd::fetch::run(&args, rrd::create::now()).map_err(|e| e.to_string())
}

fn restore(args: &[String]) -> Result<String, String> {
    let (options, xml, file) = rrd::restore::parse_args(args).map_err(|e| e.to_string())?;
    rrd::restore::restore(std::path::Path::new(&xml), std::path::Path::new(&file), options)
        .map(|_| String::new())
        .map_err(|e| e.to_string())
}

fn tune(args: &[String]) -> Result<String, String> {
    let Some((file, options)) = args.split_first() else {
        return Err("Usage: osprey rrd tune FILE [-h|--heartbeat DS:HB] [-i|--minimum DS:MIN] ...".into());
    };
    rrd::tune::tune(std::path::Path::new(file), options).map_err(|e| e.to_string())
}
