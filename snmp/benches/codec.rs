//! Decode + encode of a 20-varbind GetResponse (one realistic ifTable/ifXTable row) with our
//! codec and with rasn-snmp, in the same run. Run with:
//! `cargo bench -p osprey-snmp --bench codec`

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::borrow::Cow;
use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use rasn_snmp::{v2, v2c};
use snmp::{CommunityMessage, Message, Oid, Pdu, PduType, Pdus, Value, VarBind, Version};

/// The GetResponse an agent sends for one row of ifTable plus the two 64-bit octet counters.
fn if_row_response() -> Vec<u8> {
    let col = |c: u32| -> Oid { Oid::from_slice(&[1, 3, 6, 1, 2, 1, 2, 2, 1, c, 3]) };
    let xcol = |c: u32| -> Oid { Oid::from_slice(&[1, 3, 6, 1, 2, 1, 31, 1, 1, 1, c, 3]) };
    let varbinds = vec![
        VarBind::new(col(1), Value::Integer(3)),
        VarBind::new(col(2), Value::OctetString(Cow::Borrowed(b"eth0"))),
        VarBind::new(col(3), Value::Integer(6)),
        VarBind::new(col(4), Value::Integer(1500)),
        VarBind::new(col(5), Value::Gauge32(1_000_000_000)),
        VarBind::new(col(6), Value::OctetString(Cow::Borrowed(&[0x02, 0xfc, 0x00, 0x00, 0x00, 0x01]))),
        VarBind::new(col(7), Value::Integer(1)),
        VarBind::new(col(8), Value::Integer(1)),
        VarBind::new(col(9), Value::TimeTicks(1_234)),
        VarBind::new(col(10), Value::Counter32(3_471_234_567)),
        VarBind::new(col(11), Value::Counter32(48_123_456)),
        VarBind::new(col(12), Value::Counter32(12_345)),
        VarBind::new(col(13), Value::Counter32(0)),
        VarBind::new(col(14), Value::Counter32(7)),
        VarBind::new(col(16), Value::Counter32(2_987_654_321)),
        VarBind::new(col(17), Value::Counter32(39_876_543)),
        VarBind::new(col(21), Value::Gauge32(0)),
        VarBind::new(col(22), Value::oid(Oid::from_slice(&[0, 0]))),
        VarBind::new(xcol(6), Value::Counter64(81_234_567_890_123)),
        VarBind::new(xcol(10), Value::Counter64(77_987_654_321_098)),
    ];
    assert_eq!(varbinds.len(), 20);
    Message::Community(CommunityMessage {
        version: Version::V2c,
        community: Cow::Borrowed(b"public"),
        pdu: Pdus::Pdu(Pdu::new(PduType::Response, 1_893_410_722, varbinds)),
    })
    .to_vec()
}

fn codec(c: &mut Criterion) {
    let bytes = if_row_response();
    let mut g = c.benchmark_group("getresponse_20vb");

    let mut buf = Vec::with_capacity(1500);
    g.bench_function("ours/decode", |b| b.iter(|| Message::decode(black_box(&bytes)).unwrap()));
    let msg = Message::decode(&bytes).unwrap();
    g.bench_function("ours/encode", |b| {
        b.iter(|| {
            buf.clear();
            black_box(&msg).encode(&mut buf);
            black_box(buf.len())
        })
    });
    g.bench_function("ours/decode+encode", |b| {
        b.iter(|| {
            let m = Message::decode(black_box(&bytes)).unwrap();
            buf.clear();
            m.encode(&mut buf);
            black_box(buf.len())
        })
    });
    assert_eq!(buf, bytes);

    type RasnMsg = v2c::Message<v2::Pdus>;
    g.bench_function("rasn/decode", |b| b.iter(|| rasn::ber::decode::<RasnMsg>(black_box(&bytes)).unwrap()));
    let rmsg: RasnMsg = rasn::ber::decode(&bytes).unwrap();
    g.bench_function("rasn/encode", |b| b.iter(|| rasn::ber::encode(black_box(&rmsg)).unwrap()));
    g.bench_function("rasn/decode+encode", |b| {
        b.iter(|| {
            let m: RasnMsg = rasn::ber::decode(black_box(&bytes)).unwrap();
            rasn::ber::encode(&m).unwrap()
        })
    });
    assert_eq!(rasn::ber::encode(&rmsg).unwrap(), bytes);
    g.finish();
}

fn config() -> Criterion {
    Criterion::default().warm_up_time(Duration::from_secs(1)).measurement_time(Duration::from_secs(3)).sample_size(50)
}

criterion_group! {
    name = benches;
    config = config();
    targets = codec
}
criterion_main!(benches);
