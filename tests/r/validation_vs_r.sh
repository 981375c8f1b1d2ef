#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The personalisation study's coverage statistics (validation.json) against
# R (tests/r/validation_check.R) on 14 committed patient files
# (tests/data/validation_readback: the first 14 patients of a study of
# docs/validation/study_template.yaml, 40 draws each), read back by
# `itsim personalise --validate 14` without fitting anything. Exit 77
# (skipped) without Rscript.
# Usage: validation_vs_r.sh ITSIM_BINARY SOURCE_DIR
set -u
itsim=$1
src=$2
command -v Rscript >/dev/null 2>&1 || { echo "SKIP: no Rscript"; exit 77; }
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
cp -r "$src/tests/data/validation_readback" "$T/study"
if ! "$itsim" personalise "$src/docs/validation/study_template.yaml" --validate 14 -o "$T/study" \
    --draws 40 --quiet >"$T/out.txt" 2>"$T/err.txt"; then
  echo "FAIL: the read-back: $(cat "$T/err.txt")"
  exit 1
fi
[ "$(ls "$T"/study/patient_*.tsv | wc -l)" -eq 14 ] || { echo "FAIL: the read-back wrote patients"; exit 1; }
Rscript "$src/tests/r/validation_check.R" "$T/study" 40
