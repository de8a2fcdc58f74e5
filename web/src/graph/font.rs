//! The one font graphs use: DejaVu Sans, embedded from the `dejavu` crate and registered with
//! plotters' ab_glyph support as `sans-serif`, so text is measured (SVG) and drawn (PNG) the
//! same on a machine without any system font.

use std::sync::Once;

use plotters::style::FontStyle;

/// Registers the embedded font (once per process; later calls do nothing).
pub fn register() {
    static REGISTERED: Once = Once::new();
    REGISTERED.call_once(|| {
        // The bytes are a valid TrueType font shipped by the crate; should they not be, text
        // is skipped by plotters rather than failing the graph.
        let _ = plotters::style::register_font("sans-serif", FontStyle::Normal, dejavu::sans::regular());
        let _ = plotters::style::register_font("sans-serif", FontStyle::Bold, dejavu::sans::bold());
    });
}
