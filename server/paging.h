/*
 * paging.h — the list parameters every paged list takes: limit and cursor.
 *
 * One wording of the 400 for each, used by the entry, organisation, audit,
 * moderation and webhook lists. The cursors themselves (what they encode,
 * how they are checked) are common/cursor.h; the SQL side checks what a
 * cursor points at.
 */
#ifndef SK_PAGING_H
#define SK_PAGING_H

struct req_ctx;

/* "limit" is 1..CONTRACT_LIST_MAX; absent is CONTRACT_LIST_DEFAULT (common/contract.def) */

/* The two cursors lists give out (cursor.h): keyset (sort key + id) or plain id. */
enum paging_cursor_kind {
    PAGING_CURSOR_KEYSET,
    PAGING_CURSOR_ID
};

/*
 * The request's "limit" as text for a query parameter into *out (the
 * request's string, or the default); -1 after a 400 naming it.
 */
int paging_limit(struct req_ctx *ctx, const char **out);

/*
 * The request's "cursor" into *out (the request's string; NULL when absent
 * or empty) when it is one of kind this API gave out; -1 after a 400 naming it.
 */
int paging_cursor(struct req_ctx *ctx, enum paging_cursor_kind kind, const char **out);

#endif
