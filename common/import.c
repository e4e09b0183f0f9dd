/*
 * import: files → rows for api_import, entries → CSV (see import.h).
 *
 * CSV is read with libcsv (Debian's libcsv-dev), never by hand; the column
 * set is one table (COLUMNS below) used both ways, so what export writes
 * import reads. HSDS 3.0: a dataset object with the arrays organizations,
 * services, locations, schedules and service_at_locations (also nested as
 * HSDS 3.0's service objects carry them). A service with a schedule becomes
 * an activity (at its location when it has one), a service without one a
 * place at its location; a location that is no service's place of its own
 * becomes a place too, so activities can refer to it.
 */
#include "import.h"

#include <csv.h>
#include <ctype.h>
#include <iconv.h>
#include <json-c/json.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rrule.h"
#include "utf8.h"
#include "validate.h"

/* ------------------------------------------------------------------ */
/* Formats */

int import_format_parse(const char *name, enum import_format *out)
{
    static const char *const names[] = { "auto", "hsds", "json", "csv" };
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        if (name != NULL && strcmp(name, names[i]) == 0) {
            *out = (enum import_format)i;
            return 0;
        }
    }
    return -1;
}

const char *import_format_name(enum import_format f)
{
    switch (f) {
    case IMPORT_FORMAT_HSDS: return "hsds";
    case IMPORT_FORMAT_JSON: return "json";
    case IMPORT_FORMAT_CSV: return "csv";
    default: return "auto";
    }
}

/* ------------------------------------------------------------------ */
/* Small JSON helpers */

/* The member at a dotted path ("address.street"), creating objects on the way; takes val. */
static void set_path(struct json_object *obj, const char *path, struct json_object *val)
{
    char key[64];
    const char *dot;
    while ((dot = strchr(path, '.')) != NULL) {
        struct json_object *sub;
        size_t n = (size_t)(dot - path);
        if (n >= sizeof(key))
            n = sizeof(key) - 1;
        memcpy(key, path, n);
        key[n] = '\0';
        if (!json_object_object_get_ex(obj, key, &sub) || !json_object_is_type(sub, json_type_object)) {
            sub = json_object_new_object();
            json_object_object_add(obj, key, sub);
        }
        obj = sub;
        path = dot + 1;
    }
    json_object_object_add(obj, path, val);
}

/* The member at a dotted path, or NULL. */
static struct json_object *get_path(struct json_object *obj, const char *path)
{
    char key[64];
    const char *dot;
    while (obj != NULL && (dot = strchr(path, '.')) != NULL) {
        size_t n = (size_t)(dot - path);
        if (n >= sizeof(key))
            return NULL;
        memcpy(key, path, n);
        key[n] = '\0';
        if (!json_object_object_get_ex(obj, key, &obj))
            return NULL;
        path = dot + 1;
    }
    if (obj == NULL || !json_object_is_type(obj, json_type_object) || !json_object_object_get_ex(obj, path, &obj))
        return NULL;
    return obj;
}

/* A string member, or NULL (also for other types and ""). */
static const char *str_of(struct json_object *obj, const char *key)
{
    struct json_object *v = get_path(obj, key);
    const char *s;
    if (v == NULL || !json_object_is_type(v, json_type_string))
        return NULL;
    s = json_object_get_string(v);
    return s[0] ? s : NULL;
}

/* A member as text: a string, or a number's JSON text (HSDS ids are sometimes numbers). */
static const char *text_of(struct json_object *obj, const char *key)
{
    struct json_object *v = get_path(obj, key);
    if (v != NULL && (json_object_is_type(v, json_type_int) || json_object_is_type(v, json_type_double)))
        return json_object_to_json_string(v);
    return str_of(obj, key);
}

static struct json_object *array_of(struct json_object *obj, const char *key)
{
    struct json_object *v = get_path(obj, key);
    return v != NULL && json_object_is_type(v, json_type_array) ? v : NULL;
}

static void add_err(struct json_object *errs, const char *field, const char *message)
{
    struct json_object *e = json_object_new_object();
    json_object_object_add(e, "field", json_object_new_string(field));
    json_object_object_add(e, "message", json_object_new_string(message));
    json_object_array_add(errs, e);
}

/* ------------------------------------------------------------------ */
/* Shape checks of one row: validate_entry on what SQL does not map */

/*
 * The members whose values SQL maps (codes as labels, a municipality by name)
 * are left out of the C check or given a value of the right shape; the
 * import's own members (external_id, organisation, place_external_id) too.
 */
static void check_row(struct json_object *entry, struct json_object *errs)
{
    static const char *const mapped[] = { "themes",       "audiences",         "areas",
                                          "for_whom",     "accessibility",     "external_id",
                                          "organisation", "place_external_id", "kind" };
    struct json_object *copy = NULL, *kind;
    struct verr_list *l;
    enum sk_kind k;

    if (!json_object_object_get_ex(entry, "kind", &kind) || !json_object_is_type(kind, json_type_string) ||
        !sk_kind_from_name(json_object_get_string(kind), &k))
        return; /* SQL names the kind */
    if (json_object_deep_copy(entry, &copy, NULL) != 0)
        return;
    for (size_t i = 0; i < sizeof(mapped) / sizeof(mapped[0]); i++)
        json_object_object_del(copy, mapped[i]);
    if (str_of(copy, "municipality") != NULL || get_path(copy, "municipality") == NULL)
        json_object_object_add(copy, "municipality", json_object_new_string("GM0000"));
    if (str_of(copy, "support_kind") != NULL)
        json_object_object_add(copy, "support_kind", json_object_new_string("mapped"));
    l = malloc(sizeof(*l));
    if (l != NULL) {
        verr_init(l);
        validate_entry(k, VALIDATE_CREATE, copy, l);
        for (size_t i = 0; i < l->count; i++)
            add_err(errs, l->items[i].field, l->items[i].message);
        free(l);
    }
    json_object_put(copy);
}

/* Append {"row", "entry", "errors"} to rows; takes entry and errs. */
static void add_row(struct json_object *rows, int n, struct json_object *entry, struct json_object *errs)
{
    struct json_object *r = json_object_new_object();
    if (json_object_is_type(entry, json_type_object))
        check_row(entry, errs);
    json_object_object_add(r, "row", json_object_new_int(n));
    json_object_object_add(r, "entry", entry);
    json_object_object_add(r, "errors", errs);
    json_object_array_add(rows, r);
}

/* ------------------------------------------------------------------ */
/* The CSV columns */

enum col_type {
    COL_TEXT,     /* a string */
    COL_LIST,     /* values separated by ';' */
    COL_NUMBER,   /* a decimal number, '.' or ',' */
    COL_INT,      /* a whole number */
    COL_BOOL,     /* ja/nee, yes/no, true/false, 1/0 */
    COL_DATETIME, /* YYYY-MM-DDTHH:MM (or with a space, or with :SS) */
    COL_OPENING,  /* "mo 09:00-17:00;tu 13:00-17:00" */
    COL_ACCESS,   /* "wheelchair=yes;hearing_loop" (a bare code is yes) */
};

/* clang-format off */
#define COLUMNS(X) \
    X("kind", COL_TEXT, "kind") \
    X("external_id", COL_TEXT, "external_id") \
    X("organisation_external_id", COL_TEXT, "organisation.external_id") \
    X("organisation", COL_TEXT, "organisation.name") \
    X("title", COL_TEXT, "title") \
    X("summary", COL_TEXT, "summary") \
    X("description", COL_TEXT, "description") \
    X("municipality", COL_TEXT, "municipality") \
    X("areas", COL_LIST, "areas") \
    X("themes", COL_LIST, "themes") \
    X("audiences", COL_LIST, "audiences") \
    X("accessibility", COL_ACCESS, "accessibility") \
    X("languages", COL_LIST, "languages") \
    X("street", COL_TEXT, "address.street") \
    X("house_number", COL_TEXT, "address.house_number") \
    X("postcode", COL_TEXT, "address.postcode") \
    X("city", COL_TEXT, "address.city") \
    X("lat", COL_NUMBER, "location.lat") \
    X("lon", COL_NUMBER, "location.lon") \
    X("place_external_id", COL_TEXT, "place_external_id") \
    X("online", COL_BOOL, "online") \
    X("opening_hours", COL_OPENING, "opening_hours") \
    X("starts_at", COL_DATETIME, "schedule.start") \
    X("ends_at", COL_DATETIME, "schedule.end") \
    X("repeat", COL_TEXT, "schedule.rrule") \
    X("exdates", COL_LIST, "schedule.exdates") \
    X("registration", COL_TEXT, "registration") \
    X("capacity", COL_INT, "capacity") \
    X("places_left", COL_INT, "places_left") \
    X("address_visibility", COL_TEXT, "address_visibility") \
    X("cost_free", COL_BOOL, "cost.free") \
    X("cost_amount_eur", COL_NUMBER, "cost.amount_eur") \
    X("cost_discount_pass", COL_BOOL, "cost.discount_pass") \
    X("cost_description", COL_TEXT, "cost.description") \
    X("hours_per_week", COL_NUMBER, "hours_per_week") \
    X("commitment", COL_TEXT, "commitment") \
    X("min_age", COL_INT, "min_age") \
    X("skills", COL_LIST, "skills") \
    X("valid_until", COL_TEXT, "valid_until") \
    X("support_kind", COL_TEXT, "support_kind") \
    X("for_whom", COL_LIST, "for_whom") \
    X("email", COL_TEXT, "contact.email") \
    X("phone", COL_TEXT, "contact.phone") \
    X("website", COL_TEXT, "contact.website")

static const struct column {
    const char *name;
    enum col_type type;
    const char *path;
} columns[] = {
#define COLUMN(name, type, path) { name, type, path },
    COLUMNS(COLUMN)
#undef COLUMN
};
#define NCOLUMNS (sizeof(columns) / sizeof(columns[0]))
/* clang-format on */

/* The header: the names of columns[] in order (tests/unit/test_import.c checks they agree). */
const char import_csv_header[] =
    "kind,external_id,organisation_external_id,organisation,title,summary,description,municipality,areas,themes,"
    "audiences,accessibility,languages,street,house_number,postcode,city,lat,lon,place_external_id,online,"
    "opening_hours,starts_at,ends_at,repeat,exdates,registration,capacity,places_left,address_visibility,cost_free,"
    "cost_amount_eur,cost_discount_pass,cost_description,hours_per_week,commitment,min_age,skills,valid_until,"
    "support_kind,for_whom,email,phone,website\n";

const char import_csv_template[] =
    "kind,external_id,organisation_external_id,organisation,title,summary,description,municipality,areas,themes,"
    "audiences,accessibility,languages,street,house_number,postcode,city,lat,lon,place_external_id,online,"
    "opening_hours,starts_at,ends_at,repeat,exdates,registration,capacity,places_left,address_visibility,cost_free,"
    "cost_amount_eur,cost_discount_pass,cost_description,hours_per_week,commitment,min_age,skills,valid_until,"
    "support_kind,for_whom,email,phone,website\n"
    "activity,bh-koffie,bh-de-hoek,Buurthuis De Hoek,Koffieochtend,Elke woensdag koffie en een praatje.,,"
    "GM0512,Binnenstad,Ontmoeten;koffie,Ouderen;iedereen,wheelchair=yes,nl,Langendijk,10,4201 CK,Gorinchem,"
    "51.8304,4.9702,,,,2027-01-06T10:00,2027-01-06T12:00,FREQ=WEEKLY;BYDAY=WE,2027-04-28,required,20,20,public,"
    "ja,,,,,,,,,,,info@dehoek.example,0183 123456,https://dehoek.example\n";

/* ------------------------------------------------------------------ */
/* CSV → rows */

enum {
    CELL_MAX = 65536
};

struct csv_state {
    struct json_object *rows;
    int col_of[256]; /* column index in the file → index in columns[], -1 ignored */
    size_t ncols;    /* columns in the header */
    bool header_done;
    size_t field; /* index of the next field in this record */
    int record;   /* records so far (the header is record 1) */
    size_t max_rows;
    bool too_many;
    char unknown[96];          /* the first unknown column name */
    struct json_object *entry; /* the record being built (owned until add_row) */
    struct json_object *errs;
    bool any;      /* a non-empty cell in this record */
    int last_term; /* what ended the previous record ('\r' of a CRLF) */
};

static char *trim(char *s)
{
    char *e;
    while (*s == ' ' || *s == '\t')
        s++;
    e = s + strlen(s);
    while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r' || e[-1] == '\n'))
        *--e = '\0';
    return s;
}

/* Split s (modified) at ';' into a new array of trimmed, non-empty strings. */
static struct json_object *split_list(char *s)
{
    struct json_object *a = json_object_new_array();
    char *save = NULL;
    for (char *t = strtok_r(s, ";", &save); t != NULL; t = strtok_r(NULL, ";", &save)) {
        t = trim(t);
        if (*t)
            json_object_array_add(a, json_object_new_string(t));
    }
    return a;
}

static int parse_bool(const char *s)
{
    static const char *const yes[] = { "ja", "j", "yes", "y", "true", "waar", "1", "x" };
    static const char *const no[] = { "nee", "n", "no", "false", "onwaar", "0" };
    for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++)
        if (strcasecmp(s, yes[i]) == 0)
            return 1;
    for (size_t i = 0; i < sizeof(no) / sizeof(no[0]); i++)
        if (strcasecmp(s, no[i]) == 0)
            return 0;
    return -1;
}

/* "HH:MM" or "H:MM" or "HH:MM:SS" at s → minutes; -1 otherwise. */
static int parse_time(const char *s, size_t n)
{
    int h, m;
    char tail;
    char buf[16];
    if (n == 0 || n >= sizeof(buf))
        return -1;
    memcpy(buf, s, n);
    buf[n] = '\0';
    if (sscanf(buf, "%d:%d%c", &h, &m, &tail) == 3 && tail != ':')
        return -1;
    if (sscanf(buf, "%d:%d", &h, &m) != 2 || h < 0 || h > 24 || m < 0 || m > 59 || (h == 24 && m != 0))
        return -1;
    return h * 60 + m;
}

static struct json_object *time_json(int minutes)
{
    char t[8];
    snprintf(t, sizeof(t), "%02d:%02d", minutes / 60, minutes % 60);
    return json_object_new_string(t);
}

/* "mo 09:00-17:00;tu 13:00-17:00" → opening_hours, or NULL. */
static struct json_object *parse_opening(char *s)
{
    static const char *const days[] = { "mo", "tu", "we", "th", "fr", "sa", "su" };
    static const char *const dagen[] = { "ma", "di", "wo", "do", "vr", "za", "zo" };
    struct json_object *a = json_object_new_array();
    char *save = NULL;
    for (char *t = strtok_r(s, ";", &save); t != NULL; t = strtok_r(NULL, ";", &save)) {
        char day[4] = { 0 };
        char *sp, *dash;
        int opens, closes;
        size_t d;
        t = trim(t);
        if (!*t)
            continue;
        sp = strchr(t, ' ');
        dash = sp ? strchr(sp, '-') : NULL;
        if (sp == NULL || dash == NULL || sp - t != 2)
            goto bad;
        day[0] = (char)tolower((unsigned char)t[0]);
        day[1] = (char)tolower((unsigned char)t[1]);
        for (d = 0; d < 7; d++)
            if (strcmp(day, days[d]) == 0 || strcmp(day, dagen[d]) == 0)
                break;
        sp = trim(sp);
        opens = parse_time(sp, (size_t)(dash - sp));
        closes = parse_time(dash + 1, strlen(dash + 1));
        if (d == 7 || opens < 0 || closes < 0)
            goto bad;
        {
            struct json_object *o = json_object_new_object();
            json_object_object_add(o, "day", json_object_new_string(days[d]));
            json_object_object_add(o, "opens", time_json(opens));
            json_object_object_add(o, "closes", time_json(closes));
            json_object_array_add(a, o);
        }
    }
    return a;
bad:
    json_object_put(a);
    return NULL;
}

/* "wheelchair=yes;Ringleiding" → {"wheelchair": "yes", "Ringleiding": "yes"}. */
static struct json_object *parse_access(char *s)
{
    struct json_object *o = json_object_new_object();
    char *save = NULL;
    for (char *t = strtok_r(s, ";", &save); t != NULL; t = strtok_r(NULL, ";", &save)) {
        char *eq = strchr(t, '=');
        const char *val = "yes";
        if (eq != NULL) {
            *eq = '\0';
            val = trim(eq + 1);
        }
        t = trim(t);
        if (*t)
            json_object_object_add(o, t, json_object_new_string(*val ? val : "yes"));
    }
    return o;
}

/* One cell of column c (s is the cell, NUL-terminated, modified) into st->entry. */
static void csv_cell(struct csv_state *st, const struct column *c, char *s)
{
    struct json_object *v = NULL;
    char *end;
    s = trim(s);
    if (!*s)
        return; /* an empty cell: not given */
    st->any = true;
    switch (c->type) {
    case COL_TEXT: v = json_object_new_string(s); break;
    case COL_LIST: v = split_list(s); break;
    case COL_NUMBER: {
        double d;
        for (char *p = s; *p; p++)
            if (*p == ',')
                *p = '.';
        d = strtod(s, &end);
        if (end == s || *end != '\0') {
            add_err(st->errs, c->name, "must be a number, like 51.83");
            return;
        }
        v = json_object_new_double_s(d, s);
        break;
    }
    case COL_INT: {
        long long n = strtoll(s, &end, 10);
        if (end == s || *end != '\0') {
            add_err(st->errs, c->name, "must be a whole number");
            return;
        }
        v = json_object_new_int64(n);
        break;
    }
    case COL_BOOL: {
        int b = parse_bool(s);
        if (b < 0) {
            add_err(st->errs, c->name, "must be ja or nee");
            return;
        }
        v = json_object_new_boolean(b);
        break;
    }
    case COL_DATETIME: {
        size_t n = strlen(s);
        if (n >= 16 && s[10] == ' ')
            s[10] = 'T';
        if (n == 19 && s[16] == ':' && s[17] == '0' && s[18] == '0')
            s[16] = '\0';
        v = json_object_new_string(s);
        break;
    }
    case COL_OPENING:
        v = parse_opening(s);
        if (v == NULL) {
            add_err(st->errs, c->name, "must be like \"mo 09:00-17:00;tu 13:00-17:00\"");
            return;
        }
        break;
    case COL_ACCESS: v = parse_access(s); break;
    }
    set_path(st->entry, c->path, v);
}

static void csv_on_field(void *data, size_t len, void *ctx)
{
    struct csv_state *st = ctx;
    size_t i = st->field++;
    char *s;

    if (!st->header_done) {
        size_t k;
        char name[96];
        if (i >= sizeof(st->col_of) / sizeof(st->col_of[0]))
            return;
        snprintf(name, sizeof(name), "%.*s", (int)(len < 95 ? len : 95), data ? (const char *)data : "");
        s = trim(name);
        /* a byte order mark before the first column */
        if (i == 0 && strncmp(s, "\xEF\xBB\xBF", 3) == 0)
            s += 3;
        for (k = 0; k < NCOLUMNS; k++)
            if (strcasecmp(s, columns[k].name) == 0)
                break;
        st->col_of[i] = k < NCOLUMNS ? (int)k : -1;
        if (k == NCOLUMNS && *s && !st->unknown[0])
            snprintf(st->unknown, sizeof(st->unknown), "%s", s);
        st->ncols = i + 1;
        return;
    }
    if (st->entry == NULL) {
        st->entry = json_object_new_object();
        st->errs = json_object_new_array();
        st->any = false;
    }
    if (i >= st->ncols) {
        if (len > 0) {
            st->any = true;
            if (i == st->ncols)
                add_err(st->errs, "", "has more cells than the header has columns");
        }
        return;
    }
    if (st->col_of[i] < 0 || data == NULL)
        return;
    if (len > CELL_MAX) {
        add_err(st->errs, columns[st->col_of[i]].name, "is too long");
        return;
    }
    s = malloc(len + 1);
    if (s == NULL)
        return;
    memcpy(s, data, len);
    s[len] = '\0';
    csv_cell(st, &columns[st->col_of[i]], s);
    free(s);
}

static void csv_on_record(int term, void *ctx)
{
    struct csv_state *st = ctx;
    int prev = st->last_term;
    st->last_term = term;
    st->field = 0;
    /* CSV_REPALL_NL reports every line end, also empty lines (so rows are the spreadsheet's); the
     * LF of a CRLF is not a line of its own */
    if (term == '\n' && prev == '\r' && st->entry == NULL)
        return;
    st->record++;
    if (!st->header_done) {
        st->header_done = true;
        return;
    }
    if (st->entry == NULL)
        return;
    if (!st->any) { /* an empty line, or only separators */
        json_object_put(st->entry);
        json_object_put(st->errs);
    } else if (json_object_array_length(st->rows) >= st->max_rows) {
        st->too_many = true;
        json_object_put(st->entry);
        json_object_put(st->errs);
    } else {
        add_row(st->rows, st->record, st->entry, st->errs);
    }
    st->entry = NULL;
    st->errs = NULL;
}

/* ';' when the header line has more semicolons than commas (a Dutch spreadsheet), else ','. */
static unsigned char csv_delimiter(const char *buf, size_t len)
{
    size_t commas = 0, semis = 0;
    for (size_t i = 0; i < len && buf[i] != '\n'; i++) {
        commas += buf[i] == ',';
        semis += buf[i] == ';';
    }
    return semis > commas ? ';' : ',';
}

static struct json_object *parse_csv(const char *buf, size_t len, size_t max_rows, char *err, size_t errsize)
{
    struct csv_parser p;
    struct csv_state *st = calloc(1, sizeof(*st));
    struct json_object *rows = NULL;
    bool has_kind = false;

    if (st == NULL || csv_init(&p, CSV_STRICT | CSV_STRICT_FINI | CSV_REPALL_NL) != 0) {
        free(st);
        snprintf(err, errsize, "Er is te weinig geheugen om het bestand te lezen.");
        return NULL;
    }
    csv_set_delim(&p, csv_delimiter(buf, len));
    st->rows = json_object_new_array();
    st->max_rows = max_rows;
    if (csv_parse(&p, buf, len, csv_on_field, csv_on_record, st) != len ||
        csv_fini(&p, csv_on_field, csv_on_record, st) != 0) {
        snprintf(err, errsize, "Het CSV-bestand klopt niet na rij %d: %s (staat er een aanhalingsteken \" te veel?)",
                 st->record, csv_strerror(csv_error(&p)));
        goto out;
    }
    for (size_t i = 0; i < st->ncols; i++)
        has_kind |= st->col_of[i] >= 0 && strcmp(columns[st->col_of[i]].name, "kind") == 0;
    if (st->unknown[0]) {
        snprintf(err, errsize,
                 "De kolom '%s' kennen we niet. Gebruik de kolommen van het voorbeeldbestand (template.csv).",
                 st->unknown);
        goto out;
    }
    if (!st->header_done || !has_kind) {
        snprintf(err, errsize, "De eerste rij moet de namen van de kolommen hebben, met in elk geval 'kind'.");
        goto out;
    }
    if (st->too_many) {
        snprintf(err, errsize, "Het bestand heeft meer dan %zu rijen. Splits het in kleinere bestanden.", max_rows);
        goto out;
    }
    rows = st->rows;
    st->rows = NULL;
out:
    if (st->entry != NULL) {
        json_object_put(st->entry);
        json_object_put(st->errs);
    }
    json_object_put(st->rows);
    csv_free(&p);
    free(st);
    return rows;
}

/* ------------------------------------------------------------------ */
/* HSDS 3.0 → rows */

/* The object with "id" == id in array a (ids compared as text), or NULL. */
static struct json_object *find_by_id(struct json_object *a, const char *id)
{
    size_t n = a ? json_object_array_length(a) : 0;
    if (id == NULL)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        struct json_object *o = json_object_array_get_idx(a, i);
        const char *oid = text_of(o, "id");
        if (oid != NULL && strcmp(oid, id) == 0)
            return o;
    }
    return NULL;
}

/* "Langendijk 10a" → street "Langendijk", house_number "10a". */
static void split_street(const char *line, struct json_object *address)
{
    const char *sp = strrchr(line, ' ');
    if (sp != NULL && isdigit((unsigned char)sp[1])) {
        json_object_object_add(address, "street", json_object_new_string_len(line, (int)(sp - line)));
        json_object_object_add(address, "house_number", json_object_new_string(sp + 1));
    } else {
        json_object_object_add(address, "street", json_object_new_string(line));
    }
}

static void hsds_address(struct json_object *loc, struct json_object *entry)
{
    struct json_object *addrs = array_of(loc, "addresses"), *a, *address;
    const char *v;
    double lat, lon;
    if (addrs == NULL || json_object_array_length(addrs) == 0)
        return;
    a = json_object_array_get_idx(addrs, 0);
    address = json_object_new_object();
    if ((v = str_of(a, "address_1")) != NULL)
        split_street(v, address);
    if ((v = str_of(a, "postal_code")) != NULL)
        json_object_object_add(address, "postcode", json_object_new_string(v));
    if ((v = str_of(a, "city")) != NULL)
        json_object_object_add(address, "city", json_object_new_string(v));
    json_object_object_add(entry, "address", address);
    if (get_path(loc, "latitude") != NULL && get_path(loc, "longitude") != NULL) {
        struct json_object *l = json_object_new_object();
        lat = json_object_get_double(get_path(loc, "latitude"));
        lon = json_object_get_double(get_path(loc, "longitude"));
        if (lat != 0 || lon != 0) {
            json_object_object_add(l, "lat",
                                   json_object_new_double_s(lat, json_object_get_string(get_path(loc, "latitude"))));
            json_object_object_add(l, "lon",
                                   json_object_new_double_s(lon, json_object_get_string(get_path(loc, "longitude"))));
            json_object_object_add(entry, "location", l);
        } else {
            json_object_put(l);
        }
    }
}

/* The schedules of an entity: nested in it (HSDS 3.0) or in the dataset's schedules with key_field == id. */
static void collect_schedules(struct json_object *set, struct json_object *ent, const char *key_field,
                              struct json_object *out)
{
    struct json_object *nested = array_of(ent, "schedules"), *all = array_of(set, "schedules");
    const char *id = text_of(ent, "id");
    for (size_t i = 0; nested && i < json_object_array_length(nested); i++)
        json_object_array_add(out, json_object_get(json_object_array_get_idx(nested, i)));
    for (size_t i = 0; all && id && i < json_object_array_length(all); i++) {
        struct json_object *s = json_object_array_get_idx(all, i);
        const char *ref = text_of(s, key_field);
        if (ref != NULL && strcmp(ref, id) == 0)
            json_object_array_add(out, json_object_get(s));
    }
}

static const char *const rrule_days[] = { "MO", "TU", "WE", "TH", "FR", "SA", "SU" };

/* HSDS "byday" ("MO,WE" or "Monday") → our two-letter days, upper case, comma separated. */
static void norm_byday(const char *in, char *out, size_t size)
{
    size_t pos = 0;
    out[0] = '\0';
    while (*in && pos + 4 < size) {
        char d[3];
        size_t k;
        while (*in == ',' || *in == ' ')
            in++;
        if (!in[0] || !in[1])
            break;
        d[0] = (char)toupper((unsigned char)in[0]);
        d[1] = (char)toupper((unsigned char)in[1]);
        d[2] = '\0';
        for (k = 0; k < 7; k++)
            if (strcmp(d, rrule_days[k]) == 0)
                break;
        if (k < 7)
            pos += (size_t)snprintf(out + pos, size - pos, "%s%s", pos ? "," : "", d);
        while (*in && *in != ',')
            in++;
    }
}

/* Opening hours from schedules with byday and opens_at/closes_at (a location's, or a place-like service's). */
static struct json_object *hsds_opening(struct json_object *scheds)
{
    static const char *const days[] = { "mo", "tu", "we", "th", "fr", "sa", "su" };
    struct json_object *a = json_object_new_array();
    for (size_t i = 0; i < json_object_array_length(scheds); i++) {
        struct json_object *s = json_object_array_get_idx(scheds, i);
        const char *by = str_of(s, "byday"), *o = str_of(s, "opens_at"), *c = str_of(s, "closes_at");
        char norm[64];
        int opens, closes;
        if (by == NULL || o == NULL || c == NULL)
            continue;
        opens = parse_time(o, strlen(o) >= 5 ? 5 : strlen(o));
        closes = parse_time(c, strlen(c) >= 5 ? 5 : strlen(c));
        if (opens < 0 || closes < 0)
            continue;
        norm_byday(by, norm, sizeof(norm));
        for (size_t k = 0; k < 7; k++) {
            if (strstr(norm, rrule_days[k]) != NULL) {
                struct json_object *h = json_object_new_object();
                json_object_object_add(h, "day", json_object_new_string(days[k]));
                json_object_object_add(h, "opens", time_json(opens));
                json_object_object_add(h, "closes", time_json(closes));
                json_object_array_add(a, h);
            }
        }
    }
    if (json_object_array_length(a) == 0) {
        json_object_put(a);
        return NULL;
    }
    return a;
}

/* The first schedule with a start date as the activity's schedule; true when there was one. */
static bool hsds_schedule(struct json_object *scheds, struct json_object *entry)
{
    for (size_t i = 0; i < json_object_array_length(scheds); i++) {
        struct json_object *s = json_object_array_get_idx(scheds, i), *sch;
        const char *date = str_of(s, "dtstart"), *o = str_of(s, "opens_at"), *c = str_of(s, "closes_at");
        const char *freq = str_of(s, "freq"), *by = str_of(s, "byday"), *until = str_of(s, "until");
        struct rrule_date d;
        char start[32], end[32], rule[160], norm[64];
        size_t pos = 0;
        int opens, closes;
        if (date == NULL)
            date = str_of(s, "valid_from");
        if (date == NULL || o == NULL || c == NULL || sscanf(date, "%4d-%2d-%2d", &d.year, &d.month, &d.day) != 3 ||
            !rrule_date_valid(d))
            continue;
        opens = parse_time(o, strlen(o) >= 5 ? 5 : strlen(o));
        closes = parse_time(c, strlen(c) >= 5 ? 5 : strlen(c));
        if (opens < 0 || closes < 0)
            continue;
        norm[0] = '\0';
        if (by != NULL)
            norm_byday(by, norm, sizeof(norm));
        if (freq != NULL) {
            char f[16];
            size_t k;
            for (k = 0; freq[k] && k + 1 < sizeof(f); k++)
                f[k] = (char)toupper((unsigned char)freq[k]);
            f[k] = '\0';
            pos += (size_t)snprintf(rule + pos, sizeof(rule) - pos, "FREQ=%s", f);
            if (get_path(s, "interval") != NULL && json_object_get_int(get_path(s, "interval")) > 1)
                pos += (size_t)snprintf(rule + pos, sizeof(rule) - pos, ";INTERVAL=%d",
                                        json_object_get_int(get_path(s, "interval")));
            if (norm[0])
                pos += (size_t)snprintf(rule + pos, sizeof(rule) - pos, ";BYDAY=%s", norm);
            if (get_path(s, "count") != NULL && json_object_get_int(get_path(s, "count")) > 0)
                pos += (size_t)snprintf(rule + pos, sizeof(rule) - pos, ";COUNT=%d",
                                        json_object_get_int(get_path(s, "count")));
            else if (until != NULL && strlen(until) >= 10)
                pos += (size_t)snprintf(rule + pos, sizeof(rule) - pos, ";UNTIL=%.4s%.2s%.2s", until, until + 5,
                                        until + 8);
            /* a weekly rule starts on its first day: move the start there (at most six days on) */
            if (strcmp(f, "WEEKLY") == 0 && norm[0]) {
                int64_t day = rrule_days_from_date(d);
                for (int k2 = 0; k2 < 7; k2++, day++)
                    if (strstr(norm, rrule_days[rrule_weekday_of(rrule_date_from_days(day))]) != NULL)
                        break;
                d = rrule_date_from_days(day);
            }
        }
        snprintf(start, sizeof(start), "%04d-%02d-%02dT%02d:%02d", d.year, d.month, d.day, opens / 60, opens % 60);
        snprintf(end, sizeof(end), "%04d-%02d-%02dT%02d:%02d", d.year, d.month, d.day, closes / 60, closes % 60);
        sch = json_object_new_object();
        json_object_object_add(sch, "start", json_object_new_string(start));
        json_object_object_add(sch, "end", json_object_new_string(end));
        if (freq != NULL)
            json_object_object_add(sch, "rrule", json_object_new_string(rule));
        json_object_object_add(entry, "schedule", sch);
        return true;
    }
    return false;
}

/* Themes from a service's attributes (taxonomy terms: their code or name) and its "taxonomy_terms". */
static void hsds_themes(struct json_object *svc, struct json_object *entry)
{
    struct json_object *themes = json_object_new_array();
    const char *lists[] = { "attributes", "taxonomy_terms" };
    for (size_t l = 0; l < 2; l++) {
        struct json_object *a = array_of(svc, lists[l]);
        for (size_t i = 0; a && i < json_object_array_length(a); i++) {
            struct json_object *t = json_object_array_get_idx(a, i);
            const char *v = str_of(t, "taxonomy_term.name");
            if (v == NULL)
                v = str_of(t, "taxonomy_term.code");
            if (v == NULL)
                v = str_of(t, "name");
            if (v == NULL)
                v = str_of(t, "code");
            if (v != NULL)
                json_object_array_add(themes, json_object_new_string(v));
        }
    }
    if (json_object_array_length(themes) > 0)
        json_object_object_add(entry, "themes", themes);
    else
        json_object_put(themes);
}

static void hsds_contact(struct json_object *ent, struct json_object *entry)
{
    struct json_object *contact = json_object_new_object(), *phones = array_of(ent, "phones");
    const char *v;
    if ((v = str_of(ent, "email")) != NULL)
        json_object_object_add(contact, "email", json_object_new_string(v));
    if ((v = str_of(ent, "url")) != NULL || (v = str_of(ent, "website")) != NULL)
        json_object_object_add(contact, "website", json_object_new_string(v));
    if (phones && json_object_array_length(phones) > 0 &&
        (v = str_of(json_object_array_get_idx(phones, 0), "number")) != NULL)
        json_object_object_add(contact, "phone", json_object_new_string(v));
    if (json_object_object_length(contact) > 0)
        json_object_object_add(entry, "contact", contact);
    else
        json_object_put(contact);
}

static void hsds_texts(struct json_object *ent, struct json_object *entry)
{
    const char *v;
    if ((v = str_of(ent, "name")) != NULL)
        json_object_object_add(entry, "title", json_object_new_string(v));
    if ((v = str_of(ent, "alternate_name")) != NULL)
        json_object_object_add(entry, "summary", json_object_new_string(v));
    if ((v = str_of(ent, "description")) != NULL)
        json_object_object_add(entry, "description", json_object_new_string(v));
}

static void hsds_org(struct json_object *set, const char *org_id, struct json_object *entry)
{
    struct json_object *org = find_by_id(array_of(set, "organizations"), org_id), *o;
    if (org_id == NULL)
        return;
    o = json_object_new_object();
    json_object_object_add(o, "external_id", json_object_new_string(org_id));
    if (str_of(org, "name") != NULL)
        json_object_object_add(o, "name", json_object_new_string(str_of(org, "name")));
    json_object_object_add(entry, "organisation", o);
}

/* HSDS accessibility of a location: descriptions, kept as given for SQL to map. */
static void hsds_access(struct json_object *loc, struct json_object *entry)
{
    struct json_object *a = array_of(loc, "accessibility"), *o = json_object_new_object();
    for (size_t i = 0; a && i < json_object_array_length(a); i++) {
        const char *d = str_of(json_object_array_get_idx(a, i), "description");
        if (d != NULL)
            json_object_object_add(o, d, json_object_new_string("yes"));
    }
    if (json_object_object_length(o) > 0)
        json_object_object_add(entry, "accessibility", o);
    else
        json_object_put(o);
}

/* The location of a service: its first service_at_location (nested or in the dataset). */
static struct json_object *hsds_service_location(struct json_object *set, struct json_object *svc)
{
    struct json_object *sal = array_of(svc, "service_at_locations"), *all = array_of(set, "service_at_locations");
    const char *id = text_of(svc, "id");
    if (sal && json_object_array_length(sal) > 0) {
        struct json_object *s = json_object_array_get_idx(sal, 0), *loc = get_path(s, "location");
        if (loc != NULL && json_object_is_type(loc, json_type_object))
            return loc;
        return find_by_id(array_of(set, "locations"), text_of(s, "location_id"));
    }
    for (size_t i = 0; all && id && i < json_object_array_length(all); i++) {
        struct json_object *s = json_object_array_get_idx(all, i);
        if (text_of(s, "service_id") && strcmp(text_of(s, "service_id"), id) == 0)
            return find_by_id(array_of(set, "locations"), text_of(s, "location_id"));
    }
    return NULL;
}

/* A location as a place entry. */
static struct json_object *hsds_place(struct json_object *set, struct json_object *loc, const char *ext,
                                      const char *org_id)
{
    struct json_object *entry = json_object_new_object(), *sch = json_object_new_array(), *oh;
    json_object_object_add(entry, "kind", json_object_new_string("place"));
    if (ext != NULL)
        json_object_object_add(entry, "external_id", json_object_new_string(ext));
    hsds_org(set, org_id, entry);
    hsds_texts(loc, entry);
    hsds_address(loc, entry);
    hsds_access(loc, entry);
    collect_schedules(set, loc, "location_id", sch);
    if ((oh = hsds_opening(sch)) != NULL)
        json_object_object_add(entry, "opening_hours", oh);
    json_object_put(sch);
    return entry;
}

static bool used_as_place(struct json_object *places, const char *id)
{
    for (size_t i = 0; id && i < json_object_array_length(places); i++)
        if (strcmp(json_object_get_string(json_object_array_get_idx(places, i)), id) == 0)
            return true;
    return false;
}

/*
 * HSDS 3.0 as its API serves it nests a service's organization (and the
 * locations of its service_at_locations) in the service. Make the nested
 * organizations part of the dataset's "organizations", give each service its
 * organization_id, and each nested location without one its service's, so
 * the rest reads every file the same way.
 */
static void hsds_normalise(struct json_object *set, struct json_object *svcs)
{
    struct json_object *orgs = array_of(set, "organizations");
    for (size_t i = 0; svcs && i < json_object_array_length(svcs); i++) {
        struct json_object *svc = json_object_array_get_idx(svcs, i), *org = get_path(svc, "organization");
        struct json_object *sal = array_of(svc, "service_at_locations");
        const char *oid = text_of(org, "id");
        if (org == NULL || !json_object_is_type(org, json_type_object) || oid == NULL)
            continue;
        if (orgs == NULL) {
            orgs = json_object_new_array();
            json_object_object_add(set, "organizations", orgs);
        }
        if (find_by_id(orgs, oid) == NULL)
            json_object_array_add(orgs, json_object_get(org));
        if (text_of(svc, "organization_id") == NULL)
            json_object_object_add(svc, "organization_id", json_object_new_string(oid));
        for (size_t k = 0; sal && k < json_object_array_length(sal); k++) {
            struct json_object *loc = get_path(json_object_array_get_idx(sal, k), "location");
            if (loc && json_object_is_type(loc, json_type_object) && text_of(loc, "organization_id") == NULL)
                json_object_object_add(loc, "organization_id", json_object_new_string(oid));
        }
    }
}

static struct json_object *parse_hsds(struct json_object *set, size_t max_rows, char *err, size_t errsize)
{
    struct json_object *rows = json_object_new_array(), *svcs = array_of(set, "services");
    struct json_object *locs, *needed = json_object_new_array();
    struct json_object *nested_locs = json_object_new_array();
    size_t nsvc = svcs ? json_object_array_length(svcs) : 0;
    int n = 0;

    hsds_normalise(set, svcs);
    locs = array_of(set, "locations");

    for (size_t i = 0; i < nsvc; i++) {
        struct json_object *svc = json_object_array_get_idx(svcs, i), *entry, *sch, *loc;
        const char *org_id = text_of(svc, "organization_id"), *lid;
        n++;
        if (!json_object_is_type(svc, json_type_object)) {
            struct json_object *errs = json_object_new_array();
            add_err(errs, "", "must be an HSDS service object");
            add_row(rows, n, json_object_new_object(), errs);
            continue;
        }
        loc = hsds_service_location(set, svc);
        lid = text_of(loc, "id");
        if (org_id == NULL)
            org_id = text_of(loc, "organization_id");
        sch = json_object_new_array();
        collect_schedules(set, svc, "service_id", sch);
        entry = json_object_new_object();
        if (hsds_schedule(sch, entry)) {
            json_object_object_add(entry, "kind", json_object_new_string("activity"));
            if (lid != NULL) {
                json_object_object_add(entry, "place_external_id", json_object_new_string(lid));
                if (!used_as_place(needed, lid)) {
                    json_object_array_add(needed, json_object_new_string(lid));
                    if (find_by_id(locs, lid) == NULL) /* nested only: keep it for the places below */
                        json_object_array_add(nested_locs, json_object_get(loc));
                }
            }
        } else {
            struct json_object *oh;
            json_object_put(entry);
            entry = loc ? hsds_place(set, loc, NULL, NULL) : json_object_new_object();
            json_object_object_add(entry, "kind", json_object_new_string("place"));
            if ((oh = hsds_opening(sch)) != NULL)
                json_object_object_add(entry, "opening_hours", oh);
        }
        json_object_put(sch);
        if (text_of(svc, "id") != NULL)
            json_object_object_add(entry, "external_id", json_object_new_string(text_of(svc, "id")));
        json_object_object_del(entry, "title");
        json_object_object_del(entry, "summary");
        json_object_object_del(entry, "description");
        hsds_texts(svc, entry);
        hsds_themes(svc, entry);
        hsds_contact(svc, entry);
        json_object_object_del(entry, "organisation");
        hsds_org(set, org_id, entry);
        add_row(rows, n, entry, json_object_new_array());
    }
    /* the places the activities refer to: every location of the dataset, and nested ones in use */
    for (size_t pass = 0; pass < 2; pass++) {
        struct json_object *a = pass == 0 ? locs : nested_locs;
        for (size_t i = 0; a && i < json_object_array_length(a); i++) {
            struct json_object *loc = json_object_array_get_idx(a, i);
            const char *lid = text_of(loc, "id");
            n++;
            if (lid == NULL && pass == 0 && !used_as_place(needed, lid))
                continue;
            add_row(rows, n, hsds_place(set, loc, lid, text_of(loc, "organization_id")), json_object_new_array());
        }
    }
    json_object_put(needed);
    json_object_put(nested_locs);
    /* places first: the activities refer to them */
    {
        struct json_object *sorted = json_object_new_array();
        for (int pass = 0; pass < 2; pass++) {
            for (size_t i = 0; i < json_object_array_length(rows); i++) {
                struct json_object *r = json_object_array_get_idx(rows, i);
                const char *k = str_of(r, "entry.kind");
                bool place = k != NULL && strcmp(k, "place") == 0;
                if (place == (pass == 0))
                    json_object_array_add(sorted, json_object_get(r));
            }
        }
        json_object_put(rows);
        rows = sorted;
    }
    if (json_object_array_length(rows) > max_rows) {
        snprintf(err, errsize, "Het bestand heeft meer dan %zu diensten en locaties. Splits het in kleinere bestanden.",
                 max_rows);
        json_object_put(rows);
        return NULL;
    }
    return rows;
}

/*
 * HSDS files come in three shapes: a dataset object with "services" (and
 * the other tables), a page of the HSDS API ({"contents": [services...],
 * "total_items": ...}), or a plain list of services. The last two become a
 * dataset {"services": [...]}; anything else is returned as it is. A list is
 * one of services when its first object has no "kind" (the project's own
 * entries always do) and has HSDS's organization or service_at_locations.
 * Consumes doc.
 */
static struct json_object *hsds_dataset(struct json_object *doc)
{
    struct json_object *list = NULL, *first, *set;
    if (json_object_is_type(doc, json_type_object) && !json_object_object_get_ex(doc, "services", NULL) &&
        (list = array_of(doc, "contents")) != NULL && json_object_object_get_ex(doc, "total_items", NULL)) {
        /* an API page */
    } else if (json_object_is_type(doc, json_type_array) && json_object_array_length(doc) > 0 &&
               json_object_is_type(first = json_object_array_get_idx(doc, 0), json_type_object) &&
               get_path(first, "kind") == NULL &&
               (get_path(first, "organization") || get_path(first, "organization_id") ||
                get_path(first, "service_at_locations"))) {
        list = doc;
    } else {
        return doc;
    }
    set = json_object_new_object();
    json_object_object_add(set, "services", json_object_get(list));
    json_object_put(doc);
    return set;
}

/* ------------------------------------------------------------------ */
/* The project's JSON → rows */

static struct json_object *parse_own(struct json_object *doc, size_t max_rows, char *err, size_t errsize)
{
    struct json_object *list = doc, *rows;
    size_t n;
    if (json_object_is_type(doc, json_type_object) && !json_object_object_get_ex(doc, "entries", &list) &&
        !json_object_object_get_ex(doc, "items", &list))
        list = NULL;
    if (list == NULL || !json_object_is_type(list, json_type_array)) {
        snprintf(err, errsize,
                 "Het JSON-bestand moet een lijst met activiteiten, plekken en vacatures zijn "
                 "(of een object met \"entries\", of een HSDS-bestand met \"services\").");
        return NULL;
    }
    n = json_object_array_length(list);
    if (n > max_rows) {
        snprintf(err, errsize, "Het bestand heeft meer dan %zu rijen. Splits het in kleinere bestanden.", max_rows);
        return NULL;
    }
    rows = json_object_new_array();
    for (size_t i = 0; i < n; i++) {
        struct json_object *e = json_object_array_get_idx(list, i), *errs = json_object_new_array();
        if (!json_object_is_type(e, json_type_object))
            add_err(errs, "", "must be a JSON object");
        add_row(rows, (int)i + 1, json_object_get(e), errs);
    }
    return rows;
}

/* ------------------------------------------------------------------ */

static bool looks_like_json(const char *buf, size_t len)
{
    size_t i = 0;
    if (len >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0)
        i = 3;
    while (i < len && (buf[i] == ' ' || buf[i] == '\t' || buf[i] == '\r' || buf[i] == '\n'))
        i++;
    return i < len && (buf[i] == '{' || buf[i] == '[');
}

/*
 * A CSV that is not UTF-8 is almost always one Excel saved as "CSV" on a Dutch Windows: Windows-1252.
 * Its text in UTF-8 (malloc'd, *out_len), or NULL when it is not that either (glibc's iconv).
 */
static char *windows1252_to_utf8(const char *buf, size_t len, size_t *out_len)
{
    iconv_t cd = iconv_open("UTF-8", "WINDOWS-1252");
    size_t cap = len * 3 + 1, in_left = len, out_left = cap;
    char *out, *in = (char *)buf, *o;

    if (cd == (iconv_t)-1)
        return NULL;
    if ((out = o = malloc(cap)) == NULL || iconv(cd, &in, &in_left, &o, &out_left) == (size_t)-1) {
        free(out);
        iconv_close(cd);
        return NULL;
    }
    iconv_close(cd);
    *out_len = cap - out_left;
    *o = '\0';
    return out;
}

struct json_object *import_parse(enum import_format fmt, const char *buf, size_t len, size_t max_rows,
                                 enum import_format *used, char *err, size_t errsize)
{
    struct json_object *doc, *rows, *svcs;
    struct json_tokener *tok;
    size_t skip = 0;

    *used = fmt;
    if (!utf8_valid(buf, len) && memchr(buf, '\0', len) == NULL && fmt != IMPORT_FORMAT_JSON &&
        fmt != IMPORT_FORMAT_HSDS && !looks_like_json(buf, len)) {
        size_t n;
        char *text = windows1252_to_utf8(buf, len, &n);
        if (text != NULL) {
            *used = IMPORT_FORMAT_CSV;
            rows = parse_csv(text, n, max_rows, err, errsize);
            free(text);
            return rows;
        }
    }
    if (!utf8_valid(buf, len) || memchr(buf, '\0', len) != NULL) {
        snprintf(err, errsize, "Het bestand is geen tekst in UTF-8. Sla het op als \"CSV UTF-8\" of als JSON.");
        return NULL;
    }
    if (fmt == IMPORT_FORMAT_AUTO && !looks_like_json(buf, len))
        fmt = IMPORT_FORMAT_CSV;
    if (fmt == IMPORT_FORMAT_CSV) {
        *used = fmt;
        return parse_csv(buf, len, max_rows, err, errsize);
    }
    if (len >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0)
        skip = 3;
    tok = json_tokener_new_ex(IMPORT_JSON_DEPTH);
    if (tok == NULL) {
        snprintf(err, errsize, "Er is te weinig geheugen om het bestand te lezen.");
        return NULL;
    }
    json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
    doc = json_tokener_parse_ex(tok, buf + skip, (int)(len - skip));
    if (doc == NULL || json_tokener_get_parse_end(tok) + skip < len) {
        enum json_tokener_error e = json_tokener_get_error(tok);
        snprintf(err, errsize, "Het JSON-bestand klopt niet (bij teken %zu): %s.",
                 json_tokener_get_parse_end(tok) + skip,
                 doc == NULL ? json_tokener_error_desc(e) : "er staat nog iets na het einde");
        json_object_put(doc);
        json_tokener_free(tok);
        return NULL;
    }
    json_tokener_free(tok);
    doc = hsds_dataset(doc);
    if (fmt == IMPORT_FORMAT_AUTO)
        fmt = json_object_is_type(doc, json_type_object) && json_object_object_get_ex(doc, "services", &svcs)
                  ? IMPORT_FORMAT_HSDS
                  : IMPORT_FORMAT_JSON;
    *used = fmt;
    if (fmt == IMPORT_FORMAT_HSDS) {
        if (!json_object_is_type(doc, json_type_object) || array_of(doc, "services") == NULL) {
            snprintf(err, errsize, "Een HSDS-bestand is een JSON-object met een lijst \"services\".");
            rows = NULL;
        } else {
            rows = parse_hsds(doc, max_rows, err, errsize);
        }
    } else {
        rows = parse_own(doc, max_rows, err, errsize);
    }
    json_object_put(doc);
    return rows;
}

/* ------------------------------------------------------------------ */
/* Entries → CSV */

struct strbuf {
    char *s;
    size_t len, cap;
    bool failed;
};

static void sb_add(struct strbuf *b, const char *s, size_t n)
{
    if (b->failed)
        return;
    if (b->len + n + 1 > b->cap) {
        size_t cap = (b->cap ? b->cap * 2 : 256) + n;
        char *p = realloc(b->s, cap);
        if (p == NULL) {
            b->failed = true;
            return;
        }
        b->s = p;
        b->cap = cap;
    }
    memcpy(b->s + b->len, s, n);
    b->len += n;
    b->s[b->len] = '\0';
}

static void sb_str(struct strbuf *b, const char *s)
{
    sb_add(b, s, strlen(s));
}

/* One cell's text (unquoted) for value v of column c. */
static void cell_text(struct strbuf *t, const struct column *c, struct json_object *v)
{
    switch (c->type) {
    case COL_LIST:
        for (size_t i = 0; json_object_is_type(v, json_type_array) && i < json_object_array_length(v); i++) {
            if (i)
                sb_str(t, ";");
            sb_str(t, json_object_get_string(json_object_array_get_idx(v, i)));
        }
        break;
    case COL_BOOL: sb_str(t, json_object_get_boolean(v) ? "ja" : "nee"); break;
    case COL_OPENING:
        for (size_t i = 0; json_object_is_type(v, json_type_array) && i < json_object_array_length(v); i++) {
            struct json_object *h = json_object_array_get_idx(v, i);
            char one[64];
            snprintf(one, sizeof(one), "%s%s %s-%s", i ? ";" : "", str_of(h, "day") ? str_of(h, "day") : "",
                     str_of(h, "opens") ? str_of(h, "opens") : "", str_of(h, "closes") ? str_of(h, "closes") : "");
            sb_str(t, one);
        }
        break;
    case COL_ACCESS: {
        bool first = true;
        if (!json_object_is_type(v, json_type_object))
            break;
        json_object_object_foreach(v, key, val)
        {
            sb_str(t, first ? "" : ";");
            sb_str(t, key);
            sb_str(t, "=");
            sb_str(t, json_object_get_string(val));
            first = false;
        }
        break;
    }
    case COL_NUMBER:
    case COL_INT: sb_str(t, json_object_to_json_string(v)); break;
    default: sb_str(t, json_object_get_string(v));
    }
}

char *import_csv_row(struct json_object *entry)
{
    struct strbuf line = { 0 }, cell = { 0 };
    for (size_t i = 0; i < NCOLUMNS; i++) {
        struct json_object *v = get_path(entry, columns[i].path);
        if (i)
            sb_str(&line, ",");
        if (v == NULL || json_object_is_type(v, json_type_null))
            continue;
        cell.len = 0;
        sb_str(&cell, "");
        cell_text(&cell, &columns[i], v);
        if (cell.failed)
            break;
        if (cell.len > 0) {
            size_t need = csv_write(NULL, 0, cell.s, cell.len);
            char *q = malloc(need + 1);
            if (q == NULL) {
                line.failed = true;
                break;
            }
            csv_write(q, need, cell.s, cell.len);
            sb_add(&line, q, need);
            free(q);
        }
    }
    sb_str(&line, "\n");
    free(cell.s);
    if (line.failed || cell.failed) {
        free(line.s);
        return NULL;
    }
    return line.s;
}

/* ------------------------------------------------------------------ */
/* Dutch texts for the report */

const char *import_message_nl(const char *message, char *buf, size_t cap)
{
    /* whole messages */
    static const struct {
        const char *en, *nl;
    } texts[] = {
        { "is required", "is verplicht" },
        { "is required and cannot be removed", "is verplicht" },
        { "unknown field", "kennen we niet" },
        { "must be a number, like 51.83", "moet een getal zijn, zoals 51.83" },
        { "must be a whole number", "moet een heel getal zijn" },
        { "must be ja or nee", "moet ja of nee zijn" },
        { "must be true or false", "moet ja of nee zijn" },
        { "must be after start", "moet na het begin liggen" },
        { "must be later than opens", "moet later zijn dan de openingstijd" },
        { "has more cells than the header has columns", "heeft meer vakjes dan er kolommen zijn" },
        { "must be one of: place, activity, vacancy, carer_support, service",
          "moet place, activity, vacancy, carer_support of service zijn" },
        { "an activity needs one of place_id, address or online: true",
          "een activiteit heeft een plek (place_external_id), een adres of online: ja nodig" },
        { "only one of place_id, address or online: true may be given",
          "geef een plek, een adres of online: ja, niet meer dan een van de drie" },
        { "is not the external_id of a place in this kaart or earlier in this file",
          "hoort niet bij een plek in de kaart of eerder in dit bestand" },
        { "does not select the start date; start must be the first occurrence",
          "past niet bij de begindatum: het begin moet de eerste keer zijn" },
        { "must be within 24 hours of start (repeat with rrule instead)",
          "moet binnen 24 uur na het begin liggen (gebruik anders een herhaling)" },
        { "UNTIL lies before start", "de herhaling eindigt voor het begin" },
        { "must not be empty or only spaces", "mag niet leeg zijn" },
        { "must not contain control characters", "mag geen stuurtekens bevatten" },
        { "must be valid UTF-8", "moet geldige tekst (UTF-8) zijn" },
        { "must be an e-mail address like info@example.nl", "moet een e-mailadres zijn, zoals info@example.nl" },
        { "must be an absolute http:// or https:// URL with a host name, like https://example.nl/page",
          "moet een webadres zijn, zoals https://example.nl/pagina" },
        { "needs capacity", "heeft het aantal plaatsen (capacity) nodig" },
        { "must not be more than capacity", "mag niet meer zijn dan het aantal plaatsen (capacity)" },
        { "must have \"free\": true or an amount_eur", "moet gratis zijn of een bedrag hebben" },
        { "must be 0 or left out when free is true", "moet 0 zijn of leeg blijven als het gratis is" },
        { "must have at most 2 decimals (whole cents)", "mag hoogstens 2 cijfers achter de komma hebben" },
        { "is only allowed together with address", "mag alleen samen met een adres" },
        { "has been retired and can no longer be chosen", "is niet meer te kiezen" },
        { "the organisation given for this import does not exist",
          "de organisatie die u voor deze import opgaf, bestaat niet" },
    };
    /* messages that begin so: the Dutch beginning, then the rest as it was (or nothing) */
    static const struct {
        const char *en, *nl;
        bool keep_rest;
    } starts[] = {
        { "is required: ", "is verplicht", false },
        { "is required when ", "is verplicht", false },
        { "is not a known code", "is geen bekende code", false },
        { "is not a known organisation", "is geen bekende organisatie", false },
        { "is not a known campaign", "is geen bekende campagne", false },
        { "is not the id of an existing place", "is geen bestaande plek", false },
        { "belongs to municipality ", "hoort bij een andere gemeente", false },
        { "is a campaign of municipality ", "is een campagne van een andere gemeente", false },
        { "ended on ", "is een campagne die voorbij is", false },
        { "must be one of: ", "moet een van deze zijn: ", true },
        { "must be one of ", "moet een van deze zijn: ", true },
        { "cannot be stored: ", "kan niet worden opgeslagen: ", true },
        { "has a value the database cannot store: ", "heeft een waarde die niet kan worden opgeslagen: ", true },
    };
    /* messages with a number in them */
    static const struct {
        const char *en, *nl; /* one %d each, where the number goes */
    } counted[] = {
        { "must be at most %d characters", "mag hoogstens %d tekens hebben" },
        { "must be a string of at most %d characters", "moet tekst zijn van hoogstens %d tekens" },
        { "must be at least %d characters", "moet minstens %d tekens hebben" },
        { "must have at most %d items", "mag hoogstens %d keuzes hebben" },
        { "must have at most %d facets", "mag hoogstens %d kenmerken hebben" },
    };
    if (message == NULL)
        return "";
    for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++)
        if (strcmp(message, texts[i].en) == 0)
            return texts[i].nl;
    for (size_t i = 0; i < sizeof(starts) / sizeof(starts[0]); i++) {
        size_t n = strlen(starts[i].en);
        if (strncmp(message, starts[i].en, n) == 0) {
            if (!starts[i].keep_rest)
                return starts[i].nl;
            snprintf(buf, cap, "%s%s", starts[i].nl, message + n);
            return buf;
        }
    }
    for (size_t i = 0; i < sizeof(counted) / sizeof(counted[0]); i++) {
        const char *pct = strstr(counted[i].en, "%d");
        size_t head = (size_t)(pct - counted[i].en);
        char *end;
        long v;
        if (strncmp(message, counted[i].en, head) != 0)
            continue;
        v = strtol(message + head, &end, 10);
        if (end == message + head || strcmp(end, pct + 2) != 0)
            continue;
        pct = strstr(counted[i].nl, "%d");
        snprintf(buf, cap, "%.*s%ld%s", (int)(pct - counted[i].nl), counted[i].nl, v, pct + 2);
        return buf;
    }
    return message;
}
