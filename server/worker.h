/*
 * worker.h — one worker thread: its event loop, HTTP server, database pool
 * and request contexts.
 *
 * All workers accept from the same listening socket (each holds its own
 * dup of it, so each can close its copy on shutdown). Nothing in a worker is
 * touched by another thread, except worker_stop, which only activates an
 * event (libevent's thread support makes that safe). The rate limiters, the
 * connection count and the write generation are the shared objects, and all
 * are lock-free.
 */
#ifndef SK_WORKER_H
#define SK_WORKER_H

#include <event2/util.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/queue.h>

#include "cfg.h"

struct event_base;
struct evhttp;
struct evhttp_bound_socket;
struct event;
struct db_pool;
struct webhook_engine;
struct mail_sender;
struct housekeeping;
struct tally;
struct ratelimit;
struct cache;
struct req_ctx;
struct conn_table;
struct client_hasher;
struct sindex;
struct evbuffer;

struct worker {
    int index;
    pthread_t thread;
    const struct sk_config *cfg;           /* borrowed, read-only */
    const char *conninfo;                  /* borrowed from main */
    struct ratelimit *ratelimit;           /* borrowed, shared, lock-free; NULL = no limit */
    struct ratelimit *expensive_ratelimit; /* borrowed, shared: costly anonymous reads; NULL = no limit */
    struct ratelimit *wish_ratelimit;      /* borrowed, shared: "Ik mis iets" messages (wishes_per_hour) */
    const uint8_t *client_key;             /* borrowed: the daemon's key for client hashes (CLIENT_HASH_KEY_LEN) */
    _Atomic int *open_connections;         /* borrowed, shared: client connections of all workers (conn.h) */
    _Atomic uint64_t *write_gen;           /* borrowed, shared: bumped after every successful write */
    struct cache *reply_cache;             /* owned: anonymous answers of cacheable routes (replycache.h) */
    struct sindex *sindex;                 /* borrowed, shared: the search index (sindex.h); NULL = searches ask SQL */
    struct event *index_ev;                /* owned: activated by the index's follower after each catch-up */
    struct evbuffer *scratch;              /* owned: a search answer being assembled */
    TAILQ_HEAD(, req_ctx) index_wait;      /* writes whose answer waits for the index to show them */
    struct client_hasher *hasher;          /* owned: keyed hashes of client addresses (client.h) */
    struct conn_table *conns;              /* owned: this worker's client connections (conn.h) */
    evutil_socket_t listen_fd;             /* owned dup of the listening socket */

    struct event_base *base; /* owned */
    struct evhttp *http;     /* owned */
    struct evhttp_bound_socket *bound;
    struct db_pool *db;           /* owned */
    struct replica *replica;      /* owned: anonymous reads' replica (replica.h); NULL = read the primary */
    struct webhook_engine *hooks; /* owned; worker 0 only (webhook.h), else NULL */
    struct mail_sender *mail;     /* owned; worker 0 with smtp_url only (mail.h), else NULL */
    struct housekeeping *hk;      /* owned; worker 0 only (housekeeping.h), else NULL */
    struct tally *tally;          /* owned; the demand sums (tally.h); NULL with demand_counts off */
    struct event *tick;           /* maintenance timer */
    struct event *stop;           /* activated by worker_stop */

    TAILQ_HEAD(, req_ctx) active; /* requests in flight */
    int nactive;
    TAILQ_HEAD(, req_ctx) spare; /* free contexts for reuse */
    int nspare;

    bool draining;
    uint64_t drain_deadline_ms;
    uint64_t rng; /* xorshift state for request ids */
    int exit_status;
};

/* Create the loop and start the thread. -1 on failure. */
int worker_start(struct worker *w);

/* Ask the worker to stop accepting and drain; safe from any thread. */
void worker_stop(struct worker *w);

/* Wait for the thread and free everything it owned. */
void worker_join(struct worker *w);

/* A fresh context from the spare list (or malloc); NULL when out of memory. */
struct req_ctx *worker_ctx_get(struct worker *w);

/* Return a finished context. */
void worker_ctx_put(struct worker *w, struct req_ctx *ctx);

/* 16 hex digits of fresh request id into out (17 bytes). */
void worker_request_id(struct worker *w, char *out);

#endif
