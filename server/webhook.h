/*
 * webhook.h — the webhook delivery engine and the rules for subscriber URLs.
 *
 * What it is for: sending the notices the outbox trigger (sql/api/
 * webhooks.sql) writes to webhook_deliveries. One engine runs in one
 * worker (worker 0) of each daemon, on that worker's event loop:
 *   - the worker's maintenance tick calls webhook_engine_tick, which claims
 *     due deliveries (STMT_WEBHOOK_CLAIM, FOR UPDATE SKIP LOCKED with a lease)
 *     through the worker's asynchronous database pool, at most every
 *     webhook_poll_ms and at most webhook_concurrency in flight;
 *   - each claimed delivery is an HTTP POST made with libcurl's multi
 *     interface driven by libevent (CURLMOPT_SOCKETFUNCTION/TIMERFUNCTION,
 *     curl_multi_socket_action), signed with HMAC-SHA256, bounded in time and
 *     response size, following no redirects;
 *   - its outcome goes back with STMT_WEBHOOK_REPORT, which sets the next
 *     attempt (exponential back-off) or marks it delivered/failed.
 * Nothing here waits: DNS runs in libcurl's resolver thread, sockets and
 * timers are libevent events, database work is the async pool.
 *
 * Delivery is at least once: a daemon that stops mid-delivery leaves the row
 * leased until the lease runs out, and it is sent again. Subscribers
 * deduplicate on X-SocialeKaart-Delivery.
 *
 * SSRF: webhook_url_check refuses (at registration) URLs that are not https
 * or that name loopback/private/link-local/reserved IP literals or
 * "localhost"; at delivery time every address libcurl is about to connect to
 * is checked again (CURLOPT_OPENSOCKETFUNCTION), which also defeats DNS
 * rebinding. cfg->webhooks_allow_private lifts both checks (tests, intranets).
 *
 * Not for: HTTP request handling (server/h_webhooks.c) or SQL (the catalog).
 */
#ifndef SK_WEBHOOK_H
#define SK_WEBHOOK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cfg.h"

struct event_base;
struct db_pool;
struct sockaddr;
struct webhook_engine;

/* The hex HMAC-SHA256 is 64 characters; with the NUL 65. */
#define WEBHOOK_SIG_HEX 65

/*
 * Create the engine on base, using the pool db for its two statements. Both
 * are borrowed and must outlive the engine; cfg is read-only. The engine
 * owns its libcurl multi handle, events and deliveries. NULL when out of
 * memory. curl_global_init must have run (main does it before threads).
 */
struct webhook_engine *webhook_engine_new(struct event_base *base, struct db_pool *db, const struct sk_config *cfg);

/*
 * Periodic work from the worker's maintenance tick: claim due deliveries when
 * it is time and there is room. While draining nothing new is claimed.
 */
void webhook_engine_tick(struct webhook_engine *eng, uint64_t now_ms, bool draining);

/*
 * Free everything, abandoning transfers and queries in flight (their leases
 * run out and they are sent again later). Call before the pool is freed,
 * from the thread that ran the loop, after the loop has stopped. NULL is fine.
 */
void webhook_engine_free(struct webhook_engine *eng);

/*
 * Is the subscriber URL acceptable? https (or http when allow_private), an
 * absolute URL without user name or password, a host that is not
 * "localhost" and not an IP literal outside public unicast space (unless
 * allow_private). Returns 0, or -1 with the message for the "url" field error
 * in msg (caller's buffer), worded like the API's other field errors.
 */
int webhook_url_check(const char *url, bool allow_private, char *msg, size_t msglen);

/* Is sa (AF_INET or AF_INET6) a public unicast address? false for anything else. */
bool webhook_addr_public(const struct sockaddr *sa);

/*
 * The signature of a notice: hex HMAC-SHA256 with key secret over
 * "<t>.<body>" into out. Returns 0, -1 when out of memory.
 */
int webhook_sign(const char *secret, long long t, const char *body, size_t len, char out[WEBHOOK_SIG_HEX]);

#endif
