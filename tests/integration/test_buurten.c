/*
 * test_buurten.c — issue 16, item 2 (in part): a buurt inside a wijk. A
 * moderator adds two buurten to a wijk of their municipality (the parent is
 * required and must be a wijk or kern of it); a search in the wijk finds
 * what is for its buurten too, a search in a buurt what is for its wijk and
 * the whole municipality but not the other buurt's; the facets count as the
 * searches find, each entry once, in the index (anonymous) and in SQL (with a
 * key); the coverage has a row per buurt.
 */
#include <criterion/criterion.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "it.h"

#include "it_hooks.h"

TestSuite(buurten, .fini = it_release);

#define PATH(buf, ...) (snprintf((buf), sizeof(buf), __VA_ARGS__), (const char *)(buf))

static int facet(struct json_object *j, const char *area)
{
    char path[128];
    struct json_object *v = it_jget(j, PATH(path, "facets.area.%s", area));
    return v ? json_object_get_int(v) : 0;
}

Test(buurten, a_wijk_and_its_buurten_find_each_other)
{
    char org[40], mod[128], mod668[128], tag[32], body[1400], path[300], b1[64], b2[64], wijk[40], inb1[40], inb2[40],
        both[40], whole[40];
    struct json_object *j;

    it_word_tag(tag, sizeof(tag), "bt", 'a');
    it_make_org("Buurtteam (buurten)", org);
    it_make_key(org, "moderator", "GM0512", mod);
    it_make_key(org, "moderator", "GM0668", mod668);
    snprintf(b1, sizeof(b1), "GM0512-dalem-%s-noord", tag);
    snprintf(b2, sizeof(b2), "GM0512-dalem-%s-zuid", tag);

    /* two buurten in the wijk Dalem */
    snprintf(body, sizeof(body),
             "{\"name\":\"Dalem-Noord %s\",\"kind\":\"buurt\",\"municipality\":\"GM0512\","
             "\"parent\":\"GM0512-dalem\"}",
             tag);
    it_call(403, "PUT", PATH(path, "/api/v1/areas/%s", b1), mod668, body);
    j = it_call(201, "PUT", path, mod, body);
    cr_assert_str_eq(it_js(j, "parent"), "GM0512-dalem", "%s", it_jtext(j));
    snprintf(body, sizeof(body),
             "{\"name\":\"Dalem-Zuid %s\",\"kind\":\"buurt\",\"municipality\":\"GM0512\","
             "\"parent\":\"GM0512-dalem\"}",
             tag);
    it_call(201, "PUT", PATH(path, "/api/v1/areas/%s", b2), mod, body);

    /* bad buurten name the field */
    j = it_call(422, "PUT", PATH(path, "/api/v1/areas/GM0512-%s-x", tag), mod,
                "{\"name\":\"X\",\"kind\":\"buurt\",\"municipality\":\"GM0512\"}");
    cr_assert(it_names_field(j, "parent"), "%s", it_jtext(j));
    j = it_call(422, "PUT", path, mod,
                "{\"name\":\"X\",\"kind\":\"buurt\",\"municipality\":\"GM0512\",\"parent\":\"GM0668-alphen\"}");
    cr_assert(it_names_field(j, "parent"), "another municipality's kern: %s", it_jtext(j));
    snprintf(body, sizeof(body), "{\"name\":\"X\",\"kind\":\"buurt\",\"municipality\":\"GM0512\",\"parent\":\"%s\"}",
             b1);
    j = it_call(422, "PUT", path, mod, body);
    cr_assert(it_names_field(j, "parent"), "a buurt in a buurt: %s", it_jtext(j));
    j = it_call(422, "PUT", path, mod,
                "{\"name\":\"X\",\"kind\":\"wijk\",\"municipality\":\"GM0512\",\"parent\":\"GM0512-dalem\"}");
    cr_assert(it_names_field(j, "parent"), "only a buurt has a parent: %s", it_jtext(j));
    j = it_call(422, "PUT", path, mod, "{\"name\":\"X\",\"kind\":\"straat\",\"municipality\":\"GM0512\"}");
    cr_assert(it_names_field(j, "kind") && strstr(it_jtext(j), "buurt"), "%s", it_jtext(j));

    /* entries: for the wijk, for each buurt, for a buurt and the wijk both, for the whole town */
#define ENTRY(id, title, areas)                                                                                        \
    do {                                                                                                               \
        snprintf(body, sizeof(body),                                                                                   \
                 "{\"organisation_id\":\"%s\",\"title\":\"%s %s\",\"municipality\":\"GM0512\",\"areas\":%s,"           \
                 "\"support_kind\":\"advice\"}",                                                                       \
                 org, title, tag, areas);                                                                              \
        j = it_call(201, "POST", "/api/v1/carer-support", mod, body);                                                  \
        snprintf(id, sizeof(id), "%s", it_js(j, "id"));                                                                \
    } while (0)
    {
        char a1[96], a2[96], a12[160];
        snprintf(a1, sizeof(a1), "[\"%s\"]", b1);
        snprintf(a2, sizeof(a2), "[\"%s\"]", b2);
        snprintf(a12, sizeof(a12), "[\"%s\",\"GM0512-dalem\"]", b1);
        ENTRY(wijk, "Wijksteun", "[\"GM0512-dalem\"]");
        ENTRY(inb1, "Buurtsteun noord", a1);
        ENTRY(inb2, "Buurtsteun zuid", a2);
        ENTRY(both, "Buurt en wijk", a12);
        ENTRY(whole, "Stadssteun", "[]");
    }
#undef ENTRY

    for (int k = 0; k < 2; k++) {
        const char *key = k ? mod : NULL;
        j = it_call(200, "GET", PATH(path, "/api/v1/search?q=%s&area=GM0512-dalem&facets=true&limit=50", tag), key,
                    NULL);
        cr_assert(it_has_id(j, wijk) && it_has_id(j, inb1) && it_has_id(j, inb2) && it_has_id(j, both) &&
                      it_has_id(j, whole),
                  "the wijk finds its buurten's: %s", it_jtext(j));
        j = it_call(200, "GET", PATH(path, "/api/v1/search?q=%s&area=%s&facets=true&limit=50", tag, b1), key, NULL);
        cr_assert(it_has_id(j, wijk) && it_has_id(j, inb1) && !it_has_id(j, inb2) && it_has_id(j, both) &&
                      it_has_id(j, whole),
                  "a buurt finds its wijk's, not the other buurt's: %s", it_jtext(j));
        j = it_call(200, "GET", PATH(path, "/api/v1/search?q=%s&area=GM0512-lingewijk&limit=50", tag), key, NULL);
        cr_assert(it_has_id(j, whole) && !it_has_id(j, wijk) && !it_has_id(j, inb1), "%s", it_jtext(j));
        /* the facets count what a search in each area would find, each entry once */
        j = it_call(200, "GET", PATH(path, "/api/v1/search?q=%s&facets=true&limit=50", tag), key, NULL);
        cr_assert_eq(facet(j, "GM0512-dalem"), 5, "%s", it_jtext(j));
        cr_assert_eq(facet(j, b1), 4, "%s", it_jtext(j));
        cr_assert_eq(facet(j, b2), 4, "%s", it_jtext(j));
        cr_assert_eq(facet(j, "GM0512-lingewijk"), 1, "%s", it_jtext(j));
    }

    /* the coverage has the buurten */
    j = it_call(200, "GET", "/api/v1/stats/coverage?municipality=GM0512", mod, NULL);
    cr_assert(strstr(it_jtext(j), b1) && strstr(it_jtext(j), b2), "coverage rows per buurt");
    j = it_call(200, "GET", "/api/v1/areas?municipality=GM0512", NULL, NULL);
    cr_assert(strstr(it_jtext(j), "\"parent\": \"GM0512-dalem\"") || strstr(it_jtext(j), "\"parent\":\"GM0512-dalem\""),
              "%.300s", it_jtext(j));
    /* retired, they are gone from the list (the other tests count Gorinchem's wijken) */
    it_call(204, "DELETE", PATH(path, "/api/v1/areas/%s", b1), mod, NULL);
    it_call(204, "DELETE", PATH(path, "/api/v1/areas/%s", b2), mod, NULL);
    j = it_call(200, "GET", "/api/v1/areas?municipality=GM0512", NULL, NULL);
    cr_assert_null(strstr(it_jtext(j), b1), "%.300s", it_jtext(j));
}
