//! SNMP for Osprey: the BER codec, the SNMP data model and the async client.
//!
//! Modules and what each owns:
//! - [`ber`]: tag/length framing, integer encodings and the borrowing [`ber::Reader`].
//! - [`oid`]: [`Oid`], object identifiers compared by sub-identifier value.
//! - [`value`]: [`Value`], every SMI value type and the v2 exception values.
//! - [`pdu`]: [`Pdu`], [`TrapV1Pdu`], [`VarBind`] and the PDU/error-status enums.
//! - [`message`]: [`Message`], the v1/v2c community framing and the v3 header framing.
//! - [`error`]: [`DecodeError`], the typed reasons a datagram was refused.
//! - [`client`]: the tokio UDP client (get, getnext, getbulk, set, walk), v1/v2c and v3 (USM).
//! - [`security`]: [`SecurityModel`] and [`SecurityLevel`], the words access control uses.
//! - [`usm`]: SNMPv3 User-based Security Model keys, authentication and privacy.
//!
//! Decoding borrows the datagram (octet strings are `Cow::Borrowed`), never panics and never
//! allocates more than the input justifies. Encoding appends to a caller-supplied `Vec<u8>`
//! so a server can reuse one buffer; every encodable type knows its `encoded_len()` first.

pub mod ber;
pub mod client;
pub mod error;
pub mod message;
pub mod oid;
pub mod pdu;
pub mod security;
pub mod usm;
pub mod value;

pub use client::usm::{ReportError, UsmConfig};
pub use client::usm_options::{UsmOptionError, UsmOptions};
pub use client::{Client, ClientConfig, ClientError, Response, Walk, WalkEnd, WalkMode, WalkStep};
pub use error::DecodeError;
pub use message::{CommunityMessage, Message, ScopedPdu, ScopedPduData, V3Header, V3Message, Version};
pub use oid::{Oid, OidParseError};
pub use pdu::{ErrorStatus, Pdu, PduType, Pdus, TrapV1Pdu, VarBind};
pub use security::{SecurityLevel, SecurityModel};
pub use usm::Password;
pub use value::Value;
