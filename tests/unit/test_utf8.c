/*
 * test_utf8.c — the one strict UTF-8 decoder (common/utf8.c).
 */
#include <criterion/criterion.h>
#include <string.h>

#include "utf8.h"

static size_t dec(const char *s, size_t n, uint32_t *cp)
{
    return utf8_decode((const unsigned char *)s, n, cp);
}

Test(utf8, decodes_every_length)
{
    uint32_t cp;
    cr_assert_eq(dec("a", 1, &cp), 1);
    cr_assert_eq(cp, 'a');
    cr_assert_eq(dec("\xc3\xa9", 2, &cp), 2);
    cr_assert_eq(cp, 0xe9);
    cr_assert_eq(dec("\xe2\x82\xac", 3, &cp), 3);
    cr_assert_eq(cp, 0x20ac);
    cr_assert_eq(dec("\xf0\x9f\x98\x80", 4, &cp), 4);
    cr_assert_eq(cp, 0x1f600);
}

Test(utf8, refuses_what_is_not_strict)
{
    uint32_t cp;
    cr_assert_eq(dec("\xc0\xaf", 2, &cp), 0, "overlong");
    cr_assert_eq(dec("\xe0\x80\xaf", 3, &cp), 0, "overlong");
    cr_assert_eq(dec("\xed\xa0\x80", 3, &cp), 0, "surrogate");
    cr_assert_eq(dec("\xf4\x90\x80\x80", 4, &cp), 0, "above U+10FFFF");
    cr_assert_eq(dec("\xe2\x82", 2, &cp), 0, "truncated");
    cr_assert_eq(dec("\xe2\x82\0", 3, &cp), 0, "a NUL is no continuation byte");
    cr_assert_eq(dec("\x80", 1, &cp), 0, "a lone continuation byte");
    cr_assert_eq(dec("\xff", 1, &cp), 0);
    cr_assert_eq(dec("a", 0, &cp), 0, "nothing to decode");
}

Test(utf8, encodes_what_it_decodes)
{
    static const uint32_t cps[] = { 0, 0x41, 0x7f, 0x80, 0x7ff, 0x800, 0xd7ff, 0xe000, 0xffff, 0x10000, 0x10ffff };
    for (size_t i = 0; i < sizeof(cps) / sizeof(cps[0]); i++) {
        char buf[4];
        uint32_t back;
        size_t n = utf8_encode(cps[i], buf);
        cr_assert_eq(dec(buf, n, &back), n, "U+%X", cps[i]);
        cr_assert_eq(back, cps[i]);
    }
    cr_assert(utf8_valid("caf\xc3\xa9", 5));
    cr_assert_not(utf8_valid("caf\xc3", 4));
    cr_assert_eq(utf8_chars("caf\xc3\xa9"), 4);
}
