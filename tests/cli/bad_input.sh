#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# itsim CLI tests: every kind of bad input gives exit status 2, one
# "itsim: FILE:LINE:COL: KEY: message" line on stderr and no output directory.
# Usage: bad_input.sh ITSIM_BINARY SOURCE_DIR
NAME=bad
. "$(dirname "$0")/common.bash"

# expect_bad NAME REGEX [itsim run arguments...]: exit 2, stderr matches
# REGEX (grep -E), first line starts with "itsim: ", no out* left behind.
expect_bad() {
    local name=$1 pat=$2 rc
    shift 2
    rm -rf out out.*
    "$ITSIM" run "$@" -o out >stdout.txt 2>stderr.txt
    rc=$?
    if [ "$rc" -ne 2 ]; then
        fail "$name: exit status $rc, want 2 ($(head -c 300 stderr.txt))"
    elif ! head -n 1 stderr.txt | grep -q '^itsim: '; then
        fail "$name: stderr does not start with 'itsim: ' ($(head -c 300 stderr.txt))"
    elif ! grep -Eq -- "$pat" stderr.txt; then
        fail "$name: stderr '$(head -n 1 stderr.txt)' does not match '$pat'"
    elif ls -d out out.* >/dev/null 2>&1; then
        fail "$name: an output directory was left behind"
    else
        pass "$name: $(head -n 1 stderr.txt)"
    fi
}

good='model: hahnfeldt1999
initial: {V: 170 mm3, K: 625 mm3}
therapy:
  - {input: tnp470, dose: 30 mg/kg, start: 0 d, every: 2 d, until: 30 d}
simulate: {until: 60 d, output_every: 1 d}'

# variant FILE TEXT: write a scenario file
variant() { printf '%s\n' "$2" >"$1"; }

# sanity: the good scenario runs and writes its output
variant good.yaml "$good"
if "$ITSIM" run good.yaml -o out >/dev/null 2>&1 && [ -f out/summary.json ]; then
    pass "good scenario runs"
else
    fail "good scenario runs"
fi
rm -rf out

: >empty.yaml
expect_bad "empty file" '^itsim: empty\.yaml:1:1: scenario: .*empty' empty.yaml

printf 'model: hahn\000feldt1999\n' >nul.yaml
expect_bad "NUL byte" '^itsim: nul\.yaml:1:12: scenario: .*UTF-8' nul.yaml

printf 'model: \377\376hahnfeldt1999\n' >latin.yaml
expect_bad "invalid UTF-8" '^itsim: latin\.yaml:1:[0-9]+: scenario: .*UTF-8' latin.yaml

head -c 2048 "$ITSIM" >binary.yaml
expect_bad "binary file" '^itsim: binary\.yaml:[0-9]+:[0-9]+: scenario: ' binary.yaml

variant syntax.yaml 'model: hahnfeldt1999
initial: {V: 170 mm3, K: [625 mm3}
simulate: {until: 60 d}'
expect_bad "YAML syntax error" '^itsim: syntax\.yaml:[0-9]+:[0-9]+: scenario: YAML syntax error' syntax.yaml

variant tabs.yaml "$(printf 'model: hahnfeldt1999\nsimulate:\n\tuntil: 5 d')"
expect_bad "tab indentation" '^itsim: tabs\.yaml:3:1: scenario: YAML syntax error' tabs.yaml

variant model.yaml "${good/hahnfeldt1999/hahnfeldt2099}"
expect_bad "unknown model" "^itsim: model\.yaml:1:8: model: unknown model 'hahnfeldt2099'" model.yaml

variant param.yaml "$good
parameters: {lambda9: 0.2}"
expect_bad "unknown parameter" "^itsim: param\.yaml:6:14: parameters\.lambda9: unknown parameter 'lambda9'" param.yaml

variant state.yaml "${good/V: 170/W: 170}"
expect_bad "unknown state" "^itsim: state\.yaml:2:11: initial\.W: unknown state 'W'" state.yaml

variant input.yaml "${good/tnp470/tnp471}"
expect_bad "unknown input" "^itsim: input\.yaml:4:13: therapy\[0\]\.input: unknown input 'tnp471'" input.yaml

variant key.yaml "$good
colour: blue"
expect_bad "unknown top-level key" '^itsim: key\.yaml:6:1: colour: unknown key' key.yaml

variant key2.yaml "${good/every:/evry:}"
expect_bad "unknown therapy key" '^itsim: key2\.yaml:4:49: therapy\[0\]\.evry: unknown key' key2.yaml

variant key3.yaml "${good/output_every/output_evry}"
expect_bad "unknown simulate key" '^itsim: key3\.yaml:5:25: simulate\.output_evry: unknown key' key3.yaml

variant nodose.yaml "${good/dose: 30 mg\/kg, /}"
expect_bad "missing dose" "^itsim: nodose\.yaml:4:5: therapy\[0\]: needs either 'dose'" nodose.yaml

variant negdose.yaml "${good/dose: 30/dose: -30}"
expect_bad "negative dose" '^itsim: negdose\.yaml:4:27: therapy\[0\]\.dose: .*negative' negdose.yaml

variant unit.yaml "${good/30 mg\/kg/30 mgg\/kg}"
expect_bad "unknown unit" "^itsim: unit\.yaml:4:27: therapy\[0\]\.dose: unknown unit 'mgg'" unit.yaml

variant mismatch.yaml "${good/30 mg\/kg/30 d}"
expect_bad "mismatched unit (time as dose)" '^itsim: mismatch\.yaml:4:27: therapy\[0\]\.dose: ' mismatch.yaml

variant mismatch2.yaml "${good/every: 2 d/every: 2 mm3}"
expect_bad "mismatched unit (volume as interval)" '^itsim: mismatch2\.yaml:4:56: therapy\[0\]\.every: ' mismatch2.yaml

variant nan.yaml "${good/V: 170 mm3/V: .nan}"
expect_bad "NaN (.nan)" '^itsim: nan\.yaml:2:14: initial\.V: ' nan.yaml

variant nan2.yaml "${good/V: 170 mm3/V: NaN mm3}"
expect_bad "NaN (NaN mm3)" '^itsim: nan2\.yaml:2:14: initial\.V: ' nan2.yaml

variant inf.yaml "${good/V: 170 mm3/V: .inf}"
expect_bad "infinity (.inf)" '^itsim: inf\.yaml:2:14: initial\.V: ' inf.yaml

variant inf2.yaml "${good/30 mg\/kg/inf mg\/kg}"
expect_bad "infinity (inf mg/kg)" '^itsim: inf2\.yaml:4:27: therapy\[0\]\.dose: ' inf2.yaml

variant overflow.yaml "${good/30 mg\/kg/1e999 mg\/kg}"
expect_bad "overflow (1e999)" '^itsim: overflow\.yaml:4:27: therapy\[0\]\.dose: ' overflow.yaml

variant order.yaml "${good/until: 60 d,/start: 90 d, until: 60 d,}"
expect_bad "end time before start" '^itsim: order\.yaml:5:32: simulate\.until: the end time 60 d is not after the start time 90 d' order.yaml

late='  - {input: endostatin, dose: 20 mg/kg, start: 61 d}
simulate:'
variant late.yaml "${good/simulate:/$late}"
expect_bad "dose after the end" '^itsim: late\.yaml:5:48: therapy\[1\]\.start: administration at 61 d is after the end' late.yaml

variant early.yaml "${good/until: 60 d,/start: 5 d, until: 60 d,}"
expect_bad "dose before the start" '^itsim: early\.yaml:4:44: therapy\[0\]\.start: administration at 0 d is before' early.yaml

variant dup.yaml "$good
model: kirschner1998"
expect_bad "duplicate key" '^itsim: dup\.yaml:6:1: model: duplicate key' dup.yaml

variant notmap.yaml '- model: hahnfeldt1999'
expect_bad "not a mapping" '^itsim: notmap\.yaml:1:1: scenario: expected a mapping' notmap.yaml

variant nountil.yaml 'model: hahnfeldt1999'
expect_bad "missing end time" '^itsim: nountil\.yaml: simulate\.until: missing' nountil.yaml

expect_bad "nonexistent file" '^itsim: does-not-exist\.yaml: cannot open: ' does-not-exist.yaml
mkdir adir
expect_bad "directory as scenario" '^itsim: adir: not a regular file \(a directory\)' adir

expect_bad "bad --set syntax" '^itsim: --set: expected NAME=VALUE' good.yaml --set lambda1
expect_bad "bad --set syntax (no value)" '^itsim: --set: expected NAME=VALUE' good.yaml --set lambda1=
expect_bad "--set of an unknown name" '^itsim: --set: lambda9: not a parameter or state' good.yaml --set lambda9=1
expect_bad "--set with a bad unit" "^itsim: --set: V: unknown unit 'mmm' in 'mmm3'" good.yaml --set 'V=5 mmm3'
expect_bad "--set NaN" '^itsim: --set: lambda1: ' good.yaml --set lambda1=nan
expect_bad "--until with a wrong unit" '^itsim: --until: ' good.yaml --until '5 mg'
expect_bad "--until before the start" '^itsim: --until: the end time -1 d' good.yaml --until -1
expect_bad "--model unknown" "^itsim: --model: unknown model 'nope'" good.yaml --model nope
expect_bad "--model without the file's names" '^itsim: good\.yaml:2:11: initial\.V: unknown state' good.yaml --model kirschner1998

# Agents in clinical units (tme).
default_patient='patient: {weight: 70 kg, height: 175 cm}'
agent_scn() { # agent_scn FILE THERAPY_ITEM [PATIENT]
    variant "$1" "model: tme
${3:-$default_patient}
therapy:
  - $2
simulate: {until: 10 d}"
}
agent_scn agent_ok.yaml '{agent: aldesleukin, dose: 600000 IU/kg, duration: 15 min, every: 8 h, count: 3}'
if "$ITSIM" run agent_ok.yaml >out.txt 2>&1 && grep -q 'il2: 3 infusions' out.txt; then
    pass "agent dose in IU/kg runs as 3 infusions"
else
    fail "agent dose in IU/kg runs as 3 infusions"
fi
# 600,000 IU/kg x 70 kg = 42 MIU = 2.561 mg = 167,384 pmol (16.4e6 IU/mg,
# 15,300 g/mol), infused over 15 min: 1.60689e7 pmol/d (5 digits).
rm -rf agent_out
"$ITSIM" run agent_ok.yaml -o agent_out >/dev/null 2>&1
if command -v python3 >/dev/null 2>&1 &&
    python3 -c 'import json,sys
d = json.load(open(sys.argv[1]))["doses"][0]
sys.exit(0 if abs(d["rate"] / 1.60689e7 - 1) < 1e-5 and abs(d["duration"] * 1440 - 15) < 1e-9 else 1)' agent_out/summary.json; then
    pass "42 MIU over 15 min is 1.60689e7 pmol/d into the IL-2 input"
else
    fail "42 MIU over 15 min is 1.60689e7 pmol/d into the IL-2 input"
fi
# Calendars: weekdays (Mon,Wed,Fri for 2 weeks) and cycles (3 daily doses,
# cycle 7 d, 2 cycles) expand to exactly these days.
variant cal.yaml 'model: tme
therapy:
  - {agent: interferon_alfa_2b, route: sc, dose: 3 MIU, days: "Mon,Wed,Fri", weeks: 2}
  - {agent: sargramostim, route: sc, dose: 250 ug/m2, every: 1 d, count: 3, cycle: 7 d, cycles: 2}
simulate: {until: 20 d}'
rm -rf cal_out
"$ITSIM" run cal.yaml -o cal_out >/dev/null 2>&1
if command -v python3 >/dev/null 2>&1 &&
    python3 -c 'import json,sys
d = [(x["input"], x["time"]) for x in json.load(open(sys.argv[1]))["doses"]]
want = [("ifna_sc", t) for t in (0, 2, 4, 7, 9, 11)] + [("gmcsf_sc", t) for t in (0, 1, 2, 7, 8, 9)]
sys.exit(0 if d == want else 1)' cal_out/summary.json; then
    pass "weekday and cycle schedules expand to the expected days"
else
    fail "weekday and cycle schedules expand to the expected days"
fi
agent_scn c1.yaml '{agent: interferon_alfa_2b, dose: 3 MIU, days: "Mon,Funday"}'
expect_bad "bad weekday" '^itsim: c1\.yaml:4:[0-9]+: therapy\[0\]\.days: expected increasing weekdays' c1.yaml
agent_scn c2.yaml '{agent: interferon_alfa_2b, dose: 3 MIU, every: 1 d, count: 2, cycle: 7 d}'
expect_bad "cycle without cycles" '^itsim: c2\.yaml:4:[0-9]+: therapy\[0\]\.cycle: a repeated cycle needs both' c2.yaml
# The label's HD IL-2 hold rule, driven by the tme leak state: of 14
# planned doses "generally 8-12" are given in the first cycle (Schwartzentruber
# 2001, J Immunother 24:287).
variant rules.yaml 'model: tme
therapy:
  - {agent: aldesleukin, dose: 600000 IU/kg, duration: 15 min, every: 8 h, count: 14}
rules:
  - {hold_if: perm > 1.5, applies_to: il2}
simulate: {until: 10 d}'
rm -rf rules_out
"$ITSIM" run rules.yaml -o rules_out >out.txt 2>&1
if command -v python3 >/dev/null 2>&1 &&
    python3 -c 'import json,sys
d = json.load(open(sys.argv[1]))["doses"]
given = sum(1 for x in d if x["given"] == 1)
held = [x for x in d if x["given"] == 0]
sys.exit(0 if len(d) == 14 and 8 <= given <= 12 and all(x["rule"] == "perm > 1.5" for x in held) else 1)' rules_out/summary.json &&
    grep -q 'held by rules: ' out.txt; then
    pass "HD IL-2 hold rule: 8-12 of 14 doses given, held doses name their rule"
else
    fail "HD IL-2 hold rule: 8-12 of 14 doses given, held doses name their rule"
fi
variant r1.yaml 'model: tme
therapy:
  - {agent: aldesleukin, dose: 1 MIU}
rules:
  - {hold_if: leek > 1.5}
simulate: {until: 1 d}'
expect_bad "rule on an unknown state" "^itsim: r1\.yaml:5:[0-9]+: rules\[0\]\.hold_if: unknown state or observable 'leek'" r1.yaml
variant g1.yaml 'model: tme
therapy:
  - {agent: aldesleukin, dose: 1 MIU}
rules:
  - {hold_if: grade.dizziness >= 2}
simulate: {until: 1 d}'
expect_bad "rule on an unknown CTCAE term" "^itsim: g1\.yaml:5:[0-9]+: rules\[0\]\.hold_if: unknown CTCAE term 'dizziness'" g1.yaml
variant g2.yaml 'model: hahnfeldt1999
therapy:
  - {input: tnp470, dose: 30 mg/kg}
rules:
  - {hold_if: grade.hypotension > 1}
simulate: {until: 1 d}'
expect_bad "rule on a grade the model cannot give" "^itsim: g2\.yaml:5:[0-9]+: rules\[0\]\.hold_if: model hahnfeldt1999 has no observable to grade hypotension" g2.yaml
# Arms.
variant self.yaml 'model: tme
simulate: {until: 10 d}
arms:
  - {name: me again, file: self.yaml}'
expect_bad "an arm file with arms (self reference)" '^itsim: self\.yaml:4:[0-9]+: arms\[0\]\.file: self\.yaml:3:1: arms: the scenario of an arm cannot have arms itself' self.yaml
variant armbad.yaml 'model: tme
therapy:
  - {agent: aldesleukin, dose: 600000 IU/kg, every: 8 h, count: 3, colour: red}'
variant cmpbad.yaml 'model: tme
simulate: {until: 10 d}
arms:
  - {name: bad arm, file: armbad.yaml}'
expect_bad "an error in an arm file names that file" '^itsim: cmpbad\.yaml:4:[0-9]+: arms\[0\]\.file: armbad\.yaml:3:[0-9]+: therapy\[0\]\.colour: unknown key' cmpbad.yaml
variant armpar.yaml 'model: tme
parameters: {SBP0: 50 mmHg}
therapy:
  - {agent: aldesleukin, dose: 600000 IU/kg, every: 8 h, count: 3}'
variant cmppar.yaml 'model: tme
simulate: {until: 10 d}
arms:
  - {name: par arm, file: armpar.yaml}'
expect_bad "an arm file with parameters" '^itsim: cmppar\.yaml:4:[0-9]+: arms\[0\]\.file: the scenario of an arm may only bring therapy and rules' cmppar.yaml
variant armdose.yaml 'model: tme
therapy:
  - {agent: aldesleukin, dose: 3 L, every: 8 h, count: 3}'
variant cmpdose.yaml 'model: tme
patient: {weight: 70 kg, height: 175 cm}
simulate: {until: 10 d}
arms:
  - {name: dose arm, file: armdose.yaml}'
expect_bad "a bad dose in an arm file names that file" '^itsim: cmpdose\.yaml:5:[0-9]+: arms\[0\]\.file: armdose\.yaml:3:[0-9]+: therapy\[0\]\.dose: not an amount of drug' cmpdose.yaml
# Clinical read-out settings.
variant k1.yaml 'model: tme
clinical: {assess_every: 0 d}
simulate: {until: 10 d}'
expect_bad "assessment interval zero" '^itsim: k1\.yaml:2:[0-9]+: clinical\.assess_every: must be positive' k1.yaml
variant k2.yaml 'model: tme
clinical: {organs: "lung, liver"}
simulate: {until: 10 d}'
expect_bad "organs do not match the lesions" '^itsim: k2\.yaml:2:[0-9]+: clinical\.organs: 2 organ names for 3 lesions' k2.yaml
variant k2s.yaml 'model: tme
clinical: {organs: "lung, liver, spleeen"}
simulate: {until: 10 d}'
expect_bad "an organ that is no site of tme" "^itsim: k2s\\.yaml:2:[0-9]+: clinical\\.organs: lesion 3: 'spleeen' is not an organ site of model tme" k2s.yaml
variant k3.yaml 'model: tme
clinical: {anc_lln: 2 mmHg}
simulate: {until: 10 d}'
expect_bad "ANC limit in a wrong unit" '^itsim: k3\.yaml:2:[0-9]+: clinical\.anc_lln: ' k3.yaml
variant k4.yaml 'model: kirschner1998
clinical: {assess_every: 4 weeks}
simulate: {until: 10 d}'
expect_bad "clinical settings on a model without observables" '^itsim: k4\.yaml:2:[0-9]+: clinical: model kirschner1998 has no observables' k4.yaml
variant k5.yaml 'model: tme
clinical: {sd_min: 6 weeks, colour: red}
simulate: {until: 10 d}'
variant k6.yaml 'model: tme
clinical: {monitor_every: 1 s}
simulate: {until: 365 d}'
expect_bad "monitoring interval too small" '^itsim: k6\.yaml:2:27: clinical\.monitor_every: more than 5000000 monitoring times' k6.yaml
expect_bad "unknown clinical key" '^itsim: k5\.yaml:2:[0-9]+: clinical\.colour: unknown key' k5.yaml
variant r2.yaml 'model: tme
therapy:
  - {agent: aldesleukin, dose: 1 MIU}
rules:
  - {hold_if: perm = 1.5}
simulate: {until: 1 d}'
expect_bad "rule without a comparison" '^itsim: r2\.yaml:5:[0-9]+: rules\[0\]\.hold_if: expected' r2.yaml
# Nivolumab brings its own anti-PD-1 PK (Bajaj 2017) into tme.
agent_scn nivo.yaml '{agent: nivolumab, dose: 240 mg, duration: 30 min, every: 14 d, count: 2}'
rm -rf nivo_out
if "$ITSIM" run nivo.yaml -o nivo_out >/dev/null 2>&1 &&
    grep -q '^  CL_antipd1: 0.2256 L/d$' nivo_out/scenario.resolved.yaml &&
    grep -q '^  V2_antipd1: 2.78 L$' nivo_out/scenario.resolved.yaml; then
    pass "nivolumab sets its own PK in tme"
else
    fail "nivolumab sets its own PK in tme"
fi
agent_scn a1.yaml '{agent: nosuchdrug, dose: 1 mg}'
expect_bad "unknown agent" '^itsim: a1\.yaml:4:[0-9]+: therapy\[0\]\.agent: unknown agent' a1.yaml
agent_scn a2.yaml '{agent: aldesleukin, route: im, dose: 1 MIU}'
expect_bad "unknown route" '^itsim: a2\.yaml:4:[0-9]+: therapy\[0\]\.route: unknown route' a2.yaml
agent_scn a3.yaml '{agent: aldesleukin, input: il2, dose: 1 MIU}'
expect_bad "agent and input" '^itsim: a3\.yaml:4:[0-9]+: therapy\[0\]\.input: give either' a3.yaml
agent_scn a4.yaml '{agent: pembrolizumab, dose: 2 MIU}'
expect_bad "IU for an antibody" '^itsim: a4\.yaml:4:[0-9]+: therapy\[0\]\.dose: .*international units' a4.yaml
agent_scn a5.yaml '{agent: aldesleukin, dose: 1 MIU}' 'patient: {weight: 70 kg, bsa: harris}'
expect_bad "unknown BSA formula" '^itsim: a5\.yaml:2:[0-9]+: patient\.bsa: unknown body-surface-area formula' a5.yaml
agent_scn a6.yaml '{agent: dacarbazine, route: sc, dose: 1000 mg/m2}'
expect_bad "a route the model has no input for" '^itsim: a6\.yaml:4:[0-9]+: therapy\[0\]\.agent: model tme has no input for dacarbazine by route sc' a6.yaml

# Issue 9 item 10: a check on derived settings names what the user wrote.
variant h1.yaml 'model: tme
simulate: {until: 1e12 d}'
expect_bad "huge horizon names simulate.until, not default clinical settings" \
    '^itsim: h1\.yaml:2:19: simulate\.until: more than 5000000 monitoring times .*the default' h1.yaml
expect_bad "--until too long names --until, not output_every" \
    '^itsim: --until: an output every 1 d from 0 to 1e\+12 d would be more than' good.yaml --until 1e12
variant h3.yaml 'model: hahnfeldt1999
therapy:
  - {input: tnp470, dose: 30 mg/kg, start: 50 d}
simulate: {until: 60 d}'
expect_bad "--until before a dose names --until" \
    '^itsim: --until: administration at 50 d by therapy\[0\]\.start is after the end of the simulation \(40 d\)' h3.yaml --until 40
variant h2.yaml 'model: hahnfeldt1999
simulate: {until: 60 d, output_every: 1e-9 d}'
expect_bad "output_every too small names output_every" \
    '^itsim: h2\.yaml:2:39: simulate\.output_every: an output every 1e-09 d' h2.yaml
# Issue 9 item 9: an empty arms list is an error, not one untreated run.
variant arms0.yaml 'model: tme
simulate: {until: 10 d}
arms: []'
expect_bad "empty arms list" '^itsim: arms0\.yaml:3:7: arms: no arms given' arms0.yaml

# Issue 9 item 6: a dose per body mass (mg/kg) is not a plain ratio.
variant pct.yaml "${good/dose: 30 mg\/kg/dose: 30 %}"
expect_bad "percentage as a dose per body mass" \
    "^itsim: pct\\.yaml:4:27: therapy\\[0\\]\\.dose: cannot convert '%' \\(dimensionless\\) to 'mg/kg' \\(mass per mass\\)" pct.yaml

# Issue 9 item 7: weight, height and age are checked even when no dose uses them.
variant pt1.yaml "$good
patient: {weight: -70 kg}"
expect_bad "negative weight, no dose per kg" \
    "^itsim: pt1\\.yaml:6:19: patient\\.weight: '-70 kg' is outside the plausible human range" pt1.yaml
variant pt2.yaml "$good
patient: {weight: 70 mmHg, age: 60 y}"
expect_bad "weight in mmHg, no dose per kg" "^itsim: pt2\\.yaml:6:19: patient\\.weight: cannot convert 'mmHg'" pt2.yaml

echo "$npass passed, $nfail failed"
[ "$nfail" -eq 0 ]
