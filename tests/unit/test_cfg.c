/* test_cfg.c — settings: defaults, file < environment < flags, bounds. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cfg.h"

extern char **environ;

/* The suite must not see the SK_* settings of the shell that runs it. */
static void clear_sk_env(void)
{
    for (char **e = environ; *e;) {
        if (strncmp(*e, "SK_", 3) == 0) {
            char name[128];
            snprintf(name, sizeof(name), "%.*s", (int)strcspn(*e, "="), *e);
            unsetenv(name);
        } else {
            e++;
        }
    }
}

TestSuite(cfg, .init = clear_sk_env);

Test(cfg, defaults)
{
    struct sk_config c;
    char err[256];
    char *argv[] = { "x", NULL };
    int argi;
    cr_assert_eq(cfg_load(&c, 1, argv, &argi, err, sizeof(err)), 0, "%s", err);
    cr_assert_eq(c.port, 8080);
    cr_assert_eq(c.max_body_bytes, 1048576);
    cr_assert_str_eq(c.data_dir, "./var");
    cr_assert_eq(argi, 1);
}

Test(cfg, file_then_env_then_flags)
{
    struct sk_config c;
    char err[256], path[] = "/tmp/sk-cfg-XXXXXX";
    int fd = mkstemp(path), argi;
    FILE *f = fdopen(fd, "w");
    char *argv[] = { "x", "--config", path, "--db-pool-size=7", "migrate", NULL };

    fprintf(f, "# comment\nport = 9000\nworkers = 3\ndb_pool_size = 2\n");
    fclose(f);
    setenv("SK_WORKERS", "5", 1);
    cr_assert_eq(cfg_load(&c, 5, argv, &argi, err, sizeof(err)), 0, "%s", err);
    cr_assert_eq(c.port, 9000);      /* file */
    cr_assert_eq(c.workers, 5);      /* env beats file */
    cr_assert_eq(c.db_pool_size, 7); /* flag beats file */
    cr_assert_str_eq(argv[argi], "migrate");
    unsetenv("SK_WORKERS");
    remove(path);
}

Test(cfg, rejects_out_of_range_and_unknown)
{
    struct sk_config c;
    char err[256];
    memset(&c, 0, sizeof(c));
    cr_assert_eq(cfg_set(&c, "port", "70000", err, sizeof(err)), -1);
    cr_assert_not_null(strstr(err, "port"));
    cr_assert_eq(cfg_set(&c, "port", "12x", err, sizeof(err)), -1);
    cr_assert_eq(cfg_set(&c, "no_such_key", "1", err, sizeof(err)), -1);
    cr_assert_eq(cfg_set(&c, "trust_proxy", "maybe", err, sizeof(err)), -1);
    cr_assert_eq(cfg_set(&c, "trust_proxy", "yes", err, sizeof(err)), 0);
    cr_assert(c.trust_proxy);
}

Test(cfg, conninfo_from_data_dir_alone)
{
    struct sk_config c;
    char err[256], out[1024];
    memset(&c, 0, sizeof(c));
    cfg_set(&c, "data_dir", "/srv/sk var", err, sizeof(err));
    cr_assert_eq(cfg_conninfo(&c, out, sizeof(out)), 0);
    cr_assert_str_eq(out, "host='/srv/sk var/run' port=5432 dbname=socialekaart user=socialekaart");
    cfg_set(&c, "database_url", "postgresql://u@db/sk", err, sizeof(err));
    cr_assert_eq(cfg_conninfo(&c, out, sizeof(out)), 0);
    cr_assert_str_eq(out, "postgresql://u@db/sk");
}

/* public_url is scheme://host[:port]: no empty host, no path, no trailing slash. */
Test(cfg, public_url_is_a_scheme_and_a_host)
{
    static const char *const bad[] = { "http:///x",    "http://",          "https://",
                                       "http://:8080", "https://a.nl/",    "https://a.nl/pad",
                                       "ftp://a.nl",   "kaart.example.nl", NULL };
    static const char *const good[] = { "https://kaart.example.nl", "http://127.0.0.1:8080", NULL };
    for (int i = 0; bad[i]; i++) {
        char *argv[] = { "t", "--public_url", (char *)bad[i], NULL };
        struct sk_config c;
        char err[256];
        int argi;
        cr_assert_eq(cfg_load(&c, 3, argv, &argi, err, sizeof(err)), -1, "'%s' must be refused", bad[i]);
        cr_assert_not_null(strstr(err, "public_url"), "%s", err);
    }
    for (int i = 0; good[i]; i++) {
        char *argv[] = { "t", "--public_url", (char *)good[i], NULL };
        struct sk_config c;
        char err[256];
        int argi;
        cr_assert_eq(cfg_load(&c, 3, argv, &argi, err, sizeof(err)), 0, "'%s': %s", good[i], err);
        cr_assert_str_eq(c.base_url, good[i]);
    }
}
