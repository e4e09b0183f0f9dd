/*
 * sindex_follow.c — the index's follower thread: loads everything from
 * PostgreSQL, follows the committed change stream and publishes snapshots.
 *
 * The follower is a thread of its own with one blocking libpq connection: it
 * serves no request, so waiting on the database never stalls an event loop.
 * Each catch-up is one REPEATABLE READ transaction: the horizon
 * (sk_feed_horizon: every transaction below it has ended), then the feed rows
 * written at or above the position (including those above the horizon, so a
 * write through this daemon shows at once), the words added since, and the
 * catalog version. The position moves to the horizon only, so a transaction
 * that commits late is read next time; rows already applied (same modified)
 * are skipped. A lost NOTIFY or a reconnect loses nothing: the next catch-up
 * starts from the position.
 *
 * Changed entries go to a delta segment, rebuilt on every publish; the base
 * segment's replaced entries are marked dead. When the delta and the dead
 * entries pass a sixteenth of the base, or the catalog (vocabularies, areas,
 * the occurrence horizon) changes, everything is rebuilt from the database.
 */
#include "sindex.h"
#include "sindex_int.h"

#include <errno.h>
#include <event2/event.h>
#include <fcntl.h>
#include <libpq-fe.h>
#include <malloc.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <urcu/urcu-memb.h>

#include "log.h"
#include "replycache.h"
#include "textsearch.h"

enum {
    MAX_SUBSCRIBERS = 64,
    FETCH_ROWS = 5000
};

/* What the follower alone touches. */
struct id_slot {
    uint8_t id[16];
    struct sx_doc *doc; /* borrowed from its segment or the delta list; NULL when where < 0 */
    bool used;
    int8_t where;   /* 0 base, 1 delta, -1 not visible now */
    uint32_t local; /* base: local id */
};

struct word_block {
    struct word_block *next;
    size_t used, cap;
    char data[];
};

struct sindex {
    const struct sk_config *cfg;
    char *conninfo;
    _Atomic uint64_t *write_gen;
    pthread_t thread;
    int wake[2]; /* pipe: tickets and stop wake the follower */
    _Atomic bool stopping;

    struct sx_snapshot *current; /* RCU: readers rcu_dereference, the follower swaps */
    _Atomic int utc_offset_s;
    _Atomic uint64_t poll_started, poll_done;
    _Atomic uint64_t publishes;
    _Atomic int64_t caught_up_us; /* when the last catch-up ended */
    _Atomic int64_t build_ms;
    _Atomic size_t entries, index_bytes, doc_bytes;
    _Atomic uint64_t position_pub;

    pthread_mutex_t subs_lock; /* subscribing and notifying only, never on the search path */
    struct event *subs[MAX_SUBSCRIBERS];
    int nsubs;

    /* follower only */
    PGconn *pg;
    struct sx_catalog *cat;
    struct sx_words *words;
    struct word_block *wstore;
    struct sx_segment *base;
    roaring_bitmap_t *base_dead;
    size_t base_until_pos; /* by_until entries of the base already marked dead */
    struct sx_doc **delta;
    size_t ndelta, capdelta;
    struct id_slot *map;
    size_t mapcap, mapused;
    uint64_t position, word_position;
    int64_t catalog_version;
};

int64_t sx_now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

struct sx_snapshot *sx_current(struct sindex *ix)
{
    return rcu_dereference(ix->current);
}

int sx_utc_offset_s(struct sindex *ix)
{
    return atomic_load(&ix->utc_offset_s);
}

/* =========================================================================================== */
/* The id map (open addressing; the follower's own)                                            */

static uint64_t id_hash(const uint8_t id[16])
{
    uint64_t h;
    memcpy(&h, id + 8, 8); /* random (v4) or time-ordered (v7) ids: the tail is random */
    return h * 0x9E3779B97F4A7C15ULL;
}

static struct id_slot *map_find(struct sindex *ix, const uint8_t id[16], bool insert)
{
    if (insert && (ix->mapused + 1) * 2 > ix->mapcap) {
        size_t ncap = ix->mapcap ? ix->mapcap * 2 : 1024;
        struct id_slot *nm = calloc(ncap, sizeof(*nm)), *old = ix->map;
        size_t oldcap = ix->mapcap;
        if (nm == NULL)
            return NULL;
        ix->map = nm;
        ix->mapcap = ncap;
        ix->mapused = 0;
        for (size_t i = 0; i < oldcap; i++)
            if (old[i].used) {
                struct id_slot *s = map_find(ix, old[i].id, true);
                *s = old[i];
            }
        free(old);
    }
    if (ix->mapcap == 0)
        return NULL;
    for (size_t i = id_hash(id) & (ix->mapcap - 1);; i = (i + 1) & (ix->mapcap - 1)) {
        struct id_slot *s = &ix->map[i];
        if (!s->used) {
            if (!insert)
                return NULL;
            memcpy(s->id, id, 16);
            s->used = true;
            s->where = -1;
            ix->mapused++;
            return s;
        }
        if (!memcmp(s->id, id, 16))
            return s;
    }
}

static void map_clear(struct sindex *ix)
{
    free(ix->map);
    ix->map = NULL;
    ix->mapcap = ix->mapused = 0;
}

/* =========================================================================================== */
/* Rows into documents                                                                         */

static const char *val(PGresult *r, int row, int col)
{
    return PQgetisnull(r, row, col) ? NULL : PQgetvalue(r, row, col);
}

static int64_t val_i64(PGresult *r, int row, int col, int64_t dflt)
{
    const char *v = val(r, row, col);
    return v ? strtoll(v, NULL, 10) : dflt;
}

/* A bigint[] / int[] literal {1,2,3} into a new array; its length in *n. */
static int64_t *int_array(const char *s, size_t *n)
{
    size_t cap = 1, k = 0;
    int64_t *v;
    *n = 0;
    if (s == NULL)
        return NULL;
    for (const char *p = s; *p; p++)
        cap += *p == ',';
    if ((v = malloc(cap * sizeof(*v))) == NULL)
        return NULL;
    for (const char *p = s + (*s == '{'); *p && *p != '}';) {
        char *end;
        long long x = strtoll(p, &end, 10);
        if (end == p)
            break;
        v[k++] = x;
        p = end + (*end == ',');
    }
    *n = k;
    return v;
}

static char *dup_text(const char *s, size_t *len)
{
    size_t l = s ? strlen(s) : 0;
    char *d = malloc(l + 1);
    if (d) {
        memcpy(d, s ? s : "", l);
        d[l] = '\0';
    }
    if (len)
        *len = l;
    return d;
}

/* The index's number of a kind (the contract's); the loader's rows always hold a known kind. */
static int kind_of(const char *s)
{
    enum sk_kind k;
    return sk_kind_from_name(s, &k) ? (int)k : SX_CARER;
}

/* Columns of the document query (doc_sql): the loader view sk_index_rows, then the documents. */
enum {
    C_ID,
    C_KIND,
    C_MUN,
    C_AREAS,
    C_THEMES,
    C_AUD,
    C_ORG,
    C_ACCESS,
    C_FREE,
    C_DISCOUNT,
    C_LANGS,
    C_TSV,
    C_X,
    C_Y,
    C_OPEN,
    C_UNTIL,
    C_CREATED,
    C_UPDATED,
    C_OCC,
    C_MODIFIED,
    C_DOC,
    C_TR_LANGS,
    C_TR_LENS,
    C_TR_DOCS,
    C_CAMPAIGNS,
    C_PLACE_TYPE,
    C_DROP_IN,
    C_REFERRAL,
    C_INDICATION,
    C_CHANNELS,
    C_ALSO_SERVES,
    C_COUNT
};

#define DOC_COLUMNS                                                                                                    \
    "r.id, r.kind, r.municipality, r.areas, r.themes, r.audiences, r.organisation_id, r.access, r.free, "              \
    "r.discount, r.languages, r.tsv, r.x, r.y, r.open, r.until_us, r.created_us, r.updated_us, NULL::text, "           \
    "r.modified, NULL::text, NULL::text, NULL::text, NULL::text, r.campaigns, "                                        \
    "r.place_type, r.drop_in, r.referral_required, r.indication_required, r.channels, r.also_serves"

/* One document from a row of the loader view. A full load gives its slab (the document, its
 * strings and lists live there) and scratch for the tsvector text (freed all at once after the
 * lexicon is built); a catch-up gives neither. */
static struct sx_doc *doc_from_row(PGresult *r, int row, int c0, struct sx_slab *slab, struct sx_slab *scratch)
{
    struct sx_doc *d = slab ? sx_slab_alloc(slab, sizeof(*d)) : calloc(1, sizeof(*d));
    const char *s;
    int64_t *open;
    size_t nopen;

    if (d == NULL)
        return NULL;
    atomic_init(&d->refs, 1);
    if (slab) {
        sx_slab_ref(slab);
        d->slab = slab;
        d->in_slab = true;
    }
    s = val(r, row, c0 + C_ID);
    if (s == NULL || sx_uuid_parse(s, d->id) < 0)
        goto fail;
    snprintf(d->id_text, sizeof(d->id_text), "%s", s);
    d->kind = (uint8_t)kind_of(val(r, row, c0 + C_KIND));
    s = val(r, row, c0 + C_ORG);
    if (s && sx_uuid_parse(s, d->org) == 0)
        snprintf(d->org_text, sizeof(d->org_text), "%s", s);
    s = val(r, row, c0 + C_MUN);
    if ((d->municipality = slab ? sx_slab_copy(slab, s ? s : "", s ? strlen(s) : 0) : dup_text(s, NULL)) == NULL)
        goto fail;
#define LIST(col, field, count)                                                                                        \
    (sx_parse_text_array(val(r, row, c0 + (col)) ? val(r, row, c0 + (col)) : "{}", &d->field, &d->count, slab) < 0)
    if (LIST(C_AREAS, areas, nareas) || LIST(C_THEMES, themes, nthemes) || LIST(C_AUD, audiences, naudiences) ||
        LIST(C_ACCESS, access, naccess) || LIST(C_LANGS, languages, nlanguages) ||
        LIST(C_CAMPAIGNS, campaigns, ncampaigns) || LIST(C_CHANNELS, channels, nchannels) ||
        LIST(C_ALSO_SERVES, also_serves, nalso_serves))
        goto fail;
#undef LIST
    d->free = (s = val(r, row, c0 + C_FREE)) && *s == 't';
    d->drop_in = (s = val(r, row, c0 + C_DROP_IN)) && *s == 't';
    d->referral = (s = val(r, row, c0 + C_REFERRAL)) && *s == 't';
    d->indication = (s = val(r, row, c0 + C_INDICATION)) && *s == 't';
    if ((s = val(r, row, c0 + C_PLACE_TYPE)) != NULL &&
        (d->place_type = slab ? sx_slab_copy(slab, s, strlen(s)) : dup_text(s, NULL)) == NULL)
        goto fail;
    d->discount = (s = val(r, row, c0 + C_DISCOUNT)) && *s == 't';
    if (scratch) {
        const char *tsv = val(r, row, c0 + C_TSV);
        if ((d->tsv = sx_slab_copy(scratch, tsv ? tsv : "", tsv ? strlen(tsv) : 0)) == NULL)
            goto fail;
        d->tsv_borrowed = true;
    } else if ((d->tsv = dup_text(val(r, row, c0 + C_TSV), NULL)) == NULL) {
        goto fail;
    }
    if (val(r, row, c0 + C_X) && val(r, row, c0 + C_Y)) {
        d->has_geo = true;
        d->x = strtod(val(r, row, c0 + C_X), NULL);
        d->y = strtod(val(r, row, c0 + C_Y), NULL);
    }
    open = int_array(val(r, row, c0 + C_OPEN), &nopen);
    if (open) {
        d->open = slab ? sx_slab_alloc(slab, (nopen ? nopen : 1) * sizeof(*d->open))
                       : malloc((nopen ? nopen : 1) * sizeof(*d->open));
        if (d->open == NULL) {
            free(open);
            goto fail;
        }
        for (size_t i = 0; i < nopen; i++)
            d->open[i] = (int32_t)open[i];
        d->nopen = nopen / 2;
        free(open);
    }
    d->until_us = val_i64(r, row, c0 + C_UNTIL, INT64_MAX);
    d->created_us = val_i64(r, row, c0 + C_CREATED, 0);
    d->updated_us = val_i64(r, row, c0 + C_UPDATED, 0);
    d->modified = val_i64(r, row, c0 + C_MODIFIED, 0);
    return d;
fail:
    sx_doc_unref(d);
    return NULL;
}

/*
 * Occurrences come in a query of their own, in binary (timestamps as integers: no text
 * conversion of millions of values), ordered by entry and start: columns entry_id, starts_at,
 * ends_at, local_start, local end. Attached to docs (sorted by id) by a merge.
 */
#define OCC_SQL                                                                                                        \
    "SELECT o.entry_id, o.starts_at, o.ends_at, o.local_start, o.ends_at AT TIME ZONE 'Europe/Amsterdam'"              \
    " FROM sk_occurrences o"

static const int64_t PG_EPOCH_US = INT64_C(946684800000000); /* 2000-01-01 in Unix µs */

static int64_t be64(const char *p)
{
    uint64_t v = 0;
    for (int i = 0; i < 8; i++)
        v = (v << 8) | (uint8_t)p[i];
    return (int64_t)v;
}

static int doc_id_cmp(const void *a, const void *b)
{
    return memcmp((*(struct sx_doc *const *)a)->id, (*(struct sx_doc *const *)b)->id, 16);
}

/* Attach the rows of r (binary, OCC_SQL order) to the activities among docs (sorted by id). */
static void occ_attach(PGresult *r, struct sx_doc **docs, size_t n, size_t *cursor)
{
    int rows = PQntuples(r);
    for (int i = 0; i < rows;) {
        const char *id = PQgetvalue(r, i, 0);
        int j = i;
        struct sx_doc *d = NULL;
        while (j < rows && !memcmp(PQgetvalue(r, j, 0), id, 16))
            j++;
        while (*cursor < n && memcmp(docs[*cursor]->id, id, 16) < 0)
            (*cursor)++;
        if (*cursor < n && !memcmp(docs[*cursor]->id, id, 16))
            d = docs[*cursor];
        if (d && d->kind == SX_ACTIVITY && PQgetlength(r, i, 0) == 16) {
            size_t have = d->nocc, add = (size_t)(j - i);
            struct sx_occ *v = realloc(d->occ, (have + add) * sizeof(*v));
            if (v) {
                d->occ = v;
                for (int k = i; k < j; k++) {
                    struct sx_occ *o = &d->occ[d->nocc++];
                    int64_t ls = be64(PQgetvalue(r, k, 3)) + PG_EPOCH_US, le = be64(PQgetvalue(r, k, 4)) + PG_EPOCH_US;
                    int64_t sa = be64(PQgetvalue(r, k, 1)) + PG_EPOCH_US, ea = be64(PQgetvalue(r, k, 2)) + PG_EPOCH_US;
                    o->start_min = (int32_t)(ls / 60000000);
                    o->end_min = (int32_t)(le / 60000000);
                    o->start_off = (int16_t)((ls - sa) / 60000000);
                    o->end_off = (int16_t)((le - ea) / 60000000);
                    int64_t us = ls % 86400000000LL;
                    int64_t day = ls >= 0 ? ls / 86400000000LL : (ls - 86399999999LL) / 86400000000LL;
                    if (us < 0)
                        us += 86400000000LL;
                    int dow = (int)(((day % 7) + 7 + 3) % 7); /* isodow - 1 */
                    d->occ_mask |= 1u << (dow * 4 + (int)(us / 3600000000LL) / 6);
                }
            }
        }
        i = j;
    }
}

/* Documents likewise (text): entry_id, lang, doc, ordered by entry and language. */
#define DOCS_SQL "SELECT d.entry_id, d.lang, d.doc FROM sk_docs d"

static int docs_attach(PGresult *r, struct sx_doc **docs, size_t n, size_t *cursor, struct sx_slab *slab)
{
    for (int i = 0; i < PQntuples(r); i++) {
        uint8_t id[16];
        struct sx_doc *d;
        const char *lang = PQgetvalue(r, i, 1), *text = PQgetvalue(r, i, 2);
        size_t len = (size_t)PQgetlength(r, i, 2);
        if (sx_uuid_parse(PQgetvalue(r, i, 0), id) < 0)
            continue;
        while (*cursor < n && memcmp(docs[*cursor]->id, id, 16) < 0)
            (*cursor)++;
        if (*cursor == n || memcmp(docs[*cursor]->id, id, 16) != 0)
            continue;
        d = docs[*cursor];
        /* all of a document's texts in one place: the load's slab, or each its own allocation */
        char *copy;
        if (slab && (d->slab == slab || (d->slab == NULL && d->doc == NULL && d->ntr == 0))) {
            if ((copy = sx_slab_copy(slab, text, len)) == NULL)
                return -1;
            if (d->slab == NULL) {
                sx_slab_ref(slab);
                d->slab = slab;
            }
        } else {
            if (d->slab || (copy = malloc(len + 1)) == NULL)
                return -1;
            memcpy(copy, text, len + 1);
        }
        if (!strcmp(lang, "nl")) {
            if (d->slab == NULL)
                free(d->doc);
            d->doc = copy;
            d->doc_len = len;
        } else {
            struct sx_translation *t = realloc(d->tr, (d->ntr + 1) * sizeof(*t));
            if (t == NULL) {
                free(copy);
                return -1;
            }
            d->tr = t;
            snprintf(t[d->ntr].lang, sizeof(t[d->ntr].lang), "%s", lang);
            t[d->ntr].doc = copy;
            t[d->ntr].len = len;
            d->ntr++;
        }
    }
    return 0;
}

/* =========================================================================================== */
/* Database helpers (blocking: this thread serves no request)                                  */

static bool pg_ok(struct sindex *ix, PGresult *r, const char *what)
{
    ExecStatusType st = PQresultStatus(r);
    if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK)
        return true;
    log_msg(LOG_WARN, "search index: %s failed: %s", what, PQerrorMessage(ix->pg));
    return false;
}

static bool pg_cmd(struct sindex *ix, const char *sql)
{
    PGresult *r = PQexec(ix->pg, sql);
    bool ok = pg_ok(ix, r, sql);
    PQclear(r);
    return ok;
}

/* Run sql (binary: results in binary format); its result, or NULL (logged, cleared) when it failed. */
static PGresult *pg_query(struct sindex *ix, const char *sql, bool binary, const char *what)
{
    PGresult *r = binary ? PQexecParams(ix->pg, sql, 0, NULL, NULL, NULL, NULL, 1) : PQexec(ix->pg, sql);
    if (pg_ok(ix, r, what))
        return r;
    PQclear(r);
    return NULL;
}

static bool pg_connect(struct sindex *ix)
{
    if (ix->pg && PQstatus(ix->pg) == CONNECTION_OK)
        return true;
    if (ix->pg)
        PQfinish(ix->pg);
    ix->pg = PQconnectdb(ix->conninfo);
    if (PQstatus(ix->pg) != CONNECTION_OK) {
        log_msg(LOG_WARN, "search index: cannot connect to the database: %s", PQerrorMessage(ix->pg));
        PQfinish(ix->pg);
        ix->pg = NULL;
        return false;
    }
    char sql[200];
    snprintf(sql, sizeof(sql), "SET application_name = 'socialekaartd search index'; SET statement_timeout = %d",
             ix->cfg->statement_timeout_ms > 0 ? ix->cfg->statement_timeout_ms * 12 : 60000);
    if (!pg_cmd(ix, sql)) {
        PQfinish(ix->pg);
        ix->pg = NULL;
        return false;
    }
    /* A replica (database_read_url) takes no LISTEN: the follower polls it (every 250 ms) */
    PGresult *r = pg_query(ix, "SELECT pg_is_in_recovery()", false, "asking whether the database is a replica");
    bool replica = r && PQntuples(r) == 1 && PQgetvalue(r, 0, 0)[0] == 't';
    PQclear(r);
    if (r == NULL || (!replica && !pg_cmd(ix, "LISTEN sk_changes"))) {
        PQfinish(ix->pg);
        ix->pg = NULL;
        return false;
    }
    log_msg(LOG_INFO, "search index: following %s", replica ? "a replica" : "the primary");
    return true;
}

/* =========================================================================================== */
/* Catalog and words                                                                           */

static int str_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int area_cmp(const void *a, const void *b)
{
    return strcmp(((const struct sx_area *)a)->code, ((const struct sx_area *)b)->code);
}

static int theme_cmp(const void *a, const void *b)
{
    return strcmp(((const struct sx_theme *)a)->code, ((const struct sx_theme *)b)->code);
}

static int feature_cmp(const void *a, const void *b)
{
    return strcmp(((const struct sx_feature *)a)->code, ((const struct sx_feature *)b)->code);
}

static int org_cmp(const void *a, const void *b)
{
    return memcmp(a, b, 16);
}

/* Each wijk's or kern's buurten (issue 16), once the areas are sorted by code: counted, then filled. */
static struct sx_area *area_parent(struct sx_catalog *c, size_t i)
{
    struct sx_area key = { .code = c->areas[i].parent };
    return key.code ? bsearch(&key, c->areas, c->nareas, sizeof(*c->areas), area_cmp) : NULL;
}

static int area_kids(struct sx_catalog *c)
{
    struct sx_area *p;
    for (size_t i = 0; i < c->nareas; i++)
        if ((p = area_parent(c, i)) != NULL)
            p->nkids++;
    for (size_t i = 0; i < c->nareas; i++) {
        if (c->areas[i].nkids && (c->areas[i].kids = calloc(c->areas[i].nkids, sizeof(uint32_t))) == NULL)
            return -1;
        c->areas[i].nkids = 0;
    }
    for (size_t i = 0; i < c->nareas; i++)
        if ((p = area_parent(c, i)) != NULL)
            p->kids[p->nkids++] = (uint32_t)i;
    return 0;
}

static struct sx_catalog *catalog_load(struct sindex *ix)
{
    struct sx_catalog *c = calloc(1, sizeof(*c));
    PGresult *r = NULL;
    if (c == NULL)
        return NULL;
    atomic_init(&c->refs, 1);
    r = PQexec(ix->pg, "SELECT code, kind = 'municipality', municipality, retired_at IS NOT NULL, parent FROM areas");
    if (!pg_ok(ix, r, "areas"))
        goto fail;
    c->nareas = (size_t)PQntuples(r);
    c->areas = calloc(c->nareas + 1, sizeof(*c->areas));
    for (size_t i = 0; c->areas && i < c->nareas; i++) {
        c->areas[i].code = dup_text(val(r, (int)i, 0), NULL);
        c->areas[i].is_municipality = *PQgetvalue(r, (int)i, 1) == 't';
        c->areas[i].municipality = val(r, (int)i, 2) ? dup_text(val(r, (int)i, 2), NULL) : NULL;
        c->areas[i].retired = *PQgetvalue(r, (int)i, 3) == 't';
        c->areas[i].parent = val(r, (int)i, 4) ? dup_text(val(r, (int)i, 4), NULL) : NULL;
    }
    PQclear(r);
    r = PQexec(ix->pg, "SELECT code, parent FROM themes");
    if (!pg_ok(ix, r, "themes") || c->areas == NULL)
        goto fail;
    c->nthemes = (size_t)PQntuples(r);
    c->themes = calloc(c->nthemes + 1, sizeof(*c->themes));
    for (size_t i = 0; c->themes && i < c->nthemes; i++) {
        c->themes[i].code = dup_text(val(r, (int)i, 0), NULL);
        c->themes[i].parent = val(r, (int)i, 1) ? dup_text(val(r, (int)i, 1), NULL) : NULL;
    }
    PQclear(r);
    r = PQexec(ix->pg, "SELECT code FROM audiences");
    if (!pg_ok(ix, r, "audiences") || c->themes == NULL)
        goto fail;
    c->naudiences = (size_t)PQntuples(r);
    c->audiences = calloc(c->naudiences + 1, sizeof(*c->audiences));
    for (size_t i = 0; c->audiences && i < c->naudiences; i++)
        c->audiences[i] = dup_text(val(r, (int)i, 0), NULL);
    PQclear(r);
    r = PQexec(ix->pg, "SELECT code FROM campaigns");
    if (!pg_ok(ix, r, "campaigns") || c->audiences == NULL)
        goto fail;
    c->ncampaigns = (size_t)PQntuples(r);
    c->campaigns = calloc(c->ncampaigns + 1, sizeof(*c->campaigns));
    for (size_t i = 0; c->campaigns && i < c->ncampaigns; i++)
        c->campaigns[i] = dup_text(val(r, (int)i, 0), NULL);
    PQclear(r);
    r = PQexec(ix->pg, "SELECT code FROM place_types");
    if (!pg_ok(ix, r, "place types") || c->campaigns == NULL)
        goto fail;
    c->nplace_types = (size_t)PQntuples(r);
    c->place_types = calloc(c->nplace_types + 1, sizeof(*c->place_types));
    for (size_t i = 0; c->place_types && i < c->nplace_types; i++)
        c->place_types[i] = dup_text(val(r, (int)i, 0), NULL);
    PQclear(r);
    r = PQexec(ix->pg, "SELECT code, allowed_values FROM accessibility_features");
    if (!pg_ok(ix, r, "accessibility features") || c->place_types == NULL)
        goto fail;
    c->nfeatures = (size_t)PQntuples(r);
    c->features = calloc(c->nfeatures + 1, sizeof(*c->features));
    for (size_t i = 0; c->features && i < c->nfeatures; i++) {
        size_t n;
        c->features[i].code = dup_text(val(r, (int)i, 0), NULL);
        sx_parse_text_array(val(r, (int)i, 1) ? val(r, (int)i, 1) : "{}", &c->features[i].allowed, &n, NULL);
    }
    PQclear(r);
    r = PQexec(ix->pg, "SELECT id FROM organisations");
    if (!pg_ok(ix, r, "organisations") || c->features == NULL)
        goto fail;
    c->norgs = (size_t)PQntuples(r);
    c->orgs = calloc(c->norgs + 1, 16);
    for (size_t i = 0; c->orgs && i < c->norgs; i++)
        sx_uuid_parse(PQgetvalue(r, (int)i, 0), c->orgs[i]);
    PQclear(r);
    r = NULL;
    if (c->orgs == NULL)
        goto fail;
    qsort(c->areas, c->nareas, sizeof(*c->areas), area_cmp);
    if (area_kids(c) < 0)
        goto fail;
    qsort(c->themes, c->nthemes, sizeof(*c->themes), theme_cmp);
    qsort(c->audiences, c->naudiences, sizeof(*c->audiences), str_cmp);
    qsort(c->campaigns, c->ncampaigns, sizeof(*c->campaigns), str_cmp);
    qsort(c->place_types, c->nplace_types, sizeof(*c->place_types), str_cmp);
    qsort(c->features, c->nfeatures, sizeof(*c->features), feature_cmp);
    qsort(c->orgs, c->norgs, 16, org_cmp);
    return c;
fail:
    PQclear(r);
    sx_catalog_unref(c);
    return NULL;
}

/* Copy a word and its trigrams into the append-only word store. */
static const struct sx_word *word_store(struct sindex *ix, const char *text)
{
    uint64_t tri[TS_TRGM_WORD_MAX + 2];
    size_t nt = ts_trigrams(text, tri, TS_TRGM_WORD_MAX + 2), tl = strlen(text) + 1;
    size_t need = sizeof(struct sx_word) + tl + nt * sizeof(uint64_t) + 16;
    struct word_block *b = ix->wstore;
    char *p;
    if (b == NULL || b->used + need > b->cap) {
        size_t cap = need > 1 << 20 ? need : 1 << 20;
        if ((b = malloc(sizeof(*b) + cap)) == NULL)
            return NULL;
        b->next = ix->wstore;
        b->used = 0;
        b->cap = cap;
        ix->wstore = b;
    }
    /* the word, its trigrams and its text stay where they are: published lists point at them */
    p = b->data + b->used;
    size_t pad = (8 - ((uintptr_t)p & 7)) & 7;
    struct sx_word *slot = (struct sx_word *)(void *)(p + pad);
    uint64_t *t = (uint64_t *)(void *)(slot + 1);
    memcpy(t, tri, nt * sizeof(uint64_t));
    char *w = (char *)(t + nt);
    memcpy(w, text, tl);
    b->used += pad + sizeof(*slot) + nt * sizeof(uint64_t) + tl;
    slot->text = w;
    slot->tri = t;
    slot->ntri = (uint32_t)nt;
    return slot;
}

static int wordp_cmp(const void *a, const void *b)
{
    return strcmp((*(const struct sx_word *const *)a)->text, (*(const struct sx_word *const *)b)->text);
}

/* A new word list: the old one plus the new words of r (column 0), sorted. */
static struct sx_words *words_merge(struct sindex *ix, const struct sx_words *old, PGresult *r)
{
    size_t add = (size_t)PQntuples(r), n = old ? old->n : 0;
    struct sx_words *w = calloc(1, sizeof(*w));
    if (w == NULL)
        return NULL;
    atomic_init(&w->refs, 1);
    w->v = malloc((n + add + 1) * sizeof(*w->v));
    if (w->v == NULL) {
        free(w);
        return NULL;
    }
    if (n)
        memcpy(w->v, old->v, n * sizeof(*w->v));
    w->n = n;
    for (size_t i = 0; i < add; i++) {
        const char *text = PQgetvalue(r, (int)i, 0);
        /* already known? (a catch-up reads words above the horizon again) */
        size_t lo = 0, hi = n;
        while (lo < hi) {
            size_t mid = (lo + hi) / 2;
            if (strcmp(w->v[mid]->text, text) < 0)
                lo = mid + 1;
            else
                hi = mid;
        }
        if (lo < n && !strcmp(w->v[lo]->text, text))
            continue;
        bool dup = false;
        for (size_t k = n; k < w->n && !dup; k++)
            dup = !strcmp(w->v[k]->text, text);
        if (dup)
            continue;
        const struct sx_word *sw = word_store(ix, text);
        if (sw)
            w->v[w->n++] = sw;
    }
    qsort(w->v, w->n, sizeof(*w->v), wordp_cmp);
    return w;
}

/* =========================================================================================== */
/* Publishing                                                                                  */

/* The next moment an entry of the index expires by time (INT64_MAX: none). */
static int64_t next_expiry(const struct sindex *ix)
{
    int64_t next = INT64_MAX;
    if (ix->base && ix->base_until_pos < ix->base->nuntil)
        next = ix->base->docs[ix->base->by_until[ix->base_until_pos]]->until_us;
    for (size_t i = 0; i < ix->ndelta; i++)
        if (ix->delta[i]->until_us < next)
            next = ix->delta[i]->until_us;
    return next;
}

static void notify_subscribers(struct sindex *ix)
{
    pthread_mutex_lock(&ix->subs_lock);
    for (int i = 0; i < ix->nsubs; i++)
        event_active(ix->subs[i], EV_READ, 0);
    pthread_mutex_unlock(&ix->subs_lock);
}

/* Mark base entries whose moment passed as dead; drop such delta entries. */
static void expire(struct sindex *ix, int64_t now)
{
    if (ix->base) {
        while (ix->base_until_pos < ix->base->nuntil &&
               ix->base->docs[ix->base->by_until[ix->base_until_pos]]->until_us <= now)
            roaring_bitmap_add(ix->base_dead, ix->base->by_until[ix->base_until_pos++]);
    }
    for (size_t i = 0; i < ix->ndelta;) {
        struct sx_doc *d = ix->delta[i];
        if (d->until_us <= now) {
            struct id_slot *s = map_find(ix, d->id, false);
            if (s) {
                s->where = -1;
                s->doc = NULL;
            }
            ix->delta[i] = ix->delta[--ix->ndelta];
            sx_doc_unref(d);
            continue;
        }
        i++;
    }
}

static int publish(struct sindex *ix)
{
    struct sx_snapshot *snap = calloc(1, sizeof(*snap)), *old;
    int64_t now = sx_now_us();
    size_t doc_bytes = 0;

    if (snap == NULL)
        return -1;
    expire(ix, now);
    snap->cat = ix->cat;
    atomic_fetch_add(&ix->cat->refs, 1);
    snap->words = ix->words;
    if (ix->words)
        atomic_fetch_add(&ix->words->refs, 1);
    snap->seg[0] = ix->base;
    atomic_fetch_add(&ix->base->refs, 1);
    snap->dead[0] = roaring_bitmap_get_cardinality(ix->base_dead) ? roaring_bitmap_copy(ix->base_dead) : NULL;
    if (ix->ndelta && (snap->seg[1] = sx_segment_build(ix->delta, ix->ndelta, ix->cat)) == NULL) {
        sx_snapshot_free(snap);
        return -1;
    }
    snap->nlive = ix->base->ndocs - roaring_bitmap_get_cardinality(ix->base_dead) + ix->ndelta;
    snap->position = ix->position;
    snap->built_us = now;
    old = rcu_xchg_pointer(&ix->current, snap);
    urcu_memb_synchronize_rcu();
    sx_snapshot_free(old);

    for (int i = 0; i < 2; i++)
        if (snap->seg[i])
            for (size_t k = 0; k < snap->seg[i]->ndocs; k++) {
                const struct sx_doc *d = snap->seg[i]->docs[k];
                doc_bytes += d->doc_len;
                for (size_t t = 0; t < d->ntr; t++)
                    doc_bytes += d->tr[t].len;
            }
    atomic_store(&ix->entries, snap->nlive);
    atomic_store(&ix->index_bytes, ix->base->bytes + (snap->seg[1] ? snap->seg[1]->bytes : 0));
    atomic_store(&ix->doc_bytes, doc_bytes);
    atomic_store(&ix->position_pub, ix->position);
    atomic_fetch_add(&ix->publishes, 1);
    replycache_invalidate(ix->write_gen); /* reply caches: answers may have changed */
    return 0;
}

/* =========================================================================================== */
/* Loading everything                                                                          */

static void delta_clear(struct sindex *ix)
{
    for (size_t i = 0; i < ix->ndelta; i++)
        sx_doc_unref(ix->delta[i]);
    ix->ndelta = 0;
}

/* Read the horizon, the catalog version and the clock; inside the caller's transaction. */
static bool read_state(struct sindex *ix, uint64_t *horizon, int64_t *version)
{
    PGresult *r =
        PQexec(ix->pg, "SELECT sk_feed_horizon(), (SELECT version FROM sk_index_catalog),"
                       " extract(epoch FROM (now() AT TIME ZONE 'Europe/Amsterdam') - (now() AT TIME ZONE 'UTC'))::int,"
                       " (extract(epoch FROM (SELECT horizon FROM sk_occ_state)::timestamp) * 1000000)::bigint");
    bool ok = pg_ok(ix, r, "state") && PQntuples(r) == 1;
    if (ok) {
        *horizon = (uint64_t)strtoull(PQgetvalue(r, 0, 0), NULL, 10);
        *version = val_i64(r, 0, 1, 0);
        atomic_store(&ix->utc_offset_s, (int)val_i64(r, 0, 2, 3600));
        if (ix->cat)
            ix->cat->horizon_local_us = val_i64(r, 0, 3, 0);
    }
    PQclear(r);
    return ok;
}

static int full_load(struct sindex *ix)
{
    int64_t t0 = sx_now_us(), version = 0;
    uint64_t horizon = 0;
    struct sx_doc **docs = NULL;
    size_t ndocs = 0, cap = 0;
    struct sx_catalog *cat = NULL, *oldcat;
    struct sx_words *words = NULL;
    struct sx_segment *seg;
    struct sx_slab *doc_slab = NULL, *tsv_scratch = NULL;
    PGresult *r;
    bool ok = false;

    if (!pg_cmd(ix, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"))
        return -1;
    if ((doc_slab = sx_slab_new()) == NULL || (tsv_scratch = sx_slab_new()) == NULL)
        goto out;
    if ((cat = catalog_load(ix)) == NULL)
        goto out;
    oldcat = ix->cat;
    ix->cat = cat;
    ok = read_state(ix, &horizon, &version);
    ix->cat = oldcat;
    if (!ok)
        goto out;
    ok = false;
    cat->version = version;
    if ((r = pg_query(ix, "SELECT word FROM sk_words", false, "words")) == NULL)
        goto out;
    words = words_merge(ix, ix->words, r); /* words are never removed: only new ones are stored */
    PQclear(r);
    if (words == NULL)
        goto out;
    if (!pg_cmd(ix, "DECLARE sk_ix CURSOR FOR SELECT " DOC_COLUMNS " FROM sk_index_rows r"))
        goto out;
    for (;;) {
        int n;
        if ((r = pg_query(ix, "FETCH 5000 FROM sk_ix", false, "fetch")) == NULL)
            goto out;
        n = PQntuples(r);
        if (ndocs + (size_t)n > cap) {
            size_t ncap = cap ? cap * 2 : 65536;
            while (ncap < ndocs + (size_t)n)
                ncap *= 2;
            struct sx_doc **nd = realloc(docs, ncap * sizeof(*nd));
            if (nd == NULL) {
                PQclear(r);
                goto out;
            }
            docs = nd;
            cap = ncap;
        }
        for (int i = 0; i < n; i++) {
            struct sx_doc *d = doc_from_row(r, i, 0, doc_slab, tsv_scratch);
            if (d)
                docs[ndocs++] = d;
        }
        PQclear(r);
        if (n == 0)
            break;
    }
    if (ndocs > 1) /* docs is NULL when there are none: qsort must not see it */
        qsort(docs, ndocs, sizeof(*docs), doc_id_cmp);
    if (!pg_cmd(ix, "DECLARE sk_occ BINARY CURSOR FOR " OCC_SQL " ORDER BY o.entry_id, o.starts_at"))
        goto out;
    {
        size_t cursor = 0;
        for (;;) {
            int n;
            if ((r = pg_query(ix, "FETCH 50000 FROM sk_occ", true, "fetch occurrences")) == NULL)
                goto out;
            n = PQntuples(r);
            occ_attach(r, docs, ndocs, &cursor);
            PQclear(r);
            if (n == 0)
                break;
        }
    }
    if (!pg_cmd(ix, "DECLARE sk_docs_c CURSOR FOR " DOCS_SQL " ORDER BY d.entry_id, d.lang"))
        goto out;
    {
        size_t cursor = 0;
        for (;;) {
            int n;
            if ((r = pg_query(ix, "FETCH 20000 FROM sk_docs_c", false, "fetch documents")) == NULL)
                goto out;
            n = PQntuples(r);
            docs_attach(r, docs, ndocs, &cursor, doc_slab);
            PQclear(r);
            if (n == 0)
                break;
        }
    }
    if (!pg_cmd(ix, "COMMIT"))
        goto out;
    int64_t t1 = sx_now_us();
    if ((seg = sx_segment_build(docs, ndocs, cat)) == NULL)
        goto out;
    log_msg(LOG_DEBUG, "search index: read %lld ms, built %lld ms", (long long)(t1 - t0) / 1000,
            (long long)(sx_now_us() - t1) / 1000);
    /* the base's lexicon is built: its documents' tsvector texts are not needed again (a merge
     * reads everything from the database anew) */
    for (size_t i = 0; i < ndocs; i++) {
        if (!docs[i]->tsv_borrowed)
            free(docs[i]->tsv);
        docs[i]->tsv = NULL;
        docs[i]->tsv_borrowed = false;
    }
    sx_slab_unref(tsv_scratch); /* all of them at once, back to the system */
    tsv_scratch = NULL;

    /* swap in the new state */
    sx_segment_unref(ix->base);
    ix->base = seg;
    bm_free(ix->base_dead);
    ix->base_dead = roaring_bitmap_create();
    ix->base_until_pos = 0;
    delta_clear(ix);
    map_clear(ix);
    for (size_t i = 0; i < seg->ndocs; i++) {
        struct id_slot *s = map_find(ix, seg->docs[i]->id, true);
        if (s) {
            s->doc = seg->docs[i];
            s->where = 0;
            s->local = (uint32_t)i;
        }
    }
    sx_catalog_unref(ix->cat);
    ix->cat = cat;
    cat = NULL;
    sx_words_unref(ix->words);
    ix->words = words;
    words = NULL;
    ix->position = horizon;
    ix->word_position = horizon;
    ix->catalog_version = version;
    ok = publish(ix) == 0;
    atomic_store(&ix->build_ms, (sx_now_us() - t0) / 1000);
    malloc_trim(0); /* the load's result sets and scratch go back to the system, not to RSS */
    if (ok)
        log_msg(LOG_INFO, "search index: %zu entries loaded in %lld ms (position %llu)", seg->ndocs,
                (long long)((sx_now_us() - t0) / 1000), (unsigned long long)horizon);
out:
    if (!ok && PQtransactionStatus(ix->pg) != PQTRANS_IDLE)
        pg_cmd(ix, "ROLLBACK");
    for (size_t i = 0; i < ndocs; i++)
        sx_doc_unref(docs[i]);
    free(docs);
    sx_slab_unref(tsv_scratch); /* after the documents that borrow from it */
    sx_slab_unref(doc_slab);    /* the loader's reference: the documents hold theirs */
    sx_catalog_unref(cat);
    sx_words_unref(words);
    return ok ? 0 : -1;
}

/* =========================================================================================== */
/* Following                                                                                   */

/* Forget an entry's current document (dead in the base, out of the delta). */
static void forget(struct sindex *ix, struct id_slot *s)
{
    if (s->where == 0) {
        roaring_bitmap_add(ix->base_dead, s->local);
    } else if (s->where == 1) {
        for (size_t i = 0; i < ix->ndelta; i++)
            if (ix->delta[i] == s->doc) {
                sx_doc_unref(ix->delta[i]);
                ix->delta[i] = ix->delta[--ix->ndelta];
                break;
            }
    }
    s->where = -1;
    s->doc = NULL;
}

static int catch_up(struct sindex *ix)
{
    uint64_t horizon, poll = atomic_fetch_add(&ix->poll_started, 1) + 1;
    int64_t version;
    char pos[32];
    const char *params[1] = { pos };
    PGresult *r = NULL, *w = NULL, *o = NULL;
    struct sx_doc **fresh = NULL; /* per row of r: its new document, or NULL */
    bool changed = false;
    int rc = -1, rows;

    if (!pg_cmd(ix, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"))
        return -1;
    if (!read_state(ix, &horizon, &version))
        goto out;
    if (version != ix->catalog_version) {
        pg_cmd(ix, "COMMIT");
        rc = full_load(ix);
        if (rc == 0) {
            atomic_store(&ix->poll_done, poll);
            atomic_store(&ix->caught_up_us, sx_now_us());
        }
        return rc;
    }
    snprintf(pos, sizeof(pos), "%llu", (unsigned long long)ix->position);
    /* what changed (an index range, usually empty), then those entries' rows */
    r = PQexecParams(ix->pg, "SELECT count(*) FROM feed_items f WHERE f.modified >= $1::bigint", 1, NULL, params, NULL,
                     NULL, 0);
    if (!pg_ok(ix, r, "changes"))
        goto out;
    bool none = PQntuples(r) == 1 && strcmp(PQgetvalue(r, 0, 0), "0") == 0;
    PQclear(r);
    r = PQexecParams(ix->pg,
                     none ? "SELECT NULL WHERE false"
                          : "SELECT f.id, f.modified, " DOC_COLUMNS
                            " FROM feed_items f LEFT JOIN sk_index_rows r ON r.id = f.id"
                            " WHERE f.modified >= $1::bigint ORDER BY f.id",
                     none ? 0 : 1, NULL, none ? NULL : params, NULL, NULL, 0);
    if (!pg_ok(ix, r, "changes"))
        goto out;
    rows = PQntuples(r);
    if (rows && (fresh = calloc((size_t)rows, sizeof(*fresh))) == NULL)
        goto out;
    {
        /* the new documents (rows are by id), and their occurrences in the same snapshot */
        size_t nfresh = 0, cursor = 0, cap = 64, len = 0;
        char *ids = malloc(cap);
        struct sx_doc **list = malloc(((size_t)rows + 1) * sizeof(*list));
        if (ids == NULL || list == NULL) {
            free(ids);
            free(list);
            goto out;
        }
        ids[len++] = '{';
        for (int i = 0; i < rows; i++) {
            uint8_t id[16];
            int64_t modified = strtoll(PQgetvalue(r, i, 1), NULL, 10);
            struct id_slot *sl;
            if (PQgetisnull(r, i, 2) || sx_uuid_parse(PQgetvalue(r, i, 0), id) < 0)
                continue;
            sl = map_find(ix, id, false);
            if (sl && sl->where >= 0 && sl->doc->modified == modified)
                continue; /* applied already */
            if ((fresh[i] = doc_from_row(r, i, 2, NULL, NULL)) == NULL)
                continue;
            fresh[i]->modified = modified;
            list[nfresh++] = fresh[i];
            if (fresh[i]->kind == SX_ACTIVITY) {
                if (len + 40 > cap) {
                    char *n2 = realloc(ids, cap * 2 + 40);
                    if (n2 == NULL)
                        continue;
                    ids = n2;
                    cap = cap * 2 + 40;
                }
                len += (size_t)snprintf(ids + len, cap - len, "%s%s", len > 1 ? "," : "", fresh[i]->id_text);
            }
        }
        ids[len++] = '}';
        ids[len] = '\0';
        if (len > 2) {
            const char *p1[1] = { ids };
            o = PQexecParams(ix->pg, OCC_SQL " WHERE o.entry_id = ANY ($1::uuid[]) ORDER BY o.entry_id, o.starts_at", 1,
                             NULL, p1, NULL, NULL, 1);
            if (pg_ok(ix, o, "changed occurrences"))
                occ_attach(o, list, nfresh, &cursor);
        }
        if (nfresh) {
            /* every new document's texts: ids of all of them */
            PGresult *dr;
            len = 0;
            ids[len++] = '{';
            for (size_t k = 0; k < nfresh; k++) {
                if (len + 40 > cap) {
                    char *n2 = realloc(ids, cap * 2 + 40);
                    if (n2 == NULL)
                        break;
                    ids = n2;
                    cap = cap * 2 + 40;
                }
                len += (size_t)snprintf(ids + len, cap - len, "%s%s", k ? "," : "", list[k]->id_text);
            }
            ids[len++] = '}';
            ids[len] = '\0';
            const char *p2[1] = { ids };
            size_t dc = 0;
            dr = PQexecParams(ix->pg, DOCS_SQL " WHERE d.entry_id = ANY ($1::uuid[]) ORDER BY d.entry_id, d.lang", 1,
                              NULL, p2, NULL, NULL, 0);
            bool dok = pg_ok(ix, dr, "changed documents") && docs_attach(dr, list, nfresh, &dc, NULL) == 0;
            PQclear(dr);
            if (!dok) {
                free(ids);
                free(list);
                goto out;
            }
        }
        free(ids);
        free(list);
        if (o && PQresultStatus(o) != PGRES_TUPLES_OK)
            goto out;
    }
    snprintf(pos, sizeof(pos), "%llu", (unsigned long long)ix->word_position);
    w = PQexecParams(ix->pg, "SELECT word FROM sk_words WHERE added >= $1::bigint", 1, NULL, params, NULL, NULL, 0);
    if (!pg_ok(ix, w, "new words"))
        goto out;
    if (!pg_cmd(ix, "COMMIT"))
        goto out;

    for (int i = 0; i < rows; i++) {
        uint8_t id[16];
        int64_t modified = strtoll(PQgetvalue(r, i, 1), NULL, 10);
        struct id_slot *s;
        bool visible = !PQgetisnull(r, i, 2);
        if (sx_uuid_parse(PQgetvalue(r, i, 0), id) < 0)
            continue;
        s = map_find(ix, id, false);
        if (s && s->where >= 0 && visible && s->doc->modified == modified)
            continue; /* applied already */
        if (s && s->where < 0 && !visible)
            continue;
        if (s)
            forget(ix, s);
        changed = true;
        if (!visible || fresh[i] == NULL)
            continue;
        struct sx_doc *d = fresh[i];
        fresh[i] = NULL;
        if (ix->ndelta == ix->capdelta) {
            size_t ncap = ix->capdelta ? ix->capdelta * 2 : 256;
            struct sx_doc **nd = realloc(ix->delta, ncap * sizeof(*nd));
            if (nd == NULL) {
                sx_doc_unref(d);
                continue;
            }
            ix->delta = nd;
            ix->capdelta = ncap;
        }
        ix->delta[ix->ndelta++] = d;
        if ((s = map_find(ix, id, true)) != NULL) {
            s->doc = d;
            s->where = 1;
        }
    }
    if (PQntuples(w) > 0) {
        struct sx_words *nw = words_merge(ix, ix->words, w);
        if (nw && nw->n != (ix->words ? ix->words->n : 0)) {
            sx_words_unref(ix->words);
            ix->words = nw;
            changed = true;
        } else {
            sx_words_unref(nw);
        }
    }
    ix->position = horizon;
    ix->word_position = horizon;
    if (changed || next_expiry(ix) <= sx_now_us()) {
        /* a change, or an entry whose moment passed: a new snapshot (and the reply caches go) */
        size_t dead = roaring_bitmap_get_cardinality(ix->base_dead);
        size_t limit = ix->base->ndocs / 16 > 2000 ? ix->base->ndocs / 16 : 2000;
        if (ix->ndelta + dead > limit)
            rc = full_load(ix); /* merge: a new base from the database */
        else
            rc = publish(ix);
    } else {
        atomic_store(&ix->position_pub, ix->position);
        rc = 0;
    }
    if (rc == 0) {
        atomic_store(&ix->poll_done, poll);
        atomic_store(&ix->caught_up_us, sx_now_us());
    }
out:
    if (rc < 0 && ix->pg && PQtransactionStatus(ix->pg) == PQTRANS_INTRANS)
        pg_cmd(ix, "ROLLBACK");
    for (int i = 0; fresh && i < PQntuples(r); i++)
        sx_doc_unref(fresh[i]);
    free(fresh);
    PQclear(r);
    PQclear(w);
    PQclear(o);
    return rc;
}

/* =========================================================================================== */
/* The thread                                                                                  */

static void drain(int fd)
{
    char buf[256];
    while (read(fd, buf, sizeof(buf)) > 0) {
    }
}

static void *follow_main(void *arg)
{
    struct sindex *ix = arg;
    int64_t backoff_ms = 100;
    bool loaded = false;

    while (!atomic_load(&ix->stopping)) {
        struct pollfd fds[2];
        int64_t wait_ms = 250;
        if (!pg_connect(ix) || (!loaded && full_load(ix) < 0) || (loaded && catch_up(ix) < 0)) {
            if (ix->pg && PQstatus(ix->pg) != CONNECTION_OK) {
                PQfinish(ix->pg);
                ix->pg = NULL;
            }
            wait_ms = backoff_ms;
            backoff_ms = backoff_ms * 2 > 5000 ? 5000 : backoff_ms * 2;
        } else {
            if (!loaded) {
                atomic_store(&ix->caught_up_us, sx_now_us());
                atomic_fetch_add(&ix->poll_done, 0);
            }
            loaded = true;
            backoff_ms = 100;
            notify_subscribers(ix); /* writes waiting for this catch-up may answer */
            /* wake at the next moment an entry expires by time */
            int64_t next = next_expiry(ix);
            if (next != INT64_MAX) {
                next -= sx_now_us();
                if (next / 1000 + 1 < wait_ms)
                    wait_ms = next > 0 ? next / 1000 + 1 : 0;
            }
        }
        fds[0].fd = ix->wake[0];
        fds[0].events = POLLIN;
        fds[1].fd = ix->pg ? PQsocket(ix->pg) : -1;
        fds[1].events = POLLIN;
        if (poll(fds, 2, (int)wait_ms) > 0) {
            if (fds[0].revents)
                drain(ix->wake[0]);
            if (fds[1].revents && ix->pg) {
                PGnotify *n;
                PQconsumeInput(ix->pg);
                while ((n = PQnotifies(ix->pg)) != NULL)
                    PQfreemem(n);
            }
        }
    }
    return NULL;
}

struct sindex *sindex_start(const struct sk_config *cfg, const char *conninfo, _Atomic uint64_t *write_gen)
{
    struct sindex *ix = calloc(1, sizeof(*ix));
    if (ix == NULL)
        return NULL;
    ix->cfg = cfg;
    ix->write_gen = write_gen;
    ix->conninfo = strdup(conninfo);
    pthread_mutex_init(&ix->subs_lock, NULL);
    if (ix->conninfo == NULL || pipe2(ix->wake, O_NONBLOCK | O_CLOEXEC) < 0) {
        free(ix->conninfo);
        free(ix);
        return NULL;
    }
    if (pthread_create(&ix->thread, NULL, follow_main, ix) != 0) {
        close(ix->wake[0]);
        close(ix->wake[1]);
        free(ix->conninfo);
        free(ix);
        return NULL;
    }
    return ix;
}

void sindex_stop(struct sindex *ix)
{
    struct word_block *b;
    if (ix == NULL)
        return;
    atomic_store(&ix->stopping, true);
    if (write(ix->wake[1], "x", 1) < 0) {
        /* the pipe is non-blocking and the follower drains it: nothing to do */
    }
    pthread_join(ix->thread, NULL);
    sx_snapshot_free(ix->current);
    sx_segment_unref(ix->base);
    bm_free(ix->base_dead);
    delta_clear(ix);
    free(ix->delta);
    map_clear(ix);
    sx_catalog_unref(ix->cat);
    sx_words_unref(ix->words);
    while ((b = ix->wstore) != NULL) {
        ix->wstore = b->next;
        free(b);
    }
    if (ix->pg)
        PQfinish(ix->pg);
    close(ix->wake[0]);
    close(ix->wake[1]);
    pthread_mutex_destroy(&ix->subs_lock);
    free(ix->conninfo);
    free(ix);
}

void sindex_status(struct sindex *ix, struct sindex_status *out)
{
    int64_t caught = atomic_load(&ix->caught_up_us);
    memset(out, 0, sizeof(*out));
    urcu_memb_read_lock();
    out->loaded = rcu_dereference(ix->current) != NULL;
    urcu_memb_read_unlock();
    out->entries = atomic_load(&ix->entries);
    out->position = atomic_load(&ix->position_pub);
    out->lag_ms = caught ? (sx_now_us() - caught) / 1000 : -1;
    out->lagging = !out->loaded || out->lag_ms > ix->cfg->search_index_max_lag_ms;
    out->build_ms = atomic_load(&ix->build_ms);
    out->index_bytes = atomic_load(&ix->index_bytes);
    out->doc_bytes = atomic_load(&ix->doc_bytes);
    out->publishes = atomic_load(&ix->publishes);
}

uint64_t sindex_ticket(struct sindex *ix)
{
    uint64_t t = atomic_load(&ix->poll_started) + 1;
    if (write(ix->wake[1], "t", 1) < 0) {
        /* full pipe: the follower is awake anyway */
    }
    return t;
}

bool sindex_caught_up(struct sindex *ix, uint64_t ticket)
{
    return atomic_load(&ix->poll_done) >= ticket;
}

void sindex_unsubscribe(struct sindex *ix, struct event *ev)
{
    pthread_mutex_lock(&ix->subs_lock);
    for (int i = 0; i < ix->nsubs; i++)
        if (ix->subs[i] == ev) {
            ix->subs[i] = ix->subs[--ix->nsubs];
            break;
        }
    pthread_mutex_unlock(&ix->subs_lock);
}

int sindex_subscribe(struct sindex *ix, struct event *ev)
{
    int rc = -1;
    pthread_mutex_lock(&ix->subs_lock);
    if (ix->nsubs < MAX_SUBSCRIBERS) {
        ix->subs[ix->nsubs++] = ev;
        rc = 0;
    }
    pthread_mutex_unlock(&ix->subs_lock);
    return rc;
}
