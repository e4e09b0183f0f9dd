/* Unit tests for common/rrule: grammar, canonical form, civil dates, expansion. */
#include <criterion/criterion.h>
#include <string.h>

#include "rrule.h"

enum { MAX_OCC = 64 };

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

static struct rrule_date D(int y, int m, int d)
{
	return (struct rrule_date){y, m, d};
}

static struct rrule_datetime T(int y, int m, int d, int hh, int mm)
{
	return (struct rrule_datetime){{y, m, d}, hh, mm, 0};
}

/* Expands `text` (NULL = one-off) and returns the count; out gets the occurrences. */
static size_t expand(const char *text, struct rrule_datetime start, struct rrule_date from, struct rrule_date to,
		     const struct rrule_date *ex, size_t n_ex, struct rrule_datetime *out)
{
	struct rrule r;
	if (text)
		r = parse_ok(text);
	struct rrule_query q = {text ? &r : NULL, start, ex, n_ex, from, to};
	bool more = false;
	size_t n = rrule_expand(&q, out, MAX_OCC, &more);
	cr_assert(!more, "unexpected truncation");
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
			  "occurrence %zu: got %04d-%02d-%02d, want %04d-%02d-%02d", i, got[i].date.year,
			  got[i].date.month, got[i].date.day, want[i].year, want[i].month, want[i].day);
		cr_assert_eq(got[i].hour, hh, "occurrence %zu hour %d", i, got[i].hour);
		cr_assert_eq(got[i].minute, mm);
	}
}

#define ASSERT_DATES(got, n, hh, mm, ...)                                                                   \
	do {                                                                                                \
		const struct rrule_date want_[] = {__VA_ARGS__};                                            \
		assert_dates(got, n, want_, sizeof want_ / sizeof want_[0], hh, mm);                        \
	} while (0)

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
	cr_assert_eq(rrule_parse_date("2023-02-29", 10, &d), -1);
	cr_assert_eq(rrule_parse_date("2024-1-01", 9, &d), -1);
	cr_assert_eq(rrule_parse_date("2024/01/01", 10, &d), -1);
	cr_assert_eq(rrule_parse_date("2024-01-0x", 10, &d), -1);
	cr_assert_eq(rrule_parse_local("2025-03-01T10:05", 16, &t), 0);
	cr_assert(t.hour == 10 && t.minute == 5 && t.second == 0);
	cr_assert_eq(rrule_parse_local("2025-03-01T24:00", 16, &t), -1);
	cr_assert_eq(rrule_parse_local("2025-03-01T10:60", 16, &t), -1);
	cr_assert_eq(rrule_parse_local("2025-03-01 10:00", 16, &t), -1);
	cr_assert_eq(rrule_parse_local("2025-03-01T10:00:00", 19, &t), -1);
	cr_assert_eq(rrule_parse_local("2025-02-30T10:00", 16, &t), -1);
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

/* ---- expansion ------------------------------------------------------ */

Test(expand, weekly_tuesday_across_october_dst)
{
	struct rrule_datetime out[MAX_OCC];
	size_t n = expand("FREQ=WEEKLY;BYDAY=TU", T(2024, 10, 15, 10, 0), D(2024, 10, 1), D(2024, 11, 13), NULL, 0,
			  out);
	/* Clocks go back on Sunday 27 October 2024; the walk stays at 10:00. */
	ASSERT_DATES(out, n, 10, 0, D(2024, 10, 15), D(2024, 10, 22), D(2024, 10, 29), D(2024, 11, 5),
		     D(2024, 11, 12));
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
	size_t n = expand("FREQ=MONTHLY;BYDAY=-1FR", T(2025, 1, 31, 19, 30), D(2025, 1, 1), D(2026, 1, 1), NULL, 0,
			  out);
	ASSERT_DATES(out, n, 19, 30, D(2025, 1, 31), D(2025, 2, 28), D(2025, 3, 28), D(2025, 4, 25),
		     D(2025, 5, 30), D(2025, 6, 27), D(2025, 7, 25), D(2025, 8, 29), D(2025, 9, 26),
		     D(2025, 10, 31), D(2025, 11, 28), D(2025, 12, 26));
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
	size_t n = expand("FREQ=MONTHLY;BYDAY=FR;BYMONTHDAY=13", T(2024, 9, 13, 20, 0), D(2024, 1, 1), D(2026, 12, 1),
			  NULL, 0, out);
	ASSERT_DATES(out, n, 20, 0, D(2024, 9, 13), D(2024, 12, 13), D(2025, 6, 13), D(2026, 2, 13),
		     D(2026, 3, 13), D(2026, 11, 13));
}

Test(expand, weekly_interval_two)
{
	struct rrule_datetime out[MAX_OCC];
	size_t n = expand("FREQ=WEEKLY;INTERVAL=2;BYDAY=TU,TH", T(2025, 1, 9, 10, 0), D(2025, 1, 1), D(2025, 2, 8),
			  NULL, 0, out);
	/* Starts on Thursday: the Tuesday before it in the same week is not included. */
	ASSERT_DATES(out, n, 10, 0, D(2025, 1, 9), D(2025, 1, 21), D(2025, 1, 23), D(2025, 2, 4), D(2025, 2, 6));
}

Test(expand, monthly_interval_two)
{
	struct rrule_datetime out[MAX_OCC];
	size_t n = expand("FREQ=MONTHLY;INTERVAL=2;BYDAY=1MO", T(2025, 1, 6, 14, 0), D(2025, 1, 1), D(2025, 8, 1),
			  NULL, 0, out);
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

	const struct rrule_date ex[] = {D(2025, 1, 2)};
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
	size_t n = expand("FREQ=MONTHLY;BYDAY=-1FR;COUNT=3", T(2025, 1, 31, 19, 0), D(2024, 1, 1), D(2030, 1, 1), NULL,
			  0, out);
	ASSERT_DATES(out, n, 19, 0, D(2025, 1, 31), D(2025, 2, 28), D(2025, 3, 28));
}

Test(expand, until_date_is_inclusive)
{
	struct rrule_datetime out[MAX_OCC];
	size_t n = expand("FREQ=WEEKLY;UNTIL=20250121", T(2025, 1, 7, 10, 0), D(2025, 1, 1), D(2025, 3, 1), NULL, 0,
			  out);
	ASSERT_DATES(out, n, 10, 0, D(2025, 1, 7), D(2025, 1, 14), D(2025, 1, 21));
}

Test(expand, until_local_and_utc)
{
	struct rrule_datetime out[MAX_OCC];
	size_t n = expand("FREQ=WEEKLY;UNTIL=20250121T095959", T(2025, 1, 7, 10, 0), D(2025, 1, 1), D(2025, 3, 1),
			  NULL, 0, out);
	ASSERT_DATES(out, n, 10, 0, D(2025, 1, 7), D(2025, 1, 14));
	/* Winter: 09:00Z is 10:00 in Amsterdam, so 21 January is included. */
	n = expand("FREQ=WEEKLY;UNTIL=20250121T090000Z", T(2025, 1, 7, 10, 0), D(2025, 1, 1), D(2025, 3, 1), NULL, 0,
		   out);
	ASSERT_DATES(out, n, 10, 0, D(2025, 1, 7), D(2025, 1, 14), D(2025, 1, 21));
	n = expand("FREQ=WEEKLY;UNTIL=20250121T085959Z", T(2025, 1, 7, 10, 0), D(2025, 1, 1), D(2025, 3, 1), NULL, 0,
		   out);
	ASSERT_DATES(out, n, 10, 0, D(2025, 1, 7), D(2025, 1, 14));
	/* Summer: 08:00Z is 10:00 CEST. */
	n = expand("FREQ=WEEKLY;UNTIL=20250701T080000Z", T(2025, 6, 24, 10, 0), D(2025, 6, 1), D(2025, 8, 1), NULL, 0,
		   out);
	ASSERT_DATES(out, n, 10, 0, D(2025, 6, 24), D(2025, 7, 1));
	n = expand("FREQ=WEEKLY;UNTIL=20250701T075959Z", T(2025, 6, 24, 10, 0), D(2025, 6, 1), D(2025, 8, 1), NULL, 0,
		   out);
	ASSERT_DATES(out, n, 10, 0, D(2025, 6, 24));
}

Test(expand, until_before_start)
{
	struct rrule r = parse_ok("FREQ=WEEKLY;UNTIL=20250101");
	struct rrule_datetime start = T(2025, 1, 7, 10, 0), same_day = T(2025, 1, 1, 23, 0);
	cr_assert(rrule_until_before(&r, &start));
	cr_assert(!rrule_until_before(&r, &same_day));
	struct rrule no_until = parse_ok("FREQ=WEEKLY");
	cr_assert(!rrule_until_before(&no_until, &start));
}

Test(expand, exdates_are_removed)
{
	struct rrule_datetime out[MAX_OCC];
	const struct rrule_date ex[] = {D(2024, 12, 31), D(2024, 12, 24), D(2030, 1, 1)};
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
	size_t n = expand("FREQ=MONTHLY;BYMONTHDAY=-1", T(2023, 12, 31, 12, 0), D(2023, 12, 1), D(2024, 4, 1), NULL,
			  0, out);
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
	struct rrule r = parse_ok("FREQ=WEEKLY;BYDAY=TU");
	struct rrule_datetime monday = T(2025, 1, 6, 10, 0), tuesday = T(2025, 1, 7, 10, 0);
	cr_assert(!rrule_start_matches(&r, &monday));
	cr_assert(rrule_start_matches(&r, &tuesday));
	size_t n = expand("FREQ=WEEKLY;BYDAY=TU", monday, D(2025, 1, 1), D(2025, 1, 15), NULL, 0, out);
	ASSERT_DATES(out, n, 10, 0, D(2025, 1, 6), D(2025, 1, 7), D(2025, 1, 14));
}

Test(expand, start_matches_monthly)
{
	struct rrule first_monday = parse_ok("FREQ=MONTHLY;BYDAY=1MO");
	struct rrule plain = parse_ok("FREQ=MONTHLY");
	struct rrule_datetime a = T(2025, 1, 6, 10, 0), b = T(2025, 1, 13, 10, 0);
	cr_assert(rrule_start_matches(&first_monday, &a));
	cr_assert(!rrule_start_matches(&first_monday, &b));
	cr_assert(rrule_start_matches(&plain, &b), "plain MONTHLY selects DTSTART's day of month");
}

Test(expand, one_off_without_rule)
{
	struct rrule_datetime out[MAX_OCC];
	size_t n = expand(NULL, T(2025, 5, 1, 10, 0), D(2025, 5, 1), D(2025, 5, 2), NULL, 0, out);
	ASSERT_DATES(out, n, 10, 0, D(2025, 5, 1));
	cr_assert_eq(expand(NULL, T(2025, 5, 1, 10, 0), D(2025, 5, 2), D(2025, 6, 1), NULL, 0, out), 0);
	const struct rrule_date ex[] = {D(2025, 5, 1)};
	cr_assert_eq(expand(NULL, T(2025, 5, 1, 10, 0), D(2025, 5, 1), D(2025, 5, 2), ex, 1, out), 0);
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

Test(expand, capacity_bound_reports_more)
{
	struct rrule r = parse_ok("FREQ=DAILY");
	struct rrule_datetime out[3];
	struct rrule_query q = {&r, T(2025, 1, 1, 8, 0), NULL, 0, D(2025, 1, 1), D(2025, 1, 11)};
	bool more = false;
	cr_assert_eq(rrule_expand(&q, out, 3, &more), 3);
	cr_assert(more);
	q.to = D(2025, 1, 4);
	cr_assert_eq(rrule_expand(&q, out, 3, &more), 3);
	cr_assert(!more);
	cr_assert_eq(rrule_expand(&q, NULL, 0, NULL), 0);
}

Test(expand, impossible_rule_terminates)
{
	struct rrule_datetime out[MAX_OCC];
	/* The 31st is never a first Monday: only DTSTART, and the loop ends at the window. */
	size_t n = expand("FREQ=MONTHLY;BYDAY=1MO;BYMONTHDAY=31", T(2025, 1, 6, 9, 0), D(2025, 1, 1), D(2125, 1, 1),
			  NULL, 0, out);
	cr_assert_eq(n, 1);
}

/* The skip-ahead for far windows must agree with plain arithmetic. */
Test(expand, far_window_matches_brute_force)
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

	n = expand("FREQ=MONTHLY;INTERVAL=5;BYDAY=1MO", T(2000, 1, 3, 9, 0), D(2099, 1, 1), D(2101, 1, 1), NULL, 0,
		   out);
	cr_assert_eq(n, 5);
	for (size_t i = 0; i < n; i++) {
		int months = (out[i].date.year - 2000) * 12 + out[i].date.month - 1;
		cr_assert_eq(months % 5, 0);
		cr_assert_leq(out[i].date.day, 7);
		cr_assert_eq(rrule_weekday_of(out[i].date), RRULE_MO);
	}
}
