/*
 * ratelimit.c — lock-free GCRA table.
 */
#include "ratelimit.h"

#include <stdatomic.h>
#include <stdlib.h>

#define RL_SLOTS 65536

struct ratelimit {
    uint64_t interval_us;  /* time one request "costs" */
    uint64_t tolerance_us; /* how far ahead of now the arrival time may run */
    _Atomic uint64_t tat[RL_SLOTS];
};

struct ratelimit *ratelimit_new_interval(uint64_t interval_us, int burst)
{
    struct ratelimit *rl = calloc(1, sizeof(*rl));
    if (rl == NULL)
        return NULL;
    rl->interval_us = interval_us ? interval_us : 1;
    rl->tolerance_us = rl->interval_us * (uint64_t)(burst > 1 ? burst - 1 : 0);
    return rl;
}

struct ratelimit *ratelimit_new(int rps, int burst)
{
    if (rps <= 0)
        return NULL;
    return ratelimit_new_interval(1000000u / (uint64_t)rps, burst);
}

void ratelimit_free(struct ratelimit *rl)
{
    free(rl);
}

int ratelimit_check(struct ratelimit *rl, uint64_t client, uint64_t now_us)
{
    _Atomic uint64_t *slot;
    uint64_t old, tat, next;

    if (rl == NULL)
        return 0;
    slot = &rl->tat[client % RL_SLOTS];
    old = atomic_load_explicit(slot, memory_order_relaxed);
    do {
        tat = old > now_us ? old : now_us;
        if (tat - now_us > rl->tolerance_us) {
            uint64_t wait = tat - now_us - rl->tolerance_us;
            return (int)((wait + 999999) / 1000000);
        }
        next = tat + rl->interval_us;
    } while (!atomic_compare_exchange_weak_explicit(slot, &old, next, memory_order_relaxed, memory_order_relaxed));
    return 0;
}
