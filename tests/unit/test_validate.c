/* Unit tests for common/validate: body gate, error list, every field rule, PATCH. */
#include <criterion/criterion.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "validate.h"

/* ---- bodies ------------------------------------------------------- */

#define UUID_A "3f2b8c1e-5d4a-4e6f-9a7b-1c2d3e4f5a6b"
#define UUID_B "0B0C8A4E-4A8E-4C3F-9F1E-2F3B5A6C7D8E"

#define ADDRESS                                                                                                        \
    "{\"street\":\"Wielewaalstraat\",\"house_number\":\"12a\",\"postcode\":\"4205 AB\",\"city\":\"Gorinchem\"}"

static const char PLACE[] =
    "{\"title\":\"Buurthuis De Wielewaal\",\"municipality\":\"GM0512\",\"address\":" ADDRESS "}";
static const char ACTIVITY[] = "{\"title\":\"Wandelgroep\",\"municipality\":\"GM0512\",\"place_id\":\"" UUID_A "\","
                               "\"schedule\":{\"start\":\"2025-01-07T10:00\",\"end\":\"2025-01-07T11:30\","
                               "\"rrule\":\"FREQ=WEEKLY;BYDAY=TU\"}}";
static const char VACANCY[] = "{\"title\":\"Chauffeur boodschappenbus\",\"municipality\":\"GM0668\"}";
static const char CARER[] = "{\"title\":\"Lotgenotencontact\",\"municipality\":\"GM0512\","
                            "\"support_kind\":\"lotgenotencontact\"}";
static const char SERVICE[] = "{\"title\":\"Klussendienst\",\"municipality\":\"GM0512\",\"channels\":[\"phone\"]}";

static const char *base_of(enum sk_kind kind)
{
    static const char *const bases[SK_KIND_COUNT] = { PLACE, ACTIVITY, VACANCY, CARER, SERVICE };
    return bases[kind];
}

enum {
    BODY_MAX = 64 * 1024
};

/* base + one member; a member already in base is overridden (json-c keeps the last). */
static char *with(const char *base, const char *member)
{
    size_t n = strlen(base) + strlen(member) + 2;
    char *s = malloc(n);
    cr_assert_not_null(s);
    snprintf(s, n, "%.*s,%s}", (int)strlen(base) - 1, base, member);
    return s;
}

static struct json_object *parse(const char *text)
{
    struct json_object *o = json_tokener_parse(text);
    cr_assert_not_null(o, "test body does not parse: %s", text);
    return o;
}

static void dump(const struct verr_list *l)
{
    for (size_t i = 0; i < l->count; i++)
        fprintf(stderr, "  %s: %s\n", l->items[i].field, l->items[i].message);
}

static int run(enum sk_kind kind, enum validate_mode mode, const char *text, struct verr_list *errs)
{
    struct json_object *o = parse(text);
    verr_init(errs);
    int rc = validate_entry(kind, mode, o, errs);
    json_object_put(o);
    return rc;
}

static void expect_ok(enum sk_kind kind, enum validate_mode mode, const char *text)
{
    struct verr_list errs;
    int rc = run(kind, mode, text, &errs);
    if (rc != 0)
        dump(&errs);
    cr_assert_eq(rc, 0, "should be valid: %s", text);
    cr_assert(verr_empty(&errs));
}

/* Exactly one error, on `field`, whose message contains `needle`. */
static void expect_error(enum sk_kind kind, enum validate_mode mode, const char *text, const char *field,
                         const char *needle)
{
    struct verr_list errs;
    int rc = run(kind, mode, text, &errs);
    if (errs.count != 1)
        dump(&errs);
    cr_assert_eq(rc, -1, "should be invalid: %s", text);
    cr_assert_eq(errs.count, 1, "want 1 error, got %zu for %s", errs.count, text);
    cr_assert_str_eq(errs.items[0].field, field, "for %s", text);
    cr_assert(strstr(errs.items[0].message, needle) != NULL, "'%s' lacks '%s' (%s)", errs.items[0].message, needle,
              text);
}

/* A member case: kind, the member JSON added to the kind's base, and the outcome. */
struct member_case {
    enum sk_kind kind;
    const char *member;
    const char *field;  /* NULL: must pass */
    const char *needle; /* part of the message */
};

static void run_cases(const struct member_case *cases, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        char *body = with(base_of(cases[i].kind), cases[i].member);
        if (cases[i].field == NULL)
            expect_ok(cases[i].kind, VALIDATE_CREATE, body);
        else
            expect_error(cases[i].kind, VALIDATE_CREATE, body, cases[i].field, cases[i].needle);
        free(body);
    }
}

#define RUN_CASES(arr) run_cases(arr, sizeof arr / sizeof arr[0])
#define OK(k, m)                                                                                                       \
    {                                                                                                                  \
        SK_KIND_##k, m, NULL, NULL                                                                                     \
    }
#define BAD(k, m, f, n)                                                                                                \
    {                                                                                                                  \
        SK_KIND_##k, m, f, n                                                                                           \
    }

/* A JSON string member of `len` copies of `unit` (e.g. "é"). */
static char *long_member(const char *name, const char *unit, size_t len)
{
    size_t n = strlen(name) + strlen(unit) * len + 8;
    char *s = malloc(n), *p = s;
    cr_assert_not_null(s);
    p += sprintf(p, "\"%s\":\"", name);
    for (size_t i = 0; i < len; i++)
        p += sprintf(p, "%s", unit);
    strcpy(p, "\"");
    return s;
}

static void check_length(enum sk_kind kind, const char *name, const char *unit, size_t max)
{
    char *ok = long_member(name, unit, max), *bad = long_member(name, unit, max + 1);
    char *ok_body = with(base_of(kind), ok), *bad_body = with(base_of(kind), bad);
    expect_ok(kind, VALIDATE_CREATE, ok_body);
    expect_error(kind, VALIDATE_CREATE, bad_body, name, "at most");
    free(ok);
    free(bad);
    free(ok_body);
    free(bad_body);
}

/* ---- kinds ---------------------------------------------------------- */

Test(kind, paths_and_names)
{
    static const char *const paths[] = { "places", "activities", "vacancies", "carer-support", "services" };
    static const char *const names[] = { "place", "activity", "vacancy", "carer_support", "service" };
    enum sk_kind k;
    for (int i = 0; i < SK_KIND_COUNT; i++) {
        cr_assert(sk_kind_from_path(paths[i], &k));
        cr_assert_eq((int)k, i);
        cr_assert_str_eq(sk_kind_name(k), names[i]);
        cr_assert_str_eq(sk_kind_path(k), paths[i]);
        cr_assert(sk_kind_from_name(names[i], &k));
        cr_assert_eq((int)k, i);
    }
    k = SK_KIND_VACANCY;
    cr_assert(!sk_kind_from_path("carer_support", &k));
    cr_assert(!sk_kind_from_path("place", &k));
    cr_assert(!sk_kind_from_path("", &k));
    cr_assert(!sk_kind_from_path(NULL, &k));
    cr_assert(!sk_kind_from_name("places", &k));
    cr_assert_eq(k, SK_KIND_VACANCY, "out is untouched on failure");
    cr_assert_null(sk_kind_name((enum sk_kind)SK_KIND_COUNT));
}

/* ---- error list ------------------------------------------------------ */

Test(verr, empty_list_renders_empty_array)
{
    struct verr_list l;
    verr_init(&l);
    cr_assert(verr_empty(&l));
    struct json_object *a = verr_to_json(&l);
    cr_assert_str_eq(json_object_to_json_string_ext(a, JSON_C_TO_STRING_PLAIN), "[]");
    json_object_put(a);
}

Test(verr, renders_field_and_message)
{
    struct verr_list l;
    verr_init(&l);
    verr_add(&l, "contact.email", "must be %s", "an e-mail address");
    verr_add(&l, NULL, "root");
    cr_assert(!verr_empty(&l));
    struct json_object *a = verr_to_json(&l);
    cr_assert_str_eq(json_object_to_json_string_ext(a, JSON_C_TO_STRING_PLAIN),
                     "[{\"field\":\"contact.email\",\"message\":\"must be an e-mail address\"},"
                     "{\"field\":\"\",\"message\":\"root\"}]");
    json_object_put(a);
}

Test(verr, bounded_with_too_many_entry)
{
    struct verr_list l;
    verr_init(&l);
    for (int i = 0; i < VERR_MAX + 10; i++)
        verr_add(&l, "areas", "error %d", i);
    cr_assert_eq(l.count, VERR_MAX);
    cr_assert(l.overflow);
    struct json_object *a = verr_to_json(&l);
    cr_assert_eq(json_object_array_length(a), VERR_MAX + 1);
    struct json_object *last = json_object_array_get_idx(a, VERR_MAX), *msg;
    cr_assert(json_object_object_get_ex(last, "message", &msg));
    cr_assert(strstr(json_object_get_string(msg), "too many errors") != NULL);
    json_object_put(a);
}

Test(verr, long_and_invalid_fields_stay_utf8)
{
    struct verr_list l;
    char field[400] = "";
    verr_init(&l);
    for (int i = 0; i < 150; i++)
        strcat(field, "\xc3\xa9"); /* é, 2 bytes */
    verr_add(&l, field, "x");
    verr_add(&l, "bad\xff\xfe", "y");
    size_t n = strlen(l.items[0].field);
    cr_assert_lt(n, VERR_FIELD_SIZE);
    cr_assert_eq(n % 2, 0, "cut between code points");
    cr_assert_str_eq(l.items[1].field, "bad??");
}

/* ---- JSON body gate -------------------------------------------------- */

static void body_fails_at(const char *buf, size_t len, const char *field, const char *needle)
{
    struct verr_list l;
    verr_init(&l);
    struct json_object *o = validate_json_body(buf, len, VALIDATE_JSON_DEPTH_DEFAULT, &l);
    cr_assert_null(o, "should be rejected: %.*s", (int)len, buf);
    cr_assert_eq(l.count, 1);
    cr_assert_str_eq(l.items[0].field, field);
    cr_assert(strstr(l.items[0].message, needle) != NULL, "'%s' lacks '%s'", l.items[0].message, needle);
}

static void body_fails(const char *buf, size_t len, const char *needle)
{
    body_fails_at(buf, len, "", needle);
}

#define BODY_FAILS_AT(lit, field, needle) body_fails_at(lit, sizeof(lit) - 1, field, needle)

static void body_ok(const char *buf)
{
    struct verr_list l;
    verr_init(&l);
    struct json_object *o = validate_json_body(buf, strlen(buf), VALIDATE_JSON_DEPTH_DEFAULT, &l);
    if (o == NULL)
        dump(&l);
    cr_assert_not_null(o, "should parse: %s", buf);
    cr_assert(json_object_is_type(o, json_type_object));
    json_object_put(o);
}

#define BODY_FAILS(lit, needle) body_fails(lit, sizeof(lit) - 1, needle)

Test(body, accepts_objects)
{
    body_ok("{}");
    body_ok("  {\"title\": \"Caf\xc3\xa9 \\u00e9 \\ud83d\\ude00\", \"n\": -1.5e3, \"b\": [true, false, null]}\n");
    body_ok("{\"a\":0,\"b\":-0.5,\"c\":1E+2}");
}

Test(body, rejects_encoding_problems)
{
    BODY_FAILS("", "empty");
    BODY_FAILS("{\"a\":\"\xff\"}", "not valid UTF-8");
    BODY_FAILS("{\"a\":\"\xc0\xaf\"}", "not valid UTF-8");         /* overlong '/' */
    BODY_FAILS("{\"a\":\"\xed\xa0\x80\"}", "not valid UTF-8");     /* surrogate */
    BODY_FAILS("{\"a\":\"\xe2\x82\"}", "not valid UTF-8");         /* truncated */
    BODY_FAILS("{\"a\":\"\xf4\x90\x80\x80\"}", "not valid UTF-8"); /* > U+10FFFF */
    BODY_FAILS("{\"a\":\"x\0y\"}", "NUL byte");
    BODY_FAILS("{}\0", "NUL byte");
}

Test(body, rejects_what_json_c_would_let_through)
{
    BODY_FAILS("{\"a\":NaN}", "not valid JSON");
    BODY_FAILS("{\"a\":Infinity}", "not valid JSON");
    BODY_FAILS("{\"a\":-Infinity}", "not valid JSON");
    BODY_FAILS("{'a':1}", "not valid JSON");
    BODY_FAILS("{\"a\":1.}", "malformed number");
    BODY_FAILS("{\"a\":01}", "malformed number");
    BODY_FAILS("{\"a\":1e}", "malformed number");
    BODY_FAILS("{\"a\":-}", "malformed number");
    BODY_FAILS_AT("{\"a\":\"tab\there\"}", "a", "control character");
    BODY_FAILS("{\"a\":tru}", "unexpected word");
    BODY_FAILS("\xef\xbb\xbf{}", "unexpected character");
    BODY_FAILS("{\"a\":1} x", "not valid JSON");
    BODY_FAILS("{}{}", "not valid JSON");
    BODY_FAILS("{\"a\":1,}", "not valid JSON");
    BODY_FAILS("{\"a\":1", "unexpected end");
    BODY_FAILS("{\"a\":\"\\x\"}", "not valid JSON");
}

Test(body, must_be_an_object)
{
    BODY_FAILS("[1]", "must be a JSON object");
    BODY_FAILS("\"text\"", "must be a JSON object");
    BODY_FAILS("null", "must be a JSON object");
}

Test(body, depth_limit)
{
    char ok[128] = "", deep[128] = "";
    for (int i = 0; i < 15; i++)
        strcat(ok, "{\"a\":");
    strcat(ok, "[]");
    for (int i = 0; i < 15; i++)
        strcat(ok, "}");
    body_ok(ok); /* 16 levels */
    strcpy(deep, ok);
    memmove(deep + 5, deep, strlen(deep) + 1);
    memcpy(deep, "{\"a\":", 5);
    strcat(deep, "}");
    body_fails(deep, strlen(deep), "deeper than 16");
}

/* PostgreSQL refuses \u0000 and lone surrogates: they are the caller's 400, naming the member. */
Test(body, escapes_postgresql_refuses_name_their_member)
{
    BODY_FAILS_AT("{\"title\":\"a\\u0000b\"}", "title", "\\u0000");
    BODY_FAILS_AT("{\"title\":\"a\\ud800b\"}", "title", "lone");
    BODY_FAILS_AT("{\"title\":\"a\\udc00\"}", "title", "lone");
    BODY_FAILS_AT("{\"title\":\"\\ud83d\\u0041\"}", "title", "lone");
    BODY_FAILS_AT("{\"schedule\":{\"exdates\":[\"2026-01-01\",\"\\u0000\"]}}", "schedule.exdates[1]", "\\u0000");
    BODY_FAILS_AT("{\"a\":1,\"contact\":{\"x\":\"y\",\"phone\":\"\\uDBFF\"}}", "contact.phone", "lone");
    BODY_FAILS_AT("{\"a\":\"\\u12\"}", "a", "four hex digits");
    /* a bad key is its parent's problem, never the member before it */
    BODY_FAILS_AT("{\"a\":{\"title\":\"x\",\"b\\ud800\":1}}", "a", "lone");
    body_ok("{\"title\":\"\\ud83d\\ude00 \\\\u0000 is text\"}"); /* a pair; an escaped backslash then 'u0000' */
}

/* ---- valid bodies --------------------------------------------------- */

Test(entry, minimal_bodies_are_valid)
{
    for (int k = 0; k < SK_KIND_COUNT; k++) {
        expect_ok((enum sk_kind)k, VALIDATE_CREATE, base_of((enum sk_kind)k));
        expect_ok((enum sk_kind)k, VALIDATE_REPLACE, base_of((enum sk_kind)k));
    }
}

Test(entry, full_place_is_valid)
{
    expect_ok(SK_KIND_PLACE, VALIDATE_CREATE,
              "{\"id\":\"" UUID_A "\",\"kind\":\"place\",\"status\":\"published\",\"version\":3,"
              "\"created_at\":\"2025-01-01T10:00:00Z\",\"updated_at\":null,"
              "\"title\":\"Buurthuis De Wielewaal\",\"summary\":\"Inloop en koffie\\nElke dag\","
              "\"description\":\"Een plek voor iedereen.\","
              "\"translations\":{\"en\":{\"title\":\"Community centre\",\"summary\":\"Walk-in\"},\"ar\":{}},"
              "\"organisation_id\":\"" UUID_B "\",\"municipality\":\"GM0512\","
              "\"areas\":[\"GM0512-lingewijk\"],\"themes\":[\"ontmoeten\",\"beweging\"],\"audiences\":[\"ouderen\"],"
              "\"accessibility\":{\"wheelchair\":\"limited\",\"toilets_wheelchair\":\"yes\"},"
              "\"cost\":{\"free\":true},\"contact\":{\"phone\":\"0183 123 456\",\"email\":\"info@example.nl\","
              "\"website\":\"https://www.example.nl/wielewaal\"},\"languages\":[\"nl\",\"en\"],"
              "\"images\":[\"https://cdn.example.nl/a.jpg\"],\"address\":" ADDRESS ","
              "\"location\":{\"lat\":51.8395,\"lon\":4.9655},"
              "\"opening_hours\":[{\"day\":\"mo\",\"opens\":\"09:00\",\"closes\":\"12:00\"},"
              "{\"day\":\"mo\",\"opens\":\"13:00\",\"closes\":\"24:00\"}]}");
}

Test(entry, full_activity_vacancy_carer_are_valid)
{
    expect_ok(
        SK_KIND_ACTIVITY, VALIDATE_CREATE,
        "{\"title\":\"Taalcafé\",\"municipality\":\"GM0668\",\"address\":" ADDRESS ","
        "\"location\":{\"lat\":51.83,\"lon\":5.4},\"address_visibility\":\"area_only\","
        "\"schedule\":{\"start\":\"2025-01-06T19:30\",\"end\":\"2025-01-06T21:00\","
        "\"rrule\":\"FREQ=MONTHLY;BYDAY=1MO\",\"exdates\":[\"2025-02-03\"],\"exception_sets\":[\"schoolvakanties\"]},"
        "\"registration\":\"required\",\"capacity\":20,\"places_left\":20,"
        "\"cost\":{\"amount_eur\":2.5,\"discount_pass\":true,\"description\":\"Koffie inbegrepen\"}}");
    expect_ok(SK_KIND_ACTIVITY, VALIDATE_CREATE,
              "{\"title\":\"Online cursus\",\"municipality\":\"GM0512\",\"online\":true,"
              "\"schedule\":{\"start\":\"2025-03-01T22:00\",\"end\":\"2025-03-02T01:00\"}}");
    expect_ok(SK_KIND_VACANCY, VALIDATE_CREATE,
              "{\"title\":\"Chauffeur\",\"municipality\":\"GM0668\",\"hours_per_week\":4.5,\"commitment\":\"ongoing\","
              "\"min_age\":18,\"skills\":[\"rijbewijs B\",\"geduld\"],\"valid_until\":\"2025-12-31\","
              "\"place_id\":\"" UUID_A "\",\"audiences\":[\"nieuwkomers\"]}");
    expect_ok(SK_KIND_CARER_SUPPORT, VALIDATE_CREATE,
              "{\"title\":\"Respijtzorg\",\"municipality\":\"GM0512\",\"support_kind\":\"respijtzorg\","
              "\"for_whom\":[\"mantelzorgers\",\"dementie\"],\"place_id\":\"" UUID_A "\"}");
}

/* ---- shared members -------------------------------------------------- */

Test(shared, read_only_members)
{
    static const struct member_case cases[] = {
        OK(PLACE, "\"id\":\"" UUID_A "\""),
        OK(PLACE, "\"id\":\"" UUID_B "\""),
        BAD(PLACE, "\"id\":\"123\"", "id", "must be a UUID"),
        BAD(PLACE, "\"id\":\"3f2b8c1e5d4a4e6f9a7b1c2d3e4f5a6b\"", "id", "must be a UUID"),
        BAD(PLACE, "\"id\":\"3f2b8c1e-5d4a-4e6f-9a7b-1c2d3e4f5a6g\"", "id", "must be a UUID"),
        OK(PLACE, "\"kind\":\"place\""),
        BAD(PLACE, "\"kind\":\"activity\"", "kind", "must be \"place\""),
        BAD(ACTIVITY, "\"kind\":\"place\"", "kind", "must be \"activity\""),
        OK(CARER_SUPPORT, "\"kind\":\"carer_support\""),
        OK(PLACE, "\"status\":\"draft\",\"version\":7,\"created_at\":{\"x\":1},\"updated_at\":[1]"),
        BAD(PLACE, "\"foo\":1", "foo", "unknown field"),
        BAD(PLACE, "\"Title\":\"x\"", "Title", "unknown field"),
    };
    RUN_CASES(cases);
}

Test(shared, title_summary_description)
{
    static const struct member_case cases[] = {
        OK(PLACE, "\"title\":\"x\""),
        BAD(PLACE, "\"title\":\"\"", "title", "must not be empty"),
        BAD(PLACE, "\"title\":\"  \"", "title", "must not be empty"),
        BAD(PLACE, "\"title\":\"a\\nb\"", "title", "single line"),
        BAD(PLACE, "\"title\":\"a\\tb\"", "title", "single line"),
        BAD(PLACE, "\"title\":5", "title", "must be a string"),
        BAD(PLACE, "\"title\":null", "title", "is required"),
        OK(PLACE, "\"summary\":\"regel 1\\nregel 2\\tmet tab\""),
        OK(PLACE, "\"summary\":\"\""),
        OK(PLACE, "\"summary\":null"),
        OK(PLACE, "\"summary\":\"<b>niet</b> als HTML & zo\""),
        BAD(PLACE, "\"summary\":\"a\\rb\"", "summary", "control characters"),
        BAD(PLACE, "\"summary\":\"a\\u0007b\"", "summary", "control characters"),
        BAD(PLACE, "\"summary\":\"a\\u007fb\"", "summary", "control characters"),
        BAD(PLACE, "\"summary\":\"a\\u0085b\"", "summary", "control characters"),
        BAD(PLACE, "\"description\":[\"x\"]", "description", "must be a string"),
    };
    RUN_CASES(cases);
    check_length(SK_KIND_PLACE, "title", "\xc3\xa9", 200); /* characters, not bytes */
    check_length(SK_KIND_PLACE, "summary", "x", 500);
    check_length(SK_KIND_PLACE, "description", "\xe2\x82\xac", 10000);
}

Test(shared, translations)
{
    static const struct member_case cases[] = {
        OK(PLACE, "\"translations\":{\"en\":{\"title\":\"Walk\"},\"de\":{\"summary\":\"x\",\"description\":\"y\"}}"),
        OK(PLACE, "\"translations\":{}"),
        BAD(PLACE, "\"translations\":{\"nl\":{\"title\":\"x\"}}", "translations.nl", "other than nl"),
        BAD(PLACE, "\"translations\":{\"xx\":{}}", "translations.xx", "ISO 639-1"),
        BAD(PLACE, "\"translations\":{\"EN\":{}}", "translations.EN", "ISO 639-1"),
        BAD(PLACE, "\"translations\":{\"eng\":{}}", "translations.eng", "ISO 639-1"),
        BAD(PLACE, "\"translations\":{\"en\":{\"titel\":\"x\"}}", "translations.en.titel", "unknown field"),
        BAD(PLACE, "\"translations\":{\"en\":{\"title\":\"\"}}", "translations.en.title", "must not be empty"),
        BAD(PLACE, "\"translations\":{\"en\":\"Walk\"}", "translations.en", "must be an object"),
        BAD(PLACE, "\"translations\":[]", "translations", "keyed by language code"),
    };
    RUN_CASES(cases);
}

Test(shared, ids_and_municipality)
{
    static const struct member_case cases[] = {
        OK(PLACE, "\"organisation_id\":\"" UUID_A "\""),
        BAD(PLACE, "\"organisation_id\":\"org-1\"", "organisation_id", "UUID"),
        OK(PLACE, "\"municipality\":\"GM0668\""),
        BAD(PLACE, "\"municipality\":\"gm0512\"", "municipality", "like GM0512"),
        BAD(PLACE, "\"municipality\":\"GM512\"", "municipality", "like GM0512"),
        BAD(PLACE, "\"municipality\":\"GM05123\"", "municipality", "like GM0512"),
        BAD(PLACE, "\"municipality\":\"GM05a2\"", "municipality", "like GM0512"),
        BAD(PLACE, "\"municipality\":512", "municipality", "must be a string"),
        BAD(PLACE, "\"municipality\":null", "municipality", "is required"),
    };
    RUN_CASES(cases);
}

Test(shared, code_arrays)
{
    static const struct member_case cases[] = {
        OK(PLACE, "\"areas\":[\"GM0512-lingewijk\",\"GM0512-West\"]"),
        OK(PLACE, "\"areas\":[]"),
        BAD(PLACE, "\"areas\":[\"GM0512 west\"]", "areas[0]", "area code"),
        BAD(PLACE, "\"areas\":[\"a\",\"b\",\"a\"]", "areas[2]", "repeats item [0]"),
        BAD(PLACE, "\"areas\":[null]", "areas[0]", "must not be null"),
        BAD(PLACE, "\"areas\":\"GM0512-west\"", "areas", "must be an array"),
        BAD(PLACE, "\"areas\":[\"\"]", "areas[0]", "area code"),
        BAD(PLACE, "\"areas\":[\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"]", "areas[0]",
            "at most 64"),
        OK(PLACE, "\"themes\":[\"beweging\",\"omzien-naar-elkaar\",\"a1\"]"),
        BAD(PLACE, "\"themes\":[\"Beweging\"]", "themes[0]", "lowercase"),
        BAD(PLACE, "\"themes\":[\"x_y\"]", "themes[0]", "lowercase"),
        BAD(PLACE, "\"themes\":[1]", "themes[0]", "must be a string"),
        OK(PLACE, "\"audiences\":[\"ouderen\",\"jonge-mantelzorgers\"]"),
        BAD(PLACE, "\"audiences\":[\"ouderen\",\"ouderen\"]", "audiences[1]", "repeats"),
        OK(PLACE, "\"languages\":[\"nl\",\"en\",\"ar\",\"tr\",\"uk\"]"),
        BAD(PLACE, "\"languages\":[\"xx\"]", "languages[0]", "ISO 639-1"),
        BAD(PLACE, "\"languages\":[\"NL\"]", "languages[0]", "ISO 639-1"),
        BAD(PLACE, "\"languages\":[\"nld\"]", "languages[0]", "ISO 639-1"),
        BAD(PLACE, "\"languages\":[\"nl\",\"nl\"]", "languages[1]", "repeats"),
    };
    RUN_CASES(cases);
}

/* A member holding an array of `n` copies of `item`. */
static char *array_member(const char *name, const char *item, size_t n, bool numbered)
{
    size_t size = strlen(name) + n * (strlen(item) + 16) + 16;
    char *s = malloc(size), *p = s;
    cr_assert_not_null(s);
    p += sprintf(p, "\"%s\":[", name);
    for (size_t i = 0; i < n; i++)
        p += numbered ? sprintf(p, "%s\"%s%zu\"", i ? "," : "", item, i) : sprintf(p, "%s%s", i ? "," : "", item);
    strcpy(p, "]");
    return s;
}

static void check_items(enum sk_kind kind, const char *name, const char *item, size_t max, bool numbered)
{
    char *ok = array_member(name, item, max, numbered), *bad = array_member(name, item, max + 1, numbered);
    char *ok_body = with(base_of(kind), ok), *bad_body = with(base_of(kind), bad);
    expect_ok(kind, VALIDATE_CREATE, ok_body);
    expect_error(kind, VALIDATE_CREATE, bad_body, name, "at most");
    free(ok);
    free(bad);
    free(ok_body);
    free(bad_body);
}

Test(shared, array_bounds)
{
    check_items(SK_KIND_PLACE, "areas", "area-", 50, true);
    check_items(SK_KIND_PLACE, "themes", "t", 30, true);
    check_items(SK_KIND_PLACE, "audiences", "a", 30, true);
    check_items(SK_KIND_PLACE, "images", "\"https://example.nl/a.jpg\"", 10, false);
    check_items(SK_KIND_PLACE, "opening_hours", "{\"day\":\"mo\",\"opens\":\"09:00\",\"closes\":\"10:00\"}", 50, false);
    check_items(SK_KIND_VACANCY, "skills", "skill ", 30, true);
    check_items(SK_KIND_CARER_SUPPORT, "for_whom", "f", 30, true);
}

Test(shared, accessibility)
{
    static const struct member_case cases[] = {
        OK(PLACE, "\"accessibility\":{\"wheelchair\":\"limited\",\"hearing_loop\":\"no\",\"low_stimulus\":\"yes\"}"),
        OK(PLACE, "\"accessibility\":{}"),
        BAD(PLACE, "\"accessibility\":{\"wheelchair\":\"maybe\"}", "accessibility.wheelchair",
            "one of: yes, limited, no"),
        BAD(PLACE, "\"accessibility\":{\"wheelchair\":true}", "accessibility.wheelchair", "one of"),
        BAD(PLACE, "\"accessibility\":{\"Wheel Chair\":\"yes\"}", "accessibility.Wheel Chair", "facet code"),
        BAD(PLACE, "\"accessibility\":[\"wheelchair\"]", "accessibility", "facet codes"),
    };
    RUN_CASES(cases);
}

Test(shared, cost)
{
    static const struct member_case cases[] = {
        OK(PLACE, "\"cost\":{\"free\":true}"),
        OK(PLACE, "\"cost\":{\"free\":true,\"amount_eur\":0}"),
        OK(PLACE, "\"cost\":{\"amount_eur\":2.5,\"discount_pass\":true,\"description\":\"Koffie inbegrepen\"}"),
        OK(PLACE, "\"cost\":{\"amount_eur\":19.99}"),
        OK(PLACE, "\"cost\":{\"amount_eur\":10000}"),
        OK(PLACE, "\"cost\":{\"free\":false,\"amount_eur\":0.1}"),
        BAD(PLACE, "\"cost\":{\"amount_eur\":12.345}", "cost.amount_eur", "2 decimals"),
        BAD(PLACE, "\"cost\":{\"amount_eur\":-1}", "cost.amount_eur", "from 0 to 10000"),
        BAD(PLACE, "\"cost\":{\"amount_eur\":10000.01}", "cost.amount_eur", "from 0 to 10000"),
        BAD(PLACE, "\"cost\":{\"amount_eur\":\"5\"}", "cost.amount_eur", "amount in euros"),
        BAD(PLACE, "\"cost\":{\"free\":\"yes\",\"amount_eur\":3}", "cost.free", "true or false"),
        BAD(PLACE, "\"cost\":{\"free\":true,\"price\":3}", "cost.price", "unknown field"),
        BAD(PLACE, "\"cost\":{\"free\":true,\"discount_pass\":1}", "cost.discount_pass", "true or false"),
        BAD(PLACE, "\"cost\":{\"free\":true,\"description\":\"a\\nb\"}", "cost.description", "single line"),
        BAD(PLACE, "\"cost\":\"gratis\"", "cost", "must be an object"),
    };
    RUN_CASES(cases);
}

Test(shared, contact_phone)
{
    static const struct member_case cases[] = {
        OK(PLACE, "\"contact\":{\"phone\":\"0183 123 456\"}"),
        OK(PLACE, "\"contact\":{\"phone\":\"+31 (0)183-123456\"}"),
        OK(PLACE, "\"contact\":{\"phone\":\"0612345678\"}"),
        OK(PLACE, "\"contact\":{}"),
        BAD(PLACE, "\"contact\":{\"phone\":\"12345\"}", "contact.phone", "phone number"),
        BAD(PLACE, "\"contact\":{\"phone\":\"12345678\"}", "contact.phone", "9 to 15 digits"),
        BAD(PLACE, "\"contact\":{\"phone\":\"0183-ABC-456\"}", "contact.phone", "phone number"),
        BAD(PLACE, "\"contact\":{\"phone\":\"0183+123456\"}", "contact.phone", "phone number"),
        BAD(PLACE, "\"contact\":{\"phone\":\"++31183123456\"}", "contact.phone", "phone number"),
        BAD(PLACE, "\"contact\":{\"phone\":\"0 1 8 3 1 2 3 4 5 6 7\"}", "contact.phone", "phone number"),
        BAD(PLACE, "\"contact\":{\"phone\":\"1234567890123456\"}", "contact.phone", "phone number"),
        BAD(PLACE, "\"contact\":{\"fax\":\"0183123456\"}", "contact.fax", "unknown field"),
    };
    RUN_CASES(cases);
}

Test(shared, contact_email)
{
    static const struct member_case cases[] = {
        OK(PLACE, "\"contact\":{\"email\":\"info@example.nl\"}"),
        OK(PLACE, "\"contact\":{\"email\":\"a.b+tag@sub.Example-1.nl\"}"),
        OK(PLACE, "\"contact\":{\"email\":\"o'neil@example.co.uk\"}"),
        BAD(PLACE, "\"contact\":{\"email\":\"info@localhost\"}", "contact.email", "e-mail address"),
        BAD(PLACE, "\"contact\":{\"email\":\"a..b@example.nl\"}", "contact.email", "e-mail"),
        BAD(PLACE, "\"contact\":{\"email\":\".a@example.nl\"}", "contact.email", "e-mail"),
        BAD(PLACE, "\"contact\":{\"email\":\"a@b@example.nl\"}", "contact.email", "e-mail"),
        BAD(PLACE, "\"contact\":{\"email\":\"@example.nl\"}", "contact.email", "e-mail"),
        BAD(PLACE, "\"contact\":{\"email\":\"info@-x.nl\"}", "contact.email", "e-mail"),
        BAD(PLACE, "\"contact\":{\"email\":\"info@x..nl\"}", "contact.email", "e-mail"),
        BAD(PLACE, "\"contact\":{\"email\":\"in fo@x.nl\"}", "contact.email", "e-mail"),
        BAD(PLACE, "\"contact\":{\"email\":\"info example.nl\"}", "contact.email", "e-mail"),
    };
    RUN_CASES(cases);
    /* 254 characters in all is the limit. */
    char addr[300], member[400];
    memset(addr, 'a', 60);
    strcpy(addr + 60, "@");
    while (strlen(addr) < 250)
        strcat(addr, "bbbbbbbbb.");
    addr[250] = '\0';
    strcat(addr, "x.nl"); /* 254 */
    snprintf(member, sizeof member, "\"contact\":{\"email\":\"%s\"}", addr);
    char *ok = with(PLACE, member);
    expect_ok(SK_KIND_PLACE, VALIDATE_CREATE, ok);
    free(ok);
    memmove(addr + 1, addr, strlen(addr) + 1);
    snprintf(member, sizeof member, "\"contact\":{\"email\":\"%s\"}", addr);
    char *bad = with(PLACE, member);
    expect_error(SK_KIND_PLACE, VALIDATE_CREATE, bad, "contact.email", "at most 254");
    free(bad);
}

Test(shared, urls)
{
    static const struct member_case cases[] = {
        OK(PLACE, "\"contact\":{\"website\":\"https://www.gorinchem.nl/sociale-kaart?x=1#y\"}"),
        OK(PLACE, "\"contact\":{\"website\":\"HTTP://example.nl:8080/\"}"),
        OK(PLACE, "\"contact\":{\"website\":\"https://[2001:db8::1]/\"}"),
        OK(PLACE, "\"contact\":{\"website\":\"https://xn--caf-dma.nl\"}"),
        BAD(PLACE, "\"contact\":{\"website\":\"ftp://example.nl\"}", "contact.website", "http://"),
        BAD(PLACE, "\"contact\":{\"website\":\"https://\"}", "contact.website", "http://"),
        BAD(PLACE, "\"contact\":{\"website\":\"www.example.nl\"}", "contact.website", "http://"),
        BAD(PLACE, "\"contact\":{\"website\":\"https://user@example.nl\"}", "contact.website", "http://"),
        BAD(PLACE, "\"contact\":{\"website\":\"https://exa mple.nl\"}", "contact.website", "http://"),
        BAD(PLACE, "\"contact\":{\"website\":\"https://example.nl/a b\"}", "contact.website", "http://"),
        BAD(PLACE, "\"contact\":{\"website\":\"https://example.nl/caf\xc3\xa9\"}", "contact.website", "http://"),
        BAD(PLACE, "\"contact\":{\"website\":\"https://localhost/\"}", "contact.website", "http://"),
        BAD(PLACE, "\"contact\":{\"website\":\"https://example.nl:0/\"}", "contact.website", "http://"),
        BAD(PLACE, "\"contact\":{\"website\":\"https://example.nl:99999/\"}", "contact.website", "http://"),
        BAD(PLACE, "\"contact\":{\"website\":\"javascript:alert(1)\"}", "contact.website", "http://"),
        OK(PLACE, "\"images\":[\"https://cdn.example.nl/a.jpg\",\"http://example.nl/b.png\"]"),
        BAD(PLACE, "\"images\":[\"data:image/png;base64,AAAA\"]", "images[0]", "http://"),
    };
    RUN_CASES(cases);
    char *ok = long_member("website", "a", 2048 - strlen("https://example.nl/"));
    char member[2200];
    /* Build "https://example.nl/aaaa..." of exactly 2048 and 2049 characters. */
    snprintf(member, sizeof member, "\"contact\":{\"website\":\"https://example.nl/%s}", strchr(ok, ':') + 2);
    char *body = with(PLACE, member);
    expect_ok(SK_KIND_PLACE, VALIDATE_CREATE, body);
    free(body);
    snprintf(member, sizeof member, "\"contact\":{\"website\":\"https://example.nl/a%s}", strchr(ok, ':') + 2);
    body = with(PLACE, member);
    expect_error(SK_KIND_PLACE, VALIDATE_CREATE, body, "contact.website", "at most 2048");
    free(body);
    free(ok);
}

/* ---- place ----------------------------------------------------------- */

#define ADDR(street, number, postcode, city)                                                                           \
    "\"address\":{\"street\":\"" street "\",\"house_number\":\"" number "\",\"postcode\":\"" postcode                  \
    "\",\"city\":\"" city "\"}"

Test(place, address)
{
    static const struct member_case cases[] = {
        OK(PLACE, ADDR("Kerkstraat", "1", "4201AB", "Gorinchem")),
        OK(PLACE, ADDR("Kerkstraat", "12-14", "9999 ZZ", "Gorinchem")),
        OK(PLACE, ADDR("Kerkstraat", "12 bis", "1000 AA", "Gorinchem")),
        OK(PLACE, ADDR("Kerkstraat", "12/2", "1000 AA", "Gorinchem")),
        BAD(PLACE, ADDR("Kerkstraat", "1", "0201 AB", "Gorinchem"), "address.postcode", "like 4201 AB"),
        BAD(PLACE, ADDR("Kerkstraat", "1", "4201 SA", "Gorinchem"), "address.postcode", "like 4201 AB"),
        BAD(PLACE, ADDR("Kerkstraat", "1", "4201 SD", "Gorinchem"), "address.postcode", "like 4201 AB"),
        BAD(PLACE, ADDR("Kerkstraat", "1", "4201SS", "Gorinchem"), "address.postcode", "like 4201 AB"),
        BAD(PLACE, ADDR("Kerkstraat", "1", "4201 ab", "Gorinchem"), "address.postcode", "like 4201 AB"),
        BAD(PLACE, ADDR("Kerkstraat", "1", "4201  AB", "Gorinchem"), "address.postcode", "like 4201 AB"),
        BAD(PLACE, ADDR("Kerkstraat", "1", "420 AB", "Gorinchem"), "address.postcode", "like 4201 AB"),
        BAD(PLACE, ADDR("Kerkstraat", "1", "4201-AB", "Gorinchem"), "address.postcode", "like 4201 AB"),
        BAD(PLACE, ADDR("Kerkstraat", "a12", "4201 AB", "Gorinchem"), "address.house_number", "house number"),
        BAD(PLACE, ADDR("Kerkstraat", "0", "4201 AB", "Gorinchem"), "address.house_number", "house number"),
        BAD(PLACE, ADDR("Kerkstraat", "", "4201 AB", "Gorinchem"), "address.house_number", "house number"),
        BAD(PLACE, ADDR("Kerkstraat", "12;drop", "4201 AB", "Gorinchem"), "address.house_number", "house number"),
        BAD(PLACE, ADDR("Kerkstraat", "123456789012345678901", "4201 AB", "Gorinchem"), "address.house_number",
            "at most 20"),
        OK(PLACE, ADDR("Kerkstraat", "12345678901234567890", "4201 AB", "Gorinchem")),
        BAD(PLACE, ADDR("", "1", "4201 AB", "Gorinchem"), "address.street", "must not be empty"),
        BAD(PLACE, ADDR("Kerkstraat", "1", "4201 AB", ""), "address.city", "must not be empty"),
        BAD(PLACE, "\"address\":{\"street\":\"Kerkstraat\",\"house_number\":\"1\",\"postcode\":\"4201 AB\"}",
            "address.city", "is required"),
        BAD(PLACE,
            "\"address\":{\"street\":\"K\",\"house_number\":\"1\",\"postcode\":\"4201 AB\",\"city\":\"G\",\"x\":1}",
            "address.x", "unknown field"),
        BAD(PLACE, "\"address\":null", "address", "is required"),
        BAD(VACANCY, ADDR("Kerkstraat", "1", "4201 AB", "Gorinchem"), "address", "unknown field"),
    };
    RUN_CASES(cases);
    expect_error(SK_KIND_PLACE, VALIDATE_CREATE, "{\"title\":\"x\",\"municipality\":\"GM0512\"}", "address",
                 "is required");
}

Test(place, address_lengths)
{
    char street[256], city[256], member[700];
    memset(street, 'S', 200);
    street[200] = '\0';
    memset(city, 'C', 100);
    city[100] = '\0';
    snprintf(member, sizeof member,
             "\"address\":{\"street\":\"%s\",\"house_number\":\"1\",\"postcode\":\"4201 AB\",\"city\":\"%s\"}", street,
             city);
    char *body = with(PLACE, member);
    expect_ok(SK_KIND_PLACE, VALIDATE_CREATE, body);
    free(body);
    strcat(city, "C");
    snprintf(member, sizeof member,
             "\"address\":{\"street\":\"%s\",\"house_number\":\"1\",\"postcode\":\"4201 AB\",\"city\":\"%s\"}", street,
             city);
    body = with(PLACE, member);
    expect_error(SK_KIND_PLACE, VALIDATE_CREATE, body, "address.city", "at most 100");
    free(body);
}

Test(place, location)
{
    static const struct member_case cases[] = {
        OK(PLACE, "\"location\":{\"lat\":51.8306,\"lon\":4.9742}"),
        OK(PLACE, "\"location\":{\"lat\":50.75,\"lon\":7.25}"),
        OK(PLACE, "\"location\":{\"lat\":53,\"lon\":5}"),
        BAD(PLACE, "\"location\":{\"lat\":49.9,\"lon\":5}", "location.lat", "from 50.75 to 53.7"),
        BAD(PLACE, "\"location\":{\"lat\":52,\"lon\":7.3}", "location.lon", "from 3.2 to 7.25"),
        BAD(PLACE, "\"location\":{\"lat\":\"52\",\"lon\":5}", "location.lat", "must be a number"),
        BAD(PLACE, "\"location\":{\"lat\":52}", "location.lon", "is required"),
        BAD(PLACE, "\"location\":{\"lat\":52,\"lon\":5,\"alt\":3}", "location.alt", "unknown field"),
        BAD(PLACE, "\"location\":{\"lat\":1e400,\"lon\":5}", "location.lat", "must be a number"),
    };
    RUN_CASES(cases);
}

#define HOURS(day, opens, closes)                                                                                      \
    "\"opening_hours\":[{\"day\":\"" day "\",\"opens\":\"" opens "\",\"closes\":\"" closes "\"}]"

Test(place, opening_hours)
{
    static const struct member_case cases[] = {
        OK(PLACE, HOURS("mo", "09:00", "17:00")),
        OK(PLACE, HOURS("su", "00:00", "24:00")),
        OK(PLACE, HOURS("sa", "23:00", "23:59")),
        OK(PLACE, "\"opening_hours\":[]"),
        BAD(PLACE, HOURS("monday", "09:00", "17:00"), "opening_hours[0].day", "one of: mo, tu, we"),
        BAD(PLACE, HOURS("Mo", "09:00", "17:00"), "opening_hours[0].day", "one of"),
        BAD(PLACE, HOURS("mo", "9:00", "17:00"), "opening_hours[0].opens", "like 09:30"),
        BAD(PLACE, HOURS("mo", "24:00", "24:00"), "opening_hours[0].opens", "to 23:59"),
        BAD(PLACE, HOURS("mo", "09:60", "17:00"), "opening_hours[0].opens", "like 09:30"),
        BAD(PLACE, HOURS("mo", "09:00", "24:01"), "opening_hours[0].closes", "to 24:00"),
        BAD(PLACE, HOURS("mo", "09:00", "25:00"), "opening_hours[0].closes", "to 24:00"),
        BAD(PLACE, HOURS("mo", "17:00", "09:00"), "opening_hours[0].closes", "later than opens"),
        BAD(PLACE, HOURS("mo", "09:00", "09:00"), "opening_hours[0].closes", "later than opens"),
        BAD(PLACE, "\"opening_hours\":[{\"day\":\"mo\",\"opens\":\"09:00\"}]", "opening_hours[0].closes",
            "is required"),
        BAD(PLACE,
            "\"opening_hours\":["
            "{\"day\":\"mo\",\"opens\":\"09:00\",\"closes\":\"10:00\"},"
            "{\"day\":\"tu\",\"opens\":\"09:00\",\"closes\":\"10:00\",\"note\":\"x\"}]",
            "opening_hours[1].note", "unknown field"),
        BAD(PLACE, "\"opening_hours\":[\"mo 9-17\"]", "opening_hours[0]", "must be an object"),
        BAD(PLACE, "\"opening_hours\":{\"mo\":\"9-17\"}", "opening_hours", "must be an array"),
    };
    RUN_CASES(cases);
}

/* ---- activity -------------------------------------------------------- */

/* An activity body with the given venue members and schedule. */
static char *activity(const char *venue, const char *schedule)
{
    size_t n = strlen(venue) + strlen(schedule) + 128;
    char *s = malloc(n);
    cr_assert_not_null(s);
    snprintf(s, n, "{\"title\":\"Wandelgroep\",\"municipality\":\"GM0512\"%s%s,\"schedule\":%s}", *venue ? "," : "",
             venue, schedule);
    return s;
}

#define SCHED_OK "{\"start\":\"2025-01-07T10:00\",\"end\":\"2025-01-07T11:30\"}"

static void activity_ok(const char *venue, const char *schedule)
{
    char *body = activity(venue, schedule);
    expect_ok(SK_KIND_ACTIVITY, VALIDATE_CREATE, body);
    free(body);
}

static void activity_bad(const char *venue, const char *schedule, const char *field, const char *needle)
{
    char *body = activity(venue, schedule);
    expect_error(SK_KIND_ACTIVITY, VALIDATE_CREATE, body, field, needle);
    free(body);
}

Test(activity, venue_members)
{
    activity_ok("\"place_id\":\"" UUID_A "\"", SCHED_OK);
    activity_ok(ADDR("Kerkstraat", "1", "4201 AB", "Gorinchem"), SCHED_OK);
    activity_ok(ADDR("Kerkstraat", "1", "4201 AB", "Gorinchem") ",\"location\":{\"lat\":51.8,\"lon\":4.9}", SCHED_OK);
    activity_ok("\"online\":true", SCHED_OK);
    activity_ok("\"online\":false,\"place_id\":\"" UUID_A "\"", SCHED_OK);
}

Test(activity, schedule_dates)
{
    const char *v = "\"online\":true";
    activity_ok(v, "{\"start\":\"2024-02-29T10:00\",\"end\":\"2024-02-29T11:00\"}");
    activity_ok(v, "{\"start\":\"2025-03-01T22:00\",\"end\":\"2025-03-02T22:00\"}"); /* exactly 24 h */
    activity_ok(v, "{\"start\":\"2025-10-26T02:30\",\"end\":\"2025-10-26T03:30\"}"); /* autumn hour exists */
    activity_bad(v, "{\"start\":\"2025-02-29T10:00\",\"end\":\"2025-03-01T11:00\"}", "schedule.start",
                 "real local date and time");
    activity_bad(v, "{\"start\":\"2025-01-07 10:00\",\"end\":\"2025-01-07T11:00\"}", "schedule.start",
                 "like 2025-03-01T10:00");
    activity_bad(v, "{\"start\":\"2025-01-07T10:00:00\",\"end\":\"2025-01-07T11:00\"}", "schedule.start",
                 "like 2025-03-01T10:00");
    activity_bad(v, "{\"start\":\"2025-01-07T10:00Z\",\"end\":\"2025-01-07T11:00\"}", "schedule.start",
                 "like 2025-03-01T10:00");
    activity_bad(v, "{\"start\":\"1999-01-07T10:00\",\"end\":\"2025-01-07T11:00\"}", "schedule.start",
                 "real local date");
    activity_bad(v, "{\"start\":\"2025-03-30T02:30\",\"end\":\"2025-03-30T04:00\"}", "schedule.start", "clocks jump");
    activity_bad(v, "{\"start\":\"2025-01-07T10:00\"}", "schedule.end", "is required");
    activity_bad(v, "{\"start\":\"2025-01-07T10:00\",\"end\":\"2025-01-07T11:00\",\"until\":\"x\"}", "schedule.until",
                 "unknown field");
    activity_bad(v, "\"weekly\"", "schedule", "must be an object");

    char *body = with(VACANCY, "\"online\":true"); /* activity without schedule */
    expect_error(SK_KIND_ACTIVITY, VALIDATE_CREATE, "{\"title\":\"x\",\"municipality\":\"GM0512\",\"online\":true}",
                 "schedule", "is required");
    free(body);
}

#define SCHED_R(rule) "{\"start\":\"2025-01-07T10:00\",\"end\":\"2025-01-07T11:30\",\"rrule\":\"" rule "\"}"

Test(activity, schedule_rrule)
{
    const char *v = "\"online\":true";
    activity_ok(v, SCHED_R("FREQ=WEEKLY"));
    activity_ok(v, SCHED_R("FREQ=WEEKLY;BYDAY=TU,TH;UNTIL=20251231"));
    activity_ok(v, SCHED_R("FREQ=MONTHLY;BYDAY=1TU;COUNT=10"));
    activity_ok(v, SCHED_R("FREQ=DAILY;INTERVAL=2"));
    activity_bad(v, SCHED_R("freq=weekly"), "schedule.rrule", "upper case");
    activity_bad(v, SCHED_R("FREQ=WEEKLY;UNTIL=20251231t120000z"), "schedule.rrule", "upper case");
    activity_bad(v, SCHED_R("FREQ=YEARLY"), "schedule.rrule", "FREQ must be DAILY, WEEKLY or MONTHLY");
    activity_bad(v, SCHED_R("FREQ=WEEKLY;COUNT=3;UNTIL=20251231"), "schedule.rrule", "COUNT and UNTIL");
    activity_bad(v, SCHED_R("RRULE:FREQ=WEEKLY"), "schedule.rrule", "RRULE: prefix");
    activity_bad(v, "{\"start\":\"2025-01-07T10:00\",\"end\":\"2025-01-07T11:30\",\"rrule\":7}", "schedule.rrule",
                 "must be a string");
}

Test(activity, schedule_exdates_and_sets)
{
    const char *v = "\"online\":true";
    activity_ok(v, "{\"start\":\"2025-01-07T10:00\",\"end\":\"2025-01-07T11:30\",\"rrule\":\"FREQ=WEEKLY\","
                   "\"exdates\":[\"2025-01-14\",\"2025-12-30\"],\"exception_sets\":[\"schoolvakanties\"]}");
    activity_bad(v,
                 "{\"start\":\"2025-01-07T10:00\",\"end\":\"2025-01-07T11:30\",\"rrule\":\"FREQ=WEEKLY\","
                 "\"exdates\":[\"2025-1-14\"]}",
                 "schedule.exdates[0]", "real date like 2025-03-01");
    activity_bad(v,
                 "{\"start\":\"2025-01-07T10:00\",\"end\":\"2025-01-07T11:30\",\"rrule\":\"FREQ=WEEKLY\","
                 "\"exdates\":[\"2025-01-14\",\"2025-01-14\"]}",
                 "schedule.exdates[1]", "repeats");
    activity_bad(v,
                 "{\"start\":\"2025-01-07T10:00\",\"end\":\"2025-01-07T11:30\",\"rrule\":\"FREQ=WEEKLY\","
                 "\"exception_sets\":[\"Kerst\"]}",
                 "schedule.exception_sets[0]", "lowercase");

    /* 366 exdates are fine, 367 are not. */
    char *ok = malloc(BODY_MAX), *p = ok;
    p += sprintf(p,
                 "{\"start\":\"2025-01-01T10:00\",\"end\":\"2025-01-01T11:00\",\"rrule\":\"FREQ=DAILY\",\"exdates\":[");
    for (int d = 0; d < 366; d++) {
        int year = 2025 + d / 365, doy = d % 365, month = 1;
        static const int dim[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
        while (doy >= dim[month - 1])
            doy -= dim[month++ - 1];
        p += sprintf(p, "%s\"%04d-%02d-%02d\"", d ? "," : "", year, month, doy + 1);
    }
    strcpy(p, "]}");
    activity_ok(v, ok);
    strcpy(p, ",\"2027-01-01\"]}");
    activity_bad(v, ok, "schedule.exdates", "at most 366");
    free(ok);
}

Test(activity, registration_capacity_visibility)
{
    static const struct member_case cases[] = {
        OK(ACTIVITY, "\"registration\":\"none\""),
        OK(ACTIVITY, "\"registration\":\"required\""),
        BAD(ACTIVITY, "\"registration\":\"yes\"", "registration", "one of: none, required"),
        OK(ACTIVITY, "\"capacity\":1"),
        OK(ACTIVITY, "\"capacity\":100000"),
        BAD(ACTIVITY, "\"capacity\":0", "capacity", "whole number from 1 to 100000"),
        BAD(ACTIVITY, "\"capacity\":100001", "capacity", "whole number"),
        BAD(ACTIVITY, "\"capacity\":2.5", "capacity", "whole number"),
        BAD(ACTIVITY, "\"capacity\":\"20\"", "capacity", "whole number"),
        BAD(ACTIVITY, "\"capacity\":99999999999999999999", "capacity", "whole number"),
        OK(ACTIVITY, "\"capacity\":20,\"places_left\":0"),
        OK(ACTIVITY, "\"capacity\":20,\"places_left\":20"),
        BAD(ACTIVITY, "\"capacity\":5,\"places_left\":-1", "places_left", "whole number from 0"),
        OK(ACTIVITY, "\"address_visibility\":\"public\""),
        OK(ACTIVITY, "\"address_visibility\":\"area_only\""),
        BAD(ACTIVITY, "\"address_visibility\":\"private\"", "address_visibility", "one of: public, area_only"),
        BAD(ACTIVITY, "\"opening_hours\":[]", "opening_hours", "unknown field"),
    };
    RUN_CASES(cases);
}

/* ---- vacancy and carer support ---------------------------------------- */

Test(vacancy, members)
{
    static const struct member_case cases[] = {
        OK(VACANCY, "\"hours_per_week\":0"),
        OK(VACANCY, "\"hours_per_week\":4.5"),
        OK(VACANCY, "\"hours_per_week\":60"),
        BAD(VACANCY, "\"hours_per_week\":61", "hours_per_week", "number from 0 to 60"),
        BAD(VACANCY, "\"hours_per_week\":-1", "hours_per_week", "number from 0 to 60"),
        BAD(VACANCY, "\"hours_per_week\":\"4\"", "hours_per_week", "number"),
        OK(VACANCY, "\"commitment\":\"one-off\""),
        OK(VACANCY, "\"commitment\":\"ongoing\""),
        BAD(VACANCY, "\"commitment\":\"weekly\"", "commitment", "one of: one-off, ongoing"),
        OK(VACANCY, "\"min_age\":0"),
        OK(VACANCY, "\"min_age\":99"),
        BAD(VACANCY, "\"min_age\":100", "min_age", "whole number from 0 to 99"),
        BAD(VACANCY, "\"min_age\":16.5", "min_age", "whole number"),
        OK(VACANCY, "\"skills\":[\"rijbewijs B\"]"),
        BAD(VACANCY, "\"skills\":[\"\"]", "skills[0]", "must not be empty"),
        BAD(VACANCY, "\"skills\":[\"a\\nb\"]", "skills[0]", "single line"),
        OK(VACANCY, "\"valid_until\":\"2025-12-31\""),
        BAD(VACANCY, "\"valid_until\":\"31-12-2025\"", "valid_until", "real date"),
        BAD(VACANCY, "\"valid_until\":\"2025-02-29\"", "valid_until", "real date"),
        OK(VACANCY, "\"place_id\":\"" UUID_A "\""),
        BAD(VACANCY, "\"place_id\":\"x\"", "place_id", "UUID"),
        BAD(VACANCY, "\"schedule\":{}", "schedule", "unknown field"),
    };
    RUN_CASES(cases);
    check_length(SK_KIND_VACANCY, "title", "v", 200);
    char *ok = long_member("x", "s", 100), *bad = long_member("x", "s", 101), member[300];
    snprintf(member, sizeof member, "\"skills\":[%s]", strchr(ok, ':') + 1);
    char *body = with(VACANCY, member);
    expect_ok(SK_KIND_VACANCY, VALIDATE_CREATE, body);
    free(body);
    snprintf(member, sizeof member, "\"skills\":[%s]", strchr(bad, ':') + 1);
    body = with(VACANCY, member);
    expect_error(SK_KIND_VACANCY, VALIDATE_CREATE, body, "skills[0]", "at most 100");
    free(body);
    free(ok);
    free(bad);
}

Test(carer_support, members)
{
    static const struct member_case cases[] = {
        OK(CARER_SUPPORT, "\"support_kind\":\"respijtzorg\""),
        BAD(CARER_SUPPORT, "\"support_kind\":\"Respijt zorg\"", "support_kind", "lowercase"),
        BAD(CARER_SUPPORT, "\"support_kind\":null", "support_kind", "is required"),
        OK(CARER_SUPPORT, "\"for_whom\":[\"mantelzorgers\",\"jonge-mantelzorgers\"]"),
        BAD(CARER_SUPPORT, "\"for_whom\":[\"x y\"]", "for_whom[0]", "lowercase"),
        OK(CARER_SUPPORT, "\"place_id\":\"" UUID_A "\""),
        BAD(CARER_SUPPORT, "\"place_id\":7", "place_id", "must be a string"),
        BAD(CARER_SUPPORT, "\"capacity\":3", "capacity", "unknown field"),
    };
    RUN_CASES(cases);
    expect_error(SK_KIND_CARER_SUPPORT, VALIDATE_CREATE, "{\"title\":\"x\",\"municipality\":\"GM0512\"}",
                 "support_kind", "is required");
}

Test(service, members)
{
    static const struct member_case cases[] = {
        OK(SERVICE, "\"channels\":[\"walk_in\",\"phone\",\"email\",\"home_visit\",\"online\"]"),
        BAD(SERVICE, "\"channels\":[]", "channels", "at least 1 item"),
        BAD(SERVICE, "\"channels\":[\"fax\"]", "channels[0]", "must be one of"),
        BAD(SERVICE, "\"channels\":[\"phone\",\"phone\"]", "channels[1]", "repeats"),
        BAD(SERVICE, "\"channels\":null", "channels", "is required"),
        OK(SERVICE, "\"referral_required\":true"),
        BAD(SERVICE, "\"referral_required\":\"ja\"", "referral_required", "true or false"),
        OK(SERVICE, "\"indication_required\":false"),
        OK(SERVICE, "\"opening_hours\":[{\"day\":\"tu\",\"opens\":\"09:00\",\"closes\":\"12:00\"}]"),
        BAD(SERVICE, "\"opening_hours\":[{\"day\":\"di\",\"opens\":\"09:00\",\"closes\":\"12:00\"}]",
            "opening_hours[0].day", "must be one of"),
        OK(SERVICE, "\"place_id\":\"" UUID_A "\""),
        OK(SERVICE, "\"drop_in\":true"),
        BAD(SERVICE, "\"support_kind\":\"advice\"", "support_kind", "unknown field"),
    };
    RUN_CASES(cases);
    expect_error(SK_KIND_SERVICE, VALIDATE_CREATE, "{\"title\":\"x\",\"municipality\":\"GM0512\"}", "channels",
                 "is required");
}

/* ---- every error, at once --------------------------------------------- */

Test(entry, ten_wrong_fields_give_ten_errors)
{
    static const char *const want[] = {
        "title",         "municipality", "areas[0]",         "themes",       "cost.amount_eur",
        "contact.email", "languages[0]", "address.postcode", "location.lat", "opening_hours[0].opens",
    };
    struct verr_list errs;
    int rc = run(SK_KIND_PLACE, VALIDATE_CREATE,
                 "{\"title\":\"\",\"municipality\":\"X\",\"areas\":[\"bad code\"],\"themes\":\"beweging\","
                 "\"cost\":{\"amount_eur\":-1},\"contact\":{\"email\":\"nope\"},\"languages\":[\"xx\"],"
                 "\"address\":{\"street\":\"Kerkstraat\",\"house_number\":\"1\",\"postcode\":\"0000 AA\","
                 "\"city\":\"Gorinchem\"},\"location\":{\"lat\":10,\"lon\":5},"
                 "\"opening_hours\":[{\"day\":\"mo\",\"opens\":\"25:00\",\"closes\":\"17:00\"}]}",
                 &errs);
    cr_assert_eq(rc, -1);
    if (errs.count != 10)
        dump(&errs);
    cr_assert_eq(errs.count, 10);
    for (size_t i = 0; i < 10; i++)
        cr_assert_str_eq(errs.items[i].field, want[i], "error %zu", i);
    struct json_object *arr = verr_to_json(&errs);
    cr_assert_eq(json_object_array_length(arr), 10);
    json_object_put(arr);
}

Test(entry, missing_required_all_reported)
{
    struct verr_list errs;
    cr_assert_eq(run(SK_KIND_ACTIVITY, VALIDATE_REPLACE, "{\"bogus\":1}", &errs), -1);
    /* the venue (place_id, address or online) is a rule across members: SQL's */
    static const char *const want[] = { "bogus", "title", "municipality", "schedule" };
    cr_assert_eq(errs.count, 4);
    for (size_t i = 0; i < 4; i++)
        cr_assert_str_eq(errs.items[i].field, want[i]);
}

Test(entry, many_errors_are_bounded)
{
    char *body = malloc(BODY_MAX), *p = body;
    p += sprintf(p, "{");
    for (int i = 0; i < 100; i++)
        p += sprintf(p, "%s\"unknown_%d\":1", i ? "," : "", i);
    strcpy(p, "}");
    struct verr_list errs;
    cr_assert_eq(run(SK_KIND_PLACE, VALIDATE_CREATE, body, &errs), -1);
    cr_assert_eq(errs.count, VERR_MAX);
    cr_assert(errs.overflow);
    free(body);
}

Test(entry, not_an_object)
{
    struct verr_list errs;
    verr_init(&errs);
    cr_assert_eq(validate_entry(SK_KIND_PLACE, VALIDATE_CREATE, NULL, &errs), -1);
    cr_assert_str_eq(errs.items[0].field, "");
    struct json_object *arr = json_object_new_array();
    cr_assert_eq(validate_entry(SK_KIND_PLACE, VALIDATE_PATCH, arr, &errs), -1);
    cr_assert_eq(errs.count, 2);
    json_object_put(arr);
}

Test(entry, long_unknown_key_path_is_cut_cleanly)
{
    char key[400] = "", body[600];
    for (int i = 0; i < 150; i++)
        strcat(key, "\xc3\xa9");
    snprintf(body, sizeof body, "{\"contact\":{\"%s\":1}}", key);
    struct verr_list errs;
    run(SK_KIND_PLACE, VALIDATE_PATCH, body, &errs);
    cr_assert_eq(errs.count, 1);
    cr_assert_eq(strncmp(errs.items[0].field, "contact.\xc3\xa9", 10), 0);
    cr_assert_lt(strlen(errs.items[0].field), VERR_FIELD_SIZE);
    cr_assert_eq((strlen(errs.items[0].field) - strlen("contact.")) % 2, 0);
}

/* ---- PATCH ------------------------------------------------------------ */

Test(patch, only_present_members_are_checked)
{
    expect_ok(SK_KIND_PLACE, VALIDATE_PATCH, "{}");
    expect_ok(SK_KIND_ACTIVITY, VALIDATE_PATCH, "{\"summary\":\"nieuw\"}");
    expect_ok(SK_KIND_CARER_SUPPORT, VALIDATE_PATCH, "{\"for_whom\":[\"mantelzorgers\"]}");
    expect_error(SK_KIND_PLACE, VALIDATE_PATCH, "{\"title\":\"\"}", "title", "must not be empty");
    expect_error(SK_KIND_PLACE, VALIDATE_PATCH, "{\"colour\":\"red\"}", "colour", "unknown field");
    expect_error(SK_KIND_PLACE, VALIDATE_PATCH, "{\"kind\":\"vacancy\"}", "kind", "must be \"place\"");
}

Test(patch, null_removes_optional_only)
{
    expect_ok(SK_KIND_PLACE, VALIDATE_PATCH, "{\"summary\":null,\"location\":null,\"cost\":null,\"areas\":null}");
    expect_ok(SK_KIND_ACTIVITY, VALIDATE_PATCH, "{\"address\":null,\"capacity\":null}");
    expect_ok(SK_KIND_PLACE, VALIDATE_PATCH, "{\"contact\":{\"phone\":null},\"translations\":{\"en\":null}}");
    expect_ok(SK_KIND_PLACE, VALIDATE_PATCH, "{\"accessibility\":{\"wheelchair\":null}}");
    expect_error(SK_KIND_PLACE, VALIDATE_PATCH, "{\"title\":null}", "title", "cannot be removed");
    expect_error(SK_KIND_PLACE, VALIDATE_PATCH, "{\"municipality\":null}", "municipality", "cannot be removed");
    expect_error(SK_KIND_PLACE, VALIDATE_PATCH, "{\"address\":null}", "address", "cannot be removed");
    expect_error(SK_KIND_ACTIVITY, VALIDATE_PATCH, "{\"schedule\":null}", "schedule", "cannot be removed");
    expect_error(SK_KIND_CARER_SUPPORT, VALIDATE_PATCH, "{\"support_kind\":null}", "support_kind", "cannot be removed");
    expect_error(SK_KIND_PLACE, VALIDATE_PATCH, "{\"address\":{\"postcode\":null}}", "address.postcode",
                 "cannot be removed");
    expect_error(SK_KIND_ACTIVITY, VALIDATE_PATCH, "{\"schedule\":{\"start\":null}}", "schedule.start",
                 "cannot be removed");
}

Test(patch, nested_objects_are_merge_patches)
{
    expect_ok(SK_KIND_PLACE, VALIDATE_PATCH, "{\"address\":{\"city\":\"Gorinchem\"}}");
    expect_ok(SK_KIND_PLACE, VALIDATE_PATCH, "{\"location\":{\"lat\":51.9}}");
    expect_ok(SK_KIND_PLACE, VALIDATE_PATCH, "{\"cost\":{\"amount_eur\":5}}");
    expect_ok(SK_KIND_PLACE, VALIDATE_PATCH, "{\"cost\":{\"discount_pass\":true}}");
    expect_ok(SK_KIND_ACTIVITY, VALIDATE_PATCH, "{\"schedule\":{\"end\":\"2025-01-07T12:00\"}}");
    expect_ok(SK_KIND_ACTIVITY, VALIDATE_PATCH, "{\"schedule\":{\"exdates\":[\"2025-01-14\"]}}");
    expect_error(SK_KIND_PLACE, VALIDATE_PATCH, "{\"address\":{\"postcode\":\"1234\"}}", "address.postcode",
                 "Dutch postcode");
}

Test(patch, arrays_replace_and_are_checked_in_full)
{
    expect_ok(SK_KIND_PLACE, VALIDATE_PATCH,
              "{\"opening_hours\":[{\"day\":\"tu\",\"opens\":\"10:00\",\"closes\":\"12:00\"}]}");
    struct verr_list errs;
    cr_assert_eq(run(SK_KIND_PLACE, VALIDATE_PATCH, "{\"opening_hours\":[{\"day\":\"mo\"}]}", &errs), -1);
    cr_assert_eq(errs.count, 2);
    cr_assert_str_eq(errs.items[0].field, "opening_hours[0].opens");
    cr_assert_str_eq(errs.items[1].field, "opening_hours[0].closes");
    expect_error(SK_KIND_PLACE, VALIDATE_PATCH,
                 "{\"opening_hours\":[{\"day\":\"mo\",\"opens\":null,\"closes\":\"12:00\"}]}", "opening_hours[0].opens",
                 "is required");
}

Test(patch, activity_venue_and_capacity)
{
    expect_ok(SK_KIND_ACTIVITY, VALIDATE_PATCH, "{\"online\":true,\"place_id\":null}");
    expect_ok(SK_KIND_ACTIVITY, VALIDATE_PATCH, "{\"online\":false}");
    expect_ok(SK_KIND_ACTIVITY, VALIDATE_PATCH, "{\"location\":{\"lat\":51.8,\"lon\":4.9}}");
    expect_ok(SK_KIND_ACTIVITY, VALIDATE_PATCH, "{\"places_left\":3}");
    expect_error(SK_KIND_ACTIVITY, VALIDATE_PATCH, "{\"capacity\":0,\"places_left\":6}", "capacity",
                 "whole number from 1");
}

/*
 * The rules across an entry's members (cost, schedule, venue, capacity) are
 * SQL's (sk_entry_complete_errors; sql/tests/entries.sql and
 * test_publishing.c test them): the validator leaves such bodies alone, so
 * the 422 holds SQL's one message, not a second copy.
 */
Test(cross, rules_across_members_are_left_to_sql)
{
    static const enum validate_mode modes[] = { VALIDATE_CREATE, VALIDATE_REPLACE, VALIDATE_PATCH };
    static const char *const bodies[] = {
        "{\"title\":\"x\",\"municipality\":\"GM0512\",\"online\":true,\"cost\":{\"free\":true,\"amount_eur\":3},"
        "\"schedule\":" SCHED_OK "}",
        "{\"title\":\"x\",\"municipality\":\"GM0512\",\"online\":true,\"cost\":{},\"schedule\":" SCHED_OK "}",
        "{\"title\":\"x\",\"municipality\":\"GM0512\",\"schedule\":" SCHED_OK "}",
        "{\"title\":\"x\",\"municipality\":\"GM0512\",\"online\":true,\"place_id\":\"" UUID_A "\","
        "\"location\":{\"lat\":51.8,\"lon\":4.9},\"schedule\":" SCHED_OK "}",
        "{\"title\":\"x\",\"municipality\":\"GM0512\",\"online\":true,"
        "\"schedule\":{\"start\":\"2025-01-07T10:00\",\"end\":\"2025-01-07T09:00\"}}",
        "{\"title\":\"x\",\"municipality\":\"GM0512\",\"online\":true,"
        "\"schedule\":{\"start\":\"2025-01-07T10:00\",\"end\":\"2025-01-08T10:01\"}}",
        "{\"title\":\"x\",\"municipality\":\"GM0512\",\"online\":true,\"schedule\":" SCHED_R(
            "FREQ=WEEKLY;BYDAY=MO") "}",
        "{\"title\":\"x\",\"municipality\":\"GM0512\",\"online\":true,\"schedule\":" SCHED_R(
            "FREQ=WEEKLY;UNTIL=20250106") "}",
        "{\"title\":\"x\",\"municipality\":\"GM0512\",\"online\":true,"
        "\"schedule\":{\"start\":\"2025-01-07T10:00\",\"end\":\"2025-01-07T11:30\",\"exdates\":[\"2025-01-14\"]}}",
        "{\"title\":\"x\",\"municipality\":\"GM0512\",\"online\":true,\"capacity\":20,\"places_left\":21,"
        "\"schedule\":" SCHED_OK "}",
        "{\"title\":\"x\",\"municipality\":\"GM0512\",\"online\":true,\"places_left\":3,\"schedule\":" SCHED_OK "}",
    };
    for (size_t m = 0; m < sizeof modes / sizeof modes[0]; m++)
        for (size_t i = 0; i < sizeof bodies / sizeof bodies[0]; i++)
            expect_ok(SK_KIND_ACTIVITY, modes[m], bodies[i]);
}

Test(patch, create_and_replace_treat_null_optional_as_absent)
{
    char *body = with(PLACE, "\"summary\":null,\"location\":null");
    expect_ok(SK_KIND_PLACE, VALIDATE_CREATE, body);
    expect_ok(SK_KIND_PLACE, VALIDATE_REPLACE, body);
    free(body);
    expect_error(SK_KIND_PLACE, VALIDATE_REPLACE, "{\"title\":\"x\",\"municipality\":\"GM0512\"}", "address",
                 "is required");
}

/* ---- robustness ------------------------------------------------------- */

/* Random byte edits of a full body must never crash (run under ASan too). */
Test(robustness, mutated_bodies)
{
    static const char seed[] =
        "{\"title\":\"Taalcaf\xc3\xa9\",\"municipality\":\"GM0668\",\"address\":" ADDRESS ","
        "\"contact\":{\"phone\":\"0183 123 456\",\"email\":\"a@b.nl\",\"website\":\"https://x.nl/\"},"
        "\"schedule\":{\"start\":\"2025-01-06T19:30\",\"end\":\"2025-01-06T21:00\","
        "\"rrule\":\"FREQ=MONTHLY;BYDAY=1MO\",\"exdates\":[\"2025-02-03\"]},\"cost\":{\"amount_eur\":2.5},"
        "\"translations\":{\"en\":{\"title\":\"x\"}},\"accessibility\":{\"wheelchair\":\"yes\"}}";
    static const char alphabet[] = "{}[]:,\"\\0123456789.-eE tfn\xc3\xa9\xff";
    uint32_t state = 2463534242u;
    char buf[sizeof seed];
    for (int round = 0; round < 5000; round++) {
        memcpy(buf, seed, sizeof seed);
        for (int edits = 0; edits < 1 + round % 4; edits++) {
            state ^= state << 13, state ^= state >> 17, state ^= state << 5;
            buf[state % (sizeof seed - 1)] = alphabet[(state >> 8) % (sizeof alphabet - 1)];
        }
        struct verr_list errs;
        verr_init(&errs);
        struct json_object *o = validate_json_body(buf, sizeof seed - 1, VALIDATE_JSON_DEPTH_DEFAULT, &errs);
        for (int k = 0; o != NULL && k < SK_KIND_COUNT; k++)
            for (int m = 0; m <= VALIDATE_PATCH; m++)
                validate_entry((enum sk_kind)k, (enum validate_mode)m, o, &errs);
        json_object_put(verr_to_json(&errs));
        json_object_put(o);
    }
}

/* ---- the other bodies (moderation, webhooks): same tables, same error shape ---- */

/* Checks json as body `which`; the errors, as "field: message" lines, must be want. */
static void expect_body(enum validate_body which, const char *json, const char *want)
{
    struct json_object *body = json_tokener_parse(json);
    struct verr_list errs;
    char got[1024] = "";
    cr_assert_not_null(body, "test body must parse: %s", json);
    verr_init(&errs);
    int rc = validate_body(which, body, &errs);
    for (size_t i = 0; i < errs.count; i++)
        snprintf(got + strlen(got), sizeof got - strlen(got), "%s%s: %s", i ? "\n" : "", errs.items[i].field,
                 errs.items[i].message);
    cr_assert_str_eq(got, want, "body %s\ngot:\n%s", json, got);
    cr_assert_eq(rc, want[0] ? -1 : 0);
    json_object_put(body);
}

Test(bodies, moderation)
{
    expect_body(VALIDATE_BODY_REASON_REQUIRED, "{\"reason\":\"dubbel\"}", "");
    expect_body(VALIDATE_BODY_REASON_REQUIRED, "{}", "reason: is required");
    expect_body(VALIDATE_BODY_REASON_REQUIRED, "{\"reason\":null}", "reason: is required");
    expect_body(VALIDATE_BODY_REASON_REQUIRED, "{\"reason\":7,\"x\":1}", "reason: must be a string\nx: unknown field");
    expect_body(VALIDATE_BODY_REASON_OPTIONAL, "{}", "");
    expect_body(VALIDATE_BODY_REASON_OPTIONAL, "{\"reason\":null}", "");
    expect_body(VALIDATE_BODY_RESOLUTION, "{\"resolution\":\"opgelost\"}", "");
    expect_body(VALIDATE_BODY_REPORT, "{\"reason\":\"outdated\",\"message\":\"Adres klopt niet\"}", "");
    expect_body(VALIDATE_BODY_REPORT, "{}",
                "reason: is required: one of outdated, wrong_address, no_longer_exists, inappropriate, other");
    expect_body(VALIDATE_BODY_REPORT, "{\"reason\":3}",
                "reason: is required: one of outdated, wrong_address, no_longer_exists, inappropriate, other");
    expect_body(VALIDATE_BODY_REPORT, "{\"reason\":\"boring\",\"message\":null}",
                "reason: must be one of outdated, wrong_address, no_longer_exists, inappropriate, other");
}

Test(bodies, moderation_text_counts_characters)
{
    char json[4200] = "{\"reason\":\"";
    for (int i = 0; i < 1000; i++)
        strcat(json, "\xc3\xa9"); /* é: 1000 characters, 2000 bytes */
    strcat(json, "\"}");
    expect_body(VALIDATE_BODY_REASON_REQUIRED, json, "");
    json[strlen(json) - 2] = '\0';
    strcat(json, "x\"}");
    expect_body(VALIDATE_BODY_REASON_REQUIRED, json, "reason: must be at most 1000 characters");
}

Test(bodies, webhook)
{
    expect_body(VALIDATE_BODY_WEBHOOK,
                "{\"url\":\"https://example.org/h\",\"secret\":\"0123456789abcdef\",\"kinds\":[\"activity\"],"
                "\"municipality\":\"GM0512\"}",
                "");
    expect_body(VALIDATE_BODY_WEBHOOK, "{}",
                "url: is required\nsecret: is required: the key with which every notice is signed");
    expect_body(VALIDATE_BODY_WEBHOOK,
                "{\"url\":1,\"secret\":\"short\",\"kinds\":[\"place\",\"shop\"],\"municipality\":\"0512\",\"x\":0}",
                "url: must be a string\nsecret: must be 16 to 200 characters\n"
                "kinds[1]: must be place, activity, vacancy, carer_support or service\n"
                "municipality: must be a CBS municipality code such as GM0512\n"
                "x: is not a member of a webhook (url, secret, kinds, municipality)");
    expect_body(VALIDATE_BODY_WEBHOOK,
                "{\"url\":\"u\",\"secret\":\"0123456789abcdef\",\"kinds\":\"place\",\"municipality\":null}",
                "kinds: must be a list of at most 5 kinds: place, activity, vacancy, carer_support, service");
}

/* issue 15: invitations (a new organisation by the organisations' table), keys, accepting */
Test(bodies, keys_and_invitations)
{
    expect_body(VALIDATE_BODY_INVITATION,
                "{\"organisation_id\":\"0b7e3b9e-3f4a-4c1e-9d55-0a1b2c3d4e5f\",\"contact_email\":\"a@b.nl\"}", "");
    expect_body(VALIDATE_BODY_INVITATION,
                "{\"organisation\":{\"name\":\"De Linde\",\"municipality\":\"GM0512\"},\"contact_name\":\"Anna\","
                "\"valid_days\":30}",
                "");
    expect_body(VALIDATE_BODY_INVITATION,
                "{\"organisation_id\":\"nee\",\"organisation\":{\"name\":\"\",\"colour\":1},\"contact_email\":\"x\","
                "\"valid_days\":31,\"token\":\"x\"}",
                "token: unknown field\n"
                "organisation_id: must be a UUID like 3f2b8c1e-5d4a-4e6f-9a7b-1c2d3e4f5a6b\n"
                "organisation.colour: unknown field\n"
                "organisation.name: must not be empty or only spaces\n"
                "contact_email: must be an e-mail address like info@example.nl (at most 254 characters)\n"
                "valid_days: must be a whole number from 1 to 30");
    expect_body(VALIDATE_BODY_KEY, "{}", "");
    expect_body(VALIDATE_BODY_KEY, "{\"label\":\"Website\",\"role\":\"partner\"}", "");
    expect_body(VALIDATE_BODY_KEY, "{\"label\":\"a\\nb\",\"secret\":\"x\"}",
                "secret: unknown field\nlabel: must be a single line (no line breaks or tabs)");
    expect_body(VALIDATE_BODY_ACCEPT, "{\"token\":\"abc\"}", "");
    expect_body(VALIDATE_BODY_ACCEPT, "{\"label\":7}", "token: is required\nlabel: must be a string");
}

Test(bodies, campaign)
{
    expect_body(VALIDATE_BODY_CAMPAIGN,
                "{\"name\":\"Burendag\",\"municipality\":\"GM0512\",\"starts_on\":\"2027-09-25\",\"ends_on\":"
                "\"2027-09-26\"}",
                "");
    /* a national one has no municipality (who may is SQL's); what GET answers can be sent back */
    expect_body(VALIDATE_BODY_CAMPAIGN,
                "{\"name\":\"Week tegen Eenzaamheid\",\"municipality\":null,\"starts_on\":\"2027-09-25\",\"ends_on\":"
                "\"2027-10-02\",\"code\":\"x\",\"period\":\"upcoming\",\"entry_count\":3,\"links\":{}}",
                "");
    expect_body(VALIDATE_BODY_CAMPAIGN, "{\"name\":\" \",\"starts_on\":\"2027-02-30\",\"kleur\":\"rood\"}",
                "kleur: is not a member of a campaign (name, summary, municipality, starts_on, ends_on)\nname: must "
                "not be empty or only spaces\nstarts_on: must be a real date like 2025-03-01 (years 2000 to 2100)\n"
                "ends_on: is required");
}
