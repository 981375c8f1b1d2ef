#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# itsim benchmark, issue 11: the virtual trial of bench/trials/six_arms.yaml
# (6 arms, paired, 1 year, rtol 1e-6) in one run, side by side with
#   a. `itsim trial` on 1 and on 2 threads (identical outcomes.csv required);
#   b. the same patients as separate `itsim run` processes (the first SUBSET
#      patients, every arm, one scenario file per patient and arm written
#      from the stored draw), one at a time and 2 at a time, their outcomes
#      checked against the trial's rows; the same files run in process
#      (bench/trial_cpu.c) for the CPU time per patient-year of each arm;
#   c. R deSolve integrating tme's compiled right-hand side
#      (bench/tme_desolve.c + bench/trial_desolve.R) over the untreated and
#      HD IL-2 patient-years of the same patients, final tumour burden
#      checked against itsim's.
# Ends with the line
#   patients_per_s_1t=.. patients_per_s_2t=.. efficiency_2t=.. hd_il2_3lesions_ms_per_year=.. ratio_processes=.. ratio_desolve=..
# Usage (from anywhere; `make bench-trial` runs it after `make build`):
#   [BUILD=build] [PATIENTS=1000] [SUBSET=50] [REPEATS=3] [METHOD=lsoda|bdf]
#   [PYTHON=python3] [NICE=10] bash bench/trial_bench.sh
# Outputs in bench/out/trial/ (times.txt, cpu.csv, desolve.csv, report.txt).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
build=${BUILD:-build}
patients=${PATIENTS:-1000}
subset=${SUBSET:-50}
repeats=${REPEATS:-3}
method=${METHOD:-lsoda}
nice_n=${NICE:-10}
out=bench/out/trial
itsim=$build/itsim
trial=bench/trials/six_arms.yaml
[ "$subset" -le "$patients" ] || subset=$patients

[ -x "$itsim" ] || { echo "trial_bench.sh: $itsim not found: run 'make build' first (or set BUILD)" >&2; exit 1; }
[ -f "$build/libitsim.so" ] || { echo "trial_bench.sh: $build/libitsim.so not found" >&2; exit 1; }
py=${PYTHON:-python3}   # the standard library only (sqlite3, csv, json)
Rscript -e 'library(deSolve)' >/dev/null 2>&1 ||
  { echo "trial_bench.sh: R package deSolve is missing" >&2; exit 1; }
helper() { "$py" bench/trial_patients.py "$@"; }
timed() { local label=$1; shift; helper time "$out/times.txt" "$label" -- nice -n "$nice_n" "$@"; }

rm -rf "$out"
mkdir -p "$out"
export OMP_NUM_THREADS=1   # `itsim run` and trial_cpu: one thread; the trial sets --threads
abs_build=$(cd "$build" && pwd)
cc -O2 -std=c11 -D_POSIX_C_SOURCE=200809L -Iinclude -I"$build/include" bench/trial_cpu.c \
  -o "$out/trial_cpu" -L"$build" -litsim -Wl,-rpath,"$abs_build"
cc -O2 -std=c11 -fPIC -shared -Iinclude -I"$build/include" bench/tme_desolve.c \
  -o "$out/tme_desolve.so" -L"$build" -litsim -Wl,-rpath,"$abs_build"

sundials=$(sed -n 's/^SUNDIALS_DIR:PATH=//p' "$build/CMakeCache.txt" 2>/dev/null || true)
{
  echo "trial bench: $(date -u '+%Y-%m-%d %H:%M UTC'); $(getconf _NPROCESSORS_ONLN) cores;" \
    "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
  echo "trial bench: SUNDIALS ${sundials:-see cmake/sundials.cmake}; nice -n $nice_n"
  echo "trial bench: load before: $(uptime)"
} | tee "$out/machine.txt"
printf 'patients=%s\nsubset=%s\narms=6\nmethod=%s\n' "$patients" "$subset" "$method" > "$out/meta.txt"

# a. the trial, 1 and 2 threads
for n in 1 2; do
  timed "trial_t$n" "$itsim" trial "$trial" -o "$out/trial_t$n" --threads "$n" \
    --patients "$patients" --no-figures --quiet > "$out/trial_t$n.txt"
done
if cmp -s "$out/trial_t1/outcomes.csv" "$out/trial_t2/outcomes.csv"; then
  echo "trial bench: outcomes.csv identical on 1 and 2 threads"
else
  echo "trial bench: outcomes.csv DIFFERS between 1 and 2 threads" >&2
  exit 1
fi

# b. the same patients as separate `itsim run` processes
helper scenarios "$out/trial_t1" "$out/scenarios" "$subset" > "$out/scenarios.txt"
echo "trial bench: $(wc -l < "$out/scenarios.txt") scenario files (first $subset patients x 6 arms)"
# each process: `itsim run FILE -o DIR --no-render` (all files written, figures
# as gnuplot scripts only), exactly as a user would run one patient
one_run='f=$2; b=$(basename "$f" .yaml); "$0" run "$f" -o "$1/$b" --no-render >/dev/null 2>&1 ||
  { echo "itsim run $f failed" >&2; exit 1; }'
for par in 1 2; do
  label=runs_seq; [ "$par" = 1 ] || label=runs_p2
  mkdir -p "$out/$label"
  timed "$label" xargs -P "$par" -n 1 sh -c "$one_run" "$itsim" "$out/$label" < "$out/scenarios.txt"
done
helper check "$out/trial_t1" "$out/runs_seq" "$subset" | tee "$out/check.txt"
cmp -s <(cd "$out/runs_seq" && cat */summary.json) <(cd "$out/runs_p2" && cat */summary.json) ||
  { echo "trial bench: the runs one at a time and 2 at a time differ" >&2; exit 1; }

# the same scenario files in process: CPU per arm and patient-year
xargs nice -n "$nice_n" "$out/trial_cpu" "$repeats" < "$out/scenarios.txt" > "$out/cpu.csv"

# c. R deSolve, compiled tme right-hand side, untreated and HD IL-2
helper desolve "$out/runs_seq" "$subset" untreated hd_il2 > "$out/desolve_cases.txt"
nice -n "$nice_n" Rscript bench/trial_desolve.R "$out/tme_desolve.so" "$out/desolve_cases.txt" \
  "$out/desolve.csv" "$method" | tee "$out/desolve.txt"
helper burden "$out/runs_seq" "$out/desolve.csv" | tee "$out/burden.txt"

echo "trial bench: load after: $(uptime)" | tee -a "$out/machine.txt"
helper report "$out" | tee "$out/report.txt"
