/*
 * worker.c — a worker thread's event loop and its periodic maintenance.
 */
#include "worker.h"

#include <event2/event.h>
#include <event2/http.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include "cache.h"
#include "client.h"
#include "clock.h"
#include "conn.h"
#include "db.h"
#include "housekeeping.h"
#include "http.h"
#include "log.h"
#include "mail.h"
#include "paper.h"
#include "replica.h"
#include "sindex.h"
#include "tally.h"
#include "webhook.h"

#include <event2/buffer.h>

/* Spare contexts kept per worker; more are freed rather than hoarded. */
#define WORKER_MAX_SPARE 256

struct req_ctx *worker_ctx_get(struct worker *w)
{
    struct req_ctx *ctx = TAILQ_FIRST(&w->spare);
    if (ctx) {
        TAILQ_REMOVE(&w->spare, ctx, link);
        w->nspare--;
    } else {
        ctx = malloc(sizeof(*ctx));
        if (ctx == NULL)
            return NULL;
    }
    /* Clear everything but the arena, which is scratch space. */
    memset(ctx, 0, offsetof(struct req_ctx, arena));
    return ctx;
}

void worker_ctx_put(struct worker *w, struct req_ctx *ctx)
{
    if (w->nspare >= WORKER_MAX_SPARE) {
        free(ctx);
        return;
    }
    TAILQ_INSERT_HEAD(&w->spare, ctx, link);
    w->nspare++;
}

void worker_request_id(struct worker *w, char *out)
{
    static const char digits[] = "0123456789abcdef";
    uint64_t x = w->rng;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    w->rng = x;
    for (int i = 0; i < 16; i++)
        out[i] = digits[(x >> (4 * i)) & 15];
    out[16] = '\0';
}

/* Every maintenance period: database upkeep, deadlines, and the drain check. */
static void worker_on_tick(evutil_socket_t fd, short what, void *arg)
{
    struct worker *w = arg;
    uint64_t now = clock_now_ms();
    (void)fd;
    (void)what;

    db_pool_tick(w->db, now);
    replica_tick(w->replica, now);
    conn_table_tick(w->conns, now);
    if (w->hooks)
        webhook_engine_tick(w->hooks, now, w->draining);
    if (w->mail)
        mail_sender_tick(w->mail, now, w->draining);
    housekeeping_tick(w->hk, now, w->draining);
    tally_tick(w->tally, now, w->draining);
    http_expire(w, now);
    http_index_wake(w, now);
    if (w->draining && ((w->nactive == 0 && tally_idle(w->tally)) || now >= w->drain_deadline_ms)) {
        if (w->nactive)
            log_msg(LOG_WARN, "worker %d: %d requests unfinished at the end of the grace period", w->index, w->nactive);
        event_base_loopexit(w->base, NULL);
    }
}

/* Stop accepting; in-flight requests get shutdown_grace_ms to finish. */
static void worker_on_stop(evutil_socket_t fd, short what, void *arg)
{
    struct worker *w = arg;
    (void)fd;
    (void)what;
    if (w->draining)
        return;
    w->draining = true;
    w->drain_deadline_ms = clock_now_ms() + (uint64_t)w->cfg->shutdown_grace_ms;
    if (w->bound) {
        evhttp_del_accept_socket(w->http, w->bound); /* closes our dup */
        w->bound = NULL;
        w->listen_fd = -1;
    }
}

static void *worker_main(void *arg)
{
    struct worker *w = arg;
    sindex_thread_enter(); /* an RCU reader of the index, with its own stemmer and scratch */
    event_base_dispatch(w->base);
    sindex_thread_leave();
    return NULL;
}

/* The index caught up: writes waiting for it may answer. */
static void worker_on_index(evutil_socket_t fd, short what, void *arg)
{
    struct worker *w = arg;
    (void)fd;
    (void)what;
    http_index_wake(w, clock_now_ms());
}

/* Set the evhttp limits from the config: nothing is unbounded. */
static void worker_http_limits(struct worker *w)
{
    const struct sk_config *cfg = w->cfg;
    struct timeval tv = clock_timeval(cfg->http_timeout_ms);

    /* evhttp's own header cap sits above ours, so ours (431/414 with a
     * problem body) normally answers first; evhttp's is the last resort. */
    evhttp_set_max_headers_size(w->http, (ev_ssize_t)cfg->max_header_bytes * 4 + cfg->max_uri_bytes);
    evhttp_set_max_body_size(w->http, (ev_ssize_t)cfg->max_body_bytes);
    evhttp_set_timeout_tv(w->http, &tv);
    evhttp_set_flags(w->http, EVHTTP_SERVER_LINGERING_CLOSE);
    evhttp_set_allowed_methods(w->http, EVHTTP_REQ_GET | EVHTTP_REQ_HEAD | EVHTTP_REQ_POST | EVHTTP_REQ_PUT |
                                            EVHTTP_REQ_PATCH | EVHTTP_REQ_DELETE | EVHTTP_REQ_OPTIONS);
    evhttp_set_default_content_type(w->http, "application/json");
    evhttp_set_gencb(w->http, http_on_request, w);
}

int worker_start(struct worker *w)
{
    struct timeval period = clock_timeval(w->cfg->maintenance_ms);

    TAILQ_INIT(&w->active);
    TAILQ_INIT(&w->spare);
    TAILQ_INIT(&w->index_wait);
    if (getrandom(&w->rng, sizeof(w->rng), 0) != sizeof(w->rng) || w->rng == 0)
        w->rng = 0x9e3779b97f4a7c15ull ^ (uint64_t)w->index;
    w->base = event_base_new();
    /* two priorities before any event exists: conn.c's adoption (0) runs before all else (1) */
    if (w->base == NULL || event_base_priority_init(w->base, 2) < 0)
        return -1;
    w->http = evhttp_new(w->base);
    if (w->http == NULL)
        return -1;
    worker_http_limits(w);
    w->conns =
        conn_table_new(w->base, w->http, w->open_connections, w->cfg->max_connections, w->cfg->request_read_timeout_ms);
    w->hasher = client_hasher_new(w->client_key);
    if (w->conns == NULL || w->hasher == NULL)
        return -1;
    w->bound = evhttp_accept_socket_with_handle(w->http, w->listen_fd);
    if (w->bound == NULL)
        return -1;
    w->db = db_pool_new(w->base, w->cfg, w->conninfo);
    if (w->db)
        db_pool_set_metrics(w->db, w->index);
    w->replica = replica_new(w->base, w->cfg, w->index);
    w->reply_cache = cache_new((size_t)w->cfg->search_cache_entries, (uint64_t)w->cfg->search_cache_ttl_ms,
                               (size_t)w->cfg->search_cache_max_mb << 20);
    if (w->reply_cache == NULL)
        return -1;
    /* One engine per daemon sends webhooks, so each notice goes out once. */
    if (w->index == 0 && w->db && (w->hooks = webhook_engine_new(w->base, w->db, w->cfg)) == NULL)
        return -1;
    /* And e-mail, when there is a relay to send it through. */
    if (w->index == 0 && w->db && w->cfg->smtp_url[0] && (w->mail = mail_sender_new(w->base, w->db, w->cfg)) == NULL)
        return -1;
    /* One instance runs the periodic database jobs (hide stale entries ...). */
    if (w->index == 0 && w->db && (w->hk = housekeeping_new(w->db, w->cfg, w->write_gen)) == NULL)
        return -1;
    /* Each worker adds up its own demand notes and writes the sums (issue 16). */
    if (w->db && w->cfg->demand_counts && (w->tally = tally_new(w->db, w->cfg)) == NULL)
        return -1;
    w->tick = event_new(w->base, -1, EV_PERSIST, worker_on_tick, w);
    w->stop = event_new(w->base, -1, 0, worker_on_stop, w);
    if (w->db == NULL || w->tick == NULL || w->stop == NULL)
        return -1;
    if ((w->scratch = evbuffer_new()) == NULL)
        return -1;
    if (w->sindex) {
        if ((w->index_ev = event_new(w->base, -1, 0, worker_on_index, w)) == NULL ||
            sindex_subscribe(w->sindex, w->index_ev) < 0)
            return -1;
    }
    event_add(w->tick, &period);
    return pthread_create(&w->thread, NULL, worker_main, w) == 0 ? 0 : -1;
}

void worker_stop(struct worker *w)
{
    event_active(w->stop, 0, 0);
}

void worker_join(struct worker *w)
{
    struct req_ctx *ctx;

    pthread_join(w->thread, NULL);
    paper_wait_idle(); /* a PDF still being drawn hands its job to this base: let it finish first */
    if (w->index_ev) {
        sindex_unsubscribe(w->sindex, w->index_ev);
        event_free(w->index_ev);
    }
    if (w->scratch)
        evbuffer_free(w->scratch);
    /* Requests still open after the grace period are answered by evhttp_free
     * closing their connections; their contexts are ours to free. */
    evhttp_free(w->http);
    conn_table_free(w->conns); /* after evhttp_free: its close callbacks have run */
    while ((ctx = TAILQ_FIRST(&w->active)) != NULL) {
        TAILQ_REMOVE(&w->active, ctx, link);
        if (ctx->q.state != DBQ_NONE)
            db_query_abandon(http_query_pool(ctx), &ctx->q);
        evhttp_clear_headers(&ctx->query);
        free(ctx);
    }
    while ((ctx = TAILQ_FIRST(&w->spare)) != NULL) {
        TAILQ_REMOVE(&w->spare, ctx, link);
        free(ctx);
    }
    webhook_engine_free(w->hooks); /* abandons its queries: before the pool */
    mail_sender_free(w->mail);     /* abandons its queries: before the pool */
    housekeeping_free(w->hk);      /* abandons its queries: before the pool */
    tally_free(w->tally);          /* abandons its flush: before the pool */
    db_pool_free(w->db);
    replica_free(w->replica);
    cache_free(w->reply_cache);
    client_hasher_free(w->hasher);
    event_free(w->tick);
    event_free(w->stop);
    event_base_free(w->base);
}
