//! `osprey up` end to end: the agent, the poller and the web app in one process on loopback
//! ports with a temporary data directory; after a few short polling intervals the pages are
//! loaded in a real headless browser (Debian's `chromium`): the device page renders with its
//! graphs, the graphs are served, and they hold data.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn have_chromium() -> bool {
    Command::new("chromium")
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

fn free_tcp_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// The page as the browser built it (`--dump-dom`).
fn browse(url: &str, profile: &Path) -> String {
    let out = Command::new("chromium")
        .args(["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(["--virtual-time-budget=5000", "--dump-dom", url])
        .stderr(Stdio::null())
        .output()
        .unwrap();
    assert!(out.status.success(), "chromium failed on {url}");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// A plain HTTP/1.0 GET: (status, content type, body).
fn get(port: u16, path: &str) -> (u16, String, Vec<u8>) {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    stream.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
    write!(stream, "GET {path} HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n").unwrap();
    let mut response = Vec::new();
    stream.read_to_end(&mut response).unwrap();
    let split = response.windows(4).position(|w| w == b"\r\n\r\n").unwrap();
    let head = String::from_utf8_lossy(&response[..split]).into_owned();
    let status = head.split_whitespace().nth(1).unwrap().parse().unwrap();
    let content_type = head
        .lines()
        .find_map(|l| l.to_ascii_lowercase().strip_prefix("content-type:").map(|v| v.trim().to_string()))
        .unwrap_or_default();
    (status, content_type, response[split + 4..].to_vec())
}

/// The `src` of every `<img>` in a page.
fn image_sources(html: &str) -> Vec<String> {
    html.split("<img")
        .skip(1)
        .filter_map(|tag| {
            let at = tag.find("src=\"")? + 5;
            let end = tag[at..].find('"')?;
            Some(tag[at..at + end].replace("&amp;", "&"))
        })
        .collect()
}

#[test]
fn osprey_up_serves_pages_whose_graphs_hold_data() {
    if !have_chromium() || !testkit::have_rrdtool() {
        eprintln!("chromium or rrdtool missing: skipped (scripts/test.sh installs them)");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let agent_port = testkit::free_udp_port();
    let web_port = free_tcp_port();
    let mut up = Command::new(env!("CARGO_BIN_EXE_osprey"))
        .args(["--data", data.to_str().unwrap(), "up"])
        .args(["--agent", &format!("udp:127.0.0.1:{agent_port}"), "--listen", &format!("127.0.0.1:{web_port}")])
        .args(["--interval", "2"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(up.stdout.take().unwrap()).lines();
    let started = Instant::now();
    loop {
        let line = lines.next().expect("osprey up ended before it was up").unwrap();
        if line.contains("Osprey is up: open http://127.0.0.1:") {
            break;
        }
        assert!(started.elapsed() < Duration::from_secs(30), "osprey up did not come up");
    }
    // Discovery at the first poll, then a few 2-second intervals of data.
    std::thread::sleep(Duration::from_secs(9));
    let profile = dir.path().join("chromium");

    let index = browse(&format!("http://127.0.0.1:{web_port}/"), &profile);
    assert!(index.contains("localhost") && index.contains("/device/localhost"), "{index}");
    let page = browse(&format!("http://127.0.0.1:{web_port}/device/localhost"), &profile);
    let images = image_sources(&page);
    let graphs: Vec<&String> = images.iter().filter(|s| s.starts_with("/graph/localhost/")).collect();
    assert!(graphs.iter().any(|s| s.contains("/graph/localhost/traffic-lo")), "{page}");
    assert!(graphs.iter().any(|s| s.contains("/graph/localhost/uptime")), "{images:?}");
    assert!(graphs.len() >= 6, "only {} graphs on the device page: {images:?}", graphs.len());
    for src in &graphs {
        let (status, content_type, body) = get(web_port, src);
        assert_eq!(status, 200, "{src}");
        assert!(content_type.starts_with("image/svg+xml"), "{src}: {content_type}");
        assert!(String::from_utf8_lossy(&body).contains("<svg"), "{src}");
    }
    // The graphs hold data: known values in the last minutes of the uptime and loopback
    // traffic graphs.
    for graph in ["uptime", "traffic-lo"] {
        let (status, _, body) = get(web_port, &format!("/graph/localhost/{graph}?start=end-2min&format=json"));
        let text = String::from_utf8_lossy(&body).into_owned();
        assert_eq!(status, 200, "{graph}: {text}");
        let numbers = text.split(['[', ',', ']']).filter(|v| v.trim().parse::<f64>().is_ok_and(f64::is_finite)).count();
        assert!(numbers >= 3, "{graph}: no data in {text}");
    }

    // The poller's health: polls and RRD updates counted.
    let (status, _, body) = get(web_port, "/metrics");
    let metrics = String::from_utf8_lossy(&body).into_owned();
    let value = |name: &str| -> f64 {
        let prefix = format!("{name}{{device=\"localhost\"}} ");
        metrics.lines().find_map(|l| l.strip_prefix(&prefix)?.parse().ok()).unwrap_or(0.0)
    };
    assert_eq!(status, 200);
    assert!(value("osprey_device_polls_total") >= 2.0 && value("osprey_device_rrd_updates_total") > 20.0, "{metrics}");
    assert_eq!(value("osprey_device_rrd_update_errors_total"), 0.0, "{metrics}");

    nix::sys::signal::kill(nix::unistd::Pid::from_raw(up.id() as i32), nix::sys::signal::Signal::SIGTERM).unwrap();
    let asked = Instant::now();
    let status = up.wait().unwrap();
    assert!(status.success(), "{status:?}");
    assert!(asked.elapsed() < Duration::from_secs(10), "stopping took {:?}", asked.elapsed());
    // The agent's configuration was written with defaults for the user to edit.
    assert!(data.join("agent/snmpd.conf").exists());
}
