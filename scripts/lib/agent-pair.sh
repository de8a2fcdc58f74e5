# Starts Net-SNMP's snmpd and a release osprey-agent side by side on free loopback ports with
# the same snmpd.conf, for the agent benchmarks. Source it, then:
#   start_agent_pair DIR PROBE   (DIR holds snmpd.conf; PROBE is a command taking a port that
#                                 succeeds once that agent answers)
# sets p_snmpd, pid_snmpd, p_osprey, pid_osprey. The caller's EXIT trap stops the agents.

free_port() {
    python3 -c 'import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

wait_until_answering() {
    local probe=$1 port=$2
    for _ in $(seq 100); do
        "$probe" "$port" >/dev/null 2>&1 && return
        sleep 0.1
    done
    echo "agent on $port did not answer" >&2
    exit 1
}

start_agent_pair() {
    local dir=$1 probe=$2
    p_snmpd=$(free_port)
    mkdir -p "$dir/snmpd" "$dir/osprey"
    SNMP_PERSISTENT_DIR="$dir/snmpd" /usr/sbin/snmpd -f -LOw -C -c "$dir/snmpd.conf" -m "" \
        "udp:127.0.0.1:$p_snmpd" >/dev/null 2>&1 &
    pid_snmpd=$!
    p_osprey=$(free_port)
    SNMP_PERSISTENT_DIR="$dir/osprey" ./target/release/osprey-agent -f -C -c "$dir/snmpd.conf" \
        "udp:127.0.0.1:$p_osprey" >/dev/null 2>&1 &
    pid_osprey=$!
    wait_until_answering "$probe" "$p_snmpd"
    wait_until_answering "$probe" "$p_osprey"
}
