#!/usr/bin/env bash
# registry-down.sh - stop the registries that registry-up.sh started in DIR.
#
#   tests/e2e/registry/registry-down.sh DIR            # stop both and remove DIR
#   tests/e2e/registry/registry-down.sh DIR http|tls   # stop that one, keep DIR (restart
#                                                      # it with registry-up.sh DIR)
set -euo pipefail

readonly PROG=registry-down.sh
die() { echo "$PROG: ERROR: $*" >&2; exit 1; }
[ $# -ge 1 ] || die "usage: $0 DIR [http|tls]..."
DIR=$1; shift
[ -d "$DIR" ] || exit 0
names=("$@"); keep=1
[ ${#names[@]} -gt 0 ] || { names=(http tls); keep=0; }

stop() {
  local f=$DIR/$1.pid pid
  [ -f "$f" ] || return 0
  pid=$(cat "$f")
  # Only a docker-registry serving this directory's config: never a recycled pid.
  if grep -qs "$DIR/$1.yml" "/proc/$pid/cmdline"; then
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$f"
}

for n in "${names[@]}"; do
  case $n in http|tls) stop "$n" ;; *) die "unknown registry $n (http or tls)" ;; esac
done
[ "$keep" = 1 ] || rm -rf "$DIR"
