//! The device simulator behind `osprey simulate`: an snmpsim-like agent that answers v1/v2c
//! requests from a recorded device, on one or many loopback ports, through the agent's own
//! dispatcher (GET, GETNEXT, GETBULK; SET refused as snmpd refuses a read-only community).
//!
//! Modules and what each owns:
//! - [`record`]: a recording as one sorted OID -> value table, loading either format, and
//!   the per-line warnings and errors (file, line, reason).
//! - [`snmprec`]: snmpsim's `.snmprec` lines (`OID|TAG|VALUE`, hex tags, variation modules).
//! - [`walk`]: `snmpwalk -On` output (every Net-SNMP value printout, multi-line strings).
//! - [`device`]: one simulated device: the recording as a MIB handler, with counters and
//!   uptime that advance when asked to.
//! - [`listen`]: the `--listen` forms (`127.0.0.1:PORT`, `PORT1-PORT2`), loopback only.
//! - [`serve`]: the sockets of every device, served by a few epoll threads.

pub mod device;
pub mod listen;
pub mod record;
pub mod serve;
pub mod snmprec;
pub mod walk;

pub use device::{CounterModel, SimulatedDevice};
pub use record::{Format, LoadError, Loaded, Recording, Warning};
pub use serve::Simulator;
