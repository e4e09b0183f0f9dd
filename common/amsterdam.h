/*
 * amsterdam.h — Europe/Amsterdam civil time: the one place that knows summer time.
 *
 * What it is for: turning a UTC instant into Amsterdam wall-clock time (the
 * RRULE UNTIL=...Z form, today's date for the web pages) and knowing which
 * wall-clock hour does not exist (the spring gap). The EU rule: summer time
 * (UTC+2) from 01:00 UTC on the last Sunday of March to 01:00 UTC on the last
 * Sunday of October, since 1996; standard time (UTC+1) otherwise.
 *
 * What it is not for: other zones, or dates the database keeps (PostgreSQL
 * converts those itself with its TZ database). Times are int64 seconds since
 * 1970-01-01T00:00 on the named scale: UTC, or the wall clock (the scale of
 * rrule_local_seconds). Pure functions, no time_t, no localtime(), no state.
 */
#ifndef SK_AMSTERDAM_H
#define SK_AMSTERDAM_H

#include <stdbool.h>
#include <stdint.h>

/* Seconds Amsterdam is ahead of UTC at the UTC instant utc: 3600 or 7200. */
int amsterdam_utc_offset(int64_t utc);

/* Amsterdam wall-clock seconds of the UTC instant utc. */
int64_t amsterdam_from_utc(int64_t utc);

/* Days since 1970-01-01 of the Amsterdam date at the UTC instant utc. */
int64_t amsterdam_day(int64_t utc);

/* True when the wall-clock time local does not exist: the hour skipped when the clocks go forward. */
bool amsterdam_in_gap(int64_t local);

#endif
