# shellcheck shell=bash
# bench/lib/targets.sh - bench/workload's verdict: issue 18's targets, each a ratio of medians
# from the start_latency driver's output, met or missed, and whether the run settles it.

# The issue's targets (bench/README.md): RATIO A B at most LIMIT, on a machine of at least
# CORES cores (the 64-bursts' targets are for a 16-core node).
readonly TARGETS=(
  "skiff-warm-gzip baseline 1.10 1"
  "skiff-first-x16 baseline-x16 1.20 1"
  "skiff-second-x16 baseline-x16 1.05 1"
  "skiff-first-x16 ch-run-x16 0.40 1"
  "skiff-second-x16 ch-run-x16 0.40 1"
  "skiff-first-x64 baseline-x64 1.50 16"
  "skiff-first-x64 ch-run-x64 1.00 16"
)

print_targets() {  # print_targets FILE...: the drivers' outputs
  local t a b limit cores value rounds interval rounds_interval settled detail
  echo "## targets (ratio of medians at most the limit; 0.40 = at least 2.5 x faster), with its 95 %"
  echo "## interval; settled: the interval lies wholly on one side of the limit, so the verdict is"
  echo "## not this run's noise; per round: the median of each round's ratio, their middle half"
  echo "## and the median's 95 % interval (bench/README.md, \"Reading the output\")"
  for t in "${TARGETS[@]}"; do
    read -r a b limit cores <<<"$t"
    value=$(match_line RATIO "$a" "$b" "$@")
    rounds=$(match_line ROUNDS "$a" "$b" "$@")
    interval=$(match_line INTERVAL "$a" "$b" "$@")
    rounds_interval=$(match_line ROUNDS_INTERVAL "$a" "$b" "$@")
    settled=unsettled
    if [ -n "$interval" ] && awk -v l="$limit" '{ exit !($2 <= l || $1 > l) }' <<<"$interval"; then
      settled=settled
    fi
    detail=" interval ${interval:-n/a} $settled per-round ${rounds:-n/a} interval ${rounds_interval:-n/a}"
    if [ "$(nproc)" -lt "$cores" ]; then
      echo "TARGET $a $b ${value:-n/a} $limit not-here (a target for $cores cores; this machine has $(nproc))"
    elif [ -z "$value" ]; then
      echo "TARGET $a $b n/a $limit not-measured"
    elif awk -v v="$value" -v l="$limit" 'BEGIN { exit !(v <= l) }'; then
      echo "TARGET $a $b $value $limit met$detail"
    else
      echo "TARGET $a $b $value $limit MISSED$detail"
    fi
  done
}

match_line() {  # match_line KIND A B FILE...: the fields after "KIND A B" in the drivers' outputs
  local kind=$1 a=$2 b=$3
  shift 3
  awk -v k="$kind" -v a="$a" -v b="$b" '$1 == k && $2 == a && $3 == b { $1 = $2 = $3 = ""; sub(/^ +/, ""); print }' "$@"
}
