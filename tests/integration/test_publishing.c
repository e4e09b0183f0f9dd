/*
 * test_publishing.c — issue 4, "How it will be checked": partners publish
 * places, activities, vacancies and carer-support offers through the API.
 *
 * Everything goes over real HTTP to the real daemon and database. Each test
 * makes its own moderator (CLI), its own organisations (POST by that
 * moderator) and partner keys (CLI), so tests depend neither on each other
 * nor on data left by earlier runs (release and ASan share one database).
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
/* JSON kept until the end of the test (it_keep; freed by it_release as */
/* the suite's .fini, so passing tests leak nothing under ASan).         */

TestSuite(organisations, .fini = it_release);
TestSuite(entries, .fini = it_release);
TestSuite(authz, .fini = it_release);
TestSuite(validation, .fini = it_release);
TestSuite(concurrency, .fini = it_release);
TestSuite(idempotency, .fini = it_release);
TestSuite(schedule, .fini = it_release);
TestSuite(audit, .fini = it_release);
TestSuite(i18n, .fini = it_release);
TestSuite(caching, .fini = it_release);
TestSuite(http, .fini = it_release);

/* ------------------------------------------------------------------ */
/* JSON (it_call, it_jget, it_js, it_jlen, it_jtext come from it.h) */

static bool jhas(struct json_object *o, const char *key)
{
    return json_object_is_type(o, json_type_object) && json_object_object_get_ex(o, key, NULL);
}

static int jint(struct json_object *o, const char *path)
{
    return json_object_get_int(it_jget(o, path));
}

/* The nth (0-based) audit item with this action. */
static struct json_object *audit_item(struct json_object *list, const char *action, int nth)
{
    struct json_object *items = it_jget(list, "items");
    for (size_t i = 0; json_object_is_type(items, json_type_array) && i < json_object_array_length(items); i++) {
        struct json_object *it = json_object_array_get_idx(items, i);
        if (strcmp(it_js(it, "action"), action) == 0 && nth-- == 0)
            return it;
    }
    return NULL;
}

static void assert_problem(struct json_object *p, int status)
{
    cr_assert_not_null(p, "no problem body");
    cr_assert_eq(jint(p, "status"), status, "problem status: %s", it_jtext(p));
    cr_assert_str_neq(it_js(p, "title"), "", "problem without title: %s", it_jtext(p));
    cr_assert(jhas(p, "type"), "problem without type: %s", it_jtext(p));
}

/* ------------------------------------------------------------------ */
/* Actors: a moderator (CLI), organisations A and B (API) with partner keys (CLI) */

struct world {
    char tag[64];
    char mod_org[40], mod[128];
    char org_a[40], key_a[128];
    char org_b[40], key_b[128];
};

/*
 * POST /api/v1/organisations as the moderator; the new id into id. The
 * organisations are trusted, so their entries and changes are published at
 * once: these tests are about publishing; the review of untrusted partners'
 * entries (pending, revisions) is tested in test_moderation.c.
 */
static void api_org(const char *mod, const char *name, const char *site, char *id)
{
    char body[1024], loc[160], want[160];
    struct it_response r;
    struct json_object *j;
    snprintf(body, sizeof(body),
             "{\"name\":\"%s\",\"description\":\"Welzijnsorganisatie in de regio Rivierenland.\","
             "\"website\":\"https://www.%s\",\"email\":\"info@%s\",\"phone\":\"0183 123 456\","
             "\"trusted\":true}",
             name, site, site);
    j = it_call_h(201, "POST", "/api/v1/organisations", mod, body, NULL, &r);
    cr_assert_eq(strlen(it_js(j, "id")), 36, "organisation id: %s", r.body);
    cr_assert_str_eq(it_js(j, "name"), name);
    snprintf(want, sizeof(want), "/api/v1/organisations/%s", it_js(j, "id"));
    cr_assert_str_eq(it_header(&r, "Location", loc, sizeof(loc)) ? loc : "", want);
    strcpy(id, it_js(j, "id"));
    it_response_free(&r);
}

static void world(struct world *w)
{
    char name[200];
    it_tag(w->tag, sizeof(w->tag));
    it_make_org("Gemeente Gorinchem, team Sociale Kaart", w->mod_org);
    it_make_key(w->mod_org, "moderator", "GM0512,GM0668", w->mod);
    snprintf(name, sizeof(name), "Stichting Welzijn Gorinchem (test %s)", w->tag);
    api_org(w->mod, name, "welzijngorinchem.nl", w->org_a);
    it_make_key(w->org_a, "partner", NULL, w->key_a);
    snprintf(name, sizeof(name), "Vrijwilligerscentrale West Maas en Waal (test %s)", w->tag);
    api_org(w->mod, name, "vrijwilligerswestmaasenwaal.nl", w->org_b);
    it_make_key(w->org_b, "partner", NULL, w->key_b);
}

/* ------------------------------------------------------------------ */
/* Realistic entry bodies (title carries the test's tag) */

#define ADDRESS_LINGEWIJK                                                                                              \
    "\"address\":{\"street\":\"Lingewijkerweg\",\"house_number\":\"12\",\"postcode\":\"4205 AB\","                     \
    "\"city\":\"Gorinchem\"},\"location\":{\"lat\":51.8395,\"lon\":4.9655}"

static char *place_body(char *buf, size_t cap, const char *title)
{
    snprintf(
        buf, cap,
        "{\"title\":\"%s\",\"summary\":\"Ontmoetingsplek voor de hele wijk.\","
        "\"description\":\"Koffie, activiteiten en een luisterend oor. Iedereen is welkom.\","
        "\"municipality\":\"GM0512\",\"areas\":[\"GM0512-lingewijk\"],\"themes\":[\"ontmoeten\"],"
        "\"audiences\":[\"ouderen\",\"iedereen\"],\"accessibility\":{\"wheelchair\":\"yes\",\"hearing_loop\":\"yes\"},"
        "\"cost\":{\"free\":true},\"contact\":{\"phone\":\"0183 123 456\",\"email\":\"info@buurthuislingewijk.nl\","
        "\"website\":\"https://www.buurthuislingewijk.nl\"},\"languages\":[\"nl\",\"en\"]," ADDRESS_LINGEWIJK ","
        "\"opening_hours\":[{\"day\":\"mo\",\"opens\":\"09:00\",\"closes\":\"17:00\"},"
        "{\"day\":\"we\",\"opens\":\"13:30\",\"closes\":\"21:00\"}]}",
        title);
    return buf;
}

static char *activity_body(char *buf, size_t cap, const char *title)
{
    snprintf(
        buf, cap,
        "{\"title\":\"%s\",\"summary\":\"Elke dinsdag samen een uur wandelen door de wijk.\","
        "\"municipality\":\"GM0512\",\"areas\":[\"GM0512-lingewijk\"],\"themes\":[\"beweging\",\"ontmoeten\"],"
        "\"audiences\":[\"ouderen\"],\"cost\":{\"free\":true}," ADDRESS_LINGEWIJK ","
        "\"schedule\":{\"start\":\"2026-03-03T10:00\",\"end\":\"2026-03-03T11:00\",\"rrule\":\"FREQ=WEEKLY;BYDAY=TU\"},"
        "\"registration\":\"none\",\"capacity\":20,\"places_left\":12,\"address_visibility\":\"public\"}",
        title);
    return buf;
}

/* A vacancy valid for a year from today (a fixed valid_until would expire the fixture). */
static char *vacancy_body(char *buf, size_t cap, const char *title)
{
    char until[11];
    it_day(until, 365);
    snprintf(
        buf, cap,
        "{\"title\":\"%s\",\"summary\":\"Help mee bij de koffieochtend voor ouderen in de Lingewijk.\","
        "\"municipality\":\"GM0512\",\"areas\":[\"GM0512-lingewijk\"],\"themes\":[\"vrijwilligerswerk\",\"ontmoeten\"],"
        "\"audiences\":[\"volwassenen\"],\"contact\":{\"email\":\"vrijwilligers@welzijngorinchem.nl\"},"
        "\"hours_per_week\":3,\"commitment\":\"ongoing\",\"min_age\":16,"
        "\"skills\":[\"gastvrijheid\",\"koffie zetten\"],\"valid_until\":\"%s\"}",
        title, until);
    return buf;
}

static char *carer_body(char *buf, size_t cap, const char *title)
{
    snprintf(buf, cap,
             "{\"title\":\"%s\",\"summary\":\"Maandelijks bijpraten met andere mantelzorgers.\","
             "\"municipality\":\"GM0668\",\"areas\":[\"GM0668-dreumel\"],\"themes\":[\"mantelzorg\"],"
             "\"audiences\":[\"mantelzorgers\"],\"cost\":{\"free\":true},\"contact\":{\"phone\":\"0487 123 456\"},"
             "\"support_kind\":\"peer-contact\",\"for_whom\":[\"mantelzorgers\",\"jonge-mantelzorgers\"]}",
             title);
    return buf;
}

/* Replace the first occurrence of from in buf by to. */
static void replace_once(char *buf, size_t cap, const char *from, const char *to)
{
    char *at = strstr(buf, from);
    size_t lf = strlen(from), lt = strlen(to);
    cr_assert_not_null(at, "'%s' not in the body", from);
    cr_assert_lt(strlen(buf) - lf + lt, cap);
    memmove(at + lt, at + lf, strlen(at + lf) + 1);
    memcpy(at, to, lt);
}

typedef char *(*body_fn)(char *buf, size_t cap, const char *title);

/* POST an entry as key; its id into id (37 bytes); returns the representation. */
static struct json_object *create_entry(const char *coll, const char *key, const char *body, char *id)
{
    char path[96];
    struct json_object *j;
    snprintf(path, sizeof(path), "/api/v1/%s", coll);
    j = it_call(201, "POST", path, key, body);
    cr_assert_eq(strlen(it_js(j, "id")), 36, "create %s: no id in %s", coll, it_jtext(j));
    strcpy(id, it_js(j, "id"));
    return j;
}

static char *entry_path(char *buf, size_t cap, const char *coll, const char *id)
{
    snprintf(buf, cap, "/api/v1/%s/%s", coll, id);
    return buf;
}

/*
 * Walk the whole list of a collection as key (limit 100, following
 * next_cursor) and count the items of organisation org; when id is given,
 * the matching item goes into *found.
 */
static int count_listed(const char *coll, const char *key, const char *lang, const char *org, const char *id,
                        struct json_object **found)
{
    char path[512], cursor[300] = "", al[32];
    const char *hdrs[] = { al, NULL };
    int count = 0;
    snprintf(al, sizeof(al), "Accept-Language: %s", lang ? lang : "nl");
    if (found)
        *found = NULL;
    for (int page = 0; page < 500; page++) {
        struct json_object *j, *items;
        snprintf(path, sizeof(path), "/api/v1/%s?limit=100%s%s", coll, cursor[0] ? "&cursor=" : "", cursor);
        j = it_call_h(200, "GET", path, key, NULL, hdrs, NULL);
        items = it_jget(j, "items");
        cr_assert(json_object_is_type(items, json_type_array), "list without items: %s", it_jtext(j));
        for (size_t i = 0; i < json_object_array_length(items); i++) {
            struct json_object *it = json_object_array_get_idx(items, i);
            if (strcmp(it_js(it, "organisation_id"), org) == 0)
                count++;
            if (id && found && strcmp(it_js(it, "id"), id) == 0)
                *found = it;
        }
        if (!jhas(j, "next_cursor") || json_object_get_type(it_jget(j, "next_cursor")) != json_type_string)
            return count;
        snprintf(cursor, sizeof(cursor), "%s", it_js(j, "next_cursor"));
    }
    cr_assert_fail("list %s did not end after 500 pages", coll);
    return -1;
}

/* ------------------------------------------------------------------ */
/* Organisations */

Test(organisations, moderator_creates_partners_use_their_keys)
{
    struct world w;
    struct json_object *j;
    char path[96];

    world(&w);
    /* the organisation is public */
    snprintf(path, sizeof(path), "/api/v1/organisations/%s", w.org_a);
    j = it_call(200, "GET", path, NULL, NULL);
    cr_assert_str_eq(it_js(j, "id"), w.org_a);
    cr_assert_str_eq(it_js(j, "website"), "https://www.welzijngorinchem.nl");
    cr_assert_str_eq(it_js(j, "email"), "info@welzijngorinchem.nl");
    /* the partner keys made with the CLI belong to those organisations */
    j = it_call(200, "GET", "/api/v1/me", w.key_a, NULL);
    cr_assert_str_eq(it_js(j, "role"), "partner");
    cr_assert_str_eq(it_js(j, "organisation_id"), w.org_a);
    j = it_call(200, "GET", "/api/v1/me", w.key_b, NULL);
    cr_assert_str_eq(it_js(j, "organisation_id"), w.org_b);
    /* partners and anonymous callers cannot make organisations */
    j = it_call(403, "POST", "/api/v1/organisations", w.key_a, "{\"name\":\"Stichting Zelfbenoemd\"}");
    assert_problem(j, 403);
    it_call(401, "POST", "/api/v1/organisations", NULL, "{\"name\":\"Stichting Zelfbenoemd\"}");
}

/* ------------------------------------------------------------------ */
/* Create, read, update (PUT and PATCH with If-Match), delete: all four kinds */

struct kind_case {
    const char *coll;      /* path segment */
    const char *kind;      /* representation's kind */
    body_fn body;          /* create and PUT body */
    const char *patch;     /* PATCH body */
    const char *patch_key; /* a member the patch sets ... */
    const char *patch_val; /* ... to this (as text) */
    const char *own_key;   /* a kind-specific key the representation must have */
    const char *other_key; /* a key of another kind it must not have */
};

static void crud_cycle(const struct kind_case *k)
{
    struct world w;
    struct json_object *j;
    struct it_response r;
    char id[40], path[128], body[4096], title[160], title2[160], want[160], v[64];

    world(&w);
    snprintf(title, sizeof(title), "%s %s", k->kind, w.tag);
    k->body(body, sizeof(body), title);

    /* create: 201, Location, ETag "1", the full representation */
    snprintf(path, sizeof(path), "/api/v1/%s", k->coll);
    j = it_call_h(201, "POST", path, w.key_a, body, NULL, &r);
    strcpy(id, it_js(j, "id"));
    cr_assert_eq(strlen(id), 36, "no id: %s", r.body);
    snprintf(want, sizeof(want), "/api/v1/%s/%s", k->coll, id);
    cr_assert_str_eq(it_header(&r, "Location", v, sizeof(v)) ? v : "", want);
    cr_assert_str_eq(it_header(&r, "ETag", v, sizeof(v)) ? v : "", "\"1\"");
    it_response_free(&r);
    cr_assert_str_eq(it_js(j, "kind"), k->kind);
    cr_assert_str_eq(it_js(j, "status"), "published");
    cr_assert_eq(jint(j, "version"), 1);
    cr_assert_str_eq(it_js(j, "organisation_id"), w.org_a);
    cr_assert_str_eq(it_js(j, "title"), title);
    cr_assert(jhas(j, k->own_key), "%s lacks %s: %s", k->kind, k->own_key, it_jtext(j));
    cr_assert(!jhas(j, k->other_key), "%s has %s of another kind: %s", k->kind, k->other_key, it_jtext(j));
    cr_assert(jhas(j, "created_at") && jhas(j, "updated_at"), "no timestamps: %s", it_jtext(j));

    /* read: anyone, published */
    entry_path(path, sizeof(path), k->coll, id);
    j = it_call(200, "GET", path, NULL, NULL);
    cr_assert_str_eq(it_js(j, "id"), id);
    cr_assert_str_eq(it_js(j, "title"), title);
    j = it_call(200, "GET", path, w.key_a, NULL);
    cr_assert_eq(jint(j, "version"), 1);

    /* PUT: full replacement; members left out are gone */
    snprintf(title2, sizeof(title2), "%s %s (vernieuwd)", k->kind, w.tag);
    k->body(body, sizeof(body), title2);
    {
        /* drop "audiences" from the PUT body: replacement must clear it */
        char *a = strstr(body, "\"audiences\":[");
        char *end = a ? strchr(a, ']') : NULL;
        cr_assert_not_null(end);
        memmove(a, end + 2, strlen(end + 2) + 1); /* up to and with "]," */
    }
    j = it_call_if(200, "PUT", path, w.key_a, body, 1);
    cr_assert_eq(jint(j, "version"), 2, "PUT: %s", it_jtext(j));
    cr_assert_str_eq(it_js(j, "title"), title2);
    cr_assert_eq(it_jlen(j, "audiences"), 0, "PUT left audiences: %s", it_jtext(j));
    j = it_call(200, "GET", path, NULL, NULL);
    cr_assert_eq(jint(j, "version"), 2);
    cr_assert_str_eq(it_js(j, "title"), title2);

    /* PATCH (merge patch): one member changes, the rest stays */
    j = it_call_if(200, "PATCH", path, w.key_a, k->patch, 2);
    cr_assert_eq(jint(j, "version"), 3, "PATCH: %s", it_jtext(j));
    cr_assert_str_eq(it_js(j, k->patch_key), k->patch_val, "PATCH: %s", it_jtext(j));
    cr_assert_str_eq(it_js(j, "title"), title2);
    cr_assert_str_eq(it_js(j, "kind"), k->kind);
    j = it_call_h(200, "GET", path, NULL, NULL, NULL, &r);
    cr_assert_str_eq(it_header(&r, "ETag", v, sizeof(v)) ? v : "", "\"3\"");
    it_response_free(&r);
    cr_assert_str_eq(it_js(j, k->patch_key), k->patch_val);

    /* DELETE, then the entry is gone for everyone */
    j = it_call_if(204, "DELETE", path, w.key_a, NULL, 3);
    it_call(404, "GET", path, NULL, NULL);
    j = it_call(404, "GET", path, w.key_a, NULL);
    assert_problem(j, 404);
    it_call_if(404, "PATCH", path, w.key_a, "{\"summary\":\"te laat\"}", 4);
    it_call_if(404, "DELETE", path, w.key_a, NULL, 4);
    cr_assert_eq(count_listed(k->coll, w.key_a, NULL, w.org_a, NULL, NULL), 0, "deleted entry still listed");
}

Test(entries, place_create_read_update_delete)
{
    static const struct kind_case k = {
        "places",
        "place",
        place_body,
        "{\"summary\":\"Nieuwe openingstijden vanaf "
        "maart.\",\"opening_hours\":[{\"day\":\"tu\",\"opens\":\"10:00\",\"closes\":\"16:00\"}]}",
        "opening_hours.0.day",
        "tu",
        "opening_hours",
        "schedule"
    };
    crud_cycle(&k);
}

Test(entries, activity_create_read_update_delete)
{
    static const struct kind_case k = { "activities",  "activity",
                                        activity_body, "{\"places_left\":5,\"registration\":\"required\"}",
                                        "places_left", "5",
                                        "schedule",    "opening_hours" };
    crud_cycle(&k);
}

Test(entries, vacancy_create_read_update_delete)
{
    static const struct kind_case k = { "vacancies",   "vacancy",
                                        vacancy_body,  "{\"hours_per_week\":4,\"skills\":[\"gastvrijheid\"]}",
                                        "skills.0",    "gastvrijheid",
                                        "valid_until", "schedule" };
    crud_cycle(&k);
}

Test(entries, carer_support_create_read_update_delete)
{
    static const struct kind_case k = { "carer-support", "carer_support", carer_body, "{\"support_kind\":\"training\"}",
                                        "support_kind",  "training",      "for_whom", "address" };
    crud_cycle(&k);
}

/* An activity can move from an address to online with PUT, and to a place with PATCH. */
Test(entries, activity_venue_changes)
{
    struct world w;
    struct json_object *j;
    char place[40], act[40], path[128], body[4096], patch[200];

    world(&w);
    create_entry("places", w.key_a, place_body(body, sizeof(body), "Buurthuis De Lingewijk"), place);
    create_entry("activities", w.key_a, activity_body(body, sizeof(body), "Wandelgroep Lingewijk"), act);
    entry_path(path, sizeof(path), "activities", act);
    snprintf(body, sizeof(body),
             "{\"title\":\"Wandelgroep Lingewijk (online)\",\"municipality\":\"GM0512\",\"online\":true,"
             "\"schedule\":{\"start\":\"2026-03-03T10:00\",\"end\":\"2026-03-03T11:00\"}}");
    j = it_call_if(200, "PUT", path, w.key_a, body, 1);
    cr_assert_eq(json_object_get_boolean(it_jget(j, "online")), 1, "%s", it_jtext(j));
    cr_assert(it_jget(j, "address") == NULL, "PUT to online kept the address: %s", it_jtext(j));
    cr_assert(it_jget(j, "location") == NULL, "PUT to online kept the location: %s", it_jtext(j));
    /* merge patch: online off, place on */
    snprintf(patch, sizeof(patch), "{\"online\":null,\"place_id\":\"%s\"}", place);
    j = it_call_if(200, "PATCH", path, w.key_a, patch, 2);
    cr_assert_str_eq(it_js(j, "place_id"), place, "%s", it_jtext(j));
    cr_assert(!json_object_get_boolean(it_jget(j, "online")), "%s", it_jtext(j));
    /* a PATCH that leaves two venues is refused as a whole */
    j = it_call_if(422, "PATCH", path, w.key_a, "{\"online\":true}", 3);
    assert_problem(j, 422);
    j = it_call(200, "GET", path, NULL, NULL);
    cr_assert_eq(jint(j, "version"), 3);
    cr_assert_str_eq(it_js(j, "place_id"), place);
}

/* An activity whose address is only for signed-up people: anonymous readers see the area only. */
Test(entries, area_only_address_is_hidden_from_anonymous_readers)
{
    struct world w;
    struct json_object *j;
    char id[40], path[128], body[4096];

    world(&w);
    activity_body(body, sizeof(body), "Lotgenotengroep rouw Lingewijk");
    replace_once(body, sizeof(body), "\"address_visibility\":\"public\"", "\"address_visibility\":\"area_only\"");
    create_entry("activities", w.key_a, body, id);
    entry_path(path, sizeof(path), "activities", id);
    j = it_call(200, "GET", path, NULL, NULL);
    cr_assert(!jhas(j, "address") && !jhas(j, "location"), "anonymous sees the address: %s", it_jtext(j));
    cr_assert(it_jcontains(j, "areas", "GM0512-lingewijk"), "%s", it_jtext(j));
    j = it_call(200, "GET", path, w.key_a, NULL);
    cr_assert_str_eq(it_js(j, "address.postcode"), "4205 AB", "owner does not see the address: %s", it_jtext(j));
}

/* Soft delete is the partner's; purging is for moderators. */
Test(entries, purge_is_for_moderators)
{
    struct world w;
    struct json_object *j;
    char id[40], path[128], purge[160], apath[160], body[4096];

    world(&w);
    create_entry("places", w.key_a, place_body(body, sizeof(body), "Speeltuin De Lingewijk"), id);
    entry_path(path, sizeof(path), "places", id);
    snprintf(purge, sizeof(purge), "%s?purge=true", path);
    j = it_call_if(403, "DELETE", purge, w.key_a, NULL, 1);
    assert_problem(j, 403);
    it_call(400, "DELETE", "/api/v1/places/00000000-0000-4000-8000-000000000000?purge=misschien", w.mod, NULL);
    it_call_if(204, "DELETE", purge, w.mod, NULL, 1);
    it_call(404, "GET", path, w.mod, NULL);
    it_call(404, "GET", path, w.key_a, NULL);
    snprintf(apath, sizeof(apath), "/api/v1/audit?entry=%s", id);
    j = it_call(200, "GET", apath, w.mod, NULL);
    cr_assert_eq(it_jlen(j, "items"), 2, "%s", it_jtext(j));
    cr_assert_not_null(audit_item(j, "create", 0), "%s", it_jtext(j));
    cr_assert_str_eq(it_js(audit_item(j, "purge", 0), "before.title"), "Speeltuin De Lingewijk", "%s", it_jtext(j));
}

Test(entries, unknown_ids_and_bad_list_parameters)
{
    struct json_object *j;
    it_call(404, "GET", "/api/v1/places/00000000-0000-4000-8000-000000000000", NULL, NULL);
    it_call(404, "GET", "/api/v1/vacancies/niet-een-uuid", NULL, NULL);
    j = it_call(400, "GET", "/api/v1/activities?cursor=verzonnen", NULL, NULL);
    cr_assert(it_names_field(j, "cursor"), "%s", it_jtext(j));
    j = it_call(400, "GET", "/api/v1/activities?limit=1000", NULL, NULL);
    cr_assert(it_names_field(j, "limit"), "%s", it_jtext(j));
    j = it_call(200, "GET", "/api/v1/carer-support?limit=1", NULL, NULL);
    cr_assert(jhas(j, "next_cursor"), "%s", it_jtext(j));
}

/* ------------------------------------------------------------------ */
/* Authorisation */

Test(authz, partner_cannot_change_another_partners_entry)
{
    struct world w;
    struct json_object *j;
    char id[40], path[128], body[4096], title[128];

    world(&w);
    snprintf(title, sizeof(title), "Mantelzorgcafe Dreumel %s", w.tag);
    create_entry("carer-support", w.key_b, carer_body(body, sizeof(body), title), id);
    entry_path(path, sizeof(path), "carer-support", id);

    /* A may read B's published entry, but not change it */
    it_call(200, "GET", path, w.key_a, NULL);
    j = it_call_if(403, "PUT", path, w.key_a, carer_body(body, sizeof(body), "Overgenomen door A"), 1);
    assert_problem(j, 403);
    j = it_call_if(403, "PATCH", path, w.key_a, "{\"title\":\"Overgenomen door A\"}", 1);
    assert_problem(j, 403);
    j = it_call_if(403, "DELETE", path, w.key_a, NULL, 1);
    assert_problem(j, 403);
    j = it_call(200, "GET", path, NULL, NULL);
    cr_assert_eq(jint(j, "version"), 1);
    cr_assert_str_eq(it_js(j, "title"), title);
    cr_assert_str_eq(it_js(j, "organisation_id"), w.org_b);

    /* nor create an entry in B's name */
    snprintf(body, sizeof(body),
             "{\"organisation_id\":\"%s\",\"title\":\"Namens B\",\"municipality\":\"GM0668\","
             "\"support_kind\":\"advice\",\"for_whom\":[\"mantelzorgers\"]}",
             w.org_b);
    j = it_call(403, "POST", "/api/v1/carer-support", w.key_a, body);
    assert_problem(j, 403);
    cr_assert_eq(count_listed("carer-support", w.key_a, NULL, w.org_b, NULL, NULL), 1);

    /* the moderator may change it */
    j = it_call_if(200, "PATCH", path, w.mod, "{\"summary\":\"Gecontroleerd door de gemeente.\"}", 1);
    cr_assert_eq(jint(j, "version"), 2);
}

Test(authz, writes_without_key_are_401)
{
    struct world w;
    struct it_response r;
    char id[40], path[128], body[4096], v[128];
    const char *h[] = { "If-Match: \"1\"", NULL };

    world(&w);
    create_entry("places", w.key_a, place_body(body, sizeof(body), "Buurthuis De Lingewijk"), id);
    entry_path(path, sizeof(path), "places", id);

    it_call_h(401, "POST", "/api/v1/places", NULL, body, NULL, &r);
    cr_assert_not_null(it_header(&r, "WWW-Authenticate", v, sizeof(v)));
    cr_assert_str_eq(it_header(&r, "Content-Type", v, sizeof(v)) ? v : "", "application/problem+json");
    it_response_free(&r);
    it_call_h(401, "PUT", path, NULL, body, h, NULL);
    it_call_h(401, "PATCH", path, NULL, "{\"title\":\"Gekaapt\"}", h, NULL);
    it_call_h(401, "DELETE", path, NULL, NULL, h, NULL);
    it_call_h(401, "PATCH", path, "sk_00000000000000000000000000000000_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
              "{\"title\":\"Gekaapt\"}", h, NULL);
    {
        struct json_object *j = it_call(200, "GET", path, NULL, NULL);
        cr_assert_eq(jint(j, "version"), 1);
    }
    cr_assert_eq(count_listed("places", NULL, NULL, w.org_a, NULL, NULL), 1);
}

/* ------------------------------------------------------------------ */
/* Validation */

/* Ten wrong fields, six the daemon sees and four only the database sees: one 422 naming all. */
Test(validation, ten_wrong_fields_one_problem)
{
    static const char *const fields[] = {
        /* the daemon sees these */
        "contact.email",
        "contact.website",
        "contact.phone",
        "address.house_number",
        "address.postcode",
        "images[0]",
        /* only the database knows these codes */
        "areas[0]",
        "themes[1]",
        "audiences[1]",
        "accessibility.hearing_loop",
    };
    struct world w;
    struct it_response r;
    struct json_object *j;
    char v[64];
    const char *body = "{\"title\":\"Buurthuis De Lingewijk\",\"municipality\":\"GM0512\","
                       "\"areas\":[\"GM0512-atlantis\"],"
                       "\"themes\":[\"ontmoeten\",\"sterrenkijken\"],"
                       "\"audiences\":[\"ouderen\",\"marsbewoners\"],"
                       "\"accessibility\":{\"wheelchair\":\"yes\",\"hearing_loop\":\"limited\"},"
                       "\"contact\":{\"email\":\"info@@lingewijk\",\"website\":\"htp:/lingewijk\",\"phone\":\"12\"},"
                       "\"address\":{\"street\":\"Lingewijkerweg\",\"house_number\":\"0\",\"postcode\":\"0123 "
                       "XY\",\"city\":\"Gorinchem\"},"
                       "\"images\":[\"ftp://beeldbank.gorinchem.nl/buurthuis.jpg\"]}";

    world(&w);
    j = it_call_h(422, "POST", "/api/v1/places", w.key_a, body, NULL, &r);
    cr_assert_str_eq(it_header(&r, "Content-Type", v, sizeof(v)) ? v : "", "application/problem+json");
    it_response_free(&r);
    assert_problem(j, 422);
    for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
        cr_expect(it_names_field(j, fields[i]), "422 does not name %s: %s", fields[i], it_jtext(j));
    cr_expect_eq(it_jlen(j, "errors"), 10, "not exactly ten errors: %s", it_jtext(j));
    /* every error names a field and says what is wrong */
    for (size_t i = 0; i < it_jlen(j, "errors"); i++) {
        struct json_object *e = json_object_array_get_idx(it_jget(j, "errors"), i);
        cr_expect_str_neq(it_js(e, "field"), "", "error without field: %s", it_jtext(e));
        cr_expect_str_neq(it_js(e, "message"), "", "error without message: %s", it_jtext(e));
    }
    /* nothing was written */
    cr_assert_eq(count_listed("places", w.key_a, NULL, w.org_a, NULL, NULL), 0);
}

/* The same on PUT and PATCH: the database-side codes are checked there too. */
Test(validation, unknown_codes_on_update_are_422_and_change_nothing)
{
    struct world w;
    struct json_object *j;
    char id[40], path[128], body[4096];

    world(&w);
    create_entry("vacancies", w.key_a, vacancy_body(body, sizeof(body), "Maatje voor een oudere"), id);
    entry_path(path, sizeof(path), "vacancies", id);
    j = it_call_if(
        422, "PATCH", path, w.key_a,
        "{\"themes\":[\"sterrenkijken\"],\"audiences\":[\"marsbewoners\"],\"contact\":{\"email\":\"geen-adres\"}}", 1);
    cr_expect(it_names_field(j, "themes"), "%s", it_jtext(j));
    cr_expect(it_names_field(j, "audiences"), "%s", it_jtext(j));
    cr_expect(it_names_field(j, "contact.email"), "%s", it_jtext(j));
    j = it_call(200, "GET", path, NULL, NULL);
    cr_assert_eq(jint(j, "version"), 1);
    cr_assert(it_jcontains(j, "themes", "vrijwilligerswerk"), "%s", it_jtext(j));
}

Test(validation, area_of_another_municipality_is_422)
{
    struct world w;
    struct json_object *j;
    char body[4096];

    world(&w);
    place_body(body, sizeof(body), "Buurthuis De Lingewijk");
    /* Dreumel is a kern of West Maas en Waal, not of Gorinchem */
    replace_once(body, sizeof(body), "GM0512-lingewijk", "GM0668-dreumel");
    j = it_call(422, "POST", "/api/v1/places", w.key_a, body);
    cr_assert(it_names_field(j, "areas"), "%s", it_jtext(j));
    /* an unknown municipality */
    place_body(body, sizeof(body), "Buurthuis Nergenshuizen");
    replace_once(body, sizeof(body), "\"GM0512\",", "\"GM9999\",");
    j = it_call(422, "POST", "/api/v1/places", w.key_a, body);
    cr_assert(it_names_field(j, "municipality"), "%s", it_jtext(j));
}

Test(validation, unknown_fields_are_rejected)
{
    struct world w;
    struct json_object *j;
    char id[40], path[128], body[4096];

    world(&w);
    place_body(body, sizeof(body), "Buurthuis De Lingewijk");
    replace_once(body, sizeof(body), "{", "{\"kleur\":\"blauw\",");
    j = it_call(422, "POST", "/api/v1/places", w.key_a, body);
    assert_problem(j, 422);
    cr_assert(it_names_field(j, "kleur"), "%s", it_jtext(j));
    /* nested too */
    j = it_call(422, "POST", "/api/v1/places", w.key_a,
                "{\"title\":\"Buurthuis\",\"municipality\":\"GM0512\",\"contact\":{\"fax\":\"0183 123 457\"},"
                "\"address\":{\"street\":\"Lingewijkerweg\",\"house_number\":\"12\",\"postcode\":\"4205 "
                "AB\",\"city\":\"Gorinchem\"}}");
    cr_assert(it_names_field(j, "contact.fax"), "%s", it_jtext(j));
    cr_assert_eq(count_listed("places", w.key_a, NULL, w.org_a, NULL, NULL), 0);
    /* and on PATCH */
    create_entry("places", w.key_a, place_body(body, sizeof(body), "Buurthuis De Lingewijk"), id);
    entry_path(path, sizeof(path), "places", id);
    j = it_call_if(422, "PATCH", path, w.key_a, "{\"parkeerplaatsen\":12}", 1);
    cr_assert(it_names_field(j, "parkeerplaatsen"), "%s", it_jtext(j));
    j = it_call(200, "GET", path, NULL, NULL);
    cr_assert_eq(jint(j, "version"), 1);
    cr_assert(!jhas(j, "parkeerplaatsen"));
}

/* ------------------------------------------------------------------ */
/* HTTP-level body rules */

Test(http, invalid_utf8_body_is_400)
{
    struct world w;
    struct it_response r;
    struct json_object *j;
    char v[64], auth[160];
    /* "Café" in Latin-1: 0xE9 is not UTF-8 */
    static const char body[] = "{\"title\":\"Caf\xe9 De Lingewijk\",\"municipality\":\"GM0512\","
                               "\"address\":{\"street\":\"Lingewijkerweg\",\"house_number\":\"12\","
                               "\"postcode\":\"4205 AB\",\"city\":\"Gorinchem\"}}";
    const char *h[] = { auth, "Content-Type: application/json", NULL };

    world(&w);
    snprintf(auth, sizeof(auth), "Authorization: Bearer %s", w.key_a);
    cr_assert_eq(it_request("POST", "/api/v1/places", h, body, sizeof(body) - 1, &r), 0);
    cr_assert_eq(r.status, 400, "POST invalid UTF-8 -> %ld: %s", r.status, r.body);
    cr_assert_str_eq(it_header(&r, "Content-Type", v, sizeof(v)) ? v : "", "application/problem+json");
    j = it_keep(it_json(&r));
    assert_problem(j, 400);
    it_response_free(&r);
    cr_assert_eq(count_listed("places", w.key_a, NULL, w.org_a, NULL, NULL), 0);
}

Test(http, wrong_content_type_is_415)
{
    struct world w;
    struct it_response r;
    char v[64], auth[160], body[4096];
    const char *text[] = { auth, "Content-Type: text/plain", NULL };
    const char *form[] = { auth, "Content-Type: application/x-www-form-urlencoded", NULL };
    const char *none[] = { auth, NULL };

    world(&w);
    snprintf(auth, sizeof(auth), "Authorization: Bearer %s", w.key_a);
    place_body(body, sizeof(body), "Buurthuis De Lingewijk");
    cr_assert_eq(it_request("POST", "/api/v1/places", text, body, strlen(body), &r), 0);
    cr_assert_eq(r.status, 415, "text/plain -> %ld: %s", r.status, r.body);
    cr_assert_str_eq(it_header(&r, "Content-Type", v, sizeof(v)) ? v : "", "application/problem+json");
    it_response_free(&r);
    cr_assert_eq(it_request("POST", "/api/v1/places", form, body, strlen(body), &r), 0);
    cr_assert_eq(r.status, 415, "form -> %ld: %s", r.status, r.body);
    it_response_free(&r);
    cr_assert_eq(it_request("POST", "/api/v1/places", none, body, strlen(body), &r), 0);
    cr_assert_eq(r.status, 415, "no Content-Type -> %ld: %s", r.status, r.body);
    it_response_free(&r);
    cr_assert_eq(count_listed("places", w.key_a, NULL, w.org_a, NULL, NULL), 0);
}

/* PATCH may say application/merge-patch+json (RFC 7396). */
Test(http, merge_patch_content_type_is_accepted)
{
    struct world w;
    struct it_response r;
    struct json_object *j;
    char id[40], path[128], body[4096], auth[160];
    const char *h[] = { auth, "Content-Type: application/merge-patch+json", "If-Match: \"1\"", NULL };
    static const char patch[] = "{\"summary\":\"Nu ook op zaterdag open.\"}";

    world(&w);
    create_entry("places", w.key_a, place_body(body, sizeof(body), "Buurthuis De Lingewijk"), id);
    entry_path(path, sizeof(path), "places", id);
    snprintf(auth, sizeof(auth), "Authorization: Bearer %s", w.key_a);
    cr_assert_eq(it_request("PATCH", path, h, patch, strlen(patch), &r), 0);
    cr_assert_eq(r.status, 200, "merge-patch+json -> %ld: %s", r.status, r.body);
    j = it_keep(it_json(&r));
    it_response_free(&r);
    cr_assert_str_eq(it_js(j, "summary"), "Nu ook op zaterdag open.");
}

/* ------------------------------------------------------------------ */
/* Optimistic concurrency */

Test(concurrency, stale_if_match_is_412_and_changes_nothing)
{
    struct world w;
    struct json_object *j;
    char id[40], path[128], body[4096], t1[128], t2[128];

    world(&w);
    snprintf(t1, sizeof(t1), "Wijkcentrum Haarwijk %s", w.tag);
    create_entry("places", w.key_a, place_body(body, sizeof(body), t1), id);
    entry_path(path, sizeof(path), "places", id);
    /* someone else got there first: version 2 */
    snprintf(t2, sizeof(t2), "Wijkcentrum Haarwijk %s (nieuwe naam)", w.tag);
    snprintf(body, sizeof(body), "{\"title\":\"%s\"}", t2);
    it_call_if(200, "PATCH", path, w.key_a, body, 1);

    /* our edits, based on version 1, are refused */
    j = it_call_if(412, "PATCH", path, w.key_a, "{\"title\":\"Oude versie wint\",\"summary\":\"Overschreven.\"}", 1);
    assert_problem(j, 412);
    j = it_call_if(412, "PUT", path, w.key_a, place_body(body, sizeof(body), "Oude versie wint"), 1);
    assert_problem(j, 412);
    j = it_call_if(412, "DELETE", path, w.key_a, NULL, 1);
    assert_problem(j, 412);
    /* a version from the future, or no version at all, does not match either */
    it_call_if(412, "PATCH", path, w.key_a, "{\"title\":\"Toekomst\"}", 9);
    {
        const char *h[] = { "If-Match: \"geen-versie\"", NULL };
        it_call_h(412, "PATCH", path, w.key_a, "{\"title\":\"Onzin\"}", h, NULL);
    }

    j = it_call(200, "GET", path, NULL, NULL);
    cr_assert_eq(jint(j, "version"), 2, "%s", it_jtext(j));
    cr_assert_str_eq(it_js(j, "title"), t2);
    cr_assert_str_eq(it_js(j, "summary"), "Ontmoetingsplek voor de hele wijk.");
    /* with the current version it works */
    j = it_call_if(200, "PATCH", path, w.key_a, "{\"summary\":\"Nu met een nieuwe naam.\"}", 2);
    cr_assert_eq(jint(j, "version"), 3);
    cr_assert_str_eq(it_js(j, "title"), t2);
}

Test(concurrency, partner_without_if_match_is_428)
{
    struct world w;
    struct json_object *j;
    char id[40], path[128], body[4096], title[128];

    world(&w);
    snprintf(title, sizeof(title), "Vrijwilliger voedselbank %s", w.tag);
    create_entry("vacancies", w.key_a, vacancy_body(body, sizeof(body), title), id);
    entry_path(path, sizeof(path), "vacancies", id);
    j = it_call(428, "PATCH", path, w.key_a, "{\"hours_per_week\":8}");
    assert_problem(j, 428);
    j = it_call(428, "PUT", path, w.key_a, vacancy_body(body, sizeof(body), "Zonder If-Match"));
    assert_problem(j, 428);
    j = it_call(428, "DELETE", path, w.key_a, NULL);
    assert_problem(j, 428);
    j = it_call(200, "GET", path, NULL, NULL);
    cr_assert_eq(jint(j, "version"), 1);
    cr_assert_str_eq(it_js(j, "title"), title);
    cr_assert_eq(jint(j, "hours_per_week"), 3);
}

/* ------------------------------------------------------------------ */
/* Idempotency-Key */

Test(idempotency, repeated_key_makes_one_entry)
{
    struct world w;
    struct it_response r1, r2;
    struct json_object *j1, *j2, *found;
    char idem[128], body[4096], other[4096], title[128], l1[160], l2[160];
    const char *h[] = { idem, NULL };

    world(&w);
    snprintf(idem, sizeof(idem), "Idempotency-Key: aanmelding-%s", w.tag);
    snprintf(title, sizeof(title), "Repair Cafe Gorinchem %s", w.tag);
    place_body(body, sizeof(body), title);

    j1 = it_call_h(201, "POST", "/api/v1/places", w.key_a, body, h, &r1);
    cr_assert_eq(it_send("POST", "/api/v1/places", w.key_a, body, h, &r2), 0);
    /* a replay is the first answer again: the same status, body and Location */
    cr_assert_eq(r2.status, 201, "retry -> %ld: %s", r2.status, r2.body);
    j2 = it_keep(it_json(&r2));
    cr_assert_str_eq(it_js(j2, "id"), it_js(j1, "id"), "retry made another entry: %s vs %s", r1.body, r2.body);
    cr_assert_str_eq(r2.body, r1.body, "the replay's body differs from the first answer");
    cr_assert_str_eq(it_header(&r2, "Location", l2, sizeof(l2)) ? l2 : "",
                     it_header(&r1, "Location", l1, sizeof(l1)) ? l1 : "-");
    it_response_free(&r1);
    it_response_free(&r2);

    /* one entry in the list, readable by its id */
    cr_assert_eq(count_listed("places", w.key_a, NULL, w.org_a, it_js(j1, "id"), &found), 1);
    cr_assert_not_null(found);
    {
        char path[128];
        it_call(200, "GET", entry_path(path, sizeof(path), "places", it_js(j1, "id")), NULL, NULL);
    }

    /* the same key with another body is refused, and makes nothing */
    place_body(other, sizeof(other), "Een heel ander buurthuis");
    {
        struct json_object *p = it_call_h(422, "POST", "/api/v1/places", w.key_a, other, h, NULL);
        assert_problem(p, 422);
    }
    cr_assert_eq(count_listed("places", w.key_a, NULL, w.org_a, NULL, NULL), 1);

    /* keys are per API key: B may use the same string for its own entry */
    {
        struct json_object *jb = it_call_h(201, "POST", "/api/v1/places", w.key_b, body, h, NULL);
        cr_assert_str_neq(it_js(jb, "id"), it_js(j1, "id"));
        cr_assert_str_eq(it_js(jb, "organisation_id"), w.org_b);
    }
    /* without the header two POSTs make two entries */
    it_call(201, "POST", "/api/v1/places", w.key_a, body);
    cr_assert_eq(count_listed("places", w.key_a, NULL, w.org_a, NULL, NULL), 2);
}

/* ------------------------------------------------------------------ */
/* Recurring activities */

static void rrule_roundtrip(const char *rrule, const char *start, const char *end, const char *const *exdates,
                            size_t nex, const char *const *sets, size_t nsets)
{
    struct world w;
    struct json_object *j, *listed;
    char id[40], path[128], body[4096], ex[512] = "", st[512] = "";

    world(&w);
    for (size_t i = 0; i < nex; i++)
        snprintf(ex + strlen(ex), sizeof(ex) - strlen(ex), "%s\"%s\"", i ? "," : "", exdates[i]);
    for (size_t i = 0; i < nsets; i++)
        snprintf(st + strlen(st), sizeof(st) - strlen(st), "%s\"%s\"", i ? "," : "", sets[i]);
    snprintf(body, sizeof(body),
             "{\"title\":\"Alzheimer Cafe Gorinchem %s\",\"summary\":\"Informatie en ontmoeting voor mensen met "
             "dementie en hun mantelzorgers.\",\"municipality\":\"GM0512\",\"themes\":[\"dementie\",\"ontmoeten\"],"
             "\"audiences\":[\"dementie\",\"mantelzorgers\"]," ADDRESS_LINGEWIJK ","
             "\"schedule\":{\"start\":\"%s\",\"end\":\"%s\",\"rrule\":\"%s\",\"exdates\":[%s],\"exception_sets\":[%s]},"
             "\"registration\":\"none\"}",
             w.tag, start, end, rrule, ex, st);

    for (int round = 0; round < 4; round++) {
        if (round == 0) {
            j = create_entry("activities", w.key_a, body, id);
            entry_path(path, sizeof(path), "activities", id);
        } else if (round == 1) {
            j = it_call(200, "GET", path, NULL, NULL);
        } else if (round == 2) {
            cr_assert_eq(count_listed("activities", NULL, NULL, w.org_a, id, &listed), 1);
            j = listed;
        } else {
            /* an unrelated PATCH leaves the schedule alone */
            it_call_if(200, "PATCH", path, w.key_a, "{\"summary\":\"Elke keer een ander thema.\"}", 1);
            j = it_call(200, "GET", path, NULL, NULL);
        }
        cr_assert_str_eq(it_js(j, "schedule.rrule"), rrule, "round %d: %s", round, it_jtext(j));
        cr_assert_str_eq(it_js(j, "schedule.start"), start, "round %d: %s", round, it_jtext(j));
        cr_assert_str_eq(it_js(j, "schedule.end"), end, "round %d: %s", round, it_jtext(j));
        cr_assert_eq(it_jlen(j, "schedule.exdates"), nex, "round %d: %s", round, it_jtext(j));
        for (size_t i = 0; i < nex; i++)
            cr_assert(it_jcontains(j, "schedule.exdates", exdates[i]), "round %d: %s lost: %s", round, exdates[i],
                      it_jtext(j));
        cr_assert_eq(it_jlen(j, "schedule.exception_sets"), nsets, "round %d: %s", round, it_jtext(j));
        for (size_t i = 0; i < nsets; i++)
            cr_assert(it_jcontains(j, "schedule.exception_sets", sets[i]), "round %d: %s", round, it_jtext(j));
    }
}

Test(schedule, monthly_first_monday_round_trips)
{
    /* 5 January 2026 is the first Monday of 2026; Easter Monday and 1 June skipped */
    static const char *const ex[] = { "2026-04-06", "2026-06-01" };
    static const char *const sets[] = { "nl-public-holidays" };
    rrule_roundtrip("FREQ=MONTHLY;BYDAY=1MO", "2026-01-05T14:00", "2026-01-05T16:00", ex, 2, sets, 1);
}

Test(schedule, fortnightly_tuesday_thursday_until_round_trips)
{
    /* relative to today, so UNTIL never passes (an ended activity is no longer public): from a
     * Tuesday a week or more ahead for 300 days; exdates on occurrences (weeks 6 and 16) */
    char start[11], s0[20], s1[20], e0[11], e1[11], e2[11], until[11], rule[80];
    const char *ex[] = { e0, e1, e2 };
    static const char *const sets[] = { "school-holidays-middle", "nl-public-holidays" };
    int t0 = it_day_on(start, 7, 2);

    it_day(e0, t0 + 42);
    it_day(e1, t0 + 44);
    it_day(e2, t0 + 112);
    it_day(until, t0 + 300);
    snprintf(rule, sizeof(rule), "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU,TH;UNTIL=%.4s%.2s%.2s", until, until + 5, until + 8);
    snprintf(s0, sizeof(s0), "%sT19:30", start);
    snprintf(s1, sizeof(s1), "%sT21:00", start);
    rrule_roundtrip(rule, s0, s1, ex, 3, sets, 2);
}

Test(schedule, unknown_exception_set_is_422)
{
    struct world w;
    struct json_object *j;
    char body[2048];

    world(&w);
    snprintf(
        body, sizeof(body),
        "{\"title\":\"Zwemmen voor ouderen\",\"municipality\":\"GM0668\",\"online\":false,"
        "\"address\":{\"street\":\"Kerkstraat\",\"house_number\":\"1\",\"postcode\":\"6621 AA\",\"city\":\"Dreumel\"},"
        "\"location\":{\"lat\":51.848,\"lon\":5.435},"
        "\"schedule\":{\"start\":\"2026-09-01T09:00\",\"end\":\"2026-09-01T10:00\","
        "\"rrule\":\"FREQ=WEEKLY;BYDAY=TU\",\"exception_sets\":[\"school-holidays-mars\"]}}");
    j = it_call(422, "POST", "/api/v1/activities", w.key_a, body);
    cr_assert(it_names_field(j, "schedule.exception_sets"), "%s", it_jtext(j));
}

/* ------------------------------------------------------------------ */
/* The rules across an entry's members (SQL's, sk_entry_complete_errors) */

#define ADDRESS_ONLY                                                                                                   \
    "\"address\":{\"street\":\"Lingewijkerweg\",\"house_number\":\"12\",\"postcode\":\"4205 AB\","                     \
    "\"city\":\"Gorinchem\"},"

/* Does the problem hold an error with exactly this field and message? */
static bool has_error(struct json_object *problem, const char *field, const char *message)
{
    for (size_t i = 0; i < it_jlen(problem, "errors"); i++) {
        struct json_object *e = json_object_array_get_idx(it_jget(problem, "errors"), i);
        if (strcmp(it_js(e, "field"), field) == 0 && strcmp(it_js(e, "message"), message) == 0)
            return true;
    }
    return false;
}

/* One rule broken by a whole body (activity_body with from replaced by to) and by a PATCH. */
struct cross_case {
    const char *field, *message;
    const char *from, *to;
    const char *patch;
};

static const struct cross_case cross_cases[] = {
    { "cost.amount_eur", "must be 0 or left out when free is true", "\"cost\":{\"free\":true}",
      "\"cost\":{\"free\":true,\"amount_eur\":5}", "{\"cost\":{\"amount_eur\":5}}" },
    { "cost", "must have \"free\": true or an amount_eur", "\"cost\":{\"free\":true}", "\"cost\":{\"free\":false}",
      "{\"cost\":{\"free\":false}}" },
    { "place_id", "an activity needs one of place_id, address or online: true", ADDRESS_LINGEWIJK ",", "",
      "{\"address\":null,\"location\":null}" },
    { "online", "only one of place_id, address or online: true may be given", "\"registration\"",
      "\"online\":true,\"registration\"", "{\"online\":true}" },
    { "address", "only one of place_id, address or online: true may be given", "\"registration\"",
      "\"online\":true,\"registration\"", "{\"online\":true}" },
    { "location", "is only allowed together with address", ADDRESS_ONLY, "\"online\":true,",
      "{\"address\":null,\"online\":true}" },
    { "schedule.end", "must be after start", "\"end\":\"2026-03-03T11:00\"", "\"end\":\"2026-03-03T09:00\"",
      "{\"schedule\":{\"end\":\"2026-03-03T09:00\"}}" },
    { "schedule.end", "must be within 24 hours of start (repeat with rrule instead)", "\"end\":\"2026-03-03T11:00\"",
      "\"end\":\"2026-03-04T10:01\"", "{\"schedule\":{\"end\":\"2026-03-04T10:01\"}}" },
    { "schedule.rrule", "UNTIL lies before start", "BYDAY=TU\"", "BYDAY=TU;UNTIL=20260301\"",
      "{\"schedule\":{\"rrule\":\"FREQ=WEEKLY;BYDAY=TU;UNTIL=20260301\"}}" },
    { "schedule.rrule", "does not select the start date; start must be the first occurrence", "BYDAY=TU\"",
      "BYDAY=WE\"", "{\"schedule\":{\"rrule\":\"FREQ=WEEKLY;BYDAY=WE\"}}" },
    { "schedule.exdates", "only make sense with an rrule", "\"rrule\":\"FREQ=WEEKLY;BYDAY=TU\"",
      "\"exdates\":[\"2026-03-10\"]", "{\"schedule\":{\"rrule\":null,\"exdates\":[\"2026-03-10\"]}}" },
    { "schedule.exception_sets", "only make sense with an rrule", "\"rrule\":\"FREQ=WEEKLY;BYDAY=TU\"",
      "\"exception_sets\":[\"schoolvakanties\"]",
      "{\"schedule\":{\"rrule\":null,\"exception_sets\":[\"schoolvakanties\"]}}" },
    { "places_left", "needs capacity", "\"capacity\":20,", "", "{\"capacity\":null}" },
    { "places_left", "must not be more than capacity", "\"places_left\":12", "\"places_left\":21",
      "{\"places_left\":21}" },
};

/* A world and organisation A's weekly walking group (activity_body); its path into path. */
static void walking_group(struct world *w, char *path, size_t cap)
{
    char id[40], body[4096];
    world(w);
    create_entry("activities", w->key_a, activity_body(body, sizeof(body), "Wandelgroep Lingewijk"), id);
    entry_path(path, cap, "activities", id);
}

/* POST, PUT and PATCH each answer 422 naming the field with the rule's message, and change nothing. */
Test(validation, rules_across_members_on_create_put_and_patch)
{
    struct world w;
    struct json_object *j;
    char path[128], body[4096];

    walking_group(&w, path, sizeof(path));
    for (size_t i = 0; i < sizeof(cross_cases) / sizeof(cross_cases[0]); i++) {
        const struct cross_case *c = &cross_cases[i];
        activity_body(body, sizeof(body), "Wandelgroep Lingewijk");
        replace_once(body, sizeof(body), c->from, c->to);
        j = it_call(422, "POST", "/api/v1/activities", w.key_a, body);
        assert_problem(j, 422);
        cr_expect(has_error(j, c->field, c->message), "POST: no %s '%s' in %s", c->field, c->message, it_jtext(j));
        j = it_call_if(422, "PUT", path, w.key_a, body, 1);
        cr_expect(has_error(j, c->field, c->message), "PUT: no %s '%s' in %s", c->field, c->message, it_jtext(j));
        j = it_call_if(422, "PATCH", path, w.key_a, c->patch, 1);
        cr_expect(has_error(j, c->field, c->message), "PATCH %s: no %s '%s' in %s", c->patch, c->field, c->message,
                  it_jtext(j));
    }
    j = it_call(200, "GET", path, NULL, NULL);
    cr_assert_eq(jint(j, "version"), 1, "%s", it_jtext(j));
    cr_assert_eq(count_listed("activities", w.key_a, NULL, w.org_a, NULL, NULL), 1);
}

/* The daemon's format error and SQL's rule across members in one 422, the daemon's first. */
Test(validation, format_error_and_rule_across_members_in_one_problem)
{
    static const char *const methods[] = { "POST", "PUT", "PATCH" };
    struct world w;
    struct json_object *j;
    char path[128], body[4096];

    walking_group(&w, path, sizeof(path));
    for (size_t m = 0; m < 3; m++) {
        if (m < 2) {
            activity_body(body, sizeof(body), "Wandelgroep Lingewijk");
            replace_once(body, sizeof(body), "\"postcode\":\"4205 AB\"", "\"postcode\":\"0123 XY\"");
            replace_once(body, sizeof(body), "\"places_left\":12", "\"places_left\":21");
        } else {
            snprintf(body, sizeof(body), "{\"address\":{\"postcode\":\"0123 XY\"},\"places_left\":21}");
        }
        j = m == 0 ? it_call(422, "POST", "/api/v1/activities", w.key_a, body)
                   : it_call_if(422, methods[m], path, w.key_a, body, 1);
        cr_expect_eq(it_jlen(j, "errors"), 2, "%s: %s", methods[m], it_jtext(j));
        cr_expect_str_eq(it_js(j, "errors.0.field"), "address.postcode", "%s: %s", methods[m], it_jtext(j));
        cr_expect(has_error(j, "places_left", "must not be more than capacity"), "%s: %s", methods[m], it_jtext(j));
    }
}

/* ------------------------------------------------------------------ */
/* Audit log */

Test(audit, create_update_delete_with_before_and_after)
{
    struct world w;
    struct json_object *j, *c, *u1, *u2, *d;
    char id[40], path[128], apath[160], body[4096], t1[128], t2[128], key_id[40];

    world(&w);
    snprintf(t1, sizeof(t1), "Ontmoetingscentrum Dalem %s", w.tag);
    snprintf(t2, sizeof(t2), "Ontmoetingscentrum Dalem %s (verhuisd)", w.tag);
    create_entry("places", w.key_a, place_body(body, sizeof(body), t1), id);
    entry_path(path, sizeof(path), "places", id);
    it_call_if(200, "PUT", path, w.key_a, place_body(body, sizeof(body), t2), 1);
    it_call_if(200, "PATCH", path, w.key_a, "{\"summary\":\"Tijdelijk gesloten.\"}", 2);
    it_call_if(204, "DELETE", path, w.key_a, NULL, 3);

    snprintf(apath, sizeof(apath), "/api/v1/audit?entry=%s", id);
    j = it_call(200, "GET", apath, w.mod, NULL);
    cr_assert_eq(it_jlen(j, "items"), 4, "create, 2 updates, delete expected: %s", it_jtext(j));
    c = audit_item(j, "create", 0);
    u1 = audit_item(j, "update", 0);
    u2 = audit_item(j, "update", 1);
    d = audit_item(j, "delete", 0);
    cr_assert(c && u1 && u2 && d, "missing actions: %s", it_jtext(j));
    if (strcmp(it_js(u1, "after.title"), t2) != 0 || jint(u1, "after.version") != 2) { /* list order */
        struct json_object *t = u1;
        u1 = u2;
        u2 = t;
    }
    for (size_t i = 0; i < it_jlen(j, "items"); i++) {
        struct json_object *it = json_object_array_get_idx(it_jget(j, "items"), i);
        cr_assert_str_eq(it_js(it, "entry_id"), id);
        cr_assert_str_eq(it_js(it, "role"), "partner");
        cr_assert_str_eq(it_js(it, "organisation_id"), w.org_a);
        cr_assert_str_neq(it_js(it, "at"), "");
    }
    /* key id = the 32 hex digits of the key, as a UUID */
    snprintf(key_id, sizeof(key_id), "%.8s-%.4s-%.4s-%.4s-%.12s", w.key_a + 3, w.key_a + 11, w.key_a + 15, w.key_a + 19,
             w.key_a + 23);
    cr_assert_str_eq(it_js(c, "key_id"), key_id);

    cr_assert(it_jget(c, "before") == NULL, "create has a before: %s", it_jtext(c));
    cr_assert_str_eq(it_js(c, "after.title"), t1);
    cr_assert_eq(jint(c, "after.version"), 1);
    cr_assert_str_eq(it_js(u1, "before.title"), t1, "PUT audit: %s", it_jtext(u1));
    cr_assert_str_eq(it_js(u1, "after.title"), t2, "PUT audit: %s", it_jtext(u1));
    cr_assert_str_eq(it_js(u2, "before.summary"), "Ontmoetingsplek voor de hele wijk.", "PATCH audit: %s",
                     it_jtext(u2));
    cr_assert_str_eq(it_js(u2, "after.summary"), "Tijdelijk gesloten.", "PATCH audit: %s", it_jtext(u2));
    cr_assert_eq(jint(u2, "before.version"), 2);
    cr_assert_eq(jint(u2, "after.version"), 3);
    cr_assert_str_eq(it_js(d, "before.title"), t2, "delete audit: %s", it_jtext(d));
    cr_assert_str_eq(it_js(d, "before.summary"), "Tijdelijk gesloten.", "delete audit: %s", it_jtext(d));

    /* the log is for moderators */
    j = it_call(403, "GET", apath, w.key_a, NULL);
    assert_problem(j, 403);
    it_call(401, "GET", apath, NULL, NULL);
    j = it_call(400, "GET", "/api/v1/audit?entry=buurthuis", w.mod, NULL);
    cr_assert(it_names_field(j, "entry"), "%s", it_jtext(j));
}

/* ------------------------------------------------------------------ */
/* Languages */

Test(i18n, english_with_dutch_fallback)
{
    struct world w;
    struct json_object *j, *listed;
    struct it_response r;
    char id[40], path[128], body[4096], title[128], en_title[128];
    const char *en[] = { "Accept-Language: en", NULL };
    const char *en_gb[] = { "Accept-Language: en-GB,en;q=0.9,nl;q=0.8", NULL };
    const char *nl[] = { "Accept-Language: nl-NL,nl;q=0.9", NULL };
    const char *de[] = { "Accept-Language: de", NULL };

    world(&w);
    snprintf(title, sizeof(title), "Taalcafe Gorinchem %s", w.tag);
    snprintf(en_title, sizeof(en_title), "Language cafe Gorinchem %s", w.tag);
    snprintf(body, sizeof(body),
             "{\"title\":\"%s\",\"summary\":\"Oefen Nederlands in een ontspannen sfeer.\","
             "\"description\":\"Elke donderdag in de bibliotheek. Aanmelden is niet nodig.\","
             "\"translations\":{\"en\":{\"title\":\"%s\",\"summary\":\"Practise Dutch in a relaxed setting.\"}},"
             "\"municipality\":\"GM0512\",\"themes\":[\"leren\",\"ontmoeten\"],\"audiences\":[\"nieuwkomers\"],"
             "\"languages\":[\"nl\",\"en\",\"ar\"]," ADDRESS_LINGEWIJK "}",
             title, en_title);
    create_entry("places", w.key_a, body, id);
    entry_path(path, sizeof(path), "places", id);

    j = it_call_h(200, "GET", path, NULL, NULL, en, NULL);
    cr_assert_str_eq(it_js(j, "title"), en_title, "%s", it_jtext(j));
    cr_assert_str_eq(it_js(j, "summary"), "Practise Dutch in a relaxed setting.");
    cr_assert_str_eq(it_js(j, "description"), "Elke donderdag in de bibliotheek. Aanmelden is niet nodig.",
                     "no Dutch fallback for a missing translation: %s", it_jtext(j));
    cr_assert_str_eq(it_js(j, "language"), "en", "%s", it_jtext(j));
    j = it_call_h(200, "GET", path, NULL, NULL, en_gb, NULL);
    cr_assert_str_eq(it_js(j, "title"), en_title);

    /* Dutch asked, or a language without translation, or none: Dutch */
    j = it_call_h(200, "GET", path, NULL, NULL, nl, NULL);
    cr_assert_str_eq(it_js(j, "title"), title);
    cr_assert_str_eq(it_js(j, "summary"), "Oefen Nederlands in een ontspannen sfeer.");
    j = it_call_h(200, "GET", path, NULL, NULL, de, NULL);
    cr_assert_str_eq(it_js(j, "title"), title);
    cr_assert_str_eq(it_js(j, "language"), "nl", "%s", it_jtext(j));
    j = it_call(200, "GET", path, NULL, NULL);
    cr_assert_str_eq(it_js(j, "title"), title);

    /* the answer varies with the language */
    it_call_h(200, "GET", path, NULL, NULL, en, &r);
    {
        char v[128];
        cr_assert_not_null(it_header(&r, "Vary", v, sizeof(v)));
        cr_assert_not_null(strstr(v, "Accept-Language"), "Vary: %s", v);
    }
    it_response_free(&r);

    /* lists too */
    cr_assert_eq(count_listed("places", NULL, "en", w.org_a, id, &listed), 1);
    cr_assert_str_eq(it_js(listed, "title"), en_title, "%s", it_jtext(listed));
    cr_assert_str_eq(it_js(listed, "description"), "Elke donderdag in de bibliotheek. Aanmelden is niet nodig.");

    /* a merge patch adds the English description and keeps the English title */
    it_call_if(200, "PATCH", path, w.key_a,
               "{\"translations\":{\"en\":{\"description\":\"Every Thursday in the library. No need to sign up.\"}}}",
               1);
    j = it_call_h(200, "GET", path, NULL, NULL, en, NULL);
    cr_assert_str_eq(it_js(j, "title"), en_title, "%s", it_jtext(j));
    cr_assert_str_eq(it_js(j, "description"), "Every Thursday in the library. No need to sign up.");
}

/* ------------------------------------------------------------------ */
/* Conditional GET */

Test(caching, etag_and_if_none_match)
{
    struct world w;
    struct it_response r;
    char id[40], path[128], body[4096], etag[64];

    world(&w);
    create_entry("vacancies", w.key_a, vacancy_body(body, sizeof(body), "Chauffeur Automaatje"), id);
    entry_path(path, sizeof(path), "vacancies", id);

    it_call_h(200, "GET", path, NULL, NULL, NULL, &r);
    cr_assert_str_eq(it_header(&r, "ETag", etag, sizeof(etag)) ? etag : "", "\"1\"");
    it_response_free(&r);
    {
        const char *h[] = { "If-None-Match: \"1\"", NULL };
        char v[64];
        it_call_h(304, "GET", path, NULL, NULL, h, &r);
        cr_assert_eq(r.body_len, 0, "304 with a body: %s", r.body);
        cr_assert_str_eq(it_header(&r, "ETag", v, sizeof(v)) ? v : "", "\"1\"");
        it_response_free(&r);
        it_call_if(200, "PATCH", path, w.key_a, "{\"hours_per_week\":6}", 1);
        /* changed: the old tag no longer matches */
        it_call_h(200, "GET", path, NULL, NULL, h, &r);
        cr_assert_str_eq(it_header(&r, "ETag", v, sizeof(v)) ? v : "", "\"2\"");
        it_response_free(&r);
    }
    {
        const char *h[] = { "If-None-Match: \"2\"", NULL };
        it_call_h(304, "GET", path, NULL, NULL, h, NULL);
    }
}
