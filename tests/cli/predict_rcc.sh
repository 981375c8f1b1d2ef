#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The RCC prediction designs (examples/trials/predict/; docs/validation.md)
# draw the population the RCC growth calibration wrote: their population
# and plausibility sections are those of
# examples/trials/calibration/rcc_calibrated.yaml, word for word but for
# the folder of population.from. A design that drifted from the calibrated
# file (e.g. after a recalibration) would predict with another population.
# Usage: predict_rcc.sh ITSIM_BINARY SOURCE_DIR
NAME=predict_rcc
. "$(dirname "$0")/common.bash"

# The population: and plausibility: sections of a file and the keys that
# shape its patients (parameter_set, patient), comments and blank lines
# dropped, population.from reduced to its file name.
sections() {
    awk '/^[A-Za-z_]+:/ { keep = ($1 == "population:" || $1 == "plausibility:" ||
                                 $1 == "parameter_set:" || $1 == "patient:") }
         keep && !/^[[:space:]]*#/ && !/^[[:space:]]*$/ { sub(/[[:space:]]+#.*$/, ""); print }' "$1" |
        sed -E 's|^(  from: ).*/([^/]+)$|\1\2|'
}
sections "$SRC/examples/trials/calibration/rcc_calibrated.yaml" >want.txt
check "predict_rcc: rcc_calibrated.yaml has a population and calibrated priors" \
    grep -q "^    b_ang: {dist: lognormal, median: " want.txt
for f in fyfe1995_rcc yang2003_rcc motzer2007_ifn; do
    sections "$SRC/examples/trials/predict/$f.yaml" >"$f.txt"
    check "predict_rcc: $f.yaml draws rcc_calibrated.yaml's population" cmp -s want.txt "$f.txt"
    "$ITSIM" trial "$SRC/examples/trials/predict/$f.yaml" --patients 3 -o "out_$f" --quiet \
        --no-figures >/dev/null 2>"$f.err"
    check "predict_rcc: $f.yaml runs" [ $? -eq 0 ]
done
echo "$npass passed, $nfail failed"
[ "$nfail" -eq 0 ]
