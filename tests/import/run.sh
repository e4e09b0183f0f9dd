#!/usr/bin/env bash
# Import end to end through the CLI, in two fresh databases of the embedded cluster (SK_DATA_DIR):
# the fixtures (CSV and HSDS) dry run, apply, re-import (0 created), one change (1 updated); then the
# round trip: export (JSON and CSV) and import into an empty database gives the same entries.
# Usage: SK_DATA_DIR=... tests/import/run.sh [BUILD_DIR]
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
build="${1:-$root/build}" cli="$build/socialekaart" fx="$root/tests/import/fixtures"
run="$SK_DATA_DIR/run" pgbin=/usr/lib/postgresql/15/bin tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
db() { # db NAME: a fresh, migrated database; sets SK_DATABASE_URL
    "$pgbin/dropdb" -h "$run" -U socialekaart --if-exists "$1" 2>/dev/null
    "$pgbin/createdb" -h "$run" -U socialekaart "$1"
    export SK_DATABASE_URL="host=$run port=5432 dbname=$1 user=socialekaart"
    "$cli" migrate >/dev/null 2>&1
}
summary() { python3 -c "import json,sys; s=json.load(open(sys.argv[1]))['summary']; print(s['created'], s['updated'], s['unchanged'], s['invalid'])" "$1"; }

db sk_import_a
"$cli" import "$fx/buurthuis.csv" --report "$tmp/r.json" 2>"$tmp/err" || fail "dry run of the CSV: $(cat "$tmp/err")"
[ "$(summary "$tmp/r.json")" = "5 0 0 0" ] || fail "dry run: $(summary "$tmp/r.json")"
grep -q "themes 'Koffie drinken'" "$tmp/err" || fail "unmapped codes are listed"
"$cli" import "$fx/buurthuis.csv" --report "$tmp/r2.json" 2>/dev/null
[ "$(summary "$tmp/r2.json")" = "5 0 0 0" ] || fail "a dry run writes nothing"
"$cli" import "$fx/buurthuis.csv" --apply --report "$tmp/a.json" 2>/dev/null || fail "apply"
python3 - "$tmp/r.json" "$tmp/a.json" <<'PY' || fail "the dry run's report is the apply's"
import json, sys
d, a = (json.load(open(p)) for p in sys.argv[1:])
for r in a['rows']: r.pop('id', None)
d['summary'].pop('applied'); a['summary'].pop('applied')
assert d == a, (d, a)
PY
"$cli" import "$fx/buurthuis.csv" --apply --report "$tmp/b.json" 2>/dev/null
[ "$(summary "$tmp/b.json")" = "0 0 5 0" ] || fail "re-import: $(summary "$tmp/b.json")"
sed 's/Buurteettafel,/Buurteettafel op vrijdag,/' "$fx/buurthuis.csv" >"$tmp/changed.csv"
"$cli" import "$tmp/changed.csv" --apply --report "$tmp/c.json" 2>/dev/null
[ "$(summary "$tmp/c.json")" = "0 1 4 0" ] || fail "one change: $(summary "$tmp/c.json")"
if "$cli" import "$fx/buurthuis-hsds.json" --municipality GM0512 --apply 2>"$tmp/err"; then fail "a bad row fails the import"; fi
grep -q "rij 3: title: is verplicht" "$tmp/err" || fail "the bad row names its field: $(cat "$tmp/err")"
grep -q "Er is niets opgeslagen" "$tmp/err" || fail "all or nothing"
python3 -c "
import json; d=json.load(open('$fx/buurthuis-hsds.json')); d['services'][2]['name']='Spreekuur'
json.dump(d, open('$tmp/hsds.json','w'))"
"$cli" import "$tmp/hsds.json" --municipality GM0512 --apply --report "$tmp/h.json" 2>/dev/null || fail "HSDS apply"
[ "$(summary "$tmp/h.json")" = "4 0 0 0" ] || fail "HSDS: $(summary "$tmp/h.json")"
"$cli" export -o "$tmp/a-export.json" 2>/dev/null
"$cli" export --format csv -o "$tmp/a-export.csv" 2>/dev/null

for f in json csv; do
    db sk_import_b
    "$cli" import "$tmp/a-export.$f" --apply 2>"$tmp/err" || fail "round trip ($f): $(cat "$tmp/err")"
    "$cli" export -o "$tmp/b-export.json" 2>/dev/null
    cmp -s "$tmp/a-export.json" "$tmp/b-export.json" || { diff "$tmp/a-export.json" "$tmp/b-export.json" | head -20; fail "round trip ($f) differs"; }
done
"$pgbin/dropdb" -h "$run" -U socialekaart sk_import_a
"$pgbin/dropdb" -h "$run" -U socialekaart sk_import_b
echo "import: all checks passed"
