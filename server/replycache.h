/*
 * replycache.h — the worker's reply cache (the "search cache" of the
 * search_cache_* settings) seen from a request: look an anonymous read up
 * when it is routed, keep its 200 when it answers, and retire every kept
 * answer when data may have changed.
 *
 * Only RF_CACHE routes (http.h) take part, and only for anonymous GET/HEAD.
 * The store itself is common/cache.h (one per worker, no locks); freshness is
 * its TTL plus the daemon's write generation, which replycache_invalidate
 * bumps: after a successful write through this daemon (replycache_request_done),
 * a housekeeping job, or a publish of the search index.
 *
 * Not for deciding what a request answers: a hit replays what the handler
 * answered before, headers and body.
 */
#ifndef SK_REPLYCACHE_H
#define SK_REPLYCACHE_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

struct req_ctx;

/*
 * A request's part in the cache, embedded in the request context and zeroed
 * with it (zeroed = nothing to store). Only this module reads or writes it.
 */
struct replycache_req {
    uint64_t gen;    /* the write generation when the request began */
    const char *key; /* in the context's arena: the cache key, or NULL (not cacheable) */
    size_t key_len;
};

/*
 * An anonymous GET/HEAD of a cacheable route: answer it from the cache (200,
 * or 304 for the client's ETag) and return 1, or remember its key so that
 * replycache_store keeps the answer and return 0.
 */
int replycache_lookup(struct req_ctx *ctx);

/*
 * The request answers status with body (borrowed, copied into the cache):
 * keep a 200 under the key replycache_lookup made, with the headers the
 * handler set. Called by http_reply before it adds the per-request headers.
 */
void replycache_store(struct req_ctx *ctx, int status, const char *content_type, const char *body, size_t len);

/* This answer must not be kept (it changes with time, not through writes). */
void replycache_skip(struct req_ctx *ctx);

/*
 * The request is finished: a successful write may change any answer, so all
 * are retired (a route flagged RF_KEEPS_ANSWERS, such as a report, changes none).
 */
void replycache_request_done(struct req_ctx *ctx);

/* Every worker's cached answers may be stale now; write_gen is shared (NULL = none). */
void replycache_invalidate(_Atomic uint64_t *write_gen);

#endif
