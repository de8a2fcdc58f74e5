//! Server time of the pages (issue 6's targets): the device list with 1,000 devices (under
//! 100 ms) and a device page with 20 graphs and their traffic summaries (under 50 ms), measured
//! in-process through the router on a data directory made here. Prints the median and the
//! slowest of the runs. Run: `cargo bench -p osprey-web --bench pages`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::path::Path;
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::{Request, StatusCode};
use http_body_util::BodyExt;
use poller::inventory::{Discovered, Interface, Inventory, PollRecord, Storage, SystemInfo, UcdGroups};
use poller::target::DeviceSpec;
use tower::ServiceExt;

fn interface(i: u32) -> Interface {
    Interface {
        name: format!("eth{i}"),
        index: i,
        descr: format!("Ethernet {i}"),
        alias: format!("link {i}"),
        if_type: 6,
        speed_bps: 1_000_000_000,
        admin_status: 1,
        oper_status: 1,
        hc: true,
        has_discontinuity: false,
        last_discontinuity: None,
    }
}

/// 1,000 devices, the first (`big`) with 5 interfaces (15 files), load, cpu, memory, one
/// filesystem and uptime: 20 graphs, each with a day of minute readings.
fn make_data(dir: &Path) {
    let mut inv = Inventory::open(dir).unwrap();
    let now = poller::poll::unix_now() as i64 / 60 * 60;
    for n in 0..1000 {
        let name = if n == 0 { "big".to_string() } else { format!("dev{n:04}") };
        let spec =
            DeviceSpec::new(&format!("10.0.{}.{}", n / 250, n % 250 + 1), "2c", "public", Some(&name), "60").unwrap();
        let id = inv.add_device(&spec, now).unwrap();
        let found = Discovered {
            system: SystemInfo {
                descr: format!("Linux {name} 6.1.0-18-amd64 #1 SMP PREEMPT_DYNAMIC Debian x86_64"),
                name: name.clone(),
                location: format!("Rack {}", n % 40),
                ..SystemInfo::default()
            },
            if_number: 5,
            interfaces: if n == 0 { (1..=5).map(interface).collect() } else { Vec::new() },
            storage: vec![Storage { descr: "/".into(), index: 31, kind: String::new(), units: 4096, size: 1 << 24 }],
            processors: Vec::new(),
            ucd: UcdGroups { load: true, memory: true, cpu: true },
        };
        inv.save_discovery(id, &found, now).unwrap();
        let error = (n % 10 == 3).then(|| "Timeout: No Response".to_string());
        let record = PollRecord {
            at: now - 30,
            duration: Duration::from_millis(12),
            error,
            uptime: Some(100_000),
            discontinuities: Vec::new(),
        };
        inv.record_poll(id, &record).unwrap();
    }
    let big = inv.device("big").unwrap().unwrap();
    let found = inv.discovered(&big).unwrap();
    let files_dir = poller::layout::device_dir(dir, "big");
    std::fs::create_dir_all(&files_dir).unwrap();
    let start = now - 86_400;
    let files = poller::layout::files(&found);
    assert_eq!(files.len(), 20);
    for file in &files {
        let path = files_dir.join(&file.file_name);
        let args = [vec![path.display().to_string()], poller::layout::create_args(file, 60, start - 60)].concat();
        rrd::create::create(&args).unwrap();
        let readings: Vec<String> = (0..=1440i64)
            .map(|i| {
                let t = start + i * 60;
                let v: Vec<String> = file.data_sources.iter().map(|_| (t * 1000 + i * i).to_string()).collect();
                format!("{t}:{}", v.join(":"))
            })
            .collect();
        rrd::update::update_file(&path, rrd::update::UpdateOptions { template: None, skip_past: false }, &readings)
            .unwrap();
    }
}

async fn time(router: &axum::Router, uri: &str, runs: usize) -> (Duration, Duration, usize) {
    let mut times = Vec::new();
    let mut size = 0;
    for _ in 0..runs {
        let started = Instant::now();
        let response = router.clone().oneshot(Request::get(uri).body(Body::empty()).unwrap()).await.unwrap();
        assert_eq!(response.status(), StatusCode::OK, "{uri}");
        size = response.into_body().collect().await.unwrap().to_bytes().len();
        times.push(started.elapsed());
    }
    times.sort();
    (times[times.len() / 2], times[times.len() - 1], size)
}

fn main() {
    let dir = tempfile::tempdir().unwrap();
    make_data(dir.path());
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    runtime.block_on(async {
        let router = web::app::app(web::app::AppState::new(dir.path()));
        for (what, uri) in [
            ("index, 1,000 devices", "/"),
            ("index, search 'rack 7'", "/?q=rack+7"),
            ("device page, 20 graphs", "/device/big"),
            ("graph page (4 views)", "/graph/big/traffic-eth1"),
            ("/api/devices, 1,000 devices", "/api/devices"),
            ("/metrics, 1,000 devices", "/metrics"),
        ] {
            let (median, worst, size) = time(&router, uri, 30).await;
            println!("{what:<32} median {:>7.2} ms   slowest {:>7.2} ms   {size} bytes", ms(median), ms(worst));
        }
    });
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}
