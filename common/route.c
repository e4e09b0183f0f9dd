/*
 * route.c — static route table matching.
 */
#include "route.h"

#include <stdio.h>
#include <string.h>

/* Match one pattern against path, capturing {params}. 1 on match. */
static int route_fits(const char *pattern, const char *path, struct route_match *m)
{
    const char *p = pattern, *s = path;

    m->nparams = 0;
    while (*p && *s) {
        if (*p == '{') {
            const char *end = strchr(s, '/');
            size_t len = end ? (size_t)(end - s) : strlen(s);
            /* a literal after the parameter in the same segment ("{id}.ics") ends it */
            const char *close = strchr(p, '}');
            size_t suffix = close ? strcspn(close + 1, "/") : 0;
            if (suffix > 0) {
                if (len <= suffix || strncmp(s + len - suffix, close + 1, suffix) != 0)
                    return 0;
                len -= suffix;
            }
            if (len == 0 || m->nparams == ROUTE_MAX_PARAMS)
                return 0;
            m->params[m->nparams].ptr = s;
            m->params[m->nparams].len = len;
            m->nparams++;
            s += len;
            p = strchr(p, '}');
            if (p == NULL)
                return 0;
            p++;
        } else if (*p == *s) {
            p++;
            s++;
        } else {
            return 0;
        }
    }
    return *p == '\0' && *s == '\0';
}

int route_match(const struct route *table, size_t n, unsigned method, const char *path, struct route_match *m)
{
    struct route_match probe;

    memset(m, 0, sizeof(*m));
    for (size_t i = 0; i < n; i++) {
        if (!route_fits(table[i].pattern, path, &probe))
            continue;
        m->allowed |= table[i].methods;
        if (table[i].methods & method) {
            unsigned allowed = m->allowed;
            *m = probe;
            m->route = &table[i];
            m->allowed = allowed | table[i].methods;
            return 200;
        }
    }
    return m->allowed ? 405 : 404;
}

void route_methods_str(unsigned methods, char *buf, size_t cap)
{
    static const char *const names[] = { "GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS" };
    size_t pos = 0;

    buf[0] = '\0';
    for (int i = 0; i < 7; i++) {
        if (!(methods & (1u << i)))
            continue;
        int n = snprintf(buf + pos, cap - pos, "%s%s", pos ? ", " : "", names[i]);
        if (n < 0 || (size_t)n >= cap - pos)
            return;
        pos += (size_t)n;
    }
}
