//! TCP-MIB (1.3.6.1.2.1.6) as snmpd serves it on Linux: the scalars from the `Tcp:` lines of
//! /proc/net/snmp, tcpConnTable (6.13, IPv4 sockets of /proc/net/tcp, listeners included),
//! tcpConnectionTable (6.19, IPv4 and IPv6 sockets that are not listening) and
//! tcpListenerTable (6.20, listening sockets), with the owning process from /proc/*/fd.
//! snmpd does not serve tcpHCInSegs/tcpHCOutSegs (6.17/6.18), so neither do we.

use std::collections::HashSet;

use snmp::Value;

use super::netstat::{self, Counters, Socket, ViewBuilder};
use crate::view::View;

pub const TCP: [u32; 7] = [1, 3, 6, 1, 2, 1, 6];
const CONN_ENTRY: [u32; 9] = [1, 3, 6, 1, 2, 1, 6, 13, 1];
const CONNECTION_ENTRY: [u32; 9] = [1, 3, 6, 1, 2, 1, 6, 19, 1];
const LISTENER_ENTRY: [u32; 9] = [1, 3, 6, 1, 2, 1, 6, 20, 1];
/// The kernel's TCP_LISTEN.
const LISTEN: u8 = 10;

/// The kernel's TCP state number -> the MIB's TcpState (closed 1 .. deleteTCB 12).
pub fn mib_state(kernel: u8) -> i32 {
    match kernel {
        1 => 5,   // ESTABLISHED -> established
        2 => 3,   // SYN_SENT -> synSent
        3 => 4,   // SYN_RECV -> synReceived
        4 => 6,   // FIN_WAIT1 -> finWait1
        5 => 7,   // FIN_WAIT2 -> finWait2
        6 => 11,  // TIME_WAIT -> timeWait
        8 => 8,   // CLOSE_WAIT -> closeWait
        9 => 9,   // LAST_ACK -> lastAck
        10 => 2,  // LISTEN -> listen
        11 => 10, // CLOSING -> closing
        _ => 1,   // CLOSE and anything unknown -> closed
    }
}

/// Builds the whole group from the counters and the socket tables.
pub fn build_view(c: &Counters, v4: &[Socket], v6: &[Socket], pid: &dyn Fn(u64) -> u32) -> View {
    let mut b = ViewBuilder::default();
    let int = |k: &str| Value::Integer(c.get(k).unwrap_or(0) as i32);
    if c.contains("Tcp.RtoAlgorithm") {
        b.scalar(&TCP, 1, int("Tcp.RtoAlgorithm"));
        b.scalar(&TCP, 2, int("Tcp.RtoMin"));
        b.scalar(&TCP, 3, int("Tcp.RtoMax"));
        b.scalar(&TCP, 4, int("Tcp.MaxConn"));
        for (sub, key) in [(5, "ActiveOpens"), (6, "PassiveOpens"), (7, "AttemptFails"), (8, "EstabResets")] {
            b.scalar(&TCP, sub, Value::Counter32(c.c32(&format!("Tcp.{key}"))));
        }
        b.scalar(&TCP, 9, Value::Gauge32(c.c32("Tcp.CurrEstab")));
        for (sub, key) in [(10, "InSegs"), (11, "OutSegs"), (12, "RetransSegs"), (14, "InErrs"), (15, "OutRsts")] {
            b.scalar(&TCP, sub, Value::Counter32(c.c32(&format!("Tcp.{key}"))));
        }
    }

    b.columns(&CONN_ENTRY, 1..=5);
    for s in v4 {
        let (Some(local), Some(remote)) = (s.local.ipv4(), s.remote.ipv4()) else { continue };
        let mut index: Vec<u32> = local.iter().map(|&x| u32::from(x)).collect();
        index.push(u32::from(s.local_port));
        index.extend(remote.iter().map(|&x| u32::from(x)));
        index.push(u32::from(s.remote_port));
        b.cell(&CONN_ENTRY, 1, &index, Value::Integer(mib_state(s.state)));
        b.cell(&CONN_ENTRY, 2, &index, Value::IpAddress(local));
        b.cell(&CONN_ENTRY, 3, &index, Value::Integer(i32::from(s.local_port)));
        b.cell(&CONN_ENTRY, 4, &index, Value::IpAddress(remote));
        b.cell(&CONN_ENTRY, 5, &index, Value::Integer(i32::from(s.remote_port)));
    }

    b.columns(&CONNECTION_ENTRY, [7, 8]);
    b.columns(&LISTENER_ENTRY, [4]);
    for s in v4.iter().chain(v6) {
        if s.state == LISTEN {
            let mut index = s.local.inet_index();
            index.push(u32::from(s.local_port));
            b.cell(&LISTENER_ENTRY, 4, &index, Value::Gauge32(pid(s.inode)));
        } else {
            let mut index = s.local.inet_index();
            index.push(u32::from(s.local_port));
            index.extend(s.remote.inet_index());
            index.push(u32::from(s.remote_port));
            b.cell(&CONNECTION_ENTRY, 7, &index, Value::Integer(mib_state(s.state)));
            b.cell(&CONNECTION_ENTRY, 8, &index, Value::Gauge32(pid(s.inode)));
        }
    }
    b.build()
}

/// The group's handler: a view rebuilt at most every 5 s (snmpd's stats caches are 5 s).
pub fn view() -> crate::view::CachedView {
    crate::view::CachedView::new(snmp::Oid::from(TCP), std::time::Duration::from_secs(5), Box::new(collect))
}

/// The collector: reads /proc (run by the refresher only).
pub fn collect() -> View {
    let c = netstat::parse_header_pairs(&netstat::read("/proc/net/snmp"));
    let (v4, v6) = netstat::sockets("tcp");
    let wanted: HashSet<u64> = v4.iter().chain(&v6).map(|s| s.inode).filter(|&i| i != 0).collect();
    let pids = netstat::socket_pids(&wanted);
    build_view(&c, &v4, &v6, &|inode| pids.get(&inode).copied().unwrap_or(0))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use snmp::Oid;

    #[test]
    fn tables_and_indexes() {
        let c = netstat::parse_header_pairs(
            "Tcp: RtoAlgorithm RtoMin RtoMax MaxConn ActiveOpens PassiveOpens AttemptFails EstabResets CurrEstab InSegs OutSegs RetransSegs InErrs OutRsts\n\
             Tcp: 1 200 120000 -1 51 13 1 25 2 6298 4430 0 0 28\n",
        );
        let v4 = netstat::parse_sockets(
            "h\n 0: 00000000:00C7 00000000:0000 0A 0:0 0:0 0 0 0 77 1\n 1: 0100007F:0016 0100007F:9C40 01 0:0 0:0 0 0 0 78 1\n",
        );
        let v6 = netstat::parse_sockets(
            "h\n 0: 00000000000000000000000001000000:0050 00000000000000000000000000000000:0000 0A 0:0 0:0 0 0 0 79 1\n",
        );
        let v = build_view(&c, &v4, &v6, &|i| if i == 77 { 42 } else { 0 });
        let get = |s: &str| v.get(&s.parse::<Oid>().unwrap());
        assert_eq!(get("1.3.6.1.2.1.6.4.0"), Value::Integer(-1));
        assert_eq!(get("1.3.6.1.2.1.6.9.0"), Value::Gauge32(2));
        assert_eq!(get("1.3.6.1.2.1.6.13.1.1.0.0.0.0.199.0.0.0.0.0"), Value::Integer(2));
        assert_eq!(get("1.3.6.1.2.1.6.13.1.1.127.0.0.1.22.127.0.0.1.40000"), Value::Integer(5));
        assert_eq!(get("1.3.6.1.2.1.6.20.1.4.1.4.0.0.0.0.199"), Value::Gauge32(42));
        assert_eq!(get("1.3.6.1.2.1.6.20.1.4.2.16.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.1.80"), Value::Gauge32(0));
        assert_eq!(get("1.3.6.1.2.1.6.19.1.7.1.4.127.0.0.1.22.1.4.127.0.0.1.40000"), Value::Integer(5));
        assert_eq!(get("1.3.6.1.2.1.6.19.1.7.1.4.127.0.0.1.23.1.4.127.0.0.1.40000"), Value::NoSuchInstance);
        // Nothing readable: no scalars, empty tables, no panic.
        assert!(build_view(&Counters::default(), &[], &[], &|_| 0).is_empty());
        assert_eq!(mib_state(99), 1);
    }
}
