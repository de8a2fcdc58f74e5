//! Sealing and opening whole SNMPv3 messages under USM (RFC 3414 §3.1 and §3.2): the scoped
//! PDU encrypted when the level has privacy, the message signed when it has authentication,
//! and the reverse on receipt. Which user and which engine are the caller's business (an
//! agent looks the user up by name, a manager knows whom it asked); so is timeliness
//! ([`super::timeliness`]).

use std::borrow::Cow;

use thiserror::Error;

use super::error::UsmError;
use super::params::SecurityParameters;
use super::report::UsmReport;
use super::salt::SaltCounter;
use super::user::LocalizedUser;
use crate::ber::{Reader, tag};
use crate::error::DecodeError;
use crate::message::{Message, ScopedPdu, ScopedPduData, V3Header, V3Message};
use crate::security::SecurityLevel;

/// msgSecurityModel of USM.
pub const USM_SECURITY_MODEL: i32 = 3;

/// The authoritative engine a message speaks for: its ID and clock as the message carries
/// them (msgAuthoritativeEngineID/Boots/Time).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EngineStamp<'a> {
    pub engine_id: &'a [u8],
    pub boots: u32,
    pub time: u32,
}

/// Everything but the scoped PDU that goes into an outgoing message.
#[derive(Debug, Clone, Copy)]
pub struct Envelope<'a> {
    pub msg_id: i32,
    pub max_size: i32,
    /// Whether the receiver may answer with a Report (requests: yes; responses, reports: no).
    pub reportable: bool,
    pub level: SecurityLevel,
    pub engine: EngineStamp<'a>,
    pub user: &'a LocalizedUser,
}

/// Why an outgoing message could not be sealed.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum SealError {
    /// The level asks for a key the user does not have.
    #[error("user {user:?} has no keys for {level}", level = .level.name(), user = String::from_utf8_lossy(.user))]
    LevelAboveUser { user: Vec<u8>, level: SecurityLevel },
    #[error(transparent)]
    Usm(#[from] UsmError),
}

/// Writes `scoped` as a v3 message into `out` (cleared first): encrypted and signed as the
/// envelope's level says, with the user's localized keys. `salt` gives the privacy salt.
pub fn seal(
    out: &mut Vec<u8>,
    envelope: &Envelope<'_>,
    scoped: &ScopedPdu<'_>,
    salt: &SaltCounter,
) -> Result<(), SealError> {
    let user = envelope.user;
    let level_error = || SealError::LevelAboveUser { user: user.name.clone(), level: envelope.level };
    let auth = match envelope.level {
        SecurityLevel::NoAuthNoPriv => None,
        _ => Some(user.auth.as_ref().ok_or_else(level_error)?),
    };
    let engine = envelope.engine;
    let (data, privacy_parameters) = if envelope.level == SecurityLevel::AuthPriv {
        let (protocol, key) = user.privacy.as_ref().ok_or_else(level_error)?;
        // Room for DES's padding: the scopedPDU is encrypted where it was encoded.
        let mut data = Vec::with_capacity(scoped.encoded_len() + 8);
        scoped.encode(&mut data);
        let parameters = protocol.encrypt_in_place(key, engine.boots, engine.time, salt.next_salt(), &mut data)?;
        (ScopedPduData::Encrypted(Cow::Owned(data)), parameters.to_vec())
    } else {
        (ScopedPduData::Plaintext(scoped.clone()), Vec::new())
    };
    let zeros = [0u8; 64];
    let auth_parameters = match auth {
        Some((protocol, _)) => zeros.get(..protocol.mac_len()).unwrap_or_default(),
        None => &[],
    };
    let security = SecurityParameters {
        engine_id: engine.engine_id,
        engine_boots: engine.boots,
        engine_time: engine.time,
        user_name: &user.name,
        auth_parameters,
        privacy_parameters: &privacy_parameters,
    };
    let reportable = if envelope.reportable { V3Header::FLAG_REPORTABLE } else { 0 };
    let message = Message::V3(V3Message {
        header: V3Header {
            msg_id: envelope.msg_id,
            max_size: envelope.max_size,
            flags: envelope.level.flags() | reportable,
            security_model: USM_SECURITY_MODEL,
        },
        security_parameters: Cow::Owned(security.to_vec()),
        data,
    });
    out.clear();
    message.encode(out);
    if let Some((protocol, key)) = auth {
        protocol.sign_message(key, out)?;
    }
    Ok(())
}

/// The engine-discovery probe (RFC 3414 §4): reportable, noAuthNoPriv, empty engine ID and
/// user name, an empty GetRequest with request-id `msg_id`. The agent answers with a
/// usmStatsUnknownEngineIDs Report carrying its engine ID, boots and time.
pub fn discovery_probe(msg_id: i32, max_size: i32) -> Vec<u8> {
    let security = SecurityParameters {
        engine_id: &[],
        engine_boots: 0,
        engine_time: 0,
        user_name: &[],
        auth_parameters: &[],
        privacy_parameters: &[],
    };
    Message::V3(V3Message {
        header: V3Header { msg_id, max_size, flags: V3Header::FLAG_REPORTABLE, security_model: USM_SECURITY_MODEL },
        security_parameters: Cow::Owned(security.to_vec()),
        data: ScopedPduData::Plaintext(ScopedPdu {
            context_engine_id: Cow::Borrowed(&[]),
            context_name: Cow::Borrowed(&[]),
            pdu: crate::pdu::Pdus::Pdu(crate::pdu::Pdu::new(
                crate::pdu::PduType::GetRequest,
                i64::from(msg_id),
                Vec::new(),
            )),
        }),
    })
    .to_vec()
}

/// A received v3 message taken apart enough to find its user (RFC 3414 §3.2 steps 1-2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Incoming<'a> {
    pub header: V3Header,
    pub level: SecurityLevel,
    pub security: SecurityParameters<'a>,
    pub data: &'a ScopedPduData<'a>,
}

/// Why a received v3 message was refused before any user was consulted.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum IncomingError {
    /// Not USM: snmpUnknownSecurityModels.
    #[error("security model {0} is not USM")]
    UnknownSecurityModel(i32),
    /// Privacy without authentication in msgFlags: snmpInvalidMsgs (RFC 3412 §7.2 e).
    #[error("msgFlags {0:#04x} ask for privacy without authentication")]
    InvalidFlags(u8),
    /// msgSecurityParameters do not parse: snmpInASNParseErrs (RFC 3414 §3.2 step 1).
    #[error("malformed msgSecurityParameters: {0}")]
    Parameters(#[from] DecodeError),
}

impl<'a> Incoming<'a> {
    pub fn parse(message: &'a V3Message<'a>) -> Result<Incoming<'a>, IncomingError> {
        let header = message.header;
        if header.security_model != USM_SECURITY_MODEL {
            return Err(IncomingError::UnknownSecurityModel(header.security_model));
        }
        let level = SecurityLevel::from_flags(header.flags).ok_or(IncomingError::InvalidFlags(header.flags))?;
        let security = SecurityParameters::decode(&message.security_parameters)?;
        Ok(Incoming { header, level, security, data: &message.data })
    }

    pub fn reportable(&self) -> bool {
        self.header.flags & V3Header::FLAG_REPORTABLE != 0
    }

    /// Checks the MAC and decrypts as the message's level says (RFC 3414 §3.2 steps 5-8),
    /// with `user`'s keys; `datagram` is the whole message as received (the MAC covers it).
    /// Returns the scoped PDU's bytes when they were encrypted (decode them with
    /// [`decode_scoped`]), `None` when the message carried it in plaintext. An agent that
    /// checks timeliness between the two steps calls [`authenticate`](Self::authenticate)
    /// and [`decrypt`](Self::decrypt) itself.
    pub fn open(&self, user: &LocalizedUser, datagram: &[u8]) -> Result<Option<Vec<u8>>, UsmReport> {
        self.authenticate(user, datagram)?;
        self.decrypt(user)
    }

    /// RFC 3414 §3.2 steps 5-6: the level is one `user` has keys for, and the MAC (when the
    /// level has authentication) is right.
    pub fn authenticate(&self, user: &LocalizedUser, datagram: &[u8]) -> Result<(), UsmReport> {
        if self.level > user.level() {
            return Err(UsmReport::UnsupportedSecLevels);
        }
        if let Some((protocol, key)) = user.auth.as_ref().filter(|_| self.level >= SecurityLevel::AuthNoPriv)
            && !protocol.verify_message(key, datagram).unwrap_or(false)
        {
            return Err(UsmReport::WrongDigests);
        }
        Ok(())
    }

    /// RFC 3414 §3.2 step 8: the scoped PDU's bytes when they were encrypted, `None` when
    /// the message carried it in plaintext.
    pub fn decrypt(&self, user: &LocalizedUser) -> Result<Option<Vec<u8>>, UsmReport> {
        match (self.level, self.data) {
            (SecurityLevel::AuthPriv, ScopedPduData::Encrypted(ciphertext)) => {
                let (protocol, key) = user.privacy.as_ref().ok_or(UsmReport::UnsupportedSecLevels)?;
                let s = &self.security;
                protocol
                    .decrypt(key, s.engine_boots, s.engine_time, s.privacy_parameters, ciphertext)
                    .map(Some)
                    .map_err(|_| UsmReport::DecryptionErrors)
            }
            (SecurityLevel::AuthPriv, ScopedPduData::Plaintext(_)) => Err(UsmReport::DecryptionErrors),
            (_, ScopedPduData::Plaintext(_)) => Ok(None),
            // Encrypted data without privacy in the flags cannot be read (RFC 3412 §7.2 i).
            (_, ScopedPduData::Encrypted(_)) => Err(UsmReport::DecryptionErrors),
        }
    }
}

/// Decodes a decrypted scopedPDU. The cipher's padding (DES pads to 8 octets) may follow the
/// SEQUENCE and is ignored (RFC 3414 §8.3.2); anything else wrong is a decryption error, as
/// net-snmp counts it.
pub fn decode_scoped(plaintext: &[u8]) -> Result<ScopedPdu<'_>, UsmReport> {
    let mut outer = Reader::new(plaintext);
    let content = outer.expect(tag::SEQUENCE).map_err(|_| UsmReport::DecryptionErrors)?;
    ScopedPdu::decode(content).map_err(|_| UsmReport::DecryptionErrors)
}

#[cfg(test)]
#[allow(clippy::expect_used, clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;
    use crate::oid::Oid;
    use crate::pdu::{Pdu, PduType, Pdus, VarBind};
    use crate::usm::{AuthProtocol, KeyExtension, PrivProtocol};

    const ENGINE: [u8; 9] = [0x80, 0, 0x1f, 0x88, 0x80, 1, 2, 3, 4];

    fn user(auth: Option<AuthProtocol>, privacy: Option<PrivProtocol>) -> LocalizedUser {
        LocalizedUser::from_passwords(
            "alice",
            &ENGINE,
            auth.map(|a| (a, b"authpassword".as_slice())),
            privacy.map(|p| (p, b"privpassword".as_slice(), KeyExtension::Blumenthal)),
        )
        .unwrap()
    }

    fn scoped() -> ScopedPdu<'static> {
        ScopedPdu {
            context_engine_id: Cow::Owned(ENGINE.to_vec()),
            context_name: Cow::Borrowed(b""),
            pdu: Pdus::Pdu(Pdu::new(
                PduType::GetRequest,
                77,
                vec![VarBind::null(Oid::from([1, 3, 6, 1, 2, 1, 1, 1, 0]))],
            )),
        }
    }

    fn sealed(user: &LocalizedUser, level: SecurityLevel) -> Vec<u8> {
        let envelope = Envelope {
            msg_id: 9,
            max_size: 65507,
            reportable: true,
            level,
            engine: EngineStamp { engine_id: &ENGINE, boots: 3, time: 1000 },
            user,
        };
        let mut out = vec![1, 2, 3];
        seal(&mut out, &envelope, &scoped(), &SaltCounter::starting_at(5)).unwrap();
        out
    }

    fn open_with(user: &LocalizedUser, bytes: &[u8]) -> Result<ScopedPdu<'static>, UsmReport> {
        let Message::V3(message) = Message::decode(bytes).unwrap() else { panic!("v3") };
        let incoming = Incoming::parse(&message).unwrap();
        assert!(incoming.reportable());
        assert_eq!(incoming.security.engine_boots, 3);
        match incoming.open(user, bytes)? {
            Some(plain) => Ok(decode_scoped(&plain)?.into_owned()),
            None => match incoming.data {
                ScopedPduData::Plaintext(s) => Ok(s.clone().into_owned()),
                ScopedPduData::Encrypted(_) => panic!("encrypted without plaintext"),
            },
        }
    }

    #[test]
    fn every_level_round_trips() {
        for (auth, privacy, level) in [
            (None, None, SecurityLevel::NoAuthNoPriv),
            (Some(AuthProtocol::Md5), None, SecurityLevel::AuthNoPriv),
            (Some(AuthProtocol::Sha256), Some(PrivProtocol::Aes128), SecurityLevel::AuthPriv),
            (Some(AuthProtocol::Sha1), Some(PrivProtocol::Des), SecurityLevel::AuthPriv),
            (Some(AuthProtocol::Sha512), Some(PrivProtocol::Aes256), SecurityLevel::AuthPriv),
        ] {
            let u = user(auth, privacy);
            let bytes = sealed(&u, level);
            assert_eq!(open_with(&u, &bytes), Ok(scoped()), "{level:?}");
            // A lower level than the user's keys is allowed too.
            assert_eq!(open_with(&u, &sealed(&u, SecurityLevel::NoAuthNoPriv)), Ok(scoped()));
        }
    }

    #[test]
    fn refusals_name_their_report() {
        let u = user(Some(AuthProtocol::Sha256), Some(PrivProtocol::Aes128));
        let mut bytes = sealed(&u, SecurityLevel::AuthPriv);
        // A wrong password is a wrong digest.
        let other = LocalizedUser::from_passwords(
            "alice",
            &ENGINE,
            Some((AuthProtocol::Sha256, b"otherpassword".as_slice())),
            Some((PrivProtocol::Aes128, b"privpassword".as_slice(), KeyExtension::Blumenthal)),
        )
        .unwrap();
        assert_eq!(open_with(&other, &bytes), Err(UsmReport::WrongDigests));
        // A user without privacy cannot take a priv message.
        let auth_only = user(Some(AuthProtocol::Sha256), None);
        assert_eq!(open_with(&auth_only, &bytes), Err(UsmReport::UnsupportedSecLevels));
        // A flipped ciphertext byte breaks the MAC first.
        let last = bytes.len() - 1;
        bytes[last] ^= 1;
        assert_eq!(open_with(&u, &bytes), Err(UsmReport::WrongDigests));
        // A level the user lacks cannot be sealed.
        let plain_user = user(None, None);
        let envelope = Envelope {
            msg_id: 1,
            max_size: 1500,
            reportable: false,
            level: SecurityLevel::AuthNoPriv,
            engine: EngineStamp { engine_id: &ENGINE, boots: 0, time: 0 },
            user: &plain_user,
        };
        let err = seal(&mut Vec::new(), &envelope, &scoped(), &SaltCounter::starting_at(0)).unwrap_err();
        assert!(matches!(err, SealError::LevelAboveUser { .. }), "{err}");
    }

    #[test]
    fn the_discovery_probe_is_an_anonymous_sealed_get() {
        let nobody = LocalizedUser::unauthenticated(Vec::new());
        let envelope = Envelope {
            msg_id: 42,
            max_size: 65507,
            reportable: true,
            level: SecurityLevel::NoAuthNoPriv,
            engine: EngineStamp { engine_id: &[], boots: 0, time: 0 },
            user: &nobody,
        };
        let scoped = ScopedPdu {
            context_engine_id: Cow::Borrowed(&[]),
            context_name: Cow::Borrowed(&[]),
            pdu: Pdus::Pdu(Pdu::new(PduType::GetRequest, 42, Vec::new())),
        };
        let mut sealed = Vec::new();
        seal(&mut sealed, &envelope, &scoped, &SaltCounter::starting_at(0)).unwrap();
        assert_eq!(discovery_probe(42, 65507), sealed);
    }

    #[test]
    fn des_padding_after_the_scoped_pdu_is_ignored() {
        let mut plain = Vec::new();
        scoped().encode(&mut plain);
        plain.extend_from_slice(&[0; 5]);
        assert_eq!(decode_scoped(&plain).unwrap(), scoped());
        assert_eq!(decode_scoped(&plain[..plain.len() - 8]), Err(UsmReport::DecryptionErrors));
    }

    #[test]
    fn other_security_models_and_flags_are_refused() {
        let u = user(None, None);
        let bytes = sealed(&u, SecurityLevel::NoAuthNoPriv);
        let Message::V3(mut message) = Message::decode(&bytes).unwrap() else { panic!("v3") };
        message.header.flags = 0x06;
        assert_eq!(Incoming::parse(&message), Err(IncomingError::InvalidFlags(0x06)));
        message.header.security_model = 4;
        assert_eq!(Incoming::parse(&message), Err(IncomingError::UnknownSecurityModel(4)));
    }
}
