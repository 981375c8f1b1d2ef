#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Source coverage of the fuzz corpora (docs/fuzzing.md): replays every file of
# FUZZ_BUILD/fuzz-out/TARGET/corpus once through the coverage build of the
# target (make fuzz-coverage builds it) and prints llvm-cov's report for the
# parser sources. Writes FUZZ_COV_BUILD/TARGET.report.txt.
# Usage: FUZZ_BUILD=build-fuzz FUZZ_COV_BUILD=build-fuzz-cov scripts/fuzz-coverage.sh [TARGET...]
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
abs() { case "$1" in /*) echo "$1" ;; *) echo "$root/$1" ;; esac; }
build=$(abs "${FUZZ_BUILD:-build-fuzz}")
cov=$(abs "${FUZZ_COV_BUILD:-build-fuzz-cov}")
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(scenario units)

for t in "${targets[@]}"; do
    corpus="$build/fuzz-out/$t/corpus"
    [ -d "$corpus" ] || { echo "fuzz-coverage.sh: no corpus $corpus (run make fuzz first)" >&2; exit 2; }
    exe="$cov/fuzz/fuzz_$t"
    mkdir -p "$cov/cwd-$t"
    # as in fuzz.sh: arms with `file:` resolve against the working directory
    cp "$root"/examples/regimens/*.yaml "$cov/cwd-$t/"
    rm -f "$cov/$t".*.profraw
    (cd "$cov/cwd-$t" && LLVM_PROFILE_FILE="$cov/$t.%p.profraw" \
        "$exe" -runs=0 -timeout=10 -rss_limit_mb=2048 "$corpus" >"$cov/$t.replay.log" 2>&1) || true
    llvm-profdata merge -sparse "$cov/$t".*.profraw -o "$cov/$t.profdata"
    case "$t" in
        scenario) srcs=("$root"/src/scenario/*.c "$root/src/io/yaml_adapter.c" "$root/src/io/load.c" "$root/src/core/units.c") ;;
        units) srcs=("$root/src/core/units.c") ;;
        *) srcs=("$root/src") ;;
    esac
    echo "== fuzz_$t: $(find "$corpus" -type f | wc -l) corpus files"
    llvm-cov report "$exe" -instr-profile="$cov/$t.profdata" "${srcs[@]}" | tee "$cov/$t.report.txt"
done
