/* test_clock.c — the monotonic clock and the one ms -> timeval conversion. */
#include <criterion/criterion.h>

#include "clock.h"

static void expect_tv(int64_t ms, long sec, long usec)
{
    struct timeval tv = clock_timeval(ms);
    cr_assert_eq(tv.tv_sec, sec, "%lld ms: tv_sec %ld, not %ld", (long long)ms, (long)tv.tv_sec, sec);
    cr_assert_eq(tv.tv_usec, usec, "%lld ms: tv_usec %ld, not %ld", (long long)ms, (long)tv.tv_usec, usec);
}

Test(clock, timeval_below_a_second)
{
    expect_tv(0, 0, 0);
    expect_tv(250, 0, 250000);
    expect_tv(999, 0, 999000);
}

/* maintenance_ms allows 10 to 10000: a whole second must carry into tv_sec. */
Test(clock, timeval_of_one_and_ten_seconds)
{
    expect_tv(1000, 1, 0);
    expect_tv(1500, 1, 500000);
    expect_tv(10000, 10, 0);
    expect_tv(10001, 10, 1000);
}

Test(clock, timeval_is_always_normalised)
{
    for (int64_t ms = 0; ms <= 20000; ms += 7) {
        struct timeval tv = clock_timeval(ms);
        cr_assert_lt(tv.tv_usec, 1000000);
        cr_assert_geq(tv.tv_usec, 0);
        cr_assert_eq((int64_t)tv.tv_sec * 1000 + tv.tv_usec / 1000, ms);
    }
}

Test(clock, negative_is_zero)
{
    expect_tv(-5, 0, 0);
}

Test(clock, monotonic_and_consistent)
{
    uint64_t a = clock_now_us(), ms = clock_now_ms(), b = clock_now_us();
    cr_assert_leq(a, b);
    cr_assert_geq(ms, a / 1000);
    cr_assert_leq(ms, b / 1000);
}
