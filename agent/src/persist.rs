//! The agent's state file: values set over SNMP (sysContact, sysName, sysLocation) kept
//! across restarts, as snmpd keeps them in its persistent snmpd.conf. One `key value` per
//! line; written whole to a temporary file and renamed, so a crash never leaves half a file.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

#[derive(Debug)]
pub struct StateFile {
    path: PathBuf,
    values: Mutex<BTreeMap<String, String>>,
}

impl StateFile {
    /// Opens (or starts) the state file `dir/osprey-agent.state`. Unreadable lines are
    /// skipped; a missing file is an empty state.
    pub fn open(dir: &Path) -> StateFile {
        let path = dir.join("osprey-agent.state");
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        let values =
            text.lines().filter_map(|l| l.split_once(' ')).map(|(k, v)| (k.to_string(), v.to_string())).collect();
        StateFile { path, values: Mutex::new(values) }
    }

    /// The directory the state file lives in (the engine file sits beside it).
    pub fn dir(&self) -> Option<&Path> {
        self.path.parent()
    }

    pub fn get(&self, key: &str) -> Option<String> {
        self.values.lock().unwrap_or_else(|e| e.into_inner()).get(key).cloned()
    }

    /// Records `key = value` and rewrites the file.
    pub fn set(&self, key: &str, value: &str) -> std::io::Result<()> {
        let mut values = self.values.lock().unwrap_or_else(|e| e.into_inner());
        values.insert(key.to_string(), value.replace('\n', " "));
        let text: String = values.iter().map(|(k, v)| format!("{k} {v}\n")).collect();
        if let Some(dir) = self.path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        let tmp = self.path.with_extension("tmp");
        std::fs::write(&tmp, text)?;
        std::fs::rename(&tmp, &self.path)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn survives_reopen() {
        let dir = tempfile::tempdir().unwrap();
        let s = StateFile::open(dir.path());
        assert_eq!(s.get("sysName"), None);
        s.set("sysName", "edge-1").unwrap();
        s.set("sysContact", "noc@example.com").unwrap();
        let again = StateFile::open(dir.path());
        assert_eq!(again.get("sysName").as_deref(), Some("edge-1"));
        assert_eq!(again.get("sysContact").as_deref(), Some("noc@example.com"));
    }
}
