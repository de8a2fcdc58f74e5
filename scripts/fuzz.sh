#!/usr/bin/env bash
# Fuzzes, for a bounded time each, the SNMP message codec (snmp/fuzz, target `decode`:
# decode -> encode -> decode agree) and the agent's request path (agent/fuzz, target
# `dispatch`: decode -> dispatch -> encode never panics).
# Usage: scripts/fuzz.sh [SECONDS-PER-TARGET]   (default 60)
# Needs a nightly toolchain; installs cargo-fuzz if missing. Corpora are seeded with the
# captured packets in snmp/testdata/packets; crashes land in <crate>/fuzz/artifacts/<target>.
set -euo pipefail

secs=${1:-60}
root=$(cd "$(dirname "$0")/.." && pwd)

if ! cargo fuzz --version >/dev/null 2>&1; then
    cargo install cargo-fuzz --locked
fi

run_target() {
    local crate=$1 target=$2
    local corpus=$root/$crate/fuzz/corpus/$target
    mkdir -p "$corpus"
    cp "$root"/snmp/testdata/packets/*.bin "$corpus"/
    # Leave fuzz/target out of CARGO_TARGET_DIR: sanitizer builds must not mix with normal ones.
    (cd "$root/$crate" && env -u CARGO_TARGET_DIR cargo +nightly fuzz run "$target" "$corpus" -- \
        -max_total_time="$secs" -max_len=4096 -timeout=10)
}

run_target snmp decode
run_target agent dispatch
