/*
 * fuzz_search_params.c — the resident search's parameter parser
 * (common/search.c). The input is a query string: pairs split on '&' and
 * the first '=', as evhttp hands them over (already percent-decoded).
 */
#include <json-c/json.h>

#include "fuzz_common.h"
#include "search.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct search_pair pairs[300];
    char *text = fuzz_text(data, size), *p = text, *save = NULL, *tok;
    size_t n = 0;
    double t0 = fuzz_cpu_ms();
    static const char *const fixed[] = { NULL, "place", "activity", "vacancy", "carer_support" };

    for (tok = strtok_r(p, "&", &save); tok && n < sizeof(pairs) / sizeof(pairs[0]); tok = strtok_r(NULL, "&", &save)) {
        char *eq = strchr(tok, '=');
        if (eq)
            *eq = '\0';
        pairs[n].key = tok;
        pairs[n].value = eq ? eq + 1 : "";
        n++;
    }
    for (size_t f = 0; f < sizeof(fixed) / sizeof(fixed[0]); f++) {
        struct verr_list errs;
        struct json_object *params;
        verr_init(&errs);
        params = search_params_parse(pairs, n, fixed[f], &errs);
        if (params == NULL && errs.count == 0)
            abort();
        if (params && json_object_to_json_string(params) == NULL)
            abort();
        json_object_put(params);
    }
    if (n >= 2) {
        struct verr_list errs;
        char from[17], to[17];
        verr_init(&errs);
        if (search_window_parse(pairs[0].value, pairs[1].value, from, to, &errs) < 0 && errs.count == 0)
            abort();
    }
    free(text);
    fuzz_check_time(t0, "search_params_parse");
    return 0;
}
