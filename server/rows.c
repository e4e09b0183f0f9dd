/*
 * rows.c — decode an api_* row; pass it through as the reply.
 */
#include "rows.h"

#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http.h"
#include "problem.h"

/* Columns every api_* function returns (sql/: "RETURNS TABLE (status, etag, location, body)"). */
enum {
    ROWS_COL_STATUS,
    ROWS_COL_ETAG,
    ROWS_COL_LOCATION,
    ROWS_COL_BODY,
    ROWS_NCOLS
};

static const char *rows_text(const PGresult *res, int col)
{
    return PQgetisnull(res, 0, col) ? NULL : PQgetvalue(res, 0, col);
}

int rows_api_decode(const PGresult *res, struct rows_api *out)
{
    memset(out, 0, sizeof(*out));
    if (res == NULL || PQntuples(res) != 1 || PQnfields(res) < ROWS_NCOLS)
        return -1;
    out->status = atoi(PQgetvalue(res, 0, ROWS_COL_STATUS));
    out->etag = rows_text(res, ROWS_COL_ETAG);
    out->location = rows_text(res, ROWS_COL_LOCATION);
    out->body = rows_text(res, ROWS_COL_BODY);
    out->body_len = out->body ? (size_t)PQgetlength(res, 0, ROWS_COL_BODY) : 0;
    return 0;
}

/* A problem's detail, for the request's one log line. */
static void rows_keep_cause(struct req_ctx *ctx, const char *body)
{
    struct json_object *p = json_tokener_parse(body);
    struct json_object *d;
    if (p && json_object_object_get_ex(p, "detail", &d))
        snprintf(ctx->cause, sizeof(ctx->cause), "%s", json_object_get_string(d));
    json_object_put(p);
}

void rows_reply_api(struct req_ctx *ctx, PGresult *res)
{
    struct rows_api row;

    if (rows_api_decode(res, &row) < 0) {
        http_problem(ctx, 500, "The database returned an unexpected result.", NULL);
        return;
    }
    if (row.etag)
        http_header(ctx, "ETag", row.etag);
    if (row.location)
        http_header(ctx, "Location", row.location);
    if (row.status >= 400 && row.body) {
        char *with_instance;
        size_t len = 0;
        rows_keep_cause(ctx, row.body);
        with_instance = problem_add_instance(row.body, ctx->path, &len); /* SQL leaves instance out */
        if (with_instance) {
            http_reply(ctx, row.status, "application/problem+json", with_instance, len);
            free(with_instance);
            return;
        }
    }
    http_reply(ctx, row.status, row.status >= 400 ? "application/problem+json" : NULL, row.body, row.body_len);
}
