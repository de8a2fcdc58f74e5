//! View-based access control (RFC 3415) with net-snmp 5.9's configuration and outcomes.
//!
//! The tables, as snmpd.conf fills them ([`parse`] reads the lines):
//! - com2sec: community + source -> security name (and context), first match in config order;
//! - groups: (security model, security name) -> group, the first line for a pair wins;
//! - access: (group, context, model, level) -> read/write/notify view names;
//! - views: name -> [`MibView`], snmpd's standard `_all_` and `_none_` among them.
//!
//! [`mib::vacm_mib`](crate::mib::vacm_mib) serves these tables read-only.
//!
//! [`Vacm::authorize`] is RFC 3415 §3.2's isAccessAllowed up to the choice of views; the
//! per-object check is [`MibView::contains`], done by the dispatcher.

pub mod parse;
pub mod view;

use std::net::IpAddr;

use snmp::{SecurityLevel, SecurityModel};

use crate::access::Source;
pub use view::{MibView, NextCandidate, ViewFamily};

/// One `com2sec` line (or the one a `rocommunity` line implies).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Com2Sec {
    pub sec_name: Vec<u8>,
    pub source: Source,
    pub community: Vec<u8>,
    /// `-Cn CONTEXT`; empty is the default context.
    pub context: Vec<u8>,
}

/// One `group` line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupEntry {
    pub group: Vec<u8>,
    pub model: SecurityModel,
    pub sec_name: Vec<u8>,
}

/// How an access entry's context is compared with the request's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ContextMatch {
    Exact,
    Prefix,
}

/// Where a configuration line came from, for warnings found once every file is read.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Origin {
    pub file: String,
    pub line: usize,
}

/// One `access` line (or the one `rouser`/`rocommunity` imply).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccessEntry {
    pub group: Vec<u8>,
    pub context: Vec<u8>,
    /// `None` is `any`.
    pub model: Option<SecurityModel>,
    pub level: SecurityLevel,
    pub context_match: ContextMatch,
    pub read: String,
    pub write: String,
    pub notify: String,
    pub origin: Origin,
    /// Views of net-snmp's other kinds of access (log, execute, net), granted by
    /// authcommunity and friends: only shown in nsVacmAccessTable.
    pub other_views: Vec<(&'static str, String)>,
    /// Indexes into the views, filled by [`Vacm::finish`]; `None` sees nothing.
    resolved: [Option<usize>; 3],
}

impl AccessEntry {
    /// The key, with views named but not yet resolved.
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        group: &[u8],
        context: &[u8],
        model: Option<SecurityModel>,
        level: SecurityLevel,
        context_match: ContextMatch,
        [read, write, notify]: [&str; 3],
        origin: Origin,
    ) -> AccessEntry {
        AccessEntry {
            group: group.to_vec(),
            context: context.to_vec(),
            model,
            level,
            context_match,
            read: read.to_string(),
            write: write.to_string(),
            notify: notify.to_string(),
            origin,
            other_views: Vec::new(),
            resolved: [None; 3],
        }
    }

    pub fn with_other_views(mut self, other_views: Vec<(&'static str, String)>) -> AccessEntry {
        self.other_views = other_views;
        self
    }

    fn matches(&self, group: &[u8], model: SecurityModel, level: SecurityLevel, context: &[u8]) -> bool {
        self.group == group
            && self.model.is_none_or(|m| m == model)
            && self.level <= level
            && match self.context_match {
                ContextMatch::Exact => self.context == context,
                ContextMatch::Prefix => context.starts_with(&self.context),
            }
    }

    /// RFC 3415 §4 (vacmAccessTable): a specific model beats `any`, an exact context beats
    /// a prefix, a longer prefix beats a shorter, a higher level beats a lower.
    fn preference(&self) -> (bool, bool, usize, SecurityLevel) {
        (self.model.is_some(), self.context_match == ContextMatch::Exact, self.context.len(), self.level)
    }
}

/// Why VACM refused a principal before looking at any object. snmpd drops such community
/// requests silently (only snmpInPkts counts them); a v3 request gets authorizationError
/// (no group, no access) or a Report (unknown context).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Denial {
    UnknownContext,
    NoGroup,
    NoAccessEntry,
}

/// The views a principal reads and writes through.
#[derive(Debug, Clone, Copy)]
pub struct Views<'a> {
    pub read: &'a MibView,
    pub write: &'a MibView,
}

/// The view of nothing: unknown view names and `none`.
static NOTHING: MibView = MibView::empty();

/// The view of everything snmpd always defines, and the one shorthand lines grant by default.
pub const ALL_VIEW: &str = "_all_";
/// Its opposite, also always defined (`none`, the usual "no view", names no view at all).
pub const NONE_VIEW: &str = "_none_";

/// The VACM tables.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Vacm {
    pub com2sec: Vec<Com2Sec>,
    pub groups: Vec<GroupEntry>,
    pub access: Vec<AccessEntry>,
    pub views: Vec<(String, MibView)>,
    /// How many `rocommunity`/`rouser` lines came so far: snmpd numbers their names.
    shorthands: usize,
}

impl Default for Vacm {
    /// No entries but snmpd's two standard views, `_all_` and `_none_`: the three top arcs
    /// .0, .1 and .2 included, and excluded.
    fn default() -> Vacm {
        let mut vacm =
            Vacm { com2sec: Vec::new(), groups: Vec::new(), access: Vec::new(), views: Vec::new(), shorthands: 0 };
        for (name, included) in [(ALL_VIEW, true), (NONE_VIEW, false)] {
            for arc in 0..=2 {
                vacm.add_family(name, ViewFamily { subtree: snmp::Oid::from([arc]), mask: Vec::new(), included });
            }
        }
        vacm
    }
}

impl Vacm {
    /// The first com2sec entry for `community` whose source matches `from`.
    pub fn community(&self, community: &[u8], from: IpAddr) -> Option<&Com2Sec> {
        self.com2sec.iter().find(|e| e.community == community && e.source.matches(from))
    }

    pub fn view(&self, name: &str) -> Option<&MibView> {
        self.views.iter().find(|(n, _)| n == name).map(|(_, v)| v)
    }

    /// Adds a family to the view `name`, creating the view on its first line.
    fn add_family(&mut self, name: &str, family: ViewFamily) {
        match self.views.iter_mut().find(|(n, _)| n == name) {
            Some((_, view)) => view.add(family),
            None => {
                let mut view = MibView::empty();
                view.add(family);
                self.views.push((name.to_string(), view));
            }
        }
    }

    /// The read and write views of a principal (RFC 3415 §3.2 steps 1-4). Only the default
    /// context exists in this agent.
    pub fn authorize(
        &self,
        model: SecurityModel,
        sec_name: &[u8],
        level: SecurityLevel,
        context: &[u8],
    ) -> Result<Views<'_>, Denial> {
        if !context.is_empty() {
            return Err(Denial::UnknownContext);
        }
        let group = self.groups.iter().find(|g| g.model == model && g.sec_name == sec_name).ok_or(Denial::NoGroup)?;
        let entry = self
            .access
            .iter()
            .filter(|a| a.matches(&group.group, model, level, context))
            .max_by_key(|a| a.preference())
            .ok_or(Denial::NoAccessEntry)?;
        let resolve = |i: Option<usize>| i.and_then(|i| self.views.get(i)).map_or(&NOTHING, |(_, v)| v);
        Ok(Views { read: resolve(entry.resolved[0]), write: resolve(entry.resolved[1]) })
    }

    /// Resolves the access entries' view names once every file is read; returns the
    /// entries naming views that no `view` line defines (`none` is the usual "no view").
    pub fn finish(&mut self) -> Vec<(Origin, String)> {
        let mut problems = Vec::new();
        let names: Vec<String> = self.views.iter().map(|(n, _)| n.clone()).collect();
        for entry in &mut self.access {
            let names_of = [entry.read.clone(), entry.write.clone(), entry.notify.clone()];
            for (slot, name) in entry.resolved.iter_mut().zip(names_of) {
                *slot = names.iter().position(|n| *n == name);
                // "none", or "" (a kind an authcommunity line does not grant), is no view.
                if slot.is_none() && name != "none" && !name.is_empty() {
                    problems.push((
                        entry.origin.clone(),
                        format!("access: unknown view {name:?} (no view line defines it): it grants nothing"),
                    ));
                }
            }
        }
        problems
    }

    /// The number of this shorthand line, counted from 1.
    fn next_shorthand(&mut self) -> usize {
        self.shorthands += 1;
        self.shorthands
    }

    /// Tables granting `community` read access to everything from any IPv4 or IPv6 source
    /// (the device simulator's configuration).
    pub fn read_only_community(community: &[u8]) -> Vacm {
        let mut vacm = Vacm::default();
        for ipv6 in [false, true] {
            vacm.add_community(
                community,
                vec![Source::Any { ipv6 }],
                (Vec::new(), ContextMatch::Prefix),
                ImpliedView::Subtree(None),
                parse::ViewTypes::READ,
                Origin::default(),
            );
        }
        vacm.finish();
        vacm
    }
}

/// The view a shorthand line (`rocommunity`, `rouser`) grants.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ImpliedView {
    /// An OID subtree, or everything.
    Subtree(Option<snmp::Oid>),
    /// `-V VIEW`: a view defined by `view` lines.
    Named(String),
}
