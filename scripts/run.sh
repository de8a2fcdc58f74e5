#!/usr/bin/env bash
# The main job: build Osprey and run `osprey up` on its embedded defaults: the agent on
# udp:127.0.0.1:1161, the poller, and the web dashboard on http://127.0.0.1:8080/, with the
# data (inventory, RRD files, the agent's snmpd.conf and state) in ./osprey-data ($OSPREY_DATA).
# Extra arguments go to `osprey up` (e.g. --interval 300, --listen 127.0.0.1:9090).
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --locked -p osprey
exec ./target/release/osprey --data "${OSPREY_DATA:-./osprey-data}" up "$@"
