#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# itsim CLI tests: `itsim personalise FILE --check` reads a patient record
# (docs/personalise.md) and prints its timeline; bad records exit 2 with
# file, line, column and key.
# Usage: personalise.sh ITSIM_BINARY SOURCE_DIR
NAME=personalise
. "$(dirname "$0")/common.bash"

"$ITSIM" personalise "$SRC/examples/patients/mel_pembrolizumab.yaml" --check >t1.txt 2>err.txt
rc=$?
[ $rc -eq 0 ] && grep -q '^patient MEL-0001: 3 lesions, t0 = 2025-01-06' t1.txt &&
    grep -q '^day    84.00  2025-03-31        scan 2: L1 18 mm L2 44 mm N1 < 5 mm$' t1.txt &&
    grep -q '^day    65.00  2025-03-12        pembrolizumab 200 mg iv (treatments\[0\]; 1342.28 nmol into antipd1)$' t1.txt &&
    grep -q '^day    86.00  2025-04-02        decision: objective response over 365 d' t1.txt
verdict "--check: the timeline of mel_pembrolizumab.yaml (rc=$rc)"
"$ITSIM" personalise --check "$SRC/examples/patients/mel_hd_il2.yaml" >t2.txt 2>err.txt
rc=$?
[ $rc -eq 0 ] && [ "$(grep -c 'aldesleukin 600000 IU/kg' t2.txt)" -eq 9 ] &&
    grep -q '^day    17.00  2024-02-29        aldesleukin' t2.txt &&
    grep -q 'ANC 23 days before t0 left out' t2.txt
verdict "--check: nine IL-2 doses to 29 February 2024, the note on an old lab (rc=$rc)"

# bad records
printf 'patient: {weight: 70 kg, height: 175 cm}\nlesions: [{id: A, site: lung}]\nassessments: [{date: 2025-02-30, diameters: {A: 10 mm}}]\n' >bad.yaml
"$ITSIM" personalise bad.yaml --check >out.txt 2>err.txt
rc=$?
[ $rc -eq 2 ] && grep -q '^itsim: bad.yaml:3:22: assessments\[0\].date: expected a date' err.txt && [ ! -s out.txt ]
verdict "an impossible date: exit 2, file:line:col and key (rc=$rc)"
printf 'patient: {weight: 70 kg, height: 175 cm, prior: nowhere.yaml}\nlesions: [{id: A, site: lung}]\nassessments: [{date: 2025-02-03, diameters: {A: 10 mm}}]\n' >bad2.yaml
"$ITSIM" personalise bad2.yaml --check >out.txt 2>err.txt
rc=$?
[ $rc -eq 2 ] && grep -q '^itsim: bad2.yaml:1:49: patient.prior: nowhere.yaml: cannot open' err.txt
verdict "a missing prior: exit 2, named (rc=$rc)"
"$ITSIM" personalise "$SRC/examples/patients/mel_hd_il2.yaml" >out.txt 2>err.txt
rc=$?
[ $rc -eq 2 ] && grep -q 'add --check' err.txt
verdict "without --check: exit 2 with the reason (rc=$rc)"
"$ITSIM" personalise bad.yaml --check --frobnicate >out.txt 2>err.txt
rc=$?
[ $rc -eq 2 ] && grep -q "unknown option '--frobnicate'" err.txt
verdict "an unknown option: exit 2 (rc=$rc)"
"$ITSIM" personalise --help >out.txt 2>&1
rc=$?
[ $rc -eq 0 ] && grep -q '^usage: itsim personalise FILE --check' out.txt
verdict "personalise --help (rc=$rc)"

done_tests
