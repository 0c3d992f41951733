#!/usr/bin/env bash
# What README.md shows works as written (issue 24):
#   - every fenced ```toml block goes through the parser that reads it. Its first line says
#     which: `# /etc/skiff/skiff.toml` is a site configuration, loaded as SKIFF_CONFIG by
#     `skiff edf check` of a minimal EDF; `# ~/.edf/NAME.toml` is an EDF, checked by
#     `skiff edf check NAME`. They run in a sandbox: SCRATCH, HOME and EDF_PATH are temporary
#     directories holding the files the examples name.
#   - every command of `skiff --help`, and each of its subcommands, answers --help with a
#     usage on stdout and exit status 0.
#
#   readme_examples_test.sh REPO SKIFF
# Exit 77 (a skip) when this node has no OpenSSH server for the SSH examples, unless
# SKIFF_TESTS_MUST_RUN=1.
set -uo pipefail
REPO=$1 SKIFF=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0 skipped=''
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

# The sandbox: what the examples name under ${SCRATCH} and ~, and the base EDF they inherit.
scratch=$work/scratch home=$work/home edfs=$work/edf
mkdir -p "$scratch/images" "$scratch/runs" "$scratch/ref" "$home/.ssh" "$edfs"
printf hsqs > "$scratch/images/app.sqsh"
printf hsqs > "$scratch/data.sqsh"
echo 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIJdD7y3aLq454yWBdwLWbieU1ebz9/cu7/QEXn9OIeZJ readme@test' \
  > "$home/.ssh/id_ed25519.pub"
echo '# the base of the README example' > "$edfs/torch-base.toml"
printf 'image = "%s"\n' "$scratch/images/app.sqsh" > "$work/minimal.toml"
: > "$work/empty-site.toml"
export SCRATCH=$scratch HOME=$home EDF_PATH=$edfs

# Each block into block-N.toml (its indentation removed); "N LINE" into blocks.
awk -v dir="$work" '
  /^[ \t]*```toml[ \t]*$/ { n++; file = dir "/block-" n ".toml"; indent = index($0, "`") - 1
                            printf "" > file; print n, NR + 1 > (dir "/blocks"); inside = 1; next }
  inside && /^[ \t]*```[ \t]*$/ { inside = 0; close(file); next }
  inside { print substr($0, indent + 1) > file }
' "$REPO/README.md"
[ -s "$work/blocks" ] || fail "README.md has no toml block"

# check_block N LINE: runs block N (README.md line LINE) through its parser.
check_block() {
  local file=$work/block-$1.toml first out name
  first=$(head -n 1 "$file")
  case $first in
    '# /etc/skiff/skiff.toml')
      out=$(SKIFF_CONFIG=$file "$SKIFF" edf check "$work/minimal.toml" 2>&1) ;;
    '# ~/.edf/'*.toml)
      name=${first#'# ~/.edf/'} name=${name%.toml}
      cp "$file" "$edfs/$name.toml"
      out=$(SKIFF_CONFIG=$work/empty-site.toml "$SKIFF" edf check "$name" 2>&1) ;;
    *)
      fail "README.md:$2: a toml block must start with '# /etc/skiff/skiff.toml' or '# ~/.edf/NAME.toml'"
      return ;;
  esac
  local rc=$?
  if [ $rc != 0 ] && [[ $out == *'no usable OpenSSH server on this node'* ]] && [ "${SKIFF_TESTS_MUST_RUN:-0}" != 1 ]; then
    skipped="README.md:$2: this node has no OpenSSH server to check the example against"
    return
  fi
  [ $rc = 0 ] || fail "README.md:$2 ($first): skiff edf check exited $rc: $out"
}

while read -r n line; do check_block "$n" "$line"; done < "$work/blocks"

# check_help WORDS...: `skiff WORDS --help` prints a usage on stdout and exits 0.
check_help() {
  local out rc
  out=$("$SKIFF" "$@" --help 2> "$work/help-err")
  rc=$?
  [ $rc = 0 ] || fail "skiff $* --help exited $rc: $(cat "$work/help-err")"
  [[ $out == usage:* ]] || fail "skiff $* --help printed no usage on stdout: $out"
}

check_help
mapfile -t commands < <("$SKIFF" --help | grep -oE '^(usage:)? +skiff [a-z]+( [a-z]+)?' | sed -E 's/^(usage:)? +skiff //' | sort -u)
[ ${#commands[@]} -ge 10 ] || fail "skiff --help lists only: ${commands[*]}"
declare -A seen=()
for words in "${commands[@]}"; do
  read -r -a argv <<< "$words"
  [ -n "${seen[${argv[0]}]:-}" ] || check_help "${argv[0]}"
  seen[${argv[0]}]=1
  [ ${#argv[@]} = 1 ] || check_help "${argv[@]}"
done

if [ $failures != 0 ]; then echo "$failures failure(s)"; exit 1; fi
if [ -n "$skipped" ]; then echo "SKIP: $skipped"; exit 77; fi
echo "ok: $(wc -l < "$work/blocks") toml blocks, ${#commands[@]} commands' --help"
