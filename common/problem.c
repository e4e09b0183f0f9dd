/*
 * problem.c — RFC 9457 problem details.
 */
#include "problem.h"

#include "contract.h"

#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>

const char *problem_status_title(int status)
{
    return contract_status_title(status);
}

/* o's compact JSON text as a malloc'd copy (and its length in *len); NULL when out of memory. */
static char *json_text(struct json_object *o, size_t *len)
{
    size_t n;
    const char *text =
        json_object_to_json_string_length(o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE, &n);
    char *out = malloc(n + 1);
    if (out) {
        memcpy(out, text, n + 1);
        *len = n;
    }
    return out;
}

char *problem_render(int status, const char *type, const char *detail, const char *instance, struct json_object *errors,
                     size_t *len)
{
    struct json_object *o = json_object_new_object();
    char *out;

    json_object_object_add(o, "type", json_object_new_string(type ? type : "about:blank"));
    json_object_object_add(o, "title", json_object_new_string(problem_status_title(status)));
    json_object_object_add(o, "status", json_object_new_int(status));
    if (detail)
        json_object_object_add(o, "detail", json_object_new_string(detail));
    if (instance)
        json_object_object_add(o, "instance", json_object_new_string(instance));
    if (errors)
        json_object_object_add(o, "errors", errors);
    out = json_text(o, len);
    json_object_put(o);
    return out;
}

void problem_add_error(struct json_object *errors, const char *field, const char *message)
{
    struct json_object *e = json_object_new_object();
    json_object_object_add(e, "field", json_object_new_string(field));
    json_object_object_add(e, "message", json_object_new_string(message));
    json_object_array_add(errors, e);
}

char *problem_add_instance(const char *body, const char *instance, size_t *len)
{
    struct json_object *o, *v;
    char *out = NULL;
    if (body == NULL || instance == NULL)
        return NULL;
    o = json_tokener_parse(body);
    if (o != NULL && json_object_is_type(o, json_type_object) && !json_object_object_get_ex(o, "instance", &v)) {
        json_object_object_add(o, "instance", json_object_new_string(instance));
        out = json_text(o, len);
    }
    json_object_put(o);
    return out;
}
