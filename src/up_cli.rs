//! `osprey [--data DIR] up [--agent udp:127.0.0.1:1161] [--listen 127.0.0.1:8080]
//! [--interval 60]`: the main job on embedded defaults, in one process: the agent on loopback
//! (its snmpd.conf and state under `DIR/agent/`, written with defaults on first start), the
//! poller, and the web app. On first start the local agent is added as device `localhost`.
//! SIGINT/SIGTERM stop all three cleanly.

use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::Ordering;

use poller::inventory::Inventory;
use poller::target::DeviceSpec;

const USAGE: &str =
    "usage: osprey [--data DIR] up [--agent udp:127.0.0.1:1161] [--listen 127.0.0.1:8080] [--interval 60]";

/// The agent's configuration written on first start; the user may edit it afterwards.
const DEFAULT_AGENT_CONF: &str = "\
# osprey-agent configuration (snmpd.conf syntax), written by `osprey up` on first start.
# Read-only access from this machine only.
rocommunity public 127.0.0.1
rocommunity6 public ::1
# SNMPv3 instead (then remove the community lines above), e.g.:
#   createUser monitor SHA-256 \"a long auth passphrase\" AES \"a long privacy passphrase\"
#   rouser monitor priv
# and add the device with `osprey device add NAME 127.0.0.1:1161 -v 3 -l authPriv -u monitor ...`.
sysLocation Unknown
sysContact root@localhost
load 12 10 5
includeAllDisks 10%
";

struct Options {
    agent: String,
    listen: String,
    interval: String,
}

fn parse(args: &[String]) -> Result<Options, String> {
    let mut options = Options {
        agent: "udp:127.0.0.1:1161".into(),
        listen: crate::web_cli::DEFAULT_LISTEN.into(),
        interval: "60".into(),
    };
    let mut words = args.iter();
    while let Some(word) = words.next() {
        let mut value = || words.next().cloned().ok_or_else(|| format!("option {word} needs a value\n{USAGE}"));
        match word.as_str() {
            "--agent" => options.agent = value()?,
            "--listen" => options.listen = value()?,
            "--interval" => options.interval = value()?,
            other => return Err(format!("unknown argument '{other}'\n{USAGE}")),
        }
    }
    Ok(options)
}

fn fail(message: impl std::fmt::Display) -> i32 {
    crate::lifecycle::fail_as("osprey up", message)
}

/// Starts the agent with `DIR/agent/snmpd.conf` (written with defaults when missing).
fn start_agent(data: &Path, listen: SocketAddr) -> Result<agent::server::Agent, String> {
    let dir = data.join("agent");
    std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let conf = dir.join("snmpd.conf");
    if !conf.exists() {
        std::fs::write(&conf, DEFAULT_AGENT_CONF).map_err(|e| format!("{}: {e}", conf.display()))?;
    }
    let (config, warnings) = agent::config::Config::load(&[&conf]);
    for w in warnings {
        eprintln!("osprey up: agent: {w}");
    }
    let state = Some(Arc::new(agent::persist::StateFile::open(&dir)));
    let agent = agent::server::Agent::start(config, &[listen], state).map_err(|e| format!("agent: {e}"))?;
    for w in agent.warnings() {
        eprintln!("osprey up: agent: {w}");
    }
    Ok(agent)
}

/// Adds the local agent as device `localhost` unless a device of that name exists.
fn ensure_localhost(data: &Path, agent: SocketAddr, interval: &str) -> Result<(), String> {
    let inventory = Inventory::open(data).map_err(|e| e.to_string())?;
    if inventory.device("localhost").map_err(|e| e.to_string())?.is_some() {
        return Ok(());
    }
    let spec =
        DeviceSpec::new(&agent.to_string(), "2c", "public", Some("localhost"), interval).map_err(|e| e.to_string())?;
    inventory.add_device(&spec, poller::poll::unix_now() as i64).map_err(|e| e.to_string())?;
    println!("added device localhost ({}), discovered at its first poll", spec.address());
    Ok(())
}

/// `osprey up`.
pub fn run(data: &Path, args: &[String]) -> i32 {
    if matches!(args, [flag] if flag == "-h" || flag == "--help") {
        println!("{USAGE}");
        return 0;
    }
    let options = match parse(args) {
        Ok(o) => o,
        Err(message) => return fail(message),
    };
    let agent_addr = match agent::cli::parse_listen(&options.agent) {
        Ok(addr) => addr,
        Err(e) => return fail(format!("--agent: {e}")),
    };
    let web_addr = match crate::web_cli::parse_listen(&options.listen) {
        Ok(addr) => addr,
        Err(e) => return fail(format!("--listen: {e}")),
    };
    if let Err(e) = poller::target::parse_interval(&options.interval) {
        return fail(e);
    }
    let stop = match crate::lifecycle::stop_on_signals() {
        Ok(stop) => stop,
        Err(e) => return fail(e),
    };
    let runtime = match crate::lifecycle::runtime() {
        Ok(rt) => rt,
        Err(e) => return fail(e),
    };
    let listener = match runtime.block_on(tokio::net::TcpListener::bind(web_addr)) {
        Ok(l) => l,
        Err(e) => return fail(format!("cannot listen on {web_addr}: {e}")),
    };
    let agent = match start_agent(data, agent_addr) {
        Ok(a) => a,
        Err(e) => return fail(e),
    };
    if let Err(e) = ensure_localhost(data, agent_addr, &options.interval) {
        agent.stop();
        return fail(e);
    }
    let poller_config = poller::schedule::PollerConfig::new(data);
    let poller_stop = stop.clone();
    let poller = std::thread::spawn(move || poller::schedule::run(&poller_config, &poller_stop));
    let url = format!("http://{}/", listener.local_addr().map_or(web_addr, |a| a));
    println!(
        "Osprey is up: open {url}\n  agent  udp:{agent_addr} (configuration {})\n  data   {}\nStop with Ctrl-C.",
        data.join("agent").join("snmpd.conf").display(),
        data.display()
    );
    let state = web::app::AppState::listening_on(data, web_addr.ip().is_loopback());
    let served = runtime.block_on(web::app::serve(listener, state, crate::lifecycle::stopped(stop.clone())));
    stop.store(true, Ordering::Relaxed);
    let polled = poller.join();
    agent.stop();
    let mut code = 0;
    if let Err(e) = served {
        code = fail(format!("web: {e}"));
    }
    match polled {
        Ok(Err(e)) => code = fail(format!("poller: {e}")),
        Err(_) => code = fail("poller: stopped abnormally"),
        Ok(Ok(_)) => {}
    }
    code
}
