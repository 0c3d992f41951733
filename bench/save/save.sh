#!/usr/bin/env bash
# bench/save/save.sh - what `skiff run --save` costs, next to mksquashfs of the same tree, in the
# same run. README.md (bench/) explains it.
#
#   bench/save/save.sh [--runs N] [--images DIR] [--skiff PATH] [--work DIR]
#
# The container: debian.sqsh, whose command copies /usr/lib and /usr/share into /opt/copy (a
# change of a few hundred MiB in thousands of files, as a `pip install` makes). Per run:
#   run       skiff run ... -- CHANGE               (the container alone)
#   save      skiff run --save F ... -- CHANGE      (the same, saved: save = this - run)
#   import    skiff image import TREE -o F          (skiff's writer on the saved tree, from disk)
#   mksquashfs TREE F -comp zstd -Xcompression-level 6 -b 131072   (the same tree and format)
# TREE is the saved image unpacked once (unsquashfs), so all four write the same files.
set -euo pipefail

readonly PROG=bench/save
die() { echo "$PROG: ERROR: $*" >&2; exit 2; }
SRC=$(cd "$(dirname "$0")/../.." && pwd)
RUNS=5 IMAGES=/var/tmp/skiff-ci/images WORK='' SKIFF="$SRC/build/launcher/cli/skiff"
while [ $# -gt 0 ]; do
  case $1 in
    --runs) RUNS=$2; shift 2 ;;
    --images) IMAGES=$2; shift 2 ;;
    --skiff) SKIFF=$2; shift 2 ;;
    --work) WORK=$2; shift 2 ;;
    *) die "usage: $0 [--runs N] [--images DIR] [--skiff PATH] [--work DIR]" ;;
  esac
done
[ "$(id -u)" != 0 ] || die "run as the user to measure, not root (e.g. runuser -u skiff-dev -- $0)"
for t in mksquashfs unsquashfs; do command -v $t >/dev/null || die "$t missing: sudo scripts/install-deps.sh"; done
[ -x "$SKIFF" ] || die "no skiff at $SKIFF (--skiff PATH)"
[ -f "$IMAGES/debian.sqsh" ] || die "no $IMAGES/debian.sqsh: sudo tests/fixtures/build-images.sh $IMAGES"
[ -n "$WORK" ] || WORK=$(mktemp -d /var/tmp/skiff-bench-save.XXXXXX)
mkdir -p "$WORK"
trap 'rm -rf "$WORK"' EXIT
readonly CHANGE='mkdir -p /opt/copy && cp -a /usr/lib /usr/share /opt/copy/'

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.3f", b - a }'; }
declare -A times
for ((i = 1; i <= RUNS; i++)); do
  rm -rf "$WORK/tree" "$WORK"/*.sqsh
  t=$(now); "$SKIFF" run --image "$IMAGES/debian.sqsh" -- /bin/sh -c "$CHANGE"; times[run]+=" $(elapsed "$t")"
  t=$(now); "$SKIFF" run --image "$IMAGES/debian.sqsh" --save "$WORK/saved.sqsh" -- /bin/sh -c "$CHANGE" 2>/dev/null
  times[save]+=" $(elapsed "$t")"
  unsquashfs -q -n -d "$WORK/tree" "$WORK/saved.sqsh" >/dev/null
  t=$(now); "$SKIFF" image import "$WORK/tree" -o "$WORK/import.sqsh" 2>/dev/null; times[import]+=" $(elapsed "$t")"
  t=$(now); mksquashfs "$WORK/tree" "$WORK/mksquashfs.sqsh" -comp zstd -Xcompression-level 6 -b 131072 -noappend -quiet \
    -no-progress >/dev/null; times[mksquashfs]+=" $(elapsed "$t")"
done

median() { tr ' ' '\n' | grep . | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
stats() { tr ' ' '\n' | grep . | sort -n | awk '{a[NR]=$1} END {printf "median %.2f s  min %.2f s  max %.2f s", a[int((NR+1)/2)], a[1], a[NR]}'; }
size() { stat -c %s "$1"; }
change=$(du -sm "$WORK/tree/opt/copy" | cut -f1)
files=$(find "$WORK/tree" | wc -l)
echo "the saved tree: $files entries, of them $change MiB copied into /opt/copy by the command; $RUNS runs, $(nproc) CPUs"
echo "run        (skiff run, no save):         $(echo "${times[run]}" | stats)"
echo "save       (skiff run --save):           $(echo "${times[save]}" | stats)"
echo "import     (skiff image import TREE):    $(echo "${times[import]}" | stats)"
echo "mksquashfs (TREE, zstd 6, 128 KiB):      $(echo "${times[mksquashfs]}" | stats)"
m() { echo "${times[$1]}" | median; }
awk -v run="$(m run)" -v save="$(m save)" -v imp="$(m import)" -v mk="$(m mksquashfs)" 'BEGIN {
  printf "the save alone (save - run): %.2f s = %.2fx mksquashfs of the same tree; import = %.2fx mksquashfs\n",
         save - run, (save - run) / mk, imp / mk }'
echo "sizes: saved $(size "$WORK/saved.sqsh"), import $(size "$WORK/import.sqsh"), mksquashfs $(size "$WORK/mksquashfs.sqsh") bytes"
