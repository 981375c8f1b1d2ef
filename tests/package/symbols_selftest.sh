#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Tests tests/package/check_symbols.sh itself on tiny shared libraries:
# one that exports exactly its declared function passes; one that leaks an
# internal its__ function, one that exports a variable, and one whose
# header declares a function that is not exported fail.
# Usage: symbols_selftest.sh CC SOURCE_DIR
cc=$1 src=$2
check=$src/tests/package/check_symbols.sh
NAME=symbols
. "$src/tests/lib.bash"
mkdir -p "$T/inc/itsim"
cp "$src/include/itsim/export.h" "$T/inc/itsim/"
# case NAME HEADER-DECLARATIONS SOURCE WANT(pass|REGEX)
case_() {
  local name=$1 decl=$2 body=$3 want=$4 begin=${5-ITS_API_BEGIN} end=${6-ITS_API_END}
  printf '#include "itsim/export.h"\n%s\n%s\n%s\n' "$begin" "$decl" "$end" >"$T/inc/itsim/a.h"
  printf '#include "itsim/a.h"\n%s\n' "$body" >"$T/a.c"
  if ! "$cc" -std=c11 -shared -fPIC -fvisibility=hidden -I"$T/inc" "$T/a.c" -o "$T/liba.so"; then
    fail "$name: does not compile"
    return
  fi
  bash "$check" "$T/liba.so" "$cc" "$T/inc" >"$T/out.txt" 2>&1
  local rc=$?
  if [ "$want" = pass ]; then
    if [ $rc -eq 0 ]; then pass "$name"; else fail "$name: $(cat "$T/out.txt")"; fi
  elif [ $rc -ne 0 ] && grep -Eq "$want" "$T/out.txt"; then
    pass "$name"
  else
    fail "$name: rc=$rc $(cat "$T/out.txt")"
  fi
}
good='int its_good(int x);'
goodc='int its__helper(int x); int its__helper(int x) { return x + 1; }
static int twice(int x) { return 2 * x; }
int its_good(int x) { return twice(its__helper(x)); }'
case_ "declared functions exported, helpers hidden" "$good" "$goodc" pass
case_ "a leaking its__ function fails" "$good" "$goodc
__attribute__((visibility(\"default\"))) int its__leak(void);
int its__leak(void) { return 0; }" '^exported but not a public function: its__leak$'
case_ "an exported variable fails" "$good" "$goodc
__attribute__((visibility(\"default\"))) int its_counter = 1;" '^exported but not a public function: its_counter$'
case_ "a declared function that is not exported fails" "$good
int its_missing(void);" "$goodc" '^declared in a public header but not exported: its_missing$'
case_ "a public header without ITS_API_BEGIN fails" "$good" "$goodc" \
  '^declared in a public header but not exported: its_good$' "" ""

done_tests
