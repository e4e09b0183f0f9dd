/*
 * test_search.c — issue 5: the resident search over real HTTP against the
 * real database. Dutch full text (stemming, diacritics, prefix, typos,
 * organisation and place names), filters and their facet counts, activities
 * expanded into occurrences across the change to winter time with an
 * exception date and a holiday set left out, distance order, complete
 * duplicate-free paging (also while entries are added), and 400s that name
 * the parameter. Issue 13 (0010): relevance as an integer (the sum over the
 * words of the strongest field each matches in), exact totals and facets, and
 * what the daemon's search index reads: the stored documents (sk_docs), the
 * loader's rows (sk_index_rows) and the change stream (NOTIFY sk_changes, the
 * catalog version, sk_words.added).
 *
 * Every test makes its own organisation (admin key, so entries are published
 * at once) and puts a unique made-up word (the tag) in its titles, so a
 * search for the tag sees only that test's entries, on any database.
 */
#include <criterion/criterion.h>
#include <json-c/json.h>
#include <libpq-fe.h>
#include <poll.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "it.h"

#include "it_hooks.h"

/* ------------------------------------------------------------------ */
/* Helpers: pooled JSON and asserted requests come from it.h (it_call, it_js ...) */

TestSuite(text, .fini = it_release);
TestSuite(filters, .fini = it_release);
TestSuite(schedule, .fini = it_release);
TestSuite(place, .fini = it_release);
TestSuite(paging, .fini = it_release);
TestSuite(errors, .fini = it_release);
TestSuite(index, .fini = it_release);

static struct json_object *get(long want, const char *path)
{
    return it_call(want, "GET", path, NULL, NULL);
}

/* GET the path (printf-style) with 200: it has n items and, when first is not
 * NULL, that id first. */
__attribute__((format(printf, 3, 4))) static struct json_object *items_are(size_t n, const char *first, const char *fmt,
                                                                           ...)
{
    char path[700];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(path, sizeof(path), fmt, ap);
    va_end(ap);
    struct json_object *r = get(200, path);
    cr_assert_eq(it_jlen(r, "items"), n, "%s: %s", path, it_jtext(r));
    if (first)
        cr_assert_str_eq(it_js(r, "items.0.id"), first, "%s: %s", path, it_jtext(r));
    return r;
}

static int jint(struct json_object *o, const char *path)
{
    struct json_object *v = it_jget(o, path);
    return v ? json_object_get_int(v) : -1;
}

/* A count expected at a dotted path (a facet: "area.GM0512-dalem"). */
struct count {
    const char *path;
    int n;
};

/* Each of the n counts in o. */
static void counts_are(struct json_object *o, const struct count *want, size_t n)
{
    for (size_t i = 0; i < n; i++)
        cr_assert_eq(jint(o, want[i].path), want[i].n, "%s: %s", want[i].path, it_jtext(o));
}

/* Is there an item with this id in the result? */
static bool has_id(struct json_object *res, const char *id)
{
    struct json_object *items = it_jget(res, "items");
    for (size_t i = 0; i < it_jlen(res, "items"); i++)
        if (strcmp(it_js(json_object_array_get_idx(items, i), "id"), id) == 0)
            return true;
    return false;
}

/* A made-up lower-case word unique to this test run: the tag in titles. */
static void make_tag(char *out)
{
    static int n;
    unsigned long x = (unsigned long)time(NULL) * 7919u + (unsigned long)getpid() * 104729u + (unsigned long)++n;
    out[0] = 'z';
    out[1] = 'q';
    for (int i = 2; i < 10; i++) {
        out[i] = (char)('a' + x % 26);
        x /= 26;
    }
    out[10] = '\0';
}

struct world {
    char tag[16];
    char org[40];
    char key[96];
};

/* An organisation (named with org_name, may be NULL) and an admin key for it. */
static void world(struct world *w, const char *org_name)
{
    char name[160];
    make_tag(w->tag);
    snprintf(name, sizeof(name), "%s", org_name ? org_name : "Stichting Zoektest");
    it_make_org(name, w->org);
    it_make_key(w->org, "admin", NULL, w->key);
}

/* POST an entry (the body gets organisation_id); its id into id. */
static void create(struct world *w, const char *coll, const char *fmt_body, char *id)
{
    char path[64], body[4096];
    struct json_object *j;
    snprintf(path, sizeof(path), "/api/v1/%s", coll);
    snprintf(body, sizeof(body), "{\"organisation_id\":\"%s\",%s", w->org, fmt_body + 1);
    j = it_call(201, "POST", path, w->key, body);
    cr_assert_eq(strlen(it_js(j, "id")), 36, "no id: %s", it_jtext(j));
    strcpy(id, it_js(j, "id"));
}

#define LINGEWIJK_ADDR                                                                                                 \
    "\"address\":{\"street\":\"Lingewijkerweg\",\"house_number\":\"12\",\"postcode\":\"4205 AB\","                     \
    "\"city\":\"Gorinchem\"}"

/* A place body: title, areas JSON, extra members (may be ""), lat, lon. */
static void place(struct world *w, const char *title, const char *areas, const char *extra, double lat, double lon,
                  char *id)
{
    char body[3000];
    snprintf(body, sizeof(body),
             "{\"title\":\"%s\",\"summary\":\"Een plek om elkaar te ontmoeten.\",\"municipality\":\"GM0512\","
             "\"areas\":%s,\"themes\":[\"ontmoeten\"],\"audiences\":[\"iedereen\"]," LINGEWIJK_ADDR ","
             "\"location\":{\"lat\":%.6f,\"lon\":%.6f}%s%s}",
             title, areas, lat, lon, *extra ? "," : "", extra);
    create(w, "places", body, id);
}

/* ------------------------------------------------------------------ */
/* Text */

Test(text, dutch_stemming_diacritics_prefix_typos_and_names)
{
    struct world w;
    char walk[40], cafe[40], house[40], lonely[40], desc_only[40], dreumel[40], title[200], body[2000], path[400];
    struct json_object *r;

    world(&w, "Stichting Vriendenkring Lingehaven");
    snprintf(title, sizeof(title), "Wandelgroep %s", w.tag);
    snprintf(
        body, sizeof(body),
        "{\"title\":\"%s\",\"summary\":\"Samen een uur door de wijk.\",\"municipality\":\"GM0512\","
        "\"areas\":[\"GM0512-lingewijk\"],\"themes\":[\"beweging\"],\"audiences\":[\"ouderen\"]," LINGEWIJK_ADDR ","
        "\"schedule\":{\"start\":\"2026-09-01T10:00\",\"end\":\"2026-09-01T11:00\",\"rrule\":\"FREQ=WEEKLY;BYDAY=TU\"},"
        "\"registration\":\"none\",\"address_visibility\":\"public\"}",
        title);
    create(&w, "activities", body, walk);
    snprintf(title, sizeof(title), "Café De Hoek %s", w.tag);
    place(&w, title, "[\"GM0512-lingewijk\"]", "", 51.8395, 4.9655, cafe);
    snprintf(title, sizeof(title), "Buurthuis Het Anker %s", w.tag);
    place(&w, title, "[\"GM0512-lingewijk\"]", "", 51.8396, 4.9656, house);
    snprintf(title, sizeof(title), "Samen tegen eenzaamheid %s", w.tag);
    place(&w, title, "[\"GM0512-lingewijk\"]", "", 51.8397, 4.9657, lonely);
    snprintf(title, sizeof(title), "Inloop %s", w.tag);
    place(&w, title, "[\"GM0512-lingewijk\"]",
          "\"description\":\"Elke week een koffieochtend met wandeling en spelletjes.\"", 51.8398, 4.9658, desc_only);
    snprintf(
        body, sizeof(body),
        "{\"title\":\"Mantelzorgsteunpunt %s\",\"summary\":\"Steun voor mantelzorgers.\",\"municipality\":\"GM0668\","
        "\"areas\":[\"GM0668-dreumel\"],\"themes\":[\"mantelzorg\"],\"audiences\":[\"mantelzorgers\"],"
        "\"support_kind\":\"advice\",\"for_whom\":[\"mantelzorgers\"]}",
        w.tag);
    create(&w, "carer-support", body, dreumel);

    /* stemming: wandelen finds Wandelgroep (title) and wandeling (description); the title ranks first */
    r = items_are(2, walk, "/api/v1/search?q=wandelen%%20%s", w.tag);
    cr_assert_str_eq(it_js(r, "items.1.id"), desc_only);
    cr_assert_str_eq(it_js(r, "sort"), "relevance");

    /* diacritics: cafe finds Café; café finds it too */
    items_are(1, cafe, "/api/v1/search?q=cafe%%20%s", w.tag);
    snprintf(path, sizeof(path), "/api/v1/search?q=%s%%20caf%%C3%%A9", w.tag);
    cr_assert(has_id(get(200, path), cafe));

    /* prefix while typing */
    items_are(1, house, "/api/v1/search?q=%s%%20buurth", w.tag);

    /* a typo in a long word */
    snprintf(path, sizeof(path), "/api/v1/search?q=eenzaamhied%%20%s", w.tag);
    r = get(200, path);
    cr_assert(has_id(r, lonely), "%s", it_jtext(r));

    /* organisation name and place name (Dreumel is the kern of the carer offer) */
    items_are(6, NULL, "/api/v1/search?q=vriendenkring%%20%s", w.tag);
    items_are(1, dreumel, "/api/v1/search?q=dreumel%%20%s", w.tag);

    /* a kind's list takes the same q and keeps to its kind */
    r = items_are(4, NULL, "/api/v1/places?q=%s", w.tag);
    cr_assert_null(it_jget(r, "facets"));
}

/* A place with the given texts (summary and description may be NULL). */
static void text_place(struct world *w, const char *title, const char *summary, const char *description, char *id)
{
    char body[3000], sum[600] = "", desc[600] = "";
    if (summary)
        snprintf(sum, sizeof(sum), "\"summary\":\"%s\",", summary);
    if (description)
        snprintf(desc, sizeof(desc), "\"description\":\"%s\",", description);
    snprintf(body, sizeof(body),
             "{\"title\":\"%s\",%s%s\"municipality\":\"GM0512\",\"areas\":[\"GM0512-lingewijk\"],"
             "\"themes\":[\"ontmoeten\"],\"audiences\":[\"iedereen\"]," LINGEWIJK_ADDR ","
             "\"location\":{\"lat\":51.8395,\"lon\":4.9655}}",
             title, sum, desc);
    create(w, "places", body, id);
}

Test(text, relevance_is_the_sum_of_the_strongest_field_of_each_word)
{
    struct world w;
    char in_title[40], in_summary[40], in_desc[40], with_word[40], word[16], typo[16], title[200], text[200];
    char path[400];
    struct json_object *r;

    world(&w, NULL); /* "Stichting Zoektest": a name (weight D) of every entry */
    make_tag(word);
    snprintf(title, sizeof(title), "Koffieochtend %s", w.tag);
    text_place(&w, title, "Een ochtend met koffie.", NULL, in_title);
    snprintf(title, sizeof(title), "Inloop %s", w.tag);
    text_place(&w, title, "Met koffie en thee.", NULL, in_summary);
    snprintf(title, sizeof(title), "Ochtend %s", w.tag);
    text_place(&w, title, "Samen.", "Er is koffie en thee.", in_desc);
    snprintf(title, sizeof(title), "Ontmoeting %s", w.tag);
    snprintf(text, sizeof(text), "Iedereen welkom bij %s.", word);
    text_place(&w, title, text, NULL, with_word);

    /* title 8, summary 4, description 2; the tag (title, 8) adds to each; best first */
    r = items_are(3, NULL, "/api/v1/search?q=koffie%%20%s", w.tag);
    cr_assert_str_eq(it_js(r, "sort"), "relevance");
    cr_assert_str_eq(it_js(r, "items.0.id"), in_title, "title first: %s", it_jtext(r));
    cr_assert_str_eq(it_js(r, "items.1.id"), in_summary, "then summary: %s", it_jtext(r));
    cr_assert_str_eq(it_js(r, "items.2.id"), in_desc, "then description: %s", it_jtext(r));
    cr_assert(json_object_is_type(it_jget(r, "items.0.score"), json_type_int), "score is an integer: %s", it_jtext(r));
    cr_assert_eq(jint(r, "items.0.score"), 16, "%s", it_jtext(r));
    cr_assert_eq(jint(r, "items.1.score"), 12);
    cr_assert_eq(jint(r, "items.2.score"), 10);
    /* the strongest field counts once: koffie in the title and the summary is 8, not 12 */
    snprintf(path, sizeof(path), "/api/v1/search?q=koffie&organisation=%s&sort=relevance", w.org);
    r = get(200, path);
    cr_assert_eq(jint(r, "items.0.score"), 8, "%s", it_jtext(r));

    /* a name (organisation) weighs 1; equal scores go by id */
    r = items_are(4, NULL, "/api/v1/search?q=zoektest%%20%s", w.tag);
    for (size_t i = 0; i < 4; i++) {
        char a[32], b[32];
        snprintf(a, sizeof(a), "items.%zu.score", i);
        cr_assert_eq(jint(r, a), 9, "%s", it_jtext(r));
        if (i == 0)
            continue;
        snprintf(a, sizeof(a), "items.%zu.id", i - 1);
        snprintf(b, sizeof(b), "items.%zu.id", i);
        cr_assert_lt(strcmp(it_js(r, a), it_js(r, b)), 0, "ties by id: %s", it_jtext(r));
    }
    /* a stop word adds nothing and takes nothing away */
    snprintf(path, sizeof(path), "/api/v1/search?q=de%%20koffie%%20en%%20%s", w.tag);
    cr_assert_eq(jint(get(200, path), "items.0.score"), 16);

    /* a typo alternative scores like the word it stands for: the made-up word (summary, 4)
     * with its last two letters swapped starts no known word */
    strcpy(typo, word);
    typo[8] = word[9];
    typo[9] = word[8];
    if (typo[8] == typo[9])
        typo[9] = (char)('a' + (typo[9] - 'a' + 1) % 26);
    r = items_are(1, with_word, "/api/v1/search?q=%s%%20%s", w.tag, typo);
    cr_assert_eq(jint(r, "items.0.score"), 12, "%s", it_jtext(r));

    /* the score comes with every sort when q is given, and the cursor pages on it */
    r = items_are(3, NULL, "/api/v1/search?q=koffie%%20%s&sort=distance&near=51.8395,4.9655", w.tag);
    for (size_t i = 0; i < 3; i++) {
        struct json_object *item = json_object_array_get_idx(it_jget(r, "items"), i);
        int want = strcmp(it_js(item, "id"), in_title) == 0 ? 16 : strcmp(it_js(item, "id"), in_summary) == 0 ? 12 : 10;
        cr_assert_eq(jint(item, "score"), want, "%s", it_jtext(r));
    }
    snprintf(path, sizeof(path), "/api/v1/search?q=koffie%%20%s&limit=1", w.tag);
    r = get(200, path);
    cr_assert_str_eq(it_js(r, "items.0.id"), in_title);
    snprintf(path, sizeof(path), "/api/v1/search?q=koffie%%20%s&limit=1&cursor=%s", w.tag, it_js(r, "next_cursor"));
    r = get(200, path);
    cr_assert_str_eq(it_js(r, "items.0.id"), in_summary, "%s", it_jtext(r));
}

/* The score the database gives is the formula of 0010, computed here from unnest(sk_tsv) for
 * every entry and many queries (sk_search_score is written with weight-restricted tsqueries). */
Test(text, sk_search_score_is_the_stated_formula)
{
    PGconn *pg = it_db_connect();
    PGresult *res = PQexec(
        pg,
        "WITH qs(q) AS (SELECT word FROM (SELECT word FROM sk_words ORDER BY added DESC, word LIMIT 60) w"
        "               UNION ALL VALUES ('wandelen koffie'), ('gorinchem ontmoeten samen'), ('eenzaamhied'),"
        "                                ('a de koffie'), ('buurthuis lingewijk')),"
        " t AS MATERIALIZED (SELECT q, sk_search_terms(q) AS terms, sk_search_tsquery(q) AS tsq FROM qs)"
        " SELECT count(*), count(*) FILTER (WHERE r.fast <> r.ref), count(*) FILTER (WHERE r.ref > 0),"
        "        count(*) FILTER (WHERE r.m AND r.ref = 0)"
        "   FROM (SELECT sk_search_score(e.sk_tsv, t.terms) AS fast, e.sk_tsv @@ t.tsq AS m,"
        "                (SELECT coalesce(sum(b.best), 0)::int FROM jsonb_array_elements(t.terms) w(alts),"
        "                        LATERAL (SELECT coalesce(max(CASE WHEN 'A' = ANY (u.weights) THEN 8"
        "                                                          WHEN 'B' = ANY (u.weights) THEN 4"
        "                                                          WHEN 'C' = ANY (u.weights) THEN 2 ELSE 1 END), 0)"
        "                                        AS best"
        "                                   FROM unnest(e.sk_tsv) u(lexeme, positions, weights),"
        "                                        jsonb_array_elements(w.alts) a(x)"
        "                                  WHERE CASE WHEN (a.x->>1)::boolean THEN starts_with(u.lexeme, a.x->>0)"
        "                                             ELSE u.lexeme = a.x->>0 END) b) AS ref"
        "           FROM t, (SELECT * FROM entries ORDER BY created_at DESC LIMIT 400) e) r");
    cr_assert_eq(PQresultStatus(res), PGRES_TUPLES_OK, "%s", PQerrorMessage(pg));
    cr_assert_gt(atol(PQgetvalue(res, 0, 0)), 100);
    cr_assert_eq(atol(PQgetvalue(res, 0, 1)), 0, "%s of %s scores differ from the formula", PQgetvalue(res, 0, 1),
                 PQgetvalue(res, 0, 0));
    cr_assert_gt(atol(PQgetvalue(res, 0, 2)), 0, "no query matched anything");
    cr_assert_eq(atol(PQgetvalue(res, 0, 3)), 0, "a match that scores 0");
    PQclear(res);

    /* the terms: stop words left out, short words exact, longer ones prefixes */
    /* (bewegen is a known word: the theme label "Bewegen en sport") */
    res = PQexec(pg, "SELECT sk_search_terms('De Bewegen in ab'), sk_search_tsquery('De Bewegen in ab')::text");
    cr_assert_eq(PQresultStatus(res), PGRES_TUPLES_OK, "%s", PQerrorMessage(pg));
    cr_assert_str_eq(PQgetvalue(res, 0, 0), "[[[\"beweg\", true]], [[\"ab\", false]]]");
    cr_assert_str_eq(PQgetvalue(res, 0, 1), "'beweg':* & 'ab'");
    PQclear(res);
    PQfinish(pg);
}

/* ------------------------------------------------------------------ */
/* Filters and facets */

Test(filters, every_filter_and_the_facet_counts)
{
    struct world w;
    char p1[40], p2[40], v1[40], v2[40], c1[40], title[200], body[2000];
    struct json_object *r, *f;

    world(&w, NULL);
    snprintf(title, sizeof(title), "Sportzaal %s", w.tag);
    snprintf(body, sizeof(body),
             "{\"title\":\"%s\",\"municipality\":\"GM0512\",\"areas\":[\"GM0512-lingewijk\"],\"themes\":[\"beweging\"],"
             "\"audiences\":[\"ouderen\"],\"accessibility\":{\"wheelchair\":\"yes\",\"hearing_loop\":\"yes\"},"
             "\"cost\":{\"free\":true},\"languages\":[\"nl\",\"uk\"]," LINGEWIJK_ADDR ","
             "\"location\":{\"lat\":51.8395,\"lon\":4.9655}}",
             title);
    create(&w, "places", body, p1);
    snprintf(body, sizeof(body),
             "{\"title\":\"Stadsloket %s\",\"municipality\":\"GM0512\",\"areas\":[],\"themes\":[\"informatie-advies\"],"
             "\"audiences\":[\"iedereen\"],\"accessibility\":{\"wheelchair\":\"limited\"},"
             "\"cost\":{\"amount_eur\":2,\"discount_pass\":true},\"languages\":[\"nl\"]," LINGEWIJK_ADDR ","
             "\"location\":{\"lat\":51.8306,\"lon\":4.9742}}",
             w.tag);
    create(&w, "places", body, p2);
    snprintf(body, sizeof(body),
             "{\"title\":\"Vrijwilliger gezocht %s\",\"municipality\":\"GM0512\",\"areas\":[\"GM0512-dalem\"],"
             "\"themes\":[\"vrijwilligerswerk\"],\"audiences\":[\"volwassenen\"],\"skills\":[\"geduld\"],"
             "\"valid_until\":\"2099-12-31\"}",
             w.tag);
    create(&w, "vacancies", body, v1);
    snprintf(body, sizeof(body),
             "{\"title\":\"Oude oproep %s\",\"municipality\":\"GM0512\",\"areas\":[\"GM0512-dalem\"],"
             "\"themes\":[\"vrijwilligerswerk\"],\"audiences\":[\"volwassenen\"],\"skills\":[\"geduld\"],"
             "\"valid_until\":\"2026-01-31\"}",
             w.tag);
    create(&w, "vacancies", body, v2);
    snprintf(body, sizeof(body),
             "{\"title\":\"Lotgenoten %s\",\"municipality\":\"GM0668\",\"areas\":[\"GM0668-dreumel\"],"
             "\"themes\":[\"mantelzorg\"],\"audiences\":[\"mantelzorgers\"],"
             "\"support_kind\":\"peer-contact\",\"for_whom\":[\"mantelzorgers\"]}",
             w.tag);
    create(&w, "carer-support", body, c1);

    /* everything: the expired vacancy is not there; facets count what matches */
    r = items_are(4, NULL, "/api/v1/search?q=%s", w.tag);
    cr_assert_not(has_id(r, v2), "expired vacancy shown");
    f = it_jget(r, "facets");
    cr_assert_eq(jint(r, "total"), 4, "%s", it_jtext(r));
    {
        static const struct count want[] = {
            { "kind.place", 2 },
            { "kind.vacancy", 1 },
            { "kind.carer_support", 1 },
            { "municipality.GM0512", 3 },
            /* the whole-municipality place counts in every Gorinchem area */
            { "area.GM0512-lingewijk", 2 },
            { "area.GM0512-dalem", 2 },
            { "area.GM0512-west", 1 },
            { "area.GM0668-dreumel", 1 },
            /* a parent theme counts its children */
            { "theme.beweging", 1 },
            { "theme.gezonde-leefstijl", 1 },
            { "theme.betrokken-samenleving", 2 },
            { "audience.ouderen", 1 },
            { "accessibility.wheelchair", 1 },
            { "accessibility.wheelchair:limited", 2 },
            { "accessibility.hearing_loop", 1 },
        };
        counts_are(f, want, sizeof(want) / sizeof(want[0]));
    }

    /* area: its own entries and the whole municipality's; the facet count is what the filter gives */
    r = items_are(2, NULL, "/api/v1/search?q=%s&area=GM0512-lingewijk", w.tag);
    cr_assert(has_id(r, p1) && has_id(r, p2));
    cr_assert_eq(jint(r, "total"), 2);
    /* one filter at a time: how many items, and (where given) the one first */
    {
        const struct {
            const char *filter;
            size_t n;
            const char *first;
        } filters[] = {
            { "area=GM0512-dalem,GM0668-dreumel", 3, NULL },
            { "theme=gezonde-leefstijl", 1, p1 },
            { "audience=mantelzorgers,volwassenen", 2, NULL },
            { "access=wheelchair", 1, p1 },
            { "access=wheelchair:limited", 2, NULL },
            { "access=wheelchair:limited,hearing_loop", 1, NULL },
            { "free=true", 1, p1 },
            { "discount_pass=true", 1, p2 },
            { "language=uk", 1, NULL },
            { "kind=places,carer-support", 3, NULL },
            { "municipality=GM0668", 1, c1 },
        };
        for (size_t i = 0; i < sizeof(filters) / sizeof(filters[0]); i++)
            items_are(filters[i].n, filters[i].first, "/api/v1/search?q=%s&%s", w.tag, filters[i].filter);
    }
    items_are(4, NULL, "/api/v1/search?organisation=%s", w.org);
    items_are(1, v1, "/api/v1/vacancies?q=%s", w.tag);
    /* open_at: Monday 10:00 the Lingewijk place (opening hours below) is open, Sunday not */
    {
        char o1[40];
        snprintf(title, sizeof(title), "Open huis %s", w.tag);
        place(&w, title, "[\"GM0512-lingewijk\"]",
              "\"opening_hours\":[{\"day\":\"mo\",\"opens\":\"09:00\",\"closes\":\"17:00\"}]", 51.84, 4.965, o1);
        items_are(1, o1, "/api/v1/search?q=%s&kind=places&open_at=2026-11-30T10:00", w.tag);
        items_are(0, NULL, "/api/v1/search?q=%s&kind=places&open_at=2026-11-29T10:00", w.tag);
    }
}

/* The search parameter that filters on a facet's group; kinds are named in the plural. */
static void facet_param(const char *group, const char *key, char *out, size_t cap)
{
    static const struct {
        const char *group, *param;
    } map[] = { { "kind", "kind" },   { "municipality", "municipality" }, { "area", "area" },
                { "theme", "theme" }, { "audience", "audience" },         { "accessibility", "access" } };
    static const struct {
        const char *kind, *param;
    } kinds[] = { { "place", "places" },
                  { "activity", "activities" },
                  { "vacancy", "vacancies" },
                  { "carer_support", "carer-support" } };
    const char *param = NULL, *value = key;
    for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
        if (strcmp(map[i].group, group) == 0)
            param = map[i].param;
    cr_assert_not_null(param, "unknown facet group %s", group);
    if (strcmp(group, "kind") == 0)
        for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
            if (strcmp(kinds[i].kind, key) == 0)
                value = kinds[i].param;
    snprintf(out, cap, "%s=%s", param, value);
}

Test(filters, totals_are_exact_and_every_facet_count_is_what_its_filter_finds)
{
    struct world w;
    char id[40], body[2000], path[600], param[200];
    struct json_object *r, *facets;
    int total, groups = 0, values = 0;

    world(&w, NULL);
    snprintf(
        body, sizeof(body),
        "{\"title\":\"Sporthal %s\",\"municipality\":\"GM0512\",\"areas\":[\"GM0512-lingewijk\"],"
        "\"themes\":[\"beweging\"],\"audiences\":[\"ouderen\"],"
        "\"accessibility\":{\"wheelchair\":\"yes\",\"hearing_loop\":\"yes\",\"free_of_charge\":\"yes\"}," LINGEWIJK_ADDR
        ",\"location\":{\"lat\":51.8395,\"lon\":4.9655}}",
        w.tag);
    create(&w, "places", body, id);
    snprintf(body, sizeof(body),
             "{\"title\":\"Gemeentehuis %s\",\"municipality\":\"GM0512\",\"areas\":[],"
             "\"themes\":[\"informatie-advies\",\"geldzaken\"],\"audiences\":[\"iedereen\",\"laag-inkomen\"],"
             "\"accessibility\":{\"wheelchair\":\"limited\",\"hearing_loop\":\"no\"}," LINGEWIJK_ADDR
             ",\"location\":{\"lat\":51.8306,\"lon\":4.9742}}",
             w.tag);
    create(&w, "places", body, id);
    snprintf(
        body, sizeof(body),
        "{\"title\":\"Beweegclub %s\",\"summary\":\"Samen bewegen.\",\"municipality\":\"GM0512\","
        "\"areas\":[\"GM0512-dalem\",\"GM0512-west\"],\"themes\":[\"beweging\",\"ontspanning\",\"ontmoeten\"],"
        "\"audiences\":[\"ouderen\",\"iedereen\"],\"accessibility\":{\"wheelchair\":\"no\"}," LINGEWIJK_ADDR ","
        "\"location\":{\"lat\":51.8395,\"lon\":4.9655},"
        "\"schedule\":{\"start\":\"2026-09-02T14:00\",\"end\":\"2026-09-02T15:00\",\"rrule\":\"FREQ=WEEKLY;BYDAY=WE\"},"
        "\"registration\":\"none\",\"address_visibility\":\"public\"}",
        w.tag);
    create(&w, "activities", body, id);
    snprintf(body, sizeof(body),
             "{\"title\":\"Vrijwilliger %s\",\"municipality\":\"GM0512\",\"areas\":[\"GM0512-dalem\"],"
             "\"themes\":[\"vrijwilligerswerk\"],\"audiences\":[\"volwassenen\"],\"skills\":[\"geduld\"],"
             "\"valid_until\":\"2099-12-31\"}",
             w.tag);
    create(&w, "vacancies", body, id);
    snprintf(body, sizeof(body),
             "{\"title\":\"Steunpunt %s\",\"municipality\":\"GM0668\",\"areas\":[\"GM0668-dreumel\"],"
             "\"themes\":[\"mantelzorg\"],\"audiences\":[\"mantelzorgers\"],\"accessibility\":{\"wheelchair\":\"yes\"},"
             "\"support_kind\":\"advice\",\"for_whom\":[\"mantelzorgers\"]}",
             w.tag);
    create(&w, "carer-support", body, id);
    snprintf(
        body, sizeof(body),
        "{\"title\":\"Respijt %s\",\"municipality\":\"GM0668\",\"areas\":[],\"themes\":[\"mantelzorg\",\"dementie\"],"
        "\"audiences\":[\"mantelzorgers\",\"dementie\"],\"support_kind\":\"respite\",\"for_whom\":[\"mantelzorgers\"]}",
        w.tag);
    create(&w, "carer-support", body, id);

    snprintf(path, sizeof(path), "/api/v1/search?q=%s&limit=2", w.tag);
    r = get(200, path);
    total = jint(r, "total");
    cr_assert_eq(total, 6, "%s", it_jtext(r));
    cr_assert(json_object_is_type(it_jget(r, "total_capped"), json_type_boolean), "%s", it_jtext(r));
    cr_assert_not(json_object_get_boolean(it_jget(r, "total_capped")), "%s", it_jtext(r));
    facets = it_jget(r, "facets");
    cr_assert_null(it_jget(facets, "capped"), "%s", it_jtext(facets));
    cr_assert_null(it_jget(facets, "total"), "%s", it_jtext(facets));

    /* every count of every facet equals the total of the search filtered on that value */
    json_object_object_foreach(facets, group, counts)
    {
        int sum = 0;
        groups++;
        json_object_object_foreach(counts, key, count)
        {
            struct json_object *f;
            facet_param(group, key, param, sizeof(param));
            snprintf(path, sizeof(path), "/api/v1/search?q=%s&%s&limit=1&facets=false", w.tag, param);
            f = get(200, path);
            cr_assert_eq(jint(f, "total"), json_object_get_int(count), "facet %s.%s = %d, the filter %s finds %d",
                         group, key, json_object_get_int(count), param, jint(f, "total"));
            cr_assert_not(json_object_get_boolean(it_jget(f, "total_capped")));
            sum += json_object_get_int(count);
            values++;
        }
        if (strcmp(group, "kind") == 0 || strcmp(group, "municipality") == 0)
            cr_assert_eq(sum, total, "%s counts add up to %d, not %d", group, sum, total);
    }
    cr_assert_eq(groups, 6, "%s", it_jtext(facets));
    cr_assert_gt(values, 25, "%s", it_jtext(facets));
    /* a few by hand: whole-municipality entries in every area, parents once, limited wheelchair */
    {
        static const struct count want[] = {
            { "area.GM0512-binnenstad", 1 },
            { "area.GM0512-dalem", 3 },
            { "area.GM0668-wamel", 1 },
            { "theme.gezonde-leefstijl", 2 },
            { "theme.betrokken-samenleving", 4 },
            { "accessibility.wheelchair", 2 },
            { "accessibility.wheelchair:limited", 3 },
            { "accessibility.free_of_charge", 1 },
            { "accessibility.hearing_loop", 1 },
        };
        counts_are(facets, want, sizeof(want) / sizeof(want[0]));
    }

    /* without facets the total is exact on every path: counted with the page (relevance, date),
     * everything on the first page, or counted apart (created, updated, distance, cursors); near a
     * point only the three entries with a location */
    {
        static const char *const rest[] = { "&facets=false", "&facets=false&limit=2",
                                            "&facets=false&sort=updated&limit=1",
                                            "&facets=false&near=51.8306,4.9742&radius=50000&sort=distance&limit=1",
                                            "&facets=false&limit=2&by_organisation" };
        for (size_t i = 0; i < sizeof(rest) / sizeof(rest[0]); i++) {
            char query[300];
            if (strstr(rest[i], "by_organisation")) /* no q: newest first (sort created) */
                snprintf(query, sizeof(query), "organisation=%s&facets=false&limit=2", w.org);
            else
                snprintf(query, sizeof(query), "q=%s%s", w.tag, rest[i]);
            snprintf(path, sizeof(path), "/api/v1/search?%s", query);
            r = get(200, path);
            cr_assert_eq(jint(r, "total"), strstr(rest[i], "near") ? 3 : 6, "%s: %s", rest[i], it_jtext(r));
            cr_assert_not(json_object_get_boolean(it_jget(r, "total_capped")));
            if (json_object_is_type(it_jget(r, "next_cursor"), json_type_string)) {
                snprintf(path, sizeof(path), "/api/v1/search?%s&cursor=%s", query, it_js(r, "next_cursor"));
                r = get(200, path);
                cr_assert_eq(jint(r, "total"), strstr(rest[i], "near") ? 3 : 6, "%s (next page): %s", rest[i],
                             it_jtext(r));
                cr_assert_not(json_object_get_boolean(it_jget(r, "total_capped")));
            }
        }
    }
}

/* ------------------------------------------------------------------ */
/* Activities in time: weekly and first-Monday, across the change to winter time (25 Oct 2026) */

static void activity(struct world *w, const char *title, const char *start, const char *end, const char *rrule,
                     const char *exdates, const char *sets, char *id)
{
    char body[2000], sched[600];
    if (rrule)
        snprintf(sched, sizeof(sched),
                 "{\"start\":\"%s\",\"end\":\"%s\",\"rrule\":\"%s\",\"exdates\":[%s],\"exception_sets\":[%s]}", start,
                 end, rrule, exdates, sets);
    else
        snprintf(sched, sizeof(sched), "{\"start\":\"%s\",\"end\":\"%s\"}", start, end);
    snprintf(body, sizeof(body),
             "{\"title\":\"%s\",\"summary\":\"Samen iets doen in de wijk.\",\"municipality\":\"GM0512\","
             "\"areas\":[\"GM0512-lingewijk\"],\"themes\":[\"ontmoeten\"],\"audiences\":[\"iedereen\"]," LINGEWIJK_ADDR
             ","
             "\"location\":{\"lat\":51.8395,\"lon\":4.9655},\"schedule\":%s,"
             "\"registration\":\"none\",\"address_visibility\":\"public\"}",
             title, sched);
    create(w, "activities", body, id);
}

/* The members (start, start_utc) of a list of occurrences, joined by spaces. */
static const char *members(struct json_object *list, const char *member, char *buf, size_t cap)
{
    struct json_object *items = json_object_is_type(list, json_type_array) ? list : it_jget(list, "items");
    buf[0] = '\0';
    for (size_t i = 0; json_object_is_type(items, json_type_array) && i < json_object_array_length(items); i++) {
        size_t n = strlen(buf);
        snprintf(buf + n, cap - n, "%s%s", i ? " " : "", it_js(json_object_array_get_idx(items, i), member));
    }
    return buf;
}

static const char *starts(struct json_object *list, char *buf, size_t cap)
{
    return members(list, "start", buf, cap);
}

static struct json_object *item_by_id(struct json_object *res, const char *id)
{
    struct json_object *items = it_jget(res, "items");
    for (size_t i = 0; i < it_jlen(res, "items"); i++)
        if (strcmp(it_js(json_object_array_get_idx(items, i), "id"), id) == 0)
            return json_object_array_get_idx(items, i);
    return NULL;
}

/*
 * Day numbers (days since 1970-01-01) for dates relative to today: the DST test below must not
 * lean on fixed dates (the search keeps occurrences from 92 days back only) nor on the national
 * holiday tables (one school year).
 */
static long dn_of(int y, int m, int d)
{
    struct tm tm = { .tm_year = y - 1900, .tm_mon = m - 1, .tm_mday = d, .tm_hour = 12 };
    return (long)(timegm(&tm) / 86400);
}

static const char *dn_text(long n, char *out /* 11 */)
{
    time_t t = (time_t)n * 86400 + 43200;
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, 11, "%Y-%m-%d", &tm);
    return out;
}

static int dn_wday(long n) /* 0 = Sunday */
{
    return (int)((n % 7 + 11) % 7);
}

/* The first Monday of month m (1-12, may run past 12) of year y. */
static long dn_first_monday(int y, int m)
{
    long f = dn_of(y + (m - 1) / 12, (m - 1) % 12 + 1, 1);
    return f + (8 - dn_wday(f)) % 7;
}

/* The next change of Amsterdam's clocks (last Sunday of March or October) a week or more ahead. */
static long dn_next_dst_change(int *year, int *month)
{
    long today = (long)(time(NULL) / 86400);
    char t[11];
    int y = atoi(dn_text(today, t));
    for (;; y++) {
        for (int m = 3; m <= 10; m += 7) {
            long last = dn_of(y, m, 31), c = last - dn_wday(last);
            if (c >= today + 7) {
                *year = y;
                *month = m;
                return c;
            }
        }
    }
}

/* "YYYY-MM-DDTHH:MM:00Z" of local time hh:mm on day n in Amsterdam. */
static const char *dn_utc(long n, int hh, int mm, char *out /* 24 */)
{
    char local[20], d[11];
    time_t t;
    struct tm tm;
    snprintf(local, sizeof(local), "%sT%02d:%02d", dn_text(n, d), hh, mm);
    t = (time_t)n * 86400 + hh * 3600 + mm * 60 - (strcmp(it_ams_offset(local), "+02:00") == 0 ? 7200 : 3600);
    gmtime_r(&t, &tm);
    strftime(out, 24, "%Y-%m-%dT%H:%M:00Z", &tm);
    return out;
}

/* Append "<day>T<hh:mm>" (or its UTC form) to a space-separated list. */
static void add_start(char *buf, size_t cap, long n, int hh, int mm, bool utc)
{
    char d[11], u[24];
    size_t len = strlen(buf);
    if (utc)
        snprintf(buf + len, cap - len, "%s%s", len ? " " : "", dn_utc(n, hh, mm, u));
    else
        snprintf(buf + len, cap - len, "%s%sT%02d:%02d", len ? " " : "", dn_text(n, d), hh, mm);
}

Test(schedule, weekly_and_first_monday_across_dst_with_exceptions)
{
    struct world w;
    char weekly[40], monthly[40], past[40], title[200], path[400], buf[2000], want[2000];
    char s0[20], s1[20], ex[16], set[40], t0[11], t1[11], body[400];
    struct json_object *r;
    int dy, dm;
    /* every date relative to D, the next clock change (a Sunday) a week or more ahead */
    long D = dn_next_dst_change(&dy, &dm), today = (long)(time(NULL) / 86400);
    long wk0 = D - 54, wk_ex = D - 12, wk_off = D - 5; /* Tuesdays */
    long from = D - 24, to = D + 17;                   /* a Thursday to a Wednesday */
    long mon[8], first_mon = 0;
    size_t n_mon_in = 0;

    world(&w, NULL);
    /* our own day off (D - 5) instead of the school-holiday table */
    snprintf(set, sizeof(set), "zoek-%s", dn_text(wk_off, t0));
    snprintf(
        body, sizeof(body),
        "{\"label_nl\":\"Zoektest vrije dag\",\"municipality\":\"GM0512\",\"dates\":[{\"start\":\"%s\",\"end\":\"%s\","
        "\"label\":\"Vrij\"}]}",
        t0, t0);
    snprintf(path, sizeof(path), "/api/v1/exception-sets/%s", set);
    {
        struct it_response pr;
        cr_assert_eq(it_send("PUT", path, w.key, body, NULL, &pr), 0);
        /* create-or-replace with the same body: 201 the first time, 200 after */
        cr_assert(pr.status == 201 || pr.status == 200, "PUT %s: %ld %s", path, pr.status, pr.body);
        it_response_free(&pr);
    }

    /* Tuesdays 10:00 from eight weeks before D; D - 12 is an exception date, D - 5 our day off */
    snprintf(title, sizeof(title), "Wandelclub %s", w.tag);
    snprintf(s0, sizeof(s0), "%sT10:00", dn_text(wk0, t0));
    snprintf(s1, sizeof(s1), "%sT11:30", t0);
    snprintf(ex, sizeof(ex), "\"%s\"", dn_text(wk_ex, t0));
    snprintf(body, sizeof(body), "\"%s\"", set);
    activity(&w, title, s0, s1, "FREQ=WEEKLY;BYDAY=TU", ex, body, weekly);
    /* first Monday 14:00 from the month before D's; the one three months after D's left out */
    for (int k = 0; k < 8; k++)
        mon[k] = dn_first_monday(dy, dm - 1 + k);
    snprintf(title, sizeof(title), "Eerste-maandagmiddag %s", w.tag);
    snprintf(s0, sizeof(s0), "%sT14:00", dn_text(mon[0], t0));
    snprintf(s1, sizeof(s1), "%sT16:00", t0);
    snprintf(ex, sizeof(ex), "\"%s\"", dn_text(mon[4], t0));
    activity(&w, title, s0, s1, "FREQ=MONTHLY;BYDAY=1MO", ex, "", monthly);
    snprintf(title, sizeof(title), "Voorbij %s", w.tag);
    snprintf(s0, sizeof(s0), "%sT10:00", dn_text(today - 60, t0));
    snprintf(s1, sizeof(s1), "%sT12:00", t0);
    activity(&w, title, s0, s1, NULL, NULL, NULL, past);

    /* local wall-clock times stay put; the UTC instants move by an hour on D */
    snprintf(path, sizeof(path), "/api/v1/activities/%s/occurrences?from=%s&to=%s", weekly, dn_text(from, t0),
             dn_text(to, t1));
    r = get(200, path);
    cr_assert_str_eq(it_js(r, "activity_id"), weekly);
    want[0] = '\0';
    for (long d = D - 19; d <= D + 16; d += 7)
        if (d != wk_ex && d != wk_off)
            add_start(want, sizeof(want), d, 10, 0, false);
    cr_assert_str_eq(starts(r, buf, sizeof(buf)), want);
    want[0] = '\0';
    for (long d = D - 19; d <= D + 16; d += 7)
        if (d != wk_ex && d != wk_off)
            add_start(want, sizeof(want), d, 10, 0, true);
    cr_assert_str_eq(members(r, "start_utc", buf, sizeof(buf)), want);
    cr_assert_neq(strncmp(want + 11, want + 21 + 11, 5), 0, "the test's own window does not cross D: %s", want);
    snprintf(want, sizeof(want), "%sT11:30", dn_text(D + 2, t0));
    cr_assert_str_eq(it_js(r, "items.1.end"), want);

    {
        char mfrom[11], mto[11];
        snprintf(mfrom, sizeof(mfrom), "%.8s01", dn_text(mon[0], t0));
        snprintf(mto, sizeof(mto), "%.8s01", dn_text(dn_first_monday(dy, dm + 7), t0));
        snprintf(path, sizeof(path), "/api/v1/activities/%s/occurrences?from=%s&to=%s", monthly, mfrom, mto);
    }
    r = get(200, path);
    want[0] = '\0';
    for (int k = 0; k < 8; k++)
        if (k != 4)
            add_start(want, sizeof(want), mon[k], 14, 0, false);
    cr_assert_str_eq(starts(r, buf, sizeof(buf)), want);
    want[0] = '\0';
    for (int k = 0; k < 8; k++)
        if (k != 4)
            add_start(want, sizeof(want), mon[k], 14, 0, true);
    cr_assert_str_eq(members(r, "start_utc", buf, sizeof(buf)), want);

    /* the search shows the occurrences in its window, soonest first (at most three each) */
    snprintf(path, sizeof(path), "/api/v1/search?q=%s&from=%s&to=%s&sort=date", w.tag, dn_text(from, t0),
             dn_text(to, t1));
    r = get(200, path);
    cr_assert_eq(it_jlen(r, "items"), 2, "%s", it_jtext(r));
    cr_assert_str_eq(it_js(r, "sort"), "date");
    for (int k = 0; k < 8; k++)
        if (k != 4 && mon[k] >= from && mon[k] <= to && n_mon_in++ == 0)
            first_mon = mon[k];
    cr_assert_gt(n_mon_in, 0, "the test's window holds no first Monday");
    cr_assert_str_eq(it_js(r, "items.0.id"), first_mon < D - 19 ? monthly : weekly, "the earliest occurrence first: %s",
                     it_jtext(r));
    want[0] = '\0';
    add_start(want, sizeof(want), D - 19, 10, 0, false);
    add_start(want, sizeof(want), D + 2, 10, 0, false);
    add_start(want, sizeof(want), D + 9, 10, 0, false);
    cr_assert_str_eq(starts(it_jget(item_by_id(r, weekly), "occurrences"), buf, sizeof(buf)), want);
    want[0] = '\0';
    for (int k = 0, n = 0; k < 8 && n < 3; k++)
        if (k != 4 && mon[k] >= from && mon[k] <= to) {
            add_start(want, sizeof(want), mon[k], 14, 0, false);
            n++;
        }
    cr_assert_str_eq(starts(it_jget(item_by_id(r, monthly), "occurrences"), buf, sizeof(buf)), want);
    /* without a sort, a window sorts by date too */
    snprintf(path, sizeof(path), "/api/v1/search?area=GM0512-lingewijk&kind=activities&from=%s&to=%s",
             dn_text(from, t0), dn_text(to, t1));
    cr_assert_str_eq(it_js(get(200, path), "sort"), "date");

    /* a window holding only excluded dates (D - 13 .. D - 1: the exdate and the day off): nothing */
    items_are(0, NULL, "/api/v1/search?q=%s&from=%s&to=%s", w.tag, dn_text(D - 13, t0), dn_text(D - 1, t1));
    /* day and time of day */
    items_are(1, monthly, "/api/v1/search?q=%s&from=%s&to=%s&day=mon", w.tag, dn_text(from, t0), dn_text(to, t1));
    items_are(1, weekly, "/api/v1/search?q=%s&time_of_day=morning", w.tag);

    /* a past one-off activity drops out of the search, but its page and occurrences remain */
    r = items_are(2, NULL, "/api/v1/search?q=%s", w.tag);
    cr_assert_not(has_id(r, past));
    snprintf(path, sizeof(path), "/api/v1/activities/%s/occurrences?from=%s&to=%s", past, dn_text(today - 61, t0),
             dn_text(today - 59, t1));
    snprintf(want, sizeof(want), "%sT10:00", dn_text(today - 60, t0));
    cr_assert_str_eq(starts(get(200, path), buf, sizeof(buf)), want);

    /* unknown activity: 404; bad window: 400 naming the parameter */
    get(404, "/api/v1/activities/00000000-0000-4000-8000-000000000000/occurrences?from=2026-10-01&to=2026-11-01");
    snprintf(path, sizeof(path), "/api/v1/activities/%s/occurrences?to=2026-11-01", weekly);
    cr_assert(it_names_exact_field(get(400, path), "from"));
    snprintf(path, sizeof(path), "/api/v1/activities/%s/occurrences?from=2026-01-01&to=2027-06-01", weekly);
    cr_assert(it_names_exact_field(get(400, path), "to"));
}

/* ------------------------------------------------------------------ */
/* Near me */

Test(place, distance_filter_and_order)
{
    struct world w;
    char near[40], mid[40], far[40], title[200];
    struct json_object *r;

    world(&w, NULL);
    /* around the Grote Markt of Gorinchem (51.8306, 4.9742) */
    snprintf(title, sizeof(title), "Ver weg %s", w.tag);
    place(&w, title, "[]", "", 51.8560, 4.9742, far); /* ~2.8 km */
    snprintf(title, sizeof(title), "Dichtbij %s", w.tag);
    place(&w, title, "[]", "", 51.8310, 4.9742, near); /* ~45 m */
    snprintf(title, sizeof(title), "Halverwege %s", w.tag);
    place(&w, title, "[]", "", 51.8400, 4.9742, mid); /* ~1 km */

    r = items_are(2, near, "/api/v1/search?q=%s&near=51.8306,4.9742&radius=2000&sort=distance", w.tag);
    cr_assert_str_eq(it_js(r, "items.1.id"), mid);
    cr_assert(jint(r, "items.0.distance_m") < 100 && jint(r, "items.1.distance_m") > 900, "%s", it_jtext(r));

    r = items_are(3, NULL, "/api/v1/search?q=%s&near=51.8306,4.9742&radius=5000&sort=distance", w.tag);
    cr_assert_str_eq(it_js(r, "items.2.id"), far);
    cr_assert_str_eq(it_js(r, "sort"), "distance");
    /* near without q sorts by distance by itself */
    r = get(200, "/api/v1/search?near=51.8306,4.9742&radius=300&limit=100");
    cr_assert_str_eq(it_js(r, "sort"), "distance");
    cr_assert(has_id(r, near));
    for (size_t i = 1; i < it_jlen(r, "items"); i++) {
        char a[32], b[32];
        snprintf(a, sizeof(a), "items.%zu.distance_m", i - 1);
        snprintf(b, sizeof(b), "items.%zu.distance_m", i);
        cr_assert_leq(json_object_get_double(it_jget(r, a)), json_object_get_double(it_jget(r, b)));
    }
}

/* ------------------------------------------------------------------ */
/* Paging */

#define PAGE_ENTRIES 23

/* Walk every page of query (limit 5); ids seen into seen[]; count of items returned. */
static int walk(struct world *w, const char *query, char seen[][40], int cap, bool insert_between)
{
    char path[700], cursor[300] = "";
    int n = 0, pages = 0;
    for (;;) {
        struct json_object *r, *items;
        snprintf(path, sizeof(path), "/api/v1/search?%s&limit=5%s%s", query, *cursor ? "&cursor=" : "", cursor);
        r = get(200, path);
        items = it_jget(r, "items");
        for (size_t i = 0; i < it_jlen(r, "items"); i++) {
            cr_assert_lt(n, cap, "more items than expected");
            strcpy(seen[n++], it_js(json_object_array_get_idx(items, i), "id"));
        }
        if (insert_between && pages < 3) {
            char id[40], title[200];
            snprintf(title, sizeof(title), "Nieuw tijdens bladeren %s", w->tag);
            place(w, title, "[\"GM0512-west\"]", "", 51.8335, 4.959, id);
        }
        pages++;
        if (it_jget(r, "next_cursor") == NULL || json_object_is_type(it_jget(r, "next_cursor"), json_type_null))
            break;
        cr_assert_lt(strlen(it_js(r, "next_cursor")), sizeof(cursor));
        strcpy(cursor, it_js(r, "next_cursor"));
        cr_assert_lt(pages, 50, "paging does not end");
    }
    return n;
}

static void assert_each_once(char seen[][40], int n, char ids[][40], int nids)
{
    for (int i = 0; i < n; i++)
        for (int j = i + 1; j < n; j++)
            cr_assert_str_neq(seen[i], seen[j], "duplicate %s", seen[i]);
    for (int k = 0; k < nids; k++) {
        bool found = false;
        for (int i = 0; i < n && !found; i++)
            found = strcmp(seen[i], ids[k]) == 0;
        cr_assert(found, "entry %s never seen", ids[k]);
    }
}

Test(paging, complete_and_duplicate_free_also_while_inserting)
{
    struct world w;
    char ids[PAGE_ENTRIES][40], seen[64][40], title[200], query[200];
    int n;

    world(&w, NULL);
    for (int i = 0; i < PAGE_ENTRIES; i++) {
        /* some titles repeat the tag, so relevance has ties and differences */
        snprintf(title, sizeof(title), "Ontmoetingsplek %d %s%s%s", i, w.tag, i % 3 ? "" : " ", i % 3 ? "" : w.tag);
        place(&w, title, "[\"GM0512-west\"]", "", 51.8335 + i * 0.0001, 4.959, ids[i]);
    }
    snprintf(query, sizeof(query), "q=%s", w.tag);
    n = walk(&w, query, seen, 64, false);
    cr_assert_eq(n, PAGE_ENTRIES);
    assert_each_once(seen, n, ids, PAGE_ENTRIES);

    /* while entries are added: every original exactly once, no duplicates, for each sort */
    snprintf(query, sizeof(query), "q=%s", w.tag);
    n = walk(&w, query, seen, 64, true);
    assert_each_once(seen, n, ids, PAGE_ENTRIES);
    snprintf(query, sizeof(query), "organisation=%s", w.org);
    n = walk(&w, query, seen, 64, true);
    assert_each_once(seen, n, ids, PAGE_ENTRIES);
    snprintf(query, sizeof(query), "q=%s&near=51.8335,4.959&sort=distance", w.tag);
    n = walk(&w, query, seen, 64, true);
    assert_each_once(seen, n, ids, PAGE_ENTRIES);
}

/* ------------------------------------------------------------------ */
/* Bad parameters */

Test(errors, bad_parameters_are_400s_naming_the_parameter)
{
    /* the last parameter of each query is the bad one: the problem must name it */
    static const char *const queries[] = {
        "limit=101",
        "limit=0",
        "near=51.83,4.97&radius=90000",
        "near=48.85,2.35",
        "from=2026-13-01",
        "from=2026-12-01&to=2026-11-01",
        "from=2026-01-01&to=2027-06-01",
        "cursor=bm90LWEtY3Vyc29y",
        "cursor=a%20b",
        "area=GM0512-atlantis",
        "theme=astrologie",
        "audience=marsmannetjes",
        "access=teleporter",
        "access=wheelchair:maybe",
        "municipality=GM9999",
        "organisation=00000000-0000-4000-8000-000000000000",
        "sort=distance",
        "sort=price",
        "day=funday",
        "time_of_day=night",
        "kind=spaceships",
        "aera=GM0512-west",
        "free=maybe",
    };
    char path[300];
    for (size_t i = 0; i < sizeof(queries) / sizeof(queries[0]); i++) {
        struct it_response r;
        struct json_object *j;
        const char *last = strrchr(queries[i], '&') ? strrchr(queries[i], '&') + 1 : queries[i];
        char field[32];
        snprintf(field, sizeof(field), "%.*s", (int)strcspn(last, "="), last);
        snprintf(path, sizeof(path), "/api/v1/search?%s", queries[i]);
        cr_assert_eq(it_get(path, NULL, &r), 0);
        cr_assert_eq(r.status, 400, "%s -> %ld %s", path, r.status, r.body);
        j = it_keep(it_json(&r));
        cr_assert(it_names_exact_field(j, field), "%s: no error names %s: %s", path, field, r.body);
        it_response_free(&r);
    }
    /* a cursor of another sort or another set of filters is refused as well; two places of our
     * own make sure there is a second page, also on an empty database */
    {
        struct world w;
        char first[40], second[40], title[64];
        struct json_object *r;
        world(&w, NULL);
        snprintf(title, sizeof(title), "%s een", w.tag);
        place(&w, title, "[\"GM0512-lingewijk\"]", "", 51.8335, 4.959, first);
        snprintf(title, sizeof(title), "%s twee", w.tag);
        place(&w, title, "[\"GM0512-lingewijk\"]", "", 51.8336, 4.959, second);
        snprintf(path, sizeof(path), "/api/v1/search?q=%s&limit=1", w.tag); /* the index has both */
        cr_assert(IT_WAIT_FOR(jint(get(200, path), "total") == 2, 5000, 20), "the two places never became searchable");
        r = get(200, "/api/v1/search?limit=1&facets=false");
        cr_assert(json_object_is_type(it_jget(r, "next_cursor"), json_type_string), "%s", it_jtext(r));
        snprintf(path, sizeof(path), "/api/v1/search?limit=1&sort=updated&cursor=%s", it_js(r, "next_cursor"));
        cr_assert(it_names_exact_field(get(400, path), "cursor"));
        snprintf(path, sizeof(path), "/api/v1/search?limit=1&kind=places&cursor=%s", it_js(r, "next_cursor"));
        cr_assert(it_names_exact_field(get(400, path), "cursor"));
        snprintf(path, sizeof(path), "/api/v1/search?limit=1&cursor=%s", it_js(r, "next_cursor"));
        get(200, path);
    }
}

/* ------------------------------------------------------------------ */
/* What the daemon's search index reads (0010) */

/* Run sql with up to two text parameters (NULL = fewer) and assert it worked. */
static PGresult *db_query(PGconn *pg, const char *sql, const char *p1, const char *p2)
{
    const char *params[2] = { p1, p2 };
    PGresult *res = PQexecParams(pg, sql, p2 ? 2 : p1 ? 1 : 0, NULL, params, NULL, NULL, 0);
    cr_assert(PQresultStatus(res) == PGRES_TUPLES_OK || PQresultStatus(res) == PGRES_COMMAND_OK, "%s: %s", sql,
              PQerrorMessage(pg));
    return res;
}

/* The first value of a one-row answer into out ("" when NULL or no row). */
static const char *db_value(PGconn *pg, const char *sql, const char *p1, const char *p2, char *out, size_t cap)
{
    PGresult *res = db_query(pg, sql, p1, p2);
    snprintf(out, cap, "%s", PQntuples(res) > 0 ? PQgetvalue(res, 0, 0) : "");
    PQclear(res);
    return out;
}

/* The languages of an entry's stored documents ("en,nl"; "" for none), after checking that each
 * is the anonymous rendering of the entry as it is now. */
static const char *doc_langs(PGconn *pg, const char *id, char *out, size_t cap)
{
    char same[8];
    db_value(pg,
             "SELECT coalesce(bool_and(d.doc = sk_entry_render(e, d.lang, true)::text), true)"
             "  FROM sk_docs d JOIN entries e ON e.id = d.entry_id WHERE d.entry_id = $1",
             id, NULL, same, sizeof(same));
    cr_assert_str_eq(same, "t", "a stored document of %s is not its rendering", id);
    return db_value(pg, "SELECT coalesce(string_agg(lang, ',' ORDER BY lang), '') FROM sk_docs WHERE entry_id = $1", id,
                    NULL, out, cap);
}

/* One stored document, parsed (kept). */
static struct json_object *doc_of(PGconn *pg, const char *id, const char *lang)
{
    char text[16384];
    db_value(pg, "SELECT doc FROM sk_docs WHERE entry_id = $1 AND lang = $2", id, lang, text, sizeof(text));
    cr_assert_neq(text[0], '\0', "no %s document for %s", lang, id);
    return it_keep(json_tokener_parse(text));
}

Test(index, documents_follow_updates_translations_and_unpublishing)
{
    struct world w;
    PGconn *pg = it_db_connect();
    char id[40], act[40], title[200], body[2000], path[200], mp[200], langs[64], xmin[32], xmin2[32];
    struct json_object *j, *d;

    world(&w, NULL);
    snprintf(title, sizeof(title), "Koffiehuis %s", w.tag);
    text_place(&w, title, "Koffie en een praatje.", NULL, id);
    snprintf(path, sizeof(path), "/api/v1/places/%s", id);
    cr_assert_str_eq(doc_langs(pg, id, langs, sizeof(langs)), "nl");
    d = doc_of(pg, id, "nl");
    cr_assert_str_eq(it_js(d, "title"), title, "%s", it_jtext(d));
    cr_assert_str_eq(it_js(d, "status"), "published");

    /* a translation adds a document in its language; an empty one does not (Dutch is shown) */
    j = it_call_if(200, "PATCH", path, w.key,
                   "{\"translations\":{\"en\":{\"title\":\"Coffee house\",\"summary\":\"Coffee and a chat.\"},"
                   "\"de\":{}}}",
                   1);
    cr_assert_str_eq(doc_langs(pg, id, langs, sizeof(langs)), "en,nl", "%s", it_jtext(j));
    d = doc_of(pg, id, "en");
    cr_assert_str_eq(it_js(d, "title"), "Coffee house", "%s", it_jtext(d));
    cr_assert_str_eq(it_js(d, "language"), "en");
    cr_assert_str_eq(it_js(doc_of(pg, id, "nl"), "title"), title);

    /* an edit renders again, every language */
    snprintf(title, sizeof(title), "Theehuis %s", w.tag);
    snprintf(body, sizeof(body), "{\"title\":\"%s\"}", title);
    j = it_call_if(200, "PATCH", path, w.key, body, jint(j, "version"));
    cr_assert_str_eq(doc_langs(pg, id, langs, sizeof(langs)), "en,nl");
    d = doc_of(pg, id, "nl");
    cr_assert_str_eq(it_js(d, "title"), title, "%s", it_jtext(d));
    cr_assert_eq(jint(d, "version"), jint(j, "version"));
    cr_assert_eq(jint(doc_of(pg, id, "en"), "version"), jint(j, "version"));

    /* a write that changes nothing leaves the documents alone */
    db_value(pg, "SELECT xmin::text FROM sk_docs WHERE entry_id = $1 AND lang = 'nl'", id, NULL, xmin, sizeof(xmin));
    PQclear(db_query(pg, "UPDATE entries SET title = title WHERE id = $1", id, NULL));
    db_value(pg, "SELECT xmin::text FROM sk_docs WHERE entry_id = $1 AND lang = 'nl'", id, NULL, xmin2, sizeof(xmin2));
    cr_assert_str_eq(xmin, xmin2, "an update without change rewrote the documents");

    /* hidden: no documents, not in the loader's rows; shown again: back */
    snprintf(mp, sizeof(mp), "/api/v1/moderation/%s/hide", id);
    it_call(200, "POST", mp, w.key, "{\"reason\":\"Even niet zichtbaar.\"}");
    cr_assert_str_eq(doc_langs(pg, id, langs, sizeof(langs)), "");
    cr_assert_str_eq(db_value(pg, "SELECT count(*) FROM sk_index_rows WHERE id = $1", id, NULL, langs, sizeof(langs)),
                     "0");
    snprintf(mp, sizeof(mp), "/api/v1/moderation/%s/unhide", id);
    it_call(200, "POST", mp, w.key, NULL);
    cr_assert_str_eq(doc_langs(pg, id, langs, sizeof(langs)), "en,nl");
    cr_assert_str_eq(db_value(pg, "SELECT count(*) FROM sk_index_rows WHERE id = $1", id, NULL, langs, sizeof(langs)),
                     "1");
    /* deleted: gone */
    it_call(204, "DELETE", path, w.key, NULL);
    cr_assert_str_eq(doc_langs(pg, id, langs, sizeof(langs)), "");

    /* the document is what residents see: an 'area_only' address is not in it */
    snprintf(
        body, sizeof(body),
        "{\"title\":\"Thuisbezoek %s\",\"municipality\":\"GM0512\",\"areas\":[\"GM0512-lingewijk\"],"
        "\"themes\":[\"ontmoeten\"],\"audiences\":[\"ouderen\"]," LINGEWIJK_ADDR ","
        "\"location\":{\"lat\":51.8395,\"lon\":4.9655},"
        "\"schedule\":{\"start\":\"2026-09-03T10:00\",\"end\":\"2026-09-03T11:00\",\"rrule\":\"FREQ=WEEKLY;BYDAY=TH\"},"
        "\"registration\":\"none\",\"address_visibility\":\"area_only\"}",
        w.tag);
    create(&w, "activities", body, act);
    cr_assert_str_eq(doc_langs(pg, act, langs, sizeof(langs)), "nl");
    d = doc_of(pg, act, "nl");
    cr_assert_null(it_jget(d, "address"), "%s", it_jtext(d));
    cr_assert_null(it_jget(d, "location"), "%s", it_jtext(d));
    cr_assert_str_eq(it_js(d, "address_visibility"), "area_only");
    PQfinish(pg);
}

/* "{1,-2,3}" -> values (at most cap); returns how many. */
static size_t int_array(const char *text, long long *v, size_t cap)
{
    size_t n = 0;
    const char *p = text;
    if (*p == '{')
        p++;
    while (*p && *p != '}' && n < cap) {
        char *end;
        v[n++] = strtoll(p, &end, 10);
        p = *end == ',' ? end + 1 : end;
    }
    return n;
}

Test(index, loader_rows_of_an_activity_and_a_place)
{
    struct world w;
    PGconn *pg = it_db_connect();
    PGresult *res;
    char act[40], place_id[40], old[40], body[3000];
    static long long occ[8192];
    size_t n;
    long long prev = 0;
    const long long us = 1000000, hour = 3600 * us, day = 24 * hour;

    world(&w, NULL);
    /* Tuesdays 10:00-11:30, open-ended: the occurrences from 92 days back to the horizon */
    snprintf(
        body, sizeof(body),
        "{\"title\":\"Wandelclub %s\",\"summary\":\"Samen lopen.\",\"municipality\":\"GM0512\","
        "\"areas\":[\"GM0512-lingewijk\"],\"themes\":[\"beweging\",\"ontmoeten\"],\"audiences\":[\"ouderen\"],"
        "\"accessibility\":{\"wheelchair\":\"limited\",\"hearing_loop\":\"yes\"},\"cost\":{\"free\":true},"
        "\"languages\":[\"nl\",\"en\"]," LINGEWIJK_ADDR ",\"location\":{\"lat\":51.8395,\"lon\":4.9655},"
        "\"schedule\":{\"start\":\"2026-09-01T10:00\",\"end\":\"2026-09-01T11:30\",\"rrule\":\"FREQ=WEEKLY;BYDAY=TU\"},"
        "\"registration\":\"none\",\"address_visibility\":\"public\"}",
        w.tag);
    create(&w, "activities", body, act);

    res = db_query(pg,
                   "SELECT r.kind, r.municipality, r.areas::text, r.themes::text, r.audiences::text, r.organisation_id,"
                   "       r.access::text, r.free, r.discount, r.languages::text, r.tsv, r.x, r.y,"
                   "       r.open IS NULL, r.until_us IS NULL,"
                   "       r.created_us = (extract(epoch FROM e.created_at) * 1000000)::bigint,"
                   "       r.updated_us = (extract(epoch FROM e.updated_at) * 1000000)::bigint,"
                   "       r.modified = (SELECT f.modified FROM feed_items f WHERE f.id = e.id),"
                   "       (SELECT count(*) FROM sk_occurrences o WHERE o.entry_id = e.id), r.occ::text"
                   "  FROM sk_index_rows r JOIN entries e ON e.id = r.id WHERE r.id = $1",
                   act, NULL);
    cr_assert_eq(PQntuples(res), 1);
    cr_assert_eq(PQnfields(res), 20);
    cr_assert_str_eq(PQgetvalue(res, 0, 0), "activity");
    cr_assert_str_eq(PQgetvalue(res, 0, 1), "GM0512");
    cr_assert_str_eq(PQgetvalue(res, 0, 2), "{GM0512-lingewijk}");
    cr_assert_str_eq(PQgetvalue(res, 0, 3), "{beweging,ontmoeten}");
    cr_assert_str_eq(PQgetvalue(res, 0, 4), "{ouderen}");
    cr_assert_str_eq(PQgetvalue(res, 0, 5), w.org);
    cr_assert_str_eq(PQgetvalue(res, 0, 6), "{hearing_loop=yes,wheelchair=limited}", "sorted facet=value");
    cr_assert_str_eq(PQgetvalue(res, 0, 7), "t", "free");
    cr_assert_str_eq(PQgetvalue(res, 0, 8), "f", "discount");
    cr_assert_str_eq(PQgetvalue(res, 0, 9), "{nl,en}");
    cr_assert_not_null(strstr(PQgetvalue(res, 0, 10), "'wandelclub':1A"), "tsv: %s", PQgetvalue(res, 0, 10));
    cr_assert_not_null(strstr(PQgetvalue(res, 0, 10), "'lingewijk'"), "tsv: %s", PQgetvalue(res, 0, 10));
    /* Rijksdriehoek metres of Lingewijk */
    cr_assert(atof(PQgetvalue(res, 0, 11)) > 120000 && atof(PQgetvalue(res, 0, 11)) < 130000, "x %s",
              PQgetvalue(res, 0, 11));
    cr_assert(atof(PQgetvalue(res, 0, 12)) > 420000 && atof(PQgetvalue(res, 0, 12)) < 435000, "y %s",
              PQgetvalue(res, 0, 12));
    cr_assert_str_eq(PQgetvalue(res, 0, 13), "t", "an activity has no opening hours");
    cr_assert_str_eq(PQgetvalue(res, 0, 14), "t", "open-ended: no until");
    cr_assert_str_eq(PQgetvalue(res, 0, 15), "t", "created_us");
    cr_assert_str_eq(PQgetvalue(res, 0, 16), "t", "updated_us");
    cr_assert_str_eq(PQgetvalue(res, 0, 17), "t", "modified is the feed's");
    /* four values per occurrence: UTC start and end, local start and end (wall-clock as if UTC) */
    n = int_array(PQgetvalue(res, 0, 19), occ, sizeof(occ) / sizeof(occ[0]));
    cr_assert_eq(n % 4, 0, "%zu values", n);
    cr_assert_eq((long long)(n / 4), atoll(PQgetvalue(res, 0, 18)), "one quadruple per sk_occurrences row");
    cr_assert_gt(n / 4, 40, "weekly for more than a year: %zu", n / 4);
    for (size_t i = 0; i < n; i += 4) {
        long long start = occ[i], end = occ[i + 1], lstart = occ[i + 2], lend = occ[i + 3];
        long long local_day = lstart / day;
        cr_assert_gt(start, prev, "by start");
        prev = start;
        cr_assert_eq(end - start, 90 * 60 * us);
        cr_assert_eq(lend - lstart, 90 * 60 * us);
        cr_assert(lstart - start == hour || lstart - start == 2 * hour, "Amsterdam is UTC+1 or +2: %lld",
                  lstart - start);
        cr_assert_eq(lstart % day, 10 * hour, "10:00 local");
        cr_assert_eq((local_day + 4) % 7, 2, "a Tuesday (1970-01-01 was a Thursday)");
    }
    PQclear(res);

    /* a place: opening hours as [lower, upper) minute pairs, cost and accessibility as the filters
     * see them, no occurrences */
    snprintf(body, sizeof(body),
             "{\"title\":\"Buurtkamer %s\",\"municipality\":\"GM0512\",\"areas\":[],\"themes\":[\"ontmoeten\"],"
             "\"audiences\":[\"iedereen\"],\"accessibility\":{\"free_of_charge\":\"yes\"},"
             "\"cost\":{\"amount_eur\":1,\"discount_pass\":true}," LINGEWIJK_ADDR ","
             "\"location\":{\"lat\":51.8395,\"lon\":4.9655},"
             "\"opening_hours\":[{\"day\":\"mo\",\"opens\":\"09:00\",\"closes\":\"17:00\"},"
             "{\"day\":\"tu\",\"opens\":\"09:00\",\"closes\":\"12:00\"},{\"day\":\"tu\",\"opens\":\"13:00\",\"closes\":"
             "\"17:00\"}]}",
             w.tag);
    create(&w, "places", body, place_id);
    res = db_query(pg,
                   "SELECT open::text, occ IS NULL, free, discount, access::text, areas::text, until_us IS NULL"
                   "  FROM sk_index_rows WHERE id = $1",
                   place_id, NULL);
    cr_assert_eq(PQntuples(res), 1);
    cr_assert_str_eq(PQgetvalue(res, 0, 0), "{540,1020,1980,2160,2220,2460}");
    cr_assert_str_eq(PQgetvalue(res, 0, 1), "t");
    cr_assert_str_eq(PQgetvalue(res, 0, 2), "t", "free_of_charge counts as free");
    cr_assert_str_eq(PQgetvalue(res, 0, 3), "t");
    cr_assert_str_eq(PQgetvalue(res, 0, 4), "{free_of_charge=yes}");
    cr_assert_str_eq(PQgetvalue(res, 0, 5), "{}");
    cr_assert_str_eq(PQgetvalue(res, 0, 6), "t");
    PQclear(res);

    /* only what residents see now: an expired vacancy is not there */
    snprintf(body, sizeof(body),
             "{\"title\":\"Oude oproep %s\",\"municipality\":\"GM0512\",\"areas\":[\"GM0512-dalem\"],"
             "\"themes\":[\"vrijwilligerswerk\"],\"audiences\":[\"volwassenen\"],\"skills\":[\"geduld\"],"
             "\"valid_until\":\"2026-01-31\"}",
             w.tag);
    create(&w, "vacancies", body, old);
    res = db_query(pg, "SELECT count(*) FROM sk_index_rows WHERE id = $1", old, NULL);
    cr_assert_str_eq(PQgetvalue(res, 0, 0), "0");
    PQclear(res);
    PQfinish(pg);
}

/* Wait up to ms for a notification on channel with an empty payload, from backend pid (0: any);
 * true when one came. */
static bool wait_notify(PGconn *pg, const char *channel, int pid, int ms)
{
    double until = it_now_ms() + ms;
    for (;;) {
        PGnotify *n;
        cr_assert_eq(PQconsumeInput(pg), 1, "%s", PQerrorMessage(pg));
        while ((n = PQnotifies(pg)) != NULL) {
            bool hit = strcmp(n->relname, channel) == 0 && strcmp(n->extra, "") == 0 && (pid == 0 || n->be_pid == pid);
            PQfreemem(n);
            if (hit)
                return true;
        }
        if (it_now_ms() >= until)
            return false;
        {
            struct pollfd p = { .fd = PQsocket(pg), .events = POLLIN };
            poll(&p, 1, 50);
        }
    }
}

/* Drop the notifications already there. */
static void drain_notify(PGconn *pg)
{
    PGnotify *n;
    PQconsumeInput(pg);
    while ((n = PQnotifies(pg)) != NULL)
        PQfreemem(n);
}

Test(index, writes_wake_the_follower_and_move_the_catalog)
{
    struct world w;
    PGconn *pg = it_db_connect(), *other = it_db_connect();
    char id[40], title[200], before[32], after[32], value[32], word[16];

    world(&w, NULL);
    PQclear(db_query(pg, "LISTEN sk_changes", NULL, NULL));

    /* an entry that becomes public writes feed_items: a wake-up */
    drain_notify(pg);
    snprintf(title, sizeof(title), "Ontmoetingsplek %s", w.tag);
    place(&w, title, "[\"GM0512-west\"]", "", 51.8335, 4.959, id);
    cr_assert(wait_notify(pg, "sk_changes", 0, 5000), "no NOTIFY sk_changes after a publish");

    /* vocabularies and the occurrence horizon move the catalog version, one per statement */
    drain_notify(pg);
    db_value(other, "SELECT version FROM sk_index_catalog", NULL, NULL, before, sizeof(before));
    PQclear(db_query(other, "BEGIN", NULL, NULL));
    PQclear(db_query(other, "UPDATE audiences SET position = position WHERE code = 'iedereen'", NULL, NULL));
    PQclear(db_query(other, "UPDATE themes SET position = position WHERE code = 'ontmoeten'", NULL, NULL));
    PQclear(db_query(other, "UPDATE sk_occ_state SET horizon = horizon", NULL, NULL));
    db_value(other, "SELECT version FROM sk_index_catalog", NULL, NULL, after, sizeof(after));
    cr_assert_eq(atoll(after), atoll(before) + 3, "%s -> %s", before, after);
    cr_assert_not(wait_notify(pg, "sk_changes", PQbackendPID(other), 200), "notified before the commit");
    PQclear(db_query(other, "COMMIT", NULL, NULL));
    cr_assert(wait_notify(pg, "sk_changes", PQbackendPID(other), 5000),
              "no NOTIFY sk_changes after a vocabulary change");

    /* so does a statement on sk_words that adds words (committed: an unused made-up word) */
    make_tag(word);
    PQclear(db_query(other, "INSERT INTO sk_words (word) VALUES ($1)", word, NULL));
    cr_assert(wait_notify(pg, "sk_changes", PQbackendPID(other), 5000), "no NOTIFY sk_changes after new words");

    /* a new typo word carries the transaction that added it */
    make_tag(word);
    PQclear(db_query(other, "BEGIN", NULL, NULL));
    PQclear(db_query(other, "INSERT INTO sk_words (word) VALUES ($1)", word, NULL));
    cr_assert_str_eq(db_value(other, "SELECT added = pg_current_xact_id()::text::bigint FROM sk_words WHERE word = $1",
                              word, NULL, value, sizeof(value)),
                     "t");
    PQclear(db_query(other, "ROLLBACK", NULL, NULL));
    cr_assert_str_eq(
        db_value(other, "SELECT count(*) FROM sk_words WHERE added IS NULL", NULL, NULL, value, sizeof(value)), "0");
    PQfinish(other);
    PQfinish(pg);
}

/* The test's weekly activities (their titles end in tag) without an occurrence in the last
 * fortnight before the horizon where it belongs (13 months ahead). */
static long long activities_short_of_horizon(PGconn *pg, const char *tag)
{
    PGresult *res =
        db_query(pg,
                 "SELECT count(*) FROM entries e WHERE e.kind = 'activity' AND e.title LIKE '% ' || $1"
                 "   AND NOT EXISTS (SELECT 1 FROM sk_occurrences o WHERE o.entry_id = e.id"
                 "                      AND o.local_start >= (now() AT TIME ZONE 'Europe/Amsterdam')::date + 400 - 14)",
                 tag, NULL);
    long long n = atoll(PQgetvalue(res, 0, 0));
    PQclear(res);
    return n;
}

/* The daily move of the horizon goes in steps (0012); a write during a move misses nothing. */
Test(schedule, the_horizon_moves_in_steps_and_a_write_during_a_move_misses_nothing)
{
    struct world w;
    PGconn *pg = it_db_connect();
    PGresult *res;
    char a[40], b[40], later[40], title[200], step[64], horizon[16], target[16], done_after[40];
    int more = 0;

    world(&w, NULL);
    snprintf(title, sizeof(title), "Dinsdagwandeling %s", w.tag);
    activity(&w, title, "2026-09-01T10:00", "2026-09-01T11:30", "FREQ=WEEKLY;BYDAY=TU", "", "", a);
    snprintf(title, sizeof(title), "Donderdagkoor %s", w.tag);
    activity(&w, title, "2026-09-03T19:30", "2026-09-03T21:00", "FREQ=WEEKLY;BYDAY=TH", "", "", b);
    cr_assert_eq(activities_short_of_horizon(pg, w.tag), 0);

    /* three weeks of horizon taken back, as if the daemon had been off for three weeks */
    res = db_query(pg, "SELECT horizon::text FROM sk_occ_state", NULL, NULL);
    snprintf(target, sizeof(target), "%s", PQgetvalue(res, 0, 0));
    PQclear(res);
    PQclear(db_query(pg, "UPDATE sk_occ_state SET horizon = horizon - 21", NULL, NULL));
    PQclear(
        db_query(pg, "DELETE FROM sk_occurrences WHERE local_start >= (SELECT horizon FROM sk_occ_state)", NULL, NULL));
    cr_assert_eq(activities_short_of_horizon(pg, w.tag), 2);

    /* one activity per step: more to do */
    res = db_query(pg, "SELECT sk_occurrences_extend_step(1)", NULL, NULL);
    snprintf(step, sizeof(step), "%s", PQgetvalue(res, 0, 0));
    PQclear(res);
    cr_assert(strncmp(step, "more ", 5) == 0, "first step: %s", step);
    res = db_query(pg, "SELECT horizon::text FROM sk_occ_state", NULL, NULL);
    snprintf(horizon, sizeof(horizon), "%s", PQgetvalue(res, 0, 0));
    PQclear(res);
    cr_assert_str_neq(horizon, target, "the horizon moves only with the last step");

    /* during the move: a new activity, and a change to one the move has passed */
    snprintf(title, sizeof(title), "Vrijdagmarkt %s", w.tag);
    activity(&w, title, "2026-09-04T09:00", "2026-09-04T12:00", "FREQ=WEEKLY;BYDAY=FR", "", "", later);
    res = db_query(pg, "SELECT done_after::text FROM sk_occ_move", NULL, NULL);
    snprintf(done_after, sizeof(done_after), "%s", PQgetvalue(res, 0, 0));
    PQclear(res);
    PQclear(db_query(pg, "UPDATE entries SET exdates = exdates || '2020-01-01'::date WHERE id = $1", done_after, NULL));

    for (int i = 0; i < 100000; i++) {
        res = db_query(pg, "SELECT sk_occurrences_extend_step(500)", NULL, NULL);
        snprintf(step, sizeof(step), "%s", PQgetvalue(res, 0, 0));
        PQclear(res);
        if (strncmp(step, "done ", 5) == 0)
            break;
        cr_assert(strncmp(step, "more ", 5) == 0, "step: %s", step);
        more++;
    }
    cr_assert(strncmp(step, "done ", 5) == 0, "the move ends: %s after %d steps", step, more);
    res = db_query(pg, "SELECT horizon = (now() AT TIME ZONE 'Europe/Amsterdam')::date + 400 FROM sk_occ_state", NULL,
                   NULL);
    cr_assert_str_eq(PQgetvalue(res, 0, 0), "t", "the horizon is back where it belongs (13 months ahead)");
    PQclear(res);
    cr_assert_eq(activities_short_of_horizon(pg, w.tag), 0, "every weekly activity reaches the horizon again");
    res = db_query(pg, "SELECT moving_to IS NULL FROM sk_occ_move", NULL, NULL);
    cr_assert_str_eq(PQgetvalue(res, 0, 0), "t", "no move under way");
    PQclear(res);
    res = db_query(pg, "SELECT sk_occurrences_extend_step()", NULL, NULL);
    cr_assert_str_eq(PQgetvalue(res, 0, 0), "done 0", "nothing left to do");
    PQclear(res);
    PQfinish(pg);
}
