//! Request sources (snmpd.conf's SOURCE field of `com2sec` and `rocommunity`): `default`,
//! a host, `NET/BITS` or `NET/MASK`, and how a client address matches them.

use std::net::IpAddr;

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

/// A source as snmpd.conf writes it: an address, `ADDR/BITS` or `ADDR/MASK` (`default` is
/// the caller's: it depends on the directive).
pub fn parse_source(s: &str, ipv6: bool) -> Result<Source, String> {
    let (addr, bits) = match s.split_once('/') {
        Some((a, b)) => (a, Some(b)),
        None => (s, None),
    };
    let addr: IpAddr = match addr.parse() {
        Ok(a) => a,
        Err(_) if addr == "localhost" => {
            if ipv6 { "::1" } else { "127.0.0.1" }.parse().map_err(|_| "localhost".to_string())?
        }
        Err(_) => {
            return Err(format!("bad source address {addr:?} (host names other than localhost are not resolved)"));
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
}
