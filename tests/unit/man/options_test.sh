#!/usr/bin/env bash
# Every command and option that skiff's --help texts show is documented, in bold, in the man
# page that covers it: `skiff run --help` in skiff-run(1); `skiff image [SUB] --help` and the
# image commands of `skiff --help` in skiff-image(1); the rest of `skiff --help`, and
# `skiff edf --help` and `skiff ldcache --help`, in skiff(1).
#
#   options_test.sh SKIFF MANDIR     # MANDIR: the built pages (roff)
set -uo pipefail
SKIFF=$1 MAN=$2
failures=0 checked=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

# The command lines of a usage text, without "usage:" and the description after them: lines
# that start with `skiff`, and their continuations (lines that start with an option or `[`).
synopsis() { grep -E '^(usage:)? +skiff |^ +[-[]' | sed -E 's/^usage://; s/^ +//; s/   .*//'; }
options() { grep -oE '(^|[][ |])--?[a-zA-Z][a-z-]*' | sed -E 's/^[][ |]//' | sort -u; }

# documented PAGE TEXT WHERE: PAGE shows TEXT in bold (scdoc writes *TEXT* as \fBTEXT\fR).
documented() {
  checked=$((checked + 1))
  grep -qF "\\fB$2\\fR" "$MAN/$1" || fail "$1 does not document '$2' (from $3)"
}

# help WORDS...: what `skiff WORDS --help` prints; its failure is a failure here.
help() {
  "$SKIFF" "$@" --help || fail "skiff $* --help exited $?"
}

# skiff run --help: a table, one option (or two: -e, --environment) at the start of a line.
run_options=$(help run | sed -nE 's/^ +(-[a-zA-Z], )?(--[a-z-]+).*/\1\2/p' | tr ',' '\n' | tr -d ' ')
[ "$(wc -l <<< "$run_options")" -ge 15 ] || fail "skiff run --help shows only: $run_options"
for option in $run_options; do documented skiff-run.1 "$option" "skiff run --help"; done

# skiff --help: each command line goes to the page of its command.
main_help=$(help)
while read -r line; do
  case $line in
    'skiff run '*) page=skiff-run.1 ;;
    'skiff image '*) page=skiff-image.1 ;;
    *) page=skiff.1 ;;
  esac
  command=$(grep -oE '^skiff [a-z]+( [a-z]+)?' <<< "$line" | sed 's/^skiff //')
  if [ "$page" = skiff-image.1 ]; then documented "$page" "${command#image }" "skiff --help"
  elif [ -n "$command" ]; then documented skiff.1 "$command" "skiff --help"; fi
  for option in $(options <<< "$line"); do documented "$page" "$option" "skiff --help: $line"; done
done < <(synopsis <<< "$main_help")

# The commands' own usages.
for words in edf ldcache; do
  for option in $(help $words | synopsis | options); do documented skiff.1 "$option" "skiff $words --help"; done
done
for sub in '' pull import ls rm resolve servers stop; do
  for option in $(help image $sub | synopsis | options); do
    documented skiff-image.1 "$option" "skiff image $sub --help"
  done
done

if [ $failures != 0 ]; then echo "$failures of $checked failed"; exit 1; fi
echo "ok: $checked commands and options documented"
