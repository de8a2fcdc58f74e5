//! SMIv2 (and the common SMIv1) module parser: turns module text into [`ModuleDef`]s, the
//! raw definitions (names, parent OID references, syntax, access, index clauses, textual
//! conventions). Resolving names into a tree is `tree.rs`'s job.

use crate::lexer::{Tok, Token, tokenize};

/// What kind of definition produced a node.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NodeKind {
    /// `OBJECT IDENTIFIER`, `OBJECT-IDENTITY`, `MODULE-IDENTITY`.
    Node,
    /// `OBJECT-TYPE` (scalar, table, row or column: decided by the tree).
    Object,
    /// `NOTIFICATION-TYPE` / `TRAP-TYPE`.
    Notification,
    /// `OBJECT-GROUP`, `NOTIFICATION-GROUP`, `MODULE-COMPLIANCE`, `AGENT-CAPABILITIES`.
    Conformance,
}

/// A SYNTAX clause as written: a type name plus its restrictions.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SyntaxDef {
    /// `INTEGER`, `OCTET STRING`, `OBJECT IDENTIFIER`, `BITS`, `SEQUENCE`, `SEQUENCE OF`,
    /// `CHOICE`, or a type name (`Integer32`, `DisplayString`, ...).
    pub name: String,
    /// Named numbers (`up(1)`) or named bits.
    pub enums: Vec<(i64, String)>,
    /// Value or size ranges.
    pub ranges: Vec<(i128, i128)>,
    /// `true` when `ranges` come from a `SIZE (...)` constraint.
    pub is_size: bool,
    /// For `SEQUENCE OF X`: X.
    pub of: Option<String>,
}

/// One component of an OID value: `iso`, `3`, or `org(3)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OidPart {
    Name(String),
    Number(u32),
    NamedNumber(String, u32),
}

/// An OID-valued definition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObjectDef {
    pub name: String,
    pub line: u32,
    pub kind: NodeKind,
    pub value: Vec<OidPart>,
    pub syntax: Option<SyntaxDef>,
    pub access: Option<String>,
    pub status: Option<String>,
    pub units: Option<String>,
    pub description: Option<String>,
    /// INDEX clause: names, `true` if IMPLIED.
    pub index: Vec<(String, bool)>,
    pub augments: Option<String>,
    pub defval: Option<String>,
}

/// A type assignment or TEXTUAL-CONVENTION.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TypeDef {
    pub name: String,
    pub line: u32,
    pub syntax: SyntaxDef,
    pub hint: Option<String>,
    pub is_tc: bool,
    pub status: Option<String>,
    pub description: Option<String>,
}

/// One parsed module.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ModuleDef {
    pub name: String,
    /// `(module, symbols)` per FROM clause.
    pub imports: Vec<(String, Vec<String>)>,
    pub objects: Vec<ObjectDef>,
    pub types: Vec<TypeDef>,
}

/// A parse failure: line and reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    pub line: u32,
    pub reason: String,
}

type PResult<T> = Result<T, ParseError>;

const MACRO_KINDS: &[(&str, NodeKind)] = &[
    ("MODULE-IDENTITY", NodeKind::Node),
    ("OBJECT-IDENTITY", NodeKind::Node),
    ("OBJECT-TYPE", NodeKind::Object),
    ("NOTIFICATION-TYPE", NodeKind::Notification),
    ("TRAP-TYPE", NodeKind::Notification),
    ("OBJECT-GROUP", NodeKind::Conformance),
    ("NOTIFICATION-GROUP", NodeKind::Conformance),
    ("MODULE-COMPLIANCE", NodeKind::Conformance),
    ("AGENT-CAPABILITIES", NodeKind::Conformance),
];

/// Parses every module in `text`.
pub fn parse_modules(text: &str) -> Result<Vec<ModuleDef>, ParseError> {
    let tokens = tokenize(text).map_err(|(line, reason)| ParseError { line, reason })?;
    let mut p = Parser { toks: tokens, pos: 0 };
    let mut modules = Vec::new();
    while !p.at_end() {
        modules.push(p.module()?);
    }
    if modules.is_empty() {
        return Err(ParseError { line: 1, reason: "no module definition found".into() });
    }
    Ok(modules)
}

struct Parser {
    toks: Vec<Token>,
    pos: usize,
}

impl Parser {
    fn at_end(&self) -> bool {
        self.pos >= self.toks.len()
    }

    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.pos).map(|t| &t.tok)
    }

    fn peek_at(&self, n: usize) -> Option<&Tok> {
        self.toks.get(self.pos + n).map(|t| &t.tok)
    }

    fn line(&self) -> u32 {
        self.toks.get(self.pos).or_else(|| self.toks.last()).map_or(1, |t| t.line)
    }

    fn err<T>(&self, reason: impl Into<String>) -> PResult<T> {
        Err(ParseError { line: self.line(), reason: reason.into() })
    }

    fn next(&mut self) -> PResult<Tok> {
        match self.toks.get(self.pos) {
            Some(t) => {
                self.pos += 1;
                Ok(t.tok.clone())
            }
            None => self.err("unexpected end of file"),
        }
    }

    fn is_word(&self, w: &str) -> bool {
        matches!(self.peek(), Some(Tok::Word(x)) if x == w)
    }

    fn is_sym(&self, c: char) -> bool {
        matches!(self.peek(), Some(Tok::Sym(x)) if *x == c)
    }

    fn word(&mut self) -> PResult<String> {
        match self.next()? {
            Tok::Word(w) => Ok(w),
            other => {
                self.pos -= 1;
                self.err(format!("expected a name, found {}", describe(&other)))
            }
        }
    }

    fn expect_word(&mut self, w: &str) -> PResult<()> {
        if self.is_word(w) {
            self.pos += 1;
            Ok(())
        } else {
            self.err(format!("expected {w}, found {}", self.found()))
        }
    }

    fn expect_sym(&mut self, c: char) -> PResult<()> {
        if self.is_sym(c) {
            self.pos += 1;
            Ok(())
        } else {
            self.err(format!("expected '{c}', found {}", self.found()))
        }
    }

    fn expect_assign(&mut self) -> PResult<()> {
        if matches!(self.peek(), Some(Tok::Assign)) {
            self.pos += 1;
            Ok(())
        } else {
            self.err(format!("expected '::=', found {}", self.found()))
        }
    }

    fn found(&self) -> String {
        self.peek().map_or_else(|| "end of file".to_string(), describe)
    }

    fn string(&mut self) -> PResult<String> {
        match self.next()? {
            Tok::Str(s) => Ok(s),
            other => {
                self.pos -= 1;
                self.err(format!("expected a quoted string, found {}", describe(&other)))
            }
        }
    }

    fn number(&mut self) -> PResult<i128> {
        match self.next()? {
            Tok::Num(n) => Ok(n),
            Tok::Quoted(q) => quoted_number(&q).map_or_else(|| self.err(format!("bad number '{q}")), Ok),
            other => {
                self.pos -= 1;
                self.err(format!("expected a number, found {}", describe(&other)))
            }
        }
    }

    /// Skips a balanced `{ ... }` (the opening brace not yet consumed).
    fn skip_braces(&mut self) -> PResult<()> {
        self.expect_sym('{')?;
        let mut depth = 1usize;
        while depth > 0 {
            match self.next()? {
                Tok::Sym('{') => depth += 1,
                Tok::Sym('}') => depth -= 1,
                _ => {}
            }
        }
        Ok(())
    }

    fn module(&mut self) -> PResult<ModuleDef> {
        let name = self.word()?;
        if self.is_sym('{') {
            self.skip_braces()?;
        }
        self.expect_word("DEFINITIONS")?;
        while !matches!(self.peek(), Some(Tok::Assign) | None) {
            self.pos += 1;
        }
        self.expect_assign()?;
        self.expect_word("BEGIN")?;
        let mut m = ModuleDef { name, ..ModuleDef::default() };
        loop {
            if self.is_word("END") {
                self.pos += 1;
                return Ok(m);
            }
            if self.at_end() {
                return self.err(format!("module {} has no END", m.name));
            }
            self.statement(&mut m)?;
        }
    }

    fn statement(&mut self, m: &mut ModuleDef) -> PResult<()> {
        let line = self.line();
        if self.is_word("IMPORTS") {
            self.pos += 1;
            return self.imports(m);
        }
        if self.is_word("EXPORTS") {
            while !self.is_sym(';') {
                self.next()?;
            }
            self.pos += 1;
            return Ok(());
        }
        let name = self.word()?;
        if self.is_word("MACRO") {
            while !self.is_word("END") {
                self.next()?;
            }
            self.pos += 1;
            return Ok(());
        }
        if matches!(self.peek(), Some(Tok::Assign)) {
            self.pos += 1;
            let td = self.type_assignment(name, line)?;
            m.types.push(td);
            return Ok(());
        }
        if self.is_word("OBJECT") && matches!(self.peek_at(1), Some(Tok::Word(w)) if w == "IDENTIFIER") {
            self.pos += 2;
            self.expect_assign()?;
            let value = self.oid_value()?;
            m.objects.push(new_object(name, line, NodeKind::Node, value));
            return Ok(());
        }
        let kind_word = self.word()?;
        let Some(kind) = MACRO_KINDS.iter().find(|(k, _)| *k == kind_word).map(|(_, kind)| *kind) else {
            self.pos -= 1;
            return self.err(format!("unknown construct '{kind_word}' after {name}"));
        };
        let mut obj = new_object(name, line, kind, Vec::new());
        self.clauses(&mut obj, kind_word == "OBJECT-TYPE")?;
        self.expect_assign()?;
        obj.value = if kind_word == "TRAP-TYPE" {
            let n = self.number()?;
            vec![OidPart::Number(u32::try_from(n).unwrap_or(0))]
        } else {
            self.oid_value()?
        };
        m.objects.push(obj);
        Ok(())
    }

    fn imports(&mut self, m: &mut ModuleDef) -> PResult<()> {
        let mut symbols = Vec::new();
        loop {
            match self.next()? {
                Tok::Sym(';') => return Ok(()),
                Tok::Sym(',') => {}
                Tok::Word(w) if w == "FROM" => {
                    let module = self.word()?;
                    m.imports.push((module, std::mem::take(&mut symbols)));
                }
                Tok::Word(w) => symbols.push(w),
                other => {
                    self.pos -= 1;
                    return self.err(format!("unexpected {} in IMPORTS", describe(&other)));
                }
            }
        }
    }

    /// Clauses of a macro invocation up to `::=`.
    fn clauses(&mut self, obj: &mut ObjectDef, object_type: bool) -> PResult<()> {
        while !matches!(self.peek(), Some(Tok::Assign)) {
            let kw = match self.next()? {
                Tok::Word(w) => w,
                Tok::Str(_) | Tok::Num(_) | Tok::Sym(_) | Tok::Quoted(_) | Tok::Range => {
                    continue;
                }
                Tok::Assign => break,
            };
            match kw.as_str() {
                "SYNTAX" if object_type && obj.syntax.is_none() => {
                    obj.syntax = Some(self.syntax()?);
                }
                "UNITS" => obj.units = Some(self.string()?),
                "MAX-ACCESS" | "ACCESS" if obj.access.is_none() => {
                    obj.access = Some(self.word()?);
                }
                "STATUS" if obj.status.is_none() => obj.status = Some(self.word()?),
                "DESCRIPTION" if obj.description.is_none() => {
                    obj.description = Some(self.string()?);
                }
                "INDEX" if object_type => {
                    self.expect_sym('{')?;
                    loop {
                        let implied = self.is_word("IMPLIED");
                        if implied {
                            self.pos += 1;
                        }
                        let n = self.word()?;
                        obj.index.push((n, implied));
                        if self.is_sym(',') {
                            self.pos += 1;
                        } else {
                            break;
                        }
                    }
                    self.expect_sym('}')?;
                }
                "AUGMENTS" if object_type => {
                    self.expect_sym('{')?;
                    obj.augments = Some(self.word()?);
                    self.expect_sym('}')?;
                }
                "DEFVAL" => {
                    let start = self.pos;
                    self.skip_braces()?;
                    let inner: Vec<String> = self
                        .toks
                        .get(start + 1..self.pos.saturating_sub(1))
                        .unwrap_or_default()
                        .iter()
                        .map(|t| describe_raw(&t.tok))
                        .collect();
                    obj.defval = Some(inner.join(" "));
                }
                "OBJECTS" | "NOTIFICATIONS" | "VARIABLES" if self.is_sym('{') => {
                    self.skip_braces()?;
                }
                _ => {}
            }
        }
        Ok(())
    }

    fn oid_value(&mut self) -> PResult<Vec<OidPart>> {
        self.expect_sym('{')?;
        let mut parts = Vec::new();
        loop {
            match self.next()? {
                Tok::Sym('}') => break,
                Tok::Num(n) => parts.push(OidPart::Number(self.subid(n)?)),
                Tok::Word(w) => {
                    if self.is_sym('(') {
                        self.pos += 1;
                        let n = self.number()?;
                        self.expect_sym(')')?;
                        parts.push(OidPart::NamedNumber(w, self.subid(n)?));
                    } else {
                        parts.push(OidPart::Name(w));
                    }
                }
                other => {
                    self.pos -= 1;
                    return self.err(format!("unexpected {} in OID value", describe(&other)));
                }
            }
        }
        if parts.is_empty() {
            return self.err("empty OID value");
        }
        Ok(parts)
    }

    fn subid(&self, n: i128) -> PResult<u32> {
        u32::try_from(n).map_or_else(|_| self.err(format!("sub-identifier {n} out of range")), Ok)
    }

    fn type_assignment(&mut self, name: String, line: u32) -> PResult<TypeDef> {
        if self.is_word("TEXTUAL-CONVENTION") {
            self.pos += 1;
            let mut hint = None;
            let mut status = None;
            let mut description = None;
            loop {
                let kw = self.word()?;
                match kw.as_str() {
                    "DISPLAY-HINT" => hint = Some(self.string()?),
                    "STATUS" => status = Some(self.word()?),
                    "DESCRIPTION" => description = Some(self.string()?),
                    "REFERENCE" => {
                        self.string()?;
                    }
                    "SYNTAX" => break,
                    other => return self.err(format!("unexpected {other} in TEXTUAL-CONVENTION")),
                }
            }
            let syntax = self.syntax()?;
            return Ok(TypeDef { name, line, syntax, hint, is_tc: true, status, description });
        }
        let syntax = self.syntax()?;
        Ok(TypeDef { name, line, syntax, hint: None, is_tc: false, status: None, description: None })
    }

    fn syntax(&mut self) -> PResult<SyntaxDef> {
        if self.is_sym('[') {
            while !self.is_sym(']') {
                self.next()?;
            }
            self.pos += 1;
        }
        if self.is_word("IMPLICIT") || self.is_word("EXPLICIT") {
            self.pos += 1;
        }
        let first = self.word()?;
        let mut s = SyntaxDef::default();
        match first.as_str() {
            "OCTET" => {
                self.expect_word("STRING")?;
                s.name = "OCTET STRING".into();
            }
            "OBJECT" => {
                self.expect_word("IDENTIFIER")?;
                s.name = "OBJECT IDENTIFIER".into();
            }
            "SEQUENCE" => {
                if self.is_word("OF") {
                    self.pos += 1;
                    s.name = "SEQUENCE OF".into();
                    s.of = Some(self.word()?);
                } else {
                    s.name = "SEQUENCE".into();
                    self.skip_braces()?;
                }
                return Ok(s);
            }
            "CHOICE" => {
                s.name = "CHOICE".into();
                self.skip_braces()?;
                return Ok(s);
            }
            _ => s.name = first,
        }
        if self.is_sym('{') {
            self.pos += 1;
            loop {
                let label = self.word()?;
                self.expect_sym('(')?;
                let n = self.number()?;
                self.expect_sym(')')?;
                let n = i64::try_from(n).map_or_else(|_| self.err("enum value out of range"), Ok)?;
                s.enums.push((n, label));
                if self.is_sym(',') {
                    self.pos += 1;
                } else {
                    break;
                }
            }
            self.expect_sym('}')?;
        } else if self.is_sym('(') {
            self.pos += 1;
            if self.is_word("SIZE") {
                self.pos += 1;
                self.expect_sym('(')?;
                s.ranges = self.ranges()?;
                s.is_size = true;
                self.expect_sym(')')?;
            } else {
                s.ranges = self.ranges()?;
            }
            self.expect_sym(')')?;
        }
        Ok(s)
    }

    fn ranges(&mut self) -> PResult<Vec<(i128, i128)>> {
        let mut out = Vec::new();
        loop {
            let lo = self.number()?;
            let hi = if matches!(self.peek(), Some(Tok::Range)) {
                self.pos += 1;
                self.number()?
            } else {
                lo
            };
            out.push((lo, hi));
            if self.is_sym('|') {
                self.pos += 1;
            } else {
                return Ok(out);
            }
        }
    }
}

fn new_object(name: String, line: u32, kind: NodeKind, value: Vec<OidPart>) -> ObjectDef {
    ObjectDef {
        name,
        line,
        kind,
        value,
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

/// `'FF'H` / `'0101'B` as a number.
fn quoted_number(q: &str) -> Option<i128> {
    let (digits, radix) = match q.chars().last()? {
        'H' => (q.get(..q.len() - 1)?, 16),
        'B' => (q.get(..q.len() - 1)?, 2),
        _ => return None,
    };
    if digits.is_empty() {
        return Some(0);
    }
    i128::from_str_radix(digits, radix).ok()
}

fn describe(t: &Tok) -> String {
    match t {
        Tok::Word(w) => format!("'{w}'"),
        Tok::Num(n) => format!("number {n}"),
        Tok::Str(_) => "a quoted string".into(),
        Tok::Quoted(q) => format!("'{q}"),
        Tok::Assign => "'::='".into(),
        Tok::Range => "'..'".into(),
        Tok::Sym(c) => format!("'{c}'"),
    }
}

fn describe_raw(t: &Tok) -> String {
    match t {
        Tok::Word(w) => w.clone(),
        Tok::Num(n) => n.to_string(),
        Tok::Str(s) => format!("\"{s}\""),
        Tok::Quoted(q) => format!("'{q}"),
        Tok::Assign => "::=".into(),
        Tok::Range => "..".into(),
        Tok::Sym(c) => c.to_string(),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]
mod tests {
    use super::*;

    const SAMPLE: &str = r#"
TEST-MIB DEFINITIONS ::= BEGIN
IMPORTS OBJECT-TYPE, Integer32, mib-2 FROM SNMPv2-SMI
        DisplayString FROM SNMPv2-TC;
testMIB MODULE-IDENTITY
    LAST-UPDATED "202401010000Z" ORGANIZATION "x" CONTACT-INFO "y"
    DESCRIPTION "t" REVISION "202401010000Z" DESCRIPTION "r"
    ::= { mib-2 999 }
Hint ::= TEXTUAL-CONVENTION
    DISPLAY-HINT "1x:" STATUS current DESCRIPTION "h" SYNTAX OCTET STRING (SIZE (0..6))
tEntry OBJECT-TYPE SYNTAX TEntry MAX-ACCESS not-accessible STATUS current
    DESCRIPTION "" INDEX { IMPLIED tName } ::= { testMIB 1 1 }
TEntry ::= SEQUENCE { tName DisplayString, tState INTEGER }
tState OBJECT-TYPE SYNTAX INTEGER { up(1), down(2) } UNITS "s" MAX-ACCESS read-write
    STATUS current DESCRIPTION "" DEFVAL { up } ::= { tEntry 2 }
tName OBJECT-TYPE SYNTAX DisplayString (SIZE (1..32)) MAX-ACCESS read-only
    STATUS current DESCRIPTION "" ::= { tEntry 1 }
END
"#;

    #[test]
    fn parses_sample_module() {
        let mods = parse_modules(SAMPLE).unwrap_or_default();
        assert_eq!(mods.len(), 1);
        let m = &mods[0];
        assert_eq!(m.name, "TEST-MIB");
        assert_eq!(m.imports.len(), 2);
        assert_eq!(m.objects.len(), 4);
        let st = &m.objects[2];
        assert_eq!(st.name, "tState");
        let syn = st.syntax.clone().unwrap_or_default();
        assert_eq!(syn.enums, vec![(1, "up".into()), (2, "down".into())]);
        assert_eq!(st.units.as_deref(), Some("s"));
        assert_eq!(st.defval.as_deref(), Some("up"));
        assert_eq!(m.objects[1].index, vec![("tName".to_string(), true)]);
        assert_eq!(m.objects[0].value, vec![OidPart::Name("mib-2".into()), OidPart::Number(999)]);
        let name_syn = m.objects[3].syntax.clone().unwrap_or_default();
        assert_eq!(name_syn.ranges, vec![(1, 32)]);
        assert!(name_syn.is_size);
        assert_eq!(m.types[0].hint.as_deref(), Some("1x:"));
    }

    #[test]
    fn errors_carry_line() {
        let e = parse_modules("X DEFINITIONS ::= BEGIN\nfoo BAR-TYPE ::= { a 1 }\nEND")
            .err()
            .unwrap_or(ParseError { line: 0, reason: String::new() });
        assert_eq!(e.line, 2);
        assert!(e.reason.contains("BAR-TYPE"), "{}", e.reason);
    }
}
