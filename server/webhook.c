/*
 * webhook.c — webhook delivery engine (libcurl multi on libevent, curl_loop.c) and the
 * subscriber URL rules. See webhook.h for the contract.
 *
 * Everything runs on the owning worker's event loop; nothing is shared with
 * other threads, so nothing is locked.
 */
#include "webhook.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <netinet/in.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/queue.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "curl_loop.h"
#include "db.h"
#include "log.h"
#include "metrics.h"

/* Response bytes read before the rest is dropped: the body is never used. */
#define WH_MAX_RESPONSE_BYTES 65536
/* Added to the lease so the report has time to reach the database. */
#define WH_LEASE_SLACK_MS 5000
/* A subscriber URL, as stored (0007: webhooks_url_chk). */
#define WH_URL_MAX 2000

enum wh_state {
    WHD_SENDING,
    WHD_REPORTING
};

/*
 * One claimed delivery, from the claim to the report's completion. Owned by
 * the engine (its list); url, secret and payload are copies of the claim row.
 * The report query borrows params, which point into this struct.
 */
struct wh_delivery {
    struct webhook_engine *eng; /* borrowed: the engine that owns this delivery */
    enum wh_state state;
    char id[24];
    char *url, *secret, *payload; /* owned (malloc'd copies), freed with the delivery */
    char event[32];
    CURL *easy;                 /* owned; SENDING only */
    struct curl_slist *headers; /* owned; SENDING only */
    char errbuf[CURL_ERROR_SIZE];
    size_t response_bytes;
    bool truncated; /* the response was longer than we read */
    bool blocked;   /* the open-socket check refused an address */
    char blocked_addr[INET6_ADDRSTRLEN];
    uint64_t started_ms;
    /* the report */
    struct db_query q;
    const char *params[7];
    char ok[6], code[12], base[12], max[12], attempts[12];
    char error[300];  /* what moderators read (stored): a category, never an address */
    char detail[300]; /* what the log gets: libcurl's own words */
    TAILQ_ENTRY(wh_delivery) link;
};

struct webhook_engine {
    struct event_base *base;     /* borrowed from the worker */
    struct db_pool *db;          /* borrowed from the worker */
    const struct sk_config *cfg; /* borrowed, read-only */
    struct curl_loop *transfers; /* owned: the deliveries' transfers */
    TAILQ_HEAD(, wh_delivery) deliveries;
    int ndeliveries;
    /* the claim: at most one in flight */
    struct db_query claim;
    const char *claim_params[2];
    char claim_limit[12], claim_lease[12];
    bool claiming;
    bool backlog;  /* the last claim was full: more are probably due */
    bool draining; /* the worker is stopping: claim nothing new */
    uint64_t next_poll_ms;
};

static void wh_claim(struct webhook_engine *eng);

/* ------------------------------------------------------------------ */
/* Addresses and URLs */

/* IPv4 (host order): everything but the special-purpose ranges of RFC 6890 and friends. */
static bool wh_v4_public(uint32_t a)
{
    static const struct {
        uint32_t net, mask;
    } blocked[] = {
        { 0x00000000, 0xff000000 }, /* 0.0.0.0/8 "this network" */
        { 0x0a000000, 0xff000000 }, /* 10/8 private */
        { 0x64400000, 0xffc00000 }, /* 100.64/10 CGNAT */
        { 0x7f000000, 0xff000000 }, /* 127/8 loopback */
        { 0xa9fe0000, 0xffff0000 }, /* 169.254/16 link-local */
        { 0xac100000, 0xfff00000 }, /* 172.16/12 private */
        { 0xc0000000, 0xffffff00 }, /* 192.0.0/24 IETF protocol assignments */
        { 0xc0000200, 0xffffff00 }, /* 192.0.2/24 TEST-NET-1 */
        { 0xc0586300, 0xffffff00 }, /* 192.88.99/24 6to4 relay */
        { 0xc0a80000, 0xffff0000 }, /* 192.168/16 private */
        { 0xc6120000, 0xfffe0000 }, /* 198.18/15 benchmarking */
        { 0xc6336400, 0xffffff00 }, /* 198.51.100/24 TEST-NET-2 */
        { 0xcb007100, 0xffffff00 }, /* 203.0.113/24 TEST-NET-3 */
        { 0xe0000000, 0xf0000000 }, /* 224/4 multicast */
        { 0xf0000000, 0xf0000000 }, /* 240/4 reserved, broadcast */
    };
    for (size_t i = 0; i < sizeof(blocked) / sizeof(blocked[0]); i++)
        if ((a & blocked[i].mask) == blocked[i].net)
            return false;
    return true;
}

/* Four bytes in network order (an IPv4 address inside an IPv6 one) as a host-order number. */
static uint32_t wh_v4_at(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

/* IPv6: blocks the special ranges; judges embedded IPv4 (mapped, NAT64, 6to4) as IPv4. */
static bool wh_v6_public(const unsigned char *b)
{
    static const unsigned char zero[12] = { 0 };
    static const unsigned char mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
    static const unsigned char nat64[12] = { 0, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0 };

    if (memcmp(b, zero, 12) == 0) /* ::, ::1, IPv4-compatible */
        return false;
    if (memcmp(b, mapped, 12) == 0 || memcmp(b, nat64, 12) == 0)
        return wh_v4_public(wh_v4_at(b + 12));
    if (b[0] == 0x20 && b[1] == 0x02) /* 2002::/16 6to4 */
        return wh_v4_public(wh_v4_at(b + 2));
    if (b[0] == 0x00 && b[1] == 0x64 && b[2] == 0xff && b[3] == 0x9b)
        return false; /* 64:ff9b:1::/48 local NAT64 */
    if (b[0] == 0x01 && b[1] == 0x00 && !b[2] && !b[3] && !b[4] && !b[5] && !b[6] && !b[7])
        return false; /* 100::/64 discard */
    if (b[0] == 0x20 && b[1] == 0x01 && ((b[2] == 0x0d && b[3] == 0xb8) || (b[2] == 0 && b[3] == 0)))
        return false;          /* 2001:db8::/32 documentation, 2001::/32 Teredo */
    if ((b[0] & 0xfe) == 0xfc) /* fc00::/7 unique local */
        return false;
    if (b[0] == 0xfe && (b[1] & 0xc0) == 0x80) /* fe80::/10 link-local */
        return false;
    if (b[0] == 0xfe && (b[1] & 0xc0) == 0xc0) /* fec0::/10 site-local */
        return false;
    if (b[0] == 0xff) /* ff00::/8 multicast */
        return false;
    return true;
}

bool webhook_addr_public(const struct sockaddr *sa)
{
    if (sa->sa_family == AF_INET)
        return wh_v4_public(ntohl(((const struct sockaddr_in *)sa)->sin_addr.s_addr));
    if (sa->sa_family == AF_INET6)
        return wh_v6_public(((const struct sockaddr_in6 *)sa)->sin6_addr.s6_addr);
    return false;
}

/* A last label made only of digits (or 0x…) means the host is meant as a number. */
static bool wh_numeric_host(const char *host)
{
    const char *last = strrchr(host, '.');
    last = last ? last + 1 : host;
    if (*last == '\0')
        return false;
    if (last[0] == '0' && (last[1] == 'x' || last[1] == 'X'))
        return true;
    return strspn(last, "0123456789") == strlen(last);
}

/* The host part: refuse names and literals that point inward. msg set on -1. */
static int wh_host_check(char *host, bool allow_private, char *msg, size_t msglen)
{
    size_t n;
    unsigned char buf[16];
    struct sockaddr_in sin = { .sin_family = AF_INET };
    struct sockaddr_in6 sin6 = { .sin6_family = AF_INET6 };

    for (char *p = host; *p; p++)
        *p = (char)((*p >= 'A' && *p <= 'Z') ? *p + 32 : *p);
    n = strlen(host);
    while (n > 0 && host[n - 1] == '.')
        host[--n] = '\0';
    if (n == 0) {
        snprintf(msg, msglen, "must name a host");
        return -1;
    }
    if (allow_private)
        return 0;
    if (strcmp(host, "localhost") == 0 || (n > 10 && strcmp(host + n - 10, ".localhost") == 0)) {
        snprintf(msg, msglen, "must not point at localhost; use a public https address");
        return -1;
    }
    if (host[0] == '[' && host[n - 1] == ']') {
        host[n - 1] = '\0';
        if (inet_pton(AF_INET6, host + 1, buf) != 1) {
            snprintf(msg, msglen, "has an IPv6 address that cannot be read");
            return -1;
        }
        memcpy(sin6.sin6_addr.s6_addr, buf, 16);
        if (!webhook_addr_public((struct sockaddr *)&sin6)) {
            snprintf(msg, msglen, "must not point at a loopback, private, link-local or reserved address");
            return -1;
        }
        return 0;
    }
    if (inet_pton(AF_INET, host, &sin.sin_addr) == 1) {
        if (!webhook_addr_public((struct sockaddr *)&sin)) {
            snprintf(msg, msglen, "must not point at a loopback, private, link-local or reserved address");
            return -1;
        }
        return 0;
    }
    if (wh_numeric_host(host)) {
        snprintf(msg, msglen, "has a host that is neither a domain name nor an IP address");
        return -1;
    }
    return 0;
}

int webhook_url_check(const char *url, bool allow_private, char *msg, size_t msglen)
{
    CURLU *u;
    char *scheme = NULL, *user = NULL, *password = NULL, *host = NULL;
    int rc = -1;

    if (strlen(url) > WH_URL_MAX) {
        snprintf(msg, msglen, "must be at most %d characters", WH_URL_MAX);
        return -1;
    }
    if (strpbrk(url, " \t\r\n") != NULL) {
        snprintf(msg, msglen, "must not contain spaces or line breaks");
        return -1;
    }
    u = curl_url();
    if (u == NULL) {
        snprintf(msg, msglen, "cannot be checked right now");
        return -1;
    }
    if (curl_url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK ||
        curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
        curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK) {
        snprintf(msg, msglen, "must be an absolute URL such as https://example.org/hook");
        goto out;
    }
    if (!(strcasecmp(scheme, "https") == 0 || (allow_private && strcasecmp(scheme, "http") == 0))) {
        snprintf(msg, msglen, "must start with https://");
        goto out;
    }
    if (curl_url_get(u, CURLUPART_USER, &user, 0) == CURLUE_OK ||
        curl_url_get(u, CURLUPART_PASSWORD, &password, 0) == CURLUE_OK) {
        snprintf(msg, msglen, "must not contain a user name or password; the secret signs every notice");
        goto out;
    }
    rc = wh_host_check(host, allow_private, msg, msglen);
out:
    curl_free(scheme);
    curl_free(user);
    curl_free(password);
    curl_free(host);
    curl_url_cleanup(u);
    return rc;
}

int webhook_sign(const char *secret, long long t, const char *body, size_t len, char out[WEBHOOK_SIG_HEX])
{
    static const char hex[] = "0123456789abcdef";
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int maclen = 0;
    char prefix[32];
    int plen = snprintf(prefix, sizeof(prefix), "%lld.", t);
    unsigned char *msg = malloc((size_t)plen + len);

    if (msg == NULL)
        return -1;
    memcpy(msg, prefix, (size_t)plen);
    memcpy(msg + plen, body, len);
    if (HMAC(EVP_sha256(), secret, (int)strlen(secret), msg, (size_t)plen + len, mac, &maclen) == NULL ||
        maclen != 32) {
        free(msg);
        return -1;
    }
    free(msg);
    for (unsigned i = 0; i < maclen; i++) {
        out[2 * i] = hex[mac[i] >> 4];
        out[2 * i + 1] = hex[mac[i] & 15];
    }
    out[2 * maclen] = '\0';
    return 0;
}

/* ------------------------------------------------------------------ */
/* Deliveries: lifetime */

/* The one place a delivery ends: unlinked from the engine, its transfer (if any) removed. */
static void wh_delivery_free(struct wh_delivery *d)
{
    struct webhook_engine *eng = d->eng;
    TAILQ_REMOVE(&eng->deliveries, d, link);
    eng->ndeliveries--;
    if (d->easy) {
        curl_loop_remove(eng->transfers, d->easy);
        curl_easy_cleanup(d->easy);
    }
    curl_slist_free_all(d->headers);
    free(d->url);
    free(d->secret);
    free(d->payload);
    free(d);
}

/* The report is stored (or could not be): the delivery is finished here. */
static void wh_on_reported(struct db_query *q, PGresult *res, const struct db_error *err)
{
    struct wh_delivery *d = q->arg;
    struct webhook_engine *eng = d->eng;
    (void)res;
    if (err->status != DB_OK)
        log_msg(LOG_WARN, "webhook delivery %s: cannot record the outcome (%s); it will be retried", d->id,
                err->message);
    wh_delivery_free(d);
    /* Working through a backlog: claim again once half the slots are free, not a tick later. */
    if (eng->backlog && eng->ndeliveries <= eng->cfg->webhook_concurrency / 2)
        wh_claim(eng);
}

/* One log line per attempt: the layer that decides the outcome logs it. */
static void wh_log(const struct wh_delivery *d, bool ok, long code)
{
    char line[1024], num[32];
    size_t pos = 0;

    log_kv(line, sizeof(line), &pos, "event", "webhook");
    log_kv(line, sizeof(line), &pos, "delivery", d->id);
    log_kv(line, sizeof(line), &pos, "notice", d->event);
    log_kv(line, sizeof(line), &pos, "outcome", ok ? "delivered" : "failed");
    snprintf(num, sizeof(num), "%ld", code);
    log_kv(line, sizeof(line), &pos, "status", num);
    snprintf(num, sizeof(num), "%llu", (unsigned long long)(clock_now_ms() - d->started_ms));
    log_kv(line, sizeof(line), &pos, "ms", num);
    if (!ok)
        log_kv(line, sizeof(line), &pos, "cause", d->detail[0] ? d->detail : d->error);
    log_line(ok ? LOG_INFO : LOG_WARN, line);
    metrics_webhook(0, ok ? "delivered" : "failed"); /* the sender runs on worker 0 */
}

/* Send the outcome to the database; the delivery lives until that answers. */
static void wh_report(struct wh_delivery *d, bool ok, long code)
{
    struct webhook_engine *eng = d->eng;
    const struct sk_config *cfg = eng->cfg;
    struct db_error err;

    wh_log(d, ok, code);
    if (d->easy) {
        curl_loop_remove(eng->transfers, d->easy);
        curl_easy_cleanup(d->easy);
        d->easy = NULL;
    }
    curl_slist_free_all(d->headers);
    d->headers = NULL;
    d->state = WHD_REPORTING;
    snprintf(d->ok, sizeof(d->ok), "%s", ok ? "true" : "false");
    snprintf(d->code, sizeof(d->code), "%ld", code);
    snprintf(d->base, sizeof(d->base), "%d", cfg->webhook_retry_base_ms);
    snprintf(d->max, sizeof(d->max), "%d", cfg->webhook_retry_max_ms);
    snprintf(d->attempts, sizeof(d->attempts), "%d", cfg->webhook_max_attempts);
    d->params[0] = d->id;
    d->params[1] = d->ok;
    d->params[2] = code > 0 ? d->code : NULL;
    d->params[3] = ok ? NULL : d->error;
    d->params[4] = d->base;
    d->params[5] = d->max;
    d->params[6] = d->attempts;
    d->q = (struct db_query){
        .stmt = STMT_WEBHOOK_REPORT, .nparams = 7, .params = d->params, .done = wh_on_reported, .arg = d
    };
    if (db_submit(eng->db, &d->q, &err) < 0) {
        log_msg(LOG_WARN, "webhook delivery %s: cannot record the outcome (%s); it will be retried", d->id,
                err.message);
        wh_delivery_free(d);
    }
}

/* ------------------------------------------------------------------ */
/* libcurl callbacks */

/* Read and drop the response, up to a bound. */
static size_t wh_on_body(char *ptr, size_t size, size_t n, void *arg)
{
    struct wh_delivery *d = arg;
    (void)ptr;
    d->response_bytes += size * n;
    if (d->response_bytes > WH_MAX_RESPONSE_BYTES) {
        d->truncated = true;
        return 0; /* stop reading: CURLE_WRITE_ERROR, judged by the status code */
    }
    return size * n;
}

/*
 * Every address libcurl connects to passes here, after DNS: the place where
 * a name that resolves (or re-resolves) to an inside address is refused.
 */
static curl_socket_t wh_on_open_socket(void *arg, curlsocktype purpose, struct curl_sockaddr *a)
{
    struct wh_delivery *d = arg;
    (void)purpose;
    if (!d->eng->cfg->webhooks_allow_private && !webhook_addr_public(&a->addr)) {
        const void *bytes = a->family == AF_INET6 ? (const void *)&((struct sockaddr_in6 *)&a->addr)->sin6_addr
                                                  : (const void *)&((struct sockaddr_in *)&a->addr)->sin_addr;
        d->blocked = true;
        if (inet_ntop(a->family, bytes, d->blocked_addr, sizeof(d->blocked_addr)) == NULL)
            snprintf(d->blocked_addr, sizeof(d->blocked_addr), "?");
        return CURL_SOCKET_BAD;
    }
    return socket(a->family, a->socktype | SOCK_CLOEXEC, a->protocol);
}

/* The outcome of a finished transfer: 2xx is success; anything else is retried. */
static void wh_finish_transfer(struct wh_delivery *d, CURLcode res)
{
    long code = 0;
    bool ok;

    curl_easy_getinfo(d->easy, CURLINFO_RESPONSE_CODE, &code);
    ok = (res == CURLE_OK || (res == CURLE_WRITE_ERROR && d->truncated)) && code >= 200 && code < 300;
    d->detail[0] = '\0';
    if (ok) {
        d->error[0] = '\0';
    } else if (d->blocked) {
        /* the address the host name resolved to is ours to know, not the subscriber's record */
        snprintf(d->error, sizeof(d->error),
                 "refused to connect: not a public address (the host name resolves to a private or loopback "
                 "address; set webhooks_allow_private for intranets)");
        snprintf(d->detail, sizeof(d->detail), "refused to connect to %s: not a public address", d->blocked_addr);
    } else if (res != CURLE_OK && !(res == CURLE_WRITE_ERROR && d->truncated)) {
        /* curl_easy_strerror names the kind of failure without addresses; the error buffer
         * (with the addresses tried) goes to the log only */
        snprintf(d->error, sizeof(d->error), "%s", curl_easy_strerror(res));
        snprintf(d->detail, sizeof(d->detail), "%s", d->errbuf[0] ? d->errbuf : curl_easy_strerror(res));
    } else {
        snprintf(d->error, sizeof(d->error), "the subscriber answered HTTP %ld (2xx expected)", code);
    }
    d->error[strcspn(d->error, "\n")] = '\0';
    d->detail[strcspn(d->detail, "\n")] = '\0';
    wh_report(d, ok, code);
}

/* curl_loop's done callback: the delivery whose transfer finished. */
static void wh_on_transfer_done(CURL *easy, CURLcode res, void *arg)
{
    (void)easy;
    wh_finish_transfer(arg, res);
}

/* ------------------------------------------------------------------ */
/* Starting a delivery */

/* "Name: value"; an empty value ("Name:") tells libcurl not to send its own. */
static int wh_add_header(struct wh_delivery *d, const char *name, const char *value)
{
    char line[256];
    struct curl_slist *l;
    snprintf(line, sizeof(line), "%s:%s%s", name, *value ? " " : "", value);
    l = curl_slist_append(d->headers, line);
    if (l == NULL)
        return -1;
    d->headers = l;
    return 0;
}

/* Build the signed POST and hand it to the multi handle. -1 with d->error set. */
static int wh_start(struct wh_delivery *d)
{
    const struct sk_config *cfg = d->eng->cfg;
    const char *protocols = cfg->webhooks_allow_private ? "http,https" : "https";
    char sig[WEBHOOK_SIG_HEX], value[128];
    long long t = (long long)time(NULL);

    d->started_ms = clock_now_ms();
    if (webhook_sign(d->secret, t, d->payload, strlen(d->payload), sig) < 0) {
        snprintf(d->error, sizeof(d->error), "cannot sign the notice (out of memory)");
        return -1;
    }
    snprintf(value, sizeof(value), "t=%lld,v1=%s", t, sig);
    d->easy = curl_easy_init();
    if (d->easy == NULL || wh_add_header(d, "Content-Type", "application/json") < 0 ||
        wh_add_header(d, "X-SocialeKaart-Delivery", d->id) < 0 ||
        wh_add_header(d, "X-SocialeKaart-Event", d->event) < 0 ||
        wh_add_header(d, "X-SocialeKaart-Signature", value) < 0 || wh_add_header(d, "Expect", "") < 0) {
        snprintf(d->error, sizeof(d->error), "out of memory");
        return -1;
    }
    curl_easy_setopt(d->easy, CURLOPT_URL, d->url);
    curl_easy_setopt(d->easy, CURLOPT_PROTOCOLS_STR, protocols);
    curl_easy_setopt(d->easy, CURLOPT_REDIR_PROTOCOLS_STR, protocols);
    curl_easy_setopt(d->easy, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(d->easy, CURLOPT_PROXY, ""); /* never through a proxy from the environment */
    curl_easy_setopt(d->easy, CURLOPT_POST, 1L);
    curl_easy_setopt(d->easy, CURLOPT_POSTFIELDS, d->payload);
    curl_easy_setopt(d->easy, CURLOPT_POSTFIELDSIZE, (long)strlen(d->payload));
    curl_easy_setopt(d->easy, CURLOPT_HTTPHEADER, d->headers);
    curl_easy_setopt(d->easy, CURLOPT_USERAGENT, "socialekaart-webhooks/" SK_VERSION);
    curl_easy_setopt(d->easy, CURLOPT_TIMEOUT_MS, (long)cfg->webhook_timeout_ms);
    curl_easy_setopt(d->easy, CURLOPT_CONNECTTIMEOUT_MS, (long)cfg->webhook_timeout_ms);
    curl_easy_setopt(d->easy, CURLOPT_NOSIGNAL, 1L);
    /* A transfer that times out while its name is still being resolved would make libcurl wait
     * for the resolver thread on the event loop; QUICK_EXIT lets it forget the thread instead. */
    curl_easy_setopt(d->easy, CURLOPT_QUICK_EXIT, 1L);
    curl_easy_setopt(d->easy, CURLOPT_WRITEFUNCTION, wh_on_body);
    curl_easy_setopt(d->easy, CURLOPT_WRITEDATA, d);
    curl_easy_setopt(d->easy, CURLOPT_OPENSOCKETFUNCTION, wh_on_open_socket);
    curl_easy_setopt(d->easy, CURLOPT_OPENSOCKETDATA, d);
    curl_easy_setopt(d->easy, CURLOPT_ERRORBUFFER, d->errbuf);
    if (curl_loop_add(d->eng->transfers, d->easy, d) < 0) {
        snprintf(d->error, sizeof(d->error), "cannot start the transfer");
        return -1;
    }
    return 0;
}

/* Copy one claimed row into a new delivery and start it; a failed start is reported as an attempt. */
static void wh_begin(struct webhook_engine *eng, PGresult *res, int row)
{
    struct wh_delivery *d = calloc(1, sizeof(*d));
    if (d == NULL)
        return; /* the lease runs out; it is claimed again */
    d->eng = eng;
    d->state = WHD_SENDING;
    snprintf(d->id, sizeof(d->id), "%s", PQgetvalue(res, row, 0));
    d->url = strdup(PQgetvalue(res, row, 1));
    d->secret = strdup(PQgetvalue(res, row, 2));
    d->payload = strdup(PQgetvalue(res, row, 3));
    snprintf(d->event, sizeof(d->event), "%s", PQgetvalue(res, row, 4));
    TAILQ_INSERT_TAIL(&eng->deliveries, d, link);
    eng->ndeliveries++;
    if (d->url == NULL || d->secret == NULL || d->payload == NULL) {
        wh_delivery_free(d);
        return;
    }
    if (wh_start(d) < 0)
        wh_report(d, false, 0);
}

/* The claim came back: start each row. A full batch means more may be due: poll again soon. */
static void wh_on_claimed(struct db_query *q, PGresult *res, const struct db_error *err)
{
    struct webhook_engine *eng = q->arg;
    int n;

    eng->claiming = false;
    eng->backlog = false;
    if (err->status != DB_OK) {
        log_msg(LOG_WARN, "webhooks: cannot claim deliveries: %s", err->message);
        return;
    }
    n = PQntuples(res);
    /* never more than the claim asked for; rows beyond it would wait for their lease to end */
    for (int i = 0; i < n && eng->ndeliveries < eng->cfg->webhook_concurrency; i++)
        wh_begin(eng, res, i);
    eng->backlog = n > 0 && n == atoi(eng->claim_limit);
}

/* Ask for as many due deliveries as there are free slots (one claim in flight at most). */
static void wh_claim(struct webhook_engine *eng)
{
    const struct sk_config *cfg = eng->cfg;
    struct db_error err;
    int room = cfg->webhook_concurrency - eng->ndeliveries;

    if (eng->draining || eng->claiming || room <= 0 || db_pool_ready(eng->db) == 0)
        return;
    snprintf(eng->claim_limit, sizeof(eng->claim_limit), "%d", room);
    /* The lease covers the attempt and the wait for its report. */
    snprintf(eng->claim_lease, sizeof(eng->claim_lease), "%d",
             cfg->webhook_timeout_ms + cfg->db_queue_timeout_ms + cfg->statement_timeout_ms + WH_LEASE_SLACK_MS);
    eng->claim_params[0] = eng->claim_limit;
    eng->claim_params[1] = eng->claim_lease;
    eng->claim = (struct db_query){
        .stmt = STMT_WEBHOOK_CLAIM, .nparams = 2, .params = eng->claim_params, .done = wh_on_claimed, .arg = eng
    };
    eng->claiming = true;
    if (db_submit(eng->db, &eng->claim, &err) < 0)
        eng->claiming = false;
}

void webhook_engine_tick(struct webhook_engine *eng, uint64_t now_ms, bool draining)
{
    eng->draining = draining;
    if (now_ms < eng->next_poll_ms && !eng->backlog)
        return;
    eng->next_poll_ms = now_ms + (uint64_t)eng->cfg->webhook_poll_ms;
    wh_claim(eng);
}

/* ------------------------------------------------------------------ */
/* The engine */

struct webhook_engine *webhook_engine_new(struct event_base *base, struct db_pool *db, const struct sk_config *cfg)
{
    struct webhook_engine *eng = calloc(1, sizeof(*eng));
    if (eng == NULL)
        return NULL;
    eng->base = base;
    eng->db = db;
    eng->cfg = cfg;
    TAILQ_INIT(&eng->deliveries);
    eng->transfers = curl_loop_new(base, (long)cfg->webhook_concurrency, wh_on_transfer_done);
    if (eng->transfers == NULL) {
        free(eng);
        return NULL;
    }
    return eng;
}

void webhook_engine_free(struct webhook_engine *eng)
{
    struct wh_delivery *d;

    if (eng == NULL)
        return;
    if (eng->claiming)
        db_query_abandon(eng->db, &eng->claim);
    while ((d = TAILQ_FIRST(&eng->deliveries)) != NULL) {
        if (d->state == WHD_REPORTING)
            db_query_abandon(eng->db, &d->q);
        wh_delivery_free(d);
    }
    curl_loop_free(eng->transfers);
    free(eng);
}
