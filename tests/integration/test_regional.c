/*
 * test_regional.c — issue 16, item 2 (in part): an entry that serves other
 * municipalities too (also_serves), as a regional organisation's offer does.
 * A search in such a municipality, or in one of its kernen, finds it, in the
 * index (anonymous) and in SQL (with a key), with the facets counting it
 * there; the coverage counts it where it serves; the entry's page and the
 * HSDS feed say so; bad codes name the field.
 */
#include <criterion/criterion.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "it.h"

#include "it_hooks.h"

TestSuite(regional, .fini = it_release);

#define PATH(buf, ...) (snprintf((buf), sizeof(buf), __VA_ARGS__), (const char *)(buf))

static int count_of(struct json_object *cov, const char *list, const char *area, const char *key, const char *value)
{
    for (size_t i = 0; i < it_jlen(cov, list); i++) {
        char a[64], k[64], c[64];
        const char *ar = it_js(cov, PATH(a, "%s.%zu.area", list, i)),
                   *kv = it_js(cov, PATH(k, "%s.%zu.%s", list, i, key));
        if (strcmp(ar, area) == 0 && strcmp(kv, value) == 0)
            return json_object_get_int(it_jget(cov, PATH(c, "%s.%zu.count", list, i)));
    }
    return -1;
}

Test(regional, an_entry_serves_other_municipalities_too)
{
    char org[40], mod[128], partner[128], tag[32], body[1400], path[300], reg[40], local[40];
    struct json_object *j;
    struct it_response r;
    int before;

    it_word_tag(tag, sizeof(tag), "rg", 'a');
    it_make_org("Regionaal Steunpunt (regio)", org);
    it_make_key(org, "moderator", "GM0512", mod);
    it_make_key(org, "partner", NULL, partner);

    j = it_call(200, "GET", "/api/v1/stats/coverage?municipality=GM0668", NULL, NULL);
    before = count_of(j, "by_kind", "GM0668", "kind", "carer_support");

    /* at home in Gorinchem, for all of it, and for all of West Maas en Waal too */
    snprintf(body, sizeof(body),
             "{\"organisation_id\":\"%s\",\"title\":\"Mantelzorglijn regio %s\",\"municipality\":\"GM0512\","
             "\"also_serves\":[\"GM0668\"],\"support_kind\":\"advice\",\"for_whom\":[\"mantelzorgers\"],"
             "\"contact\":{\"phone\":\"0183 600 600\"}}",
             org, tag);
    j = it_call(201, "POST", "/api/v1/carer-support", mod, body);
    snprintf(reg, sizeof(reg), "%s", it_js(j, "id"));
    cr_assert(it_jcontains(j, "also_serves", "GM0668"), "%s", it_jtext(j));
    /* and one only for a Gorinchem wijk */
    snprintf(body, sizeof(body),
             "{\"organisation_id\":\"%s\",\"title\":\"Mantelzorglijn wijk %s\",\"municipality\":\"GM0512\","
             "\"areas\":[\"GM0512-west\"],\"support_kind\":\"advice\"}",
             org, tag);
    j = it_call(201, "POST", "/api/v1/carer-support", mod, body);
    snprintf(local, sizeof(local), "%s", it_js(j, "id"));

    /* bad codes name the field */
    snprintf(body, sizeof(body),
             "{\"organisation_id\":\"%s\",\"title\":\"Fout\",\"municipality\":\"GM0512\",\"support_kind\":\"advice\","
             "\"also_serves\":[\"GM9999\",\"GM0512\"]}",
             org);
    j = it_call(422, "POST", "/api/v1/carer-support", partner, body);
    cr_assert(it_names_exact_field(j, "also_serves[0]") && it_names_exact_field(j, "also_serves[1]"), "%s",
              it_jtext(j));
    snprintf(body, sizeof(body),
             "{\"organisation_id\":\"%s\",\"title\":\"Fout\",\"municipality\":\"GM0512\",\"support_kind\":\"advice\","
             "\"also_serves\":[\"0668\"]}",
             org);
    j = it_call(422, "POST", "/api/v1/carer-support", partner, body);
    cr_assert(it_names_field(j, "also_serves"), "%s", it_jtext(j));

    for (int k = 0; k < 2; k++) {
        const char *key = k ? mod : NULL;
        j = it_call(200, "GET", PATH(path, "/api/v1/search?q=%s&municipality=GM0668&facets=true", tag), key, NULL);
        cr_assert(it_has_id(j, reg) && !it_has_id(j, local), "%s", it_jtext(j));
        j = it_call(200, "GET", PATH(path, "/api/v1/search?q=%s&area=GM0668-alphen&facets=true", tag), key, NULL);
        cr_assert(it_has_id(j, reg) && !it_has_id(j, local), "a kern of a municipality it serves: %s", it_jtext(j));
        j = it_call(200, "GET", PATH(path, "/api/v1/search?q=%s&area=GM0668&facets=true", tag), key, NULL);
        cr_assert(it_has_id(j, reg) && !it_has_id(j, local), "%s", it_jtext(j));
        j = it_call(200, "GET", PATH(path, "/api/v1/search?q=%s&area=GM0512-west&facets=true", tag), key, NULL);
        cr_assert(it_has_id(j, reg) && it_has_id(j, local), "its own municipality's wijk: %s", it_jtext(j));
        j = it_call(200, "GET", PATH(path, "/api/v1/search?q=%s&facets=true", tag), key, NULL);
        cr_assert_eq(json_object_get_int(it_jget(j, "facets.municipality.GM0668")), 1, "%s", it_jtext(j));
        cr_assert_eq(json_object_get_int(it_jget(j, "facets.municipality.GM0512")), 2, "%s", it_jtext(j));
        cr_assert_eq(json_object_get_int(it_jget(j, "facets.area.GM0668-alphen")), 1, "%s", it_jtext(j));
        cr_assert_eq(json_object_get_int(it_jget(j, "facets.area.GM0512-west")), 2, "%s", it_jtext(j));
        cr_assert_eq(json_object_get_int(it_jget(j, "facets.area.GM0512-lingewijk")), 1, "%s", it_jtext(j));
    }

    /* where it serves: the coverage, the entry's page, HSDS */
    j = it_call(200, "GET", "/api/v1/stats/coverage?municipality=GM0668", NULL, NULL);
    cr_assert_eq(count_of(j, "by_kind", "GM0668", "kind", "carer_support"), before + 1, "%s", it_jtext(j));
    cr_assert_eq(it_get(PATH(path, "/aanbod/%s", reg), NULL, &r), 0);
    cr_assert(strstr(r.body, "ook voor West Maas en Waal"), "%.2000s", r.body);
    it_response_free(&r);
    j = it_call(200, "GET", PATH(path, "/api/v1/hsds/services?organisation=%s", org), NULL, NULL);
    cr_assert(strstr(it_jtext(j), "\"West Maas en Waal\""), "%s", it_jtext(j));

    /* no longer regional: West Maas en Waal no longer finds it */
    j = it_call_if(200, "PATCH", PATH(path, "/api/v1/carer-support/%s", reg), mod, "{\"also_serves\":[]}", 1);
    j = it_call(200, "GET", PATH(path, "/api/v1/search?q=%s&municipality=GM0668", tag), NULL, NULL);
    cr_assert(!it_has_id(j, reg), "%s", it_jtext(j));
}
