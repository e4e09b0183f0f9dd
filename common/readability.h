/*
 * readability.h — how easy a Dutch text is to read, for partners writing an
 * entry (issue 16: "B1 help"): the Flesch-Douma score, the long words and the
 * long sentences, and plain advice in Dutch. It advises; nothing is refused.
 *
 * Flesch-Douma (W.H. Douma, 1960, Flesch's formula fitted to Dutch):
 *   206.84 - 0.93 * (words per sentence) - 77 * (syllables per word),
 * clamped to 0..100. Syllables are counted as vowel groups (a e i o u y and
 * their accented forms; a vowel with a trema, as in "geïnteresseerd", starts
 * a new group), which is how Dutch spelling shows them closely enough for an
 * average. A sentence ends at . ! ? or a line break (list items); a word is
 * a run of letters, digits, hyphens and apostrophes.
 *
 * A text of fewer than 25 words gets no verdict on its score: the averages
 * of a sentence or two say little (five words of two syllables score 48).
 *
 * Long words: 5 syllables or more (a few words every resident of the
 * sociale kaart knows, like "vrijwilligerswerk", are let through). Long
 * sentences: more than 20 words. B1 texts keep sentences to about 15 words.
 *
 * Pure functions on the caller's memory; no allocation. Not for: other
 * languages (an English text gets a Dutch score; the form asks only for the
 * Dutch ones).
 */
#ifndef SK_READABILITY_H
#define SK_READABILITY_H

#include <stddef.h>

#define READABILITY_MAX_LONG_WORDS     8  /* distinct long words kept, in order of appearance */
#define READABILITY_MAX_LONG_SENTENCES 3  /* long sentences kept (their start) */
#define READABILITY_WORD_BYTES         64 /* a long word is kept up to this many bytes */
#define READABILITY_SENTENCE_BYTES     96 /* the start of a long sentence, cut at a character */
#define READABILITY_LONG_SENTENCE      20 /* words: more is a long sentence */
#define READABILITY_GOOD_SENTENCE      15 /* words per sentence the advice asks for */
#define READABILITY_LONG_WORD          5  /* syllables: this many or more is a long word */
#define READABILITY_SHORT_TEXT         25 /* words: fewer, and the score is not judged (too few to average) */

enum readability_level {
    READABILITY_VERY_DIFFICULT,   /* 0-30 */
    READABILITY_DIFFICULT,        /* 30-50 */
    READABILITY_FAIRLY_DIFFICULT, /* 50-60 */
    READABILITY_STANDARD,         /* 60-70: about B1 */
    READABILITY_FAIRLY_EASY,      /* 70-80 */
    READABILITY_EASY,             /* 80-90 */
    READABILITY_VERY_EASY         /* 90-100 */
};

struct readability {
    int words, sentences, syllables;
    double score; /* 0..100; 0 when there are no words */
    enum readability_level level;
    int nlong_words, nlong_sentences;
    int long_sentence_words[READABILITY_MAX_LONG_SENTENCES];
    char long_words[READABILITY_MAX_LONG_WORDS][READABILITY_WORD_BYTES];
    char long_sentences[READABILITY_MAX_LONG_SENTENCES][READABILITY_SENTENCE_BYTES]; /* "…" added when cut */
};

/* Measure text (UTF-8, len bytes; invalid bytes count as separators) into *out. */
void readability_measure(const char *text, size_t len, struct readability *out);

/* Syllables of one word (UTF-8, len bytes), at least 1 for a word with a letter. */
int readability_syllables(const char *word, size_t len);

/* The level's code in the API ("standard", ...) and its Dutch words ("normaal", ...). */
const char *readability_level_code(enum readability_level level);
const char *readability_level_nl(enum readability_level level);

/*
 * The advice in Dutch (B1), one sentence per call: i from 0 until it returns
 * 0. Writes advice i into out (caller's, cap bytes; 512 is plenty) and
 * returns its length, 0 when there is no advice i.
 */
size_t readability_advice(const struct readability *r, int i, char *out, size_t cap);

#endif
