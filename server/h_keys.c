/*
 * h_keys.c — partners' API keys, invitations of organisations (issue 15).
 *
 * Who may do what is decided in SQL (sql/api/keys.sql); here: the shape of
 * bodies (validate.c), and making keys. A key is made in the daemon
 * (auth_key_generate): the database gets its id and the SHA-256 of its
 * secret, and the clear key goes only into this request's 201 answer, merged
 * into the SQL's body, with Cache-Control: no-store. Invitation tokens are
 * made in SQL and shown once the same way.
 */
#include <json-c/json.h>
#include <string.h>

#include "auth.h"
#include "http.h"
#include "paging.h"
#include "routes.h"
#include "rows.h"
#include "validate.h"

/*
 * The clear key of this request's answer rides in the last parameter slot,
 * which no statement of this file reaches (at most 8 parameters): the
 * result callback has only ctx.
 */
#define KEYS_CLEAR_SLOT (HTTP_MAX_PARAMS - 1)

/*
 * A new key: its id and the hex bytea of its secret's hash into params[id_slot]
 * and params[id_slot + 1], the clear key into KEYS_CLEAR_SLOT (all in the
 * arena). -1 after a 503.
 */
static int keys_make(struct req_ctx *ctx, int id_slot)
{
    char key[AUTH_KEY_LEN + 1], key_id[AUTH_UUID_LEN + 1], hex[2 * AUTH_HASH_LEN + 3];
    unsigned char hash[AUTH_HASH_LEN];

    if (auth_key_generate(key, key_id, hash) < 0) {
        http_problem(ctx, 503, "No randomness is available to make a key; try again later.", NULL);
        return -1;
    }
    hex[0] = '\\';
    hex[1] = 'x';
    auth_hex(hash, AUTH_HASH_LEN, hex + 2);
    ctx->params[id_slot] = http_strdup(ctx, key_id, strlen(key_id));
    ctx->params[id_slot + 1] = http_strdup(ctx, hex, strlen(hex));
    ctx->params[KEYS_CLEAR_SLOT] = http_strdup(ctx, key, strlen(key));
    memset(key, 0, sizeof(key));
    if (!ctx->params[id_slot] || !ctx->params[id_slot + 1] || !ctx->params[KEYS_CLEAR_SLOT]) {
        http_problem(ctx, 503, "The server is busy; try again later.", NULL);
        return -1;
    }
    return 0;
}

/* Answers that hold a secret are never stored by a browser or a proxy. */
static void keys_reply_secret(struct req_ctx *ctx, PGresult *res)
{
    http_header(ctx, "Cache-Control", "no-store");
    rows_reply_api(ctx, res);
}

/* The SQL's 201 with "key" (the clear key made by keys_make) added first; other answers as they are. */
static void keys_reply_with_key(struct req_ctx *ctx, PGresult *res)
{
    struct rows_api row;
    struct json_object *body, *out;
    const char *text;

    http_header(ctx, "Cache-Control", "no-store");
    if (rows_api_decode(res, &row) < 0 || row.status != 201 || row.body == NULL) {
        rows_reply_api(ctx, res);
        return;
    }
    if ((body = json_tokener_parse(row.body)) == NULL || !json_object_is_type(body, json_type_object)) {
        json_object_put(body);
        http_problem(ctx, 500, "The database returned an unexpected result.", NULL);
        return;
    }
    out = json_object_new_object();
    json_object_object_add(out, "key", json_object_new_string(ctx->params[KEYS_CLEAR_SLOT]));
    json_object_object_foreach(body, k, v) json_object_object_add(out, k, json_object_get(v));
    json_object_put(body);
    if ((text = http_keep_json(ctx, out)) == NULL)
        return;
    if (row.location)
        http_header(ctx, "Location", row.location);
    http_reply(ctx, 201, NULL, text, strlen(text));
}

/* POST /api/v1/invitations */
void h_invitation_create(struct req_ctx *ctx)
{
    if ((ctx->params[0] = http_checked_body(ctx, VALIDATE_BODY_INVITATION, &ctx->params[1], NULL)) == NULL)
        return;
    http_query(ctx, STMT_INVITATION_CREATE, http_actor_params(ctx, 2), keys_reply_secret);
}

/* GET /api/v1/invitations?organisation=&limit=&cursor= */
void h_invitation_list(struct req_ctx *ctx)
{
    const char *org = http_query_arg(ctx, "organisation");
    if (org && !auth_is_uuid(org, strlen(org))) {
        http_bad_field(ctx, 400, "organisation", "must be the id (a UUID) of an organisation");
        return;
    }
    ctx->params[0] = org;
    if (paging_limit(ctx, &ctx->params[1]) < 0 || paging_cursor(ctx, PAGING_CURSOR_KEYSET, &ctx->params[2]) < 0)
        return;
    http_query(ctx, STMT_INVITATION_LIST, http_actor_params(ctx, 3), rows_reply_api);
}

/* DELETE /api/v1/invitations/{id} */
void h_invitation_revoke(struct req_ctx *ctx)
{
    http_query_id(ctx, "invitation", STMT_INVITATION_REVOKE, rows_reply_api);
}

/* POST /api/v1/invitations/accept {"token", "label"?} (anonymous: the token is the permission) */
void h_invitation_accept(struct req_ctx *ctx)
{
    struct json_object *obj = NULL, *v;
    const char *errors;

    if (http_checked_body(ctx, VALIDATE_BODY_ACCEPT, &errors, &obj) == NULL) {
        json_object_put(obj);
        return;
    }
    if (http_refuse_errors(ctx, errors)) {
        json_object_put(obj);
        return;
    }
    json_object_object_get_ex(obj, "token", &v);
    ctx->params[0] = http_strdup(ctx, json_object_get_string(v), (size_t)json_object_get_string_len(v));
    ctx->params[1] = NULL;
    if (json_object_object_get_ex(obj, "label", &v) && json_object_is_type(v, json_type_string))
        ctx->params[1] = http_strdup(ctx, json_object_get_string(v), (size_t)json_object_get_string_len(v));
    json_object_put(obj);
    if (ctx->params[0] == NULL) {
        http_problem(ctx, 503, "The server is busy; try again later.", NULL);
        return;
    }
    if (keys_make(ctx, 2) < 0)
        return;
    http_query(ctx, STMT_INVITATION_ACCEPT, 4, keys_reply_with_key);
}

/* The organisation of the path ({id}) into params[0]; NULL after a 404. */
static const char *keys_org(struct req_ctx *ctx)
{
    return ctx->params[0] = http_id_or_404(ctx, "organisation");
}

/* The key of the path ({key_id}, route parameter 1) into params[1]; NULL after a 404. */
static const char *keys_key(struct req_ctx *ctx)
{
    if ((ctx->params[1] = http_uuid_param(ctx, 1)) == NULL)
        http_problem(ctx, 404, "There is no key with this id.", NULL);
    return ctx->params[1];
}

/* GET /api/v1/organisations/{id}/keys */
void h_key_list(struct req_ctx *ctx)
{
    if (keys_org(ctx) == NULL)
        return;
    http_query(ctx, STMT_KEY_LIST, http_actor_params(ctx, 1), keys_reply_secret);
}

/* POST /api/v1/organisations/{id}/keys {"label"?} */
void h_key_create(struct req_ctx *ctx)
{
    const char *errors;

    if (keys_org(ctx) == NULL || (ctx->params[1] = http_checked_body(ctx, VALIDATE_BODY_KEY, &errors, NULL)) == NULL ||
        http_refuse_errors(ctx, errors) || keys_make(ctx, 2) < 0)
        return;
    http_query(ctx, STMT_KEY_CREATE, http_actor_params(ctx, 4), keys_reply_with_key);
}

/* POST /api/v1/organisations/{id}/keys/{key_id}/rotate */
void h_key_rotate(struct req_ctx *ctx)
{
    if (keys_org(ctx) == NULL || keys_key(ctx) == NULL || keys_make(ctx, 2) < 0)
        return;
    http_query(ctx, STMT_KEY_ROTATE, http_actor_params(ctx, 4), keys_reply_with_key);
}

/* DELETE /api/v1/organisations/{id}/keys/{key_id} */
void h_key_revoke(struct req_ctx *ctx)
{
    if (keys_org(ctx) == NULL || keys_key(ctx) == NULL)
        return;
    http_query(ctx, STMT_KEY_REVOKE, http_actor_params(ctx, 2), keys_reply_secret);
}
