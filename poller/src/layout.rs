//! The RRD files of a device, under `DIR/rrd/<device>/`: one file per graphable thing, named
//! for what it holds (`traffic-eth0.rrd`, `errors-eth0.rrd`, `packets-eth0.rrd`, `load.rrd`,
//! `cpu.rrd`, `processor-196608.rrd`, `memory.rrd`, `storage-_home.rrd`, `uptime.rrd`).
//!
//! Data sources are typed so that rrdtool itself computes the rates: raw counters go to
//! COUNTER data sources with minimum 0 (rrdtool handles 32- and 64-bit wraps), and a traffic
//! file's maximum is the interface speed in bytes per second, so a rate above the link speed
//! is unknown rather than a spike. Archives are Cacti's profile, AVERAGE and MAX: 1 step x 600
//! rows, 30 minutes x 700, 2 hours x 775, 1 day x 797, with the step the device's interval and
//! the heartbeat twice the interval.

use std::path::{Path, PathBuf};

use crate::inventory::{Discovered, Interface};

/// What a file graphs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Graph {
    /// An interface's octets in and out.
    Traffic(String),
    /// An interface's errors and discards.
    Errors(String),
    /// An interface's unicast packets.
    Packets(String),
    /// UCD load averages.
    Load,
    /// UCD raw CPU counters.
    Cpu,
    /// One hrProcessor's load.
    Processor(u32),
    /// UCD memory.
    Memory,
    /// One hrStorage row, by description.
    Storage(String),
    /// sysUpTime.
    Uptime,
}

/// A data source: name, type, minimum and maximum.
#[derive(Debug, Clone, PartialEq)]
pub struct DataSource {
    /// Name (at most 19 characters of `[A-Za-z0-9_]`).
    pub name: &'static str,
    /// `COUNTER` or `GAUGE`.
    pub kind: &'static str,
    /// Minimum, if any.
    pub min: Option<f64>,
    /// Maximum, if any.
    pub max: Option<f64>,
}

impl DataSource {
    const fn counter(name: &'static str) -> Self {
        DataSource { name, kind: "COUNTER", min: Some(0.0), max: None }
    }

    const fn gauge(name: &'static str) -> Self {
        DataSource { name, kind: "GAUGE", min: Some(0.0), max: None }
    }
}

/// One RRD file of a device.
#[derive(Debug, Clone, PartialEq)]
pub struct RrdFile {
    /// What it graphs.
    pub graph: Graph,
    /// The file name inside the device's directory.
    pub file_name: String,
    /// Its data sources, in order.
    pub data_sources: Vec<DataSource>,
}

/// The Cacti profile's archives: (seconds per row, rows).
const ARCHIVES: [(u32, u32); 4] = [(0, 600), (1800, 700), (7200, 775), (86_400, 797)];

/// A name made safe for a file name: letters, digits, `.`, `-`, `_` kept, the rest `_`.
pub fn file_safe(name: &str) -> String {
    let safe: String =
        name.chars().map(|c| if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') { c } else { '_' }).collect();
    if safe.starts_with('.') { format!("_{safe}") } else { safe }
}

/// The directory of a device's files.
pub fn device_dir(data_dir: &Path, device: &str) -> PathBuf {
    data_dir.join("rrd").join(device)
}

/// The traffic file's maximum: the interface speed in bytes per second (none when unknown).
fn speed_limit(interface: &Interface) -> Option<f64> {
    (interface.speed_bps > 0).then(|| interface.speed_bps as f64 / 8.0)
}

/// A data source limit as `rrdtool create` and `tune` take it: the number, or `U` for none.
fn limit_text(limit: Option<f64>) -> String {
    limit.map_or_else(|| "U".to_string(), |v| format!("{v}"))
}

/// Every file the discovered device has, with unique names.
pub fn files(found: &Discovered) -> Vec<RrdFile> {
    let mut files: Vec<RrdFile> = Vec::new();
    let mut push = |graph: Graph, base: String, data_sources: Vec<DataSource>| {
        let mut file_name = format!("{base}.rrd");
        let mut n = 2;
        while files.iter().any(|f| f.file_name == file_name) {
            file_name = format!("{base}-{n}.rrd");
            n += 1;
        }
        files.push(RrdFile { graph, file_name, data_sources });
    };
    for i in &found.interfaces {
        let safe = file_safe(&i.name);
        let traffic = vec![
            DataSource { max: speed_limit(i), ..DataSource::counter("in") },
            DataSource { max: speed_limit(i), ..DataSource::counter("out") },
        ];
        push(Graph::Traffic(i.name.clone()), format!("traffic-{safe}"), traffic);
        let errors = ["in_errors", "out_errors", "in_discards", "out_discards"].map(DataSource::counter).to_vec();
        push(Graph::Errors(i.name.clone()), format!("errors-{safe}"), errors);
        push(
            Graph::Packets(i.name.clone()),
            format!("packets-{safe}"),
            ["in_ucast", "out_ucast"].map(DataSource::counter).to_vec(),
        );
    }
    if found.ucd.load {
        push(Graph::Load, "load".into(), ["load1", "load5", "load15"].map(DataSource::gauge).to_vec());
    }
    if found.ucd.cpu {
        let cpu = ["user", "nice", "system", "idle", "wait", "kernel", "interrupt", "softirq"].map(DataSource::counter);
        push(Graph::Cpu, "cpu".into(), cpu.to_vec());
    }
    for index in &found.processors {
        let load = DataSource { max: Some(100.0), ..DataSource::gauge("load") };
        push(Graph::Processor(*index), format!("processor-{index}"), vec![load]);
    }
    if found.ucd.memory {
        let memory = ["total", "available", "buffers", "cached", "swap_total", "swap_available"].map(DataSource::gauge);
        push(Graph::Memory, "memory".into(), memory.to_vec());
    }
    for s in &found.storage {
        push(
            Graph::Storage(s.descr.clone()),
            format!("storage-{}", file_safe(&s.descr)),
            ["size", "used"].map(DataSource::gauge).to_vec(),
        );
    }
    push(Graph::Uptime, "uptime".into(), vec![DataSource::gauge("uptime")]);
    files
}

/// Sets a traffic file's maximum to a new link speed (`rrdtool tune --maximum`), for an
/// interface whose speed discovery found changed: rates up to the new speed count again, and
/// rates above it are unknown.
pub fn retune_speed(file: &Path, interface: &Interface) -> Result<(), rrd::error::Error> {
    let limit = limit_text(speed_limit(interface));
    let args = ["--maximum".to_string(), format!("in:{limit}"), "--maximum".to_string(), format!("out:{limit}")];
    rrd::tune::tune(file, &args).map(|_| ())
}

/// `rrdtool create` arguments (after the file name) for `file` polled every `interval`
/// seconds, starting at `start`.
pub fn create_args(file: &RrdFile, interval: u32, start: i64) -> Vec<String> {
    let mut args = vec!["--start".to_string(), start.to_string(), "--step".to_string(), interval.to_string()];
    for ds in &file.data_sources {
        args.push(format!(
            "DS:{}:{}:{}:{}:{}",
            ds.name,
            ds.kind,
            interval.saturating_mul(2),
            limit_text(ds.min),
            limit_text(ds.max)
        ));
    }
    let mut steps_seen = Vec::new();
    for (seconds, rows) in ARCHIVES {
        let steps = (seconds / interval.max(1)).max(1);
        if steps_seen.contains(&steps) {
            continue;
        }
        steps_seen.push(steps);
        for cf in ["AVERAGE", "MAX"] {
            args.push(format!("RRA:{cf}:0.5:{steps}:{rows}"));
        }
    }
    args
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;
    use crate::inventory::{Storage, UcdGroups};

    fn interface(name: &str, speed_bps: u64) -> Interface {
        Interface {
            name: name.into(),
            index: 1,
            descr: name.into(),
            alias: String::new(),
            if_type: 6,
            speed_bps,
            admin_status: 1,
            oper_status: 1,
            hc: true,
            has_discontinuity: false,
            last_discontinuity: None,
        }
    }

    #[test]
    fn files_of_a_device() {
        let found = Discovered {
            interfaces: vec![interface("Gi0/1", 1_000_000_000), interface("Gi0_1", 0)],
            storage: vec![Storage { descr: "/".into(), index: 31, kind: String::new(), units: 4096, size: 10 }],
            processors: vec![196608],
            ucd: UcdGroups { load: true, memory: true, cpu: true },
            ..Discovered::default()
        };
        let names: Vec<String> = files(&found).into_iter().map(|f| f.file_name).collect();
        assert_eq!(
            names,
            [
                "traffic-Gi0_1.rrd",
                "errors-Gi0_1.rrd",
                "packets-Gi0_1.rrd",
                "traffic-Gi0_1-2.rrd",
                "errors-Gi0_1-2.rrd",
                "packets-Gi0_1-2.rrd",
                "load.rrd",
                "cpu.rrd",
                "processor-196608.rrd",
                "memory.rrd",
                "storage-_.rrd",
                "uptime.rrd"
            ]
        );
        let traffic = &files(&found)[0];
        assert_eq!(
            create_args(traffic, 300, 1000),
            [
                "--start",
                "1000",
                "--step",
                "300",
                "DS:in:COUNTER:600:0:125000000",
                "DS:out:COUNTER:600:0:125000000",
                "RRA:AVERAGE:0.5:1:600",
                "RRA:MAX:0.5:1:600",
                "RRA:AVERAGE:0.5:6:700",
                "RRA:MAX:0.5:6:700",
                "RRA:AVERAGE:0.5:24:775",
                "RRA:MAX:0.5:24:775",
                "RRA:AVERAGE:0.5:288:797",
                "RRA:MAX:0.5:288:797"
            ]
        );
        // An unknown speed has no maximum; an interval of an hour folds the 30-minute archive.
        let args = create_args(&files(&found)[3], 3600, 0);
        assert!(args.contains(&"DS:in:COUNTER:7200:0:U".to_string()));
        assert!(
            args.contains(&"RRA:AVERAGE:0.5:1:600".to_string()) && args.contains(&"RRA:MAX:0.5:24:797".to_string())
        );
        assert_eq!(args.iter().filter(|a| a.starts_with("RRA:")).count(), 6);
        // Every argument list is one rrd's create accepts.
        for f in files(&found) {
            rrd::create::parse_args(
                &[vec!["x.rrd".to_string()], create_args(&f, 60, 1_000_000_000)].concat(),
                1_000_000_000,
            )
            .unwrap();
        }
    }

    #[test]
    fn a_new_link_speed_retunes_the_traffic_maximum() {
        let dir = tempfile::tempdir().unwrap();
        let found = Discovered { interfaces: vec![interface("eth0", 100_000_000)], ..Discovered::default() };
        let file = &files(&found)[0];
        let path = dir.path().join(&file.file_name);
        let args = [vec![path.display().to_string()], create_args(file, 300, 1_000_000_000)].concat();
        rrd::create::write_new(&path, &rrd::create::parse_args(&args, 1_000_000_000).unwrap().build(), true).unwrap();
        let max = |path: &Path| {
            let rrd = rrd::Rrd::load(path).unwrap();
            (rrd.ds[0].max, rrd.ds[1].max)
        };
        assert_eq!(max(&path), (12_500_000.0, 12_500_000.0));
        retune_speed(&path, &interface("eth0", 1_000_000_000)).unwrap();
        assert_eq!(max(&path), (125_000_000.0, 125_000_000.0));
        retune_speed(&path, &interface("eth0", 0)).unwrap();
        assert!(max(&path).0.is_nan() && max(&path).1.is_nan());
    }
}
