#!/usr/bin/env bash
# check-spank-exports.sh - whether the Slurm plugin shows slurmstepd only what it must
# (style.md rule 11; launcher/spank/spank_skiff.lds).
#
#   check-spank-exports.sh MODULE
#
# Defined dynamic symbols: exactly the SPANK callbacks (slurm_spank_*) and the identity symbols
# Slurm's loader reads (plugin_name, plugin_type, plugin_version, spank_plugin_version); any
# other would interpose on slurmstepd's or another plugin's. Undefined ones: Slurm's functions
# (slurm_*, spank_*) and versioned C and C++ runtime symbols only; anything else (a cap_*
# function of a library not linked in, say) makes every dlopen fail under -z now. Prints the
# offenders; exits 1 if there are any, 2 on bad usage. Needs nm (binutils).
set -euo pipefail

[ $# -eq 1 ] || { echo "usage: check-spank-exports.sh MODULE" >&2; exit 2; }
module=$1
[ -r "$module" ] || { echo "check-spank-exports: cannot read $module (not built?)" >&2; exit 2; }
name=$(basename "$module")
identity='plugin_name|plugin_type|plugin_version|spank_plugin_version'

defined=$(nm -D --defined-only "$module" | awk '{print $NF}')
undefined=$(nm -D --undefined-only "$module" | awk '$1 == "U" {print $2}')  # weak ones may stay unresolved
extra=$(grep -Ev "^(slurm_spank_[a-z_]+|$identity)\$" <<<"$defined" || true)
unknown=$(grep -v '@' <<<"$undefined" | grep -Ev '^(slurm_[a-z_]+|spank_[a-z_]+)$' || true)
failed=0
for symbol in slurm_spank_init plugin_name plugin_type plugin_version spank_plugin_version; do
  grep -qx "$symbol" <<<"$defined" || { echo "check-spank-exports: $name: missing: $symbol"; failed=1; }
done
for symbol in $extra; do echo "check-spank-exports: $name: exported, must be local: $symbol"; failed=1; done
for symbol in $unknown; do echo "check-spank-exports: $name: undefined, from no library slurmstepd has: $symbol"; failed=1; done
count=$(grep -c . <<<"$defined" || true)
[ "$failed" = 0 ] && echo "check-spank-exports: $name: ok: $count symbols exported, all for Slurm"
exit "$failed"
