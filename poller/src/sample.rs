//! One poll's answers ([`Sample`]) turned into RRD updates, one reading per file.
//!
//! Raw counters go to COUNTER data sources, so rrdtool's own arithmetic makes the rates
//! (wraps at 32 and 64 bits included). What rrdtool cannot know is written as unknown (`U`)
//! for that step instead of letting it become a spike: every counter of a device whose
//! sysUpTime went backwards (an agent restart resets its counters), and the counters of an
//! interface whose ifCounterDiscontinuityTime changed. A missing answer is unknown too.

use std::collections::{BTreeMap, HashMap};

use crate::inventory::{Discovered, Interface};
use crate::layout::{Graph, RrdFile};

/// One interface's counters as polled (64-bit ones when the interface has them).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct InterfaceCounters {
    /// Octets in.
    pub in_octets: Option<u64>,
    /// Octets out.
    pub out_octets: Option<u64>,
    /// Unicast packets in.
    pub in_ucast: Option<u64>,
    /// Unicast packets out.
    pub out_ucast: Option<u64>,
    /// ifInErrors.
    pub in_errors: Option<u64>,
    /// ifOutErrors.
    pub out_errors: Option<u64>,
    /// ifInDiscards.
    pub in_discards: Option<u64>,
    /// ifOutDiscards.
    pub out_discards: Option<u64>,
    /// ifCounterDiscontinuityTime.
    pub discontinuity: Option<u32>,
    /// ifOperStatus.
    pub oper_status: Option<i32>,
}

/// What one poll of a device brought back.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Sample {
    /// When the answers came (Unix seconds, with milliseconds).
    pub at: f64,
    /// sysUpTime (ticks).
    pub uptime: u32,
    /// ifNumber.
    pub if_number: Option<i32>,
    /// Interface counters by ifIndex, for every row the agent has.
    pub interfaces: BTreeMap<u32, InterfaceCounters>,
    /// Load averages (1, 5, 15 minutes).
    pub load: [Option<f64>; 3],
    /// Raw CPU counters: user, nice, system, idle, wait, kernel, interrupt, softirq.
    pub cpu: [Option<u64>; 8],
    /// hrProcessorLoad by index.
    pub processors: BTreeMap<u32, u64>,
    /// Memory in bytes: total, available, buffers, cached, swap total, swap available.
    pub memory: [Option<u64>; 6],
    /// hrStorage (size, used) in bytes, by index.
    pub storage: BTreeMap<u32, (Option<u64>, Option<u64>)>,
    /// Answers that made no sense (a counter that is text, ...), for the log; their values
    /// are unknown.
    pub oddities: Vec<String>,
}

/// The updates of one poll and what the inventory should learn from it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Updates {
    /// (index of the file in the device's file list, reading `TIME:V1:V2...`).
    pub readings: Vec<(usize, String)>,
    /// The agent restarted since the last poll.
    pub rebooted: bool,
    /// Interfaces whose ifCounterDiscontinuityTime changed.
    pub discontinuities: Vec<String>,
    /// ifCounterDiscontinuityTime now, per interface name (to store).
    pub discontinuity_times: Vec<(String, u32)>,
    /// The interfaces differ from the discovered ones (ifNumber or the ifIndex set changed,
    /// or the agent restarted): discover again.
    pub rediscover: bool,
}

fn field<T: ToString>(value: Option<T>) -> String {
    value.map_or_else(|| "U".to_string(), |v| v.to_string())
}

/// The readings of `sample` for the files of `found`; `last_uptime` is sysUpTime at the
/// previous successful poll.
pub fn updates(found: &Discovered, files: &[RrdFile], last_uptime: Option<u32>, sample: &Sample) -> Updates {
    let rebooted = last_uptime.is_some_and(|last| sample.uptime < last);
    let mut out = Updates { rebooted, ..Updates::default() };
    let known: std::collections::BTreeSet<u32> = found.interfaces.iter().map(|i| i.index).collect();
    let polled: std::collections::BTreeSet<u32> = sample.interfaces.keys().copied().collect();
    out.rediscover = rebooted
        || sample.if_number.is_some_and(|n| n != found.if_number)
        || (!sample.interfaces.is_empty() && known != polled);
    // A counter is written only when the step is continuous for it.
    let counter = |value: Option<u64>, continuous: bool| if continuous { value } else { None };
    let time = format!("{:.3}", sample.at);
    let interfaces: HashMap<&str, &Interface> = found.interfaces.iter().map(|i| (i.name.as_str(), i)).collect();
    for (index, file) in files.iter().enumerate() {
        let values: Vec<String> = match &file.graph {
            Graph::Traffic(name) | Graph::Errors(name) | Graph::Packets(name) => {
                let Some(interface) = interfaces.get(name.as_str()) else { continue };
                let polled = sample.interfaces.get(&interface.index).cloned().unwrap_or_default();
                let discontinuous = match (interface.last_discontinuity, polled.discontinuity) {
                    (Some(before), Some(now)) => before != now,
                    _ => false,
                };
                if discontinuous && matches!(file.graph, Graph::Traffic(_)) {
                    out.discontinuities.push(name.clone());
                }
                let ok = !rebooted && !discontinuous;
                match &file.graph {
                    Graph::Traffic(_) => {
                        vec![field(counter(polled.in_octets, ok)), field(counter(polled.out_octets, ok))]
                    }
                    Graph::Errors(_) => [polled.in_errors, polled.out_errors, polled.in_discards, polled.out_discards]
                        .map(|v| field(counter(v, ok)))
                        .to_vec(),
                    _ => vec![field(counter(polled.in_ucast, ok)), field(counter(polled.out_ucast, ok))],
                }
            }
            Graph::Load => sample.load.map(field).to_vec(),
            Graph::Cpu => sample.cpu.map(|v| field(counter(v, !rebooted))).to_vec(),
            Graph::Processor(index) => vec![field(sample.processors.get(index).copied())],
            Graph::Memory => sample.memory.map(field).to_vec(),
            Graph::Storage(descr) => {
                let row = found.storage.iter().find(|s| &s.descr == descr).and_then(|s| sample.storage.get(&s.index));
                let (size, used) = row.copied().unwrap_or((None, None));
                vec![field(size), field(used)]
            }
            Graph::Uptime => vec![format!("{}", f64::from(sample.uptime) / 100.0)],
        };
        out.readings.push((index, format!("{time}:{}", values.join(":"))));
    }
    for interface in &found.interfaces {
        if let Some(ticks) = sample.interfaces.get(&interface.index).and_then(|c| c.discontinuity) {
            out.discontinuity_times.push((interface.name.clone(), ticks));
        }
    }
    out
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;
    use crate::inventory::{Interface, UcdGroups};
    use crate::layout::files;

    fn found() -> Discovered {
        let interface = |name: &str, index| Interface {
            name: name.into(),
            index,
            descr: name.into(),
            alias: String::new(),
            if_type: 6,
            speed_bps: 100_000_000,
            admin_status: 1,
            oper_status: 1,
            hc: true,
            has_discontinuity: true,
            last_discontinuity: Some(100),
        };
        Discovered {
            if_number: 2,
            interfaces: vec![interface("eth0", 2), interface("eth1", 3)],
            ucd: UcdGroups { load: true, memory: false, cpu: true },
            ..Discovered::default()
        }
    }

    fn sample(uptime: u32, eth1_discontinuity: u32) -> Sample {
        let counters = |base: u64, discontinuity| InterfaceCounters {
            in_octets: Some(base),
            out_octets: Some(base * 2),
            in_ucast: Some(base / 100),
            out_ucast: Some(base / 50),
            in_errors: Some(1),
            out_errors: Some(2),
            in_discards: Some(3),
            out_discards: None,
            discontinuity: Some(discontinuity),
            oper_status: Some(1),
        };
        Sample {
            at: 1_000_000_300.25,
            uptime,
            if_number: Some(2),
            interfaces: [(2, counters(1000, 100)), (3, counters(5000, eth1_discontinuity))].into(),
            load: [Some(0.5), Some(0.25), None],
            cpu: [Some(10), Some(0), Some(5), Some(900), None, None, None, None],
            ..Sample::default()
        }
    }

    fn reading<'a>(u: &'a Updates, file: &str) -> &'a str {
        let index = files(&found()).iter().position(|f| f.file_name == file).unwrap();
        &u.readings.iter().find(|(i, _)| *i == index).unwrap().1
    }

    #[test]
    fn counters_and_gauges() {
        let found = found();
        let u = updates(&found, &files(&found), Some(1000), &sample(31000, 100));
        assert!(!u.rebooted && !u.rediscover && u.discontinuities.is_empty());
        assert_eq!(reading(&u, "traffic-eth0.rrd"), "1000000300.250:1000:2000");
        assert_eq!(reading(&u, "errors-eth1.rrd"), "1000000300.250:1:2:3:U");
        assert_eq!(reading(&u, "packets-eth1.rrd"), "1000000300.250:50:100");
        assert_eq!(reading(&u, "load.rrd"), "1000000300.250:0.5:0.25:U");
        assert_eq!(reading(&u, "cpu.rrd"), "1000000300.250:10:0:5:900:U:U:U:U");
        assert_eq!(reading(&u, "uptime.rrd"), "1000000300.250:310");
        assert_eq!(u.discontinuity_times, [("eth0".to_string(), 100), ("eth1".to_string(), 100)]);
    }

    #[test]
    fn a_restart_makes_every_counter_unknown_for_the_step() {
        let found = found();
        let u = updates(&found, &files(&found), Some(90_000), &sample(500, 100));
        assert!(u.rebooted && u.rediscover);
        assert_eq!(reading(&u, "traffic-eth0.rrd"), "1000000300.250:U:U");
        assert_eq!(reading(&u, "cpu.rrd"), "1000000300.250:U:U:U:U:U:U:U:U");
        // Gauges still are what they are.
        assert_eq!(reading(&u, "load.rrd"), "1000000300.250:0.5:0.25:U");
        assert_eq!(reading(&u, "uptime.rrd"), "1000000300.250:5");
        // The first poll ever has nothing to compare with.
        assert!(!updates(&found, &files(&found), None, &sample(500, 100)).rebooted);
    }

    #[test]
    fn a_discontinuity_makes_that_interface_unknown() {
        let found = found();
        let u = updates(&found, &files(&found), Some(1000), &sample(31000, 2500));
        assert_eq!(u.discontinuities, ["eth1"]);
        assert_eq!(reading(&u, "traffic-eth1.rrd"), "1000000300.250:U:U");
        assert_eq!(reading(&u, "errors-eth1.rrd"), "1000000300.250:U:U:U:U");
        assert_eq!(reading(&u, "traffic-eth0.rrd"), "1000000300.250:1000:2000");
        assert!(u.discontinuity_times.contains(&("eth1".to_string(), 2500)));
    }

    #[test]
    fn changed_interfaces_ask_for_discovery() {
        let found = found();
        let mut s = sample(31000, 100);
        s.interfaces.remove(&3);
        s.interfaces.insert(4, InterfaceCounters::default());
        let u = updates(&found, &files(&found), Some(1000), &s);
        assert!(u.rediscover);
        // eth1 (index 3) has no answer this time: unknown.
        assert_eq!(reading(&u, "traffic-eth1.rrd"), "1000000300.250:U:U");
        let mut s = sample(31000, 100);
        s.if_number = Some(3);
        assert!(updates(&found, &files(&found), Some(1000), &s).rediscover);
    }
}
