#!/usr/bin/env bash
# The main job, until osprey's own agent, poller and web exist: build osprey, start a
# local SNMP agent on 127.0.0.1:1161 (Net-SNMP's snmpd for now), and walk it with osprey.
# Extra arguments are passed to `osprey bulkwalk` (default: the whole tree).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/packages.sh
ensure_test_packages
cargo build --release --locked
data="${OSPREY_DATA:-./osprey-data}"
mkdir -p "$data/snmpd"
conf="$data/snmpd/snmpd.conf"
[ -f "$conf" ] || printf 'rocommunity public 127.0.0.1\nsysLocation osprey demo\n' >"$conf"
SNMP_PERSISTENT_DIR="$PWD/$data/snmpd" /usr/sbin/snmpd -f -LOw -C -c "$conf" -m "" udp:127.0.0.1:1161 >"$data/snmpd/log" 2>&1 &
agent=$!
trap 'kill $agent 2>/dev/null' EXIT
for _ in $(seq 50); do
  snmpget -v2c -c public -r0 -t0.2 127.0.0.1:1161 .1.3.6.1.2.1.1.3.0 >/dev/null 2>&1 && break
  sleep 0.1
done
./target/release/osprey bulkwalk -v2c -c public -Cr50 127.0.0.1:1161 "${@:-.1}"
