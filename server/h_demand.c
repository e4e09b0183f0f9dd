/*
 * h_demand.c — what residents ask for (issue 16): the published view of
 * asked-for next to offered (GET /api/v1/stats/demand: JSON, CSV or an SVG
 * heat map) and "Ik mis iets in mijn wijk" (POST /api/v1/wishes, anyone;
 * GET /api/v1/wishes, the municipality's moderators). The counting itself is
 * not here: handlers put a demand note on the request (common/demand.h) and
 * the worker's tally adds it up (server/tally.c).
 */
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "amsterdam.h"
#include "contract.h"
#include "http.h"
#include "paging.h"
#include "routes.h"
#include "rows.h"
#include "rrule.h"
#include "worker.h"

#include <event2/http.h>

#define DEMAND_WINDOW_DAYS_MAX 366
#define DEMAND_WINDOW_DEFAULT  28 /* days up to and including today */

/* A date parameter "YYYY-MM-DD" (years 2000 to 2100) as a day number; -1 after a 400, 0 when absent. */
static int demand_date_arg(struct req_ctx *ctx, const char *name, int64_t *days)
{
    const char *v = http_query_arg(ctx, name);
    struct rrule_date d;
    char back[11];

    if (v == NULL)
        return 0;
    if (strlen(v) != 10 || sscanf(v, "%4d-%2d-%2d", &d.year, &d.month, &d.day) != 3 || d.year < 2000 || d.year > 2100 ||
        d.month < 1 || d.month > 12 || d.day < 1 || d.day > 31) {
        http_bad_field(ctx, 400, name, "must be a date like 2026-12-01 (years 2000 to 2100)");
        return -1;
    }
    *days = rrule_days_from_date(d);
    d = rrule_date_from_days(*days);
    snprintf(back, sizeof(back), "%04d-%02d-%02d", d.year, d.month, d.day);
    if (strcmp(back, v) != 0) {
        http_bad_field(ctx, 400, name, "is not a date in the calendar");
        return -1;
    }
    return 1;
}

static const char *demand_date_text(struct req_ctx *ctx, int64_t days)
{
    struct rrule_date d = rrule_date_from_days(days);
    return http_printf(ctx, "%04d-%02d-%02d", d.year, d.month, d.day);
}

/* The CSV and SVG variants: the body is not JSON. Problems stay problem+json. */
static void demand_text_reply(struct req_ctx *ctx, PGresult *res, const char *type, const char *file)
{
    const char *body;
    if (PQntuples(res) != 1 || PQnfields(res) < 4 || atoi(PQgetvalue(res, 0, 0)) != 200 || PQgetisnull(res, 0, 3)) {
        rows_reply_api(ctx, res);
        return;
    }
    body = PQgetvalue(res, 0, 3);
    http_header(ctx, "Content-Disposition", file);
    http_reply(ctx, 200, type, body, strlen(body));
}

static void demand_csv_reply(struct req_ctx *ctx, PGresult *res)
{
    demand_text_reply(ctx, res, "text/csv; charset=utf-8", "inline; filename=\"demand.csv\"");
}

static void demand_svg_reply(struct req_ctx *ctx, PGresult *res)
{
    http_header(ctx, "Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'");
    demand_text_reply(ctx, res, "image/svg+xml; charset=utf-8", "inline; filename=\"demand.svg\"");
}

/*
 * GET /api/v1/stats/demand?municipality=GM0512&from=&to=&format=json|csv|svg
 * (Accept: text/csv or image/svg+xml also choose). Public, with small counts
 * left out; exact for the municipality's moderators.
 */
void h_stats_demand(struct req_ctx *ctx)
{
    const char *m = http_query_arg(ctx, "municipality"), *format = http_query_arg(ctx, "format");
    const char *accept = evhttp_find_header(evhttp_request_get_input_headers(ctx->req), "Accept");
    int64_t today = amsterdam_day((int64_t)time(NULL)), from = 0, to = today;
    int has_from, has_to;

    if (m == NULL) {
        http_bad_field(ctx, 400, "municipality", "is required: a municipality code such as GM0512");
        return;
    }
    if (!contract_is_municipality_code(m, strlen(m))) {
        http_bad_field(ctx, 400, "municipality", "must be a municipality code such as GM0512");
        return;
    }
    if ((has_from = demand_date_arg(ctx, "from", &from)) < 0 || (has_to = demand_date_arg(ctx, "to", &to)) < 0)
        return;
    if (!has_from)
        from = to - (DEMAND_WINDOW_DEFAULT - 1);
    if (to < from) {
        http_bad_field(ctx, 400, "to", "must not be before from");
        return;
    }
    if (to - from + 1 > DEMAND_WINDOW_DAYS_MAX) {
        http_bad_field(ctx, 400, "to", "may be at most 366 days after from");
        return;
    }
    if (format == NULL)
        format = accept && strstr(accept, "text/csv")        ? "csv"
                 : accept && strstr(accept, "image/svg+xml") ? "svg"
                                                             : "json";
    if (strcmp(format, "json") != 0 && strcmp(format, "csv") != 0 && strcmp(format, "svg") != 0) {
        http_bad_field(ctx, 400, "format", "must be json, csv or svg");
        return;
    }
    ctx->params[0] = m;
    ctx->params[1] = demand_date_text(ctx, from);
    ctx->params[2] = demand_date_text(ctx, to);
    ctx->params[3] = format;
    http_header(ctx, "Vary", "Accept");
    http_query(ctx, STMT_STATS_DEMAND, http_actor_params(ctx, 4),
               format[0] == 'c'   ? demand_csv_reply
               : format[0] == 's' ? demand_svg_reply
                                  : rows_reply_api);
}

/* POST /api/v1/wishes — "Ik mis iets in mijn wijk": anyone, wishes_per_hour per client. */
void h_wish_create(struct req_ctx *ctx)
{
    const char *errors;

    ctx->log_no_peer = true;
    if (http_limited_by(ctx, ctx->w->wish_ratelimit,
                        "You have sent several messages in a short time; try again in an hour."))
        return;
    if ((ctx->params[0] = http_checked_body(ctx, VALIDATE_BODY_WISH, &errors, NULL)) == NULL)
        return;
    if (http_refuse_errors(ctx, errors))
        return;
    ctx->params[1] = errors;
    http_query(ctx, STMT_WISH_CREATE, http_actor_params(ctx, 2), rows_reply_api);
}

/* GET /api/v1/wishes?municipality=GM0512&limit= — the municipality's moderators and admins. */
void h_wishes_list(struct req_ctx *ctx)
{
    const char *m = http_query_arg(ctx, "municipality");

    if (m && !contract_is_municipality_code(m, strlen(m))) {
        http_bad_field(ctx, 400, "municipality", "must be a municipality code such as GM0512");
        return;
    }
    ctx->params[0] = m;
    if (paging_limit(ctx, &ctx->params[1]) < 0)
        return;
    http_query(ctx, STMT_WISHES_LIST, http_actor_params(ctx, 2), rows_reply_api);
}
