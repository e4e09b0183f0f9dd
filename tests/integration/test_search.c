/*
 * test_search.c — issue 5: the resident search over real HTTP against the
 * real database. Dutch full text (stemming, diacritics, prefix, typos,
 * organisation and place names), filters and their facet counts, activities
 * expanded into occurrences across the change to winter time with an
 * exception date and a holiday set left out, distance order, complete
 * duplicate-free paging (also while entries are added), and 400s that name
 * the parameter.
 *
 * Every test makes its own organisation (admin key, so entries are published
 * at once) and puts a unique made-up word (the tag) in its titles, so a
 * search for the tag sees only that test's entries, on any database.
 */
#include <criterion/criterion.h>
#include <json-c/json.h>
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

static struct json_object *get(long want, const char *path)
{
    return it_call(want, "GET", path, NULL, NULL);
}

static int jint(struct json_object *o, const char *path)
{
    struct json_object *v = it_jget(o, path);
    return v ? json_object_get_int(v) : -1;
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

static bool names_field(struct json_object *problem, const char *field)
{
    struct json_object *errs = it_jget(problem, "errors");
    for (size_t i = 0; json_object_is_type(errs, json_type_array) && i < json_object_array_length(errs); i++)
        if (strcmp(it_js(json_object_array_get_idx(errs, i), "field"), field) == 0)
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

#define LINGEWIJK_ADDR                                                                                       \
    "\"address\":{\"street\":\"Lingewijkerweg\",\"house_number\":\"12\",\"postcode\":\"4205 AB\","            \
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
    snprintf(body, sizeof(body),
             "{\"title\":\"%s\",\"summary\":\"Samen een uur door de wijk.\",\"municipality\":\"GM0512\","
             "\"areas\":[\"GM0512-lingewijk\"],\"themes\":[\"beweging\"],\"audiences\":[\"ouderen\"]," LINGEWIJK_ADDR ","
             "\"schedule\":{\"start\":\"2026-09-01T10:00\",\"end\":\"2026-09-01T11:00\",\"rrule\":\"FREQ=WEEKLY;BYDAY=TU\"},"
             "\"registration\":\"none\",\"address_visibility\":\"public\"}", title);
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
    snprintf(body, sizeof(body),
             "{\"title\":\"Mantelzorgsteunpunt %s\",\"summary\":\"Steun voor mantelzorgers.\",\"municipality\":\"GM0668\","
             "\"areas\":[\"GM0668-dreumel\"],\"themes\":[\"mantelzorg\"],\"audiences\":[\"mantelzorgers\"],"
             "\"support_kind\":\"advice\",\"for_whom\":[\"mantelzorgers\"]}", w.tag);
    create(&w, "carer-support", body, dreumel);

    /* stemming: wandelen finds Wandelgroep (title) and wandeling (description); the title ranks first */
    snprintf(path, sizeof(path), "/api/v1/search?q=wandelen%%20%s", w.tag);
    r = get(200, path);
    cr_assert_eq(it_jlen(r, "items"), 2, "%s", it_jtext(r));
    cr_assert_str_eq(it_js(r, "items.0.id"), walk, "title match first: %s", it_jtext(r));
    cr_assert_str_eq(it_js(r, "items.1.id"), desc_only);
    cr_assert_str_eq(it_js(r, "sort"), "relevance");

    /* diacritics: cafe finds Café; café finds it too */
    snprintf(path, sizeof(path), "/api/v1/search?q=cafe%%20%s", w.tag);
    r = get(200, path);
    cr_assert_eq(it_jlen(r, "items"), 1, "%s", it_jtext(r));
    cr_assert_str_eq(it_js(r, "items.0.id"), cafe);
    snprintf(path, sizeof(path), "/api/v1/search?q=%s%%20caf%%C3%%A9", w.tag);
    cr_assert(has_id(get(200, path), cafe));

    /* prefix while typing */
    snprintf(path, sizeof(path), "/api/v1/search?q=%s%%20buurth", w.tag);
    r = get(200, path);
    cr_assert_eq(it_jlen(r, "items"), 1, "%s", it_jtext(r));
    cr_assert_str_eq(it_js(r, "items.0.id"), house);

    /* a typo in a long word */
    snprintf(path, sizeof(path), "/api/v1/search?q=eenzaamhied%%20%s", w.tag);
    r = get(200, path);
    cr_assert(has_id(r, lonely), "%s", it_jtext(r));

    /* organisation name and place name (Dreumel is the kern of the carer offer) */
    snprintf(path, sizeof(path), "/api/v1/search?q=vriendenkring%%20%s", w.tag);
    cr_assert_eq(it_jlen(get(200, path), "items"), 6);
    snprintf(path, sizeof(path), "/api/v1/search?q=dreumel%%20%s", w.tag);
    r = get(200, path);
    cr_assert_eq(it_jlen(r, "items"), 1, "%s", it_jtext(r));
    cr_assert_str_eq(it_js(r, "items.0.id"), dreumel);

    /* a kind's list takes the same q and keeps to its kind */
    snprintf(path, sizeof(path), "/api/v1/places?q=%s", w.tag);
    r = get(200, path);
    cr_assert_eq(it_jlen(r, "items"), 4, "%s", it_jtext(r));
    cr_assert_null(it_jget(r, "facets"));
}

/* ------------------------------------------------------------------ */
/* Filters and facets */

Test(filters, every_filter_and_the_facet_counts)
{
    struct world w;
    char p1[40], p2[40], v1[40], v2[40], c1[40], title[200], body[2000], path[400];
    struct json_object *r, *f;

    world(&w, NULL);
    snprintf(title, sizeof(title), "Sportzaal %s", w.tag);
    snprintf(body, sizeof(body),
             "{\"title\":\"%s\",\"municipality\":\"GM0512\",\"areas\":[\"GM0512-lingewijk\"],\"themes\":[\"beweging\"],"
             "\"audiences\":[\"ouderen\"],\"accessibility\":{\"wheelchair\":\"yes\",\"hearing_loop\":\"yes\"},"
             "\"cost\":{\"free\":true},\"languages\":[\"nl\",\"uk\"]," LINGEWIJK_ADDR ","
             "\"location\":{\"lat\":51.8395,\"lon\":4.9655}}", title);
    create(&w, "places", body, p1);
    snprintf(body, sizeof(body),
             "{\"title\":\"Stadsloket %s\",\"municipality\":\"GM0512\",\"areas\":[],\"themes\":[\"informatie-advies\"],"
             "\"audiences\":[\"iedereen\"],\"accessibility\":{\"wheelchair\":\"limited\"},"
             "\"cost\":{\"amount_eur\":2,\"discount_pass\":true},\"languages\":[\"nl\"]," LINGEWIJK_ADDR ","
             "\"location\":{\"lat\":51.8306,\"lon\":4.9742}}", w.tag);
    create(&w, "places", body, p2);
    snprintf(body, sizeof(body),
             "{\"title\":\"Vrijwilliger gezocht %s\",\"municipality\":\"GM0512\",\"areas\":[\"GM0512-dalem\"],"
             "\"themes\":[\"vrijwilligerswerk\"],\"audiences\":[\"volwassenen\"],\"skills\":[\"geduld\"],"
             "\"valid_until\":\"2099-12-31\"}", w.tag);
    create(&w, "vacancies", body, v1);
    snprintf(body, sizeof(body),
             "{\"title\":\"Oude oproep %s\",\"municipality\":\"GM0512\",\"areas\":[\"GM0512-dalem\"],"
             "\"themes\":[\"vrijwilligerswerk\"],\"audiences\":[\"volwassenen\"],\"skills\":[\"geduld\"],"
             "\"valid_until\":\"2026-01-31\"}", w.tag);
    create(&w, "vacancies", body, v2);
    snprintf(body, sizeof(body),
             "{\"title\":\"Lotgenoten %s\",\"municipality\":\"GM0668\",\"areas\":[\"GM0668-dreumel\"],"
             "\"themes\":[\"mantelzorg\"],\"audiences\":[\"mantelzorgers\"],"
             "\"support_kind\":\"peer-contact\",\"for_whom\":[\"mantelzorgers\"]}", w.tag);
    create(&w, "carer-support", body, c1);

    /* everything: the expired vacancy is not there; facets count what matches */
    snprintf(path, sizeof(path), "/api/v1/search?q=%s", w.tag);
    r = get(200, path);
    cr_assert_eq(it_jlen(r, "items"), 4, "%s", it_jtext(r));
    cr_assert_not(has_id(r, v2), "expired vacancy shown");
    f = it_jget(r, "facets");
    cr_assert_eq(jint(r, "total"), 4, "%s", it_jtext(r));
    cr_assert_eq(jint(f, "kind.place"), 2);
    cr_assert_eq(jint(f, "kind.vacancy"), 1);
    cr_assert_eq(jint(f, "kind.carer_support"), 1);
    cr_assert_eq(jint(f, "municipality.GM0512"), 3);
    /* the whole-municipality place counts in every Gorinchem area */
    cr_assert_eq(jint(f, "area.GM0512-lingewijk"), 2, "%s", it_jtext(f));
    cr_assert_eq(jint(f, "area.GM0512-dalem"), 2);
    cr_assert_eq(jint(f, "area.GM0512-west"), 1);
    cr_assert_eq(jint(f, "area.GM0668-dreumel"), 1);
    /* a parent theme counts its children */
    cr_assert_eq(jint(f, "theme.beweging"), 1);
    cr_assert_eq(jint(f, "theme.gezonde-leefstijl"), 1);
    cr_assert_eq(jint(f, "theme.betrokken-samenleving"), 2);
    cr_assert_eq(jint(f, "audience.ouderen"), 1);
    cr_assert_eq(jint(f, "accessibility.wheelchair"), 1);
    cr_assert_eq(jint(f, "accessibility.wheelchair:limited"), 2);
    cr_assert_eq(jint(f, "accessibility.hearing_loop"), 1);

    /* area: its own entries and the whole municipality's; the facet count is what the filter gives */
    snprintf(path, sizeof(path), "/api/v1/search?q=%s&area=GM0512-lingewijk", w.tag);
    r = get(200, path);
    cr_assert_eq(it_jlen(r, "items"), 2, "%s", it_jtext(r));
    cr_assert(has_id(r, p1) && has_id(r, p2));
    cr_assert_eq(jint(r, "total"), 2);
    snprintf(path, sizeof(path), "/api/v1/search?q=%s&area=GM0512-dalem,GM0668-dreumel", w.tag);
    cr_assert_eq(it_jlen(get(200, path), "items"), 3);

    snprintf(path, sizeof(path), "/api/v1/search?q=%s&theme=gezonde-leefstijl", w.tag);
    r = get(200, path);
    cr_assert_eq(it_jlen(r, "items"), 1);
    cr_assert_str_eq(it_js(r, "items.0.id"), p1);
    snprintf(path, sizeof(path), "/api/v1/search?q=%s&audience=mantelzorgers,volwassenen", w.tag);
    cr_assert_eq(it_jlen(get(200, path), "items"), 2);
    snprintf(path, sizeof(path), "/api/v1/search?q=%s&access=wheelchair", w.tag);
    r = get(200, path);
    cr_assert_eq(it_jlen(r, "items"), 1);
    cr_assert_str_eq(it_js(r, "items.0.id"), p1);
    snprintf(path, sizeof(path), "/api/v1/search?q=%s&access=wheelchair:limited", w.tag);
    cr_assert_eq(it_jlen(get(200, path), "items"), 2);
    snprintf(path, sizeof(path), "/api/v1/search?q=%s&access=wheelchair:limited,hearing_loop", w.tag);
    cr_assert_eq(it_jlen(get(200, path), "items"), 1);
    snprintf(path, sizeof(path), "/api/v1/search?q=%s&free=true", w.tag);
    r = get(200, path);
    cr_assert_eq(it_jlen(r, "items"), 1);
    cr_assert_str_eq(it_js(r, "items.0.id"), p1);
    snprintf(path, sizeof(path), "/api/v1/search?q=%s&discount_pass=true", w.tag);
    r = get(200, path);
    cr_assert_eq(it_jlen(r, "items"), 1);
    cr_assert_str_eq(it_js(r, "items.0.id"), p2);
    snprintf(path, sizeof(path), "/api/v1/search?q=%s&language=uk", w.tag);
    cr_assert_eq(it_jlen(get(200, path), "items"), 1);
    snprintf(path, sizeof(path), "/api/v1/search?q=%s&kind=places,carer-support", w.tag);
    cr_assert_eq(it_jlen(get(200, path), "items"), 3);
    snprintf(path, sizeof(path), "/api/v1/search?q=%s&municipality=GM0668", w.tag);
    r = get(200, path);
    cr_assert_eq(it_jlen(r, "items"), 1);
    cr_assert_str_eq(it_js(r, "items.0.id"), c1);
    snprintf(path, sizeof(path), "/api/v1/search?organisation=%s", w.org);
    cr_assert_eq(it_jlen(get(200, path), "items"), 4);
    snprintf(path, sizeof(path), "/api/v1/vacancies?q=%s", w.tag);
    r = get(200, path);
    cr_assert_eq(it_jlen(r, "items"), 1);
    cr_assert_str_eq(it_js(r, "items.0.id"), v1);
    /* open_at: Monday 10:00 the Lingewijk place (opening hours below) is open, Sunday not */
    {
        char o1[40];
        snprintf(title, sizeof(title), "Open huis %s", w.tag);
        place(&w, title, "[\"GM0512-lingewijk\"]",
              "\"opening_hours\":[{\"day\":\"mo\",\"opens\":\"09:00\",\"closes\":\"17:00\"}]", 51.84, 4.965, o1);
        snprintf(path, sizeof(path), "/api/v1/search?q=%s&kind=places&open_at=2026-11-30T10:00", w.tag);
        r = get(200, path);
        cr_assert_eq(it_jlen(r, "items"), 1, "%s", it_jtext(r));
        cr_assert_str_eq(it_js(r, "items.0.id"), o1);
        snprintf(path, sizeof(path), "/api/v1/search?q=%s&kind=places&open_at=2026-11-29T10:00", w.tag);
        cr_assert_eq(it_jlen(get(200, path), "items"), 0);
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
             "\"areas\":[\"GM0512-lingewijk\"],\"themes\":[\"ontmoeten\"],\"audiences\":[\"iedereen\"]," LINGEWIJK_ADDR ","
             "\"location\":{\"lat\":51.8395,\"lon\":4.9655},\"schedule\":%s,"
             "\"registration\":\"none\",\"address_visibility\":\"public\"}", title, sched);
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

Test(schedule, weekly_and_first_monday_across_dst_with_exceptions)
{
    struct world w;
    char weekly[40], monthly[40], past[40], title[200], path[400], buf[2000];
    struct json_object *r;

    world(&w, NULL);
    /* Tuesdays 10:00; 13 Oct is an exception date, 20 Oct falls in the autumn school holiday (middle) */
    snprintf(title, sizeof(title), "Wandelclub %s", w.tag);
    activity(&w, title, "2026-09-01T10:00", "2026-09-01T11:30", "FREQ=WEEKLY;BYDAY=TU", "\"2026-10-13\"",
             "\"school-holidays-middle\"", weekly);
    /* first Monday 14:00; 4 Jan 2027 left out */
    snprintf(title, sizeof(title), "Eerste-maandagmiddag %s", w.tag);
    activity(&w, title, "2026-09-07T14:00", "2026-09-07T16:00", "FREQ=MONTHLY;BYDAY=1MO", "\"2027-01-04\"", "",
             monthly);
    snprintf(title, sizeof(title), "Voorbij %s", w.tag);
    activity(&w, title, "2026-01-10T10:00", "2026-01-10T12:00", NULL, NULL, NULL, past);

    /* local wall-clock times stay put; the UTC instants move by an hour on 25 October */
    snprintf(path, sizeof(path), "/api/v1/activities/%s/occurrences?from=2026-10-01&to=2026-11-11", weekly);
    r = get(200, path);
    cr_assert_str_eq(it_js(r, "activity_id"), weekly);
    cr_assert_str_eq(starts(r, buf, sizeof(buf)), "2026-10-06T10:00 2026-10-27T10:00 2026-11-03T10:00 2026-11-10T10:00");
    cr_assert_str_eq(members(r, "start_utc", buf, sizeof(buf)),
                     "2026-10-06T08:00:00Z 2026-10-27T09:00:00Z 2026-11-03T09:00:00Z 2026-11-10T09:00:00Z");
    cr_assert_str_eq(it_js(r, "items.1.end"), "2026-10-27T11:30");

    snprintf(path, sizeof(path), "/api/v1/activities/%s/occurrences?from=2026-09-01&to=2027-05-01", monthly);
    r = get(200, path);
    cr_assert_str_eq(starts(r, buf, sizeof(buf)),
                     "2026-09-07T14:00 2026-10-05T14:00 2026-11-02T14:00 2026-12-07T14:00 2027-02-01T14:00 "
                     "2027-03-01T14:00 2027-04-05T14:00");
    cr_assert_str_eq(members(r, "start_utc", buf, sizeof(buf)),
                     "2026-09-07T12:00:00Z 2026-10-05T12:00:00Z 2026-11-02T13:00:00Z 2026-12-07T13:00:00Z "
                     "2027-02-01T13:00:00Z 2027-03-01T13:00:00Z 2027-04-05T12:00:00Z");

    /* the search shows the occurrences in its window, soonest first */
    snprintf(path, sizeof(path), "/api/v1/search?q=%s&from=2026-10-01&to=2026-11-11&sort=date", w.tag);
    r = get(200, path);
    cr_assert_eq(it_jlen(r, "items"), 2, "%s", it_jtext(r));
    cr_assert_str_eq(it_js(r, "sort"), "date");
    cr_assert_str_eq(it_js(r, "items.0.id"), monthly, "the earliest occurrence first: %s", it_jtext(r));
    cr_assert_str_eq(starts(it_jget(item_by_id(r, weekly), "occurrences"), buf, sizeof(buf)),
                     "2026-10-06T10:00 2026-10-27T10:00 2026-11-03T10:00");
    cr_assert_str_eq(starts(it_jget(item_by_id(r, monthly), "occurrences"), buf, sizeof(buf)),
                     "2026-10-05T14:00 2026-11-02T14:00");
    /* without a sort, a window sorts by date too */
    snprintf(path, sizeof(path), "/api/v1/search?area=GM0512-lingewijk&kind=activities&from=2026-10-01&to=2026-11-11");
    cr_assert_str_eq(it_js(get(200, path), "sort"), "date");

    /* a window holding only excluded dates: nothing */
    snprintf(path, sizeof(path), "/api/v1/search?q=%s&from=2026-10-12&to=2026-10-26", w.tag);
    cr_assert_eq(it_jlen(get(200, path), "items"), 0);
    /* day and time of day */
    snprintf(path, sizeof(path), "/api/v1/search?q=%s&from=2026-10-01&to=2026-11-11&day=mon", w.tag);
    r = get(200, path);
    cr_assert_eq(it_jlen(r, "items"), 1);
    cr_assert_str_eq(it_js(r, "items.0.id"), monthly);
    snprintf(path, sizeof(path), "/api/v1/search?q=%s&time_of_day=morning", w.tag);
    r = get(200, path);
    cr_assert_eq(it_jlen(r, "items"), 1);
    cr_assert_str_eq(it_js(r, "items.0.id"), weekly);

    /* a past one-off activity drops out of the search, but its page and occurrences remain */
    snprintf(path, sizeof(path), "/api/v1/search?q=%s", w.tag);
    r = get(200, path);
    cr_assert_eq(it_jlen(r, "items"), 2, "%s", it_jtext(r));
    cr_assert_not(has_id(r, past));
    snprintf(path, sizeof(path), "/api/v1/activities/%s/occurrences?from=2026-01-01&to=2026-02-01", past);
    cr_assert_str_eq(starts(get(200, path), buf, sizeof(buf)), "2026-01-10T10:00");

    /* unknown activity: 404; bad window: 400 naming the parameter */
    get(404, "/api/v1/activities/00000000-0000-4000-8000-000000000000/occurrences?from=2026-10-01&to=2026-11-01");
    snprintf(path, sizeof(path), "/api/v1/activities/%s/occurrences?to=2026-11-01", weekly);
    cr_assert(names_field(get(400, path), "from"));
    snprintf(path, sizeof(path), "/api/v1/activities/%s/occurrences?from=2026-01-01&to=2027-06-01", weekly);
    cr_assert(names_field(get(400, path), "to"));
}

/* ------------------------------------------------------------------ */
/* Near me */

Test(place, distance_filter_and_order)
{
    struct world w;
    char near[40], mid[40], far[40], title[200], path[400];
    struct json_object *r;

    world(&w, NULL);
    /* around the Grote Markt of Gorinchem (51.8306, 4.9742) */
    snprintf(title, sizeof(title), "Ver weg %s", w.tag);
    place(&w, title, "[]", "", 51.8560, 4.9742, far);         /* ~2.8 km */
    snprintf(title, sizeof(title), "Dichtbij %s", w.tag);
    place(&w, title, "[]", "", 51.8310, 4.9742, near);        /* ~45 m */
    snprintf(title, sizeof(title), "Halverwege %s", w.tag);
    place(&w, title, "[]", "", 51.8400, 4.9742, mid);         /* ~1 km */

    snprintf(path, sizeof(path), "/api/v1/search?q=%s&near=51.8306,4.9742&radius=2000&sort=distance", w.tag);
    r = get(200, path);
    cr_assert_eq(it_jlen(r, "items"), 2, "%s", it_jtext(r));
    cr_assert_str_eq(it_js(r, "items.0.id"), near);
    cr_assert_str_eq(it_js(r, "items.1.id"), mid);
    cr_assert(jint(r, "items.0.distance_m") < 100 && jint(r, "items.1.distance_m") > 900, "%s", it_jtext(r));

    snprintf(path, sizeof(path), "/api/v1/search?q=%s&near=51.8306,4.9742&radius=5000&sort=distance", w.tag);
    r = get(200, path);
    cr_assert_eq(it_jlen(r, "items"), 3);
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
    static const struct {
        const char *query, *field;
    } cases[] = {
        {"limit=101", "limit"},
        {"limit=0", "limit"},
        {"near=51.83,4.97&radius=90000", "radius"},
        {"near=48.85,2.35", "near"},
        {"from=2026-13-01", "from"},
        {"from=2026-12-01&to=2026-11-01", "to"},
        {"from=2026-01-01&to=2027-06-01", "to"},
        {"cursor=bm90LWEtY3Vyc29y", "cursor"},
        {"cursor=a%20b", "cursor"},
        {"area=GM0512-atlantis", "area"},
        {"theme=astrologie", "theme"},
        {"audience=marsmannetjes", "audience"},
        {"access=teleporter", "access"},
        {"access=wheelchair:maybe", "access"},
        {"municipality=GM9999", "municipality"},
        {"organisation=00000000-0000-4000-8000-000000000000", "organisation"},
        {"sort=distance", "sort"},
        {"sort=price", "sort"},
        {"day=funday", "day"},
        {"time_of_day=night", "time_of_day"},
        {"kind=spaceships", "kind"},
        {"aera=GM0512-west", "aera"},
        {"free=maybe", "free"},
    };
    char path[300];
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct it_response r;
        struct json_object *j;
        snprintf(path, sizeof(path), "/api/v1/search?%s", cases[i].query);
        cr_assert_eq(it_get(path, NULL, &r), 0);
        cr_assert_eq(r.status, 400, "%s -> %ld %s", path, r.status, r.body);
        j = it_keep(it_json(&r));
        cr_assert(names_field(j, cases[i].field), "%s: no error names %s: %s", path, cases[i].field, r.body);
        it_response_free(&r);
    }
    /* a cursor of another sort or another set of filters is refused as well */
    {
        struct json_object *r = get(200, "/api/v1/search?limit=1&facets=false");
        cr_assert(json_object_is_type(it_jget(r, "next_cursor"), json_type_string), "%s", it_jtext(r));
        snprintf(path, sizeof(path), "/api/v1/search?limit=1&sort=updated&cursor=%s", it_js(r, "next_cursor"));
        cr_assert(names_field(get(400, path), "cursor"));
        snprintf(path, sizeof(path), "/api/v1/search?limit=1&kind=places&cursor=%s", it_js(r, "next_cursor"));
        cr_assert(names_field(get(400, path), "cursor"));
        snprintf(path, sizeof(path), "/api/v1/search?limit=1&cursor=%s", it_js(r, "next_cursor"));
        get(200, path);
    }
}
