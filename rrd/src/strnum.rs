//! rrdtool's own number arithmetic on update inputs, reproduced for bit-identical results:
//! [`rrd_strtod`] (its decimal-to-double conversion, which rounds differently from a correctly
//! rounded parser for long mantissas and large exponents), [`strtodbl`] (the checked wrapper
//! whose error texts update prints), and [`rrd_diff`] (COUNTER/DERIVE differences computed on
//! the decimal strings, so counters never pass through a double before the subtraction).

/// Largest exponent magnitudes rrdtool's conversion accepts (C's `DBL_MAX_EXP`/`DBL_MIN_EXP`).
const DBL_MAX_EXP: i64 = 1024;
const DBL_MIN_EXP: i64 = -1021;

/// `last_ds` capacity: the longest decimal string [`rrd_diff`] subtracts.
const LAST_DS_LEN: usize = 30;

fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\x0b' | b'\x0c' | b'\r')
}

/// Converts the longest numeric prefix of `text` as rrdtool does. Returns the value and the
/// number of bytes used; `None` when nothing was converted (no digits, or an exponent beyond
/// the double range), which rrdtool reports as "Cannot convert".
pub fn rrd_strtod(text: &str) -> Option<(f64, usize)> {
    let bytes = text.as_bytes();
    let at = |i: usize| bytes.get(i).copied().unwrap_or(0);
    let mut p = 0;
    while is_space(at(p)) {
        p += 1;
    }
    let mut negative = false;
    match at(p) {
        b'-' => {
            negative = true;
            p += 1;
        }
        b'+' => p += 1,
        _ => {}
    }
    // inf, infinity and nan, in any case.
    let rest = bytes.get(p..).unwrap_or(&[]);
    let starts =
        |word: &[u8]| rest.len() >= word.len() && rest.iter().zip(word).all(|(a, b)| a.eq_ignore_ascii_case(b));
    if starts(b"infinity") {
        return Some((if negative { f64::NEG_INFINITY } else { f64::INFINITY }, p + 8));
    }
    if starts(b"inf") {
        return Some((if negative { f64::NEG_INFINITY } else { f64::INFINITY }, p + 3));
    }
    if starts(b"nan") {
        return Some((if negative { -f64::NAN } else { f64::NAN }, p + 3));
    }
    let mut number = 0.0f64;
    let mut exponent: i64 = 0;
    let mut digits = 0usize;
    while at(p).is_ascii_digit() {
        number = number * 10.0 + f64::from(at(p) - b'0');
        p += 1;
        digits += 1;
    }
    if at(p) == b'.' {
        p += 1;
        let mut decimals: i64 = 0;
        while at(p).is_ascii_digit() {
            number = number * 10.0 + f64::from(at(p) - b'0');
            p += 1;
            digits += 1;
            decimals += 1;
        }
        exponent -= decimals;
    }
    if digits == 0 {
        return None;
    }
    if negative {
        number = -number;
    }
    if at(p) == b'e' || at(p) == b'E' {
        p += 1;
        let mut exp_negative = false;
        match at(p) {
            b'-' => {
                exp_negative = true;
                p += 1;
            }
            b'+' => p += 1,
            _ => {}
        }
        let mut n: i64 = 0;
        while at(p).is_ascii_digit() {
            n = n.saturating_mul(10).saturating_add(i64::from(at(p) - b'0'));
            p += 1;
        }
        exponent = if exp_negative { exponent.saturating_sub(n) } else { exponent.saturating_add(n) };
    }
    if !(DBL_MIN_EXP..=DBL_MAX_EXP).contains(&exponent) {
        return None;
    }
    // Scale by 10^exponent through repeated squaring, one rounding per set bit.
    let mut p10 = 10.0f64;
    let mut n = exponent.unsigned_abs();
    while n != 0 {
        if n & 1 == 1 {
            if exponent < 0 {
                number /= p10;
            } else {
                number *= p10;
            }
        }
        n >>= 1;
        p10 *= p10;
    }
    Some((number, p))
}

/// rrdtool's checked conversion: the whole text must be a number. The error is rrdtool's text
/// after `"{context} - "`.
pub fn strtodbl(text: &str) -> Result<f64, String> {
    match rrd_strtod(text) {
        None => Err(format!("Cannot convert '{text}' to float")),
        Some((value, used)) if used < text.len() => Err(format!(
            "Converted '{text}' to {}, but cannot convert '{}'",
            c_lf(value),
            text.get(used..).unwrap_or("")
        )),
        Some((value, _)) => Ok(value),
    }
}

/// C's `%lf`.
fn c_lf(v: f64) -> String {
    if v.is_nan() {
        if v.is_sign_negative() { "-nan".into() } else { "nan".into() }
    } else if v.is_infinite() {
        if v < 0.0 { "-inf".into() } else { "inf".into() }
    } else {
        format!("{v:.6}")
    }
}

/// `a - b` on decimal strings as rrdtool's `rrd_diff` computes it: each string's sign is a
/// `-` among the non-digits before its first digit, its digits end at the first non-digit.
/// NaN when either has no digits, when exactly one is negative, or when a digit string is
/// longer than 30.
pub fn rrd_diff(a: &str, b: &str) -> f64 {
    let (a_neg, a) = digits_of(a);
    let (b_neg, b) = digits_of(b);
    if a.is_empty() || b.is_empty() || a_neg != b_neg {
        return f64::NAN;
    }
    let m = a.len().max(b.len());
    if m > LAST_DS_LEN {
        return f64::NAN;
    }
    // Digit-wise subtraction from the right with borrow, as rrdtool does it.
    let mut res = vec![0u8; m];
    let mut borrow = 0i32;
    for x in 0..m {
        let da = a.len().checked_sub(x + 1).and_then(|i| a.get(i)).map(|d| i32::from(d - b'0'));
        let db = b.len().checked_sub(x + 1).and_then(|i| b.get(i)).map(|d| i32::from(d - b'0'));
        let mut r = da.unwrap_or(0) - borrow - db.unwrap_or(0);
        if r < 0 {
            r += 10;
            borrow = 1;
        } else {
            borrow = 0;
        }
        if let Some(slot) = res.get_mut(m - 1 - x) {
            *slot = r as u8;
        }
    }
    let negative = borrow == 1;
    if negative {
        // Ten's complement back to the magnitude.
        let mut carry = 1i32;
        for slot in res.iter_mut().rev() {
            let mut r = 9 - i32::from(*slot) + carry;
            if r > 9 {
                r -= 10;
                carry = 1;
            } else {
                carry = 0;
            }
            *slot = r as u8;
        }
    }
    let text: String = res.iter().map(|d| char::from(b'0' + d)).collect();
    let magnitude: f64 = text.parse().unwrap_or(f64::NAN);
    let mut result = if negative { -magnitude } else { magnitude };
    if a_neg && b_neg {
        result = -result;
    }
    result
}

/// Skips non-digits (noting a `-` among them) and returns the run of digits that follows.
fn digits_of(s: &str) -> (bool, &[u8]) {
    let bytes = s.as_bytes();
    let start = bytes.iter().position(u8::is_ascii_digit).unwrap_or(bytes.len());
    let negative = bytes.get(..start).is_some_and(|pre| pre.contains(&b'-'));
    let rest = bytes.get(start..).unwrap_or(&[]);
    let len = rest.iter().take_while(|b| b.is_ascii_digit()).count();
    (negative, rest.get(..len).unwrap_or(&[]))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bits(text: &str) -> u64 {
        rrd_strtod(text).map(|(v, _)| v.to_bits()).unwrap_or(0)
    }

    #[test]
    fn strtod_matches_rrdtool_bits() {
        // Bit patterns read from files rrdtool 1.7.2 wrote.
        assert_eq!(bits("1e308"), 0x7fe1ccf385ebc8a3);
        assert_eq!(bits("1.23456789012345678"), 0x3ff3c0ca428c59fc);
        assert_eq!(bits("123.456"), 0x405edd2f1a9fbe77);
        assert_eq!(bits("0.1"), 0x3fb999999999999a);
        assert_eq!(bits("1e23"), 0x44b52d02c7e14af6);
        assert_eq!(bits("1e-5"), 0x3ee4f8b588e368f1);
        assert_eq!(bits("0.3e-310"), 0x00000585c36eab73);
        assert_eq!(bits("12345678901234567890123"), 0x4484ea15b273b38a);
        assert_eq!(bits("1e309"), 0x7ff0000000000000);
        assert_eq!(bits("1e-400"), 0);
        assert!(rrd_strtod("1e2000").is_none());
        assert!(rrd_strtod("-").is_none());
        assert_eq!(strtodbl("1e+"), Ok(1.0));
        assert_eq!(strtodbl("0x10"), Err("Converted '0x10' to 0.000000, but cannot convert 'x10'".into()));
        assert_eq!(strtodbl("abc"), Err("Cannot convert 'abc' to float".into()));
    }

    #[test]
    fn diff_on_strings() {
        assert_eq!(rrd_diff("1200", "4294967000"), -4294965800.0);
        assert_eq!(rrd_diff("50", "100"), -50.0);
        assert_eq!(rrd_diff("-10", "-5"), -5.0);
        assert!(rrd_diff("3", "-5").is_nan());
        assert!(rrd_diff("", "5").is_nan());
        assert_eq!(rrd_diff("5", "007"), -2.0);
    }
}
