//! `/metrics`: the poller's health in Prometheus' text format (version 0.0.4), from what the
//! inventory knows: devices by state, and per device the last poll's time, duration, error
//! flag and the last success, and counters of polls, failed polls and RRD updates written and
//! refused.

use std::fmt::Write as _;

use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;
use poller::inventory::{Device, DeviceState};

use super::error::AppError;
use super::state::AppState;

/// A label value escaped as the text format wants (`\\`, `\"`, `\n`).
fn label(value: &str) -> String {
    value.replace('\\', "\\\\").replace('"', "\\\"").replace('\n', "\\n")
}

fn family(out: &mut String, name: &str, kind: &str, help: &str) {
    let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} {kind}");
}

/// The exposition of `devices`.
pub fn exposition(devices: &[Device]) -> String {
    let mut out = String::new();
    family(&mut out, "osprey_devices", "gauge", "Devices in the inventory.");
    let _ = writeln!(out, "osprey_devices {}", devices.len());
    family(&mut out, "osprey_devices_by_state", "gauge", "Devices by the state of their last poll.");
    for (state, word) in [(DeviceState::Up, "up"), (DeviceState::Down, "down"), (DeviceState::Never, "never")] {
        let count = devices.iter().filter(|d| d.status.state() == state).count();
        let _ = writeln!(out, "osprey_devices_by_state{{state=\"{word}\"}} {count}");
    }
    let per_device =
        |out: &mut String, name: &str, kind: &str, help: &str, value: &dyn Fn(&Device) -> Option<String>| {
            family(out, name, kind, help);
            for d in devices {
                if let Some(v) = value(d) {
                    let _ = writeln!(out, "{name}{{device=\"{}\"}} {v}", label(&d.spec.name));
                }
            }
        };
    per_device(
        &mut out,
        "osprey_device_up",
        "gauge",
        "1 if the last poll succeeded, 0 if it failed (absent before the first poll).",
        &|d| d.status.last_poll.map(|_| u8::from(d.status.last_error.is_none()).to_string()),
    );
    per_device(&mut out, "osprey_device_last_poll_error", "gauge", "1 if the last poll failed.", &|d| {
        d.status.last_poll.map(|_| u8::from(d.status.last_error.is_some()).to_string())
    });
    per_device(&mut out, "osprey_device_last_poll_duration_seconds", "gauge", "How long the last poll took.", &|d| {
        d.status.last_duration_ms.map(|ms| format!("{}", ms as f64 / 1000.0))
    });
    per_device(
        &mut out,
        "osprey_device_last_poll_timestamp_seconds",
        "gauge",
        "When the last poll ended (Unix time).",
        &|d| d.status.last_poll.map(|t| t.to_string()),
    );
    per_device(
        &mut out,
        "osprey_device_last_success_timestamp_seconds",
        "gauge",
        "When a poll last succeeded (Unix time).",
        &|d| d.status.last_success.map(|t| t.to_string()),
    );
    per_device(&mut out, "osprey_device_poll_interval_seconds", "gauge", "The device's polling interval.", &|d| {
        Some(d.spec.interval.to_string())
    });
    type Counter = (&'static str, &'static str, fn(&Device) -> u64);
    let counters: [Counter; 4] = [
        ("osprey_device_polls_total", "Polls of the device.", |d| d.status.polls_total),
        ("osprey_device_poll_errors_total", "Polls of the device that failed.", |d| d.status.poll_errors_total),
        ("osprey_device_rrd_updates_total", "RRD updates written for the device.", |d| d.status.rrd_updates_total),
        ("osprey_device_rrd_update_errors_total", "RRD updates refused or failed.", |d| d.status.rrd_errors_total),
    ];
    for (name, help, value) in counters {
        per_device(&mut out, name, "counter", help, &|d| Some(value(d).to_string()));
    }
    out
}

/// `/metrics`.
pub async fn metrics(State(state): State<AppState>) -> Result<impl IntoResponse, AppError> {
    let devices = state.inventory(|inv| inv.devices()).await?;
    Ok(([(header::CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")], exposition(&devices)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn label_values_are_escaped() {
        assert_eq!(label("a\"b\\c\nd"), "a\\\"b\\\\c\\nd");
    }

    #[test]
    fn an_empty_inventory_still_has_its_families() {
        let text = exposition(&[]);
        assert!(text.contains("osprey_devices 0\n"));
        assert!(text.contains("osprey_devices_by_state{state=\"never\"} 0\n"));
        assert!(text.contains("# TYPE osprey_device_up gauge\n"));
    }
}
