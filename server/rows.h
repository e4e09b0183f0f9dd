/*
 * rows.h — the one shape every api_* function answers in, and the reply made
 * from it.
 *
 * An api_* function returns one row (status, etag, location, body): the
 * HTTP status, an ETag or NULL, a Location or NULL, and the JSON body or
 * NULL. rows_api_decode is the only code that knows those columns;
 * rows_reply_api passes such a row through as the request's answer and is
 * the result callback (http_result_fn) of most handlers.
 *
 * Not for rows of other shapes (the key lookup is keys.h, the schema version
 * h_system.c, the search index's loader sindex_follow.c).
 */
#ifndef SK_ROWS_H
#define SK_ROWS_H

#include <libpq-fe.h>
#include <stddef.h>

struct req_ctx;

/*
 * One decoded api_* row. Every string is borrowed from the PGresult and
 * lives as long as it does (the pool clears it when the result callback
 * returns); NULL where the column is SQL NULL.
 */
struct rows_api {
    int status;
    const char *etag;
    const char *location;
    const char *body;
    size_t body_len; /* 0 when body is NULL */
};

/* Decode res (borrowed) into *out; -1 when it is not exactly one api_* row. */
int rows_api_decode(const PGresult *res, struct rows_api *out);

/*
 * Pass an api_* row through as the reply: its status, ETag and Location
 * headers and body (a status of 400 or more as application/problem+json,
 * its detail kept as the log line's cause). Not that shape: a 500 problem.
 */
void rows_reply_api(struct req_ctx *ctx, PGresult *res);

#endif
