/*
 * h_web.c — the residents' web page and the moderators' console.
 *
 * GET /                 the search page, rendered on the server so it works
 *                       without JavaScript; server/web/app.js enhances it.
 * GET /aanbod/{id}      one entry's page (any kind).
 * GET /beheer           the moderators' console (static page + beheer.js,
 *                       which talks to the moderation API with the key).
 * GET /static/{name}    the files of server/web/, compiled into the binary.
 *
 * Pages follow the handler pattern: parse the query (common/search.c does
 * the checking), one statement (api_web_search / api_web_entry, see
 * sql/api/web.sql), render (server/web_page.c, which escapes
 * everything through common/html.c). Every response carries a strict
 * Content-Security-Policy: no inline script or style, tiles only from PDOK.
 */
#include <event2/buffer.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "contract.h"
#include "embedded.h"
#include "html.h"
#include "http.h"
#include "paper.h"
#include "ratelimit.h"
#include "replica.h"
#include "routes.h"
#include "rows.h"
#include "search.h"
#include "sindex.h"
#include "validate.h"
#include "web_page.h"
#include "worker.h"

#define WEB_CSP                                                                                                        \
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: "                                   \
    "https://service.pdok.nl; connect-src 'self'; font-src 'self'; object-src 'none'; "                                \
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

#define WEB_LIST_KEYS 12   /* distinct query keys a page passes on to the search */
#define WEB_VALUE_MAX 1024 /* bytes of one (joined) query value */

/* ------------------------------------------------------------------ */
/* Headers and static files                                            */

/* The security headers of every page and file we serve. */
static void web_headers(struct req_ctx *ctx)
{
    http_header(ctx, "Content-Security-Policy", WEB_CSP);
    http_header(ctx, "Referrer-Policy", "strict-origin-when-cross-origin");
    http_header(ctx, "X-Frame-Options", "DENY");
    http_header(ctx, "Permissions-Policy", "geolocation=(self), camera=(), microphone=()");
}

static const struct {
    const char *ext;
    const char *type;
} web_types[] = {
    { ".html", "text/html; charset=utf-8" },
    { ".css", "text/css; charset=utf-8" },
    { ".js", "text/javascript; charset=utf-8" },
    { ".svg", "image/svg+xml" },
    { ".png", "image/png" },
    { ".txt", "text/plain; charset=utf-8" },
    { ".json", "application/json" },
    { ".ico", "image/x-icon" },
};

/* The Content-Type for a file name, by its extension. */
static const char *web_type(const char *name)
{
    const char *dot = strrchr(name, '.');
    for (size_t i = 0; dot && i < sizeof(web_types) / sizeof(web_types[0]); i++)
        if (strcmp(dot, web_types[i].ext) == 0)
            return web_types[i].type;
    return "application/octet-stream";
}

/* The embedded file called name (len bytes, not NUL-terminated), or NULL. */
static const struct sk_embedded_file *web_asset_find(const char *name, size_t len)
{
    for (size_t i = 0; i < sk_web_assets_count; i++) {
        const struct sk_embedded_file *f = &sk_web_assets[i];
        if (f->name && strlen(f->name) == len && memcmp(f->name, name, len) == 0)
            return f;
    }
    return NULL;
}

/* Strong validator of a file's bytes (FNV-1a 64): cheap, and changes with every build that changes it. */
static void web_etag(const struct sk_embedded_file *f, char out[24])
{
    unsigned long long h = 1469598103934665603ULL;
    for (size_t i = 0; i < f->len; i++) {
        h ^= f->data[i];
        h *= 1099511628211ULL;
    }
    snprintf(out, 24, "\"%016llx\"", h);
}

/*
 * Serve an embedded file with its ETag. "no-cache" makes browsers revalidate
 * each time (a 304 without a body), so a new build is seen at once.
 */
static void web_send_file(struct req_ctx *ctx, const struct sk_embedded_file *f)
{
    char etag[24];
    const char *inm = evhttp_find_header(evhttp_request_get_input_headers(ctx->req), "If-None-Match");

    web_etag(f, etag);
    web_headers(ctx);
    http_header(ctx, "ETag", etag);
    http_header(ctx, "Cache-Control", "no-cache");
    if (inm && strstr(inm, etag)) {
        http_reply(ctx, 304, web_type(f->name), NULL, 0);
        return;
    }
    http_reply(ctx, 200, web_type(f->name), (const char *)f->data, f->len);
}

/* A plain HTML error page (residents should never see JSON). */
static void web_error_page(struct req_ctx *ctx, int status, const char *title, const char *text);

void h_web_asset(struct req_ctx *ctx)
{
    const struct route_param *p = &ctx->match.params[0];
    const struct sk_embedded_file *f = ctx->match.nparams == 1 ? web_asset_find(p->ptr, p->len) : NULL;

    if (f == NULL || strcmp(f->name, "beheer.html") == 0) {
        web_error_page(ctx, 404, "Niet gevonden", "Dit bestand bestaat niet.");
        return;
    }
    web_send_file(ctx, f);
}

void h_web_console(struct req_ctx *ctx)
{
    const struct sk_embedded_file *f = web_asset_find("beheer.html", strlen("beheer.html"));
    if (f == NULL) {
        web_error_page(ctx, 404, "Niet gevonden", "De beheerpagina is niet meegebouwd.");
        return;
    }
    web_send_file(ctx, f);
}

/* ------------------------------------------------------------------ */
/* Pages                                                               */

/* Hand a finished page to the client (b is emptied). */
static void web_send_page(struct req_ctx *ctx, int status, struct html_buf *b)
{
    size_t len;
    char *page = html_take(b, &len);

    if (page == NULL) {
        http_problem(ctx, 503, "Out of memory.", NULL);
        return;
    }
    web_headers(ctx);
    http_header(ctx, "Cache-Control", "no-cache");
    http_reply(ctx, status, "text/html; charset=utf-8", page, len);
    free(page);
}

static void web_error_page(struct req_ctx *ctx, int status, const char *title, const char *text)
{
    struct html_buf b;
    html_init(&b);
    webpage_error(&b, title, text);
    web_send_page(ctx, status, &b);
}

static void web_search_page(struct req_ctx *ctx, int status, struct json_object *body, const char *problem)
{
    struct html_buf b;
    html_init(&b);
    webpage_search(&b, &ctx->query, body, problem);
    web_send_page(ctx, status, &b);
}

/* ------------------------------------------------------------------ */
/* The search: query string -> search parameters -> api_web_search      */

/*
 * The query string as the page understands it: the search parameters of
 * common/search.c, where a key may repeat (checkboxes) and is joined into one
 * comma-separated list, empty values are dropped, and the page's own
 * "wanneer" (vandaag/week/weekend) becomes a from/to window.
 */
struct web_query {
    size_t n;
    char key[WEB_LIST_KEYS][24];
    char value[WEB_LIST_KEYS][WEB_VALUE_MAX];
    const char *wanneer; /* borrowed from the request; NULL when absent */
    int too_much;        /* a value or the number of keys was too large */
};

static char *web_query_slot(struct web_query *wq, const char *key)
{
    for (size_t i = 0; i < wq->n; i++)
        if (strcmp(wq->key[i], key) == 0)
            return wq->value[i];
    if (wq->n == WEB_LIST_KEYS || strlen(key) >= sizeof(wq->key[0])) {
        wq->too_much = 1;
        return NULL;
    }
    snprintf(wq->key[wq->n], sizeof(wq->key[0]), "%s", key);
    wq->value[wq->n][0] = '\0';
    return wq->value[wq->n++];
}

static void web_query_add(struct web_query *wq, const char *key, const char *value)
{
    char *slot = web_query_slot(wq, key);
    size_t used;
    if (slot == NULL)
        return;
    used = strlen(slot);
    if (used + strlen(value) + 2 > WEB_VALUE_MAX) {
        wq->too_much = 1;
        return;
    }
    snprintf(slot + used, WEB_VALUE_MAX - used, "%s%s", used ? "," : "", value);
}

/* The from/to window of "wanneer", relative to today in Amsterdam. */
static void web_query_window(struct web_query *wq)
{
    long today = webpage_today(), from = today, to;
    int wd = webpage_weekday(today);
    char a[11], z[11];

    if (strcmp(wq->wanneer, "vandaag") == 0) {
        to = today + 1;
    } else if (strcmp(wq->wanneer, "week") == 0) {
        to = today + (7 - wd);
    } else if (strcmp(wq->wanneer, "weekend") == 0) {
        from = wd >= 5 ? today : today + (5 - wd);
        to = today + (7 - wd);
    } else {
        return;
    }
    webpage_date(from, a);
    webpage_date(to, z);
    web_query_add(wq, "from", a);
    web_query_add(wq, "to", z);
}

static void web_query_read(struct req_ctx *ctx, struct web_query *wq)
{
    struct evkeyval *kv;

    memset(wq, 0, sizeof(*wq));
    TAILQ_FOREACH(kv, &ctx->query, next)
    {
        if (kv->value == NULL || kv->value[0] == '\0')
            continue;
        if (strcmp(kv->key, "wanneer") == 0) {
            wq->wanneer = kv->value;
            continue;
        }
        if (strcmp(kv->key, "lijst") == 0) /* the referral list being made: the page's, not the search's */
            continue;
        web_query_add(wq, kv->key, kv->value);
    }
    if (wq->wanneer && !http_query_arg(ctx, "from") && !http_query_arg(ctx, "to"))
        web_query_window(wq);
}

/* Turn an API answer (status + JSON body) into something the page can show. */
static struct json_object *web_body(PGresult *res, int *status)
{
    struct rows_api row;
    if (rows_api_decode(res, &row) < 0 || row.body == NULL) {
        *status = 500;
        return NULL;
    }
    *status = row.status;
    return json_tokener_parse(row.body);
}

static void web_on_search(struct req_ctx *ctx, PGresult *res)
{
    int status;
    struct json_object *body = web_body(res, &status);

    if (body == NULL || status != 200) {
        struct json_object *errs, *err0 = NULL, *field = NULL, *message = NULL;
        char problem[400];
        if (json_object_object_get_ex(body, "errors", &errs) && json_object_is_type(errs, json_type_array) &&
            json_object_array_length(errs) > 0)
            err0 = json_object_array_get_idx(errs, 0);
        if (err0 && json_object_object_get_ex(err0, "field", &field) && json_object_is_type(field, json_type_string)) {
            json_object_object_get_ex(err0, "message", &message);
            snprintf(problem, sizeof(problem), "Het deel \u201c%s\u201d klopt niet (%s).",
                     json_object_get_string(field), message ? json_object_get_string(message) : "onbekende fout");
        } else
            snprintf(problem, sizeof(problem), "De zoekopdracht klopt niet.");
        if (status >= 400 && status < 500)
            web_search_page(ctx, status, NULL, problem);
        else
            web_error_page(ctx, 503, "Even niet beschikbaar",
                           "De sociale kaart kan nu niet zoeken. Probeer het zo opnieuw.");
        json_object_put(body);
        return;
    }
    if (ctx->demand.what == DEMAND_SEARCH && ctx->q.stmt == STMT_WEB_SEARCH) { /* the database searched */
        struct json_object *total;
        if (json_object_object_get_ex(body, "total", &total))
            ctx->demand.found_nothing = json_object_get_int64(total) == 0;
    }
    web_search_page(ctx, 200, body, NULL);
    json_object_put(body);
}

/* The parameter problems in words a resident understands. */
static void web_params_problem(struct verr_list *errs, char *out, size_t cap)
{
    size_t used = 0;
    out[0] = '\0';
    for (size_t i = 0; i < errs->count && used + 1 < cap; i++) {
        int n = snprintf(out + used, cap - used, "%sHet deel \u201c%s\u201d klopt niet (%s).", i ? " " : "",
                         errs->items[i].field, errs->items[i].message);
        if (n < 0)
            break;
        used += (size_t)n < cap - used ? (size_t)n : cap - used - 1;
    }
}

void h_web_index(struct req_ctx *ctx)
{
    struct web_query *wq = malloc(sizeof(*wq));
    struct search_pair pairs[WEB_LIST_KEYS];
    struct verr_list errs;
    struct json_object *params;
    char problem[512];

    if (wq == NULL) {
        http_problem(ctx, 503, "Out of memory.", NULL);
        return;
    }
    web_query_read(ctx, wq);
    for (size_t i = 0; i < wq->n; i++) {
        pairs[i].key = wq->key[i];
        pairs[i].value = wq->value[i];
    }
    verr_init(&errs);
    params = wq->too_much ? NULL : search_params_parse(pairs, wq->n, NULL, &errs);
    free(wq);
    if (params == NULL) {
        if (errs.count)
            web_params_problem(&errs, problem, sizeof(problem));
        else
            snprintf(problem, sizeof(problem), "De zoekopdracht is te lang.");
        web_search_page(ctx, 400, NULL, problem);
        return;
    }
    /* Anonymous visitors: the search from the index in memory; PostgreSQL adds only the labels,
     * names and map points of that one page (a few lookups by id). */
    if (ctx->who.role == ROLE_ANONYMOUS)
        demand_note_search(&ctx->demand, params); /* what residents ask for (issue 16) */
    if (ctx->w->sindex && ctx->who.role == ROLE_ANONYMOUS && !replica_lagging(ctx->w->replica)) {
        struct evbuffer *out = ctx->w->scratch;
        uint64_t total = 0;
        int status = sindex_search(ctx->w->sindex, params, "nl", out, &errs, &total);
        ctx->demand.found_nothing = total == 0;
        if (status == 200)
            ctx->params[0] = http_keep(ctx, strndup((const char *)evbuffer_pullup(out, -1), evbuffer_get_length(out)));
        evbuffer_drain(out, evbuffer_get_length(out));
        if (status != 0)
            json_object_put(params);
        if (status == 400) {
            web_params_problem(&errs, problem, sizeof(problem));
            web_search_page(ctx, 400, NULL, problem);
        } else if (status == 200 && ctx->params[0] == NULL) {
            web_error_page(ctx, 503, "Even niet beschikbaar",
                           "De sociale kaart kan nu niet zoeken. Probeer het zo opnieuw.");
        } else if (status == 200) {
            {
                ctx->params[1] = http_query_arg(ctx, "campaign"); /* a campaign's page names it (issue 16) */
                http_query(ctx, STMT_WEB_SEARCH_ANSWER, http_actor_params(ctx, 2), web_on_search);
            }
        }
        if (status != 0)
            return;
        verr_init(&errs); /* not loaded yet: the database searches */
    }
    if ((ctx->params[0] = http_keep_json(ctx, params)) == NULL)
        return;
    ctx->params[1] = "nl";
    http_query(ctx, STMT_WEB_SEARCH, http_actor_params(ctx, 2), web_on_search);
}

/* ------------------------------------------------------------------ */
/* The wijk page on paper (issue 16): GET /papier/{code}/{YYYY-MM}.pdf  */

static void web_on_paper_pdf(void *arg, struct evbuffer *pdf)
{
    struct req_ctx *ctx = arg;
    char disp[160];

    if (pdf == NULL) {
        web_error_page(ctx, 500, "Dit lukt nu niet",
                       "De pagina om te printen kon niet gemaakt worden. Probeer het later opnieuw.");
        return;
    }
    snprintf(disp, sizeof(disp), "inline; filename=\"wat-is-er-te-doen-%s-%s.pdf\"", ctx->params[0], ctx->params[1]);
    http_header(ctx, "Content-Disposition", disp);
    http_header(ctx, "Cache-Control", "public, max-age=3600");
    http_reply(ctx, 200, "application/pdf", (const char *)evbuffer_pullup(pdf, -1), evbuffer_get_length(pdf));
}

static void web_on_paper(struct req_ctx *ctx, PGresult *res)
{
    int status;
    struct json_object *body = web_body(res, &status);

    if (body == NULL || status != 200) {
        json_object_put(body);
        if (status == 404)
            web_error_page(ctx, 404, "Deze wijk bestaat niet", "Kies een wijk of dorp op de zoekpagina.");
        else
            web_error_page(ctx, 503, "Even niet beschikbaar", "Probeer het zo opnieuw.");
        return;
    }
    /* cairo and pango draw on a thread of their own: this loop goes on answering */
    if (paper_render_async(ctx->w->base, body, web_on_paper_pdf, ctx) < 0) {
        http_header(ctx, "Retry-After", "2");
        web_error_page(ctx, 503, "Even druk", "Er worden nu veel pagina's gemaakt. Probeer het zo opnieuw.");
    }
}

void h_web_paper(struct req_ctx *ctx)
{
    const char *code = http_param(ctx, 0), *month = http_param(ctx, 1);
    long today = webpage_today(), asked;
    int y, m, ty, tm, td;
    char tmp[11];

    webpage_date(today, tmp);
    if (code == NULL || !contract_is_area_code(code, strlen(code)) || strlen(code) > 64) {
        web_error_page(ctx, 404, "Deze wijk bestaat niet", "Kies een wijk of dorp op de zoekpagina.");
        return;
    }
    /* a month from last month to a year ahead: as far as the dates on the kaart reach */
    if (month == NULL || strlen(month) != 7 || sscanf(month, "%4d-%2d", &y, &m) != 2 || month[4] != '-' || m < 1 ||
        m > 12 || sscanf(tmp, "%4d-%2d-%2d", &ty, &tm, &td) != 3 || (asked = (long)(y - ty) * 12 + (m - tm)) < -1 ||
        asked > 12) {
        web_error_page(
            ctx, 404, "Deze maand kan niet",
            "Kies een maand van vorige maand tot een jaar vooruit, zoals /papier/GM0512-lingewijk/2027-01.pdf.");
        return;
    }
    ctx->params[0] = code;
    ctx->params[1] = month;
    http_query(ctx, STMT_WEB_PAPER, http_actor_params(ctx, 2), web_on_paper);
}

/* GET /campagnes/{code} (issue 16): the search page with the campaign's filter and its heading. */
void h_web_campaign(struct req_ctx *ctx)
{
    const char *code = http_param(ctx, 0);
    size_t n = code ? strlen(code) : 0;

    if (n == 0 || n > 64 || strspn(code, "abcdefghijklmnopqrstuvwxyz0123456789-") < n) {
        web_error_page(ctx, 404, "Deze campagne bestaat niet", "Kijk of het adres goed is.");
        return;
    }
    evhttp_remove_header(&ctx->query, "campaign"); /* the path names it */
    if (evhttp_add_header(&ctx->query, "campaign", code) < 0) {
        http_problem(ctx, 503, "Out of memory.", NULL);
        return;
    }
    h_web_index(ctx);
}

/* ------------------------------------------------------------------ */
/* An entry's page                                                     */

static void web_on_entry(struct req_ctx *ctx, PGresult *res)
{
    int status;
    struct json_object *e = web_body(res, &status);

    if (e && status == 200) {
        struct html_buf b;
        html_init(&b);
        webpage_entry(&b, e);
        web_send_page(ctx, 200, &b);
    } else if (status == 404 || status == 403 || status == 410)
        web_error_page(ctx, 404, "Niet gevonden", "Dit aanbod bestaat niet (meer), of is nog niet goedgekeurd.");
    else
        web_error_page(ctx, 503, "Even niet beschikbaar",
                       "De sociale kaart kan dit nu niet laten zien. Probeer het zo opnieuw.");
    json_object_put(e);
}

void h_web_entry(struct req_ctx *ctx)
{
    if ((ctx->params[0] = http_uuid_param(ctx, 0)) == NULL) {
        web_error_page(ctx, 404, "Niet gevonden", "Dit aanbod bestaat niet.");
        return;
    }
    ctx->params[1] = "nl";
    if (ctx->who.role == ROLE_ANONYMOUS)
        demand_note_entry(&ctx->demand, DEMAND_VIEW, ctx->params[0]);
    http_query(ctx, STMT_WEB_ENTRY, http_actor_params(ctx, 2), web_on_entry);
}

/* ------------------------------------------------------------------ */
/* A resident responds: POST /aanbod/{id}/reageren (issue 15)          */

/*
 * The form's state after a refused POST rides in this parameter slot (JSON
 * text in the arena: values, errors by field, a problem) to the second query,
 * which reads the entry again to show its page with the form.
 */
#define WEB_RESPOND_STATE_SLOT (HTTP_MAX_PARAMS - 1)

/* Plain Dutch for a field the checks refused (the API's English names the rule). */
static const char *web_respond_says(const char *field)
{
    if (strcmp(field, "name") == 0)
        return "Vul uw naam in. Dat mag hoogstens 100 tekens zijn.";
    if (strcmp(field, "contact") == 0)
        return "Vul uw e-mailadres of telefoonnummer in (3 tot 200 tekens).";
    if (strcmp(field, "message") == 0)
        return "Uw bericht is te lang. Het mag hoogstens 1000 tekens zijn.";
    if (strcmp(field, "places") == 0)
        return "Kies een aantal van 1 tot 10.";
    return NULL;
}

static void web_on_respond_entry(struct req_ctx *ctx, PGresult *res)
{
    int status;
    struct json_object *e = web_body(res, &status);
    struct json_object *state = json_tokener_parse(ctx->params[WEB_RESPOND_STATE_SLOT]);

    if (e && status == 200 && state) {
        struct html_buf b;
        html_init(&b);
        json_object_object_add(e, "respond_form", state);
        state = NULL;
        webpage_entry(&b, e);
        web_send_page(ctx, 422, &b);
    } else if (status == 404 || status == 403 || status == 410)
        web_error_page(ctx, 404, "Niet gevonden", "Dit aanbod bestaat niet (meer), of is nog niet goedgekeurd.");
    else
        web_error_page(ctx, 503, "Even niet beschikbaar",
                       "De sociale kaart kan dit nu niet laten zien. Probeer het zo opnieuw.");
    json_object_put(state);
    json_object_put(e);
}

/* The page again with the form's values and errors (from a 422/409/429 problem or the shape checks). */
static void web_respond_again(struct req_ctx *ctx, struct json_object *values, struct json_object *errs,
                              const char *problem)
{
    struct json_object *state = json_object_new_object(), *byfield = json_object_new_object();

    for (size_t i = 0; errs && i < json_object_array_length(errs); i++) {
        struct json_object *f = NULL, *item = json_object_array_get_idx(errs, i);
        const char *says;
        json_object_object_get_ex(item, "field", &f);
        if (f && (says = web_respond_says(json_object_get_string(f))) != NULL &&
            !json_object_object_get_ex(byfield, json_object_get_string(f), NULL))
            json_object_object_add(byfield, json_object_get_string(f), json_object_new_string(says));
    }
    json_object_object_add(state, "values", json_object_get(values));
    json_object_object_add(state, "errors", byfield);
    if (problem)
        json_object_object_add(state, "problem", json_object_new_string(problem));
    else if (json_object_object_length(byfield) == 0)
        json_object_object_add(state, "problem", json_object_new_string("Kijk uw gegevens na en probeer het opnieuw."));
    if ((ctx->params[WEB_RESPOND_STATE_SLOT] = http_keep_json(ctx, state)) == NULL)
        return;
    ctx->params[1] = "nl";
    http_query(ctx, STMT_WEB_ENTRY, http_actor_params(ctx, 2), web_on_respond_entry);
}

static void web_on_respond(struct req_ctx *ctx, PGresult *res)
{
    int status;
    struct json_object *answer = web_body(res, &status), *values, *errs = NULL, *detail = NULL;
    struct html_buf b;

    if (answer && status == 201) {
        html_init(&b);
        webpage_respond_thanks(&b, ctx->params[0], answer);
        web_send_page(ctx, 201, &b);
    } else if (answer && (status == 409 || status == 422 || status == 429)) {
        values = json_tokener_parse(ctx->params[1]);
        json_object_object_get_ex(answer, "errors", &errs);
        json_object_object_get_ex(answer, "detail", &detail);
        /* 409 and 429 details are Dutch (responses.sql); a 422's are the English rules, said per field */
        web_respond_again(ctx, values, errs, status == 422 ? NULL : json_object_get_string(detail));
        json_object_put(values);
    } else if (status == 404)
        web_error_page(ctx, 404, "Niet gevonden", "Dit aanbod bestaat niet (meer), of is nog niet goedgekeurd.");
    else
        web_error_page(ctx, 503, "Even niet beschikbaar", "Uw reactie is niet verstuurd. Probeer het zo opnieuw.");
    json_object_put(answer);
}

void h_web_respond(struct req_ctx *ctx)
{
    static const char *const fields[] = { "name", "contact", "message", "places" };
    struct json_object *body, *errs;
    struct verr_list verrs;

    if ((ctx->params[0] = http_uuid_param(ctx, 0)) == NULL) {
        web_error_page(ctx, 404, "Niet gevonden", "Dit aanbod bestaat niet.");
        return;
    }
    if (http_form_body(ctx) < 0)
        return;
    body = json_object_new_object();
    for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
        const char *v = http_form_arg(ctx, fields[i]);
        if (v == NULL || (v[0] == '\0' && i >= 2)) /* an empty message or number: not given */
            continue;
        if (i == 3 && strspn(v, "0123456789") == strlen(v) && strlen(v) <= 4)
            json_object_object_add(body, fields[i], json_object_new_int(atoi(v)));
        else
            json_object_object_add(body, fields[i], json_object_new_string(v));
    }
    verr_init(&verrs);
    validate_body(VALIDATE_BODY_RESPONSE, body, &verrs);
    if (!verr_empty(&verrs)) {
        errs = verr_to_json(&verrs);
        web_respond_again(ctx, body, errs, NULL);
        json_object_put(errs);
        json_object_put(body);
        return;
    }
    if ((ctx->params[1] = http_keep_json(ctx, body)) == NULL)
        return;
    ctx->params[2] = "[]";
    ctx->params[3] = ctx->client_key; /* SQL keeps only a salted hash, for the per-client limit */
    ctx->params[4] = cfg_mail_link(ctx->w->cfg);
    http_query(ctx, STMT_WEB_RESPOND, http_actor_params(ctx, 5), web_on_respond);
}

/* ------------------------------------------------------------------ */
/* "Ik mis iets in mijn wijk": GET and POST /ik-mis-iets (issue 16)    */

#define WEB_WISH_CHOSEN_SLOT (HTTP_MAX_PARAMS - 1) /* the place to preselect, from ?waar= */

static void web_on_wish_page(struct req_ctx *ctx, PGresult *res)
{
    int status;
    struct json_object *page = web_body(res, &status);

    if (page && status == 200) {
        struct html_buf b;
        html_init(&b);
        webpage_wish(&b, page, ctx->params[WEB_WISH_CHOSEN_SLOT]);
        web_send_page(ctx, ctx->params[0] ? 422 : 200, &b);
    } else
        web_error_page(ctx, 503, "Even niet beschikbaar",
                       "Dit formulier kan nu niet worden getoond. Probeer het zo opnieuw.");
    json_object_put(page);
}

void h_web_wish_form(struct req_ctx *ctx)
{
    const char *where = http_query_arg(ctx, "waar");
    ctx->params[0] = NULL; /* no refused form */
    ctx->params[WEB_WISH_CHOSEN_SLOT] = where && contract_is_area_code(where, strlen(where)) ? where : NULL;
    http_query(ctx, STMT_WEB_WISH_PAGE, http_actor_params(ctx, 1), web_on_wish_page);
}

/* Plain Dutch for a field the checks refused. */
static const char *web_wish_says(const char *field)
{
    if (strcmp(field, "municipality") == 0 || strcmp(field, "area") == 0)
        return "Kies uw wijk of dorp.";
    if (strcmp(field, "theme") == 0)
        return "Kies een onderwerp uit de lijst, of laat het leeg.";
    if (strcmp(field, "text") == 0)
        return "Schrijf wat u mist, in 3 tot 1000 tekens.";
    return NULL;
}

/* The form again with its values, errors by field (from field errors) and a problem. */
static void web_wish_again(struct req_ctx *ctx, struct json_object *errs, const char *problem)
{
    static const char *const fields[] = { "waar", "thema", "tekst" };
    struct json_object *state = json_object_new_object(), *values = json_object_new_object(),
                       *byfield = json_object_new_object();

    for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
        const char *v = http_form_arg(ctx, fields[i]);
        if (v)
            json_object_object_add(values, fields[i], json_object_new_string(v));
    }
    for (size_t i = 0; errs && i < json_object_array_length(errs); i++) {
        struct json_object *f = NULL;
        const char *says, *name;
        json_object_object_get_ex(json_object_array_get_idx(errs, i), "field", &f);
        if (f == NULL || (says = web_wish_says(json_object_get_string(f))) == NULL)
            continue;
        name = strcmp(json_object_get_string(f), "text") == 0    ? "tekst"
               : strcmp(json_object_get_string(f), "theme") == 0 ? "thema"
                                                                 : "waar";
        if (!json_object_object_get_ex(byfield, name, NULL))
            json_object_object_add(byfield, name, json_object_new_string(says));
    }
    json_object_object_add(state, "values", values);
    json_object_object_add(state, "errors", byfield);
    if (problem)
        json_object_object_add(state, "problem", json_object_new_string(problem));
    ctx->params[WEB_WISH_CHOSEN_SLOT] = NULL;
    if ((ctx->params[0] = http_keep_json(ctx, state)) == NULL)
        return;
    http_query(ctx, STMT_WEB_WISH_PAGE, http_actor_params(ctx, 1), web_on_wish_page);
}

static void web_on_wish(struct req_ctx *ctx, PGresult *res)
{
    int status;
    struct json_object *answer = web_body(res, &status), *errs = NULL;

    if (answer && status == 201) {
        struct html_buf b;
        html_init(&b);
        webpage_wish_thanks(&b, answer);
        web_send_page(ctx, 201, &b);
    } else if (answer && status == 422) {
        json_object_object_get_ex(answer, "errors", &errs);
        web_wish_again(ctx, errs, NULL);
    } else if (answer && status == 429)
        web_wish_again(ctx, NULL,
                       "Er zijn vandaag al veel berichten over deze gemeente gestuurd. Probeer het morgen "
                       "opnieuw.");
    else
        web_error_page(ctx, 503, "Even niet beschikbaar", "Uw bericht is niet verstuurd. Probeer het zo opnieuw.");
    json_object_put(answer);
}

void h_web_wish(struct req_ctx *ctx)
{
    struct json_object *body, *errs;
    struct verr_list verrs;
    const char *where, *theme, *text;

    ctx->log_no_peer = true;
    if (http_form_body(ctx) < 0)
        return;
    if (ratelimit_check(ctx->w->wish_ratelimit, ctx->client_hash, clock_now_us()) != 0) {
        web_wish_again(ctx, NULL, "U heeft al een paar berichten gestuurd. Probeer het over een uur opnieuw.");
        return;
    }
    where = http_form_arg(ctx, "waar");
    theme = http_form_arg(ctx, "thema");
    text = http_form_arg(ctx, "tekst");
    body = json_object_new_object();
    verr_init(&verrs);
    if (where == NULL || !contract_is_area_code(where, strlen(where)))
        verr_add(&verrs, "area", "must be chosen");
    else {
        json_object_object_add(body, "municipality", json_object_new_string_len(where, 6));
        if (strlen(where) > 6)
            json_object_object_add(body, "area", json_object_new_string(where));
    }
    if (theme && theme[0])
        json_object_object_add(body, "theme", json_object_new_string(theme));
    json_object_object_add(body, "text", json_object_new_string(text ? text : ""));
    validate_body(VALIDATE_BODY_WISH, body, &verrs);
    if (!verr_empty(&verrs)) {
        errs = verr_to_json(&verrs);
        web_wish_again(ctx, errs, NULL);
        json_object_put(errs);
        json_object_put(body);
        return;
    }
    ctx->params[0] = http_keep_json(ctx, body);
    if (ctx->params[0] == NULL)
        return;
    ctx->params[1] = "[]";
    http_query(ctx, STMT_WISH_CREATE, http_actor_params(ctx, 2), web_on_wish);
}

/* ------------------------------------------------------------------ */
/* "Meld uw initiatief aan": GET and POST /initiatief (issue 16)        */

static void web_on_initiative_page(struct req_ctx *ctx, PGresult *res)
{
    int status;
    struct json_object *page = web_body(res, &status);

    if (page && status == 200) {
        struct html_buf b;
        html_init(&b);
        webpage_initiative(&b, page);
        web_send_page(ctx, ctx->params[0] ? 422 : 200, &b);
    } else
        web_error_page(ctx, 503, "Even niet beschikbaar",
                       "Dit formulier kan nu niet worden getoond. Probeer het zo opnieuw.");
    json_object_put(page);
}

void h_web_initiative_form(struct req_ctx *ctx)
{
    ctx->params[0] = NULL; /* no refused form */
    http_query(ctx, STMT_WEB_WISH_PAGE, http_actor_params(ctx, 1), web_on_initiative_page);
}

/* The form's fields and the API's members they fill. */
static const struct {
    const char *form, *member, *says;
} web_initiative_fields[] = {
    { "naam", "name", "Vul de naam van uw initiatief in (hoogstens 200 tekens)." },
    { "wat", "description", "Vertel wat u doet, in 10 tot 2000 tekens." },
    { "waar", "municipality", "Kies de wijk of het dorp." },
    { "contact_naam", "contact_name", "Vul uw naam in." },
    { "email", "email", "Vul een e-mailadres (zoals naam@voorbeeld.nl) of een telefoonnummer in." },
    { "telefoon", "phone", "Vul een telefoonnummer in, zoals 0183 123456." },
    { "website", "website", "Vul een webadres in dat begint met https://, of laat het leeg." },
};
#define WEB_INITIATIVE_NFIELDS (sizeof(web_initiative_fields) / sizeof(web_initiative_fields[0]))

static void web_initiative_again(struct req_ctx *ctx, struct json_object *errs, const char *problem)
{
    struct json_object *state = json_object_new_object(), *values = json_object_new_object(),
                       *byfield = json_object_new_object();

    for (size_t i = 0; i < WEB_INITIATIVE_NFIELDS; i++) {
        const char *v = http_form_arg(ctx, web_initiative_fields[i].form);
        if (v)
            json_object_object_add(values, web_initiative_fields[i].form, json_object_new_string(v));
    }
    for (size_t i = 0; errs && i < json_object_array_length(errs); i++) {
        struct json_object *f = NULL;
        const char *field;
        json_object_object_get_ex(json_object_array_get_idx(errs, i), "field", &f);
        field = f ? json_object_get_string(f) : "";
        if (strcmp(field, "area") == 0)
            field = "municipality";
        for (size_t k = 0; k < WEB_INITIATIVE_NFIELDS; k++)
            if (strcmp(field, web_initiative_fields[k].member) == 0 &&
                !json_object_object_get_ex(byfield, web_initiative_fields[k].form, NULL))
                json_object_object_add(byfield, web_initiative_fields[k].form,
                                       json_object_new_string(web_initiative_fields[k].says));
    }
    json_object_object_add(state, "values", values);
    json_object_object_add(state, "errors", byfield);
    if (problem)
        json_object_object_add(state, "problem", json_object_new_string(problem));
    if ((ctx->params[0] = http_keep_json(ctx, state)) == NULL)
        return;
    http_query(ctx, STMT_WEB_WISH_PAGE, http_actor_params(ctx, 1), web_on_initiative_page);
}

static void web_on_initiative(struct req_ctx *ctx, PGresult *res)
{
    int status;
    struct json_object *answer = web_body(res, &status), *errs = NULL;

    if (answer && status == 201) {
        struct html_buf b;
        html_init(&b);
        webpage_initiative_thanks(&b, answer);
        web_send_page(ctx, 201, &b);
    } else if (answer && status == 422) {
        json_object_object_get_ex(answer, "errors", &errs);
        web_initiative_again(ctx, errs, NULL);
    } else if (answer && status == 429)
        web_initiative_again(ctx, NULL,
                             "Er zijn vandaag al veel meldingen voor deze gemeente. Probeer het morgen "
                             "opnieuw.");
    else
        web_error_page(ctx, 503, "Even niet beschikbaar", "Uw melding is niet verstuurd. Probeer het zo opnieuw.");
    json_object_put(answer);
}

void h_web_initiative(struct req_ctx *ctx)
{
    struct json_object *body, *errs;
    struct verr_list verrs;
    const char *where;

    ctx->log_no_peer = true;
    if (http_form_body(ctx) < 0)
        return;
    if (ratelimit_check(ctx->w->wish_ratelimit, ctx->client_hash, clock_now_us()) != 0) {
        web_initiative_again(ctx, NULL, "U heeft al een paar berichten gestuurd. Probeer het over een uur opnieuw.");
        return;
    }
    body = json_object_new_object();
    verr_init(&verrs);
    where = http_form_arg(ctx, "waar");
    if (where == NULL || !contract_is_area_code(where, strlen(where)))
        verr_add(&verrs, "municipality", "must be chosen");
    else {
        json_object_object_add(body, "municipality", json_object_new_string_len(where, 6));
        if (strlen(where) > 6)
            json_object_object_add(body, "area", json_object_new_string(where));
    }
    for (size_t i = 0; i < WEB_INITIATIVE_NFIELDS; i++) {
        const char *v = http_form_arg(ctx, web_initiative_fields[i].form);
        bool optional = i >= 4; /* e-mail, phone, website: empty is not given */
        if (i == 2 || (optional && (v == NULL || v[0] == '\0')))
            continue;
        json_object_object_add(body, web_initiative_fields[i].member, json_object_new_string(v ? v : ""));
    }
    validate_body(VALIDATE_BODY_INITIATIVE, body, &verrs);
    if (!verr_empty(&verrs)) {
        errs = verr_to_json(&verrs);
        web_initiative_again(ctx, errs, NULL);
        json_object_put(errs);
        json_object_put(body);
        return;
    }
    if ((ctx->params[0] = http_keep_json(ctx, body)) == NULL)
        return;
    ctx->params[1] = "[]";
    http_query(ctx, STMT_INITIATIVE_CREATE, http_actor_params(ctx, 2), web_on_initiative);
}

/* ------------------------------------------------------------------ */
/* The referral list: GET /lijst?ids=a,b,c (issue 16)                  */

#define WEB_REFERRAL_IDS_SLOT (HTTP_MAX_PARAMS - 1) /* the checked ids, "a,b,c", for the page */

static void web_on_referral(struct req_ctx *ctx, PGresult *res)
{
    int status, n;
    struct json_object *body = web_body(res, &status);
    char ids[WEBPAGE_REFERRAL_MAX][37];

    n = webpage_referral_ids(ctx->params[WEB_REFERRAL_IDS_SLOT], ids);
    if (body && status == 200 && n > 0) {
        struct html_buf b;
        html_init(&b);
        webpage_referral(&b, body, ids, n, ctx->w->cfg->base_url);
        web_send_page(ctx, 200, &b);
    } else
        web_error_page(ctx, 503, "Even niet beschikbaar",
                       "De lijst kan nu niet worden getoond. Probeer het zo opnieuw.");
    json_object_put(body);
}

void h_web_referral(struct req_ctx *ctx)
{
    char ids[WEBPAGE_REFERRAL_MAX][37];
    const char *csv = http_query_arg(ctx, "ids");
    struct json_object *arr;
    int n = csv ? webpage_referral_ids(csv, ids) : -1;

    if (n <= 0) {
        web_error_page(ctx, 400, "Deze lijst klopt niet",
                       "De link naar de lijst is niet goed. Een lijst heeft 1 tot 12 keer aanbod. Maak een nieuwe "
                       "lijst via de zoekpagina.");
        return;
    }
    arr = json_object_new_array();
    for (int i = 0; i < n; i++)
        json_object_array_add(arr, json_object_new_string(ids[i]));
    ctx->params[WEB_REFERRAL_IDS_SLOT] = csv;
    if ((ctx->params[0] = http_keep_json(ctx, arr)) == NULL)
        return;
    http_query(ctx, STMT_WEB_REFERRAL, http_actor_params(ctx, 1), web_on_referral);
}
