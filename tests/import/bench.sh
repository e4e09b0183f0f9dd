#!/usr/bin/env bash
# The import benchmark: N rows (default 10,000) of a generated CSV into a fresh database "bench" of
# the embedded cluster (SK_DATA_DIR), with --apply; prints the CLI's summary line (with seconds).
# Usage: SK_DATA_DIR=... tests/import/bench.sh [N] [BUILD_DIR]
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
n="${1:-10000}" build="${2:-$root/build}"
. "$root/deploy/lib.sh"
sk_pg_paths 2>/dev/null || true
run="$SK_DATA_DIR/run"
pgbin=/usr/lib/postgresql/15/bin
"$pgbin/dropdb" -h "$run" -U socialekaart --if-exists bench
"$pgbin/createdb" -h "$run" -U socialekaart bench
export SK_DATABASE_URL="host=$run port=5432 dbname=bench user=socialekaart"
"$build/socialekaart" migrate >/dev/null 2>&1
python3 "$root/tests/import/gen_csv.py" "$n" >"$run/../bench-import.csv"
"$build/socialekaart" import "$run/../bench-import.csv" --apply 2>&1 | grep -E "Opgeslagen|Proef"
