/*
 * it.c — integration test support (see it.h).
 */
#include "it.h"

#include "cfg.h"

#include <criterion/criterion.h>
#include <curl/curl.h>
#include <libpq-fe.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

PGconn *it_db_connect(void)
{
    struct sk_config cfg;
    char err[256], conninfo[1024];
    int argi;
    char *argv[] = { (char *)"it", NULL };
    PGconn *pg;
    cr_assert_eq(cfg_load(&cfg, 1, argv, &argi, err, sizeof(err)), 0, "config: %s", err);
    cr_assert_eq(cfg_conninfo(&cfg, conninfo, sizeof(conninfo)), 0);
    pg = PQconnectdb(conninfo);
    cr_assert_eq(PQstatus(pg), CONNECTION_OK, "connect: %s", PQerrorMessage(pg));
    return pg;
}

bool it_waiting_tests(void)
{
    const char *v = getenv("SK_TEST_SKIP_WAITING");
    return v == NULL || strcmp(v, "1") != 0;
}

void it_day(char *out, int offset)
{
    time_t t = time(NULL) + (time_t)offset * 86400;
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, 11, "%Y-%m-%d", &tm);
}

int it_day_on(char *out, int offset, int wday)
{
    time_t t = time(NULL) + (time_t)offset * 86400;
    struct tm tm;
    gmtime_r(&t, &tm);
    offset += (wday - tm.tm_wday + 7) % 7;
    it_day(out, offset);
    return offset;
}

/* Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil). */
static long it_days_from_civil(int y, int m, int d)
{
    y -= m <= 2;
    long era = (y >= 0 ? y : y - 399) / 400;
    long yoe = y - era * 400;
    long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

/* The day number of the last Sunday of month m (March or October) in year y. */
static long it_last_sunday(int y, int m)
{
    long last = it_days_from_civil(y, m, 31);
    return last - ((last + 4) % 7); /* 1970-01-01 was a Thursday (4) */
}

const char *it_ams_offset(const char *local)
{
    int y = 0, mo = 0, d = 0, h = 0, mi = 0;
    long day, start, end;
    if (sscanf(local, "%d-%d-%dT%d:%d", &y, &mo, &d, &h, &mi) < 3)
        return "?";
    day = it_days_from_civil(y, mo, d);
    start = it_last_sunday(y, 3); /* 02:00 local becomes 03:00 */
    end = it_last_sunday(y, 10);  /* 03:00 local becomes 02:00; 02:00-03:00 read as summer (RFC 5545) */
    if ((day > start || (day == start && h >= 2)) && (day < end || (day == end && h < 3)))
        return "+02:00";
    return "+01:00";
}

double it_time_factor(void)
{
    const char *w = getenv("SK_TEST_DAEMON_WRAPPER");
    return w && *w ? 50.0 : 1.0;
}

double it_deadline_ms(double ms)
{
    return it_now_ms() + ms * it_time_factor();
}

double it_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

/* Whether port is free on the loopback now (bound and closed again); -1 when not. */
static int it_try_port(int port)
{
    struct sockaddr_in a = { .sin_family = AF_INET,
                             .sin_addr.s_addr = htonl(INADDR_LOOPBACK),
                             .sin_port = htons((uint16_t)port) };
    socklen_t len = sizeof(a);
    int fd = socket(AF_INET, SOCK_STREAM, 0), got = -1;
    if (fd >= 0 && bind(fd, (struct sockaddr *)&a, sizeof(a)) == 0 && getsockname(fd, (struct sockaddr *)&a, &len) == 0)
        got = ntohs(a.sin_port);
    if (fd >= 0)
        close(fd);
    return got;
}

/*
 * A free port for a daemon. With SK_TEST_PORT_RANGE ("20000-23999", set per lane by
 * deploy/test.sh) one from that range, below the kernel's ephemeral ports, so suites
 * running side by side never pick the same port in the moment between this check and
 * the daemon's bind; else whatever the kernel hands out.
 */
int it_free_port(void)
{
    static unsigned next;
    const char *range = getenv("SK_TEST_PORT_RANGE");
    int lo, hi;
    if (range && sscanf(range, "%d-%d", &lo, &hi) == 2 && lo > 1024 && hi <= 65535 && lo < hi) {
        unsigned span = (unsigned)(hi - lo + 1);
        if (next == 0)
            next = (unsigned)getpid() * 7919u;
        for (unsigned i = 0; i < span; i++) {
            int port = it_try_port(lo + (int)(next++ % span));
            if (port > 0)
                return port;
        }
        return -1;
    }
    return it_try_port(0);
}

int it_daemon_start(struct it_daemon *d, const char *const *env)
{
    return it_daemon_start_ex(d, env, true);
}

int it_daemon_start_ex(struct it_daemon *d, const char *const *env, bool wait_ready)
{
    struct it_response r;
    double until;

    memset(d, 0, sizeof(*d));
    d->port = it_free_port();
    snprintf(d->url, sizeof(d->url), "http://127.0.0.1:%d", d->port);
    snprintf(d->log_path, sizeof(d->log_path), "%s/socialekaartd-%d.log",
             getenv("SK_TEST_LOG_DIR") ? getenv("SK_TEST_LOG_DIR") : "/tmp", d->port);
    d->pid = fork();
    if (d->pid < 0)
        return -1;
    if (d->pid == 0) {
        char port[16];
        FILE *log = freopen(d->log_path, "w", stderr);
        (void)log;
        snprintf(port, sizeof(port), "%d", d->port);
        setenv("SK_PORT", port, 1);
        setenv("SK_LISTEN_ADDR", "127.0.0.1", 1);
        setenv("SK_WORKERS", "2", 0);
        setenv("SK_RATE_LIMIT_RPS", "0", 0);
        setenv("SK_EXPENSIVE_RATE_LIMIT_RPS", "0", 0);
        for (size_t i = 0; env && env[i]; i++)
            putenv((char *)env[i]);
        if (getenv("SK_TEST_DAEMON_WRAPPER") && *getenv("SK_TEST_DAEMON_WRAPPER")) {
            /* e.g. valgrind: "exec <wrapper> <daemon>" through the shell */
            char cmd[1024];
            snprintf(cmd, sizeof(cmd), "exec %s %s", getenv("SK_TEST_DAEMON_WRAPPER"), SK_DAEMON_PATH);
            execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
        } else {
            execl(SK_DAEMON_PATH, "socialekaartd", (char *)NULL);
        }
        _exit(127);
    }
    until = it_now_ms() + 30000;
    while (it_now_ms() < until) {
        int answered = it_request("GET", d->url, NULL, NULL, 0, &r) == 0; /* any answer: alive */
        it_response_free(&r);
        if (answered)
            break;
        usleep(20000);
    }
    /* Wait for the database pool too, so tests start with a ready daemon. */
    while (wait_ready && it_now_ms() < until) {
        char ready[96];
        snprintf(ready, sizeof(ready), "%s/ready", d->url);
        int answered = it_request("GET", ready, NULL, NULL, 0, &r) == 0;
        long st = r.status;
        it_response_free(&r);
        if (answered && st == 200)
            return 0;
        usleep(20000);
    }
    if (!wait_ready && it_now_ms() < until)
        return 0;
    fprintf(stderr, "daemon did not become ready; see %s\n", d->log_path);
    /* never leave it running: it would hold the test's output open */
    kill(d->pid, SIGKILL);
    waitpid(d->pid, NULL, 0);
    d->pid = 0;
    return -1;
}

int it_daemon_stop(struct it_daemon *d)
{
    int status;
    double until = it_now_ms() + 15000;
    if (d->pid <= 0)
        return -1;
    kill(d->pid, SIGTERM);
    while (it_now_ms() < until) {
        pid_t p = waitpid(d->pid, &status, WNOHANG);
        if (p == d->pid)
            return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
        usleep(10000);
    }
    kill(d->pid, SIGKILL);
    waitpid(d->pid, &status, 0);
    return -1;
}

struct it_buf {
    char *data;
    size_t len;
};

static size_t it_collect(char *ptr, size_t size, size_t n, void *arg)
{
    struct it_buf *b = arg;
    size_t add = size * n;
    char *grown = realloc(b->data, b->len + add + 1);
    if (grown == NULL)
        return 0;
    memcpy(grown + b->len, ptr, add);
    b->len += add;
    grown[b->len] = '\0';
    b->data = grown;
    return add;
}

const char *it_url(void)
{
    const char *u = getenv("SK_IT_URL");
    return u ? u : "http://127.0.0.1:8080";
}

int it_request(const char *method, const char *url, const char *const *headers, const char *body, size_t body_len,
               struct it_response *r)
{
    CURL *c = curl_easy_init();
    struct curl_slist *hl = NULL;
    struct it_buf b = { 0 }, h = { 0 };
    size_t full_len = strlen(it_url()) + strlen(url) + 1;
    char *full = malloc(full_len);
    CURLcode rc;
    double t0 = it_now_ms();

    memset(r, 0, sizeof(*r));
    if (url[0] == '/')
        snprintf(full, full_len, "%s%s", it_url(), url);
    else
        snprintf(full, full_len, "%s", url);
    curl_easy_setopt(c, CURLOPT_URL, full);
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
    if (strcmp(method, "HEAD") == 0)
        curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
    for (size_t i = 0; headers && headers[i]; i++)
        hl = curl_slist_append(hl, headers[i]);
    hl = curl_slist_append(hl, "Expect:");
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, hl);
    if (body) {
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
        curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)body_len);
    }
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, it_collect);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &b);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, it_collect);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, &h);
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, 20000L);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    rc = curl_easy_perform(c);
    if (rc == CURLE_OK)
        curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r->status);
    curl_slist_free_all(hl);
    curl_easy_cleanup(c);
    free(full);
    r->body = b.data ? b.data : calloc(1, 1);
    r->body_len = b.len;
    r->headers = h.data ? h.data : calloc(1, 1);
    r->seconds = (it_now_ms() - t0) / 1000.0;
    return rc == CURLE_OK ? 0 : -1;
}

int it_get(const char *path, const char *key, struct it_response *r)
{
    return it_send("GET", path, key, NULL, NULL, r);
}

int it_send(const char *method, const char *path, const char *key, const char *json, const char *const *extra_headers,
            struct it_response *r)
{
    const char *hdrs[24];
    char auth[160];
    int n = 0;
    if (key) {
        snprintf(auth, sizeof(auth), "Authorization: Bearer %s", key);
        hdrs[n++] = auth;
    }
    if (json)
        hdrs[n++] = "Content-Type: application/json";
    for (size_t i = 0; extra_headers && extra_headers[i] && n < 23; i++)
        hdrs[n++] = extra_headers[i];
    hdrs[n] = NULL;
    return it_request(method, path, hdrs, json, json ? strlen(json) : 0, r);
}

void it_response_free(struct it_response *r)
{
    free(r->body);
    free(r->headers);
    r->body = r->headers = NULL;
}

const char *it_header(const struct it_response *r, const char *name, char *out, size_t cap)
{
    size_t nl = strlen(name);
    const char *line = r->headers;
    while (line && *line) {
        const char *end = strstr(line, "\r\n");
        if (strncasecmp(line, name, nl) == 0 && line[nl] == ':') {
            const char *v = line + nl + 1;
            size_t len;
            while (*v == ' ')
                v++;
            len = end ? (size_t)(end - v) : strlen(v);
            snprintf(out, cap, "%.*s", (int)len, v);
            return out;
        }
        line = end ? end + 2 : NULL;
    }
    return NULL;
}

struct json_object *it_json(const struct it_response *r)
{
    return r->body ? json_tokener_parse(r->body) : NULL;
}

const char *it_jstr(struct json_object *obj, const char *path)
{
    char part[128];
    while (obj && *path) {
        size_t n = strcspn(path, ".");
        snprintf(part, sizeof(part), "%.*s", (int)n, path);
        if (json_object_is_type(obj, json_type_array))
            obj = json_object_array_get_idx(obj, (size_t)atoi(part));
        else if (!json_object_object_get_ex(obj, part, &obj))
            return NULL;
        path += n + (path[n] == '.');
    }
    return obj ? json_object_get_string(obj) : NULL;
}

int it_cli(char *out, size_t cap, const char *const *args)
{
    int pipefd[2], status;
    pid_t pid;
    size_t got = 0;
    ssize_t n;

    if (pipe(pipefd) < 0)
        return -1;
    pid = fork();
    if (pid == 0) {
        const char *argv[32];
        int i = 0;
        argv[i++] = "socialekaart";
        for (size_t j = 0; args[j] && i < 31; j++)
            argv[i++] = args[j];
        argv[i] = NULL;
        dup2(pipefd[1], STDOUT_FILENO);
        close(pipefd[0]);
        execv(SK_CLI_PATH, (char *const *)argv);
        _exit(127);
    }
    close(pipefd[1]);
    while (cap > 1 && (n = read(pipefd[0], out + got, cap - 1 - got)) > 0)
        got += (size_t)n;
    close(pipefd[0]);
    if (cap)
        out[got] = '\0';
    while (got > 0 && (out[got - 1] == '\n' || out[got - 1] == ' '))
        out[--got] = '\0';
    waitpid(pid, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

void it_make_org(const char *name, char *org_id)
{
    const char *args[] = { "org", "create", "--name", name, NULL };
    char out[128];
    cr_assert_eq(it_cli(out, sizeof(out), args), 0, "org create failed");
    cr_assert_eq(strlen(out), 36, "org create printed '%s', not a UUID", out);
    strcpy(org_id, out);
}

void it_make_key(const char *org_id, const char *role, const char *municipality, char *key)
{
    /* "GM0512,GM0668" becomes two --municipality options. */
    char list[64];
    const char *args[16] = { "key", "create", "--org", org_id, "--role", role };
    size_t n = 6;
    char out[128];

    if (municipality && strcmp(municipality, "*") == 0) {
        args[n++] = "--all-municipalities";
    } else if (municipality) {
        snprintf(list, sizeof(list), "%s", municipality);
        for (char *save = NULL, *m = strtok_r(list, ",", &save); m && n + 3 < 16; m = strtok_r(NULL, ",", &save)) {
            args[n++] = "--municipality";
            args[n++] = m;
        }
    }
    args[n] = NULL;
    cr_assert_eq(it_cli(out, sizeof(out), args), 0, "key create failed");
    cr_assert_eq(strncmp(out, "sk_", 3), 0, "key create printed '%s'", out);
    strcpy(key, out);
}

int it_run_env_cmd(const char *env)
{
    const char *cmd = getenv(env);
    if (cmd == NULL || *cmd == '\0')
        return -1;
    return system(cmd);
}

/* ------------------------------------------------------------------ */
/* Shared test helpers (see it.h). Each test runs in its own process, so  */
/* the pool is per test; it is sized for the busiest suite (feeds).       */

#define IT_POOL_MAX 4096
static struct json_object *it_pool[IT_POOL_MAX];
static int it_pool_n;

/* Tests assert on many bodies; keeping them here frees them all at once. */
struct json_object *it_keep(struct json_object *j)
{
    if (j && it_pool_n < IT_POOL_MAX)
        it_pool[it_pool_n++] = j;
    return j;
}

/* Runs as the suite's .fini, after the test body, whether it passed or not. */
void it_release(void)
{
    while (it_pool_n > 0)
        json_object_put(it_pool[--it_pool_n]);
}

/* One place for "send, assert the status, parse": failures name the request. */
struct json_object *it_call_h(long want, const char *method, const char *path, const char *key, const char *body,
                              const char *const *hdrs, struct it_response *resp)
{
    struct it_response r;
    struct json_object *j;
    cr_assert_eq(it_send(method, path, key, body, hdrs, &r), 0, "%s %s: no response", method, path);
    cr_assert_eq(r.status, want, "%s %s%s%s%s%s%s\n  -> %ld (expected %ld)\n  response: %s", method, path,
                 hdrs && hdrs[0] ? " [" : "", hdrs && hdrs[0] ? hdrs[0] : "", hdrs && hdrs[0] ? "]" : "",
                 body ? " body: " : "", body ? body : "", r.status, want, r.body);
    j = r.body_len ? it_keep(it_json(&r)) : NULL;
    if (resp)
        *resp = r;
    else
        it_response_free(&r);
    return j;
}

/* The common case: no extra headers, response not needed. */
struct json_object *it_call(long want, const char *method, const char *path, const char *key, const char *body)
{
    return it_call_h(want, method, path, key, body, NULL, NULL);
}

/* PATCH and DELETE need the version the client saw. */
struct json_object *it_call_if(long want, const char *method, const char *path, const char *key, const char *body,
                               int version)
{
    char h[64];
    const char *hdrs[] = { h, NULL };
    snprintf(h, sizeof(h), "If-Match: \"%d\"", version);
    return it_call_h(want, method, path, key, body, hdrs, NULL);
}

/* Tests name nested members the way the API documents them ("a.b.0"). */
struct json_object *it_jget(struct json_object *o, const char *path)
{
    char part[128];
    while (o && *path) {
        size_t n = strcspn(path, ".");
        snprintf(part, sizeof(part), "%.*s", (int)n, path);
        if (json_object_is_type(o, json_type_array)) {
            if ((size_t)atoi(part) >= json_object_array_length(o))
                return NULL;
            o = json_object_array_get_idx(o, (size_t)atoi(part));
        } else if (!json_object_is_type(o, json_type_object) || !json_object_object_get_ex(o, part, &o)) {
            return NULL;
        }
        path += n + (path[n] == '.');
    }
    return o;
}

/* cr_assert_str_eq must not get NULL, so an absent string reads as "". */
const char *it_js(struct json_object *o, const char *path)
{
    const char *s = it_jstr(o, path);
    return s ? s : "";
}

/* Counting items is the commonest list assertion. */
size_t it_jlen(struct json_object *o, const char *path)
{
    struct json_object *a = it_jget(o, path);
    return json_object_is_type(a, json_type_array) ? json_object_array_length(a) : 0;
}

/* Failure messages show the JSON that did not match. */
const char *it_jtext(struct json_object *o)
{
    return o ? json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN) : "(none)";
}

/* Runs share one database, so names made by a test carry this tag. */
void it_tag(char *out, size_t cap)
{
    static int n;
    snprintf(out, cap, "%ld-%d-%d", (long)time(NULL), (int)getpid(), ++n);
}

void it_word_tag(char *out, size_t cap, const char *prefix, char first)
{
    char tag[64], w[64];
    size_t n = 0;
    it_tag(tag, sizeof(tag));
    for (const char *c = tag; *c && n < 24; c++)
        if (*c >= '0' && *c <= '9')
            w[n++] = (char)(first + (*c - '0'));
    w[n] = '\0';
    snprintf(out, cap, "%s%s", prefix, w);
}

bool it_has_id(struct json_object *j, const char *id)
{
    for (size_t i = 0; i < it_jlen(j, "items"); i++) {
        char path[32];
        snprintf(path, sizeof(path), "items.%zu.id", i);
        if (strcmp(it_js(j, path), id) == 0)
            return true;
    }
    return false;
}

/* Lists of codes (themes, areas) are checked member by member. */
bool it_jcontains(struct json_object *o, const char *path, const char *s)
{
    struct json_object *a = it_jget(o, path);
    for (size_t i = 0; json_object_is_type(a, json_type_array) && i < json_object_array_length(a); i++)
        if (strcmp(json_object_get_string(json_object_array_get_idx(a, i)), s) == 0)
            return true;
    return false;
}

char *it_place_body(char *buf, size_t cap, const char *title, const char *area, const char *audience, const char *extra)
{
    snprintf(buf, cap,
             "{\"title\":\"%s\",\"summary\":\"Ontmoetingsplek voor de hele wijk.\","
             "\"municipality\":\"GM0512\",\"areas\":[\"%s\"],\"themes\":[\"ontmoeten\"],"
             "\"audiences\":[\"%s\"],%s"
             "\"address\":{\"street\":\"Lingewijkerweg\",\"house_number\":\"12\",\"postcode\":\"4205 AB\","
             "\"city\":\"Gorinchem\"},\"location\":{\"lat\":51.8395,\"lon\":4.9655}}",
             title, area, audience, extra);
    return buf;
}

struct json_object *it_create(const char *coll, const char *key, const char *body, char *id)
{
    char path[96];
    snprintf(path, sizeof(path), "/api/v1/%s", coll);
    struct json_object *j = it_call(201, "POST", path, key, body);
    const char *got = it_js(j, "id");
    cr_assert_eq(strlen(got), 36, "create %s: no id in %s", coll, it_jtext(j));
    memcpy(id, got, 37);
    return j;
}

bool it_names_exact_field(struct json_object *problem, const char *field)
{
    struct json_object *errs = it_jget(problem, "errors");
    for (size_t i = 0; json_object_is_type(errs, json_type_array) && i < json_object_array_length(errs); i++)
        if (strcmp(it_js(json_object_array_get_idx(errs, i), "field"), field) == 0)
            return true;
    return false;
}

/* Validation tests care which field was blamed, not the exact sub-path. */
bool it_names_field(struct json_object *problem, const char *field)
{
    struct json_object *errs = it_jget(problem, "errors");
    size_t n = strlen(field);
    for (size_t i = 0; json_object_is_type(errs, json_type_array) && i < json_object_array_length(errs); i++) {
        const char *f = it_js(json_object_array_get_idx(errs, i), "field");
        if (strncmp(f, field, n) == 0 && (f[n] == '\0' || f[n] == '[' || f[n] == '.'))
            return true;
    }
    return false;
}

void it_sql1(char *out, size_t cap, const char *sql, int n, const char *const *params)
{
    PGconn *pg = it_db_connect();
    PGresult *res = PQexecParams(pg, sql, n, NULL, params, NULL, NULL, 0);
    cr_assert(PQresultStatus(res) == PGRES_TUPLES_OK || PQresultStatus(res) == PGRES_COMMAND_OK, "%s: %s", sql,
              PQerrorMessage(pg));
    if (out)
        snprintf(out, cap, "%s", PQntuples(res) > 0 ? PQgetvalue(res, 0, 0) : "");
    PQclear(res);
    PQfinish(pg);
}
