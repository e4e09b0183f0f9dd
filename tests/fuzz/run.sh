#!/usr/bin/env bash
# Sociale Kaart — run the libFuzzer harnesses of tests/fuzz.
#
#   tests/fuzz/run.sh [SECONDS] [TARGET...]
#
# Builds build-fuzz/ with clang (-DSK_FUZZ=ON: common/ with ASan, UBSan and
# coverage, one executable per tests/fuzz/fuzz_*.c), then runs each target
# (all when none is named) for SECONDS (default 30), SK_FUZZ_JOBS at a time
# (default 2). Each starts from its seed corpus in tests/fuzz/corpus/<target>
# and keeps what it learns in build-fuzz/corpus/<target>, so a longer run
# later goes on from there. A crash, a sanitizer report, a leak or an input
# over 100 ms (the harnesses abort on it) is a finding: its input is kept in
# build-fuzz/findings/<target>/ and the run fails.
#
# Prints one closing line "fuzz: N passed, M failed". For the hours recorded
# in docs/security.md: tests/fuzz/run.sh 3600 (one hour per target).
#
# Licensed under the EUPL
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
seconds="${1:-30}"
[ $# -gt 0 ] && shift
jobs="${SK_FUZZ_JOBS:-2}"
# libFuzzer reads a non-number as 0, which means "forever": refuse it
[[ $seconds =~ ^[1-9][0-9]*$ ]] || { echo "usage: $0 [SECONDS] [TARGET...] (SECONDS a whole number, not '$seconds')" >&2; exit 2; }
[[ $jobs =~ ^[1-9][0-9]*$ ]] || { echo "fuzz: SK_FUZZ_JOBS must be a whole number, not '$jobs'" >&2; exit 2; }
build="$root/build-fuzz"

command -v clang >/dev/null || { echo "fuzz: clang is not installed (deploy/lib.sh installs it)" >&2; exit 1; }
mkdir -p "$build"
if [ ! -f "$build/CMakeCache.txt" ]; then
    CC=clang cmake -S "$root" -B "$build" -DSK_FUZZ=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
fi
cmake --build "$build" -j "$jobs" >/dev/null

targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
    for f in "$root"/tests/fuzz/fuzz_*.c; do targets+=("$(basename "$f" .c)"); done
fi

# fuzz_one TARGET: run it; exit status 0 when it found nothing.
fuzz_one() {
    local t="$1" work="$build/corpus/$1" found="$build/findings/$1" log="$build/$1.log"
    mkdir -p "$work" "$found"
    rm -f "$log"
    "$build/$t" "$work" "$root/tests/fuzz/corpus/$t" \
        -max_total_time="$seconds" -timeout=2 -rss_limit_mb=2048 -max_len=8192 \
        -artifact_prefix="$found/" -print_final_stats=1 >"$log" 2>&1
}

passed=0
failed=0
pids=()
names=()
for t in "${targets[@]}"; do
    [ -x "$build/$t" ] || { echo "fuzz: no target $t" >&2; failed=$((failed + 1)); continue; }
    fuzz_one "$t" &
    pids+=($!)
    names+=("$t")
    if [ ${#pids[@]} -ge "$jobs" ]; then
        if wait "${pids[0]}"; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "fuzz: ${names[0]} FOUND something:" >&2; tail -n 30 "$build/${names[0]}.log" >&2; fi
        pids=("${pids[@]:1}")
        names=("${names[@]:1}")
    fi
done
for i in "${!pids[@]}"; do
    if wait "${pids[$i]}"; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "fuzz: ${names[$i]} FOUND something:" >&2; tail -n 30 "$build/${names[$i]}.log" >&2; fi
done
for t in "${targets[@]}"; do
    [ -f "$build/$t.log" ] || continue
    runs="$(grep -Eo 'stat::number_of_executed_units: *[0-9]+' "$build/$t.log" | grep -Eo '[0-9]+$' || echo '?')"
    echo "fuzz: $t ran $runs inputs in ${seconds}s"
done
echo "fuzz: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
