/*
 * mail.c — the e-mail sender (libcurl SMTP on the event loop). See mail.h.
 *
 * Runs on worker 0's loop only; nothing is shared, nothing is locked.
 */
#include "mail.h"

#include <curl/curl.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/queue.h>
#include <time.h>

#include "clock.h"
#include "curl_loop.h"
#include "db.h"
#include "log.h"

/* E-mails in flight at once: a relay is one host, a few connections are plenty. */
#define MAIL_CONCURRENCY 4
/* How often due e-mails are looked for. */
#define MAIL_POLL_MS 1000
/* Added to the lease so the report has time to reach the database. */
#define MAIL_LEASE_SLACK_MS 5000
/* Bytes of a subject's UTF-8 per encoded word: base64 of 45 bytes is 60 characters, 72 with "=?UTF-8?B?" "?=". */
#define MAIL_WORD_BYTES 45

enum mail_state {
    MAIL_SENDING,
    MAIL_REPORTING
};

/* One claimed e-mail, from the claim to the report. Owned by the sender's list. */
struct mail_job {
    struct mail_sender *ms; /* borrowed: the sender that owns this job */
    enum mail_state state;
    char id[24];
    char *recipient, *subject, *body; /* owned copies of the claim row; body holds personal data */
    CURL *easy;                       /* owned; SENDING only */
    curl_mime *mime;                  /* owned; SENDING only */
    struct curl_slist *headers;       /* owned; SENDING only */
    struct curl_slist *rcpt;          /* owned; SENDING only */
    char errbuf[CURL_ERROR_SIZE];
    uint64_t started_ms;
    /* the report */
    struct db_query q;
    const char *params[6];
    char ok[6], permanent[6], base[12], attempts[12];
    char error[300]; /* stored and logged: libcurl's category and the relay's code, never an address */
    TAILQ_ENTRY(mail_job) link;
};

struct mail_sender {
    struct db_pool *db;          /* borrowed from the worker */
    const struct sk_config *cfg; /* borrowed, read-only */
    struct curl_loop *transfers; /* owned */
    TAILQ_HEAD(, mail_job) jobs;
    int njobs;
    struct db_query claim;
    const char *claim_params[2];
    char claim_limit[12], claim_lease[12];
    bool claiming;
    bool backlog; /* the last claim was full: more are probably due */
    bool draining;
    uint64_t next_poll_ms;
    char domain[128]; /* of smtp_from: the Message-ID's right-hand side */
};

static void mail_claim(struct mail_sender *ms);

/* ------------------------------------------------------------------ */
/* Headers */

static bool mail_plain_ascii(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s < 0x20 || (unsigned char)*s > 0x7e)
            return false;
    return true;
}

int mail_subject_header(const char *text, char *out, size_t cap)
{
    size_t n = strlen(text), pos = 0, at = 0;

    if (n <= 70 && mail_plain_ascii(text) && strstr(text, "=?") == NULL) {
        if (n + 1 > cap)
            return -1;
        memcpy(out, text, n + 1);
        return 0;
    }
    if (cap == 0)
        return -1;
    out[0] = '\0';
    while (at < n) {
        size_t take = n - at < MAIL_WORD_BYTES ? n - at : MAIL_WORD_BYTES;
        unsigned char b64[4 * ((MAIL_WORD_BYTES + 2) / 3) + 1];
        int w;
        /* back off to the start of a character: never split a UTF-8 sequence over two words */
        while (at + take < n && take > 0 && ((unsigned char)text[at + take] & 0xC0) == 0x80)
            take--;
        if (take == 0)
            return -1; /* not UTF-8 */
        EVP_EncodeBlock(b64, (const unsigned char *)text + at, (int)take);
        w = snprintf(out + pos, cap - pos, "%s=?UTF-8?B?%s?=", pos ? "\r\n " : "", (const char *)b64);
        if (w < 0 || (size_t)w >= cap - pos)
            return -1;
        pos += (size_t)w;
        at += take;
    }
    return 0;
}

/* A copy of text with every line ending CRLF: the quoted-printable encoder keeps those as line breaks
 * (a bare LF it would encode as =0A). malloc'd; NULL when out of memory. */
static char *mail_crlf(const char *text)
{
    size_t n = 0, lf = 0;
    char *out, *o;
    for (const char *p = text; *p; p++, n++)
        lf += *p == '\n';
    if ((o = out = malloc(n + lf + 1)) == NULL)
        return NULL;
    for (const char *p = text; *p; p++) {
        if (*p == '\n' && (p == text || p[-1] != '\r'))
            *o++ = '\r';
        *o++ = *p;
    }
    *o = '\0';
    return out;
}

/* "Name: value" onto the job's header list. */
static int mail_add_header(struct mail_job *j, const char *name, const char *value)
{
    char line[1024];
    struct curl_slist *l;
    if (snprintf(line, sizeof(line), "%s: %s", name, value) >= (int)sizeof(line))
        return -1;
    if ((l = curl_slist_append(j->headers, line)) == NULL)
        return -1;
    j->headers = l;
    return 0;
}

/* An address is put between <> and into a header: one word with an @, nothing that could end either. */
static bool mail_address_ok(const char *a)
{
    const char *at = strchr(a, '@');
    return at && at != a && at[1] && strlen(a) <= 254 && strcspn(a, " \t\r\n<>,;\"()") == strlen(a);
}

/* ------------------------------------------------------------------ */
/* Jobs: lifetime and outcome */

static void mail_job_free(struct mail_job *j)
{
    struct mail_sender *ms = j->ms;
    TAILQ_REMOVE(&ms->jobs, j, link);
    ms->njobs--;
    if (j->easy) {
        curl_loop_remove(ms->transfers, j->easy);
        curl_easy_cleanup(j->easy);
    }
    curl_mime_free(j->mime);
    curl_slist_free_all(j->headers);
    curl_slist_free_all(j->rcpt);
    free(j->recipient);
    free(j->subject);
    free(j->body);
    free(j);
}

static void mail_on_reported(struct db_query *q, PGresult *res, const struct db_error *err)
{
    struct mail_job *j = q->arg;
    struct mail_sender *ms = j->ms;
    (void)res;
    if (err->status != DB_OK)
        log_msg(LOG_WARN, "e-mail %s: cannot record the outcome (%s); it will be sent again", j->id, err->message);
    mail_job_free(j);
    if (ms->backlog && ms->njobs <= MAIL_CONCURRENCY / 2)
        mail_claim(ms);
}

/* Log the attempt (no address, no text) and send its outcome to the database. */
static void mail_report(struct mail_job *j, bool ok, bool permanent, long code)
{
    struct mail_sender *ms = j->ms;
    struct db_error err;
    char line[600], num[32];
    size_t pos = 0;

    log_kv(line, sizeof(line), &pos, "event", "mail");
    log_kv(line, sizeof(line), &pos, "mail", j->id);
    log_kv(line, sizeof(line), &pos, "outcome", ok ? "sent" : permanent ? "refused" : "failed");
    snprintf(num, sizeof(num), "%ld", code);
    log_kv(line, sizeof(line), &pos, "status", num);
    snprintf(num, sizeof(num), "%llu", (unsigned long long)(clock_now_ms() - j->started_ms));
    log_kv(line, sizeof(line), &pos, "ms", num);
    if (!ok)
        log_kv(line, sizeof(line), &pos, "cause", j->error);
    log_line(ok ? LOG_INFO : LOG_WARN, line);

    if (j->easy) {
        curl_loop_remove(ms->transfers, j->easy);
        curl_easy_cleanup(j->easy);
        j->easy = NULL;
    }
    j->state = MAIL_REPORTING;
    snprintf(j->ok, sizeof(j->ok), "%s", ok ? "true" : "false");
    snprintf(j->permanent, sizeof(j->permanent), "%s", permanent ? "true" : "false");
    snprintf(j->base, sizeof(j->base), "%d", ms->cfg->smtp_retry_base_ms);
    snprintf(j->attempts, sizeof(j->attempts), "%d", ms->cfg->smtp_max_attempts);
    j->params[0] = j->id;
    j->params[1] = j->ok;
    j->params[2] = j->permanent;
    j->params[3] = ok ? NULL : j->error;
    j->params[4] = j->base;
    j->params[5] = j->attempts;
    j->q = (struct db_query){
        .stmt = STMT_MAIL_REPORT, .nparams = 6, .params = j->params, .done = mail_on_reported, .arg = j
    };
    if (db_submit(ms->db, &j->q, &err) < 0) {
        log_msg(LOG_WARN, "e-mail %s: cannot record the outcome (%s); it will be sent again", j->id, err.message);
        mail_job_free(j);
    }
}

/* curl_loop's done callback. The relay's last code: 2xx taken, 5xx refused for good, else try again. */
static void mail_on_sent(CURL *easy, CURLcode res, void *arg)
{
    struct mail_job *j = arg;
    long code = 0;

    curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &code);
    if (res == CURLE_OK) {
        j->error[0] = '\0';
        mail_report(j, true, false, code);
        return;
    }
    /* the relay's own answer says most; else curl_easy_strerror names the kind of failure (the
     * error buffer can name hosts: not stored) */
    if (code >= 400)
        snprintf(j->error, sizeof(j->error), "the relay did not take the e-mail (SMTP %ld)", code);
    else
        snprintf(j->error, sizeof(j->error), "%s", curl_easy_strerror(res));
    mail_report(j, false, code >= 500 && code < 600 && res != CURLE_LOGIN_DENIED, code);
}

/* ------------------------------------------------------------------ */
/* Starting a send */

static int mail_start(struct mail_job *j)
{
    const struct sk_config *cfg = j->ms->cfg;
    char from[300], sender[320], rcpt[300], subject[800], date[64], msgid[200];
    struct curl_slist *l;
    curl_mimepart *part;
    time_t now = time(NULL);
    struct tm tm;

    j->started_ms = clock_now_ms();
    if (!mail_address_ok(j->recipient)) {
        snprintf(j->error, sizeof(j->error), "the organisation's e-mail address cannot be used");
        return -1;
    }
    if (mail_subject_header(j->subject, subject, sizeof(subject)) < 0) {
        snprintf(j->error, sizeof(j->error), "the subject cannot be encoded");
        return -1;
    }
    gmtime_r(&now, &tm);
    strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S +0000", &tm); /* the daemon runs in the C locale */
    snprintf(msgid, sizeof(msgid), "<mail-%s.%lld@%s>", j->id, (long long)now, j->ms->domain);
    snprintf(from, sizeof(from), "<%s>", cfg->smtp_from);
    snprintf(rcpt, sizeof(rcpt), "<%s>", j->recipient);

    j->easy = curl_easy_init();
    if (j->easy == NULL || (j->mime = curl_mime_init(j->easy)) == NULL || (part = curl_mime_addpart(j->mime)) == NULL ||
        curl_mime_data(part, j->body, CURL_ZERO_TERMINATED) != CURLE_OK ||
        curl_mime_type(part, "text/plain; charset=utf-8") != CURLE_OK ||
        curl_mime_encoder(part, "quoted-printable") != CURLE_OK || (l = curl_slist_append(NULL, rcpt)) == NULL) {
        snprintf(j->error, sizeof(j->error), "out of memory");
        return -1;
    }
    j->rcpt = l;
    snprintf(sender, sizeof(sender), "Sociale Kaart %s", from);
    if (mail_add_header(j, "From", sender) < 0 || mail_add_header(j, "To", rcpt) < 0 ||
        mail_add_header(j, "Subject", subject) < 0 || mail_add_header(j, "Date", date) < 0 ||
        mail_add_header(j, "Message-ID", msgid) < 0 || mail_add_header(j, "Auto-Submitted", "auto-generated") < 0) {
        snprintf(j->error, sizeof(j->error), "out of memory");
        return -1;
    }
    curl_easy_setopt(j->easy, CURLOPT_URL, cfg->smtp_url);
    curl_easy_setopt(j->easy, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
    curl_easy_setopt(j->easy, CURLOPT_USE_SSL, (long)CURLUSESSL_TRY);
    curl_easy_setopt(j->easy, CURLOPT_PROXY, "");
    curl_easy_setopt(j->easy, CURLOPT_MAIL_FROM, from);
    curl_easy_setopt(j->easy, CURLOPT_MAIL_RCPT, j->rcpt);
    curl_easy_setopt(j->easy, CURLOPT_HTTPHEADER, j->headers);
    curl_easy_setopt(j->easy, CURLOPT_MIMEPOST, j->mime);
    curl_easy_setopt(j->easy, CURLOPT_TIMEOUT_MS, (long)cfg->smtp_timeout_ms);
    curl_easy_setopt(j->easy, CURLOPT_CONNECTTIMEOUT_MS, (long)cfg->smtp_timeout_ms);
    curl_easy_setopt(j->easy, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(j->easy, CURLOPT_QUICK_EXIT, 1L);
    curl_easy_setopt(j->easy, CURLOPT_ERRORBUFFER, j->errbuf);
    if (curl_loop_add(j->ms->transfers, j->easy, j) < 0) {
        snprintf(j->error, sizeof(j->error), "cannot start the transfer");
        return -1;
    }
    return 0;
}

static void mail_begin(struct mail_sender *ms, PGresult *res, int row)
{
    struct mail_job *j = calloc(1, sizeof(*j));
    if (j == NULL)
        return; /* the lease runs out; it is claimed again */
    j->ms = ms;
    j->state = MAIL_SENDING;
    snprintf(j->id, sizeof(j->id), "%s", PQgetvalue(res, row, 0));
    j->recipient = strdup(PQgetvalue(res, row, 1));
    j->subject = strdup(PQgetvalue(res, row, 2));
    j->body = mail_crlf(PQgetvalue(res, row, 3));
    TAILQ_INSERT_TAIL(&ms->jobs, j, link);
    ms->njobs++;
    if (j->recipient == NULL || j->subject == NULL || j->body == NULL) {
        mail_job_free(j);
        return;
    }
    if (mail_start(j) < 0)
        mail_report(j, false, true, 0); /* nothing a retry would change */
}

static void mail_on_claimed(struct db_query *q, PGresult *res, const struct db_error *err)
{
    struct mail_sender *ms = q->arg;
    int n;

    ms->claiming = false;
    ms->backlog = false;
    if (err->status != DB_OK) {
        log_msg(LOG_WARN, "e-mail: cannot claim what is due: %s", err->message);
        return;
    }
    n = PQntuples(res);
    for (int i = 0; i < n && ms->njobs < MAIL_CONCURRENCY; i++)
        mail_begin(ms, res, i);
    ms->backlog = n > 0 && n == atoi(ms->claim_limit);
}

static void mail_claim(struct mail_sender *ms)
{
    const struct sk_config *cfg = ms->cfg;
    struct db_error err;
    int room = MAIL_CONCURRENCY - ms->njobs;

    if (ms->draining || ms->claiming || room <= 0 || db_pool_ready(ms->db) == 0)
        return;
    snprintf(ms->claim_limit, sizeof(ms->claim_limit), "%d", room);
    snprintf(ms->claim_lease, sizeof(ms->claim_lease), "%d",
             cfg->smtp_timeout_ms + cfg->db_queue_timeout_ms + cfg->statement_timeout_ms + MAIL_LEASE_SLACK_MS);
    ms->claim_params[0] = ms->claim_limit;
    ms->claim_params[1] = ms->claim_lease;
    ms->claim = (struct db_query){
        .stmt = STMT_MAIL_CLAIM, .nparams = 2, .params = ms->claim_params, .done = mail_on_claimed, .arg = ms
    };
    ms->claiming = true;
    if (db_submit(ms->db, &ms->claim, &err) < 0)
        ms->claiming = false;
}

void mail_sender_tick(struct mail_sender *ms, uint64_t now_ms, bool draining)
{
    ms->draining = draining;
    if (now_ms < ms->next_poll_ms && !ms->backlog)
        return;
    ms->next_poll_ms = now_ms + MAIL_POLL_MS;
    mail_claim(ms);
}

struct mail_sender *mail_sender_new(struct event_base *base, struct db_pool *db, const struct sk_config *cfg)
{
    struct mail_sender *ms = calloc(1, sizeof(*ms));
    const char *at = strchr(cfg->smtp_from, '@');
    if (ms == NULL)
        return NULL;
    ms->db = db;
    ms->cfg = cfg;
    TAILQ_INIT(&ms->jobs);
    snprintf(ms->domain, sizeof(ms->domain), "%s", at ? at + 1 : "localhost");
    if ((ms->transfers = curl_loop_new(base, MAIL_CONCURRENCY, mail_on_sent)) == NULL) {
        free(ms);
        return NULL;
    }
    return ms;
}

void mail_sender_free(struct mail_sender *ms)
{
    struct mail_job *j;

    if (ms == NULL)
        return;
    if (ms->claiming)
        db_query_abandon(ms->db, &ms->claim);
    while ((j = TAILQ_FIRST(&ms->jobs)) != NULL) {
        if (j->state == MAIL_REPORTING)
            db_query_abandon(ms->db, &j->q);
        mail_job_free(j);
    }
    curl_loop_free(ms->transfers);
    free(ms);
}
