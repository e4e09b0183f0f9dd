/*
 * metrics.c — the counters behind GET /metrics. See metrics.h.
 */
#include "metrics.h"

#include <event2/buffer.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "route.h"
#include "routes.h"
#include "sindex.h"

/* The statuses the daemon answers with; anything else is counted as "other". */
static const int statuses[] = { 200, 201, 204, 301, 302, 303, 304, 400, 401, 403, 404, 405, 406, 408,
                                409, 410, 412, 413, 414, 415, 422, 428, 429, 431, 500, 502, 503, 504 };
enum {
    NSTATUS = sizeof(statuses) / sizeof(statuses[0]) + 1 /* other */
};

/* Latency buckets, upper bounds in microseconds (le, in seconds, when shown). */
static const uint64_t buckets_us[] = { 1000,   2500,   5000,    10000,   25000,   50000,   100000,
                                       250000, 500000, 1000000, 2500000, 5000000, 10000000 };
enum {
    NBUCKET = sizeof(buckets_us) / sizeof(buckets_us[0]) + 1 /* +Inf */
};

static const char *const webhook_outcomes[] = { "delivered", "failed", "other" };
enum {
    NOUTCOME = sizeof(webhook_outcomes) / sizeof(webhook_outcomes[0])
};

/* One worker's counters. The arrays are [route][status] and [route][bucket]. */
struct slot {
    _Atomic uint64_t *requests;
    _Atomic uint64_t *latency;
    _Atomic uint64_t *latency_sum_us;
    _Atomic uint64_t cache_hits, cache_misses;
    _Atomic int db_conns, db_ready, db_busy, db_queued;
    _Atomic uint64_t db_wait[NBUCKET], db_wait_sum_us;
    _Atomic uint64_t webhooks[NOUTCOME];
    _Atomic uint64_t housekeeping[METRICS_HK_NRESULT_];
    _Atomic bool has_replica, replica_usable;
    _Atomic int64_t replica_lag_ms;
    _Atomic uint64_t replica_reads, replica_retries;
    char pad[64];
};

static struct slot *slots; /* owned: nworkers */
static int nworkers;
static size_t nrows; /* routes + the "no route" row */

int metrics_init(int workers, size_t nroutes)
{
    metrics_free();
    if (workers <= 0 || (slots = calloc((size_t)workers, sizeof(*slots))) == NULL)
        return -1;
    nworkers = workers;
    nrows = nroutes + 1;
    for (int w = 0; w < workers; w++) {
        slots[w].requests = calloc(nrows * NSTATUS, sizeof(*slots[w].requests));
        slots[w].latency = calloc(nrows * NBUCKET, sizeof(*slots[w].latency));
        slots[w].latency_sum_us = calloc(nrows, sizeof(*slots[w].latency_sum_us));
        if (!slots[w].requests || !slots[w].latency || !slots[w].latency_sum_us) {
            metrics_free();
            return -1;
        }
    }
    return 0;
}

void metrics_free(void)
{
    for (int w = 0; slots && w < nworkers; w++) {
        free(slots[w].requests);
        free(slots[w].latency);
        free(slots[w].latency_sum_us);
    }
    free(slots);
    slots = NULL;
    nworkers = 0;
}

static struct slot *slot_of(int w)
{
    return slots && w >= 0 && w < nworkers ? &slots[w] : NULL;
}

static size_t bucket_of(uint64_t us)
{
    size_t b = 0;
    while (b < NBUCKET - 1 && us > buckets_us[b])
        b++;
    return b;
}

#define ADD(a, n) atomic_fetch_add_explicit(&(a), (n), memory_order_relaxed)
#define SET(a, v) atomic_store_explicit(&(a), (v), memory_order_relaxed)
#define GET(a)    atomic_load_explicit(&(a), memory_order_relaxed)

/* The read replicas' part of the exposition: nothing when no worker has one. */
static void replica_render(struct evbuffer *out)
{
    uint64_t reads = 0, retries = 0;
    bool any = false;
    for (int w = 0; w < nworkers; w++) {
        any |= GET(slots[w].has_replica);
        reads += GET(slots[w].replica_reads);
        retries += GET(slots[w].replica_retries);
    }
    if (!any)
        return;
    evbuffer_add_printf(out, "# HELP sk_db_replica_usable Whether each worker sends anonymous reads to its read "
                             "replica (1) or to the primary (0).\n# TYPE sk_db_replica_usable gauge\n");
    for (int w = 0; w < nworkers; w++)
        evbuffer_add_printf(out, "sk_db_replica_usable{worker=\"%d\"} %d\n", w, GET(slots[w].replica_usable) ? 1 : 0);
    evbuffer_add_printf(out, "# HELP sk_db_replica_lag_seconds How far the read replica's replay is behind, as "
                             "each worker last measured it (NaN: unknown).\n# TYPE sk_db_replica_lag_seconds gauge\n");
    for (int w = 0; w < nworkers; w++) {
        int64_t lag = GET(slots[w].replica_lag_ms);
        if (lag < 0)
            evbuffer_add_printf(out, "sk_db_replica_lag_seconds{worker=\"%d\"} NaN\n", w);
        else
            evbuffer_add_printf(out, "sk_db_replica_lag_seconds{worker=\"%d\"} %lld.%03lld\n", w,
                                (long long)(lag / 1000), (long long)(lag % 1000));
    }
    evbuffer_add_printf(out,
                        "# HELP sk_db_replica_reads_total Anonymous reads sent to a read replica, by result "
                        "(retried: failed there and sent to the primary).\n# TYPE sk_db_replica_reads_total counter\n"
                        "sk_db_replica_reads_total{result=\"answered\"} %llu\n"
                        "sk_db_replica_reads_total{result=\"retried\"} %llu\n",
                        (unsigned long long)reads, (unsigned long long)retries);
}

void metrics_request(int w, size_t route, int status, uint64_t us)
{
    struct slot *s = slot_of(w);
    size_t k = NSTATUS - 1;
    if (s == NULL)
        return;
    if (route >= nrows)
        route = nrows - 1;
    for (size_t i = 0; i < NSTATUS - 1; i++)
        if (statuses[i] == status) {
            k = i;
            break;
        }
    ADD(s->requests[route * NSTATUS + k], 1);
    ADD(s->latency[route * NBUCKET + bucket_of(us)], 1);
    ADD(s->latency_sum_us[route], us);
}

void metrics_cache(int w, bool hit)
{
    struct slot *s = slot_of(w);
    if (s)
        ADD(*(hit ? &s->cache_hits : &s->cache_misses), 1);
}

void metrics_replica(int w, bool usable, int64_t lag_ms)
{
    struct slot *s = slot_of(w);
    if (s == NULL)
        return;
    SET(s->has_replica, true);
    SET(s->replica_usable, usable);
    SET(s->replica_lag_ms, lag_ms);
}

void metrics_replica_read(int w, bool retried)
{
    struct slot *s = slot_of(w);
    if (s)
        ADD(*(retried ? &s->replica_retries : &s->replica_reads), 1);
}

void metrics_db_state(int w, int conns, int ready, int busy, int queued)
{
    struct slot *s = slot_of(w);
    if (s == NULL)
        return;
    SET(s->db_conns, conns);
    SET(s->db_ready, ready);
    SET(s->db_busy, busy);
    SET(s->db_queued, queued);
}

void metrics_db_wait(int w, uint64_t us)
{
    struct slot *s = slot_of(w);
    if (s == NULL)
        return;
    ADD(s->db_wait[bucket_of(us)], 1);
    ADD(s->db_wait_sum_us, us);
}

void metrics_webhook(int w, const char *outcome)
{
    struct slot *s = slot_of(w);
    size_t k = NOUTCOME - 1;
    if (s == NULL)
        return;
    for (size_t i = 0; outcome && i < NOUTCOME - 1; i++)
        if (strcmp(outcome, webhook_outcomes[i]) == 0)
            k = i;
    ADD(s->webhooks[k], 1);
}

void metrics_housekeeping(int w, enum metrics_hk_result result)
{
    struct slot *s = slot_of(w);
    if (s && (unsigned)result < METRICS_HK_NRESULT_)
        ADD(s->housekeeping[result], 1);
}

/* ------------------------------------------------------------------ */
/* The exposition                                                      */

static const char *method_of(unsigned methods)
{
    static const struct {
        unsigned bit;
        const char *name;
    } names[] = { { RM_GET, "GET" },     { RM_HEAD, "HEAD" },     { RM_POST, "POST" },      { RM_PUT, "PUT" },
                  { RM_PATCH, "PATCH" }, { RM_DELETE, "DELETE" }, { RM_OPTIONS, "OPTIONS" } };
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        if (methods & names[i].bit)
            return names[i].name;
    return "OTHER";
}

/* A route's labels: route="/api/v1/places/{id}",method="GET" (patterns hold no quote or backslash). */
static void route_labels(size_t r, const char **pattern, const char **method)
{
    if (r + 1 < nrows) {
        *pattern = routes_table[r].pattern;
        *method = method_of(routes_table[r].methods);
    } else {
        *pattern = "none";
        *method = "any";
    }
}

static void histogram(struct evbuffer *out, const char *name, const char *labels, const uint64_t *counts,
                      uint64_t sum_us)
{
    uint64_t cum = 0;
    for (size_t b = 0; b < NBUCKET; b++) {
        cum += counts[b];
        if (b < NBUCKET - 1)
            evbuffer_add_printf(out, "%s_bucket{%s%sle=\"%g\"} %llu\n", name, labels, *labels ? "," : "",
                                (double)buckets_us[b] / 1e6, (unsigned long long)cum);
        else
            evbuffer_add_printf(out, "%s_bucket{%s%sle=\"+Inf\"} %llu\n", name, labels, *labels ? "," : "",
                                (unsigned long long)cum);
    }
    evbuffer_add_printf(out, "%s_sum%s%s%s %.6f\n", name, *labels ? "{" : "", labels, *labels ? "}" : "",
                        (double)sum_us / 1e6);
    evbuffer_add_printf(out, "%s_count%s%s%s %llu\n", name, *labels ? "{" : "", labels, *labels ? "}" : "",
                        (unsigned long long)cum);
}

static void render_requests(struct evbuffer *out)
{
    evbuffer_add_printf(out, "# HELP sk_http_requests_total Requests answered, by route, method and status.\n"
                             "# TYPE sk_http_requests_total counter\n");
    for (size_t r = 0; r < nrows; r++) {
        const char *pattern, *method;
        route_labels(r, &pattern, &method);
        for (size_t k = 0; k < NSTATUS; k++) {
            uint64_t n = 0;
            for (int w = 0; w < nworkers; w++)
                n += GET(slots[w].requests[r * NSTATUS + k]);
            if (n == 0)
                continue;
            if (k < NSTATUS - 1)
                evbuffer_add_printf(out, "sk_http_requests_total{route=\"%s\",method=\"%s\",status=\"%d\"} %llu\n",
                                    pattern, method, statuses[k], (unsigned long long)n);
            else
                evbuffer_add_printf(out, "sk_http_requests_total{route=\"%s\",method=\"%s\",status=\"other\"} %llu\n",
                                    pattern, method, (unsigned long long)n);
        }
    }
    evbuffer_add_printf(out, "# HELP sk_http_request_duration_seconds Time from a request's arrival to its answer, by "
                             "route and method.\n# TYPE sk_http_request_duration_seconds histogram\n");
    for (size_t r = 0; r < nrows; r++) {
        uint64_t counts[NBUCKET] = { 0 }, sum = 0, total = 0;
        char labels[256];
        const char *pattern, *method;
        for (int w = 0; w < nworkers; w++) {
            for (size_t b = 0; b < NBUCKET; b++)
                counts[b] += GET(slots[w].latency[r * NBUCKET + b]);
            sum += GET(slots[w].latency_sum_us[r]);
        }
        for (size_t b = 0; b < NBUCKET; b++)
            total += counts[b];
        if (total == 0)
            continue;
        route_labels(r, &pattern, &method);
        snprintf(labels, sizeof(labels), "route=\"%s\",method=\"%s\"", pattern, method);
        histogram(out, "sk_http_request_duration_seconds", labels, counts, sum);
    }
}

static void render_workers(struct evbuffer *out)
{
    uint64_t hits = 0, misses = 0, hk[METRICS_HK_NRESULT_] = { 0 }, wait[NBUCKET] = { 0 }, wait_sum = 0,
             hooks[NOUTCOME] = { 0 };
    for (int w = 0; w < nworkers; w++) {
        hits += GET(slots[w].cache_hits);
        misses += GET(slots[w].cache_misses);
        for (size_t k = 0; k < METRICS_HK_NRESULT_; k++)
            hk[k] += GET(slots[w].housekeeping[k]);
        wait_sum += GET(slots[w].db_wait_sum_us);
        for (size_t b = 0; b < NBUCKET; b++)
            wait[b] += GET(slots[w].db_wait[b]);
        for (size_t k = 0; k < NOUTCOME; k++)
            hooks[k] += GET(slots[w].webhooks[k]);
    }
    evbuffer_add_printf(out,
                        "# HELP sk_reply_cache_lookups_total Lookups of the workers' reply caches (anonymous "
                        "reads of cacheable routes), by result.\n# TYPE sk_reply_cache_lookups_total counter\n"
                        "sk_reply_cache_lookups_total{result=\"hit\"} %llu\n"
                        "sk_reply_cache_lookups_total{result=\"miss\"} %llu\n",
                        (unsigned long long)hits, (unsigned long long)misses);
    evbuffer_add_printf(out, "# HELP sk_db_pool_connections Database connections of each worker's pool, by state.\n"
                             "# TYPE sk_db_pool_connections gauge\n");
    for (int w = 0; w < nworkers; w++) {
        int conns = GET(slots[w].db_conns), ready = GET(slots[w].db_ready), busy = GET(slots[w].db_busy);
        evbuffer_add_printf(out,
                            "sk_db_pool_connections{worker=\"%d\",state=\"busy\"} %d\n"
                            "sk_db_pool_connections{worker=\"%d\",state=\"idle\"} %d\n"
                            "sk_db_pool_connections{worker=\"%d\",state=\"down\"} %d\n",
                            w, busy, w, ready - busy, w, conns - ready);
    }
    evbuffer_add_printf(out, "# HELP sk_db_pool_queue Queries of each worker waiting for a free connection.\n"
                             "# TYPE sk_db_pool_queue gauge\n");
    for (int w = 0; w < nworkers; w++)
        evbuffer_add_printf(out, "sk_db_pool_queue{worker=\"%d\"} %d\n", w, GET(slots[w].db_queued));
    evbuffer_add_printf(out, "# HELP sk_db_pool_wait_seconds Time a query waited for a free connection.\n"
                             "# TYPE sk_db_pool_wait_seconds histogram\n");
    histogram(out, "sk_db_pool_wait_seconds", "", wait, wait_sum);
    replica_render(out);
    evbuffer_add_printf(out, "# HELP sk_webhook_deliveries_total Webhook delivery attempts, by outcome.\n"
                             "# TYPE sk_webhook_deliveries_total counter\n");
    for (size_t k = 0; k < NOUTCOME; k++)
        evbuffer_add_printf(out, "sk_webhook_deliveries_total{outcome=\"%s\"} %llu\n", webhook_outcomes[k],
                            (unsigned long long)hooks[k]);
    evbuffer_add_printf(
        out,
        "# HELP sk_housekeeping_runs_total Housekeeping tasks asked for, by result (skipped: run by another "
        "daemon).\n"
        "# TYPE sk_housekeeping_runs_total counter\n"
        "sk_housekeeping_runs_total{result=\"ok\"} %llu\n"
        "sk_housekeeping_runs_total{result=\"skipped\"} %llu\n"
        "sk_housekeeping_runs_total{result=\"failed\"} %llu\n",
        (unsigned long long)hk[METRICS_HK_OK], (unsigned long long)hk[METRICS_HK_SKIPPED],
        (unsigned long long)hk[METRICS_HK_FAILED]);
}

static void render_index(struct evbuffer *out, const struct sindex_status *ix)
{
    evbuffer_add_printf(out,
                        "# HELP sk_search_index_up 1 when the in-memory search index serves searches.\n"
                        "# TYPE sk_search_index_up gauge\nsk_search_index_up %d\n",
                        ix && ix->loaded ? 1 : 0);
    if (ix == NULL)
        return;
    evbuffer_add_printf(out,
                        "# HELP sk_search_index_entries Entries residents can see, in the index.\n"
                        "# TYPE sk_search_index_entries gauge\nsk_search_index_entries %zu\n"
                        "# HELP sk_search_index_bytes Memory of the index, by part (estimate).\n"
                        "# TYPE sk_search_index_bytes gauge\n"
                        "sk_search_index_bytes{part=\"index\"} %zu\nsk_search_index_bytes{part=\"documents\"} %zu\n"
                        "# HELP sk_search_index_lag_seconds Time since the index last caught up with the database.\n"
                        "# TYPE sk_search_index_lag_seconds gauge\nsk_search_index_lag_seconds %.3f\n"
                        "# HELP sk_search_index_lagging 1 when the lag is beyond search_index_max_lag_ms.\n"
                        "# TYPE sk_search_index_lagging gauge\nsk_search_index_lagging %d\n"
                        "# HELP sk_search_index_position The change-stream position the index has applied.\n"
                        "# TYPE sk_search_index_position gauge\nsk_search_index_position %llu\n"
                        "# HELP sk_search_index_build_seconds The last full build of the index.\n"
                        "# TYPE sk_search_index_build_seconds gauge\nsk_search_index_build_seconds %.3f\n"
                        "# HELP sk_search_index_publishes_total Snapshots of the index published.\n"
                        "# TYPE sk_search_index_publishes_total counter\nsk_search_index_publishes_total %llu\n",
                        ix->entries, ix->index_bytes, ix->doc_bytes, (double)ix->lag_ms / 1000.0, ix->lagging ? 1 : 0,
                        (unsigned long long)ix->position, (double)ix->build_ms / 1000.0,
                        (unsigned long long)ix->publishes);
}

int metrics_render(struct evbuffer *out, const struct sindex_status *ix)
{
    if (slots == NULL)
        return -1;
    render_requests(out);
    render_workers(out);
    render_index(out, ix);
    return 0;
}
