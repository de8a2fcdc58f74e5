//! Discovery: what a device can be graphed by. The system group and ifNumber; interfaces
//! from ifTable and ifXTable (name, alias, type, speed, status; 64-bit counters when the
//! agent has them, which v1 agents and agents without ifXTable do not); hrStorage and
//! hrProcessor rows; the UCD-SNMP-MIB load, memory and CPU groups. It works with any
//! standard agent: every part that is missing is simply not there.

use snmp::{Oid, Value, VarBind};

use crate::error::Error;
use crate::inventory::{Discovered, Interface, Storage, SystemInfo, UcdGroups};
use crate::querier::Querier;
use crate::target::SnmpVersion;

/// The OIDs the poller works with.
pub mod oids {
    /// `1.3.6.1.2.1.1.N.0`: the system group scalars.
    pub const SYSTEM: [u32; 7] = [1, 3, 6, 1, 2, 1, 1];
    /// sysUpTime.0.
    pub const SYS_UPTIME: [u32; 9] = [1, 3, 6, 1, 2, 1, 1, 3, 0];
    /// ifNumber.0.
    pub const IF_NUMBER: [u32; 9] = [1, 3, 6, 1, 2, 1, 2, 1, 0];
    /// ifEntry: columns 1 ifIndex, 2 ifDescr, 3 ifType, 5 ifSpeed, 7 ifAdminStatus,
    /// 8 ifOperStatus, 10/16 octets, 11/17 unicast packets, 13/19 discards, 14/20 errors.
    pub const IF_ENTRY: [u32; 9] = [1, 3, 6, 1, 2, 1, 2, 2, 1];
    /// ifXEntry: 1 ifName, 6/10 HC octets, 7/11 HC unicast packets, 15 ifHighSpeed, 18 ifAlias,
    /// 19 ifCounterDiscontinuityTime.
    pub const IFX_ENTRY: [u32; 10] = [1, 3, 6, 1, 2, 1, 31, 1, 1, 1];
    /// hrStorageEntry: 2 type, 3 descr, 4 allocation units, 5 size, 6 used.
    pub const HR_STORAGE_ENTRY: [u32; 10] = [1, 3, 6, 1, 2, 1, 25, 2, 3, 1];
    /// hrProcessorLoad.
    pub const HR_PROCESSOR_LOAD: [u32; 11] = [1, 3, 6, 1, 2, 1, 25, 3, 3, 1, 2];
    /// UCD laLoad (the 1, 5 and 15 minute load averages as text) rows 1-3.
    pub const UCD_LA_LOAD: [u32; 11] = [1, 3, 6, 1, 4, 1, 2021, 10, 1, 3, 0];
    /// UCD memory group: 3 swap total, 4 swap available, 5 real total, 6 real available,
    /// 14 buffers, 15 cached (kB).
    pub const UCD_MEMORY: [u32; 8] = [1, 3, 6, 1, 4, 1, 2021, 4];
    /// UCD systemStats: ssCpuRaw* 50 user, 51 nice, 52 system, 53 idle, 54 wait, 55 kernel,
    /// 56 interrupt, 61 softirq.
    pub const UCD_SYSTEM_STATS: [u32; 8] = [1, 3, 6, 1, 4, 1, 2021, 11];

    /// `prefix.column`.
    pub fn column(prefix: &[u32], column: u32) -> snmp::Oid {
        let mut oid = snmp::Oid::from_slice(prefix);
        oid.push(column);
        oid
    }

    /// `prefix.column.0`, a scalar.
    pub fn scalar(prefix: &[u32], number: u32) -> snmp::Oid {
        let mut oid = column(prefix, number);
        oid.push(0);
        oid
    }

    /// laLoad.row.
    pub fn la_load(row: u32) -> snmp::Oid {
        let mut oid = snmp::Oid::from_slice(&UCD_LA_LOAD);
        oid.truncate(UCD_LA_LOAD.len() - 1);
        oid.push(row);
        oid
    }
}

/// The text of a string value (lossy), empty for anything else.
pub fn text(value: &Value<'_>) -> String {
    match value {
        Value::OctetString(bytes) => String::from_utf8_lossy(bytes).trim_end_matches('\0').to_string(),
        _ => String::new(),
    }
}

/// An unsigned number from any numeric SNMP type.
pub fn number(value: &Value<'_>) -> Option<u64> {
    match value {
        Value::Integer(v) => u64::try_from(*v).ok(),
        Value::Counter32(v) | Value::Gauge32(v) | Value::TimeTicks(v) => Some(u64::from(*v)),
        Value::Counter64(v) => Some(*v),
        _ => None,
    }
}

/// The last sub-identifier of a column row's OID: the row index of single-index tables.
fn row_index(vb: &VarBind<'_>) -> Option<u32> {
    vb.oid.as_slice().last().copied()
}

/// Rows of one walked column, by index.
fn by_index(rows: Option<&Vec<VarBind<'static>>>) -> std::collections::BTreeMap<u32, Value<'static>> {
    rows.into_iter().flatten().filter_map(|vb| Some((row_index(vb)?, vb.value.clone()))).collect()
}

/// Discovers the device `spec` describes at `addr` now, with a short timeout and one retry:
/// for `device add`, the web form and rediscovery, where a user is waiting.
pub async fn probe(spec: &crate::target::DeviceSpec, addr: std::net::SocketAddr) -> Result<Discovered, Error> {
    let config = spec.client_config(std::time::Duration::from_secs(1), 1);
    let client = snmp::Client::connect(addr, config).await.map_err(|e| Error::Snmp(e.to_string()))?;
    discover(&crate::querier::SnmpQuerier::new(client, spec.version), spec.version).await
}

/// Discovers a device through `querier`.
pub async fn discover(querier: &impl Querier, version: SnmpVersion) -> Result<Discovered, Error> {
    let mut scalars: Vec<Oid> = (1..=6).map(|c| oids::scalar(&oids::SYSTEM, c)).collect();
    scalars.push(Oid::from_slice(&oids::IF_NUMBER));
    scalars.push(oids::la_load(1));
    scalars.push(oids::scalar(&oids::UCD_MEMORY, 5));
    scalars.push(oids::scalar(&oids::UCD_SYSTEM_STATS, 50));
    let values = querier.get(&scalars).await?;
    let value = |i: usize| values.get(i).cloned().unwrap_or(Value::NoSuchObject);
    if number(&value(2)).is_none() {
        return Err(Error::Snmp("the agent has no sysUpTime".into()));
    }
    let system = SystemInfo {
        descr: text(&value(0)),
        object_id: match value(1) {
            Value::ObjectIdentifier(oid) => oid.to_string(),
            _ => String::new(),
        },
        contact: text(&value(3)),
        name: text(&value(4)),
        location: text(&value(5)),
    };
    let if_number = number(&value(6)).and_then(|n| i32::try_from(n).ok()).unwrap_or(0);
    let ucd = UcdGroups {
        load: !value(7).is_exception(),
        memory: number(&value(8)).is_some(),
        cpu: number(&value(9)).is_some(),
    };
    let interfaces = discover_interfaces(querier, version).await?;
    let storage = discover_storage(querier).await?;
    let processors = querier
        .walk_columns(&[Oid::from_slice(&oids::HR_PROCESSOR_LOAD)])
        .await?
        .first()
        .map(|rows| rows.iter().filter_map(row_index).collect())
        .unwrap_or_default();
    Ok(Discovered { system, if_number, interfaces, storage, processors, ucd })
}

async fn discover_interfaces(querier: &impl Querier, version: SnmpVersion) -> Result<Vec<Interface>, Error> {
    let if_columns: Vec<Oid> = [1, 2, 3, 5, 7, 8].iter().map(|&c| oids::column(&oids::IF_ENTRY, c)).collect();
    let table = querier.walk_columns(&if_columns).await?;
    let (indexes, descrs, types, speeds, admins, opers) = (
        by_index(table.first()),
        by_index(table.get(1)),
        by_index(table.get(2)),
        by_index(table.get(3)),
        by_index(table.get(4)),
        by_index(table.get(5)),
    );
    // ifXTable: HC counters exist only in v2c answers (a v1 agent cannot send Counter64).
    let mut x_columns: Vec<u32> = vec![1, 15, 18, 19];
    if version.has_bulk() {
        x_columns.push(6);
    }
    let x: Vec<Oid> = x_columns.iter().map(|&c| oids::column(&oids::IFX_ENTRY, c)).collect();
    let xtable = querier.walk_columns(&x).await?;
    let (names, high_speeds, aliases, discontinuities) =
        (by_index(xtable.first()), by_index(xtable.get(1)), by_index(xtable.get(2)), by_index(xtable.get(3)));
    let hc_octets = by_index(xtable.get(4));

    let mut all_indexes: Vec<u32> = indexes.keys().copied().collect();
    all_indexes.extend(descrs.keys());
    all_indexes.sort_unstable();
    all_indexes.dedup();
    let mut interfaces: Vec<Interface> = Vec::new();
    for index in all_indexes {
        let descr = descrs.get(&index).map(text).unwrap_or_default();
        let name = names.get(&index).map(text).filter(|n| !n.is_empty()).unwrap_or_else(|| descr.clone());
        let name = if name.is_empty() { format!("if{index}") } else { name };
        // Two interfaces of one name (it happens) keep apart by their index.
        let name = if interfaces.iter().any(|i| i.name == name) { format!("{name}-{index}") } else { name };
        let if_speed = speeds.get(&index).and_then(number).unwrap_or(0);
        let high = high_speeds.get(&index).and_then(number).unwrap_or(0).saturating_mul(1_000_000);
        let int = |m: &std::collections::BTreeMap<u32, Value<'static>>| {
            m.get(&index).and_then(number).and_then(|n| i32::try_from(n).ok()).unwrap_or(0)
        };
        interfaces.push(Interface {
            name,
            index,
            descr,
            alias: aliases.get(&index).map(text).unwrap_or_default(),
            if_type: int(&types),
            speed_bps: if if_speed >= u64::from(u32::MAX) || high > if_speed { high.max(if_speed) } else { if_speed },
            admin_status: int(&admins),
            oper_status: int(&opers),
            hc: matches!(hc_octets.get(&index), Some(Value::Counter64(_))),
            has_discontinuity: matches!(discontinuities.get(&index), Some(Value::TimeTicks(_))),
            last_discontinuity: None,
        });
    }
    Ok(interfaces)
}

async fn discover_storage(querier: &impl Querier) -> Result<Vec<Storage>, Error> {
    let columns: Vec<Oid> = [2, 3, 4, 5].iter().map(|&c| oids::column(&oids::HR_STORAGE_ENTRY, c)).collect();
    let table = querier.walk_columns(&columns).await?;
    let (kinds, descrs, units, sizes) =
        (by_index(table.first()), by_index(table.get(1)), by_index(table.get(2)), by_index(table.get(3)));
    let mut storage: Vec<Storage> = Vec::new();
    for (index, descr) in &descrs {
        let size = sizes.get(index).and_then(number).unwrap_or(0);
        let units = units.get(index).and_then(number).and_then(|u| u32::try_from(u).ok()).unwrap_or(0);
        if size == 0 || units == 0 {
            continue;
        }
        let descr = text(descr);
        let descr = if descr.is_empty() || storage.iter().any(|s| s.descr == descr) {
            format!("{descr}-{index}")
        } else {
            descr
        };
        let kind = match kinds.get(index) {
            Some(Value::ObjectIdentifier(oid)) => oid.to_string(),
            _ => String::new(),
        };
        storage.push(Storage { descr, index: *index, kind, units, size });
    }
    Ok(storage)
}
