/*
 * web_page.h — the HTML of the residents' pages (server/web_page.c), used by
 * server/h_web.c. The renderer takes the JSON of one api_web_* answer and the
 * request's query string and appends a complete page to an html_buf; it does
 * no I/O and keeps no state.
 *
 * Ownership: b belongs to the caller (html_init before, html_take after);
 * body/entry and the query are borrowed for the call.
 */
#ifndef SK_WEB_PAGE_H
#define SK_WEB_PAGE_H

#include "html.h"

struct evkeyvalq;
struct json_object;

/*
 * The search page: the form (filled in from the query string, with the
 * facet counts of body) and the results. body may be NULL; problem, when
 * not NULL, is shown (escaped) instead of the results.
 */
void webpage_search(struct html_buf *b, const struct evkeyvalq *query, struct json_object *body, const char *problem);

/* One entry's page, from api_web_entry's answer (adds "place_title" to entry). */
void webpage_entry(struct html_buf *b, struct json_object *entry);

/*
 * The thank-you page after a resident's response (issue 15): answer is
 * api_response_create's 201 body, title the entry's title (may be NULL).
 */
void webpage_respond_thanks(struct html_buf *b, const char *entry_id, struct json_object *answer);

/*
 * "Ik mis iets in mijn wijk" (issue 16): the form from api_web_wish_page's
 * answer (places, themes, wish_days, form: values, errors by field, problem);
 * chosen (may be NULL) is the place to preselect.
 */
void webpage_wish(struct html_buf *b, struct json_object *page, const char *chosen);

/* The thank-you page after a wish: answer is api_wish_create's 201 body. */
void webpage_wish_thanks(struct html_buf *b, struct json_object *answer);

/* "Meld uw initiatief aan" (issue 16): the form from api_web_wish_page's answer (places; form). */
void webpage_initiative(struct html_buf *b, struct json_object *page);

/* The thank-you page after an initiative: answer is api_initiative_create's 201 body. */
void webpage_initiative_thanks(struct html_buf *b, struct json_object *answer);

/* The referral list (issue 16): at most this many entries, their ids in the URL only. */
enum {
    WEBPAGE_REFERRAL_MAX = 12
};

/*
 * The ids of a referral list "id,id,..." (UUIDs; a repeated one counts once)
 * into ids. Returns how many, or -1 when it is not such a list or holds more
 * than WEBPAGE_REFERRAL_MAX.
 */
int webpage_referral_ids(const char *csv, char ids[][37]);

/*
 * The referral list to print on one A4: body is api_web_referral's answer
 * (items in the list's order, missing), ids[0..n-1] the list, base_url the
 * public address (for the link and its QR code).
 */
void webpage_referral(struct html_buf *b, struct json_object *body, char ids[][37], int n, const char *base_url);

/* A short page with a title and one sentence (404, 503 ...). */
void webpage_error(struct html_buf *b, const char *title, const char *text);

/* Today in Amsterdam as a day number since 1970-01-01 (CET/CEST rules). */
long webpage_today(void);

/* 0 = Monday ... 6 = Sunday. */
int webpage_weekday(long days);

/* "YYYY-MM-DD" of a day number. */
void webpage_date(long days, char out[11]);

#endif
