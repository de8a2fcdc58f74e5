//! Blocking SNMP v2c requests over std UDP, for tests that need an agent's values without
//! an async runtime: one GET, and a whole-tree GETBULK walk.

use std::borrow::Cow;
use std::net::UdpSocket;
use std::time::Duration;

use snmp::{CommunityMessage, Message, Oid, Pdu, PduType, Pdus, VarBind, Version};

/// Sends one PDU and returns the reply's varbinds, or `None` after a 300 ms silence.
pub fn request(port: u16, community: &str, pdu: Pdu<'static>) -> Option<Vec<VarBind<'static>>> {
    let sock = UdpSocket::bind("127.0.0.1:0").ok()?;
    sock.set_read_timeout(Some(Duration::from_millis(300))).ok()?;
    let msg = Message::Community(CommunityMessage {
        version: Version::V2c,
        community: Cow::Owned(community.as_bytes().to_vec()),
        pdu: Pdus::Pdu(pdu),
    });
    sock.send_to(&msg.to_vec(), ("127.0.0.1", port)).ok()?;
    let mut buf = vec![0u8; 65535];
    let n = sock.recv(&mut buf).ok()?;
    match Message::decode(buf.get(..n)?).ok()? {
        Message::Community(CommunityMessage { pdu: Pdus::Pdu(p), .. }) => {
            Some(p.varbinds.into_iter().map(VarBind::into_owned).collect())
        }
        _ => None,
    }
}

pub fn get(port: u16, community: &str, oids: &[Oid]) -> Option<Vec<VarBind<'static>>> {
    let vbs = oids.iter().cloned().map(VarBind::null).collect();
    request(port, community, Pdu::new(PduType::GetRequest, 1, vbs))
}

/// Every object of the agent's tree (GETBULK from `.1`), exceptions left out.
pub fn walk_tree(port: u16, community: &str) -> Vec<VarBind<'static>> {
    let mut out: Vec<VarBind<'static>> = Vec::new();
    let mut next = Oid::from([1]);
    for id in 1.. {
        let pdu = Pdu::get_bulk(id, 0, 50, vec![VarBind::null(next.clone())]);
        let vbs = request(port, community, pdu).unwrap_or_else(|| panic!("walk: no answer after {next}"));
        for vb in vbs {
            if vb.value.is_exception() || vb.oid <= next {
                return out;
            }
            next = vb.oid.clone();
            out.push(vb);
        }
    }
    out
}
