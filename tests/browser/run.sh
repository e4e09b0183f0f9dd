#!/usr/bin/env bash
# Browser tests of the residents' page and the moderators' console.
#
#   tests/browser/run.sh            (deploy/test.sh runs it after the C tests)
#
# Needs: a running PostgreSQL cluster in $SK_DATA_DIR with the migrations applied
# (deploy/test.sh provides one; locally: deploy/pg.sh start && build/socialekaart migrate),
# the release build in $SK_BUILD_DIR (default build/), Debian's chromium, node and npm.
# It loads the demo data, creates a moderator key and a partner key with the CLI,
# starts socialekaartd on a free port, runs the specs in tests/browser/specs with
# playwright-core driving /usr/bin/chromium headless (no browser is downloaded),
# stops the daemon and prints "browser: N passed, M failed".
# Screenshots and the printed list go to tests/browser/artifacts/ (git-ignored).
#
# Environment: SK_BUILD_DIR, SK_CHROMIUM (default /usr/bin/chromium), SK_DATA_DIR.
#
# Licensed under the EUPL
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
build="${SK_BUILD_DIR:-$root/build}"
case "$build" in /*) ;; *) build="$PWD/$build" ;; esac # relative to the caller
chromium="${SK_CHROMIUM:-/usr/bin/chromium}"
export SK_DATA_DIR="${SK_DATA_DIR:-$root/var}"
export SK_DATABASE_URL="${SK_DATABASE_URL:-}"

log() { printf '[browser %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

for tool in node npm; do
    command -v "$tool" >/dev/null 2>&1 || { log "$tool is not installed"; echo "browser: 0 passed, 1 failed"; exit 1; }
done
[ -x "$chromium" ] || { log "no chromium at $chromium"; echo "browser: 0 passed, 1 failed"; exit 1; }
[ -x "$build/socialekaartd" ] || { log "no daemon at $build/socialekaartd (build first)"; echo "browser: 0 passed, 1 failed"; exit 1; }

# npm packages (playwright-core, @axe-core/playwright), exactly as locked.
cd "$here"
if [ ! -d node_modules/playwright-core ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    log "npm ci"
    PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error >&2
fi

log "demo data, keys"
"$build/socialekaart" seed demo >&2
mod_org="$("$build/socialekaart" org create --name "Browsertest gemeente $$")"
partner_org="$("$build/socialekaart" org create --name "Browsertest partner $$")"
SK_MOD_KEY="$("$build/socialekaart" key create --org "$mod_org" --role moderator --municipality GM0512 --municipality GM0668)"
SK_PARTNER_KEY="$("$build/socialekaart" key create --org "$partner_org" --role partner)"
export SK_MOD_KEY SK_PARTNER_KEY

port="$(node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close();});')"
export SK_BASE_URL="http://127.0.0.1:$port"
export SK_CHROMIUM="$chromium"
mkdir -p "$here/artifacts"
daemon_log="$here/artifacts/daemon.log"

# Rate limiting off: one test client makes many requests (assets, axe runs). trust_proxy: the report
# spec sends a made-up X-Forwarded-For, so the per-client report limit does not carry over between runs.
"$build/socialekaartd" --port "$port" --rate_limit_rps 0 --trust_proxy true >"$daemon_log" 2>&1 &
daemon_pid=$!
daemon_rc=0
stop_daemon() {
    if [ -n "$daemon_pid" ] && kill -0 "$daemon_pid" 2>/dev/null; then
        kill -TERM "$daemon_pid" 2>/dev/null || true
        wait "$daemon_pid" 2>/dev/null || daemon_rc=$?
    fi
    daemon_pid=""
}
trap stop_daemon EXIT

for i in $(seq 1 100); do
    if curl -fsS "$SK_BASE_URL/ready" >/dev/null 2>&1; then break; fi
    if ! kill -0 "$daemon_pid" 2>/dev/null || [ "$i" -eq 100 ]; then
        log "the daemon did not become ready"; tail -n 20 "$daemon_log" >&2
        echo "browser: 0 passed, 1 failed"; exit 1
    fi
    sleep 0.1
done
log "daemon on $SK_BASE_URL (pid $daemon_pid)"

# The specs run one after another (they share the daemon and its data).
rc=0
tap="$here/artifacts/results.tap"
# SK_BROWSER_SPECS (a glob under specs/, e.g. "06-*") runs some of them while developing.
node --test --test-concurrency=1 --test-reporter=tap specs/${SK_BROWSER_SPECS:-*}.test.mjs >"$tap" 2>&1 || rc=$?
grep -E '^\s*(not ok|ok) |^# |error:|expected:|actual:' "$tap" | head -n 200 || true
pass="$(grep -E '^# pass [0-9]+' "$tap" | awk '{print $3}' | tail -n 1)"
fail="$(grep -E '^# fail [0-9]+' "$tap" | awk '{print $3}' | tail -n 1)"
pass="${pass:-0}"
fail="${fail:-0}"
if [ "$rc" -ne 0 ] && [ "$fail" -eq 0 ]; then fail=1; fi
# The daemon must stop cleanly (a sanitizer build reports leaks through its exit status).
stop_daemon
if [ "$daemon_rc" -ne 0 ]; then
    log "socialekaartd exited with status $daemon_rc (see $daemon_log)"
    fail=$((fail + 1))
fi
echo "browser: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
