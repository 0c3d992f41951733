#!/usr/bin/env bash
# check-hardening.sh - whether a binary has skiff's hardening (CMakeLists.txt): ctest runs it on
# skiff, skiff-pull and the SPANK plugin, and on a program built without the flags, which it
# must reject on every count (tests/hardening/CMakeLists.txt).
#
#   check-hardening.sh [--fortify-optional] BINARY OBJECT|ARCHIVE...
#
# BINARY is checked for what the linker did (GNU_RELRO, BIND_NOW); the objects it was linked
# from (its own, and skiff's static libraries) for what the compiler did: the CET note on every
# object, references to __stack_chk_fail and to fortified __*_chk functions. The binary alone
# cannot show those: the C library and the Debian static libraries linked into it bring
# __stack_chk_fail and __*_chk of their own. Prints one line per check and a count; exits 1 if
# a check failed, 2 on bad usage. Needs readelf; CXX names the compiler (default c++).
#
# --fortify-optional: code may have no call that _FORTIFY_SOURCE checks at run time, every
# buffer's size being known when it is compiled (the SPANK plugin); that is then a note, not a
# failure. Its fortified calls, if it has any, must still be in the binary.
set -euo pipefail

fortify_optional=0
[ "${1:-}" = --fortify-optional ] && { fortify_optional=1; shift; }
[ $# -ge 2 ] || { echo "usage: check-hardening.sh [--fortify-optional] BINARY OBJECT|ARCHIVE..." >&2; exit 2; }
binary=$1
shift
for f in "$binary" "$@"; do
  [ -r "$f" ] || { echo "check-hardening: cannot read $f (not built?)" >&2; exit 2; }
done
name=$(basename "$binary")
passed=0 failed=0

# check WHAT FIX COMMAND...: one line, counted.
check() {
  local what=$1 fix=$2
  shift 2
  if "$@"; then
    echo "check-hardening: $name: ok: $what"
    passed=$((passed + 1))
  else
    echo "check-hardening: $name: FAIL: $what; $fix"
    failed=$((failed + 1))
  fi
}

# grep that reads all its input (grep -q may stop early, and pipefail then sees SIGPIPE).
matches() { grep "$@" >/dev/null; }

# Symbol names, without versions; undefined ones only for the objects.
binary_symbols() { readelf -sW "$binary" | awk 'NF >= 8 { sub(/@.*/, "", $8); print $8 }' | sort -u; }
object_references() { readelf -sW "$@" | awk '$7 == "UND" && NF >= 8 { print $8 }' | sort -u; }

has_relro() { readelf -lW "$binary" | matches 'GNU_RELRO'; }
has_bind_now() { readelf -dW "$binary" | matches -E '\(FLAGS\).*BIND_NOW|\(FLAGS_1\).* NOW( |$)'; }

# The objects, or archive members, without the x86 CET property (IBT and SHSTK).
objects_without_cet() {
  local f
  for f in "$@"; do
    readelf -nW "$f" | awk -v file="$f" '
      /^File: / { if (member != "" && !cet) print member; member = substr($0, 7); cet = 0; next }
      /x86 feature: .*IBT, SHSTK/ { cet = 1 }
      END { if (member == "") member = file; if (!cet) print member }'
  done
}

# The linker keeps the note only when every input has it. Debian 12's crt1.o, crti.o and libc.a
# have none (glibc built without --enable-cet), so there it can only be checked on the objects;
# where the C library's start files have it, the binary must have it too.
has_cet() {
  local missing crti
  missing=$(objects_without_cet "$@")
  if [ -n "$missing" ]; then
    echo "check-hardening: $name: objects without the CET note: $(echo "$missing" | head -3 | tr '\n' ' ')"
    return 1
  fi
  readelf -nW "$binary" | matches 'x86 feature: .*IBT, SHSTK' && return 0
  crti=$("${CXX:-c++}" -print-file-name=crti.o)
  if readelf -nW "$crti" 2>/dev/null | matches 'IBT, SHSTK'; then
    echo "check-hardening: $name: the binary has no CET note although $crti has one"
    return 1
  fi
  echo "check-hardening: $name: note: no CET note on the binary itself: $crti has none, so the linker drops it"
}

has_stack_protector() {
  object_references "$@" | matches -x '__stack_chk_fail' && binary_symbols | matches -x '__stack_chk_fail'
}
has_fortify() {
  if [ "$fortify_optional" = 1 ] && ! object_references "$@" | matches -Ex '__[a-z0-9_]+_chk'; then
    echo "check-hardening: $name: note: no call that _FORTIFY_SOURCE checks at run time (--fortify-optional)"
    return 0
  fi
  object_references "$@" | matches -Ex '__[a-z0-9_]+_chk' && binary_symbols | matches -Ex '__[a-z0-9_]+_chk'
}

check "GNU_RELRO segment" "link with -Wl,-z,relro" has_relro
check "BIND_NOW" "link with -Wl,-z,now" has_bind_now
if readelf -hW "$binary" | matches 'Machine:.*X86-64'; then
  check "CET (IBT, SHSTK) on every object" "compile with -fcf-protection=full" has_cet "$@"
fi
check "__stack_chk_fail referenced" "compile with -fstack-protector-strong" has_stack_protector "$@"
check "fortified __*_chk calls referenced" "compile with -O2 -D_FORTIFY_SOURCE=3" has_fortify "$@"
echo "check-hardening: $name: $passed passed, $failed failed"
[ "$failed" = 0 ]
