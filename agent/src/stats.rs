//! The agent's own counters: the SNMPv2-MIB snmp group (RFC 3418 §2), SNMP-MPD-MIB's
//! snmpMPDStats and SNMP-USER-BASED-SM-MIB's usmStats, counted lock-free and served by
//! [`crate::mib::snmp_group`].

use std::sync::atomic::{AtomicU32, Ordering};

use snmp::ErrorStatus;

/// Counters named after their MIB objects; the number is the sub-identifier under
/// snmp (1.3.6.1.2.1.11).
#[derive(Debug, Default)]
pub struct Stats {
    pub in_pkts: AtomicU32,                // 1
    pub out_pkts: AtomicU32,               // 2
    pub in_bad_versions: AtomicU32,        // 3
    pub in_bad_community_names: AtomicU32, // 4
    pub in_bad_community_uses: AtomicU32,  // 5
    pub in_asn_parse_errs: AtomicU32,      // 6
    pub in_too_bigs: AtomicU32,            // 8
    pub in_no_such_names: AtomicU32,       // 9
    pub in_bad_values: AtomicU32,          // 10
    pub in_read_onlys: AtomicU32,          // 11
    pub in_gen_errs: AtomicU32,            // 12
    pub in_total_req_vars: AtomicU32,      // 13
    pub in_total_set_vars: AtomicU32,      // 14
    pub in_get_requests: AtomicU32,        // 15
    pub in_get_nexts: AtomicU32,           // 16
    pub in_set_requests: AtomicU32,        // 17
    pub in_get_responses: AtomicU32,       // 18
    pub in_traps: AtomicU32,               // 19
    pub out_too_bigs: AtomicU32,           // 20
    pub out_no_such_names: AtomicU32,      // 21
    pub out_bad_values: AtomicU32,         // 22
    pub out_gen_errs: AtomicU32,           // 24
    pub out_get_requests: AtomicU32,       // 25
    pub out_get_nexts: AtomicU32,          // 26
    pub out_set_requests: AtomicU32,       // 27
    pub out_get_responses: AtomicU32,      // 28
    pub out_traps: AtomicU32,              // 29
    pub silent_drops: AtomicU32,           // 31
    pub proxy_drops: AtomicU32,            // 32
    /// SNMP-TARGET-MIB snmpUnavailableContexts (1.3.6.1.6.3.12.1.4).
    pub unavailable_contexts: AtomicU32,
    /// SNMP-TARGET-MIB snmpUnknownContexts (1.3.6.1.6.3.12.1.5).
    pub unknown_contexts: AtomicU32,
    /// SNMP-MPD-MIB snmpUnknownSecurityModels (1.3.6.1.6.3.11.2.1.1).
    pub unknown_security_models: AtomicU32,
    /// SNMP-MPD-MIB snmpInvalidMsgs (1.3.6.1.6.3.11.2.1.2).
    pub invalid_msgs: AtomicU32,
    /// SNMP-MPD-MIB snmpUnknownPDUHandlers (1.3.6.1.6.3.11.2.1.3).
    pub unknown_pdu_handlers: AtomicU32,
    /// SNMP-USER-BASED-SM-MIB usmStats (1.3.6.1.6.3.15.1.1), indexed by
    /// [`snmp::usm::UsmReport`] minus one.
    pub usm_stats: [AtomicU32; 6],
}

impl Stats {
    /// The usmStats counter a Report names.
    pub fn usm(&self, report: snmp::usm::UsmReport) -> &AtomicU32 {
        let index = report as usize - 1;
        // UsmReport's values are 1..=6, so the index is always in range.
        self.usm_stats.get(index).unwrap_or(&self.unknown_pdu_handlers)
    }

    /// Counts one Response sent with error-status `status`, as snmpd does: snmpOutPkts, the
    /// status's own counter, and snmpOutGetResponses, except for authorizationError (a VACM
    /// refusal of a v3 user), which snmpd counts in snmpOutPkts only.
    pub fn count_response(&self, status: Option<ErrorStatus>) {
        match status {
            Some(ErrorStatus::TooBig) => bump(&self.out_too_bigs),
            Some(ErrorStatus::NoSuchName) => bump(&self.out_no_such_names),
            Some(ErrorStatus::BadValue) => bump(&self.out_bad_values),
            Some(ErrorStatus::GenErr) => bump(&self.out_gen_errs),
            _ => {}
        }
        bump(&self.out_pkts);
        if status != Some(ErrorStatus::AuthorizationError) {
            bump(&self.out_get_responses);
        }
    }
}

/// Adds one to a counter (wrapping, as Counter32 does).
pub fn bump(counter: &AtomicU32) {
    counter.fetch_add(1, Ordering::Relaxed);
}

/// Adds `n` to a counter.
pub fn add(counter: &AtomicU32, n: usize) {
    counter.fetch_add(n as u32, Ordering::Relaxed);
}

pub fn read(counter: &AtomicU32) -> u32 {
    counter.load(Ordering::Relaxed)
}
