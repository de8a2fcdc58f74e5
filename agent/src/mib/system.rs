//! SNMPv2-MIB's system group (1.3.6.1.2.1.1) with sysORTable: values from snmpd.conf or
//! the host (uname, hostname), sysUpTime live from the agent's start, and sysContact,
//! sysName, sysLocation writable (unless fixed in the config) and kept in the state file.

use std::sync::{Arc, RwLock};
use std::time::Instant;

use snmp::{ErrorStatus, Oid, Value, VarBind};

use crate::config::SystemConfig;
use crate::handler::MibHandler;
use crate::persist::StateFile;
use crate::view::View;

pub const SYSTEM: [u32; 7] = [1, 3, 6, 1, 2, 1, 1];
const SYS_UPTIME: u32 = 3;
/// NET-SNMP-MIB::netSnmpAgentOIDs.10 (linux), snmpd's sysObjectID.
const LINUX_AGENT_OID: [u32; 10] = [1, 3, 6, 1, 4, 1, 8072, 3, 2, 10];

/// The writable scalars: sub-identifier and state-file key.
const WRITABLE: [(u32, &str); 3] = [(4, "sysContact"), (5, "sysName"), (6, "sysLocation")];

/// MIB modules this agent implements, for sysORTable: (sysORID, sysORDescr).
pub const OR_TABLE: &[(&[u32], &str)] = &[
    (&[1, 3, 6, 1, 6, 3, 1], "The MIB module for SNMPv2 entities"),
    (&[1, 3, 6, 1, 2, 1, 49], "The MIB module for managing TCP implementations"),
    (&[1, 3, 6, 1, 2, 1, 50], "The MIB module for managing UDP implementations"),
    (&[1, 3, 6, 1, 2, 1, 4], "The MIB module for managing IP and ICMP implementations"),
    (&[1, 3, 6, 1, 2, 1, 31], "The MIB module to describe generic objects for network interface sub-layers"),
    (&[1, 3, 6, 1, 2, 1, 25], "The MIB module for managing host systems"),
];

#[derive(Debug)]
pub struct SystemGroup {
    root: Oid,
    started: Instant,
    fixed: SystemConfig,
    state: Option<Arc<StateFile>>,
    /// Values set over SNMP in this run (also written to the state file when there is one).
    set_values: RwLock<Vec<(&'static str, String)>>,
    /// Everything (sysUpTime is patched in live), rebuilt when a SET changes a value.
    view: RwLock<View>,
}

impl SystemGroup {
    pub fn new(fixed: SystemConfig, state: Option<Arc<StateFile>>, started: Instant) -> SystemGroup {
        let group = SystemGroup {
            root: Oid::from(SYSTEM),
            started,
            fixed,
            state,
            set_values: RwLock::default(),
            view: RwLock::new(View::default()),
        };
        let view = group.build_view();
        *group.view.write().unwrap_or_else(|e| e.into_inner()) = view;
        group
    }

    fn uptime(&self) -> Value<'static> {
        Value::TimeTicks((self.started.elapsed().as_millis() / 10) as u32)
    }

    /// A writable value: the config's if fixed there, else the state file's, else the
    /// host default.
    fn writable_value(&self, key: &str) -> String {
        let fixed = match key {
            "sysContact" => &self.fixed.contact,
            "sysName" => &self.fixed.name,
            _ => &self.fixed.location,
        };
        let set_now = || {
            let set = self.set_values.read().unwrap_or_else(|e| e.into_inner());
            set.iter().find(|(k, _)| *k == key).map(|(_, v)| v.clone())
        };
        fixed.clone().or_else(set_now).or_else(|| self.state.as_ref().and_then(|s| s.get(key))).unwrap_or_else(|| {
            match key {
                "sysContact" => "root".into(),
                "sysName" => read_kernel("hostname"),
                _ => "Unknown".into(),
            }
        })
    }

    fn build_view(&self) -> View {
        let oid = |sub: &[u32]| self.root.child(sub);
        let mut values = vec![
            VarBind::new(oid(&[1, 0]), Value::string(self.fixed.descr.clone().unwrap_or_else(uname_description))),
            VarBind::new(
                oid(&[2, 0]),
                Value::oid(self.fixed.object_id.clone().unwrap_or_else(|| Oid::from(LINUX_AGENT_OID))),
            ),
            VarBind::new(oid(&[SYS_UPTIME, 0]), Value::TimeTicks(0)),
            VarBind::new(oid(&[8, 0]), Value::TimeTicks(0)),
        ];
        for (sub, key) in WRITABLE {
            values.push(VarBind::new(oid(&[sub, 0]), Value::string(self.writable_value(key))));
        }
        if let Some(services) = self.fixed.services {
            values.push(VarBind::new(oid(&[7, 0]), Value::Integer(services)));
        }
        for (i, (or_id, descr)) in OR_TABLE.iter().enumerate() {
            let row = i as u32 + 1;
            values.push(VarBind::new(oid(&[9, 1, 2, row]), Value::oid(Oid::from(*or_id))));
            values.push(VarBind::new(oid(&[9, 1, 3, row]), Value::string(*descr)));
            values.push(VarBind::new(oid(&[9, 1, 4, row]), Value::TimeTicks(0)));
        }
        let objects =
            [1, 2, 3, 4, 5, 6, 7, 8].iter().map(|s| oid(&[*s])).chain((2..=4).map(|c| oid(&[9, 1, c]))).collect();
        View::new(values, objects)
    }

    fn live(&self, vb: VarBind<'static>) -> VarBind<'static> {
        if vb.oid.len() == self.root.len() + 2 && vb.oid.get(self.root.len()) == Some(&SYS_UPTIME) {
            VarBind::new(vb.oid, self.uptime())
        } else {
            vb
        }
    }

    /// The state-file key of a writable, not config-fixed scalar at `oid`.
    fn writable_key(&self, oid: &Oid) -> Result<&'static str, ErrorStatus> {
        let [sub, 0] = oid.get(self.root.len()..).unwrap_or_default() else {
            return Err(ErrorStatus::NotWritable);
        };
        let (_, key) = WRITABLE.iter().find(|(s, _)| s == sub).ok_or(ErrorStatus::NotWritable)?;
        let fixed = match *key {
            "sysContact" => self.fixed.contact.is_some(),
            "sysName" => self.fixed.name.is_some(),
            _ => self.fixed.location.is_some(),
        };
        if fixed { Err(ErrorStatus::NotWritable) } else { Ok(key) }
    }
}

impl MibHandler for SystemGroup {
    fn root(&self) -> &Oid {
        &self.root
    }

    fn get(&self, oid: &Oid) -> Value<'static> {
        let view = self.view.read().unwrap_or_else(|e| e.into_inner());
        match view.get(oid) {
            Value::TimeTicks(_) if oid.get(self.root.len()) == Some(&SYS_UPTIME) => self.uptime(),
            v => v,
        }
    }

    fn get_next(&self, oid: &Oid) -> Option<VarBind<'static>> {
        let next = self.view.read().unwrap_or_else(|e| e.into_inner()).get_next(oid)?;
        Some(self.live(next))
    }

    /// DisplayString (SIZE (0..255)), as RFC 3418 defines these three. As in snmpd, the
    /// value's type and length are checked before whether the config fixed the object.
    fn test_set(&self, oid: &Oid, value: &Value<'_>) -> Result<(), ErrorStatus> {
        let [sub, 0] = oid.get(self.root.len()..).unwrap_or_default() else {
            return Err(ErrorStatus::NotWritable);
        };
        if !WRITABLE.iter().any(|(s, _)| s == sub) {
            return Err(ErrorStatus::NotWritable);
        }
        match value {
            Value::OctetString(s) if s.len() > 255 => return Err(ErrorStatus::WrongLength),
            Value::OctetString(s) if std::str::from_utf8(s).is_err() => return Err(ErrorStatus::WrongValue),
            Value::OctetString(_) => {}
            _ => return Err(ErrorStatus::WrongType),
        }
        self.writable_key(oid).map(|_| ())
    }

    fn commit_set(&self, oid: &Oid, value: &Value<'_>) -> Result<(), ErrorStatus> {
        let key = self.writable_key(oid)?;
        let Value::OctetString(bytes) = value else { return Err(ErrorStatus::WrongType) };
        let text = String::from_utf8_lossy(bytes).into_owned();
        if let Some(state) = &self.state {
            state.set(key, &text).map_err(|_| ErrorStatus::CommitFailed)?;
        }
        {
            let mut set = self.set_values.write().unwrap_or_else(|e| e.into_inner());
            set.retain(|(k, _)| *k != key);
            set.push((key, text));
        }
        let view = self.build_view();
        *self.view.write().unwrap_or_else(|e| e.into_inner()) = view;
        Ok(())
    }
}

/// `uname -snrvm`, which is what snmpd serves as sysDescr on Linux.
fn uname_description() -> String {
    let machine = std::env::consts::ARCH;
    format!(
        "{} {} {} {} {machine}",
        read_kernel("ostype"),
        read_kernel("hostname"),
        read_kernel("osrelease"),
        read_kernel("version")
    )
}

fn read_kernel(name: &str) -> String {
    std::fs::read_to_string(format!("/proc/sys/kernel/{name}")).map(|s| s.trim().to_string()).unwrap_or_default()
}
