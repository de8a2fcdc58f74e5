//! The counter logic end to end, with a scripted agent and a test clock: discovery, polls,
//! readings and the real RRD files (rrd crate), then the rates read back. 32-bit wraps,
//! 64-bit counters, an agent restart, a counter discontinuity and a rate above the interface
//! speed each give what MRTG/Cacti users expect: the true rate, or unknown for that step.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::path::Path;

use poller::discovery::{discover, oids};
use poller::error::Error;
use poller::layout::{create_args, files};
use poller::poll::poll;
use poller::querier::Querier;
use poller::sample::updates;
use poller::target::SnmpVersion;
use snmp::{Oid, Value, VarBind};

/// An agent answering from a table the test edits between polls.
#[derive(Default)]
struct Scripted {
    objects: RefCell<BTreeMap<Oid, Value<'static>>>,
}

impl Scripted {
    fn set(&self, oid: Oid, value: Value<'static>) {
        self.objects.borrow_mut().insert(oid, value);
    }
}

impl Querier for Scripted {
    async fn get(&self, oids: &[Oid]) -> Result<Vec<Value<'static>>, Error> {
        let objects = self.objects.borrow();
        Ok(oids.iter().map(|o| objects.get(o).cloned().unwrap_or(Value::NoSuchObject)).collect())
    }

    async fn walk_columns(&self, columns: &[Oid]) -> Result<Vec<Vec<VarBind<'static>>>, Error> {
        let objects = self.objects.borrow();
        Ok(columns
            .iter()
            .map(|c| {
                objects
                    .iter()
                    .filter(|(o, _)| o.starts_with(c))
                    .map(|(o, v)| VarBind::new(o.clone(), v.clone()))
                    .collect()
            })
            .collect())
    }
}

fn at(prefix: &[u32], column: u32, index: u32) -> Oid {
    let mut oid = oids::column(prefix, column);
    oid.push(index);
    oid
}

const T0: i64 = 1_000_000_200;
const STEP: u32 = 300;

/// A router with two interfaces: 1 "wan" (32-bit counters only, 10 Mbit/s), 2 "core" (64-bit
/// counters, 10 Gbit/s, with ifCounterDiscontinuityTime).
fn agent() -> Scripted {
    let a = Scripted::default();
    a.set(oids::scalar(&oids::SYSTEM, 1), Value::string("Scripted router"));
    a.set(oids::scalar(&oids::SYSTEM, 3), Value::TimeTicks(100_000));
    a.set(oids::scalar(&oids::SYSTEM, 5), Value::string("r1"));
    a.set(Oid::from_slice(&oids::IF_NUMBER), Value::Integer(2));
    for (index, name, speed) in [(1, "wan", 10_000_000u32), (2, "core", u32::MAX)] {
        a.set(at(&oids::IF_ENTRY, 1, index), Value::Integer(index as i32));
        a.set(at(&oids::IF_ENTRY, 2, index), Value::string(name));
        a.set(at(&oids::IF_ENTRY, 3, index), Value::Integer(6));
        a.set(at(&oids::IF_ENTRY, 5, index), Value::Gauge32(speed));
        a.set(at(&oids::IF_ENTRY, 8, index), Value::Integer(1));
        a.set(at(&oids::IFX_ENTRY, 1, index), Value::string(name));
        a.set(at(&oids::IFX_ENTRY, 15, index), Value::Gauge32(speed / 1_000_000));
        for column in [13, 14, 19, 20, 11, 17] {
            a.set(at(&oids::IF_ENTRY, column, index), Value::Counter32(0));
        }
    }
    a.set(at(&oids::IFX_ENTRY, 15, 2), Value::Gauge32(10_000));
    a.set(at(&oids::IFX_ENTRY, 19, 2), Value::TimeTicks(0));
    counters(&a, 100_000, (0, 0), (0, 0));
    a
}

/// Sets the octet counters: wan 32-bit, core 64-bit.
fn counters(a: &Scripted, uptime: u32, wan: (u32, u32), core: (u64, u64)) {
    a.set(oids::scalar(&oids::SYSTEM, 3), Value::TimeTicks(uptime));
    // wan has ifXTable rows but no HC counters (as 32-bit-only interfaces of real agents).
    a.set(at(&oids::IF_ENTRY, 10, 1), Value::Counter32(wan.0));
    a.set(at(&oids::IF_ENTRY, 16, 1), Value::Counter32(wan.1));
    a.set(at(&oids::IFX_ENTRY, 6, 2), Value::Counter64(core.0));
    a.set(at(&oids::IFX_ENTRY, 10, 2), Value::Counter64(core.1));
}

fn block_on<F: std::future::Future>(f: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(f)
}

/// The AVERAGE rates (in, out) of a traffic file, one per step from T0.
fn rates(file: &Path, steps: i64) -> Vec<(f64, f64)> {
    let fetched =
        rrd::fetch::fetch_file(file, rrd::format::rra::Cf::Average, 1, T0, T0 + steps * i64::from(STEP)).unwrap();
    fetched.data.chunks(2).map(|c| (c[0], c[1])).collect()
}

#[test]
fn wraps_restarts_discontinuities_and_over_speed() {
    let dir = tempfile::tempdir().unwrap();
    let a = agent();
    let mut found = block_on(discover(&a, SnmpVersion::V2c)).unwrap();
    let wan = found.interfaces.iter().find(|i| i.name == "wan").unwrap();
    assert!(!wan.hc, "the wan interface has only 32-bit counters");
    assert_eq!(wan.speed_bps, 10_000_000);
    let core = found.interfaces.iter().find(|i| i.name == "core").unwrap();
    assert!(core.hc && core.has_discontinuity);
    assert_eq!(core.speed_bps, 10_000_000_000);
    let layout = files(&found);
    for f in &layout {
        let path = dir.path().join(&f.file_name);
        let mut args = vec![path.display().to_string()];
        args.extend(create_args(f, STEP, T0));
        let spec = rrd::create::parse_args(&args, T0).unwrap();
        rrd::create::write_new(&path, &spec.build(), true).unwrap();
    }

    // (uptime, wan in/out (32-bit), core in/out (64-bit), core discontinuity)
    type Step = (u32, (u32, u32), (u64, u64), u32);
    let big = 1u64 << 40;
    let script: Vec<Step> = vec![
        (100_000, (4_294_000_000, 1000), (big, big), 0),
        // +300,000 B in 300 s on both wan counters; wan in wraps at 2^32.
        (130_000, (4_294_000_000u32.wrapping_add(300_000), 301_000), (big + 3_000_000, big + 6_000_000), 0),
        (160_000, (4_294_000_000u32.wrapping_add(600_000), 601_000), (big + 6_000_000, big + 12_000_000), 0),
        // The agent restarted: counters start again near zero.
        (3_000, (5_000, 5_000), (1_000, 1_000), 0),
        (33_000, (305_000, 305_000), (3_001_000, 6_001_000), 0),
        // A discontinuity on core only.
        (63_000, (605_000, 605_000), (9_001_000, 9_001_000), 5_000),
        (93_000, (905_000, 905_000), (12_001_000, 12_001_000), 5_000),
        // Over speed on wan: 10 Mbit/s is 1.25 MB/s at most; this is 10 MB/s.
        (123_000, (905_000 + 3_000_000_000, 1_205_000), (15_001_000, 15_001_000), 5_000),
        (153_000, (3_001_205_000, 1_505_000), (18_001_000, 18_001_000), 5_000),
    ];
    let mut last_uptime = None;
    for (k, (uptime, wan, core, discontinuity)) in script.iter().enumerate() {
        counters(&a, *uptime, *wan, *core);
        a.set(at(&oids::IFX_ENTRY, 19, 2), Value::TimeTicks(*discontinuity));
        let time = (T0 + (k as i64 + 1) * i64::from(STEP)) as f64;
        let sample = block_on(poll(&a, &found, || time)).unwrap();
        let u = updates(&found, &layout, last_uptime, &sample);
        assert_eq!(u.rebooted, k == 3, "step {k}");
        assert_eq!(u.discontinuities, if k == 5 { vec!["core".to_string()] } else { vec![] }, "step {k}");
        for (index, reading) in &u.readings {
            let file = &layout[*index].file_name;
            rrd::update::update_file(&dir.path().join(file), rrd::update::UpdateOptions::default(), &[reading])
                .unwrap();
        }
        last_uptime = Some(sample.uptime);
        for (name, ticks) in u.discontinuity_times {
            found.interfaces.iter_mut().find(|i| i.name == name).unwrap().last_discontinuity = Some(ticks);
        }
    }
    let wan = rates(&dir.path().join("traffic-wan.rrd"), script.len() as i64);
    let core = rates(&dir.path().join("traffic-core.rrd"), script.len() as i64);
    let near = |a: f64, b: f64| (a - b).abs() < 1e-6 * b.abs().max(1.0);
    // Step 1 has no earlier value; steps 2 and 3 are 1,000 B/s each way on wan (across the
    // 32-bit wrap), 10,000 and 20,000 B/s on core.
    assert!(wan[0].0.is_nan() && core[0].0.is_nan());
    for k in [1, 2] {
        assert!(near(wan[k].0, 1000.0) && near(wan[k].1, 1000.0), "wan step {k}: {:?}", wan[k]);
        assert!(near(core[k].0, 10_000.0) && near(core[k].1, 20_000.0), "core step {k}: {:?}", core[k]);
    }
    // The restart: unknown, and the step after it too (rrdtool needs two known values).
    assert!(wan[3].0.is_nan() && core[3].0.is_nan() && wan[4].0.is_nan(), "{wan:?}");
    assert!(near(wan[5].0, 1000.0), "{wan:?}");
    // The discontinuity: unknown on core (and the step after), wan unaffected.
    assert!(core[5].0.is_nan() && core[6].0.is_nan(), "{core:?}");
    assert!(near(wan[6].0, 1000.0) && near(core[7].0, 10_000.0), "{wan:?} {core:?}");
    // Over speed: unknown, not a spike; the next step is normal again.
    assert!(wan[7].0.is_nan() && near(wan[7].1, 1000.0), "{wan:?}");
    assert!(near(wan[8].0, 1000.0), "{wan:?}");
}

/// Answers of the wrong type, missing rows and exceptions become unknown values, never a
/// failure of the whole poll.
#[test]
fn wrong_types_and_missing_rows_are_unknown() {
    let a = agent();
    let found = block_on(discover(&a, SnmpVersion::V2c)).unwrap();
    a.set(at(&oids::IFX_ENTRY, 6, 2), Value::string("garbage"));
    a.set(at(&oids::IFX_ENTRY, 10, 2), Value::NoSuchInstance);
    a.objects.borrow_mut().retain(|oid, _| !oid.starts_with(&oids::column(&oids::IF_ENTRY, 16)));
    let sample = block_on(poll(&a, &found, || (T0 + 300) as f64)).unwrap();
    let layout = files(&found);
    let u = updates(&found, &layout, Some(1), &sample);
    let reading = |file: &str| u.readings.iter().find(|(i, _)| layout[*i].file_name == file).unwrap().1.clone();
    assert_eq!(reading("traffic-core.rrd"), format!("{}.000:U:U", T0 + 300));
    assert_eq!(reading("traffic-wan.rrd"), format!("{}.000:0:U", T0 + 300));
    // The garbage is reported for the log; exceptions and missing rows are not garbage.
    assert_eq!(sample.oddities.len(), 1, "{:?}", sample.oddities);
    assert!(sample.oddities[0].contains("1.3.6.1.2.1.31.1.1.1.6.2 answered a string"), "{:?}", sample.oddities);
}
