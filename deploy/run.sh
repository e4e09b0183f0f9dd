#!/usr/bin/env bash
# Sociale Kaart — install, build and run locally.
#
#   ./deploy/run.sh
#
# 1. installs missing Debian packages (apt-get; via sudo when not root),
# 2. builds build/ with CMake (RelWithDebInfo, incremental),
# 3. unless SK_DATABASE_URL is set: creates/starts the private PostgreSQL 15
#    cluster in $SK_DATA_DIR (default <repo>/var),
# 4. applies migrations, loads the demo data when the cluster is new,
# 5. runs build/socialekaartd in the foreground on http://localhost:$SK_PORT.
# Ctrl-C / SIGTERM stops the daemon and the private PostgreSQL; exit status 0.
#
# Environment: SK_DATA_DIR, SK_PORT (8080), SK_DATABASE_URL (external PostgreSQL),
#   SK_SEED_DEMO (auto|1|0; auto = only when the embedded cluster is new),
#   SK_SKIP_INSTALL=1 (do not check packages), SK_BUILD_TYPE (RelWithDebInfo).
#
# Licensed under the EUPL
# shellcheck disable=SC2317 # functions below are trap handlers
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

sk_data_dir_init # resolve a relative SK_DATA_DIR before leaving the caller's cwd
cd "$SK_ROOT"

export SK_PORT="${SK_PORT:-8080}"
export SK_DATABASE_URL="${SK_DATABASE_URL:-}"
export SK_CONFIG="${SK_CONFIG:-$SK_ROOT/deploy/socialekaart.conf}"

embedded=0
[ -z "$SK_DATABASE_URL" ] && embedded=1
daemon_pid=""
stopping=0

cleanup() {
    local rc=$?
    trap - EXIT INT TERM
    if [ -n "$daemon_pid" ] && kill -0 "$daemon_pid" 2>/dev/null; then
        kill -TERM "$daemon_pid" 2>/dev/null || true
        wait "$daemon_pid" 2>/dev/null || true
    fi
    if [ "$embedded" -eq 1 ]; then
        sk_pg_stop || rc=1
    fi
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

if [ "${SK_SKIP_INSTALL:-0}" != 1 ]; then
    sk_install_deps
fi

sk_build build "${SK_BUILD_TYPE:-RelWithDebInfo}"

seed=0
if [ "$embedded" -eq 1 ]; then
    sk_pg_prepare
    sk_pg_start
    [ -e "$SK_DATA_DIR/.seed-pending" ] && seed=1
else
    sk_log "using external PostgreSQL from SK_DATABASE_URL"
    for i in $(seq 1 30); do
        "$SK_PG_BIN/pg_isready" -q -d "$SK_DATABASE_URL" && break
        [ "$i" -eq 30 ] && sk_die "PostgreSQL at SK_DATABASE_URL is not reachable"
        sleep 1
    done
fi
case "${SK_SEED_DEMO:-auto}" in
    1 | yes | true) seed=1 ;;
    0 | no | false) seed=0 ;;
esac

sk_log "applying migrations"
build/socialekaart migrate
if [ "$seed" -eq 1 ]; then
    sk_log "loading demo data"
    build/socialekaart seed demo
    rm -f "$SK_DATA_DIR/.seed-pending"
fi

on_signal() {
    stopping=1
    sk_log "stopping socialekaartd"
    kill -TERM "$daemon_pid" 2>/dev/null || true
}
trap on_signal INT TERM

sk_log "starting socialekaartd on http://localhost:$SK_PORT (Ctrl-C to stop)"
build/socialekaartd &
daemon_pid=$!

# `wait` returns early when a trapped signal arrives: keep waiting until the
# daemon has really exited.
rc=0
while :; do
    if wait "$daemon_pid"; then rc=0; else rc=$?; fi
    kill -0 "$daemon_pid" 2>/dev/null || break
done
daemon_pid=""

if [ "$stopping" -eq 1 ]; then
    sk_log "socialekaartd stopped"
    exit 0 # cleanup (EXIT trap) stops PostgreSQL
fi
sk_log "socialekaartd exited with status $rc"
exit "$rc"
