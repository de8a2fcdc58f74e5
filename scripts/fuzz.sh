#!/usr/bin/env bash
# Fuzzes the SNMP message codec (snmp/fuzz, target `decode`) for a bounded time.
# Usage: scripts/fuzz.sh [SECONDS]   (default 60)
# Needs a nightly toolchain (rustup toolchain install nightly); installs cargo-fuzz if missing.
# The corpus (snmp/fuzz/corpus/decode) is seeded with the captured packets in
# snmp/testdata/packets; crashes land in snmp/fuzz/artifacts/decode.
set -euo pipefail

secs=${1:-60}
root=$(cd "$(dirname "$0")/.." && pwd)

if ! cargo fuzz --version >/dev/null 2>&1; then
    cargo install cargo-fuzz --locked
fi

corpus=$root/snmp/fuzz/corpus/decode
mkdir -p "$corpus"
cp "$root"/snmp/testdata/packets/*.bin "$corpus"/

cd "$root/snmp"
# Leave fuzz/target out of CARGO_TARGET_DIR: sanitizer builds must not mix with normal ones.
exec env -u CARGO_TARGET_DIR cargo +nightly fuzz run decode "$corpus" -- \
    -max_total_time="$secs" -max_len=4096 -timeout=10
