/*
 * test_daemons.c — issue 17, item 2: several daemons on one database. Nothing in a
 * daemon needs to be unique except the periodic jobs, and those run once across daemons:
 * sk_housekeeping_run (sql/api/housekeeping.sql) claims a job's row in housekeeping_jobs
 * with FOR UPDATE SKIP LOCKED for the run, and skips a job another daemon finished within
 * the asking daemon's period. The webhook sender's claims are test_webhooks.c's
 * (three_daemons_send_each_notice_once).
 */
#include <criterion/criterion.h>
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "it.h"

#include "it_hooks.h"

TestSuite(daemons, .fini = it_release);

#define NDAEMONS 3
#define PERIOD_S 2

static PGresult *exec1(PGconn *pg, const char *sql, int n, const char *const *params)
{
    PGresult *res = PQexecParams(pg, sql, n, NULL, params, NULL, NULL, 0);
    cr_assert(PQresultStatus(res) == PGRES_TUPLES_OK || PQresultStatus(res) == PGRES_COMMAND_OK, "%s: %s", sql,
              PQerrorMessage(pg));
    return res;
}

/* sk_housekeeping_run(job, period, daemon) on pg; its answer into out. */
static void run_job(PGconn *pg, const char *job, const char *period, const char *daemon, char *out, size_t cap)
{
    const char *p[] = { job, period, daemon };
    PGresult *res = exec1(pg, "SELECT sk_housekeeping_run($1, $2::int, $3)", 3, p);
    snprintf(out, cap, "%s", PQgetvalue(res, 0, 0));
    PQclear(res);
}

/* While one daemon runs a job (its transaction holds the job's row), another is told to skip it. */
Test(daemons, a_job_running_in_one_daemon_is_skipped_by_another)
{
    PGconn *a = it_db_connect(), *b = it_db_connect();
    char said[256] = "";
    PGresult *res;

    /* a: runs the job and keeps its transaction open, as a daemon does while a job runs. Another
     * suite's daemon may hold the row for a moment: then a was told to skip; try again. */
    for (int i = 0; i < 100; i++) {
        PQclear(exec1(a, "BEGIN", 0, NULL));
        run_job(a, "demand", "0", "test-a", said, sizeof(said));
        if (strncmp(said, "skipped", 7) != 0)
            break;
        PQclear(exec1(a, "ROLLBACK", 0, NULL));
        usleep(20000);
    }
    cr_assert(strncmp(said, "skipped", 7) != 0, "a could not claim the job: %s", said);

    /* b: not waiting for a (SKIP LOCKED), told why */
    run_job(b, "demand", "0", "test-b", said, sizeof(said));
    cr_assert_str_eq(said, "skipped: running in another daemon");

    /* a done: b may run it (period 0: however recent a's run) */
    PQclear(exec1(a, "COMMIT", 0, NULL));
    for (int i = 0; i < 100; i++) {
        run_job(b, "demand", "0", "test-b", said, sizeof(said));
        if (strncmp(said, "skipped", 7) != 0)
            break;
        usleep(20000);
    }
    cr_assert(strncmp(said, "skipped", 7) != 0, "b could not run the job after a: %s", said);

    /* with an hour's period, b skips what it just ran, and says who ran it */
    run_job(b, "demand", "3600", "test-c", said, sizeof(said));
    cr_assert(strncmp(said, "skipped: ran ", 13) == 0, "%s", said);
    res = exec1(b, "SELECT last_daemon, runs > 0 FROM housekeeping_jobs WHERE job = 'demand'", 0, NULL);
    cr_assert_eq(PQntuples(res), 1);
    cr_assert_str_neq(PQgetvalue(res, 0, 0), "test-c", "a skipped run is not recorded");
    cr_assert_str_eq(PQgetvalue(res, 0, 1), "t");
    PQclear(res);

    /* a job that does not exist is an error, not a silent skip */
    {
        const char *p[] = { "poetsen", "0", "test-b" };
        res = PQexecParams(b, "SELECT sk_housekeeping_run($1, $2::int, $3)", 3, NULL, p, NULL, NULL, 0);
        cr_assert_eq(PQresultStatus(res), PGRES_FATAL_ERROR);
        cr_assert_str_eq(PQresultErrorField(res, PG_DIAG_SQLSTATE), "22023");
        PQclear(res);
    }
    PQfinish(a);
    PQfinish(b);
}

/* Count a daemon's housekeeping log lines for job: runs (ran) and skips (skipped). */
static void count_runs(const char *log_path, const char *job, int *ran, int *skipped)
{
    char line[1024], prefix[64];
    FILE *f = fopen(log_path, "r");
    cr_assert_not_null(f, "%s", log_path);
    snprintf(prefix, sizeof(prefix), "housekeeping %s: ", job);
    while (fgets(line, sizeof(line), f)) {
        const char *p = strstr(line, prefix);
        if (p == NULL)
            continue;
        if (strncmp(p + strlen(prefix), "skipped", 7) == 0)
            (*skipped)++;
        else
            (*ran)++;
    }
    fclose(f);
}

/*
 * Three daemons, each asking for every job every PERIOD_S: together they run each job about
 * once per period, not three times. Without the claim they would run it NDAEMONS times per
 * period. Another suite's daemon on this database may run a job too: our daemons then skip
 * more, which the upper bound allows.
 */
Test(daemons, housekeeping_runs_once_across_three_daemons, .timeout = 240)
{
    static const char *const jobs[] = { "moderation", "occurrences", "feeds", "responses", "demand", "initiatives" };
    const char *env[] = { "SK_HOUSEKEEPING_INTERVAL_S=" /* PERIOD_S */ "2", "SK_WORKERS=1", NULL };
    struct it_daemon d[NDAEMONS];
    double t0 = it_now_ms(), elapsed_s;

    for (int i = 0; i < NDAEMONS; i++)
        cr_assert_eq(it_daemon_start(&d[i], env), 0, "daemon %d did not start", i);
    /* four periods and a half after the last start: each daemon asks at 2, 4, 6 and 8 s */
    usleep(9000 * 1000);
    for (int i = 0; i < NDAEMONS; i++)
        cr_assert_eq(it_daemon_stop(&d[i]), 0, "daemon %d did not stop cleanly (see %s)", i, d[i].log_path);
    elapsed_s = (it_now_ms() - t0) / 1000.0;

    for (size_t k = 0; k < sizeof(jobs) / sizeof(jobs[0]); k++) {
        int ran = 0, skipped = 0, asked_min = 1000;
        for (int i = 0; i < NDAEMONS; i++) {
            int r = 0, s = 0;
            count_runs(d[i].log_path, jobs[k], &r, &s);
            ran += r;
            skipped += s;
            asked_min = r + s < asked_min ? r + s : asked_min;
        }
        /* every daemon asked at least twice in the window (first after 2 s, then every 2 s) */
        cr_assert_geq(asked_min, 2, "%s: a daemon asked %d times in %.1f s", jobs[k], asked_min, elapsed_s);
        if (strcmp(jobs[k], "occurrences") == 0 || strcmp(jobs[k], "responses") == 0)
            continue; /* done in steps: each "more ..." step is a run of its own */
        /* at most one run per 90% of a period, plus the first */
        int most = (int)(elapsed_s / (0.9 * PERIOD_S)) + 1;
        cr_assert_leq(ran, most, "%s: %d runs by %d daemons in %.1f s (at most %d; %d skipped)", jobs[k], ran, NDAEMONS,
                      elapsed_s, most, skipped);
        cr_assert_gt(skipped, 0, "%s: no daemon skipped a run (%d runs)", jobs[k], ran);
    }
}
