//! A device's RRD files for the graph tests: the poller's real layout (`poller::layout`),
//! created by the rrd crate and filled with two days of 5-minute readings ending now, with a
//! two-hour outage (no readings: unknown, to be drawn as a gap).

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::path::{Path, PathBuf};

use poller::inventory::{Discovered, Interface, Storage, UcdGroups};
use poller::layout::{self, Graph, RrdFile};

/// The polling interval of the fixture.
pub const STEP: i64 = 300;
/// The interface speed.
pub const SPEED_BPS: u64 = 100_000_000;

/// The files of one device and the times of its data.
pub struct Device {
    /// Holds the directory.
    pub dir: tempfile::TempDir,
    /// The files, as the poller lays them out.
    pub files: Vec<RrdFile>,
    /// The first reading's time.
    pub first: i64,
    /// The last reading's time (the last whole step before now).
    pub last: i64,
    /// The outage: no readings strictly between these times.
    pub gap: (i64, i64),
}

impl Device {
    /// The path of the file of kind `graph`.
    pub fn path(&self, graph: &Graph) -> PathBuf {
        let f = self.files.iter().find(|f| &f.graph == graph).expect("a file of that kind");
        self.dir.path().join(&f.file_name)
    }
}

fn discovered() -> Discovered {
    Discovered {
        interfaces: vec![Interface {
            name: "eth0".into(),
            index: 2,
            descr: "eth0".into(),
            alias: String::new(),
            if_type: 6,
            speed_bps: SPEED_BPS,
            admin_status: 1,
            oper_status: 1,
            hc: true,
            has_discontinuity: false,
            last_discontinuity: None,
        }],
        storage: vec![Storage { descr: "/".into(), index: 31, kind: String::new(), units: 4096, size: 1000 }],
        processors: vec![196608],
        ucd: UcdGroups { load: true, memory: true, cpu: true },
        ..Discovered::default()
    }
}

/// In and out rates (bytes/s) at reading `k`.
pub fn traffic_rates(k: i64) -> (f64, f64) {
    let x = k as f64 / 20.0;
    (1_000_000.0 + 500_000.0 * x.sin(), 200_000.0 + 100_000.0 * x.cos())
}

/// A device whose readings run two days up to now.
pub fn device() -> Device {
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64;
    let last = now - now % STEP;
    let first = last - 2 * 86_400;
    let gap = (last - 10 * 3600, last - 8 * 3600);
    let dir = tempfile::tempdir().unwrap();
    let files = layout::files(&discovered());
    for f in &files {
        let path = dir.path().join(&f.file_name);
        let mut args = vec![path.display().to_string()];
        args.extend(layout::create_args(f, STEP as u32, first - STEP));
        rrd::create::create(&args).unwrap();
        let mut readings = Vec::new();
        let (mut octets_in, mut octets_out, mut ticks) = (0u64, 0u64, 0u64);
        let mut k = 0;
        let mut t = first;
        while t <= last {
            let (rin, rout) = traffic_rates(k);
            octets_in += (rin * STEP as f64) as u64;
            octets_out += (rout * STEP as f64) as u64;
            ticks += 100 * STEP as u64;
            let busy = 20.0 + 10.0 * (k as f64 / 30.0).sin();
            let values = match &f.graph {
                Graph::Traffic(_) => format!("{octets_in}:{octets_out}"),
                Graph::Errors(_) => format!("{}:{}:{}:{}", k * 3, k, k * 2, 0),
                Graph::Packets(_) => format!("{}:{}", octets_in / 1000, octets_out / 1000),
                Graph::Load => format!("{:.2}:{:.2}:{:.2}", busy / 20.0, busy / 25.0, busy / 30.0),
                Graph::Cpu => format!("{}:0:{}:{}:0:0:0:0", ticks / 4, ticks / 8, ticks / 8 * 5),
                Graph::Processor(_) => format!("{busy:.1}"),
                Graph::Memory => "8000000000:5000000000:100000000:2000000000:1000000000:900000000".to_string(),
                Graph::Storage(_) => format!("{}:{}", 4_096_000u64, 2_000_000 + k * 1000),
                Graph::Uptime => format!("{}", (t - first) * 100),
            };
            if t <= gap.0 || t >= gap.1 {
                readings.push(format!("{t}:{values}"));
            }
            k += 1;
            t += STEP;
        }
        rrd::update::update_file(&path, rrd::update::UpdateOptions::default(), &readings).unwrap();
    }
    Device { dir, files, first, last, gap }
}

/// The width and height in a PNG's IHDR.
pub fn png_size(bytes: &[u8]) -> (u32, u32) {
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n", "PNG signature");
    assert_eq!(&bytes[12..16], b"IHDR");
    let be = |b: &[u8]| u32::from_be_bytes(b.try_into().unwrap());
    (be(&bytes[16..20]), be(&bytes[20..24]))
}

/// Whether `path` exists (for readable assertion messages).
pub fn exists(path: &Path) -> bool {
    path.exists()
}
