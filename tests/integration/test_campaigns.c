/*
 * test_campaigns.c — issue 16, item 5: campaigns. A moderator makes a campaign
 * for their municipality (not for another, not for every municipality: that is
 * an admin's); anyone reads it; a partner tags their own entry with it (not
 * with another municipality's campaign, not with one that is over); the search
 * (index and database), the calendar feed and the campaign's page show exactly
 * its entries; a moderator takes an entry out and puts it back (audited), only
 * in their municipalities; deleting the campaign takes its code out of every
 * entry.
 *
 * Over real HTTP to the real daemon, against real PostgreSQL.
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

TestSuite(campaigns, .fini = it_release);

#define PATH(buf, ...) (snprintf((buf), sizeof(buf), __VA_ARGS__), (const char *)(buf))

struct world {
    char tag[32], code[64];
    char org[40], mod[128], other[128], partner[128], admin[128];
};

static void world(struct world *w)
{
    it_tag(w->tag, sizeof(w->tag));
    snprintf(w->code, sizeof(w->code), "burendag-%s", w->tag);
    it_make_org("Buurtwerk Gorinchem (campagnes)", w->org);
    it_make_key(w->org, "moderator", "GM0512", w->mod);
    it_make_key(w->org, "moderator", "GM0668", w->other);
    it_make_key(w->org, "partner", NULL, w->partner);
    it_make_key(w->org, "admin", NULL, w->admin);
}

/* A published activity of the world's organisation in Gorinchem-West, with campaigns (a JSON list). */
static void activity(const struct world *w, const char *key, const char *title, const char *campaigns, char *id)
{
    char body[900];
    struct json_object *j;
    const char *p[1] = { id };
    char day[11];
    it_day(day, 10);
    snprintf(body, sizeof(body),
             "{\"organisation_id\":\"%s\",\"title\":\"%s %s\",\"summary\":\"Samen de straat mooi maken.\","
             "\"municipality\":\"GM0512\",\"areas\":[\"GM0512-west\"],\"online\":false,\"address\":{\"street\":"
             "\"Stationsweg\",\"house_number\":\"3\",\"postcode\":\"4205 AA\",\"city\":\"Gorinchem\"},"
             "\"schedule\":{\"start\":\"%sT10:00\",\"end\":\"%sT12:00\"},\"campaigns\":%s}",
             w->org, title, w->tag, day, day, campaigns);
    j = it_call(201, "POST", "/api/v1/activities", key, body);
    snprintf(id, 40, "%s", it_js(j, "id"));
    it_sql1(NULL, 0, "UPDATE entries SET status = 'published' WHERE id = $1::uuid AND status <> 'published'", 1, p);
}

static void campaign_body(char *out, size_t cap, const char *name, const char *m, int from, int to)
{
    char a[11], z[11];
    it_day(a, from);
    it_day(z, to);
    snprintf(out, cap,
             "{\"name\":\"%s\",\"summary\":\"Op Burendag doen buren samen iets leuks.\",%s%s%s"
             "\"starts_on\":\"%s\",\"ends_on\":\"%s\"}",
             name, m ? "\"municipality\":\"" : "", m ? m : "", m ? "\"," : "", a, z);
}

/* Whether a list of campaigns holds code. */
static bool has_code(struct json_object *j, const char *code)
{
    for (size_t i = 0; i < it_jlen(j, "items"); i++) {
        char path[32];
        if (strcmp(it_js(j, PATH(path, "items.%zu.code", i)), code) == 0)
            return true;
    }
    return false;
}

/* Whether one of a problem's errors says text. */
static bool says(struct json_object *j, const char *text)
{
    for (size_t i = 0; i < it_jlen(j, "errors"); i++) {
        char path[32];
        if (strstr(it_js(j, PATH(path, "errors.%zu.message", i)), text))
            return true;
    }
    return false;
}

/* How many of the search's items (at most 50) have id. */
static int found(struct json_object *j, const char *id)
{
    int n = 0;
    for (size_t i = 0; i < it_jlen(j, "items"); i++) {
        char path[32];
        if (strcmp(it_js(j, PATH(path, "items.%zu.id", i)), id) == 0)
            n++;
    }
    return n;
}

Test(campaigns, a_moderator_makes_one_and_anyone_reads_it)
{
    struct world w;
    char body[600], path[200];
    struct json_object *j;

    world(&w);
    campaign_body(body, sizeof(body), "Burendag", "GM0512", -1, 20);
    it_call(401, "PUT", PATH(path, "/api/v1/campaigns/%s", w.code), NULL, body);
    it_call(403, "PUT", path, w.partner, body);
    it_call(403, "PUT", path, w.other, body); /* another municipality's moderator */
    j = it_call(201, "PUT", path, w.mod, body);
    cr_assert_str_eq(it_js(j, "code"), w.code);
    cr_assert_str_eq(it_js(j, "period"), "current");
    cr_assert_str_eq(it_js(j, "links.page"), PATH(path, "/campagnes/%s", w.code));
    /* changing it: 200, still only by its own municipality's moderators */
    campaign_body(body, sizeof(body), "Burendag Gorinchem", "GM0512", -1, 21);
    j = it_call(200, "PUT", PATH(path, "/api/v1/campaigns/%s", w.code), w.mod, body);
    cr_assert_str_eq(it_js(j, "name"), "Burendag Gorinchem");
    it_call(403, "PUT", path, w.other, body);
    it_call(403, "DELETE", path, w.other, NULL);
    /* moving it to a municipality the moderator does not have */
    campaign_body(body, sizeof(body), "Burendag Gorinchem", "GM0668", -1, 21);
    it_call(403, "PUT", path, w.mod, body);
    /* one for every municipality is an admin's */
    campaign_body(body, sizeof(body), "Week tegen Eenzaamheid", NULL, 5, 12);
    it_call(403, "PUT", PATH(path, "/api/v1/campaigns/week-%s", w.code), w.mod, body);
    j = it_call(201, "PUT", path, w.admin, body);
    cr_assert_null(it_jget(j, "municipality"));

    /* anyone reads them: the list of a municipality holds its own and those of every municipality */
    j = it_call(200, "GET", "/api/v1/campaigns?municipality=GM0512&period=current&limit=100", NULL, NULL);
    cr_assert(has_code(j, w.code), "%s", it_jtext(j));
    j = it_call(200, "GET", "/api/v1/campaigns?municipality=GM0512&period=upcoming&limit=100", NULL, NULL);
    cr_assert(has_code(j, PATH(path, "week-%s", w.code)), "the national one too");
    j = it_call(200, "GET", "/api/v1/campaigns?municipality=GM0668&period=all&limit=100", NULL, NULL);
    cr_assert(!has_code(j, w.code), "not another municipality's");
    j = it_call(200, "GET", "/api/v1/campaigns?municipality=GM0668&period=upcoming&limit=100", NULL, NULL);
    cr_assert(has_code(j, PATH(path, "week-%s", w.code)), "but the national one");
    j = it_call(200, "GET", "/api/v1/campaigns?period=upcoming&limit=100", NULL, NULL);
    cr_assert(has_code(j, PATH(path, "week-%s", w.code)) && !has_code(j, w.code), "%s", it_jtext(j));
    j = it_call(200, "GET", PATH(path, "/api/v1/campaigns/%s", w.code), NULL, NULL);
    cr_assert_str_eq(it_js(j, "name"), "Burendag Gorinchem");
    it_call(404, "GET", "/api/v1/campaigns/bestaat-niet-xyz", NULL, NULL);

    /* bad input names the field and the rule; nothing is half-written */
    j = it_call(422, "PUT", "/api/v1/campaigns/kapot", w.mod,
                "{\"name\":\"\",\"municipality\":\"GM0512\",\"starts_on\":\"2027-02-30\",\"ends_on\":\"2027-01-01\","
                "\"kleur\":\"rood\"}");
    cr_assert(it_names_field(j, "name") && it_names_field(j, "starts_on") && it_names_field(j, "kleur"), "%s",
              it_jtext(j));
    j = it_call(422, "PUT", "/api/v1/campaigns/kapot", w.mod,
                "{\"name\":\"Lentefair\",\"municipality\":\"GM0512\",\"starts_on\":\"2027-04-10\",\"ends_on\":"
                "\"2027-04-01\"}");
    cr_assert(it_names_field(j, "ends_on"), "%s", it_jtext(j));
    j = it_call(422, "PUT", "/api/v1/campaigns/Kapot_Code", w.mod,
                "{\"name\":\"Lentefair\",\"municipality\":\"GM0512\",\"starts_on\":\"2027-04-01\",\"ends_on\":"
                "\"2027-04-10\"}");
    cr_assert(it_names_field(j, "code"), "%s", it_jtext(j));
    it_call(404, "GET", "/api/v1/campaigns/kapot", NULL, NULL);
    j = it_call(400, "GET", "/api/v1/campaigns?period=soms", NULL, NULL);
    cr_assert(it_names_field(j, "period"));
}

Test(campaigns, partners_tag_the_search_and_feeds_follow_moderators_curate)
{
    struct world w;
    char body[600], path[300], a[40], b[40], c[40], old[80];
    struct json_object *j;
    struct it_response r;

    world(&w);
    campaign_body(body, sizeof(body), "Burendag", "GM0512", -2, 25);
    it_call(201, "PUT", PATH(path, "/api/v1/campaigns/%s", w.code), w.mod, body);
    campaign_body(body, sizeof(body), "Kernendag", "GM0668", -2, 25);
    it_call(201, "PUT", PATH(path, "/api/v1/campaigns/kern-%s", w.code), w.other, body);
    snprintf(old, sizeof(old), "oud-%s", w.code);
    campaign_body(body, sizeof(body), "Lentefair", "GM0512", -40, -30);
    it_call(201, "PUT", PATH(path, "/api/v1/campaigns/%s", old), w.mod, body);

    /* a partner tags their own entry; not with another municipality's campaign, not with one that is over */
    activity(&w, w.partner, "Straat vegen", PATH(path, "[\"%s\"]", w.code), a);
    activity(&w, w.mod, "Soep koken", PATH(path, "[\"%s\"]", w.code), b);
    activity(&w, w.mod, "Kaarten", "[]", c);
    {
        char bad[900], day[11];
        it_day(day, 10);
        snprintf(bad, sizeof(bad),
                 "{\"organisation_id\":\"%s\",\"title\":\"Fout\",\"municipality\":\"GM0512\",\"online\":true,"
                 "\"schedule\":{\"start\":\"%sT10:00\",\"end\":\"%sT11:00\"},\"campaigns\":[\"kern-%s\",\"%s\","
                 "\"geen-campagne-xyz\",\"Fout!\"]}",
                 w.org, day, day, w.code, old);
        j = it_call(422, "POST", "/api/v1/activities", w.partner, bad);
        cr_assert(it_names_field(j, "campaigns[3]"), "%s", it_jtext(j));
        bad[0] = '\0';
        snprintf(bad, sizeof(bad),
                 "{\"organisation_id\":\"%s\",\"title\":\"Fout\",\"municipality\":\"GM0512\",\"online\":true,"
                 "\"schedule\":{\"start\":\"%sT10:00\",\"end\":\"%sT11:00\"},\"campaigns\":[\"kern-%s\",\"%s\","
                 "\"geen-campagne-xyz\"]}",
                 w.org, day, day, w.code, old);
        j = it_call(422, "POST", "/api/v1/activities", w.partner, bad);
        cr_assert(it_names_field(j, "campaigns[0]") && it_names_field(j, "campaigns[1]") &&
                      it_names_field(j, "campaigns[2]"),
                  "%s", it_jtext(j));
        cr_assert(says(j, "is a campaign of municipality GM0668"), "%s", it_jtext(j));
        cr_assert(says(j, "can no longer be chosen"), "%s", it_jtext(j));
    }
    j = it_call(200, "GET", PATH(path, "/api/v1/activities/%s", a), NULL, NULL);
    cr_assert(it_jcontains(j, "campaigns", w.code));
    { /* the partner's form offers the campaigns that are not over, and shows the entry's own checked */
        char cookie[160];
        const char *hdrs[2] = { cookie, NULL };
        snprintf(cookie, sizeof(cookie), "Cookie: sk_sessie=%s", w.partner);
        cr_assert_eq(it_request("GET", PATH(path, "/partner/aanbod/%s", a), hdrs, NULL, 0, &r), 0);
        cr_assert_eq(r.status, 200, "%ld %.300s", r.status, r.body);
        cr_assert_not_null(strstr(r.body, PATH(path, "name=\"campaigns\" value=\"%s\" checked", w.code)), "%s",
                           strstr(r.body, "campaigns") ? strstr(r.body, "campaigns") : "no campaigns on the form");
        cr_assert_not_null(strstr(r.body, "Hoort het bij een campagne?"));
        cr_assert_null(strstr(r.body, PATH(path, "value=\"%s\"", old)), "a campaign that is over is not offered");
        it_response_free(&r);
    }

    /* the search (index or database), with and without a key, finds exactly the two */
    for (int k = 0; k < 2; k++) {
        j = it_call(200, "GET", PATH(path, "/api/v1/search?campaign=%s&limit=50", w.code), k ? w.mod : NULL, NULL);
        cr_assert_eq(it_jlen(j, "items"), 2, "%s", it_jtext(j));
        cr_assert(found(j, a) == 1 && found(j, b) == 1 && found(j, c) == 0);
        /* combined with a wijk and a word */
        j = it_call(200, "GET", PATH(path, "/api/v1/search?campaign=%s&area=GM0512-west&q=soep", w.code),
                    k ? w.mod : NULL, NULL);
        cr_assert(found(j, b) == 1 && found(j, a) == 0, "%s", it_jtext(j));
    }
    j = it_call(400, "GET", "/api/v1/search?campaign=geen-campagne-xyz", NULL, NULL);
    cr_assert(it_names_field(j, "campaign"), "%s", it_jtext(j));
    j = it_call(400, "GET", "/api/v1/search?campaign=Fout!", NULL, NULL);
    cr_assert(it_names_field(j, "campaign"), "%s", it_jtext(j));

    /* the calendar feed and the page */
    cr_assert_eq(it_get(PATH(path, "/api/v1/activities.ics?campaign=%s", w.code), NULL, &r), 0);
    cr_assert_eq(r.status, 200);
    cr_assert(strstr(r.body, "Straat vegen") && strstr(r.body, "Soep koken") &&
                  !strstr(r.body, PATH(path, "Kaarten %s", w.tag)),
              "%s", r.body);
    it_response_free(&r);
    cr_assert_eq(it_get(PATH(path, "/campagnes/%s", w.code), NULL, &r), 0);
    cr_assert_eq(r.status, 200);
    cr_assert(strstr(r.body, "<h1>Burendag</h1>") && strstr(r.body, "Straat vegen") && strstr(r.body, "Soep koken") &&
                  !strstr(r.body, PATH(path, "Kaarten %s", w.tag)),
              "%.400s", r.body);
    cr_assert_not_null(strstr(r.body, "name=\"campaign\""), "the page's filters keep the campaign");
    cr_assert_not_null(strstr(r.body, "tot en met"));
    it_response_free(&r);
    cr_assert_eq(it_get("/campagnes/Niet_Zo", NULL, &r), 0);
    cr_assert_eq(r.status, 404);
    it_response_free(&r);
    cr_assert_eq(it_get(PATH(path, "/aanbod/%s", a), NULL, &r), 0);
    cr_assert_not_null(strstr(r.body, PATH(path, "<a href=\"/campagnes/%s\">Burendag</a>", w.code)),
                       "the entry's page links to its campaign");
    it_response_free(&r);

    /* curating: only a moderator of the entry's municipality; audited */
    it_call(403, "DELETE", PATH(path, "/api/v1/campaigns/%s/entries/%s", w.code, a), w.partner, NULL);
    it_call(403, "DELETE", path, w.other, NULL);
    it_call(200, "DELETE", path, w.mod, NULL);
    it_call(200, "DELETE", path, w.mod, NULL); /* taking out twice is no error */
    j = it_call(200, "GET", PATH(path, "/api/v1/search?campaign=%s&limit=50", w.code), NULL, NULL);
    cr_assert(found(j, a) == 0 && found(j, b) == 1, "%s", it_jtext(j));
    it_call(200, "PUT", PATH(path, "/api/v1/campaigns/%s/entries/%s", w.code, c), w.mod, NULL);
    j = it_call(200, "GET", PATH(path, "/api/v1/search?campaign=%s&limit=50", w.code), NULL, NULL);
    cr_assert(found(j, c) == 1 && found(j, b) == 1, "%s", it_jtext(j));
    j = it_call(200, "GET", PATH(path, "/api/v1/campaigns/%s", w.code), NULL, NULL);
    cr_assert_eq(json_object_get_int(it_jget(j, "entry_count")), 2);
    /* a campaign of another municipality or one that is over cannot take it */
    it_call(409, "PUT", PATH(path, "/api/v1/campaigns/%s/entries/%s", old, c), w.mod, NULL);
    it_call(403, "PUT", PATH(path, "/api/v1/campaigns/kern-%s/entries/%s", w.code, c), w.other, NULL);
    it_call(404, "PUT", PATH(path, "/api/v1/campaigns/%s/entries/00000000-0000-4000-8000-000000000000", w.code), w.mod,
            NULL);
    {
        char n[16];
        const char *p[1] = { c };
        it_sql1(
            n, sizeof(n),
            "SELECT count(*) FROM audit_log WHERE entry_id = $1::uuid AND action = 'update' AND after ? 'campaigns'", 1,
            p);
        cr_assert_str_eq(n, "1");
    }

    /* deleting the campaign takes its code out of every entry */
    it_call(204, "DELETE", PATH(path, "/api/v1/campaigns/%s", w.code), w.mod, NULL);
    j = it_call(200, "GET", PATH(path, "/api/v1/activities/%s", b), NULL, NULL);
    cr_assert_eq(it_jlen(j, "campaigns"), 0, "%s", it_jtext(j));
    it_call(400, "GET", PATH(path, "/api/v1/search?campaign=%s", w.code), NULL, NULL);
    it_call(404, "DELETE", PATH(path, "/api/v1/campaigns/%s", w.code), w.mod, NULL);
}
