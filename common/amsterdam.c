/*
 * amsterdam.c — Europe/Amsterdam summer time (EU rule). See amsterdam.h.
 * The civil-date arithmetic is rrule.c's.
 */
#include "amsterdam.h"

#include "rrule.h"

enum {
    SECONDS_PER_DAY = 86400,
    SECONDS_PER_HOUR = 3600,
    DAYS_PER_WEEK = 7,
    EU_RULE_SINCE = 1996,   /* the last-Sunday rules apply from this year */
    STANDARD_OFFSET = 3600, /* CET, UTC+1 */
    SUMMER_OFFSET = 7200,   /* CEST, UTC+2 */
    SWITCH_HOUR_UTC = 1,    /* EU clocks change at 01:00 UTC */
    GAP_HOUR_LOCAL = 2,     /* 02:00-02:59 is skipped in spring */
};

/* Floor division: days of seconds before 1970 round down too. */
static int64_t day_of(int64_t seconds)
{
    return seconds >= 0 ? seconds / SECONDS_PER_DAY : -((-seconds + SECONDS_PER_DAY - 1) / SECONDS_PER_DAY);
}

/* The day number of the last Sunday of a month. */
static int64_t last_sunday(int year, int month)
{
    struct rrule_date last = { year, month, rrule_days_in_month(year, month) };
    return rrule_days_from_date(last) - ((int)rrule_weekday_of(last) + 1) % DAYS_PER_WEEK;
}

int amsterdam_utc_offset(int64_t utc)
{
    int year = rrule_date_from_days(day_of(utc)).year;
    int64_t start = last_sunday(year, 3) * SECONDS_PER_DAY + SWITCH_HOUR_UTC * SECONDS_PER_HOUR;
    int64_t end = last_sunday(year, 10) * SECONDS_PER_DAY + SWITCH_HOUR_UTC * SECONDS_PER_HOUR;
    return year >= EU_RULE_SINCE && utc >= start && utc < end ? SUMMER_OFFSET : STANDARD_OFFSET;
}

int64_t amsterdam_from_utc(int64_t utc)
{
    return utc + amsterdam_utc_offset(utc);
}

int64_t amsterdam_day(int64_t utc)
{
    return day_of(amsterdam_from_utc(utc));
}

bool amsterdam_in_gap(int64_t local)
{
    int64_t day = day_of(local), hour = (local - day * SECONDS_PER_DAY) / SECONDS_PER_HOUR;
    struct rrule_date d = rrule_date_from_days(day);
    return d.year >= EU_RULE_SINCE && d.month == 3 && day == last_sunday(d.year, 3) && hour == GAP_HOUR_LOCAL;
}
