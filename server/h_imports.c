/*
 * POST /api/v1/imports?apply=true|false&format=hsds|json|csv (moderators) and
 * GET /api/v1/imports/template.csv (anyone). municipality=GM0512 is the
 * municipality of rows that name none (an HSDS file never does).
 *
 * The body is read here by common/import.c (the same code as the CLI's
 * `socialekaart import`) into rows; api_import (sql/api/imports.sql) maps the
 * codes, applies the entries' rules and answers the per-row report, in one
 * call: a dry run (apply=false, the default) does everything and rolls back;
 * apply=true writes only when every row is fine (all or nothing, as the CLI).
 * The body is bounded by max_body_bytes (cfg), the rows by sk_import_max_rows
 * (5,000; more → 413): a bigger kaart goes in parts, or by the CLI.
 */
#include <event2/buffer.h>
#include <event2/http.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cfg.h"
#include "contract.h"
#include "http.h"
#include "import.h"
#include "routes.h"
#include "rows.h"
#include "worker.h"

enum {
    IMPORT_HTTP_ROWS_MAX = 5000
};

void h_import_template(struct req_ctx *ctx)
{
    http_reply(ctx, 200, "text/csv; charset=utf-8", import_csv_template, strlen(import_csv_template));
}

void h_import(struct req_ctx *ctx)
{
    struct evbuffer *in = evhttp_request_get_input_buffer(ctx->req);
    const char *ct = evhttp_find_header(evhttp_request_get_input_headers(ctx->req), "Content-Type");
    const char *apply = http_query_arg(ctx, "apply"), *fmt_name = http_query_arg(ctx, "format");
    const char *muni = http_query_arg(ctx, "municipality");
    enum import_format fmt = IMPORT_FORMAT_AUTO, used;
    size_t n = evbuffer_get_length(in);
    char err[IMPORT_ERR_SIZE];
    struct json_object *rows;
    unsigned char *data;

    if (apply != NULL && strcmp(apply, "true") != 0 && strcmp(apply, "false") != 0) {
        http_bad_field(ctx, 400, "apply", "must be true or false");
        return;
    }
    if (fmt_name != NULL && (import_format_parse(fmt_name, &fmt) < 0)) {
        http_bad_field(ctx, 400, "format", "must be hsds, json or csv");
        return;
    }
    if (muni != NULL && !contract_is_municipality_code(muni, strlen(muni))) {
        http_bad_field(ctx, 400, "municipality", "must be a CBS code like GM0512");
        return;
    }
    if (fmt == IMPORT_FORMAT_AUTO && ct != NULL && strncasecmp(ct, "text/csv", 8) == 0)
        fmt = IMPORT_FORMAT_CSV;
    else if (ct == NULL || (strncasecmp(ct, "text/csv", 8) != 0 && strncasecmp(ct, "application/json", 16) != 0)) {
        http_problem(ctx, 415, "Send the file as 'text/csv' or 'application/json'.", NULL);
        return;
    }
    if (n == 0) {
        http_bad_field(ctx, 400, "body", "the request body is empty; send the file to import");
        return;
    }
    if (n > (size_t)ctx->w->cfg->max_body_bytes) {
        http_problem(ctx, 413, "The file is larger than this server takes (max_body_bytes); split it.", NULL);
        return;
    }
    data = evbuffer_pullup(in, -1);
    if (data == NULL) {
        http_problem(ctx, 503, "Out of memory.", NULL);
        return;
    }
    /* every row is read (the body is bounded), then the count judged: 413 names it */
    rows = import_parse(fmt, (const char *)data, n, n, &used, err, sizeof(err));
    if (rows == NULL) { /* a file that cannot be read at all: broken CSV or JSON, an unknown column */
        http_problem(ctx, 400, err, NULL);
        return;
    }
    if (json_object_array_length(rows) > IMPORT_HTTP_ROWS_MAX) {
        char detail[160];
        snprintf(detail, sizeof(detail), "The file has %zu rows; one request takes at most %d. Split the file.",
                 json_object_array_length(rows), IMPORT_HTTP_ROWS_MAX);
        json_object_put(rows);
        http_problem(ctx, 413, detail, NULL);
        return;
    }
    ctx->params[0] = http_keep_json(ctx, rows);
    ctx->params[1] = apply != NULL && strcmp(apply, "true") == 0 ? "true" : "false";
    /* rows without a municipality (HSDS has none) get the one asked for */
    ctx->params[2] = muni ? http_printf(ctx, "{\"all_or_nothing\": true, \"municipality\": \"%s\"}", muni)
                          : "{\"all_or_nothing\": true}";
    if (ctx->params[0] == NULL)
        return;
    http_query(ctx, STMT_IMPORT, http_actor_params(ctx, 3), rows_reply_api);
}
