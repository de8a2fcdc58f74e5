//! The axum router: pages, forms, JSON API, metrics (being built).
