#!/usr/bin/env bash
# The whole test suite: installs the Debian packages the tests talk to (Net-SNMP's snmpd
# and client tools) when they are missing, fetches the snmpsim-data corpus once (exported as
# OSPREY_SNMPSIM_DATA), then runs every workspace test and ends with one summary line,
# "N passed, N failed".
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/packages.sh
ensure_test_packages
# The simulator's corpus test replays snmpsim-data's recordings (downloaded once, not committed).
source scripts/lib/snmpsim-data.sh
ensure_snmpsim_data
log=$(mktemp)
trap 'rm -f "$log"' EXIT
status=0
# --no-fail-fast: one failing test binary must not hide the results of the others.
cargo test --workspace --locked --no-fail-fast "$@" 2>&1 | tee "$log" || status=$?
passed=$(grep -Eo '^test result: .* ([0-9]+) passed' "$log" | grep -Eo '[0-9]+ passed' | awk '{s+=$1} END {print s+0}')
failed=$(grep -Eo '^test result: .* ([0-9]+) failed' "$log" | grep -Eo '[0-9]+ failed' | awk '{s+=$1} END {print s+0}')
echo "workspace tests: $passed passed, $failed failed"
exit "$status"
