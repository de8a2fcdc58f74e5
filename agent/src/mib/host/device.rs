//! hrDevice (HOST-RESOURCES-MIB 25.3) as snmpd serves it on Linux: hrDeviceTable rows for
//! processors (196608 + n, from /proc/cpuinfo), network interfaces (262144 + ifIndex, from
//! /proc/net/dev and /sys/class/net) and snmpd's guessed floating-point co-processor
//! (786432); hrProcessorTable (load: percent busy over the last minute of /proc/stat
//! samples, from the first sample on, where snmpd waits a minute); hrNetworkTable; and
//! hrFSTable from the mounts (see [`super::mounts`]). hrDiskStorageTable and
//! hrPartitionTable stay empty: snmpd lists only hd*/sd*-style disks, none on virtio hosts.

use std::collections::VecDeque;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use snmp::{Oid, Value, VarBind};

use super::host_oid;
use super::mounts::{self, Fs};
use super::storage::MEM_TYPE_MAX;
use crate::view::{Collector, View};

const PROCESSOR_BASE: u32 = 3 << 16;
const NETWORK_BASE: u32 = 4 << 16;
const COPROCESSOR_BASE: u32 = 12 << 16;
/// How far back hrProcessorLoad looks.
const LOAD_WINDOW: Duration = Duration::from_secs(60);
const IFF_UP: u32 = 0x1;

/// `hrDeviceTypes.N`.
fn device_type(n: u32) -> Value<'static> {
    Value::oid(host_oid(&[3, 1, n]))
}

fn zero_dot_zero() -> Value<'static> {
    Value::oid(Oid::from([0, 0]))
}

/// hrDeviceDescr of each processor in /proc/cpuinfo: "vendor_id: model name".
pub fn parse_cpuinfo(text: &str) -> Vec<String> {
    let mut cpus: Vec<(Option<String>, Option<String>)> = Vec::new();
    for line in text.lines() {
        let Some((key, value)) = line.split_once(':') else { continue };
        let (key, value) = (key.trim(), value.trim().to_string());
        match key {
            "processor" => cpus.push((None, None)),
            "vendor_id" => {
                if let Some(c) = cpus.last_mut() {
                    c.0 = Some(value);
                }
            }
            "model name" => {
                if let Some(c) = cpus.last_mut() {
                    c.1 = Some(value);
                }
            }
            _ => {}
        }
    }
    cpus.into_iter()
        .map(|c| match c {
            (Some(v), Some(m)) => format!("{v}: {m}"),
            (None, Some(m)) => m,
            (Some(v), None) => v,
            (None, None) => "An electronic chip that makes the computer work.".to_string(),
        })
        .collect()
}

/// Per-CPU (idle, total) jiffies from /proc/stat's `cpuN` lines, in order.
pub fn parse_stat(text: &str) -> Vec<(u64, u64)> {
    text.lines()
        .filter(|l| l.starts_with("cpu") && l.as_bytes().get(3).is_some_and(u8::is_ascii_digit))
        .map(|l| {
            let fields: Vec<u64> = l.split_whitespace().skip(1).map(|f| f.parse().unwrap_or(0)).collect();
            let idle = fields.get(3).copied().unwrap_or(0);
            // user nice system idle iowait irq softirq steal (guest time is inside user).
            let total = fields.iter().take(8).sum();
            (idle, total)
        })
        .collect()
}

/// Percent busy between two samples of one CPU (0 when no time passed).
pub fn load_percent(old: (u64, u64), new: (u64, u64)) -> i32 {
    let total = new.1.saturating_sub(old.1);
    let idle = new.0.saturating_sub(old.0).min(total);
    (idle * 100).checked_div(total).map_or(0, |idle_pct| (100 - idle_pct) as i32)
}

/// /proc/stat samples of the last minute.
#[derive(Debug, Default)]
pub struct LoadHistory {
    samples: VecDeque<(Instant, Vec<(u64, u64)>)>,
}

impl LoadHistory {
    /// Adds a sample and returns each CPU's load against the oldest sample in the window
    /// (against boot when this is the first).
    pub fn add(&mut self, now: Instant, sample: Vec<(u64, u64)>) -> Vec<i32> {
        // Keep one sample at or beyond the window's start as the baseline.
        while self.samples.get(1).is_some_and(|(t, _)| now.duration_since(*t) >= LOAD_WINDOW) {
            self.samples.pop_front();
        }
        let loads = sample
            .iter()
            .enumerate()
            .map(|(i, new)| {
                let old = self.samples.front().and_then(|(_, s)| s.get(i)).copied().unwrap_or((0, 0));
                load_percent(old, *new)
            })
            .collect();
        self.samples.push_back((now, sample));
        loads
    }
}

/// A network interface: name, ifIndex, up, in + out errors.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NetDev {
    pub name: String,
    pub if_index: u32,
    pub up: bool,
    pub errors: u32,
}

/// Names and in + out error counts from /proc/net/dev.
pub fn parse_net_dev(text: &str) -> Vec<(String, u64)> {
    text.lines()
        .skip(2)
        .filter_map(|line| {
            let (name, rest) = line.split_once(':')?;
            let f: Vec<u64> = rest.split_whitespace().map(|x| x.parse().unwrap_or(0)).collect();
            let errors = f.get(2).copied().unwrap_or(0) + f.get(10).copied().unwrap_or(0);
            Some((name.trim().to_string(), errors))
        })
        .collect()
}

fn read_sys(name: &str, file: &str) -> Option<String> {
    std::fs::read_to_string(format!("/sys/class/net/{name}/{file}")).ok().map(|s| s.trim().to_string())
}

fn net_devices() -> Vec<NetDev> {
    let text = std::fs::read_to_string("/proc/net/dev").unwrap_or_default();
    let mut devs: Vec<NetDev> = parse_net_dev(&text)
        .into_iter()
        .filter_map(|(name, errors)| {
            let if_index = read_sys(&name, "ifindex")?.parse().ok()?;
            let flags = read_sys(&name, "flags")
                .and_then(|f| u32::from_str_radix(f.trim_start_matches("0x"), 16).ok())
                .unwrap_or(0);
            Some(NetDev { name, if_index, up: flags & IFF_UP != 0, errors: errors as u32 })
        })
        .collect();
    devs.sort_by_key(|d| d.if_index);
    devs
}

/// The view from its parts.
pub fn build(cpus: &[String], loads: &[i32], nets: &[NetDev], filesystems: &[Fs]) -> View {
    let dev = |col: u32, i: u32| host_oid(&[3, 2, 1, col, i]);
    let mut values = Vec::new();
    let mut device = |i: u32, ty: u32, descr: String, status: Option<i32>, errors: Option<u32>| {
        values.push(VarBind::new(dev(1, i), Value::Integer(i as i32)));
        values.push(VarBind::new(dev(2, i), device_type(ty)));
        values.push(VarBind::new(dev(3, i), Value::string(descr)));
        values.push(VarBind::new(dev(4, i), zero_dot_zero()));
        if let Some(s) = status {
            values.push(VarBind::new(dev(5, i), Value::Integer(s)));
        }
        if let Some(e) = errors {
            values.push(VarBind::new(dev(6, i), Value::Counter32(e)));
        }
    };
    for (n, descr) in cpus.iter().enumerate() {
        device(PROCESSOR_BASE + n as u32, 3, descr.clone(), Some(2), None);
    }
    for net in nets {
        let status = if net.up { 2 } else { 5 };
        device(
            NETWORK_BASE + net.if_index,
            4,
            format!("network interface {}", net.name),
            Some(status),
            Some(net.errors),
        );
    }
    device(COPROCESSOR_BASE, 12, "Guessing that there's a floating point co-processor".into(), None, None);
    for n in 0..cpus.len() {
        let i = PROCESSOR_BASE + n as u32;
        values.push(VarBind::new(host_oid(&[3, 3, 1, 1, i]), zero_dot_zero()));
        if let Some(load) = loads.get(n) {
            values.push(VarBind::new(host_oid(&[3, 3, 1, 2, i]), Value::Integer(*load)));
        }
    }
    for net in nets {
        let i = NETWORK_BASE + net.if_index;
        values.push(VarBind::new(host_oid(&[3, 4, 1, 1, i]), Value::Integer(net.if_index as i32)));
    }
    for fs in filesystems {
        let col = |c: u32| host_oid(&[3, 8, 1, c, fs.index]);
        let remote = if fs.remote() { fs.mount.device.as_bytes().to_vec() } else { Vec::new() };
        values.push(VarBind::new(col(1), Value::Integer(fs.index as i32)));
        values.push(VarBind::new(col(2), Value::string(fs.mount.path.as_bytes().to_vec())));
        values.push(VarBind::new(col(3), Value::string(remote)));
        values.push(VarBind::new(col(4), Value::oid(host_oid(&[3, 9, fs.fstype as u32]))));
        values.push(VarBind::new(col(5), Value::Integer(if fs.mount.read_only { 2 } else { 1 })));
        values.push(VarBind::new(col(6), Value::Integer(if fs.mount.path == "/" { 1 } else { 2 })));
        values.push(VarBind::new(col(7), Value::Integer((MEM_TYPE_MAX + fs.index) as i32)));
        values.push(VarBind::new(col(8), Value::string(super::date::UNKNOWN.to_vec())));
        values.push(VarBind::new(col(9), Value::string(super::date::UNKNOWN.to_vec())));
    }
    let mut objects: Vec<Oid> = (1..=6).map(|c| host_oid(&[3, 2, 1, c])).collect();
    objects.extend((1..=2).map(|c| host_oid(&[3, 3, 1, c])));
    objects.push(host_oid(&[3, 4, 1, 1]));
    objects.extend((1..=8).map(|c| host_oid(&[3, 5, 1, c])));
    objects.extend((1..=5).map(|c| host_oid(&[3, 6, 1, c])));
    objects.extend((1..=9).map(|c| host_oid(&[3, 8, 1, c])));
    View::new(values, objects)
}

/// The hrDevice collector, keeping the /proc/stat history between runs; `disks` are the
/// paths of the config's `disk` directives.
pub fn collector(disks: Vec<String>) -> Collector {
    let history = Mutex::new(LoadHistory::default());
    Box::new(move || {
        let cpus = parse_cpuinfo(&std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default());
        let sample = parse_stat(&std::fs::read_to_string("/proc/stat").unwrap_or_default());
        let loads = history.lock().unwrap_or_else(|e| e.into_inner()).add(Instant::now(), sample);
        let filesystems: Vec<Fs> = mounts::filesystems(&disks);
        build(&cpus, &loads, &net_devices(), &filesystems)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cpuinfo() {
        let text = "processor\t: 0\nvendor_id\t: AuthenticAMD\nmodel name\t: AMD EPYC\n\nprocessor\t: 1\n\
            vendor_id\t: AuthenticAMD\nmodel name\t: AMD EPYC\n";
        assert_eq!(parse_cpuinfo(text), ["AuthenticAMD: AMD EPYC", "AuthenticAMD: AMD EPYC"]);
        assert!(parse_cpuinfo("").is_empty());
        assert_eq!(parse_cpuinfo("processor: 0\nnonsense\n").len(), 1);
    }

    #[test]
    fn stat_and_load() {
        let text = "cpu  254695 0 28520 272736 1518 0 1021 497 0 0\ncpu0 100 0 100 700 100 0 0 0 0 0\n\
            cpu1 x 0\nintr 1 2\n";
        let s = parse_stat(text);
        assert_eq!(s, [(700, 1000), (0, 0)]);
        assert_eq!(load_percent((0, 0), (700, 1000)), 30);
        assert_eq!(load_percent((700, 1000), (700, 1000)), 0);
        assert_eq!(load_percent((700, 1000), (750, 1100)), 50);
        let mut h = LoadHistory::default();
        let t0 = Instant::now();
        assert_eq!(h.add(t0, vec![(700, 1000)]), [30]);
        assert_eq!(h.add(t0 + Duration::from_secs(30), vec![(750, 1100)]), [50]);
        // After the window, the baseline moves to the newest sample at least a minute old.
        assert_eq!(h.add(t0 + Duration::from_secs(95), vec![(760, 1200)]), [90]);
    }

    #[test]
    fn net_dev() {
        let text = "Inter-|   Receive\n face |bytes\n    lo: 297 1393321    3    0    0     0          0         0 29 13    4    0    0     0       0          0\n\
            eth0: bad\nnocolon\n";
        assert_eq!(parse_net_dev(text), [("lo".to_string(), 7), ("eth0".to_string(), 0)]);
        assert!(parse_net_dev("").is_empty());
    }
}
