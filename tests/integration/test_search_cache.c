/*
 * test_search_cache.c — the residents' search cache (common/cache.c) never
 * serves an answer that a write through the daemon has made wrong: a repeat
 * of an anonymous search is a hit, a write retires every cached answer, and
 * the language and the caller are part of what is cached.
 */
#include <criterion/criterion.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "it.h"

#include "it_hooks.h"

struct answer {
    long status;
    char cache[16];
    char body[8192];
};

static void search(const char *path, const char *key, const char *lang, struct answer *a)
{
    struct it_response r;
    char auth[160], al[64];
    const char *headers[3] = { NULL, NULL, NULL };
    char url[1024];
    int n = 0;
    if (key) {
        snprintf(auth, sizeof(auth), "Authorization: Bearer %s", key);
        headers[n++] = auth;
    }
    if (lang) {
        snprintf(al, sizeof(al), "Accept-Language: %s", lang);
        headers[n++] = al;
    }
    snprintf(url, sizeof(url), "%s%s", it_url(), path);
    cr_assert_eq(it_request("GET", url, headers, NULL, 0, &r), 0, "GET %s: no response", path);
    a->status = r.status;
    if (it_header(&r, "X-Cache", a->cache, sizeof(a->cache)) == NULL)
        a->cache[0] = '\0';
    snprintf(a->body, sizeof(a->body), "%s", r.body ? r.body : "");
    it_response_free(&r);
}

/* A published place (admin key) with a unique word in its title; id out. */
static void make_place(const char *key, const char *org, const char *title, char *id)
{
    struct it_response r;
    struct json_object *j;
    char body[2048];
    snprintf(body, sizeof(body),
             "{\"organisation_id\":\"%s\",\"title\":\"%s\",\"summary\":\"Een plek om elkaar te ontmoeten.\","
             "\"municipality\":\"GM0512\",\"areas\":[\"GM0512-lingewijk\"],\"themes\":[\"ontmoeten\"],"
             "\"audiences\":[\"iedereen\"],\"address\":{\"street\":\"Lingewijkerweg\",\"house_number\":\"12\","
             "\"postcode\":\"4205 AB\",\"city\":\"Gorinchem\"},\"location\":{\"lat\":51.8395,\"lon\":4.9655},"
             "\"translations\":{\"en\":{\"title\":\"%s (English)\"}}}",
             org, title, title);
    cr_assert_eq(it_send("POST", "/api/v1/places", key, body, NULL, &r), 0);
    cr_assert_eq(r.status, 201, "create: %ld %s", r.status, r.body);
    j = it_json(&r);
    strcpy(id, it_jstr(j, "id"));
    json_object_put(j);
    it_response_free(&r);
}

Test(search_cache, repeats_hit_and_writes_retire_them)
{
    char org[40], key[128], id[40], tag[32], title[96], path[256], patch[256];
    struct answer a, b;
    struct it_response r;

    snprintf(tag, sizeof(tag), "cachetoets%ld", (long)time(NULL) % 100000);
    it_make_org("Stichting Cachetoets", org);
    it_make_key(org, "admin", NULL, key);
    snprintf(title, sizeof(title), "Buurtkamer %s", tag);
    make_place(key, org, title, id);

    snprintf(path, sizeof(path), "/api/v1/search?q=%s&kind=place", tag);
    search(path, NULL, NULL, &a);
    cr_assert_eq(a.status, 200, "%s", a.body);
    cr_assert_str_eq(a.cache, "miss");
    cr_assert(strstr(a.body, title), "the new place is found: %s", a.body);
    /* each worker has its own cache: within a few repeats every one has it */
    for (int i = 0; i < 8; i++) {
        search(path, NULL, NULL, &b);
        if (strcmp(b.cache, "hit") == 0)
            break;
    }
    cr_assert_str_eq(b.cache, "hit", "the same search again is answered from the cache");
    cr_assert_str_eq(b.body, a.body, "a hit is the same answer");

    /* another language is another answer */
    search(path, NULL, "en", &b);
    cr_assert_str_eq(b.cache, "miss");
    cr_assert(strstr(b.body, "(English)"), "%s", b.body);

    /* a logged-in caller always asks the database */
    search(path, key, NULL, &b);
    cr_assert_eq(b.status, 200);
    cr_assert_str_eq(b.cache, "");

    /* a write retires the cached answer at once */
    snprintf(patch, sizeof(patch), "{\"title\":\"Huiskamer %s\"}", tag);
    snprintf(title, sizeof(title), "/api/v1/places/%s", id);
    cr_assert_eq(it_send("PATCH", title, key, patch, NULL, &r), 0);
    cr_assert_eq(r.status, 200, "patch: %ld %s", r.status, r.body);
    it_response_free(&r);
    search(path, NULL, NULL, &b);
    cr_assert_str_eq(b.cache, "miss", "after a write the cache is not used");
    {
        struct json_object *j = json_tokener_parse(b.body);
        const char *t = it_jstr(j, "items.0.title");
        cr_assert(t && strncmp(t, "Huiskamer", 9) == 0, "the new title shows, not the old: %s", b.body);
        json_object_put(j);
    }

    /* and a delete too */
    cr_assert_eq(it_send("DELETE", title, key, NULL, NULL, &r), 0);
    cr_assert_eq(r.status, 204, "delete: %ld %s", r.status, r.body);
    it_response_free(&r);
    search(path, NULL, NULL, &b);
    cr_assert_null(strstr(b.body, tag), "a deleted entry is not served from the cache: %s", b.body);
}

Test(search_cache, bad_parameters_are_not_cached)
{
    struct answer a;
    search("/api/v1/search?limit=1000", NULL, NULL, &a);
    cr_assert_eq(a.status, 400);
    cr_assert_str_eq(a.cache, "");
}

/* A GET of path: its status, X-Cache and the whole body (caller frees). */
static char *get_all(const char *path, long *status, char *cache, size_t cache_cap)
{
    struct it_response r;
    char url[1024];
    char *body;
    snprintf(url, sizeof(url), "%s%s", it_url(), path);
    cr_assert_eq(it_request("GET", url, NULL, NULL, 0, &r), 0, "GET %s: no response", path);
    *status = r.status;
    if (it_header(&r, "X-Cache", cache, cache_cap) == NULL)
        cache[0] = '\0';
    body = strdup(r.body ? r.body : "");
    it_response_free(&r);
    return body;
}

/* An RPDE page with items is kept; the last (empty) page never is: time-based expiry shows there. */
Test(search_cache, rpde_last_page_is_never_kept)
{
    char cache[16], path[640], org[40], key[128], id[40];
    long status;
    char *body;
    bool seen = false;

    it_make_org("Stichting Feedtoets", org);
    it_make_key(org, "admin", NULL, key);
    make_place(key, org, "Buurtkamer feedtoets", id); /* at least one page with an item */
    /* the first page has items and is kept: asked again it comes from the cache (a write by a
     * test running beside this one empties the cache, so a few tries; never "either" state) */
    body = NULL;
    for (int i = 0; i < 8 && (body == NULL || strcmp(cache, "hit") != 0); i++) {
        free(body);
        body = get_all("/feeds/places?limit=50", &status, cache, sizeof(cache));
        cr_assert_eq(status, 200, "%s", body);
        cr_assert_eq(strncmp(body, "{\"items\":[{", 11), 0, "the first page has items: %.300s", body);
    }
    cr_assert_str_eq(cache, "hit", "a page with items is not kept in the cache");
    /* follow next (with the same page size) to the last page, passing our place */
    for (int i = 0; i < 2000 && strncmp(body, "{\"items\":[]", 11) != 0; i++) {
        struct json_object *j = json_tokener_parse(body);
        const char *next = it_jstr(j, "next");
        seen = seen || strstr(body, id) != NULL;
        cr_assert(next && strstr(next, "/feeds/"), "a page names the next one: %.300s", body);
        snprintf(path, sizeof(path), "%s&limit=50", strstr(next, "/feeds/"));
        json_object_put(j);
        free(body);
        body = get_all(path, &status, cache, sizeof(cache));
        cr_assert_eq(status, 200, "%.300s", body);
    }
    cr_assert(strncmp(body, "{\"items\":[]", 11) == 0, "reached the last page");
    cr_assert(seen, "our place %s was on no page of the feed", id);
    free(body);
    for (int i = 0; i < 4; i++) {
        body = get_all(path, &status, cache, sizeof(cache));
        cr_assert_eq(status, 200, "%.300s", body);
        cr_assert_eq(strncmp(body, "{\"items\":[]", 11), 0, "the last page again: %.300s", body);
        free(body);
        cr_assert_str_eq(cache, "", "the last page is asked of the database every time");
    }
}

/* A page from the reply cache carries the same security headers as the first answer. */
Test(search_cache, a_cached_page_keeps_its_security_headers)
{
    char csp[512] = "", frame[64] = "", cache[16] = "";
    for (int i = 0; i < 8 && strcmp(cache, "hit") != 0; i++) {
        struct it_response r;
        char url[256];
        snprintf(url, sizeof(url), "%s/", it_url());
        cr_assert_eq(it_request("GET", url, NULL, NULL, 0, &r), 0);
        cr_assert_eq(r.status, 200);
        if (it_header(&r, "X-Cache", cache, sizeof(cache)) == NULL)
            cache[0] = '\0';
        if (it_header(&r, "Content-Security-Policy", csp, sizeof(csp)) == NULL)
            csp[0] = '\0';
        if (it_header(&r, "X-Frame-Options", frame, sizeof(frame)) == NULL)
            frame[0] = '\0';
        it_response_free(&r);
        cr_assert_neq(csp[0], '\0', "answer %d (X-Cache: %s) has no Content-Security-Policy", i, cache);
        cr_assert_neq(frame[0], '\0', "answer %d (X-Cache: %s) has no X-Frame-Options", i, cache);
    }
    cr_assert_str_eq(cache, "hit", "the home page is answered from the cache within a few requests");
}
