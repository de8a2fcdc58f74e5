//! UCD-SNMP-MIB's extTable (1.3.6.1.4.1.2021.8) for `exec` and `sh` lines, as snmpd 5.9
//! serves it from the same runs as their NET-SNMP-EXTEND-MIB rows: extIndex (config order),
//! extNames, extCommand, extResult, extOutput (the first line), and extErrFix/extErrFixCmd
//! (0 and "": no fix commands).

use std::sync::Arc;

use snmp::{Oid, Value, VarBind};

use super::Entry;
use crate::handler::MibHandler;
use crate::view::View;

/// extTable.
const EXT_TABLE: [u32; 8] = [1, 3, 6, 1, 4, 1, 2021, 8];
/// The columns a run fills.
const RESULT: u32 = 100;
const OUTPUT: u32 = 101;

pub struct ExtTable {
    root: Oid,
    /// Row `i + 1` is `entries[i]`.
    entries: Vec<Arc<Entry>>,
    objects: Vec<Oid>,
}

impl std::fmt::Debug for ExtTable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ExtTable").field("rows", &self.entries.len()).finish()
    }
}

impl ExtTable {
    pub(super) fn new(entries: Vec<Arc<Entry>>) -> ExtTable {
        let root = Oid::from(EXT_TABLE);
        let objects = [1, 2, 3, RESULT, OUTPUT, 102, 103].iter().map(|c| root.child(&[1, *c])).collect();
        ExtTable { root, entries, objects }
    }

    /// Row `row`'s cells; with `run`, the run's result and first line (running it if stale).
    fn cells(&self, row: u32, entry: &Entry, run: bool) -> Vec<VarBind<'static>> {
        let cell = |column: u32| self.root.child(&[1, column, row]);
        let text = |s: &[u8]| Value::string(s.to_vec());
        let mut cells = vec![
            VarBind::new(cell(1), Value::Integer(row as i32)),
            VarBind::new(cell(2), text(entry.spec.name.as_bytes())),
            VarBind::new(cell(3), text(entry.spec.command_line().as_bytes())),
            VarBind::new(cell(102), Value::Integer(0)),
            VarBind::new(cell(103), text(b"")),
        ];
        if run {
            let outputs = entry.outputs();
            let first_line = outputs.outcome.output.split(|b| *b == b'\n').next().unwrap_or_default();
            cells.push(VarBind::new(cell(RESULT), Value::Integer(outputs.outcome.result)));
            cells.push(VarBind::new(cell(OUTPUT), text(first_line)));
        }
        cells
    }

    fn rows(&self) -> impl Iterator<Item = (u32, &Arc<Entry>)> {
        self.entries.iter().enumerate().map(|(i, e)| (i as u32 + 1, e))
    }
}

impl MibHandler for ExtTable {
    fn root(&self) -> &Oid {
        &self.root
    }

    fn get(&self, oid: &Oid) -> Value<'static> {
        let (column, row) = match oid.as_slice().strip_prefix(self.root.as_slice()) {
            Some([1, column, row]) => (*column, *row),
            _ => (0, 0),
        };
        let cells = match self.rows().find(|(n, _)| *n == row) {
            Some((n, entry)) => self.cells(n, entry, column == RESULT || column == OUTPUT),
            None => Vec::new(),
        };
        View::new(cells, self.objects.clone()).get(oid)
    }

    fn get_next(&self, oid: &Oid) -> Option<VarBind<'static>> {
        let view = |run: bool| {
            let cells = self.rows().flat_map(|(n, entry)| self.cells(n, entry, run)).collect();
            View::new(cells, self.objects.clone())
        };
        // The configuration columns come before the result and output ones: a walk runs the
        // commands only once it gets there.
        let first_run_column = self.root.child(&[1, RESULT]);
        if *oid < first_run_column
            && let Some(next) = view(false).get_next(oid).filter(|next| next.oid < first_run_column)
        {
            return Some(next);
        }
        view(true).get_next(oid)
    }
}
