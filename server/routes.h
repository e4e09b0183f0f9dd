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

/* h_entries.c */
void h_entry_list(struct req_ctx *ctx);
void h_entry_create(struct req_ctx *ctx);
void h_entry_get(struct req_ctx *ctx);
void h_entry_replace(struct req_ctx *ctx);
void h_entry_patch(struct req_ctx *ctx);
void h_entry_delete(struct req_ctx *ctx);
/* Shared list parameters: 400 naming the parameter and returning -1 when bad. */
int entry_list_limit(struct req_ctx *ctx, const char **out);
int entry_list_cursor(struct req_ctx *ctx, const char **out);


/* h_catalog.c */
void h_areas_list(struct req_ctx *ctx);
void h_area_get(struct req_ctx *ctx);
void h_area_put(struct req_ctx *ctx);
void h_area_delete(struct req_ctx *ctx);
void h_area_boundary_put(struct req_ctx *ctx);
void h_vocab_list(struct req_ctx *ctx);
void h_vocab_put(struct req_ctx *ctx);
void h_vocab_delete(struct req_ctx *ctx);
void h_orgs_list(struct req_ctx *ctx);
void h_org_get(struct req_ctx *ctx);
void h_org_create(struct req_ctx *ctx);
void h_org_patch(struct req_ctx *ctx);
void h_audit_list(struct req_ctx *ctx);

#endif
