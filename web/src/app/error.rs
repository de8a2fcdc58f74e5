//! Error pages: 404 for a device or graph that does not exist, 400 for parameters that do not
//! parse (with the reason), 403 for what needs a login or a
//! valid form token, 500 only for the server's own failures (an unreadable inventory).

use askama::Template;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};

/// What a handler can fail with.
#[derive(Debug)]
pub enum AppError {
    /// No such device, graph or page.
    NotFound(String),
    /// A parameter the user gave does not parse.
    BadRequest(String),
    /// Not allowed as things stand (no login possible yet, a missing CSRF token).
    Forbidden(String),
    /// The server's own failure.
    Internal(String),
}

impl From<poller::error::Error> for AppError {
    fn from(e: poller::error::Error) -> Self {
        match e {
            poller::error::Error::NoSuchDevice(name) => AppError::NotFound(format!("no device named '{name}'")),
            poller::error::Error::Invalid(message) => AppError::BadRequest(message),
            other => AppError::Internal(other.to_string()),
        }
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    title: &'a str,
    status: u16,
    message: &'a str,
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let (status, title, message) = match &self {
            AppError::NotFound(m) => (StatusCode::NOT_FOUND, "Not found", m),
            AppError::BadRequest(m) => (StatusCode::BAD_REQUEST, "Bad request", m),
            AppError::Forbidden(m) => (StatusCode::FORBIDDEN, "Forbidden", m),
            AppError::Internal(m) => (StatusCode::INTERNAL_SERVER_ERROR, "Server error", m),
        };
        let page = ErrorPage { title, status: status.as_u16(), message };
        match page.render() {
            Ok(html) => (status, Html(html)).into_response(),
            Err(_) => (status, message.clone()).into_response(),
        }
    }
}

/// The fallback: a 404 page for any other URL.
pub async fn not_found() -> AppError {
    AppError::NotFound("there is no page at this address".into())
}
