//! The RRD definitions the rrd tests create files with, as `rrdtool create` arguments: MRTG's
//! two-counter file and Cacti's archives.

/// MRTG's file after `--start`/`--step 300`: two COUNTER DS at 100 Mbit/s, AVERAGE and MAX at
/// 1:600, 6:700, 24:775, 288:797.
pub const MRTG: &[&str] = &[
    "DS:ds0:COUNTER:600:0:12500000",
    "DS:ds1:COUNTER:600:0:12500000",
    "RRA:AVERAGE:0.5:1:600",
    "RRA:AVERAGE:0.5:6:700",
    "RRA:AVERAGE:0.5:24:775",
    "RRA:AVERAGE:0.5:288:797",
    "RRA:MAX:0.5:1:600",
    "RRA:MAX:0.5:6:700",
    "RRA:MAX:0.5:24:775",
    "RRA:MAX:0.5:288:797",
];

/// Cacti's default archives: AVERAGE, MIN, MAX and LAST at 1:600, 6:700, 24:775, 288:797.
pub const CACTI_RRAS: &[&str] = &[
    "RRA:AVERAGE:0.5:1:600",
    "RRA:AVERAGE:0.5:6:700",
    "RRA:AVERAGE:0.5:24:775",
    "RRA:AVERAGE:0.5:288:797",
    "RRA:MIN:0.5:1:600",
    "RRA:MIN:0.5:6:700",
    "RRA:MIN:0.5:24:775",
    "RRA:MIN:0.5:288:797",
    "RRA:MAX:0.5:1:600",
    "RRA:MAX:0.5:6:700",
    "RRA:MAX:0.5:24:775",
    "RRA:MAX:0.5:288:797",
    "RRA:LAST:0.5:1:600",
    "RRA:LAST:0.5:6:700",
    "RRA:LAST:0.5:24:775",
    "RRA:LAST:0.5:288:797",
];

/// `--start START --step 300` followed by [`MRTG`].
pub fn mrtg_from(start: &'static str) -> Vec<&'static str> {
    [&["--start", start, "--step", "300"][..], MRTG].concat()
}
