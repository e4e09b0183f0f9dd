/*
 * http.h — the life of one HTTP request, from evhttp's callback to the reply.
 *
 * http_on_request (the evhttp callback) creates a req_ctx, bounds and
 * rate-limits the request, routes it, authenticates the API key (one
 * prepared query, decoded by keys.h), answers from the reply cache
 * (replycache.h) and calls the route's handler. A handler parses and
 * validates, then either replies at once or starts one database query with
 * http_query; the reply is built from the result (an api_* row: rows.h).
 * This module reads no result column itself. Every path ends in
 * http_finish, which sends exactly once, writes the one log line and returns
 * the context to the worker's free list.
 *
 * Ownership: the worker owns every req_ctx (free list, active list). A
 * context borrows its evhttp_request from libevent until http_finish; after
 * that neither may be touched. Strings a handler passes to http_query must
 * live in the context (its arena, the request body) until the query's
 * callback has run.
 */
#ifndef SK_HTTP_H
#define SK_HTTP_H

#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <libpq-fe.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/queue.h>

#include "auth.h"
#include "client.h"
#include "db.h"
#include "demand.h"
#include "keys.h"
#include "replycache.h"
#include "route.h"
#include "validate.h"

struct worker;
struct json_object;
struct req_ctx;
struct conn;

/* Called with the query's result; res is owned by the pool (do not PQclear). */
typedef void (*http_result_fn)(struct req_ctx *ctx, PGresult *res);

/* Route flags (struct route.flags). */
enum {
    RF_NEEDS_KEY = 1 << 0,     /* 401 without a valid key */
    RF_MODERATOR = 1 << 1,     /* 403 unless moderator or admin */
    RF_NO_RATELIMIT = 1 << 2,  /* health probes */
    RF_CACHE = 1 << 3,         /* anonymous GET answers may be reused from the worker's reply cache */
    RF_EXPENSIVE = 1 << 4,     /* costly to compute: its own, lower per-client rate (when not cached) */
    RF_SMALL_BODY = 1 << 5,    /* written by anyone: the body may be at most max_small_body_bytes */
    RF_KEEPS_ANSWERS = 1 << 6, /* a write that changes no public answer: the reply caches stay */
    RF_SESSION = 1 << 7        /* an HTML page for people: the session cookie (HTTP_SESSION_COOKIE) is a key too */
};

/*
 * The browser session of the partner pages: the cookie holds a short-lived
 * API key (api_keys.session_of, expires_at), sent only to /partner.
 */
#define HTTP_SESSION_COOKIE "sk_sessie"

enum req_state {
    REQ_HANDLING,
    REQ_AUTHENTICATING,
    REQ_WAIT_DB,
    REQ_WAIT_INDEX,
    REQ_DONE
};

#define HTTP_MAX_PARAMS 16
#define HTTP_ARENA      4096

struct req_ctx {
    struct worker *w;
    struct evhttp_request *req; /* borrowed until http_finish */
    enum req_state state;
    unsigned method;        /* RM_* */
    const char *path;       /* owned by req's evhttp_uri */
    struct evkeyvalq query; /* parsed query string; cleared by http_finish */
    struct evkeyvalq form;  /* parsed form body (http_form_body); cleared by http_finish */
    bool from_cookie;       /* the key came from the session cookie (RF_SESSION routes) */
    bool on_replica;        /* q runs on the worker's read replica (replica.h), not the primary */
    struct route_match match;
    struct identity who;              /* filled in by authentication (keys.h); zeroed = anonymous */
    char id[48];                      /* request id (echoed or generated) */
    char peer[CLIENT_TEXT_MAX];       /* client address (behind a trusted proxy: the forwarded one), for the log */
    char client_key[CLIENT_TEXT_MAX]; /* the unit a client controls (IPv4, IPv6 /64), for per-client limits */
    uint64_t client_hash;             /* keyed hash of client_key (ratelimit.h) */
    struct conn *conn;                /* the connection's tracker (conn.h), linked both ways; NULL when gone */
    char lang[8];                     /* chosen language for Accept-Language */

    struct db_query q;
    const char *params[HTTP_MAX_PARAMS]; /* borrowed by q until its callback */
    http_result_fn on_result;
    size_t arena_used;

    uint64_t start_us;
    uint64_t deadline_ms;
    int status;
    size_t bytes;
    char sqlstate[6];
    char cause[128];             /* why it failed, for the log line */
    char *owned[2];              /* malloc'd strings freed by http_finish (http_keep) */
    struct replycache_req cache; /* the reply cache's (replycache.h) */
    TAILQ_ENTRY(req_ctx) link;   /* worker's active or free list */
    uint64_t index_ticket;       /* REQ_WAIT_INDEX: the index catch-up this write's answer waits for */
    uint64_t index_wait_until_ms;
    struct demand_note demand;      /* what this anonymous request asks for (demand.h), counted when answered */
    bool log_no_peer;               /* leave the client address out of the log line (demand, wishes) */
    TAILQ_ENTRY(req_ctx) wait_link; /* worker's index_wait list */
    char arena[HTTP_ARENA];         /* scratch for parameter strings; last, not cleared on reuse */
};

/* evhttp's generic callback; arg is the struct worker. */
void http_on_request(struct evhttp_request *req, void *arg);

/* Expire requests past their deadline (called by the worker's tick). */
void http_expire(struct worker *w, uint64_t now_ms);

/* Answer the writes whose index catch-up has been published or whose wait is over (worker.c). */
void http_index_wake(struct worker *w, uint64_t now_ms);

/* The request's connection closed (conn.c): forget it; the request still finishes once. */
void http_conn_gone(struct req_ctx *ctx);

/* Reply with a body (copied). content_type NULL = application/json. */
void http_reply(struct req_ctx *ctx, int status, const char *content_type, const char *body, size_t len);

/* Reply with a problem; errors (json array or NULL) is consumed. */
void http_problem(struct req_ctx *ctx, int status, const char *detail, struct json_object *errors);

/* A 400 naming one query parameter or field and its rule. */
void http_bad_field(struct req_ctx *ctx, int status, const char *field, const char *message);

/* Set an extra response header (before replying). */
void http_header(struct req_ctx *ctx, const char *name, const char *value);

/*
 * Do not keep this answer in the reply cache: it changes with time, not through writes
 * (an RPDE last page, where time-based expiry shows up first).
 */
void http_no_store(struct req_ctx *ctx);

/*
 * Start the statement stmt with ctx->params[0..nparams-1]; on success
 * on_result runs with the result, on failure the request gets a 503/504/500
 * problem without on_result being called. An anonymous read of a cacheable
 * route goes to the worker's read replica when it is usable (replica.h), and
 * to the primary once more when it fails there for a reason of the replica.
 */
void http_query(struct req_ctx *ctx, enum db_stmt stmt, int nparams, http_result_fn on_result);

/* The pool ctx->q was submitted to (to abandon it). */
struct db_pool *http_query_pool(struct req_ctx *ctx);

/*
 * The call on one resource named by the path: its {id} (http_id_or_404;
 * what names it in the 404), then stmt with (id, actor) and on_result.
 */
void http_query_id(struct req_ctx *ctx, const char *what, enum db_stmt stmt, http_result_fn on_result);

/* Copy s into the context's arena; NULL when it does not fit. */
const char *http_strdup(struct req_ctx *ctx, const char *s, size_t len);

/* printf into the arena. */
const char *http_printf(struct req_ctx *ctx, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Hand a malloc'd string to the context: freed when the request finishes. NULL if no slot. */
const char *http_keep(struct req_ctx *ctx, char *malloced);

/*
 * obj (consumed, may be NULL) as plain JSON text owned by the context until
 * the request finishes; NULL after answering 503 when out of memory or slots.
 */
const char *http_keep_json(struct req_ctx *ctx, struct json_object *obj);

/*
 * The caller's identity as the four trailing parameters every api_* function
 * takes (role, organisation, key, municipality scope), into params[first..first+3].
 * Returns first + 4.
 */
int http_actor_params(struct req_ctx *ctx, int first);

/* A route parameter as a NUL-terminated arena string. */
const char *http_param(struct req_ctx *ctx, int i);

/*
 * Route parameter i as an arena string when it is a UUID; NULL (and no reply
 * sent: the caller chooses its 404) when it is missing or not a UUID.
 */
const char *http_uuid_param(struct req_ctx *ctx, int i);

/*
 * The {id} of the path (route parameter 0) when it is a UUID; otherwise NULL
 * after answering 404 "There is no <what> with this id." (what: "entry",
 * "webhook" ...; borrowed for the call).
 */
const char *http_id_or_404(struct req_ctx *ctx, const char *what);

/* The request's query parameter, or NULL. */
const char *http_query_arg(struct req_ctx *ctx, const char *name);

/*
 * An optional whole-number query parameter in [lo, hi]: *out is the
 * request's text (NULL when absent); -1 after a 400 naming it.
 */
int http_int_arg(struct req_ctx *ctx, const char *name, long lo, long hi, const char **out);

/*
 * The request body as NUL-terminated text (stays owned by the request).
 * Checks Content-Type is JSON; on failure replies 415/400 itself and returns NULL.
 */
const char *http_json_body(struct req_ctx *ctx, size_t *len);

/*
 * An HTML form's body (application/x-www-form-urlencoded, at most
 * max_body_bytes) parsed into ctx->form (repeated names stay, in order);
 * http_finish clears it. -1 when a reply was sent (415, 400, 413).
 */
int http_form_body(struct req_ctx *ctx);

/* The value of a form field (the first when repeated), or NULL. */
const char *http_form_arg(struct req_ctx *ctx, const char *name);

/*
 * The token a form of the partner pages carries against cross-site requests:
 * hex of SHA-256("csrf" || the session's secret hash), 64 chars + NUL. Empty
 * for an anonymous caller. http_csrf_ok compares a form's "csrf" field with it
 * in constant time.
 */
void http_csrf_token(const struct req_ctx *ctx, char out[65]);
bool http_csrf_ok(struct req_ctx *ctx);

/*
 * http_json_body, then the body parsed as a bounded JSON object into *obj
 * (the caller owns it: json_object_put). Returns the body text (owned by the
 * request), or NULL with *obj NULL after replying 415/400/503.
 */
const char *http_json_object(struct req_ctx *ctx, struct json_object **obj);

/*
 * http_json_object, then the object checked with table which (validate.c).
 * *errors gets the member errors as JSON text (owned by the request; "[]"
 * when none) for the statement's p_errors. With keep non-NULL the parsed
 * object goes to *keep (the caller owns it), else it is freed. Returns the
 * body text, or NULL after a reply.
 */
const char *http_checked_body(struct req_ctx *ctx, enum validate_body which, const char **errors,
                              struct json_object **keep);

/* 429 with Retry-After and detail when the client's budget in rl (NULL: none) is spent; 1 when answered. */
struct ratelimit;
int http_limited_by(struct req_ctx *ctx, struct ratelimit *rl, const char *detail);

/* When errors (JSON text of http_checked_body) names any: the 422 SQL would give, and true. */
bool http_refuse_errors(struct req_ctx *ctx, const char *errors);

#endif
