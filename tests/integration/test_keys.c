/*
 * test_keys.c — issue 15, onboarding: a moderator invites an organisation,
 * the link gives the partner its first key once, partners and moderators
 * list, make, rotate and revoke partner keys, and browser sessions open with
 * a partner key only. Every boundary: another organisation's partner, a
 * moderator of another municipality, no key.
 *
 * Over real HTTP to the real daemon; the SQL functions the partner pages use
 * (api_invitation_peek, api_session_open) are called through libpq, and one
 * UPDATE moves an invitation's end into the past. Each test makes its own
 * organisations and keys.
 */
#include <criterion/criterion.h>
#include <json-c/json.h>
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "auth.h"
#include "it.h"

#include "it_hooks.h"

TestSuite(invitations, .fini = it_release);
TestSuite(keys, .fini = it_release);
TestSuite(sessions, .fini = it_release);

struct world {
    char tag[64];
    char mod_org[40], mod[128]; /* moderator of GM0512 */
    char mod_wmw[128];          /* moderator of GM0668 only */
    char org_a[40], key_a[128]; /* partner, at home in GM0512 */
    char org_b[40], key_b[128]; /* another partner, at home in GM0668 */
};

static void world(struct world *w)
{
    static int n;
    char name[200], body[300];
    struct json_object *j;

    snprintf(w->tag, sizeof(w->tag), "%ld%d%d", (long)time(NULL), (int)getpid(), ++n);
    it_make_org("Gemeente Gorinchem, team Sociale Kaart", w->mod_org);
    it_make_key(w->mod_org, "moderator", "GM0512", w->mod);
    it_make_key(w->mod_org, "moderator", "GM0668", w->mod_wmw);
    snprintf(name, sizeof(name), "Buurthuis De Linde (test %s)", w->tag);
    snprintf(body, sizeof(body), "{\"name\":\"%s\",\"municipality\":\"GM0512\"}", name);
    j = it_call(201, "POST", "/api/v1/organisations", w->mod, body);
    strcpy(w->org_a, it_js(j, "id"));
    it_make_key(w->org_a, "partner", NULL, w->key_a);
    snprintf(body, sizeof(body), "{\"name\":\"Sportclub Dalem (test %s)\",\"municipality\":\"GM0668\"}", w->tag);
    j = it_call(201, "POST", "/api/v1/organisations", w->mod_wmw, body);
    strcpy(w->org_b, it_js(j, "id"));
    it_make_key(w->org_b, "partner", NULL, w->key_b);
}

/* A path into the char array buf, which it is. */
#define PATH(buf, ...) (snprintf((buf), sizeof(buf), __VA_ARGS__), (const char *)(buf))

/* A key's id and its secret's hash as a bytea literal ("\x..."). */
static void key_parts(const char *key, char id[AUTH_UUID_LEN + 1], char hex[2 * AUTH_HASH_LEN + 3])
{
    unsigned char hash[AUTH_HASH_LEN];
    cr_assert_eq(auth_key_parse(key, id, hash), 0, "not a key: %s", key);
    hex[0] = '\\';
    hex[1] = 'x';
    auth_hex(hash, AUTH_HASH_LEN, hex + 2);
}

/* Open a browser session with key (SQL of the partner pages); its status, and the session key into session. */
static int session_open(const char *key, char session[AUTH_KEY_LEN + 1])
{
    char id[AUTH_UUID_LEN + 1], hex[2 * AUTH_HASH_LEN + 3], sid[AUTH_UUID_LEN + 1], shex[2 * AUTH_HASH_LEN + 3];
    unsigned char shash[AUTH_HASH_LEN];
    char status[16];
    const char *p[4] = { id, hex, sid, shex };

    key_parts(key, id, hex);
    cr_assert_eq(auth_key_generate(session, sid, shash), 0);
    shex[0] = '\\';
    shex[1] = 'x';
    auth_hex(shash, AUTH_HASH_LEN, shex + 2);
    it_sql1(status, sizeof(status), "SELECT status FROM api_session_open($1::uuid, $2::bytea, $3::uuid, $4::bytea)", 4,
            p);
    return atoi(status);
}

static int peek(const char *token)
{
    char status[16];
    const char *p[1] = { token };
    it_sql1(status, sizeof(status), "SELECT status FROM api_invitation_peek($1)", 1, p);
    return atoi(status);
}

static struct json_object *accept_token(long want, const char *token)
{
    char body[200];
    snprintf(body, sizeof(body), "{\"token\":\"%s\",\"label\":\"Eerste sleutel\"}", token);
    return it_call(want, "POST", "/api/v1/invitations/accept", NULL, body);
}

Test(invitations, new_organisation_accept_once)
{
    struct world w;
    char body[400], p[200], key[128], org[40];
    struct json_object *j;
    struct it_response r;
    char cc[64];

    world(&w);
    snprintf(body, sizeof(body),
             "{\"organisation\":{\"name\":\"Repaircafe Arkel (test %s)\",\"municipality\":\"GM0512\"},"
             "\"contact_name\":\"Anna de Vries\",\"contact_email\":\"anna@example.nl\",\"valid_days\":7}",
             w.tag);
    j = it_call_h(201, "POST", "/api/v1/invitations", w.mod, body, NULL, &r);
    cr_assert_str_eq(it_header(&r, "Cache-Control", cc, sizeof(cc)), "no-store");
    it_response_free(&r);
    cr_assert_str_eq(it_js(j, "status"), "open");
    cr_assert_eq(strlen(it_js(j, "token")), 43, "%s", it_jtext(j));
    snprintf(p, sizeof(p), "/partner/uitnodiging/%s", it_js(j, "token"));
    cr_assert_str_eq(it_js(j, "url"), p);
    strcpy(org, it_js(j, "organisation_id"));
    {
        char token[64];
        strcpy(token, it_js(j, "token"));
        cr_assert_eq(peek(token), 200);
        j = accept_token(201, token);
        cr_assert_str_eq(it_js(j, "organisation_id"), org);
        cr_assert_eq(strncmp(it_js(j, "key"), "sk_", 3), 0, "%s", it_jtext(j));
        strcpy(key, it_js(j, "key"));
        accept_token(410, token);
        cr_assert_eq(peek(token), 410);
        cr_assert_eq(peek("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"), 404);
    }
    /* the key works, and its list shows no secret */
    j = it_call(200, "GET", PATH(p, "/api/v1/organisations/%s/keys", org), key, NULL);
    cr_assert_eq(it_jlen(j, "items"), 1, "%s", it_jtext(j));
    cr_assert_str_eq(it_js(j, "items.0.label"), "Eerste sleutel");
    cr_assert_null(strstr(it_jtext(j), key + 36), "the secret is shown: %s", it_jtext(j));
    cr_assert_null(strstr(it_jtext(j), "hash"), "%s", it_jtext(j));
    /* the invitation list names it accepted and holds no token */
    j = it_call(200, "GET", PATH(p, "/api/v1/invitations?organisation=%s", org), w.mod, NULL);
    cr_assert_eq(it_jlen(j, "items"), 1);
    cr_assert_str_eq(it_js(j, "items.0.status"), "accepted");
    cr_assert_null(it_jget(j, "items.0.token"));
    /* a new organisation needs its municipality; the contact's fields are checked */
    it_call(422, "POST", "/api/v1/invitations", w.mod,
            "{\"organisation\":{\"name\":\"Zonder gemeente\"},\"contact_name\":\"A\"}");
    j = it_call(
        422, "POST", "/api/v1/invitations", w.mod,
        "{\"organisation_id\":\"00000000-0000-0000-0000-000000000000\",\"contact_email\":\"geen\",\"valid_days\":31}");
    cr_assert(it_names_field(j, "contact_email") && it_names_field(j, "valid_days"), "%s", it_jtext(j));
}

Test(invitations, existing_organisation_revoked_expired_and_scope)
{
    struct world w;
    char body[200], p[200], token[64], id[40];
    struct json_object *j;

    world(&w);
    snprintf(body, sizeof(body), "{\"organisation_id\":\"%s\"}", w.org_a);
    /* boundaries: no key, a partner, a moderator of another municipality */
    it_call(401, "POST", "/api/v1/invitations", NULL, body);
    it_call(403, "POST", "/api/v1/invitations", w.key_a, body);
    it_call(403, "POST", "/api/v1/invitations", w.mod_wmw, body);
    it_call(401, "GET", "/api/v1/invitations", NULL, NULL);
    it_call(403, "GET", "/api/v1/invitations", w.key_a, NULL);
    it_call(403, "GET", PATH(p, "/api/v1/invitations?organisation=%s", w.org_a), w.mod_wmw, NULL);

    j = it_call(201, "POST", "/api/v1/invitations", w.mod, body);
    strcpy(token, it_js(j, "token"));
    strcpy(id, it_js(j, "id"));
    cr_assert_str_eq(it_js(j, "organisation_id"), w.org_a);
    /* the other municipality's moderator neither sees nor withdraws it */
    j = it_call(200, "GET", "/api/v1/invitations", w.mod_wmw, NULL);
    cr_assert_null(strstr(it_jtext(j), id), "%s", it_jtext(j));
    it_call(403, "DELETE", PATH(p, "/api/v1/invitations/%s", id), w.mod_wmw, NULL);
    j = it_call(200, "DELETE", PATH(p, "/api/v1/invitations/%s", id), w.mod, NULL);
    cr_assert_str_eq(it_js(j, "status"), "revoked");
    accept_token(410, token);

    /* expired */
    j = it_call(201, "POST", "/api/v1/invitations", w.mod, body);
    strcpy(token, it_js(j, "token"));
    {
        const char *prm[1] = { it_js(j, "id") };
        it_sql1(NULL, 0,
                "UPDATE invitations SET created_at = now() - interval '20 days', expires_at = now() - interval '1 day' "
                "WHERE id = $1::uuid",
                1, prm);
    }
    accept_token(410, token);
    cr_assert_eq(peek(token), 410);
    accept_token(404, "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
    it_call(422, "POST", "/api/v1/invitations/accept", NULL, "{}");
}

Test(keys, create_rotate_revoke)
{
    struct world w;
    char p[240], key[128], key_id[40], rotated[128];
    struct json_object *j;

    world(&w);
    (void)PATH(p, "/api/v1/organisations/%s/keys", w.org_a);
    j = it_call(201, "POST", p, w.key_a, "{\"label\":\"Website\"}");
    strcpy(key, it_js(j, "key"));
    strcpy(key_id, it_js(j, "id"));
    cr_assert_str_eq(it_js(j, "role"), "partner");
    cr_assert_str_eq(it_js(j, "label"), "Website");
    it_call(200, "GET", p, key, NULL);

    /* rotate: the old key stops, the new one works, same label */
    j = it_call(201, "POST", PATH(p, "/api/v1/organisations/%s/keys/%s/rotate", w.org_a, key_id), w.mod, NULL);
    strcpy(rotated, it_js(j, "key"));
    cr_assert_str_eq(it_js(j, "label"), "Website");
    cr_assert_str_eq(it_js(j, "replaces"), key_id);
    (void)PATH(p, "/api/v1/organisations/%s/keys", w.org_a);
    it_call(401, "GET", p, key, NULL);
    j = it_call(200, "GET", p, rotated, NULL);
    cr_assert_eq(it_jlen(j, "items"), 3, "the CLI's key, the revoked and the new: %s", it_jtext(j));
    it_call(409, "POST", PATH(p, "/api/v1/organisations/%s/keys/%s/rotate", w.org_a, key_id), w.key_a, NULL);

    /* revoke: at once */
    {
        char rid[40], sess[AUTH_KEY_LEN + 1], hex[2 * AUTH_HASH_LEN + 3];
        key_parts(rotated, rid, hex);
        cr_assert_eq(session_open(rotated, sess), 201);
        (void)PATH(p, "/api/v1/organisations/%s/keys", w.org_a);
        it_call(200, "GET", p, sess, NULL);
        j = it_call(200, "DELETE", PATH(p, "/api/v1/organisations/%s/keys/%s", w.org_a, rid), w.key_a, NULL);
        cr_assert_neq(it_js(j, "revoked_at")[0], '\0');
        (void)PATH(p, "/api/v1/organisations/%s/keys", w.org_a);
        it_call(401, "GET", p, rotated, NULL);
        it_call(401, "GET", p, sess, NULL);
        cr_assert_eq(session_open(rotated, sess), 401);
    }
}

Test(keys, boundaries)
{
    struct world w;
    char p[240], key_id[40];
    struct json_object *j;

    world(&w);
    (void)PATH(p, "/api/v1/organisations/%s/keys", w.org_a);
    j = it_call(201, "POST", p, w.mod, "{}");
    strcpy(key_id, it_js(j, "id"));
    /* no key */
    it_call(401, "GET", p, NULL, NULL);
    it_call(401, "POST", p, NULL, "{}");
    /* another organisation's partner, another municipality's moderator */
    it_call(403, "GET", p, w.key_b, NULL);
    it_call(403, "POST", p, w.key_b, "{}");
    it_call(403, "GET", p, w.mod_wmw, NULL);
    it_call(403, "POST", p, w.mod_wmw, "{}");
    (void)PATH(p, "/api/v1/organisations/%s/keys/%s/rotate", w.org_a, key_id);
    it_call(401, "POST", p, NULL, NULL);
    it_call(403, "POST", p, w.key_b, NULL);
    it_call(403, "POST", p, w.mod_wmw, NULL);
    (void)PATH(p, "/api/v1/organisations/%s/keys/%s", w.org_a, key_id);
    it_call(401, "DELETE", p, NULL, NULL);
    it_call(403, "DELETE", p, w.key_b, NULL);
    it_call(403, "DELETE", p, w.mod_wmw, NULL);
    /* a key of organisation A named under organisation B: not there */
    it_call(404, "DELETE", PATH(p, "/api/v1/organisations/%s/keys/%s", w.org_b, key_id), w.key_b, NULL);
    /* the key still works after all that */
    j = it_call(200, "GET", PATH(p, "/api/v1/organisations/%s/keys", w.org_a), w.key_a, NULL);
    cr_assert_eq(it_jlen(j, "items"), 2, "%s", it_jtext(j));
    cr_assert_str_eq(it_js(j, "items.1.revoked_at"), "");
    /* only partner keys, for everyone */
    it_call(403, "POST", p, w.mod, "{\"role\":\"moderator\"}");
    it_call(403, "POST", p, w.key_a, "{\"role\":\"admin\"}");
    it_call(422, "POST", p, w.key_a, "{\"label\":\"\",\"colour\":1}");
}

Test(sessions, partner_keys_only)
{
    struct world w;
    char sess[AUTH_KEY_LEN + 1], p[240];
    struct json_object *j;

    world(&w);
    cr_assert_eq(session_open(w.key_a, sess), 201);
    cr_assert_eq(session_open(w.mod, sess), 401, "a moderator key opens no partner session");
    cr_assert_eq(session_open(w.key_b, sess), 201);
    /* a session is not a key to open sessions with, and not in the key list */
    {
        char again[AUTH_KEY_LEN + 1];
        cr_assert_eq(session_open(sess, again), 401);
    }
    j = it_call(200, "GET", PATH(p, "/api/v1/organisations/%s/keys", w.org_b), sess, NULL);
    cr_assert_eq(it_jlen(j, "items"), 1, "%s", it_jtext(j));
    it_call(403, "GET", PATH(p, "/api/v1/organisations/%s/keys", w.org_a), sess, NULL);
    {
        char id[AUTH_UUID_LEN + 1], hex[2 * AUTH_HASH_LEN + 3], status[16];
        const char *prm[1] = { id };
        key_parts(sess, id, hex);
        it_sql1(status, sizeof(status), "SELECT status FROM api_session_close('partner', NULL, $1::uuid, '{}')", 1,
                prm);
        cr_assert_str_eq(status, "200");
    }
    it_call(401, "GET", p, sess, NULL);
}
