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
/* Helpers (as in test_publishing.c): pooled JSON, asserted requests */

#define POOL_MAX 256
static struct json_object *pool[POOL_MAX];
static int pool_n;

static struct json_object *keep(struct json_object *j)
{
    if (j && pool_n < POOL_MAX)
        pool[pool_n++] = j;
    return j;
}

static void release(void)
{
    while (pool_n > 0)
        json_object_put(pool[--pool_n]);
}

TestSuite(areas, .fini = release);
TestSuite(vocab, .fini = release);
TestSuite(orgs, .fini = release);

static struct json_object *call_h(long want, const char *method, const char *path, const char *key,
                                  const char *body, const char *const *hdrs, struct it_response *resp)
{
    struct it_response r;
    struct json_object *j;
    cr_assert_eq(it_send(method, path, key, body, hdrs, &r), 0, "%s %s: no response", method, path);
    cr_assert_eq(r.status, want, "%s %s%s%s\n  -> %ld (expected %ld)\n  response: %s", method, path,
                 body ? " body: " : "", body ? body : "", r.status, want, r.body);
    j = r.body_len ? keep(it_json(&r)) : NULL;
    if (resp)
        *resp = r;
    else
        it_response_free(&r);
    return j;
}

static struct json_object *call(long want, const char *method, const char *path, const char *key, const char *body)
{
    return call_h(want, method, path, key, body, NULL, NULL);
}

static struct json_object *jget(struct json_object *o, const char *path)
{
    char part[128];
    while (o && *path) {
        size_t n = strcspn(path, ".");
        snprintf(part, sizeof(part), "%.*s", (int)n, path);
        if (json_object_is_type(o, json_type_array)) {
            if ((size_t)atoi(part) >= json_object_array_length(o))
                return NULL;
            o = json_object_array_get_idx(o, (size_t)atoi(part));
        } else if (!json_object_is_type(o, json_type_object) || !json_object_object_get_ex(o, part, &o)) {
            return NULL;
        }
        path += n + (path[n] == '.');
    }
    return o;
}

static const char *js(struct json_object *o, const char *path)
{
    const char *s = it_jstr(o, path);
    return s ? s : "";
}

static size_t jlen(struct json_object *o, const char *path)
{
    struct json_object *a = jget(o, path);
    return json_object_is_type(a, json_type_array) ? json_object_array_length(a) : 0;
}

static bool jcontains(struct json_object *o, const char *path, const char *s)
{
    struct json_object *a = jget(o, path);
    for (size_t i = 0; json_object_is_type(a, json_type_array) && i < json_object_array_length(a); i++)
        if (strcmp(json_object_get_string(json_object_array_get_idx(a, i)), s) == 0)
            return true;
    return false;
}

static const char *jtext(struct json_object *o)
{
    return o ? json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN) : "(none)";
}

static bool names_field(struct json_object *problem, const char *field)
{
    struct json_object *errs = jget(problem, "errors");
    size_t n = strlen(field);
    for (size_t i = 0; json_object_is_type(errs, json_type_array) && i < json_object_array_length(errs); i++) {
        const char *f = js(json_object_array_get_idx(errs, i), "field");
        if (strncmp(f, field, n) == 0 && (f[n] == '\0' || f[n] == '[' || f[n] == '.'))
            return true;
    }
    return false;
}

/* The item of a list whose member key equals value; NULL when absent. */
static struct json_object *find_item(struct json_object *list, const char *key, const char *value)
{
    struct json_object *items = jget(list, "items");
    for (size_t i = 0; json_object_is_type(items, json_type_array) && i < json_object_array_length(items); i++) {
        struct json_object *it = json_object_array_get_idx(items, i);
        if (strcmp(js(it, key), value) == 0)
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
    j = call(201, "POST", "/api/v1/organisations", mod, body);
    strcpy(org, js(j, "id"));
    it_make_key(org, "partner", NULL, key);
}

/* ------------------------------------------------------------------ */
/* Areas */

Test(areas, gorinchem_has_nine_wijken_and_the_municipality)
{
    struct json_object *j, *items, *m, *lw;
    int wijken = 0, municipalities = 0;

    j = call(200, "GET", "/api/v1/areas?municipality=GM0512", NULL, NULL);
    items = jget(j, "items");
    cr_assert(json_object_is_type(items, json_type_array), "%s", jtext(j));
    for (size_t i = 0; i < json_object_array_length(items); i++) {
        struct json_object *it = json_object_array_get_idx(items, i);
        cr_assert_str_eq(js(it, "municipality"), "GM0512", "%s", jtext(it));
        wijken += strcmp(js(it, "kind"), "wijk") == 0;
        municipalities += strcmp(js(it, "kind"), "municipality") == 0;
    }
    cr_assert_eq(wijken, 9, "%s", jtext(j));
    cr_assert_eq(municipalities, 1, "%s", jtext(j));
    cr_assert_eq(json_object_array_length(items), 10, "%s", jtext(j));
    m = find_item(j, "code", "GM0512");
    cr_assert_not_null(m);
    cr_assert_str_eq(js(m, "name"), "Gorinchem");
    cr_assert_str_eq(js(m, "kind"), "municipality");
    lw = find_item(j, "code", "GM0512-lingewijk");
    cr_assert_not_null(lw, "%s", jtext(j));
    cr_assert_str_eq(js(lw, "name"), "Lingewijk");
    cr_assert_str_eq(js(lw, "kind"), "wijk");
    cr_assert_gt(json_object_get_double(jget(lw, "location.lat")), 51.8);
    cr_assert_lt(json_object_get_double(jget(lw, "location.lat")), 51.9);
    cr_assert_gt(json_object_get_double(jget(lw, "location.lon")), 4.9);
    cr_assert_lt(json_object_get_double(jget(lw, "location.lon")), 5.1);
}

Test(areas, west_maas_en_waal_has_eight_kernen)
{
    struct json_object *j, *items;
    int kernen = 0;

    j = call(200, "GET", "/api/v1/areas?municipality=GM0668", NULL, NULL);
    items = jget(j, "items");
    for (size_t i = 0; json_object_is_type(items, json_type_array) && i < json_object_array_length(items); i++)
        kernen += strcmp(js(json_object_array_get_idx(items, i), "kind"), "kern") == 0;
    cr_assert_eq(kernen, 8, "%s", jtext(j));
    cr_assert_eq(jlen(j, "items"), 9, "%s", jtext(j));
    cr_assert_str_eq(js(find_item(j, "code", "GM0668-dreumel"), "name"), "Dreumel", "%s", jtext(j));
    cr_assert_str_eq(js(find_item(j, "code", "GM0668"), "name"), "West Maas en Waal", "%s", jtext(j));
}

Test(areas, all_areas_and_one_area)
{
    struct json_object *j;
    j = call(200, "GET", "/api/v1/areas", NULL, NULL);
    cr_assert_not_null(find_item(j, "code", "GM0512-lingewijk"), "%s", jtext(j));
    cr_assert_not_null(find_item(j, "code", "GM0668-dreumel"), "%s", jtext(j));
    cr_assert_geq(jlen(j, "items"), 19);
    j = call(200, "GET", "/api/v1/areas/GM0668-dreumel", NULL, NULL);
    cr_assert_str_eq(js(j, "code"), "GM0668-dreumel");
    cr_assert_str_eq(js(j, "kind"), "kern");
    cr_assert_str_eq(js(j, "municipality"), "GM0668");
    call(404, "GET", "/api/v1/areas/GM0512-atlantis", NULL, NULL);
}

Test(areas, unknown_or_malformed_municipality_is_400)
{
    struct json_object *j;
    j = call(400, "GET", "/api/v1/areas?municipality=GM9999", NULL, NULL);
    cr_assert(names_field(j, "municipality"), "%s", jtext(j));
    j = call(400, "GET", "/api/v1/areas?municipality=Gorinchem", NULL, NULL);
    cr_assert(names_field(j, "municipality"), "%s", jtext(j));
}

Test(areas, only_moderators_change_areas)
{
    char mod[128], org[40], key[128];
    actors(mod, org, key);
    call(401, "PUT", "/api/v1/areas/GM0512-lingewijk", NULL, "{\"name\":\"Lingewijk-Noord\"}");
    call(403, "PUT", "/api/v1/areas/GM0512-lingewijk", key, "{\"name\":\"Lingewijk-Noord\"}");
    call(403, "DELETE", "/api/v1/areas/GM0512-lingewijk", key, NULL);
    call(403, "PUT", "/api/v1/areas/GM0512-lingewijk/boundary", key,
         "{\"type\":\"Polygon\",\"coordinates\":[[[4.96,51.83],[4.97,51.83],[4.97,51.84],[4.96,51.83]]]}");
    call(200, "GET", "/api/v1/areas/GM0512-lingewijk", NULL, NULL);
}

/* ------------------------------------------------------------------ */
/* Vocabularies */

Test(vocab, themes_have_parents_and_children)
{
    struct json_object *j, *items, *b, *o;
    int top = 0, children = 0;

    j = call(200, "GET", "/api/v1/themes", NULL, NULL);
    items = jget(j, "items");
    cr_assert(json_object_is_type(items, json_type_array), "%s", jtext(j));
    for (size_t i = 0; i < json_object_array_length(items); i++) {
        struct json_object *it = json_object_array_get_idx(items, i), *parent = jget(it, "parent");
        if (parent == NULL) {
            top++;
        } else {
            struct json_object *p = find_item(j, "code", json_object_get_string(parent));
            children++;
            cr_assert_not_null(p, "parent of %s is not listed", js(it, "code"));
            cr_assert_null(jget(p, "parent"), "%s is nested deeper than two levels", js(it, "code"));
        }
    }
    cr_assert_geq(top, 4, "%s", jtext(j));
    cr_assert_geq(children, 18, "%s", jtext(j));
    b = find_item(j, "code", "beweging");
    cr_assert_str_eq(js(b, "parent"), "gezonde-leefstijl", "%s", jtext(b));
    cr_assert_str_eq(js(b, "label_nl"), "Bewegen en sport");
    cr_assert_str_eq(js(b, "label_en"), "Exercise and sport");
    o = find_item(j, "code", "ontmoeten");
    cr_assert_str_eq(js(o, "parent"), "betrokken-samenleving", "%s", jtext(o));
}

Test(vocab, audiences_support_kinds_facets_exception_sets)
{
    static const char *const kinds[] = {"respite", "peer-contact", "training", "advice",
                                        "practical-help", "emotional-support", "appreciation"};
    struct json_object *j, *f, *e;

    j = call(200, "GET", "/api/v1/audiences", NULL, NULL);
    cr_assert_str_eq(js(find_item(j, "code", "ouderen"), "label_nl"), "Ouderen (65+)", "%s", jtext(j));
    cr_assert_str_eq(js(find_item(j, "code", "mantelzorgers"), "label_nl"), "Mantelzorgers", "%s", jtext(j));
    j = call(200, "GET", "/api/v1/support-kinds", NULL, NULL);
    for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
        cr_assert_not_null(find_item(j, "code", kinds[i]), "support kind %s missing: %s", kinds[i], jtext(j));
    cr_assert_str_eq(js(find_item(j, "code", "respite"), "label_nl"), "Respijtzorg");
    j = call(200, "GET", "/api/v1/accessibility-features", NULL, NULL);
    f = find_item(j, "code", "wheelchair");
    cr_assert_not_null(f, "%s", jtext(j));
    cr_assert(jcontains(f, "values", "limited"), "%s", jtext(f));
    cr_assert_null(find_item(j, "code", "languages"), "languages is not a facet: %s", jtext(j));
    j = call(200, "GET", "/api/v1/exception-sets", NULL, NULL);
    e = find_item(j, "code", "nl-public-holidays");
    cr_assert_not_null(e, "%s", jtext(j));
    cr_assert_geq(jlen(e, "dates"), 10, "%s", jtext(e));
    cr_assert_not_null(find_item(j, "code", "school-holidays-middle"), "%s", jtext(j));
    cr_assert_not_null(find_item(j, "code", "school-holidays-south"), "%s", jtext(j));
}

/* Adds a theme of its own under "betrokken-samenleving"; its code into code. */
static void add_theme(const char *mod, char *code, size_t cap)
{
    char tag[48], path[128];
    struct json_object *j;
    make_tag(tag, sizeof(tag));
    snprintf(code, cap, "buurtmoestuin-%s", tag);
    snprintf(path, sizeof(path), "/api/v1/themes/%s", code);
    j = call(201, "PUT", path, mod,
             "{\"label_nl\":\"Buurtmoestuin\",\"label_en\":\"Community garden\",\"parent\":\"betrokken-samenleving\"}");
    cr_assert_str_eq(js(j, "code"), code, "%s", jtext(j));
    /* a second PUT renames */
    j = call(200, "PUT", path, mod,
             "{\"label_nl\":\"Buurtmoestuinen\",\"label_en\":\"Community gardens\",\"parent\":\"betrokken-samenleving\"}");
    cr_assert_str_eq(js(j, "label_nl"), "Buurtmoestuinen", "%s", jtext(j));
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

Test(vocab, moderator_adds_and_retires_a_theme)
{
    char mod[128], org[40], key[128], code[96], path[128], epath[128], body[2048];
    struct json_object *j, *t;

    actors(mod, org, key);
    add_theme(mod, code, sizeof(code));
    snprintf(path, sizeof(path), "/api/v1/themes/%s", code);
    j = call(200, "GET", "/api/v1/themes", NULL, NULL);
    t = find_item(j, "code", code);
    cr_assert_not_null(t, "new theme not listed: %s", jtext(j));
    cr_assert_str_eq(js(t, "parent"), "betrokken-samenleving");
    cr_assert_str_eq(js(t, "label_nl"), "Buurtmoestuinen");

    /* partners may not change the vocabulary */
    call(403, "PUT", path, key, "{\"label_nl\":\"Moestuin\"}");
    call(403, "DELETE", path, key, NULL);
    call(401, "DELETE", path, NULL, NULL);

    /* an entry uses it */
    j = call(201, "POST", "/api/v1/places", key, garden_place(body, sizeof(body), "Moestuin De Lingewijk", code));
    snprintf(epath, sizeof(epath), "/api/v1/places/%s", js(j, "id"));
    cr_assert(jcontains(j, "themes", code), "%s", jtext(j));

    /* retire it: gone from the list, listed as retired on request */
    call(204, "DELETE", path, mod, NULL);
    j = call(200, "GET", "/api/v1/themes", NULL, NULL);
    cr_assert_null(find_item(j, "code", code), "retired theme still offered: %s", jtext(find_item(j, "code", code)));
    j = call(200, "GET", "/api/v1/themes?include_retired=true", NULL, NULL);
    t = find_item(j, "code", code);
    cr_assert_not_null(t, "retired theme not listed with include_retired=true");
    cr_assert(json_object_get_boolean(jget(t, "retired")), "%s", jtext(t));

    /* refused on a new entry ... */
    j = call(422, "POST", "/api/v1/places", key, garden_place(body, sizeof(body), "Tweede moestuin", code));
    cr_assert(names_field(j, "themes"), "%s", jtext(j));
    /* ... but it stays on the old one (read by its owner: an untrusted partner's entry is pending) */
    j = call(200, "GET", epath, key, NULL);
    cr_assert(jcontains(j, "themes", code), "retired theme dropped from an old entry: %s", jtext(j));
}

/* An old entry with a retired theme can still be edited without touching its themes. */
Test(vocab, retired_theme_does_not_block_edits_of_old_entries)
{
    char mod[128], org[40], key[128], code[96], path[128], epath[128], body[2048];
    const char *h[] = {"If-Match: \"1\"", NULL};
    struct json_object *j;

    actors(mod, org, key);
    add_theme(mod, code, sizeof(code));
    snprintf(path, sizeof(path), "/api/v1/themes/%s", code);
    j = call(201, "POST", "/api/v1/places", key, garden_place(body, sizeof(body), "Moestuin Haarwijk", code));
    snprintf(epath, sizeof(epath), "/api/v1/places/%s", js(j, "id"));
    call(204, "DELETE", path, mod, NULL);
    j = call_h(200, "PATCH", epath, key, "{\"summary\":\"Nieuwe tuinders welkom.\"}", h, NULL);
    cr_assert(jcontains(j, "themes", code), "%s", jtext(j));
    cr_assert_str_eq(js(j, "summary"), "Nieuwe tuinders welkom.");
}

Test(vocab, theme_validation)
{
    char mod[128], tag[48], path[160];
    struct json_object *j;

    actors(mod, NULL, NULL);
    make_tag(tag, sizeof(tag));
    snprintf(path, sizeof(path), "/api/v1/themes/zwerfafval-%s", tag);
    j = call(422, "PUT", path, mod, "{\"label_nl\":\"Zwerfafval\",\"parent\":\"bestaat-niet\"}");
    cr_assert(names_field(j, "parent"), "%s", jtext(j));
    j = call(422, "PUT", path, mod, "{\"label_en\":\"Litter\"}");
    cr_assert(names_field(j, "label_nl"), "%s", jtext(j));
    j = call(422, "PUT", path, mod, "{\"label_nl\":\"Zwerfafval\",\"kleur\":\"groen\"}");
    cr_assert(names_field(j, "kleur"), "%s", jtext(j));
    j = call(200, "GET", "/api/v1/themes?include_retired=true", NULL, NULL);
    cr_assert_null(find_item(j, "code", path + strlen("/api/v1/themes/")), "refused theme was stored");
    call(404, "GET", "/api/v1/no-such-vocabulary", NULL, NULL);
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
    j = call(201, "POST", "/api/v1/organisations", mod, body);
    snprintf(path, sizeof(path), "/api/v1/organisations/%s", js(j, "id"));
    cr_assert_str_eq(js(j, "phone"), "0183 654 321");
    cr_assert(jget(j, "trusted") && !json_object_get_boolean(jget(j, "trusted")), "%s", jtext(j));
    cr_assert_str_neq(js(j, "created_at"), "");

    j = call(200, "GET", path, NULL, NULL);
    cr_assert_str_eq(js(j, "description"), "Steun voor mantelzorgers.");
    j = call(200, "PATCH", path, mod, "{\"description\":\"Steunpunt voor mantelzorgers in Gorinchem.\",\"trusted\":true}");
    cr_assert_str_eq(js(j, "description"), "Steunpunt voor mantelzorgers in Gorinchem.");
    cr_assert(json_object_get_boolean(jget(j, "trusted")), "%s", jtext(j));
    cr_assert_str_eq(js(j, "website"), "https://www.mantelzorggorinchem.nl", "PATCH lost a member: %s", jtext(j));

    /* partners may not change organisations, not even their own */
    call(403, "PATCH", path, key, "{\"trusted\":false}");
    snprintf(path, sizeof(path), "/api/v1/organisations/%s", org);
    call(403, "PATCH", path, key, "{\"trusted\":true}");
    call(401, "PATCH", path, NULL, "{\"trusted\":true}");
    j = call(200, "GET", path, NULL, NULL);
    cr_assert(!json_object_get_boolean(jget(j, "trusted")), "%s", jtext(j));
    call(404, "GET", "/api/v1/organisations/00000000-0000-4000-8000-000000000000", NULL, NULL);
}

Test(orgs, validation)
{
    char mod[128];
    struct json_object *j;

    actors(mod, NULL, NULL);
    j = call(422, "POST", "/api/v1/organisations", mod, "{\"description\":\"Zonder naam\"}");
    cr_assert(names_field(j, "name"), "%s", jtext(j));
    j = call(422, "POST", "/api/v1/organisations", mod,
             "{\"name\":\"Stichting Kapot\",\"email\":\"geen-adres\",\"website\":\"ftp://kapot\",\"kvk\":\"12345678\"}");
    cr_assert(names_field(j, "email"), "%s", jtext(j));
    cr_assert(names_field(j, "website"), "%s", jtext(j));
    cr_assert(names_field(j, "kvk"), "%s", jtext(j));
}

Test(orgs, list_pages_through_all)
{
    char mod[128], org[40], key[128], path[512], cursor[300] = "";
    bool seen = false;

    actors(mod, org, key);
    for (int page = 0; page < 1000 && !seen; page++) {
        struct json_object *j;
        snprintf(path, sizeof(path), "/api/v1/organisations?limit=100%s%s", cursor[0] ? "&cursor=" : "", cursor);
        j = call(200, "GET", path, NULL, NULL);
        seen = find_item(j, "id", org) != NULL;
        if (seen || json_object_get_type(jget(j, "next_cursor")) != json_type_string)
            break;
        snprintf(cursor, sizeof(cursor), "%s", js(j, "next_cursor"));
    }
    cr_assert(seen, "new organisation not in the list");
    call(400, "GET", "/api/v1/organisations?cursor=nonsense", NULL, NULL);
    call(400, "GET", "/api/v1/organisations?limit=0", NULL, NULL);
}
