/*
 * html.h — a growable text buffer with the escaping the server-rendered web
 * pages need (server/h_web.c): HTML text and attribute values, and URL
 * query components.
 *
 * Everything that comes from the database or the request goes through
 * html_text (or html_url) before it reaches a page; html_raw is only for
 * literal markup written in the C source. Not a template engine.
 *
 * Ownership: struct html_buf is owned by the caller (usually on the stack);
 * its data is malloc'd, grows as needed and is released with html_free or
 * taken over with html_take. After an allocation failure the buffer is
 * marked failed and every later call does nothing; check html_failed once
 * at the end. Pure: no I/O.
 */
#ifndef SK_HTML_H
#define SK_HTML_H

#include <stdbool.h>
#include <stddef.h>

struct html_buf {
    char *
        data; /* owned (html_free, or html_take hands it over); NUL-terminated when len > 0; NULL until the first write */
    size_t len;
    size_t cap;
    bool failed; /* an allocation failed: contents are incomplete */
};

void html_init(struct html_buf *b);
void html_free(struct html_buf *b);

/* The malloc'd NUL-terminated contents (caller frees), or NULL when failed; the buffer is reset. */
char *html_take(struct html_buf *b, size_t *len);

bool html_failed(const struct html_buf *b);

/* Literal markup from the source code: appended as is. NULL appends nothing. */
void html_raw(struct html_buf *b, const char *s);
void html_rawn(struct html_buf *b, const char *s, size_t n);
void html_printf(struct html_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/*
 * Untrusted text, escaped for HTML text and quoted attribute values:
 * & < > " ' become entities; NUL-free C string expected. Invalid UTF-8 bytes
 * and control characters other than tab/newline become U+FFFD so a broken
 * value cannot break the page. NULL appends nothing.
 */
void html_text(struct html_buf *b, const char *s);

/* A query-string component, percent-encoded (RFC 3986 unreserved kept, space as %20). */
void html_url(struct html_buf *b, const char *s);

/* Escape s into a new malloc'd string (for tests and small uses); NULL when out of memory. */
char *html_escape(const char *s);

#endif
