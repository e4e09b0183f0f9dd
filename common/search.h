/*
 * search.h — the resident search's query parameters: parsed, checked and
 * normalised into the one JSON object api_search (sql/api/search.sql) takes.
 *
 * Every parameter is bounded here (lengths, counts, ranges, date windows),
 * so nothing a client sends can make the database scan without limit. Each
 * error names the parameter and the rule; the caller answers 400 with all of
 * them. Unknown parameters are errors too, so a typo ("aera=") is not
 * silently ignored.
 *
 * Pure: no I/O. The caller owns the input pairs (borrowed for the call) and
 * the returned json-c object (json_object_put).
 */
#ifndef SK_SEARCH_H
#define SK_SEARCH_H

#include <stddef.h>

#include "validate.h"

struct json_object;

struct search_pair {
    const char *key;
    const char *value;
};

/* Limits of the search (documented in the OpenAPI document). */
enum {
    SEARCH_Q_MAX = 200,   /* characters of q */
    SEARCH_LIST_MAX = 20, /* codes per list parameter */
    SEARCH_LIMIT_MAX = CONTRACT_SEARCH_MAX,
    SEARCH_LIMIT_DEFAULT = CONTRACT_SEARCH_DEFAULT,
    SEARCH_RADIUS_MAX = 50000, /* metres */
    SEARCH_RADIUS_DEFAULT = 5000,
    SEARCH_WINDOW_DAYS_MAX = 366,
    SEARCH_YEAR_MIN = 2000, /* dates of from, to and open_at (as schedules, validate.c) */
    SEARCH_YEAR_MAX = 2100,
    SEARCH_CURSOR_MAX = 256
};

/*
 * Parse pairs[0..n-1] into the normalised parameter object. fixed_kind, when
 * not NULL ("place", ...), is the kind of a list endpoint: "kind" is then
 * not accepted and the result is limited to that kind. Returns a new object,
 * or NULL with errors in errs (at least one).
 */
struct json_object *search_params_parse(const struct search_pair *pairs, size_t n, const char *fixed_kind,
                                        struct verr_list *errs);

/*
 * Parse the from/to window of the occurrences endpoint ("YYYY-MM-DD" or
 * "YYYY-MM-DDTHH:MM", local time) into "YYYY-MM-DDTHH:MM" texts (17 bytes
 * each). Missing from = today is the caller's choice: pass NULL to require it.
 * Returns 0, or -1 with errors.
 */
int search_window_parse(const char *from, const char *to, char *from_out, char *to_out, struct verr_list *errs);

#endif
