#!/usr/bin/env bash
# completion/_skiff: zsh -n, compinit registers it for skiff, and an interactive zsh
# (zsh_capture.zsh) offers what it should in the sandbox of sandbox.sh.
#
#   zsh_completion_test.sh SKIFF REPO
# Exit 77 (a skip) without zsh or mksquashfs, unless SKIFF_TESTS_MUST_RUN=1.
set -uo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=sandbox.sh
source "$here/sandbox.sh"
command -v zsh >/dev/null || skip "zsh not found: install zsh"
zsh -n "$REPO/completion/_skiff" || fail "zsh -n $REPO/completion/_skiff"
registered=$(zsh -f -c "fpath=('$REPO/completion' \$fpath); autoload -U compinit && compinit -u -D; print -r -- \$_comps[skiff]")
[ "$registered" = _skiff ] || fail "compinit does not register _skiff for skiff: '$registered'"

# `skiff` is the skiff under test.
mkdir -p "$work/bin" && ln -s "$BUILD_SKIFF" "$work/bin/skiff"
export PATH="$work/bin:$PATH"
complete_line() { timeout 20 zsh -f "$here/zsh_capture.zsh" "$REPO/completion" "$1"; }

expect_commands_and_options

expect 'skiff run -e ' alpha beta job.toml '!notes' '!gamma'
export EDF_PATH="$work/path1::relative:$work/path2"
expect 'skiff run -e ' gamma delta '!alpha' '!dir' '!epsilon'
unset EDF_PATH

expect 'skiff run --image ' docker.io/library/ubuntu:24.04 '!-'
expect 'skiff image rm ' docker.io/library/ubuntu:24.04 '!-'
mapfile -t annotations < <(hook_annotations)
[ ${#annotations[@]} -ge 9 ] || fail "found only these annotations in hook_table.cpp: ${annotations[*]}"
expect 'skiff run --annotation ' "${annotations[@]}"

expect 'skiff run --mount da' data
expect 'skiff image import da' data
expect 'skiff run --cold ech' echo
finish
