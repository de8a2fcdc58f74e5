//! The RRD file parser on arbitrary bytes: no panic, and a file it accepts writes back to
//! exactly the bytes it came from and prints (info, dump) without a panic.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(rrd) = rrd::Rrd::parse(data) {
        let bytes = rrd.to_bytes().expect("an accepted file serializes");
        assert_eq!(bytes.as_slice(), data, "parse -> write changed the file");
        let _ = rrd::info::info(&rrd, "fuzz.rrd");
        let _ = rrd::dump::dump_in(&rrd, &jiff::tz::TimeZone::UTC);
    }
});
