//! decode -> encode -> decode must agree, `encoded_len` must match the bytes written, and
//! nothing may panic. The property lives in `snmp/tests/support/roundtrip.rs`, shared with
//! the stable-toolchain `tests/fuzz_smoke.rs`.

#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "../../tests/support/roundtrip.rs"]
mod roundtrip;

fuzz_target!(|data: &[u8]| {
    roundtrip::check(data);
});
