#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# itsim CLI tests: the figures. No input text reaches gnuplot as code (a
# description, arm names, the scenario's file name); the toxicity figure
# zoomed on the treatment period and its grade lanes; a failed run marked in
# its figures; the comparison figure's draw order and RECIST marks; dose
# ticks clear of the axis; "1 figure" in the singular.
# Usage: figures.sh ITSIM_BINARY SOURCE_DIR
NAME=fig
. "$(dirname "$0")/common.bash"
have_gp=0
command -v gnuplot >/dev/null 2>&1 && have_gp=1
# a file named pwned* anywhere under $T means a command ran
no_pwned() { [ -z "$(find "$T" -name 'pwned*' -print)" ]; }
# every script of DIR rendered (when gnuplot is here)
all_rendered() {
    local f
    [ $have_gp -eq 0 ] && return 0
    for f in "$1"/*.gp; do
        [ -s "${f%.gp}.png" ] && [ -s "${f%.gp}.svg" ] || return 1
    done
}
# checks NAME 'SHELL CONDITION': pass when the condition (which may chain
# commands with && and call the functions here) holds
checks() { if eval "$2"; then pass "$1"; else fail "$1"; fi; }
# hostile WHAT DIR ARGS...: `itsim run ARGS -o DIR` exits 0, runs no
# command and renders every figure
hostile() {
    local what=$1 dir=$2 rc
    shift 2
    "$ITSIM" run "$@" -o "$dir" >/dev/null 2>"$dir.err"
    rc=$?
    check "$what: run exits 0 (rc=$rc)" [ $rc -eq 0 ]
    check "$what: no command ran" no_pwned
    check "$what: figures rendered" all_rendered "$dir"
}
# the value of `VAR = number` in a script
var_of() { sed -n "s/^\(.*; \)*$2 = \([-0-9.e+]*\).*/\2/p" "$1" | head -n 1; }

# ---- no command execution through figures (issue 9, item 1) -------------
# backquotes run a shell command anywhere in a gnuplot line except inside
# single quotes; system() and @macros are tried too, and ways out of a
# single-quoted string (a quote, a trailing backslash, a newline).
cat >desc.yaml <<EOF
model: tme
description: "x \`id > $T/pwned_desc\` y \`touch pwned_rel\` ' . system('touch pwned_sq') . ' @x \\\\"
simulate: {until: 10 d}
EOF
hostile "hostile description" d1 desc.yaml
check "hostile description: shown as text (single-quoted, quote doubled)" \
    grep -qF "title 'x \`id > $T/pwned_desc\` y \`touch pwned_rel\` '' . system(''touch pwned_sq'') . '' @x \\ (model tme)'" d1/tumour.gp

cat >arms.yaml <<EOF
model: tme
simulate: {until: 10 d}
arms:
  - {name: "a \`touch $T/pwned_arm\`", id: a1}
  - {name: "b system(\"touch $T/pwned_sys\") \`touch pwned_arm_rel\`", id: "\`touch pwned_id\`"}
  - {name: "c @x it's \\\\", id: "-e system('touch pwned_opt')"}
EOF
hostile "hostile arm names and ids" a1 arms.yaml
check "hostile arm names: labels are single-quoted text" \
    grep -qF "label1 = 'a \`touch $T/pwned_arm\`'" a1/comparison.gp
check "hostile arm names: quote doubled, trailing backslash kept" \
    grep -qF "label3 = 'c @x it''s \\'" a1/comparison.gp
# a name is one line: a control character is refused where it is written
printf 'model: tme\narms:\n  - {name: "a\\nb `touch pwned_nl`"}\n' >nl.yaml
"$ITSIM" run nl.yaml -o nl >/dev/null 2>nl.err
rc=$?
check "arm name with a newline: exit 2 (rc=$rc)" [ $rc -eq 2 ]
check "arm name with a newline: FILE:LINE:COL and key" \
    grep -q '^itsim: nl.yaml:3:[0-9]*: arms\[0\].name: one line of text' nl.err
checks "arm name with a newline: nothing written, no command ran" '[ ! -e nl ] && no_pwned'
check "arm ids are file-name prefixes of safe characters" \
    sh -c 'ls a1 | grep -v "^[A-Za-z0-9._-]*$" | grep -q . && exit 1 || exit 0'

mkdir sub
printf 'model: tme\nsimulate: {until: 10 d}\n' >'sub/sc`touch pwned_file`.yaml'
cd sub || exit 1
hostile "scenario file named sc\`touch x\`.yaml" ../f1 'sc`touch pwned_file`.yaml'
cd .. || exit 1
check "scenario file name shown as text" grep -qF "'sc\`touch pwned_file\`.yaml (model tme)'" f1/tumour.gp
# no script line holds a backquote outside a single-quoted string
check "no backquote outside single quotes in any script" \
    sh -c "cat d1/*.gp a1/*.gp f1/*.gp | sed \"s/'[^']*'//g\" | grep -v '^#' | grep -q '\`' && exit 1 || exit 0"

# ---- toxicity: the treatment period and grade lanes (item 15) ------------
"$ITSIM" run --regimen hd_il2 --until '60 d' -o z >/dev/null 2>z.err
rc=$?
check "hd_il2 60 d: exits 0 (rc=$rc)" [ $rc -eq 0 ]
check "treatment-period figure written" [ -s z/toxicity_treatment.gp ]
tz=$(var_of z/toxicity_treatment.gp t_end)
ta=$(var_of z/toxicity_treatment.gp t_start)
tf=$(var_of z/toxicity.gp t_end)
# HD IL-2: two 5-day cycles q8h, the last dose on day 17.7; grade 1 fatigue
# until about day 20; the window ends a margin (>= 2 % of the run) after
# that, and shorter than half the run (else no zoom)
check "treatment period: t_start 0, t_end in (20, 30) d (got $ta, $tz)" \
    awk -v a="$ta" -v b="$tz" 'BEGIN { exit !(a == 0 && b > 20 && b < 30) }'
check "whole-run toxicity figure: t_end = 60 d (got $tf)" awk -v b="$tf" 'BEGIN { exit !(b == 60) }'
# tme grades 14 terms: 6 from version 1 and 8 organ terms (weight gain,
# creatinine, ALT, AST, bilirubin, platelets, nausea, vomiting)
check "grade lanes: one bar series per CTCAE term (14)" \
    [ "$(grep -c 'with boxxyerror' z/toxicity_treatment.gp)" -eq 14 ]
check "grade lanes: no term drawn as a line at grade 0" \
    sh -c "! grep -q 'column(.grade_[a-z_]*.) + ' z/toxicity.gp"
# tumour, immune, cytokines, clones (issue 12), toxicity, toxicity_treatment
check "figures rendered, 6 of them" grep -q '^itsim: 6 figures rendered' z.err
check "clones figure: lesion 1's load bins and escape share, no other lesion" \
    sh -c "grep -q 'escape_1 \\[1\\]' z/clones.gp && grep -q 'clone3_1 \\[1\\]' z/clones.gp && ! grep -q 'escape_2' z/clones.gp"
[ $have_gp -eq 1 ] && check "treatment-period figure rendered" [ -s z/toxicity_treatment.png ]
# doses over the whole course (pembrolizumab q3w): no zoom
"$ITSIM" run --regimen pembrolizumab --until '60 d' --no-render -o zp >/dev/null 2>&1
checks "no treatment-period figure when doses span the run" \
    '[ -s zp/toxicity.gp ] && [ ! -e zp/toxicity_treatment.gp ]'

# ---- dose ticks at day 0 clear of the axis (item 17) ---------------------
check "time axes start t_pad before t_start" grep -q 'set xrange \[t_start - t_pad:t_end\]' z/tumour.gp
check "t_pad > 0" grep -q '^t_pad = 0.012 \* (t_end - t_start)' z/tumour.gp

# ---- a failed run is marked where it stopped (item 13) -------------------
printf 'model: tme\nsimulate: {until: 30 d, max_steps: 5, history: false}\n' >fail.yaml
"$ITSIM" run fail.yaml -o fl >/dev/null 2>fl.err
rc=$?
check "solver failure: exit 1 (rc=$rc)" [ $rc -eq 1 ]
checks "solver failure: figures still written and rendered" '[ -s fl/tumour.gp ] && all_rendered fl'
check "solver failure: stop time in the script" grep -q '^t_stop = ' fl/tumour.gp
check "solver failure: line and label at the stop" grep -q 'run stopped: solver failure' fl/tumour.gp
check "solver failure: the axis runs to the planned end (30 d)" \
    awk -v b="$(var_of fl/tumour.gp t_end)" 'BEGIN { exit !(b == 30) }'
check "solver failure: said in the title" grep -q 'THE SOLVER FAILED' fl/toxicity.gp

# ---- comparison figure (item 16) ----------------------------------------
printf 'model: tme\nsimulate: {until: 120 d}\narms:\n  - {name: untreated}\n  - {name: GM-CSF, regimen: gmcsf}\n' >cmp.yaml
"$ITSIM" run cmp.yaml --no-render -o c1 >/dev/null 2>&1
g=c1/comparison.gp
check "comparison: no '+20 % of baseline' PD line" sh -c "! grep -q 'PD ref\|pd_pct' $g"
check "comparison: first PD ringed per arm (RECIST: from the nadir)" \
    grep -q 'first PD (RECIST 1.1: nadir +20 %' $g
first_a=$(grep -n 'asm1 using "t":"change_baseline_pct"' $g | cut -d: -f1)
last_a=$(grep -n 'asm2 using "t":"change_baseline_pct"' $g | cut -d: -f1)
checks "comparison: the first arm is drawn last (on top)" \
    '[ -n "$first_a" ] && [ -n "$last_a" ] && [ "$first_a" -gt "$last_a" ]'
checks "comparison: the first arm dashed and thinnest" \
    "grep -q '^lw1 = 1.50; dt1 = 2' $g && grep -q '^lw2 = 1.85; dt2 = 1' $g"

# ---- "1 figure rendered" (item 21) ---------------------------------------
"$ITSIM" run "$SRC/examples/hahnfeldt_tnp470_endostatin.yaml" -o h1 >/dev/null 2>h1.err
if [ $have_gp -eq 1 ]; then
    check "one figure: singular" grep -q '^itsim: 1 figure rendered with gnuplot' h1.err
fi
"$ITSIM" run "$SRC/examples/hahnfeldt_tnp470_endostatin.yaml" --no-render -o h2 >/dev/null 2>h2.err
check "one script: singular" grep -q '1 figure script written; render it with' h2.err

echo "$npass passed, $nfail failed"
[ "$nfail" -eq 0 ]
