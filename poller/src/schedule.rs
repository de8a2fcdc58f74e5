//! Polling every device on its own interval, and the RRD writer the polls feed.
//!
//! One async task per poll on a single-threaded runtime, at most [`PollerConfig::concurrency`]
//! in flight, all sharing a few UDP sockets ([`snmp::client::Transport`]); each device's first
//! poll is spread over its interval (by a hash of its name) so a fleet does not poll at the
//! same second. A device still being polled when its next turn comes is skipped for that turn
//! and logged as an overrun, so a slow or dead device never delays the others. Discovery runs
//! before a device's first poll, when a poll finds the interfaces changed or the agent
//! restarted, and every [`PollerConfig::rediscover_every`].
//!
//! RRD files are written by one writer thread through [`rrd::batch::ParallelCache`] (files kept
//! open, several files at once), creating missing files first; the inventory (poll status,
//! counter state) is written by the polling loop. On stop (SIGTERM) no poll starts, the polls
//! in flight finish, and the writer writes everything queued before the process exits.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use snmp::Client;
use snmp::client::Transport;

use crate::discovery::discover;
use crate::error::Error;
use crate::inventory::{Device, Discovered, Inventory, PollRecord};
use crate::layout::{RrdFile, create_args, device_dir, files};
use crate::poll::{poll, unix_now};
use crate::querier::SnmpQuerier;
use crate::sample::{Sample, updates};
use crate::target::resolve;

/// How the poller runs.
#[derive(Debug, Clone)]
pub struct PollerConfig {
    /// The data directory (inventory and RRD files).
    pub data_dir: PathBuf,
    /// Poll every device once, then return.
    pub once: bool,
    /// Most polls in flight.
    pub concurrency: usize,
    /// UDP sockets shared by all devices (per address family).
    pub sockets: usize,
    /// Per request attempt.
    pub timeout: Duration,
    /// Extra attempts.
    pub retries: u32,
    /// Discover every device again this often.
    pub rediscover_every: Duration,
    /// How often the inventory is read again for added or removed devices.
    pub reload_every: Duration,
}

impl PollerConfig {
    /// The defaults for `data_dir`.
    pub fn new(data_dir: &Path) -> Self {
        PollerConfig {
            data_dir: data_dir.to_path_buf(),
            once: false,
            concurrency: 256,
            sockets: 4,
            timeout: Duration::from_secs(2),
            retries: 1,
            rediscover_every: Duration::from_secs(6 * 3600),
            reload_every: Duration::from_secs(10),
        }
    }
}

/// What a run did, for `poll --once` and tests.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RunReport {
    /// Polls that succeeded.
    pub polled: usize,
    /// Polls that failed (device down, bad answers).
    pub failed: usize,
    /// Discoveries run.
    pub discovered: usize,
    /// Readings written to RRD files.
    pub written: usize,
    /// Readings rrd refused or could not write.
    pub write_errors: usize,
}

/// Writes a line to the poller's log (standard error).
pub fn log(message: &str) {
    eprintln!("osprey poll: {message}");
}

/// One device as the loop keeps it.
struct Scheduled {
    device: Device,
    found: Discovered,
    /// The device's files (shared with the writer's [`NewFile`]s).
    files: Arc<[RrdFile]>,
    querier: Option<Arc<SnmpQuerier>>,
    next_due: Instant,
    polling_since: Option<Instant>,
    discover: bool,
    last_discovery: Option<Instant>,
    /// Polled at least once in this run.
    launched: bool,
}

/// What a poll task brings back.
struct Outcome {
    name: String,
    started: Instant,
    discovered: Option<Discovered>,
    result: Result<Sample, Error>,
}

/// One reading for the writer: the device's inventory id, the file, how to make it (if it
/// must be made) and the reading.
struct Reading {
    device_id: i64,
    path: PathBuf,
    new_file: NewFile,
    reading: String,
}

/// What a missing file is made from: the device's files, which one, its step and start. The
/// `rrd create` arguments are built from it only when the file is made, not at every poll.
struct NewFile {
    files: Arc<[RrdFile]>,
    index: usize,
    interval: u32,
    start: i64,
}

/// A batch of readings for the writer.
type WriteJob = Vec<Reading>;

/// Runs the poller until `stop` is set (or after one round with `once`).
pub fn run(config: &PollerConfig, stop: &AtomicBool) -> Result<RunReport, Error> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|source| Error::Io { path: "async runtime".into(), source })?;
    let local = tokio::task::LocalSet::new();
    let (jobs, receiver) = mpsc::channel::<WriteJob>();
    let data_dir = config.data_dir.clone();
    let writer = std::thread::spawn(move || write_loop(&receiver, &data_dir));
    let result = local.block_on(&runtime, poll_loop(config, stop, &jobs));
    drop(jobs);
    let (written, write_errors) = writer.join().unwrap_or((0, 0));
    result.map(|report| RunReport { written, write_errors, ..report })
}

async fn transports(count: usize, family: std::net::SocketAddr) -> Result<Vec<Arc<Transport>>, Error> {
    let mut all = Vec::with_capacity(count);
    for _ in 0..count.max(1) {
        all.push(Transport::bind(family).await.map_err(|e| Error::Snmp(e.to_string()))?);
    }
    Ok(all)
}

async fn poll_loop(
    config: &PollerConfig,
    stop: &AtomicBool,
    jobs: &mpsc::Sender<WriteJob>,
) -> Result<RunReport, Error> {
    let mut inventory = Inventory::open(&config.data_dir)?;
    let v4 = transports(config.sockets, ([127, 0, 0, 1], 0).into()).await?;
    let v6 = transports(1, ([0u16, 0, 0, 0, 0, 0, 0, 1], 0).into()).await.unwrap_or_default();
    let mut scheduled: HashMap<String, Scheduled> = HashMap::new();
    let mut report = RunReport::default();
    let mut tasks = tokio::task::JoinSet::new();
    let mut next_reload = Instant::now();
    loop {
        let now = Instant::now();
        if now >= next_reload && !stop.load(Ordering::Relaxed) {
            // The inventory may be busy or broken for a moment: keep polling what we have.
            if let Err(e) = reload(&inventory, &mut scheduled, config, &v4, &v6) {
                log(&e.to_string());
            }
            next_reload = now + config.reload_every;
        }
        // Start the polls that are due; past the concurrency limit they stay due and start
        // as polls end.
        if !stop.load(Ordering::Relaxed) {
            let mut due: Vec<&mut Scheduled> =
                scheduled.values_mut().filter(|s| if config.once { !s.launched } else { s.next_due <= now }).collect();
            due.sort_by_key(|s| s.next_due);
            for s in due {
                let interval = Duration::from_secs(u64::from(s.device.spec.interval));
                if let Some(since) = s.polling_since {
                    log(&format!(
                        "overrun: device {} is still being polled after {:.1} s; skipping its turn",
                        s.device.spec.name,
                        since.elapsed().as_secs_f64()
                    ));
                    s.next_due = (s.next_due + interval).max(now);
                    continue;
                }
                if tasks.len() >= config.concurrency {
                    break;
                }
                s.launched = true;
                // The next turn; far behind (the machine slept), resume from now.
                s.next_due += interval;
                if s.next_due < now {
                    s.next_due = now + interval;
                }
                let Some(querier) = s.querier.clone() else {
                    report.failed += 1;
                    continue;
                };
                s.polling_since = Some(now);
                let rediscover = s.discover || s.last_discovery.is_some_and(|t| t.elapsed() >= config.rediscover_every);
                let found = s.found.clone();
                let name = s.device.spec.name.clone();
                let version = s.device.spec.version;
                tasks.spawn_local(async move {
                    let started = Instant::now();
                    let mut discovered = None;
                    let found = if rediscover {
                        match discover(querier.as_ref(), version).await {
                            Ok(d) => {
                                discovered = Some(d.clone());
                                d
                            }
                            Err(e) => return Outcome { name, started, discovered: None, result: Err(e) },
                        }
                    } else {
                        found
                    };
                    let result = poll(querier.as_ref(), &found, unix_now).await;
                    Outcome { name, started, discovered, result }
                });
            }
        }
        let round_over = config.once && scheduled.values().all(|s| s.launched);
        if tasks.is_empty() && (round_over || stop.load(Ordering::Relaxed)) {
            return Ok(report);
        }
        // Wait for a poll to end, the next due time, or a stop check.
        let next_due = scheduled.values().filter(|s| s.polling_since.is_none()).map(|s| s.next_due).min();
        let wake =
            next_due.unwrap_or(now + Duration::from_secs(1)).min(now + Duration::from_millis(200)).min(next_reload);
        tokio::select! {
            Some(done) = tasks.join_next(), if !tasks.is_empty() => {
                if let Ok(outcome) = done
                    && let Err(e) = finish(outcome, &mut scheduled, &mut inventory, config, jobs, &mut report)
                {
                    log(&e.to_string());
                }
            }
            () = tokio::time::sleep_until(tokio::time::Instant::from_std(wake)) => {}
        }
    }
}

/// Reads the inventory again: new devices are scheduled, removed ones dropped.
fn reload(
    inventory: &Inventory,
    scheduled: &mut HashMap<String, Scheduled>,
    config: &PollerConfig,
    v4: &[Arc<Transport>],
    v6: &[Arc<Transport>],
) -> Result<(), Error> {
    let devices = inventory.devices()?;
    scheduled.retain(|name, _| devices.iter().any(|d| &d.spec.name == name));
    for (n, device) in devices.into_iter().enumerate() {
        if let Some(s) = scheduled.get_mut(&device.spec.name) {
            // Keep the loop's own state; take what others may have changed.
            s.device.spec = device.spec;
            continue;
        }
        let found = inventory.discovered(&device)?;
        let querier = match resolve(&device.spec.host, device.spec.port) {
            Ok(addr) => {
                let pool = if addr.is_ipv4() { v4 } else { v6 };
                let transport = pool.get(n % pool.len().max(1)).cloned();
                let client_config = device.spec.client_config(config.timeout, config.retries);
                transport
                    .and_then(|t| Client::with_transport(t, addr, client_config).ok())
                    .map(|client| Arc::new(SnmpQuerier::new(client, device.spec.version)))
            }
            Err(e) => {
                log(&format!("device {}: {e}", device.spec.name));
                None
            }
        };
        let interval = u64::from(device.spec.interval.max(1));
        let spread = Duration::from_millis(spread_of(&device.spec.name) % (interval * 1000));
        scheduled.insert(
            device.spec.name.clone(),
            Scheduled {
                files: files(&found).into(),
                discover: device.discovered_at.is_none(),
                found,
                device,
                querier,
                next_due: Instant::now() + spread,
                polling_since: None,
                last_discovery: None,
                launched: false,
            },
        );
    }
    Ok(())
}

/// A stable per-name offset (FNV-1a), so a fleet's polls spread over the interval.
fn spread_of(name: &str) -> u64 {
    name.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3))
}

/// Records a poll's outcome and queues its readings.
fn finish(
    outcome: Outcome,
    scheduled: &mut HashMap<String, Scheduled>,
    inventory: &mut Inventory,
    config: &PollerConfig,
    jobs: &mpsc::Sender<WriteJob>,
    report: &mut RunReport,
) -> Result<(), Error> {
    let Some(s) = scheduled.get_mut(&outcome.name) else { return Ok(()) };
    s.polling_since = None;
    if let Some(found) = outcome.discovered {
        let speeds: HashMap<String, u64> = s.found.interfaces.iter().map(|i| (i.name.clone(), i.speed_bps)).collect();
        inventory.save_discovery(s.device.id, &found, unix_now() as i64)?;
        // Reload what was stored: the device's new system group and ifNumber, and interfaces
        // that keep their counter state across discoveries.
        if let Some(device) = inventory.device(&s.device.spec.name)? {
            s.device = device;
        }
        s.found = inventory.discovered(&s.device)?;
        s.files = files(&s.found).into();
        // A link whose speed changed: its traffic file's maximum follows.
        let dir = device_dir(&config.data_dir, &s.device.spec.name);
        for interface in &s.found.interfaces {
            if speeds.get(&interface.name).is_none_or(|&before| before == interface.speed_bps) {
                continue;
            }
            let traffic = s.files.iter().find(|f| f.graph == crate::layout::Graph::Traffic(interface.name.clone()));
            if let Some(path) = traffic.map(|f| dir.join(&f.file_name)).filter(|p| p.exists()) {
                match crate::layout::retune_speed(&path, interface) {
                    Ok(()) => log(&format!(
                        "device {}: {} now runs at {} bit/s; {} retuned",
                        s.device.spec.name,
                        interface.name,
                        interface.speed_bps,
                        path.display()
                    )),
                    Err(e) => log(&format!("{}: {e}", path.display())),
                }
            }
        }
        s.discover = false;
        s.last_discovery = Some(Instant::now());
        report.discovered += 1;
    }
    let duration = outcome.started.elapsed();
    let at = unix_now() as i64;
    match outcome.result {
        Ok(sample) => {
            if let Some(first) = sample.oddities.first() {
                let more = sample.oddities.len() - 1;
                let more = if more > 0 { format!(" (and {more} more)") } else { String::new() };
                log(&format!("device {}: {first}{more}; unknown for this step", s.device.spec.name));
            }
            let u = updates(&s.found, &s.files, s.device.status.last_uptime, &sample);
            if u.rebooted {
                log(&format!("device {}: the agent restarted; counters unknown for this step", s.device.spec.name));
            }
            for name in &u.discontinuities {
                log(&format!("device {}: counter discontinuity on {name}; unknown for this step", s.device.spec.name));
            }
            let dir = device_dir(&config.data_dir, &s.device.spec.name);
            let start = (sample.at as i64).saturating_sub(i64::from(s.device.spec.interval));
            let job: WriteJob = u
                .readings
                .iter()
                .filter_map(|(index, reading)| {
                    let file = s.files.get(*index)?;
                    let new_file =
                        NewFile { files: Arc::clone(&s.files), index: *index, interval: s.device.spec.interval, start };
                    Some(Reading {
                        device_id: s.device.id,
                        path: dir.join(&file.file_name),
                        new_file,
                        reading: reading.clone(),
                    })
                })
                .collect();
            let _ = jobs.send(job);
            let record = PollRecord {
                at,
                duration,
                error: None,
                uptime: Some(sample.uptime),
                discontinuities: u.discontinuity_times.clone(),
            };
            inventory.record_poll(s.device.id, &record)?;
            s.device.status.last_uptime = Some(sample.uptime);
            for (name, ticks) in &u.discontinuity_times {
                if let Some(i) = s.found.interfaces.iter_mut().find(|i| &i.name == name) {
                    i.last_discontinuity = Some(*ticks);
                }
            }
            s.discover |= u.rediscover;
            report.polled += 1;
        }
        Err(e) => {
            log(&format!("device {}: {e}", s.device.spec.name));
            let record =
                PollRecord { at, duration, error: Some(e.to_string()), uptime: None, discontinuities: Vec::new() };
            inventory.record_poll(s.device.id, &record)?;
            report.failed += 1;
        }
    }
    Ok(())
}

/// The writer thread: batches of readings through a cache of open files, creating missing
/// files first, and per device the updates written and refused added to the inventory (its
/// own connection). Returns (readings written, readings refused).
fn write_loop(jobs: &mpsc::Receiver<WriteJob>, data_dir: &Path) -> (usize, usize) {
    rrd::cache::raise_open_file_limit();
    let mut cache = rrd::batch::ParallelCache::with_available_parallelism();
    let inventory = Inventory::open(data_dir).map_err(|e| log(&format!("RRD update counts not recorded: {e}"))).ok();
    let mut existing: std::collections::HashSet<PathBuf> = std::collections::HashSet::new();
    let (mut written, mut refused) = (0, 0);
    while let Ok(first) = jobs.recv() {
        let mut batch: WriteJob = first;
        while let Ok(more) = jobs.try_recv() {
            batch.extend(more);
        }
        for r in &batch {
            if existing.contains(&r.path) {
                continue;
            }
            if !r.path.exists()
                && let Err(e) = create(&r.path, &r.new_file)
            {
                log(&format!("{}: {e}", r.path.display()));
                continue;
            }
            existing.insert(r.path.clone());
        }
        let ready: Vec<&Reading> = batch.iter().filter(|r| existing.contains(&r.path)).collect();
        let updates: Vec<rrd::batch::Update<'_>> = ready
            .iter()
            .map(|r| rrd::batch::Update {
                path: &r.path,
                options: rrd::update::UpdateOptions::default(),
                readings: vec![r.reading.as_str()],
            })
            .collect();
        // Per device: (written, refused).
        let mut counts: HashMap<i64, (u64, u64)> = HashMap::new();
        for r in &batch {
            counts.entry(r.device_id).or_default();
        }
        for (r, result) in ready.iter().zip(cache.update_batch(&updates)) {
            let count = counts.entry(r.device_id).or_default();
            match result {
                Ok(()) => count.0 += 1,
                Err(e) => {
                    count.1 += 1;
                    log(&format!("{}: {e}", r.path.display()));
                }
            }
        }
        // Readings whose file could not be made.
        for r in batch.iter().filter(|r| !existing.contains(&r.path)) {
            counts.entry(r.device_id).or_default().1 += 1;
        }
        for (device_id, (ok, failed)) in counts {
            written += ok as usize;
            refused += failed as usize;
            if let Some(inventory) = &inventory
                && let Err(e) = inventory.record_rrd_updates(device_id, ok, failed)
            {
                log(&e.to_string());
            }
        }
    }
    (written, refused)
}

fn create(path: &Path, new_file: &NewFile) -> Result<(), Error> {
    let NewFile { files, index, interval, start } = new_file;
    let file =
        files.get(*index).ok_or_else(|| Error::Invalid(format!("{}: not a file of its device", path.display())))?;
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|source| Error::Io { path: dir.display().to_string(), source })?;
    }
    let mut all = vec![path.display().to_string()];
    all.extend(create_args(file, *interval, *start));
    let spec = rrd::create::parse_args(&all, rrd::create::now()).map_err(rrd::error::Error::from)?;
    rrd::create::write_new(path, &spec.build(), true)?;
    Ok(())
}
