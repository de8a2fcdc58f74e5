//! A deterministic SNMP v1/v2c agent for tests: it serves a fixed, sorted list of varbinds
//! (recorded from a real snmpd) on a loopback port from a background thread, so two
//! clients walking it see exactly the same values. GET, GETNEXT and GETBULK follow
//! snmpd's rules: v1 errors as noSuchName with an index and skips Counter64; v2c uses the
//! exception values; GETBULK is capped at 100 varbinds as snmpd's default.

use std::borrow::Cow;
use std::net::UdpSocket;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use snmp::{CommunityMessage, Message, Oid, Pdu, PduType, Pdus, Value, VarBind, Version};

const MAX_BULK_VARBINDS: usize = 100;

#[derive(Debug)]
pub struct FrozenAgent {
    pub port: u16,
    stop: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl FrozenAgent {
    pub fn start(mut objects: Vec<VarBind<'static>>, community: &str) -> FrozenAgent {
        objects.sort_by(|a, b| a.oid.cmp(&b.oid));
        objects.dedup_by(|a, b| a.oid == b.oid);
        let socket = UdpSocket::bind("127.0.0.1:0").unwrap();
        socket.set_read_timeout(Some(Duration::from_millis(50))).unwrap();
        let port = socket.local_addr().unwrap().port();
        let stop = Arc::new(AtomicBool::new(false));
        let stop2 = stop.clone();
        let community = community.as_bytes().to_vec();
        let thread = std::thread::spawn(move || {
            let mut buf = vec![0u8; 65535];
            while !stop2.load(Ordering::Relaxed) {
                let Ok((n, from)) = socket.recv_from(&mut buf) else {
                    continue;
                };
                let Some(reply) = answer(&objects, &community, &buf[..n]) else {
                    continue;
                };
                let _ = socket.send_to(&reply, from);
            }
        });
        FrozenAgent { port, stop, thread: Some(thread) }
    }

    pub fn addr(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }
}

impl Drop for FrozenAgent {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

fn answer(objects: &[VarBind<'static>], community: &[u8], datagram: &[u8]) -> Option<Vec<u8>> {
    let Ok(Message::Community(msg)) = Message::decode(datagram) else {
        return None;
    };
    if *msg.community != *community {
        return None;
    }
    let Pdus::Pdu(req) = msg.pdu else { return None };
    let v1 = msg.version == Version::V1;
    let visible = |vb: &&VarBind<'static>| !(v1 && matches!(vb.value, Value::Counter64(_)));
    // `objects` is sorted: binary searches keep whole-tree walks fast.
    let next_after = |oid: &Oid| objects.get(objects.partition_point(|vb| vb.oid <= *oid)..)?.iter().find(visible);
    let exact =
        |oid: &Oid| objects.binary_search_by(|vb| vb.oid.cmp(oid)).ok().and_then(|i| objects.get(i)).filter(visible);
    let mut out = Vec::new();
    let mut error = None;
    match req.pdu_type {
        PduType::GetRequest => {
            for (i, vb) in req.varbinds.iter().enumerate() {
                match exact(&vb.oid) {
                    Some(found) => out.push(found.clone()),
                    None if v1 => {
                        error.get_or_insert(i + 1);
                        out.push(VarBind::new(vb.oid.clone(), Value::Null));
                    }
                    None => {
                        let parent = &vb.oid[..vb.oid.len().saturating_sub(1)];
                        let instance = objects
                            .iter()
                            .any(|o| o.oid.len() == vb.oid.len() && o.oid.starts_with(&Oid::from(parent)));
                        let value = if instance { Value::NoSuchInstance } else { Value::NoSuchObject };
                        out.push(VarBind::new(vb.oid.clone(), value));
                    }
                }
            }
        }
        PduType::GetNextRequest => {
            for (i, vb) in req.varbinds.iter().enumerate() {
                match next_after(&vb.oid) {
                    Some(found) => out.push(found.clone()),
                    None if v1 => {
                        error.get_or_insert(i + 1);
                        out.push(VarBind::new(vb.oid.clone(), Value::Null));
                    }
                    None => out.push(VarBind::new(vb.oid.clone(), Value::EndOfMibView)),
                }
            }
        }
        PduType::GetBulkRequest if !v1 => {
            let n = usize::try_from(req.non_repeaters().max(0)).unwrap_or(0).min(req.varbinds.len());
            let (non_rep, rep) = req.varbinds.split_at(n);
            for vb in non_rep {
                out.push(next_after(&vb.oid).cloned().unwrap_or(VarBind::new(vb.oid.clone(), Value::EndOfMibView)));
            }
            if !rep.is_empty() {
                let max_reps = usize::try_from(req.max_repetitions().max(0)).unwrap_or(0);
                let reps = max_reps.min(MAX_BULK_VARBINDS.saturating_sub(n) / rep.len());
                let mut cursors: Vec<Oid> = rep.iter().map(|v| v.oid.clone()).collect();
                for _ in 0..reps {
                    let mut all_ended = true;
                    for c in cursors.iter_mut() {
                        match next_after(c) {
                            Some(found) => {
                                *c = found.oid.clone();
                                out.push(found.clone());
                                all_ended = false;
                            }
                            None => out.push(VarBind::new(c.clone(), Value::EndOfMibView)),
                        }
                    }
                    if all_ended {
                        break;
                    }
                }
            }
        }
        _ => return None,
    }
    let (status, index, varbinds) = match error {
        Some(i) => (2, i as i32, req.varbinds.clone()),
        None => (0, 0, out),
    };
    let reply = Message::Community(CommunityMessage {
        version: msg.version,
        community: Cow::Borrowed(community),
        pdu: Pdus::Pdu(Pdu {
            pdu_type: PduType::Response,
            request_id: req.request_id,
            error_status: status,
            error_index: index,
            varbinds,
        }),
    });
    Some(reply.to_vec())
}
