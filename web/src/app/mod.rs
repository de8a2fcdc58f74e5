//! The axum router: pages, forms, JSON API, metrics, over the inventory and RRD files of one
//! data directory.
//!
//! Modules and what each owns:
//! - [`state`]: [`AppState`], the shared inventory connection, run off the async runtime.
//! - `error`: the error pages (404 for what does not exist, 400 for malformed parameters).
//! - `pages`: the device list and the device page.
//! - `graphs`: the graph page (MRTG's four views, custom range, drag-to-zoom) and the graph
//!   itself as SVG, PNG, JSON or CSV.
//! - [`auth`]: logins, sessions and CSRF tokens: who may use the mutating routes.
//! - `forms`: adding, removing and rediscovering devices (POST only).
//! - `api`: `/api/devices` and `/api/devices/{name}` as JSON.
//! - `metrics`: `/metrics`, the poller's health in Prometheus' text format.
//! - `assets`: the embedded stylesheet and script (no external resources).
//! - `text`: how times, durations and speeds are written on the pages.
//!
//! URLs: `/`, `/device/{name}`, `/graph/{device}/{graph}?range=day|week|month|year` or
//! `start`/`end`, `&format=svg|png|json|csv`, `/devices/new`, `/api/devices`, `/metrics`, `/login`, `/logout`.

mod api;
mod assets;
pub mod auth;
mod error;
mod forms;
mod graphs;
mod metrics;
mod pages;
mod state;
mod text;

use std::future::Future;

use axum::Router;
use axum::middleware::{from_fn, from_fn_with_state};
use axum::routing::{get, post};

pub use state::AppState;

/// The whole app: every page, form, API route and asset.
pub fn app(state: AppState) -> Router {
    Router::new()
        .route("/", get(pages::index))
        .route("/device/{name}", get(pages::device))
        .route("/devices/new", get(forms::add_form))
        .route("/graph/{device}/{graph}", get(graphs::graph))
        .route("/api/devices", get(api::devices))
        .route("/api/devices/{name}", get(api::device))
        .route("/metrics", get(metrics::metrics))
        .route("/static/{file}", get(assets::asset))
        .route("/login", get(auth::login_form))
        .merge(login_routes())
        .merge(mutating_routes().route_layer(from_fn(auth::guard)))
        .fallback(error::not_found)
        .layer(from_fn_with_state(state.clone(), auth::context))
        .with_state(state)
}

/// Logging in and out: POST with a CSRF token.
fn login_routes() -> Router<AppState> {
    Router::new()
        .route("/login", post(auth::login))
        .route("/logout", post(auth::logout))
        .route_layer(from_fn(auth::csrf_only))
}

/// Every route that changes the inventory, POST only and in one place: a guard (login,
/// CSRF) is one `.route_layer(...)` on this router.
fn mutating_routes() -> Router<AppState> {
    Router::new()
        .route("/devices", post(forms::add))
        .route("/device/{name}/remove", post(forms::remove))
        .route("/device/{name}/rediscover", post(forms::rediscover))
}

/// Serves the app on `listener` until `shutdown` completes, then finishes the requests under
/// way.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let service = app(state).into_make_service_with_connect_info::<std::net::SocketAddr>();
    axum::serve(listener, service).with_graceful_shutdown(shutdown).await
}
