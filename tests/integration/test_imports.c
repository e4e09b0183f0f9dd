/*
 * POST /api/v1/imports and GET /api/v1/imports/template.csv over HTTP: a CSV
 * and an HSDS file of a Gorinchem buurthuis (tests/import/fixtures), dry run,
 * apply, re-import, one change, bad rows, unmapped codes, scope and roles.
 * The CLI's own path (and the export round trip) is tests/import/run.sh.
 */
#include <criterion/criterion.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "it_hooks.h"

TestSuite(imports, .fini = it_release);

/* The fixture with every "lingehuis" made unique to this run (tag), as a malloc'd string. */
static char *fixture(const char *name, const char *tag)
{
    char path[512], *buf = calloc(1, 1 << 17), *out = calloc(1, 1 << 18), *p, *q;
    FILE *f;
    size_t n;
    snprintf(path, sizeof(path), "%s/tests/import/fixtures/%s", SK_SOURCE_DIR, name);
    f = fopen(path, "rb");
    cr_assert_not_null(f);
    n = fread(buf, 1, (1 << 17) - 1, f);
    fclose(f);
    buf[n] = '\0';
    for (p = buf, q = out; *p;) {
        if (strncmp(p, "lingehuis", 9) == 0) {
            q += sprintf(q, "%s-lingehuis", tag);
            p += 9;
        } else {
            *q++ = *p++;
        }
    }
    free(buf);
    return out;
}

static struct json_object *post(long want, const char *query, const char *key, const char *type, const char *body)
{
    char auth[128], ct[64], path[128];
    const char *hdrs[3] = { auth, ct, NULL };
    struct it_response r;
    struct json_object *j;
    snprintf(auth, sizeof(auth), "Authorization: Bearer %s", key);
    snprintf(ct, sizeof(ct), "Content-Type: %s", type);
    snprintf(path, sizeof(path), "/api/v1/imports%s", query);
    cr_assert_eq(it_request("POST", path, key ? hdrs : hdrs + 1, body, strlen(body), &r), 0);
    cr_assert_eq(r.status, want, "POST %s: %ld %s", path, r.status, r.body);
    j = it_keep(it_json(&r));
    it_response_free(&r);
    return j;
}

static long count(struct json_object *report, const char *what)
{
    char path[64];
    snprintf(path, sizeof(path), "summary.%s", what);
    return json_object_get_int64(it_jget(report, path));
}

Test(imports, template_is_public)
{
    struct it_response r;
    char ct[64];
    cr_assert_eq(it_get("/api/v1/imports/template.csv", NULL, &r), 0);
    cr_assert_eq(r.status, 200);
    cr_assert(strncmp(r.body, "kind,external_id,", 17) == 0, "%s", r.body);
    cr_assert(strstr(it_header(&r, "Content-Type", ct, sizeof(ct)), "text/csv"));
    it_response_free(&r);
}

Test(imports, csv_dry_run_apply_reimport_change)
{
    char org[37], key[80], tag[32], *csv, *changed, *at;
    struct json_object *rep, *row;
    it_tag(tag, sizeof(tag));
    it_make_org("Gemeente Gorinchem", org);
    it_make_key(org, "moderator", "GM0512", key);
    csv = fixture("buurthuis.csv", tag);

    rep = post(200, "", key, "text/csv", csv);
    cr_assert_eq(count(rep, "created"), 5, "%s", it_jtext(rep));
    cr_assert_eq(count(rep, "invalid"), 0, "%s", it_jtext(rep));
    cr_assert(!json_object_get_boolean(it_jget(rep, "summary.applied")));
    cr_assert(strstr(it_jtext(it_jget(rep, "summary.unmapped")), "Koffie drinken"), "unknown themes are listed");
    rep = post(200, "?apply=false", key, "text/csv", csv);
    cr_assert_eq(count(rep, "created"), 5, "a dry run writes nothing");

    rep = post(200, "?apply=true", key, "text/csv", csv);
    cr_assert_eq(count(rep, "created"), 5, "%s", it_jtext(rep));
    row = json_object_array_get_idx(it_jget(rep, "rows"), 2);
    {
        char path[96];
        struct json_object *e;
        snprintf(path, sizeof(path), "/api/v1/activities/%s", it_js(row, "id"));
        e = it_call(200, "GET", path, NULL, NULL);
        cr_assert_str_eq(it_js(e, "status"), "published", "a moderator's import publishes");
        cr_assert_str_eq(it_js(e, "title"), "Buurteettafel");
        cr_assert(it_jcontains(e, "themes", "voeding"), "labels are mapped: %s", it_jtext(e));
    }

    rep = post(200, "?apply=true", key, "text/csv", csv);
    cr_assert_eq(count(rep, "created"), 0, "no duplicates: %s", it_jtext(rep));
    cr_assert_eq(count(rep, "unchanged"), 5);

    changed = strdup(csv);
    at = strstr(changed, "Samen eten voor 5 euro.");
    cr_assert_not_null(at);
    memcpy(at, "Samen eten voor 6 euro.", 23);
    rep = post(200, "?apply=true", key, "text/csv", changed);
    cr_assert_eq(count(rep, "updated"), 1, "%s", it_jtext(rep));
    cr_assert_eq(count(rep, "unchanged"), 4);
    free(changed);
    free(csv);
}

Test(imports, hsds_bad_row_names_fields)
{
    char org[37], key[80], tag[32], *hsds;
    struct json_object *rep, *bad = NULL, *rows;
    it_tag(tag, sizeof(tag));
    it_make_org("Gemeente Gorinchem", org);
    it_make_key(org, "moderator", "GM0512", key);
    hsds = fixture("buurthuis-hsds.json", tag);
    /* the fixture's ids are fixed: make them this run's */
    for (char *p = hsds; (p = strstr(p, "0b3f5a2e")) != NULL; p += 8)
        memcpy(p, tag, strlen(tag) < 8 ? strlen(tag) : 8);
    rep = post(200, "?format=hsds&municipality=GM0512", key, "application/json", hsds);
    rows = it_jget(rep, "rows");
    for (size_t i = 0; i < json_object_array_length(rows); i++)
        if (strcmp(it_js(json_object_array_get_idx(rows, i), "action"), "invalid") == 0)
            bad = json_object_array_get_idx(rows, i);
    cr_assert_not_null(bad, "%s", it_jtext(rep));
    cr_assert(it_names_field(bad, "title"), "%s", it_jtext(bad));
    cr_assert_eq(json_object_get_int(it_jget(bad, "row")), 3);
    cr_assert_eq(count(rep, "created"), 3, "%s", it_jtext(rep));
    rep = post(200, "?format=hsds&municipality=GM0512&apply=true", key, "application/json", hsds);
    cr_assert(!json_object_get_boolean(it_jget(rep, "summary.applied")), "one bad row: nothing is written");
    rep = post(200, "?format=hsds&municipality=GM0512", key, "application/json", hsds);
    cr_assert_eq(count(rep, "created"), 3, "still nothing there: %s", it_jtext(rep));
    cr_assert(strstr(it_jtext(it_jget(rep, "summary.unmapped")), "Inburgering"), "%s", it_jtext(rep));
    free(hsds);
}

Test(imports, scope_and_roles)
{
    char org[37], partner[80], other[80], tag[32], *csv;
    struct json_object *rep;
    it_tag(tag, sizeof(tag));
    it_make_org("Stichting Buurthuis", org);
    it_make_key(org, "partner", NULL, partner);
    it_make_key(org, "moderator", "GM0668", other);
    csv = fixture("buurthuis.csv", tag);
    post(401, "", NULL, "text/csv", csv);
    post(403, "", partner, "text/csv", csv);
    rep = post(200, "?apply=true", other, "text/csv", csv);
    cr_assert_eq(count(rep, "invalid"), 5, "another municipality's moderator is refused: %s", it_jtext(rep));
    cr_assert_eq(count(rep, "created"), 0);
    free(csv);
}

Test(imports, bounds)
{
    char org[37], key[80];
    size_t n = 5002, cap = 32 * n + 64;
    char *big = malloc(cap), *p = big;
    it_make_org("Gemeente Gorinchem", org);
    it_make_key(org, "moderator", "GM0512", key);
    p += sprintf(p, "kind,title\n");
    for (size_t i = 0; i < n; i++)
        p += sprintf(p, "place,Huis %zu\n", i);
    post(413, "", key, "text/csv", big);
    post(400, "", key, "text/csv", "kind,titel\nplace,Huis\n");
    post(400, "?apply=maybe", key, "text/csv", "kind\nplace\n");
    post(415, "", key, "text/plain", "kind\nplace\n");
    free(big);
}
