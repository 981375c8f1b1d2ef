#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# itsim benchmark: the parameter sweeps of bench/README.md with itsim, scipy
# solve_ivp(LSODA) and R deSolve::lsoda, one tool at a time; checks that the
# final states agree and ends with the line
#   ratio_vs_scipy=X ratio_vs_desolve=Y
# Usage (from anywhere; `make bench` runs it after `make build`):
#   [BUILD=build] [RUNS=1000] [PYTHON=python3] [DESOLVE_C=1] bash bench/run.sh
# DESOLVE_C=0 skips the extra deSolve run with a compiled-C model.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
build=${BUILD:-build}
runs=${RUNS:-1000}
out=bench/out
sweep=$build/itsim_sweep

if [ ! -x "$sweep" ]; then
  if [ -f "$build/CMakeCache.txt" ]; then
    cmake --build "$build" --target itsim_sweep
  else
    echo "run.sh: $sweep not found: run 'make build' first (or set BUILD)" >&2
    exit 1
  fi
fi
# A python3 that has scipy (a pyenv shim may shadow the system one).
py=${PYTHON:-python3}
if ! "$py" -c 'import scipy' 2>/dev/null; then
  py=/usr/bin/python3
fi
"$py" -c 'import scipy' || { echo "run.sh: no python3 with scipy" >&2; exit 1; }
Rscript -e 'library(deSolve)' >/dev/null 2>&1 ||
  { echo "run.sh: R package deSolve is missing" >&2; exit 1; }

mkdir -p "$out"
rm -f "$out"/times.txt "$out"/*.csv
sundials=$(sed -n 's/^ITS_SUNDIALS_ROOT:PATH=//p' "$build/CMakeCache.txt" 2>/dev/null)
echo "bench: $runs runs per model; $(nproc) cores;" \
  "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
echo "bench: SUNDIALS ${sundials:-from the Debian package libsundials-dev, built -O0}"
for model in kirschner1998 depillis2009; do
  "$sweep" "$model" "$runs" "$out/${model}_itsim.csv" | tee -a "$out/times.txt"
  "$py" bench/sweep_scipy.py "$model" "$runs" "$out/${model}_scipy.csv" |
    tee -a "$out/times.txt"
  Rscript bench/sweep_desolve.R "$model" "$runs" "$out/${model}_desolve.csv" |
    tee -a "$out/times.txt"
  # Extra line, not in the ratios: deSolve with the model compiled in C.
  if [ "${DESOLVE_C:-1}" = 1 ]; then
    Rscript bench/sweep_desolve.R "$model" "$runs" \
      "$out/${model}_desolvec.csv" compiled | tee -a "$out/times.txt" ||
      echo "run.sh: deSolve compiled-C sweep skipped (R CMD SHLIB failed?)"
  fi
done
"$py" bench/compare.py "$out"
