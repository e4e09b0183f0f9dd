/*
 * cache.h — a small response cache for residents' searches.
 *
 * Many residents ask the same question (same wijk, theme, week), and each
 * search costs milliseconds of PostgreSQL CPU. The cache keeps recent
 * answers for a few seconds, keyed by the normalised search parameters.
 *
 * One cache belongs to one worker thread: no locks. It is direct-mapped
 * (a key has exactly one slot; a newer key evicts an older one), so a
 * lookup and an insert are O(1), and memory is bounded by max_bytes.
 *
 * Freshness: an entry is served only while it is younger than the TTL and
 * was stored under the current write generation. The caller passes the
 * generation (a counter the daemon bumps after every successful write), so
 * a write through this daemon invalidates every answer at once; the TTL
 * bounds staleness for changes made elsewhere (another daemon, a job).
 */
#ifndef SK_CACHE_H
#define SK_CACHE_H

#include <stddef.h>
#include <stdint.h>

struct cache;

/*
 * A new cache with slots (rounded up to a power of two), a TTL and a bound
 * on the bytes of keys and bodies it holds. NULL when out of memory.
 * ttl_ms == 0 makes a cache that never stores anything.
 */
struct cache *cache_new(size_t slots, uint64_t ttl_ms, size_t max_bytes);

/* Free the cache and everything in it; NULL is fine. */
void cache_free(struct cache *c);

/*
 * The body stored for key, or NULL when there is none, it is older than the
 * TTL or from another generation. The pointer stays valid until the next
 * cache_put or cache_free on this cache (the caller copies it at once).
 */
const char *cache_get(struct cache *c, const char *key, size_t key_len, uint64_t now_ms, uint64_t gen,
                      size_t *body_len);

/*
 * Store a copy of body under key. Silently does nothing when the entry
 * would not fit in max_bytes or memory runs out: a cache may forget.
 */
void cache_put(struct cache *c, const char *key, size_t key_len, const char *body, size_t body_len, uint64_t now_ms,
               uint64_t gen);

/* Bytes held now (keys and bodies); for tests and the log. */
size_t cache_bytes(const struct cache *c);

#endif
