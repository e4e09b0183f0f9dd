/*
 * db_catalog.c — every SQL statement the daemon sends, in one place.
 *
 * Each is prepared on every new connection (db.c); requests only ever send
 * a statement name and parameters, never SQL text. Most statements call an
 * api_* function (sql/migrations) that authorises, writes, audits and renders
 * JSON in one statement, and so in one transaction.
 */
#include "db.h"

const struct db_statement db_statements[STMT_COUNT_] = {
    [STMT_SCHEMA_VERSION] = {"schema_version",
                             "SELECT coalesce(max(version), 0) FROM schema_migrations", 0},
    [STMT_AUTH_KEY] = {"auth_key",
                       "SELECT organisation_id, role, secret_hash, municipalities, "
                       "revoked_at IS NOT NULL FROM api_keys WHERE id = $1::uuid",
                       1},
};
