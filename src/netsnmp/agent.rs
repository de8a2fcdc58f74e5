//! net-snmp agent specifications: `[udp:|udp6:]HOST[:PORT]`, IPv6 as `[::1]:PORT` or bare
//! after `udp6:`, default port 161, host names resolved through the system resolver.

use std::net::{IpAddr, SocketAddr};

const DEFAULT_PORT: u16 = 161;

/// Resolves an agent argument to the address to talk to.
pub async fn resolve(spec: &str) -> Result<SocketAddr, String> {
    let unknown = || format!("Unknown host ({spec})");
    let (ipv6_only, rest) = if let Some(r) = spec.strip_prefix("udp6:") {
        (true, r)
    } else if let Some(r) = spec.strip_prefix("udp:") {
        (false, r)
    } else if spec.starts_with("tcp:") || spec.starts_with("tcp6:") || spec.starts_with("unix:") {
        return Err(format!("{spec}: this transport is not supported (only udp and udp6)"));
    } else {
        (false, spec)
    };
    let (host, port) = split_host_port(rest, ipv6_only).ok_or_else(unknown)?;
    if let Ok(ip) = host.parse::<IpAddr>() {
        return Ok(SocketAddr::new(ip, port));
    }
    let found = tokio::net::lookup_host((host, port)).await.map_err(|_| unknown())?;
    found.into_iter().find(|a| a.is_ipv6() == ipv6_only || !ipv6_only && a.is_ipv4()).ok_or_else(unknown)
}

fn split_host_port(s: &str, ipv6_only: bool) -> Option<(&str, u16)> {
    if let Some(inner) = s.strip_prefix('[') {
        let (host, after) = inner.split_once(']')?;
        let port = match after.strip_prefix(':') {
            Some(p) => p.parse().ok()?,
            None if after.is_empty() => DEFAULT_PORT,
            None => return None,
        };
        return Some((host, port));
    }
    // A bare IPv6 address (several colons) carries no port.
    if ipv6_only && s.matches(':').count() > 1 || s.parse::<std::net::Ipv6Addr>().is_ok() {
        return Some((s, DEFAULT_PORT));
    }
    match s.rsplit_once(':') {
        Some((host, port)) => Some((host, port.parse().ok()?)),
        None => Some((s, DEFAULT_PORT)),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[tokio::test]
    async fn forms() {
        let r = |s: &'static str| async move { resolve(s).await.unwrap().to_string() };
        assert_eq!(r("127.0.0.1").await, "127.0.0.1:161");
        assert_eq!(r("127.0.0.1:1161").await, "127.0.0.1:1161");
        assert_eq!(r("udp:127.0.0.1:1161").await, "127.0.0.1:1161");
        assert_eq!(r("udp6:[::1]:1161").await, "[::1]:1161");
        assert_eq!(r("udp6:::1").await, "[::1]:161");
        assert_eq!(r("[::1]:99").await, "[::1]:99");
        assert_eq!(r("localhost:1161").await.rsplit(':').next(), Some("1161"));
        assert!(resolve("127.0.0.1:notaport").await.is_err());
        assert!(resolve("tcp:127.0.0.1").await.is_err());
    }
}
