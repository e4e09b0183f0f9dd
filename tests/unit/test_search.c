/* test_search.c — search parameters: normalisation, bounds, and every error named. */
#include <criterion/criterion.h>
#include <json-c/json.h>
#include <string.h>

#include "search.h"

static struct json_object *parse(const struct search_pair *p, size_t n, const char *kind, struct verr_list *e)
{
    verr_init(e);
    return search_params_parse(p, n, kind, e);
}

static const char *member(struct json_object *o, const char *name)
{
    struct json_object *v;
    return json_object_object_get_ex(o, name, &v) ? json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN) : NULL;
}

Test(search, typical_resident_search_normalises)
{
    struct search_pair p[] = { { "q", "wandelen" },
                               { "area", "GM0512-lingewijk,GM0512-dalem" },
                               { "theme", "beweging" },
                               { "access", "wheelchair:limited,hearing_loop" },
                               { "free", "true" },
                               { "from", "2026-10-20" },
                               { "to", "2026-11-03T00:00" },
                               { "day", "tue,sat" },
                               { "kind", "activities,places" } };
    struct verr_list e;
    struct json_object *o = parse(p, 9, NULL, &e);
    cr_assert_not_null(o, "errors: %s", e.count ? e.items[0].message : "");
    cr_assert_str_eq(member(o, "q"), "\"wandelen\"");
    cr_assert_str_eq(member(o, "areas"), "[\"GM0512-lingewijk\",\"GM0512-dalem\"]");
    cr_assert_str_eq(member(o, "access"), "[{\"facet\":\"wheelchair\",\"values\":[\"limited\",\"yes\"]},"
                                          "{\"facet\":\"hearing_loop\",\"values\":[\"yes\"]}]");
    cr_assert_str_eq(member(o, "from"), "\"2026-10-20T00:00\"");
    cr_assert_str_eq(member(o, "days"), "[2,6]");
    cr_assert_str_eq(member(o, "kinds"), "[\"activity\",\"place\"]");
    cr_assert_str_eq(member(o, "free"), "true");
    json_object_put(o);
}

Test(search, every_bad_parameter_is_named)
{
    struct search_pair p[] = { { "from", "2026-13-01" },   { "limit", "101" },
                               { "radius", "90000" },      { "near", "48.85,2.35" },
                               { "municipality", "0512" }, { "access", "wheelchair:maybe" },
                               { "sort", "price" },        { "aera", "x" },
                               { "cursor", "a b" },        { "day", "funday" } };
    struct verr_list e;
    const char *fields[] = { "from",   "limit", "radius", "near",   "municipality",
                             "access", "sort",  "aera",   "cursor", "day" };
    cr_assert_null(parse(p, 10, NULL, &e));
    cr_assert_geq(e.count, 10);
    for (size_t i = 0; i < 10; i++) {
        int found = 0;
        for (size_t j = 0; j < e.count; j++)
            found |= strcmp(e.items[j].field, fields[i]) == 0;
        cr_assert(found, "no error names %s", fields[i]);
    }
}

Test(search, window_rules)
{
    struct search_pair back[] = { { "from", "2026-12-01" }, { "to", "2026-11-01" } };
    struct search_pair long_window[] = { { "from", "2026-01-01" }, { "to", "2027-06-01" } };
    struct search_pair radius_alone[] = { { "radius", "500" } };
    struct verr_list e;
    cr_assert_null(parse(back, 2, NULL, &e));
    cr_assert_str_eq(e.items[0].field, "to");
    cr_assert_null(parse(long_window, 2, NULL, &e));
    cr_assert_null(parse(radius_alone, 1, NULL, &e));
    cr_assert_str_eq(e.items[0].field, "radius");
}

Test(search, list_endpoint_fixes_kind)
{
    struct search_pair ok[] = { { "area", "GM0668-dreumel" } };
    struct search_pair kind[] = { { "kind", "places" } };
    struct verr_list e;
    struct json_object *o = parse(ok, 1, "vacancy", &e);
    cr_assert_str_eq(member(o, "kinds"), "[\"vacancy\"]");
    json_object_put(o);
    cr_assert_null(parse(kind, 1, "vacancy", &e));
}

Test(search, text_bounds_and_utf8)
{
    char long_q[300];
    struct search_pair bad_utf8[] = { { "q", "caf\xc3" } };
    struct search_pair too_long[] = { { "q", long_q } };
    struct search_pair accents[] = { { "q", "café" } };
    struct verr_list e;
    struct json_object *o;
    memset(long_q, 'a', sizeof(long_q) - 1);
    long_q[sizeof(long_q) - 1] = '\0';
    cr_assert_null(parse(bad_utf8, 1, NULL, &e));
    cr_assert_null(parse(too_long, 1, NULL, &e));
    o = parse(accents, 1, NULL, &e);
    cr_assert_not_null(o);
    json_object_put(o);
}

Test(search, occurrence_window)
{
    struct verr_list e;
    char f[17], t[17];
    verr_init(&e);
    cr_assert_eq(search_window_parse("2026-10-01", "2026-11-30T12:00", f, t, &e), 0);
    cr_assert_str_eq(f, "2026-10-01T00:00");
    cr_assert_str_eq(t, "2026-11-30T12:00");
    cr_assert_eq(search_window_parse(NULL, "2026-11-30", f, t, &e), -1);
    cr_assert_str_eq(e.items[0].field, "from");
}
