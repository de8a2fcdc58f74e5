#!/usr/bin/env bash
# Regenerates snmp/testdata/packets/*.bin: the exact request and response datagrams that
# net-snmp 5.9's command-line tools and a private snmpd/snmptrapd exchange on loopback.
#
# Needs the Debian packages snmpd, snmp and snmptrapd, plus xxd and python3 (free ports).
# Usage: snmp/testdata/capture.sh [OUTDIR]   (default: the packets/ folder beside this script)
#
# Each capture runs one tool with -d, which dumps every datagram it sends ("Sending N bytes")
# and receives ("Received N byte packet"); the Nth dump of each kind is written out as bytes.
# Values (uptime, request-ids, engine IDs, sysDescr) differ on every run, so the Rust tests
# must be updated after a re-capture.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
out=${1:-$here/packets}
mkdir -p "$out"
work=$(mktemp -d)
pids=()
cleanup() {
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
    for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
    rm -rf "$work"
}
trap cleanup EXIT

free_port() {
    python3 -c 'import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

agent_port=$(free_port)
trap_port=$(free_port)

cat >"$work/snmpd.conf" <<CONF
rocommunity public 127.0.0.1
rwcommunity private 127.0.0.1
createUser osprey SHA "osprey-auth-pass" AES "osprey-priv-pass"
rwuser osprey priv
sysContact ops@example.org
sysName osprey-capture
CONF
cat >"$work/snmptrapd.conf" <<CONF
authCommunity log public
CONF

mkdir -p "$work/agent" "$work/trapd"
SNMP_PERSISTENT_DIR=$work/agent /usr/sbin/snmpd -f -LOw -C -c "$work/snmpd.conf" -m "" \
    "udp:127.0.0.1:$agent_port" >"$work/snmpd.log" 2>&1 &
pids+=($!)
SNMP_PERSISTENT_DIR=$work/trapd /usr/sbin/snmptrapd -f -Lo -C -c "$work/snmptrapd.conf" -m "" \
    "udp:127.0.0.1:$trap_port" >"$work/snmptrapd.log" 2>&1 &
pids+=($!)

agent=127.0.0.1:$agent_port
traps=127.0.0.1:$trap_port
for _ in $(seq 50); do
    if snmpget -v2c -c public -r0 -t0.3 "$agent" .1.3.6.1.2.1.1.3.0 >/dev/null 2>&1; then
        break
    fi
    sleep 0.1
done

# extract LOG Sending|Received N FILE: the Nth dump of that direction, as raw bytes.
extract() {
    local log=$1 kind=$2 n=$3 file=$4
    awk -v kind="$kind" -v n="$n" '
        /^Sending [0-9]+ bytes/ { cur = (kind == "Sending") ? ++seen : 0; next }
        /^Received [0-9]+ byte/ { cur = (kind == "Received") ? ++seen : 0; next }
        /^[0-9][0-9][0-9][0-9]: / { if (cur == n) print substr($0, 7, 50); next }
        { cur = 0 }
    ' "$log" | xxd -r -p >"$out/$file"
    local want
    want=$(awk -v kind="$kind" -v n="$n" '$1 == kind { if (++k == n) print $2 }' "$log")
    local got
    got=$(stat -c %s "$out/$file")
    if [[ -z "$want" || "$want" != "$got" ]]; then
        echo "capture of $file failed: expected ${want:-?} bytes, got $got" >&2
        cat "$log" >&2
        exit 1
    fi
    echo "$file: $got bytes"
}

# cap NAME REQ_N RESP_N TOOL ARGS...: run TOOL -d, save NAME-request.bin (the REQ_N-th datagram
# sent) and, unless RESP_N is 0, NAME-response.bin (the RESP_N-th datagram received).
cap() {
    local name=$1 req=$2 resp=$3
    shift 3
    local log=$work/$name.log
    "$@" >"$log" 2>&1 || true
    extract "$log" Sending "$req" "$name-request.bin"
    if [[ "$resp" != 0 ]]; then
        extract "$log" Received "$resp" "$name-response.bin"
    fi
}

v1=(-v1 -c public -r0 -t2)
v2=(-v2c -c public -r0 -t2)

# v1: get, getnext, set, and a get of a missing object (noSuchName, index 1).
cap v1-get 1 1 snmpget -d "${v1[@]}" "$agent" .1.3.6.1.2.1.1.5.0 .1.3.6.1.2.1.1.3.0
cap v1-getnext 1 1 snmpgetnext -d "${v1[@]}" "$agent" .1.3.6.1.2.1.1.1 .1.3.6.1.2.1.2.2.1.2
cap v1-set 1 1 snmpset -d -v1 -c private -r0 -t2 "$agent" .1.3.6.1.2.1.1.6.0 s "rack 7, row B"
cap v1-nosuchname 1 1 snmpget -d "${v1[@]}" "$agent" .1.3.6.1.2.1.1.99.0

# v2c: the three exceptions; one response carrying many SMI types; getbulk.
cap v2c-get-exceptions 1 1 snmpget -d "${v2[@]}" "$agent" \
    .1.3.6.1.2.1.1.3.0 .1.3.6.1.2.1.1.99.0 .1.3.6.1.2.1.1.1.1
cap v2c-getnext-endofmibview 1 1 snmpgetnext -d "${v2[@]}" "$agent" .1.3.6.1.2.1.1.1 .2.1
cap v2c-get-types 1 1 snmpget -d "${v2[@]}" "$agent" \
    .1.3.6.1.2.1.1.2.0 .1.3.6.1.2.1.1.3.0 .1.3.6.1.2.1.2.2.1.5.1 .1.3.6.1.2.1.2.2.1.10.1 \
    .1.3.6.1.2.1.31.1.1.1.6.1 .1.3.6.1.2.1.4.20.1.1.127.0.0.1 .1.3.6.1.2.1.2.2.1.6.2 \
    .1.3.6.1.6.3.10.2.1.1.0 .1.3.6.1.2.1.1.7.0
cap v2c-getbulk 1 1 snmpbulkget -d "${v2[@]}" -Cn1 -Cr4 "$agent" \
    .1.3.6.1.2.1.1.3 .1.3.6.1.2.1.2.2.1.2 .1.3.6.1.2.1.31.1.1.1.6
cap v2c-set 1 1 snmpset -d -v2c -c private -r0 -t2 "$agent" \
    .1.3.6.1.2.1.1.6.0 x "6f 73 70 72 65 79 00 ff"

# Notifications: a v1 trap and a v2c trap (no reply exists), an inform and its response.
cap v1-trap 1 0 snmptrap -d -v1 -c public "$traps" .1.3.6.1.4.1.8072.2.3 127.0.0.1 6 17 12345 \
    .1.3.6.1.2.1.1.5.0 s osprey-capture
cap v2c-trap 1 0 snmptrap -d -v2c -c public "$traps" 12345 .1.3.6.1.6.3.1.1.5.3 \
    .1.3.6.1.2.1.2.2.1.1.2 i 2 .1.3.6.1.2.1.2.2.1.7.2 i 2 .1.3.6.1.2.1.2.2.1.8.2 i 2
cap v2c-inform 1 1 snmpinform -d -v2c -c public -r0 -t2 "$traps" 12345 .1.3.6.1.6.3.1.1.5.4 \
    .1.3.6.1.2.1.2.2.1.1.2 i 2 .1.3.6.1.2.1.31.1.1.1.1.2 s ifb0

# v3: the engine-ID discovery probe and its Report, then the authPriv (encrypted) get.
v3=(-v3 -l authPriv -u osprey -a SHA -A osprey-auth-pass -x AES -X osprey-priv-pass -r0 -t2)
cap v3-discovery 1 1 snmpget -d "${v3[@]}" "$agent" .1.3.6.1.2.1.1.3.0
cap v3-authpriv-get 2 2 snmpget -d "${v3[@]}" "$agent" .1.3.6.1.2.1.1.3.0
