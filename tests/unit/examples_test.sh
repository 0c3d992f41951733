#!/usr/bin/env bash
# The installed examples (doc/examples, share/doc/skiff after `cmake --install`) are valid:
# skiff.toml loads as a site configuration and every EDF passes `skiff edf check`, with
# EDF_PATH at the examples so that base_environment names resolve as in ~/.edf.
#
#   examples_test.sh REPO SKIFF
set -uo pipefail
REPO=$1 SKIFF=$2
examples=$REPO/doc/examples
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0

printf 'image = "%s"\n' "$work" > "$work/minimal.toml"
if ! out=$(SKIFF_CONFIG=$examples/skiff.toml "$SKIFF" edf check "$work/minimal.toml" 2>&1); then
  echo "FAIL: doc/examples/skiff.toml: $out"; failures=$((failures + 1))
fi
n=0
for edf in "$examples"/edf/*.toml; do
  n=$((n + 1))
  if ! out=$(EDF_PATH=$examples/edf SKIFF_CONFIG=$examples/skiff.toml "$SKIFF" edf check "$edf" 2>&1); then
    echo "FAIL: ${edf#"$REPO"/}: $out"; failures=$((failures + 1))
  fi
done
[ "$n" -ge 2 ] || { echo "FAIL: doc/examples/edf holds $n EDFs, expected at least 2"; failures=$((failures + 1)); }
[ "$failures" = 0 ] || exit 1
echo "ok: doc/examples/skiff.toml and $n EDFs"
