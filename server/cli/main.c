/*
 * socialekaart — the admin CLI: migrations, demo data, organisations, keys.
 *
 * Reads the same configuration as the daemon (file < SK_* environment <
 * flags), so `SK_DATA_DIR` alone reaches the embedded cluster. Scriptable:
 * only the asked-for value goes to stdout (an id, a key); everything else to
 * stderr; the exit status says whether it worked. It talks to PostgreSQL
 * synchronously: it is a one-shot command, not the event loop.
 */
#include <libpq-fe.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth.h"
#include "cfg.h"
#include "contract.h"
#include "embedded.h"
#include "import.h"
#include "migrate.h"
#include "schema.h"

#define MAX_MUNICIPALITIES 32


static void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
static void die(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("socialekaart: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    exit(1);
}

static PGconn *connect_db(const struct sk_config *cfg)
{
    char conninfo[1024];
    PGconn *pg;

    if (cfg_conninfo(cfg, conninfo, sizeof(conninfo)) < 0)
        die("cannot build a connection string from data_dir '%s'", cfg->data_dir);
    pg = PQconnectdb(conninfo);
    if (PQstatus(pg) != CONNECTION_OK)
        die("cannot connect to PostgreSQL: %s", PQerrorMessage(pg));
    PQsetNoticeProcessor(pg, NULL, NULL);
    return pg;
}

/* Run a command that must succeed; returns its result (caller clears). */
static PGresult *exec_ok(PGconn *pg, const char *sql, int n, const char *const *params)
{
    PGresult *r = n ? PQexecParams(pg, sql, n, NULL, params, NULL, NULL, 0) : PQexec(pg, sql);
    ExecStatusType st = PQresultStatus(r);
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK)
        die("%s", PQresultErrorMessage(r));
    return r;
}

static void exec_void(PGconn *pg, const char *sql)
{
    PQclear(exec_ok(pg, sql, 0, NULL));
}

static int cmd_migrate(PGconn *pg)
{
    char why[2048];

    if (migrate_run(pg, why, sizeof(why)) < 0)
        die("migrate: %s", why);
    return 0;
}

static int cmd_seed(PGconn *pg, int argc, char **argv)
{
    PGresult *r;
    if (argc < 1 || strcmp(argv[0], "demo") != 0)
        die("usage: socialekaart seed demo");
    exec_void(pg, "BEGIN");
    r = PQexec(pg, (const char *)sk_seed_demo.data);
    if (PQresultStatus(r) != PGRES_COMMAND_OK && PQresultStatus(r) != PGRES_TUPLES_OK &&
        PQresultStatus(r) != PGRES_EMPTY_QUERY)
        die("loading demo data failed: %s", PQresultErrorMessage(r));
    PQclear(r);
    exec_void(pg, "COMMIT");
    fprintf(stderr, "demo data loaded\n");
    return 0;
}

/* Value of --name style options; NULL when absent. Dies when the value is missing. */
static const char *opt(int argc, char **argv, const char *name)
{
    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], name) == 0) {
            if (i + 1 >= argc)
                die("option %s needs a value", name);
            return argv[i + 1];
        }
    }
    return NULL;
}

static int cmd_org(PGconn *pg, int argc, char **argv)
{
    const char *name;
    const char *p[1];
    PGresult *r;

    if (argc >= 1 && strcmp(argv[0], "list") == 0) {
        r = exec_ok(pg, "SELECT id, name FROM organisations ORDER BY name", 0, NULL);
        for (int i = 0; i < PQntuples(r); i++)
            printf("%s\t%s\n", PQgetvalue(r, i, 0), PQgetvalue(r, i, 1));
        PQclear(r);
        return 0;
    }
    if (argc < 1 || strcmp(argv[0], "create") != 0 || (name = opt(argc, argv, "--name")) == NULL)
        die("usage: socialekaart org create --name NAME | org list");
    if (*name == '\0' || strlen(name) > 200)
        die("--name must be 1 to 200 characters");
    p[0] = name;
    r = exec_ok(pg, "INSERT INTO organisations (name) VALUES ($1) RETURNING id", 1, p);
    printf("%s\n", PQgetvalue(r, 0, 0));
    PQclear(r);
    fprintf(stderr, "created organisation '%s'\n", name);
    return 0;
}

/* Is the flag (an option without a value) given? */
static bool flag(int argc, char **argv, const char *name)
{
    for (int i = 0; i < argc; i++)
        if (strcmp(argv[i], name) == 0)
            return true;
    return false;
}

/* Collect every --municipality value into a PostgreSQL array literal. */
static void municipality_array(int argc, char **argv, char *out, size_t cap)
{
    size_t pos = 0;
    int n = 0;
    out[pos++] = '{';
    for (int i = 0; i + 1 < argc; i++) {
        const char *m = argv[i + 1];
        if (strcmp(argv[i], "--municipality") != 0)
            continue;
        if (!contract_is_municipality_code(m, strlen(m)))
            die("--municipality must be a CBS code like GM0512, not '%s'", m);
        if (++n > MAX_MUNICIPALITIES || pos + 8 >= cap)
            die("too many --municipality options");
        pos += (size_t)snprintf(out + pos, cap - pos, "%s%s", n > 1 ? "," : "", m);
    }
    out[pos++] = '}';
    out[pos] = '\0';
}

static int cmd_key_create(PGconn *pg, int argc, char **argv)
{
    const char *org = opt(argc, argv, "--org"), *role = opt(argc, argv, "--role");
    char key[AUTH_KEY_LEN + 1], key_id[AUTH_UUID_LEN + 1], hex[2 * AUTH_HASH_LEN + 3];
    char munis[MAX_MUNICIPALITIES * 8 + 4];
    unsigned char hash[AUTH_HASH_LEN];
    const char *p[6];
    bool all;

    if (org == NULL || role == NULL)
        die("usage: socialekaart key create --org ID --role partner|moderator|admin "
            "[--municipality GM0512 ... | --all-municipalities]");
    if (!auth_is_uuid(org, strlen(org)))
        die("--org must be an organisation id (a UUID), not '%s'", org);
    if (auth_role_parse(role) <= 0)
        die("--role must be partner, moderator or admin, not '%s'", role);
    municipality_array(argc, argv, munis, sizeof(munis));
    all = flag(argc, argv, "--all-municipalities");
    if (strcmp(role, "moderator") == 0 && strcmp(munis, "{}") == 0 && !all)
        die("a moderator key needs --municipality GM0512 (repeatable) or, to act in every municipality, "
            "--all-municipalities");
    if (strcmp(role, "moderator") == 0 && strcmp(munis, "{}") != 0 && all)
        die("give --municipality or --all-municipalities, not both");
    if (strcmp(role, "moderator") != 0 && (strcmp(munis, "{}") != 0 || all))
        die("only a moderator key has municipalities: a partner acts for its organisation, an admin everywhere");
    if (auth_key_generate(key, key_id, hash) < 0)
        die("no randomness available to make a key");
    hex[0] = '\\';
    hex[1] = 'x';
    auth_hex(hash, AUTH_HASH_LEN, hex + 2);
    p[0] = key_id;
    p[1] = org;
    p[2] = role;
    p[3] = hex;
    p[4] = munis;
    p[5] = all ? "true" : "false";
    PQclear(exec_ok(pg,
                    "INSERT INTO api_keys (id, organisation_id, role, secret_hash, municipalities, all_municipalities) "
                    "VALUES ($1, $2, $3, $4::bytea, $5::text[], $6::boolean)",
                    6, p));
    printf("%s\n", key);
    fprintf(stderr, "created %s key %s for organisation %s (shown once; only its hash is stored)\n", role, key_id, org);
    return 0;
}

static int cmd_key_revoke(PGconn *pg, int argc, char **argv)
{
    char key_id[AUTH_UUID_LEN + 1];
    unsigned char hash[AUTH_HASH_LEN];
    const char *p[1] = { key_id };
    PGresult *r;
    int n;

    if (argc < 2)
        die("usage: socialekaart key revoke KEY_ID|KEY");
    if (auth_key_parse(argv[1], key_id, hash) < 0) {
        if (!auth_is_uuid(argv[1], strlen(argv[1])))
            die("'%s' is neither a key nor a key id", argv[1]);
        snprintf(key_id, sizeof(key_id), "%s", argv[1]);
    }
    r = exec_ok(pg, "UPDATE api_keys SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL", 1, p);
    n = atoi(PQcmdTuples(r));
    PQclear(r);
    if (n == 0)
        die("no active key with id %s", key_id);
    fprintf(stderr, "revoked key %s\n", key_id);
    return 0;
}

static int cmd_key(PGconn *pg, int argc, char **argv)
{
    if (argc >= 1 && strcmp(argv[0], "create") == 0)
        return cmd_key_create(pg, argc - 1, argv + 1);
    if (argc >= 1 && strcmp(argv[0], "revoke") == 0)
        return cmd_key_revoke(pg, argc, argv);
    die("usage: socialekaart key create ... | key revoke KEY_ID");
}

/*
 * invite --org ID [--contact-name NAME] [--valid-days N]: an invitation as an admin would make it
 * (POST /api/v1/invitations, the same SQL and audit); prints its link's path once.
 */
static int cmd_invite(PGconn *pg, int argc, char **argv)
{
    const char *org = opt(argc, argv, "--org");
    const char *p[3] = { org, opt(argc, argv, "--contact-name"), opt(argc, argv, "--valid-days") };
    PGresult *r;

    if (org == NULL)
        die("usage: socialekaart invite --org ID [--contact-name NAME] [--valid-days 1..30]");
    if (!auth_is_uuid(org, strlen(org)))
        die("--org must be an organisation id (a UUID), not '%s'", org);
    if (p[2] && strspn(p[2], "0123456789") != strlen(p[2]))
        die("--valid-days must be a whole number from 1 to 30, not '%s'", p[2]);
    r = exec_ok(pg,
                "SELECT status, body::jsonb->>'url', body::jsonb->>'detail', body::jsonb->>'expires_at' "
                "FROM api_invitation_create(jsonb_strip_nulls(jsonb_build_object('organisation_id', $1::text, "
                "'contact_name', $2::text, 'valid_days', $3::int)), NULL, 'admin', NULL, NULL, '{*}')",
                3, p);
    if (PQntuples(r) != 1 || strcmp(PQgetvalue(r, 0, 0), "201") != 0) {
        fprintf(stderr, "socialekaart: %s\n", PQntuples(r) == 1 ? PQgetvalue(r, 0, 2) : "no answer");
        PQclear(r);
        return 1;
    }
    printf("%s\n", PQgetvalue(r, 0, 1));
    fprintf(stderr, "invitation for organisation %s, valid until %s (shown once; only its hash is stored)\n", org,
            PQgetvalue(r, 0, 3));
    PQclear(r);
    return 0;
}

static void usage(int full)
{
    fprintf(stderr, "usage: socialekaart [--config FILE] [--key value ...] COMMAND\n\n"
                    "commands:\n"
                    "  migrate                                  apply pending database migrations\n"
                    "  seed demo                                load the demo data set (idempotent)\n"
                    "  org create --name NAME                   create an organisation; prints its id\n"
                    "  org list                                 list organisations\n"
                    "  key create --org ID --role ROLE [--municipality GM0512 ... | --all-municipalities]\n"
                    "                                           create an API key; prints the key once\n"
                    "  key revoke KEY_ID|KEY                    revoke a key at once\n"
                    "  invite --org ID [--contact-name NAME] [--valid-days N]\n"
                    "                                           invite an organisation; prints the link once\n"
                    "  import FILE [--format hsds|json|csv] [--apply] [--municipality GM0512] [--organisation ID]\n"
                    "              [--report FILE]              import entries (a dry run without --apply)\n"
                    "  export [--format json|csv] [--municipality GM0512] [-o FILE]\n"
                    "                                           export the published entries\n\n");
    if (full)
        cfg_print_help("socialekaart");
}

int main(int argc, char **argv)
{
    static struct sk_config cfg;
    char err[512];
    int argi, rc;
    PGconn *pg;

    if (cfg_load(&cfg, argc, argv, &argi, err, sizeof(err)) < 0)
        die("%s", err);
    if (argi >= argc || !strcmp(argv[argi], "help") || !strcmp(argv[argi], "-h")) {
        usage(1);
        return argi >= argc ? 2 : 0;
    }
    if (strcmp(argv[argi], "migrate") && strcmp(argv[argi], "seed") && strcmp(argv[argi], "org") &&
        strcmp(argv[argi], "key") && strcmp(argv[argi], "invite") && strcmp(argv[argi], "import") &&
        strcmp(argv[argi], "export")) {
        usage(0);
        die("unknown command '%s'", argv[argi]);
    }
    pg = connect_db(&cfg);
    if (!strcmp(argv[argi], "migrate"))
        rc = cmd_migrate(pg);
    else if (!strcmp(argv[argi], "seed"))
        rc = cmd_seed(pg, argc - argi - 1, argv + argi + 1);
    else if (!strcmp(argv[argi], "org"))
        rc = cmd_org(pg, argc - argi - 1, argv + argi + 1);
    else if (!strcmp(argv[argi], "invite"))
        rc = cmd_invite(pg, argc - argi - 1, argv + argi + 1);
    else if (!strcmp(argv[argi], "import"))
        rc = cli_import(pg, argc - argi - 1, argv + argi + 1);
    else if (!strcmp(argv[argi], "export"))
        rc = cli_export(pg, argc - argi - 1, argv + argi + 1);
    else
        rc = cmd_key(pg, argc - argi - 1, argv + argi + 1);
    PQfinish(pg);
    return rc;
}
