/*
 * utf8.h — strict UTF-8: one decoder for the whole code base (validation of
 * bodies and search texts, HTML escaping, text analysis).
 *
 * Strict means: no overlong forms, no surrogates (U+D800..U+DFFF), nothing
 * above U+10FFFF, no truncated sequences. Pure functions, no allocation.
 */
#ifndef SK_UTF8_H
#define SK_UTF8_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Decode the code point at s[0..n) (n >= 1) into *cp; its length 1..4, or 0 when invalid. */
size_t utf8_decode(const unsigned char *s, size_t n, uint32_t *cp);

/* Encode cp (a valid code point) into out (4 bytes of room); returns the bytes written. */
size_t utf8_encode(uint32_t cp, char *out);

/* Is s[0..n) valid UTF-8 throughout? */
bool utf8_valid(const char *s, size_t n);

/* Code points in a NUL-terminated text (counts lead bytes; for valid UTF-8). */
size_t utf8_chars(const char *s);

#endif
