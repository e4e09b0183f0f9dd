/*
 * fuzz_html.c — HTML escaping (common/html.c): whatever the text, the
 * escaped form has no markup characters and is valid UTF-8, and a URL
 * component holds only unreserved characters and percent escapes.
 */
#include "fuzz_common.h"
#include "html.h"
#include "utf8.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = fuzz_text(data, size), *out;
    struct html_buf b;
    size_t len;
    double t0 = fuzz_cpu_ms();

    out = html_escape(text);
    if (out == NULL || strpbrk(out, "<>\"'") != NULL)
        abort();
    if (!utf8_valid(out, strlen(out)))
        abort();
    free(out);
    html_init(&b);
    html_url(&b, text);
    out = html_take(&b, &len);
    for (size_t i = 0; out && i < len; i++) {
        char c = out[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || strchr("-._~%", c)))
            abort();
    }
    free(out);
    free(text);
    fuzz_check_time(t0, "html escaping");
    return 0;
}
