//! The device list (`/`, with search and a status filter) and the device page
//! (`/device/{name}`: system group, poll status, interfaces, every graph with MRTG's summary
//! under the traffic graphs). Pages only embed graph URLs; nothing is drawn here.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Html;
use poller::inventory::{Device, DeviceState, Discovered};
use serde::Deserialize;

use super::error::AppError;
use super::graphs::{self, GraphSection};
use super::state::AppState;
use super::text;

/// A rendered page.
pub fn render(page: &impl Template) -> Result<Html<String>, AppError> {
    page.render().map(Html).map_err(|e| AppError::Internal(format!("template: {e}")))
}

/// `?q=` and `?status=` of the device list.
#[derive(Debug, Deserialize)]
pub struct ListParams {
    q: Option<String>,
    status: Option<String>,
}

/// A device's state as a CSS class and a word.
pub fn state_words(state: DeviceState) -> (&'static str, &'static str) {
    match state {
        DeviceState::Up => ("up", "up"),
        DeviceState::Down => ("down", "down"),
        DeviceState::Never => ("never", "never polled"),
    }
}

/// One row of the device list.
#[derive(Debug)]
pub struct DeviceRow {
    name: String,
    address: String,
    descr: String,
    sys_name: String,
    location: String,
    state: &'static str,
    state_text: &'static str,
    uptime: String,
    last_poll: String,
    last_poll_at: String,
    duration: String,
    error: String,
}

impl DeviceRow {
    fn new(d: &Device, now: i64) -> Self {
        let (state, state_text) = state_words(d.status.state());
        DeviceRow {
            name: d.spec.name.clone(),
            address: d.spec.address(),
            descr: text::first_line(&d.system.descr, 90),
            sys_name: d.system.name.clone(),
            location: d.system.location.clone(),
            state,
            state_text,
            uptime: text::uptime(d.status.last_uptime, d.status.last_success, d.status.state() == DeviceState::Up, now),
            last_poll: text::ago(d.status.last_poll, now),
            last_poll_at: text::timestamp(d.status.last_poll),
            duration: text::duration_ms(d.status.last_duration_ms),
            error: d.status.last_error.clone().unwrap_or_default(),
        }
    }
}

/// A status filter link: its value, its label and how many devices it has.
#[derive(Debug)]
pub struct FilterChip {
    value: &'static str,
    label: &'static str,
    count: usize,
}

#[derive(Template)]
#[template(path = "index.html")]
struct IndexPage {
    rows: Vec<DeviceRow>,
    total: usize,
    chips: Vec<FilterChip>,
    q: String,
    status: String,
}

fn matches_search(d: &Device, needle: &str) -> bool {
    if needle.is_empty() {
        return true;
    }
    [&d.spec.name, &d.spec.host, &d.system.descr, &d.system.name, &d.system.location, &d.system.contact]
        .iter()
        .any(|field| field.to_lowercase().contains(needle))
}

/// `/`: the device list.
pub async fn index(State(state): State<AppState>, Query(params): Query<ListParams>) -> Result<Html<String>, AppError> {
    let status = params.status.unwrap_or_default();
    let wanted = match status.as_str() {
        "" | "all" => None,
        "up" => Some(DeviceState::Up),
        "down" => Some(DeviceState::Down),
        "never" => Some(DeviceState::Never),
        other => {
            return Err(AppError::BadRequest(format!("unknown status '{other}': use all, up, down or never")));
        }
    };
    let q = params.q.unwrap_or_default();
    let needle = q.trim().to_lowercase();
    let devices = state.inventory(|inv| inv.devices()).await?;
    let now = text::now();
    let count = |s: DeviceState| devices.iter().filter(|d| d.status.state() == s).count();
    let chips = vec![
        FilterChip { value: "all", label: "All", count: devices.len() },
        FilterChip { value: "up", label: "Up", count: count(DeviceState::Up) },
        FilterChip { value: "down", label: "Down", count: count(DeviceState::Down) },
        FilterChip { value: "never", label: "Never polled", count: count(DeviceState::Never) },
    ];
    let rows = devices
        .iter()
        .filter(|d| wanted.is_none_or(|w| d.status.state() == w))
        .filter(|d| matches_search(d, &needle))
        .map(|d| DeviceRow::new(d, now))
        .collect();
    let status = if status.is_empty() { "all".to_string() } else { status };
    render(&IndexPage { rows, total: devices.len(), chips, q, status })
}

/// One interface row of the device page.
#[derive(Debug)]
pub struct InterfaceRow {
    name: String,
    index: u32,
    descr: String,
    alias: String,
    status: &'static str,
    admin: &'static str,
    speed: String,
    traffic_stem: Option<String>,
}

/// One storage row of the device page.
#[derive(Debug)]
pub struct StorageRow {
    descr: String,
    size: String,
}

fn oper_word(status: i32) -> &'static str {
    match status {
        1 => "up",
        2 => "down",
        3 => "testing",
        5 => "dormant",
        6 => "notPresent",
        7 => "lowerLayerDown",
        _ => "unknown",
    }
}

fn bytes(n: u64) -> String {
    let units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"];
    let mut value = n as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit + 1 < units.len() {
        value /= 1024.0;
        unit += 1;
    }
    format!("{value:.1} {}", units.get(unit).copied().unwrap_or("B"))
}

/// A message at the top of the device page (after a rediscovery).
#[derive(Debug)]
pub struct Notice {
    /// `ok` or `error`.
    pub kind: &'static str,
    /// What happened.
    pub text: String,
}

#[derive(Template)]
#[template(path = "device.html")]
struct DevicePage {
    name: String,
    address: String,
    /// `v2c`, or `v3 authPriv user=NAME SHA/AES`: never a community or passphrase.
    security: String,
    interval: u32,
    state: &'static str,
    state_text: &'static str,
    last_poll: String,
    last_poll_at: String,
    last_success: String,
    last_error: String,
    duration: String,
    uptime: String,
    discovered: String,
    sys_name: String,
    sys_descr: String,
    sys_object_id: String,
    location: String,
    contact: String,
    interfaces: Vec<InterfaceRow>,
    storage: Vec<StorageRow>,
    sections: Vec<GraphSection>,
    pending_graphs: usize,
    notice: Option<Notice>,
}

/// The device and what was discovered on it; 404 when there is no such device.
pub async fn load_device(state: &AppState, name: String) -> Result<(Device, Discovered), AppError> {
    let found = state
        .inventory(move |inv| {
            let Some(device) = inv.device(&name)? else { return Ok(Err(name)) };
            let found = inv.discovered(&device)?;
            Ok(Ok((device, found)))
        })
        .await?;
    found.map_err(|name| AppError::NotFound(format!("no device named '{name}'")))
}

/// Renders the device page of `name`, with an optional notice.
pub async fn device_page(state: &AppState, name: String, notice: Option<Notice>) -> Result<Html<String>, AppError> {
    let (device, found) = load_device(state, name).await?;
    let now = text::now();
    let (sections, pending_graphs) = graphs::sections(state, &device, &found, now).await;
    let d = &device;
    let (state_class, state_text) = state_words(d.status.state());
    let interfaces = found
        .interfaces
        .iter()
        .map(|i| InterfaceRow {
            name: i.name.clone(),
            index: i.index,
            descr: i.descr.clone(),
            alias: i.alias.clone(),
            status: oper_word(i.oper_status),
            admin: oper_word(i.admin_status),
            speed: text::speed(i.speed_bps),
            traffic_stem: graphs::traffic_stem(&sections, &i.name),
        })
        .collect();
    let storage = found
        .storage
        .iter()
        .map(|s| StorageRow { descr: s.descr.clone(), size: bytes(s.size.saturating_mul(u64::from(s.units))) })
        .collect();
    let page = DevicePage {
        name: d.spec.name.clone(),
        address: d.spec.address(),
        security: d.spec.security_summary(),
        interval: d.spec.interval,
        state: state_class,
        state_text,
        last_poll: text::ago(d.status.last_poll, now),
        last_poll_at: text::timestamp(d.status.last_poll),
        last_success: text::timestamp(d.status.last_success),
        last_error: d.status.last_error.clone().unwrap_or_default(),
        duration: text::duration_ms(d.status.last_duration_ms),
        uptime: text::uptime(d.status.last_uptime, d.status.last_success, d.status.state() == DeviceState::Up, now),
        discovered: text::timestamp(d.discovered_at),
        sys_name: d.system.name.clone(),
        sys_descr: d.system.descr.clone(),
        sys_object_id: d.system.object_id.clone(),
        location: d.system.location.clone(),
        contact: d.system.contact.clone(),
        interfaces,
        storage,
        sections,
        pending_graphs,
        notice,
    };
    render(&page)
}

/// `/device/{name}`.
pub async fn device(State(state): State<AppState>, Path(name): Path<String>) -> Result<Html<String>, AppError> {
    device_page(&state, name, None).await
}
