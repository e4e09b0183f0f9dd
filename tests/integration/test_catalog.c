/*
 * test_catalog.c — issue 4: what entries refer to. Areas (Gorinchem and
 * West Maas en Waal), the vocabularies (themes with parents and children,
 * audiences, support kinds, accessibility facets, exception sets) and
 * organisations, over real HTTP against the real database.
 *
 * Tests write only things of their own (organisations, a theme with a
 * unique code), so they can run again on the same database.
 */
#include <criterion/criterion.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "it.h"

#include "it_hooks.h"

/* ------------------------------------------------------------------ */
/* Helpers: pooled JSON and asserted requests come from it.h (it_call, it_js ...) */

TestSuite(areas, .fini = it_release);
TestSuite(vocab, .fini = it_release);
TestSuite(orgs, .fini = it_release);

/* The item of a list whose member key equals value; NULL when absent. */
static struct json_object *find_item(struct json_object *list, const char *key, const char *value)
{
    struct json_object *items = it_jget(list, "items");
    for (size_t i = 0; json_object_is_type(items, json_type_array) && i < json_object_array_length(items); i++) {
        struct json_object *it = json_object_array_get_idx(items, i);
        if (strcmp(it_js(it, key), value) == 0)
            return it;
    }
    return NULL;
}

static void make_tag(char *out, size_t cap)
{
    static int n;
    snprintf(out, cap, "%ld%d%d", (long)time(NULL), (int)getpid(), ++n);
}

/* A moderator key (CLI) and, when org/key are given, a partner organisation (API) with a key (CLI). */
static void actors(char *mod, char *org, char *key)
{
    char mod_org[40], body[512], tag[48];
    struct json_object *j;
    it_make_org("Gemeente Gorinchem, team Sociale Kaart", mod_org);
    it_make_key(mod_org, "moderator", "GM0512,GM0668", mod);
    if (org == NULL)
        return;
    make_tag(tag, sizeof(tag));
    snprintf(body, sizeof(body), "{\"name\":\"Humanitas Gorinchem (test %s)\"}", tag);
    j = it_call(201, "POST", "/api/v1/organisations", mod, body);
    strcpy(org, it_js(j, "id"));
    it_make_key(org, "partner", NULL, key);
}

/* An admin key: national vocabularies are admin business (issue 12). */
static void admin(char *key)
{
    char org[40];
    it_make_org("Sociale Kaart beheer (landelijk)", org);
    it_make_key(org, "admin", NULL, key);
}

/* GET an anonymous list (200) into *page; its items, asserted to be an array. */
static struct json_object *list_items(const char *path, struct json_object **page)
{
    struct json_object *items;
    *page = it_call(200, "GET", path, NULL, NULL);
    items = it_jget(*page, "items");
    cr_assert(json_object_is_type(items, json_type_array), "%s", it_jtext(*page));
    return items;
}

/* ------------------------------------------------------------------ */
/* Areas */

Test(areas, gorinchem_has_nine_wijken_and_the_municipality)
{
    struct json_object *j, *items, *m, *lw;
    int wijken = 0, municipalities = 0, buurten = 0;

    items = list_items("/api/v1/areas?municipality=GM0512", &j);
    for (size_t i = 0; i < json_object_array_length(items); i++) {
        struct json_object *it = json_object_array_get_idx(items, i);
        cr_assert_str_eq(it_js(it, "municipality"), "GM0512", "%s", it_jtext(it));
        wijken += strcmp(it_js(it, "kind"), "wijk") == 0;
        municipalities += strcmp(it_js(it, "kind"), "municipality") == 0;
        buurten += strcmp(it_js(it, "kind"), "buurt") == 0; /* other tests' (issue 16) */
    }
    cr_assert_eq(wijken, 9, "%s", it_jtext(j));
    cr_assert_eq(municipalities, 1, "%s", it_jtext(j));
    cr_assert_eq(json_object_array_length(items) - buurten, 10, "%s", it_jtext(j));
    m = find_item(j, "code", "GM0512");
    cr_assert_not_null(m);
    cr_assert_str_eq(it_js(m, "name"), "Gorinchem");
    cr_assert_str_eq(it_js(m, "kind"), "municipality");
    lw = find_item(j, "code", "GM0512-lingewijk");
    cr_assert_not_null(lw, "%s", it_jtext(j));
    cr_assert_str_eq(it_js(lw, "name"), "Lingewijk");
    cr_assert_str_eq(it_js(lw, "kind"), "wijk");
    cr_assert_gt(json_object_get_double(it_jget(lw, "location.lat")), 51.8);
    cr_assert_lt(json_object_get_double(it_jget(lw, "location.lat")), 51.9);
    cr_assert_gt(json_object_get_double(it_jget(lw, "location.lon")), 4.9);
    cr_assert_lt(json_object_get_double(it_jget(lw, "location.lon")), 5.1);
}

Test(areas, west_maas_en_waal_has_eight_kernen)
{
    struct json_object *j, *items;
    int kernen = 0;

    j = it_call(200, "GET", "/api/v1/areas?municipality=GM0668", NULL, NULL);
    items = it_jget(j, "items");
    for (size_t i = 0; json_object_is_type(items, json_type_array) && i < json_object_array_length(items); i++)
        kernen += strcmp(it_js(json_object_array_get_idx(items, i), "kind"), "kern") == 0;
    cr_assert_eq(kernen, 8, "%s", it_jtext(j));
    cr_assert_eq(it_jlen(j, "items"), 9, "%s", it_jtext(j));
    cr_assert_str_eq(it_js(find_item(j, "code", "GM0668-dreumel"), "name"), "Dreumel", "%s", it_jtext(j));
    cr_assert_str_eq(it_js(find_item(j, "code", "GM0668"), "name"), "West Maas en Waal", "%s", it_jtext(j));
}

Test(areas, all_areas_and_one_area)
{
    struct json_object *j;
    j = it_call(200, "GET", "/api/v1/areas", NULL, NULL);
    cr_assert_not_null(find_item(j, "code", "GM0512-lingewijk"), "%s", it_jtext(j));
    cr_assert_not_null(find_item(j, "code", "GM0668-dreumel"), "%s", it_jtext(j));
    cr_assert_geq(it_jlen(j, "items"), 19);
    j = it_call(200, "GET", "/api/v1/areas/GM0668-dreumel", NULL, NULL);
    cr_assert_str_eq(it_js(j, "code"), "GM0668-dreumel");
    cr_assert_str_eq(it_js(j, "kind"), "kern");
    cr_assert_str_eq(it_js(j, "municipality"), "GM0668");
    it_call(404, "GET", "/api/v1/areas/GM0512-atlantis", NULL, NULL);
}

Test(areas, unknown_or_malformed_municipality_is_400)
{
    struct json_object *j;
    j = it_call(400, "GET", "/api/v1/areas?municipality=GM9999", NULL, NULL);
    cr_assert(it_names_field(j, "municipality"), "%s", it_jtext(j));
    j = it_call(400, "GET", "/api/v1/areas?municipality=Gorinchem", NULL, NULL);
    cr_assert(it_names_field(j, "municipality"), "%s", it_jtext(j));
}

Test(areas, only_moderators_change_areas)
{
    char mod[128], org[40], key[128];
    actors(mod, org, key);
    it_call(401, "PUT", "/api/v1/areas/GM0512-lingewijk", NULL, "{\"name\":\"Lingewijk-Noord\"}");
    it_call(403, "PUT", "/api/v1/areas/GM0512-lingewijk", key, "{\"name\":\"Lingewijk-Noord\"}");
    it_call(403, "DELETE", "/api/v1/areas/GM0512-lingewijk", key, NULL);
    it_call(403, "PUT", "/api/v1/areas/GM0512-lingewijk/boundary", key,
            "{\"type\":\"Polygon\",\"coordinates\":[[[4.96,51.83],[4.97,51.83],[4.97,51.84],[4.96,51.83]]]}");
    it_call(200, "GET", "/api/v1/areas/GM0512-lingewijk", NULL, NULL);
}

/* ------------------------------------------------------------------ */
/* Vocabularies */

Test(vocab, themes_have_parents_and_children)
{
    struct json_object *j, *items, *b, *o;
    int top = 0, children = 0;

    items = list_items("/api/v1/themes", &j);
    for (size_t i = 0; i < json_object_array_length(items); i++) {
        struct json_object *it = json_object_array_get_idx(items, i), *parent = it_jget(it, "parent");
        if (parent == NULL) {
            top++;
        } else {
            struct json_object *p = find_item(j, "code", json_object_get_string(parent));
            children++;
            cr_assert_not_null(p, "parent of %s is not listed", it_js(it, "code"));
            cr_assert_null(it_jget(p, "parent"), "%s is nested deeper than two levels", it_js(it, "code"));
        }
    }
    cr_assert_geq(top, 4, "%s", it_jtext(j));
    cr_assert_geq(children, 18, "%s", it_jtext(j));
    b = find_item(j, "code", "beweging");
    cr_assert_str_eq(it_js(b, "parent"), "gezonde-leefstijl", "%s", it_jtext(b));
    cr_assert_str_eq(it_js(b, "label_nl"), "Bewegen en sport");
    cr_assert_str_eq(it_js(b, "label_en"), "Exercise and sport");
    o = find_item(j, "code", "ontmoeten");
    cr_assert_str_eq(it_js(o, "parent"), "betrokken-samenleving", "%s", it_jtext(o));
}

Test(vocab, audiences_support_kinds_facets_exception_sets)
{
    static const char *const kinds[] = { "respite",        "peer-contact",      "training",    "advice",
                                         "practical-help", "emotional-support", "appreciation" };
    struct json_object *j, *f, *e;

    j = it_call(200, "GET", "/api/v1/audiences", NULL, NULL);
    cr_assert_str_eq(it_js(find_item(j, "code", "ouderen"), "label_nl"), "Ouderen (65+)", "%s", it_jtext(j));
    cr_assert_str_eq(it_js(find_item(j, "code", "mantelzorgers"), "label_nl"), "Mantelzorgers", "%s", it_jtext(j));
    j = it_call(200, "GET", "/api/v1/support-kinds", NULL, NULL);
    for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
        cr_assert_not_null(find_item(j, "code", kinds[i]), "support kind %s missing: %s", kinds[i], it_jtext(j));
    cr_assert_str_eq(it_js(find_item(j, "code", "respite"), "label_nl"), "Respijtzorg");
    j = it_call(200, "GET", "/api/v1/accessibility-features", NULL, NULL);
    f = find_item(j, "code", "wheelchair");
    cr_assert_not_null(f, "%s", it_jtext(j));
    cr_assert(it_jcontains(f, "values", "limited"), "%s", it_jtext(f));
    cr_assert_null(find_item(j, "code", "languages"), "languages is not a facet: %s", it_jtext(j));
    j = it_call(200, "GET", "/api/v1/exception-sets", NULL, NULL);
    e = find_item(j, "code", "nl-public-holidays");
    cr_assert_not_null(e, "%s", it_jtext(j));
    cr_assert_geq(it_jlen(e, "dates"), 10, "%s", it_jtext(e));
    cr_assert_not_null(find_item(j, "code", "school-holidays-middle"), "%s", it_jtext(j));
    cr_assert_not_null(find_item(j, "code", "school-holidays-south"), "%s", it_jtext(j));
}

/* Adds a theme of its own under "betrokken-samenleving"; its code into code. */
static void add_theme(const char *mod, char *code, size_t cap)
{
    char tag[48], path[128];
    struct json_object *j;
    make_tag(tag, sizeof(tag));
    snprintf(code, cap, "buurtmoestuin-%s", tag);
    snprintf(path, sizeof(path), "/api/v1/themes/%s", code);
    j = it_call(
        201, "PUT", path, mod,
        "{\"label_nl\":\"Buurtmoestuin\",\"label_en\":\"Community garden\",\"parent\":\"betrokken-samenleving\"}");
    cr_assert_str_eq(it_js(j, "code"), code, "%s", it_jtext(j));
    /* a second PUT renames */
    j = it_call(
        200, "PUT", path, mod,
        "{\"label_nl\":\"Buurtmoestuinen\",\"label_en\":\"Community gardens\",\"parent\":\"betrokken-samenleving\"}");
    cr_assert_str_eq(it_js(j, "label_nl"), "Buurtmoestuinen", "%s", it_jtext(j));
}

static char *garden_place(char *buf, size_t cap, const char *title, const char *theme)
{
    snprintf(buf, cap,
             "{\"title\":\"%s\",\"summary\":\"Samen groente kweken achter het buurthuis.\",\"municipality\":\"GM0512\","
             "\"areas\":[\"GM0512-lingewijk\"],\"themes\":[\"%s\",\"ontmoeten\"],\"audiences\":[\"iedereen\"],"
             "\"address\":{\"street\":\"Lingewijkerweg\",\"house_number\":\"12\",\"postcode\":\"4205 AB\","
             "\"city\":\"Gorinchem\"},\"location\":{\"lat\":51.8395,\"lon\":4.9655}}",
             title, theme);
    return buf;
}

Test(vocab, admin_adds_and_retires_a_theme)
{
    char mod[128], org[40], key[128], code[96], path[128], epath[128], body[2048], adm[128];
    struct json_object *j, *t;

    actors(mod, org, key);
    admin(adm);
    add_theme(adm, code, sizeof(code));
    snprintf(path, sizeof(path), "/api/v1/themes/%s", code);
    j = it_call(200, "GET", "/api/v1/themes", NULL, NULL);
    t = find_item(j, "code", code);
    cr_assert_not_null(t, "new theme not listed: %s", it_jtext(j));
    cr_assert_str_eq(it_js(t, "parent"), "betrokken-samenleving");
    cr_assert_str_eq(it_js(t, "label_nl"), "Buurtmoestuinen");

    /* partners and moderators may not change a national vocabulary */
    it_call(403, "PUT", path, key, "{\"label_nl\":\"Moestuin\"}");
    it_call(403, "DELETE", path, key, NULL);
    it_call(401, "DELETE", path, NULL, NULL);
    j = it_call(403, "PUT", path, mod, "{\"label_nl\":\"Moestuin\"}");
    cr_assert(strstr(it_js(j, "detail"), "admin") != NULL, "%s", it_jtext(j));
    it_call(403, "DELETE", path, mod, NULL);
    j = it_call(200, "GET", "/api/v1/themes", NULL, NULL);
    cr_assert_str_eq(it_js(find_item(j, "code", code), "label_nl"), "Buurtmoestuinen",
                     "a refused change changed nothing");

    /* an entry uses it */
    j = it_call(201, "POST", "/api/v1/places", key, garden_place(body, sizeof(body), "Moestuin De Lingewijk", code));
    snprintf(epath, sizeof(epath), "/api/v1/places/%s", it_js(j, "id"));
    cr_assert(it_jcontains(j, "themes", code), "%s", it_jtext(j));

    /* retire it: gone from the list, listed as retired on request */
    it_call(204, "DELETE", path, adm, NULL);
    j = it_call(200, "GET", "/api/v1/themes", NULL, NULL);
    cr_assert_null(find_item(j, "code", code), "retired theme still offered: %s", it_jtext(find_item(j, "code", code)));
    j = it_call(200, "GET", "/api/v1/themes?include_retired=true", NULL, NULL);
    t = find_item(j, "code", code);
    cr_assert_not_null(t, "retired theme not listed with include_retired=true");
    cr_assert(json_object_get_boolean(it_jget(t, "retired")), "%s", it_jtext(t));

    /* refused on a new entry ... */
    j = it_call(422, "POST", "/api/v1/places", key, garden_place(body, sizeof(body), "Tweede moestuin", code));
    cr_assert(it_names_field(j, "themes"), "%s", it_jtext(j));
    /* ... but it stays on the old one (read by its owner: an untrusted partner's entry is pending) */
    j = it_call(200, "GET", epath, key, NULL);
    cr_assert(it_jcontains(j, "themes", code), "retired theme dropped from an old entry: %s", it_jtext(j));
}

/* An old entry with a retired theme can still be edited without touching its themes. */
Test(vocab, retired_theme_does_not_block_edits_of_old_entries)
{
    char mod[128], org[40], key[128], code[96], path[128], epath[128], body[2048], adm[128];
    const char *h[] = { "If-Match: \"1\"", NULL };
    struct json_object *j;

    actors(mod, org, key);
    admin(adm);
    add_theme(adm, code, sizeof(code));
    snprintf(path, sizeof(path), "/api/v1/themes/%s", code);
    j = it_call(201, "POST", "/api/v1/places", key, garden_place(body, sizeof(body), "Moestuin Haarwijk", code));
    snprintf(epath, sizeof(epath), "/api/v1/places/%s", it_js(j, "id"));
    it_call(204, "DELETE", path, adm, NULL);
    j = it_call_h(200, "PATCH", epath, key, "{\"summary\":\"Nieuwe tuinders welkom.\"}", h, NULL);
    cr_assert(it_jcontains(j, "themes", code), "%s", it_jtext(j));
    cr_assert_str_eq(it_js(j, "summary"), "Nieuwe tuinders welkom.");
}

Test(vocab, theme_validation)
{
    char mod[128], tag[48], path[160];
    struct json_object *j;

    admin(mod);
    make_tag(tag, sizeof(tag));
    snprintf(path, sizeof(path), "/api/v1/themes/zwerfafval-%s", tag);
    j = it_call(422, "PUT", path, mod, "{\"label_nl\":\"Zwerfafval\",\"parent\":\"bestaat-niet\"}");
    cr_assert(it_names_field(j, "parent"), "%s", it_jtext(j));
    j = it_call(422, "PUT", path, mod, "{\"label_en\":\"Litter\"}");
    cr_assert(it_names_field(j, "label_nl"), "%s", it_jtext(j));
    j = it_call(422, "PUT", path, mod, "{\"label_nl\":\"Zwerfafval\",\"kleur\":\"groen\"}");
    cr_assert(it_names_field(j, "kleur"), "%s", it_jtext(j));
    j = it_call(200, "GET", "/api/v1/themes?include_retired=true", NULL, NULL);
    cr_assert_null(find_item(j, "code", path + strlen("/api/v1/themes/")), "refused theme was stored");
    it_call(404, "GET", "/api/v1/no-such-vocabulary", NULL, NULL);
}

/*
 * The members' shape of a term, checked by the daemon (validate.c,
 * VALIDATE_BODY_VOCAB_*) with the messages SQL used to give: each body names
 * exactly the one field, with exactly this message, in a 422 invalid-input.
 */
struct shape_case {
    const char *vocab, *body, *field, *message;
};

static void assert_one_error(struct json_object *j, const char *field, const char *message)
{
    struct json_object *errs = it_jget(j, "errors");
    char detail[300];
    cr_assert_str_eq(it_js(j, "type"), "urn:socialekaart:problem:invalid-input", "%s", it_jtext(j));
    cr_assert(json_object_is_type(errs, json_type_array) && json_object_array_length(errs) == 1, "%s", it_jtext(j));
    cr_assert_str_eq(it_js(json_object_array_get_idx(errs, 0), "field"), field, "%s", it_jtext(j));
    cr_assert_str_eq(it_js(json_object_array_get_idx(errs, 0), "message"), message, "%s", it_jtext(j));
    snprintf(detail, sizeof(detail), "%s %s", field, message);
    cr_assert_str_eq(it_js(j, "detail"), detail, "%s", it_jtext(j));
}

Test(vocab, term_shape_errors)
{
    static const char long_label[] = "\"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
                                     "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\""; /* 101 */
    static const struct shape_case cases[] = {
        { "themes", "{\"label_en\":\"Litter\"}", "label_nl", "is required" },
        { "support-kinds", "{}", "label_nl", "is required" },
        { "themes", "{\"label_nl\":null}", "label_nl", "is required" },
        { "themes", "{\"label_nl\":5}", "label_nl", "must be a string" },
        { "audiences", "{\"label_nl\":\" \\u00a0\\r\"}", "label_nl", "must not be empty or only spaces" },
        { "themes", "{\"label_nl\":\"two\\nlines\"}", "label_nl", "must be a single line without control characters" },
        { "themes", "{\"label_nl\":\"a\\u007fb\"}", "label_nl", "must be a single line without control characters" },
        { "themes", NULL, "label_nl", "must be at most 100 characters" },
        { "themes", "{\"label_nl\":\"Zwerfafval\",\"label_en\":[]}", "label_en", "must be a string" },
        { "themes", "{\"label_nl\":\"Zwerfafval\",\"label_en\":\"\"}", "label_en", "must not be empty or only spaces" },
        { "themes", "{\"label_nl\":\"Zwerfafval\",\"kleur\":\"groen\"}", "kleur", "unknown field" },
        { "themes", "{\"label_nl\":\"Zwerfafval\",\"values\":[\"yes\"]}", "values", "unknown field" },
        { "audiences", "{\"label_nl\":\"Zwerfafval\",\"parent\":\"ouderen\"}", "parent", "unknown field" },
        { "support-kinds", "{\"label_nl\":\"Zwerfafval\",\"dates\":[]}", "dates", "unknown field" },
        { "exception-sets", "{\"label_nl\":\"Vrij\",\"osm_equivalent\":\"x\"}", "osm_equivalent", "unknown field" },
        { "accessibility-features", "{\"label_nl\":\"Oprit\",\"values\":\"yes\"}", "values",
          "must be an array of codes like [\"yes\", \"no\"]" },
        { "accessibility-features", "{\"label_nl\":\"Oprit\",\"values\":[]}", "values",
          "must be 1 to 20 different lowercase codes like yes, limited, no" },
        { "accessibility-features", "{\"label_nl\":\"Oprit\",\"values\":[\"yes\",\"yes\"]}", "values",
          "must be 1 to 20 different lowercase codes like yes, limited, no" },
        { "accessibility-features", "{\"label_nl\":\"Oprit\",\"values\":[\"Yes\"]}", "values",
          "must be 1 to 20 different lowercase codes like yes, limited, no" },
        { "accessibility-features", "{\"label_nl\":\"Oprit\",\"values\":[1]}", "values",
          "must be 1 to 20 different lowercase codes like yes, limited, no" },
        { "accessibility-features",
          "{\"label_nl\":\"Oprit\",\"values\":[\"a\",\"b\",\"c\",\"d\",\"e\",\"f\",\"g\",\"h\",\"i\",\"j\",\"k\",\"l\","
          "\"m\",\"n\",\"o\",\"p\",\"q\",\"r\",\"s\",\"t\",\"u\"]}",
          "values", "must be 1 to 20 different lowercase codes like yes, limited, no" },
        { "accessibility-features", "{\"label_nl\":\"Oprit\",\"values\":[\"yes\"],\"osm_equivalent\":5}",
          "osm_equivalent", "must be a string of at most 200 characters" },
        { "exception-sets", "{\"label_nl\":\"Vrij\",\"municipality\":5}", "municipality",
          "must be a municipality code or null" },
    };
    char adm[128], tag[48], path[160], body[300];
    struct json_object *j;

    admin(adm);
    make_tag(tag, sizeof(tag));
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const char *b = cases[i].body;
        snprintf(path, sizeof(path), "/api/v1/%s/zz%s%s%zu", cases[i].vocab,
                 strcmp(cases[i].vocab, "accessibility-features") ? "-" : "_", tag, i);
        if (b == NULL) {
            snprintf(body, sizeof(body), "{\"label_nl\":%s}", long_label);
            b = body;
        }
        j = it_call(422, "PUT", path, adm, b);
        assert_one_error(j, cases[i].field, cases[i].message);
    }
    /* at the limits the members are fine */
    snprintf(path, sizeof(path), "/api/v1/themes/zz-%s-ok", tag);
    snprintf(body, sizeof(body), "{\"label_nl\":\"%.100s\",\"label_en\":null,\"retired\":true,\"code\":\"zz-%s-ok\"}",
             long_label + 1, tag); /* 100 characters */
    it_call(201, "PUT", path, adm, body);
    /* unknown members first, by name, then the members in their order, as SQL listed them */
    snprintf(path, sizeof(path), "/api/v1/themes/zz-%s-many", tag);
    j = it_call(422, "PUT", path, adm, "{\"label_en\":5,\"kleur\":1,\"aa\":2}");
    cr_assert_eq(it_jlen(j, "errors"), 4, "%s", it_jtext(j));
    cr_assert_str_eq(it_js(j, "errors.0.field"), "aa", "%s", it_jtext(j));
    cr_assert_str_eq(it_js(j, "errors.1.field"), "kleur", "%s", it_jtext(j));
    cr_assert_str_eq(it_js(j, "errors.2.field"), "label_nl", "%s", it_jtext(j));
    cr_assert_str_eq(it_js(j, "errors.3.field"), "label_en", "%s", it_jtext(j));
    cr_assert_str_eq(it_js(j, "detail"), "4 fields are invalid; the first: aa unknown field", "%s", it_jtext(j));
    /* the daemon's errors and the database's together */
    j = it_call(422, "PUT", path, adm, "{\"label_nl\":5,\"parent\":\"bestaat-niet\"}");
    cr_assert_eq(it_jlen(j, "errors"), 2, "%s", it_jtext(j));
    cr_assert_str_eq(it_js(j, "errors.1.field"), "parent", "%s", it_jtext(j));
    /* a refusal still comes before the body's errors */
    actors(adm, NULL, NULL);
    it_call(403, "PUT", path, adm, "{\"label_nl\":5,\"kleur\":1}");
}

/* An area's members, checked by the daemon (VALIDATE_BODY_AREA) with SQL's messages. */
Test(areas, shape_errors)
{
    static const struct shape_case cases[] = {
        { NULL, "{\"kind\":\"wijk\",\"municipality\":\"GM0512\"}", "name", "is required" },
        { NULL, "{\"name\":5,\"kind\":\"wijk\",\"municipality\":\"GM0512\"}", "name", "must be a string" },
        { NULL, "{\"name\":\" \",\"kind\":\"wijk\",\"municipality\":\"GM0512\"}", "name",
          "must not be empty or only spaces" },
        { NULL, "{\"name\":\"a\\tb\",\"kind\":\"wijk\",\"municipality\":\"GM0512\"}", "name",
          "must be a single line without control characters" },
        { NULL, "{\"name\":\"x\",\"municipality\":\"GM0512\"}", "kind", "is required" },
        { NULL, "{\"name\":\"x\",\"kind\":null,\"municipality\":\"GM0512\"}", "kind", "is required" },
        { NULL, "{\"name\":\"x\",\"kind\":5,\"municipality\":\"GM0512\"}", "kind",
          "must be one of: municipality, wijk, kern, buurt" },
        { NULL, "{\"name\":\"x\",\"kind\":\"straat\",\"municipality\":\"GM0512\"}", "kind",
          "must be one of: municipality, wijk, kern, buurt" },
        { NULL, "{\"name\":\"x\",\"kind\":\"buurt\",\"municipality\":\"GM0512\"}", "parent",
          "is required for a buurt: the code of the wijk or kern it lies in" },
        { NULL, "{\"name\":\"x\",\"kind\":\"wijk\",\"municipality\":\"GM0512\",\"kleur\":1}", "kleur",
          "unknown field" },
        { NULL, "{\"name\":\"x\",\"kind\":\"wijk\",\"municipality\":\"GM0512\",\"location\":5}", "location",
          "must be an object {\"lat\": .., \"lon\": ..}" },
        { NULL,
          "{\"name\":\"x\",\"kind\":\"wijk\",\"municipality\":\"GM0512\",\"location\":{\"lat\":51.8,\"lon\":5,\"x\":1}"
          "}",
          "location", "must be an object {\"lat\": .., \"lon\": ..}" },
        { NULL, "{\"name\":\"x\",\"kind\":\"wijk\",\"municipality\":\"GM0512\",\"location\":{\"lat\":48.8,\"lon\":5}}",
          "location.lat", "must be a number from 50.75 to 53.7" },
        { NULL,
          "{\"name\":\"x\",\"kind\":\"wijk\",\"municipality\":\"GM0512\",\"location\":{\"lat\":\"51.8\",\"lon\":5}}",
          "location.lat", "must be a number from 50.75 to 53.7" },
        { NULL,
          "{\"name\":\"x\",\"kind\":\"wijk\",\"municipality\":\"GM0512\",\"location\":{\"lat\":51.8,\"lon\":7.3}}",
          "location.lon", "must be a number from 3.2 to 7.25" },
    };
    char adm[128], tag[48], path[160];
    struct json_object *j;

    admin(adm);
    make_tag(tag, sizeof(tag));
    snprintf(path, sizeof(path), "/api/v1/areas/GM0512-zz%s", tag);
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        assert_one_error(it_call(422, "PUT", path, adm, cases[i].body), cases[i].field, cases[i].message);
    j = it_call(422, "PUT", path, adm,
                "{\"name\":\"x\",\"kind\":\"wijk\",\"municipality\":\"GM0512\",\"location\":{}}");
    cr_assert_eq(it_jlen(j, "errors"), 2, "%s", it_jtext(j));
    cr_assert_str_eq(it_js(j, "errors.0.field"), "location.lat", "%s", it_jtext(j));
    cr_assert_str_eq(it_js(j, "errors.1.field"), "location.lon", "%s", it_jtext(j));
    /* the daemon's errors, then the database's */
    j = it_call(422, "PUT", path, adm, "{\"name\":5,\"kind\":\"wijk\"}");
    cr_assert_eq(it_jlen(j, "errors"), 2, "%s", it_jtext(j));
    cr_assert_str_eq(it_js(j, "errors.0.field"), "name", "%s", it_jtext(j));
    cr_assert_str_eq(it_js(j, "errors.1.field"), "municipality", "%s", it_jtext(j));
    j = it_call(200, "GET", "/api/v1/areas?municipality=GM0512&include_retired=true", NULL, NULL);
    cr_assert_null(find_item(j, "code", path + strlen("/api/v1/areas/")), "refused area was stored");
}

/* ------------------------------------------------------------------ */
/* Organisations */

Test(orgs, create_read_update)
{
    char mod[128], org[40], key[128], tag[48], body[1024], path[128];
    struct json_object *j;

    actors(mod, org, key);
    make_tag(tag, sizeof(tag));
    snprintf(body, sizeof(body),
             "{\"name\":\"Mantelzorgsteunpunt Gorinchem (test %s)\",\"description\":\"Steun voor mantelzorgers.\","
             "\"website\":\"https://www.mantelzorggorinchem.nl\",\"email\":\"info@mantelzorggorinchem.nl\","
             "\"phone\":\"0183 654 321\"}",
             tag);
    j = it_call(201, "POST", "/api/v1/organisations", mod, body);
    snprintf(path, sizeof(path), "/api/v1/organisations/%s", it_js(j, "id"));
    cr_assert_str_eq(it_js(j, "phone"), "0183 654 321");
    cr_assert(it_jget(j, "trusted") && !json_object_get_boolean(it_jget(j, "trusted")), "%s", it_jtext(j));
    cr_assert_str_neq(it_js(j, "created_at"), "");

    j = it_call(200, "GET", path, NULL, NULL);
    cr_assert_str_eq(it_js(j, "description"), "Steun voor mantelzorgers.");
    j = it_call(200, "PATCH", path, mod,
                "{\"description\":\"Steunpunt voor mantelzorgers in Gorinchem.\",\"trusted\":true}");
    cr_assert_str_eq(it_js(j, "description"), "Steunpunt voor mantelzorgers in Gorinchem.");
    cr_assert(json_object_get_boolean(it_jget(j, "trusted")), "%s", it_jtext(j));
    cr_assert_str_eq(it_js(j, "website"), "https://www.mantelzorggorinchem.nl", "PATCH lost a member: %s", it_jtext(j));

    /* partners may not change organisations, not even their own */
    it_call(403, "PATCH", path, key, "{\"trusted\":false}");
    snprintf(path, sizeof(path), "/api/v1/organisations/%s", org);
    it_call(403, "PATCH", path, key, "{\"trusted\":true}");
    it_call(401, "PATCH", path, NULL, "{\"trusted\":true}");
    j = it_call(200, "GET", path, NULL, NULL);
    cr_assert(!json_object_get_boolean(it_jget(j, "trusted")), "%s", it_jtext(j));
    it_call(404, "GET", "/api/v1/organisations/00000000-0000-4000-8000-000000000000", NULL, NULL);
}

Test(orgs, validation)
{
    char mod[128];
    struct json_object *j;

    actors(mod, NULL, NULL);
    j = it_call(422, "POST", "/api/v1/organisations", mod, "{\"description\":\"Zonder naam\"}");
    cr_assert(it_names_field(j, "name"), "%s", it_jtext(j));
    j = it_call(
        422, "POST", "/api/v1/organisations", mod,
        "{\"name\":\"Stichting Kapot\",\"email\":\"geen-adres\",\"website\":\"ftp://kapot\",\"kvk\":\"12345678\"}");
    cr_assert(it_names_field(j, "email"), "%s", it_jtext(j));
    cr_assert(it_names_field(j, "website"), "%s", it_jtext(j));
    cr_assert(it_names_field(j, "kvk"), "%s", it_jtext(j));
}

/* An organisation's members, checked by the daemon (VALIDATE_BODY_ORG_*) with SQL's messages. */
Test(orgs, shape_errors)
{
    static const char web[] =
        "must be an absolute http:// or https:// URL like https://example.nl (at most 500 characters)";
    static const char mail[] = "must be an e-mail address like info@example.nl";
    static const char tel[] = "must be a phone number like 0183 123 456 or +31 183 123 456 (9 to 15 digits)";
    static const struct shape_case cases[] = {
        { NULL, "{\"description\":\"Zonder naam\"}", "name", "is required" },
        { NULL, "{\"name\":null}", "name", "is required" },
        { NULL, "{\"name\":5}", "name", "must be a string" },
        { NULL, "{\"name\":\"\"}", "name", "must not be empty or only spaces" },
        { NULL, "{\"name\":\"a\\nb\"}", "name", "must be a single line without control characters" },
        { NULL, "{\"name\":\"x\",\"kvk\":\"12345678\"}", "kvk", "unknown field" },
        { NULL, "{\"name\":\"x\",\"description\":5}", "description", "must be a string of at most 2000 characters" },
        { NULL, "{\"name\":\"x\",\"website\":\"ftp://kapot.nl\"}", "website", web },
        { NULL, "{\"name\":\"x\",\"website\":\"https://localhost\"}", "website", web },
        { NULL, "{\"name\":\"x\",\"website\":\"https://ex.nl:123456\"}", "website", web },
        { NULL, "{\"name\":\"x\",\"website\":\"https://ex.nl/a b\"}", "website", web },
        { NULL, "{\"name\":\"x\",\"email\":\"geen-adres\"}", "email", mail },
        { NULL, "{\"name\":\"x\",\"email\":\".a@ex.nl\"}", "email", mail },
        { NULL, "{\"name\":\"x\",\"email\":\"a..b@ex.nl\"}", "email", mail },
        { NULL, "{\"name\":\"x\",\"email\":\"a@b@ex.nl\"}", "email", mail },
        { NULL, "{\"name\":\"x\",\"phone\":\"12\"}", "phone", tel },
        { NULL, "{\"name\":\"x\",\"phone\":\"0183 123 45a\"}", "phone", tel },
        { NULL, "{\"name\":\"x\",\"phone\":\"++31183123456\"}", "phone", tel },
        { NULL, "{\"name\":\"x\",\"trusted\":\"yes\"}", "trusted", "must be true or false" },
        { NULL, "{\"name\":\"x\",\"trusted_in\":\"GM0512\"}", "trusted_in",
          "must be a list of municipality codes like [\"GM0512\"]" },
        { NULL, "{\"name\":\"x\",\"trusted_in\":[\"gm0512\"]}", "trusted_in",
          "must be a list of municipality codes like [\"GM0512\"]" },
        { NULL, "{\"name\":\"x\",\"municipality\":5}", "municipality", "must be a municipality code like GM0512" },
    };
    char mod[128], path[128];
    struct json_object *j;

    actors(mod, NULL, NULL);
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        assert_one_error(it_call(422, "POST", "/api/v1/organisations", mod, cases[i].body), cases[i].field,
                         cases[i].message);
    /* what the patterns allow */
    j = it_call(
        201, "POST", "/api/v1/organisations", mod,
        "{\"name\":\"Stichting Patroon\",\"website\":\"HTTPS://Ex.NL:8080/a?b\",\"email\":\"o'brien+x@ex-1.co.uk\","
        "\"phone\":\"+31 (183) 123-456\"}");
    snprintf(path, sizeof(path), "/api/v1/organisations/%s", it_js(j, "id"));
    /* a PATCH checks only what it carries; the name cannot be removed */
    it_call(200, "PATCH", path, mod, "{\"description\":null}");
    assert_one_error(it_call(422, "PATCH", path, mod, "{\"name\":null}"), "name", "is required");
    assert_one_error(it_call(422, "PATCH", path, mod, "{\"email\":\"x\"}"), "email", mail);
    /* unknown members by name first, then the members in order, then the database's */
    j = it_call(422, "POST", "/api/v1/organisations", mod, "{\"name\":\"\",\"phone\":\"1\",\"zz\":1,\"aa\":2}");
    cr_assert_eq(it_jlen(j, "errors"), 4, "%s", it_jtext(j));
    cr_assert_str_eq(it_js(j, "errors.0.field"), "aa", "%s", it_jtext(j));
    cr_assert_str_eq(it_js(j, "errors.1.field"), "zz", "%s", it_jtext(j));
    cr_assert_str_eq(it_js(j, "errors.2.field"), "name", "%s", it_jtext(j));
    cr_assert_str_eq(it_js(j, "errors.3.field"), "phone", "%s", it_jtext(j));
    j = it_call(422, "POST", "/api/v1/organisations", mod, "{\"name\":\"x\",\"municipality\":\"foo\"}");
    cr_assert_eq(it_jlen(j, "errors"), 2, "%s", it_jtext(j));
    cr_assert_str_eq(it_js(j, "errors.1.message"),
                     "is not a municipality this sociale kaart covers (see GET /api/v1/areas)", "%s", it_jtext(j));
}

Test(orgs, list_pages_through_all)
{
    char mod[128], org[40], key[128], path[512], cursor[300] = "";
    bool seen = false;

    actors(mod, org, key);
    for (int page = 0; page < 1000 && !seen; page++) {
        struct json_object *j;
        snprintf(path, sizeof(path), "/api/v1/organisations?limit=100%s%s", cursor[0] ? "&cursor=" : "", cursor);
        j = it_call(200, "GET", path, NULL, NULL);
        seen = find_item(j, "id", org) != NULL;
        if (seen || json_object_get_type(it_jget(j, "next_cursor")) != json_type_string)
            break;
        snprintf(cursor, sizeof(cursor), "%s", it_js(j, "next_cursor"));
    }
    cr_assert(seen, "new organisation not in the list");
    it_call(400, "GET", "/api/v1/organisations?cursor=nonsense", NULL, NULL);
    it_call(400, "GET", "/api/v1/organisations?limit=0", NULL, NULL);
}
