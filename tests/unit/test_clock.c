/* test_clock.c — the monotonic clock and the one ms -> timeval conversion. */
#include <criterion/criterion.h>

#include "clock.h"

Test(clock, timeval_below_a_second)
{
    struct timeval tv = clock_timeval(250);
    cr_assert_eq(tv.tv_sec, 0);
    cr_assert_eq(tv.tv_usec, 250000);
    tv = clock_timeval(999);
    cr_assert_eq(tv.tv_sec, 0);
    cr_assert_eq(tv.tv_usec, 999000);
}

/* maintenance_ms allows 10 to 10000: a whole second must carry into tv_sec. */
Test(clock, timeval_of_one_and_ten_seconds)
{
    struct timeval tv = clock_timeval(1000);
    cr_assert_eq(tv.tv_sec, 1);
    cr_assert_eq(tv.tv_usec, 0);
    tv = clock_timeval(10000);
    cr_assert_eq(tv.tv_sec, 10);
    cr_assert_eq(tv.tv_usec, 0);
    tv = clock_timeval(1500);
    cr_assert_eq(tv.tv_sec, 1);
    cr_assert_eq(tv.tv_usec, 500000);
    tv = clock_timeval(10001);
    cr_assert_eq(tv.tv_sec, 10);
    cr_assert_eq(tv.tv_usec, 1000);
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
    struct timeval tv = clock_timeval(-5);
    cr_assert_eq(tv.tv_sec, 0);
    cr_assert_eq(tv.tv_usec, 0);
}

Test(clock, monotonic_and_consistent)
{
    uint64_t a = clock_now_us(), ms = clock_now_ms(), b = clock_now_us();
    cr_assert_leq(a, b);
    cr_assert_geq(ms, a / 1000);
    cr_assert_leq(ms, b / 1000);
}
