/*
 * h_webhooks.c — subscribers that get a signed POST when published data
 * changes (issue 7): register, list, show, delete, and their deliveries.
 *
 * Any key (route flag RF_NEEDS_KEY): a moderator manages the webhooks of its
 * own municipalities, a partner those of its own organisation, which also
 * get response.created (issue 15); the SQL side decides. Each handler
 * parses and validates, then makes one call to an api_webhook_* function
 * (sql/api/webhooks.sql). Sending is server/webhook.c.
 */
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http.h"
#include "paging.h"
#include "routes.h"
#include "rows.h"
#include "validate.h"
#include "webhook.h"
#include "worker.h"

#define WH_URL_MSG 200

/* The members by their table (validate.c); then the URL by the daemon's address policy. */
static void wh_check_body(struct req_ctx *ctx, struct json_object *obj, struct verr_list *errs)
{
    struct json_object *url;
    char msg[WH_URL_MSG];
    validate_body(VALIDATE_BODY_WEBHOOK, obj, errs);
    if (json_object_object_get_ex(obj, "url", &url) && json_object_is_type(url, json_type_string) &&
        webhook_url_check(json_object_get_string(url), ctx->w->cfg->webhooks_allow_private, msg, sizeof(msg)) < 0)
        verr_add(errs, "url", "%s", msg);
}

void h_webhook_create(struct req_ctx *ctx)
{
    struct verr_list errs;
    struct json_object *obj;
    const char *body, *text;

    if ((body = http_json_object(ctx, &obj)) == NULL)
        return;
    verr_init(&errs);
    wh_check_body(ctx, obj, &errs);
    json_object_put(obj);
    if ((text = http_keep_json(ctx, verr_to_json(&errs))) == NULL)
        return;
    ctx->params[0] = body;
    ctx->params[1] = text;
    http_query(ctx, STMT_WEBHOOK_CREATE, http_actor_params(ctx, 2), rows_reply_api);
}

void h_webhooks_list(struct req_ctx *ctx)
{
    http_query(ctx, STMT_WEBHOOK_LIST, http_actor_params(ctx, 0), rows_reply_api);
}

void h_webhook_get(struct req_ctx *ctx)
{
    http_query_id(ctx, "webhook", STMT_WEBHOOK_GET, rows_reply_api);
}

void h_webhook_delete(struct req_ctx *ctx)
{
    http_query_id(ctx, "webhook", STMT_WEBHOOK_DELETE, rows_reply_api);
}

/* ?limit=1..100 (20) &cursor=<from next_cursor> &status=pending|delivered|failed */
void h_webhook_deliveries(struct req_ctx *ctx)
{
    const char *status = http_query_arg(ctx, "status");

    if ((ctx->params[0] = http_id_or_404(ctx, "webhook")) == NULL || paging_limit(ctx, &ctx->params[1]) < 0 ||
        paging_cursor(ctx, PAGING_CURSOR_ID, &ctx->params[2]) < 0)
        return;
    if (status && strcmp(status, "pending") && strcmp(status, "delivered") && strcmp(status, "failed")) {
        http_bad_field(ctx, 400, "status", "must be pending, delivered or failed");
        return;
    }
    ctx->params[3] = status;
    http_query(ctx, STMT_WEBHOOK_DELIVERIES, http_actor_params(ctx, 4), rows_reply_api);
}
