//! SNMPv2-MIB's snmp group (1.3.6.1.2.1.11) and SNMP-MPD-MIB's snmpMPDStats
//! (1.3.6.1.6.3.11.2.1), served live from the agent's [`Stats`].

use std::sync::Arc;
use std::sync::atomic::AtomicU32;

use snmp::{Oid, Value, VarBind};

use crate::stats::{Stats, read};
use crate::view::{LiveView, View};

/// snmp (1.3.6.1.2.1.11).
pub const SNMP: [u32; 7] = [1, 3, 6, 1, 2, 1, 11];
/// snmpMPDStats (1.3.6.1.6.3.11.2.1).
pub const MPD_STATS: [u32; 9] = [1, 3, 6, 1, 6, 3, 11, 2, 1];

enum Source {
    Counter(fn(&Stats) -> &AtomicU32),
    Integer(i32),
}

/// The snmp group as snmpd serves it (no 7 or 23); snmpEnableAuthenTraps is 1 with
/// `authtrapenable 1`, else 2.
pub fn snmp(stats: Arc<Stats>, auth_traps: bool) -> LiveView {
    use Source::Counter as C;
    let objects: Vec<(u32, Source)> = vec![
        (1, C(|s| &s.in_pkts)),
        (2, C(|s| &s.out_pkts)),
        (3, C(|s| &s.in_bad_versions)),
        (4, C(|s| &s.in_bad_community_names)),
        (5, C(|s| &s.in_bad_community_uses)),
        (6, C(|s| &s.in_asn_parse_errs)),
        (8, C(|s| &s.in_too_bigs)),
        (9, C(|s| &s.in_no_such_names)),
        (10, C(|s| &s.in_bad_values)),
        (11, C(|s| &s.in_read_onlys)),
        (12, C(|s| &s.in_gen_errs)),
        (13, C(|s| &s.in_total_req_vars)),
        (14, C(|s| &s.in_total_set_vars)),
        (15, C(|s| &s.in_get_requests)),
        (16, C(|s| &s.in_get_nexts)),
        (17, C(|s| &s.in_set_requests)),
        (18, C(|s| &s.in_get_responses)),
        (19, C(|s| &s.in_traps)),
        (20, C(|s| &s.out_too_bigs)),
        (21, C(|s| &s.out_no_such_names)),
        (22, C(|s| &s.out_bad_values)),
        (24, C(|s| &s.out_gen_errs)),
        (25, C(|s| &s.out_get_requests)),
        (26, C(|s| &s.out_get_nexts)),
        (27, C(|s| &s.out_set_requests)),
        (28, C(|s| &s.out_get_responses)),
        (29, C(|s| &s.out_traps)),
        (30, Source::Integer(if auth_traps { 1 } else { 2 })),
        (31, C(|s| &s.silent_drops)),
        (32, C(|s| &s.proxy_drops)),
    ];
    live(Oid::from(SNMP), stats, objects)
}

/// snmpUnknownSecurityModels, snmpInvalidMsgs, snmpUnknownPDUHandlers, read live.
pub fn mpd_stats(stats: Arc<Stats>) -> LiveView {
    let objects: Vec<(u32, Source)> = vec![
        (1, Source::Counter(|s| &s.unknown_security_models)),
        (2, Source::Counter(|s| &s.invalid_msgs)),
        (3, Source::Counter(|s| &s.unknown_pdu_handlers)),
    ];
    live(Oid::from(MPD_STATS), stats, objects)
}

/// One counter or constant per sub-identifier, each read when a request asks.
fn live(root: Oid, stats: Arc<Stats>, objects: Vec<(u32, Source)>) -> LiveView {
    let base = root.clone();
    LiveView::new(root, move || {
        let values = objects
            .iter()
            .map(|(sub, src)| {
                let value = match src {
                    Source::Counter(f) => Value::Counter32(read(f(&stats))),
                    Source::Integer(v) => Value::Integer(*v),
                };
                VarBind::new(base.child(&[*sub, 0]), value)
            })
            .collect();
        View::new(values, objects.iter().map(|(sub, _)| base.child(&[*sub])).collect())
    })
}
