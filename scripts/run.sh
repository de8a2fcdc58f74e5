#!/usr/bin/env bash
# The main job, until the poller and web exist: build Osprey, start osprey-agent on
# 127.0.0.1:1161 (state in ./osprey-data/agent), and walk it with `osprey bulkwalk`.
# Extra arguments are passed to `osprey bulkwalk` (default: the whole tree).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/packages.sh
ensure_test_packages
cargo build --release --locked -p osprey -p osprey-agent
data="${OSPREY_DATA:-./osprey-data}"
mkdir -p "$data/agent"
conf="$data/agent/snmpd.conf"
[ -f "$conf" ] || printf 'rocommunity public 127.0.0.1\nsysLocation osprey demo\ndisk / 10%%\nload 12 10 5\n' >"$conf"
SNMP_PERSISTENT_DIR="$data/agent" ./target/release/osprey-agent -f -C -c "$conf" -Lf "$data/agent/agent.log" udp:127.0.0.1:1161 &
agent=$!
trap 'kill $agent 2>/dev/null' EXIT
for _ in $(seq 50); do
  ./target/release/osprey get -v2c -c public -r0 -t0.2 -m "" 127.0.0.1:1161 .1.3.6.1.2.1.1.3.0 >/dev/null 2>&1 && break
  sleep 0.1
done
./target/release/osprey bulkwalk -v2c -c public -Cr50 127.0.0.1:1161 "${@:-.1}"
