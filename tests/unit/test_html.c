/* test_html.c — escaping for the server-rendered pages. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "html.h"

static void check_escape(const char *in, const char *want)
{
    char *got = html_escape(in);
    cr_assert_not_null(got);
    cr_assert_str_eq(got, want, "escape(%s)", in);
    free(got);
}

Test(html, escapes_markup_characters)
{
    check_escape("<script>alert(\"x\")</script>", "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;");
    check_escape("Tom & Jerry's", "Tom &amp; Jerry&#39;s");
    check_escape("\" onmouseover=\"x", "&quot; onmouseover=&quot;x");
    check_escape("", "");
}

Test(html, keeps_utf8_and_replaces_broken_bytes)
{
    check_escape("Café Één — ü", "Café Één — ü");
    check_escape("a\xff"
                 "b",
                 "a\xef\xbf\xbd"
                 "b");
    check_escape("a\xc3", "a\xef\xbf\xbd");                               /* truncated sequence */
    check_escape("\xed\xa0\x80", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"); /* surrogate */
    check_escape("x\x01y\tz\n", "x\xef\xbf\xbdy\tz\n");
}

Test(html, url_component)
{
    struct html_buf b;
    char *s;
    html_init(&b);
    html_url(&b, "wandelen & fietsen/één?=");
    s = html_take(&b, NULL);
    cr_assert_str_eq(s, "wandelen%20%26%20fietsen%2F%C3%A9%C3%A9n%3F%3D");
    free(s);
}

Test(html, buffer_grows_and_formats)
{
    struct html_buf b;
    size_t len;
    char *s;
    html_init(&b);
    for (int i = 0; i < 1000; i++)
        html_printf(&b, "<li>%d</li>", i);
    html_raw(&b, NULL);
    html_text(&b, NULL);
    cr_assert_not(html_failed(&b));
    s = html_take(&b, &len);
    cr_assert_eq(strlen(s), len);
    cr_assert(strncmp(s, "<li>0</li><li>1</li>", 20) == 0);
    cr_assert_not_null(strstr(s, "<li>999</li>"));
    free(s);
    s = html_take(&b, &len); /* empty buffer: an empty string */
    cr_assert_str_eq(s, "");
    free(s);
}
