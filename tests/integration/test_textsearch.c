/*
 * test_textsearch.c — common/textsearch.c analyses text exactly as the database
 * does (issue 13): accent folding and lower case as lower(sk_unaccent()), word
 * splitting as regexp_split_to_table(.., '[^[:alnum:]]+'), lexemes as
 * to_tsquery('dutch', ..) (Snowball Dutch stemmer, PostgreSQL's stop words),
 * and pg_trgm's similarity(), for every accent rule, every stop word and the
 * thousands of words in the demo data and the SQL.
 *
 * Needs only PostgreSQL (no daemon).
 */
#include <criterion/criterion.h>
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "embedded.h"
#include "it.h"
#include "textsearch.h"

static PGconn *pg;

static void db_open(void)
{
    pg = it_db_connect();
    PQclear(PQexec(pg, "SET client_min_messages = warning"));
}

static void db_close(void)
{
    PQfinish(pg);
    pg = NULL;
}

TestSuite(textsearch, .init = db_open, .fini = db_close);

/* A growing list of strings (owned). */
struct list {
    char **v;
    size_t n, cap;
};

static void list_add(struct list *l, const char *s)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? 2 * l->cap : 256;
        l->v = realloc(l->v, l->cap * sizeof(*l->v));
        cr_assert_not_null(l->v);
    }
    l->v[l->n++] = strdup(s);
}

static void list_free(struct list *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->v[i]);
    free(l->v);
    memset(l, 0, sizeof(*l));
}

static int str_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The distinct folded words of the demo data and the SQL. */
static void corpus_words(struct list *out)
{
    struct list all = { 0 };
    const struct sk_embedded_file *files[64];
    size_t nf = 0;
    files[nf++] = &sk_seed_demo;
    for (size_t i = 0; i < sk_schema_files_count && nf < 64; i++)
        files[nf++] = &sk_schema_files[i];
    for (size_t i = 0; i < sk_api_files_count && nf < 64; i++)
        files[nf++] = &sk_api_files[i];
    for (size_t f = 0; f < nf; f++) {
        const char *p = (const char *)files[f]->data;
        /* fold line by line (ts_fold takes bounded input) */
        while (*p) {
            size_t n = strcspn(p, "\n");
            char folded[8192];
            const char *words[512];
            if (n < 1000 && ts_fold(p, n, folded, sizeof(folded)) >= 0) {
                size_t k = ts_split(folded, words, 512);
                for (size_t i = 0; i < k && i < 512; i++)
                    list_add(&all, words[i]);
            }
            p += n + (p[n] == '\n');
        }
    }
    qsort(all.v, all.n, sizeof(*all.v), str_cmp);
    for (size_t i = 0; i < all.n; i++)
        if (i == 0 || strcmp(all.v[i], all.v[i - 1]) != 0)
            list_add(out, all.v[i]);
    list_free(&all);
}

/* A text[] literal of l[from..to). */
static char *array_literal(const struct list *l, size_t from, size_t to)
{
    size_t cap = 16;
    char *s, *o;
    for (size_t i = from; i < to; i++)
        cap += 2 * strlen(l->v[i]) + 4;
    s = o = malloc(cap);
    cr_assert_not_null(s);
    *o++ = '{';
    for (size_t i = from; i < to; i++) {
        if (i > from)
            *o++ = ',';
        *o++ = '"';
        for (const char *c = l->v[i]; *c; c++) {
            if (*c == '"' || *c == '\\')
                *o++ = '\\';
            *o++ = *c;
        }
        *o++ = '"';
    }
    *o++ = '}';
    *o = '\0';
    return s;
}

/* Run sql with $1 = l[from..to) as text[]; rows come back in the array's order. */
static PGresult *per_item(const char *sql, const struct list *l, size_t from, size_t to)
{
    char *arr = array_literal(l, from, to);
    const char *params[1] = { arr };
    PGresult *r = PQexecParams(pg, sql, 1, NULL, params, NULL, NULL, 0);
    free(arr);
    cr_assert_eq(PQresultStatus(r), PGRES_TUPLES_OK, "%s", PQresultErrorMessage(r));
    cr_assert_eq((size_t)PQntuples(r), to - from);
    return r;
}

Test(textsearch, folds_every_accent_rule_as_unaccent_and_lower)
{
    struct list texts = { 0 };
    const char *p = (const char *)sk_unaccent_rules.data;
    size_t bad = 0;
    char first[256] = "";

    /* every rule's source between other letters, upper and lower */
    while (*p) {
        size_t n = strcspn(p, "\n"), s = strcspn(p, " \t");
        char t[128];
        if (s > 0 && s < 64) {
            snprintf(t, sizeof(t), "Ab%.*sÉx", (int)s, p);
            list_add(&texts, t);
        }
        p += n + (p[n] == '\n');
    }
    list_add(&texts, "Ĳsselmeer, FIETSEN en Œuvre — ½ café ß");
    list_add(&texts, "ПРИВІТ Ελλάδα İstanbul ﬁets");
    for (size_t from = 0; from < texts.n; from += 500) {
        size_t to = from + 500 < texts.n ? from + 500 : texts.n;
        PGresult *r =
            per_item("SELECT lower(sk_unaccent(x)) FROM unnest($1::text[]) WITH ORDINALITY u(x, i) ORDER BY i", &texts,
                     from, to);
        for (size_t i = from; i < to; i++) {
            char out[1024];
            const char *want = PQgetvalue(r, (int)(i - from), 0);
            if (ts_fold(texts.v[i], strlen(texts.v[i]), out, sizeof(out)) < 0 || strcmp(out, want) != 0) {
                if (bad++ == 0)
                    snprintf(first, sizeof(first), "'%s': C '%s', PostgreSQL '%s'", texts.v[i], out, want);
            }
        }
        PQclear(r);
    }
    cr_assert_eq(bad, 0, "%zu of %zu texts fold differently, first %s", bad, texts.n, first);
    list_free(&texts);
}

Test(textsearch, splits_words_as_the_search_does)
{
    static const char *const texts[] = { "koffie-ochtend, 10:30 uur!",
                                         "wandelen&fietsen__samen",
                                         "  ",
                                         "65+ beweegles (stoel)",
                                         "привіт світ",
                                         "café/bar",
                                         "a.b.c",
                                         "x" };
    struct list l = { 0 };
    for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
        char f[256];
        cr_assert_geq(ts_fold(texts[i], strlen(texts[i]), f, sizeof(f)), 0);
        list_add(&l, f);
    }
    PGresult *r = per_item("SELECT coalesce((SELECT string_agg(w, '|' ORDER BY n) FROM regexp_split_to_table(x, "
                           "'[^[:alnum:]]+') WITH ORDINALITY s(w, n) WHERE w <> ''), '') "
                           "FROM unnest($1::text[]) WITH ORDINALITY u(x, i) ORDER BY i",
                           &l, 0, l.n);
    for (size_t i = 0; i < l.n; i++) {
        char copy[256], joined[512] = "";
        const char *words[32];
        size_t n;
        snprintf(copy, sizeof(copy), "%s", l.v[i]);
        n = ts_split(copy, words, 32);
        for (size_t k = 0; k < n; k++)
            snprintf(joined + strlen(joined), sizeof(joined) - strlen(joined), "%s%s", k ? "|" : "", words[k]);
        cr_assert_str_eq(joined, PQgetvalue(r, (int)i, 0), "words of '%s'", l.v[i]);
    }
    PQclear(r);
    list_free(&l);
}

Test(textsearch, every_stop_word_is_one_in_the_database)
{
    struct list l = { 0 };
    const char *p = (const char *)sk_dutch_stop.data;
    while (*p) {
        size_t n = strcspn(p, "\n");
        char w[128];
        if (n > 0 && n < sizeof(w)) {
            snprintf(w, sizeof(w), "%.*s", (int)n, p);
            list_add(&l, w);
        }
        p += n + (p[n] == '\n');
    }
    cr_assert_gt(l.n, 50);
    PGresult *r = per_item("SELECT ts_lexize('dutch_stem', x) = '{}' FROM unnest($1::text[]) WITH ORDINALITY u(x, i) "
                           "ORDER BY i",
                           &l, 0, l.n);
    for (size_t i = 0; i < l.n; i++) {
        cr_assert(ts_is_stopword(l.v[i]), "'%s'", l.v[i]);
        cr_assert_str_eq(PQgetvalue(r, (int)i, 0), "t", "'%s' is no stop word in the database", l.v[i]);
    }
    PQclear(r);
    cr_assert_not(ts_is_stopword("koffie"));
    list_free(&l);
}

Test(textsearch, lexemes_equal_to_tsquery_dutch_for_thousands_of_words)
{
    struct list words = { 0 };
    struct ts_stemmer *st = ts_stemmer_new();
    size_t bad = 0;
    char first[512] = "";

    cr_assert_not_null(st);
    corpus_words(&words);
    cr_assert_gt(words.n, 1000, "the corpus has %zu words", words.n);
    for (size_t from = 0; from < words.n; from += 1000) {
        size_t to = from + 1000 < words.n ? from + 1000 : words.n;
        /* the lexeme of to_tsquery, without its quotes; '' for none */
        PGresult *r =
            per_item("SELECT replace(trim(both '''' from to_tsquery('pg_catalog.dutch', quote_literal(x))::text), "
                     "'''''', '''') FROM unnest($1::text[]) WITH ORDINALITY u(x, i) ORDER BY i",
                     &words, from, to);
        for (size_t i = from; i < to; i++) {
            char lex[TS_LEXEME_MAX] = "";
            const char *want = PQgetvalue(r, (int)(i - from), 0);
            ts_lexeme(st, words.v[i], lex);
            if (strcmp(lex, want) != 0 && bad++ == 0)
                snprintf(first, sizeof(first), "'%s': C '%s', PostgreSQL '%s'", words.v[i], lex, want);
        }
        PQclear(r);
    }
    cr_assert_eq(bad, 0, "%zu of %zu words differ, first %s", bad, words.n, first);
    ts_stemmer_free(st);
    list_free(&words);
}

Test(textsearch, similarity_equals_pg_trgm)
{
    struct list words = { 0 }, pairs = { 0 };
    size_t bad = 0;
    char first[512] = "";

    corpus_words(&words);
    /* neighbours in sorted order (similar words), and each word with a typo */
    for (size_t i = 0; i + 1 < words.n; i++) {
        char typo[256];
        size_t n = strlen(words.v[i]);
        list_add(&pairs, words.v[i]);
        list_add(&pairs, words.v[i + 1]);
        if (n >= 4 && n < sizeof(typo)) {
            memcpy(typo, words.v[i], n + 1);
            typo[n / 2] = typo[n / 2] == 'e' ? 'i' : 'e';
            list_add(&pairs, words.v[i]);
            list_add(&pairs, typo);
        }
    }
    for (size_t from = 0; from < pairs.n; from += 2000) {
        size_t to = from + 2000 < pairs.n ? from + 2000 : pairs.n;
        PGresult *r;
        {
            char *arr = array_literal(&pairs, from, to);
            const char *params[1] = { arr };
            r = PQexecParams(pg,
                             "SELECT similarity(a[2 * i - 1], a[2 * i])::text FROM (SELECT $1::text[] a) x, "
                             "generate_series(1, cardinality(a) / 2) i ORDER BY i",
                             1, NULL, params, NULL, NULL, 0);
            free(arr);
        }
        cr_assert_eq(PQresultStatus(r), PGRES_TUPLES_OK, "%s", PQresultErrorMessage(r));
        for (size_t k = 0; k < (size_t)PQntuples(r); k++) {
            const char *a = pairs.v[from + 2 * k], *b = pairs.v[from + 2 * k + 1];
            float want = strtof(PQgetvalue(r, (int)k, 0), NULL), got = ts_similarity(a, b);
            if (want != got && bad++ == 0)
                snprintf(first, sizeof(first), "'%s' ~ '%s': C %.9g, pg_trgm %s", a, b, (double)got,
                         PQgetvalue(r, (int)k, 0));
        }
        PQclear(r);
    }
    cr_assert_eq(bad, 0, "%zu of %zu pairs differ, first %s", bad, pairs.n / 2, first);
    list_free(&pairs);
    list_free(&words);
}
