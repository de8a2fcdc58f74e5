#!/usr/bin/env bash
# The snmpsim-data corpus (BSD-2-Clause; about 115 .snmprec recordings of real devices) for the
# simulator's corpus test: downloads the pinned wheel from PyPI with pip (installing Debian's
# python3-pip when pip is missing), unpacks its recordings (.snmprec, bz2-compressed ones
# decompressed) into target/snmpsim-data-VERSION/ once, and exports OSPREY_SNMPSIM_DATA.
# Each recording is kept up to its last whole line within the first 4 MiB: the corpus tests
# replay no more than that, and whole it is 1.4 GB of disk.
# Nothing of it is committed. Sourced by scripts/test.sh; run alone it prints the directory:
#   scripts/lib/snmpsim-data.sh

SNMPSIM_DATA_VERSION=1.0.1

ensure_snmpsim_data() {
  local root dir tmp
  root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
  dir="${OSPREY_SNMPSIM_DATA:-$root/target/snmpsim-data-$SNMPSIM_DATA_VERSION}"
  if [ ! -f "$dir/.complete" ]; then
    if ! python3 -m pip --version >/dev/null 2>&1; then
      local sudo=""
      [ "$(id -u)" -ne 0 ] && sudo="sudo"
      echo "installing Debian packages: python3-pip" >&2
      $sudo apt-get update -qq
      DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends python3-pip >/dev/null
    fi
    tmp=$(mktemp -d)
    echo "downloading snmpsim-data $SNMPSIM_DATA_VERSION (PyPI) into $dir" >&2
    if ! python3 -m pip download --no-deps --disable-pip-version-check -q \
        "snmpsim-data==$SNMPSIM_DATA_VERSION" -d "$tmp"; then
      rm -rf "$tmp"
      echo "snmpsim-data: download failed" >&2
      return 1
    fi
    rm -rf "$dir"
    mkdir -p "$dir"
    # A wheel is a zip; python3's zipfile and bz2 need no other tool.
    if ! python3 - "$tmp" "$dir" <<'PY'
import bz2, glob, os, sys, zipfile
tmp, out = sys.argv[1], sys.argv[2]
keep = 4 << 20
(wheel,) = glob.glob(os.path.join(tmp, "*.whl"))
count = 0
with zipfile.ZipFile(wheel) as z:
    for name in z.namelist():
        if "/data/" not in name or not (name.endswith(".snmprec") or name.endswith(".snmprec.bz2")):
            continue
        data = z.read(name)
        if name.endswith(".bz2"):
            data, name = bz2.decompress(data), name[:-4]
        if len(data) > keep:
            data = data[: data.rfind(b"\n", 0, keep) + 1]
        rel = name.split("/data/", 1)[1]
        path = os.path.join(out, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(data)
        count += 1
print(f"snmpsim-data: {count} recordings in {out}", file=sys.stderr)
PY
    then
      rm -rf "$tmp"
      return 1
    fi
    rm -rf "$tmp"
    touch "$dir/.complete"
  fi
  export OSPREY_SNMPSIM_DATA="$dir"
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  set -euo pipefail
  ensure_snmpsim_data
  echo "$OSPREY_SNMPSIM_DATA"
fi
