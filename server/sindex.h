/*
 * sindex.h — the resident search answered from the daemon's memory (issue 13).
 *
 * PostgreSQL stays the one source of truth; this is a copy of what residents
 * can see, built at start and kept current by a follower thread of its own
 * (sindex_follow.c) that reads the committed change stream (feed_items, in
 * writing-transaction order, never past a running transaction) and wakes on
 * NOTIFY sk_changes. The copy is an immutable snapshot: workers read it under
 * an RCU read lock (liburcu, memb flavour) and never wait; the follower builds
 * the next snapshot beside it, swaps the pointer and frees the old one after a
 * grace period, so it never waits for a search either.
 *
 * A snapshot is a large base segment and a small delta segment (entries
 * changed since the base was built), each with CRoaring bitmaps for every
 * filter and facet value and a lexicon of the Dutch lexemes with one bitmap per
 * field weight; documents (the anonymous JSON of each entry per language,
 * rendered by PostgreSQL when the entry changes, table sk_docs) live in the
 * snapshot too, so a page is assembled without the database.
 *
 * The semantics are api_search's (sql/api/search.sql): the differential test
 * (tests/integration/test_search_diff.c) compares the two on random searches.
 */
#ifndef SK_SINDEX_H
#define SK_SINDEX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cfg.h"
#include "validate.h"

struct evbuffer;
struct event;
struct json_object;
struct sindex;

/* What /health and /ready tell about the index. */
struct sindex_status {
    bool loaded;        /* a first snapshot is published */
    bool lagging;       /* the last catch-up is older than search_index_max_lag_ms */
    size_t entries;     /* documents residents can see */
    uint64_t position;  /* change-stream position: every transaction below it is applied */
    int64_t lag_ms;     /* since the last completed catch-up with the database */
    int64_t build_ms;   /* the last full build */
    size_t index_bytes; /* bitmaps, lexicon, per-entry search data (estimate) */
    size_t doc_bytes;   /* rendered documents */
    uint64_t publishes; /* snapshots published so far */
};

/*
 * Start the follower thread: it connects with conninfo, loads everything and
 * publishes the first snapshot, then follows. write_gen (borrowed, shared) is
 * bumped on every publish so reply caches drop answers the change may alter.
 * NULL when the thread cannot start.
 */
struct sindex *sindex_start(const struct sk_config *cfg, const char *conninfo, _Atomic uint64_t *write_gen);

/* Stop the follower and free everything; no reader may be inside. */
void sindex_stop(struct sindex *ix);

/* Each thread that searches registers once (RCU reader, scratch space, stemmer). */
void sindex_thread_enter(void);
void sindex_thread_leave(void);

void sindex_status(struct sindex *ix, struct sindex_status *out);

/*
 * Answer a search from the current snapshot. params: the object of
 * search_params_parse (borrowed). On 200 the body is appended to out and, when
 * total_out is not NULL, the number of matches is put there. On 400
 * errs holds what is wrong (the caller answers the problem). Returns the HTTP
 * status, or 0 when no snapshot is loaded yet (the caller asks the database).
 */
int sindex_search(struct sindex *ix, struct json_object *params, const char *lang, struct evbuffer *out,
                  struct verr_list *errs, uint64_t *total_out);

/*
 * Read-your-writes. After a write committed, sindex_ticket gives the number of
 * the first catch-up that starts after now (and wakes the follower);
 * sindex_caught_up says whether it has been published. Workers subscribe an
 * event that the follower activates after each publish (libevent's thread
 * support makes event_active safe from another thread).
 */
uint64_t sindex_ticket(struct sindex *ix);
bool sindex_caught_up(struct sindex *ix, uint64_t ticket);
int sindex_subscribe(struct sindex *ix, struct event *ev);
void sindex_unsubscribe(struct sindex *ix, struct event *ev);

#endif
