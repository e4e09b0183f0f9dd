/*
 * h_entries.h — what the entry handlers (h_entries.c) offer the other handlers.
 *
 * The handlers themselves are in routes.h, for the route table.
 */
#ifndef SK_H_ENTRIES_H
#define SK_H_ENTRIES_H

#include "validate.h" /* enum sk_kind (ISO C has no forward-declared enums) */

struct req_ctx;

/*
 * The entry kind named by the path's collection segment ("/api/v1/places/…"
 * -> place) into *kind; -1 after answering 404 when the path names none.
 */
int entry_kind(struct req_ctx *ctx, enum sk_kind *kind);

#endif
