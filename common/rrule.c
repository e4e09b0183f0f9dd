/*
 * rrule: RFC 5545 RRULE subset and civil dates.
 * See rrule.h for the grammar and the contract.
 */
#include "rrule.h"

#include "amsterdam.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum {
    SECONDS_PER_DAY = 86400,
    SECONDS_PER_HOUR = 3600,
    DAYS_PER_WEEK = 7,
    MONTHS_PER_YEAR = 12,
    YEAR_MIN = 1,
    YEAR_MAX = 9999,
};

/* ------------------------------------------------------------------ */
/* Civil-date arithmetic (H. Hinnant's days_from_civil / civil_from_days) */

int64_t rrule_days_from_date(struct rrule_date d)
{
    int64_t y = (int64_t)d.year - (d.month <= 2);
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t mp = d.month > 2 ? d.month - 3 : d.month + 9;
    int64_t doy = (153 * mp + 2) / 5 + d.day - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

struct rrule_date rrule_date_from_days(int64_t days)
{
    int64_t z = days + 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    int month = (int)(mp < 10 ? mp + 3 : mp - 9);
    struct rrule_date d = {
        .year = (int)(yoe + era * 400 + (month <= 2)),
        .month = month,
        .day = (int)(doy - (153 * mp + 2) / 5 + 1),
    };
    return d;
}

/* Day numbers are kept as int64 everywhere; 1970-01-01 was a Thursday. */
static enum rrule_weekday weekday_of_days(int64_t days)
{
    int64_t wd = (days % DAYS_PER_WEEK + DAYS_PER_WEEK + RRULE_TH) % DAYS_PER_WEEK;
    return (enum rrule_weekday)wd;
}

enum rrule_weekday rrule_weekday_of(struct rrule_date d)
{
    return weekday_of_days(rrule_days_from_date(d));
}

int rrule_days_in_month(int year, int month)
{
    static const int days[MONTHS_PER_YEAR] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    if (month < 1 || month > MONTHS_PER_YEAR)
        return 0;
    return days[month - 1] + (month == 2 && leap);
}

bool rrule_date_valid(struct rrule_date d)
{
    return d.year >= YEAR_MIN && d.year <= YEAR_MAX && d.month >= 1 && d.month <= MONTHS_PER_YEAR && d.day >= 1 &&
           d.day <= rrule_days_in_month(d.year, d.month);
}

bool rrule_datetime_valid(const struct rrule_datetime *t)
{
    return rrule_date_valid(t->date) && t->hour >= 0 && t->hour <= 23 && t->minute >= 0 && t->minute <= 59 &&
           t->second >= 0 && t->second <= 59;
}

int64_t rrule_local_seconds(const struct rrule_datetime *t)
{
    return rrule_days_from_date(t->date) * SECONDS_PER_DAY + t->hour * SECONDS_PER_HOUR + t->minute * 60 + t->second;
}

bool rrule_in_dst_gap(const struct rrule_datetime *t)
{
    return amsterdam_in_gap(rrule_local_seconds(t));
}

/* ------------------------------------------------------------------ */
/* Fixed-width number parsing shared by the date and UNTIL parsers */

/* Reads exactly n ASCII digits; the caller guarantees s has n bytes. */
static bool digits(const char *s, size_t n, int *out)
{
    int v = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return true;
}

int rrule_parse_date(const char *s, size_t len, struct rrule_date *out)
{
    struct rrule_date d;
    if (len != 10 || s[4] != '-' || s[7] != '-')
        return -1;
    if (!digits(s, 4, &d.year) || !digits(s + 5, 2, &d.month) || !digits(s + 8, 2, &d.day))
        return -1;
    if (!rrule_date_valid(d))
        return -1;
    *out = d;
    return 0;
}

int rrule_parse_local(const char *s, size_t len, struct rrule_datetime *out)
{
    struct rrule_datetime t = { .second = 0 };
    if (len != 16 || s[10] != 'T' || s[13] != ':')
        return -1;
    if (rrule_parse_date(s, 10, &t.date) != 0)
        return -1;
    if (!digits(s + 11, 2, &t.hour) || !digits(s + 14, 2, &t.minute))
        return -1;
    if (!rrule_datetime_valid(&t))
        return -1;
    *out = t;
    return 0;
}

/* ------------------------------------------------------------------ */
/* Parser */

static const char *const weekday_names[DAYS_PER_WEEK] = { "MO", "TU", "WE", "TH", "FR", "SA", "SU" };
static const char *const freq_names[] = { "DAILY", "WEEKLY", "MONTHLY" };

/* Writes an error message; returns -1 so callers can `return fail(...)`. */
__attribute__((format(printf, 3, 4))) static int fail(char *err, size_t errsize, const char *fmt, ...)
{
    va_list ap;
    if (errsize == 0)
        return -1;
    va_start(ap, fmt);
    vsnprintf(err, errsize, fmt, ap);
    va_end(ap);
    return -1;
}

/* ASCII case-insensitive comparison of n bytes against a NUL-terminated literal. */
static bool ieq(const char *s, size_t n, const char *lit)
{
    if (strlen(lit) != n)
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = s[i] >= 'a' && s[i] <= 'z' ? (char)(s[i] - 'a' + 'A') : s[i];
        if (c != lit[i])
            return false;
    }
    return true;
}

/* An unsigned decimal of 1..4 digits within [lo, hi]. */
static bool uint_in(const char *s, size_t n, int lo, int hi, int *out)
{
    int v;
    if (n == 0 || n > 4 || !digits(s, n, &v) || v < lo || v > hi)
        return false;
    *out = v;
    return true;
}

/* Cuts s[0..n) at the next `sep`; returns the item length. */
static size_t item_len(const char *s, size_t n, char sep)
{
    const char *p = memchr(s, sep, n);
    return p ? (size_t)(p - s) : n;
}

static int parse_freq(const char *v, size_t n, struct rrule *r, char *err, size_t es)
{
    for (size_t i = 0; i < sizeof freq_names / sizeof freq_names[0]; i++) {
        if (ieq(v, n, freq_names[i])) {
            r->freq = (enum rrule_freq)i;
            return 0;
        }
    }
    return fail(err, es, "FREQ must be DAILY, WEEKLY or MONTHLY");
}

static int parse_interval(const char *v, size_t n, struct rrule *r, char *err, size_t es)
{
    if (!uint_in(v, n, 1, RRULE_INTERVAL_MAX, &r->interval))
        return fail(err, es, "INTERVAL must be a whole number from 1 to %d", RRULE_INTERVAL_MAX);
    return 0;
}

static int parse_count(const char *v, size_t n, struct rrule *r, char *err, size_t es)
{
    if (!uint_in(v, n, 1, RRULE_COUNT_MAX, &r->count))
        return fail(err, es, "COUNT must be a whole number from 1 to %d", RRULE_COUNT_MAX);
    return 0;
}

/* UNTIL is YYYYMMDD, YYYYMMDDTHHMMSS or YYYYMMDDTHHMMSSZ. */
static int parse_until(const char *v, size_t n, struct rrule *r, char *err, size_t es)
{
    struct rrule_datetime t = { .hour = 0 };
    bool ok = (n == 8 || n == 15 || n == 16) && digits(v, 4, &t.date.year) && digits(v + 4, 2, &t.date.month) &&
              digits(v + 6, 2, &t.date.day);
    if (ok && n > 8)
        ok = (v[8] == 'T' || v[8] == 't') && digits(v + 9, 2, &t.hour) && digits(v + 11, 2, &t.minute) &&
             digits(v + 13, 2, &t.second) && (n == 15 || v[15] == 'Z' || v[15] == 'z');
    if (!ok || !rrule_datetime_valid(&t))
        return fail(err, es, "UNTIL must be a real date like 20251231 or date-time like 20251231T235959Z");
    r->until = t;
    r->until_kind = n == 8 ? RRULE_UNTIL_DATE : n == 15 ? RRULE_UNTIL_LOCAL : RRULE_UNTIL_UTC;
    return 0;
}

/* Reads an optional sign and digits in front of a BYDAY weekday. */
static bool parse_ordinal(const char *s, size_t n, int *ordinal)
{
    int sign = 1, v = 0;
    if (n == 0) {
        *ordinal = 0;
        return true;
    }
    if (s[0] == '+' || s[0] == '-') {
        sign = s[0] == '-' ? -1 : 1;
        s++;
        n--;
    }
    if (!uint_in(s, n, 1, RRULE_ORDINAL_MAX, &v))
        return false;
    *ordinal = sign * v;
    return true;
}

static bool parse_byday_item(const char *s, size_t n, struct rrule_byday *out)
{
    if (n < 2 || !parse_ordinal(s, n - 2, &out->ordinal))
        return false;
    for (int wd = 0; wd < DAYS_PER_WEEK; wd++) {
        if (ieq(s + n - 2, 2, weekday_names[wd])) {
            out->weekday = (enum rrule_weekday)wd;
            return true;
        }
    }
    return false;
}

static int parse_byday(const char *v, size_t n, struct rrule *r, char *err, size_t es)
{
    for (size_t pos = 0; pos <= n;) {
        size_t len = item_len(v + pos, n - pos, ',');
        struct rrule_byday d;
        if (!parse_byday_item(v + pos, len, &d))
            return fail(err, es,
                        "BYDAY items must be MO, TU, WE, TH, FR, SA or SU, "
                        "optionally with an ordinal from -5 to 5 such as 1MO or -1FR");
        for (size_t i = 0; i < r->n_byday; i++)
            if (r->byday[i].ordinal == d.ordinal && r->byday[i].weekday == d.weekday)
                return fail(err, es, "BYDAY lists the same day twice");
        if (r->n_byday == RRULE_BYDAY_MAX)
            return fail(err, es, "BYDAY has more than %d items", RRULE_BYDAY_MAX);
        r->byday[r->n_byday++] = d;
        pos += len + 1;
    }
    return 0;
}

static int parse_bymonthday(const char *v, size_t n, struct rrule *r, char *err, size_t es)
{
    for (size_t pos = 0; pos <= n;) {
        size_t len = item_len(v + pos, n - pos, ',');
        const char *s = v + pos;
        int sign = len > 0 && s[0] == '-' ? -1 : 1, day;
        size_t skip = len > 0 && (s[0] == '-' || s[0] == '+');
        if (!uint_in(s + skip, len - skip, 1, 31, &day))
            return fail(err, es, "BYMONTHDAY items must be 1 to 31 or -1 to -31");
        for (size_t i = 0; i < r->n_bymonthday; i++)
            if (r->bymonthday[i] == sign * day)
                return fail(err, es, "BYMONTHDAY lists the same day twice");
        if (r->n_bymonthday == RRULE_BYMONTHDAY_MAX)
            return fail(err, es, "BYMONTHDAY has more than %d items", RRULE_BYMONTHDAY_MAX);
        r->bymonthday[r->n_bymonthday++] = sign * day;
        pos += len + 1;
    }
    return 0;
}

typedef int (*part_parser)(const char *v, size_t n, struct rrule *r, char *err, size_t es);

/* The accepted parts; the index is also the bit in the "seen" mask. */
static const struct part {
    const char *name;
    part_parser parse;
} parts[] = {
    { "FREQ", parse_freq },   { "INTERVAL", parse_interval },
    { "BYDAY", parse_byday }, { "BYMONTHDAY", parse_bymonthday },
    { "COUNT", parse_count }, { "UNTIL", parse_until },
};
enum {
    N_PARTS = sizeof parts / sizeof parts[0],
    PART_FREQ = 0,
    PART_COUNT = 4,
    PART_UNTIL = 5
};

/* Part names come from the client: echo them only when they are plain. */
static bool plain_name(const char *s, size_t n)
{
    if (n == 0 || n > 20)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!((s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= 'a' && s[i] <= 'z') || s[i] == '-'))
            return false;
    return true;
}

/* Handles one NAME=VALUE part and records it in *seen. */
static int parse_part(const char *s, size_t n, struct rrule *r, unsigned *seen, char *err, size_t es)
{
    size_t name_len = item_len(s, n, '=');
    if (n == 0)
        return fail(err, es, "has an empty part (check the semicolons)");
    for (size_t i = 0; i < N_PARTS; i++) {
        if (!ieq(s, name_len, parts[i].name))
            continue;
        if (*seen & (1u << i))
            return fail(err, es, "%s appears more than once", parts[i].name);
        if (name_len + 1 >= n)
            return fail(err, es, "%s needs a value (%s=...)", parts[i].name, parts[i].name);
        *seen |= 1u << i;
        return parts[i].parse(s + name_len + 1, n - name_len - 1, r, err, es);
    }
    if (plain_name(s, name_len))
        return fail(err, es, "unknown part %.*s (allowed: FREQ, INTERVAL, BYDAY, BYMONTHDAY, COUNT, UNTIL)",
                    (int)name_len, s);
    return fail(err, es, "has a malformed part (expected NAME=VALUE)");
}

/* Rules between parts, checked once every part is known. */
static int check_combination(const struct rrule *r, unsigned seen, char *err, size_t es)
{
    if (!(seen & (1u << PART_FREQ)))
        return fail(err, es, "FREQ is required (DAILY, WEEKLY or MONTHLY)");
    if ((seen & (1u << PART_COUNT)) && (seen & (1u << PART_UNTIL)))
        return fail(err, es, "COUNT and UNTIL cannot both be given");
    if (r->n_bymonthday > 0 && r->freq != RRULE_MONTHLY)
        return fail(err, es, "BYMONTHDAY is only allowed with FREQ=MONTHLY");
    for (size_t i = 0; i < r->n_byday; i++)
        if (r->byday[i].ordinal != 0 && r->freq != RRULE_MONTHLY)
            return fail(err, es, "BYDAY with an ordinal such as 1MO is only allowed with FREQ=MONTHLY");
    return 0;
}

int rrule_parse(const char *text, size_t len, struct rrule *out, char *err, size_t errsize)
{
    struct rrule r = { .interval = 1, .until_kind = RRULE_UNTIL_NONE };
    unsigned seen = 0;
    if (errsize > 0)
        err[0] = '\0';
    if (len == 0)
        return fail(err, errsize, "must not be empty");
    if (len > RRULE_TEXT_MAX)
        return fail(err, errsize, "must be at most %d characters", RRULE_TEXT_MAX);
    if (len >= 6 && ieq(text, 6, "RRULE:"))
        return fail(err, errsize, "give only the rule (FREQ=...), without the RRULE: prefix");
    for (size_t pos = 0; pos <= len;) {
        size_t n = item_len(text + pos, len - pos, ';');
        if (parse_part(text + pos, n, &r, &seen, err, errsize) != 0)
            return -1;
        pos += n + 1;
    }
    if (check_combination(&r, seen, err, errsize) != 0)
        return -1;
    *out = r;
    return 0;
}

/* ------------------------------------------------------------------ */
/* Canonical form */

/* snprintf into a running buffer; len keeps counting past the end. */
struct out_buf {
    char *buf;
    size_t size;
    size_t len;
};

__attribute__((format(printf, 2, 3))) static void put(struct out_buf *o, const char *fmt, ...)
{
    va_list ap;
    char *dst = o->len < o->size ? o->buf + o->len : NULL;
    size_t room = o->len < o->size ? o->size - o->len : 0;
    va_start(ap, fmt);
    int n = vsnprintf(dst, room, fmt, ap);
    va_end(ap);
    if (n > 0)
        o->len += (size_t)n;
}

/* Orders BYDAY by weekday, then ordinal, so equal rules format equally. */
static int byday_cmp(const void *a, const void *b)
{
    const struct rrule_byday *x = a, *y = b;
    if (x->weekday != y->weekday)
        return (int)x->weekday - (int)y->weekday;
    return x->ordinal - y->ordinal;
}

static int int_cmp(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

static void put_byday(struct out_buf *o, const struct rrule *r)
{
    struct rrule_byday sorted[RRULE_BYDAY_MAX];
    memcpy(sorted, r->byday, r->n_byday * sizeof sorted[0]);
    qsort(sorted, r->n_byday, sizeof sorted[0], byday_cmp);
    put(o, ";BYDAY=");
    for (size_t i = 0; i < r->n_byday; i++) {
        if (sorted[i].ordinal != 0)
            put(o, "%d", sorted[i].ordinal);
        put(o, "%s%s", weekday_names[sorted[i].weekday], i + 1 < r->n_byday ? "," : "");
    }
}

static void put_bymonthday(struct out_buf *o, const struct rrule *r)
{
    int sorted[RRULE_BYMONTHDAY_MAX];
    memcpy(sorted, r->bymonthday, r->n_bymonthday * sizeof sorted[0]);
    qsort(sorted, r->n_bymonthday, sizeof sorted[0], int_cmp);
    put(o, ";BYMONTHDAY=");
    for (size_t i = 0; i < r->n_bymonthday; i++)
        put(o, "%d%s", sorted[i], i + 1 < r->n_bymonthday ? "," : "");
}

static void put_until(struct out_buf *o, const struct rrule *r)
{
    const struct rrule_datetime *u = &r->until;
    put(o, ";UNTIL=%04d%02d%02d", u->date.year, u->date.month, u->date.day);
    if (r->until_kind != RRULE_UNTIL_DATE)
        put(o, "T%02d%02d%02d%s", u->hour, u->minute, u->second, r->until_kind == RRULE_UNTIL_UTC ? "Z" : "");
}

int rrule_format(const struct rrule *r, char *buf, size_t size)
{
    struct out_buf o = { buf, size, 0 };
    if (size > 0)
        buf[0] = '\0';
    put(&o, "FREQ=%s", freq_names[r->freq]);
    if (r->interval > 1)
        put(&o, ";INTERVAL=%d", r->interval);
    if (r->n_byday > 0)
        put_byday(&o, r);
    if (r->n_bymonthday > 0)
        put_bymonthday(&o, r);
    if (r->count > 0)
        put(&o, ";COUNT=%d", r->count);
    if (r->until_kind != RRULE_UNTIL_NONE)
        put_until(&o, r);
    return (int)o.len;
}

/* ------------------------------------------------------------------ */
/* Which days a rule selects */

static bool byday_has_weekday(const struct rrule *r, enum rrule_weekday wd)
{
    for (size_t i = 0; i < r->n_byday; i++)
        if (r->byday[i].weekday == wd)
            return true;
    return false;
}

static bool bymonthday_has(const struct rrule *r, int dom, int dim)
{
    for (size_t i = 0; i < r->n_bymonthday; i++) {
        int want = r->bymonthday[i] > 0 ? r->bymonthday[i] : dim + r->bymonthday[i] + 1;
        if (want == dom)
            return true;
    }
    return false;
}

/* nMO counts from the month's start, -nMO from its end. */
static bool byday_in_month(const struct rrule *r, struct rrule_date d, enum rrule_weekday wd, int dim)
{
    int from_start = (d.day - 1) / DAYS_PER_WEEK + 1;
    int from_end = (dim - d.day) / DAYS_PER_WEEK + 1;
    for (size_t i = 0; i < r->n_byday; i++) {
        const struct rrule_byday *b = &r->byday[i];
        if (b->weekday == wd && (b->ordinal == 0 || b->ordinal == from_start || b->ordinal == -from_end))
            return true;
    }
    return false;
}

/*
 * Monthly: BYMONTHDAY and BYDAY both narrow the month's days (so
 * BYDAY=FR;BYMONTHDAY=13 is Friday the 13th); with neither, the day of
 * the month of DTSTART (months without that day are skipped, RFC 5545).
 */
static bool monthly_selects(const struct rrule *r, struct rrule_date start, struct rrule_date d, enum rrule_weekday wd)
{
    int dim = rrule_days_in_month(d.year, d.month);
    if (r->n_byday == 0 && r->n_bymonthday == 0)
        return d.day == start.day;
    if (r->n_bymonthday > 0 && !bymonthday_has(r, d.day, dim))
        return false;
    return r->n_byday == 0 || byday_in_month(r, d, wd, dim);
}

/* The BY-filters only; the INTERVAL phase is the caller's business. */
static bool day_selected(const struct rrule *r, struct rrule_date start, int64_t day)
{
    struct rrule_date d = rrule_date_from_days(day);
    enum rrule_weekday wd = weekday_of_days(day);
    switch (r->freq) {
    case RRULE_DAILY: return r->n_byday == 0 || byday_has_weekday(r, wd);
    case RRULE_WEEKLY: return r->n_byday == 0 ? wd == rrule_weekday_of(start) : byday_has_weekday(r, wd);
    case RRULE_MONTHLY: return monthly_selects(r, start, d, wd);
    }
    return false;
}

bool rrule_start_matches(const struct rrule *r, const struct rrule_datetime *dtstart)
{
    return day_selected(r, dtstart->date, rrule_days_from_date(dtstart->date));
}

/* UNTIL as the last local second an occurrence may start at. */
static int64_t until_local_seconds(const struct rrule *r)
{
    switch (r->until_kind) {
    case RRULE_UNTIL_DATE: return (rrule_days_from_date(r->until.date) + 1) * SECONDS_PER_DAY - 1;
    case RRULE_UNTIL_LOCAL: return rrule_local_seconds(&r->until);
    case RRULE_UNTIL_UTC: return amsterdam_from_utc(rrule_local_seconds(&r->until));
    case RRULE_UNTIL_NONE: break;
    }
    return INT64_MAX;
}

bool rrule_until_before(const struct rrule *r, const struct rrule_datetime *dtstart)
{
    return r->until_kind != RRULE_UNTIL_NONE && until_local_seconds(r) < rrule_local_seconds(dtstart);
}
