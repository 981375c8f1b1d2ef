#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Exported symbols of libitsim.so (issue 10): the dynamic symbol table must
# hold exactly the public functions, i.e. the its_ names (not its__) that the
# headers itsim/*.h in the include directories declare. Fails on an exported
# symbol that is not such a function (an internal its__ function, a static
# helper or a variable leaking out) and on a declared function that is not
# exported (a header without ITS_API_BEGIN / ITS_API_END, see
# include/itsim/export.h). The declared names are read from the headers as
# the C preprocessor expands them (comments gone): every its_ identifier
# followed by '('.
# Usage: check_symbols.sh LIBRARY.so CC INCLUDE_DIR...
set -euo pipefail
lib=$1 cc=$2
shift 2
T=$(mktemp -d "${TMPDIR:-/tmp}/itsim_symbols.XXXXXX")
trap 'rm -rf "$T"' EXIT

incs=()
for d in "$@"; do
  incs+=("-I$d")
  for h in "$d"/itsim/*.h; do
    [ -f "$h" ] && echo "#include \"itsim/${h##*/}\""
  done
done >"$T/all.c"
"$cc" -E -P "${incs[@]}" "$T/all.c" >"$T/all.i"
{ grep -oE '\bits_[A-Za-z0-9_]+[[:space:]]*\(' "$T/all.i" || true; } | sed -E 's/[[:space:]]*\($//' |
  { grep -v '^its__' || true; } | sort -u >"$T/declared"
nm -D --defined-only "$lib" | awk '{print $NF}' | sort -u >"$T/exported"
# the library must hold internal functions that the check keeps hidden
hidden=$(nm "$lib" | awk '$2 ~ /^[tT]$/ && $3 ~ /^its__/' | wc -l)

bad=0
while IFS= read -r s; do
  echo "exported but not a public function: $s"
  bad=$((bad + 1))
done < <(comm -13 "$T/declared" "$T/exported")
while IFS= read -r s; do
  echo "declared in a public header but not exported: $s"
  bad=$((bad + 1))
done < <(comm -23 "$T/declared" "$T/exported")
nd=$(wc -l <"$T/declared")
echo "check_symbols.sh: $nd public functions declared, $(wc -l <"$T/exported") symbols exported, $hidden internal its__ functions hidden"
if [ "$nd" -eq 0 ]; then
  echo "check_symbols.sh: no public function found in the headers" >&2
  exit 1
fi
[ "$bad" -eq 0 ]
