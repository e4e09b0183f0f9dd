/*
 * h_catalog.c — what entries refer to: areas, the vocabularies (themes,
 * audiences, accessibility features, support kinds, exception sets),
 * organisations, and the audit log. Reads are public (the audit log is for
 * moderators); changes are for moderators, checked again in SQL.
 */
#include <json-c/json.h>
#include <string.h>

#include "contract.h"
#include "http.h"
#include "paging.h"
#include "routes.h"
#include "rows.h"
#include "validate.h"

#define CODE_MAX 64

/* A path code (area or vocabulary term): letters, digits, dashes; else 404. */
static const char *catalog_code(struct req_ctx *ctx, int i)
{
    const struct route_param *p = &ctx->match.params[i];
    if (ctx->match.nparams <= i || p->len > CODE_MAX ||
        strspn(p->ptr, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
                       "abcdefghijklmnopqrstuvwxyz0123456789-_") < p->len) {
        http_problem(ctx, 404, "There is nothing with this code.", NULL);
        return NULL;
    }
    return http_param(ctx, i);
}

/* A JSON object body for the SQL side to check field by field; NULL when a reply was sent. */
static const char *catalog_body(struct req_ctx *ctx)
{
    struct json_object *obj;
    const char *body = http_json_object(ctx, &obj);

    json_object_put(obj);
    return body;
}

static int catalog_bool_arg(struct req_ctx *ctx, const char *name, const char **out)
{
    const char *v = http_query_arg(ctx, name);
    if (v && strcmp(v, "true") && strcmp(v, "false")) {
        http_bad_field(ctx, 400, name, "must be true or false");
        return -1;
    }
    *out = v && !strcmp(v, "true") ? "true" : "false";
    return 0;
}

/* The vocabulary named by the first path segment after /api/v1/. */
static const char *catalog_vocab(struct req_ctx *ctx)
{
    static const char *const names[] = { "themes",        "audiences",      "accessibility-features",
                                         "support-kinds", "exception-sets", "place-types" };
    const char *p = ctx->path + strlen("/api/v1/");
    size_t n = strcspn(p, "/");
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        if (strlen(names[i]) == n && strncmp(p, names[i], n) == 0)
            return names[i];
    return NULL;
}

static void catalog_public_cache(struct req_ctx *ctx)
{
    http_header(ctx, "Cache-Control", "public, max-age=60");
}

void h_areas_list(struct req_ctx *ctx)
{
    const char *m = http_query_arg(ctx, "municipality");
    if (m && !contract_is_municipality_code(m, strlen(m))) {
        http_bad_field(ctx, 400, "municipality", "must be a CBS municipality code like GM0512");
        return;
    }
    ctx->params[0] = m;
    if (catalog_bool_arg(ctx, "include_retired", &ctx->params[1]) < 0)
        return;
    catalog_public_cache(ctx);
    http_query(ctx, STMT_AREAS_LIST, 2, rows_reply_api);
}

void h_area_get(struct req_ctx *ctx)
{
    if ((ctx->params[0] = catalog_code(ctx, 0)) == NULL)
        return;
    catalog_public_cache(ctx);
    http_query(ctx, STMT_AREA_GET, 1, rows_reply_api);
}

/* PUT /api/v1/areas/{code} */
void h_area_put(struct req_ctx *ctx)
{
    if ((ctx->params[0] = catalog_code(ctx, 0)) == NULL ||
        (ctx->params[1] = http_checked_body(ctx, VALIDATE_BODY_AREA, &ctx->params[2], NULL)) == NULL)
        return;
    http_query(ctx, STMT_AREA_UPSERT, http_actor_params(ctx, 3), rows_reply_api);
}

void h_area_delete(struct req_ctx *ctx)
{
    if ((ctx->params[0] = catalog_code(ctx, 0)) == NULL)
        return;
    http_query(ctx, STMT_AREA_RETIRE, http_actor_params(ctx, 1), rows_reply_api);
}

void h_area_boundary_put(struct req_ctx *ctx)
{
    if ((ctx->params[0] = catalog_code(ctx, 0)) == NULL || (ctx->params[1] = catalog_body(ctx)) == NULL)
        return;
    http_query(ctx, STMT_AREA_BOUNDARY_SET, http_actor_params(ctx, 2), rows_reply_api);
}

void h_vocab_list(struct req_ctx *ctx)
{
    ctx->params[0] = catalog_vocab(ctx);
    if (catalog_bool_arg(ctx, "include_retired", &ctx->params[1]) < 0)
        return;
    catalog_public_cache(ctx);
    http_query(ctx, STMT_VOCAB_LIST, 2, rows_reply_api);
}

/* The member table of a vocabulary's terms (validate.c). */
static enum validate_body catalog_vocab_table(const char *vocab)
{
    if (vocab == NULL)
        return VALIDATE_BODY_VOCAB_TERM; /* SQL answers 404 first */
    if (strcmp(vocab, "themes") == 0)
        return VALIDATE_BODY_VOCAB_THEME;
    if (strcmp(vocab, "accessibility-features") == 0)
        return VALIDATE_BODY_VOCAB_FEATURE;
    if (strcmp(vocab, "exception-sets") == 0)
        return VALIDATE_BODY_VOCAB_EXCEPTION_SET;
    return VALIDATE_BODY_VOCAB_TERM;
}

/*
 * PUT /api/v1/{vocabulary}/{code}: the body's members by their table; the
 * errors travel with the call, so a refusal (401, 403, 404) still comes first
 * and SQL adds what needs the database.
 */
void h_vocab_put(struct req_ctx *ctx)
{
    ctx->params[0] = catalog_vocab(ctx);
    if ((ctx->params[1] = catalog_code(ctx, 0)) == NULL ||
        (ctx->params[2] = http_checked_body(ctx, catalog_vocab_table(ctx->params[0]), &ctx->params[3], NULL)) == NULL)
        return;
    http_query(ctx, STMT_VOCAB_UPSERT, http_actor_params(ctx, 4), rows_reply_api);
}

void h_vocab_delete(struct req_ctx *ctx)
{
    ctx->params[0] = catalog_vocab(ctx);
    if ((ctx->params[1] = catalog_code(ctx, 0)) == NULL)
        return;
    http_query(ctx, STMT_VOCAB_RETIRE, http_actor_params(ctx, 2), rows_reply_api);
}

void h_orgs_list(struct req_ctx *ctx)
{
    if (paging_limit(ctx, &ctx->params[0]) < 0 || paging_cursor(ctx, PAGING_CURSOR_KEYSET, &ctx->params[1]) < 0)
        return;
    http_query(ctx, STMT_ORG_LIST, http_actor_params(ctx, 2), rows_reply_api);
}

void h_org_get(struct req_ctx *ctx)
{
    http_query_id(ctx, "organisation", STMT_ORG_GET, rows_reply_api);
}

void h_org_create(struct req_ctx *ctx)
{
    if ((ctx->params[0] = http_checked_body(ctx, VALIDATE_BODY_ORG_CREATE, &ctx->params[1], NULL)) == NULL)
        return;
    http_query(ctx, STMT_ORG_CREATE, http_actor_params(ctx, 2), rows_reply_api);
}

void h_org_patch(struct req_ctx *ctx)
{
    if ((ctx->params[0] = http_id_or_404(ctx, "organisation")) == NULL ||
        (ctx->params[1] = http_checked_body(ctx, VALIDATE_BODY_ORG_PATCH, &ctx->params[2], NULL)) == NULL)
        return;
    http_query(ctx, STMT_ORG_UPDATE, http_actor_params(ctx, 3), rows_reply_api);
}

void h_audit_list(struct req_ctx *ctx)
{
    const char *entry = http_query_arg(ctx, "entry");
    if (entry && !auth_is_uuid(entry, strlen(entry))) {
        http_bad_field(ctx, 400, "entry", "must be the id (a UUID) of an entry");
        return;
    }
    ctx->params[0] = entry;
    if (paging_limit(ctx, &ctx->params[1]) < 0 || paging_cursor(ctx, PAGING_CURSOR_ID, &ctx->params[2]) < 0)
        return;
    http_query(ctx, STMT_AUDIT_LIST, http_actor_params(ctx, 3), rows_reply_api);
}

/* ------------------------------------------------------------------ */
/* Campaigns (issue 16): sql/api/campaigns.sql says who may            */

/* GET /api/v1/campaigns?municipality=&period=now|current|upcoming|past|all&limit= */
void h_campaigns_list(struct req_ctx *ctx)
{
    static const char *const periods[] = { "now", "current", "upcoming", "past", "all" };
    const char *m = http_query_arg(ctx, "municipality"), *period = http_query_arg(ctx, "period");
    bool known = period == NULL;

    if (m && !contract_is_municipality_code(m, strlen(m))) {
        http_bad_field(ctx, 400, "municipality", "must be a CBS municipality code like GM0512");
        return;
    }
    for (size_t i = 0; !known && i < sizeof(periods) / sizeof(periods[0]); i++)
        known = strcmp(period, periods[i]) == 0;
    if (!known) {
        http_bad_field(ctx, 400, "period", "must be now, current, upcoming, past or all");
        return;
    }
    ctx->params[0] = m;
    ctx->params[1] = period;
    if (paging_limit(ctx, &ctx->params[2]) < 0)
        return;
    catalog_public_cache(ctx);
    http_query(ctx, STMT_CAMPAIGNS_LIST, http_actor_params(ctx, 3), rows_reply_api);
}

void h_campaign_get(struct req_ctx *ctx)
{
    if ((ctx->params[0] = catalog_code(ctx, 0)) == NULL)
        return;
    catalog_public_cache(ctx);
    http_query(ctx, STMT_CAMPAIGN_GET, http_actor_params(ctx, 1), rows_reply_api);
}

/* PUT /api/v1/campaigns/{code}: make or replace */
void h_campaign_put(struct req_ctx *ctx)
{
    if ((ctx->params[0] = catalog_code(ctx, 0)) == NULL ||
        (ctx->params[1] = http_checked_body(ctx, VALIDATE_BODY_CAMPAIGN, &ctx->params[2], NULL)) == NULL)
        return;
    http_query(ctx, STMT_CAMPAIGN_PUT, http_actor_params(ctx, 3), rows_reply_api);
}

void h_campaign_delete(struct req_ctx *ctx)
{
    if ((ctx->params[0] = catalog_code(ctx, 0)) == NULL)
        return;
    http_query(ctx, STMT_CAMPAIGN_DELETE, http_actor_params(ctx, 1), rows_reply_api);
}

/* PUT (put in) and DELETE (take out) /api/v1/campaigns/{code}/entries/{id}: a moderator curates */
void h_campaign_entry(struct req_ctx *ctx)
{
    if ((ctx->params[0] = catalog_code(ctx, 0)) == NULL)
        return;
    if ((ctx->params[1] = http_uuid_param(ctx, 1)) == NULL) {
        http_problem(ctx, 404, "There is no entry with this id.", NULL);
        return;
    }
    ctx->params[2] = ctx->match.route->methods == RM_PUT ? "true" : "false";
    http_query(ctx, STMT_CAMPAIGN_ENTRY, http_actor_params(ctx, 3), rows_reply_api);
}

/* ------------------------------------------------------------------ */
/* Municipal themes (issue 16): sql/api/municipal_themes.sql says who may */

/* GET /api/v1/municipal-themes?municipality= */
void h_municipal_themes_list(struct req_ctx *ctx)
{
    const char *m = http_query_arg(ctx, "municipality");
    if (m && !contract_is_municipality_code(m, strlen(m))) {
        http_bad_field(ctx, 400, "municipality", "must be a CBS municipality code like GM0512");
        return;
    }
    ctx->params[0] = m;
    catalog_public_cache(ctx);
    http_query(ctx, STMT_MUNICIPAL_THEMES_LIST, http_actor_params(ctx, 1), rows_reply_api);
}

void h_municipal_theme_get(struct req_ctx *ctx)
{
    if ((ctx->params[0] = catalog_code(ctx, 0)) == NULL)
        return;
    catalog_public_cache(ctx);
    http_query(ctx, STMT_MUNICIPAL_THEME_GET, http_actor_params(ctx, 1), rows_reply_api);
}

/* PUT /api/v1/municipal-themes/{code}: make or replace */
void h_municipal_theme_put(struct req_ctx *ctx)
{
    if ((ctx->params[0] = catalog_code(ctx, 0)) == NULL ||
        (ctx->params[1] = http_checked_body(ctx, VALIDATE_BODY_MUNICIPAL_THEME, &ctx->params[2], NULL)) == NULL)
        return;
    http_query(ctx, STMT_MUNICIPAL_THEME_PUT, http_actor_params(ctx, 3), rows_reply_api);
}

void h_municipal_theme_delete(struct req_ctx *ctx)
{
    if ((ctx->params[0] = catalog_code(ctx, 0)) == NULL)
        return;
    http_query(ctx, STMT_MUNICIPAL_THEME_DELETE, http_actor_params(ctx, 1), rows_reply_api);
}
