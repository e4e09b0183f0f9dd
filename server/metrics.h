/*
 * metrics.h — the daemon's counters and gauges for GET /metrics (issue 17), in the Prometheus
 * text exposition format 0.0.4.
 *
 * What it is for: requests and their latency per route and status, the reply caches' hits,
 * each worker's database pool (connections, queue, time queries waited), the webhook
 * deliveries by outcome and the housekeeping runs; the search index's state is read at scrape
 * time (sindex_status).
 *
 * How it is shared: one slot per worker. A worker's thread writes only its own slot, with
 * relaxed atomic adds and stores (no lock, no shared cache line on the request path); the
 * scrape, on any worker, reads every slot and sums. The sizes are fixed at metrics_init
 * (workers × routes × statuses and buckets), so nothing grows with what callers send.
 *
 * What it is not for: anything per entry, per client or per query string (no label a caller
 * chooses but the route table's patterns).
 */
#ifndef SK_METRICS_H
#define SK_METRICS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct evbuffer;
struct sindex_status;

/* Allocate the slots of nworkers workers for nroutes routes (and one "no route" row). Call once,
 * before the workers start. Returns -1 when out of memory (the daemon then runs without). */
int metrics_init(int nworkers, size_t nroutes);
void metrics_free(void);

/* A request answered by worker w: its route (routes_table index; nroutes for none), status and
 * time from arrival to the answer, in microseconds. */
void metrics_request(int w, size_t route, int status, uint64_t us);

/* A lookup of the worker's reply cache. */
void metrics_cache(int w, bool hit);

/* The worker's pool as it is now (published from its tick), and one query's wait for a connection. */
void metrics_db_state(int w, int conns, int ready, int busy, int queued);
void metrics_db_wait(int w, uint64_t us);

/* Worker w's read replica (replica.h): whether reads go to it and its lag (-1: unknown); and an
 * anonymous read it finished (retried: it failed there and went to the primary). */
void metrics_replica(int w, bool usable, int64_t lag_ms);
void metrics_replica_read(int w, bool retried);

/* A webhook delivery attempt's outcome ("delivered", "failed") and a housekeeping task's run
 * (skipped: another daemon runs it, or ran it within the period). */
enum metrics_hk_result {
    METRICS_HK_OK,
    METRICS_HK_SKIPPED,
    METRICS_HK_FAILED,
    METRICS_HK_NRESULT_
};
void metrics_webhook(int w, const char *outcome);
void metrics_housekeeping(int w, enum metrics_hk_result result);

/* The whole exposition into out; ix may be NULL (no index). Returns 0, or -1 when out of memory. */
int metrics_render(struct evbuffer *out, const struct sindex_status *ix);

#endif
