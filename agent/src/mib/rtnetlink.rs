//! The kernel's neighbour table (IPv4 ARP and IPv6 neighbour discovery entries, with their
//! NUD state) through one rtnetlink RTM_GETNEIGH dump, as snmpd's ipNetToPhysicalTable
//! reads it. The message parser is a pure function of the received bytes: every length is
//! checked, and a malformed message ends the parse instead of panicking.

use std::os::fd::AsRawFd;

use nix::sys::socket::{self, AddressFamily, MsgFlags, NetlinkAddr, SockFlag, SockProtocol, SockType, sockopt};
use nix::sys::time::TimeVal;

const NLMSG_HDRLEN: usize = 16;
const NLMSG_ERROR: u16 = 2;
const NLMSG_DONE: u16 = 3;
const RTM_NEWNEIGH: u16 = 28;
const RTM_GETNEIGH: u16 = 30;
const NLM_F_REQUEST: u16 = 0x1;
const NLM_F_DUMP: u16 = 0x300;
/// struct ndmsg: family, pad, pad, ifindex, state, flags, type.
const NDMSG_LEN: usize = 12;
const NDA_DST: u16 = 1;
const NDA_LLADDR: u16 = 2;

/// NUD_* states of <linux/neighbour.h>.
pub const NUD_INCOMPLETE: u16 = 0x01;
pub const NUD_REACHABLE: u16 = 0x02;
pub const NUD_STALE: u16 = 0x04;
pub const NUD_DELAY: u16 = 0x08;
pub const NUD_PROBE: u16 = 0x10;
pub const NUD_FAILED: u16 = 0x20;
pub const NUD_NOARP: u16 = 0x40;
pub const NUD_PERMANENT: u16 = 0x80;
/// Not a kernel state: an entry known from /proc/net/arp, whose NUD state is not shown.
pub const STATE_NOT_SHOWN: u16 = 0x8000;

/// One neighbour entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Neigh {
    pub if_index: u32,
    /// 4 or 16 bytes.
    pub addr: Vec<u8>,
    pub lladdr: Vec<u8>,
    pub state: u16,
}

impl Neigh {
    /// ipNetToPhysicalState (InetNetToMediaState) as snmpd maps the NUD state.
    pub fn mib_state(&self) -> i32 {
        match self.state {
            NUD_INCOMPLETE => 7,
            NUD_REACHABLE | NUD_PERMANENT => 1,
            NUD_STALE => 2,
            NUD_DELAY => 3,
            NUD_PROBE => 4,
            NUD_FAILED => 5,
            _ => 6,
        }
    }

    /// ipNetToPhysicalType as snmpd maps it: invalid(2), dynamic(3), static(4), local(5).
    pub fn mib_type(&self) -> i32 {
        match self.state {
            NUD_INCOMPLETE | NUD_FAILED | 0 => 2,
            NUD_REACHABLE | NUD_STALE | NUD_DELAY | NUD_PROBE | STATE_NOT_SHOWN => 3,
            NUD_PERMANENT => 4,
            _ => 5,
        }
    }
}

fn u16_at(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_ne_bytes(b.get(at..at + 2)?.try_into().ok()?))
}

fn u32_at(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_ne_bytes(b.get(at..at + 4)?.try_into().ok()?))
}

fn align4(n: usize) -> usize {
    n.saturating_add(3) & !3
}

/// What one received datagram held.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Parsed {
    /// Entries snmpd lists: failed and no-ARP entries are left out, as snmpd drops them.
    pub neighbors: Vec<Neigh>,
    /// NLMSG_DONE, an error, or malformed input: stop reading.
    pub finished: bool,
}

/// Parses the netlink messages of one datagram of an RTM_GETNEIGH dump.
pub fn parse_dump(buf: &[u8]) -> Parsed {
    let mut out = Parsed::default();
    let mut at = 0;
    while at + NLMSG_HDRLEN <= buf.len() {
        let (Some(len), Some(kind)) = (u32_at(buf, at), u16_at(buf, at + 4)) else { break };
        let len = len as usize;
        let Some(msg) = buf.get(at..at.saturating_add(len)).filter(|_| len >= NLMSG_HDRLEN) else {
            out.finished = true;
            return out;
        };
        match kind {
            NLMSG_DONE | NLMSG_ERROR => {
                out.finished = true;
                return out;
            }
            RTM_NEWNEIGH => {
                if let Some(n) = parse_neigh(msg.get(NLMSG_HDRLEN..).unwrap_or_default())
                    && n.state != NUD_FAILED
                    && n.state != NUD_NOARP
                {
                    out.neighbors.push(n);
                }
            }
            _ => {}
        }
        at += align4(len);
    }
    out
}

/// struct ndmsg and its attributes.
fn parse_neigh(body: &[u8]) -> Option<Neigh> {
    let if_index = u32_at(body, 4)?;
    let state = u16_at(body, 8)?;
    let mut n = Neigh { if_index, addr: Vec::new(), lladdr: Vec::new(), state };
    let mut at = NDMSG_LEN;
    while at + 4 <= body.len() {
        let rta_len = usize::from(u16_at(body, at)?);
        let rta_type = u16_at(body, at + 2)?;
        if rta_len < 4 {
            break;
        }
        let data = body.get(at + 4..at + rta_len)?;
        match rta_type {
            NDA_DST => n.addr = data.to_vec(),
            NDA_LLADDR => n.lladdr = data.to_vec(),
            _ => {}
        }
        at += align4(rta_len);
    }
    matches!(n.addr.len(), 4 | 16).then_some(n)
}

/// The RTM_GETNEIGH dump request for all address families.
fn request() -> Vec<u8> {
    let len = (NLMSG_HDRLEN + NDMSG_LEN) as u32;
    let mut b = Vec::with_capacity(len as usize);
    b.extend_from_slice(&len.to_ne_bytes());
    b.extend_from_slice(&RTM_GETNEIGH.to_ne_bytes());
    b.extend_from_slice(&(NLM_F_REQUEST | NLM_F_DUMP).to_ne_bytes());
    b.extend_from_slice(&1u32.to_ne_bytes()); // sequence number
    b.extend_from_slice(&0u32.to_ne_bytes()); // port id: the kernel assigns ours
    b.extend_from_slice(&[0u8; NDMSG_LEN]); // AF_UNSPEC, every interface
    b
}

/// Dumps the kernel's neighbour table; `None` when netlink is unavailable.
pub fn neighbors() -> Option<Vec<Neigh>> {
    let fd = socket::socket(AddressFamily::Netlink, SockType::Raw, SockFlag::SOCK_CLOEXEC, SockProtocol::NetlinkRoute)
        .ok()?;
    socket::setsockopt(&fd, sockopt::ReceiveTimeout, &TimeVal::new(1, 0)).ok()?;
    socket::sendto(fd.as_raw_fd(), &request(), &NetlinkAddr::new(0, 0), MsgFlags::empty()).ok()?;
    let mut buf = vec![0u8; 32 * 1024];
    let mut out = Vec::new();
    // A dump is a bounded series of datagrams ending in NLMSG_DONE.
    for _ in 0..10_000 {
        let n = socket::recv(fd.as_raw_fd(), &mut buf, MsgFlags::empty()).ok()?;
        let parsed = parse_dump(buf.get(..n)?);
        out.extend(parsed.neighbors);
        if parsed.finished || n == 0 {
            return Some(out);
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;

    fn attr(kind: u16, data: &[u8]) -> Vec<u8> {
        let mut a = Vec::new();
        a.extend_from_slice(&((4 + data.len()) as u16).to_ne_bytes());
        a.extend_from_slice(&kind.to_ne_bytes());
        a.extend_from_slice(data);
        a.resize(align4(a.len()), 0);
        a
    }

    fn neigh_msg(if_index: u32, state: u16, dst: &[u8], ll: &[u8]) -> Vec<u8> {
        let mut body = vec![if dst.len() == 4 { 2 } else { 10 }, 0, 0, 0];
        body.extend_from_slice(&if_index.to_ne_bytes());
        body.extend_from_slice(&state.to_ne_bytes());
        body.extend_from_slice(&[0, 1]);
        body.extend(attr(NDA_DST, dst));
        body.extend(attr(NDA_LLADDR, ll));
        let mut m = Vec::new();
        m.extend_from_slice(&((NLMSG_HDRLEN + body.len()) as u32).to_ne_bytes());
        m.extend_from_slice(&RTM_NEWNEIGH.to_ne_bytes());
        m.extend_from_slice(&[0; 10]);
        m.extend(body);
        m
    }

    fn done() -> Vec<u8> {
        let mut m = (20u32).to_ne_bytes().to_vec();
        m.extend_from_slice(&NLMSG_DONE.to_ne_bytes());
        m.extend_from_slice(&[0; 14]);
        m
    }

    #[test]
    fn parses_a_dump() {
        let mut buf = neigh_msg(4, NUD_STALE, &[192, 0, 2, 1], &[2, 0xfc, 0, 0, 0, 5]);
        buf.extend(neigh_msg(4, NUD_FAILED, &[0xfd; 16], &[]));
        buf.extend(neigh_msg(1, NUD_NOARP, &[127, 0, 0, 1], &[0; 6]));
        buf.extend(neigh_msg(4, NUD_REACHABLE, &[0xfe; 16], &[2, 0, 0, 0, 0, 9]));
        let p = parse_dump(&buf);
        assert!(!p.finished);
        assert_eq!(p.neighbors.len(), 2);
        assert_eq!(
            p.neighbors[0],
            Neigh { if_index: 4, addr: vec![192, 0, 2, 1], lladdr: vec![2, 0xfc, 0, 0, 0, 5], state: NUD_STALE }
        );
        assert_eq!((p.neighbors[0].mib_state(), p.neighbors[0].mib_type()), (2, 3));
        assert_eq!((p.neighbors[1].mib_state(), p.neighbors[1].mib_type()), (1, 3));
        assert!(parse_dump(&done()).finished);
    }

    #[test]
    fn malformed_input_ends_the_parse() {
        assert_eq!(parse_dump(&[]), Parsed::default());
        assert_eq!(parse_dump(&[1, 2, 3]), Parsed::default());
        // A length beyond the buffer, and a length below the header size.
        let mut m = neigh_msg(4, NUD_STALE, &[192, 0, 2, 1], &[1; 6]);
        m.truncate(m.len() - 3);
        assert!(parse_dump(&m).finished);
        let mut short = (4u32).to_ne_bytes().to_vec();
        short.extend_from_slice(&[0; 12]);
        assert!(parse_dump(&short).finished);
        // An attribute running past the message is dropped with its entry.
        let mut bad = neigh_msg(4, NUD_STALE, &[192, 0, 2, 1], &[1; 6]);
        let at = NLMSG_HDRLEN + NDMSG_LEN;
        bad[at] = 200;
        assert!(parse_dump(&bad).neighbors.is_empty());
    }

    #[test]
    fn live_dump_does_not_fail() {
        // Containers may forbid netlink; when it works, entries are well-formed.
        if let Some(list) = neighbors() {
            assert!(list.iter().all(|n| n.addr.len() == 4 || n.addr.len() == 16));
        }
    }
}
