//! Async SNMP client (placeholder until written).
