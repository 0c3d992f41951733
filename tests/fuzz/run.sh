#!/usr/bin/env bash
# tests/fuzz/run.sh - build the libFuzzer targets of tests/fuzz with clang and run each for its
# share of SECONDS, from a seed corpus made now from real files (nothing binary is committed):
#   cache_reader_fuzz: the host's /etc/ld.so.cache, the Debian fixture's (SKIFF_TEST_IMAGES),
#                      and old, compat and new caches written by ldconfig -c FORMAT;
#   elf_probe_fuzz:    a small library with symbol versions and a PIE executable compiled
#                      here, the host's libz.so.1, and the musl fixture's libgreet.so;
#   probe_memo_fuzz:   a memo of remembered library probes (libfabric-bind/probe_memo.hpp);
#   plan_memory_fuzz:  a remembered plan (launcher/gather/plan_memory_file.hpp) with one of
#                      each part: an input, a warning, a generated file, links, hook notes;
#   cdi_spec_fuzz:     CDI specs in JSON and YAML: gpu.md's examples and one of every field;
#   squashfs_fuzz:     small images made by mksquashfs: /etc files, a symlink, a hard link, a
#                      FIFO, fragments, a sparse file, a directory large enough for an index;
#                      metadata stored plain and compressed.
#
#   tests/fuzz/run.sh SECONDS [BUILD_DIR]      # BUILD_DIR default: build-fuzz in the checkout
#
# Exit status: 0 when every target ran clean; 1 on a crash, a sanitizer report, a leak, a
# timeout or a build failure (the input is kept in BUILD_DIR/artifacts/ and the command that
# reproduces it is printed); 77 when clang or libFuzzer is missing and SKIFF_TESTS_MUST_RUN
# is not 1 (with it, that is a failure too). Environment: SKIFF_FUZZ_CXX (default clang++-14).
set -euo pipefail

readonly PROG=tests/fuzz/run.sh
die() { echo "$PROG: ERROR: $*" >&2; exit 1; }
log() { echo "$PROG: $*" >&2; }

[ $# -ge 1 ] && [[ $1 =~ ^[0-9]+$ ]] && [ "$1" -ge 2 ] || die "usage: $0 SECONDS [BUILD_DIR] (SECONDS >= 2)"
readonly SECONDS_TOTAL=$1
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
readonly REPO BUILD=${2:-$REPO/build-fuzz}
readonly CXX=${SKIFF_FUZZ_CXX:-clang++-14}
readonly TARGETS=(cache_reader_fuzz elf_probe_fuzz probe_memo_fuzz plan_memory_fuzz cdi_spec_fuzz squashfs_fuzz)
LDCONFIG=$(command -v ldconfig || echo /sbin/ldconfig)

skip_or_fail() {
  if [ "${SKIFF_TESTS_MUST_RUN:-0}" = 1 ]; then die "$1 (SKIFF_TESTS_MUST_RUN=1)"; fi
  log "SKIPPED: $1"
  exit 77
}

build() {
  command -v "$CXX" >/dev/null || skip_or_fail "$CXX not found: install clang-14 and libclang-rt-14-dev"
  mkdir -p "$BUILD"
  cmake -S "$REPO/tests/fuzz" -B "$BUILD" -G Ninja -DCMAKE_CXX_COMPILER="$CXX" \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo >"$BUILD/configure.log" 2>&1 \
    || { cat "$BUILD/configure.log" >&2; die "configuring $BUILD failed"; }
  if ! cmake --build "$BUILD" -j2 >"$BUILD/build.log" 2>&1; then
    # Only the linker's own complaint means a missing runtime: every link line names -fsanitize=fuzzer.
    if grep -q 'cannot find .*libclang_rt\.fuzzer' "$BUILD/build.log"; then
      tail -5 "$BUILD/build.log" >&2
      skip_or_fail "clang's libFuzzer runtime is missing: install libclang-rt-14-dev"
    fi
    cat "$BUILD/build.log" >&2
    die "building the fuzz targets failed"
  fi
}

# Small caches in each format: ldconfig -r on a root with three libraries, in a user namespace
# (ldconfig -r chroots); where unprivileged namespaces are off, the host's directories instead.
ldconfig_seeds() {
  local out=$1 root=$2 format lib
  mkdir -p "$root/etc" "$root/lib" "$root/var/cache/ldconfig"
  for lib in libz.so.1 libm.so.6 libgcc_s.so.1; do
    cp "/usr/lib/x86_64-linux-gnu/$lib" "$root/lib/" 2>/dev/null || true
  done
  echo /lib >"$root/etc/ld.so.conf"
  for format in old compat new; do
    if unshare -r "$LDCONFIG" -r "$root" -X -i -c "$format" -C "/etc/$format.cache" 2>/dev/null; then
      cp "$root/etc/$format.cache" "$out/ldconfig-$format.cache"
    elif "$LDCONFIG" -X -i -c "$format" -C "$out/ldconfig-$format.cache" -f "$root/etc/ld.so.conf" 2>/dev/null; then
      log "unshare -r failed: the $format seed lists the host's directories"
    else
      log "ldconfig -c $format failed; no such seed"
    fi
  done
}

cache_seeds() {
  local out=$1 images=${SKIFF_TEST_IMAGES:-}
  mkdir -p "$out"
  [ -r /etc/ld.so.cache ] && cp /etc/ld.so.cache "$out/host.cache"
  if [ -n "$images" ] && [ -r "$images/debian-rootfs/etc/ld.so.cache" ]; then
    cp "$images/debian-rootfs/etc/ld.so.cache" "$out/debian-fixture.cache"
  else
    log "no Debian fixture cache (SKIFF_TEST_IMAGES unset or not built); seeding without it"
  fi
  ldconfig_seeds "$out" "$SEED_TMP/ldconfig"
}

elf_seeds() {
  local out=$1 src=$SEED_TMP/elf images=${SKIFF_TEST_IMAGES:-}
  mkdir -p "$out" "$src"
  printf 'int seed_v1(void) { return 1; }\nint seed_v2(void) { return 2; }\n' >"$src/seed.c"
  printf 'SEED_1 { global: seed_v1; local: *; };\nSEED_2 { global: seed_v2; } SEED_1;\n' >"$src/seed.map"
  printf '#include <stdio.h>\nint main(void) { puts("seed"); return 0; }\n' >"$src/main.c"
  "${CXX%++*}" -shared -fPIC -Wl,-soname,libseed.so.1 -Wl,--version-script="$src/seed.map" \
    -Wl,-z,noseparate-code -o "$out/libseed.so.1" "$src/seed.c"
  "${CXX%++*}" -fPIE -pie -Wl,-z,noseparate-code -o "$out/seed-exe" "$src/main.c"
  cp /usr/lib/x86_64-linux-gnu/libz.so.1 "$out/" 2>/dev/null || true
  [ -n "$images" ] && cp "$images/musl-rootfs/opt/lib/libgreet.so" "$out/" 2>/dev/null || true
}

# One of each kind of entry: an ELF library with a SONAME and an ISA level, one without
# either, and a file that is not ELF.
memo_seeds() {
  mkdir -p "$1"
  printf 'skiff-elf-probes 1\n%s\n%s\n%s\n' \
    '2049 131 14424 1700000000123456789 1700000000123456789 E 3 62 1 1 l 3 10 libz.so.1' \
    '2049 132 8192 -5 7 E 2 183 0 0 b - -' '2049 133 0 0 0 -' >"$1/memo"
}

# A remembered plan in the field order of plan_memory_file.cpp and plan_codec.cpp.
plan_memory_seeds() {
  mkdir -p "$1"
  { printf 'skiff-plan-memory 3\n3:key,1:1,10:/etc/hosts,1:0,6:absent,1:1,4:warn,'
    printf '1:0,7:/a.sqsh,1:1,1:2,1:3,1:4,'                          # image
    printf '1:1,0:,4:/srv,1:n,3:600,1:0,1:1,1:2,3:abc,'               # serving
    printf '1:1,1:0,1:0,4:1000,3:100,1:0,1:0,'                        # writable, overlay, overlay dir, ids
    printf '1:1,1:3,0:,11:/etc/passwd,1:1,1:1,1:0,1:0,1:0,1:0,1:1,1:1,1:0,1:2,1:1,4:a:x:,'
    printf '1:1,2:fd,13:/proc/self/fd,0:,11:hook passwd,'              # one mount
    printf '1:0,1:0,1:1,4:PATH,3:120,'                                # hooks.d
    printf '1:1,4:PATH,8:/usr/bin,1:2,7:/bin/sh,4:true,1:/,5:skiff,1:1,6:passwd,1:1,7:on: yes,'
  } >"$1/plan"
}

# CDI specs: gpu.md §3's two examples, a spec with every 1.1.0 field, and broken ones.
cdi_seeds() {
  mkdir -p "$1"
  cat >"$1/gpu.yaml" <<'SPEC'
cdiVersion: 0.5.0
kind: nvidia.com/gpu
devices:
- name: "0"
  containerEdits: {deviceNodes: [{path: /dev/nvidia0}]}
containerEdits:
  env: [NVIDIA_VISIBLE_DEVICES=void]
  mounts: [{hostPath: /usr/lib64/libcuda.so.550.54.15, containerPath: /usr/lib64/libcuda.so.550.54.15, options: [ro, nosuid, nodev, rbind, rprivate]}]
  hooks: [{hookName: createContainer, path: /usr/bin/nvidia-cdi-hook, args: [nvidia-cdi-hook, update-ldcache, --folder, /usr/lib64]}]
SPEC
  printf '%s\n' '{"cdiVersion":"0.3.0","kind":"nvidia.com/gpu","devices":[{"name":"0","containerEdits":{"deviceNodes":[{"path":"/dev/nvidia0"}]}}]}' >"$1/gpu.json"
  printf '%s\n' '{"cdiVersion":"1.1.0","kind":"v.com/c.x","annotations":{"a":"b"},"devices":[{"name":"d","annotations":{},"containerEdits":{"env":["A=1"],"deviceNodes":[{"path":"/dev/x","hostPath":"/dev/y","type":"c","major":1,"minor":2,"fileMode":438,"permissions":"rw","uid":0,"gid":0}],"mounts":[{"hostPath":"/h","containerPath":"/c","options":["ro"],"type":"bind"}],"hooks":[{"hookName":"createContainer","path":"/h","args":["h"],"env":["E=1"],"timeout":3}],"additionalGids":[4],"intelRdt":{"closID":"c","schemata":["L3:0=f"],"enableMonitoring":true},"netDevices":[{"hostInterfaceName":"e","name":"n"}]}}]}' >"$1/full.json"
  printf 'a: &x [1]\nb: *x\n' >"$1/alias.yaml"
  printf '[[[[[[[[[[]]]]]]]]]]' >"$1/deep.json"
}

# Small images, so that a mutation hits structure more often than file data: 4 KiB blocks, no
# padding; one with plain metadata (-noI -noD: the fuzzer mutates the tables directly), one
# gzip, one zstd.
squashfs_seeds() {
  local out=$1 tree=$SEED_TMP/squashfs-tree i
  mkdir -p "$out" "$tree/etc" "$tree/usr/bin" "$tree/many"
  printf 'root:x:0:0::/root:/bin/sh\nuser:x:1000:1000::/home/user:/bin/sh\n' >"$tree/etc/passwd"
  printf 'root:x:0:\nuser:x:1000:\n' >"$tree/etc/group"
  head -c 9000 /dev/urandom >"$tree/usr/bin/tool"
  printf 'ID=seed\n' >"$tree/usr/bin/os-release"
  ln -s ../usr/bin/os-release "$tree/etc/os-release"
  ln "$tree/etc/group" "$tree/etc/group-"
  mkfifo "$tree/etc/fifo"
  truncate -s 20000 "$tree/usr/bin/sparse"
  for i in $(seq 1 300); do : >"$tree/many/entry-with-a-long-name-$i"; done
  mksquashfs "$tree" "$out/plain.sqsh" -b 4096 -nopad -noI -noD -noF -noX -quiet -all-root >/dev/null
  mksquashfs "$tree" "$out/gzip.sqsh" -b 4096 -nopad -quiet -all-root >/dev/null
  mksquashfs "$tree" "$out/zstd.sqsh" -b 4096 -nopad -comp zstd -quiet -all-root >/dev/null
  [ -n "${SKIFF_TEST_IMAGES:-}" ] && cp "$SKIFF_TEST_IMAGES/data.sqsh" "$out/" 2>/dev/null || true
}

# run_target NAME SEEDS SECONDS: libFuzzer keeps what it finds in a scratch corpus, and a
# failing input in $BUILD/artifacts/.
run_target() {
  local name=$1 seeds=$2 seconds=$3 corpus=$SEED_TMP/corpus-$1 rc=0
  mkdir -p "$corpus" "$BUILD/artifacts"
  log "$name: $(find "$seeds" -type f | wc -l) seeds, ${seconds}s"
  "$BUILD/$name" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="$BUILD/artifacts/$name-" "$corpus" "$seeds" >"$BUILD/$name.log" 2>&1 || rc=$?
  if [ "$rc" != 0 ]; then
    tail -40 "$BUILD/$name.log" >&2
    log "$name FAILED (exit $rc); log $BUILD/$name.log; reproduce: $BUILD/$name $BUILD/artifacts/$name-<file>"
    return 1
  fi
  log "$name: ok, $(grep -o 'stat::number_of_executed_units: [0-9]*' "$BUILD/$name.log" | grep -o '[0-9]*$') runs"
}

main() {
  build
  SEED_TMP=$(mktemp -d /tmp/skiff-fuzz.XXXXXX)
  trap 'rm -rf "$SEED_TMP"' EXIT
  cache_seeds "$SEED_TMP/seeds-cache_reader_fuzz"
  elf_seeds "$SEED_TMP/seeds-elf_probe_fuzz"
  memo_seeds "$SEED_TMP/seeds-probe_memo_fuzz"
  plan_memory_seeds "$SEED_TMP/seeds-plan_memory_fuzz"
  cdi_seeds "$SEED_TMP/seeds-cdi_spec_fuzz"
  squashfs_seeds "$SEED_TMP/seeds-squashfs_fuzz"
  local each=$((SECONDS_TOTAL / ${#TARGETS[@]})) failed=0 t
  for t in "${TARGETS[@]}"; do
    run_target "$t" "$SEED_TMP/seeds-$t" "$each" || failed=1
  done
  [ "$failed" = 0 ] || die "a fuzz target failed"
  log "all ${#TARGETS[@]} fuzz targets ran ${each}s each without a finding"
}

main
