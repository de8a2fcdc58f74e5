//! SNMPv3 notifications from the agent (RFC 3414, RFC 3413 §3.2): traps sealed with the
//! agent as the authoritative engine (its ID, boots and time; the keys localized to its ID),
//! and informs to a receiver that is itself authoritative: its engine ID discovered with the
//! RFC 3414 §4 probe, the keys localized to it, its clock learnt from the discovery Report
//! and relearnt from a notInTimeWindow Report, the Response accepted only when authentic.
//!
//! Everything here is one step at a time for the blocking sender thread in [`super`]: make
//! the next datagram, judge one received datagram. Waiting and retrying are the caller's.

use std::borrow::Cow;
use std::sync::Arc;

use snmp::client::usm::{Engine as RemoteEngine, MAX_MESSAGE_SIZE, UsmSession, V3Reply, open_reply};
use snmp::usm::wire::{self, EngineStamp, Envelope};
use snmp::usm::{LocalizedUser, UsmReport};
use snmp::{Pdu, Pdus, ReportError, ScopedPdu, SecurityLevel, UsmConfig};

use crate::usm::Engine;

/// One SNMPv3 destination: its user, and the authoritative engine it is sealed for.
#[derive(Debug)]
pub(super) struct UsmTarget {
    session: UsmSession,
    agent: Arc<Engine>,
    /// Traps: the user's keys localized to the agent's engine (or to `-e`'s).
    trap_user: Option<LocalizedUser>,
    /// Informs: the receiver's engine, once discovered (or given by `-e`).
    receiver: Option<Arc<RemoteEngine>>,
}

/// Which message of an inform exchange is awaiting its answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Stage {
    /// The engine-discovery probe with this msgID.
    Probe(i32),
    /// The sealed inform with this msgID.
    Sealed(i32),
}

/// What a received datagram means for an inform in flight.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Outcome {
    /// Not the answer to this inform.
    Ignore,
    /// The authentic Response: done.
    Acknowledged,
    /// Something was learnt (the engine, its clock): send the inform again now.
    SendAgain,
    /// The receiver refused it for good (a Report naming why).
    Refused(String),
}

impl UsmTarget {
    /// Localizes the keys (their master keys were derived when the line was read) for the
    /// agent's engine (traps) or for `-e`'s engine (traps and informs).
    pub(super) fn new(mut config: UsmConfig, agent: Arc<Engine>, inform: bool) -> Result<UsmTarget, String> {
        config.check().map_err(|e| e.to_string())?;
        // RFC 3413 §3.2: a notification's contextEngineID is the sender's snmpEngineID.
        config.context_engine_id = Some(agent.id().to_vec());
        let (trap_user, receiver) = if inform {
            let receiver = match &config.security_engine_id {
                Some(id) => Some(Arc::new(RemoteEngine::new(&config, id.clone(), None).map_err(|e| e.to_string())?)),
                None => None,
            };
            (None, receiver)
        } else {
            let engine_id = config.security_engine_id.as_deref().unwrap_or(agent.id());
            (Some(config.localize(engine_id).map_err(|e| e.to_string())?), None)
        };
        let session = UsmSession::new(config).map_err(|e| e.to_string())?;
        Ok(UsmTarget { session, agent, trap_user, receiver })
    }

    /// An SNMPv2-Trap sealed by the agent's engine, as its clock reads now.
    pub(super) fn seal_trap(&self, msg_id: i32, pdu: Pdu<'_>) -> Result<Vec<u8>, String> {
        let user = self.trap_user.as_ref().ok_or("not a trap destination")?;
        let engine_id = self.session.config.security_engine_id.as_deref().unwrap_or(self.agent.id());
        let envelope = Envelope {
            msg_id,
            max_size: MAX_MESSAGE_SIZE,
            reportable: false,
            level: self.session.config.level,
            engine: EngineStamp { engine_id, boots: self.agent.boots(), time: self.agent.time() },
            user,
        };
        let scoped = ScopedPdu {
            context_engine_id: Cow::Borrowed(self.agent.id()),
            context_name: Cow::Borrowed(&[]),
            pdu: Pdus::Pdu(pdu),
        };
        let mut out = Vec::new();
        wire::seal(&mut out, &envelope, &scoped, self.agent.salt()).map_err(|e| e.to_string())?;
        Ok(out)
    }

    /// The next datagram of an inform exchange with message id `msg_id`: the inform sealed
    /// for the receiver's engine when it is known, else the discovery probe.
    pub(super) fn next_inform_datagram(&self, msg_id: i32, pdu: &Pdu<'_>) -> Result<(Vec<u8>, Stage), String> {
        match &self.receiver {
            Some(engine) => {
                let bytes = self.session.seal(engine, msg_id, pdu.clone()).map_err(|e| e.to_string())?;
                Ok((bytes, Stage::Sealed(msg_id)))
            }
            None => Ok((self.session.probe(msg_id), Stage::Probe(msg_id))),
        }
    }

    /// Judges `datagram` (from the receiver's address) for the inform awaiting `stage`.
    pub(super) fn judge_reply(&mut self, datagram: &[u8], stage: Stage) -> Outcome {
        match stage {
            Stage::Probe(msg_id) => match open_reply(datagram, msg_id, None, SecurityLevel::NoAuthNoPriv) {
                Some(V3Reply::Report { engine_id, boots, time, .. }) if !engine_id.is_empty() => {
                    match RemoteEngine::new(&self.session.config, engine_id, Some((boots, time))) {
                        Ok(engine) => {
                            self.receiver = Some(Arc::new(engine));
                            Outcome::SendAgain
                        }
                        Err(e) => Outcome::Refused(format!("cannot localize the keys: {e}")),
                    }
                }
                Some(V3Reply::Report { report, .. }) => Outcome::Refused(report.to_string()),
                _ => Outcome::Ignore,
            },
            Stage::Sealed(msg_id) => {
                let Some(engine) = self.receiver.clone() else { return Outcome::Ignore };
                match open_reply(datagram, msg_id, Some(&engine), self.session.config.level) {
                    Some(V3Reply::Response(_)) => Outcome::Acknowledged,
                    Some(V3Reply::Report {
                        report: ReportError::Usm(UsmReport::NotInTimeWindows),
                        boots,
                        time,
                        level,
                        ..
                    }) if level >= SecurityLevel::AuthNoPriv => {
                        engine.resynchronize(boots, time);
                        Outcome::SendAgain
                    }
                    Some(V3Reply::Report { report, .. }) => Outcome::Refused(report.to_string()),
                    Some(V3Reply::EngineChanged { .. }) => {
                        // The receiver restarted with another engine ID: discover it again.
                        self.receiver = None;
                        Outcome::SendAgain
                    }
                    None => Outcome::Ignore,
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use snmp::usm::wire::{Incoming, decode_scoped};
    use snmp::usm::{AuthProtocol, KeyExtension, PrivProtocol};
    use snmp::{Message, Oid, PduType, VarBind};

    use super::*;
    use crate::trapsess::{NotifySecurity, parse_trapsess};

    fn usm_config(line: &str) -> UsmConfig {
        match parse_trapsess(line).unwrap().security {
            NotifySecurity::Usm(c) => c,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn traps_are_sealed_by_the_agents_engine_and_open_with_its_keys() {
        let agent = Arc::new(Engine::start(None, Some(b"\x80\x00\x1f\x88\x04osprey")).unwrap());
        let config = usm_config("-v 3 -u ops -l authPriv -a SHA-256 -A authpass1 -x AES -X privpass1 host");
        let target = UsmTarget::new(config, agent.clone(), false).unwrap();
        let pdu = Pdu::new(PduType::SnmpV2Trap, 7, vec![VarBind::null(Oid::from([1, 3, 6, 1]))]);
        let bytes = target.seal_trap(42, pdu).unwrap();
        let Message::V3(message) = Message::decode(&bytes).unwrap() else { panic!("v3") };
        let incoming = Incoming::parse(&message).unwrap();
        assert_eq!(incoming.level, SecurityLevel::AuthPriv);
        assert!(!incoming.reportable(), "a trap asks for no Report");
        assert_eq!(incoming.security.engine_id, agent.id());
        assert_eq!(incoming.security.engine_boots, agent.boots());
        // The receiver's `createUser -e <agent engine ID>` keys open it.
        let receiver = LocalizedUser::from_passwords(
            "ops",
            agent.id(),
            Some((AuthProtocol::Sha256, b"authpass1".as_slice())),
            Some((PrivProtocol::Aes128, b"privpass1".as_slice(), KeyExtension::Blumenthal)),
        )
        .unwrap();
        let plain = incoming.open(&receiver, &bytes).unwrap().unwrap();
        let scoped = decode_scoped(&plain).unwrap();
        assert_eq!(scoped.context_engine_id.as_ref(), agent.id());
        let Pdus::Pdu(pdu) = scoped.pdu else { panic!("pdu") };
        assert_eq!((pdu.pdu_type, pdu.request_id), (PduType::SnmpV2Trap, 7));
    }

    #[test]
    fn informs_start_with_discovery_unless_the_engine_is_given() {
        let agent = Arc::new(Engine::start(None, None).unwrap());
        let pdu = Pdu::new(PduType::InformRequest, 9, Vec::new());
        let config = usm_config("-v 3 -Ci -u ops -l authNoPriv -a SHA -A authpass1 host");
        let mut target = UsmTarget::new(config, agent.clone(), true).unwrap();
        let (probe, stage) = target.next_inform_datagram(5, &pdu).unwrap();
        assert_eq!((probe, stage), (snmp::usm::wire::discovery_probe(5, MAX_MESSAGE_SIZE), Stage::Probe(5)));
        // Anything that is not the probe's Report is ignored.
        assert_eq!(target.judge_reply(b"garbage", stage), Outcome::Ignore);
        let config = usm_config("-v 3 -Ci -e 0x8000000001020304 -u ops -l authNoPriv -a SHA -A authpass1 host");
        let target = UsmTarget::new(config, agent, true).unwrap();
        let (_, stage) = target.next_inform_datagram(6, &pdu).unwrap();
        assert_eq!(stage, Stage::Sealed(6));
    }
}
