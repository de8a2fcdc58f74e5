//! USM key vectors, password "maplesyrup" and snmpEngineID 00000000 00000000 00000002: the
//! published RFC 3414 A.3.1 (MD5) and A.3.2 (SHA-1) values, and for RFC 7860's SHA-2 (which
//! publishes none) values computed independently (Python hashlib over the same RFC 3414 A.2
//! procedure); tests/usm_netsnmp.rs checks the same derivation against net-snmp's packets.

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

#[test]
fn rfc7860_sha2_keys() {
    let cases = [
        (
            AuthProtocol::Sha224,
            "282a5867ee9aac639ad59df9572c7d3ac0fbc13a905b6df07dbbf00b",
            "0bd8827c6e29f8065e08e09237f177e410f69b90e1782be682075674",
        ),
        (
            AuthProtocol::Sha256,
            "ab51014d1e077f6017df2b12bee5f5aa72993177e9bb569c4dff5a4ca0b4afac",
            "8982e0e549e866db361a6b625d84cccc11162d453ee8ce3a6445c2d6776f0f8b",
        ),
        (
            AuthProtocol::Sha384,
            "e06eccdf2c68a06ed034723c9c26e0db3b669e1e2efed49150b55377a2e98f38\
             3c86fb836857444654b287c93f51ff64",
            "3b298f16164a11184279d5432bf169e2d2a48307de02b3d3f7e2b4f36eb6f045\
             5a53689a3937eea07319a633d2ccba78",
        ),
        (
            AuthProtocol::Sha512,
            "7e4396de5aadc77be853819b98c9406265b3a9c37cc3176569847a4e4f6fba63\
             dd3a73d04924d31a63f95a601f9385af6be4ed1b37f87d040f7c6ed6f8d38a91",
            "22a5a36cedfcc085807a128d7bc6c2382167ad6c0dbc5fdff856740f3d84c099\
             ad1ea87a8db096714d9788bd544047c9021e4229ce27e4c0a69250adfcffbb0b",
        ),
    ];
    for (protocol, ku_hex, kul_hex) in cases {
        let ku = protocol.password_to_key(PASSWORD).expect("key");
        assert_eq!(hex(ku.as_bytes()), ku_hex, "{protocol} Ku");
        let kul = protocol.localize(&ku, &ENGINE_ID);
        assert_eq!(hex(kul.as_bytes()), kul_hex, "{protocol} Kul");
    }
}
