//! Counters of a simulated device under `--counter-rate`: with a rate of a billion a second,
//! Counter32 and Counter64 values recorded near their limits are seen to wrap within a few
//! seconds, and between two reads they move by the rate times the time between them. Values
//! that are not counters stay as recorded. Bounded: at most 60 reads over 3 seconds.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod simulate_support;

use std::time::{Duration, Instant};

use agent::simulate::Recording;
use simulate_support::{options, start_one};
use snmp::{Oid, Value, VarBind};

const RATE: f64 = 1e9;

#[test]
fn counters_advance_and_wrap_at_a_high_rate() {
    let oid = |s: &str| -> Oid { s.parse().unwrap() };
    let recording = Recording::from_objects(vec![
        VarBind::new(oid("1.3.6.1.2.1.1.3.0"), Value::TimeTicks(500)),
        VarBind::new(oid("1.3.6.1.2.1.1.5.0"), Value::string(b"edge".to_vec())),
        // Half a second (at 1e9/s) short of the wrap.
        VarBind::new(oid("1.3.6.1.2.1.2.2.1.10.1"), Value::Counter32(u32::MAX - 500_000_000)),
        VarBind::new(oid("1.3.6.1.2.1.2.2.1.5.1"), Value::Gauge32(1000)),
        // One second short of the wrap.
        VarBind::new(oid("1.3.6.1.2.1.31.1.1.1.6.1"), Value::Counter64(u64::MAX - 1_000_000_000)),
    ]);
    let sim = start_one(recording, &options(Some(RATE)));
    let asked: Vec<Oid> = recording_oids();
    let read = || -> (Instant, Vec<Value<'static>>) {
        let vbs = testkit::udp::get(sim.port(), "public", &asked).expect("an answer");
        (Instant::now(), vbs.into_iter().map(|vb| vb.value).collect())
    };
    let (mut at, mut last) = read();
    let (mut wrapped32, mut wrapped64) = (false, false);
    let deadline = Instant::now() + Duration::from_secs(3);
    for _ in 0..60 {
        std::thread::sleep(Duration::from_millis(50));
        let (now, values) = read();
        let dt = now.duration_since(at).as_secs_f64();
        let (Value::Counter32(a), Value::Counter32(b)) = (&last[1], &values[1]) else { panic!("{values:?}") };
        let (Value::Counter64(c), Value::Counter64(d)) = (&last[2], &values[2]) else { panic!("{values:?}") };
        wrapped32 |= b < a;
        wrapped64 |= d < c;
        // The counters moved by RATE x the time between the reads (generous bounds: the
        // reads' own times are only known to within their round trips).
        let delta32 = b.wrapping_sub(*a) as f64;
        let delta64 = d.wrapping_sub(*c) as f64;
        for delta in [delta32, delta64] {
            assert!(delta > RATE * dt * 0.5 - 2e7 && delta < RATE * dt * 1.5 + 2e7, "+{delta} in {dt} s");
        }
        assert_eq!(values[3], Value::Gauge32(1000));
        assert_eq!(values[4], Value::string(b"edge".to_vec()));
        (at, last) = (now, values);
        if (wrapped32 && wrapped64) || Instant::now() > deadline {
            break;
        }
    }
    assert!(wrapped32, "Counter32 did not wrap");
    assert!(wrapped64, "Counter64 did not wrap");
    let Value::TimeTicks(uptime) = last[0] else { panic!() };
    assert!(uptime > 500, "sysUpTime advances: {uptime}");
}

fn recording_oids() -> Vec<Oid> {
    [
        "1.3.6.1.2.1.1.3.0",
        "1.3.6.1.2.1.2.2.1.10.1",
        "1.3.6.1.2.1.31.1.1.1.6.1",
        "1.3.6.1.2.1.2.2.1.5.1",
        "1.3.6.1.2.1.1.5.0",
    ]
    .iter()
    .map(|s| s.parse().unwrap())
    .collect()
}
