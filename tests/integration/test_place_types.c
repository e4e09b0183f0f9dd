/*
 * test_place_types.c — issue 16, item 9: place types (buurthuis, Odensehuis,
 * dorpshuis of MFA …, a vocabulary admins keep through /api/v1/place-types)
 * and drop-in ("inloop, zonder aanmelden"), both as search filters, in the
 * index and in SQL, on the residents' page, the entry's page and the partner's
 * form. Bad input names the field; a drop-in activity cannot require signing
 * up; a vacancy has no drop-in.
 */
#include <criterion/criterion.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "it.h"

#include "it_hooks.h"

TestSuite(place_types, .fini = it_release);

#define PATH(buf, ...) (snprintf((buf), sizeof(buf), __VA_ARGS__), (const char *)(buf))

static bool has_id(struct json_object *j, const char *id)
{
    for (size_t i = 0; i < it_jlen(j, "items"); i++) {
        char path[32];
        if (strcmp(it_js(j, PATH(path, "items.%zu.id", i)), id) == 0)
            return true;
    }
    return false;
}

Test(place_types, places_have_a_type_entries_can_be_drop_in_and_both_are_filters)
{
    char org[40], mod[128], admin[128], partner[128], tag[32], body[1400], path[300], place[40], other[40], act[40];
    char signup[40], day[11];
    struct json_object *j;
    struct it_response r;

    it_tag(tag, sizeof(tag));
    { /* one word the text search keeps whole: letters only */
        char w[32] = "zp";
        size_t n = 2;
        for (const char *c = tag; *c && n < sizeof(w) - 1; c++)
            if (*c >= '0' && *c <= '9')
                w[n++] = (char)('a' + (*c - '0'));
        w[n] = '\0';
        snprintf(tag, sizeof(tag), "%s", w);
    }
    it_make_org("Odensehuis Gorinchem (plekken)", org);
    it_make_key(org, "moderator", "GM0512", mod);
    it_make_key(org, "admin", NULL, admin);
    it_make_key(org, "partner", NULL, partner);
    it_day(day, 12);

    /* the vocabulary: seeded, public, an admin's to change */
    j = it_call(200, "GET", "/api/v1/place-types", NULL, NULL);
    cr_assert(strstr(it_jtext(j), "\"odensehuis\"") && strstr(it_jtext(j), "Dorpshuis of MFA"), "%s", it_jtext(j));
    it_call(403, "PUT", PATH(path, "/api/v1/place-types/speeltuin-%s", tag), mod, "{\"label_nl\":\"Speeltuin\"}");
    j = it_call(201, "PUT", path, admin, "{\"label_nl\":\"Speeltuin\",\"label_en\":\"Playground\"}");
    cr_assert_str_eq(it_js(j, "label_nl"), "Speeltuin");

    /* a place with a type and drop-in, one without */
    snprintf(body, sizeof(body),
             "{\"organisation_id\":\"%s\",\"title\":\"Odensehuis De Linde %s\",\"municipality\":\"GM0512\","
             "\"areas\":[\"GM0512-west\"],\"place_type\":\"odensehuis\",\"drop_in\":true,\"address\":{\"street\":"
             "\"Stationsweg\",\"house_number\":\"8\",\"postcode\":\"4205 AA\",\"city\":\"Gorinchem\"}}",
             org, tag);
    j = it_call(201, "POST", "/api/v1/places", mod, body);
    snprintf(place, sizeof(place), "%s", it_js(j, "id"));
    cr_assert_str_eq(it_js(j, "place_type"), "odensehuis");
    cr_assert(json_object_get_boolean(it_jget(j, "drop_in")));
    snprintf(body, sizeof(body),
             "{\"organisation_id\":\"%s\",\"title\":\"Bibliotheek %s\",\"municipality\":\"GM0512\","
             "\"place_type\":\"bibliotheek\",\"address\":{\"street\":\"Groenmarkt\",\"house_number\":\"1\","
             "\"postcode\":\"4201 AB\",\"city\":\"Gorinchem\"}}",
             org, tag);
    j = it_call(201, "POST", "/api/v1/places", mod, body);
    snprintf(other, sizeof(other), "%s", it_js(j, "id"));
    /* a drop-in activity, and one to sign up for */
    snprintf(body, sizeof(body),
             "{\"organisation_id\":\"%s\",\"title\":\"Inloopkoffie %s\",\"municipality\":\"GM0512\",\"place_id\":"
             "\"%s\",\"drop_in\":true,\"schedule\":{\"start\":\"%sT10:00\",\"end\":\"%sT12:00\"}}",
             org, tag, place, day, day);
    j = it_call(201, "POST", "/api/v1/activities", mod, body);
    snprintf(act, sizeof(act), "%s", it_js(j, "id"));
    snprintf(body, sizeof(body),
             "{\"organisation_id\":\"%s\",\"title\":\"Geheugentraining %s\",\"municipality\":\"GM0512\",\"place_id\":"
             "\"%s\",\"registration\":\"required\",\"schedule\":{\"start\":\"%sT14:00\",\"end\":\"%sT15:00\"}}",
             org, tag, place, day, day);
    j = it_call(201, "POST", "/api/v1/activities", mod, body);
    snprintf(signup, sizeof(signup), "%s", it_js(j, "id"));

    /* bad input names the field and the rule */
    snprintf(body, sizeof(body),
             "{\"organisation_id\":\"%s\",\"title\":\"Fout\",\"municipality\":\"GM0512\",\"place_type\":"
             "\"kasteel\",\"drop_in\":\"ja\",\"address\":{\"street\":\"A\",\"house_number\":\"1\",\"postcode\":"
             "\"4201 AB\",\"city\":\"Gorinchem\"}}",
             org);
    j = it_call(422, "POST", "/api/v1/places", partner, body);
    cr_assert(it_names_field(j, "drop_in"), "%s", it_jtext(j));
    snprintf(body, sizeof(body),
             "{\"organisation_id\":\"%s\",\"title\":\"Fout\",\"municipality\":\"GM0512\",\"place_type\":"
             "\"kasteel\",\"address\":{\"street\":\"A\",\"house_number\":\"1\",\"postcode\":\"4201 AB\",\"city\":"
             "\"Gorinchem\"}}",
             org);
    j = it_call(422, "POST", "/api/v1/places", partner, body);
    cr_assert(it_names_field(j, "place_type"), "%s", it_jtext(j));
    snprintf(body, sizeof(body),
             "{\"organisation_id\":\"%s\",\"title\":\"Fout\",\"municipality\":\"GM0512\",\"online\":true,"
             "\"drop_in\":true,\"registration\":\"required\",\"place_type\":\"buurthuis\",\"schedule\":{\"start\":"
             "\"%sT10:00\",\"end\":\"%sT11:00\"}}",
             org, day, day);
    j = it_call(422, "POST", "/api/v1/activities", partner, body);
    cr_assert(it_names_field(j, "drop_in") && it_names_field(j, "place_type"), "%s", it_jtext(j));
    j = it_call(422, "POST", "/api/v1/vacancies", partner,
                "{\"title\":\"Fout\",\"municipality\":\"GM0512\",\"drop_in\":true}");
    cr_assert(it_names_field(j, "drop_in"), "a vacancy has no drop-in: %s", it_jtext(j));

    /* the filters, anonymous (the index) and with a key (PostgreSQL) */
    for (int k = 0; k < 2; k++) {
        const char *key = k ? mod : NULL;
        j = it_call(200, "GET", PATH(path, "/api/v1/search?q=%s&place_type=odensehuis&limit=50", tag), key, NULL);
        cr_assert(has_id(j, place) && !has_id(j, other) && !has_id(j, act), "%s", it_jtext(j));
        j = it_call(200, "GET", PATH(path, "/api/v1/search?q=%s&place_type=odensehuis,bibliotheek&limit=50", tag), key,
                    NULL);
        cr_assert(has_id(j, place) && has_id(j, other), "%s", it_jtext(j));
        j = it_call(200, "GET", PATH(path, "/api/v1/search?q=%s&drop_in=true&limit=50", tag), key, NULL);
        cr_assert(has_id(j, place) && has_id(j, act) && !has_id(j, signup) && !has_id(j, other), "%s", it_jtext(j));
        j = it_call(400, "GET", "/api/v1/search?place_type=kasteel", key, NULL);
        cr_assert(it_names_field(j, "place_type"), "%s", it_jtext(j));
        j = it_call(400, "GET", "/api/v1/search?drop_in=misschien", key, NULL);
        cr_assert(it_names_field(j, "drop_in"), "%s", it_jtext(j));
    }

    /* the pages: the filters on the search page, the facts on the entry's page, the partner's form */
    cr_assert_eq(it_get(PATH(path, "/?q=%s&place_type=odensehuis", tag), NULL, &r), 0);
    cr_assert_eq(r.status, 200);
    cr_assert_not_null(strstr(r.body, "<option value=\"odensehuis\" selected"), "%.300s",
                       strstr(r.body, "f-place_type") ? strstr(r.body, "f-place_type") : r.body);
    cr_assert_not_null(strstr(r.body, "name=\"drop_in\" value=\"true\""));
    cr_assert_not_null(strstr(r.body, "Odensehuis De Linde"));
    cr_assert_null(strstr(r.body, "Bibliotheek 1"), "only the Odensehuis");
    it_response_free(&r);
    cr_assert_eq(it_get(PATH(path, "/aanbod/%s", place), NULL, &r), 0);
    cr_assert(strstr(r.body, "Soort plek") && strstr(r.body, "Odensehuis") && strstr(r.body, "zo binnenlopen"),
              "%.300s", r.body);
    it_response_free(&r);
    {
        char cookie[160];
        const char *hdrs[2] = { cookie, NULL };
        snprintf(cookie, sizeof(cookie), "Cookie: sk_sessie=%s", partner);
        cr_assert_eq(it_request("GET", "/partner/nieuw/plek", hdrs, NULL, 0, &r), 0);
        cr_assert_eq(r.status, 200, "%ld", r.status);
        cr_assert(strstr(r.body, "name=\"place_type\"") && strstr(r.body, "Odensehuis") &&
                      strstr(r.body, "name=\"drop_in\""),
                  "the partner's form offers both");
        it_response_free(&r);
    }
}
