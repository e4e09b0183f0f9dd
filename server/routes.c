/*
 * routes.c — every path the daemon serves. The OpenAPI document
 * (docs/openapi.json) describes exactly these.
 */
#include "routes.h"

#include "http.h"

#define R(pattern, methods, handler, flags) {pattern, methods, (const void *)handler, flags}

const struct route routes_table[] = {
    R("/health", RM_GET, h_health, RF_NO_RATELIMIT),
    R("/ready", RM_GET, h_ready, RF_NO_RATELIMIT),
    R("/api/v1", RM_GET, h_api_index, 0),
    R("/api/v1/openapi.json", RM_GET, h_openapi, 0),
    R("/api/v1/me", RM_GET, h_me, RF_NEEDS_KEY),
};

const size_t routes_count = sizeof(routes_table) / sizeof(routes_table[0]);
