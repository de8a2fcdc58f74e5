#!/usr/bin/env bash
# Fuzzes, for a bounded time each, the SNMP message codec (snmp/fuzz, target `decode`:
# decode -> encode -> decode agree), the agent's request path (agent/fuzz, target
# `dispatch`: decode -> dispatch -> encode never panics) and the RRD file parser (rrd/fuzz,
# target `parse`: accepted files write back byte for byte and print without a panic).
# Usage: scripts/fuzz.sh [SECONDS-PER-TARGET]   (default 60)
# Needs a nightly toolchain; installs cargo-fuzz if missing. Corpora are seeded with the
# captured packets in snmp/testdata/packets (and the agent's with SNMPv3 requests sealed for
# its fuzz engine, agent/fuzz/seeds); crashes land in <crate>/fuzz/artifacts/<target>.
# The three sanitizer builds share one target dir, target/fuzz (CI deletes it afterwards).
set -euo pipefail

secs=${1:-60}
root=$(cd "$(dirname "$0")/.." && pwd)

if ! cargo fuzz --version >/dev/null 2>&1; then
    cargo install cargo-fuzz --locked
fi

run_target() {
    local crate=$1 target=$2
    shift 2
    local corpus=$root/$crate/fuzz/corpus/$target
    mkdir -p "$corpus"
    for seeds in "$@"; do
        cp "$seeds"/* "$corpus"/
    done
    # Sanitizer builds must not mix with normal ones, so they get their own target dir.
    (cd "$root/$crate" && cargo +nightly fuzz run --target-dir "$root/target/fuzz" "$target" "$corpus" -- \
        -max_total_time="$secs" -max_len=4096 -timeout=10)
}

# Seed RRD files: rrdtool's own, when it is installed.
rrd_seeds=$(mktemp -d)
trap 'rm -rf "$rrd_seeds"' EXIT
if command -v rrdtool >/dev/null 2>&1; then
    rrdtool create "$rrd_seeds/mrtg.rrd" --start 1000000000 DS:in:COUNTER:600:0:U DS:out:COUNTER:600:0:U \
        RRA:AVERAGE:0.5:1:20 RRA:MAX:0.5:6:10
    rrdtool update "$rrd_seeds/mrtg.rrd" 1000000300:100:200 1000000600:4294967000:900 1000003000:5:U
    rrdtool create "$rrd_seeds/gauge.rrd" --start 1000000000 --step 60 DS:g:GAUGE:120:U:U RRA:LAST:0.5:1:5
fi
touch "$rrd_seeds/empty"

run_target snmp decode "$root/snmp/testdata/packets"
run_target agent dispatch "$root/snmp/testdata/packets" "$root/agent/fuzz/seeds"
run_target rrd parse "$rrd_seeds"
