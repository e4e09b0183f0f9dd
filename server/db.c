/*
 * db.c — asynchronous PostgreSQL connection pool, one per worker thread.
 *
 * See db.h for the contract. Everything here runs on the owning worker's
 * event loop; nothing is shared between threads, so nothing is locked.
 */
#include "db.h"

#include <event2/event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "metrics.h"
#include "schema.h"

#define DB_BACKOFF_START_MS 50

enum dbc_state {
    DBC_DOWN,
    DBC_CONNECTING,
    DBC_CHECKING,
    DBC_PREPARING,
    DBC_IDLE,
    DBC_BUSY
};

/* One connection. Owned by its pool; the PGconn by the connection. */
struct db_conn {
    struct db_pool *pool;
    PGconn *pg; /* NULL when DOWN */
    enum dbc_state state;
    struct event *ev;       /* socket watcher, re-armed per state */
    short watching;         /* the events ev is armed for, 0 = none */
    int prep_next;          /* next catalog entry to prepare */
    struct db_query *query; /* the running query when BUSY, linked both ways */
    PGresult *result;       /* first result of the running command */
    uint64_t retry_at_ms;   /* DOWN: when to try again */
    uint64_t deadline_ms;   /* CONNECTING..PREPARING: give up after this */
};

struct db_pool {
    struct event_base *base;     /* borrowed from the worker */
    const struct sk_config *cfg; /* borrowed, read-only */
    char conninfo[1024];
    char statement_options[128];
    int nconns;
    struct db_conn *conns;        /* owned array of nconns */
    TAILQ_HEAD(, db_query) queue; /* queries waiting for a connection */
    int nqueued;
    int nready; /* connections IDLE or BUSY */
    int backoff_ms;
    int have_failed; /* an attempt failed since the last success */
    char last_error[256];
    int metrics_worker; /* the metrics slot (metrics.h), -1 = none */
};

static void dbc_on_event(evutil_socket_t fd, short what, void *arg);
static void pool_dispatch(struct db_pool *pool);

static int dbc_usable(enum dbc_state s)
{
    return s == DBC_IDLE || s == DBC_BUSY;
}

/* The single place where a connection changes state; keeps nready true. */
static void dbc_set_state(struct db_conn *c, enum dbc_state next)
{
    struct db_pool *pool = c->pool;

    switch (next) {
    case DBC_DOWN:
    case DBC_CONNECTING:
    case DBC_CHECKING:
    case DBC_PREPARING:
    case DBC_IDLE:
    case DBC_BUSY: break;
    default: abort();
    }
    pool->nready += dbc_usable(next) - dbc_usable(c->state);
    c->state = next;
}

/* Arm the socket watcher for what; persistent, so it fires until re-armed. */
static void dbc_watch(struct db_conn *c, short what)
{
    if (c->watching == what)
        return;
    event_del(c->ev);
    c->watching = what;
    if (what == 0 || c->pg == NULL)
        return;
    event_assign(c->ev, c->pool->base, PQsocket(c->pg), (short)(what | EV_PERSIST), dbc_on_event, c);
    event_add(c->ev, NULL);
}

static void db_error_set(struct db_error *err, enum db_status status, const char *sqlstate, const char *message)
{
    err->status = status;
    snprintf(err->sqlstate, sizeof(err->sqlstate), "%s", sqlstate ? sqlstate : "");
    snprintf(err->message, sizeof(err->message), "%s", message ? message : "");
    /* libpq messages end in a newline; the log line should not. */
    err->message[strcspn(err->message, "\n")] = '\0';
}

/* Hand q its outcome; the pool forgets q before the callback runs. */
static void query_finish(struct db_query *q, PGresult *res, const struct db_error *err)
{
    q->state = DBQ_NONE;
    q->conn = NULL;
    q->done(q, res, err);
}

/* Fail every waiting query: used when no connection is left to serve them. */
static void pool_fail_queue(struct db_pool *pool, const char *why)
{
    struct db_error err;
    db_error_set(&err, DB_UNAVAILABLE, "08006", why);
    while (!TAILQ_EMPTY(&pool->queue)) {
        struct db_query *q = TAILQ_FIRST(&pool->queue);
        TAILQ_REMOVE(&pool->queue, q, link);
        pool->nqueued--;
        query_finish(q, NULL, &err);
    }
}

/* Drop the server connection and plan the next attempt. */
static void dbc_close(struct db_conn *c, uint64_t retry_at_ms)
{
    dbc_watch(c, 0);
    if (c->result) {
        PQclear(c->result);
        c->result = NULL;
    }
    if (c->pg) {
        PQfinish(c->pg);
        c->pg = NULL;
    }
    c->retry_at_ms = retry_at_ms;
    dbc_set_state(c, DBC_DOWN);
}

/*
 * The connection broke or could not be made. Its running query (if any)
 * fails; when no usable connection is left, so does every waiting query,
 * because the database is down and waiting would only hang the client.
 */
static void dbc_fail(struct db_conn *c, const char *why)
{
    struct db_pool *pool = c->pool;
    struct db_query *q = c->query;

    snprintf(pool->last_error, sizeof(pool->last_error), "%s", why);
    pool->last_error[strcspn(pool->last_error, "\n")] = '\0';
    pool->have_failed = 1;
    c->query = NULL;
    dbc_close(c, clock_now_ms() + (uint64_t)pool->backoff_ms);
    pool->backoff_ms =
        pool->backoff_ms * 2 > pool->cfg->db_retry_max_ms ? pool->cfg->db_retry_max_ms : pool->backoff_ms * 2;
    if (q) {
        struct db_error err;
        db_error_set(&err, DB_UNAVAILABLE, "08006", pool->last_error);
        query_finish(q, NULL, &err);
    }
    if (pool->nready == 0)
        pool_fail_queue(pool, pool->last_error);
}

/* Begin a non-blocking connect; the rest happens in dbc_on_event. */
static void dbc_connect(struct db_conn *c)
{
    struct db_pool *pool = c->pool;
    const char *keys[] = { "dbname", "application_name", "options", NULL };
    const char *vals[] = { pool->conninfo, "socialekaartd", pool->statement_options, NULL };

    c->pg = PQconnectStartParams(keys, vals, 1);
    c->deadline_ms = clock_now_ms() + (uint64_t)pool->cfg->db_connect_timeout_ms;
    dbc_set_state(c, DBC_CONNECTING);
    if (c->pg == NULL || PQstatus(c->pg) == CONNECTION_BAD) {
        char why[256];
        snprintf(why, sizeof(why), "cannot connect to PostgreSQL: %s", c->pg ? PQerrorMessage(c->pg) : "out of memory");
        dbc_fail(c, why);
        return;
    }
    dbc_watch(c, EV_WRITE);
}

/* Ask for the schema version with an unnamed statement (nothing prepared yet). */
static void dbc_check_schema(struct db_conn *c)
{
    PQsetnonblocking(c->pg, 1);
    dbc_set_state(c, DBC_CHECKING);
    if (!PQsendQueryParams(c->pg, db_statements[STMT_SCHEMA_VERSION].sql, 0, NULL, NULL, NULL, NULL, 0)) {
        dbc_fail(c, PQerrorMessage(c->pg));
        return;
    }
    dbc_watch(c, EV_READ);
}

static void dbc_prepare_next(struct db_conn *c)
{
    const struct db_statement *s = &db_statements[c->prep_next];
    if (!PQsendPrepare(c->pg, s->name, s->sql, s->nparams, NULL)) {
        dbc_fail(c, PQerrorMessage(c->pg));
        return;
    }
    dbc_watch(c, EV_READ);
}

/* Become IDLE: take waiting work, and watch the socket for a server close. */
static void dbc_become_idle(struct db_conn *c)
{
    struct db_pool *pool = c->pool;
    if (c->state != DBC_BUSY) {
        pool->have_failed = 0;
        pool->backoff_ms = DB_BACKOFF_START_MS;
    }
    dbc_set_state(c, DBC_IDLE);
    dbc_watch(c, EV_READ);
    pool_dispatch(pool);
}

/*
 * Read whatever arrived. Returns 1 when the command is complete (its first
 * result kept in c->result), 0 when more is to come, -1 when the connection
 * is broken.
 */
static int dbc_collect(struct db_conn *c)
{
    if (!PQconsumeInput(c->pg))
        return -1;
    while (!PQisBusy(c->pg)) {
        PGresult *r = PQgetResult(c->pg);
        if (r == NULL)
            return 1;
        if (c->result == NULL)
            c->result = r;
        else
            PQclear(r);
    }
    return PQstatus(c->pg) == CONNECTION_BAD ? -1 : 0;
}

/* Map a failed result to a db_error; connection-class SQLSTATEs mean "unavailable". */
static void db_error_from_result(struct db_error *err, PGresult *r, PGconn *pg)
{
    const char *state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
    const char *msg = r ? PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY) : PQerrorMessage(pg);
    enum db_status status = DB_QUERY_ERROR;

    if (state && strcmp(state, "57014") == 0)
        status = DB_TIMEOUT;
    else if (state && (strncmp(state, "08", 2) == 0 || strncmp(state, "57P", 3) == 0))
        status = DB_UNAVAILABLE;
    db_error_set(err, status, state, msg);
}

static void dbc_on_checked(struct db_conn *c, PGresult *r)
{
    char why[256];

    if (PQresultStatus(r) != PGRES_TUPLES_OK) {
        snprintf(why, sizeof(why), "schema not migrated (run `socialekaart migrate`): %s",
                 PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY));
        dbc_fail(c, why);
        return;
    }
    if (schema_check(PQgetvalue(r, 0, 0), PQgetisnull(r, 0, 1) ? NULL : PQgetvalue(r, 0, 1), why, sizeof(why)) < 0) {
        dbc_fail(c, why);
        return;
    }
    dbc_set_state(c, DBC_PREPARING);
    c->prep_next = 0;
    dbc_prepare_next(c);
}

static void dbc_on_prepared(struct db_conn *c, PGresult *r)
{
    if (PQresultStatus(r) != PGRES_COMMAND_OK) {
        char why[256];
        snprintf(why, sizeof(why), "cannot prepare %s: %s", db_statements[c->prep_next].name,
                 PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY));
        dbc_fail(c, why);
        return;
    }
    if (++c->prep_next < STMT_COUNT_)
        dbc_prepare_next(c);
    else
        dbc_become_idle(c);
}

/* The running query is complete: unlink both sides, then tell its owner. */
static void dbc_on_query_done(struct db_conn *c, PGresult *r)
{
    struct db_query *q = c->query;
    struct db_error err;
    ExecStatusType st = PQresultStatus(r);

    c->query = NULL;
    if (st == PGRES_TUPLES_OK || st == PGRES_COMMAND_OK)
        db_error_set(&err, DB_OK, NULL, NULL);
    else
        db_error_from_result(&err, r, c->pg);
    dbc_become_idle(c);
    if (q)
        query_finish(q, err.status == DB_OK ? r : NULL, &err);
}

/* A command finished on c: route its result by state. */
static void dbc_on_result(struct db_conn *c)
{
    PGresult *r = c->result;
    c->result = NULL;
    if (r == NULL) {
        dbc_fail(c, "PostgreSQL returned no result");
        return;
    }
    switch (c->state) {
    case DBC_CHECKING: dbc_on_checked(c, r); break;
    case DBC_PREPARING: dbc_on_prepared(c, r); break;
    case DBC_BUSY: dbc_on_query_done(c, r); break;
    default: break;
    }
    PQclear(r);
}

static void dbc_on_connect_progress(struct db_conn *c)
{
    switch (PQconnectPoll(c->pg)) {
    case PGRES_POLLING_READING:
        dbc_watch(c, 0); /* the socket may have changed */
        dbc_watch(c, EV_READ);
        break;
    case PGRES_POLLING_WRITING:
        dbc_watch(c, 0);
        dbc_watch(c, EV_WRITE);
        break;
    case PGRES_POLLING_OK:
        dbc_watch(c, 0);
        dbc_check_schema(c);
        break;
    default: {
        char why[300];
        snprintf(why, sizeof(why), "cannot connect to PostgreSQL: %s", PQerrorMessage(c->pg));
        dbc_fail(c, why);
    }
    }
}

/* An idle connection became readable: a notice, or the server went away. */
static void dbc_on_idle_input(struct db_conn *c)
{
    PGnotify *n;
    if (!PQconsumeInput(c->pg) || PQstatus(c->pg) == CONNECTION_BAD) {
        dbc_fail(c, "connection to PostgreSQL lost");
        return;
    }
    while ((n = PQnotifies(c->pg)) != NULL)
        PQfreemem(n);
}

static void dbc_on_event(evutil_socket_t fd, short what, void *arg)
{
    struct db_conn *c = arg;
    (void)fd;

    if (c->state == DBC_CONNECTING) {
        dbc_on_connect_progress(c);
        return;
    }
    if (c->state == DBC_IDLE) {
        dbc_on_idle_input(c);
        return;
    }
    if (what & EV_WRITE) {
        int f = PQflush(c->pg);
        if (f < 0) {
            dbc_fail(c, PQerrorMessage(c->pg));
            return;
        }
        if (f == 0)
            dbc_watch(c, EV_READ);
    }
    if (what & EV_READ) {
        int done = dbc_collect(c);
        if (done < 0)
            dbc_fail(c, "connection to PostgreSQL lost");
        else if (done > 0)
            dbc_on_result(c);
    }
}

/* Send q on the idle connection c. -1 (and c is DOWN) when the send failed. */
static int dbc_send(struct db_conn *c, struct db_query *q)
{
    const struct db_statement *s = &db_statements[q->stmt];
    int flushed;

    if (!PQsendQueryPrepared(c->pg, s->name, q->nparams, q->params, NULL, NULL, 0)) {
        dbc_fail(c, PQerrorMessage(c->pg));
        return -1;
    }
    c->query = q;
    q->conn = c;
    q->state = DBQ_RUNNING;
    dbc_set_state(c, DBC_BUSY);
    flushed = PQflush(c->pg);
    dbc_watch(c, flushed == 1 ? EV_READ | EV_WRITE : EV_READ);
    return 0;
}

static struct db_conn *pool_idle_conn(struct db_pool *pool)
{
    for (int i = 0; i < pool->nconns; i++)
        if (pool->conns[i].state == DBC_IDLE)
            return &pool->conns[i];
    return NULL;
}

/* Give waiting queries to idle connections, oldest first. */
static void pool_dispatch(struct db_pool *pool)
{
    struct db_conn *c;
    while (!TAILQ_EMPTY(&pool->queue) && (c = pool_idle_conn(pool)) != NULL) {
        struct db_query *q = TAILQ_FIRST(&pool->queue);
        TAILQ_REMOVE(&pool->queue, q, link);
        pool->nqueued--;
        if (dbc_send(c, q) < 0) {
            TAILQ_INSERT_HEAD(&pool->queue, q, link);
            pool->nqueued++;
            q->state = DBQ_QUEUED;
        } else {
            metrics_db_wait(pool->metrics_worker, (clock_now_ms() - q->queued_ms) * 1000u);
        }
    }
}

struct db_pool *db_pool_new(struct event_base *base, const struct sk_config *cfg, const char *conninfo)
{
    struct db_pool *pool = calloc(1, sizeof(*pool));
    if (pool == NULL)
        return NULL;
    pool->base = base;
    pool->cfg = cfg;
    snprintf(pool->conninfo, sizeof(pool->conninfo), "%s", conninfo);
    /* client_connection_check_interval: a query whose request was abandoned (its connection
     * closed, since libpq 15 has no non-blocking cancel) stops within a second instead of
     * running on to the statement timeout. */
    snprintf(pool->statement_options, sizeof(pool->statement_options),
             "-c statement_timeout=%d -c client_connection_check_interval=1000", cfg->statement_timeout_ms);
    pool->backoff_ms = DB_BACKOFF_START_MS;
    pool->metrics_worker = -1;
    snprintf(pool->last_error, sizeof(pool->last_error), "connecting to PostgreSQL");
    TAILQ_INIT(&pool->queue);
    pool->nconns = cfg->db_pool_size;
    pool->conns = calloc((size_t)pool->nconns, sizeof(*pool->conns));
    if (pool->conns == NULL) {
        free(pool);
        return NULL;
    }
    for (int i = 0; i < pool->nconns; i++) {
        struct db_conn *c = &pool->conns[i];
        c->pool = pool;
        c->state = DBC_DOWN;
        c->ev = event_new(base, -1, 0, dbc_on_event, c);
    }
    for (int i = 0; i < pool->nconns; i++)
        dbc_connect(&pool->conns[i]);
    return pool;
}

void db_pool_free(struct db_pool *pool)
{
    if (pool == NULL)
        return;
    pool_fail_queue(pool, "shutting down");
    for (int i = 0; i < pool->nconns; i++) {
        struct db_conn *c = &pool->conns[i];
        if (c->query) {
            struct db_query *q = c->query;
            struct db_error err;
            c->query = NULL;
            db_error_set(&err, DB_UNAVAILABLE, "57P01", "shutting down");
            query_finish(q, NULL, &err);
        }
        dbc_close(c, 0);
        event_free(c->ev);
    }
    free(pool->conns);
    free(pool);
}

int db_submit(struct db_pool *pool, struct db_query *q, struct db_error *err)
{
    struct db_conn *c;

    q->state = DBQ_NONE;
    q->conn = NULL;
    if (pool->nready == 0 && pool->have_failed) {
        db_error_set(err, DB_UNAVAILABLE, "08006", pool->last_error);
        return -1;
    }
    while ((c = pool_idle_conn(pool)) != NULL && TAILQ_EMPTY(&pool->queue)) {
        if (dbc_send(c, q) == 0) {
            metrics_db_wait(pool->metrics_worker, 0);
            return 0;
        }
    }
    if (pool->nready == 0 && pool->have_failed) {
        db_error_set(err, DB_UNAVAILABLE, "08006", pool->last_error);
        return -1;
    }
    if (pool->nqueued >= pool->cfg->db_queue_max) {
        db_error_set(err, DB_UNAVAILABLE, "53300", "too many requests are waiting for the database");
        return -1;
    }
    q->state = DBQ_QUEUED;
    q->queued_ms = clock_now_ms();
    TAILQ_INSERT_TAIL(&pool->queue, q, link);
    pool->nqueued++;
    return 0;
}

void db_query_abandon(struct db_pool *pool, struct db_query *q)
{
    if (q->state == DBQ_QUEUED) {
        TAILQ_REMOVE(&pool->queue, q, link);
        pool->nqueued--;
    } else if (q->state == DBQ_RUNNING && q->conn) {
        struct db_conn *c = q->conn;
        c->query = NULL;
        dbc_close(c, 0); /* reconnect on the next tick; not a failure */
    }
    q->state = DBQ_NONE;
    q->conn = NULL;
}

void db_pool_set_metrics(struct db_pool *pool, int w)
{
    pool->metrics_worker = w;
}

void db_pool_tick(struct db_pool *pool, uint64_t now_ms)
{
    struct db_error err;
    int busy = 0;

    for (int i = 0; i < pool->nconns; i++)
        busy += pool->conns[i].state == DBC_BUSY;
    metrics_db_state(pool->metrics_worker, pool->nconns, pool->nready, busy, pool->nqueued);

    db_error_set(&err, DB_TIMEOUT, "57014", "timed out waiting for a free database connection");
    while (!TAILQ_EMPTY(&pool->queue)) {
        struct db_query *q = TAILQ_FIRST(&pool->queue);
        if (now_ms - q->queued_ms < (uint64_t)pool->cfg->db_queue_timeout_ms)
            break;
        TAILQ_REMOVE(&pool->queue, q, link);
        pool->nqueued--;
        query_finish(q, NULL, &err);
    }
    for (int i = 0; i < pool->nconns; i++) {
        struct db_conn *c = &pool->conns[i];
        if (c->state == DBC_DOWN && now_ms >= c->retry_at_ms)
            dbc_connect(c);
        else if ((c->state == DBC_CONNECTING || c->state == DBC_CHECKING || c->state == DBC_PREPARING) &&
                 now_ms > c->deadline_ms)
            dbc_fail(c, "timed out connecting to PostgreSQL");
    }
}

int db_pool_ready(const struct db_pool *pool)
{
    return pool->nready;
}

const char *db_pool_last_error(const struct db_pool *pool)
{
    return pool->last_error;
}
