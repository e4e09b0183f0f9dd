/*
 * sindex.c — segments of the search index: building them from documents and
 * answering a search from a snapshot (see sindex.h for the design, and
 * api_search in sql/api/search.sql for the semantics it must equal).
 *
 * A search runs per segment: the filters become one bitmap of local ids
 * (intersections of posting bitmaps; time windows, distance and opening hours
 * are checked per candidate), dead and just-expired documents are removed,
 * every facet value is counted as an intersection cardinality, and the page
 * is chosen with a bounded heap on (sort key, id) after the cursor. Nothing is
 * locked: the snapshot is read under rcu_read_lock and never changes.
 */
#include "sindex.h"
#include "sindex_int.h"

#include <event2/buffer.h>
#include <json-c/json.h>
#include <math.h>
#include <openssl/evp.h>
#include <proj.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <urcu/urcu-memb.h>

#include "cursor.h"
#include "search.h"
#include "textsearch.h"
#include "utf8.h"

/* =========================================================================================== */
/* Small helpers                                                                               */

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

int sx_uuid_parse(const char *s, uint8_t out[16])
{
    int k = 0;
    for (const char *p = s; *p && k < 32; p++) {
        int v;
        if (*p == '-')
            continue;
        if ((v = hexval(*p)) < 0)
            return -1;
        if (k % 2 == 0)
            out[k / 2] = (uint8_t)(v << 4);
        else
            out[k / 2] |= (uint8_t)v;
        k++;
    }
    return k == 32 ? 0 : -1;
}

/*
 * A PostgreSQL text[] literal ({a,b,"c d"}) into a NULL-terminated array of
 * strings in one allocation. NULL elements are dropped. 0, or -1 when malformed.
 */
int sx_parse_text_array(const char *s, char ***out, size_t *n, struct sx_slab *slab)
{
    size_t len = strlen(s), count = 0, cap = 2;
    char **arr, *store;
    const char *p = s;

    *out = NULL;
    *n = 0;
    if (len < 2 || s[0] != '{')
        return -1;
    for (const char *q = s; *q; q++)
        cap += *q == ',';
    arr = slab ? sx_slab_alloc(slab, cap * sizeof(char *) + len + 1) : malloc(cap * sizeof(char *) + len + 1);
    if (arr == NULL)
        return -1;
    store = (char *)(arr + cap);
    p++;
    while (*p && *p != '}') {
        char *start = store;
        bool quoted = *p == '"', is_null = false;
        if (quoted) {
            p++;
            while (*p && *p != '"') {
                if (*p == '\\' && p[1])
                    p++;
                *store++ = *p++;
            }
            if (*p != '"') {
                if (slab == NULL)
                    free(arr);
                return -1;
            }
            p++;
        } else {
            while (*p && *p != ',' && *p != '}')
                *store++ = *p++;
            is_null = store - start == 4 && !memcmp(start, "NULL", 4);
        }
        *store++ = '\0';
        if (!is_null)
            arr[count++] = start;
        if (*p == ',')
            p++;
    }
    arr[count] = NULL;
    *out = arr;
    *n = count;
    return 0;
}

/* =========================================================================================== */
/* Reference counting                                                                          */

enum {
    SLAB_CHUNK = 1 << 20
};

struct slab_chunk {
    struct slab_chunk *next;
    size_t used, size; /* bytes of the mapping, this header included */
};

struct sx_slab {
    _Atomic uint32_t refs;
    struct slab_chunk *chunks; /* the newest first; mapped with mmap, never through malloc */
    size_t bytes;
};

struct sx_slab *sx_slab_new(void)
{
    struct sx_slab *s = calloc(1, sizeof(*s));
    if (s)
        atomic_init(&s->refs, 1);
    return s;
}

void *sx_slab_alloc(struct sx_slab *s, size_t n)
{
    struct slab_chunk *c = s->chunks;
    size_t need = (n + 7) & ~(size_t)7;
    if (c == NULL || c->used + need > c->size) {
        size_t size = need + sizeof(*c) > SLAB_CHUNK ? need + sizeof(*c) : SLAB_CHUNK;
        void *m = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (m == MAP_FAILED)
            return NULL;
        c = m;
        c->next = s->chunks;
        c->used = (sizeof(*c) + 7) & ~(size_t)7;
        c->size = size;
        s->chunks = c;
        s->bytes += size;
    }
    char *out = (char *)c + c->used;
    c->used += need;
    return out; /* zero: a fresh mapping, never reused */
}

char *sx_slab_copy(struct sx_slab *s, const char *text, size_t len)
{
    char *out = sx_slab_alloc(s, len + 1);
    if (out) {
        memcpy(out, text, len);
        out[len] = '\0';
    }
    return out;
}

void sx_slab_ref(struct sx_slab *s)
{
    atomic_fetch_add(&s->refs, 1);
}

void sx_slab_unref(struct sx_slab *s)
{
    if (s == NULL || atomic_fetch_sub(&s->refs, 1) != 1)
        return;
    for (struct slab_chunk *c = s->chunks, *next; c; c = next) {
        next = c->next;
        munmap(c, c->size);
    }
    free(s);
}

size_t sx_slab_bytes(const struct sx_slab *s)
{
    return s ? s->bytes : 0;
}

void sx_doc_unref(struct sx_doc *d)
{
    if (d == NULL || atomic_fetch_sub(&d->refs, 1) != 1)
        return;
    if (d->in_slab) { /* the document and all but its occurrences and translation list */
        if (!d->tsv_borrowed)
            free(d->tsv);
        free(d->occ);
        free(d->tr);
        sx_slab_unref(d->slab); /* may unmap d itself */
        return;
    }
    free(d->municipality);
    free(d->place_type);
    free(d->areas);
    free(d->themes);
    free(d->audiences);
    free(d->access);
    free(d->languages);
    free(d->campaigns);
    free(d->channels);
    free(d->also_serves);
    if (!d->tsv_borrowed)
        free(d->tsv);
    free(d->open);
    free(d->occ);
    if (d->slab == NULL) {
        free(d->doc);
        for (size_t i = 0; i < d->ntr; i++)
            free(d->tr[i].doc);
    }
    free(d->tr);
    sx_slab_unref(d->slab);
    free(d);
}

static void field_free(struct sx_field *f)
{
    for (size_t i = 0; i < f->n; i++)
        bm_free(f->v[i].bm);
    free(f->v);
}

void sx_segment_unref(struct sx_segment *s)
{
    if (s == NULL || atomic_fetch_sub(&s->refs, 1) != 1)
        return;
    for (size_t i = 0; i < s->ndocs; i++)
        sx_doc_unref(s->docs[i]);
    free(s->docs);
    free(s->by_id);
    free(s->by_until);
    free(s->hot);
    free(s->when);
    for (size_t i = 0; i < s->nhours; i++)
        bm_free(s->hour[i]);
    free(s->hour);
    free(s->hour_off);
    free(s->slots);
    free(s->slot_off);
    for (size_t i = 0; i < s->ncells; i++)
        bm_free(s->cells[i].bm);
    free(s->cells);
    free(s->cell_pts);
    for (int k = 0; k < SX_NKINDS; k++)
        bm_free(s->kind[k]);
    bm_free(s->free);
    bm_free(s->discount);
    bm_free(s->geo);
    bm_free(s->drop_in);
    bm_free(s->referral);
    bm_free(s->indication);
    field_free(&s->municipality);
    field_free(&s->area);
    field_free(&s->whole);
    field_free(&s->theme);
    field_free(&s->audience);
    field_free(&s->org);
    field_free(&s->access);
    field_free(&s->language);
    field_free(&s->campaign);
    field_free(&s->place_type);
    field_free(&s->channel);
    for (size_t i = 0; i < s->nlex; i++)
        for (int c = 0; c < 4; c++)
            bm_free(s->lex[i].bm[c]);
    free(s->lex);
    free(s->lex_store);
    sx_catalog_unref(s->cat);
    free(s);
}

void sx_catalog_unref(struct sx_catalog *c)
{
    if (c == NULL || atomic_fetch_sub(&c->refs, 1) != 1)
        return;
    for (size_t i = 0; i < c->nareas; i++) {
        free(c->areas[i].code);
        free(c->areas[i].municipality);
        free(c->areas[i].parent);
        free(c->areas[i].kids);
    }
    for (size_t i = 0; i < c->nthemes; i++) {
        free(c->themes[i].code);
        free(c->themes[i].parent);
    }
    for (size_t i = 0; i < c->naudiences; i++)
        free(c->audiences[i]);
    for (size_t i = 0; i < c->ncampaigns; i++)
        free(c->campaigns[i]);
    for (size_t i = 0; i < c->nplace_types; i++)
        free(c->place_types[i]);
    for (size_t i = 0; i < c->nfeatures; i++) {
        free(c->features[i].code);
        free(c->features[i].allowed);
    }
    free(c->areas);
    free(c->themes);
    free(c->audiences);
    free(c->campaigns);
    free(c->place_types);
    free(c->features);
    free(c->orgs);
    free(c);
}

void sx_words_unref(struct sx_words *w)
{
    if (w == NULL || atomic_fetch_sub(&w->refs, 1) != 1)
        return;
    free(w->v);
    free(w);
}

void sx_snapshot_free(struct sx_snapshot *s)
{
    if (s == NULL)
        return;
    sx_catalog_unref(s->cat);
    sx_words_unref(s->words);
    for (int i = 0; i < 2; i++) {
        sx_segment_unref(s->seg[i]);
        bm_free(s->dead[i]);
    }
    free(s);
}

/* =========================================================================================== */
/* Catalog lookups                                                                             */

/* The catalog's arrays are sorted by their first member, the code (bytes); libc's bsearch finds it. */
static int code_key_cmp(const void *key, const void *elem)
{
    return strcmp((const char *)key, *(char *const *)elem);
}

static const struct sx_area *cat_area(const struct sx_catalog *c, const char *code)
{
    return bsearch(code, c->areas, c->nareas, sizeof(*c->areas), code_key_cmp);
}

static const struct sx_theme *cat_theme(const struct sx_catalog *c, const char *code)
{
    return bsearch(code, c->themes, c->nthemes, sizeof(*c->themes), code_key_cmp);
}

static bool cat_audience(const struct sx_catalog *c, const char *code)
{
    return bsearch(code, c->audiences, c->naudiences, sizeof(*c->audiences), code_key_cmp) != NULL;
}

static bool cat_campaign(const struct sx_catalog *c, const char *code)
{
    return c->ncampaigns && bsearch(code, c->campaigns, c->ncampaigns, sizeof(*c->campaigns), code_key_cmp) != NULL;
}

static bool cat_place_type(const struct sx_catalog *c, const char *code)
{
    return c->nplace_types &&
           bsearch(code, c->place_types, c->nplace_types, sizeof(*c->place_types), code_key_cmp) != NULL;
}

static const struct sx_feature *cat_feature(const struct sx_catalog *c, const char *code)
{
    return bsearch(code, c->features, c->nfeatures, sizeof(*c->features), code_key_cmp);
}

static int org_key_cmp(const void *key, const void *elem)
{
    return memcmp(key, elem, 16);
}

static bool cat_org(const struct sx_catalog *c, const uint8_t id[16])
{
    return bsearch(id, c->orgs, c->norgs, 16, org_key_cmp) != NULL;
}

/* =========================================================================================== */
/* Building a segment                                                                          */

struct pair {
    const char *key;
    uint32_t id;
    uint8_t weight; /* lexemes: class 0..3 (A..D) */
};

struct pairs {
    struct pair *v;
    size_t n, cap;
};

static int pairs_add(struct pairs *p, const char *key, uint32_t id, uint8_t weight)
{
    if (p->n == p->cap) {
        size_t cap = p->cap ? p->cap * 2 : 1024;
        struct pair *v = realloc(p->v, cap * sizeof(*v));
        if (v == NULL)
            return -1;
        p->v = v;
        p->cap = cap;
    }
    p->v[p->n++] = (struct pair){ key, id, weight };
    return 0;
}

/*
 * Strings to small ids (open addressing): building a segment sorts integers, not
 * strings. The keys stay borrowed.
 */
struct strtab {
    const char **keys; /* by id */
    uint32_t *slot;    /* id + 1, 0 = empty */
    size_t n, cap;     /* cap: slots, a power of two */
};

static uint64_t str_hash(const char *s)
{
    uint64_t h = 1469598103934665603ULL;
    while (*s)
        h = (h ^ (uint8_t)*s++) * 1099511628211ULL;
    return h;
}

static void strtab_free(struct strtab *t)
{
    free(t->keys);
    free(t->slot);
    memset(t, 0, sizeof(*t));
}

/* The id of key (added when new); -1 when out of memory. */
static long strtab_id(struct strtab *t, const char *key)
{
    if ((t->n + 1) * 2 > t->cap) {
        size_t ncap = t->cap ? t->cap * 2 : 1024;
        uint32_t *ns = calloc(ncap, sizeof(*ns));
        const char **nk = realloc(t->keys, (ncap / 2) * sizeof(*nk));
        if (ns == NULL || nk == NULL) {
            free(ns);
            if (nk)
                t->keys = nk;
            return -1;
        }
        t->keys = nk;
        for (size_t i = 0; i < t->n; i++) {
            size_t j = str_hash(t->keys[i]) & (ncap - 1);
            while (ns[j])
                j = (j + 1) & (ncap - 1);
            ns[j] = (uint32_t)i + 1;
        }
        free(t->slot);
        t->slot = ns;
        t->cap = ncap;
    }
    for (size_t j = str_hash(key) & (t->cap - 1);; j = (j + 1) & (t->cap - 1)) {
        if (t->slot[j] == 0) {
            t->keys[t->n] = key;
            t->slot[j] = (uint32_t)++t->n;
            return (long)t->n - 1;
        }
        if (!strcmp(t->keys[t->slot[j] - 1], key))
            return (long)t->slot[j] - 1;
    }
}

static _Thread_local const char *const *sort_keys; /* qsort context */

static int key_id_cmp(const void *a, const void *b)
{
    return strcmp(sort_keys[*(const uint32_t *)a], sort_keys[*(const uint32_t *)b]);
}

/*
 * Postings from pairs added in increasing document order: counted per key,
 * placed (so each key's documents stay in order), keys sorted by text once.
 */
static int field_build(struct pairs *p, struct sx_field *f, size_t *bytes)
{
    struct strtab t = { 0 };
    uint32_t *kid = malloc((p->n ? p->n : 1) * sizeof(*kid)), *start = NULL, *docs = NULL, *order = NULL;
    int rc = -1;
    for (size_t i = 0; kid && i < p->n; i++) {
        long id = strtab_id(&t, p->v[i].key);
        if (id < 0)
            goto out;
        kid[i] = (uint32_t)id;
    }
    start = calloc(t.n + 1, sizeof(*start));
    docs = malloc((p->n ? p->n : 1) * sizeof(*docs));
    order = malloc((t.n ? t.n : 1) * sizeof(*order));
    if (kid == NULL || start == NULL || docs == NULL || order == NULL)
        goto out;
    for (size_t i = 0; i < p->n; i++)
        start[kid[i] + 1]++;
    for (size_t k = 0; k < t.n; k++)
        start[k + 1] += start[k];
    {
        uint32_t *pos = malloc((t.n ? t.n : 1) * sizeof(*pos));
        if (pos == NULL)
            goto out;
        memcpy(pos, start, t.n * sizeof(*pos));
        for (size_t i = 0; i < p->n; i++)
            docs[pos[kid[i]]++] = p->v[i].id;
        free(pos);
    }
    for (size_t k = 0; k < t.n; k++)
        order[k] = (uint32_t)k;
    sort_keys = t.keys;
    qsort(order, t.n, sizeof(*order), key_id_cmp);
    f->v = calloc(t.n ? t.n : 1, sizeof(*f->v));
    if (f->v == NULL)
        goto out;
    f->n = 0;
    for (size_t o = 0; o < t.n; o++) {
        uint32_t k = order[o];
        roaring_bitmap_t *bm = roaring_bitmap_create();
        if (bm == NULL)
            goto out;
        roaring_bitmap_add_many(bm, start[k + 1] - start[k], docs + start[k]);
        roaring_bitmap_run_optimize(bm);
        *bytes += roaring_bitmap_size_in_bytes(bm) + sizeof(struct sx_posting);
        f->v[f->n++] = (struct sx_posting){ t.keys[k], bm };
    }
    rc = 0;
out:
    free(kid);
    free(start);
    free(docs);
    free(order);
    strtab_free(&t);
    p->n = 0;
    return rc;
}

static int doc_order(const void *a, const void *b)
{
    const struct sx_doc *x = *(struct sx_doc *const *)a, *y = *(struct sx_doc *const *)b;
    if (x->created_us != y->created_us)
        return x->created_us > y->created_us ? -1 : 1;
    return memcmp(x->id, y->id, 16);
}

static _Thread_local const struct sx_segment *sort_seg; /* qsort context */

static int by_id_cmp(const void *a, const void *b)
{
    return memcmp(sort_seg->docs[*(const uint32_t *)a]->id, sort_seg->docs[*(const uint32_t *)b]->id, 16);
}

static int by_until_cmp(const void *a, const void *b)
{
    int64_t x = sort_seg->docs[*(const uint32_t *)a]->until_us, y = sort_seg->docs[*(const uint32_t *)b]->until_us;
    return x < y ? -1 : x > y;
}

/*
 * The lexemes of a tsvector's text ('koffi':1A,5 'ochtend':2B) with the class
 * of their strongest position (A=0 .. D=3), unescaped into store. Returns the
 * number of lexemes, -1 when malformed.
 */
static long tsv_parse(const char *s, char *store, const char **lex, uint8_t *cls, size_t max)
{
    size_t n = 0;
    const char *p = s;
    while (*p) {
        char *start = store;
        uint8_t best = 3;
        while (*p == ' ')
            p++;
        if (*p == '\0')
            break;
        if (*p != '\'')
            return -1;
        p++;
        for (;;) {
            if (*p == '\0')
                return -1;
            if (*p == '\'' && p[1] == '\'') {
                *store++ = '\'';
                p += 2;
            } else if (*p == '\'') {
                p++;
                break;
            } else if (*p == '\\' && p[1]) {
                *store++ = p[1];
                p += 2;
            } else {
                *store++ = *p++;
            }
        }
        *store++ = '\0';
        if (*p == ':') {
            p++;
            while (*p && *p != ' ') {
                while (*p >= '0' && *p <= '9')
                    p++;
                if (*p >= 'A' && *p <= 'C') {
                    uint8_t c = (uint8_t)(*p - 'A');
                    best = c < best ? c : best;
                    p++;
                }
                if (*p == ',')
                    p++;
                else if (*p && *p != ' ')
                    return -1;
            }
        }
        if (n < max) {
            lex[n] = start;
            cls[n] = best;
            n++;
        }
    }
    return (long)n;
}

/*
 * The lexicon: every document's lexemes (parsed from its tsvector text) interned,
 * (lexeme, document, class) placed per lexeme in document order by a counting
 * sort, lexemes sorted by text once, one bitmap per lexeme and weight class.
 */
static int segment_lexicon(struct sx_segment *s, size_t *bytes)
{
    size_t total = 0, nl = 0, cap = 0, store_len = 0;
    char *tmp = NULL, *tp;
    uint32_t *lid = NULL, *ldoc = NULL, *start = NULL, *order = NULL, *pos = NULL;
    uint8_t *lcls = NULL;
    struct strtab t = { 0 };
    enum {
        MAXLEX = 4096
    };
    const char **lex = malloc(MAXLEX * sizeof(*lex));
    uint8_t *cls = malloc(MAXLEX);
    int rc = -1;

    for (size_t i = 0; i < s->ndocs; i++)
        total += (s->docs[i]->tsv ? strlen(s->docs[i]->tsv) : 0) + 1;
    tmp = malloc(total + 1);
    if (tmp == NULL || lex == NULL || cls == NULL)
        goto out;
    tp = tmp;
    for (size_t i = 0; i < s->ndocs; i++) {
        const char *tsv = s->docs[i]->tsv ? s->docs[i]->tsv : "";
        long k = tsv_parse(tsv, tp, lex, cls, MAXLEX);
        if (k < 0)
            k = 0;
        if (nl + (size_t)k > cap) {
            size_t ncap = cap ? cap * 2 : 65536;
            while (ncap < nl + (size_t)k)
                ncap *= 2;
            uint32_t *a1 = realloc(lid, ncap * sizeof(*a1));
            if (a1)
                lid = a1;
            uint32_t *a2 = realloc(ldoc, ncap * sizeof(*a2));
            if (a2)
                ldoc = a2;
            uint8_t *a3 = realloc(lcls, ncap);
            if (a3)
                lcls = a3;
            if (a1 == NULL || a2 == NULL || a3 == NULL)
                goto out;
            cap = ncap;
        }
        for (long j = 0; j < k; j++) {
            long id = strtab_id(&t, lex[j]);
            if (id < 0)
                goto out;
            lid[nl] = (uint32_t)id;
            ldoc[nl] = (uint32_t)i;
            lcls[nl++] = cls[j];
        }
        tp += strlen(tsv) + 1;
    }
    start = calloc(t.n + 1, sizeof(*start));
    order = malloc((t.n ? t.n : 1) * sizeof(*order));
    pos = malloc((t.n ? t.n : 1) * sizeof(*pos));
    uint32_t *placed = malloc((nl ? nl : 1) * sizeof(*placed));
    if (start == NULL || order == NULL || pos == NULL || placed == NULL) {
        free(placed);
        goto out;
    }
    for (size_t i = 0; i < nl; i++)
        start[lid[i] + 1]++;
    for (size_t k = 0; k < t.n; k++)
        start[k + 1] += start[k];
    memcpy(pos, start, t.n * sizeof(*pos));
    for (size_t i = 0; i < nl; i++)
        placed[pos[lid[i]]++] = (uint32_t)i;
    for (size_t k = 0; k < t.n; k++) {
        order[k] = (uint32_t)k;
        store_len += strlen(t.keys[k]) + 1;
    }
    sort_keys = t.keys;
    qsort(order, t.n, sizeof(*order), key_id_cmp);
    s->lex = calloc(t.n ? t.n : 1, sizeof(*s->lex));
    s->lex_store = malloc(store_len + 1);
    if (s->lex == NULL || s->lex_store == NULL) {
        free(placed);
        goto out;
    }
    tp = s->lex_store;
    {
        uint32_t *buf[4];
        size_t nb[4];
        size_t maxlen = 0;
        for (size_t k = 0; k < t.n; k++)
            if (start[k + 1] - start[k] > maxlen)
                maxlen = start[k + 1] - start[k];
        for (int c = 0; c < 4; c++)
            buf[c] = malloc((maxlen ? maxlen : 1) * sizeof(uint32_t));
        for (size_t o = 0; o < t.n; o++) {
            uint32_t k = order[o];
            size_t kl = strlen(t.keys[k]);
            struct sx_lexeme *L = &s->lex[s->nlex++];
            memcpy(tp, t.keys[k], kl + 1);
            L->text = tp;
            tp += kl + 1;
            for (int c = 0; c < 4; c++)
                nb[c] = 0;
            for (uint32_t x = start[k]; x < start[k + 1]; x++) {
                uint32_t i = placed[x];
                if (buf[lcls[i]])
                    buf[lcls[i]][nb[lcls[i]]++] = ldoc[i];
            }
            for (int c = 0; c < 4; c++) {
                if (nb[c] == 0 || buf[c] == NULL)
                    continue;
                if ((L->bm[c] = roaring_bitmap_create()) == NULL)
                    break;
                roaring_bitmap_add_many(L->bm[c], nb[c], buf[c]);
                roaring_bitmap_run_optimize(L->bm[c]);
                *bytes += roaring_bitmap_size_in_bytes(L->bm[c]);
            }
            *bytes += sizeof(*L) + kl + 1;
        }
        for (int c = 0; c < 4; c++)
            free(buf[c]);
    }
    free(placed);
    rc = 0;
out:
    free(tmp);
    free(lid);
    free(ldoc);
    free(lcls);
    free(start);
    free(order);
    free(pos);
    free(lex);
    free(cls);
    strtab_free(&t);
    return rc;
}

static roaring_bitmap_t *bitmap_of(struct sx_segment *s, bool (*pred)(const struct sx_doc *, const void *),
                                   const void *arg, size_t *bytes)
{
    roaring_bitmap_t *bm = roaring_bitmap_create();
    if (bm == NULL)
        return NULL;
    for (size_t i = 0; i < s->ndocs; i++)
        if (pred(s->docs[i], arg))
            roaring_bitmap_add(bm, (uint32_t)i);
    roaring_bitmap_run_optimize(bm);
    *bytes += roaring_bitmap_size_in_bytes(bm);
    return bm;
}

static int when_cmp(const void *a, const void *b)
{
    const struct sx_when *x = a, *y = b;
    if (x->start_min != y->start_min)
        return x->start_min < y->start_min ? -1 : 1;
    return x->id < y->id ? -1 : x->id > y->id;
}

struct cell_pair {
    int64_t key;
    uint32_t id;
};

static int cell_pair_cmp(const void *a, const void *b)
{
    const struct cell_pair *x = a, *y = b;
    if (x->key != y->key)
        return x->key < y->key ? -1 : 1;
    return x->id < y->id ? -1 : x->id > y->id;
}

static int64_t cell_key(double x, double y)
{
    int64_t cx = (int64_t)floor(x / SX_CELL_M), cy = (int64_t)floor(y / SX_CELL_M);
    return (cx << 32) | (int64_t)(uint32_t)cy;
}

static int64_t floor_div(int64_t a, int64_t b)
{
    return a >= 0 ? a / b : -((-a + b - 1) / b);
}

static int u32_cmp(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

/* The hour bitmaps of the time index (s->when sorted) and each hour's offset. */
static int segment_hours(struct sx_segment *s, size_t *bytes)
{
    uint32_t *ids;
    if (s->nwhen == 0)
        return 0;
    s->hour0 = floor_div(s->when[0].start_min, 60);
    s->nhours = (size_t)(floor_div(s->when[s->nwhen - 1].start_min, 60) - s->hour0 + 1);
    s->hour = calloc(s->nhours, sizeof(*s->hour));
    s->hour_off = malloc(s->nhours * sizeof(*s->hour_off));
    ids = malloc(s->nwhen * sizeof(*ids));
    if (s->hour == NULL || s->hour_off == NULL || ids == NULL) {
        free(ids);
        return -1;
    }
    for (size_t i = 0; i < s->nhours; i++)
        s->hour_off[i] = INT16_MAX; /* no occurrence yet */
    for (size_t i = 0; i < s->ndocs; i++)
        for (size_t k = 0; k < s->docs[i]->nocc; k++) {
            const struct sx_occ *o = &s->docs[i]->occ[k];
            int16_t *off = &s->hour_off[floor_div(o->start_min, 60) - s->hour0];
            *off = *off == INT16_MAX || *off == o->start_off ? o->start_off : SX_OFF_MIXED;
        }
    for (size_t i = 0; i < s->nwhen;) {
        int64_t h = floor_div(s->when[i].start_min, 60);
        size_t n = 0;
        while (i < s->nwhen && floor_div(s->when[i].start_min, 60) == h)
            ids[n++] = s->when[i++].id;
        qsort(ids, n, sizeof(*ids), u32_cmp);
        if ((s->hour[h - s->hour0] = roaring_bitmap_of_ptr(n, ids)) == NULL) {
            free(ids);
            return -1;
        }
        *bytes += roaring_bitmap_size_in_bytes(s->hour[h - s->hour0]) + sizeof(*s->hour) + sizeof(*s->hour_off);
    }
    free(ids);
    return 0;
}

/* The hot array, the time index and the grid. */
static int segment_hot(struct sx_segment *s, size_t *bytes)
{
    size_t nw = 0, ncp = 0;
    struct cell_pair *cp;
    s->hot = calloc(s->ndocs ? s->ndocs : 1, sizeof(*s->hot));
    cp = malloc((s->ndocs ? s->ndocs : 1) * sizeof(*cp));
    if (s->hot == NULL || cp == NULL) {
        free(cp);
        return -1;
    }
    for (size_t i = 0; i < s->ndocs; i++) {
        const struct sx_doc *d = s->docs[i];
        struct sx_hot *h = &s->hot[i];
        h->x = d->x;
        h->y = d->y;
        h->idhi = 0;
        for (int b = 0; b < 8; b++)
            h->idhi = (h->idhi << 8) | d->id[b];
        h->created_us = d->created_us;
        h->updated_us = d->updated_us;
        h->occ_mask = d->occ_mask;
        h->kind = d->kind;
        h->geo = d->has_geo;
        nw += d->nocc;
        if (d->has_geo)
            cp[ncp++] = (struct cell_pair){ cell_key(d->x, d->y), (uint32_t)i };
    }
    s->when = malloc((nw ? nw : 1) * sizeof(*s->when));
    if (s->when == NULL) {
        free(cp);
        return -1;
    }
    for (size_t i = 0; i < s->ndocs; i++)
        for (size_t k = 0; k < s->docs[i]->nocc; k++)
            s->when[s->nwhen++] = (struct sx_when){ s->docs[i]->occ[k].start_min, (uint32_t)i };
    qsort(s->when, s->nwhen, sizeof(*s->when), when_cmp);
    if (segment_hours(s, bytes) < 0) {
        free(cp);
        return -1;
    }
    qsort(cp, ncp, sizeof(*cp), cell_pair_cmp);
    size_t groups = 0;
    for (size_t i = 0; i < ncp; i++)
        groups += i == 0 || cp[i].key != cp[i - 1].key;
    s->cells = calloc(groups ? groups : 1, sizeof(*s->cells));
    s->cell_pts = malloc((ncp ? ncp : 1) * sizeof(*s->cell_pts));
    if (s->cells == NULL || s->cell_pts == NULL) {
        free(cp);
        return -1;
    }
    for (size_t i = 0; i < ncp; i++)
        s->cell_pts[i] = (struct sx_cell_pt){ s->hot[cp[i].id].x, s->hot[cp[i].id].y, cp[i].id };
    for (size_t i = 0; i < ncp;) {
        size_t j = i;
        roaring_bitmap_t *bm = roaring_bitmap_create();
        if (bm == NULL) {
            free(cp);
            return -1;
        }
        while (j < ncp && cp[j].key == cp[i].key)
            roaring_bitmap_add(bm, cp[j++].id);
        roaring_bitmap_run_optimize(bm);
        *bytes += roaring_bitmap_size_in_bytes(bm) + sizeof(struct sx_cell) + (j - i) * sizeof(struct sx_cell_pt);
        s->cells[s->ncells++] = (struct sx_cell){ cp[i].key, bm, (uint32_t)i, (uint32_t)(j - i) };
        i = j;
    }
    free(cp);
    *bytes += s->ndocs * sizeof(*s->hot) + s->nwhen * sizeof(*s->when);
    return 0;
}

/* The facet postings in slot order, calling fn(posting bitmap, slot) for each. */
static const struct sx_field *slot_fields(const struct sx_segment *s, int i)
{
    const struct sx_field *f[] = { &s->municipality, &s->area, &s->whole, &s->theme, &s->audience, &s->access };
    return i < 6 ? f[i] : NULL;
}

/* Does an accessibility value count in the facet (yes; for wheelchair also limited)? */
static bool access_counted(const char *key)
{
    const char *eq = strchr(key, '=');
    if (eq == NULL)
        return false;
    if (!strcmp(eq + 1, "yes"))
        return true;
    return (size_t)(eq - key) == 10 && !strncmp(key, "wheelchair", 10) && !strcmp(eq + 1, "limited");
}

struct slot_fill {
    struct sx_segment *s;
    uint16_t slot;
    bool count_only;
    uint32_t *pos;
};

static bool slot_visit(uint32_t id, void *arg)
{
    struct slot_fill *f = arg;
    if (f->count_only)
        f->s->slot_off[id + 1]++;
    else
        f->s->slots[f->pos[id]++] = f->slot;
    return true;
}

static void slots_each(struct sx_segment *s, struct slot_fill *f)
{
    uint16_t slot = 0;
    for (int k = 0; k < SX_NKINDS; k++) {
        f->slot = slot++;
        roaring_iterate(s->kind[k], slot_visit, f);
    }
    for (int i = 0; slot_fields(s, i); i++) {
        const struct sx_field *fl = slot_fields(s, i);
        for (size_t p = 0; p < fl->n; p++) {
            f->slot = slot++;
            if (fl == &s->access && !access_counted(fl->v[p].key))
                continue; /* never in a facet: the slot stays empty */
            roaring_iterate(fl->v[p].bm, slot_visit, f);
        }
    }
    s->nslots = slot;
}

static int segment_slots(struct sx_segment *s, size_t *bytes)
{
    struct slot_fill f = { s, 0, true, NULL };
    size_t total;
    s->slot_off = calloc(s->ndocs + 1, sizeof(*s->slot_off));
    if (s->slot_off == NULL)
        return -1;
    slots_each(s, &f);
    if (s->nslots > 65535)
        return -1;
    for (size_t i = 0; i < s->ndocs; i++)
        s->slot_off[i + 1] += s->slot_off[i];
    total = s->slot_off[s->ndocs];
    s->slots = malloc((total ? total : 1) * sizeof(*s->slots));
    f.pos = malloc((s->ndocs + 1) * sizeof(*f.pos));
    if (s->slots == NULL || f.pos == NULL) {
        free(f.pos);
        return -1;
    }
    memcpy(f.pos, s->slot_off, (s->ndocs + 1) * sizeof(*f.pos));
    f.count_only = false;
    slots_each(s, &f);
    free(f.pos);
    *bytes += total * sizeof(*s->slots) + (s->ndocs + 1) * sizeof(*s->slot_off);
    return 0;
}

static bool is_kind(const struct sx_doc *d, const void *k)
{
    return d->kind == *(const uint8_t *)k;
}
static bool is_free(const struct sx_doc *d, const void *a)
{
    (void)a;
    return d->free;
}
static bool is_discount(const struct sx_doc *d, const void *a)
{
    (void)a;
    return d->discount;
}
static bool is_drop_in(const struct sx_doc *d, const void *a)
{
    (void)a;
    return d->drop_in;
}
static bool needs_referral(const struct sx_doc *d, const void *a)
{
    (void)a;
    return d->referral;
}
static bool needs_indication(const struct sx_doc *d, const void *a)
{
    (void)a;
    return d->indication;
}
static bool has_geo(const struct sx_doc *d, const void *a)
{
    (void)a;
    return d->has_geo;
}

/*
 * Add doc's themes and all their ancestors (once each) as theme keys: a search
 * for a theme finds entries of its sub-themes, and the facet counts an entry
 * once in each ancestor. Only themes the catalog knows count, as in SQL.
 */
static int theme_closure(const struct sx_catalog *cat, const struct sx_doc *d, uint32_t id, struct pairs *p)
{
    const char *seen[64];
    size_t nseen = 0;
    for (size_t i = 0; i < d->nthemes; i++) {
        const struct sx_theme *t = cat_theme(cat, d->themes[i]);
        for (int depth = 0; t && depth < 16; depth++) {
            bool dup = false;
            for (size_t k = 0; k < nseen && !dup; k++)
                dup = strcmp(seen[k], t->code) == 0;
            if (!dup && nseen < 64) {
                seen[nseen++] = t->code;
                if (pairs_add(p, t->code, id, 0) < 0)
                    return -1;
            }
            t = t->parent ? cat_theme(cat, t->parent) : NULL;
        }
    }
    return 0;
}

struct sx_segment *sx_segment_build(struct sx_doc **docs, size_t n, const struct sx_catalog *cat)
{
    struct sx_segment *s = calloc(1, sizeof(*s));
    struct pairs p = { 0 };
    size_t bytes = 0;

    if (s == NULL)
        return NULL;
    atomic_init(&s->refs, 1);
    s->cat = (struct sx_catalog *)cat;
    atomic_fetch_add(&s->cat->refs, 1);
    s->docs = malloc((n ? n : 1) * sizeof(*s->docs));
    s->by_id = malloc((n ? n : 1) * sizeof(*s->by_id));
    s->by_until = malloc((n ? n : 1) * sizeof(*s->by_until));
    if (s->docs == NULL || s->by_id == NULL || s->by_until == NULL)
        goto fail;
    for (size_t i = 0; i < n; i++) {
        atomic_fetch_add(&docs[i]->refs, 1);
        s->docs[s->ndocs++] = docs[i];
    }
    qsort(s->docs, s->ndocs, sizeof(*s->docs), doc_order);
    sort_seg = s;
    for (size_t i = 0; i < n; i++)
        s->by_id[i] = (uint32_t)i;
    qsort(s->by_id, n, sizeof(*s->by_id), by_id_cmp);
    for (size_t i = 0; i < n; i++)
        if (s->docs[i]->until_us != INT64_MAX)
            s->by_until[s->nuntil++] = (uint32_t)i;
    qsort(s->by_until, s->nuntil, sizeof(*s->by_until), by_until_cmp);
    bytes += n * (sizeof(*s->docs) + sizeof(*s->by_id)) + s->nuntil * sizeof(*s->by_until);

    for (uint8_t k = 0; k < SX_NKINDS; k++)
        if ((s->kind[k] = bitmap_of(s, is_kind, &k, &bytes)) == NULL)
            goto fail;
    if ((s->free = bitmap_of(s, is_free, NULL, &bytes)) == NULL ||
        (s->discount = bitmap_of(s, is_discount, NULL, &bytes)) == NULL ||
        (s->drop_in = bitmap_of(s, is_drop_in, NULL, &bytes)) == NULL ||
        (s->referral = bitmap_of(s, needs_referral, NULL, &bytes)) == NULL ||
        (s->indication = bitmap_of(s, needs_indication, NULL, &bytes)) == NULL ||
        (s->geo = bitmap_of(s, has_geo, NULL, &bytes)) == NULL)
        goto fail;

#define FIELD(dst, stmt)                                                                                               \
    do {                                                                                                               \
        for (size_t i = 0; i < n; i++) {                                                                               \
            const struct sx_doc *d = s->docs[i];                                                                       \
            uint32_t id = (uint32_t)i;                                                                                 \
            stmt;                                                                                                      \
        }                                                                                                              \
        if (field_build(&p, &s->dst, &bytes) < 0)                                                                      \
            goto fail;                                                                                                 \
    } while (0)

    /* a regional entry is in the postings of every municipality it serves, as a whole (issue 16) */
    FIELD(municipality, if (pairs_add(&p, d->municipality, id, 0) < 0) goto fail;
          for (size_t k = 0; k < d->nalso_serves; k++) if (pairs_add(&p, d->also_serves[k], id, 0) < 0) goto fail);
    FIELD(area, for (size_t k = 0; k < d->nareas; k++) if (pairs_add(&p, d->areas[k], id, 0) < 0) goto fail);
    FIELD(whole, if (d->nareas == 0 && pairs_add(&p, d->municipality, id, 0) < 0) goto fail;
          for (size_t k = 0; k < d->nalso_serves; k++) if (pairs_add(&p, d->also_serves[k], id, 0) < 0) goto fail);
    FIELD(theme, if (theme_closure(cat, d, id, &p) < 0) goto fail);
    FIELD(audience,
          for (size_t k = 0; k < d->naudiences; k++) if (pairs_add(&p, d->audiences[k], id, 0) < 0) goto fail);
    FIELD(org, if (pairs_add(&p, d->org_text, id, 0) < 0) goto fail);
    FIELD(access, for (size_t k = 0; k < d->naccess; k++) if (pairs_add(&p, d->access[k], id, 0) < 0) goto fail);
    FIELD(language,
          for (size_t k = 0; k < d->nlanguages; k++) if (pairs_add(&p, d->languages[k], id, 0) < 0) goto fail);
    FIELD(campaign,
          for (size_t k = 0; k < d->ncampaigns; k++) if (pairs_add(&p, d->campaigns[k], id, 0) < 0) goto fail);
    FIELD(place_type, if (d->place_type && pairs_add(&p, d->place_type, id, 0) < 0) goto fail);
    FIELD(channel, for (size_t k = 0; k < d->nchannels; k++) if (pairs_add(&p, d->channels[k], id, 0) < 0) goto fail);
#undef FIELD
    free(p.v);
    p.v = NULL;
    if (segment_hot(s, &bytes) < 0 || segment_slots(s, &bytes) < 0 || segment_lexicon(s, &bytes) < 0)
        goto fail;
    for (size_t i = 0; i < n; i++)
        bytes += s->docs[i]->nocc * sizeof(struct sx_occ) + s->docs[i]->nopen * 8 + sizeof(struct sx_doc);
    s->bytes = bytes;
    return s;
fail:
    free(p.v);
    sx_segment_unref(s);
    return NULL;
}

long sx_segment_find(const struct sx_segment *s, const uint8_t id[16])
{
    size_t lo = 0, hi = s->ndocs;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        int r = memcmp(s->docs[s->by_id[mid]]->id, id, 16);
        if (r == 0)
            return (long)s->by_id[mid];
        if (r < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return -1;
}

/* =========================================================================================== */
/* Per-thread state                                                                            */

struct sx_thread {
    struct ts_stemmer *stemmer;
    PJ_CONTEXT *pjc;
    PJ *pj;          /* EPSG:4326 (lon, lat) -> EPSG:28992, as PostGIS ST_Transform */
    uint8_t *best;   /* per local id: strongest weight of the current word */
    uint16_t *score; /* per local id: relevance so far */
    size_t cap;
    uint32_t *ids; /* survivors of a per-document check */
    size_t idcap;
    uint64_t *in, *seen; /* per local id, one bit: a set of results, and of visited ones (zero
                             * between uses) */
};

static _Thread_local struct sx_thread *tl;
static _Thread_local uint32_t *tl_counts; /* facet slot counts of one segment */
static _Thread_local size_t tl_ncounts;

void sindex_thread_enter(void)
{
    urcu_memb_register_thread();
    if (tl)
        return;
    tl = calloc(1, sizeof(*tl));
    if (tl == NULL)
        return;
    tl->stemmer = ts_stemmer_new();
}

/* The thread's coordinate transformation, made at its first near-me search (PROJ reads its
 * database then: a daemon that is never asked for distances never pays for it). */
static PJ *thread_proj(void)
{
    if (tl->pj == NULL && tl->pjc == NULL && (tl->pjc = proj_context_create()) != NULL) {
        PJ *p = proj_create_crs_to_crs(tl->pjc, "EPSG:4326", "EPSG:28992", NULL);
        if (p) {
            tl->pj = proj_normalize_for_visualization(tl->pjc, p);
            proj_destroy(p);
        }
    }
    return tl->pj;
}

void sindex_thread_leave(void)
{
    if (tl) {
        ts_stemmer_free(tl->stemmer);
        if (tl->pj)
            proj_destroy(tl->pj);
        if (tl->pjc)
            proj_context_destroy(tl->pjc);
        free(tl->best);
        free(tl->score);
        free(tl->ids);
        free(tl->in);
        free(tl->seen);
        free(tl);
        tl = NULL;
    }
    free(tl_counts);
    tl_counts = NULL;
    tl_ncounts = 0;
    urcu_memb_unregister_thread();
}

/* Scratch for n local ids (grows with the index, not per request). */
static int scratch(size_t n)
{
    if (n <= tl->cap)
        return 0;
    size_t cap = n + n / 4 + 1024;
    uint8_t *b = realloc(tl->best, cap);
    if (b)
        tl->best = b;
    uint16_t *s = realloc(tl->score, cap * sizeof(*s));
    if (s)
        tl->score = s;
    uint32_t *ids = realloc(tl->ids, cap * sizeof(*ids));
    if (ids)
        tl->ids = ids;
    size_t words = (cap + 63) / 64, had = (tl->cap + 63) / 64;
    uint64_t *in = realloc(tl->in, words * sizeof(*in));
    if (in)
        tl->in = in;
    uint64_t *seen = realloc(tl->seen, words * sizeof(*seen));
    if (seen)
        tl->seen = seen;
    if (b == NULL || s == NULL || ids == NULL || in == NULL || seen == NULL)
        return -1;
    memset(tl->best + tl->cap, 0, cap - tl->cap);
    memset(tl->score + tl->cap, 0, (cap - tl->cap) * sizeof(*s));
    memset(tl->in + had, 0, (words - had) * sizeof(*in));
    memset(tl->seen + had, 0, (words - had) * sizeof(*seen));
    tl->cap = tl->idcap = cap;
    return 0;
}

static inline bool bit_test(const uint64_t *bits, uint32_t i)
{
    return bits[i / 64] >> (i % 64) & 1;
}

static inline void bit_put(uint64_t *bits, uint32_t i)
{
    bits[i / 64] |= UINT64_C(1) << (i % 64);
}

/* =========================================================================================== */
/* The query                                                                                   */

enum sx_sort {
    SORT_RELEVANCE,
    SORT_DISTANCE,
    SORT_DATE,
    SORT_UPDATED,
    SORT_CREATED
};
static const char *const sort_names[] = { "relevance", "distance", "date", "updated", "created" };

enum {
    QWORDS = 10,
    QALTS = 4
};

struct qterm {
    char lexeme[TS_LEXEME_MAX];
    bool prefix;
};

struct qword {
    struct qterm alt[QALTS];
    int nalt;
};

struct access_cond {
    const char *facet;
    const char *values[3];
    int nvalues;
};

struct sx_query {
    struct json_object *params;
    uint8_t kinds; /* bit per kind; 0 = all */
    const char *municipality;
    const char *areas[SEARCH_LIST_MAX];
    int nareas;
    const char *themes[SEARCH_LIST_MAX];
    int nthemes;
    const char *audiences[SEARCH_LIST_MAX];
    int naudiences;
    bool has_org;
    uint8_t org[16];
    struct access_cond access[SEARCH_LIST_MAX];
    int naccess;
    bool free, discount;
    const char *language;
    const char *campaign;
    const char *place_types[SEARCH_LIST_MAX];
    int nplace_types;
    bool drop_in;
    bool no_referral, no_indication; /* services: leave out those that need one */
    const char *channels[SEARCH_LIST_MAX];
    int nchannels;
    bool has_from, has_to, has_days, has_time;
    int64_t from_local, to_local; /* µs, wall clock */
    uint8_t days;                 /* bit isodow-1 */
    int tod;                      /* 0 none, 1 morning, 2 afternoon, 3 evening (the part of the day) */
    bool near;
    double px, py;
    double radius;
    bool open;
    int open_minute;
    int sort;
    bool sort_given;
    int limit;
    bool facets;
    bool has_cursor;
    struct search_cursor cursor;
    double cursor_key;
    uint8_t cursor_id[16];
    struct qword words[QWORDS];
    int nwords;
    const char *q;
    int64_t now_us, now_local;
    char hash[13];
};

static const char *jstr(struct json_object *o, const char *k)
{
    struct json_object *v;
    return json_object_object_get_ex(o, k, &v) ? json_object_get_string(v) : NULL;
}

static int jlist(struct json_object *o, const char *k, const char **out, int max)
{
    struct json_object *v;
    int n = 0;
    if (!json_object_object_get_ex(o, k, &v) || !json_object_is_type(v, json_type_array))
        return 0;
    for (size_t i = 0; i < json_object_array_length(v) && n < max; i++)
        out[n++] = json_object_get_string(json_object_array_get_idx(v, i));
    return n;
}

static bool jbool(struct json_object *o, const char *k, bool dflt)
{
    struct json_object *v;
    return json_object_object_get_ex(o, k, &v) ? json_object_get_boolean(v) : dflt;
}

/* "YYYY-MM-DDTHH:MM" (normalised by search.c) as wall-clock µs since 1970. */
static int64_t local_us(const char *s)
{
    int y, mo, d, h, mi;
    if (sscanf(s, "%d-%d-%dT%d:%d", &y, &mo, &d, &h, &mi) != 5)
        return 0;
    /* days from civil (Howard Hinnant's algorithm) */
    y -= mo <= 2;
    int era = (y >= 0 ? y : y - 399) / 400;
    unsigned yoe = (unsigned)(y - era * 400);
    unsigned doy = (153 * (unsigned)(mo + (mo > 2 ? -3 : 9)) + 2) / 5 + (unsigned)d - 1;
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    int64_t days = (int64_t)era * 146097 + (int64_t)doe - 719468;
    return ((days * 24 + h) * 60 + mi) * 60 * INT64_C(1000000);
}

static int isodow_of_local(int64_t local)
{
    int64_t day = local >= 0 ? local / 86400000000LL : (local - 86399999999LL) / 86400000000LL;
    return (int)(((day % 7) + 7 + 3) % 7) + 1; /* 1970-01-01 was a Thursday (4) */
}

static int part_of_local(int64_t local)
{
    int64_t us = local % 86400000000LL;
    if (us < 0)
        us += 86400000000LL;
    return (int)(us / 3600000000LL) / 6; /* 0 night, 1 morning, 2 afternoon, 3 evening */
}

static int week_minute(int64_t local)
{
    int64_t us = local % 86400000000LL;
    if (us < 0)
        us += 86400000000LL;
    return (isodow_of_local(local) - 1) * 1440 + (int)(us / 60000000LL);
}

/* Hash of the filters (all but cursor, limit, facets and sort): a cursor belongs to one search. */
static void query_hash(struct json_object *params, char out[13])
{
    uint64_t h = 1469598103934665603ULL;
    json_object_object_foreach(params, key, val)
    {
        if (!strcmp(key, "cursor") || !strcmp(key, "limit") || !strcmp(key, "facets") || !strcmp(key, "sort"))
            continue;
        const char *s = json_object_to_json_string_ext(val, JSON_C_TO_STRING_PLAIN);
        for (const char *p = key; *p; p++)
            h = (h ^ (uint8_t)*p) * 1099511628211ULL;
        h = (h ^ '=') * 1099511628211ULL;
        for (const char *p = s; *p; p++)
            h = (h ^ (uint8_t)*p) * 1099511628211ULL;
        h = (h ^ ';') * 1099511628211ULL;
    }
    snprintf(out, 13, "%012llx", (unsigned long long)(h & 0xffffffffffffULL));
}

/* The words of q as alternatives of lexemes, as sk_search_terms (sql/api/search.sql) makes them. */
static void query_words(struct sx_query *q, const struct sx_words *known)
{
    char folded[SEARCH_Q_MAX * 8 + 1];
    const char *words[QWORDS];
    size_t nw;
    if (q->q == NULL || ts_fold(q->q, strlen(q->q), folded, sizeof(folded)) < 0)
        return;
    nw = ts_split(folded, words, QWORDS);
    if (nw > QWORDS)
        nw = QWORDS;
    for (size_t i = 0; i < nw; i++) {
        struct qword *w = &q->words[q->nwords];
        size_t wl = strlen(words[i]), chars = utf8_chars(words[i]);
        w->nalt = 0;
        if (ts_lexeme(tl->stemmer, words[i], w->alt[0].lexeme) > 0) {
            w->alt[0].prefix = chars >= 3;
            w->nalt = 1;
        }
        if (chars >= 5 && known) {
            /* does any known word start with this one? */
            size_t lo = 0, hi = known->n;
            while (lo < hi) {
                size_t mid = (lo + hi) / 2;
                if (strcmp(known->v[mid]->text, words[i]) < 0)
                    lo = mid + 1;
                else
                    hi = mid;
            }
            bool starts = lo < known->n && strncmp(known->v[lo]->text, words[i], wl) == 0;
            if (!starts) {
                uint64_t tri[TS_TRGM_WORD_MAX + 2];
                size_t nt = ts_trigrams(words[i], tri, TS_TRGM_WORD_MAX + 2);
                const struct sx_word *best[3] = { 0 };
                float bs[3] = { 0 };
                for (size_t k = 0; k < known->n; k++) {
                    const struct sx_word *kw = known->v[k];
                    float sim = ts_trgm_similarity(tri, nt, kw->tri, kw->ntri);
                    if (sim < 0.4f)
                        continue;
                    /* keep the 3 best by similarity desc, then word (bytes) asc; k runs in word order */
                    for (int b = 0; b < 3; b++) {
                        if (best[b] == NULL || sim > bs[b]) {
                            for (int m = 2; m > b; m--) {
                                best[m] = best[m - 1];
                                bs[m] = bs[m - 1];
                            }
                            best[b] = kw;
                            bs[b] = sim;
                            break;
                        }
                    }
                }
                for (int b = 0; b < 3 && best[b]; b++) {
                    struct qterm *t = &w->alt[w->nalt];
                    if (ts_lexeme(tl->stemmer, best[b]->text, t->lexeme) > 0) {
                        t->prefix = true;
                        w->nalt++;
                    }
                }
            }
        }
        if (w->nalt > 0)
            q->nwords++;
    }
}

/* The index numbers kinds as the contract does (sindex_int.h checks the count). */
static bool kind_code(const char *name, uint8_t *k)
{
    enum sk_kind kind;
    if (!sk_kind_from_name(name, &kind))
        return false;
    *k = (uint8_t)kind;
    return true;
}

/* Append ", code" to a list text of at most cap bytes. */
static void list_add(char *buf, size_t cap, const char *code)
{
    size_t l = strlen(buf);
    snprintf(buf + l, cap - l, "%s%s", l ? ", " : "", code);
}

/*
 * The parameters of search_params_parse into q, and the checks api_search makes
 * against the vocabularies (same order, same texts). -1 with errs on a 400.
 */
static int query_read(struct sx_query *q, struct json_object *p, const struct sx_snapshot *snap, struct verr_list *errs)
{
    const struct sx_catalog *cat = snap->cat;
    const char *kinds[SX_NKINDS + 1], *s;
    struct json_object *v;
    char bad[512];
    int nk;

    q->params = p;
    nk = jlist(p, "kinds", kinds, SX_NKINDS + 1);
    for (int i = 0; i < nk; i++) {
        uint8_t k;
        if (kind_code(kinds[i], &k))
            q->kinds |= (uint8_t)(1u << k);
    }
    q->municipality = jstr(p, "municipality");
    q->nareas = jlist(p, "areas", q->areas, SEARCH_LIST_MAX);
    q->nthemes = jlist(p, "themes", q->themes, SEARCH_LIST_MAX);
    q->naudiences = jlist(p, "audiences", q->audiences, SEARCH_LIST_MAX);
    if ((s = jstr(p, "organisation")) != NULL)
        q->has_org = sx_uuid_parse(s, q->org) == 0;
    if (json_object_object_get_ex(p, "access", &v)) {
        for (size_t i = 0; i < json_object_array_length(v) && q->naccess < SEARCH_LIST_MAX; i++) {
            struct json_object *item = json_object_array_get_idx(v, i), *vals;
            struct access_cond *a = &q->access[q->naccess++];
            a->facet = jstr(item, "facet");
            if (json_object_object_get_ex(item, "values", &vals))
                for (size_t k = 0; k < json_object_array_length(vals) && a->nvalues < 3; k++)
                    a->values[a->nvalues++] = json_object_get_string(json_object_array_get_idx(vals, k));
        }
    }
    q->free = jbool(p, "free", false);
    q->discount = jbool(p, "discount_pass", false);
    q->language = jstr(p, "language");
    q->campaign = jstr(p, "campaign");
    q->nplace_types = jlist(p, "place_types", q->place_types, SEARCH_LIST_MAX);
    q->drop_in = jbool(p, "drop_in", false);
    q->no_referral = jbool(p, "no_referral", false);
    q->no_indication = jbool(p, "no_indication", false);
    q->nchannels = jlist(p, "channels", q->channels, SEARCH_LIST_MAX); /* codes checked by search.c */
    if ((s = jstr(p, "from")) != NULL) {
        q->has_from = true;
        q->from_local = local_us(s);
    }
    if ((s = jstr(p, "to")) != NULL) {
        q->has_to = true;
        q->to_local = local_us(s);
    }
    if (json_object_object_get_ex(p, "days", &v)) {
        q->has_days = true;
        for (size_t i = 0; i < json_object_array_length(v); i++) {
            int d = json_object_get_int(json_object_array_get_idx(v, i));
            if (d >= 1 && d <= 7)
                q->days |= (uint8_t)(1u << (d - 1));
        }
    }
    if ((s = jstr(p, "time_of_day")) != NULL)
        q->tod = !strcmp(s, "morning") ? 1 : !strcmp(s, "afternoon") ? 2 : 3;
    q->has_time = q->has_from || q->has_to || q->has_days || q->tod;
    if (json_object_object_get_ex(p, "near", &v)) {
        struct json_object *lat, *lon;
        json_object_object_get_ex(v, "lat", &lat);
        json_object_object_get_ex(v, "lon", &lon);
        if (thread_proj() == NULL)
            return -2;
        PJ_COORD c =
            proj_trans(tl->pj, PJ_FWD, proj_coord(json_object_get_double(lon), json_object_get_double(lat), 0, 0));
        q->near = true;
        q->px = c.xy.x;
        q->py = c.xy.y;
        q->radius = json_object_object_get_ex(p, "radius", &v) ? json_object_get_int(v) : SEARCH_RADIUS_DEFAULT;
    }
    if (jbool(p, "open_now", false)) {
        q->open = true;
        q->open_minute = week_minute(q->now_local);
    } else if ((s = jstr(p, "open_at")) != NULL) {
        q->open = true;
        q->open_minute = week_minute(local_us(s));
    }
    q->limit = json_object_object_get_ex(p, "limit", &v) ? json_object_get_int(v) : SEARCH_LIMIT_DEFAULT;
    q->facets = jbool(p, "facets", true);
    q->q = jstr(p, "q");

    /* unknown codes: as sk_search_code_errors, in its order */
    if (q->municipality) {
        const struct sx_area *a = cat_area(cat, q->municipality);
        if (a == NULL || !a->is_municipality)
            verr_add(errs, "municipality", "is not a known municipality: %s", q->municipality);
    }
    bad[0] = '\0';
    for (int i = 0; i < q->nareas; i++)
        if (cat_area(cat, q->areas[i]) == NULL)
            list_add(bad, sizeof(bad), q->areas[i]);
    if (bad[0])
        verr_add(errs, "area", "has unknown area codes: %s", bad);
    bad[0] = '\0';
    for (int i = 0; i < q->nthemes; i++)
        if (cat_theme(cat, q->themes[i]) == NULL)
            list_add(bad, sizeof(bad), q->themes[i]);
    if (bad[0])
        verr_add(errs, "theme", "has unknown theme codes: %s", bad);
    bad[0] = '\0';
    for (int i = 0; i < q->naudiences; i++)
        if (!cat_audience(cat, q->audiences[i]))
            list_add(bad, sizeof(bad), q->audiences[i]);
    if (bad[0])
        verr_add(errs, "audience", "has unknown audience codes: %s", bad);
    bad[0] = '\0';
    for (int i = 0; i < q->naccess; i++) {
        const struct sx_feature *f = q->access[i].facet ? cat_feature(cat, q->access[i].facet) : NULL;
        bool ok = f != NULL;
        for (int k = 0; ok && k < q->access[i].nvalues; k++) {
            bool allowed = false;
            for (char **a = f->allowed; a && *a && !allowed; a++)
                allowed = strcmp(*a, q->access[i].values[k]) == 0;
            /* "limited" (with its implied "yes") is accepted when the facet allows yes */
            if (!allowed && !strcmp(q->access[i].values[k], "limited")) {
                for (char **a = f->allowed; a && *a && !allowed; a++)
                    allowed = strcmp(*a, "yes") == 0;
            }
            ok = allowed;
        }
        if (!ok)
            list_add(bad, sizeof(bad), q->access[i].facet ? q->access[i].facet : "");
    }
    if (bad[0])
        verr_add(errs, "access", "has unknown facets or values: %s", bad);
    if (q->has_org && !cat_org(cat, q->org))
        verr_add(errs, "organisation", "is not a known organisation");
    if (q->campaign && !cat_campaign(cat, q->campaign))
        verr_add(errs, "campaign", "is not a known campaign: %s", q->campaign);
    bad[0] = '\0';
    for (int i = 0; i < q->nplace_types; i++)
        if (!cat_place_type(cat, q->place_types[i]))
            list_add(bad, sizeof(bad), q->place_types[i]);
    if (bad[0])
        verr_add(errs, "place_type", "has unknown place types: %s", bad);
    if (errs->count) {
        /* A code this snapshot does not know may be newer than the snapshot (an organisation or a
         * theme added a moment ago): the database decides, and answers the 400 if it is wrong. */
        verr_init(errs);
        return -2;
    }
    /* the window: to after from (from is now when not given) */
    if (q->has_to && !q->has_from && q->to_local <= q->now_local)
        verr_add(errs, "to", "must be after from (from is now when not given)");
    else if (q->has_from && !q->has_to && cat->horizon_local_us <= q->from_local)
        verr_add(errs, "to", "must be after from (from is now when not given)");
    if (errs->count)
        return -1;

    query_words(q, snap->words);
    s = jstr(p, "sort");
    q->sort_given = s != NULL;
    if (s == NULL)
        q->sort = q->nwords                    ? SORT_RELEVANCE
                  : (q->has_from || q->has_to) ? SORT_DATE
                  : q->near                    ? SORT_DISTANCE
                                               : SORT_CREATED;
    else
        for (int i = 0; i < 5; i++)
            if (!strcmp(s, sort_names[i]))
                q->sort = i;
    if (q->sort == SORT_RELEVANCE && q->nwords == 0)
        q->sort = SORT_CREATED;
    query_hash(p, q->hash);
    if ((s = jstr(p, "cursor")) != NULL) {
        char *end;
        bool ok = cursor_search_decode(s, strlen(s), &q->cursor) && !strcmp(q->cursor.sort, sort_names[q->sort]) &&
                  !strcmp(q->cursor.hash, q->hash) && sx_uuid_parse(q->cursor.id, q->cursor_id) == 0;
        if (ok) {
            q->cursor_key = strtod(q->cursor.key, &end);
            ok = end != q->cursor.key && *end == '\0';
        }
        if (!ok) {
            verr_add(errs, "cursor", "is not a cursor this API gave out for this search; start again without it");
            return -1;
        }
        q->has_cursor = true;
    }
    return 0;
}

/* =========================================================================================== */
/* Evaluating the filters on one segment                                                       */

static const struct sx_posting *field_get(const struct sx_field *f, const char *key)
{
    size_t lo = 0, hi = f->n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        int r = strcmp(f->v[mid].key, key);
        if (r == 0)
            return &f->v[mid];
        if (r < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

/* r &= bm; r NULL stands for "every document" and is replaced by a copy. */
static roaring_bitmap_t *and_into(roaring_bitmap_t *r, const roaring_bitmap_t *bm)
{
    if (r == NULL)
        return roaring_bitmap_copy(bm);
    roaring_bitmap_and_inplace(r, bm);
    return r;
}

/* acc |= the union of nz[0..k) (none NULL); acc NULL stands for "nothing yet". */
static roaring_bitmap_t *or_many_into(roaring_bitmap_t *acc, const roaring_bitmap_t **nz, size_t k)
{
    roaring_bitmap_t *part = roaring_bitmap_or_many(k, nz);
    if (acc == NULL)
        return part;
    roaring_bitmap_or_inplace(acc, part);
    bm_free(part);
    return acc;
}

/* The union of up to n bitmaps (NULLs skipped); a new bitmap. */
static roaring_bitmap_t *union_of(const roaring_bitmap_t **v, size_t n)
{
    const roaring_bitmap_t *nz[256];
    size_t k = 0;
    roaring_bitmap_t *acc = NULL;
    if (n == 1 && v[0])
        return roaring_bitmap_copy(v[0]);
    for (size_t i = 0; i < n; i++) {
        if (v[i] == NULL)
            continue;
        nz[k++] = v[i];
        if (k == 256) {
            acc = or_many_into(acc, nz, k);
            k = 0;
        }
    }
    if (k)
        acc = or_many_into(acc, nz, k);
    return acc ? acc : roaring_bitmap_create();
}

/* r &= the union of v[0..n) (NULLs skipped); r NULL stands for "every document". */
static roaring_bitmap_t *and_union(roaring_bitmap_t *r, const roaring_bitmap_t **v, size_t n)
{
    roaring_bitmap_t *u = union_of(v, n);
    r = and_into(r, u);
    bm_free(u);
    return r;
}

/* r &= the union of the postings of keys[0..nkeys) in f (a key with no posting adds nothing). */
static roaring_bitmap_t *and_any_key(roaring_bitmap_t *r, const struct sx_field *f, const char *const *keys, int nkeys)
{
    const roaring_bitmap_t *v[SEARCH_LIST_MAX];
    size_t n = 0;
    for (int i = 0; i < nkeys && n < SEARCH_LIST_MAX; i++) {
        const struct sx_posting *p = field_get(f, keys[i]);
        if (p)
            v[n++] = p->bm;
    }
    return and_union(r, v, n);
}

/* Lexemes of a segment matching a term: [*lo, *hi) in the sorted lexicon. */
static void lex_range(const struct sx_segment *s, const struct qterm *t, size_t *lo_out, size_t *hi_out)
{
    size_t lo = 0, hi = s->nlex, tl_len = strlen(t->lexeme);
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (strcmp(s->lex[mid].text, t->lexeme) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    *lo_out = lo;
    if (!t->prefix) {
        *hi_out = lo < s->nlex && strcmp(s->lex[lo].text, t->lexeme) == 0 ? lo + 1 : lo;
        return;
    }
    hi = lo;
    while (hi < s->nlex && strncmp(s->lex[hi].text, t->lexeme, tl_len) == 0)
        hi++;
    *hi_out = hi;
}

/* Documents matching a query word (any alternative, any weight); weight class c only when c >= 0. */
static roaring_bitmap_t *word_bitmap(const struct sx_segment *s, const struct qword *w, int c)
{
    const roaring_bitmap_t *stack[512], **v = stack;
    size_t n = 0, cap = 512;
    roaring_bitmap_t *r;
    for (int a = 0; a < w->nalt; a++) {
        size_t lo, hi;
        lex_range(s, &w->alt[a], &lo, &hi);
        for (size_t i = lo; i < hi; i++)
            for (int k = c < 0 ? 0 : c; k < (c < 0 ? 4 : c + 1); k++) {
                if (s->lex[i].bm[k] == NULL)
                    continue;
                if (n == cap) {
                    const roaring_bitmap_t **nv = malloc(cap * 2 * sizeof(*nv));
                    if (nv == NULL)
                        break;
                    memcpy(nv, v, n * sizeof(*nv));
                    if (v != stack)
                        free(v);
                    v = nv;
                    cap *= 2;
                }
                v[n++] = s->lex[i].bm[k];
            }
    }
    r = union_of(v, n);
    if (v != stack)
        free(v);
    return r;
}

/* Does the occurrence start in the window and on the wanted days and part of the day? */
static bool occ_in_window(const struct sx_query *q, const struct sx_occ *o, int64_t to_local)
{
    int64_t local = occ_local_us(o);
    if (q->has_from ? local < q->from_local : occ_abs_us(o) < q->now_us)
        return false;
    if (local >= to_local)
        return false;
    if (q->has_days && !(q->days & (1u << (isodow_of_local(local) - 1))))
        return false;
    if (q->tod && part_of_local(local) != q->tod)
        return false;
    return true;
}

/* The first occurrence at or after the window's start (binary search on the start). */
static size_t occ_first(const struct sx_query *q, const struct sx_doc *d)
{
    size_t lo = 0, hi = d->nocc;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        const struct sx_occ *o = &d->occ[mid];
        bool before = q->has_from ? occ_local_us(o) < q->from_local : occ_abs_us(o) < q->now_us;
        if (before)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* The activity's first matching occurrence in the window, or NULL. */
static const struct sx_occ *occ_match(const struct sx_query *q, const struct sx_doc *d, int64_t to_local)
{
    uint32_t want = 0;
    if (q->has_days || q->tod) {
        for (int day = 0; day < 7; day++)
            if (!q->has_days || (q->days & (1u << day)))
                for (int part = 0; part < 4; part++)
                    if (!q->tod || part == q->tod)
                        want |= 1u << (day * 4 + part);
        if (!(d->occ_mask & want))
            return NULL;
    }
    for (size_t i = occ_first(q, d); i < d->nocc; i++) {
        const struct sx_occ *o = &d->occ[i];
        if (occ_local_us(o) >= to_local)
            break;
        if (occ_in_window(q, o, to_local))
            return o;
    }
    return NULL;
}

static double dist_of(const struct sx_query *q, const struct sx_doc *d)
{
    double dx = d->x - q->px, dy = d->y - q->py;
    return sqrt(dx * dx + dy * dy);
}

static double hot_dist(const struct sx_query *q, const struct sx_hot *h)
{
    double dx = h->x - q->px, dy = h->y - q->py;
    return sqrt(dx * dx + dy * dy);
}

static bool open_at(const struct sx_doc *d, int minute)
{
    for (size_t i = 0; i < d->nopen; i++)
        if (d->open[2 * i] <= minute && minute < d->open[2 * i + 1])
            return true;
    return false;
}

/* A grid square near the search point: its documents and how near or far its corners are. */
struct cellref {
    const roaring_bitmap_t *bm;
    const struct sx_cell *cell;
    double dmin, dmax;
};

enum {
    MAX_NEAR_CELLS = 16384
};
static _Thread_local struct cellref tl_cells[MAX_NEAR_CELLS];

static int cellref_cmp(const void *a, const void *b)
{
    const struct cellref *x = a, *y = b;
    return x->dmin < y->dmin ? -1 : x->dmin > y->dmin;
}

/*
 * The squares that touch the circle, by nearest corner first, into tl_cells;
 * how many, or -1 when there are too many to be worth it (a radius of tens of
 * kilometres: then every document with a position is a candidate).
 */
static long near_cells(const struct sx_query *q, const struct sx_segment *s)
{
    int64_t cx0 = (int64_t)floor((q->px - q->radius) / SX_CELL_M),
            cx1 = (int64_t)floor((q->px + q->radius) / SX_CELL_M);
    int64_t cy0 = (int64_t)floor((q->py - q->radius) / SX_CELL_M),
            cy1 = (int64_t)floor((q->py + q->radius) / SX_CELL_M);
    long n = 0;
    if ((cx1 - cx0 + 1) * (cy1 - cy0 + 1) > MAX_NEAR_CELLS)
        return -1;
    for (int64_t cx = cx0; cx <= cx1; cx++) {
        int64_t key0 = (cx << 32) | (int64_t)(uint32_t)cy0;
        size_t lo = 0, hi = s->ncells;
        while (lo < hi) {
            size_t mid = (lo + hi) / 2;
            if (s->cells[mid].key < key0)
                lo = mid + 1;
            else
                hi = mid;
        }
        for (size_t k = lo; k < s->ncells && (s->cells[k].key >> 32) == cx; k++) {
            int64_t cy = (int64_t)(int32_t)(uint32_t)s->cells[k].key;
            if (cy > cy1)
                break;
            double x0 = (double)cx * SX_CELL_M, x1 = x0 + SX_CELL_M, y0 = (double)cy * SX_CELL_M, y1 = y0 + SX_CELL_M;
            double nx = q->px < x0 ? x0 - q->px : q->px > x1 ? q->px - x1 : 0;
            double ny = q->py < y0 ? y0 - q->py : q->py > y1 ? q->py - y1 : 0;
            double fx = fmax(fabs(q->px - x0), fabs(q->px - x1)), fy = fmax(fabs(q->py - y0), fabs(q->py - y1));
            double dmin = sqrt(nx * nx + ny * ny), dmax = sqrt(fx * fx + fy * fy);
            if (dmin > q->radius)
                continue;
            /* a little margin: floating point must never decide that a square is wholly inside */
            tl_cells[n++] = (struct cellref){ s->cells[k].bm, &s->cells[k], dmin - 0.01, dmax + 0.01 };
        }
    }
    qsort(tl_cells, (size_t)n, sizeof(*tl_cells), cellref_cmp);
    return n;
}

static bool near_keep(uint32_t id, void *arg)
{
    struct per_doc_ctx_near {
        const struct sx_query *q;
        const struct sx_segment *s;
        size_t n;
    } *c = arg;
    const struct sx_hot *h = &c->s->hot[id];
    if (hot_dist(c->q, h) <= c->q->radius)
        tl->ids[c->n++] = id;
    return true;
}

/* r restricted to the circle: squares wholly inside pass, the documents of border squares are measured. */
static roaring_bitmap_t *near_filter(const struct sx_query *q, const struct sx_segment *s, roaring_bitmap_t *r,
                                     long ncells)
{
    static _Thread_local const roaring_bitmap_t *in[MAX_NEAR_CELLS];
    size_t nin = 0, n = 0;
    struct {
        const struct sx_query *q;
        const struct sx_segment *s;
        size_t n;
    } c = { q, s, 0 };
    roaring_bitmap_t *inside, *edge;
    if (ncells < 0) {
        r = and_into(r, s->geo);
        roaring_iterate(r, near_keep, &c);
        bm_free(r);
        return roaring_bitmap_of_ptr(c.n, tl->ids);
    }
    /* squares wholly inside pass; the border squares' documents are measured in a tight loop over
     * their positions: squared distances decide all but those within a hair of the radius, which
     * are measured as SQL does */
    double r2 = q->radius * q->radius, lo2 = r2 * (1 - 1e-9), hi2 = r2 * (1 + 1e-9);
    uint32_t *ids = tl->ids, lo_id = UINT32_MAX, hi_id = 0;
    uint64_t *hit = tl->in; /* a bit per document, zero between uses: the hits come out in id order */
    for (long i = 0; i < ncells; i++) {
        if (tl_cells[i].dmax <= q->radius) {
            in[nin++] = tl_cells[i].bm;
            continue;
        }
        const struct sx_cell_pt *pt = &s->cell_pts[tl_cells[i].cell->first];
        for (uint32_t k = 0; k < tl_cells[i].cell->n; k++) {
            double dx = pt[k].x - q->px, dy = pt[k].y - q->py, d2 = dx * dx + dy * dy;
            if (d2 <= lo2 || (d2 <= hi2 && sqrt(d2) <= q->radius)) {
                bit_put(hit, pt[k].id);
                lo_id = pt[k].id < lo_id ? pt[k].id : lo_id;
                hi_id = pt[k].id > hi_id ? pt[k].id : hi_id;
            }
        }
    }
    for (uint32_t w = lo_id / 64; lo_id <= hi_id && w <= hi_id / 64; w++) {
        for (uint64_t bits = hit[w]; bits; bits &= bits - 1)
            ids[n++] = w * 64 + (uint32_t)__builtin_ctzll(bits);
        hit[w] = 0;
    }
    inside = union_of(in, nin);
    edge = roaring_bitmap_of_ptr(n, ids);
    roaring_bitmap_or_inplace(inside, edge);
    bm_free(edge);
    if (r) {
        roaring_bitmap_and_inplace(inside, r);
        bm_free(r);
    }
    return inside;
}

struct per_doc_ctx {
    const struct sx_query *q;
    const struct sx_segment *s;
    int64_t to_local;
    bool time; /* check activities' occurrences one by one */
    size_t n;
};

static bool per_doc_keep(uint32_t id, void *arg)
{
    struct per_doc_ctx *c = arg;
    const struct sx_hot *h = &c->s->hot[id];
    const struct sx_query *q = c->q;
    if (c->time && h->kind == SX_ACTIVITY && occ_match(q, c->s->docs[id], c->to_local) == NULL)
        return true;
    if (q->open && (h->kind == SX_PLACE || h->kind == SX_SERVICE) && !open_at(c->s->docs[id], q->open_minute))
        return true;
    tl->ids[c->n++] = id;
    return true;
}

static bool want_when(const struct sx_query *q, int32_t start_min)
{
    int64_t local = (int64_t)start_min * 60000000;
    if (q->has_days && !(q->days & (1u << (isodow_of_local(local) - 1))))
        return false;
    if (q->tod && part_of_local(local) != q->tod)
        return false;
    return true;
}

/* The first entry of the time index starting at or after minute. */
static size_t when_lower(const struct sx_segment *s, int32_t minute)
{
    size_t a = 0, b = s->nwhen;
    while (a < b) {
        size_t mid = (a + b) / 2;
        if (s->when[mid].start_min < minute)
            a = mid + 1;
        else
            b = mid;
    }
    return a;
}

/* The window's entries in the time index: [*a, *b) holds every candidate (without from, the
 * window starts an hour after now: earlier local starts are before now in any season). */
static void window_range(const struct sx_query *q, const struct sx_segment *s, int64_t to_local, size_t *a_out,
                         size_t *b_out)
{
    int64_t lo_us = q->has_from ? q->from_local : q->now_us + 60 * 60000000LL;
    *a_out = when_lower(s, (int32_t)((lo_us + 59999999) / 60000000));
    *b_out = when_lower(s, (int32_t)((to_local + 59999999) / 60000000));
    if (*b_out < *a_out)
        *b_out = *a_out;
}

static size_t window_size(const struct sx_query *q, const struct sx_segment *s, int64_t to_local)
{
    size_t a, b;
    window_range(q, s, to_local, &a, &b);
    return b - a;
}

enum {
    WINDOW_HOURS_MAX = 63 * 24 + 2
}; /* a short window (62 days) and its two edges */
static _Thread_local const roaring_bitmap_t *tl_hours[WINDOW_HOURS_MAX];

/*
 * The activities with an occurrence in a window of at most 62 days: the union of the
 * hours wholly inside it (day of the week and part of the day hold for a whole hour),
 * the hours at its edges read occurrence by occurrence. Without from, the window starts
 * now: a local start at least 2 hours after now is after now in any season; the hour
 * between is checked on the occurrence itself.
 */
static roaring_bitmap_t *window_activities(const struct sx_query *q, const struct sx_segment *s, int64_t to_local)
{
    int64_t lo_us = q->has_from ? q->from_local : q->now_us + 60 * 60000000LL;
    int32_t lo = (int32_t)((lo_us + 59999999) / 60000000), hi = (int32_t)((to_local + 59999999) / 60000000);
    int32_t exact_to = q->has_from ? lo : (int32_t)((q->now_us + 120 * 60000000LL + 59999999) / 60000000);
    size_t n = 0, nv = 0;
    uint32_t *ids = tl->ids;
    roaring_bitmap_t *r, *edges;
    for (int64_t h = floor_div(lo, 60); h * 60 < hi && nv < WINDOW_HOURS_MAX; h++) {
        int32_t a = (int32_t)(h * 60), b = a + 60;
        if (h < s->hour0 || h >= s->hour0 + (int64_t)s->nhours || s->hour[h - s->hour0] == NULL || !want_when(q, a))
            continue;
        if (a >= lo && b <= hi && a >= exact_to) {
            tl_hours[nv++] = s->hour[h - s->hour0];
            continue;
        }
        for (size_t i = when_lower(s, a > lo ? a : lo); i < s->nwhen; i++) {
            const struct sx_when *w = &s->when[i];
            if (w->start_min >= b || w->start_min >= hi)
                break;
            if (w->start_min < exact_to) {
                /* near now: the occurrence's own offset decides */
                const struct sx_doc *d = s->docs[w->id];
                bool ok = false;
                for (size_t k = 0; k < d->nocc && !ok; k++)
                    ok = d->occ[k].start_min == w->start_min && occ_abs_us(&d->occ[k]) >= q->now_us;
                if (!ok)
                    continue;
            }
            ids[n++] = w->id;
        }
    }
    r = union_of(tl_hours, nv);
    if (r == NULL)
        r = roaring_bitmap_create();
    if (n) {
        edges = roaring_bitmap_of_ptr(n, ids);
        roaring_bitmap_or_inplace(r, edges);
        bm_free(edges);
    }
    return r;
}

/*
 * The documents of segment s that the search finds, dead and expired ones
 * removed (a new bitmap; NULL when out of memory).
 */
enum {
    AREA_FAMILY_MAX = 102 /* an area, its wijk or kern, its buurten (at most 100) */
};

/* The segment's area postings of a and its family: its wijk or kern (a buurt's parent) and its
 * buurten, at most AREA_FAMILY_MAX (the area API allows 100 buurten in one wijk). */
static size_t area_family_postings(const struct sx_catalog *cat, const struct sx_segment *s, const struct sx_area *a,
                                   const roaring_bitmap_t **out)
{
    const struct sx_posting *p;
    size_t n = 0;
    if ((p = field_get(&s->area, a->code)) != NULL)
        out[n++] = p->bm;
    if (a->parent && (p = field_get(&s->area, a->parent)) != NULL)
        out[n++] = p->bm;
    for (uint32_t k = 0; k < a->nkids && n < AREA_FAMILY_MAX; k++)
        if ((p = field_get(&s->area, cat->areas[a->kids[k]].code)) != NULL)
            out[n++] = p->bm;
    return n;
}

static roaring_bitmap_t *segment_eval(const struct sx_query *q, const struct sx_snapshot *snap, int si, long ncells,
                                      roaring_bitmap_t *const (*cls)[4])
{
    const struct sx_segment *s = snap->seg[si];
    const struct sx_catalog *cat = snap->cat;
    roaring_bitmap_t *r = NULL;
    const roaring_bitmap_t *v[64];
    size_t n;

    if (q->kinds) {
        n = 0;
        for (int k = 0; k < SX_NKINDS; k++)
            if (q->kinds & (1u << k))
                v[n++] = s->kind[k];
        r = and_union(r, v, n);
    }
    if (q->municipality) {
        const struct sx_posting *p = field_get(&s->municipality, q->municipality);
        if (p == NULL)
            goto none;
        r = and_into(r, p->bm);
    }
    if (q->nareas) {
        /* a sub-area: entries for it, for its wijk or its buurten (issue 16) and for its whole
         * municipality; a municipality: all of it (with the regional entries that serve it, in
         * the municipality and whole postings) */
        const roaring_bitmap_t *va[SEARCH_LIST_MAX * (AREA_FAMILY_MAX + 1)];
        n = 0;
        for (int i = 0; i < q->nareas; i++) {
            const struct sx_area *a = cat_area(cat, q->areas[i]);
            const struct sx_posting *p;
            if (a == NULL)
                continue;
            if (a->is_municipality) {
                if ((p = field_get(&s->municipality, a->code)) != NULL)
                    va[n++] = p->bm;
                continue;
            }
            n += area_family_postings(cat, s, a, va + n);
            if (a->municipality && (p = field_get(&s->whole, a->municipality)) != NULL)
                va[n++] = p->bm;
        }
        r = and_union(r, va, n);
    }
    if (q->nthemes)
        r = and_any_key(r, &s->theme, q->themes, q->nthemes);
    if (q->naudiences)
        r = and_any_key(r, &s->audience, q->audiences, q->naudiences);
    if (q->has_org) {
        char text[37];
        const struct sx_posting *p;
        snprintf(text, sizeof(text), "%s", jstr(q->params, "organisation"));
        for (char *c = text; *c; c++)
            if (*c >= 'A' && *c <= 'F')
                *c = (char)(*c - 'A' + 'a');
        if ((p = field_get(&s->org, text)) == NULL)
            goto none;
        r = and_into(r, p->bm);
    }
    for (int i = 0; i < q->naccess; i++) {
        n = 0;
        for (int k = 0; k < q->access[i].nvalues; k++) {
            char key[160];
            const struct sx_posting *p;
            snprintf(key, sizeof(key), "%s=%s", q->access[i].facet, q->access[i].values[k]);
            if ((p = field_get(&s->access, key)) != NULL)
                v[n++] = p->bm;
        }
        r = and_union(r, v, n);
    }
    if (q->free)
        r = and_into(r, s->free);
    if (q->discount)
        r = and_into(r, s->discount);
    if (q->language) {
        const struct sx_posting *p = field_get(&s->language, q->language);
        if (p == NULL)
            goto none;
        r = and_into(r, p->bm);
    }
    if (q->campaign) {
        const struct sx_posting *p = field_get(&s->campaign, q->campaign);
        if (p == NULL)
            goto none;
        r = and_into(r, p->bm);
    }
    if (q->nplace_types)
        r = and_any_key(r, &s->place_type, q->place_types, q->nplace_types);
    if (q->drop_in)
        r = and_into(r, s->drop_in);
    if (q->nchannels)
        r = and_any_key(r, &s->channel, q->channels, q->nchannels);
    for (int i = 0; i < q->nwords; i++) {
        /* a word matches in any field: the union of its four weight classes */
        const roaring_bitmap_t *c4[4] = { cls[i][0], cls[i][1], cls[i][2], cls[i][3] };
        r = and_union(r, c4, 4);
    }
    if (q->near)
        r = near_filter(q, s, r, ncells);
    if (r == NULL) {
        r = roaring_bitmap_create();
        if (s->ndocs)
            roaring_bitmap_add_range(r, 0, s->ndocs);
    }
    if (q->no_referral)
        roaring_bitmap_andnot_inplace(r, s->referral);
    if (q->no_indication)
        roaring_bitmap_andnot_inplace(r, s->indication);
    if (snap->dead[si])
        roaring_bitmap_andnot_inplace(r, snap->dead[si]);
    /* entries whose moment passed since the snapshot was built */
    {
        size_t lo = 0, hi = s->nuntil;
        while (lo < hi) {
            size_t mid = (lo + hi) / 2;
            if (s->docs[s->by_until[mid]]->until_us <= snap->built_us)
                lo = mid + 1;
            else
                hi = mid;
        }
        for (size_t i = lo; i < s->nuntil && s->docs[s->by_until[i]]->until_us <= q->now_us; i++)
            roaring_bitmap_remove(r, s->by_until[i]);
    }
    {
        int64_t to_local = q->has_to ? q->to_local : cat->horizon_local_us;
        int64_t from = q->has_from ? q->from_local : q->now_us;
        bool short_window = q->has_time && to_local - from <= 62 * 86400000000LL;
        bool per_doc_time = q->has_time;
        if (short_window) {
            /* activities: those with an occurrence in the window; the other kinds stay. Few
             * candidates are checked one by one, many from the segment's time index. */
            roaring_bitmap_t *act = roaring_bitmap_and(r, s->kind[SX_ACTIVITY]);
            if (roaring_bitmap_get_cardinality(act) * 128 > window_size(q, s, to_local)) {
                roaring_bitmap_t *w = window_activities(q, s, to_local);
                roaring_bitmap_andnot_inplace(r, act);
                roaring_bitmap_and_inplace(act, w);
                roaring_bitmap_or_inplace(r, act);
                bm_free(w);
                per_doc_time = false;
            }
            bm_free(act);
        }
        if (per_doc_time || q->open) {
            struct per_doc_ctx c = { q, s, to_local, per_doc_time, 0 };
            roaring_iterate(r, per_doc_keep, &c);
            bm_free(r);
            r = roaring_bitmap_of_ptr(c.n, tl->ids);
        }
    }
    return r;
none:
    bm_free(r);
    return roaring_bitmap_create();
}

/* =========================================================================================== */
/* Relevance, order, facets, the page                                                          */

struct cand {
    double key;
    uint64_t idhi; /* first 8 bytes of the id: ties rarely need the document */
    const struct sx_doc *d;
    uint16_t score;
    int seg;
};

struct topk {
    struct cand v[SEARCH_LIMIT_MAX + 2];
    int n, cap;
    bool desc;
};

/* Does a come before b in the answer's order? */
static bool cand_before(const struct topk *t, const struct cand *a, const struct cand *b)
{
    if (a->key != b->key)
        return t->desc ? a->key > b->key : a->key < b->key;
    if (a->idhi != b->idhi)
        return a->idhi < b->idhi;
    return memcmp(a->d->id, b->d->id, 16) < 0;
}

/* Max-heap on "comes later": the root is the worst kept candidate. */
static void heap_push(struct topk *t, const struct cand *c)
{
    int i;
    if (t->n == t->cap) {
        if (!cand_before(t, c, &t->v[0]))
            return;
        /* replace the root and sift down */
        i = 0;
        t->v[0] = *c;
        for (;;) {
            int l = 2 * i + 1, r = l + 1, m = i;
            if (l < t->n && cand_before(t, &t->v[m], &t->v[l]))
                m = l;
            if (r < t->n && cand_before(t, &t->v[m], &t->v[r]))
                m = r;
            if (m == i)
                break;
            struct cand tmp = t->v[i];
            t->v[i] = t->v[m];
            t->v[m] = tmp;
            i = m;
        }
        return;
    }
    i = t->n++;
    t->v[i] = *c;
    while (i > 0) {
        int parent = (i - 1) / 2;
        if (!cand_before(t, &t->v[parent], &t->v[i]))
            break;
        struct cand tmp = t->v[i];
        t->v[i] = t->v[parent];
        t->v[parent] = tmp;
        i = parent;
    }
}

static _Thread_local const struct topk *sort_ctx; /* qsort context */

static int cand_cmp(const void *a, const void *b)
{
    return cand_before(sort_ctx, a, b) ? -1 : cand_before(sort_ctx, b, a) ? 1 : 0;
}

struct seg_run {
    const struct sx_query *q;
    const struct sx_snapshot *snap;
    const struct sx_segment *s;
    int si;
    struct topk *top;
    roaring_bitmap_t *cls[QWORDS][4]; /* per word: documents whose strongest weight is A, B, C, D */
    int64_t horizon;
};

static uint16_t doc_score(const struct seg_run *run, uint32_t id)
{
    uint16_t total = 0;
    static const uint8_t val[4] = { SX_W_A, SX_W_B, SX_W_C, SX_W_D };
    for (int w = 0; w < run->q->nwords; w++)
        for (int c = 0; c < 4; c++)
            if (run->cls[w][c] && roaring_bitmap_contains(run->cls[w][c], id)) {
                total += val[c];
                break;
            }
    return total;
}

static double doc_key(const struct seg_run *run, uint32_t id, uint16_t *score)
{
    const struct sx_query *q = run->q;
    const struct sx_doc *d = run->s->docs[id];
    *score = 0;
    (void)d;
    switch (q->sort) {
    case SORT_RELEVANCE: *score = tl->score[id]; return *score;
    case SORT_DISTANCE: return hot_dist(q, &run->s->hot[id]);
    case SORT_DATE: {
        const struct sx_occ *o;
        if (run->s->hot[id].kind != SX_ACTIVITY)
            return INFINITY;
        o = occ_match(q, d, q->has_to ? q->to_local : run->horizon);
        return o ? (double)occ_abs_us(o) : INFINITY;
    }
    case SORT_UPDATED: return (double)run->s->hot[id].updated_us;
    default: return (double)run->s->hot[id].created_us;
    }
}

/* Offer document id of the run's segment with its order key to the page's heap. */
static bool topk_offer(struct seg_run *run, uint32_t id, double key, uint16_t score)
{
    const struct sx_query *q = run->q;
    struct topk *top = run->top;
    struct cand c;
    if (top->n == top->cap && (top->desc ? key < top->v[0].key : key > top->v[0].key))
        return !(q->sort == SORT_CREATED); /* cannot enter; in created order nothing later can */
    c.idhi = run->s->hot[id].idhi;
    if (top->n == top->cap && key == top->v[0].key && c.idhi > top->v[0].idhi)
        return !(q->sort == SORT_CREATED); /* a tie that the id orders after the worst kept */
    c.d = run->s->docs[id];
    c.seg = run->si;
    c.key = key;
    c.score = score;
    if (q->has_cursor) {
        bool after;
        if (c.key != q->cursor_key)
            after = top->desc ? c.key < q->cursor_key : c.key > q->cursor_key;
        else
            after = memcmp(c.d->id, q->cursor_id, 16) > 0;
        if (!after)
            return true;
    }
    /* created order is the segment's own order: past a full heap nothing better follows */
    if (q->sort == SORT_CREATED && top->n == top->cap && !cand_before(top, &c, &top->v[0]))
        return false;
    heap_push(top, &c);
    return true;
}

static bool topk_visit(uint32_t id, void *arg)
{
    struct seg_run *run = arg;
    uint16_t score;
    double key = doc_key(run, id, &score);
    return topk_offer(run, id, key, score);
}

/* A candidate whose date key is infinity (no occurrence in the window, or not an activity). */
static bool topk_visit_infinite(uint32_t id, void *arg)
{
    struct seg_run *run = arg;
    const struct sx_query *q = run->q;
    struct cand c;
    c.d = run->s->docs[id];
    c.idhi = run->s->hot[id].idhi;
    c.seg = run->si;
    c.score = 0;
    c.key = INFINITY;
    if (q->has_cursor && (c.key != q->cursor_key ? c.key < q->cursor_key : memcmp(c.d->id, q->cursor_id, 16) <= 0))
        return true;
    heap_push(run->top, &c);
    return true;
}

static bool bit_set(uint32_t id, void *bits)
{
    bit_put(bits, id);
    return true;
}

static bool bit_clear_word(uint32_t id, void *bits)
{
    ((uint64_t *)bits)[id / 64] = 0;
    return true;
}

/*
 * Date order without computing every match's key: walk the segment's time index
 * from the window's start; the first matching occurrence of each activity in r
 * gives its key (the activity's own list decides the exact moment). Once the heap
 * is full and the walk is two hours past its worst key (no offset is larger), no
 * activity not yet seen can come earlier. The other kinds (key infinity) follow.
 * Returns false when the walk does not apply (the caller visits every match).
 */
static bool topk_date_walk(struct seg_run *run, const roaring_bitmap_t *r)
{
    const struct sx_query *q = run->q;
    const struct sx_segment *s = run->s;
    int64_t to_local = q->has_to ? q->to_local : run->horizon;
    uint64_t *in = tl->in, *mark = tl->seen;
    uint32_t *seen = tl->ids;
    size_t a, b, nseen = 0;
    bool stopped = false;
    roaring_bitmap_t *rest;
    if (s->nwhen == 0)
        return false;
    /* without from, starts before this may be before now: their documents decide */
    int32_t exact_to = q->has_from ? INT32_MIN : (int32_t)((q->now_us + 120 * 60000000LL + 59999999) / 60000000);
    window_range(q, s, to_local, &a, &b);
    /* the results as a bit per document: the walk asks for most entries of the window */
    roaring_iterate(r, bit_set, in);
    for (size_t i = a; i < b; i++) {
        const struct sx_when *w = &s->when[i];
        int64_t local = (int64_t)w->start_min * 60000000;
        if (run->top->n == run->top->cap && !isinf(run->top->v[0].key) &&
            local - 120 * 60000000LL > run->top->v[0].key) {
            stopped = true;
            break;
        }
        if (!bit_test(in, w->id) || bit_test(mark, w->id) || local >= to_local || !want_when(q, w->start_min))
            continue;
        bit_put(mark, w->id);
        seen[nseen++] = w->id;
        int off = s->hour_off[floor_div(w->start_min, 60) - s->hour0];
        if (off != SX_OFF_MIXED && w->start_min >= exact_to)
            /* the activity's first occurrence in the window, its moment known from the hour */
            topk_offer(run, w->id, (double)(((int64_t)w->start_min - off) * 60000000), 0);
        else
            topk_visit(w->id, run);
    }
    for (size_t i = 0; i < nseen; i++)
        mark[seen[i] / 64] = 0;
    roaring_iterate(r, bit_clear_word, in);
    if (stopped || (run->top->n == run->top->cap && !isinf(run->top->v[0].key)))
        return true; /* nothing later can enter the page */
    /* the walk saw every activity with an occurrence in the window: the rest (other kinds,
     * activities without one) have the key infinity and are ordered by id */
    if (nseen > 1)
        qsort(seen, nseen, sizeof(*seen), u32_cmp);
    roaring_bitmap_t *seen_bm = roaring_bitmap_of_ptr(nseen, seen);
    rest = roaring_bitmap_andnot(r, seen_bm);
    bm_free(seen_bm);
    roaring_iterate(rest, topk_visit_infinite, run);
    bm_free(rest);
    return true;
}

static bool best_visit(uint32_t id, void *arg)
{
    tl->best[id] = *(const uint8_t *)arg;
    return true;
}

static bool score_visit(uint32_t id, void *arg)
{
    (void)arg;
    tl->score[id] = (uint16_t)(tl->score[id] + tl->best[id]);
    tl->best[id] = 0;
    return true;
}

static bool score_clear(uint32_t id, void *arg)
{
    (void)arg;
    tl->score[id] = 0;
    return true;
}

enum {
    LEVEL_WORDS_MAX = 3
}; /* 4^3 combinations of weight classes */

struct level {
    uint16_t sum;
    uint8_t cls[LEVEL_WORDS_MAX];
};

static int level_cmp(const void *a, const void *b)
{
    const struct level *x = a, *y = b;
    return x->sum != y->sum ? (x->sum > y->sum ? -1 : 1) : memcmp(x->cls, y->cls, sizeof(x->cls));
}

/*
 * Relevance order for up to three words without scoring every match: the combinations
 * of weight classes (per word the strongest field it matches in) by their sum, highest
 * first; each combination's matches are offered with that sum as the key. A document
 * found at a higher sum is not offered again (a word with alternatives can match in
 * several classes). Once the page is full after a sum, no lower sum can enter.
 */
static void topk_relevance_levels(struct seg_run *run, const roaring_bitmap_t *r)
{
    static const uint8_t val[4] = { SX_W_A, SX_W_B, SX_W_C, SX_W_D };
    const struct sx_query *q = run->q;
    struct level lv[64];
    int n = 1, nw = q->nwords;
    uint64_t *seen = tl->seen;
    uint32_t *visited = tl->ids;
    size_t nvisited = 0;
    for (int w = 0; w < nw; w++)
        n *= 4;
    for (int i = 0; i < n; i++) {
        lv[i].sum = 0;
        memset(lv[i].cls, 0, sizeof(lv[i].cls));
        for (int w = 0, k = i; w < nw; w++, k /= 4) {
            lv[i].cls[w] = (uint8_t)(k % 4);
            lv[i].sum = (uint16_t)(lv[i].sum + val[k % 4]);
        }
    }
    qsort(lv, (size_t)n, sizeof(lv[0]), level_cmp);
    for (int i = 0; i < n;) {
        uint16_t sum = lv[i].sum;
        if (run->top->n == run->top->cap && run->top->v[0].key > sum)
            break;
        for (; i < n && lv[i].sum == sum; i++) {
            /* a level before the cursor: its documents are only marked (they were on earlier pages) */
            bool before_cursor = q->has_cursor && sum > q->cursor_key;
            bool empty = false;
            for (int w = 0; w < nw; w++)
                empty |= run->cls[w][lv[i].cls[w]] == NULL;
            if (empty)
                continue;
            roaring_bitmap_t *g = nw ? roaring_bitmap_and(r, run->cls[0][lv[i].cls[0]]) : roaring_bitmap_copy(r);
            for (int w = 1; w < nw && g; w++)
                roaring_bitmap_and_inplace(g, run->cls[w][lv[i].cls[w]]);
            if (g == NULL)
                break;
            roaring_uint32_iterator_t it;
            roaring_init_iterator(g, &it);
            for (; it.has_value; roaring_advance_uint32_iterator(&it)) {
                uint32_t id = it.current_value;
                if (bit_test(seen, id))
                    continue;
                bit_put(seen, id);
                visited[nvisited++] = id;
                if (!before_cursor)
                    topk_offer(run, id, sum, sum);
            }
            bm_free(g);
        }
    }
    for (size_t k = 0; k < nvisited; k++)
        seen[visited[k] / 64] = 0;
}

/* Relevance of every match: per word the strongest field it matches in, summed. */
static void score_all(struct seg_run *run, const roaring_bitmap_t *r)
{
    static const uint8_t val[4] = { SX_W_A, SX_W_B, SX_W_C, SX_W_D };
    for (int w = 0; w < run->q->nwords; w++) {
        for (int c = 3; c >= 0; c--) { /* weakest first: the strongest writes last */
            if (run->cls[w][c] == NULL)
                continue;
            roaring_bitmap_t *x = roaring_bitmap_and(run->cls[w][c], r);
            roaring_iterate(x, best_visit, (void *)&val[c]);
            bm_free(x);
        }
        roaring_iterate(r, score_visit, NULL);
    }
}

/* A facet: codes and counts, accumulated over the segments. */
struct facet {
    const char *key[512]; /* borrowed from the snapshot; not NUL-terminated at len */
    size_t len[512];
    uint64_t n[512];
    int count;
};

static void facet_add(struct facet *f, const char *key, size_t len, uint64_t n)
{
    if (n == 0)
        return;
    for (int i = 0; i < f->count; i++)
        if (f->len[i] == len && !memcmp(f->key[i], key, len)) {
            f->n[i] += n;
            return;
        }
    if (f->count < 512) {
        f->key[f->count] = key;
        f->len[f->count] = len;
        f->n[f->count++] = n;
    }
}

struct facets {
    struct facet kind, municipality, area, theme, audience, access;
};

/* Results up to this size are counted document by document, larger ones by intersections. */
enum {
    FACET_PER_DOC_MAX = 4000
};


static bool count_visit(uint32_t id, void *arg)
{
    const struct sx_segment *s = arg;
    for (uint32_t k = s->slot_off[id]; k < s->slot_off[id + 1]; k++)
        tl_counts[s->slots[k]]++;
    return true;
}

/* The number of results in each facet slot of the segment, into tl_counts. */
static int slot_counts(const struct sx_segment *s, const roaring_bitmap_t *r)
{
    if (s->nslots > tl_ncounts) {
        uint32_t *c = realloc(tl_counts, s->nslots * sizeof(*c));
        if (c == NULL)
            return -1;
        tl_counts = c;
        tl_ncounts = s->nslots;
    }
    uint64_t n = roaring_bitmap_get_cardinality(r);
    if (n <= FACET_PER_DOC_MAX) {
        /* the documents' slot lists are scattered: ask for them a few documents ahead */
        uint32_t ids[FACET_PER_DOC_MAX];
        enum {
            AHEAD = 8
        };
        memset(tl_counts, 0, s->nslots * sizeof(*tl_counts));
        roaring_bitmap_to_uint32_array(r, ids);
        for (uint64_t i = 0; i < n && i < AHEAD; i++)
            __builtin_prefetch(&s->slot_off[ids[i]]);
        for (uint64_t i = 0; i < n; i++) {
            if (i + AHEAD < n)
                __builtin_prefetch(&s->slot_off[ids[i + AHEAD]]);
            if (i + AHEAD / 2 < n)
                __builtin_prefetch(&s->slots[s->slot_off[ids[i + AHEAD / 2]]]);
            count_visit(ids[i], (void *)s);
        }
        return 0;
    }
    size_t k = 0;
    for (int i = 0; i < SX_NKINDS; i++)
        tl_counts[k++] = (uint32_t)roaring_bitmap_and_cardinality(r, s->kind[i]);
    for (int i = 0; slot_fields(s, i); i++) {
        const struct sx_field *fl = slot_fields(s, i);
        for (size_t p = 0; p < fl->n; p++)
            tl_counts[k++] = (uint32_t)roaring_bitmap_and_cardinality(r, fl->v[p].bm);
    }
    return 0;
}

/* The area facet of the segment's area postings (their counts from tl_counts[k0..]): an area
 * counts what a search in it finds (segment_eval), so an area in a family (a wijk or kern with
 * buurten, issue 16) counts the union of its family's postings, each entry once. Only current
 * areas are listed (a retired one cannot be chosen; its entries still count in its family). */
static int area_facets(const struct sx_catalog *cat, const struct sx_segment *s, const roaring_bitmap_t *r,
                       struct facet *f, size_t k0)
{
    const struct sx_area **fam = NULL; /* the family members to count, each once */
    size_t nfam = 0, cap = 0;
    int rc = 0;
    for (size_t i = 0; i < s->area.n; i++) {
        const struct sx_area *a = tl_counts[k0 + i] ? cat_area(cat, s->area.v[i].key) : NULL;
        if (tl_counts[k0 + i] == 0)
            continue;
        if (a == NULL || (a->parent == NULL && a->nkids == 0)) {
            if (a == NULL || !a->retired)
                facet_add(f, s->area.v[i].key, strlen(s->area.v[i].key), tl_counts[k0 + i]);
            continue;
        }
        /* a, its parent and its buurten */
        for (uint32_t m = 0; m < a->nkids + 2; m++) {
            const struct sx_area *x = m == 0   ? a
                                      : m == 1 ? (a->parent ? cat_area(cat, a->parent) : NULL)
                                               : &cat->areas[a->kids[m - 2]];
            bool seen = false;
            for (size_t j = 0; x && j < nfam && !seen; j++)
                seen = fam[j] == x;
            if (x == NULL || seen || x->retired)
                continue;
            if (nfam == cap) {
                const struct sx_area **g = realloc(fam, (cap = cap ? 2 * cap : 16) * sizeof(*fam));
                if (g == NULL) {
                    free(fam);
                    return -1;
                }
                fam = g;
            }
            fam[nfam++] = x;
        }
    }
    for (size_t j = 0; j < nfam && rc == 0; j++) {
        const roaring_bitmap_t *v[AREA_FAMILY_MAX];
        size_t n = area_family_postings(cat, s, fam[j], v);
        uint64_t c = 0;
        if (n == 1) {
            c = roaring_bitmap_and_cardinality(r, v[0]);
        } else if (n > 1) {
            roaring_bitmap_t *u = roaring_bitmap_or_many(n, v);
            if (u == NULL)
                rc = -1;
            else
                c = roaring_bitmap_and_cardinality(r, u);
            bm_free(u);
        }
        facet_add(f, fam[j]->code, strlen(fam[j]->code), c);
    }
    free(fam);
    return rc;
}

static int segment_facets(const struct sx_snapshot *snap, const struct sx_segment *s, const roaring_bitmap_t *r,
                          struct facets *f)
{
    const struct sx_catalog *cat = snap->cat;
    uint64_t wheel = 0;
    size_t k = 0;
    if (slot_counts(s, r) < 0)
        return -1;
    for (int i = 0; i < SX_NKINDS; i++)
        facet_add(&f->kind, sk_kind_name((enum sk_kind)i), strlen(sk_kind_name((enum sk_kind)i)), tl_counts[k++]);
    for (size_t i = 0; i < s->municipality.n; i++, k++)
        facet_add(&f->municipality, s->municipality.v[i].key, strlen(s->municipality.v[i].key), tl_counts[k]);
    if (area_facets(cat, s, r, &f->area, k) < 0)
        return -1;
    k += s->area.n;
    /* an entry for a whole municipality counts in each of its current sub-areas */
    for (size_t i = 0; i < s->whole.n; i++, k++) {
        if (tl_counts[k] == 0)
            continue;
        for (size_t a = 0; a < cat->nareas; a++)
            if (!cat->areas[a].is_municipality && !cat->areas[a].retired && cat->areas[a].municipality &&
                !strcmp(cat->areas[a].municipality, s->whole.v[i].key))
                facet_add(&f->area, cat->areas[a].code, strlen(cat->areas[a].code), tl_counts[k]);
    }
    for (size_t i = 0; i < s->theme.n; i++, k++)
        facet_add(&f->theme, s->theme.v[i].key, strlen(s->theme.v[i].key), tl_counts[k]);
    for (size_t i = 0; i < s->audience.n; i++, k++)
        facet_add(&f->audience, s->audience.v[i].key, strlen(s->audience.v[i].key), tl_counts[k]);
    /* accessibility: each facet with the value yes, and wheelchair yes or limited */
    for (size_t i = 0; i < s->access.n; i++, k++) {
        const char *key = s->access.v[i].key, *eq = strchr(key, '=');
        if (eq == NULL || tl_counts[k] == 0)
            continue;
        bool wheelchair = (size_t)(eq - key) == 10 && !strncmp(key, "wheelchair", 10);
        if (!strcmp(eq + 1, "yes"))
            facet_add(&f->access, key, (size_t)(eq - key), tl_counts[k]);
        if (wheelchair && (!strcmp(eq + 1, "yes") || !strcmp(eq + 1, "limited")))
            wheel += tl_counts[k];
    }
    facet_add(&f->access, "wheelchair:limited", 18, wheel);
    return 0;
}

/* Decimal digits of v at p; the end. */
static char *put_u64(char *p, uint64_t v)
{
    char tmp[20];
    int n = 0;
    do
        tmp[n++] = (char)('0' + v % 10);
    while ((v /= 10) != 0);
    while (n)
        *p++ = tmp[--n];
    return p;
}

/* v in exactly width digits (leading zeros). */
static char *put_fixed(char *p, unsigned v, int width)
{
    for (int i = width - 1; i >= 0; i--, v /= 10)
        p[i] = (char)('0' + v % 10);
    return p + width;
}

/* A JSON string of s[0..len) (codes and keys: escaping is rare). */
static void json_strn(struct evbuffer *out, const char *s, size_t len)
{
    char buf[8];
    size_t from = 0;
    evbuffer_add(out, "\"", 1);
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c != '"' && c != '\\' && c >= 0x20)
            continue;
        evbuffer_add(out, s + from, i - from);
        if (c < 0x20)
            evbuffer_add(out, buf, (size_t)snprintf(buf, sizeof(buf), "\\u%04x", c));
        else
            evbuffer_add(out, (char[2]){ '\\', (char)c }, 2);
        from = i + 1;
    }
    evbuffer_add(out, s + from, len - from);
    evbuffer_add(out, "\"", 1);
}

static void facet_json(struct evbuffer *out, const char *name, const struct facet *f, bool first)
{
    char num[24];
    if (!first)
        evbuffer_add(out, ", ", 2);
    json_strn(out, name, strlen(name));
    evbuffer_add(out, ": {", 3);
    for (int i = 0; i < f->count; i++) {
        if (i)
            evbuffer_add(out, ", ", 2);
        json_strn(out, f->key[i], f->len[i]);
        num[0] = ':';
        num[1] = ' ';
        evbuffer_add(out, num, (size_t)(put_u64(num + 2, f->n[i]) - num));
    }
    evbuffer_add(out, "}", 1);
}

/* Wall-clock µs as 2026-11-24T10:00 (sk_local) at p (16 characters); the end. */
static char *put_local(char *p, int64_t local)
{
    int64_t days = local >= 0 ? local / 86400000000LL : (local - 86399999999LL) / 86400000000LL;
    int64_t rem = (local - days * 86400000000LL) / 60000000LL;
    /* civil from days (Howard Hinnant) */
    int64_t z = days + 719468, era = (z >= 0 ? z : z - 146096) / 146097;
    unsigned doe = (unsigned)(z - era * 146097);
    unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t y = (int64_t)yoe + era * 400;
    unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    unsigned mp = (5 * doy + 2) / 153;
    unsigned d = doy - (153 * mp + 2) / 5 + 1;
    unsigned m = mp < 10 ? mp + 3 : mp - 9;
    y += m <= 2;
    if (y < 0 || y > 9999)
        y = y < 0 ? 0 : 9999; /* never within the horizon */
    p = put_fixed(p, (unsigned)y, 4);
    *p++ = '-';
    p = put_fixed(p, m, 2);
    *p++ = '-';
    p = put_fixed(p, d, 2);
    *p++ = 'T';
    p = put_fixed(p, (unsigned)(rem / 60), 2);
    *p++ = ':';
    return put_fixed(p, (unsigned)(rem % 60), 2);
}

static void occ_json(struct evbuffer *out, const struct sx_occ *o)
{
    char buf[64], *p = buf;
    static const char a[] = "{\"end\": \"", b[] = "\", \"start\": \"";
    memcpy(p, a, sizeof(a) - 1);
    p = put_local(p + sizeof(a) - 1, (int64_t)o->end_min * 60000000);
    memcpy(p, b, sizeof(b) - 1);
    p = put_local(p + sizeof(b) - 1, occ_local_us(o));
    *p++ = '"';
    *p++ = '}';
    evbuffer_add(out, buf, (size_t)(p - buf));
}

/* round(x::numeric, 1) as PostgreSQL prints it: float8 to numeric keeps 15 digits, half away from zero. */
static void fmt_round1(double x, char out[40])
{
    char buf[40], *dot;
    long long tenths;
    snprintf(buf, sizeof(buf), "%.15g", x);
    if (strchr(buf, 'e') || strchr(buf, 'E')) {
        snprintf(out, 40, "%.1f", fabs(x) < 1 ? 0.0 : x);
        return;
    }
    dot = strchr(buf, '.');
    tenths = strtoll(buf, NULL, 10) * 10;
    if (dot && dot[1]) {
        tenths += dot[1] - '0';
        if (dot[2] >= '5' && dot[2] <= '9')
            tenths++;
    }
    snprintf(out, 40, "%lld.%lld", tenths / 10, tenths % 10);
}

static void cursor_json(struct evbuffer *out, const struct sx_query *q, const struct cand *c)
{
    char key[48], js[200];
    unsigned char b64[300];
    int n;
    if (q->sort == SORT_DISTANCE)
        snprintf(key, sizeof(key), "%.17g", c->key);
    else if (isinf(c->key))
        snprintf(key, sizeof(key), "inf");
    else
        snprintf(key, sizeof(key), "%.0f", c->key);
    n = snprintf(js, sizeof(js), "{\"h\": \"%s\", \"i\": \"%s\", \"k\": \"%s\", \"s\": \"%s\"}", q->hash, c->d->id_text,
                 key, sort_names[q->sort]);
    n = EVP_EncodeBlock(b64, (const unsigned char *)js, n);
    while (n > 0 && b64[n - 1] == '=')
        n--;
    for (int i = 0; i < n; i++)
        b64[i] = b64[i] == '+' ? '-' : b64[i] == '/' ? '_' : b64[i];
    evbuffer_add(out, "\"", 1);
    evbuffer_add(out, b64, (size_t)n);
    evbuffer_add(out, "\"", 1);
}

static void item_json(struct evbuffer *out, const struct sx_query *q, const struct seg_run *runs, const struct cand *c,
                      const char *lang)
{
    const struct sx_doc *d = c->d;
    const char *doc = d->doc;
    size_t len = d->doc_len;
    if (lang && strcmp(lang, "nl") != 0)
        for (size_t i = 0; i < d->ntr; i++)
            if (!strcmp(d->tr[i].lang, lang)) {
                doc = d->tr[i].doc;
                len = d->tr[i].len;
            }
    char bare[64];
    if (doc == NULL || len < 2) { /* no document rendered (never for a published entry): the id alone */
        len = (size_t)snprintf(bare, sizeof(bare), "{\"id\": \"%s\"}", d->id_text);
        doc = bare;
    }
    evbuffer_add(out, doc, len - 1); /* without the closing brace */
    if (q->near) {
        char m[40];
        fmt_round1(dist_of(q, d), m);
        evbuffer_add_printf(out, ", \"distance_m\": %s", m);
    }
    if (q->nwords) {
        uint16_t score = q->sort == SORT_RELEVANCE ? c->score : 0;
        if (q->sort != SORT_RELEVANCE) {
            long local = sx_segment_find(runs[c->seg].s, d->id);
            score = local >= 0 ? doc_score(&runs[c->seg], (uint32_t)local) : 0;
        }
        static const char a[] = ", \"score\": ";
        char buf[32];
        memcpy(buf, a, sizeof(a) - 1);
        evbuffer_add(out, buf, (size_t)(put_u64(buf + sizeof(a) - 1, score) - buf));
    }
    if (d->kind == SX_ACTIVITY) {
        const struct sx_occ *next = NULL;
        for (size_t i = occ_first(q, d); i < d->nocc && next == NULL; i++) {
            const struct sx_occ *o = &d->occ[i];
            int64_t local = occ_local_us(o);
            if (occ_abs_us(o) < q->now_us)
                continue;
            if (q->has_days && !(q->days & (1u << (isodow_of_local(local) - 1))))
                continue;
            if (q->tod && part_of_local(local) != q->tod)
                continue;
            next = o;
        }
        evbuffer_add(out, ", \"next_occurrence\": ", 21);
        if (next)
            occ_json(out, next);
        else
            evbuffer_add(out, "null", 4);
        if (q->has_from || q->has_to) {
            int64_t to = q->has_to ? q->to_local : runs[0].horizon;
            int k = 0;
            evbuffer_add(out, ", \"occurrences\": [", 18);
            for (size_t i = occ_first(q, d); i < d->nocc && k < 3; i++) {
                const struct sx_occ *o = &d->occ[i];
                if (occ_local_us(o) >= to)
                    break;
                if (!occ_in_window(q, o, to))
                    continue;
                if (k++)
                    evbuffer_add(out, ", ", 2);
                occ_json(out, o);
            }
            evbuffer_add(out, "]", 1);
        }
    }
    evbuffer_add(out, "}", 1);
}

int sindex_search(struct sindex *ix, struct json_object *params, const char *lang, struct evbuffer *out,
                  struct verr_list *errs, uint64_t *total_out)
{
    struct sx_query *q;
    struct sx_snapshot *snap;
    struct seg_run runs[2] = { 0 };
    struct topk *top;
    struct facets *f = NULL;
    uint64_t total = 0;
    int status = 200;

    if (tl == NULL || tl->stemmer == NULL)
        return 0;
    q = calloc(1, sizeof(*q));
    top = calloc(1, sizeof(*top));
    if (q == NULL || top == NULL) {
        free(q);
        free(top);
        return 0;
    }
    urcu_memb_read_lock();
    snap = sx_current(ix);
    if (snap == NULL) {
        status = 0;
        goto out;
    }
    q->now_us = sx_now_us();
    q->now_local = q->now_us + (int64_t)sx_utc_offset_s(ix) * 1000000;
    if (query_read(q, params, snap, errs) < 0) {
        status = errs->count ? 400 : 0;
        goto out;
    }
    if (q->facets && (f = calloc(1, sizeof(*f))) == NULL) {
        status = 0;
        goto out;
    }
    top->cap = q->limit + 1;
    top->desc = q->sort == SORT_RELEVANCE || q->sort == SORT_UPDATED || q->sort == SORT_CREATED;
    for (int si = 0; si < 2; si++) {
        struct seg_run *run = &runs[si];
        roaring_bitmap_t *r;
        run->q = q;
        run->snap = snap;
        run->s = snap->seg[si];
        run->si = si;
        run->top = top;
        run->horizon = snap->cat->horizon_local_us;
        if (run->s == NULL)
            continue;
        long ncells = q->near ? near_cells(q, run->s) : -1;
        for (int w = 0; w < q->nwords; w++)
            for (int c = 0; c < 4; c++)
                run->cls[w][c] = word_bitmap(run->s, &q->words[w], c);
        if (scratch(run->s->ndocs) < 0 ||
            (r = segment_eval(q, snap, si, ncells, (roaring_bitmap_t *const(*)[4])run->cls)) == NULL) {
            status = 0;
            goto out;
        }
        total += roaring_bitmap_get_cardinality(r);
        bool levels = q->sort == SORT_RELEVANCE && q->nwords <= LEVEL_WORDS_MAX;
        if (q->sort == SORT_RELEVANCE && !levels)
            score_all(run, r);
        if (levels) {
            topk_relevance_levels(run, r);
        } else if (q->sort == SORT_DATE && topk_date_walk(run, r)) {
            /* done: the time index gave the soonest */
        } else if (q->sort == SORT_DISTANCE && ncells >= 0) {
            /* nearest squares first; stop once no square can hold a nearer document */
            for (long i = 0; i < ncells; i++) {
                if (top->n == top->cap && tl_cells[i].dmin > top->v[0].key)
                    break;
                if (q->has_cursor && tl_cells[i].dmax < q->cursor_key)
                    continue;
                roaring_bitmap_t *x = roaring_bitmap_and(tl_cells[i].bm, r);
                roaring_iterate(x, topk_visit, run);
                bm_free(x);
            }
        } else {
            roaring_iterate(r, topk_visit, run);
        }
        if (q->sort == SORT_RELEVANCE && !levels)
            roaring_iterate(r, score_clear, NULL);
        if (f && segment_facets(snap, run->s, r, f) < 0) {
            bm_free(r);
            status = 0;
            goto out;
        }
        bm_free(r);
    }
    sort_ctx = top;
    qsort(top->v, (size_t)top->n, sizeof(top->v[0]), cand_cmp);

    evbuffer_add(out, "{\"items\": [", 11);
    for (int i = 0; i < top->n && i < q->limit; i++) {
        if (i)
            evbuffer_add(out, ", ", 2);
        item_json(out, q, runs, &top->v[i], lang);
    }
    evbuffer_add_printf(out, "], \"sort\": \"%s\", \"total\": %llu, \"total_capped\": false, \"next_cursor\": ",
                        sort_names[q->sort], (unsigned long long)total);
    if (total_out)
        *total_out = total;
    if (top->n > q->limit)
        cursor_json(out, q, &top->v[q->limit - 1]);
    else
        evbuffer_add(out, "null", 4);
    if (f) {
        evbuffer_add(out, ", \"facets\": {", 13);
        facet_json(out, "kind", &f->kind, true);
        facet_json(out, "municipality", &f->municipality, false);
        facet_json(out, "area", &f->area, false);
        facet_json(out, "theme", &f->theme, false);
        facet_json(out, "audience", &f->audience, false);
        facet_json(out, "accessibility", &f->access, false);
        evbuffer_add(out, "}", 1);
    }
    evbuffer_add(out, "}", 1);
out:
    urcu_memb_read_unlock();
    for (int si = 0; si < 2; si++)
        for (int w = 0; w < QWORDS; w++)
            for (int c = 0; c < 4; c++)
                bm_free(runs[si].cls[w][c]);
    free(f);
    free(q);
    free(top);
    return status;
}
