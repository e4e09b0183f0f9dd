/*
 * test_responses.c — issue 15, item 3: residents respond to a vacancy ("Ik
 * wil helpen") and register for an activity ("Aanmelden"); places_left goes
 * down atomically and never below zero; only the organisation itself reads
 * the responses; the per-client limit; retention by housekeeping; never in
 * search, feeds or the audit log; the form on /aanbod/{id}.
 *
 * Over real HTTP to the real daemon; moderation_settings and one entry's
 * registration are set with SQL. The tests put the shared settings back at
 * the end. E-mail: a daemon of its own with smtp_url pointing at a relay in a
 * thread of the test.
 */
#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <json-c/json.h>
#include <libpq-fe.h>
#include <netinet/in.h>
#include <openssl/evp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "it.h"

#include "it_hooks.h"

TestSuite(responses, .fini = it_release);

#define PATH(buf, ...) (snprintf((buf), sizeof(buf), __VA_ARGS__), (const char *)(buf))

#define ACT_EXTRA                                                                                                      \
    "\"online\":true,\"schedule\":{\"start\":\"2027-01-05T10:00\",\"end\":\"2027-01-05T11:00\",\"rrule\":\"FREQ="      \
    "WEEKLY;BYDAY=TU\"}"

struct world {
    char tag[64];
    char mod_org[40], mod[128], adm[128];
    char org_a[40], key_a[128], org_b[40], key_b[128];
    char act[40], vac[40], free_act[40];
    char limit[16]; /* responses_per_hour before the test */
};

/* A published entry of org_a, made by the moderator; registration and places set with SQL. */
static void make_entry(struct world *w, const char *coll, const char *extra, const char *title, char *id)
{
    char body[1024], path[64];
    struct json_object *j;
    const char *p[] = { NULL };
    snprintf(body, sizeof(body), "{\"organisation_id\":\"%s\",\"title\":\"%s %s\",\"municipality\":\"GM0512\",%s}",
             w->org_a, title, w->tag, extra);
    j = it_call(201, "POST", PATH(path, "/api/v1/%s", coll), w->mod, body);
    snprintf(id, 40, "%s", it_js(j, "id"));
    p[0] = id;
    it_sql1(NULL, 0, "UPDATE entries SET status = 'published' WHERE id = $1::uuid AND status <> 'published'", 1, p);
}

static void world(struct world *w)
{
    char name[200], body[300];
    struct json_object *j;
    const char *p[1];

    snprintf(w->tag, sizeof(w->tag), "%ld%d", (long)time(NULL), (int)getpid());
    it_make_org("Gemeente Gorinchem, team Sociale Kaart (reacties)", w->mod_org);
    it_make_key(w->mod_org, "moderator", "GM0512", w->mod);
    it_make_key(w->mod_org, "admin", NULL, w->adm);
    snprintf(name, sizeof(name), "Buurthuis De Linde (reacties %s)", w->tag);
    snprintf(body, sizeof(body), "{\"name\":\"%s\",\"municipality\":\"GM0512\"}", name);
    j = it_call(201, "POST", "/api/v1/organisations", w->mod, body);
    strcpy(w->org_a, it_js(j, "id"));
    it_make_key(w->org_a, "partner", NULL, w->key_a);
    snprintf(body, sizeof(body), "{\"name\":\"Sportclub (reacties %s)\",\"municipality\":\"GM0512\"}", w->tag);
    j = it_call(201, "POST", "/api/v1/organisations", w->mod, body);
    strcpy(w->org_b, it_js(j, "id"));
    it_make_key(w->org_b, "partner", NULL, w->key_b);
    make_entry(w, "activities", ACT_EXTRA, "Samen koken", w->act);
    make_entry(w, "activities", ACT_EXTRA, "Vrije inloop", w->free_act);
    make_entry(w, "vacancies", "\"skills\":[\"koken\"]", "Kok gezocht", w->vac);
    p[0] = w->act;
    it_sql1(NULL, 0, "UPDATE entries SET registration = 'required', places_left = 5, capacity = 5 WHERE id = $1::uuid",
            1, p);
    it_sql1(w->limit, sizeof(w->limit), "SELECT responses_per_hour FROM moderation_settings", 0, NULL);
    it_sql1(NULL, 0, "UPDATE moderation_settings SET responses_per_hour = 1000", 0, NULL);
}

struct racer {
    const char *path;
    long status;
};

static void *race(void *arg)
{
    struct racer *r = arg;
    struct it_response resp;
    r->status = it_send("POST", r->path, NULL, "{\"name\":\"Anna\",\"contact\":\"anna@example.org\"}", NULL, &resp) == 0
                    ? resp.status
                    : -1;
    if (r->status != -1)
        it_response_free(&resp);
    return NULL;
}

/* Does GET path (with key) contain s anywhere in its answer? */
static bool answer_has(const char *path, const char *key, const char *s)
{
    struct it_response r;
    bool has;
    cr_assert_eq(it_get(path, key, &r), 0);
    has = r.body && strstr(r.body, s) != NULL;
    it_response_free(&r);
    return has;
}

Test(responses, end_to_end, .timeout = 120)
{
    struct world w;
    struct json_object *j;
    struct racer racers[20];
    pthread_t th[20];
    char path[160], path2[200], rid[40], secret[64], out[64], body[512], etag[16];
    const char *p[2];
    int ok = 0, full = 0;

    world(&w);

    /* validation errors name the field */
    PATH(path, "/api/v1/activities/%s/responses", w.act);
    j = it_call(422, "POST", path, NULL, "{\"contact\":\"x\",\"places\":11,\"colour\":1}");
    cr_assert(it_names_field(j, "name"));
    cr_assert(it_names_field(j, "contact"));
    cr_assert(it_names_field(j, "places"));
    cr_assert(it_names_field(j, "colour"));
    PATH(path2, "/api/v1/vacancies/%s/responses", w.vac);
    j = it_call(422, "POST", path2, NULL, "{\"name\":\"Bob\",\"contact\":\"bob@example.org\",\"places\":2}");
    cr_assert(it_names_field(j, "places"));

    /* read first, so a reply cache holds the entry: the registrations must show all the same */
    j = it_call(200, "GET", PATH(path2, "/api/v1/activities/%s", w.act), NULL, NULL);
    cr_assert_eq(json_object_get_int(it_jget(j, "places_left")), 5);
    snprintf(etag, sizeof(etag), "%d", json_object_get_int(it_jget(j, "version")));
    cr_assert(answer_has(PATH(path2, "/aanbod/%s", w.act), NULL, "Nog 5 plaatsen vrij."));

    /* 20 at once for 5 places: exactly 5 succeed, the rest hear it is full; never below zero */
    for (int i = 0; i < 20; i++) {
        racers[i].path = path;
        cr_assert_eq(pthread_create(&th[i], NULL, race, &racers[i]), 0);
    }
    for (int i = 0; i < 20; i++) {
        pthread_join(th[i], NULL);
        ok += racers[i].status == 201;
        full += racers[i].status == 409;
    }
    cr_assert_eq(ok, 5, "%d registrations succeeded, %d were full", ok, full);
    cr_assert_eq(full, 15);
    j = it_call(200, "GET", PATH(path2, "/api/v1/activities/%s", w.act), NULL, NULL);
    cr_assert_eq(json_object_get_int(it_jget(j, "places_left")), 0);
    cr_assert_eq(json_object_get_int(it_jget(j, "version")), atoi(etag) + 5, "the version must move with the places");
    cr_assert_str_eq(it_js(j, "status"), "published"); /* no moderation for a registration */
    j = it_call(409, "POST", path, NULL, "{\"name\":\"Anna\",\"contact\":\"anna@example.org\"}");
    cr_assert(strstr(it_js(j, "detail"), "Deze activiteit is vol."));

    /* no registration needed: 409; a place: 404; an unpublished vacancy: 404 */
    it_call(409, "POST", PATH(path2, "/api/v1/activities/%s/responses", w.free_act), NULL,
            "{\"name\":\"Anna\",\"contact\":\"anna@example.org\"}");
    p[0] = w.vac;
    it_sql1(NULL, 0, "UPDATE entries SET status = 'pending' WHERE id = $1::uuid", 1, p);
    it_call(404, "POST", PATH(path2, "/api/v1/vacancies/%s/responses", w.vac), NULL,
            "{\"name\":\"Anna\",\"contact\":\"anna@example.org\"}");
    it_sql1(NULL, 0, "UPDATE entries SET status = 'published' WHERE id = $1::uuid", 1, p);

    /* a vacancy: 201 with delete_after; the secret word must stay out of search, feeds and audit */
    snprintf(secret, sizeof(secret), "Geheimnaam%s", w.tag);
    snprintf(body, sizeof(body), "{\"name\":\"%s\",\"contact\":\"%s@example.org\",\"message\":\"Ik help graag.\"}",
             secret, secret);
    j = it_call(201, "POST", PATH(path2, "/api/v1/vacancies/%s/responses", w.vac), NULL, body);
    cr_assert_str_eq(it_js(j, "kind"), "volunteer");
    cr_assert_not_null(it_js(j, "delete_after"));
    snprintf(rid, sizeof(rid), "%s", it_js(j, "id"));
    cr_assert(!answer_has(PATH(path2, "/api/v1/search?q=%s", secret), NULL, secret));
    cr_assert(!answer_has("/feeds/vacancies", NULL, secret));
    cr_assert(!answer_has(PATH(path2, "/api/v1/audit?entry=%s&limit=100", w.vac), w.adm, secret));
    cr_assert(!answer_has(PATH(path2, "/api/v1/audit?entry=%s&limit=100", w.act), w.adm, "anna@example.org"));
    p[0] = secret;
    it_sql1(out, sizeof(out),
            "SELECT count(*) FROM audit_log WHERE before::text LIKE '%' || $1 || '%' OR after::text "
            "LIKE '%' || $1 || '%'",
            1, p);
    cr_assert_str_eq(out, "0");

    /* only the organisation itself reads and handles them */
    PATH(path, "/api/v1/organisations/%s/responses", w.org_a);
    j = it_call(200, "GET", path, w.key_a, NULL);
    cr_assert_eq(it_jlen(j, "items"), 6);
    cr_assert_str_eq(it_js(j, "items.0.name"), secret);
    cr_assert_str_eq(it_js(j, "items.0.entry.id"), w.vac);
    it_call(403, "GET", path, w.key_b, NULL);
    it_call(403, "GET", path, w.mod, NULL);
    it_call(403, "GET", path, w.adm, NULL);
    it_call(401, "GET", path, NULL, NULL);
    j = it_call(200, "GET", PATH(path2, "%s?entry=%s&limit=2", path, w.act), w.key_a, NULL);
    cr_assert_eq(it_jlen(j, "items"), 2);
    cr_assert_not_null(it_js(j, "next_cursor"));
    PATH(path2, "%s/%s", path, rid);
    j = it_call(200, "PATCH", path2, w.key_a, "{\"status\":\"seen\"}");
    cr_assert_str_eq(it_js(j, "status"), "seen");
    j = it_call(422, "PATCH", path2, w.key_a, "{\"status\":\"done\"}");
    cr_assert(it_names_field(j, "status"));
    it_call(403, "PATCH", path2, w.key_b, "{\"status\":\"new\"}");
    it_call(403, "DELETE", path2, w.mod, NULL);

    /* retention: past delete_after, the housekeeping step erases it */
    p[0] = rid;
    it_sql1(NULL, 0, "UPDATE entry_responses SET delete_after = now() - interval '1 minute' WHERE id = $1::uuid", 1, p);
    it_sql1(out, sizeof(out), "SELECT sk_responses_housekeeping(500)", 0, NULL);
    it_sql1(out, sizeof(out), "SELECT count(*) FROM entry_responses WHERE id = $1::uuid", 1, p);
    cr_assert_str_eq(out, "0");
    it_call(404, "DELETE", path2, w.key_a, NULL);

    /* the per-client limit: 429 */
    it_sql1(NULL, 0, "UPDATE moderation_settings SET responses_per_hour = 1", 0, NULL);
    j = it_call(429, "POST", PATH(path2, "/api/v1/vacancies/%s/responses", w.vac), NULL,
                "{\"name\":\"Anna\",\"contact\":\"anna@example.org\"}");
    it_sql1(NULL, 0, "UPDATE moderation_settings SET responses_per_hour = 1000", 0, NULL);

    /* the form on the residents' page: full activity says so; the vacancy's form, errors, thanks */
    cr_assert(answer_has(PATH(path2, "/aanbod/%s", w.act), NULL, "Deze activiteit is vol."));
    cr_assert(answer_has(PATH(path2, "/aanbod/%s", w.vac), NULL, "Ik wil helpen"));
    cr_assert(answer_has(PATH(path2, "/aanbod/%s", w.vac), NULL, "Na 90 dagen wissen wij uw gegevens."));
    {
        struct it_response r;
        const char *form[] = { "Content-Type: application/x-www-form-urlencoded", NULL };
        const char *bad = "name=&contact=anna%40example.org&message=";
        const char *good = "name=Anna&contact=anna%40example.org&message=Tot+dan";
        PATH(path2, "/aanbod/%s/reageren", w.vac);
        cr_assert_eq(it_request("POST", path2, form, bad, strlen(bad), &r), 0);
        cr_assert_eq(r.status, 422, "%ld: %s", r.status, r.body);
        cr_assert(strstr(r.body, "aria-describedby=\"reageer-name-fout\"") && strstr(r.body, "Vul uw naam in"));
        cr_assert(strstr(r.body, "value=\"anna@example.org\""));
        it_response_free(&r);
        cr_assert_eq(it_request("POST", path2, form, good, strlen(good), &r), 0);
        cr_assert_eq(r.status, 201, "%ld: %s", r.status, r.body);
        cr_assert(strstr(r.body, "Bedankt"));
        it_response_free(&r);
    }
    /* leave the shared database as found: the limit counts this client's responses of the last hour */
    p[0] = w.org_a;
    it_sql1(NULL, 0, "DELETE FROM entry_responses WHERE organisation_id = $1::uuid", 1, p);
    p[0] = w.limit;
    it_sql1(NULL, 0, "UPDATE moderation_settings SET responses_per_hour = $1::int", 1, p);
}

/* ------------------------------------------------------------------ */
/* E-mail to the organisation through an SMTP relay (smtp_url) */

/*
 * A relay on 127.0.0.1 in a thread: enough SMTP (RFC 5321) for libcurl, no
 * STARTTLS offered. It keeps each message it takes and refuses (550) any
 * recipient starting with "weiger". One connection at a time.
 */
struct relay {
    int fd, port;
    pthread_t th;
    pthread_mutex_t mu;
    char messages[4][8192];
    int nmessages, refused;
};

static void relay_say(int c, const char *s)
{
    ssize_t n = write(c, s, strlen(s));
    (void)n;
}

/* One line (CRLF stripped) from c into line; -1 when the peer is gone. */
static int relay_line(int c, char *line, size_t cap)
{
    size_t n = 0;
    char ch;
    while (read(c, &ch, 1) == 1) {
        if (ch == '\n') {
            if (n && line[n - 1] == '\r')
                n--;
            line[n] = '\0';
            return 0;
        }
        if (n + 1 < cap)
            line[n++] = ch;
    }
    return -1;
}

static void *relay_main(void *arg)
{
    struct relay *r = arg;
    int c;
    while ((c = accept(r->fd, NULL, NULL)) >= 0) {
        char line[2048], msg[8192];
        size_t len = 0;
        bool data = false;
        relay_say(c, "220 relay.test ESMTP\r\n");
        while (relay_line(c, line, sizeof(line)) == 0) {
            if (data) {
                if (strcmp(line, ".") == 0) {
                    data = false;
                    pthread_mutex_lock(&r->mu);
                    if (r->nmessages < 4)
                        snprintf(r->messages[r->nmessages++], sizeof(r->messages[0]), "%.*s", (int)len, msg);
                    pthread_mutex_unlock(&r->mu);
                    relay_say(c, "250 taken\r\n");
                } else {
                    int w = snprintf(msg + len, sizeof(msg) - len, "%s\n", line);
                    if (w > 0 && (size_t)w < sizeof(msg) - len)
                        len += (size_t)w;
                }
            } else if (strncasecmp(line, "EHLO", 4) == 0) {
                relay_say(c, "250-relay.test\r\n250 8BITMIME\r\n");
            } else if (strncasecmp(line, "RCPT TO:<weiger", 15) == 0) {
                pthread_mutex_lock(&r->mu);
                r->refused++;
                pthread_mutex_unlock(&r->mu);
                relay_say(c, "550 no such mailbox\r\n");
            } else if (strncasecmp(line, "DATA", 4) == 0) {
                len = 0;
                data = true;
                relay_say(c, "354 go on\r\n");
            } else if (strncasecmp(line, "QUIT", 4) == 0) {
                relay_say(c, "221 bye\r\n");
                break;
            } else {
                relay_say(c, "250 ok\r\n"); /* HELO, MAIL, RCPT, RSET, NOOP */
            }
        }
        close(c);
    }
    return NULL;
}

static void relay_start(struct relay *r)
{
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    socklen_t alen = sizeof(a);
    memset(r, 0, sizeof(*r));
    pthread_mutex_init(&r->mu, NULL);
    r->fd = socket(AF_INET, SOCK_STREAM, 0);
    cr_assert(r->fd >= 0 && bind(r->fd, (struct sockaddr *)&a, sizeof(a)) == 0 && listen(r->fd, 4) == 0);
    cr_assert_eq(getsockname(r->fd, (struct sockaddr *)&a, &alen), 0);
    r->port = ntohs(a.sin_port);
    cr_assert_eq(pthread_create(&r->th, NULL, relay_main, r), 0);
}

static int relay_count(struct relay *r, int *refused)
{
    int n;
    pthread_mutex_lock(&r->mu);
    n = r->nmessages;
    if (refused)
        *refused = r->refused;
    pthread_mutex_unlock(&r->mu);
    return n;
}

/* The status and body length of the e-mail queued for response rid, as "status:length". */
static void outbox_state(char *out, size_t cap, const char *rid)
{
    const char *p[] = { rid };
    it_sql1(out, cap, "SELECT status || ':' || length(body) FROM mail_outbox WHERE response_id = $1::uuid", 1, p);
}

/* The relay's daemon, stopped by the test's .fini also when an assertion ended the test. */
static struct it_daemon relay_daemon;

static void relay_daemon_stop(void)
{
    if (relay_daemon.pid > 0)
        it_daemon_stop(&relay_daemon);
    relay_daemon.pid = 0;
}

Test(responses, email_through_the_relay, .timeout = 180, .fini = relay_daemon_stop)
{
    struct world w;
    struct relay relay;
    struct it_daemon *d = &relay_daemon;
    struct json_object *j;
    char env_url[64], path[200], url[300], rid[40], rid2[40], state[64], title[128], cafe[40], subject[200];
    const char *p[2];
    int refused = 0;

    world(&w);
    relay_start(&relay);
    snprintf(env_url, sizeof(env_url), "SK_SMTP_URL=smtp://127.0.0.1:%d", relay.port);
    {
        const char *env[] = { env_url, "SK_SMTP_FROM=kaart@gorinchem.example", "SK_SMTP_RETRY_BASE_MS=100", NULL };
        cr_assert_eq(it_daemon_start(d, env), 0, "the daemon with smtp_url did not start");
    }
    p[0] = w.org_a;
    it_sql1(NULL, 0, "UPDATE organisations SET email = 'linde@buurthuis.example' WHERE id = $1::uuid", 1, p);
    /* a title with an accent: the subject goes as RFC 2047 encoded words */
    make_entry(&w, "activities", ACT_EXTRA, "Samen eten in het café", cafe);
    p[0] = cafe;
    it_sql1(NULL, 0, "UPDATE entries SET registration = 'required', places_left = 3, capacity = 3 WHERE id = $1::uuid",
            1, p);
    snprintf(title, sizeof(title), "Samen eten in het café %s", w.tag);

    /* a sign-up through the daemon that has a relay: one e-mail, then its text is erased */
    snprintf(url, sizeof(url), "%s/api/v1/activities/%s/responses", d->url, cafe);
    j = it_call(201, "POST", url, NULL, "{\"name\":\"Anna Mail\",\"contact\":\"anna.mail@example.org\",\"places\":2}");
    snprintf(rid, sizeof(rid), "%s", it_js(j, "id"));
    cr_assert(IT_WAIT_FOR(relay_count(&relay, NULL) == 1, 10000, 50), "the relay got no e-mail");
    cr_assert(IT_WAIT_FOR((outbox_state(state, sizeof(state), rid), strcmp(state, "sent:0") == 0), 5000, 50),
              "outbox: %s (sent, with the text erased, expected)", state);
    {
        const char *m = relay.messages[0], *s;
        char b64[200], plain[200];
        cr_assert(strstr(m, "To: <linde@buurthuis.example>\n"), "%s", m);
        cr_assert(strstr(m, "From: Sociale Kaart <kaart@gorinchem.example>\n"), "%s", m);
        cr_assert(strstr(m, "Auto-Submitted: auto-generated\n") && strstr(m, "Message-ID: <mail-"), "%s", m);
        cr_assert(strstr(m, "Content-Transfer-Encoding: quoted-printable"), "%s", m);
        cr_assert(strstr(m, "Naam: Anna Mail") && strstr(m, "Contact: anna.mail@example.org"), "%s", m);
        cr_assert(strstr(m, "Aantal plaatsen: 2") && strstr(m, "/partner"), "%s", m);
        /* the subject: decode the encoded words and compare */
        s = strstr(m, "Subject: ");
        cr_assert(s, "%s", m);
        subject[0] = '\0';
        for (s += 9; (s = strstr(s, "=?UTF-8?B?")) != NULL && s < strstr(m, "\n\n");) {
            const char *e = strstr(s + 10, "?=");
            int n;
            cr_assert(e && (size_t)(e - s - 10) < sizeof(b64));
            snprintf(b64, sizeof(b64), "%.*s", (int)(e - s - 10), s + 10);
            n = EVP_DecodeBlock((unsigned char *)plain, (const unsigned char *)b64, (int)strlen(b64));
            cr_assert(n >= 0);
            while (n > 0 && b64[strlen(b64) - 1] == '=' && plain[n - 1] == '\0') /* base64 padding */
                n--, b64[strlen(b64) - 1] = '\0';
            strncat(subject, plain, (size_t)n);
            s = e + 2;
        }
        snprintf(b64, sizeof(b64), "Nieuwe aanmelding: %s", title);
        cr_assert_str_eq(subject, b64, "subject in %s", m);
    }

    /* a relay that refuses the address for good: given up at once, the text erased */
    p[0] = w.org_a;
    it_sql1(NULL, 0, "UPDATE organisations SET email = 'weiger@buurthuis.example' WHERE id = $1::uuid", 1, p);
    snprintf(url, sizeof(url), "%s/api/v1/vacancies/%s/responses", d->url, w.vac);
    j = it_call(201, "POST", url, NULL, "{\"name\":\"Bea Mail\",\"contact\":\"06 12345678\"}");
    snprintf(rid2, sizeof(rid2), "%s", it_js(j, "id"));
    cr_assert(IT_WAIT_FOR((outbox_state(state, sizeof(state), rid2), strcmp(state, "failed:0") == 0), 10000, 50),
              "outbox: %s (failed, with the text erased, expected)", state);
    relay_count(&relay, &refused);
    cr_assert_eq(refused, 1, "a 5xx is not retried");
    p[0] = rid2;
    it_sql1(state, sizeof(state),
            "SELECT attempts || ':' || coalesce(last_error, '') FROM mail_outbox "
            "WHERE response_id = $1::uuid",
            1, p);
    cr_assert(strncmp(state, "1:", 2) == 0 && strstr(state, "SMTP 550"), "%s", state);

    /* the shared daemon has no relay: nothing is queued */
    j = it_call(201, "POST", PATH(path, "/api/v1/activities/%s/responses", cafe), NULL,
                "{\"name\":\"Cor\",\"contact\":\"cor@example.org\"}");
    outbox_state(state, sizeof(state), it_js(j, "id"));
    cr_assert_str_eq(state, "", "without smtp_url no e-mail is queued");

    /* the log names no address and no text */
    {
        FILE *f = fopen(d->log_path, "r");
        char line[2048];
        int mails = 0;
        cr_assert_not_null(f);
        while (fgets(line, sizeof(line), f)) {
            cr_assert(!strstr(line, "Anna") && !strstr(line, "buurthuis.example") && !strstr(line, "anna.mail"),
                      "log line with personal data: %s", line);
            mails += strstr(line, "event=\"mail\"") != NULL;
        }
        fclose(f);
        cr_assert_eq(mails, 2, "one log line per attempt");
    }
    cr_assert_eq(it_daemon_stop(d), 0);
    d->pid = 0;
    p[0] = w.org_a;
    it_sql1(NULL, 0, "DELETE FROM entry_responses WHERE organisation_id = $1::uuid", 1, p);
    it_sql1(NULL, 0, "UPDATE organisations SET email = NULL WHERE id = $1::uuid", 1, p);
    p[0] = w.limit;
    it_sql1(NULL, 0, "UPDATE moderation_settings SET responses_per_hour = $1::int", 1, p);
    shutdown(relay.fd, SHUT_RDWR);
    close(relay.fd);
    pthread_join(relay.th, NULL);
}
