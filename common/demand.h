/*
 * demand.h — what one anonymous request says about what residents ask for
 * (issue 16): a search (municipality, wijken, themes, kinds, whether it found
 * nothing and then its words), a detail view or a calendar download of one
 * entry. The note is all that is kept of the request; it holds nothing about
 * who asked. server/tally.c adds notes up per day and writes the sums.
 *
 * Pure: no I/O, no allocation. A note is a fixed-size value inside the
 * request context; its text is bounded, so a note costs the same whatever the
 * caller sent.
 */
#ifndef SK_DEMAND_H
#define SK_DEMAND_H

#include <stdbool.h>
#include <stddef.h>

struct json_object;

enum demand_what {
    DEMAND_NONE = 0,
    DEMAND_SEARCH,   /* text: "municipality|areas|themes|kinds|words" (lists comma-separated) */
    DEMAND_VIEW,     /* text: the entry's id */
    DEMAND_CALENDAR, /* text: the activity's id */
};

enum {
    DEMAND_VALUES_MAX = 4, /* a list with more values than this counts as one value "*" */
    DEMAND_WORDS_MAX = 80, /* bytes of the kept words of a search that found nothing */
    DEMAND_WORD_COUNT = 8, /* words kept of such a search */
    DEMAND_NOTE_MAX = 768, /* bytes of a note's text, terminator included */
    DEMAND_LINE_MAX = 776, /* demand_note_format's output, terminator included */
};

struct demand_note {
    enum demand_what what;
    bool found_nothing; /* DEMAND_SEARCH: the search had no result */
    char text[DEMAND_NOTE_MAX];
};

/*
 * Note a search from its normalised parameters (search_params_parse). Only a
 * first page that names a place, theme, audience, kind with another filter or
 * words is a search; a plain list or a next page is not. The municipality is
 * the parameter, else the one the areas share. Returns true when noted.
 */
bool demand_note_search(struct demand_note *note, struct json_object *params);

/* Note a detail view (DEMAND_VIEW) or a calendar download (DEMAND_CALENDAR) of the entry id. */
void demand_note_entry(struct demand_note *note, enum demand_what what, const char *id);

/*
 * The words of a search kept when it found nothing: lower case, punctuation
 * dropped, every word holding a digit or an @ left out (phone numbers,
 * postcodes, house numbers, e-mail addresses), at most DEMAND_WORD_COUNT
 * words and DEMAND_WORDS_MAX bytes, cut between words. out has cap bytes
 * (at least 1). Returns the length ("" when nothing is left).
 */
size_t demand_words_clean(const char *q, char *out, size_t cap);

/* One line of text for the note (kept with a cached answer); "" for DEMAND_NONE. */
void demand_note_format(const struct demand_note *note, char *out, size_t cap);

/* The note from demand_note_format's line; false (note cleared) when it is not one. */
bool demand_note_parse(struct demand_note *note, const char *line, size_t len);

#endif
