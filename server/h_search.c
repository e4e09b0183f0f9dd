/*
 * h_search.c — the resident search (/api/v1/search and the filtered kind
 * lists) and the occurrences of an activity. C checks and bounds every
 * parameter (common/search.c). Anonymous searches are answered from the index
 * in memory (sindex.h) once it is loaded; authenticated ones (which may show
 * private members) and every search before the first load go to api_search,
 * which does the rest in one statement. Anonymous answers are reused from the
 * worker's reply cache (http.c, RF_CACHE).
 */
#include <json-c/json.h>
#include <libpq-fe.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "demand.h"
#include "h_search.h"
#include "http.h"
#include "replica.h"
#include "routes.h"
#include "rows.h"
#include "search.h"
#include "sindex.h"
#include "worker.h"

#include "validate.h"
#include <event2/buffer.h>

/* Answer 400 naming every bad parameter. */
static void search_bad_params(struct req_ctx *ctx, struct verr_list *errs)
{
    char detail[200];
    snprintf(detail, sizeof(detail), "%zu search parameter%s invalid.", errs->count,
             errs->count == 1 ? " is" : "s are");
    http_problem(ctx, 400, detail, verr_to_json(errs));
}

/*
 * The query string as at most cap pairs for search_params_parse, leaving out
 * the names in skip (NULL-terminated, may be NULL). The pairs borrow the
 * request's strings. Returns the number filled in.
 */
static size_t search_query_pairs(struct req_ctx *ctx, struct search_pair *pairs, size_t cap, const char *const *skip)
{
    struct evkeyval *kv;
    size_t n = 0;

    TAILQ_FOREACH(kv, &ctx->query, next)
    {
        bool skipped = false;
        for (size_t i = 0; skip && skip[i]; i++)
            skipped = skipped || strcmp(kv->key, skip[i]) == 0;
        if (skipped)
            continue;
        if (n == cap)
            break;
        pairs[n].key = kv->key;
        pairs[n].value = kv->value;
        n++;
    }
    return n;
}

/* One parse of the query string for the search and the feeds (h_search.h). */
struct json_object *search_query_params(struct req_ctx *ctx, const char *fixed_kind, const char *const *skip,
                                        struct verr_list *errs)
{
    struct search_pair pairs[256];
    size_t n = search_query_pairs(ctx, pairs, sizeof(pairs) / sizeof(pairs[0]), skip);

    verr_init(errs);
    return search_params_parse(pairs, n, fixed_kind, errs);
}

/* The database searched (the index is not loaded yet): note whether it found anything, then pass it on. */
static void search_on_result(struct req_ctx *ctx, PGresult *res)
{
    if (ctx->demand.what == DEMAND_SEARCH && PQntuples(res) == 1 && PQnfields(res) >= 4 &&
        atoi(PQgetvalue(res, 0, 0)) == 200) {
        struct json_object *body = json_tokener_parse(PQgetvalue(res, 0, 3)), *total;
        if (json_object_object_get_ex(body, "total", &total))
            ctx->demand.found_nothing = json_object_get_int64(total) == 0;
        json_object_put(body);
    }
    rows_reply_api(ctx, res);
}

/* Run the search; fixed_kind limits a kind's list endpoint to that kind. */
void search_run(struct req_ctx *ctx, const char *fixed_kind)
{
    struct verr_list errs;
    struct json_object *params = search_query_params(ctx, fixed_kind, NULL, &errs);

    if (params == NULL) {
        search_bad_params(ctx, &errs);
        return;
    }
    if (fixed_kind && !json_object_object_get_ex(params, "facets", NULL))
        json_object_object_add(params, "facets", json_object_new_boolean(0));
    if (ctx->who.role == ROLE_ANONYMOUS)
        demand_note_search(&ctx->demand, params); /* what residents ask for (issue 16) */
    if (ctx->w->sindex && ctx->who.role == ROLE_ANONYMOUS && !replica_lagging(ctx->w->replica)) {
        struct evbuffer *out = ctx->w->scratch;
        uint64_t total = 0;
        int status = sindex_search(ctx->w->sindex, params, ctx->lang, out, &errs, &total);
        if (status == 200) {
            ctx->demand.found_nothing = total == 0;
            size_t len = evbuffer_get_length(out);
            http_header(ctx, "Vary", "Accept-Language");
            http_reply(ctx, 200, NULL, (const char *)evbuffer_pullup(out, -1), len);
        } else if (status == 400) {
            http_problem(ctx, 400, http_printf(ctx, "%s %s", errs.items[0].field, errs.items[0].message),
                         verr_to_json(&errs));
        }
        evbuffer_drain(out, evbuffer_get_length(out));
        if (status != 0) {
            json_object_put(params);
            return;
        }
        verr_init(&errs); /* not loaded yet: the database answers */
    }
    if ((ctx->params[0] = http_keep_json(ctx, params)) == NULL)
        return;
    ctx->params[1] = ctx->lang;
    http_header(ctx, "Vary", "Accept-Language");
    http_query(ctx, STMT_SEARCH, http_actor_params(ctx, 2), search_on_result);
}

void h_search(struct req_ctx *ctx)
{
    search_run(ctx, NULL);
}

void h_activity_occurrences(struct req_ctx *ctx)
{
    struct verr_list errs;
    char from[17], to[17];

    if ((ctx->params[0] = http_id_or_404(ctx, "activity")) == NULL)
        return;
    verr_init(&errs);
    if (search_window_parse(http_query_arg(ctx, "from"), http_query_arg(ctx, "to"), from, to, &errs) < 0) {
        search_bad_params(ctx, &errs);
        return;
    }
    ctx->params[1] = http_strdup(ctx, from, strlen(from));
    ctx->params[2] = http_strdup(ctx, to, strlen(to));
    ctx->params[3] = ctx->lang;
    http_query(ctx, STMT_ACTIVITY_OCCURRENCES, http_actor_params(ctx, 4), rows_reply_api);
}
