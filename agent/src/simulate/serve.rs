//! Serving many simulated devices from one process: one UDP socket per device, all
//! non-blocking, watched by a few epoll threads (one per core, at most four) rather than a
//! thread per port, each request answered by that device's [`Dispatcher`]. The open-file
//! limit is raised to fit the sockets.

use std::net::{SocketAddr, UdpSocket};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;
use std::time::Instant;

use nix::errno::Errno;
use nix::sys::epoll::{Epoll, EpollCreateFlags, EpollEvent, EpollFlags, EpollTimeout};

use super::device::{CounterModel, SimulatedDevice};
use super::record::Recording;
use crate::dispatch::Dispatcher;
use crate::registry::Registry;
use crate::stats::Stats;
use crate::vacm::Vacm;

/// How long a worker waits for traffic before it checks whether to stop (milliseconds).
const WAIT_MS: u16 = 250;
/// Datagrams one socket may take in a row before the worker turns to the others.
const BURST: usize = 64;
/// At most this many worker threads, whatever the core count.
const MAX_WORKERS: usize = 4;

/// What the devices answer to.
#[derive(Debug, Clone, PartialEq)]
pub struct DeviceOptions {
    /// The v1/v2c community (read-only).
    pub community: String,
    /// Counters advance at this many per second (per device, see
    /// [`CounterModel::for_device`]); `None` serves every value as recorded.
    pub counter_rate: Option<f64>,
}

/// One dispatcher per device for `recording`: the same table, each device with its own
/// counter phase and rate, all counting into `stats`.
pub fn dispatchers(
    recording: &Arc<Recording>,
    devices: usize,
    options: &DeviceOptions,
    stats: &Arc<Stats>,
) -> Result<Vec<Dispatcher>, String> {
    let started = Instant::now();
    let vacm = Vacm::read_only_community(options.community.as_bytes());
    (0..devices)
        .map(|index| {
            let device = match options.counter_rate {
                Some(rate) => {
                    SimulatedDevice::advancing(recording.clone(), CounterModel::for_device(rate, index), started)
                }
                None => SimulatedDevice::frozen(recording.clone()),
            };
            let registry = Registry::new(vec![Arc::new(device)]).map_err(|e| e.to_string())?;
            Ok(Dispatcher { registry, vacm: vacm.clone(), stats: stats.clone(), usm: None })
        })
        .collect()
}

/// Running devices.
#[derive(Debug)]
pub struct Simulator {
    stop: Arc<AtomicBool>,
    threads: Vec<JoinHandle<()>>,
    /// The bound addresses, in the order the devices were given (port 0 resolved).
    pub local_addrs: Vec<SocketAddr>,
}

/// The sockets and dispatchers one worker serves.
type Shard = Vec<(UdpSocket, Dispatcher)>;

impl Simulator {
    /// Binds every device's socket (all or nothing) and starts serving.
    pub fn start(devices: Vec<(SocketAddr, Dispatcher)>) -> Result<Simulator, String> {
        raise_open_file_limit(devices.len() + 64);
        let workers =
            std::thread::available_parallelism().map_or(1, usize::from).clamp(1, MAX_WORKERS).min(devices.len().max(1));
        let mut shards: Vec<Shard> = (0..workers).map(|_| Vec::new()).collect();
        let mut local_addrs = Vec::with_capacity(devices.len());
        for (i, (addr, dispatcher)) in devices.into_iter().enumerate() {
            let socket = UdpSocket::bind(addr).map_err(|e| bind_error(addr, &e))?;
            socket.set_nonblocking(true).map_err(|e| format!("udp {addr}: {e}"))?;
            local_addrs.push(socket.local_addr().map_err(|e| format!("udp {addr}: {e}"))?);
            if let Some(shard) = shards.get_mut(i % workers) {
                shard.push((socket, dispatcher));
            }
        }
        let stop = Arc::new(AtomicBool::new(false));
        let mut threads = Vec::with_capacity(workers);
        for shard in shards {
            let epoll = Epoll::new(EpollCreateFlags::EPOLL_CLOEXEC).map_err(|e| format!("epoll: {e}"))?;
            for (i, (socket, _)) in shard.iter().enumerate() {
                epoll.add(socket, EpollEvent::new(EpollFlags::EPOLLIN, i as u64)).map_err(|e| format!("epoll: {e}"))?;
            }
            let stop = stop.clone();
            threads.push(std::thread::spawn(move || serve(&epoll, &shard, &stop)));
        }
        Ok(Simulator { stop, threads, local_addrs })
    }

    /// Stops the workers and waits for them; the sockets close.
    pub fn stop(mut self) {
        self.stop.store(true, Ordering::Relaxed);
        for t in self.threads.drain(..) {
            let _ = t.join();
        }
    }
}

fn bind_error(addr: SocketAddr, e: &std::io::Error) -> String {
    if e.raw_os_error() == Some(Errno::EMFILE as i32) {
        format!("cannot listen on udp {addr}: {e} (raise the open-file limit: ulimit -n)")
    } else {
        format!("cannot listen on udp {addr}: {e}")
    }
}

/// Lifts the soft open-file limit towards `wanted` (never above the hard limit).
fn raise_open_file_limit(wanted: usize) {
    use nix::sys::resource::{Resource, getrlimit, setrlimit};
    let Ok((soft, hard)) = getrlimit(Resource::RLIMIT_NOFILE) else { return };
    let wanted = wanted as u64;
    if soft < wanted {
        let _ = setrlimit(Resource::RLIMIT_NOFILE, wanted.min(hard), hard);
    }
}

fn serve(epoll: &Epoll, shard: &Shard, stop: &AtomicBool) {
    let mut events = vec![EpollEvent::empty(); 256];
    let mut buf = vec![0u8; 65536];
    let mut out = Vec::with_capacity(65536);
    while !stop.load(Ordering::Relaxed) {
        let ready = match epoll.wait(&mut events, EpollTimeout::from(WAIT_MS)) {
            Ok(n) => n,
            Err(Errno::EINTR) => continue,
            Err(_) => return,
        };
        for event in events.iter().take(ready) {
            let Some((socket, dispatcher)) = usize::try_from(event.data()).ok().and_then(|i| shard.get(i)) else {
                continue;
            };
            for _ in 0..BURST {
                let Ok((n, from)) = socket.recv_from(&mut buf) else { break };
                let Some(datagram) = buf.get(..n) else { continue };
                if dispatcher.handle(datagram, from.ip(), &mut out) {
                    // A full send buffer drops the answer, as a busy agent would; the
                    // manager retries.
                    let _ = socket.send_to(&out, from);
                }
            }
        }
    }
}

/// Blocks until SIGINT or SIGTERM arrives.
pub fn wait_for_termination() -> Result<(), String> {
    use signal_hook::consts::{SIGINT, SIGTERM};
    let mut signals = signal_hook::iterator::Signals::new([SIGINT, SIGTERM])
        .map_err(|e| format!("cannot install signal handlers: {e}"))?;
    let _ = signals.forever().next();
    Ok(())
}
