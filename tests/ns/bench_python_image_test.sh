#!/usr/bin/env bash
# bench/workload --python, as bench/device-workload runs it on a machine that can fetch nothing:
# the image made of the host's python3 and what the workload's program needs of it runs that
# program under skiff from its squashfs, with every .pyc still valid (the files' times kept).
#   bench_python_image_test.sh REPO SKIFF DRIVER
# Exit 77 (a skip) when the host's python3 has no numpy or scipy, unless SKIFF_TESTS_MUST_RUN=1.
set -uo pipefail
REPO=$1 SKIFF=$2 DRIVER=$3
readonly PY=/usr/bin/python3 CODE='import numpy, scipy.linalg, scipy.sparse; print(1)'

if ! "$PY" -c 'import numpy, scipy' 2>/dev/null; then
  reason="$PY has no numpy or scipy (Debian packages python3-numpy and python3-scipy)"
  if [ "${SKIFF_TESTS_MUST_RUN:-0}" = 1 ]; then echo "FAIL: $reason"; exit 1; fi
  echo "SKIP: $reason"
  exit 77
fi
work=$(mktemp -d)
export XDG_RUNTIME_DIR=$work/run
trap '"$SKIFF" image stop --force >/dev/null 2>&1; rm -rf "$work"' EXIT
mkdir -m 0700 "$XDG_RUNTIME_DIR"
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

"$REPO/bench/workload" --python "$PY" --cache "$work/cache" --skiff "$SKIFF" --driver "$DRIVER" \
  --build-only >"$work/build.log" 2>&1 || { cat "$work/build.log"; echo "FAIL: bench/workload --build-only"; exit 1; }
for codec in gzip zstd; do
  image=$work/cache/python-$codec.sqsh
  "$SKIFF" run --image "$image" -- "$PY" -v -c "$CODE" >"$work/out" 2>"$work/err"
  status=$?
  [ "$status" = 0 ] && [ "$(cat "$work/out")" = 1 ] \
    || { fail "$codec: exit $status, output '$(cat "$work/out")'"; tail -5 "$work/err"; continue; }
  # python3 -v: "# .../numpy/__pycache__/__init__.cpython-3X.pyc matches .../numpy/__init__.py"
  grep -q '/numpy/__pycache__/__init__\..*\.pyc matches ' "$work/err" \
    || fail "$codec: numpy's __init__ .pyc was not used"
  ! grep -m1 'bytecode is stale' "$work/err" || fail "$codec: stale .pyc files in the image"
done
[ "$failures" = 0 ] || { echo "$failures failure(s)"; exit 1; }
echo "ok: $(wc -l <"$work/build.log") lines of build log; both images run the program from their .pyc files"
