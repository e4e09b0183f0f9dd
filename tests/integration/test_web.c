/*
 * test_web.c — issue 8: the residents' pages served by the daemon itself
 * (server/h_web.c), over real HTTP against the real database: the search
 * page and an entry's page rendered without JavaScript, HTML escaping of
 * what partners write, Dutch HTML errors instead of JSON, and the headers
 * of pages and static files (CSP, nosniff, ETag/304). The browser behaviour
 * (script, map, console) is tested by tests/browser.
 *
 * Tests write only things of their own, so they can run again on the same database.
 */
#include <criterion/criterion.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "it.h"

#include "it_hooks.h"

TestSuite(web, .fini = it_release);

struct web_world {
    char mod_org[37], mod[80];
    char org[37], partner[80];   /* trusted: publishes at once */
    char slow_org[37], slow[80]; /* not trusted: waits for a moderator */
};

/* A trusted partner's organisation, made by the moderator. */
static void make_org(const char *mod, const char *name, int trusted, char *id)
{
    char body[512];
    struct json_object *j;
    snprintf(body, sizeof(body), "{\"name\":\"%s\",\"email\":\"info@example.org\",\"trusted\":%s}", name,
             trusted ? "true" : "false");
    j = it_call(201, "POST", "/api/v1/organisations", mod, body);
    snprintf(id, 37, "%s", it_js(j, "id"));
}

static void world(struct web_world *w)
{
    char name[128];
    long tag = (long)time(NULL);
    it_make_org("Gemeente Gorinchem (webtest)", w->mod_org);
    it_make_key(w->mod_org, "moderator", "GM0512", w->mod);
    snprintf(name, sizeof(name), "Buurtwerk Web %ld", tag);
    make_org(w->mod, name, 1, w->org);
    it_make_key(w->org, "partner", NULL, w->partner);
    snprintf(name, sizeof(name), "Nieuwe stichting Web %ld", tag);
    make_org(w->mod, name, 0, w->slow_org);
    it_make_key(w->slow_org, "partner", NULL, w->slow);
}

/* Create a place as the given partner; returns its id in id (37). */
static void make_place(const char *key, const char *title_json, char *id, const char *want_status)
{
    char body[2048];
    struct json_object *j;
    snprintf(body, sizeof(body),
             "{\"title\":%s,\"summary\":\"Ontmoetingsplek <b>voor</b> de wijk & omgeving.\","
             "\"description\":\"Koffie en een praatje.\\n\\nIedereen is welkom.\","
             "\"municipality\":\"GM0512\",\"areas\":[\"GM0512-lingewijk\"],\"themes\":[\"ontmoeten\"],"
             "\"audiences\":[\"iedereen\"],\"cost\":{\"free\":true},"
             "\"accessibility\":{\"wheelchair\":\"yes\",\"hearing_loop\":\"yes\"},"
             "\"contact\":{\"phone\":\"0183 123 456\"},"
             "\"address\":{\"street\":\"Lingewijkerweg\",\"house_number\":\"12\",\"postcode\":\"4205 AB\","
             "\"city\":\"Gorinchem\"},\"location\":{\"lat\":51.8395,\"lon\":4.9655},"
             "\"opening_hours\":[{\"day\":\"mo\",\"opens\":\"09:00\",\"closes\":\"17:00\"}]}",
             title_json);
    j = it_call(201, "POST", "/api/v1/places", key, body);
    snprintf(id, 37, "%s", it_js(j, "id"));
    cr_assert_str_eq(it_js(j, "status"), want_status);
}

static void get_page(const char *path, long want, struct it_response *r)
{
    char ct[128];
    cr_assert_eq(it_get(path, NULL, r), 0, "GET %s: no response", path);
    cr_assert_eq(r->status, want, "GET %s -> %ld (expected %ld)\n%s", path, r->status, want, r->body);
    cr_assert_not_null(it_header(r, "Content-Type", ct, sizeof(ct)), "GET %s: no Content-Type", path);
    cr_assert(strncmp(ct, "text/html; charset=utf-8", 24) == 0, "GET %s: Content-Type %s", path, ct);
}

Test(web, search_page_renders_without_script_with_security_headers)
{
    struct it_response r;
    char v[512];

    get_page("/?q=koffie&access=wheelchair&wanneer=week", 200, &r);
    cr_assert_not_null(strstr(r.body, "<html lang=\"nl\">"));
    cr_assert_not_null(strstr(r.body, "<form class=\"search\" role=\"search\" method=\"get\" action=\"/\""));
    cr_assert_not_null(strstr(r.body, "value=\"koffie\""), "the search box keeps the query");
    cr_assert_not_null(strstr(r.body, "value=\"wheelchair\" checked"), "the filter stays on");
    cr_assert_not_null(strstr(r.body, "value=\"week\" checked"));
    cr_assert_not_null(strstr(r.body, "id=\"resultaten\""));
    cr_assert_not_null(it_header(&r, "Content-Security-Policy", v, sizeof(v)));
    cr_assert_not_null(strstr(v, "default-src 'self'"));
    cr_assert_not_null(strstr(v, "script-src 'self';"));
    cr_assert_null(strstr(v, "unsafe-inline"));
    cr_assert_not_null(it_header(&r, "X-Content-Type-Options", v, sizeof(v)));
    cr_assert_str_eq(v, "nosniff");
    cr_assert_not_null(it_header(&r, "Referrer-Policy", v, sizeof(v)));
    cr_assert_null(strstr(r.body, "style=\""), "no inline style (CSP)");
    cr_assert_null(strstr(r.body, "<script>"), "no inline script (CSP)");
    it_response_free(&r);
}

/* Make a place as key (it must come out as want_status) and GET its page, expecting want. */
static void place_page(const char *key, const char *title_json, const char *want_status, long want,
                       struct it_response *r)
{
    char id[37], path[256];
    make_place(key, title_json, id, want_status);
    snprintf(path, sizeof(path), "/aanbod/%s", id);
    get_page(path, want, r);
}

Test(web, partner_text_is_escaped_on_every_page)
{
    struct web_world w;
    struct it_response r;
    char path[256];

    world(&w);
    place_page(w.partner, "\"Buurthuis <script>alert(1)</script> & \\\"De Hoek\\\"\"", "published", 200, &r);
    cr_assert_null(strstr(r.body, "<script>alert"), "raw markup leaked:\n%s", r.body);
    cr_assert_not_null(
        strstr(r.body, "<h1>Buurthuis &lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;De Hoek&quot;</h1>"));
    cr_assert_not_null(strstr(r.body, "Ontmoetingsplek &lt;b&gt;voor&lt;/b&gt; de wijk &amp; omgeving."));
    cr_assert_not_null(strstr(r.body, "<p>Koffie en een praatje.</p>\n<p>Iedereen is welkom.</p>"), "paragraphs");
    cr_assert_not_null(strstr(r.body, "Lingewijkerweg 12, 4205 AB Gorinchem"));
    cr_assert_not_null(strstr(r.body, "data-lat=\"51.839500\" data-lon=\"4.965500\""), "the map's place");
    cr_assert_not_null(strstr(r.body, "Ringleiding"), "accessibility as text");
    cr_assert_not_null(strstr(r.body, "/api/v1/places/"), "report form posts to the reports API");
    it_response_free(&r);

    snprintf(path, sizeof(path), "/?organisation=%s", w.org);
    get_page(path, 200, &r);
    cr_assert_null(strstr(r.body, "<script>alert"), "raw markup leaked in the list");
    cr_assert_not_null(strstr(r.body, "&lt;script&gt;alert(1)&lt;/script&gt;"));
    cr_assert_not_null(strstr(r.body, "1 resultaat"), "%s", r.body);
    it_response_free(&r);
}

Test(web, pending_entries_are_not_shown)
{
    struct web_world w;
    struct it_response r;
    char path[256];

    world(&w);
    place_page(w.slow, "\"Huiskamer Wachtrij\"", "pending", 404, &r);
    cr_assert_not_null(strstr(r.body, "Niet gevonden"));
    it_response_free(&r);
    snprintf(path, sizeof(path), "/?organisation=%s", w.slow_org);
    get_page(path, 200, &r);
    cr_assert_not_null(strstr(r.body, "Geen resultaten"));
    it_response_free(&r);
}

Test(web, bad_input_gets_a_dutch_html_page)
{
    struct it_response r;

    get_page("/?limit=1000", 400, &r);
    cr_assert_not_null(strstr(r.body, "Deze zoekopdracht lukt niet"));
    cr_assert_not_null(strstr(r.body, "limit"));
    it_response_free(&r);
    get_page("/?from=gisteren&q=%3Cscript%3E", 400, &r);
    cr_assert_null(strstr(r.body, "<script>"), "the query is escaped in the form");
    cr_assert_not_null(strstr(r.body, "value=\"&lt;script&gt;\""));
    it_response_free(&r);
    get_page("/aanbod/not-a-uuid", 404, &r);
    it_response_free(&r);
    get_page("/aanbod/00000000-0000-4000-8000-000000000000", 404, &r);
    it_response_free(&r);
    get_page("/static/does-not-exist.js", 404, &r);
    it_response_free(&r);
}

Test(web, static_files_have_type_and_etag)
{
    static const char *const files[][2] = { { "/static/site.css", "text/css; charset=utf-8" },
                                            { "/static/app.js", "text/javascript; charset=utf-8" },
                                            { "/static/leaflet.js", "text/javascript; charset=utf-8" },
                                            { "/static/favicon.svg", "image/svg+xml" } };
    struct it_response r;
    char ct[128], etag[64], inm[96], url[256];

    for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
        cr_assert_eq(it_get(files[i][0], NULL, &r), 0);
        cr_assert_eq(r.status, 200, "%s", files[i][0]);
        cr_assert_str_eq(it_header(&r, "Content-Type", ct, sizeof(ct)), files[i][1]);
        cr_assert_not_null(it_header(&r, "ETag", etag, sizeof(etag)), "%s has an ETag", files[i][0]);
        cr_assert_not_null(it_header(&r, "Content-Security-Policy", ct, sizeof(ct)));
        it_response_free(&r);
        snprintf(inm, sizeof(inm), "If-None-Match: %s", etag);
        snprintf(url, sizeof(url), "%s%s", it_url(), files[i][0]);
        const char *hdrs[] = { inm, NULL };
        cr_assert_eq(it_request("GET", url, hdrs, NULL, 0, &r), 0);
        cr_assert_eq(r.status, 304, "%s revalidates with its ETag", files[i][0]);
        it_response_free(&r);
    }
    get_page("/beheer", 200, &r);
    cr_assert_not_null(strstr(r.body, "src=\"/static/beheer.js\""));
    it_response_free(&r);
    cr_assert_eq(it_get("/static/beheer.html", NULL, &r), 0);
    cr_assert_eq(r.status, 404, "the console is served at /beheer only");
    it_response_free(&r);
}
