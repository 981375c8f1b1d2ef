#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# End to end: a real itsim trial (paired, and randomised), its read-outs
# (arms.csv, comparisons.csv) recomputed by R's survival package from the
# trial's own outcomes.csv (tests/r/trial_check.R): Wilson intervals, KM
# medians with their intervals, log-rank p-values and Cox hazard ratios
# (the marginal, patient-clustered one for the paired design), within 1e-6.
# Exit 77 (skipped) without Rscript or the survival package.
# Usage: trial_vs_r.sh ITSIM_BINARY SOURCE_DIR
set -u
itsim=$1
src=$2
command -v Rscript >/dev/null 2>&1 || { echo "SKIP: no Rscript"; exit 77; }
Rscript -e 'suppressMessages(library(survival))' >/dev/null 2>&1 ||
  { echo "SKIP: R has no survival package"; exit 77; }
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
rc=0
for design in paired randomised; do
  cat >"$T/$design.yaml" <<EOF
model: tme
clinical: {assess_every: 8 weeks, confirm_after: 28 d}
trial:
  name: R check ($design)
  seed: 31
  patients: 120
  horizon: 365 d
  design: $design
  arms:
    - {name: untreated}
    - {name: anti-PD-1, regimen: pembrolizumab}
population:
  parameters:
    tmb: {dist: lognormal, median: 15, gsd: 2.5}
    lambda1: {dist: lognormal, median: 0.018 1/d, cv: 0.4}
EOF
  if ! "$itsim" trial "$T/$design.yaml" -o "$T/$design" --threads 2 --quiet --no-figures \
      >/dev/null 2>"$T/$design.err"; then
    echo "FAIL: $design trial: $(cat "$T/$design.err")"
    rc=1
    continue
  fi
  Rscript "$src/tests/r/trial_check.R" "$T/$design" "$design" || rc=1
done
exit $rc
