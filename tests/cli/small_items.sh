#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# itsim CLI tests: help per command, the range of tme:N in messages, the
# footnote of the comparison table.
# Usage: small_items.sh ITSIM_BINARY SOURCE_DIR
NAME=small
. "$(dirname "$0")/common.bash"

# ---- help per command -------------------------------------------------------
"$ITSIM" run --help >help.txt 2>&1
rc=$?
check "run --help: exit 0 (rc=$rc)" [ $rc -eq 0 ]
grep -q '^usage: itsim run \[SCENARIO\] \[options\]' help.txt &&
    grep -q -- '--force' help.txt && ! grep -q '^  models ' help.txt
verdict "run --help: the help of run"
"$ITSIM" help run >help2.txt 2>&1
check "help run = run --help" cmp -s help.txt help2.txt
for c in trial sensitivity calibrate personalise models agents carriers regimens model validate version; do
    "$ITSIM" $c --help >help.txt 2>&1
    rc=$?
    [ $rc -eq 0 ] && grep -q "^usage: itsim $c" help.txt &&
        [ "$(grep -c '^  [a-z]' help.txt)" -eq 1 ]
    verdict "$c --help: its own help (rc=$rc)"
done
"$ITSIM" --help >help.txt 2>&1
check "--help lists every command" [ "$(grep -c '^  [a-z]' help.txt)" -eq 13 ]

# ---- tme:N names its range ---------------------------------------------------
printf 'model: tme:9\n' >t9.yaml
"$ITSIM" run t9.yaml >/dev/null 2>err.txt
rc=$?
check "model: tme:9: exit 2 (rc=$rc)" [ $rc -eq 2 ]
check "model: tme:9: position and the allowed range" grep -q "^itsim: t9.yaml:1:8: model: unknown model 'tme:9' (models: tme, tme:1 to tme:8, " err.txt
"$ITSIM" run --model tme:9 >/dev/null 2>err.txt
check "--model tme:9: the allowed range" grep -q "^itsim: --model: unknown model 'tme:9' (models: tme, tme:1 to tme:8, " err.txt
"$ITSIM" model tme:0 >/dev/null 2>err.txt
rc=$?
[ $rc -eq 2 ] && grep -q "tme:1 to tme:8" err.txt
verdict "model tme:0: exit 2, the allowed range (rc=$rc)"
"$ITSIM" model tme:8 >model8.txt 2>&1
check "model tme:8 still exists" grep -q '^tme:8: ' model8.txt

# ---- the comparison table explains its marks ------------------------------------
"$ITSIM" run --until '450 d' >table.txt 2>/dev/null
check "table: an arm dies of its tumour" grep -q ' d (tumour) ' table.txt
grep -q "survival (tumour): death from" table.txt &&
    grep -q "lethal tumour burden, (toxic): treatment-related death (CTCAE grade 5)" table.txt
verdict "table: footnote for (tumour) and (toxic)"

# ---- --threads: the caller sets a comparison's threads; results do not change ----
"$ITSIM" run "$SRC/examples/comparison/tme_arms.yaml" --until '60 d' --no-render --threads 1 -o thr1 >t1.txt 2>/dev/null
rc1=$?
"$ITSIM" run "$SRC/examples/comparison/tme_arms.yaml" --until '60 d' --no-render --threads=2 -o thr2 >t2.txt 2>/dev/null
rc2=$?
[ $rc1 -eq 0 ] && [ $rc2 -eq 0 ]
verdict "--threads 1 and 2: exit 0 (rc=$rc1, $rc2)"
check "--threads 1 and 2: the same table" cmp -s t1.txt t2.txt
same=1
for f in thr1/*.csv thr1/*.json; do cmp -s "$f" "thr2/${f#thr1/}" || same=0; done
check "--threads 1 and 2: byte-identical CSV and JSON files" [ $same -eq 1 ]
for bad in -1 12x 4097 ''; do
    "$ITSIM" run --threads "$bad" >/dev/null 2>err.txt
    rc=$?
    [ $rc -eq 2 ] && grep -q -- "--threads needs a whole number" err.txt
    verdict "--threads '$bad': exit 2 with a message (rc=$rc)"
done

# ---- itsim carriers: the library, one carrier, an unknown name ------------
"$ITSIM" carriers >car.txt 2>&1
rc=$?
[ $rc -eq 0 ] &&
    [ "$(grep -c '^[a-z_]*: ' car.txt)" -ge 8 ] && grep -A1 '^scaffold: ' car.txt | grep -q 'routes it,sc; law first_order' &&
    grep -q 'tumour_fraction *0.007 1 .*Wilhelm' car.txt
verdict "carriers: exit 0, every preset with its law (rc=$rc)"
"$ITSIM" carriers hydrogel >car1.txt 2>&1
[ "$(grep -c '^[a-z_]*: ' car1.txt)" -eq 1 ] &&
    grep -q 'burst *0.4656' car1.txt
verdict "carriers hydrogel: only that one"
"$ITSIM" carriers 'no;such' >car2.txt 2>&1
rc=$?
[ $rc -eq 2 ] && grep -q "unknown carrier 'no;such'" car2.txt
verdict "carriers with an unknown name: exit 2 (rc=$rc)"
# A named carrier is written out in scenario.resolved.yaml, which reruns the same.
cat >car.yaml <<'YAML'
model: tme
patient: {weight: 70 kg, height: 175 cm}
therapy:
  - {agent: aldesleukin, route: sc, dose: 3 MIU, carrier: polymeric_nanoparticle, every: 7 d, count: 2}
  - {agent: aldesleukin, dose: 1 MIU, carrier: liposome}
  - {agent: sargramostim, route: it, lesion: 2, dose: 1 ug, carrier: scaffold}
simulate: {until: 20 d, output_every: 1 d}
YAML
"$ITSIM" run car.yaml -o car1 --no-render >/dev/null 2>&1 &&
    "$ITSIM" run car1/scenario.resolved.yaml -o car2 --no-render >/dev/null 2>&1
rc=$?
[ $rc -eq 0 ] &&
    grep -q '# carrier polymeric_nanoparticle: written out (dose x yield 0.4)' car1/scenario.resolved.yaml
verdict "carriers: the resolved scenario runs (rc=$rc)"
check "carriers: the resolved scenario gives the same time series" cmp -s car1/timeseries.csv car2/timeseries.csv

echo "$npass passed, $nfail failed"
[ "$nfail" -eq 0 ]
