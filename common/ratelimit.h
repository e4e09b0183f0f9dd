/*
 * ratelimit.h — per-client request rate limit, shared by all worker threads
 * without a lock.
 *
 * GCRA (the generic cell rate algorithm, as in ATM and redis-cell): each
 * client maps to one slot holding its "theoretical arrival time". The caller
 * names the client by a keyed hash of its address (client_hash in client.h,
 * SipHash with a key drawn at start), so nobody can choose addresses that
 * land on someone else's slot.
 * A request is allowed when that time is no further ahead of now than the
 * burst allows, and then pushes it on by one emission interval. Each slot is
 * one atomic 64-bit word updated with compare-and-swap. Two addresses that
 * share a slot share a budget: with 65,536 slots that is rare and only ever
 * stricter, never looser.
 *
 * The table is allocated once by ratelimit_new and freed by ratelimit_free;
 * the daemon's main thread owns it, workers borrow it.
 */
#ifndef SK_RATELIMIT_H
#define SK_RATELIMIT_H

#include <stdint.h>

struct ratelimit;

/* rps 0 disables the limit (ratelimit_check then always allows). */
struct ratelimit *ratelimit_new(int rps, int burst);

/* The same with one request per interval_us (slower rates: "5 an hour" is 720 s, burst 5). */
struct ratelimit *ratelimit_new_interval(uint64_t interval_us, int burst);
void ratelimit_free(struct ratelimit *rl);

/*
 * May the client whose keyed hash is client make a request at now_us
 * (monotonic microseconds)? Returns 0 when allowed, else the number of whole
 * seconds (at least 1) after which it may retry.
 */
int ratelimit_check(struct ratelimit *rl, uint64_t client, uint64_t now_us);

#endif
