/*
 * partner_page.c — the HTML of the partners' pages and the conversions
 * between their forms, the API's entry JSON and an activity's RRULE.
 *
 * Pure rendering and conversion: no I/O and no request state. The forms use
 * the API's JSON paths as field names ("address.postcode", "cost.free"), so
 * an error of the API ("errors[].field") finds its field with little
 * mapping; only the schedule is said in words and converted here. Every
 * value from the database or the request goes through html_text/html_url.
 */
#include "partner_page.h"

#include <ctype.h>
#include <json-c/json.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "html.h"
#include "readability.h"
#include "rrule.h"

/* ------------------------------------------------------------------ */
/* Small helpers over json-c                                           */

static struct json_object *pp_get(struct json_object *o, const char *key)
{
    struct json_object *v;
    if (o && json_object_is_type(o, json_type_object) && json_object_object_get_ex(o, key, &v) &&
        !json_object_is_type(v, json_type_null))
        return v;
    return NULL;
}

static const char *pp_str(struct json_object *o, const char *key)
{
    struct json_object *v = pp_get(o, key);
    return v && json_object_is_type(v, json_type_string) ? json_object_get_string(v) : NULL;
}

/* A member as text whatever its JSON type (numbers of a form), or NULL. */
static const char *pp_any(struct json_object *o, const char *key)
{
    struct json_object *v = pp_get(o, key);
    if (v == NULL || json_object_is_type(v, json_type_object) || json_object_is_type(v, json_type_array))
        return NULL;
    return json_object_get_string(v);
}

static bool pp_true(struct json_object *o, const char *key)
{
    struct json_object *v = pp_get(o, key);
    return v && json_object_is_type(v, json_type_boolean) && json_object_get_boolean(v);
}

static size_t pp_len(struct json_object *arr)
{
    return arr && json_object_is_type(arr, json_type_array) ? json_object_array_length(arr) : 0;
}

/* Does the array arr hold the string s? */
static bool pp_has(struct json_object *arr, const char *s)
{
    for (size_t i = 0; i < pp_len(arr); i++) {
        struct json_object *it = json_object_array_get_idx(arr, i);
        if (json_object_is_type(it, json_type_string) && strcmp(json_object_get_string(it), s) == 0)
            return true;
    }
    return false;
}

const char *pp_form_get(const struct pp_form *form, const char *name)
{
    for (size_t i = 0; form && i < form->n; i++)
        if (strcmp(form->fields[i].name, name) == 0)
            return form->fields[i].value;
    return NULL;
}

/* ------------------------------------------------------------------ */
/* Schedule <-> RRULE                                                  */

static const char *const pp_rr_days[7] = { "MO", "TU", "WE", "TH", "FR", "SA", "SU" };
static const char *const pp_api_days[7] = { "mo", "tu", "we", "th", "fr", "sa", "su" };
static const char *const pp_day_name[7] = { "maandag", "dinsdag",  "woensdag", "donderdag",
                                            "vrijdag", "zaterdag", "zondag" };
static const char *const pp_month[12] = { "januari", "februari", "maart",     "april",   "mei",      "juni",
                                          "juli",    "augustus", "september", "oktober", "november", "december" };

/* Append printf text at *used; false when it does not fit. */
static bool pp_append(char *out, size_t cap, size_t *used, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static bool pp_append(char *out, size_t cap, size_t *used, const char *fmt, ...)
{
    va_list ap;
    int n;
    if (*used >= cap)
        return false;
    va_start(ap, fmt);
    n = vsnprintf(out + *used, cap - *used, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= cap - *used)
        return false;
    *used += (size_t)n;
    return true;
}

int pp_schedule_to_rrule(const struct pp_schedule *s, int start_weekday, char *out, size_t cap)
{
    size_t used = 0;
    bool ok = true;

    if (cap == 0)
        return -1;
    out[0] = '\0';
    switch (s->repeat) {
    case PP_ONCE: return 0;
    case PP_CUSTOM: ok = pp_append(out, cap, &used, "%s", s->custom); return ok ? (int)used : -1;
    case PP_WEEKLY: {
        unsigned days = s->days & 0x7fu;
        int first = 1;
        if (days == 0 && start_weekday >= 0 && start_weekday < 7)
            days = 1u << start_weekday;
        ok = pp_append(out, cap, &used, "FREQ=WEEKLY");
        if (ok && s->interval > 1)
            ok = pp_append(out, cap, &used, ";INTERVAL=%d", s->interval);
        for (int d = 0; ok && d < 7; d++) {
            if (!(days & (1u << d)))
                continue;
            ok = pp_append(out, cap, &used, "%s%s", first ? ";BYDAY=" : ",", pp_rr_days[d]);
            first = 0;
        }
        break;
    }
    case PP_MONTHLY:
        ok = pp_append(out, cap, &used, "FREQ=MONTHLY;BYDAY=%d%s", s->month_ordinal,
                       pp_rr_days[s->month_weekday >= 0 && s->month_weekday < 7 ? s->month_weekday : 0]);
        break;
    }
    if (ok && s->until[0] && strlen(s->until) == 10)
        ok = pp_append(out, cap, &used, ";UNTIL=%.4s%.2s%.2s", s->until, s->until + 5, s->until + 8);
    return ok ? (int)used : -1;
}

void pp_schedule_from_rrule(const char *rrule, struct pp_schedule *s)
{
    struct rrule r;
    bool fits;

    memset(s, 0, sizeof(*s));
    s->interval = 1;
    s->month_ordinal = 1;
    if (rrule == NULL || rrule[0] == '\0')
        return; /* PP_ONCE */
    snprintf(s->custom, sizeof(s->custom), "%s", rrule);
    s->repeat = PP_CUSTOM;
    if (rrule_parse(rrule, strlen(rrule), &r, NULL, 0) != 0)
        return;
    fits =
        r.count == 0 && r.n_bymonthday == 0 && (r.until_kind == RRULE_UNTIL_NONE || r.until_kind == RRULE_UNTIL_DATE);
    if (fits && r.freq == RRULE_WEEKLY && r.interval >= 1 && r.interval <= 4) {
        unsigned days = 0;
        for (size_t i = 0; i < r.n_byday; i++) {
            if (r.byday[i].ordinal != 0)
                return;
            days |= 1u << r.byday[i].weekday;
        }
        s->repeat = PP_WEEKLY;
        s->interval = r.interval;
        s->days = days;
    } else if (fits && r.freq == RRULE_MONTHLY && r.interval == 1 && r.n_byday == 1 &&
               ((r.byday[0].ordinal >= 1 && r.byday[0].ordinal <= 4) || r.byday[0].ordinal == -1)) {
        s->repeat = PP_MONTHLY;
        s->month_ordinal = r.byday[0].ordinal;
        s->month_weekday = (int)r.byday[0].weekday;
    } else {
        return;
    }
    s->custom[0] = '\0';
    if (r.until_kind == RRULE_UNTIL_DATE)
        snprintf(s->until, sizeof(s->until), "%04d-%02d-%02d", r.until.date.year, r.until.date.month, r.until.date.day);
}

bool pp_date_iso(const char *text, char out[11])
{
    int a, b, c, n = 0;
    char s1, s2;
    struct rrule_date d;

    if (text == NULL)
        return false;
    while (isspace((unsigned char)*text))
        text++;
    if (sscanf(text, "%4d-%2d-%2d%n", &a, &b, &c, &n) == 3 && n == 10 && text[4] == '-') {
        d = (struct rrule_date){ .year = a, .month = b, .day = c };
    } else if (sscanf(text, "%2d%c%2d%c%4d%n", &a, &s1, &b, &s2, &c, &n) == 5 && s1 == s2 &&
               (s1 == '-' || s1 == '/' || s1 == '.') && c >= 1000) {
        d = (struct rrule_date){ .year = c, .month = b, .day = a };
    } else {
        return false;
    }
    for (const char *p = text + n; *p; p++)
        if (!isspace((unsigned char)*p))
            return false;
    if (!rrule_date_valid(d) || d.year < 1900)
        return false;
    snprintf(out, 11, "%04d-%02d-%02d", d.year, d.month, d.day);
    return true;
}

/* ------------------------------------------------------------------ */
/* Form -> entry JSON                                                  */

/*
 * A form value without the spaces around it and with CRLF as LF (browsers
 * send textareas with CRLF), as a new JSON string; NULL when empty.
 */
static struct json_object *pp_clean(const char *v)
{
    size_t n;
    char *buf, *w;
    struct json_object *o;

    if (v == NULL)
        return NULL;
    while (isspace((unsigned char)*v))
        v++;
    n = strlen(v);
    while (n > 0 && isspace((unsigned char)v[n - 1]))
        n--;
    if (n == 0 || (buf = malloc(n + 1)) == NULL)
        return NULL;
    w = buf;
    for (size_t i = 0; i < n; i++)
        if (!(v[i] == '\r' && i + 1 < n && v[i + 1] == '\n'))
            *w++ = v[i];
    *w = '\0';
    o = json_object_new_string(buf);
    free(buf);
    return o;
}

static void pp_put_text(struct json_object *obj, const char *key, const char *v)
{
    struct json_object *s = pp_clean(v);
    if (s)
        json_object_object_add(obj, key, s);
}

/*
 * A number typed in a form ("2,50", "12"): a JSON number when it is one
 * (whole when integer is asked and it has no fraction), else the text, so
 * the API's validation names it.
 */
static void pp_put_number(struct json_object *obj, const char *key, const char *v, bool integer)
{
    struct json_object *s = pp_clean(v);
    char buf[64], *end;
    double d;

    if (s == NULL)
        return;
    snprintf(buf, sizeof(buf), "%s", json_object_get_string(s));
    for (char *p = buf; *p; p++)
        if (*p == ',')
            *p = '.';
    d = strtod(buf, &end);
    if (end != buf && *end == '\0' && strlen(json_object_get_string(s)) < sizeof(buf)) {
        json_object_put(s);
        if (integer && d == (double)(long long)d)
            s = json_object_new_int64((long long)d);
        else
            s = json_object_new_double(d);
    }
    json_object_object_add(obj, key, s);
}

/* A date field: YYYY-MM-DD when it reads as a date, else the text. */
static void pp_put_date(struct json_object *obj, const char *key, const char *v)
{
    char iso[11];
    if (pp_date_iso(v, iso))
        json_object_object_add(obj, key, json_object_new_string(iso));
    else
        pp_put_text(obj, key, v);
}

/* Every non-empty value of a repeated field (checkboxes) as an array; nothing when there is none. */
static void pp_put_list(struct json_object *obj, const char *key, const struct pp_form *form, const char *name)
{
    struct json_object *arr = json_object_new_array();
    for (size_t i = 0; i < form->n; i++) {
        struct json_object *s;
        if (strcmp(form->fields[i].name, name) != 0 || (s = pp_clean(form->fields[i].value)) == NULL)
            continue;
        if (pp_has(arr, json_object_get_string(s)))
            json_object_put(s);
        else
            json_object_array_add(arr, s);
    }
    if (pp_len(arr) > 0)
        json_object_object_add(obj, key, arr);
    else
        json_object_put(arr);
}

/* The lines (or comma-separated parts) of a textarea as an array of strings; dates when dates. */
static void pp_put_lines(struct json_object *obj, const char *key, const char *v, bool dates)
{
    struct json_object *arr = json_object_new_array();
    const char *p = v ? v : "";
    const char *seps = dates ? "\r\n,; " : "\r\n";

    while (*p) {
        size_t n = strcspn(p, seps);
        if (n > 0 && n < 512) {
            char part[512], iso[11];
            struct json_object *s;
            memcpy(part, p, n);
            part[n] = '\0';
            if (dates && pp_date_iso(part, iso))
                s = json_object_new_string(iso);
            else
                s = pp_clean(part);
            if (s)
                json_object_array_add(arr, s);
        }
        p += n;
        if (*p)
            p++;
    }
    if (pp_len(arr) > 0)
        json_object_object_add(obj, key, arr);
    else
        json_object_put(arr);
}

/* The sub-object prefix.{names} when any of them is filled in; nothing otherwise. */
static void pp_put_group(struct json_object *obj, const char *key, const struct pp_form *form, const char *const *names)
{
    struct json_object *g = json_object_new_object();
    char name[64];
    for (size_t i = 0; names[i]; i++) {
        snprintf(name, sizeof(name), "%s.%s", key, names[i]);
        pp_put_text(g, names[i], pp_form_get(form, name));
    }
    if (json_object_object_length(g) > 0)
        json_object_object_add(obj, key, g);
    else
        json_object_put(g);
}

static bool pp_checked(const struct pp_form *form, const char *name)
{
    const char *v = pp_form_get(form, name);
    return v && *v;
}

static int pp_day_index(const char *code)
{
    for (int d = 0; code && d < 7; d++)
        if (strcmp(code, pp_api_days[d]) == 0)
            return d;
    return -1;
}

/* The schedule fields of the form in words. */
static void pp_form_schedule(const struct pp_form *form, struct pp_schedule *s)
{
    const char *repeat = pp_form_get(form, "schedule.repeat");
    const char *v;
    char iso[11];

    memset(s, 0, sizeof(*s));
    s->interval = 1;
    s->month_ordinal = 1;
    if (repeat && strcmp(repeat, "weekly") == 0) {
        s->repeat = PP_WEEKLY;
        v = pp_form_get(form, "schedule.interval");
        s->interval = v ? atoi(v) : 1;
        if (s->interval < 1 || s->interval > 4)
            s->interval = 1;
        for (size_t i = 0; i < form->n; i++)
            if (strcmp(form->fields[i].name, "schedule.days") == 0 && pp_day_index(form->fields[i].value) >= 0)
                s->days |= 1u << pp_day_index(form->fields[i].value);
    } else if (repeat && strcmp(repeat, "monthly") == 0) {
        s->repeat = PP_MONTHLY;
        v = pp_form_get(form, "schedule.month_ordinal");
        s->month_ordinal = v ? atoi(v) : 1;
        if (s->month_ordinal != -1 && (s->month_ordinal < 1 || s->month_ordinal > 4))
            s->month_ordinal = 1;
        s->month_weekday = pp_day_index(pp_form_get(form, "schedule.month_day"));
        if (s->month_weekday < 0)
            s->month_weekday = 0;
    } else if (repeat && strcmp(repeat, "custom") == 0 && (v = pp_form_get(form, "schedule.custom")) && *v) {
        s->repeat = PP_CUSTOM;
        snprintf(s->custom, sizeof(s->custom), "%s", v);
    }
    if (s->repeat != PP_ONCE && s->repeat != PP_CUSTOM && pp_date_iso(pp_form_get(form, "schedule.until"), iso))
        memcpy(s->until, iso, sizeof(iso));
}

/* "YYYY-MM-DD" + "HH:MM" as the API's local time; the date alone (so the API names it) when the time is missing. */
static void pp_put_local(struct json_object *obj, const char *key, const char *date, const char *time)
{
    char iso[11], buf[64];
    struct json_object *t = pp_clean(time);
    if (!pp_date_iso(date, iso)) {
        pp_put_text(obj, key, date);
        json_object_put(t);
        return;
    }
    snprintf(buf, sizeof(buf), "%sT%s", iso, t ? json_object_get_string(t) : "");
    json_object_object_add(obj, key, json_object_new_string(buf));
    json_object_put(t);
}

static void pp_form_activity(struct json_object *e, const struct pp_form *form)
{
    static const char *const address[] = { "street", "house_number", "postcode", "city", NULL };
    struct json_object *sched = json_object_new_object();
    struct pp_schedule s;
    char rule[RRULE_TEXT_MAX + 1], iso[11];
    const char *date = pp_form_get(form, "schedule.date");
    int wd = -1;

    pp_put_text(e, "place_id", pp_form_get(form, "place_id"));
    pp_put_group(e, "address", form, address);
    if (pp_checked(form, "online"))
        json_object_object_add(e, "online", json_object_new_boolean(1));

    if (date && *date)
        pp_put_local(sched, "start", date, pp_form_get(form, "schedule.from"));
    if (date && *date)
        pp_put_local(sched, "end", date, pp_form_get(form, "schedule.to"));
    pp_form_schedule(form, &s);
    if (pp_date_iso(date, iso)) {
        struct rrule_date d = { .year = atoi(iso), .month = atoi(iso + 5), .day = atoi(iso + 8) };
        wd = (int)rrule_weekday_of(d);
    }
    if (pp_schedule_to_rrule(&s, wd, rule, sizeof(rule)) > 0) {
        json_object_object_add(sched, "rrule", json_object_new_string(rule));
        pp_put_lines(sched, "exdates", pp_form_get(form, "schedule.exdates"), true);
        pp_put_list(sched, "exception_sets", form, "schedule.exception_sets");
    }
    if (json_object_object_length(sched) > 0)
        json_object_object_add(e, "schedule", sched);
    else
        json_object_put(sched);

    pp_put_text(e, "registration", pp_form_get(form, "registration"));
    pp_put_number(e, "capacity", pp_form_get(form, "capacity"), true);
    pp_put_number(e, "places_left", pp_form_get(form, "places_left"), true);
}

/* Members names[] of obj that the form left empty become null: in a merge patch, that removes them. */
static void pp_nulls(struct json_object *obj, const char *const *names)
{
    for (size_t i = 0; names[i]; i++)
        if (!json_object_object_get_ex(obj, names[i], NULL))
            json_object_object_add(obj, names[i], NULL);
}

/* The sub-object key of e for a merge patch: the object itself (its empty members null), or null. */
static void pp_patch_group(struct json_object *e, const char *key, const char *const *names)
{
    struct json_object *g = pp_get(e, key);
    if (g)
        pp_nulls(g, names);
    else
        json_object_object_add(e, key, NULL);
}

/*
 * A PATCH (RFC 7396) that says everything the form shows: what was left
 * empty is null, so it is removed; members the form does not show (images,
 * languages, location) stay as they are.
 */
static void pp_patchify(enum sk_kind kind, struct json_object *e, const struct pp_form *form)
{
    static const char *const common[] = { "title",     "summary",   "description", "municipality", "areas", "themes",
                                          "audiences", "campaigns", NULL };
    static const char *const address[] = { "street", "house_number", "postcode", "city", NULL };
    static const char *const cost[] = { "free", "amount_eur", "discount_pass", "description", NULL };
    static const char *const contact[] = { "phone", "email", "website", NULL };
    static const char *const en[] = { "title", "summary", "description", NULL };
    static const char *const place[] = { "opening_hours", "place_type", "drop_in", NULL };
    static const char *const activity[] = { "place_id", "online", "registration", "capacity", "places_left",
                                            "drop_in",  NULL };
    static const char *const schedule[] = { "start", "end", "rrule", "exdates", "exception_sets", NULL };
    static const char *const vacancy[] = { "hours_per_week", "commitment", "min_age", "skills",
                                           "valid_until",    "place_id",   NULL };
    static const char *const carer[] = { "support_kind", "for_whom", "place_id", "drop_in", NULL };
    static const char *const service[] = {
        "referral_required", "indication_required", "channels", "opening_hours", "place_id", "drop_in", NULL
    };
    struct json_object *tr = pp_get(e, "translations"), *acc = pp_get(e, "accessibility");

    pp_nulls(e, common);
    if (tr == NULL) {
        tr = json_object_new_object();
        json_object_object_add(e, "translations", tr);
    }
    if (pp_get(tr, "en"))
        pp_nulls(pp_get(tr, "en"), en);
    else
        json_object_object_add(tr, "en", NULL);
    if (acc == NULL) {
        acc = json_object_new_object();
        json_object_object_add(e, "accessibility", acc);
    }
    for (size_t i = 0; i < form->n; i++)
        if (strncmp(form->fields[i].name, "accessibility.", 14) == 0 && form->fields[i].name[14] &&
            !json_object_object_get_ex(acc, form->fields[i].name + 14, NULL))
            json_object_object_add(acc, form->fields[i].name + 14, NULL);
    pp_patch_group(e, "cost", cost);
    pp_patch_group(e, "contact", contact);
    switch (kind) {
    case SK_KIND_PLACE:
        pp_patch_group(e, "address", address);
        pp_nulls(e, place);
        break;
    case SK_KIND_ACTIVITY:
        pp_patch_group(e, "address", address);
        pp_nulls(e, activity);
        pp_patch_group(e, "schedule", schedule);
        break;
    case SK_KIND_VACANCY: pp_nulls(e, vacancy); break;
    case SK_KIND_CARER_SUPPORT: pp_nulls(e, carer); break;
    case SK_KIND_SERVICE: pp_nulls(e, service); break;
    default: break;
    }
}

/* The week's opening hours of the form (opening_hours.mo.opens ...) as "opening_hours", when any. */
static void pp_put_hours(struct json_object *e, const struct pp_form *form)
{
    struct json_object *hours = json_object_new_array();
    for (int d = 0; d < 7; d++) {
        char on[40], cn[40];
        const char *opens, *closes;
        snprintf(on, sizeof(on), "opening_hours.%s.opens", pp_api_days[d]);
        snprintf(cn, sizeof(cn), "opening_hours.%s.closes", pp_api_days[d]);
        opens = pp_form_get(form, on);
        closes = pp_form_get(form, cn);
        if ((opens && *opens) || (closes && *closes)) {
            struct json_object *h = json_object_new_object();
            json_object_object_add(h, "day", json_object_new_string(pp_api_days[d]));
            json_object_object_add(h, "opens", json_object_new_string(opens ? opens : ""));
            json_object_object_add(h, "closes", json_object_new_string(closes ? closes : ""));
            json_object_array_add(hours, h);
        }
    }
    if (pp_len(hours) > 0)
        json_object_object_add(e, "opening_hours", hours);
    else
        json_object_put(hours);
}

struct json_object *pp_form_to_entry(enum sk_kind kind, const struct pp_form *form, bool patch)
{
    static const char *const contact[] = { "phone", "email", "website", NULL };
    static const char *const address[] = { "street", "house_number", "postcode", "city", NULL };
    struct json_object *e = json_object_new_object(), *tr, *acc, *cost;

    if (e == NULL)
        return NULL;
    pp_put_text(e, "title", pp_form_get(form, "title"));
    pp_put_text(e, "summary", pp_form_get(form, "summary"));
    pp_put_text(e, "description", pp_form_get(form, "description"));
    pp_put_text(e, "municipality", pp_form_get(form, "municipality"));

    tr = json_object_new_object();
    {
        struct json_object *en = json_object_new_object();
        pp_put_text(en, "title", pp_form_get(form, "translations.en.title"));
        pp_put_text(en, "summary", pp_form_get(form, "translations.en.summary"));
        pp_put_text(en, "description", pp_form_get(form, "translations.en.description"));
        if (json_object_object_length(en) > 0)
            json_object_object_add(tr, "en", en);
        else
            json_object_put(en);
    }
    if (json_object_object_length(tr) > 0)
        json_object_object_add(e, "translations", tr);
    else
        json_object_put(tr);

    pp_put_list(e, "areas", form, "areas");
    pp_put_list(e, "themes", form, "themes");
    pp_put_list(e, "audiences", form, "audiences");
    pp_put_list(e, "campaigns", form, "campaigns");

    acc = json_object_new_object();
    for (size_t i = 0; i < form->n; i++)
        if (strncmp(form->fields[i].name, "accessibility.", 14) == 0 && form->fields[i].name[14])
            pp_put_text(acc, form->fields[i].name + 14, form->fields[i].value);
    if (json_object_object_length(acc) > 0)
        json_object_object_add(e, "accessibility", acc);
    else
        json_object_put(acc);

    cost = json_object_new_object();
    pp_put_number(cost, "amount_eur", pp_form_get(form, "cost.amount_eur"), false);
    pp_put_text(cost, "description", pp_form_get(form, "cost.description"));
    if (pp_checked(form, "cost.free"))
        json_object_object_add(cost, "free", json_object_new_boolean(1));
    if (pp_checked(form, "cost.discount_pass"))
        json_object_object_add(cost, "discount_pass", json_object_new_boolean(1));
    if (json_object_object_length(cost) > 0) {
        if (!pp_get(cost, "free"))
            json_object_object_add(cost, "free", json_object_new_boolean(0));
        json_object_object_add(e, "cost", cost);
    } else
        json_object_put(cost);
    pp_put_group(e, "contact", form, contact);

    switch (kind) {
    case SK_KIND_PLACE:
        pp_put_group(e, "address", form, address);
        pp_put_hours(e, form);
        pp_put_text(e, "place_type", pp_form_get(form, "place_type")); /* issue 16 */
        break;
    case SK_KIND_ACTIVITY: pp_form_activity(e, form); break;
    case SK_KIND_VACANCY:
        pp_put_number(e, "hours_per_week", pp_form_get(form, "hours_per_week"), false);
        pp_put_text(e, "commitment", pp_form_get(form, "commitment"));
        pp_put_number(e, "min_age", pp_form_get(form, "min_age"), true);
        pp_put_lines(e, "skills", pp_form_get(form, "skills"), false);
        pp_put_date(e, "valid_until", pp_form_get(form, "valid_until"));
        pp_put_text(e, "place_id", pp_form_get(form, "place_id"));
        break;
    case SK_KIND_CARER_SUPPORT:
        pp_put_text(e, "support_kind", pp_form_get(form, "support_kind"));
        pp_put_list(e, "for_whom", form, "for_whom");
        pp_put_text(e, "place_id", pp_form_get(form, "place_id"));
        break;
    case SK_KIND_SERVICE: /* issue 16 */
        json_object_object_add(e, "referral_required", json_object_new_boolean(pp_checked(form, "referral_required")));
        json_object_object_add(e, "indication_required",
                               json_object_new_boolean(pp_checked(form, "indication_required")));
        pp_put_list(e, "channels", form, "channels");
        pp_put_hours(e, form);
        pp_put_text(e, "place_id", pp_form_get(form, "place_id"));
        break;
    default: break;
    }
    if (kind != SK_KIND_VACANCY && pp_checked(form, "drop_in")) /* issue 16: inloop, zonder aanmelden */
        json_object_object_add(e, "drop_in", json_object_new_boolean(1));
    if (patch)
        pp_patchify(kind, e, form);
    return e;
}


/* ------------------------------------------------------------------ */
/* Errors of the API -> form controls, in Dutch                        */

const char *pp_error_control(enum sk_kind kind, const char *field)
{
    static const struct {
        const char *field;
        const char *control;
    } map[] = {
        { "schedule.start", "schedule.date" },
        { "schedule.end", "schedule.to" },
        { "schedule.rrule", "schedule.repeat" },
        { "schedule", "schedule.date" },
        { "address", "address.street" },
        { "cost", "cost.amount_eur" },
        { "cost.free", "cost.amount_eur" },
        { "contact", "contact.phone" },
        { "translations", "translations.en.title" },
        { "location", "address.street" },
        { "online", "place_id" },
    };
    static char base[96];
    size_t n;

    if (field == NULL || field[0] == '\0')
        return NULL;
    n = strcspn(field, "[");
    if (n >= sizeof(base))
        return NULL;
    memcpy(base, field, n);
    base[n] = '\0';
    if (strncmp(base, "location.", 9) == 0)
        base[8] = '\0';
    for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
        if (strcmp(base, map[i].field) == 0)
            return map[i].control;
    if (kind == SK_KIND_ACTIVITY && strcmp(base, "address") == 0)
        return "address.street";
    if (strcmp(base, "opening_hours") == 0 || strncmp(base, "schedule.", 9) == 0 || strncmp(base, "address.", 8) == 0 ||
        strncmp(base, "cost.", 5) == 0 || strncmp(base, "contact.", 8) == 0 ||
        strncmp(base, "accessibility.", 14) == 0 || strncmp(base, "translations.en.", 16) == 0)
        return base;
    {
        static const char *const plain[] = { "title",
                                             "summary",
                                             "description",
                                             "municipality",
                                             "areas",
                                             "themes",
                                             "audiences",
                                             "place_id",
                                             "registration",
                                             "capacity",
                                             "places_left",
                                             "hours_per_week",
                                             "commitment",
                                             "min_age",
                                             "skills",
                                             "valid_until",
                                             "support_kind",
                                             "for_whom",
                                             "campaigns",
                                             "place_type",
                                             "drop_in",
                                             "channels",
                                             "referral_required",
                                             "indication_required",
                                             NULL };
        for (size_t i = 0; plain[i]; i++)
            if (strcmp(base, plain[i]) == 0)
                return plain[i];
    }
    return NULL;
}

const char *pp_error_dutch(const char *m)
{
    static const struct {
        const char *prefix;
        const char *dutch;
    } words[] = {
        { "is required", "Vul dit in." },
        { "must not be empty", "Vul dit in." },
        { "must be a Dutch postcode", "Vul een postcode in zoals 4201 AB." },
        { "must be a house number", "Vul een huisnummer in, zoals 12 of 12a." },
        { "must be a phone number", "Vul een telefoonnummer in, zoals 0183 123 456." },
        { "must be an e-mail address", "Vul een e-mailadres in, zoals info@voorbeeld.nl." },
        { "must be an absolute http", "Vul een webadres in dat begint met https://." },
        { "must be a real date", "Vul een echte datum in, zoals 24-12-2026." },
        { "must be a real local date and time", "Vul een datum en een begintijd in." },
        { "does not exist in Dutch time", "Die tijd bestaat niet: die nacht gaat de klok van 2 naar 3 uur." },
        { "must be a time like", "Vul een tijd in, zoals 09:30." },
        { "must be a whole number", "Vul een heel getal in." },
        { "must be a number", "Vul een getal in." },
        { "must be an amount in euros", "Vul een bedrag in euro in, zoals 2,50." },
        { "must have at most 2 decimals", "Vul een bedrag in hele centen in, zoals 2,50." },
        { "must be at most", "Dit is te lang. Maak het korter." },
        { "must be a single line", "Gebruik hier maar één regel." },
        { "must be after start", "De eindtijd moet na de begintijd liggen." },
        { "must be within 24 hours", "De activiteit mag niet langer dan een dag duren. Kies een herhaling." },
        { "UNTIL lies before start", "De einddatum van de herhaling ligt voor de eerste keer." },
        { "does not select the start date",
          "De datum past niet bij de herhaling. Kies een datum op een van de gekozen dagen." },
        { "an activity needs one of place_id", "Kies een plek, vul een adres in, of kies 'online'." },
        { "only one of place_id", "Kies één: een plek, een adres, of online." },
        { "needs capacity", "Vul eerst het aantal plaatsen in." },
        { "must not be more than capacity", "Er kunnen niet meer plaatsen vrij zijn dan er zijn." },
        { "must be 0 or left out when free", "Bij gratis hoort geen bedrag." },
        { "must have \"free\": true or an amount_eur", "Kies 'gratis' of vul een bedrag in." },
        { "is not a known", "Deze keuze bestaat niet (meer)." },
        { "has been retired", "Deze keuze kan niet meer." },
        { "is not an area of municipality", "Dit gebied hoort niet bij de gekozen gemeente." },
        { "is not a municipality", "Kies een gemeente uit de lijst." },
        { "is not the id of an existing place", "Kies een plek uit de lijst." },
        { "repeats item", "Deze staat er twee keer in." },
        { "must be one of", "Kies een van de mogelijkheden." },
        { "only make sense with an rrule", "Dit kan alleen bij een activiteit die vaker is." },
        { "is a campaign of municipality", "Deze campagne is van een andere gemeente." },
        { "cannot be true when registration is required", "Inloop kan niet als mensen zich moeten aanmelden." },
        { "ended on", "Deze campagne is voorbij. Kies een andere." },
    };
    for (size_t i = 0; m && i < sizeof(words) / sizeof(words[0]); i++)
        if (strncmp(m, words[i].prefix, strlen(words[i].prefix)) == 0)
            return words[i].dutch;
    return "Dit klopt nog niet. Kijk het na.";
}

/* ------------------------------------------------------------------ */
/* Kinds                                                               */

static const struct {
    enum sk_kind kind;
    const char *slug;
    const char *one; /* "een activiteit" */
} pp_kinds[] = {
    { SK_KIND_PLACE, "plek", "een plek" },
    { SK_KIND_ACTIVITY, "activiteit", "een activiteit" },
    { SK_KIND_VACANCY, "vrijwilligerswerk", "vrijwilligerswerk" },
    { SK_KIND_CARER_SUPPORT, "mantelzorg", "steun voor mantelzorgers" },
    { SK_KIND_SERVICE, "hulp", "hulp of advies" },
};

bool pp_kind_from_slug(const char *slug, enum sk_kind *kind)
{
    for (size_t i = 0; slug && i < sizeof(pp_kinds) / sizeof(pp_kinds[0]); i++)
        if (strcmp(slug, pp_kinds[i].slug) == 0) {
            *kind = pp_kinds[i].kind;
            return true;
        }
    return false;
}

const char *pp_kind_slug(enum sk_kind kind)
{
    for (size_t i = 0; i < sizeof(pp_kinds) / sizeof(pp_kinds[0]); i++)
        if (pp_kinds[i].kind == kind)
            return pp_kinds[i].slug;
    return "plek";
}

static const char *pp_kind_one(enum sk_kind kind)
{
    for (size_t i = 0; i < sizeof(pp_kinds) / sizeof(pp_kinds[0]); i++)
        if (pp_kinds[i].kind == kind)
            return pp_kinds[i].one;
    return "aanbod";
}

/* ------------------------------------------------------------------ */
/* Page frame                                                          */

static void pp_start(struct html_buf *b, const char *title, const char *csrf)
{
    html_raw(b, "<!doctype html>\n<html lang=\"nl\">\n<head>\n<meta charset=\"utf-8\">\n"
                "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                "<meta name=\"robots\" content=\"noindex\">\n<title>");
    html_text(b, title);
    html_raw(b, " – Sociale kaart voor partners</title>\n"
                "<link rel=\"icon\" href=\"/static/favicon.svg\" type=\"image/svg+xml\">\n"
                "<link rel=\"stylesheet\" href=\"/static/site.css\">\n"
                "<link rel=\"stylesheet\" href=\"/static/partner.css\">\n</head>\n<body class=\"partner\">\n"
                "<a class=\"skip-link\" href=\"#inhoud\">Ga direct naar de inhoud</a>\n"
                "<header class=\"site-header\">\n<div class=\"wrap\">\n"
                "<a class=\"brand\" href=\"/partner\"><img src=\"/static/favicon.svg\" alt=\"\" width=\"32\" "
                "height=\"32\"><span>Sociale kaart</span></a>\n<p class=\"tagline\">Voor partners</p>\n");
    if (csrf && *csrf) {
        html_raw(b, "<nav class=\"partner-nav\" aria-label=\"Partnermenu\"><ul>"
                    "<li><a href=\"/partner\">Mijn aanbod</a></li>"
                    "<li><a href=\"/partner/sleutels\">Sleutels</a></li>"
                    "<li><form method=\"post\" action=\"/partner/uitloggen\">"
                    "<input type=\"hidden\" name=\"csrf\" value=\"");
        html_text(b, csrf);
        html_raw(b, "\"><button type=\"submit\" class=\"linkbutton\">Uitloggen</button></form></li></ul></nav>\n");
    }
    html_raw(b, "</div>\n</header>\n<main id=\"inhoud\" tabindex=\"-1\">\n<div class=\"wrap\">\n");
}

static void pp_end(struct html_buf *b)
{
    html_raw(b, "</div>\n</main>\n<footer class=\"site-footer\">\n<div class=\"wrap\">\n"
                "<p>Vragen over deze pagina's? Neem contact op met de gemeente.</p>\n"
                "<p><a href=\"/\">Naar de sociale kaart voor inwoners</a></p>\n"
                "</div>\n</footer>\n</body>\n</html>\n");
}

static void pp_csrf(struct html_buf *b, const char *csrf)
{
    html_raw(b, "<input type=\"hidden\" name=\"csrf\" value=\"");
    html_text(b, csrf);
    html_raw(b, "\">");
}

static void pp_notice(struct html_buf *b, const char *text, bool problem)
{
    if (text == NULL || *text == '\0')
        return;
    html_raw(b, problem ? "<div class=\"notice\" role=\"alert\"><p>" : "<div class=\"done\" role=\"status\"><p>");
    html_text(b, text);
    html_raw(b, "</p></div>\n");
}

/* "1 december 2026" from an ISO date or timestamp; the text as is when it is none. */
static void pp_date(struct html_buf *b, const char *iso)
{
    int y, m, d;
    if (iso && sscanf(iso, "%4d-%2d-%2d", &y, &m, &d) == 3 && m >= 1 && m <= 12) {
        html_printf(b, "%d %s %d", d, pp_month[m - 1], y);
        return;
    }
    html_text(b, iso);
}

void pp_page_error(struct html_buf *b, const char *title, const char *text)
{
    pp_start(b, title, NULL);
    html_raw(b, "<h1>");
    html_text(b, title);
    html_raw(b, "</h1>\n<p>");
    html_text(b, text);
    html_raw(b, "</p>\n<p><a href=\"/partner\">Naar uw overzicht</a></p>\n");
    pp_end(b);
}

/* ------------------------------------------------------------------ */
/* Login, invitation, a new key                                        */

void pp_page_login(struct html_buf *b, const char *problem)
{
    pp_start(b, "Inloggen", NULL);
    html_raw(b, "<h1>Inloggen voor partners</h1>\n"
                "<p class=\"intro\">Hier zet uw organisatie haar aanbod op de sociale kaart. "
                "U logt in met de sleutel van uw organisatie.</p>\n");
    pp_notice(b, problem, true);
    html_raw(b, "<form method=\"post\" action=\"/partner/inloggen\" class=\"pform narrow\">\n"
                "<div class=\"field\"><label for=\"f-key\">Uw sleutel</label>"
                "<p class=\"hint\" id=\"f-key-hint\">De sleutel begint met sk_. U kreeg hem toen u de uitnodiging "
                "aannam. Plak hem hier.</p>"
                "<input type=\"password\" id=\"f-key\" name=\"key\" autocomplete=\"current-password\" "
                "spellcheck=\"false\" required aria-describedby=\"f-key-hint\"></div>\n"
                "<p><button type=\"submit\">Inloggen</button></p>\n</form>\n"
                "<p>Geen sleutel? Vraag de gemeente om een uitnodiging.</p>\n");
    pp_end(b);
}

void pp_page_invitation(struct html_buf *b, const char *token, struct json_object *peek, const char *problem)
{
    pp_start(b, "Uitnodiging", NULL);
    html_raw(b, "<h1>Welkom bij de sociale kaart</h1>\n");
    pp_notice(b, problem, true);
    html_raw(b, "<p class=\"intro\">De gemeente nodigt <strong>");
    html_text(b, pp_str(peek, "organisation_name"));
    html_raw(b, "</strong> uit om aanbod op de sociale kaart te zetten.");
    if (pp_str(peek, "expires_at")) {
        html_raw(b, " Deze uitnodiging geldt tot ");
        pp_date(b, pp_str(peek, "expires_at"));
        html_raw(b, ".");
    }
    html_raw(b, "</p>\n<p>U krijgt zo een sleutel. Met die sleutel logt u later weer in.</p>\n"
                "<form method=\"post\" action=\"/partner/uitnodiging/");
    html_url(b, token);
    html_raw(b, "\" class=\"pform narrow\">\n"
                "<div class=\"field\"><label for=\"f-label\">Een naam voor deze sleutel</label>"
                "<p class=\"hint\" id=\"f-label-hint\">Bijvoorbeeld uw naam of \"computer kantoor\". "
                "Zo ziet u later welke sleutel van wie is.</p>"
                "<input type=\"text\" id=\"f-label\" name=\"label\" maxlength=\"100\" "
                "aria-describedby=\"f-label-hint\"></div>\n"
                "<div class=\"field\"><label class=\"choice\"><input type=\"checkbox\" name=\"akkoord\" value=\"ja\" "
                "required> Ik ga akkoord met de voorwaarden: ik zet alleen juist aanbod van mijn organisatie op de "
                "kaart.</label></div>\n"
                "<p><button type=\"submit\">Sleutel maken</button></p>\n</form>\n");
    pp_end(b);
}

void pp_page_new_key(struct html_buf *b, const char *key, const char *org_name, const char *csrf)
{
    pp_start(b, "Uw sleutel", csrf);
    html_raw(b, "<h1>Uw nieuwe sleutel</h1>\n");
    if (org_name) {
        html_raw(b, "<p class=\"intro\">Voor ");
        html_text(b, org_name);
        html_raw(b, ".</p>\n");
    }
    html_raw(b, "<div class=\"keybox\">\n<label for=\"f-newkey\">Sleutel</label>\n"
                "<input type=\"text\" id=\"f-newkey\" readonly spellcheck=\"false\" value=\"");
    html_text(b, key);
    html_raw(b, "\" aria-describedby=\"f-newkey-hint\">\n<p class=\"hint\" id=\"f-newkey-hint\">"
                "<strong>Bewaar deze sleutel op een veilige plek. U ziet hem maar één keer.</strong> "
                "Selecteer de sleutel en kopieer hem, bijvoorbeeld naar een wachtwoordmanager. "
                "Geef hem niet aan anderen.</p>\n</div>\n"
                "<p><a class=\"button\" href=\"/partner\">Verder naar mijn aanbod</a></p>\n");
    pp_end(b);
}

/* ------------------------------------------------------------------ */
/* The overview                                                        */

static const char *pp_reason_words(const char *reason)
{
    static const struct {
        const char *code, *words;
    } reasons[] = {
        { "outdated", "Niet meer actueel" },
        { "wrong_address", "Verkeerd adres" },
        { "no_longer_exists", "Bestaat niet meer" },
        { "inappropriate", "Ongepast" },
        { "other", "Iets anders" },
    };
    for (size_t i = 0; reason && i < sizeof(reasons) / sizeof(reasons[0]); i++)
        if (strcmp(reason, reasons[i].code) == 0)
            return reasons[i].words;
    return reason ? reason : "Melding";
}

/* The moderation state of an entry in words (owner's view of sk_mod_view). */
static void pp_state(struct html_buf *b, struct json_object *e)
{
    const char *status = pp_str(e, "status");
    struct json_object *mod = pp_get(e, "moderation"), *last = pp_get(mod, "last_decision");
    const char *decision = pp_str(last, "decision"), *reason = pp_str(last, "reason");
    bool pending_change = pp_get(e, "pending_revision") != NULL;

    status = status ? status : "";
    if (strcmp(status, "pending") == 0) {
        html_raw(b, "<span class=\"state state-wait\">Wacht op controle</span>");
    } else if (strcmp(status, "published") == 0) {
        html_raw(b, "<span class=\"state state-ok\">Gepubliceerd</span>");
        if (pending_change)
            html_raw(b, " <span class=\"state state-wait\">Uw wijziging wacht op controle</span>");
        else if (decision && strcmp(decision, "rejected") == 0) {
            html_raw(b, " <span class=\"state state-no\">Uw laatste wijziging is afgewezen");
            if (reason) {
                html_raw(b, ": ");
                html_text(b, reason);
            }
            html_raw(b, "</span>");
        }
    } else if (strcmp(status, "rejected") == 0) {
        html_raw(b, "<span class=\"state state-no\">Afgewezen");
        if (reason) {
            html_raw(b, ": ");
            html_text(b, reason);
        }
        html_raw(b, "</span>");
        if (pending_change)
            html_raw(b, " <span class=\"state state-wait\">Uw nieuwe versie wacht op controle</span>");
    } else if (strcmp(status, "hidden") == 0) {
        const char *why = pp_str(mod, "hidden_reason");
        html_raw(b, "<span class=\"state state-no\">Verborgen");
        if (why && strcmp(why, "stale") == 0)
            html_raw(b, ": het is lang niet bevestigd. Klik op \u201cNog actueel\u201d als het nog klopt");
        else if (why) {
            html_raw(b, ": ");
            html_text(b, why);
        }
        html_raw(b, "</span>");
    } else {
        html_text(b, status);
    }
}

static void pp_entry_card(struct html_buf *b, struct json_object *e, const char *csrf)
{
    enum sk_kind kind;
    const char *id = pp_str(e, "id"), *status = pp_str(e, "status");
    struct json_object *reports = pp_get(e, "reports");
    bool known = sk_kind_from_name(pp_str(e, "kind"), &kind);

    html_raw(b, "<li class=\"pcard\"><article aria-labelledby=\"t-");
    html_text(b, id);
    html_raw(b, "\">\n<p class=\"kind\">");
    html_text(b, known ? sk_kind_label(kind, false) : pp_str(e, "kind"));
    html_raw(b, "</p>\n<h3 id=\"t-");
    html_text(b, id);
    html_raw(b, "\">");
    html_text(b, pp_str(e, "title"));
    html_raw(b, "</h3>\n<p class=\"states\">");
    pp_state(b, e);
    html_raw(b, "</p>\n<p class=\"checked\">");
    if (pp_str(e, "reviewed_at")) {
        html_raw(b, "Laatst gecontroleerd: ");
        pp_date(b, pp_str(e, "reviewed_at"));
    } else {
        html_raw(b, "Nog niet gecontroleerd.");
    }
    html_raw(b, " Laatst gewijzigd: ");
    pp_date(b, pp_str(e, "updated_at"));
    html_raw(b, ".</p>\n<div class=\"actions\">\n<a href=\"/partner/aanbod/");
    html_url(b, id);
    html_raw(b, "\">Wijzigen<span class=\"visually-hidden\">: ");
    html_text(b, pp_str(e, "title"));
    html_raw(b, "</span></a>\n");
    if (status && strcmp(status, "published") == 0) {
        html_raw(b, "<a href=\"/aanbod/");
        html_url(b, id);
        html_raw(b, "\">Bekijk op de kaart<span class=\"visually-hidden\">: ");
        html_text(b, pp_str(e, "title"));
        html_raw(b, "</span></a>\n");
    }
    if (status && (strcmp(status, "published") == 0 || strcmp(status, "hidden") == 0)) {
        html_raw(b, "<form method=\"post\" action=\"/partner/aanbod/");
        html_url(b, id);
        html_raw(b, "/actueel\">");
        pp_csrf(b, csrf);
        html_raw(b, "<input type=\"hidden\" name=\"kind\" value=\"");
        html_text(b, pp_str(e, "kind"));
        html_raw(b, "\"><button type=\"submit\" class=\"secondary\">Nog actueel<span class=\"visually-hidden\">: ");
        html_text(b, pp_str(e, "title"));
        html_raw(b, "</span></button></form>\n");
    }
    html_raw(b, "</div>\n");
    if (pp_len(reports) > 0) {
        html_raw(b, "<details class=\"reports\"><summary>Meldingen van inwoners (");
        html_printf(b, "%zu", pp_len(reports));
        html_raw(b, ")</summary>\n<ul>\n");
        for (size_t i = 0; i < pp_len(reports); i++) {
            struct json_object *r = json_object_array_get_idx(reports, i);
            const char *rs = pp_str(r, "status");
            html_raw(b, "<li><strong>");
            html_text(b, pp_reason_words(pp_str(r, "reason")));
            html_raw(b, "</strong> (");
            pp_date(b, pp_str(r, "created_at"));
            html_raw(b, rs && strcmp(rs, "resolved") == 0 ? ", afgehandeld" : ", nog open");
            html_raw(b, ")");
            if (pp_str(r, "message")) {
                html_raw(b, ": ");
                html_text(b, pp_str(r, "message"));
            }
            if (pp_str(r, "resolution")) {
                html_raw(b, " <em>Antwoord van de gemeente: ");
                html_text(b, pp_str(r, "resolution"));
                html_raw(b, "</em>");
            }
            html_raw(b, "</li>\n");
        }
        html_raw(b, "</ul></details>\n");
    }
    html_raw(b, "</article></li>\n");
}

static void pp_responses(struct html_buf *b, struct json_object *responses)
{
    struct json_object *items = pp_get(responses, "items");

    html_raw(b, "<section aria-labelledby=\"h-responses\">\n<h2 id=\"h-responses\">Reacties van inwoners</h2>\n");
    if (responses == NULL) {
        html_raw(b, "<p class=\"empty\">De reacties kunnen nu niet worden getoond. Probeer het later opnieuw.</p>\n"
                    "</section>\n");
        return;
    }
    if (pp_len(items) == 0) {
        html_raw(b, "<p class=\"empty\">Er zijn nog geen reacties. Als een inwoner zich aanmeldt of wil helpen, "
                    "ziet u dat hier.</p>\n</section>\n");
        return;
    }
    html_raw(b, "<p>Deze gegevens zijn alleen voor uw organisatie. Ze worden na een tijd vanzelf gewist.</p>\n"
                "<div class=\"table-wrap\" tabindex=\"0\" role=\"region\" aria-label=\"Reacties van inwoners\"><table "
                "class=\"ptable\">\n<caption class=\"visually-hidden\">Reacties"
                "</caption>\n<thead><tr><th scope=\"col\">Aanbod</th><th scope=\"col\">Naam</th>"
                "<th scope=\"col\">Contact</th><th scope=\"col\">Bericht</th><th scope=\"col\">Plaatsen</th>"
                "<th scope=\"col\">Datum</th></tr></thead>\n<tbody>\n");
    for (size_t i = 0; i < pp_len(items); i++) {
        struct json_object *r = json_object_array_get_idx(items, i), *entry = pp_get(r, "entry");
        html_raw(b, "<tr><td>");
        html_text(b, pp_str(entry, "title"));
        html_raw(b, "</td><td>");
        html_text(b, pp_str(r, "name"));
        html_raw(b, "</td><td>");
        html_text(b, pp_str(r, "contact"));
        html_raw(b, "</td><td>");
        html_text(b, pp_str(r, "message"));
        html_raw(b, "</td><td>");
        html_text(b, pp_any(r, "places"));
        html_raw(b, "</td><td>");
        pp_date(b, pp_str(r, "created_at"));
        html_raw(b, "</td></tr>\n");
    }
    html_raw(b, "</tbody></table></div>\n</section>\n");
}

void pp_page_home(struct html_buf *b, struct json_object *home, struct json_object *responses, const char *csrf,
                  const char *notice)
{
    struct json_object *org = pp_get(home, "organisation"), *entries = pp_get(home, "entries");

    pp_start(b, "Mijn aanbod", csrf);
    html_raw(b, "<h1>Mijn aanbod</h1>\n<p class=\"intro\">");
    html_text(b, pp_str(org, "name"));
    html_raw(b, "</p>\n");
    pp_notice(b, notice, false);
    html_raw(b, "<section aria-labelledby=\"h-new\">\n<h2 id=\"h-new\">Nieuw aanbod</h2>\n"
                "<p>Wat wilt u op de kaart zetten? De gemeente controleert het voordat inwoners het zien.</p>\n"
                "<ul class=\"newlinks\">\n");
    for (size_t i = 0; i < sizeof(pp_kinds) / sizeof(pp_kinds[0]); i++) {
        html_raw(b, "<li><a class=\"button\" href=\"/partner/nieuw/");
        html_raw(b, pp_kinds[i].slug);
        html_raw(b, "\">");
        html_text(b, sk_kind_label(pp_kinds[i].kind, false));
        html_raw(b, "</a></li>\n");
    }
    html_raw(b, "</ul>\n</section>\n<section aria-labelledby=\"h-list\">\n<h2 id=\"h-list\">Uw aanbod</h2>\n");
    if (pp_len(entries) == 0) {
        html_raw(b, "<p class=\"empty\">U heeft nog geen aanbod op de kaart. Kies hierboven wat u wilt toevoegen."
                    "</p>\n");
    } else {
        html_raw(b, "<ul class=\"pcards\">\n");
        for (size_t i = 0; i < pp_len(entries); i++)
            pp_entry_card(b, json_object_array_get_idx(entries, i), csrf);
        html_raw(b, "</ul>\n");
    }
    html_raw(b, "</section>\n");
    pp_responses(b, responses);
    pp_end(b);
}

/* ------------------------------------------------------------------ */
/* Keys                                                                */

void pp_page_keys(struct html_buf *b, const char *org_id, struct json_object *keys, const char *csrf,
                  const char *notice)
{
    struct json_object *items = pp_get(keys, "items");

    (void)org_id;
    pp_start(b, "Sleutels", csrf);
    html_raw(b, "<h1>Sleutels</h1>\n<p class=\"intro\">Met een sleutel logt u in, of koppelt u een ander systeem "
                "aan de sociale kaart. Geef iedere persoon of elk systeem een eigen sleutel.</p>\n");
    pp_notice(b, notice, false);
    if (pp_len(items) == 0) {
        html_raw(b, "<p class=\"empty\">Er zijn geen sleutels.</p>\n");
    } else {
        html_raw(b, "<div class=\"table-wrap\" tabindex=\"0\" role=\"region\" aria-label=\"Sleutels\"><table "
                    "class=\"ptable\">\n<caption class=\"visually-hidden\">"
                    "Sleutels van uw organisatie</caption>\n<thead><tr><th scope=\"col\">Naam</th>"
                    "<th scope=\"col\">Gemaakt</th><th scope=\"col\">Status</th><th scope=\"col\">Wat wilt u doen?"
                    "</th></tr></thead>\n<tbody>\n");
        for (size_t i = 0; i < pp_len(items); i++) {
            struct json_object *k = json_object_array_get_idx(items, i);
            const char *id = pp_str(k, "id"), *label = pp_str(k, "label");
            bool revoked = pp_str(k, "revoked_at") != NULL;
            html_raw(b, "<tr><td>");
            html_text(b, label && *label ? label : "(zonder naam)");
            html_raw(b, "</td><td>");
            pp_date(b, pp_str(k, "created_at"));
            html_raw(b, "</td><td>");
            if (revoked) {
                html_raw(b, "Ingetrokken op ");
                pp_date(b, pp_str(k, "revoked_at"));
            } else {
                html_raw(b, "In gebruik");
            }
            html_raw(b, "</td><td>");
            if (!revoked) {
                html_raw(b, "<form method=\"post\" class=\"inline\" action=\"/partner/sleutels/");
                html_url(b, id);
                html_raw(b, "/vervangen\">");
                pp_csrf(b, csrf);
                html_raw(b, "<button type=\"submit\" class=\"secondary\">Vervangen<span class=\"visually-hidden\">: ");
                html_text(b, label);
                html_raw(b, "</span></button></form> <form method=\"post\" class=\"inline\" "
                            "action=\"/partner/sleutels/");
                html_url(b, id);
                html_raw(b, "/intrekken\">");
                pp_csrf(b, csrf);
                html_raw(b, "<button type=\"submit\" class=\"danger\">Intrekken<span class=\"visually-hidden\">: ");
                html_text(b, label);
                html_raw(b, "</span></button></form>");
            }
            html_raw(b, "</td></tr>\n");
        }
        html_raw(b, "</tbody></table></div>\n<p class=\"hint\">Vervangen: u krijgt een nieuwe sleutel en de oude "
                    "werkt niet meer. Intrekken: de sleutel werkt niet meer. Ook wie ermee is ingelogd, is dan "
                    "uitgelogd.</p>\n");
    }
    html_raw(b, "<h2>Nieuwe sleutel maken</h2>\n<form method=\"post\" action=\"/partner/sleutels\" "
                "class=\"pform narrow\">");
    pp_csrf(b, csrf);
    html_raw(b, "<div class=\"field\"><label for=\"f-label\">Naam van de sleutel</label>"
                "<p class=\"hint\" id=\"f-label-hint\">Bijvoorbeeld de naam van een collega of een systeem.</p>"
                "<input type=\"text\" id=\"f-label\" name=\"label\" maxlength=\"100\" "
                "aria-describedby=\"f-label-hint\"></div>\n"
                "<p><button type=\"submit\">Sleutel maken</button></p>\n</form>\n");
    pp_end(b);
}

/* ------------------------------------------------------------------ */
/* The entry form                                                      */

#define PP_ERRS_MAX 64

/* One form's rendering: the buffer, the errors per control. */
struct pp_fctx {
    struct html_buf *b;
    enum sk_kind kind;
    size_t nerr;
    struct {
        char control[96];
        const char *dutch; /* static */
        const char *field; /* borrowed from the errors array */
    } err[PP_ERRS_MAX];
};

/* "schedule.date" -> "f-schedule-date" */
static void pp_id(struct html_buf *b, const char *name)
{
    html_raw(b, "f-");
    for (const char *p = name; *p; p++) {
        char c = (*p == '.' || *p == '_') ? '-' : *p;
        html_rawn(b, &c, 1);
    }
}

static const char *pp_err_of(const struct pp_fctx *c, const char *control)
{
    for (size_t i = 0; i < c->nerr; i++)
        if (strcmp(c->err[i].control, control) == 0)
            return c->err[i].dutch;
    return NULL;
}

/* The hint and error paragraphs of a control, and its aria-describedby attribute text into the buffer. */
static void pp_hint_err(struct pp_fctx *c, const char *name, const char *hint)
{
    const char *err = pp_err_of(c, name);
    if (hint) {
        html_raw(c->b, "<p class=\"hint\" id=\"");
        pp_id(c->b, name);
        html_raw(c->b, "-hint\">");
        html_text(c->b, hint);
        html_raw(c->b, "</p>");
    }
    if (err) {
        html_raw(c->b, "<p class=\"field-error\" id=\"");
        pp_id(c->b, name);
        html_raw(c->b, "-err\"><span class=\"visually-hidden\">Fout: </span>");
        html_text(c->b, err);
        html_raw(c->b, "</p>");
    }
}

static void pp_described(struct pp_fctx *c, const char *name, const char *hint)
{
    bool err = pp_err_of(c, name) != NULL;
    if (!hint && !err)
        return;
    html_raw(c->b, " aria-describedby=\"");
    if (hint) {
        pp_id(c->b, name);
        html_raw(c->b, "-hint");
    }
    if (err) {
        html_raw(c->b, hint ? " " : "");
        pp_id(c->b, name);
        html_raw(c->b, "-err");
    }
    html_raw(c->b, "\"");
    if (err)
        html_raw(c->b, " aria-invalid=\"true\"");
}

/*
 * The start every control shares: the field, its label, hint and error, then
 * "<tag id=\"...\" name=\"...\"" — the caller adds its own attributes,
 * pp_described and the rest.
 */
static void pp_control_open(struct pp_fctx *c, const char *tag, const char *name, const char *label, const char *hint)
{
    html_raw(c->b, pp_err_of(c, name) ? "<div class=\"field has-error\"><label for=\""
                                      : "<div class=\"field\"><label for=\"");
    pp_id(c->b, name);
    html_raw(c->b, "\">");
    html_text(c->b, label);
    html_raw(c->b, "</label>");
    pp_hint_err(c, name, hint);
    html_raw(c->b, "<");
    html_raw(c->b, tag);
    html_raw(c->b, " id=\"");
    pp_id(c->b, name);
    html_raw(c->b, "\" name=\"");
    html_text(c->b, name);
    html_raw(c->b, "\"");
}

/* attrs: literal extra attributes (type, autocomplete, inputmode ...). */
static void pp_input(struct pp_fctx *c, const char *name, const char *label, const char *hint, const char *attrs,
                     const char *value)
{
    pp_control_open(c, "input", name, label, hint);
    html_raw(c->b, " ");
    html_raw(c->b, attrs ? attrs : "type=\"text\"");
    html_raw(c->b, " value=\"");
    html_text(c->b, value);
    html_raw(c->b, "\"");
    pp_described(c, name, hint);
    html_raw(c->b, "></div>\n");
}

static void pp_textarea(struct pp_fctx *c, const char *name, const char *label, const char *hint, int rows,
                        const char *value)
{
    pp_control_open(c, "textarea", name, label, hint);
    html_printf(c->b, " rows=\"%d\"", rows);
    pp_described(c, name, hint);
    html_raw(c->b, ">");
    html_text(c->b, value);
    html_raw(c->b, "</textarea></div>\n");
}

/* The field's label, hint and error, then the opening <select> tag. */
static void pp_select_open(struct pp_fctx *c, const char *name, const char *label, const char *hint)
{
    pp_control_open(c, "select", name, label, hint);
    pp_described(c, name, hint);
    html_raw(c->b, ">");
}

/* One <option>, selected when its value is selected (both may be NULL). */
static void pp_option(struct pp_fctx *c, const char *value, const char *label, const char *selected)
{
    html_raw(c->b, "<option value=\"");
    html_text(c->b, value);
    html_raw(c->b, "\"");
    if (selected && value && strcmp(selected, value) == 0)
        html_raw(c->b, " selected");
    html_raw(c->b, ">");
    html_text(c->b, label);
    html_raw(c->b, "</option>");
}

/* A choice of options (value, label pairs, NULL-terminated) as a select. */
static void pp_select(struct pp_fctx *c, const char *name, const char *label, const char *hint,
                      const char *const *options, const char *selected)
{
    pp_select_open(c, name, label, hint);
    for (size_t i = 0; options[i] && options[i + 1]; i += 2)
        pp_option(c, options[i], options[i + 1], selected);
    html_raw(c->b, "</select></div>\n");
}

/* A select whose options are a JSON array of {value_key, label_key}; first an empty choice. */
static void pp_select_json(struct pp_fctx *c, const char *name, const char *label, const char *hint, const char *empty,
                           struct json_object *items, const char *vkey, const char *lkey, const char *selected)
{
    pp_select_open(c, name, label, hint);
    if (empty)
        pp_option(c, "", empty, NULL);
    for (size_t i = 0; i < pp_len(items); i++) {
        struct json_object *it = json_object_array_get_idx(items, i);
        pp_option(c, pp_str(it, vkey), pp_str(it, lkey), selected);
    }
    html_raw(c->b, "</select></div>\n");
}

static void pp_fieldset_start(struct pp_fctx *c, const char *name, const char *legend, const char *hint)
{
    html_raw(c->b, pp_err_of(c, name) ? "<fieldset class=\"field group has-error\" id=\""
                                      : "<fieldset class=\"field group\" id=\"");
    pp_id(c->b, name);
    html_raw(c->b, "\"");
    pp_described(c, name, hint);
    html_raw(c->b, "><legend>");
    html_text(c->b, legend);
    html_raw(c->b, "</legend>");
    pp_hint_err(c, name, hint);
}

/* One checkbox or radio; checked when it is. */
static void pp_choice(struct pp_fctx *c, const char *type, const char *name, const char *value, const char *label,
                      bool checked)
{
    html_raw(c->b, "<label class=\"choice\"><input type=\"");
    html_raw(c->b, type);
    html_raw(c->b, "\" name=\"");
    html_text(c->b, name);
    html_raw(c->b, "\" value=\"");
    html_text(c->b, value);
    html_raw(c->b, checked ? "\" checked> " : "\"> ");
    html_text(c->b, label);
    html_raw(c->b, "</label>\n");
}

/* Checkboxes for a vocabulary ({code,label}); the entry's values in selected. */
static void pp_checks(struct pp_fctx *c, const char *name, const char *legend, const char *hint,
                      struct json_object *items, struct json_object *selected)
{
    pp_fieldset_start(c, name, legend, hint);
    html_raw(c->b, "<div class=\"checks\">");
    for (size_t i = 0; i < pp_len(items); i++) {
        struct json_object *it = json_object_array_get_idx(items, i);
        const char *code = pp_str(it, "code");
        if (code)
            pp_choice(c, "checkbox", name, code, pp_str(it, "label") ? pp_str(it, "label") : code,
                      pp_has(selected, code));
    }
    html_raw(c->b, "</div></fieldset>\n");
}

static void pp_fctx_errors(struct pp_fctx *c, struct json_object *errors)
{
    for (size_t i = 0; i < pp_len(errors) && c->nerr < PP_ERRS_MAX; i++) {
        struct json_object *e = json_object_array_get_idx(errors, i);
        const char *field = pp_str(e, "field"), *control = pp_error_control(c->kind, field);
        if (control == NULL)
            control = "";
        if (*control && pp_err_of(c, control))
            continue; /* one message per control is enough */
        snprintf(c->err[c->nerr].control, sizeof(c->err[0].control), "%s", control);
        c->err[c->nerr].dutch = pp_error_dutch(pp_str(e, "message"));
        c->err[c->nerr].field = field;
        c->nerr++;
    }
}

/* The label the summary uses for a control. */
static const char *pp_control_label(const char *control)
{
    static const struct {
        const char *control, *label;
    } labels[] = {
        { "title", "Titel" },
        { "summary", "Korte omschrijving" },
        { "description", "Uitgebreide omschrijving" },
        { "municipality", "Gemeente" },
        { "areas", "Wijk of kern" },
        { "themes", "Onderwerpen" },
        { "audiences", "Voor wie" },
        { "campaigns", "Campagne" },
        { "place_type", "Wat voor plek" },
        { "drop_in", "Inloop" },
        { "place_id", "Waar" },
        { "address.street", "Straat" },
        { "address.house_number", "Huisnummer" },
        { "address.postcode", "Postcode" },
        { "address.city", "Plaats" },
        { "schedule.date", "Datum" },
        { "schedule.from", "Begintijd" },
        { "schedule.to", "Eindtijd" },
        { "schedule.repeat", "Herhaling" },
        { "schedule.until", "Herhalen tot en met" },
        { "schedule.exdates", "Niet op" },
        { "schedule.exception_sets", "Niet in" },
        { "registration", "Aanmelden" },
        { "capacity", "Aantal plaatsen" },
        { "places_left", "Plaatsen vrij" },
        { "hours_per_week", "Uren per week" },
        { "commitment", "Hoe lang" },
        { "min_age", "Minimumleeftijd" },
        { "skills", "Wat vraagt het" },
        { "valid_until", "Open tot en met" },
        { "support_kind", "Soort steun" },
        { "for_whom", "Voor wie" },
        { "channels", "Zo bereiken mensen u" },
        { "referral_required", "Verwijzing" },
        { "indication_required", "Indicatie" },
        { "cost.amount_eur", "Kosten" },
        { "cost.description", "Uitleg over de kosten" },
        { "contact.phone", "Telefoon" },
        { "contact.email", "E-mail" },
        { "contact.website", "Website" },
        { "opening_hours", "Openingstijden" },
        { "translations.en.title", "Titel in het Engels" },
        { "translations.en.summary", "Omschrijving in het Engels" },
    };
    for (size_t i = 0; i < sizeof(labels) / sizeof(labels[0]); i++)
        if (strcmp(control, labels[i].control) == 0)
            return labels[i].label;
    if (strncmp(control, "accessibility.", 14) == 0)
        return "Toegankelijkheid";
    return "Algemeen";
}

static void pp_error_summary(struct pp_fctx *c, const char *problem)
{
    if (c->nerr == 0 && problem == NULL)
        return;
    html_raw(c->b, "<div class=\"error-summary\" role=\"alert\" aria-labelledby=\"h-errors\" tabindex=\"-1\">\n"
                   "<h2 id=\"h-errors\">Het is nog niet opgeslagen</h2>\n");
    if (problem) {
        html_raw(c->b, "<p>");
        html_text(c->b, problem);
        html_raw(c->b, "</p>\n");
    }
    if (c->nerr) {
        html_raw(c->b, "<p>Kijk deze punten na:</p>\n<ul>\n");
        for (size_t i = 0; i < c->nerr; i++) {
            html_raw(c->b, "<li>");
            if (c->err[i].control[0]) {
                html_raw(c->b, "<a href=\"#");
                pp_id(c->b, c->err[i].control);
                html_raw(c->b, "\">");
                html_text(c->b, pp_control_label(c->err[i].control));
                html_raw(c->b, ": ");
                html_text(c->b, c->err[i].dutch);
                html_raw(c->b, "</a>");
            } else {
                html_text(c->b, c->err[i].dutch);
                if (c->err[i].field && *c->err[i].field) {
                    html_raw(c->b, " (");
                    html_text(c->b, c->err[i].field);
                    html_raw(c->b, ")");
                }
            }
            html_raw(c->b, "</li>\n");
        }
        html_raw(c->b, "</ul>\n");
    }
    html_raw(c->b, "</div>\n");
}

/* The member at a dotted path ("address.street") of o, as text, or NULL. */
static const char *pp_path(struct json_object *o, const char *path)
{
    char key[64];
    const char *dot;
    while ((dot = strchr(path, '.')) != NULL) {
        size_t n = (size_t)(dot - path);
        if (n >= sizeof(key))
            return NULL;
        memcpy(key, path, n);
        key[n] = '\0';
        o = pp_get(o, key);
        path = dot + 1;
    }
    return pp_any(o, path);
}

/* An amount for a Dutch eye: 2.5 -> "2,50". */
static void pp_amount(struct json_object *cost, char out[32])
{
    struct json_object *v = pp_get(cost, "amount_eur");
    out[0] = '\0';
    if (v && (json_object_is_type(v, json_type_double) || json_object_is_type(v, json_type_int))) {
        snprintf(out, 32, "%.2f", json_object_get_double(v));
        for (char *p = out; *p; p++)
            if (*p == '.')
                *p = ',';
    } else if (v && json_object_is_type(v, json_type_string))
        snprintf(out, 32, "%s", json_object_get_string(v));
}

/*
 * B1 help (issue 16): the readability of the summary and description as they
 * stand (stored, or just posted), with advice, and a button that checks the
 * text again without saving. Advice only: saving never depends on it.
 */
static void pp_readability(struct pp_fctx *c, struct json_object *e)
{
    const char *summary = pp_str(e, "summary"), *description = pp_str(e, "description");
    struct html_buf text;
    struct readability r;
    char advice[512];

    html_init(&text);
    html_raw(&text, summary ? summary : "");
    html_raw(&text, "\n");
    html_raw(&text, description ? description : "");
    readability_measure(text.data ? text.data : "", text.len, &r);
    html_free(&text);
    html_raw(c->b, "<div class=\"readability\" id=\"leesbaarheid\">\n<h2>Is uw tekst makkelijk te lezen?</h2>\n");
    if (r.words == 0) {
        html_raw(c->b,
                 "<p>Schrijf een korte omschrijving. Dan geven wij advies over hoe makkelijk hij te lezen is.</p>\n");
    } else {
        html_raw(c->b, "<ul>\n");
        for (int i = 0; readability_advice(&r, i, advice, sizeof(advice)) > 0; i++) {
            html_raw(c->b, "<li>");
            html_text(c->b, advice);
            html_raw(c->b, "</li>\n");
        }
        html_raw(c->b, "</ul>\n");
    }
    html_raw(c->b, "<p><button type=\"submit\" name=\"actie\" value=\"controleer\" class=\"secondary\" "
                   "formnovalidate>Controleer de tekst</button></p>\n<p class=\"hint\">Er wordt dan nog niets "
                   "opgeslagen.</p>\n</div>\n");
}

static void pp_form_common(struct pp_fctx *c, struct json_object *choices, struct json_object *e)
{
    struct json_object *org = pp_get(choices, "organisation");
    const char *m = pp_str(e, "municipality") ? pp_str(e, "municipality") : pp_str(org, "municipality");

    html_raw(c->b, "<fieldset class=\"section\"><legend>Wat is het?</legend>\n");
    pp_input(c, "title", "Titel", "Een korte naam, zoals \"Koffie-ochtend in de bieb\".",
             "type=\"text\" maxlength=\"200\" required", pp_str(e, "title"));
    pp_textarea(c, "summary", "Korte omschrijving", "Eén of twee zinnen. Inwoners zien dit in de lijst.", 3,
                pp_str(e, "summary"));
    pp_textarea(c, "description", "Uitgebreide omschrijving (mag leeg)", NULL, 6, pp_str(e, "description"));
    pp_readability(c, e);
    html_raw(c->b, "</fieldset>\n<fieldset class=\"section\"><legend>Waar en voor wie?</legend>\n");
    pp_select_json(c, "municipality", "Gemeente", NULL, NULL, pp_get(choices, "municipalities"), "code", "name", m);
    {
        struct json_object *areas = pp_get(choices, "areas"), *items = json_object_new_array();
        for (size_t i = 0; i < pp_len(areas); i++) {
            struct json_object *a = json_object_array_get_idx(areas, i), *it = json_object_new_object();
            char label[256];
            const char *am = pp_str(a, "municipality");
            snprintf(label, sizeof(label), "%s (%s)", pp_str(a, "name") ? pp_str(a, "name") : "",
                     pp_str(a, "kind") && strcmp(pp_str(a, "kind"), "kern") == 0 ? "kern" : "wijk");
            if (am && m && strcmp(am, m) != 0)
                snprintf(label + strlen(label), sizeof(label) - strlen(label), ", %s", am);
            json_object_object_add(it, "code", json_object_new_string(pp_str(a, "code") ? pp_str(a, "code") : ""));
            json_object_object_add(it, "label", json_object_new_string(label));
            json_object_array_add(items, it);
        }
        pp_checks(c, "areas", "Wijk of kern (mag leeg)",
                  "Kies alleen iets als het aanbod vooral voor deze wijk of kern is.", items, pp_get(e, "areas"));
        json_object_put(items);
    }
    pp_checks(c, "themes", "Onderwerpen", NULL, pp_get(choices, "themes"), pp_get(e, "themes"));
    pp_checks(c, "audiences", "Voor wie is het?", NULL, pp_get(choices, "audiences"), pp_get(e, "audiences"));
    if (pp_len(pp_get(choices, "campaigns")) > 0) /* issue 16 */
        pp_checks(c, "campaigns", "Hoort het bij een campagne? (mag leeg)",
                  "Bijvoorbeeld Burendag of de Week tegen Eenzaamheid. Het staat dan ook op de pagina van de campagne.",
                  pp_get(choices, "campaigns"), pp_get(e, "campaigns"));
    html_raw(c->b, "</fieldset>\n");
}

static void pp_form_place_choice(struct pp_fctx *c, struct json_object *choices, struct json_object *e,
                                 const char *label)
{
    pp_select_json(c, "place_id", label, "Een plek die uw organisatie al op de kaart heeft.", "Geen plek van ons",
                   pp_get(choices, "places"), "id", "title", pp_str(e, "place_id"));
}

static void pp_form_address(struct pp_fctx *c, struct json_object *e, bool required)
{
    pp_input(c, "address.street", "Straat", NULL,
             required ? "type=\"text\" autocomplete=\"address-line1\" required"
                      : "type=\"text\" autocomplete=\"address-line1\"",
             pp_path(e, "address.street"));
    pp_input(c, "address.house_number", "Huisnummer", NULL, "type=\"text\" class=\"short\"",
             pp_path(e, "address.house_number"));
    pp_input(c, "address.postcode", "Postcode", "Zoals 4201 AB.",
             "type=\"text\" class=\"short\" autocomplete=\"postal-code\"", pp_path(e, "address.postcode"));
    pp_input(c, "address.city", "Plaats", NULL, "type=\"text\" autocomplete=\"address-level2\"",
             pp_path(e, "address.city"));
}

/* The week's hours: a place's opening hours, a service's walk-in hours (legend, hint). */
static void pp_form_hours(struct pp_fctx *c, struct json_object *e, const char *legend, const char *hint)
{
    struct json_object *hours = pp_get(e, "opening_hours");
    pp_fieldset_start(c, "opening_hours", legend, hint);
    html_raw(c->b, "<div class=\"hours-grid\">");
    for (int d = 0; d < 7; d++) {
        const char *opens = NULL, *closes = NULL;
        char name[48], label[64];
        for (size_t i = 0; i < pp_len(hours); i++) {
            struct json_object *h = json_object_array_get_idx(hours, i);
            if (pp_str(h, "day") && strcmp(pp_str(h, "day"), pp_api_days[d]) == 0) {
                opens = pp_str(h, "opens");
                closes = pp_str(h, "closes");
                break;
            }
        }
        html_raw(c->b, "<div class=\"hours-day\"><span class=\"day\" aria-hidden=\"true\">");
        html_text(c->b, pp_day_name[d]);
        html_raw(c->b, "</span>");
        snprintf(name, sizeof(name), "opening_hours.%s.opens", pp_api_days[d]);
        snprintf(label, sizeof(label), "%s open vanaf", pp_day_name[d]);
        html_raw(c->b, "<label class=\"visually-hidden\" for=\"");
        pp_id(c->b, name);
        html_raw(c->b, "\">");
        html_text(c->b, label);
        html_raw(c->b, "</label><input type=\"time\" id=\"");
        pp_id(c->b, name);
        html_raw(c->b, "\" name=\"");
        html_text(c->b, name);
        html_raw(c->b, "\" value=\"");
        html_text(c->b, opens);
        html_raw(c->b, "\"><span aria-hidden=\"true\">tot</span>");
        snprintf(name, sizeof(name), "opening_hours.%s.closes", pp_api_days[d]);
        snprintf(label, sizeof(label), "%s open tot", pp_day_name[d]);
        html_raw(c->b, "<label class=\"visually-hidden\" for=\"");
        pp_id(c->b, name);
        html_raw(c->b, "\">");
        html_text(c->b, label);
        html_raw(c->b, "</label><input type=\"time\" id=\"");
        pp_id(c->b, name);
        html_raw(c->b, "\" name=\"");
        html_text(c->b, name);
        html_raw(c->b, "\" value=\"");
        html_text(c->b, closes);
        html_raw(c->b, "\"></div>");
    }
    html_raw(c->b, "</div></fieldset>\n");
}

static void pp_form_schedule_fields(struct pp_fctx *c, struct json_object *choices, struct json_object *e)
{
    static const char *const intervals[] = { "1", "Elke week",    "2", "Elke 2 weken", "3", "Elke 3 weken",
                                             "4", "Elke 4 weken", NULL };
    static const char *const ordinals[] = { "1", "eerste", "2",  "tweede",  "3", "derde",
                                            "4", "vierde", "-1", "laatste", NULL };
    static const char *const month_days[] = { "mo", "maandag", "tu", "dinsdag",  "we", "woensdag", "th", "donderdag",
                                              "fr", "vrijdag", "sa", "zaterdag", "su", "zondag",   NULL };
    struct json_object *sched = pp_get(e, "schedule");
    const char *start = pp_str(sched, "start"), *end = pp_str(sched, "end");
    char date[32] = "", from[8] = "", to[8] = "", ord[8], exd[2048] = "";
    struct pp_schedule s;
    size_t used = 0;

    pp_schedule_from_rrule(pp_str(sched, "rrule"), &s);
    if (start) {
        snprintf(date, sizeof(date), "%.10s", start);
        if (strlen(start) >= 16)
            snprintf(from, sizeof(from), "%.5s", start + 11);
    }
    if (end && strlen(end) >= 16)
        snprintf(to, sizeof(to), "%.5s", end + 11);

    html_raw(c->b, "<fieldset class=\"section\"><legend>Wanneer?</legend>\n");
    pp_input(c, "schedule.date", "Datum (de eerste keer)", NULL, "type=\"date\" required", date);
    html_raw(c->b, "<div class=\"row2\">");
    pp_input(c, "schedule.from", "Begintijd", "Zoals 10:00.", "type=\"time\" required", from);
    pp_input(c, "schedule.to", "Eindtijd", "Zoals 12:00.", "type=\"time\" required", to);
    html_raw(c->b, "</div>\n");

    pp_fieldset_start(c, "schedule.repeat", "Is het vaker?", NULL);
    pp_choice(c, "radio", "schedule.repeat", "once", "Nee, het is eenmalig", s.repeat == PP_ONCE);
    pp_choice(c, "radio", "schedule.repeat", "weekly", "Ja, elke week of om de paar weken", s.repeat == PP_WEEKLY);
    html_raw(c->b, "<div class=\"sub\">");
    snprintf(ord, sizeof(ord), "%d", s.interval);
    pp_select(c, "schedule.interval", "Hoe vaak", NULL, intervals, ord);
    pp_fieldset_start(c, "schedule.days", "Op welke dagen?", "Kiest u niets, dan de dag van de datum hierboven.");
    html_raw(c->b, "<div class=\"checks days\">");
    for (int d = 0; d < 7; d++)
        pp_choice(c, "checkbox", "schedule.days", pp_api_days[d], pp_day_name[d],
                  s.repeat == PP_WEEKLY && (s.days & (1u << d)));
    html_raw(c->b, "</div></fieldset></div>\n");
    pp_choice(c, "radio", "schedule.repeat", "monthly", "Ja, elke maand op een vaste dag", s.repeat == PP_MONTHLY);
    html_raw(c->b, "<div class=\"sub row2\">");
    snprintf(ord, sizeof(ord), "%d", s.month_ordinal);
    pp_select(c, "schedule.month_ordinal", "Welke", NULL, ordinals, ord);
    pp_select(c, "schedule.month_day", "Dag van de week", NULL, month_days, pp_api_days[s.month_weekday]);
    html_raw(c->b, "</div>\n");
    if (s.repeat == PP_CUSTOM) {
        pp_choice(c, "radio", "schedule.repeat", "custom", "Zoals het nu is: het herhaalt volgens een eigen regel",
                  true);
        html_raw(c->b, "<p class=\"hint\">Deze regel is met een ander systeem gemaakt: <code>");
        html_text(c->b, s.custom);
        html_raw(c->b, "</code>. Kiest u hierboven iets anders, dan vervangt dat de regel.</p>"
                       "<input type=\"hidden\" name=\"schedule.custom\" value=\"");
        html_text(c->b, s.custom);
        html_raw(c->b, "\">");
    }
    html_raw(c->b, "</fieldset>\n");

    pp_input(c, "schedule.until", "Herhalen tot en met (mag leeg)", "De laatste dag dat het kan zijn.", "type=\"date\"",
             s.until);
    for (size_t i = 0; i < pp_len(pp_get(sched, "exdates")); i++) {
        struct json_object *d = json_object_array_get_idx(pp_get(sched, "exdates"), i);
        const char *t = json_object_is_type(d, json_type_string) ? json_object_get_string(d) : "";
        char iso[11];
        if (pp_date_iso(t, iso))
            (void)pp_append(exd, sizeof(exd), &used, "%s%.2s-%.2s-%.4s", used ? "\n" : "", iso + 8, iso + 5, iso);
        else
            (void)pp_append(exd, sizeof(exd), &used, "%s%s", used ? "\n" : "", t);
    }
    pp_textarea(c, "schedule.exdates", "Niet op (mag leeg)",
                "Dagen waarop het niet doorgaat. Eén datum per regel, zoals 24-12-2026.", 3, exd);
    if (pp_len(pp_get(choices, "exception_sets")) > 0)
        pp_checks(c, "schedule.exception_sets", "Niet in (mag leeg)", "Bijvoorbeeld niet in de schoolvakanties.",
                  pp_get(choices, "exception_sets"), pp_get(sched, "exception_sets"));
    html_raw(c->b, "</fieldset>\n");
}

static void pp_form_access_cost_contact(struct pp_fctx *c, struct json_object *choices, struct json_object *e)
{
    struct json_object *features = pp_get(choices, "accessibility_features"), *acc = pp_get(e, "accessibility");
    struct json_object *cost = pp_get(e, "cost");
    char amount[32];

    html_raw(c->b, "<fieldset class=\"section\"><legend>Toegankelijkheid</legend>\n"
                   "<p class=\"hint\">Kies per punt. Weet u het niet? Laat dan \"Weet ik niet\" staan.</p>\n"
                   "<div class=\"access-grid\">");
    for (size_t i = 0; i < pp_len(features); i++) {
        struct json_object *f = json_object_array_get_idx(features, i), *allowed = pp_get(f, "allowed_values");
        const char *code = pp_str(f, "code");
        const char *opts[10];
        size_t n = 0;
        char name[96];
        if (code == NULL)
            continue;
        opts[n++] = "";
        opts[n++] = "Weet ik niet";
        if (pp_has(allowed, "yes")) {
            opts[n++] = "yes";
            opts[n++] = "Ja";
        }
        if (pp_has(allowed, "limited")) {
            opts[n++] = "limited";
            opts[n++] = "Een beetje";
        }
        if (pp_has(allowed, "no")) {
            opts[n++] = "no";
            opts[n++] = "Nee";
        }
        opts[n] = NULL;
        snprintf(name, sizeof(name), "accessibility.%s", code);
        pp_select(c, name, pp_str(f, "label") ? pp_str(f, "label") : code, NULL, opts, pp_str(acc, code));
    }
    html_raw(c->b, "</div></fieldset>\n<fieldset class=\"section\"><legend>Kosten</legend>\n");
    pp_fieldset_start(c, "cost.free", "Is het gratis?", NULL);
    pp_choice(c, "checkbox", "cost.free", "ja", "Ja, het is gratis", pp_true(cost, "free"));
    html_raw(c->b, "</fieldset>\n");
    pp_amount(cost, amount);
    pp_input(c, "cost.amount_eur", "Prijs in euro (als het niet gratis is)", "Zoals 2,50.",
             "type=\"text\" inputmode=\"decimal\" class=\"short\"", amount);
    pp_fieldset_start(c, "cost.discount_pass", "Korting", NULL);
    pp_choice(c, "checkbox", "cost.discount_pass", "ja", "Met een kortingspas is het goedkoper",
              pp_true(cost, "discount_pass"));
    html_raw(c->b, "</fieldset>\n");
    pp_input(c, "cost.description", "Uitleg over de kosten (mag leeg)", NULL, "type=\"text\" maxlength=\"200\"",
             pp_str(cost, "description"));
    html_raw(c->b, "</fieldset>\n<fieldset class=\"section\"><legend>Contact</legend>\n");
    pp_input(c, "contact.phone", "Telefoon", NULL, "type=\"tel\" autocomplete=\"tel\"", pp_path(e, "contact.phone"));
    pp_input(c, "contact.email", "E-mail", NULL, "type=\"email\" autocomplete=\"email\"", pp_path(e, "contact.email"));
    pp_input(c, "contact.website", "Website", "Begint met https://.", "type=\"url\"", pp_path(e, "contact.website"));
    html_raw(c->b, "</fieldset>\n");
}

static void pp_form_kind_fields(struct pp_fctx *c, struct json_object *choices, struct json_object *e)
{
    static const char *const registration[] = { "none", "Nee, iedereen kan zo komen", "required",
                                                "Ja, mensen moeten zich aanmelden", NULL };
    static const char *const commitment[] = { "",        "Weet ik niet",      "one-off", "Eenmalig of kort",
                                              "ongoing", "Voor langere tijd", NULL };
    char skills[2048] = "";
    size_t used = 0;

    switch (c->kind) {
    case SK_KIND_PLACE:
        html_raw(c->b, "<fieldset class=\"section\"><legend>Adres</legend>\n");
        pp_form_address(c, e, true);
        html_raw(c->b, "</fieldset>\n");
        html_raw(c->b, "<fieldset class=\"section\"><legend>Wat voor plek</legend>\n");
        pp_select_json(c, "place_type", "Wat voor plek is het? (mag leeg)", "Bewoners kunnen hierop zoeken.",
                       "Zeg ik niet", pp_get(choices, "place_types"), "code", "label", pp_str(e, "place_type"));
        pp_fieldset_start(c, "drop_in", "Inloop", NULL);
        pp_choice(c, "checkbox", "drop_in", "ja", "Mensen kunnen zo binnenlopen, zonder aanmelden",
                  pp_true(e, "drop_in"));
        html_raw(c->b, "</fieldset>\n</fieldset>\n");
        pp_form_hours(c, e, "Openingstijden", "Laat een dag leeg als u dan dicht bent. Tijden zoals 09:00 en 17:00.");
        break;
    case SK_KIND_ACTIVITY:
        html_raw(c->b,
                 "<fieldset class=\"section\"><legend>Waar is het?</legend>\n"
                 "<p class=\"hint\">Kies een plek van uw organisatie, of vul een adres in, of kies online.</p>\n");
        pp_form_place_choice(c, choices, e, "Plek");
        html_raw(c->b, "<details class=\"address-other\"");
        html_raw(c->b, pp_get(e, "address") || pp_err_of(c, "address.street") ? " open" : "");
        html_raw(c->b, "><summary>Een ander adres</summary>\n");
        pp_form_address(c, e, false);
        html_raw(c->b, "</details>\n");
        pp_fieldset_start(c, "online", "Online", NULL);
        pp_choice(c, "checkbox", "online", "ja", "Het is online (geen adres)", pp_true(e, "online"));
        html_raw(c->b, "</fieldset>\n</fieldset>\n");
        pp_form_schedule_fields(c, choices, e);
        html_raw(c->b, "<fieldset class=\"section\"><legend>Aanmelden</legend>\n");
        pp_select(c, "registration", "Moeten mensen zich aanmelden?", NULL, registration,
                  pp_str(e, "registration") ? pp_str(e, "registration") : "none");
        html_raw(c->b, "<div class=\"row2\">");
        pp_input(c, "capacity", "Aantal plaatsen (mag leeg)", NULL,
                 "type=\"number\" min=\"1\" max=\"10000\" class=\"short\"", pp_any(e, "capacity"));
        pp_input(c, "places_left", "Plaatsen nog vrij (mag leeg)", NULL,
                 "type=\"number\" min=\"0\" max=\"10000\" class=\"short\"", pp_any(e, "places_left"));
        html_raw(c->b, "</div>");
        pp_fieldset_start(c, "drop_in", "Inloop", NULL);
        pp_choice(c, "checkbox", "drop_in", "ja", "Mensen kunnen zo binnenlopen, zonder aanmelden",
                  pp_true(e, "drop_in"));
        html_raw(c->b, "</fieldset></fieldset>\n");
        break;
    case SK_KIND_VACANCY:
        for (size_t i = 0; i < pp_len(pp_get(e, "skills")); i++) {
            struct json_object *s = json_object_array_get_idx(pp_get(e, "skills"), i);
            (void)pp_append(skills, sizeof(skills), &used, "%s%s", used ? "\n" : "",
                            json_object_is_type(s, json_type_string) ? json_object_get_string(s) : "");
        }
        html_raw(c->b, "<fieldset class=\"section\"><legend>Het vrijwilligerswerk</legend>\n");
        pp_input(c, "hours_per_week", "Uren per week (mag leeg)", "Zoals 4.",
                 "type=\"text\" inputmode=\"decimal\" class=\"short\"", pp_any(e, "hours_per_week"));
        pp_select(c, "commitment", "Hoe lang?", NULL, commitment, pp_str(e, "commitment"));
        pp_input(c, "min_age", "Minimumleeftijd (mag leeg)", NULL,
                 "type=\"number\" min=\"0\" max=\"120\" class=\"short\"", pp_any(e, "min_age"));
        pp_textarea(c, "skills", "Wat vraagt het? (mag leeg)", "Eén punt per regel, zoals \"geduld\".", 3, skills);
        pp_input(c, "valid_until", "Open tot en met (mag leeg)", "Daarna verdwijnt de vacature van de kaart.",
                 "type=\"date\"", pp_str(e, "valid_until"));
        pp_form_place_choice(c, choices, e, "Waar (mag leeg)");
        html_raw(c->b, "</fieldset>\n");
        break;
    case SK_KIND_CARER_SUPPORT:
        html_raw(c->b, "<fieldset class=\"section\"><legend>De steun</legend>\n");
        pp_select_json(c, "support_kind", "Soort steun", NULL, "Kies een soort", pp_get(choices, "support_kinds"),
                       "code", "label", pp_str(e, "support_kind"));
        pp_checks(c, "for_whom", "Voor mantelzorgers van wie? (mag leeg)", NULL, pp_get(choices, "audiences"),
                  pp_get(e, "for_whom"));
        pp_form_place_choice(c, choices, e, "Waar (mag leeg)");
        pp_fieldset_start(c, "drop_in", "Inloop", NULL);
        pp_choice(c, "checkbox", "drop_in", "ja", "Mensen kunnen zo binnenlopen, zonder aanmelden",
                  pp_true(e, "drop_in"));
        html_raw(c->b, "</fieldset>\n</fieldset>\n");
        break;
    case SK_KIND_SERVICE: /* issue 16: hulp en advies */
        html_raw(c->b, "<fieldset class=\"section\"><legend>De hulp</legend>\n");
        pp_checks(c, "channels", "Hoe bereiken mensen u?", "Kies er minstens één.", pp_get(choices, "channels"),
                  pp_get(e, "channels"));
        pp_fieldset_start(c, "referral_required", "Verwijzing", NULL);
        pp_choice(c, "checkbox", "referral_required", "ja",
                  "Alleen met een verwijzing (bijvoorbeeld van de huisarts of het sociaal team)",
                  pp_true(e, "referral_required"));
        html_raw(c->b, "</fieldset>\n");
        pp_fieldset_start(c, "indication_required", "Indicatie", NULL);
        pp_choice(c, "checkbox", "indication_required", "ja", "Alleen met een indicatie (van de gemeente)",
                  pp_true(e, "indication_required"));
        html_raw(c->b, "</fieldset>\n");
        pp_form_place_choice(c, choices, e, "Waar is het spreekuur? (mag leeg)");
        pp_fieldset_start(c, "drop_in", "Inloop", NULL);
        pp_choice(c, "checkbox", "drop_in", "ja", "Mensen kunnen zo binnenlopen, zonder afspraak",
                  pp_true(e, "drop_in"));
        html_raw(c->b, "</fieldset>\n</fieldset>\n");
        pp_form_hours(c, e, "Spreekuren (mag leeg)", "Wanneer kunnen mensen langskomen of bellen? Tijden zoals 09:00.");
        break;
    default: break;
    }
}

void pp_page_form(struct html_buf *b, enum sk_kind kind, struct json_object *choices, struct json_object *entry,
                  struct json_object *errors, const char *id, const char *version, const char *csrf,
                  const char *problem)
{
    struct pp_fctx *c = calloc(1, sizeof(*c));
    char title[128];

    if (c == NULL) {
        html_free(b);
        b->failed = true;
        return;
    }
    c->b = b;
    c->kind = kind;
    pp_fctx_errors(c, errors);
    if (id)
        snprintf(title, sizeof(title), "%s wijzigen", sk_kind_label(kind, false));
    else
        snprintf(title, sizeof(title), "Nieuw: %s", pp_kind_one(kind));
    pp_start(b, title, csrf);
    html_raw(b, "<p class=\"crumbs\"><a class=\"back\" href=\"/partner\">Terug naar mijn aanbod</a></p>\n<h1>");
    html_text(b, title);
    html_raw(b, "</h1>\n");
    if (entry && pp_get(entry, "pending_revision") == NULL && id && pp_str(entry, "status") &&
        strcmp(pp_str(entry, "status"), "published") == 0)
        html_raw(b, "<p class=\"intro\">Inwoners zien de oude versie tot de gemeente uw wijziging heeft "
                    "gecontroleerd.</p>\n");
    pp_error_summary(c, problem);
    html_raw(b, "<form method=\"post\" class=\"pform\" novalidate action=\"");
    if (id) {
        html_raw(b, "/partner/aanbod/");
        html_url(b, id);
    } else {
        html_raw(b, "/partner/nieuw/");
        html_raw(b, pp_kind_slug(kind));
    }
    html_raw(b, "\">\n");
    pp_csrf(b, csrf);
    if (id) {
        html_raw(b, "<input type=\"hidden\" name=\"kind\" value=\"");
        html_raw(b, sk_kind_name(kind));
        html_raw(b, "\">");
    }
    if (version) {
        html_raw(b, "<input type=\"hidden\" name=\"version\" value=\"");
        html_text(b, version);
        html_raw(b, "\">");
    }
    pp_form_common(c, choices, entry);
    pp_form_kind_fields(c, choices, entry);
    pp_form_access_cost_contact(c, choices, entry);
    html_raw(b, "<fieldset class=\"section\"><legend>In het Engels (mag leeg)</legend>\n"
                "<p class=\"hint\">Voor inwoners die geen Nederlands lezen.</p>\n");
    pp_input(c, "translations.en.title", "Titel in het Engels", NULL, "type=\"text\" lang=\"en\" maxlength=\"200\"",
             pp_path(entry, "translations.en.title"));
    pp_textarea(c, "translations.en.summary", "Korte omschrijving in het Engels", NULL, 3,
                pp_path(entry, "translations.en.summary"));
    html_raw(b, "</fieldset>\n<p class=\"submit\"><button type=\"submit\">Opslaan</button></p>\n"
                "<p class=\"hint\">Na het opslaan controleert de gemeente uw aanbod. Daarna zien inwoners het.</p>\n"
                "</form>\n");
    pp_end(b);
    free(c);
}
