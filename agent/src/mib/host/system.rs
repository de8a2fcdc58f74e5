//! hrSystem (HOST-RESOURCES-MIB 25.1): hrSystemUptime (host uptime from /proc/uptime, kept
//! live from a monotonic base), hrSystemDate (now), hrSystemInitialLoadDevice (snmpd's
//! constant: the first disk's device index), hrSystemInitialLoadParameters (/proc/cmdline,
//! 128 bytes at most), hrSystemNumUsers (USER_PROCESS records of live processes in utmp),
//! hrSystemProcesses and hrSystemMaxProcesses (0, as snmpd on Linux).

use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use snmp::{Oid, Value, VarBind};

use super::host_oid;
use crate::handler::MibHandler;
use crate::view::{CachedView, View};

const UPTIME: u32 = 1;
const DATE: u32 = 2;
/// hrDeviceDiskStorage(6) << 16: what snmpd reports as hrSystemInitialLoadDevice.
const INITIAL_LOAD_DEVICE: i32 = 6 << 16;
/// snmpd keeps 128 bytes of the kernel command line.
const MAX_PARAMETERS: usize = 128;
const UTMP: &str = "/var/run/utmp";

/// `struct utmp` on Linux (glibc, 64-bit and 32-bit alike): 384 bytes, `ut_type` a
/// 16-bit value at offset 0, `ut_pid` a 32-bit value at offset 4, native endian.
const UTMP_RECORD: usize = 384;
const USER_PROCESS: i16 = 7;

/// The first field of /proc/uptime, in centiseconds.
pub fn parse_uptime(text: &str) -> Option<u64> {
    let first = text.split_whitespace().next()?;
    let (secs, frac) = first.split_once('.').unwrap_or((first, "0"));
    let secs: u64 = secs.parse().ok()?;
    let cents: u64 = format!("{frac:0<2}").get(..2)?.parse().ok()?;
    Some(secs * 100 + cents)
}

/// The PIDs of the USER_PROCESS records in a utmp file; a trailing partial record is
/// ignored.
pub fn utmp_user_pids(bytes: &[u8]) -> Vec<i32> {
    bytes
        .chunks_exact(UTMP_RECORD)
        .filter_map(|rec| {
            let ty = i16::from_ne_bytes(rec.get(0..2)?.try_into().ok()?);
            let pid = i32::from_ne_bytes(rec.get(4..8)?.try_into().ok()?);
            (ty == USER_PROCESS).then_some(pid)
        })
        .collect()
}

/// Logged-in users whose session process still exists (snmpd skips stale records).
fn num_users() -> u32 {
    let Ok(bytes) = std::fs::read(UTMP) else { return 0 };
    utmp_user_pids(&bytes)
        .into_iter()
        .filter(|pid| *pid > 0 && std::path::Path::new(&format!("/proc/{pid}")).exists())
        .count() as u32
}

/// Numeric entries of /proc: one per process.
pub(crate) fn process_count() -> u32 {
    std::fs::read_dir("/proc")
        .map(|dir| {
            dir.filter_map(Result::ok)
                .filter(|e| e.file_name().to_str().is_some_and(|n| n.parse::<u32>().is_ok_and(|p| p > 0)))
                .count() as u32
        })
        .unwrap_or(0)
}

/// The kernel command line as snmpd serves it: first line, at most 128 bytes.
pub fn load_parameters(cmdline: &[u8]) -> Vec<u8> {
    let line = cmdline.split(|b| *b == b'\n').next().unwrap_or_default();
    line.get(..MAX_PARAMETERS.min(line.len())).unwrap_or_default().to_vec()
}

/// Everything but the live uptime and date (which [`HrSystem`] fills in per request).
pub fn collect() -> View {
    let o = |sub: u32| host_oid(&[1, sub, 0]);
    let cmdline = std::fs::read("/proc/cmdline").unwrap_or_default();
    let values = vec![
        VarBind::new(o(UPTIME), Value::TimeTicks(0)),
        VarBind::new(o(DATE), Value::string(Vec::new())),
        VarBind::new(o(3), Value::Integer(INITIAL_LOAD_DEVICE)),
        VarBind::new(o(4), Value::string(load_parameters(&cmdline))),
        VarBind::new(o(5), Value::Gauge32(num_users())),
        VarBind::new(o(6), Value::Gauge32(process_count())),
        VarBind::new(o(7), Value::Integer(0)),
    ];
    View::new(values, (1..=7).map(|s| host_oid(&[1, s])).collect())
}

/// The hrSystem handler: the cached view, with uptime and date computed per request.
#[derive(Debug)]
pub struct HrSystem {
    root: Oid,
    view: Arc<CachedView>,
    /// The host's boot, on the monotonic clock (None if /proc/uptime was unreadable).
    boot: Option<Instant>,
}

impl HrSystem {
    pub fn new(view: Arc<CachedView>) -> HrSystem {
        let uptime = std::fs::read_to_string("/proc/uptime").ok().and_then(|t| parse_uptime(&t));
        let boot = uptime.and_then(|cs| Instant::now().checked_sub(Duration::from_millis(cs * 10)));
        HrSystem { root: host_oid(&[1]), view, boot }
    }

    fn live(&self, oid: &Oid, value: Value<'static>) -> Value<'static> {
        let is = |sub: u32| oid.as_slice().get(self.root.len()..) == Some(&[sub, 0][..]);
        if is(UPTIME) {
            let cs = self.boot.map_or(0, |b| b.elapsed().as_millis() / 10);
            Value::TimeTicks(cs as u32)
        } else if is(DATE) {
            Value::string(super::date::of_system_time(SystemTime::now()))
        } else {
            value
        }
    }
}

impl MibHandler for HrSystem {
    fn root(&self) -> &Oid {
        &self.root
    }

    fn get(&self, oid: &Oid) -> Value<'static> {
        let v = self.view.get(oid);
        if v.is_exception() { v } else { self.live(oid, v) }
    }

    fn get_next(&self, oid: &Oid) -> Option<VarBind<'static>> {
        let vb = self.view.get_next(oid)?;
        let value = self.live(&vb.oid, vb.value);
        Some(VarBind::new(vb.oid, value))
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::indexing_slicing)]
    use super::*;

    #[test]
    fn uptime_in_centiseconds() {
        assert_eq!(parse_uptime("2797.21 2705.65\n"), Some(279_721));
        assert_eq!(parse_uptime("12.5 1.0"), Some(1250));
        assert_eq!(parse_uptime("7 1"), Some(700));
        assert_eq!(parse_uptime(""), None);
        assert_eq!(parse_uptime("abc.de 1"), None);
    }

    fn record(ty: i16, pid: i32) -> Vec<u8> {
        let mut r = vec![0u8; UTMP_RECORD];
        r[0..2].copy_from_slice(&ty.to_ne_bytes());
        r[4..8].copy_from_slice(&pid.to_ne_bytes());
        r
    }

    #[test]
    fn utmp_records() {
        let mut bytes = record(2, 0); // BOOT_TIME
        bytes.extend(record(USER_PROCESS, 42));
        bytes.extend(record(8, 43)); // DEAD_PROCESS
        bytes.extend(record(USER_PROCESS, 44));
        bytes.extend([7, 0, 0]); // truncated tail
        assert_eq!(utmp_user_pids(&bytes), [42, 44]);
        assert!(utmp_user_pids(&[]).is_empty());
        assert!(utmp_user_pids(&[7; 100]).is_empty());
    }

    #[test]
    fn kernel_command_line() {
        assert_eq!(load_parameters(b"quiet ro\n"), b"quiet ro");
        assert_eq!(load_parameters(&[b'x'; 300]).len(), 128);
        assert!(load_parameters(b"").is_empty());
    }
}
