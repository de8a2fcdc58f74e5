//! SNMPv3's own objects, as snmpd serves them: SNMP-FRAMEWORK-MIB's snmpEngine group
//! (1.3.6.1.6.3.10.2.1), SNMP-USER-BASED-SM-MIB's usmStats (1.3.6.1.6.3.15.1.1) and
//! usmUser (1.3.6.1.6.3.15.1.2: usmUserSpinLock and usmUserTable's readable columns, the
//! key-change columns reading as empty strings).

use std::sync::Arc;

use snmp::usm::{AuthProtocol, KeyExtension, PrivProtocol, UsmReport};
use snmp::{Oid, Value, VarBind};

use crate::stats::{Stats, read};
use crate::usm::{Engine, Usm};
use crate::view::{LiveView, StaticView, View};

/// snmpEngine (1.3.6.1.6.3.10.2.1).
pub const SNMP_ENGINE: [u32; 9] = [1, 3, 6, 1, 6, 3, 10, 2, 1];
/// usmStats (1.3.6.1.6.3.15.1.1).
pub const USM_STATS: [u32; 9] = [1, 3, 6, 1, 6, 3, 15, 1, 1];
/// usmUser (1.3.6.1.6.3.15.1.2).
pub const USM_USER: [u32; 9] = [1, 3, 6, 1, 6, 3, 15, 1, 2];

/// snmpEngineMaxMessageSize as snmpd reports it (its msgMaxSize on the wire is 65507).
const ENGINE_MAX_MESSAGE_SIZE: i32 = 1500;

/// snmpEngineID, snmpEngineBoots, snmpEngineTime (live), snmpEngineMaxMessageSize.
pub fn engine_group(engine: Arc<Engine>) -> LiveView {
    let root = Oid::from(SNMP_ENGINE);
    let base = root.clone();
    LiveView::new(root, move || {
        let boots = i32::try_from(engine.boots()).unwrap_or(i32::MAX);
        let time = i32::try_from(engine.time()).unwrap_or(i32::MAX);
        let values = vec![
            VarBind::new(base.child(&[1, 0]), Value::string(engine.id().to_vec())),
            VarBind::new(base.child(&[2, 0]), Value::Integer(boots)),
            VarBind::new(base.child(&[3, 0]), Value::Integer(time)),
            VarBind::new(base.child(&[4, 0]), Value::Integer(ENGINE_MAX_MESSAGE_SIZE)),
        ];
        View::new(values, (1..=4).map(|n| base.child(&[n])).collect())
    })
}

/// The six usmStats counters, live.
pub fn usm_stats(stats: Arc<Stats>) -> LiveView {
    let root = Oid::from(USM_STATS);
    let base = root.clone();
    LiveView::new(root, move || {
        let values =
            UsmReport::ALL.iter().map(|r| VarBind::new(r.oid(), Value::Counter32(read(stats.usm(*r))))).collect();
        View::new(values, UsmReport::ALL.iter().map(|r| base.child(&[*r as u32])).collect())
    })
}

/// The protocol OIDs usmUserAuthProtocol names (SNMP-FRAMEWORK-MIB snmpAuthProtocols).
fn auth_protocol_oid(protocol: Option<AuthProtocol>) -> Oid {
    let n = match protocol {
        None => 1,
        Some(AuthProtocol::Md5) => 2,
        Some(AuthProtocol::Sha1) => 3,
        Some(AuthProtocol::Sha224) => 4,
        Some(AuthProtocol::Sha256) => 5,
        Some(AuthProtocol::Sha384) => 6,
        Some(AuthProtocol::Sha512) => 7,
    };
    Oid::from([1, 3, 6, 1, 6, 3, 10, 1, 1, n])
}

/// The OIDs usmUserPrivProtocol names: snmpPrivProtocols for none/DES/AES-128, the
/// Blumenthal draft's for AES-192/256 (net-snmp's) and Cisco's for the Reeder variants.
fn priv_protocol_oid(protocol: Option<PrivProtocol>, extension: KeyExtension) -> Oid {
    match (protocol, extension) {
        (None, _) => Oid::from([1, 3, 6, 1, 6, 3, 10, 1, 2, 1]),
        (Some(PrivProtocol::Des), _) => Oid::from([1, 3, 6, 1, 6, 3, 10, 1, 2, 2]),
        (Some(PrivProtocol::Aes128), _) => Oid::from([1, 3, 6, 1, 6, 3, 10, 1, 2, 4]),
        (Some(PrivProtocol::Aes192), KeyExtension::Reeder) => Oid::from([1, 3, 6, 1, 4, 1, 9, 12, 6, 1, 1]),
        (Some(PrivProtocol::Aes256), KeyExtension::Reeder) => Oid::from([1, 3, 6, 1, 4, 1, 9, 12, 6, 1, 2]),
        (Some(PrivProtocol::Aes192), _) => Oid::from([1, 3, 6, 1, 4, 1, 14832, 1, 3]),
        (Some(PrivProtocol::Aes256), _) => Oid::from([1, 3, 6, 1, 4, 1, 14832, 1, 4]),
    }
}

/// usmUserSpinLock (0, read-only here) and the user table, fixed per configuration.
pub fn user_table(usm: &Usm) -> StaticView {
    let root = Oid::from(USM_USER);
    let engine_id = usm.engine.id();
    let entry = root.child(&[2, 1]);
    let mut values = vec![VarBind::new(root.child(&[1, 0]), Value::Integer(0))];
    for (user, extension) in usm.users.iter_with_extension() {
        let mut index: Vec<u32> = Vec::with_capacity(engine_id.len() + user.name.len() + 2);
        index.push(engine_id.len() as u32);
        index.extend(engine_id.iter().map(|b| u32::from(*b)));
        index.push(user.name.len() as u32);
        index.extend(user.name.iter().map(|b| u32::from(*b)));
        let cell = |column: u32| {
            let mut arcs = entry.child(&[column]).as_slice().to_vec();
            arcs.extend_from_slice(&index);
            Oid::from(arcs.as_slice())
        };
        let empty = || Value::string(Vec::new());
        values.extend([
            VarBind::new(cell(3), Value::string(user.name.clone())),
            VarBind::new(cell(4), Value::ObjectIdentifier(Box::new(Oid::from([0, 0])))),
            VarBind::new(
                cell(5),
                Value::ObjectIdentifier(Box::new(auth_protocol_oid(user.auth.as_ref().map(|(p, _)| *p)))),
            ),
            VarBind::new(cell(6), empty()),
            VarBind::new(cell(7), empty()),
            VarBind::new(
                cell(8),
                Value::ObjectIdentifier(Box::new(priv_protocol_oid(user.privacy.as_ref().map(|(p, _)| *p), extension))),
            ),
            VarBind::new(cell(9), empty()),
            VarBind::new(cell(10), empty()),
            VarBind::new(cell(11), empty()),
            // nonVolatile and active, as snmpd reports createUser users.
            VarBind::new(cell(12), Value::Integer(3)),
            VarBind::new(cell(13), Value::Integer(1)),
        ]);
    }
    let mut objects = vec![root.child(&[1])];
    objects.extend((3..=13).map(|c| entry.child(&[c])));
    StaticView::new(root, View::new(values, objects))
}
