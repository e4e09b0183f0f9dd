#!/usr/bin/env bash
# Sociale Kaart — SQL regression tests (pg_regress style) for the functions of sql/api/.
#
#   sql/tests/run.sh [--accept] [NAME...]
#
# Each sql/tests/<name>.sql runs through psql (-X -a -q, ON_ERROR_STOP off, so an error is part of
# the output as with pg_regress) against the embedded cluster of $SK_DATA_DIR (deploy/lib.sh), and
# its output is compared with sql/tests/expected/<name>.out (diff -u). Every test file runs inside
# BEGIN ... ROLLBACK and leaves nothing behind. --accept rewrites the expected files instead.
# Ends with one line "sql: N passed, M failed"; exit status 1 when anything failed.
#
# Licensed under the EUPL
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
# shellcheck source-path=SCRIPTDIR source=../../deploy/lib.sh
. "$here/../../deploy/lib.sh"
[ -n "${SK_DATA_DIR:-}" ] || sk_die "SK_DATA_DIR is not set"
sk_pg_prepare >/dev/null

accept=0
names=()
for a in "$@"; do
    case "$a" in
        --accept) accept=1 ;;
        -h|--help) sed -n '2,10p' "${BASH_SOURCE[0]}"; exit 0 ;;
        *) names+=("$(basename "$a" .sql)") ;;
    esac
done
if [ "${#names[@]}" -eq 0 ]; then
    for f in "$here"/*.sql; do names+=("$(basename "$f" .sql)"); done
fi

out_dir="$(mktemp -d)"
trap 'rm -rf "$out_dir"' EXIT
passed=0
failed=0
for n in "${names[@]}"; do
    sql="$here/$n.sql"
    exp="$here/expected/$n.out"
    out="$out_dir/$n.out"
    if [ ! -f "$sql" ]; then
        printf 'sql %-16s FAILED (no %s)\n' "$n" "$sql"
        failed=$((failed + 1))
        continue
    fi
    # Fixed settings so that the output does not depend on the caller's environment.
    PGTZ=Europe/Amsterdam PGDATESTYLE=ISO PGOPTIONS='-c client_min_messages=warning -c lc_messages=C' \
        sk_psql -d "$SK_PG_DB" -X -a -q -v ON_ERROR_STOP=0 -P pager=off -f "$sql" >"$out" 2>&1
    # psql names the script file in error messages: keep only its base name.
    sed -i "s|$here/||g" "$out"
    if [ "$accept" -eq 1 ]; then
        cp "$out" "$exp"
        printf 'sql %-16s accepted\n' "$n"
        passed=$((passed + 1))
    elif [ ! -f "$exp" ]; then
        printf 'sql %-16s FAILED (no expected/%s.out; run with --accept)\n' "$n" "$n"
        failed=$((failed + 1))
    elif diff -u "$exp" "$out" >"$out_dir/$n.diff"; then
        printf 'sql %-16s ok\n' "$n"
        passed=$((passed + 1))
    else
        printf 'sql %-16s FAILED\n' "$n"
        cat "$out_dir/$n.diff"
        failed=$((failed + 1))
    fi
done
printf 'sql: %d passed, %d failed\n' "$passed" "$failed"
[ "$failed" -eq 0 ]
