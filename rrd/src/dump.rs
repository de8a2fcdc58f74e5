//! `rrdtool dump`: the XML form of a whole file, byte for byte as rrdtool 1.7.2 prints it
//! (default `--header dtd`). Time comments use the local time zone, as rrdtool's do.

use std::fmt::Write as _;

use crate::format::Rrd;
use crate::numfmt::{local_time, push_sci10_dump};

/// A number as dump prints it where rrdtool checks for NaN first.
fn push_num(out: &mut String, v: f64) {
    if v.is_nan() {
        out.push_str("NaN");
    } else {
        push_sci10_dump(out, v);
    }
}

fn tag_val(out: &mut String, indent: &str, tag: &str, v: f64) {
    let _ = write!(out, "{indent}<{tag}>");
    push_num(out, v);
    let _ = writeln!(out, "</{tag}>");
}

/// The XML `rrdtool dump FILE` prints for `rrd`, time comments in the local time zone.
pub fn dump(rrd: &Rrd) -> String {
    dump_in(rrd, &jiff::tz::TimeZone::system())
}

/// [`dump`] with the time comments in time zone `tz`.
pub fn dump_in(rrd: &Rrd, tz: &jiff::tz::TimeZone) -> String {
    let d = rrd.ds.len();
    let mut out = String::with_capacity(
        1024 + rrd.data.len() * 24 + rrd.rra.iter().map(|r| r.row_cnt as usize * 64).sum::<usize>(),
    );
    out.push_str("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    out.push_str("<!DOCTYPE rrd SYSTEM \"https://oss.oetiker.ch/rrdtool/rrdtool.dtd\">\n");
    out.push_str("<!-- Round Robin Database Dump -->\n");
    out.push_str("<rrd>\n");
    let version = if rrd.version.number() <= 3 { "0003".to_string() } else { rrd.version.as_str() };
    let _ = writeln!(out, "\t<version>{version}</version>");
    let _ = writeln!(out, "\t<step>{}</step> <!-- Seconds -->", rrd.pdp_step);
    let last_up = rrd.live.last_up;
    let _ = writeln!(out, "\t<lastupdate>{last_up}</lastupdate> <!-- {} -->", local_time(last_up, tz));
    for (ds, pdp) in rrd.ds.iter().zip(&rrd.pdp_prep) {
        out.push_str("\n\t<ds>\n");
        let _ = writeln!(out, "\t\t<name> {} </name>", ds.name.as_str());
        let _ = writeln!(out, "\t\t<type> {} </type>", ds.kind.name());
        let _ = writeln!(out, "\t\t<minimal_heartbeat>{}</minimal_heartbeat>", ds.heartbeat);
        tag_val(&mut out, "\t\t", "min", ds.min);
        tag_val(&mut out, "\t\t", "max", ds.max);
        out.push_str("\n\t\t<!-- PDP Status -->\n");
        let _ = writeln!(out, "\t\t<last_ds>{}</last_ds>", pdp.last_ds.as_str());
        tag_val(&mut out, "\t\t", "value", pdp.val);
        let _ = writeln!(out, "\t\t<unknown_sec> {} </unknown_sec>", pdp.unkn_sec_cnt);
        out.push_str("\t</ds>\n");
    }
    out.push_str("\n\t<!-- Round Robin Archives -->\n");
    let step = i128::from(rrd.pdp_step);
    for (i, (def, cur_row)) in rrd.rra.iter().zip(&rrd.cur_row).enumerate() {
        out.push_str("\t<rra>\n");
        let _ = writeln!(out, "\t\t<cf>{}</cf>", def.cf.name());
        let span = i128::from(def.pdp_cnt).saturating_mul(step);
        let _ = writeln!(out, "\t\t<pdp_per_row>{}</pdp_per_row> <!-- {span} seconds -->", def.pdp_cnt);
        out.push_str("\n\t\t<params>\n");
        // rrdtool prints xff without its NaN check: a NaN xff shows as `nan`.
        out.push_str("\t\t<xff>");
        push_sci10_dump(&mut out, def.xff);
        out.push_str("</xff>\n");
        out.push_str("\t\t</params>\n");
        out.push_str("\t\t<cdp_prep>\n");
        for j in 0..d {
            if let Some(cdp) = rrd.cdp(i, j) {
                out.push_str("\t\t\t<ds>\n");
                tag_val(&mut out, "\t\t\t", "primary_value", cdp.primary);
                tag_val(&mut out, "\t\t\t", "secondary_value", cdp.secondary);
                tag_val(&mut out, "\t\t\t", "value", cdp.val);
                let _ = writeln!(out, "\t\t\t<unknown_datapoints>{}</unknown_datapoints>", cdp.unkn_pdp_cnt);
                out.push_str("\t\t\t</ds>\n");
            }
        }
        out.push_str("\t\t</cdp_prep>\n");
        out.push_str("\t\t<database>\n");
        let rows = def.row_cnt;
        let newest = i128::from(last_up) - i128::from(last_up).rem_euclid(span.max(1));
        for k in 0..rows {
            let row = (cur_row + 1 + k) % rows;
            let age = i128::from(rows - 1 - k);
            let t = newest.saturating_sub(age.saturating_mul(span));
            let t = i64::try_from(t).unwrap_or(i64::MIN);
            let _ = write!(out, "\t\t\t<!-- {} / {t} --> <row>", local_time(t, tz));
            if let Some(values) = rrd.row(i, row) {
                for v in values {
                    out.push_str("<v>");
                    push_num(&mut out, *v);
                    out.push_str("</v>");
                }
            }
            out.push_str("</row>\n");
        }
        out.push_str("\t\t</database>\n");
        out.push_str("\t</rra>\n");
    }
    out.push_str("</rrd>\n");
    out
}
