/* test_cursor.c — the API's paging cursors read back: what it gives out, and nothing else. */
#include <criterion/criterion.h>
#include <string.h>

#include "cursor.h"

#define T(s) s, strlen(s)

Test(cursor, list_cursors)
{
    struct list_cursor c;
    cr_assert(cursor_list_decode(T("1764600000123456.0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d"), &c));
    cr_assert_eq(c.at_us, 1764600000123456LL);
    cr_assert_str_eq(c.id, "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d");
    cr_assert(cursor_list_decode(T("-5.0A1B2C3D-4E5F-4A6B-8C7D-9E0F1A2B3C4D"), &c));
    cr_assert_str_eq(c.id, "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d", "lower-cased");
    cr_assert_not(cursor_list_decode(T("12345678901234567890.0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d"), &c));
    cr_assert_not(cursor_list_decode(T(".0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d"), &c));
    cr_assert_not(cursor_list_decode(T("12.not-a-uuid"), &c));
    cr_assert_not(cursor_list_decode(T("12"), &c));
    cr_assert_not(cursor_list_decode(T("1 2.0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d"), &c));
}

Test(cursor, id_cursors)
{
    int64_t v;
    cr_assert(cursor_id_decode(T("42"), &v));
    cr_assert_eq(v, 42);
    cr_assert_not(cursor_id_decode(T("-1"), &v));
    cr_assert_not(cursor_id_decode(T("1234567890123456789"), &v));
    cr_assert_not(cursor_id_decode(T(""), &v));
}

Test(cursor, search_cursors)
{
    struct search_cursor c;
    /* {"h": "0123456789ab", "i": "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d", "k": "0.25", "s": "relevance"} */
    const char *ok = "eyJoIjogIjAxMjM0NTY3ODlhYiIsICJpIjogIjBhMWIyYzNkLTRlNWYtNGE2Yi04YzdkLTllMGYxYTJiM2M0ZCIsICJr"
                     "IjogIjAuMjUiLCAicyI6ICJyZWxldmFuY2UifQ";
    cr_assert(cursor_search_decode(ok, strlen(ok), &c));
    cr_assert_str_eq(c.sort, "relevance");
    cr_assert_str_eq(c.key, "0.25");
    cr_assert_str_eq(c.hash, "0123456789ab");
    cr_assert_not(cursor_search_decode(T("e30"), &c), "{} is not a cursor");
    cr_assert_not(cursor_search_decode(T("!!!!"), &c));
    cr_assert_not(cursor_search_decode(T("a"), &c));
    /* {"h":"x","i":"0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d","k":"1","s":"relevance"}: a bad hash */
    cr_assert_not(cursor_search_decode(
        T("eyJoIjoieCIsImkiOiIwYTFiMmMzZC00ZTVmLTRhNmItOGM3ZC05ZTBmMWEyYjNjNGQiLCJrIjoiMSIsInMiOiJyZWxldmFuY2UifQ"),
        &c));
}

/* The one parser of paging numbers: digits only, in range. */
Test(cursor, numbers)
{
    long v = -1;
    cr_assert(cursor_number("20", 1, 100, &v) && v == 20);
    cr_assert(cursor_number("0", 0, 10, &v) && v == 0);
    cr_assert(cursor_number("999999999999999999", 0, 999999999999999999L, &v) && v == 999999999999999999L);
    static const char *const bad[] = { "", "0", "101", "+5", " 5", "5 ", "-1", "1e2", "0x10", "1000000000000000000" };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        cr_assert(!cursor_number(bad[i], 1, 100, &v), "'%s' is not a limit", bad[i]);
    cr_assert(!cursor_number(NULL, 0, 100, &v));
}
