#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Layer check (issue 10): every #include in src/, cli/ and include/itsim/
# must name a header of the including file's own layer or of a lower one.
#   core 0 < model 1 < engine 2 < pk 3, clinical 3 < scenario 4 < run 5
#   < io 6 < cli 7
# pk and clinical are siblings: neither includes the other. A file's layer
# is its directory (src/<layer>/, cli/); a public header's layer is given
# by the map below; a private header "<layer>/x.h" must exist as
# src/<layer>/x.h. Any other quoted include, an unmapped public header or a
# file outside the known layers is an error, so a new public header or
# layer must be added here. cli/ and include/itsim/ may include public
# headers only. System headers (<...> other than <itsim/...>) are not
# checked.
# Usage: check_layers.sh [--known FILE] [ROOT]
#   ROOT: the tree to check (default: the source tree of this script)
#   --known FILE: lines "SOURCE HEADER" (e.g. "src/io/output.c itsim/itsim.h")
#   naming violations that are known and being fixed; they are reported as
#   "known:" and do not fail the check. Entries that no longer occur are
#   reported as "stale:" so the list can be emptied. A missing FILE is an
#   empty list.
# Exit 0 when clean, 1 with one line per violation (FILE:LINE: message).
set -euo pipefail
known_file=""
if [ "${1:-}" = "--known" ]; then
  known_file=$2
  shift 2
fi
root=${1:-$(cd "$(dirname "$0")/../.." && pwd)}
known=""
# a missing list is an empty one (it is deleted when the last entry goes)
[ ! -f "$known_file" ] || known=$(sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$known_file")
cd "$root"

rank_of_layer() {
  case $1 in
    core) echo 0 ;; model) echo 1 ;; engine) echo 2 ;; pk | clinical) echo 3 ;;
    scenario) echo 4 ;; run) echo 5 ;; io) echo 6 ;; cli) echo 7 ;; *) echo -1 ;;
  esac
}
# public header -> layer; "" when unmapped
public_layer() {
  case $1 in
    status.h | units.h | version.h | export.h) echo core ;;
    model.h) echo model ;;
    sim.h) echo engine ;;
    agents.h) echo pk ;;
    clinical.h | survival.h) echo clinical ;;
    scenario.h | trial.h | record.h) echo scenario ;;
    run.h | validate.h | personalise.h) echo run ;;
    io.h | calibrate.h) echo io ;;
    itsim.h) echo cli ;;
    *) echo "" ;;
  esac
}

bad=0
nfiles=0
seen_known=""
violation() { echo "$1: $2"; bad=$((bad + 1)); }

files=$( { find src -mindepth 1 -name '*.[ch]' 2>/dev/null
           find cli -name '*.[ch]' 2>/dev/null
           find include/itsim -name '*.h' -o -name '*.h.in' 2>/dev/null; } | sort)
for f in $files; do
  nfiles=$((nfiles + 1))
  public_only=0
  case $f in
    src/*/*/*) violation "$f" "nested directory under src/<layer>/: not a known layer"; continue ;;
    src/*/*) layer=${f#src/}; layer=${layer%%/*} ;;
    cli/*) layer=cli; public_only=1 ;;
    include/itsim/*)
      name=${f#include/itsim/}; name=${name%.in}
      layer=$(public_layer "$name"); public_only=1
      if [ -z "$layer" ]; then
        violation "$f" "public header not mapped to a layer (add it to tests/layers/check_layers.sh)"
        continue
      fi ;;
    *) violation "$f" "not in a layer directory"; continue ;;
  esac
  rank=$(rank_of_layer "$layer")
  if [ "$rank" -lt 0 ]; then
    violation "$f" "unknown layer '$layer' (add it to tests/layers/check_layers.sh)"
    continue
  fi
  # FILE:LINE:header, for quoted includes and <itsim/...>
  while IFS=: read -r line hdr; do
    loc="$f:$line"
    case $hdr in
      itsim/*)
        tlayer=$(public_layer "${hdr#itsim/}")
        if [ -z "$tlayer" ]; then
          violation "$loc" "includes unknown public header $hdr (map it in tests/layers/check_layers.sh)"
          continue
        fi ;;
      */*)
        if [ "$public_only" -eq 1 ]; then
          violation "$loc" "includes private header $hdr: $layer may use the public API only"
          continue
        fi
        tlayer=${hdr%%/*}
        if [ "$(rank_of_layer "$tlayer")" -lt 0 ] || [ ! -f "src/$hdr" ]; then
          violation "$loc" "includes unknown header $hdr (not src/<layer>/...)"
          continue
        fi ;;
      *)
        violation "$loc" "includes unknown header $hdr (write \"<layer>/name.h\" or \"itsim/name.h\")"
        continue ;;
    esac
    trank=$(rank_of_layer "$tlayer")
    if [ "$trank" -gt "$rank" ] || { [ "$trank" -eq "$rank" ] && [ "$tlayer" != "$layer" ]; }; then
      if grep -qxF "$f $hdr" <<<"$known"; then
        echo "known: $loc: includes $hdr (listed in ${known_file##*/})"
        seen_known="$seen_known$f $hdr"$'\n'
        continue
      fi
    fi
    if [ "$trank" -gt "$rank" ]; then
      violation "$loc" "$layer (layer $rank) includes $hdr of the higher layer $tlayer ($trank)"
    elif [ "$trank" -eq "$rank" ] && [ "$tlayer" != "$layer" ]; then
      violation "$loc" "$layer includes $hdr of its sibling layer $tlayer"
    fi
  done < <(awk 'match($0, /^[ \t]*#[ \t]*include[ \t]*("[^"]+"|<itsim\/[^>]+>)/) {
                  s = substr($0, RSTART, RLENGTH); sub(/^[^"<]*["<]/, "", s)
                  sub(/[">]$/, "", s); print FNR ":" s }' "$f")
done

while IFS= read -r k; do
  [ -n "$k" ] || continue
  grep -qxF "$k" <<<"$seen_known" || echo "stale: '$k' no longer breaks the layering: delete it from ${known_file##*/}"
done <<<"$known"
if [ "$nfiles" -eq 0 ]; then
  echo "check_layers.sh: no source files under $root" >&2
  exit 2
fi
if [ "$bad" -gt 0 ]; then
  echo "check_layers.sh: $bad include(s) break the layering ($nfiles files)"
  exit 1
fi
nknown=$(printf '%s' "$seen_known" | grep -c . || true)
if [ "$nknown" -gt 0 ]; then
  echo "check_layers.sh: $nfiles files, every include points down but $nknown known one(s)"
else
  echo "check_layers.sh: $nfiles files, every include points down"
fi
