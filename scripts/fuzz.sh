#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Runs the libFuzzer targets built by `make fuzz` (docs/fuzzing.md), all at
# once, each for FUZZ_SECONDS, under nice. Not part of CI or `make test`.
#
# Usage: FUZZ_BUILD=build-fuzz FUZZ_SECONDS=1800 scripts/fuzz.sh [TARGET...]
#   TARGET: scenario, units (default: both)
# Environment:
#   FUZZ_SECONDS  run time of each target (default 1800)
#   FUZZ_BUILD    the build directory holding fuzz_* (default build-fuzz)
#   FUZZ_FORK     1 (default): keep going after a crash, timeout or OOM
#                 (libFuzzer -fork=1 -ignore_*), collecting every finding;
#                 0: stop at the first one
#   FUZZ_ARGS     more libFuzzer options
#
# Per target, under FUZZ_BUILD/fuzz-out/TARGET/: corpus/ (seeded from
# examples/ and fuzz/seeds/, grown by the run), artifacts/ (crash-*, leak-*,
# timeout-*, oom-*: the findings), log.txt, and summary.txt (executions,
# exec/s, coverage). Exit status 1 when any target left an artifact.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
build=${FUZZ_BUILD:-build-fuzz}
case "$build" in /*) ;; *) build="$root/$build" ;; esac
seconds=${FUZZ_SECONDS:-1800}
fork=${FUZZ_FORK:-1}
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(scenario units)

pids=()
for t in "${targets[@]}"; do
    exe="$build/fuzz/fuzz_$t"
    [ -x "$exe" ] || { echo "fuzz.sh: $exe not built (make fuzz builds it)" >&2; exit 2; }
    out="$build/fuzz-out/$t"
    mkdir -p "$out/corpus" "$out/artifacts" "$out/cwd"
    # the working directory holds the regimen files, for arms with `file:`
    cp "$root"/examples/regimens/*.yaml "$out/cwd/"
    # seeds: copied (not linked) so the run never writes into the source tree
    cp "$root"/fuzz/seeds/"$t"/* "$out/corpus/"
    if [ "$t" = scenario ]; then
        for f in "$root"/examples/*.yaml "$root"/examples/*/*.yaml; do
            cp "$f" "$out/corpus/ex-$(basename "$(dirname "$f")")-$(basename "$f")"
        done
    fi
    opts=(-max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048
          -dict="$root/fuzz/$t.dict" -artifact_prefix="$out/artifacts/"
          -print_final_stats=1)
    if [ "$fork" = 1 ]; then
        opts+=(-fork=1 -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1)
    fi
    # Arms with `file:` resolve against the working directory.
    (cd "$out/cwd" && exec nice -n 10 "$exe" "${opts[@]}" ${FUZZ_ARGS:-} "$out/corpus" \
        >"$out/log.txt" 2>&1) &
    pids+=($!)
    echo "fuzz.sh: fuzz_$t running for ${seconds}s (log: $out/log.txt)"
done

for p in "${pids[@]}"; do
    wait "$p" || true
done

found=0
for t in "${targets[@]}"; do
    out="$build/fuzz-out/$t"
    log="$out/log.txt"
    # last status line: "#EXECS ... cov: C ft: F corp: N/SIZE ... exec/s: R"
    # (fork mode: "#EXECS: cov: C ft: F corp: N exec/s: R oom/timeout/crash: ...")
    last=$(grep -E '^#[0-9]+' "$log" | tail -n 1 || true)
    execs=$(grep -oE 'stat::number_of_executed_units: [0-9]+' "$log" | awk '{print $2}' | tail -n 1 || true)
    [ -n "$execs" ] || execs=$(printf '%s\n' "$last" | sed -E 's/^#([0-9]+).*/\1/')
    arts=$(find "$out/artifacts" -type f | wc -l)
    {
        echo "target: fuzz_$t"
        echo "seconds: $seconds"
        echo "executions: $execs"
        echo "exec/s: $(awk -v e="$execs" -v s="$seconds" 'BEGIN { if (s > 0) printf "%.0f", e / s }')"
        echo "last status: $last"
        echo "corpus files: $(find "$out/corpus" -type f | wc -l)"
        echo "artifacts: $arts"
        find "$out/artifacts" -type f -printf '  %f\n'
    } >"$out/summary.txt"
    cat "$out/summary.txt"
    [ "$arts" -eq 0 ] || found=1
done
exit "$found"
