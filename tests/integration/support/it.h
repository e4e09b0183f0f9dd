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
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include <unistd.h>

struct it_daemon {
    pid_t pid;
    int port;
    char url[64];
    char log_path[256];
};

/* Start socialekaartd (under $SK_TEST_DAEMON_WRAPPER, e.g. valgrind, when set) with extra "KEY=value" environment entries (NULL-terminated
 * list, may be NULL) and wait until /health answers. Returns 0 or -1. */
int it_daemon_start(struct it_daemon *d, const char *const *env);
/* The same, waiting only until the daemon answers when wait_ready is false (no database needed). */
int it_daemon_start_ex(struct it_daemon *d, const char *const *env, bool wait_ready);

/* SIGTERM and wait; returns the exit status, or -1 if it had to be killed. */
int it_daemon_stop(struct it_daemon *d);

struct it_response {
    long status;
    char *body; /* NUL-terminated, owned; freed by it_response_free */
    size_t body_len;
    char *headers; /* raw header block, owned */
    double seconds;
};

/*
 * Make a request. url may be a path ("/api/v1/...", joined to SK_IT_URL) or
 * absolute. headers: NULL-terminated list of "Name: value" (may be NULL).
 * body may be NULL. Returns 0 when a response arrived (any status).
 */
int it_request(const char *method, const char *url, const char *const *headers, const char *body, size_t body_len,
               struct it_response *r);

/* Shorthands with an optional Bearer key (NULL = anonymous). */
int it_get(const char *path, const char *key, struct it_response *r);
int it_send(const char *method, const char *path, const char *key, const char *json, const char *const *extra_headers,
            struct it_response *r);

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
/* municipality: NULL, one code, a comma-separated list ("GM0512,GM0668"), or "*" (--all-municipalities). */
void it_make_key(const char *org_id, const char *role, const char *municipality, char *key /* 80 */);

/* Run a shell command from the environment variable env (e.g. SK_TEST_PG_STOP). */
int it_run_env_cmd(const char *env);

/*
 * A connection to the test database, found as the daemon finds it (config file,
 * SK_* environment); asserts on failure. The caller PQfinish()es it.
 */
struct pg_conn;
struct pg_conn *it_db_connect(void);

/* One SQL statement with n text parameters (asserts it runs); the first value of its first row into out
 * (out may be NULL; "" when there is no row). */
void it_sql1(char *out, size_t cap, const char *sql, int n, const char *const *params);

/* The base URL of the shared daemon (SK_IT_URL). */
const char *it_url(void);

/* A port nobody listens on (bound, read and released); -1 on failure. */
int it_free_port(void);

/* Milliseconds since an arbitrary start (monotonic). */
double it_now_ms(void);

/*
 * Dates relative to the day the test runs, so no fixture expires on a fixed
 * date. it_day: today + offset days as "YYYY-MM-DD" (out: 11 bytes). The
 * date is the UTC one; keep offsets a few days from today where the
 * difference to Amsterdam's date (one or two hours around midnight) matters.
 * it_day_on: the first day on or after today + offset that is weekday wday
 * (0 = Sunday ... 6 = Saturday); returns its offset from today.
 */
void it_day(char *out, int offset);
int it_day_on(char *out, int offset, int wday);

/* The UTC offset Amsterdam uses at local time "YYYY-MM-DDTHH:MM": "+01:00" or "+02:00" (EU rule). */
const char *it_ams_offset(const char *local);

/*
 * How many times longer the daemon may take than in a plain build: 50 when
 * SK_TEST_DAEMON_WRAPPER is set (valgrind is 20-50x slower), else 1. Scale
 * deadlines with it (it_deadline_ms), never fixed sleeps.
 */
double it_time_factor(void);

/* A deadline ms milliseconds from now (scaled by it_time_factor), for it_now_ms() < deadline. */
double it_deadline_ms(double ms);

/*
 * Wait for cond: evaluate it every step_ms until it is true or timeout_ms
 * (scaled by it_time_factor) has passed. The value is cond's last value, so
 * the caller asserts it: cr_assert(IT_WAIT_FOR(x == 1, 1000, 20), "...").
 */
#define IT_WAIT_FOR(cond, timeout_ms, step_ms)                                                                         \
    __extension__({                                                                                                    \
        double it_wait_until_ = it_deadline_ms(timeout_ms);                                                            \
        bool it_wait_ok_;                                                                                              \
        while (!(it_wait_ok_ = (cond)) && it_now_ms() < it_wait_until_)                                                \
            usleep((useconds_t)(step_ms)*1000);                                                                        \
        it_wait_ok_;                                                                                                   \
    })

/*
 * False when SK_TEST_SKIP_WAITING=1: deploy/test.sh sets it for the valgrind and
 * ASan passes, where a test that mostly waits for the clock (a minute boundary)
 * proves nothing the release pass has not. Such a test starts with
 * if (!it_waiting_tests()) cr_skip_test("...").
 */
bool it_waiting_tests(void);

/* ------------------------------------------------------------------ */
/* Shared test helpers: pooled JSON, asserted requests, dotted paths.  */

/*
 * Keep j until it_release (the suites' .fini), so a passing test leaks
 * nothing under ASan. Takes ownership of j (may be NULL); returns j, still
 * valid until it_release. When the pool is full j is returned unkept.
 */
struct json_object *it_keep(struct json_object *j);

/* Put every kept JSON object; use as a TestSuite's .fini. */
void it_release(void);

/*
 * Send one request and assert it answered with status want. hdrs: extra
 * "Name: value" lines (NULL-terminated, may be NULL). Returns the body as
 * JSON, kept by it_keep (borrowed: do not put it); NULL when empty or not
 * JSON. When resp is given the response is handed over (caller frees it
 * with it_response_free), otherwise it is freed here.
 */
struct json_object *it_call_h(long want, const char *method, const char *path, const char *key, const char *body,
                              const char *const *hdrs, struct it_response *resp);

/* it_call_h without extra headers or response; the result is borrowed (kept). */
struct json_object *it_call(long want, const char *method, const char *path, const char *key, const char *body);

/* it_call with "If-Match: "<version>""; the result is borrowed (kept). */
struct json_object *it_call_if(long want, const char *method, const char *path, const char *key, const char *body,
                               int version);

/* The member at a dotted path ("schedule.exdates.0", numbers index arrays)
 * in o; NULL when absent. Borrowed from o. */
struct json_object *it_jget(struct json_object *o, const char *path);

/* The string at a dotted path, "" when absent (never NULL, so it can go into
 * cr_assert_str_eq). Borrowed from o. */
const char *it_js(struct json_object *o, const char *path);

/* Length of the array at a dotted path; 0 when absent or not an array. */
size_t it_jlen(struct json_object *o, const char *path);

/* o as plain JSON text for failure messages, "(none)" for NULL. Borrowed
 * from o (valid until o is put or changed). */
const char *it_jtext(struct json_object *o);

/* Does the array at a dotted path hold the string s? */
bool it_jcontains(struct json_object *o, const char *path, const char *s);

/* Does the problem's errors[] name field? A field matches itself and the
 * paths below it ("themes" matches "themes", "themes[1]" and "themes.x"). */
bool it_names_field(struct json_object *problem, const char *field);

/* A place body in Gorinchem (Lingewijkerweg 12, on the map) into buf: title, one
 * area code, one audience, and extra members ("" or ending in a comma) put
 * after the audiences. Returns buf. */
char *it_place_body(char *buf, size_t cap, const char *title, const char *area, const char *audience,
                    const char *extra);

/* POST body to /api/v1/<coll> as key, expecting 201 with an id, copied into id
 * (37 bytes); returns the representation (kept). */
struct json_object *it_create(const char *coll, const char *key, const char *body, char *id);

/* Does the problem's errors[] name exactly field (no path below it)? */
bool it_names_exact_field(struct json_object *problem, const char *field);

/* A tag unique to this test process ("<time>-<pid>-<n>") for names that must
 * not collide with earlier runs; written into out (cap bytes). */
void it_tag(char *out, size_t cap);

/* it_tag as one word of lowercase letters after prefix (the text search keeps it whole): each
 * digit d becomes the letter first + d, the rest is left out. */
void it_word_tag(char *out, size_t cap, const char *prefix, char first);

/* Does the "items" list of j hold an item with this id? */
bool it_has_id(struct json_object *j, const char *id);

#endif
