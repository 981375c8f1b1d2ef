#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# itsim calibrate (issue 13; docs/calibration.md): a reduced calibration
# (2 rounds of 40 patients, 90 days of HD IL-2, two toxicity targets)
# writes every output; calibrated.yaml is the file with only the
# calibrated priors replaced, and itsim trial runs it; the result is the
# same on 2 threads and after a kill -9 and a rerun in the same directory;
# bad calibration sections exit 2 with FILE:LINE:COL and the key.
# Usage: calibrate.sh ITSIM_BINARY SOURCE_DIR
NAME=calibrate
. "$(dirname "$0")/common.bash"

cat >cal.yaml <<'EOF2'
model: tme
clinical: {assess_every: 6 weeks, confirm_after: 28 d}
trial:
  name: "calibration test"
  seed: 3
  patients: 40
  horizon: 90 d
  design: paired
  arms:
    - {name: HD IL-2, regimen: hd_il2}
population:
  sampling: latin_hypercube
  parameters:
    lambda1: {dist: lognormal, median: 0.018 1/d, cv: 0.3}
    EC50_perm: {dist: loguniform, low: 500 pM, high: 2000 pM}   # the leak
    K_gfr_leak: {dist: loguniform, low: 0.05, high: 0.45}
calibration:
  pool: 40
  rounds: 2
  validate: 30
  starts: 2
  max_evals: 200
  vary: [EC50_perm, K_gfr_leak]
  targets:
    - {id: D, arm: HD IL-2, measure: median_doses_cycle1, range: [9, 11], source: "test"}
    - {id: G, arm: HD IL-2, measure: grade3plus, value: 60 %, ci: [50 %, 70 %], source: "test"}
EOF2

"$ITSIM" calibrate cal.yaml -o a --threads 1 --quiet >a.txt 2>a.err
rc=$?
check "calibrate: exit 0 (rc=$rc)" [ $rc -eq 0 ]
for f in calibrated.yaml calibration.json history.csv report.md round_0/trial.sqlite \
         round_1/trial.sqlite validation/trial.sqlite; do
    check "calibrate: a/$f written" [ -s a/$f ]
done
check "calibrate: the table is printed" grep -q "targets within their published interval" a.txt
check "calibrate: calibration.json is JSON with 2 targets and 2 parameters" \
    python3 -c 'import json,sys; d=json.load(open("a/calibration.json")); sys.exit(not (d["targets_total"] == 2 and len(d["parameters"]) == 2 and d["rounds"] == 2))'
check "calibrate: history.csv has one row per evaluation" [ "$(wc -l <a/history.csv)" -gt 100 ]
# calibrated.yaml: the header, then the file with the two priors replaced
tail -n +6 a/calibrated.yaml >body.yaml
check "calibrate: only the two calibrated priors differ" \
    [ "$(diff cal.yaml body.yaml | grep -c '^>')" -eq 2 ]
check "calibrate: the calibrated priors are truncated lognormals" \
    [ "$(grep -c 'EC50_perm: {dist: lognormal, median: .* pM, gsd: .*, lower: 500 pM, upper: 2000 pM}' body.yaml)" -eq 1 ]
"$ITSIM" trial a/calibrated.yaml --patients 4 -o t --quiet --no-figures >/dev/null 2>t.err
check "calibrate: itsim trial runs calibrated.yaml" [ $? -eq 0 ]

"$ITSIM" calibrate cal.yaml -o b --threads 2 --quiet --no-figures >/dev/null 2>&1
check "calibrate: 2 threads give the same calibration.json" cmp -s a/calibration.json b/calibration.json
check "calibrate: ... and the same calibrated.yaml" cmp -s a/calibrated.yaml b/calibrated.yaml

# kill -9 during the second round, then the same command again
"$ITSIM" calibrate cal.yaml -o k --threads 1 --batch 2 --quiet --no-figures >/dev/null 2>&1 &
pid=$!
for _ in $(seq 1 600); do
    [ -f k/round_1/trial.sqlite ] && \
        [ "$(sqlite3 k/round_1/trial.sqlite 'select count(*) from patients' 2>/dev/null || echo 0)" -ge 4 ] && break
    sleep 0.05
done
kill -9 $pid 2>/dev/null
wait $pid 2>/dev/null
check "calibrate: killed before its outputs" [ ! -f k/calibration.json ]
"$ITSIM" calibrate cal.yaml -o k --threads 1 --quiet --no-figures >/dev/null 2>&1
check "calibrate: rerun after kill -9 gives the same calibration.json" \
    cmp -s a/calibration.json k/calibration.json

# bad sections: exit 2, FILE:LINE:COL and the key
bad() { # NAME SED-EXPRESSION EXPECTED-TEXT (on $BASE, cal.yaml unless set)
    sed "$2" "${BASE:-cal.yaml}" >"$1.yaml"
    "$ITSIM" calibrate "$1.yaml" -o "out_$1" --quiet >/dev/null 2>"$1.err"
    rc=$?
    check "calibrate $1: exit 2 (rc=$rc)" [ $rc -eq 2 ]
    check "calibrate $1: says '$3'" grep -q -- "$3" "$1.err"
    check "calibrate $1: nothing run" [ ! -e "out_$1/round_0" ]
}
bad arm 's/arm: HD IL-2, measure: grade3plus/arm: HD IL-3, measure: grade3plus/' \
    "calibration.targets.G: 'HD IL-3' is not an arm of the trial"
bad measure 's/measure: grade3plus/measure: grade4/' "unknown measure 'grade4'"
bad vary 's/vary: \[EC50_perm, K_gfr_leak\]/vary: [EC50_perm, k_cd8_kill]/' \
    "calibration.vary.k_cd8_kill: not drawn by population.parameters"
bad unbounded 's/vary: \[EC50_perm, K_gfr_leak\]/vary: [lambda1]/' "needs a bounded positive prior"
bad ci 's/value: 60 %, ci: \[50 %, 70 %\]/value: 80 %, ci: [50 %, 70 %]/' "must lie in its CI"
sed 's/    EC50_perm: {dist: loguniform, low: 500 pM, high: 2000 pM}   # the leak/    EC50_perm:\n      dist: loguniform\n      low: 500 pM\n      high: 2000 pM/' cal.yaml >twoline.yaml
"$ITSIM" calibrate twoline.yaml -o out_twoline --quiet >/dev/null 2>twoline.err
rc=$?
check "calibrate: a prior as a block mapping exits 2 (rc=$rc)" [ $rc -eq 2 ]
check "calibrate: ... naming its line" grep -q "twoline.yaml:16:7: population.parameters.EC50_perm: write a calibrated parameter's prior on one line" twoline.err
# two calibrated priors on one line, named in the other order in vary
cat >oneline.yaml <<'EOF2'
model: tme
clinical: {assess_every: 6 weeks, confirm_after: 28 d}
trial: {name: one line, seed: 4, patients: 20, horizon: 30 d, design: paired,
        arms: [{name: HD IL-2, regimen: hd_il2}]}
population:
  parameters: {EC50_perm: {dist: loguniform, low: 500 pM, high: 2000 pM}, K_gfr_leak: {dist: loguniform, low: 0.05, high: 0.45}}
calibration:
  pool: 20
  rounds: 1
  validate: 0
  starts: 1
  max_evals: 20
  vary: [K_gfr_leak, EC50_perm]
  targets:
    - {id: G, arm: HD IL-2, measure: grade3plus, value: 60 %, ci: [50 %, 70 %], source: "test"}
EOF2
"$ITSIM" calibrate oneline.yaml -o one --quiet --no-figures >/dev/null 2>one.err
rc=$?
check "calibrate: two priors on one line (rc=$rc)" [ $rc -eq 0 ]
check "calibrate: ... both replaced in place" \
    grep -q '^  parameters: {EC50_perm: {dist: lognormal, median: [0-9.e+-]* pM, gsd: [0-9.e+-]*, lower: 500 pM, upper: 2000 pM}, K_gfr_leak: {dist: lognormal, median: [0-9.e+-]*, gsd: [0-9.e+-]*, lower: 0.05, upper: 0.45}}$' one/calibrated.yaml
check "calibrate: without validation, calibration.json says null" \
    python3 -c 'import json,sys; d=json.load(open("one/calibration.json")); sys.exit(d["targets"][0]["validation"] is not None)'
# PFS targets on an untreated arm (the RCC growth calibration's measures):
# months as a unit, the median on the scan grid, pfs_at with its landmark
cat >pfs.yaml <<'EOF2'
model: tme
clinical: {first_assessment: 6 weeks, assess_every: 6 weeks, confirm_after: 28 d, stop_at_progression: true}
trial: {name: pfs targets, seed: 5, patients: 20, horizon: 300 d, arms: [{name: placebo}]}
population:
  parameters: {b_ang: {dist: loguniform, low: 0.002 1/d, high: 0.2 1/d}}
calibration:
  pool: 60
  rounds: 2
  validate: 40
  starts: 2
  max_evals: 100
  vary: [b_ang]
  targets:
    - {id: M, arm: placebo, measure: pfs_median, range: [84 d, 4.2 months], source: "test"}
    - {id: P, arm: placebo, measure: pfs_at, at: 4 months, value: 20 %, ci: [10.5 %, 34.8 %], source: "test"}
EOF2
"$ITSIM" calibrate pfs.yaml -o pfs --quiet --no-figures >/dev/null 2>pfs.err
rc=$?
check "calibrate pfs: exit 0 (rc=$rc)" [ $rc -eq 0 ]
check "calibrate pfs: the median in days, pfs_at a proportion with its landmark in calibration.json" \
    python3 -c 'import json,sys; d=json.load(open("pfs/calibration.json")); t=d["targets"]; sys.exit(not (t[0]["published"]["range"] == [84, 127.8375] and t[1]["at_days"] == 121.75 and 0 <= t[1]["validation"]["value"] <= 1 and t[0]["validation"]["value"] > 0))'
check "calibrate pfs: the report shows months and the landmark" \
    grep -q "| M | placebo | pfs_median | 2.8 mo to 4.2 mo |" pfs/report.md
check "calibrate pfs: ... and pfs_at 4.0 mo" grep -q "| P | placebo | pfs_at 4.0 mo | 20.0 % (10.5 % to 34.8 %) |" pfs/report.md
# the validation median is a median of the patients' PFS (censored: not reached)
check "calibrate pfs: the validation median is one of the stored PFS times" \
    python3 - pfs <<'EOF2'
import json, sqlite3, sys
d = json.load(open(sys.argv[1] + "/calibration.json"))
med = d["targets"][0]["validation"]["value"]
con = sqlite3.connect(sys.argv[1] + "/validation/trial.sqlite")
rows = sorted(r[0] if r[1] else float("inf") for r in
              con.execute("select pfs_days, pfs_event from outcomes where status = 'ITS_OK'"))
n = len(rows)
a, b = rows[(n - 1) // 2], rows[n // 2]
want = a if a == b else a + 0.5 * (b - a)  # itsim's midpoint, computed the same way
sys.exit(not (med == want))
EOF2
# checks: reported in their own table and in calibration.json as not
# fitted, left out of the count of targets met, and without effect on the fit
cat pfs.yaml - >pfsk.yaml <<'EOF2'
  checks:
    - {id: K, arm: placebo, measure: pfs_at, at: 2 months, value: 60 %, ci: [50 %, 70 %], source: "check"}
    - {id: S, arm: placebo, measure: cr_share, value: 40 %, ci: [30 %, 50 %], source: "check"}
    - {id: D, arm: placebo, measure: dor_median, value: 6 months, ci: [4 months, 8 months], source: "check"}
EOF2
"$ITSIM" calibrate pfsk.yaml -o pfsk --quiet --no-figures >/dev/null 2>pfsk.err
rc=$?
check "calibrate checks: exit 0 (rc=$rc)" [ $rc -eq 0 ]
check "calibrate checks: the fit is the one without them" \
    python3 -c 'import json,sys; a=json.load(open("pfs/calibration.json")); b=json.load(open("pfsk/calibration.json")); sys.exit(not (a["parameters"] == b["parameters"] and b["targets_total"] == 2 and [t["fitted"] for t in b["targets"]] == [True, True, False, False, False] and b["targets"][3]["validation"]["n"] == 0))'
check "calibrate checks: a table of their own in the report" grep -q "^### Checks (reported, not fitted)" pfsk/report.md
check "calibrate checks: ... with the landmark and months" \
    grep -q "^| D | placebo | dor_median | 6.0 mo (4.0 mo to 8.0 mo) |" pfsk/report.md
BASE=pfs.yaml bad noat 's/measure: pfs_at, at: 4 months,/measure: pfs_at,/' "pfs_at needs \`at\`"
BASE=pfs.yaml bad atorr 's/measure: pfs_at, at: 4 months, value: 20 %/measure: orr, at: 4 months, value: 20 %/' \
    "\`at\` belongs to the measure pfs_at only"
BASE=pfs.yaml bad timeunit 's/range: \[84 d, 4.2 months\]/range: [84 mg, 4.2 months]/' "calibration.targets.M"
"$ITSIM" calibrate cal.yaml -o pp --patients 10 >/dev/null 2>pp.err
[ $? -eq 2 ] && grep -q "calibration.pool" pp.err
verdict "calibrate: --patients is refused"
sed '/^calibration:/,$d' cal.yaml >nocal.yaml
"$ITSIM" calibrate nocal.yaml -o out_nocal --quiet >/dev/null 2>nocal.err
[ $? -eq 2 ] && grep -q "has no calibration: section" nocal.err
verdict "calibrate: a file without calibration: exits 2"
echo "$npass passed, $nfail failed"
[ "$nfail" -eq 0 ]
