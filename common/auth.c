/*
 * auth.c — API key handling with OpenSSL's SHA-256, CSPRNG and CRYPTO_memcmp.
 */
#include "auth.h"

#include <ctype.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <openssl/sha.h>
#include <string.h>
#include <strings.h>

static const char *const role_names[] = { "anonymous", "partner", "moderator", "admin" };

const char *auth_role_name(enum auth_role role)
{
    return role_names[role];
}

int auth_role_parse(const char *name)
{
    for (int i = 0; i < 4; i++)
        if (strcmp(name, role_names[i]) == 0)
            return i;
    return -1;
}

void auth_hex(const unsigned char *in, size_t n, char *out)
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = digits[in[i] >> 4];
        out[2 * i + 1] = digits[in[i] & 15];
    }
    out[2 * n] = '\0';
}

/* 32 hex digits into the dashed 8-4-4-4-12 form. */
static void auth_uuid_from_hex(const char *hex, char *uuid)
{
    static const int groups[] = { 8, 4, 4, 4, 12 };
    for (int g = 0; g < 5; g++) {
        memcpy(uuid, hex, (size_t)groups[g]);
        uuid += groups[g];
        hex += groups[g];
        *uuid++ = g < 4 ? '-' : '\0';
    }
}

static void auth_base64url(const unsigned char *in, size_t n, char *out)
{
    static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    size_t o = 0;
    unsigned bits = 0, acc = 0;
    for (size_t i = 0; i < n; i++) {
        acc = (acc << 8) | in[i];
        bits += 8;
        while (bits >= 6) {
            bits -= 6;
            out[o++] = alphabet[(acc >> bits) & 63];
        }
    }
    if (bits)
        out[o++] = alphabet[(acc << (6 - bits)) & 63];
    out[o] = '\0';
}

int auth_key_generate(char *key, char *key_id, unsigned char hash[AUTH_HASH_LEN])
{
    unsigned char id[16], secret[32];
    char hex[33], b64[44];

    if (RAND_bytes(id, sizeof(id)) != 1 || RAND_bytes(secret, sizeof(secret)) != 1)
        return -1;
    id[6] = (unsigned char)((id[6] & 0x0f) | 0x40); /* UUID version 4 */
    id[8] = (unsigned char)((id[8] & 0x3f) | 0x80); /* RFC 4122 variant */
    auth_hex(id, sizeof(id), hex);
    auth_base64url(secret, sizeof(secret), b64);
    memcpy(key, "sk_", 3);
    memcpy(key + 3, hex, 32);
    key[35] = '_';
    memcpy(key + 36, b64, 44); /* 43 chars + NUL */
    auth_uuid_from_hex(hex, key_id);
    SHA256((const unsigned char *)b64, 43, hash);
    OPENSSL_cleanse(secret, sizeof(secret));
    return 0;
}

int auth_key_parse(const char *text, char *key_id, unsigned char hash[AUTH_HASH_LEN])
{
    if (strncasecmp(text, "Bearer ", 7) == 0) {
        text += 7;
        while (*text == ' ')
            text++;
    }
    if (strlen(text) != AUTH_KEY_LEN || strncmp(text, "sk_", 3) != 0 || text[35] != '_')
        return -1;
    for (int i = 3; i < 35; i++)
        if (!isxdigit((unsigned char)text[i]) || isupper((unsigned char)text[i]))
            return -1;
    for (int i = 36; i < AUTH_KEY_LEN; i++)
        if (!isalnum((unsigned char)text[i]) && text[i] != '-' && text[i] != '_')
            return -1;
    auth_uuid_from_hex(text + 3, key_id);
    SHA256((const unsigned char *)text + 36, 43, hash);
    return 0;
}

bool auth_hash_equal(const unsigned char a[AUTH_HASH_LEN], const unsigned char b[AUTH_HASH_LEN])
{
    return CRYPTO_memcmp(a, b, AUTH_HASH_LEN) == 0;
}

bool auth_is_uuid(const char *text, size_t len)
{
    if (len != AUTH_UUID_LEN)
        return false;
    for (size_t i = 0; i < len; i++) {
        if (i == 8 || i == 13 || i == 18 || i == 23) {
            if (text[i] != '-')
                return false;
        } else if (!isxdigit((unsigned char)text[i])) {
            return false;
        }
    }
    return true;
}
