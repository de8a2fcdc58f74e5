//! The axum router: pages, forms, JSON API, metrics, over the inventory and RRD files of one
//! data directory.
//!
//! Modules and what each owns:
//! - [`state`]: [`AppState`], the shared inventory connection, run off the async runtime.
//! - `error`: the error pages (404 for what does not exist, 400 for malformed parameters).
//! - `pages`: the device list and the device page.
//! - `graphs`: the graph page (MRTG's four views, custom range, drag-to-zoom) and the graph
//!   itself as SVG, PNG, JSON or CSV.
//! - `forms`: adding, removing and rediscovering devices (POST only).
//! - `api`: `/api/devices` and `/api/devices/{name}` as JSON.
//! - `metrics`: `/metrics`, the poller's health in Prometheus' text format.
//! - `assets`: the embedded stylesheet and script (no external resources).
//! - `text`: how times, durations and speeds are written on the pages.
//!
//! URLs: `/`, `/device/{name}`, `/graph/{device}/{graph}?range=day|week|month|year` or
//! `start`/`end`, `&format=svg|png|json|csv`, `/devices/new`, `/api/devices`, `/metrics`.

mod api;
mod assets;
mod error;
mod forms;
mod graphs;
mod metrics;
mod pages;
mod state;
mod text;

use std::future::Future;

use axum::Router;
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
        .merge(mutating_routes())
        .fallback(error::not_found)
        .with_state(state)
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
    axum::serve(listener, app(state)).with_graceful_shutdown(shutdown).await
}
