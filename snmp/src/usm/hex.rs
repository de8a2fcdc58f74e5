//! Hex text of USM octet strings (engine IDs, keys) as net-snmp writes and reads them:
//! lowercase pairs out; in, pairs of either case with an optional `0x` prefix.

/// `bytes` as lowercase hex pairs.
pub fn encode(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The octets `text` spells, or `None` unless it is whole hex pairs (`0x` allowed first).
pub fn decode(text: &str) -> Option<Vec<u8>> {
    let text = text.strip_prefix("0x").or_else(|| text.strip_prefix("0X")).unwrap_or(text);
    if !text.len().is_multiple_of(2) || !text.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    (0..text.len()).step_by(2).map(|i| text.get(i..i + 2).and_then(|h| u8::from_str_radix(h, 16).ok())).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_refusals() {
        assert_eq!(decode(&encode(&[0, 0xab, 0x10])), Some(vec![0, 0xab, 0x10]));
        assert_eq!(decode("0x80001F88"), Some(vec![0x80, 0, 0x1f, 0x88]));
        assert_eq!(decode(""), Some(Vec::new()));
        assert_eq!(decode("abc"), None);
        assert_eq!(decode("zz"), None);
        assert_eq!(decode("+1"), None, "from_str_radix would take a sign");
    }
}
