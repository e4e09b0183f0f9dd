/*
 * paper.c — the printed wijk page as a PDF (see paper.h).
 *
 * One A4 portrait page after another: a heading on the first ("Wat is er te
 * doen in Lingewijk?", the month, the municipality), then per day its heading
 * and per activity a block (time and title, where, whom to call, cost, sign-up,
 * wheelchair). A block never breaks across pages; a day that goes on on the
 * next page repeats its heading with "(vervolg)". Every page has a footer with
 * its number and the date it was made. Sizes are in PostScript points.
 */
#include "paper.h"

#include <cairo-pdf.h>
#include <cairo.h>
#include <event2/buffer.h>
#include <event2/event.h>
#include <json-c/json.h>
#include <pango/pangocairo.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rrule.h"

#define PAGE_W    595.28 /* A4 */
#define PAGE_H    841.89
#define MARGIN    56.0
#define BOTTOM    (PAGE_H - 72.0) /* where the footer begins */
#define CONTENT   (PAGE_W - 2 * MARGIN)
#define FONT      "DejaVu Sans"
#define BLOCK_GAP 10.0

static const char *const paper_weekday[] = { "maandag", "dinsdag",  "woensdag", "donderdag",
                                             "vrijdag", "zaterdag", "zondag" };
static const char *const paper_month[] = { "januari", "februari", "maart",     "april",   "mei",      "juni",
                                           "juli",    "augustus", "september", "oktober", "november", "december" };

/* The drawing of one document: where the pen is, which page. */
struct paper {
    cairo_t *cr;
    PangoFontMap *fonts; /* owned */
    PangoContext *pctx;  /* owned */
    PangoLayout *layout; /* owned; reused for every piece of text */
    double y;
    int page;
    const char *made_on; /* borrowed from the document */
    const char *municipality;
};

/* ------------------------------------------------------------------ */
/* JSON helpers                                                        */

static const char *paper_str(struct json_object *o, const char *key)
{
    struct json_object *v;
    if (o == NULL || !json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_string))
        return NULL;
    return json_object_get_string(v);
}

static struct json_object *paper_get(struct json_object *o, const char *key)
{
    struct json_object *v = NULL;
    if (o)
        json_object_object_get_ex(o, key, &v);
    return v;
}

static bool paper_true(struct json_object *o, const char *key)
{
    struct json_object *v = paper_get(o, key);
    return v && json_object_is_type(v, json_type_boolean) && json_object_get_boolean(v);
}

static size_t paper_len(struct json_object *arr)
{
    return arr && json_object_is_type(arr, json_type_array) ? json_object_array_length(arr) : 0;
}

/* ------------------------------------------------------------------ */
/* Text                                                                */

/* Lay out markup (pango markup, already escaped) in size points; its height in points. */
static double paper_set(struct paper *p, const char *markup, double size, bool bold)
{
    PangoFontDescription *fd = pango_font_description_from_string(FONT);
    int w, h;
    pango_font_description_set_absolute_size(fd, size * PANGO_SCALE);
    pango_font_description_set_weight(fd, bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
    pango_layout_set_font_description(p->layout, fd);
    pango_font_description_free(fd);
    pango_layout_set_markup(p->layout, markup, -1);
    pango_layout_get_size(p->layout, &w, &h);
    return (double)h / PANGO_SCALE;
}

/* Draw what paper_set laid out at the pen, and move the pen below it. */
static void paper_draw(struct paper *p, double height)
{
    cairo_move_to(p->cr, MARGIN, p->y);
    pango_cairo_show_layout(p->cr, p->layout);
    p->y += height;
}

static void paper_footer(struct paper *p)
{
    char made[40] = "";
    int y, mo, d;
    if (p->made_on && sscanf(p->made_on, "%4d-%2d-%2d", &y, &mo, &d) == 3 && mo >= 1 && mo <= 12)
        snprintf(made, sizeof(made), "%d %s %d", d, paper_month[mo - 1], y);
    char *m = g_markup_printf_escaped("Sociale kaart %s  \u00b7  pagina %d  \u00b7  gemaakt op %s",
                                      p->municipality ? p->municipality : "", p->page, made);
    double h = paper_set(p, m, 10, false);
    g_free(m);
    cairo_set_source_rgb(p->cr, 0.35, 0.35, 0.35);
    cairo_move_to(p->cr, MARGIN, PAGE_H - 48.0 - h);
    pango_cairo_show_layout(p->cr, p->layout);
    cairo_set_source_rgb(p->cr, 0, 0, 0);
}

static void paper_new_page(struct paper *p)
{
    paper_footer(p);
    cairo_show_page(p->cr);
    p->page++;
    p->y = MARGIN;
}

/* "dinsdag 1 december" from "YYYY-MM-DD" (as is when it does not parse). */
static void paper_day_name(const char *date, char *out, size_t cap)
{
    int y, m, d;
    if (date == NULL || sscanf(date, "%4d-%2d-%2d", &y, &m, &d) != 3 || m < 1 || m > 12) {
        snprintf(out, cap, "%s", date ? date : "");
        return;
    }
    long days = (long)rrule_days_from_date((struct rrule_date){ .year = y, .month = m, .day = d });
    snprintf(out, cap, "%s %d %s", paper_weekday[((days % 7) + 10) % 7], d, paper_month[m - 1]);
    out[0] = (char)(out[0] - 'a' + 'A');
}

/* The markup of one activity: time and title, then one line per fact. */
static char *paper_item_markup(struct json_object *it)
{
    GString *s = g_string_new(NULL);
    const char *place = paper_str(it, "place"), *addr = paper_str(it, "address"), *phone = paper_str(it, "phone");
    const char *org = paper_str(it, "organisation"), *summary = paper_str(it, "summary");
    struct json_object *amount = paper_get(it, "amount_eur");
    char *t;

    t = g_markup_printf_escaped("<b>%s tot %s   %s</b>", paper_str(it, "start") ? paper_str(it, "start") : "",
                                paper_str(it, "end") ? paper_str(it, "end") : "",
                                paper_str(it, "title") ? paper_str(it, "title") : "");
    g_string_append(s, t);
    g_free(t);
    if (summary && *summary) {
        char cut[241];
        size_t n = strlen(summary), k = n < sizeof(cut) - 1 ? n : sizeof(cut) - 1;
        while (k > 0 && k < n && ((unsigned char)summary[k] & 0xC0) == 0x80)
            k--; /* never inside a character */
        memcpy(cut, summary, k);
        cut[k] = '\0';
        if (k < n && strrchr(cut, ' ')) /* a long summary ends at a word, then "…" */
            *strrchr(cut, ' ') = '\0';
        t = g_markup_printf_escaped("\n%s%s", cut, k < n ? " \u2026" : "");
        g_string_append(s, t);
        g_free(t);
    }
    if (place || addr) {
        t = g_markup_printf_escaped("\nWaar: %s%s%s", place ? place : "", place && addr ? ", " : "", addr ? addr : "");
        g_string_append(s, t);
        g_free(t);
    } else if (paper_true(it, "online")) {
        g_string_append(s, "\nWaar: online");
    }
    if (phone) {
        t = g_markup_printf_escaped("\nBel %s%s%s", phone, org ? " (" : "", org ? org : "");
        g_string_append(s, t);
        if (org)
            g_string_append(s, ")");
        g_free(t);
    } else if (org) {
        t = g_markup_printf_escaped("\nDoor %s", org);
        g_string_append(s, t);
        g_free(t);
    }
    if (paper_true(it, "free")) {
        g_string_append(s, "\nGratis");
    } else if (amount &&
               (json_object_is_type(amount, json_type_double) || json_object_is_type(amount, json_type_int))) {
        char eur[32];
        snprintf(eur, sizeof(eur), "%.2f", json_object_get_double(amount));
        for (char *c = eur; *c; c++)
            if (*c == '.')
                *c = ',';
        t = g_markup_printf_escaped("\nKosten: \u20ac %s", eur);
        g_string_append(s, t);
        g_free(t);
    }
    if (paper_true(it, "sign_up"))
        g_string_append(s, "\nMeld u vooraf aan.");
    if (paper_true(it, "wheelchair"))
        g_string_append(s, "\nGoed te doen met een rolstoel.");
    return g_string_free(s, FALSE);
}

/* ------------------------------------------------------------------ */
/* The document                                                        */

static void paper_heading(struct paper *p, struct json_object *doc)
{
    struct json_object *area = paper_get(doc, "area");
    const char *name = paper_str(area, "name"), *kind = paper_str(area, "kind"), *month = paper_str(doc, "month");
    int y = 0, m = 0;
    char *t;
    double h;

    t = g_markup_printf_escaped("Wat is er te doen in %s?", name ? name : "uw wijk");
    h = paper_set(p, t, 24, true);
    g_free(t);
    paper_draw(p, h + 4);
    if (month == NULL || sscanf(month, "%4d-%2d", &y, &m) != 2 || m < 1 || m > 12)
        m = 0;
    t = g_markup_printf_escaped("%s %d%s%s", m ? paper_month[m - 1] : "", y,
                                kind && strcmp(kind, "municipality") != 0 && p->municipality ? "  \u00b7  gemeente "
                                                                                             : "",
                                kind && strcmp(kind, "municipality") != 0 && p->municipality ? p->municipality : "");
    if (t[0] >= 'a' && t[0] <= 'z')
        t[0] = (char)(t[0] - 'a' + 'A');
    h = paper_set(p, t, 16, false);
    g_free(t);
    paper_draw(p, h + 6);
    h = paper_set(p,
                  "Hier staat wat er deze maand te doen is: om mensen te ontmoeten, om mee te doen of om hulp "
                  "te krijgen. Heeft u een vraag? Bel het nummer dat erbij staat.",
                  13, false);
    paper_draw(p, h + 14);
}

/* cairo's output: appended to the evbuffer, up to PAPER_MAX_BYTES. */
static cairo_status_t paper_write(void *closure, const unsigned char *data, unsigned int len)
{
    struct evbuffer *out = closure;
    if (evbuffer_get_length(out) + len > PAPER_MAX_BYTES || evbuffer_add(out, data, len) != 0)
        return CAIRO_STATUS_WRITE_ERROR;
    return CAIRO_STATUS_SUCCESS;
}

/* The days and their activities, page after page. */
static void paper_days(struct paper *p, struct json_object *doc)
{
    struct json_object *days = paper_get(doc, "days");
    struct json_object *area = paper_get(doc, "area");
    double h;

    if (paper_len(days) == 0) {
        char *t = g_markup_printf_escaped("Er staan deze maand geen activiteiten op de sociale kaart voor %s. "
                                          "Kijk ook eens bij de hele gemeente.",
                                          paper_str(area, "name") ? paper_str(area, "name") : "deze wijk");
        h = paper_set(p, t, 14, false);
        g_free(t);
        paper_draw(p, h);
        return;
    }
    for (size_t d = 0; d < paper_len(days); d++) {
        struct json_object *day = json_object_array_get_idx(days, d), *items = paper_get(day, "items");
        char name[64], head[96];
        paper_day_name(paper_str(day, "date"), name, sizeof(name));
        for (size_t i = 0; i < paper_len(items); i++) {
            char *t = paper_item_markup(json_object_array_get_idx(items, i));
            double block = paper_set(p, t, 14, false), head_h = 0;
            bool first = i == 0;
            if (first) { /* the day's heading stays with its first activity */
                char *hm = g_markup_escape_text(name, -1);
                head_h = paper_set(p, hm, 18, true) + 6;
                g_free(hm);
            }
            if (p->y + head_h + block > BOTTOM && p->y > MARGIN + 1) {
                paper_new_page(p);
                if (!first) {
                    snprintf(head, sizeof(head), "%s (vervolg)", name);
                    char *hm = g_markup_escape_text(head, -1);
                    h = paper_set(p, hm, 18, true);
                    g_free(hm);
                    paper_draw(p, h + 6);
                }
            }
            if (first) {
                char *hm = g_markup_escape_text(name, -1);
                h = paper_set(p, hm, 18, true);
                g_free(hm);
                if (d > 0)
                    p->y += 8;
                paper_draw(p, h + 6);
            }
            block = paper_set(p, t, 14, false); /* again: the heading used the layout */
            g_free(t);
            paper_draw(p, block + BLOCK_GAP);
        }
    }
    if (paper_true(doc, "more")) {
        h = paper_set(p,
                      "<b>Er is nog meer te doen.</b> Kijk op de sociale kaart op internet, of vraag het bij het "
                      "wijkcentrum.",
                      14, false);
        if (p->y + h > BOTTOM)
            paper_new_page(p);
        paper_draw(p, h);
    }
}

int paper_render(struct json_object *doc, struct evbuffer *out)
{
    struct paper p = { .y = MARGIN, .page = 1 };
    cairo_surface_t *surface;
    cairo_status_t status;
    char title[200];

    p.made_on = paper_str(doc, "made_on");
    p.municipality = paper_str(paper_get(doc, "area"), "municipality_name");
    surface = cairo_pdf_surface_create_for_stream(paper_write, out, PAGE_W, PAGE_H);
    snprintf(title, sizeof(title), "Wat is er te doen in %s? (%s)",
             paper_str(paper_get(doc, "area"), "name") ? paper_str(paper_get(doc, "area"), "name") : "uw wijk",
             paper_str(doc, "month") ? paper_str(doc, "month") : "");
    cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_TITLE, title);
    cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATOR, "Sociale Kaart");
    p.cr = cairo_create(surface);
    p.fonts = pango_cairo_font_map_new();
    p.pctx = pango_font_map_create_context(p.fonts);
    pango_cairo_update_context(p.cr, p.pctx);
    p.layout = pango_layout_new(p.pctx);
    pango_layout_set_width(p.layout, (int)(CONTENT * PANGO_SCALE));
    pango_layout_set_wrap(p.layout, PANGO_WRAP_WORD_CHAR);
    pango_layout_set_spacing(p.layout, 2 * PANGO_SCALE);
    cairo_set_source_rgb(p.cr, 0, 0, 0);

    paper_heading(&p, doc);
    paper_days(&p, doc);
    paper_footer(&p);
    cairo_show_page(p.cr);

    g_object_unref(p.layout);
    g_object_unref(p.pctx);
    g_object_unref(p.fonts);
    cairo_destroy(p.cr);
    cairo_surface_finish(surface);
    status = cairo_surface_status(surface);
    cairo_surface_destroy(surface);
    return status == CAIRO_STATUS_SUCCESS ? 0 : -1;
}

/* ------------------------------------------------------------------ */
/* On a thread of its own                                              */

/* One PDF being made: created on the worker's loop, drawn on the thread, handed back by event_active. */
struct paper_job {
    struct json_object *doc; /* owned */
    struct evbuffer *out;    /* owned */
    int rc;
    struct event *done_ev; /* owned; on the worker's base */
    paper_done_fn done;
    void *arg;
};

static _Atomic int paper_running;

static void paper_on_done(evutil_socket_t fd, short what, void *arg)
{
    struct paper_job *job = arg;
    (void)fd;
    (void)what;
    job->done(job->arg, job->rc == 0 ? job->out : NULL);
    evbuffer_free(job->out);
    json_object_put(job->doc);
    event_free(job->done_ev);
    free(job);
}

static void *paper_thread(void *arg)
{
    struct paper_job *job = arg;
    job->rc = paper_render(job->doc, job->out);
    event_active(job->done_ev, 0, 0); /* job belongs to the worker's loop from here on */
    atomic_fetch_sub(&paper_running, 1);
    return NULL;
}

int paper_render_async(struct event_base *base, struct json_object *doc, paper_done_fn done, void *arg)
{
    struct paper_job *job;
    pthread_attr_t attr;
    pthread_t t;
    int rc;

    if (atomic_fetch_add(&paper_running, 1) >= PAPER_MAX_RUNNING) {
        atomic_fetch_sub(&paper_running, 1);
        json_object_put(doc);
        return -1;
    }
    job = calloc(1, sizeof(*job));
    if (job == NULL || (job->out = evbuffer_new()) == NULL ||
        (job->done_ev = event_new(base, -1, 0, paper_on_done, job)) == NULL) {
        if (job && job->out)
            evbuffer_free(job->out);
        free(job);
        json_object_put(doc);
        atomic_fetch_sub(&paper_running, 1);
        return -1;
    }
    job->doc = doc;
    job->done = done;
    job->arg = arg;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    rc = pthread_create(&t, &attr, paper_thread, job);
    pthread_attr_destroy(&attr);
    if (rc != 0) {
        event_free(job->done_ev);
        evbuffer_free(job->out);
        free(job);
        json_object_put(doc);
        atomic_fetch_sub(&paper_running, 1);
        return -1;
    }
    return 0;
}

void paper_wait_idle(void)
{
    while (atomic_load(&paper_running) > 0)
        sched_yield();
}
