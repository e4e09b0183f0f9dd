/*
 * paging.c — limit and cursor of a paged list.
 */
#include "paging.h"

#include <stdint.h>
#include <string.h>

#include "contract.h"
#include "cursor.h"
#include "http.h"

int paging_limit(struct req_ctx *ctx, const char **out)
{
    if (http_int_arg(ctx, "limit", 1, CONTRACT_LIST_MAX, out) < 0)
        return -1;
    if (*out == NULL)
        *out = http_printf(ctx, "%d", CONTRACT_LIST_DEFAULT);
    return 0;
}

int paging_cursor(struct req_ctx *ctx, enum paging_cursor_kind kind, const char **out)
{
    const char *v = http_query_arg(ctx, "cursor");
    struct list_cursor lc;
    int64_t id;
    *out = NULL;
    if (v == NULL || *v == '\0')
        return 0;
    if (kind == PAGING_CURSOR_KEYSET ? !cursor_list_decode(v, strlen(v), &lc) : !cursor_id_decode(v, strlen(v), &id)) {
        http_bad_field(ctx, 400, "cursor", "is not a cursor this API gave out; start again without it");
        return -1;
    }
    *out = v;
    return 0;
}
