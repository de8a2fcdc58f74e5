//! The forms that change the inventory, POST only (see `mutating_routes`): add a device
//! (validated field by field with the CLI's rules: `poller::target`, `poller::credentials`
//! for SNMPv3, the resolver, unique names; errors next to their field, values kept except
//! passphrases, which are never sent back), remove one (optionally with its RRD
//! files), rediscover one. Discovery is the poller's async discovery with a short timeout, so
//! the runtime is never blocked.

use std::net::SocketAddr;
use std::time::Duration;

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use poller::credentials::{UsmCredentials, UsmInput};
use poller::inventory::{Discovered, PollRecord};
use poller::target::{DEFAULT_INTERVAL, DeviceSpec, SnmpVersion, parse_interval, split_host_port, validate_name};
use serde::Deserialize;

use super::error::AppError;
use super::pages::{Notice, device_page, load_device, render};
use super::state::AppState;
use super::text;

/// The add form's fields, as typed (the `usm_*` ones only for SNMPv3).
#[derive(Clone, Default, Deserialize)]
#[serde(default)]
pub struct AddFields {
    address: String,
    version: String,
    community: String,
    name: String,
    interval: String,
    usm_user: String,
    usm_level: String,
    usm_auth_protocol: String,
    usm_auth_password: String,
    usm_priv_protocol: String,
    usm_priv_password: String,
    usm_context: String,
}

impl std::fmt::Debug for AddFields {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AddFields")
            .field("address", &self.address)
            .field("version", &self.version)
            .field("name", &self.name)
            .field("interval", &self.interval)
            .field("usm_user", &self.usm_user)
            .field("usm_level", &self.usm_level)
            .finish_non_exhaustive()
    }
}

impl AddFields {
    /// The v3 fields as the credentials validator takes them (empty means not given).
    fn usm_input(&self) -> UsmInput {
        let given = |text: &str| Some(text.trim().to_string()).filter(|t| !t.is_empty());
        UsmInput {
            user: given(&self.usm_user),
            level: given(&self.usm_level),
            auth_protocol: given(&self.usm_auth_protocol),
            auth_password: Some(self.usm_auth_password.clone()).filter(|p| !p.is_empty()),
            priv_protocol: given(&self.usm_priv_protocol),
            priv_password: Some(self.usm_priv_password.clone()).filter(|p| !p.is_empty()),
            context: given(&self.usm_context),
        }
    }

    /// The fields to show again: everything but the passphrases.
    fn without_passphrases(mut self) -> AddFields {
        self.usm_auth_password.clear();
        self.usm_priv_password.clear();
        self
    }
}

/// A message per field (empty when the field is fine).
#[derive(Debug, Default)]
struct FieldErrors {
    address: String,
    version: String,
    community: String,
    name: String,
    interval: String,
    /// The SNMPv3 credentials, as one message.
    usm: String,
}

impl FieldErrors {
    fn any(&self) -> bool {
        [&self.address, &self.version, &self.community, &self.name, &self.interval, &self.usm]
            .iter()
            .any(|e| !e.is_empty())
    }
}

#[derive(Template)]
#[template(path = "add.html")]
struct AddPage {
    values: AddFields,
    errors: FieldErrors,
}

/// `GET /devices/new`: the empty add form.
pub async fn add_form() -> Result<Html<String>, AppError> {
    let values = AddFields {
        version: "2c".into(),
        community: "public".into(),
        interval: DEFAULT_INTERVAL.to_string(),
        ..AddFields::default()
    };
    render(&AddPage { values, errors: FieldErrors::default() })
}

/// Checks each field on its own, so each error goes next to its field; with SNMPv3, also
/// the credentials built on the way (their passphrases hashed once, here).
fn check_fields(fields: &AddFields) -> (FieldErrors, Option<UsmCredentials>) {
    let mut errors = FieldErrors::default();
    let mut usm = None;
    let address = fields.address.trim();
    let host = match split_host_port(address) {
        Ok((host, _)) => Some(host),
        Err(e) => {
            errors.address = if address.is_empty() { "enter the device's address".into() } else { e.to_string() };
            None
        }
    };
    let version = SnmpVersion::parse(fields.version.trim());
    if let Err(e) = &version {
        errors.version = e.to_string();
    }
    if matches!(version, Ok(SnmpVersion::V3)) {
        match UsmCredentials::from_input(&fields.usm_input()) {
            Ok(credentials) => usm = Some(credentials),
            Err(e) => errors.usm = e.to_string(),
        }
    } else if fields.community.is_empty() {
        errors.community = "enter the community".into();
    }
    let name = fields.name.trim();
    if !name.is_empty() {
        if let Err(e) = validate_name(name) {
            errors.name = e.to_string();
        }
    } else if let Some(Err(e)) = host.map(|host| validate_name(&host.replace(':', "_"))) {
        errors.name = format!("the address does not make a device name ({e}); enter a name");
    }
    if let Err(e) = parse_interval(fields.interval.trim()) {
        errors.interval = e.to_string();
    }
    (errors, usm)
}

fn form_again(values: AddFields, errors: FieldErrors) -> Response {
    match render(&AddPage { values: values.without_passphrases(), errors }) {
        Ok(html) => (StatusCode::BAD_REQUEST, html).into_response(),
        Err(e) => e.into_response(),
    }
}

/// Discovers a device now through the poller (the web itself never talks SNMP).
async fn probe(spec: &DeviceSpec, addr: SocketAddr) -> Result<Discovered, String> {
    poller::discovery::probe(spec, addr).await.map_err(|e| e.to_string())
}

async fn resolve(host: String, port: u16) -> Result<SocketAddr, String> {
    tokio::task::spawn_blocking(move || poller::target::resolve(&host, port).map_err(|e| e.to_string()))
        .await
        .unwrap_or_else(|e| Err(format!("resolver task failed: {e}")))
}

/// `POST /devices`: adds a device, discovers it, and shows its page; the form again with
/// the errors otherwise.
pub async fn add(State(state): State<AppState>, Form(fields): Form<AddFields>) -> Response {
    let (mut errors, usm) = check_fields(&fields);
    if errors.any() {
        return form_again(fields, errors);
    }
    let name = Some(fields.name.trim()).filter(|n| !n.is_empty());
    let spec = match usm {
        Some(usm) => DeviceSpec::new_v3(fields.address.trim(), usm, name, fields.interval.trim()),
        None => DeviceSpec::new(
            fields.address.trim(),
            fields.version.trim(),
            &fields.community,
            name,
            fields.interval.trim(),
        ),
    };
    let spec = match spec {
        Ok(spec) => spec,
        Err(e) => {
            errors.address = e.to_string();
            return form_again(fields, errors);
        }
    };
    let addr = match resolve(spec.host.clone(), spec.port).await {
        Ok(addr) => addr,
        Err(e) => {
            errors.address = e;
            return form_again(fields, errors);
        }
    };
    let new_spec = spec.clone();
    let added = state
        .inventory(move |inv| {
            if inv.device(&new_spec.name)?.is_some() {
                return Ok(None);
            }
            inv.add_device(&new_spec, text::now()).map(Some)
        })
        .await;
    let id = match added {
        Ok(Some(id)) => id,
        Ok(None) => {
            errors.name = format!("a device named '{}' already exists", spec.name);
            return form_again(fields, errors);
        }
        Err(e) => return e.into_response(),
    };
    let outcome = probe(&spec, addr).await;
    let saved = state
        .inventory(move |inv| match outcome {
            Ok(found) => inv.save_discovery(id, &found, text::now()),
            Err(error) => {
                let record = PollRecord {
                    at: text::now(),
                    duration: Duration::ZERO,
                    error: Some(error),
                    uptime: None,
                    discontinuities: Vec::new(),
                };
                inv.record_poll(id, &record)
            }
        })
        .await;
    match saved {
        Ok(()) => Redirect::to(&format!("/device/{}", spec.name)).into_response(),
        Err(e) => e.into_response(),
    }
}

/// The remove form's fields.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct RemoveFields {
    purge: Option<String>,
}

/// `POST /device/{name}/remove`: removes the device (and its RRD files with `purge`).
pub async fn remove(
    State(state): State<AppState>,
    Path(name): Path<String>,
    Form(fields): Form<RemoveFields>,
) -> Result<Response, AppError> {
    let target = name.clone();
    state.inventory(move |inv| inv.remove_device(&target)).await?;
    if fields.purge.is_some_and(|v| !v.is_empty()) {
        // The name was a device's, so it is a safe directory name.
        let dir = poller::layout::device_dir(&state.data_dir, &name);
        match tokio::task::spawn_blocking(move || std::fs::remove_dir_all(dir)).await {
            Ok(Err(e)) if e.kind() != std::io::ErrorKind::NotFound => {
                return Err(AppError::Internal(format!("device removed, but its files were not: {e}")));
            }
            _ => {}
        }
    }
    Ok(Redirect::to("/").into_response())
}

/// `POST /device/{name}/rediscover`: discovers the device again and shows its page with the
/// outcome.
pub async fn rediscover(State(state): State<AppState>, Path(name): Path<String>) -> Result<Html<String>, AppError> {
    let (device, _) = load_device(&state, name.clone()).await?;
    let spec = device.spec.clone();
    let outcome = match resolve(spec.host.clone(), spec.port).await {
        Ok(addr) => probe(&spec, addr).await.map_err(|e| format!("{}: {e}", spec.address())),
        Err(e) => Err(e),
    };
    let notice = match outcome {
        Ok(found) => {
            let count = found.interfaces.len();
            let id = device.id;
            state.inventory(move |inv| inv.save_discovery(id, &found, text::now())).await?;
            Notice { kind: "ok", text: format!("Rediscovered: {count} interfaces.") }
        }
        Err(e) => Notice { kind: "error", text: format!("Rediscovery failed: {e}") },
    };
    device_page(&state, name, Some(notice)).await
}
