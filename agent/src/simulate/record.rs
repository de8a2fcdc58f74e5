//! A recorded device as one table: every object's OID and value, sorted by OID (as
//! sub-identifier values), one value per OID. Loading reads either recording format
//! ([`Format::Snmprec`] or [`Format::Walk`]); a line that cannot be read is an error naming
//! the file, line and reason, and a line that is read with a caveat (an snmpsim variation
//! module this simulator does not run, a duplicate OID) is a [`Warning`] while the rest loads.

use std::fmt;
use std::path::Path;

use snmp::{Oid, Value, VarBind};

/// The two recording formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// snmpsim's `OID|TAG|VALUE` lines.
    Snmprec,
    /// `snmpwalk -On` output (`.OID = TYPE: VALUE`).
    Walk,
}

impl Format {
    /// `.snmprec` files are snmprec; otherwise the first line that is not blank or a `#`
    /// comment decides: `OID|...` is snmprec, anything else is read as a walk.
    pub fn detect(path: &Path, bytes: &[u8]) -> Format {
        if path.extension().is_some_and(|e| e == "snmprec") {
            return Format::Snmprec;
        }
        let first =
            bytes.split(|b| *b == b'\n').map(<[u8]>::trim_ascii).find(|l| !l.is_empty() && !l.starts_with(b"#"));
        match first {
            Some(line) if snmprec::looks_like_snmprec(line) => Format::Snmprec,
            _ => Format::Walk,
        }
    }
}

use super::{snmprec, walk};

/// A line read with a caveat: where, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning {
    pub file: String,
    pub line: usize,
    pub reason: String,
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: warning: {}", self.file, self.line, self.reason)
    }
}

/// Why a recording could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("{file}: {error}")]
    Io { file: String, error: std::io::Error },
    #[error("{file}:{line}: {reason}")]
    Line { file: String, line: usize, reason: String },
    #[error("{file}: no objects in this recording")]
    Empty { file: String },
}

/// One object as a parser found it, with the line it started on.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub line: usize,
    pub object: VarBind<'static>,
}

/// What a parser gives: the objects in file order and its warnings.
#[derive(Debug, Default)]
pub struct Parsed {
    pub entries: Vec<Entry>,
    pub warnings: Vec<Warning>,
}

/// A loaded recording and the warnings its lines gave.
#[derive(Debug)]
pub struct Loaded {
    pub recording: Recording,
    pub warnings: Vec<Warning>,
}

/// The objects of one recorded device, sorted by OID, unique.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Recording {
    objects: Vec<VarBind<'static>>,
}

impl Recording {
    /// Sorts the entries by OID. An OID recorded twice keeps its first value (in the
    /// snmpsim-data corpus the repeat is the recorder's last line, an artifact) and the
    /// repeat is a warning, so nothing is dropped silently.
    /// Returns the recording and every warning (the parser's and the repeats'), by line.
    pub fn from_entries(file: &str, mut parsed: Parsed) -> (Recording, Vec<Warning>) {
        // Stable: equal OIDs stay in file order, so the first recorded comes first.
        parsed.entries.sort_by(|a, b| a.object.oid.cmp(&b.object.oid));
        let mut objects: Vec<VarBind<'static>> = Vec::with_capacity(parsed.entries.len());
        let mut first_line = 0;
        for entry in parsed.entries {
            if objects.last().is_some_and(|last| last.oid == entry.object.oid) {
                parsed.warnings.push(Warning {
                    file: file.to_string(),
                    line: entry.line,
                    reason: format!(
                        "{} is recorded again (first on line {first_line}); the first value is served",
                        entry.object.oid
                    ),
                });
                continue;
            }
            first_line = entry.line;
            objects.push(entry.object);
        }
        parsed.warnings.sort_by_key(|w| w.line);
        (Recording { objects }, parsed.warnings)
    }

    /// A recording of these objects (tests, generated devices); duplicates keep the first.
    pub fn from_objects(objects: Vec<VarBind<'static>>) -> Recording {
        let entries = objects.into_iter().map(|object| Entry { line: 0, object }).collect();
        Recording::from_entries("", Parsed { entries, warnings: Vec::new() }).0
    }

    pub fn objects(&self) -> &[VarBind<'static>] {
        &self.objects
    }

    pub fn len(&self) -> usize {
        self.objects.len()
    }

    pub fn is_empty(&self) -> bool {
        self.objects.is_empty()
    }

    /// The recorded value at `oid`.
    pub fn get(&self, oid: &Oid) -> Option<&Value<'static>> {
        let i = self.objects.binary_search_by(|vb| vb.oid.cmp(oid)).ok()?;
        self.objects.get(i).map(|vb| &vb.value)
    }

    /// The first object strictly after `oid`.
    pub fn next_after(&self, oid: &Oid) -> Option<&VarBind<'static>> {
        let i = self.objects.partition_point(|vb| vb.oid <= *oid);
        self.objects.get(i)
    }

    /// True when some object lies strictly under `prefix`.
    pub fn has_objects_under(&self, prefix: &Oid) -> bool {
        self.next_after(prefix).is_some_and(|vb| vb.oid.starts_with(prefix))
    }
}

/// Reads `path` in the format its name or first line says.
pub fn load(path: &Path) -> Result<Loaded, LoadError> {
    load_as(path, None)
}

/// Reads `path` as `format` (or detects it when `None`).
pub fn load_as(path: &Path, format: Option<Format>) -> Result<Loaded, LoadError> {
    let file = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|error| LoadError::Io { file: file.clone(), error })?;
    let format = format.unwrap_or_else(|| Format::detect(path, &bytes));
    parse(&file, &bytes, format)
}

/// Parses a recording's bytes; `file` names it in errors and warnings.
pub fn parse(file: &str, bytes: &[u8], format: Format) -> Result<Loaded, LoadError> {
    let parsed = match format {
        Format::Snmprec => snmprec::parse(file, bytes)?,
        Format::Walk => walk::parse(file, bytes)?,
    };
    let (recording, warnings) = Recording::from_entries(file, parsed);
    if recording.is_empty() {
        return Err(LoadError::Empty { file: file.to_string() });
    }
    Ok(Loaded { recording, warnings })
}
