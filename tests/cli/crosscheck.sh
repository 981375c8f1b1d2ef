#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# itsim CLI tests: the clinical read-outs of whole runs re-derived by an
# independent implementation (tools/crosscheck_clinical.py, written from
# docs/clinical.md without reading the C code). Runs chosen to reach the
# rules the default comparison does not: a confirmed partial response
# with and without confirmation, the two-per-organ rule, a grade-5 death
# and a death before progression. Skipped without python3.
# Usage: crosscheck.sh ITSIM_BINARY SOURCE_DIR
NAME=xcheck
. "$(dirname "$0")/common.bash"
if ! command -v python3 >/dev/null 2>&1; then
    echo "SKIP: python3 not available"
    exit 0
fi
XC="python3 $SRC/tools/crosscheck_clinical.py"

run() { # run NAME ARGS...: itsim run ARGS -o NAME (scripts only)
    local name=$1
    shift
    rm -rf "$name"
    "$ITSIM" run "$@" --no-render -o "$name" >/dev/null 2>"$name.err"
}

run default --until '365 d'
check "default comparison (one year) re-derived" $XC default

# Gompertz shrinkage towards a small capacity: a partial response.
cat >shrink.yaml <<'Y'
model: hahnfeldt1999
parameters: {lambda1: 0.01, b: 0, d: 0}
initial: {V: 20000 mm3, K: 1000 mm3}
clinical: {assess_every: 1 week}
simulate: {until: 150 d, output_every: 1 d}
Y
run shrink shrink.yaml
check "partial response, confirmed" $XC shrink
check "partial response: best PR" grep -q '"best_response": "PR"' shrink/summary.json
run shrink0 shrink.yaml --set 'clinical.confirm_after=0 d' 
check "partial response without confirmation" $XC shrink0

# Three measurable lesions in one organ: the two-per-organ rule.
cat >organs.yaml <<'Y'
model: tme
initial: {C_3: 2e9 cell}
clinical: {organs: "lung, lung, lung"}
simulate: {until: 200 d, output_every: 1 d}
Y
run organs organs.yaml
check "two targets per organ" $XC organs
check "two targets per organ: 2 targets, 1 non-target" grep -q '"targets": 2, "non_targets": 1' organs/summary.json

# Grade-5 hypotension in a sensitive patient, and death before progression.
cat >toxic.yaml <<'Y'
model: tme
parameters: {dSBP_perm: 80 mmHg}
therapy:
  - {input: il2, rate: 5e8 pmol/d, start: 0 d, duration: 10 d}
simulate: {until: 30 d, output_every: 1 d}
Y
run toxic toxic.yaml
check "treatment-related death re-derived" $XC toxic
check "treatment-related death recorded" grep -q '"death_cause": "treatment"' toxic/summary.json

cat >burden.yaml <<'Y'
model: hahnfeldt1999
parameters: {lambda1: 0.01, b: 0, d: 0}
initial: {V: 1000 mm3, K: 20000 mm3}
clinical: {lethal_burden: 2e9 cell}
simulate: {until: 100 d, output_every: 1 d}
Y
run burden burden.yaml
check "death from the tumour before the first scan" $XC burden
check "PFS ends with death" grep -q '"pfs_event": "death"' burden/summary.json

echo "$npass passed, $nfail failed"
[ "$nfail" -eq 0 ]
