//! hrSWRun (HOST-RESOURCES-MIB 25.4) and hrSWRunPerf (25.5) from /proc/[pid]: name (the
//! status file's Name), path (argv[0]) and parameters (the other arguments joined by spaces)
//! as snmpd builds them, type operatingSystem for kernel threads (no command line) and
//! application otherwise, status from the stat state letter, CPU centiseconds (utime +
//! stime) and resident memory in KB. hrSWOSIndex is not served, as snmpd does not.

use snmp::{Oid, Value, VarBind};

use super::host_oid;
use crate::view::View;

const MAX_NAME: usize = 64;
const MAX_PATH: usize = 128;
const MAX_PARAMETERS: usize = 128;
/// Resident pages to KB (4 KB pages, as on x86-64).
const PAGE_KB: u64 = 4;

/// One process as the two tables show it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Proc {
    pub pid: u32,
    pub name: Vec<u8>,
    pub path: Vec<u8>,
    pub parameters: Vec<u8>,
    /// hrSWRunType: 2 operatingSystem, 4 application.
    pub kind: i32,
    /// hrSWRunStatus: 1 running, 2 runnable, 3 notRunnable, 4 invalid.
    pub status: i32,
    pub cpu: i32,
    pub mem_kb: i32,
}

fn truncated(bytes: &[u8], max: usize) -> Vec<u8> {
    bytes.get(..max.min(bytes.len())).unwrap_or_default().to_vec()
}

/// The Name line (the first) of /proc/[pid]/status.
pub fn parse_status_name(text: &[u8]) -> Vec<u8> {
    let first = text.split(|b| *b == b'\n').next().unwrap_or_default();
    let value = first.iter().position(|b| *b == b':').and_then(|i| first.get(i + 1..)).unwrap_or_default();
    let start = value.iter().position(|b| !b.is_ascii_whitespace()).unwrap_or(value.len());
    truncated(value.get(start..).unwrap_or_default(), MAX_NAME)
}

/// (path, parameters) from /proc/[pid]/cmdline, as snmpd reads it: one `fgets` line, so
/// up to and including the first newline; the arguments after argv[0] up to an empty
/// one, joined by spaces.
pub fn parse_cmdline(bytes: &[u8]) -> (Vec<u8>, Vec<u8>) {
    let line = bytes.split_inclusive(|b| *b == b'\n').next().unwrap_or_default();
    let mut args = line.split(|b| *b == 0);
    let path = args.next().unwrap_or_default();
    let params: Vec<&[u8]> = args.take_while(|a| !a.is_empty()).collect();
    (truncated(path, MAX_PATH), truncated(&params.join(&b' '), MAX_PARAMETERS))
}

/// (status, utime + stime, rss pages) from /proc/[pid]/stat (fields after the last ')').
pub fn parse_stat(text: &str) -> Option<(i32, u64, u64)> {
    let rest = text.get(text.rfind(')')? + 1..)?;
    let f: Vec<&str> = rest.split_whitespace().collect();
    let status = match f.first()?.as_bytes().first()? {
        b'R' => 1,
        b'S' => 2,
        b'D' | b'T' => 3,
        _ => 4,
    };
    let num = |i: usize| f.get(i).and_then(|v| v.parse::<u64>().ok());
    Some((status, num(11)? + num(12)?, num(21)?))
}

fn read_proc(pid: u32) -> Option<Proc> {
    let dir = format!("/proc/{pid}");
    let name = parse_status_name(&std::fs::read(format!("{dir}/status")).ok()?);
    let cmdline = std::fs::read(format!("{dir}/cmdline")).ok()?;
    let (status, cpu, rss) = parse_stat(&std::fs::read_to_string(format!("{dir}/stat")).ok()?)?;
    let (path, parameters) = parse_cmdline(&cmdline);
    let kind = if cmdline.is_empty() { 2 } else { 4 };
    let clamp = |v: u64| v.min(i32::MAX as u64) as i32;
    Some(Proc { pid, name, path, parameters, kind, status, cpu: clamp(cpu), mem_kb: clamp(rss * PAGE_KB) })
}

/// Every process in /proc that could be read (processes that exit mid-scan are left out).
pub fn scan() -> Vec<Proc> {
    let Ok(dir) = std::fs::read_dir("/proc") else { return Vec::new() };
    dir.filter_map(Result::ok)
        .filter_map(|e| e.file_name().to_str().and_then(|n| n.parse::<u32>().ok()))
        .filter(|pid| *pid > 0)
        .filter_map(read_proc)
        .collect()
}

pub fn build_run(procs: &[Proc]) -> View {
    let col = |c: u32, pid: u32| host_oid(&[4, 2, 1, c, pid]);
    let mut values = Vec::with_capacity(procs.len() * 7);
    for p in procs {
        values.push(VarBind::new(col(1, p.pid), Value::Integer(p.pid as i32)));
        values.push(VarBind::new(col(2, p.pid), Value::string(p.name.clone())));
        values.push(VarBind::new(col(3, p.pid), Value::oid(Oid::from([0, 0]))));
        values.push(VarBind::new(col(4, p.pid), Value::string(p.path.clone())));
        values.push(VarBind::new(col(5, p.pid), Value::string(p.parameters.clone())));
        values.push(VarBind::new(col(6, p.pid), Value::Integer(p.kind)));
        values.push(VarBind::new(col(7, p.pid), Value::Integer(p.status)));
    }
    View::new(values, (1..=7).map(|c| host_oid(&[4, 2, 1, c])).collect())
}

pub fn build_perf(procs: &[Proc]) -> View {
    let col = |c: u32, pid: u32| host_oid(&[5, 1, 1, c, pid]);
    let mut values = Vec::with_capacity(procs.len() * 2);
    for p in procs {
        values.push(VarBind::new(col(1, p.pid), Value::Integer(p.cpu)));
        values.push(VarBind::new(col(2, p.pid), Value::Integer(p.mem_kb)));
    }
    View::new(values, (1..=2).map(|c| host_oid(&[5, 1, 1, c])).collect())
}

pub fn collect_run() -> View {
    build_run(&scan())
}

pub fn collect_perf() -> View {
    build_perf(&scan())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_name() {
        assert_eq!(parse_status_name(b"Name:\tkworker/1:2-virtio_vsock\nUmask:\t0000\n"), b"kworker/1:2-virtio_vsock");
        assert_eq!(parse_status_name(b"Name:\t\n"), b"");
        assert_eq!(parse_status_name(b""), b"");
        assert_eq!(parse_status_name(b"no colon here"), b"");
    }

    #[test]
    fn cmdline() {
        let (path, params) = parse_cmdline(b"/process_api\0--addr\x000.0.0.0:2024\0");
        assert_eq!((path.as_slice(), params.as_slice()), (&b"/process_api"[..], &b"--addr 0.0.0.0:2024"[..]));
        assert_eq!(parse_cmdline(b""), (vec![], vec![]));
        assert_eq!(parse_cmdline(b"sshd: root\0\0\0"), (b"sshd: root".to_vec(), vec![]));
        assert_eq!(parse_cmdline(b"a\0b\0\0c\0").1, b"b");
        assert_eq!(parse_cmdline(b"sh\0-c\0x=0\necho\0").1, b"-c x=0\n");
        assert_eq!(parse_cmdline(&[b'x'; 500]).0.len(), 128);
        let long: Vec<u8> = [&b"p\0"[..], &[b'y'; 300][..]].concat();
        assert_eq!(parse_cmdline(&long).1.len(), 128);
    }

    #[test]
    fn stat() {
        let line = "1 (process api) S 0 1 1 0 -1 4194560 9394 0 52 0 600 353 0 0 20 0 6 0 36 1127448576 3439 184467";
        assert_eq!(parse_stat(line), Some((2, 953, 3439)));
        assert_eq!(parse_stat("2 (a) b) R 0 0 0 0 0 0 0 0 0 0 1 2 0 0 0 0 0 0 0 0 7"), Some((1, 3, 7)));
        assert_eq!(parse_stat("9 (k) I 2 0 0 0 -1 0 0 0 0 0 5 5 0 0 0 0 1 0 0 0 0"), Some((4, 10, 0)));
        assert_eq!(parse_stat("garbage"), None);
        assert_eq!(parse_stat("1 (x) S 1 2"), None);
    }
}
