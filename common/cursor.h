/*
 * cursor.h — the paging cursors the API gives out, read back and checked.
 *
 * Three kinds exist. A list cursor ("<microseconds since 1970>.<uuid>", the
 * keyset of a created_at-ordered list), an id cursor (the number of the last
 * row of a newest-first log) and a search cursor (base64url of {"s": sort,
 * "h": filters hash, "k": last sort value, "i": last id}). A
 * client must only ever send back what it received; anything else is a 400
 * naming the parameter, decided here before the database is asked.
 *
 * Pure functions over caller buffers; the search cursor's text is decoded
 * with OpenSSL's base64 and parsed with json-c, and nothing is kept.
 */
#ifndef SK_CURSOR_H
#define SK_CURSOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum {
    CURSOR_TEXT_MAX = 256, /* bytes of any cursor parameter */
    CURSOR_KEY_MAX = 64,   /* bytes of a search cursor's sort value */
};

/* A decoded list cursor. */
struct list_cursor {
    int64_t at_us; /* created_at, microseconds since 1970 */
    char id[37];   /* the UUID, lower case */
};

/* A decoded search cursor. */
struct search_cursor {
    char sort[16];                /* relevance, date, distance, updated, created */
    char hash[13];                /* 12 hex digits */
    char key[CURSOR_KEY_MAX + 1]; /* the sort value of the last item, as text */
    char id[37];                  /* the last item's id */
};

/*
 * A paging number of the query string (limit, page, per_page, afterTimestamp):
 * 1 to 18 ASCII digits, nothing else (no sign, no spaces), from lo to hi
 * (lo >= 0). The one parser for them: false when text is not one.
 */
bool cursor_number(const char *text, long lo, long hi, long *out);

/* Parse a list cursor; false when text is not one this API gives out. */
bool cursor_list_decode(const char *text, size_t len, struct list_cursor *out);

/* Parse an id cursor (the audit log, webhook deliveries: a row number); false when not one. */
bool cursor_id_decode(const char *text, size_t len, int64_t *out);

/* Parse a search cursor; false when text is not one this API gives out. */
bool cursor_search_decode(const char *text, size_t len, struct search_cursor *out);

#endif
