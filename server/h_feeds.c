/*
 * h_feeds.c — open feeds of the published data (issue 7): RPDE 1.0 change
 * feeds per kind, iCalendar of activities, GeoJSON for maps and the Open
 * Referral HSDS 3.0 lists. Each handler checks its parameters, makes one
 * call to an api_* function of sql/api/feeds.sql and passes the
 * body through with the right Content-Type and Cache-Control.
 *
 * The search filters of the calendar, map and HSDS outputs are parsed by
 * common/search.c exactly as /api/v1/search parses them.
 */
#include <json-c/json.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "contract.h"
#include "cursor.h"
#include "h_search.h"
#include "http.h"
#include "routes.h"
#include "rows.h"
#include "search.h"
#include "validate.h"
#include "worker.h"

#define FEED_LIMIT_DEFAULT    CONTRACT_FEED_DEFAULT
#define FEED_LIMIT_MAX        CONTRACT_FEED_MAX
#define HSDS_PER_PAGE_DEFAULT CONTRACT_HSDS_PER_PAGE_DEFAULT
#define HSDS_PER_PAGE_MAX     CONTRACT_HSDS_PER_PAGE_MAX
#define HSDS_PAGE_MAX         CONTRACT_HSDS_PAGE_MAX

/* RPDE caching as the spec advises: a page with items never changes its
 * items, the last (empty) page changes as soon as something is published. */
#define CACHE_RPDE_PAGE "public, max-age=3600"
#define CACHE_RPDE_LAST "public, max-age=8"
#define CACHE_EXPORT    "public, max-age=300"

/*
 * The absolute base URL of links and @ids ("https://kaart.example.nl"): the configured
 * public_url (cfg.h), never the request's Host header, because these answers are cached by
 * proxies and feed readers and must not carry whatever host a client claimed.
 */
static const char *feeds_base_url(struct req_ctx *ctx)
{
    return ctx->w->cfg->base_url;
}

/* Answer 400 naming every bad parameter (errs is consumed). */
static void feeds_bad_params(struct req_ctx *ctx, struct verr_list *errs)
{
    char detail[200];
    snprintf(detail, sizeof(detail), "%zu parameter%s invalid.", errs->count, errs->count == 1 ? " is" : "s are");
    http_problem(ctx, 400, detail, verr_to_json(errs));
}

/*
 * Pass an api_* row through, with content_type and cache_control on success
 * only (a problem keeps application/problem+json and no-cache).
 */
static void feeds_reply(struct req_ctx *ctx, PGresult *res, const char *content_type, const char *cache_control)
{
    struct rows_api row;
    if (rows_api_decode(res, &row) == 0 && row.status == 200) {
        if (content_type)
            http_header(ctx, "Content-Type", content_type);
        if (cache_control)
            http_header(ctx, "Cache-Control", cache_control);
    }
    rows_reply_api(ctx, res);
}

/* An RPDE page: long cache when it has items, short when it is the last one. */
static void feeds_on_rpde(struct req_ctx *ctx, PGresult *res)
{
    static const char empty[] = "{\"items\":[]";
    struct rows_api row;
    bool last = rows_api_decode(res, &row) == 0 && row.body && strncmp(row.body, empty, sizeof(empty) - 1) == 0;
    if (last) /* consumers poll it, and ended entries appear on it first */
        http_no_store(ctx);
    feeds_reply(ctx, res, "application/json; charset=utf-8", last ? CACHE_RPDE_LAST : CACHE_RPDE_PAGE);
}

static void feeds_on_ics(struct req_ctx *ctx, PGresult *res)
{
    feeds_reply(ctx, res, "text/calendar; charset=utf-8", CACHE_EXPORT);
}

static void feeds_on_geojson(struct req_ctx *ctx, PGresult *res)
{
    feeds_reply(ctx, res, "application/geo+json", CACHE_EXPORT);
}

static void feeds_on_json(struct req_ctx *ctx, PGresult *res)
{
    feeds_reply(ctx, res, "application/json; charset=utf-8", CACHE_EXPORT);
}

/* A whole number in [lo, hi] (cursor_number); -1 when v is not one. */
static long feeds_number(const char *v, long lo, long hi)
{
    long n;
    return cursor_number(v, lo, hi, &n) ? n : -1;
}

/* A count parameter (limit, page, per_page): absent, or a whole number from 1 to max. */
static void feeds_check_count(struct verr_list *errs, const char *name, const char *v, int max)
{
    if (v && feeds_number(v, 1, max) < 0)
        verr_add(errs, name, "must be a whole number from 1 to %d", max);
}

/*
 * GET /feeds/{places|activities|vacancies|carer-support|services}: one RPDE page.
 * afterTimestamp and afterId come together or not at all (RPDE 1.0, the
 * "modified" ordering strategy); limit is ours (1..500, default 500).
 */
void h_feed_rpde(struct req_ctx *ctx)
{
    static const char prefix[] = "/feeds/";
    const char *kind = NULL, *ts = NULL, *id = NULL, *limit = NULL;
    struct evkeyval *kv;
    struct verr_list errs;
    enum sk_kind k;

    if (strncmp(ctx->path, prefix, sizeof(prefix) - 1) == 0 && sk_kind_from_path(ctx->path + sizeof(prefix) - 1, &k))
        kind = sk_kind_name(k);
    if (kind == NULL) {
        http_problem(ctx, 404, "There is no such feed.", NULL);
        return;
    }
    verr_init(&errs);
    TAILQ_FOREACH(kv, &ctx->query, next)
    {
        if (strcmp(kv->key, "afterTimestamp") == 0 && ts == NULL)
            ts = kv->value;
        else if (strcmp(kv->key, "afterId") == 0 && id == NULL)
            id = kv->value;
        else if (strcmp(kv->key, "limit") == 0 && limit == NULL)
            limit = kv->value;
        else
            verr_add(&errs, kv->key, "is not a feed parameter (afterTimestamp, afterId, limit), or is given twice");
    }
    if (ts && feeds_number(ts, 0, 999999999999999999L) < 0)
        verr_add(&errs, "afterTimestamp", "must be a whole number: the modified value of the last item you read");
    if (id && !auth_is_uuid(id, strlen(id)))
        verr_add(&errs, "afterId", "must be the id of the last item you read");
    if ((ts == NULL) != (id == NULL))
        verr_add(&errs, ts ? "afterId" : "afterTimestamp", "afterTimestamp and afterId go together");
    feeds_check_count(&errs, "limit", limit, FEED_LIMIT_MAX);
    if (errs.count) {
        feeds_bad_params(ctx, &errs);
        return;
    }
    ctx->params[0] = kind;
    ctx->params[1] = ts;
    ctx->params[2] = id;
    ctx->params[3] = limit ? limit : "500";
    ctx->params[4] = feeds_base_url(ctx);
    http_query(ctx, STMT_FEED_PAGE, http_actor_params(ctx, 5), feeds_on_rpde);
}

/*
 * Parse the request's search parameters (common/search.c, as h_search.c
 * does) into params[slot] as JSON text, leaving out the names in skip
 * (NULL-terminated, may be NULL). Returns 0, or -1 after answering 400.
 */
static int feeds_search_params(struct req_ctx *ctx, int slot, const char *fixed_kind, const char *const *skip)
{
    struct verr_list errs;
    struct json_object *params = search_query_params(ctx, fixed_kind, skip, &errs);

    if (params == NULL) {
        feeds_bad_params(ctx, &errs);
        return -1;
    }
    ctx->params[slot] = http_keep_json(ctx, params);
    return ctx->params[slot] ? 0 : -1;
}

/* GET /api/v1/activities.ics: every public activity matching the search filters. */
void h_feed_activities_ics(struct req_ctx *ctx)
{
    if (feeds_search_params(ctx, 0, "activity", NULL) < 0)
        return;
    ctx->params[1] = feeds_base_url(ctx);
    http_header(ctx, "Content-Disposition", "inline; filename=\"activiteiten.ics\"");
    http_query(ctx, STMT_FEED_ICS, http_actor_params(ctx, 2), feeds_on_ics);
}

/* GET /api/v1/activities/{id}.ics: one activity for a personal calendar. */
void h_feed_activity_ics(struct req_ctx *ctx)
{
    if ((ctx->params[0] = http_id_or_404(ctx, "activity")) == NULL)
        return;
    ctx->params[1] = feeds_base_url(ctx);
    if (ctx->who.role == ROLE_ANONYMOUS)
        demand_note_entry(&ctx->demand, DEMAND_CALENDAR, ctx->params[0]);
    http_query(ctx, STMT_FEED_ICS_ONE, http_actor_params(ctx, 2), feeds_on_ics);
}

/* The GeoJSON of one kind with the search filters. */
static void feeds_geojson(struct req_ctx *ctx, const char *kind)
{
    ctx->params[0] = kind;
    if (feeds_search_params(ctx, 1, kind, NULL) < 0)
        return;
    ctx->params[2] = feeds_base_url(ctx);
    http_query(ctx, STMT_FEED_GEOJSON, http_actor_params(ctx, 3), feeds_on_geojson);
}

void h_feed_places_geojson(struct req_ctx *ctx)
{
    feeds_geojson(ctx, "place");
}

void h_feed_activities_geojson(struct req_ctx *ctx)
{
    feeds_geojson(ctx, "activity");
}

void h_feed_services_geojson(struct req_ctx *ctx)
{
    feeds_geojson(ctx, "service");
}

/*
 * GET /api/v1/hsds/{services|organizations|locations}: an HSDS 3.0 page.
 * page (1-based) and per_page are HSDS's paging; the rest are our search
 * filters.
 */
void h_feed_hsds(struct req_ctx *ctx)
{
    static const char *const paging[] = { "page", "per_page", NULL };
    const char *what = ctx->path + strlen("/api/v1/hsds/");
    const char *page = http_query_arg(ctx, "page"), *per_page = http_query_arg(ctx, "per_page");
    struct verr_list errs;

    verr_init(&errs);
    feeds_check_count(&errs, "page", page, HSDS_PAGE_MAX);
    feeds_check_count(&errs, "per_page", per_page, HSDS_PER_PAGE_MAX);
    if (errs.count) {
        feeds_bad_params(ctx, &errs);
        return;
    }
    ctx->params[0] = what;
    if (feeds_search_params(ctx, 1, NULL, paging) < 0)
        return;
    ctx->params[2] = page ? page : "1";
    ctx->params[3] = per_page ? per_page : "50";
    ctx->params[4] = feeds_base_url(ctx);
    http_query(ctx, STMT_FEED_HSDS, http_actor_params(ctx, 5), feeds_on_json);
}
