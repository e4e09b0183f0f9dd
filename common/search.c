/*
 * search.c — parse and bound the resident search's query parameters.
 */
#include "search.h"

#include <ctype.h>
#include <json-c/json.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth.h"
#include "contract.h"
#include "cursor.h"
#include "rrule.h"
#include "utf8.h"

/* A parameter the search knows, and the function that reads it into out. */
typedef void (*param_fn)(const char *name, const char *value, struct json_object *out, struct verr_list *errs);

struct param {
    const char *name;
    param_fn parse;
};

static bool is_code_char(char c)
{
    return isalnum((unsigned char)c) || c == '-' || c == '_';
}

/* Split a comma list of codes into a JSON array; each 1..64 code characters. */
static struct json_object *code_list(const char *name, const char *value, struct verr_list *errs)
{
    struct json_object *arr = json_object_new_array();
    const char *p = value;
    size_t count = 0;

    while (*p) {
        size_t n = strcspn(p, ",");
        bool ok = n > 0 && n <= 64;
        for (size_t i = 0; ok && i < n; i++)
            ok = is_code_char(p[i]);
        if (!ok) {
            verr_add(errs, name, "must be a comma-separated list of codes (letters, digits, '-')");
            json_object_put(arr);
            return NULL;
        }
        if (++count > SEARCH_LIST_MAX) {
            verr_add(errs, name, "may hold at most %d codes", SEARCH_LIST_MAX);
            json_object_put(arr);
            return NULL;
        }
        json_object_array_add(arr, json_object_new_string_len(p, (int)n));
        p += n + (p[n] == ',');
    }
    if (count == 0) {
        verr_add(errs, name, "must not be empty");
        json_object_put(arr);
        return NULL;
    }
    return arr;
}

static void p_codes(const char *name, const char *value, struct json_object *out, struct verr_list *errs)
{
    static const struct {
        const char *param, *member;
    } members[] = {
        { "area", "areas" }, { "theme", "themes" }, { "audience", "audiences" }, { "place_type", "place_types" }
    };
    struct json_object *arr = code_list(name, value, errs);
    if (arr == NULL)
        return;
    for (size_t i = 0; i < sizeof(members) / sizeof(members[0]); i++)
        if (strcmp(name, members[i].param) == 0)
            json_object_object_add(out, members[i].member, arr);
}

static void p_q(const char *name, const char *value, struct json_object *out, struct verr_list *errs)
{
    if (!utf8_valid(value, strlen(value))) {
        verr_add(errs, name, "must be valid UTF-8 text");
        return;
    }
    for (const unsigned char *s = (const unsigned char *)value; *s; s++) {
        if (*s < 0x20) {
            verr_add(errs, name, "must not contain control characters");
            return;
        }
    }
    if (utf8_chars(value) > SEARCH_Q_MAX) {
        verr_add(errs, name, "may be at most %d characters", SEARCH_Q_MAX);
        return;
    }
    if (*value)
        json_object_object_add(out, "q", json_object_new_string(value));
}

static void p_kind(const char *name, const char *value, struct json_object *out, struct verr_list *errs)
{
    struct json_object *arr = code_list(name, value, errs), *kinds;
    if (arr == NULL)
        return;
    kinds = json_object_new_array();
    for (size_t i = 0; i < json_object_array_length(arr); i++) {
        const char *k = json_object_get_string(json_object_array_get_idx(arr, i));
        enum sk_kind kind;
        if (!sk_kind_from_path(k, &kind) && !sk_kind_from_name(k, &kind)) {
            verr_add(errs, name, "must be places, activities, vacancies, carer-support or services, not '%s'", k);
            break;
        }
        json_object_array_add(kinds, json_object_new_string(sk_kind_name(kind)));
    }
    json_object_object_add(out, "kinds", kinds);
    json_object_put(arr);
}

/* channel=walk_in,phone: how a service is reached (contract.def's codes) */
static void p_channel(const char *name, const char *value, struct json_object *out, struct verr_list *errs)
{
    struct json_object *arr = code_list(name, value, errs);
    if (arr == NULL)
        return;
    for (size_t i = 0; i < json_object_array_length(arr); i++) {
        const char *c = json_object_get_string(json_object_array_get_idx(arr, i));
        enum sk_channel channel;
        if (!sk_channel_from_code(c, &channel)) {
            verr_add(errs, name, "must be walk_in, phone, email, home_visit or online, not '%s'", c);
            json_object_put(arr);
            return;
        }
    }
    json_object_object_add(out, "channels", arr);
}

static void p_municipality(const char *name, const char *value, struct json_object *out, struct verr_list *errs)
{
    if (!contract_is_municipality_code(value, strlen(value))) {
        verr_add(errs, name, "must be a CBS municipality code like GM0512");
        return;
    }
    json_object_object_add(out, "municipality", json_object_new_string(value));
}

static void p_organisation(const char *name, const char *value, struct json_object *out, struct verr_list *errs)
{
    if (!auth_is_uuid(value, strlen(value))) {
        verr_add(errs, name, "must be an organisation id (a UUID)");
        return;
    }
    json_object_object_add(out, "organisation", json_object_new_string(value));
}

/* access=wheelchair,hearing_loop,wheelchair:limited — "limited" also accepts "yes". */
static void p_access(const char *name, const char *value, struct json_object *out, struct verr_list *errs)
{
    struct json_object *access = json_object_new_array();
    for (const char *p = value; *p;) {
        size_t n = strcspn(p, ","), f = strcspn(p, ",:");
        struct json_object *item = json_object_new_object(), *values = json_object_new_array();
        char facet[65], val[16] = "yes";
        bool ok = f > 0 && f <= 64;
        for (size_t i = 0; ok && i < f; i++)
            ok = is_code_char(p[i]);
        if (ok && f < n) {
            size_t vl = n - f - 1;
            ok = vl > 0 && vl < sizeof(val);
            if (ok) {
                memcpy(val, p + f + 1, vl);
                val[vl] = '\0';
                ok = !strcmp(val, "yes") || !strcmp(val, "limited") || !strcmp(val, "no");
            }
        }
        if (!ok || json_object_array_length(access) >= SEARCH_LIST_MAX) {
            verr_add(errs, name, "must list facets like wheelchair or wheelchair:limited (values yes, limited, no)");
            json_object_put(item);
            json_object_put(values);
            break;
        }
        memcpy(facet, p, f);
        facet[f] = '\0';
        json_object_array_add(values, json_object_new_string(val));
        if (!strcmp(val, "limited"))
            json_object_array_add(values, json_object_new_string("yes"));
        json_object_object_add(item, "facet", json_object_new_string(facet));
        json_object_object_add(item, "values", values);
        json_object_array_add(access, item);
        p += n + (p[n] == ',');
    }
    json_object_object_add(out, "access", access);
}

static int parse_bool(const char *value, bool *b)
{
    if (!strcmp(value, "true") || !strcmp(value, "1")) {
        *b = true;
        return 0;
    }
    if (!strcmp(value, "false") || !strcmp(value, "0")) {
        *b = false;
        return 0;
    }
    return -1;
}

static void p_flag(const char *name, const char *value, struct json_object *out, struct verr_list *errs)
{
    bool b;
    if (parse_bool(value, &b) < 0) {
        verr_add(errs, name, "must be true or false");
        return;
    }
    /* free=false and discount_pass=false mean "no filter", not "must cost money" */
    if (b || !strcmp(name, "facets"))
        json_object_object_add(out, name, json_object_new_boolean(b));
}

static void p_language(const char *name, const char *value, struct json_object *out, struct verr_list *errs)
{
    if (strlen(value) != 2 || !islower((unsigned char)value[0]) || !islower((unsigned char)value[1])) {
        verr_add(errs, name, "must be an ISO 639-1 language code like uk or ar");
        return;
    }
    json_object_object_add(out, "language", json_object_new_string(value));
}

/* One campaign's code (issue 16): its existence is checked where the campaigns are known. */
static void p_campaign(const char *name, const char *value, struct json_object *out, struct verr_list *errs)
{
    size_t n = strlen(value);
    bool ok = n > 0 && n <= 64;
    for (size_t i = 0; ok && i < n; i++)
        ok = is_code_char(value[i]);
    if (!ok) {
        verr_add(errs, name, "must be the code of one campaign (letters, digits, '-'), like burendag-2027");
        return;
    }
    json_object_object_add(out, "campaign", json_object_new_string(value));
}

/*
 * "YYYY-MM-DD" (midnight) or "YYYY-MM-DDTHH:MM" into a normalised local date-time, within
 * the years SEARCH_YEAR_MIN..SEARCH_YEAR_MAX: a window in the year 9998 is a typo or an
 * attack, and no schedule reaches there anyway.
 */
static int parse_local(const char *value, struct rrule_datetime *t)
{
    size_t len = strlen(value);
    int rc;
    memset(t, 0, sizeof(*t));
    rc = len == 10 ? rrule_parse_date(value, len, &t->date) : rrule_parse_local(value, len, t);
    if (rc == 0 && (t->date.year < SEARCH_YEAR_MIN || t->date.year > SEARCH_YEAR_MAX))
        return -1;
    return rc;
}

static void format_local(const struct rrule_datetime *t, char *out)
{
    snprintf(out, 17, "%04d-%02d-%02dT%02d:%02d", t->date.year, t->date.month, t->date.day, t->hour, t->minute);
}

static void p_datetime(const char *name, const char *value, struct json_object *out, struct verr_list *errs)
{
    struct rrule_datetime t;
    char buf[17];
    if (parse_local(value, &t) < 0) {
        verr_add(errs, name, "must be a date like 2026-12-01 or a local time like 2026-12-01T10:00 (years %d to %d)",
                 SEARCH_YEAR_MIN, SEARCH_YEAR_MAX);
        return;
    }
    format_local(&t, buf);
    json_object_object_add(out, name, json_object_new_string(buf));
}

static void p_days(const char *name, const char *value, struct json_object *out, struct verr_list *errs)
{
    static const char *const names[] = { "mon", "tue", "wed", "thu", "fri", "sat", "sun" };
    static const char *const short_names[] = { "mo", "tu", "we", "th", "fr", "sa", "su" };
    struct json_object *arr = json_object_new_array();
    for (const char *p = value; *p;) {
        size_t n = strcspn(p, ",");
        int day = 0;
        for (int i = 0; i < 7 && !day; i++)
            if ((n == 3 && !strncmp(p, names[i], 3)) || (n == 2 && !strncmp(p, short_names[i], 2)))
                day = i + 1;
        if (!day) {
            verr_add(errs, name, "must list days like tue,sat (mon, tue, wed, thu, fri, sat, sun)");
            json_object_put(arr);
            return;
        }
        json_object_array_add(arr, json_object_new_int(day));
        p += n + (p[n] == ',');
    }
    json_object_object_add(out, "days", arr);
}

static void p_enum(const char *name, const char *value, struct json_object *out, struct verr_list *errs)
{
    static const char *const time_of_day[] = { "morning", "afternoon", "evening", NULL };
    static const char *const sort[] = { "relevance", "date", "distance", "updated", NULL };
    const char *const *allowed = strcmp(name, "sort") == 0 ? sort : time_of_day;
    for (int i = 0; allowed[i]; i++) {
        if (strcmp(value, allowed[i]) == 0) {
            json_object_object_add(out, name, json_object_new_string(value));
            return;
        }
    }
    if (allowed == sort)
        verr_add(errs, name, "must be relevance, date, distance or updated");
    else
        verr_add(errs, name, "must be morning, afternoon or evening");
}

static void p_near(const char *name, const char *value, struct json_object *out, struct verr_list *errs)
{
    char *end;
    double lat = strtod(value, &end), lon;
    struct json_object *o;
    if (end == value || *end != ',') {
        verr_add(errs, name, "must be lat,lon like 51.8306,4.9742");
        return;
    }
    value = end + 1;
    lon = strtod(value, &end);
    if (end == value || *end != '\0') {
        verr_add(errs, name, "must be lat,lon like 51.8306,4.9742");
        return;
    }
    if (lat < 50.75 || lat > 53.7 || lon < 3.2 || lon > 7.25) {
        verr_add(errs, name, "must be a point in the Netherlands");
        return;
    }
    o = json_object_new_object();
    json_object_object_add(o, "lat", json_object_new_double(lat));
    json_object_object_add(o, "lon", json_object_new_double(lon));
    json_object_object_add(out, "near", o);
}

/* A whole number in [lo, hi] for radius and limit. */
static void p_int(const char *name, const char *value, struct json_object *out, struct verr_list *errs)
{
    long lo = 1, hi = strcmp(name, "radius") == 0 ? SEARCH_RADIUS_MAX : SEARCH_LIMIT_MAX, v;
    if (!cursor_number(value, lo, hi, &v)) {
        verr_add(errs, name, "must be a whole number from %ld to %ld", lo, hi);
        return;
    }
    json_object_object_add(out, name, json_object_new_int((int)v));
}

static void p_cursor(const char *name, const char *value, struct json_object *out, struct verr_list *errs)
{
    struct search_cursor c;
    if (*value == '\0')
        return;
    if (strlen(value) > SEARCH_CURSOR_MAX || !cursor_search_decode(value, strlen(value), &c)) {
        verr_add(errs, name, "is not a cursor this API gave out; start again without it");
        return;
    }
    json_object_object_add(out, "cursor", json_object_new_string(value));
}

static const struct param params[] = {
    { "q", p_q },
    { "kind", p_kind },
    { "municipality", p_municipality },
    { "area", p_codes },
    { "theme", p_codes },
    { "audience", p_codes },
    { "organisation", p_organisation },
    { "access", p_access },
    { "free", p_flag },
    { "discount_pass", p_flag },
    { "language", p_language },
    { "campaign", p_campaign },
    { "place_type", p_codes },   /* issue 16: buurthuis, Odensehuis ... (places) */
    { "drop_in", p_flag },       /* issue 16: inloop, zonder aanmelden */
    { "no_referral", p_flag },   /* issue 16, services: zonder verwijzing */
    { "no_indication", p_flag }, /* issue 16, services: geen indicatie nodig */
    { "channel", p_channel },    /* issue 16, services: walk_in, phone ... */
    { "from", p_datetime },
    { "to", p_datetime },
    { "day", p_days },
    { "time_of_day", p_enum },
    { "near", p_near },
    { "radius", p_int },
    { "open_now", p_flag },
    { "open_at", p_datetime },
    { "sort", p_enum },
    { "limit", p_int },
    { "cursor", p_cursor },
    { "facets", p_flag },
};

static const struct param *param_find(const char *name)
{
    for (size_t i = 0; i < sizeof(params) / sizeof(params[0]); i++)
        if (strcmp(params[i].name, name) == 0)
            return &params[i];
    return NULL;
}

/* Rules between parameters: window order and size, radius needs near, distance sort needs near. */
static void search_cross_checks(struct json_object *out, struct verr_list *errs)
{
    struct json_object *from, *to, *near;
    bool has_near = json_object_object_get_ex(out, "near", &near);

    if (json_object_object_get_ex(out, "from", &from) && json_object_object_get_ex(out, "to", &to)) {
        struct rrule_datetime f, t;
        int64_t secs;
        parse_local(json_object_get_string(from), &f);
        parse_local(json_object_get_string(to), &t);
        secs = rrule_local_seconds(&t) - rrule_local_seconds(&f);
        if (secs <= 0)
            verr_add(errs, "to", "must be after from");
        else if (secs > (int64_t)SEARCH_WINDOW_DAYS_MAX * 86400)
            verr_add(errs, "to", "may be at most %d days after from", SEARCH_WINDOW_DAYS_MAX);
    }
    if (json_object_object_get_ex(out, "radius", NULL) && !has_near)
        verr_add(errs, "radius", "needs near=lat,lon");
    if (json_object_object_get_ex(out, "sort", &near) && !strcmp(json_object_get_string(near), "distance") && !has_near)
        verr_add(errs, "sort", "distance needs near=lat,lon");
    if (json_object_object_get_ex(out, "open_now", NULL) && json_object_object_get_ex(out, "open_at", NULL))
        verr_add(errs, "open_at", "cannot be combined with open_now");
}

struct json_object *search_params_parse(const struct search_pair *pairs, size_t n, const char *fixed_kind,
                                        struct verr_list *errs)
{
    struct json_object *out = json_object_new_object();
    size_t before = errs->count;

    for (size_t i = 0; i < n; i++) {
        const struct param *p = param_find(pairs[i].key);
        if (p == NULL || (fixed_kind && strcmp(pairs[i].key, "kind") == 0)) {
            verr_add(errs, pairs[i].key, "is not a search parameter");
            continue;
        }
        if (json_object_object_get_ex(out, p->name, NULL)) {
            verr_add(errs, pairs[i].key, "is given twice; use one comma-separated list");
            continue;
        }
        p->parse(pairs[i].key, pairs[i].value, out, errs);
    }
    search_cross_checks(out, errs);
    if (fixed_kind) {
        struct json_object *kinds = json_object_new_array();
        json_object_array_add(kinds, json_object_new_string(fixed_kind));
        json_object_object_add(out, "kinds", kinds);
    }
    if (errs->count > before) {
        json_object_put(out);
        return NULL;
    }
    return out;
}

int search_window_parse(const char *from, const char *to, char *from_out, char *to_out, struct verr_list *errs)
{
    struct rrule_datetime f, t;
    int64_t secs;
    size_t before = errs->count;

    if (from == NULL || parse_local(from, &f) < 0)
        verr_add(errs, "from",
                 "is required: a date like 2026-12-01 or a local time like 2026-12-01T10:00 (years %d to %d)",
                 SEARCH_YEAR_MIN, SEARCH_YEAR_MAX);
    if (to == NULL || parse_local(to, &t) < 0)
        verr_add(errs, "to",
                 "is required: a date like 2026-12-31 or a local time like 2026-12-31T23:59 (years %d to %d)",
                 SEARCH_YEAR_MIN, SEARCH_YEAR_MAX);
    if (errs->count > before)
        return -1;
    secs = rrule_local_seconds(&t) - rrule_local_seconds(&f);
    if (secs <= 0)
        verr_add(errs, "to", "must be after from");
    else if (secs > (int64_t)SEARCH_WINDOW_DAYS_MAX * 86400)
        verr_add(errs, "to", "may be at most %d days after from", SEARCH_WINDOW_DAYS_MAX);
    if (errs->count > before)
        return -1;
    format_local(&f, from_out);
    format_local(&t, to_out);
    return 0;
}
