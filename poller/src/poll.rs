//! Polling one device: the scalars in GETs (sysUpTime, ifNumber, UCD load/memory/CPU, the
//! storage and processor rows discovery found) and the interface counters by walking their
//! columns together (GETBULK, or GETNEXT for v1), into a [`Sample`].
//!
//! Octets and unicast packets come from the 64-bit ifXTable HC columns for interfaces that
//! have them and from ifTable's 32-bit columns for the others (both are walked when a device
//! has both kinds); errors and discards exist only in ifTable.

use snmp::{Oid, Value};

use crate::discovery::{number, oids, text};
use crate::error::Error;
use crate::inventory::Discovered;
use crate::querier::Querier;
use crate::sample::{InterfaceCounters, Sample};

/// What a walked interface column fills in.
#[derive(Debug, Clone, Copy)]
enum Column {
    /// Octets and packets, 64-bit (true) or 32-bit.
    InOctets(bool),
    OutOctets(bool),
    InUcast(bool),
    OutUcast(bool),
    InErrors,
    OutErrors,
    InDiscards,
    OutDiscards,
    Discontinuity,
    OperStatus,
}

fn interface_columns(found: &Discovered) -> Vec<(Oid, Column)> {
    let if_entry = |c| oids::column(&oids::IF_ENTRY, c);
    let ifx_entry = |c| oids::column(&oids::IFX_ENTRY, c);
    let mut columns = Vec::new();
    if found.interfaces.iter().any(|i| i.hc) {
        columns.extend([
            (ifx_entry(6), Column::InOctets(true)),
            (ifx_entry(10), Column::OutOctets(true)),
            (ifx_entry(7), Column::InUcast(true)),
            (ifx_entry(11), Column::OutUcast(true)),
        ]);
    }
    if found.interfaces.iter().any(|i| !i.hc) {
        columns.extend([
            (if_entry(10), Column::InOctets(false)),
            (if_entry(16), Column::OutOctets(false)),
            (if_entry(11), Column::InUcast(false)),
            (if_entry(17), Column::OutUcast(false)),
        ]);
    }
    columns.extend([
        (if_entry(14), Column::InErrors),
        (if_entry(20), Column::OutErrors),
        (if_entry(13), Column::InDiscards),
        (if_entry(19), Column::OutDiscards),
        (if_entry(8), Column::OperStatus),
    ]);
    if found.interfaces.iter().any(|i| i.has_discontinuity) {
        columns.push((ifx_entry(19), Column::Discontinuity));
    }
    columns
}

/// The scalars asked for, and where each answer goes.
#[derive(Debug, Clone, Copy)]
enum Scalar {
    Uptime,
    IfNumber,
    Load(usize),
    Memory(usize),
    Cpu(usize),
    StorageSize(u32, u32),
    StorageUsed(u32, u32),
    Processor(u32),
}

fn scalars(found: &Discovered) -> Vec<(Oid, Scalar)> {
    let mut list = vec![
        (Oid::from_slice(&oids::SYS_UPTIME), Scalar::Uptime),
        (Oid::from_slice(&oids::IF_NUMBER), Scalar::IfNumber),
    ];
    if found.ucd.load {
        list.extend((0..3).map(|i| (oids::la_load(i as u32 + 1), Scalar::Load(i))));
    }
    if found.ucd.memory {
        list.extend(
            [5, 6, 14, 15, 3, 4]
                .iter()
                .enumerate()
                .map(|(i, &c)| (oids::scalar(&oids::UCD_MEMORY, c), Scalar::Memory(i))),
        );
    }
    if found.ucd.cpu {
        let columns = [50, 51, 52, 53, 54, 55, 56, 61];
        list.extend(
            columns.iter().enumerate().map(|(i, &c)| (oids::scalar(&oids::UCD_SYSTEM_STATS, c), Scalar::Cpu(i))),
        );
    }
    for s in &found.storage {
        let mut size = oids::column(&oids::HR_STORAGE_ENTRY, 5);
        size.push(s.index);
        let mut used = oids::column(&oids::HR_STORAGE_ENTRY, 6);
        used.push(s.index);
        list.push((size, Scalar::StorageSize(s.index, s.units)));
        list.push((used, Scalar::StorageUsed(s.index, s.units)));
    }
    for index in &found.processors {
        let mut oid = Oid::from_slice(&oids::HR_PROCESSOR_LOAD);
        oid.push(*index);
        list.push((oid, Scalar::Processor(*index)));
    }
    list
}

/// What the log says about an answer of the wrong type.
fn oddity(oid: &Oid, value: &Value<'_>) -> String {
    let kind = match value {
        Value::OctetString(_) => "a string",
        Value::ObjectIdentifier(_) => "an OID",
        Value::IpAddress(_) => "an IpAddress",
        Value::Opaque(_) => "an Opaque",
        Value::Null => "NULL",
        _ => "an unexpected type",
    };
    format!("{oid} answered {kind} where a number was expected")
}

/// Unix time now, in seconds with fractions.
pub fn unix_now() -> f64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0.0, |d| d.as_secs_f64())
}

/// Polls the device `found` describes; `now` gives the time the answers came.
pub async fn poll(querier: &impl Querier, found: &Discovered, now: impl Fn() -> f64) -> Result<Sample, Error> {
    let scalars = scalars(found);
    let oids: Vec<Oid> = scalars.iter().map(|(oid, _)| oid.clone()).collect();
    let values = querier.get(&oids).await?;
    let mut sample = Sample::default();
    let mut uptime = None;
    for ((oid, role), value) in scalars.iter().zip(&values) {
        let n = number(value);
        if n.is_none() && !value.is_exception() && !matches!(role, Scalar::Load(_)) {
            sample.oddities.push(oddity(oid, value));
        }
        match *role {
            Scalar::Uptime => uptime = n.and_then(|n| u32::try_from(n).ok()),
            Scalar::IfNumber => sample.if_number = n.and_then(|n| i32::try_from(n).ok()),
            Scalar::Load(i) => {
                if let Some(slot) = sample.load.get_mut(i) {
                    *slot = text(value).trim().parse::<f64>().ok().filter(|v| v.is_finite());
                }
            }
            Scalar::Memory(i) => {
                if let Some(slot) = sample.memory.get_mut(i) {
                    *slot = n.map(|kb| kb.saturating_mul(1024));
                }
            }
            Scalar::Cpu(i) => {
                if let Some(slot) = sample.cpu.get_mut(i) {
                    *slot = n;
                }
            }
            Scalar::StorageSize(index, units) => {
                sample.storage.entry(index).or_default().0 = n.map(|v| v.saturating_mul(u64::from(units)));
            }
            Scalar::StorageUsed(index, units) => {
                sample.storage.entry(index).or_default().1 = n.map(|v| v.saturating_mul(u64::from(units)));
            }
            Scalar::Processor(index) => {
                if let Some(load) = n {
                    sample.processors.insert(index, load);
                }
            }
        }
    }
    sample.uptime = uptime.ok_or_else(|| Error::Snmp("no sysUpTime in the answer".into()))?;
    if !found.interfaces.is_empty() {
        let columns = interface_columns(found);
        let roots: Vec<Oid> = columns.iter().map(|(oid, _)| oid.clone()).collect();
        let walked = querier.walk_columns(&roots).await?;
        let hc: std::collections::BTreeMap<u32, bool> = found.interfaces.iter().map(|i| (i.index, i.hc)).collect();
        for ((_, column), rows) in columns.iter().zip(&walked) {
            for vb in rows {
                let Some(&index) = vb.oid.as_slice().last() else { continue };
                // An interface takes its octets and packets from the width it was found with;
                // a row discovery did not see takes 64-bit ones over 32-bit ones.
                let width_ok = |wide: bool| hc.get(&index).map_or(wide, |&has| has == wide);
                let counters: &mut InterfaceCounters = sample.interfaces.entry(index).or_default();
                let n = number(&vb.value);
                if n.is_none() && !vb.value.is_exception() {
                    sample.oddities.push(oddity(&vb.oid, &vb.value));
                }
                match *column {
                    Column::InOctets(wide) if width_ok(wide) => counters.in_octets = n,
                    Column::OutOctets(wide) if width_ok(wide) => counters.out_octets = n,
                    Column::InUcast(wide) if width_ok(wide) => counters.in_ucast = n,
                    Column::OutUcast(wide) if width_ok(wide) => counters.out_ucast = n,
                    Column::InOctets(_) | Column::OutOctets(_) | Column::InUcast(_) | Column::OutUcast(_) => {}
                    Column::InErrors => counters.in_errors = n,
                    Column::OutErrors => counters.out_errors = n,
                    Column::InDiscards => counters.in_discards = n,
                    Column::OutDiscards => counters.out_discards = n,
                    Column::Discontinuity => {
                        counters.discontinuity = match vb.value {
                            Value::TimeTicks(t) => Some(t),
                            _ => None,
                        }
                    }
                    Column::OperStatus => counters.oper_status = n.and_then(|n| i32::try_from(n).ok()),
                }
            }
        }
    }
    sample.at = now();
    Ok(sample)
}
