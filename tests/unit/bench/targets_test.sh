#!/usr/bin/env bash
# bench/workload's verdict (bench/lib/targets.sh): a target is met when its ratio of medians is
# at most the limit, and settled only when the ratio's 95 % interval lies wholly on one side of
# the limit; a target with no INTERVAL line (fewer rounds) is unsettled, one with no RATIO line
# not measured.
#
#   targets_test.sh REPO
set -uo pipefail
REPO=$1
# shellcheck source=bench/lib/targets.sh
source "$REPO/bench/lib/targets.sh"
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

out=$(mktemp) && trap 'rm -f "$out"' EXIT
cat >"$out" <<'LINES'
RATIO skiff-warm-gzip baseline 1.085
ROUNDS skiff-warm-gzip baseline 1.106 1.068 1.161
INTERVAL skiff-warm-gzip baseline 1.040 1.130
ROUNDS_INTERVAL skiff-warm-gzip baseline 1.080 1.120
RATIO skiff-first-x16 baseline-x16 1.155
ROUNDS skiff-first-x16 baseline-x16 1.169 1.152 1.190
INTERVAL skiff-first-x16 baseline-x16 1.100 1.200
RATIO skiff-second-x16 baseline-x16 1.060
INTERVAL skiff-second-x16 baseline-x16 1.051 1.070
ROUNDS skiff-second-x16 baseline-x16 1.064 1.026 1.076
RATIO skiff-first-x16 ch-run-x16 0.341
ROUNDS skiff-first-x16 ch-run-x16 0.324 0.316 0.329
RATIO skiff-first-x16 ch-run-x16-other 9.999
LINES
report=$(print_targets "$out") || fail "print_targets exited $?"

# expect A B LINE: the TARGET line of A over B is LINE.
expect() {
  local got
  got=$(grep "^TARGET $1 $2 " <<<"$report")
  [ "$got" = "$3" ] || fail "expected '$3', got '$got'"
}
expect skiff-warm-gzip baseline \
  "TARGET skiff-warm-gzip baseline 1.085 1.10 met interval 1.040 1.130 unsettled per-round 1.106 1.068 1.161 interval 1.080 1.120"
expect skiff-first-x16 baseline-x16 \
  "TARGET skiff-first-x16 baseline-x16 1.155 1.20 met interval 1.100 1.200 settled per-round 1.169 1.152 1.190 interval n/a"
expect skiff-second-x16 baseline-x16 \
  "TARGET skiff-second-x16 baseline-x16 1.060 1.05 MISSED interval 1.051 1.070 settled per-round 1.064 1.026 1.076 interval n/a"
expect skiff-first-x16 ch-run-x16 \
  "TARGET skiff-first-x16 ch-run-x16 0.341 0.40 met interval n/a unsettled per-round 0.324 0.316 0.329 interval n/a"
expect skiff-second-x16 ch-run-x16 "TARGET skiff-second-x16 ch-run-x16 n/a 0.40 not-measured"
grep -q "^TARGET skiff-first-x64 baseline-x64 n/a 1.50 not-" <<<"$report" \
  || fail "the 64-burst target is neither not-here nor not-measured: $report"

[ "$failures" -eq 0 ] || exit 1
echo "bench/lib/targets.sh: every verdict as expected"
