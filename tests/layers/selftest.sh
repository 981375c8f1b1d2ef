#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Tests the layer check (tests/layers/check_layers.sh) itself: a small clean
# tree passes; each planted violation fails with its message; a copy of the
# real tree with one upward include planted fails; the list of known
# violations excuses exactly its entries and reports stale ones.
# Usage: selftest.sh [SOURCE_DIR]
src=${1:-$(cd "$(dirname "$0")/../.." && pwd)}
check=$src/tests/layers/check_layers.sh
NAME=layers
. "$src/tests/lib.bash"

# a clean miniature tree
clean=$T/clean
mkdir -p "$clean"/src/{core,model,pk,clinical,io} "$clean"/include/itsim "$clean"/cli
printf '#include "itsim/export.h"\n' >"$clean/include/itsim/status.h"
printf '\n' >"$clean/include/itsim/export.h"
printf '#include "itsim/status.h"\n' >"$clean/include/itsim/model.h"
printf '#include <itsim/model.h>\n' >"$clean/include/itsim/clinical.h"
printf '#include "itsim/model.h"\n#include "itsim/clinical.h"\n' >"$clean/include/itsim/itsim.h"
printf '#include "itsim/status.h"\n' >"$clean/src/core/core.h"
printf '#include <stdio.h>\n#include "core/core.h"\n' >"$clean/src/core/a.c"
printf '#include "core/core.h"\n' >"$clean/src/pk/pk.h"
printf '#include "pk/pk.h"\n#include "itsim/model.h"\n' >"$clean/src/pk/p.c"
printf '#include "itsim/clinical.h"\n#include "model/model.h"\n' >"$clean/src/clinical/c.c"
printf '#include "itsim/model.h"\n' >"$clean/src/model/model.h"
printf '  #  include "clinical/c.h"\n#include "pk/pk.h"\n' >"$clean/src/io/x.c"
printf '\n' >"$clean/src/clinical/c.h"
printf '#include "itsim/itsim.h"\n#include <string.h>\n' >"$clean/cli/itsim.c"

out=$T/out.txt
if bash "$check" "$clean" >"$out" 2>&1; then pass "clean tree passes"; else fail "clean tree passes: $(cat "$out")"; fi

# plant FILE LINE EXPECTED-MESSAGE-REGEX NAME: the clean tree plus LINE
# appended to FILE (created when missing) must fail with the message
plant() {
  local file=$1 line=$2 want=$3 name=$4 t=$T/plant
  rm -rf "$t"
  cp -r "$clean" "$t"
  mkdir -p "$(dirname "$t/$file")"
  printf '%s\n' "$line" >>"$t/$file"
  if bash "$check" "$t" >"$out" 2>&1; then
    fail "$name: passed"
  elif grep -Eq -- "$want" "$out"; then
    pass "$name"
  else
    fail "$name: wrong message: $(cat "$out")"
  fi
}
plant src/core/a.c '#include "model/model.h"' '^src/core/a.c:3: core \(layer 0\) includes model/model.h of the higher layer model' "core includes model"
plant src/model/model.h '#include <itsim/clinical.h>' 'src/model/model.h:2: .*higher layer clinical' "model includes <itsim/clinical.h>"
plant src/pk/p.c '#include "itsim/clinical.h"' 'src/pk/p.c:3: pk includes itsim/clinical.h of its sibling layer clinical' "pk includes clinical (public)"
plant src/clinical/c.c '#include "pk/pk.h"' 'src/clinical/c.c:3: clinical includes pk/pk.h of its sibling' "clinical includes pk (private)"
plant src/io/x.c '#include "itsim/unmapped.h"' 'unknown public header itsim/unmapped.h' "unmapped public header included"
plant include/itsim/unmapped.h '#include "itsim/status.h"' 'include/itsim/unmapped.h: public header not mapped' "unmapped public header file"
plant src/io/x.c '#include "trial/trial.h"' 'includes unknown header trial/trial.h' "unknown private header"
plant src/io/x.c '#include "io/missing.h"' 'includes unknown header io/missing.h' "header that does not exist"
plant src/io/x.c '#include "plot.h"' 'includes unknown header plot.h' "include without a layer"
plant src/trial/t.c '#include "core/core.h"' "src/trial/t.c: unknown layer 'trial'" "unknown layer directory"
plant cli/itsim.c '#include "core/core.h"' 'includes private header core/core.h: cli may use the public API only' "CLI includes a private header"
plant include/itsim/model.h '#include "itsim/itsim.h"' 'include/itsim/model.h:2: model .*higher layer cli' "public header includes a higher one"

# the real tree with one upward include planted in a core file
real=$T/real
mkdir -p "$real"
cp -r "$src/src" "$src/include" "$src/cli" "$real"/
printf '#include "itsim/io.h"\n' >>"$real/src/core/units.c"
n=$(wc -l <"$real/src/core/units.c")
bash "$check" "$real" >"$out" 2>&1
rc=$?
if [ $rc -eq 1 ] && grep -q "^src/core/units.c:$n: core (layer 0) includes itsim/io.h of the higher layer io (6)" "$out"; then
  pass "real tree with src/core/units.c including itsim/io.h fails"
else
  fail "real tree with a planted include: rc=$rc $(cat "$out")"
fi

# known violations: excused when listed, stale entries reported
t=$T/known
cp -r "$clean" "$t"
printf '#include "io/io.h"\n' >>"$t/src/core/a.c"
printf '\n' >"$t/src/io/io.h"
printf 'src/core/a.c io/io.h\nsrc/pk/p.c itsim/io.h\n' >"$T/known.txt"
if bash "$check" --known "$T/known.txt" "$t" >"$out" 2>&1 && grep -q '^known: src/core/a.c:3' "$out" &&
   grep -q "^stale: 'src/pk/p.c itsim/io.h'" "$out"; then
  pass "a known violation is excused, a stale entry reported"
else
  fail "known violations: $(cat "$out")"
fi
printf 'src/pk/p.c itsim/io.h\n' >"$T/known.txt"
if bash "$check" --known "$T/known.txt" "$t" >"$out" 2>&1; then
  fail "an unlisted violation passes with --known"
else
  pass "an unlisted violation fails with --known"
fi

done_tests
