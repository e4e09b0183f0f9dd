/*
 * fuzz_search_params.c — the resident search's parameter parser
 * (common/search.c). The input is a query string: pairs split on '&' and
 * the first '=', as evhttp hands them over (already percent-decoded). And
 * the demand note made from what it parsed (common/demand.c): bounded, its
 * kept words without a digit or an @, and the cache line round-trips.
 */
#include <json-c/json.h>

#include "demand.h"
#include "fuzz_common.h"
#include "search.h"

static void check_note(struct json_object *params)
{
    struct demand_note note, back;
    char line[DEMAND_LINE_MAX];
    const char *words;

    if (!demand_note_search(&note, params))
        return;
    note.found_nothing = true;
    if (strlen(note.text) >= sizeof(note.text))
        abort();
    words = strrchr(note.text, '|');
    if (words == NULL || strpbrk(words + 1, "0123456789@\r\n") != NULL || strlen(words + 1) > DEMAND_WORDS_MAX)
        abort();
    demand_note_format(&note, line, sizeof(line));
    if (!demand_note_parse(&back, line, strlen(line)) || back.what != note.what || !back.found_nothing ||
        strcmp(back.text, note.text) != 0)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct search_pair pairs[300];
    char *text = fuzz_text(data, size), *p = text, *save = NULL, *tok;
    size_t n = 0;
    double t0 = fuzz_cpu_ms();
    static const char *const fixed[] = { NULL, "place", "activity", "vacancy", "carer_support", "service" };

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
        if (params)
            check_note(params);
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
