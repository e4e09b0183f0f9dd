/*
 * contract.c — lookups over the tables contract.def generates. See contract.h.
 */
#include "contract.h"

#include <string.h>

static const struct kind_row {
    const char *name, *path, *label, *label_plural;
} kinds[SK_KIND_COUNT] = {
#define SK_ENTRY_KIND(id, name, path, label, label_plural) [SK_KIND_##id] = { name, path, label, label_plural },
#include "contract.def"
};

static const struct channel_row {
    const char *code, *label;
} channels[SK_CHANNEL_COUNT] = {
#define SK_CHANNEL(id, code, label) [SK_CHANNEL_##id] = { code, label },
#include "contract.def"
};

static const struct problem_row {
    const char *type, *title;
    int status;
} problems[CONTRACT_PROBLEM_COUNT] = {
#define SK_PROBLEM(id, slug, status, title) [CONTRACT_PROBLEM_##id] = { CONTRACT_PROBLEM_URN slug, title, status },
#include "contract.def"
};

static const char *const patterns[CONTRACT_PATTERN_COUNT] = {
#define SK_PATTERN(id, name, regex) [CONTRACT_PATTERN_##id] = regex,
#include "contract.def"
};

bool sk_kind_from_path(const char *segment, enum sk_kind *out)
{
    for (int k = 0; segment != NULL && k < SK_KIND_COUNT; k++)
        if (strcmp(segment, kinds[k].path) == 0) {
            *out = (enum sk_kind)k;
            return true;
        }
    return false;
}

bool sk_kind_from_name(const char *name, enum sk_kind *out)
{
    for (int k = 0; name != NULL && k < SK_KIND_COUNT; k++)
        if (strcmp(name, kinds[k].name) == 0) {
            *out = (enum sk_kind)k;
            return true;
        }
    return false;
}

const char *sk_kind_name(enum sk_kind kind)
{
    return (unsigned)kind < SK_KIND_COUNT ? kinds[kind].name : NULL;
}

const char *sk_kind_path(enum sk_kind kind)
{
    return (unsigned)kind < SK_KIND_COUNT ? kinds[kind].path : NULL;
}

const char *sk_kind_label(enum sk_kind kind, bool plural)
{
    if ((unsigned)kind >= SK_KIND_COUNT)
        return NULL;
    return plural ? kinds[kind].label_plural : kinds[kind].label;
}

bool sk_channel_from_code(const char *code, enum sk_channel *out)
{
    for (int c = 0; code != NULL && c < SK_CHANNEL_COUNT; c++)
        if (strcmp(code, channels[c].code) == 0) {
            *out = (enum sk_channel)c;
            return true;
        }
    return false;
}

const char *sk_channel_code(enum sk_channel channel)
{
    return (unsigned)channel < SK_CHANNEL_COUNT ? channels[channel].code : NULL;
}

const char *sk_channel_label(enum sk_channel channel)
{
    return (unsigned)channel < SK_CHANNEL_COUNT ? channels[channel].label : NULL;
}

const char *contract_status_title(int status)
{
    /* The macro stays on one line: clang-format would join the #include to it. */
    /* clang-format off */
    switch (status) {
#define SK_STATUS(code, reason) case code: return reason;
#include "contract.def"
    /* clang-format on */
    default: return status < 400 ? "OK" : "Error";
    }
}

const char *contract_problem_type(enum contract_problem p)
{
    return (unsigned)p < CONTRACT_PROBLEM_COUNT ? problems[p].type : NULL;
}

int contract_problem_status(enum contract_problem p)
{
    return (unsigned)p < CONTRACT_PROBLEM_COUNT ? problems[p].status : 0;
}

const char *contract_problem_title(enum contract_problem p, int status)
{
    if ((unsigned)p >= CONTRACT_PROBLEM_COUNT)
        return NULL;
    return problems[p].title ? problems[p].title : contract_status_title(status);
}

const char *contract_pattern_regex(enum contract_pattern p)
{
    return (unsigned)p < CONTRACT_PATTERN_COUNT ? patterns[p] : NULL;
}

static bool all_digits(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return false;
    return true;
}

bool contract_is_municipality_code(const char *s, size_t n)
{
    return s != NULL && n == 6 && s[0] == 'G' && s[1] == 'M' && all_digits(s + 2, 4);
}

bool contract_is_area_code(const char *s, size_t n)
{
    if (s == NULL || n < 6 || n > CONTRACT_CODE_MAX || !contract_is_municipality_code(s, 6))
        return false;
    if (n == 6)
        return true;
    for (size_t i = 6; i < n; i++) {
        bool alnum = (s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9');
        if (s[i] == '-' ? i + 1 == n || s[i + 1] == '-' : !alnum || i == 6)
            return false; /* each '-' starts a part of one or more letters and digits */
    }
    return true;
}
