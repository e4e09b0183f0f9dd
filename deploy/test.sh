#!/usr/bin/env bash
# Sociale Kaart — build everything and run every test on a throw-away cluster.
#
#   ./deploy/test.sh
#
# - installs missing Debian packages (like run.sh),
# - builds build/ (RelWithDebInfo) and build-asan/ (Debug, ASan+UBSan),
# - runs three lanes side by side, each with a private PostgreSQL cluster in a
#   mktemp -d data dir (stopped and removed at exit, also on failure), migrated:
#   first release (ctest in build/, then the replica topology of tests/cluster) alone, as
#   their suites measure time or load the machine; then side by
#   side sanitizers (upgrade, SQL, import, backup, ctest in build-asan/ with sanitizers fatal
#   and leaks on), valgrind (every integration suite with its
#   daemons under valgrind, then the fuzzers) and browser (tests/browser/run.sh,
#   the formatter check),
# - prints one closing line "N passed, M failed"; exit status 1 if anything failed.
#
# SK_TEST_SKIP_ASAN=1 skips the sanitizer tree for quick local runs (ignored
# when CI=true: CI always runs it).
#
# Exported for the tests: SK_DATA_DIR and SK_TEST_DATA_DIR (the lane's throw-away
# dir), SK_DATABASE_URL="" (binaries derive the socket path from SK_DATA_DIR),
# SK_TEST_PG_STOP / SK_TEST_PG_START (commands that stop/start that cluster),
# SK_TEST_PORT_RANGE (the lane's ports for the suites' daemons).
#
# Licensed under the EUPL
# shellcheck disable=SC2317 # functions below are trap handlers
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$SK_ROOT"

t_start=$(date +%s)
passed=0
failed=0
failures=()
tmp_data=""
tmp_logs=""
lane_pids=()

fail() { # fail WHAT: count one failure that is not a ctest test
    failed=$((failed + 1))
    failures+=("$1")
    sk_log "FAILED: $1"
}

finish() {
    local rc=$?
    trap - EXIT INT TERM
    set +e
    local pid
    for pid in "${lane_pids[@]}"; do # an interrupted run: the lanes and what they started
        pkill -TERM -P "$pid" 2>/dev/null
        kill "$pid" 2>/dev/null
    done
    if [ -n "$tmp_data" ]; then
        local d
        for d in "$tmp_data"/*/; do
            [ -d "$d/pg" ] || continue
            (SK_DATA_DIR="$d" && sk_data_dir_init && sk_pg_stop) || sk_log "WARNING: could not stop the cluster in $d"
        done
        rm -rf "$tmp_data"
    fi
    [ -n "$tmp_logs" ] && rm -rf "$tmp_logs"
    if [ "$rc" -ne 0 ] && [ "$failed" -eq 0 ]; then
        failures+=("test.sh aborted (exit $rc)")
        failed=1
    fi
    sk_log "total time $(($(date +%s) - t_start))s"
    if [ "${#failures[@]}" -gt 0 ]; then
        printf 'failures:\n' >&2
        printf '  - %s\n' "${failures[@]}" >&2
    fi
    printf '%d passed, %d failed\n' "$passed" "$failed"
    if [ "$failed" -gt 0 ]; then exit 1; fi
    exit 0
}
trap finish EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# run_ctest BUILD_DIR LABEL [VAR=VALUE...]: run ctest, add its totals.
run_ctest() {
    local dir="$1" label="$2" log rc=0 line f t
    shift 2
    log="$tmp_logs/ctest-$label.log"
    sk_log "ctest $dir ($label)"
    # --output-log instead of a pipe: a stray background process left by a test
    # cannot make us hang on an open pipe.
    env "$@" ctest --test-dir "$dir" --output-on-failure --timeout 600 \
        --output-log "$log" || rc=$?
    line="$(grep -E '^[0-9]+% tests passed, [0-9]+ tests? failed out of [0-9]+' "$log" | tail -n 1 || true)"
    if [ -n "$line" ]; then
        f="$(sed -E 's/.* ([0-9]+) tests? failed out of.*/\1/' <<<"$line")"
        t="$(sed -E 's/.*failed out of ([0-9]+).*/\1/' <<<"$line")"
        passed=$((passed + t - f))
        failed=$((failed + f))
        [ "$f" -gt 0 ] && failures+=("$label: $f of $t tests failed")
        if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then fail "$label: ctest exit status $rc"; fi
    elif [ "$rc" -ne 0 ]; then
        fail "$label: ctest exit status $rc, no summary"
    else
        # ctest found no test (an empty or broken build tree): that proves
        # nothing, so it counts as a failure, not as a pass
        fail "$label: ctest ran no test"
    fi
}

# run_suite LABEL LOG COMMAND...: run a suite script that ends with a line
# "[label: ]N passed, M failed"; add its totals. Without that line its exit
# status counts as one test.
run_suite() {
    local label="$1" log="$2" rc=0 line p f
    shift 2
    "$@" >"$log" 2>&1 || rc=$?
    cat "$log"
    line="$(grep -E '^([A-Za-z]+: )?[0-9]+ passed, [0-9]+ failed' "$log" | tail -n 1 || true)"
    if [ -n "$line" ]; then
        p="$(sed -E 's/^([A-Za-z]+: )?([0-9]+) passed.*/\2/' <<<"$line")"
        f="$(sed -E 's/.* ([0-9]+) failed.*/\1/' <<<"$line")"
        passed=$((passed + p))
        failed=$((failed + f))
        [ "$f" -gt 0 ] && failures+=("$label: $f failed")
        if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then fail "$label: exit status $rc"; fi
    elif [ "$rc" -eq 0 ]; then
        passed=$((passed + 1))
    else
        fail "$label: exit status $rc"
    fi
}

# ---------------------------------------------------------------------------
sk_install_deps

asan=1
if [ "${SK_TEST_SKIP_ASAN:-0}" = 1 ]; then
    if [ "${CI:-}" = true ]; then
        sk_log "SK_TEST_SKIP_ASAN ignored on CI"
    else
        asan=0
        sk_log "skipping the sanitizer build (SK_TEST_SKIP_ASAN=1)"
    fi
fi

build_ok=1
sk_build build RelWithDebInfo || {
    build_ok=0
    fail "build (RelWithDebInfo)"
}
asan_ok=0
if [ "$asan" -eq 1 ]; then
    if sk_build build-asan Debug -DSK_SANITIZE=ON; then
        asan_ok=1
    else
        fail "build-asan (Debug, SK_SANITIZE=ON)"
    fi
fi

# Throw-away data dir. Each lane below gets a cluster of its own in it.
tmp_logs="$(mktemp -d "${TMPDIR:-/tmp}/sk-test-logs.XXXXXX")"
tmp_data="$(mktemp -d "${TMPDIR:-/tmp}/sk-test.XXXXXX")"
export SK_DATABASE_URL=""
export SK_TEST_PG_STOP="$SK_ROOT/deploy/pg.sh stop"
export SK_TEST_PG_START="$SK_ROOT/deploy/pg.sh start"

# ---------------------------------------------------------------------------
# Lanes. The suites wait on sockets more than they compute, so lanes run side
# by side on the machine's cores, each against its own PostgreSQL cluster
# (a suite that stops its cluster, or fills it, cannot reach another lane):
#   release   ctest of build/ and tests/cluster, alone: they measure answer times, load the machine
# and then together:
#   sanitizers upgrade, SQL, import, backup and restore, then ctest of build-asan/
#   valgrind  every integration suite with its daemons under valgrind, the fuzzers
#   browser   the browser specs, the formatter check
# A lane runs in a subshell that writes its counts to $tmp_logs/lane-NAME.*;
# its output goes to $tmp_logs/lane-NAME.out and is printed when it ends.
# ---------------------------------------------------------------------------

# lane_begin NAME PORTS: in the lane's subshell, its own cluster $tmp_data/NAME, migrated.
lane_begin() {
    passed=0
    failed=0
    failures=()
    export SK_DATA_DIR="$tmp_data/$1"
    mkdir -p "$SK_DATA_DIR"
    sk_pg_prepare
    export SK_TEST_DATA_DIR="$SK_DATA_DIR"
    # the suites' daemons listen on ports of this lane's own range (it_free_port)
    export SK_TEST_PORT_RANGE="$2"
    sk_pg_start
    sk_log "lane $1: test cluster $(sk_pg_conninfo)"
    local cli=build/socialekaart
    [ "$build_ok" -eq 1 ] || cli=build-asan/socialekaart
    if ! "$cli" migrate; then
        fail "$1: socialekaart migrate"
        return 1
    fi
}

# lane_end NAME: hand the lane's counts to the parent.
lane_end() {
    printf '%d %d\n' "$passed" "$failed" >"$tmp_logs/lane-$1.counts"
    if [ "${#failures[@]}" -gt 0 ]; then printf '%s\n' "${failures[@]}" >"$tmp_logs/lane-$1.failures"; fi
}

# Alone, before the other lanes: its suites measure time (answers under load, delayed ACKs).
lane_release() {
    if [ "$build_ok" -eq 1 ]; then
        run_ctest build release
        # a primary, a streaming replica, two daemons and nginx under load: a daemon killed, the
        # replica paused and stopped, the replica promoted (its own two clusters); alone too, as
        # its load would slow the valgrind lane's daemons past their periods
        sk_log "replica topology"
        SK_CLUSTER_PORT=23990 run_suite cluster "$tmp_logs/cluster.log" tests/cluster/run.sh build
    fi
    sk_pg_stop # its cluster is not needed while the other lanes run
}

lane_sanitizers() {
    if [ "$build_ok" -eq 1 ]; then
        # an upgrade from the previous release gives the catalogue of a fresh database
        sk_log "upgrade test"
        run_suite upgrade "$tmp_logs/upgrade.log" tests/upgrade/run.sh build/socialekaart
        # sql/api's functions through psql, pg_regress style
        sk_log "SQL regression tests"
        run_suite sql "$tmp_logs/sql.log" sql/tests/run.sh
        # import and export through the CLI in two fresh databases, and the round trip
        sk_log "import round trip"
        run_suite import "$tmp_logs/import.log" tests/import/run.sh build
        # deploy/backup.sh while a writer writes, deploy/restore.sh into a new database, compared
        sk_log "backup and restore"
        run_suite backup "$tmp_logs/backup.log" tests/backup/run.sh build
    fi
    if [ "$asan_ok" -eq 1 ]; then
        sk_pg_start # a test may have stopped it (outage test)
        # memory is checked here, not speed (the release lane, alone, judges answer times):
        # fewer searches, no strict timing
        local asan_env=(SK_TEST_SKIP_WAITING=1 ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
            UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
            SK_DIFF_SEARCHES=60 SK_DIFF_STRICT_TIMING=0 SK_DIFF_CONVERGE_MS=10000 SK_TEST_STRICT_TIMING=0)
        if [ -f tests/lsan.supp ]; then
            asan_env+=("LSAN_OPTIONS=suppressions=$SK_ROOT/tests/lsan.supp:print_suppressions=0")
        fi
        ulimit -c 0 # abort_on_error must not litter core files
        run_ctest build-asan asan "${asan_env[@]}"
    fi
}

lane_valgrind() {
    if [ "$build_ok" -eq 1 ] && command -v valgrind >/dev/null 2>&1; then
        # The daemon's request path under valgrind: every integration suite
        # again, its daemons wrapped; any error or definite leak fails it.
        local it name vlog
        for it in build/tests/it_test_*; do
            name="$(basename "$it")"
            sk_pg_start # a suite may have stopped it (outage test)
            sk_log "valgrind: daemon request path ($name)"
            vlog="$tmp_logs/valgrind-$name.log"
            # SK_DIFF_SEARCHES: test_search_diff's index daemon does its searching in C,
            # many times slower under valgrind; 50 searches still make every change twice
            if SK_TEST_SKIP_WAITING=1 SK_DIFF_SEARCHES=50 SK_TEST_DAEMON_WRAPPER="valgrind -q --error-exitcode=9 --leak-check=full --errors-for-leak-kinds=definite --suppressions=$SK_ROOT/tests/valgrind.supp" \
                "$it" --jobs 1 >"$vlog" 2>&1; then
                passed=$((passed + 1))
                tail -n 1 "$vlog"
            else
                cat "$vlog"
                fail "valgrind: $name"
            fi
        done
    fi
    # The libFuzzer harnesses, briefly (tests/fuzz/run.sh runs them for as long as
    # asked): each target is one test; a finding fails it.
    if [ -x tests/fuzz/run.sh ]; then
        sk_log "fuzzing (${SK_TEST_FUZZ_SECONDS:-8} s per target)"
        run_suite fuzz "$tmp_logs/fuzz.log" tests/fuzz/run.sh "${SK_TEST_FUZZ_SECONDS:-8}"
    fi
}

lane_browser() {
    # tests/browser/run.sh prints its own "N passed, M failed" line, otherwise
    # its exit status counts as one test.
    if [ -x tests/browser/run.sh ]; then
        sk_log "browser tests"
        run_suite browser "$tmp_logs/browser.log" tests/browser/run.sh
    fi
    # The C style: every .c and .h as .clang-format has it.
    sk_log "formatter check (clang-format --dry-run --Werror)"
    if ! command -v clang-format >/dev/null 2>&1; then
        fail "clang-format is not installed"
    elif find server common tests -name node_modules -prune -o -name '*.[ch]' -print0 |
        xargs -0 clang-format --dry-run --Werror >"$tmp_logs/format.log" 2>&1; then
        passed=$((passed + 1))
    else
        head -n 40 "$tmp_logs/format.log"
        fail "clang-format: files differ from .clang-format (run: clang-format -i FILE)"
    fi
}

# run_lanes NAME:PORTS...: run the lanes side by side, wait for all, add up their counts.
run_lanes() {
    local spec lane i p f names=()
    lane_pids=()
    for spec in "$@"; do
        lane="${spec%%:*}"
        names+=("$lane")
        (
            trap - EXIT
            set +e
            if lane_begin "$lane" "${spec#*:}"; then "lane_$lane"; fi
            lane_end "$lane"
        ) >"$tmp_logs/lane-$lane.out" 2>&1 &
        lane_pids+=("$!")
        sk_log "lane $lane started (pid $!)"
    done
    for i in "${!names[@]}"; do
        lane="${names[$i]}"
        wait "${lane_pids[$i]}" || true
        sk_log "lane $lane ended; its output:"
        cat "$tmp_logs/lane-$lane.out"
        if [ -s "$tmp_logs/lane-$lane.counts" ]; then
            read -r p f <"$tmp_logs/lane-$lane.counts"
            passed=$((passed + p))
            failed=$((failed + f))
            if [ -s "$tmp_logs/lane-$lane.failures" ]; then mapfile -t -O "${#failures[@]}" failures <"$tmp_logs/lane-$lane.failures"; fi
        else
            fail "lane $lane: ended without its counts"
        fi
    done
    lane_pids=()
}

if [ "$build_ok" -eq 1 ] || [ "$asan_ok" -eq 1 ]; then
    run_lanes release:20000-23999
    run_lanes sanitizers:20000-23999 valgrind:24000-27999 browser:28000-31999
fi

exit 0 # the summary line is printed by finish()
