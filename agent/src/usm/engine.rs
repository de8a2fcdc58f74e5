//! The agent's SNMP engine (RFC 3411 §3.1.1): snmpEngineID, snmpEngineBoots and
//! snmpEngineTime, kept in the state directory as snmpd keeps them in its persistent file.
//!
//! The ID is generated once in net-snmp's default format (enterprise 8072 with the high bit,
//! format 128, four random octets and the creation time) unless the configuration's
//! `engineID TEXT` fixes a text-format ID (format 4). Boots is incremented and written at
//! each start, never at reloads; time counts seconds since that start.

use std::io::Write;
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use snmp::usm::timeliness::MAX_BOOTS;
use snmp::usm::{SaltCounter, hex};

/// The file beside the agent's state file, mode 0600 (it holds localized keys).
pub const ENGINE_FILE: &str = "osprey-agent-usm.state";

/// net-snmp's enterprise number with the RFC 3411 "new format" bit.
const NETSNMP_ENTERPRISE: [u8; 4] = [0x80, 0x00, 0x1f, 0x88];
/// snmpEngineID format octets: net-snmp's random format and RFC 3411 text.
const FORMAT_NETSNMP_RANDOM: u8 = 0x80;
const FORMAT_TEXT: u8 = 0x04;
/// RFC 3411: an snmpEngineID is 5 to 32 octets.
const MAX_ENGINE_ID_LEN: usize = 32;

/// One running engine.
#[derive(Debug)]
pub struct Engine {
    id: Vec<u8>,
    boots: u32,
    booted: Instant,
    file: Option<PathBuf>,
    salt: SaltCounter,
    /// Why the engine file could not be written at start, if it could not: the agent
    /// still serves (with this boots count), as snmpd does with an unwritable state dir.
    pub save_error: Option<String>,
}

/// The text-format engine ID for snmpd.conf's `engineID TEXT` (at most 27 octets of text).
pub fn text_engine_id(text: &str) -> Result<Vec<u8>, String> {
    let mut id = NETSNMP_ENTERPRISE.to_vec();
    id.push(FORMAT_TEXT);
    id.extend_from_slice(text.as_bytes());
    if text.is_empty() || id.len() > MAX_ENGINE_ID_LEN {
        return Err(format!("engineID must be 1 to {} characters", MAX_ENGINE_ID_LEN - 5));
    }
    Ok(id)
}

fn random_engine_id() -> Result<Vec<u8>, String> {
    let mut random = [0u8; 4];
    getrandom::fill(&mut random).map_err(|e| format!("no randomness for the engine ID: {e}"))?;
    let now = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
    let mut id = NETSNMP_ENTERPRISE.to_vec();
    id.push(FORMAT_NETSNMP_RANDOM);
    id.extend_from_slice(&random);
    id.extend_from_slice(&now.to_le_bytes());
    Ok(id)
}

/// What the engine file held.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct Stored {
    pub id: Option<Vec<u8>>,
    pub boots: u32,
    /// The `usmUser` lines, kept as written (see [`super::users`]).
    pub user_lines: Vec<String>,
}

pub(crate) fn read_stored(path: &Path) -> Stored {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let mut stored = Stored::default();
    for line in text.lines() {
        match line.split_once(' ') {
            Some(("engineID", text)) => stored.id = hex::decode(text.trim()),
            Some(("engineBoots", n)) => stored.boots = n.trim().parse().unwrap_or(0),
            Some(("usmUser", _)) => stored.user_lines.push(line.to_string()),
            _ => {}
        }
    }
    stored
}

/// Writes `text` to `path` through a temporary file created mode 0600, then renames it.
fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let tmp = path.with_extension("tmp");
    let _ = std::fs::remove_file(&tmp);
    let mut file = std::fs::OpenOptions::new().write(true).create_new(true).mode(0o600).open(&tmp)?;
    file.write_all(text.as_bytes())?;
    file.sync_all()?;
    std::fs::rename(&tmp, path)
}

impl Engine {
    /// Starts the engine: read from `state_dir` (created there on the first start) with
    /// boots + 1, or fresh (boots 1) without a state directory. A configured ID that
    /// differs from the stored one replaces it and starts boots again at 1. Fails only
    /// without randomness; an unwritable file is [`Engine::save_error`].
    pub fn start(state_dir: Option<&Path>, configured_id: Option<&[u8]>) -> Result<Engine, String> {
        let salt = SaltCounter::random().map_err(|e| e.to_string())?;
        let Some(dir) = state_dir else {
            let id = match configured_id {
                Some(id) => id.to_vec(),
                None => random_engine_id()?,
            };
            return Ok(Engine { id, boots: 1, booted: Instant::now(), file: None, salt, save_error: None });
        };
        let path = dir.join(ENGINE_FILE);
        let stored = read_stored(&path);
        let (id, boots) = match (configured_id, stored.id) {
            (Some(wanted), Some(old)) if wanted == old.as_slice() => (old, stored.boots),
            (Some(wanted), _) => (wanted.to_vec(), 0),
            (None, Some(old)) => (old, stored.boots),
            (None, None) => (random_engine_id()?, 0),
        };
        let boots = boots.saturating_add(1).min(MAX_BOOTS);
        let mut engine = Engine { id, boots, booted: Instant::now(), file: Some(path), salt, save_error: None };
        if let Err(e) = engine.save(&stored.user_lines) {
            engine.save_error = Some(format!("cannot write {}: {e}", dir.join(ENGINE_FILE).display()));
        }
        Ok(engine)
    }

    /// snmpEngineID.
    pub fn id(&self) -> &[u8] {
        &self.id
    }

    /// snmpEngineBoots.
    pub fn boots(&self) -> u32 {
        self.boots
    }

    /// snmpEngineTime: seconds since this boot (at most 2^31-1).
    pub fn time(&self) -> u32 {
        u32::try_from(self.booted.elapsed().as_secs()).unwrap_or(u32::MAX).min(i32::MAX as u32)
    }

    /// Salts for the responses this engine encrypts.
    pub fn salt(&self) -> &SaltCounter {
        &self.salt
    }

    /// The engine file, when there is a state directory.
    pub fn file(&self) -> Option<&Path> {
        self.file.as_deref()
    }

    /// Rewrites the engine file with these `usmUser` lines.
    pub fn save(&self, user_lines: &[String]) -> std::io::Result<()> {
        let Some(path) = &self.file else { return Ok(()) };
        let mut text = format!("engineID {}\nengineBoots {}\n", hex::encode(&self.id), self.boots);
        for line in user_lines {
            text.push_str(line);
            text.push('\n');
        }
        write_private(path, &text)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use std::os::unix::fs::PermissionsExt;

    use super::*;

    #[test]
    fn generated_ids_have_netsnmps_format() {
        let id = random_engine_id().unwrap();
        assert_eq!(id.len(), 17);
        assert_eq!(&id[..5], &[0x80, 0, 0x1f, 0x88, 0x80]);
        assert_ne!(random_engine_id().unwrap(), id);
        assert_eq!(text_engine_id("myengine").unwrap(), b"\x80\x00\x1f\x88\x04myengine");
        assert!(text_engine_id("").is_err());
        assert!(text_engine_id(&"x".repeat(28)).is_err());
    }

    #[test]
    fn boots_count_starts_and_the_id_stays() {
        let dir = tempfile::tempdir().unwrap();
        let first = Engine::start(Some(dir.path()), None).unwrap();
        assert_eq!(first.boots(), 1);
        let second = Engine::start(Some(dir.path()), None).unwrap();
        assert_eq!((second.id(), second.boots()), (first.id(), 2));
        let mode = std::fs::metadata(dir.path().join(ENGINE_FILE)).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
        // A configured ID replaces the stored one and boots start again.
        let text = text_engine_id("edge").unwrap();
        let third = Engine::start(Some(dir.path()), Some(&text)).unwrap();
        assert_eq!((third.id(), third.boots()), (text.as_slice(), 1));
        let fourth = Engine::start(Some(dir.path()), Some(&text)).unwrap();
        assert_eq!(fourth.boots(), 2);
        assert_eq!(fourth.save_error, None);
        // An unwritable state directory: the engine still starts, and says why.
        let blocked = dir.path().join("not-a-dir");
        std::fs::write(&blocked, "").unwrap();
        let engine = Engine::start(Some(&blocked), None).unwrap();
        assert_eq!(engine.boots(), 1);
        assert!(engine.save_error.as_deref().unwrap().contains("cannot write"));
        // Without a state directory: a fresh engine each time.
        let a = Engine::start(None, None).unwrap();
        let b = Engine::start(None, None).unwrap();
        assert_ne!(a.id(), b.id());
        assert_eq!((a.boots(), a.time()), (1, 0));
    }
}
