//! The built-in MIB modules, one file per MIB group, and [`build`], which assembles them
//! into handlers for the registry. Groups backed by /proc or /sys are [`CachedView`]s
//! whose collectors the refresher thread re-runs off the request path; the subtrees of
//! configured programs ([`extend`], [`pass`]) are added last, refused with a warning where
//! they would overlap a built-in one.

pub mod at;
pub mod etherlike;
pub mod ethtool;
pub mod extend;
pub mod host;
pub mod icmp;
pub mod interfaces;
pub mod ip;
pub mod ip_addresses;
pub mod ip_forward;
pub mod ipv6;
pub mod netdev;
pub mod netstat;
pub mod pass;
pub mod rtnetlink;
pub mod snmp_group;
pub mod spin_locks;
pub mod system;
pub mod tcp;
pub mod ucd;
pub mod udp;
pub mod usm_mib;
pub mod vacm_mib;

use std::sync::Arc;
use std::time::Instant;

use crate::config::Config;
use crate::handler::MibHandler;
use crate::persist::StateFile;
use crate::stats::Stats;
use crate::view::CachedView;

/// What the MIB modules are built from.
#[derive(Debug, Clone)]
pub struct Context {
    pub config: Arc<Config>,
    pub stats: Arc<Stats>,
    pub state: Option<Arc<StateFile>>,
    pub started: Instant,
    /// The SNMPv3 engine and users, for the snmpEngine group and usmUserTable.
    pub usm: Option<Arc<crate::usm::Usm>>,
}

/// The handlers of every module, those among them that need refreshing, and what could
/// not be registered.
#[derive(Default)]
pub struct Modules {
    pub handlers: Vec<Arc<dyn MibHandler>>,
    pub cached: Vec<Arc<CachedView>>,
    pub warnings: Vec<String>,
}

impl std::fmt::Debug for Modules {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.handlers.iter().map(|h| h.root().to_string())).finish()
    }
}

impl Modules {
    fn add(&mut self, handler: impl MibHandler + 'static) {
        self.handlers.push(Arc::new(handler));
    }

    /// Adds `handler` unless its subtree overlaps one already served (a warning says so).
    fn add_unless_taken(&mut self, directive: &str, handler: Arc<dyn MibHandler>) {
        let root = handler.root().clone();
        match self.handlers.iter().find(|h| h.root().starts_with(&root) || root.starts_with(h.root())) {
            Some(taken) => self
                .warnings
                .push(format!("{directive}: .{root} overlaps .{}, served already; not served", taken.root())),
            None => self.handlers.push(handler),
        }
    }

    fn add_cached(&mut self, view: CachedView) {
        let view = Arc::new(view);
        self.cached.push(view.clone());
        self.handlers.push(view);
    }
}

pub fn build(ctx: &Context) -> Modules {
    let mut m = Modules::default();
    m.add(system::SystemGroup::new(ctx.config.system.clone(), ctx.state.clone(), ctx.started));
    m.add(snmp_group::snmp(ctx.stats.clone(), ctx.config.auth_traps));
    m.add(snmp_group::mpd_stats(ctx.stats.clone()));
    if let Some(usm) = &ctx.usm {
        m.add(usm_mib::engine_group(usm.engine.clone()));
        m.add(usm_mib::usm_stats(ctx.stats.clone()));
        m.add(usm_mib::user_table(usm));
    }
    m.add(vacm_mib::tables(&ctx.config.vacm));
    m.add(vacm_mib::net_snmp_access_table(&ctx.config.vacm));
    m.add(spin_locks::SpinLockGroup::set_serial_no());
    m.add(spin_locks::SpinLockGroup::target_objects(ctx.stats.clone()));
    for view in interfaces::handlers(ctx.started) {
        m.add_cached(view);
    }
    for view in ip_addresses::handlers(ctx.started) {
        m.add_cached(view);
    }
    for view in ucd::views(&ctx.config) {
        m.add_cached(view);
    }
    host::register(&mut m, ctx);
    ip::register(&mut m);
    m.add_cached(icmp::view());
    m.add_cached(tcp::view());
    m.add_cached(udp::view());
    m.add_cached(at::view());
    m.add_cached(ipv6::view());
    m.add_cached(etherlike::view());
    // Last, so that a program's subtree placed inside one served above is refused, not it.
    for handler in extend::handlers(&ctx.config.extends) {
        m.add_unless_taken("extend", handler);
    }
    for spec in &ctx.config.passes {
        let directive = if spec.persist { "pass_persist" } else { "pass" };
        m.add_unless_taken(directive, Arc::new(pass::PassHandler::new(spec.clone())));
    }
    m
}
