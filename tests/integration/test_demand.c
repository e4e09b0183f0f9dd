/*
 * test_demand.c — issue 16, item 4: what residents ask for beside what is
 * offered. Anonymous searches are counted per day by municipality × wijk ×
 * theme × kind (cached answers too, next pages and callers with a key not),
 * with the words of those that found nothing (no word with a digit or an @);
 * detail views and calendar downloads per entry; "Ik mis iets in mijn wijk"
 * through the API and the page, limited per client and per municipality and
 * day; the published view (JSON, CSV, SVG) leaves out small counts except for
 * the municipality's own moderators; nothing about who asked is stored or
 * logged.
 *
 * Over real HTTP to the real daemon; the database is read to check the sums.
 * Counts go up by what the test did (other tests may count in the same cells
 * on the same day), so every check is a difference.
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
        "SK_WISHES_PER_HOUR=6", "SK_DEMAND_FLUSH_MS=200", NULL                                                         \
    }
#include "it_hooks.h"

TestSuite(demand, .fini = it_release);

#define PATH(buf, ...) (snprintf((buf), sizeof(buf), __VA_ARGS__), (const char *)(buf))

/* A tag of letters only (kept words leave out every word with a digit). */
static void letters_tag(char *out, size_t cap)
{
    unsigned long v = (unsigned long)time(NULL) * 1000u + (unsigned long)getpid();
    size_t n = 0;
    while (v && n + 1 < cap) {
        out[n++] = (char)('a' + v % 26);
        v /= 26;
    }
    out[n] = '\0';
}

static long sql_long(const char *sql, int n, const char *const *params)
{
    char out[64];
    it_sql1(out, sizeof(out), sql, n, params);
    return atol(out);
}

/* Searches (n) and found-nothing searches (e) today in one cell. */
static long cell(const char *area, const char *theme, const char *kind, bool empty)
{
    const char *p[] = { area, theme, kind };
    return sql_long(empty ? "SELECT coalesce(sum(found_nothing), 0) FROM demand_searches WHERE municipality = 'GM0512' "
                            "AND day = (now() AT TIME ZONE 'Europe/Amsterdam')::date AND area = $1 AND theme = $2 "
                            "AND kind = $3"
                          : "SELECT coalesce(sum(searches), 0) FROM demand_searches WHERE municipality = 'GM0512' "
                            "AND day = (now() AT TIME ZONE 'Europe/Amsterdam')::date AND area = $1 AND theme = $2 "
                            "AND kind = $3",
                    3, p);
}

static void get_status(long want, const char *path, const char *key)
{
    struct it_response r;
    cr_assert_eq(it_get(path, key, &r), 0);
    cr_assert_eq(r.status, want, "GET %s: %ld %s", path, r.status, r.body);
    it_response_free(&r);
}

Test(demand, searches_are_counted_by_wijk_theme_and_kind)
{
    char tag[16], path[256], words[64];
    long west_sport, west_sport_vac, west_any, west_empty, lw_vt, lw_sport;
    const char *p[1];

    letters_tag(tag, sizeof(tag));
    west_sport = cell("GM0512-west", "beweging", "", false);
    west_sport_vac = cell("GM0512-west", "beweging", "vacancy", false);
    west_any = cell("GM0512-west", "", "", false);
    west_empty = cell("GM0512-west", "", "", true);
    lw_vt = cell("GM0512-lingewijk", "vrije-tijd", "", false);
    lw_sport = cell("GM0512-lingewijk", "beweging", "", false);

    /* 3 the same (two from the reply cache), each counted */
    for (int i = 0; i < 3; i++)
        get_status(200, "/api/v1/search?area=GM0512-west&theme=beweging", NULL);
    /* a kind's list with a filter: the kind is known */
    get_status(200, "/api/v1/vacancies?area=GM0512-west&theme=beweging", NULL);
    /* two wijken × two themes: four cells, one search each */
    get_status(200, "/api/v1/search?area=GM0512-west,GM0512-lingewijk&theme=beweging,vrije-tijd", NULL);
    /* found nothing, with words: the phone number and the e-mail address are not kept */
    get_status(200,
               PATH(path, "/api/v1/search?area=GM0512-west&q=%s+jeu+de+boules+0612345678+iemand%%40example.nl", tag),
               NULL);
    /* the residents' page counts as well */
    get_status(200, PATH(path, "/?area=GM0512-west&q=%s+tafeltennis", tag), NULL);
    /* not counted: a caller with a key, a next page, a list without filter */
    {
        char org[40], key[128];
        it_make_org("Demand test partner", org);
        it_make_key(org, "partner", NULL, key);
        get_status(200, "/api/v1/search?area=GM0512-west&theme=beweging", key);
    }
    get_status(200, "/api/v1/activities", NULL);

    /* the workers write their sums each on its own: wait for all of them */
    cr_assert(IT_WAIT_FOR(cell("GM0512-west", "beweging", "", false) == west_sport + 4 &&
                              cell("GM0512-west", "", "", false) == west_any + 2 &&
                              cell("GM0512-west", "beweging", "vacancy", false) == west_sport_vac + 1 &&
                              cell("GM0512-lingewijk", "vrije-tijd", "", false) == lw_vt + 1 &&
                              cell("GM0512-lingewijk", "beweging", "", false) == lw_sport + 1 &&
                              cell("GM0512-west", "", "", true) == west_empty + 2,
                          10000, 50),
              "west × beweging went from %ld to %ld (want +4), west × any from %ld to %ld (want +2)", west_sport,
              cell("GM0512-west", "beweging", "", false), west_any, cell("GM0512-west", "", "", false));
    cr_assert_eq(cell("GM0512-west", "beweging", "vacancy", false), west_sport_vac + 1);
    cr_assert_eq(cell("GM0512-lingewijk", "vrije-tijd", "", false), lw_vt + 1);
    cr_assert_eq(cell("GM0512-lingewijk", "beweging", "", false), lw_sport + 1);
    cr_assert_eq(cell("GM0512-west", "", "", true), west_empty + 2, "both searches with words found nothing");

    snprintf(words, sizeof(words), "%s jeu de boules", tag);
    p[0] = words;
    cr_assert_eq(sql_long("SELECT coalesce(sum(searches), 0) FROM demand_words WHERE words = $1", 1, p), 1,
                 "the words without the phone number and the e-mail address");
    p[0] = tag;
    cr_assert_eq(
        sql_long("SELECT count(*) FROM demand_words WHERE position($1 in words) > 0 AND words ~ '[0-9@]'", 1, p), 0);
    snprintf(words, sizeof(words), "%s tafeltennis", tag);
    p[0] = words;
    cr_assert_eq(sql_long("SELECT coalesce(sum(searches), 0) FROM demand_words WHERE words = $1", 1, p), 1);
}

Test(demand, detail_views_and_calendar_downloads_are_counted_per_entry)
{
    char id[40], path[128], before_v[32], before_c[32], org[40], key[128];
    const char *p[1] = { id };
    long v0, c0;

    {
        /* an activity of its own, made by a moderator and published with SQL */
        char mod_org[40], mod[128], body[600];
        struct json_object *j;
        it_make_org("Demand test gemeente (views)", mod_org);
        it_make_key(mod_org, "moderator", "GM0512", mod);
        snprintf(body, sizeof(body),
                 "{\"organisation_id\":\"%s\",\"title\":\"Koffie in de Lingewijk %ld\",\"municipality\":"
                 "\"GM0512\",\"areas\":[\"GM0512-lingewijk\"],\"themes\":[\"ontmoeten\"],\"online\":true,"
                 "\"schedule\":{\"start\":\"2027-01-05T10:00\",\"end\":\"2027-01-05T11:00\",\"rrule\":"
                 "\"FREQ=WEEKLY;BYDAY=TU\"}}",
                 mod_org, (long)time(NULL));
        j = it_call(201, "POST", "/api/v1/activities", mod, body);
        snprintf(id, sizeof(id), "%s", it_js(j, "id"));
        it_sql1(NULL, 0, "UPDATE entries SET status = 'published' WHERE id = $1::uuid AND status <> 'published'", 1, p);
    }
    cr_assert_neq(id[0], '\0', "a published activity");
    v0 = sql_long("SELECT coalesce(sum(n), 0) FROM demand_entry_views WHERE entry_id = $1::uuid AND measure = 'view' "
                  "AND day = (now() AT TIME ZONE 'Europe/Amsterdam')::date",
                  1, p);
    c0 = sql_long("SELECT coalesce(sum(n), 0) FROM demand_entry_views WHERE entry_id = $1::uuid AND measure = "
                  "'calendar' AND day = (now() AT TIME ZONE 'Europe/Amsterdam')::date",
                  1, p);
    snprintf(before_v, sizeof(before_v), "%ld", v0 + 3);
    snprintf(before_c, sizeof(before_c), "%ld", c0 + 2);
    get_status(200, PATH(path, "/api/v1/activities/%s", id), NULL);
    get_status(200, PATH(path, "/api/v1/activities/%s", id), NULL);
    get_status(200, PATH(path, "/aanbod/%s", id), NULL);
    get_status(200, PATH(path, "/api/v1/activities/%s.ics", id), NULL);
    get_status(200, PATH(path, "/api/v1/activities/%s.ics", id), NULL);
    /* not counted: a key, an entry that does not exist */
    it_make_org("Demand test viewer", org);
    it_make_key(org, "partner", NULL, key);
    get_status(200, PATH(path, "/api/v1/activities/%s", id), key);
    get_status(404, "/api/v1/activities/00000000-0000-4000-8000-00000000dead", NULL);
    cr_assert(IT_WAIT_FOR(sql_long("SELECT coalesce(sum(n), 0) FROM demand_entry_views WHERE entry_id = $1::uuid AND "
                                   "measure = 'view' AND day = (now() AT TIME ZONE 'Europe/Amsterdam')::date",
                                   1, p) == v0 + 3 &&
                              sql_long("SELECT coalesce(sum(n), 0) FROM demand_entry_views WHERE entry_id = $1::uuid "
                                       "AND measure = 'calendar' AND day = (now() AT TIME ZONE "
                                       "'Europe/Amsterdam')::date",
                                       1, p) == c0 + 2,
                          10000, 50),
              "views: want %s", before_v);
    cr_assert_eq(sql_long("SELECT coalesce(sum(n), 0) FROM demand_entry_views WHERE entry_id = $1::uuid AND measure = "
                          "'calendar' AND day = (now() AT TIME ZONE 'Europe/Amsterdam')::date",
                          1, p),
                 c0 + 2, "calendar downloads: want %s", before_c);
    cr_assert_eq(sql_long("SELECT count(*) FROM demand_entry_views WHERE entry_id = "
                          "'00000000-0000-4000-8000-00000000dead'",
                          0, NULL),
                 0);
}

Test(demand, wishes_from_the_api_and_the_page_are_limited_and_read_by_the_municipality_only)
{
    char tag[16], body[512], org[40], mod[128], other[128], partner[128], limit[16], count[16], retry[16];
    struct json_object *j;
    struct it_response r;
    const char *form_hdr[] = { "Content-Type: application/x-www-form-urlencoded", NULL };
    const char *p[1];

    letters_tag(tag, sizeof(tag));
    it_make_org("Demand test gemeente", org);
    it_make_key(org, "moderator", "GM0512", mod);
    it_make_key(org, "moderator", "GM0668", other);
    it_make_key(org, "partner", NULL, partner);

    /* 1: anyone, no account */
    snprintf(body, sizeof(body),
             "{\"municipality\":\"GM0512\",\"area\":\"GM0512-west\",\"theme\":\"beweging\",\"text\":\"Wandelen "
             "%s\"}",
             tag);
    j = it_call(201, "POST", "/api/v1/wishes", NULL, body);
    cr_assert_str_eq(it_js(j, "area"), "GM0512-west");
    cr_assert_not_null(it_js(j, "delete_after"));
    /* 2: every bad field named */
    j = it_call(422, "POST", "/api/v1/wishes", NULL, "{\"municipality\":\"0512\",\"text\":\"x\",\"name\":\"Jan\"}");
    cr_assert_not_null(strstr(json_object_to_json_string(j), "\"municipality\""));
    cr_assert_not_null(strstr(json_object_to_json_string(j), "\"text\""));
    cr_assert_not_null(strstr(json_object_to_json_string(j), "\"name\""));
    /* 3: a wijk of another municipality (only the database knows) */
    j = it_call(422, "POST", "/api/v1/wishes", NULL,
                "{\"municipality\":\"GM0512\",\"area\":\"GM0668-beneden-leeuwen\",\"text\":\"Een moestuin\"}");
    cr_assert_str_eq(it_js(j, "errors.0.field"), "area");
    /* 4 and 5: the page, refused and then sent */
    cr_assert_eq(it_request("POST", "/ik-mis-iets", form_hdr, "waar=GM0512-west&thema=&tekst=", 30, &r), 0);
    cr_assert_eq(r.status, 422, "%ld", r.status);
    cr_assert_not_null(strstr(r.body, "Schrijf wat u mist"));
    it_response_free(&r);
    snprintf(body, sizeof(body), "waar=GM0512-lingewijk&thema=ontmoeten&tekst=Koffie+op+zondag+%s", tag);
    cr_assert_eq(it_request("POST", "/ik-mis-iets", form_hdr, body, strlen(body), &r), 0);
    cr_assert_eq(r.status, 201, "%ld %s", r.status, r.body);
    cr_assert_not_null(strstr(r.body, "Bedankt"));
    it_response_free(&r);

    /* the municipality's moderators read them; nobody else does */
    j = it_call(200, "GET", "/api/v1/wishes?municipality=GM0512&limit=100", mod, NULL);
    cr_assert_not_null(strstr(json_object_to_json_string(j), tag));
    cr_assert_not_null(strstr(json_object_to_json_string(j), "Koffie op zondag"));
    it_call(403, "GET", "/api/v1/wishes?municipality=GM0512", other, NULL);
    it_call(403, "GET", "/api/v1/wishes?municipality=GM0512", partner, NULL);
    it_call(401, "GET", "/api/v1/wishes?municipality=GM0512", NULL, NULL);
    it_call(400, "GET", "/api/v1/wishes?municipality=nope", mod, NULL);
    /* nothing about who sent them is kept */
    p[0] = tag;
    cr_assert_eq(sql_long("SELECT count(*) FROM demand_wishes WHERE position($1 in body) > 0", 1, p), 2);
    cr_assert_eq(
        sql_long("SELECT count(*) FROM information_schema.columns WHERE table_name LIKE 'demand_%' AND "
                 "(column_name ~ '(^ip$|_ip$|^ip_|client|address|hash|cookie|agent|session|token)' OR data_type LIKE "
                 "'timestamp%')",
                 0, NULL),
        0, "no column about who asked, no time finer than the day");

    /* 6: the municipality's limit per day */
    it_sql1(limit, sizeof(limit), "SELECT wishes_per_day FROM moderation_settings", 0, NULL);
    it_sql1(count, sizeof(count),
            "SELECT count(*) FROM demand_wishes WHERE municipality = 'GM0512' AND created_on = (now() AT TIME ZONE "
            "'Europe/Amsterdam')::date",
            0, NULL);
    p[0] = count;
    it_sql1(NULL, 0, "UPDATE moderation_settings SET wishes_per_day = $1::int", 1, p);
    j = it_call(429, "POST", "/api/v1/wishes", NULL, "{\"municipality\":\"GM0512\",\"text\":\"Een moestuin\"}");
    cr_assert_not_null(strstr(it_js(j, "detail"), "today"));
    p[0] = limit;
    it_sql1(NULL, 0, "UPDATE moderation_settings SET wishes_per_day = $1::int", 1, p);
    /* 7: the client's limit (6 an hour in this daemon) */
    cr_assert_eq(
        it_send("POST", "/api/v1/wishes", NULL, "{\"municipality\":\"GM0512\",\"text\":\"Een moestuin\"}", NULL, &r),
        0);
    cr_assert_eq(r.status, 429, "%ld %s", r.status, r.body);
    cr_assert_not_null(it_header(&r, "Retry-After", retry, sizeof(retry)));
    it_response_free(&r);
}

Test(demand, the_published_view_leaves_out_small_counts_but_not_for_the_municipality)
{
    char org[40], mod[128], other[128], tag[16], path[256], ct[96];
    struct json_object *j, *cells, *c;
    struct it_response r;
    long pub_searches = -2, mod_searches = -1;

    letters_tag(tag, sizeof(tag));
    it_make_org("Demand test stats", org);
    it_make_key(org, "moderator", "GM0512", mod);
    it_make_key(org, "moderator", "GM0668", other);
    /* one search in a cell nobody else uses: Wijdschild × a theme of its own */
    it_sql1(NULL, 0,
            "INSERT INTO themes (code, label_nl) VALUES ('demandtest', 'Demand test') ON CONFLICT (code) DO NOTHING", 0,
            NULL);
    it_sql1(NULL, 0, "DELETE FROM demand_searches WHERE theme = 'demandtest'", 0, NULL);
    get_status(200, PATH(path, "/api/v1/search?area=GM0512-wijdschild&theme=demandtest&q=%s", tag), NULL);
    cr_assert(IT_WAIT_FOR(
        sql_long("SELECT coalesce(sum(searches), 0) FROM demand_searches WHERE theme = 'demandtest'", 0, NULL) == 1,
        10000, 50));

    j = it_call(200, "GET", "/api/v1/stats/demand?municipality=GM0512", mod, NULL);
    cr_assert(json_object_get_boolean(json_object_object_get(j, "exact")));
    cells = json_object_object_get(j, "cells");
    for (size_t i = 0; i < json_object_array_length(cells); i++) {
        c = json_object_array_get_idx(cells, i);
        if (it_js(c, "theme") && strcmp(it_js(c, "theme"), "demandtest") == 0 &&
            strcmp(it_js(c, "area"), "GM0512-wijdschild") == 0)
            mod_searches = json_object_get_int64(json_object_object_get(c, "searches"));
    }
    cr_assert_eq(mod_searches, 1, "the municipality's moderator sees the exact count");

    j = it_call(200, "GET", "/api/v1/stats/demand?municipality=GM0512", other, NULL);
    cr_assert_not(json_object_get_boolean(json_object_object_get(j, "exact")), "another municipality's moderator");
    j = it_call(200, "GET", "/api/v1/stats/demand?municipality=GM0512", NULL, NULL);
    cr_assert_not(json_object_get_boolean(json_object_object_get(j, "exact")));
    cr_assert_eq(json_object_get_int(json_object_object_get(j, "min_count")), 5);
    cells = json_object_object_get(j, "cells");
    for (size_t i = 0; i < json_object_array_length(cells); i++) {
        c = json_object_array_get_idx(cells, i);
        if (it_js(c, "theme") && strcmp(it_js(c, "theme"), "demandtest") == 0 &&
            strcmp(it_js(c, "area"), "GM0512-wijdschild") == 0) {
            struct json_object *s = json_object_object_get(c, "searches");
            pub_searches = s ? json_object_get_int64(s) : -1;
            cr_assert_null(s, "1 search is below the threshold: left out");
        }
    }
    cr_assert_eq(pub_searches, -1, "the cell is there, its count left out");
    cr_assert_null(strstr(json_object_to_json_string(j), tag), "words searched once are not published");

    /* CSV and the heat map */
    cr_assert_eq(it_get("/api/v1/stats/demand?municipality=GM0512&format=csv", NULL, &r), 0);
    cr_assert_eq(r.status, 200);
    cr_assert(strncmp(r.body, "area,area_name,theme,theme_label,searches,", 42) == 0, "%.80s", r.body);
    cr_assert_not_null(strstr(it_header(&r, "Content-Type", ct, sizeof(ct)), "text/csv"));
    it_response_free(&r);
    cr_assert_eq(it_get("/api/v1/stats/demand?municipality=GM0512&format=svg", NULL, &r), 0);
    cr_assert_eq(r.status, 200);
    cr_assert_not_null(strstr(it_header(&r, "Content-Type", ct, sizeof(ct)), "image/svg+xml"));
    cr_assert(strncmp(r.body, "<svg ", 5) == 0 && strstr(r.body, "Gevraagd / aanbod in Gorinchem") &&
                  strstr(r.body, "&lt;5"),
              "%.200s", r.body);
    it_response_free(&r);

    /* bad input: 400 naming the parameter, 404 for an unknown municipality */
    j = it_call(400, "GET", "/api/v1/stats/demand", NULL, NULL);
    cr_assert_str_eq(it_js(j, "errors.0.field"), "municipality");
    j = it_call(400, "GET", "/api/v1/stats/demand?municipality=GM0512&from=2026-02-30", NULL, NULL);
    cr_assert_str_eq(it_js(j, "errors.0.field"), "from");
    j = it_call(400, "GET", "/api/v1/stats/demand?municipality=GM0512&from=2025-01-01&to=2026-06-01", NULL, NULL);
    cr_assert_str_eq(it_js(j, "errors.0.field"), "to");
    j = it_call(400, "GET", "/api/v1/stats/demand?municipality=GM0512&from=2026-06-01&to=2026-05-01", NULL, NULL);
    cr_assert_str_eq(it_js(j, "errors.0.field"), "to");
    j = it_call(400, "GET", "/api/v1/stats/demand?municipality=GM0512&format=xml", NULL, NULL);
    cr_assert_str_eq(it_js(j, "errors.0.field"), "format");
    it_call(404, "GET", "/api/v1/stats/demand?municipality=GM9999", NULL, NULL);
    it_sql1(NULL, 0, "DELETE FROM demand_searches WHERE theme = 'demandtest'", 0, NULL);
    it_sql1(NULL, 0, "DELETE FROM themes WHERE code = 'demandtest'", 0, NULL);
}

Test(demand, the_log_holds_no_search_words)
{
    char tag[16], path[256], log_path[300];
    FILE *f;
    char line[4096];
    const char *url = it_url(), *colon = strrchr(url, ':');

    letters_tag(tag, sizeof(tag));
    get_status(200, PATH(path, "/api/v1/search?municipality=GM0512&q=%s+hulp", tag), NULL);
    get_status(200, PATH(path, "/?municipality=GM0512&q=%s+koffie", tag), NULL);
    snprintf(log_path, sizeof(log_path), "%s/socialekaartd-%s.log",
             getenv("SK_TEST_LOG_DIR") ? getenv("SK_TEST_LOG_DIR") : "/tmp", colon + 1);
    f = fopen(log_path, "r");
    cr_assert_not_null(f, "%s", log_path);
    int searches = 0;
    while (fgets(line, sizeof(line), f)) {
        cr_assert_null(strstr(line, tag), "a log line with what was searched: %s", line);
        if ((strstr(line, "path=\"/api/v1/search\"") || strstr(line, "path=\"/api/v1/wishes\"") ||
             strstr(line, "path=\"/ik-mis-iets\"")) &&
            !strstr(line, "key=") && strstr(line, "status=\"200\"")) {
            cr_assert_null(strstr(line, "peer="), "a counted search or a wish names no address: %s", line);
            searches++;
        }
    }
    fclose(f);
    cr_assert_gt(searches, 0);
}
