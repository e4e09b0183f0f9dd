/*
 * test_openapi.c — the OpenAPI document describes exactly the routes the
 * daemon serves. server/routes.c is the single source of routes; this test
 * reads its R("path", methods, ...) lines and compares them, method by
 * method, with the paths of the embedded docs/openapi.json. HTML pages and
 * static assets (anything outside /api/, /feeds/, /health and /ready) are
 * not part of the API and are skipped.
 */
#include <criterion/criterion.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "embedded.h"

#ifndef SK_SOURCE_DIR
#error "SK_SOURCE_DIR must be defined by the build"
#endif

static const struct {
    const char *flag, *method;
} method_names[] = {
    { "RM_GET", "get" }, { "RM_POST", "post" }, { "RM_PUT", "put" }, { "RM_PATCH", "patch" }, { "RM_DELETE", "delete" },
};

static int is_api_path(const char *p)
{
    return strncmp(p, "/api/", 5) == 0 || strncmp(p, "/feeds/", 7) == 0 || strcmp(p, "/health") == 0 ||
           strcmp(p, "/ready") == 0;
}

/* Read the whole of server/routes.c; the caller frees. */
static char *read_routes_source(void)
{
    FILE *f = fopen(SK_SOURCE_DIR "/server/routes.c", "r");
    char *buf;
    long n;
    cr_assert_not_null(f, "cannot open server/routes.c");
    fseek(f, 0, SEEK_END);
    n = ftell(f);
    rewind(f);
    buf = malloc((size_t)n + 1);
    cr_assert_eq(fread(buf, 1, (size_t)n, f), (size_t)n);
    buf[n] = '\0';
    fclose(f);
    return buf;
}

static struct json_object *openapi_paths(struct json_object **doc)
{
    struct json_object *paths;
    *doc = json_tokener_parse((const char *)sk_openapi_json.data);
    cr_assert_not_null(*doc, "docs/openapi.json is not valid JSON");
    cr_assert(json_object_object_get_ex(*doc, "paths", &paths));
    return paths;
}

/* Every served API route and method is documented. */
Test(openapi, documents_every_route)
{
    struct json_object *doc, *paths = openapi_paths(&doc), *item, *op;
    char *src = read_routes_source(), *p = src;
    int routes = 0;

    while ((p = strstr(p, "R(\"")) != NULL) {
        char path[256], *end, *close;
        p += 3;
        end = strchr(p, '"');
        close = strchr(p, ')');
        cr_assert(end && close && end - p < (long)sizeof(path));
        memcpy(path, p, (size_t)(end - p));
        path[end - p] = '\0';
        if (!is_api_path(path))
            continue;
        routes++;
        cr_assert(json_object_object_get_ex(paths, path, &item), "route %s is missing from docs/openapi.json", path);
        for (size_t i = 0; i < sizeof(method_names) / sizeof(method_names[0]); i++) {
            const char *flag = strstr(end, method_names[i].flag);
            if (flag == NULL || flag > close)
                continue;
            cr_assert(json_object_object_get_ex(item, method_names[i].method, &op),
                      "%s %s is served but not in docs/openapi.json", method_names[i].method, path);
        }
    }
    cr_assert_gt(routes, 10);
    free(src);
    json_object_put(doc);
}

/* Everything documented is served. */
Test(openapi, documents_nothing_unserved)
{
    struct json_object *doc, *paths = openapi_paths(&doc);
    char *src = read_routes_source();

    json_object_object_foreach(paths, path, item)
    {
        char needle[300];
        const char *line, *close;
        snprintf(needle, sizeof(needle), "R(\"%s\",", path);
        json_object_object_foreach(item, method, op)
        {
            int found = 0;
            (void)op;
            for (size_t i = 0; i < sizeof(method_names) / sizeof(method_names[0]); i++) {
                if (strcmp(method, method_names[i].method) != 0)
                    continue;
                for (line = strstr(src, needle); line && !found; line = strstr(line + 1, needle)) {
                    const char *flag = strstr(line, method_names[i].flag);
                    close = strchr(line, ')');
                    found = flag != NULL && flag < close;
                }
                cr_assert(found, "docs/openapi.json documents %s %s, which the daemon does not serve", method, path);
            }
        }
    }
    free(src);
    json_object_put(doc);
}
