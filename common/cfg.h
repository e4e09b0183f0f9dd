/*
 * cfg.h — configuration of the daemon and the CLI.
 *
 * Every limit and setting lives in one table (cfg.c): name, type, default,
 * bounds and a one-line doc. Values come from, in rising priority: the
 * built-in default, the config file (key = value), the environment (SK_KEY)
 * and command-line flags (--key value / --key=value). After cfg_load the
 * struct is read-only and may be shared by every thread.
 *
 * Not for: anything that changes at run time.
 */
#ifndef SK_CFG_H
#define SK_CFG_H

#include <stdbool.h>
#include <stddef.h>

#include "client.h"

#define CFG_STR_MAX 512

struct sk_config {
    char config_file[CFG_STR_MAX];
    char listen_addr[64];
    int port;
    int workers;
    char data_dir[CFG_STR_MAX];
    char database_url[CFG_STR_MAX];
    char database_read_url[CFG_STR_MAX]; /* "" = no replica */
    int database_read_max_lag_ms;
    int db_pool_size;
    int db_queue_max;
    int db_queue_timeout_ms;
    int db_connect_timeout_ms;
    int db_retry_max_ms;
    int statement_timeout_ms;
    int read_deadline_ms;
    int request_timeout_ms;
    int http_timeout_ms;
    int request_read_timeout_ms;
    int max_connections;
    int max_body_bytes;
    int max_header_bytes;
    int max_uri_bytes;
    int max_query_params;
    int max_small_body_bytes;
    int rate_limit_rps;
    int rate_limit_burst;
    int expensive_rate_limit_rps;
    int expensive_rate_limit_burst;
    bool trust_proxy;
    char trusted_proxies[256];
    char public_url[256];
    char security_contact[256];
    int shutdown_grace_ms;
    int maintenance_ms;
    int housekeeping_interval_s;
    int search_cache_ttl_ms;
    int search_cache_entries;
    int search_cache_max_mb;
    bool search_index;
    int search_index_max_lag_ms;
    int search_index_wait_ms;
    char cors_origin[256];
    char log_level[16];
    bool webhooks_allow_private;
    int webhook_timeout_ms;
    int webhook_retry_base_ms;
    int webhook_retry_max_ms;
    int webhook_max_attempts;
    int webhook_poll_ms;
    int webhook_concurrency;
    char smtp_url[CFG_STR_MAX]; /* may hold a password: never logged */
    char smtp_from[256];
    int smtp_timeout_ms;
    int smtp_retry_base_ms;
    int smtp_max_attempts;
    bool demand_counts;
    int demand_flush_ms;
    int wishes_per_hour;

    /* Derived by cfg_load from the settings above (not settings themselves). */
    struct client_nets proxies; /* trusted_proxies parsed; empty unless trust_proxy */
    char base_url[256];         /* public_url, or http://localhost:<port> */
    char mail_link[272];        /* <base_url>/partner, the link in e-mail to partners; "" without smtp_url */
};

/* The link e-mail to partners carries, NULL when no e-mail is sent (no smtp_url): the SQL's switch. */
static inline const char *cfg_mail_link(const struct sk_config *cfg)
{
    return cfg->mail_link[0] ? cfg->mail_link : NULL;
}

/*
 * Fill cfg from defaults, file, environment and argv[*argi..]. Stops at the
 * first argument that is not a --flag (the CLI's sub-command) and leaves its
 * index in *argi. On error returns -1 and writes a message into err.
 */
int cfg_load(struct sk_config *cfg, int argc, char **argv, int *argi, char *err, size_t errlen);

/* Set one key from text; used by cfg_load and by tests. -1 + err on bad input. */
int cfg_set(struct sk_config *cfg, const char *key, const char *value, char *err, size_t errlen);

/*
 * The libpq connection string: database_url when set, else the embedded
 * cluster derived from data_dir alone (its socket directory <data_dir>/run).
 * Writes into out (caller's buffer). Returns -1 when it does not fit.
 */
int cfg_conninfo(const struct sk_config *cfg, char *out, size_t outlen);

/* The settings, by index (for tests that check every one is documented). */
size_t cfg_count(void);
const char *cfg_name(size_t i); /* NULL past the end */

/* Print every key with its default and doc (for --help and the sample file). */
void cfg_print_help(const char *progname);

#endif
