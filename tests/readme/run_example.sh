#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Runs one README example (tests/readme/extract.sh) from the source tree,
# where its file names are resolved: it must exit 0 and write nothing to
# stderr (the examples report failures there).
# Usage: run_example.sh EXAMPLE SOURCE_DIR
set -u
exe=$1
cd "$2" || exit 1
err=$(mktemp "${TMPDIR:-/tmp}/itsim_readme.XXXXXX") || exit 1
trap 'rm -f "$err"' EXIT
"$exe" 2>"$err"
rc=$?
cat "$err" >&2
if [ $rc -ne 0 ] || [ -s "$err" ]; then
  echo "FAIL: README example ${exe##*/}: exit $rc, $(wc -c <"$err") bytes on stderr"
  exit 1
fi
echo "PASS: README example ${exe##*/}"
