//! Community-based access (snmpd.conf `rocommunity`/`rwcommunity` and their `6` forms):
//! which community, from which source network, may read or write which subtree.

use std::net::IpAddr;

use snmp::Oid;

/// Where requests may come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// `default`: anywhere (of the rule's address family).
    Any { ipv6: bool },
    /// An address with a prefix length (`10.0.0.0/8`, `192.168.1.5`, `::1/128`).
    Net { addr: IpAddr, prefix_len: u8 },
}

impl Source {
    pub fn matches(&self, ip: IpAddr) -> bool {
        let ip = canonical(ip);
        match self {
            Source::Any { ipv6 } => ip.is_ipv6() == *ipv6,
            Source::Net { addr, prefix_len } => match (addr, ip) {
                (IpAddr::V4(net), IpAddr::V4(ip)) => prefix_matches(&net.octets(), &ip.octets(), *prefix_len),
                (IpAddr::V6(net), IpAddr::V6(ip)) => prefix_matches(&net.octets(), &ip.octets(), *prefix_len),
                _ => false,
            },
        }
    }
}

/// IPv4-mapped IPv6 addresses (from a dual-stack socket) compare as IPv4.
fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        v4 => v4,
    }
}

fn prefix_matches(net: &[u8], ip: &[u8], prefix_len: u8) -> bool {
    let full = usize::from(prefix_len / 8);
    let rest = prefix_len % 8;
    if net.get(..full) != ip.get(..full) {
        return false;
    }
    if rest == 0 {
        return true;
    }
    let mask = 0xffu8 << (8 - rest);
    match (net.get(full), ip.get(full)) {
        (Some(a), Some(b)) => a & mask == b & mask,
        _ => false,
    }
}

/// One `rocommunity`/`rwcommunity` line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommunityRule {
    pub community: Vec<u8>,
    pub source: Source,
    /// Restricts the rule to this subtree (`rocommunity public default .1.3.6.1.2.1`).
    pub subtree: Option<Oid>,
    pub write: bool,
}

/// What a request's community grants.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Access {
    pub write: bool,
    pub subtree: Option<Oid>,
}

/// The first rule for `community` whose source matches `from`, as net-snmp's com2sec does.
pub fn check(rules: &[CommunityRule], community: &[u8], from: IpAddr) -> Option<Access> {
    rules
        .iter()
        .find(|r| r.community == community && r.source.matches(from))
        .map(|r| Access { write: r.write, subtree: r.subtree.clone() })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn sources() {
        let net = |s: &str, p| Source::Net { addr: s.parse().unwrap(), prefix_len: p };
        assert!(net("10.0.0.0", 8).matches("10.1.2.3".parse().unwrap()));
        assert!(!net("10.0.0.0", 8).matches("11.1.2.3".parse().unwrap()));
        assert!(net("192.168.1.0", 25).matches("192.168.1.127".parse().unwrap()));
        assert!(!net("192.168.1.0", 25).matches("192.168.1.128".parse().unwrap()));
        assert!(net("127.0.0.1", 32).matches("::ffff:127.0.0.1".parse().unwrap()));
        assert!(net("::1", 128).matches("::1".parse().unwrap()));
        assert!(Source::Any { ipv6: false }.matches("1.2.3.4".parse().unwrap()));
        assert!(!Source::Any { ipv6: false }.matches("::1".parse().unwrap()));
    }

    #[test]
    fn first_matching_rule_wins() {
        let rules = vec![
            CommunityRule {
                community: b"public".to_vec(),
                source: Source::Net { addr: "127.0.0.1".parse().unwrap(), prefix_len: 32 },
                subtree: None,
                write: false,
            },
            CommunityRule {
                community: b"public".to_vec(),
                source: Source::Any { ipv6: false },
                subtree: Some(Oid::from([1, 3, 6, 1, 2, 1, 1])),
                write: false,
            },
        ];
        assert_eq!(check(&rules, b"public", "127.0.0.1".parse().unwrap()).unwrap().subtree, None);
        assert!(check(&rules, b"public", "10.0.0.1".parse().unwrap()).unwrap().subtree.is_some());
        assert!(check(&rules, b"private", "127.0.0.1".parse().unwrap()).is_none());
    }
}
