/*
 * html.c — growable buffer and escaping for the server-rendered pages.
 */
#include "html.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "utf8.h"

void html_init(struct html_buf *b)
{
    memset(b, 0, sizeof(*b));
}

void html_free(struct html_buf *b)
{
    free(b->data);
    html_init(b);
}

bool html_failed(const struct html_buf *b)
{
    return b->failed;
}

char *html_take(struct html_buf *b, size_t *len)
{
    char *d = b->failed ? NULL : b->data;
    if (d == NULL && !b->failed)
        d = calloc(1, 1);
    if (len)
        *len = d ? b->len : 0;
    if (b->failed)
        free(b->data);
    html_init(b);
    return d;
}

/* Make room for n more bytes plus the NUL; false (and failed) when that is impossible. */
static bool html_reserve(struct html_buf *b, size_t n)
{
    size_t want, cap;
    char *d;

    if (b->failed)
        return false;
    if (n > ((size_t)-1) / 2 - b->len) {
        b->failed = true;
        return false;
    }
    want = b->len + n + 1;
    if (want <= b->cap)
        return true;
    cap = b->cap ? b->cap : 1024;
    while (cap < want)
        cap *= 2;
    d = realloc(b->data, cap);
    if (d == NULL) {
        b->failed = true;
        return false;
    }
    b->data = d;
    b->cap = cap;
    return true;
}

void html_rawn(struct html_buf *b, const char *s, size_t n)
{
    if (s == NULL || n == 0 || !html_reserve(b, n))
        return;
    memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = '\0';
}

void html_raw(struct html_buf *b, const char *s)
{
    if (s)
        html_rawn(b, s, strlen(s));
}

void html_printf(struct html_buf *b, const char *fmt, ...)
{
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0 || !html_reserve(b, (size_t)n))
        return;
    va_start(ap, fmt);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

void html_text(struct html_buf *b, const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    const unsigned char *run;

    if (s == NULL)
        return;
    run = p;
    while (*p) {
        const char *rep = NULL;
        size_t n = 1;
        switch (*p) {
        case '&': rep = "&amp;"; break;
        case '<': rep = "&lt;"; break;
        case '>': rep = "&gt;"; break;
        case '"': rep = "&quot;"; break;
        case '\'': rep = "&#39;"; break;
        default: {
            uint32_t cp;
            n = utf8_decode(p, strnlen((const char *)p, 4), &cp);
            if (n == 0 || (*p < 0x20 && *p != '\t' && *p != '\n') || *p == 0x7f) {
                rep = "\xef\xbf\xbd";
                n = 1;
            }
            break;
        }
        }
        if (rep) {
            html_rawn(b, (const char *)run, (size_t)(p - run));
            html_raw(b, rep);
            p += n;
            run = p;
        } else {
            p += n;
        }
    }
    html_rawn(b, (const char *)run, (size_t)(p - run));
}

void html_url(struct html_buf *b, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    char enc[3] = { '%', 0, 0 };

    if (s == NULL)
        return;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '-' ||
            *p == '_' || *p == '.' || *p == '~') {
            html_rawn(b, (const char *)p, 1);
        } else {
            enc[1] = hex[*p >> 4];
            enc[2] = hex[*p & 15];
            html_rawn(b, enc, 3);
        }
    }
}

char *html_escape(const char *s)
{
    struct html_buf b;
    html_init(&b);
    html_text(&b, s ? s : "");
    return html_take(&b, NULL);
}
