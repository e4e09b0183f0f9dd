/*
 * log.h — one line per event on stderr, in logfmt (key=value) so that both
 * people and log collectors can read it.
 *
 * Lower layers do not log; they return an error. The layer that decides the
 * outcome (finishing a request, dropping a connection) writes one line.
 * Every line is formatted into a stack buffer and written with one write(2),
 * so lines from different threads never interleave.
 */
#ifndef SK_LOG_H
#define SK_LOG_H

#include <stddef.h>

enum log_level {
    LOG_DEBUG,
    LOG_INFO,
    LOG_WARN,
    LOG_ERROR
};

/* Set once at start-up, before threads start; read-only afterwards. */
void log_set_level(const char *name);

/* printf-style message: ts=... level=... msg="..." */
void log_msg(enum log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Append key="value" to buf (at *pos), escaping quotes, backslashes and control bytes. */
void log_kv(char *buf, size_t cap, size_t *pos, const char *key, const char *value);

/* Write a prepared logfmt line (without ts/level) at the given level. */
void log_line(enum log_level level, const char *fields);

#endif
