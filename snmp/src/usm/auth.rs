//! [`AuthProtocol`]: the USM authentication protocols, HMAC-MD5-96 and HMAC-SHA-96
//! (RFC 3414 6, 7) and HMAC-SHA-2 (RFC 7860), with password-to-key (RFC 3414 A.2.1/A.2.2,
//! RFC 7860 9.3), key localization (RFC 3414 2.6) and constant-time MAC verification.

use std::fmt;
use std::str::FromStr;

use hmac::digest::core_api::BlockSizeUser;
use hmac::{Mac, SimpleHmac};
use sha2::Digest;
use subtle::ConstantTimeEq;

use super::error::UsmError;
use super::key::LocalizedKey;
use super::params::auth_parameters_range;

/// Octets of repeated password hashed by password-to-key (RFC 3414 A.2: one megabyte).
const PASSWORD_TO_KEY_OCTETS: usize = 1_048_576;
/// Shortest passphrase accepted (RFC 3414 11.2, as net-snmp enforces).
pub const MIN_PASSWORD_LEN: usize = 8;

/// A USM authentication protocol.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AuthProtocol {
    /// usmHMACMD5AuthProtocol (RFC 3414 6).
    Md5,
    /// usmHMACSHAAuthProtocol (RFC 3414 7).
    Sha1,
    /// usmHMAC128SHA224AuthProtocol (RFC 7860).
    Sha224,
    /// usmHMAC192SHA256AuthProtocol (RFC 7860).
    Sha256,
    /// usmHMAC256SHA384AuthProtocol (RFC 7860).
    Sha384,
    /// usmHMAC384SHA512AuthProtocol (RFC 7860).
    Sha512,
}

impl AuthProtocol {
    /// Every protocol, weakest first.
    pub const ALL: [AuthProtocol; 6] = [
        AuthProtocol::Md5,
        AuthProtocol::Sha1,
        AuthProtocol::Sha224,
        AuthProtocol::Sha256,
        AuthProtocol::Sha384,
        AuthProtocol::Sha512,
    ];

    /// The net-snmp name (`snmpget -a`): MD5, SHA, SHA-224, SHA-256, SHA-384, SHA-512.
    pub fn name(self) -> &'static str {
        match self {
            AuthProtocol::Md5 => "MD5",
            AuthProtocol::Sha1 => "SHA",
            AuthProtocol::Sha224 => "SHA-224",
            AuthProtocol::Sha256 => "SHA-256",
            AuthProtocol::Sha384 => "SHA-384",
            AuthProtocol::Sha512 => "SHA-512",
        }
    }

    /// Octets of the hash output, which is also the length of Ku and Kul.
    pub fn digest_len(self) -> usize {
        match self {
            AuthProtocol::Md5 => 16,
            AuthProtocol::Sha1 => 20,
            AuthProtocol::Sha224 => 28,
            AuthProtocol::Sha256 => 32,
            AuthProtocol::Sha384 => 48,
            AuthProtocol::Sha512 => 64,
        }
    }

    /// Octets of the truncated MAC carried in msgAuthenticationParameters
    /// (12 for MD5 and SHA-1; 16, 24, 32, 48 for the RFC 7860 protocols).
    pub fn mac_len(self) -> usize {
        match self {
            AuthProtocol::Md5 | AuthProtocol::Sha1 => 12,
            AuthProtocol::Sha224 => 16,
            AuthProtocol::Sha256 => 24,
            AuthProtocol::Sha384 => 32,
            AuthProtocol::Sha512 => 48,
        }
    }

    /// The hash of `data` with this protocol's hash function.
    pub fn hash(self, data: &[u8]) -> Vec<u8> {
        match self {
            AuthProtocol::Md5 => md5::Md5::digest(data).to_vec(),
            AuthProtocol::Sha1 => sha1::Sha1::digest(data).to_vec(),
            AuthProtocol::Sha224 => sha2::Sha224::digest(data).to_vec(),
            AuthProtocol::Sha256 => sha2::Sha256::digest(data).to_vec(),
            AuthProtocol::Sha384 => sha2::Sha384::digest(data).to_vec(),
            AuthProtocol::Sha512 => sha2::Sha512::digest(data).to_vec(),
        }
    }

    /// Ku: the hash of one megabyte of the repeated password (RFC 3414 A.2, RFC 7860 9.3).
    /// Costly by design: call it once per user, never per packet.
    pub fn password_to_key(self, password: &[u8]) -> Result<LocalizedKey, UsmError> {
        if password.len() < MIN_PASSWORD_LEN {
            return Err(UsmError::PasswordTooShort { len: password.len() });
        }
        let key = match self {
            AuthProtocol::Md5 => repeated_password_hash::<md5::Md5>(password),
            AuthProtocol::Sha1 => repeated_password_hash::<sha1::Sha1>(password),
            AuthProtocol::Sha224 => repeated_password_hash::<sha2::Sha224>(password),
            AuthProtocol::Sha256 => repeated_password_hash::<sha2::Sha256>(password),
            AuthProtocol::Sha384 => repeated_password_hash::<sha2::Sha384>(password),
            AuthProtocol::Sha512 => repeated_password_hash::<sha2::Sha512>(password),
        };
        Ok(LocalizedKey::from_bytes(key))
    }

    /// Kul = H(Ku || snmpEngineID || Ku) (RFC 3414 2.6).
    pub fn localize(self, key: &LocalizedKey, engine_id: &[u8]) -> LocalizedKey {
        let mut material = Vec::with_capacity(2 * key.len() + engine_id.len());
        material.extend_from_slice(key.as_bytes());
        material.extend_from_slice(engine_id);
        material.extend_from_slice(key.as_bytes());
        LocalizedKey::from_bytes(self.hash(&material))
    }

    /// Password-to-key then localization: the Kul one user needs for one engine.
    pub fn localized_key(self, password: &[u8], engine_id: &[u8]) -> Result<LocalizedKey, UsmError> {
        Ok(self.localize(&self.password_to_key(password)?, engine_id))
    }

    /// The truncated HMAC of `whole_message`, which must carry msgAuthenticationParameters
    /// as [`mac_len`](Self::mac_len) zero octets (RFC 3414 6.3.1, RFC 7860 4.2.1).
    pub fn sign(self, localized_key: &LocalizedKey, whole_message: &[u8]) -> Vec<u8> {
        self.mac_of_parts(localized_key, &[whole_message])
    }

    /// The truncated HMAC of the concatenation of `parts`, without copying them together,
    /// from the key's kept keyed state.
    fn mac_of_parts(self, localized_key: &LocalizedKey, parts: &[&[u8]]) -> Vec<u8> {
        // HMAC takes a key of any length, so there is always a keyed state; an empty MAC
        // (which never verifies) is the safe answer should there not be.
        let Some(keyed) = localized_key.keyed_mac(self) else { return Vec::new() };
        let mut mac = keyed.into_owned().finish(parts);
        mac.truncate(self.mac_len());
        mac
    }

    /// True when `mac` is the MAC of `whole_message` (authentication parameters zeroed),
    /// compared in constant time. A MAC of the wrong length is false, not an error.
    pub fn verify(self, localized_key: &LocalizedKey, whole_message: &[u8], mac: &[u8]) -> bool {
        if mac.len() != self.mac_len() {
            return false;
        }
        self.sign(localized_key, whole_message).ct_eq(mac).into()
    }

    /// Signs a whole encoded v3 message in place: its msgAuthenticationParameters must
    /// already be [`mac_len`](Self::mac_len) octets (any value); they are zeroed, the MAC is
    /// computed over the message and written there (RFC 3414 6.3.1).
    pub fn sign_message(self, localized_key: &LocalizedKey, message: &mut [u8]) -> Result<(), UsmError> {
        let range = self.checked_auth_range(message)?;
        let slot = message
            .get_mut(range.clone())
            .ok_or(UsmError::BadAuthParameters { len: range.len(), expected: self.mac_len() })?;
        slot.fill(0);
        let mac = self.sign(localized_key, message);
        if let Some(slot) = message.get_mut(range) {
            slot.copy_from_slice(&mac);
        }
        Ok(())
    }

    /// Checks a whole received v3 message's MAC (RFC 3414 6.3.2): Ok(false) for a wrong MAC,
    /// an error when the message or its authentication parameters are malformed.
    pub fn verify_message(self, localized_key: &LocalizedKey, message: &[u8]) -> Result<bool, UsmError> {
        let range = self.checked_auth_range(message)?;
        let malformed = || UsmError::BadAuthParameters { len: range.len(), expected: self.mac_len() };
        let before = message.get(..range.start).ok_or_else(malformed)?;
        let mac = message.get(range.clone()).ok_or_else(malformed)?;
        let after = message.get(range.end..).ok_or_else(malformed)?;
        // The MAC is computed with its own field zeroed: hash around it instead of copying
        // the whole message to zero it.
        let zeros = [0u8; 64];
        let zeroed_field = zeros.get(..mac.len()).ok_or_else(malformed)?;
        let expected = self.mac_of_parts(localized_key, &[before, zeroed_field, after]);
        Ok(expected.ct_eq(mac).into())
    }

    fn checked_auth_range(self, message: &[u8]) -> Result<std::ops::Range<usize>, UsmError> {
        let range = auth_parameters_range(message)?;
        if range.len() != self.mac_len() || range.end > message.len() {
            return Err(UsmError::BadAuthParameters { len: range.len(), expected: self.mac_len() });
        }
        Ok(range)
    }
}

/// Hashes [`PASSWORD_TO_KEY_OCTETS`] of the password repeated, 64 octets at a time.
fn repeated_password_hash<D: Digest>(password: &[u8]) -> Vec<u8> {
    let mut hasher = D::new();
    let mut repeated = password.iter().copied().cycle();
    let mut chunk = [0u8; 64];
    for _ in 0..PASSWORD_TO_KEY_OCTETS / chunk.len() {
        for (slot, byte) in chunk.iter_mut().zip(&mut repeated) {
            *slot = byte;
        }
        hasher.update(chunk);
    }
    hasher.finalize().to_vec()
}

/// An HMAC state already keyed (inner and outer pads absorbed), cloned per message.
#[derive(Clone)]
pub(crate) enum KeyedMac {
    Md5(SimpleHmac<md5::Md5>),
    Sha1(SimpleHmac<sha1::Sha1>),
    Sha224(SimpleHmac<sha2::Sha224>),
    Sha256(SimpleHmac<sha2::Sha256>),
    Sha384(SimpleHmac<sha2::Sha384>),
    Sha512(SimpleHmac<sha2::Sha512>),
}

fn keyed<D: Digest + BlockSizeUser>(key: &[u8]) -> Option<SimpleHmac<D>> {
    <SimpleHmac<D> as Mac>::new_from_slice(key).ok()
}

fn finish<D: Digest + BlockSizeUser>(mut mac: SimpleHmac<D>, parts: &[&[u8]]) -> Vec<u8> {
    for part in parts {
        mac.update(part);
    }
    mac.finalize().into_bytes().to_vec()
}

impl KeyedMac {
    pub(crate) fn new(protocol: AuthProtocol, key: &[u8]) -> Option<KeyedMac> {
        Some(match protocol {
            AuthProtocol::Md5 => KeyedMac::Md5(keyed(key)?),
            AuthProtocol::Sha1 => KeyedMac::Sha1(keyed(key)?),
            AuthProtocol::Sha224 => KeyedMac::Sha224(keyed(key)?),
            AuthProtocol::Sha256 => KeyedMac::Sha256(keyed(key)?),
            AuthProtocol::Sha384 => KeyedMac::Sha384(keyed(key)?),
            AuthProtocol::Sha512 => KeyedMac::Sha512(keyed(key)?),
        })
    }

    pub(crate) fn protocol(&self) -> AuthProtocol {
        match self {
            KeyedMac::Md5(_) => AuthProtocol::Md5,
            KeyedMac::Sha1(_) => AuthProtocol::Sha1,
            KeyedMac::Sha224(_) => AuthProtocol::Sha224,
            KeyedMac::Sha256(_) => AuthProtocol::Sha256,
            KeyedMac::Sha384(_) => AuthProtocol::Sha384,
            KeyedMac::Sha512(_) => AuthProtocol::Sha512,
        }
    }

    /// The full (untruncated) HMAC of the concatenated parts.
    fn finish(self, parts: &[&[u8]]) -> Vec<u8> {
        match self {
            KeyedMac::Md5(mac) => finish(mac, parts),
            KeyedMac::Sha1(mac) => finish(mac, parts),
            KeyedMac::Sha224(mac) => finish(mac, parts),
            KeyedMac::Sha256(mac) => finish(mac, parts),
            KeyedMac::Sha384(mac) => finish(mac, parts),
            KeyedMac::Sha512(mac) => finish(mac, parts),
        }
    }
}

impl fmt::Display for AuthProtocol {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for AuthProtocol {
    type Err = UsmError;

    /// Parses a net-snmp name, case-insensitively; `SHA1` and `SHA-1` are accepted for SHA.
    fn from_str(name: &str) -> Result<AuthProtocol, UsmError> {
        let upper = name.trim().to_ascii_uppercase();
        let normalized = match upper.as_str() {
            "SHA1" | "SHA-1" => "SHA",
            "SHA224" => "SHA-224",
            "SHA256" => "SHA-256",
            "SHA384" => "SHA-384",
            "SHA512" => "SHA-512",
            other => other,
        };
        AuthProtocol::ALL
            .into_iter()
            .find(|protocol| protocol.name() == normalized)
            .ok_or_else(|| UsmError::UnknownProtocol { kind: "authentication", name: name.to_owned() })
    }
}

#[cfg(test)]
#[allow(clippy::expect_used, clippy::indexing_slicing)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for protocol in AuthProtocol::ALL {
            assert_eq!(protocol.name().parse::<AuthProtocol>(), Ok(protocol));
        }
        assert_eq!("sha1".parse::<AuthProtocol>(), Ok(AuthProtocol::Sha1));
        assert_eq!("sha512".parse::<AuthProtocol>(), Ok(AuthProtocol::Sha512));
        assert!("SHA-3".parse::<AuthProtocol>().is_err());
    }

    #[test]
    fn mac_and_digest_lengths() {
        let macs: Vec<usize> = AuthProtocol::ALL.iter().map(|p| p.mac_len()).collect();
        assert_eq!(macs, [12, 12, 16, 24, 32, 48]);
        for protocol in AuthProtocol::ALL {
            assert_eq!(protocol.hash(b"x").len(), protocol.digest_len());
        }
    }

    #[test]
    fn short_password_is_refused() {
        assert_eq!(AuthProtocol::Md5.password_to_key(b"short"), Err(UsmError::PasswordTooShort { len: 5 }));
    }

    #[test]
    fn sign_and_verify() {
        let key = LocalizedKey::from_bytes(vec![7u8; 32]);
        for protocol in AuthProtocol::ALL {
            let message = b"a whole message with zeroed parameters";
            let mac = protocol.sign(&key, message);
            assert_eq!(mac.len(), protocol.mac_len());
            assert!(protocol.verify(&key, message, &mac));
            assert!(!protocol.verify(&key, b"another message", &mac));
            assert!(!protocol.verify(&key, message, &mac[1..]));
            let mut flipped = mac.clone();
            if let Some(first) = flipped.first_mut() {
                *first ^= 1;
            }
            assert!(!protocol.verify(&key, message, &flipped));
        }
    }

    /// RFC 2202 HMAC-MD5 test case 2 ("Jefe") checks the HMAC wiring, truncated to 96 bits.
    #[test]
    fn hmac_md5_known_answer() {
        let key = LocalizedKey::from_bytes(b"Jefe".to_vec());
        let mac = AuthProtocol::Md5.sign(&key, b"what do ya want for nothing?");
        assert_eq!(hex(&mac), "750c783e6ab0b503eaa86e31");
        // The keyed state is kept: a second MAC is the same, and asking the same key for
        // another protocol keys it afresh instead of reusing MD5's state.
        assert_eq!(AuthProtocol::Md5.sign(&key, b"what do ya want for nothing?"), mac);
        let sha = AuthProtocol::Sha1.sign(&key, b"what do ya want for nothing?");
        let fresh =
            AuthProtocol::Sha1.sign(&LocalizedKey::from_bytes(b"Jefe".to_vec()), b"what do ya want for nothing?");
        // RFC 2202 HMAC-SHA-1 test case 2, truncated.
        assert_eq!((hex(&sha), sha.clone()), ("effcdf6ae5eb2fa2d27416d5".to_string(), fresh));
    }

    fn hex(bytes: &[u8]) -> String {
        bytes.iter().map(|b| format!("{b:02x}")).collect()
    }
}
