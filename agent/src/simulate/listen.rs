//! Where the simulated devices listen: `ADDR:PORT` (one device), `ADDR:FIRST-LAST` (one
//! device per port) or `ADDR:PORT` with a device count (that many consecutive ports).
//! Only loopback addresses (127.0.0.0/8, ::1) are accepted: the simulator is a test peer.

use std::net::{IpAddr, SocketAddr};

/// A parsed `--listen` value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Listen {
    pub ip: IpAddr,
    pub first_port: u16,
    /// Equal to `first_port` for a single port.
    pub last_port: u16,
}

impl Listen {
    /// Parses `127.0.0.1:1161`, `127.0.0.1:20000-20299`, `[::1]:1161`, `localhost:1161`.
    pub fn parse(spec: &str) -> Result<Listen, String> {
        let (host, ports) = spec
            .rsplit_once(':')
            .ok_or_else(|| format!("--listen {spec:?}: expected ADDRESS:PORT or ADDRESS:FIRST-LAST"))?;
        let host = host.strip_prefix('[').and_then(|h| h.strip_suffix(']')).unwrap_or(host);
        let ip: IpAddr = match host {
            "localhost" => IpAddr::from([127, 0, 0, 1]),
            h => h.parse().map_err(|_| format!("--listen {spec:?}: {host:?} is not an IP address"))?,
        };
        if !ip.is_loopback() {
            return Err(format!(
                "--listen {spec:?}: {ip} is not a loopback address; the simulator only listens on 127.0.0.0/8 or ::1"
            ));
        }
        let port = |p: &str| p.parse::<u16>().map_err(|_| format!("--listen {spec:?}: {p:?} is not a port number"));
        let (first_port, last_port) = match ports.split_once('-') {
            Some((a, b)) => (port(a)?, port(b)?),
            None => (port(ports)?, port(ports)?),
        };
        if last_port < first_port {
            return Err(format!("--listen {spec:?}: the range ends before it starts"));
        }
        if first_port == 0 && last_port != 0 {
            return Err(format!("--listen {spec:?}: a port range cannot start at 0"));
        }
        Ok(Listen { ip, first_port, last_port })
    }

    /// The addresses of the devices: the range's ports, or `devices` ports from the first
    /// (which must then match the range's size if a range was given). Port 0 (any free port)
    /// only serves one device.
    pub fn addresses(&self, devices: Option<usize>) -> Result<Vec<SocketAddr>, String> {
        let range = usize::from(self.last_port - self.first_port) + 1;
        let count = match devices {
            None => range,
            Some(0) => return Err("--devices must be at least 1".into()),
            Some(n) if range > 1 && n != range => {
                return Err(format!(
                    "--devices {n} does not match the {range} ports of {}-{}",
                    self.first_port, self.last_port
                ));
            }
            Some(n) => n,
        };
        if self.first_port == 0 && count > 1 {
            return Err("port 0 (any free port) serves one device; give a first port for --devices".into());
        }
        let last = usize::from(self.first_port) + count - 1;
        if last > usize::from(u16::MAX) {
            return Err(format!("{count} devices from port {} run past port 65535", self.first_port));
        }
        Ok((0..count).map(|i| SocketAddr::new(self.ip, self.first_port + i as u16)).collect())
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;

    #[test]
    fn forms() {
        let l = Listen::parse("127.0.0.1:1161").unwrap();
        assert_eq!(l.addresses(None).unwrap(), vec!["127.0.0.1:1161".parse().unwrap()]);
        let l = Listen::parse("127.0.0.1:20000-20002").unwrap();
        assert_eq!(l.addresses(None).unwrap().len(), 3);
        assert_eq!(l.addresses(Some(3)).unwrap().len(), 3);
        assert!(l.addresses(Some(4)).unwrap_err().contains("does not match"));
        let l = Listen::parse("127.0.0.5:30000").unwrap();
        let a = l.addresses(Some(300)).unwrap();
        assert_eq!((a[0].port(), a[299].port()), (30000, 30299));
        assert_eq!(Listen::parse("[::1]:1161").unwrap().ip, "::1".parse::<IpAddr>().unwrap());
        assert_eq!(Listen::parse("localhost:1161").unwrap().ip, "127.0.0.1".parse::<IpAddr>().unwrap());
        assert_eq!(Listen::parse("127.0.0.1:0").unwrap().addresses(None).unwrap().len(), 1);
    }

    #[test]
    fn refusals() {
        for (spec, why) in [
            ("10.0.0.1:161", "not a loopback address"),
            ("0.0.0.0:161", "not a loopback address"),
            ("[::]:161", "not a loopback address"),
            ("192.168.1.1:1000-1010", "not a loopback address"),
            ("127.0.0.1", "expected ADDRESS:PORT"),
            ("127.0.0.1:70000", "not a port number"),
            ("127.0.0.1:10-5", "ends before it starts"),
            ("example.com:161", "not an IP address"),
        ] {
            let e = Listen::parse(spec).unwrap_err();
            assert!(e.contains(why), "{spec}: {e}");
        }
        assert!(Listen::parse("127.0.0.1:65500").unwrap().addresses(Some(100)).unwrap_err().contains("65535"));
        assert!(Listen::parse("127.0.0.1:0").unwrap().addresses(Some(2)).is_err());
    }
}
