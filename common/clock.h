/*
 * clock.h — the daemon's clock: monotonic now, and the one conversion from
 * a period in milliseconds to the struct timeval libevent takes.
 *
 * Every deadline, timer and duration in the daemon reads CLOCK_MONOTONIC
 * through here, so no module depends on another for the time (the clock used
 * to live in db.h). Wall-clock time (dates, timestamps shown to people) is
 * not this module's business.
 *
 * No state, no allocation: safe from any thread.
 */
#ifndef SK_CLOCK_H
#define SK_CLOCK_H

#include <stdint.h>
#include <sys/time.h>

/* Monotonic time since an arbitrary start, in milliseconds / microseconds. */
uint64_t clock_now_ms(void);
uint64_t clock_now_us(void);

/*
 * ms as a normalised timeval (tv_usec below 1,000,000), for event_add,
 * evtimer_add and evhttp_set_timeout_tv. A negative ms is taken as 0.
 */
struct timeval clock_timeval(int64_t ms);

#endif
