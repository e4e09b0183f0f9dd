/*
 * h_partner.c — the partners' pages (HTML under /partner, issue 15).
 *
 * GET/POST /partner/inloggen            paste a key: a browser session (cookie sk_sessie)
 * POST     /partner/uitloggen           end the session
 * GET/POST /partner/uitnodiging/{token} accept an invitation: a key, shown once
 * GET      /partner                     the organisation's entries, reports, responses
 * GET/POST /partner/nieuw/{soort}       a new entry of a kind
 * GET/POST /partner/aanbod/{id}         change an entry
 * POST     /partner/aanbod/{id}/actueel "still current" (the API's confirm)
 * GET/POST /partner/sleutels ...        the organisation's keys
 *
 * The pages call the same statements as the JSON API (an entry's create,
 * update and confirm; the keys' and responses' functions), so every rule —
 * a partner only ever sees and changes its own organisation's entries —
 * lives in SQL once. The forms are turned into entry JSON here
 * (partner_page.c), checked by validate_entry like an API body, and the
 * API's field errors are shown next to the fields. Every POST of a signed-in
 * partner carries the CSRF token of its session; an anonymous visitor of a
 * page that needs one is sent to /partner/inloggen.
 */
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth.h"
#include "html.h"
#include "http.h"
#include "partner_page.h"
#include "routes.h"
#include "rows.h"
#include "validate.h"

#define PARTNER_CSP                                                                                                    \
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "              \
    "font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

#define PARTNER_FIELDS_MAX 400 /* fields of one posted form (the biggest form has about 120) */

/*
 * A refused save keeps the API's problem here until the form is shown again
 * (never sent as a query parameter: the statements take fewer).
 */
#define PARTNER_PROBLEM_PARAM (HTTP_MAX_PARAMS - 1)

/* ------------------------------------------------------------------ */
/* Replies                                                             */

static void partner_headers(struct req_ctx *ctx)
{
    http_header(ctx, "Content-Security-Policy", PARTNER_CSP);
    http_header(ctx, "Referrer-Policy", "same-origin");
    http_header(ctx, "X-Frame-Options", "DENY");
    http_header(ctx, "Cache-Control", "no-store"); /* the organisation's own data, and keys shown once */
}

/* Hand a finished page to the client (b is emptied). */
static void partner_send(struct req_ctx *ctx, int status, struct html_buf *b)
{
    size_t len;
    char *page = html_take(b, &len);

    if (page == NULL) {
        http_problem(ctx, 503, "Out of memory.", NULL);
        return;
    }
    partner_headers(ctx);
    http_reply(ctx, status, "text/html; charset=utf-8", page, len);
    free(page);
}

static void partner_error(struct req_ctx *ctx, int status, const char *title, const char *text)
{
    struct html_buf b;
    html_init(&b);
    pp_page_error(&b, title, text);
    partner_send(ctx, status, &b);
}

/* 303 See Other to location (a path of ours). */
static void partner_redirect(struct req_ctx *ctx, const char *location)
{
    static const char body[] = "<!doctype html><html lang=\"nl\"><title>Verder</title><p>Ga verder.</p></html>";
    partner_headers(ctx);
    http_header(ctx, "Location", location);
    http_reply(ctx, 303, "text/html; charset=utf-8", body, sizeof(body) - 1);
}

/* The api_* row's status and parsed body (the caller owns it; NULL when none or not JSON). */
static struct json_object *partner_body(PGresult *res, int *status)
{
    struct rows_api row;
    if (rows_api_decode(res, &row) < 0) {
        *status = 500;
        return NULL;
    }
    *status = row.status;
    return row.body ? json_tokener_parse(row.body) : NULL;
}

/* The answer to an unexpected status of the database (503 page; 401/403 the login page's words). */
static void partner_failed(struct req_ctx *ctx, int status)
{
    if (status == 401 || status == 403)
        partner_error(ctx, 403, "Geen toegang",
                      "Deze pagina's zijn voor partners. Log in met de sleutel van uw organisatie.");
    else if (status == 404 || status == 410)
        partner_error(ctx, 404, "Niet gevonden", "Dit aanbod bestaat niet, of het is niet van uw organisatie.");
    else
        partner_error(ctx, 503, "Even niet beschikbaar",
                      "De sociale kaart kan dit nu niet laten zien. Probeer het zo opnieuw.");
}

/*
 * A signed-in partner: true. An anonymous visitor is sent to the login page
 * (false; the reply is sent).
 */
static bool partner_signed_in(struct req_ctx *ctx)
{
    if (ctx->who.role != ROLE_ANONYMOUS)
        return true;
    partner_redirect(ctx, "/partner/inloggen");
    return false;
}

/* A POST of a signed-in partner: its form read and its CSRF token checked. False when a reply was sent. */
static bool partner_post_ok(struct req_ctx *ctx)
{
    if (!partner_signed_in(ctx) || http_form_body(ctx) < 0)
        return false;
    if (!http_csrf_ok(ctx)) {
        partner_error(ctx, 403, "Niet gelukt",
                      "Dit formulier is verlopen of komt niet van deze website. Ga terug, laad de pagina opnieuw "
                      "en probeer het nog eens.");
        return false;
    }
    return true;
}

/* The posted form as pp_fields (malloc'd array of borrowed strings: the caller frees it). */
static struct pp_field *partner_fields(struct req_ctx *ctx, struct pp_form *form)
{
    struct evkeyval *kv;
    size_t n = 0;
    struct pp_field *f;

    TAILQ_FOREACH(kv, &ctx->form, next)
    n++;
    if (n > PARTNER_FIELDS_MAX)
        n = PARTNER_FIELDS_MAX;
    f = calloc(n ? n : 1, sizeof(*f));
    form->fields = f;
    form->n = 0;
    if (f == NULL)
        return NULL;
    TAILQ_FOREACH(kv, &ctx->form, next)
    {
        if (form->n == n)
            break;
        f[form->n].name = kv->key;
        f[form->n].value = kv->value ? kv->value : "";
        form->n++;
    }
    return f;
}

/* ------------------------------------------------------------------ */
/* GET /partner                                                        */

static const char *partner_notice(struct req_ctx *ctx)
{
    static const struct {
        const char *code, *text;
    } notices[] = {
        { "opgeslagen", "Opgeslagen; de gemeente controleert het. Daarna zien inwoners het." },
        { "bevestigd", "Dank u. Het aanbod staat weer als actueel op de kaart." },
        { "ingetrokken", "De sleutel is ingetrokken. Hij werkt niet meer." },
    };
    const char *m = http_query_arg(ctx, "melding");
    for (size_t i = 0; m && i < sizeof(notices) / sizeof(notices[0]); i++)
        if (strcmp(m, notices[i].code) == 0)
            return notices[i].text;
    return NULL;
}

static void partner_home_render(struct req_ctx *ctx, struct json_object *home, struct json_object *responses)
{
    char csrf[65];
    struct html_buf b;

    http_csrf_token(ctx, csrf);
    html_init(&b);
    pp_page_home(&b, home, responses, csrf, partner_notice(ctx));
    partner_send(ctx, 200, &b);
}

/* The responses (api_response_list) after the overview, whose text the request kept. */
static void partner_on_responses(struct req_ctx *ctx, PGresult *res)
{
    int status;
    struct json_object *responses = partner_body(res, &status);
    struct json_object *home = json_tokener_parse(ctx->params[PARTNER_PROBLEM_PARAM]);

    if (status != 200) { /* the overview still shows; the section says the responses are not available */
        json_object_put(responses);
        responses = NULL;
    }
    if (home == NULL)
        partner_failed(ctx, 500);
    else
        partner_home_render(ctx, home, responses);
    json_object_put(home);
    json_object_put(responses);
}

static void partner_on_home(struct req_ctx *ctx, PGresult *res)
{
    struct rows_api row;

    if (rows_api_decode(res, &row) < 0 || row.status != 200 || row.body == NULL) {
        partner_failed(ctx, row.status);
        return;
    }
    if ((ctx->params[PARTNER_PROBLEM_PARAM] = http_keep(ctx, strdup(row.body))) == NULL) {
        http_problem(ctx, 503, "Out of memory.", NULL);
        return;
    }
    ctx->params[0] = ctx->who.org_id;
    ctx->params[1] = NULL; /* every entry */
    ctx->params[2] = "100";
    ctx->params[3] = NULL;
    http_query(ctx, STMT_RESPONSE_LIST, http_actor_params(ctx, 4), partner_on_responses);
}

void h_partner_home(struct req_ctx *ctx)
{
    if (!partner_signed_in(ctx))
        return;
    http_query(ctx, STMT_PARTNER_HOME, http_actor_params(ctx, 0), partner_on_home);
}

/* ------------------------------------------------------------------ */
/* The entry forms                                                     */

/*
 * The form page from api_partner_form's answer. entry: the values to show
 * (NULL: the stored entry of the answer, or an empty form); errors: the
 * API's errors array or NULL.
 */
static void partner_form_render(struct req_ctx *ctx, int status, struct json_object *choices, struct json_object *entry,
                                struct json_object *errors, const char *problem)
{
    struct json_object *stored = NULL, *pending;
    const char *id = NULL, *kind_name = NULL;
    char csrf[65], version[24] = "";
    enum sk_kind kind;
    struct html_buf b;

    if (choices && json_object_object_get_ex(choices, "entry", &stored) &&
        json_object_is_type(stored, json_type_object)) {
        struct json_object *v;
        if (json_object_object_get_ex(stored, "id", &v))
            id = json_object_get_string(v);
        if (json_object_object_get_ex(stored, "version", &v))
            snprintf(version, sizeof(version), "%d", json_object_get_int(v));
        if (entry == NULL) {
            /* a change waiting for review is what the partner last said: show that */
            entry = stored;
            if (json_object_object_get_ex(stored, "pending_revision", &pending) &&
                json_object_object_get_ex(pending, "entry", &v) && json_object_is_type(v, json_type_object))
                entry = v;
        }
    } else
        stored = NULL;
    if (choices) {
        struct json_object *k;
        if (json_object_object_get_ex(choices, "kind", &k))
            kind_name = json_object_get_string(k);
    }
    if (kind_name == NULL || !sk_kind_from_name(kind_name, &kind)) {
        partner_failed(ctx, 500);
        return;
    }
    http_csrf_token(ctx, csrf);
    html_init(&b);
    pp_page_form(&b, kind, choices, entry, errors, id, stored ? version : NULL, csrf, problem);
    partner_send(ctx, status, &b);
}

static void partner_on_form(struct req_ctx *ctx, PGresult *res)
{
    int status;
    struct json_object *choices = partner_body(res, &status);

    if (choices == NULL || status != 200)
        partner_failed(ctx, status);
    else
        partner_form_render(ctx, 200, choices, NULL, NULL, NULL);
    json_object_put(choices);
}

void h_partner_new_form(struct req_ctx *ctx)
{
    enum sk_kind kind;
    if (!partner_signed_in(ctx))
        return;
    if (!pp_kind_from_slug(http_param(ctx, 0), &kind)) {
        partner_error(ctx, 404, "Niet gevonden", "Dit soort aanbod bestaat niet.");
        return;
    }
    ctx->params[0] = sk_kind_name(kind);
    ctx->params[1] = NULL;
    http_query(ctx, STMT_PARTNER_FORM, http_actor_params(ctx, 2), partner_on_form);
}

void h_partner_edit_form(struct req_ctx *ctx)
{
    if (!partner_signed_in(ctx))
        return;
    if ((ctx->params[1] = http_uuid_param(ctx, 0)) == NULL) {
        partner_failed(ctx, 404);
        return;
    }
    ctx->params[0] = NULL;
    http_query(ctx, STMT_PARTNER_FORM, http_actor_params(ctx, 2), partner_on_form);
}

/*
 * After a refused save: the form again, filled in from what was posted,
 * with the API's errors. The problem's text was kept in the context.
 */
static void partner_on_form_again(struct req_ctx *ctx, PGresult *res)
{
    int status;
    struct json_object *choices = partner_body(res, &status), *problem = NULL, *errors = NULL, *entry = NULL, *k;
    struct pp_form form;
    struct pp_field *fields = NULL;
    enum sk_kind kind;
    const char *text = NULL;
    int code = 422;

    if (choices == NULL || status != 200 || !json_object_object_get_ex(choices, "kind", &k) ||
        !sk_kind_from_name(json_object_get_string(k), &kind)) {
        partner_failed(ctx, status);
        json_object_put(choices);
        return;
    }
    problem = ctx->params[PARTNER_PROBLEM_PARAM] ? json_tokener_parse(ctx->params[PARTNER_PROBLEM_PARAM]) : NULL;
    if (problem) {
        struct json_object *s;
        json_object_object_get_ex(problem, "errors", &errors);
        if (json_object_object_get_ex(problem, "status", &s))
            code = json_object_get_int(s);
    }
    if (code == 412 || code == 409)
        text = "Iemand anders heeft dit aanbod intussen gewijzigd. Open het opnieuw via uw overzicht en doe uw "
               "wijziging nog een keer.";
    else if (errors == NULL)
        text = "Het opslaan is niet gelukt. Kijk alles na en probeer het opnieuw.";
    fields = partner_fields(ctx, &form);
    if (fields)
        entry = pp_form_to_entry(kind, &form, false);
    partner_form_render(ctx, code >= 400 && code < 500 ? code : 422, choices, entry, errors, text);
    json_object_put(entry);
    free(fields);
    json_object_put(problem);
    json_object_put(choices);
}

/* "Controleer de tekst": the form again with what was posted and the readability advice; nothing is saved. */
static void partner_on_check(struct req_ctx *ctx, PGresult *res)
{
    int status;
    struct json_object *choices = partner_body(res, &status), *entry = NULL, *k;
    struct pp_form form;
    struct pp_field *fields;
    enum sk_kind kind;

    if (choices == NULL || status != 200 || !json_object_object_get_ex(choices, "kind", &k) ||
        !sk_kind_from_name(json_object_get_string(k), &kind)) {
        partner_failed(ctx, status);
        json_object_put(choices);
        return;
    }
    fields = partner_fields(ctx, &form);
    if (fields)
        entry = pp_form_to_entry(kind, &form, false);
    partner_form_render(ctx, 200, choices, entry, NULL, NULL);
    json_object_put(entry);
    free(fields);
    json_object_put(choices);
}

/* Did the partner ask only to check the text (the button "Controleer de tekst")? */
static bool partner_wants_check(struct req_ctx *ctx)
{
    const char *a = http_form_arg(ctx, "actie");
    return a && strcmp(a, "controleer") == 0;
}

/*
 * Replace the string old, kept by the request (http_keep) and no longer
 * needed, by a copy of text: a request keeps only two. NULL when old is not
 * kept or out of memory.
 */
static const char *partner_swap_kept(struct req_ctx *ctx, const char *old, const char *text)
{
    for (size_t i = 0; old && i < sizeof(ctx->owned) / sizeof(ctx->owned[0]); i++) {
        if (ctx->owned[i] == old) {
            char *copy = strdup(text);
            if (copy == NULL)
                return NULL;
            free(ctx->owned[i]);
            ctx->owned[i] = copy;
            return copy;
        }
    }
    return NULL;
}

/* The outcome of STMT_ENTRY_CREATE / STMT_ENTRY_UPDATE. */
static void partner_on_save(struct req_ctx *ctx, PGresult *res)
{
    struct rows_api row;
    const char *id = ctx->params[1];
    bool update = ctx->q.stmt == STMT_ENTRY_UPDATE;

    if (rows_api_decode(res, &row) < 0) {
        partner_failed(ctx, 500);
        return;
    }
    if (row.status >= 200 && row.status < 300) {
        partner_redirect(ctx, "/partner?melding=opgeslagen");
        return;
    }
    if (row.status == 404 || row.status == 401 || row.status == 403 || row.status >= 500) {
        partner_failed(ctx, row.status);
        return;
    }
    /* keep the problem for the form, in the place of the body the database no longer needs */
    ctx->params[PARTNER_PROBLEM_PARAM] =
        row.body ? partner_swap_kept(ctx, ctx->params[update ? 2 : 1], row.body) : NULL;
    ctx->params[0] = update ? NULL : ctx->params[0];
    ctx->params[1] = update ? id : NULL;
    http_query(ctx, STMT_PARTNER_FORM, http_actor_params(ctx, 2), partner_on_form_again);
}

/*
 * The posted form as an API body, validated like one: body and errors into
 * ctx->params (kept by the request). False when a reply was sent.
 */
static bool partner_entry_body(struct req_ctx *ctx, enum sk_kind kind, bool patch, const char **body,
                               const char **errors)
{
    struct pp_form form;
    struct pp_field *fields = partner_fields(ctx, &form);
    struct json_object *entry;
    struct verr_list errs;

    if (fields == NULL || (entry = pp_form_to_entry(kind, &form, patch)) == NULL) {
        free(fields);
        http_problem(ctx, 503, "Out of memory.", NULL);
        return false;
    }
    free(fields);
    verr_init(&errs);
    validate_entry(kind, patch ? VALIDATE_PATCH : VALIDATE_CREATE, entry, &errs);
    if ((*body = http_keep_json(ctx, entry)) == NULL)
        return false;
    if ((*errors = http_keep_json(ctx, verr_to_json(&errs))) == NULL)
        return false;
    return true;
}

void h_partner_new(struct req_ctx *ctx)
{
    enum sk_kind kind;
    const char *body, *errors;

    if (!partner_post_ok(ctx))
        return;
    if (!pp_kind_from_slug(http_param(ctx, 0), &kind)) {
        partner_error(ctx, 404, "Niet gevonden", "Dit soort aanbod bestaat niet.");
        return;
    }
    if (partner_wants_check(ctx)) {
        ctx->params[0] = sk_kind_name(kind);
        ctx->params[1] = NULL;
        http_query(ctx, STMT_PARTNER_FORM, http_actor_params(ctx, 2), partner_on_check);
        return;
    }
    if (!partner_entry_body(ctx, kind, false, &body, &errors))
        return;
    ctx->params[PARTNER_PROBLEM_PARAM] = NULL;
    ctx->params[0] = sk_kind_name(kind);
    ctx->params[1] = body;
    ctx->params[2] = errors;
    ctx->params[3] = NULL; /* no Idempotency-Key: the form is sent once, the 303 ends it */
    http_query(ctx, STMT_ENTRY_CREATE, http_actor_params(ctx, 4), partner_on_save);
}

/* A whole number 1..2000000000 as the If-Match version; "-1" (never matches) for anything else; NULL when absent. */
static const char *partner_version(struct req_ctx *ctx)
{
    const char *v = http_form_arg(ctx, "version");
    char *end;
    long n;
    if (v == NULL || *v == '\0')
        return NULL;
    n = strtol(v, &end, 10);
    if (end == v || *end != '\0' || n < 1 || n > 2000000000)
        return "-1";
    return http_printf(ctx, "%ld", n);
}

void h_partner_edit(struct req_ctx *ctx)
{
    enum sk_kind kind;
    const char *id, *body, *errors;

    if (!partner_post_ok(ctx))
        return;
    if ((id = http_uuid_param(ctx, 0)) == NULL || !sk_kind_from_name(http_form_arg(ctx, "kind"), &kind)) {
        partner_failed(ctx, 404);
        return;
    }
    if (partner_wants_check(ctx)) {
        ctx->params[0] = NULL;
        ctx->params[1] = id;
        http_query(ctx, STMT_PARTNER_FORM, http_actor_params(ctx, 2), partner_on_check);
        return;
    }
    if (!partner_entry_body(ctx, kind, true, &body, &errors))
        return;
    ctx->params[PARTNER_PROBLEM_PARAM] = NULL;
    ctx->params[0] = sk_kind_name(kind);
    ctx->params[1] = id;
    ctx->params[2] = body;
    ctx->params[3] = "true";
    ctx->params[4] = partner_version(ctx);
    ctx->params[5] = errors;
    http_query(ctx, STMT_ENTRY_UPDATE, http_actor_params(ctx, 6), partner_on_save);
}

static void partner_on_confirm(struct req_ctx *ctx, PGresult *res)
{
    struct rows_api row;
    if (rows_api_decode(res, &row) < 0)
        partner_failed(ctx, 500);
    else if (row.status >= 200 && row.status < 300)
        partner_redirect(ctx, "/partner?melding=bevestigd");
    else if (row.status == 409)
        partner_error(ctx, 409, "Nog niet mogelijk",
                      "Dit aanbod wacht nog op controle door de gemeente. U kunt het daarna bevestigen.");
    else
        partner_failed(ctx, row.status);
}

void h_partner_confirm(struct req_ctx *ctx)
{
    enum sk_kind kind;
    const char *id;

    if (!partner_post_ok(ctx))
        return;
    if ((id = http_uuid_param(ctx, 0)) == NULL || !sk_kind_from_name(http_form_arg(ctx, "kind"), &kind)) {
        partner_failed(ctx, 404);
        return;
    }
    ctx->params[0] = sk_kind_name(kind);
    ctx->params[1] = id;
    http_query(ctx, STMT_ENTRY_CONFIRM, http_actor_params(ctx, 2), partner_on_confirm);
}
/* ------------------------------------------------------------------ */
/* Sessions: log in, log out                                           */

#define PARTNER_SESSION_SECONDS "43200"               /* api_session_open: a session lasts 12 hours */
#define PARTNER_KEY_PARAM       (HTTP_MAX_PARAMS - 2) /* a new key, kept until its page is shown */
#define PARTNER_SESSION_PARAM   (HTTP_MAX_PARAMS - 3) /* a session's key while a partner's key is shown */
#define PARTNER_LABEL_MAX       100                   /* characters of a key's name */

/* A hash as bytea input text ("\x" and hex), in the arena. */
static const char *partner_bytea(struct req_ctx *ctx, const unsigned char hash[AUTH_HASH_LEN])
{
    char hex[2 * AUTH_HASH_LEN + 1];
    auth_hex(hash, AUTH_HASH_LEN, hex);
    return http_printf(ctx, "\\x%s", hex);
}

/*
 * A new key from the CSPRNG: the key text into params[PARTNER_KEY_PARAM]
 * (for the page that shows it once), its id and hash as *id and *hash
 * (arena strings). False after a 503 page.
 */
static bool partner_new_key(struct req_ctx *ctx, const char **id, const char **hash)
{
    char key[AUTH_KEY_LEN + 1], key_id[AUTH_UUID_LEN + 1];
    unsigned char h[AUTH_HASH_LEN];

    if (auth_key_generate(key, key_id, h) < 0 ||
        (ctx->params[PARTNER_KEY_PARAM] = http_strdup(ctx, key, strlen(key))) == NULL ||
        (*id = http_strdup(ctx, key_id, strlen(key_id))) == NULL || (*hash = partner_bytea(ctx, h)) == NULL) {
        partner_error(ctx, 503, "Even niet beschikbaar",
                      "Er kon nu geen sleutel worden gemaakt. Probeer het zo opnieuw.");
        return false;
    }
    return true;
}

/* Did the request come over https (directly, or through the proxy in front)? */
static bool partner_https(struct req_ctx *ctx)
{
    const char *proto = evhttp_find_header(evhttp_request_get_input_headers(ctx->req), "X-Forwarded-Proto");
    return proto && strcmp(proto, "https") == 0;
}

/* The session cookie for a new session's key (http_header copies the value). */
static void partner_set_session(struct req_ctx *ctx, const char *session_key)
{
    char cookie[256];
    snprintf(cookie, sizeof(cookie), "%s=%s; Path=/partner; Max-Age=%s; HttpOnly; SameSite=Strict%s",
             HTTP_SESSION_COOKIE, session_key, PARTNER_SESSION_SECONDS, partner_https(ctx) ? "; Secure" : "");
    http_header(ctx, "Set-Cookie", cookie);
}

static void partner_login_page(struct req_ctx *ctx, int status, const char *problem)
{
    struct html_buf b;
    html_init(&b);
    pp_page_login(&b, problem);
    partner_send(ctx, status, &b);
}

void h_partner_login_page(struct req_ctx *ctx)
{
    if (ctx->who.role == ROLE_PARTNER)
        partner_redirect(ctx, "/partner");
    else
        partner_login_page(ctx, 200, NULL);
}

static void partner_on_login(struct req_ctx *ctx, PGresult *res)
{
    struct rows_api row;
    if (rows_api_decode(res, &row) < 0 || row.status >= 500)
        partner_failed(ctx, 500);
    else if (row.status != 201)
        partner_login_page(ctx, 401,
                           "Met deze sleutel kunt u niet inloggen. Misschien is hij ingetrokken. Vraag de gemeente "
                           "om een nieuwe uitnodiging als u geen werkende sleutel meer heeft.");
    else {
        partner_set_session(ctx, ctx->params[PARTNER_KEY_PARAM]);
        partner_redirect(ctx, "/partner");
    }
}

/*
 * POST /partner/inloggen key=<the organisation's key>. No CSRF token: the
 * visitor has no session yet; the key itself is the secret a forged form
 * cannot know. The session is a new key of its own (auth_key_generate): the
 * pasted key never goes into a cookie.
 */
void h_partner_login(struct req_ctx *ctx)
{
    char key_id[AUTH_UUID_LEN + 1];
    unsigned char hash[AUTH_HASH_LEN];
    const char *key, *sid, *shash;

    if (http_form_body(ctx) < 0)
        return;
    key = http_form_arg(ctx, "key");
    while (key && (*key == ' ' || *key == '\t' || *key == '\n' || *key == '\r'))
        key++;
    if (key) {
        char trimmed[AUTH_KEY_LEN + 1];
        size_t n = strcspn(key, " \t\r\n");
        if (n == AUTH_KEY_LEN) {
            memcpy(trimmed, key, n);
            trimmed[n] = '\0';
            key = auth_key_parse(trimmed, key_id, hash) == 0 ? key : NULL;
        } else
            key = NULL;
    }
    if (key == NULL) {
        partner_login_page(ctx, 400,
                           "Dit is geen sleutel van de sociale kaart. Een sleutel begint met sk_ en is "
                           "79 tekens lang. Kopieer hem in zijn geheel.");
        return;
    }
    if (!partner_new_key(ctx, &sid, &shash))
        return;
    ctx->params[0] = http_strdup(ctx, key_id, strlen(key_id));
    ctx->params[1] = partner_bytea(ctx, hash);
    ctx->params[2] = sid;
    ctx->params[3] = shash;
    if (ctx->params[0] == NULL || ctx->params[1] == NULL) {
        partner_failed(ctx, 500);
        return;
    }
    http_query(ctx, STMT_SESSION_OPEN, 4, partner_on_login);
}

static void partner_on_logout(struct req_ctx *ctx, PGresult *res)
{
    (void)res; /* whatever the database says, this browser's session ends */
    http_header(ctx, "Set-Cookie", HTTP_SESSION_COOKIE "=; Path=/partner; Max-Age=0; HttpOnly; SameSite=Strict");
    partner_redirect(ctx, "/partner/inloggen");
}

void h_partner_logout(struct req_ctx *ctx)
{
    if (!partner_post_ok(ctx))
        return;
    http_query(ctx, STMT_SESSION_CLOSE, http_actor_params(ctx, 0), partner_on_logout);
}

/* ------------------------------------------------------------------ */
/* Invitations                                                         */

/* The {token} of the path when it can be one (printable ASCII, at most 200); else NULL after a 404 page. */
static const char *partner_token(struct req_ctx *ctx)
{
    const char *t = http_param(ctx, 0);
    size_t n = t ? strlen(t) : 0;
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)t[i] <= 0x20 || (unsigned char)t[i] >= 0x7f)
            n = 0;
    if (n == 0 || n > 200) {
        partner_error(ctx, 404, "Niet gevonden", "Deze uitnodiging bestaat niet. Kijk of u de hele link heeft.");
        return NULL;
    }
    return t;
}

static void partner_invitation_gone(struct req_ctx *ctx, int status)
{
    if (status == 404)
        partner_error(ctx, 404, "Niet gevonden", "Deze uitnodiging bestaat niet. Kijk of u de hele link heeft.");
    else if (status == 410)
        partner_error(ctx, 410, "Uitnodiging niet meer geldig",
                      "Deze uitnodiging is al gebruikt, ingetrokken of verlopen. Vraag de gemeente om een nieuwe.");
    else
        partner_failed(ctx, status);
}

static void partner_on_peek(struct req_ctx *ctx, PGresult *res)
{
    int status;
    struct json_object *peek = partner_body(res, &status);
    const char *problem = ctx->params[PARTNER_PROBLEM_PARAM];

    if (peek == NULL || status != 200)
        partner_invitation_gone(ctx, status);
    else {
        struct html_buf b;
        html_init(&b);
        pp_page_invitation(&b, ctx->params[0], peek, problem);
        partner_send(ctx, problem ? 400 : 200, &b);
    }
    json_object_put(peek);
}

void h_partner_invitation(struct req_ctx *ctx)
{
    if ((ctx->params[0] = partner_token(ctx)) == NULL)
        return;
    ctx->params[PARTNER_PROBLEM_PARAM] = NULL;
    http_query(ctx, STMT_INVITATION_PEEK, 1, partner_on_peek);
}

static void partner_on_first_session(struct req_ctx *ctx, PGresult *res)
{
    struct rows_api row;
    struct html_buf b;

    /* without a session the key is still shown: the partner logs in with it */
    if (rows_api_decode(res, &row) == 0 && row.status == 201)
        partner_set_session(ctx, ctx->params[PARTNER_SESSION_PARAM]);
    html_init(&b);
    pp_page_new_key(&b, ctx->params[PARTNER_KEY_PARAM], ctx->params[PARTNER_PROBLEM_PARAM], NULL);
    partner_send(ctx, 201, &b);
}

static void partner_on_accept(struct req_ctx *ctx, PGresult *res)
{
    int status;
    struct json_object *acc = partner_body(res, &status), *name;
    const char *sid, *shash, *key = ctx->params[PARTNER_KEY_PARAM];

    if (acc == NULL || status != 201) {
        partner_invitation_gone(ctx, status);
        json_object_put(acc);
        return;
    }
    ctx->params[PARTNER_PROBLEM_PARAM] =
        json_object_object_get_ex(acc, "organisation_name", &name)
            ? http_strdup(ctx, json_object_get_string(name), strlen(json_object_get_string(name)))
            : NULL;
    json_object_put(acc);
    /* the partner goes on at once: a session for the new key (its id and hash are still params 2 and 3) */
    ctx->params[0] = ctx->params[2];
    ctx->params[1] = ctx->params[3];
    if (!partner_new_key(ctx, &sid, &shash))
        return;
    ctx->params[PARTNER_SESSION_PARAM] = ctx->params[PARTNER_KEY_PARAM]; /* the session's key, for the cookie */
    ctx->params[PARTNER_KEY_PARAM] = key;                                /* the partner's key, for the page */
    ctx->params[2] = sid;
    ctx->params[3] = shash;
    http_query(ctx, STMT_SESSION_OPEN, 4, partner_on_first_session);
}

/*
 * POST /partner/uitnodiging/{token} label=…&akkoord=ja. No CSRF token (no
 * session yet): the token in the path is the secret.
 */
void h_partner_invitation_accept(struct req_ctx *ctx)
{
    const char *label, *kid, *khash;

    if ((ctx->params[0] = partner_token(ctx)) == NULL || http_form_body(ctx) < 0)
        return;
    label = http_form_arg(ctx, "label");
    if (http_form_arg(ctx, "akkoord") == NULL || (label && strlen(label) > 4 * PARTNER_LABEL_MAX)) {
        ctx->params[PARTNER_PROBLEM_PARAM] = http_form_arg(ctx, "akkoord") == NULL
                                                 ? "Vink aan dat u akkoord gaat met de voorwaarden."
                                                 : "De naam van de sleutel is te lang. Gebruik hoogstens 100 tekens.";
        http_query(ctx, STMT_INVITATION_PEEK, 1, partner_on_peek);
        return;
    }
    if (!partner_new_key(ctx, &kid, &khash))
        return;
    ctx->params[1] = label && *label ? label : NULL;
    ctx->params[2] = kid;
    ctx->params[3] = khash;
    http_query(ctx, STMT_INVITATION_ACCEPT, 4, partner_on_accept);
}

/* ------------------------------------------------------------------ */
/* Keys                                                                */

static void partner_on_keys(struct req_ctx *ctx, PGresult *res)
{
    int status;
    struct json_object *keys = partner_body(res, &status);
    char csrf[65];

    if (keys == NULL || status != 200)
        partner_failed(ctx, status);
    else {
        struct html_buf b;
        http_csrf_token(ctx, csrf);
        html_init(&b);
        pp_page_keys(&b, ctx->who.org_id, keys, csrf, partner_notice(ctx));
        partner_send(ctx, 200, &b);
    }
    json_object_put(keys);
}

void h_partner_keys(struct req_ctx *ctx)
{
    if (!partner_signed_in(ctx))
        return;
    ctx->params[0] = ctx->who.org_id;
    http_query(ctx, STMT_KEY_LIST, http_actor_params(ctx, 1), partner_on_keys);
}

/* A key made or rotated: shown once. */
static void partner_on_new_key(struct req_ctx *ctx, PGresult *res)
{
    struct rows_api row;
    char csrf[65];
    struct html_buf b;

    if (rows_api_decode(res, &row) < 0 || row.status != 201) {
        partner_failed(ctx, row.status == 404 ? 404 : row.status);
        return;
    }
    http_csrf_token(ctx, csrf);
    html_init(&b);
    pp_page_new_key(&b, ctx->params[PARTNER_KEY_PARAM], NULL, csrf);
    partner_send(ctx, 201, &b);
}

void h_partner_key_create(struct req_ctx *ctx)
{
    const char *label, *kid, *khash;
    struct json_object *body;

    if (!partner_post_ok(ctx))
        return;
    label = http_form_arg(ctx, "label");
    body = json_object_new_object();
    if (label && *label)
        json_object_object_add(body, "label", json_object_new_string(label));
    if ((ctx->params[1] = http_keep_json(ctx, body)) == NULL || !partner_new_key(ctx, &kid, &khash))
        return;
    ctx->params[0] = ctx->who.org_id;
    ctx->params[2] = kid;
    ctx->params[3] = khash;
    http_query(ctx, STMT_KEY_CREATE, http_actor_params(ctx, 4), partner_on_new_key);
}

void h_partner_key_rotate(struct req_ctx *ctx)
{
    const char *kid, *khash;

    if (!partner_post_ok(ctx))
        return;
    if ((ctx->params[1] = http_uuid_param(ctx, 0)) == NULL) {
        partner_failed(ctx, 404);
        return;
    }
    if (!partner_new_key(ctx, &kid, &khash))
        return;
    ctx->params[0] = ctx->who.org_id;
    ctx->params[2] = kid;
    ctx->params[3] = khash;
    http_query(ctx, STMT_KEY_ROTATE, http_actor_params(ctx, 4), partner_on_new_key);
}

static void partner_on_revoke(struct req_ctx *ctx, PGresult *res)
{
    struct rows_api row;
    if (rows_api_decode(res, &row) < 0 || row.status >= 300)
        partner_failed(ctx, row.status);
    else
        partner_redirect(ctx, "/partner/sleutels?melding=ingetrokken");
}

void h_partner_key_revoke(struct req_ctx *ctx)
{
    if (!partner_post_ok(ctx))
        return;
    if ((ctx->params[1] = http_uuid_param(ctx, 0)) == NULL) {
        partner_failed(ctx, 404);
        return;
    }
    ctx->params[0] = ctx->who.org_id;
    http_query(ctx, STMT_KEY_REVOKE, http_actor_params(ctx, 2), partner_on_revoke);
}
