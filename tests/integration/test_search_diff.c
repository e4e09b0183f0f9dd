/*
 * test_search_diff.c — issue 13: the residents' search answered from the daemon's
 * in-memory index (B, default settings) equals the SQL oracle api_search (A,
 * SK_SEARCH_INDEX=0), search for search and page for page, while entries change.
 *
 * Data: a private copy of the test database, <db>_diff_<pid> (CREATE DATABASE
 * ... TEMPLATE, or pg_dump | psql when others are connected to it), with the
 * integration fixtures earlier suites left there, plus tests/bench/gen_data.sql
 * (SK_DIFF_ENTRIES, default 3000 entries). The copy is dropped at the end (kept
 * with SK_DIFF_KEEP_DB=1; copies of killed runs are dropped by the next run):
 * gen_data.sql trusts every organisation it finds and spreads its entries over
 * all of them, fine in a copy, not in the database the other suites share.
 *
 * Searches: SK_DIFF_SEARCHES (default 1000) random ones from a seeded PRNG
 * (SK_DIFF_SEED, printed) over every parameter of common/search.c, on
 * /api/v1/search and the kinds' lists, some with Accept-Language, some invalid
 * (400), a fifth paged to the end (each daemon's own cursor, at most
 * SK_DIFF_MAX_PAGES pages). Both daemons are asked at once; status, items (ids
 * in order, then each item as parsed JSON), total, total_capped, sort, facets
 * and whether there is a next_cursor must be equal; for a 400 the fields the
 * problem names. A pair that differs across a wall-clock minute (now() moves
 * open_now, next occurrences and expiry) is asked again once.
 *
 * Changes between the batches of searches (6 rounds of about 15), with admin
 * keys, alternately through B (read-your-writes: B's very next answer must show
 * it) and through A (B must agree within SK_DIFF_CONVERGE_MS, default 1500 ms,
 * polled every 50 ms; delays are printed): entries of every kind created;
 * title/summary, areas/themes and schedules edited; hidden and unhidden; deleted;
 * a vacancy's valid_until moved into the past; the period of our exception set
 * moved (PUT /api/v1/exception-sets); a theme moved to another parent; generated
 * entries edited, hidden, deleted. Through SQL, written by neither daemon: a day
 * added to or taken from school-holidays-middle (used by generated activities;
 * the API's PUT rewrites all its periods, ~4 s here), a generated vacancy
 * expired, and expiry by time: a one-off activity whose end is set 2 s ahead
 * (the API takes whole minutes only), then passes with no write at all. Every
 * change must alter at least one of the oracle's answers its check compares, so
 * no check passes vacuously.
 *
 * B's reply cache stays at its default when B answers from its index (/health:
 * "index":{"enabled":true}); the cache must then follow the index. A B without an
 * index answers from SQL and its cache is not retired by A's writes, so B is
 * restarted without one (SK_DIFF_B_CACHE_TTL_MS sets it either way). A never
 * caches. B inherits the environment (SK_SEARCH_INDEX=1 forces the index).
 * Under SK_TEST_DAEMON_WRAPPER (valgrind) timing is not strict: B gets 10 s and
 * a read-your-writes miss is a warning (SK_DIFF_STRICT_TIMING=1 overrides).
 */
#include <criterion/criterion.h>
#include <ctype.h>
#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <libpq-fe.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cfg.h"
#include "it.h"

/* ------------------------------------------------------------------ */
/* Settings                                                             */

static struct {
    uint64_t seed;
    long searches, entries, max_pages, max_mismatches, converge_ms;
    bool keep_db, strict; /* strict: read-your-writes on the first answer (not under valgrind) */
} S;

static long env_long(const char *name, long def, long lo, long hi)
{
    const char *v = getenv(name);
    char *end;
    long n;
    if (v == NULL || *v == '\0')
        return def;
    n = strtol(v, &end, 10);
    cr_assert(*end == '\0' && n >= lo && n <= hi, "%s=%s: want a number from %ld to %ld", name, v, lo, hi);
    return n;
}

/* ------------------------------------------------------------------ */
/* Growing strings                                                      */

struct sb {
    char *s;
    size_t len, cap;
};

static void sb_addn(struct sb *b, const char *s, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap < b->len + n + 1)
            cap *= 2;
        b->s = realloc(b->s, cap);
        cr_assert_not_null(b->s);
        b->cap = cap;
    }
    memcpy(b->s + b->len, s, n);
    b->len += n;
    b->s[b->len] = '\0';
}

__attribute__((format(printf, 2, 3))) static void sb_add(struct sb *b, const char *fmt, ...)
{
    char small[512];
    va_list ap;
    int n;
    va_start(ap, fmt);
    n = vsnprintf(small, sizeof(small), fmt, ap);
    va_end(ap);
    if (n < (int)sizeof(small)) {
        sb_addn(b, small, (size_t)n);
        return;
    }
    {
        char *big = malloc((size_t)n + 1);
        va_start(ap, fmt);
        vsnprintf(big, (size_t)n + 1, fmt, ap);
        va_end(ap);
        sb_addn(b, big, (size_t)n);
        free(big);
    }
}

static void sb_reset(struct sb *b)
{
    b->len = 0;
    sb_addn(b, "", 0);
}

static void sb_free(struct sb *b)
{
    free(b->s);
    memset(b, 0, sizeof(*b));
}

/* Percent-encode everything but the unreserved characters. */
static void sb_urlenc(struct sb *b, const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (isalnum(*p) || *p == '-' || *p == '_' || *p == '.' || *p == '~') {
            sb_addn(b, (const char *)p, 1);
        } else {
            char h[4];
            snprintf(h, sizeof(h), "%%%02X", *p);
            sb_addn(b, h, 3);
        }
    }
}

/* ------------------------------------------------------------------ */
/* PRNG (splitmix64): the same seed gives the same searches and changes */

static uint64_t rng;

static uint64_t rnd64(void)
{
    uint64_t z = (rng += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static int rnd(int n)
{
    return n <= 0 ? 0 : (int)(rnd64() % (uint64_t)n);
}

/* true with a probability of per_mille / 1000 */
static bool pm(int per_mille)
{
    return rnd(1000) < per_mille;
}

#define PICK(arr) ((arr)[rnd((int)(sizeof(arr) / sizeof((arr)[0])))])

/* ------------------------------------------------------------------ */
/* State                                                                */

static char g_conninfo_copy[1024];
static char g_copy[128];            /* name of the private database */
static char g_admin_conninfo[1024]; /* the maintenance database (postgres) */
static bool g_copy_made;
static PGconn *g_db;              /* the private database */
static struct it_daemon g_a, g_b; /* A: oracle (SQL), B: index (default) */
static bool g_a_up, g_b_up;
static bool g_b_index;              /* the daemon knows search_index */
static char g_org[40], g_key[96];   /* our organisation and its admin key */
static char g_org2[40], g_key2[96]; /* the organisation of the expiring activities */
static char g_log[512];             /* pg_dump / psql output */

static struct {
    long searches, pages, requests, status200, status400, other, b_hits, minute_retries, paged;
    long writes, ryw_checks, cross_checks, sql_checks;
    double cross_ms[512];
    int ncross;
    double cross_max;
    double expiry_ms[32];
    int nexpiry;
} st;

static int g_mismatches;

__attribute__((format(printf, 1, 2))) static void mismatch(const char *fmt, ...)
{
    va_list ap;
    g_mismatches++;
    fprintf(stderr, "\nMISMATCH %d: ", g_mismatches);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

/* ------------------------------------------------------------------ */
/* SQL on the private database                                          */

static PGresult *sql(const char *text, int n, const char *const *params)
{
    PGresult *r = PQexecParams(g_db, text, n, NULL, params, NULL, NULL, 0);
    ExecStatusType s = PQresultStatus(r);
    cr_assert(s == PGRES_TUPLES_OK || s == PGRES_COMMAND_OK, "SQL failed: %s\n  %s", PQerrorMessage(g_db), text);
    return r;
}

/*
 * The first row of a query into buffers: after the parameters come pairs
 * (char *buf, size_t cap), one a column, ended by NULL. False, copying
 * nothing, when there is no row.
 */
static bool sql_row(const char *text, int n, const char *const *params, ...)
{
    PGresult *r = sql(text, n, params);
    bool found = PQntuples(r) > 0;
    va_list ap;
    va_start(ap, params);
    for (int col = 0; found; col++) {
        char *buf = va_arg(ap, char *);
        if (buf == NULL)
            break;
        size_t cap = va_arg(ap, size_t);
        snprintf(buf, cap, "%s", PQgetvalue(r, 0, col));
    }
    va_end(ap);
    PQclear(r);
    return found;
}

static void sql_do(const char *text)
{
    PGresult *r = PQexec(g_db, text); /* simple protocol: VACUUM too */
    cr_assert(PQresultStatus(r) == PGRES_COMMAND_OK || PQresultStatus(r) == PGRES_TUPLES_OK, "SQL failed: %s\n  %s",
              PQerrorMessage(g_db), text);
    PQclear(r);
}

/* The first value of the first row into out ("" when none). */
static void sql_value(char *out, size_t cap, const char *text, int n, const char *const *params)
{
    PGresult *r = sql(text, n, params);
    snprintf(out, cap, "%s", PQntuples(r) > 0 && !PQgetisnull(r, 0, 0) ? PQgetvalue(r, 0, 0) : "");
    PQclear(r);
}

/* key='value' for the parts of a connection that matter (libpq quoting). */
static void conninfo_of(PGconn *c, char *out, size_t cap)
{
    static const char *const keep[] = { "host", "hostaddr", "port", "dbname", "user", "password", "sslmode", NULL };
    PQconninfoOption *opts = PQconninfo(c);
    size_t n = 0;
    out[0] = '\0';
    for (PQconninfoOption *o = opts; o && o->keyword; o++) {
        bool wanted = false;
        for (int i = 0; keep[i]; i++)
            wanted = wanted || strcmp(keep[i], o->keyword) == 0;
        if (!wanted || o->val == NULL || *o->val == '\0')
            continue;
        n += (size_t)snprintf(out + n, cap - n, "%s%s='", n ? " " : "", o->keyword);
        for (const char *s = o->val; *s && n + 4 < cap; s++) {
            if (*s == '\'' || *s == '\\')
                out[n++] = '\\';
            out[n++] = *s;
        }
        n += (size_t)snprintf(out + n, cap - n, "'");
    }
    PQconninfoFree(opts);
    cr_assert_lt(n, cap - 1, "connection string too long");
}

static void quiet(void *arg, const char *message)
{
    (void)arg;
    (void)message;
}

/* A connection like base's but to database dbname (NULL: base's own). */
static PGconn *connect_to(const char *base, const char *dbname)
{
    const char *keys[] = { "dbname", dbname ? "dbname" : NULL, NULL };
    const char *vals[] = { base, dbname, NULL };
    PGconn *c = PQconnectdbParams(keys, vals, 1);
    cr_assert_eq(PQstatus(c), CONNECTION_OK, "connect (%s): %s", dbname ? dbname : "test database", PQerrorMessage(c));
    PQsetNoticeProcessor(c, quiet, NULL); /* "does not exist, skipping" */
    return c;
}

/* The cluster's own client programs, found as deploy/lib.sh does (SK_PG_BIN overrides). */
static void pg_tool(PGconn *c, const char *tool, char *out, size_t cap)
{
    const char *bin = getenv("SK_PG_BIN");
    char dir[128];
    if (bin == NULL || *bin == '\0') {
        snprintf(dir, sizeof(dir), "/usr/lib/postgresql/%d/bin", PQserverVersion(c) / 10000);
        bin = dir;
    }
    snprintf(out, cap, "%s/%s", bin, tool);
    if (access(out, X_OK) != 0)
        snprintf(out, cap, "%s", tool); /* from PATH */
}

static pid_t spawn(const char *const *argv, int in_fd, int out_fd, int log_fd)
{
    pid_t pid = fork();
    cr_assert_geq(pid, 0, "fork");
    if (pid == 0) {
        if (in_fd >= 0)
            dup2(in_fd, STDIN_FILENO);
        dup2(out_fd >= 0 ? out_fd : log_fd, STDOUT_FILENO);
        dup2(log_fd, STDERR_FILENO);
        for (int fd = 3; fd < 256; fd++)
            close(fd);
        execvp(argv[0], (char *const *)argv);
        fprintf(stderr, "cannot run %s: %s\n", argv[0], strerror(errno));
        _exit(127);
    }
    return pid;
}

static int wait_exit(pid_t pid)
{
    int status;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* Databases <src>_diff_<pid> of test runs that are gone (killed before their .fini). */
static void drop_stale_copies(PGconn *admin, const char *src)
{
    char pattern[160];
    const char *params[1] = { pattern };
    PGresult *r;
    snprintf(pattern, sizeof(pattern), "^%s_diff_[0-9]+$", src);
    r = PQexecParams(admin, "SELECT datname FROM pg_database WHERE datname ~ $1", 1, NULL, params, NULL, NULL, 0);
    for (int i = 0; PQresultStatus(r) == PGRES_TUPLES_OK && i < PQntuples(r); i++) {
        const char *name = PQgetvalue(r, i, 0);
        long pid = atol(strrchr(name, '_') + 1);
        if (pid > 0 && kill((pid_t)pid, 0) < 0 && errno == ESRCH) {
            char stmt[256];
            snprintf(stmt, sizeof(stmt), "DROP DATABASE IF EXISTS \"%s\" WITH (FORCE)", name);
            PQclear(PQexec(admin, stmt));
            fprintf(stderr, "search_diff: dropped %s, left by an earlier run\n", name);
        }
    }
    PQclear(r);
}

/*
 * The private database: a copy of the test database (pg_dump | psql: works while
 * other sessions are connected to it, which CREATE DATABASE ... TEMPLATE does not),
 * then gen_data.sql. Exported as SK_DATABASE_URL for the daemons and the CLI.
 */
static void make_private_database(void)
{
    struct sk_config cfg;
    char err[256], conninfo[1024], src_conninfo[1024], stmt[512], dump[256], psql[256], ntext[32], script[512];
    char src_name[64];
    char *argv[] = { (char *)"it", NULL };
    int argi, log_fd, pipefd[2];
    bool templated;
    PGconn *src, *admin;
    double t0 = it_now_ms();

    cr_assert_eq(cfg_load(&cfg, 1, argv, &argi, err, sizeof(err)), 0, "config: %s", err);
    cr_assert_eq(cfg_conninfo(&cfg, conninfo, sizeof(conninfo)), 0);
    src = connect_to(conninfo, NULL);
    snprintf(src_name, sizeof(src_name), "%s", PQdb(src));
    snprintf(g_copy, sizeof(g_copy), "%s_diff_%d", src_name, (int)getpid());
    admin = connect_to(conninfo, "postgres");
    conninfo_of(admin, g_admin_conninfo, sizeof(g_admin_conninfo));
    drop_stale_copies(admin, src_name);
    snprintf(stmt, sizeof(stmt), "DROP DATABASE IF EXISTS \"%s\" WITH (FORCE)", g_copy);
    PQclear(PQexec(admin, stmt));
    snprintf(g_log, sizeof(g_log), "%s/search_diff-%d-db.log",
             getenv("SK_TEST_LOG_DIR") ? getenv("SK_TEST_LOG_DIR") : "/tmp", (int)getpid());
    log_fd = open(g_log, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    cr_assert_geq(log_fd, 0, "%s: %s", g_log, strerror(errno));
    pg_tool(src, "pg_dump", dump, sizeof(dump));
    pg_tool(src, "psql", psql, sizeof(psql));
    /* a file copy when nobody else is connected to the test database (deploy/test.sh) */
    conninfo_of(src, src_conninfo, sizeof(src_conninfo));
    PQfinish(src);
    snprintf(stmt, sizeof(stmt), "CREATE DATABASE \"%s\" TEMPLATE \"%s\"", g_copy, src_name);
    {
        PGresult *r = PQexec(admin, stmt);
        templated = PQresultStatus(r) == PGRES_COMMAND_OK;
        PQclear(r);
    }
    if (!templated) { /* others are connected: an empty database, filled by pg_dump below */
        PGresult *r;
        snprintf(stmt, sizeof(stmt), "CREATE DATABASE \"%s\"", g_copy);
        r = PQexec(admin, stmt);
        cr_assert_eq(PQresultStatus(r), PGRES_COMMAND_OK, "%s: %s", stmt, PQerrorMessage(admin));
        PQclear(r);
    }
    g_copy_made = true;
    PQfinish(admin);
    g_db = connect_to(conninfo, g_copy);
    conninfo_of(g_db, g_conninfo_copy, sizeof(g_conninfo_copy));
    cr_assert_eq(pipe(pipefd), 0);
    if (!templated) {
        const char *dump_argv[] = { dump, "-d", src_conninfo, NULL };
        const char *load_argv[] = { psql, "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", g_conninfo_copy, NULL };
        pid_t p1 = spawn(dump_argv, -1, pipefd[1], log_fd);
        pid_t p2 = spawn(load_argv, pipefd[0], -1, log_fd);
        int rc1, rc2;
        close(pipefd[0]);
        close(pipefd[1]);
        rc1 = wait_exit(p1);
        rc2 = wait_exit(p2);
        cr_assert(rc1 == 0 && rc2 == 0, "copying the test database failed (pg_dump %d, psql %d); see %s", rc1, rc2,
                  g_log);
    } else {
        close(pipefd[0]);
        close(pipefd[1]);
    }
    fprintf(stderr, "search_diff: database %s, a copy of %s (%s) in %.1f s\n", g_copy, src_name,
            templated ? "CREATE DATABASE ... TEMPLATE" : "pg_dump | psql: others are connected to it",
            (it_now_ms() - t0) / 1000);

    t0 = it_now_ms();
    snprintf(ntext, sizeof(ntext), "n=%ld", S.entries);
    snprintf(script, sizeof(script), "%s/tests/bench/gen_data.sql", SK_SOURCE_DIR);
    {
        const char *gen_argv[] = { psql, "-X",   "-q", "-v", "ON_ERROR_STOP=1", "-v", ntext, "-d", g_conninfo_copy,
                                   "-f", script, NULL };
        int rc = wait_exit(spawn(gen_argv, -1, -1, log_fd));
        cr_assert_eq(rc, 0, "gen_data.sql failed (%d); see %s", rc, g_log);
    }
    close(log_fd);
    /* The daemons' first housekeeping (2 s after start) finds nothing left to do, and the
     * statistics are fresh, so autovacuum does not change plans in the middle of a run. */
    sql_do("SELECT sk_moderation_housekeeping(), sk_occurrences_extend(), sk_feeds_housekeeping()");
    sql_do("VACUUM ANALYZE");
    fprintf(stderr, "search_diff: %ld generated entries (tests/bench/gen_data.sql) in %.1f s\n", S.entries,
            (it_now_ms() - t0) / 1000);
    setenv("SK_DATABASE_URL", g_conninfo_copy, 1);
}

static void drop_private_database(void)
{
    PGconn *admin;
    char stmt[256];
    if (g_db) {
        PQfinish(g_db);
        g_db = NULL;
    }
    if (!g_copy_made)
        return;
    g_copy_made = false;
    if (S.keep_db) {
        fprintf(stderr, "search_diff: kept database %s (SK_DIFF_KEEP_DB=1)\n", g_copy);
        return;
    }
    admin = PQconnectdb(g_admin_conninfo);
    snprintf(stmt, sizeof(stmt), "DROP DATABASE IF EXISTS \"%s\" WITH (FORCE)", g_copy);
    if (PQstatus(admin) == CONNECTION_OK)
        PQclear(PQexec(admin, stmt));
    PQfinish(admin);
}

/* ------------------------------------------------------------------ */
/* Daemons                                                              */

static int stop_daemon(struct it_daemon *d, bool *up);

/* Does the daemon answer from an index (/health: "index":{"enabled":true})? */
static bool daemon_uses_index(struct it_daemon *d, char *health, size_t cap)
{
    struct it_response r;
    struct json_object *j, *e;
    char url[128];
    bool yes = false;
    snprintf(url, sizeof(url), "%s/health", d->url);
    health[0] = '\0';
    if (it_request("GET", url, NULL, NULL, 0, &r) == 0) {
        snprintf(health, cap, "%s", r.body);
        j = it_json(&r);
        e = it_jget(j, "index.enabled");
        yes = json_object_is_type(e, json_type_boolean) && json_object_get_boolean(e);
        json_object_put(j);
    }
    it_response_free(&r);
    return yes;
}

/* Wait until the daemon's log shows each of its first housekeeping runs. */
static void wait_housekeeping(struct it_daemon *d, double timeout_ms)
{
    static const char *const jobs[] = { "housekeeping moderation", "housekeeping occurrences", "housekeeping feeds" };
    double until = it_now_ms() + timeout_ms;
    while (it_now_ms() < until) {
        FILE *f = fopen(d->log_path, "r");
        struct sb text = { 0 };
        char buf[4096];
        size_t n;
        int seen = 0;
        while (f && (n = fread(buf, 1, sizeof(buf), f)) > 0)
            sb_addn(&text, buf, n);
        if (f)
            fclose(f);
        for (size_t i = 0; text.s && i < sizeof(jobs) / sizeof(jobs[0]); i++)
            seen += strstr(text.s, jobs[i]) != NULL;
        sb_free(&text);
        if (seen == 3)
            return;
        usleep(50000);
    }
    fprintf(stderr, "search_diff: no first housekeeping in %s within %.0f s; going on\n", d->log_path,
            timeout_ms / 1000);
}

static void start_daemons(void)
{
    static const char *const env_a[] = { "SK_SEARCH_INDEX=0", "SK_SEARCH_CACHE_TTL_MS=0", "SK_READ_DEADLINE_MS=60000",
                                         "SK_REQUEST_TIMEOUT_MS=60000", NULL };
    static char b_ttl[64];
    const char *env_b[] = { "SK_READ_DEADLINE_MS=60000", "SK_REQUEST_TIMEOUT_MS=60000", NULL, NULL };
    const char *ttl = getenv("SK_DIFF_B_CACHE_TTL_MS");
    bool wrapped = getenv("SK_TEST_DAEMON_WRAPPER") && *getenv("SK_TEST_DAEMON_WRAPPER");
    char health[1024];

    /* B runs with the defaults, or what the environment sets (SK_SEARCH_INDEX=1 forces the index) */
    if (ttl && *ttl) {
        snprintf(b_ttl, sizeof(b_ttl), "SK_SEARCH_CACHE_TTL_MS=%s", ttl);
        env_b[2] = b_ttl;
    }
    cr_assert_eq(it_daemon_start(&g_a, env_a), 0, "daemon A did not start; see %s", g_a.log_path);
    g_a_up = true;
    cr_assert_eq(it_daemon_start(&g_b, env_b), 0, "daemon B did not start; see %s", g_b.log_path);
    g_b_up = true;
    g_b_index = daemon_uses_index(&g_b, health, sizeof(health));
    if (!g_b_index && env_b[2] == NULL) {
        /* B answers from SQL as well: its reply cache is then not retired by A's writes (only
         * the index's publishes would move it), so it goes, or B would lag A by up to 10 s */
        stop_daemon(&g_b, &g_b_up);
        env_b[2] = "SK_SEARCH_CACHE_TTL_MS=0";
        cr_assert_eq(it_daemon_start(&g_b, env_b), 0, "daemon B did not start; see %s", g_b.log_path);
        g_b_up = true;
    }
    fprintf(stderr,
            "search_diff: A %s (SK_SEARCH_INDEX=0, no reply cache, log %s)\n"
            "search_diff: B %s (%s; reply cache %s, log %s)\n"
            "search_diff: B /health: %s\n",
            g_a.url, g_a.log_path, g_b.url,
            g_b_index ? "default settings: answers from its index"
                      : "default settings, but it has no index (/health): it answers from SQL too",
            env_b[2] ? env_b[2] + strlen("SK_SEARCH_CACHE_TTL_MS=") : "default", g_b.log_path, health);
    wait_housekeeping(&g_a, wrapped ? 60000 : 15000);
    wait_housekeeping(&g_b, wrapped ? 60000 : 15000);
}

static int stop_daemon(struct it_daemon *d, bool *up)
{
    if (!*up)
        return 0;
    *up = false;
    return it_daemon_stop(d);
}

/* ------------------------------------------------------------------ */
/* Searches: one kept-alive connection per daemon, both asked at once   */

struct conn {
    struct it_daemon *d;
    CURL *h;
    struct curl_slist *hdrs;
    struct sb url, body;
    long status;
    char cache[16];
};

static struct conn g_ca = { .d = &g_a }, g_cb = { .d = &g_b };
static CURLM *g_multi;

static size_t conn_body(char *p, size_t size, size_t n, void *arg)
{
    sb_addn(arg, p, size * n);
    return size * n;
}

static size_t conn_header(char *p, size_t size, size_t n, void *arg)
{
    struct conn *c = arg;
    size_t len = size * n, i = 8, j = 0;
    if (len > 8 && strncasecmp(p, "X-Cache:", 8) == 0) {
        while (i < len && p[i] == ' ')
            i++;
        while (i < len && p[i] != '\r' && p[i] != '\n' && j + 1 < sizeof(c->cache))
            c->cache[j++] = p[i++];
        c->cache[j] = '\0';
    }
    return len;
}

static void conn_prepare(struct conn *c, const char *path, const char *lang)
{
    if (c->h == NULL) {
        c->h = curl_easy_init();
        curl_easy_setopt(c->h, CURLOPT_WRITEFUNCTION, conn_body);
        curl_easy_setopt(c->h, CURLOPT_WRITEDATA, &c->body);
        curl_easy_setopt(c->h, CURLOPT_HEADERFUNCTION, conn_header);
        curl_easy_setopt(c->h, CURLOPT_HEADERDATA, c);
        curl_easy_setopt(c->h, CURLOPT_TIMEOUT_MS, 120000L);
        curl_easy_setopt(c->h, CURLOPT_NOSIGNAL, 1L);
    }
    sb_reset(&c->body);
    sb_reset(&c->url);
    sb_add(&c->url, "%s%s", c->d->url, path);
    curl_easy_setopt(c->h, CURLOPT_URL, c->url.s);
    curl_easy_setopt(c->h, CURLOPT_HTTPGET, 1L);
    curl_slist_free_all(c->hdrs);
    c->hdrs = NULL;
    if (lang) {
        char h[96];
        snprintf(h, sizeof(h), "Accept-Language: %s", lang);
        c->hdrs = curl_slist_append(NULL, h);
    }
    curl_easy_setopt(c->h, CURLOPT_HTTPHEADER, c->hdrs);
    c->status = 0;
    c->cache[0] = '\0';
}

/* GET path_a on A and path_b on B at the same time (NULL: not that daemon). */
static void fetch(const char *path_a, const char *path_b, const char *lang)
{
    int running = 0, left;
    CURLMsg *m;
    if (g_multi == NULL)
        g_multi = curl_multi_init();
    if (path_a) {
        conn_prepare(&g_ca, path_a, lang);
        curl_multi_add_handle(g_multi, g_ca.h);
    }
    if (path_b) {
        conn_prepare(&g_cb, path_b, lang);
        curl_multi_add_handle(g_multi, g_cb.h);
    }
    do {
        CURLMcode mc = curl_multi_perform(g_multi, &running);
        if (mc == CURLM_OK && running)
            mc = curl_multi_poll(g_multi, NULL, 0, 1000, NULL);
        cr_assert_eq(mc, CURLM_OK, "curl: %s", curl_multi_strerror(mc));
    } while (running);
    while ((m = curl_multi_info_read(g_multi, &left)) != NULL) {
        struct conn *c = m->easy_handle == g_ca.h ? &g_ca : &g_cb;
        if (m->msg != CURLMSG_DONE)
            continue;
        cr_assert_eq(m->data.result, CURLE_OK, "GET %s: %s (daemon log %s)", c->url.s,
                     curl_easy_strerror(m->data.result), c->d->log_path);
        curl_easy_getinfo(c->h, CURLINFO_RESPONSE_CODE, &c->status);
    }
    if (path_a)
        curl_multi_remove_handle(g_multi, g_ca.h);
    if (path_b)
        curl_multi_remove_handle(g_multi, g_cb.h);
    st.requests += (path_a != NULL) + (path_b != NULL);
    if (path_b && strcmp(g_cb.cache, "hit") == 0)
        st.b_hits++;
}

static void conns_free(void)
{
    struct conn *cs[] = { &g_ca, &g_cb };
    for (int i = 0; i < 2; i++) {
        if (cs[i]->h) {
            if (g_multi)
                curl_multi_remove_handle(g_multi, cs[i]->h);
            curl_easy_cleanup(cs[i]->h);
        }
        curl_slist_free_all(cs[i]->hdrs);
        sb_free(&cs[i]->url);
        sb_free(&cs[i]->body);
        cs[i]->h = NULL;
        cs[i]->hdrs = NULL;
    }
    if (g_multi)
        curl_multi_cleanup(g_multi);
    g_multi = NULL;
}

/* ------------------------------------------------------------------ */
/* Comparing two answers                                                */

static void jshort(struct sb *out, struct json_object *v)
{
    const char *s = v ? json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN) : "null";
    size_t n = strlen(s);
    if (n > 200)
        sb_add(out, "%.180s...(%zu bytes)", s, n);
    else
        sb_add(out, "%s", s);
}

/* The first place where a and b differ, as "path: A=... B=..."; false when equal. */
static bool jdiff(struct json_object *a, struct json_object *b, const char *path, struct sb *why)
{
    if (json_object_equal(a, b))
        return false;
    if (a && b && json_object_get_type(a) == json_object_get_type(b)) {
        if (json_object_is_type(a, json_type_object)) {
            json_object_object_foreach(a, ka, va)
            {
                struct json_object *vb = NULL;
                char sub[512];
                snprintf(sub, sizeof(sub), "%s%s%s", path, *path ? "." : "", ka);
                if (!json_object_object_get_ex(b, ka, &vb)) {
                    sb_add(why, "%s: only in A: ", sub);
                    jshort(why, va);
                    return true;
                }
                if (jdiff(va, vb, sub, why))
                    return true;
            }
            json_object_object_foreach(b, kb, vb2)
            {
                if (!json_object_object_get_ex(a, kb, NULL)) {
                    sb_add(why, "%s%s%s: only in B: ", path, *path ? "." : "", kb);
                    jshort(why, vb2);
                    return true;
                }
            }
        } else if (json_object_is_type(a, json_type_array)) {
            size_t na = json_object_array_length(a), nb = json_object_array_length(b);
            for (size_t i = 0; i < na && i < nb; i++) {
                char sub[512];
                snprintf(sub, sizeof(sub), "%s[%zu]", path, i);
                if (jdiff(json_object_array_get_idx(a, i), json_object_array_get_idx(b, i), sub, why))
                    return true;
            }
            if (na != nb) {
                sb_add(why, "%s: %zu elements in A, %zu in B", path, na, nb);
                return true;
            }
        }
    }
    sb_add(why, "%s: A=", *path ? path : "(body)");
    jshort(why, a);
    sb_add(why, " B=");
    jshort(why, b);
    return true;
}

static long index_of_id(struct json_object *items, const char *id)
{
    for (size_t i = 0; i < json_object_array_length(items); i++)
        if (strcmp(it_js(json_object_array_get_idx(items, i), "id"), id) == 0)
            return (long)i;
    return -1;
}

/* What decides an item's place in the order, for the message. */
static void sort_keys(struct sb *why, struct json_object *item)
{
    static const char *const keys[] = { "kind",       "title",     "score", "distance_m", "next_occurrence",
                                        "updated_at", "created_at" };
    for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
        struct json_object *v;
        if (json_object_object_get_ex(item, keys[i], &v)) {
            sb_add(why, " %s=", keys[i]);
            jshort(why, v);
        }
    }
}

static bool diff_items(struct json_object *ia, struct json_object *ib, struct sb *why)
{
    size_t na, nb;
    if (!json_object_is_type(ia, json_type_array) || !json_object_is_type(ib, json_type_array))
        return jdiff(ia, ib, "items", why);
    na = json_object_array_length(ia);
    nb = json_object_array_length(ib);
    for (size_t i = 0; i < na && i < nb; i++) {
        struct json_object *a = json_object_array_get_idx(ia, i), *b = json_object_array_get_idx(ib, i);
        const char *ida = it_js(a, "id"), *idb = it_js(b, "id");
        if (strcmp(ida, idb) != 0) {
            long pa = index_of_id(ib, ida), pb = index_of_id(ia, idb);
            char wa[32] = "not", wb[32] = "not";
            if (pa >= 0)
                snprintf(wa, sizeof(wa), "at %ld", pa);
            if (pb >= 0)
                snprintf(wb, sizeof(wb), "at %ld", pb);
            sb_add(why, "items[%zu].id: A=%s B=%s (A's item is %s on B's page, B's %s on A's)\n    A:", i, ida, idb, wa,
                   wb);
            sort_keys(why, a);
            sb_add(why, "\n    B:");
            sort_keys(why, b);
            return true;
        }
    }
    if (na != nb) {
        struct json_object *extra = json_object_array_get_idx(na > nb ? ia : ib, na > nb ? nb : na);
        sb_add(why, "items: %zu in A, %zu in B; the first extra one (in %s): %s", na, nb, na > nb ? "A" : "B",
               it_js(extra, "id"));
        sort_keys(why, extra);
        return true;
    }
    for (size_t i = 0; i < na; i++) {
        struct json_object *a = json_object_array_get_idx(ia, i), *b = json_object_array_get_idx(ib, i);
        if (!json_object_equal(a, b)) {
            char p[96];
            snprintf(p, sizeof(p), "items[%zu](%s)", i, it_js(a, "id"));
            return jdiff(a, b, p, why);
        }
    }
    return false;
}

static bool is_string(struct json_object *o, const char *key)
{
    struct json_object *v;
    return json_object_object_get_ex(o, key, &v) && json_object_is_type(v, json_type_string);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The fields a problem names, sorted, comma-separated. */
static void problem_fields(struct json_object *p, struct sb *out)
{
    struct json_object *errs = it_jget(p, "errors");
    const char *f[64];
    size_t n = 0;
    for (size_t i = 0; json_object_is_type(errs, json_type_array) && i < json_object_array_length(errs) && n < 64; i++)
        f[n++] = it_js(json_object_array_get_idx(errs, i), "field");
    qsort(f, n, sizeof(f[0]), cmp_str);
    sb_reset(out);
    for (size_t i = 0; i < n; i++)
        sb_add(out, "%s%s", i ? "," : "", f[i]);
}

/*
 * Are the answers of A (g_ca) and B (g_cb) the same? Each next_cursor into
 * cur_a / cur_b ("" when none). When not, why says where.
 */
static bool same_answers(struct sb *why, char *cur_a, char *cur_b, size_t cap)
{
    struct json_object *a, *b;
    bool diff = false;
    cur_a[0] = cur_b[0] = '\0';
    sb_reset(why);
    if (g_ca.status != g_cb.status) {
        sb_add(why, "status A=%ld B=%ld\n    A: %.300s\n    B: %.300s", g_ca.status, g_cb.status, g_ca.body.s,
               g_cb.body.s);
        return false;
    }
    a = json_tokener_parse(g_ca.body.s);
    b = json_tokener_parse(g_cb.body.s);
    if (g_ca.status == 200) {
        st.status200++;
        if (!json_object_is_type(a, json_type_object) || !json_object_is_type(b, json_type_object)) {
            sb_add(why, "not a JSON object\n    A: %.300s\n    B: %.300s", g_ca.body.s, g_cb.body.s);
            diff = true;
        } else {
            diff = diff_items(it_jget(a, "items"), it_jget(b, "items"), why);
            json_object_object_foreach(a, ka, va)
            {
                struct json_object *vb = NULL;
                if (diff || !strcmp(ka, "items") || !strcmp(ka, "next_cursor"))
                    continue;
                if (!json_object_object_get_ex(b, ka, &vb)) {
                    sb_add(why, "%s: only in A: ", ka);
                    jshort(why, va);
                    diff = true;
                } else {
                    diff = jdiff(va, vb, ka, why);
                }
            }
            json_object_object_foreach(b, kb, vb2)
            {
                (void)vb2;
                if (!diff && strcmp(kb, "next_cursor") && !json_object_object_get_ex(a, kb, NULL)) {
                    sb_add(why, "%s: only in B", kb);
                    diff = true;
                }
            }
            if (!diff && is_string(a, "next_cursor") != is_string(b, "next_cursor")) {
                sb_add(why, "next_cursor: %s in A, %s in B", is_string(a, "next_cursor") ? "a cursor" : "none",
                       is_string(b, "next_cursor") ? "a cursor" : "none");
                diff = true;
            }
            if (is_string(a, "next_cursor"))
                snprintf(cur_a, cap, "%s", it_js(a, "next_cursor"));
            if (is_string(b, "next_cursor"))
                snprintf(cur_b, cap, "%s", it_js(b, "next_cursor"));
        }
    } else if (g_ca.status == 400) {
        struct sb fa = { 0 }, fb = { 0 };
        st.status400++;
        problem_fields(a, &fa);
        problem_fields(b, &fb);
        if (strcmp(fa.s, fb.s) != 0) {
            sb_add(why, "400 naming [%s] in A, [%s] in B\n    A: %.300s\n    B: %.300s", fa.s, fb.s, g_ca.body.s,
                   g_cb.body.s);
            diff = true;
        }
        sb_free(&fa);
        sb_free(&fb);
    } else {
        st.other++;
        sb_add(why, "both answered %ld (expected 200 or 400)\n    A: %.300s\n    B: %.300s", g_ca.status, g_ca.body.s,
               g_cb.body.s);
        diff = true;
    }
    json_object_put(a);
    json_object_put(b);
    return !diff;
}

static void with_cursor(struct sb *out, const char *path, const char *cursor)
{
    sb_reset(out);
    sb_add(out, "%s", path);
    if (*cursor) {
        sb_add(out, "%scursor=", strchr(path, '?') ? "&" : "?");
        sb_urlenc(out, cursor);
    }
}

static long wall_minute(void)
{
    return (long)(time(NULL) / 60);
}

/* One search on both daemons, page after page when page_all; false on a difference. */
static bool run_search(long no, const char *path, const char *lang, bool page_all)
{
    struct sb why = { 0 }, pa = { 0 }, pb = { 0 };
    char ca[512], cb[512];
    bool ok = true;
    int page = 0;
    for (int attempt = 0; attempt < 2; attempt++) {
        long m0 = wall_minute();
        ok = true;
        page = 0;
        ca[0] = cb[0] = '\0';
        for (;;) {
            with_cursor(&pa, path, ca);
            with_cursor(&pb, path, cb);
            fetch(pa.s, pb.s, lang);
            st.pages++;
            if (!same_answers(&why, ca, cb, sizeof(ca))) {
                ok = false;
                break;
            }
            page++;
            if (!page_all || !*ca || page >= S.max_pages)
                break;
        }
        if (ok || wall_minute() == m0)
            break;
        st.minute_retries++;
        fprintf(stderr, "search %ld: the answers differed across a minute boundary; asked again\n", no);
    }
    if (!ok)
        mismatch("search %ld, page %d: GET %s%s%s%s\n  (B: %s)\n  %s", no, page + 1, pa.s,
                 lang ? " [Accept-Language: " : "", lang ? lang : "", lang ? "]" : "", pb.s, why.s);
    sb_free(&why);
    sb_free(&pa);
    sb_free(&pb);
    return ok;
}

/* ------------------------------------------------------------------ */
/* What the searches are made of                                        */

struct area {
    char code[72], muni[8];
    bool sub, retired, has_loc;
    double lat, lon;
};

static struct area g_areas[128];
static int g_nareas;
static char **g_themes, **g_audiences, **g_features, **g_orgs, **g_words, **g_typo_words;
static int g_nthemes, g_naudiences, g_nfeatures, g_norgs, g_nwords, g_ntypo;
static char **g_new_themes, **g_new_audiences; /* not retired: for new entries */
static int g_nnew_themes, g_nnew_audiences;
static time_t g_today; /* today's Amsterdam date as a UTC midnight */

static char **load_column(const char *text, int *n)
{
    PGresult *r = sql(text, 0, NULL);
    char **out = calloc((size_t)PQntuples(r) + 1, sizeof(char *));
    *n = PQntuples(r);
    for (int i = 0; i < *n; i++)
        out[i] = strdup(PQgetvalue(r, i, 0));
    PQclear(r);
    return out;
}

static void free_column(char **col, int n)
{
    for (int i = 0; col && i < n; i++)
        free(col[i]);
    free(col);
}

static int cmp_pstr(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void push_word(const char *s, size_t n, int *cap)
{
    if (n < 1 || n > 40)
        return;
    if (g_nwords == *cap) {
        *cap = *cap ? *cap * 2 : 1024;
        g_words = realloc(g_words, (size_t)*cap * sizeof(char *));
    }
    g_words[g_nwords++] = strndup(s, n);
}

/* The words of every published title and summary (split where the database splits, more or less). */
static void load_words(void)
{
    PGresult *r = sql(
        "SELECT title || ' ' || coalesce(summary, '') FROM entries WHERE status = 'published' ORDER BY id", 0, NULL);
    int cap = 0, k = 0;
    for (int i = 0; i < PQntuples(r); i++) {
        const unsigned char *p = (const unsigned char *)PQgetvalue(r, i, 0);
        while (*p) {
            const unsigned char *s;
            while (*p && *p < 0x80 && !isalnum(*p))
                p++;
            s = p;
            while (*p && (*p >= 0x80 || isalnum(*p)))
                p++;
            push_word((const char *)s, (size_t)(p - s), &cap);
        }
    }
    PQclear(r);
    qsort(g_words, (size_t)g_nwords, sizeof(char *), cmp_pstr);
    for (int i = 0; i < g_nwords; i++) {
        if (k > 0 && strcmp(g_words[k - 1], g_words[i]) == 0)
            free(g_words[i]);
        else
            g_words[k++] = g_words[i];
    }
    g_nwords = k;
    g_typo_words = calloc((size_t)g_nwords + 1, sizeof(char *));
    for (int i = 0; i < g_nwords; i++) {
        size_t n = strlen(g_words[i]), letters = 0;
        for (size_t j = 0; j < n; j++)
            letters += isalpha((unsigned char)g_words[i][j]) != 0;
        if (n >= 5 && letters == n)
            g_typo_words[g_ntypo++] = g_words[i];
    }
}

static void add_word(const char *w)
{
    int cap = g_nwords; /* full: push_word grows it */
    push_word(w, strlen(w), &cap);
}

static void load_vocabulary(void)
{
    PGresult *r = sql("SELECT code, municipality, kind <> 'municipality', retired_at IS NOT NULL, location IS NOT NULL,"
                      " coalesce(ST_Y(location::geometry), 0), coalesce(ST_X(location::geometry), 0)"
                      " FROM areas ORDER BY code",
                      0, NULL);
    char today[16];
    struct tm tm = { 0 };
    for (int i = 0; i < PQntuples(r) && g_nareas < 128; i++) {
        struct area *a = &g_areas[g_nareas++];
        snprintf(a->code, sizeof(a->code), "%s", PQgetvalue(r, i, 0));
        snprintf(a->muni, sizeof(a->muni), "%s", PQgetvalue(r, i, 1));
        a->sub = PQgetvalue(r, i, 2)[0] == 't';
        a->retired = PQgetvalue(r, i, 3)[0] == 't';
        a->has_loc = PQgetvalue(r, i, 4)[0] == 't';
        a->lat = atof(PQgetvalue(r, i, 5));
        a->lon = atof(PQgetvalue(r, i, 6));
    }
    PQclear(r);
    g_themes = load_column("SELECT code FROM themes ORDER BY code", &g_nthemes);
    g_audiences = load_column("SELECT code FROM audiences ORDER BY code", &g_naudiences);
    g_new_themes = load_column("SELECT code FROM themes WHERE retired_at IS NULL ORDER BY code", &g_nnew_themes);
    g_new_audiences =
        load_column("SELECT code FROM audiences WHERE retired_at IS NULL ORDER BY code", &g_nnew_audiences);
    g_features = load_column("SELECT code FROM accessibility_features ORDER BY code", &g_nfeatures);
    g_orgs = load_column("SELECT organisation_id FROM entries WHERE status = 'published' GROUP BY 1"
                         " ORDER BY count(*) DESC, 1 LIMIT 80",
                         &g_norgs);
    g_orgs = realloc(g_orgs, (size_t)(g_norgs + 3) * sizeof(char *)); /* room for ours */
    load_words();
    sql_value(today, sizeof(today), "SELECT to_char(now() AT TIME ZONE 'Europe/Amsterdam', 'YYYY-MM-DD')", 0, NULL);
    cr_assert_eq(sscanf(today, "%d-%d-%d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday), 3);
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    g_today = timegm(&tm);
    cr_assert(g_nareas > 4 && g_nthemes > 4 && g_naudiences > 2 && g_nfeatures > 2 && g_norgs > 0 && g_ntypo > 20,
              "too little vocabulary or text in the database");
    fprintf(stderr,
            "search_diff: vocabulary: %d areas, %d themes, %d audiences, %d accessibility features, %d "
            "organisations, %d words (%d for typos)\n",
            g_nareas, g_nthemes, g_naudiences, g_nfeatures, g_norgs, g_nwords, g_ntypo);
}

static void free_vocabulary(void)
{
    free_column(g_themes, g_nthemes);
    free_column(g_audiences, g_naudiences);
    free_column(g_new_themes, g_nnew_themes);
    free_column(g_new_audiences, g_nnew_audiences);
    g_new_themes = g_new_audiences = NULL;
    g_nnew_themes = g_nnew_audiences = 0;
    free_column(g_features, g_nfeatures);
    free_column(g_orgs, g_norgs);
    free_column(g_words, g_nwords);
    free(g_typo_words);
    g_themes = g_audiences = g_features = g_orgs = g_words = g_typo_words = NULL;
    g_nthemes = g_naudiences = g_nfeatures = g_norgs = g_nwords = g_ntypo = 0;
}

/* A date relative to today (Amsterdam) as YYYY-MM-DD; weekday 0 = Monday. */
static void day_text(int offset, char *out)
{
    time_t t = g_today + (time_t)offset * 86400;
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, 11, "%Y-%m-%d", &tm);
}

static int weekday(int offset)
{
    time_t t = g_today + (time_t)offset * 86400;
    struct tm tm;
    gmtime_r(&t, &tm);
    return (tm.tm_wday + 6) % 7;
}

static const char *const day3[] = { "mon", "tue", "wed", "thu", "fri", "sat", "sun" };
static const char *const day2[] = { "mo", "tu", "we", "th", "fr", "sa", "su" };
static const char *const rrday[] = { "MO", "TU", "WE", "TH", "FR", "SA", "SU" };

/* One word of q: a word of the data, a prefix, a typo, other accents, a stop word. */
static void q_word(struct sb *q)
{
    static const char *const stop[] = { "de", "het", "een", "en", "van", "voor", "in",
                                        "op", "met", "is",  "te", "u",   "of" };
    static const char *const odd[] = { "65+", "'t", "koffie-ochtend", "☕", "ß", "ij", "x", "12" };
    int k = rnd(100);
    char w[128];
    if (k < 45) {
        snprintf(w, sizeof(w), "%s", g_words[rnd(g_nwords)]);
    } else if (k < 60) { /* a prefix while typing (not inside a UTF-8 sequence) */
        size_t n, cut;
        snprintf(w, sizeof(w), "%s", g_words[rnd(g_nwords)]);
        n = strlen(w);
        if (n > 3) {
            cut = 2 + (size_t)rnd((int)n - 2);
            while (cut > 1 && ((unsigned char)w[cut] & 0xC0) == 0x80)
                cut--;
            w[cut] = '\0';
        }
    } else if (k < 75) { /* a typo in a word of 5+ letters */
        size_t n, i;
        snprintf(w, sizeof(w), "%s", g_typo_words[rnd(g_ntypo)]);
        n = strlen(w);
        i = 1 + (size_t)rnd((int)n - 2);
        switch (rnd(4)) {
        case 0: { /* swap two neighbours */
            char c = w[i];
            w[i] = w[i + 1];
            w[i + 1] = c;
            break;
        }
        case 1: /* leave one out */ memmove(w + i, w + i + 1, n - i); break;
        case 2: /* another letter */ w[i] = (char)('a' + rnd(26)); break;
        default: /* one twice */ memmove(w + i + 1, w + i, n - i + 1); break;
        }
    } else if (k < 85) { /* accents: put one on, or take them off */
        static const char *const plain[] = { "e", "a", "o", "i", "u" };
        static const char *const accented[] = { "é", "á", "ö", "ï", "ü" };
        static const char *const accents[] = { "é", "ë", "è", "ê", "á", "à", "ö", "ó", "ï", "í", "ü", "ú", "ç" };
        static const char *const bare[] = { "e", "e", "e", "e", "a", "a", "o", "o", "i", "i", "u", "u", "c" };
        struct sb t = { 0 };
        const char *src = g_words[rnd(g_nwords)];
        bool changed = false;
        sb_reset(&t);
        for (const char *p = src; *p;) {
            bool done = false;
            for (size_t j = 0; j < sizeof(accents) / sizeof(accents[0]) && !done; j++) {
                size_t l = strlen(accents[j]);
                if (strncmp(p, accents[j], l) == 0) {
                    sb_add(&t, "%s", bare[j]);
                    p += l;
                    done = changed = true;
                }
            }
            for (size_t j = 0; j < 5 && !done && !changed; j++) {
                if (*p == plain[j][0]) {
                    sb_add(&t, "%s", accented[j]);
                    p++;
                    done = changed = true;
                }
            }
            if (!done)
                sb_addn(&t, p++, 1);
        }
        snprintf(w, sizeof(w), "%s", t.s);
        sb_free(&t);
    } else if (k < 95) {
        snprintf(w, sizeof(w), "%s", PICK(stop));
    } else {
        snprintf(w, sizeof(w), "%s", PICK(odd));
    }
    if (pm(120) && isalpha((unsigned char)w[0]))
        w[0] = (char)toupper((unsigned char)w[0]);
    else if (pm(30))
        for (char *p = w; *p; p++)
            *p = (char)toupper((unsigned char)*p);
    sb_add(q, "%s", w);
}

struct query {
    struct sb path;
    bool first; /* no parameter yet */
};

static void param(struct query *q, const char *name, const char *value)
{
    sb_add(&q->path, "%s%s=", q->first ? "?" : "&", name);
    sb_urlenc(&q->path, value);
    q->first = false;
}

/* A list of n picks from words[] (comma-separated; repeats are possible). */
static void code_list(struct sb *out, char **words, int nwords, int n)
{
    sb_reset(out);
    for (int i = 0; i < n; i++)
        sb_add(out, "%s%s", i ? "," : "", words[rnd(nwords)]);
}

static void local_time(struct sb *out, int day_offset, bool with_time)
{
    char d[16];
    day_text(day_offset, d);
    sb_add(out, "%s", d);
    if (with_time)
        sb_add(out, "T%02d:%02d", rnd(24), pm(500) ? 0 : pm(500) ? 30 : rnd(60));
}

static char g_campaign[64]; /* our campaign (of every municipality, issue 16), on about half of our entries */

/* A random search: its path into q, a language (or NULL), and whether to page to the end. */
static void gen_search(struct query *q, const char **lang, bool *page_all)
{
    static const char *const colls[] = { "places", "activities", "vacancies", "carer-support", "services" };
    static const char *const kinds[] = { "place",     "places",        "activity",      "activities", "vacancy",
                                         "vacancies", "carer_support", "carer-support", "service",    "services" };
    static const char *const langs[] = { "en", "de", "nl", "uk", "ar", "en-GB,en;q=0.9", "fr" };
    static const char *const languages[] = { "nl", "en", "uk", "ar", "de", "tr" };
    static const char *const sorts[] = { "relevance", "distance", "date", "updated", "created" };
    static const int radii[] = { 100, 250, 500, 1000, 1500, 2500, 5000, 10000, 50000 };
    static const int limits[] = { 1, 2, 3, 5, 10, 20, 25, 50, 100 };
    bool list = pm(200), near = false;
    struct sb v = { 0 };

    sb_reset(&q->path);
    q->first = true;
    if (list)
        sb_add(&q->path, "/api/v1/%s", PICK(colls));
    else
        sb_add(&q->path, "/api/v1/search");
    sb_reset(&v);
    if (pm(550)) { /* q: 1 to 3 words */
        int n = 1 + rnd(3);
        for (int i = 0; i < n; i++) {
            if (i)
                sb_add(&v, "%s", pm(900) ? " " : pm(500) ? ", " : "  ");
            q_word(&v);
        }
        if (pm(5)) /* too long: 400 */
            while (v.len < 220)
                sb_add(&v, " koffie");
        if (pm(4))
            sb_add(&v, "\x01");
        param(q, "q", v.s);
    }
    if (list ? pm(8) : pm(150)) {
        sb_reset(&v);
        sb_add(&v, "%s", PICK(kinds));
        if (pm(350))
            sb_add(&v, ",%s", PICK(kinds));
        if (pm(15))
            sb_add(&v, ",spaceships");
        param(q, "kind", v.s);
    }
    if (pm(100))
        param(q, "municipality",
              pm(950)   ? (pm(500)   ? "GM0512"
                           : pm(700) ? "GM0668"
                                     : "GM9501")
              : pm(500) ? "GM9999"
                        : "0512");
    if (pm(150)) {
        sb_reset(&v);
        for (int i = 0, n = 1 + (pm(300) ? 1 + rnd(2) : 0); i < n; i++)
            sb_add(&v, "%s%s", i ? "," : "", g_areas[rnd(g_nareas)].code);
        if (pm(15))
            sb_add(&v, ",GM0512-atlantis");
        param(q, "area", v.s);
    }
    if (pm(150)) {
        code_list(&v, g_themes, g_nthemes, 1 + (pm(300) ? 1 : 0));
        if (pm(15))
            sb_add(&v, ",astrologie");
        param(q, "theme", v.s);
    }
    if (pm(120)) {
        code_list(&v, g_audiences, g_naudiences, 1 + (pm(300) ? 1 : 0));
        if (pm(15))
            sb_add(&v, ",marsmannetjes");
        param(q, "audience", v.s);
    }
    if (pm(60))
        param(q, "organisation",
              pm(950)   ? g_orgs[rnd(g_norgs)]
              : pm(500) ? "00000000-0000-4000-8000-000000000000"
                        : "geen-uuid");
    if (pm(120)) { /* access: facets, graded values */
        sb_reset(&v);
        for (int i = 0, n = 1 + (pm(300) ? 1 : 0); i < n; i++) {
            bool wheelchair = pm(400);
            const char *f = wheelchair ? "wheelchair" : g_features[rnd(g_nfeatures)];
            int k = rnd(100);
            sb_add(&v, "%s%s", i ? "," : "", f);
            if (wheelchair && k < 35)
                sb_add(&v, ":limited");
            else if (k < 45)
                sb_add(&v, ":yes");
            else if (k < 60)
                sb_add(&v, ":no");
            else if (k < 62)
                sb_add(&v, ":limited"); /* 400 for a facet without limited */
        }
        if (pm(15))
            sb_add(&v, ",teleporter");
        if (pm(10))
            sb_add(&v, ",wheelchair:maybe");
        param(q, "access", v.s);
    }
    if (pm(100))
        param(q, "free", pm(800) ? "true" : pm(500) ? "false" : pm(800) ? "1" : "misschien");
    if (pm(70))
        param(q, "discount_pass", pm(850) ? "true" : pm(700) ? "0" : "ja");
    if (pm(60))
        param(q, "language", pm(950) ? PICK(languages) : "EN");
    if (pm(60))
        param(q, "place_type",
              pm(700)   ? "buurthuis"
              : pm(600) ? "odensehuis,buurthuis"
              : pm(500) ? "kasteel"
                        : "Fout!");
    if (pm(60))
        param(q, "drop_in", pm(850) ? "true" : pm(500) ? "false" : "misschien");
    if (pm(60)) /* issue 16: services */
        param(q, "no_referral", pm(850) ? "true" : pm(500) ? "false" : "misschien");
    if (pm(60))
        param(q, "no_indication", pm(850) ? "true" : "false");
    if (pm(60))
        param(q, "channel", pm(600) ? "walk_in" : pm(600) ? "phone,home_visit" : pm(500) ? "fax" : "Fout!");
    if (pm(60) && g_campaign[0])
        param(q, "campaign", pm(850) ? g_campaign : pm(500) ? "geen-campagne" : "Fout!");
    if (pm(180)) { /* a date window */
        int mode = rnd(10), from = -20 + rnd(110), len = 1 + rnd(45);
        if (mode < 6 || mode == 9) {
            sb_reset(&v);
            local_time(&v, from, pm(500));
            param(q, "from", v.s);
        }
        if (mode >= 6) {
            sb_reset(&v);
            if (pm(20))
                local_time(&v, from - 3, false); /* before from: 400 with from */
            else if (pm(10))
                local_time(&v, from + 400, false); /* too long: 400 */
            else
                local_time(&v, mode == 9 && pm(300) ? from : from + len, pm(500));
            param(q, "to", v.s);
        }
        if (pm(10))
            param(q, "to", "2026-13-01");
    }
    if (pm(80)) {
        sb_reset(&v);
        for (int i = 0, n = 1 + rnd(3); i < n; i++) {
            int d = rnd(7);
            sb_add(&v, "%s%s", i ? "," : "", pm(700) ? day3[d] : day2[d]);
        }
        if (pm(10))
            sb_add(&v, ",funday");
        param(q, "day", v.s);
    }
    if (pm(80)) {
        static const char *const tod[] = { "morning", "afternoon", "evening" };
        param(q, "time_of_day", pm(980) ? PICK(tod) : "night");
    }
    if (pm(180)) { /* near a sub-area's centre */
        const struct area *a = &g_areas[rnd(g_nareas)];
        char pt[64];
        for (int i = 0; i < 8 && !a->has_loc; i++)
            a = &g_areas[rnd(g_nareas)];
        if (pm(10) || !a->has_loc)
            snprintf(pt, sizeof(pt), "48.8566,2.3522"); /* not in the Netherlands: 400 */
        else
            snprintf(pt, sizeof(pt), "%.5f,%.5f", a->lat + (rnd(2001) - 1000) / 100000.0,
                     a->lon + (rnd(2001) - 1000) / 100000.0);
        param(q, "near", pt);
        near = true;
    }
    if (near ? pm(600) : pm(8)) {
        char r[16];
        snprintf(r, sizeof(r), "%d", pm(980) ? (pm(700) ? PICK(radii) : 1 + rnd(50000)) : 60000);
        param(q, "radius", r);
    }
    if (pm(45))
        param(q, "open_now", pm(900) ? "true" : "false");
    if (pm(55)) {
        sb_reset(&v);
        local_time(&v, rnd(14), true);
        param(q, "open_at", v.s);
    }
    {
        int k = rnd(100);
        if (k < 55) {
            /* the default order */
        } else if (k < 68) {
            param(q, "sort", "relevance");
        } else if (k < 78) {
            param(q, "sort", near || pm(100) ? "distance" : "date"); /* distance without near: 400 */
        } else if (k < 88) {
            param(q, "sort", "date");
        } else if (k < 95) {
            param(q, "sort", "updated");
        } else {
            param(q, "sort", pm(900) ? sorts[4] : "price"); /* created: not a parameter value (yet) */
        }
    }
    if (pm(550)) {
        char l[16];
        snprintf(l, sizeof(l), "%d", pm(985) ? (pm(700) ? PICK(limits) : 1 + rnd(100)) : pm(500) ? 0 : 101);
        param(q, "limit", l);
    }
    if (pm(300))
        param(q, "facets", pm(350) ? "true" : "false");
    if (pm(5))
        param(q, "cursor", "bm90LWEtY3Vyc29y");
    if (pm(5))
        param(q, "aera", "GM0512-west");
    if (pm(5)) {
        param(q, "day", "mon");
        param(q, "day", "tue");
    }
    *lang = pm(200) ? PICK(langs) : NULL;
    *page_all = pm(200);
    sb_free(&v);
}

/* ------------------------------------------------------------------ */
/* Writes                                                               */

static const char *const k_coll[] = { "places", "activities", "vacancies", "carer-support", "services" };
static const char *const k_kind[] = { "place", "activity", "vacancy", "carer_support", "service" };
enum {
    K_PLACE,
    K_ACTIVITY,
    K_VACANCY,
    K_CARER,
    K_SERVICE
};
enum {
    S_VISIBLE,
    S_HIDDEN,
    S_GONE
};

struct mine {
    char id[40], tag[16], org[40], area[72], muni[8];
    int kind, state;
    bool recurring;
};

static struct mine g_mine[256];
static int g_nmine;
static char g_set[64];     /* our exception set */
static char g_theme[64];   /* our theme, moved between parents */
static int g_theme_parent; /* index into theme_parents */
static const char *const theme_parents[] = { "gezonde-leefstijl", "ondersteuning" };
static char g_nat_added[16]; /* a day we added to school-holidays-middle ("" none) */

static const char *who(struct it_daemon *d)
{
    return d == &g_a ? "A" : d == &g_b ? "B" : "SQL";
}

static void make_tag(char *out)
{
    out[0] = 'z';
    out[1] = 'v';
    for (int i = 2; i < 10; i++)
        out[i] = (char)('a' + rnd(26));
    out[10] = '\0';
}

/* A write through daemon d with our admin key (or key); asserts the status; the answer (kept). */
static struct json_object *api(struct it_daemon *d, const char *key, long want, const char *method, const char *path,
                               const char *body, int if_match)
{
    struct it_response r;
    struct json_object *j;
    char url[700], auth[160], im[48];
    const char *h[4];
    int n = 0;
    snprintf(url, sizeof(url), "%s%s", d->url, path);
    snprintf(auth, sizeof(auth), "Authorization: Bearer %s", key ? key : g_key);
    h[n++] = auth;
    if (body)
        h[n++] = "Content-Type: application/json";
    if (if_match > 0) {
        snprintf(im, sizeof(im), "If-Match: \"%d\"", if_match);
        h[n++] = im;
    }
    h[n] = NULL;
    cr_assert_eq(it_request(method, url, h, body, body ? strlen(body) : 0, &r), 0, "%s %s via %s: no answer", method,
                 path, who(d));
    cr_assert_eq(r.status, want, "%s %s via %s -> %ld (expected %ld)\n  body: %s\n  answer: %s", method, path, who(d),
                 r.status, want, body ? body : "", r.body);
    j = r.body_len ? it_keep(it_json(&r)) : NULL;
    it_response_free(&r);
    st.writes++;
    return j;
}

static int version_of(const char *id)
{
    char v[16];
    const char *p[1] = { id };
    sql_value(v, sizeof(v), "SELECT version FROM entries WHERE id = $1", 1, p);
    return atoi(v);
}

/* Up to 8 searches that a change must show; A's answers before the change. */
struct check {
    char what[160];
    char url[8][768];
    char *before[8];
    int n;
};

__attribute__((format(printf, 2, 3))) static void check_url(struct check *c, const char *fmt, ...)
{
    va_list ap;
    cr_assert_lt(c->n, 8);
    va_start(ap, fmt);
    vsnprintf(c->url[c->n++], sizeof(c->url[0]), fmt, ap);
    va_end(ap);
}

/* Remember what the oracle answers now (the change must alter at least one of them). */
static void check_before(struct check *c)
{
    for (int i = 0; i < c->n; i++) {
        fetch(c->url[i], NULL, NULL);
        c->before[i] = strdup(g_ca.body.s);
    }
}

/*
 * After a change through via (B: read-your-writes; A, or NULL for SQL: B agrees within
 * S.converge_ms): every URL of c answered alike by A and B; A's answers changed.
 */
static void check_after(struct check *c, struct it_daemon *via, double *delay_out)
{
    struct sb why = { 0 }, first_why = { 0 };
    char ca[512], cb[512], first_url[768] = "";
    double t0 = it_now_ms(), delay = -1;
    bool ryw = via == &g_b, first_ok = true, changed = false;
    const char *bad_url = "";
    for (int attempt = 0;; attempt++) {
        bool all = true;
        for (int i = 0; i < c->n && all; i++) {
            if (ryw && attempt == 0) { /* B's next answer after its own write, then the oracle */
                fetch(NULL, c->url[i], NULL);
                fetch(c->url[i], NULL, NULL);
            } else {
                fetch(c->url[i], c->url[i], NULL);
            }
            all = same_answers(&why, ca, cb, sizeof(ca));
            if (!all)
                bad_url = c->url[i];
            if (attempt == 0 && c->before[i] && strcmp(c->before[i], g_ca.body.s) != 0)
                changed = true;
        }
        if (all) {
            delay = it_now_ms() - t0;
            break;
        }
        if (attempt == 0) {
            first_ok = false;
            sb_reset(&first_why);
            sb_add(&first_why, "%s", why.s);
            snprintf(first_url, sizeof(first_url), "%s", bad_url);
        }
        if (it_now_ms() - t0 > (double)S.converge_ms)
            break;
        usleep(50000);
    }
    if (ryw) {
        st.ryw_checks++;
        if (!first_ok && (S.strict || delay < 0))
            mismatch("read-your-writes: %s through B, and B's next answer differs from A's (%s)\n  GET %s\n  %s%s",
                     c->what, delay >= 0 ? "B agreed later" : "B never agreed", first_url, first_why.s,
                     delay >= 0 ? "" : "\n  last difference: ");
        else if (!first_ok)
            fprintf(stderr,
                    "search_diff: WARNING (timing not strict): %s through B: B's next answer differed\n"
                    "  GET %s\n  %s\n",
                    c->what, first_url, first_why.s);
        if (delay < 0)
            fprintf(stderr, "  GET %s\n  %s\n", bad_url, why.s);
        else if (!first_ok)
            fprintf(stderr, "  (B agreed %.0f ms after the write)\n", delay);
    } else {
        if (via)
            st.cross_checks++;
        else
            st.sql_checks++;
        if (delay < 0)
            mismatch("%s through %s: B does not agree with A after %ld ms\n  GET %s\n  %s", c->what, who(via),
                     S.converge_ms, bad_url, why.s);
        else if (delay > 1000)
            fprintf(stderr, "search_diff: WARNING: %s through %s: B agreed only after %.0f ms (over 1 s)\n", c->what,
                    who(via), delay);
        if (delay >= 0 && st.ncross < (int)(sizeof(st.cross_ms) / sizeof(st.cross_ms[0])))
            st.cross_ms[st.ncross++] = delay;
        if (delay > st.cross_max)
            st.cross_max = delay;
    }
    if (delay_out)
        *delay_out = delay;
    /* the check must have been able to fail: the oracle's answers moved */
    {
        bool had_before = false;
        for (int i = 0; i < c->n; i++)
            had_before = had_before || c->before[i] != NULL;
        cr_assert(!had_before || changed, "test bug: %s did not change any oracle answer of its checks (%s ...)",
                  c->what, c->url[0]);
    }
    for (int i = 0; i < c->n; i++) {
        free(c->before[i]);
        c->before[i] = NULL;
    }
    sb_free(&why);
    sb_free(&first_why);
}

static const struct area *pick_sub_area(const char *muni)
{
    for (;;) {
        const struct area *a = &g_areas[rnd(g_nareas)];
        if (a->sub && !a->retired && a->has_loc && (muni == NULL || strcmp(a->muni, muni) == 0))
            return a;
    }
}

/* A plain word of the data for titles (letters only, so no JSON escaping). */
static const char *title_word(void)
{
    return g_typo_words[rnd(g_ntypo)];
}

/* The body of a new entry of kind k (its title carries tag), for organisation org in area a. */
static void entry_body(struct sb *b, int k, const char *org, const char *tag, const struct area *a, bool whole,
                       bool recurring, bool with_theme, const char *marker)
{
    static const char *const wheel[] = { "yes", "limited", "no" };
    static const char *const langs[] = { "en", "uk", "ar", "tr" };
    char d[16], extra_theme[96] = "";
    const char *w1 = title_word(), *w2 = title_word();
    if (with_theme)
        snprintf(extra_theme, sizeof(extra_theme), ",\"%s\"", g_theme);
    sb_reset(b);
    sb_add(b,
           "{\"organisation_id\":\"%s\",\"title\":\"%c%s %s %s\",\"summary\":\"%s: %s en %s in de "
           "buurt.\",\"description\":\"Een verschiltoets van de zoekindex, met %s.\",\"municipality\":\"%s\","
           "\"areas\":%s%s%s,\"themes\":[\"%s\"%s],\"audiences\":[\"%s\"],"
           "\"accessibility\":{\"wheelchair\":\"%s\"%s},\"cost\":%s,\"languages\":[\"nl\",\"%s\"],"
           "\"translations\":{\"en\":{\"title\":\"%s %s (English)\"}}",
           org, toupper((unsigned char)w1[0]), w1 + 1, w2, tag, marker, w1, w2, title_word(), a->muni,
           whole ? "[" : "[\"", whole ? "" : a->code, whole ? "]" : "\"]", g_new_themes[rnd(g_nnew_themes)],
           extra_theme, g_new_audiences[rnd(g_nnew_audiences)], PICK(wheel), pm(500) ? ",\"hearing_loop\":\"yes\"" : "",
           pm(500) ? "{\"free\":true}" : "{\"amount_eur\":2.5,\"discount_pass\":true}", PICK(langs), w1, tag);
    if (g_campaign[0] && pm(500))
        sb_add(b, ",\"campaigns\":[\"%s\"]", g_campaign);
    if (pm(250)) /* issue 16: a regional entry serves the other municipality too */
        sb_add(b, ",\"also_serves\":[\"%s\"]", strcmp(a->muni, "GM0512") == 0 ? "GM0668" : "GM0512");
    if (k == K_PLACE && pm(600)) /* issue 16: place types and drop-in */
        sb_add(b, ",\"place_type\":\"%s\"", pm(500) ? "buurthuis" : "odensehuis");
    if (k != K_VACANCY && pm(400))
        sb_add(b, ",\"drop_in\":true");
    if (k == K_PLACE || k == K_ACTIVITY)
        sb_add(b,
               ",\"address\":{\"street\":\"Verschilstraat\",\"house_number\":\"%d\",\"postcode\":\"4205 AB\","
               "\"city\":\"%s\"},\"location\":{\"lat\":%.5f,\"lon\":%.5f}",
               1 + rnd(99), strcmp(a->muni, "GM0512") == 0 ? "Gorinchem" : "Beneden-Leeuwen",
               a->lat + (rnd(2001) - 1000) / 200000.0, a->lon + (rnd(2001) - 1000) / 200000.0);
    if (k == K_PLACE)
        sb_add(b,
               ",\"opening_hours\":[{\"day\":\"%s\",\"opens\":\"09:00\",\"closes\":\"17:00\"},"
               "{\"day\":\"%s\",\"opens\":\"13:30\",\"closes\":\"21:30\"}]",
               day2[rnd(7)], day2[rnd(7)]);
    if (k == K_ACTIVITY && recurring) {
        int off = -14 + rnd(7), w = weekday(off);
        day_text(off, d);
        sb_add(
            b,
            ",\"schedule\":{\"start\":\"%sT%02d:30\",\"end\":\"%sT%02d:00\",\"rrule\":\"FREQ=WEEKLY;BYDAY=%s,%s,%s\","
            "\"exdates\":[],\"exception_sets\":[\"%s\"]},\"registration\":\"none\",\"address_visibility\":\"public\"",
            d, 9 + rnd(10), d, 21, rrday[w], rrday[(w + 2) % 7], rrday[(w + 4) % 7], g_set);
    } else if (k == K_ACTIVITY) {
        day_text(1, d);
        sb_add(b,
               ",\"schedule\":{\"start\":\"%sT10:00\",\"end\":\"%sT11:00\"},\"registration\":\"none\","
               "\"address_visibility\":\"public\"",
               d, d);
    }
    if (k == K_VACANCY) {
        day_text(30 + rnd(300), d);
        sb_add(b, ",\"skills\":[\"geduld\"],\"valid_until\":\"%s\",\"hours_per_week\":%d", d, 1 + rnd(8));
    }
    if (k == K_CARER)
        sb_add(b, ",\"support_kind\":\"advice\",\"for_whom\":[\"mantelzorgers\"]");
    if (k == K_SERVICE) /* issue 16: walk-in hours, channels, referral and indication */
        sb_add(b,
               ",\"channels\":[\"%s\",\"phone\"],\"referral_required\":%s,\"indication_required\":%s,"
               "\"opening_hours\":[{\"day\":\"%s\",\"opens\":\"09:00\",\"closes\":\"12:00\"}]",
               pm(500) ? "walk_in" : "home_visit", pm(300) ? "true" : "false", pm(200) ? "true" : "false",
               day2[rnd(7)]);
    sb_add(b, "}");
}

static void mine_checks(struct check *c, const struct mine *m)
{
    check_url(c, "/api/v1/search?organisation=%s&sort=updated&limit=100", m->org);
    check_url(c, "/api/v1/search?q=%s", m->tag);
    check_url(c, "/api/v1/%s?q=%s", k_coll[m->kind], m->tag);
}

static struct mine *create_mine(struct it_daemon *via, int k, bool recurring, bool org2)
{
    struct mine *m = &g_mine[g_nmine];
    const struct area *a = pick_sub_area(pm(500) ? "GM0512" : "GM0668");
    struct check c = { 0 };
    struct sb body = { 0 };
    struct json_object *j;
    char path[64];
    cr_assert_lt(g_nmine, 256);
    memset(m, 0, sizeof(*m));
    m->kind = k;
    m->recurring = recurring;
    make_tag(m->tag);
    snprintf(m->org, sizeof(m->org), "%s", org2 ? g_org2 : g_org);
    snprintf(m->area, sizeof(m->area), "%s", a->code);
    snprintf(m->muni, sizeof(m->muni), "%s", a->muni);
    /* organisation 2's entries (they expire by time during a round) have another marker word, so
     * that no check of another change sees them */
    entry_body(&body, k, m->org, m->tag, a, pm(150), recurring, !org2 && k <= K_ACTIVITY,
               org2 ? "Tijdtoets" : "Verschiltoets");
    snprintf(c.what, sizeof(c.what), "new %s %s", k_kind[k], m->tag);
    mine_checks(&c, m);
    check_url(&c, "/api/v1/search?q=verschiltoets&municipality=%s&kind=%s&sort=updated&limit=3", m->muni, k_kind[k]);
    check_before(&c);
    snprintf(path, sizeof(path), "/api/v1/%s", k_coll[k]);
    j = api(via, org2 ? g_key2 : NULL, 201, "POST", path, body.s, 0);
    snprintf(m->id, sizeof(m->id), "%s", it_js(j, "id"));
    cr_assert_eq(strlen(m->id), 36, "no id: %s", it_jtext(j));
    g_nmine++;
    add_word(m->tag);
    check_after(&c, via, NULL);
    sb_free(&body);
    return m;
}

/* A random entry of ours in state want (kind k, or any with k < 0; recurring activity when rec). */
static struct mine *pick_mine(int k, int want, bool rec)
{
    int idx[256], n = 0;
    for (int i = 0; i < g_nmine; i++)
        if (g_mine[i].state == want && (k < 0 || g_mine[i].kind == k) && (!rec || g_mine[i].recurring) &&
            strcmp(g_mine[i].org, g_org) == 0)
            idx[n++] = i;
    return n ? &g_mine[idx[rnd(n)]] : NULL;
}

static void mine_path(char *out, size_t cap, const struct mine *m)
{
    snprintf(out, cap, "/api/v1/%s/%s", k_coll[m->kind], m->id);
}

static void edit_title(struct it_daemon *via)
{
    struct mine *m = pick_mine(-1, S_VISIBLE, false);
    struct check c = { 0 };
    char path[128], body[512];
    const char *w = title_word();
    if (m == NULL)
        return;
    snprintf(c.what, sizeof(c.what), "title and summary of %s %s", k_kind[m->kind], m->tag);
    mine_checks(&c, m);
    check_url(&c, "/api/v1/search?q=%s&organisation=%s", w, m->org);
    check_before(&c);
    snprintf(body, sizeof(body), "{\"title\":\"Nieuwe naam %s %s\",\"summary\":\"Verschiltoets: nu met %s.\"}", w,
             m->tag, title_word());
    mine_path(path, sizeof(path), m);
    api(via, NULL, 200, "PATCH", path, body, version_of(m->id));
    check_after(&c, via, NULL);
}

static void edit_areas_themes(struct it_daemon *via)
{
    struct mine *m = pick_mine(-1, S_VISIBLE, false);
    struct check c = { 0 };
    const struct area *a;
    const char *theme, *theme2;
    char path[128], body[512];
    if (m == NULL)
        return;
    a = pick_sub_area(m->muni);
    for (int i = 0; i < 8 && strcmp(a->code, m->area) == 0; i++)
        a = pick_sub_area(m->muni);
    theme = g_new_themes[rnd(g_nnew_themes)];
    theme2 = g_new_themes[rnd(g_nnew_themes)];
    while (strcmp(theme2, theme) == 0)
        theme2 = g_new_themes[rnd(g_nnew_themes)];
    snprintf(c.what, sizeof(c.what), "areas and themes of %s %s", k_kind[m->kind], m->tag);
    mine_checks(&c, m);
    check_url(&c, "/api/v1/search?q=%s&area=%s", m->tag, a->code);
    check_url(&c, "/api/v1/search?q=%s&area=%s", m->tag, m->area);
    check_url(&c, "/api/v1/search?q=%s&theme=%s", m->tag, theme);
    check_before(&c);
    snprintf(body, sizeof(body), "{\"areas\":[\"%s\"],\"themes\":[\"%s\",\"%s\"]}", a->code, theme, theme2);
    mine_path(path, sizeof(path), m);
    api(via, NULL, 200, "PATCH", path, body, version_of(m->id));
    snprintf(m->area, sizeof(m->area), "%s", a->code);
    check_after(&c, via, NULL);
}

static void edit_schedule(struct it_daemon *via)
{
    struct mine *m = pick_mine(K_ACTIVITY, S_VISIBLE, true);
    struct check c = { 0 };
    char path[128], body[512], d[16], from[16], to[16];
    int off = -6 + rnd(7), w = weekday(off), hour = 8 + rnd(12);
    if (m == NULL)
        return;
    day_text(off, d);
    day_text(0, from);
    day_text(21, to);
    snprintf(c.what, sizeof(c.what), "schedule of activity %s", m->tag);
    mine_checks(&c, m);
    check_url(&c, "/api/v1/search?q=%s&from=%s&to=%s", m->tag, from, to);
    check_url(&c, "/api/v1/search?q=%s&day=%s&time_of_day=%s", m->tag, day3[w],
              hour < 12   ? "morning"
              : hour < 18 ? "afternoon"
                          : "evening");
    check_url(&c, "/api/v1/search?q=%s&sort=date", m->tag);
    check_before(&c);
    snprintf(body, sizeof(body),
             "{\"schedule\":{\"start\":\"%sT%02d:15\",\"end\":\"%sT%02d:45\",\"rrule\":\"FREQ=WEEKLY;BYDAY=%s,%s\","
             "\"exdates\":[],\"exception_sets\":[\"%s\"]}}",
             d, hour, d, hour + 1, rrday[w], rrday[(w + 3) % 7], g_set);
    mine_path(path, sizeof(path), m);
    api(via, NULL, 200, "PATCH", path, body, version_of(m->id));
    check_after(&c, via, NULL);
}

/* A moderator action (hide, unhide) on one of mine in state from, which leaves it in state to;
 * doing names it in the check ("hiding"). */
static void moderate_one(struct it_daemon *via, int from, const char *doing, const char *action, const char *body,
                         int to)
{
    struct mine *m = pick_mine(-1, from, false);
    struct check c = { 0 };
    char path[128];
    if (m == NULL)
        return;
    snprintf(c.what, sizeof(c.what), "%s %s %s", doing, k_kind[m->kind], m->tag);
    mine_checks(&c, m);
    check_before(&c);
    snprintf(path, sizeof(path), "/api/v1/moderation/%s/%s", m->id, action);
    api(via, NULL, 200, "POST", path, body, 0);
    m->state = to;
    check_after(&c, via, NULL);
}

static void hide_one(struct it_daemon *via)
{
    moderate_one(via, S_VISIBLE, "hiding", "hide", "{\"reason\":\"Verschiltoets: even verborgen.\"}", S_HIDDEN);
}

static void unhide_one(struct it_daemon *via)
{
    moderate_one(via, S_HIDDEN, "unhiding", "unhide", "{}", S_VISIBLE);
}

static void delete_one(struct it_daemon *via)
{
    struct mine *m = pick_mine(-1, S_VISIBLE, false);
    struct check c = { 0 };
    char path[128];
    if (m == NULL)
        return;
    snprintf(c.what, sizeof(c.what), "deleting %s %s", k_kind[m->kind], m->tag);
    mine_checks(&c, m);
    check_before(&c);
    mine_path(path, sizeof(path), m);
    api(via, NULL, 204, "DELETE", path, NULL, version_of(m->id));
    m->state = S_GONE;
    check_after(&c, via, NULL);
}

/* A vacancy of ours whose valid_until moves to yesterday: it expires. */
static void expire_vacancy(struct it_daemon *via)
{
    struct mine *m = pick_mine(K_VACANCY, S_VISIBLE, false);
    struct check c = { 0 };
    char path[128], body[128], d[16];
    if (m == NULL)
        return;
    day_text(-1, d);
    snprintf(c.what, sizeof(c.what), "valid_until of vacancy %s to yesterday", m->tag);
    mine_checks(&c, m);
    check_before(&c);
    snprintf(body, sizeof(body), "{\"valid_until\":\"%s\"}", d);
    mine_path(path, sizeof(path), m);
    api(via, NULL, 200, "PATCH", path, body, version_of(m->id));
    m->state = S_GONE;
    check_after(&c, via, NULL);
}

/* Our exception set's one period moves (our recurring activities use it). */
static int g_set_from = 3, g_set_days = 3; /* its period: today + from, for days */

static void edit_our_set(struct it_daemon *via, int round)
{
    struct check c = { 0 };
    char path[128], start[16], end[16], w0[16], w1[16], o0[16], o1[16];
    struct sb body = { 0 };
    int off = 1 + (round * 3) % 10;
    if (off == g_set_from)
        off++;
    day_text(off, start);
    day_text(off + 6, end);
    day_text(off, w0); /* the new period as a window: our activities drop out */
    day_text(off + 7, w1);
    day_text(g_set_from, o0); /* the old one: they come back */
    day_text(g_set_from + g_set_days, o1);
    snprintf(c.what, sizeof(c.what), "dates of exception set %s to %s..%s", g_set, start, end);
    check_url(&c, "/api/v1/search?q=verschiltoets&kind=activities&organisation=%s&from=%s&to=%s&limit=100", g_org, w0,
              w1);
    check_url(&c, "/api/v1/search?q=verschiltoets&kind=activities&organisation=%s&from=%s&to=%s&limit=100", g_org, o0,
              o1);
    check_url(&c, "/api/v1/search?organisation=%s&kind=activities&sort=date&limit=100", g_org);
    check_before(&c);
    sb_add(&body,
           "{\"label_nl\":\"Verschiltoets vrije dagen\",\"label_en\":\"Differential test days off\","
           "\"dates\":[{\"start\":\"%s\",\"end\":\"%s\",\"label\":\"Week vrij\"}]}",
           start, end);
    snprintf(path, sizeof(path), "/api/v1/exception-sets/%s", g_set);
    api(via, NULL, 200, "PUT", path, body.s, 0);
    g_set_from = off;
    g_set_days = 7;
    check_after(&c, via, NULL);
    sb_free(&body);
}

/*
 * A national set (school-holidays-middle, used by about a tenth of the generated
 * activities) gains a day, or loses it again, written through SQL (neither daemon).
 * Not through PUT /api/v1/exception-sets: that replaces every period of the set,
 * and with a few thousand entries re-expanding their occurrences for each period
 * takes about 4 s, near the statement timeout (503).
 */
static void edit_national_set(void)
{
    static const char *const code = "school-holidays-middle";
    struct check c = { 0 };
    char day[16], next[16];
    if (g_nat_added[0]) {
        snprintf(day, sizeof(day), "%s", g_nat_added);
    } else { /* a day soon with many occurrences of activities that use the set */
        char lo[16], hi[16];
        const char *p[3] = { code, lo, hi };
        day_text(8, lo);
        day_text(15, hi);
        sql_value(day, sizeof(day),
                  "SELECT to_char(o.local_start::date, 'YYYY-MM-DD') FROM sk_occurrences o JOIN entries e ON e.id = "
                  "o.entry_id"
                  " WHERE e.status = 'published' AND $1 = ANY (e.exception_sets)"
                  "   AND o.local_start::date BETWEEN $2::date AND $3::date"
                  "   AND NOT EXISTS (SELECT 1 FROM exception_set_dates x WHERE x.set_code = $1"
                  "                   AND x.during @> o.local_start::date)"
                  " GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1",
                  3, p);
        if (!day[0])
            return;
    }
    {
        struct tm tm = { 0 };
        time_t t;
        sscanf(day, "%d-%d-%d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday);
        tm.tm_year -= 1900;
        tm.tm_mon -= 1;
        t = timegm(&tm) + 86400;
        gmtime_r(&t, &tm);
        strftime(next, sizeof(next), "%Y-%m-%d", &tm);
    }
    snprintf(c.what, sizeof(c.what), "%s %s %s (SQL)", code, g_nat_added[0] ? "loses" : "gains", day);
    check_url(&c, "/api/v1/search?kind=activities&from=%s&to=%s&limit=100&sort=date", day, next);
    check_url(&c, "/api/v1/activities?from=%s&to=%s&limit=10&facets=true", day, next);
    check_before(&c);
    {
        const char *p[2] = { code, day };
        if (g_nat_added[0]) {
            PQclear(sql("DELETE FROM exception_set_dates WHERE set_code = $1 AND lower(during) = $2::date", 2, p));
            g_nat_added[0] = '\0';
        } else {
            PQclear(sql("INSERT INTO exception_set_dates (set_code, during, label)"
                        " VALUES ($1, daterange($2::date, $2::date + 1), 'Verschiltoets')",
                        2, p));
            snprintf(g_nat_added, sizeof(g_nat_added), "%s", day);
        }
    }
    check_after(&c, NULL, NULL);
}

/* Our theme moves to the other top-level theme: theme=<parent> and the theme facets change. */
static void move_theme(struct it_daemon *via, bool create)
{
    struct check c = { 0 };
    char path[128], body[256];
    int to = create ? 0 : 1 - g_theme_parent;
    snprintf(c.what, sizeof(c.what), "theme %s %s %s", g_theme, create ? "created under" : "moved to",
             theme_parents[to]);
    if (!create) {
        check_url(&c, "/api/v1/search?theme=%s&organisation=%s&limit=100", theme_parents[0], g_org);
        check_url(&c, "/api/v1/search?theme=%s&organisation=%s&limit=100", theme_parents[1], g_org);
        check_url(&c, "/api/v1/search?theme=%s", g_theme);
        check_before(&c);
    } else {
        check_url(&c, "/api/v1/search?theme=%s", g_theme);
    }
    snprintf(body, sizeof(body), "{\"label_nl\":\"Verschiltoets thema\",\"parent\":\"%s\"}", theme_parents[to]);
    snprintf(path, sizeof(path), "/api/v1/themes/%s", g_theme);
    api(via, NULL, create ? 201 : 200, "PUT", path, body, 0);
    g_theme_parent = to;
    check_after(&c, via, NULL);
}

/* A generated entry (another organisation's) is edited, hidden or deleted. */
static void touch_generated(struct it_daemon *via, int round)
{
    char id[40], kind[24], org[40], tag[16], path[128], body[256], offset[16];
    const char *p[4] = { g_org, g_org2, offset, NULL };
    int k = 0, op = round % 3;
    struct check c = { 0 };
    snprintf(offset, sizeof(offset), "%d", rnd(1000));
    /* generated activities mostly start on a day their rule does not select, which a PATCH
     * (validating the whole entry) refuses: those are only hidden or deleted */
    p[3] = op == 0 ? "activity" : "";
    if (!sql_row("SELECT id, kind, organisation_id FROM entries WHERE status = 'published'"
                 " AND (sk_until IS NULL OR sk_until > now() + interval '1 day') AND organisation_id NOT IN ($1, $2)"
                 " AND updated_at < now() - interval '1 hour' AND kind <> $4 ORDER BY md5(id::text || $3) LIMIT 1",
                 4, p, id, sizeof(id), kind, sizeof(kind), org, sizeof(org), (char *)NULL))
        return;
    while (k < 3 && strcmp(k_kind[k], kind) != 0)
        k++;
    make_tag(tag);
    snprintf(c.what, sizeof(c.what), "%s generated %s %s",
             op == 0   ? "new title of"
             : op == 1 ? "hiding"
                       : "deleting",
             kind, id);
    check_url(&c, "/api/v1/search?organisation=%s&sort=updated&limit=100", org);
    check_url(&c, "/api/v1/%s?organisation=%s&limit=100", k_coll[k], org);
    check_url(&c, "/api/v1/search?q=%s", tag);
    check_before(&c);
    snprintf(path, sizeof(path), "/api/v1/%s/%s", k_coll[k], id);
    if (op == 0) {
        snprintf(body, sizeof(body), "{\"title\":\"%s %s opnieuw\"}", title_word(), tag);
        api(via, NULL, 200, "PATCH", path, body, version_of(id));
        add_word(tag);
    } else if (op == 1) {
        snprintf(path, sizeof(path), "/api/v1/moderation/%s/hide", id);
        api(via, NULL, 200, "POST", path, "{\"reason\":\"Verschiltoets: verborgen.\"}", 0);
    } else {
        api(via, NULL, 204, "DELETE", path, NULL, version_of(id));
    }
    check_after(&c, via, NULL);
}

/* Written by neither daemon: a generated vacancy's valid_until moves to yesterday through SQL. */
static void sql_expire_generated_vacancy(void)
{
    char id[40], org[40], offset[16];
    const char *p[3] = { g_org, g_org2, offset };
    struct check c = { 0 };
    snprintf(offset, sizeof(offset), "%d", rnd(1000));
    if (!sql_row("SELECT id, organisation_id FROM entries WHERE kind = 'vacancy' AND status = 'published'"
                 " AND valid_until > current_date + 1 AND organisation_id NOT IN ($1, $2)"
                 " ORDER BY md5(id::text || $3) LIMIT 1",
                 3, p, id, sizeof(id), org, sizeof(org), (char *)NULL))
        return;
    snprintf(c.what, sizeof(c.what), "valid_until of generated vacancy %s to yesterday", id);
    check_url(&c, "/api/v1/search?organisation=%s&kind=vacancy&sort=updated&limit=100", org);
    check_url(&c, "/api/v1/vacancies?organisation=%s&limit=100", org);
    check_before(&c);
    {
        const char *q[1] = { id };
        PQclear(sql("UPDATE entries SET valid_until = (now() AT TIME ZONE 'Europe/Amsterdam')::date - 1 WHERE id = $1",
                    1, q));
    }
    check_after(&c, NULL, NULL);
}

/*
 * Expiry by time: a one-off activity of organisation 2 (no check of another change
 * sees it) whose only occurrence is made, through SQL, to have begun an hour ago and
 * to end 2 seconds from now (the API takes whole minutes only). Returns the
 * moment (epoch seconds) at which it stops being visible, with no write.
 */
static double arm_expiry(struct mine *m)
{
    struct check c = { 0 };
    char until[64], secs[8];
    const char *p[2] = { m->id, secs };
    snprintf(secs, sizeof(secs), "%d", S.strict ? 2 : 8); /* B must have followed the write by then */
    snprintf(c.what, sizeof(c.what), "one-off activity %s set to end in %s s (SQL)", m->tag, secs);
    mine_checks(&c, m);
    check_before(&c);
    sql_value(until, sizeof(until),
              "UPDATE entries SET starts_at = date_trunc('second', now() AT TIME ZONE 'Europe/Amsterdam') - interval "
              "'1 hour',"
              " ends_at = date_trunc('second', now() AT TIME ZONE 'Europe/Amsterdam') + make_interval(secs => $2::int)"
              " WHERE id = $1 RETURNING extract(epoch FROM sk_until)",
              2, p);
    check_after(&c, NULL, NULL);
    return atof(until);
}

static double wall_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void finish_expiry(struct mine *m, double moment)
{
    struct check c = { 0 };
    double delay;
    snprintf(c.what, sizeof(c.what), "the end of one-off activity %s passing (no write)", m->tag);
    mine_checks(&c, m);
    while (wall_now() < moment - 0.3)
        usleep(20000);
    if (wall_now() > moment - 0.1) { /* B took that long to follow the SQL write (a wrapper) */
        fprintf(stderr, "search_diff: WARNING: %s: too slow to see it before its end\n", c.what);
        m->state = S_GONE;
        return;
    }
    check_before(&c); /* still there a moment before */
    while (wall_now() < moment + 0.02)
        usleep(10000);
    check_after(&c, NULL, &delay);
    m->state = S_GONE;
    if (st.nexpiry < 32)
        st.expiry_ms[st.nexpiry++] = delay;
}

/* One round of changes; even ops through one daemon, odd ones through the other, swapped each round. */
static void change_round(int round)
{
    struct it_daemon *via[2] = { round % 2 ? &g_b : &g_a, round % 2 ? &g_a : &g_b };
    long w0 = st.writes, c0 = st.ncross;
    double t0 = it_now_ms();
    struct mine *exp = create_mine(via[0], K_ACTIVITY, false, true);
    create_mine(via[1], K_PLACE, false, false);
    create_mine(via[0], K_ACTIVITY, true, false);
    edit_our_set(via[1], round); /* the new activity uses it */
    move_theme(via[0], false);   /* the new place and activity have the theme */
    create_mine(via[1], K_VACANCY, false, false);
    create_mine(via[0], K_CARER, false, false);
    create_mine(via[1], K_SERVICE, false, false);
    edit_title(via[1]);
    edit_areas_themes(via[0]);
    edit_schedule(via[1]);
    unhide_one(via[0]);
    hide_one(via[1]);
    delete_one(via[0]);
    expire_vacancy(via[1]);
    edit_national_set();
    touch_generated(via[0], round);
    sql_expire_generated_vacancy();
    finish_expiry(exp, arm_expiry(exp));
    fprintf(stderr, "search_diff: round %d of changes: %ld writes in %.1f s; B agreed after (ms):", round,
            st.writes - w0, (it_now_ms() - t0) / 1000);
    for (int i = (int)c0; i < st.ncross; i++)
        fprintf(stderr, " %.0f", st.cross_ms[i]);
    fprintf(stderr, "\n");
}

/* ------------------------------------------------------------------ */
/* The test                                                             */

static void cleanup(void)
{
    stop_daemon(&g_a, &g_a_up);
    stop_daemon(&g_b, &g_b_up);
    conns_free();
    free_vocabulary();
    drop_private_database();
    it_release();
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

TestSuite(search_diff, .fini = cleanup);

Test(search_diff, the_index_answers_as_the_sql_oracle)
{
    bool wrapped = getenv("SK_TEST_DAEMON_WRAPPER") && *getenv("SK_TEST_DAEMON_WRAPPER");
    double t_start = it_now_ms(), t_search = 0;
    struct query q = { 0 };
    long rounds, done = 0;
    int rc_a, rc_b;

    S.seed = (uint64_t)env_long("SK_DIFF_SEED", 20261213, 0, 0x7fffffffffffffffL);
    S.searches = env_long("SK_DIFF_SEARCHES", 1000, 1, 1000000);
    S.entries = env_long("SK_DIFF_ENTRIES", 3000, 0, 1000000);
    S.max_pages = env_long("SK_DIFF_MAX_PAGES", 20, 1, 10000);
    S.max_mismatches = env_long("SK_DIFF_MAX_MISMATCHES", 10, 1, 100000);
    S.converge_ms = env_long("SK_DIFF_CONVERGE_MS", wrapped ? 10000 : 1500, 50, 600000);
    S.keep_db = getenv("SK_DIFF_KEEP_DB") && strcmp(getenv("SK_DIFF_KEEP_DB"), "1") == 0;
    S.strict = env_long("SK_DIFF_STRICT_TIMING", wrapped ? 0 : 1, 0, 1) == 1;
    rng = S.seed;
    fprintf(stderr,
            "search_diff: seed %llu (SK_DIFF_SEED), %ld searches (SK_DIFF_SEARCHES); B must agree within %ld ms "
            "(SK_DIFF_CONVERGE_MS)%s\n",
            (unsigned long long)S.seed, S.searches, S.converge_ms,
            S.strict ? "" : "; read-your-writes misses only warned about (SK_DIFF_STRICT_TIMING=0)");

    make_private_database();
    load_vocabulary();
    it_make_org("Stichting Verschiltoets", g_org);
    it_make_key(g_org, "admin", NULL, g_key);
    it_make_org("Stichting Verschiltoets Tijdelijk", g_org2);
    it_make_key(g_org2, "admin", NULL, g_key2);
    g_orgs[g_norgs++] = strdup(g_org); /* random searches ask for ours too */
    g_orgs[g_norgs++] = strdup(g_org2);
    start_daemons();
    /* our exception set and theme (vocabulary) before the first search */
    make_tag(g_set);
    memmove(g_set + 14, g_set, 11);
    memcpy(g_set, "verschiltoets-", 14);
    snprintf(g_theme, sizeof(g_theme), "verschil-%s", g_set + 14);
    {
        char body[512], path[128], d0[16], d1[16];
        day_text(3, d0);
        day_text(5, d1);
        snprintf(body, sizeof(body),
                 "{\"label_nl\":\"Verschiltoets vrije dagen\",\"dates\":[{\"start\":\"%s\",\"end\":\"%s\","
                 "\"label\":\"Vrij\"}]}",
                 d0, d1);
        snprintf(path, sizeof(path), "/api/v1/exception-sets/%s", g_set);
        api(&g_a, NULL, 201, "PUT", path, body, 0);
        move_theme(&g_b, true);
        /* our campaign (issue 16): of every municipality, so that entries of both can be in it */
        snprintf(g_campaign, sizeof(g_campaign), "verschil-campagne-%s", g_set + 14);
        day_text(-1, d0);
        day_text(60, d1);
        snprintf(body, sizeof(body), "{\"name\":\"Verschiltoets\",\"starts_on\":\"%s\",\"ends_on\":\"%s\"}", d0, d1);
        snprintf(path, sizeof(path), "/api/v1/campaigns/%s", g_campaign);
        api(&g_a, NULL, 201, "PUT", path, body, 0);
    }
    fprintf(stderr, "search_diff: ready after %.1f s\n", (it_now_ms() - t_start) / 1000);

    /* batches of searches with rounds of changes between them */
    rounds = S.searches / 150;
    rounds = rounds < 1 ? 1 : rounds > 6 ? 6 : rounds;
    for (long b = 0; b <= rounds && g_mismatches < S.max_mismatches; b++) {
        long upto = S.searches * (b + 1) / (rounds + 1);
        double t0 = it_now_ms();
        long pages0 = st.pages;
        if (b > 0)
            change_round((int)b);
        t0 = it_now_ms();
        for (; done < upto && g_mismatches < S.max_mismatches; done++) {
            const char *lang;
            bool page_all;
            gen_search(&q, &lang, &page_all);
            st.searches++;
            st.paged += page_all;
            run_search(done + 1, q.path.s, lang, page_all);
        }
        t_search += it_now_ms() - t0;
        fprintf(stderr, "search_diff: batch %ld: searches up to %ld, %ld pages in %.1f s\n", b + 1, done,
                st.pages - pages0, (it_now_ms() - t0) / 1000);
    }
    sb_free(&q.path);

    rc_a = stop_daemon(&g_a, &g_a_up);
    rc_b = stop_daemon(&g_b, &g_b_up);
    {
        double med = 0;
        if (st.ncross > 0) {
            qsort(st.cross_ms, (size_t)st.ncross, sizeof(double), cmp_double);
            med = st.cross_ms[st.ncross / 2];
        }
        fprintf(stderr,
                "search_diff: %ld searches (%ld paged to the end), %ld pages, %ld requests: %ld pairs 200, %ld pairs "
                "400, %ld other; B cache hits %ld; %ld asked again at a minute boundary\n"
                "search_diff: %ld writes; %ld read-your-writes checks; %ld checks after writes through A and %ld after "
                "SQL writes: B agreed after median %.0f ms, at most %.0f ms",
                st.searches, st.paged, st.pages, st.requests, st.status200, st.status400, st.other, st.b_hits,
                st.minute_retries, st.writes, st.ryw_checks, st.cross_checks, st.sql_checks, med, st.cross_max);
        fprintf(stderr, "; expiry by time seen by B after (ms past the moment):");
        for (int i = 0; i < st.nexpiry; i++)
            if (st.expiry_ms[i] < 0)
                fprintf(stderr, " never");
            else
                fprintf(stderr, " %.0f", st.expiry_ms[i] + 20);
        fprintf(stderr, "\nsearch_diff: %d mismatches; searching %.1f s, whole test %.1f s\n", g_mismatches,
                t_search / 1000, (it_now_ms() - t_start) / 1000);
    }
    cr_assert_eq(g_mismatches, 0, "%d answers of B (index) differ from A (SQL); seed %llu, see above", g_mismatches,
                 (unsigned long long)S.seed);
    cr_assert_eq(rc_a, 0, "daemon A exited with %d (log %s)", rc_a, g_a.log_path);
    cr_assert_eq(rc_b, 0, "daemon B exited with %d (log %s)", rc_b, g_b.log_path);
}
