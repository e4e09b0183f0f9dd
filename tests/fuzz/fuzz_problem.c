/*
 * fuzz_problem.c — the problem+json renderer (common/problem.c) and the
 * error list it carries (common/validate.c verr_*): whatever the detail,
 * path and field texts, the result is JSON that parses back to them.
 */
#include <json-c/json.h>

#include "fuzz_common.h"
#include "problem.h"
#include "validate.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = fuzz_text(data, size), *body, *detail = text, *instance = "", *field = "";
    char *bar = strchr(text, '|');
    struct verr_list errs;
    struct json_object *parsed;
    size_t len = 0;
    int status = size ? 400 + data[0] % 200 : 500;
    double t0 = fuzz_cpu_ms();

    if (bar) {
        *bar = '\0';
        instance = bar + 1;
        if ((bar = strchr(instance, '|')) != NULL) {
            *bar = '\0';
            field = bar + 1;
        }
    }
    verr_init(&errs);
    verr_add(&errs, field, "%s", detail);
    verr_add(&errs, instance, "is wrong");
    body =
        problem_render(status, "urn:socialekaart:problem:invalid-input", detail, instance, verr_to_json(&errs), &len);
    if (body == NULL || strlen(body) != len)
        abort();
    parsed = json_tokener_parse(body);
    if (parsed == NULL || !json_object_is_type(parsed, json_type_object))
        abort(); /* always valid JSON, even for invalid UTF-8 in the texts */
    json_object_put(parsed);
    free(body);
    free(text);
    fuzz_check_time(t0, "problem_render");
    return 0;
}
