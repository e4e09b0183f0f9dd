/*
 * db.h — each worker's pool of asynchronous PostgreSQL connections.
 *
 * Every connection lives on the worker's event loop: non-blocking connect
 * (PQconnectStartParams/PQconnectPoll), one prepared-statement catalog
 * prepared on each new connection, queries sent with PQsendQueryPrepared and
 * read when the socket is readable (PQconsumeInput/PQisBusy). Nothing here
 * ever waits for the server, so a slow query never stalls other requests.
 *
 * Connection states (one function, dbc_set_state, moves between them):
 *   DOWN -> CONNECTING -> CHECKING (schema version) -> PREPARING -> IDLE <-> BUSY
 *   any state -> DOWN on error; DOWN retries with capped exponential back-off.
 *
 * A query (struct db_query) is owned by its caller, usually embedded in a
 * request context; its parameter strings are borrowed and must stay valid
 * until the completion callback has run. The pool calls the callback exactly
 * once per accepted query, unless the caller abandons it first
 * (db_query_abandon). The PGresult passed to the callback is owned by the pool
 * and cleared right after the callback returns.
 *
 * When no connection is usable and the last attempt failed, db_submit refuses
 * at once (fail fast); when all connections are busy a query waits in a
 * bounded queue for at most db_queue_timeout_ms.
 */
#ifndef SK_DB_H
#define SK_DB_H

#include <libpq-fe.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/queue.h>

#include "cfg.h"

struct event_base;
struct db_pool;
struct db_query;

/* The prepared statements; their SQL is in db_catalog.c. */
enum db_stmt {
    STMT_SCHEMA_VERSION,
    STMT_AUTH_KEY,
    STMT_ENTRY_GET,
    STMT_ENTRY_LIST,
    STMT_ENTRY_CREATE,
    STMT_ENTRY_UPDATE,
    STMT_ENTRY_DELETE,
    STMT_AREAS_LIST,
    STMT_AREA_GET,
    STMT_AREA_UPSERT,
    STMT_AREA_RETIRE,
    STMT_AREA_BOUNDARY_SET,
    STMT_VOCAB_LIST,
    STMT_VOCAB_UPSERT,
    STMT_VOCAB_RETIRE,
    STMT_ORG_LIST,
    STMT_ORG_GET,
    STMT_ORG_CREATE,
    STMT_ORG_UPDATE,
    STMT_AUDIT_LIST,
    STMT_MOD_QUEUE, /* server/h_moderation.c (sql/api/moderation.sql) */
    STMT_MOD_APPROVE,
    STMT_MOD_REJECT,
    STMT_MOD_DIFF,
    STMT_MOD_STALE,
    STMT_ENTRY_CONFIRM,
    STMT_REPORT_CREATE,
    STMT_REPORTS_LIST,
    STMT_REPORT_RESOLVE,
    STMT_STATS_COVERAGE,
    STMT_MOD_HIDE,
    STMT_MOD_UNHIDE,
    STMT_MOD_SETTINGS_GET,
    STMT_MOD_SETTINGS_PATCH,
    STMT_HK_RUN,         /* server/housekeeping.c (sql/api/housekeeping.sql) */
    STMT_REPLICA_LAG,    /* server/replica.c: how far a read replica's replay is behind */
    STMT_WEBHOOK_CREATE, /* server/h_webhooks.c (sql/api/webhooks.sql) */
    STMT_WEBHOOK_LIST,
    STMT_WEBHOOK_GET,
    STMT_WEBHOOK_DELETE,
    STMT_WEBHOOK_DELIVERIES,
    STMT_WEBHOOK_CLAIM, /* server/webhook.c: the delivery engine */
    STMT_WEBHOOK_REPORT,
    STMT_SEARCH,
    STMT_ACTIVITY_OCCURRENCES,
    STMT_WEB_SEARCH,        /* server/h_web.c: the residents' pages (sql/api/web.sql) */
    STMT_WEB_SEARCH_ANSWER, /* the search page around the index's answer */
    STMT_WEB_ENTRY,
    STMT_FEED_PAGE, /* server/h_feeds.c: open feeds (sql/api/feeds.sql) */
    STMT_FEED_ICS,
    STMT_FEED_ICS_ONE,
    STMT_FEED_GEOJSON,
    STMT_FEED_HSDS,

    /* issue 15, keys and invitations (server/h_keys.c, sql/api/keys.sql) */
    STMT_INVITATION_CREATE,
    STMT_INVITATION_LIST,
    STMT_INVITATION_REVOKE,
    STMT_INVITATION_PEEK,
    STMT_INVITATION_ACCEPT,
    STMT_SESSION_OPEN,
    STMT_SESSION_CLOSE,
    STMT_KEY_LIST,
    STMT_KEY_CREATE,
    STMT_KEY_ROTATE,
    STMT_KEY_REVOKE,

    /* issue 15, residents' responses (server/h_responses.c, sql/api/responses.sql) */
    STMT_RESPONSE_CREATE,
    STMT_RESPONSE_LIST,
    STMT_RESPONSE_UPDATE,
    STMT_RESPONSE_DELETE,
    STMT_WEB_RESPOND,
    STMT_MAIL_CLAIM, /* server/mail.c */
    STMT_MAIL_REPORT,

    /* issue 15, import and export (server/h_imports.c, sql/api/imports.sql) */
    STMT_IMPORT,

    /* issue 15, partner pages (server/h_partner.c, sql/api/partner.sql) */
    STMT_PARTNER_HOME,
    STMT_PARTNER_FORM,

    /* issue 16, demand (server/tally.c, server/h_demand.c, sql/api/demand.sql) */
    STMT_DEMAND_RECORD,
    STMT_STATS_DEMAND,
    STMT_WISH_CREATE,
    STMT_WISHES_LIST,
    STMT_WEB_WISH_PAGE,
    STMT_INITIATIVE_CREATE, /* server/h_initiatives.c, sql/api/initiatives.sql */
    STMT_INITIATIVE_LIST,
    STMT_INITIATIVE_ACCEPT,
    STMT_INITIATIVE_DECLINE,
    STMT_WEB_REFERRAL,   /* the referral list /lijst (h_web.c) */
    STMT_WEB_PAPER,      /* the wijk on paper (issue 16): h_web.c, api_web_paper in web.sql */
    STMT_CAMPAIGNS_LIST, /* campaigns (issue 16): server/h_catalog.c, sql/api/campaigns.sql */
    STMT_CAMPAIGN_GET,
    STMT_CAMPAIGN_PUT,
    STMT_CAMPAIGN_DELETE,
    STMT_CAMPAIGN_ENTRY,
    STMT_MUNICIPAL_THEMES_LIST, /* themes as a municipality names them (issue 16): municipal_themes.sql */
    STMT_MUNICIPAL_THEME_GET,
    STMT_MUNICIPAL_THEME_PUT,
    STMT_MUNICIPAL_THEME_DELETE,

    STMT_COUNT_
};

struct db_statement {
    const char *name;
    const char *sql;
    int nparams;
};
extern const struct db_statement db_statements[STMT_COUNT_];

enum db_status {
    DB_OK,
    DB_UNAVAILABLE,
    DB_TIMEOUT,
    DB_QUERY_ERROR
};

/* What went wrong, for the one log line and the problem detail. */
struct db_error {
    enum db_status status;
    char sqlstate[6];
    char message[200];
};

/* res is NULL unless err->status == DB_OK. */
typedef void (*db_done_fn)(struct db_query *q, PGresult *res, const struct db_error *err);

enum db_query_state {
    DBQ_NONE,
    DBQ_QUEUED,
    DBQ_RUNNING
};

struct db_query {
    enum db_stmt stmt;
    int nparams;
    const char *const *params; /* borrowed; NULL entries are SQL NULL */
    db_done_fn done;
    void *arg; /* the caller's, untouched by the pool */
    /* pool-private */
    enum db_query_state state;
    uint64_t queued_ms;
    struct db_conn *conn;
    TAILQ_ENTRY(db_query) link;
};

/* Create a pool of cfg->db_pool_size connections and start connecting. */
struct db_pool *db_pool_new(struct event_base *base, const struct sk_config *cfg, const char *conninfo);

/* Close every connection; pending queries get DB_UNAVAILABLE first. */
void db_pool_free(struct db_pool *pool);

/*
 * Start q (fields stmt, nparams, params, done, arg set by the caller).
 * Returns 0 when accepted (the callback will run later, never from inside
 * db_submit), or -1 with *err filled when refused at once.
 */
int db_submit(struct db_pool *pool, struct db_query *q, struct db_error *err);

/*
 * The caller no longer wants q (its request timed out). A queued query is
 * dropped; a running one has its connection closed and re-opened, because
 * libpq 15 has no non-blocking cancel. The callback will not run.
 */
void db_query_abandon(struct db_pool *pool, struct db_query *q);

/* Periodic work: expire queued queries, reconnect DOWN connections. */
void db_pool_tick(struct db_pool *pool, uint64_t now_ms);

/* Report the pool's state and its queries' waits as worker w's (metrics.h); -1 (the default): not. */
void db_pool_set_metrics(struct db_pool *pool, int w);

/* Usable connections (IDLE or BUSY); 0 means the database is unreachable. */
int db_pool_ready(const struct db_pool *pool);

/* Why the pool is not ready (the last connection error), for /ready. */
const char *db_pool_last_error(const struct db_pool *pool);

#endif
