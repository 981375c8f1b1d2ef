#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX licence headers (issue 10): every source file starts with
#   /* SPDX-License-Identifier: GPL-3.0-or-later */     (.c .h .h.in)
#   # SPDX-License-Identifier: GPL-3.0-or-later         (CMake, shell, Python, R)
# as its first line, or its second after a #! line. Files: *.c *.h *.c.in
# *.h.in, *.sh *.bash *.py *.R *.cmake *.cmake.in *.pc.in, CMakeLists.txt
# and extensionless #! scripts under src include cli tests tools bench fuzz
# scripts cmake .ci, and the top-level CMakeLists.txt and Makefile. Data
# (YAML, CSV, seeds, dictionaries) carries none.
#
# Usage:
#   scripts/spdx.sh             add the header to every file lacking it
#                               (idempotent), then remove the pending list
#   scripts/spdx.sh FILE...     add it to these files only
#   scripts/spdx.sh --check     list the files lacking it; exit 1 if any
#                               (a ctest). Files named in
#                               scripts/spdx-pending.txt, if it exists, are
#                               skipped: they await the first run over the
#                               whole tree.
# SPDX_ROOT overrides the tree (default: this script's repository).
set -euo pipefail
root=${SPDX_ROOT:-$(cd "$(dirname "$0")/.." && pwd)}
cd "$root"
pending=scripts/spdx-pending.txt
tag='SPDX-License-Identifier: GPL-3.0-or-later'

# style FILE: prints c, hash or nothing (not a source file)
style() {
  case ${1##*/} in
    *.c | *.h | *.c.in | *.h.in) echo c ;;
    *.sh | *.bash | *.py | *.R | *.cmake | *.cmake.in | *.pc.in | CMakeLists.txt | Makefile) echo hash ;;
    *.*) ;;
    *) head -c 2 "$1" 2>/dev/null | grep -q '^#!' && echo hash ;;
  esac
  return 0
}

files() {
  local d
  for d in src include cli tests tools bench fuzz scripts cmake .ci; do
    [ -d "$d" ] && find "$d" -type f -not -path '*/__pycache__/*'
  done
  for d in CMakeLists.txt Makefile; do
    [ -f "$d" ] && echo "$d"
  done
  return 0
}

has_tag() { head -n 2 "$1" | grep -qF "$tag"; }

add() {
  local f=$1 s line
  s=$(style "$f")
  [ -n "$s" ] || return 0
  has_tag "$f" && return 0
  if [ "$s" = c ]; then line="/* $tag */"; else line="# $tag"; fi
  if head -n 1 "$f" | grep -q '^#!'; then
    { head -n 1 "$f"; echo "$line"; tail -n +2 "$f"; } >"$f.spdx"
  else
    { echo "$line"; cat "$f"; } >"$f.spdx"
  fi
  chmod --reference="$f" "$f.spdx"
  mv "$f.spdx" "$f"
  echo "spdx.sh: $f"
}

case ${1:-} in
  --check)
    skip=""
    [ -f "$pending" ] && skip=$(sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$pending")
    n=0 missing=0 skipped=0
    while IFS= read -r f; do
      [ -n "$(style "$f")" ] || continue
      n=$((n + 1))
      has_tag "$f" && continue
      if grep -qxF "$f" <<<"$skip"; then
        skipped=$((skipped + 1))
        continue
      fi
      echo "no SPDX header: $f"
      missing=$((missing + 1))
    done < <(files | sort)
    echo "spdx.sh: $n source files, $missing without the SPDX header, $skipped pending ($pending)"
    [ "$missing" -eq 0 ] ;;
  "")
    files | sort | while IFS= read -r f; do add "$f"; done
    rm -f "$pending" ;;
  -*) echo "usage: $0 [--check | FILE...]" >&2; exit 2 ;;
  *)
    for f in "$@"; do add "$f"; done ;;
esac
