/*
 * textsearch.c — PostgreSQL's Dutch text analysis, query side (see textsearch.h).
 */
#include "textsearch.h"

#include <libstemmer.h>
#include <locale.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <wctype.h>

#include "embedded.h"
#include "utf8.h"

/* ---------------------------------------------------------------------------------------- */
/* UTF-8                                                                                    */

/* ---------------------------------------------------------------------------------------- */
/* The tables, made once from the embedded files                                            */

struct ts_rule {
    const char *src; /* into the rules file copy; not NUL-terminated */
    const char *trg;
    uint8_t src_len, trg_len;
};

static struct {
    char *rules_text;      /* owned copy of unaccent.rules, cut into fields */
    struct ts_rule *rules; /* sorted by src bytes (rule_cmp) */
    size_t nrules;
    char **stop; /* sorted stop words (pointers into stop_text) */
    size_t nstop;
    char *stop_text;
    locale_t ctype; /* C.UTF-8: lower case and word characters as the cluster's */
    bool ok;
} T;

static pthread_once_t ts_once = PTHREAD_ONCE_INIT;

static int rule_cmp(const void *a, const void *b)
{
    const struct ts_rule *x = a, *y = b;
    size_t n = x->src_len < y->src_len ? x->src_len : y->src_len;
    int c = memcmp(x->src, y->src, n);
    if (c)
        return c;
    return (int)x->src_len - (int)y->src_len;
}

static int str_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * unaccent.rules: one rule a line, "source<white space>translation"; no translation means
 * the source is removed; a translation in double quotes has "" for a quote (PostgreSQL 13+).
 */
static void load_rules(void)
{
    char *p, *line;
    size_t cap = 0;
    T.rules_text = malloc(sk_unaccent_rules.len + 1);
    if (T.rules_text == NULL)
        return;
    memcpy(T.rules_text, sk_unaccent_rules.data, sk_unaccent_rules.len + 1);
    for (p = T.rules_text; *p; p++)
        cap += *p == '\n';
    T.rules = calloc(cap + 1, sizeof(*T.rules));
    if (T.rules == NULL)
        return;
    for (line = T.rules_text; line && *line;) {
        char *end = strchr(line, '\n'), *s = line, *t;
        size_t sl, tl;
        if (end)
            *end = '\0';
        while (*s == ' ' || *s == '\t')
            s++;
        sl = strcspn(s, " \t\r");
        t = s + sl;
        while (*t == ' ' || *t == '\t')
            t++;
        tl = strcspn(t, "\t\r");
        while (tl > 0 && t[tl - 1] == ' ')
            tl--;
        if (tl >= 2 && t[0] == '"' && t[tl - 1] == '"') {
            /* quoted: drop the quotes, "" is one quote (rewritten in place) */
            size_t o = 0;
            for (size_t i = 1; i + 1 < tl; i++) {
                t[o++] = t[i];
                if (t[i] == '"' && t[i + 1] == '"')
                    i++;
            }
            tl = o;
        }
        if (sl > 0 && sl < 256 && tl < 256) {
            T.rules[T.nrules++] = (struct ts_rule){ s, t, (uint8_t)sl, (uint8_t)tl };
        }
        line = end ? end + 1 : NULL;
    }
    qsort(T.rules, T.nrules, sizeof(*T.rules), rule_cmp);
}

static void load_stopwords(void)
{
    char *line;
    size_t cap = 1;
    T.stop_text = malloc(sk_dutch_stop.len + 1);
    if (T.stop_text == NULL)
        return;
    memcpy(T.stop_text, sk_dutch_stop.data, sk_dutch_stop.len + 1);
    for (char *p = T.stop_text; *p; p++)
        cap += *p == '\n';
    T.stop = calloc(cap, sizeof(*T.stop));
    if (T.stop == NULL)
        return;
    for (line = T.stop_text; line && *line;) {
        char *end = strchr(line, '\n');
        size_t n;
        if (end)
            *end = '\0';
        n = strcspn(line, " \t\r");
        line[n] = '\0';
        if (n > 0)
            T.stop[T.nstop++] = line;
        line = end ? end + 1 : NULL;
    }
    qsort(T.stop, T.nstop, sizeof(*T.stop), str_cmp);
}

static void ts_init(void)
{
    T.ctype = newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t)0);
    load_rules();
    load_stopwords();
    T.ok = T.ctype != (locale_t)0 && T.rules != NULL && T.stop != NULL;
}

static bool ts_ready(void)
{
    pthread_once(&ts_once, ts_init);
    return T.ok;
}

/* The rule for the character s[0..len) (every source in unaccent.rules is one character), or NULL. */
static const struct ts_rule *rule_for(const char *s, size_t len)
{
    struct ts_rule key = { .src = s, .src_len = (uint8_t)len };
    return bsearch(&key, T.rules, T.nrules, sizeof(*T.rules), rule_cmp);
}

/* Append cp in lower case to out[*o..cap); false when it does not fit. */
static bool fold_put(uint32_t cp, char *out, size_t *o, size_t cap)
{
    char enc[4];
    size_t el = utf8_encode((uint32_t)towlower_l((wint_t)cp, T.ctype), enc);
    if (*o + el >= cap)
        return false;
    memcpy(out + *o, enc, el);
    *o += el;
    return true;
}

int ts_fold(const char *in, size_t len, char *out, size_t cap)
{
    size_t o = 0;

    if (!ts_ready() || cap == 0)
        return -1;
    /* one pass: each character is replaced by its rule's translation (unaccent), and what
     * comes out is lowered, as lower(sk_unaccent(text)) */
    for (size_t i = 0; i < len;) {
        uint32_t cp;
        size_t cl = utf8_decode((const unsigned char *)in + i, len - i, &cp);
        const struct ts_rule *r;
        if (cl == 0)
            return -1;
        if ((r = rule_for(in + i, cl)) != NULL) {
            for (size_t k = 0; k < r->trg_len;) {
                uint32_t tc;
                size_t tl = utf8_decode((const unsigned char *)r->trg + k, r->trg_len - k, &tc);
                if (tl == 0 || !fold_put(tc, out, &o, cap))
                    return -1;
                k += tl;
            }
        } else if (!fold_put(cp, out, &o, cap)) {
            return -1;
        }
        i += cl;
    }
    out[o] = '\0';
    return (int)o;
}

/* The length of the code point at text[i..len) and whether it is a word character (invalid: 1, no). */
static size_t split_char(const char *text, size_t i, size_t len, bool *word)
{
    uint32_t cp;
    size_t cl = utf8_decode((const unsigned char *)text + i, len - i, &cp);
    *word = cl > 0 && iswalnum_l((wint_t)cp, T.ctype);
    return cl ? cl : 1;
}

size_t ts_split(char *text, const char **words, size_t max)
{
    size_t n = 0, len = strlen(text), i = 0, cl;
    bool word;
    if (!ts_ready())
        return 0;
    while (i < len) {
        size_t start;
        while (i < len && (cl = split_char(text, i, len, &word), !word)) /* separators */
            i += cl;
        if (i >= len)
            break;
        start = i;
        while (i < len && (cl = split_char(text, i, len, &word), word))
            i += cl;
        if (n < max)
            words[n] = text + start;
        n++;
        if (i < len) { /* end the word at its separator */
            text[i] = '\0';
            i += cl;
        }
    }
    return n;
}

bool ts_is_stopword(const char *word)
{
    if (!ts_ready())
        return false;
    return bsearch(&word, T.stop, T.nstop, sizeof(*T.stop), str_cmp) != NULL;
}

/* ---------------------------------------------------------------------------------------- */
/* Stemming                                                                                 */

struct ts_stemmer {
    struct sb_stemmer *sb; /* owned */
};

struct ts_stemmer *ts_stemmer_new(void)
{
    struct ts_stemmer *st;
    if (!ts_ready() || (st = calloc(1, sizeof(*st))) == NULL)
        return NULL;
    st->sb = sb_stemmer_new("dutch", "UTF_8");
    if (st->sb == NULL) {
        free(st);
        return NULL;
    }
    return st;
}

void ts_stemmer_free(struct ts_stemmer *st)
{
    if (st == NULL)
        return;
    sb_stemmer_delete(st->sb);
    free(st);
}

size_t ts_lexeme(struct ts_stemmer *st, const char *word, char *out)
{
    size_t len = strlen(word);
    const sb_symbol *stem;
    int sl;

    if (len == 0 || len >= TS_LEXEME_MAX)
        return 0;
    /* the parser calls a word with a digit numword/uint: the 'simple' dictionary keeps it */
    if (strpbrk(word, "0123456789") != NULL || len > 1000) {
        memcpy(out, word, len + 1);
        return len;
    }
    if (ts_is_stopword(word))
        return 0;
    stem = sb_stemmer_stem(st->sb, (const sb_symbol *)word, (int)len);
    sl = stem ? sb_stemmer_length(st->sb) : -1;
    if (sl <= 0 || (size_t)sl >= TS_LEXEME_MAX)
        return 0;
    memcpy(out, stem, (size_t)sl);
    out[sl] = '\0';
    return (size_t)sl;
}

/* ---------------------------------------------------------------------------------------- */
/* pg_trgm similarity                                                                       */

struct trgm {
    int32_t c[3];
};

static int trgm_cmp(const void *a, const void *b)
{
    const struct trgm *x = a, *y = b;
    for (int i = 0; i < 3; i++)
        if (x->c[i] != y->c[i])
            return x->c[i] < y->c[i] ? -1 : 1;
    return 0;
}

/* The sorted, distinct trigrams of "  word " (at most cap); their count. */
static size_t trgm_make(const char *word, struct trgm *t, size_t cap)
{
    int32_t cps[TS_TRGM_WORD_MAX + 3];
    size_t n = 0, len = strlen(word), cl, k = 0;
    cps[n++] = ' ';
    cps[n++] = ' ';
    for (size_t i = 0; i < len && n < TS_TRGM_WORD_MAX + 2; i += cl) {
        uint32_t cp;
        if ((cl = utf8_decode((const unsigned char *)word + i, len - i, &cp)) == 0)
            return 0;
        cps[n++] = (int32_t)cp;
    }
    if (n == 2)
        return 0;
    cps[n++] = ' ';
    for (size_t i = 0; i + 2 < n && k < cap; i++)
        t[k++] = (struct trgm){ { cps[i], cps[i + 1], cps[i + 2] } };
    qsort(t, k, sizeof(*t), trgm_cmp);
    if (k > 1) {
        size_t u = 1;
        for (size_t i = 1; i < k; i++)
            if (trgm_cmp(&t[i], &t[u - 1]) != 0)
                t[u++] = t[i];
        k = u;
    }
    return k;
}

size_t ts_trigrams(const char *word, uint64_t *out, size_t cap)
{
    struct trgm t[TS_TRGM_WORD_MAX + 1];
    size_t n;
    if (utf8_chars(word) > TS_TRGM_WORD_MAX)
        return 0;
    n = trgm_make(word, t, TS_TRGM_WORD_MAX + 1);
    if (n > cap)
        n = cap;
    for (size_t i = 0; i < n; i++)
        out[i] = ((uint64_t)(uint32_t)t[i].c[0] << 42) | ((uint64_t)(uint32_t)t[i].c[1] << 21) | (uint32_t)t[i].c[2];
    return n;
}

float ts_trgm_similarity(const uint64_t *a, size_t na, const uint64_t *b, size_t nb)
{
    size_t i = 0, j = 0, common = 0;
    if (na == 0 || nb == 0)
        return 0.0f;
    while (i < na && j < nb) {
        if (a[i] == b[j])
            common++, i++, j++;
        else if (a[i] < b[j])
            i++;
        else
            j++;
    }
    return (float)common / (float)(na + nb - common);
}

float ts_similarity(const char *a, const char *b)
{
    uint64_t ta[TS_TRGM_WORD_MAX + 1], tb[TS_TRGM_WORD_MAX + 1];
    if (utf8_chars(a) > TS_TRGM_WORD_MAX || utf8_chars(b) > TS_TRGM_WORD_MAX)
        return -1.0f;
    return ts_trgm_similarity(ta, ts_trigrams(a, ta, TS_TRGM_WORD_MAX + 1), tb,
                              ts_trigrams(b, tb, TS_TRGM_WORD_MAX + 1));
}
