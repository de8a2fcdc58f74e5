//! snmpd's command line: `[-f] [-C] [-c FILE[,FILE...]] [-Lo|-Le|-Lf FILE|-Ls FACILITY]
//! [-p PIDFILE] [-u USER] [-g GROUP] [LISTEN[,LISTEN...]]...`, and listen addresses in
//! snmpd's forms (`udp:127.0.0.1:1161`, `udp6:[::1]:1161`, `127.0.0.1:1161`, `1161`).

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::path::PathBuf;

/// Where log lines go.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum LogTarget {
    #[default]
    Stderr,
    Stdout,
    File(PathBuf),
    Syslog(String),
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Args {
    pub foreground: bool,
    /// `-C`: do not read the default configuration file.
    pub no_default_config: bool,
    pub config_files: Vec<PathBuf>,
    pub log: LogTarget,
    pub pid_file: Option<PathBuf>,
    pub user: Option<String>,
    pub group: Option<String>,
    pub listen: Vec<String>,
}

/// The default configuration file, read unless `-C`.
pub const DEFAULT_CONFIG: &str = "/etc/snmp/snmpd.conf";

impl Args {
    pub fn parse(argv: &[String]) -> Result<Args, String> {
        let mut a = Args::default();
        let mut i = 0;
        while let Some(arg) = argv.get(i) {
            i += 1;
            let mut value = |name: &str, attached: &str| -> Result<String, String> {
                if !attached.is_empty() {
                    return Ok(attached.to_string());
                }
                let v = argv.get(i).cloned().ok_or_else(|| format!("option {name} needs an argument"))?;
                i += 1;
                Ok(v)
            };
            match arg.as_str() {
                "-f" => a.foreground = true,
                "-C" => a.no_default_config = true,
                "-Lo" => a.log = LogTarget::Stdout,
                "-Le" => a.log = LogTarget::Stderr,
                "-h" | "--help" => return Err(String::new()),
                s if s.starts_with("-c") => {
                    a.config_files.extend(value("-c", &s[2..])?.split(',').map(PathBuf::from));
                }
                s if s.starts_with("-Lf") => a.log = LogTarget::File(value("-Lf", &s[3..])?.into()),
                s if s.starts_with("-LF") => a.log = LogTarget::File(value("-LF", &s[3..])?.into()),
                s if s.starts_with("-Ls") => a.log = LogTarget::Syslog(value("-Ls", &s[3..])?),
                s if s.starts_with("-p") => a.pid_file = Some(value("-p", &s[2..])?.into()),
                s if s.starts_with("-u") => a.user = Some(value("-u", &s[2..])?),
                s if s.starts_with("-g") => a.group = Some(value("-g", &s[2..])?),
                s if s.starts_with('-') && s.len() > 1 => return Err(format!("unknown option {s}")),
                s => a.listen.extend(s.split(',').filter(|p| !p.is_empty()).map(str::to_string)),
            }
        }
        Ok(a)
    }

    /// The configuration files to read, in order.
    pub fn config_paths(&self) -> Vec<PathBuf> {
        let mut paths = Vec::new();
        if !self.no_default_config && std::path::Path::new(DEFAULT_CONFIG).exists() {
            paths.push(PathBuf::from(DEFAULT_CONFIG));
        }
        paths.extend(self.config_files.iter().cloned());
        paths
    }
}

/// Parses one snmpd listen address. Port only means every IPv4 address; `udp6:` with a
/// port only means every IPv6 address. Default port 161.
pub fn parse_listen(spec: &str) -> Result<SocketAddr, String> {
    let bad = || format!("bad listen address {spec:?}");
    let (ipv6, rest) = match spec.split_once(':') {
        Some(("udp", r)) => (false, r),
        Some(("udp6", r)) => (true, r),
        Some(("tcp" | "tcp6" | "unix" | "dtlsudp" | "tls", _)) => {
            return Err(format!("{spec}: only udp and udp6 transports are supported"));
        }
        _ => (false, spec),
    };
    let any: IpAddr = if ipv6 { Ipv6Addr::UNSPECIFIED.into() } else { Ipv4Addr::UNSPECIFIED.into() };
    if rest.is_empty() {
        return Ok(SocketAddr::new(any, 161));
    }
    if let Ok(port) = rest.parse::<u16>() {
        return Ok(SocketAddr::new(any, port));
    }
    if let Some(inner) = rest.strip_prefix('[') {
        let (host, after) = inner.split_once(']').ok_or_else(bad)?;
        let ip: IpAddr = host.parse().map_err(|_| bad())?;
        let port = match after.strip_prefix(':') {
            Some(p) => p.parse().map_err(|_| bad())?,
            None if after.is_empty() => 161,
            None => return Err(bad()),
        };
        return Ok(SocketAddr::new(ip, port));
    }
    if let Ok(ip) = rest.parse::<Ipv6Addr>() {
        return Ok(SocketAddr::new(ip.into(), 161));
    }
    let (host, port) = rest.rsplit_once(':').map_or((rest, Ok(161)), |(h, p)| (h, p.parse::<u16>()));
    let port = port.map_err(|_| bad())?;
    let ip: IpAddr = match host {
        "localhost" => {
            if ipv6 {
                Ipv6Addr::LOCALHOST.into()
            } else {
                Ipv4Addr::LOCALHOST.into()
            }
        }
        h => h.parse().map_err(|_| bad())?,
    };
    Ok(SocketAddr::new(ip, port))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn listen_forms() {
        let p = |s| parse_listen(s).unwrap().to_string();
        assert_eq!(p("udp:127.0.0.1:1161"), "127.0.0.1:1161");
        assert_eq!(p("udp6:[::1]:1161"), "[::1]:1161");
        assert_eq!(p("127.0.0.1:1161"), "127.0.0.1:1161");
        assert_eq!(p("1161"), "0.0.0.0:1161");
        assert_eq!(p("udp:161"), "0.0.0.0:161");
        assert_eq!(p("udp6:1161"), "[::]:1161");
        assert_eq!(p("udp:localhost:99"), "127.0.0.1:99");
        assert!(parse_listen("tcp:127.0.0.1:161").is_err());
        assert!(parse_listen("udp:127.0.0.1:x").is_err());
    }

    #[test]
    fn snmpd_arguments() {
        let argv: Vec<String> =
            "-f -C -c /a.conf,/b.conf -Lf /tmp/log -p /run/x.pid -u snmp udp:127.0.0.1:1161,udp6:[::1]:1161"
                .split(' ')
                .map(String::from)
                .collect();
        let a = Args::parse(&argv).unwrap();
        assert!(a.foreground && a.no_default_config);
        assert_eq!(a.config_files.len(), 2);
        assert_eq!(a.log, LogTarget::File("/tmp/log".into()));
        assert_eq!(a.user.as_deref(), Some("snmp"));
        assert_eq!(a.listen, ["udp:127.0.0.1:1161", "udp6:[::1]:1161"]);
        assert_eq!(a.config_paths().len(), 2);
    }
}
