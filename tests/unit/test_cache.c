/* test_cache.c — the residents' search cache: hits, TTL, generations, bounds. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "cache.h"

#define K(s) s, strlen(s)

/* A cache (8 slots, 1 MiB) whose entries live ttl_ms, holding q=a -> x put at 100 in generation 1. */
static struct cache *one_entry(uint64_t ttl_ms)
{
    struct cache *c = cache_new(8, ttl_ms, 1 << 20);
    cache_put(c, K("q=a"), K("x"), 100, 1);
    return c;
}

Test(cache, hit_within_ttl_and_generation)
{
    struct cache *c = cache_new(8, 1000, 1 << 20);
    size_t n = 0;
    const char *b;
    cache_put(c, K("q=a"), K("{\"items\":[1]}"), 100, 7);
    b = cache_get(c, K("q=a"), 500, 7, &n);
    cr_assert_not_null(b);
    cr_assert_eq(n, strlen("{\"items\":[1]}"));
    cr_assert_str_eq(b, "{\"items\":[1]}");
    cr_assert_null(cache_get(c, K("q=b"), 500, 7, &n), "another key misses");
    cache_free(c);
}

Test(cache, expires_after_ttl)
{
    struct cache *c = one_entry(1000);
    size_t n;
    cr_assert_null(cache_get(c, K("q=a"), 1100, 1, &n));
    cr_assert_eq(cache_bytes(c), 0, "an expired entry is freed when found");
    cache_free(c);
}

Test(cache, a_write_invalidates_everything)
{
    struct cache *c = one_entry(60000);
    size_t n;
    cr_assert_null(cache_get(c, K("q=a"), 200, 2, &n), "generation moved on");
    cache_free(c);
}

Test(cache, respects_the_byte_budget)
{
    struct cache *c = cache_new(64, 60000, 100);
    char key[16];
    size_t n;
    char body[40];
    memset(body, 'b', sizeof(body));
    for (int i = 0; i < 20; i++) {
        snprintf(key, sizeof(key), "k%d", i);
        cache_put(c, key, strlen(key), body, sizeof(body), 100, 1);
        cr_assert_leq(cache_bytes(c), 100);
    }
    cache_put(c, K("big"), body, sizeof(body), 100, 1);
    cr_assert_leq(cache_bytes(c), 100);
    /* once the others expire, there is room again */
    cache_put(c, K("late"), body, sizeof(body), 60100, 1);
    cr_assert_not_null(cache_get(c, K("late"), 60101, 1, &n));
    cache_free(c);
}

Test(cache, ttl_zero_disables)
{
    struct cache *c = one_entry(0);
    size_t n;
    cr_assert_null(cache_get(c, K("q=a"), 100, 1, &n));
    cache_free(c);
}
