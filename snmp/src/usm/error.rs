//! [`UsmError`]: why a USM key derivation, encryption or decryption was refused.

use thiserror::Error;

use crate::error::DecodeError;

/// A refused USM operation. Decryption of untrusted input reports these, never panics.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum UsmError {
    /// A passphrase shorter than the 8 octets net-snmp and RFC 3414 (11.2) require.
    #[error("passphrase too short: {len} octets, at least 8 are required")]
    PasswordTooShort { len: usize },
    /// A protocol name that is none of the known net-snmp names.
    #[error("unknown {kind} protocol {name:?}")]
    UnknownProtocol { kind: &'static str, name: String },
    /// A localized key shorter than the protocol needs.
    #[error("key too short: {len} octets, {needed} needed")]
    KeyTooShort { len: usize, needed: usize },
    /// msgPrivacyParameters must be exactly 8 octets (RFC 3414 8.1.1.1, RFC 3826 3.1.2.1).
    #[error("msgPrivacyParameters is {len} octets, 8 expected")]
    BadPrivacyParameters { len: usize },
    /// DES-CBC ciphertext must be a whole number of 8-octet blocks (RFC 3414 8.3.2).
    #[error("DES ciphertext of {len} octets is not a multiple of 8")]
    CiphertextNotBlockAligned { len: usize },
    /// A master key (Ku) that is not the auth protocol's digest length.
    #[error("master key of {len} octets, {expected} expected for this authentication protocol")]
    BadMasterKey { len: usize, expected: usize },
    /// A privacy protocol was given without an authentication protocol (RFC 3414 3.1.1).
    #[error("privacy requires authentication")]
    PrivacyWithoutAuth,
    /// The message or its UsmSecurityParameters did not decode.
    #[error("malformed USM message: {0}")]
    Decode(#[from] DecodeError),
    /// msgAuthenticationParameters is not the protocol's MAC length.
    #[error("msgAuthenticationParameters is {len} octets, {expected} expected")]
    BadAuthParameters { len: usize, expected: usize },
    /// A level with authentication but no authentication protocol and password.
    #[error("authentication needs a protocol and a passphrase")]
    MissingAuth,
    /// authPriv without a privacy protocol and password.
    #[error("privacy needs a protocol and a passphrase")]
    MissingPrivacy,
    /// The operating system gave no random bytes for a salt.
    #[error("no random bytes for a salt: {0}")]
    NoRandomness(String),
}
