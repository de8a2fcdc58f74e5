//! The app through its router, in-process: pages, filters, 404s and 400s, the forms (errors
//! next to their field with the values kept, add and remove), the JSON API, `/metrics`
//! parsed, and hostile text from devices escaped.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::borrow::Cow;
use std::path::Path;
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use poller::inventory::{Discovered, Interface, Inventory, PollRecord, Storage, SystemInfo, UcdGroups};
use poller::target::DeviceSpec;
use tower::ServiceExt;
use web::app::{AppState, app};

const HOSTILE: &str = "<script>alert('x')</script> & \"quoted\"";

fn interface(name: &str, index: u32, alias: &str, oper: i32) -> Interface {
    Interface {
        name: name.into(),
        index,
        descr: format!("{name} descr"),
        alias: alias.into(),
        if_type: 6,
        speed_bps: 1_000_000_000,
        admin_status: 1,
        oper_status: oper,
        hc: true,
        has_discontinuity: false,
        last_discontinuity: None,
    }
}

/// An inventory with `core1` (up, discovered, hostile sysDescr), `edge2` (down) and `new3`
/// (never polled).
fn inventory(dir: &Path) {
    let mut inv = Inventory::open(dir).unwrap();
    let spec = |addr: &str, name: &str| DeviceSpec::new(addr, "2c", "public", Some(name), "60").unwrap();
    let core = inv.add_device(&spec("127.0.0.1:1161", "core1"), 1000).unwrap();
    let found = Discovered {
        system: SystemInfo {
            descr: HOSTILE.into(),
            object_id: "1.3.6.1.4.1.8072.3.2.10".into(),
            name: "core1.example".into(),
            location: "Rack 4".into(),
            contact: "noc@example.com".into(),
        },
        if_number: 2,
        interfaces: vec![interface("lo", 1, "", 1), interface("eth0", 2, "uplink <to> isp", 1)],
        storage: vec![Storage { descr: "/".into(), index: 31, kind: String::new(), units: 4096, size: 1 << 20 }],
        processors: vec![196608],
        ucd: UcdGroups { load: true, memory: true, cpu: true },
    };
    inv.save_discovery(core, &found, 1000).unwrap();
    let record = |error: Option<&str>| PollRecord {
        at: poller::poll::unix_now() as i64 - 30,
        duration: Duration::from_millis(42),
        error: error.map(str::to_string),
        uptime: Some(360_000),
        discontinuities: Vec::new(),
    };
    inv.record_poll(core, &record(None)).unwrap();
    let edge = inv.add_device(&spec("127.0.0.2:1161", "edge2"), 1000).unwrap();
    inv.record_poll(edge, &record(Some("Timeout: No Response from 127.0.0.2:1161"))).unwrap();
    inv.add_device(&spec("127.0.0.3", "new3"), 1000).unwrap();
}

fn setup() -> (tempfile::TempDir, Router) {
    let dir = tempfile::tempdir().unwrap();
    inventory(dir.path());
    let router = app(AppState::new(dir.path()));
    (dir, router)
}

struct Reply {
    status: StatusCode,
    content_type: String,
    location: String,
    body: String,
}

async fn send(router: &Router, request: Request<Body>) -> Reply {
    let response = router.clone().oneshot(request).await.unwrap();
    let header_text = |name| response.headers().get(name).map(|v| v.to_str().unwrap().to_string()).unwrap_or_default();
    let (status, content_type, location) =
        (response.status(), header_text(header::CONTENT_TYPE), header_text(header::LOCATION));
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    Reply { status, content_type, location, body: String::from_utf8_lossy(&bytes).into_owned() }
}

async fn get(router: &Router, uri: &str) -> Reply {
    send(router, Request::get(uri).body(Body::empty()).unwrap()).await
}

/// A per-browser CSRF token (double submit: the cookie and the form field agree).
const CSRF: &str = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";

async fn post(router: &Router, uri: &str, form: &str) -> Reply {
    let separator = if form.is_empty() { "" } else { "&" };
    let request = Request::post(uri)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::COOKIE, format!("osprey_csrf={CSRF}"))
        .body(Body::from(format!("{form}{separator}csrf={CSRF}")))
        .unwrap();
    send(router, request).await
}

#[tokio::test]
async fn the_index_lists_every_device_with_its_state() {
    let (_dir, router) = setup();
    let page = get(&router, "/").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.content_type.starts_with("text/html"));
    for name in ["core1", "edge2", "new3"] {
        assert!(page.body.contains(&format!("href=\"/device/{name}\"")), "{name}");
    }
    assert!(page.body.contains("state-up\">up<"));
    assert!(page.body.contains("state-down\""));
    assert!(page.body.contains("never polled"));
    assert!(page.body.contains("127.0.0.1:1161"));
    assert!(page.body.contains("42 ms"));
    // Uptime: 3600 s at the last poll, 30 s ago.
    assert!(page.body.contains("1h 0m"));
}

#[tokio::test]
async fn the_index_searches_and_filters() {
    let (_dir, router) = setup();
    let page = get(&router, "/?q=rack+4").await;
    assert!(page.body.contains("/device/core1") && !page.body.contains("/device/edge2"));
    let page = get(&router, "/?q=127.0.0.2").await;
    assert!(page.body.contains("/device/edge2") && !page.body.contains("/device/core1"));
    let page = get(&router, "/?status=down").await;
    assert!(page.body.contains("/device/edge2") && !page.body.contains("/device/new3"));
    let page = get(&router, "/?status=never").await;
    assert!(page.body.contains("/device/new3") && !page.body.contains("/device/core1"));
    let page = get(&router, "/?q=nothing-like-this").await;
    assert!(page.body.contains("No device matches"));
    let bad = get(&router, "/?status=sideways").await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert!(bad.body.contains("unknown status"));
}

#[tokio::test]
async fn the_device_page_shows_the_system_group_and_interfaces() {
    let (_dir, router) = setup();
    let page = get(&router, "/device/core1").await;
    assert_eq!(page.status, StatusCode::OK);
    for text in ["core1.example", "Rack 4", "noc@example.com", "1.3.6.1.4.1.8072.3.2.10", "eth0", "1 Gbit/s"] {
        assert!(page.body.contains(text), "{text}");
    }
    assert!(page.body.contains("uplink &#60;to&#62; isp") || page.body.contains("uplink &lt;to&gt; isp"));
    // No poll wrote files yet: the page says so rather than showing broken images.
    assert!(page.body.contains("created at the first poll"));
    // The mutating forms post.
    assert!(page.body.contains("method=\"post\" action=\"/device/core1/rediscover\""));
    assert!(page.body.contains("method=\"post\" action=\"/device/core1/remove\""));
    let down = get(&router, "/device/edge2").await;
    assert!(down.body.contains("Last poll failed: Timeout: No Response from 127.0.0.2:1161"));
}

#[tokio::test]
async fn hostile_text_from_a_device_is_escaped() {
    let (_dir, router) = setup();
    for uri in ["/", "/device/core1", "/?q=script"] {
        let page = get(&router, uri).await;
        assert!(!page.body.contains("<script>alert"), "{uri}");
        assert!(page.body.contains("&#60;script&#62;") || page.body.contains("&lt;script&gt;"), "{uri}");
    }
    // Search text comes back escaped too.
    let page = get(&router, "/?q=%22%3E%3Cscript%3Ex").await;
    assert!(!page.body.contains("\"><script>x"));
}

#[tokio::test]
async fn unknown_things_are_404_pages() {
    let (_dir, router) = setup();
    for uri in [
        "/device/nope",
        "/device/..%2F..%2Fetc",
        "/graph/nope/traffic-eth0",
        "/graph/core1/traffic-eth9",
        "/graph/core1/..%2Fosprey.db",
        "/api/devices/nope",
        "/static/secret.txt",
        "/no/such/page",
    ] {
        let reply = get(&router, uri).await;
        assert_eq!(reply.status, StatusCode::NOT_FOUND, "{uri}");
        assert!(reply.content_type.starts_with("text/html"), "{uri}");
        assert!(reply.body.contains("Not found"), "{uri}");
    }
}

#[tokio::test]
async fn mutating_routes_take_only_post() {
    let (_dir, router) = setup();
    for uri in ["/devices", "/device/core1/remove", "/device/core1/rediscover"] {
        assert_eq!(get(&router, uri).await.status, StatusCode::METHOD_NOT_ALLOWED, "{uri}");
    }
    assert_eq!(get(&router, "/device/core1").await.status, StatusCode::OK);
}

#[tokio::test]
async fn the_add_form_shows_errors_next_to_fields_and_keeps_values() {
    let (_dir, router) = setup();
    let empty = get(&router, "/devices/new").await;
    assert_eq!(empty.status, StatusCode::OK);
    assert!(empty.body.contains("value=\"public\"") && empty.body.contains("value=\"300\""));
    let reply = post(&router, "/devices", "address=router%3A0&name=a%2Fb&version=4&community=&interval=5m").await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    for (field, text) in [
        ("address", "invalid port '0'"),
        ("name", "invalid device name 'a/b'"),
        ("version", "invalid SNMP version '4'"),
        ("community", "enter the community"),
        ("interval", "invalid interval '5m'"),
    ] {
        let error = format!("<p class=\"field-error\" id=\"{field}-error\">");
        let at = reply.body.find(&error).unwrap_or_else(|| panic!("no error for {field}"));
        assert!(
            reply.body[at..].starts_with(&format!("{error}{}", text.replace('\'', "&#39;")))
                || reply.body[at..].contains(text),
            "{field}"
        );
    }
    assert!(reply.body.contains("value=\"router:0\"") && reply.body.contains("value=\"a/b\""));
    assert!(reply.body.contains("value=\"5m\""));
    // A taken name is the name's error; the values stay.
    let taken =
        post(&router, "/devices", "address=127.0.0.1%3A9&name=core1&version=2c&community=public&interval=60").await;
    assert_eq!(taken.status, StatusCode::BAD_REQUEST);
    assert!(
        taken.body.contains("id=\"name-error\">a device named &#39;core1&#39; already exists")
            || taken.body.contains("a device named")
    );
    assert!(taken.body.contains("value=\"127.0.0.1:9\""));
    // Hostile values are kept, escaped.
    let hostile = post(&router, "/devices", "address=%3Cscript%3E%3A0&version=2c&community=c&interval=60").await;
    assert!(!hostile.body.contains("<script>:0"));
    // A body that is not a form is refused, not a crash.
    let odd = send(&router, Request::post("/devices").body(Body::from("{}")).unwrap()).await;
    assert!(odd.status.is_client_error());
}

/// A v3 device in the inventory (added with `osprey device add -v 3`): the listing, its page
/// and the API show it without a passphrase; the form, which has no credential fields,
/// sends v3 to the command line.
#[tokio::test]
async fn v3_devices_are_listed_without_their_passphrases() {
    let (dir, router) = setup();
    let options = poller::credentials::UsmInput {
        user: Some("ops".into()),
        level: Some("authPriv".into()),
        auth_protocol: Some("SHA-256".into()),
        auth_password: Some("secret-auth-1".into()),
        priv_protocol: Some("AES".into()),
        priv_password: Some("secret-priv-1".into()),
        context: None,
    };
    let usm = poller::credentials::UsmCredentials::from_input(&options).unwrap();
    let spec = DeviceSpec::new_v3("127.0.0.9:1161", usm, Some("secure9"), "60").unwrap();
    Inventory::open(dir.path()).unwrap().add_device(&spec, 1000).unwrap();
    for uri in ["/", "/device/secure9", "/api/devices", "/api/devices/secure9"] {
        let page = get(&router, uri).await;
        assert_eq!(page.status, StatusCode::OK, "{uri}");
        assert!(page.body.contains("secure9"), "{uri}");
        assert!(!page.body.contains("secret-auth-1") && !page.body.contains("secret-priv-1"), "{uri}");
    }
    let page = get(&router, "/device/secure9").await;
    assert!(page.body.contains("(SNMP v3 authPriv user=ops SHA-256/AES)"), "{}", page.body);
}

/// The add form with SNMPv3: the credentials' errors, passphrases never sent back, and an
/// authPriv device on a real snmpd added and discovered.
#[tokio::test]
async fn v3_devices_are_added_through_the_form() {
    let (_dir, router) = setup();
    let reply = post(&router, "/devices", "address=127.0.0.1%3A9&version=3&interval=60").await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert!(reply.body.contains("id=\"usm-error\">SNMPv3 needs a user name"), "{}", reply.body);
    let form = "address=127.0.0.1%3A9&version=3&interval=60&usm_user=ops&usm_level=authPriv\
                &usm_auth_protocol=SHA-256&usm_auth_password=secret-auth-1&usm_priv_protocol=AES";
    let reply = post(&router, "/devices", form).await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert!(reply.body.contains("privacy passphrase (-X)"), "{}", reply.body);
    assert!(!reply.body.contains("secret-auth-1"), "a passphrase must never come back");
    assert!(reply.body.contains("value=\"ops\""), "the user is kept");
    testkit::require_netsnmp!();
    let snmpd =
        testkit::Snmpd::start("createUser ops SHA-256 \"secret-auth-1\" AES \"secret-priv-1\"\nrouser ops priv\n");
    let form = format!(
        "address={}&name=v3box&version=3&interval=60&usm_user=ops&usm_level=authPriv&usm_auth_protocol=SHA-256\
         &usm_auth_password=secret-auth-1&usm_priv_protocol=AES&usm_priv_password=secret-priv-1",
        snmpd.addr()
    );
    let reply = post(&router, "/devices", &form).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    let page = get(&router, "/device/v3box").await;
    assert!(page.body.contains("osprey-test") && page.body.contains("user=ops SHA-256/AES"), "{}", page.body);
    assert!(!page.body.contains("secret-auth-1") && !page.body.contains("secret-priv-1"));
}

fn system_objects() -> Vec<snmp::VarBind<'static>> {
    let text = |s: &str| snmp::Value::OctetString(Cow::Owned(s.as_bytes().to_vec()));
    let oid = |s: &str| s.parse::<snmp::Oid>().unwrap();
    vec![
        snmp::VarBind::new(oid("1.3.6.1.2.1.1.1.0"), text("Frozen test box")),
        snmp::VarBind::new(
            oid("1.3.6.1.2.1.1.2.0"),
            snmp::Value::ObjectIdentifier(Box::new(oid("1.3.6.1.4.1.8072.3.2.10"))),
        ),
        snmp::VarBind::new(oid("1.3.6.1.2.1.1.3.0"), snmp::Value::TimeTicks(12_345)),
        snmp::VarBind::new(oid("1.3.6.1.2.1.1.4.0"), text("ops")),
        snmp::VarBind::new(oid("1.3.6.1.2.1.1.5.0"), text("frozen")),
        snmp::VarBind::new(oid("1.3.6.1.2.1.1.6.0"), text("lab")),
        snmp::VarBind::new(oid("1.3.6.1.2.1.2.1.0"), snmp::Value::Integer(0)),
    ]
}

#[tokio::test]
async fn devices_are_added_discovered_and_removed_through_the_forms() {
    let (dir, router) = setup();
    let agent = testkit::frozen_agent::FrozenAgent::start(system_objects(), "public");
    let form = format!("address={}&name=frozen1&version=2c&community=public&interval=60", agent.addr());
    let reply = post(&router, "/devices", &form).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    assert_eq!(reply.location, "/device/frozen1");
    let page = get(&router, "/device/frozen1").await;
    assert!(page.body.contains("Frozen test box") && page.body.contains("lab"), "{}", page.body);
    // Rediscovery answers with the page and what it found.
    let again = post(&router, "/device/frozen1/rediscover", "").await;
    assert_eq!(again.status, StatusCode::OK);
    assert!(again.body.contains("Rediscovered: 0 interfaces."));
    // A device that does not answer is added, shown as down.
    let silent = testkit::free_udp_port();
    let form = format!("address=127.0.0.1%3A{silent}&name=silent&version=1&community=public&interval=60");
    let reply = post(&router, "/devices", &form).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
    let page = get(&router, "/device/silent").await;
    assert!(page.body.contains("state-down"));
    let failed = post(&router, "/device/silent/rediscover", "").await;
    assert!(failed.body.contains("Rediscovery failed"));
    // Remove, with its files.
    let files = poller::layout::device_dir(dir.path(), "frozen1");
    std::fs::create_dir_all(&files).unwrap();
    let reply = post(&router, "/device/frozen1/remove", "purge=1").await;
    assert_eq!((reply.status, reply.location.as_str()), (StatusCode::SEE_OTHER, "/"));
    assert!(!files.exists());
    assert_eq!(get(&router, "/device/frozen1").await.status, StatusCode::NOT_FOUND);
    assert_eq!(post(&router, "/device/frozen1/remove", "").await.status, StatusCode::NOT_FOUND);
    let reply = post(&router, "/device/silent/remove", "").await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
    let names: Vec<String> =
        Inventory::open(dir.path()).unwrap().devices().unwrap().into_iter().map(|d| d.spec.name).collect();
    assert_eq!(names, ["core1", "edge2", "new3"]);
}

#[tokio::test]
async fn the_api_gives_devices_as_json() {
    let (_dir, router) = setup();
    let reply = get(&router, "/api/devices").await;
    assert_eq!(reply.status, StatusCode::OK);
    assert!(reply.content_type.starts_with("application/json"));
    let list: serde_json::Value = serde_json::from_str(&reply.body).unwrap();
    let list = list.as_array().unwrap();
    assert_eq!(list.len(), 3);
    let core = &list[0];
    assert_eq!(core["name"], "core1");
    assert_eq!(core["status"], "up");
    assert_eq!(core["host"], "127.0.0.1");
    assert_eq!(core["port"], 1161);
    assert_eq!(core["sys_descr"], HOSTILE);
    assert_eq!(core["last_duration_ms"], 42);
    assert_eq!(list[1]["status"], "down");
    assert!(list[1]["last_error"].as_str().unwrap().starts_with("Timeout"));
    assert_eq!(list[2]["status"], "never");
    assert!(list[2]["last_poll"].is_null());
    let reply = get(&router, "/api/devices/core1").await;
    let one: serde_json::Value = serde_json::from_str(&reply.body).unwrap();
    assert_eq!(one["name"], "core1");
    assert_eq!(one["interfaces"][1]["name"], "eth0");
    assert_eq!(one["interfaces"][1]["speed_bps"], 1_000_000_000u64);
    assert_eq!(one["storage"][0]["size_bytes"], 4096u64 << 20);
    assert!(one["graphs"].as_array().unwrap().is_empty(), "no files yet");
}

/// Parses the text format: `name{labels} value` lines and their families' TYPE.
fn parse_metrics(text: &str) -> Vec<(String, String, f64)> {
    let mut samples = Vec::new();
    let mut typed = Vec::new();
    for line in text.lines() {
        if let Some(rest) = line.strip_prefix("# TYPE ") {
            let (name, kind) = rest.split_once(' ').unwrap();
            assert!(["gauge", "counter"].contains(&kind), "{line}");
            typed.push(name.to_string());
            continue;
        }
        if line.starts_with("# HELP ") || line.is_empty() {
            continue;
        }
        let (series, value) = line.rsplit_once(' ').unwrap();
        let (name, labels) = match series.split_once('{') {
            Some((name, labels)) => (name, labels.strip_suffix('}').unwrap().to_string()),
            None => (series, String::new()),
        };
        assert!(name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'), "{line}");
        assert!(typed.iter().any(|t| t == name), "{name} has no TYPE before it");
        samples.push((name.to_string(), labels, value.parse::<f64>().unwrap()));
    }
    samples
}

#[tokio::test]
async fn metrics_are_prometheus_text() {
    let (_dir, router) = setup();
    let reply = get(&router, "/metrics").await;
    assert_eq!(reply.status, StatusCode::OK);
    assert!(reply.content_type.starts_with("text/plain; version=0.0.4"));
    let samples = parse_metrics(&reply.body);
    let value =
        |name: &str, labels: &str| samples.iter().find(|(n, l, _)| n == name && l == labels).map(|(_, _, v)| *v);
    assert_eq!(value("osprey_devices", ""), Some(3.0));
    assert_eq!(value("osprey_devices_by_state", "state=\"up\""), Some(1.0));
    assert_eq!(value("osprey_devices_by_state", "state=\"down\""), Some(1.0));
    assert_eq!(value("osprey_devices_by_state", "state=\"never\""), Some(1.0));
    assert_eq!(value("osprey_device_up", "device=\"core1\""), Some(1.0));
    assert_eq!(value("osprey_device_up", "device=\"edge2\""), Some(0.0));
    assert_eq!(value("osprey_device_up", "device=\"new3\""), None);
    assert_eq!(value("osprey_device_last_poll_error", "device=\"edge2\""), Some(1.0));
    assert_eq!(value("osprey_device_last_poll_duration_seconds", "device=\"core1\""), Some(0.042));
    assert_eq!(value("osprey_device_poll_interval_seconds", "device=\"new3\""), Some(60.0));
}

#[tokio::test]
async fn assets_are_embedded() {
    let (_dir, router) = setup();
    let css = get(&router, "/static/style.css").await;
    assert_eq!(css.status, StatusCode::OK);
    assert!(css.content_type.starts_with("text/css") && css.body.contains("prefers-color-scheme: dark"));
    let js = get(&router, "/static/app.js").await;
    assert!(js.content_type.starts_with("text/javascript"));
    // No page loads anything from elsewhere.
    let page = get(&router, "/device/core1").await;
    assert!(!page.body.contains("http://") && !page.body.contains("https://"));
}

/// Writes every file of core1 as the poller would, with a day of readings every minute
/// (traffic: 1 MB/s in, 2 MB/s out).
fn write_files(dir: &Path) -> usize {
    let inv = Inventory::open(dir).unwrap();
    let device = inv.device("core1").unwrap().unwrap();
    let found = inv.discovered(&device).unwrap();
    let files_dir = poller::layout::device_dir(dir, "core1");
    std::fs::create_dir_all(&files_dir).unwrap();
    let now = poller::poll::unix_now() as i64 / 60 * 60;
    let start = now - 86_400;
    let files = poller::layout::files(&found);
    for file in &files {
        let path = files_dir.join(&file.file_name);
        let args = [vec![path.display().to_string()], poller::layout::create_args(file, 60, start - 60)].concat();
        rrd::create::create(&args).unwrap();
        let readings: Vec<String> = (0..=1440i64)
            .map(|i| {
                let t = start + i * 60;
                let values: Vec<String> = file
                    .data_sources
                    .iter()
                    .enumerate()
                    .map(|(n, ds)| match ds.kind {
                        "COUNTER" => (t * 1_000_000 * (n as i64 + 1)).to_string(),
                        _ => (10 + n * 5).to_string(),
                    })
                    .collect();
                format!("{t}:{}", values.join(":"))
            })
            .collect();
        rrd::update::update_file(&path, rrd::update::UpdateOptions { template: None, skip_past: false }, &readings)
            .unwrap();
    }
    files.len()
}

#[tokio::test]
async fn the_device_page_embeds_every_graph_with_the_traffic_summary() {
    let (dir, router) = setup();
    let count = write_files(dir.path());
    let page = get(&router, "/device/core1").await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(page.body.matches("<img class=\"graph\"").count(), count);
    for stem in [
        "traffic-eth0",
        "errors-eth0",
        "packets-lo",
        "load",
        "cpu",
        "processor-196608",
        "memory",
        "storage-_",
        "uptime",
    ] {
        assert!(page.body.contains(&format!("src=\"/graph/core1/{stem}?range=day&amp;format=svg\"")), "{stem}");
    }
    // MRTG's summary: 1 MB/s in is 8 Mbit/s, 0.8% of 1 Gbit/s; 2 MB/s out.
    assert!(page.body.contains("<th>In</th><td>8.0 Mbit/s (0.8%)</td>"), "{}", page.body);
    assert!(page.body.contains("<th>Out</th><td>16.0 Mbit/s (1.6%)</td>"));
    // Each interface row links to its traffic graph, with an alias (eth0) or without (lo).
    for name in ["eth0", "lo"] {
        assert!(page.body.contains(&format!("<a href=\"#g-traffic-{name}\">{name}</a>")), "{name}");
    }
    let api = get(&router, "/api/devices/core1").await;
    let one: serde_json::Value = serde_json::from_str(&api.body).unwrap();
    assert_eq!(one["graphs"].as_array().unwrap().len(), count);
    assert_eq!(one["graphs"][0]["json"], "/graph/core1/traffic-lo?range=day&format=json");
}

#[tokio::test]
async fn graph_pages_and_graphs_in_every_format() {
    let (dir, router) = setup();
    write_files(dir.path());
    let page = get(&router, "/graph/core1/traffic-eth0").await;
    assert_eq!(page.status, StatusCode::OK);
    for view in ["range=day", "range=week", "range=month", "range=year"] {
        assert!(page.body.contains(&format!("?{view}&amp;format=svg")), "{view}");
    }
    assert!(page.body.contains("data-left=\"0.") && page.body.contains("theme=dark"));
    let one = get(&router, "/graph/core1/traffic-eth0?range=week").await;
    assert_eq!(one.body.matches("<figure class=\"graph-view\">").count(), 1);
    let custom = get(&router, "/graph/core1/load?start=end-6h&end=now").await;
    assert_eq!(custom.status, StatusCode::OK);
    assert!(custom.body.contains("format=svg") && custom.body.contains("end="));
    let svg = get(&router, "/graph/core1/traffic-eth0?range=day&format=svg").await;
    assert_eq!(svg.status, StatusCode::OK);
    assert!(svg.content_type.starts_with("image/svg+xml") && svg.body.contains("<svg"));
    let png = router
        .clone()
        .oneshot(Request::get("/graph/core1/memory?range=day&format=png&theme=dark").body(Body::empty()).unwrap())
        .await
        .unwrap();
    assert_eq!(png.headers()[header::CONTENT_TYPE], "image/png");
    let bytes = png.into_body().collect().await.unwrap().to_bytes();
    assert!(bytes.starts_with(b"\x89PNG"));
    let json = get(&router, "/graph/core1/traffic-eth0?range=day&format=json").await;
    assert!(json.content_type.starts_with("application/json"));
    serde_json::from_str::<serde_json::Value>(&json.body).unwrap();
    let csv = get(&router, "/graph/core1/traffic-eth0?start=end-1h&format=csv").await;
    assert!(csv.content_type.starts_with("text/csv"));
    assert!(csv.body.lines().count() > 10);
}

#[tokio::test]
async fn malformed_graph_parameters_are_400s() {
    let (dir, router) = setup();
    write_files(dir.path());
    for query in [
        "range=fortnight",
        "start=yesterday-ish",
        "start=now&end=end-1d",
        "range=day&start=end-1h",
        "format=gif",
        "format=svg&width=9",
        "format=svg&height=abc",
        "format=png&theme=blue",
        "format=svg&range=decade",
        "range=day&range=week",
    ] {
        let reply = get(&router, &format!("/graph/core1/traffic-eth0?{query}")).await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{query}: {}", reply.body);
    }
}
