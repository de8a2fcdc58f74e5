//! A stable-toolchain stand-in for the cargo-fuzz target: the round-trip contract of
//! `support/roundtrip.rs` over systematic and pseudo-random mutations of the captured
//! packets (truncations, bit flips, length-byte tweaks, splices, random bytes). Bounded to
//! about two seconds so CI without cargo-fuzz still exercises it; the PRNG is seeded, so a
//! failure names the exact input.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::time::{Duration, Instant};

#[path = "support/roundtrip.rs"]
mod roundtrip;

fn packets() -> Vec<Vec<u8>> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/packets");
    let mut paths: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "bin"))
        .collect();
    paths.sort();
    let out: Vec<Vec<u8>> = paths.iter().map(|p| std::fs::read(p).unwrap()).collect();
    assert!(out.len() >= 20);
    out
}

/// xorshift64*: deterministic and dependency-free.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

fn run(input: &[u8], what: &str) {
    if std::panic::catch_unwind(|| roundtrip::check(input)).is_err() {
        panic!("contract broken by {what}: {input:02x?}");
    }
}

/// Values that matter in a BER length or tag byte.
const INTERESTING: [u8; 12] = [0x00, 0x01, 0x7f, 0x80, 0x81, 0x82, 0x83, 0x84, 0x85, 0xfe, 0xff, 0x30];

#[test]
fn captured_packets_hold_the_contract() {
    for p in packets() {
        run(&p, "a captured packet");
        let mut trailing = p.clone();
        trailing.extend_from_slice(&[0, 0x30, 0]);
        run(&trailing, "trailing bytes");
    }
}

#[test]
fn truncations_bit_flips_and_length_tweaks() {
    for (n, p) in packets().iter().enumerate() {
        for len in 0..p.len() {
            run(&p[..len], &format!("packet {n} truncated to {len}"));
        }
        let mut m = p.clone();
        for i in 0..p.len() {
            for bit in 0..8 {
                m[i] ^= 1 << bit;
                run(&m, &format!("packet {n} byte {i} bit {bit} flipped"));
                m[i] ^= 1 << bit;
            }
            let orig = m[i];
            for v in INTERESTING.into_iter().chain([orig.wrapping_add(1), orig.wrapping_sub(1)]) {
                m[i] = v;
                run(&m, &format!("packet {n} byte {i} set to {v:#04x}"));
            }
            m[i] = orig;
        }
    }
}

#[test]
fn random_mutations_for_two_seconds() {
    let packets = packets();
    let mut rng = Rng(0x0005_9e7f_0dd5_eed5);
    let deadline = Instant::now() + Duration::from_secs(2);
    let mut runs = 0u64;
    while Instant::now() < deadline && runs < 2_000_000 {
        let mut m = packets[rng.below(packets.len())].clone();
        let seed = rng.0;
        for _ in 0..=rng.below(4) {
            match rng.below(7) {
                // Overwrite a byte.
                0 => {
                    let i = rng.below(m.len());
                    if let Some(b) = m.get_mut(i) {
                        *b = rng.next() as u8;
                    }
                }
                // Set a likely length/tag byte to an interesting value.
                1 => {
                    let i = rng.below(m.len());
                    if let Some(b) = m.get_mut(i) {
                        *b = INTERESTING[rng.below(INTERESTING.len())];
                    }
                }
                // Insert random bytes.
                2 => {
                    let i = rng.below(m.len() + 1);
                    for _ in 0..=rng.below(4) {
                        m.insert(i, rng.next() as u8);
                    }
                }
                // Delete a range.
                3 => {
                    let i = rng.below(m.len());
                    let j = (i + 1 + rng.below(8)).min(m.len());
                    if i < j {
                        m.drain(i..j);
                    }
                }
                // Splice in a chunk of another packet (moves whole TLVs around).
                4 => {
                    let other = &packets[rng.below(packets.len())];
                    let a = rng.below(other.len());
                    let b = (a + 1 + rng.below(40)).min(other.len());
                    let at = rng.below(m.len() + 1);
                    m.splice(at..at, other[a..b].iter().copied());
                }
                // Duplicate a range in place.
                5 => {
                    let a = rng.below(m.len());
                    let b = (a + 1 + rng.below(30)).min(m.len());
                    let chunk: Vec<u8> = m[a..b].to_vec();
                    m.splice(b..b, chunk);
                }
                // Truncate.
                _ => m.truncate(rng.below(m.len() + 1)),
            }
        }
        run(&m, &format!("mutation seeded {seed:#x}"));
        // Pure noise, sometimes framed as a SEQUENCE so the decoder gets past the first TLV.
        let len = rng.below(64);
        let mut noise: Vec<u8> = (0..len).map(|_| rng.next() as u8).collect();
        if rng.below(2) == 0 && len < 0x80 {
            noise.splice(0..0, [0x30, len as u8, 0x02, 0x01, rng.below(4) as u8]);
        }
        run(&noise, &format!("random bytes seeded {seed:#x}"));
        runs += 2;
    }
    assert!(runs > 1000, "only {runs} inputs in the time budget");
}
