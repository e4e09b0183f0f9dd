/*
 * it.h — support for integration tests: start the real daemon against the
 * test database, speak HTTP to it with libcurl, run the real CLI.
 *
 * Each test binary starts one daemon before its tests (ReportHook PRE_ALL,
 * see IT_DAEMON_HOOKS) and publishes its base URL in SK_IT_URL, which the
 * test processes Criterion spawns inherit. The database comes from the
 * environment deploy/test.sh sets up (SK_DATA_DIR or SK_DATABASE_URL).
 */
#ifndef SK_IT_H
#define SK_IT_H

#include <json-c/json.h>
#include <stddef.h>
#include <sys/types.h>

struct it_daemon {
    pid_t pid;
    int port;
    char url[64];
    char log_path[256];
};

/* Start socialekaartd (under $SK_TEST_DAEMON_WRAPPER, e.g. valgrind, when set) with extra "KEY=value" environment entries (NULL-terminated
 * list, may be NULL) and wait until /health answers. Returns 0 or -1. */
int it_daemon_start(struct it_daemon *d, const char *const *env);

/* SIGTERM and wait; returns the exit status, or -1 if it had to be killed. */
int it_daemon_stop(struct it_daemon *d);

struct it_response {
    long status;
    char *body;     /* NUL-terminated, owned; freed by it_response_free */
    size_t body_len;
    char *headers;  /* raw header block, owned */
    double seconds;
};

/*
 * Make a request. url may be a path ("/api/v1/...", joined to SK_IT_URL) or
 * absolute. headers: NULL-terminated list of "Name: value" (may be NULL).
 * body may be NULL. Returns 0 when a response arrived (any status).
 */
int it_request(const char *method, const char *url, const char *const *headers, const char *body,
               size_t body_len, struct it_response *r);

/* Shorthands with an optional Bearer key (NULL = anonymous). */
int it_get(const char *path, const char *key, struct it_response *r);
int it_send(const char *method, const char *path, const char *key, const char *json,
            const char *const *extra_headers, struct it_response *r);

void it_response_free(struct it_response *r);

/* Value of a response header (case-insensitive) copied into out; NULL if absent. */
const char *it_header(const struct it_response *r, const char *name, char *out, size_t cap);

/* The body parsed as JSON (caller puts it); NULL when it is not JSON. */
struct json_object *it_json(const struct it_response *r);

/* A string at a dotted path ("errors.0.field") in obj; NULL if absent. */
const char *it_jstr(struct json_object *obj, const char *path);

/* Run the CLI with args (NULL-terminated); its stdout (trimmed) into out. Returns exit status. */
int it_cli(char *out, size_t cap, const char *const *args);

/* Make an organisation and a key with the CLI; dies the test on failure. */
void it_make_org(const char *name, char *org_id /* 37 */);
/* municipality: NULL, one code, or a comma-separated list ("GM0512,GM0668"). */
void it_make_key(const char *org_id, const char *role, const char *municipality, char *key /* 80 */);

/* Run a shell command from the environment variable env (e.g. SK_TEST_PG_STOP). */
int it_run_env_cmd(const char *env);

/* The base URL of the shared daemon (SK_IT_URL). */
const char *it_url(void);

/* Milliseconds since an arbitrary start (monotonic). */
double it_now_ms(void);

#endif
