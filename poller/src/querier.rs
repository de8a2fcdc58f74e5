//! The SNMP seam of the poller: [`Querier`] (GET of many objects, walks of several table
//! columns together) and [`SnmpQuerier`], its implementation on the `snmp` client.
//!
//! Requests are sized per device so answers fit one datagram: a budget of varbinds per
//! request starts at [`START_VARBINDS`] and halves whenever the agent answers `tooBig`, and
//! stays learned for the device. SNMPv2c walks use GETBULK over all columns at once (one
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
        for _ in 0..MAX_WALK_REQUESTS {
            let active: Vec<usize> = (0..columns.len()).filter(|&c| !done.get(c).copied().unwrap_or(true)).collect();
            if active.is_empty() {
                return Ok(found);
            }
            let request: Vec<Oid> = active.iter().filter_map(|&c| current.get(c).cloned()).collect();
            let budget = self.budget();
            let response = match self.version {
                SnmpVersion::V2c => {
                    let reps = (budget / active.len()).max(1);
                    self.client.get_bulk(0, i32::try_from(reps).unwrap_or(1), &request).await
                }
                SnmpVersion::V1 => self.client.get_next(&request).await,
            }
            .map_err(|e| self.snmp_error(e))?;
            match response.status() {
                Some(ErrorStatus::NoError) => {}
                Some(ErrorStatus::TooBig) if self.shrink(budget) => continue,
                Some(ErrorStatus::TooBig) if self.version == SnmpVersion::V2c => {
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
