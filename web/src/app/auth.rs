//! Who may change the inventory: logins, sessions and CSRF tokens.
//!
//! - Mutating routes need a login whenever a user exists or the listener is not a loopback
//!   address; with no user yet, they answer 403 saying to run `osprey user add NAME`.
//! - A login (`POST /login`) checks the password against the inventory's argon2 hash; five
//!   failures per client address within a minute make the next attempts 429 until the
//!   minute has passed. A success opens a server-side session (12 hours) named by a random
//!   256-bit token in an HttpOnly, SameSite=Strict cookie (Secure when the request came over
//!   TLS).
//! - Every POST form carries a CSRF token: the session's own token when logged in, otherwise
//!   a random per-browser cookie the form repeats (double submit). A POST without the right
//!   token is 403.
//!
//! [`context`] runs around every request: it finds the visitor (session, CSRF cookie, whether
//! a login is needed), hands it to the handlers and, through a task-local, to the templates
//! ([`csrf_token`], [`user_name`], [`login_hint`]).

use std::collections::{HashMap, VecDeque};
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use askama::Template;
use axum::Form;
use axum::body::Body;
use axum::extract::{ConnectInfo, FromRequest, Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::error::AppError;
use super::pages::render;
use super::state::AppState;

/// The session cookie's name.
pub const SESSION_COOKIE: &str = "osprey_session";
/// The CSRF cookie's name (visitors without a session).
pub const CSRF_COOKIE: &str = "osprey_csrf";
/// The form field carrying the CSRF token.
pub const CSRF_FIELD: &str = "csrf";
/// How long a session lasts.
pub const SESSION_LIFETIME: Duration = Duration::from_secs(12 * 3600);
/// Failed logins allowed per client address within [`FAILURE_WINDOW`].
pub const MAX_FAILURES: usize = 5;
/// The window of the login rate limit.
pub const FAILURE_WINDOW: Duration = Duration::from_secs(60);
/// The largest form body the guard reads.
const MAX_FORM_BYTES: usize = 64 * 1024;
/// What the pages say when changing devices needs a user and none exists.
pub const NO_USER_HINT: &str =
    "Changing devices needs a login, and no user exists yet: run `osprey user add NAME` on the server first.";

#[derive(Debug)]
struct Session {
    user: String,
    csrf: String,
    expires: Instant,
}

/// The sessions and the login rate limit of one app.
#[derive(Debug)]
pub struct Auth {
    loopback: bool,
    sessions: Mutex<HashMap<String, Session>>,
    failures: Mutex<HashMap<IpAddr, VecDeque<Instant>>>,
}

impl Auth {
    /// No sessions yet; `loopback`: whether the app listens on a loopback address only.
    pub fn new(loopback: bool) -> Self {
        Auth { loopback, sessions: Mutex::default(), failures: Mutex::default() }
    }

    /// Whether the listener is a loopback address.
    pub fn loopback(&self) -> bool {
        self.loopback
    }

    fn session(&self, token: &str) -> Option<(String, String)> {
        let mut sessions = self.sessions.lock().unwrap_or_else(|p| p.into_inner());
        let now = Instant::now();
        match sessions.get(token) {
            Some(s) if s.expires > now => Some((s.user.clone(), s.csrf.clone())),
            Some(_) => {
                sessions.remove(token);
                None
            }
            None => None,
        }
    }

    fn open_session(&self, user: String) -> Result<String, AppError> {
        let token = random_token()?;
        let session = Session { user, csrf: random_token()?, expires: Instant::now() + SESSION_LIFETIME };
        let mut sessions = self.sessions.lock().unwrap_or_else(|p| p.into_inner());
        let now = Instant::now();
        sessions.retain(|_, s| s.expires > now);
        sessions.insert(token.clone(), session);
        Ok(token)
    }

    fn close_session(&self, token: &str) {
        self.sessions.lock().unwrap_or_else(|p| p.into_inner()).remove(token);
    }

    /// Whether `client` has used up its failed logins for now.
    fn limited(&self, client: IpAddr) -> bool {
        let mut failures = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        let now = Instant::now();
        failures.retain(|_, times| {
            while times.front().is_some_and(|t| now.duration_since(*t) >= FAILURE_WINDOW) {
                times.pop_front();
            }
            !times.is_empty()
        });
        failures.get(&client).is_some_and(|times| times.len() >= MAX_FAILURES)
    }

    fn record_failure(&self, client: IpAddr) {
        self.failures.lock().unwrap_or_else(|p| p.into_inner()).entry(client).or_default().push_back(Instant::now());
    }
}

/// The visitor of one request, as the guard and the templates see it.
#[derive(Debug, Clone, Default)]
pub struct Visitor {
    /// The logged-in user.
    pub user: Option<String>,
    /// The session, when logged in.
    session: Option<String>,
    /// The CSRF token forms must carry.
    pub csrf: String,
    /// Whether a new CSRF cookie is to be set with the response.
    new_csrf_cookie: bool,
    /// Whether any user exists.
    pub users_exist: bool,
    /// Whether changing the inventory needs a login.
    pub login_required: bool,
}

tokio::task_local! {
    static VISITOR: Visitor;
}

fn current<T>(f: impl FnOnce(&Visitor) -> T) -> Option<T> {
    VISITOR.try_with(|v| f(v)).ok()
}

/// The CSRF token for the forms of the page being rendered.
pub fn csrf_token() -> String {
    current(|v| v.csrf.clone()).unwrap_or_default()
}

/// The logged-in user's name, empty when nobody is.
pub fn user_name() -> String {
    current(|v| v.user.clone()).flatten().unwrap_or_default()
}

/// Whether the header offers "log in" (a login is needed or users exist, and nobody is).
pub fn offer_login() -> bool {
    current(|v| v.user.is_none() && (v.users_exist || v.login_required)).unwrap_or(false)
}

/// What the forms say when they cannot work as things stand, empty when they can.
pub fn login_hint() -> String {
    current(|v| match (&v.user, v.login_required, v.users_exist) {
        (None, true, false) => NO_USER_HINT.to_string(),
        (None, true, true) => "Log in to change devices.".to_string(),
        _ => String::new(),
    })
    .unwrap_or_default()
}

/// 32 random bytes from the OS, as 64 hex digits.
fn random_token() -> Result<String, AppError> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| AppError::Internal(format!("no random bytes: {e}")))?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

fn is_token(text: &str) -> bool {
    text.len() == 64 && text.bytes().all(|b| b.is_ascii_hexdigit())
}

/// Compares two tokens in time independent of where they differ.
fn same_token(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value)
}

/// Whether the request came over TLS (never today: the app serves plain HTTP; a TLS
/// listener or a trusted proxy would say so here).
fn came_over_tls(request: &Request) -> bool {
    request.uri().scheme_str() == Some("https")
}

fn set_cookie(name: &str, value: &str, max_age: Option<u64>, secure: bool) -> Option<HeaderValue> {
    let mut text = format!("{name}={value}; HttpOnly; SameSite=Strict; Path=/");
    if let Some(seconds) = max_age {
        text.push_str(&format!("; Max-Age={seconds}"));
    }
    if secure {
        text.push_str("; Secure");
    }
    HeaderValue::from_str(&text).ok()
}

/// Runs around every request: finds the visitor and makes it known to the handlers (as a
/// request extension) and to the templates.
pub async fn context(State(state): State<AppState>, mut request: Request, next: Next) -> Response {
    if request.uri().path().starts_with("/static/") {
        return next.run(request).await;
    }
    let auth = state.auth();
    let session = cookie(request.headers(), SESSION_COOKIE)
        .and_then(|token| auth.session(token).map(|(user, csrf)| (token.to_string(), user, csrf)));
    let users = match state.inventory(|inv| inv.user_count()).await {
        Ok(count) => count,
        Err(e) => return e.into_response(),
    };
    let mut visitor =
        Visitor { users_exist: users > 0, login_required: users > 0 || !auth.loopback(), ..Visitor::default() };
    match session {
        Some((token, user, csrf)) => {
            visitor.session = Some(token);
            visitor.user = Some(user);
            visitor.csrf = csrf;
        }
        None => match cookie(request.headers(), CSRF_COOKIE).filter(|t| is_token(t)) {
            Some(token) => visitor.csrf = token.to_string(),
            None => match random_token() {
                Ok(token) => {
                    visitor.csrf = token;
                    visitor.new_csrf_cookie = true;
                }
                Err(e) => return e.into_response(),
            },
        },
    }
    let secure = came_over_tls(&request);
    request.extensions_mut().insert(visitor.clone());
    let new_cookie = visitor.new_csrf_cookie.then(|| visitor.csrf.clone());
    let mut response = VISITOR.scope(visitor, next.run(request)).await;
    if let Some(value) = new_cookie.and_then(|token| set_cookie(CSRF_COOKIE, &token, None, secure)) {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
    response
}

fn visitor_of(request: &Request) -> Visitor {
    request.extensions().get::<Visitor>().cloned().unwrap_or_default()
}

#[derive(Debug, Deserialize)]
struct CsrfField {
    #[serde(default)]
    csrf: String,
}

/// Reads the form body, checks its CSRF token against the visitor's and gives the request
/// back whole; a 403 page when the token is missing or wrong.
async fn check_csrf(request: Request, visitor: &Visitor) -> Result<Request, Response> {
    if matches!(*request.method(), Method::GET | Method::HEAD) {
        return Ok(request);
    }
    let (parts, body) = request.into_parts();
    let bytes = axum::body::to_bytes(body, MAX_FORM_BYTES)
        .await
        .map_err(|_| AppError::BadRequest("the form is too large".into()).into_response())?;
    let token = serde_urlencoded::from_bytes::<CsrfField>(&bytes).map(|f| f.csrf).unwrap_or_default();
    if token.is_empty() || visitor.csrf.is_empty() || !same_token(&token, &visitor.csrf) {
        return Err(AppError::Forbidden(
            "This form's security token is missing or out of date (or the form came from another site). \
             Reload the page and send the form again."
                .into(),
        )
        .into_response());
    }
    Ok(Request::from_parts(parts, Body::from(bytes)))
}

/// The guard of the mutating routes: a login when one is needed, then the CSRF token.
pub async fn guard(request: Request, next: Next) -> Response {
    let visitor = visitor_of(&request);
    if visitor.login_required && visitor.user.is_none() {
        if !visitor.users_exist {
            return AppError::Forbidden(NO_USER_HINT.into()).into_response();
        }
        return Redirect::to("/login").into_response();
    }
    match check_csrf(request, &visitor).await {
        Ok(request) => next.run(request).await,
        Err(response) => response,
    }
}

/// The guard of `/login` and `/logout`: the CSRF token only.
pub async fn csrf_only(request: Request, next: Next) -> Response {
    let visitor = visitor_of(&request);
    match check_csrf(request, &visitor).await {
        Ok(request) => next.run(request).await,
        Err(response) => response,
    }
}

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    name: String,
    error: String,
}

fn login_page(status: StatusCode, name: String, error: String) -> Response {
    match render(&LoginPage { name, error }) {
        Ok(html) => (status, html).into_response(),
        Err(e) => e.into_response(),
    }
}

/// `GET /login`: the login form.
pub async fn login_form() -> Response {
    login_page(StatusCode::OK, String::new(), String::new())
}

/// The login form's fields.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct LoginFields {
    name: String,
    password: String,
}

fn client_ip(connect: Option<&ConnectInfo<SocketAddr>>) -> IpAddr {
    connect.map_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED), |c| c.0.ip())
}

/// `POST /login`: checks the password; a session cookie and the device list on success.
pub async fn login(State(state): State<AppState>, request: Request) -> Response {
    let client = client_ip(request.extensions().get::<ConnectInfo<SocketAddr>>());
    let secure = came_over_tls(&request);
    let Ok(Form(fields)) = Form::<LoginFields>::from_request(request, &()).await else {
        return AppError::BadRequest("the login form did not parse".into()).into_response();
    };
    let auth = state.auth();
    if auth.limited(client) {
        return login_page(
            StatusCode::TOO_MANY_REQUESTS,
            fields.name,
            format!(
                "Too many failed logins from your address: wait a minute ({MAX_FAILURES} failures allowed per minute)."
            ),
        );
    }
    let (name, password) = (fields.name.clone(), fields.password);
    let verified = state.inventory(move |inv| inv.verify_user(&name, &password)).await;
    match verified {
        Ok(true) => {}
        Ok(false) => {
            auth.record_failure(client);
            return login_page(StatusCode::UNAUTHORIZED, fields.name, "Wrong name or password.".into());
        }
        Err(e) => return e.into_response(),
    }
    let token = match auth.open_session(fields.name) {
        Ok(token) => token,
        Err(e) => return e.into_response(),
    };
    let mut response = Redirect::to("/").into_response();
    if let Some(value) = set_cookie(SESSION_COOKIE, &token, Some(SESSION_LIFETIME.as_secs()), secure) {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
    response
}

/// `POST /logout`: ends the session.
pub async fn logout(State(state): State<AppState>, request: Request) -> Response {
    let visitor = visitor_of(&request);
    if let Some(token) = &visitor.session {
        state.auth().close_session(token);
    }
    let mut response = Redirect::to("/").into_response();
    if let Some(value) = set_cookie(SESSION_COOKIE, "", Some(0), came_over_tls(&request)) {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
    response
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_random_hex_and_compared_whole() {
        let (a, b) = (random_token().unwrap(), random_token().unwrap());
        assert!(is_token(&a) && is_token(&b) && a != b);
        assert!(same_token(&a, &a.clone()));
        assert!(!same_token(&a, &b) && !same_token(&a, "") && !same_token(&a, &a[..63]));
        assert!(!is_token("xyz") && !is_token(&"g".repeat(64)));
    }

    #[test]
    fn cookies_are_found_by_name() {
        let mut headers = HeaderMap::new();
        headers.append(header::COOKIE, HeaderValue::from_static("a=1; osprey_csrf=abc"));
        headers.append(header::COOKIE, HeaderValue::from_static("osprey_session=def"));
        assert_eq!(cookie(&headers, CSRF_COOKIE), Some("abc"));
        assert_eq!(cookie(&headers, SESSION_COOKIE), Some("def"));
        assert_eq!(cookie(&headers, "b"), None);
    }

    #[test]
    fn failures_are_limited_per_address_and_window() {
        let auth = Auth::new(true);
        let (one, two) = (IpAddr::from([10, 0, 0, 1]), IpAddr::from([10, 0, 0, 2]));
        for _ in 0..MAX_FAILURES {
            assert!(!auth.limited(one));
            auth.record_failure(one);
        }
        assert!(auth.limited(one));
        assert!(!auth.limited(two));
    }

    #[test]
    fn sessions_expire() {
        let auth = Auth::new(true);
        let token = auth.open_session("alice".into()).unwrap();
        assert_eq!(auth.session(&token).map(|s| s.0), Some("alice".to_string()));
        if let Some(s) = auth.sessions.lock().unwrap().get_mut(&token) {
            s.expires = Instant::now();
        }
        assert!(auth.session(&token).is_none());
        assert!(auth.sessions.lock().unwrap().is_empty());
    }
}
