/*
 * test_services.c — issue 16, item 1: the fifth kind, services (hulp en
 * advies: Klussendienst, Welzijnspunt, VraagWijzer ...). Through HTTP against
 * PostgreSQL: a service needs a channel; referral and indication are said;
 * its walk-in hours are opening hours ("open at" finds it); the filters
 * no_referral, no_indication and channel= in the index (anonymous) and in SQL
 * (with a key); the kind facet; the RPDE, HSDS and GeoJSON feeds; the entry's
 * page, the search page, the partner's form; the coverage by kind.
 */
#include <criterion/criterion.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "it.h"

#include "it_hooks.h"

TestSuite(services, .fini = it_release);

#define PATH(buf, ...) (snprintf((buf), sizeof(buf), __VA_ARGS__), (const char *)(buf))

Test(services, a_fifth_kind_with_channels_referral_indication_and_walk_in_hours)
{
    char org[40], mod[128], partner[128], tag[32], body[2000], path[300], place[40], klus[40], punt[40], dag[40];
    char day[11];
    struct json_object *j;
    struct it_response r;
    static const char *const week = "[{\"day\":\"mo\",\"opens\":\"09:00\",\"closes\":\"12:00\"},"
                                    "{\"day\":\"tu\",\"opens\":\"09:00\",\"closes\":\"12:00\"},"
                                    "{\"day\":\"we\",\"opens\":\"09:00\",\"closes\":\"12:00\"},"
                                    "{\"day\":\"th\",\"opens\":\"09:00\",\"closes\":\"12:00\"},"
                                    "{\"day\":\"fr\",\"opens\":\"09:00\",\"closes\":\"12:00\"},"
                                    "{\"day\":\"sa\",\"opens\":\"09:00\",\"closes\":\"12:00\"},"
                                    "{\"day\":\"su\",\"opens\":\"09:00\",\"closes\":\"12:00\"}]";

    it_word_tag(tag, sizeof(tag), "sv", 'a');
    it_make_org("Welzijn Gorinchem (diensten)", org);
    it_make_key(org, "moderator", "GM0512", mod);
    it_make_key(org, "partner", NULL, partner);
    it_day(day, 3);

    snprintf(body, sizeof(body),
             "{\"organisation_id\":\"%s\",\"title\":\"Wijkcentrum De Kikker %s\",\"municipality\":\"GM0512\","
             "\"areas\":[\"GM0512-west\"],\"address\":{\"street\":\"Stationsweg\",\"house_number\":\"12\","
             "\"postcode\":\"4205 AA\",\"city\":\"Gorinchem\"},\"location\":{\"lat\":51.834,\"lon\":4.965}}",
             org, tag);
    j = it_call(201, "POST", "/api/v1/places", mod, body);
    snprintf(place, sizeof(place), "%s", it_js(j, "id"));

    /* three services: a Klussendienst (phone, home visits), a Welzijnspunt with walk-in hours at the
     * wijkcentrum, a day programme only with a referral and an indication */
    snprintf(body, sizeof(body),
             "{\"organisation_id\":\"%s\",\"title\":\"Klussendienst %s\",\"summary\":\"Hulp bij kleine klussen "
             "in huis.\",\"municipality\":\"GM0512\",\"areas\":[\"GM0512-west\"],\"themes\":[\"thuis-wonen\"],"
             "\"channels\":[\"phone\",\"home_visit\"],\"contact\":{\"phone\":\"0183 123456\"}}",
             org, tag);
    j = it_call(201, "POST", "/api/v1/services", mod, body);
    snprintf(klus, sizeof(klus), "%s", it_js(j, "id"));
    cr_assert_str_eq(it_js(j, "kind"), "service");
    cr_assert(!json_object_get_boolean(it_jget(j, "referral_required")), "%s", it_jtext(j));
    cr_assert(!json_object_get_boolean(it_jget(j, "indication_required")));
    cr_assert_str_eq(it_js(j, "channels.1"), "home_visit");
    snprintf(body, sizeof(body),
             "{\"organisation_id\":\"%s\",\"title\":\"Welzijnspunt spreekuur %s\",\"municipality\":\"GM0512\","
             "\"areas\":[\"GM0512-west\"],\"channels\":[\"walk_in\",\"phone\",\"email\"],\"drop_in\":true,"
             "\"place_id\":\"%s\",\"opening_hours\":%s,\"contact\":{\"phone\":\"0183 654321\",\"email\":"
             "\"punt@welzijn.example\"}}",
             org, tag, place, week);
    j = it_call(201, "POST", "/api/v1/services", mod, body);
    snprintf(punt, sizeof(punt), "%s", it_js(j, "id"));
    cr_assert_str_eq(it_js(j, "opening_hours.1.day"), "tu", "%s", it_jtext(j));
    cr_assert_str_eq(it_js(j, "place_id"), place);
    snprintf(body, sizeof(body),
             "{\"organisation_id\":\"%s\",\"title\":\"Dagbesteding %s\",\"municipality\":\"GM0512\","
             "\"areas\":[\"GM0512-west\"],\"channels\":[\"phone\"],\"referral_required\":true,"
             "\"indication_required\":true}",
             org, tag);
    j = it_call(201, "POST", "/api/v1/services", mod, body);
    snprintf(dag, sizeof(dag), "%s", it_js(j, "id"));
    j = it_call(200, "GET", PATH(path, "/api/v1/services/%s", dag), NULL, NULL);
    cr_assert(json_object_get_boolean(it_jget(j, "referral_required")) &&
                  json_object_get_boolean(it_jget(j, "indication_required")),
              "%s", it_jtext(j));
    j = it_call(200, "GET", "/api/v1/services?limit=100", NULL, NULL);
    cr_assert(it_jlen(j, "items") >= 3, "%s", it_jtext(j));

    /* bad input names the field and the rule */
    snprintf(body, sizeof(body), "{\"organisation_id\":\"%s\",\"title\":\"Fout\",\"municipality\":\"GM0512\"}", org);
    j = it_call(422, "POST", "/api/v1/services", partner, body);
    cr_assert(it_names_field(j, "channels"), "a service needs a channel: %s", it_jtext(j));
    snprintf(body, sizeof(body),
             "{\"organisation_id\":\"%s\",\"title\":\"Fout\",\"municipality\":\"GM0512\",\"channels\":[]}", org);
    j = it_call(422, "POST", "/api/v1/services", partner, body);
    cr_assert(it_names_field(j, "channels") && strstr(it_jtext(j), "at least 1"), "%s", it_jtext(j));
    snprintf(body, sizeof(body),
             "{\"organisation_id\":\"%s\",\"title\":\"Fout\",\"municipality\":\"GM0512\",\"channels\":[\"fax\","
             "\"phone\",\"phone\"],\"referral_required\":\"ja\"}",
             org);
    j = it_call(422, "POST", "/api/v1/services", partner, body);
    cr_assert(it_names_exact_field(j, "channels[0]") && it_names_exact_field(j, "channels[2]") &&
                  it_names_field(j, "referral_required"),
              "%s", it_jtext(j));
    j = it_call_if(422, "PATCH", PATH(path, "/api/v1/services/%s", klus), mod, "{\"channels\":null}", 1);
    cr_assert(it_names_field(j, "channels"), "%s", it_jtext(j));
    j = it_call(422, "POST", "/api/v1/vacancies", partner,
                "{\"title\":\"Fout\",\"municipality\":\"GM0512\",\"channels\":[\"phone\"]}");
    cr_assert(it_names_field(j, "channels"), "only a service has channels: %s", it_jtext(j));

    /* the filters, anonymous (the index) and with a key (PostgreSQL) */
    for (int k = 0; k < 2; k++) {
        const char *key = k ? mod : NULL;
        j = it_call(200, "GET", PATH(path, "/api/v1/search?q=%s&kind=services&limit=50", tag), key, NULL);
        cr_assert(it_has_id(j, klus) && it_has_id(j, punt) && it_has_id(j, dag) && !it_has_id(j, place), "%s",
                  it_jtext(j));
        cr_assert_eq(json_object_get_int(it_jget(j, "facets.kind.service")), 3, "%s", it_jtext(j));
        j = it_call(200, "GET", PATH(path, "/api/v1/search?q=%s&no_indication=true&limit=50", tag), key, NULL);
        cr_assert(it_has_id(j, klus) && it_has_id(j, punt) && !it_has_id(j, dag) && it_has_id(j, place),
                  "what needs no indication, other kinds too: %s", it_jtext(j));
        j = it_call(200, "GET", PATH(path, "/api/v1/search?q=%s&no_referral=true&limit=50", tag), key, NULL);
        cr_assert(it_has_id(j, klus) && !it_has_id(j, dag), "%s", it_jtext(j));
        j = it_call(200, "GET", PATH(path, "/api/v1/search?q=%s&channel=walk_in,home_visit&limit=50", tag), key, NULL);
        cr_assert(it_has_id(j, klus) && it_has_id(j, punt) && !it_has_id(j, dag) && !it_has_id(j, place),
                  "a channel is a service's: %s", it_jtext(j));
        j = it_call(200, "GET", PATH(path, "/api/v1/search?q=%s&kind=services&open_at=%sT10:30&limit=50", tag, day),
                    key, NULL);
        cr_assert(it_has_id(j, punt) && !it_has_id(j, klus), "walk-in hours: %s", it_jtext(j));
        j = it_call(200, "GET", PATH(path, "/api/v1/search?q=%s&kind=services&open_at=%sT15:00&limit=50", tag, day),
                    key, NULL);
        cr_assert(!it_has_id(j, punt), "closed at three: %s", it_jtext(j));
        j = it_call(400, "GET", "/api/v1/search?channel=fax", key, NULL);
        cr_assert(it_names_field(j, "channel"), "%s", it_jtext(j));
        j = it_call(400, "GET", "/api/v1/search?no_indication=misschien", key, NULL);
        cr_assert(it_names_field(j, "no_indication"), "%s", it_jtext(j));
    }

    /* the feeds: RPDE (schema.org Service with its channels), HSDS, the map */
    j = it_call(200, "GET", "/feeds/services?limit=500", NULL, NULL);
    {
        const char *text = it_jtext(j);
        const char *at = strstr(text, punt);
        cr_assert_not_null(at, "%.400s", text);
        cr_assert(strstr(text, "\"ServiceChannel\"") && strstr(text, "Spreekuur of inloop") &&
                      strstr(text, "Geen indicatie nodig") && strstr(text, "OpeningHoursSpecification"),
                  "%.600s", at);
    }
    j = it_call(200, "GET", PATH(path, "/api/v1/hsds/services?per_page=200&organisation=%s", org), NULL, NULL);
    cr_assert(strstr(it_jtext(j), dag) && strstr(it_jtext(j), "Via een verwijzing") &&
                  strstr(it_jtext(j), "Een indicatie is nodig") && strstr(it_jtext(j), "Spreekuur"),
              "%.400s", it_jtext(j));
    j = it_call(200, "GET", PATH(path, "/api/v1/services.geojson?q=%s", tag), NULL, NULL);
    cr_assert(strstr(it_jtext(j), punt) && !strstr(it_jtext(j), dag), "only what has a place: %s", it_jtext(j));

    /* the pages */
    cr_assert_eq(it_get(PATH(path, "/aanbod/%s", punt), NULL, &r), 0);
    cr_assert_eq(r.status, 200);
    cr_assert(strstr(r.body, "Zo bereikt u ons") && strstr(r.body, "Spreekuur of inloop, telefoon, e-mail") &&
                  strstr(r.body, "<h2>Spreekuren</h2>") && strstr(r.body, "Geen indicatie nodig") &&
                  strstr(r.body, "Niet nodig: u kunt zelf contact opnemen"),
              "%.2000s", r.body);
    it_response_free(&r);
    cr_assert_eq(it_get(PATH(path, "/?q=%s&kind=service&no_indication=true", tag), NULL, &r), 0);
    cr_assert_eq(r.status, 200);
    cr_assert(strstr(r.body, "<option value=\"service\" selected") && strstr(r.body, "Hulp en advies") &&
                  strstr(r.body, "Klussendienst") && !strstr(r.body, "Dagbesteding"),
              "%.300s", strstr(r.body, "f-kind") ? strstr(r.body, "f-kind") : r.body);
    cr_assert_not_null(strstr(r.body, "name=\"no_indication\" value=\"true\" checked"));
    it_response_free(&r);
    {
        char cookie[160];
        const char *hdrs[2] = { cookie, NULL };
        snprintf(cookie, sizeof(cookie), "Cookie: sk_sessie=%s", partner);
        cr_assert_eq(it_request("GET", "/partner/nieuw/hulp", hdrs, NULL, 0, &r), 0);
        cr_assert_eq(r.status, 200, "%ld", r.status);
        cr_assert(strstr(r.body, "name=\"channels\" value=\"walk_in\"") && strstr(r.body, "Huisbezoek") &&
                      strstr(r.body, "name=\"referral_required\"") && strstr(r.body, "Spreekuren"),
                  "the partner's form offers a service's fields");
        it_response_free(&r);
    }

    /* coverage counts services in the wijk */
    j = it_call(200, "GET", "/api/v1/stats/coverage?municipality=GM0512", mod, NULL);
    {
        bool found = false;
        for (size_t i = 0; i < it_jlen(j, "by_kind"); i++) {
            char a[48], k[48], c[48];
            const char *area = it_js(j, PATH(a, "by_kind.%zu.area", i)),
                       *kind = it_js(j, PATH(k, "by_kind.%zu.kind", i));
            if (area && kind && strcmp(area, "GM0512-west") == 0 && strcmp(kind, "service") == 0)
                found = json_object_get_int(it_jget(j, PATH(c, "by_kind.%zu.count", i))) >= 3;
        }
        cr_assert(found, "no service cell of at least 3 in GM0512-west");
    }
}
