/* fuzz_cursor.c — reading back the paging cursors (common/cursor.c). */
#include "cursor.h"
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct list_cursor lc;
    struct search_cursor sc;
    int64_t id;
    double t0 = fuzz_cpu_ms();

    if (cursor_list_decode((const char *)data, size, &lc) && strlen(lc.id) != 36)
        abort();
    (void)cursor_id_decode((const char *)data, size, &id);
    if (cursor_search_decode((const char *)data, size, &sc) &&
        (strlen(sc.hash) != 12 || strlen(sc.id) != 36 || strlen(sc.key) > CURSOR_KEY_MAX))
        abort();
    fuzz_check_time(t0, "cursor decoding");
    return 0;
}
