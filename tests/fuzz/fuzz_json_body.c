/* fuzz_json_body.c — the JSON body gate and the entry validator of common/validate.c. */
#include <json-c/json.h>

#include "fuzz_common.h"
#include "validate.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct verr_list errs;
    struct json_object *obj;
    double t0 = fuzz_cpu_ms();

    verr_init(&errs);
    obj = validate_json_body((const char *)data, size, VALIDATE_JSON_DEPTH_DEFAULT, &errs);
    if (obj == NULL && errs.count == 0)
        abort(); /* a refusal always says why */
    if (obj) {
        /* what passed the gate is valid UTF-8 JSON without \u0000 or lone surrogates: it renders again */
        const char *again = json_object_to_json_string_ext(obj, JSON_C_TO_STRING_PLAIN);
        if (again == NULL)
            abort();
        for (int k = 0; k < SK_KIND_COUNT; k++) {
            for (int m = VALIDATE_CREATE; m <= VALIDATE_PATCH; m++) {
                struct verr_list e;
                struct json_object *arr;
                verr_init(&e);
                validate_entry((enum sk_kind)k, (enum validate_mode)m, obj, &e);
                arr = verr_to_json(&e);
                if (arr == NULL || json_object_to_json_string(arr) == NULL)
                    abort();
                json_object_put(arr);
            }
        }
        json_object_put(obj);
    }
    fuzz_check_time(t0, "validate_json_body/validate_entry");
    return 0;
}
