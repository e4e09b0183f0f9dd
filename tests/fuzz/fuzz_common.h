/*
 * fuzz_common.h — what every libFuzzer harness of tests/fuzz shares: the
 * input as a NUL-terminated copy, and the rule that no input may cost more
 * than FUZZ_MS_MAX milliseconds of CPU (a slow input is a finding: work that
 * grows with something a caller chose).
 */
#ifndef SK_FUZZ_COMMON_H
#define SK_FUZZ_COMMON_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define FUZZ_MS_MAX 100.0

/* libFuzzer's entry point, defined by each harness. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static inline double fuzz_cpu_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

/* A malloc'd copy of the input with a NUL after it (callers free it). */
static inline char *fuzz_text(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);
    if (s == NULL)
        abort();
    memcpy(s, data, size);
    s[size] = '\0';
    return s;
}

/* Abort (a crash libFuzzer reports with the input) when one input took too long. */
static inline void fuzz_check_time(double start_ms, const char *what)
{
    double took = fuzz_cpu_ms() - start_ms;
    if (took > FUZZ_MS_MAX) {
        fprintf(stderr, "%s: one input took %.1f ms of CPU (limit %.0f ms)\n", what, took, FUZZ_MS_MAX);
        abort();
    }
}

#endif
