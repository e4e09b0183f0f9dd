#!/usr/bin/env bash
# tests/upgrade/run.sh [CLI] — the upgrade test, against the cluster of $SK_DATA_DIR.
#
# A database created by the previous release (wave 1: tests/upgrade/wave-1.tar.gz is
# `git archive wave-1 sql/migrations sql/seed/demo.sql`, applied the way its migrate did) and
# holding its demo data is migrated by this build's CLI (default build/socialekaart). Then:
#   1. its catalogue (tests/upgrade/catalogue.sql) equals that of a fresh database;
#   2. its data is unchanged;
#   3. a second migrate changes nothing;
#   4. code the database has and this release does not is dropped;
#   5. a schema file changed after it was applied stops migrate, which names it;
#   6. sql/schema/ matches sql/schema/SHA256SUMS: an applied file is never edited.
# Prints one line per check and "upgrade: N passed, M failed"; exit 1 on any failure.
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=../../deploy/lib.sh
. "$here/../../deploy/lib.sh"
cd "$SK_ROOT" || exit 1
cli="${1:-build/socialekaart}"
sk_pg_prepare >/dev/null 2>&1
passed=0
failed=0
work="$(mktemp -d "${TMPDIR:-/tmp}/sk-upgrade.XXXXXX")"
old=sk_upgrade_old
new=sk_upgrade_new
cleanup() {
    sk_psql -d postgres -qc "DROP DATABASE IF EXISTS $old" -c "DROP DATABASE IF EXISTS $new" >/dev/null 2>&1
    rm -rf "$work"
}
trap cleanup EXIT

check() { # check NAME COMMAND...: run COMMAND, count it
    local name="$1"
    shift
    if "$@" >"$work/out" 2>&1; then
        passed=$((passed + 1))
        echo "ok: $name"
    else
        failed=$((failed + 1))
        echo "FAILED: $name"
        sed 's/^/    /' "$work/out" | head -n 40
    fi
}
q() { sk_psql -X -q -v ON_ERROR_STOP=1 -d "$@"; }
url() { sk_pg_conninfo | sed "s/dbname=[^ ]*/dbname=$1/"; }
migrate() { SK_DATABASE_URL="$(url "$1")" "$cli" migrate; }
catalogue() { q "$1" -f "$here/catalogue.sql" >"$2"; }
# Every table's rows, hashed: what an upgrade must leave alone. The columns are those the
# tables had before the upgrade (data_columns): a column a release adds is not a changed row.
# sk_docs holds the index's rendering of each entry, not data: a release that renders an entry
# with more members renders them again (0018), so there the rows (entry, language) must stay,
# not their text. sk_index_catalog is a counter the search index follows, not data: a migration
# that changes the catalogue (0020 gives the Gildenwijk its alias) bumps it, as it must.
data_columns() {
    q "$1" -At -c "SELECT c.relname || ' ' || string_agg(quote_ident(a.attname), ',' ORDER BY a.attnum)
                     FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
                    WHERE c.relnamespace = 'public'::regnamespace AND c.relkind = 'r'
                      AND c.relname NOT IN ('schema_migrations', 'schema_api', 'spatial_ref_sys', 'sk_index_catalog')
                      AND (c.relname <> 'sk_docs' OR a.attname IN ('entry_id', 'lang'))
                    GROUP BY c.relname ORDER BY c.relname"
}
data_hash() { # data_hash DB COLUMNS_FILE
    local rel cols
    while read -r rel cols; do
        printf '%s %s\n' "$rel" "$(q "$1" -At -c "SELECT md5(coalesce(string_agg(x::text, ',' ORDER BY x::text), ''))
                                                 FROM (SELECT $cols FROM $rel) x")"
    done <"$2"
}

# The previous release, the way its migrate applied it: each file in one transaction, recorded.
wave1() {
    local f v
    tar -xzf "$here/wave-1.tar.gz" -C "$work" &&
        q postgres -c "DROP DATABASE IF EXISTS $old" -c "CREATE DATABASE $old OWNER $SK_PG_DB" &&
        q "$old" -c "CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())" || return 1
    for f in "$work"/sql/migrations/*.sql; do
        v="$(basename "$f")"
        q "$old" -1 -f "$f" -c "INSERT INTO schema_migrations (version, name) VALUES (${v%%_*}, '$v')" >/dev/null || return 1
    done
    q "$old" -1 -f "$work/sql/seed/demo.sql" >/dev/null
}

check "a database of the previous release, with its demo data" wave1
data_columns "$old" >"$work/columns-before"
data_hash "$old" "$work/columns-before" >"$work/data-before"
check "this build migrates it" migrate "$old"
q postgres -c "DROP DATABASE IF EXISTS $new" -c "CREATE DATABASE $new OWNER $SK_PG_DB" >/dev/null 2>&1
check "this build migrates a fresh database" migrate "$new"
catalogue "$old" "$work/cat-old"
catalogue "$new" "$work/cat-new"
check "the upgraded catalogue is the fresh one ($(wc -l <"$work/cat-new") objects)" \
    diff -u "$work/cat-new" "$work/cat-old"
data_hash "$old" "$work/columns-before" >"$work/data-after"
check "the upgrade keeps every row ($(grep -c . "$work/data-after") tables)" \
    diff -u "$work/data-before" "$work/data-after"
check "a second migrate changes nothing" bash -c "
    out=\$(SK_DATABASE_URL='$(url "$old")' '$cli' migrate 2>&1) || { echo \"\$out\"; exit 1; }
    grep -q 'already this release' <<<\"\$out\" || { echo \"\$out\"; exit 1; }"
catalogue "$old" "$work/cat-again"
check "... and leaves the catalogue as it was" diff -u "$work/cat-old" "$work/cat-again"

# Code of an older release that this one does not have: a function, a trigger, a view.
q "$old" -c "CREATE FUNCTION sk_left_behind() RETURNS trigger LANGUAGE plpgsql AS 'BEGIN RETURN NEW; END';
             CREATE TRIGGER left_behind BEFORE UPDATE ON themes FOR EACH ROW EXECUTE FUNCTION sk_left_behind();
             CREATE VIEW sk_left_behind_view AS SELECT 1 AS one;
             UPDATE schema_api SET checksum = 'older' WHERE file = 'core.sql';" >/dev/null
check "a migrate replaces an older release's code" migrate "$old"
catalogue "$old" "$work/cat-left"
check "... and drops what this release does not define" diff -u "$work/cat-new" "$work/cat-left"

q "$old" -c "UPDATE schema_migrations SET checksum = repeat('0', 64) WHERE version = 3" >/dev/null
check "migrate refuses a schema file changed after it was applied, naming it" bash -c "
    if out=\$(SK_DATABASE_URL='$(url "$old")' '$cli' migrate 2>&1); then echo 'migrate passed: '\"\$out\"; exit 1; fi
    grep -q '0003_api.sql changed after it was applied' <<<\"\$out\" || { echo \"\$out\"; exit 1; }"

check "sql/schema/ matches sql/schema/SHA256SUMS (applied files are never edited)" bash -c '
    cd sql/schema && sha256sum --quiet -c SHA256SUMS &&
    for f in *.sql; do grep -q "  $f\$" SHA256SUMS || { echo "$f is not in sql/schema/SHA256SUMS"; exit 1; }; done'

printf 'upgrade: %d passed, %d failed\n' "$passed" "$failed"
[ "$failed" -eq 0 ]
