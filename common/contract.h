/*
 * contract.h — the C side of the contract between the daemon and the SQL API.
 *
 * What it is for: entry kinds (name, path, Dutch labels), HTTP reason
 * phrases, problem types, shared limits and code shapes, all generated from
 * common/contract.def, so C never types them again. The same file is printed
 * as SQL by common/contract_sql.c into ${CMAKE_BINARY_DIR}/generated/contract.sql
 * (functions sk_contract_limit, sk_contract_kind_path, sk_contract_kind_label,
 * sk_contract_kind_names, sk_contract_channel_names,
 * sk_contract_channel_label, sk_contract_status_title, sk_contract_problem_type,
 * sk_contract_problem_title, sk_contract_pattern), embedded into the binaries
 * as the first of the API's files (sk_contract_sql, embedded.h).
 *
 * How migrate applies it: with sql/api/, first (server/cli/migrate.c), recorded
 * in schema_api as contract.sql. Plain CREATE OR REPLACE FUNCTION statements,
 * IMMUTABLE, no state: applying it twice changes nothing.
 *
 * What it is not for: rules that live on one side only (entry field rules
 * are validate.c's; RRULE expansion is SQL's). Pure lookups over static
 * tables: no allocation, every returned string is static.
 */
#ifndef SK_CONTRACT_H
#define SK_CONTRACT_H

#include <stdbool.h>
#include <stddef.h>

/* Entry kinds, in contract order. */
enum sk_kind {
#define SK_ENTRY_KIND(id, name, path, label, label_plural) SK_KIND_##id,
#include "contract.def"
};
enum {
    SK_KIND_COUNT = 0
#define SK_ENTRY_KIND(id, name, path, label, label_plural) +1
#include "contract.def"
};

/* How a resident reaches a service ("channels"), in contract order. */
enum sk_channel {
#define SK_CHANNEL(id, code, label) SK_CHANNEL_##id,
#include "contract.def"
};
enum {
    SK_CHANNEL_COUNT = 0
#define SK_CHANNEL(id, code, label) +1
#include "contract.def"
};

/* Shared limits: CONTRACT_LIST_MAX etc. */
enum {
#define SK_LIMIT(id, name, value) CONTRACT_##id = (value),
#include "contract.def"
};

/* Problem types of the API. */
enum contract_problem {
#define SK_PROBLEM(id, slug, status, title) CONTRACT_PROBLEM_##id,
#include "contract.def"
    CONTRACT_PROBLEM_COUNT
};

/* Code shapes. */
enum contract_pattern {
#define SK_PATTERN(id, name, regex) CONTRACT_PATTERN_##id,
#include "contract.def"
    CONTRACT_PATTERN_COUNT
};

/* The URN prefix of every problem type but about:blank. */
#define CONTRACT_PROBLEM_URN "urn:socialekaart:problem:"

/* Collection path segment ("places", "activities", "vacancies", "carer-support", "services") to kind.
 * Returns false for anything else, NULL included (out untouched). */
bool sk_kind_from_path(const char *segment, enum sk_kind *out);
/* Stored/JSON name ("place", ..., "carer_support", "service") to kind; as above. */
bool sk_kind_from_name(const char *name, enum sk_kind *out);
/* Name and path of a kind; NULL when kind is out of range. */
const char *sk_kind_name(enum sk_kind kind);
const char *sk_kind_path(enum sk_kind kind);
/* The Dutch label (singular or plural) of a kind; NULL when out of range. */
const char *sk_kind_label(enum sk_kind kind, bool plural);

/* A channel's code ("walk_in") to channel, false for anything else (out untouched); its code and
 * Dutch label, NULL when out of range. */
bool sk_channel_from_code(const char *code, enum sk_channel *out);
const char *sk_channel_code(enum sk_channel channel);
const char *sk_channel_label(enum sk_channel channel);

/* The reason phrase of an HTTP status ("Not Found"); "OK" below 400, "Error" if unknown. */
const char *contract_status_title(int status);

/* A problem's full type URN ("urn:socialekaart:problem:invalid-input"), its status, and its
 * title (the status's reason phrase when the contract gives none); NULL/0 when out of range. */
const char *contract_problem_type(enum contract_problem p);
int contract_problem_status(enum contract_problem p);
const char *contract_problem_title(enum contract_problem p, int status);

/* The regular expression of a pattern (for documentation and the SQL side). */
const char *contract_pattern_regex(enum contract_pattern p);

/* s[0..n) is a CBS municipality code: GM and four digits (CONTRACT_PATTERN_MUNICIPALITY_CODE). */
bool contract_is_municipality_code(const char *s, size_t n);
/* s[0..n) is an area code: a municipality code, then any number of "-" and one or more lowercase
 * letters or digits ("GM0512-west", "GM0512-oost-2"), at most CONTRACT_CODE_MAX bytes
 * (CONTRACT_PATTERN_AREA_CODE; the areas table's constraint). */
bool contract_is_area_code(const char *s, size_t n);

#endif
