/*
 * housekeeping.c — periodic database jobs (see housekeeping.h).
 */
#include "housekeeping.h"

#include <libpq-fe.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "clock.h"
#include "db.h"
#include "log.h"
#include "metrics.h"
#include "replycache.h"

#define HK_FIRST_MS 2000  /* first run after start: the pool has connected by then */
#define HK_RETRY_MS 30000 /* after a failed or refused run */
#define HK_MORE_MS  200   /* after a step that left more to do ("more ...") */

/*
 * The jobs, each asked for every housekeeping_interval_s. sk_housekeeping_run (sql/api/
 * housekeeping.sql) knows what each one calls, and runs it in one daemon at a time.
 */
static const char *const hk_jobs[] = {
    "moderation",  /* hide stale entries, erase old report hashes (0005) */
    "occurrences", /* move the occurrence horizon, in steps (0012) */
    "feeds",       /* expired entries become RPDE deleted items (0006) */
    "responses",   /* erase residents' responses past delete_after (issue 15) */
    "demand",      /* erase wishes past delete_after, old search words (issue 16) */
    "initiatives", /* erase initiators' contacts on erase_contact_on (issue 16) */
};
#define HK_NJOBS (sizeof(hk_jobs) / sizeof(hk_jobs[0]))

struct hk_run {
    struct housekeeping *hk;
    const char *job;       /* one of hk_jobs */
    const char *params[3]; /* job, period, daemon: point into hk_jobs and the instance */
    struct db_query q;     /* valid while running */
    bool running;
    uint64_t next_ms;
};

struct housekeeping {
    struct db_pool *db;          /* borrowed */
    const struct sk_config *cfg; /* borrowed */
    _Atomic uint64_t *write_gen; /* borrowed, shared; NULL = none */
    uint64_t started_ms;
    char interval[16]; /* housekeeping_interval_s, the period sk_housekeeping_run compares with */
    char daemon[96];   /* host:pid, recorded with each run (housekeeping_jobs.last_daemon) */
    struct hk_run runs[HK_NJOBS];
};

/* One run slot per job; the first runs are scheduled on the first tick. */
struct housekeeping *housekeeping_new(struct db_pool *db, const struct sk_config *cfg, _Atomic uint64_t *write_gen)
{
    struct housekeeping *hk = calloc(1, sizeof(*hk));
    char host[64] = "";
    if (hk == NULL)
        return NULL;
    hk->db = db;
    hk->cfg = cfg;
    hk->write_gen = write_gen;
    snprintf(hk->interval, sizeof(hk->interval), "%d", cfg->housekeeping_interval_s);
    if (gethostname(host, sizeof(host) - 1) < 0 || host[0] == '\0')
        strcpy(host, "localhost");
    snprintf(hk->daemon, sizeof(hk->daemon), "%s:%ld", host, (long)getpid());
    for (size_t i = 0; i < HK_NJOBS; i++) {
        struct hk_run *run = &hk->runs[i];
        run->hk = hk;
        run->job = hk_jobs[i];
        run->params[0] = run->job;
        run->params[1] = hk->interval;
        run->params[2] = hk->daemon;
        run->next_ms = 0; /* set on the first tick */
    }
    return hk;
}

/* A job's result: log what it did (one line), schedule the next run. */
static void hk_done(struct db_query *q, PGresult *res, const struct db_error *err)
{
    struct hk_run *run = q->arg;
    uint64_t now = clock_now_ms();

    run->running = false;
    if (err->status != DB_OK) {
        metrics_housekeeping(0, METRICS_HK_FAILED); /* housekeeping runs on worker 0 */
        log_msg(LOG_WARN, "housekeeping %s failed: %s", run->job, err->message);
        run->next_ms = now + HK_RETRY_MS;
        return;
    }
    const char *said = PQntuples(res) == 1 && !PQgetisnull(res, 0, 0) ? PQgetvalue(res, 0, 0) : "done";
    bool skipped = strncmp(said, "skipped", 7) == 0;
    metrics_housekeeping(0, skipped ? METRICS_HK_SKIPPED : METRICS_HK_OK);
    if (!skipped)
        replycache_invalidate(run->hk->write_gen); /* a job may have hidden or expired entries */
    log_msg(LOG_INFO, "housekeeping %s: %s", run->job, said);
    /* a job done in steps says "more ..." until its last step */
    run->next_ms =
        now + (strncmp(said, "more", 4) == 0 ? HK_MORE_MS : (uint64_t)run->hk->cfg->housekeeping_interval_s * 1000u);
}

/* Start every due job that is not running yet; a refused submit is retried later. */
void housekeeping_tick(struct housekeeping *hk, uint64_t now_ms, bool draining)
{
    if (hk == NULL || draining)
        return;
    if (hk->started_ms == 0) {
        hk->started_ms = now_ms;
        for (size_t i = 0; i < HK_NJOBS; i++)
            hk->runs[i].next_ms = now_ms + HK_FIRST_MS;
    }
    for (size_t i = 0; i < HK_NJOBS; i++) {
        struct hk_run *run = &hk->runs[i];
        struct db_error err;
        if (run->running || now_ms < run->next_ms)
            continue;
        run->q =
            (struct db_query){ .stmt = STMT_HK_RUN, .nparams = 3, .params = run->params, .done = hk_done, .arg = run };
        run->running = true;
        if (db_submit(hk->db, &run->q, &err) < 0) {
            run->running = false;
            run->next_ms = now_ms + HK_RETRY_MS;
        }
    }
}

/* The pool must not call back into freed runs: abandon what is in flight first. */
void housekeeping_free(struct housekeeping *hk)
{
    if (hk == NULL)
        return;
    for (size_t i = 0; i < HK_NJOBS; i++)
        if (hk->runs[i].running)
            db_query_abandon(hk->db, &hk->runs[i].q);
    free(hk);
}
