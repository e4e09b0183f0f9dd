/*
 * h_search.c — the resident search (/api/v1/search and the filtered kind
 * lists) and the occurrences of an activity. C checks and bounds every
 * parameter (common/search.c); api_search does the rest in one statement.
 */
#include <json-c/json.h>
#include <libpq-fe.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "cache.h"
#include "db.h"
#include "http.h"
#include "routes.h"
#include "search.h"
#include "validate.h"
#include "worker.h"

/* Answer 400 naming every bad parameter. */
static void search_bad_params(struct req_ctx *ctx, struct verr_list *errs)
{
    char detail[200];
    snprintf(detail, sizeof(detail), "%zu search parameter%s invalid.", errs->count,
             errs->count == 1 ? " is" : "s are");
    http_problem(ctx, 400, detail, verr_to_json(errs));
}

/* The cache key of an anonymous search: language and normalised parameters. */
static const char *search_cache_key(struct req_ctx *ctx, size_t *len)
{
    const char *key = http_printf(ctx, "%s|%s", ctx->lang, ctx->params[0]);
    *len = key ? strlen(key) : 0;
    return key;
}

/* A fresh answer: keep a 200 for the next residents who ask the same. */
static void search_reply_and_keep(struct req_ctx *ctx, PGresult *res)
{
    size_t key_len;
    const char *key;
    if (PQntuples(res) == 1 && PQnfields(res) >= 4 && atoi(PQgetvalue(res, 0, 0)) == 200 &&
        !PQgetisnull(res, 0, 3) && (key = search_cache_key(ctx, &key_len)) != NULL)
        cache_put(ctx->w->search_cache, key, key_len, PQgetvalue(res, 0, 3), (size_t)PQgetlength(res, 0, 3),
                  db_now_ms(), ctx->cache_gen);
    http_header(ctx, "X-Cache", "miss");
    http_reply_api_row(ctx, res);
}

/*
 * Residents' searches repeat (same wijk, theme, week): answer from the
 * worker's cache when an identical one is fresh. Only anonymous callers,
 * whose answers depend on nothing but the parameters and the language.
 */
static void search_send(struct req_ctx *ctx)
{
    size_t key_len, body_len;
    const char *key, *body;

    if (ctx->who.role != ROLE_ANONYMOUS) {
        http_query(ctx, STMT_SEARCH, http_actor_params(ctx, 2), http_reply_api_row);
        return;
    }
    ctx->cache_gen = atomic_load(ctx->w->write_gen);
    key = search_cache_key(ctx, &key_len);
    body = key ? cache_get(ctx->w->search_cache, key, key_len, db_now_ms(), ctx->cache_gen, &body_len) : NULL;
    if (body) {
        http_header(ctx, "X-Cache", "hit");
        http_reply(ctx, 200, NULL, body, body_len);
        return;
    }
    http_query(ctx, STMT_SEARCH, http_actor_params(ctx, 2), search_reply_and_keep);
}

/* Run the search; fixed_kind limits a kind's list endpoint to that kind. */
void search_run(struct req_ctx *ctx, const char *fixed_kind)
{
    struct search_pair pairs[256];
    struct evkeyval *kv;
    struct verr_list errs;
    struct json_object *params;
    size_t n = 0;

    TAILQ_FOREACH (kv, &ctx->query, next) {
        if (n == sizeof(pairs) / sizeof(pairs[0]))
            break;
        pairs[n].key = kv->key;
        pairs[n].value = kv->value;
        n++;
    }
    verr_init(&errs);
    params = search_params_parse(pairs, n, fixed_kind, &errs);
    if (params == NULL) {
        search_bad_params(ctx, &errs);
        return;
    }
    if (fixed_kind && !json_object_object_get_ex(params, "facets", NULL))
        json_object_object_add(params, "facets", json_object_new_boolean(0));
    ctx->params[0] = http_keep(ctx, strdup(json_object_to_json_string_ext(params, JSON_C_TO_STRING_PLAIN)));
    json_object_put(params);
    if (ctx->params[0] == NULL) {
        http_problem(ctx, 503, "Out of memory.", NULL);
        return;
    }
    ctx->params[1] = ctx->lang;
    http_header(ctx, "Vary", "Accept-Language");
    search_send(ctx);
}

void h_search(struct req_ctx *ctx)
{
    search_run(ctx, NULL);
}

void h_activity_occurrences(struct req_ctx *ctx)
{
    const struct route_param *p = &ctx->match.params[0];
    struct verr_list errs;
    char from[17], to[17];

    if (ctx->match.nparams < 1 || !auth_is_uuid(p->ptr, p->len)) {
        http_problem(ctx, 404, "There is no activity with this id.", NULL);
        return;
    }
    verr_init(&errs);
    if (search_window_parse(http_query_arg(ctx, "from"), http_query_arg(ctx, "to"), from, to, &errs) < 0) {
        search_bad_params(ctx, &errs);
        return;
    }
    ctx->params[0] = http_param(ctx, 0);
    ctx->params[1] = http_strdup(ctx, from, strlen(from));
    ctx->params[2] = http_strdup(ctx, to, strlen(to));
    ctx->params[3] = ctx->lang;
    http_query(ctx, STMT_ACTIVITY_OCCURRENCES, http_actor_params(ctx, 4), http_reply_api_row);
}
