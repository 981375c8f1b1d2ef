#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# itsim CLI tests: the output directory (files, formats, atomic replacement,
# --force) and the resolved scenario reproducing the time series exactly.
# Usage: outputs.sh ITSIM_BINARY SOURCE_DIR
NAME=out
. "$(dirname "$0")/common.bash"
have_python=0
command -v python3 >/dev/null 2>&1 && have_python=1
json_ok() { # valid JSON without NaN/Infinity literals
    if [ $have_python -eq 1 ]; then
        python3 -c 'import json,sys
def bad(x): raise ValueError("non-finite literal " + x)
json.load(open(sys.argv[1]), parse_constant=bad)' "$1"
    else
        ! grep -Eqi 'nan|inf' "$1"
    fi
}
no_leftovers() { ! ls -d "$1".tmp.* "$1".old.* >/dev/null 2>&1; }

# ---- default scenario: the comparison of regimens -------------------------
# (shortened to 180 days here; `make run` runs the full two years)
"$ITSIM" run --until '180 d' >default.txt 2>default.err
rc=$?
check "default run exits 0 (rc=$rc)" [ $rc -eq 0 ]
check "default table header" grep -Eq '^arm +best response +SoD best +progression +survival +worst toxicity' default.txt
for arm in untreated 'HD IL-2' 'HD IFN-alpha' GM-CSF anti-PD-1 dacarbazine; do
    check "default table row: $arm" grep -Eq "^$arm +(CR|PR|SD|PD) " default.txt
done
check "default: hint to write files" grep -q 'give -o DIR' default.err
rm -rf cmp
"$ITSIM" run --until '120 d' --no-render -o cmp >/dev/null 2>cmp.err
rc=$?
check "default comparison -o exits 0 (rc=$rc)" [ $rc -eq 0 ]
check "comparison.csv has a row per arm" [ "$(tail -n +2 cmp/comparison.csv | wc -l)" -eq 6 ]
check "comparison summary.json is valid JSON" json_ok cmp/summary.json
check "comparison summary.json lists the arms" [ "$(grep -c '"id": ' cmp/summary.json)" -eq 6 ]
for id in untreated hd_il2 hd_ifn gmcsf pembrolizumab dacarbazine; do
    [ -s cmp/$id.timeseries.csv ] && [ -s cmp/$id.assessments.csv ] &&
        [ -s cmp/$id.adverse_events.csv ] && [ -s cmp/$id.summary.json ]
    verdict "arm $id: files"
done
check "arm summary.json valid" json_ok cmp/hd_il2.summary.json
check "arm summary.json has the endpoints" grep -q '"best_response": "' cmp/hd_il2.summary.json
check "arm adverse events: hypotension with HD IL-2" grep -q '^hypotension,"Hypotension",2,' cmp/hd_il2.adverse_events.csv
# Expected values from the scenario that ran (the arms' resolved YAML), not
# pinned: scans at first_assessment, then every assess_every (the default
# scenario: 8 weeks), so an untreated tumour progresses at the first scan;
# HD IL-2 plans count x cycles doses (the regimen, after the Proleukin label:
# 14 per cycle, two cycles), of which "generally 8-12" per cycle are given
# (Schwartzentruber 2001, J Immunother 24:287; the calibration of dSBP_perm,
# docs/models/tme.md) and the rest held by the SBP rule.
yval() { sed -n "s/^ *$2: \([0-9.]*\).*/\1/p" "$1" | head -n 1; }
first=$(yval cmp/untreated.scenario.resolved.yaml first_assessment)
every=$(yval cmp/untreated.scenario.resolved.yaml assess_every)
count=$(yval cmp/hd_il2.scenario.resolved.yaml count)
cycles=$(yval cmp/hd_il2.scenario.resolved.yaml cycles)
check "default: untreated progresses at the first scan ($first d)" grep -Eq "^untreated +PD +\+[0-9.]+ % +$first d" default.txt
il2=$(sed -n 's#^HD IL-2 .* \([0-9]*\)/\([0-9]*\) of \([0-9]*\)$#\1 \2 \3#p' default.txt)
read -r given held planned <<<"${il2:-x x x}"
il2_ok() {
    [ "$planned" = $((count * cycles)) ] && [ $((given + held)) -eq "$planned" ] &&
        [ "$given" -ge $((8 * cycles)) ] && [ "$given" -le $((12 * cycles)) ] && [ "$held" -gt 0 ]
} 2>/dev/null
check "default: HD IL-2 plans $count x $cycles doses, 8-12 per cycle given, the rest held by the SBP rule ($il2)" il2_ok
want="t,assessment 0,baseline "
for ((t = first; t <= 120; t += every)); do want+="$t,scheduled "; done
check "arm assessments: baseline then scans every $every d to 120 d" [ "$(cut -d, -f1,2 cmp/untreated.assessments.csv | tr '\n' ' ')" = "$want" ]
# Arms run in parallel (OpenMP): results do not depend on the thread count.
OMP_NUM_THREADS=1 "$ITSIM" run --until '120 d' --no-render -o cmp1 >/dev/null 2>&1
check "comparison: one thread and several give identical files" diff -r cmp cmp1
check "arm resolved scenario reproduces its time series" sh -c "'$ITSIM' run cmp/hd_il2.scenario.resolved.yaml -o cmp_rt >/dev/null 2>&1 && cmp -s cmp/hd_il2.timeseries.csv cmp_rt/timeseries.csv"

# ---- the example and its output directory --------------------------------
EX=$SRC/examples/hahnfeldt_tnp470_endostatin.yaml
"$ITSIM" run "$EX" -o out >run.txt 2>run.err
rc=$?
check "example run -o out exits 0 (rc=$rc)" [ $rc -eq 0 ]
check "timeseries.csv written" [ -s out/timeseries.csv ]
check "summary.json written" [ -s out/summary.json ]
check "scenario.resolved.yaml written" [ -s out/scenario.resolved.yaml ]
check "no temporary directory left" no_leftovers out
check "CSV header" [ "$(head -n 1 out/timeseries.csv)" = \
    'time [d],V [mm3],K [mm3],g_tnp470 [mg/kg],g_endostatin [mg/kg],g_angiostatin [mg/kg],event' ]
check "CSV first rows: predose/postdose at 0" [ "$(sed -n 2,3p out/timeseries.csv | cut -d, -f1,4,7 | tr '\n' ' ')" = \
    '0,0,predose 0,30,postdose ' ]
check "CSV has 61 grid rows" [ "$(grep -c ',grid$' out/timeseries.csv)" -eq 61 ]
check "CSV has 16 predose rows" [ "$(grep -c ',predose$' out/timeseries.csv)" -eq 16 ]
check "CSV rows all have 7 fields" [ "$(awk -F, 'NF != 7' out/timeseries.csv | wc -l)" -eq 0 ]
check "CSV uses '.' decimals, no quotes" [ "$(grep -c '"' out/timeseries.csv)" -eq 0 ]
check "CSV last grid row at t = 60" grep -q '^60,.*,grid$' out/timeseries.csv
check "summary.json is valid JSON" json_ok out/summary.json
check "summary.json status ok" grep -q '"status": "ok"' out/summary.json
check "summary.json lists the doses" [ "$(grep -c '"input": ' out/summary.json)" -eq 17 ]
check "summary.json has per-state statistics" grep -q '"V": {"unit": "mm3", "initial": 170, "final": ' out/summary.json
check "summary.json has solver stats" grep -q '"solver": {"method": "bdf", "steps": ' out/summary.json
check "resolved: provenance" grep -q '^provenance:' out/scenario.resolved.yaml
check "resolved: SUNDIALS version" grep -Eq '^  sundials: "[0-9]' out/scenario.resolved.yaml
check "resolved: libyaml version" grep -Eq '^  libyaml: "[0-9]' out/scenario.resolved.yaml
check "resolved: every parameter with its unit" grep -q '^  lambda1: 0.192 1/d$' out/scenario.resolved.yaml
check "resolved: a default parameter too" grep -q '^  clr_angiostatin: 0.38 1/d$' out/scenario.resolved.yaml
check "resolved: every initial value" grep -q '^  g_angiostatin: 0 mg/kg$' out/scenario.resolved.yaml
check "resolved: simulate settings" grep -q '^  output_every: 1 d$' out/scenario.resolved.yaml

# ---- round trip ----------------------------------------------------------
"$ITSIM" run out/scenario.resolved.yaml -o again >/dev/null 2>&1
rc=$?
check "resolved scenario runs (rc=$rc)" [ $rc -eq 0 ]
check "resolved scenario reproduces timeseries.csv" cmp -s out/timeseries.csv again/timeseries.csv
check "resolved scenario is a fixed point" cmp -s <(sed 1,8d out/scenario.resolved.yaml) <(sed 1,8d again/scenario.resolved.yaml)

for ex in "$SRC"/examples/*.yaml; do
    name=$(basename "$ex" .yaml)
    rm -rf rt1 rt2
    if "$ITSIM" run "$ex" -o rt1 >/dev/null 2>&1 &&
        "$ITSIM" run rt1/scenario.resolved.yaml -o rt2 >/dev/null 2>&1 &&
        cmp -s rt1/timeseries.csv rt2/timeseries.csv; then
        pass "example $name runs and round-trips"
    else
        fail "example $name runs and round-trips"
    fi
done

# the pre-treatment history setting is recorded and reproduced (tme, off)
rm -rf hf hf2
printf 'model: tme:1\nsimulate: {until: 20 d, output_every: 1 d, history: false}\n' >hf.yaml
"$ITSIM" run hf.yaml -o hf >/dev/null 2>&1 && "$ITSIM" run hf/scenario.resolved.yaml -o hf2 >/dev/null 2>&1
check "history: false recorded in the resolved file" grep -q '^  history: false$' hf/scenario.resolved.yaml
check "history: false round-trips" cmp -s hf/timeseries.csv hf2/timeseries.csv
# with the history on, summary.json gives each state's grown baseline and
# the history's solver work
"$ITSIM" run --model tme:1 --until 5d -o hon >/dev/null 2>&1
check "summary.json: the grown baseline of each state" grep -Eq '"CD8_1": \{"unit": "cell", "initial": 0, "baseline": [1-9]' hon/summary.json
check "summary.json: history steps and duration" grep -Eq '"history_steps": [1-9][0-9]*, "history_duration": [1-9]' hon/summary.json
check "history: false gives no baseline field" sh -c "! grep -q '\"baseline\"' hf/summary.json"

# overrides are recorded and reproduced
rm -rf ov ov2
"$ITSIM" run "$EX" --set lambda1=0.3 --set 'V=0.2 cm3' --until '960 h' -o ov >/dev/null 2>&1
rc=$?
check "--set/--until run (rc=$rc)" [ $rc -eq 0 ]
check "--set parameter in the resolved file" grep -q '^  lambda1: 0.3 1/d$' ov/scenario.resolved.yaml
check "--set initial value converted" grep -q '^  V: 200 mm3$' ov/scenario.resolved.yaml
check "--until converted to days" grep -q '"t_end": 40,' ov/summary.json
"$ITSIM" run ov/scenario.resolved.yaml -o ov2 >/dev/null 2>&1
check "overridden run round-trips" cmp -s ov/timeseries.csv ov2/timeseries.csv

# ---- existing output directory ------------------------------------------
mkdir -p busy && echo precious >busy/notes.txt
"$ITSIM" run "$EX" -o busy >/dev/null 2>busy.err
rc=$?
check "non-empty output dir refused with exit 2 (rc=$rc)" [ $rc -eq 2 ]
check "refusal message" grep -q '^itsim: busy: output directory exists and is not empty' busy.err
check "refused dir untouched" [ "$(cat busy/notes.txt)" = precious ]
check "refused dir gets no outputs" [ ! -e busy/summary.json ]
"$ITSIM" run "$EX" -o busy --force >/dev/null 2>&1
rc=$?
[ $rc -eq 2 ] &&
    [ "$(cat busy/notes.txt)" = precious ]
verdict "--force does not replace a directory itsim did not write (rc=$rc)"
rm -rf busy && "$ITSIM" run "$EX" -o busy >/dev/null 2>&1 && echo old >busy/notes.txt
"$ITSIM" run "$EX" -o busy --force >/dev/null 2>&1
rc=$?
check "--force replaces a directory itsim wrote (rc=$rc)" [ $rc -eq 0 ]
check "--force: old content gone" [ ! -e busy/notes.txt ]
check "--force: new content there" [ -s busy/timeseries.csv ]
check "--force: no temporary directories left" no_leftovers busy
cp out/timeseries.csv ref.csv
"$ITSIM" run "$EX" -o out --force --set lambda1=oops >/dev/null 2>&1
rc=$?
check "--force with bad input: exit 2 (rc=$rc)" [ $rc -eq 2 ]
check "--force with bad input keeps the old output" cmp -s ref.csv out/timeseries.csv
mkdir emptydir
"$ITSIM" run "$EX" -o emptydir >/dev/null 2>&1
rc=$?
if [ $rc -eq 0 ] && [ -s emptydir/summary.json ]; then pass "an existing empty directory is used (rc=$rc)"; else fail "an existing empty directory is used (rc=$rc)"; fi
: >afile
"$ITSIM" run "$EX" -o afile --force >/dev/null 2>&1
rc=$?
if [ $rc -eq 2 ] && [ -f afile ]; then pass "a file in the way is an error (rc=$rc)"; else fail "a file in the way is an error (rc=$rc)"; fi
"$ITSIM" run "$EX" -o missing/sub/out >/dev/null 2>&1
rc=$?
if [ $rc -eq 2 ] && [ ! -e missing ]; then pass "missing parent directory: exit 2, nothing created (rc=$rc)"; else fail "missing parent directory: exit 2, nothing created (rc=$rc)"; fi

# ---- solver failure: exit 1, the partial run is reported -----------------
printf 'model: kirschner1998\nsimulate: {until: 100 d, max_steps: 3}\n' >stiff.yaml
"$ITSIM" run stiff.yaml -o failed >/dev/null 2>failed.err
rc=$?
check "solver failure exits 1 (rc=$rc)" [ $rc -eq 1 ]
check "solver failure message" grep -q '^itsim: stiff.yaml: run failed: ' failed.err
check "solver failure recorded in summary.json" grep -q '"status": "ITS_ESOLVER"' failed/summary.json
check "solver failure summary.json is valid JSON" json_ok failed/summary.json

# ---- figures ---------------------------------------------------------------
rm -rf figs figs_nogp
"$ITSIM" run --regimen hd_il2 --until '60 d' -o figs >/dev/null 2>figs.err
rc=$?
check "figures: run exits 0 (rc=$rc)" [ $rc -eq 0 ]
for f in tumour immune cytokines toxicity; do
    check "figures: $f.gp written" [ -s figs/$f.gp ]
done
check "figures: scripts read columns by name" grep -q "'temperature'" figs/toxicity.gp
if command -v gnuplot >/dev/null 2>&1; then
    for f in tumour immune cytokines toxicity; do
        [ -s figs/$f.png ] && [ -s figs/$f.svg ]
        verdict "figures: $f.png and $f.svg rendered"
    done
    check "figures: PNG signature" sh -c "head -c 8 figs/tumour.png | od -An -c | grep -q 'P   N   G'"
    check "figures: the CLI says they were rendered" grep -q 'figures rendered with gnuplot' figs.err
    # users restyle and render again from the directory
    check "figures: scripts render again by hand" sh -c "cd figs && gnuplot toxicity.gp 2>/dev/null"
fi
# without gnuplot on PATH: scripts still written, and the CLI says how to render
PATH=/nonexistent "$ITSIM" run --regimen hd_il2 --until '30 d' -o figs_nogp >/dev/null 2>nogp.err
rc=$?
check "no gnuplot: run exits 0 (rc=$rc)" [ $rc -eq 0 ]
[ -s figs_nogp/tumour.gp ] && [ ! -e figs_nogp/tumour.png ]
verdict "no gnuplot: scripts written"
check "no gnuplot: the CLI says how to render" grep -q "gnuplot not found: .*cd figs_nogp && gnuplot \*.gp" nogp.err
"$ITSIM" run --regimen hd_il2 --until '30 d' --no-render -o figs_nr >/dev/null 2>nr.err
[ -s figs_nr/tumour.gp ] && [ ! -e figs_nr/tumour.png ]
verdict "--no-render: scripts only"
check "comparison figure script" [ -s cmp/comparison.gp ]
# many arms: every arm's figures and the comparison fit
{ printf 'model: tme\nsimulate: {until: 10 d}\narms:\n'
  for i in $(seq 1 17); do printf '  - {name: arm %d, id: a%d}\n' "$i" "$i"; done; } >many.yaml
"$ITSIM" run many.yaml --no-render -o many >/dev/null 2>many.err
rc=$?
[ $rc -eq 0 ] && [ "$(tail -n +2 many/comparison.csv | wc -l)" -eq 17 ] &&
    [ -s many/a17.tumour.gp ] && [ -s many/comparison.gp ]
verdict "17 arms written (rc=$rc)"

echo "$npass passed, $nfail failed"
[ "$nfail" -eq 0 ]
