//! Graphs of RRD files, MRTG's look drawn server-side.
//!
//! - [`range`]: what a request asks for: [`Range`] (MRTG's day/week/month/year views or a
//!   start/end pair), [`Format`] (SVG, PNG, JSON, CSV), [`Theme`] (light, dark), image size.
//! - [`kind`]: what each kind of file is drawn as (series, units, areas and lines).
//! - [`data`]: fetching from the archive that fits, consolidating to the pixel width with
//!   gaps kept, the 95th percentile.
//! - [`axis`]: round-time ticks and SI-prefixed values.
//! - [`draw`]: plotters drawing and palettes; [`font`]: the embedded font.
//! - [`export`]: JSON and CSV of the drawn data.
//! - [`summary`]: MRTG's Max / Average / Current under a traffic graph.
//!
//! [`render`] puts them together for one request.

pub mod axis;
pub mod data;
pub mod draw;
pub mod export;
pub mod font;
pub mod kind;
pub mod range;
pub mod summary;

use std::path::Path;

use poller::layout::Graph;

pub use range::{DEFAULT_SIZE, Format, MAX_SIZE, MIN_SIZE, Range, Theme, parse_size};
pub use summary::{DirectionSummary, TrafficSummary, summary};

use data::DataError;
use summary::DirectionSummary as Stats;

/// A graph ready to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    /// Its `Content-Type`.
    pub content_type: &'static str,
    /// Its bytes.
    pub body: Vec<u8>,
}

/// Why a graph could not be made.
#[derive(Debug, thiserror::Error)]
pub enum GraphError {
    /// The file does not exist (a 404).
    #[error("no such graph: {0}")]
    NotFound(String),
    /// The request is not one we draw, e.g. an image size out of bounds (a 400).
    #[error("{0}")]
    BadRequest(String),
    /// The file is not a usable RRD file, or lacks what its kind draws (a 500).
    #[error("unreadable graph file: {0}")]
    BadFile(String),
    /// Drawing or encoding failed (a 500).
    #[error("{0}")]
    Draw(String),
}

impl GraphError {
    /// The HTTP status this error is answered with.
    pub fn status(&self) -> u16 {
        match self {
            GraphError::NotFound(_) => 404,
            GraphError::BadRequest(_) => 400,
            GraphError::BadFile(_) | GraphError::Draw(_) => 500,
        }
    }
}

impl From<DataError> for GraphError {
    fn from(e: DataError) -> Self {
        GraphError::BadFile(e.to_string())
    }
}

/// A 404 for a missing file (checked before reading, so that the fetch's errors are all
/// about bad files).
pub(crate) fn check_exists(file: &Path) -> Result<(), GraphError> {
    match std::fs::metadata(file) {
        Ok(m) if m.is_file() => Ok(()),
        Ok(_) => Err(GraphError::NotFound(file.display().to_string())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Err(GraphError::NotFound(file.display().to_string())),
        Err(e) => Err(GraphError::BadFile(format!("{}: {e}", file.display()))),
    }
}

/// The graph of `file` (a file of kind `kind`) over `range`, `size` pixels, in `format`.
/// `speed_bps` is the interface speed of a traffic file (shown in its title when known).
#[allow(clippy::too_many_arguments)]
pub fn render(
    file: &Path,
    kind: &Graph,
    title: &str,
    speed_bps: Option<u64>,
    range: Range,
    size: (u32, u32),
    format: Format,
    theme: Theme,
) -> Result<Rendered, GraphError> {
    let (w, h) = size;
    if !(MIN_SIZE.0..=MAX_SIZE.0).contains(&w) || !(MIN_SIZE.1..=MAX_SIZE.1).contains(&h) {
        return Err(GraphError::BadRequest(format!(
            "image size {w}x{h} is outside {}x{} to {}x{}",
            MIN_SIZE.0, MIN_SIZE.1, MAX_SIZE.0, MAX_SIZE.1
        )));
    }
    check_exists(file)?;
    let def = kind::kind_def(kind);
    let columns = draw::plot_columns(w);
    let raw = data::fetch_series(file, &def, range, columns)?;
    let percentiles: Vec<Option<f64>> =
        raw.series.iter().take(2).map(|v| if def.percentile { data::percentile_95(v) } else { None }).collect();
    let table = raw.consolidated(data::factor_for(range, columns, raw.step));
    let body = match format {
        Format::Json => export::to_json(&table, &def, &percentiles).into_bytes(),
        Format::Csv => export::to_csv(&table, &def).into_bytes(),
        Format::Svg | Format::Png => {
            let stats: Vec<Stats> = raw.series.iter().map(|v| Stats::of(v)).collect();
            let speed = speed_bps.filter(|s| *s > 0 && matches!(kind, Graph::Traffic(_)));
            let title = match speed {
                Some(s) => format!("{title} ({})", axis::format_value(s as f64, 1000.0, "bit/s")),
                None => title.to_string(),
            };
            let picture = draw::Picture {
                title: &title,
                def: &def,
                range,
                table: &table,
                stats: &stats,
                percentiles: &percentiles,
                palette: draw::Palette::of(theme),
            };
            if format == Format::Svg { draw::svg(&picture, size) } else { draw::png(&picture, size) }
                .map_err(GraphError::Draw)?
        }
    };
    Ok(Rendered { content_type: format.content_type(), body })
}
