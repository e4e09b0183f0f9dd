/*
 * test_municipal_themes.c — issue 16, item 9: themes as each municipality
 * names them (Gorinchem's opgaven, West Maas en Waal's programmes), each a
 * set of the shared themes. Seeded from the policies; read by anyone; kept
 * by the municipality's moderators (another municipality's may not); bad
 * bodies name the field; its search link finds what the shared themes find,
 * across both municipalities; the search page offers them.
 */
#include <criterion/criterion.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "it.h"

#include "it_hooks.h"

TestSuite(municipal_themes, .fini = it_release);

#define PATH(buf, ...) (snprintf((buf), sizeof(buf), __VA_ARGS__), (const char *)(buf))

static bool has_code(struct json_object *j, const char *code)
{
    for (size_t i = 0; i < it_jlen(j, "items"); i++) {
        char path[32];
        if (strcmp(it_js(j, PATH(path, "items.%zu.code", i)), code) == 0)
            return true;
    }
    return false;
}

Test(municipal_themes, each_municipality_names_the_shared_themes_its_way)
{
    char org[40], mod[128], mod668[128], partner[128], admin[128], tag[32], code[64], body[1200], path[400], older[40],
        young[40];
    struct json_object *j;
    struct it_response r;

    it_word_tag(tag, sizeof(tag), "mt", 'a');
    snprintf(code, sizeof(code), "GM0668-%s", tag);
    it_make_org("Welzijn Maas en Waal (programma's)", org);
    it_make_key(org, "moderator", "GM0668", mod668);
    it_make_key(org, "moderator", "GM0512", mod);
    it_make_key(org, "partner", NULL, partner);
    it_make_key(org, "admin", NULL, admin);

    /* the policies' own words, seeded */
    j = it_call(200, "GET", "/api/v1/municipal-themes?municipality=GM0668", NULL, NULL);
    cr_assert(has_code(j, "GM0668-vitaal-ouder-worden") && has_code(j, "GM0668-sterke-sociale-basis") &&
                  !has_code(j, "GM0512-meedoen"),
              "%s", it_jtext(j));
    j = it_call(200, "GET", "/api/v1/municipal-themes/GM0512-betrokken-gorinchem", NULL, NULL);
    cr_assert_str_eq(it_js(j, "label_nl"), "Betrokken Gorinchem");
    cr_assert(it_jcontains(j, "themes", "betrokken-samenleving"), "%s", it_jtext(j));
    it_call(404, "GET", "/api/v1/municipal-themes/GM0512-bestaat-niet", NULL, NULL);
    it_call(404, "GET", "/api/v1/municipal-themes?municipality=GM9999", NULL, NULL);

    /* a moderator of West Maas en Waal names one; Gorinchem's and partners may not */
    snprintf(body, sizeof(body),
             "{\"label_nl\":\"Samen ouder worden %s\",\"summary\":\"Een proef.\",\"themes\":[\"thuis-wonen\","
             "\"ontmoeten\"],\"position\":50}",
             tag);
    it_call(403, "PUT", PATH(path, "/api/v1/municipal-themes/%s", code), partner, body);
    it_call(403, "PUT", path, mod, body);
    j = it_call(201, "PUT", path, mod668, body);
    cr_assert_str_eq(it_js(j, "municipality"), "GM0668");
    cr_assert_str_eq(it_js(j, "links.search"), "/api/v1/search?theme=thuis-wonen,ontmoeten&municipality=GM0668", "%s",
                     it_jtext(j));

    /* bad bodies name the field */
    j = it_call(422, "PUT", path, mod668, "{\"label_nl\":\"\",\"themes\":[],\"kleur\":\"rood\"}");
    cr_assert(it_names_field(j, "label_nl") && it_names_field(j, "themes") && it_names_field(j, "kleur"), "%s",
              it_jtext(j));
    j = it_call(422, "PUT", path, mod668, "{\"label_nl\":\"X\",\"themes\":[\"bestaat-niet\"]}");
    cr_assert(it_names_field(j, "themes"), "%s", it_jtext(j));
    it_call(403, "PUT", "/api/v1/municipal-themes/GM9999-x", mod668, "{\"label_nl\":\"X\",\"themes\":[\"leren\"]}");
    j = it_call(422, "PUT", "/api/v1/municipal-themes/GM9999-x", admin, "{\"label_nl\":\"X\",\"themes\":[\"leren\"]}");
    cr_assert(it_names_field(j, "code"), "%s", it_jtext(j));

    /* its search finds what the shared themes find, in both municipalities */
    snprintf(body, sizeof(body),
             "{\"organisation_id\":\"%s\",\"title\":\"Thuis wonen %s\",\"municipality\":\"GM0668\","
             "\"themes\":[\"thuis-wonen\"],\"support_kind\":\"advice\"}",
             org, tag);
    j = it_call(201, "POST", "/api/v1/carer-support", mod668, body);
    snprintf(older, sizeof(older), "%s", it_js(j, "id"));
    snprintf(body, sizeof(body),
             "{\"organisation_id\":\"%s\",\"title\":\"Opgroeien %s\",\"municipality\":\"GM0668\","
             "\"themes\":[\"opgroeien\"],\"support_kind\":\"advice\"}",
             org, tag);
    j = it_call(201, "POST", "/api/v1/carer-support", mod668, body);
    snprintf(young, sizeof(young), "%s", it_js(j, "id"));
    j = it_call(200, "GET", PATH(path, "/api/v1/search?q=%s&theme=thuis-wonen,ontmoeten&municipality=GM0668", tag),
                NULL, NULL);
    cr_assert(it_has_id(j, older) && !it_has_id(j, young), "%s", it_jtext(j));

    /* the search page offers the municipality's own names */
    cr_assert_eq(it_get(PATH(path, "/?q=%s&theme=thuis-wonen,beweging,dementie", tag), NULL, &r), 0);
    cr_assert_eq(r.status, 200);
    cr_assert(strstr(r.body, "<optgroup label=\"Zoals West Maas en Waal het noemt\">") &&
                  strstr(r.body, "<option value=\"thuis-wonen,beweging,dementie\" selected>Vitaal ouder worden"),
              "%.400s", strstr(r.body, "f-theme") ? strstr(r.body, "f-theme") : r.body);
    cr_assert_not_null(strstr(r.body, "Thuis wonen"), "the programme's search finds the entry");
    it_response_free(&r);

    it_call(403, "DELETE", PATH(path, "/api/v1/municipal-themes/%s", code), mod, NULL);
    it_call(204, "DELETE", path, mod668, NULL);
    it_call(404, "GET", path, NULL, NULL);
}
