/*
 * sindex_int.h — the index's data, shared by sindex.c (building segments and
 * searching them) and sindex_follow.c (loading from PostgreSQL, following,
 * publishing). Not for other modules.
 *
 * Ownership: a document (struct sx_doc) is immutable once built and
 * reference-counted; segments hold references. A segment, the catalog and the
 * word list are immutable and reference-counted; snapshots hold references.
 * A snapshot is freed by the follower after an RCU grace period.
 */
#ifndef SK_SINDEX_INT_H
#define SK_SINDEX_INT_H

#include <roaring/roaring.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "contract.h"

struct sindex;

/* roaring_bitmap_free of this CRoaring version does not accept NULL. */
static inline void bm_free(roaring_bitmap_t *b)
{
    if (b)
        roaring_bitmap_free(b);
}

/* Kinds are numbered as in the contract (contract.def). */
enum sx_kind {
    SX_PLACE = SK_KIND_PLACE,
    SX_ACTIVITY = SK_KIND_ACTIVITY,
    SX_VACANCY = SK_KIND_VACANCY,
    SX_CARER = SK_KIND_CARER_SUPPORT,
    SX_SERVICE = SK_KIND_SERVICE,
    SX_NKINDS = SK_KIND_COUNT
};

/* Field weights of the relevance formula: title, summary, description, names. */
enum {
    SX_W_A = 8,
    SX_W_B = 4,
    SX_W_C = 2,
    SX_W_D = 1
};

/* One occurrence (sk_occurrences), in minutes: schedules have no seconds. */
struct sx_occ {
    int32_t start_min; /* local_start, wall-clock minutes since 1970 */
    int32_t end_min;   /* local end */
    int16_t start_off; /* Amsterdam's offset at the start, minutes: starts_at = local - offset */
    int16_t end_off;
};

static inline int64_t occ_local_us(const struct sx_occ *o)
{
    return (int64_t)o->start_min * 60000000;
}

static inline int64_t occ_abs_us(const struct sx_occ *o)
{
    return ((int64_t)o->start_min - o->start_off) * 60000000;
}

/* What the filters and sorts read for every candidate, in one array per segment. */
struct sx_hot {
    double x, y;   /* Rijksdriehoek metres */
    uint64_t idhi; /* the first 8 bytes of the id, big-endian: orders ties without the document */
    int64_t created_us, updated_us;
    uint32_t occ_mask;
    uint8_t kind;
    bool geo;
};

enum {
    SX_OFF_MIXED = INT16_MIN
};

/* An occurrence in the segment's time index: by local start. */
struct sx_when {
    int32_t start_min;
    uint32_t id;
};

/* A square of the Rijksdriehoek grid (SX_CELL_M metres) and the documents in it. */
struct sx_cell {
    int64_t key; /* (cx << 32) | (uint32_t)cy */
    roaring_bitmap_t *bm;
    uint32_t first, n; /* its documents' positions: cell_pts[first .. first + n) */
};

/* A document's position, stored again by square: the squares on a circle's edge are measured
 * from contiguous memory instead of the hot array's scattered lines. */
struct sx_cell_pt {
    double x, y;
    uint32_t id;
};

enum {
    SX_CELL_M = 250
};

/*
 * Document texts of one full load, copied into large chunks mapped for them alone: the texts
 * are most of the index's memory, and a reload frees the old ones together, so the chunks go
 * back to the system whole instead of leaving holes in the allocator's heap. Refcounted: each
 * document with texts in it holds one reference, the loader one while loading.
 */
struct sx_slab;

struct sx_slab *sx_slab_new(void);
/* n zeroed bytes (8-aligned) in the slab; NULL when out of memory. Loader thread only. */
void *sx_slab_alloc(struct sx_slab *s, size_t n);
/* A NUL-terminated copy of text[0..len) in the slab; NULL when out of memory. Loader thread only. */
char *sx_slab_copy(struct sx_slab *s, const char *text, size_t len);
void sx_slab_ref(struct sx_slab *s);
void sx_slab_unref(struct sx_slab *s);
size_t sx_slab_bytes(const struct sx_slab *s);

struct sx_translation {
    char lang[4];
    char *doc; /* owned, or in the document's slab */
    size_t len;
};

struct sx_doc {
    _Atomic uint32_t refs;
    uint8_t id[16];
    char id_text[37];
    uint8_t kind;
    bool free, discount, has_geo, drop_in;
    bool referral, indication; /* a service's referral_required, indication_required (issue 16) */
    uint8_t org[16];
    char org_text[37];
    char *municipality;
    char *place_type; /* owned (in the slab when in_slab); NULL: none (issue 16) */
    char **areas, **themes, **audiences, **access, **languages, **campaigns,
        **channels;     /* owned, each NULL-terminated */
    char **also_serves; /* owned, NULL-terminated: the other municipalities a regional entry serves (issue 16) */
    size_t nareas, nthemes, naudiences, naccess, nlanguages, ncampaigns, nchannels, nalso_serves;
    char *tsv; /* sk_tsv::text, owned (or in the load's scratch slab when tsv_borrowed);
                              * NULL once a base's lexicon is built */
    bool tsv_borrowed;
    double x, y;      /* Rijksdriehoek metres */
    int32_t *open;    /* [lower, upper) minute-of-week pairs, owned */
    size_t nopen;     /* pairs */
    int64_t until_us; /* INT64_MAX: never */
    int64_t created_us, updated_us;
    int64_t modified;   /* feed_items.modified when loaded */
    struct sx_occ *occ; /* owned, by start */
    size_t nocc;
    uint32_t occ_mask; /* bit (isodow-1)*4 + part of the day of any occurrence */
    char *doc;         /* Dutch (or untranslated) document: owned, or in slab; NULL until attached */
    size_t doc_len;
    struct sx_translation *tr; /* owned */
    size_t ntr;
    struct sx_slab *slab; /* reference: the texts live there when set */
    bool in_slab;         /* so do the document itself, its strings, code lists and opening hours */
};

void sx_doc_unref(struct sx_doc *d);

/* A code and the documents that have it. */
struct sx_posting {
    const char *key; /* borrowed from a document or the catalog, or owned by the segment (lexemes) */
    roaring_bitmap_t *bm;
};

struct sx_field {
    struct sx_posting *v; /* owned, sorted by key (bytes) */
    size_t n;
};

/* One lexeme: documents whose strongest weight for it is A, B, C or D. */
struct sx_lexeme {
    char *text;              /* owned by the segment's lexeme storage */
    roaring_bitmap_t *bm[4]; /* A, B, C, D; NULL when empty */
};

struct sx_segment {
    _Atomic uint32_t refs;
    struct sx_doc **docs; /* owned references; local id = position; sorted created desc, id asc */
    size_t ndocs;
    uint32_t *by_id; /* local ids sorted by document id */
    roaring_bitmap_t *kind[SX_NKINDS];
    roaring_bitmap_t *free, *discount, *geo, *drop_in, *referral, *indication;
    struct sx_field municipality, area, whole, theme, audience, org, access, language, campaign, place_type, channel;
    struct sx_lexeme *lex; /* sorted by text */
    size_t nlex;
    char *lex_store;    /* owned */
    uint32_t *by_until; /* local ids of documents with an end, by until_us */
    size_t nuntil;
    struct sx_hot *hot;   /* per local id */
    struct sx_when *when; /* every occurrence of the segment's activities, by local start */
    size_t nwhen;
    /* the time index by the hour: per local hour from hour0 (hours since 1970, wall clock), the
     * activities with an occurrence starting in it; NULL for an hour without one. A window is
     * the union of its whole hours; its edges are read from when. */
    int64_t hour0;
    size_t nhours;
    roaring_bitmap_t **hour;
    int16_t *hour_off;     /* the UTC offset (minutes) all of the hour's occurrences share, or
                              * SX_OFF_MIXED: an occurrence's moment without its document */
    struct sx_cell *cells; /* sorted by key */
    size_t ncells;
    struct sx_cell_pt *cell_pts; /* by square, then id */
    /* facet slots: every posting of kind, municipality, area, whole, theme, audience and access in
     * that order; per document the slots it is in (CSR), to count small result sets directly */
    size_t nslots;
    uint16_t *slots;
    uint32_t *slot_off;     /* ndocs + 1 */
    size_t bytes;           /* estimate of what the segment holds beside the documents */
    struct sx_catalog *cat; /* reference: theme keys point into it */
};

void sx_segment_unref(struct sx_segment *s);

struct sx_area {
    char *code, *municipality;
    char *parent;   /* owned; a buurt's wijk or kern, else NULL (issue 16) */
    uint32_t *kids; /* owned; the buurten of a wijk or kern, as indexes into the catalog's areas */
    uint32_t nkids;
    bool is_municipality, retired;
};

struct sx_theme {
    char *code, *parent;
};

struct sx_feature {
    char *code;
    char **allowed; /* NULL-terminated */
};

struct sx_catalog {
    _Atomic uint32_t refs;
    struct sx_area *areas;
    size_t nareas; /* by code */
    struct sx_theme *themes;
    size_t nthemes; /* by code */
    char **audiences;
    size_t naudiences; /* sorted */
    char **campaigns;
    size_t ncampaigns; /* sorted */
    char **place_types;
    size_t nplace_types; /* sorted */
    struct sx_feature *features;
    size_t nfeatures; /* by code */
    uint8_t (*orgs)[16];
    size_t norgs;             /* sorted */
    int64_t horizon_local_us; /* sk_occ_state.horizon, local midnight */
    int64_t version;          /* sk_index_catalog.version */
};

void sx_catalog_unref(struct sx_catalog *c);

/* One known word (sk_words), for typo tolerance. Owned by the follower's word store. */
struct sx_word {
    const char *text;
    const uint64_t *tri; /* sorted trigrams (ts_trigrams) */
    uint32_t ntri;
};

struct sx_words {
    _Atomic uint32_t refs;
    const struct sx_word **v; /* owned array, sorted by text (bytes) */
    size_t n;
};

void sx_words_unref(struct sx_words *w);

struct sx_snapshot {
    struct sx_catalog *cat;
    struct sx_words *words;
    struct sx_segment *seg[2]; /* base, delta (may be NULL) */
    roaring_bitmap_t *dead[2]; /* local ids no longer current; NULL = none */
    size_t nlive;
    uint64_t position;
    int64_t built_us;
};

/* Build a segment over docs[0..n) (references taken); NULL when out of memory. */
struct sx_segment *sx_segment_build(struct sx_doc **docs, size_t n, const struct sx_catalog *cat);

/* Local id of a document in a segment, or -1. */
long sx_segment_find(const struct sx_segment *s, const uint8_t id[16]);

void sx_snapshot_free(struct sx_snapshot *s);

/* The snapshot readers see now (inside urcu_memb_read_lock only); NULL before the first load. */
struct sx_snapshot *sx_current(struct sindex *ix);

/* Amsterdam's offset from UTC in seconds, as the database last said. */
int sx_utc_offset_s(struct sindex *ix);

/* Wall-clock time, µs since 1970. */
int64_t sx_now_us(void);

/* Parse helpers shared with the loader. */
int sx_parse_text_array(const char *s, char ***out, size_t *n, struct sx_slab *slab);
int sx_uuid_parse(const char *s, uint8_t out[16]);

#endif
