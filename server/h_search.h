/*
 * h_search.h — what the search handlers (h_search.c) offer the other
 * handlers: the kind lists run the search, the feeds read their filters the
 * same way.
 *
 * The handlers themselves are in routes.h, for the route table.
 */
#ifndef SK_H_SEARCH_H
#define SK_H_SEARCH_H

#include <stddef.h>

struct req_ctx;
struct search_pair;

/* The search, limited to one kind when fixed_kind is not NULL (list endpoints); always answers. */
void search_run(struct req_ctx *ctx, const char *fixed_kind);

/*
 * The query string as at most cap pairs for search_params_parse, leaving out
 * the names in skip (NULL-terminated, may be NULL). The pairs borrow the
 * request's strings. Returns the number filled in.
 */
size_t search_query_pairs(struct req_ctx *ctx, struct search_pair *pairs, size_t cap, const char *const *skip);

#endif
