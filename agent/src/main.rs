//! `osprey-agent`: snmpd's command line around [`agent::server::Agent`]: read the config,
//! bind, write the pid file, drop privileges, serve; SIGHUP reloads the configuration,
//! SIGTERM/SIGINT stop cleanly.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use agent::cli::{self, Args};
use agent::config::Config;
use agent::logging::Logger;
use agent::mib::interfaces;
use agent::notify::{Notification, Notifier};
use agent::persist::StateFile;
use agent::server::Agent;
use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
use signal_hook::iterator::Signals;

const USAGE: &str = "usage: osprey-agent [-f] [-C] [-c FILE[,FILE...]] [-Lo|-Le|-Lf FILE|-Ls FACILITY] \
[-p PIDFILE] [-u USER] [-g GROUP] [LISTEN[,LISTEN...]]";

/// Where values set over SNMP are kept: snmpd's SNMP_PERSISTENT_DIR when set.
fn state_dir() -> PathBuf {
    std::env::var_os("SNMP_PERSISTENT_DIR").map_or_else(|| PathBuf::from("/var/lib/osprey-agent"), PathBuf::from)
}

fn load_config(args: &Args, log: &Logger) -> Config {
    let (config, warnings) = Config::load(&args.config_paths());
    for w in warnings {
        log.log(&w.to_string());
    }
    config
}

fn main() -> ExitCode {
    let argv: Vec<String> = std::env::args().skip(1).collect();
    let args = match Args::parse(&argv) {
        Ok(a) => a,
        Err(msg) => {
            if !msg.is_empty() {
                eprintln!("osprey-agent: {msg}");
            }
            eprintln!("{USAGE}");
            return ExitCode::from(1);
        }
    };
    let log = Arc::new(Logger::new(args.log.clone()));
    if !args.foreground {
        log.log("osprey-agent runs in the foreground (as with -f); let systemd or your shell background it");
    }
    let config = load_config(&args, &log);
    let specs: Vec<String> = if !args.listen.is_empty() {
        args.listen.clone()
    } else if !config.listen.is_empty() {
        config.listen.clone()
    } else {
        vec!["udp:161".into()]
    };
    let listen: Vec<SocketAddr> = match specs.iter().map(|s| cli::parse_listen(s)).collect() {
        Ok(l) => l,
        Err(e) => {
            log.log(&format!("osprey-agent: {e}"));
            return ExitCode::from(1);
        }
    };
    // Before the agent answers anything: a SIGHUP sent as soon as it answers must reload,
    // not kill it (the default action) because the handler came later.
    let mut signals = match Signals::new([SIGHUP, SIGTERM, SIGINT]) {
        Ok(s) => s,
        Err(e) => {
            log.log(&format!("osprey-agent: cannot install signal handlers: {e}"));
            return ExitCode::from(1);
        }
    };
    let state = Some(Arc::new(StateFile::open(&state_dir())));
    let agent = match Agent::start(config.clone(), &listen, state) {
        Ok(a) => a,
        Err(e) => {
            log.log(&format!("osprey-agent: {e}"));
            return ExitCode::from(1);
        }
    };
    // Like snmpd: the pid file is written before privileges are dropped.
    if let Some(pid_file) = &args.pid_file
        && let Err(e) = std::fs::write(pid_file, format!("{}\n", std::process::id()))
    {
        log.log(&format!("osprey-agent: cannot write pid file {}: {e}", pid_file.display()));
    }
    // -u/-g, else snmpd.conf's agentuser/agentgroup.
    let user = args.user.as_deref().or(config.agent_user.as_deref());
    let group = args.group.as_deref().or(config.agent_group.as_deref());
    if let Err(e) = drop_privileges(user, group) {
        log.log(&format!("osprey-agent: {e}"));
        agent.stop();
        return ExitCode::from(1);
    }
    if let Some(e) = &agent.engine().save_error {
        log.log(&format!("osprey-agent: SNMPv3 engine state not kept: {e}"));
    }
    for warning in agent.warnings() {
        log.log(&format!("osprey-agent: {warning}"));
    }
    let addrs: Vec<String> = agent.local_addrs.iter().map(SocketAddr::to_string).collect();
    log.log(&format!("osprey-agent {} listening on udp {}", env!("CARGO_PKG_VERSION"), addrs.join(", ")));
    let mut notifier = start_notifier(&config, &agent, &log);
    notifier.send(Notification::cold_start());

    for signal in signals.forever() {
        if signal == SIGHUP {
            let config = load_config(&args, &log);
            match agent.reload(config.clone()) {
                Ok(()) => {
                    for warning in agent.warnings() {
                        log.log(&format!("osprey-agent: {warning}"));
                    }
                    notifier = start_notifier(&config, &agent, &log);
                    log.log("osprey-agent: configuration reloaded");
                }
                Err(e) => log.log(&format!("osprey-agent: reload failed, keeping the old configuration: {e}")),
            }
            continue;
        }
        break;
    }
    // As snmpd: nsNotifyShutdown to every sink before going.
    notifier.finish(Notification::shutdown(), SHUTDOWN_NOTIFY_LIMIT);
    agent.stop();
    if let Some(pid_file) = &args.pid_file {
        let _ = std::fs::remove_file(pid_file);
    }
    log.log("osprey-agent: stopped");
    ExitCode::SUCCESS
}

/// How often interfaces are checked for linkUp/linkDown (snmpd's linkUpDownNotifications
/// checks on its interface cache reloads, a few seconds apart).
const LINK_POLL: Duration = Duration::from_secs(5);

/// How long a stopping agent waits for its last notifications to go out.
const SHUTDOWN_NOTIFY_LIMIT: Duration = Duration::from_secs(3);

/// The notification sender for the configured sinks, with the link watcher.
fn start_notifier(config: &Config, agent: &Agent, log: &Arc<Logger>) -> Notifier {
    let log = log.clone();
    let notifier =
        Notifier::start(config, agent.started(), agent.engine(), move |line| log.log(&format!("osprey-agent: {line}")));
    if !config.trap_destinations.is_empty() {
        if !config.link_traps_off {
            notifier.watch_links(LINK_POLL, || {
                interfaces::oper_status_by_index()
                    .into_iter()
                    .map(|(index, oper, admin)| (index, admin, oper))
                    .collect()
            });
        }
        if config.auth_traps {
            notifier.watch_auth_failures(agent.stats().clone());
        }
    }
    notifier
}

/// `-g GROUP` then `-u USER`, after the sockets are bound (so port 161 works as root).
fn drop_privileges(user: Option<&str>, group: Option<&str>) -> Result<(), String> {
    use nix::unistd::{Group, User, setgid, setuid};
    if let Some(g) = group {
        let gid = match g.parse::<u32>() {
            Ok(n) => nix::unistd::Gid::from_raw(n),
            Err(_) => Group::from_name(g).ok().flatten().ok_or_else(|| format!("unknown group {g}"))?.gid,
        };
        setgid(gid).map_err(|e| format!("cannot change group to {g}: {e}"))?;
    }
    if let Some(u) = user {
        let uid = match u.parse::<u32>() {
            Ok(n) => nix::unistd::Uid::from_raw(n),
            Err(_) => User::from_name(u).ok().flatten().ok_or_else(|| format!("unknown user {u}"))?.uid,
        };
        setuid(uid).map_err(|e| format!("cannot change user to {u}: {e}"))?;
    }
    Ok(())
}
