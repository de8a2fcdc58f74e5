//! Discovery and polling of real devices' recordings: the snmpsim-data corpus (`.snmprec`
//! recordings of switches, routers, firewalls, servers, UPSes, ...; fetched by
//! `scripts/lib/snmpsim-data.sh`, found through `OSPREY_SNMPSIM_DATA`) replayed by the
//! simulator on loopback. For every recording, discovery must find exactly the interfaces
//! the recording's ifTable has, under their ifName (ifDescr without one), with 64-bit
//! counters where the recording has them, the storage rows worth graphing and the
//! processors; and a poll must succeed. Recordings past 4 MiB are replayed through their
//! first 4 MiB, as the simulator's own corpus test does.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use agent::simulate::record::{self, Format};
use agent::simulate::serve::{self, DeviceOptions, Simulator};
use agent::stats::Stats;
use poller::discovery::{discover, oids, text};
use poller::poll::{poll, unix_now};
use poller::querier::SnmpQuerier;
use poller::target::SnmpVersion;
use snmp::{Oid, Value};
use testkit::snmpsim_data::{KEPT_BYTES, corpus_or_skip, read_prefix, recordings};

/// The rows of a single-index column: index -> value.
fn column(objects: &BTreeMap<Oid, Value<'static>>, prefix: &[u32], number: u32) -> BTreeMap<u32, Value<'static>> {
    let root = oids::column(prefix, number);
    objects
        .range(root.clone()..)
        .take_while(|(oid, _)| oid.starts_with(&root))
        .filter(|(oid, _)| oid.len() == root.len() + 1)
        .map(|(oid, v)| (*oid.as_slice().last().unwrap(), v.clone()))
        .collect()
}

fn number(value: &Value<'_>) -> u64 {
    poller::discovery::number(value).unwrap_or(0)
}

#[test]
fn discovery_finds_every_recorded_interface() {
    let Some(dir) = corpus_or_skip() else {
        return;
    };
    let files = recordings(&dir);
    assert!(files.len() >= 100, "only {} recordings in {}", files.len(), dir.display());
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let (mut devices, mut interfaces, mut without_agent) = (0, 0, 0);
    for path in &files {
        let name = path.strip_prefix(&dir).unwrap().display().to_string();
        let (bytes, _) = read_prefix(path, KEPT_BYTES);
        let loaded = record::parse(&name, &bytes, Format::Snmprec).unwrap();
        let recording = Arc::new(loaded.recording);
        let objects: BTreeMap<Oid, Value<'static>> =
            recording.objects().iter().map(|vb| (vb.oid.clone(), vb.value.clone())).collect();
        let options = DeviceOptions { community: "public".into(), counter_rate: None };
        let dispatchers = serve::dispatchers(&recording, 1, &options, &Arc::new(Stats::default())).unwrap();
        let simulator =
            Simulator::start(vec![("127.0.0.1:0".parse().unwrap(), dispatchers.into_iter().next().unwrap())]).unwrap();
        let addr = simulator.local_addrs[0];
        let config = snmp::ClientConfig {
            timeout: std::time::Duration::from_secs(2),
            retries: 2,
            ..snmp::ClientConfig::default()
        };
        let result = runtime.block_on(async {
            let querier = SnmpQuerier::new(snmp::Client::connect(addr, config).await.unwrap(), SnmpVersion::V2c);
            let found = discover(&querier, SnmpVersion::V2c).await?;
            let sample = poll(&querier, &found, unix_now).await?;
            Ok::<_, poller::Error>((found, sample))
        });
        simulator.stop();

        let has_uptime = objects.contains_key(&Oid::from_slice(&oids::SYS_UPTIME));
        let (found, sample) = match result {
            Ok(done) => done,
            Err(e) => {
                // Only a recording without sysUpTime may fail discovery.
                assert!(!has_uptime, "{name}: {e}");
                without_agent += 1;
                continue;
            }
        };
        devices += 1;
        // Interfaces: the ifTable rows (ifIndex or ifDescr column).
        let descrs = column(&objects, &oids::IF_ENTRY, 2);
        let expected: BTreeSet<u32> =
            column(&objects, &oids::IF_ENTRY, 1).keys().chain(descrs.keys()).copied().collect();
        let got: BTreeSet<u32> = found.interfaces.iter().map(|i| i.index).collect();
        assert_eq!(got, expected, "{name}: interfaces");
        let if_names = column(&objects, &oids::IFX_ENTRY, 1);
        let hc = column(&objects, &oids::IFX_ENTRY, 6);
        for i in &found.interfaces {
            let recorded = if_names.get(&i.index).map(text).filter(|n| !n.is_empty());
            let expected_name = recorded.unwrap_or_else(|| descrs.get(&i.index).map(text).unwrap_or_default());
            if !expected_name.is_empty() {
                assert!(i.name == expected_name || i.name == format!("{expected_name}-{}", i.index), "{name}: {i:?}");
            }
            assert_eq!(i.hc, matches!(hc.get(&i.index), Some(Value::Counter64(_))), "{name}: {i:?}");
        }
        interfaces += found.interfaces.len();
        // Storage rows with a size and units, and the processors.
        let sizes = column(&objects, &oids::HR_STORAGE_ENTRY, 5);
        let units = column(&objects, &oids::HR_STORAGE_ENTRY, 4);
        let storage: BTreeSet<u32> = column(&objects, &oids::HR_STORAGE_ENTRY, 3)
            .keys()
            .filter(|i| sizes.get(i).map(number).unwrap_or(0) > 0 && units.get(i).map(number).unwrap_or(0) > 0)
            .copied()
            .collect();
        assert_eq!(found.storage.iter().map(|s| s.index).collect::<BTreeSet<_>>(), storage, "{name}: storage");
        let processors: Vec<u32> = column(&objects, &[1, 3, 6, 1, 2, 1, 25, 3, 3, 1], 2).keys().copied().collect();
        assert_eq!(found.processors, processors, "{name}: processors");
        // The poll brought a row for every interface that has counters recorded.
        let octets = column(&objects, &oids::IF_ENTRY, 10);
        for i in &found.interfaces {
            if !i.hc && octets.contains_key(&i.index) {
                assert!(sample.interfaces.get(&i.index).is_some_and(|c| c.in_octets.is_some()), "{name}: {i:?}");
            }
        }
    }
    eprintln!(
        "snmpsim-data: {devices} recordings discovered and polled ({interfaces} interfaces), {without_agent} without sysUpTime"
    );
    assert!(devices >= 80 && interfaces >= 1000, "{devices} devices, {interfaces} interfaces");
}
