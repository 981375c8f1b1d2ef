#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# itsim CLI tests: the validation study of personalised treatment
# (`itsim personalise TEMPLATE --validate N -o DIR`, docs/personalise.md,
# "Validation"): its files, the same results on 1 and 2 threads, a study
# killed with SIGKILL and resumed, and another study refused in its
# directory.
# Usage: personalise_validate.sh ITSIM_BINARY SOURCE_DIR
NAME=personalise_validate
. "$(dirname "$0")/common.bash"

small="$SRC/tests/data/personalise_small.yaml"
# ---- the validation study: 2 synthetic patients, killed and resumed -----------
# a minimal budget: the files, determinism and resumption are checked, not
# the coverage (2 chains x 100 iterations of adaptive Metropolis, one
# evaluation each, 4 draws, one candidate)
vargs="--candidates pembro_q3w --sampler metropolis --chains 2 --iterations 100 --warmup 50 --draws 4 --seed 5 --quiet"
"$ITSIM" personalise "$small" --validate 2 -o val1 $vargs --threads 2 >v1.txt 2>/dev/null
rc=$?
[ $rc -eq 0 ] && [ -s val1/validation.json ] && [ -s val1/patient_000000.tsv ] &&
    [ -s val1/patient_000001.tsv ] && grep -q '"coverage_90": ' val1/validation.json &&
    grep -q '"coverage_90_band95": \[0.5, 1\]' val1/validation.json &&
    [ -s val1/validation_coverage.gp ] && [ -s val1/validation_coverage.dat ] &&
    [ -s val1/validation_ranks.gp ] && [ -s val1/validation_ranks.dat ] &&
    grep -q '"regret": {"chosen": ' val1/validation.json &&
    grep -q '"choice": {"patients_chosen_truly_best": ' val1/validation.json && grep -q '"pfs_coverage_90": ' val1/validation.json &&
    grep -q '^mean coverage of the 90 % credible intervals' v1.txt
verdict "--validate 2: per-patient files, validation.json and the printed coverage (rc=$rc)"
# killed with SIGKILL once the first patient is written, then resumed: the same results
"$ITSIM" personalise "$small" --validate 2 -o val2 $vargs --threads 1 >/dev/null 2>&1 &
pid=$!
for _ in $(seq 1 3000); do [ -s val2/patient_000000.tsv ] && break; sleep 0.1; done
kill -9 $pid 2>/dev/null
wait $pid 2>/dev/null
[ ! -e val2/validation.json ] && "$ITSIM" personalise "$small" --validate 2 -o val2 $vargs --threads 1 >v2.txt 2>/dev/null
rc=$?
[ $rc -eq 0 ] && cmp -s val1/validation.json val2/validation.json &&
    cmp -s val1/patient_000001.tsv val2/patient_000001.tsv && cmp -s v1.txt v2.txt
verdict "--validate killed (kill -9) and resumed, on 1 thread: the same files as on 2 (rc=$rc)"
"$ITSIM" personalise "$small" --validate 2 -o val1 --candidates pembro_q3w,hd_il2 --seed 5 --quiet >/dev/null 2>err.txt
rc=$?
[ $rc -eq 2 ] && grep -q 'holds another study' err.txt
verdict "resuming with other options is refused (rc=$rc)"

# committed patient files read back (no fitting): a rank beyond the draws is
# refused with the file and line, not counted
mkdir -p rb && cp "$SRC"/tests/data/validation_readback/patient_0000*.tsv rb/
sed -i 's/^\(var\t3\t.*\t\)[0-9]*$/\177/' rb/patient_000002.tsv
"$ITSIM" personalise "$SRC/docs/validation/study_template.yaml" --validate 14 -o rb --draws 40 \
    --quiet >/dev/null 2>err.txt
rc=$?
[ $rc -eq 2 ] && grep -q 'rb/patient_000002.tsv:5: not this study' err.txt && [ ! -e rb/validation.json ]
verdict "a patient file with a rank beyond the draws is refused, naming file and line (rc=$rc)"

done_tests
