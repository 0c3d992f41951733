#!/usr/bin/env bash
# install-deps.sh - install every Debian package needed to build, run, test and benchmark skiff.
#
#   sudo scripts/install-deps.sh                # everything (what test-all.sh needs)
#   sudo scripts/install-deps.sh --quickstart   # only what quickstart.sh needs: build skiff,
#                                               # build the musl demo image, run it
#
# Idempotent and quiet: it asks apt only for packages that are missing, and runs
# `apt-get update` only when the first install attempt fails (stale or empty lists).
# It never installs uidmap: skiff must work without the setuid newuidmap/newgidmap.
set -euo pipefail

readonly PROG=install-deps.sh
die() { echo "$PROG: ERROR: $*" >&2; exit 1; }
log() { echo "$PROG: $*" >&2; }

# The launcher links its C libraries statically (README), so the decompressors' -dev packages
# (their .a files) are build dependencies too. skiff-pull (image pull/import) links libarchive
# and libsquashfs (squashfs-tools-ng) dynamically, its registry client libcurl and libcrypto, and
# both parse JSON with nlohmann-json. The launcher reads CDI specs with nlohmann-json and
# libyaml (static). scdoc turns doc/man/*.scd into the man pages.
readonly BUILD_PKGS=(cmake ninja-build g++ pkg-config scdoc libcap-dev libtoml11-dev
  libfmt-dev libgtest-dev libfuse3-dev libsquashfuse-dev zlib1g-dev liblzma-dev liblzo2-dev
  liblz4-dev libdeflate-dev libzstd-dev libarchive-dev libsquashfs-dev nlohmann-json3-dev libyaml-dev libcurl4-openssl-dev libssl-dev)
# openssh-server: the SSH hook runs the host's sshd in containers (it needs no system sshd:
# tests use their own ports, so one that the package may start on port 22 does not matter).
readonly RUN_PKGS=(fuse3 squashfuse fuse-overlayfs util-linux openssh-server openssh-client)
# libfabric1 and libfabric-bin (fi_info) stand in for a Slingshot host's network stack in the
# network-hook tests (tests/ns/network_hooks_test.cpp). squashfs-tools-ng: tar2sqfs/sqfsdiff for
# checking skiff-pull's images by hand and in bench. time: GNU time, whose %M the --save test reads.
readonly FIXTURE_PKGS=(squashfs-tools squashfs-tools-ng mmdebstrap musl-tools busybox-static libopenmpi-dev time
  libfabric1 libfabric-bin)
# The registry tests (tests/e2e/registry): a real registry, OCI layouts pushed with skopeo,
# a CA and htpasswd made at run time, zstd layers.
readonly REGISTRY_PKGS=(docker-registry skopeo apache2-utils openssl curl zstd)
readonly SCRIPT_PKGS=(git passwd)   # git ls-files and useradd, used by test-all.sh
# The man pages' and shell completions' tests (tests/unit/man, tests/unit/completion): groff
# renders the pages, bash-completion's helpers and zsh run the completions.
readonly DOC_TEST_PKGS=(groff-base bash-completion zsh)
# tests/package/check-package.sh: `cpack -G DEB` runs dpkg-shlibdeps (dpkg-dev) for the
# package's Depends; mmdebstrap (FIXTURE_PKGS) makes the Debian 12 root it installs into.
readonly PACKAGE_PKGS=(dpkg-dev)
# python3-numpy and python3-scipy: the host Python that tests/ns/bench_python_image_test.sh
# makes bench/workload's --python image of (bench/device-workload's, on a machine with no network).
readonly BENCH_PKGS=(charliecloud-runtime bubblewrap hyperfine umoci python3-numpy python3-scipy)
# The SPANK plugin builds against spank.h; the Slurm tests run real daemons; the multi-node
# cluster (tests/e2e/cluster) makes its network with ip(8).
readonly SLURM_PKGS=(libslurm-dev munge slurmctld slurmd slurm-client iproute2)
# tests/fuzz: libFuzzer is clang's; its runtime is only a Recommends of clang-14.
readonly FUZZ_PKGS=(clang-14 libclang-rt-14-dev)
# The musl demo image of quickstart.sh (tests/fixtures/build-images.sh --musl-only).
readonly DEMO_PKGS=(musl-tools busybox-static squashfs-tools)
readonly APT_OPTS=(-y -q --no-install-recommends -o DPkg::Lock::Timeout=600)

installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'; }

WANTED=("${BUILD_PKGS[@]}" "${RUN_PKGS[@]}" "${FIXTURE_PKGS[@]}" "${REGISTRY_PKGS[@]}" "${SCRIPT_PKGS[@]}"
  "${DOC_TEST_PKGS[@]}" "${PACKAGE_PKGS[@]}"
  "${BENCH_PKGS[@]}" "${SLURM_PKGS[@]}" "${FUZZ_PKGS[@]}")

missing_packages() {
  local p
  for p in "${WANTED[@]}"; do
    # busybox-static only replaces Debian's busybox; the fixtures unpack it where that is installed
    if [ "$p" = busybox-static ] && installed busybox; then continue; fi
    installed "$p" || echo "$p"
  done
}

apt_install() {
  local log_file
  log_file=$(mktemp /tmp/skiff-install-deps.XXXXXX.log)
  export DEBIAN_FRONTEND=noninteractive
  if ! apt-get install "${APT_OPTS[@]}" "$@" >"$log_file" 2>&1; then
    log "apt-get install failed; running apt-get update and trying again"
    apt-get update -q -o DPkg::Lock::Timeout=600 >>"$log_file" 2>&1 \
      || { tail -20 "$log_file" >&2; die "apt-get update failed (log: $log_file)"; }
    apt-get install "${APT_OPTS[@]}" "$@" >>"$log_file" 2>&1 \
      || { tail -20 "$log_file" >&2; die "apt-get install failed (log: $log_file)"; }
  fi
  rm -f "$log_file"
}

main() {
  [ "$(id -u)" = 0 ] || die "run as root (sudo $0)"
  case "${1:-}" in
    '') ;;
    --quickstart) WANTED=("${BUILD_PKGS[@]}" fuse3 squashfuse fuse-overlayfs util-linux "${DEMO_PKGS[@]}") ;;
    *) die "unknown option '$1'; usage: $0 [--quickstart]" ;;
  esac
  local missing t0=$SECONDS
  mapfile -t missing < <(missing_packages)
  if [ ${#missing[@]} -eq 0 ]; then
    log "all packages installed"
    return 0
  fi
  log "installing ${#missing[@]} packages: ${missing[*]}"
  apt_install "${missing[@]}"
  mapfile -t missing < <(missing_packages)
  [ ${#missing[@]} -eq 0 ] || die "still missing after install: ${missing[*]}"
  log "done in $((SECONDS - t0))s"
}

main "$@"
