/*
 * keys.c — the API key lookup row and the identity it gives.
 */
#include "keys.h"

#include <stdio.h>
#include <string.h>

/* Columns of STMT_AUTH_KEY (db_catalog.c). */
enum {
    KEYS_COL_ORG,
    KEYS_COL_ROLE,
    KEYS_COL_HASH,
    KEYS_COL_SCOPE,
    KEYS_COL_REVOKED
};

/* The scope's text[] literal marks "every municipality" with this element. */
#define KEYS_SCOPE_ALL "*"

int keys_parse(struct identity *who, const char *authorization)
{
    if (auth_key_parse(authorization, who->key_id, who->secret_hash) < 0) {
        who->key_id[0] = '\0';
        return -1;
    }
    return 0;
}

/* Parse bytea hex output ("\x..") into 32 bytes; -1 when malformed. */
static int keys_bytea32(const char *text, unsigned char out[AUTH_HASH_LEN])
{
    if (strncmp(text, "\\x", 2) != 0 || strlen(text) != 2 + 2 * AUTH_HASH_LEN)
        return -1;
    for (int i = 0; i < AUTH_HASH_LEN; i++) {
        unsigned v;
        if (sscanf(text + 2 + 2 * i, "%2x", &v) != 1)
            return -1;
        out[i] = (unsigned char)v;
    }
    return 0;
}

/* Why the row does not admit the key, or NULL when it does (*role set). */
static const char *keys_refusal(const struct identity *who, const PGresult *res, int *role)
{
    unsigned char stored[AUTH_HASH_LEN];

    if (PQntuples(res) != 1)
        return "no such key";
    if (PQnfields(res) <= KEYS_COL_REVOKED)
        return "key lookup returned an unexpected row";
    if (strcmp(PQgetvalue(res, 0, KEYS_COL_REVOKED), "t") == 0)
        return "key revoked";
    if (keys_bytea32(PQgetvalue(res, 0, KEYS_COL_HASH), stored) < 0)
        return "stored key hash malformed";
    if (!auth_hash_equal(stored, who->secret_hash))
        return "key secret does not match";
    if ((*role = auth_role_parse(PQgetvalue(res, 0, KEYS_COL_ROLE))) < 0)
        return "key has an unknown role";
    return NULL;
}

int keys_accept(struct identity *who, const PGresult *res, const char **why)
{
    int role = -1;

    *why = keys_refusal(who, res, &role);
    if (*why) {
        who->key_id[0] = '\0';
        return -1;
    }
    who->role = (enum auth_role)role;
    snprintf(who->org_id, sizeof(who->org_id), "%s", PQgetvalue(res, 0, KEYS_COL_ORG));
    snprintf(who->scope, sizeof(who->scope), "%s",
             PQgetisnull(res, 0, KEYS_COL_SCOPE) ? "{}" : PQgetvalue(res, 0, KEYS_COL_SCOPE));
    return 0;
}

int keys_actor_params(const struct identity *who, const char **params)
{
    params[0] = auth_role_name(who->role);
    params[1] = who->org_id[0] ? who->org_id : NULL;
    params[2] = who->key_id[0] ? who->key_id : NULL;
    params[3] = who->scope[0] ? who->scope : "{}";
    return KEYS_ACTOR_PARAMS;
}

/* The literal is {GM0512,GM0668}, {*} or {} (CBS codes need no quoting). */
bool keys_scope_next(const struct identity *who, size_t *pos, const char **code, size_t *len)
{
    const char *p = who->scope + (*pos ? *pos : (size_t)(who->scope[0] == '{'));

    while (*p && *p != '}') {
        size_t n = strcspn(p, ",}");
        const char *at = p;
        p += n + (p[n] == ',');
        if (n == 1 && *at == KEYS_SCOPE_ALL[0])
            continue;
        *pos = (size_t)(p - who->scope);
        *code = at;
        *len = n;
        return true;
    }
    *pos = (size_t)(p - who->scope);
    return false;
}

bool keys_scope_all(const struct identity *who)
{
    const char *p = who->scope + (who->scope[0] == '{');

    while (*p && *p != '}') {
        size_t n = strcspn(p, ",}");
        if (n == 1 && *p == KEYS_SCOPE_ALL[0])
            return true;
        p += n + (p[n] == ',');
    }
    return false;
}
