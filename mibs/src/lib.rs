//! Built-in MIB knowledge: OID <-> name translation and net-snmp style value formatting.
//!
//! Modules:
//! - `lexer`, `smi_parser`: SMIv2 module text -> raw definitions.
//! - `tree`: definitions linked into a sorted OID tree with resolved syntaxes.
//! - `builtin`: our own compact module files under `mibs/modules/`, embedded.
//! - `loader`: `-m MODULES -M DIRS` resolution (users' files and built-ins, with imports).
//! - `oid_text`: name/number parsing and `-O n/f/s` OID printing; `index`: table indexes.
//! - `format`, `display_hint`: value printing as `snmpget` does; `set_value`: `snmpset` input.

mod builtin;
mod display_hint;
mod format;
mod index;
mod lexer;
mod loader;
mod oid_text;
mod set_value;
mod smi_parser;
mod tree;

use std::sync::Arc;

use snmp::{Oid, Value, VarBind};
use thiserror::Error;

pub use tree::{BaseType, Node, ObjectKind, Syntax};

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

impl OutputOptions {
    /// Applies net-snmp `-O` letters (`-Oqv` gives `"qv"`). Letters net-snmp knows whose
    /// output differences are not modelled (`0 a b E Q T u X`) are accepted and ignored;
    /// an unknown letter is returned as the error.
    pub fn apply_flags(&mut self, flags: &str) -> Result<(), char> {
        for f in flags.chars() {
            match f {
                'n' => self.oid_style = OidStyle::Numeric,
                'f' => self.oid_style = OidStyle::Full,
                's' => self.oid_style = OidStyle::Suffix,
                'S' => self.oid_style = OidStyle::Module,
                'q' => self.quick = true,
                'v' => self.value_only = true,
                'e' => self.numeric_enums = true,
                't' => self.raw_timeticks = true,
                'x' => self.hex_strings = true,
                'U' => self.no_units = true,
                '0' | 'a' | 'b' | 'E' | 'Q' | 'T' | 'u' | 'X' => {}
                other => return Err(other),
            }
        }
        Ok(())
    }
}

/// Why a name or value was refused; `Display` is net-snmp's message.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum MibError {
    /// A name net-snmp cannot find from the top of the tree.
    #[error("Unknown Object Identifier (Sub-id not found: (top) -> {0})")]
    UnknownName(String),
    /// A bad component in a numeric/path OID: the text from that component on.
    #[error("Unknown Object Identifier ({0})")]
    BadSubId(String),
    /// An index component that does not fit the INDEX object (`"eth0" (ifIndex)`).
    #[error("Unknown Object Identifier (Index out of range: {0})")]
    IndexOutOfRange(String),
    /// A name that is not a child of the node reached so far (`dod -> x`).
    #[error("Unknown Object Identifier (Sub-id not found: {0})")]
    NotAChild(String),
    /// `MODULE::name` with a module that is not loaded, or a name not in it.
    #[error("Unknown Object Identifier")]
    UnknownModule(String),
    /// `-m MODULE` that cannot be found in the built-ins or `-M` directories.
    #[error("Cannot find module ({0})")]
    ModuleNotFound(String),
    /// A MIB file that does not parse or link.
    #[error("{file}: line {line}: {reason}")]
    BadMibFile { file: String, line: u32, reason: String },
    /// `snmpset` value that does not parse for its type.
    #[error("Bad value notation ({0})")]
    BadValue(String),
    /// `snmpset` integer that does not parse or fit.
    #[error("Value out of range ({0})")]
    OutOfRange(String),
    /// `snmpset` type letter that does not fit the object's MIB syntax, or `=` without one.
    #[error("Bad variable type ({0})")]
    BadVariableType(String),
    /// `snmpset` type letter net-snmp refuses.
    #[error("Bad object type: {0}")]
    BadType(char),
    #[error("{0}")]
    Other(String),
}

/// A set of loaded MIB modules (cheap to clone).
#[derive(Debug, Clone)]
pub struct Mib {
    tree: Arc<tree::Tree>,
}

impl Default for Mib {
    /// No modules: only the roots `ccitt`, `iso`, `joint-iso-ccitt` (as `-m ""`).
    fn default() -> Mib {
        Mib { tree: Arc::new(tree::Tree::build(&[]).unwrap_or_default()) }
    }
}

impl Mib {
    /// Every built-in module (the CLI default).
    pub fn builtin() -> Mib {
        Mib { tree: loader::builtin_tree() }
    }

    /// `-m MODULES` (`""` = none, `ALL`, `A:B`, `+A`) with `-M DIRS` for users' MIB files.
    pub fn load(modules: &str, dirs: Option<&str>) -> Result<Mib, MibError> {
        Ok(Mib { tree: loader::load(modules, dirs)? })
    }

    /// Parses a name or numeric OID as net-snmp's `snmp_parse_oid` does.
    pub fn parse_oid(&self, text: &str) -> Result<Oid, MibError> {
        oid_text::parse(&self.tree, text)
    }

    /// An OID as net-snmp prints it under `opts.oid_style`.
    pub fn format_oid(&self, oid: &Oid, opts: &OutputOptions) -> String {
        oid_text::format(&self.tree, oid, opts)
    }

    /// A value as net-snmp prints it after `OID = ` (`-Oq`/`-Ov` aware; the caller decides
    /// whether to print the OID).
    pub fn format_value(&self, oid: &Oid, value: &Value<'_>, opts: &OutputOptions) -> String {
        let node = self
            .tree
            .longest_prefix(oid.as_slice())
            .filter(|n| matches!(n.kind, ObjectKind::Scalar | ObjectKind::Column));
        self.value_text(node, value, opts)
    }

    /// One line as `snmpget` prints it, without the newline.
    pub fn format_varbind(&self, vb: &VarBind<'_>, opts: &OutputOptions) -> String {
        let value = self.format_value(&vb.oid, &vb.value, opts);
        if opts.value_only {
            return value;
        }
        let oid = self.format_oid(&vb.oid, opts);
        if opts.quick { format!("{oid} {value}") } else { format!("{oid} = {value}") }
    }

    /// A value for `snmpset` from its type letter (`i u t a o s x d n c`, or `=` for the
    /// object's MIB syntax) and text.
    pub fn value_for_set(&self, oid: &Oid, type_char: char, text: &str) -> Result<Value<'static>, MibError> {
        self.set_value(oid, type_char, text)
    }

    /// The node with exactly this OID.
    pub fn object(&self, oid: &Oid) -> Option<&Node> {
        self.tree.exact(oid.as_slice())
    }

    /// The deepest named node above or at `oid`, and the remaining sub-identifiers.
    pub fn lookup<'o>(&self, oid: &'o Oid) -> Option<(&Node, &'o [u32])> {
        let n = self.tree.longest_prefix(oid.as_slice())?;
        Some((n, oid.as_slice().get(n.oid.len()..).unwrap_or_default()))
    }

    /// A node by name (`ifDescr` or `IF-MIB::ifDescr`).
    pub fn node_by_name(&self, name: &str) -> Option<&Node> {
        match name.split_once("::") {
            Some((m, n)) => self.tree.by_module_name(m, n),
            None => self.tree.by_name(name).next(),
        }
    }

    /// The columns of a table (given the table or its row OID), in OID order.
    pub fn columns(&self, table: &Oid) -> Vec<&Node> {
        let Some(t) = self.tree.exact(table.as_slice()) else {
            return Vec::new();
        };
        let row = match t.kind {
            ObjectKind::Row => t,
            ObjectKind::Table => match self.tree.child(&t.oid, 1) {
                Some(r) => r,
                None => return Vec::new(),
            },
            _ => return Vec::new(),
        };
        self.tree
            .nodes()
            .iter()
            .filter(|n| n.kind == ObjectKind::Column && n.oid.len() == row.oid.len() + 1)
            .filter(|n| n.oid.as_slice().starts_with(row.oid.as_slice()))
            .collect()
    }

    /// Every named node, sorted by OID.
    pub fn nodes(&self) -> &[Node] {
        self.tree.nodes()
    }

    /// Names of the loaded modules, in load order.
    pub fn modules(&self) -> &[String] {
        self.tree.modules()
    }
}
