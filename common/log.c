/*
 * log.c — logfmt lines on stderr.
 */
#include "log.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

/* Written once by log_set_level before any thread starts. */
static enum log_level log_threshold = LOG_INFO;

static const char *const level_names[] = { "debug", "info", "warn", "error" };

void log_set_level(const char *name)
{
    for (int i = 0; i < 4; i++)
        if (strcasecmp(name, level_names[i]) == 0)
            log_threshold = (enum log_level)i;
}

void log_kv(char *buf, size_t cap, size_t *pos, const char *key, const char *value)
{
    size_t p = *pos;
    int n = snprintf(buf + p, p < cap ? cap - p : 0, "%s%s=\"", p ? " " : "", key);
    if (n < 0)
        return;
    p += (size_t)n;
    for (const unsigned char *s = (const unsigned char *)value; *s && p + 4 < cap; s++) {
        if (*s == '"' || *s == '\\') {
            buf[p++] = '\\';
            buf[p++] = (char)*s;
        } else if (*s < 0x20 || *s == 0x7f) {
            p += (size_t)snprintf(buf + p, cap - p, "\\x%02x", *s);
        } else {
            buf[p++] = (char)*s;
        }
    }
    if (p + 1 < cap)
        buf[p++] = '"';
    buf[p < cap ? p : cap - 1] = '\0';
    *pos = p < cap ? p : cap - 1;
}

static void log_write(enum log_level level, const char *fields)
{
    char line[4096];
    struct timespec ts;
    struct tm tm;
    int n;

    clock_gettime(CLOCK_REALTIME, &ts);
    gmtime_r(&ts.tv_sec, &tm);
    n = snprintf(line, sizeof(line), "ts=%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ level=%s %s\n", tm.tm_year + 1900,
                 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, ts.tv_nsec / 1000000, level_names[level],
                 fields);
    if (n < 0)
        return;
    if ((size_t)n >= sizeof(line)) {
        n = sizeof(line) - 1;
        line[n - 1] = '\n';
    }
    ssize_t w = write(STDERR_FILENO, line, (size_t)n);
    (void)w;
}

void log_line(enum log_level level, const char *fields)
{
    if (level >= log_threshold)
        log_write(level, fields);
}

void log_msg(enum log_level level, const char *fmt, ...)
{
    char msg[2048], fields[3072];
    size_t pos = 0;
    va_list ap;

    if (level < log_threshold)
        return;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    fields[0] = '\0';
    log_kv(fields, sizeof(fields), &pos, "msg", msg);
    log_write(level, fields);
}
