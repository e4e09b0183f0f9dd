/*
 * web_page.c — the HTML of the residents' pages, from the JSON that
 * api_web_search and api_web_entry return (sql/api/web.sql).
 *
 * Pure rendering: no I/O and no request state; the query string is only read
 * to show the form as the resident left it. Every value from the database or
 * the request goes through html_text/html_url (common/html.c). Dutch, B1.
 */
#include "web_page.h"

#include <ctype.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <json-c/json.h>
#include <qrencode.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/queue.h>
#include <time.h>

#include "amsterdam.h"
#include "contract.h"
#include "html.h"
#include "rrule.h"

/* ------------------------------------------------------------------ */
/* Small helpers over json-c and dates                                 */

/* A query-string value, or NULL. */
static const char *web_arg(const struct evkeyvalq *qs, const char *key)
{
    return evhttp_find_header(qs, key);
}

static const char *web_str(struct json_object *o, const char *key)
{
    struct json_object *v;
    if (o && json_object_object_get_ex(o, key, &v) && json_object_is_type(v, json_type_string))
        return json_object_get_string(v);
    return NULL;
}

static struct json_object *web_get(struct json_object *o, const char *key)
{
    struct json_object *v;
    if (o && json_object_object_get_ex(o, key, &v) && !json_object_is_type(v, json_type_null))
        return v;
    return NULL;
}

static size_t web_len(struct json_object *arr)
{
    return arr && json_object_is_type(arr, json_type_array) ? json_object_array_length(arr) : 0;
}

int webpage_referral_ids(const char *csv, char ids[][37])
{
    int n = 0;

    if (csv == NULL || *csv == '\0')
        return -1;
    for (const char *p = csv; *p;) {
        size_t len = strcspn(p, ",");
        bool seen = false;
        if (len != 36)
            return -1;
        for (size_t i = 0; i < 36; i++) {
            char c = p[i];
            bool dash = i == 8 || i == 13 || i == 18 || i == 23;
            if (dash ? c != '-' : !((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')))
                return -1;
        }
        for (int k = 0; k < n; k++)
            seen = seen || strncasecmp(ids[k], p, 36) == 0;
        if (!seen) {
            if (n == WEBPAGE_REFERRAL_MAX)
                return -1;
            memcpy(ids[n], p, 36);
            ids[n][36] = '\0';
            n++;
        }
        p += len + (p[len] == ',');
    }
    return n;
}

/* The ids as "a,b,c" into out (cap bytes: WEBPAGE_REFERRAL_MAX * 37 + 1 hold them all), leaving out
 * skip (may be NULL). */
static void web_ids_csv(char ids[][37], int n, const char *skip, char *out, size_t cap)
{
    size_t o = 0;
    out[0] = '\0';
    for (int i = 0; i < n && o + 1 < cap; i++) {
        if (skip && strcasecmp(ids[i], skip) == 0)
            continue;
        int w = snprintf(out + o, cap - o, "%s%.36s", o ? "," : "", ids[i]);
        if (w < 0 || (size_t)w >= cap - o)
            break; /* never cut an id in half: the list ends before it */
        o += (size_t)w;
    }
}

/* Label of code in one of the label arrays api_web_* adds ({code,label|name}); the code if unknown. */
static const char *web_label(struct json_object *labels, const char *group, const char *code)
{
    struct json_object *arr = web_get(labels, group);
    for (size_t i = 0; i < web_len(arr); i++) {
        struct json_object *it = json_object_array_get_idx(arr, i);
        const char *c = web_str(it, "code");
        if (c && code && strcmp(c, code) == 0) {
            const char *l = web_str(it, "label");
            return l ? l : web_str(it, "name") ? web_str(it, "name") : code;
        }
    }
    return code;
}

/* Days since 1970-01-01 of a civil date: common/rrule.c already does the arithmetic. */
static long web_days(int y, int m, int d)
{
    return (long)rrule_days_from_date((struct rrule_date){ .year = y, .month = m, .day = d });
}

/* The civil date of a day number (inverse of web_days). */
static void web_civil(long z, int *y, int *m, int *d)
{
    struct rrule_date date = rrule_date_from_days(z);
    *y = date.year;
    *m = date.month;
    *d = date.day;
}

/* 0 = Monday … 6 = Sunday. */
int webpage_weekday(long days)
{
    return (int)(((days % 7) + 10) % 7);
}

/* Today's date in Amsterdam (summer time is amsterdam.c's). */
long webpage_today(void)
{
    return (long)amsterdam_day((int64_t)time(NULL));
}

void webpage_date(long days, char out[11])
{
    int y, m, d;
    web_civil(days, &y, &m, &d);
    snprintf(out, 11, "%04d-%02d-%02d", y, m, d);
}

static const char *const web_day_long[] = { "maandag", "dinsdag",  "woensdag", "donderdag",
                                            "vrijdag", "zaterdag", "zondag" };
static const char *const web_month[] = { "januari", "februari", "maart",     "april",   "mei",      "juni",
                                         "juli",    "augustus", "september", "oktober", "november", "december" };

/*
 * "dinsdag 1 december 2026, 10:00" from a local "YYYY-MM-DDTHH:MM"; with
 * end (same day) "… 10:00 tot 11:30". Unparseable text is shown as is.
 */
static void web_when(struct html_buf *b, const char *start, const char *end)
{
    int y, m, d, hh = -1, mm = 0, eh, em;

    if (start == NULL || sscanf(start, "%4d-%2d-%2d", &y, &m, &d) != 3 || m < 1 || m > 12) {
        html_text(b, start);
        return;
    }
    if (strlen(start) >= 16)
        sscanf(start + 11, "%2d:%2d", &hh, &mm);
    html_printf(b, "%s %d %s %d", web_day_long[webpage_weekday(web_days(y, m, d))], d, web_month[m - 1], y);
    if (hh >= 0)
        html_printf(b, ", %02d:%02d", hh, mm);
    if (hh >= 0 && end && strlen(end) >= 16 && strncmp(start, end, 10) == 0 &&
        sscanf(end + 11, "%2d:%2d", &eh, &em) == 2)
        html_printf(b, " tot %02d:%02d", eh, em);
}

/* "26 september 2026" from "YYYY-MM-DD"; unparseable text as is. */
static void web_day(struct html_buf *b, const char *date)
{
    int y, m, d;
    if (date == NULL || sscanf(date, "%4d-%2d-%2d", &y, &m, &d) != 3 || m < 1 || m > 12)
        html_text(b, date);
    else
        html_printf(b, "%d %s %d", d, web_month[m - 1], y);
}

/* "Elke dinsdag" and the like from an RRULE; nothing for rules it cannot put in words. */
static void web_rrule(struct html_buf *b, const char *rrule)
{
    static const char *const codes[] = { "MO", "TU", "WE", "TH", "FR", "SA", "SU" };
    const char *by;
    int first = 1;

    if (rrule == NULL)
        return;
    by = strstr(rrule, "BYDAY=");
    if (strstr(rrule, "FREQ=WEEKLY") && by) {
        html_raw(b, strstr(rrule, "INTERVAL=2") ? "Om de week op " : "Elke ");
        for (int i = 0; i < 7; i++) {
            if (strstr(by, codes[i]) == NULL)
                continue;
            html_raw(b, first ? "" : " en ");
            html_raw(b, web_day_long[i]);
            first = 0;
        }
    } else if (strstr(rrule, "FREQ=MONTHLY")) {
        html_raw(b, "Elke maand");
    } else if (strstr(rrule, "FREQ=DAILY")) {
        html_raw(b, "Elke dag");
    } else if (strstr(rrule, "FREQ=WEEKLY")) {
        html_raw(b, "Elke week");
    }
}

/* ------------------------------------------------------------------ */
/* Page frame                                                          */

/* The order the search form offers the kinds in; names and labels are the contract's. */
static const enum sk_kind web_kind_order[SK_KIND_COUNT] = { SK_KIND_ACTIVITY, SK_KIND_PLACE, SK_KIND_SERVICE,
                                                            SK_KIND_VACANCY, SK_KIND_CARER_SUPPORT };

static const char *web_kind_name(const char *kind, int plural)
{
    enum sk_kind k;
    if (sk_kind_from_name(kind, &k))
        return sk_kind_label(k, plural);
    return kind ? kind : "";
}

static void web_page_start(struct html_buf *b, const char *title, const char *body_class)
{
    html_raw(b, "<!doctype html>\n<html lang=\"nl\">\n<head>\n<meta charset=\"utf-8\">\n"
                "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>");
    html_text(b, title);
    html_raw(b, " – Sociale kaart</title>\n"
                "<link rel=\"icon\" href=\"/static/favicon.svg\" type=\"image/svg+xml\">\n"
                "<link rel=\"stylesheet\" href=\"/static/site.css\">\n"
                "<script src=\"/static/app.js\" defer></script>\n</head>\n<body class=\"");
    html_text(b, body_class);
    html_raw(b, "\">\n<a class=\"skip-link\" href=\"#inhoud\">Ga direct naar de inhoud</a>\n"
                "<header class=\"site-header\">\n<div class=\"wrap\">\n"
                "<a class=\"brand\" href=\"/\"><img src=\"/static/favicon.svg\" alt=\"\" width=\"32\" height=\"32\">"
                "<span>Sociale kaart</span></a>\n"
                "<p class=\"tagline\">Activiteiten, ontmoetingsplekken, vrijwilligerswerk en steun "
                "in Gorinchem en West Maas en Waal</p>\n</div>\n</header>\n");
}

static void web_page_end(struct html_buf *b)
{
    html_raw(b, "<footer class=\"site-footer\">\n<div class=\"wrap\">\n"
                "<p>De sociale kaart is van de gemeenten Gorinchem en West Maas en Waal. "
                "Ziet u een fout? Gebruik de knop <strong>Meld een fout</strong> bij het aanbod.</p>\n"
                "<p><a href=\"/ik-mis-iets\">Ik mis iets in mijn wijk</a> · "
                "<a href=\"/initiatief\">Meld uw initiatief aan</a> · "
                "<a href=\"/?lijst=nieuw\">Maak een verwijslijst (voor professionals)</a></p>\n"
                "<p><a href=\"/beheer\">Beheer (voor medewerkers)</a></p>\n"
                "</div>\n</footer>\n</body>\n</html>\n");
}

/* ------------------------------------------------------------------ */
/* The search form                                                     */

/* Is value one of the comma-separated items of the request's key? */
static int web_selected(const struct evkeyvalq *qs, const char *key, const char *value)
{
    struct evkeyval *kv;
    size_t n = strlen(value);
    TAILQ_FOREACH(kv, qs, next)
    {
        const char *p;
        if (strcmp(kv->key, key) != 0 || kv->value == NULL)
            continue;
        for (p = kv->value; *p;) {
            size_t len = strcspn(p, ",");
            if (len == n && strncmp(p, value, n) == 0)
                return 1;
            p += len + (p[len] == ',');
        }
    }
    return 0;
}

/*
 * The count of one facet value, accepting the shapes a facet group may have:
 * {"code": n}, {"code": {"count": n}} or [{"code"|"value": c, "count": n}]. -1 when absent.
 */
static long web_facet(struct json_object *facets, const char *group, const char *code)
{
    struct json_object *g = web_get(facets, group), *v;

    if (g == NULL || code == NULL)
        return -1;
    if (json_object_is_type(g, json_type_object)) {
        if (!json_object_object_get_ex(g, code, &v))
            return 0;
        if (json_object_is_type(v, json_type_object))
            v = web_get(v, "count");
        return v ? (long)json_object_get_int64(v) : 0;
    }
    for (size_t i = 0; i < web_len(g); i++) {
        struct json_object *it = json_object_array_get_idx(g, i);
        const char *c = web_str(it, "code") ? web_str(it, "code") : web_str(it, "value");
        if (c && strcmp(c, code) == 0)
            return (v = web_get(it, "count")) ? (long)json_object_get_int64(v) : 0;
    }
    return 0;
}

static void web_count(struct html_buf *b, long n)
{
    if (n >= 0)
        html_printf(b, " (%ld)", n);
}

/*
 * One choice of a select. The facet counts are for the current filters, so
 * once a choice is made in this select the other choices' counts would be
 * those of the combination: they are left out rather than shown misleading.
 */
static void web_option(struct html_buf *b, const struct evkeyvalq *qs, const char *key, const char *code,
                       const char *label, long count, const char *indent)
{
    const char *cur = web_arg(qs, key);
    int selected = web_selected(qs, key, code);

    if (cur && *cur && !selected)
        count = -1;
    html_raw(b, "<option value=\"");
    html_text(b, code);
    html_raw(b, selected ? "\" selected>" : "\">");
    html_raw(b, indent);
    html_text(b, label);
    web_count(b, count);
    html_raw(b, "</option>\n");
}

/* The wijk/kern choice, grouped per municipality. */
static void web_select_area(struct html_buf *b, const struct evkeyvalq *qs, struct json_object *labels,
                            struct json_object *facets)
{
    struct json_object *areas = web_get(labels, "areas");
    int open = 0;

    html_raw(b, "<div class=\"field\">\n<label for=\"f-area\">Wijk of dorp</label>\n"
                "<select id=\"f-area\" name=\"area\">\n<option value=\"\">Alle wijken en dorpen</option>\n");
    for (size_t i = 0; i < web_len(areas); i++) {
        struct json_object *a = json_object_array_get_idx(areas, i);
        const char *kind = web_str(a, "kind");
        if (kind && strcmp(kind, "municipality") == 0) {
            html_raw(b, open ? "</optgroup>\n<optgroup label=\"" : "<optgroup label=\"");
            html_text(b, web_str(a, "name"));
            html_raw(b, "\">\n");
            html_raw(b, "<option value=\"");
            html_text(b, web_str(a, "code"));
            html_raw(b, web_selected(qs, "area", web_str(a, "code")) ? "\" selected>Heel " : "\">Heel ");
            html_text(b, web_str(a, "name"));
            html_raw(b, "</option>\n");
            open = 1;
            continue;
        }
        web_option(b, qs, "area", web_str(a, "code"), web_str(a, "name"), web_facet(facets, "area", web_str(a, "code")),
                   web_str(a, "parent") ? "– " : ""); /* a buurt, under its wijk (issue 16) */
    }
    html_raw(b, open ? "</optgroup>\n</select>\n</div>\n" : "</select>\n</div>\n");
}

/* One option that is selected only when the parameter is exactly value (a list of codes as one choice). */
static void web_option_exact(struct html_buf *b, const char *cur, const char *value, const char *label,
                             const char *indent)
{
    html_raw(b, "<option value=\"");
    html_text(b, value);
    html_raw(b, cur && strcmp(cur, value) == 0 ? "\" selected>" : "\">");
    html_raw(b, indent);
    html_text(b, label);
    html_raw(b, "</option>\n");
}

static void web_select_vocab(struct html_buf *b, const struct evkeyvalq *qs, struct json_object *labels,
                             struct json_object *facets, const char *key, const char *group, const char *facet_group,
                             const char *label, const char *all)
{
    struct json_object *arr = web_get(labels, group);
    /* issue 16: the themes as each municipality names them, each a set of the shared ones */
    struct json_object *mt = strcmp(key, "theme") == 0 ? web_get(labels, "municipal_themes") : NULL;
    const char *cur = web_arg(qs, key), *last = NULL;
    bool mt_chosen = false;

    for (size_t i = 0; cur && i < web_len(mt) && !mt_chosen; i++)
        mt_chosen = web_str(json_object_array_get_idx(mt, i), "themes") &&
                    strcmp(web_str(json_object_array_get_idx(mt, i), "themes"), cur) == 0;
    html_printf(b,
                "<div class=\"field\">\n<label for=\"f-%s\">%s</label>\n<select id=\"f-%s\" name=\"%s\">\n"
                "<option value=\"\">%s</option>\n",
                key, label, key, key, all);
    for (size_t i = 0; i < web_len(arr); i++) {
        struct json_object *it = json_object_array_get_idx(arr, i);
        const char *code = web_str(it, "code"), *indent = web_str(it, "parent") ? "– " : "";
        if (mt_chosen)
            web_option_exact(b, NULL, code, web_str(it, "label"), indent);
        else
            web_option(b, qs, key, code, web_str(it, "label"), web_facet(facets, facet_group, code), indent);
    }
    for (size_t i = 0; i < web_len(mt); i++) {
        struct json_object *it = json_object_array_get_idx(mt, i);
        const char *m = web_str(it, "municipality");
        if (m == NULL || web_str(it, "themes") == NULL || web_str(it, "label") == NULL)
            continue;
        if (last == NULL || strcmp(last, m) != 0) {
            html_raw(b, last ? "</optgroup>\n<optgroup label=\"Zoals " : "<optgroup label=\"Zoals ");
            html_text(b, web_label(labels, "areas", m));
            html_raw(b, " het noemt\">\n");
            last = m;
        }
        web_option_exact(b, cur, web_str(it, "themes"), web_str(it, "label"), "");
    }
    html_raw(b, last ? "</optgroup>\n</select>\n</div>\n" : "</select>\n</div>\n");
}

static void web_select_kind(struct html_buf *b, const struct evkeyvalq *qs, struct json_object *facets)
{
    html_raw(b, "<div class=\"field\">\n<label for=\"f-kind\">Soort aanbod</label>\n"
                "<select id=\"f-kind\" name=\"kind\">\n<option value=\"\">Alles</option>\n");
    for (size_t i = 0; i < SK_KIND_COUNT; i++) {
        const char *name = sk_kind_name(web_kind_order[i]);
        web_option(b, qs, "kind", name, sk_kind_label(web_kind_order[i], true), web_facet(facets, "kind", name), "");
    }
    html_raw(b, "</select>\n</div>\n");
}

static void web_radio_when(struct html_buf *b, const struct evkeyvalq *qs)
{
    static const char *const opts[][2] = {
        { "", "Altijd" }, { "vandaag", "Vandaag" }, { "week", "Deze week" }, { "weekend", "Dit weekend" }
    };
    const char *cur = web_arg(qs, "wanneer");

    html_raw(b, "<fieldset class=\"field when\">\n<legend>Wanneer?</legend>\n");
    for (size_t i = 0; i < sizeof(opts) / sizeof(opts[0]); i++) {
        int on = cur ? strcmp(cur, opts[i][0]) == 0 : i == 0;
        html_printf(b, "<label class=\"choice\"><input type=\"radio\" name=\"wanneer\" value=\"%s\"%s> %s</label>\n",
                    opts[i][0], on ? " checked" : "", opts[i][1]);
    }
    html_raw(b, "</fieldset>\n");
}

/* The accessibility and cost checkboxes the residents asked for, in their words. */
static const char *const web_access_filters[][3] = {
    /* parameter, value, label */
    { "access", "wheelchair", "Toegankelijk met rolstoel" },
    { "access", "hearing_loop", "Ringleiding" },
    { "free", "true", "Gratis" },
    { "discount_pass", "true", "Korting met minimapas" },
    { "drop_in", "true", "Inloop, zonder aanmelden" }, /* issue 16 */
    { "no_referral", "true", "Zonder verwijzing" },    /* issue 16: services */
    { "no_indication", "true", "Geen indicatie nodig" },
    { "access", "easy_language", "Eenvoudige taal" },
    { "access", "low_stimulus", "Prikkelarm" },
    { "access", "toilets_wheelchair", "Toegankelijk toilet" },
    { "access", "dementia_friendly", "Dementievriendelijk" },
    { "access", "sign_language", "Gebarentaal" },
    { "access", "transport_offered", "Vervoer of ophaalservice" },
};

static void web_checks_access(struct html_buf *b, const struct evkeyvalq *qs, struct json_object *facets)
{
    html_raw(b, "<fieldset class=\"field access\">\n<legend>Toegankelijkheid en kosten</legend>\n");
    for (size_t i = 0; i < sizeof(web_access_filters) / sizeof(web_access_filters[0]); i++) {
        const char *key = web_access_filters[i][0], *val = web_access_filters[i][1];
        /* free and discount_pass filter on the cost, which has no facet: no count then */
        long n = strcmp(key, "access") == 0 ? web_facet(facets, "accessibility", val) : -1;
        html_printf(b,
                    "<label class=\"choice\"><input type=\"checkbox\" name=\"%s\" value=\"%s\"%s> "
                    "<span class=\"ico ico-%s\" aria-hidden=\"true\"></span> %s",
                    key, val, web_selected(qs, key, val) ? " checked" : "", strcmp(key, "access") ? key : val,
                    web_access_filters[i][2]);
        web_count(b, n);
        html_raw(b, "</label>\n");
    }
    html_raw(b, "</fieldset>\n");
}

/* "Filters (2 gekozen)": how many filters are on, also when the filters are folded away. */
static void web_filter_count(struct html_buf *b, const struct evkeyvalq *qs)
{
    static const char *const keys[] = { "area",    "theme",      "audience",    "kind",
                                        "wanneer", "access",     "free",        "discount_pass",
                                        "drop_in", "place_type", "no_referral", "no_indication" };
    struct evkeyval *kv;
    int n = 0;

    TAILQ_FOREACH(kv, qs, next)
    {
        for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
            if (kv->value && kv->value[0] && strcmp(kv->key, keys[i]) == 0)
                n++;
    }
    if (n > 0)
        html_printf(b, " <span class=\"filter-count\">(%d gekozen)</span>", n);
}

static void web_form(struct html_buf *b, const struct evkeyvalq *qs, struct json_object *labels,
                     struct json_object *facets)
{
    const char *q = web_arg(qs, "q"), *lijst = web_arg(qs, "lijst");

    html_raw(b, "<form class=\"search\" role=\"search\" method=\"get\" action=\"/\" id=\"zoeken\" "
                "aria-label=\"Zoeken in de sociale kaart\">\n");
    if (web_arg(qs, "campaign")) { /* a campaign's page: its filter stays with every new search */
        html_raw(b, "<input type=\"hidden\" name=\"campaign\" value=\"");
        html_text(b, web_arg(qs, "campaign"));
        html_raw(b, "\">\n");
    }
    if (lijst) { /* the referral list being made stays with every new search */
        html_raw(b, "<input type=\"hidden\" name=\"lijst\" value=\"");
        html_text(b, lijst);
        html_raw(b, "\">\n");
    }
    html_raw(b, ""
                "<div class=\"searchbar\">\n<label for=\"f-q\">Wat zoekt u?</label>\n"
                "<p class=\"hint\" id=\"f-q-hint\">Bijvoorbeeld: wandelen, koffie, taal, mantelzorg</p>\n"
                "<div class=\"searchrow\"><input id=\"f-q\" name=\"q\" type=\"search\" "
                "aria-describedby=\"f-q-hint\" autocomplete=\"off\" maxlength=\"200\" value=\"");
    html_text(b, q);
    html_raw(b, "\">\n<button type=\"submit\">Zoeken</button></div>\n</div>\n"
                "<details class=\"filters\" open>\n<summary>Filters");
    web_filter_count(b, qs);
    html_raw(b, "</summary>\n<div class=\"filter-grid\">\n");
    web_select_area(b, qs, labels, facets);
    web_select_vocab(b, qs, labels, facets, "theme", "themes", "theme", "Onderwerp", "Alle onderwerpen");
    web_select_vocab(b, qs, labels, facets, "audience", "audiences", "audience", "Voor wie", "Voor iedereen");
    web_select_kind(b, qs, facets);
    web_select_vocab(b, qs, labels, facets, "place_type", "place_types", "place_type", "Soort plek", "Alle plekken");
    web_radio_when(b, qs);
    web_checks_access(b, qs, facets);
    html_raw(b, "</div>\n<div class=\"filter-actions\"><button type=\"submit\">Toon resultaten</button> <a href=\"");
    if (web_arg(qs, "campaign")) { /* a campaign's page: back to all of the campaign */
        html_raw(b, "/campagnes/");
        html_text(b, web_arg(qs, "campaign"));
    } else {
        html_raw(b, "/");
    }
    html_raw(b, "\">Alle filters wissen</a></div>\n</details>\n</form>\n");
}

/* ------------------------------------------------------------------ */
/* Result cards and the detail page                                    */

static void web_address(struct html_buf *b, struct json_object *addr)
{
    const char *street = web_str(addr, "street"), *nr = web_str(addr, "house_number");
    const char *pc = web_str(addr, "postcode"), *city = web_str(addr, "city");

    if (street) {
        html_text(b, street);
        if (nr) {
            html_raw(b, " ");
            html_text(b, nr);
        }
    }
    if (pc || city) {
        html_raw(b, street ? ", " : "");
        if (pc) {
            html_text(b, pc);
            html_raw(b, " ");
        }
        html_text(b, city);
    }
}

static void web_list_labels(struct html_buf *b, struct json_object *labels, const char *group,
                            struct json_object *codes)
{
    for (size_t i = 0; i < web_len(codes); i++) {
        html_raw(b, i ? ", " : "");
        html_text(b, web_label(labels, group, json_object_get_string(json_object_array_get_idx(codes, i))));
    }
}

/* Where: the address, else the place's title, else the areas; "online" when it is. */
static void web_where(struct html_buf *b, struct json_object *e, struct json_object *labels)
{
    struct json_object *addr = web_get(e, "address"), *online = web_get(e, "online");
    struct json_object *areas = web_get(e, "areas");
    const char *place = web_str(e, "place_title");

    if (place) {
        html_text(b, place);
        html_raw(b, addr ? ", " : "");
    }
    if (addr) {
        web_address(b, addr);
    } else if (!place && web_len(areas)) {
        web_list_labels(b, labels, "areas", areas);
    } else if (!place) {
        html_text(b, web_label(labels, "areas", web_str(e, "municipality")));
    }
    if (online && json_object_get_boolean(online))
        html_raw(b, " (ook online)");
    if (web_len(web_get(e, "also_serves"))) { /* issue 16: a regional entry */
        html_raw(b, "; ook voor ");
        web_list_labels(b, labels, "areas", web_get(e, "also_serves"));
    }
}

static void web_cost(struct html_buf *b, struct json_object *cost)
{
    struct json_object *free_, *amount, *pass;
    const char *desc = web_str(cost, "description");

    if (cost == NULL) {
        html_raw(b, "Vraag het de organisatie");
        return;
    }
    if ((free_ = web_get(cost, "free")) && json_object_get_boolean(free_)) {
        html_raw(b, "Gratis");
    } else if ((amount = web_get(cost, "amount_eur"))) {
        double eur = json_object_get_double(amount);
        char s[32];
        snprintf(s, sizeof(s), "%.2f", eur);
        for (char *p = s; *p; p++)
            if (*p == '.')
                *p = ',';
        html_printf(b, "€ %s", s);
    } else {
        html_raw(b, "Vraag het de organisatie");
    }
    if ((pass = web_get(cost, "discount_pass")) && json_object_get_boolean(pass))
        html_raw(b, " · korting met minimapas");
    if (desc) {
        html_raw(b, " (");
        html_text(b, desc);
        html_raw(b, ")");
    }
}

/* The features of a (non-NULL) accessibility object that hold; 1 when any was written. */
static int web_access_items(struct html_buf *b, struct json_object *access, struct json_object *labels)
{
    int any = 0;

    json_object_object_foreach(access, code, val)
    {
        const char *v = json_object_get_string(val);
        if (v == NULL || (strcmp(v, "yes") != 0 && strcmp(v, "limited") != 0))
            continue;
        html_raw(b, "<li><span class=\"ico ico-");
        html_text(b, code);
        html_raw(b, "\" aria-hidden=\"true\"></span> ");
        html_text(b, web_label(labels, "access", code));
        if (strcmp(v, "limited") == 0)
            html_raw(b, " (beperkt)");
        html_raw(b, "</li>\n");
        any = 1;
    }
    return any;
}

/* Accessibility features that hold (yes/limited), each with icon AND text. */
static void web_access_list(struct html_buf *b, struct json_object *access, struct json_object *labels,
                            struct json_object *cost)
{
    struct json_object *pass;
    int any = 0;

    html_raw(b, "<ul class=\"badges\">\n");
    if (access && !json_object_is_type(access, json_type_object))
        access = NULL;
    if (access)
        any = web_access_items(b, access, labels);
    if (web_str(access, "wheelchair") && strcmp(web_str(access, "wheelchair"), "no") == 0) {
        html_raw(b, "<li class=\"no\"><span class=\"ico ico-no-wheelchair\" aria-hidden=\"true\"></span> "
                    "Niet toegankelijk met rolstoel</li>\n");
        any = 1;
    }
    if (cost && (pass = web_get(cost, "discount_pass")) && json_object_get_boolean(pass) &&
        !web_get(access, "discount_pass")) {
        html_raw(b, "<li><span class=\"ico ico-discount_pass\" aria-hidden=\"true\"></span> "
                    "Korting met minimapas</li>\n");
        any = 1;
    }
    if (!any)
        html_raw(b, "<li class=\"none\">Geen gegevens over toegankelijkheid</li>\n");
    html_raw(b, "</ul>\n");
}

/* When an activity is on: its next occurrence when the search gives one, else its schedule. */
static void web_item_when(struct html_buf *b, struct json_object *e)
{
    struct json_object *next = web_get(e, "next_occurrence"), *occ = web_get(e, "next_occurrences");
    struct json_object *sched = web_get(e, "schedule");
    const char *rrule = web_str(sched, "rrule");

    if (next == NULL && web_len(occ))
        next = json_object_array_get_idx(occ, 0);
    if (next && json_object_is_type(next, json_type_string)) {
        web_when(b, json_object_get_string(next), NULL);
    } else if (next) {
        web_when(b, web_str(next, "start"), web_str(next, "end"));
    } else if (sched) {
        web_when(b, web_str(sched, "start"), web_str(sched, "end"));
    }
    if (rrule) {
        html_raw(b, " <span class=\"repeat\">(");
        web_rrule(b, rrule);
        html_raw(b, ")</span>");
    }
}

/* A definition-list row; the value is written by the caller between the two calls. */
static void web_dt(struct html_buf *b, const char *term)
{
    html_raw(b, "<div class=\"row\"><dt>");
    html_raw(b, term);
    html_raw(b, "</dt><dd>");
}

static void web_dd_end(struct html_buf *b)
{
    html_raw(b, "</dd></div>\n");
}

/* One result in the list. */
/* A result card; points (api_web_search's "points", may be NULL) give it its place on the map of results. */
static void web_card(struct html_buf *b, struct json_object *e, struct json_object *labels, struct json_object *orgs,
                     struct json_object *points, const char *lijst)
{
    const char *id = web_str(e, "id"), *kind = web_str(e, "kind"), *org = web_str(e, "organisation_id");
    struct json_object *aud = web_get(e, "audiences");
    struct json_object *pt = id ? web_get(points, id) : NULL;
    struct json_object *lat = web_get(pt, "lat"), *lon = web_get(pt, "lon");

    html_raw(b, "<li class=\"card\"");
    if (lat && lon)
        html_printf(b, " data-lat=\"%.6f\" data-lon=\"%.6f\"", json_object_get_double(lat),
                    json_object_get_double(lon));
    html_raw(b, ">\n<article>\n<p class=\"kind kind-");
    html_text(b, kind);
    html_raw(b, "\">");
    html_text(b, web_kind_name(kind, 0));
    html_raw(b, "</p>\n<h3><a href=\"/aanbod/");
    html_url(b, id);
    html_raw(b, "\">");
    html_text(b, web_str(e, "title"));
    html_raw(b, "</a></h3>\n<p class=\"summary\">");
    html_text(b, web_str(e, "summary"));
    html_raw(b, "</p>\n<dl class=\"facts\">\n");
    if (kind && strcmp(kind, "activity") == 0) {
        web_dt(b, "Wanneer");
        web_item_when(b, e);
        web_dd_end(b);
    }
    web_dt(b, "Waar");
    web_where(b, e, labels);
    web_dd_end(b);
    web_dt(b, "Voor wie");
    if (web_len(aud))
        web_list_labels(b, labels, "audiences", aud);
    else
        html_raw(b, "Iedereen");
    web_dd_end(b);
    if (kind && strcmp(kind, "vacancy") != 0) {
        web_dt(b, "Kosten");
        web_cost(b, web_get(e, "cost"));
        web_dd_end(b);
    }
    if (org && web_str(orgs, org)) {
        web_dt(b, "Door");
        html_text(b, web_str(orgs, org));
        web_dd_end(b);
    }
    html_raw(b, "</dl>\n");
    web_access_list(b, web_get(e, "accessibility"), labels, web_get(e, "cost"));
    if (lijst && id) { /* a professional makes a referral list (issue 16): the list is the link */
        if (strstr(lijst, id))
            html_raw(b, "<p class=\"referral-add\">Staat op de verwijslijst</p>\n");
        else {
            /* checked UUIDs and commas: nothing to encode, and the link stays readable */
            html_raw(b, "<p class=\"referral-add\"><a href=\"/lijst?ids=");
            html_text(b, lijst);
            html_raw(b, lijst[0] ? "," : "");
            html_text(b, id);
            html_raw(b, "\">Zet op de verwijslijst<span class=\"visually-hidden\">: ");
            html_text(b, web_str(e, "title"));
            html_raw(b, "</span></a></p>\n");
        }
    }
    html_raw(b, "</article>\n</li>\n");
}

/* The link to the next page of results: this query with the cursor replaced. */
static void web_next_link(struct html_buf *b, const struct evkeyvalq *qs, const char *cursor)
{
    struct evkeyval *kv;
    html_raw(b, "<nav class=\"pager\" aria-label=\"Meer resultaten\"><a rel=\"next\" href=\"/?");
    TAILQ_FOREACH(kv, qs, next)
    {
        if (strcmp(kv->key, "cursor") == 0 || kv->value == NULL || kv->value[0] == '\0')
            continue;
        html_url(b, kv->key);
        html_raw(b, "=");
        html_url(b, kv->value);
        html_raw(b, "&amp;");
    }
    html_raw(b, "cursor=");
    html_url(b, cursor);
    html_raw(b, "\">Volgende resultaten</a></nav>\n");
}

/* On paper only: what was searched, so a printed list on a notice board explains itself. */
static void web_print_heading(struct html_buf *b, const struct evkeyvalq *qs)
{
    const char *q = web_arg(qs, "q");
    int y, m, d;

    web_civil(webpage_today(), &y, &m, &d);
    html_raw(b, "<p class=\"print-only\">");
    if (q && *q) {
        html_raw(b, "Gezocht op \u201c");
        html_text(b, q);
        html_raw(b, "\u201d. ");
    }
    html_printf(b,
                "Afgedrukt op %d %s %d. De actuele lijst staat op de sociale kaart op internet; "
                "u kunt ook in het buurthuis vragen.</p>\n",
                d, web_month[m - 1], y);
}

/* One wijk, kern or municipality chosen: its activities of this month and the next on paper (issue 16). */
static void web_paper_link(struct html_buf *b, const struct evkeyvalq *qs)
{
    const char *area = web_arg(qs, "area") ? web_arg(qs, "area") : web_arg(qs, "municipality");
    char today[11], next[11];
    int y, m, d;

    if (area == NULL || strchr(area, ',') || !contract_is_area_code(area, strlen(area)))
        return;
    webpage_date(webpage_today(), today);
    if (sscanf(today, "%4d-%2d-%2d", &y, &m, &d) != 3)
        return;
    snprintf(next, sizeof(next), "%04d-%02d", m == 12 ? y + 1 : y, m == 12 ? 1 : m + 1);
    today[7] = '\0';
    html_raw(b, "<p class=\"paper-links\">Op papier, in grote letters: <a href=\"/papier/");
    html_text(b, area);
    html_printf(b, "/%s.pdf\">wat er deze maand te doen is</a> \u00b7 <a href=\"/papier/", today);
    html_text(b, area);
    html_printf(b, "/%s.pdf\">volgende maand</a> (PDF)</p>\n", next);
}

static void web_results(struct html_buf *b, const struct evkeyvalq *qs, struct json_object *body)
{
    struct json_object *items = web_get(body, "items"), *labels = web_get(body, "labels");
    struct json_object *orgs = web_get(body, "organisations"), *points = web_get(body, "points");
    struct json_object *total = web_get(web_get(body, "facets"), "total");
    struct json_object *capped = web_get(web_get(body, "facets"), "capped");
    const char *next = web_str(body, "next_cursor");
    size_t n = web_len(items);
    char ids[WEBPAGE_REFERRAL_MAX][37], lijst_buf[WEBPAGE_REFERRAL_MAX * 37 + 1];
    const char *lijst = NULL;
    int nids = web_arg(qs, "lijst") ? webpage_referral_ids(web_arg(qs, "lijst"), ids) : -1;

    if (web_arg(qs, "lijst") && strcmp(web_arg(qs, "lijst"), "nieuw") == 0) {
        lijst = ""; /* a new, empty list */
        nids = 0;
    } else if (nids > 0) {
        web_ids_csv(ids, nids, NULL, lijst_buf, sizeof(lijst_buf));
        lijst = lijst_buf;
    }
    if (lijst) {
        html_printf(b,
                    "<div class=\"referral-bar\" role=\"region\" aria-label=\"Verwijslijst\"><p><strong>Verwijslijst</"
                    "strong>: %d gekozen.",
                    nids);
        if (nids > 0) {
            html_raw(b, " <a href=\"/lijst?ids=");
            html_text(b, lijst);
            html_raw(b, "\">Bekijk en print de lijst</a>");
        }
        if (nids >= WEBPAGE_REFERRAL_MAX)
            html_printf(b, " Er passen er %d op een lijst.", WEBPAGE_REFERRAL_MAX);
        html_raw(b, "</p></div>\n");
        if (nids >= WEBPAGE_REFERRAL_MAX)
            lijst = NULL; /* full: no more links to add */
    }

    html_raw(b, "<section class=\"results\" id=\"resultaten\" aria-labelledby=\"resultaten-kop\">\n"
                "<div class=\"results-head\"><h2 id=\"resultaten-kop\">");
    if (n == 0)
        html_raw(b, "Geen resultaten");
    else if (total && capped && json_object_get_boolean(capped))
        html_printf(b, "Meer dan %lld resultaten", (long long)json_object_get_int64(total));
    else if (total)
        html_printf(b, "%lld %s", (long long)json_object_get_int64(total),
                    json_object_get_int64(total) == 1 ? "resultaat" : "resultaten");
    else
        html_printf(b, "%zu%s %s", n, next ? " of meer" : "", n == 1 && !next ? "resultaat" : "resultaten");
    html_raw(b, "</h2>\n<button type=\"button\" class=\"print-button\" hidden>Print deze lijst</button></div>\n");
    web_paper_link(b, qs);
    web_print_heading(b, qs);
    if (n == 0) {
        const char *area = web_arg(qs, "area");
        html_raw(b, "<p class=\"empty\">We hebben niets gevonden. "
                    "Probeer een ander woord, of zet een filter uit.</p>\n"
                    "<p class=\"empty-hint\">Is er niets in uw wijk? <a href=\"/ik-mis-iets");
        if (area && strchr(area, ',') == NULL) {
            html_raw(b, "?waar=");
            html_url(b, area);
        }
        html_raw(b, "\">Vertel ons wat u mist</a>.</p>\n");
    } else {
        html_raw(b, "<ol class=\"cards\">\n");
        for (size_t i = 0; i < n; i++)
            web_card(b, json_object_array_get_idx(items, i), labels, orgs, points, lijst);
        html_raw(b, "</ol>\n");
    }
    if (next)
        web_next_link(b, qs, next);
    html_raw(b, "</section>\n");
}

/* The search page from api_web_search's answer; with problem set, a notice instead of results. */
/* A campaign's page (/campagnes/{code}, issue 16): its name, dates and words above its entries
 * (c: the page's campaign; NULL when there is no such campaign, then the code stands in). */
static void web_campaign_head(struct html_buf *b, struct json_object *c, const char *code)
{
    const char *period = web_str(c, "period");

    html_raw(b, "<h1>");
    html_text(b, c ? web_str(c, "name") : code);
    html_raw(b, "</h1>\n");
    if (c) {
        html_raw(b, "<p class=\"intro campaign-dates\">");
        html_raw(b, period && !strcmp(period, "past") ? "Was van " : "Van ");
        web_day(b, web_str(c, "starts_on"));
        html_raw(b, " tot en met ");
        web_day(b, web_str(c, "ends_on"));
        html_raw(b, ".</p>\n");
        if (web_str(c, "summary")) {
            html_raw(b, "<p class=\"intro\">");
            html_text(b, web_str(c, "summary"));
            html_raw(b, "</p>\n");
        }
    }
    html_raw(b, "<p><a href=\"/api/v1/activities.ics?campaign=");
    html_text(b, code);
    html_raw(b, "\">Zet de activiteiten in uw agenda</a> \u00b7 <a href=\"/\">Alles op de sociale kaart</a></p>\n");
}

/* The campaigns running now, as links to their pages (the front page, above the results). */
static void web_campaigns_now(struct html_buf *b, struct json_object *labels)
{
    struct json_object *all = web_get(labels, "campaigns");
    int n = 0;
    for (size_t i = 0; i < web_len(all); i++) {
        struct json_object *c = json_object_array_get_idx(all, i);
        if (!web_str(c, "period") || strcmp(web_str(c, "period"), "current") != 0 || !web_str(c, "code"))
            continue;
        html_raw(b, n++ ? ", " : "<p class=\"campaigns-now\">Nu bezig: ");
        html_raw(b, "<a href=\"/campagnes/");
        html_text(b, web_str(c, "code"));
        html_raw(b, "\">");
        html_text(b, web_str(c, "name"));
        html_raw(b, "</a>");
        if (n == 5)
            break;
    }
    if (n)
        html_raw(b, "</p>\n");
}

void webpage_search(struct html_buf *b, const struct evkeyvalq *qs, struct json_object *body, const char *problem)
{
    struct json_object *labels = web_get(body, "labels"), *facets = web_get(body, "facets");
    const char *q = web_arg(qs, "q"), *campaign = web_arg(qs, "campaign");
    struct json_object *c = web_get(body, "campaign");

    web_page_start(b, q && *q ? q : c ? web_str(c, "name") : "Zoeken", "page-search");
    html_raw(b, "<main id=\"inhoud\" class=\"wrap\" tabindex=\"-1\">\n");
    if (campaign) {
        web_campaign_head(b, c, campaign);
    } else {
        html_raw(b, "<h1>Wat is er te doen in uw buurt?</h1>\n"
                    "<p class=\"intro\">Zoek activiteiten, plekken om mensen te ontmoeten, hulp en advies, "
                    "vrijwilligerswerk en steun voor mantelzorgers.</p>\n");
        web_campaigns_now(b, labels);
    }
    web_form(b, qs, labels, facets);
    html_raw(b, "<p id=\"zoek-status\" class=\"visually-hidden\" role=\"status\" aria-live=\"polite\"></p>\n");
    if (problem) {
        html_raw(b, "<div class=\"notice\" role=\"alert\"><h2>Deze zoekopdracht lukt niet</h2><p>");
        html_text(b, problem);
        html_raw(b, "</p><p><a href=\"/\">Begin opnieuw</a></p></div>\n");
    } else {
        web_results(b, qs, body);
    }
    html_raw(b, "</main>\n");
    web_page_end(b);
}

void webpage_error(struct html_buf *b, const char *title, const char *text)
{
    web_page_start(b, title, "page-error");
    html_raw(b, "<main id=\"inhoud\" class=\"wrap\" tabindex=\"-1\">\n<h1>");
    html_text(b, title);
    html_raw(b, "</h1>\n<p>");
    html_text(b, text);
    html_raw(b, "</p>\n<p><a href=\"/\">Naar de zoekpagina</a></p>\n</main>\n");
    web_page_end(b);
}

/* Opening hours as a small table; title: "Openingstijden", or a service's "Spreekuren". */
static void web_opening_hours(struct html_buf *b, struct json_object *hours, const char *title)
{
    static const char *const codes[] = { "mo", "tu", "we", "th", "fr", "sa", "su" };

    if (web_len(hours) == 0)
        return;
    html_printf(b,
                "<h2>%s</h2>\n<table class=\"hours\">\n<caption class=\"visually-hidden\">%s "
                "per dag</caption>\n<thead><tr><th scope=\"col\">Dag</th><th scope=\"col\">Open</th></tr></thead>\n"
                "<tbody>\n",
                title, title);
    for (int d = 0; d < 7; d++) {
        int any = 0;
        html_printf(b, "<tr><th scope=\"row\">%s</th><td>", web_day_long[d]);
        for (size_t i = 0; i < web_len(hours); i++) {
            struct json_object *h = json_object_array_get_idx(hours, i);
            const char *day = web_str(h, "day");
            if (day == NULL || strcmp(day, codes[d]) != 0)
                continue;
            html_raw(b, any ? ", " : "");
            html_text(b, web_str(h, "opens"));
            html_raw(b, " tot ");
            html_text(b, web_str(h, "closes"));
            any = 1;
        }
        html_raw(b, any ? "</td></tr>\n" : "gesloten</td></tr>\n");
    }
    html_raw(b, "</tbody>\n</table>\n");
}

static void web_contact(struct html_buf *b, struct json_object *contact, struct json_object *org)
{
    const char *phone = web_str(contact, "phone") ? web_str(contact, "phone") : web_str(org, "phone");
    const char *email = web_str(contact, "email") ? web_str(contact, "email") : web_str(org, "email");
    const char *site = web_str(contact, "website") ? web_str(contact, "website") : web_str(org, "website");

    html_raw(b, "<h2>Contact</h2>\n<dl class=\"facts\">\n");
    if (org) {
        web_dt(b, "Organisatie");
        html_text(b, web_str(org, "name"));
        web_dd_end(b);
    }
    if (phone) {
        web_dt(b, "Telefoon");
        html_raw(b, "<a href=\"tel:");
        for (const char *p = phone; *p; p++)
            if ((*p >= '0' && *p <= '9') || *p == '+')
                html_rawn(b, p, 1);
        html_raw(b, "\">");
        html_text(b, phone);
        html_raw(b, "</a>");
        web_dd_end(b);
    }
    if (email) {
        web_dt(b, "E-mail");
        html_raw(b, "<a href=\"mailto:");
        html_text(b, email);
        html_raw(b, "\">");
        html_text(b, email);
        html_raw(b, "</a>");
        web_dd_end(b);
    }
    if (site && (strncmp(site, "https://", 8) == 0 || strncmp(site, "http://", 7) == 0)) {
        web_dt(b, "Website");
        html_raw(b, "<a href=\"");
        html_text(b, site);
        html_raw(b, "\" rel=\"noopener\">");
        html_text(b, site);
        html_raw(b, "</a>");
        web_dd_end(b);
    }
    html_raw(b, "</dl>\n");
}

/* The map: a container the script fills with Leaflet; the address is always there in text. */
static void web_map(struct html_buf *b, struct json_object *e, struct json_object *place)
{
    struct json_object *loc = web_get(e, "location") ? web_get(e, "location") : web_get(place, "location");
    struct json_object *lat = web_get(loc, "lat"), *lon = web_get(loc, "lon");
    struct json_object *addr = web_get(e, "address") ? web_get(e, "address") : web_get(place, "address");

    html_raw(b, "<h2 id=\"kaart-kop\">Waar is het?</h2>\n<p class=\"address\">");
    if (web_str(place, "title") && !web_get(e, "address")) {
        html_text(b, web_str(place, "title"));
        html_raw(b, addr ? ", " : "");
    }
    if (addr)
        web_address(b, addr);
    else if (!web_str(place, "title"))
        html_raw(b, "Het adres krijgt u na aanmelding, of vraag het de organisatie.");
    html_raw(b, "</p>\n");
    if (lat && lon) {
        html_printf(b, "<div class=\"map\" id=\"kaart\" data-lat=\"%.6f\" data-lon=\"%.6f\" data-label=\"",
                    json_object_get_double(lat), json_object_get_double(lon));
        html_text(b, web_str(e, "title"));
        html_raw(b, "\" role=\"region\" aria-labelledby=\"kaart-kop\"></div>\n");
        html_printf(b,
                    "<p class=\"maplink\"><a href=\"https://www.openstreetmap.org/"
                    "?mlat=%.6f&amp;mlon=%.6f#map=17/%.6f/%.6f\" "
                    "rel=\"noopener\">Open de kaart in OpenStreetMap</a></p>\n",
                    json_object_get_double(lat), json_object_get_double(lon), json_object_get_double(lat),
                    json_object_get_double(lon));
    }
}

/* The collection path of a kind; places for an unknown one. */
static const char *web_kind_path(const char *kind)
{
    enum sk_kind k;
    return sk_kind_path(sk_kind_from_name(kind, &k) ? k : SK_KIND_PLACE);
}

/* "Meld een fout": posted as JSON by app.js to the reports API; without script, by e-mail. */
static void web_report_form(struct html_buf *b, const char *id, const char *kind, struct json_object *org)
{
    static const char *const reasons[][2] = { { "outdated", "De informatie is niet meer actueel" },
                                              { "wrong_address", "Het adres klopt niet" },
                                              { "no_longer_exists", "Dit bestaat niet meer" },
                                              { "inappropriate", "Dit hoort hier niet" },
                                              { "other", "Iets anders" } };

    html_raw(b, "<section class=\"report\" aria-labelledby=\"meld-kop\">\n<h2 id=\"meld-kop\">Meld een fout</h2>\n"
                "<p>Klopt er iets niet? Laat het ons weten. U hoeft uw naam niet te geven.</p>\n"
                "<form class=\"report-form\" method=\"post\" action=\"/api/v1/");
    html_raw(b, web_kind_path(kind));
    html_raw(b, "/");
    html_url(b, id);
    html_raw(b, "/reports\" data-js-only>\n<fieldset>\n<legend>Wat is er fout?</legend>\n");
    for (size_t i = 0; i < sizeof(reasons) / sizeof(reasons[0]); i++)
        html_printf(b, "<label class=\"choice\"><input type=\"radio\" name=\"reason\" value=\"%s\"%s> %s</label>\n",
                    reasons[i][0], i == 0 ? " required" : "", reasons[i][1]);
    html_raw(b, "</fieldset>\n<div class=\"field\"><label for=\"meld-tekst\">Uitleg (mag leeg blijven)</label>\n"
                "<textarea id=\"meld-tekst\" name=\"message\" rows=\"3\" maxlength=\"1000\"></textarea></div>\n"
                "<button type=\"submit\">Verstuur melding</button>\n"
                "<p class=\"report-status\" role=\"status\" aria-live=\"polite\"></p>\n</form>\n");
    if (web_str(org, "email")) {
        html_raw(b, "<p class=\"noscript-only\">U kunt ook mailen naar <a href=\"mailto:");
        html_text(b, web_str(org, "email"));
        html_raw(b, "\">");
        html_text(b, web_str(org, "email"));
        html_raw(b, "</a>.</p>\n");
    }
    html_raw(b, "</section>\n");
}

/* One field of the response form: label, control, its error (linked with aria-describedby). */
static void web_respond_field(struct html_buf *b, const char *name, const char *label, const char *hint,
                              struct json_object *values, struct json_object *errors, const char *control)
{
    const char *err = web_str(errors, name), *value = web_str(values, name);

    html_printf(b, "<div class=\"field\"><label for=\"reageer-%s\">%s</label>\n", name, label);
    if (hint)
        html_printf(b, "<p class=\"hint\" id=\"reageer-%s-uitleg\">%s</p>\n", name, hint);
    if (err) {
        html_printf(b, "<p class=\"error\" id=\"reageer-%s-fout\"><strong>Fout:</strong> ", name);
        html_text(b, err);
        html_raw(b, "</p>\n");
    }
    html_printf(b, "<%s id=\"reageer-%s\" name=\"%s\"", control, name, name);
    if (err || hint) {
        char ids[96];
        snprintf(ids, sizeof(ids), "%s%s%s%s%s%s", hint ? "reageer-" : "", hint ? name : "", hint ? "-uitleg" : "",
                 err ? (hint ? " reageer-" : "reageer-") : "", err ? name : "", err ? "-fout" : "");
        html_printf(b, " aria-describedby=\"%s\"", ids);
    }
    if (err)
        html_raw(b, " aria-invalid=\"true\"");
    if (strcmp(name, "message") == 0) {
        html_raw(b, " rows=\"4\" maxlength=\"1000\">");
        html_text(b, value);
        html_raw(b, "</textarea></div>\n");
        return;
    }
    html_raw(b, strcmp(name, "name") == 0      ? " type=\"text\" autocomplete=\"name\" maxlength=\"100\" required"
                : strcmp(name, "contact") == 0 ? " type=\"text\" autocomplete=\"email\" maxlength=\"200\" required"
                                               : " type=\"number\" min=\"1\" max=\"10\" inputmode=\"numeric\"");
    html_raw(b, " value=\"");
    html_text(b, value ? value : strcmp(name, "places") == 0 ? "1" : "");
    html_raw(b, "\"></div>\n");
}

/*
 * "Ik wil helpen" (a vacancy) or "Aanmelden" (an activity with registration
 * required): a form without JavaScript posting to /aanbod/{id}/reageren, the
 * places left, and a privacy notice naming who receives the data and for how
 * long. e["respond_form"] (set by h_web.c after a refused POST) holds the
 * values, the errors by field and a problem to show.
 */
static void web_respond_form(struct html_buf *b, struct json_object *e, struct json_object *org)
{
    struct json_object *form = web_get(e, "respond_form"), *pl = web_get(e, "places_left");
    struct json_object *values = web_get(form, "values"), *errors = web_get(form, "errors");
    const char *kind = web_str(e, "kind"), *reg = web_str(e, "registration"), *problem = web_str(form, "problem");
    const char *org_name = web_str(org, "name") ? web_str(org, "name") : "de organisatie";
    int activity = kind && strcmp(kind, "activity") == 0;
    int64_t left = pl && json_object_is_type(pl, json_type_int) ? json_object_get_int64(pl) : -1;
    int days = json_object_get_int(web_get(e, "response_days"));

    if (!(activity && reg && strcmp(reg, "required") == 0) && !(kind && strcmp(kind, "vacancy") == 0))
        return;
    html_raw(b, "<section class=\"respond\" id=\"reageren\" aria-labelledby=\"reageer-kop\">\n<h2 id=\"reageer-kop\">");
    html_raw(b, activity ? "Aanmelden" : "Ik wil helpen");
    html_raw(b, "</h2>\n");
    if (activity && left == 0) {
        html_raw(b, "<p><strong>Deze activiteit is vol.</strong> U kunt zich niet meer aanmelden.</p>\n</section>\n");
        return;
    }
    if (activity && left > 0)
        html_printf(b, "<p class=\"places-left\">Nog %lld %s vrij.</p>\n", (long long)left,
                    left == 1 ? "plaats" : "plaatsen");
    if (problem || web_len(errors) > 0) {
        html_raw(
            b,
            "<div class=\"error-summary\" role=\"alert\" tabindex=\"-1\"><p><strong>Het is nog niet gelukt.</strong> ");
        html_text(b, problem ? problem : "Kijk de velden hieronder na.");
        html_raw(b, "</p></div>\n");
    }
    html_raw(b, "<form method=\"post\" action=\"/aanbod/");
    html_url(b, web_str(e, "id"));
    html_raw(b, "/reageren#reageren\" novalidate>\n");
    web_respond_field(b, "name", "Uw naam", NULL, values, errors, "input");
    web_respond_field(b, "contact", "Hoe kunnen zij u bereiken?", "Uw e-mailadres of telefoonnummer.", values, errors,
                      "input");
    web_respond_field(b, "message", "Uw bericht (mag leeg blijven)", NULL, values, errors, "textarea");
    if (activity)
        web_respond_field(b, "places", "Met hoeveel personen komt u?", "1 tot 10 personen.", values, errors, "input");
    html_raw(b, "<p class=\"privacy\" id=\"reageer-privacy\">Uw naam, uw contactgegevens en uw bericht gaan "
                "alleen naar ");
    html_text(b, org_name);
    html_raw(b, ". Zij gebruiken ze om contact met u op te nemen.");
    if (days > 0)
        html_printf(b, " Na %d dagen wissen wij uw gegevens.", days);
    html_raw(b, " Wij zetten ze niet op de website.</p>\n<button type=\"submit\">");
    html_raw(b, activity ? "Meld mij aan" : "Verstuur");
    html_raw(b, "</button>\n</form>\n</section>\n");
}

void webpage_respond_thanks(struct html_buf *b, const char *entry_id, struct json_object *answer)
{
    const char *kind = web_str(answer, "kind"), *until = web_str(answer, "delete_after");
    int places = json_object_get_int(web_get(answer, "places"));

    web_page_start(b, "Bedankt", "page-entry");
    html_raw(b, "<main id=\"inhoud\" class=\"wrap entry\" tabindex=\"-1\">\n<h1>Bedankt</h1>\n<p>");
    if (kind && strcmp(kind, "registration") == 0)
        html_printf(b, "U bent aangemeld voor %d %s.", places, places == 1 ? "persoon" : "personen");
    else
        html_raw(b, "Wij hebben uw reactie doorgestuurd.");
    html_raw(b, " De organisatie neemt contact met u op.</p>\n");
    if (until && strlen(until) >= 10)
        html_printf(b, "<p>Wij wissen uw gegevens op %.2s-%.2s-%.4s.</p>\n", until + 8, until + 5, until);
    html_raw(b, "<p><a href=\"/aanbod/");
    html_url(b, entry_id);
    html_raw(b, "\">Terug naar het aanbod</a></p>\n</main>\n");
    web_page_end(b);
}

/* An entry's page from api_web_entry's answer (e is changed: the place's title is added). */
void webpage_entry(struct html_buf *b, struct json_object *e)
{
    struct json_object *labels = web_get(e, "labels"), *org = web_get(e, "organisation");
    struct json_object *place = web_get(e, "place"), *next = web_get(e, "next_occurrences");
    const char *id = web_str(e, "id"), *kind = web_str(e, "kind"), *desc = web_str(e, "description");
    int activity = kind && strcmp(kind, "activity") == 0;

    web_page_start(b, web_str(e, "title"), "page-entry");
    html_raw(b, "<nav class=\"wrap crumbs\" aria-label=\"Kruimelpad\"><a href=\"/\" class=\"back\">Terug naar "
                "zoeken</a></nav>\n<main id=\"inhoud\" class=\"wrap entry\" tabindex=\"-1\">\n<article>\n"
                "<p class=\"kind kind-");
    html_text(b, kind);
    html_raw(b, "\">");
    html_text(b, web_kind_name(kind, 0));
    html_raw(b, "</p>\n<h1>");
    html_text(b, web_str(e, "title"));
    html_raw(b, "</h1>\n<p class=\"summary\">");
    html_text(b, web_str(e, "summary"));
    html_raw(b, "</p>\n");
    if (desc) {
        html_raw(b, "<div class=\"description\"><p>");
        for (const char *p = desc; *p;) { /* blank lines separate paragraphs */
            const char *brk = strstr(p, "\n\n");
            size_t n = brk ? (size_t)(brk - p) : strlen(p);
            char *part = strndup(p, n);
            html_text(b, part);
            free(part);
            p += n;
            if (brk) {
                html_raw(b, "</p>\n<p>");
                p += 2;
            }
        }
        html_raw(b, "</p></div>\n");
    }
    html_raw(b, "<dl class=\"facts\">\n");
    if (activity) {
        web_dt(b, "Wanneer");
        web_item_when(b, e);
        web_dd_end(b);
    }
    web_dt(b, "Waar");
    if (place && !web_str(e, "place_title"))
        json_object_object_add(e, "place_title", json_object_get(web_get(place, "title")));
    web_where(b, e, labels);
    web_dd_end(b);
    web_dt(b, "Voor wie");
    if (web_len(web_get(e, "audiences")))
        web_list_labels(b, labels, "audiences", web_get(e, "audiences"));
    else
        html_raw(b, "Iedereen");
    web_dd_end(b);
    web_dt(b, "Onderwerp");
    web_list_labels(b, labels, "themes", web_get(e, "themes"));
    web_dd_end(b);
    web_dt(b, "Kosten");
    web_cost(b, web_get(e, "cost"));
    web_dd_end(b);
    if (web_len(web_get(e, "campaigns"))) { /* issue 16: links to the campaigns' pages */
        struct json_object *codes = web_get(e, "campaigns");
        web_dt(b, "Hoort bij");
        for (size_t i = 0; i < web_len(codes); i++) {
            const char *code = json_object_get_string(json_object_array_get_idx(codes, i));
            const char *name = web_str(web_get(e, "campaign_names"), code);
            html_raw(b, i ? ", " : "");
            html_raw(b, "<a href=\"/campagnes/");
            html_text(b, code);
            html_raw(b, "\">");
            html_text(b, name ? name : code);
            html_raw(b, "</a>");
        }
        web_dd_end(b);
    }
    if (web_str(e, "place_type")) { /* issue 16 */
        web_dt(b, "Soort plek");
        html_text(b, web_label(labels, "place_types", web_str(e, "place_type")));
        web_dd_end(b);
    }
    if (json_object_get_boolean(web_get(e, "drop_in"))) {
        web_dt(b, "Inloop");
        html_raw(b, "U kunt zo binnenlopen, aanmelden is niet nodig");
        web_dd_end(b);
    }
    if (web_get(e, "channels")) { /* issue 16: a service */
        struct json_object *channels = web_get(e, "channels");
        web_dt(b, "Zo bereikt u ons");
        for (size_t i = 0; i < web_len(channels); i++) {
            enum sk_channel ch;
            char label[64];
            if (!sk_channel_from_code(json_object_get_string(json_object_array_get_idx(channels, i)), &ch))
                continue;
            snprintf(label, sizeof(label), "%s", sk_channel_label(ch));
            if (i)
                label[0] = (char)tolower((unsigned char)label[0]); /* the labels are ASCII */
            html_raw(b, i ? ", " : "");
            html_text(b, label);
        }
        web_dd_end(b);
        web_dt(b, "Verwijzing");
        html_raw(b, json_object_get_boolean(web_get(e, "referral_required"))
                        ? "Nodig, bijvoorbeeld van de huisarts of het sociaal team"
                        : "Niet nodig: u kunt zelf contact opnemen");
        web_dd_end(b);
        web_dt(b, "Indicatie");
        html_raw(b, json_object_get_boolean(web_get(e, "indication_required")) ? "Nodig" : "Geen indicatie nodig");
        web_dd_end(b);
    }
    if (web_str(e, "registration") && strcmp(web_str(e, "registration"), "required") == 0) {
        web_dt(b, "Aanmelden");
        html_raw(b, "Ja, meld u vooraf aan");
        web_dd_end(b);
    }
    html_raw(b, "</dl>\n<h2>Toegankelijkheid</h2>\n");
    web_access_list(b, web_get(e, "accessibility"), labels, web_get(e, "cost"));
    if (activity && web_len(next)) {
        html_raw(b, "<h2>De volgende keren</h2>\n<ul class=\"dates\">\n");
        for (size_t i = 0; i < web_len(next); i++) {
            struct json_object *o = json_object_array_get_idx(next, i);
            html_raw(b, "<li>");
            web_when(b, web_str(o, "start"), web_str(o, "end"));
            html_raw(b, "</li>\n");
        }
        html_raw(b, "</ul>\n");
    }
    if (activity) {
        html_raw(b, "<p class=\"actions\"><a class=\"button\" href=\"/api/v1/activities/");
        html_url(b, id);
        html_raw(b, ".ics\" download>Zet in mijn agenda</a> "
                    "<span class=\"hint\">(een .ics-bestand voor uw agenda op telefoon of computer)</span></p>\n");
    }
    html_raw(b, "<p class=\"referral-start\"><a href=\"/lijst?ids=");
    html_url(b, id);
    html_raw(b, "\">Zet op een verwijslijst</a> <span class=\"hint\">(voor huisarts, VraagWijzer of sociaal team: "
                "print een lijst voor een inwoner)</span></p>\n");
    web_opening_hours(b, web_get(e, "opening_hours"),
                      kind && strcmp(kind, "service") == 0 ? "Spreekuren" : "Openingstijden");
    web_map(b, e, place);
    web_contact(b, web_get(e, "contact"), org);
    html_raw(b, "</article>\n");
    web_respond_form(b, e, org);
    web_report_form(b, id, kind, org);
    html_raw(b, "</main>\n");
    web_page_end(b);
}

/* ------------------------------------------------------------------ */
/* "Ik mis iets in mijn wijk" (issue 16)                               */

/* The options of a place choice: per municipality an optgroup, the whole municipality first, then its
 * wijken and kernen (api_web_wish_page's "places"); where (may be NULL) is selected. Ends the select. */
static void web_place_options(struct html_buf *b, struct json_object *places, const char *where)
{
    const char *last_m = NULL;

    for (size_t i = 0; i < web_len(places); i++) {
        struct json_object *p = json_object_array_get_idx(places, i);
        const char *code = web_str(p, "code"), *m = web_str(p, "municipality"), *kind = web_str(p, "kind");
        if (code == NULL || m == NULL || kind == NULL)
            continue;
        if (last_m == NULL || strcmp(last_m, m) != 0) {
            if (last_m)
                html_raw(b, "</optgroup>\n");
            html_raw(b, "<optgroup label=\"");
            html_text(b, web_str(p, "name"));
            html_raw(b, "\">\n");
            last_m = m;
        }
        html_raw(b, "<option value=\"");
        html_text(b, code);
        html_raw(b, where && strcmp(where, code) == 0 ? "\" selected>" : "\">");
        if (strcmp(kind, "municipality") == 0)
            html_raw(b, "Hele gemeente ");
        html_text(b, web_str(p, "name"));
        html_raw(b, "</option>\n");
    }
    if (last_m)
        html_raw(b, "</optgroup>\n");
    html_raw(b, "</select></div>\n");
}

/* The error of a form field, linked from its control. */
static void web_wish_error(struct html_buf *b, struct json_object *errors, const char *name)
{
    const char *err = web_str(errors, name);
    if (err == NULL)
        return;
    html_printf(b, "<p class=\"error\" id=\"mis-%s-fout\"><strong>Fout:</strong> ", name);
    html_text(b, err);
    html_raw(b, "</p>\n");
}

/* A control with an error points at it. */
static void web_wish_described(struct html_buf *b, struct json_object *errors, const char *name)
{
    if (web_str(errors, name))
        html_printf(b, " aria-describedby=\"mis-%s-fout\" aria-invalid=\"true\"", name);
}

void webpage_wish(struct html_buf *b, struct json_object *page, const char *chosen)
{
    struct json_object *form = web_get(page, "form"), *values = web_get(form, "values");
    struct json_object *errors = web_get(form, "errors"), *places = web_get(page, "places");
    struct json_object *themes = web_get(page, "themes");
    const char *problem = web_str(form, "problem"), *where = web_str(values, "waar"), *theme = web_str(values, "thema");
    int days = json_object_get_int(web_get(page, "wish_days"));

    if (where == NULL)
        where = chosen;
    web_page_start(b, "Ik mis iets in mijn wijk", "page-wish");
    html_raw(b, "<nav class=\"wrap crumbs\" aria-label=\"Kruimelpad\"><a href=\"/\" class=\"back\">Terug naar "
                "zoeken</a></nav>\n<main id=\"inhoud\" class=\"wrap wish\" tabindex=\"-1\">\n"
                "<h1>Ik mis iets in mijn wijk</h1>\n"
                "<p>Mist u een activiteit, een plek om elkaar te ontmoeten of hulp in uw wijk of dorp? "
                "Vertel het ons. De gemeente kijkt wat er nodig is.</p>\n");
    if (problem || (errors && json_object_is_type(errors, json_type_object) && json_object_object_length(errors) > 0)) {
        html_raw(b, "<div class=\"error-summary\" role=\"alert\" tabindex=\"-1\"><p><strong>Het is nog niet "
                    "gelukt.</strong> ");
        html_text(b, problem ? problem : "Kijk de velden hieronder na.");
        html_raw(b, "</p></div>\n");
    }
    html_raw(b, "<form method=\"post\" action=\"/ik-mis-iets\" class=\"wish-form\" novalidate>\n");

    html_raw(b, "<div class=\"field\"><label for=\"mis-waar\">Waar woont u?</label>\n");
    web_wish_error(b, errors, "waar");
    html_raw(b, "<select id=\"mis-waar\" name=\"waar\"");
    web_wish_described(b, errors, "waar");
    html_raw(b, ">\n<option value=\"\">Kies uw wijk of dorp</option>\n");
    web_place_options(b, places, where);

    html_raw(b, "<div class=\"field\"><label for=\"mis-thema\">Waar gaat het over? (mag leeg blijven)</label>\n");
    web_wish_error(b, errors, "thema");
    html_raw(b, "<select id=\"mis-thema\" name=\"thema\"");
    web_wish_described(b, errors, "thema");
    html_raw(b, ">\n<option value=\"\">Weet ik niet of iets anders</option>\n");
    for (size_t i = 0; i < web_len(themes); i++) {
        struct json_object *t = json_object_array_get_idx(themes, i);
        const char *code = web_str(t, "code");
        if (code == NULL)
            continue;
        html_raw(b, "<option value=\"");
        html_text(b, code);
        html_raw(b, theme && strcmp(theme, code) == 0 ? "\" selected>" : "\">");
        html_text(b, web_str(t, "label"));
        html_raw(b, "</option>\n");
    }
    html_raw(b, "</select></div>\n");

    html_raw(b, "<div class=\"field\"><label for=\"mis-tekst\">Wat mist u?</label>\n"
                "<p class=\"hint\" id=\"mis-tekst-uitleg\">Bijvoorbeeld: een koffieochtend voor ouderen, of hulp "
                "bij formulieren. Schrijf geen naam, adres of telefoonnummer.</p>\n");
    web_wish_error(b, errors, "tekst");
    html_raw(b, "<textarea id=\"mis-tekst\" name=\"tekst\" rows=\"5\" maxlength=\"1000\" required");
    html_raw(b, web_str(errors, "tekst")
                    ? " aria-describedby=\"mis-tekst-uitleg mis-tekst-fout\" aria-invalid=\"true\">"
                    : " aria-describedby=\"mis-tekst-uitleg\">");
    html_text(b, web_str(values, "tekst"));
    html_raw(b, "</textarea></div>\n");
    html_raw(b, "<p class=\"privacy\">U hoeft geen account te maken. Wij bewaren alleen uw bericht, de wijk en het "
                "thema, niet wie u bent.");
    if (days > 0)
        html_printf(b, " Na %d dagen wissen wij het bericht.", days);
    html_raw(b, "</p>\n<button type=\"submit\">Verstuur</button>\n</form>\n</main>\n");
    web_page_end(b);
}

void webpage_wish_thanks(struct html_buf *b, struct json_object *answer)
{
    const char *until = web_str(answer, "delete_after");

    web_page_start(b, "Bedankt", "page-wish");
    html_raw(b, "<main id=\"inhoud\" class=\"wrap wish\" tabindex=\"-1\">\n<h1>Bedankt</h1>\n"
                "<p>Wij hebben uw bericht ontvangen. De gemeente gebruikt het om te zien wat er mist in uw wijk. "
                "U krijgt geen antwoord: wij weten niet wie u bent.</p>\n");
    if (until && strlen(until) >= 10)
        html_printf(b, "<p>Wij wissen uw bericht op %.2s-%.2s-%.4s.</p>\n", until + 8, until + 5, until);
    html_raw(b, "<p><a href=\"/\">Terug naar zoeken</a></p>\n</main>\n");
    web_page_end(b);
}

/* ------------------------------------------------------------------ */
/* "Meld uw initiatief aan" (issue 16)                                 */

/* One line or text field of the initiative form, with its error. */
static void web_initiative_field(struct html_buf *b, struct json_object *values, struct json_object *errors,
                                 const char *name, const char *label, const char *hint, const char *attrs)
{
    const char *err = web_str(errors, name), *value = web_str(values, name);
    bool area = strcmp(name, "wat") == 0;

    html_printf(b, "<div class=\"field\"><label for=\"ini-%s\">%s</label>\n", name, label);
    if (hint)
        html_printf(b, "<p class=\"hint\" id=\"ini-%s-uitleg\">%s</p>\n", name, hint);
    if (err) {
        html_printf(b, "<p class=\"error\" id=\"ini-%s-fout\"><strong>Fout:</strong> ", name);
        html_text(b, err);
        html_raw(b, "</p>\n");
    }
    html_printf(b, area ? "<textarea id=\"ini-%s\" name=\"%s\" %s" : "<input id=\"ini-%s\" name=\"%s\" %s", name, name,
                attrs);
    if (hint || err)
        html_printf(b, " aria-describedby=\"%s%s%s%s%s%s\"", hint ? "ini-" : "", hint ? name : "",
                    hint ? "-uitleg" : "", err ? (hint ? " ini-" : "ini-") : "", err ? name : "", err ? "-fout" : "");
    if (err)
        html_raw(b, " aria-invalid=\"true\"");
    if (area) {
        html_raw(b, ">");
        html_text(b, value);
        html_raw(b, "</textarea></div>\n");
    } else {
        html_raw(b, " value=\"");
        html_text(b, value);
        html_raw(b, "\"></div>\n");
    }
}

void webpage_initiative(struct html_buf *b, struct json_object *page)
{
    struct json_object *form = web_get(page, "form"), *values = web_get(form, "values");
    struct json_object *errors = web_get(form, "errors"), *places = web_get(page, "places");
    const char *problem = web_str(form, "problem"), *where = web_str(values, "waar");

    web_page_start(b, "Meld uw initiatief aan", "page-wish");
    html_raw(b, "<nav class=\"wrap crumbs\" aria-label=\"Kruimelpad\"><a href=\"/\" class=\"back\">Terug naar "
                "zoeken</a></nav>\n<main id=\"inhoud\" class=\"wrap wish\" tabindex=\"-1\">\n"
                "<h1>Meld uw initiatief aan</h1>\n"
                "<p>Organiseert u iets met buren of dorpsgenoten? Een koffieochtend, een moestuin, een wandelgroep? "
                "Dan kan het op de sociale kaart. U hoeft geen stichting of vereniging te zijn en geen KvK-nummer "
                "te hebben.</p>\n"
                "<p>De gemeente kijkt naar uw melding. Past het? Dan krijgt u een link. Daarmee zet u uw "
                "initiatief zelf op de kaart.</p>\n");
    if (problem || (errors && json_object_is_type(errors, json_type_object) && json_object_object_length(errors) > 0)) {
        html_raw(b, "<div class=\"error-summary\" role=\"alert\" tabindex=\"-1\"><p><strong>Het is nog niet "
                    "gelukt.</strong> ");
        html_text(b, problem ? problem : "Kijk de velden hieronder na.");
        html_raw(b, "</p></div>\n");
    }
    html_raw(b, "<form method=\"post\" action=\"/initiatief\" class=\"wish-form\" novalidate>\n");
    web_initiative_field(b, values, errors, "naam", "Naam van uw initiatief", NULL,
                         "type=\"text\" maxlength=\"200\" required");
    web_initiative_field(b, values, errors, "wat", "Wat doet u?",
                         "Wat, voor wie, wanneer en waar. Schrijf het zoals u het aan een buurman vertelt.",
                         "rows=\"5\" maxlength=\"2000\" required");

    html_raw(b, "<div class=\"field\"><label for=\"ini-waar\">In welke wijk of welk dorp?</label>\n");
    if (web_str(errors, "waar")) {
        html_raw(b, "<p class=\"error\" id=\"ini-waar-fout\"><strong>Fout:</strong> ");
        html_text(b, web_str(errors, "waar"));
        html_raw(b, "</p>\n<select id=\"ini-waar\" name=\"waar\" aria-describedby=\"ini-waar-fout\" "
                    "aria-invalid=\"true\">\n");
    } else
        html_raw(b, "<select id=\"ini-waar\" name=\"waar\">\n");
    html_raw(b, "<option value=\"\">Kies een wijk of dorp</option>\n");
    web_place_options(b, places, where);

    html_raw(b, "<fieldset class=\"field\"><legend>Hoe kan de gemeente u bereiken?</legend>\n"
                "<p class=\"hint\">Vul een e-mailadres of een telefoonnummer in, of allebei.</p>\n");
    web_initiative_field(b, values, errors, "contact_naam", "Uw naam", NULL,
                         "type=\"text\" autocomplete=\"name\" maxlength=\"200\" required");
    web_initiative_field(b, values, errors, "email", "E-mailadres", NULL,
                         "type=\"email\" autocomplete=\"email\" maxlength=\"254\"");
    web_initiative_field(b, values, errors, "telefoon", "Telefoonnummer", NULL,
                         "type=\"tel\" autocomplete=\"tel\" maxlength=\"20\"");
    html_raw(b, "</fieldset>\n");
    web_initiative_field(b, values, errors, "website", "Website (mag leeg blijven)", NULL,
                         "type=\"url\" maxlength=\"500\" placeholder=\"https://\"");
    html_raw(b, "<p class=\"privacy\">Alleen de medewerkers van de gemeente zien uw naam en contactgegevens. Zij "
                "gebruiken ze om u de link te sturen of om iets te vragen. Na hun besluit wissen wij ze binnen 30 "
                "dagen.</p>\n<button type=\"submit\">Meld aan</button>\n</form>\n</main>\n");
    web_page_end(b);
}

void webpage_initiative_thanks(struct html_buf *b, struct json_object *answer)
{
    web_page_start(b, "Bedankt", "page-wish");
    html_raw(b, "<main id=\"inhoud\" class=\"wrap wish\" tabindex=\"-1\">\n<h1>Bedankt voor uw melding</h1>\n<p>");
    html_text(b, web_str(answer, "name"));
    html_raw(b, " is aangemeld. De gemeente kijkt ernaar en neemt contact met u op. Past het op de kaart? Dan krijgt "
                "u een link om het zelf te plaatsen.</p>\n<p><a href=\"/\">Terug naar zoeken</a></p>\n</main>\n");
    web_page_end(b);
}

/* ------------------------------------------------------------------ */
/* The referral list for professionals (issue 16): /lijst?ids=...      */

/* The QR code of text as inline SVG (dark modules as one path), size px wide; nothing when it does not fit. */
static void web_qr_svg(struct html_buf *b, const char *text, int size)
{
    QRcode *qr = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
    int w;

    if (qr == NULL)
        return;
    w = qr->width;
    html_printf(
        b,
        "<svg class=\"qr\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\" "
        "role=\"img\" aria-label=\"QR-code met de link naar deze lijst\" shape-rendering=\"crispEdges\">"
        "<rect width=\"%d\" height=\"%d\" fill=\"#fff\"/><path fill=\"#000\" d=\"",
        w + 8, w + 8, size, size, w + 8, w + 8);
    for (int y = 0; y < w; y++)
        for (int x = 0; x < w; x++)
            if (qr->data[y * w + x] & 1)
                html_printf(b, "M%d %dh1v1h-1z", x + 4, y + 4);
    html_raw(b, "\"/></svg>\n");
    QRcode_free(qr);
}

/* One entry of the list: what, when, where, cost, how to reach them. */
static void web_referral_item(struct html_buf *b, struct json_object *e, int number, const char *without)
{
    struct json_object *labels = web_get(e, "labels"), *org = web_get(e, "organisation");
    struct json_object *place = web_get(e, "place");
    const char *kind = web_str(e, "kind"), *id = web_str(e, "id");
    bool activity = kind && strcmp(kind, "activity") == 0;

    if (place && !web_str(e, "place_title"))
        json_object_object_add(e, "place_title", json_object_get(web_get(place, "title")));
    html_printf(b, "<li class=\"referral-item\">\n<h2><span class=\"referral-no\">%d</span> ", number);
    html_text(b, web_str(e, "title"));
    html_raw(b, "</h2>\n<p class=\"kind\">");
    html_text(b, web_kind_name(kind, 0));
    html_raw(b, "</p>\n<p class=\"summary\">");
    html_text(b, web_str(e, "summary"));
    html_raw(b, "</p>\n<dl class=\"facts\">\n");
    if (activity) {
        web_dt(b, "Wanneer");
        web_item_when(b, e);
        web_dd_end(b);
    }
    web_dt(b, "Waar");
    web_where(b, e, labels);
    web_dd_end(b);
    if (kind && strcmp(kind, "vacancy") != 0) {
        web_dt(b, "Kosten");
        web_cost(b, web_get(e, "cost"));
        web_dd_end(b);
    }
    if (web_str(e, "registration") && strcmp(web_str(e, "registration"), "required") == 0) {
        web_dt(b, "Aanmelden");
        html_raw(b, "Ja, meld u vooraf aan");
        web_dd_end(b);
    }
    {
        /* who to call or mail, on one line: the entry's own contact, else the organisation's */
        struct json_object *contact = web_get(e, "contact");
        const char *phone = web_str(contact, "phone") ? web_str(contact, "phone") : web_str(org, "phone");
        const char *email = web_str(contact, "email") ? web_str(contact, "email") : web_str(org, "email");
        web_dt(b, "Vragen?");
        if (phone) {
            html_raw(b, "Bel ");
            html_text(b, phone);
        }
        if (email) {
            html_raw(b, phone ? " of mail " : "Mail ");
            html_text(b, email);
        }
        if (!phone && !email)
            html_raw(b, "Kijk op de website van de organisatie");
        if (org) {
            html_raw(b, " (");
            html_text(b, web_str(org, "name"));
            html_raw(b, ")");
        }
        web_dd_end(b);
    }
    html_raw(b, "</dl>\n");
    html_raw(b, "<p class=\"no-print referral-tools\"><a href=\"/aanbod/");
    html_url(b, id);
    html_raw(b, "\">Meer over dit aanbod</a>");
    html_raw(b, " · <a href=\"");
    if (without[0]) {
        html_raw(b, "/lijst?ids=");
        html_text(b, without);
    } else
        html_raw(b, "/?lijst=nieuw");
    html_raw(b, "\">Haal van de lijst<span class=\"visually-hidden\">: ");
    html_text(b, web_str(e, "title"));
    html_raw(b, "</span></a></p>\n</li>\n");
}

void webpage_referral(struct html_buf *b, struct json_object *body, char ids[][37], int n, const char *base_url)
{
    struct json_object *items = web_get(body, "items");
    int missing = json_object_get_int(web_get(body, "missing"));
    char csv[WEBPAGE_REFERRAL_MAX * 37 + 1], without[WEBPAGE_REFERRAL_MAX * 37 + 1];
    char url[WEBPAGE_REFERRAL_MAX * 37 + 320];

    web_ids_csv(ids, n, NULL, csv, sizeof(csv));
    snprintf(url, sizeof(url), "%s/lijst?ids=%s", base_url, csv);
    web_page_start(b, "Voor u uitgezocht", "page-referral");
    html_raw(b, "<main id=\"inhoud\" class=\"wrap referral\" tabindex=\"-1\">\n"
                "<div class=\"referral-head\">\n<div>\n<h1>Voor u uitgezocht</h1>\n"
                "<p class=\"intro\">Hier kunt u naartoe. U hoeft niets te betalen, tenzij het erbij staat. "
                "Bel of mail gerust met vragen.</p>\n</div>\n<div class=\"referral-qr\">");
    web_qr_svg(b, url, 132);
    html_raw(b, "<p>Scan de code met uw telefoon om deze lijst te openen.</p></div>\n</div>\n");
    html_raw(b, "<p class=\"no-print referral-actions\"><button type=\"button\" class=\"print-button\" hidden>Print "
                "deze lijst</button> <a href=\"/?lijst=");
    html_text(b, csv);
    html_raw(b, "\">Zoek meer aanbod voor deze lijst</a></p>\n");
    html_raw(b, "<p class=\"no-print hint\">De lijst staat alleen in de link hieronder. Wij bewaren niets over u of "
                "over de inwoner.</p>\n<p class=\"no-print\"><label for=\"lijst-link\">Link naar deze lijst</label><br>"
                "<input id=\"lijst-link\" type=\"text\" readonly class=\"wide\" value=\"");
    html_text(b, url);
    html_raw(b, "\"></p>\n");
    if (missing > 0)
        html_printf(b, "<p class=\"notice\">%d %s van de lijst is er niet meer.</p>\n", missing,
                    missing == 1 ? "aanbod" : "aanbod");
    html_raw(b, "<ol class=\"referral-list\">\n");
    for (size_t i = 0; i < web_len(items); i++) {
        struct json_object *e = json_object_array_get_idx(items, i);
        web_ids_csv(ids, n, web_str(e, "id"), without, sizeof(without));
        web_referral_item(b, e, (int)i + 1, without);
    }
    html_raw(b, "</ol>\n<p class=\"referral-foot\">Deze lijst komt van de sociale kaart: ");
    html_text(b, base_url);
    html_raw(b, "</p>\n</main>\n");
    web_page_end(b);
}
