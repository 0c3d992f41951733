#!/usr/bin/env bash
# quickstart.sh - from a fresh Debian 12 machine to a first skiff container.
#
#   sudo scripts/quickstart.sh
#
# Installs the dependencies, builds skiff (Release) in build/ as the user who called sudo,
# builds the small musl demo image into build/demo/ (seconds; not the Debian image), makes
# /dev/fuse usable by unprivileged users (mode 0666, as udev normally does) and then, as that
# user, runs:  build/launcher/cli/skiff run --image build/demo/musl.sqsh -- /bin/sh -c 'cat /etc/os-release; id'
set -euo pipefail

readonly PROG=quickstart.sh
die() { echo "$PROG: ERROR: $*" >&2; exit 1; }
log() { echo "$PROG: $*" >&2; }

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
readonly REPO
readonly BUILD=$REPO/build DEMO=$REPO/build/demo
RUN_USER=${SUDO_USER:-$(id -un)}
readonly RUN_USER

# Runs a command as the invoking user, from the source tree.
as_user() {
  cd "$REPO"
  if [ "$RUN_USER" = root ]; then "$@"; else runuser -u "$RUN_USER" -- "$@"; fi
}

check_writable() {
  local dir=$1
  [ -e "$dir" ] || dir=$(dirname "$dir")
  as_user test -w "$dir" \
    || die "$dir is not writable by $RUN_USER (owner $(stat -c %U "$dir")); remove it or chown it"
}

build_skiff() {
  check_writable "$BUILD"
  log "building skiff (Release) in $BUILD as $RUN_USER"
  # Release at -O2, not CMake's -O3: GCC 12 at -O3 reports false -Wrestrict errors inside
  # std::string (GCC PR 105329), which -Werror makes fatal.
  as_user cmake -S "$REPO" -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release \
    "-DCMAKE_CXX_FLAGS_RELEASE=-O2 -DNDEBUG" >/dev/null
  as_user cmake --build "$BUILD" -j "$(nproc)" --target skiff
}

build_demo_image() {
  log "building the musl demo image in $DEMO"
  as_user bash "$REPO/tests/fixtures/build-images.sh" "$DEMO" --musl-only
}

open_dev_fuse() {
  [ -c /dev/fuse ] || modprobe fuse 2>/dev/null || true
  [ -c /dev/fuse ] || die "/dev/fuse is missing: load the fuse module (modprobe fuse)"
  if [ "$(stat -c %a /dev/fuse)" != 666 ]; then
    chmod 0666 /dev/fuse
    log "made /dev/fuse mode 0666 so that unprivileged users can mount squashfs images"
  fi
}

run_demo() {
  local skiff=$BUILD/launcher/cli/skiff
  [ -x "$skiff" ] || die "$skiff does not exist: the build did not produce the skiff binary"
  log "running as $RUN_USER: build/launcher/cli/skiff run --image build/demo/musl.sqsh -- /bin/sh -c 'cat /etc/os-release; id'"
  as_user "$skiff" run --image "$DEMO/musl.sqsh" -- /bin/sh -c 'cat /etc/os-release; id' \
    || die "skiff run failed (exit $?)"
}

main() {
  [ "$(id -u)" = 0 ] || die "run with sudo (or as root): it installs packages"
  local t0=$SECONDS
  bash "$REPO/scripts/install-deps.sh" --quickstart
  build_skiff
  build_demo_image
  open_dev_fuse
  run_demo
  log "done in $((SECONDS - t0))s"
}

main "$@"
