//! Shared by the simulator's end-to-end tests: starting simulated devices in-process on free
//! loopback ports, running Net-SNMP's tools against them, and reading walks back.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use agent::simulate::record::{self, Format, Recording};
use agent::simulate::serve::{self, DeviceOptions, Simulator};
use agent::stats::Stats;
use snmp::VarBind;

/// Running devices and the counters their dispatchers share.
pub struct Running {
    pub simulator: Option<Simulator>,
    pub stats: Arc<Stats>,
    pub ports: Vec<u16>,
}

impl Running {
    pub fn port(&self) -> u16 {
        self.ports[0]
    }

    pub fn addr(&self) -> String {
        format!("127.0.0.1:{}", self.port())
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        if let Some(s) = self.simulator.take() {
            s.stop();
        }
    }
}

pub fn options(counter_rate: Option<f64>) -> DeviceOptions {
    DeviceOptions { community: "public".into(), counter_rate }
}

/// One device on a free port (port 0: the kernel picks).
pub fn start_one(recording: Recording, options: &DeviceOptions) -> Running {
    start_on(&Arc::new(recording), &["127.0.0.1:0".parse().unwrap()], options).expect("start the simulator")
}

fn start_on(recording: &Arc<Recording>, addrs: &[SocketAddr], options: &DeviceOptions) -> Result<Running, String> {
    let stats = Arc::new(Stats::default());
    let dispatchers = serve::dispatchers(recording, addrs.len(), options, &stats)?;
    let simulator = Simulator::start(addrs.iter().copied().zip(dispatchers).collect())?;
    let ports = simulator.local_addrs.iter().map(SocketAddr::port).collect();
    Ok(Running { simulator: Some(simulator), stats, ports })
}

/// `count` devices on consecutive ports: a range starting at a pseudo-random port in
/// 20000..60000, tried again elsewhere when some port of it is taken.
pub fn start_many(recording: Recording, count: usize, options: &DeviceOptions) -> Running {
    let recording = Arc::new(recording);
    let seed =
        SystemTime::now().duration_since(UNIX_EPOCH).unwrap().subsec_nanos() as usize ^ std::process::id() as usize;
    let mut last_error = String::new();
    for attempt in 0..20 {
        let base = 20000 + (seed.wrapping_mul(7919).wrapping_add(attempt * 104_729)) % (40000 - count);
        let addrs: Vec<SocketAddr> =
            (0..count).map(|i| SocketAddr::from(([127, 0, 0, 1], (base + i) as u16))).collect();
        match start_on(&recording, &addrs, options) {
            Ok(r) => return r,
            Err(e) => last_error = e,
        }
    }
    panic!("no free range of {count} ports: {last_error}");
}

/// A Net-SNMP tool's stdout (MIBS empty), asserting it exited 0 with nothing on stderr.
pub fn tool(program: &str, args: &[&str]) -> String {
    let out = testkit::run(program, args);
    assert_eq!(out.code, 0, "{program} {args:?} failed: {}", out.stderr);
    assert!(out.stderr.is_empty(), "{program} {args:?}: {}", out.stderr);
    out.stdout
}

/// Reads a walk's text back into objects (exception lines skipped).
pub fn read_walk(text: &str) -> Vec<VarBind<'static>> {
    record::parse("walk", text.as_bytes(), Format::Walk).expect("the walk reads back").recording.objects().to_vec()
}

/// A recording from walk text.
pub fn walk_recording(text: &str) -> Recording {
    let loaded = record::parse("walk", text.as_bytes(), Format::Walk).expect("the walk loads");
    assert!(loaded.warnings.is_empty(), "{:?}", loaded.warnings);
    loaded.recording
}
