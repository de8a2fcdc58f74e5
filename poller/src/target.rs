//! Device settings as users give them (`device add` and the web form): `HOST[:PORT]`, SNMP
//! version, community or v3 credentials, name and interval, each validated with a message that says what is
//! wrong, and the host resolved to the address the poller sends to.

use std::net::{SocketAddr, ToSocketAddrs};

use crate::credentials::UsmCredentials;
use crate::error::Error;

/// The SNMP port when none is given.
pub const DEFAULT_PORT: u16 = 161;
/// The polling interval when none is given (MRTG's and Cacti's five minutes).
pub const DEFAULT_INTERVAL: u32 = 300;
/// The longest interval accepted: a day.
pub const MAX_INTERVAL: u32 = 86_400;

/// SNMP versions the poller speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SnmpVersion {
    /// SNMPv1: GETNEXT walks, 32-bit counters only.
    V1,
    /// SNMPv2c: GETBULK, 64-bit counters.
    V2c,
    /// SNMPv3 (USM): v2c's PDUs with a user's authentication and privacy.
    V3,
}

impl SnmpVersion {
    /// `1`, `2c` or `3`, as net-snmp's `-v` takes it.
    pub fn parse(text: &str) -> Result<Self, Error> {
        match text {
            "1" => Ok(SnmpVersion::V1),
            "2c" | "2" => Ok(SnmpVersion::V2c),
            "3" => Ok(SnmpVersion::V3),
            other => Err(Error::Invalid(format!("invalid SNMP version '{other}': use 1, 2c or 3"))),
        }
    }

    /// As stored and shown: `1`, `2c` or `3`.
    pub fn as_str(self) -> &'static str {
        match self {
            SnmpVersion::V1 => "1",
            SnmpVersion::V2c => "2c",
            SnmpVersion::V3 => "3",
        }
    }

    /// The codec's version.
    pub fn wire(self) -> snmp::Version {
        match self {
            SnmpVersion::V1 => snmp::Version::V1,
            SnmpVersion::V2c => snmp::Version::V2c,
            SnmpVersion::V3 => snmp::Version::V3,
        }
    }

    /// GETBULK and Counter64: every version but v1.
    pub fn has_bulk(self) -> bool {
        self != SnmpVersion::V1
    }
}

/// A device as the user describes it, validated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeviceSpec {
    /// Unique name: letters, digits, `.`, `-`, `_` (it names a directory of RRD files).
    pub name: String,
    /// The host as given (name or address).
    pub host: String,
    /// UDP port.
    pub port: u16,
    /// SNMP version.
    pub version: SnmpVersion,
    /// Community string (unused by v3).
    pub community: String,
    /// The v3 credentials; present exactly when `version` is v3.
    pub usm: Option<UsmCredentials>,
    /// Seconds between polls.
    pub interval: u32,
}

/// Splits `HOST[:PORT]`: `router1`, `10.0.0.1:1161`, `[::1]:1161`, `::1` (an IPv6 address
/// without brackets has no port), `udp:HOST:PORT` as net-snmp writes agents.
pub fn split_host_port(text: &str) -> Result<(String, u16), Error> {
    let text = text.strip_prefix("udp:").or_else(|| text.strip_prefix("udp6:")).unwrap_or(text);
    if text.is_empty() {
        return Err(Error::Invalid("empty host".into()));
    }
    let port_of = |p: &str| -> Result<u16, Error> {
        match p.parse::<u16>() {
            Ok(port) if port > 0 => Ok(port),
            _ => Err(Error::Invalid(format!("invalid port '{p}': use a number from 1 to 65535"))),
        }
    };
    if let Some(rest) = text.strip_prefix('[') {
        let Some((host, after)) = rest.split_once(']') else {
            return Err(Error::Invalid(format!("invalid host '{text}': missing ']'")));
        };
        return match after {
            "" => Ok((host.to_string(), DEFAULT_PORT)),
            _ => match after.strip_prefix(':') {
                Some(p) => Ok((host.to_string(), port_of(p)?)),
                None => Err(Error::Invalid(format!("invalid host '{text}'"))),
            },
        };
    }
    match text.matches(':').count() {
        0 => Ok((text.to_string(), DEFAULT_PORT)),
        1 => {
            let (host, port) = text.split_once(':').unwrap_or((text, ""));
            if host.is_empty() {
                return Err(Error::Invalid("empty host".into()));
            }
            Ok((host.to_string(), port_of(port)?))
        }
        // A bare IPv6 address.
        _ => Ok((text.to_string(), DEFAULT_PORT)),
    }
}

/// Resolves a host to the address to poll (the first the resolver gives, IPv4 first).
pub fn resolve(host: &str, port: u16) -> Result<SocketAddr, Error> {
    let unresolvable = || Error::Invalid(format!("cannot resolve host '{host}'"));
    let addrs: Vec<SocketAddr> = (host, port).to_socket_addrs().map_err(|_| unresolvable())?.collect();
    addrs.iter().find(|a| a.is_ipv4()).or_else(|| addrs.first()).copied().ok_or_else(unresolvable)
}

/// Checks a device name: it names a directory, so no path separators or oddities.
pub fn validate_name(name: &str) -> Result<(), Error> {
    let ok_char = |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_');
    if name.is_empty() {
        return Err(Error::Invalid("empty device name".into()));
    }
    if name.len() > 64 || !name.chars().all(ok_char) || name.starts_with('.') {
        return Err(Error::Invalid(format!(
            "invalid device name '{name}': use up to 64 letters, digits, '.', '-' or '_', not starting with '.'"
        )));
    }
    Ok(())
}

/// Checks an interval in seconds.
pub fn parse_interval(text: &str) -> Result<u32, Error> {
    match text.parse::<u32>() {
        Ok(seconds) if (1..=MAX_INTERVAL).contains(&seconds) => Ok(seconds),
        _ => Err(Error::Invalid(format!("invalid interval '{text}': use whole seconds from 1 to {MAX_INTERVAL}"))),
    }
}

impl DeviceSpec {
    /// Validates the parts of a new device; `name` defaults to the host.
    pub fn new(
        address: &str,
        version: &str,
        community: &str,
        name: Option<&str>,
        interval: &str,
    ) -> Result<DeviceSpec, Error> {
        let (host, port) = split_host_port(address)?;
        let version = SnmpVersion::parse(version)?;
        if version == SnmpVersion::V3 {
            return Err(Error::Invalid("SNMPv3 needs a user and its credentials (-u, -l, -a, -A, -x, -X)".into()));
        }
        if community.is_empty() {
            return Err(Error::Invalid("empty community".into()));
        }
        let name = name.map(str::to_string).unwrap_or_else(|| host.replace(':', "_"));
        validate_name(&name)?;
        let interval = parse_interval(interval)?;
        Ok(DeviceSpec { name, host, port, version, community: community.to_string(), usm: None, interval })
    }

    /// Validates the parts of a new SNMPv3 device; `name` defaults to the host.
    pub fn new_v3(address: &str, usm: UsmCredentials, name: Option<&str>, interval: &str) -> Result<DeviceSpec, Error> {
        let (host, port) = split_host_port(address)?;
        let name = name.map(str::to_string).unwrap_or_else(|| host.replace(':', "_"));
        validate_name(&name)?;
        let interval = parse_interval(interval)?;
        Ok(DeviceSpec {
            name,
            host,
            port,
            version: SnmpVersion::V3,
            community: String::new(),
            usm: Some(usm),
            interval,
        })
    }

    /// The client settings to reach the device with.
    pub fn client_config(&self, timeout: std::time::Duration, retries: u32) -> snmp::ClientConfig {
        snmp::ClientConfig {
            version: self.version.wire(),
            community: self.community.as_bytes().to_vec(),
            timeout,
            retries,
            usm: self.usm.as_ref().map(UsmCredentials::client_config),
        }
    }

    /// How the device is reached, for people: `v2c`, or `v3 authPriv user=NAME SHA/AES`;
    /// never a community or passphrase.
    pub fn security_summary(&self) -> String {
        match &self.usm {
            Some(usm) => usm.summary(),
            None => format!("v{}", self.version.as_str()),
        }
    }

    /// `HOST:PORT` as shown (`[v6]:PORT` for IPv6).
    pub fn address(&self) -> String {
        if self.host.contains(':') {
            format!("[{}]:{}", self.host, self.port)
        } else {
            format!("{}:{}", self.host, self.port)
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn host_and_port_forms() {
        assert_eq!(split_host_port("router1").unwrap(), ("router1".into(), 161));
        assert_eq!(split_host_port("10.0.0.1:1161").unwrap(), ("10.0.0.1".into(), 1161));
        assert_eq!(split_host_port("udp:127.0.0.1:1161").unwrap(), ("127.0.0.1".into(), 1161));
        assert_eq!(split_host_port("[::1]:1161").unwrap(), ("::1".into(), 1161));
        assert_eq!(split_host_port("[::1]").unwrap(), ("::1".into(), 161));
        assert_eq!(split_host_port("::1").unwrap(), ("::1".into(), 161));
        for bad in ["", "host:", "host:0", "host:70000", "host:x", "[::1", "[::1]x", ":161"] {
            assert!(split_host_port(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn device_specs() {
        let spec = DeviceSpec::new("127.0.0.1:1161", "2c", "public", None, "60").unwrap();
        assert_eq!((spec.name.as_str(), spec.port, spec.interval), ("127.0.0.1", 1161, 60));
        assert_eq!(spec.address(), "127.0.0.1:1161");
        assert_eq!(DeviceSpec::new("::1", "1", "c", None, "1").unwrap().name, "__1");
        assert!(DeviceSpec::new("h", "4", "public", None, "60").unwrap_err().to_string().contains("version"));
        assert!(DeviceSpec::new("h", "3", "public", None, "60").unwrap_err().to_string().contains("-u"));
        assert!(DeviceSpec::new("h", "2c", "", None, "60").unwrap_err().to_string().contains("community"));
        assert!(DeviceSpec::new("h", "2c", "c", Some("a/b"), "60").is_err());
        assert!(DeviceSpec::new("h", "2c", "c", Some(".."), "60").is_err());
        assert!(DeviceSpec::new("h", "2c", "c", None, "0").is_err());
        assert!(DeviceSpec::new("h", "2c", "c", None, "5m").is_err());
    }

    #[test]
    fn resolution() {
        assert_eq!(resolve("127.0.0.1", 1161).unwrap(), "127.0.0.1:1161".parse().unwrap());
        assert!(resolve("no-such-host.invalid", 161).is_err());
    }
}
