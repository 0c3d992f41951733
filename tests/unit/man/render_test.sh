#!/usr/bin/env bash
# A man page renders without a single groff warning (-ww: all of them).
#
#   render_test.sh PAGE
# Exit 77 (a skip) when groff is missing, unless SKIFF_TESTS_MUST_RUN=1.
set -uo pipefail
page=$1
if ! command -v groff >/dev/null; then
  echo "groff not found: install groff-base"
  [ "${SKIFF_TESTS_MUST_RUN:-0}" = 1 ] && exit 1
  exit 77
fi
[ -s "$page" ] || { echo "FAIL: $page is missing or empty (did the man_pages target run?)"; exit 1; }
warnings=$(groff -man -ww -z "$page" 2>&1 >/dev/null)
rc=$?
if [ $rc != 0 ] || [ -n "$warnings" ]; then
  echo "FAIL: groff -man -ww -z $page exited $rc:"
  echo "$warnings"
  exit 1
fi
echo "ok: $page"
