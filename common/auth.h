/*
 * auth.h — API keys: generation, parsing, hashing and comparison.
 *
 * A key reads "sk_<key id: 32 hex>_<secret: 43 base64url chars>". The key id
 * is the api_keys row id (a UUID without dashes), so a key is looked up by
 * primary key; only SHA-256(secret) is stored, and the daemon compares the
 * stored hash with the presented one in constant time. Pure functions: the
 * database lookup is the caller's.
 */
#ifndef SK_AUTH_H
#define SK_AUTH_H

#include <stdbool.h>
#include <stddef.h>

#define AUTH_KEY_LEN  (3 + 32 + 1 + 43) /* without the NUL */
#define AUTH_UUID_LEN 36
#define AUTH_HASH_LEN 32

enum auth_role {
    ROLE_ANONYMOUS,
    ROLE_PARTNER,
    ROLE_MODERATOR,
    ROLE_ADMIN
};

/* "anonymous", "partner", ...; and back (-1 when unknown). */
const char *auth_role_name(enum auth_role role);
int auth_role_parse(const char *name);

/*
 * Make a new key from the system's CSPRNG. key gets AUTH_KEY_LEN+1 bytes,
 * key_id the UUID text (AUTH_UUID_LEN+1), hash the SHA-256 of the secret.
 * Returns -1 when no randomness is available.
 */
int auth_key_generate(char *key, char *key_id, unsigned char hash[AUTH_HASH_LEN]);

/*
 * Parse an "Authorization" header value ("Bearer <key>") or a bare key.
 * On success fills key_id (UUID text, AUTH_UUID_LEN+1) and the SHA-256 of the
 * secret, and returns 0; returns -1 when the text is not a well-formed key.
 */
int auth_key_parse(const char *text, char *key_id, unsigned char hash[AUTH_HASH_LEN]);

/* Constant-time comparison of two hashes. */
bool auth_hash_equal(const unsigned char a[AUTH_HASH_LEN], const unsigned char b[AUTH_HASH_LEN]);

/* Lower-case hex of n bytes into out (2n+1 bytes). */
void auth_hex(const unsigned char *in, size_t n, char *out);

/* Is text a UUID in canonical 8-4-4-4-12 hex form (either case)? */
bool auth_is_uuid(const char *text, size_t len);

#endif
