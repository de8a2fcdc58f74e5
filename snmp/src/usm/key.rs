//! The secrets of USM: [`Password`], a passphrase, and [`LocalizedKey`], a key derived
//! from one and bound to one snmpEngineID. Neither shows its octets in `Debug`.

use std::fmt;
use std::sync::OnceLock;

use super::auth::{AuthProtocol, KeyedMac};

/// Key octets (Ku or Kul of RFC 3414 2.6). `Debug` prints only the length, never the octets.
/// An authentication key keeps its HMAC state keyed once (the inner and outer pads hashed
/// on first use), so signing and verifying a packet hash only the packet.
#[derive(Clone)]
pub struct LocalizedKey {
    octets: Vec<u8>,
    keyed_mac: OnceLock<Option<KeyedMac>>,
}

impl LocalizedKey {
    /// Wraps key octets already derived elsewhere (e.g. a stored localized key).
    pub fn from_bytes(bytes: impl Into<Vec<u8>>) -> LocalizedKey {
        LocalizedKey { octets: bytes.into(), keyed_mac: OnceLock::new() }
    }

    /// The key octets.
    pub fn as_bytes(&self) -> &[u8] {
        &self.octets
    }

    /// Number of key octets.
    pub fn len(&self) -> usize {
        self.octets.len()
    }

    /// True for a zero-length key.
    pub fn is_empty(&self) -> bool {
        self.octets.is_empty()
    }

    /// The HMAC state keyed with this key for `protocol`: computed on first use and kept
    /// (a key serves one protocol; asked for another, it is keyed afresh).
    pub(crate) fn keyed_mac(&self, protocol: AuthProtocol) -> Option<std::borrow::Cow<'_, KeyedMac>> {
        let kept = self.keyed_mac.get_or_init(|| KeyedMac::new(protocol, &self.octets));
        match kept {
            Some(mac) if mac.protocol() == protocol => Some(std::borrow::Cow::Borrowed(mac)),
            _ => KeyedMac::new(protocol, &self.octets).map(std::borrow::Cow::Owned),
        }
    }
}

impl PartialEq for LocalizedKey {
    fn eq(&self, other: &LocalizedKey) -> bool {
        self.octets == other.octets
    }
}

impl Eq for LocalizedKey {}

impl fmt::Debug for LocalizedKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "LocalizedKey({} octets)", self.octets.len())
    }
}

#[cfg(test)]
#[allow(clippy::expect_used, clippy::indexing_slicing)]
mod tests {
    use super::*;

    #[test]
    fn debug_hides_the_octets() {
        let key = LocalizedKey::from_bytes(vec![0xab; 16]);
        assert_eq!(format!("{key:?}"), "LocalizedKey(16 octets)");
    }
}

/// A passphrase; `Debug` never shows it.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Password(Vec<u8>);

impl Password {
    pub fn new(bytes: impl Into<Vec<u8>>) -> Password {
        Password(bytes.into())
    }

    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }
}

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password(<redacted>)")
    }
}

/// What a manager authenticates with: a passphrase, or the master key Ku derived from it
/// ([`super::AuthProtocol::password_to_key`], net-snmp's `-3m`/`-3M`), which is what stored
/// credentials keep so the passphrase itself is not kept anywhere.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Credential {
    Passphrase(Password),
    /// Boxed: a key carries its keyed HMAC state, hundreds of bytes.
    MasterKey(Box<LocalizedKey>),
}

impl Credential {
    /// A passphrase credential.
    pub fn passphrase(bytes: impl Into<Vec<u8>>) -> Credential {
        Credential::Passphrase(Password::new(bytes))
    }

    /// Ku for `auth` (the privacy key too is hashed with the auth protocol): the passphrase
    /// hashed (once; the costly step), or the master key as given.
    pub fn master_key(&self, auth: super::AuthProtocol) -> Result<LocalizedKey, super::UsmError> {
        match self {
            Credential::Passphrase(password) => auth.password_to_key(password.as_bytes()),
            Credential::MasterKey(key) => Ok(LocalizedKey::clone(key)),
        }
    }
}
