# shellcheck shell=bash
# Sourced by the completion tests: skip, fail and expect, and a sandbox in which completions
# have something to find: EDFs in a temporary HOME/.edf and in EDF_PATH's directories, an image
# store (EDF_IMAGESTORE) holding a squashfs image with a reference and a file without one, and
# files in the working directory. Each test defines complete_line LINE (the matches offered
# for the cursor at the end of LINE, one a line) and ends with finish.
BUILD_SKIFF=$1 REPO=$2

skip() {
  echo "SKIP: $1"
  [ "${SKIFF_TESTS_MUST_RUN:-0}" = 1 ] && exit 1
  exit 77
}
failures=0 checks=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
finish() {
  if [ $failures != 0 ]; then echo "$failures of $checks checks failed"; exit 1; fi
  echo "ok: $checks checks"
  exit 0
}

# expect LINE WORD...: completing LINE offers each WORD; "!WORD": it does not.
expect() {
  local line=$1 reply word
  shift
  reply=$(complete_line "$line")
  for word in "$@"; do
    checks=$((checks + 1))
    if [[ $word == '!'* ]]; then
      ! grep -qxF -- "${word#!}" <<< "$reply" || fail "'$line<TAB>' offers '${word#!}': ${reply//$'\n'/ }"
    else
      grep -qxF -- "$word" <<< "$reply" || fail "'$line<TAB>' does not offer '$word': ${reply//$'\n'/ }"
    fi
  done
}

# The options of `skiff run --help`, one a line.
# The commands of `skiff --help` ("skiff run ...", "skiff doctor ...").
commands() {
  "$BUILD_SKIFF" --help | sed -nE 's/^(usage:)? +skiff ([a-z]+) .*/\2/p' | sort -u
}

run_options() {
  "$BUILD_SKIFF" run --help | sed -nE 's/^ +(-[a-zA-Z], )?(--[a-z-]+).*/\1\2/p' | tr ',' '\n' | tr -d ' '
}

# The annotations of the built-in hooks: com.hooks.HOOK.SETTING for each setting of each hook
# of hooks/hook_table.cpp.
hook_annotations() {
  awk '
    /constexpr std::array<std::string_view, [0-9]+> [a-z_]+ = \{/ {
      name = $0; sub(/ *=.*/, "", name); sub(/.* /, "", name)
      line = $0; sub(/.*= *\{/, "", line); gsub(/[" };]/, "", line); settings[name] = line }
    /^ +\{"[a-z_]+", [a-z_]+, / {
      hook = $1; gsub(/[{",]/, "", hook); var = $2; sub(/,$/, "", var)
      n = split(settings[var], s, ","); for (i = 1; i <= n; i++) print "com.hooks." hook "." s[i] }
  ' "$REPO/hooks/hook_table.cpp"
}

command -v mksquashfs >/dev/null || skip "mksquashfs not found: install squashfs-tools"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export HOME=$work/home EDF_IMAGESTORE=$work/store
unset EDF_PATH
mkdir -p "$HOME/.edf" "$work/path1/dir.toml" "$work/path2" "$work/store" "$work/image/.skiff" \
  "$work/cwd/data" "$work/cwd/relative"
touch "$HOME/.edf/alpha.toml" "$HOME/.edf/beta.toml" "$HOME/.edf/notes.txt" \
  "$work/path1/gamma.toml" "$work/path2/delta.toml" "$work/cwd/job.toml" "$work/cwd/app.sqsh" \
  "$work/cwd/relative/epsilon.toml"
printf 'skiff-image-metadata 1\nreference docker.io/library/ubuntu:24.04\n' > "$work/image/.skiff/image-metadata"
mksquashfs "$work/image" "$work/store/ubuntu+24.04.$(uname -m).sqsh" -quiet -no-progress >/dev/null \
  || skip "mksquashfs failed"
printf hsqs > "$work/store/acme+tool+latest.$(uname -m).sqsh"   # no reference: not offered
cd "$work/cwd" || exit 1

# What both shells must offer: the commands of skiff --help (and ARGS with them), each
# command's subcommands and options, and every option of skiff run --help.
expect_commands_and_options() {
  local command_words options
  mapfile -t command_words < <(commands)
  [ ${#command_words[@]} -ge 5 ] || fail "skiff --help shows only: ${command_words[*]}"
  expect 'skiff ' "${command_words[@]}" "$@"
  expect 'skiff doctor -' --json
  expect 'skiff edf ' show check
  expect 'skiff edf show -' --json
  expect 'skiff image ' pull import ls rm resolve servers stop
  expect 'skiff image resolve -' -e --environment
  expect 'skiff ldcache ' build print
  expect 'skiff ldcache build --' --root --image --add-dir --inject --output --probe-memo --timing
  expect 'skiff image import ./oci -' -o --gzip
  expect 'skiff image stop -' --force
  mapfile -t options < <(run_options)
  [ ${#options[@]} -ge 15 ] || fail "skiff run --help shows only: ${options[*]}"
  expect 'skiff run -' "${options[@]}"
}
