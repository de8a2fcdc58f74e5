//! SNMPv3 User-based Security Model (RFC 3414) cryptography: key derivation, message
//! authentication and scopedPDU privacy, with the RFC 7860 SHA-2 and RFC 3826 AES protocols
//! and the AES-192/256 variants net-snmp and Cisco use.
//!
//! Modules and what each owns:
//! - [`hex`]: hex text of engine IDs and keys, as net-snmp writes and reads it.
//! - [`key`]: [`Password`], [`LocalizedKey`] (Ku, or Kul bound to one engine) and
//!   [`Credential`] (a passphrase or its Ku), all redacted in `Debug`.
//! - [`auth`]: [`AuthProtocol`], password-to-key, localization, HMAC signing and verification.
//! - [`privacy`]: [`PrivProtocol`], [`KeyExtension`], DES-CBC and AES-CFB128 of a scopedPDU.
//! - [`params`]: [`SecurityParameters`] (UsmSecurityParameters) and where the MAC sits in
//!   a whole message ([`params::auth_parameters_range`]).
//! - [`salt`]: [`SaltCounter`], distinct msgPrivacyParameters salts per key.
//! - [`user`]: [`LocalizedUser`], one user's keys localized once from passwords.
//! - [`error`]: [`UsmError`], the typed reasons a key or a datagram was refused.
//! - [`report`]: [`UsmReport`], the usmStats counters a Report names, and net-snmp's texts.
//! - [`timeliness`]: the 150-second window, for the agent and for a manager's clock estimate.
//! - [`wire`]: sealing ([`wire::seal`]) and opening ([`wire::Incoming`]) whole v3 messages.
//!
//! Keys are derived once per user and engine ([`LocalizedUser::from_passwords`]); the
//! per-packet operations ([`AuthProtocol::sign_message`], [`AuthProtocol::verify_message`],
//! [`PrivProtocol::encrypt`], [`PrivProtocol::decrypt`]) take the localized keys and never
//! hash a password.

pub mod auth;
pub mod error;
pub mod hex;
pub mod key;
pub mod params;
pub mod privacy;
pub mod report;
pub mod salt;
pub mod timeliness;
pub mod user;
pub mod wire;

pub use auth::AuthProtocol;
pub use error::UsmError;
pub use key::{Credential, LocalizedKey, Password};
pub use params::SecurityParameters;
pub use privacy::{Encrypted, KeyExtension, PrivProtocol};
pub use report::UsmReport;
pub use salt::SaltCounter;
pub use user::LocalizedUser;
pub use wire::{EngineStamp, Envelope, Incoming, IncomingError, SealError};
