#!/usr/bin/env bash
# The include check (scripts/check-includes.sh) passes on the tree and fails on a planted
# include from the planner into hooks/, the cycle launcher/README.md forbids.
set -euo pipefail
SRC=$1
"$SRC/scripts/check-includes.sh" "$SRC"
planted=$(mktemp -d)
trap 'rm -rf "$planted"' EXIT
mkdir -p "$planted/launcher/plan" "$planted/hooks"
printf '#include "common/error.hpp"\n#include "hooks/hook.hpp"\n' > "$planted/launcher/plan/planted.cpp"
if out=$("$SRC/scripts/check-includes.sh" "$planted"); then
  echo "the planted include passed the check"; exit 1
fi
[ "$out" = 'launcher/plan/planted.cpp:2: launcher/plan may not include hooks/hook.hpp (launcher/README.md, "Which folder may include which")' ] \
  || { echo "unexpected report: $out"; exit 1; }
