#!/usr/bin/env bash
# Sociale Kaart — benchmark of the residents' search PAGE (GET /?q=...&area=...), issue 15.
#
#   tests/bench/page.sh [--entries N] [--duration SECONDS]
#
# Uses the cluster and data tests/bench/search.sh made (SK_BENCH_DATA_DIR, default
# /tmp/sk-bench-<N>; run search.sh first) and its release build (build-bench/). Starts the daemon
# without rate limit and WITHOUT the reply cache (every page is computed), once with the search
# index (anonymous pages: the index searches, PostgreSQL adds the page's labels, names and map
# points) and once with search_index=false (api_web_search does all of it), and drives both with
# wrk and tests/bench/page.lua (20 words x 6 wijken and kernen, and activities per area); /health
# first as the HTTP ceiling. Prints req/s, p50 and p99 of each.
# Licensed under the EUPL
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
entries=100000 duration=10
while [ $# -gt 0 ]; do
    case "$1" in
        --entries) entries="$2"; shift 2 ;;
        --duration) duration="$2"; shift 2 ;;
        -h | --help) sed -n 2,12p "$0"; exit 0 ;;
        *) echo "unknown argument $1" >&2; exit 2 ;;
    esac
done
export SK_DATA_DIR="${SK_BENCH_DATA_DIR:-/tmp/sk-bench-$entries}" SK_DATABASE_URL=""
port="${SK_BENCH_PORT:-18091}"
# shellcheck source=../../deploy/lib.sh
. "$root/deploy/lib.sh"
[ -x "$root/build-bench/socialekaartd" ] || sk_die "no build-bench/: run tests/bench/search.sh first"
[ -s "$SK_DATA_DIR/pg/PG_VERSION" ] || sk_die "no bench cluster in $SK_DATA_DIR: run tests/bench/search.sh first"
sk_pg_prepare
sk_pg_start
trap 'sk_pg_stop || true' EXIT
"$root/build-bench/socialekaart" migrate >/dev/null
run() { wrk -t2 -c32 -d"${duration}s" --latency "$@" | awk '/Requests\/sec/ { r = $2 } / 50%/ { p50 = $2 } / 99%/ { p99 = $2 }
    /Non-2xx/ { e = $NF } END { printf "%10s req/s  p50 %8s  p99 %8s  non-2xx %s\n", r, p50, p99, (e == "" ? 0 : e) }'; }
for index in true false; do
    "$root/build-bench/socialekaartd" --port "$port" --rate_limit_rps 0 --search_cache_ttl_ms 0 \
        --search_index "$index" >"$SK_DATA_DIR/page-bench-$index.log" 2>&1 &
    pid=$!
    for _ in $(seq 1 600); do curl -fs "http://127.0.0.1:$port/ready" >/dev/null 2>&1 && break; sleep 0.2; done
    if [ "$index" = true ]; then printf '%-40s' "/health (the HTTP ceiling)"; run "http://127.0.0.1:$port/health"; fi
    printf '%-40s' "search page, search_index=$index"; run -s "$root/tests/bench/page.lua" "http://127.0.0.1:$port"
    kill "$pid"; wait "$pid" 2>/dev/null || true
done
