/*
 * test_authz.c — the authorisation matrix (issue 12): every route and method
 * of server/routes.c, for every kind of caller and target, gets the status
 * tests/integration/authz_matrix.txt says, and a refused request changes
 * nothing in the database.
 *
 * The matrix is data: one row per (method, route, target, body) with the
 * expected status for each of nine callers. This file only makes the world
 * the rows talk about (organisations, keys, entries in every state, areas,
 * vocabulary terms, webhooks, reports), runs each cell over HTTP against the
 * real daemon, and compares. A success changes its target, so every cell
 * that expects 2xx from a write gets a fresh copy of its target (made with
 * SQL); a refusal runs on the shared one and must leave it as it was (its
 * row, and the audit log, are compared before and after).
 *
 * A route in the route table without a row in the matrix fails the test, so
 * the next route cannot forget its boundaries.
 *
 * Under valgrind (SK_TEST_DAEMON_WRAPPER set) every fifth cell runs; the
 * coverage check always runs in full.
 */
#include <criterion/criterion.h>
#include <json-c/json.h>
#include <libpq-fe.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cfg.h"
#include "it.h"

#define IT_DAEMON_ENV                                                                                                  \
    {                                                                                                                  \
        "SK_TRUST_PROXY=true", "SK_WEBHOOKS_ALLOW_PRIVATE=1", "SK_SECURITY_CONTACT=mailto:security@example.org",       \
            "SK_WISHES_PER_HOUR=1000", NULL                                                                            \
    }
#include "it_hooks.h"

#ifndef SK_SOURCE_DIR
#error "SK_SOURCE_DIR must be defined by the build"
#endif

TestSuite(authz, .fini = it_release);

enum {
    NCALLERS = 9,
    MAX_ROWS = 400,
    MAX_FAILS = 60
};
static const char *const caller_names[NCALLERS] = { "anon", "pa", "pb", "m512", "m668", "mall", "adm", "rev", "bad" };
static const char *const kinds[] = { "places", "activities", "vacancies", "carer-support", "services" };
#define NKINDS 5

/* ------------------------------------------------------------------ */
/* The database, for fixtures and for "nothing changed"                */

static PGconn *pg;

static void db_open(void)
{
    pg = it_db_connect();
}

/* One value of a query with text parameters (NULL-terminated); "" when none. Copied into out. */
static const char *sql1(char *out, size_t cap, const char *sql, ...)
{
    const char *params[8];
    int n = 0;
    va_list ap;
    PGresult *r;
    va_start(ap, sql);
    while (n < 8 && (params[n] = va_arg(ap, const char *)) != NULL)
        n++;
    va_end(ap);
    r = PQexecParams(pg, sql, n, NULL, params, NULL, NULL, 0);
    cr_assert(PQresultStatus(r) == PGRES_TUPLES_OK || PQresultStatus(r) == PGRES_COMMAND_OK, "%s: %s", sql,
              PQresultErrorMessage(r));
    snprintf(out, cap, "%s", PQntuples(r) > 0 && PQnfields(r) > 0 ? PQgetvalue(r, 0, 0) : "");
    PQclear(r);
    return out;
}

static int counter;
static const char *unique(void)
{
    static char buf[32];
    snprintf(buf, sizeof(buf), "%ld%d%d", (long)time(NULL) % 1000000, (int)getpid() % 1000, ++counter);
    return buf;
}

/* ------------------------------------------------------------------ */
/* Callers                                                            */

struct world {
    char key[NCALLERS][128];
    char org_a[40], org_b[40], org_m[40];
    /* entry templates: [kind][target] ids */
    char entry[NKINDS][6][40];
    char es512[80], es668[80];
    char oa512[40], ob668[40];
    char wh512[40], wh668[40];
    char area512[80], area668[80];
};
static struct world W;

static const char *const entry_targets[6] = { "a512", "a512p", "a512h", "a512d", "b668", "b668p" };

static int entry_target(const char *t)
{
    for (int i = 0; i < 6; i++)
        if (strcmp(entry_targets[i], t) == 0)
            return i;
    return -1;
}

/* A minimal valid entry of a kind, for a municipality and an organisation. */
static void entry_body(char *out, size_t cap, int kind, const char *mun, const char *org, const char *title)
{
    const char *city = strcmp(mun, "GM0512") == 0 ? "Gorinchem" : "Beneden-Leeuwen";
    char orgm[80] = "";
    if (org)
        snprintf(orgm, sizeof(orgm), "\"organisation_id\":\"%s\",", org);
    switch (kind) {
    case 0:
        snprintf(out, cap,
                 "{%s\"title\":\"%s\",\"municipality\":\"%s\",\"address\":{\"street\":\"Kerkstraat\","
                 "\"house_number\":\"1\",\"postcode\":\"4201 AA\",\"city\":\"%s\"}}",
                 orgm, title, mun, city);
        break;
    case 1:
        snprintf(
            out, cap,
            "{%s\"title\":\"%s\",\"municipality\":\"%s\",\"online\":true,\"schedule\":{\"start\":\"2027-01-05T10:00\","
            "\"end\":\"2027-01-05T11:00\",\"rrule\":\"FREQ=WEEKLY;BYDAY=TU\"}}",
            orgm, title, mun);
        break;
    case 2:
        snprintf(out, cap, "{%s\"title\":\"%s\",\"municipality\":\"%s\",\"skills\":[\"koken\"]}", orgm, title, mun);
        break;
    case 3:
        snprintf(
            out, cap,
            "{%s\"title\":\"%s\",\"municipality\":\"%s\",\"support_kind\":\"advice\",\"for_whom\":[\"mantelzorgers\"]}",
            orgm, title, mun);
        break;
    default:
        snprintf(out, cap, "{%s\"title\":\"%s\",\"municipality\":\"%s\",\"channels\":[\"phone\"]}", orgm, title, mun);
    }
}

/* Create through the API and return the id (asserting the status). */
static void api_create(const char *key, int kind, const char *body, long want, char *id)
{
    char path[64];
    struct json_object *j;
    snprintf(path, sizeof(path), "/api/v1/%s", kinds[kind]);
    j = it_call(want, "POST", path, key, body);
    snprintf(id, 40, "%s", it_js(j, "id"));
}

static void make_templates(void)
{
    char body[1024], path[128], title[64];
    const char *adm = W.key[6];
    for (int k = 0; k < NKINDS; k++) {
        snprintf(title, sizeof(title), "Matrix %s", unique());
        entry_body(body, sizeof(body), k, "GM0512", W.org_a, title);
        api_create(adm, k, body, 201, W.entry[k][0]); /* a512: published (made by an admin) */
        entry_body(body, sizeof(body), k, "GM0512", NULL, title);
        api_create(W.key[1], k, body, 201, W.entry[k][1]); /* a512p: partner A, untrusted: pending */
        entry_body(body, sizeof(body), k, "GM0512", W.org_a, title);
        api_create(adm, k, body, 201, W.entry[k][2]); /* a512h: hidden by a moderator */
        snprintf(path, sizeof(path), "/api/v1/moderation/%s/hide", W.entry[k][2]);
        it_call(200, "POST", path, adm, "{\"reason\":\"Matrix: verborgen\"}");
        api_create(adm, k, body, 201, W.entry[k][3]); /* a512d: deleted */
        snprintf(path, sizeof(path), "/api/v1/%s/%s", kinds[k], W.entry[k][3]);
        it_call(204, "DELETE", path, adm, NULL);
        entry_body(body, sizeof(body), k, "GM0668", W.org_b, title);
        api_create(adm, k, body, 201, W.entry[k][4]); /* b668: published */
        entry_body(body, sizeof(body), k, "GM0668", NULL, title);
        api_create(W.key[2], k, body, 201, W.entry[k][5]); /* b668p: partner B: pending */
    }
}

/*
 * What the matrix made goes again (at the start too, after an aborted run), so that other suites
 * count Gorinchem's nine wijken, find their items on the first page of the moderation queue and
 * see the vocabularies they expect. Organisations and keys stay (entries and audit rows refer to
 * them; no suite counts them).
 */
static void matrix_cleanup(void)
{
    static const char *const sql[] = {
        "DELETE FROM webhooks WHERE url LIKE '%/matrix%'",
        "DELETE FROM organisation_trust t USING areas a WHERE a.code = t.municipality AND a.name = 'Matrixgemeente'",
        "DELETE FROM areas WHERE name = 'Matrixwijk'",
        "DELETE FROM areas a WHERE a.name = 'Matrixgemeente' AND NOT EXISTS "
        "(SELECT 1 FROM areas b WHERE b.municipality = a.code AND b.code <> a.code)",
        "DELETE FROM themes WHERE code LIKE 'matrix-%'",
        "DELETE FROM audiences WHERE code LIKE 'matrix-%'",
        "DELETE FROM accessibility_features WHERE code LIKE 'matrix-%'",
        "DELETE FROM support_kinds WHERE code LIKE 'matrix-%'",
        "DELETE FROM place_types WHERE code LIKE 'matrix-%'",
        "DELETE FROM exception_sets WHERE code LIKE 'matrix-%'",
        /* its entries (pending ones would crowd other suites' moderation queues) and what hangs on them */
        "DELETE FROM entries WHERE organisation_id IN (SELECT id FROM organisations WHERE name LIKE 'Matrix: %')",
        "DELETE FROM organisation_trust WHERE organisation_id IN (SELECT id FROM organisations WHERE name LIKE "
        "'Matrix: %')",
        "UPDATE entries SET campaigns = '{}' WHERE campaigns::text LIKE '%matrix-campagne-%'",
        "DELETE FROM campaigns WHERE code LIKE 'matrix-campagne-%'",
    };
    char tmp[16];
    for (size_t i = 0; i < sizeof(sql) / sizeof(sql[0]); i++)
        sql1(tmp, sizeof(tmp), sql[i], NULL);
}

static void make_world(void)
{
    db_open();
    matrix_cleanup(); /* leftovers of an aborted run would fill the webhook allowance and the area lists */
    it_make_org("Matrix: gemeenten", W.org_m);
    sql1(W.org_a, sizeof(W.org_a), "INSERT INTO organisations (name, municipality) VALUES ($1, 'GM0512') RETURNING id",
         "Matrix: organisatie A", NULL);
    sql1(W.org_b, sizeof(W.org_b), "INSERT INTO organisations (name, municipality) VALUES ($1, 'GM0668') RETURNING id",
         "Matrix: organisatie B", NULL);
    W.key[0][0] = '\0';
    it_make_key(W.org_a, "partner", NULL, W.key[1]);
    it_make_key(W.org_b, "partner", NULL, W.key[2]);
    it_make_key(W.org_m, "moderator", "GM0512", W.key[3]);
    it_make_key(W.org_m, "moderator", "GM0668", W.key[4]);
    it_make_key(W.org_m, "moderator", "*", W.key[5]);
    it_make_key(W.org_m, "admin", NULL, W.key[6]);
    it_make_key(W.org_a, "partner", NULL, W.key[7]);
    {
        const char *args[] = { "key", "revoke", W.key[7], NULL };
        char out[64];
        cr_assert_eq(it_cli(out, sizeof(out), args), 0, "revoking the key failed");
    }
    snprintf(W.key[8], sizeof(W.key[8]), "sk_not-a-key_%s", "0123456789abcdefghijklmnopqrstuvwxyzABCDEFG");
    make_templates();
}

/* ------------------------------------------------------------------ */
/* Targets                                                            */

/* What a cell is about, made or looked up for one request. */
struct target {
    char id[80];  /* substituted for {id} and {code} and {name} */
    char id2[80]; /* when set, substituted for {id} (or {month}) of a route that also has {code} */
    char mun[8];  /* its municipality, for bodies */
    char areakind[8];
    int entry_kind;  /* >= 0 for entries */
    char check[512]; /* SQL ($1 = id) whose value must not change when the request is refused */
};

/* A copy of an entry template with a new id (all triggers run). */
static void clone_entry(const char *tmpl, char *id)
{
    sql1(id, 40,
         "INSERT INTO entries SELECT (jsonb_populate_record(e, jsonb_build_object('id', gen_random_uuid(), "
         "'created_at', now(), 'updated_at', now()))).* FROM entries e WHERE e.id = $1 RETURNING id",
         tmpl, NULL);
    cr_assert(id[0], "cloning %s failed", tmpl);
}

static void vocab_table(const char *route, char *table, size_t cap)
{
    if (strstr(route, "/themes/"))
        snprintf(table, cap, "themes");
    else if (strstr(route, "/audiences/"))
        snprintf(table, cap, "audiences");
    else if (strstr(route, "/accessibility-features/"))
        snprintf(table, cap, "accessibility_features");
    else if (strstr(route, "/place-types/"))
        snprintf(table, cap, "place_types");
    else
        snprintf(table, cap, "support_kinds");
}

/* Fill t for target name on route (method), fresh when asked. */
static void target_make(const char *name, const char *route, const char *method, int kind, bool fresh, struct target *t)
{
    char tmp[256];
    memset(t, 0, sizeof(*t));
    t->entry_kind = -1;
    snprintf(t->mun, sizeof(t->mun), "%s", strstr(name, "668") ? "GM0668" : "GM0512");
    snprintf(t->areakind, sizeof(t->areakind), "%s", strstr(name, "668") ? "kern" : "wijk");
    if (strcmp(name, "-") == 0)
        return;
    if (entry_target(name) >= 0) {
        int k = kind >= 0 ? kind : 0; /* moderation routes talk about places */
        const char *tmpl = W.entry[k][entry_target(name)];
        t->entry_kind = k;
        if (fresh)
            clone_entry(tmpl, t->id);
        else
            snprintf(t->id, sizeof(t->id), "%s", tmpl);
        snprintf(t->check, sizeof(t->check),
                 "SELECT version || status || updated_at || coalesce((SELECT count(*) FROM entry_revisions r "
                 "WHERE r.entry_id = e.id), 0) || coalesce((SELECT count(*) FROM entry_reports x WHERE x.entry_id = "
                 "e.id), 0) "
                 "FROM entries e WHERE id = $1");
        return;
    }
    if (strcmp(name, "new512") == 0 || strcmp(name, "new668") == 0) {
        if (strstr(route, "/areas/")) {
            snprintf(t->id, sizeof(t->id), "%s-mx%s", t->mun, unique());
            snprintf(t->check, sizeof(t->check), "SELECT count(*) FROM areas WHERE code = $1");
        } else {
            snprintf(t->check, sizeof(t->check), "SELECT count(*) FROM entries");
        }
        return;
    }
    if (strcmp(name, "w512") == 0) {
        snprintf(t->id, sizeof(t->id), "GM0512-lingewijk");
        return;
    }
    if (strcmp(name, "area512") == 0 || strcmp(name, "area668") == 0) {
        snprintf(t->id, sizeof(t->id), "%s-mx%s", t->mun, unique());
        sql1(tmp, sizeof(tmp), "INSERT INTO areas (code, name, kind, municipality) VALUES ($1, 'Matrixwijk', $2, $3)",
             t->id, t->areakind, t->mun, NULL);
        snprintf(t->check, sizeof(t->check),
                 "SELECT name || coalesce(retired_at::text, '-') || (boundary IS NULL) FROM areas WHERE code = $1");
        return;
    }
    if (strcmp(name, "mun") == 0) {
        snprintf(t->id, sizeof(t->id), "GM0512");
        snprintf(t->check, sizeof(t->check),
                 "SELECT name || coalesce(retired_at::text, '-') FROM areas WHERE code = 'GM0512'");
        return;
    }
    if (strcmp(name, "munnew") == 0) {
        /* a municipality code this database does not use yet */
        sql1(t->id, sizeof(t->id),
             "SELECT 'GM' || lpad(c::text, 4, '0') FROM generate_series(9000, 9999) c "
             "WHERE NOT EXISTS (SELECT 1 FROM areas WHERE code = 'GM' || lpad(c::text, 4, '0')) "
             "ORDER BY random() LIMIT 1",
             NULL);
        if (strcmp(method, "DELETE") == 0)
            sql1(tmp, sizeof(tmp),
                 "INSERT INTO areas (code, name, kind, municipality) VALUES ($1, 'Matrixgemeente', 'municipality', $1)",
                 t->id, NULL);
        snprintf(t->check, sizeof(t->check),
                 "SELECT count(*) || max(coalesce(retired_at::text, '-')) FROM areas WHERE code = $1");
        return;
    }
    if (strcmp(name, "vocab") == 0) {
        char table[32];
        vocab_table(route, table, sizeof(table));
        snprintf(t->id, sizeof(t->id), "matrix-%s", unique());
        if (strcmp(method, "DELETE") == 0) {
            char sql[256];
            snprintf(sql, sizeof(sql), "INSERT INTO %s (code, label_nl%s) VALUES ($1, 'Matrix'%s)", table,
                     strcmp(table, "accessibility_features") == 0 ? ", allowed_values" : "",
                     strcmp(table, "accessibility_features") == 0 ? ", '{yes,no}'" : "");
            sql1(tmp, sizeof(tmp), sql, t->id, NULL);
        }
        snprintf(t->check, sizeof(t->check),
                 "SELECT count(*) || max(coalesce(retired_at::text, '-')) FROM %s WHERE code = $1", table);
        return;
    }
    if (strcmp(name, "es512") == 0 || strcmp(name, "es668") == 0 || strcmp(name, "esnat") == 0) {
        bool national = strcmp(name, "esnat") == 0;
        snprintf(t->id, sizeof(t->id), "matrix-set-%s", unique());
        if (!national || strcmp(method, "DELETE") == 0)
            sql1(tmp, sizeof(tmp),
                 "INSERT INTO exception_sets (code, label_nl, municipality) VALUES ($1, 'Matrixset', nullif($2, ''))",
                 t->id, national ? "" : t->mun, NULL);
        snprintf(t->check, sizeof(t->check),
                 "SELECT count(*) || max(coalesce(municipality, '-')) || max(label_nl) || "
                 "max(coalesce(retired_at::text, '-')) "
                 "FROM exception_sets WHERE code = $1");
        return;
    }
    if (strcmp(name, "oa512") == 0 || strcmp(name, "ob668") == 0) {
        sql1(t->id, sizeof(t->id), "INSERT INTO organisations (name, municipality) VALUES ($1, $2) RETURNING id",
             "Matrix: organisatie", t->mun, NULL);
        snprintf(t->check, sizeof(t->check),
                 "SELECT version || coalesce(description, '-') || (SELECT count(*) FROM organisation_trust WHERE "
                 "organisation_id = o.id) "
                 "FROM organisations o WHERE id = $1");
        return;
    }
    if (strcmp(name, "wh512") == 0 || strcmp(name, "wh668") == 0) {
        sql1(t->id, sizeof(t->id),
             "INSERT INTO webhooks (url, secret, municipality) VALUES ('http://127.0.0.1:9/matrix', "
             "'matrix-secret-0123456789', $1) "
             "RETURNING id",
             t->mun, NULL);
        snprintf(t->check, sizeof(t->check), "SELECT count(*) FROM webhooks WHERE id = $1");
        return;
    }
    if (strcmp(name, "orga") == 0) { /* organisation A itself: its partner's own responses (issue 15) */
        snprintf(t->id, sizeof(t->id), "%s", W.org_a);
        snprintf(t->check, sizeof(t->check),
                 "SELECT count(*) || coalesce(max(status), '-') FROM entry_responses WHERE organisation_id = $1");
        return;
    }
    if (strcmp(name, "in512") == 0 || strcmp(name, "in668") == 0) { /* a resident's initiative (issue 16) */
        sql1(t->id, sizeof(t->id),
             "INSERT INTO initiatives (name, description, municipality, contact_name, contact_email, "
             "erase_contact_on) VALUES ($1, 'Samen koffie drinken in de buurt.', $2, 'Matrix', 'matrix@example.org', "
             "current_date + 90) RETURNING id",
             "Matrix initiatief", t->mun, NULL);
        snprintf(t->check, sizeof(t->check),
                 "SELECT status || coalesce(organisation_id::text, '-') || (SELECT count(*) FROM organisations) "
                 "FROM initiatives WHERE id = $1");
        return;
    }
    if (strncmp(name, "cp", 2) == 0 || strncmp(name, "ce", 2) == 0) { /* campaigns (issue 16) */
        bool national = strcmp(name, "cpnat") == 0, fresh_code = strcmp(name, "cpnew") == 0;
        snprintf(t->id, sizeof(t->id), "matrix-campagne-%s", unique());
        if (!fresh_code)
            sql1(tmp, sizeof(tmp),
                 "INSERT INTO campaigns (code, municipality, name, starts_on, ends_on) VALUES ($1, nullif($2, ''), "
                 "'Matrixcampagne', current_date, current_date + 30) RETURNING code",
                 t->id, national ? "" : t->mun, NULL);
        snprintf(t->check, sizeof(t->check),
                 "SELECT count(*) || max(name) || max(ends_on::text) FROM campaigns WHERE code = $1");
        if (name[1] == 'e') { /* and a fresh published entry of that municipality to put in or take out */
            clone_entry(W.entry[0][entry_target(strstr(name, "668") ? "b668" : "a512")], t->id2);
            sql1(tmp, sizeof(tmp),
                 "UPDATE entries SET campaigns = ARRAY[$2::text] WHERE id = $1::uuid AND $3::text = 'out' RETURNING id",
                 t->id2, t->id, strcmp(method, "DELETE") == 0 ? "out" : "in", NULL);
            snprintf(t->check, sizeof(t->check),
                     "SELECT version || array_to_string(campaigns, ',') FROM entries WHERE id = '%s'", t->id2);
        }
        return;
    }
    if (strncmp(name, "mt", 2) == 0) { /* municipal themes (issue 16): mt512, mt668, mtnew512 */
        const char *m = strstr(name, "668") ? "GM0668" : "GM0512";
        snprintf(t->id, sizeof(t->id), "%s-matrix-%s", m, unique());
        if (strncmp(name, "mtnew", 5) != 0)
            sql1(tmp, sizeof(tmp),
                 "INSERT INTO municipal_themes (code, municipality, label_nl, themes) VALUES ($1, $2, 'Matrixthema', "
                 "ARRAY['leren']) RETURNING code",
                 t->id, m, NULL);
        snprintf(t->check, sizeof(t->check),
                 "SELECT count(*) || coalesce(max(label_nl), '-') || coalesce(max(array_to_string(themes, ',')), '-') "
                 "FROM municipal_themes WHERE code = $1");
        return;
    }
    if (strcmp(name, "paper512") == 0) { /* the wijk on paper (issue 16): Lingewijk, this month */
        snprintf(t->id, sizeof(t->id), "GM0512-lingewijk");
        sql1(t->id2, sizeof(t->id2), "SELECT to_char(now() AT TIME ZONE 'Europe/Amsterdam', 'YYYY-MM')", NULL);
        return;
    }
    if (strcmp(name, "r512") == 0 || strcmp(name, "r668") == 0) {
        sql1(t->id, sizeof(t->id), "INSERT INTO entry_reports (entry_id, reason) VALUES ($1, 'outdated') RETURNING id",
             W.entry[0][strcmp(name, "r512") == 0 ? 0 : 4], NULL);
        snprintf(t->check, sizeof(t->check), "SELECT status FROM entry_reports WHERE id = $1");
        return;
    }
    snprintf(t->id, sizeof(t->id), "%s", name); /* a literal, such as app.js */
}

/* ------------------------------------------------------------------ */
/* Bodies                                                             */

/* Replace each ${NAME} in tmpl (values as pairs, NULL-terminated) into out. */
static void fill(char *out, size_t cap, const char *tmpl, const char *const *vars)
{
    size_t o = 0;
    for (const char *p = tmpl; *p && o + 1 < cap;) {
        if (p[0] == '$' && p[1] == '{') {
            const char *end = strchr(p, '}');
            size_t n = end ? (size_t)(end - p - 2) : 0;
            for (size_t i = 0; end && vars[i]; i += 2) {
                if (strlen(vars[i]) == n && strncmp(vars[i], p + 2, n) == 0) {
                    o += (size_t)snprintf(out + o, cap - o, "%s", vars[i + 1]);
                    break;
                }
            }
            p = end ? end + 1 : p + 2;
            continue;
        }
        out[o++] = *p++;
    }
    out[o < cap ? o : cap - 1] = '\0';
}

/* A PUT body: the entry as an admin reads it, without what a client does not write. */
static void put_body(const struct target *t, char *out, size_t cap)
{
    static const char *const drop[] = { "id",         "kind",       "status",      "version",    "language",
                                        "created_at", "updated_at", "reviewed_at", "moderation", "pending_revision",
                                        NULL };
    char path[128];
    struct json_object *j;
    struct it_response r;
    snprintf(path, sizeof(path), "/api/v1/%s/%s", kinds[t->entry_kind], t->id);
    cr_assert_eq(it_get(path, W.key[6], &r), 0);
    j = r.status == 200 ? it_json(&r) : NULL;
    it_response_free(&r);
    if (j == NULL) { /* a deleted entry: any complete body will do */
        entry_body(out, cap, t->entry_kind, t->mun, NULL, "Matrix: vervangen");
        return;
    }
    for (size_t i = 0; drop[i]; i++)
        json_object_object_del(j, drop[i]);
    json_object_object_add(j, "summary", json_object_new_string("Matrix: vervangen"));
    snprintf(out, cap, "%s", json_object_to_json_string_ext(j, JSON_C_TO_STRING_PLAIN));
    json_object_put(j);
}

static void body_for(const char *name, const struct target *t, int caller, char *out, size_t cap)
{
    char big[9000], settings[32];
    const char *org = caller == 1 ? W.org_a : caller == 2 ? W.org_b : W.org_a;
    const char *vars[] = { "N", unique(), "MUN", t->mun,     "AREAKIND", t->areakind, "ORG",
                           org, "CODE",   t->id, "SETTINGS", settings,   NULL };
    sql1(settings, sizeof(settings), "SELECT report_hash_days FROM moderation_settings", NULL);
    out[0] = '\0';
    if (strcmp(name, "-") == 0)
        return;
    if (strcmp(name, "create") == 0) {
        char title[48];
        snprintf(title, sizeof(title), "Matrix %s", unique());
        entry_body(out, cap, t->entry_kind, t->mun, caller == 1 || caller == 2 ? NULL : org, title);
        return;
    }
    if (strcmp(name, "put") == 0) {
        put_body(t, out, cap);
        return;
    }
    if (strcmp(name, "bigreport") == 0) {
        memset(big, 'x', sizeof(big) - 1);
        big[sizeof(big) - 1] = '\0';
        snprintf(out, cap, "{\"reason\":\"other\",\"message\":\"%s\"}", big);
        return;
    }
    static const struct {
        const char *name, *tmpl;
    } bodies[] = {
        { "patch", "{\"summary\":\"Matrix ${N}\"}" },
        { "report", "{\"reason\":\"outdated\",\"message\":\"Matrix ${N}\"}" },
        { "reason", "{\"reason\":\"Matrix-controle ${N}\"}" },
        { "area", "{\"name\":\"Matrixwijk\",\"kind\":\"${AREAKIND}\",\"municipality\":\"${MUN}\"}" },
        { "munarea",
          "{\"name\":\"Gorinchem\",\"kind\":\"municipality\",\"location\":{\"lat\":51.8306,\"lon\":4.9742}}" },
        { "boundary", "{\"type\":\"Polygon\",\"coordinates\":[[[4.900,51.800],[4.901,51.800],[4.901,51.801],[4.900,51."
                      "801],[4.900,51.800]]]}" },
        { "term", "{\"label_nl\":\"Matrix ${N}\"}" },
        { "facet", "{\"label_nl\":\"Matrix ${N}\",\"values\":[\"yes\",\"no\"]}" },
        { "set512", "{\"label_nl\":\"Matrixvakantie\",\"municipality\":\"GM0512\"}" },
        { "set668", "{\"label_nl\":\"Matrixvakantie\",\"municipality\":\"GM0668\"}" },
        { "setnat", "{\"label_nl\":\"Matrixvakantie\"}" },
        { "org", "{\"name\":\"Matrix ${N}\"}" },
        { "orgdetail", "{\"description\":\"Matrix ${N}\"}" },
        { "trust512", "{\"trusted_in\":[\"GM0512\"]}" },
        { "trusted", "{\"trusted\":true}" },
        { "settings", "{\"report_hash_days\":${SETTINGS}}" },
        { "invite", "{\"organisation_id\":\"${CODE}\",\"contact_name\":\"Matrix ${N}\"}" },
        { "accept", "{\"token\":\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\"}" },
        { "keylabel", "{\"label\":\"Matrix ${N}\"}" },
        { "respond", "{\"name\":\"Matrix ${N}\",\"contact\":\"matrix@example.org\"}" },
        { "respseen", "{\"status\":\"seen\"}" },
        { "text", "{\"text\":\"Elke dinsdag drinken we samen koffie in het buurthuis.\"}" },
        { "initiative", "{\"name\":\"Matrix initiatief ${N}\",\"description\":\"Samen koffie drinken in de "
                        "buurt.\",\"municipality\":\"GM0512\",\"contact_name\":\"Matrix\",\"email\":"
                        "\"matrix@example.org\"}" },
        { "wish", "{\"municipality\":\"GM0512\",\"area\":\"GM0512-lingewijk\",\"text\":\"Matrix ${N}\"}" },
        { "camp512", "{\"name\":\"Matrixcampagne ${N}\",\"municipality\":\"GM0512\",\"starts_on\":\"2030-01-01\","
                     "\"ends_on\":\"2030-01-10\"}" },
        { "camp668", "{\"name\":\"Matrixcampagne ${N}\",\"municipality\":\"GM0668\",\"starts_on\":\"2030-01-01\","
                     "\"ends_on\":\"2030-01-10\"}" },
        { "campnat", "{\"name\":\"Matrixcampagne ${N}\",\"starts_on\":\"2030-01-01\",\"ends_on\":\"2030-01-10\"}" },
        { "mtheme", "{\"label_nl\":\"Matrix ${N}\",\"themes\":[\"leren\",\"ontmoeten\"]}" },
        { "hook512", "{\"url\":\"http://127.0.0.1:9/"
                     "matrix\",\"secret\":\"matrix-secret-0123456789\",\"municipality\":\"GM0512\"}" },
    };
    for (size_t i = 0; i < sizeof(bodies) / sizeof(bodies[0]); i++) {
        if (strcmp(bodies[i].name, name) == 0) {
            fill(out, cap, bodies[i].tmpl, vars);
            return;
        }
    }
    cr_assert_fail("authz_matrix.txt names an unknown body '%s'", name);
}

/* ------------------------------------------------------------------ */
/* The matrix                                                         */

struct row {
    int line;
    char method[8], route[160], target[16], body[16];
    int want[NCALLERS];
};

static struct row rows[MAX_ROWS];
static int nrows;

static void matrix_load(void)
{
    FILE *f = fopen(SK_SOURCE_DIR "/tests/integration/authz_matrix.txt", "r");
    char line[512];
    int lineno = 0;
    cr_assert_not_null(f, "cannot open authz_matrix.txt");
    while (fgets(line, sizeof(line), f)) {
        struct row *r = &rows[nrows];
        int n;
        lineno++;
        if (line[0] == '#' || strspn(line, " \t\r\n") == strlen(line))
            continue;
        cr_assert_lt(nrows, MAX_ROWS);
        n = sscanf(line, "%7s %159s %15s %15s %d %d %d %d %d %d %d %d %d", r->method, r->route, r->target, r->body,
                   &r->want[0], &r->want[1], &r->want[2], &r->want[3], &r->want[4], &r->want[5], &r->want[6],
                   &r->want[7], &r->want[8]);
        cr_assert_eq(n, 13, "authz_matrix.txt:%d: expected 13 columns, read %d", lineno, n);
        r->line = lineno;
        nrows++;
    }
    fclose(f);
}

/* The route of a row for one kind: {kind} filled, query string dropped. */
static void row_pattern(const struct row *r, const char *kind, char *out, size_t cap)
{
    const char *vars[] = { "kind", kind, NULL };
    char tmpl[200];
    size_t q = strcspn(r->route, "?");
    snprintf(tmpl, sizeof(tmpl), "%.*s", (int)q, r->route);
    /* {kind} is the only placeholder filled here; {id}, {code} and {name} stay as in routes.c */
    {
        char *k = strstr(tmpl, "{kind}");
        if (k)
            snprintf(out, cap, "%.*s%s%s", (int)(k - tmpl), tmpl, vars[1], k + 6);
        else
            snprintf(out, cap, "%s", tmpl);
    }
}

/* Every R("pattern", RM_X ...) of server/routes.c has at least one row. */
Test(authz, every_route_has_a_row)
{
    FILE *f = fopen(SK_SOURCE_DIR "/server/routes.c", "r");
    char line[512];
    int routes = 0, missing = 0;
    static const struct {
        const char *flag, *name;
    } methods[] = { { "RM_GET", "GET" },
                    { "RM_POST", "POST" },
                    { "RM_PUT", "PUT" },
                    { "RM_PATCH", "PATCH" },
                    { "RM_DELETE", "DELETE" } };

    matrix_load();
    cr_assert_not_null(f, "cannot open server/routes.c");
    while (fgets(line, sizeof(line), f)) {
        char *p = strstr(line, "R(\""), *end;
        char pattern[200];
        if (p == NULL)
            continue;
        p += 3;
        end = strchr(p, '"');
        cr_assert_not_null(end);
        snprintf(pattern, sizeof(pattern), "%.*s", (int)(end - p), p);
        for (size_t m = 0; m < sizeof(methods) / sizeof(methods[0]); m++) {
            bool found = false;
            if (strstr(end, methods[m].flag) == NULL)
                continue;
            routes++;
            for (int i = 0; i < nrows && !found; i++) {
                if (strcmp(rows[i].method, methods[m].name) != 0)
                    continue;
                for (int k = 0; k < NKINDS && !found; k++) {
                    char rp[200];
                    row_pattern(&rows[i], kinds[k], rp, sizeof(rp));
                    found = strcmp(rp, pattern) == 0;
                }
            }
            if (!found) {
                missing++;
                fprintf(stderr, "authz_matrix.txt has no row for %s %s\n", methods[m].name, pattern);
            }
        }
    }
    fclose(f);
    cr_assert_gt(routes, 90, "read only %d routes from server/routes.c", routes);
    cr_assert_eq(missing, 0, "%d routes of server/routes.c have no row in authz_matrix.txt (see above)", missing);
}

/* The path of one cell: {kind} and the target substituted. */
static void cell_path(const struct row *r, const char *kind, const struct target *t, char *out, size_t cap)
{
    const char *p = r->route;
    size_t o = 0;
    while (*p && o + 1 < cap) {
        if (*p == '{') {
            const char *end = strchr(p, '}');
            size_t n = (size_t)(end - p - 1);
            const char *v =
                strncmp(p + 1, "kind", n) == 0 && n == 4 ? kind
                : ((n == 2 && strncmp(p + 1, "id", 2) == 0) || (n == 5 && strncmp(p + 1, "month", 5) == 0)) && t->id2[0]
                    ? t->id2
                    : t->id;
            o += (size_t)snprintf(out + o, cap - o, "%s", v);
            p = end + 1;
            continue;
        }
        out[o++] = *p++;
    }
    out[o] = '\0';
}

static bool is_write(const char *method)
{
    return strcmp(method, "GET") != 0;
}

struct failure {
    char text[512];
};
static struct failure fails[MAX_FAILS];
static int nfails, ncells;

static void fail_cell(const struct row *r, const char *path, int caller, long want, long got, const char *why,
                      const char *body)
{
    if (nfails < MAX_FAILS)
        snprintf(fails[nfails].text, sizeof(fails[nfails].text), "line %d: %s %s as %s: %s %ld, expected %ld: %.200s",
                 r->line, r->method, path, caller_names[caller], why, got, want, body ? body : "");
    nfails++;
}

/* One request of one caller on one target; checks the status and, when refused, that nothing changed. */
static void run_cell(const struct row *r, int kind, int caller)
{
    long want = r->want[caller];
    bool fresh = is_write(r->method) && want >= 200 && want < 300;
    struct target t;
    char path[400], body[10000], before[512] = "", after[512] = "", audit0[32], audit1[32];
    char ifm[64], xff[64];
    const char *hdrs[4];
    int nh = 0;
    struct it_response resp;

    target_make(r->target, r->route, r->method, kind, fresh, &t);
    if (t.entry_kind < 0)
        t.entry_kind = kind >= 0 ? kind : 0;
    cell_path(r, kind >= 0 ? kinds[kind] : "", &t, path, sizeof(path));
    body_for(r->body, &t, caller, body, sizeof(body));
    if (entry_target(r->target) >= 0 &&
        (!strcmp(r->method, "PUT") || !strcmp(r->method, "PATCH") || !strcmp(r->method, "DELETE"))) {
        char v[16];
        sql1(v, sizeof(v), "SELECT version FROM entries WHERE id = $1", t.id, NULL);
        snprintf(ifm, sizeof(ifm), "If-Match: \"%s\"", v[0] ? v : "1");
        hdrs[nh++] = ifm;
    }
    /* every request is another resident (the per-client report limit) */
    snprintf(xff, sizeof(xff), "X-Forwarded-For: 10.%d.%d.%d", (ncells >> 16) & 255, (ncells >> 8) & 255, ncells & 255);
    hdrs[nh++] = xff;
    hdrs[nh] = NULL;
    if (t.check[0])
        sql1(before, sizeof(before), t.check, strstr(t.check, "$1") ? t.id : NULL, NULL);
    sql1(audit0, sizeof(audit0), "SELECT count(*) FROM audit_log", NULL);
    ncells++;
    if (it_send(r->method, path, caller > 0 ? W.key[caller] : NULL, body[0] ? body : NULL, hdrs, &resp) != 0) {
        fail_cell(r, path, caller, want, 0, "no answer", NULL);
        return;
    }
    if (resp.status != want)
        fail_cell(r, path, caller, want, resp.status, "got", resp.body);
    if (resp.status >= 400) {
        sql1(audit1, sizeof(audit1), "SELECT count(*) FROM audit_log", NULL);
        if (t.check[0])
            sql1(after, sizeof(after), t.check, strstr(t.check, "$1") ? t.id : NULL, NULL);
        if (strcmp(before, after) != 0)
            fail_cell(r, path, caller, want, resp.status, "refused, but its target changed; status", after);
        else if (strcmp(audit0, audit1) != 0)
            fail_cell(r, path, caller, want, resp.status, "refused, but the audit log grew; status", NULL);
    }
    it_response_free(&resp);
}

Test(authz, the_matrix, .timeout = 600)
{
    int sample = getenv("SK_TEST_DAEMON_WRAPPER") && *getenv("SK_TEST_DAEMON_WRAPPER") ? 5 : 1, cell = 0;

    matrix_load();
    make_world();
    for (int i = 0; i < nrows; i++) {
        const struct row *r = &rows[i];
        bool per_kind = strstr(r->route, "{kind}") != NULL;
        for (int k = per_kind ? 0 : -1; k < (per_kind ? NKINDS : 0); k++) {
            for (int c = 0; c < NCALLERS; c++) {
                if (cell++ % sample != 0)
                    continue;
                run_cell(r, per_kind ? k : (strstr(r->route, "/activities/{id}") ? 1 : -1), c);
            }
        }
    }
    for (int i = 0; i < nfails && i < MAX_FAILS; i++)
        fprintf(stderr, "%s\n", fails[i].text);
    fprintf(stderr, "authorisation matrix: %d rows, %d cells run (one in %d), %d failed\n", nrows, ncells, sample,
            nfails);
    matrix_cleanup();
    cr_assert_eq(nfails, 0, "%d of %d cells of the authorisation matrix failed (listed above)", nfails, ncells);
    PQfinish(pg);
}
