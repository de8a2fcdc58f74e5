//! `rrdtool info`: the key = value listing of a file's header, byte for byte as rrdtool 1.7.2
//! prints it.

use std::fmt::Write as _;

use crate::format::Rrd;
use crate::numfmt::push_sci10;

/// The text `rrdtool info FILE` prints for `rrd`, where `filename` is the name as given.
pub fn info(rrd: &Rrd, filename: &str) -> String {
    let mut out = String::with_capacity(512 + rrd.ds.len() * 300 + rrd.rra.len() * 200 * rrd.ds.len().max(1));
    let _ = writeln!(out, "filename = \"{filename}\"");
    let _ = writeln!(out, "rrd_version = \"{}\"", rrd.version.as_str());
    let _ = writeln!(out, "step = {}", rrd.pdp_step);
    let _ = writeln!(out, "last_update = {}", rrd.live.last_up);
    let _ = writeln!(out, "header_size = {}", rrd.header_size());
    for (i, (ds, pdp)) in rrd.ds.iter().zip(&rrd.pdp_prep).enumerate() {
        let name = ds.name.as_str();
        let _ = writeln!(out, "ds[{name}].index = {i}");
        let _ = writeln!(out, "ds[{name}].type = \"{}\"", ds.kind.name());
        let _ = writeln!(out, "ds[{name}].minimal_heartbeat = {}", ds.heartbeat);
        val_line(&mut out, format_args!("ds[{name}].min"), ds.min);
        val_line(&mut out, format_args!("ds[{name}].max"), ds.max);
        let _ = writeln!(out, "ds[{name}].last_ds = \"{}\"", pdp.last_ds.as_str());
        val_line(&mut out, format_args!("ds[{name}].value"), pdp.val);
        let _ = writeln!(out, "ds[{name}].unknown_sec = {}", pdp.unkn_sec_cnt);
    }
    for (i, (def, cur_row)) in rrd.rra.iter().zip(&rrd.cur_row).enumerate() {
        let _ = writeln!(out, "rra[{i}].cf = \"{}\"", def.cf.name());
        let _ = writeln!(out, "rra[{i}].rows = {}", def.row_cnt);
        let _ = writeln!(out, "rra[{i}].cur_row = {cur_row}");
        let _ = writeln!(out, "rra[{i}].pdp_per_row = {}", def.pdp_cnt);
        val_line(&mut out, format_args!("rra[{i}].xff"), def.xff);
        for j in 0..rrd.ds.len() {
            if let Some(cdp) = rrd.cdp(i, j) {
                val_line(&mut out, format_args!("rra[{i}].cdp_prep[{j}].value"), cdp.val);
                let _ = writeln!(out, "rra[{i}].cdp_prep[{j}].unknown_datapoints = {}", cdp.unkn_pdp_cnt);
            }
        }
    }
    out
}

fn val_line(out: &mut String, key: std::fmt::Arguments<'_>, v: f64) {
    let _ = write!(out, "{key} = ");
    push_sci10(out, v);
    out.push('\n');
}
