# SPDX-License-Identifier: GPL-3.0-or-later
# Shared set-up of the shell tests in tests/layers, tests/package and
# tests/readme: sourced after NAME is set. Gives a temporary directory $T
# (removed on exit), pass/fail/check that count, and done_tests, which
# prints the counts and fails when a check failed.
set -u
T=$(mktemp -d "${TMPDIR:-/tmp}/itsim_${NAME}.XXXXXX") || exit 1
trap 'rm -rf "$T"' EXIT
npass=0
nfail=0
pass() { echo "PASS: $1"; npass=$((npass + 1)); }
fail() { echo "FAIL: $1"; nfail=$((nfail + 1)); }
# verdict NAME, right after a test (a list such as `[ $rc -eq 2 ] && grep
# -q ... err.txt`): pass when it succeeded. `check NAME A && B` would check
# A only (B runs after check has counted), so a list is tested this way.
verdict() {
  if [ $? -eq 0 ]; then pass "$1"; else fail "$1"; fi
}
check() { # check NAME COMMAND...: pass when the command succeeds
  local name=$1
  shift
  if "$@"; then pass "$name"; else fail "$name"; fi
}
done_tests() {
  echo "$npass passed, $nfail failed"
  [ "$nfail" -eq 0 ]
}
