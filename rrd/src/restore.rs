//! `rrdtool restore [-r|--range-check] [-f|--force-overwrite] FILE.xml FILE.rrd`: reads the XML
//! that `rrdtool dump` writes (with or without the XML declaration and DOCTYPE, `<rrd>` with xsd
//! attributes, comments, `NaN`/`nan`/`inf` values) into an [`Rrd`] and writes it as a new file.
//!
//! The XML is first split into elements, end elements and text by a small hand parser
//! ([`tokenize`], well-formedness checked, never panics); the tags are then read in rrdtool
//! 1.7.2's order and with its quirks (case-insensitive names, first word of a text only,
//! numbers read as `strtoul`/`strtoll`/`rrd_strtod` do) and its error texts. As with rrdtool,
//! the database rows are stored in dump order (oldest first) and each RRA's `cur_row` (the
//! newest row) is chosen at random, the rows rotated to match; [`restore_with_rows`] takes them
//! explicitly.

use std::path::Path;

use crate::error::{Error, FormatError};
use crate::format::fixed::FixedStr;
use crate::format::head::Version;
use crate::format::live::LiveHead;
use crate::format::prep::{CdpPrep, PdpPrep};
use crate::format::rra::HOLT_WINTERS_CFS;
use crate::format::{Rrd, UNKNOWN};
use crate::{Cf, DsDef, DsType, RraDef};

/// Why a restore failed: rrdtool's message text.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct RestoreError(pub String);

/// One XML event, as libxml2's text reader reports the ones rrdtool looks at.
#[derive(Debug, Clone, PartialEq)]
enum Event {
    /// `<name ...>` (an empty element `<name/>` is followed by its [`Event::End`]).
    Start(String),
    /// `</name>`.
    End(String),
    /// Text that is not only white space (entities decoded).
    Text(String),
}

/// An event and the line it ends on.
type Located = (Event, usize);

fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r' | b'\x0b' | b'\x0c')
}

fn xml_error(message: &str) -> RestoreError {
    RestoreError(format!("error reading/parsing XML: {message} "))
}

/// Splits `xml` into events; checks that tags nest and that there is exactly one root element.
fn tokenize(xml: &[u8]) -> Result<Vec<Located>, RestoreError> {
    if xml.is_empty() {
        // libxml2's words for an empty file.
        return Err(xml_error("Extra content at the end of the document"));
    }
    let mut events = Vec::new();
    let mut stack: Vec<String> = Vec::new();
    let mut seen_root = false;
    let mut text: Vec<u8> = Vec::new();
    let mut line = 1usize;
    let mut i = 0usize;
    let at = |i: usize| xml.get(i).copied();
    let starts = |i: usize, s: &[u8]| xml.get(i..).is_some_and(|rest| rest.starts_with(s));
    let find = |from: usize, s: &[u8]| -> Option<usize> {
        xml.get(from..)?.windows(s.len()).position(|w| w == s).map(|p| p + from)
    };
    let count_lines =
        |from: usize, to: usize| xml.get(from..to).map_or(0, |s| s.iter().filter(|b| **b == b'\n').count());
    let flush_text = |text: &mut Vec<u8>, events: &mut Vec<Located>, depth: usize, line: usize| {
        if text.iter().all(|b| is_space(*b)) {
            text.clear();
            return Ok(());
        }
        if depth == 0 {
            return Err(xml_error(if events.is_empty() {
                "Document is empty"
            } else {
                "Extra content at the end of the document"
            }));
        }
        events.push((Event::Text(String::from_utf8_lossy(text).into_owned()), line));
        text.clear();
        Ok(())
    };
    while let Some(b) = at(i) {
        if b != b'<' {
            if b == b'&' {
                let end = find(i, b";").ok_or_else(|| xml_error("EntityRef: expecting ';'"))?;
                let name = xml.get(i + 1..end).unwrap_or_default();
                let decoded = decode_entity(name).ok_or_else(|| xml_error("Entity is not defined"))?;
                let mut buf = [0u8; 4];
                text.extend_from_slice(decoded.encode_utf8(&mut buf).as_bytes());
                i = end + 1;
            } else {
                if b == b'\n' {
                    line += 1;
                }
                text.push(b);
                i += 1;
            }
            continue;
        }
        if starts(i, b"<!--") {
            let end = find(i + 4, b"-->").ok_or_else(|| xml_error("Comment not terminated"))?;
            line += count_lines(i, end);
            i = end + 3;
            continue;
        }
        if starts(i, b"<![CDATA[") {
            let end = find(i + 9, b"]]>").ok_or_else(|| xml_error("CData section not finished"))?;
            line += count_lines(i, end);
            text.extend_from_slice(xml.get(i + 9..end).unwrap_or_default());
            i = end + 3;
            continue;
        }
        if starts(i, b"<?") {
            let end = find(i + 2, b"?>").ok_or_else(|| xml_error("ParsePI: PI xml never end ..."))?;
            line += count_lines(i, end);
            i = end + 2;
            continue;
        }
        if starts(i, b"<!") {
            if seen_root {
                return Err(xml_error("Extra content at the end of the document"));
            }
            // A DOCTYPE, possibly with an internal subset in brackets.
            let mut j = i + 2;
            let mut depth = 0i32;
            loop {
                match at(j) {
                    None => return Err(xml_error("DOCTYPE improperly terminated")),
                    Some(b'[') => depth += 1,
                    Some(b']') => depth -= 1,
                    Some(b'>') if depth <= 0 => break,
                    _ => {}
                }
                j += 1;
            }
            line += count_lines(i, j);
            i = j + 1;
            continue;
        }
        flush_text(&mut text, &mut events, stack.len(), line)?;
        let end = find(i, b">").ok_or_else(|| xml_error("Couldn't find end of Start Tag"))?;
        let inner = xml.get(i + 1..end).unwrap_or_default();
        line += count_lines(i, end);
        i = end + 1;
        if let Some(name) = inner.strip_prefix(b"/") {
            let name = String::from_utf8_lossy(trim(name)).into_owned();
            match stack.pop() {
                Some(open) if open == name => events.push((Event::End(name), line)),
                Some(open) => {
                    return Err(xml_error(&format!("Opening and ending tag mismatch: {open} and {name}")));
                }
                None => return Err(xml_error("StartTag: invalid element name")),
            }
            continue;
        }
        let (inner, empty) = match inner.strip_suffix(b"/") {
            Some(rest) => (rest, true),
            None => (inner, false),
        };
        let name_len = inner.iter().position(|b| is_space(*b)).unwrap_or(inner.len());
        let name = inner.get(..name_len).unwrap_or_default();
        let valid = name.first().is_some_and(|c| c.is_ascii_alphabetic() || *c == b'_' || *c >= 0x80)
            && name.iter().all(|c| c.is_ascii_alphanumeric() || b"_-.:".contains(c) || *c >= 0x80);
        if !valid {
            return Err(xml_error("StartTag: invalid element name"));
        }
        if stack.is_empty() && seen_root {
            return Err(xml_error("Extra content at the end of the document"));
        }
        seen_root = true;
        let name = String::from_utf8_lossy(name).into_owned();
        events.push((Event::Start(name.clone()), line));
        if empty {
            events.push((Event::End(name), line));
        } else {
            stack.push(name);
        }
    }
    flush_text(&mut text, &mut events, stack.len(), line)?;
    if !seen_root {
        return Err(xml_error("Document is empty"));
    }
    if let Some(open) = stack.last() {
        return Err(xml_error(&format!("Premature end of data in tag {open} line {line}")));
    }
    Ok(events)
}

fn trim(s: &[u8]) -> &[u8] {
    let start = s.iter().position(|b| !is_space(*b)).unwrap_or(s.len());
    let end = s.iter().rposition(|b| !is_space(*b)).map_or(start, |p| p + 1);
    s.get(start..end).unwrap_or_default()
}

fn decode_entity(name: &[u8]) -> Option<char> {
    match name {
        b"lt" => Some('<'),
        b"gt" => Some('>'),
        b"amp" => Some('&'),
        b"quot" => Some('"'),
        b"apos" => Some('\''),
        _ => {
            let digits = std::str::from_utf8(name.strip_prefix(b"#")?).ok()?;
            let code = match digits.strip_prefix('x') {
                Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                None => digits.parse().ok()?,
            };
            char::from_u32(code)
        }
    }
}

/// The reader over the events, with rrdtool's helper steps (`get_xml_element`, `get_xml_text`,
/// `expect_element`, `expect_element_end`).
struct Reader {
    events: Vec<Located>,
    pos: usize,
    /// The event read last (the reader's current node).
    current: Option<Event>,
    line: usize,
}

type Step<T> = Result<T, RestoreError>;

fn err<T>(message: String) -> Step<T> {
    Err(RestoreError(message))
}

impl Reader {
    fn read(&mut self) -> Option<Event> {
        let (event, line) = self.events.get(self.pos)?.clone();
        self.pos += 1;
        self.line = line;
        self.current = Some(event.clone());
        Some(event)
    }

    /// The next element's name, `/name` for an end element.
    fn element(&mut self) -> Step<String> {
        match self.read() {
            Some(Event::Start(name)) => Ok(name),
            Some(Event::End(name)) => Ok(format!("/{name}")),
            Some(Event::Text(text)) => err(format!("line {}: expected element but found text '{text}'", self.line)),
            None => err("the xml ended while we were looking for an element".into()),
        }
    }

    fn expect(&mut self, expected: &str) -> Step<()> {
        let name = self.element()?;
        if !name.eq_ignore_ascii_case(expected) {
            // rrdtool prints the two names the other way round.
            return err(format!("line {}: expected <{name}> element but found <{expected}>", self.line));
        }
        Ok(())
    }

    fn expect_end(&mut self, expected: &str) -> Step<()> {
        let name = match &self.current {
            Some(Event::End(name)) => format!("/{name}"),
            _ => self.element()?,
        };
        match name.strip_prefix('/') {
            Some(n) if n.eq_ignore_ascii_case(expected) => Ok(()),
            _ => err(format!("line {}: expected </{expected}> end element but found <{name}>", self.line)),
        }
    }

    /// The first word of the element's text; empty for an element without text.
    fn text(&mut self) -> Step<String> {
        match self.read() {
            Some(Event::Start(name)) => {
                err(format!("line {}: expected a value but found a <{name}> element", self.line))
            }
            Some(Event::End(_)) => Ok(String::new()),
            Some(Event::Text(text)) => {
                Ok(text.split(|c: char| c.is_ascii() && is_space(c as u8)).find(|w| !w.is_empty()).unwrap_or("").into())
            }
            None => err("file ended while looking for text".into()),
        }
    }

    fn ulong(&mut self, what: &str) -> Step<u64> {
        let text = self.text()?;
        match c_strtoul(&text) {
            Some(v) => Ok(v),
            None => err(format!("ling {}: get_xml_{what} from '{text}' Numerical result out of range", self.line)),
        }
    }

    fn time(&mut self) -> Step<i64> {
        let text = self.text()?;
        match c_strtoll(&text) {
            Some(v) => Ok(v),
            None => err(format!("ling {}: get_xml_time_t from '{text}' Numerical result out of range", self.line)),
        }
    }

    fn double(&mut self) -> Step<f64> {
        let text = self.text()?;
        let lower = text.to_ascii_lowercase();
        if lower.contains("nan") {
            return Ok(UNKNOWN);
        }
        if lower.contains("-inf") {
            return Ok(f64::NEG_INFINITY);
        }
        if lower.contains("inf") {
            return Ok(f64::INFINITY);
        }
        match crate::strnum::rrd_strtod(&text) {
            Some((v, used)) if used == text.len() => Ok(v),
            Some(_) => err(format!("ling {}: get_xml_double from '{text}' Success", self.line)),
            None => err(format!("ling {}: get_xml_double from '{text}' Numerical result out of range", self.line)),
        }
    }
}

/// C's `strtoul(text, NULL, 0)`: the longest prefix, 0 without digits, `None` on overflow.
fn c_strtoul(text: &str) -> Option<u64> {
    let (negative, magnitude) = c_strto_magnitude(text)?;
    Some(if negative { magnitude.wrapping_neg() } else { magnitude })
}

/// C's `strtoll(text, NULL, 0)`.
fn c_strtoll(text: &str) -> Option<i64> {
    let (negative, magnitude) = c_strto_magnitude(text)?;
    if negative {
        if magnitude > 1u64 << 63 {
            return None;
        }
        Some(0i64.wrapping_sub_unsigned(magnitude))
    } else {
        i64::try_from(magnitude).ok()
    }
}

/// Sign and magnitude of C's integer conversion with base 0; `None` on overflow.
fn c_strto_magnitude(text: &str) -> Option<(bool, u64)> {
    let s = text.trim_start_matches(|c: char| c.is_ascii() && is_space(c as u8));
    let (negative, s) = match s.as_bytes().first() {
        Some(b'-') => (true, s.get(1..).unwrap_or("")),
        Some(b'+') => (false, s.get(1..).unwrap_or("")),
        _ => (false, s),
    };
    let lower = s.to_ascii_lowercase();
    let (radix, digits) = if lower.starts_with("0x") && lower.as_bytes().get(2).is_some_and(u8::is_ascii_hexdigit) {
        (16, s.get(2..).unwrap_or(""))
    } else if s.starts_with('0') {
        (8, s)
    } else {
        (10, s)
    };
    let mut value: u64 = 0;
    for c in digits.chars() {
        let Some(d) = c.to_digit(radix) else { break };
        value = value.checked_mul(u64::from(radix))?.checked_add(u64::from(d))?;
    }
    Some((negative, value))
}

/// `strncpy` into a `char[N]`: at most N bytes, the rest zero (no NUL when the text fills it).
fn strncpy<const N: usize>(text: &str) -> FixedStr<N> {
    let mut raw = [0u8; N];
    for (dst, src) in raw.iter_mut().zip(text.as_bytes().iter().take_while(|b| **b != 0)) {
        *dst = *src;
    }
    FixedStr::from_raw(raw)
}

/// A DS being read.
struct DsIn {
    name: FixedStr<20>,
    dst: String,
    heartbeat: u64,
    min: f64,
    max: f64,
    pdp: PdpPrep,
}

/// An RRA being read.
struct RraIn {
    cf: Option<Cf>,
    cf_raw: FixedStr<20>,
    pdp_cnt: u64,
    xff: f64,
    cdp: Vec<CdpPrep>,
    rows: Vec<f64>,
    row_cnt: u64,
}

/// The parse of a whole document (rrdtool's `parse_tag_rrd` and below).
struct Parser {
    r: Reader,
    range_check: bool,
    version: [u8; 5],
    step: u64,
    last_up: i64,
    ds: Vec<DsIn>,
    rra: Vec<RraIn>,
}

fn zero_cdp() -> CdpPrep {
    CdpPrep::new(0.0, 0, 0.0, 0.0)
}

impl Parser {
    fn version_number(&self) -> u32 {
        self.version
            .iter()
            .take_while(|b| b.is_ascii_digit())
            .fold(0u32, |n, b| n.saturating_mul(10).saturating_add(u32::from(b - b'0')))
    }

    fn rrd(&mut self) -> Step<()> {
        loop {
            let element = self.r.element()?;
            match element.to_ascii_lowercase().as_str() {
                "version" => {
                    let text = self.r.text()?;
                    self.version = *strncpy::<5>(&text).raw();
                }
                "step" => self.step = self.r.ulong("ulong")?,
                "lastupdate" => self.last_up = self.r.time()?,
                "ds" => {
                    self.ds_tag()?;
                    continue;
                }
                "rra" => {
                    self.rra_tag()?;
                    continue;
                }
                "/rrd" => return Ok(()),
                _ => return err(format!("parse_tag_rrd: Unknown tag: {element}")),
            }
            self.r.expect_end(&element)?;
        }
    }

    fn ds_tag(&mut self) -> Step<()> {
        if !self.rra.is_empty() {
            return err("parse_tag_ds: All data source definitions MUST precede the RRA definitions!".into());
        }
        let mut ds = DsIn {
            name: FixedStr::default(),
            dst: String::new(),
            heartbeat: 0,
            min: 0.0,
            max: 0.0,
            pdp: PdpPrep::new(FixedStr::default(), 0, 0.0),
        };
        loop {
            let element = self.r.element()?;
            match element.to_ascii_lowercase().as_str() {
                "name" => ds.name = strncpy(&self.r.text()?),
                "type" => {
                    let dst = self.r.text()?;
                    if DsType::from_name(&dst).is_none() && dst != "COMPUTE" {
                        return err(format!("parse_tag_ds_type: Unknown data source type: {dst}"));
                    }
                    ds.dst = dst;
                }
                "minimal_heartbeat" => ds.heartbeat = self.r.ulong("ulong")?,
                "min" => ds.min = self.r.double()?,
                "max" => ds.max = self.r.double()?,
                "cdef" => return err(FormatError::UnsupportedDsType("COMPUTE".into()).to_string()),
                "last_ds" => ds.pdp.last_ds = strncpy(&self.r.text()?),
                "value" => ds.pdp.val = self.r.double()?,
                "unknown_sec" => ds.pdp.unkn_sec_cnt = self.r.ulong("ulong")?,
                "/ds" => break,
                _ => return err(format!("parse_tag_ds: Unknown tag: {element}")),
            }
            self.r.expect_end(&element)?;
        }
        self.ds.push(ds);
        Ok(())
    }

    fn rra_tag(&mut self) -> Step<()> {
        let mut rra = RraIn {
            cf: None,
            cf_raw: FixedStr::default(),
            pdp_cnt: 0,
            xff: 0.0,
            cdp: Vec::new(),
            rows: Vec::new(),
            row_cnt: 0,
        };
        let version = self.version_number();
        loop {
            let element = self.r.element()?;
            match element.to_ascii_lowercase().as_str() {
                "cf" => {
                    let name = self.r.text()?;
                    rra.cf_raw = strncpy(&name);
                    let shown = rra.cf_raw.as_str().into_owned();
                    rra.cf = match Cf::from_name(&shown) {
                        Some(cf) => Some(cf),
                        None if HOLT_WINTERS_CFS.contains(&shown.as_str()) => {
                            return err(FormatError::HoltWinters(shown).to_string());
                        }
                        None => return err(format!("parse_tag_rra_cf: Unknown consolidation function: {shown}")),
                    };
                }
                "pdp_per_row" => rra.pdp_cnt = self.r.ulong("ulong")?,
                "xff" if version == 1 => rra.xff = self.r.double()?,
                "params" if version >= 2 => {
                    self.params(&mut rra)?;
                    continue;
                }
                "cdp_prep" => {
                    self.cdp_prep(&mut rra)?;
                    continue;
                }
                "database" => {
                    self.database(&mut rra)?;
                    continue;
                }
                "/rra" => break,
                _ => return err(format!("line {}: parse_tag_rra: Unknown tag: {element}", self.r.line)),
            }
            self.r.expect_end(&element)?;
        }
        if rra.cdp.is_empty() {
            rra.cdp = (0..self.ds.len()).map(|_| zero_cdp()).collect();
        }
        self.rra.push(rra);
        Ok(())
    }

    fn params(&mut self, rra: &mut RraIn) -> Step<()> {
        loop {
            let element = self.r.element()?;
            match element.to_ascii_lowercase().as_str() {
                "xff" => rra.xff = self.r.double()?,
                "/params" => return Ok(()),
                "hw_alpha"
                | "hw_beta"
                | "dependent_rra_idx"
                | "seasonal_gamma"
                | "seasonal_smooth_idx"
                | "smoothing_window"
                | "delta_pos"
                | "delta_neg"
                | "window_len"
                | "failure_threshold" => {
                    return err(FormatError::HoltWinters(element).to_string());
                }
                _ => {
                    return err(format!("line {}: parse_tag_rra_params: Unknown tag: {element}", self.r.line));
                }
            }
            self.r.expect_end(&element)?;
        }
    }

    fn cdp_prep(&mut self, rra: &mut RraIn) -> Step<()> {
        rra.cdp.clear();
        for _ in 0..self.ds.len() {
            self.r.expect("ds")?;
            let mut cdp = zero_cdp();
            loop {
                let element = self.r.element()?;
                match element.to_ascii_lowercase().as_str() {
                    "primary_value" => cdp.primary = self.r.double()?,
                    "secondary_value" => cdp.secondary = self.r.double()?,
                    "value" => cdp.val = self.r.double()?,
                    "unknown_datapoints" => cdp.unkn_pdp_cnt = self.r.ulong("ulong")?,
                    "intercept" | "last_intercept" | "slope" | "last_slope" | "nan_count" | "last_nan_count"
                    | "seasonal" | "last_seasonal" | "init_flag" | "history" => {
                        return err(FormatError::HoltWinters(element).to_string());
                    }
                    "/ds" => break,
                    _ => return err(format!("parse_tag_rra_cdp_prep: Unknown tag: {element}")),
                }
                self.r.expect_end(&element)?;
            }
            rra.cdp.push(cdp);
        }
        self.r.expect("/cdp_prep")
    }

    fn database(&mut self, rra: &mut RraIn) -> Step<()> {
        loop {
            let element = self.r.element()?;
            if element.eq_ignore_ascii_case("row") {
                for ds in &self.ds {
                    self.r.expect("v")?;
                    let mut v = self.r.double()?;
                    if self.range_check && ((!ds.min.is_nan() && v < ds.min) || (!ds.max.is_nan() && v > ds.max)) {
                        v = UNKNOWN;
                    }
                    rra.rows.push(v);
                    self.r.expect("/v")?;
                }
                rra.row_cnt += 1;
                self.r.expect("/row")?;
            } else if element.eq_ignore_ascii_case("/database") {
                return Ok(());
            } else {
                return err(format!("line {}: found unexpected tag: {element}", self.r.line));
            }
        }
    }
}

/// Parses dump XML into a file model whose RRA `i` has `cur_row = pick(i, row_cnt)` (rrdtool
/// picks at random); the rows are placed so that the newest is at `cur_row`.
pub fn parse_xml(xml: &[u8], range_check: bool, mut pick: impl FnMut(usize, u64) -> u64) -> Result<Rrd, RestoreError> {
    let events = tokenize(xml)?;
    let mut parser = Parser {
        r: Reader { events, pos: 0, current: None, line: 1 },
        range_check,
        version: [0; 5],
        step: 0,
        last_up: 0,
        ds: Vec::new(),
        rra: Vec::new(),
    };
    parser.r.expect("rrd")?;
    parser.rrd()?;
    let Parser { version, step, last_up, ds, rra, .. } = parser;
    let mut version = version;
    if parser_version(&version) < 3 {
        version = *b"0003\0";
    }
    let version = Version::from_raw(version);
    if version.number() > 5 || !version.raw().iter().take(4).all(u8::is_ascii_digit) || version.raw().get(4) != Some(&0)
    {
        return err(FormatError::UnsupportedVersion(version.as_str()).to_string());
    }
    if ds.is_empty() || rra.is_empty() || step == 0 {
        return err(FormatError::Corrupt("no data sources, no RRAs or a zero step").to_string());
    }
    let d = ds.len();
    let mut ds_defs = Vec::with_capacity(d);
    let mut pdp_prep = Vec::with_capacity(d);
    for one in ds {
        let kind = match DsType::from_name(&one.dst) {
            Some(kind) => kind,
            None if one.dst == "COMPUTE" => return err(FormatError::UnsupportedDsType(one.dst).to_string()),
            None => return err(format!("parse_tag_ds_type: Unknown data source type: {}", one.dst)),
        };
        let mut def = DsDef::new(one.name, kind, one.heartbeat, one.min, one.max);
        def.dst_raw = FixedStr::truncated(&one.dst);
        ds_defs.push(def);
        pdp_prep.push(one.pdp);
    }
    let mut rra_defs = Vec::with_capacity(rra.len());
    let (mut cdp_prep, mut cur_rows, mut data) = (Vec::new(), Vec::new(), Vec::new());
    for (i, one) in rra.into_iter().enumerate() {
        let Some(cf) = one.cf else {
            return err(format!("parse_tag_rra_cf: Unknown consolidation function: {}", one.cf_raw));
        };
        if one.row_cnt == 0 || one.pdp_cnt == 0 {
            return err(FormatError::Corrupt("an RRA has no rows or 0 PDPs per row").to_string());
        }
        let mut def = RraDef::new(cf, one.row_cnt, one.pdp_cnt, one.xff);
        def.cf_raw = one.cf_raw;
        rra_defs.push(def);
        cdp_prep.extend(one.cdp);
        let n = one.row_cnt;
        let cur_row = pick(i, n) % n;
        cur_rows.push(cur_row);
        // File row j holds dump row (j + n - 1 - cur_row) % n: the newest dump row lands at cur_row.
        for j in 0..n {
            let k = (j + n - 1 - cur_row) % n;
            let start = usize::try_from(k).unwrap_or(usize::MAX).saturating_mul(d);
            match one.rows.get(start..start.saturating_add(d)) {
                Some(row) => data.extend_from_slice(row),
                None => return err("restore: row out of range".into()),
            }
        }
    }
    let rrd = Rrd {
        version,
        pdp_step: step,
        ds: ds_defs,
        rra: rra_defs,
        live: LiveHead { last_up, last_up_usec: 0 },
        pdp_prep,
        cdp_prep,
        cur_row: cur_rows,
        data,
        head_pad: [0; 7],
        head_par: [0; 10],
        trailing: Vec::new(),
    };
    rrd.check_consistent().map_err(|e| RestoreError(e.to_string()))?;
    Ok(rrd)
}

fn parser_version(raw: &[u8; 5]) -> u32 {
    raw.iter()
        .take_while(|b| b.is_ascii_digit())
        .fold(0u32, |n, b| n.saturating_mul(10).saturating_add(u32::from(b - b'0')))
}

/// Options of `rrdtool restore`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RestoreOptions {
    /// `-r`: values outside the DS's min/max become UNKNOWN.
    pub range_check: bool,
    /// `-f`: replace an existing file.
    pub force_overwrite: bool,
}

/// `rrdtool restore`: reads `xml_path`, writes `rrd_path` with random `cur_row`s.
pub fn restore(xml_path: &Path, rrd_path: &Path, options: RestoreOptions) -> Result<Rrd, Error> {
    let mut seed = seed();
    restore_with_rows(xml_path, rrd_path, options, |_, rows| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed % rows.max(1)
    })
}

/// [`restore`] with `cur_row` of RRA `i` (of `row_cnt` rows) chosen by `pick(i, row_cnt)`.
pub fn restore_with_rows(
    xml_path: &Path,
    rrd_path: &Path,
    options: RestoreOptions,
    pick: impl FnMut(usize, u64) -> u64,
) -> Result<Rrd, Error> {
    let shown = xml_path.display().to_string();
    let xml =
        std::fs::read(xml_path).map_err(|_| Error::Restore(format!("Could not create xml reader for: {shown}")))?;
    let rrd = parse_xml(&xml, options.range_check, pick).map_err(|e| Error::Restore(e.0))?;
    crate::create::write_new(rrd_path, &rrd, !options.force_overwrite).map_err(|e| match e {
        Error::Io { source, .. } => {
            Error::Restore(format!("creating '{}': {}", rrd_path.display(), crate::error::os_message(&source)))
        }
        Error::TempFile => Error::Restore(format!(
            "creating '{}': {}",
            rrd_path.display(),
            if rrd_path.parent().is_some_and(|p| !p.as_os_str().is_empty() && !p.exists()) {
                "No such file or directory"
            } else {
                "Permission denied"
            }
        )),
        other => other,
    })?;
    Ok(rrd)
}

fn seed() -> u64 {
    let nanos =
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_nanos() as u64).unwrap_or(0);
    (nanos ^ (u64::from(std::process::id()) << 32) ^ 0x2545_F491_4F6C_DD1D) | 1
}

/// Parses `restore`'s command line (after the command name): options, then `FILE.xml FILE.rrd`.
pub fn parse_args<S: AsRef<str>>(args: &[S]) -> Result<(RestoreOptions, String, String), Error> {
    let mut options = RestoreOptions::default();
    let mut files = Vec::new();
    let mut only_files = false;
    for arg in args {
        let arg = arg.as_ref();
        if only_files || !arg.starts_with('-') || arg == "-" {
            files.push(arg.to_string());
            continue;
        }
        match arg {
            "--" => only_files = true,
            "--range-check" => options.range_check = true,
            "--force-overwrite" => options.force_overwrite = true,
            long if long.starts_with("--") => {
                return Err(Error::Restore(format!("unrecognized option '{long}'")));
            }
            short => {
                for c in short.chars().skip(1) {
                    match c {
                        'r' => options.range_check = true,
                        'f' => options.force_overwrite = true,
                        other => return Err(Error::Restore(format!("invalid option -- '{other}'"))),
                    }
                }
            }
        }
    }
    match <[String; 2]>::try_from(files) {
        Ok([xml, rrd]) => Ok((options, xml, rrd)),
        Err(_) => Err(Error::Restore(
            "usage rrdtool restore [--range-check/-r] [--force-overwrite/-f] file.xml file.rrd".into(),
        )),
    }
}
