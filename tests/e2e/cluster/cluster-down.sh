#!/usr/bin/env bash
# cluster-down.sh - stops what tests/e2e/cluster/cluster-up.sh started and checks that nothing
# is left: every process in a node's network namespace (slurmd, slurmstepd, tasks, containers),
# slurmctld and munged (by their PID files), the namespaces skiff-n* and skiff-sw (and with them
# every veth and every mount made in a node) and /var/lib/skiff-cluster. Logs stay in
# /var/log/skiff-cluster. Does nothing when no cluster is up. --quiet: no "stopped" line.
set -uo pipefail
prog=cluster-down
quiet=0; [ "${1:-}" = --quiet ] && quiet=1
die() { echo "$prog: ERROR: $*" >&2; exit 1; }
[ "$(id -u)" = 0 ] || die "run as root"
STATE=/var/lib/skiff-cluster
t0=${EPOCHREALTIME/./}

# A zombie counts as gone: whether its parent reaps it soon is not ours to wait for (PID 1 in
# some CI containers never does).
alive() {
  local stat
  stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
  stat=${stat##*) }
  [ "${stat%% *}" != Z ]
}
# signal_all SIGNAL PID...: 0 once none of them is alive, waiting up to 3 s.
signal_all() {
  local sig=$1 pid alive; shift
  for pid in "$@"; do kill "-$sig" "$pid" 2>/dev/null; done
  for _ in $(seq 30); do
    alive=0
    for pid in "$@"; do alive "$pid" && alive=1; done
    [ $alive = 0 ] && return 0
    sleep 0.1
  done
  return 1
}
namespaces() { ip netns list | awk '/^skiff-(n[0-9]+|sw)( |$)/ {print $1}'; }
# Processes in a node's network namespace, and in its UTS namespace (a container with a network
# namespace of its own still has the node's hostname), found from each node's slurmd.
node_pids() {
  local ns f uts=() p
  for ns in $(namespaces); do ip netns pids "$ns"; done
  for f in "$STATE"/run/slurmd-*.pid; do
    [ -s "$f" ] && uts+=("$(readlink "/proc/$(cat "$f")/ns/uts" 2>/dev/null)")
  done
  [ ${#uts[@]} = 0 ] && return
  for p in /proc/[0-9]*; do
    [[ " ${uts[*]} " == *" $(readlink "$p/ns/uts" 2>/dev/null) "* ]] && echo "${p#/proc/}"
  done
}
daemon_pids() {
  local f
  for f in "$STATE"/run/*.pid "$STATE"/munge/munged.pid; do
    [ -s "$f" ] && cat "$f"
  done
}

# What runs on a node is test work (slurmd, steps, tasks, containers): KILL. The daemons: TERM.
pids=$(node_pids)
# shellcheck disable=SC2086  # one PID per word
[ -z "$pids" ] || signal_all KILL $pids || die "processes of the nodes still alive: $pids"
pids=$(daemon_pids)
# shellcheck disable=SC2086
[ -z "$pids" ] || signal_all TERM $pids || signal_all KILL $pids || die "daemons still alive: $pids"
for ns in $(namespaces); do ip netns del "$ns" || die "ip netns del $ns failed"; done
ip link del skiff-cl0 2>/dev/null   # gone with skiff-sw already, unless that was lost
rm -rf "$STATE"

left=$(node_pids; namespaces; ip -o link show skiff-cl0 2>/dev/null; grep -s skiff-cluster /proc/self/mountinfo)
[ -z "$left" ] || die "left behind: $left"
[ $quiet = 1 ] || echo "$prog: stopped in $(( (${EPOCHREALTIME/./} - t0) / 1000 )) ms, nothing left" >&2
exit 0
