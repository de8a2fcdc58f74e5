//! The resolved MIB: parsed modules linked into one OID tree, stored as a vector sorted by
//! OID (binary search for exact and longest-prefix lookups) plus a name index. Syntax of
//! every object is resolved through textual conventions to a base type with its display
//! hint, enums and ranges.

use std::collections::HashMap;

use snmp::Oid;

use crate::smi_parser::{ModuleDef, NodeKind, ObjectDef, OidPart, SyntaxDef, TypeDef};

/// The SMI base type an object's syntax resolves to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BaseType {
    Integer,
    OctetString,
    ObjectIdentifier,
    Bits,
    IpAddress,
    Counter32,
    Gauge32,
    Unsigned32,
    TimeTicks,
    Opaque,
    Counter64,
    /// SEQUENCE / SEQUENCE OF / CHOICE / unresolved names.
    Other,
}

/// A resolved syntax.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Syntax {
    pub base: BaseType,
    /// The type name as written in the SYNTAX clause (`DisplayString`, `INTEGER`, ...).
    pub type_name: String,
    /// The first DISPLAY-HINT met while resolving.
    pub hint: Option<String>,
    pub enums: Vec<(i64, String)>,
    pub ranges: Vec<(i128, i128)>,
    pub is_size: bool,
}

impl Syntax {
    /// The label of an enumerated value.
    pub fn enum_label(&self, v: i64) -> Option<&str> {
        self.enums.iter().find(|(n, _)| *n == v).map(|(_, l)| l.as_str())
    }

    /// The value of an enum label.
    pub fn enum_value(&self, label: &str) -> Option<i64> {
        self.enums.iter().find(|(_, l)| l == label).map(|(n, _)| *n)
    }

    /// Fixed length of an OCTET STRING (`SIZE (n)`), used for index decoding.
    pub fn fixed_size(&self) -> Option<usize> {
        match self.ranges.as_slice() {
            [(lo, hi)] if self.is_size && lo == hi => usize::try_from(*lo).ok(),
            _ => None,
        }
    }
}

/// What an OID-tree node is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ObjectKind {
    Node,
    Scalar,
    Table,
    Row,
    Column,
    Notification,
    Conformance,
}

/// One named node of the tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Node {
    pub oid: Oid,
    pub name: String,
    /// Defining module; empty for the built-in roots (`iso`, `ccitt`, `joint-iso-ccitt`).
    pub module: String,
    pub kind: ObjectKind,
    pub syntax: Option<Syntax>,
    pub access: Option<String>,
    pub status: Option<String>,
    pub units: Option<String>,
    pub description: Option<String>,
    /// INDEX of a row (after following AUGMENTS): names and IMPLIED flags.
    pub index: Vec<(String, bool)>,
    pub augments: Option<String>,
    pub defval: Option<String>,
}

/// The linked tree.
#[derive(Debug, Clone, Default)]
pub struct Tree {
    nodes: Vec<Node>,
    by_name: HashMap<String, Vec<usize>>,
    modules: Vec<String>,
}

/// A definition that did not link: module, line, reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkError {
    pub module: String,
    pub line: u32,
    pub reason: String,
}

const ROOTS: &[(&str, u32)] = &[("ccitt", 0), ("iso", 1), ("joint-iso-ccitt", 2)];

impl Tree {
    /// Links modules (in load order) into a tree. Unresolvable OID references are errors.
    pub fn build(modules: &[ModuleDef]) -> Result<Tree, LinkError> {
        let mut types: HashMap<&str, &TypeDef> = HashMap::new();
        for m in modules {
            for t in &m.types {
                types.entry(t.name.as_str()).or_insert(t);
            }
        }
        let mut oids: HashMap<String, Oid> =
            ROOTS.iter().map(|(n, v)| ((*n).to_string(), Oid::from_slice(&[*v]))).collect();
        let mut pending: Vec<(&ModuleDef, &ObjectDef)> =
            modules.iter().flat_map(|m| m.objects.iter().map(move |o| (m, o))).collect();
        let mut resolved: Vec<(&ModuleDef, &ObjectDef, Oid)> = Vec::with_capacity(pending.len());
        loop {
            let before = pending.len();
            pending.retain(|(m, o)| match resolve_value(&o.value, &oids) {
                Some(oid) => {
                    oids.entry(o.name.clone()).or_insert_with(|| oid.clone());
                    resolved.push((m, o, oid));
                    false
                }
                None => true,
            });
            if pending.is_empty() || pending.len() == before {
                break;
            }
        }
        if let Some((m, o)) = pending.first() {
            let missing = o
                .value
                .iter()
                .find_map(|p| match p {
                    OidPart::Name(n) | OidPart::NamedNumber(n, _) if !oids.contains_key(n) => Some(n.clone()),
                    _ => None,
                })
                .unwrap_or_default();
            return Err(LinkError {
                module: m.name.clone(),
                line: o.line,
                reason: format!("{}: undefined parent '{missing}'", o.name),
            });
        }

        let mut tree = Tree { modules: modules.iter().map(|m| m.name.clone()).collect(), ..Tree::default() };
        for (n, v) in ROOTS {
            tree.nodes.push(bare_node(Oid::from_slice(&[*v]), n, ""));
        }
        for (m, o, oid) in resolved {
            let syntax = o.syntax.as_ref().map(|s| resolve_syntax(s, &types));
            tree.nodes.push(Node {
                oid,
                name: o.name.clone(),
                module: m.name.clone(),
                kind: match o.kind {
                    NodeKind::Node => ObjectKind::Node,
                    NodeKind::Object => ObjectKind::Scalar,
                    NodeKind::Notification => ObjectKind::Notification,
                    NodeKind::Conformance => ObjectKind::Conformance,
                },
                syntax,
                access: o.access.clone(),
                status: o.status.clone(),
                units: o.units.clone(),
                description: o.description.clone(),
                index: o.index.clone(),
                augments: o.augments.clone(),
                defval: o.defval.clone(),
            });
        }
        // Same OID defined twice: keep the first-loaded definition.
        tree.nodes.sort_by(|a, b| a.oid.cmp(&b.oid));
        tree.nodes.dedup_by(|later, first| later.oid == first.oid);
        tree.classify(modules);
        for (i, n) in tree.nodes.iter().enumerate() {
            tree.by_name.entry(n.name.clone()).or_default().push(i);
        }
        Ok(tree)
    }

    /// Marks tables, rows and columns and copies AUGMENTS'd indexes.
    fn classify(&mut self, modules: &[ModuleDef]) {
        let sequence_types: std::collections::HashSet<&str> = modules
            .iter()
            .flat_map(|m| m.types.iter())
            .filter(|t| t.syntax.name == "SEQUENCE")
            .map(|t| t.name.as_str())
            .collect();
        for n in &mut self.nodes {
            if n.kind != ObjectKind::Scalar {
                continue;
            }
            let tname = n.syntax.as_ref().map(|s| s.type_name.as_str()).unwrap_or("");
            if tname == "SEQUENCE OF" {
                n.kind = ObjectKind::Table;
            } else if !n.index.is_empty() || n.augments.is_some() || sequence_types.contains(tname) {
                n.kind = ObjectKind::Row;
            }
        }
        // Rows that AUGMENT another take its INDEX.
        let row_index: HashMap<String, Vec<(String, bool)>> = self
            .nodes
            .iter()
            .filter(|n| n.kind == ObjectKind::Row && !n.index.is_empty())
            .map(|n| (n.name.clone(), n.index.clone()))
            .collect();
        for n in &mut self.nodes {
            if let Some(a) = &n.augments
                && n.index.is_empty()
            {
                n.index = row_index.get(a).cloned().unwrap_or_default();
            }
        }
        // Columns: OBJECT-TYPEs whose parent is a row.
        for i in 0..self.nodes.len() {
            let is_col = match self.nodes.get(i) {
                Some(n) if n.kind == ObjectKind::Scalar && n.oid.len() > 1 => {
                    let parent = n.oid.as_slice().split_last().map_or(&[][..], |(_, p)| p);
                    self.exact(parent).is_some_and(|p| p.kind == ObjectKind::Row)
                }
                _ => false,
            };
            if is_col && let Some(n) = self.nodes.get_mut(i) {
                n.kind = ObjectKind::Column;
            }
        }
    }

    /// The node with exactly this OID.
    pub fn exact(&self, oid: &[u32]) -> Option<&Node> {
        self.nodes.binary_search_by(|n| n.oid.as_slice().cmp(oid)).ok().and_then(|i| self.nodes.get(i))
    }

    /// The node that is the longest prefix of `oid`.
    pub fn longest_prefix(&self, oid: &[u32]) -> Option<&Node> {
        let mut len = oid.len();
        // Start from the insertion point: only nodes sorting at or before `oid` can be
        // prefixes, so a shorter search is enough for each length.
        while len > 0 {
            if let Some(n) = oid.get(..len).and_then(|p| self.exact(p)) {
                return Some(n);
            }
            len -= 1;
        }
        None
    }

    /// Nodes named `name` (several modules may define the same name).
    pub fn by_name(&self, name: &str) -> impl Iterator<Item = &Node> {
        self.by_name.get(name).into_iter().flatten().filter_map(|i| self.nodes.get(*i))
    }

    /// The node named `name` in `module`.
    pub fn by_module_name(&self, module: &str, name: &str) -> Option<&Node> {
        self.by_name(name).find(|n| n.module == module)
    }

    /// Is a module of this name loaded?
    pub fn has_module(&self, module: &str) -> bool {
        self.modules.iter().any(|m| m == module)
    }

    /// Names of the loaded modules, in load order.
    pub fn modules(&self) -> &[String] {
        &self.modules
    }

    /// Every node, sorted by OID.
    pub fn nodes(&self) -> &[Node] {
        &self.nodes
    }

    /// The direct child of `parent` with sub-identifier `sub`.
    pub fn child(&self, parent: &Oid, sub: u32) -> Option<&Node> {
        let mut o = parent.clone();
        o.push(sub);
        self.exact(o.as_slice())
    }
}

fn bare_node(oid: Oid, name: &str, module: &str) -> Node {
    Node {
        oid,
        name: name.to_string(),
        module: module.to_string(),
        kind: ObjectKind::Node,
        syntax: None,
        access: None,
        status: None,
        units: None,
        description: None,
        index: Vec::new(),
        augments: None,
        defval: None,
    }
}

fn resolve_value(parts: &[OidPart], oids: &HashMap<String, Oid>) -> Option<Oid> {
    let mut out = Oid::new();
    for (i, p) in parts.iter().enumerate() {
        match p {
            OidPart::Number(n) => out.push(*n),
            OidPart::NamedNumber(name, n) => {
                if i == 0
                    && let Some(root) = ROOTS.iter().find(|(r, _)| r == name)
                {
                    out.push(root.1);
                    continue;
                }
                out.push(*n);
            }
            OidPart::Name(name) if i == 0 => out = oids.get(name)?.clone(),
            OidPart::Name(name) => out.extend_from_slice(oids.get(name)?.as_slice()),
        }
    }
    Some(out)
}

fn base_of(name: &str) -> Option<BaseType> {
    Some(match name {
        "INTEGER" | "Integer32" => BaseType::Integer,
        "OCTET STRING" => BaseType::OctetString,
        "OBJECT IDENTIFIER" => BaseType::ObjectIdentifier,
        "BITS" => BaseType::Bits,
        "IpAddress" | "NetworkAddress" => BaseType::IpAddress,
        "Counter32" | "Counter" => BaseType::Counter32,
        "Gauge32" | "Gauge" => BaseType::Gauge32,
        "Unsigned32" => BaseType::Unsigned32,
        "TimeTicks" => BaseType::TimeTicks,
        "Opaque" => BaseType::Opaque,
        "Counter64" => BaseType::Counter64,
        "SEQUENCE" | "SEQUENCE OF" | "CHOICE" => BaseType::Other,
        _ => return None,
    })
}

/// Follows type names through TCs to the base type, collecting hint, enums and ranges
/// (the nearest definition of each wins).
pub(crate) fn resolve_syntax(s: &SyntaxDef, types: &HashMap<&str, &TypeDef>) -> Syntax {
    let mut out = Syntax {
        base: BaseType::Other,
        type_name: s.name.clone(),
        hint: None,
        enums: s.enums.clone(),
        ranges: s.ranges.clone(),
        is_size: s.is_size,
    };
    let mut cur = s.name.clone();
    for _ in 0..16 {
        if let Some(b) = base_of(&cur) {
            out.base = b;
            break;
        }
        let Some(t) = types.get(cur.as_str()) else {
            break;
        };
        if out.hint.is_none() {
            out.hint.clone_from(&t.hint);
        }
        if out.enums.is_empty() {
            out.enums.clone_from(&t.syntax.enums);
        }
        if out.ranges.is_empty() {
            out.ranges.clone_from(&t.syntax.ranges);
            out.is_size = t.syntax.is_size;
        }
        cur.clone_from(&t.syntax.name);
    }
    out
}
