/*
 * readability.c — Flesch-Douma, long words and long sentences of a Dutch
 * text. See readability.h.
 */
#include "readability.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "utf8.h"

/* Words of 5+ syllables every resident of the sociale kaart knows: not marked as long. */
static const char *const rd_known_words[] = {
    "activiteit",
    "activiteiten",
    "vrijwilliger",
    "vrijwilligers",
    "vrijwilligerswerk",
    "vrijwilligerswerkers",
    "mantelzorgondersteuning",
    "gemeentehuis",
    "bibliotheek",
    "informatie",
    "ontmoetingsplek",
    "ontmoetingsplekken",
};

/* Lower case of the Latin letters the text may hold (ASCII and Latin-1 capitals). */
static uint32_t rd_lower(uint32_t cp)
{
    if ((cp >= 'A' && cp <= 'Z') || (cp >= 0xC0 && cp <= 0xDE && cp != 0xD7))
        return cp + 0x20;
    return cp;
}

static bool rd_letter(uint32_t cp)
{
    return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') ||
           (cp >= 0xC0 && cp <= 0x24F && cp != 0xD7 && cp != 0xF7);
}

static bool rd_word_char(uint32_t cp)
{
    return rd_letter(cp) || (cp >= '0' && cp <= '9') || cp == '-' || cp == '\'' || cp == 0x2019;
}

/* A vowel with a trema (or umlaut) opens a syllable of its own: ge-ïn-te-res-seerd, re-ünie. */
static bool rd_trema(uint32_t cp)
{
    cp = rd_lower(cp);
    return cp == 0xE4 || cp == 0xEB || cp == 0xEF || cp == 0xF6 || cp == 0xFC || cp == 0xFF;
}

static bool rd_vowel(uint32_t cp)
{
    cp = rd_lower(cp);
    if (cp == 'a' || cp == 'e' || cp == 'i' || cp == 'o' || cp == 'u' || cp == 'y')
        return true;
    /* à..å, è..ë, ì..ï, ò..ö, ù..ü, ý, ÿ */
    return (cp >= 0xE0 && cp <= 0xE5) || (cp >= 0xE8 && cp <= 0xEF) || (cp >= 0xF2 && cp <= 0xF6) ||
           (cp >= 0xF9 && cp <= 0xFD) || cp == 0xFF;
}

/* The code point at s[*i..n) into *cp and past it; an invalid byte reads as U+FFFD (a separator). */
static uint32_t rd_next(const char *s, size_t n, size_t *i)
{
    uint32_t cp;
    size_t k = utf8_decode((const unsigned char *)s + *i, n - *i, &cp);
    if (k == 0) {
        *i += 1;
        return 0xFFFD;
    }
    *i += k;
    return cp;
}

int readability_syllables(const char *word, size_t len)
{
    int groups = 0;
    bool in_vowels = false, letters = false;
    for (size_t i = 0; i < len;) {
        uint32_t cp = rd_next(word, len, &i);
        letters = letters || rd_letter(cp);
        if (rd_vowel(cp)) {
            if (!in_vowels || rd_trema(cp))
                groups++;
            in_vowels = true;
        } else {
            in_vowels = false;
        }
    }
    return groups > 0 ? groups : (letters || len > 0 ? 1 : 0);
}

/* The word lower-cased into out (bytes, NUL-terminated); false when it does not fit. */
static bool rd_fold(const char *w, size_t len, char *out, size_t cap)
{
    size_t o = 0;
    for (size_t i = 0; i < len;) {
        uint32_t cp = rd_lower(rd_next(w, len, &i));
        char enc[4];
        size_t k = utf8_encode(cp, enc);
        if (o + k + 1 > cap)
            return false;
        memcpy(out + o, enc, k);
        o += k;
    }
    out[o] = '\0';
    return true;
}

static bool rd_known(const char *folded)
{
    for (size_t i = 0; i < sizeof(rd_known_words) / sizeof(rd_known_words[0]); i++)
        if (strcmp(folded, rd_known_words[i]) == 0)
            return true;
    return false;
}

/* Keep a long word once (compared lower-cased), while there is room. */
static void rd_keep_word(struct readability *r, const char *w, size_t len)
{
    char folded[READABILITY_WORD_BYTES];
    if (r->nlong_words == READABILITY_MAX_LONG_WORDS || !rd_fold(w, len, folded, sizeof(folded)) || rd_known(folded))
        return;
    for (int i = 0; i < r->nlong_words; i++)
        if (strcmp(r->long_words[i], folded) == 0)
            return;
    snprintf(r->long_words[r->nlong_words++], READABILITY_WORD_BYTES, "%s", folded);
}

/* Keep the start of a long sentence text[from..to): whole words up to the room, "…" when cut. */
static void rd_keep_sentence(struct readability *r, const char *text, size_t from, size_t to, int words)
{
    char *out;
    size_t room = READABILITY_SENTENCE_BYTES - sizeof("…"), cut = to, last_space = 0;
    if (r->nlong_sentences == READABILITY_MAX_LONG_SENTENCES)
        return;
    while (from < to && (text[from] == ' ' || text[from] == '\n' || text[from] == '\t' || text[from] == '\r'))
        from++;
    if (to - from > room) {
        for (size_t i = from; i < to && i - from <= room;) {
            size_t at = i;
            uint32_t cp = rd_next(text, to, &i);
            if (i - from > room)
                break;
            if (cp == ' ')
                last_space = at;
            cut = i;
        }
        if (last_space > from)
            cut = last_space;
    }
    out = r->long_sentences[r->nlong_sentences];
    memcpy(out, text + from, cut - from);
    out[cut - from] = '\0';
    for (char *p = out; *p; p++)
        if (*p == '\n' || *p == '\r' || *p == '\t')
            *p = ' ';
    if (cut < to)
        strcat(out, "…");
    r->long_sentence_words[r->nlong_sentences++] = words;
}

/* Is text[from..to), just before a '.', an abbreviation: one letter after a '.' ("o.a.", "d.w.z."), or a
 * short word Dutch writes with a full stop ("bijv.", "enz.")? Then the '.' does not end the sentence. */
static bool rd_abbreviation(const char *text, size_t from, size_t to)
{
    static const char *const words[] = { "bijv", "enz",  "ca", "incl", "excl", "tel", "nr",  "evt",
                                         "dhr",  "mevr", "vs", "etc",  "max",  "min", "zgn", "resp" };
    char folded[8];
    if (to - from == 1 && from > 0 && text[from - 1] == '.')
        return true;
    if (to - from >= sizeof(folded) || !rd_fold(text + from, to - from, folded, sizeof(folded)))
        return false;
    for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
        if (strcmp(folded, words[i]) == 0)
            return true;
    return false;
}

static enum readability_level rd_level(double s)
{
    return s >= 90   ? READABILITY_VERY_EASY
           : s >= 80 ? READABILITY_EASY
           : s >= 70 ? READABILITY_FAIRLY_EASY
           : s >= 60 ? READABILITY_STANDARD
           : s >= 50 ? READABILITY_FAIRLY_DIFFICULT
           : s >= 30 ? READABILITY_DIFFICULT
                     : READABILITY_VERY_DIFFICULT;
}

void readability_measure(const char *text, size_t len, struct readability *r)
{
    size_t i = 0, word_start = 0, sentence_start = 0, last_start = 0, last_end = SIZE_MAX;
    int sentence_words = 0;
    bool in_word = false;

    memset(r, 0, sizeof(*r));
    while (i <= len) {
        size_t at = i;
        uint32_t cp = i < len ? rd_next(text, len, &i) : (i++, 0);
        bool word_char = cp != 0 && rd_word_char(cp);
        bool end_of_sentence = false;

        if (word_char && !in_word) {
            in_word = true;
            word_start = at;
        } else if (!word_char && in_word) {
            int syl = readability_syllables(text + word_start, at - word_start);
            in_word = false;
            last_start = word_start;
            last_end = at;
            r->words++;
            sentence_words++;
            r->syllables += syl;
            if (syl >= READABILITY_LONG_WORD)
                rd_keep_word(r, text + word_start, at - word_start);
        }
        if (cp == '!' || cp == '?' || cp == '\n' || cp == 0)
            end_of_sentence = true;
        else if (cp == '.') /* not inside "3.50", not after "o.a" or "bijv" */
            end_of_sentence = (i >= len || !rd_word_char((unsigned char)text[i])) &&
                              !(last_end == at && rd_abbreviation(text, last_start, last_end));
        if (end_of_sentence && sentence_words > 0) {
            r->sentences++;
            if (sentence_words > READABILITY_LONG_SENTENCE)
                rd_keep_sentence(r, text, sentence_start, at < len ? i : len, sentence_words);
            sentence_words = 0;
            sentence_start = i;
        } else if (end_of_sentence) {
            sentence_start = i;
        }
    }
    if (r->words == 0)
        return;
    r->score = 206.84 - 0.93 * ((double)r->words / r->sentences) - 77.0 * ((double)r->syllables / r->words);
    r->score = r->score < 0 ? 0 : r->score > 100 ? 100 : r->score;
    r->level = rd_level(r->score);
}

const char *readability_level_code(enum readability_level level)
{
    static const char *const codes[] = { "very_difficult", "difficult", "fairly_difficult", "standard",
                                         "fairly_easy",    "easy",      "very_easy" };
    return codes[level];
}

const char *readability_level_nl(enum readability_level level)
{
    static const char *const words[] = { "heel moeilijk",  "moeilijk",  "vrij moeilijk", "normaal",
                                         "vrij makkelijk", "makkelijk", "heel makkelijk" };
    return words[level];
}

enum rd_advice {
    RD_SCORE,
    RD_SENTENCES,
    RD_WORDS,
    RD_SENTENCE,
    RD_ADVISES
};

size_t readability_advice(const struct readability *r, int i, char *out, size_t cap)
{
    enum rd_advice list[4 + READABILITY_MAX_LONG_SENTENCES];
    int n = 0, nlist = 0, score = (int)(r->score + 0.5), sentence = 0;
    double per_sentence = r->sentences ? (double)r->words / r->sentences : 0;
    bool short_text = r->words < READABILITY_SHORT_TEXT;
    bool hard = !short_text && r->score < 60;
    bool long_sentences = per_sentence > READABILITY_GOOD_SENTENCE;

    if (cap == 0 || r->words == 0)
        return 0;
    /* the advice in order: the score, then what would raise it, then that it is only advice */
    list[nlist++] = RD_SCORE;
    if (long_sentences)
        list[nlist++] = RD_SENTENCES;
    if (r->nlong_words)
        list[nlist++] = RD_WORDS;
    for (int s = 0; s < r->nlong_sentences; s++)
        list[nlist++] = RD_SENTENCE;
    if (nlist > 1 || hard)
        list[nlist++] = RD_ADVISES;
    if (i < 0 || i >= nlist)
        return 0;
    for (int j = 0; j < i; j++)
        sentence += list[j] == RD_SENTENCE;
    switch (list[i]) {
    case RD_SCORE:
        if (short_text) /* the formula needs sentences enough to average over */
            n = snprintf(out, cap,
                         "Uw tekst is kort (%d woorden), dus een score zegt nog weinig. Let vooral op korte zinnen "
                         "en gewone woorden.",
                         r->words);
        else if (hard)
            n = snprintf(out, cap,
                         "Uw tekst is %s te lezen (score %d van 100). Met 60 of meer kunnen de meeste inwoners hem "
                         "goed lezen.",
                         readability_level_nl(r->level), score);
        else
            n = snprintf(out, cap, "Uw tekst is goed te lezen (score %d van 100).", score);
        break;
    case RD_SENTENCES:
        n = snprintf(out, cap,
                     "Uw zinnen zijn gemiddeld %.0f woorden lang. Maak ze korter: hoogstens %d woorden. Zet een punt "
                     "waar het kan.",
                     per_sentence, READABILITY_GOOD_SENTENCE);
        break;
    case RD_WORDS: {
        size_t pos = 0;
        n = snprintf(out, cap, "Lange woorden: ");
        pos = n < 0 ? 0 : (size_t)n;
        for (int w = 0; w < r->nlong_words && pos < cap; w++) {
            n = snprintf(out + pos, cap - pos, "%s%s", w ? ", " : "", r->long_words[w]);
            pos += n < 0 ? 0 : (size_t)n;
        }
        if (pos < cap) {
            n = snprintf(out + pos, cap - pos, ". Kies een korter woord, of leg het woord uit.");
            pos += n < 0 ? 0 : (size_t)n;
        }
        n = (int)(pos < cap ? pos : cap - 1);
        break;
    }
    case RD_SENTENCE:
        n = snprintf(out, cap, "Deze zin is lang (%d woorden): \u201c%s\u201d", r->long_sentence_words[sentence],
                     r->long_sentences[sentence]);
        break;
    case RD_ADVISES: n = snprintf(out, cap, "Dit is een advies. U kunt uw tekst ook zo opslaan."); break;
    }
    if (n < 0)
        return 0;
    return (size_t)n < cap ? (size_t)n : cap - 1;
}
