/*
 * textsearch.h — the query side of the resident search's text analysis, done
 * in C exactly as PostgreSQL does it for the 'dutch' configuration, so that a
 * search answered from the daemon's memory finds what api_search finds.
 *
 * The rules are PostgreSQL's own: the accent folding table is PostgreSQL's
 * unaccent.rules and the stop words its dutch.stop, copied unchanged into
 * common/tsearch/ and embedded at build time (common/embed.cmake; a test
 * compares them with the database's, see common/tsearch/README.md); stemming is
 * the Snowball Dutch stemmer (libstemmer, the same algorithm PostgreSQL
 * compiles in); case folding and word characters are glibc's C.UTF-8, the
 * locale deploy/lib.sh creates the cluster with. tests/integration/
 * test_textsearch.c checks every step against the database.
 *
 * What a query word becomes (sk_search_tsquery in 0004 is the SQL twin):
 *   text  --ts_fold-->  unaccent, then lower case
 *         --ts_split--> words: maximal runs of letters and digits
 *         --ts_lexeme-> a word with an ASCII digit stays as it is ('simple'),
 *                       a stop word has no lexeme, any other word is stemmed.
 * ts_similarity is pg_trgm's similarity() of two such words.
 *
 * All functions are thread-safe; a ts_stemmer belongs to one thread (the
 * Snowball stemmer keeps state). Nothing here allocates after ts_stemmer_new.
 */
#ifndef SK_TEXTSEARCH_H
#define SK_TEXTSEARCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum {
    TS_LEXEME_MAX = 1024,   /* bytes of a lexeme, NUL included (PostgreSQL does not stem above 1000) */
    TS_TRGM_WORD_MAX = 255, /* characters of a word ts_similarity compares (search words: 200 at most) */
};

struct ts_stemmer;

/*
 * Fold in[0..len) (UTF-8) into out: accents removed by PostgreSQL's rules, then
 * lower case, as lower(sk_unaccent(text)) does. Returns the bytes written (out
 * is NUL-terminated), or -1 when in is not UTF-8 or out is too small.
 */
int ts_fold(const char *in, size_t len, char *out, size_t cap);

/*
 * Split a folded text in place into words (regexp_split_to_table(t,
 * '[^[:alnum:]]+') without the empty ones): each word is NUL-terminated in
 * text and its start stored in words[0..max). Returns how many there are in
 * all (may be more than max; only max are stored).
 */
size_t ts_split(char *text, const char **words, size_t max);

/* Is word (folded) one of PostgreSQL's Dutch stop words? */
bool ts_is_stopword(const char *word);

/* A stemmer for one thread; NULL when out of memory. */
struct ts_stemmer *ts_stemmer_new(void);
void ts_stemmer_free(struct ts_stemmer *st);

/*
 * The lexeme of a folded word, as to_tsquery('dutch', word) makes it, into out
 * (TS_LEXEME_MAX bytes). Returns its length, or 0 when the word has none (a
 * stop word, or empty).
 */
size_t ts_lexeme(struct ts_stemmer *st, const char *word, char *out);

/*
 * pg_trgm's similarity(a, b) of two folded words, bit for bit (float4); -1 when a word is
 * longer than TS_TRGM_WORD_MAX characters (a search word never is).
 */
float ts_similarity(const char *a, const char *b);

/*
 * The sorted, distinct trigrams of a folded word as pg_trgm makes them (each
 * three code points packed into 63 bits, order preserved) into out[0..cap).
 * Returns how many; 0 for an empty word or one longer than TS_TRGM_WORD_MAX.
 */
size_t ts_trigrams(const char *word, uint64_t *out, size_t cap);

/* pg_trgm's similarity of two trigram sets of ts_trigrams (float4, bit for bit). */
float ts_trgm_similarity(const uint64_t *a, size_t na, const uint64_t *b, size_t nb);

#endif
