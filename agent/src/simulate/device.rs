//! One simulated device: a [`Recording`] answered as a MIB handler over the whole OID
//! space, so the agent's dispatcher does GET, GETNEXT, GETBULK, v1/v2c rules and SET
//! refusals for it.
//!
//! Values are served exactly as recorded unless a [`CounterModel`] is given: then every
//! Counter32/Counter64 advances by about `rate` per second since the simulator started
//! (wrapping at 2^32 / 2^64, as counters do) and sysUpTime.0 and hrSystemUptime.0 advance
//! with time (wrapping at 2^32 ticks).

use std::sync::Arc;
use std::time::Instant;

use snmp::{Oid, Value, VarBind};

use super::record::Recording;
use crate::handler::MibHandler;

/// sysUpTime.0 and hrSystemUptime.0: the clocks that advance with time.
const UPTIME_OIDS: [&[u32]; 2] = [&[1, 3, 6, 1, 2, 1, 1, 3, 0], &[1, 3, 6, 1, 2, 1, 25, 1, 1, 0]];

/// How counters move.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CounterModel {
    /// Added to every counter per second.
    pub rate: f64,
    /// Added to every counter at start (a device's phase).
    pub offset: u64,
}

impl CounterModel {
    /// The model of device `index` (0-based) of a many-device simulation at `rate`: each
    /// device runs at `rate` x 1, 1.25, 1.5 or 1.75 (by index mod 4) and starts `index` x
    /// 1,000,003 ahead, so two devices' counters never read alike.
    pub fn for_device(rate: f64, index: usize) -> CounterModel {
        let factor = 1.0 + (index % 4) as f64 / 4.0;
        CounterModel { rate: rate * factor, offset: (index as u64).wrapping_mul(1_000_003) }
    }
}

#[derive(Debug, Clone, Copy)]
struct Clock {
    started: Instant,
    model: CounterModel,
}

/// A recorded device as a handler.
#[derive(Debug, Clone)]
pub struct SimulatedDevice {
    root: Oid,
    recording: Arc<Recording>,
    clock: Option<Clock>,
    uptime_oids: [Oid; 2],
}

impl SimulatedDevice {
    /// Serves every value exactly as recorded.
    pub fn frozen(recording: Arc<Recording>) -> SimulatedDevice {
        SimulatedDevice { root: Oid::new(), recording, clock: None, uptime_oids: UPTIME_OIDS.map(Oid::from_slice) }
    }

    /// Counters and uptime move as `model` says from `started` on.
    pub fn advancing(recording: Arc<Recording>, model: CounterModel, started: Instant) -> SimulatedDevice {
        SimulatedDevice { clock: Some(Clock { started, model }), ..SimulatedDevice::frozen(recording) }
    }

    pub fn recording(&self) -> &Arc<Recording> {
        &self.recording
    }

    /// The value `oid` has now.
    fn live(&self, oid: &Oid, recorded: &Value<'static>) -> Value<'static> {
        let Some(clock) = self.clock else {
            return recorded.clone();
        };
        let elapsed = clock.started.elapsed().as_secs_f64();
        // `as` saturates: a huge rate x time pins the delta at u64::MAX rather than wrapping.
        let delta = ((clock.model.rate * elapsed) as u64).wrapping_add(clock.model.offset);
        match recorded {
            Value::Counter32(v) => Value::Counter32(u64::from(*v).wrapping_add(delta) as u32),
            Value::Counter64(v) => Value::Counter64(v.wrapping_add(delta)),
            Value::TimeTicks(v) if self.uptime_oids.contains(oid) => {
                Value::TimeTicks(v.wrapping_add((elapsed * 100.0) as u64 as u32))
            }
            other => other.clone(),
        }
    }
}

impl MibHandler for SimulatedDevice {
    fn root(&self) -> &Oid {
        &self.root
    }

    /// A missing OID whose parent has recorded objects is a missing instance of a known
    /// object (noSuchInstance); otherwise the object itself is unknown (noSuchObject).
    fn get(&self, oid: &Oid) -> Value<'static> {
        if let Some(value) = self.recording.get(oid) {
            return self.live(oid, value);
        }
        let parent = Oid::from_slice(oid.as_slice().split_last().map_or(&[][..], |(_, p)| p));
        if !parent.is_empty() && self.recording.has_objects_under(&parent) {
            Value::NoSuchInstance
        } else {
            Value::NoSuchObject
        }
    }

    fn get_next(&self, oid: &Oid) -> Option<VarBind<'static>> {
        let next = self.recording.next_after(oid)?;
        Some(VarBind::new(next.oid.clone(), self.live(&next.oid, &next.value)))
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use std::time::Duration;

    use super::*;

    fn oid(s: &str) -> Oid {
        s.parse().unwrap()
    }

    fn recording() -> Arc<Recording> {
        Arc::new(Recording::from_objects(vec![
            VarBind::new(oid("1.3.6.1.2.1.1.3.0"), Value::TimeTicks(100)),
            VarBind::new(oid("1.3.6.1.2.1.1.5.0"), Value::string(b"sw1".to_vec())),
            VarBind::new(oid("1.3.6.1.2.1.2.2.1.10.1"), Value::Counter32(u32::MAX - 10)),
            VarBind::new(oid("1.3.6.1.2.1.31.1.1.1.6.1"), Value::Counter64(5)),
            VarBind::new(oid("1.3.6.1.2.1.2.2.1.5.1"), Value::Gauge32(7)),
        ]))
    }

    #[test]
    fn frozen_serves_the_recording() {
        let d = SimulatedDevice::frozen(recording());
        assert_eq!(d.get(&oid("1.3.6.1.2.1.2.2.1.10.1")), Value::Counter32(u32::MAX - 10));
        assert_eq!(d.get(&oid("1.3.6.1.2.1.2.2.1.10.9")), Value::NoSuchInstance);
        assert_eq!(d.get(&oid("1.3.6.1.2.1.99.0")), Value::NoSuchObject);
        assert_eq!(d.get_next(&oid("1")).unwrap().oid, oid("1.3.6.1.2.1.1.3.0"));
        assert_eq!(d.get_next(&oid("1.3.6.1.2.1.1.3.0")).unwrap().oid, oid("1.3.6.1.2.1.1.5.0"));
        assert!(d.get_next(&oid("1.3.6.1.2.1.31.1.1.1.6.1")).is_none());
    }

    #[test]
    fn counters_advance_and_wrap() {
        let started = Instant::now() - Duration::from_secs(2);
        let d = SimulatedDevice::advancing(recording(), CounterModel { rate: 100.0, offset: 0 }, started);
        let Value::Counter32(c) = d.get(&oid("1.3.6.1.2.1.2.2.1.10.1")) else { panic!() };
        // u32::MAX - 10 + ~200 wraps past zero.
        assert!((189..=260).contains(&c), "{c}");
        let Value::Counter64(c) = d.get(&oid("1.3.6.1.2.1.31.1.1.1.6.1")) else { panic!() };
        assert!((205..=300).contains(&c), "{c}");
        let Value::TimeTicks(t) = d.get(&oid("1.3.6.1.2.1.1.3.0")) else { panic!() };
        assert!((300..=400).contains(&t), "{t}");
        assert_eq!(d.get(&oid("1.3.6.1.2.1.2.2.1.5.1")), Value::Gauge32(7));
        assert_eq!(d.get(&oid("1.3.6.1.2.1.1.5.0")), Value::string(b"sw1".to_vec()));
    }

    #[test]
    fn devices_differ() {
        assert_eq!(CounterModel::for_device(100.0, 0), CounterModel { rate: 100.0, offset: 0 });
        assert_eq!(CounterModel::for_device(100.0, 5), CounterModel { rate: 125.0, offset: 5_000_015 });
    }
}
