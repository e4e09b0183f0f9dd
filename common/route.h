/*
 * route.h — match a request's method and path against a static route table.
 *
 * Patterns are literal segments and {name} placeholders, each matching one
 * non-empty path segment: "/api/v1/places/{id}". The first pattern whose
 * segments match and whose methods include the request's method wins. When
 * patterns match the path but none allows the method, the result is 405 with
 * the union of allowed methods (for the Allow header).
 *
 * The table is owned by the caller and must outlive every match; captured
 * parameters point into the caller's path string (borrowed, not copied).
 */
#ifndef SK_ROUTE_H
#define SK_ROUTE_H

#include <stddef.h>

enum route_method {
    RM_GET = 1 << 0,
    RM_HEAD = 1 << 1,
    RM_POST = 1 << 2,
    RM_PUT = 1 << 3,
    RM_PATCH = 1 << 4,
    RM_DELETE = 1 << 5,
    RM_OPTIONS = 1 << 6,
};

#define ROUTE_MAX_PARAMS 4

/* The request a handler serves: defined by the daemon (server/http.h), opaque here. */
struct req_ctx;
typedef void (*route_handler_fn)(struct req_ctx *ctx);

struct route {
    const char *pattern;
    unsigned methods;         /* RM_* bit set */
    route_handler_fn handler; /* never called by this module; NULL in tests */
    unsigned flags;           /* opaque to this module */
};

struct route_param {
    const char *ptr; /* into the caller's path, not NUL-terminated */
    size_t len;
};

struct route_match {
    const struct route *route; /* NULL when nothing matched */
    unsigned allowed;          /* methods allowed on the path, for 405 */
    int nparams;
    struct route_param params[ROUTE_MAX_PARAMS];
};

/* 200 = matched, 404 = no pattern fits the path, 405 = path fits, method does not. */
int route_match(const struct route *table, size_t n, unsigned method, const char *path, struct route_match *m);

/* Comma-separated method names of a bit set into buf, e.g. "GET, HEAD, POST". */
void route_methods_str(unsigned methods, char *buf, size_t cap);

#endif
