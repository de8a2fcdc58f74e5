//! Logins, sessions and CSRF tokens through the router, in-process: forms without a login on
//! loopback (with the right token only), the login wall once a user exists, the rate limit,
//! the session cookie's attributes, logout, a listener beyond loopback without users, pages
//! that never need a login, and the password stored only as an argon2 hash.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::net::SocketAddr;
use std::path::Path;

use axum::Router;
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use poller::inventory::Inventory;
use poller::target::DeviceSpec;
use tower::ServiceExt;
use web::app::{AppState, app};

const PASSWORD: &str = "correct horse battery";

struct Reply {
    status: StatusCode,
    location: String,
    cookies: Vec<String>,
    body: String,
}

impl Reply {
    /// The value of the cookie `name` this reply sets.
    fn cookie(&self, name: &str) -> Option<String> {
        self.cookies.iter().find_map(|c| c.strip_prefix(&format!("{name}="))?.split(';').next().map(str::to_string))
    }

    /// The CSRF token in the page's forms.
    fn csrf(&self) -> String {
        let at = self.body.find("name=\"csrf\" value=\"").expect("a form with a CSRF token") + 19;
        self.body[at..at + 64].to_string()
    }
}

/// An inventory with the devices `core1` and `edge2`, and the user `alice` when `with_user`.
fn setup(with_user: bool, loopback: bool) -> (tempfile::TempDir, Router) {
    let dir = tempfile::tempdir().unwrap();
    let inv = Inventory::open(dir.path()).unwrap();
    for (addr, name) in [("127.0.0.1:9", "core1"), ("127.0.0.1:9", "edge2")] {
        inv.add_device(&DeviceSpec::new(addr, "2c", "public", Some(name), "60").unwrap(), 1000).unwrap();
    }
    if with_user {
        inv.add_user("alice", PASSWORD, 1000).unwrap();
    }
    let router = app(AppState::listening_on(dir.path(), loopback));
    (dir, router)
}

async fn send(router: &Router, request: Request<Body>) -> Reply {
    let response = router.clone().oneshot(request).await.unwrap();
    let location =
        response.headers().get(header::LOCATION).map(|v| v.to_str().unwrap().to_string()).unwrap_or_default();
    let cookies =
        response.headers().get_all(header::SET_COOKIE).iter().map(|v| v.to_str().unwrap().to_string()).collect();
    let status = response.status();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    Reply { status, location, cookies, body: String::from_utf8_lossy(&bytes).into_owned() }
}

async fn get(router: &Router, uri: &str, cookie: &str) -> Reply {
    send(router, Request::get(uri).header(header::COOKIE, cookie).body(Body::empty()).unwrap()).await
}

async fn post_from(router: &Router, client: [u8; 4], uri: &str, cookie: &str, form: &str) -> Reply {
    let mut request = Request::post(uri)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::COOKIE, cookie)
        .body(Body::from(form.to_string()))
        .unwrap();
    request.extensions_mut().insert(ConnectInfo(SocketAddr::from((client, 40000))));
    send(router, request).await
}

async fn post(router: &Router, uri: &str, cookie: &str, form: &str) -> Reply {
    post_from(router, [127, 0, 0, 1], uri, cookie, form).await
}

/// A fresh browser: the CSRF cookie the add form sets, and the token in the form.
async fn browser(router: &Router) -> (String, String) {
    let page = get(router, "/devices/new", "").await;
    assert_eq!(page.status, StatusCode::OK);
    let set = page.cookies.iter().find(|c| c.starts_with("osprey_csrf=")).expect("a CSRF cookie").clone();
    assert!(set.contains("HttpOnly") && set.contains("SameSite=Strict") && set.contains("Path=/"), "{set}");
    let token = page.cookie("osprey_csrf").unwrap();
    assert_eq!(page.csrf(), token);
    (format!("osprey_csrf={token}"), token)
}

#[tokio::test]
async fn without_users_on_loopback_forms_work_with_the_right_token_only() {
    let (_dir, router) = setup(false, true);
    let (cookie, token) = browser(&router).await;
    let page = get(&router, "/devices/new", &cookie).await;
    assert!(page.cookies.is_empty(), "the cookie is kept: {:?}", page.cookies);
    assert_eq!(page.csrf(), token);
    assert!(!page.body.contains("log in") && !page.body.contains("login-hint"));

    let removed = post(&router, "/device/core1/remove", &cookie, &format!("csrf={token}")).await;
    assert_eq!((removed.status, removed.location.as_str()), (StatusCode::SEE_OTHER, "/"));
    let bad = post(&router, "/devices", &cookie, &format!("address=&csrf={token}")).await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST, "the form itself answers");

    let other = "ffeeddccbbaa99887766554433221100ffeeddccbbaa99887766554433221100";
    for (cookie, form) in [
        (cookie.as_str(), String::new()),
        (cookie.as_str(), "csrf=".to_string()),
        (cookie.as_str(), format!("csrf={other}")),
        ("", format!("csrf={token}")),
        (&format!("osprey_csrf={other}"), format!("csrf={token}")),
    ] {
        let refused = post(&router, "/device/edge2/remove", cookie, &form).await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN, "{cookie} {form}");
        assert!(refused.body.contains("security token"), "{}", refused.body);
    }
    let inv = Inventory::open(_dir.path()).unwrap();
    assert!(inv.device("edge2").unwrap().is_some() && inv.device("core1").unwrap().is_none());
}

#[tokio::test]
async fn with_a_user_changes_need_a_login_and_logins_are_limited() {
    let (dir, router) = setup(true, true);
    let (cookie, token) = browser(&router).await;
    let page = get(&router, "/device/core1", &cookie).await;
    assert!(page.body.contains("Log in to change devices.") && page.body.contains("href=\"/login\""));

    let wall = post(&router, "/device/core1/remove", &cookie, &format!("csrf={token}")).await;
    assert_eq!((wall.status, wall.location.as_str()), (StatusCode::SEE_OTHER, "/login"));
    let form = get(&router, "/login", &cookie).await;
    assert_eq!((form.status, form.csrf()), (StatusCode::OK, token.clone()));

    // A login needs the CSRF token too.
    let forged = post(&router, "/login", &cookie, &format!("name=alice&password={PASSWORD}")).await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);

    // Five wrong passwords from one address, then that address waits, even with the right one.
    let attacker = [10, 0, 0, 9];
    for _ in 0..5 {
        let wrong =
            post_from(&router, attacker, "/login", &cookie, &format!("name=alice&password=guess&csrf={token}")).await;
        assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
        assert!(wrong.body.contains("Wrong name or password.") && wrong.cookie("osprey_session").is_none());
    }
    let unknown = post(&router, "/login", &cookie, &format!("name=mallory&password={PASSWORD}&csrf={token}")).await;
    assert_eq!(unknown.status, StatusCode::UNAUTHORIZED);
    let limited =
        post_from(&router, attacker, "/login", &cookie, &format!("name=alice&password=guess&csrf={token}")).await;
    assert_eq!(limited.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(limited.body.contains("Too many failed logins"));
    let still = post_from(
        &router,
        attacker,
        "/login",
        &cookie,
        &format!("name=alice&password={}&csrf={token}", PASSWORD.replace(' ', "+")),
    )
    .await;
    assert_eq!(still.status, StatusCode::TOO_MANY_REQUESTS);

    // The right password from another address: a session cookie.
    let login =
        post(&router, "/login", &cookie, &format!("name=alice&password={}&csrf={token}", PASSWORD.replace(' ', "+")))
            .await;
    assert_eq!((login.status, login.location.as_str()), (StatusCode::SEE_OTHER, "/"), "{}", login.body);
    let set = login.cookies.iter().find(|c| c.starts_with("osprey_session=")).unwrap();
    assert!(set.contains("; HttpOnly") && set.contains("; SameSite=Strict") && set.contains("; Path=/"), "{set}");
    assert!(!set.contains("Secure"), "plain HTTP: {set}");
    let session = login.cookie("osprey_session").unwrap();
    assert_eq!(session.len(), 64);
    let cookie = format!("{cookie}; osprey_session={session}");

    // The session has its own token; the per-browser one no longer does.
    let page = get(&router, "/device/core1", &cookie).await;
    assert!(page.body.contains("log out alice") && !page.body.contains("login-hint"));
    let session_token = page.csrf();
    assert_ne!(session_token, token);
    let stale = post(&router, "/device/core1/remove", &cookie, &format!("csrf={token}")).await;
    assert_eq!(stale.status, StatusCode::FORBIDDEN);
    let removed = post(&router, "/device/core1/remove", &cookie, &format!("csrf={session_token}")).await;
    assert_eq!((removed.status, removed.location.as_str()), (StatusCode::SEE_OTHER, "/"));
    assert!(Inventory::open(dir.path()).unwrap().device("core1").unwrap().is_none());

    // Logging out ends the session.
    let out = post(&router, "/logout", &cookie, &format!("csrf={session_token}")).await;
    assert_eq!(out.status, StatusCode::SEE_OTHER);
    assert!(out.cookies.iter().any(|c| c.starts_with("osprey_session=;") && c.contains("Max-Age=0")));
    let after = post(&router, "/device/edge2/remove", &cookie, &format!("csrf={session_token}")).await;
    assert_eq!((after.status, after.location.as_str()), (StatusCode::SEE_OTHER, "/login"));
    assert!(Inventory::open(dir.path()).unwrap().device("edge2").unwrap().is_some());
}

#[tokio::test]
async fn beyond_loopback_without_users_changes_say_how_to_add_one() {
    let (_dir, router) = setup(false, false);
    let (cookie, token) = browser(&router).await;
    for uri in ["/devices/new", "/device/core1"] {
        let page = get(&router, uri, &cookie).await;
        assert!(page.body.contains("run `osprey user add NAME`"), "{uri}");
    }
    for uri in ["/devices", "/device/core1/remove", "/device/core1/rediscover"] {
        let refused = post(&router, uri, &cookie, &format!("csrf={token}")).await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN, "{uri}");
        assert!(refused.body.contains("osprey user add NAME"), "{uri}");
    }
}

#[tokio::test]
async fn read_only_pages_never_need_a_login() {
    for (with_user, loopback) in [(true, true), (true, false), (false, false)] {
        let (_dir, router) = setup(with_user, loopback);
        for uri in ["/", "/device/core1", "/devices/new", "/api/devices", "/api/devices/core1", "/metrics", "/login"] {
            assert_eq!(get(&router, uri, "").await.status, StatusCode::OK, "{uri} {with_user} {loopback}");
        }
        assert_eq!(get(&router, "/static/style.css", "").await.status, StatusCode::OK);
    }
}

#[tokio::test]
async fn the_database_holds_an_argon2_hash_never_the_password() {
    let (dir, router) = setup(true, true);
    drop(router);
    let bytes = |name: &str| std::fs::read(dir.path().join(name)).unwrap_or_default();
    let stored = [bytes("osprey.db"), bytes("osprey.db-wal")].concat();
    let contains = |needle: &[u8]| stored.windows(needle.len()).any(|w| w == needle);
    assert!(contains(b"$argon2id$v=19$m=19456,t=2,p=1$"));
    assert!(!contains(PASSWORD.as_bytes()));
    assert!(Inventory::open(Path::new(dir.path())).unwrap().verify_user("alice", PASSWORD).unwrap());
}
