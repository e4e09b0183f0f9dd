/*
 * cfg.c — the one table of settings and the loaders that fill it.
 */
#include "cfg.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum cfg_type {
    CFG_INT,
    CFG_BOOL,
    CFG_STR
};

struct cfg_entry {
    const char *name;
    enum cfg_type type;
    size_t offset;
    size_t size; /* for strings: buffer size */
    const char *def;
    long min, max; /* for ints */
    const char *doc;
};

#define INT(n, d, lo, hi, doc)                                                                                         \
    {                                                                                                                  \
#n, CFG_INT, offsetof(struct sk_config, n), 0, d, lo, hi, doc                                                  \
    }
#define BOOL(n, d, doc)                                                                                                \
    {                                                                                                                  \
#n, CFG_BOOL, offsetof(struct sk_config, n), 0, d, 0, 1, doc                                                   \
    }
#define STR(n, d, doc)                                                                                                 \
    {                                                                                                                  \
#n, CFG_STR, offsetof(struct sk_config, n), sizeof(((struct sk_config *)0)->n), d, 0, 0, doc                   \
    }

static const struct cfg_entry cfg_table[] = {
    STR(listen_addr, "127.0.0.1", "address to listen on (0.0.0.0 in containers)"),
    INT(port, "8080", 1, 65535, "TCP port of the HTTP API"),
    INT(workers, "0", 0, 64, "worker threads, each with its own event loop; 0 = number of cores"),
    STR(data_dir, "./var", "directory of the embedded PostgreSQL cluster (pg/, run/, log/)"),
    STR(database_url, "", "libpq connection string or URI; empty = embedded cluster in data_dir"),
    STR(database_read_url, "",
        "libpq connection string of read replicas (several: host=a,b target_session_attrs=prefer-standby); "
        "anonymous reads and the search index use it; empty = none"),
    INT(database_read_max_lag_ms, "5000", 0, 3600000,
        "a replica further behind than this is not read from (reads go to database_url)"),
    INT(db_pool_size, "4", 1, 64, "database connections per worker"),
    INT(db_queue_max, "512", 1, 100000, "requests that may wait for a connection, per worker"),
    INT(db_queue_timeout_ms, "2000", 10, 60000, "longest wait for a free connection before 503"),
    INT(db_connect_timeout_ms, "2000", 100, 60000, "longest time one connection attempt may take"),
    INT(db_retry_max_ms, "1000", 50, 60000, "cap of the reconnect back-off"),
    INT(statement_timeout_ms, "5000", 100, 600000, "PostgreSQL statement_timeout of every connection"),
    INT(read_deadline_ms, "3000", 100, 600000, "a read (GET, HEAD) still unanswered after this gets 503"),
    INT(request_timeout_ms, "10000", 100, 600000,
        "a write (POST, PUT, PATCH, DELETE) still unanswered after this gets 503"),
    INT(http_timeout_ms, "15000", 100, 600000, "read/write timeout of client connections (slow or idle clients)"),
    INT(request_read_timeout_ms, "10000", 100, 600000,
        "a client must send a whole request within this (from connecting or its previous answer); slower senders are "
        "cut off"),
    INT(max_connections, "4096", 16, 1000000, "client connections the daemon holds at once; more are closed at once"),
    INT(max_body_bytes, "1048576", 1024, 67108864, "largest request body (413 above)"),
    INT(max_header_bytes, "16384", 1024, 1048576, "largest request header block (431 above)"),
    INT(max_uri_bytes, "4096", 256, 65536, "longest request URI (414 above)"),
    INT(max_query_params, "64", 1, 256, "most query-string parameters a request may carry"),
    INT(max_small_body_bytes, "8192", 256, 1048576,
        "largest body of the requests anyone may send without a key (reports)"),
    INT(rate_limit_rps, "100", 0, 1000000,
        "requests per second per client (an IPv4 address or an IPv6 /64); 0 = no limit"),
    INT(rate_limit_burst, "200", 1, 1000000, "requests a client may make at once before the rate applies"),
    INT(expensive_rate_limit_rps, "2", 0, 1000000,
        "per client, of the costly reads (calendars, maps, HSDS, coverage, feeds) not answered from the cache; 0 = no "
        "limit"),
    INT(expensive_rate_limit_burst, "20", 1, 1000000,
        "costly reads a client may make at once before their rate applies"),
    BOOL(trust_proxy, "false",
         "take the client address from X-Forwarded-For when the peer is a trusted proxy (behind nginx)"),
    STR(trusted_proxies, "127.0.0.1,::1",
        "addresses or prefixes of the proxies whose X-Forwarded-For is believed (with trust_proxy)"),
    STR(public_url, "",
        "the address residents and feed readers use, like https://kaart.example.nl; empty = http://localhost:<port>"),
    INT(shutdown_grace_ms, "10000", 0, 600000, "on SIGTERM, time in-flight requests get to finish"),
    INT(maintenance_ms, "100", 10, 10000, "period of each worker's maintenance timer"),
    INT(housekeeping_interval_s, "3600", 1, 86400,
        "period of the periodic database jobs (hide stale entries, extend occurrences)"),
    INT(search_cache_ttl_ms, "10000", 0, 600000,
        "how long an anonymous answer (search, lists, feeds, pages) may be reused; 0 = no cache (writes through this "
        "daemon invalidate at once)"),
    INT(search_cache_entries, "4096", 16, 1048576, "answers each worker's reply cache can hold"),
    INT(search_cache_max_mb, "8", 1, 4096, "memory bound of each worker's search cache, in MiB"),
    BOOL(search_index, "true",
         "answer anonymous searches from the index in memory (false: every search asks PostgreSQL, api_search)"),
    INT(search_index_max_lag_ms, "5000", 100, 3600000,
        "an index that has not caught up with the database for this long is reported as lagging (/ready: 503)"),
    INT(search_index_wait_ms, "2000", 0, 60000,
        "longest a write waits for the index to show it before it answers anyway (read-your-writes)"),
    STR(cors_origin, "*", "Access-Control-Allow-Origin for read requests"),
    STR(security_contact, "",
        "where to report a vulnerability (mailto: or https: URL), served as /.well-known/security.txt; empty = not "
        "served"),
    STR(log_level, "info", "debug, info, warn or error"),
    BOOL(webhooks_allow_private, "false",
         "webhooks may go to http:// and private/loopback addresses (tests, intranets)"),
    INT(webhook_timeout_ms, "5000", 100, 60000, "longest time one webhook delivery may take"),
    INT(webhook_retry_base_ms, "10000", 10, 3600000,
        "first retry delay of a failed webhook delivery; doubles each attempt"),
    INT(webhook_retry_max_ms, "3600000", 10, 86400000, "cap of the webhook retry delay"),
    INT(webhook_max_attempts, "12", 1, 100, "attempts before a webhook delivery is marked failed"),
    INT(webhook_poll_ms, "1000", 50, 60000, "how often the daemon looks for due webhook deliveries"),
    INT(webhook_concurrency, "16", 1, 256, "webhook deliveries in flight at once"),
    STR(smtp_url, "",
        "SMTP relay for e-mail to partners, like smtp://relay.example.nl:587 (STARTTLS when offered) or "
        "smtps://relay.example.nl; user:password@ before the host to log in; empty = no e-mail"),
    STR(smtp_from, "", "sender address of the e-mail to partners, like kaart@gemeente.nl (needed with smtp_url)"),
    INT(smtp_timeout_ms, "30000", 1000, 300000, "longest time sending one e-mail may take"),
    INT(smtp_retry_base_ms, "60000", 10, 3600000, "first retry delay of an e-mail the relay did not take; doubles"),
    INT(smtp_max_attempts, "10", 1, 100, "attempts before an e-mail is given up (its text is then erased)"),
    BOOL(demand_counts, "true",
         "count anonymous searches, detail views and calendar downloads (sums per day, wijk, theme and kind; nothing "
         "about who asked)"),
    INT(demand_flush_ms, "1000", 100, 600000, "how often each worker writes its counted demand to the database"),
    INT(wishes_per_hour, "5", 1, 3600, "\"Ik mis iets\" messages a client may send per hour"),
};

#define CFG_N (sizeof(cfg_table) / sizeof(cfg_table[0]))

static const struct cfg_entry *cfg_find(const char *key)
{
    for (size_t i = 0; i < CFG_N; i++)
        if (strcmp(cfg_table[i].name, key) == 0)
            return &cfg_table[i];
    return NULL;
}

/* Flags may be spelled with dashes (--listen-addr) as well as underscores. */
static void cfg_normalise_key(const char *in, size_t len, char *out, size_t outlen)
{
    size_t i;
    for (i = 0; i < len && i + 1 < outlen; i++)
        out[i] = in[i] == '-' ? '_' : (char)tolower((unsigned char)in[i]);
    out[i] = '\0';
}

static int cfg_parse_bool(const char *v, bool *out)
{
    if (!strcmp(v, "1") || !strcasecmp(v, "true") || !strcasecmp(v, "yes") || !strcasecmp(v, "on")) {
        *out = true;
        return 0;
    }
    if (!strcmp(v, "0") || !strcasecmp(v, "false") || !strcasecmp(v, "no") || !strcasecmp(v, "off")) {
        *out = false;
        return 0;
    }
    return -1;
}

int cfg_set(struct sk_config *cfg, const char *key, const char *value, char *err, size_t errlen)
{
    const struct cfg_entry *e = cfg_find(key);
    char *field;

    if (e == NULL) {
        snprintf(err, errlen, "unknown setting '%s'", key);
        return -1;
    }
    field = (char *)cfg + e->offset;
    switch (e->type) {
    case CFG_INT: {
        char *end;
        errno = 0;
        long v = strtol(value, &end, 10);
        if (errno || end == value || *end != '\0' || v < e->min || v > e->max) {
            snprintf(err, errlen, "%s must be a whole number from %ld to %ld, not '%s'", key, e->min, e->max, value);
            return -1;
        }
        *(int *)field = (int)v;
        return 0;
    }
    case CFG_BOOL:
        if (cfg_parse_bool(value, (bool *)field) < 0) {
            snprintf(err, errlen, "%s must be true or false, not '%s'", key, value);
            return -1;
        }
        return 0;
    case CFG_STR:
        if (strlen(value) >= e->size) {
            snprintf(err, errlen, "%s is longer than %zu bytes", key, e->size - 1);
            return -1;
        }
        memcpy(field, value, strlen(value) + 1);
        return 0;
    }
    return -1;
}

static void cfg_defaults(struct sk_config *cfg)
{
    char err[256];
    memset(cfg, 0, sizeof(*cfg));
    for (size_t i = 0; i < CFG_N; i++)
        (void)cfg_set(cfg, cfg_table[i].name, cfg_table[i].def, err, sizeof(err));
}

static char *cfg_trim(char *s)
{
    char *end;
    while (isspace((unsigned char)*s))
        s++;
    end = s + strlen(s);
    while (end > s && isspace((unsigned char)end[-1]))
        *--end = '\0';
    return s;
}

/* The file holds "key = value" lines; '#' starts a comment line. */
static int cfg_load_file(struct sk_config *cfg, const char *path, char *err, size_t errlen)
{
    FILE *f = fopen(path, "r");
    char line[1024], msg[256];
    int lineno = 0;

    if (f == NULL) {
        snprintf(err, errlen, "cannot open config file %s: %s", path, strerror(errno));
        return -1;
    }
    while (fgets(line, sizeof(line), f)) {
        char *s = cfg_trim(line), *eq, key[64];
        lineno++;
        if (*s == '\0' || *s == '#')
            continue;
        eq = strchr(s, '=');
        if (eq == NULL) {
            snprintf(err, errlen, "%s:%d: expected 'key = value'", path, lineno);
            fclose(f);
            return -1;
        }
        *eq = '\0';
        cfg_normalise_key(cfg_trim(s), strlen(cfg_trim(s)), key, sizeof(key));
        if (cfg_set(cfg, key, cfg_trim(eq + 1), msg, sizeof(msg)) < 0) {
            snprintf(err, errlen, "%s:%d: %s", path, lineno, msg);
            fclose(f);
            return -1;
        }
    }
    fclose(f);
    return 0;
}

static int cfg_load_env(struct sk_config *cfg, char *err, size_t errlen)
{
    char name[80], msg[256];
    for (size_t i = 0; i < CFG_N; i++) {
        const char *v;
        size_t j, n = strlen(cfg_table[i].name);
        memcpy(name, "SK_", 3);
        for (j = 0; j < n; j++)
            name[3 + j] = (char)toupper((unsigned char)cfg_table[i].name[j]);
        name[3 + j] = '\0';
        v = getenv(name);
        if (v == NULL)
            continue;
        if (cfg_set(cfg, cfg_table[i].name, v, msg, sizeof(msg)) < 0) {
            snprintf(err, errlen, "environment %s: %s", name, msg);
            return -1;
        }
    }
    return 0;
}

/* Find --config in argv before anything else is read: the file comes first. */
static const char *cfg_file_from_args(int argc, char **argv)
{
    for (int i = 1; i < argc && strncmp(argv[i], "--", 2) == 0; i++) {
        if (strncmp(argv[i], "--config=", 9) == 0)
            return argv[i] + 9;
        if (strcmp(argv[i], "--config") == 0 && i + 1 < argc)
            return argv[i + 1];
    }
    return getenv("SK_CONFIG");
}

static int cfg_load_args(struct sk_config *cfg, int argc, char **argv, int *argi, char *err, size_t errlen)
{
    int i;
    char key[64], msg[256];

    for (i = 1; i < argc && strncmp(argv[i], "--", 2) == 0; i++) {
        const char *flag = argv[i] + 2, *eq = strchr(flag, '='), *value;
        cfg_normalise_key(flag, eq ? (size_t)(eq - flag) : strlen(flag), key, sizeof(key));
        if (eq) {
            value = eq + 1;
        } else if (i + 1 < argc) {
            value = argv[++i];
        } else {
            snprintf(err, errlen, "flag --%s needs a value", key);
            return -1;
        }
        if (strcmp(key, "config") == 0)
            continue;
        if (cfg_set(cfg, key, value, msg, sizeof(msg)) < 0) {
            snprintf(err, errlen, "flag --%s: %s", key, msg);
            return -1;
        }
    }
    *argi = i;
    return 0;
}

/* security_contact is a line of security.txt: a mailto: or https: URI without spaces. */
static int cfg_check_contact(const struct sk_config *cfg, char *err, size_t errlen)
{
    const char *c = cfg->security_contact;
    if (c[0] &&
        ((strncmp(c, "mailto:", 7) != 0 && strncmp(c, "https://", 8) != 0) || strcspn(c, " \t\r\n") != strlen(c))) {
        snprintf(err, errlen, "security_contact must be a mailto: or https:// address, not '%s'", c);
        return -1;
    }
    return 0;
}

/* smtp_url is smtp:// or smtps://, and then a plain sender address is needed. */
static int cfg_check_smtp(const struct sk_config *cfg, char *err, size_t errlen)
{
    const char *u = cfg->smtp_url, *f = cfg->smtp_from;
    if (u[0] == '\0')
        return 0;
    if ((strncmp(u, "smtp://", 7) != 0 && strncmp(u, "smtps://", 8) != 0) || strcspn(u, " \t\r\n") != strlen(u)) {
        snprintf(err, errlen, "smtp_url must start with smtp:// or smtps:// (like smtp://relay.example.nl:587)");
        return -1;
    }
    if (f[0] == '\0' || strcspn(f, " \t\r\n<>,;\"") != strlen(f) || strchr(f, '@') == NULL || f[0] == '@' ||
        strchr(f, '@')[1] == '\0') {
        snprintf(err, errlen, "smtp_from must be an e-mail address like kaart@gemeente.nl when smtp_url is set");
        return -1;
    }
    return 0;
}

static void cfg_derive_mail_link(struct sk_config *cfg)
{
    cfg->mail_link[0] = '\0';
    if (cfg->smtp_url[0])
        snprintf(cfg->mail_link, sizeof(cfg->mail_link), "%s/partner", cfg->base_url);
}

/* Settings that must agree with each other or parse further; fills the derived members. */
static int cfg_derive(struct sk_config *cfg, char *err, size_t errlen)
{
    char msg[160];
    const char *u = cfg->public_url;
    size_t n = strlen(u);

    memset(&cfg->proxies, 0, sizeof(cfg->proxies));
    if (client_nets_parse(cfg->trusted_proxies, &cfg->proxies, msg, sizeof(msg)) < 0) {
        snprintf(err, errlen, "trusted_proxies %s", msg);
        return -1;
    }
    if (!cfg->trust_proxy)
        memset(&cfg->proxies, 0, sizeof(cfg->proxies));
    if (cfg_check_smtp(cfg, err, errlen) < 0)
        return -1;
    if (n == 0) {
        snprintf(cfg->base_url, sizeof(cfg->base_url), "http://localhost:%d", cfg->port);
        cfg_derive_mail_link(cfg);
        return cfg_check_contact(cfg, err, errlen);
    }
    const char *host = strncmp(u, "https://", 8) == 0 ? u + 8 : strncmp(u, "http://", 7) == 0 ? u + 7 : NULL;
    if (host == NULL || *host == '\0' || *host == ':' || u[n - 1] == '/' || n > 200 ||
        strspn(u, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~:/[]") != n ||
        strchr(host, '/') != NULL) {
        snprintf(err, errlen,
                 "public_url must be scheme://host[:port] like https://kaart.example.nl (no path, "
                 "no trailing slash), not '%s'",
                 u);
        return -1;
    }
    snprintf(cfg->base_url, sizeof(cfg->base_url), "%s", u);
    cfg_derive_mail_link(cfg);
    return cfg_check_contact(cfg, err, errlen);
}

int cfg_load(struct sk_config *cfg, int argc, char **argv, int *argi, char *err, size_t errlen)
{
    const char *file;

    cfg_defaults(cfg);
    file = cfg_file_from_args(argc, argv);
    if (file && *file) {
        if (strlen(file) >= sizeof(cfg->config_file)) {
            snprintf(err, errlen, "config file path too long");
            return -1;
        }
        strcpy(cfg->config_file, file);
        if (cfg_load_file(cfg, file, err, errlen) < 0)
            return -1;
    }
    if (cfg_load_env(cfg, err, errlen) < 0)
        return -1;
    if (cfg_load_args(cfg, argc, argv, argi, err, errlen) < 0)
        return -1;
    return cfg_derive(cfg, err, errlen);
}

int cfg_conninfo(const struct sk_config *cfg, char *out, size_t outlen)
{
    char dir[PATH_MAX];
    int n;

    if (cfg->database_url[0]) {
        n = snprintf(out, outlen, "%s", cfg->database_url);
        return n < 0 || (size_t)n >= outlen ? -1 : 0;
    }
    if (cfg->data_dir[0] == '/') {
        n = snprintf(dir, sizeof(dir), "%s", cfg->data_dir);
    } else {
        char cwd[PATH_MAX];
        if (getcwd(cwd, sizeof(cwd)) == NULL)
            return -1;
        n = snprintf(dir, sizeof(dir), "%s/%s", cwd,
                     strncmp(cfg->data_dir, "./", 2) == 0 ? cfg->data_dir + 2 : cfg->data_dir);
    }
    if (n < 0 || (size_t)n >= sizeof(dir))
        return -1;
    /* libpq conninfo values with spaces or quotes must be single-quoted. */
    n = snprintf(out, outlen, "host='%s/run' port=5432 dbname=socialekaart user=socialekaart", dir);
    return n < 0 || (size_t)n >= outlen || strchr(dir, '\'') || strchr(dir, '\\') ? -1 : 0;
}

size_t cfg_count(void)
{
    return CFG_N;
}

const char *cfg_name(size_t i)
{
    return i < CFG_N ? cfg_table[i].name : NULL;
}

void cfg_print_help(const char *progname)
{
    fprintf(stderr, "Settings (file key = value, environment SK_KEY, flag --key value):\n");
    for (size_t i = 0; i < CFG_N; i++)
        fprintf(stderr, "  %-22s default %-10s %s\n", cfg_table[i].name,
                cfg_table[i].def[0] ? cfg_table[i].def : "(empty)", cfg_table[i].doc);
    (void)progname;
}
