//! Osprey's dashboard: the web app over the inventory and RRD files of a data directory.
//!
//! Modules and what each owns:
//! - [`graph`]: graphs of RRD files: time ranges, data consolidated to the pixel width, drawn
//!   as SVG or PNG (MRTG's look), or given as JSON/CSV; MRTG's traffic summary.
//! - [`app`]: the axum router: pages, forms, JSON API, metrics, and the logins, sessions and
//!   CSRF tokens that guard the forms.

pub mod app;
pub mod graph;
