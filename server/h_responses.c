/*
 * h_responses.c — residents respond to a vacancy ("Ik wil helpen") or
 * register for an activity ("Aanmelden"); the organisation reads and handles
 * the responses (issue 15).
 *
 * The shape of bodies is checked here (validate.c, VALIDATE_BODY_RESPONSE);
 * everything else in SQL (sql/api/responses.sql): who may read, the places
 * left (atomic, never below zero), the per-client limit and the retention.
 * Responses hold personal data: nothing of a body is logged here.
 */
#include <json-c/json.h>
#include <string.h>

#include "auth.h"
#include "h_entries.h"
#include "http.h"
#include "paging.h"
#include "routes.h"
#include "rows.h"
#include "validate.h"
#include "worker.h"

/* POST /api/v1/activities/{id}/responses, POST /api/v1/vacancies/{id}/responses (anyone) */
void h_response_create(struct req_ctx *ctx)
{
    enum sk_kind kind;
    const char *id;

    if (entry_kind(ctx, &kind) < 0)
        return;
    if (kind != SK_KIND_ACTIVITY && kind != SK_KIND_VACANCY) {
        http_problem(ctx, 404, "Only activities and vacancies take responses.", NULL);
        return;
    }
    if ((id = http_id_or_404(ctx, "entry")) == NULL ||
        (ctx->params[2] = http_checked_body(ctx, VALIDATE_BODY_RESPONSE, &ctx->params[3], NULL)) == NULL)
        return;
    ctx->params[0] = sk_kind_name(kind);
    ctx->params[1] = id;
    ctx->params[4] = ctx->client_key; /* an IPv4 address or an IPv6 /64; SQL keeps only a salted hash */
    ctx->params[5] = cfg_mail_link(ctx->w->cfg);
    http_query(ctx, STMT_RESPONSE_CREATE, http_actor_params(ctx, 6), rows_reply_api);
}

/* The organisation of the path ({id}) into params[0]; NULL after a 404. */
static const char *resp_org(struct req_ctx *ctx)
{
    return ctx->params[0] = http_id_or_404(ctx, "organisation");
}

/* The response of the path ({rid}, route parameter 1) into params[1]; NULL after a 404. */
static const char *resp_id(struct req_ctx *ctx)
{
    if ((ctx->params[1] = http_uuid_param(ctx, 1)) == NULL)
        http_problem(ctx, 404, "There is no response with this id.", NULL);
    return ctx->params[1];
}

/* Personal data: never kept by a browser or a proxy. */
static void resp_reply_private(struct req_ctx *ctx, PGresult *res)
{
    http_header(ctx, "Cache-Control", "no-store");
    rows_reply_api(ctx, res);
}

/* GET /api/v1/organisations/{id}/responses?entry=&limit=&cursor= (the organisation's own keys only) */
void h_response_list(struct req_ctx *ctx)
{
    const char *entry = http_query_arg(ctx, "entry");

    if (resp_org(ctx) == NULL)
        return;
    if (entry && !auth_is_uuid(entry, strlen(entry))) {
        http_bad_field(ctx, 400, "entry", "must be the id (a UUID) of an activity or vacancy");
        return;
    }
    ctx->params[1] = entry;
    if (paging_limit(ctx, &ctx->params[2]) < 0 || paging_cursor(ctx, PAGING_CURSOR_KEYSET, &ctx->params[3]) < 0)
        return;
    http_query(ctx, STMT_RESPONSE_LIST, http_actor_params(ctx, 4), resp_reply_private);
}

/* PATCH /api/v1/organisations/{id}/responses/{rid} {"status": "new" | "seen"} */
void h_response_update(struct req_ctx *ctx)
{
    if (resp_org(ctx) == NULL || resp_id(ctx) == NULL ||
        (ctx->params[2] = http_checked_body(ctx, VALIDATE_BODY_RESPONSE_STATUS, &ctx->params[3], NULL)) == NULL)
        return;
    http_query(ctx, STMT_RESPONSE_UPDATE, http_actor_params(ctx, 4), resp_reply_private);
}

/* DELETE /api/v1/organisations/{id}/responses/{rid}: erases the personal data now */
void h_response_delete(struct req_ctx *ctx)
{
    if (resp_org(ctx) == NULL || resp_id(ctx) == NULL)
        return;
    http_query(ctx, STMT_RESPONSE_DELETE, http_actor_params(ctx, 2), resp_reply_private);
}
