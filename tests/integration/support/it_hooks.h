/*
 * it_hooks.h — include once in each integration test file: starts the shared
 * daemon before the tests (publishing its URL in SK_IT_URL for the test
 * processes) and stops it after, failing the run unless it exits with 0.
 * Define IT_DAEMON_ENV as a braced list of "KEY=value" strings before
 * including to give the daemon extra settings.
 */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "it.h"

#ifndef IT_DAEMON_ENV
#define IT_DAEMON_ENV                                                                                                  \
    {                                                                                                                  \
        NULL                                                                                                           \
    }
#endif

static struct it_daemon it_shared_daemon;

ReportHook(PRE_ALL)(struct criterion_test_set *set)
{
    static const char *const env[] = IT_DAEMON_ENV;
    (void)set;
    if (it_daemon_start(&it_shared_daemon, env) < 0)
        abort();
    setenv("SK_IT_URL", it_shared_daemon.url, 1);
    {
        char pid[16];
        snprintf(pid, sizeof(pid), "%d", (int)it_shared_daemon.pid);
        setenv("SK_IT_PID", pid, 1); /* for tests that watch the daemon's memory */
    }
}

ReportHook(POST_ALL)(struct criterion_global_stats *stats)
{
    int rc = it_daemon_stop(&it_shared_daemon);
    (void)stats;
    if (rc != 0) {
        fprintf(stderr, "daemon exited with status %d (log %s)\n", rc, it_shared_daemon.log_path);
        _exit(1);
    }
}
