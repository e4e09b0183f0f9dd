/*
 * test_security.c — issue 12's fixes, each tried as the attack it answers:
 * the occurrence window that kept PostgreSQL busy, an 'area_only' address
 * read with another organisation's key, the audit log read across
 * municipalities, trust given in one municipality used in another, per-client
 * limits behind a proxy (IPv6 by /64), feed links from the Host header, a
 * moderator key without a municipality, text PostgreSQL refuses, and the
 * webhook allowance of one municipality. The matrix (test_authz.c) proves
 * the boundaries of every route; this suite proves the rest.
 *
 * The daemon believes X-Forwarded-For from 127.0.0.1 (the default proxy
 * list) and limits each client to 5 requests per second (burst 5).
 */
#include <criterion/criterion.h>
#include <json-c/json.h>
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cfg.h"
#include "it.h"

#define IT_DAEMON_ENV                                                                                                  \
    {                                                                                                                  \
        "SK_TRUST_PROXY=true", "SK_RATE_LIMIT_RPS=5", "SK_RATE_LIMIT_BURST=5", "SK_EXPENSIVE_RATE_LIMIT_RPS=1",        \
            "SK_EXPENSIVE_RATE_LIMIT_BURST=2", "SK_PUBLIC_URL=https://kaart.example.nl",                               \
            "SK_WEBHOOKS_ALLOW_PRIVATE=1", NULL                                                                        \
    }
#include "it_hooks.h"

TestSuite(security, .fini = it_release);

static int client_n;

/* Each call is another resident unless the test says otherwise (the limits are per client). */
static const char *next_client(char *buf, size_t cap)
{
    snprintf(buf, cap, "X-Forwarded-For: 192.0.2.%d, 10.9.%d.%d", 1 + client_n % 250, (client_n / 250) % 250,
             1 + client_n % 200);
    client_n++;
    return buf;
}

static struct json_object *call(long want, const char *method, const char *path, const char *key, const char *body)
{
    char xff[96];
    const char *h[] = { next_client(xff, sizeof(xff)), NULL };
    return it_call_h(want, method, path, key, body, h, NULL);
}

struct actors {
    char org_a[40], org_b[40], pa[128], pb[128], m512[128], m668[128], adm[128];
};

static void actors(struct actors *a)
{
    char mod_org[40], body[256], tag[48];
    struct json_object *j;
    it_make_org("Beveiligingstoets: gemeenten", mod_org);
    it_make_key(mod_org, "moderator", "GM0512", a->m512);
    it_make_key(mod_org, "moderator", "GM0668", a->m668);
    it_make_key(mod_org, "admin", NULL, a->adm);
    it_tag(tag, sizeof(tag));
    snprintf(body, sizeof(body), "{\"name\":\"Buurthuis A (%s)\"}", tag);
    j = call(201, "POST", "/api/v1/organisations", a->m512, body);
    cr_assert_str_eq(it_js(j, "municipality"), "GM0512", "a moderator of one municipality makes its organisations: %s",
                     it_jtext(j));
    snprintf(a->org_a, sizeof(a->org_a), "%s", it_js(j, "id"));
    snprintf(body, sizeof(body), "{\"name\":\"Buurthuis B (%s)\"}", tag);
    j = call(201, "POST", "/api/v1/organisations", a->m668, body);
    snprintf(a->org_b, sizeof(a->org_b), "%s", it_js(j, "id"));
    it_make_key(a->org_a, "partner", NULL, a->pa);
    it_make_key(a->org_b, "partner", NULL, a->pb);
}

static PGconn *db(void)
{
    return it_db_connect();
}

/* ------------------------------------------------------------------ */

/* The confirmed attack: far windows on a COUNT rule cost PostgreSQL seconds. */
Test(security, occurrence_windows_are_bounded)
{
    struct actors a;
    char body[512], path[256], id[40];
    struct json_object *j;
    char near[64], first[11], from[11], to[11];
    const char *windows[] = { "from=2099-01-01&to=2099-12-31", near, "from=2100-01-01&to=2100-12-31T23:59" };

    /* ten days from a few days ahead, inside a year's window from today: relative dates, so the
     * COUNT rule never ends before the test runs (an ended activity is no longer public) */
    it_day(first, 5);
    it_day(from, 0);
    it_day(to, 365);
    snprintf(near, sizeof(near), "from=%s&to=%s", from, to);
    actors(&a);
    snprintf(body, sizeof(body),
             "{\"organisation_id\":\"%s\",\"title\":\"Tien keer koffie\",\"municipality\":\"GM0512\",\"online\":true,"
             "\"schedule\":{\"start\":\"%sT10:00\",\"end\":\"%sT11:00\",\"rrule\":\"FREQ=DAILY;COUNT=10\"}}",
             a.org_a, first, first);
    j = call(201, "POST", "/api/v1/activities", a.m512, body);
    snprintf(id, sizeof(id), "%s", it_js(j, "id"));

    /* the window of the report: years no schedule reaches are refused at once, naming the rule */
    snprintf(path, sizeof(path), "/api/v1/activities/%s/occurrences?from=9998-01-01&to=9998-12-31", id);
    {
        double t0 = it_now_ms();
        j = call(400, "GET", path, NULL, NULL);
        cr_assert_lt(it_now_ms() - t0, 50.0 * it_time_factor(), "refusing took %.0f ms", it_now_ms() - t0);
        cr_assert(it_names_field(j, "from") && it_names_field(j, "to"), "%s", it_jtext(j));
        cr_assert(strstr(it_jtext(j), "2100") != NULL, "the rule names the years: %s", it_jtext(j));
    }
    /* windows within the years, far after the tenth occurrence: empty, and fast */
    for (size_t i = 0; i < sizeof(windows) / sizeof(windows[0]); i++) {
        double t0;
        snprintf(path, sizeof(path), "/api/v1/activities/%s/occurrences?%s", id, windows[i]);
        t0 = it_now_ms();
        j = call(200, "GET", path, NULL, NULL);
        cr_assert_lt(it_now_ms() - t0, 50.0 * it_time_factor(), "%s took %.0f ms", windows[i], it_now_ms() - t0);
        if (i != 1)
            cr_assert_eq(it_jlen(j, "items"), 0, "%s", it_jtext(j));
        else
            cr_assert_eq(it_jlen(j, "items"), 10, "COUNT=10 gives ten: %s", it_jtext(j));
    }
    /* the search's window is bounded the same way */
    j = call(400, "GET", "/api/v1/search?from=9998-01-01&to=9998-12-31", NULL, NULL);
    cr_assert(it_names_field(j, "from"), "%s", it_jtext(j));
}

/* An 'area_only' address is for the owner and the moderators of its municipality only. */
Test(security, area_only_address_stays_private)
{
    struct actors a;
    char body[1024], path[128], search[256], tag[48], digits[48];
    struct json_object *j;

    actors(&a);
    it_tag(digits, sizeof(digits));
    /* a word of letters only, so the search finds exactly this entry */
    for (size_t i = 0; digits[i] && i + 1 < sizeof(tag); i++)
        tag[i] = (char)('a' + (digits[i] >= '0' && digits[i] <= '9' ? digits[i] - '0' : 10));
    tag[strlen(digits) < sizeof(tag) ? strlen(digits) : sizeof(tag) - 1] = '\0';
    snprintf(body, sizeof(body),
             "{\"organisation_id\":\"%s\",\"title\":\"Lotgenotengroep thuis %s\",\"municipality\":\"GM0512\","
             "\"address\":{\"street\":\"Geheimstraat\",\"house_number\":\"7\",\"postcode\":\"4205 "
             "AB\",\"city\":\"Gorinchem\"},"
             "\"location\":{\"lat\":51.8395,\"lon\":4.9655},\"address_visibility\":\"area_only\","
             "\"schedule\":{\"start\":\"2027-01-05T19:00\",\"end\":\"2027-01-05T21:00\",\"rrule\":\"FREQ=WEEKLY;BYDAY="
             "TU\"}}",
             a.org_a, tag);
    j = call(201, "POST", "/api/v1/activities", a.m512, body);
    snprintf(path, sizeof(path), "/api/v1/activities/%s", it_js(j, "id"));
    snprintf(search, sizeof(search), "/api/v1/search?q=%s&kind=activities", tag);

    for (int who = 0; who < 4; who++) {
        const char *key = who == 0 ? NULL : who == 1 ? a.pb : who == 2 ? a.m668 : a.pa;
        bool sees = who == 3;
        j = call(200, "GET", path, key, NULL);
        cr_assert_eq(it_jget(j, "address") != NULL && strstr(it_jtext(j), "Geheimstraat") != NULL, sees,
                     "caller %d %s the address: %s", who, sees ? "must see" : "must not see", it_jtext(j));
        cr_assert_eq(strstr(it_jtext(j), "51.8395") != NULL, sees, "caller %d and the location: %s", who, it_jtext(j));
    }
    j = call(200, "GET", path, a.m512, NULL);
    cr_assert(strstr(it_jtext(j), "Geheimstraat") != NULL, "the moderator of Gorinchem sees it: %s", it_jtext(j));
    /* not through the search or a list either */
    j = call(200, "GET", search, a.pb, NULL);
    cr_assert_eq(it_jlen(j, "items"), 1, "%s", it_jtext(j));
    cr_assert_null(strstr(it_jtext(j), "Geheimstraat"), "another partner's search: %s", it_jtext(j));
    j = call(200, "GET", "/api/v1/activities?limit=100", a.pb, NULL);
    cr_assert_null(strstr(it_jtext(j), "Geheimstraat"), "another partner's list: %s", it_jtext(j));
}

/* A moderator reads the audit log of its municipalities only. */
Test(security, audit_log_is_read_within_scope)
{
    struct actors a;
    char body[512], path[160], id512[40], id668[40];
    struct json_object *j;

    actors(&a);
    snprintf(body, sizeof(body),
             "{\"organisation_id\":\"%s\",\"title\":\"Auditplek\",\"municipality\":\"GM0512\","
             "\"skills\":[\"koken\"]}",
             a.org_a);
    j = call(201, "POST", "/api/v1/vacancies", a.m512, body);
    snprintf(id512, sizeof(id512), "%s", it_js(j, "id"));
    snprintf(body, sizeof(body),
             "{\"organisation_id\":\"%s\",\"title\":\"Auditplek\",\"municipality\":\"GM0668\","
             "\"skills\":[\"koken\"]}",
             a.org_b);
    j = call(201, "POST", "/api/v1/vacancies", a.m668, body);
    snprintf(id668, sizeof(id668), "%s", it_js(j, "id"));

    snprintf(path, sizeof(path), "/api/v1/audit?entry=%s", id512);
    cr_assert_eq(it_jlen(call(200, "GET", path, a.m512, NULL), "items"), 1);
    cr_assert_eq(it_jlen(call(200, "GET", path, a.m668, NULL), "items"), 0, "another municipality's history");
    cr_assert_eq(it_jlen(call(200, "GET", path, a.adm, NULL), "items"), 1);
    /* the unfiltered log: only GM0668 entries for its moderator */
    j = call(200, "GET", "/api/v1/audit?limit=100", a.m668, NULL);
    for (size_t i = 0; i < it_jlen(j, "items"); i++) {
        struct json_object *it = json_object_array_get_idx(it_jget(j, "items"), i);
        if (strcmp(it_js(it, "entity"), "entry") == 0) {
            const char *m =
                it_js(it, "after.municipality")[0] ? it_js(it, "after.municipality") : it_js(it, "before.municipality");
            cr_assert(m[0] == '\0' || strcmp(m, "GM0668") == 0, "GM0668's moderator read: %s", it_jtext(it));
        }
    }
    (void)id668;
}

/* Trust given in Gorinchem publishes in Gorinchem only; a moderator trusts for its own municipality. */
Test(security, trust_is_per_municipality)
{
    struct actors a;
    char path[160], body[512];
    struct json_object *j;

    actors(&a);
    snprintf(path, sizeof(path), "/api/v1/organisations/%s", a.org_a);
    j = call(200, "PATCH", path, a.m512, "{\"trusted\":true}");
    cr_assert_str_eq(it_jtext(it_jget(j, "trusted_in")), "[\"GM0512\"]", "%s", it_jtext(j));
    /* the other municipality's moderator cannot grant or withdraw Gorinchem's trust */
    call(403, "PATCH", path, a.m668, "{\"trusted_in\":[]}");
    call(403, "PATCH", path, a.m668, "{\"trusted_in\":[\"GM0668\"]}");
    j = call(200, "GET", path, NULL, NULL);
    cr_assert_str_eq(it_jtext(it_jget(j, "trusted_in")), "[\"GM0512\"]", "refusals changed nothing: %s", it_jtext(j));
    /* ... nor change the details of an organisation of Gorinchem, nor move its home away */
    call(403, "PATCH", path, a.m668, "{\"name\":\"Overgenomen\"}");
    call(403, "PATCH", path, a.m668, "{\"municipality\":\"GM0668\"}");
    cr_assert_str_eq(it_js(call(200, "GET", path, NULL, NULL), "municipality"), "GM0512", "its home stays");

    snprintf(body, sizeof(body),
             "{\"title\":\"Direct gepubliceerd\",\"municipality\":\"GM0512\",\"skills\":[\"koken\"]}");
    j = call(201, "POST", "/api/v1/vacancies", a.pa, body);
    cr_assert_str_eq(it_js(j, "status"), "published", "trusted in GM0512: %s", it_jtext(j));
    snprintf(body, sizeof(body), "{\"title\":\"Eerst beoordelen\",\"municipality\":\"GM0668\",\"skills\":[\"koken\"]}");
    j = call(201, "POST", "/api/v1/vacancies", a.pa, body);
    cr_assert_str_eq(it_js(j, "status"), "pending", "not trusted in GM0668: %s", it_jtext(j));
    /* West Maas en Waal's moderator may trust it there */
    j = call(200, "PATCH", path, a.m668, "{\"trusted\":true}");
    cr_assert_str_eq(it_jtext(it_jget(j, "trusted_in")), "[\"GM0512\",\"GM0668\"]", "%s", it_jtext(j));
}

/* Areas, boundaries and exception sets belong to their municipality; national vocabularies to admins. */
Test(security, catalogue_boundaries)
{
    struct actors a;
    char tag[48], code[96], path[160], body[256];
    struct json_object *j;

    actors(&a);
    call(403, "PUT", "/api/v1/areas/GM0512-lingewijk/boundary", a.m668,
         "{\"type\":\"Polygon\",\"coordinates\":[[[4.96,51.83],[4.97,51.83],[4.97,51.84],[4.96,51.83]]]}");
    call(403, "DELETE", "/api/v1/areas/GM0512-lingewijk", a.m668, NULL);
    call(403, "PUT", "/api/v1/areas/GM0512-lingewijk", a.m668,
         "{\"name\":\"Lingewijk\",\"kind\":\"wijk\",\"municipality\":\"GM0512\"}");
    j = call(200, "GET", "/api/v1/areas/GM0512-lingewijk", NULL, NULL);
    cr_assert(!json_object_get_boolean(it_jget(j, "retired")) && strcmp(it_js(j, "name"), "Lingewijk") == 0, "%s",
              it_jtext(j));
    call(403, "PUT", "/api/v1/themes/ontmoeten", a.m512, "{\"label_nl\":\"Gekaapt\"}");
    call(403, "DELETE", "/api/v1/audiences/ouderen", a.m512, NULL);
    call(403, "PUT", "/api/v1/exception-sets/nl-public-holidays", a.m512, "{\"label_nl\":\"Gekaapt\"}");

    it_tag(tag, sizeof(tag));
    snprintf(code, sizeof(code), "vakantie-gorinchem-%s", tag);
    snprintf(path, sizeof(path), "/api/v1/exception-sets/%s", code);
    call(201, "PUT", path, a.m512, "{\"label_nl\":\"Gorcumse feestweek\",\"municipality\":\"GM0512\"}");
    call(403, "PUT", path, a.m668, "{\"label_nl\":\"Van ons\",\"municipality\":\"GM0668\"}");
    call(403, "PUT", path, a.m512, "{\"label_nl\":\"Voor iedereen\"}"); /* making it national is for admins */
    call(403, "DELETE", path, a.m668, NULL);
    snprintf(body, sizeof(body), "/api/v1/exception-sets?include_retired=true");
    j = call(200, "GET", body, NULL, NULL);
    cr_assert(strstr(it_jtext(j), "Gorcumse feestweek") != NULL, "%s", it_jtext(j));
    call(204, "DELETE", path, a.m512, NULL);
}

/* Per-client limits key IPv4 addresses, IPv6 /64 prefixes, and believe only the configured proxy. */
Test(security, limits_behind_a_proxy_count_clients_and_ipv6_prefixes)
{
    struct it_response r;
    int limited_a = 0, limited_b = 0, limited_c = 0;
    /* two addresses of one /64, and one of another /64 */
    const char *a1[] = { "X-Forwarded-For: 2001:db8:77:1::1", NULL };
    const char *a2[] = { "X-Forwarded-For: 2001:db8:77:1:ffff:ffff:ffff:fffe", NULL };
    const char *b[] = { "X-Forwarded-For: 2001:db8:77:2::1", NULL };
    char url[256];

    snprintf(url, sizeof(url), "%s/api/v1/themes", it_url());
    for (int i = 0; i < 10; i++) {
        cr_assert_eq(it_request("GET", url, i % 2 ? a1 : a2, NULL, 0, &r), 0);
        limited_a += r.status == 429;
        it_response_free(&r);
    }
    cr_assert_geq(limited_a, 4, "one household (/64) shares one budget of 5 a second: %d of 10 limited", limited_a);
    for (int i = 0; i < 4; i++) {
        cr_assert_eq(it_request("GET", url, b, NULL, 0, &r), 0);
        limited_b += r.status == 429;
        it_response_free(&r);
    }
    cr_assert_eq(limited_b, 0, "another /64 has its own budget");
    /* a forged hop in front of the proxy's own entry does not help: the proxy's address is believed */
    for (int i = 0; i < 4; i++) {
        const char *c[] = { "X-Forwarded-For: 198.51.100.99, 2001:db8:77:1::5", NULL };
        cr_assert_eq(it_request("GET", url, c, NULL, 0, &r), 0);
        limited_c += r.status == 429;
        it_response_free(&r);
    }
    cr_assert_geq(limited_c, 3, "the forged first hop was believed: %d of 4 limited", limited_c);
}

/* Costly anonymous reads that are not cached have their own, lower rate. */
Test(security, costly_reads_have_their_own_rate)
{
    struct it_response r;
    char path[128];
    int limited = 0;
    const char *h[] = { "X-Forwarded-For: 203.0.113.77", NULL };
    for (int i = 0; i < 6; i++) {
        snprintf(path, sizeof(path), "%s/api/v1/activities.ics?audience=%s", it_url(),
                 (const char *[]){ "ouderen", "iedereen", "jongeren", "kinderen", "ouders", "volwassenen" }[i]);
        cr_assert_eq(it_request("GET", path, h, NULL, 0, &r), 0);
        limited += r.status == 429;
        if (r.status == 429)
            cr_assert(strstr(r.headers, "Retry-After") || strstr(r.headers, "retry-after"), "%s", r.headers);
        it_response_free(&r);
    }
    cr_assert_geq(limited, 3, "6 different calendars at once from one client, burst 2: %d limited", limited);
}

/* Links and @ids carry the configured address, never the Host header a client sent. */
Test(security, feed_links_use_the_public_url)
{
    struct it_response r;
    char url[256];
    const char *h[] = { "Host: evil.example", "X-Forwarded-For: 203.0.113.5", NULL };
    snprintf(url, sizeof(url), "%s/feeds/places?limit=2", it_url());
    cr_assert_eq(it_request("GET", url, h, NULL, 0, &r), 0);
    cr_assert_eq(r.status, 200, "%s", r.body);
    cr_assert_null(strstr(r.body, "evil.example"), "%s", r.body);
    cr_assert(strstr(r.body, "\"next\":\"https://kaart.example.nl/feeds/places") != NULL, "%s", r.body);
    it_response_free(&r);
}

/* A moderator key must say where it acts: a list, or all municipalities explicitly. */
Test(security, moderator_keys_name_their_municipalities)
{
    char org[40], out[160], key[128];
    const char *none[] = { "key", "create", "--org", org, "--role", "moderator", NULL };
    const char *both[] = {
        "key", "create", "--org", org, "--role", "moderator", "--municipality", "GM0512", "--all-municipalities", NULL
    };
    const char *partner[] = { "key", "create", "--org", org, "--role", "partner", "--municipality", "GM0512", NULL };
    struct json_object *j;

    it_make_org("Sleuteltoets", org);
    cr_assert_neq(it_cli(out, sizeof(out), none), 0, "a moderator key without a scope was made: %s", out);
    cr_assert_neq(it_cli(out, sizeof(out), both), 0);
    cr_assert_neq(it_cli(out, sizeof(out), partner), 0);
    it_make_key(org, "moderator", "*", key);
    j = call(200, "GET", "/api/v1/me", key, NULL);
    cr_assert(json_object_get_boolean(it_jget(j, "all_municipalities")), "%s", it_jtext(j));
    cr_assert_eq(it_jlen(j, "municipalities"), 0, "%s", it_jtext(j));
    it_make_key(org, "moderator", "GM0668", key);
    j = call(200, "GET", "/api/v1/me", key, NULL);
    cr_assert(!json_object_get_boolean(it_jget(j, "all_municipalities")), "%s", it_jtext(j));
    cr_assert_str_eq(it_js(j, "municipalities.0"), "GM0668");
}

/* Text PostgreSQL refuses is the caller's 400 naming the member, on every kind of body; never a 500. */
Test(security, text_postgresql_refuses_is_a_400)
{
    struct actors a;
    char path[160], body[512], tag[48];
    struct json_object *j;
    struct {
        const char *method, *path, *fmt, *field;
        int who; /* 0 anon, 1 partner, 2 moderator, 3 admin */
    } cases[] = {
        { "POST", "/api/v1/places", "{\"title\":\"a%sb\",\"municipality\":\"GM0512\"}", "title", 1 },
        { "POST", "/api/v1/organisations", "{\"name\":\"x%s\"}", "name", 2 },
        { "PUT", "/api/v1/themes/lone-surrogate-test", "{\"label_nl\":\"x%s\"}", "label_nl", 3 },
        { "POST", "/api/v1/webhooks", "{\"url\":\"http://127.0.0.1:9/x\",\"secret\":\"0123456789abcdef%s\"}", "secret",
          2 },
        { "PUT", "/api/v1/areas/GM0512-lingewijk", "{\"name\":\"x%s\"}", "name", 2 },
        { "POST", "/api/v1/moderation/00000000-0000-4000-8000-000000000000/reject", "{\"reason\":\"%s\"}", "reason",
          2 },
    };
    const char *bad[] = { "\\u0000", "\\ud800", "\\udfff", "\\ud800\\u0041" };

    actors(&a);
    for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
        const char *key = cases[c].who == 1 ? a.pa : cases[c].who == 2 ? a.m512 : cases[c].who == 3 ? a.adm : NULL;
        for (size_t b = 0; b < sizeof(bad) / sizeof(bad[0]); b++) {
            /* the case's body with the escape put where its %s is */
            const char *at = strstr(cases[c].fmt, "%s");
            snprintf(body, sizeof(body), "%.*s%s%s", (int)(at - cases[c].fmt), cases[c].fmt, bad[b], at + 2);
            j = call(400, cases[c].method, cases[c].path, key, body);
            cr_assert(it_names_field(j, cases[c].field), "%s %s %s: %s", cases[c].method, cases[c].path, body,
                      it_jtext(j));
        }
    }
    /* a report from anyone: same, and never more than the small body allowance */
    it_tag(tag, sizeof(tag));
    snprintf(body, sizeof(body),
             "{\"organisation_id\":\"%s\",\"title\":\"Meldplek %s\",\"municipality\":\"GM0512\","
             "\"skills\":[\"koken\"]}",
             a.org_a, tag);
    j = call(201, "POST", "/api/v1/vacancies", a.m512, body);
    snprintf(path, sizeof(path), "/api/v1/vacancies/%s/reports", it_js(j, "id"));
    j = call(400, "POST", path, NULL, "{\"reason\":\"other\",\"message\":\"\\u0000\"}");
    cr_assert(it_names_field(j, "message"), "%s", it_jtext(j));
    /* a header that reaches SQL */
    {
        const char *h[] = { "Idempotency-Key: sleutel\x01", NULL };
        j = it_call_h(400, "POST", "/api/v1/vacancies", a.pa,
                      "{\"title\":\"x\",\"municipality\":\"GM0512\",\"skills\":[]}", h, NULL);
        cr_assert(it_names_field(j, "Idempotency-Key"), "%s", it_jtext(j));
    }
}

/* Each municipality has its own webhook allowance (50): Gorinchem's full does not stop West Maas en Waal. */
Test(security, webhook_allowance_is_per_municipality, .timeout = 120)
{
    struct actors a;
    char body[256], tag[48];
    PGconn *pg = db();
    PGresult *r;

    actors(&a);
    it_tag(tag, sizeof(tag));
    /* fill Gorinchem up to its allowance directly, then ask for one more over HTTP */
    r = PQexec(pg, "INSERT INTO webhooks (url, secret, municipality) SELECT 'http://127.0.0.1:9/allowance', "
                   "'allowance-secret-0123', 'GM0512' FROM generate_series(1, 50 - (SELECT count(*) FROM webhooks "
                   "WHERE municipality = 'GM0512'))");
    cr_assert_eq(PQresultStatus(r), PGRES_COMMAND_OK, "%s", PQresultErrorMessage(r));
    PQclear(r);
    snprintf(body, sizeof(body), "{\"url\":\"http://127.0.0.1:9/allowance-%s\",\"secret\":\"0123456789abcdef\"}", tag);
    call(409, "POST", "/api/v1/webhooks", a.m512, body);
    call(201, "POST", "/api/v1/webhooks", a.m668, body);
    r = PQexec(pg, "DELETE FROM webhooks WHERE url LIKE 'http://127.0.0.1:9/allowance%'");
    PQclear(r);
    PQfinish(pg);
}

/* /ready says the database cannot be reached; where and why is in the log, not in the answer. */
Test(security, ready_does_not_show_connection_errors)
{
    struct it_daemon d;
    struct it_response r;
    char url[128];
    const char *env[] = { "SK_DATABASE_URL=host=127.0.0.1 port=1 dbname=nowhere user=nobody connect_timeout=1", NULL };
    cr_assert_eq(it_daemon_start_ex(&d, env, false), 0);
    snprintf(url, sizeof(url), "%s/ready", d.url);
    for (double until = it_deadline_ms(4000);;) {
        cr_assert_eq(it_request("GET", url, NULL, NULL, 0, &r), 0);
        if (r.status == 503 || it_now_ms() >= until)
            break;
        it_response_free(&r);
        usleep(100000);
    }
    cr_assert_eq(r.status, 503, "%s", r.body);
    cr_assert(strstr(r.body, "cannot be reached") != NULL, "%s", r.body);
    cr_assert_null(strstr(r.body, "127.0.0.1"), "the answer names the server: %s", r.body);
    cr_assert_null(strstr(r.body, "nobody"), "the answer names the user: %s", r.body);
    cr_assert_null(strstr(r.body, "port"), "%s", r.body);
    it_response_free(&r);
    it_daemon_stop(&d);
}
