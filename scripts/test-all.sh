#!/usr/bin/env bash
# test-all.sh - build skiff and run every test tier as an unprivileged user; what CI runs.
#
#   sudo scripts/test-all.sh
#
# As root: installs the dependencies, creates the user skiff-test, makes /dev/fuse 0666,
# copies the source tree to /var/tmp/skiff-ci/src (the checkout may be unreadable for that
# user), builds the fixture images into /var/tmp/skiff-ci/images, then as skiff-test builds
# skiff in /var/tmp/skiff-ci/build (prefix /usr), checks as root the .deb made of that build
# (tests/package/check-package.sh), and runs ctest (then, as root, the *AsRoot* tests: where root
# plays a second user, or builds the Debian 13 host of the SSH-hook tests), runs the multi-node
# tests on a 4-node Slurm cluster made of namespaces (tests/e2e/cluster), runs the libFuzzer targets (tests/fuzz, built with clang in
# /var/tmp/skiff-ci/build-fuzz), and builds again with ASan+UBSan in
# /var/tmp/skiff-ci/build-asan to run the unit tier. Repeated runs reuse the images and
# build incrementally. Prints the time of each step, each tier's counts on a line of its own
# (unit, ns, e2e, package and fuzz, which count as one test each), the ASan run's counts on a separate line,
# and last "N passed, N failed, N skipped", which counts each test once: the normal and root
# runs and the fuzz run, not the ASan run (a step that failed before its tests counts as
# failed; a failed ASan run still fails the script).
#
# Environment: CI=true implies SKIFF_TESTS_MUST_RUN=1 (every skip is a failure);
# SKIFF_CI_ROOT (default /var/tmp/skiff-ci), SKIFF_TEST_USER (default skiff-test),
# SKIFF_CTEST_TIMEOUT (seconds per test, default 300), SKIFF_FUZZ_SECONDS (default 120, shared
# by the fuzz targets).
set -euo pipefail

readonly PROG=test-all.sh
die() { echo "$PROG: ERROR: $*" >&2; exit 1; }
log() { echo "$PROG: $*" >&2; }

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
readonly REPO
readonly CI_ROOT=${SKIFF_CI_ROOT:-/var/tmp/skiff-ci}
readonly TEST_USER=${SKIFF_TEST_USER:-skiff-test}
readonly SRC=$CI_ROOT/src IMAGES=$CI_ROOT/images LOGS=$CI_ROOT/logs DEVICES=$CI_ROOT/devices
readonly BUILD=$CI_ROOT/build ASAN_BUILD=$CI_ROOT/build-asan FUZZ_BUILD=$CI_ROOT/build-fuzz
readonly CTEST_TIMEOUT=${SKIFF_CTEST_TIMEOUT:-300}
readonly FUZZ_SECONDS=${SKIFF_FUZZ_SECONDS:-120}
MUST_RUN=${SKIFF_TESTS_MUST_RUN:-0}
[ "${CI:-}" = true ] && MUST_RUN=1
readonly MUST_RUN

T_START=$SECONDS
CURRENT_STEP='' STEP_T0=0 STEP_STATUS=ok
STEP_REPORT=() FAILURE_EXCERPTS=()
N_PASSED=0 N_FAILED=0 N_SKIPPED=0 FAILURES=0
# Per tier (the test name's first part: unit, ns, e2e; fuzz; asan for the ASan run).
declare -A TIER_PASSED=() TIER_FAILED=() TIER_SKIPPED=()
TIERS=()

# ---------------------------------------------------------------- bookkeeping
# run_step NAME FUNCTION: a failing command inside FUNCTION ends the script (set -e);
# the EXIT trap then reports NAME as the step that failed.
run_step() {
  CURRENT_STEP=$1 STEP_T0=$SECONDS STEP_STATUS=ok
  log "== $1"
  "$2"
  STEP_REPORT+=("$(printf '%-11s %5ss  %s' "$1" $((SECONDS - STEP_T0)) "$STEP_STATUS")")
  CURRENT_STEP=''
}

print_summary() {
  local rc=$1 line
  if [ -n "$CURRENT_STEP" ]; then
    STEP_REPORT+=("$(printf '%-11s %5ss  FAILED (exit %s)' "$CURRENT_STEP" $((SECONDS - STEP_T0)) "$rc")")
    N_FAILED=$((N_FAILED + 1))
  fi
  echo
  echo "== $PROG: steps (total $((SECONDS - T_START))s)"
  for line in "${STEP_REPORT[@]}"; do echo "   $line"; done
  echo "== counts per tier; the ASan run is the unit tier again, so the total leaves it out"
  for line in "${TIERS[@]}"; do
    printf '   %-7s %s passed, %s failed, %s skipped\n' "$line" \
      "${TIER_PASSED[$line]:-0}" "${TIER_FAILED[$line]:-0}" "${TIER_SKIPPED[$line]:-0}"
  done
  echo "== each test once (a failed step counts as one failure)"
  echo "$N_PASSED passed, $N_FAILED failed, $N_SKIPPED skipped"
  # Last, so that whoever reads only the tail of the output still sees why tests failed.
  for line in "${FAILURE_EXCERPTS[@]}"; do echo "$line"; done
}

# failure_excerpt LOG: the first lines of each GoogleTest failure in a ctest log.
failure_excerpt() {
  echo "== failures in $1 (first lines of each; the whole output is in the log)"
  grep -A6 -E ':[0-9]+: Failure$' "$1" | cut -c1-400 | head -80 || true
}

on_exit() {
  local rc=$?
  trap - EXIT
  # An interrupted cluster step must not leave its namespaces and daemons.
  [ "$CURRENT_STEP" != cluster ] || bash "$SRC/tests/e2e/cluster/cluster-down.sh" --quiet
  print_summary "$rc"
  if [ "$rc" = 0 ] && [ "$FAILURES" != 0 ]; then rc=1; fi
  exit "$rc"
}

# ---------------------------------------------------------------- helpers
user_home() { getent passwd "$TEST_USER" | cut -d: -f6; }

# Runs a command as the test user with a small, fixed environment, from a directory it can read.
as_user() {
  local env_vars=(
    "HOME=$(user_home)" "USER=$TEST_USER" "LOGNAME=$TEST_USER" "LANG=C.UTF-8"
    "PATH=/usr/local/bin:/usr/bin:/bin:/usr/local/sbin:/usr/sbin:/sbin"
    "CI=${CI:-}" "SKIFF_TEST_IMAGES=$IMAGES" "SKIFF_TESTS_MUST_RUN=$MUST_RUN" "SKIFF_TEST_DEVICES=$DEVICES"
  )
  (cd "$CI_ROOT" && runuser -u "$TEST_USER" -- env -i "${env_vars[@]}" "${EXTRA_ENV[@]}" "$@")
}
EXTRA_ENV=()

# as_root CMD...: the few tests that need a second user (root plays it), same environment.
as_root() {
  (cd "$CI_ROOT" && env -i "PATH=/usr/local/bin:/usr/bin:/bin:/usr/local/sbin:/usr/sbin:/sbin" "LANG=C.UTF-8" \
    "CI=${CI:-}" "SKIFF_TEST_IMAGES=$IMAGES" "SKIFF_TESTS_MUST_RUN=$MUST_RUN" "SKIFF_TEST_SERVER_OWNER=$TEST_USER" "$@")
}
RUN_AS=as_user

# Files of the checkout: tracked and untracked-but-not-ignored, without deleted ones.
list_sources() {
  local f
  git -c safe.directory='*' -C "$REPO" ls-files -z --cached --others --exclude-standard \
    | while IFS= read -r -d '' f; do
        if [ -e "$REPO/$f" ] || [ -L "$REPO/$f" ]; then printf '%s\0' "$f"; fi
      done
}

# count RESULT TIER: one test's result (passed, failed or skipped) into its tier, and into the
# total unless the tier is asan.
count() {
  local result=$1 tier=$2
  [[ " ${TIERS[*]} " == *" $tier "* ]] || TIERS+=("$tier")
  case $result in
    passed) TIER_PASSED[$tier]=$((${TIER_PASSED[$tier]:-0} + 1)) ;;
    skipped) TIER_SKIPPED[$tier]=$((${TIER_SKIPPED[$tier]:-0} + 1)) ;;
    *) TIER_FAILED[$tier]=$((${TIER_FAILED[$tier]:-0} + 1)) ;;
  esac
  [ "$tier" = asan ] && return
  case $result in
    passed) N_PASSED=$((N_PASSED + 1)) ;;
    skipped) N_SKIPPED=$((N_SKIPPED + 1)) ;;
    *) N_FAILED=$((N_FAILED + 1)) ;;
  esac
}

# ctest_tier LOG [--asan] ARGS...: runs ctest as the user and counts each test it reports by
# the tier its name starts with (asan for them all with --asan); a failure is recorded, not
# fatal, so that the later steps still run.
ctest_tier() {
  local log_file=$1 rc=0 tier result as=''
  shift
  if [ "${1:-}" = --asan ]; then as=asan; shift; fi
  "$RUN_AS" ctest --output-on-failure --no-tests=error -j2 --timeout "$CTEST_TIMEOUT" "$@" 2>&1 \
    | tee "$log_file" || rc=$?
  if ! grep -qE '^[0-9]+% tests passed, [0-9]+ tests? failed out of [0-9]+' "$log_file"; then
    log "no ctest summary in $log_file (exit $rc)"
    count failed "${as:-ctest}"
  fi
  # "  3/894 Test #885: e2e.Pull.X ....   Passed    4.96 sec" (or ***Failed, ***Skipped, ***Timeout)
  while read -r tier result; do
    case $result in
      Passed) result=passed ;;
      Skipped) result=skipped ;;
      *) result=failed ;;
    esac
    count "$result" "${as:-$tier}"
  done < <(sed -nE 's/^ *[0-9]+\/[0-9]+ +Test +#[0-9]+: ([A-Za-z0-9_-]+)\..*[ .](\*\*\*)?([A-Za-z]+) +[0-9.]+ sec$/\1 \3/p' "$log_file")
  if [ "$rc" != 0 ]; then
    FAILURES=$((FAILURES + 1))
    STEP_STATUS="FAILED (ctest exit $rc, log $log_file)"
    FAILURE_EXCERPTS+=("$(failure_excerpt "$log_file")")
  fi
}

# ---------------------------------------------------------------- steps
step_deps() { bash "$REPO/scripts/install-deps.sh"; }

step_user() {
  if ! id -u "$TEST_USER" >/dev/null 2>&1; then
    log "creating user $TEST_USER"
    useradd -m -s /bin/bash "$TEST_USER"
  fi
  [ "$(id -u "$TEST_USER")" != 0 ] || die "$TEST_USER must not be root"
}

step_fuse() {
  [ -c /dev/fuse ] || modprobe fuse 2>/dev/null || true
  [ -c /dev/fuse ] || die "/dev/fuse missing: the FUSE tests cannot run"
  if [ "$(stat -c %a /dev/fuse)" != 666 ]; then
    chmod 0666 /dev/fuse
    log "changed /dev/fuse to mode 0666 (unprivileged squashfuse needs it)"
  fi
}

# Stand-ins for Slingshot devices (/dev/cxi0, /dev/cxi1) that the network-hook tests bind into
# containers, and for NVIDIA's (nvidia/nvidia0, nvidia1, nvidiactl, nvidia-uvm), the Slurm
# node's GPUs (gres.conf) and the GPU test's devices_dir: real character devices, which only
# root can make; they are /dev/null's (1:3), so writing to them is harmless.
step_devices() {
  install -d -m 0755 "$DEVICES" "$DEVICES/nvidia"
  local name
  for name in cxi0 cxi1 nvidia/nvidia0 nvidia/nvidia1 nvidia/nvidiactl nvidia/nvidia-uvm; do
    [ -c "$DEVICES/$name" ] || mknod -m 0666 "$DEVICES/$name" c 1 3
  done
}

# A fresh copy each run; files keep their times, so the builds stay incremental.
step_source() {
  install -d -m 0755 "$CI_ROOT"
  rm -rf "$SRC"
  install -d -m 0755 "$SRC"
  if git -c safe.directory='*' -C "$REPO" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
    list_sources | tar -C "$REPO" --null --no-recursion -T - -cf - | tar -C "$SRC" -xf -
  else
    tar -C "$REPO" --exclude='./build*' --exclude=./.git -cf - . | tar -C "$SRC" -xf -
  fi
  chown -R "$TEST_USER:" "$SRC"
  log "copied $(find "$SRC" -type f | wc -l) files from $REPO to $SRC"
}

step_fixtures() { bash "$SRC/tests/fixtures/build-images.sh" "$IMAGES"; }

# build_as_user DIR [CMAKE ARGS...] -- TARGETS: configure (first time) and build as the user.
build_as_user() {
  local dir=$1 args=() targets=()
  shift
  while [ $# -gt 0 ] && [ "$1" != -- ]; do args+=("$1"); shift; done
  [ $# -gt 0 ] && shift
  targets=("$@")
  install -d -m 0755 -o "$TEST_USER" "$dir"
  as_user cmake -S "$SRC" -B "$dir" -G Ninja "${args[@]}" >"$LOGS/$(basename "$dir")-configure.log" 2>&1 \
    || { cat "$LOGS/$(basename "$dir")-configure.log" >&2; die "cmake configure of $dir failed"; }
  as_user cmake --build "$dir" -j2 ${targets[@]+--target "${targets[@]}"}
}

# Prefix /usr: the build the package step makes its .deb of installs where Debian's packages do.
step_build() { build_as_user "$BUILD" -DCMAKE_INSTALL_PREFIX=/usr --; }
# tests/package/check-package.sh (as root: mmdebstrap, chroot): the .deb of that build, its
# files against `cmake --install`, installed into a Debian 12 root, and a container run from
# it as the user. One test in the tier "package"; a failure is recorded, not fatal.
step_package() {
  local rc=0
  SKIFF_CI_ROOT=$CI_ROOT SKIFF_TEST_IMAGES=$IMAGES SKIFF_TEST_USER=$TEST_USER \
    bash "$SRC/tests/package/check-package.sh" "$BUILD" 2>&1 | tee "$LOGS/package.log" || rc=$?
  if [ "$rc" = 0 ]; then
    count passed package
  else
    count failed package; FAILURES=$((FAILURES + 1))
    STEP_STATUS="FAILED (exit $rc, log $LOGS/package.log)"
    FAILURE_EXCERPTS+=("== package: $(tail -n 1 "$LOGS/package.log")")
  fi
}
# The Slurm tier's daemons, with the plugin just built and two GPUs as GRES
# (tests/e2e/slurm/slurm-up.sh). The daemons outlive this run: they must not inherit the run
# lock on fd 8, or the next run waits for them forever.
step_slurm() {
  bash "$SRC/tests/e2e/slurm/slurm-up.sh" "$BUILD/launcher/spank/spank_skiff.so" "$BUILD/launcher/cli/skiff" \
    "$DEVICES/nvidia" 8>&-
}
# Tests named *AsRoot* need root (to act as another user, or to build the trixie-rootfs host of
# e2e.SshHostAsRoot); they run in their own step.
step_test() {
  ctest_tier "$LOGS/ctest.log" --test-dir "$BUILD" -E 'AsRoot|^e2e\.Cluster'
  as_user "$BUILD/launcher/cli/skiff" image stop --force  # the warm servers the tests started
}
step_test_root() {
  RUN_AS=as_root
  ctest_tier "$LOGS/ctest-root.log" --test-dir "$BUILD" -R 'AsRoot'
  RUN_AS=as_user
  chown -R "$TEST_USER:" "$BUILD/Testing"  # ctest's own logs, written as root just now
}
# The multi-node tier: the 4-node cluster of tests/e2e/cluster (beside the single-node Slurm of
# step slurm), the e2e.Cluster tests as the user, and the cluster stopped again, leaving
# nothing; up and down take about a second. Root who cannot make network namespaces (a
# container without CAP_SYS_ADMIN) skips it, which SKIFF_TESTS_MUST_RUN=1 makes a failure.
step_cluster() {
  local dir=$SRC/tests/e2e/cluster
  if ! unshare --net --mount true 2>/dev/null; then
    log "cluster: cannot make network and mount namespaces here (unshare --net --mount failed)"
    if [ "$MUST_RUN" = 1 ]; then
      count failed cluster; FAILURES=$((FAILURES + 1)); STEP_STATUS="FAILED (no namespaces; SKIFF_TESTS_MUST_RUN=1)"
    else
      count skipped cluster; STEP_STATUS="skipped (no network namespaces)"
    fi
    return
  fi
  if ! bash "$dir/cluster-up.sh" "$BUILD/launcher/spank/spank_skiff.so" "$BUILD/launcher/cli/skiff" 8>&- 2>&1 \
      | tee "$LOGS/cluster-up.log"; then
    count failed cluster; FAILURES=$((FAILURES + 1))
    STEP_STATUS="FAILED (cluster-up.sh, log $LOGS/cluster-up.log and /var/log/skiff-cluster)"
    return
  fi
  ctest_tier "$LOGS/ctest-cluster.log" --test-dir "$BUILD" -R '^e2e\.Cluster'
  bash "$dir/cluster-down.sh"
}
# tests/fuzz/run.sh exits 0 (clean), 77 (clang missing, only when skips are allowed) or
# anything else (a finding or a build failure): a failure is recorded, not fatal.
step_fuzz() {
  local rc=0
  install -d -m 0755 -o "$TEST_USER" "$FUZZ_BUILD"
  as_user bash "$SRC/tests/fuzz/run.sh" "$FUZZ_SECONDS" "$FUZZ_BUILD" 2>&1 | tee "$LOGS/fuzz.log" || rc=$?
  case $rc in
    0) count passed fuzz ;;
    77) count skipped fuzz; STEP_STATUS="skipped (log $LOGS/fuzz.log)" ;;
    *) count failed fuzz; FAILURES=$((FAILURES + 1))
       STEP_STATUS="FAILED (exit $rc, log $LOGS/fuzz.log)" ;;
  esac
}
# Debug (-O0): with ASan+UBSan, -O2 compiles 5-10x slower here (toml11-heavy files took 40-55 s
# each instead of 6 s), and the unit tier runs in seconds either way.
step_asan_build() {
  # skiff too: unit.ReadmeExamples runs it.
  build_as_user "$ASAN_BUILD" -DSKIFF_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug -- unit_tests skiff
}
step_asan_test() {
  EXTRA_ENV=("UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1")
  ctest_tier "$LOGS/ctest-asan.log" --asan --test-dir "$ASAN_BUILD" -R '^unit\.'
  EXTRA_ENV=()
}

# ---------------------------------------------------------------- main
main() {
  [ "$(id -u)" = 0 ] || die "run as root (sudo $0): it installs packages and creates a user"
  install -d -m 0755 "$CI_ROOT" "$LOGS"
  exec 8>"$CI_ROOT/.test-all.lock"
  flock -n 8 || { log "waiting for another test-all.sh run"; flock 8; }
  trap on_exit EXIT
  trap 'exit 129' HUP
  trap 'exit 130' INT
  trap 'exit 143' TERM
  log "source $REPO, work dir $CI_ROOT, SKIFF_TESTS_MUST_RUN=$MUST_RUN"
  run_step deps step_deps
  run_step user step_user
  run_step fuse step_fuse
  run_step devices step_devices
  run_step source step_source
  run_step fixtures step_fixtures
  run_step build step_build
  run_step package step_package
  run_step slurm step_slurm
  run_step test step_test
  run_step test-root step_test_root
  run_step cluster step_cluster
  run_step fuzz step_fuzz
  run_step asan-build step_asan_build
  run_step asan-test step_asan_test
}

main "$@"
