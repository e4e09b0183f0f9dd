/* test_ratelimit.c — GCRA: burst, steady rate, Retry-After, isolation. */
#include <criterion/criterion.h>

#include "ratelimit.h"

Test(ratelimit, burst_then_limited_then_recovers)
{
    struct ratelimit *rl = ratelimit_new(10, 5); /* 10/s, burst 5 */
    uint64_t t = 1000000000;
    for (int i = 0; i < 5; i++)
        cr_assert_eq(ratelimit_check(rl, 101, t), 0, "request %d of the burst refused", i);
    cr_assert_geq(ratelimit_check(rl, 101, t), 1);
    cr_assert_eq(ratelimit_check(rl, 102, t), 0, "another client shares the budget");
    cr_assert_eq(ratelimit_check(rl, 101, t + 100000), 0, "one interval later one more is allowed");
    ratelimit_free(rl);
}

Test(ratelimit, disabled_allows_everything)
{
    struct ratelimit *rl = ratelimit_new(0, 1);
    cr_assert_null(rl);
    for (int i = 0; i < 1000; i++)
        cr_assert_eq(ratelimit_check(rl, 7, 1), 0);
}

Test(ratelimit, retry_after_is_whole_seconds)
{
    struct ratelimit *rl = ratelimit_new(1, 1);
    cr_assert_eq(ratelimit_check(rl, 9, 5000000), 0);
    cr_assert_eq(ratelimit_check(rl, 9, 5000000), 1);
    ratelimit_free(rl);
}
