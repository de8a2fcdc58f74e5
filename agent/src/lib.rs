//! osprey-agent: an snmpd-compatible SNMP agent.
//!
//! Modules and what each owns:
//! - [`cli`]: snmpd's command line (`-f -C -c -L -p -u -g LISTEN...`).
//! - [`config`]: snmpd.conf parsing into [`config::Config`], with per-line warnings.
//! - [`access`]: request sources (`default`, host, net/bits) and how addresses match them.
//! - [`vacm`]: view-based access control (com2sec, group, view, access, rouser/rwuser,
//!   rocommunity): the tables, isAccessAllowed and MIB views.
//! - [`handler`]: the [`handler::MibHandler`] trait every MIB module implements.
//! - [`view`]: sorted materialized views and the cached, refreshed [`view::CachedView`].
//! - [`registry`]: handlers by subtree; GET routing and GETNEXT across handlers.
//! - [`dispatch`]: the request path as a pure function (datagram in, datagram out).
//! - [`stats`]: the agent's counters (snmp group, snmpMPDStats, usmStats, contexts).
//! - [`notify`]: traps and informs (v2c and SNMPv3) to the configured sinks; coldStart,
//!   linkUp/linkDown.
//! - [`trapsess`]: `trapsess` lines (net-snmp's command-line options for one sink).
//! - [`persist`]: the state file for values set over SNMP.
//! - [`usm`]: SNMPv3: the engine, USM users, v3 message processing (RFC 3412/3414).
//! - [`mib`]: the built-in MIB modules, one per group.
//! - [`logging`]: the `-L` log targets.
//! - [`server`]: sockets, the receive/answer loops, the refresher, reloads.
//! - [`simulate`]: the device simulator (`osprey simulate`): recorded devices served on
//!   many loopback ports.

pub mod access;
pub mod cli;
pub mod config;
pub mod dispatch;
pub mod handler;
pub mod logging;
pub mod mib;
#[cfg(test)]
mod mutate;
pub mod notify;
pub mod persist;
pub mod registry;
pub mod server;
pub mod simulate;
pub mod stats;
pub mod trapsess;
pub mod usm;
pub mod vacm;
pub mod view;
