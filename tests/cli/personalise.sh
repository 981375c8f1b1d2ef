#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# itsim CLI tests: `itsim personalise FILE --check` reads a patient record
# (docs/personalise.md) and prints its timeline; bad records exit 2 with
# file, line, column and key.
# Usage: personalise.sh ITSIM_BINARY SOURCE_DIR
NAME=personalise
. "$(dirname "$0")/common.bash"

"$ITSIM" personalise "$SRC/examples/patients/mel_pembrolizumab.yaml" --check >t1.txt 2>err.txt
rc=$?
[ $rc -eq 0 ] && grep -q '^patient MEL-0001: 3 lesions, t0 = 2025-01-06' t1.txt &&
    grep -q '^day    84.00  2025-03-31        scan 2: L1 18 mm L2 44 mm N1 < 5 mm$' t1.txt &&
    grep -q '^day    65.00  2025-03-12        pembrolizumab 200 mg iv (treatments\[0\]; 1342.28 nmol into antipd1)$' t1.txt &&
    grep -q '^day    86.00  2025-04-02        decision: objective response over 365 d' t1.txt
verdict "--check: the timeline of mel_pembrolizumab.yaml (rc=$rc)"
"$ITSIM" personalise --check "$SRC/examples/patients/mel_hd_il2.yaml" >t2.txt 2>err.txt
rc=$?
[ $rc -eq 0 ] && [ "$(grep -c 'aldesleukin 600000 IU/kg' t2.txt)" -eq 9 ] &&
    grep -q '^day    17.00  2024-02-29        aldesleukin' t2.txt &&
    grep -q 'ANC 23 days before t0 left out' t2.txt
verdict "--check: nine IL-2 doses to 29 February 2024, the note on an old lab (rc=$rc)"

# bad records
printf 'patient: {weight: 70 kg, height: 175 cm}\nlesions: [{id: A, site: lung}]\nassessments: [{date: 2025-02-30, diameters: {A: 10 mm}}]\n' >bad.yaml
"$ITSIM" personalise bad.yaml --check >out.txt 2>err.txt
rc=$?
[ $rc -eq 2 ] && grep -q '^itsim: bad.yaml:3:22: assessments\[0\].date: expected a date' err.txt && [ ! -s out.txt ]
verdict "an impossible date: exit 2, file:line:col and key (rc=$rc)"
printf 'patient: {weight: 70 kg, height: 175 cm, prior: nowhere.yaml}\nlesions: [{id: A, site: lung}]\nassessments: [{date: 2025-02-03, diameters: {A: 10 mm}}]\n' >bad2.yaml
"$ITSIM" personalise bad2.yaml --check >out.txt 2>err.txt
rc=$?
[ $rc -eq 2 ] && grep -q '^itsim: bad2.yaml:1:49: patient.prior: nowhere.yaml: cannot open' err.txt
verdict "a missing prior: exit 2, named (rc=$rc)"
"$ITSIM" personalise "$SRC/examples/patients/mel_hd_il2.yaml" >out.txt 2>err.txt
rc=$?
[ $rc -eq 2 ] && grep -q 'needs -o DIR' err.txt
verdict "neither -o nor --check: exit 2 with the reason (rc=$rc)"

# ---- a CI-sized fit: outputs, threads, seed -----------------------------------
small="$SRC/tests/data/personalise_small.yaml"
"$ITSIM" personalise "$small" -o fit1 --fit-only --threads 1 --no-render >p1.txt 2>e1.txt
rc1=$?
"$ITSIM" personalise "$small" -o fit2 --fit-only --threads 2 --no-render --quiet >p2.txt 2>e2.txt
rc2=$?
[ $rc1 -eq 0 ] && [ $rc2 -eq 0 ] && [ -s fit1/posterior.csv ] && [ -s fit1/ppc.csv ] &&
    [ -s fit1/diagnostics.json ] && [ -s fit1/ppc_diameters.gp ] && [ -s fit1/trace.gp ] &&
    [ -f fit1/.itsim-output ]
verdict "a fit writes posterior.csv, ppc.csv, diagnostics.json and the figures (rc=$rc1, $rc2)"
# 2 chains x 50 kept draws; chain, draw, log posterior and 17 variables
[ "$(wc -l <fit1/posterior.csv)" -eq 101 ] &&
    [ "$(head -1 fit1/posterior.csv | tr ',' '\n' | wc -l)" -eq 20 ] &&
    head -1 fit1/posterior.csv | grep -q '^chain,draw,log_posterior,tmb \[1\],.*,lambda1 \[1/d\],.*diameter_1_mm \[mm\]$'
verdict "posterior.csv: 100 draws, 17 variables with their units"
grep -q '"converged": \(true\|false\)' fit1/diagnostics.json &&
    grep -q '"name": "lambda1", "unit": "1/d", "prior_median": ' fit1/diagnostics.json &&
    grep -q '"rhat": ' fit1/diagnostics.json && grep -q '"ess_tail": ' fit1/diagnostics.json &&
    grep -q '"start_draws": ' fit1/diagnostics.json
verdict "diagnostics.json: per variable R-hat and ESS, per chain counts, converged"
[ "$(wc -l <fit1/ppc.csv)" -eq 4 ] &&
    grep -q '^diameter,"L1",84,33,0,mm,' fit1/ppc.csv
verdict "ppc.csv: the three diameters with their predictive quantiles and PIT"
cmp -s fit1/posterior.csv fit2/posterior.csv && cmp -s fit1/ppc.csv fit2/ppc.csv &&
    cmp -s fit1/diagnostics.json fit2/diagnostics.json &&
    diff <(sed 's/, [0-9.]* s$//' p1.txt) <(sed 's/, [0-9.]* s$//' p2.txt) >/dev/null
verdict "--threads 1 and 2: the same bits"
grep -q '^lambda1  *1/d ' p1.txt && grep -q 'CONVERGED' p1.txt && grep -q '^chain 2: acceptance' p1.txt &&
    grep -q 'itsim: chain 1 of 2 done' e1.txt && [ ! -s e2.txt ]
verdict "the printed table, the chains' progress (none with --quiet)"
"$ITSIM" personalise "$small" -o fit3 --fit-only --seed 4 --chains 1 --no-figures --quiet >/dev/null 2>&1
rc=$?
[ $rc -eq 0 ] && ! cmp -s fit1/posterior.csv fit3/posterior.csv && [ ! -e fit3/trace.gp ]
verdict "--seed 4: other draws; --no-figures: no figures (rc=$rc)"
"$ITSIM" personalise "$small" -o fit6 --fit-only --sampler metropolis --no-figures --quiet \
    >/dev/null 2>&1
rc=$?
[ $rc -eq 0 ] && grep -q '"sampler": "metropolis"' fit6/diagnostics.json &&
    grep -q '"sampler": "elliptical"' fit1/diagnostics.json &&
    ! cmp -s fit1/posterior.csv fit6/posterior.csv
verdict "--sampler metropolis: adaptive Metropolis, named in diagnostics.json (rc=$rc)"
"$ITSIM" personalise "$small" -o fit7 --sampler gibbs >/dev/null 2>err.txt
rc=$?
[ $rc -eq 2 ] && grep -q "elliptical or metropolis" err.txt && [ ! -e fit7 ]
verdict "--sampler gibbs: exit 2, nothing written (rc=$rc)"
"$ITSIM" personalise "$small" -o fit1 --fit-only --quiet >/dev/null 2>err.txt
rc=$?
[ $rc -eq 2 ] && grep -q 'fit1' err.txt
verdict "an existing output directory is not replaced without --force (rc=$rc)"
for bad in "--chains 0" "--iterations 5" "--draws x" "--seed -1"; do
    "$ITSIM" personalise "$small" -o fit4 $bad >/dev/null 2>err.txt
    rc=$?
    [ $rc -eq 2 ] && grep -q "needs a whole number" err.txt && [ ! -e fit4 ]
    verdict "$bad: exit 2, nothing written (rc=$rc)"
done
# ---- the choice: two candidates, ranked, their files ------------------------
"$ITSIM" personalise "$small" -o choice1 --candidates hd_il2,pembro_q3w --max-evals 1 --top 2 \
    --sampler metropolis --threads 2 --no-render >c1.txt 2>ce1.txt
rc1=$?
"$ITSIM" personalise "$small" -o choice2 --candidates hd_il2,pembro_q3w --max-evals 1 --top 2 \
    --sampler metropolis --threads 1 --no-render --quiet >c2.txt 2>/dev/null
rc2=$?
[ $rc1 -eq 0 ] && [ $rc2 -eq 0 ] && [ -s choice1/summary.json ] &&
    [ -s choice1/option_1_trajectories.csv ] && [ -s choice1/option_2_toxicity.csv ] &&
    [ -s choice1/option_1_regimen.yaml ] && [ -s choice1/option_1_trajectories.gp ] &&
    [ ! -e choice1/option_3_regimen.yaml ]
verdict "the choice: summary.json and the top options' files (rc=$rc1, $rc2)"
grep -q '"options": \[' choice1/summary.json &&
    [ "$(grep -c '"rank": ' choice1/summary.json)" -eq 2 ] &&
    grep -q '"p_response": {"value": [0-9.e-]*, "ci_low": [0-9.e-]*, "ci_high": [0-9.e-]*}' choice1/summary.json &&
    grep -q '"p_grade3plus": {"value": ' choice1/summary.json &&
    grep -q '"pfs_median_days": {"value": ' choice1/summary.json &&
    grep -q '"treatment": "HD IL-2 IV"' choice1/summary.json
verdict "summary.json: options with p_response, p_grade3plus, pfs_median_days"
# feasible options come first; HD IL-2 (three dose levels tried) is flagged when over the bound
# (awk: the p_response value and the feasible flag of each option, in rank order)
awk 'match($0, /"p_response": \{"value": [0-9.e+-]*/) { p = substr($0, RSTART + 24, RLENGTH - 24) }
     match($0, /"feasible": (true|false)/) { f = substr($0, RSTART + 12, RLENGTH - 12);
         if (f == "true" && seen_false) bad = 1; if (f == "false") seen_false = 1;
         if (f == "true" && n && p + 0 > last + 0) bad = 1; if (f == "true") { last = p; n++ } }
     END { exit bad }' choice1/summary.json &&
    grep -q '"id": "hd_il2",' choice1/summary.json
verdict "ranking: feasible first, by P(response)"
cmp -s choice1/summary.json choice2/summary.json && cmp -s choice1/option_1_trajectories.csv choice2/option_1_trajectories.csv
verdict "the choice: 1 and 2 threads give the same bits"
grep -q '^rank treatment' c1.txt && grep -q 'itsim: candidate 2 of 2' ce1.txt
verdict "the ranked table and the candidates' progress are printed"
"$ITSIM" personalise "$small" -o choice3 --candidates nonesuch >/dev/null 2>err.txt
rc=$?
[ $rc -eq 2 ] && grep -q "no candidate named 'nonesuch'" err.txt && [ ! -e choice3 ]
verdict "an unknown candidate: exit 2 (rc=$rc)"
for bad in "--max-grade3 0" "--max-grade3 150 %" "--objective cure" "--top 0"; do
    "$ITSIM" personalise "$small" -o choice4 $bad >/dev/null 2>err.txt
    rc=$?
    [ $rc -eq 2 ] && [ ! -e choice4 ]
    verdict "$bad: exit 2 (rc=$rc)"
done

printf 'patient: {weight: 70 kg, height: 175 cm}\nlesions: [{id: A, site: lung}]\nassessments: [{date: 2025-02-03, diameters: {A: 10 mm}}]\n' >noprior.yaml
"$ITSIM" personalise noprior.yaml -o fit5 >/dev/null 2>err.txt
rc=$?
[ $rc -eq 2 ] && grep -q 'a fit needs the prior population (patient.prior)' err.txt && [ ! -e fit5 ]
verdict "a record without a prior: exit 2 (rc=$rc)"
"$ITSIM" personalise bad.yaml --check --frobnicate >out.txt 2>err.txt
rc=$?
[ $rc -eq 2 ] && grep -q "unknown option '--frobnicate'" err.txt
verdict "an unknown option: exit 2 (rc=$rc)"
"$ITSIM" personalise --help >out.txt 2>&1
rc=$?
[ $rc -eq 0 ] && grep -q '^usage: itsim personalise FILE \[options\]' out.txt
verdict "personalise --help (rc=$rc)"

done_tests
