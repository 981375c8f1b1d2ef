#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# itsim CLI tests: the commands other than run (models, model, validate,
# version, help) and command-line usage errors.
# Usage: commands.sh ITSIM_BINARY SOURCE_DIR
NAME=cmd
. "$(dirname "$0")/common.bash"
# run_cmd ARGS...: sets rc, out.txt, err.txt
run_cmd() { "$ITSIM" "$@" >out.txt 2>err.txt; rc=$?; }

run_cmd version
check "version exits 0" [ $rc -eq 0 ]
check "version prints itsim" grep -Eq '^itsim [0-9]+\.[0-9]+\.[0-9]+$' out.txt
check "version prints SUNDIALS" grep -Eq '^SUNDIALS [0-9]' out.txt
check "version prints libyaml" grep -Eq '^libyaml [0-9]' out.txt

for h in help --help -h; do
    run_cmd $h
    if [ $rc -eq 0 ] && grep -q '^usage: itsim' out.txt; then pass "$h exits 0 with usage on stdout"; else fail "$h exits 0 with usage on stdout"; fi
done
run_cmd run --help
if [ $rc -eq 0 ] && grep -q -- '--force' out.txt; then pass "run --help exits 0"; else fail "run --help exits 0"; fi

run_cmd
if [ $rc -eq 2 ] && grep -q '^usage:' err.txt && [ ! -s out.txt ]; then pass "no command: exit 2, usage on stderr"; else fail "no command: exit 2, usage on stderr"; fi
run_cmd frobnicate
if [ $rc -eq 2 ] && grep -q "^itsim: unknown command 'frobnicate'" err.txt && grep -q '^usage:' err.txt; then pass "unknown command: exit 2"; else fail "unknown command: exit 2"; fi
run_cmd run --frobnicate
if [ $rc -eq 2 ] && grep -q "^itsim: unknown option '--frobnicate'" err.txt; then pass "unknown option: exit 2"; else fail "unknown option: exit 2"; fi
run_cmd run -o
if [ $rc -eq 2 ] && grep -q "needs a value" err.txt; then pass "option without value: exit 2"; else fail "option without value: exit 2"; fi
run_cmd run a.yaml b.yaml
check "two scenario files: exit 2" [ $rc -eq 2 ]
run_cmd models extra
check "models with an argument: exit 2" [ $rc -eq 2 ]

run_cmd models
check "models exits 0" [ $rc -eq 0 ]
for m in kirschner1998 kuznetsov1994 hahnfeldt1999 depillis2005 depillis2009; do
    check "models lists $m" grep -q "^$m " out.txt
done
check "models shows counts" grep -Eq '^hahnfeldt1999 +5 +10 +3 ' out.txt

run_cmd model hahnfeldt1999
check "model exits 0" [ $rc -eq 0 ]
check "model prints the title" grep -q '^hahnfeldt1999: Hahnfeldt' out.txt
check "model prints the reference" grep -q '^reference: Hahnfeldt P' out.txt
check "model lists states" grep -Eq '^  V +mm3 +192 ' out.txt
check "model lists inputs" grep -Eq '^  tnp470 +g_tnp470 +mg/kg ' out.txt
check "model lists parameters with source" grep -Eq '^  lambda1 +0.192 1/d .*\[Hahnfeldt' out.txt
check "model lists observables" grep -Eq '^  diameter +mm +diameter of a sphere' out.txt
run_cmd model depillis2009
if [ $rc -eq 0 ] && grep -q '^  patient9: ' out.txt && grep -Eq '^      d +2.34$' out.txt; then pass "model lists parameter sets"; else fail "model lists parameter sets"; fi
run_cmd model nosuch
if [ $rc -eq 2 ] && grep -q "^itsim: unknown model 'nosuch'" err.txt; then pass "unknown model: exit 2"; else fail "unknown model: exit 2"; fi
run_cmd model
check "model without a name: exit 2" [ $rc -eq 2 ]

run_cmd validate
nfailrows=$(grep -c ' FAIL ' out.txt)
check "validate prints a table" grep -q '^check ' out.txt
check "validate prints a total line" grep -Eq '^[0-9]+ checks, [0-9]+ passed, [0-9]+ failed$' out.txt
if [ "$nfailrows" -eq 0 ]; then
    check "validate exits 0 when all pass (rc=$rc)" [ $rc -eq 0 ]
else
    check "validate exits non-zero when a check fails (rc=$rc)" [ $rc -ne 0 ]
fi

# --model without a scenario file: that model's defaults, untreated.
run_cmd run --model kuznetsov1994 --set T=1e7 --until 400d
if [ $rc -eq 0 ] && grep -q '^model     kuznetsov1994' out.txt && grep -q '0 to 400 d' out.txt; then
    pass "run --model without a file uses the model's defaults"
else
    fail "run --model without a file uses the model's defaults (rc=$rc)"
fi

# tme: the default melanoma patient, untreated, for a year, with its course.
run_cmd run --model tme
if [ $rc -eq 0 ] && grep -q '^set       melanoma' out.txt && grep -q '0 to 365 d' out.txt &&
    grep -q '^course' out.txt && grep -Eq '^ +365 ' out.txt; then
    pass "run --model tme: melanoma patient, one year, course printed"
else
    fail "run --model tme: melanoma patient, one year, course printed (rc=$rc)"
fi
run_cmd model tme
if [ $rc -eq 0 ] && grep -q 'q_T' out.txt && grep -q 'C_3' out.txt && grep -q 'rcc' out.txt; then
    pass "model tme lists states, parameters and profiles"
else
    fail "model tme lists states, parameters and profiles (rc=$rc)"
fi
check "model tme names its pre-treatment history and its targets" grep -q '^history: .*baseline targets: the cancer cells' out.txt
# issue 9 items 8 and 19: every parameter shows its domain; no source cites the notes
if grep -Eq '^  lambda1 .* non-negative \(>= 0\)' out.txt && grep -Eq '^  F_il2_sc .* a fraction in \[0, 1\]' out.txt &&
    ! grep -Eq 'pk_clinical|tme_parameters|toxicity_antigenicity|models\.md|UNVERIFIED|\(Vs' out.txt; then
    pass "model tme shows domains and cites no research notes"
else
    fail "model tme shows domains and cites no research notes"
fi
# a dose 10x above the label warns on stderr with its position, and the run proceeds
printf 'model: tme:1\ntherapy:\n  - agent: pembrolizumab\n    dose: 4001 mg\nsimulate: {until: 2 d}\n' >overdose.yaml
run_cmd run overdose.yaml
if [ $rc -eq 0 ] && grep -q '^itsim: overdose.yaml:4:11: therapy\[0\].dose: warning: .*largest labelled dose' err.txt; then
    pass "a dose above 10x the label warns with its position, exit 0"
else
    fail "a dose above 10x the label warns with its position, exit 0 (rc=$rc)"
fi

run_cmd agents
if [ $rc -eq 0 ] && grep -q '^aldesleukin: ' out.txt && grep -q '16.4e6 IU/mg' out.txt &&
    grep -q '^pembrolizumab: ' out.txt && grep -q 'Ahamadi et al. 2017' out.txt &&
    ! grep -Eq 'pk_clinical|tme_parameters|toxicity_antigenicity|models\.md|UNVERIFIED' out.txt; then
    pass "agents lists agents with PK parameters and sources"
else
    fail "agents lists agents with PK parameters and sources (rc=$rc)"
fi

run_cmd regimens
if [ $rc -eq 0 ] && grep -q '^hd_il2 ' out.txt && grep -q '^pembrolizumab ' out.txt; then
    pass "regimens lists the named regimens"
else
    fail "regimens lists the named regimens (rc=$rc)"
fi
run_cmd run --regimen ld_ifn --until 30d
if [ $rc -eq 0 ] && grep -q 'ifna_sc: 14 boluses' out.txt; then
    pass "run --regimen ld_ifn for 30 days gives 14 doses (Mon, Wed, Fri; day 30 included)"
else
    fail "run --regimen ld_ifn for 30 days gives 14 doses (Mon, Wed, Fri; day 30 included) (rc=$rc)"
fi
run_cmd run --regimen nope
if [ $rc -eq 2 ] && grep -q "unknown regimen 'nope'" err.txt; then
    pass "unknown regimen: exit 2"
else
    fail "unknown regimen: exit 2 (rc=$rc)"
fi

echo "$npass passed, $nfail failed"
[ "$nfail" -eq 0 ]
