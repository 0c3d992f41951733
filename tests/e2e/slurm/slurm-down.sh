#!/usr/bin/env bash
# slurm-down.sh - stops the daemons tests/e2e/slurm/slurm-up.sh started.
set -uo pipefail
for d in slurmd slurmctld munged; do
  f=/run/skiff-slurm/$d.pid
  [ -s "$f" ] && kill "$(cat "$f")" 2>/dev/null
  rm -f "$f"
done
exit 0
