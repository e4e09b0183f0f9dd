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
    double ms = 0, limit = 500 * it_time_factor();
    long st = 0;

    /* A prerequisite, not an option: without it this test would prove nothing. */
    cr_assert(getenv("SK_TEST_PG_STOP") && *getenv("SK_TEST_PG_STOP") && getenv("SK_TEST_PG_START") &&
                  *getenv("SK_TEST_PG_START"),
              "SK_TEST_PG_STOP and SK_TEST_PG_START must name the commands that stop and start the test "
              "cluster (deploy/test.sh sets them)");
    it_make_org("Outage test", org);
    it_make_key(org, "partner", NULL, key);
    cr_assert_eq(status_of("/api/v1/me", key, NULL), 200);

    cr_assert_eq(it_run_env_cmd("SK_TEST_PG_STOP"), 0, "could not stop PostgreSQL");
    /* Soon both readiness and API calls say 503 (within a second; longer
     * under valgrind), and say it fast. */
    cr_assert(IT_WAIT_FOR((st = status_of("/ready", NULL, NULL)) == 503, 1000, 20),
              "/ready still %ld after %.0f ms without PostgreSQL", st, 1000 * it_time_factor());
    cr_assert_eq(status_of("/api/v1/me", key, &ms), 503);
    cr_assert_lt(ms, limit, "a request took %.0f ms to fail while the database was down", ms);
    cr_assert_eq(status_of("/health", NULL, NULL), 200, "liveness must not depend on the database");

    cr_assert_eq(it_run_env_cmd("SK_TEST_PG_START"), 0, "could not start PostgreSQL");
    cr_assert(IT_WAIT_FOR((st = status_of("/ready", NULL, NULL)) == 200, 5000, 50),
              "/ready still %ld %.0f ms after PostgreSQL returned", st, 5000 * it_time_factor());
    /* Each worker's pool reconnects on its own tick: the next request may
     * reach one that has not yet; all are back within the same deadline. */
    cr_assert(IT_WAIT_FOR((st = status_of("/api/v1/me", key, NULL)) == 200, 5000, 50),
              "API calls still %ld %.0f ms after PostgreSQL returned", st, 5000 * it_time_factor());
}
