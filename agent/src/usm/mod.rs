//! SNMPv3 with the User-based Security Model (RFC 3414) in the agent.
//!
//! - [`engine`]: snmpEngineID, snmpEngineBoots and snmpEngineTime, kept in the state dir.
//! - [`users`]: `createUser` lines, keys localized once, the user table.
//! - [`request`]: a received v3 message from parsing to the sealed Response or Report
//!   (RFC 3412 §7.2, RFC 3414 §3.2), as snmpd 5.9 answers.
//!
//! The per-packet cryptography is the `snmp` crate's ([`snmp::usm`]).

pub mod engine;
pub mod request;
pub mod users;

use std::sync::Arc;

pub use engine::Engine;
pub use users::{KeyCache, UserSpec, UserTable};

/// What v3 requests are checked against: the engine (shared by every configuration
/// generation) and this generation's users.
#[derive(Debug)]
pub struct Usm {
    pub engine: Arc<Engine>,
    pub users: UserTable,
}

impl Usm {
    /// Localizes the configured users for `engine` (reusing `cache`).
    pub fn new(engine: Arc<Engine>, specs: &[UserSpec], cache: &KeyCache) -> Usm {
        let users = UserTable::build(specs, &engine, cache);
        Usm { engine, users }
    }
}
