#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# itsim CLI test: the robustness box of the revised tme (issue 12, item 10;
# examples/trials/robustness_box.yaml, docs/robustness.md) at a size that
# fits CI: Latin-hypercube patients through the six default arms with the
# trial machinery; every run must reach its end (no failed run). The full
# 2,000-patient run is recorded in docs/robustness.md.
# Usage: robustness_box.sh ITSIM_BINARY SOURCE_DIR
NAME=robust
. "$(dirname "$0")/common.bash"

"$ITSIM" trial "$SRC/examples/trials/robustness_box.yaml" --patients 16 -o box --threads 2 \
    --quiet --no-figures >box.txt 2>box.err
rc=$?
check "robustness box, 16 patients x 6 arms: exit 0 (rc=$rc)" [ $rc -eq 0 ]
check "robustness box: 96 outcome rows" [ "$(tail -n +2 box/outcomes.csv | wc -l)" -eq 96 ]
check "robustness box: no failed run" sh -c "grep -q '\"failures\"' box/summary.json && ! grep -Eq '\"failures\": *[1-9]' box/summary.json"
done_tests
