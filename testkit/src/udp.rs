//! Blocking SNMP v1/v2c requests over std UDP, for tests that need an agent's values without
//! an async runtime: one request (resent on silence), one GET, a subtree walk (GETBULK in
//! v2c, GETNEXT in v1, or GETNEXT on request) and a whole-tree walk.

use std::borrow::Cow;
use std::net::UdpSocket;
use std::time::Duration;

use snmp::{CommunityMessage, Message, Oid, Pdu, PduType, Pdus, VarBind, Version};

/// How long one try of [`request_pdu`] waits before it sends the request again.
const TRY_WAIT: Duration = Duration::from_millis(1000);
/// Sends of [`request_pdu`] before it gives up (a late answer to an earlier send counts).
const TRIES: usize = 3;
/// Max-repetitions of the GETBULK requests of [`walk_subtree`] in v2c.
const BULK: i32 = 40;

/// Sends `pdu` in a `version` community message, waits up to `wait` for an answer, sends
/// again on silence (`tries` sends in all), and returns the answer's PDU, or `None` when the
/// agent stayed silent or answered with something else than a community-framed PDU.
fn exchange(
    port: u16,
    community: &str,
    version: Version,
    pdu: Pdu<'static>,
    wait: Duration,
    tries: usize,
) -> Option<Pdu<'static>> {
    let sock = UdpSocket::bind("127.0.0.1:0").ok()?;
    sock.set_read_timeout(Some(wait)).ok()?;
    let msg = Message::Community(CommunityMessage {
        version,
        community: Cow::Owned(community.as_bytes().to_vec()),
        pdu: Pdus::Pdu(pdu),
    });
    let bytes = msg.to_vec();
    let mut buf = vec![0u8; 65535];
    for _ in 0..tries {
        sock.send_to(&bytes, ("127.0.0.1", port)).ok()?;
        if let Ok(n) = sock.recv(&mut buf) {
            return match Message::decode(buf.get(..n)?).ok()? {
                Message::Community(CommunityMessage { pdu: Pdus::Pdu(p), .. }) => Some(p.into_owned()),
                _ => None,
            };
        }
    }
    None
}

/// Sends one PDU in a `version` (v1 or v2c) community message and returns the whole reply
/// PDU (error status included); resent twice on a second of silence each, `None` when the
/// agent never answers or answers with no community-framed PDU.
pub fn request_pdu(port: u16, community: &str, version: Version, pdu: Pdu<'static>) -> Option<Pdu<'static>> {
    exchange(port, community, version, pdu, TRY_WAIT, TRIES)
}

/// Sends one v2c PDU and returns the reply's varbinds (whatever its error status), or `None`
/// as [`request_pdu`].
pub fn request(port: u16, community: &str, pdu: Pdu<'static>) -> Option<Vec<VarBind<'static>>> {
    request_pdu(port, community, Version::V2c, pdu).map(|p| p.varbinds)
}

/// One v2c GET of `oids`: the reply's varbinds, or `None` as [`request_pdu`].
pub fn get(port: u16, community: &str, oids: &[Oid]) -> Option<Vec<VarBind<'static>>> {
    let vbs = oids.iter().cloned().map(VarBind::null).collect();
    request(port, community, Pdu::new(PduType::GetRequest, 1, vbs))
}

/// True when the agent answers a v2c GET of sysUpTime.0 within 300 ms (one try): the
/// readiness probe of freshly started agents, polled in a loop.
pub fn answers(port: u16, community: &str) -> bool {
    let pdu = Pdu::new(PduType::GetRequest, 1, vec![VarBind::null(Oid::from([1, 3, 6, 1, 2, 1, 1, 3, 0]))]);
    exchange(port, community, Version::V2c, pdu, Duration::from_millis(300), 1).is_some()
}

/// The request a walk sends for the objects after the last one it has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// One GETNEXT per object (the only way in v1).
    GetNext,
    /// GETBULK with this max-repetitions (v2c).
    GetBulk(i32),
}

/// Every object under `root` (exclusive), asking with `step` in `version`. The walk ends at
/// an error status (v1's noSuchName at the end of the MIB), an empty reply, an exception
/// value, an OID outside `root`, or an OID not after the previous one; it panics when the
/// agent stops answering.
pub fn walk_with(port: u16, community: &str, version: Version, root: &Oid, step: Step) -> Vec<VarBind<'static>> {
    let mut out = Vec::new();
    let mut next = root.clone();
    for id in 1.. {
        let vb = vec![VarBind::null(next.clone())];
        let pdu = match step {
            Step::GetNext => Pdu::new(PduType::GetNextRequest, id, vb),
            Step::GetBulk(max) => Pdu::get_bulk(id, 0, max, vb),
        };
        let reply = request_pdu(port, community, version, pdu)
            .unwrap_or_else(|| panic!("walk of {root}: no answer from port {port} after {next}"));
        if reply.error_status != 0 || reply.varbinds.is_empty() {
            return out;
        }
        for vb in reply.varbinds {
            if vb.value.is_exception() || !vb.oid.starts_with(root) || vb.oid <= next {
                return out;
            }
            next = vb.oid.clone();
            out.push(vb);
        }
    }
    out
}

/// Every object under `root`, by GETBULK (max-repetitions 40) in v2c and GETNEXT in v1;
/// ends as [`walk_with`].
pub fn walk_subtree(port: u16, community: &str, version: Version, root: &Oid) -> Vec<VarBind<'static>> {
    let step = if version == Version::V1 { Step::GetNext } else { Step::GetBulk(BULK) };
    walk_with(port, community, version, root, step)
}

/// Every object of the agent's tree (v2c GETBULK from `.1`), exceptions left out.
pub fn walk_tree(port: u16, community: &str) -> Vec<VarBind<'static>> {
    walk_subtree(port, community, Version::V2c, &Oid::from([1]))
}
