/*
 * cursor.c — reading back the API's paging cursors (see cursor.h).
 */
#include "cursor.h"

#include <ctype.h>
#include <json-c/json.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <string.h>

#include "auth.h"

static bool all_digits(const char *s, size_t n)
{
    if (n == 0)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!isdigit((unsigned char)s[i]))
            return false;
    return true;
}

enum {
    NUMBER_DIGITS_MAX = 18
}; /* fits a long (int64) */

bool cursor_number(const char *text, long lo, long hi, long *out)
{
    size_t n = text ? strlen(text) : 0;
    long v = 0;
    if (n > NUMBER_DIGITS_MAX || !all_digits(text, n))
        return false;
    for (size_t i = 0; i < n; i++)
        v = v * 10 + (text[i] - '0');
    if (v < lo || v > hi)
        return false;
    *out = v;
    return true;
}

static void lower_uuid(const char *s, char out[37])
{
    for (size_t i = 0; i < 36; i++)
        out[i] = (char)tolower((unsigned char)s[i]);
    out[36] = '\0';
}

bool cursor_list_decode(const char *text, size_t len, struct list_cursor *out)
{
    const char *dot;
    size_t num;
    int64_t v = 0;
    bool neg;

    if (text == NULL || len == 0 || len > CURSOR_TEXT_MAX || (dot = memchr(text, '.', len)) == NULL)
        return false;
    num = (size_t)(dot - text);
    neg = num > 0 && text[0] == '-';
    if (num - neg > 17 || !all_digits(text + neg, num - neg) || len - num - 1 != 36 || !auth_is_uuid(dot + 1, 36))
        return false;
    for (size_t i = neg; i < num; i++)
        v = v * 10 + (text[i] - '0');
    out->at_us = neg ? -v : v;
    lower_uuid(dot + 1, out->id);
    return true;
}

bool cursor_id_decode(const char *text, size_t len, int64_t *out)
{
    int64_t v = 0;
    if (text == NULL || len > 18 || !all_digits(text, len))
        return false;
    for (size_t i = 0; i < len; i++)
        v = v * 10 + (text[i] - '0');
    *out = v;
    return true;
}

/* base64url without padding into out (cap bytes); the decoded length, or -1. */
static int base64url_decode(const char *text, size_t len, unsigned char *out, size_t cap)
{
    char b64[CURSOR_TEXT_MAX + 4];
    size_t n = 0, pad;
    int got;

    if (len > CURSOR_TEXT_MAX || len % 4 == 1)
        return -1;
    for (size_t i = 0; i < len; i++) {
        char c = text[i];
        if (c == '-')
            c = '+';
        else if (c == '_')
            c = '/';
        else if (!isalnum((unsigned char)c))
            return -1;
        b64[n++] = c;
    }
    pad = (4 - n % 4) % 4;
    for (size_t i = 0; i < pad; i++)
        b64[n++] = '=';
    if (n / 4 * 3 > cap)
        return -1;
    got = EVP_DecodeBlock(out, (const unsigned char *)b64, (int)n);
    if (got < 0)
        return -1;
    return got - (int)pad; /* EVP_DecodeBlock counts the padding as zero bytes */
}

static bool copy_member(struct json_object *o, const char *name, char *out, size_t cap)
{
    struct json_object *v;
    const char *s;
    if (!json_object_object_get_ex(o, name, &v) || !json_object_is_type(v, json_type_string))
        return false;
    s = json_object_get_string(v);
    if (strlen(s) >= cap)
        return false;
    memcpy(out, s, strlen(s) + 1);
    return true;
}

bool cursor_search_decode(const char *text, size_t len, struct search_cursor *out)
{
    static const char *const sorts[] = { "relevance", "date", "distance", "updated", "created", NULL };
    unsigned char raw[CURSOR_TEXT_MAX];
    struct json_tokener *tok;
    struct json_object *o;
    char id[40];
    bool ok = false;
    int n = text ? base64url_decode(text, len, raw, sizeof(raw)) : -1;

    if (n <= 1 || raw[0] != '{')
        return false;
    tok = json_tokener_new_ex(2);
    if (tok == NULL)
        return false;
    json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
    o = json_tokener_parse_ex(tok, (const char *)raw, n);
    if (o && json_tokener_get_error(tok) == json_tokener_success && json_object_is_type(o, json_type_object) &&
        json_object_object_length(o) == 4 && copy_member(o, "s", out->sort, sizeof(out->sort)) &&
        copy_member(o, "h", out->hash, sizeof(out->hash)) && copy_member(o, "k", out->key, sizeof(out->key)) &&
        copy_member(o, "i", id, sizeof(id)) && auth_is_uuid(id, strlen(id)) && strlen(out->hash) == 12 &&
        strspn(out->hash, "0123456789abcdef") == 12) {
        for (size_t i = 0; sorts[i]; i++)
            ok = ok || strcmp(out->sort, sorts[i]) == 0;
        lower_uuid(id, out->id);
    }
    json_object_put(o);
    json_tokener_free(tok);
    return ok;
}
