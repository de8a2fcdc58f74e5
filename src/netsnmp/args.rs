//! net-snmp's command-line conventions: getopt-style options (`-v2c`, `-c public`,
//! `-On`, `-Cr10`, `-Cf ,`), options permuted with the agent and OIDs as GNU getopt does,
//! and the messages and exit code net-snmp gives for missing pieces.
//!
//! Hand-written rather than clap: net-snmp's `-C` options take a following argument only
//! for some letters (`-Cf SEP`), and `-O`/`-C` letters accumulate across repeats; clap
//! cannot express either while keeping the same command lines working.

use std::time::Duration;

use mibs::OutputOptions;
use snmp::usm::Credential;
use snmp::usm::{AuthProtocol, KeyExtension, PrivProtocol};
use snmp::{SecurityLevel, UsmConfig, Version};

/// Everything the SNMP commands share, parsed from the command line.
#[derive(Debug, Clone)]
pub struct SnmpArgs {
    /// `None` when `-v` was not given: net-snmp then defaults to v3.
    pub version: Option<Version>,
    pub community: Option<String>,
    pub timeout: Duration,
    pub retries: u32,
    pub output: OutputOptions,
    /// `-m`: `None` loads every built-in module.
    pub mibs: Option<String>,
    /// `-M`.
    pub mib_dirs: Option<String>,
    /// `-C` letters with their inline values, in order (`-Cr10` gives `('r', "10")`).
    pub app_options: Vec<(char, String)>,
    /// `-u`: the v3 security name.
    pub security_name: Option<String>,
    /// `-l`.
    pub security_level: Option<SecurityLevel>,
    /// `-a`, `-A`.
    pub auth_protocol: Option<AuthProtocol>,
    pub auth_password: Option<Credential>,
    /// `-x` (with the key extension its name selects), `-X`.
    pub priv_protocol: Option<(PrivProtocol, KeyExtension)>,
    pub priv_password: Option<Credential>,
    /// `-e`, `-E`, `-n`.
    pub security_engine_id: Option<Vec<u8>>,
    pub context_engine_id: Option<Vec<u8>>,
    pub context_name: Option<String>,
    /// The agent and the arguments after it.
    pub positional: Vec<String>,
}

/// What differs between the commands' command lines.
#[derive(Debug, Clone, Copy, Default)]
pub struct Syntax {
    /// The `-C` letters the command knows.
    pub app_options: &'static str,
    /// Those of them that take the following word as their value (snmptable's `-Cf SEP`).
    pub next_word_app_options: &'static str,
    /// snmptable's reaction to an unknown `-C` letter: "Bad option after -C" and the
    /// usage text, where the other tools print "Unknown flag passed to -C" alone.
    pub usage_on_unknown_app_option: bool,
    /// snmpset's operands, `AGENT (OID TYPE VALUE)...`: a VALUE is never an option, even
    /// when it starts with `-` (`u -1`).
    pub set_triples: bool,
}

/// A command-line problem: the message net-snmp prints, then the usage text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UsageError(pub String);

/// Options that take an argument (attached or as the next word), as in net-snmp's getopt
/// string. Those only net-snmp's v3 or debug code uses are accepted and kept for later.
const WITH_ARG: &str = "vcrtOmMCuleEnaAxXZDLIPYTsS3";

impl SnmpArgs {
    /// Parses `args` following the command's [`Syntax`].
    pub fn parse(args: &[String], syntax: Syntax) -> Result<SnmpArgs, UsageError> {
        let mut out = SnmpArgs {
            version: None,
            community: None,
            timeout: Duration::from_secs(1),
            retries: 5,
            output: OutputOptions::default(),
            mibs: None,
            mib_dirs: None,
            app_options: Vec::new(),
            security_name: None,
            security_level: None,
            auth_protocol: None,
            auth_password: None,
            priv_protocol: None,
            priv_password: None,
            security_engine_id: None,
            context_engine_id: None,
            context_name: None,
            positional: Vec::new(),
        };
        let mut i = 0;
        while let Some(arg) = args.get(i) {
            i += 1;
            if arg == "--" {
                out.positional.extend(args.iter().skip(i).cloned());
                break;
            }
            let is_set_value =
                syntax.set_triples && out.positional.len() >= 3 && out.positional.len().is_multiple_of(3);
            if is_set_value {
                out.positional.push(arg.clone());
                continue;
            }
            let Some(flags) = arg.strip_prefix('-').filter(|f| !f.is_empty()) else {
                out.positional.push(arg.clone());
                continue;
            };
            for (pos, letter) in flags.char_indices() {
                if !WITH_ARG.contains(letter) {
                    match letter {
                        'd' | 'H' => continue,
                        'h' => return Err(UsageError(String::new())),
                        _ => return Err(UsageError(format!("Invalid option: -{letter}"))),
                    }
                }
                let mut attached = flags.get(pos + letter.len_utf8()..).unwrap_or_default().to_string();
                // `-3m KEY`: the second letter belongs to the option, the key may follow.
                if letter == '3' && attached.len() == 1 {
                    let key = args
                        .get(i)
                        .cloned()
                        .ok_or_else(|| UsageError("option requires an argument -- '3'".to_string()))?;
                    i += 1;
                    attached.push_str(&key);
                }
                let value = if attached.is_empty() {
                    let v = args
                        .get(i)
                        .cloned()
                        .ok_or_else(|| UsageError(format!("option requires an argument -- '{letter}'")))?;
                    i += 1;
                    v
                } else {
                    attached
                };
                if letter == 'C' {
                    i = out.push_app_options(&value, args, i, syntax.next_word_app_options)?;
                } else {
                    out.set_option(letter, &value)?;
                }
                break;
            }
        }
        Ok(out)
    }

    fn set_option(&mut self, letter: char, value: &str) -> Result<(), UsageError> {
        match letter {
            'v' => {
                self.version = Some(match value {
                    "1" => Version::V1,
                    "2c" | "2" => Version::V2c,
                    "3" => Version::V3,
                    _ => {
                        return Err(UsageError(format!("Invalid version specified after -v flag: {value}")));
                    }
                })
            }
            'c' => self.community = Some(value.to_string()),
            't' => {
                let secs: f64 = value
                    .parse()
                    .ok()
                    .filter(|s: &f64| s.is_finite() && *s >= 0.0)
                    .ok_or_else(|| UsageError(format!("Invalid timeout value: {value}")))?;
                self.timeout = Duration::from_secs_f64(secs);
            }
            'r' => {
                self.retries = value.parse().map_err(|_| UsageError(format!("Invalid number of retries: {value}")))?
            }
            'O' => self
                .output
                .apply_flags(value)
                .map_err(|c| UsageError(format!("Unknown output option passed to -O: {c}.")))?,
            'm' => self.mibs = Some(value.to_string()),
            'M' => self.mib_dirs = Some(value.to_string()),
            'u' => self.security_name = Some(value.to_string()),
            // net-snmp names these options "-3l" and so on in its messages.
            'l' => {
                self.security_level =
                    Some(SecurityLevel::parse(value).ok_or_else(|| {
                        UsageError(format!("Invalid security level specified after -3l flag: {value}"))
                    })?)
            }
            'a' => {
                self.auth_protocol = Some(value.parse().map_err(|_| {
                    UsageError(format!("Invalid authentication protocol specified after -3a flag: {value}"))
                })?)
            }
            'x' => {
                self.priv_protocol =
                    Some(PrivProtocol::parse_with_extension(value).map_err(|_| {
                        UsageError(format!("Invalid privacy protocol specified after -3x flag: {value}"))
                    })?)
            }
            'A' => self.auth_password = Some(Credential::passphrase(value)),
            'X' => self.priv_password = Some(Credential::passphrase(value)),
            // -3m / -3M (the value starts with the second letter): master keys (Ku) in hex
            // instead of the -A / -X passphrases.
            '3' => {
                let (which, key) = match value.split_at_checked(1) {
                    Some((which @ ("m" | "M"), key)) => (which, key),
                    _ => return Err(UsageError(format!("Invalid option: -3{value}"))),
                };
                let key = snmp::usm::hex::decode(key)
                    .filter(|k| !k.is_empty())
                    .ok_or_else(|| UsageError(format!("Bad key value after -3{which} flag.")))?;
                let credential = Some(Credential::MasterKey(Box::new(snmp::usm::LocalizedKey::from_bytes(key))));
                if which == "m" {
                    self.auth_password = credential;
                } else {
                    self.priv_password = credential;
                }
            }
            'e' | 'E' => {
                let id = parse_engine_id(value).map_err(|bad| {
                    UsageError(if bad {
                        format!("Bad engine ID value after -3{letter} flag.")
                    } else {
                        format!("Invalid engine ID value after -{letter} flag.")
                    })
                })?;
                if letter == 'e' {
                    self.security_engine_id = Some(id);
                } else {
                    self.context_engine_id = Some(id);
                }
            }
            'n' => self.context_name = Some(value.to_string()),
            _ => {}
        }
        Ok(())
    }

    /// Records `-C` letters; `n`/`r` take the rest of the word as their number and the
    /// letters in `next_word` take the next word. Returns the index of the next unread word.
    fn push_app_options(
        &mut self,
        value: &str,
        args: &[String],
        mut i: usize,
        next_word: &str,
    ) -> Result<usize, UsageError> {
        for (pos, letter) in value.char_indices() {
            if next_word.contains(letter) {
                let v = args.get(i).cloned().ok_or_else(|| UsageError(format!("Missing argument to -C{letter}")))?;
                i += 1;
                self.app_options.push((letter, v));
            } else if matches!(letter, 'n' | 'r') {
                let digits = value.get(pos + 1..).unwrap_or_default();
                self.app_options.push((letter, digits.to_string()));
                break;
            } else {
                self.app_options.push((letter, String::new()));
            }
        }
        Ok(i)
    }

    /// True when `-C<letter>` was given.
    pub fn has_app_option(&self, letter: char) -> bool {
        self.app_options.iter().any(|(l, _)| *l == letter)
    }

    /// The value of the last `-C<letter>`.
    pub fn app_option(&self, letter: char) -> Option<&str> {
        self.app_options.iter().rev().find(|(l, _)| *l == letter).map(|(_, v)| v.as_str())
    }

    /// A numeric `-C<letter>N`, as net-snmp reads it with atoi-like rules.
    pub fn app_number(&self, letter: char, default: i32) -> Result<i32, UsageError> {
        match self.app_option(letter) {
            None => Ok(default),
            Some(v) => v.parse().map_err(|_| UsageError(format!("No number given -- error.  -C{letter}{v}"))),
        }
    }

    /// The version to use with its community or v3 settings, with net-snmp's messages when
    /// something is missing. Passwords shorter than 8 octets are refused here, before any
    /// packet (net-snmp checks them while parsing); missing ones only after discovery.
    pub fn security_or_error(&self) -> Result<Security, ArgsError> {
        for (password, kind) in [(&self.auth_password, "authentication"), (&self.priv_password, "privacy")] {
            if let Some(Credential::Passphrase(p)) = password
                && p.as_bytes().len() < snmp::usm::auth::MIN_PASSWORD_LEN
            {
                return Err(ArgsError::ShortPassword(kind));
            }
        }
        match self.version {
            None | Some(Version::V3) => {
                let user = self.security_name.as_ref().ok_or(ArgsError::NoSecurityName)?;
                let level = self.security_level.unwrap_or(SecurityLevel::NoAuthNoPriv);
                // net-snmp's defaults when -a or -x is left out.
                let auth_protocol = self.auth_protocol.unwrap_or(AuthProtocol::Md5);
                let (priv_protocol, extension) =
                    self.priv_protocol.unwrap_or((PrivProtocol::Des, KeyExtension::Blumenthal));
                Ok(Security::Usm(UsmConfig {
                    user: user.clone().into_bytes(),
                    level,
                    auth: self.auth_password.clone().map(|p| (auth_protocol, p)),
                    privacy: self.priv_password.clone().map(|p| (priv_protocol, p, extension)),
                    security_engine_id: self.security_engine_id.clone(),
                    context_engine_id: self.context_engine_id.clone(),
                    context_name: self.context_name.clone().unwrap_or_default().into_bytes(),
                }))
            }
            Some(v) => match &self.community {
                Some(c) => Ok(Security::Community(v, c.clone().into_bytes())),
                None => Err(ArgsError::Usage(UsageError("No community name specified.".into()))),
            },
        }
    }
}

/// How the command talks to the agent.
#[derive(Debug, Clone)]
pub enum Security {
    Community(Version, Vec<u8>),
    Usm(UsmConfig),
}

/// Why [`SnmpArgs::security_or_error`] refused; each has net-snmp's own output.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ArgsError {
    Usage(UsageError),
    /// "PROG: No securityName specified".
    NoSecurityName,
    /// A `-A` (`"authentication"`) or `-X` (`"privacy"`) passphrase under 8 octets.
    ShortPassword(&'static str),
}

/// An engine ID in hex (`0x` optional), 5 to 32 octets (RFC 3411 SnmpEngineID). Err(true)
/// for something that is not hex, Err(false) for a wrong length, as net-snmp tells them apart.
fn parse_engine_id(text: &str) -> Result<Vec<u8>, bool> {
    let bytes = snmp::usm::hex::decode(text).filter(|b| !b.is_empty()).ok_or(true)?;
    if (5..=32).contains(&bytes.len()) { Ok(bytes) } else { Err(false) }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use mibs::OidStyle;

    fn parse(s: &str) -> SnmpArgs {
        SnmpArgs::parse(
            &s.split_whitespace().map(String::from).collect::<Vec<_>>(),
            Syntax { app_options: "fi", next_word_app_options: "f", ..Syntax::default() },
        )
        .unwrap()
    }

    #[test]
    fn attached_and_separate_values() {
        let a = parse("-v2c -cpublic -On -t 0.5 -r0 127.0.0.1:1161 sysDescr.0");
        assert_eq!(a.version, Some(Version::V2c));
        assert_eq!(a.community.as_deref(), Some("public"));
        assert_eq!(a.output.oid_style, OidStyle::Numeric);
        assert_eq!(a.timeout, Duration::from_millis(500));
        assert_eq!(a.retries, 0);
        assert_eq!(a.positional, ["127.0.0.1:1161", "sysDescr.0"]);
    }

    #[test]
    fn permuted_options_and_app_options() {
        let a = parse("127.0.0.1 -v 1 -c private -Cr50 -Cn1 -Oqv .1.3");
        assert_eq!(a.version, Some(Version::V1));
        assert_eq!(a.app_number('r', 10).unwrap(), 50);
        assert_eq!(a.app_number('n', 0).unwrap(), 1);
        assert!(a.output.quick && a.output.value_only);
        assert_eq!(a.positional, ["127.0.0.1", ".1.3"]);
    }

    #[test]
    fn table_separator_is_next_word() {
        let a = parse("-v2c -c public -Cf , -Ci host ifTable");
        assert_eq!(a.app_option('f'), Some(","));
        assert!(a.has_app_option('i'));
        assert_eq!(a.positional, ["host", "ifTable"]);
    }

    #[test]
    fn set_values_may_start_with_a_dash() {
        let syntax = Syntax { set_triples: true, ..Syntax::default() };
        // (no -C letters are used here)
        let argv: Vec<String> = "-v2c -c private host oid u -1 oid2 s -v1 -On".split(' ').map(String::from).collect();
        let a = SnmpArgs::parse(&argv, syntax).unwrap();
        assert_eq!(a.positional, ["host", "oid", "u", "-1", "oid2", "s", "-v1"]);
        assert_eq!(a.version, Some(Version::V2c));
        assert_eq!(a.output.oid_style, mibs::OidStyle::Numeric);
    }

    #[test]
    fn errors() {
        let p =
            |s: &str| SnmpArgs::parse(&s.split_whitespace().map(String::from).collect::<Vec<_>>(), Syntax::default());
        assert!(p("-v 4 host").is_err());
        assert!(p("-t").is_err());
        assert!(p("-Oz host").is_err());
        assert!(matches!(
            parse("-v2c host").security_or_error(),
            Err(ArgsError::Usage(UsageError(m))) if m == "No community name specified."
        ));
        assert!(matches!(parse("host").security_or_error(), Err(ArgsError::NoSecurityName)));
        assert!(matches!(parse("-u bob -A short host").security_or_error(), Err(ArgsError::ShortPassword(_))));
    }

    #[test]
    fn v3_options() {
        let a = parse(
            "-u bob -l authPriv -a SHA-256 -A authpass1 -x AES-256-C -X privpass1 -e 0x800000020109840301 -n ctx host",
        );
        let Ok(Security::Usm(usm)) = a.security_or_error() else { panic!("v3") };
        assert_eq!(usm.level, SecurityLevel::AuthPriv);
        assert_eq!(usm.auth.as_ref().map(|(p, _)| *p), Some(AuthProtocol::Sha256));
        assert_eq!(usm.privacy.as_ref().map(|(p, _, e)| (*p, *e)), Some((PrivProtocol::Aes256, KeyExtension::Reeder)));
        assert_eq!(usm.security_engine_id.as_ref().map(Vec::len), Some(9));
        assert_eq!(usm.context_name, b"ctx");
        assert!(!format!("{a:?}").contains("authpass1"), "passwords are redacted");
        assert_eq!(parse_engine_id("8000"), Err(false));
        assert_eq!(parse_engine_id("xyz"), Err(true));
    }
}
