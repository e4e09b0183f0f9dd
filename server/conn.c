/*
 * conn.c — connection count and request read deadlines (see conn.h).
 */
#include "conn.h"

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/http.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/queue.h>
#include <sys/socket.h>

#include "clock.h"
#include "http.h"

#define CONN_BUCKETS 4096 /* evcon -> conn lookup; a power of two */
#define CONN_NEVER   UINT64_MAX

/* One client connection. Owned by its table from the bufferevent hook to the close callback. */
struct conn {
    struct conn_table *table;
    struct bufferevent *bev;         /* borrowed from evhttp (our reference only until adopted) */
    struct evhttp_connection *evcon; /* NULL until adopted */
    struct req_ctx *ctx;             /* the request being answered, linked both ways; or NULL */
    uint64_t deadline_ms;            /* a whole request must have arrived by then; CONN_NEVER while busy */
    bool cut;                        /* its socket was shut down; evhttp frees it soon */
    TAILQ_ENTRY(conn) link;          /* fresh or live list */
    LIST_ENTRY(conn) bucket;         /* lookup by evcon (live only) */
};

struct conn_table {
    struct event_base *base; /* borrowed */
    _Atomic int *open;       /* borrowed, shared by every worker */
    int max;
    uint64_t read_timeout_ms;
    struct event *adopt;      /* priority 0: runs right after evhttp's accept */
    TAILQ_HEAD(, conn) fresh; /* created by the hook, not adopted yet */
    TAILQ_HEAD(, conn) live;
    int nlive;
    LIST_HEAD(, conn) buckets[CONN_BUCKETS];
};

static size_t conn_bucket(const struct evhttp_connection *evcon)
{
    uintptr_t p = (uintptr_t)evcon;
    return (size_t)((p >> 4) ^ (p >> 16)) & (CONN_BUCKETS - 1);
}

/* Make the peer see EOF; evhttp's error path then frees the connection (and calls conn_on_close). */
static void conn_cut(struct conn *c)
{
    evutil_socket_t fd = bufferevent_getfd(c->bev);
    if (c->cut)
        return;
    c->cut = true;
    if (fd >= 0)
        shutdown(fd, SHUT_RDWR);
}

static void conn_on_close(struct evhttp_connection *evcon, void *arg)
{
    struct conn *c = arg;
    struct conn_table *t = c->table;
    (void)evcon;

    if (c->ctx)
        http_conn_gone(c->ctx);
    LIST_REMOVE(c, bucket);
    TAILQ_REMOVE(&t->live, c, link);
    t->nlive--;
    atomic_fetch_sub(t->open, 1);
    free(c);
}

/* evhttp's bufferevent hook: a connection is being accepted. */
static struct bufferevent *conn_on_new(struct event_base *base, void *arg)
{
    struct conn_table *t = arg;
    struct bufferevent *bev = bufferevent_socket_new(base, -1, BEV_OPT_CLOSE_ON_FREE);
    struct conn *c;

    if (bev == NULL)
        return NULL; /* evhttp makes its own, untracked */
    c = calloc(1, sizeof(*c));
    if (c == NULL)
        return bev;
    c->table = t;
    c->bev = bev;
    bufferevent_incref(bev); /* valid until adopted, whatever evhttp does meanwhile */
    TAILQ_INSERT_TAIL(&t->fresh, c, link);
    event_active(t->adopt, EV_READ, 0);
    return bev;
}

/* Right after the accept: learn each new connection's evhttp_connection and watch its end. */
static void conn_on_adopt(evutil_socket_t fd_unused, short what, void *arg)
{
    struct conn_table *t = arg;
    struct conn *c;
    (void)fd_unused;
    (void)what;

    while ((c = TAILQ_FIRST(&t->fresh)) != NULL) {
        bufferevent_data_cb rd = NULL;
        void *cbarg = NULL;
        evutil_socket_t fd = bufferevent_getfd(c->bev);
        int one = 1;

        TAILQ_REMOVE(&t->fresh, c, link);
        bufferevent_getcb(c->bev, &rd, NULL, NULL, &cbarg);
        if (rd == NULL || cbarg == NULL) { /* evhttp gave up on it already */
            bufferevent_decref(c->bev);
            free(c);
            continue;
        }
        c->evcon = cbarg;
        c->deadline_ms = clock_now_ms() + t->read_timeout_ms;
        evhttp_connection_set_closecb(c->evcon, conn_on_close, c);
        TAILQ_INSERT_TAIL(&t->live, c, link);
        LIST_INSERT_HEAD(&t->buckets[conn_bucket(c->evcon)], c, bucket);
        t->nlive++;
        if (fd >= 0)
            setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
        if (atomic_fetch_add(t->open, 1) >= t->max)
            conn_cut(c);
        bufferevent_decref(c->bev);
    }
}

struct conn_table *conn_table_new(struct event_base *base, struct evhttp *http, _Atomic int *open, int max_connections,
                                  int request_read_timeout_ms)
{
    struct conn_table *t = calloc(1, sizeof(*t));
    if (t == NULL)
        return NULL;
    t->base = base;
    t->open = open;
    t->max = max_connections;
    t->read_timeout_ms = (uint64_t)request_read_timeout_ms;
    TAILQ_INIT(&t->fresh);
    TAILQ_INIT(&t->live);
    t->adopt = event_new(base, -1, 0, conn_on_adopt, t);
    if (t->adopt == NULL || event_priority_set(t->adopt, 0) < 0) {
        conn_table_free(t);
        return NULL;
    }
    evhttp_set_bevcb(http, conn_on_new, t);
    return t;
}

void conn_table_free(struct conn_table *t)
{
    struct conn *c;
    if (t == NULL)
        return;
    /* evhttp_free has closed every connection: the close callbacks emptied live */
    while ((c = TAILQ_FIRST(&t->fresh)) != NULL) {
        TAILQ_REMOVE(&t->fresh, c, link);
        bufferevent_decref(c->bev);
        free(c);
    }
    while ((c = TAILQ_FIRST(&t->live)) != NULL) {
        TAILQ_REMOVE(&t->live, c, link);
        atomic_fetch_sub(t->open, 1);
        free(c);
    }
    if (t->adopt)
        event_free(t->adopt);
    free(t);
}

struct conn *conn_find(struct conn_table *t, struct evhttp_connection *evcon)
{
    struct conn *c;
    if (t == NULL || evcon == NULL)
        return NULL;
    LIST_FOREACH(c, &t->buckets[conn_bucket(evcon)], bucket)
    if (c->evcon == evcon)
        return c;
    return NULL;
}

void conn_request_begins(struct conn *c, struct req_ctx *ctx)
{
    c->ctx = ctx;
    c->deadline_ms = CONN_NEVER;
}

void conn_request_ends(struct conn *c, uint64_t now_ms)
{
    c->ctx = NULL;
    c->deadline_ms = now_ms + c->table->read_timeout_ms;
}

void conn_table_tick(struct conn_table *t, uint64_t now_ms)
{
    struct conn *c;
    if (t == NULL)
        return;
    TAILQ_FOREACH(c, &t->live, link)
    {
        if (c->cut || now_ms <= c->deadline_ms)
            continue;
        /* an answer still going out to a slow reader is not a slow request: evhttp's write
         * timeout bounds it; the read deadline starts once the output has drained */
        if (evbuffer_get_length(bufferevent_get_output(c->bev)) > 0) {
            c->deadline_ms = now_ms + t->read_timeout_ms;
            continue;
        }
        conn_cut(c);
    }
}

int conn_table_count(const struct conn_table *t)
{
    return t ? t->nlive : 0;
}
