# Installs the Debian packages the tests and demos need, only when missing.
# Sourced by scripts/test.sh and scripts/run.sh.

ensure_test_packages() {
  local need=()
  [ -x /usr/sbin/snmpd ] || need+=(snmpd)
  command -v snmpget >/dev/null 2>&1 || need+=(snmp)
  command -v rrdtool >/dev/null 2>&1 || need+=(rrdtool)
  [ -x /usr/sbin/snmptrapd ] || need+=(snmptrapd)
  # The web pages are tested in a real headless browser.
  command -v chromium >/dev/null 2>&1 || need+=(chromium)
  [ ${#need[@]} -eq 0 ] && return 0
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  echo "installing Debian packages: ${need[*]}" >&2
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
  # The Debian package starts a system snmpd; the tests start their own on free ports.
}
