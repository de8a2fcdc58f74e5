//! SNMPv1 Trap-PDUs for `trapsink` and `trapsess -v 1`: a notification's varbinds (sysUpTime.0,
//! snmpTrapOID.0, then its objects) converted as RFC 3584 §3.2 says, and the agent-addr field
//! snmpd fills in (`v1trapaddress`, else the host's first non-loopback IPv4 address).

use snmp::{Oid, TrapV1Pdu, Value, VarBind};

use super::{SNMP_TRAP_ENTERPRISE, SNMP_TRAP_OID, SYS_UPTIME};

/// snmpTraps (SNMPv2-MIB): the standard traps are its children 1 to 6, generic-trap 0 to 5.
const SNMP_TRAPS: [u32; 9] = [1, 3, 6, 1, 6, 3, 1, 1, 5];
/// generic-trap enterpriseSpecific.
const ENTERPRISE_SPECIFIC: i32 = 6;

/// The Trap-PDU for a notification. Counter64 values cannot travel in SNMPv1, so those
/// varbinds are left out, as the RFC says.
pub fn trap_pdu(varbinds: &[VarBind<'static>], agent_addr: [u8; 4]) -> TrapV1Pdu<'static> {
    let value_of = |name: &[u32]| varbinds.iter().find(|vb| vb.oid.as_slice() == name).map(|vb| &vb.value);
    let time_stamp = match value_of(&SYS_UPTIME) {
        Some(Value::TimeTicks(t)) => *t,
        _ => 0,
    };
    let trap_oid = match value_of(&SNMP_TRAP_OID) {
        Some(Value::ObjectIdentifier(oid)) => oid.as_slice(),
        _ => &[],
    };
    let enterprise_value = match value_of(&SNMP_TRAP_ENTERPRISE) {
        Some(Value::ObjectIdentifier(oid)) => Some(Oid::clone(oid)),
        _ => None,
    };
    let (enterprise, generic_trap, specific_trap) = match trap_oid.strip_prefix(&SNMP_TRAPS[..]) {
        Some(&[n]) if (1..=6).contains(&n) => {
            (enterprise_value.unwrap_or_else(|| Oid::from(SNMP_TRAPS)), n as i32 - 1, 0)
        }
        _ => {
            // ENTERPRISE.0.SPECIFIC (a trap defined for SNMPv1) or ENTERPRISE.SPECIFIC.
            let (specific, rest) = trap_oid.split_last().map_or((0, &[][..]), |(s, rest)| (*s, rest));
            let enterprise = rest.strip_suffix(&[0]).unwrap_or(rest);
            (Oid::from_slice(enterprise), ENTERPRISE_SPECIFIC, i32::try_from(specific).unwrap_or(i32::MAX))
        }
    };
    let carried = varbinds.iter().filter(|vb| {
        let name = vb.oid.as_slice();
        name != SYS_UPTIME
            && name != SNMP_TRAP_OID
            && name != SNMP_TRAP_ENTERPRISE
            && !matches!(vb.value, Value::Counter64(_))
    });
    TrapV1Pdu { enterprise, agent_addr, generic_trap, specific_trap, time_stamp, varbinds: carried.cloned().collect() }
}

/// The address snmpd puts in agent-addr without `v1trapaddress`: the first IPv4 address of
/// an interface that is up and not loopback, else 0.0.0.0.
pub fn host_address() -> [u8; 4] {
    use nix::net::if_::InterfaceFlags;
    let Ok(addrs) = nix::ifaddrs::getifaddrs() else { return [0; 4] };
    addrs
        .filter(|a| a.flags.contains(InterfaceFlags::IFF_UP) && !a.flags.contains(InterfaceFlags::IFF_LOOPBACK))
        .find_map(|a| a.address.and_then(|s| s.as_sockaddr_in().map(|sin| sin.ip().octets())))
        .unwrap_or([0; 4])
}

#[cfg(test)]
mod tests {
    #![allow(clippy::indexing_slicing)]
    use super::*;
    use crate::notify::{AGENT_OID, COLD_START, LINK_DOWN};

    fn notification(trap_oid: &[u32], more: Vec<VarBind<'static>>) -> Vec<VarBind<'static>> {
        let mut vbs = vec![
            VarBind::new(Oid::from(SYS_UPTIME), Value::TimeTicks(4321)),
            VarBind::new(Oid::from(SNMP_TRAP_OID), Value::oid(Oid::from_slice(trap_oid))),
        ];
        vbs.extend(more);
        vbs
    }

    #[test]
    fn cold_start_takes_its_enterprise_from_snmp_trap_enterprise() {
        let enterprise = VarBind::new(Oid::from(SNMP_TRAP_ENTERPRISE), Value::oid(Oid::from(AGENT_OID)));
        let pdu = trap_pdu(&notification(&COLD_START, vec![enterprise]), [192, 0, 2, 7]);
        assert_eq!(pdu.enterprise, Oid::from(AGENT_OID));
        assert_eq!((pdu.generic_trap, pdu.specific_trap, pdu.time_stamp), (0, 0, 4321));
        assert_eq!(pdu.agent_addr, [192, 0, 2, 7]);
        assert!(pdu.varbinds.is_empty(), "{:?}", pdu.varbinds);
    }

    #[test]
    fn link_down_keeps_its_objects_under_snmp_traps() {
        let if_index = VarBind::new(Oid::from([1, 3, 6, 1, 2, 1, 2, 2, 1, 1, 3]), Value::Integer(3));
        let pdu = trap_pdu(&notification(&LINK_DOWN, vec![if_index.clone()]), [0; 4]);
        assert_eq!(pdu.enterprise, Oid::from(SNMP_TRAPS));
        assert_eq!((pdu.generic_trap, pdu.specific_trap), (2, 0));
        assert_eq!(pdu.varbinds, [if_index]);
    }

    #[test]
    fn enterprise_traps_split_their_oid_and_drop_counter64() {
        let counter = VarBind::new(Oid::from([1, 3, 6, 1, 4, 1, 9, 1]), Value::Counter64(1 << 40));
        let gauge = VarBind::new(Oid::from([1, 3, 6, 1, 4, 1, 9, 2]), Value::Gauge32(7));
        let v2_style = trap_pdu(&notification(&[1, 3, 6, 1, 4, 1, 8072, 4, 2], vec![counter, gauge.clone()]), [0; 4]);
        assert_eq!(v2_style.enterprise, Oid::from([1, 3, 6, 1, 4, 1, 8072, 4]));
        assert_eq!((v2_style.generic_trap, v2_style.specific_trap), (6, 2));
        assert_eq!(v2_style.varbinds, [gauge]);
        let v1_style = trap_pdu(&notification(&[1, 3, 6, 1, 4, 1, 9, 0, 17], vec![]), [0; 4]);
        assert_eq!(v1_style.enterprise, Oid::from([1, 3, 6, 1, 4, 1, 9]));
        assert_eq!(v1_style.specific_trap, 17);
    }
}
