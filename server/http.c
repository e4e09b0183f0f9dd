/*
 * http.c — request lifecycle: bound, route, authenticate, dispatch, reply, log.
 */
#include "http.h"
#include "sindex.h"

#include <arpa/inet.h>
#include <event2/buffer.h>
#include <event2/http.h>
#include <json-c/json.h>
#include <openssl/sha.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "clock.h"
#include "conn.h"
#include "contract.h"
#include "cursor.h"
#include "log.h"
#include "metrics.h"
#include "problem.h"
#include "ratelimit.h"
#include "replica.h"
#include "replycache.h"
#include "routes.h"
#include "tally.h"
#include "validate.h"
#include "worker.h"

static void http_finish(struct req_ctx *ctx);
static bool http_wait_for_index(struct req_ctx *ctx);

static unsigned http_method(enum evhttp_cmd_type t)
{
    switch (t) {
    case EVHTTP_REQ_GET: return RM_GET;
    case EVHTTP_REQ_HEAD: return RM_HEAD;
    case EVHTTP_REQ_POST: return RM_POST;
    case EVHTTP_REQ_PUT: return RM_PUT;
    case EVHTTP_REQ_PATCH: return RM_PATCH;
    case EVHTTP_REQ_DELETE: return RM_DELETE;
    case EVHTTP_REQ_OPTIONS: return RM_OPTIONS;
    default: return 0;
    }
}

static const char *http_method_name(unsigned m)
{
    switch (m) {
    case RM_GET: return "GET";
    case RM_HEAD: return "HEAD";
    case RM_POST: return "POST";
    case RM_PUT: return "PUT";
    case RM_PATCH: return "PATCH";
    case RM_DELETE: return "DELETE";
    case RM_OPTIONS: return "OPTIONS";
    default: return "OTHER";
    }
}

const char *http_strdup(struct req_ctx *ctx, const char *s, size_t len)
{
    char *out;
    if (ctx->arena_used + len + 1 > sizeof(ctx->arena))
        return NULL;
    out = ctx->arena + ctx->arena_used;
    memcpy(out, s, len);
    out[len] = '\0';
    ctx->arena_used += len + 1;
    return out;
}

const char *http_printf(struct req_ctx *ctx, const char *fmt, ...)
{
    size_t room = sizeof(ctx->arena) - ctx->arena_used;
    char *out = ctx->arena + ctx->arena_used;
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(out, room, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= room)
        return NULL;
    ctx->arena_used += (size_t)n + 1;
    return out;
}

/* The JSON-text parameter every search/validation call sends, written once. */
const char *http_keep_json(struct req_ctx *ctx, struct json_object *obj)
{
    const char *text = obj ? json_object_to_json_string_ext(obj, JSON_C_TO_STRING_PLAIN) : NULL;
    const char *kept = text ? http_keep(ctx, strdup(text)) : NULL;
    json_object_put(obj);
    if (kept == NULL)
        http_problem(ctx, 503, "Out of memory.", NULL);
    return kept;
}

const char *http_keep(struct req_ctx *ctx, char *malloced)
{
    for (size_t i = 0; i < sizeof(ctx->owned) / sizeof(ctx->owned[0]); i++) {
        if (ctx->owned[i] == NULL) {
            ctx->owned[i] = malloced;
            return malloced;
        }
    }
    free(malloced);
    return NULL;
}

int http_actor_params(struct req_ctx *ctx, int first)
{
    return first + keys_actor_params(&ctx->who, ctx->params + first);
}

const char *http_param(struct req_ctx *ctx, int i)
{
    if (i >= ctx->match.nparams)
        return NULL;
    return http_strdup(ctx, ctx->match.params[i].ptr, ctx->match.params[i].len);
}

/* One check for every "{id}" route, so no handler repeats the UUID test. */
const char *http_uuid_param(struct req_ctx *ctx, int i)
{
    if (i >= ctx->match.nparams || !auth_is_uuid(ctx->match.params[i].ptr, ctx->match.params[i].len))
        return NULL;
    return http_param(ctx, i);
}

const char *http_id_or_404(struct req_ctx *ctx, const char *what)
{
    const char *id = http_uuid_param(ctx, 0);
    if (id == NULL) {
        char detail[64];
        snprintf(detail, sizeof(detail), "There is no %s with this id.", what);
        http_problem(ctx, 404, detail, NULL);
    }
    return id;
}

const char *http_query_arg(struct req_ctx *ctx, const char *name)
{
    return evhttp_find_header(&ctx->query, name);
}

/* limit, min_age_hours ...: one parser and one wording for every bounded number. */
int http_int_arg(struct req_ctx *ctx, const char *name, long lo, long hi, const char **out)
{
    const char *v = http_query_arg(ctx, name);
    long n;
    *out = NULL;
    if (v == NULL)
        return 0;
    if (!cursor_number(v, lo, hi, &n)) {
        char msg[96];
        snprintf(msg, sizeof(msg), "must be a whole number from %ld to %ld", lo, hi);
        http_bad_field(ctx, 400, name, msg);
        return -1;
    }
    *out = v;
    return 0;
}

void http_header(struct req_ctx *ctx, const char *name, const char *value)
{
    evhttp_add_header(evhttp_request_get_output_headers(ctx->req), name, value);
}

/* Headers every response carries (NL API Design Rules, tracing, CORS on reads). */
static void http_common_headers(struct req_ctx *ctx, const char *content_type)
{
    struct evkeyvalq *h = evhttp_request_get_output_headers(ctx->req);

    evhttp_add_header(h, "API-Version", SK_API_VERSION);
    evhttp_add_header(h, "X-Request-Id", ctx->id);
    if (content_type && !evhttp_find_header(h, "Content-Type"))
        evhttp_add_header(h, "Content-Type", content_type);
    evhttp_add_header(h, "X-Content-Type-Options", "nosniff");
    if (ctx->method & (RM_GET | RM_HEAD | RM_OPTIONS)) {
        evhttp_add_header(h, "Access-Control-Allow-Origin", ctx->w->cfg->cors_origin);
        evhttp_add_header(h, "Access-Control-Expose-Headers",
                          "API-Version, ETag, Link, Location, Retry-After, X-Request-Id");
    }
    if (!evhttp_find_header(h, "Cache-Control"))
        evhttp_add_header(h, "Cache-Control", "no-cache");
    if (ctx->w->draining)
        evhttp_add_header(h, "Connection", "close");
}

void http_no_store(struct req_ctx *ctx)
{
    replycache_skip(ctx);
}

void http_reply(struct req_ctx *ctx, int status, const char *content_type, const char *body, size_t len)
{
    struct evbuffer *out = evhttp_request_get_output_buffer(ctx->req);

    if (ctx->state == REQ_DONE)
        return;
    replycache_store(ctx, status, content_type, body, len);
    http_common_headers(ctx, content_type ? content_type : "application/json");
    if (body && len)
        evbuffer_add(out, body, len);
    ctx->status = status;
    ctx->bytes = len;
    if (http_wait_for_index(ctx))
        return;
    evhttp_send_reply(ctx->req, status, problem_status_title(status), NULL);
    http_finish(ctx);
}

/*
 * Read-your-writes: a successful write answers once the search index has
 * caught up with a transaction that began after it committed (bounded by
 * search_index_wait_ms), so the writer's next search shows it.
 */
static bool http_wait_for_index(struct req_ctx *ctx)
{
    struct worker *w = ctx->w;
    uint64_t ticket;
    /* (a lagging replica: its index is not read, anonymous searches ask the primary) */
    if (w->sindex == NULL || w->cfg->search_index_wait_ms <= 0 || replica_lagging(w->replica) ||
        (ctx->method & (RM_GET | RM_HEAD | RM_OPTIONS)) || ctx->status < 200 || ctx->status >= 300 ||
        (ctx->match.route && (ctx->match.route->flags & RF_KEEPS_ANSWERS)))
        return false;
    ticket = sindex_ticket(w->sindex);
    if (sindex_caught_up(w->sindex, ticket))
        return false;
    ctx->index_ticket = ticket;
    ctx->index_wait_until_ms = clock_now_ms() + (uint64_t)w->cfg->search_index_wait_ms;
    ctx->state = REQ_WAIT_INDEX;
    TAILQ_INSERT_TAIL(&w->index_wait, ctx, wait_link);
    return true;
}

void http_index_wake(struct worker *w, uint64_t now_ms)
{
    struct req_ctx *ctx, *next;
    for (ctx = TAILQ_FIRST(&w->index_wait); ctx; ctx = next) {
        next = TAILQ_NEXT(ctx, wait_link);
        bool done = sindex_caught_up(w->sindex, ctx->index_ticket);
        if (!done && now_ms < ctx->index_wait_until_ms && !w->draining)
            continue;
        if (!done)
            log_msg(LOG_WARN, "request %s: the search index did not show the write within %d ms", ctx->id,
                    w->cfg->search_index_wait_ms);
        TAILQ_REMOVE(&w->index_wait, ctx, wait_link);
        evhttp_send_reply(ctx->req, ctx->status, problem_status_title(ctx->status), NULL);
        http_finish(ctx);
    }
}

void http_problem(struct req_ctx *ctx, int status, const char *detail, struct json_object *errors)
{
    size_t len = 0;
    char *body = problem_render(status, errors ? contract_problem_type(CONTRACT_PROBLEM_INVALID_INPUT) : NULL, detail,
                                ctx->path, errors, &len);
    if (detail && ctx->cause[0] == '\0')
        snprintf(ctx->cause, sizeof(ctx->cause), "%s", detail);
    http_reply(ctx, status, "application/problem+json", body, body ? len : 0);
    free(body);
}

void http_bad_field(struct req_ctx *ctx, int status, const char *field, const char *message)
{
    struct json_object *errors = json_object_new_array();
    char detail[256];
    problem_add_error(errors, field, message);
    snprintf(detail, sizeof(detail), "%s: %s", field, message);
    http_problem(ctx, status, detail, errors);
}

/* The one log line of a request. */
static void http_log(struct req_ctx *ctx)
{
    char line[2048], num[64];
    size_t pos = 0;
    uint64_t us = clock_now_us() - ctx->start_us;

    log_kv(line, sizeof(line), &pos, "event", "request");
    log_kv(line, sizeof(line), &pos, "id", ctx->id);
    log_kv(line, sizeof(line), &pos, "method", http_method_name(ctx->method));
    log_kv(line, sizeof(line), &pos, "path", ctx->path ? ctx->path : "");
    snprintf(num, sizeof(num), "%d", ctx->status);
    log_kv(line, sizeof(line), &pos, "status", num);
    snprintf(num, sizeof(num), "%zu", ctx->bytes);
    log_kv(line, sizeof(line), &pos, "bytes", num);
    snprintf(num, sizeof(num), "%.3f", (double)us / 1000.0);
    log_kv(line, sizeof(line), &pos, "ms", num);
    /* what residents ask for is never tied to an address, not even in the log (issue 16) */
    if (!ctx->log_no_peer && ctx->demand.what == DEMAND_NONE)
        log_kv(line, sizeof(line), &pos, "peer", ctx->peer);
    if (ctx->who.key_id[0])
        log_kv(line, sizeof(line), &pos, "key", ctx->who.key_id);
    if (ctx->sqlstate[0])
        log_kv(line, sizeof(line), &pos, "sqlstate", ctx->sqlstate);
    if (ctx->cause[0])
        log_kv(line, sizeof(line), &pos, "cause", ctx->cause);
    /* a 5xx, or input only the database refused (class 22: a check in front is missing) */
    log_line(ctx->status >= 500 || strncmp(ctx->sqlstate, "22", 2) == 0 ? LOG_WARN : LOG_INFO, line);
}

/* After the single send: log, unlink, recycle. */
static void http_finish(struct req_ctx *ctx)
{
    struct worker *w = ctx->w;
    ctx->state = REQ_DONE;
    if (ctx->conn) {
        conn_request_ends(ctx->conn, clock_now_ms());
        ctx->conn = NULL;
    }
    replycache_request_done(ctx);
    metrics_request(w->index, ctx->match.route ? (size_t)(ctx->match.route - routes_table) : routes_count, ctx->status,
                    clock_now_us() - ctx->start_us);
    if (ctx->demand.what != DEMAND_NONE && (ctx->status == 200 || ctx->status == 304) &&
        ctx->who.role == ROLE_ANONYMOUS)
        tally_note(w->tally, &ctx->demand, (int64_t)time(NULL));
    http_log(ctx);
    for (size_t i = 0; i < sizeof(ctx->owned) / sizeof(ctx->owned[0]); i++) {
        free(ctx->owned[i]);
        ctx->owned[i] = NULL;
    }
    evhttp_clear_headers(&ctx->query);
    evhttp_clear_headers(&ctx->form);
    TAILQ_REMOVE(&w->active, ctx, link);
    w->nactive--;
    worker_ctx_put(w, ctx);
}

/*
 * Who is asking: the socket peer, or behind a trusted proxy the address it forwards
 * (client.h); the unit of the per-client limits (IPv4 address, IPv6 /64) and its keyed hash.
 */
static void http_peer(struct req_ctx *ctx)
{
    char *addr = NULL;
    ev_uint16_t port = 0;
    struct evhttp_connection *evcon = evhttp_request_get_connection(ctx->req);
    struct client_addr peer, client, unit;

    if (evcon)
        evhttp_connection_get_peer(evcon, &addr, &port);
    if (!client_addr_parse(addr, addr ? strlen(addr) : 0, &peer))
        memset(&peer, 0, sizeof(peer));
    client_resolve(&peer, evhttp_find_header(evhttp_request_get_input_headers(ctx->req), "X-Forwarded-For"),
                   &ctx->w->cfg->proxies, &client);
    client_unit(&client, &unit);
    client_text(&client, false, ctx->peer);
    client_text(&unit, true, ctx->client_key);
    ctx->client_hash = ctx->w->hasher ? client_hash(ctx->w->hasher, &unit) : 0;
}

/* Echo a sane X-Request-Id, else make one. */
static void http_request_id(struct req_ctx *ctx)
{
    const char *in = evhttp_find_header(evhttp_request_get_input_headers(ctx->req), "X-Request-Id");
    if (in && *in && strlen(in) < sizeof(ctx->id) &&
        strspn(in, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.:") == strlen(in)) {
        strcpy(ctx->id, in);
        return;
    }
    worker_request_id(ctx->w, ctx->id);
}

/* Size of the request line and headers as sent, for the 414/431 limits. */
static size_t http_header_bytes(struct evhttp_request *req)
{
    struct evkeyvalq *h = evhttp_request_get_input_headers(req);
    struct evkeyval *kv;
    size_t n = 0;
    TAILQ_FOREACH(kv, h, next)
    n += strlen(kv->key) + strlen(kv->value) + 4;
    return n;
}

/* Limits evhttp does not check itself: URI length, header size, query size. */
static int http_check_limits(struct req_ctx *ctx)
{
    const struct sk_config *cfg = ctx->w->cfg;
    const char *uri = evhttp_request_get_uri(ctx->req);
    const struct evhttp_uri *parsed = evhttp_request_get_evhttp_uri(ctx->req);
    const char *qs;
    struct evkeyval *kv;
    int n = 0;

    if (strlen(uri) > (size_t)cfg->max_uri_bytes) {
        http_problem(ctx, 414, "The request URI is longer than the server accepts.", NULL);
        return -1;
    }
    if (http_header_bytes(ctx->req) > (size_t)cfg->max_header_bytes) {
        http_problem(ctx, 431, "The request headers are larger than the server accepts.", NULL);
        return -1;
    }
    qs = parsed ? evhttp_uri_get_query(parsed) : NULL;
    if (qs && evhttp_parse_query_str(qs, &ctx->query) < 0) {
        http_problem(ctx, 400, "The query string is malformed.", NULL);
        return -1;
    }
    TAILQ_FOREACH(kv, &ctx->query, next)
    n++;
    if (n > cfg->max_query_params) {
        http_problem(ctx, 400, "The query string has too many parameters.", NULL);
        return -1;
    }
    return 0;
}

int http_limited_by(struct req_ctx *ctx, struct ratelimit *rl, const char *detail)
{
    char retry[16];
    int wait = ratelimit_check(rl, ctx->client_hash, clock_now_us());
    if (wait == 0)
        return 0;
    snprintf(retry, sizeof(retry), "%d", wait);
    http_header(ctx, "Retry-After", retry);
    http_problem(ctx, 429, detail, NULL);
    return 1;
}

static int http_rate_limited(struct req_ctx *ctx)
{
    if (ctx->match.route && (ctx->match.route->flags & RF_NO_RATELIMIT))
        return 0;
    return http_limited_by(ctx, ctx->w->ratelimit, "Too many requests from your address; try again later.");
}

/* CORS preflight for reads; writes are not offered cross-origin. */
static void http_preflight(struct req_ctx *ctx)
{
    char allow[96];
    route_methods_str(ctx->match.allowed | RM_OPTIONS, allow, sizeof(allow));
    http_header(ctx, "Allow", allow);
    http_header(ctx, "Access-Control-Allow-Methods", "GET, HEAD, OPTIONS");
    http_header(ctx, "Access-Control-Allow-Headers",
                "Accept, Accept-Language, If-None-Match, X-Request-Id, Content-Type");
    http_header(ctx, "Access-Control-Max-Age", "86400");
    http_reply(ctx, 204, NULL, NULL, 0);
}

static void http_route_failed(struct req_ctx *ctx, int code)
{
    if (code == 405) {
        char allow[96];
        route_methods_str(ctx->match.allowed | RM_OPTIONS, allow, sizeof(allow));
        http_header(ctx, "Allow", allow);
        http_problem(ctx, 405, "This method is not allowed on this resource.", NULL);
    } else {
        http_problem(ctx, 404, "There is no resource at this path.", NULL);
    }
}

/*
 * A read that any cache may answer and any replica may serve: an anonymous GET or HEAD of a
 * cacheable route. Everything else (a caller with a key, a write, the key's own lookup) is the
 * primary's: a partner reads its own write at once.
 */
static bool http_anonymous_read(const struct req_ctx *ctx)
{
    return ctx->match.route && (ctx->match.route->flags & RF_CACHE) && ctx->who.role == ROLE_ANONYMOUS &&
           (ctx->method & (RM_GET | RM_HEAD)) && ctx->state != REQ_AUTHENTICATING;
}

/* Authentication succeeded or was not needed: check the role, run the handler. */
static void http_run_handler(struct req_ctx *ctx)
{
    const struct route *r = ctx->match.route;

    if ((r->flags & (RF_NEEDS_KEY | RF_MODERATOR)) && ctx->who.role == ROLE_ANONYMOUS) {
        http_header(ctx, "WWW-Authenticate", "Bearer realm=\"socialekaart\"");
        http_problem(ctx, 401, "This request needs an API key: send 'Authorization: Bearer <key>'.", NULL);
        return;
    }
    if ((r->flags & RF_MODERATOR) && ctx->who.role != ROLE_MODERATOR && ctx->who.role != ROLE_ADMIN) {
        http_problem(ctx, 403, "This request is for moderators only.", NULL);
        return;
    }
    if ((r->flags & RF_SMALL_BODY) &&
        evbuffer_get_length(evhttp_request_get_input_buffer(ctx->req)) > (size_t)ctx->w->cfg->max_small_body_bytes) {
        char detail[96];
        snprintf(detail, sizeof(detail), "The request body is larger than the %d bytes this request may have.",
                 ctx->w->cfg->max_small_body_bytes);
        http_problem(ctx, 413, detail, NULL);
        return;
    }
    if (http_anonymous_read(ctx)) {
        bool hit = replycache_lookup(ctx);
        metrics_cache(ctx->w->index, hit);
        if (hit)
            return;
    }
    if ((r->flags & RF_EXPENSIVE) && ctx->who.role == ROLE_ANONYMOUS &&
        http_limited_by(ctx, ctx->w->expensive_ratelimit,
                        "Too many calendar, map or feed requests from your address; try again later."))
        return;
    ctx->state = REQ_HANDLING;
    r->handler(ctx);
}

/* The key's lookup row: a valid key runs the handler, anything else is a 401. */
static void http_on_auth(struct req_ctx *ctx, PGresult *res)
{
    const char *why;

    if (keys_accept(&ctx->who, res, &why) < 0) {
        snprintf(ctx->cause, sizeof(ctx->cause), "%s", why);
        if (ctx->from_cookie) {
            /* an ended session: the page goes on for an anonymous visitor, and the cookie goes */
            memset(&ctx->who, 0, sizeof(ctx->who));
            http_header(ctx, "Set-Cookie",
                        HTTP_SESSION_COOKIE "=; Path=/partner; Max-Age=0; HttpOnly; SameSite=Strict");
            http_run_handler(ctx);
            return;
        }
        http_header(ctx, "WWW-Authenticate", "Bearer realm=\"socialekaart\", error=\"invalid_token\"");
        http_problem(ctx, 401, "The API key is unknown or has been revoked.", NULL);
        return;
    }
    http_run_handler(ctx);
}

/* A key was presented: look it up (one prepared query), then run the handler. */
static void http_authenticate(struct req_ctx *ctx, const char *authorization)
{
    if (keys_parse(&ctx->who, authorization) < 0) {
        if (ctx->from_cookie) {
            http_run_handler(ctx);
            return;
        }
        http_header(ctx, "WWW-Authenticate", "Bearer realm=\"socialekaart\", error=\"invalid_token\"");
        http_problem(ctx, 401, "The Authorization header does not hold a well-formed API key.", NULL);
        return;
    }
    ctx->params[0] = ctx->who.key_id;
    ctx->state = REQ_AUTHENTICATING;
    http_query(ctx, STMT_AUTH_KEY, 1, http_on_auth);
}

/*
 * The session cookie's value copied into out (a key is AUTH_KEY_LEN chars),
 * or NULL when the Cookie header has none of the right length.
 */
static const char *http_session_cookie(struct req_ctx *ctx, char out[AUTH_KEY_LEN + 1])
{
    const char *c = evhttp_find_header(evhttp_request_get_input_headers(ctx->req), "Cookie");
    const size_t nlen = strlen(HTTP_SESSION_COOKIE);

    while (c && *c) {
        size_t n;
        c += strspn(c, " ;");
        n = strcspn(c, ";");
        if (n == nlen + 1 + AUTH_KEY_LEN && strncmp(c, HTTP_SESSION_COOKIE "=", nlen + 1) == 0) {
            memcpy(out, c + nlen + 1, AUTH_KEY_LEN);
            out[AUTH_KEY_LEN] = '\0';
            return out;
        }
        c += n;
    }
    return NULL;
}

/* Pick nl or en from Accept-Language (only the languages entries may carry). */
static void http_language(struct req_ctx *ctx)
{
    const char *al = evhttp_find_header(evhttp_request_get_input_headers(ctx->req), "Accept-Language");
    strcpy(ctx->lang, "nl");
    if (al == NULL)
        return;
    /* The first listed language with two letters; the SQL side falls back to Dutch. */
    while (*al == ' ')
        al++;
    if (al[0] >= 'a' && al[0] <= 'z' && al[1] >= 'a' && al[1] <= 'z' &&
        (al[2] == '\0' || al[2] == '-' || al[2] == ',' || al[2] == ';')) {
        ctx->lang[0] = al[0];
        ctx->lang[1] = al[1];
        ctx->lang[2] = '\0';
    }
}

static struct req_ctx *http_ctx_new(struct worker *w, struct evhttp_request *req)
{
    struct req_ctx *ctx = worker_ctx_get(w);
    const struct evhttp_uri *uri;

    if (ctx == NULL)
        return NULL;
    ctx->w = w;
    ctx->req = req;
    ctx->state = REQ_HANDLING;
    ctx->start_us = clock_now_us();
    ctx->method = http_method(evhttp_request_get_command(req));
    /* a read answers by the read deadline, a write by its own (longer) one */
    ctx->deadline_ms =
        ctx->start_us / 1000 + (uint64_t)((ctx->method & (RM_GET | RM_HEAD | RM_OPTIONS)) ? w->cfg->read_deadline_ms
                                                                                          : w->cfg->request_timeout_ms);
    ctx->conn = conn_find(w->conns, evhttp_request_get_connection(req));
    if (ctx->conn)
        conn_request_begins(ctx->conn, ctx);
    uri = evhttp_request_get_evhttp_uri(req);
    ctx->path = uri ? evhttp_uri_get_path(uri) : NULL;
    if (ctx->path == NULL || *ctx->path == '\0')
        ctx->path = "/";
    TAILQ_INIT(&ctx->query);
    TAILQ_INIT(&ctx->form);
    TAILQ_INSERT_TAIL(&w->active, ctx, link);
    w->nactive++;
    return ctx;
}

void http_on_request(struct evhttp_request *req, void *arg)
{
    struct worker *w = arg;
    struct req_ctx *ctx = http_ctx_new(w, req);
    char cookie_key[AUTH_KEY_LEN + 1];
    const char *authz;
    int code;

    if (ctx == NULL) {
        evhttp_send_error(req, 503, "Out of memory");
        return;
    }
    http_request_id(ctx);
    http_peer(ctx);
    http_language(ctx);
    if (http_check_limits(ctx) < 0)
        return;
    code =
        route_match(routes_table, routes_count, ctx->method == RM_HEAD ? RM_GET : ctx->method, ctx->path, &ctx->match);
    if (http_rate_limited(ctx))
        return;
    if (code == 405 && ctx->method == RM_OPTIONS) {
        http_preflight(ctx);
        return;
    }
    if (code != 200) {
        http_route_failed(ctx, code);
        return;
    }
    authz = evhttp_find_header(evhttp_request_get_input_headers(req), "Authorization");
    if (authz == NULL && (ctx->match.route->flags & RF_SESSION) &&
        (authz = http_session_cookie(ctx, cookie_key)) != NULL)
        ctx->from_cookie = true;
    if (authz)
        http_authenticate(ctx, authz);
    else
        http_run_handler(ctx);
}

/*
 * A failure of the replica rather than of the query: no connection or a late one, a write it
 * refuses (25006), a recovery conflict (40001, 57P04), an operator's shutdown (57P01 …) or a lost
 * connection (class 08). The primary gets the read once more; a statement timeout (57014) does
 * not, since the primary would take as long.
 */
static bool http_replica_failed(const struct db_error *err)
{
    return err->status == DB_UNAVAILABLE || err->status == DB_TIMEOUT ||
           (err->status == DB_QUERY_ERROR &&
            (strcmp(err->sqlstate, "25006") == 0 || strcmp(err->sqlstate, "40001") == 0 ||
             strncmp(err->sqlstate, "57P", 3) == 0 || strncmp(err->sqlstate, "08", 2) == 0 ||
             err->sqlstate[0] == '\0'));
}

/* The pool's completion callback: map failures to problems, else continue. */
static void http_on_db(struct db_query *q, PGresult *res, const struct db_error *err)
{
    struct req_ctx *ctx = q->arg;

    if (ctx->on_replica) {
        bool retry = http_replica_failed(err);
        metrics_replica_read(ctx->w->index, retry);
        ctx->on_replica = false;
        if (retry) {
            struct db_error again;
            log_msg(LOG_INFO, "request %s: the read replica failed (%s %s); asking the primary", ctx->id, err->sqlstate,
                    err->message);
            if (db_submit(ctx->w->db, &ctx->q, &again) == 0)
                return;
            err = &again;
        }
    }
    snprintf(ctx->sqlstate, sizeof(ctx->sqlstate), "%s", err->sqlstate);
    if (err->status == DB_OK) {
        ctx->state = REQ_HANDLING;
        ctx->on_result(ctx, res);
        return;
    }
    snprintf(ctx->cause, sizeof(ctx->cause), "%s", err->message);
    switch (err->status) {
    case DB_UNAVAILABLE:
        http_header(ctx, "Retry-After", "1");
        http_problem(ctx, 503, "The database is unavailable; try again shortly.", NULL);
        break;
    case DB_TIMEOUT:
        http_header(ctx, "Retry-After", "1");
        http_problem(ctx, 503, "The database did not answer in time; try again shortly.", NULL);
        break;
    default:
        /* A value PostgreSQL cannot take (class 22: an encoding, a number or a date out of
         * range) is the caller's input: the checks in front should have named it, so this is
         * logged as a warning, but the caller still gets a 400, never a 500. */
        if (strncmp(err->sqlstate, "22", 2) == 0)
            http_problem(ctx, 400,
                         "The request holds a value the database cannot store (check texts, numbers and dates).", NULL);
        else
            http_problem(ctx, 500, "The request failed inside the server; it has been logged.", NULL);
        break;
    }
}

void http_query(struct req_ctx *ctx, enum db_stmt stmt, int nparams, http_result_fn on_result)
{
    struct db_error err;

    ctx->q.stmt = stmt;
    ctx->q.nparams = nparams;
    ctx->q.params = ctx->params;
    ctx->q.done = http_on_db;
    ctx->q.arg = ctx;
    ctx->on_result = on_result;
    ctx->on_replica = http_anonymous_read(ctx) && replica_usable(ctx->w->replica);
    if (ctx->state != REQ_AUTHENTICATING)
        ctx->state = REQ_WAIT_DB;
    if (db_submit(http_query_pool(ctx), &ctx->q, &err) == 0)
        return;
    http_on_db(&ctx->q, NULL, &err);
}

struct db_pool *http_query_pool(struct req_ctx *ctx)
{
    return ctx->on_replica ? replica_pool(ctx->w->replica) : ctx->w->db;
}

void http_query_id(struct req_ctx *ctx, const char *what, enum db_stmt stmt, http_result_fn on_result)
{
    if ((ctx->params[0] = http_id_or_404(ctx, what)) != NULL)
        http_query(ctx, stmt, http_actor_params(ctx, 1), on_result);
}

void http_conn_gone(struct req_ctx *ctx)
{
    ctx->conn = NULL;
}

void http_expire(struct worker *w, uint64_t now_ms)
{
    struct req_ctx *ctx, *next;
    for (ctx = TAILQ_FIRST(&w->active); ctx; ctx = next) {
        next = TAILQ_NEXT(ctx, link);
        if (now_ms < ctx->deadline_ms || ctx->q.state == DBQ_NONE)
            continue;
        db_query_abandon(http_query_pool(ctx), &ctx->q);
        snprintf(ctx->cause, sizeof(ctx->cause), "request deadline passed");
        http_header(ctx, "Retry-After", "1");
        http_problem(ctx, 503, "The request took too long; try again shortly.", NULL);
    }
}

const char *http_json_body(struct req_ctx *ctx, size_t *len)
{
    struct evbuffer *in = evhttp_request_get_input_buffer(ctx->req);
    const char *ct = evhttp_find_header(evhttp_request_get_input_headers(ctx->req), "Content-Type");
    size_t n = evbuffer_get_length(in);
    unsigned char *data;

    if (ct == NULL ||
        (strncasecmp(ct, "application/json", 16) != 0 && strncasecmp(ct, "application/merge-patch+json", 28) != 0)) {
        http_problem(ctx, 415, "Send the body as JSON with 'Content-Type: application/json'.", NULL);
        return NULL;
    }
    if (n == 0) {
        http_bad_field(ctx, 400, "body", "the request body is empty; send a JSON object");
        return NULL;
    }
    evbuffer_add(in, "", 1); /* NUL-terminate in place: libpq takes C strings */
    data = evbuffer_pullup(in, -1);
    if (data == NULL) {
        http_problem(ctx, 503, "Out of memory.", NULL);
        return NULL;
    }
    *len = n;
    return (const char *)data;
}

/* Every write handler needs its body as text and as a parsed object: one place for the 400. */
const char *http_json_object(struct req_ctx *ctx, struct json_object **obj)
{
    struct verr_list errs;
    size_t len;
    const char *body = http_json_body(ctx, &len);

    *obj = NULL;
    if (body == NULL)
        return NULL;
    verr_init(&errs);
    *obj = validate_json_body(body, len, VALIDATE_JSON_DEPTH_DEFAULT, &errs);
    if (*obj == NULL) {
        char detail[VERR_FIELD_SIZE + VERR_MESSAGE_SIZE + 2];
        if (errs.count && errs.items[0].field[0])
            snprintf(detail, sizeof(detail), "%s %s", errs.items[0].field, errs.items[0].message);
        else
            snprintf(detail, sizeof(detail), "%s",
                     errs.count ? errs.items[0].message : "The body is not a JSON object.");
        http_problem(ctx, 400, detail, errs.count ? verr_to_json(&errs) : NULL);
        return NULL;
    }
    return body;
}

const char *http_checked_body(struct req_ctx *ctx, enum validate_body which, const char **errors,
                              struct json_object **keep)
{
    struct json_object *obj;
    struct verr_list errs;
    const char *body = http_json_object(ctx, &obj);

    if (body == NULL)
        return NULL;
    verr_init(&errs);
    validate_body(which, obj, &errs);
    if (keep)
        *keep = obj;
    else
        json_object_put(obj);
    return (*errors = http_keep_json(ctx, verr_to_json(&errs))) == NULL ? NULL : body;
}

bool http_refuse_errors(struct req_ctx *ctx, const char *errors)
{
    if (errors == NULL || strcmp(errors, "[]") == 0)
        return false;
    http_problem(ctx, 422, "The request body has invalid fields; see errors.", json_tokener_parse(errors));
    return true;
}

int http_form_body(struct req_ctx *ctx)
{
    struct evbuffer *in = evhttp_request_get_input_buffer(ctx->req);
    const char *ct = evhttp_find_header(evhttp_request_get_input_headers(ctx->req), "Content-Type");
    size_t n = evbuffer_get_length(in);
    unsigned char *data;

    if (ct == NULL || strncasecmp(ct, "application/x-www-form-urlencoded", 33) != 0) {
        http_problem(ctx, 415, "Send the form as 'application/x-www-form-urlencoded'.", NULL);
        return -1;
    }
    if (n > (size_t)ctx->w->cfg->max_body_bytes) {
        http_problem(ctx, 413, "The form is larger than this request may be.", NULL);
        return -1;
    }
    evbuffer_add(in, "", 1);
    if ((data = evbuffer_pullup(in, -1)) == NULL) {
        http_problem(ctx, 503, "Out of memory.", NULL);
        return -1;
    }
    evhttp_clear_headers(&ctx->form);
    if (evhttp_parse_query_str((const char *)data, &ctx->form) < 0) {
        http_bad_field(ctx, 400, "body", "is not a well-formed form (application/x-www-form-urlencoded)");
        return -1;
    }
    return 0;
}

const char *http_form_arg(struct req_ctx *ctx, const char *name)
{
    return evhttp_find_header(&ctx->form, name);
}

void http_csrf_token(const struct req_ctx *ctx, char out[65])
{
    unsigned char buf[4 + AUTH_HASH_LEN], md[SHA256_DIGEST_LENGTH];

    out[0] = '\0';
    if (ctx->who.role == ROLE_ANONYMOUS)
        return;
    memcpy(buf, "csrf", 4);
    memcpy(buf + 4, ctx->who.secret_hash, AUTH_HASH_LEN);
    SHA256(buf, sizeof(buf), md);
    auth_hex(md, sizeof(md), out);
}

bool http_csrf_ok(struct req_ctx *ctx)
{
    char want[65];
    const char *got = http_form_arg(ctx, "csrf");
    unsigned char diff = 0;

    http_csrf_token(ctx, want);
    if (want[0] == '\0' || got == NULL || strlen(got) != 64)
        return false;
    for (int i = 0; i < 64; i++)
        diff |= (unsigned char)(want[i] ^ got[i]);
    return diff == 0;
}
