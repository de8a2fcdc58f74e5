//! The net-snmp compatible commands (`get`, `getnext`, `bulkget`, `walk`, `bulkwalk`,
//! `set`, `table`, `translate`): each parses net-snmp's arguments, talks to the agent through
//! `snmp::Client` and prints what the net-snmp tool of the same name prints.

pub mod agent;
pub mod args;
pub mod errors;
mod get;
mod set;
mod table;
mod translate;
mod walk;

use std::io::Write;

use mibs::{Mib, OutputOptions};
use snmp::usm::UsmError;
use snmp::{Client, ClientConfig, ClientError, Oid, Version};

use args::{ArgsError, Security, SnmpArgs, Syntax, UsageError};

/// The commands this module provides, with their usage synopsis.
pub const COMMANDS: &[(&str, &str)] = &[
    ("get", "AGENT OID [OID]..."),
    ("getnext", "AGENT OID [OID]..."),
    ("bulkget", "AGENT OID [OID]..."),
    ("walk", "AGENT [OID]"),
    ("bulkwalk", "AGENT [OID]"),
    ("set", "AGENT OID TYPE VALUE [OID TYPE VALUE]..."),
    ("table", "AGENT TABLE-OID"),
    ("translate", "OID [OID]..."),
];

/// Runs one command and returns its exit code.
pub async fn run(command: &str, argv: &[String]) -> i32 {
    let result = match command {
        "get" => get::run(argv, get::Kind::Get).await,
        "getnext" => get::run(argv, get::Kind::GetNext).await,
        "bulkget" => get::run(argv, get::Kind::Bulk).await,
        "walk" => walk::run(argv, false).await,
        "bulkwalk" => walk::run(argv, true).await,
        "set" => set::run(argv).await,
        "table" => table::run(argv).await,
        "translate" => translate::run(argv),
        _ => Err(Failure::Usage(UsageError(format!("unknown command {command}")))),
    };
    match result {
        Ok(code) => code,
        Err(Failure::Usage(UsageError(msg))) => {
            let synopsis = COMMANDS.iter().find(|(c, _)| *c == command).map_or("", |(_, s)| s);
            let mut err = std::io::stderr().lock();
            if !msg.is_empty() {
                let _ = writeln!(err, "{msg}");
            }
            let _ = writeln!(err, "USAGE: osprey {command} [OPTIONS] {synopsis}\n\n{OPTIONS_HELP}");
            1
        }
        Err(Failure::Message(msg)) => {
            let _ = writeln!(std::io::stderr().lock(), "{msg}");
            1
        }
        Err(Failure::Program(msg)) => {
            let _ = writeln!(std::io::stderr().lock(), "osprey {command}: {msg}");
            1
        }
        Err(Failure::ShortPassword(kind)) => {
            // net-snmp's three lines, the last with its trailing space.
            let _ = write!(
                std::io::stderr().lock(),
                "Error: passphrase chosen is below the length requirements of the USM (min=8).\n\
                 osprey {command}:  (The supplied password length is too short.)\n\
                 Error generating a key (Ku) from the supplied {kind} pass phrase. \n"
            );
            1
        }
    }
}

const OPTIONS_HELP: &str = "\
OPTIONS:
  -h\t\t\tdisplay this help message
  -v 1|2c|3\t\tspecifies SNMP version to use
  -c COMMUNITY\t\tset the community string
  -a PROTOCOL\t\tset authentication protocol (MD5|SHA|SHA-224|SHA-256|SHA-384|SHA-512)
  -A PASSPHRASE\t\tset authentication protocol pass phrase
  -e ENGINE-ID\t\tset security engine ID (e.g. 800000020109840301)
  -E ENGINE-ID\t\tset context engine ID (e.g. 800000020109840301)
  -l LEVEL\t\tset security level (noAuthNoPriv|authNoPriv|authPriv)
  -n CONTEXT\t\tset context name (e.g. bridge1)
  -u USER-NAME\t\tset security name (e.g. bert)
  -x PROTOCOL\t\tset privacy protocol (DES|AES|AES-192|AES-256)
  -X PASSPHRASE\t\tset privacy protocol pass phrase
  -3m KEY, -3M KEY\tauthentication / privacy master key in hex, instead of -A / -X
  -r RETRIES\t\tset the number of retries
  -t TIMEOUT\t\tset the request timeout (in seconds)
  -m MIB[:...]\t\tload given list of MIBs (ALL loads everything, \"\" none)
  -M DIR[:...]\t\tlook in given list of directories for MIBs
  -O OUTOPTS\t\toutput options: e f n q s t U v x
  -C APPOPTS\t\tapplication options (walk: c i I p; bulk: n<N> r<N>; table: f SEP i b h H)";

/// Why a command stopped before talking to the agent.
#[derive(Debug)]
pub enum Failure {
    /// Bad command line: message, then the usage text.
    Usage(UsageError),
    /// Any other problem: the message alone.
    Message(String),
    /// A problem net-snmp reports after the program's name ("snmpget: Unknown user name").
    Program(String),
    /// A `-A`/`-X` passphrase under 8 octets (`"authentication"` or `"privacy"`).
    ShortPassword(&'static str),
}

impl From<UsageError> for Failure {
    fn from(e: UsageError) -> Self {
        Failure::Usage(e)
    }
}

impl From<ArgsError> for Failure {
    fn from(e: ArgsError) -> Self {
        match e {
            ArgsError::Usage(u) => Failure::Usage(u),
            ArgsError::NoSecurityName => Failure::Program("No securityName specified".into()),
            ArgsError::ShortPassword(kind) => Failure::ShortPassword(kind),
        }
    }
}

impl From<ClientError> for Failure {
    /// net-snmp's words for what went wrong below the command (timeouts excepted: each
    /// command words those itself).
    fn from(e: ClientError) -> Self {
        match e {
            ClientError::Report(report) => Failure::Program(report.to_string()),
            ClientError::DiscoveryTimeout(_) => Failure::Program("Timeout".into()),
            ClientError::Usm(UsmError::MissingAuth) => {
                Failure::Program("USM authentication failure (incorrect password or key)".into())
            }
            ClientError::Usm(UsmError::MissingPrivacy) => Failure::Program("USM generic error".into()),
            // net-snmp prints only its program name here; the reason helps more.
            ClientError::Usm(e @ UsmError::BadMasterKey { .. }) => Failure::Program(e.to_string()),
            other => Failure::Message(other.to_string()),
        }
    }
}

/// What every command needs once its arguments are parsed.
pub struct Session {
    pub args: SnmpArgs,
    pub mib: Mib,
    pub client: Client,
    /// The agent as the user wrote it; net-snmp's messages quote it.
    pub agent: String,
    /// Positional arguments after the agent.
    pub operands: Vec<String>,
}

impl Session {
    /// Parses the arguments, loads the MIBs and connects the client.
    pub async fn open(argv: &[String], syntax: Syntax) -> Result<Session, Failure> {
        let args = SnmpArgs::parse(argv, syntax)?;
        if let Some((letter, _)) = args.app_options.iter().find(|(l, _)| !syntax.app_options.contains(*l)) {
            return Err(if syntax.usage_on_unknown_app_option {
                UsageError(format!("Bad option after -C: {letter}")).into()
            } else {
                Failure::Message(format!("Unknown flag passed to -C: {letter}"))
            });
        }
        let mib = match &args.mibs {
            None if args.mib_dirs.is_none() => Mib::builtin(),
            modules => Mib::load(modules.as_deref().unwrap_or("ALL"), args.mib_dirs.as_deref())
                .map_err(|e| Failure::Message(e.to_string()))?,
        };
        let security = args.security_or_error()?;
        let Some((agent, operands)) = args.positional.split_first() else {
            return Err(UsageError("No hostname specified.".into()).into());
        };
        let addr = agent::resolve(agent).await.map_err(Failure::Message)?;
        let (version, community, usm) = match security {
            Security::Community(version, community) => (version, community, None),
            Security::Usm(usm) => (Version::V3, Vec::new(), Some(usm)),
        };
        let config = ClientConfig { version, community, timeout: args.timeout, retries: args.retries, usm };
        let client = Client::connect(addr, config).await.map_err(|e| Failure::Message(format!("{agent}: {e}")))?;
        if version == Version::V3 {
            // net-snmp discovers the engine when it opens the session, before any request.
            client.discover().await?;
        }
        Ok(Session { agent: agent.clone(), operands: operands.to_vec(), args, mib, client })
    }

    pub fn output(&self) -> &OutputOptions {
        &self.args.output
    }

    /// Parses an OID argument, with net-snmp's message on failure.
    pub fn parse_oid(&self, text: &str) -> Result<Oid, Failure> {
        self.mib.parse_oid(text).map_err(|e| Failure::Message(format!("{text}: {e}")))
    }

    /// net-snmp's timeout message; snmpget and snmpgetnext end it with a full stop, the
    /// other tools do not.
    pub fn timeout_message(&self, full_stop: bool) -> String {
        format!("Timeout: No Response from {}{}", self.agent, if full_stop { "." } else { "" })
    }
}
