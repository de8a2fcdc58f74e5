//! [`SecurityParameters`]: the UsmSecurityParameters SEQUENCE carried in msgSecurityParameters
//! (RFC 3414 2.4), and [`auth_parameters_range`], where msgAuthenticationParameters sits in
//! a whole encoded message so it can be zeroed, signed and filled in place.

use std::ops::Range;

use crate::ber::{self, Reader, tag};
use crate::error::DecodeError;

/// UsmSecurityParameters, borrowing the decoded octets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecurityParameters<'a> {
    /// msgAuthoritativeEngineID.
    pub engine_id: &'a [u8],
    /// msgAuthoritativeEngineBoots (0..2^31-1).
    pub engine_boots: u32,
    /// msgAuthoritativeEngineTime (0..2^31-1).
    pub engine_time: u32,
    /// msgUserName.
    pub user_name: &'a [u8],
    /// msgAuthenticationParameters: the truncated MAC, or empty without auth.
    pub auth_parameters: &'a [u8],
    /// msgPrivacyParameters: the salt, or empty without privacy.
    pub privacy_parameters: &'a [u8],
}

impl<'a> SecurityParameters<'a> {
    /// Decodes the msgSecurityParameters octets (the OCTET STRING's content).
    pub fn decode(octets: &'a [u8]) -> Result<SecurityParameters<'a>, DecodeError> {
        let mut outer = Reader::new(octets);
        let content = outer.expect(tag::SEQUENCE)?;
        outer.finish("msgSecurityParameters")?;
        let mut r = Reader::new(content);
        let engine_id = r.expect(tag::OCTET_STRING)?;
        let engine_boots = read_u31(&mut r)?;
        let engine_time = read_u31(&mut r)?;
        let user_name = r.expect(tag::OCTET_STRING)?;
        let auth_parameters = r.expect(tag::OCTET_STRING)?;
        let privacy_parameters = r.expect(tag::OCTET_STRING)?;
        r.finish("UsmSecurityParameters")?;
        Ok(SecurityParameters { engine_id, engine_boots, engine_time, user_name, auth_parameters, privacy_parameters })
    }

    /// Appends the UsmSecurityParameters SEQUENCE (to be wrapped in an OCTET STRING as
    /// msgSecurityParameters). To sign, encode `auth_parameters` as `mac_len` zeros first.
    pub fn encode(&self, buf: &mut Vec<u8>) {
        ber::write_tlv_with(buf, tag::SEQUENCE, |buf| {
            ber::write_octets(buf, tag::OCTET_STRING, self.engine_id);
            ber::write_unsigned(buf, tag::INTEGER, u64::from(self.engine_boots));
            ber::write_unsigned(buf, tag::INTEGER, u64::from(self.engine_time));
            ber::write_octets(buf, tag::OCTET_STRING, self.user_name);
            ber::write_octets(buf, tag::OCTET_STRING, self.auth_parameters);
            ber::write_octets(buf, tag::OCTET_STRING, self.privacy_parameters);
        });
    }

    /// The encoding as a new vector.
    pub fn to_vec(&self) -> Vec<u8> {
        let mut buf = Vec::new();
        self.encode(&mut buf);
        buf
    }
}

fn read_u31(r: &mut Reader<'_>) -> Result<u32, DecodeError> {
    let value = r.read_integer()?;
    u32::try_from(value).ok().filter(|v| *v <= i32::MAX as u32).ok_or(DecodeError::IntegerOverflow)
}

/// Byte range of msgAuthenticationParameters' content inside a whole encoded v3 message
/// (SEQUENCE { version, msgGlobalData, msgSecurityParameters, msgData }).
pub fn auth_parameters_range(message: &[u8]) -> Result<Range<usize>, DecodeError> {
    let mut outer = Reader::new(message);
    let mut r = Reader::new(outer.expect(tag::SEQUENCE)?);
    r.read_integer()?;
    r.expect(tag::SEQUENCE)?;
    let mut security = Reader::new(r.expect(tag::OCTET_STRING)?);
    let mut usm = Reader::new(security.expect(tag::SEQUENCE)?);
    usm.expect(tag::OCTET_STRING)?;
    usm.read_integer()?;
    usm.read_integer()?;
    usm.expect(tag::OCTET_STRING)?;
    let auth = usm.expect(tag::OCTET_STRING)?;
    // `auth` borrows from `message`, so its offset is the distance between the two pointers.
    let start = (auth.as_ptr() as usize).saturating_sub(message.as_ptr() as usize);
    Ok(start..start + auth.len())
}

#[cfg(test)]
#[allow(clippy::expect_used, clippy::indexing_slicing)]
mod tests {
    use super::*;

    fn sample() -> SecurityParameters<'static> {
        SecurityParameters {
            engine_id: &[0x80, 0, 0x1f, 0x88, 4],
            engine_boots: 3,
            engine_time: 200_000,
            user_name: b"osprey",
            auth_parameters: &[0; 12],
            privacy_parameters: &[1, 2, 3, 4, 5, 6, 7, 8],
        }
    }

    #[test]
    fn round_trip() {
        let encoded = sample().to_vec();
        assert_eq!(SecurityParameters::decode(&encoded), Ok(sample()));
    }

    #[test]
    fn refuses_malformed() {
        let encoded = sample().to_vec();
        for len in 0..encoded.len() {
            assert!(SecurityParameters::decode(&encoded[..len]).is_err());
        }
        let mut negative = sample().to_vec();
        // engineBoots INTEGER 3 -> -3 (0xfd).
        let boots = negative.iter().position(|b| *b == 3).expect("boots");
        negative[boots] = 0xfd;
        assert!(SecurityParameters::decode(&negative).is_err());
    }

    #[test]
    fn finds_the_auth_parameters_in_a_message() {
        let security = sample().to_vec();
        let mut message = Vec::new();
        ber::write_tlv_with(&mut message, tag::SEQUENCE, |buf| {
            ber::write_unsigned(buf, tag::INTEGER, 3);
            ber::write_tlv_with(buf, tag::SEQUENCE, |buf| {
                ber::write_unsigned(buf, tag::INTEGER, 1);
                ber::write_unsigned(buf, tag::INTEGER, 65_507);
                ber::write_octets(buf, tag::OCTET_STRING, &[0x03]);
                ber::write_unsigned(buf, tag::INTEGER, 3);
            });
            ber::write_octets(buf, tag::OCTET_STRING, &security);
            ber::write_octets(buf, tag::OCTET_STRING, b"encrypted");
        });
        let range = auth_parameters_range(&message).expect("found");
        assert_eq!(range.len(), 12);
        message[range.clone()].fill(0xaa);
        let decoded = crate::Message::decode(&message).expect("decodes");
        let crate::Message::V3(v3) = decoded else {
            panic!("v3");
        };
        let params = SecurityParameters::decode(&v3.security_parameters).expect("params");
        assert_eq!(params.auth_parameters, [0xaa; 12]);
        assert!(auth_parameters_range(&message[..message.len() - 12]).is_err());
    }
}
