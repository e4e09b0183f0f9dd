#!/usr/bin/env bash
# Sociale Kaart — control the embedded PostgreSQL cluster in $SK_DATA_DIR
# (default <repo>/var).
#
#   deploy/pg.sh start           create the cluster if needed, start it, create the database
#   deploy/pg.sh stop            fast, clean shutdown
#   deploy/pg.sh restart
#   deploy/pg.sh status          exit 0 when running, 3 when not
#   deploy/pg.sh psql [ARGS...]  psql on database socialekaart
#   deploy/pg.sh conninfo        print the libpq connection string
#
# Licensed under the EUPL
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

cmd="${1:-}"
if [ $# -gt 0 ]; then shift; fi

case "$cmd" in
    start)
        sk_pg_prepare
        sk_pg_start
        ;;
    stop)
        sk_data_dir_init
        sk_pg_stop
        ;;
    restart)
        sk_pg_prepare
        sk_pg_stop
        sk_pg_start
        ;;
    status)
        sk_data_dir_init
        sk_pg_status
        ;;
    psql)
        sk_data_dir_init
        exec "$SK_PG_BIN/psql" -X -h "$SK_PGRUN" -p "$SK_PG_PORT" -U "$SK_PG_DB" -d "$SK_PG_DB" "$@"
        ;;
    conninfo)
        sk_data_dir_init
        sk_pg_conninfo
        echo
        ;;
    *)
        echo "usage: $0 start|stop|restart|status|psql [ARGS...]|conninfo" >&2
        exit 2
        ;;
esac
