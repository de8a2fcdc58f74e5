//! Built-in MIB knowledge: OID <-> name translation and net-snmp style value formatting.
//!
//! PLACEHOLDER: the public API below is the contract the CLI codes against. The helper that
//! builds this crate replaces the bodies (numeric-only for now) and adds modules.

use snmp::{Oid, Value, VarBind};
use thiserror::Error;

/// How OIDs are printed (net-snmp's `-O` flags `n`, `f`, `s`; default `MODULE::name.index`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum OidStyle {
    #[default]
    Module,
    Numeric,
    Full,
    Suffix,
}

/// net-snmp's output options (`-O` flags).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct OutputOptions {
    pub oid_style: OidStyle,
    /// `-Oq`: `OID value`, no type prefix.
    pub quick: bool,
    /// `-Ov`: the value alone.
    pub value_only: bool,
    /// `-Oe`: enums as bare numbers.
    pub numeric_enums: bool,
    /// `-Ot`: TimeTicks as a bare number.
    pub raw_timeticks: bool,
    /// `-Ox`: octet strings as hex.
    pub hex_strings: bool,
    /// `-OU`: no UNITS suffix.
    pub no_units: bool,
}

/// Why a name or value was refused; `Display` is net-snmp's message.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum MibError {
    #[error("Unknown Object Identifier (Sub-id not found: (top) -> {0})")]
    UnknownName(String),
    #[error("{0}")]
    Other(String),
}

/// A set of loaded MIB modules.
#[derive(Debug, Clone, Default)]
pub struct Mib {}

impl Mib {
    /// Every built-in module (the CLI default).
    pub fn builtin() -> Mib {
        Mib {}
    }

    /// `-m MODULES` (`""` = none, `ALL`, `A:B`, `+A`) with `-M DIRS` for users' MIB files.
    pub fn load(_modules: &str, _dirs: Option<&str>) -> Result<Mib, MibError> {
        Ok(Mib {})
    }

    /// Parses a name or numeric OID as net-snmp's `snmp_parse_oid` does.
    pub fn parse_oid(&self, text: &str) -> Result<Oid, MibError> {
        text.parse().map_err(|_| MibError::UnknownName(text.to_string()))
    }

    pub fn format_oid(&self, oid: &Oid, _opts: &OutputOptions) -> String {
        format!(".{oid}")
    }

    pub fn format_value(&self, _oid: &Oid, value: &Value<'_>, _opts: &OutputOptions) -> String {
        format!("{value:?}")
    }

    /// One line as `snmpget` prints it, without the newline.
    pub fn format_varbind(&self, vb: &VarBind<'_>, opts: &OutputOptions) -> String {
        format!("{} = {}", self.format_oid(&vb.oid, opts), self.format_value(&vb.oid, &vb.value, opts))
    }

    /// A value for `snmpset` from its type letter (`i u t a o s x d n c`, or `=` for the
    /// object's MIB syntax) and text.
    pub fn value_for_set(&self, _oid: &Oid, _type_char: char, _text: &str) -> Result<Value<'static>, MibError> {
        Err(MibError::Other("not implemented".into()))
    }
}
