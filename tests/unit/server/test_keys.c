/*
 * test_keys.c — server/keys.c without a database: the key lookup row (made
 * with libpq's PQmakeEmptyPGresult/PQsetvalue), the refusals, the actor
 * parameters and the walk over the municipality scope.
 */
#include <criterion/criterion.h>
#include <libpq-fe.h>
#include <stdio.h>
#include <string.h>

#include "keys.h"

/* A STMT_AUTH_KEY row: organisation, role, secret hash (bytea hex), scope (NULL: SQL NULL), revoked. */
static PGresult *key_row(const char *role, const unsigned char hash[AUTH_HASH_LEN], const char *scope, bool revoked)
{
    static char n0[] = "organisation_id", n1[] = "role", n2[] = "secret_hash", n3[] = "scope", n4[] = "revoked";
    PGresAttDesc attrs[5] = {
        { n0, 0, 0, 0, 25, -1, -1 },   { n1, 0, 0, 0, 25, -1, -1 }, { n2, 0, 0, 0, 17, -1, -1 },
        { n3, 0, 0, 0, 1009, -1, -1 }, { n4, 0, 0, 0, 16, 1, -1 },
    };
    PGresult *r = PQmakeEmptyPGresult(NULL, PGRES_TUPLES_OK);
    char hex[2 + 2 * AUTH_HASH_LEN + 1] = "\\x";
    static char org[] = "11111111-2222-3333-4444-555555555555";

    cr_assert_not_null(r);
    cr_assert(PQsetResultAttrs(r, 5, attrs));
    auth_hex(hash, AUTH_HASH_LEN, hex + 2);
    cr_assert(PQsetvalue(r, 0, 0, org, (int)strlen(org)));
    cr_assert(PQsetvalue(r, 0, 1, (char *)role, (int)strlen(role)));
    cr_assert(PQsetvalue(r, 0, 2, hex, (int)strlen(hex)));
    cr_assert(PQsetvalue(r, 0, 3, (char *)scope, scope ? (int)strlen(scope) : -1));
    cr_assert(PQsetvalue(r, 0, 4, revoked ? "t" : "f", 1));
    return r;
}

/* A fresh key presented by the caller: who has its id and secret hash. */
static void presented(struct identity *who, unsigned char hash[AUTH_HASH_LEN])
{
    char key[AUTH_KEY_LEN + 1], id[AUTH_UUID_LEN + 1];
    memset(who, 0, sizeof(*who));
    cr_assert_eq(auth_key_generate(key, id, hash), 0);
    cr_assert_eq(keys_parse(who, key), 0);
    cr_assert_str_eq(who->key_id, id);
}

Test(keys, malformed_header_is_refused)
{
    struct identity who = { 0 };
    cr_assert_eq(keys_parse(&who, "Bearer nope"), -1);
    cr_assert_str_eq(who.key_id, "");
}

Test(keys, valid_key_fills_the_identity)
{
    struct identity who;
    unsigned char hash[AUTH_HASH_LEN];
    const char *params[KEYS_ACTOR_PARAMS], *why = NULL;
    PGresult *r;

    presented(&who, hash);
    r = key_row("partner", hash, "{GM0363,GM0518}", false);
    cr_assert_eq(keys_accept(&who, r, &why), 0);
    PQclear(r);
    cr_assert_eq(who.role, ROLE_PARTNER);
    cr_assert_str_eq(who.org_id, "11111111-2222-3333-4444-555555555555");
    cr_assert_eq(keys_actor_params(&who, params), KEYS_ACTOR_PARAMS);
    cr_assert_str_eq(params[0], "partner");
    cr_assert_str_eq(params[1], who.org_id);
    cr_assert_str_eq(params[2], who.key_id);
    cr_assert_str_eq(params[3], "{GM0363,GM0518}");
}

Test(keys, refusals_say_why_and_forget_the_key)
{
    static const struct {
        const char *role;
        bool revoked, wrong_secret;
        const char *why;
    } cases[] = {
        { "partner", true, false, "key revoked" },
        { "partner", false, true, "key secret does not match" },
        { "emperor", false, false, "key has an unknown role" },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct identity who;
        unsigned char hash[AUTH_HASH_LEN];
        const char *why = NULL;
        PGresult *r;

        presented(&who, hash);
        if (cases[i].wrong_secret)
            hash[0] ^= 1;
        r = key_row(cases[i].role, hash, "{}", cases[i].revoked);
        cr_assert_eq(keys_accept(&who, r, &why), -1, "case %zu", i);
        PQclear(r);
        cr_assert_str_eq(why, cases[i].why);
        cr_assert_str_eq(who.key_id, "");
    }
}

Test(keys, no_row_is_an_unknown_key)
{
    struct identity who;
    unsigned char hash[AUTH_HASH_LEN];
    const char *why = NULL;
    PGresult *r = PQmakeEmptyPGresult(NULL, PGRES_TUPLES_OK);

    presented(&who, hash);
    cr_assert_eq(keys_accept(&who, r, &why), -1);
    cr_assert_str_eq(why, "no such key");
    PQclear(r);
}

/* The codes, comma-separated, and whether the scope is every municipality. */
static void walk(const char *scope, char *out, size_t cap, bool *all)
{
    struct identity who;
    unsigned char hash[AUTH_HASH_LEN];
    const char *why, *code;
    size_t pos = 0, len, used = 0;
    PGresult *r;

    presented(&who, hash);
    r = key_row("admin", hash, scope, false);
    cr_assert_eq(keys_accept(&who, r, &why), 0);
    PQclear(r);
    out[0] = '\0';
    while (keys_scope_next(&who, &pos, &code, &len))
        used += (size_t)snprintf(out + used, cap - used, "%s%.*s", used ? "," : "", (int)len, code);
    *all = keys_scope_all(&who);
}

Test(keys, scope_walk)
{
    char codes[128];
    bool all;

    walk("{GM0363,GM0518}", codes, sizeof(codes), &all);
    cr_assert_str_eq(codes, "GM0363,GM0518");
    cr_assert_not(all);
    walk("{*}", codes, sizeof(codes), &all);
    cr_assert_str_eq(codes, "");
    cr_assert(all);
    walk("{}", codes, sizeof(codes), &all);
    cr_assert_str_eq(codes, "");
    cr_assert_not(all);
    walk(NULL, codes, sizeof(codes), &all); /* SQL NULL: no municipalities */
    cr_assert_str_eq(codes, "");
    cr_assert_not(all);
}

Test(keys, anonymous_actor_params)
{
    struct identity who = { 0 };
    const char *params[KEYS_ACTOR_PARAMS];
    cr_assert_eq(keys_actor_params(&who, params), KEYS_ACTOR_PARAMS);
    cr_assert_str_eq(params[0], "anonymous");
    cr_assert_null(params[1]);
    cr_assert_null(params[2]);
    cr_assert_str_eq(params[3], "{}");
    cr_assert_not(keys_scope_all(&who));
}
