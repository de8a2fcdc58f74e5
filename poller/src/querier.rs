//! The SNMP seam of the poller: [`Querier`] (GET of many objects, walks of several table
//! columns together) and [`SnmpQuerier`], its implementation on the `snmp` client.
//!
//! Requests are sized per device so answers fit one datagram: a budget of varbinds per
//! request starts at [`START_VARBINDS`] and halves whenever the agent answers `tooBig` (or,
//! within a walk the agent was answering, stops answering: large answers may be lost on the
//! way), and stays learned for the device. SNMPv2c walks use GETBULK over all columns at once (one
//! request brings several rows of every column); SNMPv1 walks use a GETNEXT of every column.
//! v1's `noSuchName` is handled as net-snmp does: the object it names is taken out and the
//! rest asked again.

use std::future::Future;
use std::sync::atomic::{AtomicUsize, Ordering};

use snmp::{Client, ErrorStatus, Oid, Value, VarBind};

use crate::error::Error;
use crate::target::SnmpVersion;

/// The first budget of varbinds per request: 64-bit counters of 12-arc OIDs take about 30
/// bytes each, so 40 fit a 1,472-byte datagram with room to spare.
pub const START_VARBINDS: usize = 40;

/// Most requests one column walk may take (an agent that never ends a table is cut off).
const MAX_WALK_REQUESTS: usize = 10_000;

/// How often one walk shrinks its requests after a timeout before giving up.
const TIMEOUT_SHRINKS: u32 = 2;

/// What the poller asks of an agent.
pub trait Querier {
    /// The values of `oids`, in order; objects the agent does not have come back as
    /// `NoSuchObject`/`NoSuchInstance` values.
    fn get(&self, oids: &[Oid]) -> impl Future<Output = Result<Vec<Value<'static>>, Error>>;

    /// Every object under each of `columns` (table columns, walked together), per column.
    fn walk_columns(&self, columns: &[Oid]) -> impl Future<Output = Result<Vec<Vec<VarBind<'static>>>, Error>>;
}

/// [`Querier`] on the `snmp` client.
#[derive(Debug)]
pub struct SnmpQuerier {
    client: Client,
    version: SnmpVersion,
    budget: AtomicUsize,
}

impl SnmpQuerier {
    /// A querier for the agent `client` talks to.
    pub fn new(client: Client, version: SnmpVersion) -> Self {
        SnmpQuerier { client, version, budget: AtomicUsize::new(START_VARBINDS) }
    }

    /// The varbinds per request learned so far.
    pub fn budget(&self) -> usize {
        self.budget.load(Ordering::Relaxed).max(1)
    }

    /// Halves the budget after a `tooBig`; false when it cannot shrink further.
    fn shrink(&self, from: usize) -> bool {
        if from <= 1 {
            return false;
        }
        self.budget.store(from / 2, Ordering::Relaxed);
        true
    }

    fn snmp_error(&self, e: snmp::ClientError) -> Error {
        Error::Snmp(e.to_string())
    }

    /// One GET of `oids`; None when the agent answers `tooBig`.
    async fn get_chunk(&self, oids: &[Oid]) -> Result<Option<Vec<Value<'static>>>, Error> {
        let mut asked: Vec<usize> = (0..oids.len()).collect();
        let mut values: Vec<Value<'static>> = vec![Value::NoSuchObject; oids.len()];
        while !asked.is_empty() {
            let request: Vec<Oid> = asked.iter().filter_map(|&i| oids.get(i).cloned()).collect();
            let response = self.client.get(&request).await.map_err(|e| self.snmp_error(e))?;
            match response.status() {
                Some(ErrorStatus::NoError) | None if response.error_status == 0 => {
                    if response.varbinds.len() != request.len() {
                        return Err(Error::Snmp(format!(
                            "answer with {} objects to a request for {}",
                            response.varbinds.len(),
                            request.len()
                        )));
                    }
                    for (&i, vb) in asked.iter().zip(response.varbinds) {
                        if let Some(slot) = values.get_mut(i) {
                            *slot = vb.value;
                        }
                    }
                    return Ok(Some(values));
                }
                Some(ErrorStatus::TooBig) => return Ok(None),
                // v1: the object named by the error index does not exist; ask for the rest.
                Some(ErrorStatus::NoSuchName) => {
                    let at = usize::try_from(response.error_index).ok().and_then(|i| i.checked_sub(1));
                    match at.filter(|&k| k < asked.len()) {
                        Some(k) => {
                            asked.remove(k);
                        }
                        None => return Err(Error::Snmp("noSuchName without a valid error index".into())),
                    }
                }
                _ => return Err(status_error(&response)),
            }
        }
        Ok(Some(values))
    }
}

fn status_error(response: &snmp::Response) -> Error {
    let status = response.status().map_or_else(|| response.error_status.to_string(), |s| format!("{s:?}"));
    Error::Snmp(format!("agent answered {status} (index {})", response.error_index))
}

impl Querier for SnmpQuerier {
    async fn get(&self, oids: &[Oid]) -> Result<Vec<Value<'static>>, Error> {
        let mut values = Vec::with_capacity(oids.len());
        let mut rest = oids;
        while !rest.is_empty() {
            let budget = self.budget();
            let (chunk, after) = rest.split_at(budget.min(rest.len()));
            match self.get_chunk(chunk).await? {
                Some(chunk_values) => values.extend(chunk_values),
                None if self.shrink(budget) => continue,
                None => return Err(Error::Snmp("agent answered tooBig to a single object".into())),
            }
            rest = after;
        }
        Ok(values)
    }

    async fn walk_columns(&self, columns: &[Oid]) -> Result<Vec<Vec<VarBind<'static>>>, Error> {
        let mut found: Vec<Vec<VarBind<'static>>> = columns.iter().map(|_| Vec::new()).collect();
        let mut current: Vec<Oid> = columns.to_vec();
        let mut done: Vec<bool> = columns.iter().map(|_| false).collect();
        let mut timeouts_left = TIMEOUT_SHRINKS;
        let mut answered = false;
        for _ in 0..MAX_WALK_REQUESTS {
            let active: Vec<usize> = (0..columns.len()).filter(|&c| !done.get(c).copied().unwrap_or(true)).collect();
            if active.is_empty() {
                return Ok(found);
            }
            let request: Vec<Oid> = active.iter().filter_map(|&c| current.get(c).cloned()).collect();
            let budget = self.budget();
            let response = match self.version {
                SnmpVersion::V2c | SnmpVersion::V3 => {
                    let reps = (budget / active.len()).max(1);
                    self.client.get_bulk(0, i32::try_from(reps).unwrap_or(1), &request).await
                }
                SnmpVersion::V1 => self.client.get_next(&request).await,
            };
            let response = match response {
                Ok(response) => response,
                // An agent that answered before and now goes silent may be losing large
                // answers (fragments dropped on the way): ask for less.
                Err(snmp::ClientError::Timeout(_)) if answered && timeouts_left > 0 && self.shrink(budget) => {
                    timeouts_left -= 1;
                    continue;
                }
                Err(e) => return Err(self.snmp_error(e)),
            };
            answered = true;
            match response.status() {
                Some(ErrorStatus::NoError) => {}
                Some(ErrorStatus::TooBig) if self.shrink(budget) => continue,
                Some(ErrorStatus::TooBig) if self.version.has_bulk() => {
                    // Not even one row fits: walk one column at a time.
                    return Box::pin(self.walk_one_by_one(columns)).await;
                }
                // v1 ends a column at the end of the MIB with noSuchName on it.
                Some(ErrorStatus::NoSuchName) => {
                    let at = usize::try_from(response.error_index).ok().and_then(|i| i.checked_sub(1));
                    match at.and_then(|k| active.get(k)) {
                        Some(&c) => {
                            if let Some(d) = done.get_mut(c) {
                                *d = true;
                            }
                            continue;
                        }
                        None => return Err(status_error(&response)),
                    }
                }
                _ => return Err(status_error(&response)),
            }
            if response.varbinds.is_empty() {
                return Err(Error::Snmp("empty answer to a walk".into()));
            }
            // GETBULK answers row by row: the i-th varbind continues column active[i % n].
            for (i, vb) in response.varbinds.into_iter().enumerate() {
                let Some(&c) = active.get(i % active.len()) else { continue };
                let (Some(root), Some(at), Some(d), Some(rows)) =
                    (columns.get(c), current.get_mut(c), done.get_mut(c), found.get_mut(c))
                else {
                    continue;
                };
                if *d {
                    continue;
                }
                if vb.value.is_exception() || !vb.oid.starts_with(root) || vb.oid <= *at {
                    *d = true;
                    continue;
                }
                *at = vb.oid.clone();
                rows.push(vb);
            }
        }
        Err(Error::Snmp(format!("walk cut off after {MAX_WALK_REQUESTS} requests")))
    }
}

impl SnmpQuerier {
    async fn walk_one_by_one(&self, columns: &[Oid]) -> Result<Vec<Vec<VarBind<'static>>>, Error> {
        let mut all = Vec::with_capacity(columns.len());
        for column in columns {
            let (rows, _) = self
                .client
                .walk(column.clone(), snmp::WalkMode::GetNext)
                .collect()
                .await
                .map_err(|e| self.snmp_error(e))?;
            all.push(rows.into_iter().filter(|vb| !vb.value.is_exception()).collect());
        }
        Ok(all)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use std::borrow::Cow;

    use snmp::{CommunityMessage, Message, Pdu, PduType, Pdus};
    use tokio::net::UdpSocket;

    use super::*;

    /// An agent with a 3-column, 30-row table that answers `tooBig` to a GETBULK asking for
    /// more than `too_big` varbinds and, past the table's third row, nothing at all to one
    /// asking for more than `silent` (as when large answers are lost on the way).
    async fn picky_agent(too_big: i32, silent: i32) -> std::net::SocketAddr {
        let socket = UdpSocket::bind("127.0.0.1:0").await.unwrap();
        let addr = socket.local_addr().unwrap();
        let table: Vec<(Oid, Value<'static>)> = (1..=3u32)
            .flat_map(|c| {
                (1..=30u32).map(move |r| (Oid::from_slice(&[1, 3, 6, 1, 9, c, r]), Value::Counter32(c * 100 + r)))
            })
            .collect();
        tokio::spawn(async move {
            let mut buf = vec![0u8; 65535];
            loop {
                let (n, from) = socket.recv_from(&mut buf).await.unwrap();
                let Ok(Message::Community(m)) = Message::decode(&buf[..n]) else { continue };
                let Pdus::Pdu(p) = m.pdu else { continue };
                let asked = p.max_repetitions() * p.varbinds.len() as i32;
                let past_row_3 = p.varbinds.first().and_then(|vb| vb.oid.as_slice().get(6)).is_some_and(|r| *r > 3);
                if asked > silent && past_row_3 {
                    continue;
                }
                let mut reply = Pdu {
                    pdu_type: PduType::Response,
                    error_status: 0,
                    error_index: 0,
                    varbinds: Vec::new(),
                    ..p.clone()
                };
                if asked > too_big {
                    reply.error_status = 1;
                } else {
                    let mut cursors: Vec<Oid> = p.varbinds.iter().map(|vb| vb.oid.clone()).collect();
                    for _ in 0..p.max_repetitions() {
                        for cursor in &mut cursors {
                            let next = table.iter().find(|(o, _)| o > cursor);
                            let vb = match next {
                                Some((o, v)) => VarBind::new(o.clone(), v.clone()),
                                None => VarBind::new(cursor.clone(), Value::EndOfMibView),
                            };
                            *cursor = vb.oid.clone();
                            reply.varbinds.push(vb);
                        }
                    }
                }
                let message = Message::Community(CommunityMessage {
                    version: m.version,
                    community: Cow::Owned(m.community.to_vec()),
                    pdu: Pdus::Pdu(reply),
                });
                socket.send_to(&message.to_vec(), from).await.unwrap();
            }
        });
        addr
    }

    async fn walk(too_big: i32, silent: i32) -> (Vec<Vec<VarBind<'static>>>, usize) {
        let addr = picky_agent(too_big, silent).await;
        let config = snmp::ClientConfig {
            timeout: std::time::Duration::from_millis(100),
            retries: 0,
            ..snmp::ClientConfig::default()
        };
        let querier = SnmpQuerier::new(Client::connect(addr, config).await.unwrap(), SnmpVersion::V2c);
        let columns: Vec<Oid> = (1..=3).map(|c| Oid::from_slice(&[1, 3, 6, 1, 9, c])).collect();
        let rows = querier.walk_columns(&columns).await.unwrap();
        (rows, querier.budget())
    }

    #[tokio::test]
    async fn bulk_size_shrinks_on_too_big_and_on_silence() {
        // tooBig above 12 varbinds: 40 -> 20 -> 10.
        let (rows, budget) = walk(12, i32::MAX).await;
        assert_eq!(rows.iter().map(Vec::len).collect::<Vec<_>>(), [30, 30, 30]);
        assert_eq!(rows[1][29].value, Value::Counter32(230));
        assert_eq!(budget, 10);
        // Silence above 12 varbinds in mid-walk, after a first answer: 40 -> 20 -> 10.
        let (rows, budget) = walk(i32::MAX, 12).await;
        assert_eq!(rows.iter().map(Vec::len).collect::<Vec<_>>(), [30, 30, 30]);
        assert_eq!(budget, 10);
    }
}
