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

    /* api_* functions (sql/migrations/0003_api.sql); the last four
     * parameters are always the caller: role, organisation, key, scope. */
    [STMT_ENTRY_GET] = {"entry_get", "SELECT * FROM api_entry_get($1::text, $2::uuid, $3::text, $4::text, $5::uuid, $6::uuid, $7::text[])", 7},
    [STMT_ENTRY_LIST] = {"entry_list", "SELECT * FROM api_entry_list($1::text, $2::int, $3::text, $4::text, $5::text, $6::uuid, $7::uuid, $8::text[])", 8},
    [STMT_ENTRY_CREATE] = {"entry_create", "SELECT * FROM api_entry_create($1::text, $2::jsonb, $3::jsonb, $4::text, $5::text, $6::uuid, $7::uuid, $8::text[])", 8},
    [STMT_ENTRY_UPDATE] = {"entry_update", "SELECT * FROM api_entry_update($1::text, $2::uuid, $3::jsonb, $4::boolean, $5::int, $6::jsonb, $7::text, $8::uuid, $9::uuid, $10::text[])", 10},
    [STMT_ENTRY_DELETE] = {"entry_delete", "SELECT * FROM api_entry_delete($1::text, $2::uuid, $3::int, $4::boolean, $5::text, $6::uuid, $7::uuid, $8::text[])", 8},
    [STMT_AREAS_LIST] = {"areas_list", "SELECT * FROM api_areas_list($1::text, $2::boolean)", 2},
    [STMT_AREA_GET] = {"area_get", "SELECT * FROM api_area_get($1::text)", 1},
    [STMT_AREA_UPSERT] = {"area_upsert", "SELECT * FROM api_area_upsert($1::text, $2::jsonb, $3::text, $4::uuid, $5::uuid, $6::text[])", 6},
    [STMT_AREA_RETIRE] = {"area_retire", "SELECT * FROM api_area_retire($1::text, $2::text, $3::uuid, $4::uuid, $5::text[])", 5},
    [STMT_AREA_BOUNDARY_SET] = {"area_boundary_set", "SELECT * FROM api_area_boundary_set($1::text, $2::jsonb, $3::text, $4::uuid, $5::uuid, $6::text[])", 6},
    [STMT_VOCAB_LIST] = {"vocab_list", "SELECT * FROM api_vocab_list($1::text, $2::boolean)", 2},
    [STMT_VOCAB_UPSERT] = {"vocab_upsert", "SELECT * FROM api_vocab_upsert($1::text, $2::text, $3::jsonb, $4::text, $5::uuid, $6::uuid, $7::text[])", 7},
    [STMT_VOCAB_RETIRE] = {"vocab_retire", "SELECT * FROM api_vocab_retire($1::text, $2::text, $3::text, $4::uuid, $5::uuid, $6::text[])", 6},
    [STMT_ORG_LIST] = {"org_list", "SELECT * FROM api_org_list($1::int, $2::text, $3::text, $4::uuid, $5::uuid, $6::text[])", 6},
    [STMT_ORG_GET] = {"org_get", "SELECT * FROM api_org_get($1::uuid, $2::text, $3::uuid, $4::uuid, $5::text[])", 5},
    [STMT_ORG_CREATE] = {"org_create", "SELECT * FROM api_org_create($1::jsonb, $2::text, $3::uuid, $4::uuid, $5::text[])", 5},
    [STMT_ORG_UPDATE] = {"org_update", "SELECT * FROM api_org_update($1::uuid, $2::jsonb, $3::text, $4::uuid, $5::uuid, $6::text[])", 6},
    [STMT_AUDIT_LIST] = {"audit_list", "SELECT * FROM api_audit_list($1::uuid, $2::int, $3::text, $4::text, $5::uuid, $6::uuid, $7::text[])", 7},
};
