//! snmpd.conf's access-control lines into the [`Vacm`] tables, with net-snmp's syntax:
//! `com2sec[6] [-Cn CONTEXT] SECNAME SOURCE COMMUNITY`, `group GROUP MODEL SECNAME`,
//! `view NAME included|excluded SUBTREE [MASK]`,
//! `access GROUP CONTEXT MODEL LEVEL exact|prefix READ WRITE NOTIFY`, and the shorthands
//! `ro/rwcommunity[6] COMMUNITY [SOURCE [OID | -V VIEW [CONTEXT]]]`,
//! `ro/rwuser [-s usm] USER [noauth|auth|priv [OID | -V VIEW [CONTEXT]]]`, and their
//! `authcommunity`/`authuser`/`authgroup TYPES ...` forms, which expand to the same tables,
//! under the same names, as snmpd expands them (com2sec, a group for v1 and v2c, a view, an
//! access entry granting the view for the line's [`ViewTypes`]).

use std::str::FromStr;

use snmp::{Oid, SecurityLevel, SecurityModel};

use super::{ALL_VIEW, AccessEntry, Com2Sec, ContextMatch, GroupEntry, ImpliedView, Origin, Vacm, ViewFamily, view};
use crate::access::{Source, parse_source};

/// The directives this module reads.
pub const DIRECTIVES: &[&str] = &[
    "com2sec",
    "com2sec6",
    "group",
    "view",
    "access",
    "rouser",
    "rwuser",
    "rocommunity",
    "rwcommunity",
    "rocommunity6",
    "rwcommunity6",
    "authcommunity",
    "authuser",
    "authgroup",
];

/// A subtree as snmpd.conf writes it: numeric (`.1.3.6.1.2.1.1`) or a name the built-in
/// MIB modules know (`system`, `SNMPv2-MIB::system`, `.iso.org.dod.internet`).
pub fn parse_subtree(text: &str) -> Result<Oid, String> {
    if let Ok(oid) = Oid::from_str(text) {
        return Ok(oid);
    }
    mibs::Mib::builtin().parse_oid(text).map_err(|e| format!("unknown OID {text:?}: {e}"))
}

/// A shorthand's context (rouser, rocommunity -V): one written with a trailing `*` matches
/// as a prefix, and so does a missing one (the empty prefix, as snmpd writes it).
fn context_of(word: Option<&&str>) -> (Vec<u8>, ContextMatch) {
    let Some(word) = word else { return (Vec::new(), ContextMatch::Prefix) };
    match word.strip_suffix('*') {
        Some(prefix) => (prefix.as_bytes().to_vec(), ContextMatch::Prefix),
        None => (word.as_bytes().to_vec(), ContextMatch::Exact),
    }
}

impl Vacm {
    /// Applies one line whose directive is in [`DIRECTIVES`].
    pub fn directive(&mut self, directive: &str, words: &[&str], origin: Origin) -> Result<(), String> {
        match directive {
            "com2sec" | "com2sec6" => self.com2sec_line(words, directive == "com2sec6"),
            "group" => self.group_line(words),
            "view" => self.view_line(words),
            "access" => self.access_line(words, origin),
            "rouser" => self.user_line(directive, ViewTypes::READ, words, origin),
            "rwuser" => self.user_line(directive, ViewTypes::READ_WRITE_NOTIFY, words, origin),
            "rocommunity" | "rocommunity6" => self.community_line(directive, ViewTypes::READ, words, origin),
            "rwcommunity" | "rwcommunity6" => {
                self.community_line(directive, ViewTypes::READ_WRITE_NOTIFY, words, origin)
            }
            "authcommunity" | "authuser" | "authgroup" => {
                let [types, rest @ ..] = words else { return Err(format!("{directive} needs TYPES")) };
                let types = ViewTypes::parse(types).map_err(|e| format!("{directive}: {e}"))?;
                if directive == "authcommunity" {
                    self.community_line(directive, types, rest, origin)
                } else {
                    self.user_line(directive, types, rest, origin)
                }
            }
            other => Err(format!("{other} is not an access control directive")),
        }
    }

    fn com2sec_line(&mut self, words: &[&str], ipv6: bool) -> Result<(), String> {
        let (context, words) = match words {
            ["-Cn", context, rest @ ..] => (context.as_bytes().to_vec(), rest),
            ["-Cn"] => return Err("com2sec: -Cn needs a context name".into()),
            _ => (Vec::new(), words),
        };
        let [sec_name, source, community] = words else {
            return Err("com2sec needs SECNAME SOURCE COMMUNITY".into());
        };
        let source = match *source {
            "default" => Source::Any { ipv6 },
            s => parse_source(s, ipv6)?,
        };
        self.com2sec.push(Com2Sec {
            sec_name: sec_name.as_bytes().to_vec(),
            source,
            community: community.as_bytes().to_vec(),
            context,
        });
        Ok(())
    }

    fn group_line(&mut self, words: &[&str]) -> Result<(), String> {
        let [group, model, sec_name] = words else {
            return Err("group needs GROUP MODEL SECNAME".into());
        };
        let model = SecurityModel::parse(model)
            .ok_or_else(|| format!("group: unknown security model {model:?} (v1, v2c or usm)"))?;
        // The first line for a (model, name) pair decides, as in snmpd.
        self.groups.push(GroupEntry {
            group: group.as_bytes().to_vec(),
            model,
            sec_name: sec_name.as_bytes().to_vec(),
        });
        Ok(())
    }

    fn view_line(&mut self, words: &[&str]) -> Result<(), String> {
        let (name, kind, subtree, mask) = match words {
            [n, k, s] => (n, k, s, None),
            [n, k, s, m] => (n, k, s, Some(m)),
            _ => return Err("view needs NAME included|excluded SUBTREE [MASK]".into()),
        };
        let included = match *kind {
            "included" => true,
            "excluded" => false,
            other => return Err(format!("view: {other:?} is neither included nor excluded")),
        };
        let subtree = parse_subtree(subtree)?;
        let mask = mask.map(|m| view::parse_mask(m)).transpose()?.unwrap_or_default();
        self.add_family(name, ViewFamily { subtree, mask, included });
        Ok(())
    }

    fn access_line(&mut self, words: &[&str], origin: Origin) -> Result<(), String> {
        let [group, context, model, level, prefix, read, write, notify] = words else {
            let missing = ["GROUP", "CONTEXT", "MODEL", "LEVEL", "exact|prefix", "READ", "WRITE", "NOTIFY"]
                .get(words.len()..)
                .map(|m| m.join(" "))
                .unwrap_or_default();
            return Err(if missing.is_empty() {
                "access: too many fields".into()
            } else {
                format!("access: missing {missing}")
            });
        };
        let model = match model.to_ascii_lowercase().as_str() {
            "any" => None,
            m => Some(
                SecurityModel::parse(m)
                    .ok_or_else(|| format!("access: unknown security model {model:?} (any, v1, v2c or usm)"))?,
            ),
        };
        let level = SecurityLevel::parse(level)
            .ok_or_else(|| format!("access: unknown security level {level:?} (noauth, auth or priv)"))?;
        let context_match = match *prefix {
            "exact" => ContextMatch::Exact,
            "prefix" => ContextMatch::Prefix,
            other => return Err(format!("access: {other:?} is neither exact nor prefix")),
        };
        self.access.push(AccessEntry::new(
            group.as_bytes(),
            context.as_bytes(),
            model,
            level,
            context_match,
            [read, write, notify],
            origin,
        ));
        Ok(())
    }

    /// `[OID | -V VIEW [CONTEXT]]` after a shorthand's fixed fields.
    fn implied_view(words: &[&str]) -> Result<(ImpliedView, Vec<u8>, ContextMatch), String> {
        match words {
            [] => Ok((ImpliedView::Subtree(None), Vec::new(), ContextMatch::Prefix)),
            ["-V", view, rest @ ..] if rest.len() <= 1 => {
                let (context, matching) = context_of(rest.first());
                Ok((ImpliedView::Named(view.to_string()), context, matching))
            }
            ["-V"] => Err("-V needs a view name".into()),
            [oid] => Ok((ImpliedView::Subtree(Some(parse_subtree(oid)?)), Vec::new(), ContextMatch::Prefix)),
            _ => Err("too many arguments".into()),
        }
    }

    /// The view name an implied entry reads through: snmpd's `_all_` for everything, else a
    /// view of the subtree named after the line (`viewComm3`, `viewUSM4`).
    fn implied_view_name(&mut self, view: ImpliedView, line_name: String) -> String {
        match view {
            ImpliedView::Named(name) => name,
            ImpliedView::Subtree(None) => ALL_VIEW.to_string(),
            ImpliedView::Subtree(Some(subtree)) => {
                let name = format!("view{line_name}");
                self.add_family(&name, ViewFamily { subtree, mask: Vec::new(), included: true });
                name
            }
        }
    }

    /// `ro/rwcommunity[6]` and `authcommunity`: `COMMUNITY [SOURCE [OID | -V VIEW [CONTEXT]]]`.
    /// authcommunity, like snmpd's, serves IPv4 and IPv6 alike from a `default` source.
    fn community_line(
        &mut self,
        directive: &str,
        types: ViewTypes,
        words: &[&str],
        origin: Origin,
    ) -> Result<(), String> {
        let ipv6 = directive.ends_with('6');
        let both = directive == "authcommunity";
        let (community, sources, rest) = match words {
            [] => return Err(format!("{directive} needs a community name")),
            [c, s, rest @ ..] if *s != "default" => (c, vec![parse_source(s, ipv6)?], rest),
            [c, rest @ ..] => {
                let rest = rest.get(1..).unwrap_or_default();
                let any = |ipv6| Source::Any { ipv6 };
                (c, if both { vec![any(false), any(true)] } else { vec![any(ipv6)] }, rest)
            }
        };
        let (view, context, context_match) = Self::implied_view(rest)?;
        self.add_community(community.as_bytes(), sources, (context, context_match), view, types, origin);
        Ok(())
    }

    /// What one community shorthand means: com2sec (one per source) + a group for v1 and
    /// v2c + an access entry (any model, noauth) granting the view for `types`.
    pub(super) fn add_community(
        &mut self,
        community: &[u8],
        sources: Vec<Source>,
        (context, context_match): (Vec<u8>, ContextMatch),
        view: ImpliedView,
        types: ViewTypes,
        origin: Origin,
    ) {
        // snmpd's names: the Nth shorthand line's community is "commN" in group "grpcommN".
        let n = self.next_shorthand();
        let sec_name = format!("comm{n}").into_bytes();
        let group = format!("grpcomm{n}").into_bytes();
        let view = self.implied_view_name(view, format!("Comm{n}"));
        for model in [SecurityModel::V1, SecurityModel::V2c] {
            self.groups.push(GroupEntry { group: group.clone(), model, sec_name: sec_name.clone() });
        }
        for source in sources {
            let (sec_name, community, context) = (sec_name.clone(), community.to_vec(), context.clone());
            self.com2sec.push(Com2Sec { sec_name, source, community, context });
        }
        let (views, others) = types.access_views(&view);
        let views = views.each_ref().map(String::as_str);
        self.access.push(
            AccessEntry::new(&group, &context, None, SecurityLevel::NoAuthNoPriv, context_match, views, origin)
                .with_other_views(others),
        );
    }

    /// `ro/rwuser`, `authuser` and `authgroup`:
    /// `[-s usm] NAME [noauth|auth|priv [OID | -V VIEW [CONTEXT]]]`.
    fn user_line(&mut self, directive: &str, types: ViewTypes, words: &[&str], origin: Origin) -> Result<(), String> {
        let words = match words {
            ["-s", model, rest @ ..] => {
                if SecurityModel::parse(model) != Some(SecurityModel::Usm) {
                    return Err(format!("{directive}: security model {model:?} is not supported (usm)"));
                }
                rest
            }
            _ => words,
        };
        let (name, level, rest) = match words {
            [] => return Err(format!("{directive} needs a name")),
            // snmpd's default for these lines: authNoPriv.
            [name] => (name, SecurityLevel::AuthNoPriv, &[][..]),
            [name, level, rest @ ..] => {
                let level = SecurityLevel::parse(level)
                    .ok_or_else(|| format!("{directive}: unknown security level {level:?} (noauth, auth or priv)"))?;
                (name, level, rest)
            }
        };
        let (view, context, context_match) = Self::implied_view(rest)?;
        // snmpd's names: the Nth shorthand line's view is "viewUSMN"; user U is in group
        // "grpU" (28 characters of U at most, each not alphanumeric made '_'); authgroup
        // names an existing group.
        let n = self.next_shorthand();
        let view = self.implied_view_name(view, format!("USM{n}"));
        let group = if directive == "authgroup" {
            name.as_bytes().to_vec()
        } else {
            let group: String =
                name.chars().take(28).map(|c| if c.is_ascii_alphanumeric() { c } else { '_' }).collect();
            let group = format!("grp{group}").into_bytes();
            let sec_name = name.as_bytes().to_vec();
            self.groups.push(GroupEntry { group: group.clone(), model: SecurityModel::Usm, sec_name });
            group
        };
        let (views, others) = types.access_views(&view);
        let views = views.each_ref().map(String::as_str);
        let model = Some(SecurityModel::Usm);
        self.access.push(
            AccessEntry::new(&group, &context, model, level, context_match, views, origin).with_other_views(others),
        );
        Ok(())
    }
}

/// The kinds of access a shorthand line grants (net-snmp's view types: read, write, notify
/// and its own log, execute and net), as a bit set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ViewTypes(u8);

impl ViewTypes {
    const NAMES: [&'static str; 6] = ["read", "write", "notify", "log", "execute", "net"];
    pub const READ: ViewTypes = ViewTypes(0b1);
    const READ_WRITE: ViewTypes = ViewTypes(0b11);
    pub const READ_WRITE_NOTIFY: ViewTypes = ViewTypes(0b111);

    /// `read,write,...` as authcommunity/authuser/authgroup write it.
    pub fn parse(text: &str) -> Result<ViewTypes, String> {
        let mut bits = 0;
        for word in text.split(',') {
            let at = Self::NAMES
                .iter()
                .position(|n| n.eq_ignore_ascii_case(word))
                .ok_or_else(|| format!("unknown access type {word:?} (read, write, notify, log, execute or net)"))?;
            bits |= 1 << at;
        }
        Ok(ViewTypes(bits))
    }

    fn has(self, at: usize) -> bool {
        self.0 & (1 << at) != 0
    }

    /// The access entry's read, write and notify view names, and the other kinds granted,
    /// as snmpd writes them: `read` alone, or `read,write`, make a classic access line (the
    /// view to read, and to write and notify through when writing, else "none"); any other
    /// set names only its own kinds ("" elsewhere).
    fn access_views(self, view: &str) -> ([String; 3], Vec<(&'static str, String)>) {
        let views = if self == Self::READ || self == Self::READ_WRITE {
            let rw = if self.has(1) { view } else { "none" };
            [view, rw, rw].map(str::to_string)
        } else {
            [0, 1, 2].map(|at| if self.has(at) { view.to_string() } else { String::new() })
        };
        let others = Self::NAMES.iter().enumerate().skip(3).filter(|(at, _)| self.has(*at));
        (views, others.map(|(_, name)| (*name, view.to_string())).collect())
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use snmp::SecurityLevel::{AuthNoPriv, AuthPriv, NoAuthNoPriv};
    use snmp::SecurityModel::{Usm, V1, V2c};

    use super::super::Denial;
    use super::*;

    fn vacm(lines: &str) -> Vacm {
        let mut v = Vacm::default();
        for (i, line) in lines.lines().enumerate() {
            let words = crate::config::words(line).unwrap();
            let words: Vec<&str> = words.iter().map(String::as_str).collect();
            if let [directive, rest @ ..] = words.as_slice() {
                v.directive(directive, rest, Origin { file: "t".into(), line: i + 1 }).unwrap();
            }
        }
        assert!(v.finish().is_empty());
        v
    }

    fn read_view<'a>(
        v: &'a Vacm,
        model: SecurityModel,
        name: &str,
        level: SecurityLevel,
    ) -> Option<&'a super::super::MibView> {
        v.authorize(model, name.as_bytes(), level, b"").ok().map(|views| views.read)
    }

    const BASE: &str = "view sys included system\nview if included .1.3.6.1.2.1.2\nview all included .1\n";

    #[test]
    fn com2sec_first_match_in_order() {
        let v = vacm(
            "com2sec local 127.0.0.1 public\ncom2sec net 10.0.0.0/8 public\ncom2sec any default public\n\
             com2sec6 six ::1/128 public\ncom2sec -Cn ctx other 127.0.0.0/255.0.0.0 other",
        );
        let name = |c: &str, ip: &str| v.community(c.as_bytes(), ip.parse().unwrap()).map(|e| e.sec_name.clone());
        assert_eq!(name("public", "127.0.0.1").unwrap(), b"local");
        assert_eq!(name("public", "10.9.9.9").unwrap(), b"net");
        assert_eq!(name("public", "192.0.2.1").unwrap(), b"any");
        assert_eq!(name("public", "::1").unwrap(), b"six");
        assert_eq!(v.community(b"other", "127.1.2.3".parse().unwrap()).unwrap().context, b"ctx");
        assert!(name("private", "127.0.0.1").is_none());
    }

    #[test]
    fn access_best_match() {
        let v = vacm(&format!(
            "{BASE}group g v2c alice\ngroup g usm alice\ngroup g2 v2c alice\n\
             access g \"\" any noauth exact sys none none\n\
             access g \"\" v2c noauth exact if none none\n\
             access g \"\" usm auth exact all none none\n\
             access g \"\" usm priv exact if none none\n\
             access g \"\" usm noauth prefix sys none none\n"
        ));
        let first_oid = |view: &super::super::MibView| view.families().next().unwrap().subtree.to_string();
        // A specific model beats any; the first group line for a pair wins.
        assert_eq!(first_oid(read_view(&v, V2c, "alice", NoAuthNoPriv).unwrap()), "1.3.6.1.2.1.2");
        // Exact context beats prefix; a higher level beats a lower one.
        assert_eq!(first_oid(read_view(&v, Usm, "alice", AuthNoPriv).unwrap()), "1");
        assert_eq!(first_oid(read_view(&v, Usm, "alice", AuthPriv).unwrap()), "1.3.6.1.2.1.2");
        assert_eq!(first_oid(read_view(&v, Usm, "alice", NoAuthNoPriv).unwrap()), "1.3.6.1.2.1.1");
        assert_eq!(v.authorize(V1, b"alice", NoAuthNoPriv, b"").unwrap_err(), Denial::NoGroup);
        assert_eq!(v.authorize(V2c, b"alice", NoAuthNoPriv, b"ctx").unwrap_err(), Denial::UnknownContext);
        let v = vacm("group g usm bob\naccess g \"\" usm priv exact none none none");
        assert_eq!(v.authorize(Usm, b"bob", AuthNoPriv, b"").unwrap_err(), Denial::NoAccessEntry);
        // `none` grants nothing.
        assert!(!read_view(&v, Usm, "bob", AuthPriv).unwrap().contains(&[1, 3, 6, 1, 2, 1, 1, 1, 0]));
    }

    #[test]
    fn shorthands_expand_like_snmpd() {
        let v = vacm(&format!(
            "{BASE}rocommunity public 127.0.0.1\nrwcommunity private 127.0.0.1 .1.3.6.1.2.1.1\n\
             rocommunity sysonly default -V sys\nrouser ro\nrouser nopass noauth .1.3.6.1.2.1.2\nrwuser rw priv -V if"
        ));
        let from = "127.0.0.1".parse().unwrap();
        let authorize = |community: &str, model| {
            let e = v.community(community.as_bytes(), from).unwrap();
            v.authorize(model, &e.sec_name, NoAuthNoPriv, &e.context).unwrap()
        };
        assert!(authorize("public", V1).read.is_everything());
        assert!(!authorize("public", V2c).write.contains(&[1, 3, 6, 1, 2, 1, 1, 4, 0]));
        let private = authorize("private", V2c);
        assert!(private.write.contains(&[1, 3, 6, 1, 2, 1, 1, 4, 0]));
        assert!(!private.read.contains(&[1, 3, 6, 1, 2, 1, 2, 1, 0]));
        assert!(authorize("sysonly", V1).read.contains(&[1, 3, 6, 1, 2, 1, 1, 4, 0]));
        // rouser's default level is auth.
        assert_eq!(v.authorize(Usm, b"ro", NoAuthNoPriv, b"").unwrap_err(), Denial::NoAccessEntry);
        assert!(read_view(&v, Usm, "ro", AuthNoPriv).unwrap().is_everything());
        assert!(read_view(&v, Usm, "nopass", NoAuthNoPriv).unwrap().contains(&[1, 3, 6, 1, 2, 1, 2, 1, 0]));
        let rw = v.authorize(Usm, b"rw", AuthPriv, b"").unwrap();
        assert!(rw.write.contains(&[1, 3, 6, 1, 2, 1, 2, 1, 0]));
        assert!(v.authorize(Usm, b"rw", AuthNoPriv, b"").is_err());
    }

    #[test]
    fn bad_lines_are_errors_with_reasons() {
        let mut v = Vacm::default();
        let mut err = |d: &str, line: &str| {
            let words = crate::config::words(line).unwrap();
            let words: Vec<&str> = words.iter().map(String::as_str).collect();
            v.directive(d, &words, Origin::default()).unwrap_err()
        };
        assert!(err("view", "v included .1 fff").contains("mask"));
        assert!(err("view", "v sometimes .1").contains("neither"));
        assert!(err("view", "v included noSuchName").contains("unknown OID"));
        assert!(err("group", "g v3 alice").contains("security model"));
        assert!(err("access", "g \"\" any noauth exact all").contains("missing WRITE NOTIFY"));
        assert!(err("access", "g \"\" tsm noauth exact all none none").contains("security model"));
        assert!(err("access", "g \"\" any high exact all none none").contains("level"));
        assert!(err("com2sec", "name 127.0.0.1").contains("SECNAME SOURCE COMMUNITY"));
        assert!(err("rouser", "-s tsm bob").contains("not supported"));
        assert!(err("rocommunity", "public default -V").contains("view name"));
        let mut v = Vacm::default();
        v.directive(
            "access",
            &["g", "", "any", "noauth", "exact", "nosuch", "none", "none"],
            Origin { file: "f".into(), line: 9 },
        )
        .unwrap();
        let problems = v.finish();
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].0.line, 9);
        assert!(problems[0].1.contains("nosuch"));
    }

    #[test]
    fn subtree_names_resolve_through_the_mib() {
        assert_eq!(parse_subtree("system").unwrap().to_string(), "1.3.6.1.2.1.1");
        assert_eq!(parse_subtree("SNMPv2-MIB::system").unwrap().to_string(), "1.3.6.1.2.1.1");
        assert_eq!(parse_subtree(".1.3.6.1.2.1.2").unwrap().to_string(), "1.3.6.1.2.1.2");
        assert_eq!(parse_subtree(".iso.org.dod.internet").unwrap().to_string(), "1.3.6.1");
    }

    #[test]
    fn auth_lines_grant_the_kinds_they_name() {
        let v = vacm(&format!(
            "{BASE}authcommunity read,write rw 127.0.0.1\nauthcommunity write,log w default .1.3.6.1.2.1.1\n\
             authuser read -s usm my-user.x priv\nauthgroup notify gx auth -V sys\n"
        ));
        let entry = |group: &str| v.access.iter().find(|a| a.group == group.as_bytes()).unwrap();
        let views = |group: &str| {
            let a = entry(group);
            (a.read.as_str(), a.write.as_str(), a.notify.as_str())
        };
        assert_eq!(views("grpcomm1"), ("_all_", "_all_", "_all_"));
        assert_eq!(views("grpcomm2"), ("", "viewComm2", ""));
        assert_eq!(entry("grpcomm2").other_views, [("log", "viewComm2".to_string())]);
        // A default source serves IPv4 and IPv6.
        assert_eq!(v.com2sec.iter().filter(|c| c.community == b"w").count(), 2);
        assert_eq!(views("grpmy_user_x"), ("_all_", "none", "none"));
        assert_eq!(entry("grpmy_user_x").level, AuthPriv);
        assert_eq!(views("gx"), ("", "", "sys"));
        assert!(!v.groups.iter().any(|g| g.group == b"gx"), "authgroup names a group, it creates none");
        let err = |line: &str| {
            let words = crate::config::words(line).unwrap();
            let words: Vec<&str> = words.iter().map(String::as_str).collect();
            Vacm::default().directive(words[0], &words[1..], Origin::default()).unwrap_err()
        };
        assert!(err("authcommunity read,fly c").contains("unknown access type \"fly\""));
        assert!(err("authuser").contains("needs TYPES"));
    }
}
