/*
 * h_initiatives.c — residents' initiatives publish too (issue 16): anyone
 * reports an initiative (POST /api/v1/initiatives, or the page /initiatief in
 * h_web.c), the municipality's moderators list them, accept one (it becomes
 * an organisation with a partner invitation whose link is in the answer, once)
 * or decline it with a reason. Who may and what is kept: sql/api/initiatives.sql.
 */
#include <event2/buffer.h>
#include <json-c/json.h>
#include <string.h>

#include "contract.h"
#include "http.h"
#include "paging.h"
#include "routes.h"
#include "rows.h"
#include "worker.h"

/* POST /api/v1/initiatives — anyone; limited per client like "Ik mis iets" (wishes_per_hour). */
void h_initiative_create(struct req_ctx *ctx)
{
    const char *errors;

    ctx->log_no_peer = true;
    if (http_limited_by(ctx, ctx->w->wish_ratelimit,
                        "You have sent several messages in a short time; try again in an hour."))
        return;
    if ((ctx->params[0] = http_checked_body(ctx, VALIDATE_BODY_INITIATIVE, &errors, NULL)) == NULL)
        return;
    if (http_refuse_errors(ctx, errors))
        return;
    ctx->params[1] = errors;
    http_query(ctx, STMT_INITIATIVE_CREATE, http_actor_params(ctx, 2), rows_reply_api);
}

/* GET /api/v1/initiatives?municipality=&status=new|accepted|declined&limit= */
void h_initiative_list(struct req_ctx *ctx)
{
    const char *m = http_query_arg(ctx, "municipality"), *status = http_query_arg(ctx, "status");

    if (m && !contract_is_municipality_code(m, strlen(m))) {
        http_bad_field(ctx, 400, "municipality", "must be a municipality code such as GM0512");
        return;
    }
    if (status && strcmp(status, "new") != 0 && strcmp(status, "accepted") != 0 && strcmp(status, "declined") != 0) {
        http_bad_field(ctx, 400, "status", "must be new, accepted or declined");
        return;
    }
    ctx->params[0] = m;
    ctx->params[1] = status;
    if (paging_limit(ctx, &ctx->params[2]) < 0)
        return;
    http_query(ctx, STMT_INITIATIVE_LIST, http_actor_params(ctx, 3), rows_reply_api);
}

/* The answer holds the invitation's link: never kept by a cache. */
static void initiative_reply_secret(struct req_ctx *ctx, PGresult *res)
{
    http_header(ctx, "Cache-Control", "no-store");
    rows_reply_api(ctx, res);
}

/* POST /api/v1/initiatives/{id}/accept {"valid_days"?} (an empty body is {}) */
void h_initiative_accept(struct req_ctx *ctx)
{
    struct json_object *obj = NULL;
    const char *id = http_id_or_404(ctx, "initiative"), *body = "{}";

    if (id == NULL)
        return;
    if (evbuffer_get_length(evhttp_request_get_input_buffer(ctx->req)) > 0) {
        if ((body = http_json_object(ctx, &obj)) == NULL)
            return;
        json_object_put(obj);
    }
    ctx->params[0] = id;
    ctx->params[1] = body;
    http_query(ctx, STMT_INITIATIVE_ACCEPT, http_actor_params(ctx, 2), initiative_reply_secret);
}

/* POST /api/v1/initiatives/{id}/decline {"reason"} */
void h_initiative_decline(struct req_ctx *ctx)
{
    const char *id = http_id_or_404(ctx, "initiative");

    if (id == NULL)
        return;
    ctx->params[0] = id;
    if ((ctx->params[1] = http_checked_body(ctx, VALIDATE_BODY_REASON_REQUIRED, &ctx->params[2], NULL)) == NULL)
        return;
    http_query(ctx, STMT_INITIATIVE_DECLINE, http_actor_params(ctx, 3), rows_reply_api);
}
