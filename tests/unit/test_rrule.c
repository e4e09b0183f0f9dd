/* Unit tests for common/rrule: grammar, canonical form, civil dates, rule predicates. */
#include <criterion/criterion.h>
#include <string.h>

#include "rrule.h"

enum {
    MAX_OCC = 64
};

/* ---- helpers ------------------------------------------------------ */

static struct rrule parse_ok(const char *text)
{
    struct rrule r;
    char err[RRULE_ERROR_SIZE];
    int rc = rrule_parse(text, strlen(text), &r, err, sizeof err);
    cr_assert_eq(rc, 0, "'%s' should parse, got: %s", text, err);
    return r;
}

static void parse_fails(const char *text, const char *needle)
{
    struct rrule r;
    char err[RRULE_ERROR_SIZE];
    int rc = rrule_parse(text, strlen(text), &r, err, sizeof err);
    cr_assert_eq(rc, -1, "'%s' should be rejected", text);
    cr_assert(strstr(err, needle) != NULL, "'%s': message '%s' lacks '%s'", text, err, needle);
}

static void canonical_is(const char *text, const char *want)
{
    struct rrule r = parse_ok(text);
    char buf[RRULE_TEXT_MAX];
    int n = rrule_format(&r, buf, sizeof buf);
    cr_assert_str_eq(buf, want);
    cr_assert_eq(n, (int)strlen(want));
}

static struct rrule_date D(int y, int m, int d) {
    return (struct rrule_date){ y, m, d };
}

static struct rrule_datetime
T(int y, int m, int d, int hh, int mm) {
    return (struct rrule_datetime){ { y, m, d }, hh, mm, 0 };
}

/* ---- civil dates ---------------------------------------------------- */

Test(civil, epoch_and_round_trip)
{
    cr_assert_eq(rrule_days_from_date(D(1970, 1, 1)), 0);
    cr_assert_eq(rrule_days_from_date(D(2000, 3, 1)), 11017);
    for (int64_t day = -700000; day <= 2900000; day += 37) {
        struct rrule_date d = rrule_date_from_days(day);
        cr_assert(rrule_date_valid(d));
        cr_assert_eq(rrule_days_from_date(d), day);
    }
}

Test(civil, weekdays)
{
    cr_assert_eq(rrule_weekday_of(D(1970, 1, 1)), RRULE_TH);
    cr_assert_eq(rrule_weekday_of(D(2024, 10, 29)), RRULE_TU);
    cr_assert_eq(rrule_weekday_of(D(2025, 1, 1)), RRULE_WE);
    cr_assert_eq(rrule_weekday_of(D(1969, 12, 28)), RRULE_SU);
}

Test(civil, leap_years)
{
    cr_assert_eq(rrule_days_in_month(2024, 2), 29);
    cr_assert_eq(rrule_days_in_month(2023, 2), 28);
    cr_assert_eq(rrule_days_in_month(1900, 2), 28);
    cr_assert_eq(rrule_days_in_month(2000, 2), 29);
    cr_assert(rrule_date_valid(D(2024, 2, 29)));
    cr_assert(!rrule_date_valid(D(2023, 2, 29)));
    cr_assert(!rrule_date_valid(D(2024, 4, 31)));
    cr_assert(!rrule_date_valid(D(2024, 13, 1)));
    cr_assert(!rrule_date_valid(D(2024, 0, 1)));
}

Test(civil, dst_gap)
{
    struct rrule_datetime in_gap = T(2024, 3, 31, 2, 30), at_three = T(2024, 3, 31, 3, 0);
    struct rrule_datetime day_before = T(2024, 3, 30, 2, 30), autumn = T(2024, 10, 27, 2, 30);
    struct rrule_datetime gap2025 = T(2025, 3, 30, 2, 0);
    cr_assert(rrule_in_dst_gap(&in_gap));
    cr_assert(rrule_in_dst_gap(&gap2025));
    cr_assert(!rrule_in_dst_gap(&at_three));
    cr_assert(!rrule_in_dst_gap(&day_before));
    cr_assert(!rrule_in_dst_gap(&autumn), "the autumn hour exists (twice)");
}

Test(civil, parse_date_and_local)
{
    struct rrule_date d;
    struct rrule_datetime t;
    cr_assert_eq(rrule_parse_date("2024-02-29", 10, &d), 0);
    cr_assert(d.year == 2024 && d.month == 2 && d.day == 29);
    static const char *const bad_dates[] = { "2023-02-29", "2024-1-01", "2024/01/01", "2024-01-0x" };
    for (size_t i = 0; i < sizeof(bad_dates) / sizeof(bad_dates[0]); i++)
        cr_assert_eq(rrule_parse_date(bad_dates[i], strlen(bad_dates[i]), &d), -1, "%s", bad_dates[i]);
    cr_assert_eq(rrule_parse_local("2025-03-01T10:05", 16, &t), 0);
    cr_assert(t.hour == 10 && t.minute == 5 && t.second == 0);
    static const char *const bad_locals[] = { "2025-03-01T24:00", "2025-03-01T10:60", "2025-03-01 10:00",
                                              "2025-03-01T10:00:00", "2025-02-30T10:00" };
    for (size_t i = 0; i < sizeof(bad_locals) / sizeof(bad_locals[0]); i++)
        cr_assert_eq(rrule_parse_local(bad_locals[i], strlen(bad_locals[i]), &t), -1, "%s", bad_locals[i]);
}

/* ---- grammar: accepted ------------------------------------------------ */

Test(grammar, accepts_subset)
{
    struct rrule r = parse_ok("FREQ=WEEKLY");
    cr_assert_eq(r.freq, RRULE_WEEKLY);
    cr_assert_eq(r.interval, 1);
    cr_assert_eq(r.count, 0);
    cr_assert_eq(r.until_kind, RRULE_UNTIL_NONE);

    r = parse_ok("BYDAY=TU,TH;INTERVAL=2;FREQ=WEEKLY");
    cr_assert_eq(r.freq, RRULE_WEEKLY);
    cr_assert_eq(r.interval, 2);
    cr_assert_eq(r.n_byday, 2);

    r = parse_ok("freq=monthly;byday=1mo,-1fr");
    cr_assert_eq(r.freq, RRULE_MONTHLY);
    cr_assert_eq(r.byday[0].ordinal, 1);
    cr_assert_eq(r.byday[0].weekday, RRULE_MO);
    cr_assert_eq(r.byday[1].ordinal, -1);
    cr_assert_eq(r.byday[1].weekday, RRULE_FR);

    parse_ok("FREQ=MONTHLY;BYDAY=+1MO");
    parse_ok("FREQ=MONTHLY;BYDAY=5SU,-5SA");
    parse_ok("FREQ=DAILY;INTERVAL=99");
    parse_ok("FREQ=DAILY;BYDAY=MO,TU,WE,TH,FR");
    parse_ok("FREQ=MONTHLY;BYMONTHDAY=1,-1,31,-31");
    cr_assert_eq(parse_ok("FREQ=DAILY;COUNT=1000").count, 1000);
    cr_assert_eq(parse_ok("FREQ=DAILY;COUNT=1").count, 1);
}

Test(grammar, until_forms)
{
    struct rrule r = parse_ok("FREQ=WEEKLY;UNTIL=20251231");
    cr_assert_eq(r.until_kind, RRULE_UNTIL_DATE);
    cr_assert(r.until.date.year == 2025 && r.until.date.month == 12 && r.until.date.day == 31);
    r = parse_ok("FREQ=WEEKLY;UNTIL=20251231T235959");
    cr_assert_eq(r.until_kind, RRULE_UNTIL_LOCAL);
    cr_assert(r.until.hour == 23 && r.until.minute == 59 && r.until.second == 59);
    r = parse_ok("FREQ=WEEKLY;UNTIL=20240229T120000Z");
    cr_assert_eq(r.until_kind, RRULE_UNTIL_UTC);
}

/* ---- grammar: rejected ------------------------------------------------ */

Test(grammar, rejects_structure)
{
    parse_fails("", "empty");
    parse_fails("RRULE:FREQ=DAILY", "RRULE: prefix");
    parse_fails("INTERVAL=2", "FREQ is required");
    parse_fails("FREQ=WEEKLY;FREQ=DAILY", "FREQ appears more than once");
    parse_fails("FREQ=WEEKLY;COUNT=2;COUNT=3", "COUNT appears more than once");
    parse_fails("FREQ=WEEKLY;;COUNT=2", "empty part");
    parse_fails("FREQ=WEEKLY;", "empty part");
    parse_fails(";FREQ=WEEKLY", "empty part");
    parse_fails("FREQ", "FREQ needs a value");
    parse_fails("=WEEKLY", "malformed part");
    parse_fails("FREQ=", "FREQ needs a value");
    parse_fails("FREQ=WEEKLY; COUNT=2", "malformed part");
    parse_fails("FREQ=WEEKLY;WKST=MO", "unknown part WKST");
    parse_fails("FREQ=MONTHLY;BYSETPOS=1", "unknown part BYSETPOS");
    parse_fails("FREQ=DAILY;COUNT=5;UNTIL=20250101", "COUNT and UNTIL");

    char longer[RRULE_TEXT_MAX + 20] = "FREQ=DAILY;BYDAY=MO";
    while (strlen(longer) < RRULE_TEXT_MAX + 5)
        strcat(longer, ",MO");
    parse_fails(longer, "at most");
}

Test(grammar, rejects_values)
{
    parse_fails("FREQ=YEARLY", "FREQ must be DAILY, WEEKLY or MONTHLY");
    parse_fails("FREQ=HOURLY", "FREQ must be");
    parse_fails("FREQ=WEEKLY;INTERVAL=0", "INTERVAL must be");
    parse_fails("FREQ=WEEKLY;INTERVAL=100", "INTERVAL must be");
    parse_fails("FREQ=WEEKLY;INTERVAL=-1", "INTERVAL must be");
    parse_fails("FREQ=WEEKLY;INTERVAL=2x", "INTERVAL must be");
    parse_fails("FREQ=WEEKLY;COUNT=0", "COUNT must be");
    parse_fails("FREQ=WEEKLY;COUNT=1001", "COUNT must be");
    parse_fails("FREQ=WEEKLY;UNTIL=20250230", "UNTIL must be");
    parse_fails("FREQ=WEEKLY;UNTIL=2025-12-31", "UNTIL must be");
    parse_fails("FREQ=WEEKLY;UNTIL=20251231T240000", "UNTIL must be");
    parse_fails("FREQ=WEEKLY;UNTIL=20251231T120000X", "UNTIL must be");
    parse_fails("FREQ=WEEKLY;UNTIL=20251231T1200", "UNTIL must be");
}

Test(grammar, rejects_byday_and_bymonthday)
{
    parse_fails("FREQ=WEEKLY;BYDAY=1MO", "only allowed with FREQ=MONTHLY");
    parse_fails("FREQ=DAILY;BYDAY=-1FR", "only allowed with FREQ=MONTHLY");
    parse_fails("FREQ=MONTHLY;BYDAY=6MO", "BYDAY items");
    parse_fails("FREQ=MONTHLY;BYDAY=0MO", "BYDAY items");
    parse_fails("FREQ=MONTHLY;BYDAY=XX", "BYDAY items");
    parse_fails("FREQ=WEEKLY;BYDAY=MO,,TU", "BYDAY items");
    parse_fails("FREQ=WEEKLY;BYDAY=MO,", "BYDAY items");
    parse_fails("FREQ=WEEKLY;BYDAY=MONDAY", "BYDAY items");
    parse_fails("FREQ=WEEKLY;BYDAY=MO,TU,mo", "same day twice");
    parse_fails("FREQ=WEEKLY;BYMONTHDAY=1", "BYMONTHDAY is only allowed");
    parse_fails("FREQ=MONTHLY;BYMONTHDAY=0", "BYMONTHDAY items");
    parse_fails("FREQ=MONTHLY;BYMONTHDAY=32", "BYMONTHDAY items");
    parse_fails("FREQ=MONTHLY;BYMONTHDAY=-32", "BYMONTHDAY items");
    parse_fails("FREQ=MONTHLY;BYMONTHDAY=1,1", "same day twice");
}

Test(grammar, error_buffer_may_be_small)
{
    struct rrule r;
    char tiny[8];
    cr_assert_eq(rrule_parse("FREQ=YEARLY", 11, &r, tiny, sizeof tiny), -1);
    cr_assert_eq(strlen(tiny), sizeof tiny - 1);
    cr_assert_eq(rrule_parse("FREQ=YEARLY", 11, &r, NULL, 0), -1);
}

Test(grammar, not_nul_terminated)
{
    const char buf[] = "FREQ=DAILY;COUNT=3XXXX";
    struct rrule r;
    cr_assert_eq(rrule_parse(buf, 18, &r, NULL, 0), 0);
    cr_assert_eq(r.count, 3);
}

/* ---- canonical form ------------------------------------------------ */

Test(canonical, orders_and_uppercases)
{
    canonical_is("byday=th,tu;freq=weekly;interval=1;count=5", "FREQ=WEEKLY;BYDAY=TU,TH;COUNT=5");
    canonical_is("FREQ=MONTHLY;BYDAY=-1FR,+1MO", "FREQ=MONTHLY;BYDAY=1MO,-1FR");
    canonical_is("FREQ=MONTHLY;BYMONTHDAY=15,-1,1;INTERVAL=3", "FREQ=MONTHLY;INTERVAL=3;BYMONTHDAY=-1,1,15");
    canonical_is("UNTIL=20251231;FREQ=DAILY", "FREQ=DAILY;UNTIL=20251231");
    canonical_is("FREQ=DAILY;UNTIL=20251231t080000z", "FREQ=DAILY;UNTIL=20251231T080000Z");
    canonical_is("FREQ=DAILY;UNTIL=20251231T080000", "FREQ=DAILY;UNTIL=20251231T080000");
}

Test(canonical, truncates_like_snprintf)
{
    struct rrule r = parse_ok("FREQ=WEEKLY;BYDAY=MO");
    char buf[6];
    cr_assert_eq(rrule_format(&r, buf, sizeof buf), 20);
    cr_assert_str_eq(buf, "FREQ=");
}

/* ---- rule predicates (expansion is SQL's: tests/integration/test_occurrences.c) ---- */

Test(rules, until_before_start)
{
    struct rrule r = parse_ok("FREQ=WEEKLY;UNTIL=20250101");
    struct rrule_datetime start = T(2025, 1, 7, 10, 0), same_day = T(2025, 1, 1, 23, 0);
    cr_assert(rrule_until_before(&r, &start));
    cr_assert(!rrule_until_before(&r, &same_day));
    struct rrule no_until = parse_ok("FREQ=WEEKLY");
    cr_assert(!rrule_until_before(&no_until, &start));
}

Test(rules, unsynchronised_start)
{
    struct rrule r = parse_ok("FREQ=WEEKLY;BYDAY=TU");
    struct rrule_datetime monday = T(2025, 1, 6, 10, 0), tuesday = T(2025, 1, 7, 10, 0);
    cr_assert(!rrule_start_matches(&r, &monday));
    cr_assert(rrule_start_matches(&r, &tuesday));
}

Test(rules, start_matches_monthly)
{
    struct rrule first_monday = parse_ok("FREQ=MONTHLY;BYDAY=1MO");
    struct rrule plain = parse_ok("FREQ=MONTHLY");
    struct rrule_datetime a = T(2025, 1, 6, 10, 0), b = T(2025, 1, 13, 10, 0);
    cr_assert(rrule_start_matches(&first_monday, &a));
    cr_assert(!rrule_start_matches(&first_monday, &b));
    cr_assert(rrule_start_matches(&plain, &b), "plain MONTHLY selects DTSTART's day of month");
}
