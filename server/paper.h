/*
 * paper.h — "Wat is er te doen in uw wijk" on paper (issue 16, item 7): the
 * activities of one wijk, kern or municipality in one month as an A4 PDF in
 * large type, grouped by day, with where to go and whom to call. Drawn with
 * cairo, laid out with pango (the line breaks, the fonts), in a thread of its
 * own, so that a worker's event loop never waits for it.
 *
 * The document is the JSON of api_web_paper (sql/api/web.sql):
 *   {"area": {"name", "kind", "municipality_name"}, "month": "YYYY-MM", "made_on",
 *    "days": [{"date": "YYYY-MM-DD", "items": [{"start", "end", "title", "summary"?,
 *              "place"?, "address"?, "online"?, "phone"?, "organisation"?, "free"?,
 *              "amount_eur"?, "sign_up"?, "wheelchair"?}]}], "count", "more"}
 */
#ifndef SK_PAPER_H
#define SK_PAPER_H

#include <stddef.h>

struct evbuffer;
struct event_base;
struct json_object;

#define PAPER_MAX_BYTES   (8u << 20) /* a PDF larger than this is an error, not an answer */
#define PAPER_MAX_RUNNING 2          /* PDFs being made at once, in the whole daemon */

/* Draw doc (borrowed) as a PDF appended to out. Returns 0, or -1 (cairo failed, or too big). */
int paper_render(struct json_object *doc, struct evbuffer *out);

/*
 * Called on the loop of the base given to paper_render_async: pdf is the
 * document (borrowed for the call), or NULL when it could not be made.
 */
typedef void (*paper_done_fn)(void *arg, struct evbuffer *pdf);

/*
 * Draw doc (ownership taken) on a thread of its own; done(arg, …) runs on
 * base's loop afterwards. Returns 0, or -1 when PAPER_MAX_RUNNING are being
 * made already or no thread could be started (doc is released, done is not
 * called: the caller answers 503).
 */
int paper_render_async(struct event_base *base, struct json_object *doc, paper_done_fn done, void *arg);

/* Wait until no PDF is being drawn (a worker's teardown, before its base goes). */
void paper_wait_idle(void);

#endif
