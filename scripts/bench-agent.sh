#!/usr/bin/env bash
# Benchmark: osprey-agent vs Net-SNMP's snmpd under the same load generator
# (../shared/tools/snmp_loadgen.py, 32 requests in flight), same config, loopback, one at
# a time. Reports requests served per agent CPU-second, VmHWM after a full walk, and the
# time of a full `snmpbulkwalk -Cr50` of each. Usage: scripts/bench-agent.sh [SECONDS] [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
secs="${1:-8}"
runs="${2:-3}"
loadgen="${LOADGEN:-../shared/tools/snmp_loadgen.py}"
source scripts/lib/packages.sh
source scripts/lib/agent-pair.sh
ensure_test_packages
cargo build --release --locked -q -p osprey-agent
dir=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null; wait 2>/dev/null; rm -rf "$dir"' EXIT
printf 'rocommunity public 127.0.0.1\ndisk / 10%%\nload 12 10 5\n' >"$dir/snmpd.conf"
v2get() { snmpget -v2c -c public -r0 -t0.2 "127.0.0.1:$1" .1.3.6.1.2.1.1.3.0; }
start_agent_pair "$dir" v2get

python3 - "$loadgen" "$secs" "$runs" "$p_snmpd" "$pid_snmpd" "$p_osprey" "$pid_osprey" "$dir" <<'PY'
import json, statistics, subprocess, sys, time
loadgen, secs, runs = sys.argv[1], sys.argv[2], int(sys.argv[3])
agents = {"snmpd": (sys.argv[4], sys.argv[5]), "osprey-agent": (sys.argv[6], sys.argv[7])}
tmp = sys.argv[8]

def hwm(pid):
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1])

def walk(port):
    t0 = time.perf_counter()
    out = subprocess.run(["snmpbulkwalk", "-v2c", "-c", "public", "-m", "", "-Cr50", f"127.0.0.1:{port}", ".1"],
                         stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, check=True, timeout=120).stdout
    return time.perf_counter() - t0, out.count(b"\n")

print("agent           full snmpbulkwalk -Cr50 (median of 5)        VmHWM after the walks")
for name, (port, pid) in agents.items():
    runs5 = [walk(port) for _ in range(5)]
    t = statistics.median(r[0] for r in runs5)
    n = runs5[-1][1]
    print(f"  {name:13s} {t*1000:8.1f} ms  {n:5d} varbinds  {t*1e6/n:6.2f} us/varbind   {hwm(pid)/1024:6.1f} MB")

loads = [
    ("GET sysDescr.0", "1.3.6.1.2.1.1.1.0", "get", []),
    ("GETBULK ifTable r=20", "1.3.6.1.2.1.2.2", "getbulk", ["--maxrep", "20"]),
]
print(f"\nload: {secs} s closed loop, window 32, {runs} alternating runs; medians")
for label, oid, pdu, extra in loads:
    per_cpu = {n: [] for n in agents}
    rate = {n: [] for n in agents}
    for r in range(runs):
        for name, (port, pid) in (list(agents.items()) if r % 2 == 0 else list(reversed(agents.items()))):
            out = f"{tmp}/{name}.json"
            subprocess.run([sys.executable, loadgen, f"127.0.0.1:{port}", "public", oid, pdu, secs, "--pid", pid,
                            "--json", out, "--warmup", "1"] + extra, check=True, stdout=subprocess.DEVNULL)
            res = json.load(open(out))
            per_cpu[name].append(res.get("req_per_agent_cpu_s") or (res["answered"] / res["agent_cpu_s"] if res.get("agent_cpu_s") else 0))
            rate[name].append(res.get("req_per_s") or 0)
    a = statistics.median(per_cpu["snmpd"]); b = statistics.median(per_cpu["osprey-agent"])
    print(f"  {label:22s} snmpd {a:9.0f} req/CPU-s ({statistics.median(rate['snmpd']):7.0f} req/s)   "
          f"osprey {b:9.0f} req/CPU-s ({statistics.median(rate['osprey-agent']):7.0f} req/s)   ratio {b/a if a else 0:.2f}x")
PY
