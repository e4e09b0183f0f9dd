/*
 * webhooks_common.h — helpers shared by test_webhooks.c and
 * test_webhooks_ssrf.c (included by each; everything is static).
 *
 * A tiny HTTP receiver on 127.0.0.1 in a thread of the test process plays
 * the subscriber: it keeps every request (headers and body) and answers
 * 200, or the status the test sets. JSON bodies of API calls are kept in a
 * pool freed by the suites' .fini so passing tests leak nothing.
 */
#ifndef SK_WEBHOOKS_COMMON_H
#define SK_WEBHOOKS_COMMON_H

#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <json-c/json.h>
#include <netinet/in.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <poll.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "it.h"

/* Each test file uses only some of these. */
#define WT_FN static __attribute__((unused))

/* ------------------------------------------------------------------ */
/* Requests and JSON (pooled JSON, it_jget, it_jtext come from it.h) */

/* Send one request (path relative to base, NULL = the shared daemon) and assert its status. */
WT_FN struct json_object *wt_call_at(const char *base, long want, const char *method, const char *path, const char *key,
                                     const char *body, const char *const *hdrs)
{
    struct it_response r;
    struct json_object *j;
    char url[512];
    snprintf(url, sizeof(url), "%s%s", base ? base : "", path);
    cr_assert_eq(it_send(method, url, key, body, hdrs, &r), 0, "%s %s: no response", method, path);
    cr_assert_eq(r.status, want, "%s %s -> %ld (expected %ld)\n  body sent: %s\n  response: %s", method, path, r.status,
                 want, body ? body : "-", r.body);
    j = r.body_len ? it_keep(it_json(&r)) : NULL;
    it_response_free(&r);
    return j;
}

WT_FN struct json_object *wt_call(long want, const char *method, const char *path, const char *key, const char *body)
{
    return wt_call_at(NULL, want, method, path, key, body, NULL);
}

/* String at path, "" when absent or null. */
WT_FN const char *wt_s(struct json_object *o, const char *path)
{
    struct json_object *v = it_jget(o, path);
    return v && !json_object_is_type(v, json_type_null) ? json_object_get_string(v) : "";
}

/* Does the problem name field in errors[]? */
WT_FN bool wt_names_field(struct json_object *problem, const char *field)
{
    return it_names_exact_field(problem, field);
}

/* ------------------------------------------------------------------ */
/* Actors and entries */

struct wt_actors {
    char org[40], mod[128];
};

/* An organisation called name and a moderator key for it in Gorinchem. */
WT_FN void wt_actors(struct wt_actors *a, const char *name)
{
    it_make_org(name, a->org);
    it_make_key(a->org, "moderator", "GM0512", a->mod);
}

/* A place in Gorinchem for organisation org (moderators name it). */
WT_FN char *wt_place_body(char *buf, size_t cap, const char *title, const char *org)
{
    char owner[80] = "";
    if (org)
        snprintf(owner, sizeof(owner), "\"organisation_id\":\"%s\",", org);
    return it_place_body(buf, cap, title, "GM0512-lingewijk", "iedereen", owner);
}

/* POST a place; its id into id (37 bytes); returns the representation. */
WT_FN struct json_object *wt_create_place(const char *key, const char *title, const char *org, char *id)
{
    char body[2048];
    struct json_object *j = wt_call(201, "POST", "/api/v1/places", key, wt_place_body(body, sizeof(body), title, org));
    cr_assert_eq(strlen(wt_s(j, "id")), 36, "no id in %s", it_jtext(j));
    strcpy(id, wt_s(j, "id"));
    return j;
}

/* Register a webhook as key; its id into id (37 bytes). extra: more JSON members ("" or ",\"kinds\":[...]"). */
WT_FN struct json_object *wt_register(const char *key, const char *url, const char *secret, const char *extra, char *id)
{
    char body[1024];
    struct json_object *j;
    snprintf(body, sizeof(body), "{\"url\":\"%s\",\"secret\":\"%s\"%s}", url, secret, extra);
    j = wt_call(201, "POST", "/api/v1/webhooks", key, body);
    cr_assert_eq(strlen(wt_s(j, "id")), 36, "no id in %s", it_jtext(j));
    cr_assert_null(it_jget(j, "secret"), "the secret came back: %s", it_jtext(j));
    strcpy(id, wt_s(j, "id"));
    return j;
}

/* The deliveries page of webhook id (newest first). */
WT_FN struct json_object *wt_deliveries(const char *key, const char *id)
{
    char path[160];
    snprintf(path, sizeof(path), "/api/v1/webhooks/%s/deliveries?limit=100", id);
    return wt_call(200, "GET", path, key, NULL);
}

/* The newest delivery of webhook id about entry (NULL when none). */
WT_FN struct json_object *wt_delivery_for(const char *key, const char *id, const char *entry)
{
    struct json_object *items = it_jget(wt_deliveries(key, id), "items");
    for (size_t i = 0; json_object_is_type(items, json_type_array) && i < json_object_array_length(items); i++) {
        struct json_object *d = json_object_array_get_idx(items, i);
        if (strcmp(wt_s(d, "entry_id"), entry) == 0)
            return d;
    }
    return NULL;
}

/* ------------------------------------------------------------------ */
/* The receiver */

#define RX_MAX 64

struct rx_msg {
    char headers[2048];
    char body[2048];
};

struct receiver {
    int fd;
    int port;
    pthread_t thread;
    volatile int stop;
    volatile int answer; /* status to answer; 200 by default */
    pthread_mutex_t mu;
    int n;
    struct rx_msg msgs[RX_MAX];
};


/* Read one request (headers, then Content-Length bytes of body) and keep it. */
WT_FN void rx_serve(struct receiver *rx, int c)
{
    char buf[8192];
    size_t got = 0;
    char *end = NULL, *cl;
    long want = 0;
    struct timeval tv = { 3, 0 };
    char reply[128];

    setsockopt(c, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    while (got < sizeof(buf) - 1) {
        ssize_t n = recv(c, buf + got, sizeof(buf) - 1 - got, 0);
        if (n <= 0)
            return;
        got += (size_t)n;
        buf[got] = '\0';
        if (end == NULL && (end = strstr(buf, "\r\n\r\n")) != NULL) {
            *end = '\0';
            cl = strcasestr(buf, "\r\nContent-Length:");
            want = cl ? atol(cl + 17) : 0;
            *end = '\r';
        }
        if (end && (long)(got - (size_t)(end + 4 - buf)) >= want)
            break;
    }
    if (end == NULL)
        return;
    pthread_mutex_lock(&rx->mu);
    if (rx->n < RX_MAX) {
        struct rx_msg *m = &rx->msgs[rx->n++];
        snprintf(m->headers, sizeof(m->headers), "%.*s", (int)(end - buf), buf);
        snprintf(m->body, sizeof(m->body), "%.*s", (int)want, end + 4);
    }
    pthread_mutex_unlock(&rx->mu);
    snprintf(reply, sizeof(reply), "HTTP/1.1 %d X\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok", rx->answer);
    send(c, reply, strlen(reply), MSG_NOSIGNAL);
}

WT_FN void *rx_main(void *arg)
{
    struct receiver *rx = arg;
    while (!rx->stop) {
        struct pollfd p = { .fd = rx->fd, .events = POLLIN };
        if (poll(&p, 1, 50) <= 0)
            continue;
        int c = accept(rx->fd, NULL, NULL);
        if (c < 0)
            continue;
        rx_serve(rx, c);
        close(c);
    }
    return NULL;
}

/* Listen on 127.0.0.1:port (0 = any) and serve on a thread. */
WT_FN void rx_start(struct receiver *rx, int port)
{
    struct sockaddr_in a = { .sin_family = AF_INET,
                             .sin_addr.s_addr = htonl(INADDR_LOOPBACK),
                             .sin_port = htons((uint16_t)port) };
    socklen_t len = sizeof(a);
    int one = 1;

    memset(rx, 0, sizeof(*rx));
    rx->answer = 200;
    pthread_mutex_init(&rx->mu, NULL);
    rx->fd = socket(AF_INET, SOCK_STREAM, 0);
    setsockopt(rx->fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    cr_assert_eq(bind(rx->fd, (struct sockaddr *)&a, sizeof(a)), 0, "receiver cannot bind port %d", port);
    cr_assert_eq(listen(rx->fd, 16), 0);
    getsockname(rx->fd, (struct sockaddr *)&a, &len);
    rx->port = ntohs(a.sin_port);
    cr_assert_eq(pthread_create(&rx->thread, NULL, rx_main, rx), 0);
}

WT_FN void rx_stop(struct receiver *rx)
{
    rx->stop = 1;
    pthread_join(rx->thread, NULL);
    close(rx->fd);
    pthread_mutex_destroy(&rx->mu);
}

/* Value of header name in a kept request, into out; NULL if absent. */
WT_FN const char *rx_header(const struct rx_msg *m, const char *name, char *out, size_t cap)
{
    size_t nl = strlen(name);
    const char *line = strstr(m->headers, "\r\n");
    while (line) {
        line += 2;
        if (strncasecmp(line, name, nl) == 0 && line[nl] == ':') {
            const char *v = line + nl + 1;
            while (*v == ' ')
                v++;
            snprintf(out, cap, "%.*s", (int)strcspn(v, "\r"), v);
            return out;
        }
        line = strstr(line, "\r\n");
    }
    return NULL;
}

/* How many kept requests mention entry (and event, when not NULL). */
WT_FN int rx_count(struct receiver *rx, const char *entry, const char *event)
{
    int n = 0;
    pthread_mutex_lock(&rx->mu);
    for (int i = 0; i < rx->n; i++)
        if (strstr(rx->msgs[i].body, entry) && (event == NULL || strstr(rx->msgs[i].body, event)))
            n++;
    pthread_mutex_unlock(&rx->mu);
    return n;
}

/* Wait (up to ms) for a request about entry with event; copy it into out. */
WT_FN bool rx_wait(struct receiver *rx, const char *entry, const char *event, int ms, struct rx_msg *out)
{
    double until = it_now_ms() + ms;
    while (it_now_ms() < until) {
        pthread_mutex_lock(&rx->mu);
        for (int i = 0; i < rx->n; i++) {
            if (strstr(rx->msgs[i].body, entry) && strstr(rx->msgs[i].body, event)) {
                *out = rx->msgs[i];
                pthread_mutex_unlock(&rx->mu);
                return true;
            }
        }
        pthread_mutex_unlock(&rx->mu);
        usleep(20000);
    }
    return false;
}

/* Check X-SocialeKaart-Signature: t=<unix>,v1=<hex HMAC-SHA256(secret, "<t>." + body)>, t recent. */
WT_FN void wt_assert_signed(const struct rx_msg *m, const char *secret)
{
    char sig[256], hex[65];
    unsigned char mac[EVP_MAX_MD_SIZE], *msg;
    unsigned int maclen = 0;
    long long t;
    int off = 0;
    size_t blen = strlen(m->body);

    cr_assert_not_null(rx_header(m, "X-SocialeKaart-Signature", sig, sizeof(sig)), "no signature: %s", m->headers);
    cr_assert_eq(sscanf(sig, "t=%lld,v1=%n", &t, &off), 1, "signature '%s' is not t=..,v1=..", sig);
    cr_assert_gt(off, 0, "signature '%s' has no v1", sig);
    cr_assert_lt(llabs((long long)time(NULL) - t), 300, "signature time %lld is not now", t);
    msg = malloc(blen + 32);
    int plen = snprintf((char *)msg, 32, "%lld.", t);
    memcpy(msg + plen, m->body, blen);
    HMAC(EVP_sha256(), secret, (int)strlen(secret), msg, (size_t)plen + blen, mac, &maclen);
    free(msg);
    for (unsigned i = 0; i < maclen; i++)
        snprintf(hex + 2 * i, 3, "%02x", mac[i]);
    cr_assert_str_eq(sig + off, hex, "the HMAC does not verify (body %s)", m->body);
}

#endif
