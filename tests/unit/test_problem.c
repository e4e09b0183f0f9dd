/* test_problem.c — RFC 9457 shape. */
#include <criterion/criterion.h>
#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>

#include "problem.h"

Test(problem, renders_all_members)
{
    struct json_object *errors = json_object_new_array(), *p, *v;
    size_t len;
    char *s;
    problem_add_error(errors, "contact.email", "must be an e-mail address");
    s = problem_render(422, "urn:socialekaart:problem:invalid-input", "1 field is invalid", "/api/v1/places", errors,
                       &len);
    cr_assert_eq(strlen(s), len);
    p = json_tokener_parse(s);
    cr_assert(json_object_object_get_ex(p, "status", &v));
    cr_assert_eq(json_object_get_int(v), 422);
    cr_assert(json_object_object_get_ex(p, "title", &v));
    cr_assert_str_eq(json_object_get_string(v), "Unprocessable Content");
    cr_assert(json_object_object_get_ex(p, "errors", &v));
    cr_assert_str_eq(json_object_get_string(json_object_object_get(json_object_array_get_idx(v, 0), "field")),
                     "contact.email");
    json_object_put(p);
    free(s);
}

Test(problem, blank_type_by_default)
{
    size_t len;
    char *s = problem_render(404, NULL, NULL, NULL, NULL, &len);
    cr_assert_not_null(strstr(s, "\"type\":\"about:blank\""));
    cr_assert_null(strstr(s, "detail"));
    free(s);
}

/* SQL writes problems without instance; the daemon adds the request path (one dialect). */
Test(problem, instance_added_when_missing)
{
    size_t len = 0;
    char *s =
        problem_add_instance("{\"type\":\"about:blank\",\"title\":\"Not Found\",\"status\":404}", "/api/v1/x", &len);
    cr_assert_not_null(s);
    cr_assert_str_eq(s, "{\"type\":\"about:blank\",\"title\":\"Not Found\",\"status\":404,\"instance\":\"/api/v1/x\"}");
    cr_assert_eq(len, strlen(s));
    free(s);
    cr_assert_null(problem_add_instance("{\"status\":404,\"instance\":\"/a\"}", "/b", &len), "an instance is kept");
    cr_assert_null(problem_add_instance("not json", "/b", &len));
    cr_assert_null(problem_add_instance(NULL, "/b", &len));
}
