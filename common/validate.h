/*
 * validate: checks a request body for one entry (place, activity, vacancy,
 * carer-support offer) against the public field contract, before the daemon
 * makes its one SQL call.
 *
 * What it is for: shape and format rules of each field (types, lengths,
 * patterns, ranges, required fields, unknown fields), collecting EVERY
 * failure so the API can answer one 422 that names all failing fields.
 *
 * What it is not for: anything that needs the database (whether a facet,
 * theme, area or place_id exists; which values a facet allows) and the
 * rules across an entry's members (cost, schedule, venue, capacity: one
 * copy, sk_entry_complete_errors, run on every write and, for a PATCH, on
 * the merged entry). SQL checks those. No I/O, no
 * allocation except the json-c objects documented below, no global state.
 *
 * Field paths in errors: "title", "contact.email", "opening_hours[2].opens",
 * "translations.en.title"; "" means the body itself.
 */
#ifndef SK_VALIDATE_H
#define SK_VALIDATE_H

#include <stdbool.h>
#include <stddef.h>

struct json_object;

/* ---------------------------------------------------------------- kinds */

/* enum sk_kind, sk_kind_from_path/_from_name, sk_kind_name/_path: contract.h. */
#include "contract.h"

/* --------------------------------------------------------------- errors */

enum {
    VERR_MAX = 64,           /* errors kept; more set `overflow` */
    VERR_FIELD_SIZE = 128,   /* bytes of a field path, NUL included */
    VERR_MESSAGE_SIZE = 160, /* bytes of a message, NUL included */
};

/* One failing field. Both strings are copies, NUL-terminated, valid UTF-8. */
struct verr {
    char field[VERR_FIELD_SIZE];
    char message[VERR_MESSAGE_SIZE];
};

/*
 * A bounded error list (about 19 KiB). The caller owns it (stack or heap)
 * and calls verr_init() before first use; it holds no pointers, so there is
 * nothing to free. Errors past VERR_MAX are counted only as `overflow`, and
 * verr_to_json() then adds one "too many errors" entry.
 */
struct verr_list {
    size_t count;
    bool overflow;
    struct verr items[VERR_MAX];
};

void verr_init(struct verr_list *l);

/*
 * Add an error. field is copied (NULL is taken as ""); it is cut at a UTF-8
 * boundary when too long and invalid bytes become '?'. The message is
 * formatted like printf and cut to fit.
 */
__attribute__((format(printf, 3, 4))) void verr_add(struct verr_list *l, const char *field, const char *fmt, ...);

bool verr_empty(const struct verr_list *l);

/*
 * Render as a new json-c array [{"field": ..., "message": ...}, ...] for
 * the problem+json "errors" member. The caller owns the result (put it into
 * a parent object or json_object_put() it). Returns NULL only when json-c
 * cannot allocate.
 */
struct json_object *verr_to_json(const struct verr_list *l);

/* ----------------------------------------------------------- JSON body */

/* Default nesting limit for request bodies; the daemon passes its cfg value. */
enum {
    VALIDATE_JSON_DEPTH_DEFAULT = 16
};

/*
 * Check and parse a request body: not empty, valid UTF-8 without NUL bytes,
 * strict RFC 8259 JSON (no single quotes, NaN, Infinity, "1.", raw control
 * characters in strings, trailing data), at most max_depth levels deep, and
 * an object at the top.
 *
 * buf is borrowed (len bytes, no NUL needed). Returns a new json-c object
 * the caller owns (json_object_put()), or NULL after adding one error with
 * field "" to errs.
 */
struct json_object *validate_json_body(const char *buf, size_t len, int max_depth, struct verr_list *errs);

/* ---------------------------------------------------------------- entry */

enum validate_mode {
    VALIDATE_CREATE,  /* POST: required fields enforced */
    VALIDATE_REPLACE, /* PUT: required fields enforced */
    VALIDATE_PATCH,   /* RFC 7396 merge patch: see below */
};

/*
 * Check an entry body of the given kind and add one error per failing field
 * to errs (which may already hold errors). Returns 0 when this call added
 * none, -1 otherwise.
 *
 * body is borrowed and not modified. Read-only members (id, kind, status,
 * version, created_at, updated_at) are accepted and otherwise ignored,
 * except that `kind` must name this collection and `id` must be a UUID; the
 * caller compares `id` with the path and drops these members before writing.
 *
 * PATCH: only the members present are checked. null means "remove" and is
 * allowed for optional members only. Objects in the patch are merge patches
 * themselves (so their required members are not enforced); arrays replace
 * the stored array and are checked in full. The rules across members are
 * SQL's, on the merged entry.
 */
int validate_entry(enum sk_kind kind, enum validate_mode mode, struct json_object *body, struct verr_list *errs);

/* The bodies that are not entries, checked with member tables like the entries'. */
enum validate_body {
    VALIDATE_BODY_REASON_REQUIRED,     /* {"reason"}: reject, hide */
    VALIDATE_BODY_REASON_OPTIONAL,     /* {"reason"?}: the other moderation decisions */
    VALIDATE_BODY_RESOLUTION,          /* {"resolution"?}: resolving a report */
    VALIDATE_BODY_REPORT,              /* {"reason", "message"?}: a new report */
    VALIDATE_BODY_WEBHOOK,             /* {"url", "secret", "kinds"?, "municipality"?}: a new webhook */
    VALIDATE_BODY_VOCAB_TERM,          /* {"code"?, "label_nl", "label_en"?, "retired"?}: audiences, support kinds */
    VALIDATE_BODY_VOCAB_THEME,         /* a term and "parent"? */
    VALIDATE_BODY_VOCAB_FEATURE,       /* a term and "values"?, "osm_equivalent"?: accessibility features */
    VALIDATE_BODY_VOCAB_EXCEPTION_SET, /* a term and "municipality"?, "dates"?: exception sets */
    VALIDATE_BODY_AREA,            /* {"name", "kind", "municipality"?, "location"?, ...}: PUT /api/v1/areas/{code} */
    VALIDATE_BODY_ORG_CREATE,      /* {"name", "description"?, "website"?, ...}: POST /api/v1/organisations */
    VALIDATE_BODY_ORG_PATCH,       /* the same members, each optional (a merge patch; name not removable) */
    VALIDATE_BODY_INVITATION,      /* {"organisation_id" | "organisation": {...}, "contact_name"?, ...}: issue 15 */
    VALIDATE_BODY_KEY,             /* {"label"?, "role"?}: POST /api/v1/organisations/{id}/keys (role: SQL's) */
    VALIDATE_BODY_ACCEPT,          /* {"token", "label"?}: POST /api/v1/invitations/accept */
    VALIDATE_BODY_RESPONSE,        /* {"name", "contact", "message"?, "places"?}: a resident responds (issue 15) */
    VALIDATE_BODY_RESPONSE_STATUS, /* {"status"}: PATCH a response (new or seen) */
    VALIDATE_BODY_READABILITY,     /* {"text"}: POST /api/v1/readability (issue 16) */
    VALIDATE_BODY_WISH,            /* {"municipality", "area"?, "theme"?, "text"}: POST /api/v1/wishes (issue 16) */
    VALIDATE_BODY_INITIATIVE,      /* {"name", "description", "municipality", "contact_name", ...}: issue 16 */
    VALIDATE_BODY_CAMPAIGN,        /* {"name", "summary", "municipality", "starts_on", "ends_on"}: issue 16 */
    VALIDATE_BODY_MUNICIPAL_THEME, /* {"label_nl", "label_en"?, "summary"?, "themes", "position"?}: issue 16 */
};

/*
 * Check a small body (borrowed; a JSON object) against its member table and
 * add one error per failing member to errs, named by its path ("kinds[1]").
 * Unknown members are errors. What only the daemon or the database can judge
 * (a webhook URL's address policy, a blank reason) is theirs. Returns 0 when
 * this call added no error, -1 otherwise.
 */
int validate_body(enum validate_body which, struct json_object *body, struct verr_list *errs);

#endif
