#!/usr/bin/env bash
# check-includes.sh [ROOT] - fails on an #include that breaks the layering of launcher/README.md.
# Each part of the tree may include only the parts (or single headers) listed for it, and
# itself; one line per offending include: "FILE:LINE: PART may not include TARGET (...)".
set -euo pipefail
ROOT=${1:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
cd "$ROOT"

# Longest prefixes first: a file belongs to the first part whose folder holds it.
PARTS=(namespaces/squashfs namespaces/image_server namespaces common libfabric-bind hooks
       launcher/edf launcher/site launcher/image launcher/plan launcher/gather launcher/run
       launcher/cli launcher/pull launcher/spank)
declare -A ALLOWED=(
  [common]=""
  [namespaces]="common"
  [namespaces/squashfs]="common namespaces"
  [namespaces/image_server]="common namespaces namespaces/squashfs"
  [libfabric-bind]="common"
  [launcher/edf]="common"
  [launcher/site]="common launcher/edf"
  [launcher/image]="common libfabric-bind namespaces namespaces/squashfs"
  [launcher/plan]="common launcher/edf launcher/site launcher/image"
  [hooks]="common libfabric-bind launcher/edf launcher/site launcher/image launcher/plan"
  [launcher/gather]="common libfabric-bind namespaces launcher/edf launcher/site launcher/image launcher/plan hooks"
  [launcher/run]="common namespaces namespaces/squashfs namespaces/image_server launcher/plan hooks"
  [launcher/cli]="common libfabric-bind namespaces namespaces/image_server launcher/edf launcher/site launcher/image launcher/plan hooks launcher/gather launcher/run"
  [launcher/pull]="common launcher/image"
  [launcher/spank]="common namespaces launcher/run/holder_state.hpp"
)

part_of() {
  local p
  for p in "${PARTS[@]}"; do
    if [[ $1 == "$p"/* ]]; then echo "$p"; return; fi
  done
}

bad=0
while IFS= read -r -d '' file; do
  from=$(part_of "$file")
  [ -n "$from" ] || continue
  while IFS=: read -r line target; do
    to=$(part_of "$target")
    [ -n "$to" ] && [ "$to" != "$from" ] || continue
    if [[ " ${ALLOWED[$from]} " != *" $to "* && " ${ALLOWED[$from]} " != *" $target "* ]]; then
      echo "$file:$line: $from may not include $target (launcher/README.md, \"Which folder may include which\")"
      bad=1
    fi
  done < <(grep -n -o '^#include "[^"]*"' "$file" | sed -E 's/^([0-9]+):#include "(.*)"$/\1:\2/')
done < <(find "${PARTS[@]}" -type f \( -name '*.cpp' -o -name '*.hpp' -o -name '*.c' -o -name '*.h' \) -print0 2>/dev/null)
exit "$bad"
