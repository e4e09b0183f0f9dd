/*
 * h_entries.c — the five kinds of entry: places, activities, vacancies,
 * carer support and services. Each handler parses and validates, then makes one call to
 * an api_entry_* function, which authorises, writes, audits and renders.
 */
#include <ctype.h>
#include <json-c/json.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "h_entries.h"
#include "h_search.h"
#include "http.h"
#include "paging.h"
#include "problem.h"
#include "routes.h"
#include "rows.h"
#include "validate.h"

#define IDEMPOTENCY_KEY_MAX 128

/* The collection segment of the path ("/api/v1/places/…" -> place): h_entries.h. */
int entry_kind(struct req_ctx *ctx, enum sk_kind *kind)
{
    char seg[32];
    const char *p = ctx->path + strlen("/api/v1/");
    size_t n = strcspn(p, "/");
    if (n < sizeof(seg)) {
        memcpy(seg, p, n);
        seg[n] = '\0';
        if (sk_kind_from_path(seg, kind))
            return 0;
    }
    /* Unreachable through the route table; answer anyway so no request hangs. */
    http_problem(ctx, 404, "There is no such collection.", NULL);
    return -1;
}

/* The {id} of the path, or a 404 when it cannot name an entry. */
static const char *entry_id(struct req_ctx *ctx)
{
    const char *id = http_uuid_param(ctx, 0);
    if (id == NULL)
        http_problem(ctx, 404, "There is no entry with this id.", NULL);
    return id;
}

/* 304 when the client already has this version. */
static void entry_reply_conditional(struct req_ctx *ctx, PGresult *res)
{
    const char *inm = evhttp_find_header(evhttp_request_get_input_headers(ctx->req), "If-None-Match");
    struct rows_api row;
    http_header(ctx, "Vary", "Accept-Language, Authorization");
    if (inm && rows_api_decode(res, &row) == 0 && row.etag && row.status == 200 && strcmp(inm, row.etag) == 0) {
        http_header(ctx, "ETag", row.etag);
        http_reply(ctx, 304, NULL, NULL, 0);
        return;
    }
    rows_reply_api(ctx, res);
}

void h_entry_get(struct req_ctx *ctx)
{
    enum sk_kind kind;
    const char *id = entry_id(ctx);
    if (id == NULL || entry_kind(ctx, &kind) < 0)
        return;
    ctx->params[0] = sk_kind_name(kind);
    ctx->params[1] = id;
    ctx->params[2] = ctx->lang;
    if (ctx->who.role == ROLE_ANONYMOUS)
        demand_note_entry(&ctx->demand, DEMAND_VIEW, id); /* counted when answered 200 or 304 */
    http_query(ctx, STMT_ENTRY_GET, http_actor_params(ctx, 3), entry_reply_conditional);
}

/* Does the list request carry anything but paging? Then it is a search. */
static int entry_list_filtered(struct req_ctx *ctx)
{
    struct evkeyval *kv;
    TAILQ_FOREACH(kv, &ctx->query, next)
    if (strcmp(kv->key, "limit") != 0 && strcmp(kv->key, "cursor") != 0)
        return 1;
    return 0;
}

/*
 * A kind's list. Residents (anonymous) and filtered requests get the search,
 * limited to the kind; an authenticated caller without filters gets the
 * plain list of what it may see (for a partner: its own drafts too).
 */
void h_entry_list(struct req_ctx *ctx)
{
    enum sk_kind kind;
    if (entry_kind(ctx, &kind) < 0)
        return;
    if (ctx->who.role == ROLE_ANONYMOUS || entry_list_filtered(ctx)) {
        search_run(ctx, sk_kind_name(kind));
        return;
    }
    if (paging_limit(ctx, &ctx->params[1]) < 0 || paging_cursor(ctx, PAGING_CURSOR_KEYSET, &ctx->params[2]) < 0)
        return;
    ctx->params[0] = sk_kind_name(kind);
    ctx->params[3] = ctx->lang;
    http_header(ctx, "Vary", "Accept-Language, Authorization");
    http_query(ctx, STMT_ENTRY_LIST, http_actor_params(ctx, 4), rows_reply_api);
}

/*
 * Parse and validate a write body. Malformed JSON is a 400 (nothing to point
 * at); field errors do not end the request: they travel to the SQL function,
 * which adds the errors only the database can see (unknown codes) and answers
 * one 422 with all of them. Returns the errors as JSON text, or NULL when a
 * reply was sent.
 */
static const char *entry_validate(struct req_ctx *ctx, enum sk_kind kind, enum validate_mode mode, const char **body)
{
    struct verr_list errs;
    struct json_object *obj;

    if ((*body = http_json_object(ctx, &obj)) == NULL)
        return NULL;
    verr_init(&errs);
    validate_entry(kind, mode, obj, &errs);
    json_object_put(obj);
    return http_keep_json(ctx, verr_to_json(&errs));
}

/*
 * If-Match: "7" (strong or weak) -> "7"; absent -> NULL; anything else -> "-1"
 * (never matches). The owner's and moderators' ETag W/"7-<fingerprint>" (0005:
 * it also covers the moderation state) reads as 7: only the version matters.
 */
static const char *entry_if_match(struct req_ctx *ctx)
{
    const char *v = evhttp_find_header(evhttp_request_get_input_headers(ctx->req), "If-Match");
    long n;
    char *end;
    if (v == NULL)
        return NULL;
    if (strncmp(v, "W/", 2) == 0)
        v += 2;
    if (*v == '"')
        v++;
    n = strtol(v, &end, 10);
    if (end == v || n < 1 || n > 2000000000 || (*end != '"' && *end != '\0' && *end != '-'))
        return "-1";
    return http_printf(ctx, "%ld", n);
}

/* Visible ASCII only: a header value reaches SQL as text and must be valid UTF-8 without controls. */
static bool entry_printable(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s < 0x21 || (unsigned char)*s > 0x7e)
            return false;
    return true;
}

void h_entry_create(struct req_ctx *ctx)
{
    enum sk_kind kind;
    const char *body, *errors, *idem;

    if (entry_kind(ctx, &kind) < 0)
        return;
    errors = entry_validate(ctx, kind, VALIDATE_CREATE, &body);
    if (errors == NULL)
        return;
    idem = evhttp_find_header(evhttp_request_get_input_headers(ctx->req), "Idempotency-Key");
    if (idem && (strlen(idem) == 0 || strlen(idem) > IDEMPOTENCY_KEY_MAX || !entry_printable(idem))) {
        http_bad_field(ctx, 400, "Idempotency-Key",
                       "must be 1 to 128 printable ASCII characters (a UUID is a good choice)");
        return;
    }
    ctx->params[0] = sk_kind_name(kind);
    ctx->params[1] = body;
    ctx->params[2] = errors;
    ctx->params[3] = idem;
    http_query(ctx, STMT_ENTRY_CREATE, http_actor_params(ctx, 4), rows_reply_api);
}

static void entry_update(struct req_ctx *ctx, int is_patch)
{
    enum sk_kind kind;
    const char *id = entry_id(ctx), *body, *errors;

    if (id == NULL || entry_kind(ctx, &kind) < 0)
        return;
    errors = entry_validate(ctx, kind, is_patch ? VALIDATE_PATCH : VALIDATE_REPLACE, &body);
    if (errors == NULL)
        return;
    ctx->params[0] = sk_kind_name(kind);
    ctx->params[1] = id;
    ctx->params[2] = body;
    ctx->params[3] = is_patch ? "true" : "false";
    ctx->params[4] = entry_if_match(ctx);
    ctx->params[5] = errors;
    http_query(ctx, STMT_ENTRY_UPDATE, http_actor_params(ctx, 6), rows_reply_api);
}

void h_entry_replace(struct req_ctx *ctx)
{
    entry_update(ctx, 0);
}

void h_entry_patch(struct req_ctx *ctx)
{
    entry_update(ctx, 1);
}

void h_entry_delete(struct req_ctx *ctx)
{
    enum sk_kind kind;
    const char *id = entry_id(ctx), *purge;

    if (id == NULL || entry_kind(ctx, &kind) < 0)
        return;
    purge = http_query_arg(ctx, "purge");
    if (purge && strcmp(purge, "true") && strcmp(purge, "false")) {
        http_bad_field(ctx, 400, "purge", "must be true or false");
        return;
    }
    ctx->params[0] = sk_kind_name(kind);
    ctx->params[1] = id;
    ctx->params[2] = entry_if_match(ctx);
    ctx->params[3] = purge && !strcmp(purge, "true") ? "true" : "false";
    http_query(ctx, STMT_ENTRY_DELETE, http_actor_params(ctx, 4), rows_reply_api);
}
