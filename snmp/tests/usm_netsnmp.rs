//! Net-SNMP as the peer, both directions. `snmpget -v3 -l authPriv` sends one request to a
//! UDP socket this test holds (with `-e`, no discovery round): the captured datagram's MAC is
//! verified and its scopedPDU decrypted with `snmp::usm`; then the test answers as the agent
//! with a Response encrypted and signed by `snmp::usm`, which snmpget must accept. That checks
//! the RFC 7860 SHA-2 keys and MACs, DES, AES-128 and both AES-192/256 key extensions against
//! a real implementation: net-snmp's own (`-x AES-256`, Blumenthal) and its Cisco-compatible
//! one (`-x AES-256-C`, Reeder). Frozen requests keep the check where net-snmp is missing.

#![allow(clippy::expect_used, clippy::indexing_slicing)]

use std::net::UdpSocket;
use std::process::{Command, Stdio};
use std::time::Duration;

use snmp::ber::Reader;
use std::borrow::Cow;

use snmp::usm::{AuthProtocol, KeyExtension, PrivProtocol, SaltCounter, SecurityParameters};
use snmp::{Message, PduType, Pdus, ScopedPdu, ScopedPduData, V3Message, Value};

const ENGINE_ID: [u8; 9] = [0x80, 0x00, 0x1f, 0x88, 0x80, 0x01, 0x02, 0x03, 0x04];
const AUTH_PASSWORD: &str = "osprey-auth-pass";
const PRIV_PASSWORD: &str = "osprey-priv-pass";

fn have_snmpget() -> bool {
    if std::path::Path::new("/usr/bin/snmpget").exists() {
        return true;
    }
    assert!(std::env::var_os("CI").is_none(), "net-snmp tools missing in CI");
    eprintln!("skipped: net-snmp (snmp) not installed; run scripts/test.sh");
    false
}

/// One authPriv GetRequest from snmpget, as sent on the wire.
fn capture(auth: AuthProtocol, privacy: &str) -> Vec<u8> {
    let socket = UdpSocket::bind("127.0.0.1:0").expect("bind");
    socket.set_read_timeout(Some(Duration::from_secs(5))).expect("timeout");
    let port = socket.local_addr().expect("addr").port();
    let engine_hex: String = ENGINE_ID.iter().map(|b| format!("{b:02x}")).collect();
    let mut child = Command::new("snmpget")
        .args(["-v3", "-l", "authPriv", "-u", "osprey", "-r", "0", "-t", "3"])
        .args(["-a", auth.name(), "-A", AUTH_PASSWORD, "-x", privacy, "-X", PRIV_PASSWORD])
        .args(["-e", &format!("0x{engine_hex}")])
        .arg(format!("127.0.0.1:{port}"))
        .arg("1.3.6.1.2.1.1.5.0")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn snmpget");
    let mut buf = vec![0u8; 65_535];
    let received = socket.recv(&mut buf);
    let _ = child.kill();
    let _ = child.wait();
    buf.truncate(received.expect("snmpget sent a request"));
    buf
}

/// Verifies the captured request's MAC and decrypts its scopedPDU; returns the plaintext.
fn open(datagram: &[u8], auth: AuthProtocol, privacy: PrivProtocol, extension: KeyExtension) -> Vec<u8> {
    let Message::V3(message) = Message::decode(datagram).expect("decodes") else {
        panic!("not a v3 message");
    };
    assert_eq!(message.header.flags & 0x03, 0x03, "authPriv flags");
    let usm = SecurityParameters::decode(&message.security_parameters).expect("USM parameters");
    assert_eq!(usm.engine_id, ENGINE_ID);
    assert_eq!(usm.user_name, b"osprey");
    assert_eq!(usm.auth_parameters.len(), auth.mac_len(), "{auth} MAC length on the wire");

    let auth_key = auth.localized_key(AUTH_PASSWORD.as_bytes(), usm.engine_id).expect("auth key");
    assert_eq!(auth.verify_message(&auth_key, datagram), Ok(true), "{auth} MAC verifies");
    let mut resigned = datagram.to_vec();
    auth.sign_message(&auth_key, &mut resigned).expect("signs");
    assert_eq!(resigned, datagram, "{auth} signing reproduces net-snmp's MAC");
    let wrong_key = auth.localized_key(b"not the password", usm.engine_id).expect("key");
    assert_eq!(auth.verify_message(&wrong_key, datagram), Ok(false));
    let mut tampered = datagram.to_vec();
    if let Some(last) = tampered.last_mut() {
        *last ^= 1;
    }
    assert_eq!(auth.verify_message(&auth_key, &tampered), Ok(false));

    let ScopedPduData::Encrypted(ciphertext) = &message.data else {
        panic!("scopedPDU not encrypted");
    };
    let priv_key = privacy.localized_key(auth, PRIV_PASSWORD.as_bytes(), usm.engine_id, extension).expect("priv key");
    privacy.decrypt(&priv_key, usm.engine_boots, usm.engine_time, usm.privacy_parameters, ciphertext).expect("decrypts")
}

/// The decrypted scopedPDU: one SEQUENCE (DES padding after it ignored) naming our engine.
fn assert_scoped_pdu(plaintext: &[u8]) {
    let mut r = Reader::new(plaintext);
    let content = r.expect(0x30).expect("scopedPDU SEQUENCE");
    let scoped = ScopedPdu::decode(content).expect("scopedPDU decodes");
    assert_eq!(scoped.context_engine_id.as_ref(), ENGINE_ID);
    // sysName.0 = 1.3.6.1.2.1.1.5.0 is in the varbind list.
    const SYS_NAME: [u8; 10] = [0x06, 0x08, 0x2b, 6, 1, 2, 1, 1, 5, 0];
    assert!(content.windows(SYS_NAME.len()).any(|w| w == SYS_NAME));
}

/// Requests snmpget 5.9.3 sent (same user, passwords and engine as above), kept so the
/// check runs where net-snmp is not installed.
const FROZEN: [(AuthProtocol, PrivProtocol, &str); 4] = [
    (
        AuthProtocol::Sha256,
        PrivProtocol::Aes128,
        "308186020103301102041676e8c7020300ffe3040107020103043f303d040980001f888001020304020100\
         02010004066f73707265790418bbc9d6dac3adff9375190c7c720b4bf9177da1482fb5042b0408913\
         5a2de64302ecd042d305325ce44c3888dcb5551d6836516173268573a276c214691ba09417e14ea01ef0\
         4b2dd621210dadcf39cb118",
    ),
    (
        AuthProtocol::Sha1,
        PrivProtocol::Des,
        "307d0201033011020424b2503e020300ffe304010702010304333031040980001f8880010203040201000\
         2010004066f7370726579040c5f311ada7f336dc429159f2b040800000004b9aa46db0430159e6886a5\
         8866bee8db5f458f0d3b7f006e0045879df65302c35b6a52b2f3f56a4978930a1e215e64379372dafca781",
    ),
    (
        AuthProtocol::Md5,
        PrivProtocol::Aes256,
        "307a0201033011020415d16d96020300ffe304010702010304333031040980001f8880010203040201000\
         2010004066f7370726579040ccebb1577af3b8c2f02c0abd804087b8c4ffd5f46d732042de71a8221dfc\
         e5089693ef521b372323c07851729bea3d60544518f8457b58a1f526817f3ed991c1bc383763c2b",
    ),
    (
        AuthProtocol::Sha512,
        PrivProtocol::Aes192,
        "30819e020103301102042c989de1020300ffe304010702010304573055040980001f88800102030402010\
         002010004066f7370726579043077ec42216204952d76a8874fa1fb05bfab5b83b8e61da3343042766a6\
         d944c6e4b1203736866272866a514db7f6257b804085ebeff66f1a6d986042d03325142d7fcc63fcffe5\
         1208c59a639a9cc20207d2fa0772cc87ced87b928f8b18caf7a3aff1b51ccef5f6dff",
    ),
];

fn unhex(text: &str) -> Vec<u8> {
    let digits: Vec<u8> = text.bytes().filter(u8::is_ascii_hexdigit).collect();
    digits
        .chunks(2)
        .map(|pair| u8::from_str_radix(std::str::from_utf8(pair).expect("ascii"), 16).expect("hex"))
        .collect()
}

#[test]
fn frozen_netsnmp_requests() {
    for (auth, privacy, datagram) in FROZEN {
        let plaintext = open(&unhex(datagram), auth, privacy, KeyExtension::Blumenthal);
        assert_scoped_pdu(&plaintext);
    }
}

fn check(auth: AuthProtocol, privacy: PrivProtocol) {
    let datagram = capture(auth, privacy.name());
    let plaintext = open(&datagram, auth, privacy, KeyExtension::Blumenthal);
    assert_scoped_pdu(&plaintext);
}

#[test]
fn sha256_with_aes128() {
    if have_snmpget() {
        check(AuthProtocol::Sha256, PrivProtocol::Aes128);
    }
}

#[test]
fn sha1_with_des() {
    if have_snmpget() {
        check(AuthProtocol::Sha1, PrivProtocol::Des);
    }
}

#[test]
fn md5_with_aes128() {
    if have_snmpget() {
        check(AuthProtocol::Md5, PrivProtocol::Aes128);
    }
}

#[test]
fn md5_with_des() {
    if have_snmpget() {
        check(AuthProtocol::Md5, PrivProtocol::Des);
    }
}

#[test]
fn sha224_sha384_sha512_with_aes() {
    if have_snmpget() {
        check(AuthProtocol::Sha224, PrivProtocol::Aes128);
        check(AuthProtocol::Sha384, PrivProtocol::Aes192);
        check(AuthProtocol::Sha512, PrivProtocol::Aes256);
    }
}

/// MD5 and SHA-1 hashes are shorter than AES-192/256 keys: net-snmp extends them the
/// Blumenthal way, and the Reeder extension does not open its packets.
#[test]
fn aes192_aes256_key_extension_is_blumenthal() {
    if !have_snmpget() {
        return;
    }
    for (auth, privacy) in [
        (AuthProtocol::Md5, PrivProtocol::Aes192),
        (AuthProtocol::Md5, PrivProtocol::Aes256),
        (AuthProtocol::Sha1, PrivProtocol::Aes192),
        (AuthProtocol::Sha1, PrivProtocol::Aes256),
    ] {
        let datagram = capture(auth, privacy.name());
        assert_scoped_pdu(&open(&datagram, auth, privacy, KeyExtension::Blumenthal));
        let reeder = open(&datagram, auth, privacy, KeyExtension::Reeder);
        let opened_with_reeder =
            Reader::new(&reeder).expect(0x30).ok().and_then(|content| ScopedPdu::decode(content).ok());
        assert!(opened_with_reeder.is_none(), "{auth}+{privacy} opened with Reeder keys");
    }
}

/// net-snmp's `AES-192-C`/`AES-256-C` are the Cisco (Reeder) key extension: they open with
/// [`KeyExtension::Reeder`] and not with Blumenthal's, and the names parse to that choice.
#[test]
fn cisco_variants_are_reeder() {
    if !have_snmpget() {
        return;
    }
    for (auth, name) in [
        (AuthProtocol::Md5, "AES-192-C"),
        (AuthProtocol::Md5, "AES-256-C"),
        (AuthProtocol::Sha1, "AES-192-C"),
        (AuthProtocol::Sha1, "AES-256-C"),
    ] {
        let (privacy, extension) = PrivProtocol::parse_with_extension(name).expect("parses");
        assert_eq!(extension, KeyExtension::Reeder);
        let datagram = capture(auth, name);
        assert_scoped_pdu(&open(&datagram, auth, privacy, KeyExtension::Reeder));
        let blumenthal = open(&datagram, auth, privacy, KeyExtension::Blumenthal);
        let opened_with_blumenthal =
            Reader::new(&blumenthal).expect(0x30).ok().and_then(|content| ScopedPdu::decode(content).ok());
        assert!(opened_with_blumenthal.is_none(), "{auth}+{name} opened with Blumenthal keys");
    }
}

/// The other direction: this test answers snmpget as the authoritative agent, encrypting and
/// signing the Response with `snmp::usm`, and snmpget (which verifies and decrypts it)
/// prints the value only if both are right.
fn answer(auth: AuthProtocol, privacy_name: &str) {
    let (privacy, extension) = PrivProtocol::parse_with_extension(privacy_name).expect("name");
    let socket = UdpSocket::bind("127.0.0.1:0").expect("bind");
    socket.set_read_timeout(Some(Duration::from_secs(5))).expect("timeout");
    let port = socket.local_addr().expect("addr").port();
    let engine_hex: String = ENGINE_ID.iter().map(|b| format!("{b:02x}")).collect();
    let child = Command::new("snmpget")
        .args(["-v3", "-l", "authPriv", "-u", "osprey", "-r", "0", "-t", "3", "-Ov"])
        .args(["-a", auth.name(), "-A", AUTH_PASSWORD, "-x", privacy_name, "-X", PRIV_PASSWORD])
        .args(["-e", &format!("0x{engine_hex}")])
        .arg(format!("127.0.0.1:{port}"))
        .arg("1.3.6.1.2.1.1.5.0")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn snmpget");
    let mut buf = vec![0u8; 65_535];
    let (len, peer) = socket.recv_from(&mut buf).expect("request");
    let request = &buf[..len];

    let Message::V3(message) = Message::decode(request).expect("decodes") else {
        panic!("not v3");
    };
    let usm = SecurityParameters::decode(&message.security_parameters).expect("usm");
    let auth_key = auth.localized_key(AUTH_PASSWORD.as_bytes(), usm.engine_id).expect("key");
    let priv_key = privacy.localized_key(auth, PRIV_PASSWORD.as_bytes(), usm.engine_id, extension).expect("key");
    assert_eq!(auth.verify_message(&auth_key, request), Ok(true));
    let ScopedPduData::Encrypted(ciphertext) = &message.data else {
        panic!("not encrypted");
    };
    let plaintext = privacy
        .decrypt(&priv_key, usm.engine_boots, usm.engine_time, usm.privacy_parameters, ciphertext)
        .expect("decrypts");
    let mut r = Reader::new(&plaintext);
    let mut scoped = ScopedPdu::decode(r.expect(0x30).expect("SEQUENCE")).expect("scopedPDU");
    let Pdus::Pdu(pdu) = &mut scoped.pdu else {
        panic!("not a get");
    };
    pdu.pdu_type = PduType::Response;
    for varbind in &mut pdu.varbinds {
        varbind.value = Value::OctetString(Cow::Borrowed(b"osprey-usm-ok"));
    }
    let mut response_scoped = Vec::new();
    scoped.encode(&mut response_scoped);

    let salts = SaltCounter::random().expect("salt");
    let sealed = privacy
        .encrypt(&priv_key, usm.engine_boots, usm.engine_time, salts.next_salt(), &response_scoped)
        .expect("encrypts");
    let zero_mac = vec![0u8; auth.mac_len()];
    let security = SecurityParameters {
        auth_parameters: &zero_mac,
        privacy_parameters: &sealed.privacy_parameters,
        ..usm.clone()
    };
    let mut header = message.header;
    header.flags = 0x03;
    let response = V3Message {
        header,
        security_parameters: Cow::Owned(security.to_vec()),
        data: ScopedPduData::Encrypted(Cow::Owned(sealed.ciphertext)),
    };
    let mut datagram = Message::V3(response).to_vec();
    auth.sign_message(&auth_key, &mut datagram).expect("signs");
    socket.send_to(&datagram, peer).expect("send");

    let output = child.wait_with_output().expect("snmpget ends");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.contains("osprey-usm-ok"),
        "{auth}+{privacy_name}: snmpget printed {stdout:?}, stderr {:?}",
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn netsnmp_accepts_our_signed_encrypted_responses() {
    if !have_snmpget() {
        return;
    }
    answer(AuthProtocol::Sha256, "AES");
    answer(AuthProtocol::Sha1, "DES");
    answer(AuthProtocol::Md5, "AES");
    answer(AuthProtocol::Sha512, "AES-256");
    answer(AuthProtocol::Md5, "AES-256");
    answer(AuthProtocol::Sha1, "AES-256-C");
    answer(AuthProtocol::Md5, "AES-192-C");
}
