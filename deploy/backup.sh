#!/usr/bin/env bash
# Sociale Kaart — back up the database with pg_dump (custom format: compressed, restorable
# table by table), check that pg_restore can read it, keep the newest SK_BACKUP_KEEP.
#
#   deploy/backup.sh [FILE]
#
# FILE defaults to $SK_BACKUP_DIR/socialekaart-YYYYMMDD-HHMMSS.dump ($SK_BACKUP_DIR defaults to
# $SK_DATA_DIR/backups). The database is SK_DATABASE_URL's, else the embedded cluster's in
# SK_DATA_DIR (it must be running). pg_dump reads one snapshot: the daemons keep writing while it
# runs, and the file holds the database as it was at the start. The file is written under a
# temporary name and renamed when complete and readable: a FILE that exists is a whole backup.
# Restore with deploy/restore.sh. Continuous archiving (point-in-time recovery) is
# docs/operations.md's.
#
# Environment: SK_DATABASE_URL, SK_DATA_DIR, SK_BACKUP_DIR, SK_BACKUP_KEEP (14; 0 = keep all;
# only files in SK_BACKUP_DIR named socialekaart-*.dump are removed).
#
# Licensed under the EUPL
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

sk_data_dir_init
dir="${SK_BACKUP_DIR:-$SK_DATA_DIR/backups}"
keep="${SK_BACKUP_KEEP:-14}"
case "$keep" in '' | *[!0-9]*) sk_die "SK_BACKUP_KEEP must be a whole number, not '$keep'" ;; esac
file="${1:-$dir/socialekaart-$(date -u +%Y%m%d-%H%M%S).dump}"
mkdir -p "$(dirname "$file")"
[ ! -e "$file" ] || sk_die "$file exists: a backup is never overwritten"

if [ -n "${SK_DATABASE_URL:-}" ]; then
    conn=(-d "$SK_DATABASE_URL")
else
    sk_pg_running || sk_die "the embedded PostgreSQL in $SK_DATA_DIR is not running (deploy/pg.sh start)"
    conn=(-h "$SK_PGRUN" -p "$SK_PG_PORT" -U "$SK_PG_DB" -d "$SK_PG_DB")
fi

part="$file.part"
trap 'rm -f "$part"' EXIT
t0=$(date +%s)
"$SK_PG_BIN/pg_dump" "${conn[@]}" --format=custom --compress=6 --no-owner --no-privileges \
    --file="$part" || sk_die "pg_dump failed; no backup written"
"$SK_PG_BIN/pg_restore" --list "$part" >/dev/null || sk_die "pg_restore cannot read the dump; no backup written"
mv "$part" "$file"
trap - EXIT
sk_log "backup $file ($(du -h "$file" | cut -f1), $(($(date +%s) - t0)) s)"

if [ "$keep" -gt 0 ] && [ -z "${1:-}" ]; then
    # only this script's own files, oldest first by their names' timestamps
    mapfile -t old < <(find "$dir" -maxdepth 1 -name 'socialekaart-*.dump' -printf '%f\n' | sort | head -n -"$keep")
    for f in "${old[@]}"; do
        rm -f "$dir/$f" && sk_log "removed old backup $dir/$f"
    done
fi
