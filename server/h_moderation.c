/*
 * h_moderation.c — the municipality's side of the sociale kaart (issue 6):
 * the moderation queue, approve/reject/diff, hiding by hand, the moderation
 * settings, stale entries and their confirmation, residents' reports, and
 * the coverage statistics.
 *
 * Handlers are thin: check the path and query parameters, then make one
 * call to an api_* function of sql/api/moderation.sql, which
 * authorises (role and the key's municipalities), writes, audits and
 * renders. Only the coverage statistics render something other than JSON:
 * with "Accept: text/csv" the function returns CSV text and the handler
 * labels it.
 */
#include <event2/buffer.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "contract.h"
#include "h_entries.h"
#include "http.h"
#include "paging.h"
#include "routes.h"
#include "rows.h"
#include "validate.h"

#define MOD_LIST_MAX     CONTRACT_MOD_LIST_MAX
#define MOD_REPORT_RETRY "3600" /* seconds: the database counts reports per client per hour */

/* The collection segment of the path ("/api/v1/places/…" -> place), or NULL. */
static const char *mod_kind(struct req_ctx *ctx)
{
    enum sk_kind kind;
    return entry_kind(ctx, &kind) == 0 ? sk_kind_name(kind) : NULL;
}

/*
 * An optional query parameter that must be one of the words in allowed
 * (NULL-terminated). Sets *out (NULL when absent); -1 after a 400.
 */
static int mod_enum_arg(struct req_ctx *ctx, const char *name, const char *const *allowed, const char *message,
                        const char **out)
{
    const char *v = http_query_arg(ctx, name);
    *out = NULL;
    if (v == NULL)
        return 0;
    for (size_t i = 0; allowed[i]; i++) {
        if (strcmp(v, allowed[i]) == 0) {
            *out = allowed[i];
            return 0;
        }
    }
    http_bad_field(ctx, 400, name, message);
    return -1;
}

/* A municipality (GM + 4 digits) or area code (GM0512-west) query parameter; -1 after a 400. */
static int mod_code_arg(struct req_ctx *ctx, const char *name, int area, const char **out)
{
    const char *v = http_query_arg(ctx, name);
    *out = NULL;
    if (v == NULL)
        return 0;
    if (!(area ? contract_is_area_code(v, strlen(v)) : contract_is_municipality_code(v, strlen(v)))) {
        http_bad_field(ctx, 400, name,
                       area ? "must be an area code such as GM0512-west"
                            : "must be a municipality code such as GM0512");
        return -1;
    }
    *out = v;
    return 0;
}

/* The optional kind parameter: one of the contract's kind names; -1 after a 400. */
static int mod_kind_arg(struct req_ctx *ctx, const char **out)
{
    const char *v = http_query_arg(ctx, "kind");
    enum sk_kind k;
    *out = NULL;
    if (v == NULL)
        return 0;
    if (!sk_kind_from_name(v, &k)) {
        http_bad_field(ctx, 400, "kind", "must be place, activity, vacancy, carer_support or service");
        return -1;
    }
    *out = sk_kind_name(k);
    return 0;
}

/*
 * GET /api/v1/moderation/queue?kind=&municipality=&area=&type=&min_age_hours=&limit=&cursor=
 * New entries, proposed changes and open reports, oldest first.
 */
void h_mod_queue(struct req_ctx *ctx)
{
    static const char *const types[] = { "new_entry", "revision", "report", NULL };

    if (mod_kind_arg(ctx, &ctx->params[0]) < 0 || mod_code_arg(ctx, "municipality", 0, &ctx->params[1]) < 0 ||
        mod_code_arg(ctx, "area", 1, &ctx->params[2]) < 0 ||
        mod_enum_arg(ctx, "type", types, "must be new_entry, revision or report", &ctx->params[3]) < 0 ||
        http_int_arg(ctx, "min_age_hours", 0, 100000, &ctx->params[4]) < 0 ||
        http_int_arg(ctx, "limit", 1, MOD_LIST_MAX, &ctx->params[5]) < 0 ||
        paging_cursor(ctx, PAGING_CURSOR_KEYSET, &ctx->params[6]) < 0)
        return;
    http_query(ctx, STMT_MOD_QUEUE, http_actor_params(ctx, 7), rows_reply_api);
}

/* GET /api/v1/moderation/stale?municipality=&kind=&limit=&cursor= */
void h_mod_stale(struct req_ctx *ctx)
{
    if (mod_code_arg(ctx, "municipality", 0, &ctx->params[0]) < 0 || mod_kind_arg(ctx, &ctx->params[1]) < 0 ||
        http_int_arg(ctx, "limit", 1, MOD_LIST_MAX, &ctx->params[2]) < 0 ||
        paging_cursor(ctx, PAGING_CURSOR_KEYSET, &ctx->params[3]) < 0)
        return;
    http_query(ctx, STMT_MOD_STALE, http_actor_params(ctx, 4), rows_reply_api);
}

/* POST /api/v1/moderation/{entryId}/approve (no body needed) */
void h_mod_approve(struct req_ctx *ctx)
{
    http_query_id(ctx, "entry", STMT_MOD_APPROVE, rows_reply_api);
}

/*
 * A small JSON object body (reject, resolve, report): well-formed, valid
 * UTF-8, an object. Returns the body text, or NULL after a reply. When
 * optional and there is no body at all, "{}".
 */
static const char *mod_body(struct req_ctx *ctx, int optional, struct json_object **obj)
{
    struct evbuffer *in = evhttp_request_get_input_buffer(ctx->req);

    *obj = NULL;
    if (optional && evbuffer_get_length(in) == 0)
        return "{}";
    return http_json_object(ctx, obj);
}

/* Check a moderation body against its member table (validate.c); NULL obj (no body) is fine. */
static void mod_check_body(struct json_object *obj, enum validate_body which, struct verr_list *errs)
{
    if (obj)
        validate_body(which, obj, errs);
}

/* Answer 422 naming every field in errs. */
static void mod_invalid(struct req_ctx *ctx, struct verr_list *errs)
{
    char detail[200];
    snprintf(detail, sizeof(detail), "%s %s", errs->items[0].field, errs->items[0].message);
    http_problem(ctx, 422, detail, verr_to_json(errs));
}

/*
 * Check the body of a POST on the {what} named in the path against its member
 * table (which; optional: an empty body stands for {}) and run stmt with
 * (id, body). The database answers the state conflicts (409).
 */
static void mod_body_call(struct req_ctx *ctx, const char *what, int optional, enum validate_body which,
                          enum db_stmt stmt)
{
    struct json_object *obj;
    struct verr_list errs;
    const char *id = http_id_or_404(ctx, what), *body;

    if (id == NULL || (body = mod_body(ctx, optional, &obj)) == NULL)
        return;
    verr_init(&errs);
    mod_check_body(obj, which, &errs);
    json_object_put(obj);
    if (!verr_empty(&errs)) {
        mod_invalid(ctx, &errs);
        return;
    }
    ctx->params[0] = id;
    ctx->params[1] = body;
    http_query(ctx, stmt, http_actor_params(ctx, 2), rows_reply_api);
}

/*
 * A {"reason"} body (the only member; a text of at most CONTRACT_MOD_TEXT_MAX
 * characters, required or not) on an entry, then stmt with (id, body). The
 * database also refuses a blank reason.
 */
static void mod_reason_call(struct req_ctx *ctx, enum db_stmt stmt, int required)
{
    mod_body_call(ctx, "entry", !required, required ? VALIDATE_BODY_REASON_REQUIRED : VALIDATE_BODY_REASON_OPTIONAL,
                  stmt);
}

/* POST /api/v1/moderation/{entryId}/reject {"reason": "..."} — the reason is required. */
void h_mod_reject(struct req_ctx *ctx)
{
    mod_reason_call(ctx, STMT_MOD_REJECT, 1);
}

/* GET /api/v1/moderation/{entryId}/diff */
void h_mod_diff(struct req_ctx *ctx)
{
    http_query_id(ctx, "entry", STMT_MOD_DIFF, rows_reply_api);
}

/* POST /api/v1/moderation/{entryId}/hide {"reason": "..."} — hidden from residents; the reason is required. */
void h_mod_hide(struct req_ctx *ctx)
{
    mod_reason_call(ctx, STMT_MOD_HIDE, 1);
}

/* POST /api/v1/moderation/{entryId}/unhide {"reason"?} — published again (counts as a review). */
void h_mod_unhide(struct req_ctx *ctx)
{
    mod_reason_call(ctx, STMT_MOD_UNHIDE, 0);
}

/* GET /api/v1/moderation/settings — moderators and admins. */
void h_mod_settings_get(struct req_ctx *ctx)
{
    http_query(ctx, STMT_MOD_SETTINGS_GET, http_actor_params(ctx, 0), rows_reply_api);
}

/*
 * PATCH /api/v1/moderation/settings {stale_after, hide_after, reports_per_hour,
 * report_hash_days} — admin only (the database says so: 403 for a moderator).
 * Here only the JSON is checked; the database checks the members, so that
 * one 422 names every bad or unknown field.
 */
void h_mod_settings_patch(struct req_ctx *ctx)
{
    struct json_object *obj;
    const char *body = mod_body(ctx, 0, &obj);

    if (body == NULL)
        return;
    json_object_put(obj);
    ctx->params[0] = body;
    http_query(ctx, STMT_MOD_SETTINGS_PATCH, http_actor_params(ctx, 1), rows_reply_api);
}

/* POST /api/v1/moderation/reports/{reportId}/resolve {"resolution": "..."} (body optional) */
void h_mod_report_resolve(struct req_ctx *ctx)
{
    mod_body_call(ctx, "report", 1, VALIDATE_BODY_RESOLUTION, STMT_REPORT_RESOLVE);
}

/* POST /api/v1/{kind}/{id}/confirm — the owner (or a moderator) says the entry is still right. */
void h_entry_confirm(struct req_ctx *ctx)
{
    const char *id = http_id_or_404(ctx, "entry"), *kind = mod_kind(ctx);
    if (id == NULL || kind == NULL)
        return;
    ctx->params[0] = kind;
    ctx->params[1] = id;
    http_query(ctx, STMT_ENTRY_CONFIRM, http_actor_params(ctx, 2), rows_reply_api);
}

/* 429 from the database's per-client report limit: tell the client when to retry. */
static void mod_report_reply(struct req_ctx *ctx, PGresult *res)
{
    if (PQntuples(res) == 1 && atoi(PQgetvalue(res, 0, 0)) == 429)
        http_header(ctx, "Retry-After", MOD_REPORT_RETRY);
    rows_reply_api(ctx, res);
}

/*
 * POST /api/v1/{kind}/{id}/reports {"reason", "message"} — anyone, no
 * personal data. The client address goes to the database only to be
 * hashed with a secret salt for the per-client limit; it is not stored.
 * Field errors travel with the call, so an unknown entry is a 404 first.
 */
void h_report_create(struct req_ctx *ctx)
{
    struct json_object *obj;
    struct verr_list errs;
    const char *id = http_id_or_404(ctx, "entry"), *kind = mod_kind(ctx), *body;

    if (id == NULL || kind == NULL || (body = mod_body(ctx, 0, &obj)) == NULL)
        return;
    verr_init(&errs);
    mod_check_body(obj, VALIDATE_BODY_REPORT, &errs);
    json_object_put(obj);
    if ((ctx->params[3] = http_keep_json(ctx, verr_to_json(&errs))) == NULL)
        return;
    ctx->params[0] = kind;
    ctx->params[1] = id;
    ctx->params[2] = body;
    ctx->params[4] = ctx->client_key; /* an IPv4 address or an IPv6 /64 */
    http_query(ctx, STMT_REPORT_CREATE, http_actor_params(ctx, 5), mod_report_reply);
}

/* GET /api/v1/{kind}/{id}/reports?status=open|resolved|all — the owner or a moderator. */
void h_reports_list(struct req_ctx *ctx)
{
    static const char *const statuses[] = { "open", "resolved", "all", NULL };
    const char *id = http_id_or_404(ctx, "entry"), *kind = mod_kind(ctx);
    if (id == NULL || kind == NULL ||
        mod_enum_arg(ctx, "status", statuses, "must be open, resolved or all", &ctx->params[2]) < 0)
        return;
    ctx->params[0] = kind;
    ctx->params[1] = id;
    http_query(ctx, STMT_REPORTS_LIST, http_actor_params(ctx, 3), rows_reply_api);
}

/* Does the client ask for CSV (Accept: text/csv, or ?format=csv)? */
static int mod_wants_csv(struct req_ctx *ctx)
{
    const char *accept = evhttp_find_header(evhttp_request_get_input_headers(ctx->req), "Accept");
    const char *format = http_query_arg(ctx, "format");
    if (format)
        return strcmp(format, "csv") == 0;
    return accept && strstr(accept, "text/csv") != NULL;
}

/* The CSV variant: the body is CSV text, not JSON. Problems stay problem+json. */
static void mod_coverage_csv_reply(struct req_ctx *ctx, PGresult *res)
{
    const char *body;
    if (PQntuples(res) != 1 || PQnfields(res) < 4 || atoi(PQgetvalue(res, 0, 0)) != 200 || PQgetisnull(res, 0, 3)) {
        rows_reply_api(ctx, res);
        return;
    }
    body = PQgetvalue(res, 0, 3);
    http_header(ctx, "Content-Disposition", "inline; filename=\"coverage.csv\"");
    http_reply(ctx, 200, "text/csv; charset=utf-8", body, strlen(body));
}

/*
 * GET /api/v1/stats/coverage?municipality=GM0512 — public: published
 * entries per area and theme, audience and kind, activities per week and the
 * share with wheelchair access, zero cells included. JSON or CSV.
 */
void h_stats_coverage(struct req_ctx *ctx)
{
    const char *format = http_query_arg(ctx, "format");
    int csv;
    if (mod_code_arg(ctx, "municipality", 0, &ctx->params[0]) < 0)
        return;
    if (ctx->params[0] == NULL) {
        http_bad_field(ctx, 400, "municipality", "is required: a municipality code such as GM0512");
        return;
    }
    if (format && strcmp(format, "csv") != 0 && strcmp(format, "json") != 0) {
        http_bad_field(ctx, 400, "format", "must be json or csv");
        return;
    }
    csv = mod_wants_csv(ctx);
    ctx->params[1] = csv ? "csv" : "json";
    http_header(ctx, "Vary", "Accept");
    http_query(ctx, STMT_STATS_COVERAGE, http_actor_params(ctx, 2), csv ? mod_coverage_csv_reply : rows_reply_api);
}
