//! The inventory: an embedded SQLite database in `DIR/osprey.db` (readable by its owner only:
//! it holds communities, SNMPv3 master keys and password hashes) holding the devices, what
//! discovery found on each (system group, interfaces, storage, processors, UCD groups), their
//! poll status and the counter state the next poll compares with (last sysUpTime, each
//! interface's ifCounterDiscontinuityTime), and per device counters of polls, failed polls and
//! RRD updates written and refused (for `/metrics`).
//!
//! The schema is versioned from the start: `schema_version` holds the number of migrations
//! applied, and [`Inventory::open`] applies the missing ones in one transaction each. WAL mode
//! and a busy timeout let `device add` run while a poller writes.
//!
//! The dashboard's users (argon2 password hashes) live here too, in [`users`].

pub mod users;

use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{Connection, OptionalExtension, params};

use crate::credentials::{StoredUsm, UsmCredentials};
use crate::error::Error;
use crate::target::{DeviceSpec, SnmpVersion};

/// The migrations, in order; never edit a released one, append.
const MIGRATIONS: &[&str] = &[
    "
    CREATE TABLE devices (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        host TEXT NOT NULL,
        port INTEGER NOT NULL,
        version TEXT NOT NULL,
        community TEXT NOT NULL,
        interval INTEGER NOT NULL,
        added INTEGER NOT NULL,
        sys_descr TEXT,
        sys_object_id TEXT,
        sys_name TEXT,
        sys_location TEXT,
        sys_contact TEXT,
        discovered_at INTEGER,
        if_number INTEGER,
        ucd_load INTEGER NOT NULL DEFAULT 0,
        ucd_memory INTEGER NOT NULL DEFAULT 0,
        ucd_cpu INTEGER NOT NULL DEFAULT 0,
        last_poll INTEGER,
        last_success INTEGER,
        last_error TEXT,
        last_duration_ms INTEGER,
        last_uptime INTEGER
    );
    CREATE TABLE interfaces (
        device_id INTEGER NOT NULL REFERENCES devices(id) ON DELETE CASCADE,
        name TEXT NOT NULL,
        if_index INTEGER NOT NULL,
        descr TEXT NOT NULL,
        alias TEXT NOT NULL,
        if_type INTEGER NOT NULL,
        speed_bps INTEGER NOT NULL,
        admin_status INTEGER NOT NULL,
        oper_status INTEGER NOT NULL,
        hc INTEGER NOT NULL,
        has_discontinuity INTEGER NOT NULL,
        last_discontinuity INTEGER,
        PRIMARY KEY (device_id, name)
    );
    CREATE TABLE storage (
        device_id INTEGER NOT NULL REFERENCES devices(id) ON DELETE CASCADE,
        descr TEXT NOT NULL,
        hr_index INTEGER NOT NULL,
        kind TEXT NOT NULL,
        units INTEGER NOT NULL,
        size INTEGER NOT NULL,
        PRIMARY KEY (device_id, descr)
    );
    CREATE TABLE processors (
        device_id INTEGER NOT NULL REFERENCES devices(id) ON DELETE CASCADE,
        hr_index INTEGER NOT NULL,
        PRIMARY KEY (device_id, hr_index)
    );
",
    "
    CREATE TABLE users (
        name TEXT NOT NULL PRIMARY KEY,
        hash TEXT NOT NULL,
        created INTEGER NOT NULL
    );
",
    "
    ALTER TABLE devices ADD COLUMN polls_total INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE devices ADD COLUMN poll_errors_total INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE devices ADD COLUMN rrd_updates_total INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE devices ADD COLUMN rrd_errors_total INTEGER NOT NULL DEFAULT 0;
",
    // SNMPv3 credentials: NULL for v1/v2c devices. Keys are localized per engine, which is
    // learnt at each poller start, so the master keys (Ku, hex) are kept, never the
    // passphrases; they grant access all the same, so the file is 0600.
    "
    ALTER TABLE devices ADD COLUMN usm_user TEXT;
    ALTER TABLE devices ADD COLUMN usm_level TEXT;
    ALTER TABLE devices ADD COLUMN usm_auth_protocol TEXT;
    ALTER TABLE devices ADD COLUMN usm_auth_key TEXT;
    ALTER TABLE devices ADD COLUMN usm_priv_protocol TEXT;
    ALTER TABLE devices ADD COLUMN usm_priv_key TEXT;
    ALTER TABLE devices ADD COLUMN usm_context TEXT;
",
];

/// The system group as discovered.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SystemInfo {
    /// sysDescr.
    pub descr: String,
    /// sysObjectID, dotted.
    pub object_id: String,
    /// sysName.
    pub name: String,
    /// sysLocation.
    pub location: String,
    /// sysContact.
    pub contact: String,
}

/// One interface, keyed by its name (ifName, or ifDescr without ifXTable), so a renumbering
/// of ifIndex after a reboot moves no history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Interface {
    /// ifName (ifDescr when the agent has no ifXTable).
    pub name: String,
    /// ifIndex now.
    pub index: u32,
    /// ifDescr.
    pub descr: String,
    /// ifAlias.
    pub alias: String,
    /// ifType.
    pub if_type: i32,
    /// Bits per second (ifHighSpeed x 10^6 above ifSpeed's range), 0 if unknown.
    pub speed_bps: u64,
    /// ifAdminStatus (1 up, 2 down, 3 testing).
    pub admin_status: i32,
    /// ifOperStatus (1 up, 2 down, ...).
    pub oper_status: i32,
    /// ifHC* 64-bit counters available.
    pub hc: bool,
    /// ifCounterDiscontinuityTime available.
    pub has_discontinuity: bool,
    /// ifCounterDiscontinuityTime at the last poll.
    pub last_discontinuity: Option<u32>,
}

/// One hrStorage row, keyed by its description.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Storage {
    /// hrStorageDescr.
    pub descr: String,
    /// hrStorageIndex now.
    pub index: u32,
    /// hrStorageType, dotted.
    pub kind: String,
    /// hrStorageAllocationUnits (bytes).
    pub units: u32,
    /// hrStorageSize (units).
    pub size: u64,
}

/// The UCD-SNMP-MIB groups a device answers.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct UcdGroups {
    /// laTable (load averages).
    pub load: bool,
    /// memory group.
    pub memory: bool,
    /// systemStats raw CPU counters.
    pub cpu: bool,
}

/// Everything discovery found on a device.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Discovered {
    /// The system group.
    pub system: SystemInfo,
    /// ifNumber (to notice interfaces coming and going).
    pub if_number: i32,
    /// Interfaces.
    pub interfaces: Vec<Interface>,
    /// hrStorage rows.
    pub storage: Vec<Storage>,
    /// hrProcessor indexes.
    pub processors: Vec<u32>,
    /// UCD groups.
    pub ucd: UcdGroups,
}

/// The last poll of a device.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PollStatus {
    /// When the last poll ended (Unix seconds).
    pub last_poll: Option<i64>,
    /// When a poll last succeeded.
    pub last_success: Option<i64>,
    /// The last poll's error, if it failed.
    pub last_error: Option<String>,
    /// How long the last poll took.
    pub last_duration_ms: Option<u64>,
    /// sysUpTime (ticks) at the last successful poll.
    pub last_uptime: Option<u32>,
    /// Polls since the device was added.
    pub polls_total: u64,
    /// Failed polls since the device was added.
    pub poll_errors_total: u64,
    /// RRD updates written for the device since it was added.
    pub rrd_updates_total: u64,
    /// RRD updates refused or failed.
    pub rrd_errors_total: u64,
}

/// What the device list shows as a device's state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeviceState {
    /// Never polled yet.
    Never,
    /// The last poll succeeded.
    Up,
    /// The last poll failed.
    Down,
}

impl DeviceState {
    /// `up`, `down` or `never polled`.
    pub fn as_str(self) -> &'static str {
        match self {
            DeviceState::Never => "never polled",
            DeviceState::Up => "up",
            DeviceState::Down => "down",
        }
    }
}

impl PollStatus {
    /// Up, down or never polled.
    pub fn state(&self) -> DeviceState {
        match (self.last_poll, &self.last_error) {
            (None, _) => DeviceState::Never,
            (Some(_), None) => DeviceState::Up,
            (Some(_), Some(_)) => DeviceState::Down,
        }
    }
}

/// A device with its stored state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Device {
    /// Row id.
    pub id: i64,
    /// As added.
    pub spec: DeviceSpec,
    /// When added (Unix seconds).
    pub added: i64,
    /// When discovery last ran, if ever.
    pub discovered_at: Option<i64>,
    /// The system group and the rest of the device-level discovery.
    pub system: SystemInfo,
    /// ifNumber at discovery.
    pub if_number: i32,
    /// UCD groups found.
    pub ucd: UcdGroups,
    /// Poll status and counter state.
    pub status: PollStatus,
}

/// The outcome of one poll, to record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PollRecord {
    /// When it ended (Unix seconds).
    pub at: i64,
    /// How long it took.
    pub duration: Duration,
    /// Why it failed, if it did.
    pub error: Option<String>,
    /// sysUpTime seen (ticks), when it succeeded.
    pub uptime: Option<u32>,
    /// ifCounterDiscontinuityTime seen, per interface name.
    pub discontinuities: Vec<(String, u32)>,
}

/// The open inventory.
#[derive(Debug)]
pub struct Inventory {
    conn: Connection,
    path: PathBuf,
}

impl Inventory {
    /// Opens (creating if needed) `dir/osprey.db` and brings its schema up to date.
    pub fn open(dir: &Path) -> Result<Inventory, Error> {
        std::fs::create_dir_all(dir).map_err(|source| Error::Io { path: dir.display().to_string(), source })?;
        let path = dir.join("osprey.db");
        restrict_to_owner(&path)?;
        let conn = Connection::open(&path).map_err(|source| db_error(&path, source))?;
        let mut inventory = Inventory { conn, path };
        inventory.setup()?;
        Ok(inventory)
    }

    fn err(&self) -> impl Fn(rusqlite::Error) -> Error + '_ {
        |source| db_error(&self.path, source)
    }

    fn setup(&mut self) -> Result<(), Error> {
        let err = |source| db_error(&self.path, source);
        self.conn.busy_timeout(Duration::from_secs(10)).map_err(err)?;
        self.conn.pragma_update(None, "journal_mode", "WAL").map_err(err)?;
        self.conn.pragma_update(None, "foreign_keys", "ON").map_err(err)?;
        self.conn.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)", []).map_err(err)?;
        let version: Option<i64> =
            self.conn.query_row("SELECT version FROM schema_version", [], |r| r.get(0)).optional().map_err(err)?;
        let applied = usize::try_from(version.unwrap_or(0)).unwrap_or(0);
        if applied > MIGRATIONS.len() {
            return Err(Error::Invalid(format!(
                "{}: schema version {applied} is newer than this osprey knows ({}); use a newer osprey",
                self.path.display(),
                MIGRATIONS.len()
            )));
        }
        for (number, sql) in MIGRATIONS.iter().enumerate().skip(applied) {
            let tx = self.conn.transaction().map_err(err)?;
            tx.execute_batch(sql).map_err(err)?;
            tx.execute("DELETE FROM schema_version", []).map_err(err)?;
            tx.execute("INSERT INTO schema_version (version) VALUES (?1)", [number as i64 + 1]).map_err(err)?;
            tx.commit().map_err(err)?;
        }
        Ok(())
    }

    /// Adds a device; a name already taken is refused and nothing is written.
    pub fn add_device(&self, spec: &DeviceSpec, now: i64) -> Result<i64, Error> {
        if self.device(&spec.name)?.is_some() {
            return Err(Error::Invalid(format!("a device named '{}' already exists", spec.name)));
        }
        let usm = spec.usm.as_ref().map(UsmCredentials::to_stored).unwrap_or_default();
        self.conn
            .execute(
                "INSERT INTO devices (name, host, port, version, community, interval, added, usm_user, usm_level,
                     usm_auth_protocol, usm_auth_key, usm_priv_protocol, usm_priv_key, usm_context)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
                params![
                    spec.name,
                    spec.host,
                    spec.port,
                    spec.version.as_str(),
                    spec.community,
                    spec.interval,
                    now,
                    usm.user,
                    usm.level,
                    usm.auth_protocol,
                    usm.auth_key,
                    usm.priv_protocol,
                    usm.priv_key,
                    usm.context,
                ],
            )
            .map_err(self.err())?;
        Ok(self.conn.last_insert_rowid())
    }

    /// Removes a device and what was discovered on it.
    pub fn remove_device(&self, name: &str) -> Result<(), Error> {
        let removed = self.conn.execute("DELETE FROM devices WHERE name = ?1", [name]).map_err(self.err())?;
        if removed == 0 {
            return Err(Error::NoSuchDevice(name.to_string()));
        }
        Ok(())
    }

    /// All devices, by name.
    pub fn devices(&self) -> Result<Vec<Device>, Error> {
        self.query_devices("ORDER BY name", &[])
    }

    /// The device called `name`.
    pub fn device(&self, name: &str) -> Result<Option<Device>, Error> {
        Ok(self.query_devices("WHERE name = ?1", &[&name])?.into_iter().next())
    }

    fn query_devices(&self, tail: &str, args: &[&dyn rusqlite::ToSql]) -> Result<Vec<Device>, Error> {
        let sql = format!(
            "SELECT id, name, host, port, version, community, interval, added, sys_descr, sys_object_id,
                    sys_name, sys_location, sys_contact, discovered_at, if_number, ucd_load, ucd_memory,
                    ucd_cpu, last_poll, last_success, last_error, last_duration_ms, last_uptime,
                    polls_total, poll_errors_total, rrd_updates_total, rrd_errors_total, usm_user, usm_level,
                    usm_auth_protocol, usm_auth_key, usm_priv_protocol, usm_priv_key, usm_context
             FROM devices {tail}"
        );
        let mut stmt = self.conn.prepare(&sql).map_err(self.err())?;
        let rows = stmt
            .query_map(args, |r| {
                let version: String = r.get(4)?;
                let version = SnmpVersion::parse(&version).unwrap_or(SnmpVersion::V2c);
                let stored = StoredUsm {
                    user: r.get(27)?,
                    level: r.get(28)?,
                    auth_protocol: r.get(29)?,
                    auth_key: r.get(30)?,
                    priv_protocol: r.get(31)?,
                    priv_key: r.get(32)?,
                    context: r.get(33)?,
                };
                // Stored credentials were validated when added; a row edited into nonsense
                // leaves the device without credentials (its polls fail and say so).
                let usm = (version == SnmpVersion::V3).then(|| UsmCredentials::from_stored(&stored).ok()).flatten();
                let text =
                    |i: usize| -> rusqlite::Result<String> { Ok(r.get::<_, Option<String>>(i)?.unwrap_or_default()) };
                Ok(Device {
                    id: r.get(0)?,
                    spec: DeviceSpec {
                        name: r.get(1)?,
                        host: r.get(2)?,
                        port: r.get(3)?,
                        version,
                        community: r.get(5)?,
                        usm,
                        interval: r.get(6)?,
                    },
                    added: r.get(7)?,
                    system: SystemInfo {
                        descr: text(8)?,
                        object_id: text(9)?,
                        name: text(10)?,
                        location: text(11)?,
                        contact: text(12)?,
                    },
                    discovered_at: r.get(13)?,
                    if_number: r.get::<_, Option<i32>>(14)?.unwrap_or(0),
                    ucd: UcdGroups { load: r.get(15)?, memory: r.get(16)?, cpu: r.get(17)? },
                    status: PollStatus {
                        last_poll: r.get(18)?,
                        last_success: r.get(19)?,
                        last_error: r.get(20)?,
                        last_duration_ms: r.get::<_, Option<i64>>(21)?.map(|ms| ms.max(0) as u64),
                        last_uptime: r.get(22)?,
                        polls_total: r.get::<_, i64>(23)?.max(0) as u64,
                        poll_errors_total: r.get::<_, i64>(24)?.max(0) as u64,
                        rrd_updates_total: r.get::<_, i64>(25)?.max(0) as u64,
                        rrd_errors_total: r.get::<_, i64>(26)?.max(0) as u64,
                    },
                })
            })
            .map_err(self.err())?;
        rows.collect::<Result<Vec<_>, _>>().map_err(self.err())
    }

    /// Replaces what was discovered on a device (its interfaces keep their counter state when
    /// they keep their names).
    pub fn save_discovery(&mut self, device_id: i64, found: &Discovered, now: i64) -> Result<(), Error> {
        let path = self.path.clone();
        let err = |source| db_error(&path, source);
        let tx = self.conn.transaction().map_err(err)?;
        let s = &found.system;
        tx.execute(
            "UPDATE devices SET sys_descr = ?2, sys_object_id = ?3, sys_name = ?4, sys_location = ?5,
                 sys_contact = ?6, discovered_at = ?7, if_number = ?8, ucd_load = ?9, ucd_memory = ?10,
                 ucd_cpu = ?11 WHERE id = ?1",
            params![
                device_id,
                s.descr,
                s.object_id,
                s.name,
                s.location,
                s.contact,
                now,
                found.if_number,
                found.ucd.load,
                found.ucd.memory,
                found.ucd.cpu
            ],
        )
        .map_err(err)?;
        let kept: Vec<(String, Option<u32>)> = {
            let mut stmt =
                tx.prepare("SELECT name, last_discontinuity FROM interfaces WHERE device_id = ?1").map_err(err)?;
            let rows = stmt.query_map([device_id], |r| Ok((r.get(0)?, r.get(1)?))).map_err(err)?;
            rows.collect::<Result<_, _>>().map_err(err)?
        };
        tx.execute("DELETE FROM interfaces WHERE device_id = ?1", [device_id]).map_err(err)?;
        for i in &found.interfaces {
            let last = kept.iter().find(|(name, _)| *name == i.name).and_then(|(_, d)| *d);
            tx.execute(
                "INSERT OR REPLACE INTO interfaces (device_id, name, if_index, descr, alias, if_type, speed_bps,
                     admin_status, oper_status, hc, has_discontinuity, last_discontinuity)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
                params![
                    device_id,
                    i.name,
                    i.index,
                    i.descr,
                    i.alias,
                    i.if_type,
                    i.speed_bps as i64,
                    i.admin_status,
                    i.oper_status,
                    i.hc,
                    i.has_discontinuity,
                    last.or(i.last_discontinuity)
                ],
            )
            .map_err(err)?;
        }
        tx.execute("DELETE FROM storage WHERE device_id = ?1", [device_id]).map_err(err)?;
        for st in &found.storage {
            tx.execute(
                "INSERT OR REPLACE INTO storage (device_id, descr, hr_index, kind, units, size)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![device_id, st.descr, st.index, st.kind, st.units, st.size as i64],
            )
            .map_err(err)?;
        }
        tx.execute("DELETE FROM processors WHERE device_id = ?1", [device_id]).map_err(err)?;
        for index in &found.processors {
            tx.execute(
                "INSERT OR REPLACE INTO processors (device_id, hr_index) VALUES (?1, ?2)",
                params![device_id, index],
            )
            .map_err(err)?;
        }
        tx.commit().map_err(err)
    }

    /// What was discovered on a device (empty lists before discovery).
    pub fn discovered(&self, device: &Device) -> Result<Discovered, Error> {
        let err = self.err();
        let mut stmt = self
            .conn
            .prepare(
                "SELECT name, if_index, descr, alias, if_type, speed_bps, admin_status, oper_status, hc,
                        has_discontinuity, last_discontinuity
                 FROM interfaces WHERE device_id = ?1 ORDER BY if_index",
            )
            .map_err(&err)?;
        let interfaces = stmt
            .query_map([device.id], |r| {
                Ok(Interface {
                    name: r.get(0)?,
                    index: r.get(1)?,
                    descr: r.get(2)?,
                    alias: r.get(3)?,
                    if_type: r.get(4)?,
                    speed_bps: r.get::<_, i64>(5)?.max(0) as u64,
                    admin_status: r.get(6)?,
                    oper_status: r.get(7)?,
                    hc: r.get(8)?,
                    has_discontinuity: r.get(9)?,
                    last_discontinuity: r.get(10)?,
                })
            })
            .map_err(&err)?
            .collect::<Result<Vec<_>, _>>()
            .map_err(&err)?;
        let mut stmt = self
            .conn
            .prepare("SELECT descr, hr_index, kind, units, size FROM storage WHERE device_id = ?1 ORDER BY hr_index")
            .map_err(&err)?;
        let storage = stmt
            .query_map([device.id], |r| {
                Ok(Storage {
                    descr: r.get(0)?,
                    index: r.get(1)?,
                    kind: r.get(2)?,
                    units: r.get(3)?,
                    size: r.get::<_, i64>(4)?.max(0) as u64,
                })
            })
            .map_err(&err)?
            .collect::<Result<Vec<_>, _>>()
            .map_err(&err)?;
        let mut stmt = self
            .conn
            .prepare("SELECT hr_index FROM processors WHERE device_id = ?1 ORDER BY hr_index")
            .map_err(&err)?;
        let processors =
            stmt.query_map([device.id], |r| r.get(0)).map_err(&err)?.collect::<Result<Vec<u32>, _>>().map_err(&err)?;
        Ok(Discovered {
            system: device.system.clone(),
            if_number: device.if_number,
            interfaces,
            storage,
            processors,
            ucd: device.ucd,
        })
    }

    /// Adds RRD updates written and refused for a device (the poller's writer reports them).
    pub fn record_rrd_updates(&self, device_id: i64, written: u64, refused: u64) -> Result<(), Error> {
        let (written, refused) =
            (i64::try_from(written).unwrap_or(i64::MAX), i64::try_from(refused).unwrap_or(i64::MAX));
        self.conn
            .execute(
                "UPDATE devices SET rrd_updates_total = rrd_updates_total + ?2, rrd_errors_total = rrd_errors_total + ?3
                 WHERE id = ?1",
                params![device_id, written, refused],
            )
            .map_err(self.err())?;
        Ok(())
    }

    /// Records a poll's outcome and the counter state it saw.
    pub fn record_poll(&mut self, device_id: i64, record: &PollRecord) -> Result<(), Error> {
        let path = self.path.clone();
        let err = |source| db_error(&path, source);
        let tx = self.conn.transaction().map_err(err)?;
        let ms = i64::try_from(record.duration.as_millis()).unwrap_or(i64::MAX);
        match &record.error {
            None => tx.execute(
                "UPDATE devices SET last_poll = ?2, last_success = ?2, last_error = NULL, last_duration_ms = ?3,
                     last_uptime = ?4, polls_total = polls_total + 1 WHERE id = ?1",
                params![device_id, record.at, ms, record.uptime],
            ),
            Some(error) => tx.execute(
                "UPDATE devices SET last_poll = ?2, last_error = ?3, last_duration_ms = ?4,
                     polls_total = polls_total + 1, poll_errors_total = poll_errors_total + 1 WHERE id = ?1",
                params![device_id, record.at, error, ms],
            ),
        }
        .map_err(err)?;
        for (name, ticks) in &record.discontinuities {
            tx.execute(
                "UPDATE interfaces SET last_discontinuity = ?3 WHERE device_id = ?1 AND name = ?2",
                params![device_id, name, ticks],
            )
            .map_err(err)?;
        }
        tx.commit().map_err(err)
    }
}

fn db_error(path: &Path, source: rusqlite::Error) -> Error {
    Error::Inventory { path: path.display().to_string(), source }
}

/// Creates the database file readable by its owner only (it holds SNMP communities, v3
/// master keys and password hashes), or takes group/other access away from an existing one.
/// SQLite gives its -wal and -shm files the database file's permissions.
fn restrict_to_owner(path: &Path) -> Result<(), Error> {
    let io = |source| Error::Io { path: path.display().to_string(), source };
    #[cfg(unix)]
    {
        use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
        std::fs::OpenOptions::new().create(true).append(true).mode(0o600).open(path).map_err(io)?;
        let metadata = std::fs::metadata(path).map_err(io)?;
        if metadata.permissions().mode() & 0o077 != 0 {
            std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600)).map_err(io)?;
        }
    }
    #[cfg(not(unix))]
    {
        std::fs::OpenOptions::new().create(true).append(true).open(path).map_err(io)?;
    }
    Ok(())
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;

    fn spec(name: &str) -> DeviceSpec {
        DeviceSpec::new("127.0.0.1:1161", "2c", "public", Some(name), "60").unwrap()
    }

    fn interface(name: &str, index: u32) -> Interface {
        Interface {
            name: name.into(),
            index,
            descr: name.into(),
            alias: String::new(),
            if_type: 6,
            speed_bps: 1_000_000_000,
            admin_status: 1,
            oper_status: 1,
            hc: true,
            has_discontinuity: true,
            last_discontinuity: None,
        }
    }

    #[test]
    fn v3_credentials_round_trip_in_an_owner_only_file() {
        let dir = tempfile::tempdir().unwrap();
        let inv = Inventory::open(dir.path()).unwrap();
        let options = crate::credentials::UsmInput {
            user: Some("ops".into()),
            level: Some("authPriv".into()),
            auth_protocol: Some("SHA-256".into()),
            auth_password: Some("authpass1".into()),
            priv_protocol: Some("AES-256-C".into()),
            priv_password: Some("privpass1".into()),
            context: Some("bridge1".into()),
        };
        let usm = UsmCredentials::from_input(&options).unwrap();
        let v3 = DeviceSpec::new_v3("127.0.0.1:1161", usm, Some("v3dev"), "60").unwrap();
        inv.add_device(&v3, 1000).unwrap();
        inv.add_device(&spec("v2dev"), 1000).unwrap();
        drop(inv);
        let inv = Inventory::open(dir.path()).unwrap();
        let dev = inv.device("v3dev").unwrap().unwrap();
        assert_eq!(dev.spec, v3);
        assert_eq!(dev.spec.security_summary(), "v3 authPriv user=ops SHA-256/AES-256-C context=bridge1");
        assert_eq!(inv.device("v2dev").unwrap().unwrap().spec.usm, None);
        drop(inv);
        for entry in std::fs::read_dir(dir.path()).unwrap() {
            let bytes = std::fs::read(entry.unwrap().path()).unwrap();
            let text = String::from_utf8_lossy(&bytes);
            assert!(!text.contains("authpass1") && !text.contains("privpass1"), "a passphrase was stored");
        }
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(dir.path().join("osprey.db")).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }

    #[test]
    fn devices_discovery_and_polls_round_trip() {
        let dir = tempfile::tempdir().unwrap();
        let mut inv = Inventory::open(dir.path()).unwrap();
        let id = inv.add_device(&spec("r1"), 1000).unwrap();
        assert!(inv.add_device(&spec("r1"), 1000).unwrap_err().to_string().contains("already exists"));
        inv.add_device(&spec("a0"), 1000).unwrap();
        let names: Vec<String> = inv.devices().unwrap().into_iter().map(|d| d.spec.name).collect();
        assert_eq!(names, ["a0", "r1"]);
        let dev = inv.device("r1").unwrap().unwrap();
        assert_eq!((dev.status.state(), dev.discovered_at), (DeviceState::Never, None));

        let found = Discovered {
            system: SystemInfo { descr: "Linux".into(), name: "r1".into(), ..SystemInfo::default() },
            if_number: 2,
            interfaces: vec![interface("lo", 1), interface("eth0", 2)],
            storage: vec![Storage {
                descr: "/".into(),
                index: 31,
                kind: "1.3.6.1.2.1.25.2.1.4".into(),
                units: 4096,
                size: 1 << 40,
            }],
            processors: vec![196608],
            ucd: UcdGroups { load: true, memory: true, cpu: false },
        };
        inv.save_discovery(id, &found, 2000).unwrap();
        let dev = inv.device("r1").unwrap().unwrap();
        let again = inv.discovered(&dev).unwrap();
        assert_eq!(again, found);

        let record = PollRecord {
            at: 2060,
            duration: Duration::from_millis(12),
            error: None,
            uptime: Some(4242),
            discontinuities: vec![("eth0".into(), 77)],
        };
        inv.record_poll(id, &record).unwrap();
        let dev = inv.device("r1").unwrap().unwrap();
        assert_eq!(dev.status.state(), DeviceState::Up);
        inv.record_rrd_updates(id, 10, 1).unwrap();
        inv.record_rrd_updates(id, 5, 0).unwrap();
        let counted = inv.device("r1").unwrap().unwrap().status;
        assert_eq!((counted.polls_total, counted.rrd_updates_total, counted.rrd_errors_total), (1, 15, 1));
        assert_eq!((dev.status.last_uptime, dev.status.last_duration_ms), (Some(4242), Some(12)));
        // Rediscovery keeps the counter state of interfaces that keep their names.
        let mut renumbered = found.clone();
        renumbered.interfaces[1].index = 7;
        inv.save_discovery(id, &renumbered, 3000).unwrap();
        let eth0 = inv.discovered(&dev).unwrap().interfaces.into_iter().find(|i| i.name == "eth0").unwrap();
        assert_eq!((eth0.index, eth0.last_discontinuity), (7, Some(77)));

        inv.record_poll(id, &PollRecord { error: Some("Timeout".into()), ..record }).unwrap();
        let dev = inv.device("r1").unwrap().unwrap();
        assert_eq!((dev.status.state(), dev.status.last_success), (DeviceState::Down, Some(2060)));
        assert_eq!((dev.status.polls_total, dev.status.poll_errors_total), (2, 1));

        inv.remove_device("r1").unwrap();
        assert!(matches!(inv.remove_device("r1"), Err(Error::NoSuchDevice(_))));
        // Cascade: nothing of r1 is left.
        let left: i64 = inv.conn.query_row("SELECT count(*) FROM interfaces", [], |r| r.get(0)).unwrap();
        assert_eq!(left, 0);
        // Reopening applies no migration twice.
        drop(inv);
        let inv = Inventory::open(dir.path()).unwrap();
        assert_eq!(inv.devices().unwrap().len(), 1);
    }

    #[test]
    fn a_newer_schema_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        drop(Inventory::open(dir.path()).unwrap());
        let conn = Connection::open(dir.path().join("osprey.db")).unwrap();
        conn.execute("UPDATE schema_version SET version = 99", []).unwrap();
        drop(conn);
        assert!(Inventory::open(dir.path()).unwrap_err().to_string().contains("newer"));
    }
}
