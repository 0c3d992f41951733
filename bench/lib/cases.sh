# shellcheck shell=bash
# bench/lib/cases.sh - what the benchmark scripts share (bench/start-latency, bench/workload):
# the tool table, the case table they hand to the start_latency driver, the measured user and
# the runtime directory of the run's own. The sourcing script defines PROG, die, log and
# ENV_PATH, and sets RUN_USER from --user before choose_user.

declare -A TOOL=() TOOL_MISSING=() HAVE_CASE=() WARM_IMAGE=()
DRIVER_ARGS=() WARM_CASES=()
SPARE_LINES=
RUNTIME_DIR=''

# ---------------------------------------------------------------- case table plumbing
# find_tool NAME PACKAGE: TOOL[NAME] = its absolute path, or a reason in TOOL_MISSING[NAME].
find_tool() {
  local path
  if path=$(PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin command -v "$1"); then
    TOOL[$1]=$path
  else
    TOOL[$1]='' TOOL_MISSING[$1]="$1 not found (Debian package $2; scripts/install-deps.sh installs it)"
  fi
}

add_case() {
  local name=$1 tool=$2
  shift 2
  if [ -n "${TOOL_MISSING[$tool]:-}" ]; then
    log "skipping case $name: ${TOOL_MISSING[$tool]}"
    return 0
  fi
  DRIVER_ARGS+=(--case "$name" "$#" "$@")
  HAVE_CASE[$name]=1
}

# add_warm_case NAME TOOL IMAGE ARGV...: a case whose launches want spares from the image
# server of IMAGE, a file no other case launches, so that report_spares can tell how many of
# them found one.
add_warm_case() {
  local name=$1 tool=$2 image=$3
  shift 3
  add_case "$name" "$tool" "$@"
  [ -z "${HAVE_CASE[$name]:-}" ] || { WARM_CASES+=("$name"); WARM_IMAGE[$name]=$image; }
}

# report_spares SKIFF: per warm case, how many of its launches (warm-up runs included; the
# first launch of a plan has no spare yet) joined a spare, from `skiff image servers`:
# `SPARES name from_spare launches` per case; then the listing itself, as comments.
report_spares() {
  local listing name image real counts from launches
  listing=$(as_user "$1" image servers) || { echo "# skiff image servers failed"; return 0; }
  [ ${#WARM_CASES[@]} -eq 0 ] || echo $'\nlaunches that found a spare (FROM-SPARE), warm-up runs included:'
  for name in "${WARM_CASES[@]}"; do
    image=${WARM_IMAGE[$name]} real=$(realpath -e "${WARM_IMAGE[$name]}" 2>/dev/null || echo "$image")
    counts=$(awk -v a="$image" -v b="$real" 'NR > 1 && ($8 == a || $8 == b) { l += $4; s += $6; n++ }
      END { if (n) print s, l }' <<<"$listing")
    if [ -z "$counts" ]; then
      printf '  %-22s no image server (see its RESULT or FAILED line)\n' "$name"
      continue
    fi
    read -r from launches <<<"$counts"
    awk -v n="$name" -v s="$from" -v l="$launches" \
      'BEGIN { printf "  %-22s %5d of %5d  %5.1f %%\n", n, s, l, l ? 100 * s / l : 0 }'
    SPARE_LINES+="SPARES $name $from $launches"$'\n'
  done
  printf '\n%s' "$SPARE_LINES"
  sed 's/^/# /' <<<"$listing"
}

add_case_env() {  # add_case_env NAME K=V: a variable for that case only
  if [ -n "${HAVE_CASE[$1]:-}" ]; then DRIVER_ARGS+=(--case-env "$1" "$2"); fi
}

add_case_fresh_dir() {  # add_case_fresh_dir NAME VAR: VAR names a new empty directory each run
  if [ -n "${HAVE_CASE[$1]:-}" ]; then DRIVER_ARGS+=(--case-fresh-dir "$1" "$2"); fi
}

add_compare() {
  if [ -n "${HAVE_CASE[$1]:-}" ] && [ -n "${HAVE_CASE[$2]:-}" ]; then
    DRIVER_ARGS+=(--compare "$1:$2")
  fi
}

add_case_burst() {  # add_case_burst NAME N: each run of NAME starts N copies at once
  if [ -n "${HAVE_CASE[$1]:-}" ]; then DRIVER_ARGS+=(--case-burst "$1" "$2"); fi
}

add_case_setup() {  # add_case_setup NAME ARGV...: run before each run of NAME, untimed
  local name=$1
  shift
  if [ -n "${HAVE_CASE[$name]:-}" ]; then DRIVER_ARGS+=(--case-setup "$name" "$#" "$@"); fi
}

# The measured user: --user as root, else the caller. Sets RUN_USER, RUN_HOME.
choose_user() {
  if [ "$(id -u)" = 0 ]; then
    [ -n "$RUN_USER" ] || die "running as root: pass --user NAME (nothing is measured as root)"
    command -v setpriv >/dev/null || die "setpriv not found (Debian package util-linux): needed to measure as $RUN_USER"
  elif [ -z "$RUN_USER" ] || [ "$RUN_USER" = "$(id -un)" ]; then
    RUN_USER=$(id -un)
  else
    die "--user $RUN_USER needs root (or run as $RUN_USER)"
  fi
  id -u "$RUN_USER" >/dev/null 2>&1 || die "no user $RUN_USER"
  [ "$(id -u "$RUN_USER")" != 0 ] || die "--user $RUN_USER: must be an unprivileged user"
  RUN_HOME=$(getent passwd "$RUN_USER" | cut -d: -f6) || die "no user $RUN_USER"
}

# Runs a command as the measured user with a minimal environment, from /. The warm cases'
# image servers live in a runtime directory of this run's own (make_runtime_dir), so that
# stopping them at the end stops no other server of the user.
as_user() {
  local env_vars=("HOME=$RUN_HOME" "USER=$RUN_USER" "PATH=$ENV_PATH")
  [ -z "${RUNTIME_DIR:-}" ] || env_vars+=("XDG_RUNTIME_DIR=$RUNTIME_DIR")
  if [ "$(id -u)" = 0 ]; then
    (cd / && setpriv --reuid="$RUN_USER" --regid="$(id -g "$RUN_USER")" --init-groups \
      -- env -i "${env_vars[@]}" "$@")
  else
    (cd / && env -i "${env_vars[@]}" "$@")
  fi
}

tool_version() {  # tool_version NAME: its path and version, or "missing"
  local path=${TOOL[$1]}
  if [ -z "$path" ]; then echo missing; return 0; fi
  echo "$path $(USER=$RUN_USER "$path" --version 2>&1 | head -1)"   # ch-run needs $USER
}

# make_runtime_dir: RUNTIME_DIR, a new private directory of the measured user in /tmp.
make_runtime_dir() {
  RUNTIME_DIR=$(mktemp -d "/tmp/$PROG.XXXXXX") || die "cannot make a runtime directory in /tmp"
  [ "$(id -u)" != 0 ] || chown "$RUN_USER:" "$RUNTIME_DIR"
  chmod 0700 "$RUNTIME_DIR"
}
