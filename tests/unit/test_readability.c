/*
 * test_readability.c — common/readability.c: Dutch syllables, the
 * Flesch-Douma score, long words and sentences, the advice (issue 16).
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "readability.h"

static int syl(const char *w)
{
    return readability_syllables(w, strlen(w));
}

static void measure(const char *text, struct readability *r)
{
    readability_measure(text, strlen(text), r);
}

Test(readability, dutch_syllables_are_vowel_groups)
{
    cr_assert_eq(syl("de"), 1);
    cr_assert_eq(syl("koffie"), 2);
    cr_assert_eq(syl("ochtend"), 2);
    cr_assert_eq(syl("buurthuis"), 2);
    cr_assert_eq(syl("ijs"), 1);
    cr_assert_eq(syl("activiteiten"), 5);
    cr_assert_eq(syl("vrijwilligerswerk"), 5);
    cr_assert_eq(syl("geïnteresseerd"), 5, "a trema opens a syllable");
    cr_assert_eq(syl("reünie"), 3);
    cr_assert_eq(syl("Café"), 2);
    cr_assert_eq(syl("2026"), 1, "a number counts as one");
}

Test(readability, a_plain_text_is_easy_and_gets_one_line)
{
    struct readability r;
    char advice[512];
    measure("Elke dinsdag is er koffie in het buurthuis. Je kunt gewoon binnenlopen. Je hoeft je niet aan te "
            "melden. Het is gratis. Neem gerust een buur mee. Wij zien je graag!",
            &r);
    cr_assert_eq(r.words, 31);
    cr_assert_eq(r.sentences, 6);
    cr_assert_geq(r.score, 60, "%.1f", r.score);
    cr_assert_eq(r.nlong_words, 0);
    cr_assert_eq(r.nlong_sentences, 0);
    cr_assert_gt(readability_advice(&r, 0, advice, sizeof(advice)), 0);
    cr_assert(strstr(advice, "Uw tekst is goed te lezen (score "), "%s", advice);
    cr_assert_eq(readability_advice(&r, 1, advice, sizeof(advice)), 0, "nothing to improve: %s", advice);
}

Test(readability, a_short_text_gets_no_verdict_on_its_score)
{
    struct readability r;
    char advice[512];
    measure("Samen koffie drinken en bijpraten.", &r);
    cr_assert_lt(r.score, 60, "five words of two syllables score low: %.1f", r.score);
    cr_assert_gt(readability_advice(&r, 0, advice, sizeof(advice)), 0);
    cr_assert(strstr(advice, "Uw tekst is kort (5 woorden)"), "%s", advice);
    cr_assert_eq(readability_advice(&r, 1, advice, sizeof(advice)), 0, "%s", advice);
}

Test(readability, official_dutch_is_hard_with_long_words_and_sentences)
{
    static const char text[] =
        "In het kader van de mantelzorgondersteuning organiseert de gemeente in samenwerking met diverse "
        "maatschappelijke organisaties informatiebijeenkomsten over de mogelijkheden van respijtvoorzieningen "
        "voor mantelzorgers die langdurig en intensief zorgen voor een naaste met een chronische aandoening.";
    struct readability r;
    char advice[512];
    int n = 0;
    bool sentences = false, words = false, closing = false;

    measure(text, &r);
    cr_assert_eq(r.sentences, 1);
    cr_assert_gt(r.words, 20);
    cr_assert_lt(r.score, 50, "%.1f", r.score);
    cr_assert(r.level <= READABILITY_DIFFICULT);
    cr_assert_eq(r.nlong_sentences, 1);
    cr_assert_eq(r.long_sentence_words[0], r.words);
    cr_assert(strlen(r.long_sentences[0]) < READABILITY_SENTENCE_BYTES);
    cr_assert(strstr(r.long_sentences[0], "In het kader van de") == r.long_sentences[0], "%s", r.long_sentences[0]);
    cr_assert(strstr(r.long_sentences[0], "…"), "a long sentence is cut: %s", r.long_sentences[0]);
    cr_assert_geq(r.nlong_words, 2);
    cr_assert_str_eq(r.long_words[0], "maatschappelijke", "in order, and mantelzorgondersteuning is a known word");
    {
        bool found = false;
        for (int i = 0; i < r.nlong_words; i++)
            found = found || strcmp(r.long_words[i], "informatiebijeenkomsten") == 0;
        cr_assert(found);
    }
    while (readability_advice(&r, n, advice, sizeof(advice)) > 0) {
        sentences = sentences || strstr(advice, "Uw zinnen zijn gemiddeld");
        words = words || strstr(advice, "Lange woorden: maatschappelijke, organisaties, informatiebijeenkomsten");
        closing = strcmp(advice, "Dit is een advies. U kunt uw tekst ook zo opslaan.") == 0;
        n++;
    }
    cr_assert(sentences && words, "%d lines", n);
    cr_assert(closing, "the last line says it is only advice");
    measure("Vrijwilligerswerk en activiteiten.", &r);
    cr_assert_eq(r.nlong_words, 0, "words every resident knows: %s", r.nlong_words ? r.long_words[0] : "");
}

Test(readability, sentences_end_at_marks_and_line_breaks_not_inside_abbreviations_or_amounts)
{
    struct readability r;
    measure("Wij zingen o.a. liedjes. Het kost 3.50 euro", &r);
    cr_assert_eq(r.sentences, 2);
    measure("Wat doen wij?\n- samen koken\n- wandelen\n\n", &r);
    cr_assert_eq(r.sentences, 3, "a list item is a sentence");
    measure("", &r);
    cr_assert_eq(r.words, 0);
    cr_assert_eq(r.score, 0);
    {
        char advice[64];
        cr_assert_eq(readability_advice(&r, 0, advice, sizeof(advice)), 0, "no words, no advice");
    }
    measure(" ... !!! ", &r);
    cr_assert_eq(r.words, 0);
}

Test(readability, any_bytes_are_measured_without_harm)
{
    unsigned seed = 20261202;
    char buf[300], advice[96];
    for (int t = 0; t < 3000; t++) {
        size_t n = (size_t)(rand_r(&seed) % (sizeof(buf) - 1));
        struct readability r;
        for (size_t i = 0; i < n; i++) {
            int k = rand_r(&seed) % 8;
            buf[i] = k < 4   ? "aeio u.\n"[rand_r(&seed) % 8]
                     : k < 6 ? (char)(0x80 + rand_r(&seed) % 64)
                             : (char)(rand_r(&seed) % 256);
        }
        buf[n] = '\0';
        readability_measure(buf, n, &r);
        cr_assert(r.score >= 0 && r.score <= 100);
        for (int i = 0; i < 20; i++)
            cr_assert_lt(readability_advice(&r, i, advice, sizeof(advice)), sizeof(advice));
    }
}
