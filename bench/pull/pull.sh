#!/usr/bin/env bash
# bench/pull/pull.sh - time to pull a multi-layer image from a local registry and turn it into
# a squashfs: skiff (`skiff image pull REF`) against skopeo copy + umoci unpack + mksquashfs,
# in the same run, on the same registry. README.md (bench/) explains it.
#
#   bench/pull/pull.sh [--runs N] [--images DIR] [--skiff-cmd CMD] [--work DIR]
#
# Run it as the user to measure (not root). Each run starts from empty caches and stores.
# Like with like: both write zstd level 6 in 128 KiB blocks (what skiff's converter writes;
# checked on skiff's output with unsquashfs -s).
set -euo pipefail

readonly PROG=bench/pull
die() { echo "$PROG: ERROR: $*" >&2; exit 2; }
SRC=$(cd "$(dirname "$0")/../.." && pwd)
RUNS=5 IMAGES=/var/tmp/skiff-ci/images WORK=''
SKIFF_CMD="$SRC/build/launcher/cli/skiff image pull"
usage() {
  cat >&2 <<USAGE
usage: $0 [--runs N] [--images DIR] [--skiff-cmd CMD] [--work DIR]
  --skiff-cmd CMD  the pull command; REF is appended, {tmp} becomes the run's scratch dir
                   (default: "$SKIFF_CMD", with EDF_IMAGESTORE={tmp}/store)
USAGE
  exit 2
}
while [ $# -gt 0 ]; do
  case $1 in
    --runs) RUNS=$2; shift 2 ;;
    --images) IMAGES=$2; shift 2 ;;
    --skiff-cmd) SKIFF_CMD=$2; shift 2 ;;
    --work) WORK=$2; shift 2 ;;
    *) usage ;;
  esac
done
[ "$(id -u)" != 0 ] || die "run as the user to measure, not root (e.g. runuser -u skiff-dev -- $0)"
for t in docker-registry skopeo umoci mksquashfs unsquashfs; do
  command -v $t >/dev/null || die "$t missing: sudo scripts/install-deps.sh"
done
[ -d "$IMAGES/debian-rootfs" ] || die "no $IMAGES/debian-rootfs: sudo tests/fixtures/build-images.sh $IMAGES"
[ -n "$WORK" ] || WORK=$(mktemp -d /var/tmp/skiff-bench-pull.XXXXXX)
mkdir -p "$WORK"
cleanup() { "$SRC/tests/e2e/registry/registry-down.sh" "$WORK/registry" >/dev/null 2>&1 || true; rm -rf "$WORK/run"; }
trap cleanup EXIT

# The image: debian minbase split into three gzip layers (usr; etc+var; the rest).
if [ ! -f "$WORK/oci/debian/index.json" ]; then
  echo "$PROG: building the OCI image from $IMAGES/debian-rootfs" >&2
  "$SRC/tests/fixtures/build-oci-images.sh" --from-rootfs "$IMAGES/debian-rootfs" "$WORK/oci/debian"
fi
REGISTRY_OWNER_PID=$$ "$SRC/tests/e2e/registry/registry-up.sh" "$WORK/registry" >/dev/null
# shellcheck source=/dev/null
. "$WORK/registry/registry.env"
REF=$HTTP_REGISTRY/bench/debian:1
XDG_DATA_HOME=$WORK/skopeo-push skopeo copy -q --dest-tls-verify=false --preserve-digests \
  "oci:$WORK/oci/debian:1" "docker://$REF"
layers=$(ls "$WORK/oci/debian/blobs/sha256" | wc -l)
size=$(du -sb "$WORK/oci/debian/blobs" | cut -f1)
echo "$PROG: $REF: $((layers - 2)) layers, $((size / 1048576)) MiB compressed; $RUNS runs each, zstd squashfs" >&2

now() { date +%s.%N; }
run_skiff() {
  local tmp=$1 cmd=${SKIFF_CMD//\{tmp\}/$1}
  mkdir -p "$tmp/store" "$tmp/cache"
  # shellcheck disable=SC2086  # the command line is meant to split
  EDF_IMAGESTORE=$tmp/store XDG_CACHE_HOME=$tmp/cache SKIFF_INSECURE_REGISTRIES=$HTTP_REGISTRY \
    $cmd "$REF" >"$tmp/skiff.out" 2>&1 || { cat "$tmp/skiff.out" >&2; die "the skiff command failed"; }
}
# What skiff wrote must be what the baseline writes; a fetch-only --skiff-cmd writes no image.
check_like_with_like() {
  local img
  img=$(find "$1/store" -name '*.sqsh' | head -1)
  [ -n "$img" ] || return 0
  unsquashfs -s "$img" | grep -qx 'Compression zstd' || die "skiff wrote $(unsquashfs -s "$img" | grep Compression), not zstd"
  unsquashfs -s "$img" | grep -q '^Block size 131072$' || die "skiff's block size is not 128 KiB"
}
# The download step of the baseline alone, to compare with a fetch-only --skiff-cmd.
run_skopeo() {
  XDG_DATA_HOME=$1/skopeo skopeo copy -q --src-tls-verify=false "docker://$REF" "oci:$1/oci:1"
}
run_baseline() {
  local tmp=$1
  XDG_DATA_HOME=$tmp/skopeo skopeo copy -q --src-tls-verify=false "docker://$REF" "oci:$tmp/oci:1"
  umoci unpack --rootless --image "$tmp/oci:1" "$tmp/bundle" >/dev/null
  mksquashfs "$tmp/bundle/rootfs" "$tmp/out.sqsh" -comp zstd -Xcompression-level 6 -b 131072 -noappend -quiet \
    -no-progress >/dev/null
}

declare -A times
for i in $(seq "$RUNS"); do
  for case in skiff baseline skopeo; do
    tmp=$WORK/run/$case-$i
    rm -rf "$tmp"; mkdir -p "$tmp"
    t0=$(now)
    "run_$case" "$tmp"
    times[$case]+="$(awk -v a="$(now)" -v b="$t0" 'BEGIN { printf "%.3f", a - b }') "
    [ "$case" != skiff ] || check_like_with_like "$tmp"
    rm -rf "$tmp"
  done
done

stats() { tr ' ' '\n' | grep . | sort -n | awk '{a[NR]=$1} END {printf "median %.2f s  min %.2f s  max %.2f s", a[int((NR+1)/2)], a[1], a[NR]}'; }
median() { tr ' ' '\n' | grep . | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
echo "skiff    ($SKIFF_CMD): $(echo "${times[skiff]}" | stats)"
echo "baseline (skopeo copy + umoci unpack + mksquashfs -comp zstd -Xcompression-level 6): $(echo "${times[baseline]}" | stats)"
echo "skopeo copy alone (the baseline's download step): $(echo "${times[skopeo]}" | stats)"
echo "ratio baseline/skiff (medians): $(awk -v a="$(echo "${times[baseline]}" | median)" -v b="$(echo "${times[skiff]}" | median)" 'BEGIN { printf "%.2f", a / b }')"
