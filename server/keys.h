/*
 * keys.h — who is asking: the API key a request presents, its lookup row,
 * and the identity every api_* call passes on.
 *
 * keys_parse reads the Authorization header (the pure part is auth_ in
 * common/); the caller then runs the prepared STMT_AUTH_KEY with the key id
 * and gives its result to keys_accept, which decodes the row (the only code
 * that knows its columns), checks the secret and fills the identity. The
 * municipality scope is kept in the form the api_* functions take it; only
 * this module reads or writes that form (keys_actor_params, keys_scope_*).
 *
 * Not for deciding what a role may do: the route flags (http.c) and the SQL
 * functions decide that. Nothing here logs or replies: a -1 tells the caller
 * to answer 401.
 */
#ifndef SK_KEYS_H
#define SK_KEYS_H

#include <libpq-fe.h>
#include <stdbool.h>
#include <stddef.h>

#include "auth.h"

/* The api_* functions' trailing actor parameters (role, organisation, key, scope). */
#define KEYS_ACTOR_PARAMS 4

/*
 * The caller's identity. Embedded in the request context (zeroed: anonymous);
 * every string is an inline buffer, so nothing here is allocated or freed.
 */
struct identity {
    enum auth_role role;
    char key_id[AUTH_UUID_LEN + 1];           /* "" when anonymous or the key was refused */
    char org_id[AUTH_UUID_LEN + 1];           /* "" when anonymous */
    unsigned char secret_hash[AUTH_HASH_LEN]; /* SHA-256 of the presented secret, for keys_accept */
    char scope[512];                          /* private to keys_: the municipalities, text[] form */
};

/*
 * Take the key from an Authorization header value: key id and secret hash
 * into who. -1 (who->key_id cleared) when it is not a well-formed key.
 */
int keys_parse(struct identity *who, const char *authorization);

/*
 * The STMT_AUTH_KEY result for who->key_id (res borrowed). 0 when the key
 * exists, is not revoked and its secret matches: role, organisation and scope
 * are filled in. -1 otherwise, with who->key_id cleared (anonymous again) and
 * *why a static text for the log line ("key revoked", ...): never for the
 * caller, who learns only that the key is not valid.
 */
int keys_accept(struct identity *who, const PGresult *res, const char **why);

/*
 * The four trailing parameters every api_* function takes into
 * params[0..3]; the strings are borrowed from who (NULL for SQL NULL).
 * Returns KEYS_ACTOR_PARAMS.
 */
int keys_actor_params(const struct identity *who, const char **params);

/* Whether the key's scope is every municipality (admins, all_municipalities keys). */
bool keys_scope_all(const struct identity *who);

/*
 * Walk the key's municipality codes: *pos starts at 0; each call gives the
 * next code (borrowed from who, not NUL-terminated, *len bytes) and returns
 * true, or returns false at the end. The "every municipality" mark is not a code.
 */
bool keys_scope_next(const struct identity *who, size_t *pos, const char **code, size_t *len);

#endif
