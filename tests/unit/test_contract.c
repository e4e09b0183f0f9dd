/*
 * test_contract.c — the one contract (common/contract.def) as C sees it and
 * as the generated SQL (contract_sql_gen, embedded as sk_contract_sql) says it.
 */
#include <criterion/criterion.h>
#include <regex.h>
#include <stdio.h>
#include <string.h>

#include "contract.h"
#include "embedded.h"

static const char *sql(void)
{
    return (const char *)sk_contract_sql.data;
}

/* The generated SQL holds the text want. */
static void has(const char *want)
{
    cr_assert(strstr(sql(), want) != NULL, "contract.sql lacks: %s", want);
}

Test(contract, sql_is_replaceable_functions_only)
{
    static const char *const functions[] = {
        "sk_contract_kind_names()",
        "sk_contract_kind_path(p_kind text)",
        "sk_contract_kind_from_path(p_path text)",
        "sk_contract_kind_label(p_kind text, p_plural boolean",
        "sk_contract_channel_names()",
        "sk_contract_channel_label(p_code text)",
        "sk_contract_status_title(p_status int)",
        "sk_contract_problem_type(p_name text)",
        "sk_contract_problem_status(p_name text)",
        "sk_contract_problem_title(p_name text, p_status int)",
        "sk_contract_limit(p_name text)",
        "sk_contract_pattern(p_name text)",
    };
    char want[160];
    size_t creates = 0;
    cr_assert_str_eq(sk_contract_sql.name, "contract.sql", "the contract is the first API file");
    cr_assert_eq(strlen(sql()), sk_contract_sql.len);
    for (size_t i = 0; i < sizeof(functions) / sizeof(functions[0]); i++) {
        snprintf(want, sizeof(want), "CREATE OR REPLACE FUNCTION %s", functions[i]);
        has(want);
    }
    for (const char *p = sql(); (p = strstr(p, "CREATE ")) != NULL; p++, creates++)
        cr_assert(strncmp(p, "CREATE OR REPLACE FUNCTION ", 27) == 0, "only CREATE OR REPLACE FUNCTION: %.40s", p);
    cr_assert_eq(creates, sizeof(functions) / sizeof(functions[0]));
    cr_assert(strstr(sql(), "INSERT") == NULL && strstr(sql(), "DROP") == NULL, "no state, nothing dropped");
}

Test(contract, sql_has_every_kind)
{
    char want[256];
#define SK_ENTRY_KIND(id, name, path, label, label_plural)                                                             \
    snprintf(want, sizeof(want), "WHEN '%s' THEN '%s'", name, path);                                                   \
    has(want);                                                                                                         \
    snprintf(want, sizeof(want), "WHEN '%s' THEN '%s'", path, name);                                                   \
    has(want);                                                                                                         \
    snprintf(want, sizeof(want), "WHEN '%s' THEN CASE WHEN p_plural THEN '%s' ELSE '%s' END", name, label_plural,      \
             label);                                                                                                   \
    has(want);                                                                                                         \
    snprintf(want, sizeof(want), "'%s'", name);                                                                        \
    cr_assert(strstr(strstr(sql(), "RETURN ARRAY["), want) != NULL);
#include "contract.def"
}

Test(contract, sql_has_every_status_problem_limit_and_pattern)
{
    char want[256];
#define SK_STATUS(code, reason)                                                                                        \
    snprintf(want, sizeof(want), "WHEN %d THEN '%s'", code, reason);                                                   \
    has(want);
#define SK_PROBLEM(id, slug, status, title)                                                                            \
    snprintf(want, sizeof(want), "WHEN '%s' THEN RETURN '%s';", slug, contract_problem_type(CONTRACT_PROBLEM_##id));   \
    has(want);                                                                                                         \
    snprintf(want, sizeof(want), "WHEN '%s' THEN RETURN %d;", slug, status);                                           \
    has(want);                                                                                                         \
    if (title != NULL) {                                                                                               \
        snprintf(want, sizeof(want), "WHEN '%s' THEN RETURN coalesce('%s'::text", slug, (const char *)title);          \
        has(want);                                                                                                     \
    }
#define SK_LIMIT(id, name, value)                                                                                      \
    snprintf(want, sizeof(want), "WHEN '%s' THEN RETURN %d;", name, CONTRACT_##id);                                    \
    has(want);
#define SK_PATTERN(id, name, regex)                                                                                    \
    snprintf(want, sizeof(want), "WHEN '%s' THEN RETURN '%s';", name, contract_pattern_regex(CONTRACT_PATTERN_##id));  \
    has(want);
#include "contract.def"
}

Test(contract, kinds)
{
    enum sk_kind k;
    cr_assert_eq(SK_KIND_COUNT, 5);
    cr_assert(sk_kind_from_path("services", &k) && k == SK_KIND_SERVICE);
    cr_assert(sk_kind_from_path("carer-support", &k) && k == SK_KIND_CARER_SUPPORT);
    cr_assert(sk_kind_from_name("activity", &k) && k == SK_KIND_ACTIVITY);
    cr_assert(!sk_kind_from_name("activities", &k) && !sk_kind_from_path(NULL, &k) && !sk_kind_from_name(NULL, &k));
    cr_assert_str_eq(sk_kind_path(SK_KIND_VACANCY), "vacancies");
    cr_assert_str_eq(sk_kind_name(SK_KIND_PLACE), "place");
    cr_assert_str_eq(sk_kind_label(SK_KIND_ACTIVITY, false), "Activiteit");
    cr_assert_str_eq(sk_kind_label(SK_KIND_PLACE, true), "Plekken om elkaar te ontmoeten");
    cr_assert_null(sk_kind_name((enum sk_kind)SK_KIND_COUNT));
    cr_assert_null(sk_kind_label((enum sk_kind)SK_KIND_COUNT, false));
}

Test(contract, channels)
{
    enum sk_channel c;
    cr_assert_eq(SK_CHANNEL_COUNT, 5);
    cr_assert(sk_channel_from_code("home_visit", &c) && c == SK_CHANNEL_HOME_VISIT);
    cr_assert(!sk_channel_from_code("fax", &c) && !sk_channel_from_code(NULL, &c));
    cr_assert_str_eq(sk_channel_label(SK_CHANNEL_WALK_IN), "Spreekuur of inloop");
    cr_assert_str_eq(sk_channel_code(SK_CHANNEL_ONLINE), "online");
    cr_assert_null(sk_channel_code((enum sk_channel)SK_CHANNEL_COUNT));
    has("WHEN 'home_visit' THEN 'Huisbezoek'");
    has("RETURN ARRAY['walk_in', 'phone', 'email', 'home_visit', 'online']::text[]");
}

Test(contract, problems_and_statuses)
{
    cr_assert_str_eq(contract_problem_type(CONTRACT_PROBLEM_INVALID_INPUT), "urn:socialekaart:problem:invalid-input");
    cr_assert_str_eq(contract_problem_title(CONTRACT_PROBLEM_INVALID_INPUT, 422), "Unprocessable Content");
    cr_assert_str_eq(contract_problem_title(CONTRACT_PROBLEM_INVALID_INPUT, 400), "Bad Request");
    cr_assert_str_eq(contract_problem_title(CONTRACT_PROBLEM_NOT_HIDDEN, 409), "Not hidden");
    cr_assert_eq(contract_problem_status(CONTRACT_PROBLEM_TOO_MANY_REPORTS), 429);
    cr_assert_null(contract_problem_type(CONTRACT_PROBLEM_COUNT));
    cr_assert_str_eq(contract_status_title(404), "Not Found");
    cr_assert_str_eq(contract_status_title(299), "OK");
    cr_assert_str_eq(contract_status_title(499), "Error");
}

Test(contract, limits)
{
    cr_assert_eq(CONTRACT_LIST_DEFAULT, 20);
    cr_assert_eq(CONTRACT_LIST_MAX, 100);
    cr_assert_eq(CONTRACT_MOD_LIST_MAX, 200);
    cr_assert_eq(CONTRACT_FEED_MAX, 500);
}

/* The hand-written C checks accept exactly what the contract's regular expressions accept. */
static void same_as_regex(enum contract_pattern p, bool (*check)(const char *, size_t), const char *s)
{
    regex_t re;
    cr_assert_eq(regcomp(&re, contract_pattern_regex(p), REG_EXTENDED | REG_NOSUB), 0);
    bool by_regex = regexec(&re, s, 0, NULL, 0) == 0 && strlen(s) <= CONTRACT_CODE_MAX;
    regfree(&re);
    cr_assert_eq(check(s, strlen(s)), by_regex, "'%s': C says %d, the pattern %d", s, !by_regex, by_regex);
}

Test(contract, code_patterns)
{
    static const char *const samples[] = {
        "GM0512",
        "GM051",
        "GM05123",
        "gm0512",
        "GMabcd",
        "XX0512",
        "",
        "GM0512-west",
        "GM0512-",
        "GM0512-a-b-9",
        "GM0512-West",
        "GM0512_west",
        "GM0512--a",
        "GM0512-a-",
        "GM0512-oost-2",
        "GM0512-9",
        "GM0512west",
        "GM0512-wést",
        " GM0512",
        "GM0512 ",
        "GM0512-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
    };
    for (size_t i = 0; i < sizeof(samples) / sizeof(samples[0]); i++) {
        same_as_regex(CONTRACT_PATTERN_MUNICIPALITY_CODE, contract_is_municipality_code, samples[i]);
        same_as_regex(CONTRACT_PATTERN_AREA_CODE, contract_is_area_code, samples[i]);
    }
    cr_assert(contract_is_municipality_code("GM0512", 6));
    cr_assert(!contract_is_municipality_code(NULL, 0));
    cr_assert(contract_is_area_code("GM0512-west", 11));
}
