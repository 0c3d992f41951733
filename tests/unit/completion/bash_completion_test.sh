#!/usr/bin/env bash
# completion/skiff.bash, driven as readline drives it: a command line split into COMP_WORDS
# (at blanks and at COMP_WORDBREAKS' "=" and ":"), then _skiff, then COMPREPLY; in the sandbox
# of sandbox.sh.
#
#   bash_completion_test.sh SKIFF REPO
# Exit 77 (a skip) without bash-completion or mksquashfs, unless SKIFF_TESTS_MUST_RUN=1.
set -uo pipefail
# shellcheck source=sandbox.sh
source "$(dirname "${BASH_SOURCE[0]}")/sandbox.sh"
BASH_COMPLETION=/usr/share/bash-completion/bash_completion
[ -r "$BASH_COMPLETION" ] || skip "$BASH_COMPLETION not found: install bash-completion"
# shellcheck source=/dev/null
source "$BASH_COMPLETION"
# shellcheck source=../../../completion/skiff.bash
source "$REPO/completion/skiff.bash"
[ "$(complete -p skiff 2>/dev/null)" = "complete -F _skiff skiff" ] || fail "skiff.bash does not register _skiff"

# The first word is the skiff under test, as a user would type its path.
complete_line() {
  local line="$BUILD_SKIFF ${1#skiff }" word='' c
  COMP_WORDS=()
  for ((c = 0; c < ${#line}; c++)); do
    case ${line:c:1} in
      ' ') [ -n "$word" ] && COMP_WORDS+=("$word"); word='' ;;
      [=:]) [ -n "$word" ] && COMP_WORDS+=("$word"); COMP_WORDS+=("${line:c:1}"); word='' ;;
      *) word+=${line:c:1} ;;
    esac
  done
  COMP_WORDS+=("$word")
  [ -z "$word" ] || [ "${line: -1}" != ' ' ] || COMP_WORDS+=('')
  COMP_CWORD=$((${#COMP_WORDS[@]} - 1)) COMP_LINE=$line COMP_POINT=${#line} COMPREPLY=()
  _skiff skiff "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
  printf '%s\n' "${COMPREPLY[@]}"
}

expect_commands_and_options --help --version
expect 'skiff run --cold --dry-run -' -e --image

# EDF names: ~/.edf by default; EDF_PATH replaces it (relative entries skipped, only files).
expect 'skiff run -e ' alpha beta job.toml '!notes' '!gamma'
expect 'skiff run --environment=al' alpha '!beta'
expect 'skiff edf check ' alpha beta
export EDF_PATH="$work/path1::relative:$work/path2"
expect 'skiff run -e ' gamma delta '!alpha' '!dir' '!epsilon'
expect 'skiff edf show ' gamma delta
unset EDF_PATH

# The store's images by reference; paths where a path starts.
expect 'skiff run --image ' docker.io/library/ubuntu:24.04 '!-'
expect 'skiff run --image=docker.io/' docker.io/library/ubuntu:24.04
expect 'skiff run -v --image ./' ./app.sqsh ./data '!./job.toml'
expect 'skiff image rm ' docker.io/library/ubuntu:24.04 '!acme+tool+latest'
expect 'skiff image stop ' docker.io/library/ubuntu:24.04

# Annotations: each setting of each built-in hook.
mapfile -t annotations < <(hook_annotations | sed 's/$/=/')
[ ${#annotations[@]} -ge 9 ] || fail "found only these annotations in hook_table.cpp: ${annotations[*]}"
expect 'skiff run --annotation ' "${annotations[@]}"
expect 'skiff run --annotation com.hooks.ss' com.hooks.ssh.port= '!com.hooks.cxi.enabled='

# Host paths: a relative one starts with ./ (skiff takes a bare name as a reference).
expect 'skiff run --mount da' ./data
expect 'skiff run --mount ' ./data ./app.sqsh '!data'
expect "skiff run -m $work/cwd/da" "$work/cwd/data"
expect 'skiff run -m ./data:' '!./data'
expect 'skiff image import da' data
expect 'skiff image import ./oci -o ./' ./app.sqsh
expect 'skiff ldcache build --root ./' ./data '!./app.sqsh'
expect 'skiff ldcache build -o ./' ./app.sqsh

# The command, then its arguments.
expect 'skiff run --cold ech' echo
expect 'skiff run -e alpha -- ./app ./' ./app.sqsh ./data
finish
