#!/usr/bin/env bash
# Benchmark: the poller pattern through rrdtool's pipe mode, `rrdtool -` vs `osprey rrd -`
# (release build), on the same command stream: N MRTG-style files (2 COUNTER DS, MRTG's 8
# RRAs, step 300) x S steps, per step one `update FILE T:V1:V2` per file. Both tools start
# each run from byte copies of one set of files made by rrdtool, runs alternate, medians.
# Afterwards both sets of files must be byte-identical (checked with cmp).
# Usage: scripts/bench-rrd.sh [N=2000] [STEPS=5] [RUNS=5]
set -euo pipefail
cd "$(dirname "$0")/.."
n="${1:-2000}"
steps="${2:-5}"
runs="${3:-5}"
source scripts/lib/osprey-release.sh
osprey="$(build_release_osprey)"
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
start=1000000200

mkdir "$dir/base"
for ((f = 1; f <= n; f++)); do
    echo "create f$f.rrd --start $start --step 300 DS:ds0:COUNTER:600:0:12500000 DS:ds1:COUNTER:600:0:12500000" \
        "RRA:AVERAGE:0.5:1:600 RRA:AVERAGE:0.5:6:700 RRA:AVERAGE:0.5:24:775 RRA:AVERAGE:0.5:288:797" \
        "RRA:MAX:0.5:1:600 RRA:MAX:0.5:6:700 RRA:MAX:0.5:24:775 RRA:MAX:0.5:288:797"
done | (cd "$dir/base" && rrdtool - >/dev/null)
awk -v n="$n" -v s="$steps" -v t0="$start" 'BEGIN {
    for (k = 1; k <= s; k++) for (f = 1; f <= n; f++)
        printf "update f%d.rrd %d:%d:%d\n", f, t0 + 300 * k, k * 1000 * (f % 7 + 1), k * 3000 * (f % 5 + 1) + f
}' >"$dir/stream"
updates=$((n * steps))

# Prints "wall user sys" seconds of one run of "$@" in a fresh copy of the files.
run() {
    local out="$1"
    shift
    rm -rf "$dir/$out"
    cp -a "$dir/base" "$dir/$out"
    sync
    (cd "$dir/$out" && TIMEFORMAT='%R %U %S' && { time "$@" <"$dir/stream" >"$dir/$out.log"; } 2>&1)
    if grep -q ERROR "$dir/$out.log"; then
        echo "errors in $out run" >&2
        exit 1
    fi
}

for ((i = 1; i <= runs; i++)); do
    echo "rrdtool $(run rrdtool rrdtool -)"
    echo "osprey $(run osprey "$osprey" rrd -)"
done >"$dir/times"

for ((f = 1; f <= n; f++)); do
    cmp -s "$dir/rrdtool/f$f.rrd" "$dir/osprey/f$f.rrd" || { echo "f$f.rrd differs" >&2; exit 1; }
done
echo "files: all $n byte-identical after $updates updates each way"

python3 - "$dir/times" "$updates" <<'PY'
import statistics, sys
updates = int(sys.argv[2])
times = {}
for line in open(sys.argv[1]):
    tool, wall, user, sys_ = line.split()
    times.setdefault(tool, []).append((float(wall), float(user) + float(sys_)))
res = {}
for tool, runs in times.items():
    wall = statistics.median(w for w, _ in runs)
    cpu = statistics.median(c for _, c in runs)
    res[tool] = (updates / wall, updates / cpu)
    print(f"{tool:8} median wall {wall:.3f} s, cpu {cpu:.3f} s: {updates / wall:,.0f} updates/s, "
          f"{updates / cpu:,.0f} updates/CPU-s ({len(runs)} runs)")
r, o = res["rrdtool"], res["osprey"]
print(f"osprey/rrdtool: {o[0] / r[0]:.2f}x updates/s, {o[1] / r[1]:.2f}x updates per CPU-second")
PY
