//! [`SaltCounter`]: the per-key salt source for msgPrivacyParameters (RFC 3414 8.1.1.1,
//! RFC 3826 3.1.2.1): a 64-bit counter started at a random value and stepped per message,
//! so no two messages encrypted with one key share an IV.

use std::sync::atomic::{AtomicU64, Ordering};

use super::error::UsmError;

/// Hands out distinct salts; shareable between tasks (`&self`, lock-free).
#[derive(Debug)]
pub struct SaltCounter(AtomicU64);

impl SaltCounter {
    /// A counter starting at a random value from the operating system.
    pub fn random() -> Result<SaltCounter, UsmError> {
        let seed = getrandom::u64().map_err(|e| UsmError::NoRandomness(e.to_string()))?;
        Ok(SaltCounter::starting_at(seed))
    }

    /// A counter starting at `seed` (tests, or a seed the caller draws itself).
    pub fn starting_at(seed: u64) -> SaltCounter {
        SaltCounter(AtomicU64::new(seed))
    }

    /// The next salt, for [`PrivProtocol::encrypt`](super::PrivProtocol::encrypt); wraps
    /// around after 2^64 messages.
    pub fn next_salt(&self) -> u64 {
        self.0.fetch_add(1, Ordering::Relaxed)
    }
}

#[cfg(test)]
#[allow(clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn steps_and_wraps() {
        let counter = SaltCounter::starting_at(u64::MAX);
        assert_eq!(counter.next_salt(), u64::MAX);
        assert_eq!(counter.next_salt(), 0);
        assert_eq!(counter.next_salt(), 1);
    }

    #[test]
    fn random_counters_differ() {
        let a = SaltCounter::random().expect("randomness").next_salt();
        let b = SaltCounter::random().expect("randomness").next_salt();
        assert_ne!(a, b);
    }
}
