//! [`PrivProtocol`]: scopedPDU privacy, DES-CBC (RFC 3414 8) and AES-CFB128 (RFC 3826, and
//! the AES-192/256 of draft-blumenthal-aes-usm-04), with the privacy-key derivation and the
//! two key extensions ([`KeyExtension`]) used when the auth hash is shorter than the AES key.

use std::fmt;
use std::str::FromStr;

use aes::cipher::generic_array::GenericArray;
use aes::cipher::{BlockDecrypt, BlockEncrypt, KeyInit};

use super::auth::AuthProtocol;
use super::error::UsmError;
use super::key::LocalizedKey;

/// Octets of msgPrivacyParameters (the salt) for every protocol here.
pub const PRIVACY_PARAMETERS_LEN: usize = 8;

/// A USM privacy protocol.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PrivProtocol {
    /// usmDESPrivProtocol, DES-CBC (RFC 3414 8).
    Des,
    /// usmAesCfb128Protocol (RFC 3826).
    Aes128,
    /// AES-192 in CFB128 (draft-blumenthal-aes-usm-04; net-snmp `AES-192`).
    Aes192,
    /// AES-256 in CFB128 (draft-blumenthal-aes-usm-04; net-snmp `AES-256`).
    Aes256,
}

/// How a localized key shorter than an AES-192/256 key is lengthened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum KeyExtension {
    /// draft-blumenthal-aes-usm-04 3.1.2.1, what net-snmp does: Kul' = Kul || H(Kul), then
    /// the hash of everything so far appended again until long enough.
    #[default]
    Blumenthal,
    /// draft-reeder-snmpv3-usm-3desede 2.1, what Cisco does (net-snmp `-x AES-256-C`): the key so far is run through
    /// password-to-key again as if it were a passphrase, localized to the same engine and
    /// appended (Kul' = Kul || localize(password_to_key(Kul))). With MD5 or SHA-1 one round
    /// always suffices.
    Reeder,
}

/// The result of [`PrivProtocol::encrypt`]: the encryptedPDU octets and the
/// msgPrivacyParameters that go with them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Encrypted {
    pub ciphertext: Vec<u8>,
    pub privacy_parameters: [u8; PRIVACY_PARAMETERS_LEN],
}

impl PrivProtocol {
    /// Every protocol.
    pub const ALL: [PrivProtocol; 4] =
        [PrivProtocol::Des, PrivProtocol::Aes128, PrivProtocol::Aes192, PrivProtocol::Aes256];

    /// The net-snmp name (`snmpget -x`): DES, AES, AES-192, AES-256.
    pub fn name(self) -> &'static str {
        match self {
            PrivProtocol::Des => "DES",
            PrivProtocol::Aes128 => "AES",
            PrivProtocol::Aes192 => "AES-192",
            PrivProtocol::Aes256 => "AES-256",
        }
    }

    /// Parses a net-snmp `-x` name into the protocol and its key extension: `AES-192-C`,
    /// `AES-256-C` (also `AES192C`, `AES256C`) are the Cisco (Reeder) variants; every other
    /// name [`FromStr`] accepts gets [`KeyExtension::Blumenthal`], net-snmp's default.
    pub fn parse_with_extension(name: &str) -> Result<(PrivProtocol, KeyExtension), UsmError> {
        let upper = name.trim().to_ascii_uppercase();
        let cisco = match upper.as_str() {
            "AES-192-C" | "AES192C" => Some(PrivProtocol::Aes192),
            "AES-256-C" | "AES256C" => Some(PrivProtocol::Aes256),
            _ => None,
        };
        match cisco {
            Some(protocol) => Ok((protocol, KeyExtension::Reeder)),
            None => Ok((name.parse()?, KeyExtension::Blumenthal)),
        }
    }

    /// Octets of localized privacy key used: DES takes 8 key octets and 8 pre-IV octets.
    pub fn key_len(self) -> usize {
        match self {
            PrivProtocol::Des | PrivProtocol::Aes128 => 16,
            PrivProtocol::Aes192 => 24,
            PrivProtocol::Aes256 => 32,
        }
    }

    /// The privacy key for one user and engine: the password hashed and localized with the
    /// user's auth protocol (RFC 3414 2.6), extended with `extension` when the hash is shorter
    /// than [`key_len`](Self::key_len), then cut to that length.
    pub fn localized_key(
        self,
        auth: AuthProtocol,
        password: &[u8],
        engine_id: &[u8],
        extension: KeyExtension,
    ) -> Result<LocalizedKey, UsmError> {
        let localized = auth.localized_key(password, engine_id)?;
        self.extend_key(auth, &localized, engine_id, extension)
    }

    /// Lengthens (if needed) and cuts an already localized key to [`key_len`](Self::key_len).
    pub fn extend_key(
        self,
        auth: AuthProtocol,
        localized: &LocalizedKey,
        engine_id: &[u8],
        extension: KeyExtension,
    ) -> Result<LocalizedKey, UsmError> {
        let needed = self.key_len();
        let mut key = localized.as_bytes().to_vec();
        if key.is_empty() {
            return Err(UsmError::KeyTooShort { len: 0, needed });
        }
        while key.len() < needed {
            let chunk = match extension {
                KeyExtension::Blumenthal => auth.hash(&key),
                KeyExtension::Reeder => {
                    let ku = auth.password_to_key(&key)?;
                    auth.localize(&ku, engine_id).as_bytes().to_vec()
                }
            };
            key.extend_from_slice(&chunk);
        }
        key.truncate(needed);
        Ok(LocalizedKey::from_bytes(key))
    }

    /// Encrypts a serialized scopedPDU. `salt` must differ for every message sent with this
    /// key (a counter started at a random value): DES uses its low 32 bits after engineBoots
    /// (RFC 3414 8.1.1.1), AES all 64 (RFC 3826 3.1.2.1). DES pads to 8 octets with zeros;
    /// the receiver's BER decoder ignores the padding after the scopedPDU.
    pub fn encrypt(
        self,
        key: &LocalizedKey,
        engine_boots: u32,
        engine_time: u32,
        salt: u64,
        scoped_pdu: &[u8],
    ) -> Result<Encrypted, UsmError> {
        let mut ciphertext = scoped_pdu.to_vec();
        let privacy_parameters = self.encrypt_in_place(key, engine_boots, engine_time, salt, &mut ciphertext)?;
        Ok(Encrypted { ciphertext, privacy_parameters })
    }

    /// [`encrypt`](Self::encrypt) without a copy: `data` (a serialized scopedPDU) becomes
    /// the encryptedPDU (DES pads it to 8 octets); returns the msgPrivacyParameters.
    pub fn encrypt_in_place(
        self,
        key: &LocalizedKey,
        engine_boots: u32,
        engine_time: u32,
        salt: u64,
        data: &mut Vec<u8>,
    ) -> Result<[u8; PRIVACY_PARAMETERS_LEN], UsmError> {
        match self {
            PrivProtocol::Des => {
                let mut parameters = [0u8; PRIVACY_PARAMETERS_LEN];
                parameters[..4].copy_from_slice(&engine_boots.to_be_bytes());
                parameters[4..].copy_from_slice(&(salt as u32).to_be_bytes());
                data.resize(data.len().div_ceil(8) * 8, 0);
                des_cbc(key, &parameters, data, Direction::Encrypt)?;
                Ok(parameters)
            }
            _ => {
                let parameters = salt.to_be_bytes();
                let iv = aes_iv(engine_boots, engine_time, &parameters);
                self.aes_cfb(key, &iv, data, Direction::Encrypt)?;
                Ok(parameters)
            }
        }
    }

    /// Decrypts an encryptedPDU with the msgPrivacyParameters and the authoritative engine's
    /// boots and time from the same message. DES output keeps the sender's padding.
    pub fn decrypt(
        self,
        key: &LocalizedKey,
        engine_boots: u32,
        engine_time: u32,
        privacy_parameters: &[u8],
        ciphertext: &[u8],
    ) -> Result<Vec<u8>, UsmError> {
        let parameters: [u8; PRIVACY_PARAMETERS_LEN] = privacy_parameters
            .try_into()
            .map_err(|_| UsmError::BadPrivacyParameters { len: privacy_parameters.len() })?;
        let mut data = ciphertext.to_vec();
        match self {
            PrivProtocol::Des => {
                if !data.chunks_exact(8).remainder().is_empty() {
                    return Err(UsmError::CiphertextNotBlockAligned { len: data.len() });
                }
                des_cbc(key, &parameters, &mut data, Direction::Decrypt)?;
            }
            _ => {
                let iv = aes_iv(engine_boots, engine_time, &parameters);
                self.aes_cfb(key, &iv, &mut data, Direction::Decrypt)?;
            }
        }
        Ok(data)
    }

    fn aes_cfb(self, key: &LocalizedKey, iv: &[u8; 16], data: &mut [u8], direction: Direction) -> Result<(), UsmError> {
        let needed = self.key_len();
        let key_octets = key.as_bytes().get(..needed).ok_or(UsmError::KeyTooShort { len: key.len(), needed })?;
        let short = || UsmError::KeyTooShort { len: key.len(), needed };
        match self {
            PrivProtocol::Aes192 => {
                let cipher = aes::Aes192::new_from_slice(key_octets).map_err(|_| short())?;
                cfb128(&cipher, iv, data, direction);
            }
            PrivProtocol::Aes256 => {
                let cipher = aes::Aes256::new_from_slice(key_octets).map_err(|_| short())?;
                cfb128(&cipher, iv, data, direction);
            }
            _ => {
                let cipher = aes::Aes128::new_from_slice(key_octets).map_err(|_| short())?;
                cfb128(&cipher, iv, data, direction);
            }
        }
        Ok(())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Direction {
    Encrypt,
    Decrypt,
}

/// IV = engineBoots || engineTime || salt, all big-endian (RFC 3826 3.1.2.1).
fn aes_iv(engine_boots: u32, engine_time: u32, salt: &[u8; 8]) -> [u8; 16] {
    let mut iv = [0u8; 16];
    iv[..4].copy_from_slice(&engine_boots.to_be_bytes());
    iv[4..8].copy_from_slice(&engine_time.to_be_bytes());
    iv[8..].copy_from_slice(salt);
    iv
}

/// AES in 128-bit cipher feedback mode, in place; the last block may be partial.
fn cfb128<C: BlockEncrypt>(cipher: &C, iv: &[u8; 16], data: &mut [u8], direction: Direction) {
    let mut register = GenericArray::clone_from_slice(iv);
    for chunk in data.chunks_mut(16) {
        let mut keystream = register.clone();
        cipher.encrypt_block(&mut keystream);
        let mut next = keystream.clone();
        for ((byte, stream), feedback) in chunk.iter_mut().zip(keystream.iter()).zip(next.iter_mut()) {
            let input = *byte;
            *byte ^= stream;
            *feedback = match direction {
                Direction::Encrypt => *byte,
                Direction::Decrypt => input,
            };
        }
        register = next;
    }
}

/// DES-CBC in place over whole 8-octet blocks: key = first 8 octets of the privacy key,
/// IV = its next 8 octets (the pre-IV) XOR the salt (RFC 3414 8.1.1.1).
fn des_cbc(key: &LocalizedKey, salt: &[u8; 8], data: &mut [u8], direction: Direction) -> Result<(), UsmError> {
    let too_short = UsmError::KeyTooShort { len: key.len(), needed: 16 };
    let (des_key, pre_iv) = match (key.as_bytes().get(..8), key.as_bytes().get(8..16)) {
        (Some(des_key), Some(pre_iv)) => (des_key, pre_iv),
        _ => return Err(too_short),
    };
    let cipher = des::Des::new_from_slice(des_key).map_err(|_| too_short)?;
    let mut previous = [0u8; 8];
    for ((slot, pre), salt) in previous.iter_mut().zip(pre_iv).zip(salt) {
        *slot = pre ^ salt;
    }
    for chunk in data.chunks_exact_mut(8) {
        let mut block = GenericArray::clone_from_slice(chunk);
        match direction {
            Direction::Encrypt => {
                for (byte, prev) in block.iter_mut().zip(previous.iter()) {
                    *byte ^= prev;
                }
                cipher.encrypt_block(&mut block);
                previous.copy_from_slice(&block);
                chunk.copy_from_slice(&block);
            }
            Direction::Decrypt => {
                let ciphertext_block: [u8; 8] = previous_from(chunk);
                cipher.decrypt_block(&mut block);
                for (byte, prev) in block.iter_mut().zip(previous.iter()) {
                    *byte ^= prev;
                }
                previous = ciphertext_block;
                chunk.copy_from_slice(&block);
            }
        }
    }
    Ok(())
}

/// Copies an 8-octet chunk (from `chunks_exact_mut(8)`) into an array.
fn previous_from(chunk: &[u8]) -> [u8; 8] {
    let mut block = [0u8; 8];
    for (slot, byte) in block.iter_mut().zip(chunk) {
        *slot = *byte;
    }
    block
}

impl fmt::Display for PrivProtocol {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for PrivProtocol {
    type Err = UsmError;

    /// Parses a net-snmp name, case-insensitively; `AES128`, `AES-128`, `AES192`, `AES256`
    /// are accepted too.
    fn from_str(name: &str) -> Result<PrivProtocol, UsmError> {
        let upper = name.trim().to_ascii_uppercase();
        let normalized = match upper.as_str() {
            "AES128" | "AES-128" => "AES",
            "AES192" => "AES-192",
            "AES256" => "AES-256",
            other => other,
        };
        PrivProtocol::ALL
            .into_iter()
            .find(|protocol| protocol.name() == normalized)
            .ok_or_else(|| UsmError::UnknownProtocol { kind: "privacy", name: name.to_owned() })
    }
}

#[cfg(test)]
#[allow(clippy::expect_used, clippy::indexing_slicing)]
mod tests {
    use super::*;

    fn key(len: usize) -> LocalizedKey {
        LocalizedKey::from_bytes((0..len).map(|i| i as u8).collect::<Vec<u8>>())
    }

    #[test]
    fn names_round_trip() {
        for protocol in PrivProtocol::ALL {
            assert_eq!(protocol.name().parse::<PrivProtocol>(), Ok(protocol));
        }
        assert_eq!("aes128".parse::<PrivProtocol>(), Ok(PrivProtocol::Aes128));
        assert!("3DES".parse::<PrivProtocol>().is_err());
        assert_eq!(PrivProtocol::parse_with_extension("aes256c"), Ok((PrivProtocol::Aes256, KeyExtension::Reeder)));
        assert_eq!(PrivProtocol::parse_with_extension("AES-192"), Ok((PrivProtocol::Aes192, KeyExtension::Blumenthal)));
        assert!(PrivProtocol::parse_with_extension("AES-128-C").is_err());
    }

    #[test]
    fn round_trips_every_length() {
        for protocol in PrivProtocol::ALL {
            let key = key(protocol.key_len());
            for len in [0, 1, 7, 8, 15, 16, 17, 100] {
                let plain: Vec<u8> = (0..len).map(|i| (i * 7) as u8).collect();
                let sealed = protocol.encrypt(&key, 5, 1234, 0x1122_3344_5566_7788, &plain);
                let sealed = sealed.expect("encrypts");
                let opened =
                    protocol.decrypt(&key, 5, 1234, &sealed.privacy_parameters, &sealed.ciphertext).expect("decrypts");
                assert_eq!(opened.get(..len), Some(&plain[..]), "{protocol} {len}");
                if protocol == PrivProtocol::Des {
                    assert_eq!(sealed.ciphertext.len() % 8, 0);
                    assert_eq!(&sealed.privacy_parameters[..4], &5u32.to_be_bytes());
                } else {
                    assert_eq!(sealed.ciphertext.len(), len);
                    assert_eq!(sealed.privacy_parameters, 0x1122_3344_5566_7788u64.to_be_bytes());
                }
            }
        }
    }

    #[test]
    fn bad_input_is_a_typed_error() {
        let des_key = key(16);
        assert_eq!(
            PrivProtocol::Des.decrypt(&des_key, 0, 0, &[0; 8], &[0; 9]),
            Err(UsmError::CiphertextNotBlockAligned { len: 9 })
        );
        assert_eq!(
            PrivProtocol::Aes128.decrypt(&des_key, 0, 0, &[0; 7], &[0; 9]),
            Err(UsmError::BadPrivacyParameters { len: 7 })
        );
        assert_eq!(
            PrivProtocol::Aes256.decrypt(&des_key, 0, 0, &[0; 8], &[0; 9]),
            Err(UsmError::KeyTooShort { len: 16, needed: 32 })
        );
        assert!(PrivProtocol::Des.decrypt(&key(8), 0, 0, &[0; 8], &[0; 8]).is_err());
    }

    /// NIST SP 800-38A F.3.13 (CFB128-AES128.Encrypt), first two blocks.
    #[test]
    fn aes_cfb128_known_answer() {
        let key = LocalizedKey::from_bytes(unhex("2b7e151628aed2a6abf7158809cf4f3c"));
        let iv: [u8; 16] = unhex("000102030405060708090a0b0c0d0e0f").try_into().expect("16");
        let mut data = unhex("6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e51");
        PrivProtocol::Aes128.aes_cfb(&key, &iv, &mut data, Direction::Encrypt).expect("encrypts");
        assert_eq!(hex(&data), "3b3fd92eb72dad20333449f8e83cfb4ac8a64537a0b3a93fcde3cdad9f1ce58b");
    }

    /// FIPS 81 / NBS DES CBC sample: key 0123456789abcdef, IV 1234567890abcdef,
    /// "Now is the time for all " -> e5c7cdde872bf27c 43e934008c389c0f 683788499a7c05f6.
    #[test]
    fn des_cbc_known_answer() {
        let mut key_octets = unhex("0123456789abcdef");
        key_octets.extend(unhex("1234567890abcdef"));
        let key = LocalizedKey::from_bytes(key_octets);
        let mut data = b"Now is the time for all ".to_vec();
        des_cbc(&key, &[0; 8], &mut data, Direction::Encrypt).expect("encrypts");
        assert_eq!(hex(&data), "e5c7cdde872bf27c43e934008c389c0f683788499a7c05f6");
    }

    #[test]
    fn key_extensions_reach_the_key_length() {
        for auth in [AuthProtocol::Md5, AuthProtocol::Sha1] {
            let localized = auth.localized_key(b"maplesyrup", &[0, 0, 0, 2]).expect("key");
            for protocol in [PrivProtocol::Aes192, PrivProtocol::Aes256] {
                let blumenthal =
                    protocol.extend_key(auth, &localized, &[0, 0, 0, 2], KeyExtension::Blumenthal).expect("extends");
                let reeder =
                    protocol.extend_key(auth, &localized, &[0, 0, 0, 2], KeyExtension::Reeder).expect("extends");
                assert_eq!(blumenthal.len(), protocol.key_len());
                assert_eq!(reeder.len(), protocol.key_len());
                // Both keep Kul as the prefix and differ after it.
                let digest = auth.digest_len();
                assert_eq!(blumenthal.as_bytes().get(..digest), Some(localized.as_bytes()));
                assert_eq!(reeder.as_bytes().get(..digest), Some(localized.as_bytes()));
                assert_ne!(blumenthal, reeder);
                let reeder_tail =
                    auth.localize(&auth.password_to_key(localized.as_bytes()).expect("ku"), &[0, 0, 0, 2]);
                assert_eq!(reeder.as_bytes().get(digest..), reeder_tail.as_bytes().get(..protocol.key_len() - digest));
                let expected_tail = auth.hash(localized.as_bytes());
                assert_eq!(blumenthal.as_bytes().get(digest..), expected_tail.get(..protocol.key_len() - digest));
            }
        }
    }

    fn unhex(text: &str) -> Vec<u8> {
        (0..text.len()).step_by(2).map(|i| u8::from_str_radix(&text[i..i + 2], 16).expect("hex")).collect()
    }

    fn hex(bytes: &[u8]) -> String {
        bytes.iter().map(|b| format!("{b:02x}")).collect()
    }
}
