#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Tests scripts/spdx.sh on a small tree: --check fails on files without the
# header; the run adds it in the right comment style, after a #! line,
# leaves data alone, is idempotent, and removes the pending list; pending
# files are skipped by --check.
# Usage: spdx_selftest.sh SOURCE_DIR
spdx=$1/scripts/spdx.sh
NAME=spdx
. "$1/tests/lib.bash"
export SPDX_ROOT=$T
mkdir -p "$T"/{src/core,include/itsim,scripts,cmake,tests,.ci}
printf 'int x;\n' >"$T/src/core/a.c"
printf '#define X 1\n' >"$T/include/itsim/x.h.in"
printf '#!/usr/bin/env bash\necho hi\n' >"$T/scripts/s.sh"
printf '#!/bin/sh\nexit 0\n' >"$T/.ci/run"
printf 'set(A 1)\n' >"$T/cmake/t.cmake.in"
printf 'project(x)\n' >"$T/CMakeLists.txt"
printf 'key: value\n' >"$T/tests/data.yaml"
chmod +x "$T/scripts/s.sh"

out=$T/out.txt
bash "$spdx" --check >"$out" 2>&1
check "--check fails on a tree without headers" test $? -eq 1
check "--check names src/core/a.c" grep -qx 'no SPDX header: src/core/a.c' "$out"
check "--check ignores data" test -z "$(grep data.yaml "$out")"
printf 'src/core/a.c\n' >"$T/scripts/spdx-pending.txt"
bash "$spdx" --check >"$out" 2>&1
check "--check skips a pending file" test -z "$(grep 'a.c' "$out")"

bash "$spdx" >/dev/null
tag='SPDX-License-Identifier: GPL-3.0-or-later'
check "C: first line" test "$(head -n 1 "$T/src/core/a.c")" = "/* $tag */"
check "header template: first line" test "$(head -n 1 "$T/include/itsim/x.h.in")" = "/* $tag */"
check "shell: after the #! line" test "$(sed -n 2p "$T/scripts/s.sh")" = "# $tag"
check "shell: #! line kept first" test "$(head -n 1 "$T/scripts/s.sh")" = '#!/usr/bin/env bash'
check "shell: still executable" test -x "$T/scripts/s.sh"
check "extensionless #! script" test "$(sed -n 2p "$T/.ci/run")" = "# $tag"
check "CMake: first line" test "$(head -n 1 "$T/cmake/t.cmake.in")" = "# $tag"
check "CMakeLists.txt: first line" test "$(head -n 1 "$T/CMakeLists.txt")" = "# $tag"
check "data untouched" test "$(cat "$T/tests/data.yaml")" = 'key: value'
check "the pending list is removed" test ! -e "$T/scripts/spdx-pending.txt"
bash "$spdx" --check >"$out" 2>&1
check "--check passes after the run" test $? -eq 0
sum1=$(cd "$T" && find . -type f -exec md5sum {} + | sort)
bash "$spdx" >/dev/null
sum2=$(cd "$T" && find . -type f -exec md5sum {} + | sort)
check "idempotent" test "$sum1" = "$sum2"

done_tests
