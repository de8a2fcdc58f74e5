//! Real datagrams captured from net-snmp 5.9.3's tools and snmpd/snmptrapd on loopback
//! (see `testdata/capture.sh` and `testdata/packets/README.md`). Each one must decode, carry
//! the fields asserted here, and re-encode to the identical bytes (net-snmp writes minimal
//! lengths and integers, as our encoder does).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use snmp::{CommunityMessage, Message, Oid, Pdu, PduType, Pdus, ScopedPduData, TrapV1Pdu, V3Message, Value, Version};

fn packet(name: &str) -> Vec<u8> {
    let path = format!("{}/testdata/packets/{name}.bin", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// Decodes, checks the byte-identical re-encoding and `encoded_len`, returns the message.
fn decode(bytes: &[u8]) -> Message<'_> {
    let m = Message::decode(bytes).expect("decodes");
    assert_eq!(m.encoded_len(), bytes.len(), "encoded_len");
    assert_eq!(m.to_vec(), bytes, "re-encoding is byte-identical");
    let (again, used) = Message::decode_prefix(bytes).unwrap();
    assert_eq!(used, bytes.len());
    assert_eq!(again, m);
    m
}

fn oid(s: &str) -> Oid {
    s.parse().unwrap()
}

fn community<'m, 'a>(m: &'m Message<'a>, version: Version, comm: &str) -> &'m CommunityMessage<'a> {
    let Message::Community(c) = m else { panic!("expected a community message, got {m:?}") };
    assert_eq!(c.version, version);
    assert_eq!(&*c.community, comm.as_bytes());
    c
}

fn pdu<'m, 'a>(m: &'m Message<'a>, version: Version, comm: &str, ty: PduType) -> &'m Pdu<'a> {
    let Pdus::Pdu(p) = &community(m, version, comm).pdu else { panic!("expected a PDU, got {m:?}") };
    assert_eq!(p.pdu_type, ty);
    p
}

fn oids(p: &Pdu<'_>) -> Vec<String> {
    p.varbinds.iter().map(|vb| vb.oid.to_string()).collect()
}

fn values<'p>(p: &'p Pdu<'_>) -> Vec<&'p Value<'p>> {
    p.varbinds.iter().map(|vb| &vb.value).collect()
}

fn s(bytes: &[u8]) -> Value<'_> {
    Value::OctetString(bytes.into())
}

fn assert_request(p: &Pdu<'_>, request_id: i64, want_oids: &[&str]) {
    assert_eq!(p.request_id, request_id);
    assert_eq!((p.error_status, p.error_index), (0, 0));
    assert_eq!(oids(p), want_oids);
    assert!(p.varbinds.iter().all(|vb| vb.value == Value::Null));
}

const SYS_DESCR: &[u8] = b"Linux vm 6.18.44-fc-v595 #1 SMP PREEMPT_DYNAMIC @0 x86_64";
const ENGINE_ID: &[u8] = &[0x80, 0x00, 0x1f, 0x88, 0x80, 0x5e, 0x8d, 0x9d, 0x7c, 0x43, 0xc7, 0x07, 0x6b, 0, 0, 0, 0];

#[test]
fn v1_get() {
    let req = packet("v1-get-request");
    let p = pdu(&decode(&req), Version::V1, "public", PduType::GetRequest).clone();
    assert_request(&p, 196283342, &["1.3.6.1.2.1.1.5.0", "1.3.6.1.2.1.1.3.0"]);

    let resp = packet("v1-get-response");
    let m = decode(&resp);
    let p = pdu(&m, Version::V1, "public", PduType::Response);
    assert_eq!(p.request_id, 196283342);
    assert_eq!((p.error_status, p.error_index), (0, 0));
    assert_eq!(oids(p), ["1.3.6.1.2.1.1.5.0", "1.3.6.1.2.1.1.3.0"]);
    assert_eq!(values(p), [&s(b"osprey-capture"), &Value::TimeTicks(42)]);
}

#[test]
fn v1_getnext() {
    let req = packet("v1-getnext-request");
    let p = pdu(&decode(&req), Version::V1, "public", PduType::GetNextRequest).clone();
    assert_request(&p, 1312558053, &["1.3.6.1.2.1.1.1", "1.3.6.1.2.1.2.2.1.2"]);

    let resp = packet("v1-getnext-response");
    let m = decode(&resp);
    let p = pdu(&m, Version::V1, "public", PduType::Response);
    assert_eq!(p.request_id, 1312558053);
    assert_eq!(oids(p), ["1.3.6.1.2.1.1.1.0", "1.3.6.1.2.1.2.2.1.2.1"]);
    assert_eq!(values(p), [&s(SYS_DESCR), &s(b"lo")]);
}

#[test]
fn v1_set() {
    for (name, ty) in [("v1-set-request", PduType::SetRequest), ("v1-set-response", PduType::Response)] {
        let bytes = packet(name);
        let m = decode(&bytes);
        let p = pdu(&m, Version::V1, "private", ty);
        assert_eq!(p.request_id, 195270463);
        assert_eq!((p.error_status, p.error_index), (0, 0));
        assert_eq!(oids(p), ["1.3.6.1.2.1.1.6.0"]);
        assert_eq!(values(p), [&s(b"rack 7, row B")]);
    }
}

#[test]
fn v1_no_such_name() {
    let req = packet("v1-nosuchname-request");
    let p = pdu(&decode(&req), Version::V1, "public", PduType::GetRequest).clone();
    assert_request(&p, 474936279, &["1.3.6.1.2.1.1.99.0"]);

    // snmpd answers with the request's varbinds (NULL values) and noSuchName(2) at index 1;
    // only the PDU tag differs from the request.
    let resp = packet("v1-nosuchname-response");
    assert_eq!(resp.len(), req.len());
    let m = decode(&resp);
    let p = pdu(&m, Version::V1, "public", PduType::Response);
    assert_eq!(p.request_id, 474936279);
    assert_eq!(p.error_status, snmp::ErrorStatus::NoSuchName as i32);
    assert_eq!(p.error_index, 1);
    assert_eq!(values(p), [&Value::Null]);
}

#[test]
fn v2c_exceptions() {
    let want = ["1.3.6.1.2.1.1.3.0", "1.3.6.1.2.1.1.99.0", "1.3.6.1.2.1.1.1.1"];
    let req = packet("v2c-get-exceptions-request");
    let p = pdu(&decode(&req), Version::V2c, "public", PduType::GetRequest).clone();
    assert_request(&p, 646212702, &want);

    let resp = packet("v2c-get-exceptions-response");
    let m = decode(&resp);
    let p = pdu(&m, Version::V2c, "public", PduType::Response);
    assert_eq!(p.request_id, 646212702);
    assert_eq!((p.error_status, p.error_index), (0, 0));
    assert_eq!(oids(p), want);
    assert_eq!(values(p), [&Value::TimeTicks(51), &Value::NoSuchObject, &Value::NoSuchInstance]);
    // The exceptions are context tags 0x80/0x81 with empty content.
    assert!(resp.windows(2).any(|w| w == [0x80, 0x00]));
    assert!(resp.windows(2).any(|w| w == [0x81, 0x00]));
}

#[test]
fn v2c_getnext_end_of_mib_view() {
    let req = packet("v2c-getnext-endofmibview-request");
    let p = pdu(&decode(&req), Version::V2c, "public", PduType::GetNextRequest).clone();
    // `.2.1` is encoded as the single byte 81 = 2*40 + 1.
    assert_request(&p, 333335323, &["1.3.6.1.2.1.1.1", "2.1"]);
    assert!(req.ends_with(&[0x30, 0x05, 0x06, 0x01, 0x51, 0x05, 0x00]));

    let resp = packet("v2c-getnext-endofmibview-response");
    let m = decode(&resp);
    let p = pdu(&m, Version::V2c, "public", PduType::Response);
    assert_eq!(p.request_id, 333335323);
    assert_eq!((p.error_status, p.error_index), (0, 0));
    // Past the end, the request OID is echoed with endOfMibView.
    assert_eq!(oids(p), ["1.3.6.1.2.1.1.1.0", "2.1"]);
    assert_eq!(values(p), [&s(SYS_DESCR), &Value::EndOfMibView]);
}

#[test]
fn v2c_get_many_types() {
    let want = [
        "1.3.6.1.2.1.1.2.0",
        "1.3.6.1.2.1.1.3.0",
        "1.3.6.1.2.1.2.2.1.5.1",
        "1.3.6.1.2.1.2.2.1.10.1",
        "1.3.6.1.2.1.31.1.1.1.6.1",
        "1.3.6.1.2.1.4.20.1.1.127.0.0.1",
        "1.3.6.1.2.1.2.2.1.6.2",
        "1.3.6.1.6.3.10.2.1.1.0",
        "1.3.6.1.2.1.1.7.0",
    ];
    let req = packet("v2c-get-types-request");
    let p = pdu(&decode(&req), Version::V2c, "public", PduType::GetRequest).clone();
    assert_request(&p, 299586988, &want);

    let resp = packet("v2c-get-types-response");
    let m = decode(&resp);
    let p = pdu(&m, Version::V2c, "public", PduType::Response);
    assert_eq!(p.request_id, 299586988);
    assert_eq!((p.error_status, p.error_index), (0, 0));
    assert_eq!(oids(p), want);
    assert_eq!(
        values(p),
        [
            &Value::oid(oid("1.3.6.1.4.1.8072.3.2.10")),
            &Value::TimeTicks(53),
            &Value::Gauge32(10_000_000),
            &Value::Counter32(1_161_464),
            &Value::Counter64(1_161_464),
            &Value::IpAddress([127, 0, 0, 1]),
            &s(&[0xaa, 0xd0, 0xdb, 0xe8, 0xb8, 0x4e]),
            &s(ENGINE_ID),
            // sysServices is not configured, so snmpd has no instance.
            &Value::NoSuchInstance,
        ]
    );
    // Gauge32 10000000 = 0x989680 needs a 0x00 sign pad: 42 04 00 98 96 80.
    assert!(resp.windows(6).any(|w| w == [0x42, 4, 0, 0x98, 0x96, 0x80]));
}

#[test]
fn v2c_getbulk() {
    let req = packet("v2c-getbulk-request");
    let m = decode(&req);
    let p = pdu(&m, Version::V2c, "public", PduType::GetBulkRequest);
    assert_eq!(p.request_id, 1010360969);
    assert_eq!((p.non_repeaters(), p.max_repetitions()), (1, 4));
    assert_eq!(oids(p), ["1.3.6.1.2.1.1.3", "1.3.6.1.2.1.2.2.1.2", "1.3.6.1.2.1.31.1.1.1.6"]);

    let resp = packet("v2c-getbulk-response");
    let m = decode(&resp);
    let p = pdu(&m, Version::V2c, "public", PduType::Response);
    assert_eq!(p.request_id, 1010360969);
    assert_eq!((p.error_status, p.error_index), (0, 0));
    // One non-repeater, then four rows of (ifDescr, ifHCInOctets).
    assert_eq!(p.varbinds.len(), 9);
    assert_eq!(p.varbinds[0].oid, oid("1.3.6.1.2.1.1.3.0"));
    assert_eq!(p.varbinds[0].value, Value::TimeTicks(55));
    let names: [&[u8]; 4] = [b"lo", b"ifb0", b"ifb1", b"eth0"];
    let octets = [1_161_464u64, 0, 0, 47_002_810];
    for (i, row) in p.varbinds[1..].chunks(2).enumerate() {
        let index = u32::try_from(i + 1).unwrap();
        assert_eq!(row[0].oid, oid("1.3.6.1.2.1.2.2.1.2").child(&[index]));
        assert_eq!(row[0].value, s(names[i]));
        assert_eq!(row[1].oid, oid("1.3.6.1.2.1.31.1.1.1.6").child(&[index]));
        assert_eq!(row[1].value, Value::Counter64(octets[i]));
    }
}

#[test]
fn v2c_set_wrong_value() {
    let req = packet("v2c-set-request");
    let m = decode(&req);
    let p = pdu(&m, Version::V2c, "private", PduType::SetRequest);
    assert_eq!(p.request_id, 2089889030);
    assert_eq!(oids(p), ["1.3.6.1.2.1.1.6.0"]);
    // Binary-safe octet string: NUL and 0xff survive.
    assert_eq!(values(p), [&s(b"osprey\x00\xff")]);

    // sysLocation is a DisplayString, so snmpd refuses 0xff with wrongValue(10), index 1.
    let resp = packet("v2c-set-response");
    let m = decode(&resp);
    let p = pdu(&m, Version::V2c, "private", PduType::Response);
    assert_eq!(p.request_id, 2089889030);
    assert_eq!(p.error_status, snmp::ErrorStatus::WrongValue as i32);
    assert_eq!(p.error_index, 1);
    assert_eq!(values(p), [&s(b"osprey\x00\xff")]);
}

#[test]
fn v1_trap() {
    let bytes = packet("v1-trap-request");
    let m = decode(&bytes);
    let c = community(&m, Version::V1, "public");
    let Pdus::TrapV1(t) = &c.pdu else { panic!("expected a v1 trap: {m:?}") };
    assert_eq!(
        t,
        &TrapV1Pdu {
            enterprise: oid("1.3.6.1.4.1.8072.2.3"),
            agent_addr: [127, 0, 0, 1],
            generic_trap: 6,
            specific_trap: 17,
            time_stamp: 12345,
            varbinds: vec![snmp::VarBind::new(oid("1.3.6.1.2.1.1.5.0"), s(b"osprey-capture"))],
        }
    );
    assert_eq!(c.pdu.pdu_type(), PduType::TrapV1);
}

#[test]
fn v2c_trap() {
    let bytes = packet("v2c-trap-request");
    let m = decode(&bytes);
    let p = pdu(&m, Version::V2c, "public", PduType::SnmpV2Trap);
    assert_eq!(p.request_id, 63838773);
    assert_eq!((p.error_status, p.error_index), (0, 0));
    assert_eq!(
        oids(p),
        [
            "1.3.6.1.2.1.1.3.0",
            "1.3.6.1.6.3.1.1.4.1.0",
            "1.3.6.1.2.1.2.2.1.1.2",
            "1.3.6.1.2.1.2.2.1.7.2",
            "1.3.6.1.2.1.2.2.1.8.2"
        ]
    );
    assert_eq!(
        values(p),
        [
            &Value::TimeTicks(12345),
            &Value::oid(oid("1.3.6.1.6.3.1.1.5.3")),
            &Value::Integer(2),
            &Value::Integer(2),
            &Value::Integer(2)
        ]
    );
}

#[test]
fn v2c_inform_and_its_response() {
    let want_oids = ["1.3.6.1.2.1.1.3.0", "1.3.6.1.6.3.1.1.4.1.0", "1.3.6.1.2.1.2.2.1.1.2", "1.3.6.1.2.1.31.1.1.1.1.2"];
    let want_values = [Value::TimeTicks(12345), Value::oid(oid("1.3.6.1.6.3.1.1.5.4")), Value::Integer(2), s(b"ifb0")];
    let req = packet("v2c-inform-request");
    let resp = packet("v2c-inform-response");
    // snmptrapd acknowledges by echoing the varbinds in a Response.
    for (bytes, ty) in [(&req, PduType::InformRequest), (&resp, PduType::Response)] {
        let m = decode(bytes);
        let p = pdu(&m, Version::V2c, "public", ty);
        assert_eq!(p.request_id, 1976427925);
        assert_eq!((p.error_status, p.error_index), (0, 0));
        assert_eq!(oids(p), want_oids);
        assert_eq!(values(p), want_values.iter().collect::<Vec<_>>());
    }
}

fn v3<'m, 'a>(m: &'m Message<'a>) -> &'m V3Message<'a> {
    let Message::V3(v) = m else { panic!("expected v3: {m:?}") };
    assert_eq!(m.version(), Version::V3);
    assert_eq!(v.header.security_model, 3, "USM");
    assert_eq!(v.header.max_size, 65507);
    v
}

#[test]
fn v3_discovery_and_report() {
    let req = packet("v3-discovery-request");
    let m = decode(&req);
    let v = v3(&m);
    assert_eq!(v.header.msg_id, 1568370192);
    // noAuthNoPriv, reportable.
    assert_eq!(v.header.flags, snmp::V3Header::FLAG_REPORTABLE);
    // UsmSecurityParameters with an empty engine ID, boots/time 0, no user, no auth/priv.
    assert_eq!(&*v.security_parameters, [0x30, 14, 4, 0, 2, 1, 0, 2, 1, 0, 4, 0, 4, 0, 4, 0]);
    let ScopedPduData::Plaintext(sp) = &v.data else { panic!("plaintext expected") };
    assert!(sp.context_engine_id.is_empty() && sp.context_name.is_empty());
    let Pdus::Pdu(p) = &sp.pdu else { panic!() };
    assert_eq!(p.pdu_type, PduType::GetRequest);
    assert_eq!(p.request_id, 1966809133);
    assert!(p.varbinds.is_empty());

    let resp = packet("v3-discovery-response");
    let m = decode(&resp);
    let v = v3(&m);
    assert_eq!(v.header.msg_id, 1568370192);
    assert_eq!(v.header.flags, 0);
    // The Report carries the authoritative engine ID, boots 1 and time 1.
    let mut want_sp = vec![0x30, 31, 4, 17];
    want_sp.extend_from_slice(ENGINE_ID);
    want_sp.extend_from_slice(&[2, 1, 1, 2, 1, 1, 4, 0, 4, 0, 4, 0]);
    assert_eq!(&*v.security_parameters, want_sp.as_slice());
    let ScopedPduData::Plaintext(sp) = &v.data else { panic!("plaintext expected") };
    assert_eq!(&*sp.context_engine_id, ENGINE_ID);
    assert!(sp.context_name.is_empty());
    let Pdus::Pdu(p) = &sp.pdu else { panic!() };
    assert_eq!(p.pdu_type, PduType::Report);
    assert_eq!(p.request_id, 1966809133);
    assert_eq!(oids(p), ["1.3.6.1.6.3.15.1.1.4.0"], "usmStatsUnknownEngineIDs.0");
    assert_eq!(values(p), [&Value::Counter32(1)]);
}

#[test]
fn v3_auth_priv_get() {
    for (name, flags, data_len) in [("v3-authpriv-get-request", 7, 53), ("v3-authpriv-get-response", 3, 54)] {
        let bytes = packet(name);
        let m = decode(&bytes);
        let v = v3(&m);
        assert_eq!(v.header.msg_id, 198138985);
        assert_eq!(v.header.flags, flags, "{name}");
        // 0x30 0x39, engine ID, boots 1, time 1, user name, 12-byte HMAC, 8-byte AES salt.
        let spar = &*v.security_parameters;
        assert_eq!(spar.len(), 59);
        assert_eq!(&spar[4..21], ENGINE_ID);
        assert_eq!(&spar[27..35], b"\x04\x06osprey");
        assert_eq!(&spar[35..37], [4, 12]);
        assert_eq!(&spar[49..51], [4, 8]);
        let ScopedPduData::Encrypted(ct) = &v.data else { panic!("encrypted expected") };
        assert_eq!(ct.len(), data_len, "{name}");
    }
}

#[test]
fn every_packet_file_round_trips() {
    let mut names: Vec<String> = std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/packets"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".bin"))
        .collect();
    names.sort();
    assert_eq!(names.len(), 26, "{names:?}");
    for n in &names {
        decode(&packet(n.trim_end_matches(".bin")));
    }
}
