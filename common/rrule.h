/*
 * rrule: recurrence rules (a subset of RFC 5545 RRULE) and the civil-date
 * arithmetic they need.
 *
 * What it is for: checking the `schedule.rrule` text of an activity on the
 * request path (validate.c), turning it into a struct, and the predicates
 * the entry rules need (does DTSTART match the rule, does UNTIL lie before
 * it). All date work is done on proleptic Gregorian day numbers; no time_t,
 * no localtime(), no TZ database; summer time is amsterdam.h's.
 *
 * What it is not for: expanding rules into occurrences. That is SQL's
 * sk_occ_expand, the one implementation that runs (tested by
 * tests/integration/test_occurrences.c). Nor storing rules (the API stores
 * the rrule text exactly as given; rrule_format() is for internal use),
 * time zones other than Europe/Amsterdam, or the full RFC 5545 grammar.
 *
 * Supported grammar (names and values case-insensitive, parts in any order,
 * each part at most once):
 *   FREQ=DAILY|WEEKLY|MONTHLY          required
 *   INTERVAL=1..99                     default 1
 *   BYDAY=MO,TU,...                    ordinals (+1..+5, -1..-5, e.g. 1MO,
 *                                      -1FR) only with FREQ=MONTHLY
 *   BYMONTHDAY=1..31|-1..-31,...       only with FREQ=MONTHLY
 *   COUNT=1..1000  or  UNTIL=YYYYMMDD[THHMMSS[Z]]   (not both)
 *
 * Everything here is pure: no I/O, no allocation, no global state.
 */
#ifndef SK_RRULE_H
#define SK_RRULE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "contract.h"

/* Bounds of the grammar (part of the public API contract). */
enum {
    RRULE_TEXT_MAX = 256, /* bytes of rule text */
    RRULE_INTERVAL_MAX = CONTRACT_RRULE_INTERVAL_MAX,
    RRULE_COUNT_MAX = CONTRACT_RRULE_COUNT_MAX,
    RRULE_BYDAY_MAX = 16,      /* entries in BYDAY */
    RRULE_BYMONTHDAY_MAX = 31, /* entries in BYMONTHDAY */
    RRULE_ORDINAL_MAX = 5,     /* |n| in BYDAY=nMO */
    RRULE_ERROR_SIZE = 160,    /* size of an error message buffer */
};

/* A calendar date; month 1..12, day 1..31. Plain value, no ownership. */
struct rrule_date {
    int year;
    int month;
    int day;
};

/* A local wall-clock date-time in Europe/Amsterdam. Plain value. */
struct rrule_datetime {
    struct rrule_date date;
    int hour;   /* 0..23 */
    int minute; /* 0..59 */
    int second; /* 0..59 */
};

enum rrule_freq {
    RRULE_DAILY,
    RRULE_WEEKLY,
    RRULE_MONTHLY
};

/* Weekdays as used everywhere in this module: Monday = 0 .. Sunday = 6. */
enum rrule_weekday {
    RRULE_MO,
    RRULE_TU,
    RRULE_WE,
    RRULE_TH,
    RRULE_FR,
    RRULE_SA,
    RRULE_SU
};

/* One BYDAY entry: ordinal 0 means "every such weekday in the period". */
struct rrule_byday {
    int ordinal; /* 0, 1..5 or -1..-5 */
    enum rrule_weekday weekday;
};

/* How UNTIL was written; it decides how it is compared. */
enum rrule_until_kind {
    RRULE_UNTIL_NONE,  /* no UNTIL */
    RRULE_UNTIL_DATE,  /* YYYYMMDD: up to and including that local date */
    RRULE_UNTIL_LOCAL, /* YYYYMMDDTHHMMSS: local wall-clock time */
    RRULE_UNTIL_UTC,   /* YYYYMMDDTHHMMSSZ: converted to Amsterdam time */
};

/*
 * A parsed rule. Plain value: no pointers, safe to copy; filled in by
 * rrule_parse(), owned by whoever holds it (usually the stack).
 */
struct rrule {
    enum rrule_freq freq;
    int interval; /* 1 when absent */
    int count;    /* 0 when absent */
    enum rrule_until_kind until_kind;
    struct rrule_datetime until; /* time fields 0 for RRULE_UNTIL_DATE */
    size_t n_byday;
    struct rrule_byday byday[RRULE_BYDAY_MAX];
    size_t n_bymonthday;
    int bymonthday[RRULE_BYMONTHDAY_MAX]; /* 1..31 or -1..-31 */
};

/*
 * Parse `len` bytes of `text` (need not be NUL-terminated; borrowed, not
 * kept). Returns 0 and fills *out, or -1 and writes a one-line English
 * message naming the failing part into err (errsize bytes, always
 * NUL-terminated; err may be NULL when errsize is 0).
 */
int rrule_parse(const char *text, size_t len, struct rrule *out, char *err, size_t errsize);

/*
 * Write the canonical form of *r (upper case, fixed part order, sorted lists,
 * INTERVAL=1 left out) into buf. Same contract as snprintf: returns the
 * length the full text needs; the output is truncated if that is >= size.
 */
int rrule_format(const struct rrule *r, char *buf, size_t size);

/* True when dtstart is itself one of the dates the rule selects. */
bool rrule_start_matches(const struct rrule *r, const struct rrule_datetime *dtstart);

/* True when *r has an UNTIL that lies before dtstart. */
bool rrule_until_before(const struct rrule *r, const struct rrule_datetime *dtstart);

/* --- civil-date helpers (proleptic Gregorian) --- */

/* Days since 1970-01-01 (negative before). */
int64_t rrule_days_from_date(struct rrule_date d);
struct rrule_date rrule_date_from_days(int64_t days);
enum rrule_weekday rrule_weekday_of(struct rrule_date d);
int rrule_days_in_month(int year, int month);
/* True for a real calendar date with year 1..9999. */
bool rrule_date_valid(struct rrule_date d);
/* True for a real date and hour 0..23, minute 0..59, second 0..59. */
bool rrule_datetime_valid(const struct rrule_datetime *t);
/* Seconds from 1970-01-01T00:00 to t on the same (wall-clock) scale. */
int64_t rrule_local_seconds(const struct rrule_datetime *t);

/*
 * True when t does not exist in Europe/Amsterdam: the hour skipped when the
 * clocks go forward (amsterdam_in_gap on t's wall-clock seconds).
 */
bool rrule_in_dst_gap(const struct rrule_datetime *t);

/*
 * Strict parsers for the API's formats; `len` bytes, no NUL needed. They
 * return 0 on success, -1 when the text has the wrong shape or is not a
 * real calendar date/time.
 *   rrule_parse_date:  "YYYY-MM-DD"
 *   rrule_parse_local: "YYYY-MM-DDTHH:MM" (second is set to 0)
 */
int rrule_parse_date(const char *s, size_t len, struct rrule_date *out);
int rrule_parse_local(const char *s, size_t len, struct rrule_datetime *out);

#endif
