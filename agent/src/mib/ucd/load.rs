//! laTable (UCD-SNMP-MIB `.10`): the 1, 5 and 15 minute load averages (from sysinfo(2),
//! whose precision snmpd shows in laLoadFloat; /proc/loadavg as a fallback), the `load`
//! thresholds (12 each by default), and laErrorFlag/laErrMessage when a load reaches its
//! non-zero threshold.

use snmp::Value;

use super::{Builder, text, ucd};
use crate::view::View;

/// snmpd's threshold when no `load` directive is given.
pub const DEFAULT_MAX: f64 = 12.0;

/// The three load averages of a /proc/loadavg text.
pub fn parse_loadavg(text: &str) -> Option<[f64; 3]> {
    let mut w = text.split_whitespace().map(|s| s.parse::<f64>().ok());
    Some([w.next()??, w.next()??, w.next()??])
}

fn loads() -> [f64; 3] {
    if let Ok(info) = nix::sys::sysinfo::sysinfo() {
        let (a, b, c) = info.load_average();
        return [a, b, c];
    }
    std::fs::read_to_string("/proc/loadavg").ok().and_then(|t| parse_loadavg(&t)).unwrap_or_default()
}

/// An Opaque-wrapped float as net-snmp encodes it (tag 0x9f78, 4 bytes, big endian).
pub fn opaque_float(v: f32) -> Value<'static> {
    let mut bytes = vec![0x9f, 0x78, 4];
    bytes.extend_from_slice(&v.to_be_bytes());
    Value::Opaque(bytes.into())
}

pub fn view(max: [f64; 3]) -> View {
    build(loads(), max)
}

pub fn build(loads: [f64; 3], max: [f64; 3]) -> View {
    let entry = ucd(&[10, 1]);
    let mut b = Builder::default();
    for col in [1, 2, 3, 4, 5, 6, 100, 101] {
        b.object(entry.child(&[col]));
    }
    for (i, ((load, max), minutes)) in loads.into_iter().zip(max).zip([1, 5, 15]).enumerate() {
        let index = i as u32 + 1;
        let load = f64::from(load as f32);
        let too_high = max != 0.0 && load >= max;
        b.cell(&entry, 1, index, Value::Integer(index as i32));
        b.cell(&entry, 2, index, text(format!("Load-{minutes}")));
        b.cell(&entry, 3, index, text(format!("{load:.2}")));
        b.cell(&entry, 4, index, text(format!("{max:.2}")));
        b.cell(&entry, 5, index, Value::Integer((load * 100.0) as i32));
        b.cell(&entry, 6, index, opaque_float(load as f32));
        b.cell(&entry, 100, index, Value::Integer(i32::from(too_high)));
        let message =
            if too_high { format!("{minutes} min Load Average too high (= {load:.2})") } else { String::new() };
        b.cell(&entry, 101, index, text(message));
    }
    b.build()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_loadavg() {
        assert_eq!(parse_loadavg("0.52 0.69 1.06 3/106 6734\n"), Some([0.52, 0.69, 1.06]));
        assert_eq!(parse_loadavg("0.52 x 1.06"), None);
        assert_eq!(parse_loadavg(""), None);
    }

    #[test]
    fn rows_as_snmpd() {
        let v = build([0.38720703125, 13.5, 1.0], [12.0, 10.0, 0.0]);
        assert_eq!(v.get(&ucd(&[10, 1, 3, 1])), text("0.39"));
        assert_eq!(v.get(&ucd(&[10, 1, 5, 1])), Value::Integer(38));
        assert_eq!(v.get(&ucd(&[10, 1, 4, 2])), text("10.00"));
        assert_eq!(v.get(&ucd(&[10, 1, 100, 2])), Value::Integer(1));
        assert_eq!(v.get(&ucd(&[10, 1, 101, 2])), text("5 min Load Average too high (= 13.50)"));
        assert_eq!(v.get(&ucd(&[10, 1, 100, 3])), Value::Integer(0));
        assert_eq!(v.get(&ucd(&[10, 1, 6, 3])), Value::Opaque(vec![0x9f, 0x78, 4, 0x3f, 0x80, 0, 0].into()));
    }
}
