#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# itsim CLI tests: user files are safe. --force replaces only directories
# itsim wrote (the .itsim-output mark), never the working directory or one
# holding an input file; signals leave no partial output; stale temporary
# directories are cleaned; only regular files are read as scenarios.
# Usage: safety.sh ITSIM_BINARY SOURCE_DIR
NAME=safety
. "$(dirname "$0")/common.bash"
EX=$SRC/examples/hahnfeldt_tnp470_endostatin.yaml
cp "$EX" h.yaml
quick() { "$ITSIM" run h.yaml --no-render "$@" >/dev/null 2>err.txt; }

# ---- --force and the mark -------------------------------------------------
quick -o "$PWD" --force
rc=$?
check "-o \$PWD --force refused, exit 2 (rc=$rc)" [ $rc -eq 2 ]
check "-o \$PWD --force keeps the scenario" cmp -s h.yaml "$EX"
check "-o \$PWD --force: message names the working directory" grep -q 'it is the working directory' err.txt

mkdir holder && cp h.yaml holder/
"$ITSIM" run holder/h.yaml --no-render -o holder --force >/dev/null 2>err.txt
rc=$?
check "-o DIR --force with the scenario in DIR refused (rc=$rc)" [ $rc -eq 2 ]
check "... the scenario is kept" cmp -s holder/h.yaml "$EX"
check "... message names the input file" grep -q 'holds the input file holder/h.yaml' err.txt
# the same directory under another name: compared by inode, not by string
"$ITSIM" run holder/h.yaml --no-render -o ./holder/../holder/ --force >/dev/null 2>&1
rc=$?
[ $rc -eq 2 ] && [ -f holder/h.yaml ]
verdict "... also when DIR is spelled differently (rc=$rc)"

# a directory itsim wrote that holds the input: the resolved scenario
quick -o marked
"$ITSIM" run marked/scenario.resolved.yaml --no-render -o marked --force >/dev/null 2>err.txt
rc=$?
[ $rc -eq 2 ] &&
    [ -f marked/scenario.resolved.yaml ]
verdict "re-running a resolved scenario into its own directory refused (rc=$rc)"
# an arm file inside the output directory
quick -o armdir
printf 'model: tme\ntherapy:\n  - {agent: pembrolizumab, dose: 200 mg, duration: 30 min, start: 0 d}\n' >armdir/arm.yaml
printf 'model: tme\nsimulate: {until: 5 d}\narms:\n  - {name: a, file: armdir/arm.yaml}\n  - {name: b}\n' >cmp.yaml
"$ITSIM" run cmp.yaml --no-render -o armdir --force >/dev/null 2>err.txt
rc=$?
[ $rc -eq 2 ] && [ -f armdir/arm.yaml ]
verdict "-o DIR --force with an arm file in DIR refused (rc=$rc)"
check "... message names the arm file" grep -q 'holds the input file armdir/arm.yaml' err.txt

# the parent of the working directory (and so of the scenario)
mkdir -p up/work && cp h.yaml up/work/ && (cd up/work && "$ITSIM" run h.yaml --no-render -o ../../up --force >/dev/null 2>&1)
rc=$?
[ $rc -eq 2 ] && [ -f up/work/h.yaml ]
verdict "an ancestor of the working directory is refused (rc=$rc)"

mkdir unmarked && echo precious >unmarked/notes.txt
quick -o unmarked --force
rc=$?
check "unmarked non-empty directory refused with --force (rc=$rc)" [ $rc -eq 2 ]
check "... its files kept" [ "$(cat unmarked/notes.txt)" = precious ]
check "... message says itsim did not write it" grep -q 'itsim did not write it' err.txt
mkdir fakemark && echo precious >fakemark/notes.txt && echo 'not the mark' >fakemark/.itsim-output
quick -o fakemark --force
rc=$?
[ $rc -eq 2 ] && [ -f fakemark/notes.txt ]
verdict "a mark file with other text is no mark (rc=$rc)"
mkdir linkmark && echo precious >linkmark/notes.txt && ln -s ../marked/.itsim-output linkmark/.itsim-output
quick -o linkmark --force
rc=$?
[ $rc -eq 2 ] && [ -f linkmark/notes.txt ]
verdict "a symbolic link to a mark is no mark (rc=$rc)"

quick -o out
check "output directories carry the mark" [ -f out/.itsim-output ]
echo stale >out/extra.txt
quick -o out --force
rc=$?
[ $rc -eq 0 ] && [ ! -e out/extra.txt ] &&
    [ -s out/timeseries.csv ] && [ -f out/.itsim-output ]
verdict "a marked directory is replaced with --force (rc=$rc)"
check "... no temporary directories left" sh -c '! ls -d out.tmp.* out.old.* 2>/dev/null'

# ---- item 11: a file in the way ---------------------------------------------
: >afile
quick -o afile
rc=$?
[ $rc -eq 2 ] && [ -f afile ]
verdict "-o FILE: exit 2 (rc=$rc)"
check "-o FILE: says it is a file" grep -q '^itsim: afile: is a file, not a directory' err.txt
check "-o FILE: not 'not empty'" sh -c '! grep -q "not empty" err.txt'

# ---- only regular files are read -------------------------------------------
mkfifo fifo.yaml
timeout 20 "$ITSIM" run fifo.yaml >/dev/null 2>err.txt
rc=$?
check "a FIFO scenario is refused at once, exit 2 (rc=$rc)" [ $rc -eq 2 ]
check "... message names the file" grep -q '^itsim: fifo.yaml: not a regular file (a FIFO)' err.txt
timeout 20 "$ITSIM" run holder >/dev/null 2>err.txt
rc=$?
[ $rc -eq 2 ] && grep -q 'holder: not a regular file (a directory)' err.txt
verdict "a directory as scenario: exit 2 (rc=$rc)"
timeout 20 "$ITSIM" run /dev/null >/dev/null 2>err.txt
rc=$?
[ $rc -eq 2 ] && grep -q '/dev/null: not a regular file (a device)' err.txt
verdict "a device as scenario: exit 2 (rc=$rc)"
printf 'model: tme\nsimulate: {until: 5 d}\narms:\n  - {name: a, file: fifo.yaml}\n' >fifoarm.yaml
timeout 20 "$ITSIM" run fifoarm.yaml >/dev/null 2>err.txt
rc=$?
[ $rc -eq 2 ] &&
    grep -q 'arms\[0\].file: .*fifo.yaml: not a regular file (a FIFO)' err.txt
verdict "a FIFO arm file is refused, exit 2 (rc=$rc)"

# ---- signals: stop, remove the temporary directory, exit 128 + signal --------
# A stand-in gnuplot that takes its time makes the write phase long (25
# scripts, at most 2 at a time) and the test independent of gnuplot.
mkdir bin && printf '#!/bin/sh\nsleep 1\n' >bin/gnuplot && chmod +x bin/gnuplot
export OMP_NUM_THREADS=2
wait_tmp() { # wait until $1.tmp.* exists (the writer has started)
    local k
    for k in $(seq 1 1200); do
        ls -d "$1".tmp.* >/dev/null 2>&1 && return 0
        sleep 0.05
    done
    return 1
}
for s in TERM:143 HUP:129 INT:130; do
    sig=${s%:*} want=${s#*:}
    rm -rf res res.*
    # background jobs of a script start with SIGINT ignored: restore it
    PATH=$PWD/bin:$PATH env --default-signal=INT "$ITSIM" run --until '60 d' -o res >/dev/null 2>sig.err &
    pid=$!
    wait_tmp res
    started=$?
    sleep 0.3
    kill -"$sig" $pid
    { wait $pid; } 2>/dev/null
    rc=$?
    [ $started -eq 0 ] && [ $rc -eq "$want" ]
    verdict "SIG$sig while writing: exit $want (rc=$rc)"
    check "SIG$sig while writing: no res.tmp.* left, no res" sh -c '! ls -d res res.* 2>/dev/null'
    check "SIG$sig while writing: says so" grep -q "^itsim: stopped by SIG$sig; res not written" sig.err
done
# during the run itself nothing is on disk yet: the default action
"$ITSIM" run --until '720 d' -o res2 >/dev/null 2>&1 &
pid=$!
sleep 0.5
kill -TERM $pid
{ wait $pid; } 2>/dev/null
rc=$?
[ $rc -eq 143 ] &&
    sh -c '! ls -d res2 res2.* 2>/dev/null'
verdict "SIGTERM while running: exit 143, nothing left (rc=$rc)"

# kill -9 leaves a marked temporary directory: the next run removes it
rm -rf res res.*
PATH=$PWD/bin:$PATH "$ITSIM" run --until '60 d' -o res >/dev/null 2>&1 &
pid=$!
wait_tmp res
sleep 0.3
kill -KILL $pid
{ wait $pid; } 2>/dev/null
stale=$(ls -d res.tmp.* 2>/dev/null | head -n 1)
[ -n "$stale" ] && [ -f "$stale/.itsim-output" ]
verdict "kill -9 leaves a marked res.tmp.XXXXXX"
mkdir res.tmp.AbC123 && echo precious >res.tmp.AbC123/notes.txt   # not itsim's
holder=
if command -v flock >/dev/null 2>&1; then # one in use: its writer holds the lock
    mkdir res.tmp.Zz9Zz9 && cp "$stale/.itsim-output" res.tmp.Zz9Zz9/
    flock res.tmp.Zz9Zz9/.itsim-output sh -c 'echo $$ >holder.pid; exec sleep 60' >/dev/null 2>&1 &
    holder=$!
    for k in $(seq 1 100); do [ -s holder.pid ] && break; sleep 0.05; done
fi
"$ITSIM" run h.yaml --no-render -o res >/dev/null 2>&1
rc=$?
[ $rc -eq 0 ] && [ -s res/timeseries.csv ]
verdict "next run to res succeeds (rc=$rc)"
check "... and removes the stale marked temporary directory" [ ! -e "$stale" ]
check "... but not an unmarked lookalike" [ "$(cat res.tmp.AbC123/notes.txt)" = precious ]
if [ -n "$holder" ]; then
    check "... nor one whose writer still holds it" [ -f res.tmp.Zz9Zz9/.itsim-output ]
    kill "$(cat holder.pid)" 2>/dev/null
    wait $holder 2>/dev/null
fi

echo "$npass passed, $nfail failed"
[ "$nfail" -eq 0 ]
