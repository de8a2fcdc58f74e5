//! Graphs in the app: which graphs a device has (the RRD files of `poller::layout` that exist),
//! their titles, the device page's graph sections with MRTG's traffic summary, the graph page
//! (`/graph/{device}/{graph}`: MRTG's daily, weekly, monthly and yearly views, a custom range,
//! drag-to-zoom) and the graph itself (`&format=svg|png|json|csv`, drawn by [`crate::graph`]).

use std::path::PathBuf;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use poller::inventory::{Device, Discovered};
use poller::layout::{Graph, RrdFile};
use serde::Deserialize;

use super::error::AppError;
use super::pages::{load_device, render};
use super::state::AppState;
use super::text;
use crate::graph::{Format, GraphError, Range, Theme};

/// One graph of a device, with its file.
#[derive(Debug, Clone)]
pub struct DeviceGraph {
    /// The file's stem, the `{graph}` of the URL.
    pub stem: String,
    /// What it graphs.
    pub kind: Graph,
    /// The title shown above it.
    pub title: String,
    /// The RRD file.
    pub path: PathBuf,
    /// The interface speed (traffic graphs).
    pub speed_bps: Option<u64>,
}

/// The file stem of a layout file name (`traffic-eth0.rrd` -> `traffic-eth0`).
fn stem(file: &RrdFile) -> &str {
    file.file_name.strip_suffix(".rrd").unwrap_or(&file.file_name)
}

fn interface_label(found: &Discovered, name: &str) -> String {
    match found.interfaces.iter().find(|i| i.name == name) {
        Some(i) if !i.alias.is_empty() => format!("{name} ({})", i.alias),
        _ => name.to_string(),
    }
}

/// The title of a graph of `found`.
pub fn title(kind: &Graph, found: &Discovered) -> String {
    match kind {
        Graph::Traffic(name) => format!("Traffic {}", interface_label(found, name)),
        Graph::Errors(name) => format!("Errors and discards {}", interface_label(found, name)),
        Graph::Packets(name) => format!("Unicast packets {}", interface_label(found, name)),
        Graph::Load => "Load average".into(),
        Graph::Cpu => "CPU".into(),
        Graph::Processor(index) => format!("Processor {index} load"),
        Graph::Memory => "Memory".into(),
        Graph::Storage(descr) => format!("Storage {descr}"),
        Graph::Uptime => "Uptime".into(),
    }
}

/// The graph of `file`, a layout file of `found` in the device's directory `dir`.
fn device_graph(dir: &std::path::Path, file: &RrdFile, found: &Discovered) -> DeviceGraph {
    let speed_bps = match &file.graph {
        Graph::Traffic(name) => {
            found.interfaces.iter().find(|i| &i.name == name).map(|i| i.speed_bps).filter(|s| *s > 0)
        }
        _ => None,
    };
    DeviceGraph {
        stem: stem(file).to_string(),
        title: title(&file.graph, found),
        kind: file.graph.clone(),
        path: dir.join(&file.file_name),
        speed_bps,
    }
}

/// Every graph the device has, existing files or not (`exists` tells), in layout order.
pub fn device_graphs(state: &AppState, device: &Device, found: &Discovered) -> Vec<(DeviceGraph, bool)> {
    let dir = poller::layout::device_dir(&state.data_dir, &device.spec.name);
    poller::layout::files(found)
        .iter()
        .map(|file| {
            let graph = device_graph(&dir, file, found);
            let exists = graph.path.is_file();
            (graph, exists)
        })
        .collect()
}

/// The graph of `device` whose stem is `stem`, if its file exists. Only that file is looked
/// at: every image of the device page comes through here.
pub fn find_graph(state: &AppState, device: &Device, found: &Discovered, stem: &str) -> Option<DeviceGraph> {
    let dir = poller::layout::device_dir(&state.data_dir, &device.spec.name);
    let file = poller::layout::files(found).into_iter().find(|file| self::stem(file) == stem)?;
    Some(device_graph(&dir, &file, found)).filter(|graph| graph.path.is_file())
}

/// A graph on the device page.
#[derive(Debug)]
pub struct GraphCard {
    /// What it graphs.
    pub kind: Graph,
    /// The `{graph}` of its URLs.
    pub stem: String,
    /// Title.
    pub title: String,
    /// MRTG's summary (traffic graphs).
    pub summary: Option<SummaryTable>,
}

/// MRTG's table under a traffic graph: Max, Average, Current for In and Out.
#[derive(Debug)]
pub struct SummaryTable {
    /// `In` and `Out`.
    pub rows: Vec<SummaryRow>,
}

/// One row of MRTG's summary: each figure with its share of the interface speed.
#[derive(Debug)]
pub struct SummaryRow {
    /// `In` or `Out`.
    pub label: &'static str,
    /// Max.
    pub max: String,
    /// Average.
    pub average: String,
    /// Current.
    pub current: String,
}

/// A titled group of graphs on the device page.
#[derive(Debug)]
pub struct GraphSection {
    /// `Interfaces`, `System`, `Storage`.
    pub title: &'static str,
    /// Its graphs.
    pub cards: Vec<GraphCard>,
}

/// The stem of the traffic graph of interface `name`, if it is on the page.
pub fn traffic_stem(sections: &[GraphSection], name: &str) -> Option<String> {
    sections
        .iter()
        .flat_map(|s| &s.cards)
        .find(|c| matches!(&c.kind, Graph::Traffic(n) if n == name))
        .map(|c| c.stem.clone())
}

/// The device page's graph sections, and how many graphs have no file yet (created at the
/// first poll). Summaries read the RRD files on the blocking pool.
pub async fn sections(state: &AppState, device: &Device, found: &Discovered, now: i64) -> (Vec<GraphSection>, usize) {
    let graphs = device_graphs(state, device, found);
    let pending = graphs.iter().filter(|(_, exists)| !exists).count();
    let existing: Vec<DeviceGraph> = graphs.into_iter().filter(|(_, exists)| *exists).map(|(g, _)| g).collect();
    let cards = tokio::task::spawn_blocking(move || {
        existing
            .into_iter()
            .map(|g| {
                let summary = match g.kind {
                    Graph::Traffic(_) => Some(summary_table(&g, now)),
                    _ => None,
                };
                GraphCard { kind: g.kind, stem: g.stem, title: g.title, summary }
            })
            .collect::<Vec<_>>()
    })
    .await
    .unwrap_or_default();
    let mut interfaces = GraphSection { title: "Interfaces", cards: Vec::new() };
    let mut system = GraphSection { title: "System", cards: Vec::new() };
    let mut storage = GraphSection { title: "Storage", cards: Vec::new() };
    for card in cards {
        match card.kind {
            Graph::Traffic(_) | Graph::Errors(_) | Graph::Packets(_) => interfaces.cards.push(card),
            Graph::Storage(_) => storage.cards.push(card),
            _ => system.cards.push(card),
        }
    }
    let sections = [system, interfaces, storage].into_iter().filter(|s| !s.cards.is_empty()).collect();
    (sections, pending)
}

/// MRTG's summary of a traffic graph over the last day (empty rows when the file has no
/// data yet or cannot be read: the graph itself then says why).
fn summary_table(graph: &DeviceGraph, now: i64) -> SummaryTable {
    let Some(day) = Range::view("day", now) else { return SummaryTable { rows: Vec::new() } };
    let Ok(summary) = crate::graph::summary(&graph.path, graph.speed_bps, day) else {
        return SummaryTable { rows: Vec::new() };
    };
    let figure = |value: Option<f64>| match (value, summary.percent_of_speed(value)) {
        (None, _) => "-".to_string(),
        (Some(v), Some(percent)) => format!("{} ({percent:.1}%)", text::bits_per_second(v)),
        (Some(v), None) => text::bits_per_second(v),
    };
    let row = |label, d: crate::graph::DirectionSummary| SummaryRow {
        label,
        max: figure(d.max),
        average: figure(d.average),
        current: figure(d.current),
    };
    SummaryTable { rows: vec![row("In", summary.inbound), row("Out", summary.outbound)] }
}

/// The query of a graph URL.
#[derive(Debug, Default, Deserialize)]
pub struct GraphParams {
    range: Option<String>,
    start: Option<String>,
    end: Option<String>,
    format: Option<String>,
    width: Option<String>,
    height: Option<String>,
    theme: Option<String>,
}

/// One view on the graph page: a heading, the graph's URLs and the times its edges stand for
/// (for drag-to-zoom).
#[derive(Debug)]
pub struct GraphView {
    heading: String,
    query: String,
    start: i64,
    end: i64,
}

#[derive(Template)]
#[template(path = "graph.html")]
struct GraphPage {
    device: String,
    stem: String,
    title: String,
    views: Vec<GraphView>,
    custom: bool,
    range: String,
    start_text: String,
    end_text: String,
    summary: Option<SummaryTable>,
    zoom_left: f64,
    zoom_right: f64,
}

/// The graph page's image size.
const VIEW_SIZE: (u32, u32) = (800, 280);

/// MRTG's four views: range name, heading, seconds.
const VIEWS: [(&str, &str, i64); 4] = [
    ("day", "Daily (5 minute average)", 86_400),
    ("week", "Weekly (30 minute average)", 7 * 86_400),
    ("month", "Monthly (2 hour average)", 31 * 86_400),
    ("year", "Yearly (1 day average)", 366 * 86_400),
];

/// The plot area of an image `width` pixels wide, as fractions of the width (for zoom).
fn plot_fractions(width: u32) -> (f64, f64) {
    let (left, right) = crate::graph::draw::plot_x_range(width);
    (f64::from(left) / f64::from(width.max(1)), f64::from(right) / f64::from(width.max(1)))
}

/// The page's views: MRTG's four without parameters, else the one asked for.
fn views(params: &GraphParams, now: i64) -> Result<(Vec<GraphView>, bool), AppError> {
    let custom = params.start.as_deref().is_some_and(|s| !s.trim().is_empty())
        || params.end.as_deref().is_some_and(|s| !s.trim().is_empty());
    let named = params.range.as_deref().map(str::trim).filter(|r| !r.is_empty());
    if !custom && named.is_none() {
        let all = VIEWS
            .into_iter()
            .filter_map(|(name, heading, _)| {
                Range::view(name, now).map(|r| GraphView {
                    heading: heading.to_string(),
                    query: format!("range={name}"),
                    start: r.start,
                    end: r.end,
                })
            })
            .collect();
        return Ok((all, false));
    }
    let range =
        Range::parse(named, params.start.as_deref(), params.end.as_deref(), now).map_err(AppError::BadRequest)?;
    let heading = match VIEWS.iter().find(|(name, _, _)| Some(*name) == named) {
        Some((_, heading, _)) if !custom => heading.to_string(),
        _ => format!("{} to {}", text::timestamp(Some(range.start)), text::timestamp(Some(range.end))),
    };
    let query = if custom {
        format!("start={}&end={}", range.start, range.end)
    } else {
        format!("range={}", named.unwrap_or("day"))
    };
    Ok((vec![GraphView { heading, query, start: range.start, end: range.end }], custom))
}

/// The graph itself, drawn on the blocking pool.
async fn drawn(graph: DeviceGraph, params: &GraphParams, now: i64) -> Result<Response, AppError> {
    let format = Format::parse(params.format.as_deref()).map_err(AppError::BadRequest)?;
    let range = Range::parse(params.range.as_deref(), params.start.as_deref(), params.end.as_deref(), now)
        .map_err(AppError::BadRequest)?;
    let size =
        crate::graph::parse_size(params.width.as_deref(), params.height.as_deref()).map_err(AppError::BadRequest)?;
    let theme = Theme::parse(params.theme.as_deref()).map_err(AppError::BadRequest)?;
    let rendered = tokio::task::spawn_blocking(move || {
        crate::graph::render(&graph.path, &graph.kind, &graph.title, graph.speed_bps, range, size, format, theme)
    })
    .await
    .map_err(|e| AppError::Internal(format!("graph task failed: {e}")))?;
    match rendered {
        Ok(r) => {
            Ok(([(header::CONTENT_TYPE, r.content_type), (header::CACHE_CONTROL, "max-age=60")], r.body)
                .into_response())
        }
        Err(GraphError::NotFound(_)) => Err(AppError::NotFound("this graph has no file".into())),
        Err(GraphError::BadRequest(m)) => Err(AppError::BadRequest(m)),
        Err(e) => Err(AppError::Internal(e.to_string())),
    }
}

/// `/graph/{device}/{graph}`: the graph page, or the graph itself with `format=`.
pub async fn graph(
    State(state): State<AppState>,
    Path((device_name, graph_stem)): Path<(String, String)>,
    Query(params): Query<GraphParams>,
) -> Result<Response, AppError> {
    let (device, found) = load_device(&state, device_name).await?;
    let Some(graph) = find_graph(&state, &device, &found, &graph_stem) else {
        return Err(AppError::NotFound(format!("device '{}' has no graph '{graph_stem}'", device.spec.name)));
    };
    let now = text::now();
    if params.format.is_some() {
        return drawn(graph, &params, now).await;
    }
    let (views, custom) = views(&params, now)?;
    let (zoom_left, zoom_right) = plot_fractions(VIEW_SIZE.0);
    let (start_text, end_text) = match views.first() {
        Some(v) if custom => (v.start.to_string(), v.end.to_string()),
        _ => (String::new(), String::new()),
    };
    let summary = match graph.kind {
        Graph::Traffic(_) => {
            let g = graph.clone();
            tokio::task::spawn_blocking(move || summary_table(&g, now)).await.ok()
        }
        _ => None,
    };
    let page = GraphPage {
        device: device.spec.name.clone(),
        stem: graph.stem.clone(),
        title: graph.title.clone(),
        views,
        custom,
        range: params.range.clone().unwrap_or_default(),
        start_text,
        end_text,
        summary,
        zoom_left,
        zoom_right,
    };
    Ok(render(&page)?.into_response())
}
