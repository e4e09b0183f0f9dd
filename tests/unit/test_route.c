/* test_route.c — route matching, parameters, 404 and 405. */
#include <criterion/criterion.h>
#include <string.h>

#include "route.h"

static const struct route table[] = {
    { "/health", RM_GET, NULL, 0 },
    { "/api/v1/places", RM_GET | RM_POST, NULL, 0 },
    { "/api/v1/places/{id}", RM_GET | RM_PUT | RM_PATCH | RM_DELETE, NULL, 0 },
    { "/api/v1/places/{id}/reports", RM_POST, NULL, 0 },
};
#define N (sizeof(table) / sizeof(table[0]))

Test(route, literal_and_params)
{
    struct route_match m;
    cr_assert_eq(route_match(table, N, RM_GET, "/health", &m), 200);
    cr_assert_eq(m.route, &table[0]);
    cr_assert_eq(route_match(table, N, RM_PATCH, "/api/v1/places/abc-1", &m), 200);
    cr_assert_eq(m.route, &table[2]);
    cr_assert_eq(m.nparams, 1);
    cr_assert_eq(m.params[0].len, 5);
    cr_assert_eq(strncmp(m.params[0].ptr, "abc-1", 5), 0);
    cr_assert_eq(route_match(table, N, RM_POST, "/api/v1/places/x/reports", &m), 200);
    cr_assert_eq(m.route, &table[3]);
}

Test(route, not_found_and_method_not_allowed)
{
    struct route_match m;
    char allow[64];
    cr_assert_eq(route_match(table, N, RM_GET, "/nope", &m), 404);
    cr_assert_eq(route_match(table, N, RM_GET, "/api/v1/places/", &m), 404);
    cr_assert_eq(route_match(table, N, RM_GET, "/healthz", &m), 404);
    cr_assert_eq(route_match(table, N, RM_DELETE, "/api/v1/places", &m), 405);
    route_methods_str(m.allowed, allow, sizeof(allow));
    cr_assert_str_eq(allow, "GET, POST");
}
