#!/usr/bin/env bash
# check-package.sh - the .deb of a build installs and works, and holds what `cmake --install` does.
#
#   sudo tests/package/check-package.sh BUILD_DIR
#
# 1. builds the .deb with `cpack -G DEB` (as BUILD_DIR's owner, so nothing in it becomes root's);
# 2. its files equal those `cmake --install BUILD_DIR --prefix PREFIX` puts into a DESTDIR
#    (PREFIX: the build's CMAKE_INSTALL_PREFIX, which the package installs below);
# 3. `dpkg -i` installs it into a fresh Debian 12 minbase root (mmdebstrap, with the package's
#    Depends; cached as a tarball in $SKIFF_CI_ROOT/package-roots), where `skiff --version` runs,
#    `dpkg -L` lists the package's files, and skiff-pull (its shared libraries) imports a directory;
# 4. from the package unpacked with `dpkg -x`, as the user $SKIFF_TEST_USER: `skiff image import`
#    (skiff-pull, found in ../libexec/skiff) makes a squashfs of the musl fixture's root file
#    system, and `skiff run` starts a container from it.
# Needs root, dpkg-dev (dpkg-shlibdeps), mmdebstrap, and the fixture images
# ($SKIFF_TEST_IMAGES, default $SKIFF_CI_ROOT/images: tests/fixtures/build-images.sh).
# Exits 0, or 1 with one line "check-package.sh: ERROR: ..." last.
set -Eeuo pipefail

readonly PROG=check-package.sh
die() { echo "$PROG: ERROR: $*" >&2; exit 1; }
log() { echo "$PROG: $*" >&2; }

readonly CI_ROOT=${SKIFF_CI_ROOT:-/var/tmp/skiff-ci}
readonly IMAGES=${SKIFF_TEST_IMAGES:-$CI_ROOT/images}
readonly TEST_USER=${SKIFF_TEST_USER:-skiff-test}
readonly MIRROR=${SKIFF_IMAGES_MIRROR:-http://deb.debian.org/debian}   # as tests/fixtures/build-images.sh
readonly ROOTS=$CI_ROOT/package-roots
WORK=''

# The root's /proc is mounted while it is used; --one-file-system never reaches into a mount.
cleanup() {
  [ -n "$WORK" ] || return 0
  if mountpoint -q "$WORK/root/proc"; then umount "$WORK/root/proc"; fi
  rm -rf --one-file-system "$WORK"
}

# as_owner CMD...: runs CMD as the build directory's owner.
as_owner() {
  if [ "$OWNER" = root ]; then "$@"; else runuser -u "$OWNER" -- "$@"; fi
}

# The package's file list (no directories), as absolute paths, sorted.
deb_files() { dpkg-deb -c "$1" | awk '$1 !~ /^d/ { sub(/^\./, "", $6); print $6 }' | sort; }

build_deb() {
  install -d -o "$OWNER" "$WORK/deb"
  as_owner cpack -G DEB --config "$BUILD/CPackConfig.cmake" -B "$WORK/deb" >"$WORK/cpack.log" 2>&1 \
    || { tail -20 "$WORK/cpack.log" >&2; die "cpack -G DEB failed in $BUILD"; }
  local debs=("$WORK"/deb/skiff_*.deb)
  if [ ${#debs[@]} != 1 ] || [ ! -f "${debs[0]}" ]; then die "cpack made no single skiff_*.deb in $WORK/deb"; fi
  DEB=${debs[0]}
  log "built $(basename "$DEB"): Depends: $(dpkg-deb -f "$DEB" Depends)"
}

compare_with_install() {
  install -d -o "$OWNER" "$WORK/destdir"
  as_owner env DESTDIR="$WORK/destdir" cmake --install "$BUILD" --prefix "$PREFIX" >"$WORK/install.log" 2>&1 \
    || { tail -20 "$WORK/install.log" >&2; die "cmake --install $BUILD --prefix $PREFIX failed"; }
  (cd "$WORK/destdir" && find . ! -type d | sed 's/^\.//' | sort) >"$WORK/install.list"
  deb_files "$DEB" >"$WORK/deb.list"
  if ! diff -u "$WORK/install.list" "$WORK/deb.list" >&2; then
    die "the .deb's files differ from cmake --install --prefix $PREFIX (diff above: - install, + deb)"
  fi
  log "the .deb holds the $(wc -l <"$WORK/deb.list") files cmake --install does"
}

# A minbase root with the package's dependencies, made once per Depends line.
debian_root() {
  local depends names key tarball
  depends=$(dpkg-deb -f "$DEB" Depends)
  # "libc6 (>= 2.34), libfoo1 | libbar1" -> "libc6,libfoo1": dpkg -i checks the versions.
  names=$(echo "$depends" | tr ',' '\n' | sed -E 's/\|.*//; s/\(.*\)//; s/[[:space:]]//g' | grep -v '^$' | paste -sd,)
  key=$(echo "$MIRROR $names" | sha256sum | cut -c1-16)
  tarball=$ROOTS/bookworm-minbase-$key.tar
  if [ ! -f "$tarball" ]; then
    install -d -m 0755 "$ROOTS"
    log "mmdebstrap --variant=minbase bookworm with $names (once; cached in $tarball)"
    # The name ends in .tar: mmdebstrap picks its output format by the extension.
    mmdebstrap --variant=minbase --mode=root --quiet --include="$names" bookworm "$ROOTS/.new-$key.tar" "$MIRROR" \
      </dev/null >"$WORK/mmdebstrap.log" 2>&1 \
      || { tail -20 "$WORK/mmdebstrap.log" >&2; rm -f "$ROOTS/.new-$key.tar"; die "mmdebstrap failed for $names"; }
    mv "$ROOTS/.new-$key.tar" "$tarball"
  fi
  install -d "$WORK/root"
  tar -C "$WORK/root" -xf "$tarball" || die "cannot unpack $tarball (remove it to make it again)"
}

install_in_root() {
  debian_root
  cp "$DEB" "$WORK/root/tmp/skiff.deb"
  chroot "$WORK/root" dpkg -i /tmp/skiff.deb >"$WORK/dpkg.log" 2>&1 \
    || { cat "$WORK/dpkg.log" >&2; die "dpkg -i of $(basename "$DEB") failed in a fresh Debian 12 root"; }
  local version
  version=$(chroot "$WORK/root" "$PREFIX/bin/skiff" --version 2>&1) \
    || die "skiff --version failed in the Debian 12 root: $version"
  [[ $version == *"$(dpkg-deb -f "$DEB" Version)"* ]] \
    || die "skiff --version says '$version', the package is $(dpkg-deb -f "$DEB" Version)"
  chroot "$WORK/root" dpkg -L skiff | while read -r f; do [ -d "$WORK/root$f" ] || echo "$f"; done | sort \
    >"$WORK/installed.list"
  diff -u "$WORK/deb.list" "$WORK/installed.list" >&2 || die "dpkg -L skiff differs from the .deb's file list"
  # skiff-pull links the shared libraries the Depends name: it must load and work there too
  # (it names its output through /proc/self/fd).
  local out
  mount -t proc proc "$WORK/root/proc"
  out=$(chroot "$WORK/root" "$PREFIX/libexec/skiff/skiff-pull" import "$PREFIX/share/doc/skiff" -o /tmp/doc.sqsh 2>&1) \
    || die "skiff-pull import failed in the Debian 12 root (missing Depends?): $out"
  [ "$(head -c 4 "$WORK/root/tmp/doc.sqsh")" = hsqs ] || die "skiff-pull import in the Debian 12 root made no squashfs"
  log "installed in a Debian 12 root: $version, and skiff-pull imports there"
}

run_container() {
  local rootfs=$IMAGES/musl-rootfs tree=$WORK/tree home=$WORK/home out
  [ -d "$rootfs" ] || die "no fixture $rootfs: run tests/fixtures/build-images.sh $IMAGES"
  id -u "$TEST_USER" >/dev/null 2>&1 || die "no user $TEST_USER (scripts/test-all.sh creates it)"
  dpkg -x "$DEB" "$tree"
  install -d -o "$TEST_USER" "$home"
  local user_env=(env -i "HOME=$home" "USER=$TEST_USER" "LANG=C.UTF-8" "PATH=/usr/bin:/bin")
  local skiff=$tree$PREFIX/bin/skiff
  (cd "$home" && runuser -u "$TEST_USER" -- "${user_env[@]}" "$skiff" image import "$rootfs" -o "$home/musl.sqsh") \
    >"$WORK/import.log" 2>&1 || { cat "$WORK/import.log" >&2; die "skiff image import failed from the unpacked package"; }
  out=$(cd "$home" && runuser -u "$TEST_USER" -- "${user_env[@]}" "$skiff" run --cold --image "$home/musl.sqsh" \
    -- cat /skiff-fixture 2>&1) || die "skiff run failed from the unpacked package: $out"
  [ "$out" = musl ] || die "the container printed '$out', expected 'musl'"
  log "as $TEST_USER, the unpacked package imported an image and ran a container in it"
}

main() {
  [ $# = 1 ] || die "usage: $PROG BUILD_DIR"
  [ "$(id -u)" = 0 ] || die "run as root: it makes a Debian root with mmdebstrap and chroots into it"
  BUILD=$(cd "$1" 2>/dev/null && pwd) || die "no build directory '$1'"
  [ -f "$BUILD/CPackConfig.cmake" ] || die "$BUILD has no CPackConfig.cmake: configure it with cmake first"
  PREFIX=$(sed -n 's/^CMAKE_INSTALL_PREFIX:PATH=//p' "$BUILD/CMakeCache.txt")
  [ -n "$PREFIX" ] || die "no CMAKE_INSTALL_PREFIX in $BUILD/CMakeCache.txt"
  OWNER=$(stat -c %U "$BUILD")
  WORK=$(mktemp -d /var/tmp/skiff-package.XXXXXX)
  chmod 0755 "$WORK"
  trap cleanup EXIT
  trap 'echo "$PROG: ERROR: a command failed at line $LINENO (output above)" >&2' ERR
  build_deb
  compare_with_install
  install_in_root
  run_container
  log "ok: $(basename "$DEB")"
}

main "$@"
