#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# itsim CLI tests: the command list of README.md ("Using the CLI") runs as
# written, in order, in a fresh directory: every command exits 0, and no
# two commands write to the same output directory. The list is read from
# README.md, so the test follows the README.
# Usage: readme.sh ITSIM_BINARY SOURCE_DIR
NAME=readme
. "$(dirname "$0")/common.bash"
ln -s "$SRC/examples" examples

# the first ```sh block after "## Using the CLI"
awk '/^## Using the CLI/ { sec = 1; next }
     sec && /^```sh/ { inblk = 1; next }
     inblk && /^```/ { exit }
     inblk { print }' "$SRC/README.md" >commands.txt
n=$(grep -c . commands.txt)
check "README: the CLI block has commands ($n)" [ "$n" -ge 10 ]
check "README: every command starts with build/itsim" [ "$(grep -vc '^build/itsim ' commands.txt)" -eq 0 ]
check "README: no two commands write to the same -o directory" \
    [ "$(grep -o -- '-o [^ ]*' commands.txt | sort | uniq -d | wc -l)" -eq 0 ]

i=0
while IFS= read -r line; do
    i=$((i + 1))
    cmd=${line%%#*}             # drop the comment
    read -ra words <<<"$cmd"    # plain words: the README uses no quoting
    [ "${#words[@]}" -gt 0 ] || continue
    "$ITSIM" "${words[@]:1}" >"out$i.txt" 2>"err$i.txt"
    rc=$?
    if [ $rc -eq 0 ]; then
        pass "README command $i: ${cmd%"${cmd##*[! ]}"} (rc=$rc)"
    else
        fail "README command $i: ${cmd%"${cmd##*[! ]}"} (rc=$rc): $(head -n 3 "err$i.txt")"
    fi
done <commands.txt

# the comparison example of examples/comparison/ (an arm from a file)
k=$(grep -n 'examples/comparison/tme_arms.yaml' commands.txt | cut -d: -f1 | head -n 1)
check "README runs the arms example" [ -n "$k" ]
if [ -n "$k" ]; then
    for arm in 'untreated' 'anti-PD-1' 'anti-PD-1 + HD IL-2'; do
        check "arms example: row '$arm'" grep -Eq "^$(printf '%s' "$arm" | sed 's/[+]/[+]/g') +(CR|PR|SD|PD) " "out$k.txt"
    done
    # 18 pembrolizumab infusions (q3w to day 364) + 2 x 14 IL-2 doses
    check "arms example: the combination plans 46 doses" grep -Eq '^anti-PD-1 [+] HD IL-2 .* of 46$' "out$k.txt"
    check "arms example: the table explains (tumour)" grep -q '(tumour): death from' "out$k.txt"
fi

echo "$npass passed, $nfail failed"
[ "$nfail" -eq 0 ]
