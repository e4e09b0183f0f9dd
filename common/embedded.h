/*
 * embedded.h — files compiled into the binaries at build time.
 *
 * common/embed.cmake generates the definitions from the files in sql/schema/, sql/api/,
 * sql/seed/demo.sql, docs/openapi.json, common/tsearch/ and the files in server/web/. The data is static,
 * read-only and NUL-terminated (len excludes the NUL), so SQL can be passed
 * to libpq as a C string. Nobody frees any of it.
 */
#ifndef SK_EMBEDDED_H
#define SK_EMBEDDED_H

#include <stddef.h>

struct sk_embedded_file {
    const char *name;          /* file name without directory, e.g. "0001_foundation.sql" */
    const unsigned char *data; /* NUL-terminated contents */
    size_t len;                /* length in bytes, without the NUL */
};

/* sql/schema/, sorted by file name; the version is the leading number ("0003_api.sql" -> 3).
 * Each is applied once and never edited afterwards (migrate checks the recorded checksum). */
extern const struct sk_embedded_file sk_schema_files[];
extern const size_t sk_schema_files_count;

/* sql/api/, in the order of SK_API_FILES (CMakeLists.txt): the one current definition of every
 * function, trigger, view and composite type, replaced as a whole by migrate when it changes. */
extern const struct sk_embedded_file sk_api_files[];
extern const size_t sk_api_files_count;

/* The contract's SQL functions (sk_contract_*, generated from common/contract.def by
 * common/contract_sql.c; see contract.h): the first API file, so migrate applies it with
 * the rest of the API, before the functions that call it. */
#define sk_contract_sql (sk_api_files[0])

extern const struct sk_embedded_file sk_seed_demo;
extern const struct sk_embedded_file sk_openapi_json;

/* PostgreSQL's accent rules and Dutch stop words (common/tsearch/), for textsearch.c. */
extern const struct sk_embedded_file sk_unaccent_rules;
extern const struct sk_embedded_file sk_dutch_stop;

extern const struct sk_embedded_file sk_web_assets[];
extern const size_t sk_web_assets_count;

#endif
