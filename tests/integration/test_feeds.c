/*
 * test_feeds.c — issue 7, "How it will be checked": open feeds of the
 * published data, over real HTTP against the real daemon and database.
 *
 *   rpde      a consumer mirrors each RPDE feed, then entries are created,
 *             edited, expired, deleted (and a pending one added); after a
 *             re-sync the mirror equals the published state read via the API.
 *             Ordering, afterTimestamp/afterId semantics, next, Cache-Control.
 *   ics       RFC 5545 structure (CRLF, folding, VTIMEZONE, UID, RRULE,
 *             EXDATE) and EXDATEs/dates equal to /occurrences.
 *   geojson   RFC 7946 FeatureCollection, [lon, lat] order, filters.
 *   hsds      HSDS 3.0 page shape and records.
 *
 * Each test makes its own moderator, trusted organisation (entries publish
 * at once) and untrusted one (entries stay pending), so tests do not depend
 * on each other or on earlier runs.
 */
#include <criterion/criterion.h>
#include <json-c/json.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "it.h"

#include "it_hooks.h"

/* ------------------------------------------------------------------ */
/* JSON kept until the end of the test (it_keep, freed by it_release)  */

TestSuite(rpde, .fini = it_release);
TestSuite(ics, .fini = it_release);
TestSuite(geojson, .fini = it_release);
TestSuite(hsds, .fini = it_release);

/* ------------------------------------------------------------------ */
/* HTTP and JSON helpers (it_call, it_js ... come from it.h)           */

static const char *header(const struct it_response *r, const char *name, char *buf, size_t cap)
{
    const char *v = it_header(r, name, buf, cap);
    return v ? v : "";
}

/* ------------------------------------------------------------------ */
/* Actors and entries                                                   */

struct world {
    char tag[64];
    char mod_org[40], mod[128];
    char org[40], key[128];     /* trusted: publishes at once */
    char org_u[40], key_u[128]; /* untrusted: entries stay pending */
};

static void make_org(const char *mod, const char *name, bool trusted, char *id)
{
    char body[512];
    struct json_object *j;
    snprintf(body, sizeof(body),
             "{\"name\":\"%s\",\"description\":\"Welzijnsorganisatie in Gorinchem.\","
             "\"website\":\"https://www.welzijn-feeds.example.org\",\"email\":\"info@welzijn-feeds.example.org\","
             "\"phone\":\"0183 123 456\",\"trusted\":%s}",
             name, trusted ? "true" : "false");
    j = it_call(201, "POST", "/api/v1/organisations", mod, body);
    cr_assert_eq(strlen(it_js(j, "id")), 36, "organisation: %s", it_jtext(j));
    strcpy(id, it_js(j, "id"));
}

/*
 * The weekly walk's days, relative to the day the test runs (no fixture
 * expires, and no check leans on the national holiday tables, which cover
 * one school year): it starts on a Tuesday a week or more ahead, has own
 * exdates two and five weeks later, and a day off from our own exception
 * set three weeks later.
 */
struct walk_days {
    char start[11], ex1[11], off[11], ex2[11];
    char set[40]; /* our exception set: "feeds-" + off (one per day, so runs on one day share it) */
};

static const struct walk_days *walk(void)
{
    static struct walk_days d;
    if (d.start[0] == '\0') {
        int t0 = it_day_on(d.start, 7, 2);
        it_day(d.ex1, t0 + 14);
        it_day(d.off, t0 + 21);
        it_day(d.ex2, t0 + 35);
        snprintf(d.set, sizeof(d.set), "feeds-%s", d.off);
    }
    return &d;
}

/* Our exception set holds the walk's day off; PUT is create-or-replace with the same body. */
static void own_days_off(const char *mod)
{
    char body[256], path[96];
    struct it_response r;
    struct json_object *sets = it_call(200, "GET", "/api/v1/exception-sets", NULL, NULL);

    /* made already (today, by an earlier test): a PUT would rewrite its dates and touch
     * every activity that uses it, in the feeds other tests are reading */
    for (size_t i = 0; i < it_jlen(sets, "items"); i++) {
        struct json_object *e = json_object_array_get_idx(it_jget(sets, "items"), i);
        if (strcmp(it_js(e, "code"), walk()->set) == 0 && strstr(it_jtext(it_jget(e, "dates")), walk()->off))
            return;
    }
    snprintf(body, sizeof(body),
             "{\"label_nl\":\"Feeds-test vrije "
             "dag\",\"municipality\":\"GM0512\",\"dates\":[{\"start\":\"%s\",\"end\":\"%s\",\"label\":\"Vrij\"}]}",
             walk()->off, walk()->off);
    snprintf(path, sizeof(path), "/api/v1/exception-sets/%s", walk()->set);
    cr_assert_eq(it_send("PUT", path, mod, body, NULL, &r), 0);
    /* 201 the first time today, 200 when another test (maybe running beside us) made it: both
     * leave the same set, and the ICS test checks its day among the EXDATEs */
    cr_assert(r.status == 201 || r.status == 200, "PUT %s: %ld %s", path, r.status, r.body);
    it_response_free(&r);
}

static void world(struct world *w)
{
    static int n;
    char name[160];
    snprintf(w->tag, sizeof(w->tag), "%ld-%d-%d", (long)time(NULL), (int)getpid(), ++n);
    it_make_org("Gemeente Gorinchem, team Sociale Kaart", w->mod_org);
    it_make_key(w->mod_org, "moderator", "GM0512", w->mod);
    snprintf(name, sizeof(name), "Stichting Samen Gorinchem (feeds %s)", w->tag);
    make_org(w->mod, name, true, w->org);
    it_make_key(w->org, "partner", NULL, w->key);
    snprintf(name, sizeof(name), "Buurtvereniging Nieuw (feeds %s)", w->tag);
    make_org(w->mod, name, false, w->org_u);
    it_make_key(w->org_u, "partner", NULL, w->key_u);
    own_days_off(w->mod);
}

#define ADDRESS_LINGEWIJK                                                                                              \
    "\"address\":{\"street\":\"Lingewijkerweg\",\"house_number\":\"12\",\"postcode\":\"4205 AB\","                     \
    "\"city\":\"Gorinchem\"},\"location\":{\"lat\":51.8395,\"lon\":4.9655}"

static void place_body(char *buf, size_t cap, const char *title)
{
    snprintf(buf, cap,
             "{\"title\":\"%s\",\"summary\":\"Ontmoetingsplek voor de hele wijk.\","
             "\"municipality\":\"GM0512\",\"areas\":[\"GM0512-lingewijk\"],\"themes\":[\"ontmoeten\"],"
             "\"audiences\":[\"ouderen\"],\"accessibility\":{\"wheelchair\":\"yes\"},\"cost\":{\"free\":true},"
             "\"contact\":{\"phone\":\"0183 123 456\"}," ADDRESS_LINGEWIJK ","
             "\"opening_hours\":[{\"day\":\"mo\",\"opens\":\"09:00\",\"closes\":\"17:00\"}]}",
             title);
}

/* A weekly Tuesday walk (walk(): from a week ahead) with two own exdates and our exception set. */
static void activity_body(char *buf, size_t cap, const char *title, const char *description)
{
    const struct walk_days *d = walk();
    snprintf(buf, cap,
             "{\"title\":\"%s\",\"summary\":\"Elke dinsdag samen wandelen; koffie na afloop, gratis.\","
             "\"description\":\"%s\","
             "\"municipality\":\"GM0512\",\"areas\":[\"GM0512-lingewijk\"],\"themes\":[\"beweging\"],"
             "\"audiences\":[\"ouderen\"],\"cost\":{\"free\":true},\"accessibility\":{\"wheelchair\":\"yes\"}"
             "," ADDRESS_LINGEWIJK ","
             "\"schedule\":{\"start\":\"%sT10:00\",\"end\":\"%sT11:30\","
             "\"rrule\":\"FREQ=WEEKLY;BYDAY=TU\",\"exdates\":[\"%s\",\"%s\"],"
             "\"exception_sets\":[\"%s\"]},"
             "\"registration\":\"none\",\"address_visibility\":\"public\"}",
             title, description, d->start, d->start, d->ex1, d->ex2, d->set);
}

static void vacancy_body(char *buf, size_t cap, const char *title, const char *valid_until)
{
    snprintf(buf, cap,
             "{\"title\":\"%s\",\"summary\":\"Help mee bij de koffieochtend.\",\"municipality\":\"GM0512\","
             "\"themes\":[\"vrijwilligerswerk\"],\"audiences\":[\"volwassenen\"],\"hours_per_week\":3,"
             "\"commitment\":\"ongoing\",\"min_age\":16,\"skills\":[\"gastvrijheid\"],\"valid_until\":\"%s\"}",
             title, valid_until);
}

static void carer_body(char *buf, size_t cap, const char *title)
{
    snprintf(buf, cap,
             "{\"title\":\"%s\",\"summary\":\"Maandelijks bijpraten met andere mantelzorgers.\","
             "\"municipality\":\"GM0512\",\"themes\":[\"mantelzorg\"],\"audiences\":[\"mantelzorgers\"],"
             "\"support_kind\":\"peer-contact\",\"for_whom\":[\"mantelzorgers\"]}",
             title);
}

/* An untrusted partner's create is 201 with status pending (not published, not refused). */
static void create_pending(const char *coll, const char *key, const char *body, char *id)
{
    cr_assert_str_eq(it_js(it_create(coll, key, body, id), "status"), "pending", "%s was published at once", id);
}

/* The body of an ordinary entry of a kind (collection coll) called title; an activity's description is desc. */
static void kind_body(char *buf, size_t cap, const char *coll, const char *title, const char *desc)
{
    if (strcmp(coll, "activities") == 0)
        activity_body(buf, cap, title, desc);
    else if (strcmp(coll, "vacancies") == 0)
        vacancy_body(buf, cap, title, "2099-12-31");
    else if (strcmp(coll, "places") == 0)
        place_body(buf, cap, title);
    else
        carer_body(buf, cap, title);
}

/* An ordinary entry of coll titled "<name> <tag>" by w's key (an activity described as desc); its id. */
static void make_titled(struct world *w, const char *coll, const char *name, const char *desc, char *id)
{
    char title[200], body[4096];
    snprintf(title, sizeof(title), "%s %s", name, w->tag);
    kind_body(body, sizeof(body), coll, title, desc);
    it_create(coll, w->key, body, id);
}

/* ------------------------------------------------------------------ */
/* The mirroring consumer                                              */

#define MIRROR_MAX 20000

struct mirror {
    size_t n;
    struct {
        char id[40];
        char name[320]; /* data.name (or title) of the last update */
        bool live;      /* last state was 'updated' */
    } e[MIRROR_MAX];
    long long last_modified;
    char last_id[40];
};

static long find(struct mirror *m, const char *id)
{
    for (size_t i = 0; i < m->n; i++)
        if (strcmp(m->e[i].id, id) == 0)
            return (long)i;
    return -1;
}

/* Is (a_mod, a_id) strictly after (b_mod, b_id)? */
static bool after(long long a_mod, const char *a_id, long long b_mod, const char *b_id)
{
    return a_mod > b_mod || (a_mod == b_mod && strcmp(a_id, b_id) > 0);
}

/*
 * Follow next from url until a page is empty, applying items to m and
 * checking RPDE rules on the way. The last page's next (its own URL) is
 * left in next_out for the next poll. Returns the number of items read.
 */
static size_t rpde_sync(struct mirror *m, const char *url, const char *rpde_kind, char *next_out, size_t cap)
{
    char cur[512], cc[128], ct[128];
    size_t total = 0;

    snprintf(cur, sizeof(cur), "%s", url);
    for (int pages = 0; pages < 10000; pages++) {
        struct it_response r;
        struct json_object *page = it_call_h(200, "GET", cur, NULL, NULL, NULL, &r);
        struct json_object *items = it_jget(page, "items");
        size_t n = it_jlen(page, "items");
        const char *next = it_js(page, "next");

        cr_assert(json_object_is_type(items, json_type_array), "items: %s", r.body);
        cr_assert_str_eq(it_js(page, "license"), "https://creativecommons.org/licenses/by/4.0/");
        cr_assert(strncmp(next, "http://", 7) == 0 || strncmp(next, "https://", 8) == 0, "next not absolute: %s", next);
        cr_assert(strncmp(header(&r, "Content-Type", ct, sizeof(ct)), "application/json", 16) == 0, "%s", ct);
        header(&r, "Cache-Control", cc, sizeof(cc));
        if (n == 0) {
            cr_assert_str_eq(cc, "public, max-age=8", "last page Cache-Control: %s", cc);
            cr_assert(strstr(cur, "/feeds/") && strcmp(strstr(next, "/feeds/"), strstr(cur, "/feeds/")) == 0,
                      "the last page's next must be its own URL: %s vs %s", next, cur);
            snprintf(next_out, cap, "%s", next);
            it_response_free(&r);
            return total;
        }
        cr_assert_str_eq(cc, "public, max-age=3600", "page with items Cache-Control: %s", cc);
        for (size_t i = 0; i < n; i++) {
            struct json_object *it = json_object_array_get_idx(items, i);
            const char *id = it_js(it, "id"), *state = it_js(it, "state");
            struct json_object *mod = it_jget(it, "modified");
            long long modified = json_object_get_int64(mod);
            long k;

            cr_assert(json_object_is_type(mod, json_type_int), "modified must be an integer: %s", it_jtext(it));
            cr_assert_str_eq(it_js(it, "kind"), rpde_kind, "%s", it_jtext(it));
            cr_assert(after(modified, id, m->last_modified, m->last_id),
                      "items out of order: (%lld, %s) after (%lld, %s)", modified, id, m->last_modified, m->last_id);
            m->last_modified = modified;
            snprintf(m->last_id, sizeof(m->last_id), "%s", id);
            k = find(m, id);
            if (k < 0) {
                cr_assert_lt(m->n, MIRROR_MAX);
                k = (long)m->n++;
                snprintf(m->e[k].id, sizeof(m->e[k].id), "%s", id);
            }
            if (strcmp(state, "updated") == 0) {
                struct json_object *data = it_jget(it, "data");
                cr_assert(json_object_is_type(data, json_type_object), "updated without data: %s", it_jtext(it));
                cr_assert_str_eq(it_js(data, "identifier"), id);
                m->e[k].live = true;
                snprintf(m->e[k].name, sizeof(m->e[k].name), "%s",
                         *it_js(data, "name") ? it_js(data, "name") : it_js(data, "title"));
            } else {
                cr_assert_str_eq(state, "deleted", "%s", it_jtext(it));
                cr_assert(!json_object_object_get_ex(it, "data", NULL), "a deleted item has no data: %s", it_jtext(it));
                m->e[k].live = false;
            }
        }
        total += n;
        /* the next page starts right after this page's last item */
        cr_assert(strstr(next, "afterTimestamp=") && strstr(next, m->last_id), "next %s does not continue after %s",
                  next, m->last_id);
        snprintf(cur, sizeof(cur), "%s", next);
        it_response_free(&r);
    }
    cr_assert_fail("the feed did not end");
    return total;
}

/* The ids of every entry a resident sees in a collection (GET /api/v1/<coll>, all pages). */
static size_t published_ids(const char *coll, char (*ids)[40], size_t cap)
{
    char path[600];
    size_t n = 0;
    const char *cursor = NULL;

    for (;;) {
        struct json_object *page, *items;
        if (cursor)
            snprintf(path, sizeof(path), "/api/v1/%s?limit=100&cursor=%s", coll, cursor);
        else
            snprintf(path, sizeof(path), "/api/v1/%s?limit=100", coll);
        page = it_call(200, "GET", path, NULL, NULL);
        items = it_jget(page, "items");
        for (size_t i = 0; i < it_jlen(page, "items"); i++) {
            cr_assert_lt(n, cap);
            snprintf(ids[n++], 40, "%s", it_js(json_object_array_get_idx(items, i), "id"));
        }
        cursor = it_jstr(page, "next_cursor");
        if (cursor == NULL || it_jlen(page, "items") == 0)
            return n;
    }
}

/* Does the mirror hold exactly the published entries of coll? Reports the first difference. */
static bool mirror_equals(struct mirror *m, const char *coll, char *why, size_t cap)
{
    static char ids[MIRROR_MAX][40];
    size_t n = published_ids(coll, ids, MIRROR_MAX), live = 0;

    for (size_t i = 0; i < n; i++) {
        long k = find(m, ids[i]);
        if (k < 0 || !m->e[k].live) {
            snprintf(why, cap, "%s %s is published but %s in the mirror", coll, ids[i], k < 0 ? "missing" : "deleted");
            return false;
        }
    }
    for (size_t i = 0; i < m->n; i++)
        live += m->e[i].live;
    if (live != n) {
        snprintf(why, cap, "%s: mirror has %zu live entries, the API %zu", coll, live, n);
        return false;
    }
    return true;
}

static struct mirror *mirror_new(void)
{
    struct mirror *m = calloc(1, sizeof(*m));
    cr_assert_not_null(m);
    m->last_modified = -1;
    return m;
}

/* Re-sync until the mirror equals the API (the feed shows a change once no older transaction is open). */
static void resync_and_compare(struct mirror *m, char *next, size_t cap, const char *coll, const char *kind)
{
    char why[256] = "";
    for (int attempt = 0; attempt < 20; attempt++) {
        char url[512];
        snprintf(url, sizeof(url), "%s", next);
        rpde_sync(m, url, kind, next, cap);
        if (mirror_equals(m, coll, why, sizeof(why)))
            return;
        usleep(100 * 1000);
    }
    cr_assert_fail("the mirror did not converge: %s", why);
}

static const char *mirror_name(struct mirror *m, const char *id)
{
    long k = find(m, id);
    return k < 0 ? "(absent)" : m->e[k].live ? m->e[k].name : "(deleted)";
}

static bool mirror_seen(struct mirror *m, const char *id)
{
    return find(m, id) >= 0;
}

/*
 * Sync from url until the mirror holds id: a feed shows a change once no older
 * transaction is open, so a concurrent test's write can hold ours back for a
 * moment. Polls on from next (a deadline, longer under valgrind).
 */
static void sync_until_seen(struct mirror *m, const char *url, const char *kind, char *next, size_t cap, const char *id)
{
    char cur[512];
    double until = it_deadline_ms(5000);
    rpde_sync(m, url, kind, next, cap);
    while (!mirror_seen(m, id) && it_now_ms() < until) {
        usleep(100 * 1000);
        snprintf(cur, sizeof(cur), "%s", next);
        rpde_sync(m, cur, kind, next, cap);
    }
    cr_assert(mirror_seen(m, id), "%s is not in the feed %s", id, url);
}

/* ------------------------------------------------------------------ */
/* RPDE                                                                 */

Test(rpde, mirror_converges_after_create_edit_expire_delete_and_pending)
{
    struct world w;
    struct mirror *acts = mirror_new(), *vacs = mirror_new(), *places = mirror_new(), *carers = mirror_new();
    char next_a[512], next_v[512], next_p[512], next_c[512], url[512];
    char body[4096], path[160], title[200];
    char a0[40], a1[40], a2[40], a3[40], v1[40], v2[40], p1[40], p_pending[40], a_pending[40], c1[40];

    world(&w);
    /* One activity of our own before the first sync, so the first sync proves it reads
     * something on any database (not only one where demo data or another test left some). */
    snprintf(title, sizeof(title), "Wandelen A0 %s", w.tag);
    activity_body(body, sizeof(body), title, "Rustig tempo.");
    it_create("activities", w.key, body, a0);
    snprintf(url, sizeof(url), "%s/feeds/activities", it_url());
    sync_until_seen(acts, url, "SessionSeries", next_a, sizeof(next_a), a0);
    cr_assert(strstr(mirror_name(acts, a0), "Wandelen A0"), "%s", mirror_name(acts, a0));
    snprintf(url, sizeof(url), "%s/feeds/vacancies", it_url());
    rpde_sync(vacs, url, "JobPosting", next_v, sizeof(next_v));
    snprintf(url, sizeof(url), "%s/feeds/places", it_url());
    rpde_sync(places, url, "Place", next_p, sizeof(next_p));
    snprintf(url, sizeof(url), "%s/feeds/carer-support", it_url());
    rpde_sync(carers, url, "Service", next_c, sizeof(next_c));

    /* create */
    {
        struct {
            const char *coll, *title;
            char *id;
        } made[] = {
            { "activities", "Wandelen A1", a1 },      { "activities", "Wandelen A2", a2 },
            { "activities", "Wandelen A3", a3 },      { "vacancies", "Gastvrouw V1", v1 },
            { "vacancies", "Gastvrouw V2", v2 },      { "places", "Buurthuis P1", p1 },
            { "carer-support", "Lotgenoten C1", c1 },
        };
        for (size_t i = 0; i < sizeof(made) / sizeof(made[0]); i++) {
            make_titled(&w, made[i].coll, made[i].title, "Rustig tempo.", made[i].id);
        }
    }
    /* pending: an untrusted partner's entries never reach a feed */
    snprintf(title, sizeof(title), "Nieuw buurthuis (pending) %s", w.tag);
    place_body(body, sizeof(body), title);
    create_pending("places", w.key_u, body, p_pending);
    snprintf(title, sizeof(title), "Nieuwe wandeling (pending) %s", w.tag);
    activity_body(body, sizeof(body), title, "Nog niet goedgekeurd.");
    create_pending("activities", w.key_u, body, a_pending);

    resync_and_compare(acts, next_a, sizeof(next_a), "activities", "SessionSeries");
    resync_and_compare(vacs, next_v, sizeof(next_v), "vacancies", "JobPosting");
    resync_and_compare(places, next_p, sizeof(next_p), "places", "Place");
    resync_and_compare(carers, next_c, sizeof(next_c), "carer-support", "Service");
    cr_assert(strstr(mirror_name(acts, a1), "Wandelen A1"), "%s", mirror_name(acts, a1));
    cr_assert(!mirror_seen(places, p_pending), "a pending place appeared in the feed");
    cr_assert(!mirror_seen(acts, a_pending), "a pending activity appeared in the feed");

    /* edit, unpublish by expiry (valid_until in the past), delete (partner and moderator) */
    snprintf(path, sizeof(path), "/api/v1/activities/%s", a1);
    snprintf(body, sizeof(body), "{\"title\":\"Wandelen A1 bijgewerkt %s\"}", w.tag);
    it_call_if(200, "PATCH", path, w.key, body, 1);
    snprintf(path, sizeof(path), "/api/v1/activities/%s", a2);
    it_call_if(204, "DELETE", path, w.key, NULL, 1);
    snprintf(path, sizeof(path), "/api/v1/activities/%s", a3);
    it_call_if(204, "DELETE", path, w.mod, NULL, 1);
    snprintf(path, sizeof(path), "/api/v1/vacancies/%s", v1);
    it_call_if(200, "PATCH", path, w.key, "{\"valid_until\":\"2020-01-31\"}", 1);
    snprintf(path, sizeof(path), "/api/v1/vacancies/%s", v2);
    it_call_if(204, "DELETE", path, w.key, NULL, 1);
    snprintf(path, sizeof(path), "/api/v1/places/%s", p1);
    it_call_if(200, "PATCH", path, w.key, "{\"summary\":\"Nieuwe openingstijden vanaf januari.\"}", 1);

    resync_and_compare(acts, next_a, sizeof(next_a), "activities", "SessionSeries");
    resync_and_compare(vacs, next_v, sizeof(next_v), "vacancies", "JobPosting");
    resync_and_compare(places, next_p, sizeof(next_p), "places", "Place");
    cr_assert(strstr(mirror_name(acts, a1), "bijgewerkt"), "the edit did not arrive: %s", mirror_name(acts, a1));
    cr_assert_str_eq(mirror_name(acts, a2), "(deleted)");
    cr_assert_str_eq(mirror_name(acts, a3), "(deleted)");
    cr_assert_str_eq(mirror_name(vacs, v1), "(deleted)", "an expired vacancy must be deleted in the feed");
    cr_assert_str_eq(mirror_name(vacs, v2), "(deleted)");
    cr_assert(!mirror_seen(acts, a_pending));

    /* the pending activity, once approved, appears */
    snprintf(path, sizeof(path), "/api/v1/moderation/%s/approve", a_pending);
    it_call(200, "POST", path, w.mod, "{}");
    resync_and_compare(acts, next_a, sizeof(next_a), "activities", "SessionSeries");
    cr_assert(strstr(mirror_name(acts, a_pending), "pending"), "approved activity: %s", mirror_name(acts, a_pending));

    /* a poll with nothing new is an empty page again */
    cr_assert_eq(rpde_sync(acts, next_a, "SessionSeries", next_a, sizeof(next_a)), 0);
    free(acts);
    free(vacs);
    free(places);
    free(carers);
}

/* A one-off activity that ends within a minute turns into a deleted item by itself. */
Test(rpde, expiry_by_time_becomes_deleted, .timeout = 150)
{
    struct world w;
    struct mirror *acts = mirror_new();
    char next[512], url[512], body[2048], id[40], start[20], end[20];
    time_t now = time(NULL), until;
    struct tm tm;

    if (!it_waiting_tests()) {
        free(acts);
        cr_skip_test("waits for a minute boundary: run in the release pass only");
    }
    world(&w);
    setenv("TZ", "Europe/Amsterdam", 1);
    tzset();
    until = (now / 60 + 1) * 60; /* the next whole minute, local time */
    if (until - now < 5)
        until += 60;
    localtime_r(&now, &tm);
    strftime(start, sizeof(start), "%Y-%m-%dT%H:%M", &tm);
    localtime_r(&until, &tm);
    strftime(end, sizeof(end), "%Y-%m-%dT%H:%M", &tm);
    snprintf(
        body, sizeof(body),
        "{\"title\":\"Koffie nu %s\",\"summary\":\"Even koffie drinken.\",\"municipality\":\"GM0512\","
        "\"themes\":[\"ontmoeten\"],\"audiences\":[\"iedereen\"]," ADDRESS_LINGEWIJK ","
        "\"schedule\":{\"start\":\"%s\",\"end\":\"%s\"},\"registration\":\"none\",\"address_visibility\":\"public\"}",
        w.tag, start, end);
    it_create("activities", w.key, body, id);

    snprintf(url, sizeof(url), "%s/feeds/activities", it_url());
    sync_until_seen(acts, url, "SessionSeries", next, sizeof(next), id);
    cr_assert(strstr(mirror_name(acts, id), "Koffie nu"), "the running activity: %s", mirror_name(acts, id));
    while (time(NULL) <= until)
        usleep(250 * 1000);
    resync_and_compare(acts, next, sizeof(next), "activities", "SessionSeries");
    cr_assert_str_eq(mirror_name(acts, id), "(deleted)", "an activity that has ended must become deleted");
    free(acts);
}

Test(rpde, paging_follows_after_timestamp_and_id)
{
    char url[512];
    struct json_object *p1, *p2, *last1;
    const char *next;
    long long m_last;

    snprintf(url, sizeof(url), "/feeds/places?limit=3");
    p1 = it_call(200, "GET", url, NULL, NULL);
    cr_assert_eq(it_jlen(p1, "items"), 3, "%s", it_jtext(p1));
    last1 = it_jget(p1, "items.2");
    m_last = json_object_get_int64(it_jget(last1, "modified"));
    next = it_js(p1, "next");
    cr_assert(strstr(next, "afterTimestamp=") && strstr(next, it_js(last1, "id")), "next: %s", next);
    /* the same page asked by afterTimestamp/afterId of item 0 starts at item 1 */
    snprintf(url, sizeof(url), "/feeds/places?limit=2&afterTimestamp=%lld&afterId=%s",
             (long long)json_object_get_int64(it_jget(p1, "items.0.modified")), it_js(p1, "items.0.id"));
    p2 = it_call(200, "GET", url, NULL, NULL);
    cr_assert_str_eq(it_js(p2, "items.0.id"), it_js(p1, "items.1.id"));
    cr_assert_str_eq(it_js(p2, "items.1.id"), it_js(p1, "items.2.id"));
    /* following next never repeats an item */
    p2 = it_call(200, "GET", next, NULL, NULL);
    for (size_t i = 0; i < it_jlen(p2, "items"); i++) {
        struct json_object *it = it_jget(p2, "items");
        it = json_object_array_get_idx(it, i);
        cr_assert(after(json_object_get_int64(it_jget(it, "modified")), it_js(it, "id"), m_last, it_js(last1, "id")),
                  "item %s repeats or goes back", it_jtext(it));
        cr_assert_str_neq(it_js(it, "id"), it_js(last1, "id"));
    }
    /* parameters: both or none, integers, uuids; unknown ones named */
    cr_assert_str_eq(it_js(it_call(400, "GET", "/feeds/places?afterTimestamp=5", NULL, NULL), "errors.0.field"),
                     "afterId");
    cr_assert_str_eq(
        it_js(it_call(400, "GET", "/feeds/places?afterId=d1000000-0000-4000-8000-000000000001", NULL, NULL),
              "errors.0.field"),
        "afterTimestamp");
    cr_assert_str_eq(
        it_js(it_call(400, "GET", "/feeds/activities?afterTimestamp=x&afterId=d1000000-0000-4000-8000-000000000001",
                      NULL, NULL),
              "errors.0.field"),
        "afterTimestamp");
    cr_assert_str_eq(
        it_js(it_call(400, "GET", "/feeds/activities?afterTimestamp=1&afterId=nope", NULL, NULL), "errors.0.field"),
        "afterId");
    cr_assert_str_eq(it_js(it_call(400, "GET", "/feeds/vacancies?limit=0", NULL, NULL), "errors.0.field"), "limit");
    cr_assert_str_eq(it_js(it_call(400, "GET", "/feeds/vacancies?since=1", NULL, NULL), "errors.0.field"), "since");
}

/* ------------------------------------------------------------------ */
/* Item data as the OpenActive validators read it (issue 7 feedcheck)    */

/* The data of the last 'updated' item with this id in a feed ("/feeds/places"), walking from the start. */
static struct json_object *feed_data(const char *feed, const char *id)
{
    char cur[512];
    struct json_object *found = NULL;

    snprintf(cur, sizeof(cur), "%s", feed);
    for (int pages = 0; pages < 1000; pages++) {
        struct json_object *page = it_call(200, "GET", cur, NULL, NULL), *items = it_jget(page, "items");
        size_t n = it_jlen(page, "items");
        if (n == 0)
            return found;
        for (size_t i = 0; i < n; i++) {
            struct json_object *it = json_object_array_get_idx(items, i);
            if (strcmp(it_js(it, "id"), id) == 0)
                found = strcmp(it_js(it, "state"), "updated") == 0 ? it_jget(it, "data") : NULL;
        }
        snprintf(cur, sizeof(cur), "%s", it_js(page, "next"));
    }
    cr_assert_fail("the feed %s did not end", feed);
    return NULL;
}

/* The data of id in the feed of a kind ("places"), asserted there with the OpenActive context. */
static struct json_object *openactive_item(const char *kind, const char *id)
{
    char feed[300];
    struct json_object *d;
    snprintf(feed, sizeof(feed), "%s/feeds/%s", it_url(), kind);
    d = feed_data(feed, id);
    cr_assert_not_null(d, "the new %s %s is not in the %s feed", kind, id, kind);
    cr_assert_str_eq(it_js(d, "@context"), "https://openactive.io/");
    return d;
}

static bool has(struct json_object *o, const char *member)
{
    return json_object_object_get_ex(o, member, NULL);
}

/* An activity at the Lingewijk address with the given schedule object and extra members. */
static void activity_sched_body(char *buf, size_t cap, const char *title, const char *schedule, const char *extra)
{
    snprintf(buf, cap,
             "{\"title\":\"%s\",\"summary\":\"Samen bewegen.\",\"municipality\":\"GM0512\","
             "\"areas\":[\"GM0512-lingewijk\"],\"themes\":[\"beweging\"],\"audiences\":[\"ouderen\"]," ADDRESS_LINGEWIJK
             ",\"schedule\":%s,\"address_visibility\":\"public\"%s}",
             title, schedule, extra);
}

/* A free activity "<name> <tag>" on schedule sched (JSON) by w's key; its id. */
static void free_activity(struct world *w, const char *name, const char *sched, char *id)
{
    char title[200], body[4096];
    snprintf(title, sizeof(title), "%s %s", name, w->tag);
    activity_sched_body(body, sizeof(body), title, sched, ",\"cost\":{\"free\":true}");
    it_create("activities", w->key, body, id);
}

/*
 * What @openactive/data-model-validator 3.0 and @openactive/rpde-validator
 * reported on the first version of the feeds, now fixed: the OpenActive
 * context only (no ns-beta members that the beta namespace does not define),
 * Schedule.scheduledEventType, repeatCount (not count), no beta:rrule,
 * offers always (price 0 when free), no dateModified (not a property of any of
 * these types), remainingAttendeeCapacity only on a ScheduledSession (a
 * one-off is a SessionSeries with one subEvent), Place.dayOfWeek an array,
 * LocationFeatureSpecification.value a boolean, PostalAddress.addressRegion,
 * a named location, and times that occur twice read as RFC 5545 does.
 */
Test(rpde, item_data_follows_openactive_and_schema_org)
{
    struct world w;
    char body[4096], title[200], feed[300];
    char a_weekly[40], a_once[40], a_count[40], a_night[40], pl[40], vac[40], car[40];
    char once[11], count0[11], until[11], sched[256], want[40];
    struct json_object *d, *s;

    /* every date relative to today: nothing here expires on a fixed day */
    it_day_on(once, 30, 6);  /* a Saturday a month or more ahead */
    it_day_on(count0, 7, 1); /* a Monday a week or more ahead */
    it_day(until, 365);

    world(&w);
    snprintf(title, sizeof(title), "Wandelen OA %s", w.tag);
    activity_body(body, sizeof(body), title, "Samen.");
    it_create("activities", w.key, body, a_weekly);
    snprintf(title, sizeof(title), "Burendag OA %s", w.tag);
    snprintf(sched, sizeof(sched), "{\"start\":\"%sT10:00\",\"end\":\"%sT16:00\"}", once, once);
    activity_sched_body(
        body, sizeof(body), title, sched,
        ",\"cost\":{\"amount_eur\":2.5},\"capacity\":40,\"places_left\":12,\"registration\":\"required\"");
    it_create("activities", w.key, body, a_once);
    snprintf(sched, sizeof(sched),
             "{\"start\":\"%sT19:00\",\"end\":\"%sT20:30\",\"rrule\":\"FREQ=WEEKLY;INTERVAL=2;COUNT=6\"}", count0,
             count0);
    free_activity(&w, "Cursus OA", sched, a_count);
    /* 02:30 on the last Sunday of October happens twice: RFC 5545 takes the first (summer time) */
    free_activity(&w, "Nachtwandeling OA",
                  "{\"start\":\"2026-10-04T02:30\",\"end\":\"2026-10-04T03:30\",\"rrule\":\"FREQ=WEEKLY;BYDAY=SU\","
                  "\"exdates\":[\"2026-10-25\",\"2026-11-01\"]}",
                  a_night);
    snprintf(title, sizeof(title), "Buurthuis OA %s", w.tag);
    place_body(body, sizeof(body), title);
    it_create("places", w.key, body, pl);
    snprintf(title, sizeof(title), "Gastvrouw OA %s", w.tag);
    vacancy_body(body, sizeof(body), title, until);
    it_create("vacancies", w.key, body, vac);
    snprintf(title, sizeof(title), "Lotgenoten OA %s", w.tag);
    carer_body(body, sizeof(body), title);
    it_create("carer-support", w.key, body, car);

    /* activities: SessionSeries */
    snprintf(feed, sizeof(feed), "%s/feeds/activities", it_url());
    for (int attempt = 0; attempt < 20 && !(d = feed_data(feed, a_night)); attempt++)
        usleep(100 * 1000);
    cr_assert_not_null(d, "the new activities are not in the feed");
    d = feed_data(feed, a_weekly);
    cr_assert_not_null(d);
    cr_assert(json_object_is_type(it_jget(d, "@context"), json_type_string), "@context: %s",
              it_jtext(it_jget(d, "@context")));
    cr_assert_str_eq(it_js(d, "@context"), "https://openactive.io/");
    cr_assert_str_eq(it_js(d, "@type"), "SessionSeries");
    cr_assert(!has(d, "beta:registrationRequired") && !has(d, "dateModified") && !has(d, "remainingAttendeeCapacity"),
              "members the validator refuses: %s", it_jtext(d));
    cr_assert(*it_js(d, "organizer.name") && *it_js(d, "location.name") && *it_js(d, "url") && *it_js(d, "@id"), "%s",
              it_jtext(d));
    cr_assert_str_eq(it_js(d, "location.address.addressRegion"), "Zuid-Holland");
    cr_assert_str_eq(it_js(d, "location.address.addressCountry"), "NL");
    cr_assert_str_eq(it_js(d, "offers.0.@type"), "Offer");
    cr_assert_float_eq(json_object_get_double(it_jget(d, "offers.0.price")), 0.0, 1e-9);
    cr_assert_str_eq(it_js(d, "offers.0.priceCurrency"), "EUR");
    cr_assert(json_object_get_boolean(it_jget(d, "isAccessibleForFree")));
    cr_assert_str_eq(it_js(d, "attendeeInstructions"), "U hoeft zich niet aan te melden.");
    s = it_jget(d, "eventSchedule.0");
    cr_assert_not_null(s, "%s", it_jtext(d));
    cr_assert_str_eq(it_js(s, "@type"), "Schedule");
    cr_assert_str_eq(it_js(s, "scheduledEventType"), "ScheduledSession");
    cr_assert_str_eq(it_js(s, "repeatFrequency"), "P1W");
    cr_assert_str_eq(it_js(s, "byDay.0"), "https://schema.org/Tuesday");
    cr_assert_str_eq(it_js(s, "startDate"), walk()->start);
    cr_assert_str_eq(it_js(s, "startTime"), "10:00");
    cr_assert_str_eq(it_js(s, "endTime"), "11:30");
    cr_assert_str_eq(it_js(s, "duration"), "PT90M");
    cr_assert_str_eq(it_js(s, "scheduleTimezone"), "Europe/Amsterdam");
    cr_assert(strstr(it_js(s, "idTemplate"), a_weekly) && strstr(it_js(s, "idTemplate"), "#{startDate}"), "%s",
              it_jtext(s));
    cr_assert(!has(s, "beta:rrule") && !has(s, "count"), "%s", it_jtext(s));
    snprintf(want, sizeof(want), "%sT10:00", walk()->ex1);
    snprintf(want, sizeof(want), "%sT10:00:00%s", walk()->ex1, it_ams_offset(want));
    cr_assert_str_eq(it_js(s, "exceptDate.0"), want, "%s", it_jtext(s));

    d = feed_data(feed, a_count);
    cr_assert_str_eq(it_js(d, "eventSchedule.0.repeatFrequency"), "P2W");
    cr_assert_eq(json_object_get_int(it_jget(d, "eventSchedule.0.repeatCount")), 6, "%s", it_jtext(d));
    cr_assert(!has(it_jget(d, "eventSchedule.0"), "count"));

    d = feed_data(feed, a_night);
    cr_assert_str_eq(it_js(d, "eventSchedule.0.exceptDate.0"), "2026-10-25T02:30:00+02:00", "the first 02:30: %s",
                     it_jtext(it_jget(d, "eventSchedule")));
    cr_assert_str_eq(it_js(d, "eventSchedule.0.exceptDate.1"), "2026-11-01T02:30:00+01:00");

    d = feed_data(feed, a_once);
    cr_assert(!has(d, "eventSchedule") && !has(d, "remainingAttendeeCapacity"), "%s", it_jtext(d));
    cr_assert_str_eq(it_js(d, "subEvent.0.@type"), "ScheduledSession");
    snprintf(want, sizeof(want), "%sT10:00", once);
    snprintf(want, sizeof(want), "%sT10:00:00%s", once, it_ams_offset(want));
    cr_assert_str_eq(it_js(d, "subEvent.0.startDate"), want, "%s", it_jtext(it_jget(d, "subEvent")));
    snprintf(want, sizeof(want), "%sT16:00", once);
    snprintf(want, sizeof(want), "%sT16:00:00%s", once, it_ams_offset(want));
    cr_assert_str_eq(it_js(d, "subEvent.0.endDate"), want);
    cr_assert(strstr(it_js(d, "subEvent.0.@id"), a_once), "%s", it_jtext(it_jget(d, "subEvent")));
    cr_assert_eq(json_object_get_int(it_jget(d, "subEvent.0.remainingAttendeeCapacity")), 12);
    cr_assert_eq(json_object_get_int(it_jget(d, "maximumAttendeeCapacity")), 40);
    cr_assert_float_eq(json_object_get_double(it_jget(d, "offers.0.price")), 2.5, 1e-9);
    cr_assert_str_eq(it_js(d, "attendeeInstructions"), "Aanmelden is nodig.");

    /* places: OpenActive/schema.org Place */
    d = openactive_item("places", pl);
    cr_assert_str_eq(it_js(d, "@type"), "Place");
    cr_assert(!has(d, "organizer") && !has(d, "containedInPlace") && !has(d, "dateModified") && !has(d, "inLanguage"),
              "not Place properties: %s", it_jtext(d));
    cr_assert(json_object_is_type(it_jget(d, "openingHoursSpecification.0.dayOfWeek"), json_type_array), "%s",
              it_jtext(it_jget(d, "openingHoursSpecification")));
    cr_assert_str_eq(it_js(d, "openingHoursSpecification.0.dayOfWeek.0"), "https://schema.org/Monday");
    cr_assert(json_object_is_type(it_jget(d, "amenityFeature.0.value"), json_type_boolean), "%s",
              it_jtext(it_jget(d, "amenityFeature")));
    cr_assert(json_object_get_boolean(it_jget(d, "amenityFeature.0.value")));
    cr_assert_str_eq(it_js(d, "address.addressRegion"), "Zuid-Holland");

    /* vacancies and carer support: schema.org types, no undefined beta: members */
    d = openactive_item("vacancies", vac);
    cr_assert_str_eq(it_js(d, "employmentType"), "VOLUNTEER");
    cr_assert(!has(d, "beta:commitment") && !has(d, "beta:minimumAge") && !has(d, "dateModified"), "%s", it_jtext(d));
    cr_assert_str_eq(it_js(d, "qualifications"), "Vanaf 16 jaar");
    cr_assert(*it_js(d, "jobLocation.name"), "%s", it_jtext(it_jget(d, "jobLocation")));
    d = openactive_item("carer-support", car);
    cr_assert_str_eq(it_js(d, "@type"), "Service");
}

/* ------------------------------------------------------------------ */
/* iCalendar                                                            */

/* Unfold an iCalendar text (CRLF + space/tab continues a line) into out; checks CRLF and 75 octets. */
static void ics_unfold(const char *ics, char *out, size_t cap)
{
    size_t o = 0;
    const char *line = ics;
    while (*line) {
        const char *crlf = strstr(line, "\r\n");
        size_t len;
        cr_assert_not_null(crlf, "a line does not end in CRLF: %.60s", line);
        len = (size_t)(crlf - line);
        cr_assert_leq(len, 75, "line longer than 75 octets: %.*s", (int)len, line);
        cr_assert_null(memchr(line, '\n', len), "bare LF inside a line");
        if (line != ics && (line[0] == ' ' || line[0] == '\t')) {
            cr_assert_gt(o, 0);
            o -= 1; /* drop the previous '\n' */
            line++;
            len--;
        }
        cr_assert_lt(o + len + 1, cap);
        memcpy(out + o, line, len);
        o += len;
        out[o++] = '\n';
        line = crlf + 2;
    }
    out[o] = '\0';
}

/* The value of the first unfolded line starting with prefix ("UID:"), into buf. */
static const char *ics_prop(const char *text, const char *prefix, char *buf, size_t cap)
{
    const char *p = text;
    size_t n = strlen(prefix);
    while (p && *p) {
        if (strncmp(p, prefix, n) == 0) {
            size_t len = strcspn(p + n, "\n");
            snprintf(buf, cap, "%.*s", (int)len, p + n);
            return buf;
        }
        p = strchr(p, '\n');
        p = p ? p + 1 : NULL;
    }
    return NULL;
}

/* Days since 1970-01-01 of "YYYYMMDD" or "YYYY-MM-DD". */
static long days_of(const char *s)
{
    struct tm tm = { 0 };
    int y, m, d;
    if (sscanf(s, "%4d-%2d-%2d", &y, &m, &d) != 3)
        cr_assert_eq(sscanf(s, "%4d%2d%2d", &y, &m, &d), 3, "date %s", s);
    tm.tm_year = y - 1900;
    tm.tm_mon = m - 1;
    tm.tm_mday = d;
    return (long)(timegm(&tm) / 86400);
}

static void date_of(long days, char *out /* 11 */)
{
    time_t t = (time_t)days * 86400;
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, 11, "%Y-%m-%d", &tm);
}

Test(ics, one_activity_structure_and_occurrences_match)
{
    struct world w;
    char body[8192], desc[1200], id[40], path[200], title[200];
    char text[65536], v[16384], uid1[128], buf[128];
    struct it_response r;
    struct json_object *occ;
    long first, last;
    char exd[400][20];
    size_t n_ex = 0;

    world(&w);
    /* a long description with commas, semicolons and accents: escaping and folding */
    snprintf(desc, sizeof(desc), "%s", "Wij wandelen; rustig, samen en veilig. Café De Linge schenkt koffie. ");
    while (strlen(desc) < 600)
        strcat(desc, "Iedereen is welkom, ook met rollator; wij passen het tempo aan. ");
    snprintf(title, sizeof(title), "Wandelen, bewegen; samen \\\\ %s", w.tag);
    activity_body(body, sizeof(body), title, desc);
    it_create("activities", w.key, body, id);

    snprintf(path, sizeof(path), "/api/v1/activities/%s.ics", id);
    it_call_h(200, "GET", path, NULL, NULL, NULL, &r);
    cr_assert(strncmp(header(&r, "Content-Type", buf, sizeof(buf)), "text/calendar", 13) == 0, "%s", buf);
    cr_assert(strstr(buf, "charset=utf-8"), "%s", buf);
    /* DTSTAMP is the time of making (METHOD:PUBLISH), so the ETag can only be weak */
    cr_assert(strncmp(header(&r, "ETag", buf, sizeof(buf)), "W/\"", 3) == 0, "ETag %s", buf);
    ics_unfold(r.body, text, sizeof(text));
    it_response_free(&r);
    cr_assert(strstr(text, "\nMETHOD:PUBLISH\n") && strstr(text, "\nPRODID:"), "METHOD/PRODID");
    {
        char stamp[32], now[32];
        time_t t = time(NULL);
        strftime(now, sizeof(now), "%Y%m%dT", gmtime(&t));
        cr_assert(ics_prop(strstr(text, "BEGIN:VEVENT"), "DTSTAMP:", stamp, sizeof(stamp)));
        cr_assert(strlen(stamp) == 16 && stamp[15] == 'Z', "DTSTAMP must be UTC: %s", stamp);
        cr_assert(strncmp(stamp, now, 9) == 0 || t % 86400 < 60, "DTSTAMP %s is not today (%s)", stamp, now);
        cr_assert(ics_prop(strstr(text, "BEGIN:VEVENT"), "LAST-MODIFIED:", v, sizeof(v)) && v[15] == 'Z');
    }

    cr_assert(strncmp(text, "BEGIN:VCALENDAR\nVERSION:2.0\n", 28) == 0, "%.80s", text);
    cr_assert(strstr(text, "\nEND:VCALENDAR\n"));
    cr_assert(strstr(text, "\nBEGIN:VTIMEZONE\nTZID:Europe/Amsterdam\n"), "VTIMEZONE");
    cr_assert(strstr(text, "\nBEGIN:DAYLIGHT\n") && strstr(text, "\nBEGIN:STANDARD\n"));
    cr_assert(ics_prop(strstr(text, "BEGIN:VEVENT"), "UID:", uid1, sizeof(uid1)));
    snprintf(buf, sizeof(buf), "%s@socialekaart", id);
    cr_assert_str_eq(uid1, buf);
    snprintf(buf, sizeof(buf), "%.4s%.2s%.2sT100000", walk()->start, walk()->start + 5, walk()->start + 8);
    cr_assert_str_eq(ics_prop(strstr(text, "BEGIN:VEVENT"), "DTSTART;TZID=Europe/Amsterdam:", v, sizeof(v)), buf);
    snprintf(buf, sizeof(buf), "%.4s%.2s%.2sT113000", walk()->start, walk()->start + 5, walk()->start + 8);
    cr_assert_str_eq(ics_prop(strstr(text, "BEGIN:VEVENT"), "DTEND;TZID=Europe/Amsterdam:", v, sizeof(v)), buf);
    cr_assert_str_eq(ics_prop(strstr(text, "BEGIN:VEVENT"), "RRULE:", v, sizeof(v)), "FREQ=WEEKLY;BYDAY=TU");
    cr_assert_str_eq(ics_prop(strstr(text, "BEGIN:VEVENT"), "SEQUENCE:", v, sizeof(v)), "0");
    cr_assert(ics_prop(strstr(text, "BEGIN:VEVENT"), "SUMMARY:", v, sizeof(v)));
    cr_assert(strstr(v, "Wandelen\\, bewegen\\; samen \\\\ "), "SUMMARY escaping: %s", v);
    cr_assert(ics_prop(strstr(text, "BEGIN:VEVENT"), "DESCRIPTION:", v, sizeof(v)));
    cr_assert(strstr(v, "Caf\xc3\xa9 De Linge") && strstr(v, "rustig\\, samen") && strstr(v, "\\n\\n"), "%s", v);
    cr_assert(ics_prop(strstr(text, "BEGIN:VEVENT"), "GEO:", v, sizeof(v)) && strcmp(v, "51.8395;4.9655") == 0,
              "GEO %s", v);

    /* EXDATEs: exactly at the start time, Tuesdays only, and own exdates among them */
    cr_assert(ics_prop(strstr(text, "BEGIN:VEVENT"), "EXDATE;TZID=Europe/Amsterdam:", v, sizeof(v)), "no EXDATE");
    for (char *tok = strtok(v, ","); tok; tok = strtok(NULL, ",")) {
        cr_assert_eq(strlen(tok), 15, "EXDATE value %s", tok);
        cr_assert_str_eq(tok + 8, "T100000", "EXDATE %s not at the start time", tok);
        cr_assert_eq(((days_of(tok) % 7) + 7 + 3) % 7, 1, "EXDATE %s is not a Tuesday", tok); /* 1970-01-01 = Thu */
        cr_assert_lt(n_ex, 400);
        snprintf(exd[n_ex++], 20, "%s", tok);
    }
    {
        const char *want[] = { walk()->ex1, walk()->ex2, walk()->off }; /* own exdates, our exception set's day */
        cr_assert_eq(n_ex, 3, "EXDATE lists %zu dates, not the walk's two exdates and one day off", n_ex);
        for (size_t w_i = 0; w_i < 3; w_i++) {
            bool found = false;
            snprintf(buf, sizeof(buf), "%.4s%.2s%.2sT100000", want[w_i], want[w_i] + 5, want[w_i] + 8);
            for (size_t i = 0; i < n_ex; i++)
                found |= strcmp(exd[i], buf) == 0;
            cr_assert(found, "EXDATE misses %s", buf);
        }
    }

    /* expand the weekly rule minus EXDATE over a window = the occurrences endpoint */
    {
        char from[11], to[11];
        it_day(from, 0);
        it_day(to, 300); /* ends before the to day: 300 days of a weekly rule */
        snprintf(path, sizeof(path), "/api/v1/activities/%s/occurrences?from=%s&to=%s", id, from, to);
        occ = it_call(200, "GET", path, NULL, NULL);
        first = days_of(walk()->start);
        last = days_of(to) - 1;
    }
    {
        size_t k = 0, n_occ = it_jlen(occ, "items");
        for (long d = first; d <= last; d += 7) {
            char date[11], ex[20];
            bool excluded = false;
            date_of(d, date);
            snprintf(ex, sizeof(ex), "%.4s%.2s%.2sT100000", date, date + 5, date + 8);
            for (size_t i = 0; i < n_ex && !excluded; i++)
                excluded = strcmp(exd[i], ex) == 0;
            if (excluded)
                continue;
            cr_assert_lt(k, n_occ, "the calendar has %s, the occurrences endpoint ends before", date);
            snprintf(buf, sizeof(buf), "%sT10:00", date);
            cr_assert_str_eq(it_js(json_object_array_get_idx(it_jget(occ, "items"), k), "local_start"), buf,
                             "occurrence %zu", k);
            k++;
        }
        cr_assert_eq(k, n_occ, "the occurrences endpoint has %zu occurrences, the calendar %zu", n_occ, k);
    }

    /* UID stays, SEQUENCE follows the version */
    snprintf(path, sizeof(path), "/api/v1/activities/%s", id);
    it_call_if(200, "PATCH", path, w.key, "{\"summary\":\"Nieuwe tijden.\"}", 1);
    snprintf(path, sizeof(path), "/api/v1/activities/%s.ics", id);
    it_call_h(200, "GET", path, NULL, NULL, NULL, &r);
    ics_unfold(r.body, text, sizeof(text));
    it_response_free(&r);
    cr_assert_str_eq(ics_prop(strstr(text, "BEGIN:VEVENT"), "UID:", v, sizeof(v)), uid1);
    cr_assert_str_eq(ics_prop(strstr(text, "BEGIN:VEVENT"), "SEQUENCE:", v, sizeof(v)), "1");

    /* unknown or pending: 404; a non-uuid: 404 */
    it_call(404, "GET", "/api/v1/activities/d9999999-0000-4000-8000-000000000000.ics", NULL, NULL);
    it_call(404, "GET", "/api/v1/activities/not-an-id.ics", NULL, NULL);
}

/*
 * Across the end and the start of summer time: an evening activity keeps its
 * wall-clock time (start_utc moves by an hour), EXDATE;TZID lists the own
 * exdate and the school-holiday Tuesday at the local start time, and the
 * OpenActive exceptDate carries the offset valid on that day. (Checked once
 * with ical.js 2.2.1 and node-ical 0.26.1 expanding the .ics; see
 * /work/frag/feedcheck-notes.md.)
 */
Test(ics, dst_windows_keep_wall_clock_and_exdates)
{
    struct world w;
    char id[40], path[200], feed[300], v[4096], text[32768];
    struct it_response r;
    struct json_object *occ, *d;
    static const char *const want[] = {
        "2026-10-06T17:30:00Z", "2026-10-13T17:30:00Z", /* 10-20: herfstvakantie midden; 10-27: own exdate */
        "2026-11-03T18:30:00Z", "2026-11-10T18:30:00Z", "2026-11-17T18:30:00Z", "2026-11-24T18:30:00Z"
    };

    world(&w);
    free_activity(&w, "Avondwandeling DST",
                  "{\"start\":\"2026-10-06T19:30\",\"end\":\"2026-10-06T21:00\",\"rrule\":\"FREQ=WEEKLY;BYDAY=TU\","
                  "\"exdates\":[\"2026-10-27\"],\"exception_sets\":[\"school-holidays-middle\"]}",
                  id);

    snprintf(path, sizeof(path), "/api/v1/activities/%s/occurrences?from=2026-10-01&to=2026-11-30", id);
    occ = it_call(200, "GET", path, NULL, NULL);
    cr_assert_eq(it_jlen(occ, "items"), sizeof(want) / sizeof(want[0]), "%s", it_jtext(occ));
    for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
        struct json_object *o = json_object_array_get_idx(it_jget(occ, "items"), i);
        cr_assert_str_eq(it_js(o, "start_utc"), want[i], "occurrence %zu: %s", i, it_jtext(o));
        cr_assert(strstr(it_js(o, "local_start"), "T19:30"), "%s", it_jtext(o));
    }

    snprintf(path, sizeof(path), "/api/v1/activities/%s.ics", id);
    it_call_h(200, "GET", path, NULL, NULL, NULL, &r);
    ics_unfold(r.body, text, sizeof(text));
    it_response_free(&r);
    cr_assert_str_eq(ics_prop(strstr(text, "BEGIN:VEVENT"), "DTSTART;TZID=Europe/Amsterdam:", v, sizeof(v)),
                     "20261006T193000");
    cr_assert(ics_prop(strstr(text, "BEGIN:VEVENT"), "EXDATE;TZID=Europe/Amsterdam:", v, sizeof(v)));
    cr_assert(strncmp(v, "20261020T193000,20261027T193000,", 32) == 0, "EXDATE %s", v);

    snprintf(feed, sizeof(feed), "%s/feeds/activities", it_url());
    d = NULL;
    for (int attempt = 0; attempt < 20 && !(d = feed_data(feed, id)); attempt++)
        usleep(100 * 1000);
    cr_assert_not_null(d);
    cr_assert_str_eq(it_js(d, "eventSchedule.0.exceptDate.0"), "2026-10-20T19:30:00+02:00");
    cr_assert_str_eq(it_js(d, "eventSchedule.0.exceptDate.1"), "2026-10-27T19:30:00+01:00");
}

Test(ics, calendar_with_search_filters)
{
    struct world w;
    char body[4096], id[40], title[200], uid[80], pid[40];
    char *text = malloc(1 << 22);
    struct it_response r;

    cr_assert_not_null(text);
    world(&w);
    snprintf(title, sizeof(title), "Wandelen Lingewijk %s", w.tag);
    activity_body(body, sizeof(body), title, "Samen.");
    it_create("activities", w.key, body, id);
    snprintf(title, sizeof(title), "Wandelen pending %s", w.tag);
    activity_body(body, sizeof(body), title, "Nog niet.");
    cr_assert_str_eq(it_js(it_create("activities", w.key_u, body, pid), "status"), "pending");
    snprintf(uid, sizeof(uid), "UID:%s@socialekaart\n", id);

    it_call_h(200, "GET",
              "/api/v1/activities.ics?area=GM0512-lingewijk&theme=beweging&audience=ouderen&access=wheelchair", NULL,
              NULL, NULL, &r);
    ics_unfold(r.body, text, 1 << 22);
    it_response_free(&r);
    cr_assert(strstr(text, uid), "the matching activity is missing");
    snprintf(uid, sizeof(uid), "UID:%s@socialekaart\n", pid);
    cr_assert_null(strstr(text, uid), "a pending activity is in the calendar");
    cr_assert(strstr(text, "BEGIN:VTIMEZONE"));

    snprintf(uid, sizeof(uid), "UID:%s@socialekaart\n", id);
    it_call_h(200, "GET", "/api/v1/activities.ics?audience=kinderen", NULL, NULL, NULL, &r);
    ics_unfold(r.body, text, 1 << 22);
    it_response_free(&r);
    cr_assert_null(strstr(text, uid), "audience=kinderen must not give the walk for older people");
    cr_assert_str_eq(it_js(it_call(400, "GET", "/api/v1/activities.ics?aera=x", NULL, NULL), "errors.0.field"), "aera");
    cr_assert_str_eq(it_js(it_call(400, "GET", "/api/v1/activities.ics?kind=places", NULL, NULL), "errors.0.field"),
                     "kind");
    free(text);
}

/* ------------------------------------------------------------------ */
/* GeoJSON                                                              */

Test(geojson, places_and_activities_are_feature_collections_in_lon_lat)
{
    struct world w;
    char id[40], aid[40], ct[96], path[200];
    struct it_response r;
    struct json_object *fc, *features;
    bool found = false;

    world(&w);
    make_titled(&w, "places", "Buurthuis kaart", NULL, id);
    make_titled(&w, "activities", "Wandelen kaart", "Samen.", aid);

    fc = it_call_h(200, "GET", "/api/v1/places.geojson?area=GM0512-lingewijk&access=wheelchair", NULL, NULL, NULL, &r);
    cr_assert_str_eq(header(&r, "Content-Type", ct, sizeof(ct)), "application/geo+json");
    it_response_free(&r);
    cr_assert_str_eq(it_js(fc, "type"), "FeatureCollection");
    features = it_jget(fc, "features");
    cr_assert(json_object_is_type(features, json_type_array));
    for (size_t i = 0; i < json_object_array_length(features); i++) {
        struct json_object *f = json_object_array_get_idx(features, i), *c = it_jget(f, "geometry.coordinates");
        double lon = json_object_get_double(json_object_array_get_idx(c, 0));
        double lat = json_object_get_double(json_object_array_get_idx(c, 1));
        cr_assert_str_eq(it_js(f, "type"), "Feature");
        cr_assert_str_eq(it_js(f, "geometry.type"), "Point");
        cr_assert_eq(json_object_array_length(c), 2);
        cr_assert(lon > 3.2 && lon < 7.3 && lat > 50.7 && lat < 53.7, "not [lon, lat]: %s", it_jtext(c));
        cr_assert_str_eq(it_js(f, "properties.kind"), "place");
        cr_assert(*it_js(f, "properties.title") && *it_js(f, "properties.url"), "%s", it_jtext(f));
        if (strcmp(it_js(f, "properties.id"), id) == 0) {
            found = true;
            cr_assert_float_eq(lon, 4.9655, 1e-6);
            cr_assert_float_eq(lat, 51.8395, 1e-6);
            cr_assert_str_eq(it_js(f, "properties.address.postcode"), "4205 AB");
        }
    }
    cr_assert(found, "the new place is not on the map");

    fc = it_call(200, "GET", "/api/v1/places.geojson?audience=kinderen&area=GM0512-lingewijk", NULL, NULL);
    for (size_t i = 0; i < it_jlen(fc, "features"); i++)
        cr_assert_str_neq(it_js(json_object_array_get_idx(it_jget(fc, "features"), i), "id"), id);

    fc = it_call(200, "GET", "/api/v1/activities.geojson?theme=beweging", NULL, NULL);
    found = false;
    for (size_t i = 0; i < it_jlen(fc, "features"); i++)
        found |= strcmp(it_js(json_object_array_get_idx(it_jget(fc, "features"), i), "properties.id"), aid) == 0;
    cr_assert(found, "the activity is not on the activities map");
    snprintf(path, sizeof(path), "/api/v1/places.geojson?near=1,2");
    cr_assert_str_eq(it_js(it_call(400, "GET", path, NULL, NULL), "errors.0.field"), "near");
}

/* ------------------------------------------------------------------ */
/* HSDS 3.0                                                             */

/* HSDS 3.0 schemas type members as string/number/array: a JSON null anywhere fails them. */
static void assert_no_nulls(struct json_object *o, const char *where)
{
    if (json_object_is_type(o, json_type_object)) {
        json_object_object_foreach(o, k, val)
        {
            cr_assert_not_null(val, "%s: member %s is null", where, k);
            assert_no_nulls(val, where);
        }
    } else if (json_object_is_type(o, json_type_array)) {
        for (size_t i = 0; i < json_object_array_length(o); i++) {
            cr_assert_not_null(json_object_array_get_idx(o, i), "%s: null in an array", where);
            assert_no_nulls(json_object_array_get_idx(o, i), where);
        }
    }
}

static void assert_hsds_page(struct json_object *p, int page, int per_page)
{
    static const char *const keys[] = { "total_items", "total_pages", "page_number", "size",
                                        "first_page",  "last_page",   "empty",       "contents" };
    for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
        cr_assert(json_object_object_get_ex(p, keys[i], NULL), "HSDS page without %s: %.300s", keys[i], it_jtext(p));
    cr_assert_eq(json_object_get_int(it_jget(p, "page_number")), page);
    cr_assert_leq(json_object_get_int(it_jget(p, "size")), per_page);
    cr_assert_eq((size_t)json_object_get_int(it_jget(p, "size")), it_jlen(p, "contents"));
    cr_assert_eq(json_object_get_boolean(it_jget(p, "first_page")), page == 1);
    cr_assert_eq(json_object_get_boolean(it_jget(p, "empty")), it_jlen(p, "contents") == 0);
    assert_no_nulls(it_jget(p, "contents"), "HSDS contents");
}

Test(hsds, services_organizations_locations)
{
    struct world w;
    char body[4096], id[40], pid[40], title[200], path[300];
    struct json_object *p, *svc = NULL;
    int total, pages;

    world(&w);
    snprintf(title, sizeof(title), "Lotgenoten HSDS %s", w.tag);
    carer_body(body, sizeof(body), title);
    it_create("carer-support", w.key, body, id);
    snprintf(title, sizeof(title), "Buurthuis HSDS %s", w.tag);
    place_body(body, sizeof(body), title);
    it_create("places", w.key, body, pid);

    p = it_call(200, "GET", "/api/v1/hsds/services?per_page=2", NULL, NULL);
    assert_hsds_page(p, 1, 2);
    total = json_object_get_int(it_jget(p, "total_items"));
    pages = json_object_get_int(it_jget(p, "total_pages"));
    cr_assert_eq(pages, (total + 1) / 2);
    /* the last page says so; tests running beside this one may add services between the two
     * requests, so each page's last_page is checked against its own total_pages, and we ask
     * again for the new last page when the total moved */
    for (int attempt = 0; attempt < 10; attempt++) {
        snprintf(path, sizeof(path), "/api/v1/hsds/services?per_page=2&page=%d", pages);
        p = it_call(200, "GET", path, NULL, NULL);
        assert_hsds_page(p, pages, 2);
        total = json_object_get_int(it_jget(p, "total_pages"));
        cr_assert_eq(json_object_get_boolean(it_jget(p, "last_page")), pages == total, "page %d of %d: %s", pages,
                     total, it_jtext(it_jget(p, "last_page")));
        if (pages == total)
            break;
        pages = total;
    }
    cr_assert(json_object_get_boolean(it_jget(p, "last_page")), "never read the last page");

    snprintf(path, sizeof(path), "/api/v1/hsds/services?organisation=%s", w.org);
    p = it_call(200, "GET", path, NULL, NULL);
    for (size_t i = 0; i < it_jlen(p, "contents"); i++)
        if (strcmp(it_js(json_object_array_get_idx(it_jget(p, "contents"), i), "id"), id) == 0)
            svc = json_object_array_get_idx(it_jget(p, "contents"), i);
    cr_assert_not_null(svc, "the carer-support service is missing: %s", it_jtext(p));
    cr_assert_str_eq(it_js(svc, "organization_id"), w.org);
    cr_assert_str_eq(it_js(svc, "status"), "active");
    cr_assert(*it_js(svc, "name") && *it_js(svc, "description"));
    cr_assert(json_object_is_type(it_jget(svc, "phones"), json_type_array));

    snprintf(path, sizeof(path), "/api/v1/hsds/locations?organisation=%s", w.org);
    p = it_call(200, "GET", path, NULL, NULL);
    assert_hsds_page(p, 1, 50);
    cr_assert_eq(it_jlen(p, "contents"), 1, "%s", it_jtext(p));
    cr_assert_str_eq(it_js(p, "contents.0.id"), pid);
    cr_assert_float_eq(json_object_get_double(it_jget(p, "contents.0.latitude")), 51.8395, 1e-6);
    cr_assert_float_eq(json_object_get_double(it_jget(p, "contents.0.longitude")), 4.9655, 1e-6);
    cr_assert_str_eq(it_js(p, "contents.0.addresses.0.postal_code"), "4205 AB");
    cr_assert_str_eq(it_js(p, "contents.0.addresses.0.country"), "NL");
    cr_assert_str_eq(it_js(p, "contents.0.addresses.0.state_province"), "Zuid-Holland");
    cr_assert_str_eq(it_js(p, "contents.0.addresses.0.address_type"), "physical");

    /* an activity with its own address: languages (name, code), attributes (link_entity), and a
       daily rule in the WEEKLY|MONTHLY-only schedule.freq */
    {
        char aid[40];
        struct json_object *a = NULL;
        snprintf(title, sizeof(title), "Ochtendgym HSDS %s", w.tag);
        char day[11], sched[160];
        it_day(day, 7);
        snprintf(sched, sizeof(sched), "{\"start\":\"%sT09:00\",\"end\":\"%sT09:30\",\"rrule\":\"FREQ=DAILY\"}", day,
                 day);
        activity_sched_body(body, sizeof(body), title, sched, ",\"cost\":{\"free\":true},\"languages\":[\"nl\"]");
        it_create("activities", w.key, body, aid);
        snprintf(path, sizeof(path), "/api/v1/hsds/services?organisation=%s&per_page=50", w.org);
        p = it_call(200, "GET", path, NULL, NULL);
        assert_hsds_page(p, 1, 50);
        for (size_t i = 0; i < it_jlen(p, "contents"); i++)
            if (strcmp(it_js(json_object_array_get_idx(it_jget(p, "contents"), i), "id"), aid) == 0)
                a = json_object_array_get_idx(it_jget(p, "contents"), i);
        cr_assert_not_null(a, "%s", it_jtext(p));
        cr_assert_str_eq(it_js(a, "schedules.0.freq"), "WEEKLY", "%s", it_jtext(it_jget(a, "schedules")));
        cr_assert_str_eq(it_js(a, "schedules.0.byday"), "MO,TU,WE,TH,FR,SA,SU");
        cr_assert_str_eq(it_js(a, "languages.0.name"), "Nederlands", "%s", it_jtext(it_jget(a, "languages")));
        cr_assert_str_eq(it_js(a, "languages.0.code"), "nl");
        cr_assert(!has(it_jget(a, "languages.0"), "language"));
        cr_assert_str_eq(it_js(a, "attributes.0.link_entity"), "service");
        cr_assert_str_eq(it_js(a, "attributes.0.taxonomy_term.name"), "Bewegen en sport");
        cr_assert_str_eq(it_js(a, "service_at_locations.0.location.addresses.0.state_province"), "Zuid-Holland");
    }

    snprintf(path, sizeof(path), "/api/v1/hsds/organizations?organisation=%s", w.org);
    p = it_call(200, "GET", path, NULL, NULL);
    cr_assert_eq(it_jlen(p, "contents"), 1, "%s", it_jtext(p));
    cr_assert_str_eq(it_js(p, "contents.0.id"), w.org);
    cr_assert(strstr(it_js(p, "contents.0.name"), "Stichting Samen Gorinchem"));
    /* the untrusted organisation has nothing public, so it is not listed */
    snprintf(path, sizeof(path), "/api/v1/hsds/organizations?organisation=%s", w.org_u);
    cr_assert_eq(it_jlen(it_call(200, "GET", path, NULL, NULL), "contents"), 0);

    cr_assert_str_eq(it_js(it_call(400, "GET", "/api/v1/hsds/services?per_page=0", NULL, NULL), "errors.0.field"),
                     "per_page");
    cr_assert_str_eq(it_js(it_call(400, "GET", "/api/v1/hsds/locations?page=x", NULL, NULL), "errors.0.field"), "page");
}
