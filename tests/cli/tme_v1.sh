#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# itsim CLI test: tme@1, version 1 of tme, frozen. The default comparison
# run on it gives, to the last printed digit, the comparison table recorded
# before tme was revised (tests/data/tme_v1_comparison.csv, the output of
# `make run` at commit f3f7de5), so results published with version 1 stay
# reproducible. Regimen files written for tme run on it unchanged.
# Usage: tme_v1.sh ITSIM_BINARY SOURCE_DIR
NAME=tme_v1
. "$(dirname "$0")/common.bash"

# The built-in default comparison (its_scenario_default_text) with the model
# set to the frozen version.
cat >v1.yaml <<'YAML'
model: tme@1
description: default melanoma patient
patient: {weight: 70 kg, height: 175 cm, bsa: mosteller}
clinical: {assess_every: 8 weeks, confirm_after: 28 d, monitor_every: 1 h,
           stop_at_progression: true}
simulate: {until: 730 d, output_every: 1 d}
arms:
  - {name: untreated}
  - {name: HD IL-2, regimen: hd_il2}
  - {name: HD IFN-alpha, regimen: hd_ifn}
  - {name: GM-CSF, regimen: gmcsf}
  - {name: anti-PD-1, regimen: pembrolizumab}
  - {name: dacarbazine, regimen: dacarbazine}
YAML
"$ITSIM" run v1.yaml -o v1 --no-render >v1.txt 2>v1.err
rc=$?
check "tme@1 default comparison exits 0 (rc=$rc)" [ $rc -eq 0 ]
check "tme@1 reproduces the recorded version-1 comparison table exactly" \
    cmp -s v1/comparison.csv "$SRC/tests/data/tme_v1_comparison.csv"

# Arm files written for tme (examples/regimens) and the lesion variants.
printf 'model: tme@1:2\narms:\n  - {name: HD IL-2, file: %s}\nsimulate: {until: 10 d}\n' \
    "$SRC/examples/regimens/hd_il2.yaml" >arm.yaml
"$ITSIM" run arm.yaml >arm.txt 2>arm.err
rc=$?
check "a tme regimen file runs on tme@1:2 (rc=$rc)" [ $rc -eq 0 ]
"$ITSIM" run --model 'tme@1:9' >bad.txt 2>bad.err
rc=$?
check "tme@1:9 is refused (rc=$rc)" [ $rc -eq 2 ]
check "the refusal names the models" grep -q 'tme@1:1 to tme@1:8' bad.err
done_tests
