#!/usr/bin/env bash
# Benchmark: the poller against simulated devices. D devices (osprey simulate, one port each)
# of a recorded PORTS-port switch (default 50) (system group, ifTable, ifXTable with 64-bit counters), polled
# by `osprey poll` every INTERVAL seconds for ROUNDS rounds after the first (which discovers
# and creates the files). Reports the poller's CPU per round and per polled OID, that every
# device was polled and written each round, and for comparison the CPU net-snmp's
# snmpbulkwalk spends per OID fetching the same columns from a sample of the devices.
# Usage: scripts/bench-poller.sh [DEVICES=200] [INTERVAL=60] [ROUNDS=2] [PORTS=50]
set -euo pipefail
cd "$(dirname "$0")/.."
devices="${1:-200}"
interval="${2:-60}"
rounds="${3:-2}"
ports="${4:-50}"
source scripts/lib/osprey-release.sh
osprey="$(build_release_osprey)"
dir=$(mktemp -d)
sim_pid=""
poll_pid=""
cleanup() {
    [ -n "$poll_pid" ] && kill "$poll_pid" 2>/dev/null || true
    [ -n "$sim_pid" ] && kill "$sim_pid" 2>/dev/null || true
    rm -rf "$dir"
}
trap cleanup EXIT

# The recording: a PORTS-port switch.
python3 - "$dir/switch.snmprec" "$ports" <<'PY'
import sys
ports = int(sys.argv[2])
rows = []
def add(oid, tag, value):
    rows.append((tuple(int(x) for x in oid.split(".")), f"{oid}|{tag}|{value}"))
add("1.3.6.1.2.1.1.1.0", 4, f"Simulated {ports}-port switch")
add("1.3.6.1.2.1.1.2.0", 6, "1.3.6.1.4.1.8072.3.2.10")
add("1.3.6.1.2.1.1.3.0", 67, 12345678)
add("1.3.6.1.2.1.1.4.0", 4, "noc@example.com")
add("1.3.6.1.2.1.1.5.0", 4, "switch50")
add("1.3.6.1.2.1.1.6.0", 4, "Rack 1")
add("1.3.6.1.2.1.2.1.0", 2, ports)
for i in range(1, ports + 1):
    t, x = "1.3.6.1.2.1.2.2.1", "1.3.6.1.2.1.31.1.1.1"
    for col, tag, value in [(1, 2, i), (2, 4, f"GigabitEthernet0/{i}"), (3, 2, 6), (4, 2, 1500),
                            (5, 66, 1000000000), (7, 2, 1), (8, 2, 1), (10, 65, i * 1000), (11, 65, i * 10),
                            (13, 65, 0), (14, 65, 0), (16, 65, i * 2000), (17, 65, i * 20), (19, 65, 0), (20, 65, 0)]:
        add(f"{t}.{col}.{i}", tag, value)
    for col, tag, value in [(1, 4, f"Gi0/{i}"), (6, 70, i * 1000), (7, 70, i * 10), (10, 70, i * 2000),
                            (11, 70, i * 20), (15, 66, 1000), (18, 4, f"port {i}"), (19, 67, 0)]:
        add(f"{x}.{col}.{i}", tag, value)
rows.sort()
open(sys.argv[1], "w").write("\n".join(r for _, r in rows) + "\n")
PY

# A random high port range (the simulator refuses to start if a port is taken).
base=$((20000 + RANDOM % 20000))
"$osprey" simulate --snmprec "$dir/switch.snmprec" --listen "127.0.0.1:$base" --devices "$devices" \
    --counter-rate 100000 >"$dir/sim.log" 2>&1 &
sim_pid=$!
sleep 1
kill -0 "$sim_pid" || { cat "$dir/sim.log"; exit 1; }

export OSPREY_DATA="$dir/data"
start=$(date +%s.%N)
for ((d = 0; d < devices; d++)); do
    "$osprey" device add "127.0.0.1:$((base + d))" --name "sw$d" --interval "$interval" >/dev/null
done
echo "added and discovered $devices devices in $(python3 -c "print(f'{$(date +%s.%N) - $start:.1f}')") s"

cpu_of() { awk '{print $14 + $15}' "/proc/$1/stat"; }
"$osprey" poll 2>"$dir/poll.log" &
poll_pid=$!
ticks=$(getconf CLK_TCK)
# Round 1 (file creation), then measure ROUNDS rounds.
sleep $((interval + 2))
before=$(cpu_of "$poll_pid")
polls_before=$(grep -c "" "$dir/poll.log" || true)
sleep $((interval * rounds))
after=$(cpu_of "$poll_pid")
rss=$(awk '/VmHWM/ {print $2}' "/proc/$poll_pid/status")
anon=$(awk '/RssAnon/ {print $2}' "/proc/$poll_pid/status")
kill -TERM "$poll_pid"
wait "$poll_pid" || true
poll_pid=""
files=$(find "$dir/data/rrd" -name '*.rrd' | wc -l)
oids_per_device=$((2 + ports * 10))
python3 - "$before" "$after" "$ticks" "$interval" "$rounds" "$devices" "$oids_per_device" "$files" "$rss" "$anon" <<'PY'
import sys
before, after, ticks, interval, rounds, devices, per_device, files, rss, anon = map(float, sys.argv[1:])
cpu = (after - before) / ticks
per_round = cpu / rounds
oids = devices * per_device
print(f"poller: {int(devices)} devices, {int(files)} RRD files, {per_round:.2f} CPU-s per round of {int(interval)} s "
      f"= {100 * per_round / interval:.1f}% of one core; {1e6 * per_round / oids:.1f} µs CPU per polled OID "
      f"({int(oids)} OIDs per round); peak RSS {rss / 1024:.0f} MB (mapped RRD pages included), "
      f"anonymous memory {anon / 1024:.0f} MB")
PY
echo "poller log lines during the measured rounds (errors, overruns): $(( $(grep -c "" "$dir/poll.log" || true) - polls_before ))"
grep -v "^$" "$dir/poll.log" | tail -5 || true
# Every device written in the last round: each uptime file's last update is recent.
stale=0
now=$(date +%s)
for ((d = 0; d < devices; d++)); do
    last=$(rrdtool last "$dir/data/rrd/sw$d/uptime.rrd")
    (( now - last > interval + 5 )) && stale=$((stale + 1))
done
echo "devices not written in the last round: $stale of $devices"

# net-snmp fetching the same columns (10 per interface) from a sample of 10 devices.
columns=".1.3.6.1.2.1.31.1.1.1.6 .1.3.6.1.2.1.31.1.1.1.10 .1.3.6.1.2.1.31.1.1.1.7 .1.3.6.1.2.1.31.1.1.1.11
 .1.3.6.1.2.1.2.2.1.14 .1.3.6.1.2.1.2.2.1.20 .1.3.6.1.2.1.2.2.1.13 .1.3.6.1.2.1.2.2.1.19 .1.3.6.1.2.1.2.2.1.8
 .1.3.6.1.2.1.31.1.1.1.19"
TIMEFORMAT='%U %S'
t=$( { time (for ((d = 0; d < 10; d++)); do for c in $columns; do
    snmpbulkwalk -v2c -c public -On -Cr40 "127.0.0.1:$((base + d))" "$c"; done; done >"$dir/walk.out"); } 2>&1 )
walked=$(wc -l <"$dir/walk.out")
python3 - "$t" "$walked" <<'PY'
import sys
user, system = map(float, sys.argv[1].split())
walked = int(sys.argv[2])
print(f"snmpbulkwalk: {walked} OIDs in {user + system:.2f} CPU-s = {1e6 * (user + system) / walked:.1f} µs CPU per OID "
      f"(one process per column and device, as a script polling with net-snmp would)")
PY
