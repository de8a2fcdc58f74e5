//! rrdtool's suffixed durations (`rrd_scaled_duration`): a positive integer, optionally followed
//! by one of `s`, `m`, `h`, `d`, `w`, `M` (31 days) or `y` (366 days). A bare number is a count
//! (of seconds or of steps, depending on the field); a suffixed one is a time span that is
//! divided by the field's unit and must divide evenly.

use crate::error::DurationError;

/// Seconds per suffix unit.
fn unit_seconds(suffix: u8) -> Option<u64> {
    Some(match suffix {
        b's' => 1,
        b'm' => 60,
        b'h' => 3600,
        b'd' => 86_400,
        b'w' => 604_800,
        b'M' => 31 * 86_400,
        b'y' => 366 * 86_400,
        _ => return None,
    })
}

/// Parses `token`: a bare number is returned as is; a suffixed duration is converted to
/// seconds and divided by `divisor` (seconds per unit of the field).
pub fn scaled_duration(token: &str, divisor: u64) -> Result<u64, DurationError> {
    let bytes = token.as_bytes();
    let digits = bytes.iter().take_while(|b| b.is_ascii_digit()).count();
    if digits == 0 {
        return Err(DurationError::NotANumber);
    }
    let number = token.get(..digits).and_then(|d| d.parse::<u64>().ok()).unwrap_or(u64::MAX);
    let rest = bytes.get(digits..).unwrap_or(&[]);
    let value = match rest {
        [] => number,
        [suffix, tail @ ..] => {
            let unit = unit_seconds(*suffix).ok_or(DurationError::TrailingGarbage)?;
            if !tail.is_empty() {
                return Err(DurationError::TrailingGarbage);
            }
            let seconds = number.saturating_mul(unit);
            if divisor == 0 || seconds % divisor != 0 {
                return Err(DurationError::Truncates);
            }
            seconds / divisor
        }
    };
    if value == 0 {
        return Err(DurationError::Zero);
    }
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(scaled_duration("300", 1), Ok(300));
        assert_eq!(scaled_duration("5m", 1), Ok(300));
        assert_eq!(scaled_duration("1h", 300), Ok(12));
        assert_eq!(scaled_duration("7m", 300), Err(DurationError::Truncates));
        assert_eq!(scaled_duration("5x", 300), Err(DurationError::TrailingGarbage));
        assert_eq!(scaled_duration("1hh", 300), Err(DurationError::TrailingGarbage));
        assert_eq!(scaled_duration("-5", 1), Err(DurationError::NotANumber));
        assert_eq!(scaled_duration("0", 1), Err(DurationError::Zero));
        assert_eq!(scaled_duration("1M", 1), Ok(2_678_400));
        assert_eq!(scaled_duration("1y", 1), Ok(31_622_400));
    }
}
