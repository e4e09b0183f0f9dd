/*
 * fuzz_textsearch.c — the search's text analysis (common/textsearch.c): any
 * bytes fold, split and stem without a crash; folding refuses what is not
 * UTF-8, a word is never empty, a lexeme fits its buffer, and a similarity
 * lies in [0, 1] and is 1 for a word with itself (-1 for a word too long).
 */
#include "fuzz_common.h"
#include "textsearch.h"
#include "utf8.h"

static struct ts_stemmer *st;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = fuzz_text(data, size), folded[4 * 1024 + 8], lex[TS_LEXEME_MAX];
    const char *words[16];
    size_t n;
    double t0 = fuzz_cpu_ms();

    if (st == NULL && (st = ts_stemmer_new()) == NULL)
        abort();
    if (strlen(text) <= 1000 && ts_fold(text, strlen(text), folded, sizeof(folded)) >= 0) {
        n = ts_split(folded, words, 16);
        for (size_t i = 0; i < n && i < 16; i++) {
            float s;
            if (*words[i] == '\0')
                abort();
            if (ts_lexeme(st, words[i], lex) >= TS_LEXEME_MAX)
                abort();
            const char *other = i ? words[i - 1] : words[i];
            s = ts_similarity(words[i], other);
            if (utf8_chars(words[i]) > TS_TRGM_WORD_MAX || utf8_chars(other) > TS_TRGM_WORD_MAX) {
                if (s != -1.0f) /* too long to compare: said so */
                    abort();
            } else if (!(s >= 0.0f && s <= 1.0f) || (i == 0 && s != 1.0f)) {
                abort();
            }
        }
    }
    free(text);
    fuzz_check_time(t0, "text analysis");
    return 0;
}
