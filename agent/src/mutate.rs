//! Test inputs for the request path: seeded, reproducible mutations of real datagrams (bit
//! flips, replaced bytes, truncations), for the unit tests that feed them to the dispatcher.
#![allow(clippy::indexing_slicing)]

/// `count` mutants of `seeds` (taken in turn), each with 1 to `max_edits` edits, from the
/// xorshift generator seeded with `state`.
pub(crate) fn mutations(seeds: &[Vec<u8>], count: usize, max_edits: u64, mut state: u64) -> Vec<Vec<u8>> {
    let mut rand = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    (0..count)
        .filter_map(|i| {
            let mut m = seeds.get(i % seeds.len().max(1))?.clone();
            for _ in 0..(rand() % max_edits + 1) {
                if m.is_empty() {
                    break;
                }
                let pos = (rand() as usize) % m.len();
                match rand() % 3 {
                    0 => m[pos] ^= 1 << (rand() % 8),
                    1 => m[pos] = rand() as u8,
                    _ => m.truncate(pos.max(1)),
                }
            }
            Some(m)
        })
        .collect()
}
