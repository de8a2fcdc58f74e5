//! The codec's round-trip contract, shared by `tests/fuzz_smoke.rs` and the cargo-fuzz target
//! `fuzz/fuzz_targets/decode.rs` (both include this file by path).
//!
//! For any input: decoding never panics; `decode` succeeds exactly when `decode_prefix` does
//! and consumed everything; a decoded message re-encodes to exactly `encoded_len()` bytes,
//! appended after what the buffer already held; those bytes decode to an equal message; and
//! encoding that again gives the same bytes (our encoding is canonical).

use snmp::{DecodeError, Message};

/// Checks the contract on `data`, panicking with a description when it is broken.
pub fn check(data: &[u8]) {
    let whole = Message::decode(data);
    let (msg, used) = match Message::decode_prefix(data) {
        Ok(ok) => ok,
        Err(e) => {
            assert_eq!(whole, Err(e), "decode and decode_prefix disagree");
            return;
        }
    };
    assert!(used > 0 && used <= data.len(), "used {used} of {}", data.len());
    match &whole {
        Ok(m) => {
            assert_eq!(used, data.len());
            assert_eq!(m, &msg);
        }
        Err(e) => assert_eq!(
            e,
            &DecodeError::TrailingData(data.len() - used, "message"),
            "decode failed where decode_prefix succeeded"
        ),
    }

    let len = msg.encoded_len();
    let mut buf = vec![0x5a; 3];
    msg.encode(&mut buf);
    let (head, encoded) = buf.split_at(3);
    assert_eq!(head, [0x5a; 3], "encode overwrote the buffer's earlier bytes");
    assert_eq!(encoded.len(), len, "encoded_len differs from the bytes written");

    let again = Message::decode(encoded).unwrap_or_else(|e| panic!("re-encoding of {msg:?} does not decode: {e}"));
    assert_eq!(again, msg, "decode(encode(m)) != m");
    assert_eq!(again.to_vec(), encoded, "encoding is not canonical");
}
