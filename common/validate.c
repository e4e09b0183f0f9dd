/*
 * validate: entry bodies against the public field contract.
 * See validate.h for what is checked here and what is left to SQL.
 *
 * Layout: limits; UTF-8; the error list; the JSON body gate; the walk
 * context; value readers and checks (one per field format); object checks
 * (the rules across an entry's members are SQL's, sk_entry_complete_errors);
 * one member table per kind; public entry points.
 */
#include "validate.h"

#include <json-c/json.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "rrule.h"
#include "utf8.h"

#define UNUSED __attribute__((unused))

/*
 * Field limits of the public contract (the API documentation must say the
 * same). They are part of the API, not tunables, so they live here, not in cfg.
 */
enum {
    TITLE_MAX = CONTRACT_TITLE_MAX,
    SUMMARY_MAX = CONTRACT_SUMMARY_MAX,
    DESCRIPTION_MAX = CONTRACT_DESCRIPTION_MAX,
    CODE_MAX = CONTRACT_CODE_MAX, /* theme, audience, area, facet, support kind, ... */
    AREAS_MAX = 50,
    CODES_MAX = 30,       /* themes, audiences, for_whom */
    ALSO_SERVES_MAX = 50, /* issue 16: the other municipalities of a regional entry */
    LANGUAGES_MAX = 30,
    IMAGES_MAX = 10,
    FACETS_MAX = 50,
    COST_TEXT_MAX = 200,
    COST_AMOUNT_MAX = 10000,
    COST_DECIMALS_SCALE = 100, /* at most 2 decimals */
    PHONE_CHARS_MIN = 8,
    PHONE_CHARS_MAX = 20,
    PHONE_DIGITS_MIN = 9,
    PHONE_DIGITS_MAX = 15,
    EMAIL_MAX = 254,
    EMAIL_LOCAL_MAX = 64,
    URL_MAX = 2048,
    HOST_MAX = 253,
    HOST_LABEL_MAX = 63,
    PORT_MAX = 65535,
    STREET_MAX = 200,
    HOUSE_NUMBER_MAX = 20,
    CITY_MAX = 100,
    OPENING_HOURS_MAX = 50,
    MINUTES_PER_DAY = 24 * 60,
    EXDATES_MAX = 366,
    EXCEPTION_SETS_MAX = 20,
    CAPACITY_MAX = CONTRACT_CAPACITY_MAX,
    HOURS_PER_WEEK_MAX = 60,
    AGE_MAX = 99,
    SKILLS_MAX = 30,
    SKILL_MAX = 100,
    YEAR_MIN = CONTRACT_YEAR_MIN, /* schedules and dates outside this range are typos */
    YEAR_MAX = CONTRACT_YEAR_MAX,
};

/* The Netherlands' bounding box (WGS84 degrees). */
static const double LAT_MIN = 50.75, LAT_MAX = 53.7, LON_MIN = 3.2, LON_MAX = 7.25;
/* Tolerance when checking that an amount has at most 2 decimals. */
static const double DECIMALS_EPSILON = 1e-6;

/* ISO 639-1 codes (as in Debian iso-codes), two letters each, space separated. */
static const char ISO_639_1[] =
    "aa ab ae af ak am an ar as av ay az ba be bg bh bi bm bn bo br bs ca ce ch co cr cs cu cv cy "
    "da de dv dz ee el en eo es et eu fa ff fi fj fo fr fy ga gd gl gn gu gv ha he hi ho hr ht hu "
    "hy hz ia id ie ig ii ik io is it iu ja jv ka kg ki kj kk kl km kn ko kr ks ku kv kw ky la lb "
    "lg li ln lo lt lu lv mg mh mi mk ml mn mr ms mt my na nb nd ne ng nl nn no nr nv ny oc oj om "
    "or os pa pi pl ps pt qu rm rn ro ru rw sa sc sd se sg si sk sl sm sn so sq sr ss st su sv sw "
    "ta te tg th ti tk tl tn to tr ts tt tw ty ug uk ur uz ve vi vo wa wo xh yi yo za zh zu";

/* ------------------------------------------------------------------ */
/* UTF-8 */

/*
 * Appends src[0..n) to dst (holding len bytes, dstsize in all) and
 * NUL-terminates. Stops before a code point that does not fit, so the
 * result is always valid UTF-8; invalid bytes become '?'. Returns the new
 * length.
 */
static size_t utf8_append(char *dst, size_t dstsize, size_t len, const char *src, size_t n)
{
    const unsigned char *s = (const unsigned char *)src;
    for (size_t i = 0; i < n;) {
        uint32_t cp;
        size_t step = utf8_decode(s + i, n - i, &cp);
        const char *piece = step ? src + i : "?";
        size_t piece_len = step ? step : 1;
        if (len + piece_len >= dstsize)
            break;
        memcpy(dst + len, piece, piece_len);
        len += piece_len;
        i += step ? step : 1;
    }
    if (dstsize > 0)
        dst[len] = '\0';
    return len;
}

/* ------------------------------------------------------------------ */
/* Error list */

void verr_init(struct verr_list *l)
{
    l->count = 0;
    l->overflow = false;
}

__attribute__((format(printf, 3, 0))) static void verr_vadd(struct verr_list *l, const char *field, const char *fmt,
                                                            va_list ap)
{
    char msg[VERR_MESSAGE_SIZE];
    struct verr *e;
    if (l->count == VERR_MAX) {
        l->overflow = true;
        return;
    }
    e = &l->items[l->count++];
    vsnprintf(msg, sizeof msg, fmt, ap);
    field = field ? field : "";
    utf8_append(e->field, sizeof e->field, 0, field, strlen(field));
    utf8_append(e->message, sizeof e->message, 0, msg, strlen(msg));
}

void verr_add(struct verr_list *l, const char *field, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    verr_vadd(l, field, fmt, ap);
    va_end(ap);
}

bool verr_empty(const struct verr_list *l)
{
    return l->count == 0 && !l->overflow;
}

/* One {"field", "message"} object; NULL when json-c cannot allocate. */
static struct json_object *verr_item(const char *field, const char *message)
{
    struct json_object *o = json_object_new_object();
    if (o == NULL)
        return NULL;
    json_object_object_add(o, "field", json_object_new_string(field));
    json_object_object_add(o, "message", json_object_new_string(message));
    return o;
}

struct json_object *verr_to_json(const struct verr_list *l)
{
    char msg[VERR_MESSAGE_SIZE];
    struct json_object *arr = json_object_new_array();
    if (arr == NULL)
        return NULL;
    for (size_t i = 0; i < l->count; i++)
        json_object_array_add(arr, verr_item(l->items[i].field, l->items[i].message));
    if (l->overflow) {
        snprintf(msg, sizeof msg, "too many errors: only the first %d are listed", VERR_MAX);
        json_object_array_add(arr, verr_item("", msg));
    }
    return arr;
}

/* ------------------------------------------------------------------ */
/* JSON body gate */

/* The first byte that is not UTF-8, or a NUL; NULL when the text is clean. */
static const char *body_encoding_problem(const unsigned char *s, size_t n, size_t *at)
{
    for (size_t i = 0; i < n;) {
        uint32_t cp;
        size_t step = utf8_decode(s + i, n - i, &cp);
        *at = i;
        if (step == 0)
            return "is not valid UTF-8";
        if (cp == 0)
            return "contains a NUL byte";
        i += step;
    }
    return NULL;
}

static bool is_digit(unsigned char ch)
{
    return ch >= '0' && ch <= '9';
}

static bool is_json_space(unsigned char ch)
{
    return ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n';
}

/* The value of four hex digits at s (n bytes left), or -1. */
static long hex4(const unsigned char *s, size_t n)
{
    long v = 0;
    if (n < 4)
        return -1;
    for (size_t k = 0; k < 4; k++) {
        int d = s[k] >= '0' && s[k] <= '9'   ? s[k] - '0'
                : s[k] >= 'a' && s[k] <= 'f' ? s[k] - 'a' + 10
                : s[k] >= 'A' && s[k] <= 'F' ? s[k] - 'A' + 10
                                             : -1;
        if (d < 0)
            return -1;
        v = v * 16 + d;
    }
    return v;
}

/*
 * A \u escape at s[i] ('u' already seen at s[i - 1]): PostgreSQL refuses \u0000 and a
 * surrogate without its partner, so they are the caller's error here, not a 500 there.
 * Returns the index after the escape (and its low half, when it is a pair).
 */
static size_t lex_unicode_escape(const unsigned char *s, size_t n, size_t i, const char **problem)
{
    long v = hex4(s + i, n - i), lo;
    if (v < 0) {
        *problem = "has a \\u escape without four hex digits";
        return i;
    }
    if (v == 0) {
        *problem = "holds \\u0000 (a NUL character), which text may not contain";
        return i;
    }
    if (v >= 0xdc00 && v <= 0xdfff) {
        *problem =
            "holds a lone \\u surrogate (the second half of a pair without the first); send the character itself";
        return i;
    }
    if (v >= 0xd800 && v <= 0xdbff) {
        if (n - i < 10 || s[i + 4] != '\\' || s[i + 5] != 'u' || (lo = hex4(s + i + 6, n - i - 6)) < 0xdc00 ||
            lo > 0xdfff) {
            *problem =
                "holds a lone \\u surrogate (the first half of a pair without the second); send the character itself";
            return i;
        }
        return i + 10;
    }
    return i + 4;
}

/* Skips a string body after its opening quote; raw control bytes are not JSON. */
static size_t lex_string(const unsigned char *s, size_t n, size_t i, const char **problem)
{
    while (i < n && s[i] != '"' && *problem == NULL) {
        if (s[i] < 0x20) {
            *problem = "control character inside a string (use \\n, \\t, ...)";
            return i;
        }
        if (s[i] == '\\' && i + 1 < n && s[i + 1] == 'u') {
            i = lex_unicode_escape(s, n, i + 2, problem);
            continue;
        }
        i += s[i] == '\\' ? 2 : 1;
    }
    return i + 1;
}

/* RFC 8259 number: -? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)? */
static size_t lex_number(const unsigned char *s, size_t n, size_t i, const char **problem)
{
    size_t start;
    i += i < n && s[i] == '-';
    start = i;
    while (i < n && is_digit(s[i]))
        i++;
    if (i == start || (s[start] == '0' && i - start > 1))
        *problem = "malformed number";
    if (i < n && s[i] == '.') {
        start = ++i;
        while (i < n && is_digit(s[i]))
            i++;
        if (i == start)
            *problem = "malformed number";
    }
    if (i < n && (s[i] == 'e' || s[i] == 'E')) {
        i++;
        i += i < n && (s[i] == '+' || s[i] == '-');
        start = i;
        while (i < n && is_digit(s[i]))
            i++;
        if (i == start)
            *problem = "malformed number";
    }
    return i;
}

/* Outside strings only true, false and null are words (no NaN, Infinity). */
static size_t lex_word(const unsigned char *s, size_t n, size_t i, const char **problem)
{
    static const char *const words[] = { "true", "false", "null" };
    for (size_t w = 0; w < sizeof words / sizeof words[0]; w++) {
        size_t len = strlen(words[w]);
        if (n - i >= len && memcmp(s + i, words[w], len) == 0)
            return i + len;
    }
    *problem = "unexpected word (only true, false and null are allowed)";
    return i;
}

/*
 * Where the scan is, so that a problem inside a string names its member
 * ("title", "schedule.exdates[2]"). Only as deep as LEX_DEPTH; json-c refuses
 * deeper bodies anyway.
 */
enum {
    LEX_DEPTH = 32
};

struct lex_frame {
    bool object;
    bool want_key;       /* object: the next string is a member name */
    size_t key, key_len; /* object: the current member name (bytes of the body) */
    size_t index;        /* array: the current element */
};

struct lex_path {
    size_t depth; /* frames in use (may exceed LEX_DEPTH: then untracked) */
    struct lex_frame f[LEX_DEPTH];
};

static void lex_path_token(struct lex_path *p, unsigned char c)
{
    struct lex_frame *top = p->depth && p->depth <= LEX_DEPTH ? &p->f[p->depth - 1] : NULL;
    if (c == '{' || c == '[') {
        if (p->depth < LEX_DEPTH)
            p->f[p->depth] = (struct lex_frame){ .object = c == '{', .want_key = c == '{' };
        p->depth++;
    } else if ((c == '}' || c == ']') && p->depth) {
        p->depth--;
    } else if (c == ',' && top) {
        if (top->object) {
            top->want_key = true;
            top->key_len = 0; /* a problem in the next key belongs to the parent, not the last member */
        } else
            top->index++;
    } else if (c == ':' && top) {
        top->want_key = false;
    }
}

/* The member path of the current position into out (VERR_FIELD_SIZE). */
static void lex_path_text(const struct lex_path *p, const unsigned char *s, char *out)
{
    size_t used = 0, depth = p->depth < LEX_DEPTH ? p->depth : LEX_DEPTH;
    out[0] = '\0';
    for (size_t d = 0; d < depth && used + 1 < VERR_FIELD_SIZE; d++) {
        const struct lex_frame *f = &p->f[d];
        int w;
        if (f->object && f->key_len == 0)
            break;
        w = f->object ? snprintf(out + used, VERR_FIELD_SIZE - used, "%s%.*s", used ? "." : "", (int)f->key_len,
                                 (const char *)s + f->key)
                      : snprintf(out + used, VERR_FIELD_SIZE - used, "[%zu]", f->index);
        if (w < 0)
            break;
        used += (size_t)w < VERR_FIELD_SIZE - used ? (size_t)w : VERR_FIELD_SIZE - used - 1;
    }
}

/*
 * json-c accepts some things RFC 8259 does not ('quotes', NaN, Infinity,
 * "1.", raw tabs in strings) and would hand them on to PostgreSQL, which also
 * refuses \u0000 and lone surrogates. This token scan closes those gaps and
 * names the member where it found one (field, VERR_FIELD_SIZE); json-c still
 * checks the structure.
 */
static const char *body_lexical_problem(const unsigned char *s, size_t n, size_t *at, char *field)
{
    const char *problem = NULL;
    struct lex_path path = { 0 };
    field[0] = '\0';
    for (size_t i = 0; i < n && problem == NULL;) {
        *at = i;
        if (s[i] == '"') {
            size_t start = i + 1;
            struct lex_frame *top = path.depth && path.depth <= LEX_DEPTH ? &path.f[path.depth - 1] : NULL;
            i = lex_string(s, n, start, &problem);
            if (top && top->object && top->want_key && problem == NULL) {
                top->key = start;
                top->key_len = i - 1 - start;
            }
            if (problem)
                lex_path_text(&path, s, field);
        } else if (s[i] == '-' || is_digit(s[i])) {
            i = lex_number(s, n, i, &problem);
        } else if (s[i] >= 'a' && s[i] <= 'z') {
            i = lex_word(s, n, i, &problem);
        } else if (is_json_space(s[i])) {
            i++;
        } else if (s[i] != '\0' && strchr("{}[]:,", s[i]) != NULL) {
            lex_path_token(&path, s[i]);
            i++;
        } else {
            problem = "unexpected character";
        }
    }
    return problem;
}

static const char *tokener_problem(enum json_tokener_error e)
{
    switch (e) {
    case json_tokener_continue: return "unexpected end of the body";
    case json_tokener_error_depth: return "nested too deeply";
    default: return json_tokener_error_desc(e);
    }
}

/* Parses a body that already passed the byte-level checks. */
static struct json_object *body_parse(const char *buf, size_t len, int max_depth, struct verr_list *errs)
{
    struct json_tokener *tok = json_tokener_new_ex(max_depth);
    struct json_object *obj;
    enum json_tokener_error e;
    if (tok == NULL) {
        verr_add(errs, "", "request body could not be parsed (out of memory)");
        return NULL;
    }
    json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
    obj = json_tokener_parse_ex(tok, buf, (int)len);
    e = json_tokener_get_error(tok);
    if (e != json_tokener_success || obj == NULL) {
        if (e == json_tokener_error_depth)
            verr_add(errs, "", "request body is not accepted: JSON nested deeper than %d levels", max_depth);
        else
            verr_add(errs, "", "request body is not valid JSON: %s at byte %zu", tokener_problem(e),
                     json_tokener_get_parse_end(tok));
        json_object_put(obj);
        obj = NULL;
    }
    json_tokener_free(tok);
    return obj;
}

/*
 * The top level must be an object. Checking the first token up front also
 * spares json-c's wait for a delimiter after a bare top-level scalar.
 */
static bool starts_with_brace(const unsigned char *s, size_t n)
{
    size_t i = 0;
    while (i < n && is_json_space(s[i]))
        i++;
    return i < n && s[i] == '{';
}

struct json_object *validate_json_body(const char *buf, size_t len, int max_depth, struct verr_list *errs)
{
    const unsigned char *s = (const unsigned char *)buf;
    const char *problem;
    char field[VERR_FIELD_SIZE];
    size_t at = 0;
    if (len == 0 || buf == NULL) {
        verr_add(errs, "", "request body is empty; send a JSON object");
        return NULL;
    }
    if (len > INT32_MAX) {
        verr_add(errs, "", "request body is too large");
        return NULL;
    }
    if ((problem = body_encoding_problem(s, len, &at)) != NULL) {
        verr_add(errs, "", "request body %s (at byte %zu)", problem, at);
        return NULL;
    }
    if ((problem = body_lexical_problem(s, len, &at, field)) != NULL) {
        if (field[0])
            verr_add(errs, field, "%s", problem);
        else
            verr_add(errs, "", "request body is not valid JSON: %s at byte %zu", problem, at);
        return NULL;
    }
    if (!starts_with_brace(s, len)) {
        verr_add(errs, "", "request body must be a JSON object");
        return NULL;
    }
    return body_parse(buf, len, max_depth > 0 ? max_depth : VALIDATE_JSON_DEPTH_DEFAULT, errs);
}

/* ------------------------------------------------------------------ */
/* Walk context: where we are in the body, and where errors go */

/* Lives on validate_entry()'s stack; errs is borrowed from its caller. */
struct vctx {
    enum sk_kind kind;
    bool partial; /* objects are merge patches: required members not enforced */
    bool failed;  /* this call added an error */
    bool ordered; /* unknown members first, by name, then the table's in its order (as SQL listed them) */
    struct verr_list *errs;
    size_t len;
    char path[VERR_FIELD_SIZE];
};

__attribute__((format(printf, 2, 3))) static void fail(struct vctx *c, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    verr_vadd(c->errs, c->path, fmt, ap);
    va_end(ap);
    c->failed = true;
}

/* Enters member `key`; returns the mark to hand to path_leave(). */
static size_t path_enter(struct vctx *c, const char *key)
{
    size_t mark = c->len;
    if (c->len > 0)
        c->len = utf8_append(c->path, sizeof c->path, c->len, ".", 1);
    c->len = utf8_append(c->path, sizeof c->path, c->len, key, strlen(key));
    return mark;
}

static size_t path_enter_index(struct vctx *c, size_t index)
{
    char seg[32];
    size_t mark = c->len;
    int n = snprintf(seg, sizeof seg, "[%zu]", index);
    c->len = utf8_append(c->path, sizeof c->path, c->len, seg, (size_t)n);
    return mark;
}

static void path_leave(struct vctx *c, size_t mark)
{
    c->len = mark;
    c->path[mark] = '\0';
}

/* Reports on a member of the object at the current path (cross-field rules). */
__attribute__((format(printf, 3, 4))) static void fail_at(struct vctx *c, const char *member, const char *fmt, ...)
{
    va_list ap;
    size_t mark = path_enter(c, member);
    va_start(ap, fmt);
    verr_vadd(c->errs, c->path, fmt, ap);
    va_end(ap);
    c->failed = true;
    path_leave(c, mark);
}

/* ------------------------------------------------------------------ */
/* Member tables */

struct field_rule;
typedef void (*check_fn)(struct vctx *c, struct json_object *v, const struct field_rule *r);

enum {
    RULE_REQUIRED = 1u << 0,
    RULE_UNIQUE = 1u << 1
};

/*
 * One member of an object: its name, the check for its value (never called
 * with JSON null), flags, and parameters whose meaning depends on the check
 * (lo/hi: characters, value range or item count; choices: allowed strings;
 * sub: member table of an object or the rule for an array's items).
 * missing: the message when a required member is absent or null (NULL:
 * "is required"). Tables are static const and end with END, or with
 * END_UNKNOWN(message) to say what an unknown member is told (END: "unknown
 * field").
 */
struct field_rule {
    const char *name;
    check_fn check;
    unsigned flags;
    double lo, hi;
    const char *const *choices;
    const struct field_rule *sub;
    const char *missing;
};

#define RULE(n, fn, fl)                                                                                                \
    {                                                                                                                  \
        .name = (n), .check = (fn), .flags = (fl)                                                                      \
    }
#define RANGED(n, fn, fl, l, h)                                                                                        \
    {                                                                                                                  \
        .name = (n), .check = (fn), .flags = (fl), .lo = (l), .hi = (h)                                                \
    }
#define CHOICE(n, fl, ch)                                                                                              \
    {                                                                                                                  \
        .name = (n), .check = check_enum, .flags = (fl), .choices = (ch)                                               \
    }
#define OBJECT(n, fn, fl, members)                                                                                     \
    {                                                                                                                  \
        .name = (n), .check = (fn), .flags = (fl), .sub = (members)                                                    \
    }
#define ARRAY(n, fl, max, item)                                                                                        \
    {                                                                                                                  \
        .name = (n), .check = check_array, .flags = (fl), .hi = (max), .sub = (item)                                   \
    }
#define END                                                                                                            \
    {                                                                                                                  \
        .name = NULL                                                                                                   \
    }
#define END_UNKNOWN(m)                                                                                                 \
    {                                                                                                                  \
        .name = NULL, .missing = (m)                                                                                   \
    }

static const struct field_rule *find_rule(const struct field_rule *table, const char *name)
{
    for (; table->name != NULL; table++)
        if (strcmp(table->name, name) == 0)
            return table;
    return NULL;
}

/* What a table tells an unknown member (its END entry). */
static const char *unknown_message(const struct field_rule *table)
{
    while (table->name != NULL)
        table++;
    return table->missing ? table->missing : "unknown field";
}

/* What a required member that is absent or null is told. */
static const char *missing_message(const struct vctx *c, const struct field_rule *r)
{
    if (r->missing != NULL)
        return r->missing;
    return c->partial ? "is required and cannot be removed" : "is required";
}

/* One member present in the body: unknown, null, or checked by its rule. */
static void check_member(struct vctx *c, const struct field_rule *table, const char *key, struct json_object *val)
{
    const struct field_rule *r = find_rule(table, key);
    size_t mark = path_enter(c, key);
    if (r == NULL)
        fail(c, "%s", unknown_message(table));
    else if (val == NULL && (r->flags & RULE_REQUIRED))
        fail(c, "%s", missing_message(c, r));
    else if (val != NULL)
        r->check(c, val, r);
    path_leave(c, mark);
}

/* Complete values must carry every required member. */
static void require_members(struct vctx *c, struct json_object *obj, const struct field_rule *table)
{
    for (; table->name != NULL; table++)
        if ((table->flags & RULE_REQUIRED) && !json_object_object_get_ex(obj, table->name, NULL))
            fail_at(c, table->name, "%s", missing_message(c, table));
}

/* The first unknown member of obj by name after `after` (NULL: the first of all), or NULL. */
static const char *next_unknown(struct json_object *obj, const struct field_rule *table, const char *after)
{
    const char *best = NULL;
    json_object_object_foreach(obj, key, val)
    {
        (void)val;
        if (find_rule(table, key) == NULL && (after == NULL || strcmp(key, after) > 0) &&
            (best == NULL || strcmp(key, best) < 0))
            best = key;
    }
    return best;
}

/* Checks obj in the order SQL reported it: unknown members by name, then the table's members. */
static void check_members_ordered(struct vctx *c, struct json_object *obj, const struct field_rule *table)
{
    struct json_object *val;
    for (const char *k = next_unknown(obj, table, NULL); k != NULL; k = next_unknown(obj, table, k))
        check_member(c, table, k, NULL);
    for (; table->name != NULL; table++)
        if (json_object_object_get_ex(obj, table->name, &val))
            check_member(c, table, table->name, val);
        else if ((table->flags & RULE_REQUIRED) && !c->partial)
            fail_at(c, table->name, "%s", missing_message(c, table));
}

/* Checks every member of obj against table; the core of the walk. */
static void check_members(struct vctx *c, struct json_object *obj, const struct field_rule *table)
{
    if (!json_object_is_type(obj, json_type_object)) {
        fail(c, "must be an object");
        return;
    }
    if (c->ordered) {
        check_members_ordered(c, obj, table);
        return;
    }
    json_object_object_foreach(obj, key, val) check_member(c, table, key, val);
    if (!c->partial && !c->ordered)
        require_members(c, obj, table);
}

static void check_object(struct vctx *c, struct json_object *v, const struct field_rule *r)
{
    check_members(c, v, r->sub);
}

/* Index of an earlier equal item, or -1 (arrays are short: at most a few hundred). */
static long earlier_duplicate(struct json_object *arr, size_t i)
{
    struct json_object *item = json_object_array_get_idx(arr, i);
    for (size_t j = 0; j < i; j++)
        if (json_object_equal(item, json_object_array_get_idx(arr, j)))
            return (long)j;
    return -1;
}

/*
 * RFC 7396 replaces arrays as a whole, so items are complete values even
 * inside a PATCH: partial is switched off for them.
 */
static void check_array(struct vctx *c, struct json_object *v, const struct field_rule *r)
{
    bool saved = c->partial;
    size_t n;
    if (!json_object_is_type(v, json_type_array)) {
        fail(c, "must be an array");
        return;
    }
    n = json_object_array_length(v);
    if ((double)n > r->hi) {
        fail(c, "must have at most %g items", r->hi);
        return;
    }
    if ((double)n < r->lo) {
        fail(c, "must have at least %g %s", r->lo, r->lo == 1 ? "item" : "items");
        return;
    }
    c->partial = false;
    for (size_t i = 0; i < n; i++) {
        struct json_object *item = json_object_array_get_idx(v, i);
        size_t mark = path_enter_index(c, i);
        long dup = (r->flags & RULE_UNIQUE) ? earlier_duplicate(v, i) : -1;
        if (item == NULL)
            fail(c, "must not be null");
        else if (dup >= 0)
            fail(c, "repeats item [%ld]", dup);
        else
            r->sub->check(c, item, r->sub);
        path_leave(c, mark);
    }
    c->partial = saved;
}

/* ------------------------------------------------------------------ */
/* Strings */

/* Borrowed view of a JSON string; fails the field when v is not one. */
static bool string_of(struct vctx *c, struct json_object *v, const char **s, size_t *n)
{
    if (!json_object_is_type(v, json_type_string)) {
        fail(c, "must be a string");
        return false;
    }
    *s = json_object_get_string(v);
    *n = (size_t)json_object_get_string_len(v);
    return true;
}

/* What a text value may contain; counts characters (code points). */
static const char *text_problem(const char *str, size_t n, bool multiline, size_t *chars, size_t *visible)
{
    const unsigned char *s = (const unsigned char *)str;
    *chars = *visible = 0;
    for (size_t i = 0; i < n;) {
        uint32_t cp;
        size_t step = utf8_decode(s + i, n - i, &cp);
        if (step == 0)
            return "must be valid UTF-8";
        if ((cp == '\n' || cp == '\t') && !multiline)
            return "must be a single line (no line breaks or tabs)";
        if ((cp < 0x20 && cp != '\n' && cp != '\t') || (cp >= 0x7F && cp <= 0x9F))
            return "must not contain control characters";
        *visible += cp != ' ' && cp != '\n' && cp != '\t' && cp != 0xA0;
        (*chars)++;
        i += step;
    }
    return NULL;
}

/* Free text of r->lo..r->hi characters; a required minimum also rejects blanks. */
static void check_text_common(struct vctx *c, struct json_object *v, const struct field_rule *r, bool multiline)
{
    const char *s, *problem;
    size_t n, chars, visible;
    if (!string_of(c, v, &s, &n))
        return;
    if ((problem = text_problem(s, n, multiline, &chars, &visible)) != NULL)
        fail(c, "%s", problem);
    else if (r->lo >= 1 && visible == 0)
        fail(c, "must not be empty or only spaces");
    else if ((double)chars < r->lo)
        fail(c, "must be at least %g characters", r->lo);
    else if ((double)chars > r->hi)
        fail(c, "must be at most %g characters", r->hi);
}

/* Descriptions and summaries: line breaks and tabs allowed. */
static void check_text(struct vctx *c, struct json_object *v, const struct field_rule *r)
{
    check_text_common(c, v, r, true);
}

/* Titles, names, street and city: one line. */
static void check_line(struct vctx *c, struct json_object *v, const struct field_rule *r)
{
    check_text_common(c, v, r, false);
}

typedef bool (*char_class)(char ch);

static bool is_digit_char(char ch)
{
    return is_digit((unsigned char)ch);
}

static bool is_code_char(char ch)
{
    return (ch >= 'a' && ch <= 'z') || is_digit_char(ch) || ch == '-';
}

static bool is_area_char(char ch)
{
    return is_code_char(ch) || (ch >= 'A' && ch <= 'Z');
}

static bool is_facet_char(char ch)
{
    return is_code_char(ch) || ch == '_';
}

static bool is_hex(char ch)
{
    return is_digit_char(ch) || (ch >= 'a' && ch <= 'f') || (ch >= 'A' && ch <= 'F');
}

/* IPv6 literals (and IPv4-mapped ones) inside [brackets]. */
static bool is_hex_or_colon(char ch)
{
    return is_hex(ch) || ch == ':' || ch == '.';
}

/* 1..max characters, all of one class. */
static bool all_of(const char *s, size_t n, size_t max, char_class ok)
{
    if (n == 0 || n > max)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!ok(s[i]))
            return false;
    return true;
}

/* Vocabulary codes (themes, audiences, support kinds): existence is checked in SQL. */
static void check_code(struct vctx *c, struct json_object *v, const struct field_rule *r UNUSED)
{
    const char *s;
    size_t n;
    if (string_of(c, v, &s, &n) && !all_of(s, n, CODE_MAX, is_code_char))
        fail(c, "must be a code of lowercase letters, digits and hyphens (at most %d)", CODE_MAX);
}

static void check_area(struct vctx *c, struct json_object *v, const struct field_rule *r UNUSED)
{
    const char *s;
    size_t n;
    if (string_of(c, v, &s, &n) && !all_of(s, n, CODE_MAX, is_area_char))
        fail(c, "must be an area code of letters, digits and hyphens like GM0512-lingewijk (at most %d)", CODE_MAX);
}

static bool is_uuid(const char *s, size_t n)
{
    if (n != 36)
        return false;
    for (size_t i = 0; i < n; i++) {
        bool dash = i == 8 || i == 13 || i == 18 || i == 23;
        if (dash ? s[i] != '-' : !is_hex(s[i]))
            return false;
    }
    return true;
}

static void check_uuid(struct vctx *c, struct json_object *v, const struct field_rule *r UNUSED)
{
    const char *s;
    size_t n;
    if (string_of(c, v, &s, &n) && !is_uuid(s, n))
        fail(c, "must be a UUID like 3f2b8c1e-5d4a-4e6f-9a7b-1c2d3e4f5a6b");
}

/* CBS gemeentecode: GM followed by four digits. */
static void check_municipality(struct vctx *c, struct json_object *v, const struct field_rule *r UNUSED)
{
    const char *s;
    size_t n;
    if (string_of(c, v, &s, &n) && !contract_is_municipality_code(s, n))
        fail(c, "must be a CBS municipality code like GM0512");
}

/* Two lowercase letters listed in ISO 639-1. */
static bool is_language(const char *s, size_t n)
{
    if (n != 2 || s[0] < 'a' || s[0] > 'z' || s[1] < 'a' || s[1] > 'z')
        return false;
    for (size_t i = 0; i + 1 < sizeof ISO_639_1; i += 3)
        if (ISO_639_1[i] == s[0] && ISO_639_1[i + 1] == s[1])
            return true;
    return false;
}

static void check_language(struct vctx *c, struct json_object *v, const struct field_rule *r UNUSED)
{
    const char *s;
    size_t n;
    if (string_of(c, v, &s, &n) && !is_language(s, n))
        fail(c, "must be an ISO 639-1 language code of two lowercase letters like nl or en");
}

/* ------------------------------------------------------------------ */
/* Numbers, booleans, choices */

/* Whole JSON numbers only; json-c clamps huge ones, which the range then rejects. */
static bool read_int(struct json_object *v, int64_t *out)
{
    if (!json_object_is_type(v, json_type_int))
        return false;
    *out = json_object_get_int64(v);
    return true;
}

static bool read_number(struct json_object *v, double *out)
{
    if (!json_object_is_type(v, json_type_int) && !json_object_is_type(v, json_type_double))
        return false;
    *out = json_object_get_double(v);
    return isfinite(*out);
}

static void check_int(struct vctx *c, struct json_object *v, const struct field_rule *r)
{
    int64_t x;
    if (!read_int(v, &x) || (double)x < r->lo || (double)x > r->hi)
        fail(c, "must be a whole number from %g to %g", r->lo, r->hi);
}

static void check_number(struct vctx *c, struct json_object *v, const struct field_rule *r)
{
    double x;
    if (!read_number(v, &x) || x < r->lo || x > r->hi)
        fail(c, "must be a number from %g to %g", r->lo, r->hi);
}

/* Euro amounts: a number in range with at most two decimals. */
static void check_amount(struct vctx *c, struct json_object *v, const struct field_rule *r)
{
    double x;
    if (!read_number(v, &x) || x < r->lo || x > r->hi)
        fail(c, "must be an amount in euros from %g to %g", r->lo, r->hi);
    else if (fabs(x * COST_DECIMALS_SCALE - round(x * COST_DECIMALS_SCALE)) > DECIMALS_EPSILON)
        fail(c, "must have at most 2 decimals (whole cents)");
}

static void check_bool(struct vctx *c, struct json_object *v, const struct field_rule *r UNUSED)
{
    if (!json_object_is_type(v, json_type_boolean))
        fail(c, "must be true or false");
}

static bool in_choices(const char *const *choices, const char *s, size_t n)
{
    for (; *choices != NULL; choices++)
        if (strlen(*choices) == n && memcmp(*choices, s, n) == 0)
            return true;
    return false;
}

/* The choices joined by ", " into list (VERR_MESSAGE_SIZE bytes), for messages. */
static void choices_list(const char *const *choices, char *list)
{
    size_t len = 0;
    list[0] = '\0';
    for (const char *const *ch = choices; *ch != NULL; ch++) {
        if (len > 0)
            len = utf8_append(list, VERR_MESSAGE_SIZE, len, ", ", 2);
        len = utf8_append(list, VERR_MESSAGE_SIZE, len, *ch, strlen(*ch));
    }
}

/* A string from r->choices; the message lists them. */
static void check_enum(struct vctx *c, struct json_object *v, const struct field_rule *r)
{
    char list[VERR_MESSAGE_SIZE];
    if (json_object_is_type(v, json_type_string) &&
        in_choices(r->choices, json_object_get_string(v), (size_t)json_object_get_string_len(v)))
        return;
    choices_list(r->choices, list);
    fail(c, "must be one of: %s", list);
}

/* Accepted and ignored: read-only members a client copies from a GET. */
static void check_ignore(struct vctx *c UNUSED, struct json_object *v UNUSED, const struct field_rule *r UNUSED)
{
}

/* `kind` may be echoed back but must match the collection it is sent to. */
static void check_kind(struct vctx *c, struct json_object *v, const struct field_rule *r UNUSED)
{
    const char *want = sk_kind_name(c->kind);
    if (!json_object_is_type(v, json_type_string) || strcmp(json_object_get_string(v), want) != 0)
        fail(c, "must be \"%s\" for this collection", want);
}

/* ------------------------------------------------------------------ */
/* Contact formats */

/* Host names: dot-separated LDH labels (IDNs in punycode), at least one dot. */
static bool is_hostname(const char *s, size_t n)
{
    size_t label = 0, dots = 0;
    if (n == 0 || n > HOST_MAX)
        return false;
    for (size_t i = 0; i <= n; i++) {
        if (i == n || s[i] == '.') {
            if (label == 0 || label > HOST_LABEL_MAX || s[i - 1] == '-' || s[i - label] == '-')
                return false;
            dots += i < n;
            label = 0;
        } else if (is_area_char(s[i])) {
            label++;
        } else {
            return false;
        }
    }
    return dots > 0;
}

static bool is_port(const char *s, size_t n)
{
    int port = 0;
    if (n == 0 || n > 5)
        return false;
    for (size_t i = 0; i < n; i++) {
        if (!is_digit_char(s[i]))
            return false;
        port = port * 10 + (s[i] - '0');
    }
    return port >= 1 && port <= PORT_MAX;
}

/* host[:port] or [IPv6][:port]; user-info is refused (it hides the real host). */
static bool is_authority(const char *s, size_t n)
{
    const char *colon;
    if (memchr(s, '@', n) != NULL)
        return false;
    if (n > 0 && s[0] == '[') {
        const char *close = memchr(s, ']', n);
        size_t host = close ? (size_t)(close - s) + 1 : 0;
        if (host < 4 || !all_of(s + 1, host - 2, host, is_hex_or_colon))
            return false;
        return host == n || (s[host] == ':' && is_port(s + host + 1, n - host - 1));
    }
    colon = memchr(s, ':', n);
    if (colon == NULL)
        return is_hostname(s, n);
    return is_hostname(s, (size_t)(colon - s)) && is_port(colon + 1, n - (size_t)(colon - s) - 1);
}

/* Length of a leading "http://" or "https://" (any case), else 0. */
static size_t web_scheme_len(const char *s, size_t n)
{
    static const char *const schemes[] = { "http://", "https://" };
    for (size_t i = 0; i < sizeof schemes / sizeof schemes[0]; i++) {
        size_t len = strlen(schemes[i]);
        if (n > len && strncasecmp(s, schemes[i], len) == 0)
            return len;
    }
    return 0;
}

/* Absolute http(s) URL with a host; the rest must be printable ASCII. */
static bool is_web_url(const char *s, size_t n)
{
    size_t start = web_scheme_len(s, n), end = start;
    if (start == 0)
        return false;
    while (end < n && s[end] != '/' && s[end] != '?' && s[end] != '#')
        end++;
    if (!is_authority(s + start, end - start))
        return false;
    for (size_t i = end; i < n; i++)
        if ((unsigned char)s[i] <= ' ' || (unsigned char)s[i] > '~')
            return false;
    return true;
}

static void check_url(struct vctx *c, struct json_object *v, const struct field_rule *r UNUSED)
{
    const char *s;
    size_t n;
    if (!string_of(c, v, &s, &n))
        return;
    if (n > URL_MAX)
        fail(c, "must be at most %d characters", URL_MAX);
    else if (!is_web_url(s, n))
        fail(c, "must be an absolute http:// or https:// URL with a host name, like https://example.nl/page");
}

static bool is_atext(char ch)
{
    return is_area_char(ch) || (ch != '\0' && strchr("!#$%&'*+/=?^_`{|}~", ch) != NULL);
}

/* RFC 5322 dot-atom local part: atext runs separated by single dots. */
static bool is_dot_atom(const char *s, size_t n)
{
    if (n == 0 || n > EMAIL_LOCAL_MAX || s[0] == '.' || s[n - 1] == '.')
        return false;
    for (size_t i = 0; i < n; i++)
        if (s[i] == '.' ? s[i + 1] == '.' : !is_atext(s[i]))
            return false;
    return true;
}

/* Pragmatic addr-spec: dot-atom@host.name; no quoted local parts, no IP literals. */
static bool is_email(const char *s, size_t n)
{
    const char *at = memchr(s, '@', n);
    size_t local = at ? (size_t)(at - s) : 0;
    if (at == NULL || n > EMAIL_MAX || memchr(at + 1, '@', n - local - 1) != NULL)
        return false;
    return is_dot_atom(s, local) && is_hostname(at + 1, n - local - 1);
}

static void check_email(struct vctx *c, struct json_object *v, const struct field_rule *r UNUSED)
{
    const char *s;
    size_t n;
    if (string_of(c, v, &s, &n) && !is_email(s, n))
        fail(c, "must be an e-mail address like info@example.nl (at most %d characters)", EMAIL_MAX);
}

/* Digits, spaces, -, ( and ), with an optional leading +. */
static bool is_phone(const char *s, size_t n)
{
    size_t digits = 0;
    if (n < PHONE_CHARS_MIN || n > PHONE_CHARS_MAX)
        return false;
    for (size_t i = 0; i < n; i++) {
        if (is_digit_char(s[i]))
            digits++;
        else if (!(s[i] == '+' && i == 0) && strchr(" -()", s[i]) == NULL)
            return false;
    }
    return digits >= PHONE_DIGITS_MIN && digits <= PHONE_DIGITS_MAX;
}

static void check_phone(struct vctx *c, struct json_object *v, const struct field_rule *r UNUSED)
{
    const char *s;
    size_t n;
    if (string_of(c, v, &s, &n) && !is_phone(s, n))
        fail(c, "must be a phone number like 0183 123 456 or +31 183 123 456 (%d to %d digits)", PHONE_DIGITS_MIN,
             PHONE_DIGITS_MAX);
}

/* ------------------------------------------------------------------ */
/* Address and time formats */

/* 1234 AB / 1234AB: no leading 0, and SA, SD, SS are never issued. */
static bool is_postcode(const char *s, size_t n)
{
    const char *letters = s + n - 2;
    if ((n != 6 && n != 7) || (n == 7 && s[4] != ' '))
        return false;
    if (s[0] == '0' || !all_of(s, 4, 4, is_digit_char))
        return false;
    if (letters[0] < 'A' || letters[0] > 'Z' || letters[1] < 'A' || letters[1] > 'Z')
        return false;
    return !(letters[0] == 'S' && (letters[1] == 'A' || letters[1] == 'D' || letters[1] == 'S'));
}

static void check_postcode(struct vctx *c, struct json_object *v, const struct field_rule *r UNUSED)
{
    const char *s;
    size_t n;
    if (string_of(c, v, &s, &n) && !is_postcode(s, n))
        fail(c, "must be a Dutch postcode like 4201 AB");
}

static bool is_house_number_char(char ch)
{
    return is_area_char(ch) || ch == ' ' || ch == '/';
}

/* "12", "12a", "12 A", "12-14", "12/2": a number first, then a short suffix. */
static void check_house_number(struct vctx *c, struct json_object *v, const struct field_rule *r UNUSED)
{
    const char *s;
    size_t n;
    if (string_of(c, v, &s, &n) &&
        !(n > 0 && s[0] >= '1' && s[0] <= '9' && all_of(s, n, HOUSE_NUMBER_MAX, is_house_number_char)))
        fail(c, "must be a house number like 12, 12a or 12-14 (at most %d characters)", HOUSE_NUMBER_MAX);
}

/* "HH:MM" as minutes after midnight; 24:00 is the end of the day. -1 if malformed. */
static int read_minutes(struct json_object *v)
{
    const char *s;
    int h, m;
    if (!json_object_is_type(v, json_type_string) || json_object_get_string_len(v) != 5)
        return -1;
    s = json_object_get_string(v);
    if (!is_digit_char(s[0]) || !is_digit_char(s[1]) || s[2] != ':' || !is_digit_char(s[3]) || !is_digit_char(s[4]))
        return -1;
    h = (s[0] - '0') * 10 + (s[1] - '0');
    m = (s[3] - '0') * 10 + (s[4] - '0');
    if (m > 59 || h > 24 || (h == 24 && m > 0))
        return -1;
    return h * 60 + m;
}

/* r->hi is the latest minute allowed: 23:59 for opening, 24:00 for closing. */
static void check_time(struct vctx *c, struct json_object *v, const struct field_rule *r)
{
    int minutes = read_minutes(v);
    if (minutes < 0 || (double)minutes > r->hi)
        fail(c, "must be a time like 09:30, from 00:00 to %s", r->hi >= MINUTES_PER_DAY ? "24:00" : "23:59");
}

/* "YYYY-MM-DD", a real date within the years the API accepts. */
static bool read_date(struct json_object *v, struct rrule_date *out)
{
    return json_object_is_type(v, json_type_string) &&
           rrule_parse_date(json_object_get_string(v), (size_t)json_object_get_string_len(v), out) == 0 &&
           out->year >= YEAR_MIN && out->year <= YEAR_MAX;
}

static void check_date(struct vctx *c, struct json_object *v, const struct field_rule *r UNUSED)
{
    struct rrule_date d;
    if (!read_date(v, &d))
        fail(c, "must be a real date like 2025-03-01 (years %d to %d)", YEAR_MIN, YEAR_MAX);
}

/* "YYYY-MM-DDTHH:MM" local time; NULL when fine, else why not. */
static const char *local_problem(struct json_object *v, struct rrule_datetime *out)
{
    if (!json_object_is_type(v, json_type_string) ||
        rrule_parse_local(json_object_get_string(v), (size_t)json_object_get_string_len(v), out) != 0 ||
        out->date.year < YEAR_MIN || out->date.year > YEAR_MAX)
        return "must be a real local date and time like 2025-03-01T10:00";
    if (rrule_in_dst_gap(out))
        return "does not exist in Dutch time: clocks jump from 02:00 to 03:00 that night";
    return NULL;
}

static void check_local(struct vctx *c, struct json_object *v, const struct field_rule *r UNUSED)
{
    struct rrule_datetime t;
    const char *problem = local_problem(v, &t);
    if (problem != NULL)
        fail(c, "%s", problem);
}

/*
 * RFC 5545 is case-insensitive, but the rule is stored and served exactly
 * as given, so the API accepts only the usual upper-case spelling.
 */
static bool has_lowercase(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] >= 'a' && s[i] <= 'z')
            return true;
    return false;
}

static void check_rrule(struct vctx *c, struct json_object *v, const struct field_rule *r UNUSED)
{
    struct rrule rule;
    char err[RRULE_ERROR_SIZE];
    const char *s;
    size_t n;
    if (!string_of(c, v, &s, &n))
        return;
    if (rrule_parse(s, n, &rule, err, sizeof err) != 0)
        fail(c, "%s", err);
    else if (has_lowercase(s, n))
        fail(c, "must be written in upper case, like FREQ=WEEKLY;BYDAY=TU");
}

/* ------------------------------------------------------------------ */
/* Objects with rules across their members (the rules across an entry's
 * members are SQL's: sk_entry_complete_errors in sql/api/entries.sql) */

/* Reads member `key` of obj (NULL when absent or JSON null). */
static struct json_object *member(struct json_object *obj, const char *key)
{
    struct json_object *v = NULL;
    json_object_object_get_ex(obj, key, &v);
    return v;
}


/* One {"day", "opens", "closes"} line; a place can close at 24:00. */
static void check_opening(struct vctx *c, struct json_object *v, const struct field_rule *r)
{
    int opens, closes;
    check_members(c, v, r->sub);
    if (!json_object_is_type(v, json_type_object))
        return;
    opens = read_minutes(member(v, "opens"));
    closes = read_minutes(member(v, "closes"));
    if (opens >= 0 && opens < MINUTES_PER_DAY && closes >= 0 && closes <= opens)
        fail_at(c, "closes", "must be later than opens");
}

/* Keys are language codes; Dutch is the entry's own text, so "nl" is refused. */
static void check_translations(struct vctx *c, struct json_object *v, const struct field_rule *r)
{
    if (!json_object_is_type(v, json_type_object)) {
        fail(c, "must be an object keyed by language code, like {\"en\": {\"title\": ...}}");
        return;
    }
    json_object_object_foreach(v, lang, text)
    {
        size_t mark = path_enter(c, lang);
        if (!is_language(lang, strlen(lang)) || strcmp(lang, "nl") == 0)
            fail(c, "must be an ISO 639-1 language code other than nl, like en");
        else if (text != NULL)
            check_members(c, text, r->sub);
        path_leave(c, mark);
    }
}

static const char *const facet_values[] = { "yes", "limited", "no", NULL };

/* Facet code -> yes|limited|no. Which facets exist and allow which value: SQL. */
static void check_accessibility(struct vctx *c, struct json_object *v, const struct field_rule *r UNUSED)
{
    static const struct field_rule value_rule = CHOICE("value", 0, facet_values);
    if (!json_object_is_type(v, json_type_object)) {
        fail(c, "must be an object of facet codes, like {\"wheelchair\": \"yes\"}");
        return;
    }
    if (json_object_object_length(v) > FACETS_MAX) {
        fail(c, "must have at most %d facets", FACETS_MAX);
        return;
    }
    json_object_object_foreach(v, facet, value)
    {
        size_t mark = path_enter(c, facet);
        if (!all_of(facet, strlen(facet), CODE_MAX, is_facet_char))
            fail(c, "must be a facet code of lowercase letters, digits, _ and - (at most %d)", CODE_MAX);
        else if (value != NULL)
            check_enum(c, value, &value_rule);
        path_leave(c, mark);
    }
}


/* ------------------------------------------------------------------ */
/* Member tables */

static const char *const registration_values[] = { "none", "required", NULL };
static const char *const visibility_values[] = { "public", "area_only", NULL };
static const char *const commitment_values[] = { "one-off", "ongoing", NULL };
static const char *const day_values[] = { "mo", "tu", "we", "th", "fr", "sa", "su", NULL };
static const char *const channel_values[] = {
#define SK_CHANNEL(id, code, label) code,
#include "contract.def"
    NULL
};

static const struct field_rule code_item = RULE("item", check_code, 0);
static const struct field_rule municipality_item = RULE("item", check_municipality, 0);
static const struct field_rule area_item = RULE("item", check_area, 0);
static const struct field_rule language_item = RULE("item", check_language, 0);
static const struct field_rule image_item = RULE("item", check_url, 0);
static const struct field_rule date_item = RULE("item", check_date, 0);
static const struct field_rule skill_item = RANGED("item", check_line, 0, 1, SKILL_MAX);
static const struct field_rule channel_item = CHOICE("item", 0, channel_values);

static const struct field_rule translation_members[] = {
    RANGED("title", check_line, 0, 1, TITLE_MAX),
    RANGED("summary", check_text, 0, 0, SUMMARY_MAX),
    RANGED("description", check_text, 0, 0, DESCRIPTION_MAX),
    END,
};

static const struct field_rule cost_members[] = {
    RULE("free", check_bool, 0),
    RANGED("amount_eur", check_amount, 0, 0, COST_AMOUNT_MAX),
    RULE("discount_pass", check_bool, 0),
    RANGED("description", check_line, 0, 0, COST_TEXT_MAX),
    END,
};

static const struct field_rule contact_members[] = {
    RULE("phone", check_phone, 0),
    RULE("email", check_email, 0),
    RULE("website", check_url, 0),
    END,
};

static const struct field_rule address_members[] = {
    RANGED("street", check_line, RULE_REQUIRED, 1, STREET_MAX),
    RULE("house_number", check_house_number, RULE_REQUIRED),
    RULE("postcode", check_postcode, RULE_REQUIRED),
    RANGED("city", check_line, RULE_REQUIRED, 1, CITY_MAX),
    END,
};

static const struct field_rule location_members[] = {
    RANGED("lat", check_number, RULE_REQUIRED, LAT_MIN, LAT_MAX),
    RANGED("lon", check_number, RULE_REQUIRED, LON_MIN, LON_MAX),
    END,
};

static const struct field_rule opening_members[] = {
    CHOICE("day", RULE_REQUIRED, day_values),
    RANGED("opens", check_time, RULE_REQUIRED, 0, MINUTES_PER_DAY - 1),
    RANGED("closes", check_time, RULE_REQUIRED, 0, MINUTES_PER_DAY),
    END,
};
static const struct field_rule opening_item = OBJECT("item", check_opening, 0, opening_members);

static const struct field_rule schedule_members[] = {
    RULE("start", check_local, RULE_REQUIRED),
    RULE("end", check_local, RULE_REQUIRED),
    RULE("rrule", check_rrule, 0),
    ARRAY("exdates", RULE_UNIQUE, EXDATES_MAX, &date_item),
    ARRAY("exception_sets", RULE_UNIQUE, EXCEPTION_SETS_MAX, &code_item),
    END,
};

/* Members every kind has; read-only ones first. */
#define SHARED_MEMBERS                                                                                                 \
    RULE("id", check_uuid, 0), RULE("kind", check_kind, 0), RULE("status", check_ignore, 0),                           \
        RULE("version", check_ignore, 0), RULE("created_at", check_ignore, 0), RULE("updated_at", check_ignore, 0),    \
        RULE("language", check_ignore, 0), RULE("reviewed_at", check_ignore, 0), RULE("moderation", check_ignore, 0),  \
        RULE("pending_revision", check_ignore, 0), RANGED("title", check_line, RULE_REQUIRED, 1, TITLE_MAX),           \
        RANGED("summary", check_text, 0, 0, SUMMARY_MAX), RANGED("description", check_text, 0, 0, DESCRIPTION_MAX),    \
        OBJECT("translations", check_translations, 0, translation_members), RULE("organisation_id", check_uuid, 0),    \
        RULE("municipality", check_municipality, RULE_REQUIRED), ARRAY("areas", RULE_UNIQUE, AREAS_MAX, &area_item),   \
        ARRAY("themes", RULE_UNIQUE, CODES_MAX, &code_item), ARRAY("audiences", RULE_UNIQUE, CODES_MAX, &code_item),   \
        RULE("accessibility", check_accessibility, 0), OBJECT("cost", check_object, 0, cost_members),                  \
        OBJECT("contact", check_object, 0, contact_members),                                                           \
        ARRAY("languages", RULE_UNIQUE, LANGUAGES_MAX, &language_item), ARRAY("images", 0, IMAGES_MAX, &image_item),   \
        ARRAY("campaigns", RULE_UNIQUE, CODES_MAX, &code_item),                                                        \
        ARRAY("also_serves", RULE_UNIQUE, ALSO_SERVES_MAX, &municipality_item)

static const struct field_rule place_members[] = {
    SHARED_MEMBERS,
    OBJECT("address", check_object, RULE_REQUIRED, address_members),
    OBJECT("location", check_object, 0, location_members),
    ARRAY("opening_hours", 0, OPENING_HOURS_MAX, &opening_item),
    RULE("place_type", check_code, 0), /* issue 16: its existence is SQL's */
    RULE("drop_in", check_bool, 0),
    END,
};

static const struct field_rule activity_members[] = {
    SHARED_MEMBERS,
    RULE("place_id", check_uuid, 0),
    OBJECT("address", check_object, 0, address_members),
    OBJECT("location", check_object, 0, location_members),
    RULE("online", check_bool, 0),
    OBJECT("schedule", check_object, RULE_REQUIRED, schedule_members),
    CHOICE("registration", 0, registration_values),
    RANGED("capacity", check_int, 0, 1, CAPACITY_MAX),
    RANGED("places_left", check_int, 0, 0, CAPACITY_MAX),
    CHOICE("address_visibility", 0, visibility_values),
    RULE("drop_in", check_bool, 0),
    END,
};

static const struct field_rule vacancy_members[] = {
    SHARED_MEMBERS,
    RANGED("hours_per_week", check_number, 0, 0, HOURS_PER_WEEK_MAX),
    CHOICE("commitment", 0, commitment_values),
    RANGED("min_age", check_int, 0, 0, AGE_MAX),
    ARRAY("skills", 0, SKILLS_MAX, &skill_item),
    RULE("valid_until", check_date, 0),
    RULE("place_id", check_uuid, 0),
    END,
};

static const struct field_rule carer_support_members[] = {
    SHARED_MEMBERS,
    RULE("support_kind", check_code, RULE_REQUIRED),
    ARRAY("for_whom", RULE_UNIQUE, CODES_MAX, &code_item),
    RULE("place_id", check_uuid, 0),
    RULE("drop_in", check_bool, 0),
    END,
};

/* issue 16: help and advice (Klussendienst, VraagWijzer ...); the hours are its walk-in hours */
static const struct field_rule service_members[] = {
    SHARED_MEMBERS,
    RULE("referral_required", check_bool, 0),
    RULE("indication_required", check_bool, 0),
    { .name = "channels",
      .check = check_array,
      .flags = RULE_UNIQUE | RULE_REQUIRED,
      .lo = 1,
      .hi = SK_CHANNEL_COUNT,
      .sub = &channel_item,
      .missing = "is required: how residents reach the service (walk_in, phone, email, home_visit, online)" },
    ARRAY("opening_hours", 0, OPENING_HOURS_MAX, &opening_item),
    RULE("place_id", check_uuid, 0),
    RULE("drop_in", check_bool, 0),
    END,
};

/* ------------------------------------------------------------------ */
/* Kinds and the public entry points */

/* The field rules of each kind; names and paths are the contract's (contract.def). */
static const struct kind_spec {
    const struct field_rule *members;
} kinds[SK_KIND_COUNT] = {
    [SK_KIND_PLACE] = { place_members },     [SK_KIND_ACTIVITY] = { activity_members },
    [SK_KIND_VACANCY] = { vacancy_members }, [SK_KIND_CARER_SUPPORT] = { carer_support_members },
    [SK_KIND_SERVICE] = { service_members },
};

/* ------------------------------------------------------------------ */
/* The other bodies: moderation and webhooks */

/* Any string of lo..hi characters (code points); hi only when lo is 0. No other rule on what it holds. */
static void check_chars(struct vctx *c, struct json_object *v, const struct field_rule *r)
{
    const char *s;
    size_t n;
    if (!string_of(c, v, &s, &n))
        return;
    n = utf8_chars(s); /* the body gate let only valid UTF-8 in */
    if (r->lo > 0 && ((double)n < r->lo || (double)n > r->hi))
        fail(c, "must be %g to %g characters", r->lo, r->hi);
    else if ((double)n > r->hi)
        fail(c, "must be at most %g characters", r->hi);
}

/* Any string; what it must hold is judged elsewhere (a webhook URL: the daemon's address policy). */
static void check_string(struct vctx *c, struct json_object *v, const struct field_rule *r UNUSED)
{
    const char *s;
    size_t n;
    (void)string_of(c, v, &s, &n);
}

/* One of r->choices; anything else, a string or not, is told r->missing or the list. */
static void check_listed(struct vctx *c, struct json_object *v, const struct field_rule *r)
{
    char list[VERR_MESSAGE_SIZE];
    if (!json_object_is_type(v, json_type_string)) {
        fail(c, "%s", missing_message(c, r));
        return;
    }
    if (in_choices(r->choices, json_object_get_string(v), (size_t)json_object_get_string_len(v)))
        return;
    choices_list(r->choices, list);
    fail(c, "must be one of %s", list);
}

/* A list of at most every kind's name (webhook filters). */
static void check_kind_names(struct vctx *c, struct json_object *v, const struct field_rule *r UNUSED)
{
    enum sk_kind kind;
    if (!json_object_is_type(v, json_type_array) || json_object_array_length(v) > SK_KIND_COUNT) {
        fail(c, "must be a list of at most %d kinds: place, activity, vacancy, carer_support, service", SK_KIND_COUNT);
        return;
    }
    for (size_t i = 0; i < json_object_array_length(v); i++) {
        struct json_object *k = json_object_array_get_idx(v, i);
        size_t mark = path_enter_index(c, i);
        if (!json_object_is_type(k, json_type_string) || !sk_kind_from_name(json_object_get_string(k), &kind))
            fail(c, "must be place, activity, vacancy, carer_support or service");
        path_leave(c, mark);
    }
}

/* A municipality code, whatever the value's type (a webhook's filter). */
static void check_municipality_filter(struct vctx *c, struct json_object *v, const struct field_rule *r UNUSED)
{
    const char *s = json_object_is_type(v, json_type_string) ? json_object_get_string(v) : "";
    if (!contract_is_municipality_code(s, strlen(s)))
        fail(c, "must be a CBS municipality code such as GM0512");
}

enum {
    MOD_TEXT_MAX = CONTRACT_MOD_TEXT_MAX, /* characters of a reason, resolution or report message */
    WEBHOOK_SECRET_MIN = 16,
    WEBHOOK_SECRET_MAX = 200,
};

static const char *const report_reasons[] = { "outdated",      "wrong_address", "no_longer_exists",
                                              "inappropriate", "other",         NULL };

static const struct field_rule reason_required_members[] = {
    RANGED("reason", check_chars, RULE_REQUIRED, 0, MOD_TEXT_MAX),
    END,
};

static const struct field_rule reason_optional_members[] = {
    RANGED("reason", check_chars, 0, 0, MOD_TEXT_MAX),
    END,
};

static const struct field_rule resolution_members[] = {
    RANGED("resolution", check_chars, 0, 0, MOD_TEXT_MAX),
    END,
};

static const struct field_rule report_members[] = {
    { .name = "reason",
      .check = check_listed,
      .flags = RULE_REQUIRED,
      .choices = report_reasons,
      .missing = "is required: one of outdated, wrong_address, no_longer_exists, inappropriate, other" },
    RANGED("message", check_chars, 0, 0, MOD_TEXT_MAX),
    END,
};

static const struct field_rule webhook_members[] = {
    RULE("url", check_string, RULE_REQUIRED),
    { .name = "secret",
      .check = check_chars,
      .flags = RULE_REQUIRED,
      .lo = WEBHOOK_SECRET_MIN,
      .hi = WEBHOOK_SECRET_MAX,
      .missing = "is required: the key with which every notice is signed" },
    RULE("kinds", check_kind_names, 0),
    RULE("municipality", check_municipality_filter, 0),
    END_UNKNOWN("is not a member of a webhook (url, secret, kinds, municipality)"),
};

/*
 * The vocabularies' terms (PUT /api/v1/{vocabulary}/{code}), with the
 * messages of their SQL (sql/api/vocabularies.sql). SQL keeps what needs the
 * path or the database: the code's format and that a "code" member repeats
 * it, a theme's parent (a string naming a theme, no cycle), whether a new
 * feature has values, a set's municipality and its dates.
 */
enum {
    VOCAB_LABEL_MAX = 100,
    VOCAB_VALUES_MAX = 20,
    VOCAB_VALUE_MAX = 32,
    VOCAB_OSM_MAX = 200,
    AREA_ALIASES_MAX = 10,
};

/* A label as SQL's sk_line_errors judges one: a string, not blank, one line, at most r->hi characters. */
static void check_label(struct vctx *c, struct json_object *v, const struct field_rule *r)
{
    const char *s;
    size_t n, chars = 0;
    bool blank = true, control = false;
    if (!string_of(c, v, &s, &n))
        return;
    for (size_t i = 0; i < n;) {
        uint32_t cp;
        size_t step = utf8_decode((const unsigned char *)s + i, n - i, &cp);
        if (step == 0)
            step = 1, cp = 0xFFFD;
        blank = blank && (cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r' || cp == 0xA0);
        control = control || (cp >= 0x01 && cp <= 0x1F) || cp == 0x7F;
        chars++;
        i += step;
    }
    if (blank)
        fail(c, "must not be empty or only spaces");
    else if (control)
        fail(c, "must be a single line without control characters");
    else if ((double)chars > r->hi)
        fail(c, "must be at most %g characters", r->hi);
}

/* An accessibility feature's values: 1 to 20 different codes of [a-z0-9_-], at most 32 each. */
static void check_feature_values(struct vctx *c, struct json_object *v, const struct field_rule *r UNUSED)
{
    size_t n;
    bool ok;
    if (!json_object_is_type(v, json_type_array)) {
        fail(c, "must be an array of codes like [\"yes\", \"no\"]");
        return;
    }
    n = json_object_array_length(v);
    ok = n >= 1 && n <= VOCAB_VALUES_MAX;
    for (size_t i = 0; ok && i < n; i++) {
        struct json_object *item = json_object_array_get_idx(v, i);
        const char *s = json_object_get_string(item);
        size_t len = json_object_is_type(item, json_type_string) ? (size_t)json_object_get_string_len(item) : 0;
        ok = len >= 1 && len <= VOCAB_VALUE_MAX && strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789_-") == len &&
             earlier_duplicate(v, i) < 0;
    }
    if (!ok)
        fail(c, "must be 1 to 20 different lowercase codes like yes, limited, no");
}

/* A string of at most r->hi characters (an OSM tag an accessibility feature stands for). */
static void check_osm(struct vctx *c, struct json_object *v, const struct field_rule *r)
{
    if (!json_object_is_type(v, json_type_string) || (double)utf8_chars(json_object_get_string(v)) > r->hi)
        fail(c, "must be a string of at most %g characters", r->hi);
}

/* A set's municipality: a string (whether it is one, SQL knows). */
static void check_set_municipality(struct vctx *c, struct json_object *v, const struct field_rule *r UNUSED)
{
    if (!json_object_is_type(v, json_type_string))
        fail(c, "must be a municipality code or null");
}

#define VOCAB_TERM_MEMBERS                                                                                             \
    RULE("code", check_ignore, 0), RANGED("label_nl", check_label, RULE_REQUIRED, 0, VOCAB_LABEL_MAX),                 \
        RANGED("label_en", check_label, 0, 0, VOCAB_LABEL_MAX), RULE("retired", check_ignore, 0)

static const struct field_rule vocab_term_members[] = {
    VOCAB_TERM_MEMBERS,
    END,
};

static const struct field_rule vocab_theme_members[] = {
    VOCAB_TERM_MEMBERS,
    RULE("parent", check_ignore, 0),
    END,
};

static const struct field_rule vocab_feature_members[] = {
    VOCAB_TERM_MEMBERS,
    RULE("values", check_feature_values, 0),
    RANGED("osm_equivalent", check_osm, 0, 0, VOCAB_OSM_MAX),
    END,
};

static const struct field_rule vocab_exception_set_members[] = {
    VOCAB_TERM_MEMBERS,
    RULE("municipality", check_set_municipality, 0),
    RULE("dates", check_ignore, 0),
    END,
};

/*
 * An area (PUT /api/v1/areas/{code}), with the messages of sql/api/areas.sql.
 * SQL keeps the code (its format, the path's, the municipality's prefix), the
 * municipality (required for a wijk or kern, known, unchanged) and that the
 * kind is not changed.
 */
static const char *const area_kinds[] = { "municipality", "wijk", "kern", "buurt", NULL };

/* One of r->choices (strings), else the list as SQL words it. */
static void check_area_kind(struct vctx *c, struct json_object *v, const struct field_rule *r)
{
    if (!json_object_is_type(v, json_type_string) ||
        !in_choices(r->choices, json_object_get_string(v), (size_t)json_object_get_string_len(v)))
        fail(c, "must be one of: municipality, wijk, kern, buurt");
}

/* {"lat", "lon"} in the Netherlands; anything else in the object makes it no location at all. */
static void check_area_location(struct vctx *c, struct json_object *v, const struct field_rule *r UNUSED)
{
    struct json_object *lat = NULL, *lon = NULL;
    double d;
    if (!json_object_is_type(v, json_type_object)) {
        fail(c, "must be an object {\"lat\": .., \"lon\": ..}");
        return;
    }
    json_object_object_foreach(v, key, val)
    {
        (void)val;
        if (strcmp(key, "lat") != 0 && strcmp(key, "lon") != 0) {
            fail(c, "must be an object {\"lat\": .., \"lon\": ..}");
            return;
        }
    }
    json_object_object_get_ex(v, "lat", &lat);
    json_object_object_get_ex(v, "lon", &lon);
    if (!read_number(lat, &d) || d < LAT_MIN || d > LAT_MAX)
        fail_at(c, "lat", "must be a number from 50.75 to 53.7");
    if (!read_number(lon, &d) || d < LON_MIN || d > LON_MAX)
        fail_at(c, "lon", "must be a number from 3.2 to 7.25");
}

static const struct field_rule area_alias_item = RANGED("item", check_label, 0, 0, VOCAB_LABEL_MAX);

static const struct field_rule area_members[] = {
    RULE("code", check_ignore, 0),
    RANGED("name", check_label, RULE_REQUIRED, 0, VOCAB_LABEL_MAX),
    ARRAY("aliases", RULE_UNIQUE, AREA_ALIASES_MAX, &area_alias_item), /* issue 16: Gildewijk for Gildenwijk */
    { .name = "kind", .check = check_area_kind, .flags = RULE_REQUIRED, .choices = area_kinds },
    RULE("municipality", check_ignore, 0),
    RULE("parent", check_area, 0), /* issue 16: a buurt's wijk or kern */
    RULE("location", check_area_location, 0),
    RULE("has_boundary", check_ignore, 0),
    RULE("retired", check_ignore, 0),
    RULE("boundary", check_ignore, 0),
    END,
};

/*
 * An organisation (POST, PATCH /api/v1/organisations), with the messages of
 * sql/api/organisations.sql. SQL keeps the id of a PATCH, "trusted or
 * trusted_in, not both", and which municipalities exist.
 */
enum {
    ORG_NAME_MAX = 200,
    ORG_DESCRIPTION_MAX = 2000,
    ORG_WEBSITE_MAX = 500,
    ORG_EMAIL_MAX = 254,
    ORG_TRUST_MAX = 400,
};

static bool is_alnum_dash(char ch)
{
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || is_digit_char(ch) || ch == '-';
}

/* Labels of [A-Za-z0-9-]+ joined by dots, at least two: s[0..n). */
static bool is_dotted_name(const char *s, size_t n)
{
    size_t labels = 1, run = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '.') {
            if (run == 0)
                return false;
            labels++;
            run = 0;
        } else if (is_alnum_dash(s[i])) {
            run++;
        } else {
            return false;
        }
    }
    return run > 0 && labels >= 2;
}

/* SQL's ^https?://[a-z0-9-]+(\.[a-z0-9-]+)+(:[0-9]{1,5})?([/?#][!-~]*)?$, case-insensitive. */
static bool is_org_website(const char *s, size_t n)
{
    size_t i, host;
    if (n >= 7 && strncasecmp(s, "http://", 7) == 0)
        i = 7;
    else if (n >= 8 && strncasecmp(s, "https://", 8) == 0)
        i = 8;
    else
        return false;
    for (host = i; i < n && (is_alnum_dash(s[i]) || s[i] == '.'); i++)
        ;
    if (!is_dotted_name(s + host, i - host))
        return false;
    if (i < n && s[i] == ':') {
        size_t digits = ++i;
        while (i < n && is_digit_char(s[i]))
            i++;
        if (i == digits || i - digits > 5)
            return false;
    }
    if (i == n)
        return true;
    if (!strchr("/?#", s[i]))
        return false;
    for (i++; i < n; i++)
        if (s[i] < '!' || s[i] > '~')
            return false;
    return true;
}

static void check_org_description(struct vctx *c, struct json_object *v, const struct field_rule *r)
{
    if (!json_object_is_type(v, json_type_string) || (double)utf8_chars(json_object_get_string(v)) > r->hi)
        fail(c, "must be a string of at most %g characters", r->hi);
}

static void check_org_website(struct vctx *c, struct json_object *v, const struct field_rule *r UNUSED)
{
    if (!json_object_is_type(v, json_type_string) || utf8_chars(json_object_get_string(v)) > ORG_WEBSITE_MAX ||
        !is_org_website(json_object_get_string(v), (size_t)json_object_get_string_len(v)))
        fail(c, "must be an absolute http:// or https:// URL like https://example.nl (at most 500 characters)");
}

/* SQL's ^atext+(\.atext+)*@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$, at most 254 characters. */
static void check_org_email(struct vctx *c, struct json_object *v, const struct field_rule *r UNUSED)
{
    const char *s = json_object_is_type(v, json_type_string) ? json_object_get_string(v) : NULL;
    const char *at = s ? strchr(s, '@') : NULL;
    bool ok = at != NULL && utf8_chars(s) <= ORG_EMAIL_MAX && at > s && s[0] != '.' && at[-1] != '.' &&
              is_dotted_name(at + 1, strlen(at + 1));
    for (const char *p = s; ok && p < at; p++)
        ok = *p == '.' ? p[1] != '.' : is_atext(*p);
    if (!ok)
        fail(c, "must be an e-mail address like info@example.nl");
}

/* 8 to 20 characters of [+0-9 ()-] (a + only first), 9 to 15 of them digits. */
static void check_org_phone(struct vctx *c, struct json_object *v, const struct field_rule *r UNUSED)
{
    const char *s = json_object_is_type(v, json_type_string) ? json_object_get_string(v) : NULL;
    size_t n = s ? strlen(s) : 0, digits = 0, i = s && s[0] == '+';
    bool ok = s != NULL && n >= 8 && n <= 20 && n > i;
    for (; ok && i < n; i++) {
        ok = is_digit_char(s[i]) || strchr(" ()-", s[i]) != NULL;
        digits += is_digit_char(s[i]);
    }
    if (!ok || digits < 9 || digits > 15)
        fail(c, "must be a phone number like 0183 123 456 or +31 183 123 456 (9 to 15 digits)");
}

static void check_org_trusted(struct vctx *c, struct json_object *v, const struct field_rule *r UNUSED)
{
    if (!json_object_is_type(v, json_type_boolean))
        fail(c, "must be true or false");
}

static void check_org_trusted_in(struct vctx *c, struct json_object *v, const struct field_rule *r UNUSED)
{
    bool ok = json_object_is_type(v, json_type_array) && json_object_array_length(v) <= ORG_TRUST_MAX;
    for (size_t i = 0; ok && i < json_object_array_length(v); i++) {
        struct json_object *m = json_object_array_get_idx(v, i);
        ok = json_object_is_type(m, json_type_string) &&
             contract_is_municipality_code(json_object_get_string(m), (size_t)json_object_get_string_len(m));
    }
    if (!ok)
        fail(c, "must be a list of municipality codes like [\"GM0512\"]");
}

static void check_org_municipality(struct vctx *c, struct json_object *v, const struct field_rule *r UNUSED)
{
    if (!json_object_is_type(v, json_type_string) ||
        !contract_is_municipality_code(json_object_get_string(v), (size_t)json_object_get_string_len(v)))
        fail(c, "must be a municipality code like GM0512");
}

static const struct field_rule org_members[] = {
    RULE("id", check_ignore, 0),
    { .name = "name", .check = check_label, .flags = RULE_REQUIRED, .hi = ORG_NAME_MAX, .missing = "is required" },
    RANGED("description", check_org_description, 0, 0, ORG_DESCRIPTION_MAX),
    RULE("website", check_org_website, 0),
    RULE("email", check_org_email, 0),
    RULE("phone", check_org_phone, 0),
    RULE("trusted", check_org_trusted, 0),
    RULE("trusted_in", check_org_trusted_in, 0),
    RULE("municipality", check_org_municipality, 0),
    RULE("created_at", check_ignore, 0),
    RULE("updated_at", check_ignore, 0),
    RULE("version", check_ignore, 0),
    END,
};

/* Issue 15: invitations and keys. A new organisation's members are the organisations' own. */
static const struct field_rule invitation_members[] = {
    RULE("organisation_id", check_uuid, 0),        OBJECT("organisation", check_object, 0, org_members),
    RANGED("contact_name", check_line, 0, 1, 200), RULE("contact_email", check_email, 0),
    RANGED("valid_days", check_int, 0, 1, 30),     END,
};

static const struct field_rule key_members[] = {
    RANGED("label", check_line, 0, 1, 100),
    RULE("role", check_ignore, 0), /* only "partner": SQL refuses the others (403) */
    END,
};

static const struct field_rule accept_members[] = {
    RANGED("token", check_line, RULE_REQUIRED, 1, 64),
    RANGED("label", check_line, 0, 1, 100),
    END,
};

/* A resident's response (issue 15); the bounds are entry_responses' constraints. */
static const char *const response_statuses[] = { "new", "seen", NULL };

static const struct field_rule response_members[] = {
    RANGED("name", check_line, RULE_REQUIRED, 1, 100),
    RANGED("contact", check_line, RULE_REQUIRED, 3, 200),
    RANGED("message", check_chars, 0, 0, 1000),
    RANGED("places", check_int, 0, 1, 10),
    END_UNKNOWN("is not a member of a response (name, contact, message, places)"),
};

static const struct field_rule response_status_members[] = {
    { .name = "status",
      .check = check_listed,
      .flags = RULE_REQUIRED,
      .choices = response_statuses,
      .missing = "is required: new or seen" },
    END_UNKNOWN("is not a member of a response update (status)"),
};

static const struct field_rule readability_members[] = {
    RANGED("text", check_chars, RULE_REQUIRED, 0, 20000),
    END_UNKNOWN("is not a member of a readability check (text)"),
};

/* "Meld uw initiatief aan" (issue 16): the organisation's own rules for what becomes one; that an
 * e-mail address or a phone number is given, and the codes' existence, are SQL's */
static const struct field_rule initiative_members[] = {
    { .name = "name", .check = check_label, .flags = RULE_REQUIRED, .hi = ORG_NAME_MAX, .missing = "is required" },
    RANGED("description", check_text, RULE_REQUIRED, 10, ORG_DESCRIPTION_MAX),
    RULE("municipality", check_municipality, RULE_REQUIRED),
    RULE("area", check_area, 0),
    RANGED("contact_name", check_line, RULE_REQUIRED, 1, 200),
    RULE("email", check_org_email, 0),
    RULE("phone", check_org_phone, 0),
    RULE("website", check_org_website, 0),
    END_UNKNOWN("is not a member of an initiative (name, description, municipality, area, contact_name, email, phone, "
                "website)"),
};

/* "Ik mis iets in mijn wijk" (issue 16): the codes' existence is SQL's (sk_wish_create) */
static const struct field_rule wish_members[] = {
    RULE("municipality", check_municipality, RULE_REQUIRED),
    RULE("area", check_area, 0),
    RULE("theme", check_code, 0),
    RANGED("text", check_text, RULE_REQUIRED, 3, 1000),
    END_UNKNOWN("is not a member of a wish (municipality, area, theme, text)"),
};

/* A campaign (issue 16), PUT /api/v1/campaigns/{code}: who may, the municipality's existence and
 * the dates' order are SQL's (api_campaign_put) */
static const struct field_rule campaign_members[] = {
    { .name = "name", .check = check_label, .flags = RULE_REQUIRED, .hi = 120, .missing = "is required" },
    RANGED("summary", check_text, 0, 0, 1000),
    RULE("municipality", check_municipality, 0),
    RULE("starts_on", check_date, RULE_REQUIRED),
    RULE("ends_on", check_date, RULE_REQUIRED),
    RULE("code", check_ignore, 0),
    RULE("period", check_ignore, 0),
    RULE("entry_count", check_ignore, 0),
    RULE("links", check_ignore, 0),
    RULE("created_at", check_ignore, 0),
    RULE("updated_at", check_ignore, 0),
    END_UNKNOWN("is not a member of a campaign (name, summary, municipality, starts_on, ends_on)"),
};

static const struct field_rule municipal_theme_members[] = {
    RANGED("label_nl", check_label, RULE_REQUIRED, 0, VOCAB_LABEL_MAX),
    RANGED("label_en", check_label, 0, 0, VOCAB_LABEL_MAX),
    RANGED("summary", check_text, 0, 0, 1000),
    { .name = "themes",
      .check = check_array,
      .flags = RULE_UNIQUE | RULE_REQUIRED,
      .lo = 1,
      .hi = CODES_MAX,
      .sub = &code_item,
      .missing = "is required: the shared theme codes it stands for (GET /api/v1/themes)" },
    RANGED("position", check_int, 0, 0, 10000),
    RULE("code", check_ignore, 0),
    RULE("municipality", check_ignore, 0),
    RULE("links", check_ignore, 0),
    RULE("created_at", check_ignore, 0),
    RULE("updated_at", check_ignore, 0),
    END_UNKNOWN("is not a member of a municipal theme (label_nl, label_en, summary, themes, position)"),
};

static const struct field_rule *const body_tables[] = {
    [VALIDATE_BODY_REASON_REQUIRED] = reason_required_members,
    [VALIDATE_BODY_REASON_OPTIONAL] = reason_optional_members,
    [VALIDATE_BODY_RESOLUTION] = resolution_members,
    [VALIDATE_BODY_REPORT] = report_members,
    [VALIDATE_BODY_WEBHOOK] = webhook_members,
    [VALIDATE_BODY_VOCAB_TERM] = vocab_term_members,
    [VALIDATE_BODY_VOCAB_THEME] = vocab_theme_members,
    [VALIDATE_BODY_VOCAB_FEATURE] = vocab_feature_members,
    [VALIDATE_BODY_VOCAB_EXCEPTION_SET] = vocab_exception_set_members,
    [VALIDATE_BODY_AREA] = area_members,
    [VALIDATE_BODY_ORG_CREATE] = org_members,
    [VALIDATE_BODY_ORG_PATCH] = org_members,
    [VALIDATE_BODY_INVITATION] = invitation_members,
    [VALIDATE_BODY_KEY] = key_members,
    [VALIDATE_BODY_ACCEPT] = accept_members,
    [VALIDATE_BODY_RESPONSE] = response_members,
    [VALIDATE_BODY_RESPONSE_STATUS] = response_status_members,
    [VALIDATE_BODY_READABILITY] = readability_members,
    [VALIDATE_BODY_WISH] = wish_members,
    [VALIDATE_BODY_INITIATIVE] = initiative_members,
    [VALIDATE_BODY_CAMPAIGN] = campaign_members,
    [VALIDATE_BODY_MUNICIPAL_THEME] = municipal_theme_members,
};

int validate_body(enum validate_body which, struct json_object *body, struct verr_list *errs)
{
    struct vctx c = { .errs = errs,
                      .ordered = which >= VALIDATE_BODY_VOCAB_TERM,
                      .partial = which == VALIDATE_BODY_ORG_PATCH };
    if ((unsigned)which >= sizeof body_tables / sizeof body_tables[0]) {
        fail(&c, "internal error: unknown body");
        return -1;
    }
    check_members(&c, body, body_tables[which]);
    return c.failed ? -1 : 0;
}

int validate_entry(enum sk_kind kind, enum validate_mode mode, struct json_object *body, struct verr_list *errs)
{
    struct vctx c = { .kind = kind, .partial = mode == VALIDATE_PATCH, .errs = errs };
    if ((unsigned)kind >= SK_KIND_COUNT || (unsigned)mode > VALIDATE_PATCH) {
        fail(&c, "internal error: unknown kind or mode");
        return -1;
    }
    if (!json_object_is_type(body, json_type_object)) {
        fail(&c, "request body must be a JSON object");
        return -1;
    }
    check_members(&c, body, kinds[kind].members);
    return c.failed ? -1 : 0;
}
