/*
 * replica.h — a worker's way to a read replica (issue 17, database_read_url).
 *
 * What it is for: anonymous reads (searches, lists, feeds, pages) go to a streaming replica so
 * the primary keeps its connections for writes. A worker owns one replica: its own pool of
 * connections to database_read_url (db.h) and a probe that asks, once a second, how far the
 * replica's replay is behind. The replica is usable while its pool has a connection and its
 * lag is at most database_read_max_lag_ms; otherwise the caller sends reads to the primary.
 *
 * Which reads: only those of anonymous callers on cacheable routes (http.c decides). A caller
 * with a key (partner, moderator, admin) reads from the primary, always: it sees its own write
 * at once, without tracking LSNs. A read that fails on the replica for a reason of the replica
 * (no connection, recovery conflict, read-only) is sent once more to the primary.
 *
 * database_read_url is a libpq connection string and may list several hosts
 * ("host=r1,r2,p target_session_attrs=prefer-standby"): libpq then takes the first standby that
 * answers and the primary when none does, and the probe reports lag 0 for a primary.
 */
#ifndef SK_REPLICA_H
#define SK_REPLICA_H

#include <stdbool.h>
#include <stdint.h>

#include "cfg.h"

struct event_base;
struct db_pool;
struct replica;

/* A replica for worker w, or NULL when cfg has no database_read_url (or no memory: then the
 * worker reads from the primary, as without a replica). */
struct replica *replica_new(struct event_base *base, const struct sk_config *cfg, int w);

/* Close its connections (its probe is abandoned first). NULL is fine. */
void replica_free(struct replica *r);

/* Periodic: probe the lag (at most one probe in flight), reconnect, publish the metrics. */
void replica_tick(struct replica *r, uint64_t now_ms);

/* Whether reads may go to the replica now. NULL: no. */
bool replica_usable(const struct replica *r);

/* A replica is configured but not usable: the search index, which follows it, is as far behind,
 * so anonymous searches ask the primary's SQL too. NULL: no. */
bool replica_lagging(const struct replica *r);

/* The replica's pool (to submit and abandon reads). */
struct db_pool *replica_pool(struct replica *r);

#endif
