#!/usr/bin/env bash
# Benchmark: SNMPv3 authPriv (SHA-256 + AES-128) GET sysDescr.0, osprey-agent vs Net-SNMP's
# snmpd with the same createUser/rouser lines, loopback, one agent at a time, alternating runs.
# Load: snmp/examples/v3_loadgen.rs (the shared Python generator has no USM), closed loop with
# 32 requests in flight, each request sealed afresh. Reports requests per agent CPU-second.
# Usage: scripts/bench-agent-v3.sh [SECONDS] [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
secs="${1:-8}"
runs="${2:-3}"
source scripts/lib/packages.sh
source scripts/lib/agent-pair.sh
ensure_test_packages
cargo build --release --locked -q -p osprey-agent
cargo build --release --locked -q -p osprey-snmp --example v3_loadgen
dir=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null; wait 2>/dev/null; rm -rf "$dir"' EXIT
printf 'createUser bench SHA-256 "bench auth pass" AES "bench priv pass"\nrouser bench priv\n' >"$dir/snmpd.conf"
v3get() { snmpget -v3 -l authPriv -u bench -a SHA-256 -A "bench auth pass" -x AES -X "bench priv pass" -r0 -t0.5 "127.0.0.1:$1" .1.3.6.1.2.1.1.3.0; }
start_agent_pair "$dir" v3get

python3 - "$secs" "$runs" "$p_snmpd" "$pid_snmpd" "$p_osprey" "$pid_osprey" "$dir" <<'PY'
import json, statistics, subprocess, sys
secs, runs = sys.argv[1], int(sys.argv[2])
agents = {"snmpd": (sys.argv[3], sys.argv[4]), "osprey-agent": (sys.argv[5], sys.argv[6])}
tmp = sys.argv[7]
per_cpu = {n: [] for n in agents}
rate = {n: [] for n in agents}
for r in range(runs):
    for name, (port, pid) in (list(agents.items()) if r % 2 == 0 else list(reversed(agents.items()))):
        out = f"{tmp}/{name}.json"
        subprocess.run(["./target/release/examples/v3_loadgen", f"127.0.0.1:{port}", "bench", "SHA-256",
                        "bench auth pass", "AES", "bench priv pass", "1.3.6.1.2.1.1.1.0", secs,
                        "--pid", pid, "--json", out, "--warmup", "1"], check=True, stdout=subprocess.DEVNULL)
        res = json.load(open(out))
        per_cpu[name].append(res["req_per_agent_cpu_s"] or 0)
        rate[name].append(res["req_per_s"])
        print(f"  run {r + 1} {name:13s} {res['req_per_agent_cpu_s'] or 0:9.0f} req/CPU-s {res['req_per_s']:9.0f} req/s")
a = statistics.median(per_cpu["snmpd"]); b = statistics.median(per_cpu["osprey-agent"])
print(f"authPriv SHA-256+AES GET sysDescr.0, {secs} s x {runs} runs, medians:")
print(f"  snmpd {a:9.0f} req/CPU-s ({statistics.median(rate['snmpd']):7.0f} req/s)   "
      f"osprey {b:9.0f} req/CPU-s ({statistics.median(rate['osprey-agent']):7.0f} req/s)   ratio {b/a if a else 0:.2f}x")
PY
