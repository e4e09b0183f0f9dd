/*
 * test_area_aliases.c — issue 16, item 2 (in part): an area's other names
 * (Gildenwijk is also written Gildewijk). The seeded alias finds the
 * Gildenwijk's entries; a moderator adds one to a wijk of their municipality
 * and the wijk's entries are found by it at once, in the index (anonymous)
 * and in SQL (with a key); bad aliases name the field; another municipality's
 * moderator cannot change them.
 */
#include <criterion/criterion.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "it.h"

#include "it_hooks.h"

TestSuite(area_aliases, .fini = it_release);

#define PATH(buf, ...) (snprintf((buf), sizeof(buf), __VA_ARGS__), (const char *)(buf))

Test(area_aliases, an_area_is_found_by_its_other_names)
{
    char org[40], mod[128], mod668[128], tag[48], alias[64], body[1200], path[300], gilde[40], haar[40];
    struct json_object *j;

    it_word_tag(tag, sizeof(tag), "al", 'a');
    it_word_tag(alias, sizeof(alias), "Haarbuurt", 'p');
    it_make_org("Buurtwerk (aliassen)", org);
    it_make_key(org, "moderator", "GM0512", mod);
    it_make_key(org, "moderator", "GM0668", mod668);

    j = it_call(200, "GET", "/api/v1/areas/GM0512-gildenwijk", NULL, NULL);
    cr_assert(it_jcontains(j, "aliases", "Gildewijk"), "seeded alias: %s", it_jtext(j));

    snprintf(body, sizeof(body),
             "{\"organisation_id\":\"%s\",\"title\":\"Buurtmaaltijd %s\",\"municipality\":\"GM0512\","
             "\"areas\":[\"GM0512-gildenwijk\"],\"address\":{\"street\":\"Gildenweg\",\"house_number\":\"3\","
             "\"postcode\":\"4207 AA\",\"city\":\"Gorinchem\"}}",
             org, tag);
    j = it_call(201, "POST", "/api/v1/places", mod, body);
    snprintf(gilde, sizeof(gilde), "%s", it_js(j, "id"));
    snprintf(body, sizeof(body),
             "{\"organisation_id\":\"%s\",\"title\":\"Buurtmaaltijd %s\",\"municipality\":\"GM0512\","
             "\"areas\":[\"GM0512-haarwijk\"],\"address\":{\"street\":\"Haarweg\",\"house_number\":\"3\","
             "\"postcode\":\"4207 AB\",\"city\":\"Gorinchem\"}}",
             org, tag);
    j = it_call(201, "POST", "/api/v1/places", mod, body);
    snprintf(haar, sizeof(haar), "%s", it_js(j, "id"));

    /* a moderator of GM0512 gives the Haarwijk another name; West Maas en Waal's may not */
    j = it_call(200, "GET", "/api/v1/areas/GM0512-haarwijk", NULL, NULL);
    snprintf(body, sizeof(body), "{\"name\":\"%s\",\"kind\":\"wijk\",\"municipality\":\"GM0512\",\"aliases\":[\"%s\"]}",
             it_js(j, "name"), alias);
    it_call(403, "PUT", "/api/v1/areas/GM0512-haarwijk", mod668, body);
    j = it_call(200, "PUT", "/api/v1/areas/GM0512-haarwijk", mod, body);
    cr_assert(it_jcontains(j, "aliases", alias), "%s", it_jtext(j));

    for (int k = 0; k < 2; k++) {
        const char *key = k ? mod : NULL;
        j = it_call(200, "GET", PATH(path, "/api/v1/search?q=Gildewijk+%s&limit=50", tag), key, NULL);
        cr_assert(it_has_id(j, gilde) && !it_has_id(j, haar), "the seeded alias: %s", it_jtext(j));
        j = it_call(200, "GET", PATH(path, "/api/v1/search?q=%s+%s&limit=50", alias, tag), key, NULL);
        cr_assert(it_has_id(j, haar) && !it_has_id(j, gilde), "the new alias, at once: %s", it_jtext(j));
    }

    /* bad aliases name the field */
    j = it_call(422, "PUT", "/api/v1/areas/GM0512-haarwijk", mod,
                "{\"name\":\"Haarwijk\",\"kind\":\"wijk\",\"municipality\":\"GM0512\",\"aliases\":[\"\",7]}");
    cr_assert(it_names_field(j, "aliases[0]") && it_names_field(j, "aliases[1]"), "%s", it_jtext(j));
    j = it_call(422, "PUT", "/api/v1/areas/GM0512-haarwijk", mod,
                "{\"name\":\"Haarwijk\",\"kind\":\"wijk\",\"municipality\":\"GM0512\",\"aliases\":[\"a\",\"b\",\"c\","
                "\"d\",\"e\",\"f\",\"g\",\"h\",\"i\",\"j\",\"k\"]}");
    cr_assert(it_names_field(j, "aliases"), "%s", it_jtext(j));
    j = it_call(200, "PUT", "/api/v1/areas/GM0512-haarwijk", mod,
                "{\"name\":\"Haarwijk\",\"kind\":\"wijk\",\"municipality\":\"GM0512\"}");
    cr_assert_eq(it_jlen(j, "aliases"), 0, "left out: none: %s", it_jtext(j));
}
