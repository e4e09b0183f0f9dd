/*
 * test_demand.c — common/demand.c: which requests are searches worth
 * counting, the note's cells, the kept words (no digits, no @), and the
 * line kept with a cached answer (issue 16).
 */
#include <criterion/criterion.h>
#include <json-c/json.h>
#include <stdio.h>
#include <string.h>

#include "demand.h"
#include "search.h"

/* The note of a query string ("a=b&c=d"), "" when it is not noted. */
static const char *note_of(const char *qs, const char *fixed_kind, struct demand_note *note)
{
    static char buf[1024];
    struct search_pair pairs[16];
    struct verr_list errs;
    struct json_object *params;
    size_t n = 0;
    char *save = NULL, *tok;

    snprintf(buf, sizeof(buf), "%s", qs);
    for (tok = strtok_r(buf, "&", &save); tok && n < 16; tok = strtok_r(NULL, "&", &save)) {
        char *eq = strchr(tok, '=');
        *eq = '\0';
        pairs[n].key = tok;
        pairs[n].value = eq + 1;
        n++;
    }
    verr_init(&errs);
    params = search_params_parse(pairs, n, fixed_kind, &errs);
    cr_assert_not_null(params, "%s: %s", qs, errs.count ? errs.items[0].message : "");
    if (!demand_note_search(note, params))
        note->text[0] = '\0';
    json_object_put(params);
    return note->text;
}

Test(demand, a_search_names_its_municipality_wijken_themes_and_kinds)
{
    struct demand_note n;
    cr_assert_str_eq(note_of("area=GM0512-west&theme=beweging", NULL, &n), "GM0512|GM0512-west|beweging||");
    cr_assert_eq(n.what, DEMAND_SEARCH);
    cr_assert_str_eq(note_of("area=GM0512-west,GM0512-dalem&kind=activities,vacancies", NULL, &n),
                     "GM0512|GM0512-west,GM0512-dalem||activity,vacancy|");
    cr_assert_str_eq(note_of("theme=beweging", "activity", &n), "||beweging|activity|", "no municipality: none");
    cr_assert_str_eq(note_of("municipality=GM0668&q=Koffie", NULL, &n), "GM0668||||koffie");
    cr_assert_str_eq(note_of("area=GM0512-west,GM0668-wamel", NULL, &n), "|GM0512-west,GM0668-wamel|||",
                     "two municipalities: none of them");
    cr_assert_str_eq(note_of("theme=a,b,c,d,e&area=GM0512-west", NULL, &n), "GM0512|GM0512-west|*||",
                     "more than four values count as one");
}

Test(demand, browsing_and_next_pages_are_not_searches)
{
    struct demand_note n;
    cr_assert_str_eq(note_of("limit=5", NULL, &n), "");
    cr_assert_eq(n.what, DEMAND_NONE);
    cr_assert_str_eq(note_of("kind=activities", NULL, &n), "", "a kind alone is a list");
    {
        struct json_object *next = json_tokener_parse("{\"areas\": [\"GM0512-west\"], \"cursor\": \"abc\"}");
        cr_assert_not(demand_note_search(&n, next), "a next page is the same search");
        json_object_put(next);
    }
}

static const char *clean(const char *q)
{
    static char out[DEMAND_WORDS_MAX + 1];
    demand_words_clean(q, out, sizeof(out));
    return out;
}

Test(demand, kept_words_leave_out_numbers_and_addresses)
{
    cr_assert_str_eq(clean("  Jeu de Boules!  "), "jeu de boules");
    cr_assert_str_eq(clean("bel 06-12345678 of jan@example.nl"), "bel of");
    cr_assert_str_eq(clean("Dorpsstraat 12 4205AB"), "dorpsstraat", "house number and postcode");
    cr_assert_str_eq(clean("café (oud) 's-Gravendeel"), "café oud 's-gravendeel");
    cr_assert_str_eq(clean("a b c d e f g h i j"), "a b c d e f g h", "at most eight words");
    cr_assert_str_eq(clean("1234 @@"), "");
    {
        char longq[400];
        memset(longq, 'x', sizeof(longq) - 1);
        longq[sizeof(longq) - 1] = '\0';
        cr_assert_str_eq(clean(longq), "", "a word too long to keep whole is not kept");
    }
    cr_assert_leq(strlen(clean("eenheel langwoordmetveelletters enzovoorts enzovoorts enzovoorts enzovoorts en meer")),
                  DEMAND_WORDS_MAX);
}

Test(demand, the_cached_line_gives_back_the_same_note)
{
    struct demand_note n, back;
    char line[DEMAND_LINE_MAX];

    note_of("area=GM0512-west&q=koffie", NULL, &n);
    n.found_nothing = true;
    demand_note_format(&n, line, sizeof(line));
    cr_assert(demand_note_parse(&back, line, strlen(line)));
    cr_assert_eq(back.what, DEMAND_SEARCH);
    cr_assert(back.found_nothing);
    cr_assert_str_eq(back.text, n.text);

    demand_note_entry(&n, DEMAND_CALENDAR, "d2000000-0000-4000-8000-000000000001");
    demand_note_format(&n, line, sizeof(line));
    cr_assert_str_eq(line, "C0d2000000-0000-4000-8000-000000000001");
    cr_assert(demand_note_parse(&back, line, strlen(line)));
    cr_assert_eq(back.what, DEMAND_CALENDAR);

    cr_assert_not(demand_note_parse(&back, "X0abc", 5));
    cr_assert_not(demand_note_parse(&back, "S", 1));
    cr_assert_eq(back.what, DEMAND_NONE);
}
