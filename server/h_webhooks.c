/*
 * h_webhooks.c — subscribers that get a signed POST when published data
 * changes (issue 7): register, list, show, delete, and their deliveries.
 *
 * Moderators and admins only (route flag RF_MODERATOR); a moderator manages
 * the webhooks of its own municipalities (the SQL side decides). Each handler
 * parses and validates, then makes one call to an api_webhook_* function
 * (sql/migrations/0007_webhooks.sql). Sending is server/webhook.c.
 */
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "contract.h"
#include "http.h"
#include "routes.h"
#include "utf8.h"
#include "validate.h"
#include "webhook.h"
#include "worker.h"

#define WH_SECRET_MIN 16
#define WH_SECRET_MAX 200
#define WH_URL_MSG 200

static void wh_check_url(struct req_ctx *ctx, struct json_object *v, struct verr_list *errs)
{
    char msg[WH_URL_MSG];
    if (v == NULL || json_object_is_type(v, json_type_null)) {
        verr_add(errs, "url", "is required");
        return;
    }
    if (!json_object_is_type(v, json_type_string)) {
        verr_add(errs, "url", "must be a string");
        return;
    }
    if (webhook_url_check(json_object_get_string(v), ctx->w->cfg->webhooks_allow_private, msg, sizeof(msg)) < 0)
        verr_add(errs, "url", "%s", msg);
}

static void wh_check_secret(struct json_object *v, struct verr_list *errs)
{
    size_t n;
    if (v == NULL || json_object_is_type(v, json_type_null)) {
        verr_add(errs, "secret", "is required: the key with which every notice is signed");
        return;
    }
    if (!json_object_is_type(v, json_type_string)) {
        verr_add(errs, "secret", "must be a string");
        return;
    }
    n = utf8_chars(json_object_get_string(v)); /* the body is valid UTF-8 already */
    if (n < WH_SECRET_MIN || n > WH_SECRET_MAX)
        verr_add(errs, "secret", "must be %d to %d characters", WH_SECRET_MIN, WH_SECRET_MAX);
}

static void wh_check_kinds(struct json_object *v, struct verr_list *errs)
{
    enum sk_kind kind;
    if (v == NULL || json_object_is_type(v, json_type_null))
        return;
    if (!json_object_is_type(v, json_type_array) || json_object_array_length(v) > SK_KIND_COUNT) {
        verr_add(errs, "kinds", "must be a list of at most 4 kinds: place, activity, vacancy, carer_support");
        return;
    }
    for (size_t i = 0; i < json_object_array_length(v); i++) {
        struct json_object *k = json_object_array_get_idx(v, i);
        char field[32];
        snprintf(field, sizeof(field), "kinds[%zu]", i);
        if (!json_object_is_type(k, json_type_string) || !sk_kind_from_name(json_object_get_string(k), &kind))
            verr_add(errs, field, "must be place, activity, vacancy or carer_support");
    }
}

static void wh_check_municipality(struct json_object *v, struct verr_list *errs)
{
    const char *s;
    if (v == NULL || json_object_is_type(v, json_type_null))
        return;
    s = json_object_is_type(v, json_type_string) ? json_object_get_string(v) : "";
    if (!contract_is_municipality_code(s, strlen(s)))
        verr_add(errs, "municipality", "must be a CBS municipality code such as GM0512");
}

/* Every member is checked; the errors travel to SQL, which adds its own and answers one 422. */
static void wh_check_body(struct req_ctx *ctx, struct json_object *obj, struct verr_list *errs)
{
    struct json_object *v;
    json_object_object_foreach(obj, key, val)
    {
        (void)val;
        if (strcmp(key, "url") && strcmp(key, "secret") && strcmp(key, "kinds") && strcmp(key, "municipality"))
            verr_add(errs, key, "is not a member of a webhook (url, secret, kinds, municipality)");
    }
    wh_check_url(ctx, json_object_object_get_ex(obj, "url", &v) ? v : NULL, errs);
    wh_check_secret(json_object_object_get_ex(obj, "secret", &v) ? v : NULL, errs);
    wh_check_kinds(json_object_object_get_ex(obj, "kinds", &v) ? v : NULL, errs);
    wh_check_municipality(json_object_object_get_ex(obj, "municipality", &v) ? v : NULL, errs);
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
    http_query(ctx, STMT_WEBHOOK_CREATE, http_actor_params(ctx, 2), http_reply_api_row);
}

void h_webhooks_list(struct req_ctx *ctx)
{
    http_query(ctx, STMT_WEBHOOK_LIST, http_actor_params(ctx, 0), http_reply_api_row);
}

/* The {id} of the path, or a 404 when it cannot name a webhook. */
static const char *wh_id(struct req_ctx *ctx)
{
    const char *id = http_uuid_param(ctx, 0);
    if (id == NULL)
        http_problem(ctx, 404, "There is no webhook with this id.", NULL);
    return id;
}

void h_webhook_get(struct req_ctx *ctx)
{
    if ((ctx->params[0] = wh_id(ctx)) == NULL)
        return;
    http_query(ctx, STMT_WEBHOOK_GET, http_actor_params(ctx, 1), http_reply_api_row);
}

void h_webhook_delete(struct req_ctx *ctx)
{
    if ((ctx->params[0] = wh_id(ctx)) == NULL)
        return;
    http_query(ctx, STMT_WEBHOOK_DELETE, http_actor_params(ctx, 1), http_reply_api_row);
}

/* ?limit=1..100 (20) &cursor=<from next_cursor> &status=pending|delivered|failed */
void h_webhook_deliveries(struct req_ctx *ctx)
{
    const char *status = http_query_arg(ctx, "status");

    if ((ctx->params[0] = wh_id(ctx)) == NULL || entry_list_limit(ctx, &ctx->params[1]) < 0 ||
        entry_list_cursor(ctx, LIST_CURSOR_ID, &ctx->params[2]) < 0)
        return;
    if (status && strcmp(status, "pending") && strcmp(status, "delivered") && strcmp(status, "failed")) {
        http_bad_field(ctx, 400, "status", "must be pending, delivered or failed");
        return;
    }
    ctx->params[3] = status;
    http_query(ctx, STMT_WEBHOOK_DELIVERIES, http_actor_params(ctx, 4), http_reply_api_row);
}
