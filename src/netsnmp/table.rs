//! `table`, as snmptable: the table's columns come from the MIB (not-accessible ones
//! skipped), rows are fetched with GETBULK (GETNEXT for v1 or `-CB`), and printed as
//! net-snmp does: right-aligned columns (`-Cl` left), `-Cf SEP` separated, `-Ci` index
//! column, `-Cb` brief names, `-Ch`/`-CH` headers only / none, `-Cw WIDTH` split into parts,
//! `-Cc N` fixed column width, `-Cr N` repetitions; missing cells show `?`.

use std::collections::BTreeMap;
use std::io::Write;

use mibs::{ObjectKind, OidStyle, OutputOptions};
use snmp::{ClientError, Oid, Version};

use super::{Failure, Session, Syntax, UsageError};

/// One column: its sub-identifier under the row and its heading.
struct Column {
    subid: u32,
    label: String,
}

/// The fetched cells: row index -> one text per column.
type Rows = BTreeMap<Vec<u32>, Vec<Option<String>>>;

pub async fn run(argv: &[String]) -> Result<i32, Failure> {
    let s = Session::open(
        argv,
        Syntax {
            app_options: "bBcfhHilrw",
            next_word_app_options: "fwrc",
            usage_on_unknown_app_option: true,
            ..Syntax::default()
        },
    )
    .await?;
    let [name] = s.operands.as_slice() else {
        return Err(UsageError("Missing table name".into()).into());
    };
    let table = s.parse_oid(name)?;
    let display = OutputOptions { oid_style: s.output().oid_style, ..OutputOptions::default() };
    let table_name = s.mib.format_oid(&table, &display);
    let is_table = s.mib.object(&table).is_some_and(|n| n.kind == ObjectKind::Table);
    let mut columns: Vec<Column> = if is_table && s.output().oid_style != OidStyle::Numeric {
        s.mib
            .columns(&table)
            .into_iter()
            .filter(|c| c.access.as_deref() != Some("not-accessible"))
            .filter_map(|c| Some(Column { subid: *c.oid.last()?, label: c.name.clone() }))
            .collect()
    } else {
        Vec::new()
    };
    if columns.is_empty() {
        // net-snmp derives columns from printed names, so numeric output finds none either.
        return Err(Failure::Message(format!("Was that a table? {table_name}")));
    }
    if s.args.has_app_option('b') {
        shorten_to_brief(&mut columns);
    }
    let layout = Layout::from_args(&s)?;
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let rows = if layout.headers_only {
        let widths: Vec<usize> = columns.iter().map(|c| c.label.len()).collect();
        let _ = writeln!(out, "{}", layout.header_line(&columns, &widths, 0, columns.len(), None));
        Rows::new()
    } else {
        match fetch(&s, &table, &columns).await {
            Ok(rows) => rows,
            Err(ClientError::Timeout(_)) => {
                let _ = out.flush();
                eprintln!("{}", s.timeout_message(false));
                return Ok(1);
            }
            Err(e) => return Err(e.into()),
        }
    };
    if rows.is_empty() {
        let _ = writeln!(out, "{table_name}: No entries");
    } else {
        let indexes = rows.keys().map(|idx| index_text(&s, &table, columns.first(), idx)).collect::<Vec<_>>();
        layout.print(&mut out, &table_name, &columns, &rows, &indexes);
    }
    let _ = out.flush();
    Ok(0)
}

/// `-Cb`: drop the prefix every column name shares (`hrStorageIndex` -> `Index`).
fn shorten_to_brief(columns: &mut [Column]) {
    let common = columns
        .windows(2)
        .map(|w| match w {
            [a, b] => a.label.bytes().zip(b.label.bytes()).take_while(|(x, y)| x == y).count(),
            _ => 0,
        })
        .min()
        .unwrap_or(0);
    for c in columns.iter_mut() {
        if let Some(rest) = c.label.get(common..) {
            c.label = rest.to_string();
        }
    }
}

/// The row index as snmptable prints it with `-Ci`: the first column's instance name
/// without the column name (`1`, `"eth0"`, `127.0.0.1.22`).
fn index_text(s: &Session, table: &Oid, first: Option<&Column>, index: &[u32]) -> String {
    let Some(col) = first else {
        return String::new();
    };
    let oid = table.child(&[1, col.subid]).child(index);
    let suffix = OutputOptions { oid_style: OidStyle::Suffix, ..OutputOptions::default() };
    let text = s.mib.format_oid(&oid, &suffix);
    text.split_once('.').map(|(_, i)| i.to_string()).unwrap_or(text)
}

/// Walks every column together, GETBULK (or GETNEXT) with one varbind per unfinished
/// column, until each has left its column.
async fn fetch(s: &Session, table: &Oid, columns: &[Column]) -> Result<Rows, ClientError> {
    let entry = table.child(&[1]);
    let column_oids: Vec<Oid> = columns.iter().map(|c| entry.child(&[c.subid])).collect();
    let use_bulk = s.client.config().version != Version::V1 && !s.args.has_app_option('B');
    let reps = s.args.app_number('r', 10).unwrap_or(10).max(1);
    let cell_format = OutputOptions { quick: true, ..*s.output() };
    let mut rows = Rows::new();
    // Per column: the last OID reached, or None once the column is finished.
    let mut cursors: Vec<Option<Oid>> = column_oids.iter().cloned().map(Some).collect();
    loop {
        let active: Vec<usize> = (0..columns.len()).filter(|&i| matches!(cursors.get(i), Some(Some(_)))).collect();
        if active.is_empty() {
            return Ok(rows);
        }
        let oids: Vec<Oid> = active.iter().filter_map(|&i| cursors.get(i).cloned().flatten()).collect();
        let response =
            if use_bulk { s.client.get_bulk(0, reps, &oids).await? } else { s.client.get_next(&oids).await? };
        if response.is_error() {
            // v1 agents answer noSuchName past the end of their tree: the table ends there.
            return Ok(rows);
        }
        let mut advanced = vec![false; columns.len()];
        // Varbind n answers the request's (n mod active) column, repetition after repetition.
        for (vb, &slot) in response.varbinds.iter().zip(active.iter().cycle()) {
            let (Some(column_oid), Some(cursor)) = (column_oids.get(slot), cursors.get_mut(slot)) else {
                continue;
            };
            let inside = vb.oid.starts_with(column_oid) && vb.oid.len() > column_oid.len();
            if !inside || vb.value.is_exception() || cursor.as_ref().is_none_or(|c| vb.oid <= *c) {
                *cursor = None;
                continue;
            }
            *cursor = Some(vb.oid.clone());
            if let Some(a) = advanced.get_mut(slot) {
                *a = true;
            }
            let index = vb.oid.get(column_oid.len()..).unwrap_or_default().to_vec();
            let cells = rows.entry(index).or_insert_with(|| vec![None; columns.len()]);
            if let Some(cell) = cells.get_mut(slot) {
                *cell = Some(s.mib.format_value(&vb.oid, &vb.value, &cell_format));
            }
        }
        // A column the agent returned nothing for in this round is finished.
        for (cursor, advanced) in cursors.iter_mut().zip(advanced) {
            if !advanced {
                *cursor = None;
            }
        }
    }
}

/// How the table is laid out (`-C` options).
struct Layout {
    separator: Option<String>,
    left_align: bool,
    show_index: bool,
    headers_only: bool,
    no_headers: bool,
    max_width: usize,
    /// `-Cc N`: every column N wide, text cut to N-1 characters.
    column_width: Option<usize>,
}

impl Layout {
    fn from_args(s: &Session) -> Result<Layout, Failure> {
        let max_width = match s.args.app_option('w') {
            None => 0,
            Some(w) => match w.parse::<usize>() {
                Ok(n) if n > 0 => n,
                _ => return Err(UsageError(format!("Bad -Cw option: {w}")).into()),
            },
        };
        let column_width = match s.args.app_option('c') {
            None => None,
            Some(c) => match c.parse::<usize>() {
                Ok(n) if n > 1 => Some(n),
                _ => return Err(UsageError(format!("Bad -Cc option: {c}")).into()),
            },
        };
        Ok(Layout {
            column_width,
            separator: s.args.app_option('f').map(str::to_string),
            left_align: s.args.has_app_option('l'),
            show_index: s.args.has_app_option('i'),
            headers_only: s.args.has_app_option('h'),
            no_headers: s.args.has_app_option('H'),
            max_width,
        })
    }

    fn cell(&self, text: &str, width: usize, first: bool) -> String {
        if let (Some(w), None) = (self.column_width, &self.separator) {
            let cut: String = text.chars().take(w - 1).collect();
            return format!("{cut:>w$}");
        }
        match &self.separator {
            Some(_) if first => text.to_string(),
            Some(sep) => format!("{sep}{text}"),
            None if self.left_align => format!("{text:<width$} "),
            None => format!("{text:>w$}", w = width + 1),
        }
    }

    fn header_line(
        &self,
        columns: &[Column],
        widths: &[usize],
        from: usize,
        to: usize,
        index_width: Option<usize>,
    ) -> String {
        let mut line = String::new();
        if let Some(w) = index_width {
            line += &self.cell("index", w, true);
        }
        for (i, c) in columns.iter().enumerate().take(to).skip(from) {
            let first = i == from && index_width.is_none();
            line += &self.cell(&c.label, widths.get(i).copied().unwrap_or(0), first);
        }
        line
    }

    fn print(&self, out: &mut impl Write, table_name: &str, columns: &[Column], rows: &Rows, indexes: &[String]) {
        let mut widths: Vec<usize> = columns.iter().map(|c| c.label.len()).collect();
        for cells in rows.values() {
            for (w, cell) in widths.iter_mut().zip(cells) {
                *w = (*w).max(cell.as_deref().map_or(1, str::len));
            }
        }
        let index_width =
            self.show_index.then(|| indexes.iter().map(String::len).chain(["index".len()]).max().unwrap_or(0));
        if !self.no_headers {
            let _ = write!(out, "SNMP table: {table_name}\n\n");
        }
        let mut first_field = 0;
        let mut part = 0;
        while first_field < columns.len() {
            part += 1;
            if part > 1 && !self.no_headers {
                let _ = write!(out, "\nSNMP table {table_name}, part {part}\n\n");
            }
            // Columns of this part: at least one, then as many as fit in -Cw.
            let mut width = index_width.unwrap_or(0);
            let mut last_field = first_field;
            for (i, w) in widths.iter().enumerate().skip(first_field) {
                width += w + 1;
                if i != first_field && self.max_width != 0 && width > self.max_width {
                    break;
                }
                last_field = i + 1;
            }
            if !self.no_headers {
                let _ = writeln!(out, "{}", self.header_line(columns, &widths, first_field, last_field, index_width));
            }
            for (cells, index) in rows.values().zip(indexes) {
                let mut line = String::new();
                if let Some(w) = index_width {
                    line += &self.cell(index, w, true);
                }
                for i in first_field..last_field {
                    let text = cells.get(i).cloned().flatten().unwrap_or_else(|| "?".into());
                    line += &self.cell(
                        &text,
                        widths.get(i).copied().unwrap_or(0),
                        i == first_field && index_width.is_none(),
                    );
                }
                let _ = writeln!(out, "{line}");
            }
            first_field = last_field;
        }
    }
}
