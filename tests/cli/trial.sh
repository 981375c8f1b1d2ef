#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# itsim trial from the command line: the outputs of a small trial; a run
# killed with SIGKILL in the middle and resumed gives the same files as an
# uninterrupted one (and as 2 threads); --resume of another trial, bad
# trial files and bad options give exit 2 with FILE:LINE:COL and nothing
# written.
# Usage: trial.sh ITSIM_BINARY SOURCE_DIR
NAME=trial
. "$(dirname "$0")/common.bash"

# A small trial: tme, 2 arms, 4 months, 30 patients.
cat >small.yaml <<'EOF'
model: tme
clinical: {assess_every: 8 weeks, confirm_after: 28 d}
trial:
  name: "cli test: 'quotes', commas, and a; semicolon"
  seed: 5
  patients: 30
  horizon: 120 d
  design: paired
  arms:
    - {name: untreated}
    - {name: anti-PD-1, regimen: pembrolizumab}
population:
  parameters:
    tmb: {dist: lognormal, median: 15, gsd: 2}
    lambda1: {dist: lognormal, median: 0.018 1/d, cv: 0.3}
EOF

# ---- an uninterrupted run, and the same on 2 threads ------------------------------
"$ITSIM" trial small.yaml -o a --threads 1 --quiet --no-figures >a.txt 2>a.err
rc=$?
check "trial: exit 0 (rc=$rc)" [ $rc -eq 0 ]
check "trial: --quiet prints nothing on stderr" [ ! -s a.err ]
for f in trial.sqlite summary.json arms.csv comparisons.csv outcomes.csv; do
    check "trial: a/$f written" [ -s a/$f ]
done
grep -q '^untreated ' a.txt && grep -q '^pembrolizumab ' a.txt
verdict "trial: the table names both arms"
check "trial: 61 lines in outcomes.csv (header + 30 x 2)" [ "$(wc -l <a/outcomes.csv)" -eq 61 ]
\
    grep -q "\"trial\": \"cli test: 'quotes', commas, and a; semicolon\"" a/summary.json &&
    grep -q '"patients": 30' a/summary.json
verdict "trial: summary.json has the trial's name and 30 patients"
check "trial: no temporary file left" [ -z "$(ls -A a | grep -v -E '^(trial\.sqlite(-wal|-shm)?|summary\.json|arms\.csv|comparisons\.csv|outcomes\.csv)$')" ]
"$ITSIM" trial small.yaml -o b --threads 2 --quiet --no-figures >b.txt 2>/dev/null
check "trial: 2 threads give the same outcomes.csv" cmp -s a/outcomes.csv b/outcomes.csv
check "trial: 2 threads give the same summary.json" cmp -s a/summary.json b/summary.json
check "trial: 2 threads print the same table" cmp -s a.txt b.txt

# ---- kill -9 in the middle, then --resume ------------------------------------------
# The store exists once the trial has started; summary.json only at the end.
# Commits every 2 patients; kill at about half the time of the uninterrupted
# run (measured), retried up to 3 times until the kill falls mid-run.
start=$(date +%s%N)
"$ITSIM" trial small.yaml -o c --threads 1 --batch 2 --quiet --no-figures >/dev/null 2>&1
half=$(( ($(date +%s%N) - start) / 2000000 ))   # ms
killed_mid=0
for attempt in 1 2 3; do
    rm -rf k
    "$ITSIM" trial small.yaml -o k --threads 1 --batch 2 --quiet --no-figures >/dev/null 2>&1 &
    pid=$!
    sleep "$(awk -v ms="$half" -v a="$attempt" 'BEGIN { printf "%.3f", ms * (1.2 - 0.3 * a) / 1000 }')"
    kill -9 $pid 2>/dev/null
    wait $pid 2>/dev/null
    if [ -f k/trial.sqlite ] && [ ! -f k/summary.json ]; then
        killed_mid=1
        break
    fi
done
check "kill -9: the trial was killed mid-run (store there, no summary)" [ $killed_mid -eq 1 ]
"$ITSIM" trial small.yaml -o k --threads 1 --quiet --no-figures >k0.txt 2>k0.err
rc=$?
[ $rc -eq 2 ] &&
    grep -q -- '--resume' k0.err
verdict "kill -9: without --resume the directory is refused, exit 2 (rc=$rc)"
"$ITSIM" trial small.yaml -o k --threads 2 --batch 2 --resume --no-figures >k.txt 2>k.err
rc=$?
check "kill -9: --resume exit 0 (rc=$rc)" [ $rc -eq 0 ]
resumed=$(sed -n 's/^itsim: trial of 30 patients (\([0-9]*\) resumed.*/\1/p' k.err)
echo "kill -9: ${resumed:-?} of 30 patients were stored when the trial was killed"
\
    [ "${resumed:-0}" -gt 0 ] && [ "${resumed:-30}" -lt 30 ]
verdict "kill -9: some but not all patients stored before the kill"
check "kill -9: resumed outcomes.csv equals the uninterrupted one" cmp -s a/outcomes.csv k/outcomes.csv
check "kill -9: resumed summary.json equals the uninterrupted one" cmp -s a/summary.json k/summary.json

# ---- --resume of another trial -------------------------------------------------------
"$ITSIM" trial small.yaml -o k --seed 6 --resume --quiet --no-figures >/dev/null 2>r.err
rc=$?
[ $rc -eq 2 ] && grep -q 'another trial' r.err
verdict "another seed: --resume refused, exit 2 (rc=$rc)"
sed 's/patients: 30/patients: 31/' small.yaml >other.yaml
"$ITSIM" trial other.yaml -o k --resume --quiet --no-figures >/dev/null 2>r.err
rc=$?
[ $rc -eq 2 ] && grep -q 'another trial' r.err
verdict "another file: --resume refused, exit 2 (rc=$rc)"
check "another file: the stored outcomes are untouched" cmp -s a/outcomes.csv k/outcomes.csv

# ---- a store's identity: the arm files, the time-series choice --------------------
cp "$SRC/examples/regimens/pembrolizumab.yaml" arm.yaml
sed -e 's/patients: 30/patients: 3/' -e 's/regimen: pembrolizumab}/file: arm.yaml}/' small.yaml \
    >armfile.yaml
"$ITSIM" trial armfile.yaml -o af --quiet --no-figures >/dev/null 2>&1
check "arm file: the trial runs" [ -s af/summary.json ]
printf '# edited\n' >>arm.yaml
"$ITSIM" trial armfile.yaml -o af --resume --quiet --no-figures >/dev/null 2>af.err
rc=$?
[ $rc -eq 2 ] && grep -q 'another trial' af.err
verdict "arm file edited: --resume refused, exit 2 (rc=$rc)"
"$ITSIM" trial small.yaml -o ts --patients 2 --quiet --no-figures >/dev/null 2>&1
"$ITSIM" trial small.yaml -o ts --patients 2 --resume --timeseries --quiet --no-figures \
    >/dev/null 2>ts.err
rc=$?
[ $rc -eq 2 ] &&
    grep -q 'without per-patient time series' ts.err
verdict "--timeseries on a store without: refused, exit 2 (rc=$rc)"

# ---- bad trial files: FILE:LINE:COL: KEY, exit 2, nothing written ------------------
bad() { # NAME EXPECTED-REGEX: the file bad.yaml
    "$ITSIM" trial bad.yaml -o badout --quiet --no-figures >/dev/null 2>bad.err
    local rc=$?
    check "bad input ($1): exit 2 (rc=$rc)" [ $rc -eq 2 ]
    grep -q -E "$2" bad.err || cat bad.err
    verdict "bad input ($1): message"
    check "bad input ($1): nothing written" [ ! -e badout ]
}
sed 's/gsd: 2}/gsd: 0.5}/' small.yaml >bad.yaml
bad "invalid distribution" '^itsim: bad.yaml:[0-9]+:[0-9]+: population.parameters.tmb: lognormal: the geometric SD'
cat small.yaml >bad.yaml
cat >>bad.yaml <<'EOF'
    pdl1_0: {dist: lognormal, median: 1, cv: 0.5}
  correlations:
    names: [tmb, lambda1, pdl1_0]
    matrix: [[1, 0.9, -0.9], [0.9, 1, 0.9], [-0.9, 0.9, 1]]
EOF
bad "correlation matrix not positive definite" \
    '^itsim: bad.yaml:[0-9]+:[0-9]+: population.correlations.matrix: correlation matrix: not positive definite'
cat small.yaml >bad.yaml
cat >>bad.yaml <<'EOF'
plausibility:
  baseline: {burden: [1 cell, 2 cell]}
  max_draws: 5
EOF
"$ITSIM" trial bad.yaml -o zero --quiet --no-figures >/dev/null 2>zero.err
rc=$?
check "acceptance 0: exit 2 (rc=$rc)" [ $rc -eq 2 ]
check "acceptance 0: says every draw was refused" grep -q 'every one of 5 draws was refused (acceptance 0' zero.err
printf 'model: tme\ntrial: {name: x, seed: 1, patients: 2, horizon: 30 d, arms: [{name: a}]}\narms:\n  - {name: b}\n' >bad.yaml
bad "top-level arms" '^itsim: bad.yaml:3:1: arms: '
printf 'model: tme\ntrial: {name: x, seed: -1, patients: 2, horizon: 30 d, arms: [{name: a}]}\n' >bad.yaml
bad "negative seed" '^itsim: bad.yaml:2:[0-9]+: trial.seed: '

# ---- bad options --------------------------------------------------------------------
for args in "--patients 0" "--patients 1e3" "--seed -1" "--seed 18446744073709551616" \
    "--threads x" "--batch 0" "--frobnicate" "small.yaml small.yaml"; do
    # shellcheck disable=SC2086
    "$ITSIM" trial small.yaml $args -o opt --quiet >/dev/null 2>opt.err
    rc=$?
    [ $rc -eq 2 ] && [ ! -e opt ]
    verdict "option '$args': exit 2 (rc=$rc), nothing written"
done
echo "$npass passed, $nfail failed"
[ "$nfail" -eq 0 ]
