# Builds the release `osprey` binary and prints its absolute path ($CARGO_TARGET_DIR, relative
# or absolute, else ./target). Sourced by the bench scripts, which run from the workspace root.

build_release_osprey() {
  local target="${CARGO_TARGET_DIR:-target}"
  # Explicit: errexit does not reach into the command substitution that calls this.
  cargo build --release -q --bin osprey || return
  if [[ "$target" = /* ]]; then
    echo "$target/release/osprey"
  else
    echo "$(pwd)/$target/release/osprey"
  fi
}
