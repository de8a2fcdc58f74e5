//! Drawing a graph with plotters: title, time axis on round local times, value axis with SI
//! prefixes, the series (filled areas and lines as step shapes, broken where the data is
//! unknown), 95th percentile lines, and a legend below with each series' current, average
//! and maximum. Light and dark palettes. SVG goes to a string; PNG is drawn into an RGB
//! buffer and encoded with the png crate.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::axis;
use super::data::Table;
use super::font;
use super::kind::{KindDef, Look};
use super::range::{Range, Theme};
use super::summary::DirectionSummary;

/// The colours of one theme.
#[derive(Debug, Clone, Copy)]
pub struct Palette {
    /// The image background.
    pub background: RGBColor,
    /// Title, labels and legend text.
    pub text: RGBColor,
    /// Grid lines.
    pub grid: RGBColor,
    /// The axes.
    pub axis: RGBColor,
    /// The series colours, in order (MRTG's green "in" and blue "out" first).
    pub series: [RGBColor; 6],
    /// The 95th percentile lines (first and second series).
    pub percentile: [RGBColor; 2],
}

impl Palette {
    /// The palette of `theme`.
    pub fn of(theme: Theme) -> Palette {
        match theme {
            Theme::Light => Palette {
                background: RGBColor(255, 255, 255),
                text: RGBColor(32, 32, 32),
                grid: RGBColor(225, 225, 225),
                axis: RGBColor(120, 120, 120),
                series: [
                    RGBColor(0, 204, 0),
                    RGBColor(0, 0, 255),
                    RGBColor(220, 0, 0),
                    RGBColor(230, 140, 0),
                    RGBColor(150, 0, 180),
                    RGBColor(0, 150, 150),
                ],
                percentile: [RGBColor(255, 120, 0), RGBColor(200, 0, 120)],
            },
            Theme::Dark => Palette {
                background: RGBColor(24, 24, 27),
                text: RGBColor(225, 225, 225),
                grid: RGBColor(58, 58, 64),
                axis: RGBColor(150, 150, 150),
                series: [
                    RGBColor(40, 190, 40),
                    RGBColor(100, 160, 255),
                    RGBColor(255, 90, 90),
                    RGBColor(255, 180, 60),
                    RGBColor(200, 120, 255),
                    RGBColor(60, 210, 210),
                ],
                percentile: [RGBColor(255, 150, 50), RGBColor(255, 100, 200)],
            },
        }
    }

    fn series_color(&self, i: usize) -> RGBColor {
        self.series.get(i % self.series.len()).copied().unwrap_or(self.text)
    }
}

/// Everything one image shows.
#[derive(Debug)]
pub struct Picture<'a> {
    /// The title.
    pub title: &'a str,
    /// How the kind is drawn.
    pub def: &'a KindDef,
    /// The time range.
    pub range: Range,
    /// The data consolidated to the pixel width.
    pub table: &'a Table,
    /// Per series, what its legend says (from the unconsolidated data).
    pub stats: &'a [DirectionSummary],
    /// Per series, the 95th percentile when drawn.
    pub percentiles: &'a [Option<f64>],
    /// The colours.
    pub palette: Palette,
}

/// Margins and areas, in pixels.
const MARGIN: u32 = 8;
const Y_LABEL_AREA: u32 = 62;
const X_LABEL_AREA: u32 = 22;
const LEGEND_LINE: u32 = 16;
const FONT_SIZE: f64 = 13.0;

/// The number of pixel columns of the plot in an image `width` pixels wide.
pub fn plot_columns(width: u32) -> u32 {
    let (left, right) = plot_x_range(width);
    right.saturating_sub(left).max(10)
}

/// The pixel columns where the plot's time axis begins and ends in an image `width` pixels
/// wide (for mapping a selection on the image to times: `start + (x - left) / (right - left)
/// * span`).
pub fn plot_x_range(width: u32) -> (u32, u32) {
    (MARGIN + Y_LABEL_AREA, width.saturating_sub(MARGIN))
}

/// The legend lines of a picture.
fn legend_items(p: &Picture<'_>) -> Vec<(RGBColor, String)> {
    let def = p.def;
    let mut items = Vec::new();
    for (i, s) in def.series.iter().enumerate() {
        let stats = p.stats.get(i).copied().unwrap_or_default();
        let value = |v: Option<f64>| v.map_or_else(|| "-".to_string(), |v| axis::format_value(v, def.base, def.unit));
        let mut text = format!(
            "{}  cur {}  avg {}  max {}",
            s.label,
            value(stats.current),
            value(stats.average),
            value(stats.max)
        );
        if let Some(Some(p95)) = p.percentiles.get(i) {
            text.push_str(&format!("  95th {}", axis::format_value(*p95, def.base, def.unit)));
        }
        items.push((p.palette.series_color(i), text));
    }
    items
}

/// Draws `p` on `root`.
pub fn draw<DB: DrawingBackend>(root: &DrawingArea<DB, Shift>, p: &Picture<'_>) -> Result<(), String> {
    font::register();
    let err = |e: DrawingAreaErrorKind<DB::ErrorType>| format!("drawing failed: {e}");
    let palette = p.palette;
    root.fill(&palette.background).map_err(err)?;
    let (width, height) = root.dim_in_pixel();
    let items = legend_items(p);
    let longest = items.iter().map(|(_, t)| t.chars().count()).max().unwrap_or(0) as u32;
    let item_width = longest * 6 + 24;
    let columns = (width.saturating_sub(2 * MARGIN) / item_width.max(1)).max(1);
    let legend_rows = (items.len() as u32).div_ceil(columns);
    let legend_height = legend_rows * LEGEND_LINE + 6;
    let (upper, lower) = root.split_vertically(height.saturating_sub(legend_height).max(height / 2));

    let text = |size: f64| ("sans-serif", size).into_font().color(&palette.text);
    let (start, end) = (p.range.start, p.range.end);
    let tz = jiff::tz::TimeZone::system();
    let plot_width = plot_columns(width);
    let step = axis::tick_step(start, end, (plot_width / 64).max(2));
    let ticks = axis::ticks(start, end, step, &tz);

    let (y_min, y_max) = value_range(p);
    let (divisor, prefix) = axis::scale(y_max.abs().max(y_min.abs()), p.def.base);
    let scaled_top = y_max / divisor;
    let decimals = if scaled_top < 2.0 {
        2
    } else if scaled_top < 20.0 {
        1
    } else {
        0
    };
    let x_format = |t: &i64| axis::tick_label(*t, step, &tz);
    let y_format = |v: &f64| axis::axis_label(*v, divisor, &prefix, decimals);

    let mut chart = ChartBuilder::on(&upper)
        .caption(p.title, text(16.0))
        .margin(MARGIN)
        .margin_top(4)
        .x_label_area_size(X_LABEL_AREA)
        .y_label_area_size(Y_LABEL_AREA)
        .build_cartesian_2d((start..end).with_key_points(ticks), y_min..y_max)
        .map_err(err)?;
    let y_desc = if p.def.unit.is_empty() { p.def.axis_label.to_string() } else { p.def.unit.to_string() };
    chart
        .configure_mesh()
        .bold_line_style(palette.grid)
        .max_light_lines(0)
        .axis_style(palette.axis)
        .label_style(text(FONT_SIZE))
        .axis_desc_style(text(FONT_SIZE))
        .y_labels(6)
        .x_label_formatter(&x_format)
        .y_label_formatter(&y_format)
        .y_desc(y_desc)
        .draw()
        .map_err(err)?;

    let table = p.table;
    let step_s = i64::try_from(table.step).unwrap_or(i64::MAX);
    for look in [Look::Area, Look::Line] {
        for (i, (values, s)) in table.series.iter().zip(&p.def.series).enumerate() {
            if s.look != look {
                continue;
            }
            let color = palette.series_color(i);
            for run in known_runs(values) {
                let points = run.flat_map(|(j, v)| {
                    let t = table.time(j);
                    [((t - step_s).clamp(start, end), v), (t.clamp(start, end), v)]
                });
                match look {
                    Look::Area => {
                        chart.draw_series(AreaSeries::new(points, 0.0, color.filled())).map_err(err)?;
                    }
                    Look::Line => {
                        chart.draw_series(LineSeries::new(points, color.stroke_width(1))).map_err(err)?;
                    }
                }
            }
        }
    }
    for (i, p95) in p.percentiles.iter().enumerate() {
        if let Some(v) = p95 {
            let color = palette.percentile.get(i).copied().unwrap_or(palette.text);
            chart.draw_series(LineSeries::new([(start, *v), (end, *v)], color.stroke_width(1))).map_err(err)?;
        }
    }

    // The legend: a colour box and a line of text per series.
    let left = i32::try_from(MARGIN + 4).unwrap_or(0);
    let item_w = i32::try_from(item_width).unwrap_or(i32::MAX);
    let style = text(FONT_SIZE).pos(Pos::new(HPos::Left, VPos::Center));
    for (n, (color, label)) in items.iter().enumerate() {
        let (row, col) = (n as u32 / columns, n as u32 % columns);
        let x = left + item_w.saturating_mul(col as i32);
        let y = i32::try_from(row * LEGEND_LINE + LEGEND_LINE / 2 + 2).unwrap_or(0);
        lower.draw(&Rectangle::new([(x, y - 4), (x + 9, y + 5)], color.filled())).map_err(err)?;
        lower.draw(&Text::new(label.as_str(), (x + 14, y), style.clone())).map_err(err)?;
    }
    root.present().map_err(err)?;
    Ok(())
}

/// The value axis: from 0 (or below, for negative data) to a little above the highest
/// value, or the kind's fixed top.
fn value_range(p: &Picture<'_>) -> (f64, f64) {
    let known =
        p.table.series.iter().flatten().chain(p.percentiles.iter().flatten()).copied().filter(|v| v.is_finite());
    let (lo, hi) = known.fold((0.0f64, 0.0f64), |(lo, hi), v| (lo.min(v), hi.max(v)));
    let hi = match p.def.fixed_max {
        Some(fixed) => fixed.max(hi),
        None if hi > 0.0 => hi * 1.08,
        None => 1.0,
    };
    (if lo < 0.0 { lo * 1.08 } else { 0.0 }, hi)
}

/// The runs of consecutive known values, with their row indexes.
fn known_runs(values: &[f64]) -> impl Iterator<Item = std::vec::IntoIter<(usize, f64)>> + '_ {
    let mut i = 0;
    std::iter::from_fn(move || {
        while values.get(i).is_some_and(|v| !v.is_finite()) {
            i += 1;
        }
        let begin = i;
        while values.get(i).is_some_and(|v| v.is_finite()) {
            i += 1;
        }
        (i > begin).then(|| {
            values
                .get(begin..i)
                .unwrap_or(&[])
                .iter()
                .copied()
                .enumerate()
                .map(|(k, v)| (begin + k, v))
                .collect::<Vec<_>>()
                .into_iter()
        })
    })
}

/// `p` as an SVG document.
pub fn svg(p: &Picture<'_>, size: (u32, u32)) -> Result<Vec<u8>, String> {
    let mut out = String::with_capacity(64 * 1024);
    {
        let root = SVGBackend::with_string(&mut out, size).into_drawing_area();
        draw(&root, p)?;
    }
    Ok(out.into_bytes())
}

/// `p` as a PNG image.
pub fn png(p: &Picture<'_>, size: (u32, u32)) -> Result<Vec<u8>, String> {
    let (w, h) = size;
    let mut pixels = vec![0u8; (w as usize) * (h as usize) * 3];
    {
        let root = BitMapBackend::with_buffer(&mut pixels, size).into_drawing_area();
        draw(&root, p)?;
    }
    let mut out = Vec::with_capacity(pixels.len() / 8);
    {
        let mut encoder = png::Encoder::new(&mut out, w, h);
        encoder.set_color(png::ColorType::Rgb);
        encoder.set_depth(png::BitDepth::Eight);
        encoder.set_compression(png::Compression::Fast);
        let mut writer = encoder.write_header().map_err(|e| format!("PNG encoding failed: {e}"))?;
        writer.write_image_data(&pixels).map_err(|e| format!("PNG encoding failed: {e}"))?;
    }
    Ok(out)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn runs_split_at_unknown_values() {
        let v = [f64::NAN, 1.0, 2.0, f64::NAN, f64::NAN, 3.0];
        let runs: Vec<Vec<(usize, f64)>> = known_runs(&v).map(Iterator::collect).collect();
        assert_eq!(runs, vec![vec![(1, 1.0), (2, 2.0)], vec![(5, 3.0)]]);
        assert_eq!(known_runs(&[f64::NAN]).count(), 0);
    }
}
