/*
 * schema.h — what the embedded SQL says about the database: the versions of
 * sql/schema/, the checksums that pin each file, and the fingerprint of this
 * release's sql/api/.
 *
 * A schema file is applied once and never edited afterwards; its SHA-256 is
 * recorded in schema_migrations.checksum and compared on every migrate. The API
 * files are replaced as a whole whenever their fingerprint differs from the one
 * recorded in schema_api, so a database runs exactly the code of its release.
 */
#ifndef SK_SCHEMA_H
#define SK_SCHEMA_H

#include <stddef.h>

#include "embedded.h"

#define SCHEMA_CHECKSUM_LEN 64 /* SHA-256 in lowercase hex, without the NUL */

/* The line in a schema file after which its statements call sql/api/ functions:
 * migrate runs that part once this release's API is in place. */
#define SCHEMA_AFTER_API_MARK "\n-- migrate: after api\n"

/* The version a schema file name starts with ("0003_api.sql" -> 3); -1 if none. */
int schema_migration_version(const char *filename);

/* The highest version among the embedded schema files: what this build needs. */
int schema_expected_version(void);

/* SHA-256 of f's contents as lowercase hex into out (SCHEMA_CHECKSUM_LEN + 1 bytes).
 * Returns 0, or -1 when the digest could not be computed. */
int schema_checksum(const struct sk_embedded_file *f, char *out);

/* The fingerprint of this build's API: "name=checksum" for each sql/api file in
 * apply order, separated by one space; the same text migrate records (see
 * schema_api in server/cli/migrate.c). Computed once; static storage, never
 * freed; NULL if a digest failed. */
const char *schema_api_fingerprint(void);

/* Does a database that reports schema version `version` and API fingerprint `api` (the two
 * columns of the daemon's schema_version statement) run this build's schema and code? Returns 0,
 * or -1 with the reason, in English for the log, in why[why_len]. api NULL: not recorded. */
int schema_check(const char *version, const char *api, char *why, size_t why_len);

#endif
