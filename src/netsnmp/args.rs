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
use snmp::{UsmConfig, UsmOptionError, UsmOptions, Version};

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
    /// The SNMPv3 options (`-u -l -a -A -x -X -e -E -n -3m -3M`).
    pub usm: UsmOptions,
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
            usm: UsmOptions::default(),
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
            _ => {
                self.usm.set(letter, value).map_err(|e| UsageError(usm_option_message(e, letter, value)))?;
            }
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
        for (secret, kind) in [(&self.usm.auth_secret, "authentication"), (&self.usm.priv_secret, "privacy")] {
            if let Some(Credential::Passphrase(p)) = secret
                && p.as_bytes().len() < snmp::usm::auth::MIN_PASSWORD_LEN
            {
                return Err(ArgsError::ShortPassword(kind));
            }
        }
        match self.version {
            None | Some(Version::V3) => {
                let user = self.usm.user.as_ref().ok_or(ArgsError::NoSecurityName)?;
                Ok(Security::Usm(self.usm.config(user)))
            }
            Some(v) => match &self.community {
                Some(c) => Ok(Security::Community(v, c.clone().into_bytes())),
                None => Err(ArgsError::Usage(UsageError("No community name specified.".into()))),
            },
        }
    }
}

/// net-snmp's message for a refused v3 option (it names them "-3l" and so on).
fn usm_option_message(error: UsmOptionError, letter: char, value: &str) -> String {
    match error {
        UsmOptionError::Level => format!("Invalid security level specified after -3l flag: {value}"),
        UsmOptionError::AuthProtocol => format!("Invalid authentication protocol specified after -3a flag: {value}"),
        UsmOptionError::PrivProtocol => format!("Invalid privacy protocol specified after -3x flag: {value}"),
        UsmOptionError::EngineIdNotHex(which) => format!("Bad engine ID value after -3{which} flag."),
        UsmOptionError::EngineIdLength(which) => format!("Invalid engine ID value after -{which} flag."),
        UsmOptionError::KeyNotHex(which) => format!("Bad key value after -3{which} flag."),
        UsmOptionError::UnknownKeyOption => format!("Invalid option: -{letter}{value}"),
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

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use mibs::OidStyle;
    use snmp::SecurityLevel;
    use snmp::usm::{AuthProtocol, KeyExtension, PrivProtocol};

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
        let refused = |line: &str| {
            let args: Vec<String> = line.split_whitespace().map(String::from).collect();
            SnmpArgs::parse(&args, Syntax::default()).unwrap_err().0
        };
        assert_eq!(refused("-e 8000 host"), "Invalid engine ID value after -e flag.");
        assert_eq!(refused("-E xyz host"), "Bad engine ID value after -3E flag.");
        assert_eq!(refused("-3mzz host"), "Bad key value after -3m flag.");
    }
}
