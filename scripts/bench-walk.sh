#!/usr/bin/env bash
# Benchmark: `osprey bulkwalk` vs Net-SNMP's `snmpbulkwalk` of a whole snmpd tree on
# loopback, same -Cr, alternating runs. Prints median wall time and median client CPU
# time (user+sys of the walking process) per tool. Usage: scripts/bench-walk.sh [RUNS] [REPS]
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-15}"
reps="${2:-50}"
source scripts/lib/packages.sh
ensure_test_packages
cargo build --release --locked -q
dir=$(mktemp -d)
port=$(python3 -c 'import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
printf 'rocommunity public 127.0.0.1\n' >"$dir/snmpd.conf"
SNMP_PERSISTENT_DIR="$dir" /usr/sbin/snmpd -f -LOw -C -c "$dir/snmpd.conf" -m "" "udp:127.0.0.1:$port" >"$dir/log" 2>&1 &
agent=$!
trap 'kill $agent 2>/dev/null; rm -rf "$dir"' EXIT
for _ in $(seq 50); do
  snmpget -v2c -c public -r0 -t0.2 "127.0.0.1:$port" .1.3.6.1.2.1.1.3.0 >/dev/null 2>&1 && break
  sleep 0.1
done
python3 - "$runs" "$reps" "$port" <<'PY'
import os, resource, statistics, subprocess, sys, time
runs, reps, port = int(sys.argv[1]), sys.argv[2], sys.argv[3]
agent = f"127.0.0.1:{port}"
mibdir = os.path.abspath("mibs/modules")
tools = {
    "snmpbulkwalk": ["snmpbulkwalk", "-v2c", "-c", "public", "-m", "", f"-Cr{reps}", agent, ".1"],
    "osprey bulkwalk": ["./target/release/osprey", "bulkwalk", "-v2c", "-c", "public", "-m", "", f"-Cr{reps}", agent, ".1"],
    # The same walk printed with names, enums and hints: net-snmp given our modules as files.
    "snmpbulkwalk+MIBs": ["snmpbulkwalk", "-v2c", "-c", "public", "-M", mibdir, "-m", "ALL", f"-Cr{reps}", agent, ".1"],
    "osprey+MIBs": ["./target/release/osprey", "bulkwalk", "-v2c", "-c", "public", f"-Cr{reps}", agent, ".1"],
}
wall = {k: [] for k in tools}
cpu = {k: [] for k in tools}
lines = {}
for i in range(runs):
    for name, cmd in (list(tools.items()) if i % 2 == 0 else list(reversed(tools.items()))):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t0 = time.perf_counter()
        out = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, check=True, timeout=120).stdout
        wall[name].append(time.perf_counter() - t0)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu[name].append((after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime))
        lines[name] = out.count(b"\n")
print(f"whole-tree bulkwalk of snmpd, -Cr{reps}, {runs} runs each (medians)")
for name in tools:
    print(f"  {name:18s} {lines[name]:6d} varbinds  wall {statistics.median(wall[name])*1000:8.1f} ms  client CPU {statistics.median(cpu[name])*1000:7.1f} ms")
for theirs, ours in [("snmpbulkwalk", "osprey bulkwalk"), ("snmpbulkwalk+MIBs", "osprey+MIBs")]:
    a, b = statistics.median(wall[theirs]), statistics.median(wall[ours])
    ca, cb = statistics.median(cpu[theirs]), statistics.median(cpu[ours])
    print(f"  {ours} / {theirs}: wall {b/a:.2f}x, client CPU {cb/ca:.2f}x")
PY
