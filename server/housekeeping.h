/*
 * housekeeping.h — periodic database jobs of the daemon.
 *
 * What it is for: SQL functions that must run now and then whether or not
 * anyone makes a request: hiding entries nobody confirmed for too long
 * (sk_moderation_housekeeping, 0005) and moving the horizon of materialised
 * activity occurrences (sk_occurrences_extend_step, 0012). The job list is a
 * table in housekeeping.c: add a line (and a statement in db_catalog.c) for
 * a new job.
 *
 * One instance runs in worker 0, driven by that worker's maintenance tick;
 * every job runs through the worker's asynchronous pool (never blocking the
 * loop), at most one run per job at a time, first a few seconds after start
 * and then every housekeeping_interval_s. A failed or refused run is retried
 * after HK_RETRY_MS. While draining nothing new starts.
 *
 * Several daemons on one database: each asks for every job, and
 * sk_housekeeping_run (sql/api/housekeeping.sql) claims the job's row in
 * housekeeping_jobs (FOR UPDATE SKIP LOCKED) for the run, so a job runs in one
 * daemon at a time and about once per period however many daemons ask; the
 * others are told "skipped: ..." (logged, counted in sk_housekeeping_runs_total).
 *
 * Ownership: the instance borrows the pool and cfg (both must outlive it)
 * and owns its query structs; free it before the pool (it abandons what is
 * in flight).
 */
#ifndef SK_HOUSEKEEPING_H
#define SK_HOUSEKEEPING_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "cfg.h"

struct db_pool;
struct housekeeping;

/* NULL when out of memory. */
/* write_gen (borrowed, shared) is bumped after each job: jobs hide and expire entries. */
struct housekeeping *housekeeping_new(struct db_pool *db, const struct sk_config *cfg, _Atomic uint64_t *write_gen);

/* From the maintenance tick: start the jobs that are due. */
void housekeeping_tick(struct housekeeping *hk, uint64_t now_ms, bool draining);

/* Abandon running jobs and free; NULL is fine. */
void housekeeping_free(struct housekeeping *hk);

#endif
