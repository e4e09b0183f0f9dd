/*
 * replycache.c — anonymous answers of cacheable routes: lookup, store, invalidation.
 */
#include "replycache.h"

#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cache.h"
#include "clock.h"
#include "http.h"
#include "worker.h"

#define REPLYCACHE_SEP    "\r\n\r\n"  /* between the kept headers and the body in a cache value */
#define REPLYCACHE_DEMAND "SK-Demand" /* the kept demand note (demand.h): restored, never sent */

/*
 * Keep a 200 for the next anonymous caller asking the same (see replycache_lookup): the kept
 * headers, a separator, the body, under the key made when the request began.
 */
static void replycache_keep(struct req_ctx *ctx, const char *content_type, const char *body, size_t len)
{
    struct evkeyvalq *h = evhttp_request_get_output_headers(ctx->req);
    char meta[2048 + DEMAND_LINE_MAX];
    size_t m = 0;
    char *value;

    struct evkeyval *kv;

    /* every header the handler set (ETag, Cache-Control, Vary, a page's CSP, ...); the
     * per-request ones (request id, API-Version, CORS) are added to each answer later */
    m += (size_t)snprintf(meta, sizeof(meta), "Content-Type: %s", content_type);
    if (ctx->demand.what != DEMAND_NONE) {
        char note[DEMAND_LINE_MAX];
        demand_note_format(&ctx->demand, note, sizeof(note));
        m += (size_t)snprintf(meta + m, sizeof(meta) - m, "\r\n" REPLYCACHE_DEMAND ": %s", note);
    }
    TAILQ_FOREACH(kv, h, next)
    {
        if (m < sizeof(meta) && strcasecmp(kv->key, "Content-Type") != 0)
            m += (size_t)snprintf(meta + m, sizeof(meta) - m, "\r\n%s: %s", kv->key, kv->value);
    }
    if (m >= sizeof(meta) || (value = malloc(m + 4 + len)) == NULL)
        return;
    memcpy(value, meta, m);
    memcpy(value + m, REPLYCACHE_SEP, 4);
    if (len)
        memcpy(value + m + 4, body, len);
    cache_put(ctx->w->reply_cache, ctx->cache.key, ctx->cache.key_len, value, m + 4 + len, clock_now_ms(),
              ctx->cache.gen);
    free(value);
    http_header(ctx, "X-Cache", "miss");
}

void replycache_store(struct req_ctx *ctx, int status, const char *content_type, const char *body, size_t len)
{
    const char *ct;

    if (ctx->cache.key == NULL || status != 200)
        return;
    ct = evhttp_find_header(evhttp_request_get_output_headers(ctx->req), "Content-Type");
    replycache_keep(ctx, ct ? ct : content_type ? content_type : "application/json", body, len);
}

void replycache_skip(struct req_ctx *ctx)
{
    ctx->cache.key = NULL;
}

/* Set the headers kept with an answer ("Name: value" lines, the first meta_len bytes of value). */
static void replycache_replay_headers(struct req_ctx *ctx, const char *value, size_t meta_len)
{
    const char *line;

    for (line = value; line < value + meta_len;) {
        const char *eol = memmem(line, (size_t)(value + meta_len - line), "\r\n", 2);
        const char *colon;
        char name[64], hv[DEMAND_LINE_MAX + 900];
        size_t n = eol ? (size_t)(eol - line) : (size_t)(value + meta_len - line);
        colon = memchr(line, ':', n);
        if (colon && (size_t)(colon - line) < sizeof(name) && n - (size_t)(colon - line) < sizeof(hv)) {
            snprintf(name, sizeof(name), "%.*s", (int)(colon - line), line);
            snprintf(hv, sizeof(hv), "%.*s", (int)(n - (size_t)(colon - line) - 2), colon + 2);
            if (strcmp(name, REPLYCACHE_DEMAND) == 0)
                demand_note_parse(&ctx->demand, hv, strlen(hv)); /* the same request: the same note */
            else
                http_header(ctx, name, hv);
        }
        line += n + 2;
    }
}

/*
 * An anonymous GET of a cacheable route: answer from the worker's reply cache when an
 * identical request (path, query, language) was answered 200 since the last write and
 * within search_cache_ttl_ms; 304 when the client already holds that answer (its ETag). Else
 * remember the key so that replycache_store keeps the answer. Returns 1 when answered.
 */
int replycache_lookup(struct req_ctx *ctx)
{
    const struct evhttp_uri *uri = evhttp_request_get_evhttp_uri(ctx->req);
    struct evkeyvalq *in = evhttp_request_get_input_headers(ctx->req);
    const char *q = uri ? evhttp_uri_get_query(uri) : NULL;
    const char *value, *sep, *inm;
    size_t len, meta_len;

    if (ctx->who.role != ROLE_ANONYMOUS || !(ctx->method & (RM_GET | RM_HEAD)))
        return 0;
    ctx->cache.gen = atomic_load(ctx->w->write_gen);
    /* no Accept in the key: a route whose answer depends on it (coverage: CSV) is not RF_CACHE */
    ctx->cache.key = http_printf(ctx, "%s?%s|%s", ctx->path, q ? q : "", ctx->lang);
    if (ctx->cache.key == NULL)
        return 0; /* too long for the arena: not cached */
    ctx->cache.key_len = strlen(ctx->cache.key);
    value = cache_get(ctx->w->reply_cache, ctx->cache.key, ctx->cache.key_len, clock_now_ms(), ctx->cache.gen, &len);
    if (value == NULL || (sep = memmem(value, len, REPLYCACHE_SEP, 4)) == NULL)
        return 0;
    meta_len = (size_t)(sep - value);
    replycache_replay_headers(ctx, value, meta_len);
    http_header(ctx, "X-Cache", "hit");
    ctx->cache.key = NULL; /* nothing to store */
    inm = evhttp_find_header(in, "If-None-Match");
    if (inm) {
        const char *etag = evhttp_find_header(evhttp_request_get_output_headers(ctx->req), "ETag");
        if (etag && strcmp(etag, inm) == 0) {
            http_reply(ctx, 304, NULL, NULL, 0);
            return 1;
        }
    }
    http_reply(ctx, 200, NULL, sep + 4, len - meta_len - 4);
    return 1;
}

void replycache_request_done(struct req_ctx *ctx)
{
    if ((ctx->method & (RM_GET | RM_HEAD | RM_OPTIONS)) == 0 && ctx->status >= 200 && ctx->status < 300 &&
        !(ctx->match.route && (ctx->match.route->flags & RF_KEEPS_ANSWERS)))
        replycache_invalidate(ctx->w->write_gen);
}

void replycache_invalidate(_Atomic uint64_t *write_gen)
{
    if (write_gen)
        atomic_fetch_add(write_gen, 1);
}
