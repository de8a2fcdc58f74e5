#!/usr/bin/env bash
# The whole test suite: installs the Debian packages the tests talk to (Net-SNMP's snmpd
# and client tools) when they are missing, then runs every workspace test.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/packages.sh
ensure_test_packages
cargo test --workspace --locked "$@"
