/*
 * cache.c — direct-mapped response cache (see cache.h).
 */
#include "cache.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

struct cache_slot {
    uint64_t hash;
    uint64_t stored_ms;
    uint64_t gen;
    char *data; /* owned: key, then body, one allocation; NULL = empty */
    size_t key_len;
    size_t body_len;
};

struct cache {
    struct cache_slot *slots; /* owned */
    size_t mask;              /* slots - 1 */
    uint64_t ttl_ms;
    size_t max_bytes;
    size_t bytes;
    /* Set by a sweep: until quiet_until_ms every entry is of quiet_gen and
     * fresh, so another sweep could free nothing and is skipped (a full
     * cache of fresh answers must not cost O(slots) on every miss). */
    bool quiet;
    uint64_t quiet_gen;
    uint64_t quiet_until_ms;
};

/* FNV-1a: short keys, no adversary gains much (a collision only evicts). */
static uint64_t cache_hash(const char *key, size_t len)
{
    uint64_t h = 1469598103934665603ULL;
    for (size_t i = 0; i < len; i++) {
        h ^= (unsigned char)key[i];
        h *= 1099511628211ULL;
    }
    return h;
}

struct cache *cache_new(size_t slots, uint64_t ttl_ms, size_t max_bytes)
{
    struct cache *c = calloc(1, sizeof(*c));
    size_t n = 1;
    if (c == NULL)
        return NULL;
    while (n < slots && n < ((size_t)1 << 20))
        n <<= 1;
    c->slots = calloc(n, sizeof(*c->slots));
    if (c->slots == NULL) {
        free(c);
        return NULL;
    }
    c->mask = n - 1;
    c->ttl_ms = ttl_ms;
    c->max_bytes = max_bytes;
    return c;
}

static void cache_slot_clear(struct cache *c, struct cache_slot *s)
{
    if (s->data) {
        c->bytes -= s->key_len + s->body_len;
        free(s->data);
    }
    memset(s, 0, sizeof(*s));
}

static void cache_sweep(struct cache *c, uint64_t now_ms, uint64_t gen)
{
    uint64_t until = UINT64_MAX;
    for (size_t i = 0; i <= c->mask; i++) {
        struct cache_slot *s = &c->slots[i];
        if (s->data && (s->gen != gen || now_ms - s->stored_ms >= c->ttl_ms))
            cache_slot_clear(c, s);
        else if (s->data && s->stored_ms + c->ttl_ms < until)
            until = s->stored_ms + c->ttl_ms;
    }
    c->quiet = true;
    c->quiet_gen = gen;
    c->quiet_until_ms = until;
}

void cache_free(struct cache *c)
{
    if (c == NULL)
        return;
    for (size_t i = 0; i <= c->mask; i++)
        free(c->slots[i].data);
    free(c->slots);
    free(c);
}

const char *cache_get(struct cache *c, const char *key, size_t key_len, uint64_t now_ms, uint64_t gen, size_t *body_len)
{
    uint64_t h;
    struct cache_slot *s;
    if (c == NULL || c->ttl_ms == 0)
        return NULL;
    h = cache_hash(key, key_len);
    s = &c->slots[h & c->mask];
    if (s->data == NULL || s->hash != h || s->key_len != key_len || memcmp(s->data, key, key_len) != 0)
        return NULL;
    if (s->gen != gen || now_ms - s->stored_ms >= c->ttl_ms) {
        cache_slot_clear(c, s); /* stale: free its memory now */
        return NULL;
    }
    *body_len = s->body_len;
    return s->data + key_len;
}

void cache_put(struct cache *c, const char *key, size_t key_len, const char *body, size_t body_len, uint64_t now_ms,
               uint64_t gen)
{
    uint64_t h;
    struct cache_slot *s;
    char *data;
    if (c == NULL || c->ttl_ms == 0 || key_len + body_len > c->max_bytes)
        return;
    h = cache_hash(key, key_len);
    s = &c->slots[h & c->mask];
    cache_slot_clear(c, s);
    /* Over budget: free every expired or outdated slot (a rare O(slots)
     * sweep); if that is not enough, this answer is not kept. */
    if (c->bytes + key_len + body_len > c->max_bytes &&
        !(c->quiet && gen == c->quiet_gen && now_ms < c->quiet_until_ms))
        cache_sweep(c, now_ms, gen);
    if (c->bytes + key_len + body_len > c->max_bytes)
        return;
    data = malloc(key_len + body_len + 1);
    if (data == NULL)
        return;
    memcpy(data, key, key_len);
    memcpy(data + key_len, body, body_len);
    data[key_len + body_len] = '\0';
    s->hash = h;
    s->stored_ms = now_ms;
    s->gen = gen;
    s->data = data;
    s->key_len = key_len;
    s->body_len = body_len;
    c->bytes += key_len + body_len;
    if (gen != c->quiet_gen)
        c->quiet = false;
    else if (now_ms + c->ttl_ms < c->quiet_until_ms)
        c->quiet_until_ms = now_ms + c->ttl_ms;
}

size_t cache_bytes(const struct cache *c)
{
    return c ? c->bytes : 0;
}
