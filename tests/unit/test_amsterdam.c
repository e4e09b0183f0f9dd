/* test_amsterdam.c — Europe/Amsterdam summer time, the one conversion (common/amsterdam.c). */
#include <criterion/criterion.h>

#include "amsterdam.h"
#include "rrule.h"

/* Seconds since 1970 of a wall time on any scale. */
static int64_t at(int y, int mo, int d, int h, int mi, int s)
{
    struct rrule_datetime t = { { y, mo, d }, h, mi, s };
    return rrule_local_seconds(&t);
}

Test(amsterdam, offsets_switch_at_one_utc_on_the_last_sundays)
{
    cr_assert_eq(amsterdam_utc_offset(at(2025, 3, 30, 0, 59, 59)), 3600);
    cr_assert_eq(amsterdam_utc_offset(at(2025, 3, 30, 1, 0, 0)), 7200);
    cr_assert_eq(amsterdam_utc_offset(at(2025, 10, 26, 0, 59, 59)), 7200);
    cr_assert_eq(amsterdam_utc_offset(at(2025, 10, 26, 1, 0, 0)), 3600);
    cr_assert_eq(amsterdam_utc_offset(at(2024, 3, 31, 1, 0, 0)), 7200, "2024: the 31st is the last Sunday");
    cr_assert_eq(amsterdam_utc_offset(at(2024, 3, 24, 12, 0, 0)), 3600);
    cr_assert_eq(amsterdam_utc_offset(at(1995, 7, 1, 12, 0, 0)), 3600, "the EU rule applies from 1996");
    cr_assert_eq(amsterdam_utc_offset(at(2025, 1, 15, 12, 0, 0)), 3600);
}

Test(amsterdam, wall_clock_and_day)
{
    cr_assert_eq(amsterdam_from_utc(at(2025, 1, 21, 9, 0, 0)), at(2025, 1, 21, 10, 0, 0));
    cr_assert_eq(amsterdam_from_utc(at(2025, 7, 1, 8, 0, 0)), at(2025, 7, 1, 10, 0, 0));
    cr_assert_eq(amsterdam_day(at(2025, 6, 30, 21, 59, 59)), rrule_days_from_date((struct rrule_date){ 2025, 6, 30 }));
    cr_assert_eq(amsterdam_day(at(2025, 6, 30, 22, 0, 0)), rrule_days_from_date((struct rrule_date){ 2025, 7, 1 }));
    cr_assert_eq(amsterdam_day(at(2025, 12, 31, 23, 0, 0)), rrule_days_from_date((struct rrule_date){ 2026, 1, 1 }));
}

Test(amsterdam, spring_gap)
{
    cr_assert(amsterdam_in_gap(at(2025, 3, 30, 2, 0, 0)));
    cr_assert(amsterdam_in_gap(at(2025, 3, 30, 2, 59, 59)));
    cr_assert(!amsterdam_in_gap(at(2025, 3, 30, 1, 59, 59)));
    cr_assert(!amsterdam_in_gap(at(2025, 3, 30, 3, 0, 0)));
    cr_assert(!amsterdam_in_gap(at(2025, 3, 23, 2, 30, 0)), "only the last Sunday");
    cr_assert(!amsterdam_in_gap(at(2025, 10, 26, 2, 30, 0)), "autumn repeats an hour, skips none");
    cr_assert(!amsterdam_in_gap(at(1995, 3, 26, 2, 30, 0)));
}
