#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Runs one README example (tests/readme/extract.sh) from the source tree,
# where its file names are resolved: it must exit 0, write nothing to
# stderr (the examples report failures there), and print, for each
# extended regular expression of EXPECT (one a line, from the
# "<!-- stdout: ERE -->" lines after the example), a line that matches it.
# An example without such lines fails: a silent example proves nothing.
# Usage: run_example.sh EXAMPLE SOURCE_DIR EXPECT
set -u
exe=$1 expect=$3
name=${exe##*/}
case $expect in /*) ;; *) expect=$PWD/$expect ;; esac
cd "$2" || exit 1
err=$(mktemp "${TMPDIR:-/tmp}/itsim_readme.XXXXXX") || exit 1
out=$(mktemp "${TMPDIR:-/tmp}/itsim_readme.XXXXXX") || exit 1
trap 'rm -f "$err" "$out"' EXIT
"$exe" >"$out" 2>"$err"
rc=$?
cat "$out"
cat "$err" >&2
if [ $rc -ne 0 ] || [ -s "$err" ]; then
  echo "FAIL: README example $name: exit $rc, $(wc -c <"$err") bytes on stderr"
  exit 1
fi
if [ ! -s "$expect" ]; then
  echo "FAIL: README example $name: no '<!-- stdout: ERE -->' line after it in README.md"
  exit 1
fi
while IFS= read -r re; do
  if ! grep -Eq -- "$re" "$out"; then
    echo "FAIL: README example $name: no line of its output matches /$re/"
    exit 1
  fi
done <"$expect"
echo "PASS: README example $name ($(wc -l <"$expect") expected lines found)"
