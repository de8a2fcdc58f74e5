//! SNMP-VIEW-BASED-ACM-MIB (RFC 3415) as snmpd serves it: the VACM tables the configuration
//! built, read-only, with snmpd's rows and names (the default context, the groups, the
//! access entries, `_all_`/`_none_` and every view family), fixed until the next reload; and
//! NET-SNMP-VACM-MIB's nsVacmAccessTable, snmpd's view of the same access entries with one
//! row per kind of access (read, write, notify).

use snmp::{Oid, SecurityModel, Value, VarBind};

use crate::vacm::{AccessEntry, ContextMatch, Vacm};
use crate::view::{StaticView, View};

/// vacmMIBObjects.
const VACM_OBJECTS: [u32; 8] = [1, 3, 6, 1, 6, 3, 16, 1];
/// NET-SNMP-VACM-MIB::netSnmpVacmMIB.
const NET_SNMP_VACM: [u32; 9] = [1, 3, 6, 1, 4, 1, 8072, 1, 9];
/// StorageType permanent and RowStatus active: what snmpd reports for configured rows.
const PERMANENT: i32 = 4;
const ACTIVE: i32 = 1;

/// A string index component: its length, then its octets.
fn push_string(index: &mut Vec<u32>, octets: &[u8]) {
    index.push(octets.len() as u32);
    index.extend(octets.iter().map(|b| u32::from(*b)));
}

/// Collects the cells of one table: entry OID `table.1`, column, row index.
struct Table {
    entry: Oid,
    values: Vec<VarBind<'static>>,
}

impl Table {
    fn new(table: &[u32]) -> Table {
        Table::under(&VACM_OBJECTS, table)
    }

    fn under(root: &[u32], table: &[u32]) -> Table {
        Table { entry: Oid::from_slice(root).child(table).child(&[1]), values: Vec::new() }
    }

    fn row(&mut self, index: &[u32], cells: impl IntoIterator<Item = (u32, Value<'static>)>) {
        for (column, value) in cells {
            let oid = self.entry.child(&[column]).child(index);
            self.values.push(VarBind::new(oid, value));
        }
    }

    fn columns(&self, columns: std::ops::RangeInclusive<u32>) -> impl Iterator<Item = Oid> + '_ {
        columns.map(|c| self.entry.child(&[c]))
    }
}

/// vacmAccessTable's index: group, context prefix, security model (0 for any), level.
fn access_index(a: &AccessEntry) -> Vec<u32> {
    let mut index = Vec::new();
    push_string(&mut index, &a.group);
    push_string(&mut index, &a.context);
    index.push(a.model.map_or(0, |m: SecurityModel| m as u32));
    index.push(a.level as u32);
    index
}

/// vacmAccessContextMatch: exact(1), prefix(2).
fn context_match(a: &AccessEntry) -> i32 {
    match a.context_match {
        ContextMatch::Exact => 1,
        ContextMatch::Prefix => 2,
    }
}

/// nsVacmAccessTable: a row per access entry and kind of access it grants (its index adds
/// the kind's name), with the context match and the view.
pub fn net_snmp_access_table(vacm: &Vacm) -> StaticView {
    let mut table = Table::under(&NET_SNMP_VACM, &[1]);
    for a in &vacm.access {
        let classic = [("read", &a.read), ("write", &a.write), ("notify", &a.notify)];
        let kinds = classic.into_iter().chain(a.other_views.iter().map(|(kind, view)| (*kind, view)));
        // A kind the entry does not grant ("") has no row.
        for (kind, view) in kinds.filter(|(_, view)| !view.is_empty()) {
            let mut index = access_index(a);
            push_string(&mut index, kind.as_bytes());
            table.row(
                &index,
                [
                    (2, Value::Integer(context_match(a))),
                    (3, Value::string(view.as_bytes().to_vec())),
                    (4, Value::Integer(PERMANENT)),
                    (5, Value::Integer(ACTIVE)),
                ],
            );
        }
    }
    let objects = table.columns(2..=5).collect();
    StaticView::new(Oid::from(NET_SNMP_VACM), View::new(table.values, objects))
}

/// The whole vacmMIBObjects subtree for `vacm`.
pub fn tables(vacm: &Vacm) -> StaticView {
    let text = |s: &[u8]| Value::string(s.to_vec());
    let mut contexts = Table::new(&[1]);
    // Only the default context exists here.
    contexts.row(&[0], [(1, text(b""))]);

    let mut groups = Table::new(&[2]);
    for g in &vacm.groups {
        let mut index = vec![g.model as u32];
        push_string(&mut index, &g.sec_name);
        groups.row(&index, [(3, text(&g.group)), (4, Value::Integer(PERMANENT)), (5, Value::Integer(ACTIVE))]);
    }

    let mut access = Table::new(&[4]);
    for a in &vacm.access {
        let index = access_index(a);
        let context_match = context_match(a);
        access.row(
            &index,
            [
                (4, Value::Integer(context_match)),
                (5, text(a.read.as_bytes())),
                (6, text(a.write.as_bytes())),
                (7, text(a.notify.as_bytes())),
                (8, Value::Integer(PERMANENT)),
                (9, Value::Integer(ACTIVE)),
            ],
        );
    }

    let mut families = Table::new(&[5, 2]);
    for (name, view) in &vacm.views {
        for family in view.families() {
            let mut index = Vec::new();
            push_string(&mut index, name.as_bytes());
            index.push(family.subtree.len() as u32);
            index.extend_from_slice(family.subtree.as_slice());
            let kind = if family.included { 1 } else { 2 };
            families.row(
                &index,
                [
                    (3, text(&family.mask)),
                    (4, Value::Integer(kind)),
                    (5, Value::Integer(PERMANENT)),
                    (6, Value::Integer(ACTIVE)),
                ],
            );
        }
    }

    let root = Oid::from(VACM_OBJECTS);
    let spin_lock = root.child(&[5, 1]);
    let mut objects: Vec<Oid> = contexts.columns(1..=1).collect();
    objects.extend(groups.columns(3..=5));
    objects.extend(access.columns(4..=9));
    objects.push(spin_lock.clone());
    objects.extend(families.columns(3..=6));
    // vacmViewSpinLock: 0 and read-only here, as usmUserSpinLock (no row changes over SNMP).
    let mut values = vec![VarBind::new(spin_lock.child(&[0]), Value::Integer(0))];
    for table in [contexts, groups, access, families] {
        values.extend(table.values);
    }
    StaticView::new(root, View::new(values, objects))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::config::Config;
    use crate::handler::MibHandler;

    fn get(view: &StaticView, oid: &str) -> Value<'static> {
        view.get(&oid.parse().unwrap())
    }

    #[test]
    fn shorthand_lines_appear_under_snmpds_names() {
        let (config, warnings) = Config::parse("rocommunity public\nrouser bob noauth .1.3.6.1.2.1.1\n", "t");
        assert!(warnings.is_empty(), "{warnings:?}");
        let view = tables(&config.vacm);
        // vacmGroupName for (v2c, "comm1") and (usm, "bob").
        assert_eq!(get(&view, "1.3.6.1.6.3.16.1.2.1.3.2.5.99.111.109.109.49"), Value::string(b"grpcomm1".to_vec()));
        assert_eq!(get(&view, "1.3.6.1.6.3.16.1.2.1.3.3.3.98.111.98"), Value::string(b"grpbob".to_vec()));
        // bob's access entry: ("grpbob", "", usm, noAuthNoPriv), prefix match, read viewUSM2.
        let entry = "1.3.6.1.6.3.16.1.4.1.{}.6.103.114.112.98.111.98.0.3.1";
        assert_eq!(get(&view, &entry.replace("{}", "4")), Value::Integer(2));
        assert_eq!(get(&view, &entry.replace("{}", "5")), Value::string(b"viewUSM2".to_vec()));
        // _none_ excludes .2.
        assert_eq!(get(&view, "1.3.6.1.6.3.16.1.5.2.1.4.6.95.110.111.110.101.95.1.2"), Value::Integer(2));
        assert_eq!(get(&view, "1.3.6.1.6.3.16.1.5.1.0"), Value::Integer(0));
    }
}
