#!/usr/bin/env bash
# Sociale Kaart — shared deployment helpers.
#
# Sourced by deploy/run.sh, deploy/test.sh and deploy/pg.sh. It can also be
# executed directly with a sub-command (used by the Dockerfile and by humans):
#
#   deploy/lib.sh packages              print the full package list
#   deploy/lib.sh install-deps          install every missing package (build + run + test)
#   deploy/lib.sh install-build-deps    install only what is needed to compile
#   deploy/lib.sh build DIR [TYPE] [CMAKE-ARGS...]
#                                       configure + build with CMake (TYPE default RelWithDebInfo)
#
# Embedded PostgreSQL cluster layout (see the shared contract):
#   $SK_DATA_DIR/pg   PGDATA          $SK_DATA_DIR/run  unix socket directory
#   $SK_DATA_DIR/log  postgresql.log  port 5432, listen_addresses = '' (no TCP)
# As root the cluster runs as the system user `socialekaart`; otherwise as the
# invoking user.
#
# Licensed under the EUPL

# ---------------------------------------------------------------------------
# Debian 12 (bookworm) packages. This is the ONE place to add packages.
#   SK_BUILD_PACKAGES  needed to compile (also used by the Dockerfile build stage)
#   SK_DEV_PACKAGES    needed to run the embedded cluster, the tests and benchmarks
#                      (chromium, nodejs and npm for the browser tests; clang and its
#                      runtime for the libFuzzer harnesses of tests/fuzz; prometheus for
#                      promtool, which checks /metrics; nginx-light for the replica topology
#                      of tests/cluster; their services are not started)
# ---------------------------------------------------------------------------
SK_BUILD_PACKAGES="build-essential cmake pkg-config libevent-dev libpq-dev libjson-c-dev
  libcriterion-dev libssl-dev libcurl4-openssl-dev libstemmer-dev libroaring-dev liburcu-dev
  libproj-dev libcsv-dev libqrencode-dev libpango1.0-dev libcairo2-dev fonts-dejavu-core ca-certificates"
SK_DEV_PACKAGES="postgresql-15 postgresql-15-postgis-3 postgresql-contrib acl curl wrk valgrind
  chromium nodejs clang libclang-rt-14-dev clang-format poppler-utils prometheus nginx-light"
# Debian's nodejs comes without npm; NodeSource's nodejs includes it (and conflicts with Debian's npm).
command -v npm >/dev/null 2>&1 || SK_DEV_PACKAGES="$SK_DEV_PACKAGES npm"
SK_PACKAGES="$SK_BUILD_PACKAGES $SK_DEV_PACKAGES"

SK_PG_VERSION=15
SK_PG_BIN="/usr/lib/postgresql/$SK_PG_VERSION/bin"
SK_PG_PORT=5432
SK_PG_SYSTEM_USER=socialekaart   # OS user running postgres when we are root
SK_PG_DB=socialekaart            # database name and cluster superuser role

SK_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"

sk_log() { printf '[sk %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
sk_die() { printf '[sk] ERROR: %s\n' "$*" >&2; exit 1; }
sk_is_root() { [ "$(id -u)" -eq 0 ]; }

# Run a command as root: directly when we are root, through sudo otherwise.
sk_as_root() {
    if sk_is_root; then
        "$@"
    elif command -v sudo >/dev/null 2>&1; then
        sudo "$@"
    else
        sk_die "need root for: $* (run as root or install sudo)"
    fi
}

# ---------------------------------------------------------------------------
# Packages
# ---------------------------------------------------------------------------

# Print the packages (from the arguments) that are not installed.
sk_missing_packages() {
    local p status
    for p in "$@"; do
        status="$(dpkg-query -W -f='${db:Status-Abbrev}' "$p" 2>/dev/null || true)"
        case "$status" in
            ii*) ;;
            *) printf '%s\n' "$p" ;;
        esac
    done
}

# Install the given packages, only those missing. apt-get update runs only when
# something has to be installed. Services are not started during the install
# (temporary policy-rc.d), so Debian's own 15/main cluster stays down.
sk_install_packages() {
    local missing
    # shellcheck disable=SC2086,SC2048
    missing="$(sk_missing_packages $*)"
    if [ -z "$missing" ]; then
        return 0
    fi
    missing="$(printf '%s' "$missing" | tr '\n' ' ')"
    sk_log "installing missing packages: $missing"
    local policy=/usr/sbin/policy-rc.d made_policy=0 rc=0
    if [ ! -e "$policy" ]; then
        printf '#!/bin/sh\n# temporary, created by socialekaart deploy/lib.sh\nexit 101\n' |
            sk_as_root tee "$policy" >/dev/null && sk_as_root chmod 755 "$policy" && made_policy=1
    fi
    sk_as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q || rc=$?
    if [ "$rc" -eq 0 ]; then
        # shellcheck disable=SC2086
        sk_as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
            --no-install-recommends $missing || rc=$?
    fi
    if [ "$made_policy" -eq 1 ]; then
        sk_as_root rm -f "$policy"
    fi
    [ "$rc" -eq 0 ] || sk_die "apt-get failed (exit $rc) installing: $missing"
}

sk_install_deps() {
    # shellcheck disable=SC2086
    sk_install_packages $SK_PACKAGES
}

sk_install_build_deps() {
    # shellcheck disable=SC2086
    sk_install_packages $SK_BUILD_PACKAGES
}

# ---------------------------------------------------------------------------
# Build
# ---------------------------------------------------------------------------

# sk_build DIR [BUILD_TYPE] [extra cmake args...]
# Configures (cheap when nothing changed) and builds incrementally.
sk_build() {
    local dir="$1" type="${2:-RelWithDebInfo}" jobs
    shift
    if [ $# -gt 0 ]; then shift; fi
    jobs="$(nproc 2>/dev/null || echo 2)"
    sk_log "building $dir ($type)"
    cmake -S "$SK_ROOT" -B "$dir" -DCMAKE_BUILD_TYPE="$type" "$@" >/dev/null || {
        sk_log "cmake configure failed for $dir"
        return 1
    }
    cmake --build "$dir" -j "$jobs"
}

# ---------------------------------------------------------------------------
# Embedded PostgreSQL cluster
# ---------------------------------------------------------------------------

# Resolve SK_DATA_DIR to an absolute, existing directory and export it.
# Default: <repo>/var. A relative value is taken relative to the current dir.
sk_data_dir_init() {
    local d="${SK_DATA_DIR:-}"
    [ -n "$d" ] || d="$SK_ROOT/var"
    case "$d" in
        /*) ;;
        *) d="$PWD/$d" ;;
    esac
    mkdir -p "$d"
    SK_DATA_DIR="$(cd "$d" && pwd -P)"
    export SK_DATA_DIR
    # A unix socket path is limited to 107 bytes: <dir>/run/.s.PGSQL.5432
    local sock="$SK_DATA_DIR/run/.s.PGSQL.$SK_PG_PORT"
    [ "${#sock}" -le 100 ] || sk_die "SK_DATA_DIR too long for a unix socket path: $SK_DATA_DIR"
    SK_PGDATA="$SK_DATA_DIR/pg"
    SK_PGRUN="$SK_DATA_DIR/run"
    SK_PGLOG="$SK_DATA_DIR/log"
    if sk_is_root; then
        SK_PG_OS_USER="$SK_PG_SYSTEM_USER"
    else
        SK_PG_OS_USER="$(id -un)"
    fi
}

# Run a command as the OS user that owns the cluster (from / so that a cwd the
# user cannot read does not matter).
sk_pg_run() {
    if sk_is_root; then
        (cd / && runuser -u "$SK_PG_OS_USER" -- "$@")
    else
        (cd / && "$@")
    fi
}

# psql/createdb etc. against the embedded cluster (as the caller: trust auth).
sk_psql() {
    "$SK_PG_BIN/psql" -X -h "$SK_PGRUN" -p "$SK_PG_PORT" -U "$SK_PG_DB" "$@"
}

# pgbench against the embedded cluster's database (benchmarks).
sk_pgbench() {
    "$SK_PG_BIN/pgbench" -h "$SK_PGRUN" -p "$SK_PG_PORT" -U "$SK_PG_DB" "$@" "$SK_PG_DB"
}

# The connection string the binaries derive by themselves (informational).
sk_pg_conninfo() {
    printf 'host=%s port=%s dbname=%s user=%s' "$SK_PGRUN" "$SK_PG_PORT" "$SK_PG_DB" "$SK_PG_DB"
}

sk_ensure_system_user() {
    sk_is_root || return 0
    if ! getent passwd "$SK_PG_SYSTEM_USER" >/dev/null; then
        sk_log "creating system user $SK_PG_SYSTEM_USER"
        useradd --system --user-group --home-dir /nonexistent --no-create-home \
            --shell /usr/sbin/nologin "$SK_PG_SYSTEM_USER"
    fi
}

# As root: make sure the unprivileged cluster user can traverse every ancestor
# of the data dir (e.g. /root is 0700). Grants only search (x) via an ACL
# entry, falling back to o+x where ACLs are not supported.
sk_grant_traverse() {
    sk_is_root || return 0
    local user="$1" d="$2" dirs=()
    while [ "$d" != "/" ] && [ -n "$d" ]; do
        dirs=("$d" "${dirs[@]}")
        d="$(dirname "$d")"
    done
    for d in "${dirs[@]}"; do
        if ! runuser -u "$user" -- test -x "$d" 2>/dev/null; then
            if command -v setfacl >/dev/null 2>&1 && setfacl -m "u:$user:--x" "$d" 2>/dev/null; then
                sk_log "granted traverse on $d to $user (ACL)"
            else
                chmod o+x "$d"
                sk_log "granted traverse on $d to everyone (chmod o+x; no ACL support)"
            fi
        fi
    done
}

# Create the directories, the system user and (when missing) the cluster.
# Sets SK_PG_CREATED=1 when the cluster was created just now.
# shellcheck disable=SC2034 # SK_PG_CREATED is for the callers
sk_pg_prepare() {
    sk_data_dir_init
    sk_ensure_system_user
    SK_PG_CREATED=0
    mkdir -p "$SK_PGDATA" "$SK_PGRUN" "$SK_PGLOG"
    chmod 0700 "$SK_PGDATA" "$SK_PGRUN"
    chmod 0750 "$SK_PGLOG"
    if sk_is_root; then
        local sub
        for sub in "$SK_PGDATA" "$SK_PGRUN" "$SK_PGLOG"; do
            if [ "$(stat -c %U "$sub")" != "$SK_PG_OS_USER" ]; then
                chown -R "$SK_PG_OS_USER:" "$sub"
            fi
        done
        sk_grant_traverse "$SK_PG_OS_USER" "$SK_DATA_DIR"
    fi
    if [ ! -s "$SK_PGDATA/PG_VERSION" ]; then
        if [ -n "$(ls -A "$SK_PGDATA")" ]; then
            sk_die "$SK_PGDATA is not empty but holds no cluster (interrupted initdb?); move it away"
        fi
        sk_log "creating PostgreSQL $SK_PG_VERSION cluster in $SK_PGDATA"
        sk_pg_run "$SK_PG_BIN/initdb" -D "$SK_PGDATA" -U "$SK_PG_DB" --auth=trust \
            -E UTF8 --locale=C.UTF-8 >"$SK_PGLOG/initdb.log" 2>&1 || {
            cat "$SK_PGLOG/initdb.log" >&2
            sk_die "initdb failed"
        }
        printf "\n# Sociale Kaart settings (rewritten on every start)\ninclude_if_exists = 'socialekaart.conf'\n" \
            | sk_pg_run tee -a "$SK_PGDATA/postgresql.conf" >/dev/null
        : >"$SK_DATA_DIR/.seed-pending"
        SK_PG_CREATED=1
    fi
    sk_pg_write_conf
}

# Settings are rewritten on each start so that a moved data dir still works.
sk_pg_write_conf() {
    # Memory: a quarter of RAM for shared buffers (128 MB .. 4 GB), half as
    # cache estimate; override with SK_PG_SHARED_BUFFERS_MB. The search reads
    # many pages per query: they must stay in PostgreSQL's own cache.
    local ram_mb sb_mb
    ram_mb=$(awk '/^MemTotal:/ { print int($2 / 1024) }' /proc/meminfo 2>/dev/null || echo 1024)
    sb_mb=${SK_PG_SHARED_BUFFERS_MB:-$((ram_mb / 4))}
    [ "$sb_mb" -lt 128 ] && sb_mb=128
    [ "$sb_mb" -gt 4096 ] && sb_mb=4096
    sk_pg_run tee "$SK_PGDATA/socialekaart.conf" >/dev/null <<EOF
# Generated by deploy/lib.sh on every start; edit postgresql.conf instead
# (settings there before the include line are overridden by this file).
listen_addresses = ''
port = $SK_PG_PORT
unix_socket_directories = '$SK_PGRUN'
unix_socket_permissions = 0700
max_connections = 100
shared_buffers = ${sb_mb}MB
effective_cache_size = $((ram_mb / 2))MB
random_page_cost = 1.1
jit = off
work_mem = 8MB
maintenance_work_mem = 256MB
fsync = on
synchronous_commit = on
full_page_writes = on
wal_level = replica
max_wal_size = 1GB
checkpoint_completion_target = 0.9
idle_in_transaction_session_timeout = '60s'
log_destination = 'stderr'
logging_collector = off
log_line_prefix = '%m [%p] %q%u@%d '
log_min_duration_statement = 1000
log_lock_waits = on
log_checkpoints = on
log_connections = off
log_disconnections = off
log_timezone = 'UTC'
timezone = 'UTC'
datestyle = 'iso, ymd'
EOF
}

# Is our postmaster running? (0 = yes). Checked by hand rather than with
# `pg_ctl status`, which trusts any live process whose PID is in postmaster.pid.
sk_pg_running() {
    local pid
    pid="$(head -n 1 "$SK_PGDATA/postmaster.pid" 2>/dev/null || true)"
    case "$pid" in
        '' | *[!0-9]*) return 1 ;;
    esac
    [ "$(readlink "/proc/$pid/cwd" 2>/dev/null || true)" = "$SK_PGDATA" ]
}

# A postmaster.pid left by a crash blocks start when its PID has been reused by
# another process (common in containers and after reboots). Remove stale locks.
sk_pg_clear_stale_pid() {
    [ -f "$SK_PGDATA/postmaster.pid" ] || return 0
    sk_pg_running && return 0
    sk_log "removing stale postmaster.pid (its process is not our postmaster)"
    rm -f "$SK_PGDATA/postmaster.pid" "$SK_PGRUN/.s.PGSQL.$SK_PG_PORT.lock" \
        "$SK_PGRUN/.s.PGSQL.$SK_PG_PORT"
}

# Wait until the server accepts connections.
sk_pg_wait_ready() {
    local i
    for i in $(seq 1 "${1:-60}"); do
        if "$SK_PG_BIN/pg_isready" -q -h "$SK_PGRUN" -p "$SK_PG_PORT" -U "$SK_PG_DB" -d postgres; then
            return 0
        fi
        [ "$i" -eq 1 ] && sk_log "waiting for PostgreSQL to accept connections"
        sleep 1
    done
    return 1
}

# Start the cluster (idempotent) and make sure the database exists.
sk_pg_start() {
    if ! sk_pg_running; then
        sk_pg_clear_stale_pid
        sk_log "starting PostgreSQL ($SK_PGDATA, log $SK_PGLOG/postgresql.log)"
        if ! sk_pg_run "$SK_PG_BIN/pg_ctl" -D "$SK_PGDATA" -l "$SK_PGLOG/postgresql.log" \
            -w -t 60 -s start; then
            tail -n 30 "$SK_PGLOG/postgresql.log" >&2 || true
            sk_die "PostgreSQL did not start"
        fi
    fi
    sk_pg_wait_ready 60 || {
        tail -n 30 "$SK_PGLOG/postgresql.log" >&2 || true
        sk_die "PostgreSQL is not accepting connections on $SK_PGRUN"
    }
    if [ "$(sk_psql -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$SK_PG_DB'")" != 1 ]; then
        sk_log "creating database $SK_PG_DB"
        "$SK_PG_BIN/createdb" -h "$SK_PGRUN" -p "$SK_PG_PORT" -U "$SK_PG_DB" -O "$SK_PG_DB" \
            -E UTF8 "$SK_PG_DB"
    fi
}

# Stop the cluster cleanly (fast shutdown); no-op when it is not running.
sk_pg_stop() {
    [ -n "${SK_PGDATA:-}" ] || return 0
    [ -s "$SK_PGDATA/PG_VERSION" ] || return 0
    if sk_pg_running; then
        sk_log "stopping PostgreSQL"
        sk_pg_run "$SK_PG_BIN/pg_ctl" -D "$SK_PGDATA" -m fast -w -t 60 -s stop
    fi
}

sk_pg_status() {
    if sk_pg_running; then
        echo "PostgreSQL running: $(sk_pg_conninfo)"
        return 0
    fi
    echo "PostgreSQL not running (data dir $SK_PGDATA)"
    return 3
}

# ---------------------------------------------------------------------------
# Direct execution: deploy/lib.sh SUB-COMMAND
# ---------------------------------------------------------------------------
# shellcheck disable=SC2086
sk_lib_main() {
    set -euo pipefail
    local cmd="${1:-}"
    if [ $# -gt 0 ]; then shift; fi
    case "$cmd" in
        packages) printf '%s\n' $SK_PACKAGES ;;
        install-deps) sk_install_deps ;;
        install-build-deps) sk_install_build_deps ;;
        build)
            [ $# -ge 1 ] || sk_die "usage: $0 build DIR [BUILD_TYPE] [CMAKE-ARGS...]"
            sk_build "$@"
            ;;
        *)
            echo "usage: $0 packages|install-deps|install-build-deps|build DIR [TYPE] [ARGS...]" >&2
            exit 2
            ;;
    esac
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
    sk_lib_main "$@"
fi
