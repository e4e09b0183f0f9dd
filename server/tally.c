/*
 * tally.c — a worker's demand sums and their flush (see tally.h).
 */
#include "tally.h"

#include <json-c/json.h>
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "amsterdam.h"
#include "cfg.h"
#include "clock.h"
#include "db.h"
#include "demand.h"
#include "log.h"

#define TALLY_SLOTS    2048 /* a power of two */
#define TALLY_FLUSH_AT 1024 /* this many cells start a flush before demand_flush_ms */
#define TALLY_FULL     1792 /* beyond this many cells new ones are dropped (probes stay short) */
#define TALLY_KEY_MAX  (DEMAND_NOTE_MAX + 24)

/*
 * One cell: its key is the record type and the fields, '|'-separated:
 * "S|day|municipality|area|theme|kind" (n searches, e found nothing),
 * "W|day|municipality|words", "V|day|entry id", "C|day|entry id" (n).
 */
struct tally_cell {
    uint32_t n; /* 0: the slot is free */
    uint32_t e;
    uint16_t len;
    char key[TALLY_KEY_MAX];
};

struct tally_table {
    struct tally_cell *cells; /* owned, TALLY_SLOTS */
    size_t used;
};

struct tally {
    struct db_pool *db;          /* borrowed */
    const struct sk_config *cfg; /* borrowed */
    struct tally_table live;     /* counting */
    struct tally_table sending;  /* being written; empty when nothing is in flight */
    struct db_query q;
    bool in_flight;
    char *payload;         /* owned: the JSON text q sends */
    const char *params[1]; /* borrowed by q: payload */
    uint64_t next_ms;
    uint64_t dropped; /* notes dropped since the last flush (table full) */
    bool draining;    /* the daemon stops: a failed flush is not tried again */
    bool gave_up;
};

static uint64_t tally_hash(const char *key, size_t len)
{
    uint64_t h = 1469598103934665603ull; /* FNV-1a: keys are short, the table bounded */
    for (size_t i = 0; i < len; i++)
        h = (h ^ (unsigned char)key[i]) * 1099511628211ull;
    return h ^ (h >> 29);
}

/* Add n and e to the cell of key; false when the table has no room for a new cell. */
static bool tally_add(struct tally_table *t, const char *key, size_t len, uint32_t n, uint32_t e)
{
    size_t i = (size_t)tally_hash(key, len) & (TALLY_SLOTS - 1);

    if (len >= TALLY_KEY_MAX)
        return false;
    for (;; i = (i + 1) & (TALLY_SLOTS - 1)) {
        struct tally_cell *c = &t->cells[i];
        if (c->n == 0) {
            if (t->used >= TALLY_FULL)
                return false;
            memcpy(c->key, key, len);
            c->key[len] = '\0';
            c->len = (uint16_t)len;
            c->n = n;
            c->e = e;
            t->used++;
            return true;
        }
        if (c->len == len && memcmp(c->key, key, len) == 0) {
            c->n += n;
            c->e += e;
            return true;
        }
    }
}

static void tally_clear(struct tally_table *t)
{
    for (size_t i = 0; i < TALLY_SLOTS && t->used; i++)
        if (t->cells[i].n) {
            t->cells[i].n = 0;
            t->used--;
        }
    t->used = 0;
}

struct tally *tally_new(struct db_pool *db, const struct sk_config *cfg)
{
    struct tally *t = calloc(1, sizeof(*t));
    if (t == NULL)
        return NULL;
    t->db = db;
    t->cfg = cfg;
    t->live.cells = calloc(TALLY_SLOTS, sizeof(struct tally_cell));
    t->sending.cells = calloc(TALLY_SLOTS, sizeof(struct tally_cell));
    if (t->live.cells == NULL || t->sending.cells == NULL) {
        tally_free(t);
        return NULL;
    }
    return t;
}

/* The Amsterdam date of utc_s as YYYY-MM-DD (out: 11 bytes); civil-from-days after H. Hinnant. */
static void tally_day(int64_t utc_s, char *out)
{
    int64_t z = amsterdam_day(utc_s) + 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    int64_t d = doy - (153 * mp + 2) / 5 + 1;
    int64_t m = mp < 10 ? mp + 3 : mp - 9;
    int64_t y = yoe + era * 400 + (m <= 2);
    snprintf(out, 11, "%04d-%02d-%02d", (int)(y % 10000), (int)m, (int)d);
}

/* The next comma-separated value of *list ("" once for an empty list); false when done. */
static bool tally_next(const char **list, const char *end, const char **v, size_t *vn, bool *first)
{
    const char *comma;

    if (*list > end || (!*first && *list == end))
        return false;
    *first = false;
    comma = memchr(*list, ',', (size_t)(end - *list));
    *v = *list;
    *vn = comma ? (size_t)(comma - *list) : (size_t)(end - *list);
    *list = comma ? comma + 1 : end + 1;
    return true;
}

static void tally_count(struct tally *t, const char *key, size_t len, uint32_t e)
{
    if (!tally_add(&t->live, key, len, 1, e))
        t->dropped++;
}

/* A search: one cell per area × theme × kind it names (each list at most DEMAND_VALUES_MAX). */
static void tally_search(struct tally *t, const struct demand_note *note, const char *day)
{
    const char *f[5], *p = note->text;
    size_t flen[5];
    char key[TALLY_KEY_MAX];

    for (int i = 0; i < 5; i++) {
        const char *bar = i < 4 ? strchr(p, '|') : NULL;
        if (i < 4 && bar == NULL)
            return;
        f[i] = p;
        flen[i] = bar ? (size_t)(bar - p) : strlen(p);
        p = bar ? bar + 1 : p + flen[i];
    }
    if (flen[0] == 0) /* no municipality: the search belongs to none */
        return;
    const char *al = f[1], *ae = f[1] + flen[1], *a;
    size_t an;
    bool afirst = true;
    while (tally_next(&al, ae, &a, &an, &afirst)) {
        const char *tl = f[2], *te = f[2] + flen[2], *th;
        size_t tn;
        bool tfirst = true;
        while (tally_next(&tl, te, &th, &tn, &tfirst)) {
            const char *kl = f[3], *ke = f[3] + flen[3], *k;
            size_t kn;
            bool kfirst = true;
            while (tally_next(&kl, ke, &k, &kn, &kfirst)) {
                int n = snprintf(key, sizeof(key), "S|%s|%.*s|%.*s|%.*s|%.*s", day, (int)flen[0], f[0], (int)an, a,
                                 (int)tn, th, (int)kn, k);
                if (n > 0 && (size_t)n < sizeof(key))
                    tally_count(t, key, (size_t)n, note->found_nothing ? 1 : 0);
            }
        }
    }
    if (note->found_nothing && flen[4]) {
        int n = snprintf(key, sizeof(key), "W|%s|%.*s|%.*s", day, (int)flen[0], f[0], (int)flen[4], f[4]);
        if (n > 0 && (size_t)n < sizeof(key))
            tally_count(t, key, (size_t)n, 0);
    }
}

void tally_note(struct tally *t, const struct demand_note *note, int64_t utc_s)
{
    char day[11], key[TALLY_KEY_MAX];
    int n;

    if (t == NULL || note->what == DEMAND_NONE)
        return;
    tally_day(utc_s, day);
    if (note->what == DEMAND_SEARCH) {
        tally_search(t, note, day);
        return;
    }
    n = snprintf(key, sizeof(key), "%c|%s|%s", note->what == DEMAND_VIEW ? 'V' : 'C', day, note->text);
    if (n > 0 && (size_t)n < sizeof(key))
        tally_count(t, key, (size_t)n, 0);
}

/* The key's fields as strings appended to row (split at '|'). */
static void tally_fields(struct json_object *row, const char *key, int nfields)
{
    const char *p = key + 2; /* after the type and its bar */
    for (int i = 0; i < nfields; i++) {
        const char *bar = i + 1 < nfields ? strchr(p, '|') : NULL;
        size_t n = bar ? (size_t)(bar - p) : strlen(p);
        json_object_array_add(row, json_object_new_string_len(p, (int)n));
        p = bar ? bar + 1 : p + n;
    }
}

/* {"searches": [...], "words": [...], "entries": [...]} of the sending table (sql/api/demand.sql). */
static char *tally_payload(const struct tally_table *t)
{
    struct json_object *o = json_object_new_object(), *s = json_object_new_array(), *w = json_object_new_array(),
                       *e = json_object_new_array();
    char *text;

    for (size_t i = 0; i < TALLY_SLOTS; i++) {
        const struct tally_cell *c = &t->cells[i];
        struct json_object *row;
        if (c->n == 0)
            continue;
        row = json_object_new_array();
        switch (c->key[0]) {
        case 'S':
            tally_fields(row, c->key, 5);
            json_object_array_add(row, json_object_new_int64(c->n));
            json_object_array_add(row, json_object_new_int64(c->e));
            json_object_array_add(s, row);
            break;
        case 'W':
            tally_fields(row, c->key, 3);
            json_object_array_add(row, json_object_new_int64(c->n));
            json_object_array_add(w, row);
            break;
        default:
            tally_fields(row, c->key, 2);
            json_object_array_add(row, json_object_new_string(c->key[0] == 'V' ? "view" : "calendar"));
            json_object_array_add(row, json_object_new_int64(c->n));
            json_object_array_add(e, row);
            break;
        }
    }
    json_object_object_add(o, "searches", s);
    json_object_object_add(o, "words", w);
    json_object_object_add(o, "entries", e);
    text = strdup(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
    json_object_put(o);
    return text;
}

/* Written: forget the sums. Not written: put them back to go with the next flush. */
static void tally_done(struct db_query *q, PGresult *res, const struct db_error *err)
{
    struct tally *t = q->arg;
    (void)res;

    t->in_flight = false;
    free(t->payload);
    t->payload = NULL;
    if (err->status != DB_OK) {
        log_msg(LOG_WARN, "demand counts not written (%s): %s",
                t->draining ? "lost, the daemon stops" : "kept for the next try", err->message);
        t->gave_up = t->draining;
        for (size_t i = 0; i < TALLY_SLOTS; i++) {
            const struct tally_cell *c = &t->sending.cells[i];
            if (c->n && !tally_add(&t->live, c->key, c->len, c->n, c->e))
                t->dropped += c->n;
        }
    }
    tally_clear(&t->sending);
}

void tally_tick(struct tally *t, uint64_t now_ms, bool draining)
{
    struct db_error err;
    struct tally_table swap;

    if (t == NULL || t->in_flight || t->live.used == 0 || t->gave_up)
        return;
    t->draining = draining;
    if (!draining && now_ms < t->next_ms && t->live.used < TALLY_FLUSH_AT)
        return;
    t->next_ms = now_ms + (uint64_t)t->cfg->demand_flush_ms;
    swap = t->sending;
    t->sending = t->live;
    t->live = swap;
    if (t->dropped) {
        log_msg(LOG_WARN, "demand counts: %llu notes dropped, the tally was full", (unsigned long long)t->dropped);
        t->dropped = 0;
    }
    if ((t->payload = tally_payload(&t->sending)) == NULL) {
        tally_clear(&t->sending);
        return;
    }
    t->params[0] = t->payload;
    t->q = (struct db_query){
        .stmt = STMT_DEMAND_RECORD, .nparams = 1, .params = t->params, .done = tally_done, .arg = t
    };
    t->in_flight = true;
    if (db_submit(t->db, &t->q, &err) < 0) {
        t->in_flight = false;
        tally_done(&t->q, NULL, &err);
    }
}

bool tally_idle(const struct tally *t)
{
    return t == NULL || (!t->in_flight && (t->live.used == 0 || t->gave_up));
}

void tally_free(struct tally *t)
{
    if (t == NULL)
        return;
    if (t->in_flight)
        db_query_abandon(t->db, &t->q);
    free(t->payload);
    free(t->live.cells);
    free(t->sending.cells);
    free(t);
}
