//! The two ethtool facts snmpd's dot3StatsTable needs, read over the kernel's "ethtool"
//! generic-netlink family instead of the SIOCETHTOOL ioctl (which would need unsafe code):
//! the names of a device's driver statistics (ETHTOOL_MSG_STRSET_GET of ETH_SS_STATS, the
//! strings ETHTOOL_GSTRINGS returns) and its duplex (ETHTOOL_MSG_LINKMODES_GET, which fails
//! exactly when the driver has no get_link_ksettings, as ETHTOOL_GLINKSETTINGS/GSET do).
//! Message building and parsing are pure functions of bytes; every length is checked.

use std::os::fd::{AsRawFd, OwnedFd};

use nix::sys::socket::{self, AddressFamily, MsgFlags, NetlinkAddr, SockFlag, SockProtocol, SockType, sockopt};
use nix::sys::time::TimeVal;

const NLMSG_HDRLEN: usize = 16;
const GENL_HDRLEN: usize = 4;
const NLMSG_ERROR: u16 = 2;
const NLM_F_REQUEST: u16 = 0x1;
const NLA_F_NESTED: u16 = 0x8000;
const NLA_TYPE_MASK: u16 = 0x3fff;

const GENL_ID_CTRL: u16 = 0x10;
const CTRL_CMD_GETFAMILY: u8 = 3;
const CTRL_ATTR_FAMILY_ID: u16 = 1;
const CTRL_ATTR_FAMILY_NAME: u16 = 2;

const ETHTOOL_GENL_VERSION: u8 = 1;
const ETHTOOL_MSG_STRSET_GET: u8 = 1;
const ETHTOOL_MSG_LINKMODES_GET: u8 = 4;
const ETHTOOL_A_HEADER_DEV_INDEX: u16 = 1;
/// The request header attribute of every ethtool message.
const ETHTOOL_A_X_HEADER: u16 = 1;
const ETHTOOL_A_STRSET_STRINGSETS: u16 = 2;
const ETHTOOL_A_STRINGSETS_STRINGSET: u16 = 1;
const ETHTOOL_A_STRINGSET_ID: u16 = 1;
const ETHTOOL_A_STRINGSET_COUNT: u16 = 2;
const ETHTOOL_A_STRINGSET_STRINGS: u16 = 3;
const ETHTOOL_A_STRINGS_STRING: u16 = 1;
const ETHTOOL_A_STRING_VALUE: u16 = 2;
const ETHTOOL_A_LINKMODES_DUPLEX: u16 = 6;
const ETH_SS_STATS: u32 = 1;

/// DUPLEX_* of <linux/ethtool.h>.
pub const DUPLEX_HALF: u8 = 0;
pub const DUPLEX_FULL: u8 = 1;
pub const DUPLEX_UNKNOWN: u8 = 0xff;

fn align4(n: usize) -> usize {
    (n + 3) & !3
}

/// One netlink attribute, padded.
pub fn attr(kind: u16, data: &[u8]) -> Vec<u8> {
    let mut a = Vec::with_capacity(align4(4 + data.len()));
    a.extend_from_slice(&((4 + data.len()) as u16).to_ne_bytes());
    a.extend_from_slice(&kind.to_ne_bytes());
    a.extend_from_slice(data);
    a.resize(align4(a.len()), 0);
    a
}

fn nested(kind: u16, inner: &[u8]) -> Vec<u8> {
    attr(kind | NLA_F_NESTED, inner)
}

/// A generic-netlink request: netlink header, genl header, attributes.
pub fn request(family: u16, cmd: u8, version: u8, seq: u32, attrs: &[u8]) -> Vec<u8> {
    let mut m = Vec::with_capacity(NLMSG_HDRLEN + GENL_HDRLEN + attrs.len());
    m.extend_from_slice(&((NLMSG_HDRLEN + GENL_HDRLEN + attrs.len()) as u32).to_ne_bytes());
    m.extend_from_slice(&family.to_ne_bytes());
    m.extend_from_slice(&NLM_F_REQUEST.to_ne_bytes());
    m.extend_from_slice(&seq.to_ne_bytes());
    m.extend_from_slice(&0u32.to_ne_bytes());
    m.extend_from_slice(&[cmd, version, 0, 0]);
    m.extend_from_slice(attrs);
    m
}

/// The attributes of a buffer, `(type without flags, payload)`; stops at the first
/// malformed one.
pub fn attrs(mut buf: &[u8]) -> Vec<(u16, &[u8])> {
    let mut out = Vec::new();
    while buf.len() >= 4 {
        let (Some(len), Some(kind)) = (u16_of(buf), buf.get(2..).and_then(u16_of)) else { break };
        let (len, kind) = (usize::from(len), kind & NLA_TYPE_MASK);
        let Some(payload) = buf.get(4..len.max(4)) else { break };
        if len < 4 {
            break;
        }
        out.push((kind, payload));
        buf = buf.get(align4(len)..).unwrap_or(&[]);
    }
    out
}

fn find(list: &[(u16, &[u8])], kind: u16) -> Option<Vec<u8>> {
    list.iter().find(|(k, _)| *k == kind).map(|(_, p)| p.to_vec())
}

fn u16_of(p: &[u8]) -> Option<u16> {
    Some(u16::from_ne_bytes(p.get(0..2)?.try_into().ok()?))
}

fn u32_of(p: &[u8]) -> Option<u32> {
    Some(u32::from_ne_bytes(p.get(0..4)?.try_into().ok()?))
}

/// What one reply message says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reply {
    /// The attributes after the genl header.
    Data(Vec<u8>),
    /// NLMSG_ERROR with a nonzero (negative errno) code.
    Error(i32),
}

/// The reply in `buf` to request `seq`, if `buf` holds one.
pub fn parse_reply(buf: &[u8], seq: u32) -> Option<Reply> {
    let mut rest = buf;
    while rest.len() >= NLMSG_HDRLEN {
        let len = u32_of(rest)? as usize;
        let kind = u16::from_ne_bytes(rest.get(4..6)?.try_into().ok()?);
        let msg_seq = u32_of(rest.get(8..12)?)?;
        if len < NLMSG_HDRLEN {
            return None;
        }
        let body = rest.get(NLMSG_HDRLEN..len)?;
        if msg_seq == seq {
            if kind == NLMSG_ERROR {
                return Some(Reply::Error(u32_of(body)? as i32));
            }
            return Some(Reply::Data(body.get(GENL_HDRLEN..)?.to_vec()));
        }
        rest = rest.get(align4(len)..)?;
    }
    None
}

/// The names in an ETHTOOL_MSG_STRSET_GET reply's ETH_SS_STATS set: `Some(names)` (the
/// count may exceed the names given), `None` when the reply has no such set.
pub fn parse_stat_names(reply: &[u8]) -> Option<(u32, Vec<String>)> {
    let top = attrs(reply);
    let sets = find(&top, ETHTOOL_A_STRSET_STRINGSETS)?;
    for (kind, set) in attrs(&sets) {
        if kind != ETHTOOL_A_STRINGSETS_STRINGSET {
            continue;
        }
        let fields = attrs(set);
        if find(&fields, ETHTOOL_A_STRINGSET_ID).as_deref().and_then(u32_of) != Some(ETH_SS_STATS) {
            continue;
        }
        let count = find(&fields, ETHTOOL_A_STRINGSET_COUNT).as_deref().and_then(u32_of).unwrap_or(0);
        let strings = find(&fields, ETHTOOL_A_STRINGSET_STRINGS).unwrap_or_default();
        let names = attrs(&strings)
            .into_iter()
            .filter(|(k, _)| *k == ETHTOOL_A_STRINGS_STRING)
            .filter_map(|(_, s)| {
                let v = find(&attrs(s), ETHTOOL_A_STRING_VALUE)?;
                let end = v.iter().position(|b| *b == 0).unwrap_or(v.len());
                Some(String::from_utf8_lossy(v.get(..end)?).into_owned())
            })
            .collect();
        return Some((count, names));
    }
    None
}

/// The duplex of an ETHTOOL_MSG_LINKMODES_GET reply (unknown when absent).
pub fn parse_duplex(reply: &[u8]) -> u8 {
    find(&attrs(reply), ETHTOOL_A_LINKMODES_DUPLEX).and_then(|d| d.first().copied()).unwrap_or(DUPLEX_UNKNOWN)
}

/// A generic-netlink socket bound to the ethtool family.
#[derive(Debug)]
pub struct Ethtool {
    fd: OwnedFd,
    family: u16,
    seq: u32,
}

impl Ethtool {
    /// `None` when generic netlink or the ethtool family (Linux < 5.6) is unavailable.
    pub fn open() -> Option<Ethtool> {
        let fd =
            socket::socket(AddressFamily::Netlink, SockType::Raw, SockFlag::SOCK_CLOEXEC, SockProtocol::NetlinkGeneric)
                .ok()?;
        socket::setsockopt(&fd, sockopt::ReceiveTimeout, &TimeVal::new(1, 0)).ok()?;
        let mut e = Ethtool { fd, family: GENL_ID_CTRL, seq: 0 };
        let name = attr(CTRL_ATTR_FAMILY_NAME, b"ethtool\0");
        let Reply::Data(reply) = e.call(CTRL_CMD_GETFAMILY, 1, &name)? else { return None };
        let id = find(&attrs(&reply), CTRL_ATTR_FAMILY_ID)?;
        e.family = u16::from_ne_bytes(id.get(0..2)?.try_into().ok()?);
        Some(e)
    }

    fn call(&mut self, cmd: u8, version: u8, body: &[u8]) -> Option<Reply> {
        self.seq = self.seq.wrapping_add(1);
        let req = request(self.family, cmd, version, self.seq, body);
        socket::sendto(self.fd.as_raw_fd(), &req, &NetlinkAddr::new(0, 0), MsgFlags::empty()).ok()?;
        let mut buf = vec![0u8; 64 * 1024];
        // Skip stale replies to earlier, timed-out requests.
        for _ in 0..16 {
            let n = socket::recv(self.fd.as_raw_fd(), &mut buf, MsgFlags::empty()).ok()?;
            if let Some(r) = parse_reply(buf.get(..n)?, self.seq) {
                return Some(r);
            }
        }
        None
    }

    fn header(if_index: u32) -> Vec<u8> {
        nested(ETHTOOL_A_X_HEADER, &attr(ETHTOOL_A_HEADER_DEV_INDEX, &if_index.to_ne_bytes()))
    }

    /// The driver statistics' count and names; `None` when the request fails.
    pub fn stat_names(&mut self, if_index: u32) -> Option<(u32, Vec<String>)> {
        let set = nested(ETHTOOL_A_STRINGSETS_STRINGSET, &attr(ETHTOOL_A_STRINGSET_ID, &ETH_SS_STATS.to_ne_bytes()));
        let mut body = Self::header(if_index);
        body.extend(nested(ETHTOOL_A_STRSET_STRINGSETS, &set));
        match self.call(ETHTOOL_MSG_STRSET_GET, ETHTOOL_GENL_VERSION, &body)? {
            Reply::Data(d) => Some(parse_stat_names(&d).unwrap_or((0, Vec::new()))),
            Reply::Error(_) => None,
        }
    }

    /// The duplex; `None` when the driver cannot report link settings.
    pub fn duplex(&mut self, if_index: u32) -> Option<u8> {
        match self.call(ETHTOOL_MSG_LINKMODES_GET, ETHTOOL_GENL_VERSION, &Self::header(if_index))? {
            Reply::Data(d) => Some(parse_duplex(&d)),
            Reply::Error(_) => None,
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;

    fn msg(kind: u16, seq: u32, body: &[u8]) -> Vec<u8> {
        let mut m = ((NLMSG_HDRLEN + body.len()) as u32).to_ne_bytes().to_vec();
        m.extend_from_slice(&kind.to_ne_bytes());
        m.extend_from_slice(&[0, 0]);
        m.extend_from_slice(&seq.to_ne_bytes());
        m.extend_from_slice(&[0; 4]);
        m.extend_from_slice(body);
        m
    }

    fn strset_reply(names: &[&str], count: u32) -> Vec<u8> {
        let mut strings = Vec::new();
        for (i, n) in names.iter().enumerate() {
            let mut s = attr(1, &(i as u32).to_ne_bytes());
            let mut v = n.as_bytes().to_vec();
            v.push(0);
            s.extend(attr(ETHTOOL_A_STRING_VALUE, &v));
            strings.extend(nested(ETHTOOL_A_STRINGS_STRING, &s));
        }
        let mut set = attr(ETHTOOL_A_STRINGSET_ID, &ETH_SS_STATS.to_ne_bytes());
        set.extend(attr(ETHTOOL_A_STRINGSET_COUNT, &count.to_ne_bytes()));
        set.extend(nested(ETHTOOL_A_STRINGSET_STRINGS, &strings));
        let mut body = nested(ETHTOOL_A_X_HEADER, &attr(ETHTOOL_A_HEADER_DEV_INDEX, &4u32.to_ne_bytes()));
        body.extend(nested(ETHTOOL_A_STRSET_STRINGSETS, &nested(ETHTOOL_A_STRINGSETS_STRINGSET, &set)));
        body
    }

    #[test]
    fn requests_are_well_formed() {
        let r = request(0x1e, 4, 1, 7, &attr(2, b"ab"));
        assert_eq!(r.len(), 16 + 4 + 8);
        assert_eq!(u32::from_ne_bytes(r[0..4].try_into().unwrap()), 28);
        assert_eq!(&r[16..20], &[4, 1, 0, 0]);
        assert_eq!(attrs(&r[20..]), vec![(2, &b"ab"[..])]);
    }

    #[test]
    fn replies() {
        let mut genl = vec![1, 1, 0, 0];
        genl.extend(strset_reply(&["rx_queue_0_packets", "tx_deferred"], 2));
        let mut buf = msg(0x1e, 3, &[9, 1, 0, 0]); // an older reply first
        buf.extend(msg(0x1e, 4, &genl));
        let Some(Reply::Data(d)) = parse_reply(&buf, 4) else { panic!() };
        assert_eq!(parse_stat_names(&d), Some((2, vec!["rx_queue_0_packets".into(), "tx_deferred".into()])));
        let err = msg(NLMSG_ERROR, 5, &(-95i32).to_ne_bytes());
        assert_eq!(parse_reply(&err, 5), Some(Reply::Error(-95)));
        assert_eq!(parse_reply(&err, 6), None);
        let mut lm = vec![4, 1, 0, 0];
        lm.extend(attr(ETHTOOL_A_LINKMODES_DUPLEX, &[DUPLEX_FULL]));
        let Some(Reply::Data(d)) = parse_reply(&msg(0x1e, 1, &lm), 1) else { panic!() };
        assert_eq!(parse_duplex(&d), DUPLEX_FULL);
        assert_eq!(parse_duplex(&[]), DUPLEX_UNKNOWN);
    }

    #[test]
    fn malformed_input() {
        assert_eq!(parse_reply(&[], 1), None);
        assert_eq!(parse_reply(&[1, 2, 3], 1), None);
        let mut short = msg(0x1e, 1, &[1, 1, 0, 0, 8, 0]);
        short.truncate(short.len() - 3);
        assert_eq!(parse_reply(&short, 1), None);
        // An attribute claiming more than the buffer, or less than its header.
        assert!(attrs(&[200, 0, 1, 0, 1, 2]).is_empty());
        assert!(attrs(&[2, 0, 1, 0]).is_empty());
        assert_eq!(parse_stat_names(&[]), None);
        assert_eq!(parse_stat_names(&[8, 0, 2, 0, 1, 2]), None);
    }

    #[test]
    fn live_queries_do_not_fail() {
        // Containers may forbid netlink; when it works, loopback has no link settings.
        if let Some(mut e) = Ethtool::open() {
            assert_eq!(e.duplex(1), None);
            let _ = e.stat_names(1);
        }
    }
}
