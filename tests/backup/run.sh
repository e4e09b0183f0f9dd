#!/usr/bin/env bash
# Backup and restore end to end (issue 17, item 5), in the embedded cluster of SK_DATA_DIR:
# a database with the demo data and writes of every kind is backed up (deploy/backup.sh) while a
# writer keeps writing, restored into a new database (deploy/restore.sh) and compared with the
# database as it was when the backup began: the same rows in every table, the same sequences.
# Then what must fail does, leaving nothing behind: a restore over an existing database, a cut-off
# backup file.
# Usage: SK_DATA_DIR=... tests/backup/run.sh [BUILD_DIR]
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
build="${1:-$root/build}" cli="$build/socialekaart"
run="$SK_DATA_DIR/run" pgbin=/usr/lib/postgresql/15/bin tmp="$(mktemp -d)"
writer=""
cleanup() {
    # a stopped writer takes no SIGTERM until it is continued
    [ -z "$writer" ] || { kill "$writer" && kill -CONT "$writer"; } 2>/dev/null || true
    rm -rf "$tmp"
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
url() { printf 'host=%s port=5432 dbname=%s user=socialekaart' "$run" "$1"; }
q() { "$pgbin/psql" -X -q -At -v ON_ERROR_STOP=1 -d "$(url "$1")" -c "$2"; }
for d in sk_backup_src sk_backup_dst sk_backup_cut; do "$pgbin/dropdb" -h "$run" -U socialekaart --if-exists "$d"; done

# the source: migrated, the demo data, an organisation and keys through the CLI
"$pgbin/createdb" -h "$run" -U socialekaart sk_backup_src
export SK_DATABASE_URL="$(url sk_backup_src)"
"$cli" migrate >/dev/null
"$cli" seed demo >/dev/null
org="$("$cli" org create --name "Buurthuis De Backup" 2>/dev/null | grep -Eo '[0-9a-f-]{36}' | head -n 1)"
[ -n "$org" ] || fail "socialekaart org create printed no id"
"$cli" key create --role partner --org "$org" >/dev/null 2>&1 || fail "socialekaart key create"
entries="$(q sk_backup_src "SELECT count(*) FROM entries")"
[ "$entries" -gt 0 ] || fail "the demo data has no entries"

# a writer keeps writing while the backup runs: the backup is the database at its start
(while :; do q sk_backup_src "UPDATE entries SET updated_at = clock_timestamp()
    WHERE id = (SELECT id FROM entries ORDER BY random() LIMIT 1)" >/dev/null || exit 0; done) &
writer=$!
# what the database held just before: a plain dump of every table's rows, ordered
snapshot() { # snapshot DB OUT: every row (a data-only dump), and the schema's objects by name
    "$pgbin/pg_dump" -d "$(url "$1")" --data-only --no-owner --no-privileges 2>/dev/null |
        grep -v -E '^(--|$|\\(un)?restrict )' >"$2"
    # the schema: CHECK texts are re-parsed on restore (parentheses change), so by names and bodies
    q "$1" "SELECT 'constraint ' || conrelid::regclass || ' ' || conname || ' ' || contype::text FROM pg_constraint
              WHERE connamespace = 'public'::regnamespace
            UNION ALL SELECT 'index ' || indexrelid::regclass FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
              WHERE c.relnamespace = 'public'::regnamespace
            UNION ALL SELECT 'function ' || p.oid::regprocedure || ' ' || md5(p.prosrc) FROM pg_proc p
              WHERE p.pronamespace = 'public'::regnamespace
            UNION ALL SELECT 'column ' || attrelid::regclass || '.' || attname || ' ' || format_type(atttypid, atttypmod)
              FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
             WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'v', 'm') AND a.attnum > 0
               AND NOT a.attisdropped
            UNION ALL SELECT 'trigger ' || tgrelid::regclass || ' ' || tgname FROM pg_trigger WHERE NOT tgisinternal
            ORDER BY 1" >>"$2"
}
kill -STOP "$writer"
snapshot sk_backup_src "$tmp/before.sql"
SK_BACKUP_DIR="$tmp/backups" "$root/deploy/backup.sh" >/dev/null 2>"$tmp/backup.err" &
backup=$!
# once pg_dump holds its snapshot (a repeatable-read transaction past its first query), write
for _ in $(seq 200); do
    kill -0 "$backup" 2>/dev/null || break
    [ -z "$(q postgres "SELECT 1 FROM pg_stat_activity WHERE application_name = 'pg_dump'
        AND datname = 'sk_backup_src' AND backend_xmin IS NOT NULL AND xact_start < query_start")" ] || break
    sleep 0.05
done
kill -CONT "$writer"
wait "$backup" || fail "deploy/backup.sh: $(cat "$tmp/backup.err")"
kill "$writer"
wait "$writer" 2>/dev/null || true
writer=""
file="$(find "$tmp/backups" -name 'socialekaart-*.dump' | head -n 1)"
[ -s "$file" ] || fail "no backup file in $tmp/backups"
[ -z "$(find "$tmp/backups" -name '*.part')" ] || fail "a part file was left"

# restored into a new database: the same as before the writer went on
SK_CLI="$cli" "$root/deploy/restore.sh" "$file" sk_backup_dst >/dev/null 2>"$tmp/restore.err" ||
    fail "deploy/restore.sh: $(cat "$tmp/restore.err")"
snapshot sk_backup_dst "$tmp/after.sql"
if ! diff -q "$tmp/before.sql" "$tmp/after.sql" >/dev/null; then
    diff "$tmp/before.sql" "$tmp/after.sql" | head -n 20 >&2
    fail "the restored database differs from the source as it was when the backup began"
fi
[ "$(q sk_backup_dst "SELECT count(*) FROM entries")" = "$entries" ] || fail "entries lost in the restore"
# the restored database is at this release's schema, and the daemon's checks agree
SK_DATABASE_URL="$(url sk_backup_dst)" "$cli" migrate 2>&1 | grep -q "already" ||
    fail "socialekaart migrate on the restored database did not find it up to date"

# never over an existing database; the existing one is left as it was
if SK_CLI="$cli" "$root/deploy/restore.sh" "$file" sk_backup_dst 2>"$tmp/err"; then fail "a restore overwrote a database"; fi
grep -q "exists" "$tmp/err" || fail "no clear message for an existing database: $(cat "$tmp/err")"
[ "$(q sk_backup_dst "SELECT count(*) FROM entries")" = "$entries" ] || fail "the refused restore changed the database"

# a cut-off file: refused, no database left behind
head -c "$(($(stat -c %s "$file") / 2))" "$file" >"$tmp/cut.dump"
if SK_CLI="$cli" "$root/deploy/restore.sh" "$tmp/cut.dump" sk_backup_cut 2>"$tmp/err"; then fail "a cut-off backup restored"; fi
[ -z "$(q postgres "SELECT 1 FROM pg_database WHERE datname = 'sk_backup_cut'")" ] ||
    fail "a failed restore left database sk_backup_cut behind"

# a backup file is never overwritten
if "$root/deploy/backup.sh" "$file" 2>"$tmp/err"; then fail "a backup overwrote $file"; fi

for d in sk_backup_src sk_backup_dst; do "$pgbin/dropdb" -h "$run" -U socialekaart "$d"; done
echo "backup and restore: $entries entries, restored equal; refusals hold"
