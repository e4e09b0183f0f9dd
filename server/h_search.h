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
struct json_object;
struct verr_list;

/* The search, limited to one kind when fixed_kind is not NULL (list endpoints); always answers. */
void search_run(struct req_ctx *ctx, const char *fixed_kind);

/*
 * The query string's search parameters (common/search.c), leaving out the
 * names in skip (NULL-terminated, may be NULL), as a new JSON object the
 * caller owns (json_object_put); fixed_kind as for search_run. NULL when a
 * parameter is bad: then errs (initialised here) names every bad one, and
 * the caller answers.
 */
struct json_object *search_query_params(struct req_ctx *ctx, const char *fixed_kind, const char *const *skip,
                                        struct verr_list *errs);

#endif
