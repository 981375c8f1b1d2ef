#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# itsim sensitivity (issue 13; docs/calibration.md, "Sensitivity"): a small
# Latin-hypercube screen of tme writes sensitivity.csv, .json and the
# figure; the PRCCs the mechanism fixes come out with their sign and
# significance (the Gompertz rate drives untreated growth; the IL-2 EC50
# of the vascular leak drives the HD IL-2 doses given, since doses are
# held on hypotension); the analysis is the same on 2 threads and after a
# kill -9 and --resume; bad options and a file without drawn inputs exit
# 2 with the reason.
# Usage: sensitivity.sh ITSIM_BINARY SOURCE_DIR
NAME=sensitivity
. "$(dirname "$0")/common.bash"

cat >screen.yaml <<'EOF2'
model: tme
clinical: {assess_every: 8 weeks, confirm_after: 28 d}
trial:
  name: "sensitivity test, \"quoted\" arm names"
  seed: 11
  patients: 40
  horizon: 90 d
  design: paired
  arms:
    - {name: untreated}
    - {name: "HD IL-2 'x'", regimen: hd_il2}
population:
  sampling: latin_hypercube
  parameters:
    lambda1: {dist: loguniform, low: 0.006 1/d, high: 0.054 1/d}
    EC50_perm: {dist: loguniform, low: 300 pM, high: 3000 pM}
    f_precursor: {dist: loguniform, low: 2.5e-7, high: 4e-6}
EOF2

"$ITSIM" sensitivity screen.yaml -o a --threads 1 --quiet >a.txt 2>a.err
rc=$?
check "sensitivity: exit 0 (rc=$rc)" [ $rc -eq 0 ]
for f in trial.sqlite sensitivity.csv sensitivity.json sensitivity.gp sensitivity.dat; do
    check "sensitivity: a/$f written" [ -s a/$f ]
done
if command -v gnuplot >/dev/null 2>&1; then
    check "sensitivity: the figure is rendered" [ -s a/sensitivity.png ]
fi
check "sensitivity: no temporary left" [ -z "$(ls -A a | grep '\.tmp')" ]
# header + 2 arms x 5 read-outs x 3 inputs
check "sensitivity: 31 lines in sensitivity.csv" [ "$(wc -l <a/sensitivity.csv)" -eq 31 ]
prcc() { awk -F, -v arm="$1" -v out="$2" -v inp="$3" \
    '$1 == "\"" arm "\"" && $2 == out && $3 == "\"" inp "\"" {print $5, $9}' a/sensitivity.csv; }
read -r r sig <<<"$(prcc untreated best_change_pct lambda1)"
check "sensitivity: lambda1 drives untreated growth (PRCC $r > 0.9, significant $sig)" \
    awk -v r="$r" -v s="$sig" 'BEGIN { exit !(r > 0.9 && s == 1) }'
read -r r sig <<<"$(prcc hd_il2 doses_given EC50_perm)"
check "sensitivity: EC50_perm drives the HD IL-2 doses given (PRCC $r > 0.8, significant $sig)" \
    awk -v r="$r" -v s="$sig" 'BEGIN { exit !(r > 0.8 && s == 1) }'
check "sensitivity: the table names the strongest input" grep -q 'untreated .*best_change_pct *lambda1 +0\.9[0-9]\*' a.txt
check "sensitivity: sensitivity.json is JSON with 40 patients" \
    python3 -c 'import json,sys; d=json.load(open("a/sensitivity.json")); sys.exit(not (d["patients"] == 40 and d["sampling"] == "latin_hypercube" and len(d["inputs"]) == 3))'

"$ITSIM" sensitivity screen.yaml -o b --threads 2 --quiet --no-figures >b.txt 2>/dev/null
check "sensitivity: 2 threads give the same sensitivity.csv" cmp -s a/sensitivity.csv b/sensitivity.csv
check "sensitivity: 2 threads print the same table" cmp -s a.txt b.txt

# kill -9 in the middle (commits every 2 patients), then --resume
"$ITSIM" sensitivity screen.yaml -o k --threads 1 --batch 2 --quiet --no-figures >/dev/null 2>&1 &
pid=$!
for _ in $(seq 1 200); do
    [ -f k/trial.sqlite ] && [ "$(sqlite3 k/trial.sqlite 'select count(*) from patients' 2>/dev/null || echo 0)" -ge 6 ] && break
    sleep 0.05
done
kill -9 $pid 2>/dev/null
wait $pid 2>/dev/null
check "sensitivity: killed before its analysis" [ ! -f k/sensitivity.csv ]
"$ITSIM" sensitivity screen.yaml -o k --threads 1 --resume --quiet --no-figures >k.txt 2>/dev/null
check "sensitivity: resumed gives the same sensitivity.csv" cmp -s a/sensitivity.csv k/sensitivity.csv

# bad options and inputs: exit 2, reason on stderr
"$ITSIM" sensitivity screen.yaml -o c --alpha 1.5 >/dev/null 2>c.err
check "sensitivity: --alpha 1.5 exits 2" [ $? -eq 2 ]
check "sensitivity: --alpha names the range" grep -q "alpha needs a number between 0 and 1" c.err
"$ITSIM" sensitivity -o c >/dev/null 2>c.err
check "sensitivity: no file exits 2" [ $? -eq 2 ]
"$ITSIM" trial screen.yaml -o c --top 3 >/dev/null 2>c.err
check "trial: --top is refused (sensitivity only)" [ $? -eq 2 ]
sed '/^population:/,$d' screen.yaml >nopop.yaml
"$ITSIM" sensitivity nopop.yaml -o d --patients 4 --no-figures >/dev/null 2>d.err
check "sensitivity: a trial without drawn inputs exits 2" [ $? -eq 2 ]
check "sensitivity: ... and says why" grep -q "draws no value of its patients" d.err
echo "$npass passed, $nfail failed"
[ "$nfail" -eq 0 ]
