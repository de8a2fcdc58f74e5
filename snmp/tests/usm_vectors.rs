//! Published USM key vectors: RFC 3414 A.3.1 (MD5) and A.3.2 (SHA-1), password "maplesyrup"
//! and snmpEngineID 00000000 00000000 00000002.

#![allow(clippy::expect_used)]

use snmp::usm::{AuthProtocol, LocalizedKey};

const PASSWORD: &[u8] = b"maplesyrup";
const ENGINE_ID: [u8; 12] = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2];

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[test]
fn rfc3414_a_3_1_md5() {
    let ku = AuthProtocol::Md5.password_to_key(PASSWORD).expect("key");
    assert_eq!(hex(ku.as_bytes()), "9faf3283884e92834ebc9847d8edd963");
    let kul = AuthProtocol::Md5.localize(&ku, &ENGINE_ID);
    assert_eq!(hex(kul.as_bytes()), "526f5eed9fcce26f8964c2930787d82b");
}

#[test]
fn rfc3414_a_3_2_sha1() {
    let ku = AuthProtocol::Sha1.password_to_key(PASSWORD).expect("key");
    assert_eq!(hex(ku.as_bytes()), "9fb5cc0381497b3793528939ff788d5d79145211");
    let kul = AuthProtocol::Sha1.localize(&ku, &ENGINE_ID);
    assert_eq!(hex(kul.as_bytes()), "6695febc9288e36282235fc7151f128497b38f3f");
}

#[test]
fn localized_key_is_password_to_key_then_localize() {
    for protocol in AuthProtocol::ALL {
        let direct = protocol.localized_key(PASSWORD, &ENGINE_ID).expect("key");
        let ku: LocalizedKey = protocol.password_to_key(PASSWORD).expect("key");
        assert_eq!(direct, protocol.localize(&ku, &ENGINE_ID));
        assert_eq!(direct.len(), protocol.digest_len());
    }
}
