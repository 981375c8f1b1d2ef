#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Brackets the declarations of every public header with ITS_API_BEGIN /
# ITS_API_END (include/itsim/export.h), so that libitsim.so, compiled with
# -fvisibility=hidden, exports them. Idempotent: a header that already has
# ITS_API_BEGIN is left alone. ITS_API_BEGIN goes right after the
# `extern "C" {` block opener (its #endif), ITS_API_END right before the
# last `#ifdef __cplusplus` (the block closer). The export macros come from
# itsim/export.h, which itsim/status.h includes; a header that includes
# neither gets the include before its block opener.
# Usage: scripts/api-visibility.sh [HEADER...]   (default: include/itsim/*.h)
# The ctest exported_symbols (tests/package/check_symbols.sh) fails when a public
# function is not exported, e.g. in a new header this script has not seen.
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -gt 0 ] || set -- include/itsim/*.h include/itsim/*.h.in
for h in "$@"; do
  case $(basename "$h") in export.h | itsim.h) continue ;; esac
  grep -q 'ITS_API_BEGIN' "$h" && continue
  if ! grep -q '^extern "C" {' "$h"; then
    echo "api-visibility.sh: $h has no extern \"C\" block; annotate it by hand" >&2
    exit 1
  fi
  inc=1
  grep -Eq '#include "itsim/(export|status)\.h"' "$h" && inc=0
  last=$(grep -n '^#ifdef __cplusplus' "$h" | tail -n 1 | cut -d: -f1)
  awk -v last="$last" -v inc="$inc" '
    /^#ifdef __cplusplus/ && !opened && inc { print "#include \"itsim/export.h\""; print "" }
    NR == last { print "ITS_API_END" }
    { print }
    /^extern "C" \{/ { opened = 1; next }
    opened == 1 && /^#endif/ { print "ITS_API_BEGIN"; opened = 2 }
  ' "$h" >"$h.tmp"
  mv "$h.tmp" "$h"
  echo "api-visibility.sh: annotated $h"
done
