/*
 * test_occurrences.c — RRULE expansion, the one that runs: SQL's
 * sk_occ_expand, against the real database. These are the cases the C
 * expander (rrule_expand in common/rrule.c, removed: production never ran
 * it) was tested with, with the same expected dates: DST changes, INTERVAL,
 * COUNT, UNTIL (date, local, UTC), BYDAY with ordinals, BYMONTHDAY,
 * exdates, leap years, half-open and far windows.
 *
 * Reads only, so it runs on a fresh or a reused database, in any order.
 */
#include <criterion/criterion.h>
#include <libpq-fe.h>
#include <stdio.h>
#include <string.h>

#include "it.h"
#include "rrule.h"

#include "it_hooks.h"

enum {
    MAX_OCC = 64,
    MAX_EXDATES = 8
};

static PGconn *db;

static void db_open(void)
{
    db = (PGconn *)it_db_connect();
}

static void db_close(void)
{
    PQfinish(db);
}

TestSuite(expand, .init = db_open, .fini = db_close);

static struct rrule_date D(int y, int m, int d) {
    return (struct rrule_date){ y, m, d };
}

static struct rrule_datetime
T(int y, int m, int d, int hh, int mm) {
    return (struct rrule_datetime){ { y, m, d }, hh, mm, 0 };
}

/*
 * Expands `text` (NULL = one-off) with sk_occ_expand over the local dates [from, to) and returns
 * the count; out (MAX_OCC entries) gets the occurrences in order.
 */
static size_t
expand(const char *text, struct rrule_datetime start, struct rrule_date from, struct rrule_date to,
       const struct rrule_date *ex, size_t n_ex, struct rrule_datetime *out)
{
    char s[32], f[16], t[16], exs[MAX_EXDATES * 11 + 3] = "{";
    const char *params[5] = { s, text, exs, f, t };
    PGresult *res;
    size_t n;
    snprintf(s, sizeof(s), "%04d-%02d-%02d %02d:%02d:%02d", start.date.year, start.date.month, start.date.day,
             start.hour, start.minute, start.second);
    snprintf(f, sizeof(f), "%04d-%02d-%02d", from.year, from.month, from.day);
    snprintf(t, sizeof(t), "%04d-%02d-%02d", to.year, to.month, to.day);
    cr_assert_leq(n_ex, MAX_EXDATES);
    for (size_t i = 0; i < n_ex; i++)
        snprintf(exs + strlen(exs), sizeof(exs) - strlen(exs), "%s%04d-%02d-%02d", i ? "," : "", ex[i].year,
                 ex[i].month, ex[i].day);
    strcat(exs, "}");
    res = PQexecParams(db,
                       "SELECT to_char(local_start, 'YYYY MM DD HH24 MI SS') FROM "
                       "sk_occ_expand($1::timestamp, NULL, $2, $3::date[], NULL, $4::date, $5::date) "
                       "ORDER BY local_start",
                       5, NULL, params, NULL, NULL, 0);
    cr_assert_eq(PQresultStatus(res), PGRES_TUPLES_OK, "sk_occ_expand: %s", PQerrorMessage(db));
    n = (size_t)PQntuples(res);
    cr_assert_leq(n, MAX_OCC, "more than %d occurrences", MAX_OCC);
    for (size_t i = 0; i < n; i++) {
        struct rrule_datetime *o = &out[i];
        cr_assert_eq(sscanf(PQgetvalue(res, (int)i, 0), "%d %d %d %d %d %d", &o->date.year, &o->date.month,
                            &o->date.day, &o->hour, &o->minute, &o->second),
                     6);
    }
    PQclear(res);
    return n;
}

/* Checks that occurrences are exactly the given days of (year, months[i]) at hh:mm. */
static void assert_dates(const struct rrule_datetime *got, size_t n, const struct rrule_date *want, size_t n_want,
                         int hh, int mm)
{
    cr_assert_eq(n, n_want, "got %zu occurrences, want %zu", n, n_want);
    for (size_t i = 0; i < n; i++) {
        cr_assert(got[i].date.year == want[i].year && got[i].date.month == want[i].month &&
                      got[i].date.day == want[i].day,
                  "occurrence %zu: got %04d-%02d-%02d, want %04d-%02d-%02d", i, got[i].date.year, got[i].date.month,
                  got[i].date.day, want[i].year, want[i].month, want[i].day);
        cr_assert_eq(got[i].hour, hh, "occurrence %zu hour %d", i, got[i].hour);
        cr_assert_eq(got[i].minute, mm);
    }
}

#define ASSERT_DATES(got, n, hh, mm, ...)                                                                              \
    do {                                                                                                               \
        const struct rrule_date want_[] = { __VA_ARGS__ };                                                             \
        assert_dates(got, n, want_, sizeof want_ / sizeof want_[0], hh, mm);                                           \
    } while (0)

Test(expand, weekly_tuesday_across_october_dst)
{
    struct rrule_datetime out[MAX_OCC];
    size_t n = expand("FREQ=WEEKLY;BYDAY=TU", T(2024, 10, 15, 10, 0), D(2024, 10, 1), D(2024, 11, 13), NULL, 0, out);
    /* Clocks go back on Sunday 27 October 2024; the walk stays at 10:00. */
    ASSERT_DATES(out, n, 10, 0, D(2024, 10, 15), D(2024, 10, 22), D(2024, 10, 29), D(2024, 11, 5), D(2024, 11, 12));
}

Test(expand, weekly_across_march_dst)
{
    struct rrule_datetime out[MAX_OCC];
    size_t n = expand("FREQ=WEEKLY", T(2025, 3, 23, 2, 30), D(2025, 3, 1), D(2025, 4, 7), NULL, 0, out);
    /* 30 March 2025 02:30 does not exist; wall-clock expansion still lists it. */
    ASSERT_DATES(out, n, 2, 30, D(2025, 3, 23), D(2025, 3, 30), D(2025, 4, 6));
}

Test(expand, monthly_first_monday)
{
    struct rrule_datetime out[MAX_OCC];
    size_t n = expand("FREQ=MONTHLY;BYDAY=1MO", T(2025, 1, 6, 14, 0), D(2025, 1, 1), D(2026, 1, 1), NULL, 0, out);
    ASSERT_DATES(out, n, 14, 0, D(2025, 1, 6), D(2025, 2, 3), D(2025, 3, 3), D(2025, 4, 7), D(2025, 5, 5),
                 D(2025, 6, 2), D(2025, 7, 7), D(2025, 8, 4), D(2025, 9, 1), D(2025, 10, 6), D(2025, 11, 3),
                 D(2025, 12, 1));
}

Test(expand, monthly_last_friday)
{
    struct rrule_datetime out[MAX_OCC];
    size_t n = expand("FREQ=MONTHLY;BYDAY=-1FR", T(2025, 1, 31, 19, 30), D(2025, 1, 1), D(2026, 1, 1), NULL, 0, out);
    ASSERT_DATES(out, n, 19, 30, D(2025, 1, 31), D(2025, 2, 28), D(2025, 3, 28), D(2025, 4, 25), D(2025, 5, 30),
                 D(2025, 6, 27), D(2025, 7, 25), D(2025, 8, 29), D(2025, 9, 26), D(2025, 10, 31), D(2025, 11, 28),
                 D(2025, 12, 26));
}

Test(expand, monthly_fifth_monday_only_when_it_exists)
{
    struct rrule_datetime out[MAX_OCC];
    size_t n = expand("FREQ=MONTHLY;BYDAY=5MO", T(2025, 3, 31, 9, 0), D(2025, 1, 1), D(2026, 1, 1), NULL, 0, out);
    ASSERT_DATES(out, n, 9, 0, D(2025, 3, 31), D(2025, 6, 30), D(2025, 9, 29), D(2025, 12, 29));
}

Test(expand, monthly_friday_the_13th)
{
    struct rrule_datetime out[MAX_OCC];
    size_t n = expand("FREQ=MONTHLY;BYDAY=FR;BYMONTHDAY=13", T(2024, 9, 13, 20, 0), D(2024, 1, 1), D(2026, 12, 1), NULL,
                      0, out);
    ASSERT_DATES(out, n, 20, 0, D(2024, 9, 13), D(2024, 12, 13), D(2025, 6, 13), D(2026, 2, 13), D(2026, 3, 13),
                 D(2026, 11, 13));
}

Test(expand, weekly_interval_two)
{
    struct rrule_datetime out[MAX_OCC];
    size_t n =
        expand("FREQ=WEEKLY;INTERVAL=2;BYDAY=TU,TH", T(2025, 1, 9, 10, 0), D(2025, 1, 1), D(2025, 2, 8), NULL, 0, out);
    /* Starts on Thursday: the Tuesday before it in the same week is not included. */
    ASSERT_DATES(out, n, 10, 0, D(2025, 1, 9), D(2025, 1, 21), D(2025, 1, 23), D(2025, 2, 4), D(2025, 2, 6));
}

Test(expand, monthly_interval_two)
{
    struct rrule_datetime out[MAX_OCC];
    size_t n =
        expand("FREQ=MONTHLY;INTERVAL=2;BYDAY=1MO", T(2025, 1, 6, 14, 0), D(2025, 1, 1), D(2025, 8, 1), NULL, 0, out);
    ASSERT_DATES(out, n, 14, 0, D(2025, 1, 6), D(2025, 3, 3), D(2025, 5, 5), D(2025, 7, 7));
}

Test(expand, daily_interval_and_weekday_filter)
{
    struct rrule_datetime out[MAX_OCC];
    size_t n = expand("FREQ=DAILY;INTERVAL=3", T(2025, 1, 1, 8, 0), D(2025, 1, 1), D(2025, 1, 12), NULL, 0, out);
    ASSERT_DATES(out, n, 8, 0, D(2025, 1, 1), D(2025, 1, 4), D(2025, 1, 7), D(2025, 1, 10));
    n = expand("FREQ=DAILY;BYDAY=MO,TU,WE,TH,FR", T(2025, 1, 2, 8, 0), D(2025, 1, 1), D(2025, 1, 9), NULL, 0, out);
    ASSERT_DATES(out, n, 8, 0, D(2025, 1, 2), D(2025, 1, 3), D(2025, 1, 6), D(2025, 1, 7), D(2025, 1, 8));
}

Test(expand, count_includes_dtstart_and_ignores_exdates)
{
    struct rrule_datetime out[MAX_OCC];
    size_t n = expand("FREQ=DAILY;COUNT=5", T(2025, 1, 1, 8, 0), D(2025, 1, 1), D(2025, 2, 1), NULL, 0, out);
    ASSERT_DATES(out, n, 8, 0, D(2025, 1, 1), D(2025, 1, 2), D(2025, 1, 3), D(2025, 1, 4), D(2025, 1, 5));

    const struct rrule_date ex[] = { D(2025, 1, 2) };
    n = expand("FREQ=DAILY;COUNT=5", T(2025, 1, 1, 8, 0), D(2025, 1, 1), D(2025, 2, 1), ex, 1, out);
    ASSERT_DATES(out, n, 8, 0, D(2025, 1, 1), D(2025, 1, 3), D(2025, 1, 4), D(2025, 1, 5));

    /* A window that starts later still counts from DTSTART. */
    n = expand("FREQ=DAILY;COUNT=5", T(2025, 1, 1, 8, 0), D(2025, 1, 4), D(2025, 2, 1), NULL, 0, out);
    ASSERT_DATES(out, n, 8, 0, D(2025, 1, 4), D(2025, 1, 5));
    n = expand("FREQ=DAILY;COUNT=5", T(2025, 1, 1, 8, 0), D(2025, 1, 6), D(2025, 2, 1), NULL, 0, out);
    cr_assert_eq(n, 0);
}

Test(expand, count_with_monthly_rule)
{
    struct rrule_datetime out[MAX_OCC];
    size_t n =
        expand("FREQ=MONTHLY;BYDAY=-1FR;COUNT=3", T(2025, 1, 31, 19, 0), D(2024, 1, 1), D(2030, 1, 1), NULL, 0, out);
    ASSERT_DATES(out, n, 19, 0, D(2025, 1, 31), D(2025, 2, 28), D(2025, 3, 28));
}

Test(expand, until_date_is_inclusive)
{
    struct rrule_datetime out[MAX_OCC];
    size_t n = expand("FREQ=WEEKLY;UNTIL=20250121", T(2025, 1, 7, 10, 0), D(2025, 1, 1), D(2025, 3, 1), NULL, 0, out);
    ASSERT_DATES(out, n, 10, 0, D(2025, 1, 7), D(2025, 1, 14), D(2025, 1, 21));
}

Test(expand, until_local_and_utc)
{
    struct rrule_datetime out[MAX_OCC];
    size_t n =
        expand("FREQ=WEEKLY;UNTIL=20250121T095959", T(2025, 1, 7, 10, 0), D(2025, 1, 1), D(2025, 3, 1), NULL, 0, out);
    ASSERT_DATES(out, n, 10, 0, D(2025, 1, 7), D(2025, 1, 14));
    /* Winter: 09:00Z is 10:00 in Amsterdam, so 21 January is included. */
    n = expand("FREQ=WEEKLY;UNTIL=20250121T090000Z", T(2025, 1, 7, 10, 0), D(2025, 1, 1), D(2025, 3, 1), NULL, 0, out);
    ASSERT_DATES(out, n, 10, 0, D(2025, 1, 7), D(2025, 1, 14), D(2025, 1, 21));
    n = expand("FREQ=WEEKLY;UNTIL=20250121T085959Z", T(2025, 1, 7, 10, 0), D(2025, 1, 1), D(2025, 3, 1), NULL, 0, out);
    ASSERT_DATES(out, n, 10, 0, D(2025, 1, 7), D(2025, 1, 14));
    /* Summer: 08:00Z is 10:00 CEST. */
    n = expand("FREQ=WEEKLY;UNTIL=20250701T080000Z", T(2025, 6, 24, 10, 0), D(2025, 6, 1), D(2025, 8, 1), NULL, 0, out);
    ASSERT_DATES(out, n, 10, 0, D(2025, 6, 24), D(2025, 7, 1));
    n = expand("FREQ=WEEKLY;UNTIL=20250701T075959Z", T(2025, 6, 24, 10, 0), D(2025, 6, 1), D(2025, 8, 1), NULL, 0, out);
    ASSERT_DATES(out, n, 10, 0, D(2025, 6, 24));
}

Test(expand, exdates_are_removed)
{
    struct rrule_datetime out[MAX_OCC];
    const struct rrule_date ex[] = { D(2024, 12, 31), D(2024, 12, 24), D(2030, 1, 1) };
    size_t n = expand("FREQ=WEEKLY;BYDAY=TU", T(2024, 12, 10, 10, 0), D(2024, 12, 1), D(2025, 1, 15), ex, 3, out);
    ASSERT_DATES(out, n, 10, 0, D(2024, 12, 10), D(2024, 12, 17), D(2025, 1, 7), D(2025, 1, 14));
}

Test(expand, monthly_on_31st_skips_short_months)
{
    struct rrule_datetime out[MAX_OCC];
    size_t n = expand("FREQ=MONTHLY", T(2024, 1, 31, 12, 0), D(2024, 1, 1), D(2025, 1, 1), NULL, 0, out);
    ASSERT_DATES(out, n, 12, 0, D(2024, 1, 31), D(2024, 3, 31), D(2024, 5, 31), D(2024, 7, 31), D(2024, 8, 31),
                 D(2024, 10, 31), D(2024, 12, 31));
}

Test(expand, february_and_leap_years)
{
    struct rrule_datetime out[MAX_OCC];
    size_t n =
        expand("FREQ=MONTHLY;BYMONTHDAY=-1", T(2023, 12, 31, 12, 0), D(2023, 12, 1), D(2024, 4, 1), NULL, 0, out);
    ASSERT_DATES(out, n, 12, 0, D(2023, 12, 31), D(2024, 1, 31), D(2024, 2, 29), D(2024, 3, 31));
    n = expand("FREQ=MONTHLY;BYMONTHDAY=29", T(2023, 1, 29, 12, 0), D(2023, 1, 1), D(2024, 4, 1), NULL, 0, out);
    cr_assert_eq(n, 14, "Feb 2023 has no 29th, Feb 2024 has: got %zu", n);
    cr_assert_eq(out[1].date.month, 3);
    cr_assert(out[13].date.year == 2024 && out[13].date.month == 3);
    cr_assert(out[12].date.year == 2024 && out[12].date.month == 2 && out[12].date.day == 29);
    n = expand("FREQ=DAILY", T(2024, 2, 27, 7, 0), D(2024, 2, 27), D(2024, 3, 2), NULL, 0, out);
    ASSERT_DATES(out, n, 7, 0, D(2024, 2, 27), D(2024, 2, 28), D(2024, 2, 29), D(2024, 3, 1));
    n = expand("FREQ=DAILY", T(2100, 2, 27, 7, 0), D(2100, 2, 27), D(2100, 3, 2), NULL, 0, out);
    ASSERT_DATES(out, n, 7, 0, D(2100, 2, 27), D(2100, 2, 28), D(2100, 3, 1));
}

Test(expand, unsynchronised_start_is_still_first)
{
    struct rrule_datetime out[MAX_OCC];
    struct rrule_datetime monday = T(2025, 1, 6, 10, 0);
    size_t n = expand("FREQ=WEEKLY;BYDAY=TU", monday, D(2025, 1, 1), D(2025, 1, 15), NULL, 0, out);
    ASSERT_DATES(out, n, 10, 0, D(2025, 1, 6), D(2025, 1, 7), D(2025, 1, 14));
}

Test(expand, one_off_without_rule)
{
    struct rrule_datetime out[MAX_OCC];
    size_t n = expand(NULL, T(2025, 5, 1, 10, 0), D(2025, 5, 1), D(2025, 5, 2), NULL, 0, out);
    ASSERT_DATES(out, n, 10, 0, D(2025, 5, 1));
    cr_assert_eq(expand(NULL, T(2025, 5, 1, 10, 0), D(2025, 5, 2), D(2025, 6, 1), NULL, 0, out), 0);
    /* (The C expander also dropped a one-off on an exdate; SQL keeps it, and no request can ask:
     * validate.c refuses exdates without an rrule.) */
}

Test(expand, window_is_half_open_and_empty_windows)
{
    struct rrule_datetime out[MAX_OCC];
    size_t n = expand("FREQ=DAILY", T(2025, 1, 1, 8, 0), D(2025, 1, 3), D(2025, 1, 5), NULL, 0, out);
    ASSERT_DATES(out, n, 8, 0, D(2025, 1, 3), D(2025, 1, 4));
    cr_assert_eq(expand("FREQ=DAILY", T(2025, 1, 1, 8, 0), D(2025, 1, 5), D(2025, 1, 5), NULL, 0, out), 0);
    cr_assert_eq(expand("FREQ=DAILY", T(2025, 1, 1, 8, 0), D(2025, 1, 5), D(2025, 1, 1), NULL, 0, out), 0);
    cr_assert_eq(expand("FREQ=DAILY", T(2025, 1, 1, 8, 0), D(2024, 1, 1), D(2025, 1, 1), NULL, 0, out), 0);
}

Test(expand, impossible_rule_terminates)
{
    struct rrule_datetime out[MAX_OCC];
    /* The 31st is never a first Monday: only DTSTART, and the loop ends at the window. */
    size_t n =
        expand("FREQ=MONTHLY;BYDAY=1MO;BYMONTHDAY=31", T(2025, 1, 6, 9, 0), D(2025, 1, 1), D(2125, 1, 1), NULL, 0, out);
    cr_assert_eq(n, 1);
}

/* The skip-ahead for far windows must agree with plain arithmetic. */
Test(expand, far_window_matches_brute_force)
{
    struct rrule_datetime out[MAX_OCC];
    size_t n =
        expand("FREQ=MONTHLY;INTERVAL=5;BYDAY=1MO", T(2000, 1, 3, 9, 0), D(2099, 1, 1), D(2101, 1, 1), NULL, 0, out);
    cr_assert_eq(n, 5);
    for (size_t i = 0; i < n; i++) {
        int months = (out[i].date.year - 2000) * 12 + out[i].date.month - 1;
        cr_assert_eq(months % 5, 0);
        cr_assert_leq(out[i].date.day, 7);
        cr_assert_eq(rrule_weekday_of(out[i].date), RRULE_MO);
    }
}

/*
 * A rule without COUNT has no end of its own: sk_occ_expand once took
 * cnt := least(COUNT, 1000), and least() ignores NULL, so a daily activity
 * stopped after 1000 days (these two windows had no rows at all).
 */
Test(expand, far_window_beyond_1000_occurrences)
{
    struct rrule_datetime out[MAX_OCC];
    struct rrule_datetime start = T(2000, 1, 1, 9, 0); /* a Saturday */
    int64_t d0 = rrule_days_from_date(start.date);
    size_t n = expand("FREQ=DAILY;INTERVAL=3", start, D(2099, 12, 1), D(2100, 1, 1), NULL, 0, out);
    cr_assert_gt(n, 9);
    for (size_t i = 0; i < n; i++)
        cr_assert_eq((rrule_days_from_date(out[i].date) - d0) % 3, 0);
    cr_assert_lt(rrule_days_from_date(out[0].date) - rrule_days_from_date(D(2099, 12, 1)), 3);

    n = expand("FREQ=WEEKLY;INTERVAL=2;BYDAY=SA,SU", start, D(2099, 12, 1), D(2100, 1, 1), NULL, 0, out);
    cr_assert_geq(n, 4);
    for (size_t i = 0; i < n; i++) {
        int64_t monday0 = d0 - 5, day = rrule_days_from_date(out[i].date);
        cr_assert_eq(((day - monday0) / 7) % 2, 0, "week parity");
        cr_assert_geq(rrule_weekday_of(out[i].date), RRULE_SA);
    }
}
