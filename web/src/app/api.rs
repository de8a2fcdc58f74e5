//! The JSON API: `/api/devices` (every device with its status) and `/api/devices/{name}`
//! (one device with its interfaces, storage and graphs). Graph data comes from the graph
//! route with `format=json` or `format=csv`.

use axum::Json;
use axum::extract::{Path, State};
use poller::inventory::Device;
use serde::Serialize;

use super::error::AppError;
use super::graphs::device_graphs;
use super::pages::load_device;
use super::state::AppState;

/// A device as the API gives it.
#[derive(Debug, Serialize)]
pub struct DeviceJson {
    name: String,
    host: String,
    port: u16,
    version: &'static str,
    interval: u32,
    /// `up`, `down` or `never`.
    status: &'static str,
    sys_descr: String,
    sys_name: String,
    sys_object_id: String,
    sys_location: String,
    sys_contact: String,
    added: i64,
    discovered_at: Option<i64>,
    last_poll: Option<i64>,
    last_success: Option<i64>,
    last_error: Option<String>,
    last_duration_ms: Option<u64>,
    uptime_ticks: Option<u32>,
}

fn device_json(d: &Device) -> DeviceJson {
    DeviceJson {
        name: d.spec.name.clone(),
        host: d.spec.host.clone(),
        port: d.spec.port,
        version: d.spec.version.as_str(),
        interval: d.spec.interval,
        status: super::pages::state_words(d.status.state()).0,
        sys_descr: d.system.descr.clone(),
        sys_name: d.system.name.clone(),
        sys_object_id: d.system.object_id.clone(),
        sys_location: d.system.location.clone(),
        sys_contact: d.system.contact.clone(),
        added: d.added,
        discovered_at: d.discovered_at,
        last_poll: d.status.last_poll,
        last_success: d.status.last_success,
        last_error: d.status.last_error.clone(),
        last_duration_ms: d.status.last_duration_ms,
        uptime_ticks: d.status.last_uptime,
    }
}

/// `/api/devices`.
pub async fn devices(State(state): State<AppState>) -> Result<Json<Vec<DeviceJson>>, AppError> {
    let devices = state.inventory(|inv| inv.devices()).await?;
    Ok(Json(devices.iter().map(device_json).collect()))
}

/// An interface as the API gives it.
#[derive(Debug, Serialize)]
pub struct InterfaceJson {
    name: String,
    index: u32,
    descr: String,
    alias: String,
    speed_bps: u64,
    admin_status: i32,
    oper_status: i32,
}

/// A storage row as the API gives it.
#[derive(Debug, Serialize)]
pub struct StorageJson {
    descr: String,
    size_bytes: u64,
}

/// A graph as the API gives it, with its data URLs.
#[derive(Debug, Serialize)]
pub struct GraphJson {
    name: String,
    title: String,
    json: String,
    csv: String,
}

/// One device in detail.
#[derive(Debug, Serialize)]
pub struct DeviceDetailJson {
    #[serde(flatten)]
    device: DeviceJson,
    interfaces: Vec<InterfaceJson>,
    storage: Vec<StorageJson>,
    graphs: Vec<GraphJson>,
}

/// `/api/devices/{name}`.
pub async fn device(
    State(state): State<AppState>,
    Path(name): Path<String>,
) -> Result<Json<DeviceDetailJson>, AppError> {
    let (device, found) = load_device(&state, name).await?;
    let graphs = device_graphs(&state, &device, &found)
        .into_iter()
        .filter(|(_, exists)| *exists)
        .map(|(g, _)| {
            let base = format!("/graph/{}/{}?range=day&format=", device.spec.name, g.stem);
            GraphJson { json: format!("{base}json"), csv: format!("{base}csv"), name: g.stem, title: g.title }
        })
        .collect();
    Ok(Json(DeviceDetailJson {
        device: device_json(&device),
        interfaces: found
            .interfaces
            .iter()
            .map(|i| InterfaceJson {
                name: i.name.clone(),
                index: i.index,
                descr: i.descr.clone(),
                alias: i.alias.clone(),
                speed_bps: i.speed_bps,
                admin_status: i.admin_status,
                oper_status: i.oper_status,
            })
            .collect(),
        storage: found
            .storage
            .iter()
            .map(|s| StorageJson { descr: s.descr.clone(), size_bytes: s.size.saturating_mul(u64::from(s.units)) })
            .collect(),
        graphs,
    }))
}
