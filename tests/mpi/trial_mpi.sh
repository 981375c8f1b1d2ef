#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# itsim trial under MPI (docs/trial.md, "Running on several machines
# (MPI)"): `mpirun -np 2 itsim trial` stores, bit for bit, the same
# outcome rows and drawn values as 1 thread and as 2 threads, for a paired
# and a randomised design; only rank 0 prints; a run stopped by SIGTERM
# to mpirun and resumed with 2 ranks equals the uninterrupted one; a
# directory of another trial, and a trial refusing every draw, end every
# rank with one message.
# Exit 77 (skipped) when mpirun is missing or itsim was built without MPI.
# Usage: trial_mpi.sh ITSIM TRIAL_ROWS SOURCE_DIR PATIENTS
NAME=trial_mpi
itsim=$1 rows=$2 src=$3 patients=${4:-12}
case $itsim in /*) ;; *) itsim=$PWD/$itsim ;; esac
case $rows in /*) ;; *) rows=$PWD/$rows ;; esac
case $src in /*) ;; *) src=$PWD/$src ;; esac
if ! command -v mpirun >/dev/null 2>&1; then
  echo "SKIP: mpirun not found (scripts/deps.sh build installs openmpi-bin)"
  exit 77
fi
if "$itsim" version | grep -q '^MPI not compiled'; then
  echo "SKIP: itsim was built without MPI"
  exit 77
fi
. "$src/tests/lib.bash"
cd "$T" || exit 1
# CI runs as root; Open MPI refuses that unless told
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
mpi=(mpirun -np 2 --oversubscribe --bind-to none)

# the small trial of tests/test_trial_run.c
trial() { # trial DESIGN FILE
  cat >"$2" <<YAML
model: tme
patient: {weight: 70 kg, height: 175 cm, bsa: mosteller}
clinical: {assess_every: 8 weeks, confirm_after: 28 d, stop_at_progression: true}
trial:
  name: mpi test
  seed: 11
  patients: $patients
  horizon: 180 d
  design: $1
  arms:
    - {name: untreated}
    - {name: anti-PD-1, regimen: pembrolizumab}
population:
  parameters:
    tmb: {dist: lognormal, median: 15, gsd: 2}
    lambda1: {dist: lognormal, median: 0.018 1/d, cv: 0.3}
YAML
}

run1() { # run1 FILE DIR THREADS: one process
  "$itsim" trial "$1" -o "$2" --threads "$3" --quiet --no-figures >"$2.out" 2>"$2.err"
}

same() { # same NAME FILE DIR_A DIR_B: equal stores, bit for bit
  if "$rows" "$2" "$3" >"$3.rows" && "$rows" "$2" "$4" >"$4.rows" &&
    [ -s "$3.rows" ] && cmp -s "$3.rows" "$4.rows"; then
    pass "$1 ($(grep -c '^row' "$3.rows") rows, $(grep -c '^value' "$3.rows") values)"
  else
    fail "$1: $(diff "$3.rows" "$4.rows" 2>&1 | head -n 4)"
  fi
}

elapsed() { awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f", b - a }'; }

for design in paired randomised; do
  f=$T/$design.yaml
  trial "$design" "$f"
  start=$(date +%s.%N)
  check "$design: 1 thread runs" run1 "$f" "$T/$design.t1" 1
  t1=$(elapsed "$start")
  check "$design: 2 threads run" run1 "$f" "$T/$design.t2" 2
  start=$(date +%s.%N)
  if "${mpi[@]}" "$itsim" trial "$f" -o "$T/$design.mpi" --threads 1 --quiet --no-figures \
    >"$T/$design.mpi.out" 2>"$T/$design.mpi.err"; then
    pass "$design: mpirun -np 2 runs"
  else
    fail "$design: mpirun -np 2: $(tail -n 5 "$T/$design.mpi.err")"
  fi
  same "$design: 2 threads = 1 thread" "$f" "$T/$design.t1" "$T/$design.t2"
  same "$design: 2 ranks = 1 thread" "$f" "$T/$design.t1" "$T/$design.mpi"
  check "$design: one table printed (rank 0 only)" \
    test "$(grep -c '^trial: ' "$T/$design.mpi.out")" = 1
  check "$design: summary.json written" test -s "$T/$design.mpi/summary.json"
  [ "$design" = paired ] && tmpi=$(elapsed "$start")
  echo "$design: 1 thread ${t1} s"
done

# stopped by SIGTERM to mpirun part way (once 6 patients are stored), then
# resumed with 2 ranks: a longer trial than above
f=$T/long.yaml
long=$((16 * patients))
sed "s/patients: $patients\$/patients: $long/" "$T/paired.yaml" >"$f"
run1 "$f" "$T/long.t1" 1 || fail "long trial: 1 thread"
"${mpi[@]}" "$itsim" trial "$f" -o "$T/stop" --threads 1 --batch 2 --quiet --no-figures \
  >"$T/stop.out" 2>"$T/stop.err" &
pid=$! # mpirun's own (no subshell between)
# stop once a few patients are stored (polled, so the stop falls mid-run
# however loaded the machine is), or after 60 s
start_s=$(date +%s)
while kill -0 "$pid" 2>/dev/null; do
  # read the store only once itsim has created it (reading opens it)
  got=0
  [ -s "$T/stop/trial.sqlite" ] && got=$("$rows" "$f" "$T/stop" --count 2>/dev/null || echo 0)
  [ "${got:-0}" -ge 6 ] && break
  [ $(($(date +%s) - start_s)) -ge 60 ] && break
  sleep 0.05
done
wait_s=$(($(date +%s) - start_s))
ranks=$(pgrep -P "$pid" | tr '\n' ' ')
kill -TERM "$pid" 2>/dev/null
wait "$pid"
rc=$?
for r in $ranks; do # no rank may outlive mpirun (it would still write)
  while kill -0 "$r" 2>/dev/null; do sleep 0.1; done
done
stored=$("$rows" "$f" "$T/stop" --count 2>/dev/null || echo 0)
echo "SIGTERM after $wait_s s: mpirun exit $rc, $stored of $long patients stored"
check "stopped: some patients stored, not all" test "$stored" -ge 1 -a "$stored" -lt "$long"
check "stopped: no summary.json" test ! -e "$T/stop/summary.json"
if "${mpi[@]}" "$itsim" trial "$f" -o "$T/stop" --threads 1 --quiet --no-figures --resume \
  >"$T/resume.out" 2>"$T/resume.err"; then
  pass "resume with mpirun -np 2 runs"
else
  fail "resume with mpirun -np 2: $(tail -n 5 "$T/resume.err")"
fi
same "resumed under MPI = uninterrupted 1 thread" "$f" "$T/long.t1" "$T/stop"

# every draw refused (acceptance 0): every rank ends, one message
sed 's/^population:/plausibility:\n  baseline: {ANC: [1000 1e9\/L, 2000 1e9\/L]}\n  max_draws: 3\npopulation:/' \
  "$T/paired.yaml" >"$T/none.yaml"
if timeout 120 "${mpi[@]}" "$itsim" trial "$T/none.yaml" \
  -o "$T/none" --threads 1 --quiet --no-figures >"$T/none.out" 2>"$T/none.err"; then
  fail "acceptance 0 under MPI: exit 0"
else
  check "acceptance 0 under MPI: every rank ends, one message ($(grep '^itsim: ' "$T/none.err" | head -c 100)...)" \
    test "$(grep -c '^itsim: .*acceptance 0' "$T/none.err")" = 1
fi

# another trial's directory: refused by rank 0, every rank ends, one message
if "${mpi[@]}" "$itsim" trial "$T/randomised.yaml" -o "$T/paired.t1" --threads 1 --quiet \
  --no-figures >"$T/other.out" 2>"$T/other.err"; then
  fail "another trial's directory accepted under MPI"
else
  check "another trial's directory refused under MPI, one message" \
    test "$(grep -c '^itsim: ' "$T/other.err")" = 1
fi
done_tests
