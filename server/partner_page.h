/*
 * partner_page.h — the partners' pages (/partner, server/h_partner.c): the
 * HTML, and the conversions between an HTML form, the entry JSON of the API
 * and the RRULE of an activity's schedule.
 *
 * Pure: no I/O and no request state, like web_page.c. Every value from the
 * database or the request goes through html_text/html_url (common/html.c).
 * Dutch at B1 level.
 *
 * Ownership: b belongs to the caller (html_init before, html_take after);
 * every json_object and string argument is borrowed for the call unless a
 * function says it returns a new one.
 */
#ifndef SK_PARTNER_PAGE_H
#define SK_PARTNER_PAGE_H

#include <stdbool.h>
#include <stddef.h>

#include "contract.h"
#include "html.h"
#include "rrule.h"

struct json_object;

/* One field of a posted form, borrowed from the request; names may repeat (checkboxes). */
struct pp_field {
    const char *name;
    const char *value;
};

struct pp_form {
    const struct pp_field *fields; /* borrowed */
    size_t n;
};

/* The first value of name, or NULL. */
const char *pp_form_get(const struct pp_form *form, const char *name);

/* ------------------------------------------------------------------ */
/* The schedule of an activity in words, and its RRULE                 */

enum pp_repeat {
    PP_ONCE,    /* no rule */
    PP_WEEKLY,  /* every <interval> weeks on <days> */
    PP_MONTHLY, /* every month on the <ordinal> <weekday> */
    PP_CUSTOM   /* a rule the form cannot say: kept as it is, shown read-only */
};

/* Plain value, no pointers. */
struct pp_schedule {
    enum pp_repeat repeat;
    int interval;                    /* PP_WEEKLY: 1..4 */
    unsigned days;                   /* PP_WEEKLY: bit 0 = Monday .. bit 6 = Sunday */
    int month_ordinal;               /* PP_MONTHLY: 1..4, or -1 for the last */
    int month_weekday;               /* PP_MONTHLY: 0 = Monday .. 6 = Sunday */
    char until[11];                  /* "YYYY-MM-DD" (the last day it may happen), or "" */
    char custom[RRULE_TEXT_MAX + 1]; /* PP_CUSTOM: the rule text */
};

/*
 * The RRULE for s into out (cap bytes): "" for PP_ONCE. start_weekday
 * (0..6, or -1 when unknown) is used when a weekly schedule names no day.
 * Returns the length, or -1 when it does not fit.
 */
int pp_schedule_to_rrule(const struct pp_schedule *s, int start_weekday, char *out, size_t cap);

/*
 * The words for an RRULE (NULL or "" = once). A rule with parts the form
 * does not offer (COUNT, BYMONTHDAY, DAILY, UNTIL with a time, ordinals in
 * a weekly rule, several monthly days, an interval above 4 ...) becomes
 * PP_CUSTOM with the text kept.
 */
void pp_schedule_from_rrule(const char *rrule, struct pp_schedule *s);

/* A date as a partner may type it ("24-12-2026", "24/12/2026", "2026-12-24") as YYYY-MM-DD; false if not a date. */
bool pp_date_iso(const char *text, char out[11]);

/* ------------------------------------------------------------------ */
/* Form <-> entry JSON                                                 */

/*
 * The entry JSON of the API (a complete body for POST/PUT) from a posted
 * form of kind. Values that do not parse (an amount "vijf") are passed on as
 * text, so the API's own validation names them. With patch, a merge patch
 * (PATCH) instead: what the form left empty is null, so it is removed, and
 * what the form does not show stays. Returns a new object (the caller owns
 * it), NULL when out of memory.
 */
struct json_object *pp_form_to_entry(enum sk_kind kind, const struct pp_form *form, bool patch);

/*
 * The form control an error of the API (its "field", a JSON path such as
 * "schedule.start" or "themes[2]") belongs to, as the control's name
 * ("schedule.date", "themes"); NULL when the form has no such control.
 */
const char *pp_error_control(enum sk_kind kind, const char *field);

/* The Dutch words for an error message of the API (English, from validate.c or SQL). */
const char *pp_error_dutch(const char *message);

/* ------------------------------------------------------------------ */
/* Pages                                                               */

/* The "soort" of the URL (plek, activiteit, vrijwilligerswerk, mantelzorg) and back. */
bool pp_kind_from_slug(const char *slug, enum sk_kind *kind);
const char *pp_kind_slug(enum sk_kind kind);

/* Login: paste a key. problem (may be NULL) is shown at the top. */
void pp_page_login(struct html_buf *b, const char *problem);

/* An invitation (api_invitation_peek's answer) with the form to accept it. */
void pp_page_invitation(struct html_buf *b, const char *token, struct json_object *peek, const char *problem);

/*
 * A new key, shown once (after accepting an invitation, making or rotating a
 * key). org_name may be NULL. next: where the partner goes on ("/partner").
 */
void pp_page_new_key(struct html_buf *b, const char *key, const char *org_name, const char *csrf);

/*
 * The overview: api_partner_home's answer, the responses (api_response_list's
 * answer, NULL when not available) and a notice (NULL for none).
 */
void pp_page_home(struct html_buf *b, struct json_object *home, struct json_object *responses, const char *csrf,
                  const char *notice);

/* The keys of the organisation (api_key_list's answer). */
void pp_page_keys(struct html_buf *b, const char *org_id, struct json_object *keys, const char *csrf,
                  const char *notice);

/*
 * The form of an entry: choices from api_partner_form's answer; values from
 * entry (a posted form turned into JSON, or the stored entry; NULL for an
 * empty new form); errors the API's errors array (NULL for none). id and
 * version are NULL for a new entry.
 */
void pp_page_form(struct html_buf *b, enum sk_kind kind, struct json_object *choices, struct json_object *entry,
                  struct json_object *errors, const char *id, const char *version, const char *csrf,
                  const char *problem);

/* A short page with a title and one sentence (403, 404, 503 ...). */
void pp_page_error(struct html_buf *b, const char *title, const char *text);

#endif
