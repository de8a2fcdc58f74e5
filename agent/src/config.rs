//! snmpd.conf: the directives Osprey's agent understands, with snmpd's syntax and meaning.
//! A bad line never stops the agent: it becomes a [`Warning`] naming file, line and
//! reason, and the rest of the file still applies.

use std::net::Ipv4Addr;
use std::path::Path;

use snmp::{Oid, Version};

use crate::mib::extend::ExtendSpec;
use crate::mib::pass::PassSpec;
use crate::trapsess::{NotifySecurity, TrapSession};
use crate::vacm::{self, Origin, Vacm};

/// Directives of features still to come: recognised, warned about once.
const NOT_YET: &[&str] = &[
    "execfix",
    "proxy",
    "smuxpeer",
    "dlmod",
    "agentXSocket",
    // DISMAN-EVENT-MIB's monitors (net-snmp's EXAMPLE.conf sets these up together).
    "defaultMonitors",
    "monitor",
    "iquerySecName",
    "agentSecName",
    "notificationEvent",
    "setEvent",
];

/// The directives [`Config`] reads itself, spelt as the match arms spell them.
const DIRECTIVES: &[&str] = &[
    "agentaddress",
    "sysDescr",
    "sysContact",
    "sysName",
    "sysLocation",
    "sysObjectID",
    "sysServices",
    "disk",
    "includeAllDisks",
    "load",
    "swap",
    "proc",
    "file",
    "trapsink",
    "trap2sink",
    "informsink",
    "trapcommunity",
    "authtrapenable",
    "v1trapaddress",
    "trapsess",
    "createUser",
    "engineID",
    "master",
    "includeFile",
    "includeDir",
    "extend",
    "extend-sh",
    "pass",
    "pass_persist",
    "exec",
    "sh",
    "agentuser",
    "agentgroup",
    "linkUpDownNotifications",
];

/// net-snmp matches directive names ignoring case (LibreNMS's sample config writes
/// `syslocation`): the spelling this module matches on, or the word itself when it names
/// no directive.
fn canonical(word: &str) -> &str {
    DIRECTIVES
        .iter()
        .chain(vacm::parse::DIRECTIVES)
        .chain(NOT_YET)
        .find(|known| known.eq_ignore_ascii_case(word))
        .copied()
        .unwrap_or(word)
}

/// How deep `includeFile`/`includeDir` may nest: deeper is taken for a loop.
const MAX_INCLUDE_DEPTH: usize = 16;

/// A problem with one configuration line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning {
    pub file: String,
    pub line: usize,
    pub message: String,
}

impl std::fmt::Display for Warning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: line {}: Warning: {}", self.file, self.line, self.message)
    }
}

/// `disk PATH [MINSPACE|MIN%]`.
#[derive(Debug, Clone, PartialEq)]
pub struct DiskRule {
    pub path: String,
    pub min: MinSpace,
}

/// A disk's alarm threshold: free kilobytes, or free percent.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum MinSpace {
    Kilobytes(u64),
    Percent(u8),
}

/// `file FILE [MAXSIZE]` (kilobytes).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileRule {
    pub path: String,
    pub max: Option<u64>,
}

/// `proc NAME [MAX [MIN]]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProcRule {
    pub name: String,
    pub max: u32,
    pub min: u32,
}

/// Values for the system group; `None` means "not fixed by the config".
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SystemConfig {
    pub descr: Option<String>,
    pub object_id: Option<Oid>,
    pub contact: Option<String>,
    pub name: Option<String>,
    pub location: Option<String>,
    pub services: Option<i32>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Config {
    pub listen: Vec<String>,
    /// com2sec/group/view/access and the rocommunity/rouser shorthands.
    pub vacm: Vacm,
    pub system: SystemConfig,
    pub disks: Vec<DiskRule>,
    pub include_all_disks: Option<MinSpace>,
    /// `swap MIN`: memSwapError below MIN kilobytes of free swap.
    pub swap_min: Option<u64>,
    /// `load MAX1 [MAX5 [MAX15]]`.
    pub load: Option<[f64; 3]>,
    pub procs: Vec<ProcRule>,
    /// `file` lines, for fileTable.
    pub files: Vec<FileRule>,
    /// Where notifications go: `trapsess` lines and the `trapsink`/`trap2sink`/`informsink`
    /// shorthands (SNMPv3 keys inside, as master keys; `Debug` hides them).
    pub trap_destinations: Vec<TrapSession>,
    /// `trapcommunity`: the community of later sink lines that name none.
    pub trap_community: Option<String>,
    /// `linkUpDownNotifications no` turns off linkUp/linkDown, which are sent by default
    /// (snmpd needs `linkUpDownNotifications yes` for them).
    pub link_traps_off: bool,
    /// `authtrapenable 1`: an authenticationFailure notification for each bad community.
    pub auth_traps: bool,
    /// `v1trapaddress`: the agent-addr of SNMPv1 traps.
    pub v1_trap_address: Option<Ipv4Addr>,
    /// `engineID TEXT`: the text-format snmpEngineID (used at start, not at reloads).
    pub engine_id: Option<Vec<u8>>,
    /// `createUser` lines (passwords inside; `Debug` hides them).
    pub users: Vec<crate::usm::UserSpec>,
    /// `agentuser` and `agentgroup`: whom to run as once the sockets are bound (as -u, -g).
    pub agent_user: Option<String>,
    pub agent_group: Option<String>,
    /// `extend` and `extend-sh` lines.
    pub extends: Vec<ExtendSpec>,
    /// `pass` and `pass_persist` lines.
    pub passes: Vec<PassSpec>,
}

impl Config {
    /// Reads and merges the files in order; a missing or unreadable file is a warning.
    pub fn load(paths: &[impl AsRef<Path>]) -> (Config, Vec<Warning>) {
        let mut config = Config::default();
        let mut warnings = Vec::new();
        for path in paths {
            config.apply_file(path.as_ref(), 0, &mut warnings);
        }
        config.finish(&mut warnings);
        (config, warnings)
    }

    /// Parses one file's text.
    pub fn parse(text: &str, file: &str) -> (Config, Vec<Warning>) {
        let mut config = Config::default();
        let mut warnings = Vec::new();
        config.apply(text, Path::new(file), 0, &mut warnings);
        config.finish(&mut warnings);
        (config, warnings)
    }

    /// One file, `depth` includes deep.
    fn apply_file(&mut self, path: &Path, depth: usize, warnings: &mut Vec<Warning>) {
        match std::fs::read_to_string(path) {
            Ok(text) => self.apply(&text, path, depth, warnings),
            Err(e) => warnings.push(Warning {
                file: path.display().to_string(),
                line: 0,
                message: format!("cannot read: {e}"),
            }),
        }
    }

    /// `includeFile FILE` and `includeDir DIR` (every `*.conf` in it), read where the line
    /// stands; relative paths start at the including file's directory. snmpd reads a
    /// directory in readdir order and resolves a relative one from its working directory;
    /// name order and the file's directory make the outcome the same on every machine.
    fn include(
        &mut self,
        directive: &str,
        rest: &str,
        from: &Path,
        depth: usize,
        warnings: &mut Vec<Warning>,
    ) -> Result<(), String> {
        if rest.is_empty() {
            return Err(format!("{directive} needs a path"));
        }
        if depth >= MAX_INCLUDE_DEPTH {
            return Err(format!(
                "{directive} {rest}: includes nested more than {MAX_INCLUDE_DEPTH} deep (a loop?); not read"
            ));
        }
        let path = from.parent().unwrap_or(Path::new("")).join(rest);
        if directive == "includeFile" {
            self.apply_file(&path, depth + 1, warnings);
            return Ok(());
        }
        let entries =
            std::fs::read_dir(&path).map_err(|e| format!("includeDir: cannot read {}: {e}", path.display()))?;
        let mut files: Vec<_> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "conf") && p.is_file())
            .collect();
        files.sort();
        for file in files {
            self.apply_file(&file, depth + 1, warnings);
        }
        Ok(())
    }

    /// Checks what only the whole configuration can tell (views named by access lines).
    fn finish(&mut self, warnings: &mut Vec<Warning>) {
        for (origin, message) in self.vacm.finish() {
            warnings.push(Warning { file: origin.file, line: origin.line, message });
        }
    }

    fn apply(&mut self, text: &str, path: &Path, depth: usize, warnings: &mut Vec<Warning>) {
        let file = path.display().to_string();
        let file = file.as_str();
        let mut warned_not_yet = Vec::new();
        for (n, raw) in text.lines().enumerate() {
            let line = raw.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let (directive, rest) = line.split_once(char::is_whitespace).unwrap_or((line, ""));
            let directive = canonical(directive);
            let rest = rest.trim();
            let warn = |message: String| Warning { file: file.to_string(), line: n + 1, message };
            if NOT_YET.contains(&directive) {
                if !warned_not_yet.contains(&directive) {
                    warned_not_yet.push(directive);
                    warnings.push(warn(format!("{directive} is not supported yet; ignored")));
                }
                continue;
            }
            let result = if directive == "includeFile" || directive == "includeDir" {
                self.include(directive, rest, path, depth, warnings)
            } else if vacm::parse::DIRECTIVES.contains(&directive) {
                words(rest).and_then(|words| {
                    let words: Vec<&str> = words.iter().map(String::as_str).collect();
                    self.vacm.directive(directive, &words, Origin { file: file.to_string(), line: n + 1 })
                })
            } else {
                self.directive(directive, rest)
            };
            if let Err(reason) = result {
                warnings.push(warn(reason));
            }
        }
    }

    /// `HOST[:PORT] [COMMUNITY [PORT]]` of a sink line, as net-snmp reads it: the community
    /// defaults to the `trapcommunity` given so far, else "public".
    fn sink(&self, words: &[&str], version: Version, inform: bool) -> Result<TrapSession, String> {
        let (target, community, port_word) = match words {
            [t] => (*t, None, None),
            [t, c] => (*t, Some(*c), None),
            [t, c, p] => (*t, Some(*c), Some(*p)),
            [] => return Err("needs a host".into()),
            _ => return Err("takes HOST [COMMUNITY [PORT]]".into()),
        };
        let (host, mut port) = host_port(target)?;
        if let Some(p) = port_word {
            port = p.parse().map_err(|_| format!("bad port {p:?}"))?;
        }
        let community = community.map(str::to_string).or_else(|| self.trap_community.clone());
        let community = community.unwrap_or_else(|| "public".into());
        let security = NotifySecurity::Community { version, community };
        Ok(TrapSession { host: host.to_string(), port, inform, security })
    }

    fn directive(&mut self, directive: &str, rest: &str) -> Result<(), String> {
        let words: Vec<&str> = rest.split_whitespace().collect();
        match directive {
            "agentaddress" => {
                let list: Vec<String> =
                    rest.split(',').map(|s| s.trim().to_string()).filter(|s| !s.is_empty()).collect();
                if list.is_empty() {
                    return Err("agentaddress needs an address".into());
                }
                self.listen.extend(list);
            }
            "sysDescr" => self.system.descr = Some(non_empty(rest, directive)?),
            "sysContact" => self.system.contact = Some(non_empty(rest, directive)?),
            "sysName" => self.system.name = Some(non_empty(rest, directive)?),
            "sysLocation" => self.system.location = Some(non_empty(rest, directive)?),
            "sysObjectID" => {
                let oid = rest.parse::<Oid>().map_err(|e| format!("sysObjectID: bad OID {rest:?}: {e}"))?;
                self.system.object_id = Some(oid);
            }
            "sysServices" => {
                let v: i32 = rest.parse().map_err(|_| format!("sysServices: not a number: {rest:?}"))?;
                if !(0..=127).contains(&v) {
                    return Err(format!("sysServices: {v} is out of range 0..127"));
                }
                self.system.services = Some(v);
            }
            "disk" => {
                let [path, more @ ..] = words.as_slice() else { return Err("disk needs a path".into()) };
                let min = match more {
                    [] => MinSpace::Kilobytes(100_000),
                    [m] => min_space(m)?,
                    _ => return Err("disk: too many arguments".into()),
                };
                self.disks.push(DiskRule { path: path.to_string(), min });
            }
            "includeAllDisks" => {
                let [m] = words.as_slice() else { return Err("includeAllDisks needs a minimum (e.g. 10%)".into()) };
                self.include_all_disks = Some(min_space(m)?);
            }
            "load" => {
                let parse = |w: &str| w.parse::<f64>().ok().filter(|v| v.is_finite() && *v >= 0.0);
                let values: Option<Vec<f64>> = words.iter().map(|w| parse(w)).collect();
                let values = values.ok_or_else(|| format!("load: bad number in {rest:?}"))?;
                let max = match values.as_slice() {
                    [a] => [*a, *a, *a],
                    [a, b] => [*a, *b, *b],
                    [a, b, c] => [*a, *b, *c],
                    _ => return Err("load takes 1 to 3 numbers".into()),
                };
                self.load = Some(max);
            }
            "file" => {
                let rule = match words.as_slice() {
                    [path] => FileRule { path: path.to_string(), max: None },
                    [path, max] => {
                        let max = max.parse().map_err(|_| format!("file: MAXSIZE is not a number: {max:?}"))?;
                        FileRule { path: path.to_string(), max: Some(max) }
                    }
                    _ => return Err("file takes FILE [MAXSIZE]".into()),
                };
                self.files.push(rule);
            }
            "swap" => {
                let min = rest.parse().map_err(|_| format!("swap: not a number of kilobytes: {rest:?}"))?;
                self.swap_min = Some(min);
            }
            "proc" => {
                let num = |w: &str| w.parse::<u32>().map_err(|_| format!("proc: not a number: {w:?}"));
                let rule = match words.as_slice() {
                    [name] => ProcRule { name: name.to_string(), max: 0, min: 0 },
                    [name, max] => ProcRule { name: name.to_string(), max: num(max)?, min: 0 },
                    [name, max, min] => ProcRule { name: name.to_string(), max: num(max)?, min: num(min)? },
                    _ => return Err("proc takes NAME [MAX [MIN]]".into()),
                };
                self.procs.push(rule);
            }
            "trapsink" | "trap2sink" | "informsink" => {
                let (version, inform) = match directive {
                    "trapsink" => (Version::V1, false),
                    "trap2sink" => (Version::V2c, false),
                    _ => (Version::V2c, true),
                };
                let sink = self.sink(&words, version, inform).map_err(|e| format!("{directive}: {e}"))?;
                self.trap_destinations.push(sink);
            }
            "trapcommunity" => self.trap_community = Some(non_empty(rest, directive)?),
            "linkUpDownNotifications" => {
                self.link_traps_off = match rest.to_ascii_lowercase().as_str() {
                    "yes" | "1" | "true" | "on" => false,
                    "no" | "0" | "false" | "off" => true,
                    _ => return Err(format!("linkUpDownNotifications: {rest:?} is neither yes nor no")),
                }
            }
            "agentuser" => self.agent_user = Some(non_empty(rest, directive)?),
            "agentgroup" => self.agent_group = Some(non_empty(rest, directive)?),
            "authtrapenable" => {
                self.auth_traps = match rest {
                    "1" => true,
                    "2" => false,
                    _ => return Err(format!("authtrapenable: {rest:?} is neither 1 (enabled) nor 2 (disabled)")),
                }
            }
            "v1trapaddress" => {
                let addr = rest.parse().map_err(|_| format!("v1trapaddress: not an IPv4 address: {rest:?}"))?;
                self.v1_trap_address = Some(addr);
            }
            "trapsess" => self.trap_destinations.push(crate::trapsess::parse_trapsess(rest)?),
            "extend" | "extend-sh" | "exec" | "sh" => {
                let shell = directive.ends_with("sh");
                let spec = if directive.starts_with("extend") {
                    crate::mib::extend::spec::parse(rest, shell)?
                } else {
                    crate::mib::extend::spec::parse_ucd(rest, shell)?
                };
                if self.extends.iter().any(|e| e.root == spec.root && e.name == spec.name) {
                    return Err(format!("{directive}: {} is already defined; this line is ignored", spec.name));
                }
                self.extends.push(spec);
            }
            "pass" | "pass_persist" => self.passes.push(crate::mib::pass::parse(rest, directive == "pass_persist")?),
            "createUser" => self.users.push(crate::usm::users::parse_create_user(rest)?),
            "engineID" => self.engine_id = Some(crate::usm::engine::text_engine_id(rest)?),
            // Debian's default snmpd.conf has `master agentx`.
            "master" => {
                return Err(format!("master {rest}: AgentX is not supported, so no subagent can register; ignored"));
            }
            other => return Err(format!("Unknown token: {other}.")),
        }
        Ok(())
    }
}

fn non_empty(rest: &str, directive: &str) -> Result<String, String> {
    if rest.is_empty() { Err(format!("{directive} needs a value")) } else { Ok(rest.to_string()) }
}

fn min_space(word: &str) -> Result<MinSpace, String> {
    if let Some(p) = word.strip_suffix('%') {
        let v: u8 = p.parse().ok().filter(|v| *v <= 100).ok_or_else(|| format!("bad percentage {word:?}"))?;
        Ok(MinSpace::Percent(v))
    } else {
        word.parse().map(MinSpace::Kilobytes).map_err(|_| format!("bad minimum space {word:?}"))
    }
}

/// `[udp:|udp6:]HOST[:PORT]` (IPv6 addresses in brackets when a port follows); port 162 by
/// default. Other transports (tcp:, unix:, ...) are refused.
pub(crate) fn host_port(target: &str) -> Result<(&str, u16), String> {
    let target = match target.split_once(':') {
        Some(("udp" | "udp6" | "UDP" | "UDP6", rest)) => rest,
        Some((transport @ ("tcp" | "tcp6" | "unix" | "dtlsudp" | "tls" | "tlstcp" | "ssh"), _)) => {
            return Err(format!("transport {transport}: is not supported (udp only)"));
        }
        _ => target,
    };
    match target.rsplit_once(':') {
        Some((h, p)) if !h.contains(':') || h.ends_with(']') => {
            Ok((h.trim_matches(|c| c == '[' || c == ']'), p.parse::<u16>().map_err(|_| format!("bad port {p:?}"))?))
        }
        _ => Ok((target.trim_matches(|c| c == '[' || c == ']'), 162)),
    }
}

/// Splits a line into words as net-snmp's config reader does (see [`next_word`]).
pub(crate) fn words(text: &str) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some((word, after)) = next_word(rest)? {
        out.push(word);
        rest = after;
    }
    Ok(out)
}

/// The first word of `text` as net-snmp's copy_nword reads it, and what follows it with
/// the whitespace after it skipped; `None` when nothing but whitespace is left. Whitespace
/// separates; a word that starts with a double or single quote runs to the matching quote;
/// a backslash takes the next character literally, inside quotes or not.
pub(crate) fn next_word(text: &str) -> Result<Option<(String, &str)>, String> {
    let text = text.trim_start();
    let mut chars = text.char_indices().peekable();
    let Some(&(_, first)) = chars.peek() else { return Ok(None) };
    let quote = (first == '"' || first == '\'').then_some(first);
    if quote.is_some() {
        chars.next();
    }
    let mut word = String::new();
    let mut end = text.len();
    let mut closed = quote.is_none();
    while let Some((at, c)) = chars.next() {
        match c {
            '\\' => word.extend(chars.next().map(|(_, escaped)| escaped)),
            c if Some(c) == quote => {
                closed = true;
                end = at + c.len_utf8();
                break;
            }
            c if quote.is_none() && c.is_whitespace() => {
                end = at;
                break;
            }
            c => word.push(c),
        }
    }
    if !closed {
        return Err("unterminated quote".into());
    }
    Ok(Some((word, text.get(end..).unwrap_or("").trim_start())))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use snmp::{SecurityLevel, SecurityModel};

    use super::*;
    use crate::access::Source;

    #[test]
    fn access_lines_take_quoted_words_as_net_snmp_does() {
        let (c, w) = Config::parse(
            "com2sec sec default \"two words\"\ngroup g v2c sec\nview all included .1\naccess g \"\" any noauth exact all none none\n",
            "t",
        );
        assert!(w.is_empty(), "{w:?}");
        let from = "10.1.2.3".parse().unwrap();
        assert_eq!(c.vacm.community(b"two words", from).map(|e| e.sec_name.as_slice()), Some(b"sec".as_slice()));
        let (_, w) = Config::parse("com2sec sec default \"unterminated\n", "t");
        assert!(w[0].message.contains("unterminated quote"), "{w:?}");
    }

    #[test]
    fn snmpd_conf_subset() {
        let text = "# comment\nagentaddress udp:127.0.0.1:1161,udp6:[::1]:1161\nrocommunity public 127.0.0.1\n\
            rwcommunity private 10.0.0.0/255.0.0.0 .1.3.6.1.2.1.1\nrocommunity6 public6 default\n\
            sysLocation Rack 4, row 2\nsysServices 72\ndisk / 10%\ndisk /var 50000\nincludeAllDisks 5%\n\
            load 12 10\nproc sshd 2 1\ntrap2sink 127.0.0.1:1162 traps\ninformsink localhost\n";
        let (c, w) = Config::parse(text, "snmpd.conf");
        assert!(w.is_empty(), "{w:?}");
        assert_eq!(c.listen, ["udp:127.0.0.1:1161", "udp6:[::1]:1161"]);
        assert_eq!(c.vacm.com2sec.len(), 3);
        assert_eq!(c.vacm.com2sec[1].source, Source::Net { addr: "10.0.0.0".parse().unwrap(), prefix_len: 8 });
        let private = c.vacm.community(b"private", "10.1.1.1".parse().unwrap()).unwrap();
        let views = c.vacm.authorize(SecurityModel::V2c, &private.sec_name, SecurityLevel::NoAuthNoPriv, b"").unwrap();
        assert!(views.write.contains(&Oid::from([1, 3, 6, 1, 2, 1, 1, 4, 0])));
        assert!(!views.read.contains(&Oid::from([1, 3, 6, 1, 2, 1, 2, 1, 0])));
        assert_eq!(c.system.location.as_deref(), Some("Rack 4, row 2"));
        assert_eq!(c.disks[0].min, MinSpace::Percent(10));
        assert_eq!(c.disks[1].min, MinSpace::Kilobytes(50000));
        assert_eq!(c.load, Some([12.0, 10.0, 10.0]));
        assert_eq!(c.procs[0], ProcRule { name: "sshd".into(), max: 2, min: 1 });
        let traps = NotifySecurity::Community { version: Version::V2c, community: "traps".into() };
        let sink = TrapSession { host: "127.0.0.1".into(), port: 1162, inform: false, security: traps };
        assert_eq!(c.trap_destinations[0], sink);
        assert_eq!((c.trap_destinations[1].port, c.trap_destinations[1].inform), (162, true));
    }

    #[test]
    fn notification_targets_with_net_snmps_transport_prefixes() {
        assert_eq!(host_port("udp:127.0.0.1:1162"), Ok(("127.0.0.1", 1162)));
        assert_eq!(host_port("udp6:[::1]:1162"), Ok(("::1", 1162)));
        assert_eq!(host_port("udp6:[::1]"), Ok(("::1", 162)));
        assert_eq!(host_port("traps.example"), Ok(("traps.example", 162)));
        assert!(host_port("tcp:127.0.0.1:162").unwrap_err().contains("udp only"));
    }

    #[test]
    fn words_as_net_snmps_copy_nword_reads_them() {
        assert_eq!(words(r#" a "b c" 'd \' e' f\ g\h "" "#).unwrap(), ["a", "b c", "d ' e", "f gh", ""]);
        assert_eq!(next_word("  cmd  rest of  line").unwrap(), Some(("cmd".into(), "rest of  line")));
        assert_eq!(next_word(" \t").unwrap(), None);
        assert!(words("a \"open").is_err());
    }

    #[test]
    fn notification_switches_and_the_user_to_run_as() {
        let (c, w) = Config::parse(
            "linkUpDownNotifications no\nauthtrapenable 1\nagentuser snmp\nagentgroup snmp\nauthtrapenable 3\nlinkUpDownNotifications maybe\n",
            "t",
        );
        assert!(c.link_traps_off && c.auth_traps);
        assert_eq!((c.agent_user.as_deref(), c.agent_group.as_deref()), (Some("snmp"), Some("snmp")));
        let lines: Vec<usize> = w.iter().map(|w| w.line).collect();
        assert_eq!(lines, [5, 6], "{w:?}");
        assert!(!Config::parse("linkUpDownNotifications yes\n", "t").0.link_traps_off);
    }

    #[test]
    fn directive_names_ignore_case_as_net_snmps_do() {
        // LibreNMS's sample snmpd.conf.
        let (c, w) = Config::parse("syslocation Rack 2\nSYSCONTACT ops\nRoCommunity pub 127.0.0.1\n", "t");
        assert!(w.is_empty(), "{w:?}");
        assert_eq!((c.system.location.as_deref(), c.system.contact.as_deref()), (Some("Rack 2"), Some("ops")));
        assert!(c.vacm.community(b"pub", "127.0.0.1".parse().unwrap()).is_some());
    }

    #[test]
    fn bad_lines_warn_with_file_line_and_reason() {
        let text = "rocommunity\nfrobnicate 1\nsysServices 300\nload x\ncreateUser a SHA b\ncreateUser c SHA dpass\nrocommunity public 10.0.0.0/33\nsysLocation ok\n";
        let (c, w) = Config::parse(text, "/etc/snmp/snmpd.conf");
        let lines: Vec<usize> = w.iter().map(|w| w.line).collect();
        assert_eq!(lines, [1, 2, 3, 4, 5, 6, 7]);
        // Short passwords skip the user; the warning names file and line, not the password.
        assert_eq!(
            w[5].to_string(),
            "/etc/snmp/snmpd.conf: line 6: Warning: createUser c: the authentication passphrase is shorter than 8 characters; user skipped"
        );
        assert!(c.users.is_empty());
        assert_eq!(w[1].to_string(), "/etc/snmp/snmpd.conf: line 2: Warning: Unknown token: frobnicate.");
        assert_eq!(c.system.location.as_deref(), Some("ok"));
    }

    #[test]
    fn trapsess_lines_and_their_warnings() {
        let text = "trapsess -v 2c -c traps -Ci 127.0.0.1:1162\ntrapsess -v 1 -c public -Ci host\n\
            trapsess -v 3 -u ops -l authPriv -a SHA -A secretpass1 -x AES -X tiny host\n\
            trapsess -v 3 -u ops -l authPriv -a SHA -A secretpass1 -x AES -X secretpass2 [::1]:162\n";
        let (c, w) = Config::parse(text, "snmpd.conf");
        let lines: Vec<usize> = w.iter().map(|w| w.line).collect();
        assert_eq!(lines, [2, 3], "{w:?}");
        assert!(w[0].to_string().starts_with("snmpd.conf: line 2: Warning: trapsess: SNMPv1 has no informs"));
        assert!(w[1].message.contains("privacy passphrase is shorter"), "{}", w[1]);
        assert!(!w[1].message.contains("tiny") && !w[1].message.contains("secretpass1"));
        assert_eq!(c.trap_destinations.len(), 2);
        let traps = NotifySecurity::Community { version: Version::V2c, community: "traps".into() };
        assert_eq!(c.trap_destinations[0].security, traps);
        assert!(c.trap_destinations[0].inform);
        assert_eq!((c.trap_destinations[1].host.as_str(), c.trap_destinations[1].port), ("::1", 162));
        assert!(!format!("{c:?}").contains("secretpass"));
    }

    #[test]
    fn access_control_lines_warn_with_file_and_line() {
        let text = "view sys included system\nview bad included .1 0xfff\ngroup g v3 alice\n\
            access g \"\" any noauth exact sys nosuch none\naccess g \"\" any noauth\ncom2sec local 127.0.0.1 public\n\
            group g v2c local\ncreateUser u SHA password1\n";
        let (c, w) = Config::parse(text, "snmpd.conf");
        let lines: Vec<(usize, &str)> = w.iter().map(|w| (w.line, w.message.as_str())).collect();
        assert_eq!(lines.len(), 4, "{lines:?}");
        assert_eq!(lines[0].0, 2);
        assert!(lines[0].1.contains("mask"));
        assert_eq!(lines[1].0, 3);
        assert_eq!(lines[2], (5, "access: missing exact|prefix READ WRITE NOTIFY"));
        assert_eq!(lines[3].0, 4);
        assert!(lines[3].1.contains("nosuch"));
        assert_eq!(c.users.len(), 1);
        assert!(c.vacm.community(b"public", "127.0.0.1".parse().unwrap()).is_some());
    }

    #[test]
    fn include_file_and_include_dir_read_where_they_stand() {
        let dir = tempfile::tempdir().unwrap();
        let write = |name: &str, text: &str| {
            let path = dir.path().join(name);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, text).unwrap();
            path
        };
        write("sub/extra.conf", "sysContact from-include\n");
        write("d/b.conf", "sysName second\n");
        write("d/a.conf", "sysName first\nsysLocation from-dir\n");
        write("d/notes.txt", "sysName never\n");
        write("loop.conf", "includefile loop.conf\n");
        let main = write(
            "snmpd.conf",
            "syscontact main\nincludeFile sub/extra.conf\nINCLUDEDIR d\nincludeDir missing\nincludeFile loop.conf\nmaster agentx\n",
        );
        let (c, w) = Config::load(&[&main]);
        assert_eq!(c.system.contact.as_deref(), Some("from-include"), "read where the line stands");
        assert_eq!(c.system.name.as_deref(), Some("second"), "a.conf, then b.conf; notes.txt skipped");
        assert_eq!(c.system.location.as_deref(), Some("from-dir"));
        let messages: Vec<String> = w.iter().map(|w| w.to_string()).collect();
        assert_eq!(messages.len(), 3, "{messages:?}");
        assert!(
            messages[0].contains("snmpd.conf: line 4: Warning: includeDir: cannot read")
                && messages[0].contains("missing")
        );
        assert!(
            messages[1].contains("loop.conf: line 1: Warning: includeFile loop.conf: includes nested more than 16")
        );
        assert!(messages[2].contains("line 6: Warning: master agentx: AgentX is not supported"));
    }
}
