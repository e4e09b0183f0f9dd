#!/usr/bin/env bash
# Sociale Kaart — restore a backup of deploy/backup.sh into a new database.
#
#   deploy/restore.sh FILE [DATABASE]
#
# DATABASE (default socialekaart_restored) is created on the server of SK_DATABASE_URL, else
# in the embedded cluster of SK_DATA_DIR; it must not exist: a restore never overwrites. The
# restore is one transaction: a damaged file leaves no database behind. Then the schema is
# brought to this release (socialekaart migrate, when the CLI is built), so a backup of an
# older release restores too. To serve from it, stop the daemons, point SK_DATABASE_URL at it
# (or rename the databases) and start them; docs/operations.md has the steps.
#
# Environment: SK_DATABASE_URL, SK_DATA_DIR, SK_CLI (default build/socialekaart).
#
# Licensed under the EUPL
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

[ $# -ge 1 ] && [ $# -le 2 ] || sk_die "usage: deploy/restore.sh FILE [DATABASE]"
file="$1"
target="${2:-socialekaart_restored}"
[ -r "$file" ] || sk_die "cannot read $file"
[[ "$target" =~ ^[a-z_][a-z0-9_]{0,62}$ ]] || sk_die "DATABASE must be a plain name (a-z, 0-9, _), not '$target'"
sk_data_dir_init

# conn_to NAME: the connection to database NAME on the same server
if [ -n "${SK_DATABASE_URL:-}" ]; then
    conn_to() {
        case "$SK_DATABASE_URL" in
            postgres://* | postgresql://*) # a URI: replace its path
                printf '%s' "$SK_DATABASE_URL" | sed -E "s#^(postgres(ql)?://[^/?]*)(/[^?]*)?#\\1/$1#" ;;
            *) printf '%s dbname=%s' "$SK_DATABASE_URL" "$1" ;; # keywords: the last dbname wins
        esac
    }
else
    sk_pg_running || sk_die "the embedded PostgreSQL in $SK_DATA_DIR is not running (deploy/pg.sh start)"
    conn_to() { printf 'host=%s port=%s user=%s dbname=%s' "$SK_PGRUN" "$SK_PG_PORT" "$SK_PG_DB" "$1"; }
fi

"$SK_PG_BIN/pg_restore" --list "$file" >/dev/null 2>&1 || sk_die "$file is not a backup pg_restore can read"
psql_on() { "$SK_PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -d "$(conn_to "$1")" "${@:2}"; }
exists="$(psql_on postgres -At -c "SELECT 1 FROM pg_database WHERE datname = '$target'")"
[ -z "$exists" ] || sk_die "database $target exists: a restore never overwrites (choose another name or drop it)"

t0=$(date +%s)
psql_on postgres -c "CREATE DATABASE \"$target\""
if ! "$SK_PG_BIN/pg_restore" --exit-on-error --single-transaction --no-owner --no-privileges \
    -d "$(conn_to "$target")" "$file"; then
    psql_on postgres -c "DROP DATABASE IF EXISTS \"$target\"" || true
    sk_die "the restore of $file failed; database $target is removed again"
fi
cli="${SK_CLI:-$SK_ROOT/build/socialekaart}"
if [ -x "$cli" ]; then
    SK_DATABASE_URL="$(conn_to "$target")" "$cli" migrate || sk_die "restored into $target, but socialekaart migrate failed"
fi
sk_log "restored $file into database $target ($(($(date +%s) - t0)) s)"
