//! Request sources (snmpd.conf's SOURCE field of `com2sec` and `rocommunity`): `default`,
//! a host (an address or a name, resolved once when the line is read, as snmpd does),
//! `NET/BITS` or `NET/MASK`, and how a client address matches them.

use std::net::{IpAddr, ToSocketAddrs};

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

/// A source as snmpd.conf writes it: an address or host name, `ADDR/BITS` or `ADDR/MASK`
/// (`default` is the caller's: it depends on the directive).
pub fn parse_source(s: &str, ipv6: bool) -> Result<Source, String> {
    parse_source_with(s, ipv6, &|name| {
        (name, 0).to_socket_addrs().map(|addrs| addrs.map(|a| a.ip()).collect()).unwrap_or_default()
    })
}

/// [`parse_source`] with `resolve` giving a host name's addresses. A name takes its first
/// address of the line's family (IPv4 for com2sec and rocommunity, IPv6 for their `6` forms).
fn parse_source_with(s: &str, ipv6: bool, resolve: &dyn Fn(&str) -> Vec<IpAddr>) -> Result<Source, String> {
    let (addr, bits) = match s.split_once('/') {
        Some((a, b)) => (a, Some(b)),
        None => (s, None),
    };
    let addr: IpAddr = match addr.parse() {
        Ok(a) => a,
        Err(_) => {
            let family = if ipv6 { "IPv6" } else { "IPv4" };
            let found = resolve(addr).into_iter().find(|a| a.is_ipv6() == ipv6);
            // localhost even where the resolver does not know it.
            let fallback = || {
                (addr == "localhost").then(|| {
                    if ipv6 { IpAddr::from([0u16, 0, 0, 0, 0, 0, 0, 1]) } else { IpAddr::from([127, 0, 0, 1]) }
                })
            };
            found.or_else(fallback).ok_or_else(|| format!("source {addr:?}: no {family} address for this name"))?
        }
    };
    if addr.is_ipv6() != ipv6 {
        return Err(format!("source {addr} is not an {} address", if ipv6 { "IPv6" } else { "IPv4" }));
    }
    let max = if ipv6 { 128 } else { 32 };
    let prefix_len = match bits {
        None => max,
        Some(b) => match (b.parse::<u8>(), b.parse::<std::net::Ipv4Addr>()) {
            (Ok(n), _) if n <= max => n,
            (_, Ok(mask)) if !ipv6 => {
                let m = u32::from(mask);
                if m.leading_ones() + m.trailing_zeros() != 32 {
                    return Err(format!("netmask {mask} is not contiguous"));
                }
                m.leading_ones() as u8
            }
            _ => return Err(format!("bad prefix length {b:?}")),
        },
    };
    Ok(Source::Net { addr, prefix_len })
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
    fn host_names_take_their_first_address_of_the_family() {
        let resolve = |name: &str| -> Vec<IpAddr> {
            match name {
                "poller.example" => vec!["2001:db8::7".parse().unwrap(), "192.0.2.7".parse().unwrap()],
                _ => Vec::new(),
            }
        };
        let net = |s: &str, p| Source::Net { addr: s.parse().unwrap(), prefix_len: p };
        assert_eq!(parse_source_with("poller.example", false, &resolve), Ok(net("192.0.2.7", 32)));
        assert_eq!(parse_source_with("poller.example/24", false, &resolve), Ok(net("192.0.2.7", 24)));
        assert_eq!(parse_source_with("poller.example", true, &resolve), Ok(net("2001:db8::7", 128)));
        assert_eq!(parse_source_with("localhost", true, &resolve), Ok(net("::1", 128)));
        let err = parse_source_with("nowhere.example", false, &resolve).unwrap_err();
        assert!(err.contains("no IPv4 address"), "{err}");
        // The real resolver knows localhost.
        assert_eq!(parse_source("localhost", false), Ok(net("127.0.0.1", 32)));
    }
}
