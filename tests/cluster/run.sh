#!/usr/bin/env bash
# The replica topology on loopback (issue 17, items 1 and 3).
#
# A primary and a streaming replica (pg_basebackup), two daemons that read anonymously from the
# replica and write to the primary, and nginx in front. Under a read/write load through nginx
# (tests/cluster/load.mjs):
#   1. anonymous reads go to the replica, a partner's read-back of its write to the primary;
#   2. replay paused beyond database_read_max_lag_ms: reads go to the primary (a new entry is
#      found through nginx while the replica does not have it yet);
#   3. one daemon killed (SIGKILL): no request fails but those it held at that moment;
#   4. the replica stopped: no read fails (they move to the primary);
#   5. the primary stopped and the replica promoted: the daemons follow by themselves (their
#      database_url lists both hosts, target_session_attrs=read-write) and no acknowledged
#      write is lost.
# Usage: tests/cluster/run.sh [BUILD_DIR]   (SK_CLUSTER_PORT: first of four TCP ports, 18600)
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
build="${1:-$root/build}"
cli="$build/socialekaart" daemon="$build/socialekaartd"
# shellcheck source=../../deploy/lib.sh
. "$root/deploy/lib.sh"
port="${SK_CLUSTER_PORT:-18600}" proxy_port="${SK_CLUSTER_PORT:-18600}"
T="$(mktemp -d /tmp/skc.XXXXXX)"
chmod 755 "$T"
export SK_PG_SHARED_BUFFERS_MB=128
pids=() nginx_pid="" load_pid=""
cleanup() {
    touch "$T/stop" 2>/dev/null || true
    [ -z "$load_pid" ] || kill "$load_pid" 2>/dev/null || true
    [ -z "$nginx_pid" ] || kill "$nginx_pid" 2>/dev/null || true
    for p in "${pids[@]}"; do [ -z "$p" ] || kill "$p" 2>/dev/null || true; done
    for c in p r; do
        if [ -s "$T/$c/pg/PG_VERSION" ]; then use "$c" && sk_pg_stop >/dev/null 2>&1 || true; fi
    done
    if [ "${keep:-0}" = 1 ]; then echo "kept $T" >&2; else rm -rf "$T"; fi
}
trap cleanup EXIT
fail() {
    echo "FAIL: $*" >&2
    for i in 1 2; do echo "--- daemon $i (last lines)" >&2 && tail -n 15 "$T/d$i.log" >&2 || true; done
    keep=1
    exit 1
}
say() { echo "cluster: $*"; }
use() { SK_DATA_DIR="$T/$1" && sk_data_dir_init; }
url() { printf 'host=%s/run port=5432 dbname=socialekaart user=socialekaart' "$T/$1"; }
q() { "$SK_PG_BIN/psql" -X -q -At -v ON_ERROR_STOP=1 -d "$(url "$1")" -c "$2"; }
now_ms() { date +%s%3N; }

# --- the primary, with the demo data, a trusted partner and an admin -----------------------------
use p
sk_pg_prepare >/dev/null
sk_pg_start >/dev/null 2>&1
export SK_DATABASE_URL="$(url p)"
"$cli" migrate >/dev/null 2>&1 || fail "socialekaart migrate"
"$cli" seed demo >/dev/null 2>&1 || fail "socialekaart seed demo"
org="$("$cli" org create --name "Clustertest partner" 2>/dev/null)"
partner="$("$cli" key create --org "$org" --role partner 2>/dev/null)"
admin="$("$cli" key create --org "$org" --role admin 2>/dev/null)"
q p "INSERT INTO organisation_trust (organisation_id, municipality) VALUES ('$org', 'GM0512')"
unset SK_DATABASE_URL

# --- the replica: a base backup that streams from the primary ------------------------------------
use r
mkdir -p "$SK_PGDATA" "$SK_PGRUN" "$SK_PGLOG"
chmod 0700 "$SK_PGDATA" "$SK_PGRUN"
if sk_is_root; then
    chown -R "$SK_PG_OS_USER:" "$SK_PGDATA" "$SK_PGRUN" "$SK_PGLOG"
    sk_grant_traverse "$SK_PG_OS_USER" "$SK_DATA_DIR"
fi
sk_pg_run "$SK_PG_BIN/pg_basebackup" -h "$T/p/run" -p 5432 -U socialekaart -D "$SK_PGDATA" -R -X stream -c fast
sk_pg_prepare >/dev/null
sk_pg_start >/dev/null 2>&1
[ "$(q r "SELECT pg_is_in_recovery()")" = t ] || fail "the replica is not in recovery"
say "primary $T/p and replica $T/r streaming"

# --- two daemons and nginx -------------------------------------------------------------------------
start_daemon() { # start_daemon N [MAX_LAG_MS]
    SK_PORT=$((port + $1)) SK_WORKERS=2 SK_DB_POOL_SIZE=3 SK_DB_RETRY_MAX_MS=500 \
        SK_DATABASE_URL="host=$T/p/run,$T/r/run port=5432,5432 dbname=socialekaart user=socialekaart target_session_attrs=read-write" \
        SK_DATABASE_READ_URL="host=$T/r/run,$T/p/run port=5432,5432 dbname=socialekaart user=socialekaart target_session_attrs=prefer-standby" \
        SK_DATABASE_READ_MAX_LAG_MS="${2:-1000}" SK_RATE_LIMIT_RPS=0 SK_EXPENSIVE_RATE_LIMIT_RPS=0 \
        SK_TRUST_PROXY=true SK_TRUSTED_PROXIES=127.0.0.1 \
        "$daemon" >>"$T/d$1.log" 2>&1 &
    pids[$1]=$!
    for _ in $(seq 100); do
        [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$((port + $1))/ready")" = 200 ] && return 0
        sleep 0.1
    done
    fail "daemon $1 did not become ready"
}
start_daemon 1
start_daemon 2
mkdir -p "$T/nginx"
cat >"$T/nginx/nginx.conf" <<EOF
user root;
worker_processes 1;
daemon off;
pid $T/nginx/nginx.pid;
error_log $T/nginx/error.log warn;
events { worker_connections 512; }
http {
    access_log off;
    client_body_temp_path $T/nginx/body;
    proxy_temp_path $T/nginx/proxy;
    fastcgi_temp_path $T/nginx/fastcgi;
    uwsgi_temp_path $T/nginx/uwsgi;
    scgi_temp_path $T/nginx/scgi;
    upstream socialekaartd {
        server 127.0.0.1:$((port + 1)) max_fails=1 fail_timeout=2s;
        server 127.0.0.1:$((port + 2)) max_fails=1 fail_timeout=2s;
    }
    server {
        listen 127.0.0.1:$proxy_port;
        location / {
            proxy_pass http://socialekaartd;
            proxy_set_header Host \$host;
            proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
            # a read goes to the other daemon when one is gone; a write only when it was not sent
            proxy_next_upstream error timeout http_502 http_503;
            proxy_connect_timeout 1s;
            proxy_read_timeout 15s;
        }
    }
}
EOF
nginx -t -c "$T/nginx/nginx.conf" >/dev/null 2>&1 || { nginx -t -c "$T/nginx/nginx.conf"; fail "nginx -t"; }
nginx -c "$T/nginx/nginx.conf" &
nginx_pid=$!
base="http://127.0.0.1:$proxy_port"
for _ in $(seq 50); do curl -sf -o /dev/null "$base/health" && break; sleep 0.1; done
curl -sf -o /dev/null "$base/health" || fail "nginx does not answer on $base"

metric() { # metric DAEMON NAME: the sum of a metric's samples
    curl -sf -H "Authorization: Bearer $admin" "http://127.0.0.1:$((port + $1))/metrics" |
        awk -v m="$2" '$1 == m || index($1, m "{") == 1 { s += $2 } END { print s + 0 }'
}
# failures FROM TO [KIND]: requests started in [FROM, TO) (ms) that did not succeed
failures() {
    awk -v from="$1" -v to="$2" -v kind="${3:-}" '
        { start = $1 - $5 } start >= from && start < to && (kind == "" || $2 == kind) &&
        $3 != 200 && $3 != 201 { n++; print "  " $0 > "/dev/stderr" } END { print n + 0 }' "$T/load.log"
}
total() { awk -v kind="$1" '$2 == kind { n++ } END { print n + 0 }' "$T/load.log"; }

: >"$T/load.log"
node "$root/tests/cluster/load.mjs" "$base" "$partner" "$T/load.log" "$T/stop" 6 2 &
load_pid=$!
sleep 4

# --- 1. steady: anonymous reads on the replica, every read-back of a write answered --------------
t0=0
for d in 1 2; do
    grep -q "search index: following a replica" "$T/d$d.log" || fail "daemon $d's index does not follow the replica"
    [ "$(metric $d sk_db_replica_usable)" = 2 ] || fail "daemon $d: a worker does not read from the replica"
done
replica_reads="$(( $(metric 1 sk_db_replica_reads_total) + $(metric 2 sk_db_replica_reads_total) ))"
[ "$replica_reads" -gt 50 ] || fail "only $replica_reads reads went to the replica"
# a read the replica cannot do (a write inside, such as a feed's expiry) would be retried on the primary
retried="$(( $(metric 1 'sk_db_replica_reads_total{result="retried"}') + $(metric 2 'sk_db_replica_reads_total{result="retried"}') ))"
[ "$retried" = 0 ] || fail "$retried anonymous reads failed on the healthy replica and were retried"
n="$(failures "$t0" "$(now_ms)")"
[ "$n" = 0 ] || fail "$n requests failed in a steady load"
# (a writer's read-back may still be under way)
[ "$(total write)" -gt 3 ] && [ "$(total readback)" -ge "$(( $(total write) - 2 ))" ] ||
    fail "writes $(total write), read back $(total readback)"
if command -v promtool >/dev/null 2>&1; then
    curl -sf -H "Authorization: Bearer $admin" "http://127.0.0.1:$((port + 1))/metrics" |
        promtool check metrics >"$T/promtool.out" 2>&1 || { cat "$T/promtool.out"; fail "promtool check metrics"; }
    grep -q '^sk_db_replica_lag_seconds{worker="0"} [0-9]' <(curl -sf -H "Authorization: Bearer $admin" \
        "http://127.0.0.1:$((port + 1))/metrics") || fail "/metrics reports no replica lag"
fi
say "1. steady: $(total read) reads ($replica_reads on the replica), $(total write) writes, each read back by its partner"

# --- 2. a lagging replica: reads go to the primary ------------------------------------------------
place='{"title":"Clustertest achterstand","summary":"Alleen op de primary, zolang de replica stilstaat.",
       "municipality":"GM0512","areas":["GM0512-west"],"themes":["ontmoeten"],"audiences":["volwassenen"],
       "address":{"street":"Lingewijkerweg","house_number":"12","postcode":"4205 AB","city":"Gorinchem"},
       "location":{"lat":51.8395,"lon":4.9655}}'
create() { # create URL: a new place of the partner's; prints its id
    curl -sf -X POST -H "Authorization: Bearer $partner" -H 'Content-Type: application/json' "$1/api/v1/places" \
        -d "$place" | jq -r .id
}
status() { curl -s -o /dev/null -w '%{http_code}' "$@"; }
# first a daemon that takes any lag (an hour): the partner reads its write from the primary, an
# anonymous reader asks the replica, which does not have it yet
start_daemon 3 3600000
d3="http://127.0.0.1:$((port + 3))"
for _ in $(seq 30); do [ "$(metric 3 sk_db_replica_usable)" = 2 ] && break; sleep 0.1; done
q r "SELECT pg_wal_replay_pause()" >/dev/null
sleep 0.5
behind="$(create "$d3")"
[ -n "$behind" ] && [ "$behind" != null ] || fail "daemon 3 did not create a place"
code="$(status -H "Authorization: Bearer $partner" "$d3/api/v1/places/$behind")"
[ "$code" = 200 ] || fail "the partner's read of its own write, replica paused: $code (want 200, from the primary)"
code="$(status "$d3/api/v1/places/$behind")"
[ "$code" = 404 ] || fail "an anonymous read on the paused replica: $code (want 404: the replica does not have it yet)"
kill "${pids[3]}" && wait "${pids[3]}" 2>/dev/null || true
pids[3]=""
say "2a. replay paused, lag allowed: the partner read its write (primary), an anonymous reader did not yet (replica)"
lagging=""
for _ in $(seq 60); do
    [ "$(metric 1 sk_db_replica_usable)" = 0 ] && [ "$(metric 2 sk_db_replica_usable)" = 0 ] && { lagging=1; break; }
    sleep 0.1
done
[ -n "$lagging" ] || fail "replay paused, but the daemons still read from the replica"
created="$(create "$base")"
[ "$(q r "SELECT count(*) FROM entries WHERE id = '$created'")" = 0 ] || fail "the paused replica has the new entry"
code="$(status "$base/api/v1/places/$created")"
[ "$code" = 200 ] || fail "an anonymous read of the new entry while the replica lags: $code"
# and a search: the index follows the replica, so it is not asked; the primary's SQL answers
curl -sf "$base/api/v1/search?q=achterstand&limit=50" | grep -q "$created" ||
    fail "an anonymous search while the replica lags does not find the new entry"
q r "SELECT pg_wal_replay_resume()" >/dev/null
for _ in $(seq 60); do
    [ "$(metric 1 sk_db_replica_usable)" = 2 ] && [ "$(metric 2 sk_db_replica_usable)" = 2 ] && break
    sleep 0.1
done
[ "$(metric 1 sk_db_replica_usable)" = 2 ] || fail "the replica caught up, but daemon 1 does not read from it again"
say "2b. replay paused beyond the lag allowed: reads went to the primary (the new entry answered 200), and back to the replica after"

# --- 3. one daemon killed --------------------------------------------------------------------------
kill -KILL "${pids[1]}"
wait "${pids[1]}" 2>/dev/null || true
t_kill="$(now_ms)" # from here on nothing is in flight at daemon 1
sleep 3
t_back="$(now_ms)"
n="$(failures "$t_kill" "$t_back")"
[ "$n" = 0 ] || fail "$n requests that started after daemon 1 was killed failed"
start_daemon 1
say "3. daemon 1 killed: $(failures "$((t_kill - 15000))" "$t_kill" 2>/dev/null) requests in flight failed, none after; restarted"

# --- 4. the replica stopped ------------------------------------------------------------------------
t_stop="$(now_ms)"
use r
sk_pg_stop >/dev/null 2>&1
sleep 4
n="$(failures "$t_stop" "$(now_ms)" read)"
[ "$n" = 0 ] || fail "$n reads failed while the replica was stopped"
n="$(failures "$t_stop" "$(now_ms)")"
[ "$n" = 0 ] || fail "$n writes failed while the replica was stopped"
sk_pg_start >/dev/null 2>&1
say "4. replica stopped: no request failed; started again"
sleep 2

# --- 5. failover: the primary stopped, the replica promoted ---------------------------------------
use p
t_down="$(now_ms)"
sk_pg_stop >/dev/null 2>&1
use r
sk_pg_run "$SK_PG_BIN/pg_ctl" -D "$SK_PGDATA" -w -t 60 -s promote
t_promoted="$(now_ms)"
first=""
for _ in $(seq 200); do
    first="$(awk -v t="$t_promoted" '$2 == "write" && $3 == 201 && $1 - $5 >= t { print $1; exit }' "$T/load.log")"
    [ -n "$first" ] && break
    sleep 0.1
done
[ -n "$first" ] || fail "no write succeeded within 20 s of the promotion"
sleep 2
touch "$T/stop"
wait "$load_pid" || fail "the load generator failed"
load_pid=""
[ "$(q r "SELECT pg_is_in_recovery()")" = f ] || fail "the promoted replica is still in recovery"
acked="$(awk '$2 == "write" && $3 == 201 { print $4 }' "$T/load.log" | sort -u)"
nacked="$(printf '%s\n' "$acked" | grep -c . || true)"
ids="$(printf "'%s'," $acked)"
found="$(q r "SELECT count(*) FROM entries WHERE id IN (${ids%,})")"
[ "$found" = "$nacked" ] || fail "$nacked writes were acknowledged, the new primary holds $found of them"
[ "$(failures 0 "$t_down" readback)" = 0 ] || fail "a partner's read-back of its own write failed before the failover"
say "5. failover: writes resumed $((first - t_promoted)) ms after the promotion; all $nacked acknowledged writes are on the new primary"
say "$(total read) reads, $(total write) writes, $(total readback) read-backs"
echo "cluster: 6 passed, 0 failed"
