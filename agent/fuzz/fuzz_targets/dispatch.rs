//! The agent's request path on arbitrary datagrams: decode -> dispatch (the real MIB
//! modules of this host) -> encode. Nothing may panic, and whatever is answered must decode.
//! SNMPv3 goes through USM with a fixed engine (`engineID fuzz`) and two users: `fuzzer`
//! (noAuthNoPriv, so mutated requests reach the dispatcher) and `secure` (authPriv, so the
//! MAC and decryption paths see mutated input); agent/fuzz/seeds holds a request for each.

#![no_main]

use std::sync::{Arc, OnceLock};
use std::time::Instant;

use agent::config::Config;
use agent::dispatch::Dispatcher;
use agent::mib::{self, Context};
use agent::registry::Registry;
use agent::stats::Stats;
use agent::usm::{Engine, KeyCache, Usm};
use libfuzzer_sys::fuzz_target;

fn dispatcher() -> &'static Dispatcher {
    static D: OnceLock<Dispatcher> = OnceLock::new();
    D.get_or_init(|| {
        let (config, _) = Config::parse(
            "rocommunity public 127.0.0.1\nrwcommunity private 127.0.0.1 .1.3.6.1.2.1.1\ndisk / 10%\nload 12\nproc init\n\
             engineID fuzz\ncreateUser fuzzer\nrouser fuzzer noauth\n\
             createUser secure SHA-256 \"fuzz auth pass\" AES \"fuzz priv pass\"\nrwuser secure priv\n",
            "fuzz.conf",
        );
        let config = Arc::new(config);
        let stats = Arc::new(Stats::default());
        let engine = Arc::new(Engine::start(None, config.engine_id.as_deref()).unwrap());
        let usm = Arc::new(Usm::new(engine, &config.users, &KeyCache::default()));
        let ctx = Context {
            config: config.clone(),
            stats: stats.clone(),
            state: None,
            started: Instant::now(),
            usm: Some(usm.clone()),
        };
        let modules = mib::build(&ctx);
        Dispatcher { registry: Registry::new(modules.handlers).unwrap(), vacm: config.vacm.clone(), stats, usm: Some(usm) }
    })
}

fuzz_target!(|data: &[u8]| {
    let mut out = Vec::new();
    if dispatcher().handle(data, "127.0.0.1".parse().unwrap(), &mut out) {
        assert!(snmp::Message::decode(&out).is_ok(), "unparsable answer");
    }
});
