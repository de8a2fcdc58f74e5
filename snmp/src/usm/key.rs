//! [`LocalizedKey`]: a key derived from a password and bound to one snmpEngineID.

use std::fmt;

/// Key octets (Ku or Kul of RFC 3414 2.6). `Debug` prints only the length, never the octets.
#[derive(Clone, PartialEq, Eq)]
pub struct LocalizedKey(Vec<u8>);

impl LocalizedKey {
    /// Wraps key octets already derived elsewhere (e.g. a stored localized key).
    pub fn from_bytes(bytes: impl Into<Vec<u8>>) -> LocalizedKey {
        LocalizedKey(bytes.into())
    }

    /// The key octets.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    /// Number of key octets.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// True for a zero-length key.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Debug for LocalizedKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "LocalizedKey({} octets)", self.0.len())
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
