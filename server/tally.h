/*
 * tally.h — a worker's demand sums (issue 16): the demand notes of its
 * answered anonymous requests (common/demand.h) added up per day and cell in
 * memory, and written every demand_flush_ms in one statement
 * (sk_demand_record, sql/api/demand.sql). Nothing about a request but its
 * note reaches the tally, so nothing about who asked reaches the database.
 *
 * One tally per worker, used only on its thread: no lock. Counting is a hash
 * and a probe into a fixed table, no allocation. When the table is full (a
 * flush failed for long) new notes are dropped and the number dropped is
 * logged with the next flush. Sums not yet written when the daemon stops are
 * written during the drain when the database answers in time.
 */
#ifndef SK_TALLY_H
#define SK_TALLY_H

#include <stdbool.h>
#include <stdint.h>

struct db_pool;
struct demand_note;
struct sk_config;

struct tally;

/* A tally writing through db (borrowed) with cfg's demand_flush_ms (borrowed). */
struct tally *tally_new(struct db_pool *db, const struct sk_config *cfg);

/* Count one answered request's note at the wall-clock instant utc_s (seconds). */
void tally_note(struct tally *t, const struct demand_note *note, int64_t utc_s);

/* From the worker's tick: start a flush when one is due (at once while draining). */
void tally_tick(struct tally *t, uint64_t now_ms, bool draining);

/* Nothing waiting to be written and nothing in flight (the drain may end). */
bool tally_idle(const struct tally *t);

/* Abandon a flush in flight (its sums are lost) and free. NULL is fine. */
void tally_free(struct tally *t);

#endif
