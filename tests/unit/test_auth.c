/* test_auth.c — API keys: format, parsing, hashing, comparison. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "auth.h"

Test(auth, generated_key_parses_to_same_id_and_hash)
{
    char key[AUTH_KEY_LEN + 1], id[AUTH_UUID_LEN + 1], id2[AUTH_UUID_LEN + 1], header[128];
    unsigned char h[AUTH_HASH_LEN], h2[AUTH_HASH_LEN];

    cr_assert_eq(auth_key_generate(key, id, h), 0);
    cr_assert_eq(strlen(key), AUTH_KEY_LEN);
    cr_assert(auth_is_uuid(id, strlen(id)));
    snprintf(header, sizeof(header), "Bearer %s", key);
    cr_assert_eq(auth_key_parse(header, id2, h2), 0);
    cr_assert_str_eq(id, id2);
    cr_assert(auth_hash_equal(h, h2));
}

Test(auth, two_keys_differ)
{
    char k1[AUTH_KEY_LEN + 1], k2[AUTH_KEY_LEN + 1], id[AUTH_UUID_LEN + 1];
    unsigned char h1[AUTH_HASH_LEN], h2[AUTH_HASH_LEN];
    auth_key_generate(k1, id, h1);
    auth_key_generate(k2, id, h2);
    cr_assert_str_neq(k1, k2);
    cr_assert_not(auth_hash_equal(h1, h2));
}

Test(auth, malformed_keys_are_rejected)
{
    char id[AUTH_UUID_LEN + 1];
    unsigned char h[AUTH_HASH_LEN];
    cr_assert_eq(auth_key_parse("Bearer", id, h), -1);
    cr_assert_eq(auth_key_parse("Basic dXNlcjpwYXNz", id, h), -1);
    cr_assert_eq(auth_key_parse("sk_0123_abc", id, h), -1);
    cr_assert_eq(
        auth_key_parse("sk_0123456789ABCDEF0123456789abcdef_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", id, h),
        -1); /* upper-case hex */
    cr_assert_eq(
        auth_key_parse("sk_0123456789abcdef0123456789abcdef_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA!", id, h), -1);
}

Test(auth, roles)
{
    cr_assert_eq(auth_role_parse("partner"), ROLE_PARTNER);
    cr_assert_eq(auth_role_parse("admin"), ROLE_ADMIN);
    cr_assert_eq(auth_role_parse("root"), -1);
    cr_assert_str_eq(auth_role_name(ROLE_MODERATOR), "moderator");
}
