//! Running the agent: bound sockets, one receive/answer thread per socket (blocking std
//! sockets: a request costs one recvfrom and one sendto, no async machinery), the
//! refresher that rebuilds stale cached views off the request path, and configuration
//! reloads that swap the dispatcher without dropping requests. The SNMPv3 engine starts
//! (boots + 1) with the agent, not with each reload.

use std::net::{SocketAddr, UdpSocket};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use crate::config::Config;
use crate::dispatch::Dispatcher;
use crate::mib::{self, Context};
use crate::persist::StateFile;
use crate::registry::Registry;
use crate::stats::Stats;
use crate::usm::{Engine, KeyCache, Usm};
use crate::view::CachedView;

/// How long a socket read waits before checking whether the agent is stopping.
const POLL: Duration = Duration::from_millis(250);
/// How often the refresher looks for stale views.
const REFRESH_TICK: Duration = Duration::from_millis(100);

/// What the serving threads share; replaced whole on reload.
struct Generation {
    dispatcher: Dispatcher,
    cached: Vec<Arc<CachedView>>,
    /// What the MIB modules could not serve from this configuration.
    warnings: Vec<String>,
}

/// A running agent.
pub struct Agent {
    current: Arc<RwLock<Arc<Generation>>>,
    stop: Arc<AtomicBool>,
    threads: Vec<std::thread::JoinHandle<()>>,
    lasting: Lasting,
    pub local_addrs: Vec<SocketAddr>,
}

impl std::fmt::Debug for Agent {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Agent").field("local_addrs", &self.local_addrs).finish_non_exhaustive()
    }
}

/// What stays the same across reloads.
struct Lasting {
    stats: Arc<Stats>,
    state: Option<Arc<StateFile>>,
    started: Instant,
    engine: Arc<Engine>,
    keys: KeyCache,
}

fn generation(config: Config, lasting: &Lasting) -> Result<Generation, String> {
    let config = Arc::new(config);
    let usm = Arc::new(Usm::new(lasting.engine.clone(), &config.users, &lasting.keys));
    let ctx = Context {
        config: config.clone(),
        stats: lasting.stats.clone(),
        state: lasting.state.clone(),
        started: lasting.started,
        usm: Some(usm.clone()),
    };
    let modules = mib::build(&ctx);
    let registry = Registry::new(modules.handlers).map_err(|e| e.to_string())?;
    Ok(Generation {
        dispatcher: Dispatcher { registry, vacm: config.vacm.clone(), stats: lasting.stats.clone(), usm: Some(usm) },
        cached: modules.cached,
        warnings: modules.warnings,
    })
}

impl Agent {
    /// Binds every socket (all or nothing) and starts serving.
    pub fn start(config: Config, listen: &[SocketAddr], state: Option<Arc<StateFile>>) -> Result<Agent, String> {
        let sockets = listen
            .iter()
            .map(|addr| {
                let s = UdpSocket::bind(addr).map_err(|e| format!("cannot listen on udp {addr}: {e}"))?;
                s.set_read_timeout(Some(POLL)).map_err(|e| e.to_string())?;
                Ok(s)
            })
            .collect::<Result<Vec<_>, String>>()?;
        let local_addrs = sockets.iter().filter_map(|s| s.local_addr().ok()).collect();
        let engine = Engine::start(state.as_ref().and_then(|s| s.dir()), config.engine_id.as_deref())?;
        let lasting = Lasting {
            stats: Arc::new(Stats::default()),
            state,
            started: Instant::now(),
            engine: Arc::new(engine),
            keys: KeyCache::default(),
        };
        let current = Arc::new(RwLock::new(Arc::new(generation(config, &lasting)?)));
        let stop = Arc::new(AtomicBool::new(false));
        let mut threads = Vec::new();
        for socket in sockets {
            let (current, stop) = (current.clone(), stop.clone());
            threads.push(std::thread::spawn(move || serve(&socket, &current, &stop)));
        }
        let (cur, st) = (current.clone(), stop.clone());
        threads.push(std::thread::spawn(move || refresh_loop(&cur, &st)));
        Ok(Agent { current, stop, threads, lasting, local_addrs })
    }

    /// Applies a new configuration (SIGHUP): requests in flight finish on the old one.
    /// Listen addresses are not rebound.
    pub fn reload(&self, config: Config) -> Result<(), String> {
        let next = Arc::new(generation(config, &self.lasting)?);
        *self.current.write().unwrap_or_else(|e| e.into_inner()) = next;
        Ok(())
    }

    /// What the current configuration asked for that is not served (to be logged after a
    /// start or a reload).
    pub fn warnings(&self) -> Vec<String> {
        current(&self.current).warnings.clone()
    }

    /// When the agent started: sysUpTime counts from here.
    pub fn started(&self) -> Instant {
        self.lasting.started
    }

    pub fn stats(&self) -> &Arc<Stats> {
        &self.lasting.stats
    }

    /// The SNMPv3 engine (its ID and boots are fixed for the agent's life).
    pub fn engine(&self) -> &Arc<Engine> {
        &self.lasting.engine
    }

    /// Stops the threads and waits for them.
    pub fn stop(mut self) {
        self.stop.store(true, Ordering::Relaxed);
        for t in self.threads.drain(..) {
            let _ = t.join();
        }
    }
}

fn current(shared: &RwLock<Arc<Generation>>) -> Arc<Generation> {
    shared.read().unwrap_or_else(|e| e.into_inner()).clone()
}

fn serve(socket: &UdpSocket, shared: &RwLock<Arc<Generation>>, stop: &AtomicBool) {
    let mut buf = vec![0u8; 65536];
    let mut out = Vec::with_capacity(65536);
    while !stop.load(Ordering::Relaxed) {
        let Ok((n, from)) = socket.recv_from(&mut buf) else { continue };
        let Some(datagram) = buf.get(..n) else { continue };
        let generation = current(shared);
        if generation.dispatcher.handle(datagram, from.ip(), &mut out) {
            let _ = socket.send_to(&out, from);
        }
    }
}

fn refresh_loop(shared: &RwLock<Arc<Generation>>, stop: &AtomicBool) {
    while !stop.load(Ordering::Relaxed) {
        let generation = current(shared);
        for view in &generation.cached {
            view.refresh_if_wanted();
        }
        drop(generation);
        std::thread::sleep(REFRESH_TICK);
    }
}
