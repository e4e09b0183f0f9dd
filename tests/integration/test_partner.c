/*
 * test_partner.c — issue 15: the partners' pages (/partner, server/h_partner.c)
 * over real HTTP against the real database, as a browser without JavaScript
 * uses them: the session cookie, the CSRF token of every form, an activity
 * made through the form (a weekly schedule said in words and an exception
 * date) as the API then shows it, a validation error next to its field, a
 * change through the form, "still current", and that another
 * organisation's entry is a 404 on every page and form.
 *
 * Every test makes its own organisations, so tests can run in parallel and
 * again on the same database.
 */
#include <criterion/criterion.h>
#include <json-c/json.h>
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "it.h"

#include "it_hooks.h"

TestSuite(partner, .fini = it_release);

struct partner_world {
    char mod_org[37], mod[80];
    char org[37], key[80];
    char other_org[37], other[80];
};

static void world(struct partner_world *w, const char *what)
{
    char name[160];
    long tag = (long)time(NULL) ^ (long)getpid();
    it_make_org("Gemeente Gorinchem (partnertest)", w->mod_org);
    it_make_key(w->mod_org, "moderator", "GM0512", w->mod);
    snprintf(name, sizeof(name), "Buurthuis %s %ld", what, tag);
    it_make_org(name, w->org);
    it_make_key(w->org, "partner", NULL, w->key);
    snprintf(name, sizeof(name), "Andere stichting %s %ld", what, tag);
    it_make_org(name, w->other_org);
    it_make_key(w->other_org, "partner", NULL, w->other);
}

/* A page request as a browser sends it: the session cookie (key may be NULL) and, with form, a form body. */
static void page(const char *method, const char *path, const char *key, const char *form, struct it_response *r)
{
    char cookie[128];
    const char *hdrs[3] = { NULL, NULL, NULL };
    size_t n = 0;
    if (key) {
        snprintf(cookie, sizeof(cookie), "Cookie: sk_sessie=%s", key);
        hdrs[n++] = cookie;
    }
    if (form)
        hdrs[n++] = "Content-Type: application/x-www-form-urlencoded";
    cr_assert_eq(it_request(method, path, hdrs, form, form ? strlen(form) : 0, r), 0, "%s %s: no response", method,
                 path);
}

static void page_is(const char *method, const char *path, const char *key, const char *form, long want,
                    struct it_response *r)
{
    page(method, path, key, form, r);
    cr_assert_eq(r->status, want, "%s %s -> %ld (expected %ld)\n%.3000s", method, path, r->status, want, r->body);
}

/* The CSRF token the partner's pages carry for this key's session. */
static void csrf_of(const char *key, char out[65])
{
    struct it_response r;
    const char *p;
    page_is("GET", "/partner", key, NULL, 200, &r);
    p = strstr(r.body, "name=\"csrf\" value=\"");
    cr_assert_not_null(p, "the page has no csrf field");
    p += strlen("name=\"csrf\" value=\"");
    cr_assert_eq(strspn(p, "0123456789abcdef"), 64);
    memcpy(out, p, 64);
    out[64] = '\0';
    it_response_free(&r);
}

/* Append name=value (percent-encoded) to a form body. */
static void add(char *body, size_t cap, const char *name, const char *value)
{
    size_t used = strlen(body);
    const char *parts[2] = { name, value };
    if (used && used + 1 < cap)
        body[used++] = '&';
    for (int i = 0; i < 2; i++) {
        for (const unsigned char *s = (const unsigned char *)parts[i]; *s && used + 4 < cap; s++) {
            if ((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') || strchr("-_.~", *s))
                body[used++] = (char)*s;
            else
                used += (size_t)snprintf(body + used, cap - used, "%%%02X", *s);
        }
        if (i == 0 && used + 1 < cap)
            body[used++] = '=';
    }
    body[used] = '\0';
}

/* "2026-12-15" -> "15-12-2026", as a partner types it. */
static void dutch_date(const char *iso, char out[11])
{
    snprintf(out, 11, "%.2s-%.2s-%.4s", iso + 8, iso + 5, iso);
}

/* The form of a weekly activity on Tuesdays from start, not on exdate (typed the Dutch way). */
static void activity_form(char *body, size_t cap, const char *csrf, const char *title, const char *start,
                          const char *exdate, const char *postcode)
{
    char ex[11];
    body[0] = '\0';
    dutch_date(exdate, ex);
    add(body, cap, "csrf", csrf);
    add(body, cap, "title", title);
    add(body, cap, "summary", "Samen koffie drinken en bijpraten.");
    add(body, cap, "municipality", "GM0512");
    add(body, cap, "themes", "ontmoeten");
    add(body, cap, "audiences", "iedereen");
    add(body, cap, "accessibility.wheelchair", "yes");
    add(body, cap, "accessibility.hearing_loop", "");
    add(body, cap, "address.street", "Kerkstraat");
    add(body, cap, "address.house_number", "12");
    add(body, cap, "address.postcode", postcode);
    add(body, cap, "address.city", "Gorinchem");
    add(body, cap, "schedule.date", start);
    add(body, cap, "schedule.from", "10:00");
    add(body, cap, "schedule.to", "11:30");
    add(body, cap, "schedule.repeat", "weekly");
    add(body, cap, "schedule.interval", "1");
    add(body, cap, "schedule.days", "tu");
    add(body, cap, "schedule.exdates", ex);
    add(body, cap, "registration", "required");
    add(body, cap, "capacity", "12");
    add(body, cap, "places_left", "12");
    add(body, cap, "cost.free", "ja");
    add(body, cap, "translations.en.title", "Coffee morning");
}

/* The id of the newest entry on the partner's overview (the first "Wijzigen" link). */
static void newest_entry(const char *key, char id[37])
{
    struct it_response r;
    const char *p;
    page_is("GET", "/partner", key, NULL, 200, &r);
    p = strstr(r.body, "href=\"/partner/aanbod/");
    cr_assert_not_null(p, "no entry on the overview:\n%.2000s", r.body);
    p += strlen("href=\"/partner/aanbod/");
    memcpy(id, p, 36);
    id[36] = '\0';
    it_response_free(&r);
}

/* Make the weekly activity through the form; its id in id. */
static void make_activity(const struct partner_world *w, const char *title, char *start, char *exdate, char id[37])
{
    char csrf[65], body[4096], loc[256];
    struct it_response r;
    int off = it_day_on(start, 10, 2); /* a Tuesday at least ten days ahead */
    it_day(exdate, off + 14);
    csrf_of(w->key, csrf);
    activity_form(body, sizeof(body), csrf, title, start, exdate, "4201 AB");
    page_is("POST", "/partner/nieuw/activiteit", w->key, body, 303, &r);
    cr_assert_str_eq(it_header(&r, "Location", loc, sizeof(loc)), "/partner?melding=opgeslagen");
    it_response_free(&r);
    newest_entry(w->key, id);
}

Test(partner, anonymous_visitors_are_sent_to_log_in)
{
    static const char *const paths[] = { "/partner", "/partner/nieuw/activiteit", "/partner/sleutels",
                                         "/partner/aanbod/00000000-0000-4000-8000-000000000000" };
    for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
        struct it_response r;
        char loc[256];
        page_is("GET", paths[i], NULL, NULL, 303, &r);
        cr_assert_str_eq(it_header(&r, "Location", loc, sizeof(loc)), "/partner/inloggen", "%s", paths[i]);
        it_response_free(&r);
    }
    {
        struct it_response r;
        page_is("POST", "/partner/nieuw/activiteit", NULL, "title=x", 303, &r);
        it_response_free(&r);
    }
}

Test(partner, a_form_without_the_sessions_token_is_refused)
{
    struct partner_world w;
    char body[4096], start[11], exdate[11], csrf[65];
    struct it_response r;

    world(&w, "csrf");
    it_day_on(start, 10, 2);
    it_day(exdate, 30);
    activity_form(body, sizeof(body), "0000000000000000000000000000000000000000000000000000000000000000",
                  "Zonder token", start, exdate, "4201 AB");
    page_is("POST", "/partner/nieuw/activiteit", w.key, body, 403, &r);
    cr_assert_not_null(strstr(r.body, "verlopen"));
    cr_assert_not_null(strstr(r.body, "<html lang=\"nl\">"), "a page, not JSON");
    it_response_free(&r);

    /* another session's token is no good either */
    csrf_of(w.other, csrf);
    activity_form(body, sizeof(body), csrf, "Token van een ander", start, exdate, "4201 AB");
    page_is("POST", "/partner/nieuw/activiteit", w.key, body, 403, &r);
    it_response_free(&r);

    /* nothing was made: the overviews (the organisation's own entries) are empty */
    page_is("GET", "/partner", w.key, NULL, 200, &r);
    cr_assert_not_null(strstr(r.body, "U heeft nog geen aanbod"), "%.3000s", r.body);
    it_response_free(&r);
    page_is("GET", "/partner", w.other, NULL, 200, &r);
    cr_assert_not_null(strstr(r.body, "U heeft nog geen aanbod"));
    it_response_free(&r);
}

Test(partner, a_weekly_activity_with_an_exception_date_made_through_the_form)
{
    struct partner_world w;
    char start[11], exdate[11], id[37], path[128], want[32];
    struct json_object *e;

    world(&w, "weekly");
    make_activity(&w, "Koffie-ochtend", start, exdate, id);
    snprintf(path, sizeof(path), "/api/v1/activities/%s", id);
    e = it_call(200, "GET", path, w.key, NULL);
    cr_assert_str_eq(it_js(e, "title"), "Koffie-ochtend");
    cr_assert_str_eq(it_js(e, "status"), "pending");
    cr_assert_str_eq(it_js(e, "schedule.rrule"), "FREQ=WEEKLY;BYDAY=TU");
    snprintf(want, sizeof(want), "%sT10:00", start);
    cr_assert_str_eq(it_js(e, "schedule.start"), want);
    snprintf(want, sizeof(want), "%sT11:30", start);
    cr_assert_str_eq(it_js(e, "schedule.end"), want);
    cr_assert_eq(it_jlen(e, "schedule.exdates"), 1);
    cr_assert(it_jcontains(e, "schedule.exdates", exdate), "%s", it_jtext(e));
    cr_assert_str_eq(it_js(e, "accessibility.wheelchair"), "yes");
    cr_assert_null(it_jget(e, "accessibility.hearing_loop"), "\"Weet ik niet\" is left out");
    cr_assert_str_eq(it_js(e, "translations.en.title"), "Coffee morning");
    cr_assert_str_eq(it_js(e, "registration"), "required");

    /* the overview says where it stands, in words */
    {
        struct it_response r;
        page_is("GET", "/partner", w.key, NULL, 200, &r);
        cr_assert_not_null(strstr(r.body, "Koffie-ochtend"));
        cr_assert_not_null(strstr(r.body, "Wacht op controle"));
        it_response_free(&r);
    }
    /* the form shows the schedule in words again */
    {
        struct it_response r;
        char ex[11], shown[64];
        snprintf(path, sizeof(path), "/partner/aanbod/%s", id);
        page_is("GET", path, w.key, NULL, 200, &r);
        cr_assert_not_null(strstr(r.body, "value=\"weekly\" checked"));
        cr_assert_not_null(strstr(r.body, "value=\"tu\" checked"));
        dutch_date(exdate, ex);
        cr_assert_not_null(strstr(r.body, ex), "the exception date as it was typed");
        snprintf(shown, sizeof(shown), "value=\"%s\"", start);
        cr_assert_not_null(strstr(r.body, shown));
        it_response_free(&r);
    }
}

Test(partner, a_validation_error_is_shown_next_to_its_field)
{
    struct partner_world w;
    char start[11], exdate[11], body[4096], csrf[65];
    struct it_response r;
    const char *input;

    world(&w, "fout");
    it_day_on(start, 10, 2);
    it_day(exdate, 40);
    csrf_of(w.key, csrf);
    activity_form(body, sizeof(body), csrf, "Met een fout", start, exdate, "12");
    page_is("POST", "/partner/nieuw/activiteit", w.key, body, 422, &r);
    /* the summary links to the field; the field says what is wrong and points at it */
    cr_assert_not_null(strstr(r.body, "class=\"error-summary\""));
    cr_assert_not_null(strstr(r.body, "<a href=\"#f-address-postcode\">Postcode: Vul een postcode in zoals"), "%s",
                       strstr(r.body, "error-summary"));
    cr_assert_not_null(strstr(r.body, "id=\"f-address-postcode-err\""));
    input = strstr(r.body, "<input id=\"f-address-postcode\"");
    cr_assert_not_null(input);
    cr_assert_not_null(strstr(input, "aria-describedby=\"f-address-postcode-hint f-address-postcode-err\""));
    cr_assert(strstr(input, "aria-invalid=\"true\"") < strchr(input, '>'), "the field is marked invalid");
    /* what was typed is still there */
    cr_assert_not_null(strstr(r.body, "value=\"Met een fout\""));
    cr_assert_not_null(strstr(r.body, "value=\"tu\" checked"));
    it_response_free(&r);
}

Test(partner, a_change_through_the_form)
{
    struct partner_world w;
    char start[11], exdate[11], id[37], path[128], body[4096], csrf[65];
    struct it_response r;
    struct json_object *e;

    world(&w, "wijzig");
    make_activity(&w, "Eerste titel", start, exdate, id);
    csrf_of(w.key, csrf);
    body[0] = '\0';
    add(body, sizeof(body), "csrf", csrf);
    add(body, sizeof(body), "kind", "activity");
    add(body, sizeof(body), "version", "1");
    add(body, sizeof(body), "title", "Tweede titel");
    add(body, sizeof(body), "municipality", "GM0512");
    add(body, sizeof(body), "address.street", "Kerkstraat");
    add(body, sizeof(body), "address.house_number", "12");
    add(body, sizeof(body), "address.postcode", "4201 AB");
    add(body, sizeof(body), "address.city", "Gorinchem");
    add(body, sizeof(body), "accessibility.wheelchair", "");
    add(body, sizeof(body), "schedule.date", start);
    add(body, sizeof(body), "schedule.from", "10:00");
    add(body, sizeof(body), "schedule.to", "11:30");
    add(body, sizeof(body), "schedule.repeat", "once");
    snprintf(path, sizeof(path), "/partner/aanbod/%s", id);
    page_is("POST", path, w.key, body, 303, &r);
    it_response_free(&r);

    snprintf(path, sizeof(path), "/api/v1/activities/%s", id);
    e = it_call(200, "GET", path, w.key, NULL);
    cr_assert_str_eq(it_js(e, "title"), "Tweede titel");
    cr_assert_null(it_jget(e, "schedule.rrule"), "once: no rule (%s)", it_jtext(e));
    cr_assert_null(it_jget(e, "accessibility.wheelchair"), "emptied: removed");
    cr_assert_null(it_jget(e, "translations.en"), "emptied: removed");

    /* an old version is refused, with the form again */
    snprintf(path, sizeof(path), "/partner/aanbod/%s", id);
    page_is("POST", path, w.key, body, 412, &r);
    cr_assert_not_null(strstr(r.body, "Iemand anders heeft dit aanbod intussen gewijzigd"));
    it_response_free(&r);
}

Test(partner, another_organisations_entry_is_not_found)
{
    struct partner_world w;
    char start[11], exdate[11], id[37], path[128], body[1024], csrf[65];
    struct it_response r;
    struct json_object *e;

    world(&w, "grens");
    make_activity(&w, "Van de eerste", start, exdate, id);
    csrf_of(w.other, csrf);

    snprintf(path, sizeof(path), "/partner/aanbod/%s", id);
    page_is("GET", path, w.other, NULL, 404, &r);
    cr_assert_null(strstr(r.body, "Van de eerste"));
    it_response_free(&r);

    body[0] = '\0';
    add(body, sizeof(body), "csrf", csrf);
    add(body, sizeof(body), "kind", "activity");
    add(body, sizeof(body), "title", "Overgenomen");
    add(body, sizeof(body), "municipality", "GM0512");
    page_is("POST", path, w.other, body, 404, &r);
    it_response_free(&r);

    snprintf(path, sizeof(path), "/partner/aanbod/%s/actueel", id);
    page_is("POST", path, w.other, body, 404, &r);
    it_response_free(&r);

    page_is("GET", "/partner", w.other, NULL, 200, &r);
    cr_assert_null(strstr(r.body, "Van de eerste"), "not on the other organisation's overview");
    it_response_free(&r);

    snprintf(path, sizeof(path), "/api/v1/activities/%s", id);
    e = it_call(200, "GET", path, w.key, NULL);
    cr_assert_str_eq(it_js(e, "title"), "Van de eerste");
}

Test(partner, still_current_in_one_click)
{
    struct partner_world w;
    char start[11], exdate[11], id[37], path[128], body[512], csrf[65], loc[256];
    struct it_response r;
    PGconn *pg;
    PGresult *res;
    char sql[256];

    world(&w, "actueel");
    make_activity(&w, "Nog steeds", start, exdate, id);
    snprintf(path, sizeof(path), "/api/v1/moderation/%s/approve", id);
    it_call(200, "POST", path, w.mod, NULL);

    /* as if it was last checked a year ago */
    pg = it_db_connect();
    snprintf(sql, sizeof(sql), "UPDATE entries SET reviewed_at = now() - interval '1 year' WHERE id = '%s'", id);
    res = PQexec(pg, sql);
    cr_assert_eq(PQresultStatus(res), PGRES_COMMAND_OK, "%s", PQerrorMessage(pg));
    PQclear(res);

    page_is("GET", "/partner", w.key, NULL, 200, &r);
    cr_assert_not_null(strstr(r.body, "Gepubliceerd"));
    cr_assert_not_null(strstr(r.body, "/actueel\""), "a published entry has the button");
    it_response_free(&r);

    csrf_of(w.key, csrf);
    body[0] = '\0';
    add(body, sizeof(body), "csrf", csrf);
    add(body, sizeof(body), "kind", "activity");
    snprintf(path, sizeof(path), "/partner/aanbod/%s/actueel", id);
    page_is("POST", path, w.key, body, 303, &r);
    cr_assert_str_eq(it_header(&r, "Location", loc, sizeof(loc)), "/partner?melding=bevestigd");
    it_response_free(&r);

    snprintf(sql, sizeof(sql), "SELECT reviewed_at > now() - interval '1 minute' FROM entries WHERE id = '%s'", id);
    res = PQexec(pg, sql);
    cr_assert_eq(PQresultStatus(res), PGRES_TUPLES_OK, "%s", PQerrorMessage(pg));
    cr_assert_str_eq(PQgetvalue(res, 0, 0), "t", "confirmed just now");
    PQclear(res);
    PQfinish(pg);
}

/* The session cookie a login or an invitation set (the value of sk_sessie), into out (80). */
static void session_cookie(const struct it_response *r, char *out)
{
    char set[512];
    const char *v;
    cr_assert_not_null(it_header(r, "Set-Cookie", set, sizeof(set)), "no Set-Cookie");
    cr_assert_eq(strncmp(set, "sk_sessie=sk_", 13), 0, "%s", set);
    cr_assert_not_null(strstr(set, "; Path=/partner"), "%s", set);
    cr_assert_not_null(strstr(set, "; HttpOnly"), "%s", set);
    cr_assert_not_null(strstr(set, "; SameSite=Strict"), "%s", set);
    v = set + strlen("sk_sessie=");
    snprintf(out, 80, "%.*s", (int)strcspn(v, ";"), v);
}

Test(partner, log_in_with_a_key_and_out_again)
{
    struct partner_world w;
    struct it_response r;
    char body[256], session[80], csrf[65], loc[256];

    world(&w, "login");
    page_is("GET", "/partner/inloggen", NULL, NULL, 200, &r);
    cr_assert_not_null(strstr(r.body, "<label for=\"f-key\">"));
    it_response_free(&r);

    page_is("POST", "/partner/inloggen", NULL, "key=sk_geen_sleutel", 400, &r);
    it_response_free(&r);

    body[0] = '\0';
    add(body, sizeof(body), "key", w.key);
    page_is("POST", "/partner/inloggen", NULL, body, 303, &r);
    cr_assert_str_eq(it_header(&r, "Location", loc, sizeof(loc)), "/partner");
    session_cookie(&r, session);
    cr_assert_str_neq(session, w.key, "the cookie holds a session of its own, never the pasted key");
    it_response_free(&r);

    /* the session works on the pages, and its token is its own */
    csrf_of(session, csrf);
    page_is("GET", "/partner/sleutels", session, NULL, 200, &r);
    it_response_free(&r);

    body[0] = '\0';
    add(body, sizeof(body), "csrf", csrf);
    page_is("POST", "/partner/uitloggen", session, body, 303, &r);
    cr_assert_str_eq(it_header(&r, "Location", loc, sizeof(loc)), "/partner/inloggen");
    it_response_free(&r);

    /* an ended session is anonymous again: back to the login page */
    page_is("GET", "/partner", session, NULL, 303, &r);
    cr_assert_str_eq(it_header(&r, "Location", loc, sizeof(loc)), "/partner/inloggen");
    it_response_free(&r);
    /* the key itself still works */
    page_is("GET", "/partner", w.key, NULL, 200, &r);
    it_response_free(&r);
}

/* The value="sk_…" of the page that shows a new key once, into out (80). */
static void shown_key(const struct it_response *r, char *out)
{
    const char *p = strstr(r->body, "readonly spellcheck=\"false\" value=\"sk_");
    cr_assert_not_null(p, "no key on the page:\n%.2000s", r->body);
    p = strstr(p, "sk_");
    snprintf(out, 80, "%.*s", (int)strcspn(p, "\""), p);
    cr_assert_not_null(strstr(r->body, "U ziet hem maar één keer."));
}

/* The key id (UUID) of a key "sk_<32 hex>_…", into out (37). */
static void key_id_of(const char *key, char *out)
{
    snprintf(out, 37, "%.8s-%.4s-%.4s-%.4s-%.12s", key + 3, key + 11, key + 15, key + 19, key + 23);
}

/* A key works on the API. */
static long me_status(const char *key)
{
    struct it_response r;
    long s;
    cr_assert_eq(it_get("/api/v1/me", key, &r), 0);
    s = r.status;
    it_response_free(&r);
    return s;
}

Test(partner, an_invitation_gives_a_key_once_and_a_session)
{
    struct partner_world w;
    struct it_response r;
    char sql[512], path[160], key[80], session[80];
    PGconn *pg = it_db_connect();
    PGresult *res;
    struct json_object *inv;

    world(&w, "uitnodiging");
    /* a moderator's invitation (the console's call), straight to SQL */
    snprintf(sql, sizeof(sql),
             "SELECT body FROM api_invitation_create('{\"organisation_id\":\"%s\"}', '[]', 'admin', '%s', NULL, "
             "'{*}')",
             w.org, w.mod_org);
    res = PQexec(pg, sql);
    cr_assert_eq(PQresultStatus(res), PGRES_TUPLES_OK, "%s", PQerrorMessage(pg));
    inv = it_keep(json_tokener_parse(PQgetvalue(res, 0, 0)));
    PQclear(res);
    PQfinish(pg);
    cr_assert_not_null(it_js(inv, "url"), "%s", it_jtext(inv));
    snprintf(path, sizeof(path), "%s", it_js(inv, "url"));

    page_is("GET", path, NULL, NULL, 200, &r);
    cr_assert_not_null(strstr(r.body, "Buurthuis uitnodiging"), "the organisation's name");
    it_response_free(&r);
    page_is("POST", path, NULL, "label=Anna", 400, &r);
    cr_assert_not_null(strstr(r.body, "akkoord"), "the terms must be accepted");
    it_response_free(&r);

    page_is("POST", path, NULL, "label=Anna&akkoord=ja", 201, &r);
    shown_key(&r, key);
    session_cookie(&r, session);
    cr_assert_str_neq(key, session);
    it_response_free(&r);
    cr_assert_eq(me_status(key), 200, "the shown key works");
    page_is("GET", "/partner", session, NULL, 200, &r); /* and the partner is signed in at once */
    it_response_free(&r);

    page_is("POST", path, NULL, "label=Nog een keer&akkoord=ja", 410, &r);
    cr_assert_not_null(strstr(r.body, "al gebruikt"));
    it_response_free(&r);
    page_is("GET", "/partner/uitnodiging/bestaat-niet", NULL, NULL, 404, &r);
    it_response_free(&r);
}

Test(partner, keys_are_made_rotated_and_revoked_on_the_keys_page)
{
    struct partner_world w;
    struct it_response r;
    char csrf[65], body[256], key[80], rotated[80], id[37], path[160], other_id[37];

    world(&w, "sleutels");
    csrf_of(w.key, csrf);
    body[0] = '\0';
    add(body, sizeof(body), "csrf", csrf);
    add(body, sizeof(body), "label", "Collega Piet");
    page_is("POST", "/partner/sleutels", w.key, body, 201, &r);
    shown_key(&r, key);
    it_response_free(&r);
    cr_assert_eq(me_status(key), 200);
    page_is("GET", "/partner/sleutels", w.key, NULL, 200, &r);
    cr_assert_not_null(strstr(r.body, "Collega Piet"));
    cr_assert_null(strstr(r.body, key + 36), "a key is never shown again");
    it_response_free(&r);

    key_id_of(key, id);
    body[0] = '\0';
    add(body, sizeof(body), "csrf", csrf);
    snprintf(path, sizeof(path), "/partner/sleutels/%s/vervangen", id);
    page_is("POST", path, w.key, body, 201, &r);
    shown_key(&r, rotated);
    it_response_free(&r);
    cr_assert_eq(me_status(key), 401, "the old key stops working");
    cr_assert_eq(me_status(rotated), 200);

    /* another organisation's key cannot be touched */
    key_id_of(w.other, other_id);
    snprintf(path, sizeof(path), "/partner/sleutels/%s/intrekken", other_id);
    page("POST", path, w.key, body, &r);
    cr_assert(r.status == 404 || r.status == 403, "-> %ld", r.status);
    it_response_free(&r);
    cr_assert_eq(me_status(w.other), 200);

    key_id_of(rotated, id);
    snprintf(path, sizeof(path), "/partner/sleutels/%s/intrekken", id);
    page_is("POST", path, w.key, body, 303, &r);
    it_response_free(&r);
    cr_assert_eq(me_status(rotated), 401, "a revoked key stops working");

    /* without the token nothing happens */
    page_is("POST", "/partner/sleutels", w.key, "csrf=00&label=x", 403, &r);
    it_response_free(&r);
}

Test(partner, a_rejection_reason_is_shown_in_words)
{
    struct partner_world w;
    char start[11], exdate[11], id[37], path[160];
    struct it_response r;

    world(&w, "afgewezen");
    make_activity(&w, "Wordt afgewezen", start, exdate, id);
    snprintf(path, sizeof(path), "/api/v1/moderation/%s/reject", id);
    it_call(200, "POST", path, w.mod, "{\"reason\":\"Het adres <klopt> niet.\"}");
    page_is("GET", "/partner", w.key, NULL, 200, &r);
    cr_assert_not_null(strstr(r.body, "Afgewezen: Het adres &lt;klopt&gt; niet."), "%.3000s", r.body);
    it_response_free(&r);
}

/*
 * B1 help (issue 16): the form shows how easy the summary and description
 * are to read, with advice; "Controleer de tekst" shows it for the posted
 * text without saving; the same measure by API, for any key.
 */
Test(partner, the_form_advises_on_readability_and_checking_saves_nothing)
{
    static const char hard[] = "In het kader van de ondersteuning organiseert de gemeente in samenwerking met diverse "
                               "maatschappelijke organisaties informatiebijeenkomsten over de mogelijkheden van "
                               "respijtvoorzieningen voor mantelzorgers die langdurig en intensief zorgen.";
    struct partner_world w;
    char start[11], exdate[11], id[37], path[128], body[4096], csrf[65];
    struct it_response r;
    struct json_object *e, *j;

    world(&w, "leesbaar");
    make_activity(&w, "Koffie-ochtend leesbaar", start, exdate, id);
    snprintf(path, sizeof(path), "/partner/aanbod/%s", id);
    page_is("GET", path, w.key, NULL, 200, &r);
    cr_assert(strstr(r.body, "Is uw tekst makkelijk te lezen?") && strstr(r.body, "Uw tekst is kort (5 woorden)"),
              "%.4000s", r.body);
    cr_assert(strstr(r.body, "name=\"actie\" value=\"controleer\""));
    it_response_free(&r);

    /* check a hard text: the advice, the text kept in the form, nothing saved */
    csrf_of(w.key, csrf);
    activity_form(body, sizeof(body), csrf, "Koffie-ochtend leesbaar", start, exdate, "4201 AB");
    add(body, sizeof(body), "kind", "activity");
    add(body, sizeof(body), "version", "1");
    add(body, sizeof(body), "description", hard);
    add(body, sizeof(body), "actie", "controleer");
    page_is("POST", path, w.key, body, 200, &r);
    cr_assert(strstr(r.body, "te lezen (score ") && strstr(r.body, "Lange woorden: maatschappelijke"), "%.6000s",
              r.body);
    cr_assert(strstr(r.body, "Deze zin is lang (") && strstr(r.body, "Dit is een advies."));
    cr_assert(strstr(r.body, "respijtvoorzieningen voor mantelzorgers"), "the posted text stays in the form");
    it_response_free(&r);
    snprintf(path, sizeof(path), "/api/v1/activities/%s", id);
    e = it_call(200, "GET", path, w.key, NULL);
    cr_assert_eq(json_object_get_int(it_jget(e, "version")), 1, "checking saved nothing");
    cr_assert_null(it_jget(e, "description"));

    /* the API: any key; the text is required and bounded */
    j = it_call(200, "POST", "/api/v1/readability", w.key,
                "{\"text\":\"Elke dinsdag is er koffie in het buurthuis. Je kunt gewoon binnenlopen. Je hoeft je niet "
                "aan te melden. Het is gratis. Neem gerust een buur mee. Wij zien je graag!\"}");
    cr_assert_geq(json_object_get_double(it_jget(j, "score")), 60, "%s", it_jtext(j));
    cr_assert_eq(json_object_get_int(it_jget(j, "words")), 31);
    cr_assert_eq(json_object_get_int(it_jget(j, "sentences")), 6);
    cr_assert(it_js(j, "level_nl")[0] &&
                  strstr("heel makkelijk|vrij makkelijk|makkelijk|normaal", it_js(j, "level_nl")),
              "%s", it_jtext(j));
    cr_assert_eq(it_jlen(j, "advice"), 1, "%s", it_jtext(j));
    snprintf(body, sizeof(body), "{\"text\":\"%s\"}", hard);
    j = it_call(200, "POST", "/api/v1/readability", w.mod, body);
    cr_assert_lt(json_object_get_double(it_jget(j, "score")), 60, "%s", it_jtext(j));
    cr_assert_eq(it_jlen(j, "long_sentences"), 1);
    cr_assert_geq(it_jlen(j, "long_words"), 3);
    it_call(401, "POST", "/api/v1/readability", NULL, "{\"text\":\"Hallo.\"}");
    j = it_call(422, "POST", "/api/v1/readability", w.key, "{\"tekst\":\"Hallo.\"}");
    cr_assert(it_names_field(j, "text") && it_names_field(j, "tekst"), "%s", it_jtext(j));
    j = it_call(422, "POST", "/api/v1/readability", w.key, "{\"text\":42}");
    cr_assert(it_names_field(j, "text"), "%s", it_jtext(j));
}
