/* fuzz_cursor.c — reading back the paging cursors and numbers (common/cursor.c). */
#include "cursor.h"
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct list_cursor lc;
    struct search_cursor sc;
    int64_t id;
    long n;
    char *text = fuzz_text(data, size);
    double t0 = fuzz_cpu_ms();

    if (cursor_list_decode((const char *)data, size, &lc) && strlen(lc.id) != 36)
        abort();
    (void)cursor_id_decode((const char *)data, size, &id);
    if (cursor_search_decode((const char *)data, size, &sc) &&
        (strlen(sc.hash) != 12 || strlen(sc.id) != 36 || strlen(sc.key) > CURSOR_KEY_MAX))
        abort();
    if (cursor_number(text, 1, 100, &n) && (n < 1 || n > 100 || strspn(text, "0123456789") != strlen(text)))
        abort(); /* a paging number is digits only, in range */
    free(text);
    fuzz_check_time(t0, "cursor decoding");
    return 0;
}
