/*
 * test_initiatives.c — issue 16, item 3: residents' initiatives publish too.
 * A resident reports an initiative (the API and the page /initiatief; no
 * Chamber of Commerce number, an e-mail address or a phone number); only the
 * municipality's moderators see it with its contact; accepting makes an
 * organisation and a partner invitation whose link works once (the partners'
 * flow: the initiator gets a key and publishes); declining needs a reason;
 * each initiative is decided once; the contact is erased by housekeeping.
 *
 * Over real HTTP to the real daemon; the database is read to check what is kept.
 */
#include <criterion/criterion.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "it.h"

#define IT_DAEMON_ENV                                                                                                  \
    {                                                                                                                  \
        "SK_WISHES_PER_HOUR=100", NULL                                                                                 \
    }
#include "it_hooks.h"

TestSuite(initiatives, .fini = it_release);

#define PATH(buf, ...) (snprintf((buf), sizeof(buf), __VA_ARGS__), (const char *)(buf))

struct world {
    char tag[32];
    char org[40], mod[128], other[128], partner[128];
};

static void world(struct world *w)
{
    snprintf(w->tag, sizeof(w->tag), "%ld-%d", (long)time(NULL), (int)getpid());
    it_make_org("Gemeente Gorinchem (initiatieven)", w->org);
    it_make_key(w->org, "moderator", "GM0512", w->mod);
    it_make_key(w->org, "moderator", "GM0668", w->other);
    it_make_key(w->org, "partner", NULL, w->partner);
}

/* A new initiative in Lingewijk by the API; its id into id. */
static void report(const struct world *w, const char *what, char *id)
{
    char body[700];
    struct json_object *j;
    snprintf(body, sizeof(body),
             "{\"name\":\"Moestuin De Linge %s %s\",\"description\":\"Elke zaterdag tuinieren we samen achter de "
             "flat. Iedereen mag meedoen.\",\"municipality\":\"GM0512\",\"area\":\"GM0512-lingewijk\","
             "\"contact_name\":\"Fatima\",\"email\":\"fatima@example.org\",\"phone\":\"0183 123456\"}",
             what, w->tag);
    j = it_call(201, "POST", "/api/v1/initiatives", NULL, body);
    cr_assert_str_eq(it_js(j, "status"), "new");
    cr_assert_null(it_jget(j, "email"), "the answer to anyone does not repeat the contact");
    snprintf(id, 40, "%s", it_js(j, "id"));
}

Test(initiatives, a_resident_reports_one_and_only_the_municipality_sees_it)
{
    struct world w;
    char id[40], path[128];
    struct json_object *j;
    const char *s;

    world(&w);
    report(&w, "zien", id);
    /* bad input names every field: no contact, a wijk of another municipality, an unknown member */
    j = it_call(422, "POST", "/api/v1/initiatives", NULL,
                "{\"name\":\"X\",\"description\":\"kort\",\"municipality\":\"GM0512\",\"contact_name\":\"A\","
                "\"kvk\":\"123\",\"email\":\"geen adres\"}");
    s = json_object_to_json_string(j);
    cr_assert(strstr(s, "\"description\"") && strstr(s, "\"kvk\"") && strstr(s, "\"email\""), "%s", s);
    j = it_call(422, "POST", "/api/v1/initiatives", NULL,
                "{\"name\":\"Buurtkoffie\",\"description\":\"Koffie voor iedereen op dinsdag.\",\"municipality\":"
                "\"GM0512\",\"area\":\"GM0668-wamel\",\"contact_name\":\"A\"}");
    s = json_object_to_json_string(j);
    cr_assert(strstr(s, "\"area\"") && strstr(s, "or phone is required"), "%s", s);

    /* the municipality's moderator sees it with its contact; another municipality's does not */
    j = it_call(200, "GET", "/api/v1/initiatives?status=new&limit=100", w.mod, NULL);
    s = json_object_to_json_string(j);
    cr_assert(strstr(s, id) && strstr(s, "fatima@example.org"), "the moderator of GM0512 sees it");
    j = it_call(200, "GET", "/api/v1/initiatives?limit=100", w.other, NULL);
    cr_assert_null(strstr(json_object_to_json_string(j), id), "the moderator of GM0668 does not");
    it_call(403, "GET", "/api/v1/initiatives?municipality=GM0512", w.other, NULL);
    it_call(403, "GET", "/api/v1/initiatives", w.partner, NULL);
    it_call(401, "GET", "/api/v1/initiatives", NULL, NULL);
    it_call(404, "POST", PATH(path, "/api/v1/initiatives/%s/accept", id), w.other, NULL);
    it_call(400, "GET", "/api/v1/initiatives?status=maybe", w.mod, NULL);
}

Test(initiatives, accepted_it_becomes_an_organisation_that_publishes)
{
    struct world w;
    char id[40], path[128], body[400], token[128], org_id[40], key[160];
    struct json_object *j;
    const char *p[1];

    world(&w);
    report(&w, "accepteren", id);
    j = it_call(200, "POST", PATH(path, "/api/v1/initiatives/%s/accept", id), w.mod, NULL);
    cr_assert_str_eq(it_js(j, "status"), "accepted");
    cr_assert_not_null(it_js(j, "invitation.url"));
    snprintf(token, sizeof(token), "%s", it_js(j, "invitation.token"));
    snprintf(org_id, sizeof(org_id), "%s", it_js(j, "organisation_id"));
    cr_assert_neq(token[0], '\0');
    /* once */
    it_call(409, "POST", PATH(path, "/api/v1/initiatives/%s/accept", id), w.mod, NULL);
    it_call(409, "POST", PATH(path, "/api/v1/initiatives/%s/decline", id), w.mod, "{\"reason\":\"Toch niet\"}");

    /* the organisation, at home in the municipality, with the initiative's contact */
    j = it_call(200, "GET", PATH(path, "/api/v1/organisations/%s", org_id), NULL, NULL);
    cr_assert(strstr(it_js(j, "name"), "Moestuin De Linge accepteren") != NULL);
    cr_assert_str_eq(it_js(j, "municipality"), "GM0512");

    /* the initiator opens the link: a partner key of that organisation, which publishes */
    snprintf(body, sizeof(body), "{\"token\":\"%s\",\"label\":\"Fatima\"}", token);
    j = it_call(201, "POST", "/api/v1/invitations/accept", NULL, body);
    snprintf(key, sizeof(key), "%s", it_js(j, "key"));
    j = it_call(200, "GET", "/api/v1/me", key, NULL);
    cr_assert_str_eq(it_js(j, "role"), "partner");
    cr_assert_str_eq(it_js(j, "organisation_id"), org_id);
    snprintf(body, sizeof(body),
             "{\"title\":\"Samen tuinieren %s\",\"municipality\":\"GM0512\",\"online\":true,\"schedule\":"
             "{\"start\":\"2027-01-09T10:00\",\"end\":\"2027-01-09T12:00\",\"rrule\":\"FREQ=WEEKLY;BYDAY=SA\"}}",
             w.tag);
    j = it_call(201, "POST", "/api/v1/activities", key, body);
    cr_assert_str_eq(it_js(j, "status"), "pending", "an initiative's entry is moderated like any partner's");
    /* the link works once */
    snprintf(body, sizeof(body), "{\"token\":\"%s\"}", token);
    it_call(410, "POST", "/api/v1/invitations/accept", NULL, body);

    /* the decision is audited without the contact */
    p[0] = id;
    {
        char n[16];
        it_sql1(n, sizeof(n),
                "SELECT count(*) FROM audit_log WHERE entity = 'initiative' AND entity_id = $1 AND action = 'accept' "
                "AND after::text NOT LIKE '%fatima%' AND after::text NOT LIKE '%0183%'",
                1, p);
        cr_assert_str_eq(n, "1");
    }
}

Test(initiatives, declined_with_a_reason_and_the_contact_is_erased_later)
{
    struct world w;
    char id[40], path[128], n[16];
    struct json_object *j;
    const char *p[1];

    world(&w);
    report(&w, "afwijzen", id);
    j = it_call(422, "POST", PATH(path, "/api/v1/initiatives/%s/decline", id), w.mod, "{}");
    cr_assert_str_eq(it_js(j, "errors.0.field"), "reason");
    j = it_call(200, "POST", PATH(path, "/api/v1/initiatives/%s/decline", id), w.mod,
                "{\"reason\":\"Dit is een bedrijf met winstoogmerk.\"}");
    cr_assert_str_eq(it_js(j, "status"), "declined");
    it_call(409, "POST", PATH(path, "/api/v1/initiatives/%s/accept", id), w.mod, NULL);
    /* housekeeping erases the contact when its day has come */
    p[0] = id;
    it_sql1(NULL, 0, "UPDATE initiatives SET erase_contact_on = current_date - 1 WHERE id = $1::uuid", 1, p);
    it_sql1(NULL, 0, "SELECT api_initiatives_housekeeping()", 0, NULL);
    it_sql1(n, sizeof(n),
            "SELECT count(*) FROM initiatives WHERE id = $1::uuid AND contact_name IS NULL AND contact_email IS NULL "
            "AND contact_phone IS NULL AND name LIKE 'Moestuin%'",
            1, p);
    cr_assert_str_eq(n, "1");
}

Test(initiatives, the_page_without_an_account)
{
    struct world w;
    char body[600];
    struct it_response r;
    const char *form_hdr[] = { "Content-Type: application/x-www-form-urlencoded", NULL };
    const char *p[1];
    char n[16];

    world(&w);
    cr_assert_eq(it_get("/initiatief", NULL, &r), 0);
    cr_assert_eq(r.status, 200);
    cr_assert(strstr(r.body, "Meld uw initiatief aan") && strstr(r.body, "KvK-nummer"));
    it_response_free(&r);
    /* refused: the fields in plain Dutch, what was typed kept */
    snprintf(body, sizeof(body),
             "naam=Buurtbieb+%s&wat=kort&waar=GM0512-west&contact_naam=Jan&email=&telefoon=", w.tag);
    cr_assert_eq(it_request("POST", "/initiatief", form_hdr, body, strlen(body), &r), 0);
    cr_assert_eq(r.status, 422);
    cr_assert(strstr(r.body, "Vertel wat u doet") && strstr(r.body, w.tag), "%.400s", r.body);
    it_response_free(&r);
    snprintf(body, sizeof(body),
             "naam=Buurtbieb+%s&wat=Een+kastje+met+boeken+bij+de+school.+Pak+er+een%%2C+zet+er+een+terug."
             "&waar=GM0512-west&contact_naam=Jan&email=&telefoon=0183-654321&website=",
             w.tag);
    cr_assert_eq(it_request("POST", "/initiatief", form_hdr, body, strlen(body), &r), 0);
    cr_assert_eq(r.status, 201, "%ld %.300s", r.status, r.body);
    cr_assert_not_null(strstr(r.body, "Bedankt voor uw melding"));
    it_response_free(&r);
    p[0] = w.tag;
    it_sql1(n, sizeof(n),
            "SELECT count(*) FROM initiatives WHERE position($1 in name) > 0 AND area = 'GM0512-west' AND "
            "contact_phone = '0183-654321' AND contact_email IS NULL",
            1, p);
    cr_assert_str_eq(n, "1");
}
