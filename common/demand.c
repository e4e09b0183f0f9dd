/*
 * demand.c — the demand note of one request (see demand.h).
 */
#include "demand.h"

#include <json-c/json.h>
#include <stdio.h>
#include <string.h>

/* Append s (len bytes) at *pos when it fits; false when it does not. */
static bool note_put(char *out, size_t cap, size_t *pos, const char *s, size_t len)
{
    if (*pos + len + 1 > cap)
        return false;
    memcpy(out + *pos, s, len);
    *pos += len;
    out[*pos] = '\0';
    return true;
}

/* The string array member name of params as "a,b,c", "*" beyond DEMAND_VALUES_MAX, "" when absent. */
static bool note_list(char *out, size_t cap, size_t *pos, struct json_object *params, const char *name)
{
    struct json_object *arr;
    size_t n;

    if (!json_object_object_get_ex(params, name, &arr) || !json_object_is_type(arr, json_type_array))
        return true;
    n = json_object_array_length(arr);
    if (n > DEMAND_VALUES_MAX)
        return note_put(out, cap, pos, "*", 1);
    for (size_t i = 0; i < n; i++) {
        const char *v = json_object_get_string(json_object_array_get_idx(arr, i));
        if ((i && !note_put(out, cap, pos, ",", 1)) || !note_put(out, cap, pos, v, strlen(v)))
            return false;
    }
    return true;
}

/* The municipality a search is about: the parameter, else the one all its areas lie in (GMnnnn...). */
static const char *note_municipality(struct json_object *params, char *buf, size_t cap)
{
    struct json_object *v, *areas;

    if (json_object_object_get_ex(params, "municipality", &v))
        return json_object_get_string(v);
    if (!json_object_object_get_ex(params, "areas", &areas) || json_object_array_length(areas) == 0 || cap < 7)
        return "";
    for (size_t i = 0; i < json_object_array_length(areas); i++) {
        const char *a = json_object_get_string(json_object_array_get_idx(areas, i));
        if (strlen(a) < 6 || (i && strncmp(buf, a, 6) != 0))
            return "";
        if (i == 0)
            snprintf(buf, cap, "%.6s", a);
    }
    return buf;
}

bool demand_note_search(struct demand_note *note, struct json_object *params)
{
    static const char *const filters[] = { "q", "areas", "themes", "audiences", "municipality", "near" };
    struct json_object *q = NULL;
    char m[8];
    const char *mun;
    size_t pos = 0;
    bool asks = false;

    note->what = DEMAND_NONE;
    note->found_nothing = false;
    note->text[0] = '\0';
    if (params == NULL || json_object_object_get_ex(params, "cursor", NULL))
        return false;
    for (size_t i = 0; i < sizeof(filters) / sizeof(filters[0]); i++)
        asks = asks || json_object_object_get_ex(params, filters[i], NULL);
    if (!asks)
        return false;
    mun = note_municipality(params, m, sizeof(m));
    if (!note_put(note->text, sizeof(note->text), &pos, mun, strlen(mun)) ||
        !note_put(note->text, sizeof(note->text), &pos, "|", 1) ||
        !note_list(note->text, sizeof(note->text), &pos, params, "areas") ||
        !note_put(note->text, sizeof(note->text), &pos, "|", 1) ||
        !note_list(note->text, sizeof(note->text), &pos, params, "themes") ||
        !note_put(note->text, sizeof(note->text), &pos, "|", 1) ||
        !note_list(note->text, sizeof(note->text), &pos, params, "kinds") ||
        !note_put(note->text, sizeof(note->text), &pos, "|", 1)) {
        note->text[0] = '\0';
        return false;
    }
    if (json_object_object_get_ex(params, "q", &q)) {
        char words[DEMAND_WORDS_MAX + 1];
        size_t n = demand_words_clean(json_object_get_string(q), words, sizeof(words));
        note_put(note->text, sizeof(note->text), &pos, words, n);
    }
    note->what = DEMAND_SEARCH;
    return true;
}

void demand_note_entry(struct demand_note *note, enum demand_what what, const char *id)
{
    note->found_nothing = false;
    if (id == NULL || strlen(id) >= sizeof(note->text) || (what != DEMAND_VIEW && what != DEMAND_CALENDAR)) {
        note->what = DEMAND_NONE;
        note->text[0] = '\0';
        return;
    }
    note->what = what;
    snprintf(note->text, sizeof(note->text), "%s", id);
}

static bool word_char(unsigned char c)
{
    return c >= 0x80 || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-' || c == '\'';
}

size_t demand_words_clean(const char *q, char *out, size_t cap)
{
    size_t len = 0;
    int words = 0;

    out[0] = '\0';
    while (q && *q && words < DEMAND_WORD_COUNT) {
        char word[DEMAND_WORDS_MAX + 1];
        size_t wn = 0, tn;
        bool refused = false;

        while (*q == ' ' || *q == '\t' || *q == '\n' || *q == '\r')
            q++;
        tn = strcspn(q, " \t\n\r");
        for (size_t i = 0; i < tn; i++) {
            unsigned char c = (unsigned char)q[i];
            if ((c >= '0' && c <= '9') || c == '@')
                refused = true;
            else if (word_char(c) && wn < DEMAND_WORDS_MAX)
                word[wn++] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
        }
        q += tn;
        /* a word cut inside a UTF-8 sequence is not kept */
        if (refused || wn == 0 || wn == DEMAND_WORDS_MAX)
            continue;
        while (wn && (word[wn - 1] == '-' || word[wn - 1] == '\''))
            wn--;
        if (wn == 0)
            continue;
        if (len + (len ? 1 : 0) + wn + 1 > cap || len + (len ? 1 : 0) + wn > DEMAND_WORDS_MAX)
            break;
        if (len)
            out[len++] = ' ';
        memcpy(out + len, word, wn);
        len += wn;
        out[len] = '\0';
        words++;
    }
    return len;
}

void demand_note_format(const struct demand_note *note, char *out, size_t cap)
{
    static const char codes[] = { '-', 'S', 'V', 'C' };

    if (note->what == DEMAND_NONE || (size_t)note->what >= sizeof(codes)) {
        if (cap)
            out[0] = '\0';
        return;
    }
    snprintf(out, cap, "%c%c%s", codes[note->what], note->found_nothing ? '1' : '0', note->text);
}

bool demand_note_parse(struct demand_note *note, const char *line, size_t len)
{
    note->what = DEMAND_NONE;
    note->found_nothing = false;
    note->text[0] = '\0';
    if (len < 2 || len - 2 >= sizeof(note->text) || (line[1] != '0' && line[1] != '1') ||
        memchr(line, '\0', len) != NULL)
        return false;
    switch (line[0]) {
    case 'S': note->what = DEMAND_SEARCH; break;
    case 'V': note->what = DEMAND_VIEW; break;
    case 'C': note->what = DEMAND_CALENDAR; break;
    default: return false;
    }
    note->found_nothing = line[1] == '1';
    memcpy(note->text, line + 2, len - 2);
    note->text[len - 2] = '\0';
    return true;
}
