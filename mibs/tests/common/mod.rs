//! Test peers: a real net-snmp `snmpd` on a free port with its own temp dir, a minimal
//! client walk over std UDP using the `snmp` codec, and a replay agent that serves a fixed
//! list of varbinds so net-snmp's client tools and our formatter see identical values.
#![allow(
    dead_code,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing
)]

use std::borrow::Cow;
use std::net::UdpSocket;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use snmp::message::{CommunityMessage, Message, Version};
use snmp::{Oid, Pdu, PduType, Pdus, Value, VarBind};

pub const SNMPD: &str = "/usr/sbin/snmpd";

pub fn have_snmpd() -> bool {
    if Path::new(SNMPD).exists() {
        true
    } else {
        eprintln!("note: {SNMPD} missing; skipping net-snmp comparison");
        false
    }
}

pub fn modules_dir() -> String {
    format!("{}/modules", env!("CARGO_MANIFEST_DIR"))
}

pub fn free_port() -> u16 {
    UdpSocket::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A running snmpd; killed on drop.
pub struct Snmpd {
    pub port: u16,
    child: Child,
    _dir: tempfile::TempDir,
}

impl Drop for Snmpd {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Snmpd {
    pub fn start() -> Snmpd {
        let dir = tempfile::tempdir().unwrap();
        let conf = dir.path().join("snmpd.conf");
        std::fs::write(
            &conf,
            "rocommunity public 127.0.0.1\nrwcommunity private 127.0.0.1\n\
             sysLocation Lab rack 4\nsysContact admin@example.org\n\
             disk / 10000\nload 12 10 5\nproc sshd\n",
        )
        .unwrap();
        let port = free_port();
        let child = Command::new(SNMPD)
            .args(["-f", "-LOw", "-C", "-c"])
            .arg(&conf)
            .args(["-m", "", &format!("udp:127.0.0.1:{port}")])
            .env("SNMP_PERSISTENT_DIR", dir.path())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let d = Snmpd {
            port,
            child,
            _dir: dir,
        };
        for _ in 0..50 {
            if get(port, "public", &[Oid::from([1, 3, 6, 1, 2, 1, 1, 3, 0])]).is_some() {
                return d;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        panic!("snmpd did not answer on port {port}");
    }
}

fn request(port: u16, community: &str, pdu: Pdu<'static>) -> Option<Vec<VarBind<'static>>> {
    let sock = UdpSocket::bind("127.0.0.1:0").ok()?;
    sock.set_read_timeout(Some(Duration::from_millis(500)))
        .ok()?;
    let msg = Message::Community(CommunityMessage {
        version: Version::V2c,
        community: Cow::Owned(community.as_bytes().to_vec()),
        pdu: Pdus::Pdu(pdu),
    });
    sock.send_to(&msg.to_vec(), ("127.0.0.1", port)).ok()?;
    let mut buf = vec![0u8; 65535];
    let n = sock.recv(&mut buf).ok()?;
    match Message::decode(&buf[..n]).ok()? {
        Message::Community(CommunityMessage {
            pdu: Pdus::Pdu(p), ..
        }) => Some(p.varbinds.into_iter().map(VarBind::into_owned).collect()),
        _ => None,
    }
}

pub fn get(port: u16, community: &str, oids: &[Oid]) -> Option<Vec<VarBind<'static>>> {
    let vbs = oids.iter().cloned().map(VarBind::null).collect();
    request(port, community, Pdu::new(PduType::GetRequest, 1, vbs))
}

/// A whole-tree GETBULK walk from `.1`.
pub fn walk(port: u16) -> Vec<VarBind<'static>> {
    let mut out: Vec<VarBind<'static>> = Vec::new();
    let mut next = Oid::from([1]);
    let mut id = 10;
    loop {
        id += 1;
        let pdu = Pdu::get_bulk(id, 0, 50, vec![VarBind::null(next.clone())]);
        let Some(vbs) = request(port, "public", pdu) else {
            panic!("walk: no answer after {next}");
        };
        for vb in vbs {
            if vb.value == Value::EndOfMibView || vb.oid <= next {
                return out;
            }
            next = vb.oid.clone();
            out.push(vb);
        }
    }
}

/// Serves `vbs` (sorted by OID) for GET/GETNEXT/GETBULK until dropped.
pub struct Replay {
    pub port: u16,
    stop: Arc<AtomicBool>,
    handle: Option<std::thread::JoinHandle<()>>,
}

impl Drop for Replay {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(h) = self.handle.take() {
            let _ = h.join();
        }
    }
}

impl Replay {
    pub fn start(mut vbs: Vec<VarBind<'static>>) -> Replay {
        vbs.sort_by(|a, b| a.oid.cmp(&b.oid));
        let sock = UdpSocket::bind("127.0.0.1:0").unwrap();
        sock.set_read_timeout(Some(Duration::from_millis(50)))
            .unwrap();
        let port = sock.local_addr().unwrap().port();
        let stop = Arc::new(AtomicBool::new(false));
        let stop2 = stop.clone();
        let handle = std::thread::spawn(move || {
            let mut buf = vec![0u8; 65535];
            while !stop2.load(Ordering::SeqCst) {
                let Ok((n, from)) = sock.recv_from(&mut buf) else {
                    continue;
                };
                let Ok(Message::Community(m)) = Message::decode(&buf[..n]) else {
                    continue;
                };
                let Pdus::Pdu(req) = &m.pdu else { continue };
                let after = |o: &Oid| vbs.get(vbs.partition_point(|v| v.oid <= *o)).cloned();
                let mut out = Vec::new();
                match req.pdu_type {
                    PduType::GetRequest => {
                        for vb in &req.varbinds {
                            out.push(
                                vbs.iter()
                                    .find(|v| v.oid == vb.oid)
                                    .cloned()
                                    .unwrap_or(VarBind::new(vb.oid.clone(), Value::NoSuchObject)),
                            );
                        }
                    }
                    PduType::GetNextRequest => {
                        for vb in &req.varbinds {
                            out.push(
                                after(&vb.oid)
                                    .unwrap_or(VarBind::new(vb.oid.clone(), Value::EndOfMibView)),
                            );
                        }
                    }
                    PduType::GetBulkRequest => {
                        let reps = req.max_repetitions().clamp(1, 30);
                        for vb in &req.varbinds {
                            let mut cur = vb.oid.clone();
                            for _ in 0..reps {
                                match after(&cur) {
                                    Some(v) => {
                                        cur = v.oid.clone();
                                        out.push(v);
                                    }
                                    None => {
                                        out.push(VarBind::new(cur.clone(), Value::EndOfMibView));
                                        break;
                                    }
                                }
                            }
                        }
                    }
                    _ => continue,
                }
                let mut resp = Pdu::new(PduType::Response, req.request_id, out);
                resp.error_status = 0;
                let reply = Message::Community(CommunityMessage {
                    version: m.version,
                    community: m.community.clone(),
                    pdu: Pdus::Pdu(resp),
                });
                let _ = sock.send_to(&reply.to_vec(), from);
            }
        });
        Replay {
            port,
            stop,
            handle: Some(handle),
        }
    }
}

/// Runs a net-snmp client tool and returns stdout (stderr appended if it failed).
pub fn run(tool: &str, args: &[&str]) -> String {
    let out = Command::new(tool).args(args).output().unwrap();
    let mut s = String::from_utf8_lossy(&out.stdout).into_owned();
    if !out.status.success() || !out.stderr.is_empty() {
        s.push_str(&String::from_utf8_lossy(&out.stderr));
    }
    s
}

pub fn tool_exists(tool: &str) -> bool {
    PathBuf::from("/usr/bin").join(tool).exists()
}
