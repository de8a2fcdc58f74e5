//! NET-SNMP-EXTEND-MIB: the commands of `extend`/`extend-sh` lines and their output, with
//! snmpd's rows and values (nsExtendNumEntries, nsExtendConfigTable, nsExtendOutput1Table,
//! nsExtendOutput2Table), under nsExtendObjects or a line's own MIBOID.
//!
//! The one handler that may block a request: as in snmpd, a command runs when its output is
//! read and the last run is older than the cache time (5 s), and the request waits for it
//! (at most [`run::TIME_LIMIT`]). A GET runs only the extension it names; a walk runs each
//! as it reaches the output tables. Concurrent requests share one run.

pub mod run;
pub mod spec;
mod ucd;

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use snmp::{Oid, Value, VarBind};

use crate::handler::MibHandler;
use crate::view::View;
pub use spec::ExtendSpec;

/// nsExtendCacheTime: how long one run's output is served.
const CACHE_TIME: Duration = Duration::from_secs(5);
/// Configured rows: StorageType permanent, RowStatus active.
const PERMANENT: i32 = 4;
const ACTIVE: i32 = 1;

/// One extension, its row index and its last run.
struct Entry {
    spec: ExtendSpec,
    index: Vec<u32>,
    last_run: Mutex<Option<(Instant, Arc<Run>)>>,
}

/// What one run gave, and its rows in the output tables.
struct Run {
    outcome: run::Outcome,
    rows: Vec<VarBind<'static>>,
}

/// The extensions under one root.
pub struct ExtendTables {
    root: Oid,
    config: View,
    /// Sorted by index, as the tables are.
    entries: Vec<Arc<Entry>>,
    output_objects: Vec<Oid>,
}

impl std::fmt::Debug for ExtendTables {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ExtendTables").field("root", &self.root).field("entries", &self.entries.len()).finish()
    }
}

/// The handlers of the lines: one per root they use, nsExtendObjects always (snmpd serves
/// nsExtendNumEntries.0 = 0 without any line), and UCD-SNMP-MIB's extTable when there are
/// `exec`/`sh` lines. A line's runs are shared by the tables that show it.
pub fn handlers(specs: &[ExtendSpec]) -> Vec<Arc<dyn MibHandler>> {
    let entries: Vec<Arc<Entry>> = specs.iter().map(|spec| Arc::new(Entry::new(spec.clone()))).collect();
    let mut by_root: BTreeMap<Oid, Vec<Arc<Entry>>> = BTreeMap::new();
    by_root.insert(Oid::from(spec::NS_EXTEND_OBJECTS), Vec::new());
    for entry in &entries {
        by_root.entry(entry.spec.root.clone()).or_default().push(entry.clone());
    }
    let mut out: Vec<Arc<dyn MibHandler>> =
        by_root.into_iter().map(|(root, entries)| Arc::new(ExtendTables::new(root, entries)) as _).collect();
    let ucd: Vec<Arc<Entry>> = entries.into_iter().filter(|e| e.spec.ucd).collect();
    if !ucd.is_empty() {
        out.push(Arc::new(ucd::ExtTable::new(ucd)));
    }
    out
}

impl ExtendTables {
    fn new(root: Oid, mut entries: Vec<Arc<Entry>>) -> ExtendTables {
        entries.sort_by(|a, b| a.index.cmp(&b.index));
        let config_entry = root.child(&[2, 1]);
        let mut values = vec![VarBind::new(root.child(&[1, 0]), Value::Integer(entries.len() as i32))];
        for entry in &entries {
            let cell = |column: u32| config_entry.child(&[column]).child(&entry.index);
            let text = |s: &str| Value::string(s.as_bytes().to_vec());
            let exec_type = if entry.spec.shell { 2 } else { 1 };
            values.extend([
                VarBind::new(cell(2), text(&entry.spec.command)),
                VarBind::new(cell(3), text(&entry.spec.args)),
                VarBind::new(cell(4), text("")),
                VarBind::new(cell(5), Value::Integer(CACHE_TIME.as_secs() as i32)),
                VarBind::new(cell(6), Value::Integer(exec_type)),
                // run-on-read
                VarBind::new(cell(7), Value::Integer(1)),
                VarBind::new(cell(20), Value::Integer(PERMANENT)),
                VarBind::new(cell(21), Value::Integer(ACTIVE)),
            ]);
        }
        let mut config_objects = vec![root.child(&[1])];
        config_objects.extend([2, 3, 4, 5, 6, 7, 20, 21].map(|c| config_entry.child(&[c])));
        let mut output_objects: Vec<Oid> = (1..=4).map(|c| root.child(&[3, 1, c])).collect();
        output_objects.push(root.child(&[4, 1, 2]));
        ExtendTables { config: View::new(values, config_objects), entries, output_objects, root }
    }

    /// The entry an OID in the output tables names (nsExtendOutput1Table.COLUMN.INDEX or
    /// nsExtendOutput2Table's nsExtendOutLine.INDEX.LINE).
    fn entry_of(&self, oid: &Oid) -> Option<&Arc<Entry>> {
        let rest = oid.as_slice().strip_prefix(self.root.as_slice())?;
        let instance = match rest {
            [3, 1, 1..=4, instance @ ..] => instance,
            [4, 1, 2, instance @ ..] => instance.split_last().map(|(_, index)| index)?,
            _ => return None,
        };
        self.entries.iter().find(|e| e.index == instance)
    }

    /// Every entry's output rows, each run again if stale.
    fn outputs(&self) -> View {
        let values = self.entries.iter().flat_map(|e| e.outputs().rows.clone()).collect();
        View::new(values, self.output_objects.clone())
    }
}

impl Entry {
    fn new(spec: ExtendSpec) -> Entry {
        let mut index = vec![spec.name.len() as u32];
        index.extend(spec.name.bytes().map(u32::from));
        Entry { spec, index, last_run: Mutex::new(None) }
    }

    /// The last run if younger than the cache time, else a new one.
    fn outputs(&self) -> Arc<Run> {
        let mut last = self.last_run.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((at, run)) = last.as_ref()
            && at.elapsed() < CACHE_TIME
        {
            return run.clone();
        }
        let outcome = run::run(&self.spec);
        let run = Arc::new(Run { rows: self.rows(&outcome), outcome });
        *last = Some((Instant::now(), run.clone()));
        run
    }

    fn rows(&self, outcome: &run::Outcome) -> Vec<VarBind<'static>> {
        let root = &self.spec.root;
        let output1 = |column: u32| root.child(&[3, 1, column]).child(&self.index);
        // snmpd counts an empty output as one empty line.
        let lines: Vec<&[u8]> = outcome.output.split(|b| *b == b'\n').collect();
        let mut rows = vec![
            VarBind::new(output1(1), Value::string(lines.first().copied().unwrap_or_default().to_vec())),
            VarBind::new(output1(2), Value::string(outcome.output.clone())),
            VarBind::new(output1(3), Value::Integer(lines.len() as i32)),
            VarBind::new(output1(4), Value::Integer(outcome.result)),
        ];
        let out_line = root.child(&[4, 1, 2]).child(&self.index);
        for (n, line) in lines.iter().enumerate() {
            rows.push(VarBind::new(out_line.child(&[n as u32 + 1]), Value::string(line.to_vec())));
        }
        rows
    }
}

impl MibHandler for ExtendTables {
    fn root(&self) -> &Oid {
        &self.root
    }

    fn get(&self, oid: &Oid) -> Value<'static> {
        match self.entry_of(oid) {
            Some(entry) => View::new(entry.outputs().rows.clone(), self.output_objects.clone()).get(oid),
            None if oid.as_slice().get(self.root.len()).is_some_and(|arc| *arc >= 3) => {
                View::new(Vec::new(), self.output_objects.clone()).get(oid)
            }
            None => self.config.get(oid),
        }
    }

    fn get_next(&self, oid: &Oid) -> Option<VarBind<'static>> {
        // The configuration rows sort before every output row.
        self.config.get_next(oid).or_else(|| self.outputs().get_next(oid))
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn handler(lines: &[&str]) -> Arc<dyn MibHandler> {
        let specs: Vec<ExtendSpec> = lines.iter().map(|l| spec::parse(l, false).unwrap()).collect();
        handlers(&specs).into_iter().next().unwrap()
    }

    fn oid(text: &str) -> Oid {
        text.parse().unwrap()
    }

    #[test]
    fn get_runs_only_the_named_extension() {
        let dir = tempfile::tempdir().unwrap();
        let marker = dir.path().join("ran");
        let h = handler(&["hello /bin/echo hello world", &format!("touch /bin/sh -c 'touch {}'", marker.display())]);
        // nsExtendOutputFull."hello"
        assert_eq!(
            h.get(&oid("1.3.6.1.4.1.8072.1.3.2.3.1.2.5.104.101.108.108.111")),
            Value::string(b"hello world".to_vec())
        );
        assert!(!marker.exists(), "the other extension ran");
        assert_eq!(h.get(&oid("1.3.6.1.4.1.8072.1.3.2.3.1.2.3.110.111.112")), Value::NoSuchInstance);
        assert_eq!(h.get(&oid("1.3.6.1.4.1.8072.1.3.2.1.0")), Value::Integer(2));
    }

    #[test]
    fn a_walk_reads_config_then_every_output() {
        // A backslash escapes in snmpd.conf, so printf's `\n` is written `\\n`.
        let h = handler(&[r"b /bin/printf 'x\\ny\\n'", "a /bin/true"]);
        let mut seen = Vec::new();
        let mut at = h.root().clone();
        while let Some(vb) = h.get_next(&at) {
            seen.push((vb.oid.to_string(), vb.value.clone()));
            at = vb.oid;
        }
        let find = |suffix: &str| {
            seen.iter().find(|(o, _)| o.ends_with(suffix)).map(|(_, v)| v.clone()).unwrap_or(Value::Null)
        };
        assert_eq!(find("2.3.1.3.1.98"), Value::Integer(2), "nsExtendOutNumLines.\"b\"");
        assert_eq!(find("2.3.1.3.1.97"), Value::Integer(1), "an empty output is one line");
        assert_eq!(find("2.4.1.2.1.98.2"), Value::string(b"y".to_vec()));
        // "a" sorts before "b" (same length, then octets); config rows come first.
        let a = seen.iter().position(|(o, _)| o.ends_with("2.2.1.2.1.97")).unwrap();
        let b = seen.iter().position(|(o, _)| o.ends_with("2.2.1.2.1.98")).unwrap();
        assert!(a < b && seen.first().is_some_and(|(o, _)| o.ends_with("2.1.0")));
    }
}
