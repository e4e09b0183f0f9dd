/*
 * routes.h — the daemon's route table (routes.c) and the handlers it names.
 */
#ifndef SK_ROUTES_H
#define SK_ROUTES_H

#include <stddef.h>

#include "route.h"

extern const struct route routes_table[];
extern const size_t routes_count;

struct req_ctx;

/* h_system.c */
void h_health(struct req_ctx *ctx);
void h_ready(struct req_ctx *ctx);
void h_openapi(struct req_ctx *ctx);
void h_api_index(struct req_ctx *ctx);
void h_me(struct req_ctx *ctx);

#endif
