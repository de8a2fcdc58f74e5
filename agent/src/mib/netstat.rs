//! Parsers shared by the IP, ICMP, TCP and UDP groups: the kernel's protocol counters
//! (/proc/net/snmp, /proc/net/netstat, /proc/net/snmp6 and /proc/net/dev_snmp6/*), its
//! socket tables (/proc/net/{tcp,tcp6,udp,udp6}), the socket-inode -> PID map built from
//! /proc/*/fd, and interface names -> ifIndex from /sys/class/net. Every parser takes the
//! file's text, so it is tested on fixed samples; malformed lines are skipped, never a panic.

use std::collections::HashMap;

/// Named counters: `"Ip.InReceives"` / `"IpExt.InOctets"` for the header/value line pairs of
/// /proc/net/snmp and /proc/net/netstat, the bare name (`"Ip6InReceives"`) for snmp6 files.
#[derive(Debug, Clone, Default)]
pub struct Counters(HashMap<String, i64>);

impl Counters {
    pub fn get(&self, key: &str) -> Option<i64> {
        self.0.get(key).copied()
    }

    /// The counter as a Counter32 (the low 32 bits, as the kernel's value wraps), 0 if absent.
    pub fn c32(&self, key: &str) -> u32 {
        self.get(key).unwrap_or(0) as u32
    }

    /// The counter as a Counter64, 0 if absent.
    pub fn c64(&self, key: &str) -> u64 {
        self.get(key).unwrap_or(0) as u64
    }

    pub fn merge(&mut self, other: Counters) {
        self.0.extend(other.0);
    }

    pub fn contains(&self, key: &str) -> bool {
        self.0.contains_key(key)
    }

    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.0.keys().map(String::as_str)
    }
}

/// /proc/net/snmp and /proc/net/netstat: pairs of lines `Proto: Name Name ...` and
/// `Proto: value value ...`. A pair whose lengths differ is dropped whole.
pub fn parse_header_pairs(text: &str) -> Counters {
    let mut out = HashMap::new();
    let mut lines = text.lines();
    while let (Some(names), Some(values)) = (lines.next(), lines.next()) {
        let (Some((proto, names)), Some((proto2, values))) = (names.split_once(':'), values.split_once(':')) else {
            continue;
        };
        if proto != proto2 {
            continue;
        }
        let names: Vec<&str> = names.split_whitespace().collect();
        let values: Vec<Option<i64>> = values.split_whitespace().map(|v| v.parse().ok()).collect();
        if names.len() != values.len() {
            continue;
        }
        for (name, value) in names.into_iter().zip(values) {
            if let Some(v) = value {
                out.insert(format!("{proto}.{name}"), v);
            }
        }
    }
    Counters(out)
}

/// /proc/net/snmp6 and /proc/net/dev_snmp6/IFACE: `Name value` lines.
pub fn parse_name_value(text: &str) -> Counters {
    let mut out = HashMap::new();
    for line in text.lines() {
        let mut it = line.split_whitespace();
        if let (Some(name), Some(value), None) = (it.next(), it.next(), it.next())
            && let Ok(v) = value.parse::<i64>()
        {
            out.insert(name.to_string(), v);
        }
    }
    Counters(out)
}

/// Reads a file to a string; a missing or unreadable file is empty.
pub fn read(path: &str) -> String {
    std::fs::read_to_string(path).unwrap_or_default()
}

/// IPv4 counters: /proc/net/snmp plus /proc/net/netstat (IpExt, TcpExt).
pub fn ipv4_counters() -> Counters {
    let mut c = parse_header_pairs(&read("/proc/net/snmp"));
    c.merge(parse_header_pairs(&read("/proc/net/netstat")));
    c
}

/// IPv6 counters: /proc/net/snmp6.
pub fn ipv6_counters() -> Counters {
    parse_name_value(&read("/proc/net/snmp6"))
}

/// An address of a socket or route: 4 bytes (IPv4) or 16 (IPv6).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Addr(pub Vec<u8>);

impl Addr {
    /// InetAddressType: 1 ipv4, 2 ipv6.
    pub fn inet_type(&self) -> u32 {
        if self.0.len() == 16 { 2 } else { 1 }
    }

    /// The index encoding of an InetAddressType + InetAddress pair: type, length, bytes.
    pub fn inet_index(&self) -> Vec<u32> {
        let mut v = vec![self.inet_type(), self.0.len() as u32];
        v.extend(self.0.iter().map(|&b| u32::from(b)));
        v
    }

    pub fn ipv4(&self) -> Option<[u8; 4]> {
        <[u8; 4]>::try_from(self.0.as_slice()).ok()
    }

    pub fn is_unspecified(&self) -> bool {
        self.0.iter().all(|&b| b == 0)
    }
}

/// Decodes the kernel's hex address: 8 digits = one little-endian IPv4 word, 32 digits =
/// four 32-bit words, each in host (little-endian) order, as /proc/net/tcp6 prints them.
pub fn parse_proc_addr(hex: &str) -> Option<Addr> {
    if hex.len() != 8 && hex.len() != 32 {
        return None;
    }
    let mut out = Vec::with_capacity(hex.len() / 2);
    for w in 0..hex.len() / 8 {
        let word = u32::from_str_radix(hex.get(w * 8..w * 8 + 8)?, 16).ok()?;
        out.extend_from_slice(&word.to_le_bytes());
    }
    Some(Addr(out))
}

/// Decodes a plain big-endian hex address (as /proc/net/ipv6_route prints them).
pub fn parse_hex_bytes(hex: &str) -> Option<Addr> {
    if !hex.len().is_multiple_of(2) || hex.is_empty() {
        return None;
    }
    let bytes = (0..hex.len() / 2)
        .map(|i| hex.get(i * 2..i * 2 + 2).and_then(|h| u8::from_str_radix(h, 16).ok()))
        .collect::<Option<Vec<u8>>>()?;
    Some(Addr(bytes))
}

/// One line of /proc/net/{tcp,tcp6,udp,udp6}.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Socket {
    pub local: Addr,
    pub local_port: u16,
    pub remote: Addr,
    pub remote_port: u16,
    /// The kernel's state number (TCP_ESTABLISHED = 1 ... TCP_LISTEN = 10, UDP uses 7).
    pub state: u8,
    pub inode: u64,
}

fn parse_endpoint(s: &str) -> Option<(Addr, u16)> {
    let (addr, port) = s.split_once(':')?;
    Some((parse_proc_addr(addr)?, u16::from_str_radix(port, 16).ok()?))
}

/// Parses a socket table; the header and malformed lines are skipped.
pub fn parse_sockets(text: &str) -> Vec<Socket> {
    text.lines()
        .filter_map(|line| {
            let f: Vec<&str> = line.split_whitespace().collect();
            let (local, local_port) = parse_endpoint(f.get(1)?)?;
            let (remote, remote_port) = parse_endpoint(f.get(2)?)?;
            let state = u8::from_str_radix(f.get(3)?, 16).ok()?;
            let inode = f.get(9)?.parse().ok()?;
            Some(Socket { local, local_port, remote, remote_port, state, inode })
        })
        .collect()
}

/// Reads /proc/net/NAME and /proc/net/NAME6.
pub fn sockets(name: &str) -> (Vec<Socket>, Vec<Socket>) {
    (parse_sockets(&read(&format!("/proc/net/{name}"))), parse_sockets(&read(&format!("/proc/net/{name}6"))))
}

/// The inode of a `socket:[12345]` link target.
pub fn socket_inode(link: &str) -> Option<u64> {
    link.strip_prefix("socket:[")?.strip_suffix(']')?.parse().ok()
}

/// Socket inode -> owning PID, from the /proc/PID/fd links (the lowest PID wins when a
/// socket is shared). Only the inodes in `wanted` are looked for; an empty set skips the scan.
pub fn socket_pids(wanted: &std::collections::HashSet<u64>) -> HashMap<u64, u32> {
    let mut out = HashMap::new();
    if wanted.is_empty() {
        return out;
    }
    let Ok(dir) = std::fs::read_dir("/proc") else { return out };
    let mut pids: Vec<u32> = dir.filter_map(|e| e.ok()?.file_name().to_str()?.parse().ok()).collect();
    pids.sort_unstable();
    for pid in pids {
        let Ok(fds) = std::fs::read_dir(format!("/proc/{pid}/fd")) else { continue };
        for fd in fds.flatten() {
            if let Ok(target) = std::fs::read_link(fd.path())
                && let Some(inode) = target.to_str().and_then(socket_inode)
                && wanted.contains(&inode)
            {
                out.entry(inode).or_insert(pid);
            }
        }
    }
    out
}

/// Interface name -> ifIndex, from /sys/class/net/*/ifindex.
pub fn if_indexes() -> HashMap<String, u32> {
    let mut out = HashMap::new();
    let Ok(dir) = std::fs::read_dir("/sys/class/net") else { return out };
    for e in dir.flatten() {
        let Some(name) = e.file_name().to_str().map(str::to_string) else { continue };
        if let Ok(idx) = read(&format!("/sys/class/net/{name}/ifindex")).trim().parse() {
            out.insert(name, idx);
        }
    }
    out
}

/// Collects a group's values and object OIDs for a [`View`](crate::view::View).
#[derive(Debug, Default)]
pub struct ViewBuilder {
    values: Vec<snmp::VarBind<'static>>,
    objects: Vec<snmp::Oid>,
}

impl ViewBuilder {
    /// A scalar `base.sub.0`.
    pub fn scalar(&mut self, base: &[u32], sub: u32, value: snmp::Value<'static>) {
        let obj = snmp::Oid::from(base).child(&[sub]);
        self.values.push(snmp::VarBind::new(obj.child(&[0]), value));
        self.objects.push(obj);
    }

    /// A table cell `entry.column.index`.
    pub fn cell(&mut self, entry: &[u32], column: u32, index: &[u32], value: snmp::Value<'static>) {
        self.values.push(snmp::VarBind::new(snmp::Oid::from(entry).child(&[column]).child(index), value));
    }

    /// Declares table columns (so a GET of a missing row answers noSuchInstance).
    pub fn columns(&mut self, entry: &[u32], columns: impl IntoIterator<Item = u32>) {
        self.objects.extend(columns.into_iter().map(|c| snmp::Oid::from(entry).child(&[c])));
    }

    pub fn build(self) -> crate::view::View {
        crate::view::View::new(self.values, self.objects)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;

    const SNMP: &str = "Ip: Forwarding DefaultTTL InReceives\nIp: 2 64 1399171\n\
        Tcp: RtoAlgorithm MaxConn\nTcp: 1 -1\nUdp: InDatagrams NoPorts\nUdp: 5\n";

    #[test]
    fn header_pairs() {
        let c = parse_header_pairs(SNMP);
        assert_eq!(c.get("Ip.InReceives"), Some(1399171));
        assert_eq!(c.get("Tcp.MaxConn"), Some(-1));
        assert_eq!(c.c32("Tcp.MaxConn"), u32::MAX);
        // A pair with a missing value is dropped whole.
        assert_eq!(c.get("Udp.InDatagrams"), None);
        assert!(parse_header_pairs("garbage\n:::\nIp: a b\nTcp: 1 2\n").get("Ip.a").is_none());
        assert!(parse_header_pairs("").keys().next().is_none());
    }

    #[test]
    fn name_values() {
        let c = parse_name_value("ifIndex 4\nIp6InReceives  \t 335\nbad line here\nIcmp6InType1 x\n");
        assert_eq!(c.get("ifIndex"), Some(4));
        assert_eq!(c.get("Ip6InReceives"), Some(335));
        assert_eq!(c.get("Icmp6InType1"), None);
        assert_eq!(c.c64("missing"), 0);
    }

    #[test]
    fn addresses() {
        assert_eq!(parse_proc_addr("0100007F").unwrap().0, [127, 0, 0, 1]);
        let v6 = parse_proc_addr("0000000000000000FFFF00000100007F").unwrap();
        assert_eq!(v6.0, [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 255, 255, 127, 0, 0, 1]);
        assert_eq!(parse_proc_addr("00000000000000000000000001000000").unwrap().0[15], 1);
        assert!(parse_proc_addr("123").is_none());
        assert!(parse_proc_addr("zz00007F").is_none());
        assert_eq!(parse_hex_bytes("fd000001").unwrap().0, [0xfd, 0, 0, 1]);
        assert!(parse_hex_bytes("f").is_none());
        assert_eq!(Addr(vec![10, 0, 0, 1]).inet_index(), [1, 4, 10, 0, 0, 1]);
    }

    #[test]
    fn socket_tables() {
        let text = "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n\
           0: 00000000:00C7 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 137491 1 0 100 0 0 10 0\n\
           1: 0100007F:3F21 0100007F:9C40 01 00000000:00000000 00:00000000 00000000     0        0 138391 2 0\n\
           2: 0100007F:zz 00000000:0000 07 0 0 0 0 0 1\n\
           3: truncated\n";
        let s = parse_sockets(text);
        assert_eq!(s.len(), 2);
        assert_eq!((s[0].local_port, s[0].state, s[0].inode), (199, 10, 137491));
        assert_eq!((s[1].remote.0.clone(), s[1].remote_port), (vec![127, 0, 0, 1], 40000));
        assert_eq!(socket_inode("socket:[42]"), Some(42));
        assert_eq!(socket_inode("pipe:[42]"), None);
    }
}
