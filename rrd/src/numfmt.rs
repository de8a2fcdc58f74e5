//! Number and time formatting as rrdtool prints them: C's `%0.10e` (`1.0000000000e+00`),
//! `NaN` for unknown, and `%Y-%m-%d %H:%M:%S %Z` in the local time zone (the `TZ` variable,
//! else `/etc/localtime`).

use std::fmt::Write as _;

/// `%0.10e` as `rrdtool info` prints it (glibc's printf), with NaN as `NaN`.
pub fn sci10(v: f64) -> String {
    let mut out = String::with_capacity(18);
    push_sci10(&mut out, v);
    out
}

/// Appends [`sci10`]'s text to `out`.
pub fn push_sci10(out: &mut String, v: f64) {
    if v.is_nan() {
        out.push_str("NaN");
        return;
    }
    if v.is_infinite() {
        out.push_str(if v > 0.0 { "inf" } else { "-inf" });
        return;
    }
    let text = format!("{v:.10e}");
    let (mantissa, exp) = text.split_once('e').unwrap_or((&text, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    push_exp(out, mantissa, exp);
}

fn push_exp(out: &mut String, mantissa: &str, exp: i32) {
    let sign = if exp < 0 { '-' } else { '+' };
    let _ = write!(out, "{mantissa}e{sign}{:02}", exp.unsigned_abs());
}

/// `%0.10e` as `rrdtool dump` prints it: rrdtool's own printf, which differs from glibc's in
/// that NaN prints as `nan`, negative zero as `0.0000000000e+00`, exact ties round up (away
/// from zero), and subnormal numbers print as a fixed-point mantissa with exponent `-308`
/// (`5e-324` -> `0.0000000000e-308`).
pub fn push_sci10_dump(out: &mut String, v: f64) {
    if v.is_nan() {
        out.push_str("nan");
        return;
    }
    if v.is_infinite() {
        out.push_str(if v > 0.0 { "inf" } else { "-inf" });
        return;
    }
    if v == 0.0 {
        out.push_str("0.0000000000e+00");
        return;
    }
    if v.is_sign_negative() {
        out.push('-');
    }
    // Exact decimal expansion, long enough to see ties.
    let text = format!("{:.60e}", v.abs());
    let (mantissa, exp) = text.split_once('e').unwrap_or((&text, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let digits: Vec<u8> = mantissa.bytes().filter(u8::is_ascii_digit).map(|b| b - b'0').collect();
    if v.abs() < f64::MIN_POSITIVE {
        // Fixed point at 10^-308: value = 0.000..digits, shifted by (exp + 308) places.
        let shift = usize::try_from(-(exp + 308)).unwrap_or(0);
        let mut fixed = vec![0u8; shift];
        fixed.extend_from_slice(&digits);
        // fixed[0] is the units digit (always 0 here, as shift >= 1).
        let (rounded, carry) = round_half_up(&fixed, 11);
        let units = if carry { 1 } else { 0 } + rounded.first().copied().unwrap_or(0);
        let _ = write!(out, "{units}.");
        for d in rounded.iter().skip(1).take(10) {
            out.push(char::from(b'0' + d));
        }
        out.push_str("e-308");
        return;
    }
    let (rounded, carry) = round_half_up(&digits, 11);
    let (lead, rest, exp) = if carry {
        (1u8, vec![0u8; 10], exp + 1)
    } else {
        (rounded.first().copied().unwrap_or(0), rounded.get(1..11).map(<[u8]>::to_vec).unwrap_or_default(), exp)
    };
    let mut mantissa = String::with_capacity(12);
    mantissa.push(char::from(b'0' + lead));
    mantissa.push('.');
    for d in rest {
        mantissa.push(char::from(b'0' + d));
    }
    push_exp(out, &mantissa, exp);
}

/// The first `keep` digits of `digits` rounded half up; `true` when the carry runs out of the
/// front (all nines).
fn round_half_up(digits: &[u8], keep: usize) -> (Vec<u8>, bool) {
    let mut kept: Vec<u8> = digits.iter().copied().take(keep).collect();
    kept.resize(keep, 0);
    if digits.get(keep).copied().unwrap_or(0) < 5 {
        return (kept, false);
    }
    for d in kept.iter_mut().rev() {
        if *d == 9 {
            *d = 0;
        } else {
            *d += 1;
            return (kept, false);
        }
    }
    (kept, true)
}

/// `t` as `%Y-%m-%d %H:%M:%S %Z` in time zone `tz` (rrdtool's dump comments use the local one,
/// [`jiff::tz::TimeZone::system`]).
pub fn local_time(t: i64, tz: &jiff::tz::TimeZone) -> String {
    match jiff::Timestamp::from_second(t) {
        Ok(ts) => ts.to_zoned(tz.clone()).strftime("%Y-%m-%d %H:%M:%S %Z").to_string(),
        Err(_) => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_like_printf() {
        assert_eq!(sci10(1.0), "1.0000000000e+00");
        assert_eq!(sci10(0.5), "5.0000000000e-01");
        assert_eq!(sci10(0.0), "0.0000000000e+00");
        assert_eq!(sci10(-0.0), "-0.0000000000e+00");
        assert_eq!(sci10(14316403.521), "1.4316403521e+07");
        assert_eq!(sci10(-2.5e-300), "-2.5000000000e-300");
        assert_eq!(sci10(f64::NAN), "NaN");
        assert_eq!(sci10(1e100), "1.0000000000e+100");
    }

    fn dump_fmt(v: f64) -> String {
        let mut s = String::new();
        push_sci10_dump(&mut s, v);
        s
    }

    #[test]
    fn formats_like_rrdtool_dump() {
        assert_eq!(dump_fmt(-0.0), "0.0000000000e+00");
        assert_eq!(dump_fmt(5e-324), "0.0000000000e-308");
        assert_eq!(dump_fmt(1e-310), "0.0100000000e-308");
        assert_eq!(dump_fmt(-3e-320), "-0.0000000000e-308");
        assert_eq!(dump_fmt(12_345_678_912.5), "1.2345678913e+10");
        assert_eq!(dump_fmt(9.999_999_999_96), "1.0000000000e+01");
        assert_eq!(dump_fmt(f64::NAN), "nan");
        assert_eq!(dump_fmt(-7.0), "-7.0000000000e+00");
    }
}
