/*
 * test_referral.c — issue 16, item 6: a referral list for professionals
 * (welzijn op recept). The list lives in its URL (/lijst?ids=...): the page
 * shows the published entries in the given order with when, where, cost and
 * whom to call, a QR code of the link, and stores nothing; what a resident
 * may not see is left out and counted; a bad list is a 400 page; the search
 * page carries the list being made.
 */
#include <criterion/criterion.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "it.h"

#include "it_hooks.h"

TestSuite(referral, .fini = it_release);

#define PATH(buf, ...) (snprintf((buf), sizeof(buf), __VA_ARGS__), (const char *)(buf))

/* An activity of org, published or pending (set with SQL); its id into id. */
static void make(const char *mod, const char *org, const char *title, bool publish, char *id)
{
    char body[700];
    struct json_object *j;
    const char *p[1] = { id };
    snprintf(body, sizeof(body),
             "{\"organisation_id\":\"%s\",\"title\":\"%s\",\"summary\":\"Samen koffie drinken en praten.\","
             "\"municipality\":\"GM0512\",\"areas\":[\"GM0512-west\"],\"online\":false,\"address\":{\"street\":"
             "\"Stationsweg\",\"house_number\":\"3\",\"postcode\":\"4205 AA\",\"city\":\"Gorinchem\"},"
             "\"contact\":{\"phone\":\"0183 111222\"},\"schedule\":{\"start\":\"2027-01-05T10:00\",\"end\":"
             "\"2027-01-05T11:30\",\"rrule\":\"FREQ=WEEKLY;BYDAY=TU\"}}",
             org, title);
    j = it_call(201, "POST", "/api/v1/activities", mod, body);
    snprintf(id, 40, "%s", it_js(j, "id"));
    it_sql1(NULL, 0,
            publish ? "UPDATE entries SET status = 'published' WHERE id = $1::uuid"
                    : "UPDATE entries SET status = 'pending' WHERE id = $1::uuid",
            1, p);
}

Test(referral, the_list_is_its_link_and_shows_what_residents_may_see)
{
    char org[40], mod[128], a[40], b[40], pending[40], tag[32], title[96], path[400], before[16], after[16];
    struct it_response r;
    const char *pa, *pb;

    snprintf(tag, sizeof(tag), "%ld", (long)time(NULL));
    it_make_org("Welzijn Gorinchem (verwijslijst)", org);
    it_make_key(org, "moderator", "GM0512", mod);
    make(mod, org, PATH(title, "Koffieochtend Oost %s", tag), true, a);
    make(mod, org, PATH(title, "Taalcafe West %s", tag), true, b);
    make(mod, org, PATH(title, "Nog niet goedgekeurd %s", tag), false, pending);
    it_sql1(before, sizeof(before), "SELECT count(*) FROM audit_log", 0, NULL);

    /* in the order given, a repeated id once, the pending entry left out and counted */
    cr_assert_eq(it_get(PATH(path, "/lijst?ids=%s,%s,%s,%s", b, a, b, pending), NULL, &r), 0);
    cr_assert_eq(r.status, 200, "%ld", r.status);
    pa = strstr(r.body, "Koffieochtend Oost");
    pb = strstr(r.body, "Taalcafe West");
    cr_assert(pa && pb && pb < pa, "both entries, in the list's order");
    cr_assert_null(strstr(r.body, "Nog niet goedgekeurd"), "a pending entry is not on a resident's list");
    cr_assert_not_null(strstr(r.body, "1 aanbod van de lijst is er niet meer"));
    cr_assert_not_null(strstr(r.body, "Bel 0183 111222"), "whom to call");
    cr_assert_not_null(strstr(r.body, "Stationsweg 3"), "where");
    cr_assert_not_null(strstr(r.body, "<svg class=\"qr\""), "a QR code of the link");
    cr_assert_not_null(strstr(r.body, "/lijst?ids="), "the link itself");
    /* taking one off is a link to the list without it */
    cr_assert_not_null(strstr(r.body, PATH(path, "/lijst?ids=%s,%s\">Haal van de lijst", b, pending)) ||
                           strstr(r.body, PATH(path, "/lijst?ids=%s,%s\"", a, pending)),
                       "links without one of them");
    it_response_free(&r);

    /* nothing is stored */
    it_sql1(after, sizeof(after), "SELECT count(*) FROM audit_log", 0, NULL);
    cr_assert_str_eq(before, after);

    /* a bad list is a page that says so, not a 500 */
    cr_assert_eq(it_get("/lijst?ids=nope", NULL, &r), 0);
    cr_assert_eq(r.status, 400);
    cr_assert_not_null(strstr(r.body, "Deze lijst klopt niet"));
    it_response_free(&r);
    cr_assert_eq(it_get("/lijst", NULL, &r), 0);
    cr_assert_eq(r.status, 400);
    it_response_free(&r);
    {
        char many[14 * 37 + 32];
        size_t o = (size_t)snprintf(many, sizeof(many), "/lijst?ids=");
        for (int i = 0; i < 13; i++)
            o += (size_t)snprintf(many + o, sizeof(many) - o, "%s00000000-0000-4000-8000-0000000000%02d", i ? "," : "",
                                  i);
        cr_assert_eq(it_get(many, NULL, &r), 0);
        cr_assert_eq(r.status, 400, "at most 12 on a list");
        it_response_free(&r);
    }

    /* the search page carries the list being made: each result can be added */
    cr_assert_eq(it_get(PATH(path, "/?lijst=%s&q=Taalcafe+%s", a, tag), NULL, &r), 0);
    cr_assert_eq(r.status, 200);
    cr_assert_not_null(strstr(r.body, "Verwijslijst</strong>: 1 gekozen"));
    cr_assert_not_null(strstr(r.body, PATH(path, "/lijst?ids=%s,%s\">Zet op de verwijslijst", a, b)), "%.200s",
                       strstr(r.body, "referral") ? strstr(r.body, "referral") : r.body);
    cr_assert_not_null(strstr(r.body, "name=\"lijst\""), "the search form keeps the list");
    it_response_free(&r);
}
