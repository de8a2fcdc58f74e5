//! The stylesheet and the script, embedded in the binary (no CDN, no files to install) and
//! served under `/static/` with a cache lifetime.

use axum::extract::Path;
use axum::http::header;
use axum::response::{IntoResponse, Response};

use super::error::AppError;

/// The assets: name, content type, content.
const ASSETS: [(&str, &str, &str); 2] = [
    ("style.css", "text/css; charset=utf-8", include_str!("../../static/style.css")),
    ("app.js", "text/javascript; charset=utf-8", include_str!("../../static/app.js")),
];

/// `/static/{file}`.
pub async fn asset(Path(file): Path<String>) -> Result<Response, AppError> {
    let Some((_, kind, body)) = ASSETS.iter().find(|(name, _, _)| *name == file) else {
        return Err(AppError::NotFound(format!("no asset named '{file}'")));
    };
    Ok(([(header::CONTENT_TYPE, *kind), (header::CACHE_CONTROL, "public, max-age=3600")], *body).into_response())
}
