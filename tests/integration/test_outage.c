/*
 * test_outage.c — PostgreSQL goes away and comes back: the daemon answers
 * 503 at once while it is gone and recovers by itself, without a restart.
 * Needs SK_TEST_PG_STOP and SK_TEST_PG_START (set by deploy/test.sh).
 */
#include <criterion/criterion.h>
#include <string.h>
#include <unistd.h>

#include "it.h"

#include "it_hooks.h"

static long status_of(const char *path, const char *key, double *ms)
{
    struct it_response r;
    long st;
    double t0 = it_now_ms();
    if (it_get(path, key, &r) != 0)
        return -1;
    st = r.status;
    if (ms)
        *ms = it_now_ms() - t0;
    it_response_free(&r);
    return st;
}

Test(outage, stop_gives_503_fast_and_start_recovers)
{
    char org[40], key[128];
    double ms, t0;
    long st = 0;

    if (getenv("SK_TEST_PG_STOP") == NULL)
        cr_skip_test("SK_TEST_PG_STOP is not set");
    it_make_org("Outage test", org);
    it_make_key(org, "partner", NULL, key);
    cr_assert_eq(status_of("/api/v1/me", key, NULL), 200);

    cr_assert_eq(it_run_env_cmd("SK_TEST_PG_STOP"), 0, "could not stop PostgreSQL");
    /* Within a second both readiness and API calls say 503, and say it fast. */
    t0 = it_now_ms();
    while (it_now_ms() - t0 < 1000 && (st = status_of("/ready", NULL, NULL)) != 503)
        usleep(20000);
    cr_assert_eq(st, 503, "/ready still %ld after 1 s without PostgreSQL", st);
    cr_assert_eq(status_of("/api/v1/me", key, &ms), 503);
    cr_assert_lt(ms, 500, "a request took %.0f ms to fail while the database was down", ms);
    cr_assert_eq(status_of("/health", NULL, NULL), 200, "liveness must not depend on the database");

    cr_assert_eq(it_run_env_cmd("SK_TEST_PG_START"), 0, "could not start PostgreSQL");
    t0 = it_now_ms();
    while (it_now_ms() - t0 < 5000 && (st = status_of("/ready", NULL, NULL)) != 200)
        usleep(50000);
    cr_assert_eq(st, 200, "/ready not back 5 s after PostgreSQL returned");
    /* Each worker's pool reconnects on its own tick: the next request may
     * reach one that has not yet; all are back within the same 5 s. */
    while (it_now_ms() - t0 < 5000 && (st = status_of("/api/v1/me", key, NULL)) != 200)
        usleep(50000);
    cr_assert_eq(st, 200, "API calls not back 5 s after PostgreSQL returned");
}
