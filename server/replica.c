/*
 * replica.c — a worker's read replica: its pool and its lag probe. See replica.h.
 */
#include "replica.h"

#include <stdlib.h>

#include "db.h"
#include "log.h"
#include "metrics.h"

#define REPLICA_PROBE_MS 1000

struct replica {
    const struct sk_config *cfg; /* borrowed */
    struct db_pool *pool;        /* owned: connections to database_read_url */
    struct db_query probe;       /* the lag probe; in flight while probe.state != DBQ_NONE */
    int worker;
    uint64_t next_probe_ms;
    int64_t lag_ms; /* from the last probe; -1 = unknown (no answer yet, or the probe failed) */
    bool usable;
};

static void replica_on_probe(struct db_query *q, PGresult *res, const struct db_error *err)
{
    struct replica *r = q->arg;
    bool was = r->usable;

    r->lag_ms = err->status == DB_OK && PQntuples(res) == 1 ? strtoll(PQgetvalue(res, 0, 0), NULL, 10) : -1;
    r->usable = r->lag_ms >= 0 && r->lag_ms <= r->cfg->database_read_max_lag_ms;
    if (was != r->usable && r->worker == 0) {
        if (r->usable)
            log_msg(LOG_INFO, "read replica usable again (%lld ms behind)", (long long)r->lag_ms);
        else if (r->lag_ms >= 0)
            log_msg(LOG_WARN, "read replica %lld ms behind (more than %d): reads go to the primary",
                    (long long)r->lag_ms, r->cfg->database_read_max_lag_ms);
        else
            log_msg(LOG_WARN, "read replica not answering (%s): reads go to the primary", err->message);
    }
    metrics_replica(r->worker, r->usable, r->lag_ms);
}

struct replica *replica_new(struct event_base *base, const struct sk_config *cfg, int w)
{
    struct replica *r;

    if (cfg->database_read_url[0] == '\0' || (r = calloc(1, sizeof(*r))) == NULL)
        return NULL;
    r->cfg = cfg;
    r->worker = w;
    r->lag_ms = -1;
    if ((r->pool = db_pool_new(base, cfg, cfg->database_read_url)) == NULL) {
        free(r);
        return NULL;
    }
    r->probe.stmt = STMT_REPLICA_LAG;
    r->probe.done = replica_on_probe;
    r->probe.arg = r;
    metrics_replica(w, false, -1);
    return r;
}

void replica_free(struct replica *r)
{
    if (r == NULL)
        return;
    if (r->probe.state != DBQ_NONE)
        db_query_abandon(r->pool, &r->probe);
    db_pool_free(r->pool);
    free(r);
}

void replica_tick(struct replica *r, uint64_t now_ms)
{
    struct db_error err;

    if (r == NULL)
        return;
    db_pool_tick(r->pool, now_ms);
    if (db_pool_ready(r->pool) == 0 && r->usable) {
        r->usable = false; /* the connections went: no waiting for the next probe */
        metrics_replica(r->worker, false, -1);
    }
    if (r->probe.state != DBQ_NONE || now_ms < r->next_probe_ms)
        return;
    r->next_probe_ms = now_ms + REPLICA_PROBE_MS;
    if (db_submit(r->pool, &r->probe, &err) < 0)
        replica_on_probe(&r->probe, NULL, &err);
}

bool replica_usable(const struct replica *r)
{
    return r && r->usable && db_pool_ready(r->pool) > 0;
}

bool replica_lagging(const struct replica *r)
{
    return r && !replica_usable(r);
}

struct db_pool *replica_pool(struct replica *r)
{
    return r->pool;
}
