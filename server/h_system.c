/*
 * h_system.c — health, readiness, the API index and the OpenAPI document.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <event2/buffer.h>
#include <json-c/json.h>

#include "embedded.h"
#include "http.h"
#include "keys.h"
#include "metrics.h"
#include "routes.h"
#include "schema.h"
#include "sindex.h"
#include "worker.h"

/* Liveness: the process answers; no database involved. */
/* The index's state as a JSON member (",\"index\":{...}"), or "" without an index. */
static int index_json(struct req_ctx *ctx, char *out, size_t cap)
{
    struct sindex_status st;
    if (ctx->w->sindex == NULL)
        return snprintf(out, cap, ",\"index\":{\"enabled\":false}");
    sindex_status(ctx->w->sindex, &st);
    return snprintf(out, cap,
                    ",\"index\":{\"enabled\":true,\"loaded\":%s,\"lagging\":%s,\"entries\":%zu,"
                    "\"position\":%llu,\"lag_ms\":%lld,\"build_ms\":%lld,\"index_bytes\":%zu,\"document_bytes\":%zu,"
                    "\"publishes\":%llu}",
                    st.loaded ? "true" : "false", st.lagging ? "true" : "false", st.entries,
                    (unsigned long long)st.position, (long long)st.lag_ms, (long long)st.build_ms, st.index_bytes,
                    st.doc_bytes, (unsigned long long)st.publishes);
}

/* Liveness: the process answers; what the index is doing is said beside it. */
void h_health(struct req_ctx *ctx)
{
    char body[512];
    int n = snprintf(body, sizeof(body), "{\"status\":\"ok\"");
    n += index_json(ctx, body + n, sizeof(body) - (size_t)n - 1);
    body[n++] = '}';
    http_header(ctx, "Cache-Control", "no-store");
    http_reply(ctx, 200, NULL, body, (size_t)n);
}

static void h_ready_result(struct req_ctx *ctx, PGresult *res)
{
    char body[512];
    int have = atoi(PQgetvalue(res, 0, 0));
    int n;

    if (schema_check(PQgetvalue(res, 0, 0), PQgetisnull(res, 0, 1) ? NULL : PQgetvalue(res, 0, 1), body, sizeof(body)) <
        0) {
        http_problem(ctx, 503, body, NULL);
        return;
    }
    if (ctx->w->sindex) {
        struct sindex_status st;
        sindex_status(ctx->w->sindex, &st);
        if (!st.loaded || st.lagging) {
            http_header(ctx, "Retry-After", "1");
            http_problem(ctx, 503,
                         st.loaded ? "Not ready: the search index lags behind the database."
                                   : "Not ready: the search index is still loading.",
                         NULL);
            return;
        }
    }
    n = snprintf(body, sizeof(body), "{\"status\":\"ready\",\"schema_version\":%d", have);
    n += index_json(ctx, body + n, sizeof(body) - (size_t)n - 1);
    body[n++] = '}';
    http_reply(ctx, 200, NULL, body, (size_t)n);
}

/*
 * GET /metrics (issue 17): the Prometheus text format 0.0.4 (metrics.h), for an admin key only
 * (Prometheus's `authorization` in its scrape configuration): the route table, the database
 * pools and the index's size say how the service is built and used.
 */
void h_metrics(struct req_ctx *ctx)
{
    struct evbuffer *out = ctx->w->scratch;
    struct sindex_status st;

    if (ctx->who.role != ROLE_ADMIN) {
        http_problem(ctx, 403, "Only an admin key may read the metrics.", NULL);
        return;
    }
    if (ctx->w->sindex)
        sindex_status(ctx->w->sindex, &st);
    if (metrics_render(out, ctx->w->sindex ? &st : NULL) < 0) {
        evbuffer_drain(out, evbuffer_get_length(out));
        http_problem(ctx, 503, "The metrics are not available (no memory for them at start).", NULL);
        return;
    }
    http_header(ctx, "Cache-Control", "no-store");
    {
        size_t len = evbuffer_get_length(out);
        http_reply(ctx, 200, "text/plain; version=0.0.4; charset=utf-8", (const char *)evbuffer_pullup(out, -1), len);
    }
    evbuffer_drain(out, evbuffer_get_length(out));
}

/* Readiness: a live round trip to PostgreSQL and a schema that is current. */
void h_ready(struct req_ctx *ctx)
{
    http_header(ctx, "Cache-Control", "no-store");
    if (db_pool_ready(ctx->w->db) == 0) {
        /* the cause (addresses, user names) goes to the log, not to whoever asks */
        snprintf(ctx->cause, sizeof(ctx->cause), "%s", db_pool_last_error(ctx->w->db));
        http_header(ctx, "Retry-After", "1");
        http_problem(ctx, 503, "Not ready: the database cannot be reached.", NULL);
        return;
    }
    http_query(ctx, STMT_SCHEMA_VERSION, 0, h_ready_result);
}

void h_openapi(struct req_ctx *ctx)
{
    http_header(ctx, "Cache-Control", "public, max-age=300");
    http_reply(ctx, 200, "application/json", (const char *)sk_openapi_json.data, sk_openapi_json.len);
}

/* The entry point of the API: where to find the document and the collections. */
void h_api_index(struct req_ctx *ctx)
{
    static const char body[] = "{\"name\":\"Sociale Kaart API\",\"version\":\"" SK_API_VERSION "\","
                               "\"openapi\":\"/api/v1/openapi.json\"}";
    http_reply(ctx, 200, NULL, body, sizeof(body) - 1);
}

/*
 * RFC 9116: where to report a vulnerability, as the configuration says (security_contact);
 * 404 while no contact is configured. Expires a year from now, as the RFC asks.
 */
void h_security_txt(struct req_ctx *ctx)
{
    char body[1024], expires[32]; /* contact (255) + base URL (200) + the fixed text fit */
    time_t t = time(NULL) + 365 * 24 * 3600;
    struct tm tm;
    int n;
    if (ctx->w->cfg->security_contact[0] == '\0') {
        http_problem(ctx, 404, "No security contact is configured (security_contact).", NULL);
        return;
    }
    gmtime_r(&t, &tm);
    strftime(expires, sizeof(expires), "%Y-%m-%dT%H:%M:%SZ", &tm);
    n = snprintf(body, sizeof(body),
                 "Contact: %s\nExpires: %s\nPreferred-Languages: nl, en\nCanonical: %s/.well-known/security.txt\n",
                 ctx->w->cfg->security_contact, expires, ctx->w->cfg->base_url);
    if (n < 0 || (size_t)n >= sizeof(body)) { /* settings too long for the file: say so, send nothing cut */
        http_problem(ctx, 500, "security_contact and public_url are too long for security.txt.", NULL);
        return;
    }
    http_header(ctx, "Cache-Control", "public, max-age=86400");
    http_reply(ctx, 200, "text/plain; charset=utf-8", body, (size_t)n);
}

/* Who am I? Lets a partner check its key: role, organisation, scope. */
void h_me(struct req_ctx *ctx)
{
    struct json_object *o = json_object_new_object(), *scope = json_object_new_array();
    const char *code, *text;
    bool all = keys_scope_all(&ctx->who) && ctx->who.role != ROLE_PARTNER;
    size_t pos = 0, len;

    while (keys_scope_next(&ctx->who, &pos, &code, &len))
        json_object_array_add(scope, json_object_new_string_len(code, (int)len));
    json_object_object_add(o, "key_id", json_object_new_string(ctx->who.key_id));
    json_object_object_add(o, "role", json_object_new_string(auth_role_name(ctx->who.role)));
    json_object_object_add(o, "organisation_id", json_object_new_string(ctx->who.org_id));
    json_object_object_add(o, "municipalities", scope);
    json_object_object_add(o, "all_municipalities", json_object_new_boolean(all));
    text = json_object_to_json_string_length(o, JSON_C_TO_STRING_PLAIN, &len);
    http_header(ctx, "Cache-Control", "no-store");
    http_reply(ctx, 200, NULL, text, len);
    json_object_put(o);
}
